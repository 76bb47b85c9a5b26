package storetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

var createNodeTests = []test{
	{"OK", func(t *testing.T, s graph.Store) {
		in := graph.Node{
			ID: "org:shuqian", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "舒前村", NameEn: "Shuqian Village",
			Tier: 3, Since: "2001-01-01", Until: "2030-12-31",
			Attrs: map[string]any{"population": int64(1200), "strength": 350.5, "whole": float64(3),
				"big": int64(1<<62 + 1), "lead": true, "note": "强村"},
			AttrProvenance: map[string]graph.Provenance{"strength": {Source: graph.SourceIllustrative, Ref: "guess"}},
			Provenance:     graph.Provenance{Source: graph.SourceArticle, SourceID: "doc:fixture", Quote: "舒前、舒后、圣墩三村", Ref: "yuelin"},
		}
		MustRegisterFixtureSource(t, s)
		got, err := s.CreateNode(bg, in)
		noErr(t, "CreateNode", err)
		wantNode(t, "CreateNode", got, &in)
		stored, err := s.Node(bg, graph.View{}, in.ID)
		noErr(t, "Node", err)
		wantNode(t, "Node after CreateNode", stored, &in)
		if c := counts(t, s); c != (graph.Counts{Nodes: 2}) {
			t.Errorf("Counts = %+v; want 2 nodes (the village and its source)", c)
		}
	}},
	{"Defaults", func(t *testing.T, s graph.Store) {
		// Prepare: the label's first kind, source USER, attribute numbers
		// normalised to int64 and float64, empty maps dropped.
		in := graph.Node{ID: "zone:grid-1", Label: graph.LabelZone, Name: "网格一",
			Attrs:          map[string]any{"households": 40, "share": float32(0.5), "n": json.Number("7"), "x": json.Number("2.5")},
			AttrProvenance: map[string]graph.Provenance{}}
		got, err := s.CreateNode(bg, in)
		noErr(t, "CreateNode", err)
		want := &graph.Node{ID: "zone:grid-1", Label: graph.LabelZone, Kind: graph.Kinds[graph.LabelZone][0], Name: "网格一",
			Attrs:      map[string]any{"households": int64(40), "share": float64(0.5), "n": int64(7), "x": 2.5},
			Provenance: graph.Provenance{Source: graph.SourceUser}}
		wantNode(t, "CreateNode", got, want)
		stored, err := s.Node(bg, graph.View{}, in.ID)
		noErr(t, "Node", err)
		wantNode(t, "Node", stored, want)
		p := MustCreateNode(t, s, graph.Node{ID: "person:a", Label: graph.LabelPerson, Name: "甲"})
		if p.Kind != "PERSON" || p.Provenance.Source != graph.SourceUser || len(p.Attrs) != 0 {
			t.Errorf("CreateNode(person) = %+v; want kind PERSON, source USER, no attrs", p)
		}
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		ok := func(mod func(n *graph.Node)) graph.Node {
			n := org("org:x", "某村")
			mod(&n)
			return n
		}
		cases := []struct {
			name string
			n    graph.Node
		}{
			{"EmptyID", ok(func(n *graph.Node) { n.ID = "" })},
			{"IDWithSpace", ok(func(n *graph.Node) { n.ID = "org:a b" })},
			{"IDWithControl", ok(func(n *graph.Node) { n.ID = "org:a\x01" })},
			{"IDTooLong", ok(func(n *graph.Node) { n.ID = "org:" + strings.Repeat("x", 200) })},
			{"IDInvalidUTF8", ok(func(n *graph.Node) { n.ID = "org:\xff" })},
			{"UnknownLabel", ok(func(n *graph.Node) { n.Label = "Planet" })},
			{"EmptyLabel", ok(func(n *graph.Node) { n.Label = "" })},
			{"KindNotOfLabel", ok(func(n *graph.Node) { n.Kind = "REGIONAL_ALLIANCE" })},
			{"UnknownKind", ok(func(n *graph.Node) { n.Kind = "CASTLE" })},
			{"EmptyName", ok(func(n *graph.Node) { n.Name = "" })},
			{"NameTooLong", ok(func(n *graph.Node) { n.Name = strings.Repeat("村", 201) })},
			{"NameInvalidUTF8", ok(func(n *graph.Node) { n.Name = "村\xff" })},
			{"NameEnInvalidUTF8", ok(func(n *graph.Node) { n.NameEn = "a\xc3" })},
			{"NameControl", ok(func(n *graph.Node) { n.Name = "村\x00" })},
			{"Tier5", ok(func(n *graph.Node) { n.Tier = 5 })},
			{"TierNegative", ok(func(n *graph.Node) { n.Tier = -1 })},
			{"BadSince", ok(func(n *graph.Node) { n.Since = "2016-13-01" })},
			{"BadUntilLayout", ok(func(n *graph.Node) { n.Until = "1/2/2020" })},
			{"UntilBeforeSince", ok(func(n *graph.Node) { n.Since, n.Until = "2020-01-02", "2020-01-01" })},
			{"ReservedAttrKey", ok(func(n *graph.Node) { n.Attrs = map[string]any{"name": "x"} })},
			{"ReservedAttrKeySearchKey", ok(func(n *graph.Node) { n.Attrs = map[string]any{"searchKey": "x"} })},
			{"BadAttrKey", ok(func(n *graph.Node) { n.Attrs = map[string]any{"1st": "x"} })},
			{"BadAttrType", ok(func(n *graph.Node) { n.Attrs = map[string]any{"list": []string{"a"}} })},
			{"BadAttrTypeMap", ok(func(n *graph.Node) { n.Attrs = map[string]any{"m": map[string]any{}} })},
			{"AttrInvalidUTF8", ok(func(n *graph.Node) { n.Attrs = map[string]any{"note": "\xff"} })},
			{"AllianceTypeOnOrganisation", ok(func(n *graph.Node) { n.Attrs = map[string]any{graph.AttrAllianceType: "INDUSTRY_LINK"} })},
			{"AttrProvenanceWithoutAttr", ok(func(n *graph.Node) {
				n.AttrProvenance = map[string]graph.Provenance{"population": {Source: graph.SourceUser}}
			})},
			{"ArticleWithoutQuote", ok(func(n *graph.Node) { n.Provenance = graph.Provenance{Source: graph.SourceArticle} })},
			{"UnknownSource", ok(func(n *graph.Node) { n.Provenance = graph.Provenance{Source: "RUMOUR"} })},
		}
		before := snapshot(t, s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.CreateNode(bg, tc.n)
				wantErr(t, "CreateNode", err, graph.ErrInvalid)
				if got != nil {
					t.Errorf("CreateNode returned %+v with an error", got)
				}
				unchanged(t, s, before, "CreateNode("+tc.name+")")
			})
		}
		// An alliance may carry a valid allianceType.
		a := graph.Node{ID: "alliance:a", Label: graph.LabelAlliance, Name: "联合体",
			Attrs: map[string]any{graph.AttrAllianceType: "INDUSTRY_LINK"}}
		MustCreateNode(t, s, a)
		a.ID, a.Attrs = "alliance:b", map[string]any{graph.AttrAllianceType: "NOT_A_TYPE"}
		_, err := s.CreateNode(bg, a)
		wantErr(t, "CreateNode(alliance, bad allianceType)", err, graph.ErrInvalid)
	}},
	{"ErrConflict", func(t *testing.T, s graph.Store) {
		first := MustCreateNode(t, s, org("org:a", "甲村"))
		before := snapshot(t, s)
		dup := org("org:a", "乙村")
		dup.Label, dup.Kind = graph.LabelPerson, ""
		got, err := s.CreateNode(bg, dup)
		wantErr(t, "CreateNode(duplicate id)", err, graph.ErrConflict)
		if got != nil {
			t.Errorf("CreateNode returned %+v with an error", got)
		}
		unchanged(t, s, before, "CreateNode(duplicate)")
		stored, err := s.Node(bg, graph.View{}, "org:a")
		noErr(t, "Node", err)
		wantNode(t, "Node after a refused duplicate", stored, first)
	}},
}

