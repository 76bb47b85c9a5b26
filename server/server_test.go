package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/examples"
	"github.com/orgnet/orgnet/server/gql"
)

// gqlResponse is a GraphQL response with its data left raw.
type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
	status     int
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

type harness struct {
	t      testing.TB
	store  graph.Store
	h      http.Handler
	broker *gql.Broker
}

func newHarness(t testing.TB, s graph.Store, name string) *harness {
	t.Helper()
	b := gql.NewBroker()
	return &harness{t: t, store: s, broker: b, h: server.New(server.Config{Store: s, StoreName: name, Broker: b, Logger: slog.New(slog.DiscardHandler)})}
}

func seeded(t testing.TB, open func(testing.TB) graph.Store, name string) *harness {
	t.Helper()
	s := open(t)
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return newHarness(t, s, name)
}

// in returns the harness reporting to t (a subtest's), so that Fatal stops
// the right goroutine.
func (h *harness) in(t testing.TB) *harness {
	c := *h
	c.t = t
	return &c
}

func (h *harness) do(query string, vars map[string]any, header ...string) gqlResponse {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	var r gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		h.t.Fatalf("response is not JSON (%d): %s", rec.Code, rec.Body.String())
	}
	r.status = rec.Code
	if rec.Code >= 500 {
		h.t.Fatalf("status %d for %s: %s", rec.Code, query, rec.Body.String())
	}
	return r
}

// ok runs a query that must succeed and decodes its data into out.
func (h *harness) ok(query string, vars map[string]any, out any) {
	h.t.Helper()
	r := h.do(query, vars)
	if len(r.Errors) > 0 {
		h.t.Fatalf("query failed: %+v\n%s", r.Errors, query)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			h.t.Fatalf("decode data: %v: %s", err, r.Data)
		}
	}
}

func eachStore(t *testing.T, f func(t *testing.T, open func(testing.TB) graph.Store, name string)) {
	for _, s := range testenv.Stores() {
		t.Run(s.Name, func(t *testing.T) { f(t, s.Open, s.Name) })
	}
}

func example(t *testing.T, name string) examples.Example {
	t.Helper()
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if strings.Contains(e.Name, name) {
			return e
		}
	}
	t.Fatalf("no example named like %q", name)
	return examples.Example{}
}

func names(ns []struct {
	Name string `json:"name"`
}) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name
	}
	return out
}

