package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// world is a graph that changes, read as a Cache's load and Patch read a
// store: the load gives all of it, the patch the nodes asked for that
// exist and every edge at them.
type world struct {
	mu      sync.Mutex
	nodes   map[string]*graph.Node
	edges   map[string]*graph.Edge
	loads   int
	patches int
	gate    chan struct{} // when set, load waits for it
}

func newWorld(s *graph.Snapshot) *world {
	w := &world{nodes: map[string]*graph.Node{}, edges: map[string]*graph.Edge{}}
	for _, n := range s.Nodes {
		w.nodes[n.ID] = n
	}
	for _, e := range s.Edges {
		w.edges[e.ID] = e
	}
	return w
}

func (w *world) snapshot() *graph.Snapshot {
	s := &graph.Snapshot{}
	for _, n := range w.nodes {
		s.Nodes = append(s.Nodes, n)
	}
	for _, e := range w.edges {
		s.Edges = append(s.Edges, e)
	}
	return s
}

func (w *world) load(ctx context.Context) (*graph.Snapshot, error) {
	w.mu.Lock()
	gate := w.gate
	w.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.loads++
	return w.snapshot(), nil
}

func (w *world) loaded() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loads
}

func (w *world) patch(_ context.Context, ids []string) (*graph.Snapshot, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.patches++
	s := &graph.Snapshot{}
	for _, id := range ids {
		if n, ok := w.nodes[id]; ok {
			s.Nodes = append(s.Nodes, n)
		}
		for _, e := range w.edges {
			if e.From == id || e.To == id {
				s.Edges = append(s.Edges, e)
			}
		}
	}
	return s, nil
}

// change makes k random writes (a node added, removed or relinked; an edge
// added or removed) and returns the node ids they touched, as a change
// lists them: the nodes and both ends of every edge.
func (w *world) change(rng *rand.Rand, k int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range w.nodes {
			if !yield(id) {
				return
			}
		}
	})
	var touched []string
	pick := func() string { return ids[rng.IntN(len(ids))] }
	for range k {
		switch rng.IntN(4) {
		case 0: // a new node under an old one
			id := fmt.Sprintf("org:new%06d", rng.IntN(1_000_000))
			parent := pick()
			w.nodes[id] = &graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE"}
			e := &graph.Edge{ID: graph.EdgeID(graph.RelSubOrganisationOf, id, parent), Type: graph.RelSubOrganisationOf, From: id, To: parent}
			w.edges[e.ID] = e
			touched = append(touched, id, parent)
		case 1: // a node removed, with its edges
			id := pick()
			if _, ok := w.nodes[id]; !ok {
				continue
			}
			delete(w.nodes, id)
			touched = append(touched, id)
			for eid, e := range w.edges {
				if e.From == id || e.To == id {
					delete(w.edges, eid)
					touched = append(touched, e.From, e.To)
				}
			}
		case 2: // an edge added
			a, b := pick(), pick()
			if _, ok := w.nodes[a]; !ok || a == b {
				continue
			}
			if _, ok := w.nodes[b]; !ok {
				continue
			}
			e := &graph.Edge{ID: graph.EdgeID(graph.RelAdjacentTo, a, b), Type: graph.RelAdjacentTo, From: a, To: b}
			w.edges[e.ID] = e
			touched = append(touched, a, b)
		case 3: // an edge removed
			for eid, e := range w.edges {
				delete(w.edges, eid)
				touched = append(touched, e.From, e.To)
				break
			}
		}
	}
	return touched
}

