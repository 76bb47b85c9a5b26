package storetest

import (
	"testing"

	"github.com/orgnet/orgnet/graph"
)

var createEdgeTests = []test{
	{"OK", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		in := graph.Edge{Type: graph.RelAdjacentTo, From: f.ShuQian, To: f.ShuHou, Since: "2016-10-01",
			Attrs:      map[string]any{"km": 1.5, "roads": 2, "paved": true},
			Provenance: graph.Provenance{Source: graph.SourceIllustrative, Quote: "邻村"}}
		got, err := s.CreateEdge(bg, in)
		noErr(t, "CreateEdge", err)
		want := in
		want.ID = graph.EdgeID(graph.RelAdjacentTo, f.ShuQian, f.ShuHou)
		want.Attrs = map[string]any{"km": 1.5, "roads": int64(2), "paved": true}
		wantEdge(t, "CreateEdge", got, &want)
		stored, err := s.Edge(bg, graph.View{}, want.ID)
		noErr(t, "Edge", err)
		wantEdge(t, "Edge after CreateEdge", stored, &want)
		if c := counts(t, s); c.Edges != len(f.Edges)+1 {
			t.Errorf("Counts.Edges = %d; want %d", c.Edges, len(f.Edges)+1)
		}
	}},
	{"ExplicitIDAndDefaults", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		got, err := s.CreateEdge(bg, graph.Edge{ID: "adj:1", Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.ShuQian})
		noErr(t, "CreateEdge", err)
		want := &graph.Edge{ID: "adj:1", Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.ShuQian,
			Provenance: graph.Provenance{Source: graph.SourceUser}}
		wantEdge(t, "CreateEdge", got, want)
		stored, err := s.Edge(bg, graph.View{}, "adj:1")
		noErr(t, "Edge", err)
		wantEdge(t, "Edge", stored, want)
		// A second edge of the same type between the same nodes, under
		// another id, is a separate edge.
		MustCreateEdge(t, s, edge(graph.RelAdjacentTo, f.ShuHou, f.ShuQian))
		if c := counts(t, s); c.Edges != len(f.Edges)+2 {
			t.Errorf("Counts.Edges = %d; want %d", c.Edges, len(f.Edges)+2)
		}
	}},
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		for _, e := range []graph.Edge{
			edge(graph.RelMemberOf, "org:nowhere", f.Alliance),
			edge(graph.RelMemberOf, f.ShuQian, "alliance:nowhere"),
			edge(graph.RelAdjacentTo, "org:a", "org:b"),
		} {
			got, err := s.CreateEdge(bg, e)
			wantErr(t, "CreateEdge("+e.From+"->"+e.To+")", err, graph.ErrNotFound)
			if got != nil {
				t.Errorf("CreateEdge returned %+v with an error", got)
			}
		}
		unchanged(t, s, before, "CreateEdge(missing endpoint)")
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		ok := func(mod func(e *graph.Edge)) graph.Edge {
			e := edge(graph.RelAdjacentTo, f.ShuQian, f.ShuHou)
			mod(&e)
			return e
		}
		cases := []struct {
			name string
			e    graph.Edge
		}{
			{"MemberOfOrganisation", edge(graph.RelMemberOf, f.ShuQian, f.ShuHou)},
			{"RunsOrganisation", edge(graph.RelRuns, f.Town, f.Street)},
			{"HoldsPostFromOrganisation", edge(graph.RelHoldsPost, f.Town, f.Street)},
			{"SubOrganisationOfPerson", edge(graph.RelSubOrganisationOf, f.Person, f.Town)},
			{"SelfLoop", edge(graph.RelAdjacentTo, f.ShuQian, f.ShuQian)},
			{"SelfLoopSubOrg", edge(graph.RelSubOrganisationOf, f.Town, f.Town)},
			{"UnknownType", ok(func(e *graph.Edge) { e.Type = "LIKES" })},
			{"EmptyType", ok(func(e *graph.Edge) { e.Type = "" })},
			{"BadID", ok(func(e *graph.Edge) { e.ID = "a b" })},
			{"EmptyFrom", ok(func(e *graph.Edge) { e.From = "" })},
			{"BadDate", ok(func(e *graph.Edge) { e.Since = "2016-02-30" })},
			{"UntilBeforeSince", ok(func(e *graph.Edge) { e.Since, e.Until = "2017-01-01", "2016-01-01" })},
			{"ReservedAttrKey", ok(func(e *graph.Edge) { e.Attrs = map[string]any{"source": "x"} })},
			{"BadAttrType", ok(func(e *graph.Edge) { e.Attrs = map[string]any{"x": struct{}{}} })},
			{"ArticleWithoutQuote", ok(func(e *graph.Edge) { e.Provenance.Source = graph.SourceArticle })},
			{"QuoteInvalidUTF8", ok(func(e *graph.Edge) { e.Provenance = graph.Provenance{Source: graph.SourceArticle, Quote: "\xff"} })},
		}
		before := snapshot(t, s)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.CreateEdge(bg, tc.e)
				wantErr(t, "CreateEdge", err, graph.ErrInvalid)
				if got != nil {
					t.Errorf("CreateEdge returned %+v with an error", got)
				}
				unchanged(t, s, before, "CreateEdge("+tc.name+")")
			})
		}
	}},
	{"ErrConflict", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		// The default id of an existing fact.
		_, err := s.CreateEdge(bg, graph.Edge{Type: graph.RelMentors, From: f.ShuQian, To: f.ShengDun, Since: "2020-01-01"})
		wantErr(t, "CreateEdge(same fact)", err, graph.ErrConflict)
		// An explicit id already used by another edge.
		_, err = s.CreateEdge(bg, graph.Edge{ID: f.Post, Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.ShengDun})
		wantErr(t, "CreateEdge(taken id)", err, graph.ErrConflict)
		unchanged(t, s, before, "CreateEdge(conflict)")
	}},
}

