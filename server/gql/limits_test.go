package gql

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server/examples"
)

func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

// fragmentChain is a document whose fragments each spread the next one
// under two fields: it expands to 3·2^levels - 1 fields, none repeated.
func fragmentChain(levels int) string {
	var b strings.Builder
	b.WriteString(`query { organisation(id: "x") { ...F0 } }` + "\n")
	for i := range levels {
		fmt.Fprintf(&b, "fragment F%d on Organisation { children { ...F%d } parents { ...F%d } }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Organisation { id }\n", levels)
	return b.String()
}

func TestSelectionLimits(t *testing.T) {
	limits := newSelectionLimits(Options{})
	cases := []struct {
		name   string
		doc    string
		reason string // "" when accepted
	}{
		{name: "one field", doc: `{ stats { nodes } }`},
		{name: "introspection", doc: introspection.Query},
		{name: "20 root aliases", doc: "{ " + aliases(20, `organisation(id: "x") { id }`) + " }"},
		{name: "21 root aliases", doc: "{ " + aliases(21, `organisation(id: "x") { id }`) + " }", reason: ReasonRootFieldLimit},
		{name: "5000 root aliases", doc: "{ " + aliases(5000, `organisation(id: "x") { id }`) + " }", reason: ReasonRootFieldLimit},
		{name: "repeated root field", doc: "{ " + strings.Repeat("stats { nodes } ", 21) + " }", reason: ReasonRootFieldLimit},
		{name: "root fields through fragments", doc: "query { ...Q ...Q ...Q } fragment Q on Query { " + aliases(7, "stats { nodes }") + " }", reason: ReasonRootFieldLimit},
		{name: "mutation aliases", doc: "mutation { " + aliases(21, `deleteOrganisation(id: "x") { deletedIds }`) + " }", reason: ReasonRootFieldLimit},
		{name: "30 nested aliases", doc: `{ organisation(id: "x") { ` + aliases(30, "children { id }") + ` } }`},
		{name: "31 nested aliases", doc: `{ organisation(id: "x") { ` + aliases(31, "children { id }") + ` } }`, reason: ReasonAliasLimit},
		{name: "fragments expanding to 767 fields", doc: fragmentChain(8)},
		{name: "fragments expanding to 1535 fields", doc: fragmentChain(9), reason: ReasonFieldLimit},
		{name: "fragment spread twice per level, 200 levels", doc: fragmentChain(200), reason: ReasonFieldLimit},
		{name: "field repeated 10 times", doc: `{ organisation(id: "x") { ` + strings.Repeat("id ", 10) + ` } }`},
		{name: "field repeated 11 times", doc: `{ organisation(id: "x") { ` + strings.Repeat("id ", 11) + ` } }`, reason: ReasonRepeatLimit},
		{name: "field repeated 20000 times", doc: `{ organisation(id: "x") { ` + strings.Repeat("id ", 20000) + ` } }`, reason: ReasonRepeatLimit},
		{name: "repeats through fragments", doc: `{ organisation(id: "x") { id ...A ...A ... on Organisation { id id } } } fragment A on Organisation { id id id ...B } fragment B on Organisation { id }`, reason: ReasonRepeatLimit},
		{name: "one alias repeated", doc: `{ organisation(id: "x") { ` + strings.Repeat("a: children { id } ", 11) + ` } }`, reason: ReasonRepeatLimit},
		{name: "fragment cycle", doc: `{ organisation(id: "x") { ...A } } fragment A on Organisation { id ...B } fragment B on Organisation { name ...A }`},
		{name: "unknown fragment", doc: `{ organisation(id: "x") { ...Nope } }`},
		{name: "only the largest operation counts", doc: "query Small { stats { nodes } } query Big { " + aliases(21, "stats { nodes }") + " }", reason: ReasonRootFieldLimit},
	}
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		cases = append(cases, struct{ name, doc, reason string }{name: "example " + e.Name, doc: e.Query})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, perr := parser.ParseQuery(&ast.Source{Input: c.doc})
			if perr != nil {
				t.Fatalf("parse: %v", perr)
			}
			start := time.Now()
			err := limits.checkDocument(doc)
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Errorf("check took %v", d)
			}
			switch {
			case c.reason == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.reason != "" && err == nil:
				t.Errorf("accepted, want %s", c.reason)
			case c.reason != "":
				if err.Extensions["code"] != CodeBadUserInput || err.Extensions["reason"] != c.reason {
					t.Errorf("extensions %v, want code %s reason %s", err.Extensions, CodeBadUserInput, c.reason)
				}
				if !strings.Contains(err.Message, "the limit is") {
					t.Errorf("message %q does not state the limit", err.Message)
				}
				t.Log(err.Message)
			}
		})
	}
}

