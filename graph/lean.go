package graph

import "context"

// Lean reads. A caller that will look only at the core fields of what it
// reads (a diagram's nodes and edges, a list of names) marks its context
// WithLean; a store may then leave the other fields out, which on Neo4j
// means projecting a handful of properties in Cypher instead of shipping
// whole nodes (quotes, search keys, attribute provenance) over Bolt.
//
// The core of a node is its id, label, kind, name, nameEn, tier, since,
// until, provenance source and the attribute AttrAllianceType; of an edge,
// its id, type, ends, since, until, provenance source and the attributes
// AttrRole and AttrTitle (which a diagram shows as the edge's label).
// Everything else may be zero in a lean answer: the provenance quote and
// ref, AttrProvenance and the other attributes.
//
// Lean is a hint: a store may always answer in full (the embedded store
// does, its nodes being in memory already). It applies to the reads that
// hand nodes and edges to a client (Node, Nodes, FindNodes, Search, Related,
// Ancestors, Expand, Neighbourhood, Subtree, ShortestPath), never to
// Snapshot, Counts or any write.

type leanKey struct{}

// WithLean returns a context whose reads may answer with the core fields of
// nodes and edges only.
func WithLean(ctx context.Context) context.Context {
	return context.WithValue(ctx, leanKey{}, true)
}

// IsLean reports whether ctx carries WithLean.
func IsLean(ctx context.Context) bool {
	b, _ := ctx.Value(leanKey{}).(bool)
	return b
}

// LeanNode returns a copy of n with only its core fields (nil for nil): what
// a lean read must get right.
func LeanNode(n *Node) *Node {
	if n == nil {
		return nil
	}
	out := &Node{ID: n.ID, Label: n.Label, Kind: n.Kind, Name: n.Name, NameEn: n.NameEn, Tier: n.Tier,
		Since: n.Since, Until: n.Until, Provenance: Provenance{Source: n.Provenance.Source}}
	if v, ok := n.Attrs[AttrAllianceType]; ok {
		out.Attrs = map[string]any{AttrAllianceType: v}
	}
	return out
}

// LeanEdge returns a copy of e with only its core fields (nil for nil).
func LeanEdge(e *Edge) *Edge {
	if e == nil {
		return nil
	}
	out := &Edge{ID: e.ID, Type: e.Type, From: e.From, To: e.To, Since: e.Since, Until: e.Until,
		Provenance: Provenance{Source: e.Provenance.Source}}
	for _, k := range []string{AttrRole, AttrTitle} {
		if v, ok := e.Attrs[k]; ok {
			if out.Attrs == nil {
				out.Attrs = map[string]any{}
			}
			out.Attrs[k] = v
		}
	}
	return out
}
