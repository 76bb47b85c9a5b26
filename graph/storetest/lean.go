package storetest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// leanTests: a read with a lean View answers with the same nodes and
// edges, in the same order, whose core fields (graph.LeanNode, LeanEdge)
// equal those of the full read; what lies outside the core may be missing.
// Snapshot, Counts and writes ignore the hint.
var leanTests = []test{
	{"ReadsKeepTheCore", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		for _, asOf := range []string{"", "2016-08-01", graph.Today()} {
			full := graph.View{AsOf: asOf}
			lean := full
			lean.Lean = true
			for _, r := range leanReads(f) {
				got, errL := r.read(lean, s)
				want, errF := r.read(full, s)
				if (errL == nil) != (errF == nil) {
					t.Errorf("%s as of %q: lean error %v, full error %v", r.name, asOf, errL, errF)
					continue
				}
				if g, w := leanJSON(t, got), leanJSON(t, want); g != w {
					t.Errorf("%s as of %q, lean:\n got %s\nwant %s", r.name, asOf, g, w)
				}
			}
		}
	}},
	{"SnapshotAndWritesAreWhole", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		// A lean Snapshot may be the topology alone (LeanSnapshot checks it
		// is the same); the writes after it are whole.
		got, err := s.Snapshot(bg, graph.View{Lean: true})
		noErr(t, "Snapshot(lean)", err)
		want := snapshot(t, s)
		gn, ge := topology(got)
		wn, we := topology(want)
		if !reflect.DeepEqual(gn, wn) || !reflect.DeepEqual(ge, we) {
			t.Errorf("Snapshot(lean)'s topology differs from Snapshot's:\n got %v %v\nwant %v %v", gn, ge, wn, we)
		}
		in := graph.NodeInput{ID: "org:lean-new", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "新村",
			Attrs:      map[string]any{graph.AttrPopulation: int64(10)},
			Provenance: graph.Provenance{Source: graph.SourceUser, Quote: "typed in", Ref: "test"}}
		n, err := s.CreateNode(bg, in)
		noErr(t, "CreateNode", err)
		wantNode(t, "CreateNode", n, &in)
		got2, err := s.Node(bg, graph.View{}, in.ID)
		noErr(t, "Node", err)
		wantNode(t, "Node after CreateNode", got2, &in)
	}},
}

// A leanRead is one read method called with fixed arguments on the fixture.
type leanRead struct {
	name string
	read func(v graph.View, s graph.Store) (any, error)
}

func leanReads(f FixtureIDs) []leanRead {
	x := tree(
		step(graph.Out, nil, graph.RelSubOrganisationOf),
		step(graph.In, tree(step(graph.In, nil, graph.RelMentors), step(graph.Out, nil, graph.RelMentors)), graph.RelMemberOf),
		step(graph.Both, nil, graph.RelHoldsPost),
	)
	all := []string{f.Street, f.Town, f.Alliance, f.ShuQian, f.ShengDun, f.Person, "org:missing"}
	return []leanRead{
		{"Node", func(v graph.View, s graph.Store) (any, error) { return s.Node(bg, v, f.ShuQian) }},
		{"NodeAlliance", func(v graph.View, s graph.Store) (any, error) { return s.Node(bg, v, f.Alliance) }},
		{"Nodes", func(v graph.View, s graph.Store) (any, error) { return s.Nodes(bg, v, all) }},
		{"FindNodes", func(v graph.View, s graph.Store) (any, error) {
			return s.FindNodes(bg, v, graph.NodeFilter{}, graph.PageArgs{First: 5})
		}},
		{"FindNodesExpand", func(v graph.View, s graph.Store) (any, error) {
			p, xp, err := s.FindNodesExpand(bg, v, graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}}, graph.PageArgs{First: 20}, x)
			return []any{p, xp}, err
		}},
		{"Search", func(v graph.View, s graph.Store) (any, error) { return s.Search(bg, v, "舒", 10) }},
		{"Related", func(v graph.View, s graph.Store) (any, error) {
			return s.Related(bg, v, all, graph.RelQuery{Dir: graph.Both})
		}},
		{"Ancestors", func(v graph.View, s graph.Store) (any, error) {
			return s.Ancestors(bg, v, []string{f.Makerspace, f.Enterprise}, 0)
		}},
		{"Expand", func(v graph.View, s graph.Store) (any, error) { return s.Expand(bg, v, all, x) }},
		{"Neighbourhood", func(v graph.View, s graph.Store) (any, error) {
			return s.Neighbourhood(bg, v, f.Alliance, graph.NeighbourhoodQuery{Depth: 2, Limit: 100})
		}},
		{"NeighbourhoodNodesOnly", func(v graph.View, s graph.Store) (any, error) {
			return s.Neighbourhood(bg, nodesOnly(v), f.Town, graph.NeighbourhoodQuery{Depth: 3, Limit: 4})
		}},
		{"Subtree", func(v graph.View, s graph.Store) (any, error) {
			return s.Subtree(bg, v, f.Street, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
		}},
		{"SubtreeNodesOnly", func(v graph.View, s graph.Store) (any, error) {
			return s.Subtree(bg, nodesOnly(v), f.Street, graph.SubtreeQuery{MaxDepth: 2, Limit: graph.DefaultSubtreeSize})
		}},
		{"ShortestPath", func(v graph.View, s graph.Store) (any, error) {
			return s.ShortestPath(bg, v, f.Person, f.Makerspace, graph.PathQuery{MaxDepth: 6})
		}},
		{"Tops", func(v graph.View, s graph.Store) (any, error) { return s.Tops(bg, v, 5) }},
		{"Children", func(v graph.View, s graph.Store) (any, error) {
			return s.Children(bg, v, f.Town, nil, graph.PageArgs{First: 5})
		}},
		{"ShortestPathMembers", func(v graph.View, s graph.Store) (any, error) {
			return s.ShortestPath(bg, v, f.ShuQian, f.Community, graph.PathQuery{MaxDepth: 4})
		}},
	}
}

