package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// Sources and quotes: a registered source document is a node labelled
// graph.LabelSource; every write checks each stated (ARTICLE) and inferred
// (INFERRED) provenance against the source it names (graph.QuoteChecker):
// a forged quote, an unknown source, a missing source id or reasoning is
// ErrInvalid naming the field, and changes nothing. A source's text never
// changes and a source is never deleted (ErrConflict).

// wantField checks that err is ErrInvalid naming field (and, when the
// message is given, containing it).
func wantField(t *testing.T, what string, err error, field string, msg ...string) {
	t.Helper()
	wantErr(t, what, err, graph.ErrInvalid)
	var ge *graph.Error
	if !errors.As(err, &ge) {
		return
	}
	if ge.Field != field {
		t.Errorf("%s: error field = %q; want %q (%v)", what, ge.Field, field, err)
	}
	for _, m := range msg {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("%s: error %q does not say %q", what, err, m)
		}
	}
}

// problemField is the field a batch problem names.
func problemField(p graph.Problem) string {
	if p.Field != "" {
		return p.Field
	}
	var ge *graph.Error
	if errors.As(p.Err, &ge) {
		return ge.Field
	}
	return ""
}

// inferred is an INFERRED provenance quoting q from FixtureSource.
func inferred(q, why string) graph.Provenance {
	return graph.Provenance{Source: graph.SourceInferred, SourceID: "doc:fixture", Quote: q, Reasoning: why}
}

const (
	goodQuote   = "舒前、舒后、圣墩三村作为项目主战场"
	forgedQuote = "岳林街道有一个秘密支部,书记是外星人"
)

