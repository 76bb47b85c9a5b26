package analysis_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// loader is a snapshot source for a Cache that counts its calls and can be
// held (gate) or made to fail.
type loader struct {
	mu        sync.Mutex
	snap      *graph.Snapshot
	err       error
	panic     bool
	gate      chan struct{} // when set, load waits for it to close
	calls     atomic.Int64
	cancelled atomic.Int64 // loads that saw their context end
}

func (l *loader) load(ctx context.Context) (*graph.Snapshot, error) {
	l.calls.Add(1)
	l.mu.Lock()
	snap, err, gate, p := l.snap, l.err, l.gate, l.panic
	l.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			l.cancelled.Add(1)
			return nil, ctx.Err()
		}
	}
	if p {
		panic("store exploded")
	}
	return snap, err
}

func (l *loader) set(snap *graph.Snapshot, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.snap, l.err = snap, err
}

// scoresOf is c.Centrality with the default Method, its scores only.
func scoresOf(c *analysis.Cache, ctx context.Context, m analysis.Measure, opts analysis.Options, top int) ([]analysis.Score, error) {
	r, err := c.Centrality(ctx, m, opts, analysis.Method{}, top)
	if err != nil {
		return nil, err
	}
	return r.Scores, nil
}

func wantCounters(t *testing.T, c *analysis.Cache, want analysis.CacheCounters) {
	t.Helper()
	if got := c.Counters(); got != want {
		t.Errorf("Counters = %+v; want %+v", got, want)
	}
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	snap := MustFixture(t)

	t.Run("second call hits", func(t *testing.T) {
		l := &loader{snap: snap}
		c := analysis.NewCache(l.load)
		for i := range 2 {
			got, err := scoresOf(c, ctx, analysis.Betweenness, analysis.Options{}, 5)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := analysis.Centrality(snap, analysis.Betweenness, analysis.Options{}, 5)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("call %d: Cache.Centrality = %v; want %v", i, got, want)
			}
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: 1, Misses: 1, Loads: 1})

		// Another top, kind or order of options uses the same computation.
		vill, err := scoresOf(c, ctx, analysis.Betweenness, analysis.Options{Kinds: []string{"VILLAGE"}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := analysis.Centrality(snap, analysis.Betweenness, analysis.Options{Kinds: []string{"VILLAGE"}}, 0)
		if !reflect.DeepEqual(vill, want) {
			t.Errorf("Cache.Centrality(kinds) = %v; want %v", vill, want)
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: 2, Misses: 1, Loads: 1})

		rels := analysis.Options{Relations: []graph.RelType{graph.RelMemberOf, graph.RelAdjacentTo}}
		relsAgain := analysis.Options{Relations: []graph.RelType{graph.RelAdjacentTo, graph.RelMemberOf, graph.RelAdjacentTo}}
		if _, err := scoresOf(c, ctx, analysis.Betweenness, rels, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := scoresOf(c, ctx, analysis.Betweenness, relsAgain, 0); err != nil {
			t.Fatal(err)
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: 3, Misses: 2, Loads: 1})

		// Communities and Stats keep theirs too, from the same snapshot.
		for range 2 {
			p, err := c.Communities(ctx, analysis.Options{}, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := analysis.Communities(snap, analysis.Options{}, 1, 1)
			if !reflect.DeepEqual(p, want) {
				t.Errorf("Cache.Communities = %+v; want %+v", p, want)
			}
			s, err := c.Stats(ctx, analysis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if wantS, _ := analysis.Stats(snap, analysis.Options{}); s != wantS {
				t.Errorf("Cache.Stats = %+v; want %+v", s, wantS)
			}
		}
		if _, err := c.Communities(ctx, analysis.Options{}, 1, 2); err != nil { // another seed
			t.Fatal(err)
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: 5, Misses: 5, Loads: 1})
		if l.calls.Load() != 1 {
			t.Errorf("load called %d times; want 1", l.calls.Load())
		}
	})

	t.Run("results are copies", func(t *testing.T) {
		c := analysis.NewCache((&loader{snap: snap}).load)
		a, _ := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
		a[0].ID, a[0].Score = "mutated", -1
		p, _ := c.Communities(ctx, analysis.Options{}, 1, 1)
		p.Communities[0][0] = "mutated"
		p.Of["mutated"] = 99
		b, _ := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
		q, _ := c.Communities(ctx, analysis.Options{}, 1, 1)
		if b[0].ID == "mutated" || q.Communities[0][0] == "mutated" || q.Of["mutated"] == 99 {
			t.Error("changing a result changed what the cache keeps")
		}
	})

	t.Run("invalidate reloads", func(t *testing.T) {
		l := &loader{snap: Snap([]string{"a", "b", "c"}, "a-b", "b-c")}
		c := analysis.NewCache(l.load)
		before, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		// A write adds d under c; the server invalidates.
		l.set(Snap([]string{"a", "b", "c", "d"}, "a-b", "b-c", "c-d"), nil)
		if again, _ := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0); !reflect.DeepEqual(again, before) {
			t.Errorf("before Invalidate: %v; want the kept %v", again, before)
		}
		c.Invalidate()
		after, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != 4 {
			t.Errorf("after Invalidate: %v; want the 4 nodes of the new snapshot", after)
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: 1, Misses: 2, Loads: 2, Generation: 1})
		c.Invalidate()
		c.Invalidate() // nothing asked in between: no load
		if _, err := c.Stats(ctx, analysis.Options{}); err != nil {
			t.Fatal(err)
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: 1, Misses: 3, Loads: 3, Generation: 3})
	})

	t.Run("concurrent calls load and compute once", func(t *testing.T) {
		l := &loader{snap: snap, gate: make(chan struct{})}
		c := analysis.NewCache(l.load)
		const callers = 32
		var wg sync.WaitGroup
		results := make([][]analysis.Score, callers)
		errs := make([]error, callers)
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = scoresOf(c, ctx, analysis.Closeness, analysis.Options{}, 3)
			}()
		}
		// And others asking for other things, sharing the one load.
		for _, m := range []analysis.Measure{analysis.Degree, analysis.PageRank} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := scoresOf(c, ctx, m, analysis.Options{}, 0); err != nil {
					t.Error(err)
				}
			}()
		}
		waitFor(t, func() bool { return c.Counters().Calls == callers+2 })
		close(l.gate)
		wg.Wait()
		want, _ := analysis.Centrality(snap, analysis.Closeness, analysis.Options{}, 3)
		for i := range callers {
			if errs[i] != nil || !reflect.DeepEqual(results[i], want) {
				t.Fatalf("caller %d: %v, %v; want %v", i, results[i], errs[i], want)
			}
		}
		wantCounters(t, c, analysis.CacheCounters{Hits: callers - 1, Misses: 3, Loads: 1})
		if l.calls.Load() != 1 {
			t.Errorf("load called %d times; want 1", l.calls.Load())
		}
	})

	t.Run("concurrent with invalidate", func(t *testing.T) {
		// Hammer the cache from many goroutines while writes invalidate it:
		// run with -race. Every answer is one of the two snapshots'.
		small := Snap([]string{"a", "b", "c"}, "a-b", "b-c")
		l := &loader{snap: snap}
		c := analysis.NewCache(l.load)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 50 {
					m := analysis.Measures[(i+j)%len(analysis.Measures)]
					ss, err := scoresOf(c, ctx, m, analysis.Options{}, 0)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ss) != len(snap.Nodes) && len(ss) != 3 {
						t.Errorf("got %d scores; want %d or 3", len(ss), len(snap.Nodes))
						return
					}
					if j%10 == 0 {
						if _, err := c.Communities(ctx, analysis.Options{}, 1, int64(j)); err != nil {
							t.Error(err)
							return
						}
					}
				}
			}()
		}
		for i := range 20 {
			if i%2 == 0 {
				l.set(small, nil)
			} else {
				l.set(snap, nil)
			}
			c.Invalidate()
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
		if got := c.Counters(); got.Generation != 20 || got.Loads > 21 {
			t.Errorf("Counters = %+v; want generation 20 and at most one load per generation", got)
		}
	})

	t.Run("load error is not kept", func(t *testing.T) {
		l := &loader{err: graph.Errorf(graph.CodeUnavailable, "neo4j is down")}
		c := analysis.NewCache(l.load)
		if _, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0); !errors.Is(err, graph.ErrUnavailable) {
			t.Fatalf("err = %v; want ErrUnavailable from the load", err)
		}
		l.set(snap, nil)
		ss, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
		if err != nil || len(ss) != len(snap.Nodes) {
			t.Fatalf("after the store came back: %d scores, %v; want %d", len(ss), err, len(snap.Nodes))
		}
		// The first call failed at the load, before any computation.
		wantCounters(t, c, analysis.CacheCounters{Misses: 1, Loads: 2})
	})

	t.Run("load panic is an internal error", func(t *testing.T) {
		l := &loader{panic: true}
		c := analysis.NewCache(l.load)
		_, err := c.Communities(ctx, analysis.Options{}, 1, 1)
		if graph.ErrorCode(err) != graph.CodeInternal {
			t.Fatalf("err = %v (code %q); want an internal error", err, graph.ErrorCode(err))
		}
	})

	t.Run("invalid arguments never load", func(t *testing.T) {
		l := &loader{snap: snap}
		c := analysis.NewCache(l.load)
		_, err1 := scoresOf(c, ctx, "FAME", analysis.Options{}, 0)
		_, err2 := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, analysis.MaxTop+1)
		_, err3 := c.Communities(ctx, analysis.Options{}, 11, 1)
		_, err4 := c.Stats(ctx, analysis.Options{Labels: []graph.Label{"Castle"}})
		for i, err := range []error{err1, err2, err3, err4} {
			if !errors.Is(err, graph.ErrInvalid) {
				t.Errorf("call %d: err = %v; want ErrInvalid", i+1, err)
			}
		}
		wantCounters(t, c, analysis.CacheCounters{})
	})

	t.Run("a caller that gives up stops the work", func(t *testing.T) {
		l := &loader{snap: snap, gate: make(chan struct{})}
		c := analysis.NewCache(l.load)
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := scoresOf(c, cctx, analysis.Betweenness, analysis.Options{}, 0)
			done <- err
		}()
		waitFor(t, func() bool { return l.calls.Load() == 1 })
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) || !errors.Is(err, graph.ErrUnavailable) {
			t.Fatalf("err = %v; want context.Canceled as CodeUnavailable", err)
		}
		waitFor(t, func() bool { return c.Counters().Running == 0 })
		if l.cancelled.Load() != 1 {
			t.Errorf("the load saw its context end %d times; want 1", l.cancelled.Load())
		}
		close(l.gate)
		ss, err := scoresOf(c, ctx, analysis.Betweenness, analysis.Options{}, 0)
		if err != nil || len(ss) != len(snap.Nodes) {
			t.Fatalf("next call: %d scores, %v", len(ss), err)
		}
		// The load and the build were cancelled; the next call did it all again.
		wantCounters(t, c, analysis.CacheCounters{Misses: 1, Loads: 2, Cancelled: 2})

		// An ended context fails at once, without loading.
		if _, err := c.Stats(cctx, analysis.Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Stats with an ended context: err = %v; want context.Canceled", err)
		}
	})
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(time.Millisecond)
	}
}
