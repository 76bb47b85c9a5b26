package analysis

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// Patch reads, for the node ids given, those that exist now (as the Cache's
// load gives them: records left out) and every edge at any of them, in
// either direction. A Cache that has one keeps its snapshot across changes
// that list their ids (Changed): it re-reads what they touched instead of
// the whole graph, which on the province set is the difference between a
// fraction of a second and two minutes (docs/scale.md §5.2).
type Patch func(ctx context.Context, ids []string) (*graph.Snapshot, error)

// MaxPatchIDs bounds the node ids a patched snapshot re-reads: changes that
// touched more since the last snapshot loaded (or a change that lists none:
// a bulk load, an import) load the whole graph again.
const MaxPatchIDs = 20_000

// SetPatch makes the Cache patch its snapshot on Changed (nil: reload).
// Call it before the Cache is used.
func (c *Cache) SetPatch(p Patch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.patch = p
}

// Changed tells the Cache that the nodes ids (and the edges at them) were
// written: every result is forgotten, and the next call answers on the
// snapshot patched with what those nodes are now, or on a fresh load when
// the Cache has no Patch, no snapshot to patch, or too many ids to re-read.
// An empty ids is Invalidate. Calls already under way finish with what they
// had (see Cache).
func (c *Cache) Changed(ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.cur
	next := newGeneration(cur.n + 1)
	if c.patch != nil && len(ids) > 0 {
		// What the next generation patches: the current snapshot if it is
		// there; else what the current one was to patch, with its ids; else
		// the current one's load (it runs once, for whoever asks first).
		prev, pending := cur, []string(nil)
		if !cur.ready() && cur.prev != nil {
			prev, pending = cur.prev, cur.pending
		}
		if merged := mergeIDs(pending, ids); len(merged) <= MaxPatchIDs {
			next.prev, next.pending = prev, merged
		}
	}
	c.replace(next)
}

// replace makes next the current generation; under c.mu.
func (c *Cache) replace(next *generation) {
	close(c.cur.gone)
	c.cur = next
}

// ready is whether g's snapshot is loaded; under Cache.mu.
func (g *generation) ready() bool {
	f, ok := g.snap.flights[""]
	if !ok {
		return false
	}
	select {
	case <-f.done:
		return f.err == nil
	default:
		return false
	}
}

// mergeIDs returns the sorted union of a (sorted, unique) and b.
func mergeIDs(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// patched returns base with the nodes touched (sorted ids) as fresh has
// them: a touched node fresh lacks is gone, with its edges; every edge at a
// touched node is fresh's. base's nodes are sorted by id (cleanNodes), and
// so are the result's.
func patched(base *graph.Snapshot, touched []string, fresh *graph.Snapshot) *graph.Snapshot {
	isTouched := make(map[string]struct{}, len(touched))
	for _, id := range touched {
		isTouched[id] = struct{}{}
	}
	var freshNodes []*graph.Node
	for _, n := range fresh.Nodes {
		if n == nil {
			continue
		}
		if _, ok := isTouched[n.ID]; ok { // a patch answers for the ids asked only
			freshNodes = append(freshNodes, n)
		}
	}
	freshNodes = cleanNodes(freshNodes)
	nodes := make([]*graph.Node, 0, len(base.Nodes)+len(freshNodes))
	j := 0
	for _, n := range base.Nodes {
		for j < len(freshNodes) && freshNodes[j].ID < n.ID {
			nodes = append(nodes, freshNodes[j])
			j++
		}
		if j < len(freshNodes) && freshNodes[j].ID == n.ID {
			nodes = append(nodes, freshNodes[j])
			j++
			continue
		}
		if _, ok := isTouched[n.ID]; ok {
			continue // gone
		}
		nodes = append(nodes, n)
	}
	nodes = append(nodes, freshNodes[j:]...)

	edges := make([]*graph.Edge, 0, len(base.Edges)+len(fresh.Edges))
	for _, e := range base.Edges {
		if e == nil {
			continue
		}
		_, from := isTouched[e.From]
		_, to := isTouched[e.To]
		if !from && !to {
			edges = append(edges, e)
		}
	}
	// An edge between two touched nodes is read at both.
	seen := make(map[string]struct{}, len(fresh.Edges))
	for _, e := range fresh.Edges {
		if e == nil {
			continue
		}
		k := e.ID
		if k == "" {
			k = e.From + "\x00" + e.To + "\x00" + string(e.Type)
		}
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		edges = append(edges, e)
	}
	return &graph.Snapshot{Nodes: nodes, Edges: edges}
}

// Warm keeps the current generation's snapshot and its graph over every
// relation loaded, until ctx ends: at once, and again after each change
// (patched when it can be, see Changed), so that the first caller after a
// start or a change finds them instead of waiting for them. A load under
// way when a change comes is finished, not cancelled: the next generation
// patches it. Errors are logged and retried after a pause (at most a
// minute). Calls wait for what Warm loads as for any load, until their
// deadline; their error then says that it is loading (loadAdvice).
func (c *Cache) Warm(ctx context.Context, logger *slog.Logger) {
	if logger == nil {
		logger = slog.Default()
	}
	c.warming.Add(1)
	defer c.warming.Add(-1)
	pause := time.Duration(0)
	for {
		c.mu.Lock()
		gen := c.cur
		c.mu.Unlock()
		start := time.Now()
		_, err := c.snapshot(ctx, gen)
		if err == nil && c.current(gen) {
			_, _, err = c.networkOf(ctx, gen, nil)
		}
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			pause = min(max(2*pause, 5*time.Second), time.Minute)
			logger.Warn("analysis: cannot load the graph; trying again", "after", pause, "err", err)
		default:
			pause = 0
			if n, e, ok := c.Size(); ok {
				logger.Debug("analysis: graph kept", "nodes", n, "edges", e, "took", time.Since(start).Round(time.Millisecond))
			}
		}
		var retry <-chan time.Time // nil: wait for the next change
		if pause > 0 {
			retry = time.After(pause)
		}
		select {
		case <-ctx.Done():
		case <-gen.gone:
		case <-retry:
		}
	}
}

// current is whether gen is the current generation.
func (c *Cache) current(gen *generation) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur == gen
}

// loadAdvice is what a caller whose deadline passed while the graph loaded
// is told to do.
func (c *Cache) loadAdvice() string {
	if c.warming.Load() == 0 {
		return "on a graph this large, ask an admin for a longer --request-timeout or to keep the graph loaded (orgnet serve --analysis-warm)"
	}
	var b strings.Builder
	b.WriteString("this server goes on loading it and keeps it")
	if st := c.loadStart.Load(); st != 0 {
		fmt.Fprintf(&b, " (loading for %s", time.Since(time.Unix(0, st)).Round(time.Second))
		if last := c.lastLoad.Load(); last > 0 {
			fmt.Fprintf(&b, "; the last full load took %s", time.Duration(last).Round(time.Second))
		}
		b.WriteString(")")
	}
	b.WriteString(": ask again later")
	return b.String()
}
