package neo4j

import (
	"context"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
)

// Apply writes a batch in one transaction. One statement looks up the
// stored labels of every node id the batch names and which of its edge ids
// exist; graph.ValidateBatch checks the whole batch against that; then
// UNWIND statements of at most Options.BatchRows rows each replace edges
// being upserted, create and replace nodes, create edges, and run the
// deletions. Nothing is written when anything is wrong. Returns ErrInvalid
// (a *graph.BatchError with every problem), ErrNotFound.
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.ApplyResult, error) {
	if len(b.Nodes)+len(b.Edges)+len(b.DeleteEdges)+len(b.DeleteNodes) == 0 {
		return graph.ApplyResult{}, nil
	}
	// ValidateBatch prepares items in place: work on copies.
	batch := graph.Batch{
		Nodes:       make([]graph.Node, len(b.Nodes)),
		Edges:       make([]graph.Edge, len(b.Edges)),
		DeleteEdges: b.DeleteEdges,
		DeleteNodes: b.DeleteNodes,
	}
	for i := range b.Nodes {
		batch.Nodes[i] = *b.Nodes[i].Clone()
	}
	for i := range b.Edges {
		batch.Edges[i] = *b.Edges[i].Clone()
		batch.Edges[i].Prepare() // to know the ids now; ValidateBatch repeats it harmlessly
	}
	nodeIDs := make([]string, 0, len(batch.Nodes)+2*len(batch.Edges))
	for i := range batch.Nodes {
		nodeIDs = append(nodeIDs, batch.Nodes[i].ID)
	}
	edgeIDs := make([]string, 0, len(batch.Edges))
	for i := range batch.Edges {
		nodeIDs = append(nodeIDs, batch.Edges[i].From, batch.Edges[i].To)
		edgeIDs = append(edgeIDs, batch.Edges[i].ID)
	}
	lookup := map[string]any{"ids": uniqueValidIDs(nodeIDs), "eids": uniqueValidIDs(edgeIDs)}
	deleteEdges := uniqueValidIDs(batch.DeleteEdges)
	deleteNodes := uniqueValidIDs(batch.DeleteNodes)

	return writeTx(ctx, s, "apply", func(tx driver.ManagedTransaction) (graph.ApplyResult, error) {
		var res graph.ApplyResult
		recs, _, err := run(ctx, tx, cypherApplyLookup, lookup)
		if err != nil {
			return res, err
		}
		r := single(recs)
		stored := make(map[string]graph.Label)
		if l, ok := get(r, "labels").([]any); ok {
			for _, x := range l {
				pair, _ := x.([]any)
				if len(pair) == 2 {
					id, _ := pair[0].(string)
					stored[id] = graphLabel(pair[1])
				}
			}
		}
		storedEdge := make(map[string]bool)
		if l, ok := get(r, "edges").([]any); ok {
			for _, x := range l {
				if id, ok := x.(string); ok {
					storedEdge[id] = true
				}
			}
		}
		if err := graph.ValidateBatch(&batch, func(id string) (graph.Label, bool) {
			l, ok := stored[id]
			return l, ok
		}); err != nil {
			return res, err
		}

		var createNodes, replaceNodes, createEdges []any
		var replacedEdges []string
		for i := range batch.Nodes {
			n := &batch.Nodes[i]
			props, err := nodeProps(n)
			if err != nil {
				return res, err
			}
			if _, ok := stored[n.ID]; ok {
				replaceNodes = append(replaceNodes, map[string]any{"props": props})
				res.NodesUpdated++
			} else {
				createNodes = append(createNodes, map[string]any{"label": string(n.Label), "props": props})
				res.NodesCreated++
			}
		}
		for i := range batch.Edges {
			e := &batch.Edges[i]
			createEdges = append(createEdges, map[string]any{
				"type": string(e.Type), "from": e.From, "to": e.To, "props": edgeProps(e),
			})
			if storedEdge[e.ID] {
				replacedEdges = append(replacedEdges, e.ID)
				res.EdgesUpdated++
			} else {
				res.EdgesCreated++
			}
		}

		// An upserted edge is replaced whole: its type or ends may change.
		if _, err := s.unwind(ctx, tx, cypherApplyDeleteEdges, "ids", anyList(replacedEdges)); err != nil {
			return res, err
		}
		if _, err := s.unwind(ctx, tx, cypherApplyCreateNodes, "rows", createNodes); err != nil {
			return res, err
		}
		if _, err := s.unwind(ctx, tx, cypherApplyReplaceNodes, "rows", replaceNodes); err != nil {
			return res, err
		}
		if _, err := s.unwind(ctx, tx, cypherApplyCreateEdges, "rows", createEdges); err != nil {
			return res, err
		}
		c, err := s.unwind(ctx, tx, cypherApplyDeleteEdges, "ids", anyList(deleteEdges))
		if err != nil {
			return res, err
		}
		res.EdgesDeleted = c.relsDeleted
		c, err = s.unwind(ctx, tx, cypherApplyDeleteNodes, "ids", anyList(deleteNodes))
		if err != nil {
			return res, err
		}
		res.NodesDeleted = c.nodesDeleted
		res.EdgesDeleted += c.relsDeleted // the edges that went with the nodes
		return res, nil
	})
}

type counts struct{ nodesDeleted, relsDeleted int }

// unwind sends cypher once per chunk of at most batchRows rows as the list
// parameter key, and adds up what was deleted.
func (s *Store) unwind(ctx context.Context, tx driver.ManagedTransaction, cypher, key string, rows []any) (counts, error) {
	var c counts
	for start := 0; start < len(rows); start += s.batchRows {
		end := min(start+s.batchRows, len(rows))
		_, sum, err := run(ctx, tx, cypher, map[string]any{key: rows[start:end]})
		if err != nil {
			return c, err
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
