package graph

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// The change feed. Every write transaction of a store (a mutation, a
// scenario's commit, an import, a seed, each batch of a bulk load) records,
// in that same transaction, one Change: what kind of write, the ids it
// touched, and a sequence number. Sequence numbers are 1, 2, 3 … with no
// gap, in commit order: a write that rolls back takes none. Store.Changes
// reads the feed from any point still kept, so that every replica of the
// server over one database follows the writes of all of them (and of the
// command line), and a subscriber that reconnects resumes where it left.

// ChangeKind says what a change did, in the terms of the graphChanged
// subscription.
type ChangeKind string

// The kinds of change. A store names a write by what it did (ChangeKindOf);
// a caller may name it otherwise (WithOperation).
const (
	ChangeCreated  ChangeKind = "CREATED"  // nodes were created (with edges alongside)
	ChangeUpdated  ChangeKind = "UPDATED"  // nodes or edges changed
	ChangeDeleted  ChangeKind = "DELETED"  // nodes were deleted
	ChangeLinked   ChangeKind = "LINKED"   // edges were added between existing nodes
	ChangeUnlinked ChangeKind = "UNLINKED" // edges were removed
)

// MaxChangeIDs bounds the ids one Change lists (nodes and edges together):
// a write that touched more (a bulk load's batch, a large import) records
// Many instead, and its counts.
const MaxChangeIDs = 1000

// MaxChangesPage bounds the changes one Store.Changes call returns.
const MaxChangesPage = 1000

// DefaultChangeRetention is how many changes a store keeps by default: the
// oldest are dropped, a thousand at a time, as new ones are written.
const DefaultChangeRetention = 100_000

// ChangeTrimEvery bounds how many changes past the retention a store lets
// build up before it drops them, in the write that passes the mark: the
// feed keeps between the retention n and n + TrimSlack(n) changes.
const ChangeTrimEvery = 1000

// TrimSlack is how many changes past a retention of n a store lets build
// up: n, at most ChangeTrimEvery.
func TrimSlack(n int64) int64 { return max(min(n, ChangeTrimEvery), 1) }

// A Change is one committed write transaction, as the feed records it.
type Change struct {
	// Seq is the change's place in the feed: 1, 2, 3 … in commit order.
	Seq int64
	// At is when the write committed, by the store's clock (UTC, to the
	// millisecond).
	At   time.Time
	Kind ChangeKind
	// Operation names the write: the mutation ("createPairing"), "import",
	// "seed", "bulk load", or the Store method when the caller named none
	// (WithOperation).
	Operation string
	// NodeIDs are the nodes created, updated or deleted and both ends of
	// every edge written or removed; EdgeIDs the edges. Sorted, each once.
	// Both are empty when Many.
	NodeIDs []string
	EdgeIDs []string
	// Many says the write touched more than MaxChangeIDs ids: NodeIDs and
	// EdgeIDs list none of them, and a reader re-reads what it shows.
	Many bool
	// Nodes and Edges count what the write touched, Many or not.
	Nodes, Edges int
}

// ChangePage is a read of the feed (Store.Changes).
type ChangePage struct {
	// Changes follow the point asked for with no gap: Changes[i].Seq is
	// after+1+i.
	Changes []Change
	// Head is the sequence number of the last change written when the feed
	// was read (0: none yet).
	Head int64
	// Oldest is the sequence number of the oldest change kept (Head+1 when
	// none is kept). A reader at after < Oldest-1 has missed changes:
	// Missed tells.
	Oldest int64
	// Epoch names this feed. It changes when the database is replaced
	// (emptied, or imported offline into a new database): a reader that
	// saw another epoch has missed changes. "" before the first write.
	Epoch string
}

// Missed reports whether a reader that has seen every change up to after
// has missed some that the feed no longer keeps.
func (p *ChangePage) Missed(after int64) bool {
	return after+1 < p.Oldest && after < p.Head
}

// NewChange makes the Change of a write that touched these nodes and edges
// (ends included; duplicates and empty ids are dropped): NodeIDs and
// EdgeIDs sorted, or Many past MaxChangeIDs. Kind and Operation come from
// the caller's WithOperation when it gave them, else kind and op.
func NewChange(ctx context.Context, kind ChangeKind, op string, nodeIDs, edgeIDs []string) Change {
	nodes, edges := uniqueIDs(nodeIDs), uniqueIDs(edgeIDs)
	c := Change{Kind: kind, Operation: op, Nodes: len(nodes), Edges: len(edges)}
	if o, ok := ctx.Value(operationKey{}).(Operation); ok {
		c.Kind = cmp.Or(o.Kind, c.Kind)
		c.Operation = cmp.Or(o.Name, c.Operation)
	}
	if len(nodes)+len(edges) > MaxChangeIDs {
		c.Many = true
		return c
	}
	c.NodeIDs, c.EdgeIDs = nodes, edges
	return c
}

