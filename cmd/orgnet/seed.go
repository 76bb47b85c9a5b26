package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v3"
	"golang.org/x/term"

	"github.com/orgnet/orgnet/graph"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/seed"
)

func seedCmd() *cli.Command {
	return &cli.Command{
		Name:  "seed",
		Usage: "load the Yuelin network, or a synthetic one (--synthetic), into the store (idempotent: seeding twice gives the same graph)",
		Description: "Without --synthetic, seed writes the Yuelin network in one transaction.\n\n" +
			"With --synthetic county|city|province it writes a generated network of the same\n" +
			"shape (~10k, ~160k or ~1.7M nodes; the same --seed gives the same network) in\n" +
			"batches of --batch-size items, one transaction each: every node first (--writers\n" +
			"batches at a time), then every edge (--edge-writers at a time), with progress on\n" +
			"stderr. A synthetic load is therefore not all-or-nothing: a failed synthetic load\n" +
			"leaves what was loaded; rerun to complete: loads are idempotent upserts.\n\n" +
			"Into an empty Neo4j store (and unless --bulk=false) a synthetic load is a bulk load:\n" +
			"create only, no lookups, and the secondary indexes (search, kind, tier, source) and\n" +
			"per-label id constraints are dropped for the load and made again at its end (also\n" +
			"when it fails or is interrupted; else the next start of the store makes them).",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "synthetic", Usage: "load a synthetic network instead of Yuelin: county (~10k nodes, ~23k edges), city (~160k, ~350k) or province (~1.7M, ~3.7M)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the synthetic network: the same seed gives the same network"},
			&cli.IntFlag{Name: "batch-size", Usage: "nodes or edges per transaction (Store.Apply) of a synthetic load (default: 20000 on neo4j; 200000 on the embedded store, which re-sorts its node index after every batch)"},
			&cli.IntFlag{Name: "writers", Usage: "node batches written at once (default: 2 on neo4j, 1 on the embedded store, which writes one batch at a time anyway)"},
			&cli.IntFlag{Name: "edge-writers", Usage: "edge batches written at once (default: 2 for a bulk load into an empty Neo4j store, else 1); more than 1 risks deadlocks on shared end nodes in Neo4j (retried, but each retry rewrites a whole batch)"},
			&cli.BoolFlag{Name: "bulk", Value: true, Usage: "into an empty Neo4j store, load create-only (no lookups; secondary indexes and per-label constraints made again after the load); false: always Store.Apply"},
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the load to this file", Hidden: true},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.String("synthetic") == "" {
				return seedYuelin(ctx, cmd)
			}
			return seedSynthetic(ctx, cmd)
		},
	}
}

func seedYuelin(ctx context.Context, cmd *cli.Command) error {
	ctx = graph.WithOperation(ctx, graph.Operation{Name: "seed"})
	store, _, err := openStore(ctx, cmd)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := seedStore(ctx, store)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	c, err := store.Counts(ctx, graph.View{})
	if err != nil {
		return err
	}
	fmt.Printf("seeded Yuelin: %d nodes created, %d updated; %d edges created, %d updated; the store holds %d nodes and %d edges\n",
		res.NodesCreated, res.NodesUpdated, res.EdgesCreated, res.EdgesUpdated, c.Nodes, c.Edges)
	return nil
}

// loadOptions shape a synthetic load.
type loadOptions struct {
	batchSize   int
	writers     int // node batches at once
	edgeWriters int // edge batches at once
	progress    io.Writer
	tty         bool // progress is a terminal: draw a bar, else print lines
}

// loadStats are the counts and times of a load.
type loadStats struct {
	res                  graph.ApplyResult
	nodes, edges         int64
	nodeTime, edgeTime   time.Duration
	batches, retries     int64
	nodePhase, edgePhase time.Time     // when each phase began
	indexTime            time.Duration // making the indexes again after a bulk load
}

// applyFunc writes one batch: Store.Apply, or a bulk load's Apply.
type applyFunc func(ctx context.Context, b graph.Batch) (graph.ApplyResult, error)

