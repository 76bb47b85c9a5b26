package plan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// The search keeps every alliance ("region") as a set of units and scores a
// grouping lexicographically:
//
//  1. V, the violations of the constraints: extra connected pieces per
//     region (RequireContiguous), regions without a strong unit
//     (RequireStrong), members below MinSize or above MaxSize, the shortfall
//     of strength below MinTotalStrength (as a fraction of it), weak units
//     beyond their region's mentor places (Pair with PairWithinAlliance),
//     and pairs of blocks kept Apart that share a region;
//  2. J, the objective: CV(population)² + CV(strength)² over regions, plus
//     MoveCost × moved/units (BALANCED), or −modularity (COMMUNITY repair);
//  3. the number of units moved away from their current alliance.
//
// Together and Fixed are never violated: the units they tie form a block
// that moves as one.

const (
	epsV = 1e-9
	epsJ = 1e-13
)

type objective int

const (
	objBalance objective = iota
	objModularity
)

// delta is (V, J, moved), or the change a move makes to it.
type delta struct {
	v, j  float64
	moved int
}

// less orders deltas lexicographically.
func less(a, b delta) bool {
	if a.v < b.v-epsV {
		return true
	}
	if a.v > b.v+epsV {
		return false
	}
	if a.j < b.j-epsJ {
		return true
	}
	if a.j > b.j+epsJ {
		return false
	}
	return a.moved < b.moved
}

type state struct {
	m   *model
	k   int
	obj objective

	region  []int32
	members [][]int32
	pos     []int32
	cnt     []int
	pop     []float64
	str     []float64
	strongN []int
	pieces  []int
	apartN  int // apart pairs sharing a region

	// balance
	popMean, strMean float64
	moveCost         float64
	home             []int32 // region continuing the unit's current alliance; -1 none
	moved            int

	// modularity
	rel    *relGraph
	regDeg []float64

	// block sums
	bPop, bStr []float64
	bStrong    []int

	// names of the regions for messages (MANUAL keys); nil: by members
	names []string

	// scratch
	mark  []uint32
	stamp uint32
	queue []int32
	cands []int32
}

func newState(m *model, k int, region []int32, obj objective) *state {
	s := &state{m: m, k: k, obj: obj, moveCost: m.in.MoveCost}
	s.mark = make([]uint32, m.n)
	s.bPop = make([]float64, len(m.blocks))
	s.bStr = make([]float64, len(m.blocks))
	s.bStrong = make([]int, len(m.blocks))
	for b, mem := range m.blocks {
		for _, u := range mem {
			s.bPop[b] += m.pop[u]
			s.bStr[b] += m.str[u]
			if m.strong[u] {
				s.bStrong[b]++
			}
		}
	}
	var tp, ts float64
	for u := 0; u < m.n; u++ {
		tp += m.pop[u]
		ts += m.str[u]
	}
	s.popMean, s.strMean = tp/float64(k), ts/float64(k)
	s.home = make([]int32, m.n)
	for i := range s.home {
		s.home[i] = -1
	}
	s.load(region)
	return s
}

// load sets the grouping and recomputes every statistic.
func (s *state) load(region []int32) {
	m, k := s.m, s.k
	s.region = slices.Clone(region)
	s.members = make([][]int32, k)
	s.pos = make([]int32, m.n)
	s.cnt = make([]int, k)
	s.pop = make([]float64, k)
	s.str = make([]float64, k)
	s.strongN = make([]int, k)
	s.pieces = make([]int, k)
	for u := 0; u < m.n; u++ {
		r := s.region[u]
		s.pos[u] = int32(len(s.members[r]))
		s.members[r] = append(s.members[r], int32(u))
		s.cnt[r]++
		s.pop[r] += m.pop[u]
		s.str[r] += m.str[u]
		if m.strong[u] {
			s.strongN[r]++
		}
	}
	for r := 0; r < k; r++ {
		s.pieces[r] = s.countPieces(int32(r), -1, false)
	}
	s.apartN = 0
	for b, partners := range m.apart {
		for _, o := range partners {
			if int(o) > b && s.blockRegion(int32(b)) == s.blockRegion(o) {
				s.apartN++
			}
		}
	}
	s.moved = 0
	for u := 0; u < m.n; u++ {
		if s.isMoved(int32(u), s.region[u]) {
			s.moved++
		}
	}
	if s.rel != nil {
		s.regDeg = make([]float64, k)
		for u := 0; u < m.n; u++ {
			s.regDeg[s.region[u]] += s.rel.deg[u]
		}
	}
}

