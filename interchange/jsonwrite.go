package interchange

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sort"

	"github.com/orgnet/orgnet/graph"
)

// object is a JSON object that keeps the order its keys were set in.
type object []prop

func (o object) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, p := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, err := marshalValue(p.name)
		if err != nil {
			return nil, err
		}
		v, err := marshalValue(jsonValue(p.value))
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// marshalValue is json.Marshal without HTML escaping, for objects and
// floats that must keep a fraction.
func marshalValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case object:
		return x.MarshalJSON()
	case jsonFloat:
		return x.MarshalJSON()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// renamed returns ps with the names in taken prefixed by "attr_": an
// attribute may not shadow what a format gives a meaning of its own.
func renamed(ps []prop, taken ...string) []prop {
	for i := range ps {
		if contains(taken, ps[i].name) {
			ps[i].name = "attr_" + ps[i].name
		}
	}
	return ps
}

// jsonItems writes a JSON array item by item: one item a line.
type jsonItems struct {
	p     *printer
	first bool
}

func (j *jsonItems) open(prefix string) {
	j.p.printf("%s[", prefix)
	j.first = true
}

func (j *jsonItems) put(v any) error {
	b, err := marshalValue(v)
	if err != nil {
		return err
	}
	if !j.first {
		j.p.printf(",")
	}
	j.first = false
	j.p.printf("\n")
	_, _ = j.p.Write(b)
	return j.p.err
}

func (j *jsonItems) close() {
	if !j.first {
		j.p.printf("\n")
	}
	j.p.printf("]")
}

// provObject is a provenance as a JSON object: source (the level), and
// sourceId, quote, reasoning and ref when set, as GraphQL gives it.
func provObject(p graph.Provenance) object {
	o := object{{"source", string(p.Source)}}
	if p.SourceID != "" {
		o = append(o, prop{"sourceId", p.SourceID})
	}
	if p.Quote != "" {
		o = append(o, prop{"quote", p.Quote})
	}
	if p.Reasoning != "" {
		o = append(o, prop{"reasoning", p.Reasoning})
	}
	if p.Ref != "" {
		o = append(o, prop{"ref", p.Ref})
	}
	return o
}