// TestExamples runs every GraphiQL example on both stores and checks that
// each answers the article's question.
func TestExamples(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		all, err := examples.All()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			r := h.do(e.Query, e.Variables)
			if len(r.Errors) > 0 {
				t.Errorf("example %q failed: %+v", e.Name, r.Errors)
			}
		}

		t.Run("chain", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				Organisation struct {
					Ancestors []struct {
						ID   string `json:"id"`
						Name string `json:"name"`
						Tier *int   `json:"tier"`
					} `json:"ancestors"`
				} `json:"organisation"`
			}
			h.ok(example(t, "Chain").Query, nil, &d)
			as := d.Organisation.Ancestors
			if len(as) < 2 || as[len(as)-1].Name != "岳林街道党工委" {
				t.Fatalf("ancestors = %+v; want a chain ending at 岳林街道党工委", as)
			}
			found := false
			for _, a := range as {
				found = found || a.Name == "甬台众创小镇党群建设工作委员会"
			}
			if !found {
				t.Errorf("chain %+v does not pass through 甬台众创小镇党群建设工作委员会", as)
			}
		})
		t.Run("shujia", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				Alliance struct {
					Since   string `json:"since"`
					Members []struct {
						Role         string `json:"role"`
						Organisation struct {
							Name string `json:"name"`
						} `json:"organisation"`
					} `json:"members"`
				} `json:"alliance"`
			}
			h.ok(example(t, "舒家").Query, nil, &d)
			got := map[string]bool{}
			for _, m := range d.Alliance.Members {
				got[m.Organisation.Name] = true
			}
			for _, want := range []string{"舒前村", "舒后村", "圣墩村"} {
				if !got[want] {
					t.Errorf("舒家 members %v lack %s", got, want)
				}
			}
			if !strings.HasPrefix(d.Alliance.Since, "2016-10") {
				t.Errorf("since = %q; want 2016-10…", d.Alliance.Since)
			}
		})
		t.Run("four branches", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				Alliance struct {
					Branches []struct {
						Name string `json:"name"`
					} `json:"branches"`
				} `json:"alliance"`
			}
			h.ok(example(t, "four branches").Query, nil, &d)
			if n := len(d.Alliance.Branches); n != 4 {
				t.Fatalf("branches = %v; want 4", names(d.Alliance.Branches))
			}
		})
		t.Run("four stations one centre", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				Stations struct {
					TotalCount int `json:"totalCount"`
				} `json:"stations"`
				Centre struct {
					Name   string `json:"name"`
					Hosted []any  `json:"hosted"`
				} `json:"centre"`
			}
			h.ok(example(t, "四站一中心").Query, nil, &d)
			if d.Stations.TotalCount != 4 || d.Centre.Name == "" || len(d.Centre.Hosted) == 0 {
				t.Fatalf("四站一中心 = %+v; want 4 stations and a centre hosting something", d)
			}
		})
		t.Run("shengdun to street", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				ShortestPath *struct {
					Length int `json:"length"`
					Nodes  []struct {
						ID string `json:"id"`
					} `json:"nodes"`
				} `json:"shortestPath"`
			}
			h.ok(example(t, "圣墩村").Query, nil, &d)
			p := d.ShortestPath
			if p == nil || p.Length < 1 || p.Nodes[0].ID != "org:shengdun-village" || p.Nodes[len(p.Nodes)-1].ID != "org:yuelin-party-working-committee" || len(p.Nodes) != p.Length+1 {
				t.Fatalf("path = %+v", p)
			}
		})
		t.Run("illustrative", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				Organisations struct {
					TotalCount int `json:"totalCount"`
					Nodes      []struct {
						Provenance struct {
							Quote string `json:"quote"`
						} `json:"provenance"`
					} `json:"nodes"`
				} `json:"organisations"`
			}
			h.ok(example(t, "illustrative").Query, nil, &d)
			if d.Organisations.TotalCount == 0 {
				t.Fatal("no illustrative organisations")
			}
			for _, n := range d.Organisations.Nodes {
				if n.Provenance.Quote == "" {
					t.Errorf("an illustrative organisation does not say why it is illustrative")
				}
			}
		})
		t.Run("search", func(t *testing.T) {
			h := h.in(t)
			var d struct {
				Search []struct {
					Name string `json:"name"`
				} `json:"search"`
			}
			e := example(t, "Search")
			h.ok(e.Query, e.Variables, &d)
			if len(d.Search) == 0 || d.Search[0].Name != "圣墩村" {
				t.Fatalf("search 圣墩 = %v; want 圣墩村 first", d.Search)
			}
		})
	})
}

// TestSameAnswersOnBothStores runs every example on both stores and compares
// the JSON answers byte for byte.
func TestSameAnswersOnBothStores(t *testing.T) {
	mem := seeded(t, testenv.Memory, "memory")
	neo := seeded(t, func(tb testing.TB) graph.Store { return testenv.Neo4j(tb) }, "neo4j")
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		a, b := mem.do(e.Query, e.Variables), neo.do(e.Query, e.Variables)
		if len(a.Errors)+len(b.Errors) > 0 {
			t.Errorf("%s: errors memory=%v neo4j=%v", e.Name, a.Errors, b.Errors)
			continue
		}
		if !bytes.Equal(a.Data, b.Data) {
			t.Errorf("%s: answers differ\nmemory: %s\nneo4j:  %s", e.Name, a.Data, b.Data)
		}
	}
}

