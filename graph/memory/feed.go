package memory

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orgnet/orgnet/graph"
)

// The change feed of the embedded store: bucket "changes", keyed by the
// sequence number (8 bytes, big-endian, so bbolt's order is the feed's),
// each value a Change in JSON, written in the same bbolt transaction as the
// write it records. bbolt has one writer at a time (and the store's wmu
// serialises writers before that), so the sequence is the commit order.
// The meta bucket keeps the feed's epoch (made when the feed is); the
// bucket's own sequence the last number given.
//
// Only one process opens a bbolt file, so the embedded store has no other
// replica to tell: its feed serves subscribers that resume after a
// reconnect, the same code path as on Neo4j.

var (
	bucketChanges = []byte("changes")
	keyEpoch      = []byte("feedEpoch")
)

// feed is where the feed stands; guarded by mu, written with wmu held too.
type feed struct {
	epoch  string
	head   int64 // last sequence number written
	oldest int64 // oldest kept (head+1 when none)
	keep   int64 // retention
}

// loadFeed reads the feed's state in the load transaction, making the
// bucket and the epoch of a new feed.
func (s *Store) loadFeed(tx *bolt.Tx) error {
	b, err := tx.CreateBucketIfNotExists(bucketChanges)
	if err != nil {
		return err
	}
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(keyEpoch); v != nil {
		s.feed.epoch = string(v)
	} else {
		var r [8]byte
		if _, err := rand.Read(r[:]); err != nil {
			return err
		}
		s.feed.epoch = hex.EncodeToString(r[:])
		if err := meta.Put(keyEpoch, []byte(s.feed.epoch)); err != nil {
			return err
		}
	}
	s.feed.head = int64(b.Sequence())
	s.feed.oldest = s.feed.head + 1
	if k, _ := b.Cursor().First(); k != nil {
		s.feed.oldest = int64(binary.BigEndian.Uint64(k))
	}
	return nil
}

// SetChangeRetention sets how many changes the feed keeps (at least 1;
// graph.DefaultChangeRetention until set). Call it before writing.
func (s *Store) SetChangeRetention(n int) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.feed.keep = int64(max(n, 1))
}

// deletedEnds returns the ends of the edges among ids that exist. wmu must
// be held.
func (s *Store) deletedEnds(ids []string) map[string][2]string {
	out := make(map[string][2]string)
	for _, id := range ids {
		if e := s.edges[id]; e != nil {
			out[id] = [2]string{e.From, e.To}
		}
	}
	return out
}

// record writes c in tx as the feed's next change, and drops the oldest past
// the retention. It returns c with its sequence number and time.
func (s *Store) record(tx *bolt.Tx, c graph.Change) (graph.Change, error) {
	b := tx.Bucket(bucketChanges)
	seq, err := b.NextSequence()
	if err != nil {
		return c, err
	}
	c.Seq = int64(seq)
	c.At = time.Now().UTC().Truncate(time.Millisecond)
	v, err := json.Marshal(c)
	if err != nil {
		return c, fmt.Errorf("encode change %d: %w", seq, err)
	}
	if err := b.Put(seqKey(c.Seq), v); err != nil {
		return c, err
	}
	keep := s.feed.keep
	if keep <= 0 {
		keep = graph.DefaultChangeRetention
	}
	if c.Seq-s.feed.oldest+1 > keep+graph.TrimSlack(keep)-1 {
		oldest := c.Seq - keep + 1
		cur := b.Cursor()
		for k, _ := cur.First(); k != nil && int64(binary.BigEndian.Uint64(k)) < oldest; k, _ = cur.Next() {
			if err := cur.Delete(); err != nil {
				return c, err
			}
		}
	}
	return c, nil
}

// recorded moves the feed's state past c once its transaction committed.
// wmu and mu must be held.
func (s *Store) recorded(c graph.Change) {
	s.feed.head = c.Seq
	keep := s.feed.keep
	if keep <= 0 {
		keep = graph.DefaultChangeRetention
	}
	if c.Seq-s.feed.oldest+1 > keep+graph.TrimSlack(keep)-1 {
		s.feed.oldest = c.Seq - keep + 1
	}
}

func seqKey(seq int64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(seq))
	return k[:]
}

// Changes returns up to limit changes after after, from bbolt.
func (s *Store) Changes(ctx context.Context, after int64, limit int) (*graph.ChangePage, error) {
	graph.CountRoundTrip(ctx)
	if err := graph.ValidateChangesArgs(after, limit); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	p := &graph.ChangePage{Changes: []graph.Change{}, Head: s.feed.head, Oldest: s.feed.oldest, Epoch: s.feed.epoch}
	if p.Missed(after) {
		return p, nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketChanges).Cursor()
		for k, v := cur.Seek(seqKey(after + 1)); k != nil && len(p.Changes) < limit; k, v = cur.Next() {
			seq := int64(binary.BigEndian.Uint64(k))
			if seq > p.Head {
				break // written by a write that has not yet applied its change
			}
			var c graph.Change
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("decode change %d: %w", seq, err)
			}
			p.Changes = append(p.Changes, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("memory: changes: %w", err)
	}
	return p, nil
}

// bookmarkPrefix starts the embedded store's bookmarks: "m:EPOCH:SEQ".
const bookmarkPrefix = "m:"

func (s *Store) bookmark(seq int64) string {
	return bookmarkPrefix + s.feed.epoch + ":" + strconv.FormatInt(seq, 10)
}

// WaitFor returns at once for a bookmark of this store: every write it
// acknowledged is visible to the reads after it. It refuses a bookmark of
// another store, or of a change this store has not made.
func (s *Store) WaitFor(ctx context.Context, bookmark string) error {
	graph.CountRoundTrip(ctx)
	if bookmark == "" {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return graph.ErrClosed
	}
	rest, ok := strings.CutPrefix(bookmark, bookmarkPrefix)
	epoch, seqText, ok2 := strings.Cut(rest, ":")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	switch {
	case !ok || !ok2 || err != nil || seq < 0:
		return graph.Invalidf("bookmark", "bookmark %q is not one this store made", bookmark)
	case epoch != s.feed.epoch || seq > s.feed.head:
		return graph.Invalidf("bookmark", "bookmark %q names a state of another store (or of this one before it was replaced)", bookmark)
	}
	return ctx.Err()
}