var nodeTests = []test{
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		got, err := s.Node(bg, graph.View{}, "org:nowhere")
		wantErr(t, `Node("org:nowhere")`, err, graph.ErrNotFound)
		if got != nil {
			t.Errorf("Node returned %+v with an error", got)
		}
	}},
	{"NodesInOrderAsked", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		ask := []string{f.Town, "org:missing", f.Alliance, f.Street, f.Town}
		got, err := s.Nodes(bg, graph.View{}, ask)
		noErr(t, "Nodes", err)
		wantIDs(t, "Nodes", nodeIDs(got), []string{f.Town, "<nil>", f.Alliance, f.Street, f.Town})
		if len(got) == 5 && got[0] == got[4] && got[0] != nil {
			t.Errorf("Nodes returned one pointer twice; want copies")
		}
		for i, id := range ask {
			if i < len(got) && got[i] != nil {
				one, err := s.Node(bg, graph.View{}, id)
				noErr(t, "Node", err)
				wantNode(t, "Nodes()["+id+"]", got[i], one)
			}
		}
		empty, err := s.Nodes(bg, graph.View{}, nil)
		noErr(t, "Nodes(nil)", err)
		if len(empty) != 0 {
			t.Errorf("Nodes(nil) = %d nodes; want 0", len(empty))
		}
	}},
}

