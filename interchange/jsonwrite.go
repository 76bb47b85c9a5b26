package interchange

import (
	"encoding/json"
	"io"

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

func marshalValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case object:
		return x.MarshalJSON()
	case jsonFloat:
		return x.MarshalJSON()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(v)
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

// writeCytoscape writes Cytoscape.js elements JSON. Node data: id, value
// (the id again, which networkx's cytoscape_graph keys nodes by), name,
// label, kind, … Edge data: id, source, target, key (the id, for
// multigraphs), type, …. directed and multigraph are set, as networkx reads
// them; parallel edges of different types exist.
func writeCytoscape(w io.Writer, g *graph.Snapshot) error {
	nps, eps := flatten(g)
	nodes := make([]object, len(g.Nodes))
	for i, n := range g.Nodes {
		data := object{{"id", n.ID}, {"value", n.ID}}
		data = append(data, renamed(nps[i], "id", "value", "parent")...)
		nodes[i] = object{{"data", data}}
	}
	edges := make([]object, len(g.Edges))
	for i, e := range g.Edges {
		data := object{{"id", e.ID}, {"source", e.From}, {"target", e.To}, {"key", e.ID}}
		data = append(data, renamed(eps[i], "id", "source", "target", "key")...)
		edges[i] = object{{"data", data}}
	}
	return encodeJSON(w, object{
		{"format_version", "1.0"},
		{"generated_by", "orgnet"},
		{"target_cytoscapejs_version", "~3"},
		{"data", object{{"name", "orgnet"}}},
		{"directed", true},
		{"multigraph", true},
		{"elements", object{{"nodes", nodes}, {"edges", edges}}},
	})
}

// ComboID is the G6 combo id of an alliance.
func ComboID(allianceID string) string { return "combo:" + allianceID }

// writeG6 writes AntV G6 5 graph data: nodes {id, combo, data}, edges {id,
// source, target, data}, and one combo per alliance. A node is drawn in
// the combo of the alliance it belongs to (MEMBER_OF; the first by alliance
// id when several); an alliance node is drawn in its own combo. Every
// MEMBER_OF edge is still an edge.
func writeG6(w io.Writer, g *graph.Snapshot) error {
	nps, eps := flatten(g)
	combo := map[string]string{}
	alliances := map[string]bool{}
	var combos []object
	for _, n := range g.Nodes {
		if n.Label == graph.LabelAlliance {
			alliances[n.ID] = true
			combo[n.ID] = ComboID(n.ID)
			combos = append(combos, object{{"id", ComboID(n.ID)}, {"data", object{
				{"allianceId", n.ID}, {"name", n.Name}, {"nameEn", n.NameEn}, {"kind", n.Kind},
			}}})
		}
	}
	for _, e := range g.Edges { // edges are sorted by id, so the first wins deterministically
		if e.Type == graph.RelMemberOf && alliances[e.To] {
			if c, ok := combo[e.From]; !ok || c > ComboID(e.To) {
				combo[e.From] = ComboID(e.To)
			}
		}
	}
	nodes := make([]object, len(g.Nodes))
	for i, n := range g.Nodes {
		o := object{{"id", n.ID}}
		if c, ok := combo[n.ID]; ok {
			o = append(o, prop{"combo", c})
		}
		nodes[i] = append(o, prop{"data", object(nps[i])})
	}
	edges := make([]object, len(g.Edges))
	for i, e := range g.Edges {
		edges[i] = object{{"id", e.ID}, {"source", e.From}, {"target", e.To}, {"data", object(eps[i])}}
	}
	if combos == nil {
		combos = []object{}
	}
	return encodeJSON(w, object{{"nodes", nodes}, {"edges", edges}, {"combos", combos}})
}