func (s *state) setHomes(home []int32) {
	s.home = home
	s.moved = 0
	for u := 0; u < s.m.n; u++ {
		if s.isMoved(int32(u), s.region[u]) {
			s.moved++
		}
	}
}

func (s *state) isMoved(u, r int32) bool {
	return s.m.p.current[u] >= 0 && s.home[u] != r
}

func (s *state) blockRegion(b int32) int32 { return s.region[s.m.blocks[b][0]] }

// regionV is the violation of one region's own constraints.
func (s *state) regionV(cnt int, str float64, strongN, pieces int) float64 {
	m := s.m
	v := 0.0
	if cnt < m.minSize {
		v += float64(m.minSize - cnt)
	}
	if m.maxSize > 0 && cnt > m.maxSize {
		v += float64(cnt - m.maxSize)
	}
	if m.needStrong && strongN == 0 {
		v++
	}
	if m.contiguous && pieces > 1 {
		v += float64(pieces - 1)
	}
	if m.minStr > 0 && str < m.minStr-1e-9 {
		v += (m.minStr - str) / m.minStr
	}
	if m.pairCap > 0 {
		if short := cnt - strongN - strongN*m.pairCap; short > 0 {
			v += float64(short)
		}
	}
	return v
}

// score returns the absolute (V, J, moved) of the grouping.
func (s *state) score() delta {
	v := float64(s.apartN)
	for r := 0; r < s.k; r++ {
		v += s.regionV(s.cnt[r], s.str[r], s.strongN[r], s.pieces[r])
	}
	return delta{v: v, j: s.objectiveValue(), moved: s.moved}
}

func (s *state) objectiveValue() float64 {
	if s.obj == objModularity {
		return -s.modularity()
	}
	j := 0.0
	for r := 0; r < s.k; r++ {
		if s.popMean > 0 {
			d := s.pop[r] - s.popMean
			j += d * d / (s.popMean * s.popMean)
		}
		if s.strMean > 0 {
			d := s.str[r] - s.strMean
			j += d * d / (s.strMean * s.strMean)
		}
	}
	j /= float64(s.k)
	return j + s.moveCost*float64(s.moved)/float64(s.m.n)
}

func (s *state) modularity() float64 {
	g := s.rel
	if g.m2 == 0 {
		return 0
	}
	in := make([]float64, s.k)
	for u := 0; u < s.m.n; u++ {
		for i, v := range g.adj[u] {
			if s.region[v] == s.region[u] {
				in[s.region[u]] += g.w[u][i]
			}
		}
	}
	q := 0.0
	for r := 0; r < s.k; r++ {
		d := s.regDeg[r] / g.m2
		q += in[r]/g.m2 - g.gamma*d*d
	}
	return q
}

// move is an evaluated move of block b from region a to region to.
type move struct {
	b, a, to         int32
	d                delta
	piecesA, piecesB int
}