var updateNodeTests = []test{
	{"Partial", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before, _ := s.Node(bg, graph.View{}, f.ShuQian)
		got, err := s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{NameEn: ptr("Shuqian"), Tier: ptr(3)})
		noErr(t, "UpdateNode", err)
		want := before.Clone()
		want.NameEn, want.Tier = "Shuqian", 3
		wantNode(t, "UpdateNode", got, want)
		stored, _ := s.Node(bg, graph.View{}, f.ShuQian)
		wantNode(t, "Node after UpdateNode", stored, want)

		// Every field at once; label and id stay.
		src := graph.Provenance{Source: graph.SourceUser, Ref: "form"}
		got, err = s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{Kind: ptr("COMMUNITY"), Name: ptr("舒前社区"),
			Since: ptr("2010-01-01"), Until: ptr("2020-01-01"), Provenance: &src})
		noErr(t, "UpdateNode(all)", err)
		want.Kind, want.Name, want.Since, want.Until, want.Provenance = "COMMUNITY", "舒前社区", "2010-01-01", "2020-01-01", src
		wantNode(t, "UpdateNode(all)", got, want)
		// Clearing with empty strings.
		got, err = s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{Until: ptr(""), NameEn: ptr("")})
		noErr(t, "UpdateNode(clear)", err)
		want.Until, want.NameEn = "", ""
		wantNode(t, "UpdateNode(clear)", got, want)
		// An empty update changes nothing.
		got, err = s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{})
		noErr(t, "UpdateNode(empty)", err)
		wantNode(t, "UpdateNode(empty)", got, want)
		// The node keeps its edges.
		rel, err := s.Related(bg, graph.View{}, []string{f.ShuQian}, graph.RelQuery{})
		noErr(t, "Related", err)
		if len(rel[f.ShuQian]) != 2 {
			t.Errorf("after UpdateNode, Related = %d edges; want 2", len(rel[f.ShuQian]))
		}
	}},
	{"Attrs", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// ShuQian has population 1200, strength 350.5 (ILLUSTRATIVE provenance).
		got, err := s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{Attrs: map[string]any{
			"population": 1300, "partyMembers": int64(45), "strength": nil, "absent": nil}})
		noErr(t, "UpdateNode", err)
		wantAttrs := map[string]any{"population": int64(1300), "partyMembers": int64(45)}
		if !sameNode(&graph.Node{Attrs: got.Attrs, AttrProvenance: got.AttrProvenance}, &graph.Node{Attrs: wantAttrs}) {
			t.Errorf("UpdateNode attrs = %v / %v; want %v and no attrProvenance (strength removed with its provenance)",
				got.Attrs, got.AttrProvenance, wantAttrs)
		}
		stored, _ := s.Node(bg, graph.View{}, f.ShuQian)
		wantNode(t, "Node after UpdateNode", stored, got)
		// Removing every attribute leaves none.
		got, err = s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{Attrs: map[string]any{"population": nil, "partyMembers": nil}})
		noErr(t, "UpdateNode(remove all)", err)
		if len(got.Attrs) != 0 {
			t.Errorf("UpdateNode(remove all) attrs = %v; want none", got.Attrs)
		}
	}},
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		before := snapshot(t, s)
		got, err := s.UpdateNode(bg, "org:nowhere", graph.NodeUpdate{Name: ptr("x")})
		wantErr(t, "UpdateNode(missing)", err, graph.ErrNotFound)
		if got != nil {
			t.Errorf("UpdateNode returned %+v with an error", got)
		}
		unchanged(t, s, before, "UpdateNode(missing)")
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		cases := []struct {
			name string
			u    graph.NodeUpdate
		}{
			{"KindNotOfLabel", graph.NodeUpdate{Kind: ptr("REGIONAL_ALLIANCE")}},
			{"EmptyKind", graph.NodeUpdate{Kind: ptr("")}},
			{"EmptyName", graph.NodeUpdate{Name: ptr("")}},
			{"InvalidUTF8", graph.NodeUpdate{Name: ptr("\xff")}},
			{"Tier5", graph.NodeUpdate{Tier: ptr(5)}},
			{"BadDate", graph.NodeUpdate{Since: ptr("2016-10")}},
			{"UntilBeforeSince", graph.NodeUpdate{Since: ptr("2020-01-01"), Until: ptr("2019-01-01")}},
			{"ReservedAttrKey", graph.NodeUpdate{Attrs: map[string]any{"id": "x"}}},
			{"BadAttrType", graph.NodeUpdate{Attrs: map[string]any{"when": []int{1}}}},
			{"ArticleWithoutQuote", graph.NodeUpdate{Provenance: &graph.Provenance{Source: graph.SourceArticle}}},
			{"EmptySource", graph.NodeUpdate{Provenance: &graph.Provenance{}}},
			{"ValidAndInvalid", graph.NodeUpdate{Name: ptr("新名"), Tier: ptr(9)}},
		}
		before := snapshot(t, s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.UpdateNode(bg, f.ShuQian, tc.u)
				wantErr(t, "UpdateNode", err, graph.ErrInvalid)
				if got != nil {
					t.Errorf("UpdateNode returned %+v with an error", got)
				}
				unchanged(t, s, before, "UpdateNode("+tc.name+")")
			})
		}
	}},
}

