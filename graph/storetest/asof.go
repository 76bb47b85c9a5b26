package storetest

import (
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// asOfFixture adds dated things to Fixture (whose Town is valid from
// 2016-06-01, Alliance from 2016-10-01, Mentors from 2017-01-01):
//
//	org:old  2001-01-01 ≤ d < 2010-01-01, ADJACENT_TO ShuHou (undated)
//	org:new  from 2020-01-01, MEMBER_OF Alliance from 2021-06-01
//	ShuHou ADJACENT_TO ShengDun for 2000-01-01 ≤ d < 2018-01-01
type asOfIDs struct {
	FixtureIDs
	Old, New, OldAdj, NewMember, Adj string
}

func asOfFixture(t *testing.T, s graph.Store) asOfIDs {
	t.Helper()
	f := asOfIDs{FixtureIDs: Fixture(t, s), Old: "org:old", New: "org:new"}
	old, nw := org(f.Old, "旧村"), org(f.New, "新村")
	old.Since, old.Until = "2001-01-01", "2010-01-01"
	nw.Since = "2020-01-01"
	MustApply(t, s, graph.Batch{
		Nodes: []graph.Node{old, nw},
		Edges: []graph.Edge{
			edge(graph.RelAdjacentTo, f.Old, f.ShuHou),
			{Type: graph.RelMemberOf, From: f.New, To: f.Alliance, Since: "2021-06-01"},
			{Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.ShengDun, Since: "2000-01-01", Until: "2018-01-01"},
		},
	})
	f.OldAdj = adj(f.Old, f.ShuHou)
	f.NewMember = graph.EdgeID(graph.RelMemberOf, f.New, f.Alliance)
	f.Adj = adj(f.ShuHou, f.ShengDun)
	return f
}

func member(f asOfIDs, org string) string { return graph.EdgeID(graph.RelMemberOf, org, f.Alliance) }

var asOfTests = []test{
	{"Snapshot", func(t *testing.T, s graph.Store) {
		f := asOfFixture(t, s)
		undated := []string{f.Street, f.TwoNew, f.Makerspace, f.Enterprise, f.ShuQian, f.ShuHou, f.ShengDun, f.Community, f.Person, f.Source}
		cases := []struct {
			date         string
			nodes, edges []string
		}{
			// Town and Alliance are not there yet: nor are their edges.
			{"2005-06-01", sorted(append(undated, f.Old)...), sorted(sub(f.TwoNew, f.Street), f.OldAdj, f.Adj)},
			{"2001-01-01", sorted(append(undated, f.Old)...), sorted(sub(f.TwoNew, f.Street), f.OldAdj, f.Adj)},
			// until is the first day without it.
			{"2010-01-01", sorted(undated...), sorted(sub(f.TwoNew, f.Street), f.Adj)},
			{"2017-01-01", sorted(append(undated, f.Town, f.Alliance)...), sorted(append(f.Edges, f.Adj)...)},
			{"2019-01-01", sorted(append(undated, f.Town, f.Alliance)...), f.Edges},
			{"2020-06-01", sorted(append(undated, f.Town, f.Alliance, f.New)...), f.Edges},
			{"2022-01-01", sorted(append(undated, f.Town, f.Alliance, f.New)...), sorted(append(f.Edges, f.NewMember)...)},
		}
		for _, tc := range cases {
			t.Run(tc.date, func(t *testing.T) {
				v := graph.View{AsOf: tc.date}
				snap, err := s.Snapshot(bg, v)
				noErr(t, "Snapshot", err)
				wantIDs(t, "Snapshot nodes", nodeIDs(snap.Nodes), tc.nodes)
				wantIDs(t, "Snapshot edges", edgeIDs(snap.Edges), tc.edges)
				c, err := s.Counts(bg, v)
				noErr(t, "Counts", err)
				if c != (graph.Counts{Nodes: len(tc.nodes), Edges: len(tc.edges)}) {
					t.Errorf("Counts = %+v; want %d nodes, %d edges", c, len(tc.nodes), len(tc.edges))
				}
				es, err := s.Edges(bg, v, graph.EdgeFilter{}, graph.EdgeRange{})
				noErr(t, "Edges", err)
				wantIDs(t, "Edges", edgeIDs(es), tc.edges)
				p, err := s.FindNodes(bg, v, graph.NodeFilter{}, graph.PageArgs{First: 50})
				noErr(t, "FindNodes", err)
				wantIDs(t, "FindNodes", nodeIDs(p.Nodes), tc.nodes)
				if p.TotalCount != len(tc.nodes) {
					t.Errorf("FindNodes TotalCount = %d; want %d", p.TotalCount, len(tc.nodes))
				}
			})
		}
		// Without a date everything shows.
		all := snapshot(t, s)
		if len(all.Nodes) != len(f.Nodes)+2 || len(all.Edges) != len(f.Edges)+3 {
			t.Errorf("Snapshot = %d nodes, %d edges; want everything", len(all.Nodes), len(all.Edges))
		}
		c, err := s.Counts(bg, graph.View{})
		noErr(t, "Counts", err)
		if c.Nodes != len(all.Nodes) || c.Edges != len(all.Edges) {
			t.Errorf("Counts(View{}) = %+v; want %d nodes, %d edges", c, len(all.Nodes), len(all.Edges))
		}
	}},
	{"Reads", func(t *testing.T, s graph.Store) {
		f := asOfFixture(t, s)
		early, late := graph.View{AsOf: "2005-06-01"}, graph.View{AsOf: "2022-01-01"}

		_, err := s.Node(bg, early, f.Town)
		wantErr(t, "Node(Town) in 2005", err, graph.ErrNotFound)
		_, err = s.Node(bg, late, f.Old)
		wantErr(t, "Node(old) in 2022", err, graph.ErrNotFound)
		_, err = s.Node(bg, early, f.Old)
		noErr(t, "Node(old) in 2005", err)
		ns, err := s.Nodes(bg, early, []string{f.Old, f.New, f.Town, f.Street})
		noErr(t, "Nodes", err)
		wantIDs(t, "Nodes in 2005", nodeIDs(ns), []string{f.Old, "<nil>", "<nil>", f.Street})

		_, err = s.Edge(bg, late, f.Adj)
		wantErr(t, "Edge(ended) in 2022", err, graph.ErrNotFound)
		_, err = s.Edge(bg, early, f.Post)
		wantErr(t, "Edge(to a node not yet there) in 2005", err, graph.ErrNotFound)
		_, err = s.Edge(bg, early, f.Adj)
		noErr(t, "Edge in 2005", err)

		p, err := s.FindNodes(bg, early, graph.NodeFilter{AllianceID: f.Alliance}, graph.PageArgs{First: 50})
		noErr(t, "FindNodes", err)
		wantIDs(t, "members in 2005", nodeIDs(p.Nodes), nil)
		p, err = s.FindNodes(bg, late, graph.NodeFilter{AllianceID: f.Alliance}, graph.PageArgs{First: 50})
		noErr(t, "FindNodes", err)
		wantIDs(t, "members in 2022", nodeIDs(p.Nodes), sorted(f.ShuQian, f.ShuHou, f.ShengDun, f.Community, f.New))
		p, err = s.FindNodes(bg, graph.View{AsOf: "2020-06-01"}, graph.NodeFilter{AllianceID: f.Alliance}, graph.PageArgs{First: 2})
		noErr(t, "FindNodes", err)
		if p.TotalCount != 4 {
			t.Errorf("members in mid-2020: TotalCount = %d; want 4", p.TotalCount)
		}

		found, err := s.Search(bg, early, "村", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(村) in 2005", nodeIDs(found), []string{f.Old, f.ShengDun, f.ShuHou, f.ShuQian})
		found, err = s.Search(bg, late, "村", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(村) in 2022", nodeIDs(found), []string{f.New, f.ShengDun, f.ShuHou, f.ShuQian})

		rs, err := s.Related(bg, early, []string{f.ShuHou, f.Town, f.New}, graph.RelQuery{})
		noErr(t, "Related", err)
		wantRels(t, "Related(ShuHou) in 2005", rs[f.ShuHou], []rel{
			{"ADJACENT_TO", f.Old, f.OldAdj},
			{"ADJACENT_TO", f.ShengDun, f.Adj},
		})
		if _, ok := rs[f.Town]; ok {
			t.Errorf("Related in 2005 has an entry for Town, which is not there yet")
		}
		rs, err = s.Related(bg, late, []string{f.Alliance}, graph.RelQuery{Dir: graph.In})
		noErr(t, "Related", err)
		if n := len(rs[f.Alliance]); n != 5 {
			t.Errorf("Related(Alliance, In) in 2022 = %d edges; want 5", n)
		}

		anc, err := s.Ancestors(bg, early, []string{f.Makerspace, f.TwoNew, f.Town}, 0)
		noErr(t, "Ancestors", err)
		wantIDs(t, "Ancestors(Makerspace) in 2005", nodeIDs(anc[f.Makerspace]), nil)
		wantIDs(t, "Ancestors(TwoNew) in 2005", nodeIDs(anc[f.TwoNew]), []string{f.Street})
		if _, ok := anc[f.Town]; ok {
			t.Errorf("Ancestors in 2005 has an entry for Town")
		}

		_, err = s.Neighbourhood(bg, early, f.Town, graph.NeighbourhoodQuery{Depth: 1, Limit: 10})
		wantErr(t, "Neighbourhood(Town) in 2005", err, graph.ErrNotFound)
		sg, err := s.Neighbourhood(bg, early, f.ShuHou, graph.NeighbourhoodQuery{Depth: 2, Limit: 10})
		noErr(t, "Neighbourhood", err)
		wantIDs(t, "Neighbourhood(ShuHou) in 2005", nodeIDs(sg.Nodes), []string{f.ShuHou, f.Old, f.ShengDun})
		wantIDs(t, "Neighbourhood(ShuHou) edges in 2005", edgeIDs(sg.Edges), sorted(f.OldAdj, f.Adj))

		_, err = s.Subtree(bg, early, f.Town, graph.SubtreeQuery{MaxDepth: 2, Limit: graph.DefaultSubtreeSize})
		wantErr(t, "Subtree(Town) in 2005", err, graph.ErrNotFound)
		sg, err = s.Subtree(bg, early, f.Street, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
		noErr(t, "Subtree", err)
		wantIDs(t, "Subtree(Street) in 2005", nodeIDs(sg.Nodes), []string{f.Street, f.TwoNew})
		if sg.Truncated {
			t.Errorf("Subtree(Street, 3) in 2005 is Truncated; nothing lies deeper that year")
		}

		_, err = s.ShortestPath(bg, early, f.Town, f.Street, pathQ(4))
		wantErr(t, "ShortestPath(from a node not yet there)", err, graph.ErrNotFound)
		path, err := s.ShortestPath(bg, early, f.ShuQian, f.ShengDun, pathQ(4))
		if err != nil || path != nil {
			t.Errorf("ShortestPath(ShuQian, ShengDun) in 2005 = %v, %v; want nil, nil (no pairing, no alliance yet)", path, err)
		}
		path, err = s.ShortestPath(bg, early, f.ShuHou, f.ShengDun, pathQ(4))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(ShuHou, ShengDun) in 2005", path, f.ShuHou, f.ShengDun, []string{f.ShuHou, f.ShengDun}, []string{f.Adj})
		path, err = s.ShortestPath(bg, late, f.ShuHou, f.ShengDun, pathQ(4))
		noErr(t, "ShortestPath", err)
		wantPath(t, "ShortestPath(ShuHou, ShengDun) in 2022", path, f.ShuHou, f.ShengDun, []string{f.ShuHou, f.Alliance, f.ShengDun}, nil)
	}},
	{"WritesIgnoreIt", func(t *testing.T, s graph.Store) {
		f := asOfFixture(t, s)
		// Writes take no view: they check and change what is stored, so
		// ids of nodes and edges not valid yet are taken, and so on.
		early := bg
		_, err := s.CreateNode(early, org(f.New, "又一新村"))
		wantErr(t, "CreateNode(id of a node not yet there)", err, graph.ErrConflict)
		got, err := s.UpdateNode(early, f.New, graph.NodeUpdate{NameEn: ptr("New Village")})
		noErr(t, "UpdateNode(node not yet there)", err)
		if got.NameEn != "New Village" {
			t.Errorf("UpdateNode = %+v", got)
		}
		_, err = s.DeleteNode(early, f.Town, false)
		wantErr(t, "DeleteNode(Town, which has children) in 2005", err, graph.ErrConflict)
		_, err = s.CreateEdge(early, edge(graph.RelMentors, f.New, f.ShuHou))
		noErr(t, "CreateEdge(from a node not yet there)", err)
		_, err = s.CreateEdge(early, edge(graph.RelMemberOf, f.New, f.Alliance))
		wantErr(t, "CreateEdge(an edge not yet there)", err, graph.ErrConflict)
		noErr(t, "DeleteEdge(an edge not yet there)", s.DeleteEdge(early, f.NewMember))
		res, err := s.Apply(early, graph.Batch{Nodes: []graph.Node{org(f.New, "新村")}, DeleteEdges: []string{member(f, f.ShuQian)}})
		noErr(t, "Apply", err)
		wantResult(t, "Apply in 2005", res, graph.ApplyResult{NodesUpdated: 1, EdgesDeleted: 1})
		ids, err := s.DeleteNode(early, f.Alliance, false)
		noErr(t, "DeleteNode(alliance not yet there)", err)
		wantIDs(t, "DeleteNode", ids, []string{f.Alliance})
	}},
}
