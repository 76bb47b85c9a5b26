package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// overviewFixture adds a hierarchy to Fixture:
//
//	Street ← TwoNew ← Town ← Makerspace, Enterprise   (Fixture)
//	Street ← ShuQian, ShuHou, ShengDun, Community, Alliance
//	Street ← org:late (from 2020-01-01)
//	Street ← org:x-top (edge until 2015-01-01) ← org:x-child
//	org:a-top ← org:a-child;  org:b-top ← org:b-child
//	alliance:aaa, with ShuHou a member (so ShuHou's group is alliance:aaa,
//	the least of its two alliances)
type overviewIDs struct {
	FixtureIDs
	Late, XTop, XChild, ATop, AChild, BTop, BChild, AAA string
}

func overviewFixture(t *testing.T, s graph.Store) overviewIDs {
	t.Helper()
	f := overviewIDs{FixtureIDs: Fixture(t, s), Late: "org:late", XTop: "org:x-top", XChild: "org:x-child",
		ATop: "org:a-top", AChild: "org:a-child", BTop: "org:b-top", BChild: "org:b-child", AAA: "alliance:aaa"}
	late := org(f.Late, "新设村")
	late.Since = "2020-01-01"
	aaa := graph.Node{ID: f.AAA, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: "甲联合体"}
	subUntil := edge(graph.RelSubOrganisationOf, f.XTop, f.Street)
	subUntil.Until = "2015-01-01"
	b := graph.Batch{
		Nodes: []graph.Node{late, org(f.XTop, "旧村委"), org(f.XChild, "旧村小组"), org(f.ATop, "甲村"), org(f.AChild, "甲村小组"),
			org(f.BTop, "乙村"), org(f.BChild, "乙村小组"), aaa},
		Edges: []graph.Edge{subUntil},
	}
	for _, c := range []string{f.ShuQian, f.ShuHou, f.ShengDun, f.Community, f.Alliance, f.Late} {
		b.Edges = append(b.Edges, edge(graph.RelSubOrganisationOf, c, f.Street))
	}
	b.Edges = append(b.Edges,
		edge(graph.RelSubOrganisationOf, f.XChild, f.XTop),
		edge(graph.RelSubOrganisationOf, f.AChild, f.ATop),
		edge(graph.RelSubOrganisationOf, f.BChild, f.BTop),
		edge(graph.RelMemberOf, f.ShuHou, f.AAA),
	)
	MustApply(t, s, b)
	return f
}

func topIDs(ts *graph.Tops) []string {
	out := []string{}
	for _, x := range ts.Tops {
		out = append(out, fmt.Sprintf("%s:%d", x.Node.ID, x.Children))
	}
	return out
}

func groupStrings(b *graph.Below) []string {
	out := []string{}
	for _, g := range b.Groups {
		out = append(out, fmt.Sprintf("%s/%s:%d", g.Kind, g.Alliance, g.Count))
	}
	return out
}

