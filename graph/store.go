package graph

import (
	"cmp"
	"context"
)

// Store keeps the network. Two implementations exist: graph/memory (embedded,
// the zero-setup default) and graph/neo4j (the system of record); both pass
// graph/storetest. Observe wraps a Store so that metrics and tracing see
// every call.
//
// Contract, for every implementation:
//   - Every read takes a View: what it sees (View.AsOf) and in what shape it
//     may answer (View.Lean, View.NodesOnly). As of a date a read sees only
//     the nodes and edges valid that day (ValidAt), and an edge only when
//     both its ends are, as if nothing else were stored; a node that is not
//     valid is NotFound. The zero View sees everything stored. Writes take
//     no View: they check and change what is stored.
//   - Every method that takes ids answers a whole set in one call, so that an
//     implementation backed by a database makes one round trip per call
//     whatever the size of the answer (Expand and FindNodesExpand included:
//     one round trip on Neo4j, one call per level on the embedded store).
//     Callers batch (dataloaders).
//   - Every write is atomic: all of it is applied or none, and a write that
//     returned nil survives a crash of the process.
//   - Errors are *Error values checked with errors.Is against ErrInvalid,
//     ErrNotFound, ErrConflict and ErrUnavailable; anything else is internal.
//   - Returned values are copies: callers may change them.
//   - Ordering is deterministic: by id unless a method says otherwise.
//   - Every write checks every stated (ARTICLE) and inferred (INFERRED)
//     provenance it writes against the source document it names
//     (QuoteChecker, CheckBatchSources): an unknown source, a quote that is
//     not verbatim in the source's text, is ErrInvalid naming the field. A
//     source document (LabelSource) never changes its text and is never
//     deleted: ErrConflict.
//   - Every write transaction records a Change in the change feed, in the
//     same transaction (see Changes and change.go), and notes its sequence
//     number and bookmark in the context's Receipt.
//   - The context carries only the deadline, the caller and the trace (and
//     with them the round-trip Meter and the write Receipt, observations,
//     and the caller's name for its writes, WithOperation): nothing in it
//     changes what a call does or answers.
type Store interface {
	// Node returns the node with the given id. Returns ErrNotFound.
	Node(ctx context.Context, v View, id string) (*Node, error)
	// Nodes returns the nodes with the given ids, in the order asked, with nil
	// where an id does not exist.
	Nodes(ctx context.Context, v View, ids []string) ([]*Node, error)
	// FindNodes returns a page of the nodes matching f, ordered by id.
	// Returns ErrInvalid for a bad cursor or page size.
	FindNodes(ctx context.Context, v View, f NodeFilter, p PageArgs) (*NodePage, error)
	// FindNodesExpand is FindNodes, then Expand from the page's nodes;
	// Expanded.Nodes holds the page's nodes. Returns ErrInvalid for a bad
	// cursor, page size or step.
	FindNodesExpand(ctx context.Context, v View, f NodeFilter, p PageArgs, x *Expansion) (*NodePage, *Expanded, error)
	// Search returns up to limit nodes matching text, best first as
	// SortHits orders them: exact, prefix, substring match of the folded
	// Chinese or English name, then a match on pinyin (full, or initials);
	// ties by shorter Chinese name, then id. Keys are computed at write time
	// (KeyOf). Returns ErrInvalid for empty text.
	Search(ctx context.Context, v View, text string, limit int) ([]*Node, error)
	// Edge returns the edge with the given id. Returns ErrNotFound.
	Edge(ctx context.Context, v View, id string) (*Edge, error)
	// Edges returns the edges matching f, ordered by id (one round trip): a
	// page of p.First after the edge id p.After, or with p.First 0 every one.
	// Returns ErrInvalid for an unknown type or source, or a bad page size.
	Edges(ctx context.Context, v View, f EdgeFilter, p EdgeRange) ([]*Edge, error)
	// FindEdges returns a page of the edges matching f, ordered by id, in
	// full (v.Lean does not apply). Returns ErrInvalid for a bad cursor,
	// page size, type or source.
	FindEdges(ctx context.Context, v View, f EdgeFilter, p PageArgs) (*EdgePage, error)
	// Related returns, for each of ids, the edges matching q at that node with
	// the node at the other end, ordered by edge type, then other node id. Ids
	// that do not exist map to nothing. With q.Limit, a node with more than
	// q.Limit matching edges answers q.Limit+1 of them (which ones is up to
	// the store), so that the caller knows there are more without reading
	// them all. Returns ErrInvalid for a bad type, direction or limit.
	Related(ctx context.Context, v View, ids []string, q RelQuery) (map[string][]Related, error)
	// Expand reads the nodes ids (those that exist) and follows the tree x
	// from them: Expanded holds exactly what Related would answer for every
	// step. Returns ErrInvalid for a bad step.
	Expand(ctx context.Context, v View, ids []string, x *Expansion) (*Expanded, error)
	// Ancestors returns, for each of ids, the nodes reached by following
	// SUB_ORGANISATION_OF upwards, nearest first (ties by id), each once.
	// With limit > 0, a node with more than limit ancestors answers its
	// nearest limit+1 (ties by id). Returns ErrInvalid for a bad limit.
	Ancestors(ctx context.Context, v View, ids []string, limit int) (map[string][]*Node, error)
	// Neighbourhood returns the subgraph within q.Depth hops of id, following
	// edges of q.Types (all when empty) in either direction: at most q.Limit
	// nodes (nearest first, then by id) and SubgraphEdgeLimit(q.Limit) of the
	// edges among them (by id); Truncated tells when either was cut. Returns
	// ErrNotFound for a missing id, ErrInvalid for a bad depth or limit.
	Neighbourhood(ctx context.Context, v View, id string, q NeighbourhoodQuery) (*Subgraph, error)
	// Subtree returns root and the nodes below it by SUB_ORGANISATION_OF
	// (children point at parents), down to q.MaxDepth levels: at most
	// q.Limit nodes (nearest first, then by id) and
	// SubgraphEdgeLimit(q.Limit) of the SUB_ORGANISATION_OF edges among them
	// (by id); Truncated tells when either was cut or nodes lie deeper.
	// Returns ErrNotFound, ErrInvalid.
	Subtree(ctx context.Context, v View, rootID string, q SubtreeQuery) (*Subgraph, error)
	// ShortestPath returns a shortest path from one node to another over edges
	// of q.Types (all when empty) in either direction, at most q.MaxDepth
	// hops; among equal paths the one whose node ids are least in order. It
	// returns nil and no error when there is none. Returns ErrNotFound for a
	// missing end, ErrInvalid for a bad depth.
	ShortestPath(ctx context.Context, v View, from, to string, q PathQuery) (*Path, error)
	// Tops returns the tops of the SUB_ORGANISATION_OF hierarchy: the nodes
	// with at least one child and no parent, as v.AsOf sees them, the most
	// children first, then by id, at most limit of them (1..MaxTops), with
	// the number of them all. One round trip, whatever the size of the
	// store. Returns ErrInvalid for a bad limit.
	Tops(ctx context.Context, v View, limit int) (*Tops, error)
	// Below returns, for each of ids (at most MaxBelowIDs), what lies below
	// it by SUB_ORGANISATION_OF: its children counted, and as q asks,
	// partitioned by GroupKey and its descendants counted up to
	// DescendantCap. Ids that do not exist map to nothing. One round trip,
	// whatever the size of the store. Returns ErrInvalid for too many ids.
	Below(ctx context.Context, v View, ids []string, q BelowQuery) (map[string]*Below, error)
	// Children returns a page of the children of parent by
	// SUB_ORGANISATION_OF, those of group g (every child when g is nil),
	// ordered by id, with the group's total count (unless p.NoTotal): the
	// nodes Below counted in that group. One round trip. Returns
	// ErrNotFound for a missing parent, ErrInvalid for a bad group, cursor
	// or page size.
	Children(ctx context.Context, v View, parent string, g *GroupKey, p PageArgs) (*NodePage, error)
	// Snapshot returns the whole graph as v.AsOf sees it, for analysis,
	// planning and export: in full, or with v.Lean the topology alone (see
	// View.Lean); v.NodesOnly does not apply.
	Snapshot(ctx context.Context, v View) (*Snapshot, error)
	// Counts returns the number of nodes and edges v.AsOf sees.
	Counts(ctx context.Context, v View) (Counts, error)

	// CreateNode stores a new node (Prepare, then Validate). Returns
	// ErrInvalid, ErrConflict when the id is taken.
	CreateNode(ctx context.Context, n NodeInput) (*Node, error)
	// UpdateNode changes a node. Label and id never change. Returns
	// ErrNotFound, ErrInvalid.
	UpdateNode(ctx context.Context, id string, u NodeUpdate) (*Node, error)
	// DeleteNode removes a node and its edges. A node with children (incoming
	// SUB_ORGANISATION_OF) is refused with ErrConflict unless cascade is set,
	// when the whole subtree goes. Returns the ids of the nodes removed.
	// Returns ErrNotFound.
	DeleteNode(ctx context.Context, id string, cascade bool) ([]string, error)
	// CreateEdge stores a new edge (Prepare, then Validate, then endpoints
	// must exist and fit RelEndpoints). Returns ErrInvalid, ErrNotFound for a
	// missing endpoint, ErrConflict when the id is taken.
	CreateEdge(ctx context.Context, e Edge) (*Edge, error)
	// DeleteEdge removes an edge. Returns ErrNotFound.
	DeleteEdge(ctx context.Context, id string) error
	// Apply writes a batch in one transaction: nodes and edges are created or,
	// when their id exists, replaced (upsert); then the listed deletions run.
	// The batch is validated in full first (every node and edge, every edge's
	// endpoints in the store or the batch); on any error nothing is written.
	// Returns ErrInvalid (BatchError with every problem), ErrNotFound.
	Apply(ctx context.Context, b Batch) (ApplyResult, error)

	// Changes returns up to limit changes of the feed that follow after (the
	// sequence number of the last change the caller has seen; 0 for the
	// start), oldest first and with no gap, and where the feed stands (see
	// ChangePage): fewer than limit, even none, when the next one is not
	// written yet or not yet visible to this read. When changes after
	// after are no longer kept (ChangePage.Missed), it returns none. Every
	// write transaction records its Change in the same transaction (see
	// change.go), and a store keeps at least its retention of them.
	// Returns ErrInvalid for a negative after or a limit outside 1 …
	// MaxChangesPage.
	Changes(ctx context.Context, after int64, limit int) (*ChangePage, error)
	// WaitFor returns when the reads of this store that begin after it see
	// at least the state a write's bookmark names (Receipt.Bookmark; "" is
	// nothing to wait for), whichever replica's store made the write, so
	// that a client reads its own writes on any replica. Returns
	// ErrInvalid for a bookmark this store cannot read or that names a
	// state it does not have, ErrUnavailable when the database does not
	// reach the state within the time ctx leaves (or its own bound).
	WaitFor(ctx context.Context, bookmark string) error

	// Ping reports whether the store can answer. Returns ErrUnavailable.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// NodeFilter selects nodes; empty fields match everything.
type NodeFilter struct {
	Labels       []Label
	Kinds        []string
	Tiers        []int
	NameContains string // in name or nameEn, case-insensitive
	AllianceID   string // members (MEMBER_OF) of this alliance
	Sources      []Source
	// AllianceType matches nodes whose AttrAllianceType attribute equals it.
	AllianceType string
	// AttrSources matches nodes with an attribute whose own provenance
	// (Node.AttrProvenance) is one of these.
	AttrSources []Source
}

// EdgeFilter selects edges; empty fields match everything.
type EdgeFilter struct {
	Types   []RelType
	Sources []Source
}

// EdgeRange asks for a range of edges: at most First (0: every one) whose id
// is after After ("": from the first).
type EdgeRange struct {
	First int
	After string
}

// MaxEdgePage is the largest page of edges.
const MaxEdgePage = 5000

// Validate checks an edge page.
func (p EdgeRange) Validate() error {
	if p.First < 0 || p.First > MaxEdgePage {
		return Invalidf("first", "first must be between 1 and %d, got %d", MaxEdgePage, p.First)
	}
	return nil
}

// PageArgs asks for a page: First items after the cursor After.
type PageArgs struct {
	First int
	After string
	// NoTotal says the caller will not read NodePage.TotalCount: a store
	// may leave it 0 and skip counting every match.
	NoTotal bool
}

// Page size limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Validate checks page arguments.
func (p PageArgs) Validate() error {
	if p.First < 0 || p.First > MaxPageSize {
		return Invalidf("first", "first must be between 0 and %d, got %d", MaxPageSize, p.First)
	}
	return nil
}

// Resolve checks the page arguments and returns the page size (First, or
// DefaultPageSize when 0) and the id the cursor After stands for ("" from
// the first). Returns ErrInvalid for a bad size or cursor.
func (p PageArgs) Resolve() (first int, after string, err error) {
	if err := p.Validate(); err != nil {
		return 0, "", err
	}
	if p.After != "" {
		if after, err = DecodeCursor(p.After); err != nil {
			return 0, "", err
		}
	}
	return cmp.Or(p.First, DefaultPageSize), after, nil
}

// NodePage is a page of nodes with Relay-style page information.
type NodePage struct {
	Nodes       []*Node
	TotalCount  int
	HasNextPage bool
	HasPrevPage bool
	StartCursor string
	EndCursor   string
}

// EdgePage is a page of edges with Relay-style page information; cursors
// are EncodeCursor of edge ids.
type EdgePage struct {
	Edges       []*Edge
	TotalCount  int
	HasNextPage bool
	HasPrevPage bool
	StartCursor string
	EndCursor   string
}

// RelQuery selects the edges at a node.
type RelQuery struct {
	Types []RelType // all when empty
	Dir   Direction // Out, In or Both ("" means Both)
	// Limit, when above 0, caps what is read per node: at most Limit+1
	// (Store.Related). At most MaxRelationLimit.
	Limit int
}

// Relation list limits: the relation fields of a node (its children, an
// alliance's members …) answer at most a limit's worth each, never a part
// of the list (more is an error saying so). MaxRelationLimit also caps
// RelQuery.Limit and the ancestors read for one node.
const (
	DefaultRelationLimit = 50
	MaxRelationLimit     = 1000
)

// Related is one edge at a node with the node at its other end.
type Related struct {
	Edge *Edge
	Node *Node
}

// Limits on graph queries. A subgraph (neighbourhood, subtree) holds at
// most its limit of nodes, at most MaxSubgraphSize, and SubgraphEdgeLimit
// of its limit of edges: what a store materialises for one is bounded
// before it runs.
const (
	MaxDepth                 = 6
	DefaultNeighbourhoodSize = 500
	DefaultSubtreeSize       = 2000
	MaxSubgraphSize          = 5000
	MaxNeighbourhoodSize     = MaxSubgraphSize
	MaxPathDepth             = 12
	MaxSubtreeDepth          = 10
)

// SubgraphEdgeLimit is how many edges a subgraph of at most nodes nodes
// holds: twice as many (a tree has one fewer; the synthetic city set has
// 2.2 edges per node in all, counting those to nodes outside).
func SubgraphEdgeLimit(nodes int) int { return 2 * nodes }

// NeighbourhoodQuery shapes a neighbourhood.
type NeighbourhoodQuery struct {
	Depth int
	Types []RelType
	Limit int
}

// Validate checks the query.
func (q NeighbourhoodQuery) Validate() error {
	if q.Depth < 0 || q.Depth > MaxDepth {
		return Invalidf("depth", "depth must be between 0 and %d, got %d", MaxDepth, q.Depth)
	}
	if err := validateSubgraphLimit(q.Limit); err != nil {
		return err
	}
	return validateTypes(q.Types)
}

// SubtreeQuery shapes a subtree.
type SubtreeQuery struct {
	MaxDepth int
	Limit    int
}

// Validate checks the query.
func (q SubtreeQuery) Validate() error {
	if err := ValidateSubtreeDepth(q.MaxDepth); err != nil {
		return err
	}
	return validateSubgraphLimit(q.Limit)
}

func validateSubgraphLimit(n int) error {
	if n < 1 || n > MaxSubgraphSize {
		return Invalidf("limit", "limit must be between 1 and %d, got %d", MaxSubgraphSize, n)
	}
	return nil
}

// ValidateRelationLimit checks a per-node limit of relations (0: none).
func ValidateRelationLimit(n int) error {
	if n < 0 || n > MaxRelationLimit {
		return Invalidf("limit", "limit must be between 1 and %d, got %d", MaxRelationLimit, n)
	}
	return nil
}

// PathQuery shapes a shortest-path search.
type PathQuery struct {
	Types    []RelType
	MaxDepth int
}

// Validate checks the query.
func (q PathQuery) Validate() error {
	if q.MaxDepth < 1 || q.MaxDepth > MaxPathDepth {
		return Invalidf("maxDepth", "maxDepth must be between 1 and %d, got %d", MaxPathDepth, q.MaxDepth)
	}
	return validateTypes(q.Types)
}

// ValidateSubtreeDepth checks a subtree depth.
func ValidateSubtreeDepth(d int) error {
	if d < 0 || d > MaxSubtreeDepth {
		return Invalidf("maxDepth", "maxDepth must be between 0 and %d, got %d", MaxSubtreeDepth, d)
	}
	return nil
}

func validateTypes(ts []RelType) error {
	for _, t := range ts {
		if !t.Valid() {
			return Invalidf("relations", "relationship type %q is not one of %v", t, RelTypes)
		}
	}
	return nil
}

// Subgraph is a set of nodes and the edges among them, the shape diagram
// libraries draw.
type Subgraph struct {
	Nodes []*Node
	Edges []*Edge
	// Truncated is true when a limit cut the answer short.
	Truncated bool
}

// Path is a walk from one node to another: Nodes has one more element than
// Edges, and Edges[i] joins Nodes[i] and Nodes[i+1] (in either direction).
type Path struct {
	Nodes []*Node
	Edges []*Edge
}

// Snapshot is the whole graph at one moment, sorted by id.
type Snapshot struct {
	Nodes []*Node
	Edges []*Edge
}

// Counts are the sizes of the graph.
type Counts struct {
	Nodes int
	Edges int
}

// Batch is a set of writes applied together by Store.Apply.
type Batch struct {
	Nodes       []Node
	Edges       []Edge
	DeleteEdges []string // edge ids; missing ones are ignored
	DeleteNodes []string // node ids, with their edges; missing ones are ignored
	// Expect makes the batch conditional: each node it lists must exist
	// with the kind given when the write holds the node's lock, else Apply
	// writes nothing and returns CodeConflict. Two batches that expect a
	// node's kind and change it cannot both apply, whichever replica sends
	// them (a scenario's commit).
	Expect []Expect
}

// Expect is a condition of a Batch: node ID has kind Kind.
type Expect struct {
	ID   string
	Kind string
}

// ExpectConflict is the error of a Batch whose expectation e is not met:
// the node is missing (kind "") or has another kind.
func ExpectConflict(e Expect, kind string, found bool) *Error {
	if !found {
		return Conflictf("%s no longer exists: another write removed it first", e.ID)
	}
	return Conflictf("%s is %s now, no longer %s: another write changed it first", e.ID, kind, e.Kind)
}

// ApplyResult says what Apply did.
type ApplyResult struct {
	NodesCreated, NodesUpdated int
	EdgesCreated, EdgesUpdated int
	NodesDeleted, EdgesDeleted int
}
