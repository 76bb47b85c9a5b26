package interchange

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// The CSV files: nodes.csv and relationships.csv, in neo4j-admin import's
// header style. When one attribute has values of different types (a string
// population here, an integer one there), the items that clash go to a
// further file (nodes-2.csv, …) with a header of its own, so that every
// column has one type.
//
//	id:ID,:LABEL,kind,name,nameEn,tier:int,since,until,source,sourceId,quote,reasoning,ref,attrProvenance,population:long,strength:double,…
//	:START_ID,:END_ID,:TYPE,id,since,until,source,sourceId,quote,reasoning,ref,role,title,…
//
// :LABEL is the graph label and Node, the label the Neo4j store gives every
// node, so that neo4j-admin database import builds the layout the Neo4j
// store reads (less its search keys). Strings are quoted when they need it;
// an empty string attribute is written "" (an empty cell is no value).
// Import them with
//
//	neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv --multiline-fields=true neo4j

// WriteCSVDir writes the CSV files of g into dir (created when missing) and
// returns their paths.
func WriteCSVDir(dir string, g *graph.Snapshot) ([]string, error) {
	src, err := newSnapshotSource(g)
	if err != nil {
		return nil, fmt.Errorf("interchange: %w", err)
	}
	return writeCSVDir(context.Background(), dir, src)
}

// ExportCSVDir is Export in CSV into the directory dir (created when
// missing): it returns the paths of the files written.
func ExportCSVDir(ctx context.Context, dir string, store graph.Store, spec SubgraphSpec) ([]string, error) {
	src, err := exportSource(ctx, store, spec)
	if err != nil {
		return nil, err
	}
	return writeCSVDir(ctx, dir, src)
}

func writeCSVDir(ctx context.Context, dir string, src itemSource) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("interchange: %w", err)
	}
	var paths []string
	err := writeCSV(ctx, src, func(name string, fill func(io.Writer) error) error {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		err = fill(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		paths = append(paths, p)
		return err
	})
	if err != nil {
		return paths, fmt.Errorf("interchange: write csv: %w", err)
	}
	return paths, nil
}

