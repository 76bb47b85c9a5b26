// Package neo4j is the graph.Store kept in Neo4j 5, the system of record.
//
// Nodes are (:Node:<Label> {id, kind, name, nameEn, tier, since, until,
// source, quote, ref, attrProvenance, searchKey, <attrs>}); edges are
// relationships of their graph type with {id, since, until, source, quote,
// ref, <attrs>}. Every read method sends one Cypher statement whatever the
// size of its answer; writes send a small bounded number inside one
// transaction; Apply sends one lookup and then UNWIND statements of at most
// Options.BatchRows rows. All Cypher is constant text with parameters: labels
// and relationship types, validated by graph, go in as parameters of Neo4j's
// dynamic labels ($(…)), and depths, validated ints, pick a statement from a
// table built at start-up. Every write transaction ends with the change
// feed's record (feed.go), one more statement.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/orgnet/orgnet/graph"
)

// Options configure a Store.
type Options struct {
	// Database is the Neo4j database the store uses; "" means "neo4j".
	Database string
	// TxTimeout bounds every transaction on the server; 0 leaves only the
	// deadline of the caller's context (see txTimeout). With neither, the
	// server's own setting holds.
	TxTimeout time.Duration
	// BatchRows is the number of rows per UNWIND statement in Apply; 0
	// means DefaultBatchRows.
	BatchRows int
	// MaxRetryTime bounds how long the driver retries a transaction that
	// failed on a transient error or a lost connection. Used by Open only (a
	// driver handed to New keeps its own); 0 means 15 s.
	MaxRetryTime time.Duration
	// MaxConnections bounds the driver's connection pool, and so how many
	// transactions run on the server at once (more wait for a connection).
	// Used by Open only; 0 means the driver's default, 100.
	MaxConnections int
	// ChangeRetention is how many changes the change feed keeps (it drops
	// the oldest, graph.ChangeTrimEvery at a time); 0 means
	// graph.DefaultChangeRetention.
	ChangeRetention int
}

// DefaultBatchRows is the default number of rows per UNWIND statement.
const DefaultBatchRows = 5000

// Store is a graph.Store on Neo4j. It is safe for concurrent use.
type Store struct {
	drv       driver.DriverWithContext
	ownDriver bool
	db        string
	txTimeout time.Duration // Options.TxTimeout
	batchRows int
	// bookmarks chains every session causally (read your writes across
	// sessions); nil on a single server, see routed.
	bookmarks driver.BookmarkManager
	// changeKeep is Options.ChangeRetention; waited the bookmarks WaitFor
	// has seen reached.
	changeKeep int64
	waited     seen
	closed     atomic.Bool
	inUse      inUse
}

var _ graph.Store = (*Store)(nil)

