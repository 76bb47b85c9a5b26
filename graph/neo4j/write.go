package neo4j

import (
	"context"
	"errors"
	"sort"

	"github.com/orgnet/orgnet/graph"
)

// CreateNode stores a new node: Prepare, Validate, then one CREATE. Returns
// ErrInvalid, ErrConflict when the id is taken.
func (s *Store) CreateNode(ctx context.Context, in graph.NodeInput) (*graph.Node, error) {
	return writer{s: s}.createNode(ctx, in)
}

// createNode is CreateNode, in w's transaction.
func (w writer) createNode(ctx context.Context, in graph.NodeInput) (*graph.Node, error) {
	n := in.Clone()
	n.Prepare()
	if err := n.Validate(); err != nil {
		return nil, err
	}
	props, err := nodeProps(n)
	if err != nil {
		return nil, err
	}
	params := map[string]any{"label": string(n.Label), "props": props}
	change := graph.NewChange(ctx, graph.ChangeCreated, "CreateNode", []string{n.ID}, nil)
	out, err := inWrite(ctx, w, "create node", func(tx runner) (*graph.Node, graph.Change, error) {
		if err := checkNodeSources(ctx, tx, n); err != nil {
			return nil, change, err
		}
		recs, _, err := run(ctx, tx, cypherCreateNode, params)
		if err != nil {
			return nil, change, err
		}
		out, err := decodeNode(get(single(recs), "n"))
		return out, change, err
	})
	if errors.Is(err, graph.ErrConflict) {
		return nil, idTaken("node", n.ID, err)
	}
	return out, err
}

// UpdateNode changes a node: it locks and reads it, applies u, validates and
// writes the whole node back, in one transaction of two statements. Label
// and id never change. Returns ErrNotFound, ErrInvalid.
func (s *Store) UpdateNode(ctx context.Context, id string, u graph.NodeUpdate) (*graph.Node, error) {
	return writer{s: s}.updateNode(ctx, id, u)
}

// updateNode is UpdateNode, in w's transaction.
func (w writer) updateNode(ctx context.Context, id string, u graph.NodeUpdate) (*graph.Node, error) {
	if graph.ValidateID("id", id) != nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	change := graph.NewChange(ctx, graph.ChangeUpdated, "UpdateNode", []string{id}, nil)
	return inWrite(ctx, w, "update node", func(tx runner) (*graph.Node, graph.Change, error) {
		n, err := updateNodeTx(ctx, tx, id, u)
		return n, change, err
	})
}