func seedSynthetic(ctx context.Context, cmd *cli.Command) error {
	ctx = graph.WithOperation(ctx, graph.Operation{Name: "seed"})
	size, err := seed.ParseSize(cmd.String("synthetic"))
	if err != nil {
		return fmt.Errorf("--synthetic: %w", err)
	}
	opts := loadOptions{batchSize: int(cmd.Int("batch-size")), writers: int(cmd.Int("writers")),
		edgeWriters: int(cmd.Int("edge-writers")), progress: os.Stderr, tty: term.IsTerminal(int(os.Stderr.Fd()))}
	if opts.batchSize < 0 {
		return fmt.Errorf("--batch-size must be > 0, got %d", opts.batchSize)
	}
	if opts.edgeWriters < 0 {
		return fmt.Errorf("--edge-writers must be > 0, got %d", opts.edgeWriters)
	}
	store, kind, err := openStore(ctx, cmd)
	if err != nil {
		return err
	}
	defer store.Close()
	if opts.writers <= 0 {
		opts.writers = 1
		if kind == "neo4j" {
			opts.writers = 2
		}
	}
	if opts.batchSize == 0 {
		opts.batchSize = 200_000
		if kind == "neo4j" {
			opts.batchSize = 20_000
		}
	}
	if path := cmd.String("cpuprofile"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	s := int64(cmd.Int64("seed"))
	apply, how := applyFunc(store.Apply), "Store.Apply"
	var bulk *neo4jstore.BulkLoad
	if ns, ok := store.(*neo4jstore.Store); ok && cmd.Bool("bulk") {
		bulk, err = ns.BeginBulkLoad(ctx, neo4jstore.BulkOptions{})
		switch {
		case err == nil:
			apply, how = bulk.Apply, "a bulk load (empty store: create only; indexes made after)"
			if opts.edgeWriters == 0 {
				// Measured: 40,000 rels/s with two, 25,000 with one, no
				// deadlock (bench/load/README.md, "After the changes").
				opts.edgeWriters = 2
			}
		case errors.Is(err, graph.ErrConflict): // not empty: upsert
		default:
			return err
		}
	}
	if opts.edgeWriters == 0 {
		opts.edgeWriters = 1
	}
	fmt.Fprintf(opts.progress, "loading synthetic %s network (seed %d) into %s by %s: batches of %d, %d node writer(s), %d edge writer(s)\n",
		size, s, kind, how, opts.batchSize, opts.writers, opts.edgeWriters)
	start := time.Now()
	st, err := loadSynthetic(ctx, apply, size, s, opts)
	if bulk != nil {
		// Also after a failure or an interrupt: the indexes must come back.
		fmt.Fprintf(opts.progress, "%6.1fs making the dropped indexes and constraints again\n", time.Since(start).Seconds())
		t0 := time.Now()
		ferr := bulk.Finish(context.WithoutCancel(ctx))
		st.indexTime = time.Since(t0)
		if ferr != nil {
			ferr = fmt.Errorf("after the bulk load: %w", ferr)
			if err == nil {
				err = ferr
			} else {
				fmt.Fprintln(opts.progress, ferr)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("seed --synthetic %s: %w (a failed synthetic load leaves what was loaded; rerun to complete: loads are idempotent upserts)", size, err)
	}
	total := time.Since(start)
	c, err := store.Counts(ctx, graph.View{})
	if err != nil {
		return err
	}
	indexes := ""
	if bulk != nil {
		indexes = fmt.Sprintf(", indexes made again in %s", st.indexTime.Round(time.Millisecond))
	}
	fmt.Printf("seeded synthetic %s (seed %d, ref %s) into %s in %s: %d nodes in %s (%.0f nodes/s), %d edges in %s (%.0f rels/s)%s; "+
		"%d nodes created, %d updated; %d edges created, %d updated; %d batches, %d retried; the store holds %d nodes and %d edges\n",
		size, s, seed.SyntheticRef(size, s), kind, total.Round(time.Millisecond),
		st.nodes, st.nodeTime.Round(time.Millisecond), rate(st.nodes, st.nodeTime),
		st.edges, st.edgeTime.Round(time.Millisecond), rate(st.edges, st.edgeTime), indexes,
		st.res.NodesCreated, st.res.NodesUpdated, st.res.EdgesCreated, st.res.EdgesUpdated, st.batches, st.retries, c.Nodes, c.Edges)
	return nil
}

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// loadSynthetic streams a synthetic network through apply: node batches by
// opts.writers writers, then (once every node is in) edge batches by
// opts.edgeWriters writers. Each batch is one Apply; a batch that fails
// with ErrUnavailable (deadlock, timeout, lost connection: the driver has
// already retried it) is tried again a few times, which is safe because
// Store.Apply is an upsert (a bulk load's retry of a batch that did commit
// fails on the constraints, and says so).
func loadSynthetic(ctx context.Context, apply applyFunc, size seed.Size, s int64, opts loadOptions) (*loadStats, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	st := &loadStats{}
	var (
		mu       sync.Mutex // guards st.res
		nodesIn  atomic.Int64
		edgesIn  atomic.Int64
		batches  atomic.Int64
		retries  atomic.Int64
		pool     *writerPool
		edgePool *writerPool
	)
	write := func(b graph.Batch) error {
		var res graph.ApplyResult
		var err error
		for attempt := 0; ; attempt++ {
			res, err = apply(ctx, b)
			if err == nil || !errors.Is(err, graph.ErrUnavailable) || attempt == 4 || ctx.Err() != nil {
				break
			}
			retries.Add(1)
			select {
			case <-time.After(time.Duration(1<<attempt) * 500 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		if err != nil {
			return err
		}
		mu.Lock()
		st.res.NodesCreated += res.NodesCreated
		st.res.NodesUpdated += res.NodesUpdated
		st.res.EdgesCreated += res.EdgesCreated
		st.res.EdgesUpdated += res.EdgesUpdated
		mu.Unlock()
		nodesIn.Add(int64(len(b.Nodes)))
		edgesIn.Add(int64(len(b.Edges)))
		batches.Add(1)
		return nil
	}

	prog := newProgress(opts, size, &nodesIn, &edgesIn)
	defer prog.stop()

	st.nodePhase = time.Now()
	pool = newWriterPool(ctx, cancel, opts.writers, write)
	err := seed.SyntheticChunks(size, s, opts.batchSize, func(b graph.Batch) error {
		if len(b.Edges) > 0 && edgePool == nil {
			// Every node batch is out: wait for the writers before the
			// first edge, whose ends must exist.
			if err := pool.wait(); err != nil {
				return err
			}
			st.nodeTime = time.Since(st.nodePhase)
			st.edgePhase = time.Now()
			prog.phase("edges")
			edgePool = newWriterPool(ctx, cancel, opts.edgeWriters, write)
			pool = edgePool
		}
		return pool.submit(b)
	})
	if werr := pool.wait(); err == nil {
		err = werr
	}
	if edgePool == nil { // no edges at all
		st.nodeTime = time.Since(st.nodePhase)
	} else {
		st.edgeTime = time.Since(st.edgePhase)
	}
	if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	st.nodes, st.edges = nodesIn.Load(), edgesIn.Load()
	st.batches, st.retries = batches.Load(), retries.Load()
	prog.stop()
	return st, err
}

// writerPool runs write on submitted batches with n goroutines; the first
// error cancels the load.
type writerPool struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	work   chan graph.Batch
	wg     sync.WaitGroup
	once   sync.Once
	mu     sync.Mutex
	err    error
}

func newWriterPool(ctx context.Context, cancel context.CancelCauseFunc, n int, write func(graph.Batch) error) *writerPool {
	p := &writerPool{ctx: ctx, cancel: cancel, work: make(chan graph.Batch)}
	for range n {
		p.wg.Go(func() {
			for b := range p.work {
				if err := write(b); err != nil {
					p.mu.Lock()
					if p.err == nil {
						p.err = err
					}
					p.mu.Unlock()
					cancel(err)
				}
			}
		})
	}
	return p
}

// submit hands b to a free writer, or returns the load's error.
func (p *writerPool) submit(b graph.Batch) error {
	select {
	case p.work <- b:
		return nil
	case <-p.ctx.Done():
		return context.Cause(p.ctx)
	}
}

// wait lets the writers finish and returns the first error.
func (p *writerPool) wait() error {
	p.once.Do(func() { close(p.work) })
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// progress shows nodes/s and rels/s: a bar on a terminal, a line every
// few seconds otherwise.
type progress struct {
	opts         loadOptions
	nodes, edges *atomic.Int64
	start        time.Time
	bar          *progressbar.ProgressBar
	done         chan struct{}
	stopped      sync.Once
	wg           sync.WaitGroup

	mu        sync.Mutex // guards what follows
	phaseName string
	lastN     int64
	lastE     int64
	lastAt    time.Time
	targetN   int
	targetE   int
}

func newProgress(opts loadOptions, size seed.Size, nodes, edges *atomic.Int64) *progress {
	now := time.Now()
	p := &progress{opts: opts, nodes: nodes, edges: edges, start: now, lastAt: now,
		done: make(chan struct{}), phaseName: "nodes"}
	p.targetN, p.targetE = size.Target()
	if opts.tty {
		p.bar = progressbar.NewOptions64(int64(p.targetN+p.targetE),
			progressbar.OptionSetWriter(opts.progress),
			progressbar.OptionSetDescription("nodes"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	interval := 5 * time.Second
	if opts.tty {
		interval = 500 * time.Millisecond
	}
	p.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.show(false)
			}
		}
	})
	return p
}

// phase marks the start of writing edges.
func (p *progress) phase(name string) {
	p.show(true)
	p.mu.Lock()
	p.phaseName = name
	p.mu.Unlock()
}

func (p *progress) show(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	n, e := p.nodes.Load(), p.edges.Load()
	dt := now.Sub(p.lastAt).Seconds()
	if dt <= 0 {
		dt = 1e-9
	}
	nps, eps := float64(n-p.lastN)/dt, float64(e-p.lastE)/dt
	p.lastN, p.lastE, p.lastAt = n, e, now
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s: %d nodes (%.0f/s), %d rels (%.0f/s)", p.phaseName, n, nps, e, eps))
		_ = p.bar.Set64(n + e)
		return
	}
	tag := ""
	if final {
		tag = " (nodes done)"
	}
	fmt.Fprintf(p.opts.progress, "%6.1fs %s: %d/~%d nodes (%.0f nodes/s), %d/~%d rels (%.0f rels/s)%s\n",
		now.Sub(p.start).Seconds(), p.phaseName, n, p.targetN, nps, e, p.targetE, eps, tag)
}

func (p *progress) stop() {
	p.stopped.Do(func() {
		close(p.done)
		p.wg.Wait()
		if p.bar != nil {
			_ = p.bar.Finish()
			fmt.Fprintln(p.opts.progress)
		}
	})
}
