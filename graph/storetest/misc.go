package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

var snapshotTests = []test{
	{"Empty", func(t *testing.T, s graph.Store) {
		snap := snapshot(t, s)
		if len(snap.Nodes)+len(snap.Edges) != 0 {
			t.Errorf("Snapshot of a new store = %d nodes, %d edges; want none", len(snap.Nodes), len(snap.Edges))
		}
		if c := counts(t, s); c != (graph.Counts{}) {
			t.Errorf("Counts of a new store = %+v", c)
		}
	}},
	{"Fixture", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		snap, err := s.Snapshot(bg, graph.View{})
		noErr(t, "Snapshot", err)
		wantIDs(t, "Snapshot nodes", nodeIDs(snap.Nodes), f.Nodes)
		wantIDs(t, "Snapshot edges", edgeIDs(snap.Edges), f.Edges)
		for _, n := range snap.Nodes {
			one, err := s.Node(bg, graph.View{}, n.ID)
			noErr(t, "Node", err)
			wantNode(t, "Snapshot node", n, one)
		}
		for _, e := range snap.Edges {
			one, err := s.Edge(bg, graph.View{}, e.ID)
			noErr(t, "Edge", err)
			wantEdge(t, "Snapshot edge", e, one)
		}
		if c := counts(t, s); c != (graph.Counts{Nodes: len(f.Nodes), Edges: len(f.Edges)}) {
			t.Errorf("Counts = %+v; want %d, %d", c, len(f.Nodes), len(f.Edges))
		}
		// Attribute types survive.
		n, _ := s.Node(bg, graph.View{}, f.ShuQian)
		if _, ok := n.Attrs[graph.AttrPopulation].(int64); !ok {
			t.Errorf("population is %T; want int64", n.Attrs[graph.AttrPopulation])
		}
		if _, ok := n.Attrs[graph.AttrStrength].(float64); !ok {
			t.Errorf("strength is %T; want float64", n.Attrs[graph.AttrStrength])
		}
		if n.AttrProv(graph.AttrStrength).Source != graph.SourceIllustrative || n.AttrProv(graph.AttrPopulation).Source != graph.SourceArticle {
			t.Errorf("attribute provenance = %v", n.AttrProvenance)
		}
	}},
}

var atomicityTests = []test{
	{"FailedWritesChangeNothing", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		bad := org("org:bad", "坏")
		bad.Until, bad.Since = "2000-01-01", "2001-01-01"
		writes := []struct {
			name string
			do   func() error
		}{
			{"CreateNodeInvalid", func() error { _, err := s.CreateNode(bg, bad); return err }},
			{"CreateNodeConflict", func() error { _, err := s.CreateNode(bg, org(f.Town, "x")); return err }},
			{"UpdateNodeInvalid", func() error {
				_, err := s.UpdateNode(bg, f.Town, graph.NodeUpdate{Name: ptr("新"), Attrs: map[string]any{"kind": "x"}})
				return err
			}},
			{"UpdateNodeNotFound", func() error { _, err := s.UpdateNode(bg, "org:bad", graph.NodeUpdate{Name: ptr("x")}); return err }},
			{"DeleteNodeConflict", func() error { _, err := s.DeleteNode(bg, f.TwoNew, false); return err }},
			{"DeleteNodeNotFound", func() error { _, err := s.DeleteNode(bg, "org:bad", true); return err }},
			{"CreateEdgeInvalid", func() error { _, err := s.CreateEdge(bg, edge(graph.RelRuns, f.Town, f.Street)); return err }},
			{"CreateEdgeNotFound", func() error { _, err := s.CreateEdge(bg, edge(graph.RelAdjacentTo, f.ShuHou, "org:bad")); return err }},
			{"CreateEdgeConflict", func() error { _, err := s.CreateEdge(bg, edge(graph.RelMentors, f.ShuQian, f.ShengDun)); return err }},
			{"DeleteEdgeNotFound", func() error { return s.DeleteEdge(bg, "x:y") }},
			{"ApplyInvalid", func() error {
				_, err := s.Apply(bg, graph.Batch{Nodes: []graph.Node{org("org:ok", "好"), bad},
					DeleteNodes: []string{f.Street}, DeleteEdges: f.Edges})
				return err
			}},
		}
		for _, w := range writes {
			if err := w.do(); err == nil {
				t.Errorf("%s succeeded; want an error", w.name)
			}
			unchanged(t, s, before, w.name)
		}
	}},
}

