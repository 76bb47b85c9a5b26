package analysis

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// maxResults and maxNets bound the results and the graphs (one per set of
// relations asked) one generation keeps; past either, the generation
// forgets those it kept and starts again (callers choose relations, seeds,
// samples and resolutions, so the keys are not a small set). A result holds
// a score or two per node, a graph its edges twice: on the city set 1.3–2.5
// MB and 4 MB, so at most ~160 and ~64 MB.
const (
	maxResults = 64
	maxNets    = 16
)

// Cache memoises analyses of a store's graph until Invalidate. It loads the
// snapshot lazily, once per generation (a generation ends at each
// Invalidate), and builds the graph over each set of relations once:
// concurrent callers share one load, one build and one computation of the
// same thing. What it keeps is the costly part, keyed by what it depends on
// (measure, relations and how sampled; relations, resolution and seed), each
// list sorted and de-duplicated and every relation spelled as none;
// filtering by kinds and labels and cutting to top are redone for each call,
// so asking for another top or kind is a hit. Errors are not kept: the next
// call tries again.
//
// A load, build or computation runs on its own goroutine for as long as a
// caller waits for it: when the last caller waiting leaves (its context is
// cancelled or passes its deadline), the work is cancelled and forgotten,
// and the next caller starts it again. Invalidate does not cancel: callers
// already waiting get the answer for the graph as their computation loaded
// it (at or after the moment they asked, never older), which is not kept.
// A Cache is safe for concurrent use.
type Cache struct {
	load  func(context.Context) (*graph.Snapshot, error)
	patch Patch // under mu; nil: a change reloads (SetPatch)

	mu  sync.Mutex
	cur *generation

	size atomic.Pointer[[2]int] // nodes and edges of the last snapshot loaded

	hits, misses, loads, cancelled, running, calls, patches atomic.Int64

	warming   atomic.Int64 // Warms running
	loadStart atomic.Int64 // when the full load running began (UnixNano; 0: none)
	lastLoad  atomic.Int64 // how long the last full load took (ns)
}

// generation is what the Cache knows between two Invalidates.
type generation struct {
	n       uint64
	snap    *table // the snapshot, under ""
	nets    *table // graphs, by relations
	results *table

	// prev, when set, is the generation whose snapshot this one patches
	// with the nodes pending (sorted ids) instead of loading (Changed);
	// cleared once patched. Under Cache.mu.
	prev    *generation
	pending []string
	gone    chan struct{} // closed when the generation is replaced
}

// table holds the flights of one kind, by key: at most limit of them, and
// counted in hits and misses or not.
type table struct {
	flights map[string]*flight
	limit   int
	counted bool
}

func newGeneration(n uint64) *generation {
	return &generation{n: n, gone: make(chan struct{}),
		snap:    &table{flights: map[string]*flight{}, limit: 1},
		nets:    &table{flights: map[string]*flight{}, limit: maxNets},
		results: &table{flights: map[string]*flight{}, limit: maxResults, counted: true},
	}
}

// flight is one load, build or computation, running or done; done is
// closed when val and err are set. The fields below done are guarded by
// Cache.mu.
type flight struct {
	done chan struct{}
	val  any
	err  error

	waiters  int                // callers waiting now
	cancel   context.CancelFunc // stops the work
	deadline time.Time          // the latest of the waiters' deadlines
	open     bool               // a waiter had no deadline
	forget   func()             // removes the flight from its generation
}

// CacheCounters count what a Cache did since it was made.
type CacheCounters struct {
	Hits   int64 // calls answered by a result kept or being computed
	Misses int64 // computations started
	Loads  int64 // snapshot loads started
	// Generation counts Invalidates.
	Generation uint64
	// Cancelled counts loads, builds and computations stopped because no
	// caller waited for them any more.
	Cancelled int64
	// Running is how many loads, builds and computations are running now;
	// Calls how many calls are waiting for one.
	Running, Calls int64
	// Patches counts snapshots patched instead of loaded (Changed).
	Patches int64
}

// NewCache returns a Cache over the snapshots load returns (Store.Snapshot,
// usually). load must not be nil; it runs with a context that keeps the
// first caller's values, and is cancelled when no caller waits for it.
func NewCache(load func(ctx context.Context) (*graph.Snapshot, error)) *Cache {
	if load == nil {
		panic("analysis: NewCache with a nil load")
	}
	return &Cache{load: load, cur: newGeneration(0)}
}

// Invalidate forgets the snapshot and every result: the next call loads the
// snapshot again. The server calls it after every write. Calls already under
// way finish with what they had (see Cache).
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.replace(newGeneration(c.cur.n + 1))
}