var edgeTests = []test{
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		got, err := s.Edge(bg, graph.View{}, "MENTORS:nowhere->nowhere")
		wantErr(t, "Edge(missing)", err, graph.ErrNotFound)
		if got != nil {
			t.Errorf("Edge returned %+v with an error", got)
		}
		// A node id is not an edge id.
		_, err = s.Edge(bg, graph.View{}, f.Town)
		wantErr(t, "Edge(node id)", err, graph.ErrNotFound)
	}},
	{"Edges", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		all, err := s.Edges(bg, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
		noErr(t, "Edges", err)
		wantIDs(t, "Edges({})", edgeIDs(all), f.Edges)
		snap := snapshot(t, s)
		for i := range all {
			if i < len(snap.Edges) {
				wantEdge(t, "Edges()["+all[i].ID+"]", all[i], snap.Edges[i])
			}
		}
		sub := func(c, p string) string { return graph.EdgeID(graph.RelSubOrganisationOf, c, p) }
		cases := []struct {
			name string
			f    graph.EdgeFilter
			want []string
		}{
			{"Type", graph.EdgeFilter{Types: []graph.RelType{graph.RelMentors}}, []string{f.Mentors}},
			{"Types", graph.EdgeFilter{Types: []graph.RelType{graph.RelHoldsPost, graph.RelMentors}}, sorted(f.Mentors, f.Post)},
			{"Source", graph.EdgeFilter{Sources: []graph.Source{graph.SourceIllustrative}},
				sorted(f.Mentors, f.Post, sub(f.TwoNew, f.Street), sub(f.Town, f.TwoNew), sub(f.Makerspace, f.Town), sub(f.Enterprise, f.Town))},
			{"TypeAndSource", graph.EdgeFilter{Types: []graph.RelType{graph.RelMemberOf, graph.RelMentors},
				Sources: []graph.Source{graph.SourceIllustrative}}, []string{f.Mentors}},
			{"None", graph.EdgeFilter{Types: []graph.RelType{graph.RelRuns}}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Edges(bg, graph.View{}, tc.f, graph.EdgeRange{})
				noErr(t, "Edges", err)
				wantIDs(t, "Edges", edgeIDs(got), tc.want)
			})
		}
		_, err = s.Edges(bg, graph.View{}, graph.EdgeFilter{Types: []graph.RelType{"LIKES"}}, graph.EdgeRange{})
		wantErr(t, "Edges(unknown type)", err, graph.ErrInvalid)
		_, err = s.Edges(bg, graph.View{}, graph.EdgeFilter{Sources: []graph.Source{"RUMOUR"}}, graph.EdgeRange{})
		wantErr(t, "Edges(unknown source)", err, graph.ErrInvalid)
	}},
}