// cytoscapeNode is a node element for Cytoscape.js: group "nodes" and data
// id, value (the id again, which networkx's cytoscape_graph keys nodes by),
// label (the display name, as GraphQL's Subgraph gives it), type (the model
// label), kind, name, nameEn, tier, since, until, provenance and
// attrProvenance as objects, parent (the compound node, when drawn in one),
// then the attributes (attr_<name> where a name is taken).
func cytoscapeNode(n *graph.Node, parent string) object {
	data := object{{"id", n.ID}, {"value", n.ID}, {"label", n.Name}, {"type", string(n.Label)}, {"kind", n.Kind}, {"name", n.Name}}
	if n.NameEn != "" {
		data = append(data, prop{"nameEn", n.NameEn})
	}
	if n.Tier != 0 {
		data = append(data, prop{"tier", int64(n.Tier)})
	}
	if n.Since != "" {
		data = append(data, prop{"since", n.Since})
	}
	if n.Until != "" {
		data = append(data, prop{"until", n.Until})
	}
	data = append(data, prop{"provenance", provObject(n.Provenance)})
	if len(n.AttrProvenance) > 0 {
		keys := make([]string, 0, len(n.AttrProvenance))
		for k := range n.AttrProvenance {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		ap := make(object, len(keys))
		for i, k := range keys {
			ap[i] = prop{k, provObject(n.AttrProvenance[k])}
		}
		data = append(data, prop{"attrProvenance", ap})
	}
	if parent != "" {
		data = append(data, prop{"parent", parent})
	}
	data = append(data, renamed(appendAttrs(nil, n.Attrs), cytoscapeTaken...)...)
	return object{{"group", "nodes"}, {"data", data}}
}

// cytoscapeTaken are the data keys with a meaning of their own in
// Cytoscape.js or here, which attributes may not take.
var cytoscapeTaken = []string{"id", "value", "label", "type", "parent", "source", "target", "key", "provenance", "attrProvenance", "sourceId", "reasoning"}

// cytoscapeEdge is an edge element: group "edges" and data id, source,
// target, key (the id, for multigraphs), label (graph.EdgeLabel), type, since,
// until, provenance (an object), then the attributes.
func cytoscapeEdge(e *graph.Edge) object {
	data := object{{"id", e.ID}, {"source", e.From}, {"target", e.To}, {"key", e.ID}, {"label", graph.EdgeLabel(e)}, {"type", string(e.Type)}}
	if e.Since != "" {
		data = append(data, prop{"since", e.Since})
	}
	if e.Until != "" {
		data = append(data, prop{"until", e.Until})
	}
	data = append(data, prop{"provenance", provObject(e.Provenance)})
	data = append(data, renamed(appendAttrs(nil, e.Attrs), cytoscapeTaken...)...)
	return object{{"group", "edges"}, {"data", data}}
}

// allianceOf returns the alliance a node is drawn in: of its MEMBER_OF
// edges (rs, as Related gives them) to alliances in the export, the one
// with the least id; "" for none.
func allianceOf(rs []graph.Related) string {
	best := ""
	for _, r := range rs {
		if r.Edge.Type == graph.RelMemberOf && r.Node != nil && r.Node.Label == graph.LabelAlliance && (best == "" || r.Node.ID < best) {
			best = r.Node.ID
		}
	}
	return best
}

var memberOf = []graph.RelType{graph.RelMemberOf}

// writeCytoscape writes Cytoscape.js elements JSON, also read by Cytoscape
// desktop (.cyjs) and networkx's cytoscape_graph: directed and multigraph
// set (parallel edges of different types exist). With opt.Compound
// "alliances" each member of an alliance has the alliance node as its
// parent: one only, so of several the least alliance id; every MEMBER_OF
// stays an edge.
func writeCytoscape(ctx context.Context, w io.Writer, src itemSource, opt ExportOptions) error {
	p := &printer{w: w}
	meta := object{{"name", "orgnet"}}
	if opt.Compound != "" {
		meta = append(meta, prop{"compound", opt.Compound})
	}
	head, err := marshalValue(object{
		{"format_version", "1.0"},
		{"generated_by", "orgnet"},
		{"target_cytoscapejs_version", "~3"},
		{"data", meta},
		{"directed", true},
		{"multigraph", true},
	})
	if err != nil {
		return err
	}
	_, _ = p.Write(head[:len(head)-1]) // open: the elements follow
	items := &jsonItems{p: p}
	items.open(`,"elements":{"nodes":`)
	q := pageQuery{}
	if opt.Compound == CompoundAlliances {
		q = pageQuery{out: true, types: memberOf}
	}
	err = pass(ctx, src, q, func(pg *page) error {
		for _, n := range pg.nodes {
			if err := items.put(cytoscapeNode(n, allianceOf(pg.out[n.ID]))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	items.close()
	items.open(`,"edges":`)
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, e := range pg.edges() {
			if err := items.put(cytoscapeEdge(e)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	items.close()
	p.printf("}}\n")
	return p.err
}

// ComboID is the G6 combo id of an alliance.
func ComboID(allianceID string) string { return "combo:" + allianceID }

// writeG6 writes AntV G6 5 graph data: nodes {id, combo, data}, edges {id,
// source, target, data}, and one combo per alliance. A node is drawn in
// the combo of the alliance it belongs to (MEMBER_OF; the least alliance id
// when several); an alliance node is drawn in its own combo. Every
// MEMBER_OF edge is still an edge.
func writeG6(ctx context.Context, w io.Writer, src itemSource) error {
	p := &printer{w: w}
	items := &jsonItems{p: p}
	items.open(`{"nodes":`)
	err := pass(ctx, src, pageQuery{out: true, types: memberOf}, func(pg *page) error {
		for _, n := range pg.nodes {
			o := object{{"id", n.ID}}
			if n.Label == graph.LabelAlliance {
				o = append(o, prop{"combo", ComboID(n.ID)})
			} else if a := allianceOf(pg.out[n.ID]); a != "" {
				o = append(o, prop{"combo", ComboID(a)})
			}
			if err := items.put(append(o, prop{"data", object(nodeProps(n))})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	items.close()
	items.open(`,"edges":`)
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, e := range pg.edges() {
			if err := items.put(object{{"id", e.ID}, {"source", e.From}, {"target", e.To}, {"data", object(edgeProps(e))}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	items.close()
	items.open(`,"combos":`)
	err = pass(ctx, src, pageQuery{labels: []graph.Label{graph.LabelAlliance}}, func(pg *page) error {
		for _, n := range pg.nodes {
			if err := items.put(object{{"id", ComboID(n.ID)}, {"data", object{
				{"allianceId", n.ID}, {"name", n.Name}, {"nameEn", n.NameEn}, {"kind", n.Kind},
			}}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	items.close()
	p.printf("}\n")
	return p.err
}
