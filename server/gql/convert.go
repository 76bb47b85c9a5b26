package gql

import (
	"slices"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

func relTypes(ts []model.RelationType) []graph.RelType {
	out := make([]graph.RelType, len(ts))
	for i, t := range ts {
		out[i] = graph.RelType(t)
	}
	return out
}

func sources(ss []model.Source) []graph.Source {
	out := make([]graph.Source, len(ss))
	for i, s := range ss {
		out[i] = graph.Source(s)
	}
	return out
}

func direction(d *model.Direction) graph.Direction {
	if d == nil {
		return graph.Both
	}
	return graph.Direction(*d)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func provenanceIn(p *model.ProvenanceInput) graph.Provenance {
	if p == nil {
		return graph.Provenance{Source: graph.SourceUser}
	}
	return graph.Provenance{Source: graph.Source(p.Source), SourceID: deref(p.SourceID), Quote: deref(p.Quote),
		Reasoning: deref(p.Reasoning), Ref: deref(p.Ref)}
}

func attrsIn(in []*model.AttributeInput) map[string]any {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]any, len(in))
	for _, a := range in {
		out[a.Key] = graph.NormaliseValue(a.Value)
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func org(n *graph.Node, v graph.View) *model.Organisation {
	return &model.Organisation{Base: model.Base{N: n, V: v}}
}

func alliance(n *graph.Node, v graph.View) *model.Alliance {
	return &model.Alliance{Base: model.Base{N: n, V: v}}
}

func edge(e *graph.Edge, v graph.View) *model.Edge { return &model.Edge{E: e, V: v} }

func graphNode(n *graph.Node, v graph.View) *model.GraphNode {
	return graphNodes([]*graph.Node{n}, v)[0]
}

// graphNodes converts nodes read with v with a few allocations for all of
// them instead of several per node: a subtree or a neighbourhood has
// hundreds. The optional fields point into the nodes, which are not
// changed after a read.
func graphNodes(ns []*graph.Node, v graph.View) []*model.GraphNode {
	out := make([]*model.GraphNode, len(ns))
	gns := make([]model.GraphNode, len(ns))
	provs := make([]model.Provenance, len(ns))
	for i, n := range ns {
		gn := &gns[i]
		*gn = model.GraphNode{ID: n.ID, Label: n.Name, Type: model.LabelOf(n.Label), Kind: n.Kind, Name: n.Name,
			Provenance: &provs[i], Node: model.Wrap(n, v)}
		model.SetProvenance(&provs[i], &n.Provenance)
		if n.NameEn != "" {
			gn.NameEn = &n.NameEn
		}
		if n.Tier != 0 {
			gn.Tier = &n.Tier
		}
		out[i] = gn
	}
	return out
}

func graphEdge(e *graph.Edge) *model.GraphEdge {
	return &model.GraphEdge{ID: e.ID, Source: e.From, Target: e.To, Type: model.RelationType(e.Type),
		Label: graph.EdgeLabel(e), Provenance: model.ProvenanceOf(e.Provenance)}
}

// subgraph converts a Subgraph read with v; its nodes' relations are read
// with v too (NodesOnly, which shaped the Subgraph, no longer applies).
// Records kept beside the network (graph.IsRecord: a source document, a
// saved scenario) have no edges and are no node of the network: a subgraph
// rooted at one is empty.
func subgraph(sg *graph.Subgraph, v graph.View) *model.Subgraph {
	v = v.Reading()
	nodes := sg.Nodes
	if slices.ContainsFunc(nodes, func(n *graph.Node) bool { return graph.IsRecord(n.Label) }) {
		nodes = slices.DeleteFunc(slices.Clone(nodes), func(n *graph.Node) bool { return graph.IsRecord(n.Label) })
	}
	out := &model.Subgraph{Nodes: graphNodes(nodes, v), Edges: make([]*model.GraphEdge, len(sg.Edges)), Truncated: sg.Truncated,
		G: graph.Subgraph{Nodes: nodes, Edges: sg.Edges, Truncated: sg.Truncated}}
	for i, e := range sg.Edges {
		out.Edges[i] = graphEdge(e)
	}
	return out
}

func membership(e *graph.Edge, o, a *graph.Node, v graph.View) *model.Membership {
	m := &model.Membership{Edge: edge(e, v), Organisation: org(o, v), Alliance: alliance(a, v),
		Since: opt(e.Since), Until: opt(e.Until), Provenance: model.ProvenanceOf(e.Provenance)}
	if r, ok := e.Attrs[graph.AttrRole].(string); ok {
		m.Role = &r
	}
	return m
}

func pairing(e *graph.Edge, mentor, mentee *graph.Node, v graph.View) *model.Pairing {
	return &model.Pairing{ID: e.ID, Mentor: org(mentor, v), Mentee: org(mentee, v),
		Since: opt(e.Since), Until: opt(e.Until), Provenance: model.ProvenanceOf(e.Provenance)}
}

func post(e *graph.Edge, person, at *graph.Node, v graph.View) *model.Post {
	p := &model.Post{Edge: edge(e, v), Person: &model.Person{Base: model.Base{N: person, V: v}}, At: model.Wrap(at, v),
		Provenance: model.ProvenanceOf(e.Provenance)}
	if t, ok := e.Attrs[graph.AttrTitle].(string); ok {
		p.Title = &t
	}
	return p
}

func relations(self *graph.Node, rel []graph.Related, v graph.View) []*model.Relation {
	out := make([]*model.Relation, len(rel))
	for i, r := range rel {
		d := model.DirectionOut
		if r.Edge.To == self.ID {
			d = model.DirectionIn
		}
		out[i] = &model.Relation{Edge: edge(r.Edge, v), Direction: d, Node: model.Wrap(r.Node, v)}
	}
	return out
}

func nodes(rel []graph.Related, v graph.View) []model.Node {
	out := make([]model.Node, len(rel))
	for i, r := range rel {
		out[i] = model.Wrap(r.Node, v)
	}
	return out
}
