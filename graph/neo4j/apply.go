package neo4j

import (
	"context"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// Apply writes a batch in one transaction. One statement looks up the
// stored labels of every node id the batch names and the stored type of
// every edge id it names (upserted or deleted); graph.ValidateBatch checks
// the whole batch against that; then UNWIND statements of at most
// Options.BatchRows rows each, one per label or relationship type present,
// replace edges being upserted, create and replace nodes, create edges, and
// run the deletions. Nothing is written when anything is wrong. Returns
// ErrInvalid (a *graph.BatchError with every problem), ErrNotFound,
// ErrConflict (an id taken by a concurrent writer).
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.ApplyResult, error) {
	return writer{s: s}.apply(ctx, b)
}

// apply is Apply, in w's transaction.
func (w writer) apply(ctx context.Context, b graph.Batch) (graph.ApplyResult, error) {
	s := w.s
	if len(b.Nodes)+len(b.Edges)+len(b.DeleteEdges)+len(b.DeleteNodes) == 0 {
		return graph.ApplyResult{}, nil
	}
	batch := prepareBatch(b)
	nodeIDs := make([]string, 0, len(batch.Nodes)+2*len(batch.Edges))
	for i := range batch.Nodes {
		nodeIDs = append(nodeIDs, batch.Nodes[i].ID)
	}
	edgeIDs := make([]string, 0, len(batch.Edges)+len(batch.DeleteEdges))
	for i := range batch.Edges {
		nodeIDs = append(nodeIDs, batch.Edges[i].From, batch.Edges[i].To)
		edgeIDs = append(edgeIDs, batch.Edges[i].ID)
	}
	deleteEdges := uniqueValidIDs(batch.DeleteEdges)
	deleteNodes := uniqueValidIDs(batch.DeleteNodes)
	edgeIDs = append(edgeIDs, deleteEdges...)
	lookup := map[string]any{"ids": uniqueValidIDs(nodeIDs), "eids": uniqueValidIDs(edgeIDs)}

	return inWrite(ctx, w, "apply", func(tx runner) (graph.ApplyResult, graph.Change, error) {
		res, ends, err := s.applyTx(ctx, tx, batch, lookup, deleteEdges, deleteNodes)
		return res, graph.BatchChange(ctx, "Apply", batch, res, ends), err
	})
}

// applyTx is the work of apply in tx; it returns the ends of the edges it
// deleted by id, too.
func (s *Store) applyTx(ctx context.Context, tx runner, batch graph.Batch, lookup map[string]any, deleteEdges, deleteNodes []string) (graph.ApplyResult, map[string][2]string, error) {
	var res graph.ApplyResult
	ends := make(map[string][2]string)
	if err := expect(ctx, tx, batch.Expect); err != nil {
		return res, ends, err
	}
	recs, _, err := run(ctx, tx, cypherApplyLookup, lookup)
	if err != nil {
		return res, ends, err
	}
	r := single(recs)
	stored := storedLabels(get(r, "labels"))
	storedEdge := storedEdgeTypes(get(r, "edges"))
	var probs []graph.Problem
	if err := graph.ValidateBatch(&batch, func(id string) (graph.Label, bool) {
		l, ok := stored[id]
		return l, ok
	}); err != nil {
		be, ok := err.(*graph.BatchError)
		if !ok {
			return res, ends, err
		}
		probs = be.Problems
	}
	// Quotes against their sources (one more statement, only when the
	// batch cites, registers or deletes one).
	texts, err := sourceTexts(ctx, tx, batch.SourcesToRead())
	if err != nil {
		return res, ends, err
	}
	if probs = append(probs, graph.CheckBatchSources(&batch, texts)...); len(probs) > 0 {
		return res, ends, &graph.BatchError{Problems: probs}
	}

	createNodes := make(map[graph.Label][]any)
	var replaceNodes []any
	for i := range batch.Nodes {
		n := &batch.Nodes[i]
		props, err := nodeProps(n)
		if err != nil {
			return res, ends, err
		}
		if _, ok := stored[n.ID]; ok {
			replaceNodes = append(replaceNodes, props)
			res.NodesUpdated++
		} else {
			createNodes[n.Label] = append(createNodes[n.Label], props)
			res.NodesCreated++
		}
	}
	createEdges := newEdgeRows()
	replacedEdges := make(map[graph.RelType][]any)
	batchType := make(map[string]graph.RelType, len(batch.Edges))
	for i := range batch.Edges {
		e := &batch.Edges[i]
		createEdges.add(e)
		batchType[e.ID] = e.Type
		if ts := storedEdge[e.ID]; len(ts) > 0 {
			for _, t := range ts {
				replacedEdges[t] = append(replacedEdges[t], e.ID)
			}
			res.EdgesUpdated++
		} else {
			res.EdgesCreated++
		}
	}
	// A deleted edge id is deleted under the type it is stored with and
	// under the type this batch gives it, if any (upserted, then deleted).
	deleted := make(map[graph.RelType][]any)
	for _, id := range deleteEdges {
		ts := storedEdge[id]
		if t, ok := batchType[id]; ok && !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
		for _, t := range ts {
			deleted[t] = append(deleted[t], id)
		}
	}

	// An upserted edge is replaced whole: its type or ends may change.
	if _, err := s.unwindTypes(ctx, tx, cypherApplyDeleteEdges, "ids", replacedEdges); err != nil {
		return res, ends, err
	}
	if err := s.createNodes(ctx, tx, createNodes, s.batchRows); err != nil {
		return res, ends, err
	}
	if _, err := s.unwind(ctx, tx, cypherApplyReplaceNodes, "rows", replaceNodes, s.batchRows); err != nil {
		return res, ends, err
	}
	if err := s.createEdges(ctx, tx, createEdges, s.batchRows); err != nil {
		return res, ends, err
	}
	c, err := s.unwindTypesEnds(ctx, tx, cypherApplyDeleteEdges, "ids", deleted, ends)
	if err != nil {
		return res, ends, err
	}
	res.EdgesDeleted = c.relsDeleted
	c, err = s.unwind(ctx, tx, cypherApplyDeleteNodes, "ids", anyList(deleteNodes), s.batchRows)
	if err != nil {
		return res, ends, err
	}
	res.NodesDeleted = c.nodesDeleted
	res.EdgesDeleted += c.relsDeleted // the edges that went with the nodes
	return res, ends, nil
}

