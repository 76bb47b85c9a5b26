package server_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// Hostile provenance (issue 15, row 8): a fact labelled stated (ARTICLE) or
// INFERRED must quote a registered source verbatim. Every case below is
// refused with BAD_USER_INPUT whose message and extensions.field name the
// field at fault, and the store is unchanged (Snapshot JSON). Both stores.

const forgedQuote = "岳林街道有一个秘密支部"

func TestHostileProvenance(t *testing.T) {
	const (
		create = `mutation($p: ProvenanceInput) {
  createOrganisation(input: {id: "org:hostile-prov", kind: PARTY_BRANCH, name: "秘密支部", parentId: "org:yuelin-party-working-committee", provenance: $p}) { id }
}`
		relabel = `mutation($p: ProvenanceInput) { updateOrganisation(id: "org:dongjiao-village", input: {provenance: $p}) { id } }`
		link    = `mutation($p: ProvenanceInput) {
  link(input: {type: ADJACENT_TO, source: "org:shengdun-village", target: "org:xinbao-village", provenance: $p}) { id }
}`
		alliance = `mutation($p: ProvenanceInput) { createAlliance(input: {id: "alliance:hostile", name: "秘密联合体", provenance: $p}) { id } }`
	)
	stated := func(sourceID, quote string) map[string]any {
		p := map[string]any{"source": "ARTICLE", "quote": quote}
		if sourceID != "" {
			p["sourceId"] = sourceID
		}
		return p
	}
	const real = "征地拆迁全面推行“支部建在项目上”" // a heading of the article
	cases := []struct {
		name, query string
		p           map[string]any
		field       string
		msg         string
	}{
		// The attack: ARTICLE with an invented quote and no source.
		{"forged quote, no source", create, stated("", forgedQuote), "provenance.sourceId", "required"},
		{"forged quote on create", create, stated(seed.YuelinSourceID, forgedQuote), "provenance.quote", "does not occur verbatim"},
		{"full-width comma", create, stated(seed.YuelinSourceID, "舒前、舒后、圣墩三村作为项目主战场，村党员干部"), "provenance.quote", "width of punctuation"},
		{"fragment", create, stated(seed.YuelinSourceID, "岳林街道"), "provenance.quote", "at least 10"},
		{"unknown source", create, stated("source:nowhere", real), "provenance.sourceId", "not a registered source"},
		{"INFERRED without reasoning", create, map[string]any{"source": "INFERRED", "sourceId": seed.YuelinSourceID, "quote": real}, "provenance.reasoning", "required"},
		{"INFERRED forged", create, map[string]any{"source": "INFERRED", "sourceId": seed.YuelinSourceID, "quote": forgedQuote, "reasoning": "it follows"}, "provenance.quote", "verbatim"},
		{"reasoning on ARTICLE", create, map[string]any{"source": "ARTICLE", "sourceId": seed.YuelinSourceID, "quote": real, "reasoning": "x"}, "provenance.reasoning", "INFERRED"},
		{"sourceId on ILLUSTRATIVE", create, map[string]any{"source": "ILLUSTRATIVE", "sourceId": seed.YuelinSourceID, "quote": "a guess"}, "provenance.sourceId", "only for ARTICLE and INFERRED"},
		// An ILLUSTRATIVE seed node relabelled ARTICLE with an invented
		// quote, which would take it out of "everything illustrative".
		{"relabel illustrative to ARTICLE", relabel, stated(seed.YuelinSourceID, "东郊村是岳林街道最强的村,带动周边各村"), "provenance.quote", "does not occur verbatim"},
		{"relabel illustrative, no source", relabel, stated("", "东郊村是岳林街道最强的村,带动周边各村"), "provenance.sourceId", "required"},
		{"forged edge", link, stated(seed.YuelinSourceID, forgedQuote), "provenance.quote", "does not occur verbatim"},
		{"forged alliance", alliance, stated(seed.YuelinSourceID, forgedQuote), "provenance.quote", "does not occur verbatim"},
	}
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := snapshotJSON(t, h.store)
				r := h.in(t).do(c.query, map[string]any{"p": c.p})
				if r.code() != "BAD_USER_INPUT" {
					t.Fatalf("code %q, want BAD_USER_INPUT: %s %+v", r.code(), r.Data, r.Errors)
				}
				e := r.Errors[0]
				if f, _ := e.Extensions["field"].(string); f != c.field || !strings.Contains(e.Message, c.field) || !strings.Contains(e.Message, c.msg) {
					t.Errorf("error %q (field %v); want field %s and a message naming it and saying %q", e.Message, e.Extensions["field"], c.field, c.msg)
				}
				if after := snapshotJSON(t, h.store); after != before {
					t.Errorf("store changed (%d bytes before, %d after)", len(before), len(after))
				}
			})
		}
		t.Run("verbatim holds", func(t *testing.T) {
			// The same mutations with a verbatim quote are accepted, and
			// read back with their source.
			r := h.in(t).do(create, map[string]any{"p": map[string]any{"source": "INFERRED", "sourceId": seed.YuelinSourceID, "quote": real,
				"reasoning": "the street puts a branch on every land-acquisition project"}})
			if len(r.Errors) > 0 {
				t.Fatalf("create with a verbatim quote: %+v", r.Errors)
			}
			var got struct {
				Organisation struct {
					Provenance struct {
						Source, SourceID, Quote, Reasoning string
						SourceDocument                     struct{ Title string }
					}
				}
			}
			h.in(t).ok(`{ organisation(id: "org:hostile-prov") { provenance { source sourceId quote reasoning sourceDocument { title } } } }`, nil, &got)
			p := got.Organisation.Provenance
			if p.Source != "INFERRED" || p.SourceID != seed.YuelinSourceID || p.Quote != real || p.Reasoning == "" ||
				!strings.HasPrefix(p.SourceDocument.Title, "用党建“金钥匙”开启发展之门") {
				t.Errorf("provenance read back %+v", p)
			}
			h.in(t).ok(`mutation { deleteOrganisation(id: "org:hostile-prov") { deletedIds } }`, nil, nil)
		})
	})
}