func TestErrors(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		tests := []struct {
			name, query, code string
		}{
			{"missing organisation", `{ organisation(id: "org:no-such") { id } }`, gql.CodeNotFound},
			{"missing organisation by a name", `{ organisation(id: "没有的村") { id } }`, gql.CodeNotFound},
			{"missing path end", `{ shortestPath(from: "org:no-such", to: "alliance:shujia") { length } }`, gql.CodeNotFound},
			{"alliance id is not an organisation", `{ organisation(id: "alliance:shujia") { id } }`, gql.CodeNotFound},
			{"depth too deep", `{ neighbourhood(id: "alliance:shujia", depth: 99) { truncated } }`, gql.CodeBadUserInput},
			{"limit zero", `{ neighbourhood(id: "alliance:shujia", limit: 0) { truncated } }`, gql.CodeBadUserInput},
			{"huge first", `{ organisations(first: 100000) { totalCount } }`, gql.CodeBadUserInput},
			{"bad cursor", `{ organisations(after: "!!") { totalCount } }`, gql.CodeBadUserInput},
			{"bad enum", `{ alliances(type: NOT_A_TYPE) { id } }`, gql.CodeBadUserInput},
			{"syntax error", `{ organisation(id: `, gql.CodeBadUserInput},
			{"unknown field", `{ nope }`, gql.CodeBadUserInput},
			{"empty search", `{ search(text: "   ") { id } }`, gql.CodeBadUserInput},
			{"bad date", `mutation { createPairing(mentorId: "org:shuqian-village", menteeId: "org:shuhou-village", since: "2016-13-45") { id } }`, gql.CodeBadUserInput},
			{"subtree too deep", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 50) { truncated } }`, gql.CodeBadUserInput},
			{"path to nowhere", `{ shortestPath(from: "org:shengdun-village", to: "org:no-such") { length } }`, gql.CodeNotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				h := h.in(t)
				r := h.do(tc.query, nil)
				if got := r.code(); got != tc.code {
					t.Errorf("code = %q; want %q (errors %+v)", got, tc.code, r.Errors)
				}
			})
		}
	})
}

// TestRejectedMutationsChangeNothing checks each refused mutation leaves the
// whole graph as it was.
func TestRejectedMutationsChangeNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		ctx := context.Background()
		before, err := h.store.Snapshot(ctx, graph.View{})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, query, code string
		}{
			{"parent missing", `mutation { createOrganisation(input: {id: "org:new", kind: PARTY_BRANCH, name: "新支部", parentId: "org:no-such"}) { id } }`, gql.CodeNotFound},
			{"id taken", `mutation { createOrganisation(input: {id: "org:shengdun-village", kind: VILLAGE, name: "圣墩村"}) { id } }`, gql.CodeConflict},
			{"id taken with parent", `mutation { createOrganisation(input: {id: "org:shengdun-village", kind: VILLAGE, name: "圣墩村", parentId: "org:yuelin-party-working-committee"}) { id } }`, gql.CodeConflict},
			{"empty name", `mutation { createOrganisation(input: {kind: VILLAGE, name: ""}) { id } }`, gql.CodeBadUserInput},
			{"tier out of range", `mutation { createOrganisation(input: {kind: VILLAGE, name: "某村", tier: 9}) { id } }`, gql.CodeBadUserInput},
			{"delete with children", `mutation { deleteOrganisation(id: "org:yuelin-party-working-committee") { deletedIds } }`, gql.CodeConflict},
			{"alliance with a missing member", `mutation { createAlliance(input: {id: "alliance:new", name: "新联合体", type: SERVICE_SHARE, memberIds: ["org:shengdun-village", "org:no-such"]}) { id } }`, gql.CodeNotFound},
			{"link wrong labels", `mutation { link(input: {type: MEMBER_OF, source: "alliance:shujia", target: "org:shengdun-village"}) { id } }`, gql.CodeBadUserInput},
			{"link existing", `mutation { addMember(allianceId: "alliance:shujia", organisationId: "org:shengdun-village") { id } }`, gql.CodeConflict},
			{"remove non-member", `mutation { removeMember(allianceId: "alliance:shujia", organisationId: "org:xinbao-village") { id } }`, gql.CodeNotFound},
			{"pairing with itself", `mutation { createPairing(mentorId: "org:shengdun-village", menteeId: "org:shengdun-village") { id } }`, gql.CodeBadUserInput},
			{"update missing", `mutation { updateOrganisation(id: "org:no-such", input: {name: "x"}) { id } }`, gql.CodeNotFound},
			{"update bad attribute", `mutation { updateOrganisation(id: "org:shengdun-village", input: {name: "改名", attributes: [{key: "id", value: 1}]}) { id } }`, gql.CodeBadUserInput},
			{"delete pairing that is not one", `mutation { deletePairing(id: "MEMBER_OF:org:shengdun-village->alliance:shujia") { deletedIds } }`, gql.CodeNotFound},
			{"unlink missing", `mutation { unlink(id: "nope") { deletedIds } }`, gql.CodeNotFound},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				h := h.in(t)
				r := h.do(tc.query, nil)
				if got := r.code(); got != tc.code {
					t.Errorf("code = %q; want %q (errors %+v)", got, tc.code, r.Errors)
				}
				after, err := h.store.Snapshot(ctx, graph.View{})
				if err != nil {
					t.Fatal(err)
				}
				if !sameGraph(before, after) {
					t.Errorf("the graph changed after a rejected mutation")
				}
			})
		}
	})
}

func sameGraph(a, b *graph.Snapshot) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func TestMutations(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		var c struct {
			CreateOrganisation struct {
				ID     string `json:"id"`
				Parent struct {
					ID string `json:"id"`
				} `json:"parent"`
				Attributes []struct {
					Key   string `json:"key"`
					Value any    `json:"value"`
				} `json:"attributes"`
				Provenance struct {
					Source string `json:"source"`
				} `json:"provenance"`
			} `json:"createOrganisation"`
		}
		h.ok(`mutation { createOrganisation(input: {kind: PARTY_BRANCH, tier: 3, name: "测试众创空间党支部", nameEn: "Test Makerspace Party Branch",
			parentId: "org:startup-town-party-mass-committee", attributes: [{key: "members", value: 12}]}) {
			id parent { id } attributes { key value } provenance { source } } }`, nil, &c)
		o := c.CreateOrganisation
		if o.ID != "org:test-makerspace-party-branch" || o.Parent.ID != "org:startup-town-party-mass-committee" || o.Provenance.Source != "USER" {
			t.Fatalf("created %+v", o)
		}
		if len(o.Attributes) != 1 || o.Attributes[0].Value != float64(12) {
			t.Errorf("attributes = %+v", o.Attributes)
		}
		var u struct {
			UpdateOrganisation struct {
				Name string `json:"name"`
				Tier int    `json:"tier"`
			} `json:"updateOrganisation"`
		}
		h.ok(`mutation { updateOrganisation(id: "org:test-makerspace-party-branch", input: {name: "改名党支部"}) { name tier } }`, nil, &u)
		if u.UpdateOrganisation.Name != "改名党支部" || u.UpdateOrganisation.Tier != 3 {
			t.Errorf("updated = %+v", u)
		}
		var a struct {
			CreateAlliance struct {
				ID      string `json:"id"`
				Type    string `json:"type"`
				Members []struct {
					Organisation struct {
						ID string `json:"id"`
					} `json:"organisation"`
				} `json:"members"`
			} `json:"createAlliance"`
		}
		h.ok(`mutation { createAlliance(input: {name: "测试联合体", nameEn: "Test Alliance", type: SERVICE_SHARE, since: "2024-01-01",
			memberIds: ["org:xinbao-village"]}) { id type members { organisation { id } } } }`, nil, &a)
		if a.CreateAlliance.ID != "alliance:test-alliance" || a.CreateAlliance.Type != "SERVICE_SHARE" || len(a.CreateAlliance.Members) != 1 {
			t.Fatalf("alliance = %+v", a)
		}
		h.ok(`mutation { addMember(allianceId: "alliance:test-alliance", organisationId: "org:test-makerspace-party-branch", role: "member") { id } }`, nil, nil)
		var m struct {
			Alliance struct {
				Members []any `json:"members"`
			} `json:"alliance"`
		}
		h.ok(`{ alliance(id: "alliance:test-alliance") { members { role } } }`, nil, &m)
		if len(m.Alliance.Members) != 2 {
			t.Errorf("members after addMember = %d; want 2", len(m.Alliance.Members))
		}
		h.ok(`mutation { removeMember(allianceId: "alliance:test-alliance", organisationId: "org:test-makerspace-party-branch") { id } }`, nil, nil)
		var p struct {
			CreatePairing struct {
				ID     string `json:"id"`
				Mentor struct {
					ID string `json:"id"`
				} `json:"mentor"`
			} `json:"createPairing"`
		}
		h.ok(`mutation { createPairing(mentorId: "org:xinbao-village", menteeId: "org:test-makerspace-party-branch", since: "2024-02-01") { id mentor { id } } }`, nil, &p)
		if p.CreatePairing.Mentor.ID != "org:xinbao-village" {
			t.Errorf("pairing = %+v", p)
		}
		h.ok(`mutation($id: ID!) { deletePairing(id: $id) { deletedIds } }`, map[string]any{"id": p.CreatePairing.ID}, nil)
		var d struct {
			DeleteOrganisation struct {
				DeletedIds []string `json:"deletedIds"`
			} `json:"deleteOrganisation"`
		}
		h.ok(`mutation { deleteOrganisation(id: "org:test-makerspace-party-branch") { deletedIds } }`, nil, &d)
		if len(d.DeleteOrganisation.DeletedIds) != 1 {
			t.Errorf("deleted = %v", d)
		}
		if r := h.do(`{ organisation(id: "org:test-makerspace-party-branch") { id } }`, nil); r.code() != gql.CodeNotFound {
			t.Errorf("after delete: %+v", r.Errors)
		}
	})
}

// TestRoundTripsBounded checks that a page of 50 organisations with parent,
// children, ancestors and alliances costs the same store round trips as a
// page of 1.
func TestRoundTripsBounded(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		q := `query($n: Int) { organisations(first: $n) { totalCount nodes { id parent { id } children { id } ancestors { id }
			alliances { alliance { id name } } mentors { mentor { name } } } } }`
		trips := func(n int) float64 {
			r := h.do(q, map[string]any{"n": n}, gql.RoundTripsHeader, "1")
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			v, ok := r.Extensions["roundTrips"].(float64)
			if !ok {
				t.Fatalf("no extensions.roundTrips in %+v", r.Extensions)
			}
			return v
		}
		one, fifty := trips(1), trips(50)
		t.Logf("%s: round trips for a page of 1: %v, of 50: %v", name, one, fifty)
		if one != fifty || fifty > 8 {
			t.Errorf("round trips: page of 1 = %v, page of 50 = %v; want equal and small", one, fifty)
		}
		if r := h.do(`{ stats { nodes } }`, nil); r.Extensions["roundTrips"] != nil {
			t.Errorf("roundTrips reported without being asked")
		}
	})
}

// TestRoundTripsPerQuery pins the store round trips of the query shapes of
// the benchmark: on Neo4j a root field by id with every nested relation
// field below it is one statement (graph.Expand), and so is a page with
// nested relations (FindNodesExpand); the embedded store goes level by level.
func TestRoundTripsPerQuery(t *testing.T) {
	cases := []struct {
		name          string
		query         string
		neo4j, memory float64
	}{
		{"organisation with parent, children, alliances",
			`{ organisation(id: "org:shuqian-village") { id name parent { id name } children { id name } alliances { alliance { id name } } } }`, 1, 4},
		{"organisation three levels down",
			`{ organisation(id: "org:yuelin-party-working-committee") { children { ... on Organisation { children { ... on Organisation { children { id } } } } } } }`, 1, 4},
		{"alliance members and their mentors",
			`{ alliance(id: "alliance:shujia") { id members { role organisation { id mentors { mentor { id name } } } } } }`, 1, 3},
		{"node by id with aliases of one relation",
			`{ node(id: "org:shuqian-village") { id ... on Organisation { up: parent { id } p: parent { name } } } }`, 1, 2},
		{"organisation without relations", `{ organisation(id: "org:shuqian-village") { id name } }`, 1, 1},
		{"page of organisations with children",
			`{ organisations(first: 50) { nodes { id children { id } alliances { alliance { id } } } } }`, 1, 4},
		{"organisation with ancestors (level by level)",
			`{ organisation(id: "org:shuqian-village") { parent { id } ancestors { id ... on Organisation { children { id } } } } }`, 3, 4},
		{"neighbourhood nodes", `{ neighbourhood(id: "org:shuqian-village", depth: 2) { nodes { id } } }`, 1, 1},
	}
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := h.in(t).do(c.query, nil, gql.RoundTripsHeader, "1")
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %+v", r.Errors)
				}
				want := c.memory
				if name == "neo4j" {
					want = c.neo4j
				}
				if got := r.Extensions["roundTrips"]; got != want {
					t.Errorf("round trips = %v; want %v", got, want)
				}
			})
		}
	})
}

type panicStore struct{ graph.Store }

func (panicStore) Node(context.Context, graph.View, string) (*graph.Node, error) { panic("boom") }

func TestPanicBecomesInternal(t *testing.T) {
	h := newHarness(t, panicStore{testenv.Memory(t)}, "memory")
	r := h.do(`{ node(id: "x") { id } }`, nil)
	if r.code() != gql.CodeInternal || r.status >= 500 || strings.Contains(r.Errors[0].Message, "boom") {
		t.Fatalf("panic answered %d %+v; want INTERNAL without detail", r.status, r.Errors)
	}
	// The server still answers.
	if r := h.do(`{ stats { nodes } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("after a panic: %+v", r.Errors)
	}
}

