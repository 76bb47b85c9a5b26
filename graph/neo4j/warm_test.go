package neo4j_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
)

// TestWarmWrites: the write warm-up runs every write statement in one
// transaction, once (not retried), and writes nothing: the snapshot and
// counts are the same before and after, and none of its ids exists.
func TestWarmWrites(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mustApply(t, s, seed.Yuelin())
	snapshot := func() ([]byte, graph.Counts) {
		t.Helper()
		snap, err := s.Snapshot(ctx, graph.View{})
		if err != nil {
			t.Fatalf("Snapshot() = %v", err)
		}
		b, err := json.Marshal(snap)
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Counts(ctx, graph.View{})
		if err != nil {
			t.Fatalf("Counts() = %v", err)
		}
		return b, c
	}
	before, cBefore := snapshot()
	for round := range 2 { // the second round meets planned statements
		rep, err := s.WarmWrites(ctx)
		if err != nil {
			t.Fatalf("round %d: WarmWrites() = %v", round, err)
		}
		t.Logf("round %d: %d statements in %v, ids %v", round, rep.Statements, rep.Took.Round(time.Millisecond), rep.IDs)
		if rep.Attempts != 1 {
			t.Errorf("round %d: the transaction function ran %d times, want 1 (no retry of the rollback)", round, rep.Attempts)
		}
		if rep.Statements < 12 {
			t.Errorf("round %d: %d statements sent, want every write statement (≥ 12)", round, rep.Statements)
		}
		nodes, err := s.Nodes(ctx, graph.View{}, rep.IDs)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			if n != nil {
				t.Errorf("warm-up node %s exists afterwards", n.ID)
			}
		}
		for _, id := range rep.IDs {
			if e, err := s.Edge(ctx, graph.View{}, id); err == nil && e != nil {
				t.Errorf("warm-up edge %s exists afterwards", id)
			}
		}
	}
	after, cAfter := snapshot()
	if string(before) != string(after) {
		t.Error("the snapshot changed across the warm-up")
	}
	if cBefore != cAfter {
		t.Errorf("counts %+v before, %+v after", cBefore, cAfter)
	}
}
