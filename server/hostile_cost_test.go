package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/gql"
	"github.com/orgnet/orgnet/server/policy"
)

// The hostile-input suite's cost cases (issue #15, rows 1 and 2): lists
// without a maximum, first/limit/top out of range, subgraphs by size,
// nested relations, whole-graph reads multiplied by aliases, answers too
// large; directives, arguments, variables, tokens and errors without a
// count. Each case runs on both stores, asserts the refusal (status,
// extensions.code and reason, what the message says) and that the store is
// the same after it as before (Snapshot JSON), as TestHostileInput does.

// costCase is one request and what it must answer.
type costCase struct {
	name  string
	query string
	vars  map[string]any
	// status is the HTTP status wanted (0: 200).
	status int
	// code and reason are the first error's; "" code means no error.
	code, reason string
	// says lists what the first error's message must contain.
	says []string
	// check, when set, looks at an accepted answer.
	check func(t *testing.T, r gqlResponse)
}

func repeat(n int, s string) string { return strings.Repeat(s, n) }

func aliased(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

const edgeFields = `id type source target since until provenance { source quote ref }`

func costCases() []costCase {
	bad := func(name, query, says string) costCase {
		return costCase{name: name, query: query, code: gql.CodeBadUserInput, says: []string{says}}
	}
	list := func(name, query, says string) costCase {
		return costCase{name: name, query: query, code: gql.CodeBadUserInput, reason: gql.ReasonListLimit, says: []string{says, "(a list answers whole or not at all)"}}
	}
	complexity := func(name, query string) costCase {
		return costCase{name: name, query: query, status: http.StatusBadRequest, code: gql.CodeBadUserInput, reason: "COMPLEXITY_LIMIT_EXCEEDED",
			says: []string{"exceeds the limit of 200000"}}
	}
	limit := func(name, query, reason string, says ...string) costCase {
		return costCase{name: name, query: query, status: http.StatusBadRequest, code: gql.CodeBadUserInput, reason: reason, says: append(says, "the limit is")}
	}
	// The harness sends no Accept, so answers are
	// application/graphql-response+json (server/gqlhttp): a request error
	// (a document refused before it runs, or an answer with no data) is 400,
	// an answer with data 200.
	return []costCase{
		// Row 1: every list has a maximum, and is priced by it.
		complexity("20 aliases of edges, 5,000 each", "{ "+aliased(20, `edges(first: 5000, asOf: "2024-01-01") { `+edgeFields+` }`)+" }"),
		{name: "20 aliases of edges by default: a page of at most 500 each", query: "{ " + aliased(20, `edges(asOf: "2024-01-01") { `+edgeFields+` }`) + " }",
			check: func(t *testing.T, r gqlResponse) {
				var d map[string][]json.RawMessage
				if err := json.Unmarshal(r.Data, &d); err != nil || len(d) != 20 {
					t.Fatalf("data: %v, %d aliases", err, len(d))
				}
				for k, es := range d {
					if len(es) > 500 {
						t.Errorf("%s: %d edges, want at most a page of 500", k, len(es))
					}
				}
			}},
		bad("edges first 0", `{ edges(first: 0) { id } }`, "first must be between 1 and 5000, got 0"),
		bad("edges first -1", `{ edges(first: -1) { id } }`, "first must be between 1 and 5000, got -1"),
		bad("edges first over the maximum", `{ edges(first: 5001) { id } }`, "first must be between 1 and 5000, got 5001"),
		{name: "edges paged by id", query: `{ p1: edges(first: 2) { id } p2: edges(first: 2, after: "MENTORS:org:a") { id } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct{ P1, P2 []struct{ ID string } }
				if err := json.Unmarshal(r.Data, &d); err != nil || len(d.P1) != 2 || len(d.P2) != 2 || d.P2[0].ID <= "MENTORS:org:a" {
					t.Errorf("pages %+v (%v)", d, err)
				}
			}},
		bad("organisations first 0 (read 50, priced as none)", `{ organisations(first: 0) { nodes { id } } }`, "first must be between 1 and 500, got 0"),
		bad("organisations first -1", `{ organisations(first: -1) { nodes { id } } }`, "first must be between 1 and 500, got -1"),
		bad("organisations first over the maximum", `{ organisations(first: 501) { nodes { id } } }`, "first must be between 1 and 500, got 501"),
		bad("search first 0", `{ search(text: "村", first: 0) { id } }`, "first must be between 1 and 200, got 0"),
		bad("sources first over the maximum", `{ sources(first: 101) { id } }`, "first must be between 1 and 100, got 101"),
		bad("alliances first 0", `{ alliances(first: 0) { id } }`, "first must be between 1 and 1000, got 0"),
		bad("pairings first over the maximum", `{ pairings(first: 5001) { id } }`, "first must be between 1 and 5000, got 5001"),
		bad("scenarios first 0", `{ scenarios(first: 0) { id } }`, "first must be between 1 and 100, got 0"),
		bad("compareScenarios of 21", `{ compareScenarios(ids: [`+repeat(21, `"scenario:x" `)+`]) { comparison { label } } }`, "compare 1 to 20 scenarios, got 21"),
		bad("children limit 0", `{ organisation(id: "org:yuelin-party-working-committee") { children(limit: 0) { id } } }`, "limit must be between 1 and 1000, got 0"),
		bad("children limit over the maximum", `{ organisation(id: "org:yuelin-party-working-committee") { children(limit: 1001) { id } } }`, "limit must be between 1 and 1000, got 1001"),
		list("children over their limit", `{ organisation(id: "org:yuelin-party-working-committee") { children(limit: 5) { id } } }`,
			`children of "org:yuelin-party-working-committee": more than 5`),
		list("relations over their limit", `{ node(id: "org:yuelin-party-working-committee") { relations(limit: 3) { direction } } }`,
			`relations of "org:yuelin-party-working-committee": more than 3`),
		list("members over their limit", `{ alliance(id: "alliance:shujia") { members(limit: 1) { role } } }`, `members of "alliance:shujia": more than 1`),
		list("ancestors over their limit", `{ organisation(id: "org:shanqiuhui-makerspace-party-branch") { ancestors(limit: 1) { id } } }`,
			`ancestors of "org:shanqiuhui-makerspace-party-branch": more than 1`),
		list("history over its limit", `{ history(id: "alliance:shujia", limit: 1) { date } }`, `history of "alliance:shujia"`),
		list("changes over their limit", `{ changes(from: "2000-01-01", to: "2030-01-01", limit: 1) { date } }`, "changes between 2000-01-01 and 2030-01-01"),
		bad("changes limit over the maximum", `{ changes(from: "2000-01-01", to: "2030-01-01", limit: 10001) { date } }`, "limit must be between 1 and 10000, got 10001"),
		complexity("relations nested three deep", `{ organisations(first: 500) { nodes { children(limit: 1000) { ... on Organisation { children(limit: 1000) { id } } } } } }`),
		complexity("20 aliases of simulateAlliances", "{ "+aliased(20, `simulateAlliances(input: {strategy: BALANCED, k: 4}) { moved }`)+" }"),
		complexity("4 aliases of simulateAlliances", "{ "+aliased(4, `simulateAlliances(input: {strategy: BALANCED, k: 4}) { moved }`)+" }"),
		bad("subtree limit 0", `{ subtree(rootId: "org:yuelin-party-working-committee", limit: 0) { nodes { id } } }`, "limit must be between 1 and 5000, got 0"),
		bad("subtree limit over the maximum", `{ subtree(rootId: "org:yuelin-party-working-committee", limit: 5001) { nodes { id } } }`, "limit must be between 1 and 5000, got 5001"),
		bad("neighbourhood limit -1", `{ neighbourhood(id: "alliance:shujia", limit: -1) { nodes { id } } }`, "limit must be between 1 and 5000, got -1"),
		complexity("20 subtrees of 5,000 nodes", "{ "+aliased(20, `subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 10, limit: 5000) { nodes { id label type kind name } edges { id source target type } }`)+" }"),
		{name: "a deep subtree is cut at its limit", query: `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 10, limit: 7) { nodes { id } edges { id } truncated } }`,
			check: func(t *testing.T, r gqlResponse) {
				var d struct {
					Subtree struct {
						Nodes, Edges []struct{ ID string }
						Truncated    bool
					}
				}
				if err := json.Unmarshal(r.Data, &d); err != nil || len(d.Subtree.Nodes) != 7 || len(d.Subtree.Edges) > 14 || !d.Subtree.Truncated {
					t.Errorf("subtree %d nodes, %d edges, truncated %v (%v); want 7, at most 14, true", len(d.Subtree.Nodes), len(d.Subtree.Edges), d.Subtree.Truncated, err)
				}
			}},

		// Row 2: what a document writes is counted before validation.
		limit("49,000 directives", "{ stats "+repeat(49000, "@a ")+"{ nodes } }", policy.ReasonDirectiveLimit, "uses 49000 directives"),
		limit("51 directives", "{ stats "+repeat(51, "@include(if: true) ")+"{ nodes } }", policy.ReasonDirectiveLimit, "uses 51 directives"),
		limit("501 arguments", `{ organisation(id: "x") { relations(`+repeat(500, "a: 1 ")+`) { direction } } }`, policy.ReasonArgumentLimit, "passes 501 arguments"),
		limit("a literal list of 1,000 ids", `{ compareScenarios(ids: [`+repeat(1000, `"s" `)+`]) { comparison { label } } }`, policy.ReasonArgumentLimit, "passes 1001 arguments"),
		limit("101 variables", "query("+vars(101)+") { stats { nodes } }", policy.ReasonVariableLimit, "declares 101 variables"),
		limit("an unused fragment repeating a field 20,000 times", `{ stats { nodes } } fragment F on Organisation { `+repeat(20000, "id ")+` }`,
			policy.ReasonRepeatLimit, `fragment F selects "id" 20000 times`),
		limit("30,000 spreads of an unknown fragment", `{ stats { nodes `+repeat(30000, "...Nope ")+` } }`, policy.ReasonFieldLimit, "writes 30002 selections"),
		{name: "over the token limit", query: "{ " + repeat(30000, "stats { nodes } ") + " }", status: http.StatusBadRequest, code: gql.CodeBadUserInput,
			reason: "GRAPHQL_PARSE_FAILED", says: []string{"exceeded token limit of 100000"}},
		{name: "30 unknown fields: 20 errors, then one for the other 10", query: `{ organisation(id: "x") { ` + aliased(30, "nope") + ` } }`,
			status: http.StatusBadRequest, code: gql.CodeBadUserInput, reason: "GRAPHQL_VALIDATION_FAILED", says: []string{`Cannot query field "nope"`},
			check: func(t *testing.T, r gqlResponse) {
				if len(r.Errors) != policy.DefaultMaxErrors+1 {
					t.Fatalf("%d errors, want %d", len(r.Errors), policy.DefaultMaxErrors+1)
				}
				last := r.Errors[len(r.Errors)-1]
				if last.Extensions["reason"] != policy.ReasonTooManyErrors || last.Extensions["more"] != float64(10) ||
					last.Message != "and 10 more errors (an answer lists at most 20)" {
					t.Errorf("last error %+v", last)
				}
			}},
	}
}

func vars(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "$v%d: Int ", i)
	}
	return b.String()
}

// casesNamed returns the cases of costCases with these names.
func casesNamed(names ...string) []costCase {
	var out []costCase
	for _, n := range names {
		for _, c := range costCases() {
			if c.name == n {
				out = append(out, c)
			}
		}
	}
	if len(out) != len(names) {
		panic("casesNamed: a name is not a case")
	}
	return out
}

// wantCost checks r against c.
func wantCost(t *testing.T, c costCase, r gqlResponse) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("status %d", r.status)
	}
	if c.code == "" {
		if len(r.Errors) > 0 || r.status != http.StatusOK {
			t.Fatalf("status %d, errors %+v", r.status, r.Errors)
		}
	} else {
		status := c.status
		if status == 0 {
			status = http.StatusOK
		}
		wantRefusal(t, c.name, r, status, c.code, c.says...)
		if reason, _ := r.Errors[0].Extensions["reason"].(string); reason != c.reason {
			t.Errorf("reason %q, want %q (%s)", reason, c.reason, r.message())
		}
		if c.check == nil && len(r.Errors) > 1 {
			t.Errorf("%d errors, want one: %+v", len(r.Errors), r.Errors)
		}
		if len(r.Data) > 0 && string(r.Data) != "null" {
			var d map[string]any
			if json.Unmarshal(r.Data, &d) == nil {
				for k, v := range d {
					if v != nil {
						t.Errorf("data.%s = %v, want nothing", k, v)
					}
				}
			}
		}
	}
	if c.check != nil {
		c.check(t, r)
	}
}

// snapshotCounter counts whole-graph reads.
type snapshotCounter struct {
	graph.Store
	n atomic.Int64
}

func (s *snapshotCounter) Snapshot(ctx context.Context, v graph.View) (*graph.Snapshot, error) {
	s.n.Add(1)
	return s.Store.Snapshot(ctx, v)
}

func TestHostileCost(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		before := snapshotJSON(t, h.store)
		for _, c := range costCases() {
			t.Run(c.name, func(t *testing.T) {
				start := time.Now()
				r := h.in(t).do(c.query, c.vars)
				wantCost(t, c, r)
				if c.code != "" {
					t.Logf("%d %v in %v: %.160s", r.status, r.Errors[0].Extensions["reason"], time.Since(start), r.message())
				}
				if after := snapshotJSON(t, h.store); after != before {
					t.Fatalf("store changed (%d bytes before, %d after)", len(before), len(after))
				}
			})
		}

		// The same limits on every transport: GET and websocket.
		live := httptest.NewServer(h.h)
		t.Cleanup(live.Close)
		for _, c := range casesNamed("30,000 spreads of an unknown fragment", "over the token limit", "edges first 0") {
			t.Run("GET: "+c.name, func(t *testing.T) {
				resp, err := http.Get(live.URL + "/graphql?query=" + url.QueryEscape(c.query))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				var r gqlResponse
				if err := json.Unmarshal(body, &r); err != nil {
					t.Fatalf("status %d, not JSON: %.200s", resp.StatusCode, body)
				}
				r.status = resp.StatusCode
				wantCost(t, c, r)
			})
		}
		t.Run("websocket: directives, tokens and errors", func(t *testing.T) {
			// gqlgen sends a document validation refuses through the
			// answer's budget (DispatchError), as over HTTP; the limits'
			// own refusals are one error, made as they are sent.
			w := mustDial(t, live.URL, nil)
			for _, c := range casesNamed("49,000 directives", "over the token limit", "30 unknown fields: 20 errors, then one for the other 10",
				"children over their limit", "20 aliases of simulateAlliances") {
				r, err := w.do(c.query, 10*time.Second)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				r.status, c.status = http.StatusOK, http.StatusOK // a websocket has no status
				wantCost(t, c, r)
			}
			// Execution errors over a websocket go through the answer's
			// budget too: 20 NOT_FOUND are all listed.
			r, err := w.do(`{ `+aliased(20, `organisation(id: "org:none") { id }`)+` }`, 10*time.Second)
			if err != nil || len(r.Errors) != 20 || r.code() != gql.CodeNotFound {
				t.Errorf("20 NOT_FOUND over a websocket: %d errors, %s (%v)", len(r.Errors), r.code(), err)
			}
		})
		if after := snapshotJSON(t, h.store); after != before {
			t.Fatalf("store changed (%d bytes before, %d after)", len(before), len(after))
		}

		t.Run("an answer over the response limit is cut off", func(t *testing.T) {
			small := server.New(server.Config{Store: h.store, StoreName: name, Logger: slog.New(slog.DiscardHandler),
				GQL: gql.Options{MaxResponseBytes: 8 << 10}})
			r := (&harness{t: t, store: h.store, h: small}).do(`{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 4) { nodes { id name nameEn kind tier } edges { id source target type label } } }`, nil)
			wantCost(t, costCase{name: "8 KiB", status: http.StatusBadRequest, code: gql.CodeBadUserInput, says: []string{"larger than 8 KiB", "--max-response-bytes"},
				reason: policy.ReasonResponseTooLarge}, r)
			if after := snapshotJSON(t, h.store); after != before {
				t.Fatalf("store changed")
			}
		})

		t.Run("aliases of simulateAlliances share one snapshot", func(t *testing.T) {
			counted := &snapshotCounter{Store: h.store}
			app := server.New(server.Config{Store: counted, StoreName: name, Logger: slog.New(slog.DiscardHandler)})
			r := (&harness{t: t, store: counted, h: app}).do("{ "+aliased(3, `simulateAlliances(input: {strategy: BALANCED, k: 2, seed: 1}) { moved }`)+" }", nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors %+v", r.Errors)
			}
			if n := counted.n.Load(); n != 1 {
				t.Errorf("%d whole-graph reads for 3 aliases, want 1", n)
			}
			if after := snapshotJSON(t, h.store); after != before {
				t.Fatalf("store changed")
			}
		})
	})
}