func TestHTTP(t *testing.T) {
	h := seeded(t, testenv.Memory, "memory")
	get := func(path string) (int, string, string) {
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, rec.Header().Get("Content-Type"), string(b)
	}
	tests := []struct {
		path, contains string
		code           int
	}{
		{"/healthz", `"ok"`, 200},
		{"/readyz", `"ready"`, 200},
		{"/graphiql/", "<div id=", 200},
		{"/graphiql/examples.json", "MakerspaceChain", 200},
		{"/graphql?query=%7Bstats%7Bnodes%7D%7D", `"stats"`, 200},
		{"/no-such-page", "error", 404},
	}
	for _, tc := range tests {
		code, _, body := get(tc.path)
		if code != tc.code || !strings.Contains(body, tc.contains) {
			t.Errorf("GET %s = %d %.200q; want %d containing %q", tc.path, code, body, tc.code, tc.contains)
		}
	}
}

// TestReadmeQueries runs every ```graphql block of the README on both stores.
func TestReadmeQueries(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	if len(blocks) < 3 {
		t.Fatalf("README has %d graphql examples; want several", len(blocks))
	}
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		for _, m := range blocks {
			if strings.HasPrefix(strings.TrimSpace(m[1]), "subscription") {
				continue
			}
			if r := h.do(m[1], nil); len(r.Errors) > 0 {
				t.Errorf("README query failed: %+v\n%s", r.Errors, m[1])
			}
		}
	})
}

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}

