package model

import (
	"github.com/orgnet/orgnet/graph"
)

// Subgraph is a subgraph in the shapes diagram libraries take: Nodes and
// Edges, the flat lists AntV G6 takes, and Elements, the same as
// Cytoscape.js elements. G holds the nodes and edges they were made from.
type Subgraph struct {
	Nodes     []*GraphNode
	Edges     []*GraphEdge
	Truncated bool
	G         graph.Subgraph
}

// Elements are the subgraph's nodes, then its edges, as Cytoscape.js takes
// them.
func (s *Subgraph) Elements(compound Compound) []*CytoscapeElement {
	return Elements(s.G.Nodes, s.G.Edges, compound)
}

// Path is a path in the shapes diagram libraries take (see Subgraph).
type Path struct {
	Length int
	Nodes  []*GraphNode
	Edges  []*GraphEdge
	G      graph.Path
}

// Elements are the path's nodes, then its edges, as Cytoscape.js takes
// them.
func (p *Path) Elements(compound Compound) []*CytoscapeElement {
	return Elements(p.G.Nodes, p.G.Edges, compound)
}

// Cytoscape.js element groups.
const (
	GroupNodes = "nodes"
	GroupEdges = "edges"
)

// Elements makes Cytoscape.js elements of nodes and edges: {group, data}
// with data.id, data.source and data.target of edges, and, with compound
// ALLIANCES, data.parent of every node that is a member (MEMBER_OF, an edge
// among edges) of an alliance among nodes. Cytoscape.js gives a node one
// parent: of several alliances, the one with the least id (as
// /export/cytoscape?compound=alliances); every MEMBER_OF stays an edge.
func Elements(nodes []*graph.Node, edges []*graph.Edge, compound Compound) []*CytoscapeElement {
	parent := map[string]string{}
	if compound == CompoundAlliances {
		alliances := map[string]bool{}
		for _, n := range nodes {
			if n.Label == graph.LabelAlliance {
				alliances[n.ID] = true
			}
		}
		for _, e := range edges {
			if e.Type == graph.RelMemberOf && alliances[e.To] && e.From != e.To {
				if p, ok := parent[e.From]; !ok || e.To < p {
					parent[e.From] = e.To
				}
			}
		}
	}
	out := make([]*CytoscapeElement, 0, len(nodes)+len(edges))
	for _, n := range nodes {
		kind, name := n.Kind, n.Name
		out = append(out, &CytoscapeElement{Group: GroupNodes, Data: &CytoscapeData{
			ID: n.ID, Label: n.Name, Type: string(n.Label), Kind: &kind, Name: &name, NameEn: optString(n.NameEn),
			Tier: optInt(n.Tier), Since: optString(n.Since), Until: optString(n.Until), Parent: optString(parent[n.ID]),
			Provenance: ProvenanceOf(n.Provenance), Attributes: AttributesOf(n.Attrs, n.AttrProv),
		}})
	}
	for _, e := range edges {
		from, to, prov := e.From, e.To, e.Provenance
		out = append(out, &CytoscapeElement{Group: GroupEdges, Data: &CytoscapeData{
			ID: e.ID, Label: graph.EdgeLabel(e), Type: string(e.Type), Source: &from, Target: &to,
			Since: optString(e.Since), Until: optString(e.Until), Provenance: ProvenanceOf(prov),
			Attributes: AttributesOf(e.Attrs, func(string) graph.Provenance { return prov }),
		}})
	}
	return out
}