var sourcesTests = []test{
	{"Register", func(t *testing.T, s graph.Store) {
		// Text in NFD (e + combining acute) is kept in NFC, the form quotes
		// are compared in.
		d := graph.Document{ID: "source:report", Kind: "REPORT", Title: "调研报告", TitleEn: "A survey",
			Author: "某人", Publication: "某刊", URL: "https://example.org/r", Published: "2017-06",
			Text: "Caf\u0065\u0301 au lait: 舒前、舒后、圣墩三村作为项目主战场,村党员干部", Ref: "admin"}
		got, err := s.CreateNode(bg, d.Node())
		noErr(t, "CreateNode(source)", err)
		stored, err := s.Node(bg, graph.View{}, d.ID)
		noErr(t, "Node(source)", err)
		want := d
		want.Text = "Caf\u00e9 au lait: 舒前、舒后、圣墩三村作为项目主战场,村党员干部"
		for what, n := range map[string]*graph.Node{"CreateNode": got, "Node": stored} {
			if doc := graph.DocumentOf(n); doc == nil || *doc != want {
				t.Errorf("%s: DocumentOf = %+v; want %+v", what, doc, want)
			}
		}
		// A quote in NFD matches the NFC text.
		n := org("org:a", "甲村")
		n.Provenance = graph.Provenance{Source: graph.SourceArticle, SourceID: d.ID, Quote: "Caf\u0065\u0301 au lait: 舒前"}
		MustCreateNode(t, s, n)
		// Registering the same id again: CONFLICT.
		_, err = s.CreateNode(bg, d.Node())
		wantErr(t, "CreateNode(source again)", err, graph.ErrConflict)
	}},
	{"Invalid", func(t *testing.T, s graph.Store) {
		base := FixtureSource()
		cases := []struct {
			name, field string
			change      func(n *graph.Node)
		}{
			{"NoText", "attrs.text", func(n *graph.Node) { delete(n.Attrs, graph.AttrText) }},
			{"BlankText", "attrs.text", func(n *graph.Node) { n.Attrs[graph.AttrText] = " \n " }},
			{"TextTooLong", "attrs.text", func(n *graph.Node) { n.Attrs[graph.AttrText] = strings.Repeat("岳", graph.MaxSourceTextBytes/3+1) }},
			{"UnknownAttr", "attrs.colour", func(n *graph.Node) { n.Attrs["colour"] = "red" }},
			{"BadPublished", "attrs.published", func(n *graph.Node) { n.Attrs[graph.AttrPublished] = "June 2017" }},
			{"Stated", "provenance.source", func(n *graph.Node) { n.Provenance = art(goodQuote) }},
			{"Tier", "tier", func(n *graph.Node) { n.Tier = 1 }},
			{"Kind", "kind", func(n *graph.Node) { n.Kind = "VILLAGE" }},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				n := base.Clone()
				tc.change(n)
				_, err := s.CreateNode(bg, *n)
				wantField(t, "CreateNode", err, tc.field)
				_, err = s.Apply(bg, graph.Batch{Nodes: []graph.Node{*n}})
				wantErr(t, "Apply", err, graph.ErrInvalid)
				if c := counts(t, s); c.Nodes != 0 {
					t.Errorf("Counts = %+v after a refused source; want none", c)
				}
			})
		}
	}},
	{"CreateNode", func(t *testing.T, s graph.Store) {
		MustRegisterFixtureSource(t, s)
		before := snapshot(t, s)
		with := func(p graph.Provenance) graph.Node {
			n := org("org:x", "某村")
			n.Provenance = p
			return n
		}
		shortQuote := art("三村作为")
		noSource := art(goodQuote)
		noSource.SourceID = ""
		unknown := art(goodQuote)
		unknown.SourceID = "source:nowhere"
		wide := art("舒前、舒后、圣墩三村作为项目主战场，村党员干部") // full-width comma; the text has ","
		articleReasoning := art(goodQuote)
		articleReasoning.Reasoning = "because"
		illustrativeSource := graph.Provenance{Source: graph.SourceIllustrative, SourceID: "doc:fixture", Quote: "illustrative: a guess"}
		cases := []struct {
			name, field string
			p           graph.Provenance
			msg         []string
		}{
			{"Forged", "provenance.quote", art(forgedQuote), []string{"verbatim", "doc:fixture"}},
			{"Wide", "provenance.quote", wide, []string{"width of punctuation"}},
			{"Short", "provenance.quote", shortQuote, []string{"at least 10"}},
			{"NoSourceID", "provenance.sourceId", noSource, []string{"required"}},
			{"UnknownSource", "provenance.sourceId", unknown, []string{"source:nowhere", "not a registered source"}},
			{"InferredForged", "provenance.quote", inferred(forgedQuote, "it follows"), nil},
			{"InferredNoReasoning", "provenance.reasoning", inferred(goodQuote, " "), []string{"INFERRED"}},
			{"InferredTwoLines", "provenance.reasoning", inferred(goodQuote, "one\ntwo"), []string{"one line"}},
			{"ArticleReasoning", "provenance.reasoning", articleReasoning, nil},
			{"IllustrativeSource", "provenance.sourceId", illustrativeSource, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateNode(bg, with(tc.p))
				wantField(t, "CreateNode", err, tc.field, tc.msg...)
				unchanged(t, s, before, "a refused CreateNode")
			})
		}
		// What holds is written, with its source id and reasoning.
		for _, p := range []graph.Provenance{art(goodQuote), inferred(goodQuote, "三村 are the project's main battlefield: taken as its villages"),
			{Source: graph.SourceIllustrative, Quote: "illustrative: 岳林街道有一个秘密支部"}, {Source: graph.SourceUser, Quote: "a note"}} {
			n := with(p)
			got := MustCreateNode(t, s, n)
			wantNode(t, "CreateNode("+string(p.Source)+")", got, &n)
			stored, err := s.Node(bg, graph.View{}, n.ID)
			noErr(t, "Node", err)
			wantNode(t, "Node("+string(p.Source)+")", stored, &n)
			if _, err := s.DeleteNode(bg, n.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		// An attribute's own provenance is checked as well.
		n := with(art(goodQuote))
		n.Attrs = map[string]any{graph.AttrPopulation: int64(1)}
		n.AttrProvenance = map[string]graph.Provenance{graph.AttrPopulation: art(forgedQuote)}
		_, err := s.CreateNode(bg, n)
		wantField(t, "CreateNode(forged attribute)", err, "attrProvenance.population.quote")
		unchanged(t, s, before, "a refused CreateNode")
	}},
	{"UpdateNode", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		// An illustrative node relabelled ARTICLE with an invented quote.
		_, err := s.UpdateNode(bg, f.Community, graph.NodeUpdate{Provenance: ptr(art(forgedQuote))})
		wantField(t, "UpdateNode(relabel, forged)", err, "provenance.quote")
		_, err = s.UpdateNode(bg, f.Community, graph.NodeUpdate{Provenance: ptr(graph.Provenance{Source: graph.SourceArticle, Quote: forgedQuote})})
		wantField(t, "UpdateNode(relabel, no source)", err, "provenance.sourceId")
		_, err = s.UpdateNode(bg, f.Community, graph.NodeUpdate{Provenance: ptr(inferred(goodQuote, ""))})
		wantField(t, "UpdateNode(inferred, no reasoning)", err, "provenance.reasoning")
		unchanged(t, s, before, "a refused UpdateNode")
		// With a verbatim quote it holds.
		got, err := s.UpdateNode(bg, f.Community, graph.NodeUpdate{Provenance: ptr(inferred(goodQuote, "a community beside the three villages"))})
		noErr(t, "UpdateNode(inferred)", err)
		if got.Provenance.Source != graph.SourceInferred || got.Provenance.Reasoning == "" || got.Provenance.SourceID != f.Source {
			t.Errorf("UpdateNode(inferred) provenance = %+v", got.Provenance)
		}
		// Any update re-checks the node's quotes: a name change of a node
		// whose quote holds is fine.
		_, err = s.UpdateNode(bg, f.ShuQian, graph.NodeUpdate{Name: ptr("舒前村(新)")})
		noErr(t, "UpdateNode(name)", err)
	}},
	{"CreateEdge", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		e := graph.Edge{Type: graph.RelAdjacentTo, From: f.ShuQian, To: f.ShuHou, Provenance: art(forgedQuote)}
		_, err := s.CreateEdge(bg, e)
		wantField(t, "CreateEdge(forged)", err, "provenance.quote")
		e.Provenance = inferred(goodQuote, "")
		_, err = s.CreateEdge(bg, e)
		wantField(t, "CreateEdge(inferred, no reasoning)", err, "provenance.reasoning")
		unchanged(t, s, before, "a refused CreateEdge")
		e.Provenance = inferred(goodQuote, "two of the three main villages: taken as neighbours")
		got := MustCreateEdge(t, s, e)
		stored, err := s.Edge(bg, graph.View{}, got.ID)
		noErr(t, "Edge", err)
		e.ID = got.ID
		wantEdge(t, "Edge(inferred)", stored, &e)
		// No edge joins a source document.
		_, err = s.CreateEdge(bg, graph.Edge{Type: graph.RelHostedAt, From: f.ShuQian, To: f.Source})
		wantErr(t, "CreateEdge(to a source)", err, graph.ErrInvalid)
	}},
	{"Apply", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		bad := org("org:bad", "假村")
		bad.Provenance = art(forgedQuote)
		good := org("org:good", "真村")
		good.Provenance = art(goodQuote)
		_, err := s.Apply(bg, graph.Batch{
			Nodes: []graph.Node{good, bad},
			Edges: []graph.Edge{
				{Type: graph.RelAdjacentTo, From: f.ShuQian, To: f.ShuHou, Provenance: inferred(goodQuote, "")},
				{Type: graph.RelAdjacentTo, From: f.ShuHou, To: f.ShengDun, Provenance: art(goodQuote)},
			},
		})
		// ValidateBatch's problems (the shape of a provenance) come first,
		// then the quotes'.
		be := wantBatchError(t, err, "edge[0]", "node[1]")
		if be != nil && len(be.Problems) == 2 && (problemField(be.Problems[0]) != "provenance.reasoning" || problemField(be.Problems[1]) != "provenance.quote") {
			t.Errorf("problems = %v; want provenance.reasoning, provenance.quote", be.Problems)
		}
		unchanged(t, s, before, "a refused Apply")
		// A batch may bring its own source and quote it (the seed does).
		doc := graph.Document{ID: "source:new", Title: "新文件", Text: "第一句话说了一件事情。第二句话说了另一件事情。", Ref: "t"}
		cite := org("org:cite", "引村")
		cite.Provenance = graph.Provenance{Source: graph.SourceArticle, SourceID: doc.ID, Quote: "第二句话说了另一件事情"}
		res := MustApply(t, s, graph.Batch{Nodes: []graph.Node{cite, doc.Node()}})
		wantResult(t, "Apply(source and citation)", res, graph.ApplyResult{NodesCreated: 2})
		// Again, with the same text: an upsert.
		res = MustApply(t, s, graph.Batch{Nodes: []graph.Node{doc.Node(), cite}})
		wantResult(t, "Apply(again)", res, graph.ApplyResult{NodesUpdated: 2})
	}},
	{"ManyQuotes", func(t *testing.T, s graph.Store) {
		// A long source and many quotes: past a few checks the checker
		// indexes the text (a suffix array); answers must not change.
		var text strings.Builder
		for i := range 400 {
			fmt.Fprintf(&text, "第%d条:岳林街道第%d个项目完成了入户调查。\n", i, i)
		}
		doc := graph.Document{ID: "source:long", Title: "长文件", Text: text.String(), Ref: "t"}
		b := graph.Batch{Nodes: []graph.Node{doc.Node()}}
		for i := range 60 {
			n := org(fmt.Sprintf("org:q%02d", i), fmt.Sprintf("村%02d", i))
			n.Provenance = graph.Provenance{Source: graph.SourceArticle, SourceID: doc.ID, Quote: fmt.Sprintf("岳林街道第%d个项目完成了入户调查", i*5)}
			b.Nodes = append(b.Nodes, n)
		}
		MustApply(t, s, b)
		before := snapshot(t, s)
		b = graph.Batch{}
		for i := range 60 {
			n := org(fmt.Sprintf("org:r%02d", i), fmt.Sprintf("乙村%02d", i))
			q := fmt.Sprintf("岳林街道第%d个项目完成了入户调查", i*6)
			if i%20 == 19 {
				q = fmt.Sprintf("岳林街道第%d个项目没有完成入户调查", i) // not in the text
			}
			n.Provenance = graph.Provenance{Source: graph.SourceArticle, SourceID: doc.ID, Quote: q}
			b.Nodes = append(b.Nodes, n)
		}
		_, err := s.Apply(bg, b)
		wantBatchError(t, err, "node[19]", "node[39]", "node[59]")
		unchanged(t, s, before, "a refused Apply")
	}},
	{"Permanent", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		before := snapshot(t, s)
		_, err := s.DeleteNode(bg, f.Source, false)
		wantErr(t, "DeleteNode(source)", err, graph.ErrConflict)
		_, err = s.DeleteNode(bg, f.Source, true)
		wantErr(t, "DeleteNode(source, cascade)", err, graph.ErrConflict)
		_, err = s.Apply(bg, graph.Batch{DeleteNodes: []string{f.Source}})
		wantBatchError(t, err, "delete")
		_, err = s.UpdateNode(bg, f.Source, graph.NodeUpdate{Attrs: map[string]any{graph.AttrText: "另一个文本,完全不同的内容。"}})
		wantErr(t, "UpdateNode(source text)", err, graph.ErrConflict)
		changed := FixtureSource()
		changed.Attrs[graph.AttrText] = "另一个文本,完全不同的内容。"
		_, err = s.Apply(bg, graph.Batch{Nodes: []graph.Node{changed}})
		wantBatchError(t, err, "node[0]")
		unchanged(t, s, before, "a refused change of a source")
		// Its title and details may change.
		got, err := s.UpdateNode(bg, f.Source, graph.NodeUpdate{Name: ptr("新标题"), Attrs: map[string]any{graph.AttrURL: "https://example.org/a"}})
		noErr(t, "UpdateNode(source title)", err)
		if d := graph.DocumentOf(got); d == nil || d.Title != "新标题" || d.URL != "https://example.org/a" || d.Text != FixtureSource().Attrs[graph.AttrText] {
			t.Errorf("UpdateNode(source title) = %+v", d)
		}
	}},
}

