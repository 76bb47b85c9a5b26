package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

var (
	subOrgUp   = relFilter{types: []graph.RelType{graph.RelSubOrganisationOf}, out: true}
	subOrgDown = relFilter{types: []graph.RelType{graph.RelSubOrganisationOf}, in: true}
)

// seeing returns f restricted to what v sees.
func (f relFilter) seeing(v view) relFilter {
	f.v = v
	return f
}

// levels walks breadth first from start along f, up to maxDepth hops (no
// limit when maxDepth < 0), and returns the nodes met at each distance, each
// level sorted by id; level 0 is start. It stops once more than limit nodes
// are met (no limit when limit < 1), returning the last level whole.
func (s *Store) levels(start *nodeRec, f relFilter, maxDepth, limit int) [][]*nodeRec {
	seen := map[*nodeRec]bool{start: true}
	lv := [][]*nodeRec{{start}}
	count := 1
	for d := 1; maxDepth < 0 || d <= maxDepth; d++ {
		var next []*nodeRec
		for _, r := range lv[d-1] {
			s.each(r, f, func(_ *graph.Edge, other *nodeRec) {
				if !seen[other] {
					seen[other] = true
					next = append(next, other)
				}
			})
		}
		if len(next) == 0 {
			break
		}
		sortRecs(next)
		lv = append(lv, next)
		count += len(next)
		if limit > 0 && count > limit {
			break
		}
	}
	return lv
}

func sortRecs(rs []*nodeRec) {
	slices.SortFunc(rs, func(a, b *nodeRec) int { return strings.Compare(a.n.ID, b.n.ID) })
}