// Counters returns what the Cache did so far.
func (c *Cache) Counters() CacheCounters {
	c.mu.Lock()
	gen := c.cur.n
	c.mu.Unlock()
	return CacheCounters{Hits: c.hits.Load(), Misses: c.misses.Load(), Loads: c.loads.Load(), Generation: gen,
		Cancelled: c.cancelled.Load(), Running: c.running.Load(), Calls: c.calls.Load(), Patches: c.patches.Load()}
}

// Size returns the nodes and edges of the last snapshot loaded (false
// before the first).
func (c *Cache) Size() (nodes, edges int, ok bool) {
	if s := c.size.Load(); s != nil {
		return s[0], s[1], true
	}
	return 0, 0, false
}

// CentralityCost is the GraphQL complexity of a centrality: its search steps
// (see cost.go) on the graph last loaded, over StepsPerPoint, as measure and
// m would compute it there, at most MaxPoints; 0 before any snapshot was
// loaded (the deadline guards then still hold). Invalid arguments cost 0:
// they are refused.
func (c *Cache) CentralityCost(measure Measure, m Method) int {
	n, edges, ok := c.Size()
	if !ok || !measure.Valid() {
		return 0
	}
	if _, err := m.check(); err != nil {
		return 0
	}
	m.AllowExact = true // a refusal is not free to price; exact is priced as exact
	p, _ := m.resolve(measure, n, edges)
	return int(min(work(measure, p, n, edges)/StepsPerPoint, MaxPoints))
}

// CommunitiesCost is the GraphQL complexity of Communities, like
// CentralityCost.
func (c *Cache) CommunitiesCost() int {
	n, edges, ok := c.Size()
	if !ok {
		return 0
	}
	return int(min(louvainWork(n, edges)/StepsPerPoint, MaxPoints))
}

// Ranking is a centrality ranking and how it was computed.
type Ranking struct {
	Measure Measure
	// Scores are the nodes the options list, best first (see Centrality).
	Scores []Score
	// Nodes and Edges are the size of the graph analysed.
	Nodes, Edges int
	// Exact is whether every score is exact; else Samples sources were
	// searched (in every component larger than that, for CLOSENESS), chosen
	// by Seed.
	Exact   bool
	Samples int
	Seed    int64
	// ErrorBound holds for every node of the graph, listed or not: with
	// probability at least Confidence, every exact score lies within it of
	// its estimate (each Score's Bound is that node's own, no larger). 0,
	// with Confidence 1, when exact.
	ErrorBound float64
	Confidence float64
}

func (s *scored) ranking(measure Measure, g *network, opts Options, top int) *Ranking {
	r := &Ranking{Measure: measure, Scores: s.rank(opts, top), Nodes: g.n(), Edges: g.edges,
		Exact: s.plan.exact, ErrorBound: s.bound, Confidence: 1}
	if !s.plan.exact {
		r.Samples, r.Seed, r.Confidence = s.plan.samples, s.plan.seed, Confidence
	}
	return r
}

// Rank is Centrality with a context and a Method: exact or sampled as m and
// the graph's size say (see Method), stopped when ctx ends (with an error of
// CodeDeadline at its deadline). Returns what Centrality returns, and
// CodeForbidden for exact past ExactWork without AllowExact.
func Rank(ctx context.Context, snap *graph.Snapshot, measure Measure, opts Options, m Method, top int) (*Ranking, error) {
	opts, m, err := checkCentrality(measure, opts, m, top)
	if err != nil {
		return nil, err
	}
	g, err := build(ctx, snap, opts.Relations)
	if err != nil {
		return nil, ended(ctx, "building the graph", "ask for fewer relations")
	}
	p, err := m.resolve(measure, g.n(), g.edges)
	if err != nil {
		return nil, err
	}
	if err := refuseEarly(ctx, measure, p, g.n(), g.edges); err != nil {
		return nil, err
	}
	pc := freePace(ctx)
	if dl, ok := ctx.Deadline(); ok {
		pc.deadline = func() time.Time { return dl }
		pc.late = lateCentrality(measure, p, g.n())
	}
	s, err := centrality(pc, g, measure, p)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ended(ctx, describe(measure, p, g.n()), centralityAdvice(measure, p, g.n(), 0, 0))
		}
		return nil, err
	}
	return s.ranking(measure, g, opts, top), nil
}

func lateCentrality(measure Measure, p plan, n int) func(float64, time.Duration) error {
	return func(perSecond float64, window time.Duration) error {
		return tooLate("%s cannot finish within the request deadline at %.3g sources a second; %s",
			describe(measure, p, n), perSecond, centralityAdvice(measure, p, n, perSecond, window))
	}
}

