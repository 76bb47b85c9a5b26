// Package memory is the embedded store: the whole graph lives in memory for
// reading, and every write is committed to a bbolt file before it is applied
// there, so that an acknowledged write survives a crash of the process.
package memory

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/orgnet/orgnet/graph"
)

var (
	bucketNodes = []byte("nodes")
	bucketEdges = []byte("edges")
	bucketMeta  = []byte("meta")
	keyVersion  = []byte("version")
)

// formatVersion is the on-disk format; New refuses a file of another.
const formatVersion = "1"

// Store is the embedded graph.Store.
//
// Locking: wmu serialises writers, which validate against the in-memory
// state, commit to bbolt and then take mu to apply the change; readers take
// mu for reading only, so they never wait for a disk sync.
type Store struct {
	db *bolt.DB

	wmu sync.Mutex
	mu  sync.RWMutex
	// Guarded by mu (written with both wmu and mu held).
	closed bool
	nodes  map[string]*nodeRec
	order  []*nodeRec // sorted by node id
	edges  map[string]*graph.Edge
	feed   feed
	// search is built from order by the first Search after a change and
	// cleared (nil) by every change (search.go).
	search atomic.Pointer[searchIndex]
}

var _ graph.Store = (*Store)(nil)

// nodeRec is a stored node with what reads need beside it. A node keeps one
// nodeRec from creation to deletion (an update replaces n in it), so that
// adjacency entries may point at it.
type nodeRec struct {
	n     *graph.Node     // never changed in place; replaced on update
	key   graph.SearchKey // graph.KeyOf(n)
	names string          // folded name + "\x00" + folded nameEn, for NodeFilter.NameContains
	scan  string          // names + "\x00" + pinyin: what a search text must be in (or start the initials)
	out   []adj           // the edges starting here, sorted by edge id
	in    []adj           // the edges ending here, sorted by edge id
}

// adj is an edge at a node with the node at its other end.
type adj struct {
	e     *graph.Edge
	other *nodeRec
}

func newRec(n *graph.Node) *nodeRec {
	r := &nodeRec{}
	r.set(n)
	return r
}

func (r *nodeRec) set(n *graph.Node) {
	r.n = n
	r.key = graph.KeyOf(n)
	r.names = r.key.Name + "\x00" + r.key.NameEn
	r.scan = r.names + "\x00" + r.key.Pinyin
}

// initialMmapSize is bbolt's first map of the file: 1 GiB, three times the
// city set's file.
const initialMmapSize = 1 << 30

// ErrInUse is what New returns (wrapped) when another process holds the
// store's file: bbolt locks it for one process at a time.
var ErrInUse = errors.New("store file locked by another process")

// New opens the store kept in the bbolt file at path, creating the file and
// its directories when they do not exist, and loads the graph into memory.
func New(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("memory: create directory for %s: %w", path, err)
	}
	// InitialMmapSize: bbolt maps the file anew each time it outgrows the
	// map, and first copies every page the writing transaction holds out of
	// the old map (node.dereference): a tenth of seeding the city set
	// (--cpuprofile). Address space only; pages are read as touched.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, InitialMmapSize: initialMmapSize})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, graph.Errorf(graph.CodeUnavailable, "memory: %s is in use by another process (one store file, one process: a running orgnet serve holds it): %w", path, ErrInUse)
	}
	if err != nil {
		return nil, graph.Errorf(graph.CodeUnavailable, "memory: open %s: %w", path, err)
	}
	s := &Store{db: db, nodes: map[string]*nodeRec{}, edges: map[string]*graph.Edge{}}
	if err := s.load(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("memory: load %s: %w", path, err)
	}
	return s, nil
}

// Ping reports whether the store can answer.
func (s *Store) Ping(ctx context.Context) error {
	graph.CountRoundTrip(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return graph.ErrClosed
	}
	return nil
}

// Close releases the store; later calls return ErrUnavailable.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("memory: close: %w", err)
	}
	return nil
}

// Counts returns the number of nodes and edges.
func (s *Store) Counts(ctx context.Context, gv graph.View) (graph.Counts, error) {
	graph.CountRoundTrip(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return graph.Counts{}, graph.ErrClosed
	}
	v := viewOf(gv)
	if !v.on {
		return graph.Counts{Nodes: len(s.nodes), Edges: len(s.edges)}, nil
	}
	var c graph.Counts
	for _, r := range s.order {
		if v.node(r) {
			c.Nodes++
		}
	}
	for _, e := range s.edges {
		if s.edgeVisible(v, e) {
			c.Edges++
		}
	}
	return c, nil
}

