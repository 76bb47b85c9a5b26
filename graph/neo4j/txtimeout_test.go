package neo4j

import (
	"context"
	"errors"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
)

func TestTxTimeout(t *testing.T) {
	// An hour ahead: the contexts are not done by the clock, so txTimeout
	// itself must find a passed deadline.
	now := time.Now().Add(time.Hour)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	at := func(d time.Duration) context.Context {
		ctx, cancel := context.WithDeadline(context.Background(), now.Add(d))
		t.Cleanup(cancel)
		return ctx
	}
	tests := []struct {
		name    string
		ctx     context.Context
		limit   time.Duration
		want    time.Duration
		wantOK  bool
		wantErr error
	}{
		{name: "no deadline, no limit", ctx: context.Background()},
		{name: "limit only", ctx: context.Background(), limit: 5 * time.Second, want: 5 * time.Second, wantOK: true},
		{name: "deadline only", ctx: at(30 * time.Second), want: 30 * time.Second, wantOK: true},
		{name: "deadline under the limit", ctx: at(2 * time.Second), limit: 5 * time.Second, want: 2 * time.Second, wantOK: true},
		{name: "limit under the deadline", ctx: at(30 * time.Second), limit: 5 * time.Second, want: 5 * time.Second, wantOK: true},
		{name: "rounded up to a millisecond", ctx: at(1500 * time.Microsecond), want: 2 * time.Millisecond, wantOK: true},
		{name: "at least a millisecond", ctx: at(time.Nanosecond), want: time.Millisecond, wantOK: true},
		{name: "limit rounded up", ctx: context.Background(), limit: 10*time.Millisecond + 1, want: 11 * time.Millisecond, wantOK: true},
		{name: "negative limit is none", ctx: context.Background(), limit: -time.Second},
		{name: "deadline reached", ctx: at(0), wantErr: context.DeadlineExceeded},
		{name: "deadline passed", ctx: at(-time.Second), limit: time.Second, wantErr: context.DeadlineExceeded},
		{name: "canceled", ctx: canceled, limit: time.Second, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok, err := txTimeout(tt.ctx, tt.limit, now)
			if !errors.Is(err, tt.wantErr) || (err != nil) != (tt.wantErr != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if d != tt.want || ok != tt.wantOK {
				t.Errorf("txTimeout = %v, %v; want %v, %v", d, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestTxConfigDone: a transaction is not even begun under a context that is
// done, and the error is the store's UNAVAILABLE, as for any deadline.
func TestTxConfigDone(t *testing.T) {
	s := &Store{} // no driver: nothing may reach it
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := readTx(ctx, s, "read", func(runner) (int, error) {
		t.Fatal("work ran under a passed deadline")
		return 0, nil
	})
	if graph.ErrorCode(err) != graph.CodeUnavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("readTx = %v (code %s), want UNAVAILABLE wrapping the deadline", err, graph.ErrorCode(err))
	}
	_, err = writeTx(ctx, s, "write", func(runner) (int, error) {
		t.Fatal("work ran under a passed deadline")
		return 0, nil
	})
	if graph.ErrorCode(err) != graph.CodeUnavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("writeTx = %v (code %s), want UNAVAILABLE wrapping the deadline", err, graph.ErrorCode(err))
	}
}

// expensive is a read that keeps one Neo4j CPU busy far longer than the
// test waits (about a minute on the 2-core VM), marked so that SHOW
// TRANSACTIONS can find it.
const (
	expensiveMarker = "txtimeout-test-marker"
	expensive       = "UNWIND range(1, 2000000000) AS x WITH x WHERE x > 0 RETURN count(x) AS n, '" + expensiveMarker + "' AS marker"
)

// serverTxs counts the transactions Neo4j is running whose statement has the
// marker (the marker is a parameter, so this statement is not among them).
func serverTxs(ctx context.Context, s *Store) (int, error) {
	sess := s.drv.NewSession(ctx, driver.SessionConfig{DatabaseName: s.db, AccessMode: driver.AccessModeRead})
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := sess.Run(ctx, "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker RETURN count(*) AS n",
		map[string]any{"marker": expensiveMarker})
	if err != nil {
		return 0, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return 0, err
	}
	return getInt(rec, "n"), nil
}

// ExpensiveRead runs expensive through readTx under ctx, for the external
// test TestTxTimeoutReachesNeo4j (which uses the shared test database and
// its lock). With detached the statement itself is sent under
// context.WithoutCancel(ctx): readTx still computes the timeout from ctx's
// deadline, but the Go side never abandons the statement.
func ExpensiveRead(ctx context.Context, s *Store, detached bool) error {
	_, err := readTx(ctx, s, "expensive read", func(tx runner) (int, error) {
		rctx := ctx
		if detached {
			rctx = context.WithoutCancel(ctx)
		}
		recs, _, err := run(rctx, tx, expensive, nil)
		return getInt(single(recs), "n"), err
	})
	return err
}

// ServerTxs is serverTxs for the external test.
var ServerTxs = serverTxs

// IsServerTimeout reports whether err carries Neo4j's transaction timeout
// status.
func IsServerTimeout(err error) bool {
	return isCode(err, codeTxTimedOutClient) || isCode(err, codeTxTimedOut)
}
