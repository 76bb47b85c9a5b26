package plan

import (
	"context"
	"math/rand/v2"
	"slices"
	"sort"

	gg "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// Weights of the relationship graph COMMUNITY clusters: a border, a pairing,
// and membership of the same alliance today (spread over the alliance, so
// that each member's ties to its fellow members weigh AllianceTieWeight in
// all, whatever the alliance's size).
const (
	BorderWeight      = 1.0
	PairingWeight     = 1.0
	AllianceTieWeight = 1.0
)

// wgraph is an undirected weighted graph on nodes 0..n-1 with sorted
// neighbour lists: a deterministic gonum graph.WeightedUndirected.
type wgraph struct {
	adj [][]int32
	w   [][]float64
}

var _ gg.WeightedUndirected = (*wgraph)(nil)

func (g *wgraph) Node(id int64) gg.Node {
	if id < 0 || id >= int64(len(g.adj)) {
		return nil
	}
	return simple.Node(id)
}

func (g *wgraph) Nodes() gg.Nodes {
	ns := make([]gg.Node, len(g.adj))
	for i := range ns {
		ns[i] = simple.Node(i)
	}
	return iterator.NewOrderedNodes(ns)
}

func (g *wgraph) From(id int64) gg.Nodes {
	if id < 0 || id >= int64(len(g.adj)) {
		return gg.Empty
	}
	ns := make([]gg.Node, len(g.adj[id]))
	for i, v := range g.adj[id] {
		ns[i] = simple.Node(v)
	}
	return iterator.NewOrderedNodes(ns)
}

func (g *wgraph) find(x, y int64) (float64, bool) {
	if x < 0 || y < 0 || x >= int64(len(g.adj)) || y >= int64(len(g.adj)) {
		return 0, false
	}
	i, ok := slices.BinarySearch(g.adj[x], int32(y))
	if !ok {
		return 0, false
	}
	return g.w[x][i], true
}

func (g *wgraph) HasEdgeBetween(x, y int64) bool { _, ok := g.find(x, y); return ok }
func (g *wgraph) Edge(u, v int64) gg.Edge {
	if e := g.WeightedEdge(u, v); e != nil {
		return e
	}
	return nil
}
func (g *wgraph) EdgeBetween(x, y int64) gg.Edge { return g.Edge(x, y) }
func (g *wgraph) WeightedEdge(u, v int64) gg.WeightedEdge {
	w, ok := g.find(u, v)
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: w}
}
func (g *wgraph) WeightedEdgeBetween(x, y int64) gg.WeightedEdge { return g.WeightedEdge(x, y) }
func (g *wgraph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	return g.find(x, y)
}

// newWGraph builds a wgraph from weighted pairs (summed when repeated).
func newWGraph(n int, pairs map[[2]int32]float64) *wgraph {
	g := &wgraph{adj: make([][]int32, n), w: make([][]float64, n)}
	keys := make([][2]int32, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		a, b, w := k[0], k[1], pairs[k]
		g.adj[a] = append(g.adj[a], b)
		g.w[a] = append(g.w[a], w)
		g.adj[b] = append(g.adj[b], a)
		g.w[b] = append(g.w[b], w)
	}
	for i := range g.adj {
		idx := make([]int, len(g.adj[i]))
		for j := range idx {
			idx[j] = j
		}
		sort.Slice(idx, func(x, y int) bool { return g.adj[i][idx[x]] < g.adj[i][idx[y]] })
		a, w := make([]int32, len(idx)), make([]float64, len(idx))
		for j, x := range idx {
			a[j], w[j] = g.adj[i][x], g.w[i][x]
		}
		g.adj[i], g.w[i] = a, w
	}
	return g
}

// relGraph is the weighted relationship graph among units, with the
// degrees modularity needs.
type relGraph struct {
	*wgraph
	deg   []float64
	m2    float64
	gamma float64
}

func pairKey(a, b int32) [2]int32 {
	if a > b {
		a, b = b, a
	}
	return [2]int32{a, b}
}

func (m *model) relGraph() *relGraph {
	p := m.p
	pairs := map[[2]int32]float64{}
	for u, vs := range p.adj {
		for _, v := range vs {
			if int32(u) < v {
				pairs[pairKey(int32(u), v)] += BorderWeight
			}
		}
	}
	for _, pr := range p.Pairings {
		pairs[pairKey(int32(p.index[pr.Mentor]), int32(p.index[pr.Mentee]))] += PairingWeight
	}
	for _, a := range p.Alliances {
		if len(a.Members) < 2 {
			continue
		}
		w := AllianceTieWeight / float64(len(a.Members)-1)
		for i, x := range a.Members {
			for _, y := range a.Members[i+1:] {
				pairs[pairKey(int32(p.index[x]), int32(p.index[y]))] += w
			}
		}
	}
	g := &relGraph{wgraph: newWGraph(m.n, pairs), deg: make([]float64, m.n), gamma: m.resolution()}
	for u := range g.adj {
		for _, w := range g.w[u] {
			g.deg[u] += w
		}
		g.m2 += g.deg[u]
	}
	return g
}

