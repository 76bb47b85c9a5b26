package memory

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// Node returns the node with the given id. Returns ErrNotFound.
func (s *Store) Node(ctx context.Context, gv graph.View, id string) (*graph.Node, error) {
	graph.CountRoundTrip(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	r := s.node(viewOf(gv), id)
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	return r.n.Clone(), nil
}

// Nodes returns the nodes with the given ids, in the order asked, nil where
// an id does not exist.
func (s *Store) Nodes(ctx context.Context, gv graph.View, ids []string) ([]*graph.Node, error) {
	graph.CountRoundTrip(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	out := make([]*graph.Node, len(ids))
	for i, id := range ids {
		if r := s.node(v, id); r != nil {
			out[i] = r.n.Clone()
		}
	}
	return out, nil
}

// Edge returns the edge with the given id. Returns ErrNotFound.
func (s *Store) Edge(ctx context.Context, gv graph.View, id string) (*graph.Edge, error) {
	graph.CountRoundTrip(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	e := s.edges[id]
	if e == nil || !s.edgeVisible(viewOf(gv), e) {
		return nil, graph.NotFoundf("edge %q does not exist", id)
	}
	return e.Clone(), nil
}

// Edges returns every edge matching f, ordered by id. Returns ErrInvalid for
// an unknown type or source.
func (s *Store) Edges(ctx context.Context, gv graph.View, f graph.EdgeFilter, p graph.EdgeRange) ([]*graph.Edge, error) {
	graph.CountRoundTrip(ctx)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	rf, err := newRelFilter(f.Types, graph.Both)
	if err != nil {
		return nil, err
	}
	for _, src := range f.Sources {
		if !src.Valid() {
			return nil, graph.Invalidf("sources", "source %q is not one of %v", src, graph.Sources)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	// The page is chosen among the store's own edges, keeping the least
	// p.First ids seen so far in a heap (an edge past the heap's greatest is
	// not looked at further); only the page is copied.
	page := &edgeHeap{}
	for _, e := range s.edges {
		if e.ID <= p.After || p.First > 0 && page.Len() == p.First && e.ID >= (*page)[0].ID {
			continue
		}
		if rf.allows(e.Type) && (len(f.Sources) == 0 || slices.Contains(f.Sources, e.Provenance.Source)) && s.edgeVisible(v, e) {
			heap.Push(page, e)
			if p.First > 0 && page.Len() > p.First {
				heap.Pop(page)
			}
		}
	}
	match := []*graph.Edge(*page)
	sortEdges(match)
	out := make([]*graph.Edge, len(match))
	for i, e := range match {
		out[i] = e.Clone()
	}
	return out, nil
}

// edgeHeap is a max-heap of edges by id.
type edgeHeap []*graph.Edge

func (h edgeHeap) Len() int           { return len(h) }
func (h edgeHeap) Less(i, j int) bool { return h[i].ID > h[j].ID }
func (h edgeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *edgeHeap) Push(x any)        { *h = append(*h, x.(*graph.Edge)) }
func (h *edgeHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// FindEdges returns a page of the edges matching f, ordered by id. First 0
// means graph.DefaultPageSize. It looks at every edge (the embedded store
// keeps them by id, not in order) and sorts those past the cursor. Returns
// ErrInvalid for a bad cursor, page size, type or source.
func (s *Store) FindEdges(ctx context.Context, gv graph.View, f graph.EdgeFilter, p graph.PageArgs) (*graph.EdgePage, error) {
	graph.CountRoundTrip(ctx)
	first, after, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	p.First = first
	rf, err := newRelFilter(f.Types, graph.Both)
	if err != nil {
		return nil, err
	}
	for _, src := range f.Sources {
		if !src.Valid() {
			return nil, graph.Invalidf("sources", "source %q is not one of %v", src, graph.Sources)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	page := &graph.EdgePage{Edges: []*graph.Edge{}}
	var past []*graph.Edge
	for _, e := range s.edges {
		if !rf.allows(e.Type) || len(f.Sources) > 0 && !slices.Contains(f.Sources, e.Provenance.Source) || !s.edgeVisible(v, e) {
			continue
		}
		page.TotalCount++
		if p.After != "" && e.ID <= after {
			page.HasPrevPage = true
			continue
		}
		past = append(past, e)
	}
	if p.NoTotal {
		page.TotalCount = 0
	}
	sortEdges(past)
	page.HasNextPage = len(past) > p.First
	for _, e := range past[:min(p.First, len(past))] {
		page.Edges = append(page.Edges, e.Clone())
	}
	if k := len(page.Edges); k > 0 {
		page.StartCursor = graph.EncodeCursor(page.Edges[0].ID)
		page.EndCursor = graph.EncodeCursor(page.Edges[k-1].ID)
	}
	return page, nil
}

// FindNodes returns a page of the nodes matching f, ordered by id. First 0
// means graph.DefaultPageSize. Returns ErrInvalid for a bad cursor, page
// size, label or source.
func (s *Store) FindNodes(ctx context.Context, gv graph.View, f graph.NodeFilter, p graph.PageArgs) (*graph.NodePage, error) {
	graph.CountRoundTrip(ctx)
	first, after, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	p.First = first
	if err := validateFilter(f); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	page := &graph.NodePage{Nodes: []*graph.Node{}}
	if isEmpty(f) && !v.on {
		// Everything matches: no need to look at each node.
		i := 0
		if p.After != "" {
			i, _ = slices.BinarySearchFunc(s.order, after, cmpRec)
			if i < len(s.order) && s.order[i].n.ID == after {
				i++
			}
		}
		page.TotalCount, page.HasPrevPage = len(s.order), i > 0
		end := min(i+p.First, len(s.order))
		for _, r := range s.order[i:end] {
			page.Nodes = append(page.Nodes, r.n.Clone())
		}
		page.HasNextPage = end < len(s.order)
	} else {
		match := s.matcher(f)
		cands := s.candidates(f, v)
		if p.NoTotal {
			// No total to count: start after the cursor and stop at the
			// first match past the page; look before the cursor only until
			// one match shows.
			i := 0
			if p.After != "" {
				i, _ = slices.BinarySearchFunc(cands, after, cmpRec)
				for i < len(cands) && cands[i].n.ID <= after {
					i++
				}
			}
			for _, r := range cands[i:] {
				if !v.node(r) || !match(r) {
					continue
				}
				if len(page.Nodes) == p.First {
					page.HasNextPage = true
					break
				}
				page.Nodes = append(page.Nodes, r.n.Clone())
			}
			for _, r := range cands[:i] {
				if v.node(r) && match(r) {
					page.HasPrevPage = true
					break
				}
			}
		} else {
			for _, r := range cands {
				if !v.node(r) || !match(r) {
					continue
				}
				page.TotalCount++
				switch {
				case p.After != "" && r.n.ID <= after:
					page.HasPrevPage = true
				case len(page.Nodes) < p.First:
					page.Nodes = append(page.Nodes, r.n.Clone())
				default:
					page.HasNextPage = true
				}
			}
		}
	}
	if k := len(page.Nodes); k > 0 {
		page.StartCursor = graph.EncodeCursor(page.Nodes[0].ID)
		page.EndCursor = graph.EncodeCursor(page.Nodes[k-1].ID)
	}
	return page, nil
}

// validateFilter refuses labels and sources that do not exist, as Edges does.
func validateFilter(f graph.NodeFilter) error {
	for _, l := range f.Labels {
		if !l.Valid() {
			return graph.Invalidf("labels", "label %q is not one of %v", l, graph.Labels)
		}
	}
	for _, src := range append(slices.Clone(f.Sources), f.AttrSources...) {
		if !src.Valid() {
			return graph.Invalidf("sources", "source %q is not one of %v", src, graph.Sources)
		}
	}
	return nil
}

func isEmpty(f graph.NodeFilter) bool {
	return len(f.Labels) == 0 && len(f.Kinds) == 0 && len(f.Tiers) == 0 && len(f.Sources) == 0 && len(f.AttrSources) == 0 &&
		f.AllianceID == "" && f.AllianceType == "" && graph.FoldText(f.NameContains) == ""
}

func cmpRec(r *nodeRec, id string) int { return strings.Compare(r.n.ID, id) }

// candidates returns the nodes f can match, sorted by id: the members of
// f.AllianceID when it is set, else every node.
func (s *Store) candidates(f graph.NodeFilter, v view) []*nodeRec {
	if f.AllianceID == "" {
		return s.order
	}
	a := s.node(v, f.AllianceID)
	if a == nil {
		return nil
	}
	var out []*nodeRec
	for _, x := range a.in {
		if x.e.Type == graph.RelMemberOf && v.edge(x.e, x.other) {
			out = append(out, x.other)
		}
	}
	slices.SortFunc(out, func(a, b *nodeRec) int { return strings.Compare(a.n.ID, b.n.ID) })
	return slices.CompactFunc(out, func(a, b *nodeRec) bool { return a == b })
}

func (s *Store) matcher(f graph.NodeFilter) func(*nodeRec) bool {
	q := graph.FoldText(f.NameContains)
	return func(r *nodeRec) bool {
		n := r.n
		return (len(f.Labels) == 0 || slices.Contains(f.Labels, n.Label)) &&
			(len(f.Kinds) == 0 || slices.Contains(f.Kinds, n.Kind)) &&
			(len(f.Tiers) == 0 || slices.Contains(f.Tiers, n.Tier)) &&
			(len(f.Sources) == 0 || slices.Contains(f.Sources, n.Provenance.Source)) &&
			(f.AllianceType == "" || n.Attrs[graph.AttrAllianceType] == f.AllianceType) &&
			(len(f.AttrSources) == 0 || attrSourced(n, f.AttrSources)) &&
			(q == "" || strings.Contains(r.names, q))
	}
}

// attrSourced reports whether an attribute of n has its own provenance of
// one of sources.
func attrSourced(n *graph.Node, sources []graph.Source) bool {
	for _, p := range n.AttrProvenance {
		if slices.Contains(sources, p.Source) {
			return true
		}
	}
	return false
}

// Search returns up to limit nodes matching text, ranked by their
// graph.SearchKey and ordered by graph.SortHits.
func (s *Store) Search(ctx context.Context, gv graph.View, text string, limit int) ([]*graph.Node, error) {
	graph.CountRoundTrip(ctx)
	q, err := graph.ValidateSearch(text, limit)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	best := graph.NewBestHits(limit)
	consider := func(r *nodeRec) {
		// The names and pinyin, or the initials' start, skip most nodes.
		if !strings.Contains(r.scan, q) && !strings.HasPrefix(r.key.Initials, q) {
			return
		}
		if rank := r.key.Rank(q); rank != graph.NoMatch && v.node(r) {
			best.Add(graph.SearchHit{Node: r.n, Key: r.key, Rank: rank})
		}
	}
	if indexable(q) {
		s.searchable().candidates(q, consider)
	} else {
		for _, r := range s.order {
			consider(r)
		}
	}
	hits := best.Sorted()
	out := make([]*graph.Node, len(hits))
	for i, h := range hits {
		out[i] = h.Node.Clone()
	}
	return out, nil
}

// relFilter checks the types and direction of a query.
type relFilter struct {
	types    []graph.RelType // all when empty
	out, in  bool
	anyTypes bool
	v        view // edges and nodes outside it are skipped
}

func newRelFilter(types []graph.RelType, dir graph.Direction) (relFilter, error) {
	for _, t := range types {
		if !t.Valid() {
			return relFilter{}, graph.Invalidf("relations", "relationship type %q is not one of %v", t, graph.RelTypes)
		}
	}
	f := relFilter{types: types, anyTypes: len(types) == 0}
	switch dir {
	case graph.Out:
		f.out = true
	case graph.In:
		f.in = true
	case graph.Both, "":
		f.out, f.in = true, true
	default:
		return relFilter{}, graph.Invalidf("direction", "direction %q is not one of OUT, IN, BOTH", dir)
	}
	return f, nil
}

func (f relFilter) allows(t graph.RelType) bool {
	return f.anyTypes || slices.Contains(f.types, t)
}

// each calls fn for every edge at r that f allows, with the node at its
// other end (r is taken to be visible).
func (s *Store) each(r *nodeRec, f relFilter, fn func(e *graph.Edge, other *nodeRec)) {
	if f.out {
		for _, x := range r.out {
			if f.allows(x.e.Type) && f.v.edge(x.e, x.other) {
				fn(x.e, x.other)
			}
		}
	}
	if f.in {
		for _, x := range r.in {
			if f.allows(x.e.Type) && f.v.edge(x.e, x.other) {
				fn(x.e, x.other)
			}
		}
	}
}

// Related returns, for each of ids, the edges matching q at that node with
// the node at the other end, ordered by edge type, then other node id, then
// edge id. Ids that do not exist are absent from the map. Returns ErrInvalid
// for an unknown type or direction.
func (s *Store) Related(ctx context.Context, gv graph.View, ids []string, q graph.RelQuery) (map[string][]graph.Related, error) {
	graph.CountRoundTrip(ctx)
	if err := graph.ValidateRelationLimit(q.Limit); err != nil {
		return nil, err
	}
	f, err := newRelFilter(q.Types, q.Dir)
	if err != nil {
		return nil, err
	}
	f.v = viewOf(gv)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	out := make(map[string][]graph.Related, len(ids))
	for _, id := range ids {
		r := s.node(f.v, id)
		if r == nil {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		// Sorted and cut on the store's own records; only what is kept is
		// copied.
		var rel []graph.Related
		s.each(r, f, func(e *graph.Edge, other *nodeRec) {
			rel = append(rel, graph.Related{Edge: e, Node: other.n})
		})
		slices.SortFunc(rel, func(a, b graph.Related) int {
			return cmp.Or(strings.Compare(string(a.Edge.Type), string(b.Edge.Type)),
				strings.Compare(a.Node.ID, b.Node.ID), strings.Compare(a.Edge.ID, b.Edge.ID))
		})
		rel = graph.CapRelated(rel, q.Limit)
		for i := range rel {
			rel[i] = graph.Related{Edge: rel[i].Edge.Clone(), Node: rel[i].Node.Clone()}
		}
		out[id] = rel
	}
	return out, nil
}