// prepareBatch copies b (ValidateBatch prepares items in place) and gives
// every edge its id now.
func prepareBatch(b graph.Batch) graph.Batch {
	batch := graph.Batch{
		Nodes:       make([]graph.Node, len(b.Nodes)),
		Edges:       make([]graph.Edge, len(b.Edges)),
		DeleteEdges: b.DeleteEdges,
		DeleteNodes: b.DeleteNodes,
		Expect:      b.Expect,
	}
	for i := range b.Nodes {
		batch.Nodes[i] = *b.Nodes[i].Clone()
	}
	for i := range b.Edges {
		batch.Edges[i] = *b.Edges[i].Clone()
		batch.Edges[i].Prepare() // to know the ids now; ValidateBatch repeats it harmlessly
	}
	return batch
}

// storedLabels reads the lookup's [id, label] pairs.
func storedLabels(v any) map[string]graph.Label {
	stored := make(map[string]graph.Label)
	l, _ := v.([]any)
	for _, x := range l {
		pair, _ := x.([]any)
		if len(pair) == 2 {
			id, _ := pair[0].(string)
			stored[id] = graphLabel(pair[1])
		}
	}
	return stored
}

// storedEdgeTypes reads the lookup's ids per type (one list per
// graph.RelTypes, in order). An id is under one type unless concurrent
// writers raced.
func storedEdgeTypes(v any) map[string][]graph.RelType {
	stored := make(map[string][]graph.RelType)
	cols, _ := v.([]any)
	for i, col := range cols {
		if i >= len(graph.RelTypes) {
			break
		}
		ids, _ := col.([]any)
		for _, x := range ids {
			if id, ok := x.(string); ok {
				stored[id] = append(stored[id], graph.RelTypes[i])
			}
		}
	}
	return stored
}

// edgeRows are the rows of the edges to create by type, those without
// attributes apart (cypherApplyCreatePlainEdges).
type edgeRows struct{ plain, attrs map[graph.RelType][]any }

func newEdgeRows() edgeRows {
	return edgeRows{plain: make(map[graph.RelType][]any), attrs: make(map[graph.RelType][]any)}
}

// add adds the row of a prepared edge.
func (r edgeRows) add(e *graph.Edge) {
	row := map[string]any{"from": e.From, "to": e.To, "props": edgeProps(e)}
	if len(e.Attrs) == 0 {
		r.plain[e.Type] = append(r.plain[e.Type], row)
	} else {
		r.attrs[e.Type] = append(r.attrs[e.Type], row)
	}
}