// findEdgesTests pin FindEdges as FindNodes is pinned: First 0 means
// graph.DefaultPageSize; TotalCount counts every match whatever the cursor;
// HasPrevPage tells that matches lie at or before the cursor; an unknown
// type or source, a bad cursor or page size is ErrInvalid.
var findEdgesTests = []test{
	{"Filters", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		all, err := s.Edges(bg, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
		noErr(t, "Edges", err)
		for _, ef := range []graph.EdgeFilter{
			{},
			{Types: []graph.RelType{graph.RelMentors}},
			{Sources: []graph.Source{graph.SourceIllustrative}},
			{Types: []graph.RelType{graph.RelMemberOf, graph.RelMentors}, Sources: []graph.Source{graph.SourceIllustrative}},
			{Types: []graph.RelType{graph.RelRuns}},
		} {
			want, err := s.Edges(bg, graph.View{}, ef, graph.EdgeRange{})
			noErr(t, "Edges", err)
			p, err := s.FindEdges(bg, graph.View{}, ef, graph.PageArgs{First: 50})
			noErr(t, "FindEdges", err)
			wantIDs(t, "FindEdges", edgeIDs(p.Edges), edgeIDs(want))
			if p.TotalCount != len(want) || p.HasNextPage || p.HasPrevPage {
				t.Errorf("FindEdges(%+v) page = total %d, next %v, prev %v; want total %d, no next, no prev", ef, p.TotalCount, p.HasNextPage, p.HasPrevPage, len(want))
			}
			for i := range p.Edges {
				wantEdge(t, "FindEdges["+p.Edges[i].ID+"]", p.Edges[i], want[i])
			}
		}
		if len(all) != len(f.Edges) {
			t.Errorf("%d edges; the fixture has %d", len(all), len(f.Edges))
		}
	}},
	{"Pagination", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		var got []string
		args := graph.PageArgs{First: 3}
		pages := 0
		for {
			p, err := s.FindEdges(bg, graph.View{}, graph.EdgeFilter{}, args)
			noErr(t, "FindEdges", err)
			pages++
			if p.TotalCount != len(f.Edges) || p.HasPrevPage != (args.After != "") || len(p.Edges) > 3 {
				t.Errorf("page %d: total %d, prev %v, %d edges", pages, p.TotalCount, p.HasPrevPage, len(p.Edges))
			}
			got = append(got, edgeIDs(p.Edges)...)
			if len(p.Edges) > 0 && (p.StartCursor != graph.EncodeCursor(p.Edges[0].ID) || p.EndCursor != graph.EncodeCursor(p.Edges[len(p.Edges)-1].ID)) {
				t.Errorf("page %d: cursors %q %q", pages, p.StartCursor, p.EndCursor)
			}
			if !p.HasNextPage {
				break
			}
			args.After = p.EndCursor
		}
		wantIDs(t, "FindEdges pages", got, f.Edges)
		if want := (len(f.Edges) + 2) / 3; pages != want {
			t.Errorf("%d pages of 3 for %d edges; want %d", pages, len(f.Edges), want)
		}
		// No total asked: a store may leave it 0; the page is the same.
		p, err := s.FindEdges(bg, graph.View{}, graph.EdgeFilter{}, graph.PageArgs{First: 3, NoTotal: true})
		noErr(t, "FindEdges", err)
		wantIDs(t, "FindEdges(NoTotal)", edgeIDs(p.Edges), sorted(f.Edges...)[:3])
		// First 0: the default page size.
		p, err = s.FindEdges(bg, graph.View{}, graph.EdgeFilter{}, graph.PageArgs{})
		noErr(t, "FindEdges", err)
		if len(p.Edges) != min(len(f.Edges), graph.DefaultPageSize) {
			t.Errorf("FindEdges(First 0): %d edges", len(p.Edges))
		}
	}},
	{"AsOf", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// The pairing begins 2017-01-01; the alliance (and so its
		// memberships) 2016-10-01; the town 2016-06-01.
		for _, date := range []string{"2016-01-01", "2016-12-01", "2018-01-01"} {
			v := graph.View{AsOf: date}
			want, err := s.Edges(bg, v, graph.EdgeFilter{}, graph.EdgeRange{})
			noErr(t, "Edges", err)
			p, err := s.FindEdges(bg, v, graph.EdgeFilter{}, graph.PageArgs{First: 50})
			noErr(t, "FindEdges", err)
			wantIDs(t, "FindEdges as of "+date, edgeIDs(p.Edges), edgeIDs(want))
			if p.TotalCount != len(want) {
				t.Errorf("as of %s: total %d; want %d", date, p.TotalCount, len(want))
			}
		}
		_ = f
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		Fixture(t, s)
		for name, c := range map[string]struct {
			f graph.EdgeFilter
			p graph.PageArgs
		}{
			"UnknownType":   {graph.EdgeFilter{Types: []graph.RelType{"LIKES"}}, graph.PageArgs{}},
			"UnknownSource": {graph.EdgeFilter{Sources: []graph.Source{"RUMOUR"}}, graph.PageArgs{}},
			"BadCursor":     {graph.EdgeFilter{}, graph.PageArgs{After: "not a cursor"}},
			"PageTooLarge":  {graph.EdgeFilter{}, graph.PageArgs{First: graph.MaxPageSize + 1}},
			"NegativePage":  {graph.EdgeFilter{}, graph.PageArgs{First: -1}},
		} {
			_, err := s.FindEdges(bg, graph.View{}, c.f, c.p)
			wantErr(t, "FindEdges("+name+")", err, graph.ErrInvalid)
		}
	}},
}