// LegacyOpener opens a store that holds nodes and edges as a store written
// before sources were registered held them: written raw, without any
// check, ARTICLE facts without a source id.
type LegacyOpener func(t *testing.T, nodes []graph.Node, edges []graph.Edge) graph.Store

// RunLegacy checks, on a store open gives, that data written before sources
// were registered reads as it was stored, and that
// graph.MigrateLegacyProvenance brings it up to date: verbatim quotes cite
// the source, the others become USER, and a second run does nothing.
func RunLegacy(t *testing.T, open LegacyOpener) {
	src := FixtureSource()
	ok := func(q string) graph.Provenance { return graph.Provenance{Source: graph.SourceArticle, Quote: q} }
	nodes := []graph.Node{
		{ID: "org:stated", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "舒前村", Provenance: ok(goodQuote),
			Attrs: map[string]any{"a": int64(1), "b": int64(2), "c": int64(3)},
			AttrProvenance: map[string]graph.Provenance{"a": ok("岳林街道司法所王威磊"), "b": ok(forgedQuote),
				"c": {Source: graph.SourceIllustrative, Quote: "illustrative: guessed"}}},
		{ID: "org:forged", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "假村", Provenance: ok(forgedQuote)},
		{ID: "org:short", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "短村", Provenance: graph.Provenance{Source: graph.SourceArticle, Quote: "两新工委", Ref: "r"}},
		{ID: "org:invented", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "虚村", Provenance: graph.Provenance{Source: graph.SourceIllustrative, Quote: "illustrative: x"}},
	}
	edges := []graph.Edge{
		{ID: "ADJACENT_TO:org:stated->org:forged", Type: graph.RelAdjacentTo, From: "org:stated", To: "org:forged", Provenance: ok(goodQuote)},
		{ID: "ADJACENT_TO:org:forged->org:short", Type: graph.RelAdjacentTo, From: "org:forged", To: "org:short", Provenance: ok(forgedQuote)},
	}
	s := open(t, nodes, edges)
	// Reading works, as it was stored.
	got, err := s.Nodes(bg, graph.View{}, []string{"org:stated", "org:forged"})
	noErr(t, "Nodes(legacy)", err)
	for i, want := range nodes[:2] {
		wantNode(t, "Node(legacy "+want.ID+")", got[i], &want)
	}
	e, err := s.Edge(bg, graph.View{}, edges[0].ID)
	noErr(t, "Edge(legacy)", err)
	wantEdge(t, "Edge(legacy)", e, &edges[0])
	if c := counts(t, s); c != (graph.Counts{Nodes: 4, Edges: 2}) {
		t.Errorf("Counts(legacy) = %+v", c)
	}

	rep, err := graph.MigrateLegacyProvenance(bg, s, src)
	noErr(t, "MigrateLegacyProvenance", err)
	wantDown := []string{"edge ADJACENT_TO:org:forged->org:short provenance", "node org:forged provenance",
		"node org:short provenance", "node org:stated attrProvenance.b"}
	if !rep.Registered || rep.Cited != 3 {
		t.Errorf("MigrateLegacyProvenance = %+v; want registered, 3 cited", rep)
	}
	wantIDs(t, "downgraded", sorted(rep.Downgraded...), wantDown)

	snap := snapshot(t, s)
	byID := map[string]*graph.Node{}
	for _, n := range snap.Nodes {
		byID[n.ID] = n
	}
	if graph.DocumentOf(byID[src.ID]) == nil {
		t.Fatalf("the source %s is not registered after the migration", src.ID)
	}
	cites := graph.Provenance{Source: graph.SourceArticle, SourceID: src.ID}
	check := func(what string, got graph.Provenance, want graph.Provenance) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %+v; want %+v", what, got, want)
		}
	}
	stated := byID["org:stated"]
	check("org:stated", stated.Provenance, func() graph.Provenance { p := cites; p.Quote = goodQuote; return p }())
	check("org:stated a", stated.AttrProvenance["a"], func() graph.Provenance { p := cites; p.Quote = "岳林街道司法所王威磊"; return p }())
	check("org:stated b", stated.AttrProvenance["b"], graph.Provenance{Source: graph.SourceUser, Quote: forgedQuote, Ref: graph.LegacyRef(src.ID)})
	check("org:stated c", stated.AttrProvenance["c"], nodes[0].AttrProvenance["c"])
	check("org:forged", byID["org:forged"].Provenance, graph.Provenance{Source: graph.SourceUser, Quote: forgedQuote, Ref: graph.LegacyRef(src.ID)})
	check("org:short", byID["org:short"].Provenance, graph.Provenance{Source: graph.SourceUser, Quote: "两新工委", Ref: graph.LegacyRef(src.ID) + "; was r"})
	check("org:invented", byID["org:invented"].Provenance, nodes[3].Provenance)
	for _, e := range snap.Edges {
		want := graph.Provenance{Source: graph.SourceUser, Quote: forgedQuote, Ref: graph.LegacyRef(src.ID)}
		if e.ID == edges[0].ID {
			want = cites
			want.Quote = goodQuote
		}
		check(e.ID, e.Provenance, want)
	}
	if len(snap.Nodes) != 5 || len(snap.Edges) != 2 {
		t.Errorf("after the migration: %d nodes, %d edges; want 5 (the source added), 2", len(snap.Nodes), len(snap.Edges))
	}
	// Migrated nodes are valid again: an update passes every check.
	_, err = s.UpdateNode(bg, "org:stated", graph.NodeUpdate{Name: ptr("舒前村(迁)")})
	noErr(t, "UpdateNode after the migration", err)

	// A second run does nothing.
	before := snapshot(t, s)
	rep, err = graph.MigrateLegacyProvenance(bg, s, src)
	noErr(t, "MigrateLegacyProvenance(again)", err)
	if rep.Registered || rep.Cited != 0 || len(rep.Downgraded) != 0 {
		t.Errorf("MigrateLegacyProvenance(again) = %+v; want nothing done", rep)
	}
	unchanged(t, s, before, "a second migration")
}
