package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

func step(dir graph.Direction, next *graph.Expansion, types ...graph.RelType) graph.ExpandStep {
	return graph.ExpandStep{Q: graph.RelQuery{Types: types, Dir: dir}, Next: next}
}

func tree(steps ...graph.ExpandStep) *graph.Expansion { return &graph.Expansion{Steps: steps} }

// expandTrees are the shapes Expand is checked on: the relation fields of
// real queries (organisation with parent, children, alliances; alliance
// members and their mentors), repeated shapes at several levels, every type
// both ways, and a step that finds nothing.
var expandTrees = []struct {
	name string
	x    *graph.Expansion
}{
	{"Empty", tree()},
	{"Organisation", tree(
		step(graph.Out, nil, graph.RelSubOrganisationOf),
		step(graph.In, tree(step(graph.In, nil, graph.RelSubOrganisationOf)), graph.RelSubOrganisationOf),
		step(graph.Out, nil, graph.RelMemberOf),
	)},
	{"AllianceMentors", tree(
		step(graph.In, tree(step(graph.In, nil, graph.RelMentors), step(graph.Out, nil, graph.RelMentors)), graph.RelMemberOf),
	)},
	{"ChainUp", tree(step(graph.Out, tree(step(graph.Out, tree(step(graph.Out, nil, graph.RelSubOrganisationOf)), graph.RelSubOrganisationOf)), graph.RelSubOrganisationOf))},
	{"AllBoth", tree(step(graph.Both, tree(step(graph.Both, nil))))},
	{"DefaultDir", tree(step("", nil, graph.RelHoldsPost, graph.RelMemberOf))},
	{"Nothing", tree(step(graph.Out, tree(step(graph.In, nil)), graph.RelRuns))},
}