func mutateNode(n *graph.Node) {
	if n == nil {
		return
	}
	n.Name, n.Tier, n.Provenance.Quote = "改", 3, "changed"
	if n.Attrs == nil {
		n.Attrs = map[string]any{}
	}
	n.Attrs["population"] = int64(-1)
	n.Attrs["added"] = true
	if n.AttrProvenance == nil {
		n.AttrProvenance = map[string]graph.Provenance{}
	}
	n.AttrProvenance["population"] = graph.Provenance{Source: graph.SourceSynthetic}
}

func mutateEdge(e *graph.Edge) {
	if e == nil {
		return
	}
	e.Since, e.From = "1999-01-01", "changed"
	if e.Attrs == nil {
		e.Attrs = map[string]any{}
	}
	e.Attrs["role"] = "changed"
}

var copiesTests = []test{
	{"ReturnedValues", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		n, _ := s.Node(bg, graph.View{}, f.ShuQian)
		mutateNode(n)
		ns, _ := s.Nodes(bg, graph.View{}, []string{f.ShuQian, f.Alliance})
		for _, n := range ns {
			mutateNode(n)
		}
		e, _ := s.Edge(bg, graph.View{}, f.Mentors)
		mutateEdge(e)
		es, _ := s.Edges(bg, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
		for _, e := range es {
			mutateEdge(e)
		}
		p, _ := s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 50})
		for _, n := range p.Nodes {
			mutateNode(n)
		}
		found, _ := s.Search(bg, graph.View{}, "村", 20)
		for _, n := range found {
			mutateNode(n)
		}
		rel, _ := s.Related(bg, graph.View{}, f.Nodes, graph.RelQuery{})
		for _, rs := range rel {
			for _, r := range rs {
				mutateNode(r.Node)
				mutateEdge(r.Edge)
			}
		}
		anc, _ := s.Ancestors(bg, graph.View{}, f.Nodes, 0)
		for _, as := range anc {
			for _, a := range as {
				mutateNode(a)
			}
		}
		for _, get := range []func() (*graph.Subgraph, error){
			func() (*graph.Subgraph, error) {
				return s.Neighbourhood(bg, graph.View{}, f.Town, graph.NeighbourhoodQuery{Depth: 3, Limit: 100})
			},
			func() (*graph.Subgraph, error) {
				return s.Subtree(bg, graph.View{}, f.Street, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
			},
		} {
			sg, err := get()
			noErr(t, "subgraph", err)
			for _, n := range sg.Nodes {
				mutateNode(n)
			}
			for _, e := range sg.Edges {
				mutateEdge(e)
			}
		}
		path, _ := s.ShortestPath(bg, graph.View{}, f.Person, f.Makerspace, pathQ(4))
		if path != nil {
			for _, n := range path.Nodes {
				mutateNode(n)
			}
			for _, e := range path.Edges {
				mutateEdge(e)
			}
		}
		snap, _ := s.Snapshot(bg, graph.View{})
		for _, n := range snap.Nodes {
			mutateNode(n)
		}
		for _, e := range snap.Edges {
			mutateEdge(e)
		}
		unchanged(t, s, before, "changing returned values")
	}},
	{"WrittenValues", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		in := org("org:c", "丙村")
		in.Attrs = map[string]any{"population": int64(10)}
		in.AttrProvenance = map[string]graph.Provenance{"population": {Source: graph.SourceUser}}
		created := MustCreateNode(t, s, in)
		mutateNode(&in)
		mutateNode(created)
		u := graph.NodeUpdate{Attrs: map[string]any{"strength": 1.5}}
		updated, err := s.UpdateNode(bg, "org:c", u)
		noErr(t, "UpdateNode", err)
		u.Attrs["strength"] = 9.5
		mutateNode(updated)
		ein := graph.Edge{Type: graph.RelAdjacentTo, From: "org:c", To: f.ShuHou, Attrs: map[string]any{"km": 2.5}}
		ce := MustCreateEdge(t, s, ein)
		ein.Attrs["km"] = 0.0
		mutateEdge(ce)
		b := graph.Batch{Nodes: []graph.Node{org("org:d", "丁村")}, Edges: []graph.Edge{{Type: graph.RelAdjacentTo, From: "org:d", To: "org:c",
			Attrs: map[string]any{"km": 1.0}}}}
		b.Nodes[0].Attrs = map[string]any{"population": int64(5)}
		MustApply(t, s, b)
		b.Nodes[0].Attrs["population"] = int64(-5)
		b.Edges[0].Attrs["km"] = -1.0
		got, err := s.Nodes(bg, graph.View{}, []string{"org:c", "org:d"})
		noErr(t, "Nodes", err)
		if len(got) == 2 && got[0] != nil && got[1] != nil {
			if got[0].Name != "丙村" || got[0].Attrs["population"] != int64(10) || got[0].Attrs["strength"] != 1.5 ||
				got[0].AttrProv("population").Source != graph.SourceUser {
				t.Errorf("Node(org:c) = %+v; the caller's later changes leaked in", got[0])
			}
			if got[1].Attrs["population"] != int64(5) {
				t.Errorf("Node(org:d) = %+v; the caller's later changes leaked in", got[1])
			}
		} else {
			t.Fatalf("Nodes = %v", got)
		}
		e1, _ := s.Edge(bg, graph.View{}, adj("org:c", f.ShuHou))
		e2, _ := s.Edge(bg, graph.View{}, adj("org:d", "org:c"))
		if e1 == nil || e2 == nil || e1.Attrs["km"] != 2.5 || e2.Attrs["km"] != 1.0 {
			t.Errorf("edges = %+v, %+v; the caller's later changes leaked in", e1, e2)
		}
	}},
}