// untouchable is a store whose every call fails the test: a refused
// operation must not reach a resolver.
type untouchable struct {
	graph.Store
	t *testing.T
}

func (u untouchable) Node(context.Context, string) (*graph.Node, error) {
	u.t.Error("a resolver ran: Node")
	return nil, graph.ErrNotFound
}

func (u untouchable) Nodes(context.Context, []string) ([]*graph.Node, error) {
	u.t.Error("a resolver ran: Nodes")
	return nil, graph.ErrNotFound
}

func TestSelectionLimitsHTTP(t *testing.T) {
	ctx := context.Background()
	mem, err := memory.New(ctx, filepath.Join(t.TempDir(), "orgnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mem.Close() })
	if _, err := mem.Apply(ctx, seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		store  func(t *testing.T) graph.Store
		opts   Options
		query  string
		code   string // first error's code; "" for none
		reason string
		// persisted: send the query with its hash first, then the hash
		// alone (automatic persisted queries), and check the second answer.
		persisted bool
	}{
		{name: "5000 aliases refused before any resolver", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + aliases(5000, `organisation(id: "x") { id }`) + " }", code: CodeBadUserInput, reason: ReasonRootFieldLimit},
		{name: "20000 repeated root fields refused before validation", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + strings.Repeat("stats { nodes } ", 20000) + " }", code: CodeBadUserInput, reason: ReasonRootFieldLimit},
		{name: "over the token limit", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + strings.Repeat("stats { nodes } ", 30000) + " }", code: CodeBadUserInput, reason: "GRAPHQL_PARSE_FAILED"},
		{name: "5000 repeated fields refused before validation", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: `{ organisation(id: "x") { ` + strings.Repeat("id ", 5000) + ` } }`, code: CodeBadUserInput, reason: ReasonRepeatLimit},
		{name: "persisted query checked", store: func(t *testing.T) graph.Store { return untouchable{t: t} }, persisted: true,
			query: "{ " + aliases(21, "stats { nodes }") + " }", code: CodeBadUserInput, reason: ReasonRootFieldLimit},
		{name: "21 aliases refused before any resolver", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + aliases(21, `organisation(id: "x") { id }`) + " }", code: CodeBadUserInput, reason: ReasonRootFieldLimit},
		{name: "20 aliases answered", store: func(*testing.T) graph.Store { return mem },
			query: "{ " + aliases(20, `organisation(id: "org:yuelin-party-working-committee") { id }`) + " }"},
		{name: "flag raises the limit", store: func(*testing.T) graph.Store { return mem }, opts: Options{MaxRootFields: 30},
			query: "{ " + aliases(25, `organisation(id: "org:yuelin-party-working-committee") { id }`) + " }"},
		{name: "field limit", store: func(t *testing.T) graph.Store { return untouchable{t: t} }, opts: Options{MaxFields: 3},
			query: `{ organisation(id: "x") { id name kind } }`, code: CodeBadUserInput, reason: ReasonFieldLimit},
		{name: "flag lowers the limit", store: func(t *testing.T) graph.Store { return untouchable{t: t} }, opts: Options{MaxAliases: 2},
			query: `{ organisation(id: "x") { a: id b: id c: id } }`, code: CodeBadUserInput, reason: ReasonAliasLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewHandler(&Resolver{Store: c.store(t), StoreName: "memory", Broker: NewBroker()}, c.opts)
			send := func(body map[string]any) *httptest.ResponseRecorder {
				b, _ := json.Marshal(body)
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			body := map[string]any{"query": c.query}
			if c.persisted {
				sum := sha256.Sum256([]byte(c.query))
				body["extensions"] = map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
				send(body)
				delete(body, "query")
			}
			start := time.Now()
			rec := send(body)
			if d := time.Since(start); c.code != "" && d > time.Second {
				t.Errorf("refusal took %v", d)
			}
			var resp struct {
				Data   json.RawMessage
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("status %d, not JSON: %.300s", rec.Code, rec.Body.String())
			}
			if c.code == "" {
				if len(resp.Errors) > 0 || rec.Code != http.StatusOK {
					t.Fatalf("status %d, errors %+v", rec.Code, resp.Errors)
				}
				return
			}
			if len(resp.Errors) != 1 {
				t.Fatalf("status %d, %d errors, want 1: %.300s", rec.Code, len(resp.Errors), rec.Body.String())
			}
			e := resp.Errors[0]
			if e.Extensions["code"] != c.code || e.Extensions["reason"] != c.reason {
				t.Errorf("extensions %v, want code %s reason %s (%s)", e.Extensions, c.code, c.reason, e.Message)
			}
			if string(resp.Data) != "" && string(resp.Data) != "null" {
				t.Errorf("data %s, want none", resp.Data)
			}
			if rec.Code >= 500 {
				t.Errorf("status %d", rec.Code)
			}
		})
	}
}