var deleteEdgeTests = []test{
	{"OK", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		noErr(t, "DeleteEdge", s.DeleteEdge(bg, f.Mentors))
		_, err := s.Edge(bg, graph.View{}, f.Mentors)
		wantErr(t, "Edge after DeleteEdge", err, graph.ErrNotFound)
		rel, err := s.Related(bg, graph.View{}, []string{f.ShuQian, f.ShengDun}, graph.RelQuery{Types: []graph.RelType{graph.RelMentors}})
		noErr(t, "Related", err)
		if len(rel[f.ShuQian])+len(rel[f.ShengDun]) != 0 {
			t.Errorf("Related still shows the deleted edge: %v", rel)
		}
		if c := counts(t, s); c != (graph.Counts{Nodes: len(f.Nodes), Edges: len(f.Edges) - 1}) {
			t.Errorf("Counts = %+v", c)
		}
		// The fact can be made again.
		MustCreateEdge(t, s, edge(graph.RelMentors, f.ShuQian, f.ShengDun))
	}},
	{"ErrNotFound", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		wantErr(t, "DeleteEdge(missing)", s.DeleteEdge(bg, "MENTORS:a->b"), graph.ErrNotFound)
		wantErr(t, "DeleteEdge(node id)", s.DeleteEdge(bg, f.Town), graph.ErrNotFound)
		noErr(t, "DeleteEdge", s.DeleteEdge(bg, f.Post))
		wantErr(t, "DeleteEdge(twice)", s.DeleteEdge(bg, f.Post), graph.ErrNotFound)
		if c := counts(t, s); c.Edges != len(before.Edges)-1 {
			t.Errorf("Counts.Edges = %d; want %d", c.Edges, len(before.Edges)-1)
		}
	}},
}

// rel is one expected Related entry: edge type, other node, edge id.
type rel struct{ typ, other, edge string }

func rels(rs []graph.Related) []rel {
	out := make([]rel, len(rs))
	for i, r := range rs {
		out[i] = rel{string(r.Edge.Type), r.Node.ID, r.Edge.ID}
	}
	return out
}

func wantRels(t *testing.T, what string, got []graph.Related, want []rel) {
	t.Helper()
	g := rels(got)
	if len(g) != len(want) {
		t.Errorf("%s = %v; want %v", what, g, want)
		return
	}
	for i := range g {
		if g[i] != want[i] {
			t.Errorf("%s = %v; want %v", what, g, want)
			return
		}
	}
}

