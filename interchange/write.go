package interchange

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/orgnet/orgnet/graph"
)

// Write writes g in format to w. CSV is written as a zip of its files (see
// WriteCSVDir for a directory). g is not changed; nodes are written in the
// order of g (a Snapshot is sorted by id), each edge after the nodes, in
// the order of its start node, then by type and end (Export writes the same
// way from a store). Returns an error for an edge whose start is not among
// g's nodes.
func Write(w io.Writer, format Format, g *graph.Snapshot) error {
	return WriteWith(w, format, g, ExportOptions{})
}

// WriteWith is Write with options (Cytoscape's compound nodes).
func WriteWith(w io.Writer, format Format, g *graph.Snapshot, opt ExportOptions) error {
	src, err := newSnapshotSource(g)
	if err != nil {
		return fmt.Errorf("interchange: write %s: %w", format, err)
	}
	return write(context.Background(), w, format, src, opt)
}

// write writes what src holds in format to w, through a 64 KiB buffer.
func write(ctx context.Context, w io.Writer, format Format, src itemSource, opt ExportOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case JSON:
		err = writeJSON(ctx, bw, src)
	case CSV:
		err = writeCSVZip(ctx, bw, src)
	case GraphML:
		err = writeGraphML(ctx, bw, src)
	case GEXF:
		err = writeGEXF(ctx, bw, src)
	case Cytoscape:
		err = writeCytoscape(ctx, bw, src, opt)
	case G6:
		err = writeG6(ctx, bw, src)
	case XLSX:
		err = writeXLSX(ctx, bw, src)
	default:
		return fmt.Errorf("interchange: unknown format %q: want one of %s", format, joinFormats(Formats))
	}
	if err != nil {
		return fmt.Errorf("interchange: write %s: %w", format, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("interchange: write %s: %w", format, err)
	}
	return nil
}

// FromSubgraph returns the nodes and edges of sg as a Snapshot, sorted by
// id as Snapshots are.
func FromSubgraph(sg *graph.Subgraph) *graph.Snapshot {
	s := &graph.Snapshot{}
	if sg == nil {
		return s
	}
	s.Nodes = slices.Clone(sg.Nodes)
	s.Edges = slices.Clone(sg.Edges)
	sortSnapshot(s)
	return s
}

func sortSnapshot(s *graph.Snapshot) {
	sort.Slice(s.Nodes, func(i, j int) bool { return s.Nodes[i].ID < s.Nodes[j].ID })
	sort.Slice(s.Edges, func(i, j int) bool { return s.Edges[i].ID < s.Edges[j].ID })
}

// jsonFloat is a float64 that JSON writes with a fraction or exponent even
// when whole (420.0), so that a reader tells it from an integer.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	b := strconv.AppendFloat(nil, float64(f), 'g', -1, 64)
	for _, c := range b {
		if c == '.' || c == 'e' || c == 'E' || c == 'N' || c == 'I' {
			return b, nil
		}
	}
	return append(b, ".0"...), nil
}

// jsonValue wraps float64 values as jsonFloat.
func jsonValue(v any) any {
	if f, ok := v.(float64); ok {
		return jsonFloat(f)
	}
	return v
}

func jsonAttrs(attrs map[string]any) map[string]any {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		out[k] = jsonValue(v)
	}
	return out
}

// Dump is orgnet's JSON dump as it is read and written.
type Dump struct {
	Format string        `json:"format"`
	Nodes  []*graph.Node `json:"nodes"`
	Edges  []*graph.Edge `json:"edges"`
}

// The JSON writer's views: graph's own json tags, with float attributes
// written so that they read back as floats.
type (
	jsonNodeOut struct {
		*graph.Node
		Attrs map[string]any `json:"attrs,omitempty"`
	}
	jsonEdgeOut struct {
		*graph.Edge
		Attrs map[string]any `json:"attrs,omitempty"`
	}
)