// New returns a Store on drv and creates, idempotently, the constraints and
// indexes it relies on (see schema.go). The caller keeps drv and closes it
// after the Store. Returns ErrUnavailable when the database cannot be
// reached.
func New(ctx context.Context, drv driver.DriverWithContext, opts Options) (*Store, error) {
	if drv == nil {
		return nil, fmt.Errorf("neo4j: New: nil driver")
	}
	s := &Store{drv: drv, db: opts.Database, batchRows: opts.BatchRows, txTimeout: max(opts.TxTimeout, 0),
		changeKeep: int64(opts.ChangeRetention)}
	if s.changeKeep <= 0 {
		s.changeKeep = graph.DefaultChangeRetention
	}
	if s.db == "" {
		s.db = "neo4j"
	}
	if s.batchRows <= 0 {
		s.batchRows = DefaultBatchRows
	}
	if routed(drv.Target()) {
		s.bookmarks = drv.ExecuteQueryBookmarkManager()
	}
	if err := s.ensureSchema(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Open connects to the Neo4j at uri (bolt://, neo4j://, with +s/+ssc for
// TLS) with basic auth, checks that it answers, and returns a Store that
// owns the driver and closes it on Close. Returns ErrUnavailable when the
// database cannot be reached.
func Open(ctx context.Context, uri, user, password string, opts Options) (*Store, error) {
	retry := opts.MaxRetryTime
	if retry <= 0 {
		retry = 15 * time.Second
	}
	drv, err := driver.NewDriverWithContext(uri, driver.BasicAuth(user, password, ""), func(c *config.Config) {
		c.MaxTransactionRetryTime = retry
		c.SocketConnectTimeout = 5 * time.Second
		c.ConnectionAcquisitionTimeout = 30 * time.Second
		if opts.MaxConnections > 0 {
			c.MaxConnectionPoolSize = opts.MaxConnections
		}
	})
	if err != nil {
		return nil, graph.Errorf(graph.CodeInvalid, "neo4j: bad connection settings for %q: %w", uri, err)
	}
	if err := drv.VerifyConnectivity(ctx); err != nil {
		_ = drv.Close(context.WithoutCancel(ctx))
		return nil, asUnavailable("open", err)
	}
	s, err := New(ctx, drv, opts)
	if err != nil {
		_ = drv.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	s.ownDriver = true
	return s, nil
}

// Driver returns the driver the store uses.
func (s *Store) Driver() driver.DriverWithContext { return s.drv }

// Close closes the driver if Open made it, once the sessions under way have
// closed (waiting at most closeWait for them). Calls after it return
// graph.ErrClosed.
func (s *Store) Close() error {
	s.closed.Store(true)
	s.inUse.close(closeWait)
	if !s.ownDriver {
		return nil
	}
	return s.drv.Close(context.Background())
}

func (s *Store) isClosed() bool { return s.closed.Load() }

// Ping checks that the database answers. Returns ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if !s.inUse.begin() {
		return graph.ErrClosed
	}
	defer s.inUse.end()
	graph.CountRoundTrip(ctx)
	if err := s.drv.VerifyConnectivity(ctx); err != nil {
		return asUnavailable("ping", err)
	}
	return nil
}

// asUnavailable maps err and makes anything that is not already a domain
// error unavailable: a failing connectivity check means the store cannot
// answer, whatever the cause.
func asUnavailable(op string, err error) error {
	err = mapErr(op, err)
	if graph.ErrorCode(err) == graph.CodeInternal {
		return unavailable(op, "the database cannot be reached", err)
	}
	return err
}

// ensureSchema creates the constraints and indexes of schema.go that do not
// exist yet: one statement to list what exists, then one per missing item
// (each idempotent), then a wait until new indexes are online.
func (s *Store) ensureSchema(ctx context.Context) error {
	have, err := readTx(ctx, s, "list schema", func(tx runner) (map[string]bool, error) {
		recs, _, err := run(ctx, tx, cypherShowIndexes, nil)
		if err != nil {
			return nil, err
		}
		m := make(map[string]bool, len(recs))
		for _, r := range recs {
			m[getString(r, "name")] = true
			if c := getString(r, "owningConstraint"); c != "" {
				m[c] = true
			}
		}
		return m, nil
	})
	if err != nil {
		return err
	}
	created := false
	for i, stmt := range schemaStatements {
		if have[schemaNames[i]] {
			continue
		}
		// Two stores starting at once may race; the loser's equivalent rule
		// already exists, which is what it wanted.
		if err := s.exec(ctx, "create "+schemaNames[i], stmt, nil); err != nil && !isCode(err, codeEquivalentSchema) {
			return err
		}
		created = true
	}
	if !created {
		return nil
	}
	return s.exec(ctx, "await indexes", awaitIndexes, nil)
}

// exec runs one statement in its own write transaction.
func (s *Store) exec(ctx context.Context, op, cypher string, params map[string]any) error {
	_, err := writeTx(ctx, s, op, func(tx runner) (struct{}, error) {
		_, _, err := run(ctx, tx, cypher, params)
		return struct{}{}, err
	})
	return err
}

// session opens a session for one call. Sessions share the driver's
// bookmark manager, so that in a cluster a read routed to a follower waits
// for the writes this process made before it (read your writes).
func (s *Store) session(ctx context.Context, mode driver.AccessMode) (driver.SessionWithContext, error) {
	return s.newSession(ctx, driver.SessionConfig{
		AccessMode:      mode,
		FetchSize:       driver.FetchAll,
		BookmarkManager: s.bookmarks,
	})
}

// routed tells whether target is a routed (cluster) URI, neo4j:// with or
// without TLS. There a read may go to a follower that has not yet applied
// this process's last write, so sessions share a bookmark manager. A single
// server (bolt://) makes every acknowledged write visible to the
// transactions that begin after it, so bookmarks add nothing but a wait:
// Neo4j holds a read until its last closed transaction id reaches the
// bookmark, i.e. until every earlier write has closed too, polling while it
// waits. Under a write load that made reads queue behind Lucene index
// updates of other writes (docs/reliability.md §4).
func routed(target url.URL) bool {
	return strings.HasPrefix(target.Scheme, "neo4j")
}

// runner runs a statement: a managed transaction, or a read's auto-commit
// transaction (autoCommit).
type runner interface {
	Run(ctx context.Context, cypher string, params map[string]any) (driver.ResultWithContext, error)
}

// autoCommit runs a read's statement as an auto-commit transaction: RUN and
// PULL in one round trip, where a managed transaction adds BEGIN and a
// COMMIT round trip (and ~0.3 ms of Neo4j's CPU per transaction on a 2-core
// machine: 0.56 against 0.90 ms for RETURN 1). Every read of the store is
// one statement (one snapshot); a second Run is refused, so that a read that
// needs two statements cannot lose its consistency unnoticed.
type autoCommit struct {
	sess driver.SessionWithContext
	opts []func(*driver.TransactionConfig)
	ran  bool
}

var errSecondStatement = errors.New("neo4j: a read ran a second statement outside a transaction")

func (a *autoCommit) Run(ctx context.Context, cypher string, params map[string]any) (driver.ResultWithContext, error) {
	if a.ran {
		return nil, errSecondStatement
	}
	a.ran = true
	return a.sess.Run(ctx, cypher, params, a.opts...)
}

// readAttempts bounds how often a read is tried: again after a transient
// error, a lost connection, or an entity deleted under it by a concurrent
// write (EntityNotFound, which the driver never retries).
const readAttempts = 3

// readTx runs work, one statement, as an auto-commit read (routed to
// readers in a cluster), tries it again on the errors readAttempts names,
// and maps its error.
func readTx[T any](ctx context.Context, s *Store, op string, work func(tx runner) (T, error)) (T, error) {
	var zero T
	opts, err := s.txConfig(ctx)
	if err != nil {
		return zero, mapErr(op, err)
	}
	sess, err := s.session(ctx, driver.AccessModeRead)
	if err != nil {
		return zero, err
	}
	defer sess.Close(context.WithoutCancel(ctx))
	var v T
	for attempt := 1; ; attempt++ {
		v, err = work(&autoCommit{sess: sess, opts: opts})
		if err == nil || attempt == readAttempts || ctx.Err() != nil || !(entityGone(err) || driver.IsRetryable(err)) {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
		}
		// The next attempt gets the time left then: a retry does not
		// outlive the caller's deadline on the server either.
		next, terr := s.txConfig(ctx)
		if terr != nil {
			break // the last attempt's error says more
		}
		opts = next
	}
	if err != nil {
		return zero, mapErr(op, err)
	}
	return v, nil
}

// writeTx runs work in a managed write transaction and maps its error. An
// error returned by work rolls the transaction back; the driver retries
// only transient errors and lost connections, never an error of work's own
// (nor a transaction the server timed out: a client error), and not after
// ctx is done or Options.MaxRetryTime has passed. The timeout is fixed when
// the first attempt begins, so a retry may run past ctx's deadline on the
// server by the time the attempts before it took; the driver stops retrying
// at the deadline.
func writeTx[T any](ctx context.Context, s *Store, op string, work func(tx runner) (T, error)) (T, error) {
	v, _, err := writeTxBookmark(ctx, s, op, work)
	return v, err
}

// writeTxBookmark is writeTx that also returns the bookmark of the
// committed transaction (joinBookmarks).
func writeTxBookmark[T any](ctx context.Context, s *Store, op string, work func(tx runner) (T, error)) (T, string, error) {
	var zero T
	opts, err := s.txConfig(ctx)
	if err != nil {
		return zero, "", mapErr(op, err)
	}
	sess, err := s.session(ctx, driver.AccessModeWrite)
	if err != nil {
		return zero, "", err
	}
	defer sess.Close(context.WithoutCancel(ctx))
	fn := func(tx driver.ManagedTransaction) (any, error) { return work(tx) }
	v, err := sess.ExecuteWrite(ctx, fn, opts...)
	if err != nil {
		return zero, "", mapErr(op, err)
	}
	t, _ := v.(T)
	return t, joinBookmarks(sess.LastBookmarks()), nil
}

// txConfig is the configuration of a transaction begun now under ctx: the
// timeout txTimeout computes, or none. It returns ctx's error when ctx is
// already done.
func (s *Store) txConfig(ctx context.Context) ([]func(*driver.TransactionConfig), error) {
	d, ok, err := txTimeout(ctx, s.txTimeout, time.Now())
	if err != nil || !ok {
		return nil, err
	}
	return []func(*driver.TransactionConfig){driver.WithTxTimeout(d)}, nil
}

// txTimeout is the server-side timeout of a transaction begun at now under
// ctx: the time left to ctx's deadline, capped by limit when limit > 0;
// limit alone without a deadline; ok is false with neither (the server's
// setting holds). The timeout is rounded up to a whole millisecond, at
// least 1 ms: Bolt sends milliseconds, and 0 would mean no timeout at all.
// A ctx already done, or whose deadline has passed, returns its error
// (context.DeadlineExceeded for a passed deadline).
func txTimeout(ctx context.Context, limit time.Duration, now time.Time) (d time.Duration, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	if dl, has := ctx.Deadline(); has {
		left := dl.Sub(now)
		if left <= 0 {
			return 0, false, context.DeadlineExceeded
		}
		d, ok = left, true
	}
	if limit > 0 && (!ok || limit < d) {
		d, ok = limit, true
	}
	if !ok {
		return 0, false, nil
	}
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return d, true, nil
}

// run sends one statement, counts the round trip and reads the whole result.
func run(ctx context.Context, tx runner, cypher string, params map[string]any) ([]*driver.Record, driver.ResultSummary, error) {
	graph.CountRoundTrip(ctx)
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, nil, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return nil, nil, err
	}
	return recs, sum, nil
}

// single returns the one record a statement answers with, or nil.
func single(recs []*driver.Record) *driver.Record {
	if len(recs) == 0 {
		return nil
	}
	return recs[0]
}

// get returns a record's value by key (nil when absent or r is nil).
func get(r *driver.Record, key string) any {
	if r == nil {
		return nil
	}
	v, _ := r.Get(key)
	return v
}

func getString(r *driver.Record, key string) string {
	s, _ := get(r, key).(string)
	return s
}

func getInt(r *driver.Record, key string) int {
	i, _ := get(r, key).(int64)
	return int(i)
}

func getBool(r *driver.Record, key string) bool {
	b, _ := get(r, key).(bool)
	return b
}