var overviewTests = []test{
	{"TopsRanked", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		// The zero view sees the ended edge: x-top has a parent. Street has
		// TwoNew, four units, the Alliance, late, x-top: 8 children.
		got, err := s.Tops(bg, graph.View{}, 10)
		noErr(t, "Tops", err)
		wantIDs(t, "Tops", topIDs(got), []string{f.Street + ":8", f.ATop + ":1", f.BTop + ":1"})
		if got.Total != 3 {
			t.Errorf("Tops.Total = %d; want 3", got.Total)
		}
		got, err = s.Tops(bg, graph.View{}, 2)
		noErr(t, "Tops(2)", err)
		wantIDs(t, "Tops(2)", topIDs(got), []string{f.Street + ":8", f.ATop + ":1"})
		if got.Total != 3 {
			t.Errorf("Tops(2).Total = %d; want 3 (every top, listed or not)", got.Total)
		}
		if n := got.Tops[0].Node; n.Name != "岳林街道党工委" || n.Label != graph.LabelOrganisation {
			t.Errorf("Tops[0].Node = %+v; want the whole street committee", n)
		}
	}},
	{"TopsAsOf", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		// 2016: the x-top edge has ended (x-top is a top of its own), late
		// does not exist yet, Town exists.
		got, err := s.Tops(bg, graph.View{AsOf: "2016-07-01"}, 10)
		noErr(t, "Tops", err)
		wantIDs(t, "Tops as of 2016-07-01", topIDs(got), []string{f.Street + ":5", f.ATop + ":1", f.BTop + ":1", f.XTop + ":1"})
		// 2010: the alliance (since 2016-10-01) and Town (2016-06-01) do not
		// exist; x-top is still a child.
		got, err = s.Tops(bg, graph.View{AsOf: "2010-01-01"}, 10)
		noErr(t, "Tops", err)
		wantIDs(t, "Tops as of 2010-01-01", topIDs(got), []string{f.Street + ":6", f.ATop + ":1", f.BTop + ":1"})
	}},
	{"TopsInvalid", func(t *testing.T, s graph.Store) {
		for _, n := range []int{0, -1, graph.MaxTops + 1} {
			_, err := s.Tops(bg, graph.View{}, n)
			wantErr(t, fmt.Sprintf("Tops(%d)", n), err, graph.ErrInvalid)
		}
	}},
	{"TopsEmpty", func(t *testing.T, s graph.Store) {
		orgs(t, s, "org:flat-1", "org:flat-2")
		got, err := s.Tops(bg, graph.View{}, 5)
		noErr(t, "Tops", err)
		if len(got.Tops) != 0 || got.Total != 0 {
			t.Errorf("Tops of a network without hierarchy = %v (total %d); want none", topIDs(got), got.Total)
		}
	}},
	{"BelowGroups", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		got, err := s.Below(bg, graph.View{}, []string{f.Street, f.Town, f.Makerspace, "org:missing", f.Street},
			graph.BelowQuery{Groups: true, Descendants: true})
		noErr(t, "Below", err)
		if _, ok := got["org:missing"]; ok || len(got) != 3 {
			t.Errorf("Below answered for %v; want exactly Street, Town, Makerspace", sortedKeys(got))
		}
		st := got[f.Street]
		if st == nil {
			t.Fatalf("Below has no Street")
		}
		if st.ID != f.Street || st.Children != 8 {
			t.Errorf("Below(Street) = id %q, %d children; want %q, 8", st.ID, st.Children, f.Street)
		}
		// Largest first, then kind, then alliance: ShuQian and ShengDun
		// in shujia, ShuHou in aaa (the least of its alliances), late and
		// x-top in none.
		wantIDs(t, "Below(Street).Groups", groupStrings(st), []string{
			"VILLAGE/:2", "VILLAGE/" + f.Alliance + ":2", "COMMUNITY/" + f.Alliance + ":1",
			"PARTY_WORKING_COMMITTEE/:1", "REGIONAL_ALLIANCE/:1", "VILLAGE/" + f.AAA + ":1",
		})
		// Below Street: its 8 children, Town, Makerspace, Enterprise, x-child.
		if st.Descendants != 12 || st.DescendantsCapped {
			t.Errorf("Below(Street).Descendants = %d (capped %v); want 12", st.Descendants, st.DescendantsCapped)
		}
		if tw := got[f.Town]; tw == nil || tw.Children != 2 || tw.Descendants != 2 ||
			!equalStrings(groupStrings(tw), []string{"ENTERPRISE/:1", "MAKERSPACE/:1"}) {
			t.Errorf("Below(Town) = %+v; want 2 children, 2 below, one enterprise and one makerspace", tw)
		}
		if m := got[f.Makerspace]; m == nil || m.Children != 0 || m.Descendants != 0 || len(m.Groups) != 0 {
			t.Errorf("Below(Makerspace) = %+v; want nothing below", m)
		}
		// Without groups and descendants: only the children.
		got, err = s.Below(bg, graph.View{}, []string{f.Street}, graph.BelowQuery{})
		noErr(t, "Below", err)
		if st := got[f.Street]; st == nil || st.Children != 8 || len(st.Groups) != 0 || st.Descendants != 0 {
			t.Errorf("Below(Street) without groups = %+v; want 8 children only", st)
		}
	}},
	{"BelowAsOf", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		// 2016-07-01: no Alliance yet (so no alliance groups from shujia,
		// and no alliance child), no late, x-top gone; aaa is undated.
		got, err := s.Below(bg, graph.View{AsOf: "2016-07-01"}, []string{f.Street, f.Late}, graph.BelowQuery{Groups: true, Descendants: true})
		noErr(t, "Below", err)
		if _, ok := got[f.Late]; ok {
			t.Errorf("Below as of 2016 answered for org:late, which does not exist then")
		}
		st := got[f.Street]
		if st == nil || st.Children != 5 {
			t.Fatalf("Below(Street) as of 2016 = %+v; want 5 children", st)
		}
		wantIDs(t, "Below(Street).Groups as of 2016", groupStrings(st), []string{
			"VILLAGE/:2", "COMMUNITY/:1", "PARTY_WORKING_COMMITTEE/:1", "VILLAGE/" + f.AAA + ":1"})
		// TwoNew, Town, Makerspace, Enterprise and the four units.
		if st.Descendants != 8 {
			t.Errorf("Below(Street).Descendants as of 2016 = %d; want 8", st.Descendants)
		}
	}},
	{"BelowCapped", func(t *testing.T, s graph.Store) {
		// A hub with more children than DescendantCap.
		b := graph.Batch{Nodes: []graph.Node{org("hub:0", "hub")}}
		for i := range graph.DescendantCap + 5 {
			id := fmt.Sprintf("leaf:%05d", i)
			b.Nodes = append(b.Nodes, org(id, id))
			b.Edges = append(b.Edges, edge(graph.RelSubOrganisationOf, id, "hub:0"))
		}
		MustApply(t, s, b)
		got, err := s.Below(bg, graph.View{}, []string{"hub:0"}, graph.BelowQuery{Groups: true, Descendants: true})
		noErr(t, "Below", err)
		h := got["hub:0"]
		if h == nil || h.Children != graph.DescendantCap+5 || h.Descendants != graph.DescendantCap || !h.DescendantsCapped {
			t.Errorf("Below(hub) = %+v; want %d children, descendants capped at %d", h, graph.DescendantCap+5, graph.DescendantCap)
		}
		if h != nil && !equalStrings(groupStrings(h), []string{fmt.Sprintf("VILLAGE/:%d", graph.DescendantCap+5)}) {
			t.Errorf("Below(hub).Groups = %v", groupStrings(h))
		}
	}},
	{"BelowManyGroups", func(t *testing.T, s graph.Store) {
		// A parent whose children are in more alliances than MaxGroups.
		n := graph.MaxGroups + 3
		b := graph.Batch{Nodes: []graph.Node{org("p:0", "p")}}
		for i := range n {
			c, a := fmt.Sprintf("c:%03d", i), fmt.Sprintf("alliance:%03d", i)
			b.Nodes = append(b.Nodes, org(c, c), graph.Node{ID: a, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: a})
			b.Edges = append(b.Edges, edge(graph.RelSubOrganisationOf, c, "p:0"), edge(graph.RelMemberOf, c, a))
		}
		MustApply(t, s, b)
		got, err := s.Below(bg, graph.View{}, []string{"p:0"}, graph.BelowQuery{Groups: true})
		noErr(t, "Below", err)
		p := got["p:0"]
		if p == nil || len(p.Groups) != graph.MaxGroups || p.OtherGroups != 3 || p.OtherCount != 3 {
			t.Fatalf("Below(p) = %d groups, %d other groups of %d; want %d, 3, 3", len(p.Groups), p.OtherGroups, p.OtherCount, graph.MaxGroups)
		}
		if g := p.Groups[0]; g.Alliance != "alliance:000" || g.Count != 1 {
			t.Errorf("first group = %+v; want alliance:000 (ties by alliance id)", g)
		}
	}},
	{"BelowInvalid", func(t *testing.T, s graph.Store) {
		ids := make([]string, graph.MaxBelowIDs+1)
		for i := range ids {
			ids[i] = fmt.Sprintf("org:%d", i)
		}
		_, err := s.Below(bg, graph.View{}, ids, graph.BelowQuery{})
		wantErr(t, "Below(too many ids)", err, graph.ErrInvalid)
		got, err := s.Below(bg, graph.View{}, nil, graph.BelowQuery{Groups: true})
		noErr(t, "Below(none)", err)
		if len(got) != 0 {
			t.Errorf("Below(none) = %v; want empty", got)
		}
	}},
	{"ChildrenMatchGroups", func(t *testing.T, s graph.Store) {
		// Every group's children are exactly what Below counted, and the
		// groups together are every child.
		f := overviewFixture(t, s)
		for _, v := range []graph.View{{}, {AsOf: "2016-07-01"}, {AsOf: "2021-01-01"}} {
			got, err := s.Below(bg, v, []string{f.Street}, graph.BelowQuery{Groups: true})
			noErr(t, "Below", err)
			st := got[f.Street]
			all, err := s.Children(bg, v, f.Street, nil, graph.PageArgs{First: 100})
			noErr(t, "Children", err)
			if all.TotalCount != st.Children || len(all.Nodes) != st.Children {
				t.Errorf("%s: Children(Street) = %d nodes of %d; Below counts %d", v.AsOf, len(all.Nodes), all.TotalCount, st.Children)
			}
			seen := 0
			for _, g := range st.Groups {
				page, err := s.Children(bg, v, f.Street, &g.GroupKey, graph.PageArgs{First: 100})
				noErr(t, "Children(group)", err)
				if page.TotalCount != g.Count || len(page.Nodes) != g.Count {
					t.Errorf("%s: Children(Street, %+v) = %d nodes of %d; want %d", v.AsOf, g.GroupKey, len(page.Nodes), page.TotalCount, g.Count)
				}
				for _, n := range page.Nodes {
					if n.Kind != g.Kind {
						t.Errorf("%s: %s (kind %s) listed in group %+v", v.AsOf, n.ID, n.Kind, g.GroupKey)
					}
				}
				seen += len(page.Nodes)
			}
			if seen != st.Children {
				t.Errorf("%s: the groups hold %d children; want %d", v.AsOf, seen, st.Children)
			}
		}
	}},
	{"ChildrenPaged", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		g := &graph.GroupKey{Kind: "VILLAGE"} // the villages in no alliance
		p1, err := s.Children(bg, graph.View{}, f.Street, g, graph.PageArgs{First: 1})
		noErr(t, "Children", err)
		wantIDs(t, "Children page 1", nodeIDs(p1.Nodes), []string{f.Late})
		if p1.TotalCount != 2 || !p1.HasNextPage || p1.HasPrevPage {
			t.Errorf("page 1: total %d next %v prev %v; want 2, true, false", p1.TotalCount, p1.HasNextPage, p1.HasPrevPage)
		}
		p2, err := s.Children(bg, graph.View{}, f.Street, g, graph.PageArgs{First: 1, After: p1.EndCursor})
		noErr(t, "Children", err)
		wantIDs(t, "Children page 2", nodeIDs(p2.Nodes), []string{f.XTop})
		if p2.TotalCount != 2 || p2.HasNextPage || !p2.HasPrevPage {
			t.Errorf("page 2: total %d next %v prev %v; want 2, false, true", p2.TotalCount, p2.HasNextPage, p2.HasPrevPage)
		}
		all, err := s.Children(bg, graph.View{}, f.Street, nil, graph.PageArgs{First: 3})
		noErr(t, "Children(all)", err)
		wantIDs(t, "Children(all) page 1", nodeIDs(all.Nodes), []string{f.Alliance, f.Late, f.ShengDun})
		if all.TotalCount != 8 || !all.HasNextPage {
			t.Errorf("Children(all): total %d next %v; want 8, true", all.TotalCount, all.HasNextPage)
		}
		ag := &graph.GroupKey{Kind: "VILLAGE", Alliance: f.Alliance}
		p, err := s.Children(bg, graph.View{}, f.Street, ag, graph.PageArgs{First: 10, NoTotal: true})
		noErr(t, "Children", err)
		wantIDs(t, "Children(shujia villages)", nodeIDs(p.Nodes), []string{f.ShengDun, f.ShuQian})
		if p.Nodes[0].Name != "圣墩村" {
			t.Errorf("Children answered %+v; want whole nodes", p.Nodes[0])
		}
		p, err = s.Children(bg, graph.View{}, f.Makerspace, nil, graph.PageArgs{})
		noErr(t, "Children(leaf)", err)
		if len(p.Nodes) != 0 || p.TotalCount != 0 || p.HasNextPage {
			t.Errorf("Children(Makerspace) = %+v; want an empty page", p)
		}
	}},
	{"ChildrenErrors", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		_, err := s.Children(bg, graph.View{}, "org:missing", nil, graph.PageArgs{})
		wantErr(t, "Children(missing)", err, graph.ErrNotFound)
		_, err = s.Children(bg, graph.View{AsOf: "2010-01-01"}, f.Town, nil, graph.PageArgs{})
		wantErr(t, "Children(Town as of 2010)", err, graph.ErrNotFound)
		_, err = s.Children(bg, graph.View{}, f.Street, &graph.GroupKey{Kind: "NO_SUCH_KIND"}, graph.PageArgs{})
		wantErr(t, "Children(bad kind)", err, graph.ErrInvalid)
		_, err = s.Children(bg, graph.View{}, f.Street, nil, graph.PageArgs{First: graph.MaxPageSize + 1})
		wantErr(t, "Children(first too large)", err, graph.ErrInvalid)
		_, err = s.Children(bg, graph.View{}, f.Street, nil, graph.PageArgs{After: "not a cursor"})
		wantErr(t, "Children(bad cursor)", err, graph.ErrInvalid)
	}},
	{"OneRoundTripEach", func(t *testing.T, s graph.Store) {
		f := overviewFixture(t, s)
		calls := map[string]func(ctx context.Context) error{
			"Tops": func(ctx context.Context) error { _, err := s.Tops(ctx, graph.View{AsOf: "2020-01-01"}, 5); return err },
			"Below": func(ctx context.Context) error {
				_, err := s.Below(ctx, graph.View{}, f.Nodes, graph.BelowQuery{Groups: true, Descendants: true})
				return err
			},
			"Children": func(ctx context.Context) error {
				_, err := s.Children(ctx, graph.View{}, f.Street, &graph.GroupKey{Kind: "VILLAGE"}, graph.PageArgs{First: 2})
				return err
			},
		}
		for name, fn := range calls {
			if n := rounds(t, name, fn); n != 1 {
				t.Errorf("%s made %d round trips; want 1", name, n)
			}
		}
	}},
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