// TestHostileProvenanceImport: POST /import of a file with a forged quote, an
// unknown source, an INFERRED fact without reasoning is 400 BAD_USER_INPUT
// listing each problem at its place; nothing is written. Both stores.
func TestHostileProvenanceImport(t *testing.T) {
	doc := `{"format":"orgnet/v1","nodes":[
{"id":"org:imp-a","label":"Organisation","kind":"PARTY_BRANCH","name":"甲支部","provenance":{"source":"ARTICLE","quote":"` + forgedQuote + `"}},
{"id":"org:imp-b","label":"Organisation","kind":"PARTY_BRANCH","name":"乙支部","provenance":{"source":"ARTICLE","sourceId":"source:nowhere","quote":"征地拆迁全面推行“支部建在项目上”"}},
{"id":"org:imp-c","label":"Organisation","kind":"PARTY_BRANCH","name":"丙支部","provenance":{"source":"INFERRED","sourceId":"` + seed.YuelinSourceID + `","quote":"征地拆迁全面推行“支部建在项目上”"}}
],"edges":[]}`
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		f := newImportFixture(t, open, name, 0)
		if _, err := f.store.Apply(t.Context(), seed.Yuelin()); err != nil {
			t.Fatal(err)
		}
		before := snapshotJSON(t, f.store)
		for _, q := range []string{"?format=json&dryRun=true", "?format=json"} {
			status, a := f.post(t, q, adminTok, []byte(doc))
			if status != http.StatusBadRequest || len(a.Errors) == 0 || a.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
				t.Fatalf("POST /import%s: %d %+v; want 400 BAD_USER_INPUT", q, status, a)
			}
			all := strings.Join(a.Errors[0].Extensions.Problems, "\n")
			for _, want := range []string{"provenance.quote does not occur verbatim", "provenance.sourceId \"source:nowhere\"", "provenance.reasoning is required"} {
				if !strings.Contains(all, want) {
					t.Errorf("POST /import%s problems:\n%s\ndo not say %q", q, all, want)
				}
			}
		}
		if after := snapshotJSON(t, f.store); after != before {
			t.Errorf("a refused import changed the store")
		}
	})
}

