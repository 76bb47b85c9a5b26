package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server/examples"
	"github.com/orgnet/orgnet/server/policy"
)

// measured reports, inside the response budget, the size the budget
// measured for each answer.
type measured struct{ bytes []int64 }

func (*measured) ExtensionName() string                   { return "Measured" }
func (*measured) Validate(graphql.ExecutableSchema) error { return nil }
func (m *measured) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	n, _ := policy.ResponseBytes(ctx)
	m.bytes = append(m.bytes, n)
	return resp
}

func seededMemory(t *testing.T) graph.Store {
	t.Helper()
	ctx := context.Background()
	mem, err := memory.New(ctx, filepath.Join(t.TempDir(), "orgnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mem.Close() })
	if _, err := mem.Apply(ctx, seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	return mem
}

type budgetResponse struct {
	status int
	raw    []byte
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func postQuery(t *testing.T, h http.Handler, query string, vars ...map[string]any) budgetResponse {
	t.Helper()
	body := map[string]any{"query": query}
	if len(vars) > 0 {
		body["variables"] = vars[0]
	}
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := budgetResponse{status: rec.Code, raw: rec.Body.Bytes()}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("status %d, not JSON: %.300s", rec.Code, rec.Body.String())
	}
	return r
}

// TestResponseBytesMeasured: the size the budget measures while an answer
// is built is close to the JSON written (within 20 % on every example;
// __typename, which no field interceptor sees, is not counted).
func TestResponseBytesMeasured(t *testing.T) {
	m := &measured{}
	h := NewHandler(&Resolver{Store: seededMemory(t), StoreName: "memory", Broker: NewBroker()}, Options{})
	h.Use(m)
	all, err := examples.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		m.bytes = nil
		r := postQuery(t, h, e.Query, e.Variables)
		if len(r.Errors) > 0 || len(m.bytes) != 1 {
			t.Fatalf("%s: errors %+v, %d answers measured", e.Name, r.Errors, len(m.bytes))
		}
		got, want := float64(m.bytes[0]), float64(len(r.Data))
		if got < 0.8*want || got > 1.2*want {
			t.Errorf("%s: measured %v bytes, JSON data is %v", e.Name, got, want)
		}
		t.Logf("%s: measured %v, written %v", e.Name, got, want)
	}
}

// fieldsRun counts the fields resolved inside the response budget.
type fieldsRun struct{ n atomic.Int64 }

func (*fieldsRun) ExtensionName() string                   { return "FieldsRun" }
func (*fieldsRun) Validate(graphql.ExecutableSchema) error { return nil }
func (f *fieldsRun) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	f.n.Add(1)
	return next(ctx)
}

func TestResponseBudget(t *testing.T) {
	store := seededMemory(t)
	// 91 organisations with their children, grandchildren and
	// great-grandchildren: about 5 KB of ids and names before the first
	// level below them.
	big := `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 4) { nodes { id name node { ... on Organisation {
	  children { id name ... on Organisation { children { id name ... on Organisation { children { id name } } } } } } } } } }`
	run := func(opts Options) (budgetResponse, int64) {
		opts.ComplexityLimit = 1 << 30
		h := NewHandler(&Resolver{Store: store, StoreName: "memory", Broker: NewBroker()}, opts)
		f := &fieldsRun{}
		h.Use(f)
		return postQuery(t, h, big), f.n.Load()
	}
	unlimited, all := run(Options{})
	if len(unlimited.Errors) > 0 {
		t.Fatalf("errors %+v", unlimited.Errors)
	}
	r, ran := run(Options{MaxResponseBytes: 1024})
	if r.status != http.StatusOK || len(r.Errors) != 1 {
		t.Fatalf("status %d, errors %+v", r.status, r.Errors)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != CodeBadUserInput || e.Extensions["reason"] != policy.ReasonResponseTooLarge ||
		!strings.Contains(e.Message, "larger than 1 KiB") || !strings.Contains(e.Message, "--max-response-bytes") {
		t.Errorf("error %+v", e)
	}
	if len(r.Data) > 0 && string(r.Data) != "null" {
		t.Errorf("data %.200s, want none", r.Data)
	}
	t.Logf("fields resolved: %d unlimited (%d bytes of data), %d cut off at 1 KiB", all, len(unlimited.Data), ran)
	if ran*4 > all {
		t.Errorf("%d fields resolved cut off at 1 KiB, %d without a limit: want the rest never resolved", ran, all)
	}
	h := NewHandler(&Resolver{Store: store, StoreName: "memory", Broker: NewBroker()}, Options{MaxResponseBytes: 1024})
	// Within the limit, the same server answers.
	if r := postQuery(t, h, `{ organisation(id: "org:yuelin-party-working-committee") { name } }`); len(r.Errors) > 0 {
		t.Errorf("small answer refused: %+v", r.Errors)
	}
	// A mutation runs whatever the size of its answer, and says so.
	r = postQuery(t, NewHandler(&Resolver{Store: store, StoreName: "memory", Broker: NewBroker()}, Options{MaxResponseBytes: 10}),
		`mutation { createOrganisation(input: {id: "org:budget-probe", kind: PARTY_BRANCH, name: "预算"}) { id name nameEn } }`)
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "the mutation ran") {
		t.Errorf("mutation over the limit: %+v", r.Errors)
	}
	if _, err := store.Node(context.Background(), graph.View{}, "org:budget-probe"); err != nil {
		t.Errorf("the mutation did not run: %v", err)
	}
}

func TestErrorsCapped(t *testing.T) {
	h := NewHandler(&Resolver{Store: seededMemory(t), StoreName: "memory", Broker: NewBroker()}, Options{})
	cases := []struct {
		name, query string
		errors      int // before the cap
	}{
		{"validation: 30 unknown fields", `{ organisation(id: "x") { ` + aliases(30, "nope") + ` } }`, 30},
		{"execution: 20 NOT_FOUND, none left out", "{ " + aliases(20, `organisation(id: "org:none") { id }`) + " }", 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := postQuery(t, h, c.query)
			want := min(c.errors, policy.DefaultMaxErrors)
			if c.errors > policy.DefaultMaxErrors {
				want++
			}
			if len(r.Errors) != want {
				t.Fatalf("%d errors, want %d: %.400s", len(r.Errors), want, r.raw)
			}
			if c.errors > policy.DefaultMaxErrors {
				last := r.Errors[len(r.Errors)-1]
				more := c.errors - policy.DefaultMaxErrors
				if last.Extensions["reason"] != policy.ReasonTooManyErrors || last.Extensions["more"] != float64(more) ||
					last.Extensions["code"] != CodeBadUserInput || !strings.Contains(last.Message, "and 10 more errors") {
					t.Errorf("summary %+v", last)
				}
			}
		})
	}
}
