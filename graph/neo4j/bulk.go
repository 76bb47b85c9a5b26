package neo4j

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/orgnet/orgnet/graph"
)

// DefaultBulkRows is the default number of rows per UNWIND statement of a
// bulk load: a batch of 20,000 items is one statement per label or type.
const DefaultBulkRows = 20000

// BulkOptions shape a bulk load.
type BulkOptions struct {
	// KeepIndexes keeps the indexes and constraints of bulkDropped during
	// the load (slower, but Search keeps its index meanwhile).
	KeepIndexes bool
	// Rows is the number of rows per UNWIND statement; 0 means
	// DefaultBulkRows.
	Rows int
}

// BulkLoad writes new nodes and edges into a store that was empty when it
// began, faster than Apply: no lookup in the store (the labels of edge ends
// come from the nodes this load wrote), CREATE only, and, unless
// BulkOptions.KeepIndexes, without the search indexes and the per-label id
// constraints, made again by Finish. Ids stay unique: a node id this load
// wrote is refused before writing, and any other duplicate node id, or edge
// id of the same type, fails on the node_id and per-type constraints; an
// edge id given explicitly (not graph.EdgeID) is checked against every type.
// Every refusal is ErrConflict and writes nothing of its batch.
//
// Apply may be called from several goroutines at once: node batches write
// in parallel without contention (distinct ids); edge batches that share end
// nodes take the same locks and may deadlock (the driver retries them).
// Finish must be called at the end, also after an error or a cancelled
// load (with a context that still lives); a process that dies first leaves
// the indexes to the next New, which makes missing ones again.
type BulkLoad struct {
	s       *Store
	rows    int
	dropped bool // bulkDropped were dropped (or tried)

	mu       sync.RWMutex
	labels   map[string]graph.Label   // node ids this load wrote
	explicit map[string]graph.RelType // edge ids of this load that are not graph.EdgeID(type, from, to)
	finished bool
}

// Bulk-load statements.
const (
	// cypherBulkCounts reads the count store: any node of the graph (the
	// change feed's are not) or relationship.
	cypherBulkCounts = `CALL () { MATCH (n:Node) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS edges }
RETURN nodes, edges`
)

// BeginBulkLoad starts a bulk load into the store, which must be empty (no
// node, no relationship): else it returns ErrConflict and changes nothing.
// Unless opts.KeepIndexes, it drops the indexes and constraints of
// bulkDropped; call Finish in every case.
func (s *Store) BeginBulkLoad(ctx context.Context, opts BulkOptions) (*BulkLoad, error) {
	c, err := readTx(ctx, s, "bulk load: counts", func(tx runner) (graph.Counts, error) {
		recs, _, err := run(ctx, tx, cypherBulkCounts, nil)
		if err != nil {
			return graph.Counts{}, err
		}
		r := single(recs)
		return graph.Counts{Nodes: getInt(r, "nodes"), Edges: getInt(r, "edges")}, nil
	})
	if err != nil {
		return nil, err
	}
	if c.Nodes > 0 || c.Edges > 0 {
		return nil, graph.Conflictf("neo4j: a bulk load needs an empty store; this one holds %d nodes and %d edges (use Apply)", c.Nodes, c.Edges)
	}
	l := &BulkLoad{s: s, rows: opts.Rows, labels: make(map[string]graph.Label), explicit: make(map[string]graph.RelType)}
	if l.rows <= 0 {
		l.rows = DefaultBulkRows
	}
	if opts.KeepIndexes {
		return l, nil
	}
	l.dropped = true
	for _, d := range bulkDropped {
		if err := s.exec(ctx, "bulk load: drop "+d.name, d.drop, nil); err != nil {
			return nil, fmt.Errorf("%w (the next New makes the dropped indexes again)", err)
		}
	}
	return l, nil
}

