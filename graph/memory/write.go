package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// CreateNode stores a new node. Returns ErrInvalid, ErrConflict.
func (s *Store) CreateNode(ctx context.Context, in graph.NodeInput) (*graph.Node, error) {
	graph.CountRoundTrip(ctx)
	n := in.Clone()
	n.Prepare()
	if err := validateNode(n); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(ctx); err != nil {
		return nil, err
	}
	if s.nodes[n.ID] != nil {
		return nil, graph.Conflictf("node %q already exists", n.ID)
	}
	if err := graph.NewQuoteChecker(s.sourceText).CheckNode(n); err != nil {
		return nil, err
	}
	if err := s.commit(ctx, &change{putNodes: []*graph.Node{n}}, graph.NewChange(ctx, graph.ChangeCreated, "CreateNode", []string{n.ID}, nil)); err != nil {
		return nil, err
	}
	return n.Clone(), nil
}

// UpdateNode changes a node. Returns ErrNotFound, ErrInvalid.
func (s *Store) UpdateNode(ctx context.Context, id string, u graph.NodeUpdate) (*graph.Node, error) {
	graph.CountRoundTrip(ctx)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(ctx); err != nil {
		return nil, err
	}
	r := s.nodes[id]
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	n := u.Apply(r.n)
	n.NormaliseText()
	if err := validateNode(n); err != nil {
		return nil, err
	}
	if err := graph.SourceChange(r.n, n); err != nil {
		return nil, err
	}
	if err := graph.NewQuoteChecker(s.sourceText).CheckNode(n); err != nil {
		return nil, err
	}
	// Endpoint rules are written on labels, which never change, but check
	// anyway so that a future rule on kinds is honoured here.
	for _, list := range [][]adj{r.out, r.in} {
		for _, x := range list {
			e := x.e
			fl, tl := s.nodes[e.From].n.Label, s.nodes[e.To].n.Label
			if err := graph.CheckEndpoints(e.Type, fl, tl); err != nil {
				return nil, graph.Invalidf("kind", "the change would break edge %s: %v", e.ID, err)
			}
		}
	}
	if err := s.commit(ctx, &change{putNodes: []*graph.Node{n}}, graph.NewChange(ctx, graph.ChangeUpdated, "UpdateNode", []string{id}, nil)); err != nil {
		return nil, err
	}
	return n.Clone(), nil
}

