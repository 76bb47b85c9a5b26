package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// neighbourhoodGraph builds, with ADJACENT_TO unless said:
//
//	y2 → y1 → c → x1 → x2 → x3,  c → z1 (SUB_ORGANISATION_OF),  x2 → y2
//
// so that from c: x1, y1, z1 lie at 1 hop; x2, y2 at 2 (joined to each
// other); x3 at 3.
func neighbourhoodGraph(t *testing.T, s graph.Store) {
	t.Helper()
	orgs(t, s, "n:c", "n:x1", "n:y1", "n:z1", "n:x2", "n:y2", "n:x3")
	edges(t, s, graph.RelAdjacentTo, "n:c", "n:x1", "n:y1", "n:c", "n:x1", "n:x2", "n:y2", "n:y1", "n:x2", "n:y2", "n:x2", "n:x3")
	edges(t, s, graph.RelSubOrganisationOf, "n:c", "n:z1")
}

func adj(from, to string) string { return graph.EdgeID(graph.RelAdjacentTo, from, to) }
func sub(from, to string) string { return graph.EdgeID(graph.RelSubOrganisationOf, from, to) }

var neighbourhoodTests = []test{
	{"Depth", func(t *testing.T, s graph.Store) {
		neighbourhoodGraph(t, s)
		d1 := []string{adj("n:c", "n:x1"), adj("n:y1", "n:c"), sub("n:c", "n:z1")}
		d2 := sorted(append(d1, adj("n:x1", "n:x2"), adj("n:y2", "n:y1"), adj("n:x2", "n:y2"))...)
		d3 := sorted(append(d2, adj("n:x2", "n:x3"))...)
		all := []string{"n:c", "n:x1", "n:y1", "n:z1", "n:x2", "n:y2", "n:x3"}
		cases := []struct {
			name       string
			id         string
			q          graph.NeighbourhoodQuery
			nodes, eds []string
			truncated  bool
		}{
			{"0", "n:c", graph.NeighbourhoodQuery{Depth: 0, Limit: 500}, all[:1], nil, false},
			{"1", "n:c", graph.NeighbourhoodQuery{Depth: 1, Limit: 500}, all[:4], sorted(d1...), false},
			// Edges between two nodes at the rim (x2 → y2) are kept.
			{"2", "n:c", graph.NeighbourhoodQuery{Depth: 2, Limit: 500}, all[:6], d2, false},
			{"3", "n:c", graph.NeighbourhoodQuery{Depth: 3, Limit: 500}, all, d3, false},
			{"Max", "n:c", graph.NeighbourhoodQuery{Depth: graph.MaxDepth, Limit: graph.MaxNeighbourhoodSize}, all, d3, false},
			// Both directions: x1 points at x2, x2 at y2 and x3.
			{"FromX2", "n:x2", graph.NeighbourhoodQuery{Depth: 1, Limit: 500},
				[]string{"n:x2", "n:x1", "n:x3", "n:y2"}, sorted(adj("n:x1", "n:x2"), adj("n:x2", "n:x3"), adj("n:x2", "n:y2")), false},
			{"Type", "n:c", graph.NeighbourhoodQuery{Depth: 1, Limit: 500, Types: []graph.RelType{graph.RelAdjacentTo}},
				all[:3], []string{adj("n:c", "n:x1"), adj("n:y1", "n:c")}, false},
			{"OtherType", "n:c", graph.NeighbourhoodQuery{Depth: 3, Limit: 500, Types: []graph.RelType{graph.RelSubOrganisationOf}},
				[]string{"n:c", "n:z1"}, []string{sub("n:c", "n:z1")}, false},
			{"TypesNone", "n:c", graph.NeighbourhoodQuery{Depth: 2, Limit: 500, Types: []graph.RelType{graph.RelMentors}},
				all[:1], nil, false},
			// Limits: nearest first, then by id (x2 sorts before z1 but is
			// farther); edges only among the kept nodes.
			{"Limit1", "n:c", graph.NeighbourhoodQuery{Depth: 1, Limit: 1}, all[:1], nil, true},
			{"Limit3", "n:c", graph.NeighbourhoodQuery{Depth: 2, Limit: 3}, all[:3], []string{adj("n:c", "n:x1"), adj("n:y1", "n:c")}, true},
			{"Limit4", "n:c", graph.NeighbourhoodQuery{Depth: 2, Limit: 4}, all[:4], sorted(d1...), true},
			{"Limit5", "n:c", graph.NeighbourhoodQuery{Depth: 2, Limit: 5}, all[:5], sorted(append(d1, adj("n:x1", "n:x2"))...), true},
			{"LimitExact", "n:c", graph.NeighbourhoodQuery{Depth: 2, Limit: 6}, all[:6], d2, false},
			{"LimitDepth0", "n:c", graph.NeighbourhoodQuery{Depth: 0, Limit: 1}, all[:1], nil, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				sg, err := s.Neighbourhood(bg, graph.View{}, tc.id, tc.q)
				noErr(t, "Neighbourhood", err)
				wantIDs(t, "Neighbourhood nodes", nodeIDs(sg.Nodes), tc.nodes)
				wantIDs(t, "Neighbourhood edges", edgeIDs(sg.Edges), tc.eds)
				if sg.Truncated != tc.truncated {
					t.Errorf("Neighbourhood Truncated = %v; want %v", sg.Truncated, tc.truncated)
				}
			})
		}
	}},
	{"Values", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		sg, err := s.Neighbourhood(bg, graph.View{}, f.Person, graph.NeighbourhoodQuery{Depth: 1, Limit: 10})
		noErr(t, "Neighbourhood", err)
		wantIDs(t, "Neighbourhood nodes", nodeIDs(sg.Nodes), []string{f.Person, f.Town})
		if len(sg.Nodes) == 2 && len(sg.Edges) == 1 {
			n, _ := s.Node(bg, graph.View{}, f.Town)
			wantNode(t, "Neighbourhood node", sg.Nodes[1], n)
			e, _ := s.Edge(bg, graph.View{}, f.Post)
			wantEdge(t, "Neighbourhood edge", sg.Edges[0], e)
		} else {
			t.Errorf("Neighbourhood = %d nodes, %d edges; want 2, 1", len(sg.Nodes), len(sg.Edges))
		}
	}},
	{"Errors", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		_, err := s.Neighbourhood(bg, graph.View{}, "org:nowhere", graph.NeighbourhoodQuery{Depth: 1, Limit: 10})
		wantErr(t, "Neighbourhood(missing)", err, graph.ErrNotFound)
		for _, q := range []graph.NeighbourhoodQuery{
			{Depth: -1, Limit: 10},
			{Depth: graph.MaxDepth + 1, Limit: 10},
			{Depth: 1, Limit: 0},
			{Depth: 1, Limit: graph.MaxNeighbourhoodSize + 1},
			{Depth: 1, Limit: 10, Types: []graph.RelType{"LIKES"}},
		} {
			sg, err := s.Neighbourhood(bg, graph.View{}, f.Town, q)
			wantErr(t, "Neighbourhood(bad query)", err, graph.ErrInvalid)
			if sg != nil {
				t.Errorf("Neighbourhood returned a subgraph with an error")
			}
		}
	}},
}