// Apply creates the nodes and edges of b in one transaction, after
// graph.ValidateBatch (edge ends are the nodes of b, those this load wrote,
// and, looked up, any other stored node). b must not delete. Returns
// ErrInvalid (a *graph.BatchError), ErrNotFound, ErrConflict.
func (l *BulkLoad) Apply(ctx context.Context, b graph.Batch) (graph.ApplyResult, error) {
	var res graph.ApplyResult
	if len(b.DeleteEdges)+len(b.DeleteNodes) > 0 {
		return res, graph.Invalidf("deleteNodes", "a bulk load only creates; delete with Store.Apply")
	}
	if len(b.Nodes)+len(b.Edges) == 0 {
		return res, nil
	}
	batch := prepareBatch(b)
	inBatch := make(map[string]bool, len(batch.Nodes))
	for i := range batch.Nodes {
		inBatch[batch.Nodes[i].ID] = true
	}

	// Conflicts this load can see, and the ends it has not written.
	var unknown, explicit []string // explicit: edge ids that are not graph.EdgeID(type, from, to)
	explicitType := make(map[string]graph.RelType)
	var conflict error
	l.mu.Lock()
	if l.finished {
		l.mu.Unlock()
		return res, fmt.Errorf("neo4j: bulk load: Apply after Finish")
	}
	for i := range batch.Nodes {
		if _, ok := l.labels[batch.Nodes[i].ID]; ok && conflict == nil {
			conflict = graph.Conflictf("node id %q is already stored", batch.Nodes[i].ID)
		}
	}
	seenEnd := make(map[string]bool)
	for i := range batch.Edges {
		e := &batch.Edges[i]
		for _, id := range []string{e.From, e.To} {
			if _, ok := l.labels[id]; !ok && !inBatch[id] && !seenEnd[id] {
				seenEnd[id] = true
				unknown = append(unknown, id)
			}
		}
		if t, ok := l.explicit[e.ID]; ok && conflict == nil {
			conflict = graph.Conflictf("edge id %q is already taken by a %s edge", e.ID, t)
		}
		if _, dup := explicitType[e.ID]; !dup && e.ID != graph.EdgeID(e.Type, e.From, e.To) && graph.ValidateID("id", e.ID) == nil {
			explicit = append(explicit, e.ID)
			explicitType[e.ID] = e.Type
		}
	}
	if conflict == nil {
		// Held from now, so that a concurrent batch with the same id sees it.
		for _, id := range explicit {
			l.explicit[id] = explicitType[id]
		}
	}
	l.mu.Unlock()
	if conflict != nil {
		return res, conflict
	}
	release := func() {
		l.mu.Lock()
		for _, id := range explicit {
			delete(l.explicit, id)
		}
		l.mu.Unlock()
	}

	lookup := map[string]any{"ids": uniqueValidIDs(unknown), "eids": uniqueValidIDs(explicit)}
	_, err := inWrite(ctx, writer{s: l.s}, "bulk load", func(tx runner) (struct{}, graph.Change, error) {
		err := l.applyTx(ctx, tx, batch, lookup, unknown, explicit)
		res := graph.ApplyResult{NodesCreated: len(batch.Nodes), EdgesCreated: len(batch.Edges)}
		return struct{}{}, graph.BatchChange(ctx, "BulkLoad", batch, res, nil), err
	})
	if err != nil {
		release()
		return res, err
	}
	l.mu.Lock()
	for i := range batch.Nodes {
		l.labels[batch.Nodes[i].ID] = batch.Nodes[i].Label
	}
	l.mu.Unlock()
	res.NodesCreated, res.EdgesCreated = len(batch.Nodes), len(batch.Edges)
	return res, nil
}

// applyTx is the work of Apply in tx.
func (l *BulkLoad) applyTx(ctx context.Context, tx runner, batch graph.Batch, lookup map[string]any, unknown, explicit []string) error {
	stored := map[string]graph.Label{}
	if len(unknown)+len(explicit) > 0 {
		recs, _, err := run(ctx, tx, cypherApplyLookup, lookup)
		if err != nil {
			return err
		}
		r := single(recs)
		stored = storedLabels(get(r, "labels"))
		if taken := storedEdgeTypes(get(r, "edges")); len(taken) > 0 {
			for _, id := range explicit {
				if ts := taken[id]; len(ts) > 0 {
					return graph.Conflictf("edge id %q is already taken by a %s edge", id, ts[0])
				}
			}
		}
	}
	l.mu.RLock()
	err := graph.ValidateBatch(&batch, func(id string) (graph.Label, bool) {
		if lb, ok := l.labels[id]; ok {
			return lb, true
		}
		lb, ok := stored[id]
		return lb, ok
	})
	l.mu.RUnlock()
	if err != nil {
		return err
	}
	// Quotes against their sources, as Store.Apply checks them (no
	// statement for a batch that cites none, as a synthetic one).
	texts, err := sourceTexts(ctx, tx, batch.SourcesToRead())
	if err != nil {
		return err
	}
	if probs := graph.CheckBatchSources(&batch, texts); len(probs) > 0 {
		return &graph.BatchError{Problems: probs}
	}
	createNodes := make(map[graph.Label][]any)
	for i := range batch.Nodes {
		n := &batch.Nodes[i]
		props, err := nodeProps(n)
		if err != nil {
			return err
		}
		createNodes[n.Label] = append(createNodes[n.Label], props)
	}
	createEdges := newEdgeRows()
	for i := range batch.Edges {
		createEdges.add(&batch.Edges[i])
	}
	if err := l.s.createNodes(ctx, tx, createNodes, l.rows); err != nil {
		return err
	}
	return l.s.createEdges(ctx, tx, createEdges, l.rows)
}

// Finish ends the load: it makes the dropped indexes and constraints again
// and waits until they are online (over a large store, minutes). It is safe
// to call more than once; Apply fails after it.
func (l *BulkLoad) Finish(ctx context.Context) error {
	l.mu.Lock()
	l.finished = true
	l.labels, l.explicit = nil, nil
	dropped := l.dropped
	l.dropped = false
	l.mu.Unlock()
	if !dropped {
		return nil
	}
	for i, name := range schemaNames {
		if !slices.ContainsFunc(bulkDropped, func(d struct{ name, drop string }) bool { return d.name == name }) {
			continue
		}
		if err := l.s.exec(ctx, "bulk load: create "+name, schemaStatements[i], nil); err != nil && !isCode(err, codeEquivalentSchema) {
			return fmt.Errorf("%w (the next New makes it again)", err)
		}
	}
	return l.s.exec(ctx, "bulk load: await indexes", bulkAwaitIndexes, nil)
}
