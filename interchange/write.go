package interchange

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/orgnet/orgnet/graph"
)

// Write writes g in format to w. CSV is written as a zip of its files (see
// WriteCSVDir for a directory). g is not changed; items are written in the
// order of g (a Snapshot is sorted by id).
func Write(w io.Writer, format Format, g *graph.Snapshot) error {
	if g == nil {
		g = &graph.Snapshot{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch format {
	case JSON:
		err = writeJSON(bw, g)
	case CSV:
		err = writeCSVZip(bw, g)
	case GraphML:
		err = writeGraphML(bw, g)
	case GEXF:
		err = writeGEXF(bw, g)
	case Cytoscape:
		err = writeCytoscape(bw, g)
	case G6:
		err = writeG6(bw, g)
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
	jsonDumpOut struct {
		Format string        `json:"format"`
		Nodes  []jsonNodeOut `json:"nodes"`
		Edges  []jsonEdgeOut `json:"edges"`
	}
)

func writeJSON(w io.Writer, g *graph.Snapshot) error {
	d := jsonDumpOut{Format: DumpFormat, Nodes: make([]jsonNodeOut, len(g.Nodes)), Edges: make([]jsonEdgeOut, len(g.Edges))}
	for i, n := range g.Nodes {
		d.Nodes[i] = jsonNodeOut{Node: n, Attrs: jsonAttrs(n.Attrs)}
	}
	for i, e := range g.Edges {
		d.Edges[i] = jsonEdgeOut{Edge: e, Attrs: jsonAttrs(e.Attrs)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
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

func newTypedKeys(prefix string, items [][]prop) *typedKeys {
	types := map[string][]valueType{}
	var names []string
	for _, ps := range items {
		for _, p := range ps {
			t := typeOf(p.value)
			if _, ok := types[p.name]; !ok {
				names = append(names, p.name)
			}
			if !slices.Contains(types[p.name], t) {
				types[p.name] = append(types[p.name], t)
			}
		}
	}
	sort.SliceStable(names, func(i, j int) bool {
		ri, rj := coreRank(names[i]), coreRank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	k := &typedKeys{prefix: prefix, ids: map[typedKey]string{}}
	for _, name := range names {
		ts := types[name]
		slices.Sort(ts)
		for _, t := range ts {
			id := prefix + name
			if len(ts) > 1 {
				id += "_" + t.String()
			}
			tk := typedKey{name, t}
			k.order = append(k.order, tk)
			k.ids[tk] = id
		}
	}
	return k
}

func (k *typedKeys) id(p prop) string { return k.ids[typedKey{p.name, typeOf(p.value)}] }

// coreOrder is the order of the properties with a meaning of their own;
// attributes follow, by name.
var coreOrder = []string{"label", "graphLabel", "kind", "name", "nameEn", "tier", "type", "since", "until", "provenance", "sourceId", "quote", "reasoning", "ref", "attrProvenance"}

func coreRank(name string) int {
	if i := slices.Index(coreOrder, name); i >= 0 {
		return i
	}
	return len(coreOrder)
}