// Snapshot returns the whole graph, sorted by id.
func (s *Store) Snapshot(ctx context.Context, gv graph.View) (*graph.Snapshot, error) {
	graph.CountRoundTrip(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	snap := &graph.Snapshot{Nodes: make([]*graph.Node, 0, len(s.order)), Edges: make([]*graph.Edge, 0, len(s.edges))}
	for _, r := range s.order {
		if v.node(r) {
			snap.Nodes = append(snap.Nodes, r.n.Clone())
		}
	}
	for _, e := range s.edges {
		if s.edgeVisible(v, e) {
			snap.Edges = append(snap.Edges, e.Clone())
		}
	}
	sortEdges(snap.Edges)
	return snap, nil
}

// change is the net effect of one write: no id is both put and deleted,
// every edge at a deleted node is deleted, every put edge's ends exist
// afterwards.
type change struct {
	putNodes []*graph.Node
	putEdges []*graph.Edge
	delNodes []string
	delEdges []string
}

// writable reports whether a write may start; wmu must be held.
func (s *Store) writable(ctx context.Context) error {
	if s.closed {
		return graph.ErrClosed
	}
	return ctx.Err()
}

// commit writes ch and its Change c in one bbolt transaction (synced to
// disk when it returns) and then applies it to memory, and notes it in
// ctx's Receipt. wmu must be held; the values in ch are owned by the store
// from here on.
func (s *Store) commit(ctx context.Context, ch *change, c graph.Change) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if c, err = s.record(tx, c); err != nil {
			return err
		}
		nb, eb := tx.Bucket(bucketNodes), tx.Bucket(bucketEdges)
		for _, id := range ch.delEdges {
			if err := eb.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, id := range ch.delNodes {
			if err := nb.Delete([]byte(id)); err != nil {
				return err
			}
		}
		for _, n := range byKey(ch.putNodes, func(n *graph.Node) string { return n.ID }) {
			v, err := encodeNode(n)
			if err != nil {
				return err
			}
			if err := nb.Put([]byte(n.ID), v); err != nil {
				return err
			}
		}
		for _, e := range byKey(ch.putEdges, func(e *graph.Edge) string { return e.ID }) {
			v, err := encodeEdge(e)
			if err != nil {
				return err
			}
			if err := eb.Put([]byte(e.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("memory: commit: %w", err)
	}
	s.mu.Lock()
	s.apply(ch)
	s.recorded(c)
	bookmark := s.bookmark(c.Seq)
	s.mu.Unlock()
	graph.NoteWrite(ctx, c.Seq, bookmark)
	return nil
}

// byKey returns items sorted by key (ids, unique in a change), in a new
// slice unless they are sorted already.
//
// bbolt keeps the keys a transaction puts into one page in a sorted slice
// that it splits only at commit, so a put in the middle of it moves all the
// keys after it: puts in random order cost quadratic time in the keys of a
// page. A synthetic city loaded in batches of 200,000 spent 44 s of 54 s of
// CPU in that memmove (125 s against 13.3 s for batches of 20,000; see
// bench/load/README.md); in key order each put appends.
func byKey[T any](items []T, key func(T) string) []T {
	if slices.IsSortedFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) }) {
		return items
	}
	s := slices.Clone(items)
	slices.SortFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return s
}

// apply changes memory; mu must be held for writing.
func (s *Store) apply(ch *change) {
	s.search.Store(nil)
	for _, id := range ch.delEdges {
		if e := s.edges[id]; e != nil {
			s.unlink(e)
			delete(s.edges, id)
		}
	}
	if len(ch.delNodes) > 0 {
		gone := make(map[string]bool, len(ch.delNodes))
		for _, id := range ch.delNodes {
			gone[id] = true
			delete(s.nodes, id)
		}
		s.order = slices.DeleteFunc(s.order, func(r *nodeRec) bool { return gone[r.n.ID] })
	}
	var added []*nodeRec
	for _, n := range ch.putNodes {
		if r := s.nodes[n.ID]; r != nil {
			r.set(n)
			continue
		}
		r := newRec(n)
		s.nodes[n.ID] = r
		added = append(added, r)
	}
	if len(added) > 16 {
		s.order = append(s.order, added...)
		slices.SortFunc(s.order, func(a, b *nodeRec) int { return strings.Compare(a.n.ID, b.n.ID) })
	} else {
		for _, r := range added {
			i, _ := slices.BinarySearchFunc(s.order, r.n.ID, cmpRec)
			s.order = slices.Insert(s.order, i, r)
		}
	}
	for _, e := range ch.putEdges {
		if old := s.edges[e.ID]; old != nil {
			s.unlink(old)
		}
		s.edges[e.ID] = e
		from, to := s.nodes[e.From], s.nodes[e.To]
		from.out = insertAdj(from.out, adj{e, to})
		to.in = insertAdj(to.in, adj{e, from})
	}
}

// unlink removes e from the adjacency of its ends (gone ones are skipped).
func (s *Store) unlink(e *graph.Edge) {
	if r := s.nodes[e.From]; r != nil {
		r.out = removeAdj(r.out, e.ID)
	}
	if r := s.nodes[e.To]; r != nil {
		r.in = removeAdj(r.in, e.ID)
	}
}

func cmpAdj(a adj, id string) int { return strings.Compare(a.e.ID, id) }

func insertAdj(list []adj, a adj) []adj {
	i, found := slices.BinarySearchFunc(list, a.e.ID, cmpAdj)
	if found {
		list[i] = a
		return list
	}
	return slices.Insert(list, i, a)
}

func removeAdj(list []adj, id string) []adj {
	i, found := slices.BinarySearchFunc(list, id, cmpAdj)
	if !found {
		return list
	}
	return slices.Delete(list, i, i+1)
}

func sortEdges(es []*graph.Edge) {
	slices.SortFunc(es, func(a, b *graph.Edge) int { return strings.Compare(a.ID, b.ID) })
}
