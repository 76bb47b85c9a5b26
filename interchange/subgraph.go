package interchange

import (
	"context"
	"fmt"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// SubgraphSpec selects what to export: the whole graph (zero value), the
// neighbourhood of Root within Depth hops, or the alliance AllianceID with
// its members. Relations, when set, keeps only edges of those types (and,
// for a neighbourhood, follows only them). AsOf, a date, exports the
// network as it was that day (graph.View.AsOf); "" exports everything
// stored.
type SubgraphSpec struct {
	Root       string
	Depth      int
	Relations  []graph.RelType
	AllianceID string
	AsOf       string
}

// Subgraph returns the part of store that spec selects, sorted by id like a
// Snapshot:
//   - whole graph: Store.Snapshot, less the records kept beside the
//     network (graph.IsRecord: source documents, saved scenarios);
//   - Root: Store.Neighbourhood (either direction, at most
//     graph.MaxNeighbourhoodSize nodes; a larger one is refused rather than
//     cut);
//   - AllianceID: the alliance, its members (MEMBER_OF) and every edge among
//     them.
//
// Reads are made as of spec.AsOf. Returns ErrInvalid for a
// bad spec (Root and AllianceID together, a bad depth or type, a node that
// is not an alliance, a neighbourhood too large), ErrNotFound for a missing
// root or alliance.
func Subgraph(ctx context.Context, store graph.Store, spec SubgraphSpec) (*graph.Snapshot, error) {
	for _, t := range spec.Relations {
		if !t.Valid() {
			return nil, graph.Invalidf("relations", "relationship type %q is not one of %v", t, graph.RelTypes)
		}
	}
	switch {
	case spec.Root != "" && spec.AllianceID != "":
		return nil, graph.Invalidf("root", "choose a root or an alliance, not both")
	case spec.Root != "":
		return neighbourhood(ctx, store, spec)
	case spec.AllianceID != "":
		return alliance(ctx, store, spec)
	case spec.Depth != 0:
		return nil, graph.Invalidf("depth", "depth needs a root")
	}
	snap, err := store.Snapshot(ctx, spec.view())
	if err != nil {
		return nil, err
	}
	// Source documents and saved scenarios are records kept beside the
	// network, not part of it (they have no edges).
	snap.Nodes = slices.DeleteFunc(snap.Nodes, func(n *graph.Node) bool { return graph.IsRecord(n.Label) })
	if len(spec.Relations) > 0 {
		snap = &graph.Snapshot{Nodes: snap.Nodes, Edges: keepTypes(snap.Edges, spec.Relations)}
	}
	return snap, nil
}

func neighbourhood(ctx context.Context, store graph.Store, spec SubgraphSpec) (*graph.Snapshot, error) {
	sg, err := store.Neighbourhood(ctx, spec.view(), spec.Root, graph.NeighbourhoodQuery{
		Depth: spec.Depth, Types: spec.Relations, Limit: graph.MaxNeighbourhoodSize,
	})
	if err != nil {
		return nil, err
	}
	if sg.Truncated {
		return nil, graph.Invalidf("depth", "the neighbourhood of %q within %d hops has more than %d nodes; export a smaller depth or the whole graph",
			spec.Root, spec.Depth, graph.MaxNeighbourhoodSize)
	}
	return FromSubgraph(sg), nil
}

func alliance(ctx context.Context, store graph.Store, spec SubgraphSpec) (*graph.Snapshot, error) {
	a, err := store.Node(ctx, spec.view(), spec.AllianceID)
	if err != nil {
		return nil, err
	}
	if a.Label != graph.LabelAlliance {
		return nil, graph.Invalidf("alliance", "%q is a %s, not an Alliance", a.ID, a.Label)
	}
	rel, err := store.Related(ctx, spec.view(), []string{a.ID}, graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.In})
	if err != nil {
		return nil, err
	}
	in := map[string]bool{a.ID: true}
	ids := []string{a.ID}
	snap := &graph.Snapshot{Nodes: []*graph.Node{a}}
	for _, r := range rel[a.ID] {
		if !in[r.Node.ID] {
			in[r.Node.ID] = true
			ids = append(ids, r.Node.ID)
			snap.Nodes = append(snap.Nodes, r.Node)
		}
	}
	// Every edge among the alliance and its members: the edges out of each,
	// kept when the other end is one of them.
	out, err := store.Related(ctx, spec.view(), ids, graph.RelQuery{Types: spec.Relations, Dir: graph.Out})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, id := range ids {
		for _, r := range out[id] {
			if in[r.Node.ID] && !seen[r.Edge.ID] {
				seen[r.Edge.ID] = true
				snap.Edges = append(snap.Edges, r.Edge)
			}
		}
	}
	sortSnapshot(snap)
	return snap, nil
}

func keepTypes(edges []*graph.Edge, types []graph.RelType) []*graph.Edge {
	var out []*graph.Edge
	for _, e := range edges {
		if slices.Contains(types, e.Type) {
			out = append(out, e)
		}
	}
	return out
}

// String describes the spec, for logs and file names.
func (s SubgraphSpec) String() string {
	switch {
	case s.Root != "":
		return fmt.Sprintf("neighbourhood of %s within %d hops", s.Root, s.Depth)
	case s.AllianceID != "":
		return "alliance " + s.AllianceID + " and its members"
	}
	return "whole graph"
}

// view is what the reads of spec see.
func (s SubgraphSpec) view() graph.View { return graph.View{AsOf: s.AsOf} }
