package gql

import (
	"context"
	"fmt"
	"sync"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// Whole-graph reads. Planning (simulateAlliances, saveScenario,
// commitScenario) and changes read the network whole (Store.Snapshot): on
// the synthetic city set 158,437 nodes and 350,301 edges; a snapshot and one
// plan allocate some 180 MiB (docs/reliability.md §13). (The analyses keep
// their own snapshot, one a generation, in their cache; exports read a page
// at a time.) Two rules keep a request from multiplying that:
//
//   - Within one operation every field that needs the whole graph shares one
//     snapshot (read once, by the first to ask, and again after a write:
//     a mutation's answer reads what it wrote), so 20 aliases of
//     simulateAlliances read it once. Their planning still costs each its
//     own CPU; the complexity limit prices each field (costs.go).
//   - Across requests, a SnapshotGate lets at most a few operations hold a
//     snapshot at once (DefaultSnapshotSlots); another waits for a slot
//     until its deadline, then answers UNAVAILABLE. A slot is held from the
//     read until the operation's answer is written, so the gate bounds the
//     snapshots alive, not only the reads under way.

// DefaultSnapshotSlots is how many operations may hold a whole-graph
// snapshot at once.
const DefaultSnapshotSlots = 2

// SnapshotGate bounds the whole-graph snapshots held at once.
type SnapshotGate struct{ slots chan struct{} }

// NewSnapshotGate returns a gate of n slots (n < 1: DefaultSnapshotSlots).
func NewSnapshotGate(n int) *SnapshotGate {
	if n < 1 {
		n = DefaultSnapshotSlots
	}
	return &SnapshotGate{slots: make(chan struct{}, n)}
}

// Acquire takes a slot, waiting at most until ctx ends (then UNAVAILABLE),
// and returns the function that gives it back (call it once).
func (g *SnapshotGate) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
	default:
		select {
		case g.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, &graph.Error{Code: graph.CodeUnavailable, Err: ctx.Err(), Message: fmt.Sprintf(
				"the server is reading the whole network for %d other requests and this one's deadline passed waiting: try again shortly", cap(g.slots))}
		}
	}
	var once sync.Once
	return func() { once.Do(func() { <-g.slots }) }, nil
}

// Held reports how many slots are taken.
func (g *SnapshotGate) Held() int { return len(g.slots) }

// gate returns the resolver's gate, making a default one if the server gave
// none.
func (r *Resolver) gate() *SnapshotGate {
	r.gateOnce.Do(func() {
		if r.Snapshots == nil {
			r.Snapshots = NewSnapshotGate(0)
		}
		if r.Broker != nil { // changes another server on the broker made
			r.Broker.OnChange(func(*model.GraphChange) { r.writes.Add(1) })
		}
	})
	return r.Snapshots
}

// opSnapshot is one operation's shared snapshot: read once, its slot given
// back when the operation's answer is done.
type opSnapshot struct {
	mu      sync.Mutex
	snap    *graph.Snapshot
	err     error
	gen     uint64 // Resolver.writes when it was read
	release func()
}

// done gives the operation's slot back, if it took one.
func (s *opSnapshot) done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.release != nil {
		s.release()
		s.release = nil
	}
	s.snap = nil
}

// snapshot returns the whole graph as stored (graph.View{}), shared by every
// field of the operation; the first to ask reads it under the gate.
// Outside an operation (tests) it reads under the gate and gives the slot
// back at once.
func (r *Resolver) snapshot(ctx context.Context) (*graph.Snapshot, error) {
	set, ok := ctx.Value(loadersKey{}).(*loaderSet)
	if !ok {
		release, err := r.gate().Acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
		return r.Store.Snapshot(ctx, graph.View{})
	}
	s := &set.snap
	s.mu.Lock()
	defer s.mu.Unlock()
	// A write since it was read (the operation's own commit, or another's
	// heard of) makes it stale: read it again under the slot already held.
	// (2026-12-02: commitScenario's answer measured the plan on the
	// snapshot from before the commit and left that network in the
	// planning cache, so planningNetwork went on answering the old
	// grouping until the next write.)
	gen := r.writes.Load()
	if (s.snap != nil || s.err != nil) && s.gen == gen {
		return s.snap, s.err
	}
	if s.release == nil {
		release, err := r.gate().Acquire(ctx)
		if err != nil {
			return nil, err // not kept: a later field may still get a slot
		}
		s.release = release
	}
	s.gen = gen
	s.snap, s.err = r.Store.Snapshot(ctx, graph.View{})
	if s.err != nil {
		s.release()
		s.release = nil
		return nil, s.err
	}
	return s.snap, nil
}