var deleteNodeTests = []test{
	{"OK", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		got, err := s.DeleteNode(bg, f.ShuQian, false)
		noErr(t, "DeleteNode", err)
		wantIDs(t, "DeleteNode", got, []string{f.ShuQian})
		_, err = s.Node(bg, graph.View{}, f.ShuQian)
		wantErr(t, "Node after DeleteNode", err, graph.ErrNotFound)
		// Its edges (MEMBER_OF, MENTORS) went with it.
		for _, id := range []string{f.Mentors, graph.EdgeID(graph.RelMemberOf, f.ShuQian, f.Alliance)} {
			_, err = s.Edge(bg, graph.View{}, id)
			wantErr(t, "Edge("+id+") after DeleteNode", err, graph.ErrNotFound)
		}
		rel, err := s.Related(bg, graph.View{}, []string{f.ShengDun, f.Alliance}, graph.RelQuery{})
		noErr(t, "Related", err)
		if n := len(rel[f.ShengDun]); n != 1 {
			t.Errorf("Related(ShengDun) = %d edges; want 1 (MEMBER_OF)", n)
		}
		if n := len(rel[f.Alliance]); n != 3 {
			t.Errorf("Related(Alliance) = %d edges; want 3 members", n)
		}
		if c := counts(t, s); c != (graph.Counts{Nodes: 11, Edges: 8}) {
			t.Errorf("Counts = %+v; want 11 nodes (the source among them), 8 edges", c)
		}
		// The node's id is free again.
		MustCreateNode(t, s, org(f.ShuQian, "舒前村"))
	}},
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		before := snapshot(t, s)
		for _, cascade := range []bool{false, true} {
			got, err := s.DeleteNode(bg, "org:nowhere", cascade)
			wantErr(t, "DeleteNode(missing)", err, graph.ErrNotFound)
			if len(got) != 0 {
				t.Errorf("DeleteNode(missing) = %q; want nothing", got)
			}
		}
		unchanged(t, s, before, "DeleteNode(missing)")
	}},
	{"ChildrenConflict", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		for _, id := range []string{f.Town, f.Street} {
			got, err := s.DeleteNode(bg, id, false)
			wantErr(t, "DeleteNode("+id+", no cascade)", err, graph.ErrConflict)
			if len(got) != 0 {
				t.Errorf("DeleteNode = %q with an error", got)
			}
		}
		unchanged(t, s, before, "a refused DeleteNode")
		// Members of an alliance are not its children.
		got, err := s.DeleteNode(bg, f.Alliance, false)
		noErr(t, "DeleteNode(alliance)", err)
		wantIDs(t, "DeleteNode(alliance)", got, []string{f.Alliance})
		// A node pointing at a parent is a leaf.
		got, err = s.DeleteNode(bg, f.Makerspace, false)
		noErr(t, "DeleteNode(leaf)", err)
		wantIDs(t, "DeleteNode(leaf)", got, []string{f.Makerspace})
	}},
	{"Cascade", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// An outside edge into the subtree and a grandchild two ways down.
		MustCreateNode(t, s, org("org:branch", "支部"))
		MustCreateEdge(t, s, edge(graph.RelSubOrganisationOf, "org:branch", f.Makerspace))
		MustCreateEdge(t, s, edge(graph.RelAdjacentTo, f.ShuHou, f.Enterprise))
		got, err := s.DeleteNode(bg, f.TwoNew, true)
		noErr(t, "DeleteNode(cascade)", err)
		want := sorted(f.TwoNew, f.Town, f.Makerspace, f.Enterprise, "org:branch")
		wantIDs(t, "DeleteNode(cascade)", got, want)
		snap := snapshot(t, s)
		wantIDs(t, "nodes left", nodeIDs(snap.Nodes),
			sorted(f.Street, f.Alliance, f.ShuQian, f.ShuHou, f.ShengDun, f.Community, f.Person, f.Source))
		for _, e := range snap.Edges {
			for _, gone := range want {
				if e.From == gone || e.To == gone {
					t.Errorf("edge %s still joins deleted node %s", e.ID, gone)
				}
			}
		}
		if c := counts(t, s); c != (graph.Counts{Nodes: 8, Edges: 5}) {
			t.Errorf("Counts = %+v; want 8 nodes (the source among them), 5 edges (4 MEMBER_OF, MENTORS)", c)
		}
		// Cascade on a leaf removes just it.
		got, err = s.DeleteNode(bg, f.ShuHou, true)
		noErr(t, "DeleteNode(leaf, cascade)", err)
		wantIDs(t, "DeleteNode(leaf, cascade)", got, []string{f.ShuHou})
	}},
}