// createEdges sends the edge creations, per type in graph.RelTypes order,
// in chunks of at most rows.
func (s *Store) createEdges(ctx context.Context, tx runner, r edgeRows, rows int) error {
	for _, t := range graph.RelTypes {
		if _, err := s.unwind(ctx, tx, cypherApplyCreatePlainEdges[t], "rows", r.plain[t], rows); err != nil {
			return err
		}
		if _, err := s.unwind(ctx, tx, cypherApplyCreateEdges[t], "rows", r.attrs[t], rows); err != nil {
			return err
		}
	}
	return nil
}

// createNodes sends the node creations, one statement per label present
// (in graph.Labels order) and chunk of at most rows.
func (s *Store) createNodes(ctx context.Context, tx runner, byLabel map[graph.Label][]any, rows int) error {
	for _, l := range graph.Labels {
		if _, err := s.unwind(ctx, tx, cypherApplyCreateNodes[l], "rows", byLabel[l], rows); err != nil {
			return err
		}
	}
	return nil
}

// unwindTypes sends statement[t] for the rows of every type t present, in
// graph.RelTypes order, and adds up what was deleted.
func (s *Store) unwindTypes(ctx context.Context, tx runner, statement map[graph.RelType]string, key string, byType map[graph.RelType][]any) (counts, error) {
	return s.unwindTypesEnds(ctx, tx, statement, key, byType, nil)
}

// unwindTypesEnds is unwindTypes that reads the rows [id, f, t] the
// statements answer into ends (when not nil): the ends of deleted edges.
func (s *Store) unwindTypesEnds(ctx context.Context, tx runner, statement map[graph.RelType]string, key string, byType map[graph.RelType][]any, ends map[string][2]string) (counts, error) {
	var c counts
	for _, t := range graph.RelTypes {
		ct, err := s.unwindEnds(ctx, tx, statement[t], key, byType[t], s.batchRows, ends)
		if err != nil {
			return c, err
		}
		c.nodesDeleted += ct.nodesDeleted
		c.relsDeleted += ct.relsDeleted
	}
	return c, nil
}

type counts struct{ nodesDeleted, relsDeleted int }

// unwind sends cypher once per chunk of at most batchRows rows as the list
// parameter key, and adds up what was deleted. No rows, no statement.
func (s *Store) unwind(ctx context.Context, tx runner, cypher, key string, rows []any, batchRows int) (counts, error) {
	return s.unwindEnds(ctx, tx, cypher, key, rows, batchRows, nil)
}

// unwindEnds is unwind that reads the records [id, f, t] into ends when not
// nil.
func (s *Store) unwindEnds(ctx context.Context, tx runner, cypher, key string, rows []any, batchRows int, ends map[string][2]string) (counts, error) {
	var c counts
	for start := 0; start < len(rows); start += batchRows {
		end := min(start+batchRows, len(rows))
		recs, sum, err := run(ctx, tx, cypher, map[string]any{key: rows[start:end]})
		if err != nil {
			return c, err
		}
		if ends != nil {
			for _, r := range recs {
				ends[getString(r, "id")] = [2]string{getString(r, "f"), getString(r, "t")}
			}
		}
		c.nodesDeleted += sum.Counters().NodesDeleted()
		c.relsDeleted += sum.Counters().RelationshipsDeleted()
	}
	return c, nil
}

func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// expect checks a batch's expectations in tx, first taking the write lock
// of each node they name (a property set and removed in the same
// statement), so that a concurrent batch expecting the same node waits for
// this transaction and then reads what it wrote. Two statements: the kinds
// are read once the locks are held.
func expect(ctx context.Context, tx runner, es []graph.Expect) error {
	if len(es) == 0 {
		return nil
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	if _, _, err := run(ctx, tx, cypherExpectLock, map[string]any{"ids": ids}); err != nil {
		return err
	}
	recs, _, err := run(ctx, tx, cypherExpectKinds, map[string]any{"ids": ids})
	if err != nil {
		return err
	}
	kinds := make(map[string]string, len(recs))
	for _, r := range recs {
		kinds[getString(r, "id")] = getString(r, "kind")
	}
	for _, e := range es {
		kind, found := kinds[e.ID]
		if !found || kind != e.Kind {
			return graph.ExpectConflict(e, kind, found)
		}
	}
	return nil
}
