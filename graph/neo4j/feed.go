package neo4j

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
)

// The change feed in Neo4j: one (:ChangeFeed {key: 'feed', seq, oldest,
// epoch}) node, the counter, and one (:Change {seq, at, kind, op, nodeIds,
// edgeIds, many, nodes, edges}) node per write transaction. Neither has the
// :Node label, so no read of the graph sees them.
//
// Every write transaction ends with cypherRecordChange. Its
// `SET f.seq = f.seq + 1` reads the property it writes, so Cypher takes the
// counter node's write lock before reading it (Neo4j's rule for a "direct
// dependency"; the unique constraint on Change.seq would refuse a lost
// update instead of letting it through), and the lock is held until the
// transaction has committed, or rolled back, and closed. So the next writer
// reads the counter only after this one's commit is visible: sequence
// numbers are given in commit order, each once, and a write that rolls
// back gives its number back (no gap). The statement runs last in the
// transaction, so the lock is held for the commit only, not for the work:
// writers queue for their commits, one at a time (see docs/scale.md for
// what that costs), and cannot deadlock on it, since whoever holds it
// waits for nothing else.
//
// A reader never misses a change: Changes returns the changes after a
// point with no gap, stopping before the first number it cannot see. A
// number it cannot see is either still committing (the reader sees it on
// its next read: it never rolls back once a later number exists, since the
// later writer waited for its commit) or dropped by the retention, which
// the counter's `oldest` says (ChangePage.Missed).

// Feed statements.
const (
	cypherRecordChange = `MERGE (f:ChangeFeed {key: 'feed'})
  ON CREATE SET f.seq = 0, f.oldest = 1, f.epoch = randomUUID()
SET f.seq = f.seq + 1
CREATE (c:Change {seq: f.seq, at: timestamp(), kind: $kind, op: $op, nodeIds: $nodeIds, edgeIds: $edgeIds,
  many: $many, nodes: $nodes, edges: $edges})
RETURN f.seq AS seq, f.oldest AS oldest, c.at AS at`
	// cypherTrimChanges drops the changes before $oldest (at most
	// ChangeTrimEvery and a few: it runs as soon as that many are past the
	// retention), in the transaction that holds the counter's lock.
	cypherTrimChanges = `MATCH (f:ChangeFeed {key: 'feed'})
CALL (f) { MATCH (c:Change) WHERE c.seq >= f.oldest AND c.seq < $oldest DELETE c }
SET f.oldest = $oldest`
	cypherChanges = `OPTIONAL MATCH (f:ChangeFeed {key: 'feed'})
CALL (f) {
  MATCH (c:Change) WHERE f IS NOT NULL AND c.seq > $after AND c.seq <= f.seq
  WITH c ORDER BY c.seq LIMIT $limit
  RETURN collect(c {.*}) AS changes
}
RETURN f.seq AS head, f.oldest AS oldest, f.epoch AS epoch, changes`
	cypherWaitFor = `RETURN 1`
)

// record writes c as the feed's next change in tx, last in its
// transaction, and drops the oldest changes past the retention. It returns
// c with its sequence number and time.
func (s *Store) record(ctx context.Context, tx runner, c graph.Change) (graph.Change, error) {
	params := map[string]any{"kind": string(c.Kind), "op": c.Operation, "nodeIds": anyList(c.NodeIDs),
		"edgeIds": anyList(c.EdgeIDs), "many": c.Many, "nodes": c.Nodes, "edges": c.Edges}
	recs, _, err := run(ctx, tx, cypherRecordChange, params)
	if err != nil {
		return c, err
	}
	r := single(recs)
	if r == nil {
		return c, fmt.Errorf("neo4j: the change feed's counter answered nothing")
	}
	c.Seq = int64(getInt(r, "seq"))
	c.At = time.UnixMilli(int64(getInt(r, "at"))).UTC()
	oldest := int64(getInt(r, "oldest"))
	if c.Seq-oldest+1 > s.changeKeep+graph.TrimSlack(s.changeKeep)-1 {
		if _, _, err := run(ctx, tx, cypherTrimChanges, map[string]any{"oldest": c.Seq - s.changeKeep + 1}); err != nil {
			return c, err
		}
	}
	return c, nil
}

