package graph_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
)

// TestObserveSeesEveryMethod calls every method of graph.Store, found by
// reflection, on an observed store: each must reach every observer once,
// under its own name, run with the context the observers returned (the
// embedded store counts its round trips in the Meter an observer put there)
// and end once. A method added to Store without Observe seeing it fails
// here (or fails to compile, observed not being a Store).
func TestObserveSeesEveryMethod(t *testing.T) {
	ctx := context.Background()
	inner, err := memory.New(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var begun, ended []string
	meter := &graph.Meter{}
	first := func(ctx context.Context, c graph.Call) (context.Context, func(error)) {
		mu.Lock()
		begun = append(begun, c.Method)
		mu.Unlock()
		return graph.ContextWithMeter(ctx, meter), func(error) {
			mu.Lock()
			ended = append(ended, c.Method)
			mu.Unlock()
		}
	}
	var second []string
	last := func(ctx context.Context, c graph.Call) (context.Context, func(error)) {
		second = append(second, c.Method)
		return ctx, nil
	}
	s := graph.Observe(inner, first, last)

	st := reflect.TypeFor[graph.Store]()
	ctxType := reflect.TypeFor[context.Context]()
	for i := range st.NumMethod() {
		m := st.Method(i)
		if m.Name == "Close" {
			continue // last: it ends the store
		}
		t.Run(m.Name, func(t *testing.T) {
			args := make([]reflect.Value, m.Type.NumIn())
			for j := range args {
				if in := m.Type.In(j); in == ctxType {
					args[j] = reflect.ValueOf(ctx)
				} else {
					args[j] = reflect.Zero(in)
				}
			}
			before := meter.Count()
			reflect.ValueOf(s).MethodByName(m.Name).Call(args) // errors are fine: zero arguments
			if got, want := begun[len(begun)-1], m.Name; got != want || len(begun) != len(ended) {
				t.Errorf("%s: observer began %v, ended %v; want one begin and one end for %s", m.Name, begun, ended, want)
			}
			if second[len(second)-1] != m.Name {
				t.Errorf("%s: the second observer saw %v", m.Name, second)
			}
			if meter.Count() == before {
				t.Errorf("%s did not run with the context the observer returned (no round trip in its Meter)", m.Name)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(begun, "Close") || !slices.Contains(ended, "Close") {
		t.Errorf("Close was not observed: %v, %v", begun, ended)
	}
	if len(begun) != st.NumMethod() {
		t.Errorf("observed %d calls of %d methods: %v", len(begun), st.NumMethod(), begun)
	}
}

// TestObserveNone: without observers Observe returns the store itself.
func TestObserveNone(t *testing.T) {
	inner, err := memory.New(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer inner.Close()
	if got := graph.Observe(inner); got != graph.Store(inner) {
		t.Errorf("Observe(s) = %T; want s itself", got)
	}
}