var subtreeTests = []test{
	{"Depth", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		all := []string{f.Street, f.TwoNew, f.Town, f.Enterprise, f.Makerspace}
		es := []string{sub(f.TwoNew, f.Street), sub(f.Town, f.TwoNew), sub(f.Enterprise, f.Town), sub(f.Makerspace, f.Town)}
		cases := []struct {
			name       string
			root       string
			depth      int
			nodes, eds []string
			truncated  bool
		}{
			{"0", f.Street, 0, all[:1], nil, true},
			{"1", f.Street, 1, all[:2], es[:1], true},
			{"2", f.Street, 2, all[:3], sorted(es[:2]...), true},
			{"3", f.Street, 3, all, sorted(es...), false},
			{"Max", f.Street, graph.MaxSubtreeDepth, all, sorted(es...), false},
			// HOLDS_POST at Town is not followed.
			{"Town", f.Town, 1, []string{f.Town, f.Enterprise, f.Makerspace}, sorted(es[2:]...), false},
			// Members are not below their alliance.
			{"Alliance", f.Alliance, 3, []string{f.Alliance}, nil, false},
			{"Leaf", f.Makerspace, 2, []string{f.Makerspace}, nil, false},
			{"Village", f.ShuQian, 2, []string{f.ShuQian}, nil, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				sg, err := s.Subtree(bg, graph.View{}, tc.root, graph.SubtreeQuery{MaxDepth: tc.depth, Limit: graph.DefaultSubtreeSize})
				noErr(t, "Subtree", err)
				wantIDs(t, "Subtree nodes", nodeIDs(sg.Nodes), tc.nodes)
				wantIDs(t, "Subtree edges", edgeIDs(sg.Edges), tc.eds)
				if sg.Truncated != tc.truncated {
					t.Errorf("Subtree Truncated = %v; want %v", sg.Truncated, tc.truncated)
				}
			})
		}
	}},
	{"TwoParents", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		MustCreateNode(t, s, org("org:joint", "联合支部"))
		edges(t, s, graph.RelSubOrganisationOf, "org:joint", f.Makerspace, "org:joint", f.Enterprise)
		sg, err := s.Subtree(bg, graph.View{}, f.Town, graph.SubtreeQuery{MaxDepth: 2, Limit: graph.DefaultSubtreeSize})
		noErr(t, "Subtree", err)
		wantIDs(t, "Subtree nodes", nodeIDs(sg.Nodes), []string{f.Town, f.Enterprise, f.Makerspace, "org:joint"})
		wantIDs(t, "Subtree edges", edgeIDs(sg.Edges), sorted(sub(f.Enterprise, f.Town), sub(f.Makerspace, f.Town),
			sub("org:joint", f.Makerspace), sub("org:joint", f.Enterprise)))
	}},
	{"Errors", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		_, err := s.Subtree(bg, graph.View{}, "org:nowhere", graph.SubtreeQuery{MaxDepth: 2, Limit: graph.DefaultSubtreeSize})
		wantErr(t, "Subtree(missing)", err, graph.ErrNotFound)
		for _, d := range []int{-1, graph.MaxSubtreeDepth + 1} {
			sg, err := s.Subtree(bg, graph.View{}, f.Street, graph.SubtreeQuery{MaxDepth: d, Limit: graph.DefaultSubtreeSize})
			wantErr(t, "Subtree(bad depth)", err, graph.ErrInvalid)
			if sg != nil {
				t.Errorf("Subtree returned a subgraph with an error")
			}
		}
	}},
}

