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

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server/policy"
)

func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

// untouchable is a store whose every call fails the test: a refused
// operation must not reach a resolver.
type untouchable struct {
	graph.Store
	t *testing.T
}

func (u untouchable) Node(context.Context, graph.View, string) (*graph.Node, error) {
	u.t.Error("a resolver ran: Node")
	return nil, graph.ErrNotFound
}

func (u untouchable) Nodes(context.Context, graph.View, []string) ([]*graph.Node, error) {
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
			query: "{ " + aliases(5000, `organisation(id: "x") { id }`) + " }", code: CodeBadUserInput, reason: policy.ReasonRootFieldLimit},
		{name: "20000 repeated root fields refused before validation", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + strings.Repeat("stats { nodes } ", 20000) + " }", code: CodeBadUserInput, reason: policy.ReasonRootFieldLimit},
		{name: "over the token limit", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + strings.Repeat("stats { nodes } ", 30000) + " }", code: CodeBadUserInput, reason: "GRAPHQL_PARSE_FAILED"},
		{name: "5000 repeated fields refused before validation", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: `{ organisation(id: "x") { ` + strings.Repeat("id ", 5000) + ` } }`, code: CodeBadUserInput, reason: policy.ReasonRepeatLimit},
		{name: "persisted query checked", store: func(t *testing.T) graph.Store { return untouchable{t: t} }, persisted: true,
			query: "{ " + aliases(21, "stats { nodes }") + " }", code: CodeBadUserInput, reason: policy.ReasonRootFieldLimit},
		{name: "21 aliases refused before any resolver", store: func(t *testing.T) graph.Store { return untouchable{t: t} },
			query: "{ " + aliases(21, `organisation(id: "x") { id }`) + " }", code: CodeBadUserInput, reason: policy.ReasonRootFieldLimit},
		{name: "20 aliases answered", store: func(*testing.T) graph.Store { return mem },
			query: "{ " + aliases(20, `organisation(id: "org:yuelin-party-working-committee") { id }`) + " }"},
		{name: "flag raises the limit", store: func(*testing.T) graph.Store { return mem }, opts: Options{MaxRootFields: 30},
			query: "{ " + aliases(25, `organisation(id: "org:yuelin-party-working-committee") { id }`) + " }"},
		{name: "field limit", store: func(t *testing.T) graph.Store { return untouchable{t: t} }, opts: Options{MaxFields: 3},
			query: `{ organisation(id: "x") { id name kind } }`, code: CodeBadUserInput, reason: policy.ReasonFieldLimit},
		{name: "flag lowers the limit", store: func(t *testing.T) graph.Store { return untouchable{t: t} }, opts: Options{MaxAliases: 2},
			query: `{ organisation(id: "x") { a: id b: id c: id } }`, code: CodeBadUserInput, reason: policy.ReasonAliasLimit},
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
			// How fast a refusal is is measured, not asserted here
			// (docs/reliability.md §6); the untouchable store and the
			// reason show which check refused it.
			rec := send(body)
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