// TestSources: the article is registered with the seed and listed; admins
// (only) register more, which facts may then quote; a source's text is
// bounded; a source is no node of the network.
func TestSources(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		s := open(t)
		if _, err := s.Apply(t.Context(), seed.Yuelin()); err != nil {
			t.Fatal(err)
		}
		sf := newSecFixture(t)
		app := server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler), Broker: gql.NewBroker(),
			Security: server.Security{Auth: sf.authn(t, false, auth.RoleViewer)}})
		h := newHarness(t, s, name)
		h.h = app
		as := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

		var list struct {
			Sources []struct {
				ID, Title, Author, Kind string
				Length                  int
			}
			Source *struct{ Text string }
			Node   *struct{ ID string }
			Search []struct{ ID string }
		}
		r := h.do(`{ sources { id title author kind length } source(id: "source:yuelin-article") { text }
  node(id: "source:yuelin-article") { id } search(text: "金钥匙") { id } }`, nil)
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &list) != nil {
			t.Fatalf("sources: %s %+v", r.Data, r.Errors)
		}
		if len(list.Sources) != 1 || list.Sources[0].ID != seed.YuelinSourceID || list.Sources[0].Author != "柳家欢" ||
			list.Sources[0].Kind != "NEWS_ARTICLE" || list.Sources[0].Length < 4000 {
			t.Errorf("sources = %+v; want the Yuelin article", list.Sources)
		}
		if list.Source == nil || list.Source.Text != seed.ArticleText {
			t.Errorf("source(id).text is not the article")
		}
		if list.Node != nil || len(list.Search) != 0 {
			t.Errorf("the source is a node of the network: node %+v, search %+v", list.Node, list.Search)
		}

		const register = `mutation($in: RegisterSourceInput!) { registerSource(input: $in) { id title registeredBy length } }`
		in := map[string]any{"id": "source:survey", "kind": "REPORT", "title": "调研报告", "text": "本报告记录了某村党支部的成立经过和组织情况。"}
		for _, tok := range []string{viewerTok, editorTok} {
			if r := h.do(register, map[string]any{"in": in}, as(tok)...); r.code() != "FORBIDDEN" {
				t.Errorf("registerSource with %s: code %q, want FORBIDDEN", tok, r.code())
			}
		}
		big := map[string]any{"id": "source:big", "title": "大", "text": strings.Repeat("岳", graph.MaxSourceTextBytes/3+1)}
		if r := h.do(register, map[string]any{"in": big}, as(adminTok)...); r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "text") {
			t.Errorf("registerSource over 1 MiB: %s %+v; want BAD_USER_INPUT naming the text", r.code(), r.Errors)
		}
		var reg struct {
			RegisterSource struct {
				ID, Title, RegisteredBy string
				Length                  int
			}
		}
		r = h.do(register, map[string]any{"in": in}, as(adminTok)...)
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &reg) != nil || reg.RegisterSource.RegisteredBy != "Ada Admin" || reg.RegisterSource.Length != 22 {
			t.Fatalf("registerSource as admin: %s %+v", r.Data, r.Errors)
		}
		if r := h.do(register, map[string]any{"in": in}, as(adminTok)...); r.code() != "CONFLICT" {
			t.Errorf("registerSource again: %q, want CONFLICT", r.code())
		}
		// A fact may quote the new source now.
		r = h.do(`mutation { createOrganisation(input: {id: "org:surveyed", kind: PARTY_BRANCH, name: "某村党支部",
  provenance: {source: ARTICLE, sourceId: "source:survey", quote: "某村党支部的成立经过和组织情况"}}) { provenance { sourceDocument { title } } } }`, nil, as(editorTok)...)
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "调研报告") {
			t.Errorf("a fact quoting the new source: %s %+v", r.Data, r.Errors)
		}
	})
}
