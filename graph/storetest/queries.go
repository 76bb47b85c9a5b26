package storetest

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

var findNodesTests = []test{
	{"Filters", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		villages := []string{f.ShuQian, f.ShuHou, f.ShengDun}
		cases := []struct {
			name string
			f    graph.NodeFilter
			want []string
		}{
			{"Empty", graph.NodeFilter{}, f.Nodes},
			{"Label", graph.NodeFilter{Labels: []graph.Label{graph.LabelAlliance}}, []string{f.Alliance}},
			{"Labels", graph.NodeFilter{Labels: []graph.Label{graph.LabelPerson, graph.LabelAlliance}}, sorted(f.Alliance, f.Person)},
			{"Kind", graph.NodeFilter{Kinds: []string{"VILLAGE"}}, sorted(villages...)},
			{"Kinds", graph.NodeFilter{Kinds: []string{"VILLAGE", "COMMUNITY"}}, sorted(append(villages, f.Community)...)},
			{"Tier", graph.NodeFilter{Tiers: []int{1}}, sorted(f.Street, f.TwoNew)},
			{"Tiers", graph.NodeFilter{Tiers: []int{2, 3}}, sorted(f.Town, f.Makerspace, f.Enterprise)},
			{"TierNone", graph.NodeFilter{Tiers: []int{0}}, sorted(f.Alliance, f.ShuQian, f.ShuHou, f.ShengDun, f.Community, f.Person, f.Source)},
			{"NameChinese", graph.NodeFilter{NameContains: "村"}, sorted(villages...)},
			{"NameChineseInner", graph.NodeFilter{NameContains: "岳林"}, sorted(f.Street, f.TwoNew)},
			{"NameEnglishCase", graph.NodeFilter{NameContains: "YUELIN"}, sorted(f.Street, f.TwoNew)},
			{"NameSpacesIgnored", graph.NodeFilter{NameContains: " shujia  COMM "}, []string{f.Community}},
			{"NameNone", graph.NodeFilter{NameContains: "北京"}, nil},
			{"Alliance", graph.NodeFilter{AllianceID: f.Alliance}, sorted(append(villages, f.Community)...)},
			{"AllianceMissing", graph.NodeFilter{AllianceID: "alliance:nowhere"}, nil},
			{"AllianceNotAnAlliance", graph.NodeFilter{AllianceID: f.Town}, nil},
			{"Source", graph.NodeFilter{Sources: []graph.Source{graph.SourceIllustrative}}, sorted(f.Enterprise, f.Community)},
			{"Sources", graph.NodeFilter{Sources: []graph.Source{graph.SourceUser, graph.SourceIllustrative}}, sorted(f.Enterprise, f.Community, f.Source)},
			{"SourceNone", graph.NodeFilter{Sources: []graph.Source{graph.SourceSynthetic}}, nil},
			{"AllianceType", graph.NodeFilter{AllianceType: "STRONG_VILLAGE_LEAD"}, []string{f.Alliance}},
			// 舒前村 is stated, its strength illustrative.
			{"AttrSource", graph.NodeFilter{AttrSources: []graph.Source{graph.SourceIllustrative}}, []string{f.ShuQian}},
			{"AttrSourceNone", graph.NodeFilter{AttrSources: []graph.Source{graph.SourceArticle, graph.SourceUser}}, nil},
			{"AttrSourceAndSource", graph.NodeFilter{AttrSources: []graph.Source{graph.SourceIllustrative}, Sources: []graph.Source{graph.SourceIllustrative}}, nil},
			{"AllianceTypeNone", graph.NodeFilter{AllianceType: "INDUSTRY_LINK"}, nil},
			{"KindAllianceName", graph.NodeFilter{Kinds: []string{"VILLAGE"}, AllianceID: f.Alliance, NameContains: "舒"},
				sorted(f.ShuQian, f.ShuHou)},
			{"LabelTier", graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Tiers: []int{3}}, sorted(f.Makerspace, f.Enterprise)},
			{"LabelSourceTier", graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation},
				Sources: []graph.Source{graph.SourceIllustrative}, Tiers: []int{0}}, []string{f.Community}},
			{"AllianceSource", graph.NodeFilter{AllianceID: f.Alliance, Sources: []graph.Source{graph.SourceArticle}}, sorted(villages...)},
			{"LabelKindMismatch", graph.NodeFilter{Labels: []graph.Label{graph.LabelPerson}, Kinds: []string{"VILLAGE"}}, nil},
			{"All", graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Kinds: []string{"VILLAGE"}, Tiers: []int{0},
				NameContains: "village", AllianceID: f.Alliance, Sources: []graph.Source{graph.SourceArticle}}, sorted(villages...)},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.FindNodes(bg, graph.View{}, tc.f, graph.PageArgs{First: 50})
				noErr(t, "FindNodes", err)
				wantIDs(t, "FindNodes", nodeIDs(p.Nodes), tc.want)
				if p.TotalCount != len(tc.want) || p.HasNextPage || p.HasPrevPage {
					t.Errorf("FindNodes page = total %d, next %v, prev %v; want total %d, no next, no prev",
						p.TotalCount, p.HasNextPage, p.HasPrevPage, len(tc.want))
				}
			})
		}
		p, err := s.FindNodes(bg, graph.View{}, graph.NodeFilter{Kinds: []string{"VILLAGE"}}, graph.PageArgs{First: 50})
		noErr(t, "FindNodes", err)
		if len(p.Nodes) > 0 {
			n, _ := s.Node(bg, graph.View{}, p.Nodes[0].ID)
			wantNode(t, "FindNodes node", p.Nodes[0], n)
		}
	}},
	{"Pagination", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		four := graph.NodeFilter{Kinds: []string{"VILLAGE", "COMMUNITY"}}
		fourIDs := sorted(f.ShuQian, f.ShuHou, f.ShengDun, f.Community)
		cases := []struct {
			name  string
			f     graph.NodeFilter
			first int
			want  []string
		}{
			{"First1", graph.NodeFilter{}, 1, f.Nodes},
			{"First2", graph.NodeFilter{}, 2, f.Nodes},
			{"First50", graph.NodeFilter{}, 50, f.Nodes},
			{"FirstAll", graph.NodeFilter{}, len(f.Nodes), f.Nodes},
			{"FirstAllButOne", graph.NodeFilter{}, len(f.Nodes) - 1, f.Nodes},
			{"Filter1", four, 1, fourIDs},
			{"Filter3", four, 3, fourIDs},
			{"Filter2", four, 2, fourIDs},
			{"NoMatch", graph.NodeFilter{NameContains: "北京"}, 2, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				after := ""
				for page := 0; ; page++ {
					if page > len(tc.want)+1 {
						t.Fatalf("FindNodes pages never end: got %q so far", got)
					}
					p, err := s.FindNodes(bg, graph.View{}, tc.f, graph.PageArgs{First: tc.first, After: after})
					noErr(t, "FindNodes", err)
					if p.TotalCount != len(tc.want) {
						t.Errorf("page %d: TotalCount = %d; want %d", page, p.TotalCount, len(tc.want))
					}
					if len(p.Nodes) > tc.first || (len(p.Nodes) == 0 && len(tc.want) > 0) {
						t.Fatalf("page %d: %d nodes; want 1..%d", page, len(p.Nodes), tc.first)
					}
					if p.HasPrevPage != (page > 0) {
						t.Errorf("page %d: HasPrevPage = %v; want %v", page, p.HasPrevPage, page > 0)
					}
					if len(p.Nodes) > 0 {
						if p.StartCursor != graph.EncodeCursor(p.Nodes[0].ID) || p.EndCursor != graph.EncodeCursor(p.Nodes[len(p.Nodes)-1].ID) {
							t.Errorf("page %d: cursors %q, %q; want the cursors of the first and last node", page, p.StartCursor, p.EndCursor)
						}
					} else if p.StartCursor != "" || p.EndCursor != "" {
						t.Errorf("empty page: cursors %q, %q; want empty", p.StartCursor, p.EndCursor)
					}
					got = append(got, nodeIDs(p.Nodes)...)
					if !p.HasNextPage {
						break
					}
					if len(p.Nodes) < tc.first {
						t.Errorf("page %d: %d nodes and HasNextPage; want a full page", page, len(p.Nodes))
					}
					after = p.EndCursor
				}
				wantIDs(t, "all pages", got, tc.want)
			})
		}
	}},
	{"Cursors", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// First 0 asks for the default page size.
		p, err := s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{})
		noErr(t, "FindNodes(First 0)", err)
		wantIDs(t, "FindNodes(First 0)", nodeIDs(p.Nodes), f.Nodes)
		// A cursor is a position: it need not name a stored node.
		p, err = s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 50, After: graph.EncodeCursor("org:t")})
		noErr(t, "FindNodes(after org:t)", err)
		wantIDs(t, "FindNodes(after org:t)", nodeIDs(p.Nodes), sorted(f.Town, f.TwoNew, f.Person))
		if p.TotalCount != len(f.Nodes) || !p.HasPrevPage || p.HasNextPage {
			t.Errorf("FindNodes(after org:t) = total %d prev %v next %v; want %d, true, false",
				p.TotalCount, p.HasPrevPage, p.HasNextPage, len(f.Nodes))
		}
		// After the last node: an empty page.
		p, err = s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 5, After: graph.EncodeCursor(f.Person)})
		noErr(t, "FindNodes(after the last)", err)
		if len(p.Nodes) != 0 || p.HasNextPage || !p.HasPrevPage || p.TotalCount != len(f.Nodes) || p.StartCursor != "" || p.EndCursor != "" {
			t.Errorf("FindNodes(after the last) = %q total %d next %v prev %v cursors %q %q",
				nodeIDs(p.Nodes), p.TotalCount, p.HasNextPage, p.HasPrevPage, p.StartCursor, p.EndCursor)
		}
		// A cursor stays good when its node is deleted.
		first, err := s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 3})
		noErr(t, "FindNodes", err)
		_, err = s.DeleteNode(bg, first.Nodes[2].ID, false)
		noErr(t, "DeleteNode", err)
		next, err := s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 2, After: first.EndCursor})
		noErr(t, "FindNodes(after a deleted node)", err)
		wantIDs(t, "FindNodes(after a deleted node)", nodeIDs(next.Nodes), f.Nodes[3:5])
		// Largest page.
		_, err = s.FindNodes(bg, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: graph.MaxPageSize})
		noErr(t, "FindNodes(MaxPageSize)", err)
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		cases := []struct {
			name string
			f    graph.NodeFilter
			p    graph.PageArgs
		}{
			{"NotBase64", graph.NodeFilter{}, graph.PageArgs{First: 2, After: "!!not a cursor!!"}},
			{"NoPrefix", graph.NodeFilter{}, graph.PageArgs{First: 2, After: base64.RawURLEncoding.EncodeToString([]byte("org:town"))}},
			{"FirstTooLarge", graph.NodeFilter{}, graph.PageArgs{First: graph.MaxPageSize + 1}},
			{"FirstNegative", graph.NodeFilter{}, graph.PageArgs{First: -1}},
			// Like Edges: a label or source that does not exist.
			{"UnknownLabel", graph.NodeFilter{Labels: []graph.Label{"Planet"}}, graph.PageArgs{First: 2}},
			{"UnknownSource", graph.NodeFilter{Sources: []graph.Source{"RUMOUR"}}, graph.PageArgs{First: 2}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p, err := s.FindNodes(bg, graph.View{}, tc.f, tc.p)
				wantErr(t, "FindNodes", err, graph.ErrInvalid)
				if p != nil {
					t.Errorf("FindNodes returned a page with an error")
				}
			})
		}
	}},
}