// TestGraphChanged subscribes over a websocket and sees a mutation made
// through another request.
func TestGraphChanged(t *testing.T) {
	h := seeded(t, testenv.Memory, "memory")
	c := client.New(h.h, client.Path("/graphql"))
	sub := c.Websocket(`subscription { graphChanged { kind operation ids } }`)
	defer sub.Close()
	done := make(chan gqlResponse, 1)
	go func() {
		var resp struct {
			GraphChanged struct {
				Kind      string   `json:"kind"`
				Operation string   `json:"operation"`
				IDs       []string `json:"ids"`
			} `json:"graphChanged"`
		}
		err := sub.Next(&resp)
		b, _ := json.Marshal(resp)
		r := gqlResponse{Data: b}
		if err != nil {
			r.Errors = []gqlError{{Message: err.Error()}}
		}
		done <- r
	}()
	// The subscription must be registered before the mutation publishes.
	for i := 0; i < 200 && h.broker.Subscribers() == 0; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	h.ok(`mutation { createPairing(mentorId: "org:xinbao-village", menteeId: "org:maojia-village") { id } }`, nil, nil)
	select {
	case r := <-done:
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		s := string(r.Data)
		if !strings.Contains(s, `"kind":"LINKED"`) || !strings.Contains(s, "org:maojia-village") || !strings.Contains(s, "createPairing") {
			t.Fatalf("change = %s", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no change arrived within 10s")
	}
}

// TestAnalysis checks centrality and communities answer on both stores and
// that a change invalidates the cached answer.
func TestAnalysis(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		type scores struct {
			Centrality []struct {
				ID    string  `json:"id"`
				Score float64 `json:"score"`
				Rank  int     `json:"rank"`
			} `json:"centrality"`
		}
		var d scores
		q := `{ centrality(measure: DEGREE, top: 5) { id score rank node { name } } }`
		h.ok(q, nil, &d)
		if len(d.Centrality) != 5 || d.Centrality[0].Rank != 1 {
			t.Fatalf("centrality = %+v", d.Centrality)
		}
		for i := 1; i < len(d.Centrality); i++ {
			if d.Centrality[i].Score > d.Centrality[i-1].Score {
				t.Errorf("not sorted: %+v", d.Centrality)
			}
		}
		var c struct {
			Communities struct {
				Modularity  float64 `json:"modularity"`
				Communities []struct {
					Size    int      `json:"size"`
					Members []string `json:"members"`
				} `json:"communities"`
			} `json:"communities"`
		}
		h.ok(`{ communities(relations: [MEMBER_OF, ADJACENT_TO, MENTORS, SUB_ORGANISATION_OF]) { modularity communities { size members } } }`, nil, &c)
		if c.Communities.Modularity <= 0 || len(c.Communities.Communities) < 2 {
			t.Fatalf("communities = %+v", c.Communities)
		}
		// Give a village many new links: it must become the most central.
		for _, to := range []string{"org:shuqian-village", "org:shuhou-village", "org:xinbao-village", "org:maojia-village", "org:dongjiao-village", "org:hengshan-village", "org:sanheng-village", "org:zhoujia-village", "org:wangjia-village", "org:xujia-village", "org:tangwan-village", "org:shanqian-village"} {
			r := h.do(`mutation($to: ID!) { link(input: {type: ADJACENT_TO, source: "org:shengdun-village", target: $to}) { id } }`, map[string]any{"to": to})
			if len(r.Errors) > 0 && r.code() != gql.CodeConflict {
				t.Fatalf("link: %+v", r.Errors)
			}
		}
		h.ok(`{ centrality(measure: DEGREE, top: 1, relations: [ADJACENT_TO]) { id score rank } }`, nil, &d)
		if d.Centrality[0].ID != "org:shengdun-village" {
			t.Errorf("after linking, top ADJACENT_TO degree = %+v; want 圣墩村 (stale cache?)", d.Centrality)
		}
		if r := h.do(`{ centrality(measure: DEGREE, top: 100000) { id } }`, nil); r.code() != gql.CodeBadUserInput {
			t.Errorf("huge top: %+v", r.Errors)
		}
	})
}