// wantPath checks a path's shape and its node and edge ids.
func wantPath(t *testing.T, what string, p *graph.Path, from, to string, nodes, eds []string) {
	t.Helper()
	if p == nil {
		t.Errorf("%s = nil; want %q", what, nodes)
		return
	}
	if len(p.Nodes) != len(p.Edges)+1 {
		t.Errorf("%s has %d nodes and %d edges; want one more node than edges", what, len(p.Nodes), len(p.Edges))
		return
	}
	if p.Nodes[0].ID != from || p.Nodes[len(p.Nodes)-1].ID != to {
		t.Errorf("%s runs %s to %s; want %s to %s", what, p.Nodes[0].ID, p.Nodes[len(p.Nodes)-1].ID, from, to)
	}
	for i, e := range p.Edges {
		a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
		if !(e.From == a && e.To == b) && !(e.From == b && e.To == a) {
			t.Errorf("%s: edge %d (%s) does not join %s and %s", what, i, e.ID, a, b)
		}
	}
	wantIDs(t, what+" nodes", nodeIDs(p.Nodes), nodes)
	if eds != nil {
		wantIDs(t, what+" edges", edgeIDs(p.Edges), eds)
	}
}

func pathQ(depth int, types ...graph.RelType) graph.PathQuery {
	return graph.PathQuery{MaxDepth: depth, Types: types}
}