// ManyChange makes the summary Change of a write too large to list (a bulk
// load's batch): Many, with its counts.
func ManyChange(ctx context.Context, kind ChangeKind, op string, nodes, edges int) Change {
	c := NewChange(ctx, kind, op, nil, nil)
	c.Many, c.Nodes, c.Edges = true, nodes, edges
	return c
}

func uniqueIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// BatchChange is the Change, named op, of Apply(b) that did r: every node id of
// b.Nodes and b.DeleteNodes, every edge of b.Edges with its ends, and every
// edge of b.DeleteEdges that existed (deleted: its ends by id). The edges
// that went with a deleted node are not listed (nor their far ends), as for
// DeleteNode. Edges of b without an id are named by EdgeID.
func BatchChange(ctx context.Context, op string, b Batch, r ApplyResult, deleted map[string][2]string) Change {
	nodes := make([]string, 0, len(b.Nodes)+len(b.DeleteNodes)+2*len(b.Edges)+2*len(deleted))
	edges := make([]string, 0, len(b.Edges)+len(deleted))
	for i := range b.Nodes {
		nodes = append(nodes, b.Nodes[i].ID)
	}
	nodes = append(nodes, b.DeleteNodes...)
	for i := range b.Edges {
		e := &b.Edges[i]
		nodes = append(nodes, e.From, e.To)
		edges = append(edges, cmp.Or(e.ID, EdgeID(e.Type, e.From, e.To)))
	}
	for id, ends := range deleted {
		nodes = append(nodes, ends[0], ends[1])
		edges = append(edges, id)
	}
	return NewChange(ctx, ChangeKindOf(r), op, nodes, edges)
}

// ChangeKindOf names a write by what it did: CREATED when it created a node,
// else DELETED when it deleted one, else UPDATED when it replaced one, else
// LINKED when it only created edges, UNLINKED when it only removed some, and
// UPDATED for anything else.
func ChangeKindOf(r ApplyResult) ChangeKind {
	switch {
	case r.NodesCreated > 0:
		return ChangeCreated
	case r.NodesDeleted > 0:
		return ChangeDeleted
	case r.NodesUpdated > 0:
		return ChangeUpdated
	case r.EdgesCreated > 0 && r.EdgesUpdated == 0 && r.EdgesDeleted == 0:
		return ChangeLinked
	case r.EdgesDeleted > 0 && r.EdgesCreated == 0 && r.EdgesUpdated == 0:
		return ChangeUnlinked
	}
	return ChangeUpdated
}

// Operation is the caller's name for the writes it makes with a context
// (WithOperation): the feed records it. Like the trace, it changes nothing
// a store does or answers.
type Operation struct {
	Name string     // "createPairing", "import", "seed" …
	Kind ChangeKind // "" lets the store say (ChangeKindOf)
}

type operationKey struct{}

// WithOperation returns ctx naming the writes made with it: their Change
// carries op's name, and its kind when it has one.
func WithOperation(ctx context.Context, op Operation) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// A Receipt collects what the writes made with a context committed
// (WithReceipt): the feed position and the bookmark of the last of them.
// The server answers them to the client (Orgnet-Bookmark), which sends the
// bookmark back to read its own writes on any replica (Store.WaitFor). Like
// the round-trip Meter it is an observation: it changes nothing a store does
// or answers. It is safe for concurrent use.
type Receipt struct {
	mu       sync.Mutex
	seq      int64
	bookmark string
}

type receiptKey struct{}

// WithReceipt returns ctx whose writes are noted in a new Receipt.
func WithReceipt(ctx context.Context) (context.Context, *Receipt) {
	r := &Receipt{}
	return context.WithValue(ctx, receiptKey{}, r), r
}

// NoteWrite notes a committed write in the context's Receipt, if it has one:
// its change's sequence number and the store's bookmark for it ("" when
// the store has none). Stores call it once per write transaction that
// committed.
func NoteWrite(ctx context.Context, seq int64, bookmark string) {
	r, ok := ctx.Value(receiptKey{}).(*Receipt)
	if !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq >= r.seq {
		r.seq = seq
		if bookmark != "" {
			r.bookmark = bookmark
		}
	}
}

// Seq is the sequence number of the last change noted (0: none).
func (r *Receipt) Seq() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq
}

// Bookmark is the bookmark of the last write noted ("": none).
func (r *Receipt) Bookmark() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bookmark
}

// ValidateChangesArgs checks the arguments of Store.Changes.
func ValidateChangesArgs(after int64, limit int) error {
	if after < 0 {
		return Invalidf("after", "after must be 0 or more, got %d", after)
	}
	if limit < 1 || limit > MaxChangesPage {
		return Invalidf("limit", "limit must be between 1 and %d, got %d", MaxChangesPage, limit)
	}
	return nil
}

// ErrClosed is the error of a call on a store that was closed.
var ErrClosed = &Error{Code: CodeUnavailable, Message: "the store is closed"}

// ReceiptFrom returns the context's Receipt (nil when it has none).
func ReceiptFrom(ctx context.Context) *Receipt {
	r, _ := ctx.Value(receiptKey{}).(*Receipt)
	return r
}