var searchTests = []test{
	{"Ranking", func(t *testing.T, s graph.Store) {
		n := func(id, name, nameEn string) graph.Node {
			o := org(id, name)
			o.NameEn = nameEn
			return o
		}
		MustApply(t, s, graph.Batch{Nodes: []graph.Node{
			n("s:0", "联盟", "PARTY"),
			n("s:00", "大党建", "Big Party Building"),
			n("s:1", "党建", "Party Building"),
			n("s:2", "党建联盟", "Party Alliance"),
			n("s:3", "岳林党建", "Yuelin Party Building"),
			n("s:4", "党建联盟", ""),
			n("s:5", "无关", "Unrelated"),
			n("s:6", "圣墩村区块拆迁指挥部", "Shengdun Block Demolition HQ"),
			n("s:7", "圣墩村", "Shengdun Village"),
		}})
		cases := []struct {
			text  string
			limit int
			want  []string
		}{
			// Exact, then prefix, then substring, whatever the ids (s:00
			// sorts first but only contains the text); then shorter Chinese
			// name (s:00 has 3 runes, s:3 4), then id (s:2, s:4).
			{"党建", 20, []string{"s:1", "s:2", "s:4", "s:00", "s:3"}},
			{"党建", 2, []string{"s:1", "s:2"}},
			{"党建", 1, []string{"s:1"}},
			{"党建", 4, []string{"s:1", "s:2", "s:4", "s:00"}},
			// The best of name and English name counts.
			{"联盟", 20, []string{"s:0", "s:2", "s:4"}},
			// Case-insensitive, spaces ignored.
			{"party", 20, []string{"s:0", "s:1", "s:2", "s:00", "s:3"}},
			{"PARTY", 20, []string{"s:0", "s:1", "s:2", "s:00", "s:3"}},
			{"Party Building", 20, []string{"s:1", "s:00", "s:3"}},
			{"  party   BUILDING ", 20, []string{"s:1", "s:00", "s:3"}},
			{"党 建 联", 20, []string{"s:2", "s:4"}},
			{"related", 20, []string{"s:5"}},
			// A shorter Chinese name first, though its id sorts later.
			{"圣墩", 20, []string{"s:7", "s:6"}},
			{"shengdun", 20, []string{"s:7", "s:6"}},
			// Pinyin, full or initials, ranks after every name match.
			{"dangjian", 20, []string{"s:1", "s:00", "s:2", "s:3", "s:4"}},
			{"DangJian LianMeng", 20, []string{"s:2", "s:4"}},
			{"djlm", 20, []string{"s:2", "s:4"}},
			{"sdc", 20, []string{"s:7", "s:6"}},
			{"lm", 20, []string{"s:0"}},
			{"lian", 20, []string{"s:2", "s:0", "s:4"}}, // s:2: "alliance" contains it
			// Initials match only at the start.
			{"jlm", 20, nil},
			{"xyz", 20, nil},
			{"党建", graph.MaxSearchLimit, []string{"s:1", "s:2", "s:4", "s:00", "s:3"}},
		}
		for _, tc := range cases {
			got, err := s.Search(bg, graph.View{}, tc.text, tc.limit)
			noErr(t, "Search", err)
			wantIDs(t, fmt.Sprintf("Search(%q, %d)", tc.text, tc.limit), nodeIDs(got), tc.want)
		}
		got, err := s.Search(bg, graph.View{}, "党建", 1)
		noErr(t, "Search", err)
		if len(got) == 1 {
			one, _ := s.Node(bg, graph.View{}, "s:1")
			wantNode(t, "Search node", got[0], one)
		}
	}},
	{"Fixture", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// Prefix matches all: by length of name (3, 3, 4, 9 runes), then id.
		got, err := s.Search(bg, graph.View{}, "舒", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(舒)", nodeIDs(got), []string{f.ShuHou, f.ShuQian, f.Community, f.Alliance})
		got, err = s.Search(bg, graph.View{}, "village", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(village)", nodeIDs(got), sorted(f.ShengDun, f.ShuHou, f.ShuQian))
		got, err = s.Search(bg, graph.View{}, "wangweilei", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(wangweilei)", nodeIDs(got), []string{f.Person})
		// A renamed node is found by its new name only.
		_, err = s.UpdateNode(bg, f.ShuHou, graph.NodeUpdate{Name: ptr("后村"), NameEn: ptr("")})
		noErr(t, "UpdateNode", err)
		got, err = s.Search(bg, graph.View{}, "舒后", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(舒后) after renaming", nodeIDs(got), nil)
		got, err = s.Search(bg, graph.View{}, "houcun", 20)
		noErr(t, "Search", err)
		wantIDs(t, "Search(houcun) after renaming", nodeIDs(got), []string{f.ShuHou})
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		cases := []struct {
			name  string
			text  string
			limit int
		}{
			{"Empty", "", 20},
			{"Spaces", "  \t ", 20},
			{"InvalidUTF8", "\xff", 20},
			{"LimitZero", "村", 0},
			{"LimitTooLarge", "村", graph.MaxSearchLimit + 1},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Search(bg, graph.View{}, tc.text, tc.limit)
				wantErr(t, "Search", err, graph.ErrInvalid)
				if got != nil {
					t.Errorf("Search returned %q with an error", nodeIDs(got))
				}
			})
		}
	}},
}
