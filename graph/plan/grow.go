package plan

import (
	"math"
	"math/rand/v2"
)

// grower builds a first grouping by growing regions over the map.
type grower struct {
	m        *model
	rng      *rand.Rand
	region   []int32 // -1: free
	members  [][]int32
	cnt      []int
	pop, str []float64
	strongN  []int
	frontier [][]int32
	stuck    []bool
	prio     []int32 // random tie-break rank of each unit
	noSeed   []bool
	popT     float64 // per-region targets for the load
	strT     float64
	relaxed  bool // ignore maxSize and apart while growing
	free     int
	mark     []int32
	seen     []uint32
	stamp    uint32
	allowed  []bool // units growth may take; nil for all
}

func (g *grower) isFree(u int32) bool {
	return g.region[u] < 0 && (g.allowed == nil || g.allowed[u])
}

func newGrower(m *model, rng *rand.Rand) *grower {
	g := &grower{m: m, rng: rng, free: m.n}
	g.region = make([]int32, m.n)
	for i := range g.region {
		g.region[i] = -1
	}
	g.prio = make([]int32, m.n)
	for i, u := range rng.Perm(m.n) {
		g.prio[u] = int32(i)
	}
	g.noSeed = make([]bool, m.n)
	g.mark = make([]int32, m.n)
	g.seen = make([]uint32, m.n)
	return g
}

func (g *grower) newRegion() int32 {
	g.members = append(g.members, nil)
	g.cnt = append(g.cnt, 0)
	g.pop = append(g.pop, 0)
	g.str = append(g.str, 0)
	g.strongN = append(g.strongN, 0)
	g.frontier = append(g.frontier, nil)
	g.stuck = append(g.stuck, false)
	return int32(len(g.members) - 1)
}

func (g *grower) take(u, r int32) {
	m := g.m
	g.region[u] = r
	g.members[r] = append(g.members[r], u)
	g.cnt[r]++
	g.pop[r] += m.pop[u]
	g.str[r] += m.str[u]
	if m.strong[u] {
		g.strongN[r]++
	}
	g.free--
	for _, v := range m.gadj[u] {
		if g.isFree(v) {
			g.frontier[r] = append(g.frontier[r], v)
		}
	}
}

// claim gives region r the block of u and, for a block of several units,
// connects the region through free single units where it can.
func (g *grower) claim(u, r int32) {
	m := g.m
	b := m.block[u]
	for _, x := range m.blocks[b] {
		g.take(x, r)
	}
	if len(m.blocks[b]) > 1 && m.contiguous {
		g.connect(r)
	}
}

// connect joins the pieces of region r by shortest paths through free units
// that belong to no larger block.
func (g *grower) connect(r int32) {
	m := g.m
	for attempt := 0; attempt < len(g.members[r]); attempt++ {
		// Mark the piece holding the region's first member.
		for i := range g.mark {
			g.mark[i] = -2
		}
		start := g.members[r][0]
		g.mark[start] = -1
		q := []int32{start}
		for h := 0; h < len(q); h++ {
			for _, y := range m.adj[q[h]] {
				if g.mark[y] == -2 && g.region[y] == r {
					g.mark[y] = -1
					q = append(q, y)
				}
			}
		}
		if len(q) == g.cnt[r] {
			return
		}
		// Breadth-first through free single units to another piece; mark
		// holds the predecessor (≥ 0) of each reached free unit.
		var hit, via int32 = -1, -1
		for h := 0; h < len(q) && hit < 0; h++ {
			x := q[h]
			for _, y := range m.adj[x] {
				if g.mark[y] != -2 {
					continue
				}
				if g.region[y] == r {
					hit, via = y, x
					break
				}
				if g.isFree(y) && len(m.blocks[m.block[y]]) == 1 {
					g.mark[y] = x
					q = append(q, y)
				}
			}
		}
		if hit < 0 {
			return
		}
		for x := via; x >= 0 && g.isFree(x); x = g.mark[x] {
			g.take(x, r)
		}
	}
}

func (g *grower) load(r int32) float64 {
	l := 0.0
	if g.popT > 0 {
		l += g.pop[r] / g.popT
	}
	if g.strT > 0 {
		l += g.str[r] / g.strT
	}
	if g.popT == 0 && g.strT == 0 {
		l = float64(g.cnt[r])
	}
	return l
}