// updateNodeTx is the work of updateNode in tx.
func updateNodeTx(ctx context.Context, tx runner, id string, u graph.NodeUpdate) (*graph.Node, error) {
	recs, _, err := run(ctx, tx, cypherLockNode, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	r := single(recs)
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	old, err := decodeNode(get(r, "n"))
	if err != nil {
		return nil, err
	}
	n := u.Apply(old)
	n.Attrs = graph.NormaliseAttrs(n.Attrs)
	n.NormaliseText()
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if err := graph.SourceChange(old, n); err != nil {
		return nil, err
	}
	if err := checkNodeSources(ctx, tx, n); err != nil {
		return nil, err
	}
	props, err := nodeProps(n)
	if err != nil {
		return nil, err
	}
	recs, _, err = run(ctx, tx, cypherReplaceNode, map[string]any{"id": id, "props": props})
	if err != nil {
		return nil, err
	}
	return decodeNode(get(single(recs), "n"))
}

// DeleteNode removes a node and its edges, or with cascade its whole
// subtree, in one transaction of two statements. Returns the ids removed,
// sorted. Returns ErrNotFound, ErrConflict when the node has children and
// cascade is not set.
func (s *Store) DeleteNode(ctx context.Context, id string, cascade bool) ([]string, error) {
	return writer{s: s}.deleteNode(ctx, id, cascade)
}

// deleteNode is DeleteNode, in w's transaction.
func (w writer) deleteNode(ctx context.Context, id string, cascade bool) ([]string, error) {
	if graph.ValidateID("id", id) != nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	return inWrite(ctx, w, "delete node", func(tx runner) ([]string, graph.Change, error) {
		ids, err := deleteNodeTx(ctx, tx, id, cascade)
		return ids, graph.NewChange(ctx, graph.ChangeDeleted, "DeleteNode", ids, nil), err
	})
}

// deleteNodeTx is the work of deleteNode in tx.
func deleteNodeTx(ctx context.Context, tx runner, id string, cascade bool) ([]string, error) {
	recs, _, err := run(ctx, tx, cypherLockNode, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	r := single(recs)
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	if old, err := decodeNode(get(r, "n")); err == nil && old.Label == graph.LabelSource {
		return nil, graph.SourceDeletion(id)
	}
	hasChildren := getBool(r, "hasChildren")
	if !hasChildren {
		if _, _, err := run(ctx, tx, cypherDeleteNode, map[string]any{"id": id}); err != nil {
			return nil, err
		}
		return []string{id}, nil
	}
	if !cascade {
		return nil, graph.Conflictf("node %q has children (SUB_ORGANISATION_OF); delete them first or cascade", id)
	}
	recs, _, err = run(ctx, tx, cypherDeleteSubtree, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	l, _ := get(single(recs), "ids").([]any)
	ids := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			ids = append(ids, s)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// CreateEdge stores a new edge: Prepare, Validate, then in one transaction
// a check of both ends and of the id, and the CREATE. Returns ErrInvalid,
// ErrNotFound for a missing end, ErrConflict when the id is taken.
func (s *Store) CreateEdge(ctx context.Context, in graph.Edge) (*graph.Edge, error) {
	return writer{s: s}.createEdge(ctx, in)
}

// createEdge is CreateEdge, in w's transaction.
func (w writer) createEdge(ctx context.Context, in graph.Edge) (*graph.Edge, error) {
	e := in.Clone()
	e.Prepare()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	params := map[string]any{"id": e.ID, "from": e.From, "to": e.To, "type": string(e.Type), "props": edgeProps(e)}
	change := graph.NewChange(ctx, graph.ChangeLinked, "CreateEdge", []string{e.From, e.To}, []string{e.ID})
	out, err := inWrite(ctx, w, "create edge", func(tx runner) (*graph.Edge, graph.Change, error) {
		out, err := createEdgeTx(ctx, tx, e, params)
		return out, change, err
	})
	if errors.Is(err, graph.ErrConflict) && isCode(err, codeConstraintFailed) {
		return nil, idTaken("edge", e.ID, err) // a concurrent create of the same type won
	}
	return out, err
}

// createEdgeTx is the work of createEdge in tx.
func createEdgeTx(ctx context.Context, tx runner, e *graph.Edge, params map[string]any) (*graph.Edge, error) {
	recs, _, err := run(ctx, tx, cypherEdgeCheck, params)
	if err != nil {
		return nil, err
	}
	r := single(recs)
	fl, tl := graphLabel(get(r, "fl")), graphLabel(get(r, "tl"))
	switch {
	case fl == "":
		return nil, graph.NotFoundf("edge %s: start node %q does not exist", e.ID, e.From)
	case tl == "":
		return nil, graph.NotFoundf("edge %s: end node %q does not exist", e.ID, e.To)
	}
	if err := graph.CheckEndpoints(e.Type, fl, tl); err != nil {
		return nil, err
	}
	if getBool(r, "taken") {
		return nil, idTaken("edge", e.ID, nil)
	}
	if cited := e.CitedSources(); len(cited) > 0 {
		texts, err := sourceTexts(ctx, tx, cited)
		if err != nil {
			return nil, err
		}
		if err := graph.NewQuoteChecker(texts).CheckEdge(e); err != nil {
			return nil, err
		}
	}
	recs, _, err = run(ctx, tx, cypherCreateEdge, params)
	if err != nil {
		return nil, err
	}
	return decodeRel(get(single(recs), "r"), e.From, e.To)
}

// DeleteEdge removes an edge in one statement. Returns ErrNotFound.
func (s *Store) DeleteEdge(ctx context.Context, id string) error {
	return writer{s: s}.deleteEdge(ctx, id)
}

// deleteEdge is DeleteEdge, in w's transaction.
func (w writer) deleteEdge(ctx context.Context, id string) error {
	if graph.ValidateID("id", id) != nil {
		return graph.NotFoundf("edge %q does not exist", id)
	}
	_, err := inWrite(ctx, w, "delete edge", func(tx runner) (struct{}, graph.Change, error) {
		recs, sum, err := run(ctx, tx, cypherDeleteEdge, map[string]any{"id": id})
		if err != nil {
			return struct{}{}, graph.Change{}, err
		}
		if sum.Counters().RelationshipsDeleted() == 0 {
			return struct{}{}, graph.Change{}, graph.NotFoundf("edge %q does not exist", id)
		}
		r := single(recs)
		return struct{}{}, graph.NewChange(ctx, graph.ChangeUnlinked, "DeleteEdge", []string{getString(r, "f"), getString(r, "t")}, []string{id}), nil
	})
	return err
}

// checkNodeSources checks the quotes of n against the sources it cites, read
// in tx (no statement when it cites none).
func checkNodeSources(ctx context.Context, tx runner, n *graph.Node) error {
	cited := n.CitedSources()
	if len(cited) == 0 {
		return nil
	}
	texts, err := sourceTexts(ctx, tx, cited)
	if err != nil {
		return err
	}
	return graph.NewQuoteChecker(texts).CheckNode(n)
}

// sourceTexts reads, in tx and in one statement, the texts of the source
// documents among ids (graph.SourceText); ids that are not sources are
// absent. No statement runs for no ids.
func sourceTexts(ctx context.Context, tx runner, ids []string) (graph.SourceText, error) {
	texts := make(map[string]string, len(ids))
	if len(ids) > 0 {
		recs, _, err := run(ctx, tx, cypherSourceTexts, map[string]any{"ids": anyList(ids)})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			texts[getString(r, "id")] = getString(r, "text")
		}
	}
	return func(id string) (string, bool) {
		t, ok := texts[id]
		return t, ok
	}, nil
}

// idTaken is the conflict of an id already in use.
func idTaken(what, id string, cause error) error {
	e := graph.Conflictf("%s id %q is already taken", what, id)
	e.Field = "id"
	e.Err = cause
	return e
}

// A writer runs the store's write methods: each in a managed transaction of
// its own (tx nil, what the Store methods do), or all in one transaction
// the caller holds (tx), as WarmWrites does to roll them all back.
type writer struct {
	s  *Store
	tx runner
}

// inWrite runs work in w's transaction, or in a write transaction of its
// own (writeTx) when w has none, and maps its error. In a transaction of its
// own, the Change work returns is recorded in the feed last (Store.record)
// and, once committed, noted in ctx's Receipt with the bookmark; in w's
// transaction the holder records (WarmWrites: once, for all).
func inWrite[T any](ctx context.Context, w writer, op string, work func(tx runner) (T, graph.Change, error)) (T, error) {
	var zero T
	if w.tx != nil {
		v, _, err := work(w.tx)
		if err != nil {
			return zero, mapErr(op, err)
		}
		return v, nil
	}
	var seq int64 // of the attempt that committed
	v, bookmark, err := writeTxBookmark(ctx, w.s, op, func(tx runner) (T, error) {
		v, c, err := work(tx)
		if err != nil {
			return zero, err
		}
		if c, err = w.s.record(ctx, tx, c); err != nil {
			return zero, err
		}
		seq = c.Seq
		return v, nil
	})
	if err != nil {
		return zero, err
	}
	graph.NoteWrite(ctx, seq, bookmark)
	return v, nil
}