var shortestPathTests = []test{
	{"Found", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		p, err := s.ShortestPath(bg, graph.View{}, f.Person, f.Makerspace, pathQ(8))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(person, makerspace)", p, f.Person, f.Makerspace,
			[]string{f.Person, f.Town, f.Makerspace}, []string{f.Post, sub(f.Makerspace, f.Town)})
		if p != nil && len(p.Nodes) == 3 {
			n, _ := s.Node(bg, graph.View{}, f.Town)
			wantNode(t, "path node", p.Nodes[1], n)
			e, _ := s.Edge(bg, graph.View{}, f.Post)
			wantEdge(t, "path edge", p.Edges[0], e)
		}
		// Against the direction of the edges.
		p, err = s.ShortestPath(bg, graph.View{}, f.Street, f.Makerspace, pathQ(8))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(street, makerspace)", p, f.Street, f.Makerspace,
			[]string{f.Street, f.TwoNew, f.Town, f.Makerspace}, nil)
		// Through an alliance.
		p, err = s.ShortestPath(bg, graph.View{}, f.ShuHou, f.Community, pathQ(8))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(shuhou, community)", p, f.ShuHou, f.Community,
			[]string{f.ShuHou, f.Alliance, f.Community}, nil)
		// One node.
		p, err = s.ShortestPath(bg, graph.View{}, f.Town, f.Town, pathQ(1))
		noErr(t, "ShortestPath(same)", err)
		wantPath(t, "ShortestPath(same)", p, f.Town, f.Town, []string{f.Town}, []string{})
	}},
	{"None", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		p, err := s.ShortestPath(bg, graph.View{}, f.Makerspace, f.ShuQian, pathQ(graph.MaxPathDepth))
		if err != nil || p != nil {
			t.Errorf("ShortestPath(unconnected) = %v, %v; want nil, nil", p, err)
		}
	}},
	{"MaxDepth", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		p, err := s.ShortestPath(bg, graph.View{}, f.Makerspace, f.Street, pathQ(2))
		if err != nil || p != nil {
			t.Errorf("ShortestPath(3 hops, maxDepth 2) = %v, %v; want nil, nil", p, err)
		}
		p, err = s.ShortestPath(bg, graph.View{}, f.Makerspace, f.Street, pathQ(3))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(maxDepth 3)", p, f.Makerspace, f.Street, []string{f.Makerspace, f.Town, f.TwoNew, f.Street}, nil)
	}},
	{"Types", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		p, err := s.ShortestPath(bg, graph.View{}, f.Person, f.Makerspace, pathQ(8, graph.RelSubOrganisationOf))
		if err != nil || p != nil {
			t.Errorf("ShortestPath(SUB_ORGANISATION_OF only) = %v, %v; want nil, nil", p, err)
		}
		p, err = s.ShortestPath(bg, graph.View{}, f.Person, f.Makerspace, pathQ(8, graph.RelSubOrganisationOf, graph.RelHoldsPost))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(two types)", p, f.Person, f.Makerspace, []string{f.Person, f.Town, f.Makerspace}, nil)
		// MENTORS is the short way from ShuQian to ShengDun; without it the
		// path goes through the alliance.
		p, err = s.ShortestPath(bg, graph.View{}, f.ShuQian, f.ShengDun, pathQ(8, graph.RelMemberOf))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(MEMBER_OF)", p, f.ShuQian, f.ShengDun, []string{f.ShuQian, f.Alliance, f.ShengDun}, nil)
		p, err = s.ShortestPath(bg, graph.View{}, f.ShuQian, f.ShengDun, pathQ(8))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(all)", p, f.ShuQian, f.ShengDun, []string{f.ShuQian, f.ShengDun}, []string{f.Mentors})
	}},
	{"TieBreak", func(t *testing.T, s graph.Store) {
		// Four shortest paths s–t of 3 hops and a longer one through ids that
		// sort first:
		//   s–a–z–t, s–b–c–t, s–m–q–t, s–m–p–t, s–0–1–2–t.
		// The least node-id sequence, compared element by element, wins.
		orgs(t, s, "p:s", "p:t", "p:a", "p:z", "p:b", "p:c", "p:m", "p:q", "p:p", "p:0", "p:1", "p:2")
		edges(t, s, graph.RelAdjacentTo,
			"p:s", "p:a", "p:z", "p:a", "p:z", "p:t",
			"p:b", "p:s", "p:b", "p:c", "p:t", "p:c",
			"p:s", "p:m", "p:m", "p:q", "p:q", "p:t", "p:p", "p:m", "p:p", "p:t",
			"p:s", "p:0", "p:0", "p:1", "p:1", "p:2", "p:2", "p:t")
		cases := []struct {
			from, to string
			want     []string
		}{
			{"p:s", "p:t", []string{"p:s", "p:a", "p:z", "p:t"}},
			// Not the reverse of the above: least from this end.
			{"p:t", "p:s", []string{"p:t", "p:c", "p:b", "p:s"}},
			// A tie at the second node.
			{"p:m", "p:t", []string{"p:m", "p:p", "p:t"}},
			{"p:t", "p:m", []string{"p:t", "p:p", "p:m"}},
		}
		for _, tc := range cases {
			p, err := s.ShortestPath(bg, graph.View{}, tc.from, tc.to, pathQ(8))
			noErr(t, "ShortestPath", err)
			wantPath(t, "ShortestPath("+tc.from+", "+tc.to+")", p, tc.from, tc.to, tc.want, nil)
		}
		// Parallel edges: the least edge id, not the least type.
		orgs(t, s, "q:a", "q:b")
		MustApply(t, s, graph.Batch{Edges: []graph.Edge{
			{ID: "e:2", Type: graph.RelAdjacentTo, From: "q:a", To: "q:b"},
			{ID: "e:1", Type: graph.RelMentors, From: "q:a", To: "q:b"},
			{ID: "e:3", Type: graph.RelAdjacentTo, From: "q:b", To: "q:a"},
		}})
		p, err := s.ShortestPath(bg, graph.View{}, "q:a", "q:b", pathQ(1))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(parallel)", p, "q:a", "q:b", []string{"q:a", "q:b"}, []string{"e:1"})
		p, err = s.ShortestPath(bg, graph.View{}, "q:b", "q:a", pathQ(1, graph.RelAdjacentTo))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(parallel, ADJACENT_TO)", p, "q:b", "q:a", []string{"q:b", "q:a"}, []string{"e:2"})
	}},
	{"Random", func(t *testing.T, s graph.Store) {
		// A fixed random graph; every answer checked against a plain
		// breadth-first search over the snapshot.
		rng := rand.New(rand.NewPCG(42, 1))
		const n = 30
		b := graph.Batch{}
		for i := range n {
			b.Nodes = append(b.Nodes, org(fmt.Sprintf("r:%02d", i), fmt.Sprintf("村%d", i)))
		}
		types := []graph.RelType{graph.RelAdjacentTo, graph.RelMentors, graph.RelSubOrganisationOf}
		for i := range 60 {
			x, y := rng.IntN(n), rng.IntN(n)
			if x == y {
				continue
			}
			b.Edges = append(b.Edges, graph.Edge{ID: fmt.Sprintf("re:%02d", i), Type: types[rng.IntN(len(types))],
				From: fmt.Sprintf("r:%02d", x), To: fmt.Sprintf("r:%02d", y)})
		}
		MustApply(t, s, b)
		snap := snapshot(t, s)
		for range 40 {
			from, to := fmt.Sprintf("r:%02d", rng.IntN(n)), fmt.Sprintf("r:%02d", rng.IntN(n))
			q := pathQ(1+rng.IntN(6), types[:1+rng.IntN(len(types))]...)
			if rng.IntN(3) == 0 {
				q.Types = nil
			}
			got, err := s.ShortestPath(bg, graph.View{}, from, to, q)
			noErr(t, "ShortestPath", err)
			wantNodes, wantEdges := referencePath(snap, from, to, q)
			what := fmt.Sprintf("ShortestPath(%s, %s, %v)", from, to, q)
			if wantNodes == nil {
				if got != nil {
					t.Errorf("%s = %q; want nil", what, nodeIDs(got.Nodes))
				}
				continue
			}
			wantPath(t, what, got, from, to, wantNodes, wantEdges)
		}
	}},
	{"Errors", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		_, err := s.ShortestPath(bg, graph.View{}, "org:nowhere", f.Town, pathQ(3))
		wantErr(t, "ShortestPath(missing from)", err, graph.ErrNotFound)
		_, err = s.ShortestPath(bg, graph.View{}, f.Town, "org:nowhere", pathQ(3))
		wantErr(t, "ShortestPath(missing to)", err, graph.ErrNotFound)
		for _, q := range []graph.PathQuery{pathQ(0), pathQ(graph.MaxPathDepth + 1), pathQ(-1), pathQ(3, "LIKES")} {
			p, err := s.ShortestPath(bg, graph.View{}, f.Town, f.Street, q)
			wantErr(t, "ShortestPath(bad query)", err, graph.ErrInvalid)
			if p != nil {
				t.Errorf("ShortestPath returned a path with an error")
			}
		}
	}},
}