// fits reports whether u's block may join region r under the strict rules.
func (g *grower) fits(u, r int32) bool {
	m := g.m
	b := m.block[u]
	if m.blockKey[b] != "" {
		return false // fixed blocks are placed first, never grown into
	}
	if g.relaxed {
		return true
	}
	if m.maxSize > 0 && g.cnt[r]+len(m.blocks[b]) > m.maxSize {
		return false
	}
	for _, o := range m.apart[b] {
		if g.region[m.blocks[o][0]] == r {
			return false
		}
	}
	return true
}

// pick chooses the free unit next to region r that it should take: the one
// with most neighbours already in r (compact regions), ties by random rank.
func (g *grower) pick(r int32) int32 {
	m := g.m
	f := g.frontier[r][:0]
	var best int32 = -1
	bestScore := -1
	g.stamp++
	for _, u := range g.frontier[r] {
		if !g.isFree(u) || g.seen[u] == g.stamp {
			continue
		}
		g.seen[u] = g.stamp
		f = append(f, u)
		if !g.fits(u, r) {
			continue
		}
		sc := 0
		for _, v := range m.gadj[u] {
			if g.region[v] == r {
				sc++
			}
		}
		if sc > bestScore || sc == bestScore && g.prio[u] < g.prio[best] {
			best, bestScore = u, sc
		}
	}
	g.frontier[r] = f
	return best
}

// growAll grows every region, the least loaded first, until no free unit is
// left or none can be reached.
func (g *grower) growAll() {
	for g.free > 0 {
		var best int32 = -1
		bestLoad := math.Inf(1)
		for r := range g.members {
			if g.stuck[r] {
				continue
			}
			if l := g.load(int32(r)); l < bestLoad {
				best, bestLoad = int32(r), l
			}
		}
		if best < 0 {
			if g.relaxed {
				return
			}
			g.relaxed = true
			for r := range g.stuck {
				g.stuck[r] = false
			}
			continue
		}
		u := g.pick(best)
		if u < 0 {
			g.stuck[best] = true
			continue
		}
		g.claim(u, best)
	}
}

// placeKeys gives each fixed key its own region, in key order.
func (g *grower) placeKeys() {
	for _, b := range g.m.keyBlock {
		r := g.newRegion()
		g.claim(g.m.blocks[b][0], r)
	}
}

// growK grows k regions: one per fixed key, the rest seeded at strong units
// spread over each part of the map by farthest-point sampling.
func (g *grower) growK(k int, alloc []int) ([]int32, int) {
	m := g.m
	var tp, ts float64
	for u := 0; u < m.n; u++ {
		tp += m.pop[u]
		ts += m.str[u]
	}
	g.popT, g.strT = tp/float64(k), ts/float64(k)
	g.placeKeys()
	parts := m.comps
	if !m.contiguous {
		all := make([]int32, m.n)
		for i := range all {
			all[i] = int32(i)
		}
		parts = [][]int32{all}
	}
	for pi, units := range parts {
		have := 0
		seen := map[int32]bool{}
		for _, u := range units {
			if r := g.region[u]; r >= 0 && !seen[r] {
				seen[r] = true
				have++
			}
		}
		g.seed(units, alloc[pi]-have)
	}
	g.growAll()
	g.leftovers()
	return g.region, len(g.members)
}

// seed starts extra regions among units by farthest-point sampling.
func (g *grower) seed(units []int32, extra int) {
	m := g.m
	if extra <= 0 {
		return
	}
	const inf = math.MaxInt32
	dist := make(map[int32]int32, len(units))
	for _, u := range units {
		dist[u] = inf
	}
	var q []int32
	relax := func(sources []int32) {
		q = q[:0]
		for _, s := range sources {
			dist[s] = 0
			q = append(q, s)
		}
		for h := 0; h < len(q); h++ {
			x := q[h]
			for _, y := range m.gadj[x] {
				if d, ok := dist[y]; ok && d > dist[x]+1 {
					dist[y] = dist[x] + 1
					q = append(q, y)
				}
			}
		}
	}
	var claimed []int32
	for _, u := range units {
		if g.region[u] >= 0 {
			claimed = append(claimed, u)
		}
	}
	relax(claimed)
	for i := 0; i < extra; i++ {
		var best int32 = -1
		for pass := 0; pass < 2 && best < 0; pass++ {
			for _, u := range units {
				if !g.isFree(u) || m.blockKey[m.block[u]] != "" {
					continue
				}
				if pass == 0 && m.needStrong && !m.strong[u] {
					continue
				}
				if best < 0 || dist[u] > dist[best] || dist[u] == dist[best] && g.prio[u] < g.prio[best] {
					best = u
				}
			}
		}
		if best < 0 {
			return
		}
		r := g.newRegion()
		g.claim(best, r)
		relax(m.blocks[m.block[best]])
	}
}

