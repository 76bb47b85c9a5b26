package memory

import (
	"context"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// The overview reads (graph.Store Tops, Below, Children): one call each.

// children returns the distinct children of r (nodes with a
// SUB_ORGANISATION_OF edge to it) visible in v, in no particular order.
func (s *Store) children(v view, r *nodeRec) []*nodeRec {
	var out []*nodeRec
	seen := map[*nodeRec]bool{}
	s.each(r, subOrgDown.seeing(v), func(_ *graph.Edge, c *nodeRec) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	})
	return out
}

// hasParent reports whether r has a parent visible in v.
func (s *Store) hasParent(v view, r *nodeRec) bool {
	for _, x := range r.out {
		if x.e.Type == graph.RelSubOrganisationOf && v.edge(x.e, x.other) {
			return true
		}
	}
	return false
}

// groupOf returns the group key of child r: its kind and the least id of
// the alliances it is a member of in v ("" for none).
func (s *Store) groupOf(v view, r *nodeRec) graph.GroupKey {
	k := graph.GroupKey{Kind: r.n.Kind}
	for _, x := range r.out {
		if x.e.Type == graph.RelMemberOf && v.edge(x.e, x.other) && (k.Alliance == "" || x.other.n.ID < k.Alliance) {
			k.Alliance = x.other.n.ID
		}
	}
	return k
}

// Tops returns the nodes with children and no parent, the most children
// first, then by id.
func (s *Store) Tops(ctx context.Context, gv graph.View, limit int) (*graph.Tops, error) {
	graph.CountRoundTrip(ctx)
	if err := graph.ValidateTopsLimit(limit); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	var tops []graph.Top
	for _, r := range s.order {
		if !v.node(r) || s.hasParent(v, r) {
			continue
		}
		if k := len(s.children(v, r)); k > 0 {
			tops = append(tops, graph.Top{Node: r.n, Children: k})
		}
	}
	graph.SortTops(tops)
	out := &graph.Tops{Total: len(tops), Tops: slices.Clone(tops[:min(limit, len(tops))])}
	for i := range out.Tops {
		out.Tops[i].Node = out.Tops[i].Node.Clone()
	}
	return out, nil
}

// Below counts the children of each of ids, groups them and counts the
// descendants (breadth first, stopping past graph.DescendantCap).
func (s *Store) Below(ctx context.Context, gv graph.View, ids []string, q graph.BelowQuery) (map[string]*graph.Below, error) {
	graph.CountRoundTrip(ctx)
	if err := graph.ValidateBelowIDs(ids); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	out := make(map[string]*graph.Below, len(ids))
	for _, id := range ids {
		r := s.node(v, id)
		if r == nil || out[id] != nil {
			continue
		}
		cs := s.children(v, r)
		b := &graph.Below{ID: id, Children: len(cs)}
		if q.Groups {
			counts := map[graph.GroupKey]int{}
			for _, c := range cs {
				counts[s.groupOf(v, c)]++
			}
			groups := make([]graph.ChildGroup, 0, len(counts))
			for k, n := range counts {
				groups = append(groups, graph.ChildGroup{GroupKey: k, Count: n})
			}
			b.FinishGroups(groups)
		}
		if q.Descendants {
			b.Descendants, b.DescendantsCapped = s.descendants(v, r)
		}
		out[id] = b
	}
	return out, nil
}

// descendants counts the nodes below r, up to graph.DescendantCap.
func (s *Store) descendants(v view, r *nodeRec) (int, bool) {
	seen := map[*nodeRec]bool{r: true}
	level := []*nodeRec{r}
	n := 0
	f := subOrgDown.seeing(v)
	for len(level) > 0 {
		var next []*nodeRec
		for _, x := range level {
			stop := false
			s.each(x, f, func(_ *graph.Edge, c *nodeRec) {
				if stop || seen[c] {
					return
				}
				seen[c] = true
				n++
				if n > graph.DescendantCap {
					stop = true
					return
				}
				next = append(next, c)
			})
			if stop {
				return graph.DescendantCap, true
			}
		}
		level = next
	}
	return n, false
}

// Children returns a page of the children of parent in group g, by id.
func (s *Store) Children(ctx context.Context, gv graph.View, parent string, g *graph.GroupKey, p graph.PageArgs) (*graph.NodePage, error) {
	graph.CountRoundTrip(ctx)
	first, after, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	p.First = first
	if err := graph.ValidateGroupKey(g); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	r := s.node(v, parent)
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", parent)
	}
	cs := s.children(v, r)
	if g != nil {
		cs = slices.DeleteFunc(cs, func(c *nodeRec) bool { return s.groupOf(v, c) != *g })
	}
	sortRecs(cs)
	page := &graph.NodePage{Nodes: []*graph.Node{}}
	if !p.NoTotal {
		page.TotalCount = len(cs)
	}
	i := 0
	if p.After != "" {
		i, _ = slices.BinarySearchFunc(cs, after, cmpRec)
		for i < len(cs) && cs[i].n.ID <= after {
			i++
		}
	}
	page.HasPrevPage = i > 0
	end := min(i+p.First, len(cs))
	for _, c := range cs[i:end] {
		page.Nodes = append(page.Nodes, c.n.Clone())
	}
	page.HasNextPage = end < len(cs)
	if k := len(page.Nodes); k > 0 {
		page.StartCursor = graph.EncodeCursor(page.Nodes[0].ID)
		page.EndCursor = graph.EncodeCursor(page.Nodes[k-1].ID)
	}
	return page, nil
}