var pingTests = []test{
	{"OK", func(t *testing.T, s graph.Store) {
		noErr(t, "Ping", s.Ping(bg))
	}},
}

// rounds returns the round trips fn makes.
func rounds(t *testing.T, what string, fn func(ctx context.Context) error) int64 {
	t.Helper()
	ctx, m := graph.WithMeter(bg)
	if err := fn(ctx); err != nil {
		t.Errorf("%s = %v", what, err)
	}
	if m.Count() < 1 {
		t.Errorf("%s counted %d round trips; want at least 1", what, m.Count())
	}
	return m.Count()
}

var meterTests = []test{
	{"EveryCall", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		calls := []struct {
			name string
			fn   func(ctx context.Context) error
		}{
			{"Node", func(ctx context.Context) error { _, err := s.Node(ctx, graph.View{}, f.Town); return err }},
			{"Nodes", func(ctx context.Context) error { _, err := s.Nodes(ctx, graph.View{}, f.Nodes); return err }},
			{"FindNodes", func(ctx context.Context) error {
				_, err := s.FindNodes(ctx, graph.View{}, graph.NodeFilter{AllianceID: f.Alliance}, graph.PageArgs{First: 2})
				return err
			}},
			{"Search", func(ctx context.Context) error { _, err := s.Search(ctx, graph.View{}, "村", 5); return err }},
			{"Edge", func(ctx context.Context) error { _, err := s.Edge(ctx, graph.View{}, f.Post); return err }},
			{"Edges", func(ctx context.Context) error {
				_, err := s.Edges(ctx, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
				return err
			}},
			{"Related", func(ctx context.Context) error {
				_, err := s.Related(ctx, graph.View{}, f.Nodes, graph.RelQuery{})
				return err
			}},
			{"Ancestors", func(ctx context.Context) error { _, err := s.Ancestors(ctx, graph.View{}, f.Nodes, 0); return err }},
			{"Neighbourhood", func(ctx context.Context) error {
				_, err := s.Neighbourhood(ctx, graph.View{}, f.Town, graph.NeighbourhoodQuery{Depth: 2, Limit: 10})
				return err
			}},
			{"Subtree", func(ctx context.Context) error {
				_, err := s.Subtree(ctx, graph.View{}, f.Street, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
				return err
			}},
			{"ShortestPath", func(ctx context.Context) error {
				_, err := s.ShortestPath(ctx, graph.View{}, f.Person, f.Street, pathQ(6))
				return err
			}},
			{"Snapshot", func(ctx context.Context) error { _, err := s.Snapshot(ctx, graph.View{}); return err }},
			{"Counts", func(ctx context.Context) error { _, err := s.Counts(ctx, graph.View{}); return err }},
			{"Ping", func(ctx context.Context) error { return s.Ping(ctx) }},
			{"CreateNode", func(ctx context.Context) error { _, err := s.CreateNode(ctx, org("org:m", "m")); return err }},
			{"UpdateNode", func(ctx context.Context) error {
				_, err := s.UpdateNode(ctx, "org:m", graph.NodeUpdate{Name: ptr("n")})
				return err
			}},
			{"CreateEdge", func(ctx context.Context) error {
				_, err := s.CreateEdge(ctx, edge(graph.RelAdjacentTo, "org:m", f.ShuHou))
				return err
			}},
			{"DeleteEdge", func(ctx context.Context) error { return s.DeleteEdge(ctx, adj("org:m", f.ShuHou)) }},
			{"DeleteNode", func(ctx context.Context) error { _, err := s.DeleteNode(ctx, "org:m", false); return err }},
			{"Apply", func(ctx context.Context) error {
				_, err := s.Apply(ctx, graph.Batch{Nodes: []graph.Node{org("org:m", "m")}})
				return err
			}},
		}
		for _, c := range calls {
			rounds(t, c.name, c.fn)
		}
	}},
	{"FlatInAnswerSize", func(t *testing.T, s graph.Store) {
		// A hub with 49 children, each with an ADJACENT_TO to the next.
		const n = 50
		ids := make([]string, n)
		b := graph.Batch{}
		for i := range ids {
			ids[i] = fmt.Sprintf("leaf:%02d", i)
			b.Nodes = append(b.Nodes, org(ids[i], fmt.Sprintf("叶村%02d", i)))
			if i > 0 {
				b.Edges = append(b.Edges, edge(graph.RelSubOrganisationOf, ids[i], ids[0]))
			}
			if i > 1 {
				b.Edges = append(b.Edges, edge(graph.RelAdjacentTo, ids[i-1], ids[i]))
			}
		}
		MustApply(t, s, b)
		same := func(what string, small, large func(ctx context.Context) error) {
			t.Helper()
			a, z := rounds(t, what+" (small)", small), rounds(t, what+" (large)", large)
			if a != z {
				t.Errorf("%s: %d round trips for a small answer, %d for a large one; want the same", what, a, z)
			}
		}
		same("Related", func(ctx context.Context) error {
			_, err := s.Related(ctx, graph.View{}, ids[1:2], graph.RelQuery{})
			return err
		}, func(ctx context.Context) error {
			_, err := s.Related(ctx, graph.View{}, ids, graph.RelQuery{})
			return err
		})
		same("Nodes", func(ctx context.Context) error {
			_, err := s.Nodes(ctx, graph.View{}, ids[:1])
			return err
		}, func(ctx context.Context) error {
			_, err := s.Nodes(ctx, graph.View{}, ids)
			return err
		})
		same("Ancestors", func(ctx context.Context) error {
			_, err := s.Ancestors(ctx, graph.View{}, ids[:1], 0)
			return err
		}, func(ctx context.Context) error {
			_, err := s.Ancestors(ctx, graph.View{}, ids, 0)
			return err
		})
		same("Neighbourhood", func(ctx context.Context) error {
			_, err := s.Neighbourhood(ctx, graph.View{}, ids[5], graph.NeighbourhoodQuery{Depth: 1, Limit: 1})
			return err
		}, func(ctx context.Context) error {
			_, err := s.Neighbourhood(ctx, graph.View{}, ids[5], graph.NeighbourhoodQuery{Depth: 2, Limit: graph.MaxNeighbourhoodSize})
			return err
		})
		same("Subtree", func(ctx context.Context) error {
			_, err := s.Subtree(ctx, graph.View{}, ids[0], graph.SubtreeQuery{MaxDepth: 0, Limit: graph.DefaultSubtreeSize})
			return err
		}, func(ctx context.Context) error {
			_, err := s.Subtree(ctx, graph.View{}, ids[0], graph.SubtreeQuery{MaxDepth: 2, Limit: graph.DefaultSubtreeSize})
			return err
		})
		same("FindNodes", func(ctx context.Context) error {
			_, err := s.FindNodes(ctx, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 1})
			return err
		}, func(ctx context.Context) error {
			_, err := s.FindNodes(ctx, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 50})
			return err
		})
		same("Search", func(ctx context.Context) error {
			_, err := s.Search(ctx, graph.View{}, "叶村", 1)
			return err
		}, func(ctx context.Context) error {
			_, err := s.Search(ctx, graph.View{}, "叶村", 50)
			return err
		})
		same("ShortestPath", func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, graph.View{}, ids[1], ids[2], pathQ(1))
			return err
		}, func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, graph.View{}, ids[1], ids[49], pathQ(graph.MaxPathDepth, graph.RelAdjacentTo))
			return err
		})
		same("Edges", func(ctx context.Context) error {
			_, err := s.Edges(ctx, graph.View{}, graph.EdgeFilter{Types: []graph.RelType{graph.RelMentors}}, graph.EdgeRange{})
			return err
		}, func(ctx context.Context) error {
			_, err := s.Edges(ctx, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
			return err
		})
	}},
}