// leftovers puts any unit growth could not reach into a neighbouring region
// or, failing that, the first region; the search then sees the violation.
func (g *grower) leftovers() {
	m := g.m
	for changed := true; changed && g.free > 0; {
		changed = false
		for u := int32(0); u < int32(m.n); u++ {
			if !g.isFree(u) {
				continue
			}
			var best int32 = -1
			for _, v := range m.gadj[u] {
				if r := g.region[v]; r >= 0 && (best < 0 || g.load(r) < g.load(best)) {
					best = r
				}
			}
			if best >= 0 {
				g.claim(u, best)
				changed = true
			}
		}
	}
	for u := int32(0); u < int32(m.n); u++ {
		if g.isFree(u) {
			if len(g.members) == 0 {
				g.newRegion()
			}
			g.claim(u, 0)
		}
	}
}

// meets reports whether region r meets the max-p thresholds.
func (g *grower) meets(r int32) bool {
	m := g.m
	return g.cnt[r] >= max(m.minSize, 1) && g.str[r] >= m.minStr-1e-9 && (!m.needStrong || g.strongN[r] > 0)
}

// growTo grows region r until it meets the thresholds; false if it cannot.
func (g *grower) growTo(r int32) bool {
	for !g.meets(r) {
		u := g.pick(r)
		if u < 0 {
			return false
		}
		g.claim(u, r)
	}
	return true
}

// release frees the last region's units, which may not seed again.
func (g *grower) release(r int32) {
	for _, u := range g.members[r] {
		g.region[u] = -1
		g.noSeed[u] = true
		g.free++
	}
	g.members = g.members[:r]
	g.cnt = g.cnt[:r]
	g.pop = g.pop[:r]
	g.str = g.str[:r]
	g.strongN = g.strongN[:r]
	g.frontier = g.frontier[:r]
	g.stuck = g.stuck[:r]
}

// growMaxP grows as many regions as meet the thresholds (max-p): regions
// for the fixed keys first, then from seeds in a random order, each grown
// only until it meets the thresholds; units left over join a neighbouring
// region.
func (g *grower) growMaxP() ([]int32, int) {
	m := g.m
	g.placeKeys()
	for r := range g.members {
		g.growTo(int32(r))
	}
	for _, ui := range g.rng.Perm(m.n) {
		u := int32(ui)
		if g.region[u] >= 0 || g.noSeed[u] || m.blockKey[m.block[u]] != "" || m.needStrong && !m.strong[u] {
			continue
		}
		r := g.newRegion()
		g.claim(u, r)
		if !g.growTo(r) {
			g.release(r)
		}
	}
	// A part of the map with no region gets one holding all of it.
	if m.contiguous {
		for _, units := range m.comps {
			has := false
			for _, u := range units {
				if g.region[u] >= 0 {
					has = true
					break
				}
			}
			if !has {
				r := g.newRegion()
				start := units[0]
				for _, u := range units {
					if m.strong[u] {
						start = u
						break
					}
				}
				g.claim(start, r)
			}
		}
	}
	// Enclaves join the least loaded neighbouring region.
	var tp, ts float64
	for u := 0; u < m.n; u++ {
		tp += m.pop[u]
		ts += m.str[u]
	}
	k := max(len(g.members), 1)
	g.popT, g.strT = tp/float64(k), ts/float64(k)
	for r := range g.stuck {
		g.stuck[r] = false
	}
	g.growAll()
	g.leftovers()
	return g.region, len(g.members)
}

// balanceOf is the balance objective of a grouping, for comparing starts.
func balanceOf(m *model, region []int32, k int) float64 {
	pop := make([]float64, k)
	str := make([]float64, k)
	var tp, ts float64
	for u, r := range region {
		pop[r] += m.pop[u]
		str[r] += m.str[u]
		tp += m.pop[u]
		ts += m.str[u]
	}
	mp, ms := tp/float64(k), ts/float64(k)
	j := 0.0
	for r := 0; r < k; r++ {
		if mp > 0 {
			j += (pop[r] - mp) * (pop[r] - mp) / (mp * mp)
		}
		if ms > 0 {
			j += (str[r] - ms) * (str[r] - ms) / (ms * ms)
		}
	}
	return j / float64(k)
}