// DeleteNode removes a node and its edges, or with cascade its whole
// subtree. Returns the ids removed, sorted. Returns ErrNotFound, ErrConflict.
func (s *Store) DeleteNode(ctx context.Context, id string, cascade bool) ([]string, error) {
	graph.CountRoundTrip(ctx)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(ctx); err != nil {
		return nil, err
	}
	r := s.nodes[id]
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	if r.n.Label == graph.LabelSource {
		return nil, graph.SourceDeletion(id)
	}
	ids := []string{id}
	if cascade {
		ids = ids[:0]
		for _, level := range s.levels(r, subOrgDown, -1, 0) {
			for _, x := range level {
				ids = append(ids, x.n.ID)
			}
		}
	} else {
		for _, x := range r.in {
			if x.e.Type == graph.RelSubOrganisationOf {
				return nil, graph.Conflictf("node %q has sub-organisations (%s); delete them first or cascade", id, x.e.From)
			}
		}
	}
	ch := &change{delNodes: ids, delEdges: s.edgesAt(ids)}
	if err := s.commit(ctx, ch, graph.NewChange(ctx, graph.ChangeDeleted, "DeleteNode", ids, nil)); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// edgesAt returns the ids of every edge at one of ids, once each.
func (s *Store) edgesAt(ids []string) []string {
	var out []string
	for _, id := range ids {
		r := s.nodes[id]
		for _, x := range slices.Concat(r.out, r.in) {
			out = append(out, x.e.ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CreateEdge stores a new edge. Returns ErrInvalid, ErrNotFound, ErrConflict.
func (s *Store) CreateEdge(ctx context.Context, in graph.Edge) (*graph.Edge, error) {
	graph.CountRoundTrip(ctx)
	e := in.Clone()
	e.Prepare()
	if err := validateEdge(e); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(ctx); err != nil {
		return nil, err
	}
	from, to := s.nodes[e.From], s.nodes[e.To]
	if from == nil {
		return nil, graph.NotFoundf("start node %q does not exist", e.From)
	}
	if to == nil {
		return nil, graph.NotFoundf("end node %q does not exist", e.To)
	}
	if err := graph.CheckEndpoints(e.Type, from.n.Label, to.n.Label); err != nil {
		return nil, err
	}
	if s.edges[e.ID] != nil {
		return nil, graph.Conflictf("edge %q already exists", e.ID)
	}
	if err := graph.NewQuoteChecker(s.sourceText).CheckEdge(e); err != nil {
		return nil, err
	}
	if err := s.commit(ctx, &change{putEdges: []*graph.Edge{e}}, graph.NewChange(ctx, graph.ChangeLinked, "CreateEdge", []string{e.From, e.To}, []string{e.ID})); err != nil {
		return nil, err
	}
	return e.Clone(), nil
}

// DeleteEdge removes an edge. Returns ErrNotFound.
func (s *Store) DeleteEdge(ctx context.Context, id string) error {
	graph.CountRoundTrip(ctx)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(ctx); err != nil {
		return err
	}
	if s.edges[id] == nil {
		return graph.NotFoundf("edge %q does not exist", id)
	}
	e := s.edges[id]
	return s.commit(ctx, &change{delEdges: []string{id}}, graph.NewChange(ctx, graph.ChangeUnlinked, "DeleteEdge", []string{e.From, e.To}, []string{id}))
}

// Apply writes a batch in one transaction: upserts, then deletions. The
// counts follow that order: a node created and deleted by the same batch
// counts in both; EdgesDeleted counts every edge removed, also those that go
// with a deleted node.
func (s *Store) Apply(ctx context.Context, b graph.Batch) (graph.ApplyResult, error) {
	graph.CountRoundTrip(ctx)
	if len(b.Nodes)+len(b.Edges)+len(b.DeleteEdges)+len(b.DeleteNodes) == 0 {
		s.mu.RLock()
		defer s.mu.RUnlock()
		if s.closed {
			return graph.ApplyResult{}, graph.ErrClosed
		}
		return graph.ApplyResult{}, ctx.Err() // nothing to write, no change recorded
	}
	b = copyBatch(b)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.writable(ctx); err != nil {
		return graph.ApplyResult{}, err
	}
	for _, e := range b.Expect {
		r := s.nodes[e.ID]
		if r == nil || r.n.Kind != e.Kind {
			kind := ""
			if r != nil {
				kind = r.n.Kind
			}
			return graph.ApplyResult{}, graph.ExpectConflict(e, kind, r != nil)
		}
	}
	if err := s.validateBatch(&b); err != nil {
		return graph.ApplyResult{}, err
	}
	ch, res := s.plan(&b)
	if err := s.commit(ctx, ch, graph.BatchChange(ctx, "Apply", b, res, s.deletedEnds(b.DeleteEdges))); err != nil {
		return graph.ApplyResult{}, err
	}
	return res, nil
}

// sourceText is the text of the stored source document id (graph.SourceText).
// The caller holds wmu.
func (s *Store) sourceText(id string) (string, bool) {
	r := s.nodes[id]
	if r == nil || r.n.Label != graph.LabelSource {
		return "", false
	}
	t, _ := r.n.Attrs[graph.AttrText].(string)
	return t, true
}

// copyBatch copies the items of b, so that preparing them leaves the
// caller's batch alone and the store owns what it keeps.
func copyBatch(b graph.Batch) graph.Batch {
	c := graph.Batch{
		Nodes:       make([]graph.Node, len(b.Nodes)),
		Edges:       make([]graph.Edge, len(b.Edges)),
		DeleteNodes: b.DeleteNodes,
		DeleteEdges: b.DeleteEdges,
		Expect:      b.Expect,
	}
	for i := range b.Nodes {
		c.Nodes[i] = *b.Nodes[i].Clone()
	}
	for i := range b.Edges {
		c.Edges[i] = *b.Edges[i].Clone()
	}
	return c
}

func (s *Store) validateBatch(b *graph.Batch) error {
	err := graph.ValidateBatch(b, func(id string) (graph.Label, bool) {
		if r := s.nodes[id]; r != nil {
			return r.n.Label, true
		}
		return "", false
	})
	var probs []graph.Problem
	if err != nil {
		be, ok := err.(*graph.BatchError)
		if !ok {
			return err
		}
		probs = be.Problems
	}
	for i := range b.Nodes {
		if err := checkFinite("attrs", b.Nodes[i].Attrs); err != nil {
			probs = append(probs, graph.Problem{Item: fmt.Sprintf("node[%d]", i), ID: b.Nodes[i].ID, Err: err})
		}
	}
	for i := range b.Edges {
		if err := checkFinite("attrs", b.Edges[i].Attrs); err != nil {
			probs = append(probs, graph.Problem{Item: fmt.Sprintf("edge[%d]", i), ID: b.Edges[i].ID, Err: err})
		}
	}
	probs = append(probs, graph.CheckBatchSources(b, s.sourceText)...)
	if len(probs) > 0 {
		return &graph.BatchError{Problems: probs}
	}
	return nil
}

// plan turns a valid batch into its net change and counts.
func (s *Store) plan(b *graph.Batch) (*change, graph.ApplyResult) {
	var res graph.ApplyResult
	putN := make(map[string]*graph.Node, len(b.Nodes))
	for i := range b.Nodes {
		n := &b.Nodes[i]
		if s.nodes[n.ID] != nil {
			res.NodesUpdated++
		} else {
			res.NodesCreated++
		}
		putN[n.ID] = n
	}
	putE := make(map[string]*graph.Edge, len(b.Edges))
	for i := range b.Edges {
		e := &b.Edges[i]
		if s.edges[e.ID] != nil {
			res.EdgesUpdated++
		} else {
			res.EdgesCreated++
		}
		putE[e.ID] = e
	}
	// Deletions run against the graph as the upserts left it.
	delN := map[string]bool{}
	for _, id := range b.DeleteNodes {
		if putN[id] != nil || s.nodes[id] != nil {
			delN[id] = true
		}
	}
	delE := map[string]bool{}
	for _, id := range b.DeleteEdges {
		if putE[id] != nil || s.edges[id] != nil {
			delE[id] = true
		}
	}
	for id := range delN {
		if r := s.nodes[id]; r != nil {
			for _, x := range slices.Concat(r.out, r.in) {
				if putE[x.e.ID] == nil { // a replaced edge is judged by its new ends below
					delE[x.e.ID] = true
				}
			}
		}
	}
	for id, e := range putE {
		if delN[e.From] || delN[e.To] {
			delE[id] = true
		}
	}
	res.NodesDeleted, res.EdgesDeleted = len(delN), len(delE)

	ch := &change{}
	for i := range b.Nodes {
		if n := &b.Nodes[i]; !delN[n.ID] {
			ch.putNodes = append(ch.putNodes, n)
		}
	}
	for i := range b.Edges {
		if e := &b.Edges[i]; !delE[e.ID] {
			ch.putEdges = append(ch.putEdges, e)
		}
	}
	for id := range delE {
		if s.edges[id] != nil {
			ch.delEdges = append(ch.delEdges, id)
		}
	}
	for id := range delN {
		if s.nodes[id] != nil {
			ch.delNodes = append(ch.delNodes, id)
		}
	}
	slices.Sort(ch.delEdges)
	slices.Sort(ch.delNodes)
	return ch, res
}
