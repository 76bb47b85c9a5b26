package neo4j_test

import (
	"context"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/neo4j"
)

// TestTxTimeoutReachesNeo4j runs an expensive read through readTx
// (neo4j.ExpensiveRead, exported by txtimeout_test.go) and
// checks that it fails in time and that Neo4j's transaction is gone a few
// seconds later. A Go context that expires makes the driver drop the
// connection, which ends the transaction on the server too; so to show that
// the timeout itself reached Neo4j, the first two cases send the statement
// under a context that is never cancelled (readTx still computes the
// timeout from the deadline): then only Neo4j's own timeout can end it, and
// the read must fail with Neo4j's timeout status. The detector (SHOW
// TRANSACTIONS) must see the read while it runs, so that "gone" means
// something.
func TestTxTimeoutReachesNeo4j(t *testing.T) {
	tests := []struct {
		name     string
		deadline time.Duration
		limit    time.Duration
		// detached: the statement is sent under context.WithoutCancel, so
		// the Go side never abandons it.
		detached bool
	}{
		{name: "context deadline, detached", deadline: time.Second, detached: true},
		{name: "TxTimeout under a far deadline, detached", deadline: 2 * time.Minute, limit: time.Second, detached: true},
		{name: "context deadline", deadline: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t, neo4j.Options{TxTimeout: tt.limit})
			bg := context.Background()
			ctx, cancel := context.WithTimeout(bg, tt.deadline)
			defer cancel()
			start := time.Now()
			done := make(chan error, 1)
			go func() { done <- neo4j.ExpensiveRead(ctx, s, tt.detached) }()
			seen := false
			var err error
		wait:
			for {
				select {
				case err = <-done:
					break wait
				case <-time.After(200 * time.Millisecond):
					if time.Since(start) > 30*time.Second {
						t.Fatal("the expensive read still runs after 30 s")
					}
					qctx, qcancel := context.WithTimeout(bg, 5*time.Second)
					n, qerr := neo4j.ServerTxs(qctx, s)
					qcancel()
					if qerr == nil && n > 0 {
						seen = true
					}
				}
			}
			took := time.Since(start)
			t.Logf("readTx failed after %v: %v", took.Round(time.Millisecond), err)
			if !seen {
				t.Error("SHOW TRANSACTIONS never saw the read while it ran: the check below proves nothing")
			}
			if err == nil {
				t.Fatal("the expensive read succeeded; it must time out")
			}
			if graph.ErrorCode(err) != graph.CodeUnavailable {
				t.Errorf("code %s, want UNAVAILABLE", graph.ErrorCode(err))
			}
			if tt.detached && !neo4j.IsServerTimeout(err) {
				t.Errorf("the read did not fail with Neo4j's transaction timeout: %v", err)
			}
			if took > 15*time.Second {
				t.Errorf("the read took %v to fail, want a few seconds", took)
			}
			// Gone on the server within a few seconds.
			var n int
			for gone := time.Now(); time.Since(gone) < 10*time.Second; time.Sleep(200 * time.Millisecond) {
				qctx, qcancel := context.WithTimeout(bg, 5*time.Second)
				n, err = neo4j.ServerTxs(qctx, s)
				qcancel()
				if err != nil {
					t.Fatalf("SHOW TRANSACTIONS: %v", err)
				}
				if n == 0 {
					t.Logf("gone on the server %v after the read failed", time.Since(gone).Round(time.Millisecond))
					return
				}
			}
			t.Errorf("Neo4j still runs %d transaction(s) of the expensive read 10 s after it failed", n)
		})
	}
}