// leanJSON renders v with every node and edge cut to its core (maps in a
// fixed order, as encoding/json writes them).
func leanJSON(t *testing.T, v any) string {
	t.Helper()
	return asJSON(t, leanValue(v))
}

func leanValue(v any) any {
	switch x := v.(type) {
	case *graph.Node:
		if x == nil {
			return nil
		}
		return normNode(graph.LeanNode(x))
	case *graph.Edge:
		if x == nil {
			return nil
		}
		return normEdge(graph.LeanEdge(x))
	case []*graph.Node:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = leanValue(n)
		}
		return out
	case []*graph.Edge:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = leanValue(e)
		}
		return out
	case []graph.Related:
		out := make([]any, len(x))
		for i, r := range x {
			out[i] = []any{leanValue(r.Edge), leanValue(r.Node)}
		}
		return out
	case map[string][]graph.Related:
		out := make(map[string]any, len(x))
		for k, rs := range x {
			out[k] = leanValue(rs)
		}
		return out
	case map[string][]*graph.Node:
		out := make(map[string]any, len(x))
		for k, ns := range x {
			out[k] = leanValue(ns)
		}
		return out
	case *graph.NodePage:
		if x == nil {
			return nil
		}
		c := *x
		c.Nodes = nil
		return map[string]any{"page": c, "nodes": leanValue(x.Nodes)}
	case *graph.Tops:
		if x == nil {
			return nil
		}
		tops := make([]any, len(x.Tops))
		for i, t := range x.Tops {
			tops[i] = map[string]any{"node": leanValue(t.Node), "children": t.Children}
		}
		return map[string]any{"tops": tops, "total": x.Total}
	case *graph.Expanded:
		if x == nil {
			return nil
		}
		nodes := make(map[string]any, len(x.Nodes))
		for k, n := range x.Nodes {
			nodes[k] = leanValue(n)
		}
		rel := make(map[string]any, len(x.Related))
		for k, m := range x.Related {
			rel[k] = leanValue(m)
		}
		return map[string]any{"nodes": nodes, "related": rel}
	case *graph.Subgraph:
		if x == nil {
			return nil
		}
		return map[string]any{"nodes": leanValue(x.Nodes), "edges": leanValue(x.Edges), "truncated": x.Truncated}
	case *graph.Path:
		if x == nil {
			return nil
		}
		return map[string]any{"nodes": leanValue(x.Nodes), "edges": leanValue(x.Edges)}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = leanValue(e)
		}
		return out
	}
	return v
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// nodesOnly returns v reading nodes only (graph.View.NodesOnly).
func nodesOnly(v graph.View) graph.View {
	v.NodesOnly = true
	return v
}
