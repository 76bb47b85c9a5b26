package neo4j_test

import (
	"context"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/storetest"
)

// TestLeanLeavesOut: the Neo4j store honours graph.View.Lean (the conformance
// suite checks only that the core is right): a lean read ships no quote, no
// attribute provenance and no attribute outside the core, and a full read
// still does.
func TestLeanLeavesOut(t *testing.T) {
	s := newStore(t)
	f := storetest.Fixture(t, s)
	ctx := context.Background()
	lean := graph.View{Lean: true}
	for _, tc := range []struct {
		name string
		read func() ([]*graph.Node, error)
	}{
		{"Node", func() ([]*graph.Node, error) {
			n, err := s.Node(ctx, lean, f.ShuQian)
			return []*graph.Node{n}, err
		}},
		{"Nodes", func() ([]*graph.Node, error) { return s.Nodes(ctx, lean, []string{f.ShuQian, f.Street}) }},
		{"Neighbourhood", func() ([]*graph.Node, error) {
			sg, err := s.Neighbourhood(ctx, lean, f.Alliance, graph.NeighbourhoodQuery{Depth: 1, Limit: 50})
			if err != nil {
				return nil, err
			}
			return sg.Nodes, nil
		}},
		{"Subtree", func() ([]*graph.Node, error) {
			sg, err := s.Subtree(ctx, lean, f.Street, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
			if err != nil {
				return nil, err
			}
			return sg.Nodes, nil
		}},
		{"ShortestPath", func() ([]*graph.Node, error) {
			p, err := s.ShortestPath(ctx, lean, f.ShuQian, f.Alliance, graph.PathQuery{MaxDepth: 3})
			if err != nil {
				return nil, err
			}
			return p.Nodes, nil
		}},
		{"Expand", func() ([]*graph.Node, error) {
			xp, err := s.Expand(ctx, lean, []string{f.Alliance}, &graph.Expansion{Steps: []graph.ExpandStep{
				{Q: graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.In}}}})
			if err != nil {
				return nil, err
			}
			var ns []*graph.Node
			for _, rs := range xp.Related {
				for _, r := range rs[f.Alliance] {
					ns = append(ns, r.Node)
					if r.Edge.Provenance.Quote != "" {
						t.Errorf("Expand(lean): edge %s has its quote", r.Edge.ID)
					}
					if r.Edge.Attrs[graph.AttrRole] == nil {
						t.Errorf("Expand(lean): edge %s lost its role", r.Edge.ID)
					}
				}
			}
			return ns, nil
		}},
	} {
		ns, err := tc.read()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(ns) == 0 {
			t.Fatalf("%s: no nodes", tc.name)
		}
		for _, n := range ns {
			if n.Provenance.Quote != "" || len(n.AttrProvenance) > 0 || n.Attrs[graph.AttrPopulation] != nil {
				t.Errorf("%s(lean): %s carries more than its core: quote %q, attrProvenance %v, attrs %v",
					tc.name, n.ID, n.Provenance.Quote, n.AttrProvenance, n.Attrs)
			}
			if n.Name == "" || n.Label == "" || n.Kind == "" || n.Provenance.Source == "" {
				t.Errorf("%s(lean): %s lost part of its core: %+v", tc.name, n.ID, n)
			}
		}
	}
	full, err := s.Node(ctx, graph.View{}, f.ShuQian)
	if err != nil {
		t.Fatal(err)
	}
	if full.Provenance.Quote == "" || full.Attrs[graph.AttrPopulation] == nil || len(full.AttrProvenance) == 0 {
		t.Errorf("full Node lost fields: %+v", full)
	}
	al, err := s.Node(ctx, lean, f.Alliance)
	if err != nil {
		t.Fatal(err)
	}
	if al.Attrs[graph.AttrAllianceType] != "STRONG_VILLAGE_LEAD" {
		t.Errorf("lean alliance lost its type: %+v", al)
	}
}
