package neo4j_test

import (
	"context"
	"errors"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/graph/storetest"
)

// TestChangeRetention: the feed drops its oldest changes past
// Options.ChangeRetention, and says so.
func TestChangeRetention(t *testing.T) {
	s := openStore(t, neo4j.Options{ChangeRetention: 5})
	wipe(t, s.Driver())
	storetest.Retention(t, s, 5)
}

// TestChangesEpoch: a database emptied under the store (or replaced) starts
// a feed of another epoch, and a closed store says it is closed.
func TestChangesEpoch(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	mustApply(t, s, graph.Batch{Nodes: []graph.Node{org("org:a", "甲")}})
	first, err := s.Changes(ctx, 0, 10)
	if err != nil || first.Head != 1 || first.Epoch == "" {
		t.Fatalf("Changes = %+v, %v", first, err)
	}
	wipe(t, s.Driver())
	mustApply(t, s, graph.Batch{Nodes: []graph.Node{org("org:a", "甲")}})
	second, err := s.Changes(ctx, 0, 10)
	if err != nil || second.Head != 1 || second.Epoch == "" || second.Epoch == first.Epoch {
		t.Fatalf("after a wipe: %+v (before: epoch %q), %v", second, first.Epoch, err)
	}
	other := openStore(t, neo4j.Options{})
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Changes(ctx, 0, 1); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("Changes on a closed store = %v; want ErrClosed", err)
	}
}

// TestCloseWhileReading: Close while reads and a replica's follower-like
// polling of the feed are under way waits for them (the driver's Close is
// not safe beside a session in use: go test -race sees it), and every call
// after it answers ErrClosed.
func TestCloseWhileReading(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, neo4j.Options{})
	reads := []func() error{
		func() error { _, err := s.Changes(ctx, 0, 10); return err },
		func() error { _, err := s.Counts(ctx, graph.View{}); return err },
		func() error {
			_, err := s.FindNodes(ctx, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 5})
			return err
		},
		func() error { return s.Ping(ctx) },
	}
	errs := make(chan error, len(reads))
	started := make(chan struct{}, len(reads))
	for _, read := range reads {
		go func() {
			for i := 0; ; i++ {
				err := read()
				if i == 0 {
					started <- struct{}{}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range reads {
		<-started
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for range reads {
		if err := <-errs; !errors.Is(err, graph.ErrClosed) {
			t.Errorf("a read across Close ended with %v; want ErrClosed", err)
		}
	}
}