// eval scores moving block b to region to. accept must be monotone in d.v
// (a smaller v is never less acceptable); eval returns false as soon as the
// move cannot be accepted, so that connectivity is only checked for moves
// that might be taken.
func (s *state) eval(b, to int32, accept func(delta) bool) (move, bool) {
	m := s.m
	mem := m.blocks[b]
	a := s.region[mem[0]]
	mv := move{b: b, a: a, to: to}
	if a == to || s.cnt[a] == len(mem) {
		return mv, false
	}
	bp, bs, bst, bn := s.bPop[b], s.bStr[b], s.bStrong[b], len(mem)
	// Violations other than pieces.
	dv := s.regionV(s.cnt[a]-bn, s.str[a]-bs, s.strongN[a]-bst, 1) - s.regionV(s.cnt[a], s.str[a], s.strongN[a], 1) +
		s.regionV(s.cnt[to]+bn, s.str[to]+bs, s.strongN[to]+bst, 1) - s.regionV(s.cnt[to], s.str[to], s.strongN[to], 1)
	for _, o := range m.apart[b] {
		switch s.blockRegion(o) {
		case to:
			dv++
		case a:
			dv--
		}
	}
	// Objective.
	var dj float64
	dm := 0
	for _, u := range mem {
		if s.isMoved(u, to) {
			dm++
		}
		if s.isMoved(u, a) {
			dm--
		}
	}
	if s.obj == objModularity {
		dj = -s.deltaQ(b, a, to)
	} else {
		if s.popMean > 0 {
			dj += 2 * bp * (bp + s.pop[to] - s.pop[a]) / (float64(s.k) * s.popMean * s.popMean)
		}
		if s.strMean > 0 {
			dj += 2 * bs * (bs + s.str[to] - s.str[a]) / (float64(s.k) * s.strMean * s.strMean)
		}
		dj += s.moveCost * float64(dm) / float64(m.n)
	}
	mv.d = delta{v: dv, j: dj, moved: dm}
	mv.piecesA, mv.piecesB = s.pieces[a], s.pieces[to]
	if !m.contiguous {
		return mv, accept(mv.d)
	}
	// Pieces can fall by at most this much.
	best := mv.d
	best.v += float64(1-s.pieces[a]) + float64(1-s.pieces[to])
	if !accept(best) {
		return mv, false
	}
	mv.piecesA = s.piecesWithout(a, b)
	mv.piecesB = s.piecesWith(to, b)
	mv.d.v += float64(max(mv.piecesA, 1)-max(s.pieces[a], 1)) + float64(max(mv.piecesB, 1)-max(s.pieces[to], 1))
	return mv, accept(mv.d)
}

// piecesWithout counts the pieces of region a without block b.
func (s *state) piecesWithout(a, b int32) int {
	mem := s.m.blocks[b]
	if len(mem) == 1 && s.pieces[a] == 1 {
		u := mem[0]
		var first int32 = -1
		nA := 0
		for _, v := range s.m.adj[u] {
			if s.region[v] == a {
				if first < 0 {
					first = v
				}
				nA++
			}
		}
		if nA <= 1 {
			return 1
		}
		// Walk from one neighbour until every neighbour in a is reached.
		s.stamp++
		st := s.stamp
		s.mark[u] = st
		s.mark[first] = st
		q := append(s.queue[:0], first)
		found := 1
		for h := 0; h < len(q) && found < nA; h++ {
			x := q[h]
			for _, y := range s.m.adj[x] {
				if s.region[y] != a || s.mark[y] == st {
					continue
				}
				s.mark[y] = st
				q = append(q, y)
				if s.isNeighbour(u, y) {
					found++
				}
			}
		}
		s.queue = q
		if found == nA {
			return 1
		}
	}
	return s.countPieces(a, b, false)
}

// piecesWith counts the pieces of region to with block b added.
func (s *state) piecesWith(to, b int32) int {
	mem := s.m.blocks[b]
	if len(mem) == 1 && s.pieces[to] == 1 {
		for _, v := range s.m.adj[mem[0]] {
			if s.region[v] == to {
				return 1
			}
		}
	}
	return s.countPieces(to, b, true)
}

func (s *state) isNeighbour(u, v int32) bool {
	_, ok := slices.BinarySearch(s.m.adj[u], v)
	return ok
}

// countPieces counts the connected pieces of region r, without block b
// (add false; b < 0 for none) or with it (add true).
func (s *state) countPieces(r, b int32, add bool) int {
	m := s.m
	in := func(v int32) bool {
		if b >= 0 && m.block[v] == b {
			return add
		}
		return s.region[v] == r
	}
	s.stamp++
	st := s.stamp
	pieces := 0
	visit := func(start int32) {
		if s.mark[start] == st || !in(start) {
			return
		}
		pieces++
		s.mark[start] = st
		q := append(s.queue[:0], start)
		for h := 0; h < len(q); h++ {
			for _, y := range m.adj[q[h]] {
				if s.mark[y] != st && in(y) {
					s.mark[y] = st
					q = append(q, y)
				}
			}
		}
		s.queue = q
	}
	for _, u := range s.members[r] {
		visit(u)
	}
	if add && b >= 0 {
		for _, u := range m.blocks[b] {
			visit(u)
		}
	}
	return pieces
}

