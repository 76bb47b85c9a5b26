package neo4j

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// A freshly started Neo4j plans every statement the first time it meets it,
// in interpreted code, and several requests may plan the same statement at
// once (docs/reliability.md §4). WarmWrites has Neo4j plan the store's write
// statements before any client asks: it runs the real write methods
// (CreateNode, UpdateNode, CreateEdge, DeleteEdge, Apply, DeleteNode with
// and without cascade) on throwaway ids, all in one transaction (a writer
// holding it) that is always rolled back, so nothing is ever written.

// errWarmRollback is what the warm-up's transaction function returns so
// that the driver rolls the transaction back. It is not retryable (not a
// driver or server error), so ExecuteWrite runs the function once.
var errWarmRollback = errors.New("neo4j: warm-up transaction rolled back on purpose")

// WarmReport says what WarmWrites did.
type WarmReport struct {
	// IDs are the throwaway node and edge ids it used; none exists after.
	IDs []string
	// Statements is the number of statements sent; Attempts how often the
	// transaction function ran (1: the driver did not retry).
	Statements, Attempts int
	Took                 time.Duration
}

// WarmWrites runs the store's write statements once, on throwaway ids, in
// one transaction that it rolls back. Nothing is written, whatever happens.
// Returns ErrUnavailable when the database cannot be reached, and an error
// naming the step when a write statement failed.
func (s *Store) WarmWrites(ctx context.Context) (WarmReport, error) {
	var rep WarmReport
	start := time.Now()
	tag := make([]byte, 6)
	_, _ = rand.Read(tag)
	pre := "warmup:" + hex.EncodeToString(tag) + ":"
	a, b, c := pre+"a", pre+"b", pre+"c"
	eSub, eAdj, eAC, eCA := pre+"sub", pre+"adj", pre+"ac", pre+"ca"
	rep.IDs = []string{a, b, c, eSub, eAdj, eAC, eCA}
	prov := graph.Provenance{Source: graph.SourceSynthetic, Ref: "orgnet warm-up"}
	node := func(id string) graph.Node {
		return graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "预热 " + id, NameEn: "Warm-up " + id,
			Attrs: map[string]any{"population": 1}, Provenance: prov}
	}
	edge := func(id, from, to string, t graph.RelType, attrs map[string]any) graph.Edge {
		return graph.Edge{ID: id, From: from, To: to, Type: t, Since: "2016-10-01", Attrs: attrs, Provenance: prov}
	}
	meter := &graph.Meter{}
	mctx := graph.ContextWithMeter(ctx, meter)
	_, err := writeTx(mctx, s, "warm up writes", func(tx runner) (struct{}, error) {
		rep.Attempts++
		w := writer{s: s, tx: tx} // every write in this transaction
		name := "预热 renamed"
		steps := []struct {
			name string
			do   func() error
		}{
			{"create node", func() error { _, err := w.createNode(mctx, node(a)); return err }},
			{"create node", func() error { _, err := w.createNode(mctx, node(b)); return err }},
			{"update node", func() error { _, err := w.updateNode(mctx, a, graph.NodeUpdate{Name: &name}); return err }},
			{"create edge", func() error {
				_, err := w.createEdge(mctx, edge(eSub, b, a, graph.RelSubOrganisationOf, nil))
				return err
			}},
			{"create edge", func() error {
				_, err := w.createEdge(mctx, edge(eAdj, a, b, graph.RelAdjacentTo, map[string]any{"note": "warm-up"}))
				return err
			}},
			{"delete edge", func() error { return w.deleteEdge(mctx, eAdj) }},
			{"apply upserts", func() error {
				_, err := w.apply(mctx, graph.Batch{Nodes: []graph.Node{node(c), node(b)}, Edges: []graph.Edge{
					edge(eAC, a, c, graph.RelAdjacentTo, nil), edge(eCA, c, a, graph.RelAdjacentTo, map[string]any{"note": "warm-up"})}})
				return err
			}},
			{"apply deletions", func() error {
				_, err := w.apply(mctx, graph.Batch{DeleteEdges: []string{eAC, eCA}, DeleteNodes: []string{c}})
				return err
			}},
			{"delete node", func() error { _, err := w.deleteNode(mctx, a, true); return err }},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				return struct{}{}, fmt.Errorf("warm-up %s: %w", st.name, err)
			}
		}
		// The change feed's statement, once, last (it takes the feed's
		// lock, which other writers wait for until the rollback).
		if _, err := s.record(mctx, tx, graph.NewChange(mctx, graph.ChangeUpdated, "warm-up", rep.IDs, nil)); err != nil {
			return struct{}{}, fmt.Errorf("warm-up change feed: %w", err)
		}
		return struct{}{}, errWarmRollback
	})
	rep.Statements, rep.Took = int(meter.Count()), time.Since(start)
	if errors.Is(err, errWarmRollback) {
		return rep, nil
	}
	if err == nil { // cannot happen: the function never returns nil
		err = errors.New("neo4j: the warm-up transaction was not rolled back")
	}
	return rep, err
}