// Centrality is Rank on the current snapshot. Returns what Rank and the load
// return, or an error of CodeDeadline (ctx passed its deadline: the message
// says what to ask for instead) or CodeUnavailable (ctx was cancelled) when
// ctx ends first.
func (c *Cache) Centrality(ctx context.Context, measure Measure, opts Options, m Method, top int) (*Ranking, error) {
	c.calls.Add(1)
	defer c.calls.Add(-1)
	opts, m, err := checkCentrality(measure, opts, m, top)
	if err != nil {
		return nil, err
	}
	gen, g, err := c.network(ctx, opts.Relations)
	if err != nil {
		return nil, err
	}
	p, err := m.resolve(measure, g.n(), g.edges)
	if err != nil {
		return nil, err
	}
	key := "centrality|" + string(measure) + "|" + joinRels(opts.Relations) + "|" + p.key()
	what := describe(measure, p, g.n())
	v, err := c.share(ctx, gen.results, key,
		func() error { return refuseEarly(ctx, measure, p, g.n(), g.edges) },
		func(pc *pace) (any, error) {
			pc.late = lateCentrality(measure, p, g.n())
			return centrality(pc, g, measure, p)
		},
		what, centralityAdvice(measure, p, g.n(), 0, 0))
	if err != nil {
		return nil, err
	}
	return v.(*scored).ranking(measure, g, opts, top), nil
}

func (p plan) key() string {
	if p.exact {
		return "exact"
	}
	return strconv.Itoa(p.samples) + "@" + strconv.FormatInt(p.seed, 10)
}

// Communities is the package's Communities on the current snapshot. Returns
// what Communities and the load return, or an error of CodeDeadline or
// CodeUnavailable when ctx ends first.
func (c *Cache) Communities(ctx context.Context, opts Options, resolution float64, seed int64) (*Partition, error) {
	c.calls.Add(1)
	defer c.calls.Add(-1)
	opts, resolution, err := checkCommunities(opts, resolution)
	if err != nil {
		return nil, err
	}
	gen, g, err := c.network(ctx, opts.Relations)
	if err != nil {
		return nil, err
	}
	key := "communities|" + joinRels(opts.Relations) + "|" +
		strconv.FormatFloat(resolution, 'g', -1, 64) + "|" + strconv.FormatInt(seed, 10)
	v, err := c.share(ctx, gen.results, key, nil,
		func(pc *pace) (any, error) { return communities(pc, g, resolution, seed) },
		"Louvain communities on "+strconv.Itoa(g.n())+" nodes", "ask for fewer relations")
	if err != nil {
		return nil, err
	}
	return v.(*grouping).partition(opts), nil
}

// Stats is the package's Stats on the current snapshot. Returns what Stats
// and the load return, or an error of CodeDeadline or CodeUnavailable when
// ctx ends first.
func (c *Cache) Stats(ctx context.Context, opts Options) (GraphStats, error) {
	c.calls.Add(1)
	defer c.calls.Add(-1)
	opts, err := opts.normalise()
	if err != nil {
		return GraphStats{}, err
	}
	gen, g, err := c.network(ctx, opts.Relations)
	if err != nil {
		return GraphStats{}, err
	}
	v, err := c.share(ctx, gen.results, "stats|"+joinRels(opts.Relations), nil,
		func(pc *pace) (any, error) { return stats(pc.ctx, g) },
		"the graph's statistics", "ask for fewer relations")
	if err != nil {
		return GraphStats{}, err
	}
	return v.(GraphStats), nil
}