// referencePath is the documented rule, done plainly: distances to `to` by
// breadth-first search over both directions, then from `from` each step to
// the least id one hop nearer, over the least edge id.
func referencePath(snap *graph.Snapshot, from, to string, q graph.PathQuery) (nodes, edges []string) {
	type link struct{ other, edge string }
	nbrs := map[string][]link{}
	for _, e := range snap.Edges {
		if len(q.Types) == 0 || slices.Contains(q.Types, e.Type) {
			nbrs[e.From] = append(nbrs[e.From], link{e.To, e.ID})
			nbrs[e.To] = append(nbrs[e.To], link{e.From, e.ID})
		}
	}
	dist := map[string]int{to: 0}
	for frontier := []string{to}; len(frontier) > 0; {
		var next []string
		for _, x := range frontier {
			for _, l := range nbrs[x] {
				if _, ok := dist[l.other]; !ok {
					dist[l.other] = dist[x] + 1
					next = append(next, l.other)
				}
			}
		}
		frontier = next
	}
	d, ok := dist[from]
	if !ok || d > q.MaxDepth {
		return nil, nil
	}
	nodes, edges = []string{from}, []string{}
	for cur := from; cur != to; {
		best := link{}
		for _, l := range nbrs[cur] {
			if dist[l.other] != dist[cur]-1 {
				continue
			}
			if best.other == "" || l.other < best.other || (l.other == best.other && l.edge < best.edge) {
				best = l
			}
		}
		nodes, edges = append(nodes, best.other), append(edges, best.edge)
		cur = best.other
	}
	return nodes, edges
}