func writeCSVZip(ctx context.Context, w io.Writer, src itemSource) error {
	zw := zip.NewWriter(w)
	err := writeCSV(ctx, src, func(name string, fill func(io.Writer) error) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		return fill(fw)
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// writeCSV writes the CSV files of src, one after the other, each through
// create(name, fill): nodes.csv (and nodes-2.csv … when attribute types
// clash), then relationships.csv (…). A first pass finds the files and
// their columns; then one pass per file writes it.
func writeCSV(ctx context.Context, src itemSource, create func(name string, fill func(io.Writer) error) error) error {
	var nodeGroups, edgeGroups csvGroups
	err := pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, n := range pg.nodes {
			nodeGroups.add(n.Attrs)
		}
		for _, e := range pg.edges() {
			edgeGroups.add(e.Attrs)
		}
		return nil
	})
	if err != nil {
		return err
	}
	nodeGroups.finish()
	edgeGroups.finish()
	var row bytes.Buffer
	for gi, grp := range nodeGroups.groups {
		err := create(csvName("nodes", gi), func(w io.Writer) error {
			head := []string{"id:ID", ":LABEL", "kind", "name", "nameEn", "tier:int", "since", "until", "source", "sourceId", "quote", "reasoning", "ref", "attrProvenance"}
			for _, k := range grp.keys {
				head = append(head, k+grp.columnType(k))
			}
			row.Reset()
			csvRow(&row, head, nil)
			if _, err := w.Write(row.Bytes()); err != nil {
				return err
			}
			fields := make([]string, len(head))
			empty := make([]bool, len(head))
			return pass(ctx, src, pageQuery{}, func(pg *page) error {
				row.Reset()
				for _, n := range pg.nodes {
					g, ok := nodeGroups.find(n.Attrs)
					if !ok {
						return ErrChanged
					}
					if g != gi {
						continue
					}
					clear(empty)
					tier := ""
					if n.Tier != 0 {
						tier = strconv.Itoa(n.Tier)
					}
					ap := ""
					if len(n.AttrProvenance) > 0 {
						j, _ := json.Marshal(n.AttrProvenance)
						ap = string(j)
					}
					copy(fields, []string{n.ID, string(n.Label) + ";Node", n.Kind, n.Name, n.NameEn, tier, n.Since, n.Until,
						string(n.Provenance.Source), n.Provenance.SourceID, n.Provenance.Quote, n.Provenance.Reasoning, n.Provenance.Ref, ap})
					fillAttrs(fields[14:], empty[14:], grp.keys, n.Attrs)
					csvRow(&row, fields, empty)
				}
				_, err := w.Write(row.Bytes())
				return err
			})
		})
		if err != nil {
			return err
		}
	}
	for gi, grp := range edgeGroups.groups {
		err := create(csvName("relationships", gi), func(w io.Writer) error {
			head := []string{":START_ID", ":END_ID", ":TYPE", "id", "since", "until", "source", "sourceId", "quote", "reasoning", "ref"}
			for _, k := range grp.keys {
				head = append(head, k+grp.columnType(k))
			}
			row.Reset()
			csvRow(&row, head, nil)
			if _, err := w.Write(row.Bytes()); err != nil {
				return err
			}
			fields := make([]string, len(head))
			empty := make([]bool, len(head))
			return pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
				row.Reset()
				for _, e := range pg.edges() {
					g, ok := edgeGroups.find(e.Attrs)
					if !ok {
						return ErrChanged
					}
					if g != gi {
						continue
					}
					clear(empty)
					copy(fields, []string{e.From, e.To, string(e.Type), e.ID, e.Since, e.Until,
						string(e.Provenance.Source), e.Provenance.SourceID, e.Provenance.Quote, e.Provenance.Reasoning, e.Provenance.Ref})
					fillAttrs(fields[11:], empty[11:], grp.keys, e.Attrs)
					csvRow(&row, fields, empty)
				}
				_, err := w.Write(row.Bytes())
				return err
			})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func csvName(base string, i int) string {
	if i == 0 {
		return base + ".csv"
	}
	return fmt.Sprintf("%s-%d.csv", base, i+1)
}

// csvGroups splits a stream of items into groups in which no attribute key
// has two types, as groupByTypes does, without keeping the items: add each
// item in a first pass, then find tells each item's group again. An item
// goes to the first group that agrees with its types; since a group's types
// only grow, the first group that agrees with the final types is the group
// the item was put in.
type csvGroups struct {
	groups []*csvGroup
}

type csvGroup struct {
	types map[string]valueType
	keys  []string
	long  map[string]bool // integer keys with a value beyond 32 bits
}

func (gs *csvGroups) fits(g *csvGroup, attrs map[string]any) bool {
	for k, v := range attrs {
		if t, ok := g.types[k]; ok && t != typeOf(v) {
			return false
		}
	}
	return true
}

func (gs *csvGroups) add(attrs map[string]any) {
	var home *csvGroup
	for _, g := range gs.groups {
		if gs.fits(g, attrs) {
			home = g
			break
		}
	}
	if home == nil {
		home = &csvGroup{types: map[string]valueType{}, long: map[string]bool{}}
		gs.groups = append(gs.groups, home)
	}
	for k, v := range attrs {
		if _, ok := home.types[k]; !ok {
			home.types[k] = typeOf(v)
			home.keys = append(home.keys, k)
		}
		if i, ok := v.(int64); ok && (i < -1<<31 || i >= 1<<31) {
			home.long[k] = true
		}
	}
}

// finish sorts the columns; with no item there is one empty group.
func (gs *csvGroups) finish() {
	if len(gs.groups) == 0 {
		gs.groups = []*csvGroup{{types: map[string]valueType{}, long: map[string]bool{}}}
	}
	for _, g := range gs.groups {
		sort.Strings(g.keys)
	}
}

// find returns the group of an item added before; false when none agrees
// (the item changed since).
func (gs *csvGroups) find(attrs map[string]any) (int, bool) {
	for i, g := range gs.groups {
		if gs.fits(g, attrs) {
			for k := range attrs {
				if _, ok := g.types[k]; !ok {
					return 0, false // a key the header lacks
				}
			}
			return i, true
		}
	}
	return 0, false
}

// columnType is the header suffix of an attribute column.
func (g *csvGroup) columnType(key string) string {
	switch g.types[key] {
	case typeInt:
		if g.long[key] {
			return ":long"
		}
		return ":int"
	case typeFloat:
		return ":double"
	case typeBool:
		return ":boolean"
	}
	return ""
}

// typeGroup is a set of items whose attributes agree on types.
type typeGroup struct {
	items []int
	types map[string]valueType
	keys  []string
}

// groupByTypes splits items into groups in which no attribute key has two
// types; the first group takes everything it can.
func groupByTypes(n int, attrs func(int) map[string]any) []*typeGroup {
	var groups []*typeGroup
	for i := 0; i < n; i++ {
		a := attrs(i)
		var home *typeGroup
		for _, g := range groups {
			fits := true
			for k, v := range a {
				if t, ok := g.types[k]; ok && t != typeOf(v) {
					fits = false
					break
				}
			}
			if fits {
				home = g
				break
			}
		}
		if home == nil {
			home = &typeGroup{types: map[string]valueType{}}
			groups = append(groups, home)
		}
		home.items = append(home.items, i)
		for k, v := range a {
			if _, ok := home.types[k]; !ok {
				home.types[k] = typeOf(v)
				home.keys = append(home.keys, k)
			}
		}
	}
	if len(groups) == 0 {
		groups = []*typeGroup{{types: map[string]valueType{}}}
	}
	for _, g := range groups {
		sort.Strings(g.keys)
	}
	return groups
}

// csvColumnType is the header suffix of an attribute column.
func csvColumnType(g *typeGroup, key string, values func(yield func(any) bool)) string {
	switch g.types[key] {
	case typeInt:
		for v := range values {
			if i, ok := v.(int64); ok && (i < -1<<31 || i >= 1<<31) {
				return ":long"
			}
		}
		return ":int"
	case typeFloat:
		return ":double"
	case typeBool:
		return ":boolean"
	}
	return ""
}

// fillAttrs writes the attribute cells; emptyString marks "" values.
func fillAttrs(row []string, emptyString []bool, keys []string, attrs map[string]any) {
	for j, k := range keys {
		v, ok := attrs[k]
		switch {
		case !ok:
			row[j] = ""
		case v == "":
			row[j], emptyString[j] = "", true
		default:
			row[j] = formatValue(v)
		}
	}
}

// csvRow writes one record: fields quoted when they hold a comma, a quote,
// a line break or surrounding space, or when quote[i] asks ("" for an empty
// string). Lines end in \n.
func csvRow(b *bytes.Buffer, fields []string, quote []bool) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		if (quote != nil && quote[i]) || csvNeedsQuotes(f) {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
			continue
		}
		b.WriteString(f)
	}
	b.WriteByte('\n')
}

func csvNeedsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[0] == '\t' || f[len(f)-1] == ' ' || f[len(f)-1] == '\t' {
		return true
	}
	return strings.ContainsAny(f, ",\"\r\n")
}