// fingerprint is what an analysis answers on the Cache's graph: its size,
// components and the whole DEGREE ranking.
func fingerprint(t *testing.T, c *analysis.Cache) string {
	t.Helper()
	ctx := context.Background()
	st, err := c.Stats(ctx, analysis.Options{})
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	r, err := c.Centrality(ctx, analysis.Degree, analysis.Options{}, analysis.Method{}, 10_000)
	if err != nil {
		t.Fatalf("Centrality: %v", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n", st)
	for _, s := range r.Scores {
		fmt.Fprintf(&b, "%s %.9f\n", s.ID, s.Score)
	}
	return b.String()
}

// TestCachePatch: after changes, a Cache that patches its snapshot answers
// exactly what a Cache that loads the changed graph answers, having loaded
// once; too many ids, or none, load again.
func TestCachePatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rounds int // changes, each answered before the next
		writes int // writes per change
		burst  int // changes made before an answer (each Changed alone)
		loads  int // loads expected in all
	}{
		{"one write at a time", 20, 1, 1, 1},
		{"several writes a change", 10, 7, 1, 1},
		{"changes before anyone asks", 5, 3, 4, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			w := newWorld(Generate(300, 700, 3))
			c := analysis.NewCache(w.load)
			c.SetPatch(w.patch)
			fingerprint(t, c)
			for round := range tc.rounds {
				for range tc.burst {
					c.Changed(w.change(rng, tc.writes))
				}
				got := fingerprint(t, c)
				fresh := analysis.NewCache(func(context.Context) (*graph.Snapshot, error) { return w.snapshot(), nil })
				if want := fingerprint(t, fresh); got != want {
					t.Fatalf("round %d: the patched cache answers\n%.400s\nwhere a fresh load answers\n%.400s", round, got, want)
				}
			}
			if w.loaded() != tc.loads {
				t.Errorf("loads: %d, want %d", w.loaded(), tc.loads)
			}
			if got, want := c.Counters().Patches, int64(tc.rounds); got != want {
				t.Errorf("patches: %d, want %d (one per answer, however many changes came before it)", got, want)
			}
		})
	}

	t.Run("no ids or too many load again", func(t *testing.T) {
		w := newWorld(Generate(50, 80, 1))
		c := analysis.NewCache(w.load)
		c.SetPatch(w.patch)
		fingerprint(t, c)
		c.Changed(nil)
		fingerprint(t, c)
		many := make([]string, analysis.MaxPatchIDs+1)
		for i := range many {
			many[i] = fmt.Sprintf("org:x%06d", i)
		}
		c.Changed(many)
		fingerprint(t, c)
		c.Changed([]string{"org:000001"})
		fingerprint(t, c)
		if w.loaded() != 3 || c.Counters().Patches != 1 {
			t.Errorf("loads %d, patches %d; want 3 and 1", w.loaded(), c.Counters().Patches)
		}
	})

	t.Run("a change during the load patches it", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		w := newWorld(Generate(100, 200, 2))
		w.gate = make(chan struct{})
		c := analysis.NewCache(w.load)
		c.SetPatch(w.patch)
		first := make(chan error, 1)
		go func() {
			_, err := c.Stats(context.Background(), analysis.Options{})
			first <- err
		}()
		for c.Counters().Running == 0 {
			time.Sleep(time.Millisecond)
		}
		c.Changed(w.change(rng, 5))
		close(w.gate)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		got := fingerprint(t, c)
		fresh := analysis.NewCache(func(context.Context) (*graph.Snapshot, error) { return w.snapshot(), nil })
		if want := fingerprint(t, fresh); got != want {
			t.Fatalf("after a change during the load: got\n%.300s\nwant\n%.300s", got, want)
		}
		if n := w.loaded(); n != 1 {
			t.Errorf("loads: %d, want 1", n)
		}
	})
}

// TestCacheWarm: Warm loads the graph before anyone asks and patches it
// after a change without a caller; a caller whose deadline passes while it
// loads is told it goes on loading.
func TestCacheWarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := newWorld(Generate(200, 400, 5))
	w.gate = make(chan struct{})
	c := analysis.NewCache(w.load)
	c.SetPatch(w.patch)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		c.Warm(ctx, nil)
		close(done)
	}()
	defer func() {
		cancel()
		<-done
	}()

	waitFor(t, func() bool { return c.Counters().Running > 0 }) // Warm's load, held
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	_, err := c.Stats(short, analysis.Options{})
	stop()
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.Code != graph.CodeDeadline || !strings.Contains(ge.Message, "goes on loading") {
		t.Fatalf("a call while Warm loads: %v; want %s saying it goes on loading", err, graph.CodeDeadline)
	}
	close(w.gate) // the load Warm started carries on although that caller left
	waitFor(t, func() bool { _, _, ok := c.Size(); return ok })
	if n := w.loaded(); n != 1 {
		t.Fatalf("loads: %d, want 1 (Warm's; the caller who left did not cancel it)", n)
	}

	c.Changed(w.change(rng, 3))
	waitFor(t, func() bool { return c.Counters().Patches == 1 && c.Counters().Running == 0 })
	before := c.Counters()
	got := fingerprint(t, c)
	after := c.Counters()
	if after.Patches != 1 || after.Loads != before.Loads {
		t.Errorf("a call after Warm patched: %+v then %+v; want no load or patch of its own", before, after)
	}
	fresh := analysis.NewCache(func(context.Context) (*graph.Snapshot, error) { return w.snapshot(), nil })
	if want := fingerprint(t, fresh); got != want {
		t.Fatalf("warm and patched: got\n%.300s\nwant\n%.300s", got, want)
	}
	if n := w.loaded(); n != 1 {
		t.Errorf("loads: %d, want 1", n)
	}
}