func joinRels(rels []graph.RelType) string {
	s := make([]string, len(rels))
	for i, r := range rels {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// network returns the current generation and its graph over rels (sorted,
// nil for all), loading the snapshot and building the graph if no one has.
func (c *Cache) network(ctx context.Context, rels []graph.RelType) (*generation, *network, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, ended(ctx, "the analysis", "ask again")
	}
	c.mu.Lock()
	gen := c.cur
	c.mu.Unlock()
	return c.networkOf(ctx, gen, rels)
}

// networkOf is network on gen.
func (c *Cache) networkOf(ctx context.Context, gen *generation, rels []graph.RelType) (*generation, *network, error) {
	v, err := c.share(ctx, gen.nets, joinRels(rels), nil, func(pc *pace) (any, error) {
		snap, err := c.snapshot(pc.ctx, gen)
		if err != nil {
			return nil, err
		}
		return build(pc.ctx, snap, rels)
	}, "loading the graph for analysis", c.loadAdvice())
	if err != nil {
		return nil, nil, err
	}
	return gen, v.(*network), nil
}

// snapshot returns gen's snapshot, loading it (or patching the one it
// follows, Changed) if no one has.
func (c *Cache) snapshot(ctx context.Context, gen *generation) (*graph.Snapshot, error) {
	v, err := c.share(ctx, gen.snap, "", nil, func(pc *pace) (any, error) {
		c.mu.Lock()
		prev, pending, patch := gen.prev, gen.pending, c.patch
		c.mu.Unlock()
		if prev != nil {
			base, err := c.snapshot(pc.ctx, prev)
			if err != nil {
				return nil, err
			}
			fresh, err := patch(pc.ctx, pending)
			if err != nil {
				return nil, err
			}
			if fresh == nil {
				fresh = &graph.Snapshot{}
			}
			snap := patched(base, pending, fresh)
			c.patches.Add(1)
			c.size.Store(&[2]int{len(snap.Nodes), len(snap.Edges)})
			c.mu.Lock()
			gen.prev, gen.pending = nil, nil // prev's snapshot may go
			c.mu.Unlock()
			return snap, nil
		}
		c.loads.Add(1)
		start := time.Now()
		c.loadStart.Store(start.UnixNano())
		defer c.loadStart.Store(0)
		snap, err := c.load(pc.ctx)
		if err != nil {
			return nil, err
		}
		if snap == nil {
			snap = &graph.Snapshot{}
		}
		// Cleaned once here, so that every graph built from it shares the
		// node slice; a copy, as the loader's snapshot is not ours to change.
		snap = &graph.Snapshot{Nodes: cleanNodes(snap.Nodes), Edges: snap.Edges}
		c.size.Store(&[2]int{len(snap.Nodes), len(snap.Edges)})
		c.lastLoad.Store(int64(time.Since(start)))
		return snap, nil
	}, "loading the graph for analysis", c.loadAdvice())
	if err != nil {
		return nil, err
	}
	return v.(*graph.Snapshot), nil
}

// share returns the outcome of the flight kept in t under key, starting it
// if there is none: first asks whether it may start (nil: yes), then runs it
// on a goroutine of its own with a context that keeps ctx's values, is
// cancelled when no caller waits any more, and a pace whose deadline is the
// latest of the waiters'. what and advice make the error of a caller whose
// deadline passes.
func (c *Cache) share(ctx context.Context, t *table, key string,
	mayStart func() error, run func(*pace) (any, error), what, advice string) (any, error) {
	c.mu.Lock()
	f, ok := t.flights[key]
	if ok {
		f.join(ctx)
		c.mu.Unlock()
		if t.counted {
			c.hits.Add(1)
		}
		return c.wait(ctx, f, what, advice)
	}
	if mayStart != nil {
		if err := mayStart(); err != nil {
			c.mu.Unlock()
			return nil, err
		}
	}
	if len(t.flights) >= t.limit {
		clear(t.flights) // running flights keep running for their waiters
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f = &flight{done: make(chan struct{}), cancel: cancel}
	f.forget = func() {
		if t.flights[key] == f {
			delete(t.flights, key)
		}
	}
	f.join(ctx)
	t.flights[key] = f
	c.mu.Unlock()
	if t.counted {
		c.misses.Add(1)
	}
	pc := &pace{ctx: wctx, start: time.Now(), deadline: func() time.Time {
		c.mu.Lock()
		defer c.mu.Unlock()
		if f.open {
			return time.Time{}
		}
		return f.deadline
	}}
	c.running.Add(1)
	go func() {
		var val any
		err := protect(func() error {
			var err error
			val, err = run(pc)
			return err
		})
		cancel()
		c.mu.Lock()
		f.val, f.err = val, err
		if err != nil {
			f.forget() // the next call tries again
		}
		c.mu.Unlock()
		c.running.Add(-1) // before done: a caller answered sees it ended
		close(f.done)
	}()
	return c.wait(ctx, f, what, advice)
}

// join counts a caller waiting for f; under c.mu.
func (f *flight) join(ctx context.Context) {
	f.waiters++
	if dl, ok := ctx.Deadline(); !ok {
		f.open = true
	} else if dl.After(f.deadline) {
		f.deadline = dl
	}
}

// wait returns the outcome of f, or the error of ctx's end if it ends first;
// the last caller to leave a flight still running cancels it.
func (c *Cache) wait(ctx context.Context, f *flight, what, advice string) (any, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
	}
	c.mu.Lock()
	f.waiters--
	select {
	case <-f.done: // done, perhaps just as ctx ended: the answer is here
		c.mu.Unlock()
		return f.val, f.err
	default:
	}
	stop := f.waiters == 0
	if stop {
		f.forget()
	}
	c.mu.Unlock()
	if stop {
		f.cancel()
		c.cancelled.Add(1)
	}
	return nil, ended(ctx, what, advice)
}

// protect runs fn, turning a panic into an internal error: fn runs on a
// goroutine of its own, where a panic would end the process.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = graph.Errorf(graph.CodeInternal, "analysis: panic: %v", r)
		}
	}()
	return fn()
}