// TestAsOfAndHistory is issue "History and language" on both stores.
func TestAsOfAndHistory(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		alliances := func(date string) []string {
			var d struct {
				Organisation struct {
					Alliances []struct {
						Alliance struct {
							ID string `json:"id"`
						} `json:"alliance"`
					} `json:"alliances"`
				} `json:"organisation"`
			}
			h.ok(`query($d: Date) { organisation(id: "org:shengdun-village", asOf: $d) { alliances { alliance { id } } } }`, map[string]any{"d": date}, &d)
			var ids []string
			for _, a := range d.Organisation.Alliances {
				ids = append(ids, a.Alliance.ID)
			}
			return ids
		}
		if got := alliances("2017-01-01"); !slices.Contains(got, "alliance:shujia") {
			t.Errorf("圣墩村's alliances as of 2017-01-01 = %v; want 舒家", got)
		}
		if got := alliances("2016-09-01"); slices.Contains(got, "alliance:shujia") {
			t.Errorf("圣墩村's alliances as of 2016-09-01 = %v; the 舒家 alliance began in October 2016", got)
		}
		if r := h.do(`{ alliance(id: "alliance:shujia", asOf: "2016-09-01") { id } }`, nil); r.code() != gql.CodeNotFound {
			t.Errorf("舒家 alliance as of 2016-09-01: %+v; want NOT_FOUND", r.Errors)
		}
		// A membership ended today is absent tomorrow and present yesterday.
		h.ok(`mutation { removeMember(allianceId: "alliance:shujia", organisationId: "org:shengdun-village") { id } }`, nil, nil)
		today := graph.Today()
		day := func(delta int) string {
			d, _ := time.Parse(graph.DateLayout, today)
			return d.AddDate(0, 0, delta).Format(graph.DateLayout)
		}
		if got := alliances(day(-1)); !slices.Contains(got, "alliance:shujia") {
			t.Errorf("yesterday: %v; want 舒家", got)
		}
		if got := alliances(day(1)); slices.Contains(got, "alliance:shujia") {
			t.Errorf("tomorrow: %v; want no 舒家", got)
		}
		if got := alliances(""); slices.Contains(got, "alliance:shujia") {
			t.Errorf("today (default): %v; want no 舒家", got)
		}
		var hist struct {
			History []struct {
				Date string `json:"date"`
				Kind string `json:"kind"`
				Edge *struct {
					ID string `json:"id"`
				} `json:"edge"`
			} `json:"history"`
		}
		h.ok(`{ history(id: "org:shengdun-village") { date kind edge { id } } }`, nil, &hist)
		var ended bool
		for _, e := range hist.History {
			ended = ended || (e.Kind == "ENDED" && e.Date == today && e.Edge != nil && strings.Contains(e.Edge.ID, "alliance:shujia"))
		}
		if !ended {
			t.Errorf("history lacks the membership ended today: %+v", hist.History)
		}
		var ch struct {
			Changes []struct {
				Kind string `json:"kind"`
			} `json:"changes"`
		}
		h.ok(`query($f: Date!, $t: Date!) { changes(from: $f, to: $t) { kind } }`, map[string]any{"f": today, "t": day(1)}, &ch)
		if len(ch.Changes) != 1 || ch.Changes[0].Kind != "ENDED" {
			t.Errorf("changes today = %+v; want the one ended membership", ch.Changes)
		}
		// Rejoining starts a new period; both stay in the history.
		h.ok(`mutation($d: Date) { addMember(allianceId: "alliance:shujia", organisationId: "org:shengdun-village", since: $d) { id } }`, map[string]any{"d": day(1)}, nil)
		if got := alliances(day(2)); !slices.Contains(got, "alliance:shujia") {
			t.Errorf("after rejoining: %v; want 舒家", got)
		}
	})
}