var concurrencyTests = []test{
	{"Smoke", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		const writers, readers, each = 4, 4, 8
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("org:w%d-%d", w, i)
					if _, err := s.CreateNode(bg, org(id, id)); err != nil {
						t.Errorf("CreateNode(%s) = %v", id, err)
						return
					}
					if _, err := s.CreateEdge(bg, edge(graph.RelMemberOf, id, f.Alliance)); err != nil {
						t.Errorf("CreateEdge = %v", err)
					}
					if _, err := s.UpdateNode(bg, id, graph.NodeUpdate{Attrs: map[string]any{"i": i}}); err != nil {
						t.Errorf("UpdateNode = %v", err)
					}
				}
			}()
		}
		for range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					if _, err := s.Snapshot(bg, graph.View{}); err != nil {
						t.Errorf("Snapshot = %v", err)
					}
					if _, err := s.Related(bg, graph.View{}, []string{f.Alliance}, graph.RelQuery{}); err != nil {
						t.Errorf("Related = %v", err)
					}
					if _, err := s.FindNodes(bg, graph.View{}, graph.NodeFilter{AllianceID: f.Alliance}, graph.PageArgs{First: 5}); err != nil {
						t.Errorf("FindNodes = %v", err)
					}
					if _, err := s.Search(bg, graph.View{}, "org:w", 10); err != nil {
						t.Errorf("Search = %v", err)
					}
					if _, err := s.Neighbourhood(bg, graph.View{}, f.Alliance, graph.NeighbourhoodQuery{Depth: 2, Limit: 100}); err != nil {
						t.Errorf("Neighbourhood = %v", err)
					}
					if _, err := s.ShortestPath(bg, graph.View{}, f.ShuQian, f.Community, pathQ(4)); err != nil {
						t.Errorf("ShortestPath = %v", err)
					}
				}
			}()
		}
		wg.Wait()
		want := graph.Counts{Nodes: len(f.Nodes) + writers*each, Edges: len(f.Edges) + writers*each}
		if c := counts(t, s); c != want {
			t.Errorf("Counts = %+v; want %+v", c, want)
		}
		p, err := s.FindNodes(bg, graph.View{}, graph.NodeFilter{AllianceID: f.Alliance}, graph.PageArgs{First: 1})
		noErr(t, "FindNodes", err)
		if p.TotalCount != 4+writers*each {
			t.Errorf("alliance members = %d; want %d", p.TotalCount, 4+writers*each)
		}
	}},
}