func (m *model) resolution() float64 {
	if m.in.Resolution == nil {
		return 1
	}
	return *m.in.Resolution
}

// deltaQ is the change of modularity when block b moves from region a to
// region to.
func (s *state) deltaQ(b, a, to int32) float64 {
	g := s.rel
	if g.m2 == 0 {
		return 0
	}
	var wa, wt, db float64
	for _, u := range s.m.blocks[b] {
		db += g.deg[u]
		for i, v := range g.adj[u] {
			if s.m.block[v] == b {
				continue
			}
			switch s.region[v] {
			case a:
				wa += g.w[u][i]
			case to:
				wt += g.w[u][i]
			}
		}
	}
	return 2*(wt-wa)/g.m2 - g.gamma*2*db*(db+s.regDeg[to]-s.regDeg[a])/(g.m2*g.m2)
}

// louvain clusters the blocks of the relationship graph and returns a
// community per unit and the number of communities.
func (m *model) louvain(rel *relGraph, rng *rand.Rand) ([]int32, int) {
	pairs := map[[2]int32]float64{}
	for u := range rel.adj {
		bu := m.block[u]
		for i, v := range rel.adj[u] {
			if bv := m.block[v]; bu < bv {
				pairs[[2]int32{bu, bv}] += rel.w[u][i]
			}
		}
	}
	bg := newWGraph(len(m.blocks), pairs)
	src := rand.NewPCG(rng.Uint64(), rng.Uint64())
	reduced := community.Modularize(bg, rel.gamma, src)
	comms := reduced.Communities()
	// Order communities by their least block, for a stable numbering.
	lists := make([][]int32, 0, len(comms))
	for _, c := range comms {
		l := make([]int32, 0, len(c))
		for _, nd := range c {
			l = append(l, int32(nd.ID()))
		}
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		lists = append(lists, l)
	}
	sort.Slice(lists, func(i, j int) bool { return lists[i][0] < lists[j][0] })
	region := make([]int32, m.n)
	for c, l := range lists {
		for _, b := range l {
			for _, u := range m.blocks[b] {
				region[u] = int32(c)
			}
		}
	}
	return region, len(lists)
}

// community runs Louvain and, when repair is set, repairs the communities
// until they meet the constraints.
func (m *model) community(ctx context.Context, rng *rand.Rand, repair bool) (grouping, error) {
	if _, err := m.checkParts(0); err != nil {
		return grouping{}, err
	}
	rel := m.relGraph()
	region, k := m.louvain(rel, rng)
	if !repair {
		return m.regionsToGrouping(region, k), nil
	}
	if m.contiguous {
		region, k = m.splitPieces(region, k)
	}
	for round := 0; round < 3; round++ {
		region, k = m.mergeSmall(region, k, rel)
		var split bool
		region, k, split = m.splitLarge(region, k, rng)
		if !split {
			break
		}
	}
	s := newState(m, k, region, objModularity)
	s.rel = rel
	s.load(region)
	if _, err := s.descend(ctx, rng, true); err != nil {
		return grouping{}, err
	}
	if s.score().v > epsV {
		// Single repairing moves are stuck: search more widely, trading
		// modularity for feasibility.
		if err := s.anneal(ctx, rng, saSteps(m.n)); err != nil {
			return grouping{}, err
		}
		if _, err := s.descend(ctx, rng, false); err != nil {
			return grouping{}, err
		}
	}
	if s.score().v > epsV {
		return grouping{}, s.failure("COMMUNITY")
	}
	return m.regionsToGrouping(s.region, k), nil
}