// TestPinyinSearch: shengdun, sdc and 圣墩 each find 圣墩村 first.
func TestPinyinSearch(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		for _, q := range []string{"shengdun", "sdc", "圣墩", "ShengDun", "sheng dun"} {
			var d struct {
				Search []struct {
					ID string `json:"id"`
				} `json:"search"`
			}
			h.ok(`query($q: String!) { search(text: $q) { id } }`, map[string]any{"q": q}, &d)
			if len(d.Search) == 0 || d.Search[0].ID != "org:shengdun-village" {
				t.Errorf("search(%q) = %v; want 圣墩村 first", q, d.Search)
			}
		}
	})
}

func TestExportRoute(t *testing.T) {
	h := seeded(t, testenv.Memory, "memory")
	tests := []struct {
		path, ctype, contains string
		code                  int
	}{
		{"/export/json", "application/json", `"orgnet/v1"`, 200},
		{"/export/graphml?alliance=alliance:shujia", "xml", "圣墩村", 200},
		{"/export/gexf?root=org:shengdun-village&depth=1", "xml", "圣墩村", 200},
		{"/export/g6", "json", "combos", 200},
		{"/export/nope", "", "BAD_USER_INPUT", 400},
		{"/export/json?root=org:no-such", "", "error", 404},
		{"/export/json?asOf=yesterday", "", "BAD_USER_INPUT", 400},
	}
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.code || !strings.Contains(rec.Header().Get("Content-Type"), tc.ctype) || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("GET %s = %d %s %.120q", tc.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
		if tc.code == 200 && !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment; filename=") {
			t.Errorf("GET %s: no download file name", tc.path)
		}
	}
}