// apply makes an evaluated move.
func (s *state) apply(mv move) {
	m := s.m
	a, to := mv.a, mv.to
	for _, u := range m.blocks[mv.b] {
		// remove from a
		i := s.pos[u]
		last := s.members[a][len(s.members[a])-1]
		s.members[a][i] = last
		s.pos[last] = i
		s.members[a] = s.members[a][:len(s.members[a])-1]
		// add to to
		s.pos[u] = int32(len(s.members[to]))
		s.members[to] = append(s.members[to], u)
		s.region[u] = to
		if s.rel != nil {
			s.regDeg[a] -= s.rel.deg[u]
			s.regDeg[to] += s.rel.deg[u]
		}
	}
	n := len(m.blocks[mv.b])
	s.cnt[a] -= n
	s.cnt[to] += n
	s.pop[a] -= s.bPop[mv.b]
	s.pop[to] += s.bPop[mv.b]
	s.str[a] -= s.bStr[mv.b]
	s.str[to] += s.bStr[mv.b]
	s.strongN[a] -= s.bStrong[mv.b]
	s.strongN[to] += s.bStrong[mv.b]
	if m.contiguous {
		s.pieces[a], s.pieces[to] = mv.piecesA, mv.piecesB
	}
	for _, o := range m.apart[mv.b] {
		switch s.blockRegion(o) {
		case to:
			s.apartN++
		case a:
			s.apartN--
		}
	}
	s.moved += mv.d.moved
}

