package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

func wantResult(t *testing.T, what string, got, want graph.ApplyResult) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %+v; want %+v", what, got, want)
	}
}

// wantBatchError checks that err is a *graph.BatchError naming exactly the
// items in want, in order.
func wantBatchError(t *testing.T, err error, want ...string) *graph.BatchError {
	t.Helper()
	var be *graph.BatchError
	if !errors.As(err, &be) {
		t.Errorf("Apply error = %v (%T); want a *graph.BatchError", err, err)
		return nil
	}
	var items []string
	for _, p := range be.Problems {
		items = append(items, p.Item)
	}
	wantIDs(t, "BatchError items", items, want)
	return be
}

var applyTests = []test{
	{"Expect", func(t *testing.T, s graph.Store) {
		// A conditional batch applies only while the node it names has
		// the kind it expects; of concurrent batches that expect a kind
		// and change it, exactly one applies (a scenario's commit through
		// two replicas).
		orgs(t, s, "org:x")
		flip := func(kind, to, name string) graph.Batch {
			n := org("org:x", name)
			n.Kind = to
			return graph.Batch{Nodes: []graph.Node{n, org("org:"+name, name)}, Expect: []graph.Expect{{ID: "org:x", Kind: kind}}}
		}
		_, err := s.Apply(bg, flip("COMMUNITY", "ENTERPRISE", "wrong"))
		wantErr(t, "Apply expecting the wrong kind", err, graph.ErrConflict)
		_, err = s.Apply(bg, graph.Batch{Nodes: []graph.Node{org("org:y", "y")}, Expect: []graph.Expect{{ID: "org:missing", Kind: "VILLAGE"}}})
		wantErr(t, "Apply expecting a missing node", err, graph.ErrConflict)
		if c := counts(t, s); c.Nodes != 1 {
			t.Fatalf("after two refused batches: %d nodes; want 1 (nothing written)", c.Nodes)
		}
		const n = 6
		errs := make(chan error, n)
		for i := range n {
			go func() {
				_, err := s.Apply(bg, flip("VILLAGE", "COMMUNITY", fmt.Sprintf("w%d", i)))
				errs <- err
			}()
		}
		applied := 0
		for range n {
			if err := <-errs; err == nil {
				applied++
			} else if !errors.Is(err, graph.ErrConflict) {
				t.Errorf("a concurrent conditional batch: %v; want nil or CONFLICT", err)
			}
		}
		if applied != 1 {
			t.Errorf("%d of %d concurrent batches expecting VILLAGE applied; want exactly 1", applied, n)
		}
		if c := counts(t, s); c.Nodes != 2 {
			t.Errorf("after them: %d nodes; want 2 (the winner's)", c.Nodes)
		}
		got, err := s.Node(bg, graph.View{}, "org:x")
		noErr(t, "Node(org:x)", err)
		if got.Kind != "COMMUNITY" {
			t.Errorf("org:x is %s; want COMMUNITY", got.Kind)
		}
	}},
	{"Create", func(t *testing.T, s graph.Store) {
		alliance := graph.Node{ID: "alliance:a", Label: graph.LabelAlliance, Name: "联合体", Since: "2016-10-01",
			Attrs: map[string]any{graph.AttrAllianceType: "SERVICE_SHARE"}}
		b := graph.Batch{
			Nodes: []graph.Node{org("org:a", "甲村"), org("org:b", "乙村"), alliance},
			Edges: []graph.Edge{
				edge(graph.RelAdjacentTo, "org:a", "org:b"),
				{Type: graph.RelMemberOf, From: "org:a", To: "alliance:a", Attrs: map[string]any{graph.AttrRole: "lead"}},
				{ID: "m:b", Type: graph.RelMemberOf, From: "org:b", To: "alliance:a"},
			},
		}
		res, err := s.Apply(bg, b)
		noErr(t, "Apply", err)
		wantResult(t, "Apply", res, graph.ApplyResult{NodesCreated: 3, EdgesCreated: 3})
		if c := counts(t, s); c != (graph.Counts{Nodes: 3, Edges: 3}) {
			t.Errorf("Counts = %+v; want 3, 3", c)
		}
		got, err := s.Node(bg, graph.View{}, "alliance:a")
		noErr(t, "Node", err)
		want := alliance
		want.Kind, want.Provenance.Source = "REGIONAL_ALLIANCE", graph.SourceUser
		wantNode(t, "Node(alliance)", got, &want)
		e, err := s.Edge(bg, graph.View{}, graph.EdgeID(graph.RelMemberOf, "org:a", "alliance:a"))
		noErr(t, "Edge", err)
		wantEdge(t, "Edge", e, &graph.Edge{ID: graph.EdgeID(graph.RelMemberOf, "org:a", "alliance:a"), Type: graph.RelMemberOf,
			From: "org:a", To: "alliance:a", Attrs: map[string]any{graph.AttrRole: "lead"}, Provenance: graph.Provenance{Source: graph.SourceUser}})
		_, err = s.Edge(bg, graph.View{}, "m:b")
		noErr(t, "Edge(m:b)", err)
		// A later batch joins stored nodes to new ones.
		res, err = s.Apply(bg, graph.Batch{Nodes: []graph.Node{org("org:c", "丙村")},
			Edges: []graph.Edge{edge(graph.RelMentors, "org:a", "org:c"), edge(graph.RelMemberOf, "org:c", "alliance:a")}})
		noErr(t, "Apply", err)
		wantResult(t, "Apply", res, graph.ApplyResult{NodesCreated: 1, EdgesCreated: 2})
	}},
	{"Upsert", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// A node is replaced whole (attributes are not merged) and keeps its
		// edges; an edge is replaced whole, ends included.
		MustCreateEdge(t, s, graph.Edge{ID: "adj:x", Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.ShengDun})
		shuqian := org(f.ShuQian, "舒前村（新）")
		shuqian.Attrs = map[string]any{graph.AttrPartyMembers: 50}
		mentors := graph.Edge{Type: graph.RelMentors, From: f.ShuQian, To: f.ShengDun, Since: "2018-01-01",
			Attrs: map[string]any{"note": "renewed"}, Provenance: graph.Provenance{Source: graph.SourceUser, Ref: "plan"}}
		res, err := s.Apply(bg, graph.Batch{
			Nodes: []graph.Node{shuqian, org("org:new", "新村")},
			Edges: []graph.Edge{mentors, edge(graph.RelAdjacentTo, f.ShuQian, "org:new"),
				{ID: "adj:x", Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.Community}},
		})
		noErr(t, "Apply", err)
		wantResult(t, "Apply", res, graph.ApplyResult{NodesCreated: 1, NodesUpdated: 1, EdgesCreated: 1, EdgesUpdated: 2})
		got, err := s.Node(bg, graph.View{}, f.ShuQian)
		noErr(t, "Node", err)
		want := shuqian
		want.Attrs = map[string]any{graph.AttrPartyMembers: int64(50)}
		wantNode(t, "Node after upsert", got, &want)
		e, err := s.Edge(bg, graph.View{}, f.Mentors)
		noErr(t, "Edge", err)
		mentors.ID = f.Mentors
		wantEdge(t, "Edge after upsert", e, &mentors)
		x, err := s.Edge(bg, graph.View{}, "adj:x")
		noErr(t, "Edge(adj:x)", err)
		if x.To != f.Community {
			t.Errorf("Edge(adj:x).To = %s; want %s", x.To, f.Community)
		}
		rs, err := s.Related(bg, graph.View{}, []string{f.ShuQian, f.ShengDun, f.Community}, graph.RelQuery{})
		noErr(t, "Related", err)
		wantRels(t, "Related(ShuQian)", rs[f.ShuQian], []rel{
			{"ADJACENT_TO", "org:new", graph.EdgeID(graph.RelAdjacentTo, f.ShuQian, "org:new")},
			{"MEMBER_OF", f.Alliance, graph.EdgeID(graph.RelMemberOf, f.ShuQian, f.Alliance)},
			{"MENTORS", f.ShengDun, f.Mentors},
		})
		wantRels(t, "Related(ShengDun)", rs[f.ShengDun], []rel{
			{"MEMBER_OF", f.Alliance, graph.EdgeID(graph.RelMemberOf, f.ShengDun, f.Alliance)},
			{"MENTORS", f.ShuQian, f.Mentors},
		})
		wantRels(t, "Related(Community)", rs[f.Community], []rel{
			{"ADJACENT_TO", f.ShuHou, "adj:x"},
			{"MEMBER_OF", f.Alliance, graph.EdgeID(graph.RelMemberOf, f.Community, f.Alliance)},
		})
		if c := counts(t, s); c != (graph.Counts{Nodes: len(f.Nodes) + 1, Edges: len(f.Edges) + 2}) {
			t.Errorf("Counts = %+v", c)
		}
		// The same batch again only updates.
		res, err = s.Apply(bg, graph.Batch{Nodes: []graph.Node{shuqian}, Edges: []graph.Edge{mentors}})
		noErr(t, "Apply(again)", err)
		wantResult(t, "Apply(again)", res, graph.ApplyResult{NodesUpdated: 1, EdgesUpdated: 1})
	}},
	{"Deletes", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		res, err := s.Apply(bg, graph.Batch{
			DeleteNodes: []string{f.ShuQian, "org:missing", f.ShuQian},
			DeleteEdges: []string{f.Post, "MENTORS:x->y", f.Mentors},
		})
		noErr(t, "Apply", err)
		// Post, Mentors and ShuQian's MEMBER_OF.
		wantResult(t, "Apply", res, graph.ApplyResult{NodesDeleted: 1, EdgesDeleted: 3})
		if c := counts(t, s); c != (graph.Counts{Nodes: len(f.Nodes) - 1, Edges: len(f.Edges) - 3}) {
			t.Errorf("Counts = %+v", c)
		}
		// DeleteNodes does not look for children: they stay, without the edge.
		res, err = s.Apply(bg, graph.Batch{DeleteNodes: []string{f.Town}})
		noErr(t, "Apply", err)
		wantResult(t, "Apply(parent)", res, graph.ApplyResult{NodesDeleted: 1, EdgesDeleted: 3})
		snap := snapshot(t, s)
		wantIDs(t, "nodes", nodeIDs(snap.Nodes), sorted(f.Alliance, f.Enterprise, f.Makerspace, f.ShengDun, f.ShuHou, f.Community, f.Street, f.TwoNew, f.Person, f.Source))
		wantIDs(t, "edges", edgeIDs(snap.Edges), sorted(sub(f.TwoNew, f.Street),
			graph.EdgeID(graph.RelMemberOf, f.ShuHou, f.Alliance), graph.EdgeID(graph.RelMemberOf, f.ShengDun, f.Alliance),
			graph.EdgeID(graph.RelMemberOf, f.Community, f.Alliance)))
	}},
	{"UpsertThenDelete", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		// Deletions run after the upserts, in the same transaction.
		res, err := s.Apply(bg, graph.Batch{
			Nodes:       []graph.Node{org("org:tmp", "临时")},
			Edges:       []graph.Edge{edge(graph.RelAdjacentTo, "org:tmp", f.ShuHou), edge(graph.RelAdjacentTo, f.ShuHou, f.ShengDun)},
			DeleteNodes: []string{"org:tmp"},
			DeleteEdges: []string{adj(f.ShuHou, f.ShengDun)},
		})
		noErr(t, "Apply", err)
		wantResult(t, "Apply", res, graph.ApplyResult{NodesCreated: 1, EdgesCreated: 2, NodesDeleted: 1, EdgesDeleted: 2})
		unchanged(t, s, before, "a batch that creates and deletes the same things")
	}},
	{"AllOrNothing", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		bad := org("org:bad", "坏村")
		bad.Tier = 5
		rename := org(f.ShuQian, "改名")
		res, err := s.Apply(bg, graph.Batch{
			Nodes: []graph.Node{org("org:good", "好村"), bad, rename},
			Edges: []graph.Edge{
				edge(graph.RelAdjacentTo, "org:good", f.ShuHou),
				edge(graph.RelAdjacentTo, f.ShuHou, "org:missing"),
				edge(graph.RelMemberOf, f.ShuHou, f.ShengDun),
			},
			DeleteNodes: []string{f.Town},
			DeleteEdges: []string{f.Mentors},
		})
		wantErr(t, "Apply", err, graph.ErrInvalid)
		if errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Apply error is ErrNotFound, though not every problem is a missing node")
		}
		if graph.ErrorCode(err) != graph.CodeInvalid {
			t.Errorf("ErrorCode = %s; want %s", graph.ErrorCode(err), graph.CodeInvalid)
		}
		if be := wantBatchError(t, err, "node[1]", "edge[1]", "edge[2]"); be != nil && len(be.Problems) == 3 {
			if be.Problems[0].ID != "org:bad" || graph.ErrorCode(be.Problems[1].Err) != graph.CodeNotFound ||
				graph.ErrorCode(be.Problems[2].Err) != graph.CodeInvalid {
				t.Errorf("problems = %v", be.Problems)
			}
		}
		wantResult(t, "Apply result with an error", res, graph.ApplyResult{})
		unchanged(t, s, before, "a refused batch")
		if c := counts(t, s); c != (graph.Counts{Nodes: len(before.Nodes), Edges: len(before.Edges)}) {
			t.Errorf("Counts = %+v after a refused batch", c)
		}
	}},
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		_, err := s.Apply(bg, graph.Batch{Edges: []graph.Edge{
			edge(graph.RelAdjacentTo, f.ShuHou, "org:missing"),
			edge(graph.RelAdjacentTo, "org:gone", f.ShuHou),
		}})
		wantErr(t, "Apply(missing ends)", err, graph.ErrNotFound, graph.ErrInvalid)
		wantBatchError(t, err, "edge[0]", "edge[1]")
		// A node the batch deletes cannot be an edge's end.
		_, err = s.Apply(bg, graph.Batch{
			Edges:       []graph.Edge{edge(graph.RelAdjacentTo, f.ShuHou, f.ShuQian)},
			DeleteNodes: []string{f.ShuQian},
		})
		wantErr(t, "Apply(deleted end)", err, graph.ErrNotFound)
		unchanged(t, s, before, "a refused batch")
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		person := graph.Node{ID: f.ShuQian, Label: graph.LabelPerson, Name: "舒前"}
		cases := []struct {
			name  string
			b     graph.Batch
			items []string
		}{
			{"LabelChange", graph.Batch{Nodes: []graph.Node{person}}, []string{"node[0]"}},
			{"DuplicateNode", graph.Batch{Nodes: []graph.Node{org("org:d", "一"), org("org:d", "二")}}, []string{"node[1]"}},
			{"DuplicateEdge", graph.Batch{Edges: []graph.Edge{edge(graph.RelAdjacentTo, f.ShuHou, f.ShengDun),
				edge(graph.RelAdjacentTo, f.ShuHou, f.ShengDun)}}, []string{"edge[1]"}},
			{"EveryProblem", graph.Batch{
				Nodes: []graph.Node{{ID: "", Label: graph.LabelOrganisation, Name: "x"}, org("org:ok", "好"), {ID: "org:y", Label: "Planet", Name: "y"}},
				Edges: []graph.Edge{edge(graph.RelAdjacentTo, "org:ok", "org:ok"), edge(graph.RelBuiltOn, "org:ok", f.ShuHou),
					edge(graph.RelAdjacentTo, "org:ok", f.ShuHou)},
			}, []string{"node[0]", "node[2]", "edge[0]", "edge[1]"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res, err := s.Apply(bg, tc.b)
				wantErr(t, "Apply", err, graph.ErrInvalid)
				wantBatchError(t, err, tc.items...)
				wantResult(t, "Apply result with an error", res, graph.ApplyResult{})
				unchanged(t, s, before, "Apply("+tc.name+")")
			})
		}
	}},
	{"Empty", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		res, err := s.Apply(bg, graph.Batch{})
		noErr(t, "Apply(empty)", err)
		wantResult(t, "Apply(empty)", res, graph.ApplyResult{})
	}},
	{"Large", func(t *testing.T, s graph.Store) {
		// Larger than one statement's rows on a database store.
		const n = 1200
		b := graph.Batch{}
		for i := range n {
			b.Nodes = append(b.Nodes, org(fmt.Sprintf("big:%04d", i), fmt.Sprintf("村%d", i)))
			if i > 0 {
				b.Edges = append(b.Edges, edge(graph.RelSubOrganisationOf, fmt.Sprintf("big:%04d", i), fmt.Sprintf("big:%04d", (i-1)/2)))
			}
		}
		res, err := s.Apply(bg, b)
		noErr(t, "Apply", err)
		wantResult(t, "Apply", res, graph.ApplyResult{NodesCreated: n, EdgesCreated: n - 1})
		if c := counts(t, s); c != (graph.Counts{Nodes: n, Edges: n - 1}) {
			t.Errorf("Counts = %+v", c)
		}
		got, err := s.DeleteNode(bg, "big:0000", true)
		noErr(t, "DeleteNode(cascade)", err)
		if len(got) != n {
			t.Errorf("DeleteNode(cascade) removed %d nodes; want %d", len(got), n)
		}
		if c := counts(t, s); c != (graph.Counts{}) {
			t.Errorf("Counts = %+v after removing everything", c)
		}
	}},
}
