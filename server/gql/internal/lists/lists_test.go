package lists_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/orgnet/orgnet/server/gql/internal/lists"
)

const schema = `
type Query { nodes: [Node!]! things: [Thing!]! }
interface Thing { id: ID! }
type Node implements Thing { id: ID! name: String! provenance: Provenance! parent: Node }
type Other implements Thing { id: ID! slow: String }
type Provenance { source: String! document: String }
`

// concurrent is what internal/gen would write for schema: Node.parent and
// Provenance.document and Other.slow have resolvers.
var concurrent = lists.Concurrent{
	"Node":       {"parent": true},
	"Provenance": {"document": true},
	"Other":      {"slow": true},
	"Thing":      {"slow": true},
	"Query":      {"nodes": true, "things": true},
}

// selection returns the selection set under the root field of query.
func selection(t *testing.T, query string) ast.SelectionSet {
	t.Helper()
	s := gqlparser.MustLoadSchema(&ast.Source{Input: schema})
	doc, err := gqlparser.LoadQueryWithRules(s, query, nil) // nil: the default rules
	if err != nil {
		t.Fatalf("LoadQuery(%q): %v", query, err)
	}
	return doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
}

func TestWaits(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		want        bool
	}{
		{"struct fields", `{ nodes { id name } }`, false},
		{"typename", `{ nodes { __typename id } }`, false},
		{"nested struct fields", `{ nodes { id provenance { source } } }`, false},
		{"resolver", `{ nodes { id parent { id } } }`, true},
		{"nested resolver", `{ nodes { provenance { document } } }`, true},
		{"in an inline fragment", `{ things { id ... on Other { slow } } }`, true},
		{"in a fragment spread", `query { nodes { ...F } } fragment F on Node { parent { id } }`, true},
		{"fragment without", `query { nodes { ...F } } fragment F on Node { id name }`, false},
		{"skipped still counts", `{ nodes { id parent @skip(if: true) { id } } }`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := concurrent.Waits(selection(t, tc.query)); got != tc.want {
				t.Errorf("Waits(%s) = %v; want %v", tc.query, got, tc.want)
			}
		})
	}
}

// marshalCtx is a context as gqlgen's executor makes one: an operation, a
// response to collect errors and a field context of the list.
func marshalCtx() context.Context {
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{})
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "nodes"}}})
}

func TestMarshal(t *testing.T) {
	seq, conc := selection(t, `{ nodes { id } }`), selection(t, `{ nodes { parent { id } } }`)
	t.Run("in order on the caller's goroutine, with indexes", func(t *testing.T) {
		ctx := marshalCtx()
		var running atomic.Int32
		var order []int
		out := lists.Marshal(ctx, concurrent, seq, 4, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			if running.Add(1) != 1 {
				t.Error("two elements marshalled at once")
			}
			defer running.Add(-1)
			if fc := graphql.GetFieldContext(ctx); fc.Index == nil || *fc.Index != i {
				t.Errorf("element %d: field context index %v", i, fc.Index)
			}
			order = append(order, i)
			return graphql.MarshalInt(i)
		})
		var b bytes.Buffer
		out.MarshalGQL(&b)
		if b.String() != "[0,1,2,3]" || len(order) != 4 || order[3] != 3 {
			t.Errorf("Marshal = %s, order %v; want [0,1,2,3] in order", b.String(), order)
		}
	})
	t.Run("a panic is an error on the element's path and a null", func(t *testing.T) {
		ctx := marshalCtx()
		out := lists.Marshal(ctx, concurrent, seq, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			if i == 1 {
				panic("boom")
			}
			return graphql.MarshalInt(i)
		})
		var b bytes.Buffer
		out.MarshalGQL(&b)
		if b.String() != "[0,null,2]" {
			t.Errorf("Marshal = %s; want [0,null,2]", b.String())
		}
		errs := graphql.GetErrors(ctx)
		var ge *gqlerror.Error
		if len(errs) != 1 || !errors.As(errs[0], &ge) || ge.Path.String() != "nodes[1]" {
			t.Errorf("errors %v; want one on nodes[1]", errs)
		}
	})
	t.Run("concurrently when an element may wait", func(t *testing.T) {
		ctx := marshalCtx()
		var arrived sync.WaitGroup
		arrived.Add(2)
		together := make(chan struct{})
		go func() { arrived.Wait(); close(together) }()
		out := lists.Marshal(ctx, concurrent, conc, 2, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			// Each element waits until both have started: only concurrent
			// marshalling gets past this.
			arrived.Done()
			select {
			case <-together:
			case <-time.After(5 * time.Second):
				t.Errorf("element %d: the other element never started", i)
			}
			return graphql.MarshalInt(i)
		})
		var b bytes.Buffer
		out.MarshalGQL(&b)
		if b.String() != "[0,1]" {
			t.Errorf("Marshal = %s; want [0,1]", b.String())
		}
	})
}
