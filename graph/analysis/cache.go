package analysis

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/orgnet/orgnet/graph"
)

// maxCached bounds the results one generation keeps; past it the generation
// forgets them all and starts again (callers choose seeds and resolutions,
// so the keys are not a small set).
const maxCached = 256

// Cache memoises analyses of a store's graph until Invalidate. It loads the
// snapshot lazily, once per generation (a generation ends at each
// Invalidate): concurrent callers share one load and one computation of the
// same thing. What it keeps is the costly part, keyed by what it depends on
// (measure and relations; relations, resolution and seed); filtering by kinds
// and labels and cutting to top are redone for each call, so asking for
// another top or kind is a hit. Errors are not kept: the next call tries
// again. A Cache is safe for concurrent use.
type Cache struct {
	load func(context.Context) (*graph.Snapshot, error)

	mu  sync.Mutex
	cur *generation

	hits, misses, loads atomic.Int64
}

// generation is what the Cache knows between two Invalidates.
type generation struct {
	n       uint64
	snap    *flight // nil until asked for
	results map[string]*flight
}

// flight is one load or computation, running or done; done is closed when
// val and err are set.
type flight struct {
	done chan struct{}
	val  any
	err  error
}

// CacheCounters count what a Cache did since it was made.
type CacheCounters struct {
	Hits   int64 // calls answered by a result kept or being computed
	Misses int64 // computations started
	Loads  int64 // snapshot loads started
	// Generation counts Invalidates.
	Generation uint64
}

// NewCache returns a Cache over the snapshots load returns (Store.Snapshot,
// usually). load must not be nil; it runs with a context that keeps the
// caller's values but not its cancellation, since other callers may wait for
// the same load.
func NewCache(load func(ctx context.Context) (*graph.Snapshot, error)) *Cache {
	if load == nil {
		panic("analysis: NewCache with a nil load")
	}
	return &Cache{load: load, cur: &generation{results: map[string]*flight{}}}
}

// Invalidate forgets the snapshot and every result: the next call loads the
// snapshot again. The server calls it after every write. Calls already under
// way finish with what they had.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur = &generation{n: c.cur.n + 1, results: map[string]*flight{}}
}

// Counters returns the hits, misses, loads and generation so far.
func (c *Cache) Counters() CacheCounters {
	c.mu.Lock()
	gen := c.cur.n
	c.mu.Unlock()
	return CacheCounters{Hits: c.hits.Load(), Misses: c.misses.Load(), Loads: c.loads.Load(), Generation: gen}
}

// Centrality is the package's Centrality on the current snapshot. Returns
// what Centrality and the load return, or ctx's error when ctx ends first.
func (c *Cache) Centrality(ctx context.Context, measure Measure, opts Options, top int) ([]Score, error) {
	opts, err := checkCentrality(measure, opts, top)
	if err != nil {
		return nil, err
	}
	key := "centrality|" + string(measure) + "|" + joinRels(opts.Relations)
	v, err := c.result(ctx, key, func(snap *graph.Snapshot) any {
		return centrality(build(snap, opts.Relations), measure)
	})
	if err != nil {
		return nil, err
	}
	return v.(*scored).rank(opts, top), nil
}

// Communities is the package's Communities on the current snapshot. Returns
// what Communities and the load return, or ctx's error when ctx ends first.
func (c *Cache) Communities(ctx context.Context, opts Options, resolution float64, seed int64) (*Partition, error) {
	opts, resolution, err := checkCommunities(opts, resolution)
	if err != nil {
		return nil, err
	}
	key := "communities|" + joinRels(opts.Relations) + "|" +
		strconv.FormatFloat(resolution, 'g', -1, 64) + "|" + strconv.FormatInt(seed, 10)
	v, err := c.result(ctx, key, func(snap *graph.Snapshot) any {
		return communities(build(snap, opts.Relations), resolution, seed)
	})
	if err != nil {
		return nil, err
	}
	return v.(*grouping).partition(opts), nil
}

// Stats is the package's Stats on the current snapshot. Returns what Stats
// and the load return, or ctx's error when ctx ends first.
func (c *Cache) Stats(ctx context.Context, opts Options) (GraphStats, error) {
	opts, err := opts.normalise()
	if err != nil {
		return GraphStats{}, err
	}
	v, err := c.result(ctx, "stats|"+joinRels(opts.Relations), func(snap *graph.Snapshot) any {
		return stats(build(snap, opts.Relations))
	})
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

// result returns the value kept under key in the current generation, or
// computes it from the generation's snapshot, once however many ask at the
// same time. compute must treat the snapshot as read-only.
func (c *Cache) result(ctx context.Context, key string, compute func(*graph.Snapshot) any) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	gen := c.cur
	f, ok := gen.results[key]
	if ok {
		c.hits.Add(1)
		c.mu.Unlock()
		return f.wait(ctx)
	}
	if len(gen.results) >= maxCached {
		gen.results = map[string]*flight{}
	}
	f = &flight{done: make(chan struct{})}
	gen.results[key] = f
	c.misses.Add(1)
	c.mu.Unlock()

	// The computation runs on its own so that a caller whose ctx ends can
	// leave while others still wait for it; its result is kept either way.
	loadCtx := context.WithoutCancel(ctx)
	go func() {
		var val any
		err := protect(func() error {
			snap, err := c.snapshot(loadCtx, gen)
			if err != nil {
				return err
			}
			val = compute(snap)
			return nil
		})
		c.settle(f, val, err, func() {
			if gen.results[key] == f {
				delete(gen.results, key)
			}
		})
	}()
	return f.wait(ctx)
}

// snapshot returns gen's snapshot, loading it with ctx if no one has yet.
func (c *Cache) snapshot(ctx context.Context, gen *generation) (*graph.Snapshot, error) {
	c.mu.Lock()
	f := gen.snap
	if f != nil {
		c.mu.Unlock()
		<-f.done
	} else {
		f = &flight{done: make(chan struct{})}
		gen.snap = f
		c.loads.Add(1)
		c.mu.Unlock()
		var snap *graph.Snapshot
		err := protect(func() error {
			var err error
			snap, err = c.load(ctx)
			return err
		})
		c.settle(f, snap, err, func() {
			if gen.snap == f {
				gen.snap = nil
			}
		})
	}
	if f.err != nil {
		return nil, f.err
	}
	return f.val.(*graph.Snapshot), nil
}

// settle records the outcome of flight f and wakes its waiters. A failed
// flight is forgotten (forget runs under the lock) so that the next call
// tries again.
func (c *Cache) settle(f *flight, val any, err error, forget func()) {
	c.mu.Lock()
	f.val, f.err = val, err
	if err != nil {
		forget()
	}
	c.mu.Unlock()
	close(f.done)
}

// wait returns the outcome of f, or ctx's error if ctx ends first.
func (f *flight) wait(ctx context.Context) (any, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
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