// targets lists the regions next to block b other than its own.
func (s *state) targets(b int32) []int32 {
	m := s.m
	a := s.blockRegion(b)
	out := s.cands[:0]
	for _, u := range m.blocks[b] {
		for _, v := range m.gadj[u] {
			r := s.region[v]
			if r != a && !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	s.cands = out
	return out
}

// descend makes the best improving move of each block in turn, in a seeded
// order, until no block can improve. repairOnly accepts only moves that
// lower the violations. It reports whether it moved anything.
func (s *state) descend(ctx context.Context, rng *rand.Rand, repairOnly bool) (bool, error) {
	order := rng.Perm(len(s.m.blocks))
	any := false
	for pass := 0; pass < 200; pass++ {
		if err := ctx.Err(); err != nil {
			return any, err
		}
		changed := false
		for _, bi := range order {
			b := int32(bi)
			var best move
			found := false
			bestD := delta{}
			for _, to := range s.targets(b) {
				mv, ok := s.eval(b, to, func(d delta) bool {
					if repairOnly && d.v >= -epsV {
						return false
					}
					return less(d, bestD)
				})
				if ok {
					best, bestD, found = mv, mv.d, true
				}
			}
			if found {
				s.apply(best)
				changed, any = true, true
			}
		}
		if !changed {
			break
		}
	}
	return any, nil
}

// anneal is simulated annealing over random boundary moves: moves that
// lower V are always taken, moves that raise it never, the rest by the
// Metropolis rule on J. It returns with the best grouping seen loaded.
func (s *state) anneal(ctx context.Context, rng *rand.Rand, steps int) error {
	m := s.m
	if steps <= 0 || s.k < 2 {
		return nil
	}
	// The temperature starts at three times the mean uphill step and cools
	// geometrically a thousandfold.
	var sum float64
	var cnt int
	for i := 0; i < 400 && cnt < 100; i++ {
		u := int32(rng.IntN(m.n))
		if len(m.gadj[u]) == 0 {
			continue
		}
		to := s.region[m.gadj[u][rng.IntN(len(m.gadj[u]))]]
		mv, ok := s.eval(m.block[u], to, func(delta) bool { return true })
		if ok && mv.d.j > 0 {
			sum += mv.d.j
			cnt++
		}
	}
	if cnt == 0 {
		return nil
	}
	t0 := 3 * sum / float64(cnt)
	tEnd := t0 * 1e-3
	cool := math.Pow(tEnd/t0, 1/float64(steps))
	t := t0
	best := s.score()
	bestRegion := slices.Clone(s.region)
	cur := best
	for it := 0; it < steps; it++ {
		if it&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		t *= cool
		u := int32(rng.IntN(m.n))
		if len(m.gadj[u]) == 0 {
			continue
		}
		to := s.region[m.gadj[u][rng.IntN(len(m.gadj[u]))]]
		if to == s.region[u] {
			continue
		}
		x := rng.Float64()
		limit := -t * math.Log(x) // accept uphill j below this
		mv, ok := s.eval(m.block[u], to, func(d delta) bool {
			return d.v < -epsV || d.v <= epsV && d.j < limit
		})
		if !ok {
			continue
		}
		s.apply(mv)
		cur.v += mv.d.v
		cur.j += mv.d.j
		cur.moved += mv.d.moved
		if less(cur, best) {
			best = cur
			copy(bestRegion, s.region)
		}
	}
	s.load(bestRegion)
	return nil
}

// violation is one broken constraint, for the error a failed search returns.
type violation struct {
	field, msg string
}

// violations lists what the grouping breaks, most basic first.
func (s *state) violations() []violation {
	m := s.m
	var out []violation
	name := func(r int) string {
		if s.names != nil {
			return fmt.Sprintf("alliance %q", s.names[r])
		}
		ids := m.ids(s.members[r])
		slices.Sort(ids)
		return fmt.Sprintf("the alliance of %s", listIDs(ids))
	}
	for r := 0; r < s.k; r++ {
		if m.contiguous && s.pieces[r] > 1 {
			out = append(out, violation{"constraints.requireContiguous", fmt.Sprintf("%s is in %d separate pieces", name(r), s.pieces[r])})
		}
	}
	for r := 0; r < s.k; r++ {
		if m.needStrong && s.strongN[r] == 0 {
			out = append(out, violation{"constraints.requireStrong", fmt.Sprintf("%s has no strong unit (%s)", name(r), m.p.StrongBasis)})
		}
	}
	for r := 0; r < s.k; r++ {
		if s.cnt[r] < m.minSize {
			out = append(out, violation{"constraints.minSize", fmt.Sprintf("%s has %d members, fewer than constraints.minSize %d", name(r), s.cnt[r], m.minSize)})
		}
	}
	for r := 0; r < s.k; r++ {
		if m.maxSize > 0 && s.cnt[r] > m.maxSize {
			out = append(out, violation{"constraints.maxSize", fmt.Sprintf("%s has %d members, more than constraints.maxSize %d", name(r), s.cnt[r], m.maxSize)})
		}
	}
	for r := 0; r < s.k; r++ {
		if m.minStr > 0 && s.str[r] < m.minStr-1e-9 {
			out = append(out, violation{"constraints.minTotalStrength", fmt.Sprintf("%s has total strength %s, below constraints.minTotalStrength %s", name(r), fmtNum(s.str[r]), fmtNum(m.minStr))})
		}
	}
	for r := 0; r < s.k; r++ {
		if weak := s.cnt[r] - s.strongN[r]; m.pairCap > 0 && weak > s.strongN[r]*m.pairCap {
			out = append(out, violation{"constraints.pairWithinAlliance", fmt.Sprintf("%s has %d weak units but %d strong units × constraints.maxMenteesPerMentor %d give only %d places within it", name(r), weak, s.strongN[r], m.pairCap, s.strongN[r]*m.pairCap)})
		}
	}
	for b, partners := range m.apart {
		for _, o := range partners {
			if int(o) > b && s.blockRegion(int32(b)) == s.blockRegion(o) {
				field := "constraints.apart"
				if m.blockKey[b] != "" && m.blockKey[o] != "" {
					field = "constraints.fixed"
				}
				out = append(out, violation{field, fmt.Sprintf("%q and %q share an alliance", m.p.Units[m.blocks[b][0]].ID, m.p.Units[m.blocks[o][0]].ID)})
			}
		}
	}
	return out
}

// failure turns the violations left after a search into an error.
func (s *state) failure(what string) error {
	vs := s.violations()
	if len(vs) == 0 {
		return nil
	}
	v := vs[0]
	more := ""
	if len(vs) > 1 {
		more = fmt.Sprintf(" (and %d more violation(s))", len(vs)-1)
	}
	return graph.Invalidf(v.field, "%s found no grouping that meets %s: %s%s", what, v.field, v.msg, more)
}