// Ancestors returns, for each of ids, the nodes reached by following
// SUB_ORGANISATION_OF upwards, nearest first, ties by id, each once (the node
// itself is left out, even on a cycle); with limit > 0, at most limit+1 of
// them. Ids that do not exist are absent.
func (s *Store) Ancestors(ctx context.Context, gv graph.View, ids []string, limit int) (map[string][]*graph.Node, error) {
	graph.CountRoundTrip(ctx)
	if err := graph.ValidateRelationLimit(limit); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	out := make(map[string][]*graph.Node, len(ids))
	for _, id := range ids {
		r := s.node(v, id)
		if r == nil {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		var anc []*graph.Node
		keep := limit + 1 // with the node itself, at level 0
		if limit == 0 {
			keep = 0
		}
	levels:
		for _, level := range s.levels(r, subOrgUp.seeing(v), -1, keep)[1:] {
			for _, a := range level {
				if limit > 0 && len(anc) > limit {
					break levels
				}
				anc = append(anc, a.n.Clone())
			}
		}
		out[id] = anc
	}
	return out, nil
}

// Neighbourhood returns the nodes within q.Depth hops of id along q.Types in
// either direction, nearest first then by id, at most q.Limit of them, with
// every edge of q.Types among them, sorted by id.
func (s *Store) Neighbourhood(ctx context.Context, gv graph.View, id string, q graph.NeighbourhoodQuery) (*graph.Subgraph, error) {
	graph.CountRoundTrip(ctx)
	if err := q.Validate(); err != nil {
		return nil, err
	}
	f, err := newRelFilter(q.Types, graph.Both)
	if err != nil {
		return nil, err
	}
	f.v = viewOf(gv)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	r := s.node(f.v, id)
	if r == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	rs := slices.Concat(s.levels(r, f, q.Depth, q.Limit)...)
	sg := &graph.Subgraph{}
	if len(rs) > q.Limit {
		rs, sg.Truncated = rs[:q.Limit], true
	}
	s.induced(sg, rs, relFilter{types: f.types, anyTypes: f.anyTypes, out: true, v: f.v}, gv.NodesOnly, graph.SubgraphEdgeLimit(q.Limit))
	return sg, nil
}

// induced fills sg with the nodes rs, in that order, and (unless nodesOnly)
// the edges that f allows (f.out only) between two of them, sorted by id: at
// most maxEdges, the least ids, Truncated when there were more. Only the
// edges kept are copied.
func (s *Store) induced(sg *graph.Subgraph, rs []*nodeRec, f relFilter, nodesOnly bool, maxEdges int) {
	in := make(map[*nodeRec]bool, len(rs))
	for _, r := range rs {
		in[r] = true
	}
	sg.Nodes = make([]*graph.Node, len(rs))
	sg.Edges = []*graph.Edge{}
	var among []*graph.Edge // the store's own, not copies
	for i, r := range rs {
		sg.Nodes[i] = r.n.Clone()
		if nodesOnly {
			continue
		}
		s.each(r, f, func(e *graph.Edge, other *nodeRec) {
			if in[other] {
				among = append(among, e)
			}
		})
	}
	sortEdges(among)
	if len(among) > maxEdges {
		among, sg.Truncated = among[:maxEdges], true
	}
	for _, e := range among {
		sg.Edges = append(sg.Edges, e.Clone())
	}
}

// Subtree returns root and the nodes below it by SUB_ORGANISATION_OF down to
// q.MaxDepth levels, nearest first then by id, at most q.Limit of them, with
// the SUB_ORGANISATION_OF edges among them, sorted by id, at most
// graph.SubgraphEdgeLimit(q.Limit); Truncated when nodes lie deeper or
// either was cut.
func (s *Store) Subtree(ctx context.Context, gv graph.View, rootID string, q graph.SubtreeQuery) (*graph.Subgraph, error) {
	graph.CountRoundTrip(ctx)
	if err := q.Validate(); err != nil {
		return nil, err
	}
	maxDepth := q.MaxDepth
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	v := viewOf(gv)
	root := s.node(v, rootID)
	if root == nil {
		return nil, graph.NotFoundf("node %q does not exist", rootID)
	}
	// One level past maxDepth tells whether nodes lie deeper; the walk
	// stops once more than q.Limit nodes are met.
	lv := s.levels(root, subOrgDown.seeing(v), maxDepth+1, q.Limit)
	sg := &graph.Subgraph{}
	if len(lv) > maxDepth+1 {
		lv, sg.Truncated = lv[:maxDepth+1], true
	}
	rs := slices.Concat(lv...)
	if len(rs) > q.Limit {
		rs, sg.Truncated = rs[:q.Limit], true
	}
	s.induced(sg, rs, subOrgUp.seeing(v), gv.NodesOnly, graph.SubgraphEdgeLimit(q.Limit))
	return sg, nil
}

// ShortestPath returns a shortest path between two nodes over q.Types in
// either direction, at most q.MaxDepth hops. Among shortest paths it returns
// the one whose sequence of node ids is least, compared element by element
// (Go string order); between two nodes joined by several allowed edges it
// takes the least edge id. from == to gives a path of one node.
func (s *Store) ShortestPath(ctx context.Context, gv graph.View, from, to string, q graph.PathQuery) (*graph.Path, error) {
	graph.CountRoundTrip(ctx)
	if err := q.Validate(); err != nil {
		return nil, err
	}
	f, err := newRelFilter(q.Types, graph.Both)
	if err != nil {
		return nil, err
	}
	f.v = viewOf(gv)
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	a, b := s.node(f.v, from), s.node(f.v, to)
	for id, r := range map[string]*nodeRec{from: a, to: b} {
		if r == nil {
			return nil, graph.NotFoundf("node %q does not exist", id)
		}
	}
	steps := s.shortestSteps(a, b, f, q.MaxDepth)
	if steps == nil {
		return nil, nil
	}
	// Walk from a, each step to the least id among the next nodes on a
	// shortest path: the least sequence of ids, since all have one length.
	p := &graph.Path{Nodes: []*graph.Node{a.n.Clone()}, Edges: []*graph.Edge{}}
	cur := a
	for _, next := range steps {
		var best *graph.Edge
		var bestNode *nodeRec
		s.each(cur, f, func(e *graph.Edge, other *nodeRec) {
			if !next[other] {
				return
			}
			if bestNode == nil || other.n.ID < bestNode.n.ID || (other == bestNode && e.ID < best.ID) {
				best, bestNode = e, other
			}
		})
		p.Edges = append(p.Edges, best.Clone())
		p.Nodes = append(p.Nodes, bestNode.n.Clone())
		cur = bestNode
	}
	return p, nil
}

// shortestSteps finds the shortest paths from a to b along f of at most
// maxDepth hops by a breadth-first search from both ends, and returns, for
// each step i, the set of nodes that are the (i+1)-th node of one of them
// (the last set holds b alone); nil when there is none, empty when a == b.
func (s *Store) shortestSteps(a, b *nodeRec, f relFilter, maxDepth int) []map[*nodeRec]bool {
	if a == b {
		return []map[*nodeRec]bool{}
	}
	// Each side keeps whole levels; the smaller frontier grows by one level
	// at a time. The first level that meets the other side lies at distance
	// ka from a and kb from b, every meeting node at both, and ka+kb is the
	// length of a shortest path.
	type side struct {
		dist   map[*nodeRec]int
		levels [][]*nodeRec
	}
	sa := &side{dist: map[*nodeRec]int{a: 0}, levels: [][]*nodeRec{{a}}}
	sb := &side{dist: map[*nodeRec]int{b: 0}, levels: [][]*nodeRec{{b}}}
	var meet []*nodeRec
	for len(meet) == 0 {
		if len(sa.levels)-1+len(sb.levels)-1 >= maxDepth {
			return nil
		}
		grow, other := sa, sb
		if len(sb.levels[len(sb.levels)-1]) < len(sa.levels[len(sa.levels)-1]) {
			grow, other = sb, sa
		}
		d := len(grow.levels)
		var next []*nodeRec
		for _, r := range grow.levels[d-1] {
			s.each(r, f, func(_ *graph.Edge, o *nodeRec) {
				if _, ok := grow.dist[o]; !ok {
					grow.dist[o] = d
					next = append(next, o)
					if _, ok := other.dist[o]; ok {
						meet = append(meet, o)
					}
				}
			})
		}
		if len(next) == 0 {
			return nil
		}
		grow.levels = append(grow.levels, next)
	}
	ka, kb := len(sa.levels)-1, len(sb.levels)-1
	// onPath[i] holds the nodes at distance i from a on a shortest path:
	// the meeting level, then back towards each end the nodes with a
	// neighbour one level nearer the meeting level.
	onPath := make([]map[*nodeRec]bool, ka+kb+1)
	onPath[ka] = make(map[*nodeRec]bool, len(meet))
	for _, r := range meet {
		onPath[ka][r] = true
	}
	back := func(sd *side, k int, at func(level int) int) {
		for level := k - 1; level >= 0; level-- {
			set := map[*nodeRec]bool{}
			for _, r := range sd.levels[level] {
				s.each(r, f, func(_ *graph.Edge, o *nodeRec) {
					if onPath[at(level+1)][o] {
						set[r] = true
					}
				})
			}
			onPath[at(level)] = set
		}
	}
	back(sa, ka, func(level int) int { return level })
	back(sb, kb, func(level int) int { return ka + kb - level })
	return onPath[1:]
}

// Expand follows x from ids level by level (graph.ExpandLevels): one Nodes
// call, then one Related call per step of the tree, each under the read
// lock; in memory a round trip costs nothing worth saving.
func (s *Store) Expand(ctx context.Context, v graph.View, ids []string, x *graph.Expansion) (*graph.Expanded, error) {
	return graph.ExpandLevels(ctx, s, v, ids, x)
}

// FindNodesExpand is FindNodes, then Expand from the page's nodes
// (graph.FindNodesExpandLevels).
func (s *Store) FindNodesExpand(ctx context.Context, v graph.View, f graph.NodeFilter, p graph.PageArgs, x *graph.Expansion) (*graph.NodePage, *graph.Expanded, error) {
	return graph.FindNodesExpandLevels(ctx, s, v, f, p, x)
}
