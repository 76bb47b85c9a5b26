package interchange

import (
	"archive/zip"
	"bytes"
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

// CSVFile is one CSV file of an export.
type CSVFile struct {
	Name string
	Data []byte
}

// CSVFiles returns the CSV files of g: nodes first, then relationships.
func CSVFiles(g *graph.Snapshot) []CSVFile {
	var files []CSVFile
	for i, grp := range groupByTypes(len(g.Nodes), func(i int) map[string]any { return g.Nodes[i].Attrs }) {
		files = append(files, CSVFile{Name: csvName("nodes", i), Data: csvNodes(g, grp)})
	}
	for i, grp := range groupByTypes(len(g.Edges), func(i int) map[string]any { return g.Edges[i].Attrs }) {
		files = append(files, CSVFile{Name: csvName("relationships", i), Data: csvEdges(g, grp)})
	}
	return files
}

func csvName(base string, i int) string {
	if i == 0 {
		return base + ".csv"
	}
	return fmt.Sprintf("%s-%d.csv", base, i+1)
}

// WriteCSVDir writes the CSV files of g into dir (created when missing) and
// returns their paths.
func WriteCSVDir(dir string, g *graph.Snapshot) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("interchange: %w", err)
	}
	var paths []string
	for _, f := range CSVFiles(g) {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, fmt.Errorf("interchange: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func writeCSVZip(w io.Writer, g *graph.Snapshot) error {
	zw := zip.NewWriter(w)
	for _, f := range CSVFiles(g) {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	return zw.Close()
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

func csvNodes(g *graph.Snapshot, grp *typeGroup) []byte {
	var b bytes.Buffer
	head := []string{"id:ID", ":LABEL", "kind", "name", "nameEn", "tier:int", "since", "until", "source", "sourceId", "quote", "reasoning", "ref", "attrProvenance"}
	for _, k := range grp.keys {
		head = append(head, k+csvColumnType(grp, k, func(yield func(any) bool) {
			for _, i := range grp.items {
				if v, ok := g.Nodes[i].Attrs[k]; ok && !yield(v) {
					return
				}
			}
		}))
	}
	csvRow(&b, head, nil)
	row := make([]string, len(head))
	empty := make([]bool, len(head))
	for _, i := range grp.items {
		n := g.Nodes[i]
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
		copy(row, []string{n.ID, string(n.Label) + ";Node", n.Kind, n.Name, n.NameEn, tier, n.Since, n.Until,
			string(n.Provenance.Source), n.Provenance.SourceID, n.Provenance.Quote, n.Provenance.Reasoning, n.Provenance.Ref, ap})
		fillAttrs(row[14:], empty[14:], grp.keys, n.Attrs)
		csvRow(&b, row, empty)
	}
	return b.Bytes()
}

func csvEdges(g *graph.Snapshot, grp *typeGroup) []byte {
	var b bytes.Buffer
	head := []string{":START_ID", ":END_ID", ":TYPE", "id", "since", "until", "source", "sourceId", "quote", "reasoning", "ref"}
	for _, k := range grp.keys {
		head = append(head, k+csvColumnType(grp, k, func(yield func(any) bool) {
			for _, i := range grp.items {
				if v, ok := g.Edges[i].Attrs[k]; ok && !yield(v) {
					return
				}
			}
		}))
	}
	csvRow(&b, head, nil)
	row := make([]string, len(head))
	empty := make([]bool, len(head))
	for _, i := range grp.items {
		e := g.Edges[i]
		clear(empty)
		copy(row, []string{e.From, e.To, string(e.Type), e.ID, e.Since, e.Until,
			string(e.Provenance.Source), e.Provenance.SourceID, e.Provenance.Quote, e.Provenance.Reasoning, e.Provenance.Ref})
		fillAttrs(row[11:], empty[11:], grp.keys, e.Attrs)
		csvRow(&b, row, empty)
	}
	return b.Bytes()
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