// Changes returns up to limit changes after after, in one statement.
func (s *Store) Changes(ctx context.Context, after int64, limit int) (*graph.ChangePage, error) {
	if err := graph.ValidateChangesArgs(after, limit); err != nil {
		return nil, err
	}
	if s.isClosed() {
		return nil, graph.ErrClosed
	}
	return readTx(ctx, s, "changes", func(tx runner) (*graph.ChangePage, error) {
		recs, _, err := run(ctx, tx, cypherChanges, map[string]any{"after": after, "limit": limit})
		if err != nil {
			return nil, err
		}
		r := single(recs)
		p := &graph.ChangePage{Changes: []graph.Change{}, Head: int64(getInt(r, "head")), Epoch: getString(r, "epoch")}
		p.Oldest = int64(getInt(r, "oldest"))
		if p.Oldest == 0 {
			p.Oldest = p.Head + 1
		}
		if p.Missed(after) {
			return p, nil
		}
		l, _ := get(r, "changes").([]any)
		for _, x := range l {
			c, err := decodeChange(x)
			if err != nil {
				return nil, err
			}
			if c.Seq != after+1+int64(len(p.Changes)) {
				break // not yet visible: the next read sees it
			}
			p.Changes = append(p.Changes, c)
		}
		return p, nil
	})
}

func decodeChange(v any) (graph.Change, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return graph.Change{}, fmt.Errorf("neo4j: a change is %T, not a map", v)
	}
	i := func(k string) int64 { x, _ := m[k].(int64); return x }
	str := func(k string) string { x, _ := m[k].(string); return x }
	list := func(k string) []string {
		l, _ := m[k].([]any)
		out := make([]string, 0, len(l))
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	many, _ := m["many"].(bool)
	return graph.Change{Seq: i("seq"), At: time.UnixMilli(i("at")).UTC(), Kind: graph.ChangeKind(str("kind")),
		Operation: str("op"), NodeIDs: list("nodeIds"), EdgeIDs: list("edgeIds"), Many: many,
		Nodes: int(i("nodes")), Edges: int(i("edges"))}, nil
}

// Bookmarks. A write's bookmark is the driver's bookmarks of its session
// (one per database in practice), joined with bookmarkSep; Neo4j's are
// base64 text, without a comma.
const (
	bookmarkSep = ","
	// maxBookmarks and maxBookmarkLen bound what WaitFor takes from a client.
	maxBookmarks   = 8
	maxBookmarkLen = 512
)

func joinBookmarks(bs driver.Bookmarks) string { return strings.Join(bs, bookmarkSep) }

// WaitFor runs one read (RETURN 1) with the bookmark: Neo4j holds it until
// the server it runs on has applied the bookmark's transaction (at most
// db.transaction.bookmark_ready_timeout, 30 s by default, or ctx's
// deadline). On a routed URI the session's bookmark manager is the one
// every session of this store shares, so every read that begins after
// WaitFor returns, on whichever server, waits for that state too; on a
// single server (bolt://) the state, once reached, stays. Bookmarks already
// waited for are remembered (a few hundred), so a client that sends the
// same one with every request costs one round trip, not one per request.
func (s *Store) WaitFor(ctx context.Context, bookmark string) error {
	if bookmark == "" {
		return nil
	}
	if s.isClosed() {
		return graph.ErrClosed
	}
	bms := strings.Split(bookmark, bookmarkSep)
	if len(bms) > maxBookmarks {
		return graph.Invalidf("bookmark", "a bookmark has at most %d parts, this one %d", maxBookmarks, len(bms))
	}
	for _, b := range bms {
		if b == "" || len(b) > maxBookmarkLen || strings.ContainsFunc(b, func(r rune) bool { return r <= ' ' || r > '~' }) {
			return graph.Invalidf("bookmark", "%q is not a Neo4j bookmark", bookmark)
		}
	}
	if s.waited.has(bookmark) {
		return nil
	}
	opts, err := s.txConfig(ctx)
	if err != nil {
		return mapErr("wait for bookmark", err)
	}
	sess, err := s.newSession(ctx, driver.SessionConfig{AccessMode: driver.AccessModeRead,
		Bookmarks: driver.BookmarksFromRawValues(bms...), BookmarkManager: s.bookmarks})
	if err != nil {
		return err
	}
	defer sess.Close(context.WithoutCancel(ctx))
	graph.CountRoundTrip(ctx)
	res, err := sess.Run(ctx, cypherWaitFor, nil, opts...)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		if code, ok := neo4jCode(err); ok && strings.HasPrefix(code, "Neo.ClientError.Transaction.InvalidBookmark") {
			return &graph.Error{Code: graph.CodeInvalid, Field: "bookmark", Err: err,
				Message: fmt.Sprintf("%q is not a bookmark of this database", bookmark)}
		}
		return mapErr("wait for bookmark", err)
	}
	s.waited.add(bookmark)
	return nil
}

// seen remembers up to seenMax strings, forgetting them all when full.
type seen struct {
	mu sync.Mutex
	m  map[string]struct{}
}

const seenMax = 512

func (x *seen) has(k string) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	_, ok := x.m[k]
	return ok
}

func (x *seen) add(k string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m == nil || len(x.m) >= seenMax {
		x.m = make(map[string]struct{})
	}
	x.m[k] = struct{}{}
}