// writeJSON writes the dump item by item, in the layout json.Encoder gives
// it with an indent of two spaces.
func writeJSON(ctx context.Context, w io.Writer, src itemSource) error {
	p := &printer{w: w}
	var item bytes.Buffer
	enc := json.NewEncoder(&item)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	first := true
	put := func(v any) error {
		item.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		if !first {
			p.printf(",")
		}
		first = false
		p.printf("\n    ")
		_, _ = p.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		return p.err
	}
	p.printf("{\n  \"format\": %q,\n  \"nodes\": [", DumpFormat)
	err := pass(ctx, src, pageQuery{}, func(pg *page) error {
		for _, n := range pg.nodes {
			if err := put(jsonNodeOut{Node: n, Attrs: jsonAttrs(n.Attrs)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	closeList := func() {
		if first {
			p.printf("]")
		} else {
			p.printf("\n  ]")
		}
	}
	closeList()
	p.printf(",\n  \"edges\": [")
	first = true
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, e := range pg.edges() {
			if err := put(jsonEdgeOut{Edge: e, Attrs: jsonAttrs(e.Attrs)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	closeList()
	p.printf("\n}\n")
	return p.err
}

// prop is one flat property of a node or edge, as the graph tools see it.
type prop struct {
	name  string
	value any
}

// nodeProps flattens a node for GraphML, GEXF, Cytoscape and G6: label,
// kind, name, nameEn, tier, since, until, provenance (the level), sourceId,
// quote, reasoning, ref, attrProvenance (JSON text), then the attributes by
// key. Empty optional fields are left out.
func nodeProps(n *graph.Node) []prop {
	ps := []prop{{"label", string(n.Label)}, {"kind", n.Kind}, {"name", n.Name}}
	if n.NameEn != "" {
		ps = append(ps, prop{"nameEn", n.NameEn})
	}
	if n.Tier != 0 {
		ps = append(ps, prop{"tier", int64(n.Tier)})
	}
	ps = appendDatesProv(ps, n.Since, n.Until, n.Provenance)
	if len(n.AttrProvenance) > 0 {
		b, _ := json.Marshal(n.AttrProvenance)
		ps = append(ps, prop{"attrProvenance", string(b)})
	}
	return appendAttrs(ps, n.Attrs)
}

// edgeProps flattens an edge: type, since, until, provenance, sourceId,
// quote, reasoning, ref, then the attributes.
func edgeProps(e *graph.Edge) []prop {
	ps := appendDatesProv([]prop{{"type", string(e.Type)}}, e.Since, e.Until, e.Provenance)
	return appendAttrs(ps, e.Attrs)
}

func appendDatesProv(ps []prop, since, until string, p graph.Provenance) []prop {
	if since != "" {
		ps = append(ps, prop{"since", since})
	}
	if until != "" {
		ps = append(ps, prop{"until", until})
	}
	ps = append(ps, prop{"provenance", string(p.Source)})
	if p.SourceID != "" {
		ps = append(ps, prop{"sourceId", p.SourceID})
	}
	if p.Quote != "" {
		ps = append(ps, prop{"quote", p.Quote})
	}
	if p.Reasoning != "" {
		ps = append(ps, prop{"reasoning", p.Reasoning})
	}
	if p.Ref != "" {
		ps = append(ps, prop{"ref", p.Ref})
	}
	return ps
}

func appendAttrs(ps []prop, attrs map[string]any) []prop {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ps = append(ps, prop{k, attrs[k]})
	}
	return ps
}

// typedKeys assigns a key id to every (property name, type) pair used, for
// the formats that declare typed keys (GraphML, GEXF): prefix+name, or
// prefix+name+"_"+type when one name has values of several types.
type typedKeys struct {
	prefix string
	order  []typedKey
	ids    map[typedKey]string
}

type typedKey struct {
	name string
	typ  valueType
}

// keySet collects the property names and their types of a stream of items.
type keySet struct {
	types map[string][]valueType
	names []string
}

func newKeySet() *keySet { return &keySet{types: map[string][]valueType{}} }

func (k *keySet) add(ps []prop) {
	for _, p := range ps {
		t := typeOf(p.value)
		ts, ok := k.types[p.name]
		if !ok {
			k.names = append(k.names, p.name)
		}
		if !slices.Contains(ts, t) {
			k.types[p.name] = append(ts, t)
		}
	}
}

// keys returns the typed keys of what was added: core properties first in
// coreOrder, then attributes by name.
func (k *keySet) keys(prefix string) *typedKeys {
	names := slices.Clone(k.names)
	sort.SliceStable(names, func(i, j int) bool {
		ri, rj := coreRank(names[i]), coreRank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	tk := &typedKeys{prefix: prefix, ids: map[typedKey]string{}}
	for _, name := range names {
		ts := slices.Clone(k.types[name])
		slices.Sort(ts)
		for _, t := range ts {
			id := prefix + name
			if len(ts) > 1 {
				id += "_" + t.String()
			}
			key := typedKey{name, t}
			tk.order = append(tk.order, key)
			tk.ids[key] = id
		}
	}
	return tk
}

// id returns the key id of p; false when its name and type were not seen
// (the graph changed between the passes).
func (k *typedKeys) id(p prop) (string, bool) {
	id, ok := k.ids[typedKey{p.name, typeOf(p.value)}]
	return id, ok
}

// coreOrder is the order of the properties with a meaning of their own;
// attributes follow, by name.
var coreOrder = []string{"label", "graphLabel", "kind", "name", "nameEn", "tier", "type", "since", "until", "provenance", "sourceId", "quote", "reasoning", "ref", "attrProvenance"}

func coreRank(name string) int {
	if i := slices.Index(coreOrder, name); i >= 0 {
		return i
	}
	return len(coreOrder)
}
