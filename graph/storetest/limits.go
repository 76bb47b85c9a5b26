package storetest

import (
	"fmt"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// limitTests pin what a store reads at most for one call (issue #15: every
// answer bounded before it runs): a subgraph's node and edge caps, a
// relation query's per-node limit, the ancestors' limit and pages of edges. Which items a
// cut keeps is part of the contract where it says so (subgraphs: nearest
// nodes, least edge ids; ancestors: nearest, ties by id); for Related with a
// limit only how many.
var limitTests = []test{
	{"SubtreeLimit", func(t *testing.T, s graph.Store) {
		// root ← a0..a5, a0 ← b0..b3: 11 nodes within depth 2.
		limitTree(t, s)
		sg, err := s.Subtree(bg, graph.View{}, "t:root", graph.SubtreeQuery{MaxDepth: 2, Limit: 11})
		noErr(t, "Subtree(limit 11)", err)
		if len(sg.Nodes) != 11 || sg.Truncated || len(sg.Edges) != 10 {
			t.Errorf("Subtree(limit 11) = %d nodes, %d edges, truncated %v; want 11, 10, false", len(sg.Nodes), len(sg.Edges), sg.Truncated)
		}
		// Nearest first, then by id: the root, a0..a4.
		sg, err = s.Subtree(bg, graph.View{}, "t:root", graph.SubtreeQuery{MaxDepth: 2, Limit: 6})
		noErr(t, "Subtree(limit 6)", err)
		wantIDs(t, "Subtree(limit 6) nodes", nodeIDs(sg.Nodes), []string{"t:root", "t:a0", "t:a1", "t:a2", "t:a3", "t:a4"})
		wantIDs(t, "Subtree(limit 6) edges", edgeIDs(sg.Edges), sorted(
			graph.EdgeID(graph.RelSubOrganisationOf, "t:a0", "t:root"), graph.EdgeID(graph.RelSubOrganisationOf, "t:a1", "t:root"),
			graph.EdgeID(graph.RelSubOrganisationOf, "t:a2", "t:root"), graph.EdgeID(graph.RelSubOrganisationOf, "t:a3", "t:root"),
			graph.EdgeID(graph.RelSubOrganisationOf, "t:a4", "t:root")))
		if !sg.Truncated {
			t.Errorf("Subtree(limit 6).Truncated = false; want true (5 nodes left out)")
		}
		// Nodes only: the same nodes.
		sg, err = s.Subtree(bg, graph.View{NodesOnly: true}, "t:root", graph.SubtreeQuery{MaxDepth: 2, Limit: 8})
		noErr(t, "Subtree(nodes only, limit 8)", err)
		wantIDs(t, "Subtree(nodes only, limit 8) nodes", nodeIDs(sg.Nodes), []string{"t:root", "t:a0", "t:a1", "t:a2", "t:a3", "t:a4", "t:a5", "t:b0"})
		for _, bad := range []int{0, -1, graph.MaxSubgraphSize + 1} {
			_, err := s.Subtree(bg, graph.View{}, "t:root", graph.SubtreeQuery{MaxDepth: 2, Limit: bad})
			wantErr(t, fmt.Sprintf("Subtree(limit %d)", bad), err, graph.ErrInvalid)
		}
	}},
	{"SubgraphEdgeLimit", func(t *testing.T, s graph.Store) {
		// Four villages, every ordered pair joined by ADJACENT_TO and by
		// MENTORS: 24 edges among 4 nodes, more than SubgraphEdgeLimit(4).
		ids := []string{"v:a", "v:b", "v:c", "v:d"}
		orgs(t, s, ids...)
		var all []string
		for _, typ := range []graph.RelType{graph.RelAdjacentTo, graph.RelMentors} {
			var pairs []string
			for _, a := range ids {
				for _, b := range ids {
					if a != b {
						pairs = append(pairs, a, b)
						all = append(all, graph.EdgeID(typ, a, b))
					}
				}
			}
			edges(t, s, typ, pairs...)
		}
		want := sorted(all...)[:graph.SubgraphEdgeLimit(4)]
		sg, err := s.Neighbourhood(bg, graph.View{}, "v:a", graph.NeighbourhoodQuery{Depth: 1, Limit: 4})
		noErr(t, "Neighbourhood(limit 4)", err)
		wantIDs(t, "Neighbourhood(limit 4) nodes", nodeIDs(sg.Nodes), ids)
		wantIDs(t, "Neighbourhood(limit 4) edges (the least ids)", edgeIDs(sg.Edges), want)
		if !sg.Truncated {
			t.Errorf("Neighbourhood(limit 4).Truncated = false; want true (%d edges left out)", len(all)-len(want))
		}
		sg, err = s.Neighbourhood(bg, graph.View{}, "v:a", graph.NeighbourhoodQuery{Depth: 1, Limit: 12})
		noErr(t, "Neighbourhood(limit 12)", err)
		if len(sg.Edges) != len(all) || sg.Truncated {
			t.Errorf("Neighbourhood(limit 12) = %d edges, truncated %v; want %d, false", len(sg.Edges), sg.Truncated, len(all))
		}
	}},
	{"WideSubgraphs", func(t *testing.T, s graph.Store) {
		// Three levels of twelve below a root: 1,885 nodes, as wide as a
		// province's three levels (1,654). Neo4j charged a sort of the
		// edges among them n² (the list of nodes with every row), past
		// the memory a transaction may take (graph/neo4j cypher.go).
		ids := []string{"w:root"}
		var pairs []string
		level := []string{"w:root"}
		for d := range 3 {
			var next []string
			for _, parent := range level {
				for i := range 12 {
					id := fmt.Sprintf("%s.%d%c", parent, i, 'a'+d)
					ids = append(ids, id)
					next = append(next, id)
					pairs = append(pairs, id, parent)
				}
			}
			level = next
		}
		orgs(t, s, ids...)
		edges(t, s, graph.RelSubOrganisationOf, pairs...)
		sg, err := s.Subtree(bg, graph.View{}, "w:root", graph.SubtreeQuery{MaxDepth: 3, Limit: graph.MaxSubgraphSize})
		noErr(t, "Subtree(w:root, depth 3)", err)
		if len(sg.Nodes) != len(ids) || len(sg.Edges) != len(ids)-1 || sg.Truncated {
			t.Errorf("Subtree(w:root, depth 3) = %d nodes, %d edges, truncated %v; want %d, %d, false",
				len(sg.Nodes), len(sg.Edges), sg.Truncated, len(ids), len(ids)-1)
		}
		sg, err = s.Neighbourhood(bg, graph.View{}, "w:root", graph.NeighbourhoodQuery{Depth: 3, Limit: graph.MaxSubgraphSize})
		noErr(t, "Neighbourhood(w:root, depth 3)", err)
		if len(sg.Nodes) != len(ids) || len(sg.Edges) != len(ids)-1 || sg.Truncated {
			t.Errorf("Neighbourhood(w:root, depth 3) = %d nodes, %d edges, truncated %v; want %d, %d, false",
				len(sg.Nodes), len(sg.Edges), sg.Truncated, len(ids), len(ids)-1)
		}
	}},
	{"RelatedLimit", func(t *testing.T, s graph.Store) {
		// root has 6 children; a0 has 4; a1 none.
		limitTree(t, s)
		ids := []string{"t:root", "t:a0", "t:a1"}
		in := graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.In}
		for _, c := range []struct {
			limit int
			want  map[string]int
		}{
			{0, map[string]int{"t:root": 6, "t:a0": 4, "t:a1": 0}},
			{4, map[string]int{"t:root": 5, "t:a0": 4, "t:a1": 0}}, // a0 has exactly the limit: not more
			{2, map[string]int{"t:root": 3, "t:a0": 3, "t:a1": 0}},
			{6, map[string]int{"t:root": 6, "t:a0": 4, "t:a1": 0}},
		} {
			q := in
			q.Limit = c.limit
			rel, err := s.Related(bg, graph.View{}, ids, q)
			noErr(t, fmt.Sprintf("Related(limit %d)", c.limit), err)
			xp, err := s.Expand(bg, graph.View{}, ids, &graph.Expansion{Steps: []graph.ExpandStep{{Q: q}}})
			noErr(t, fmt.Sprintf("Expand(limit %d)", c.limit), err)
			for id, n := range c.want {
				if got := len(rel[id]); got != n {
					t.Errorf("Related(limit %d)[%s] has %d; want %d", c.limit, id, got, n)
				}
				if got := len(xp.Related[q.Key()][id]); got != n {
					t.Errorf("Expand(limit %d)[%s] has %d; want %d", c.limit, id, got, n)
				}
				for i := 1; i < len(rel[id]); i++ {
					if rel[id][i-1].Node.ID > rel[id][i].Node.ID {
						t.Errorf("Related(limit %d)[%s] not in order: %s before %s", c.limit, id, rel[id][i-1].Node.ID, rel[id][i].Node.ID)
					}
				}
			}
		}
		// A page expanded with a limited step answers the same.
		page, xp, err := s.FindNodesExpand(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 20},
			&graph.Expansion{Steps: []graph.ExpandStep{{Q: graph.RelQuery{Types: in.Types, Dir: in.Dir, Limit: 2}}}})
		noErr(t, "FindNodesExpand(limit 2)", err)
		key := graph.RelQuery{Types: in.Types, Dir: in.Dir, Limit: 2}.Key()
		if len(page.Nodes) != 11 || len(xp.Related[key]["t:root"]) != 3 || len(xp.Related[key]["t:b0"]) != 0 {
			t.Errorf("FindNodesExpand(limit 2): %d nodes, root %d, b0 %d; want 11, 3, 0",
				len(page.Nodes), len(xp.Related[key]["t:root"]), len(xp.Related[key]["t:b0"]))
		}
		for _, bad := range []int{-1, graph.MaxRelationLimit + 1} {
			q := in
			q.Limit = bad
			_, err := s.Related(bg, graph.View{}, ids, q)
			wantErr(t, fmt.Sprintf("Related(limit %d)", bad), err, graph.ErrInvalid)
			_, err = s.Expand(bg, graph.View{}, ids, &graph.Expansion{Steps: []graph.ExpandStep{{Q: q}}})
			wantErr(t, fmt.Sprintf("Expand(limit %d)", bad), err, graph.ErrInvalid)
		}
	}},
	{"EdgePages", func(t *testing.T, s graph.Store) {
		// Pages of 4 after the last id of the page before give every edge
		// once, in id order; a filter applies before the page.
		limitTree(t, s)
		all, err := s.Edges(bg, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
		noErr(t, "Edges(every one)", err)
		if len(all) != 10 {
			t.Fatalf("Edges(every one) = %d edges; want 10", len(all))
		}
		var paged []string
		after := ""
		for range 4 {
			page, err := s.Edges(bg, graph.View{}, graph.EdgeFilter{Types: []graph.RelType{graph.RelSubOrganisationOf}}, graph.EdgeRange{First: 4, After: after})
			noErr(t, "Edges(page)", err)
			if len(page) > 4 {
				t.Fatalf("Edges(first 4) = %d edges", len(page))
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, edgeIDs(page)...)
			after = page[len(page)-1].ID
		}
		wantIDs(t, "Edges in pages of 4", paged, edgeIDs(all))
		none, err := s.Edges(bg, graph.View{}, graph.EdgeFilter{Types: []graph.RelType{graph.RelMentors}}, graph.EdgeRange{First: 4})
		noErr(t, "Edges(MENTORS)", err)
		wantIDs(t, "Edges(MENTORS)", edgeIDs(none), nil)
		for _, bad := range []int{-1, graph.MaxEdgePage + 1} {
			_, err := s.Edges(bg, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{First: bad})
			wantErr(t, fmt.Sprintf("Edges(first %d)", bad), err, graph.ErrInvalid)
		}
	}},
	{"AncestorsLimit", func(t *testing.T, s graph.Store) {
		// c5 → c4 → c3 → c2 → c1 → c0, and c5 → x: nearest first, ties by id.
		orgs(t, s, "c:0", "c:1", "c:2", "c:3", "c:4", "c:5", "c:x")
		edges(t, s, graph.RelSubOrganisationOf, "c:5", "c:4", "c:4", "c:3", "c:3", "c:2", "c:2", "c:1", "c:1", "c:0", "c:5", "c:x")
		for _, c := range []struct {
			limit int
			want  []string
		}{
			{0, []string{"c:4", "c:x", "c:3", "c:2", "c:1", "c:0"}},
			{1, []string{"c:4", "c:x"}},
			{2, []string{"c:4", "c:x", "c:3"}},
			{6, []string{"c:4", "c:x", "c:3", "c:2", "c:1", "c:0"}},
		} {
			got, err := s.Ancestors(bg, graph.View{}, []string{"c:5", "c:0"}, c.limit)
			noErr(t, fmt.Sprintf("Ancestors(limit %d)", c.limit), err)
			wantIDs(t, fmt.Sprintf("Ancestors(limit %d)[c:5]", c.limit), nodeIDs(got["c:5"]), c.want)
			wantIDs(t, fmt.Sprintf("Ancestors(limit %d)[c:0]", c.limit), nodeIDs(got["c:0"]), nil)
		}
		_, err := s.Ancestors(bg, graph.View{}, []string{"c:5"}, graph.MaxRelationLimit+1)
		wantErr(t, "Ancestors(limit too large)", err, graph.ErrInvalid)
	}},
}

// limitTree makes root ← a0..a5 and a0 ← b0..b3 (SUB_ORGANISATION_OF).
func limitTree(tb testing.TB, s graph.Store) {
	tb.Helper()
	ids := []string{"t:root"}
	var pairs []string
	for i := range 6 {
		id := fmt.Sprintf("t:a%d", i)
		ids = append(ids, id)
		pairs = append(pairs, id, "t:root")
	}
	for i := range 4 {
		id := fmt.Sprintf("t:b%d", i)
		ids = append(ids, id)
		pairs = append(pairs, id, "t:a0")
	}
	orgs(tb, s, ids...)
	edges(tb, s, graph.RelSubOrganisationOf, pairs...)
}