// splitPieces makes each connected piece of a community its own group,
// keeping blocks whole (pieces a block spans are joined).
func (m *model) splitPieces(region []int32, k int) ([]int32, int) {
	piece := make([]int32, m.n)
	for i := range piece {
		piece[i] = -1
	}
	np := int32(0)
	var q []int32
	for s := 0; s < m.n; s++ {
		if piece[s] >= 0 {
			continue
		}
		piece[s] = np
		q = append(q[:0], int32(s))
		for h := 0; h < len(q); h++ {
			for _, y := range m.adj[q[h]] {
				if piece[y] < 0 && region[y] == region[q[h]] {
					piece[y] = np
					q = append(q, y)
				}
			}
		}
		np++
	}
	parent := make([]int32, np)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, mem := range m.blocks {
		for _, u := range mem[1:] {
			a, b := find(piece[mem[0]]), find(piece[u])
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	return renumber(piece, func(x int32) int32 { return find(x) })
}

// renumber maps labels through f and numbers the results 0.. in order of
// first appearance by unit.
func renumber(label []int32, f func(int32) int32) ([]int32, int) {
	ids := map[int32]int32{}
	out := make([]int32, len(label))
	for u, l := range label {
		r := f(l)
		id, ok := ids[r]
		if !ok {
			id = int32(len(ids))
			ids[r] = id
		}
		out[u] = id
	}
	return out, len(ids)
}

// mergeSmall merges each group that is too small (MinSize,
// MinTotalStrength) or has no strong unit into the neighbouring group it is
// most tied to, preferring merges that break no size or apart limit.
func (m *model) mergeSmall(region []int32, k int, rel *relGraph) ([]int32, int) {
	region = slices.Clone(region)
	members := make([][]int32, k)
	cnt := make([]int, k)
	str := make([]float64, k)
	strongN := make([]int, k)
	for u, r := range region {
		members[r] = append(members[r], int32(u))
		cnt[r]++
		str[r] += m.str[u]
		if m.strong[u] {
			strongN[r]++
		}
	}
	small := func(r int) bool {
		return cnt[r] > 0 && (cnt[r] < m.minSize || m.needStrong && strongN[r] == 0 || m.minStr > 0 && str[r] < m.minStr-1e-9)
	}
	hopeless := make([]bool, k)
	for {
		g := -1
		for r := 0; r < k; r++ {
			if small(r) && !hopeless[r] && (g < 0 || cnt[r] < cnt[g]) {
				g = r
			}
		}
		if g < 0 {
			break
		}
		link := map[int32]float64{}
		var order []int32
		for _, u := range members[g] {
			for _, v := range m.gadj[u] {
				if r := region[v]; r != int32(g) {
					if _, ok := link[r]; !ok {
						order = append(order, r)
						link[r] = 0
					}
				}
			}
		}
		if len(order) == 0 {
			hopeless[g] = true
			continue
		}
		for _, u := range members[g] {
			for i, v := range rel.adj[u] {
				if _, ok := link[region[v]]; ok {
					link[region[v]] += rel.w[u][i]
				}
			}
		}
		clean := func(r int32) bool {
			if m.maxSize > 0 && cnt[r]+cnt[g] > m.maxSize {
				return false
			}
			for _, u := range members[g] {
				for _, o := range m.apart[m.block[u]] {
					if region[m.blocks[o][0]] == r {
						return false
					}
				}
			}
			return true
		}
		slices.Sort(order)
		best := int32(-1)
		bestClean := false
		for _, r := range order {
			c := clean(r)
			if best < 0 || c && !bestClean || c == bestClean && link[r] > link[best] {
				best, bestClean = r, c
			}
		}
		for _, u := range members[g] {
			region[u] = best
		}
		members[best] = append(members[best], members[g]...)
		members[g] = nil
		cnt[best] += cnt[g]
		str[best] += str[g]
		strongN[best] += strongN[g]
		cnt[g], str[g], strongN[g] = 0, 0, 0
	}
	return renumber(region, func(x int32) int32 { return x })
}

// splitLarge splits each group above MaxSize into as many parts as it needs,
// grown from strong seeds within it.
func (m *model) splitLarge(region []int32, k int, rng *rand.Rand) ([]int32, int, bool) {
	if m.maxSize <= 0 {
		return region, k, false
	}
	split := false
	region = slices.Clone(region)
	members := make([][]int32, k)
	for u, r := range region {
		members[r] = append(members[r], int32(u))
	}
	next := int32(k)
	for r := 0; r < k; r++ {
		mem := members[r]
		if len(mem) <= m.maxSize {
			continue
		}
		q := (len(mem) + m.maxSize - 1) / m.maxSize
		split = true
		g := newGrower(m, rng)
		g.allowed = make([]bool, m.n)
		var tp, ts float64
		for _, u := range mem {
			g.allowed[u] = true
			tp += m.pop[u]
			ts += m.str[u]
		}
		g.free = len(mem)
		g.popT, g.strT = tp/float64(q), ts/float64(q)
		g.seed(mem, q)
		g.growAll()
		g.leftovers()
		for _, u := range mem {
			if sub := g.region[u]; sub > 0 {
				region[u] = next + sub - 1
			}
		}
		next += int32(len(g.members) - 1)
	}
	region, k = renumber(region, func(x int32) int32 { return x })
	return region, k, split
}