var relatedTests = []test{
	{"Directions", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		sub := graph.EdgeID(graph.RelSubOrganisationOf, f.Town, f.TwoNew)
		subE := graph.EdgeID(graph.RelSubOrganisationOf, f.Enterprise, f.Town)
		subM := graph.EdgeID(graph.RelSubOrganisationOf, f.Makerspace, f.Town)
		both := []rel{
			{"HOLDS_POST", f.Person, f.Post},
			{"SUB_ORGANISATION_OF", f.Enterprise, subE},
			{"SUB_ORGANISATION_OF", f.Makerspace, subM},
			{"SUB_ORGANISATION_OF", f.TwoNew, sub},
		}
		cases := []struct {
			name string
			q    graph.RelQuery
			want []rel
		}{
			{"Both", graph.RelQuery{Dir: graph.Both}, both},
			{"Default", graph.RelQuery{}, both},
			{"Out", graph.RelQuery{Dir: graph.Out}, both[3:]},
			{"In", graph.RelQuery{Dir: graph.In}, both[:3]},
			{"Type", graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}}, both[1:]},
			{"TypeIn", graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.In}, both[1:3]},
			{"Types", graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost, graph.RelMemberOf}}, both[:1]},
			{"NoMatch", graph.RelQuery{Types: []graph.RelType{graph.RelRuns}}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.Related(bg, graph.View{}, []string{f.Town}, tc.q)
				noErr(t, "Related", err)
				wantRels(t, "Related(Town)", got[f.Town], tc.want)
			})
		}
		// The other node and the edge are whole values.
		got, err := s.Related(bg, graph.View{}, []string{f.Town}, graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}})
		noErr(t, "Related", err)
		if rs := got[f.Town]; len(rs) == 1 {
			p, _ := s.Node(bg, graph.View{}, f.Person)
			wantNode(t, "Related node", rs[0].Node, p)
			e, _ := s.Edge(bg, graph.View{}, f.Post)
			wantEdge(t, "Related edge", rs[0].Edge, e)
		}
	}},
	{"Order", func(t *testing.T, s graph.Store) {
		// By edge type as a string (ADJACENT_TO before SUB_ORGANISATION_OF,
		// though RelTypes lists SUB_ORGANISATION_OF first), then other node
		// id, then edge id for parallel edges.
		orgs(t, s, "org:m", "org:a", "org:z", "org:b")
		edges(t, s, graph.RelSubOrganisationOf, "org:m", "org:a")
		edges(t, s, graph.RelAdjacentTo, "org:m", "org:z", "org:z", "org:m", "org:b", "org:m")
		MustCreateEdge(t, s, graph.Edge{ID: "adj:0", Type: graph.RelAdjacentTo, From: "org:m", To: "org:z"})
		got, err := s.Related(bg, graph.View{}, []string{"org:m"}, graph.RelQuery{})
		noErr(t, "Related", err)
		wantRels(t, "Related(m)", got["org:m"], []rel{
			{"ADJACENT_TO", "org:b", "ADJACENT_TO:org:b->org:m"},
			{"ADJACENT_TO", "org:z", "ADJACENT_TO:org:m->org:z"},
			{"ADJACENT_TO", "org:z", "ADJACENT_TO:org:z->org:m"},
			{"ADJACENT_TO", "org:z", "adj:0"},
			{"SUB_ORGANISATION_OF", "org:a", "SUB_ORGANISATION_OF:org:m->org:a"},
		})
	}},
	{"ManyIDs", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		got, err := s.Related(bg, graph.View{}, []string{f.ShuQian, "org:missing", f.Alliance, f.ShuQian, f.Community}, graph.RelQuery{Dir: graph.Out})
		noErr(t, "Related", err)
		if _, ok := got["org:missing"]; ok {
			t.Errorf("Related has an entry for a missing id: %v", got["org:missing"])
		}
		wantRels(t, "Related(ShuQian)", got[f.ShuQian], []rel{
			{"MEMBER_OF", f.Alliance, graph.EdgeID(graph.RelMemberOf, f.ShuQian, f.Alliance)},
			{"MENTORS", f.ShengDun, f.Mentors},
		})
		wantRels(t, "Related(Alliance, Out)", got[f.Alliance], nil)
		wantRels(t, "Related(Community)", got[f.Community], []rel{
			{"MEMBER_OF", f.Alliance, graph.EdgeID(graph.RelMemberOf, f.Community, f.Alliance)},
		})
		for k := range got {
			if k != f.ShuQian && k != f.Alliance && k != f.Community {
				t.Errorf("Related has an entry for %q, which was not asked", k)
			}
		}
		in, err := s.Related(bg, graph.View{}, []string{f.Alliance}, graph.RelQuery{Dir: graph.In})
		noErr(t, "Related", err)
		var others []string
		for _, r := range in[f.Alliance] {
			others = append(others, r.Node.ID)
		}
		wantIDs(t, "Related(Alliance, In) nodes", others, sorted(f.ShuQian, f.ShuHou, f.ShengDun, f.Community))
		none, err := s.Related(bg, graph.View{}, nil, graph.RelQuery{})
		noErr(t, "Related(nil)", err)
		if len(none) != 0 {
			t.Errorf("Related(nil) = %v; want empty", none)
		}
	}},
	{"ErrInvalid", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		_, err := s.Related(bg, graph.View{}, []string{f.Town}, graph.RelQuery{Types: []graph.RelType{"LIKES"}})
		wantErr(t, "Related(unknown type)", err, graph.ErrInvalid)
		_, err = s.Related(bg, graph.View{}, []string{f.Town}, graph.RelQuery{Dir: "SIDEWAYS"})
		wantErr(t, "Related(unknown direction)", err, graph.ErrInvalid)
	}},
}

