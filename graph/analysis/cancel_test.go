package analysis_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// slowSnap is a graph whose exact betweenness takes tens of seconds (40,000
// searches of 100,000 steps), so that a computation still running seconds
// after its callers left would be seen.
var slowSnap = sync.OnceValue(func() *graph.Snapshot { return Generate(40000, 60000, 9) })

var slowExact = analysis.Method{Exact: true, AllowExact: true}

// cpuTime is the CPU time this process has used.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCache_StopsWhenEveryCallerLeft: three callers share one computation;
// it keeps running while one of them waits, stops when the last leaves, and
// then uses no CPU.
func TestCache_StopsWhenEveryCallerLeft(t *testing.T) {
	c := analysis.NewCache((&loader{snap: slowSnap()}).load)
	ctx := context.Background()
	// Load and build first, so that what follows is the computation alone.
	if _, err := c.Stats(ctx, analysis.Options{}); err != nil {
		t.Fatal(err)
	}
	const callers = 3
	cancels := make([]context.CancelFunc, callers)
	errs := make(chan error, callers)
	for i := range callers {
		cctx, cancel := context.WithCancel(ctx)
		cancels[i] = cancel
		go func() {
			_, err := c.Centrality(cctx, analysis.Betweenness, analysis.Options{}, slowExact, 3)
			errs <- err
		}()
	}
	waitFor(t, func() bool { return c.Counters().Calls == callers })
	if got := c.Counters(); got.Misses != 2 || got.Running != 1 { // stats, then the one betweenness
		t.Fatalf("Counters = %+v; want one computation running for the three callers", got)
	}
	for i := range callers - 1 {
		cancels[i]()
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("caller %d: err = %v; want context.Canceled", i, err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if got := c.Counters(); got.Running != 1 || got.Cancelled != 0 {
		t.Fatalf("with one caller still waiting: Counters = %+v; want the computation running, none cancelled", got)
	}
	cancels[callers-1]()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("last caller: err = %v; want context.Canceled", err)
	}
	waitFor(t, func() bool { return c.Counters().Running == 0 })
	if got := c.Counters(); got.Cancelled != 1 {
		t.Errorf("Counters = %+v; want the computation cancelled once", got)
	}
	// Nothing computes any more: the process is idle.
	before := cpuTime(t)
	time.Sleep(500 * time.Millisecond)
	if used := cpuTime(t) - before; used > 200*time.Millisecond {
		t.Errorf("the process used %v of CPU in the 500 ms after every caller left; want next to none", used)
	}
	// Nothing half-done was kept: a caller with a second left is refused
	// before anything starts, not answered.
	cctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := c.Centrality(cctx, analysis.Betweenness, analysis.Options{}, slowExact, 3); !errors.Is(err, graph.ErrDeadline) {
		t.Fatalf("err = %v; want DEADLINE_EXCEEDED", err)
	}
	if got := c.Counters(); got.Misses != 2 || got.Running != 0 {
		t.Errorf("Counters = %+v; want nothing started", got)
	}
}

// TestCache_SharedWorkSurvivesOneCallerLeaving: a caller that leaves does
// not take the work from the others, and the result is kept for later.
func TestCache_SharedWorkSurvivesOneCallerLeaving(t *testing.T) {
	snap := MustFixture(t)
	l := &loader{snap: snap, gate: make(chan struct{})}
	c := analysis.NewCache(l.load)
	ctx := context.Background()
	leaving, leave := context.WithCancel(ctx)
	left := make(chan error, 1)
	go func() {
		_, err := c.Centrality(leaving, analysis.Closeness, analysis.Options{}, analysis.Method{}, 3)
		left <- err
	}()
	stayed := make(chan *analysis.Ranking, 1)
	go func() {
		r, err := c.Centrality(ctx, analysis.Closeness, analysis.Options{}, analysis.Method{}, 3)
		if err != nil {
			t.Error(err)
		}
		stayed <- r
	}()
	waitFor(t, func() bool { return c.Counters().Calls == 2 })
	leave()
	if err := <-left; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	close(l.gate)
	r := <-stayed
	want, _ := analysis.Centrality(snap, analysis.Closeness, analysis.Options{}, 3)
	if r == nil || len(r.Scores) != 3 || r.Scores[0] != want[0] {
		t.Fatalf("the caller who stayed got %+v; want %v", r, want)
	}
	if got := c.Counters(); got.Cancelled != 0 || got.Loads != 1 {
		t.Errorf("Counters = %+v; want nothing cancelled, one load", got)
	}
	// Kept: a later caller is a hit.
	if _, err := c.Centrality(ctx, analysis.Closeness, analysis.Options{}, analysis.Method{}, 1); err != nil {
		t.Fatal(err)
	}
	if got := c.Counters(); got.Hits != 1 || got.Misses != 1 {
		t.Errorf("Counters = %+v; want the kept result to answer", got)
	}
}

// TestCache_Deadline: a caller whose deadline passes gets DEADLINE_EXCEEDED
// with what to ask for instead, never an internal error; what cannot fit is
// refused before it starts; the work stops.
func TestCache_Deadline(t *testing.T) {
	ctx := context.Background()
	t.Run("refused before it starts", func(t *testing.T) {
		c := analysis.NewCache((&loader{snap: slowSnap()}).load)
		if _, err := c.Stats(ctx, analysis.Options{}); err != nil {
			t.Fatal(err)
		}
		// 40,000 searches of ~160,000 steps: 6.4·10^9 steps, 6.4 s at the
		// fastest pace; one second left.
		dctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Centrality(dctx, analysis.Betweenness, analysis.Options{}, slowExact, 3)
		if !errors.Is(err, graph.ErrDeadline) || !strings.Contains(err.Error(), "leave out exact for an estimate from sampled sources (samples: ") {
			t.Fatalf("err = %v; want DEADLINE_EXCEEDED advising samples", err)
		}
		if waited := time.Since(start); waited > 500*time.Millisecond {
			t.Errorf("refused after %v; want at once", waited)
		}
		if got := c.Counters(); got.Misses != 1 || got.Running != 0 { // the stats only
			t.Errorf("Counters = %+v; want no computation started", got)
		}
	})
	t.Run("a load past the deadline", func(t *testing.T) {
		l := &loader{snap: MustFixture(t), gate: make(chan struct{})}
		defer close(l.gate)
		c := analysis.NewCache(l.load)
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := c.Communities(dctx, analysis.Options{}, 1, 1)
		if !errors.Is(err, graph.ErrDeadline) || !strings.Contains(err.Error(), "loading the graph for analysis did not finish within the request deadline") {
			t.Fatalf("err = %v; want DEADLINE_EXCEEDED naming the load", err)
		}
		waitFor(t, func() bool { return c.Counters().Running == 0 })
		if l.cancelled.Load() != 1 {
			t.Errorf("the load saw its context end %d times; want 1", l.cancelled.Load())
		}
	})
	t.Run("a computation past the deadline", func(t *testing.T) {
		c := analysis.NewCache((&loader{snap: slowSnap()}).load)
		if _, err := c.Stats(ctx, analysis.Options{}); err != nil {
			t.Fatal(err)
		}
		// 15,000 sources: 2.4·10^9 steps, 2.4 s at the fastest pace, so not
		// refused with 3 s left; but not done in 3 s either (the paces
		// measured are 4–7 times slower): stopped by its pace, or at the
		// deadline.
		dctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, err := c.Centrality(dctx, analysis.Betweenness, analysis.Options{}, analysis.Method{Samples: 15000, Seed: 1}, 3)
		if !errors.Is(err, graph.ErrDeadline) || !strings.Contains(err.Error(), "ask for fewer samples (samples: ") {
			t.Fatalf("err = %v; want DEADLINE_EXCEEDED advising fewer samples", err)
		}
		waitFor(t, func() bool { return c.Counters().Running == 0 })
	})
}

// TestCache_InvalidateDoesNotCancel: a write while a caller waits leaves its
// computation running; the caller gets the graph its computation loaded,
// which is not kept; the next caller loads again.
func TestCache_InvalidateDoesNotCancel(t *testing.T) {
	before := Snap([]string{"a", "b", "c"}, "a-b", "b-c")
	after := Snap([]string{"a", "b", "c", "d"}, "a-b", "b-c", "c-d")
	gate := make(chan struct{})
	l := &loader{snap: before, gate: gate}
	c := analysis.NewCache(l.load)
	ctx := context.Background()
	got := make(chan []analysis.Score, 1)
	go func() {
		ss, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
		if err != nil {
			t.Error(err)
		}
		got <- ss
	}()
	waitFor(t, func() bool { return l.calls.Load() == 1 })
	c.Invalidate() // the write lands while the load waits
	close(gate)
	if ss := <-got; len(ss) != 3 {
		t.Errorf("the waiting caller got %v; want the 3 nodes its load saw", ss)
	}
	l.set(after, nil)
	ss, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 0)
	if err != nil || len(ss) != 4 {
		t.Errorf("next caller: %v, %v; want the 4 nodes of the new graph", ss, err)
	}
	if got := c.Counters(); got.Cancelled != 0 || got.Loads != 2 || got.Generation != 1 {
		t.Errorf("Counters = %+v; want no cancel, a load per generation", got)
	}
}

// TestCache_KeysNormalised: every relation spelled out, in any order and
// with repeats, is the same computation as none; so are kinds in any order.
func TestCache_KeysNormalised(t *testing.T) {
	c := analysis.NewCache((&loader{snap: MustFixture(t)}).load)
	ctx := context.Background()
	all := append([]graph.RelType{graph.RelMentors}, graph.RelTypes...)
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	for _, opts := range []analysis.Options{
		{},
		{Relations: all},
		{Relations: all, Kinds: []string{"VILLAGE", "COMMUNITY", "VILLAGE"}},
		{Kinds: []string{"COMMUNITY", "VILLAGE"}},
	} {
		if _, err := scoresOf(c, ctx, analysis.PageRank, opts, 3); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Counters(); got.Misses != 1 || got.Hits != 3 {
		t.Errorf("Counters = %+v; want one computation, three hits", got)
	}
}