// wantExpanded compares got with want (ExpandLevels' answer) in full.
func wantExpanded(t *testing.T, what string, got, want *graph.Expanded) {
	t.Helper()
	if !slices.Equal(sortedKeys((got.Nodes)), sortedKeys((want.Nodes))) {
		t.Errorf("%s: nodes %v, want %v", what, sortedKeys((got.Nodes)), sortedKeys((want.Nodes)))
	}
	for id, n := range want.Nodes {
		if g := got.Nodes[id]; g != nil {
			wantNode(t, what+" node", g, n)
		}
	}
	if !slices.Equal(sortedKeys((got.Related)), sortedKeys((want.Related))) {
		t.Errorf("%s: shapes %v, want %v", what, sortedKeys((got.Related)), sortedKeys((want.Related)))
	}
	for k, wm := range want.Related {
		gm := got.Related[k]
		if !slices.Equal(sortedKeys((gm)), sortedKeys((wm))) {
			t.Errorf("%s %s: from %v, want %v", what, k, sortedKeys((gm)), sortedKeys((wm)))
			continue
		}
		for id, ws := range wm {
			gs := gm[id]
			if len(gs) != len(ws) {
				t.Errorf("%s %s at %s: %v, want %v", what, k, id, rels(gs), rels(ws))
				continue
			}
			for i := range ws {
				wantEdge(t, what+" "+k+" edge", gs[i].Edge, ws[i].Edge)
				wantNode(t, what+" "+k+" node", gs[i].Node, ws[i].Node)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var expandTests = []test{
	{"SameAsLevels", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		roots := [][]string{
			{f.Town}, {f.Alliance}, {f.Enterprise, f.Makerspace, f.Enterprise},
			{f.ShuQian, "org:missing", "", f.Person}, f.Nodes, nil,
		}
		for _, x := range expandTrees {
			for _, ids := range roots {
				want, err := graph.ExpandLevels(bg, s, graph.View{}, ids, x.x)
				noErr(t, "ExpandLevels", err)
				got, err := s.Expand(bg, graph.View{}, ids, x.x)
				noErr(t, "Expand", err)
				if err == nil && want != nil {
					wantExpanded(t, x.name, got, want)
				}
			}
		}
	}},
	{"AsOf", func(t *testing.T, s graph.Store) {
		f := asOfFixture(t, s)
		x := tree(step(graph.Both, tree(step(graph.Both, nil)), graph.RelAdjacentTo, graph.RelMemberOf))
		for _, d := range []string{"2005-06-01", "2017-06-01", "2022-01-01"} {
			v := graph.View{AsOf: d}
			ids := []string{f.Old, f.New, f.ShuHou, f.Alliance}
			want, err := graph.ExpandLevels(bg, s, v, ids, x)
			noErr(t, "ExpandLevels", err)
			got, err := s.Expand(bg, v, ids, x)
			noErr(t, "Expand", err)
			if err == nil && want != nil {
				wantExpanded(t, "as of "+d, got, want)
			}
		}
	}},
	{"Invalid", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		for _, x := range []*graph.Expansion{
			tree(step(graph.Out, nil, "NO_SUCH_TYPE")),
			tree(step("SIDEWAYS", nil)),
			tree(step(graph.Out, tree(step(graph.In, nil, "x' }) DETACH DELETE n //")))),
		} {
			_, err := s.Expand(bg, graph.View{}, []string{f.Town}, x)
			wantErr(t, "Expand(bad step)", err, graph.ErrInvalid)
		}
	}},
	{"BoundedRoundTrips", func(t *testing.T, s graph.Store) {
		// At most one Nodes and one Related per step of the tree (what
		// ExpandLevels sends); Neo4j sends one statement (its own test).
		f := Fixture(t, s)
		for _, x := range expandTrees {
			n := rounds(t, "Expand", func(ctx context.Context) error {
				_, err := s.Expand(ctx, graph.View{}, f.Nodes, x.x)
				return err
			})
			if limit := int64(1 + x.x.Size()); n > limit {
				t.Errorf("Expand(%s) took %d round trips; want at most %d", x.name, n, limit)
			}
			n = rounds(t, "FindNodesExpand", func(ctx context.Context) error {
				_, _, err := s.FindNodesExpand(ctx, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 50}, x.x)
				return err
			})
			if limit := int64(2 + x.x.Size()); n > limit {
				t.Errorf("FindNodesExpand(%s) took %d round trips; want at most %d", x.name, n, limit)
			}
		}
	}},
}

var nodesOnlyTests = []test{
	{"SameNodes", func(t *testing.T, s graph.Store) {
		f := asOfFixture(t, s)
		for _, d := range []string{"", "2005-06-01", "2022-01-01"} {
			v := graph.View{AsOf: d}
			nodesOnly := v
			nodesOnly.NodesOnly = true
			for _, q := range []graph.NeighbourhoodQuery{
				{Depth: 2, Limit: 500}, {Depth: 3, Limit: 4}, {Depth: 1, Limit: 50, Types: []graph.RelType{graph.RelMemberOf}}, {Depth: 0, Limit: 1},
			} {
				want, err := s.Neighbourhood(bg, v, f.ShuHou, q)
				noErr(t, "Neighbourhood", err)
				got, err := s.Neighbourhood(bg, nodesOnly, f.ShuHou, q)
				noErr(t, "Neighbourhood(nodes only)", err)
				if want != nil && got != nil {
					wantIDs(t, "Neighbourhood(nodes only) nodes", nodeIDs(got.Nodes), nodeIDs(want.Nodes))
					if len(got.Edges) != 0 {
						t.Errorf("Neighbourhood(nodes only) %+v: %d edges; want none", q, len(got.Edges))
					}
				}
			}
			for depth := range 4 {
				want, err := s.Subtree(bg, v, f.Street, graph.SubtreeQuery{MaxDepth: depth, Limit: graph.DefaultSubtreeSize})
				noErr(t, "Subtree", err)
				got, err := s.Subtree(bg, nodesOnly, f.Street, graph.SubtreeQuery{MaxDepth: depth, Limit: graph.DefaultSubtreeSize})
				noErr(t, "Subtree(nodes only)", err)
				if want != nil && got != nil {
					wantIDs(t, "Subtree(nodes only) nodes", nodeIDs(got.Nodes), nodeIDs(want.Nodes))
					if len(got.Edges) != 0 {
						t.Errorf("Subtree(nodes only, %d): %d edges; want none", depth, len(got.Edges))
					}
				}
			}
		}
	}}, {"FindNodesNoTotal", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		for _, filter := range []graph.NodeFilter{{}, {Labels: []graph.Label{graph.LabelOrganisation}}, {Kinds: []string{"VILLAGE"}}} {
			for _, pa := range []graph.PageArgs{{First: 2}, {First: 2, After: graph.EncodeCursor(f.Enterprise)}, {First: 50}} {
				want, err := s.FindNodes(bg, graph.View{}, filter, pa)
				noErr(t, "FindNodes", err)
				pa.NoTotal = true
				got, err := s.FindNodes(bg, graph.View{}, filter, pa)
				noErr(t, "FindNodes(NoTotal)", err)
				if want == nil || got == nil {
					continue
				}
				wantIDs(t, "FindNodes(NoTotal) page", nodeIDs(got.Nodes), nodeIDs(want.Nodes))
				if got.HasNextPage != want.HasNextPage || got.HasPrevPage != want.HasPrevPage ||
					got.StartCursor != want.StartCursor || got.EndCursor != want.EndCursor {
					t.Errorf("FindNodes(NoTotal) %+v %+v: page info %+v; want %+v", filter, pa, got, want)
				}
				if got.TotalCount != 0 && got.TotalCount != want.TotalCount {
					t.Errorf("FindNodes(NoTotal): TotalCount %d; want 0 or %d", got.TotalCount, want.TotalCount)
				}
			}
		}
	}}, {"FindNodesExpand", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		for _, filter := range []graph.NodeFilter{{}, {Labels: []graph.Label{graph.LabelOrganisation}}, {Kinds: []string{"VILLAGE"}},
			{Labels: []graph.Label{graph.LabelAlliance}}} {
			for _, pa := range []graph.PageArgs{{First: 2}, {First: 3, After: graph.EncodeCursor(f.Enterprise)}, {First: 50, NoTotal: true}} {
				for _, x := range expandTrees {
					wantPage, err := s.FindNodes(bg, graph.View{}, filter, pa)
					noErr(t, "FindNodes", err)
					gotPage, got, err := s.FindNodesExpand(bg, graph.View{}, filter, pa, x.x)
					noErr(t, "FindNodesExpand", err)
					if wantPage == nil || gotPage == nil {
						continue
					}
					wantIDs(t, "FindNodesExpand page", nodeIDs(gotPage.Nodes), nodeIDs(wantPage.Nodes))
					if gotPage.TotalCount != wantPage.TotalCount || gotPage.HasNextPage != wantPage.HasNextPage || gotPage.EndCursor != wantPage.EndCursor {
						t.Errorf("FindNodesExpand %+v: page %+v; want %+v", pa, gotPage, wantPage)
					}
					want, err := graph.ExpandLevels(bg, s, graph.View{}, nodeIDs(wantPage.Nodes), x.x)
					noErr(t, "ExpandLevels", err)
					// The store may have followed x from the extra node that
					// tells a next page exists: compare on the page's nodes.
					for k, m := range got.Related {
						for id := range m {
							if _, ok := want.Nodes[id]; !ok && !slices.Contains(nodeIDs(wantPage.Nodes), id) && !reachable(want, id) {
								delete(m, id)
							}
						}
						if len(m) == 0 {
							delete(got.Related, k)
						}
					}
					for id := range got.Nodes {
						if _, ok := want.Nodes[id]; !ok {
							delete(got.Nodes, id)
						}
					}
					wantExpanded(t, "FindNodesExpand "+x.name, got, want)
				}
			}
		}
		_, _, err := s.FindNodesExpand(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 2}, tree(step(graph.Out, nil, "NOPE")))
		wantErr(t, "FindNodesExpand(bad step)", err, graph.ErrInvalid)
	}},
}

// reachable reports whether id is a node an expansion answered for.
func reachable(xp *graph.Expanded, id string) bool {
	for _, m := range xp.Related {
		if _, ok := m[id]; ok {
			return true
		}
	}
	return false
}