var ancestorsTests = []test{
	{"Chain", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		got, err := s.Ancestors(bg, graph.View{}, []string{f.Makerspace, f.Town, f.Street, "org:missing", f.ShuQian}, 0)
		noErr(t, "Ancestors", err)
		wantIDs(t, "Ancestors(Makerspace)", nodeIDs(got[f.Makerspace]), []string{f.Town, f.TwoNew, f.Street})
		wantIDs(t, "Ancestors(Town)", nodeIDs(got[f.Town]), []string{f.TwoNew, f.Street})
		wantIDs(t, "Ancestors(Street)", nodeIDs(got[f.Street]), nil)
		// MEMBER_OF is not followed.
		wantIDs(t, "Ancestors(ShuQian)", nodeIDs(got[f.ShuQian]), nil)
		if _, ok := got["org:missing"]; ok {
			t.Errorf("Ancestors has an entry for a missing id")
		}
		if a := got[f.Makerspace]; len(a) == 3 {
			n, _ := s.Node(bg, graph.View{}, f.TwoNew)
			wantNode(t, "Ancestors node", a[1], n)
		}
	}},
	{"Diamond", func(t *testing.T, s graph.Store) {
		// d → b, d → c, b → a, c → a, c → x: a once; nearest first, ties by
		// id. e → z → a, e → a: a is at distance 1 though z sorts after it.
		// y → q → p: nearer beats a smaller id.
		orgs(t, s, "o:a", "o:b", "o:c", "o:d", "o:x", "o:e", "o:z", "o:p", "o:q", "o:y")
		edges(t, s, graph.RelSubOrganisationOf,
			"o:d", "o:c", "o:d", "o:b", "o:b", "o:a", "o:c", "o:a", "o:c", "o:x",
			"o:e", "o:z", "o:z", "o:a", "o:e", "o:a",
			"o:y", "o:q", "o:q", "o:p")
		got, err := s.Ancestors(bg, graph.View{}, []string{"o:d", "o:e", "o:y", "o:a"}, 0)
		noErr(t, "Ancestors", err)
		wantIDs(t, "Ancestors(d)", nodeIDs(got["o:d"]), []string{"o:b", "o:c", "o:a", "o:x"})
		wantIDs(t, "Ancestors(e)", nodeIDs(got["o:e"]), []string{"o:a", "o:z"})
		wantIDs(t, "Ancestors(y)", nodeIDs(got["o:y"]), []string{"o:q", "o:p"})
		wantIDs(t, "Ancestors(a)", nodeIDs(got["o:a"]), nil)
	}},
}
