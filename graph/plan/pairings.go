package plan

import (
	"container/heap"
	"context"
	"math"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// Pairing cost. PAIRINGS minimises, in this order: the total hop distance
// between mentors and mentees on the map (a unit in another part of the map
// counts as as many hops as there are units), then the number of pairings
// across alliances, then the number of pairings that are not today's. The
// three are folded into one integer cost per pairing,
//
//	hops·B² + [other alliance]·B + [not today's],  B = weak units + 1,
//
// so that a minimum total is a lexicographic minimum.

// capacity is the most mentees one mentor may take.
func (m *model) capacity() int {
	if c := m.in.Constraints.MaxMenteesPerMentor; c != nil {
		return *c
	}
	strong := 0
	for _, s := range m.strong {
		if s {
			strong++
		}
	}
	if strong == 0 {
		return DefaultMaxMentees
	}
	weak := m.n - strong
	return max(DefaultMaxMentees, (weak+strong-1)/strong)
}

// checkPairings validates the planner's pairings (MANUAL).
func (m *model) checkPairings(pairs []Pairing, groupOf []int32) ([]Pairing, error) {
	cap := m.capacity()
	load := map[string]int{}
	mentor := map[string]string{}
	for _, pr := range pairs {
		mi, ok := m.p.index[pr.Mentor]
		if !ok {
			return nil, graph.Invalidf("pairings", "pairing mentor %q is not a unit", pr.Mentor)
		}
		wi, ok := m.p.index[pr.Mentee]
		if !ok {
			return nil, graph.Invalidf("pairings", "pairing mentee %q is not a unit", pr.Mentee)
		}
		if mi == wi {
			return nil, graph.Invalidf("pairings", "unit %q cannot mentor itself", pr.Mentor)
		}
		if !m.strong[mi] {
			return nil, graph.Invalidf("pairings", "mentor %q is not a strong unit (%s)", pr.Mentor, m.p.StrongBasis)
		}
		if m.strong[wi] {
			return nil, graph.Invalidf("pairings", "mentee %q is a strong unit, not a weak one (%s)", pr.Mentee, m.p.StrongBasis)
		}
		if old, dup := mentor[pr.Mentee]; dup {
			return nil, graph.Invalidf("pairings", "mentee %q is paired twice (with %q and %q)", pr.Mentee, old, pr.Mentor)
		}
		mentor[pr.Mentee] = pr.Mentor
		load[pr.Mentor]++
		if load[pr.Mentor] > cap {
			return nil, graph.Invalidf("constraints.maxMenteesPerMentor", "mentor %q has more than constraints.maxMenteesPerMentor %d mentees", pr.Mentor, cap)
		}
		if m.in.Constraints.PairWithinAlliance && (groupOf[mi] < 0 || groupOf[mi] != groupOf[wi]) {
			return nil, graph.Invalidf("constraints.pairWithinAlliance", "mentor %q and mentee %q are not in the same alliance (constraints.pairWithinAlliance)", pr.Mentor, pr.Mentee)
		}
	}
	return sortPairings(pairs), nil
}

// pairer solves the mentor assignment as a min-cost flow: weak units
// (supply 1) → strong units (capacity cap) → sink, on candidate arcs, by
// successive shortest paths with Dijkstra on reduced costs (one weak unit
// at a time, Jonker–Volgenant style), then prices every arc left out
// against the final potentials; arcs with a negative reduced cost join the
// candidates and the flow is solved again. When no arc is left with a
// negative reduced cost, the potentials prove the assignment optimal over
// all arcs.
type pairer struct {
	m       *model
	groupOf []int32
	weak    []int32 // unit indexes
	strong  []int32
	sIx     []int32 // unit → strong index, -1
	cap     int
	within  bool
	b       int64
	today   map[[2]int32]bool // (mentor unit, mentee unit)

	cands [][]arc // per weak unit
	// bfs scratch
	hop   []int32
	stamp []uint32
	gen   uint32
	queue []int32
}

// candidateExtra sets how many candidate mentors each weak unit starts with:
// the 2 × capacity + candidateExtra nearest. Pricing makes the result exact
// whatever it is; it only changes the speed.
var candidateExtra = 6

type arc struct {
	s int32 // strong index
	c int64
}

// pair gives every weak unit a strong mentor at least total cost.
func (m *model) pair(ctx context.Context, groupOf []int32) ([]Pairing, error) {
	pr := &pairer{m: m, groupOf: groupOf, cap: m.capacity(), within: m.in.Constraints.PairWithinAlliance}
	pr.sIx = make([]int32, m.n)
	for u := 0; u < m.n; u++ {
		pr.sIx[u] = -1
		if m.strong[u] {
			pr.sIx[u] = int32(len(pr.strong))
			pr.strong = append(pr.strong, int32(u))
		} else {
			pr.weak = append(pr.weak, int32(u))
		}
	}
	nw, ns := len(pr.weak), len(pr.strong)
	if nw == 0 {
		return []Pairing{}, nil
	}
	if nw > ns*pr.cap {
		return nil, graph.Invalidf("constraints.maxMenteesPerMentor", "%d weak units need a mentor but %d strong units × constraints.maxMenteesPerMentor %d give only %d places (%s)", nw, ns, pr.cap, ns*pr.cap, m.p.StrongBasis)
	}
	if pr.within {
		weakIn, strongIn := map[int32]int{}, map[int32]int{}
		for _, u := range pr.weak {
			if groupOf[u] < 0 {
				return nil, graph.Invalidf("constraints.pairWithinAlliance", "weak unit %q is in no alliance, so no mentor can come from its alliance (constraints.pairWithinAlliance)", m.p.Units[u].ID)
			}
			weakIn[groupOf[u]]++
		}
		for _, u := range pr.strong {
			strongIn[groupOf[u]]++
		}
		for u := range pr.weak {
			g := groupOf[pr.weak[u]]
			if weakIn[g] > strongIn[g]*pr.cap {
				var mem []string
				for _, x := range pr.weak {
					if groupOf[x] == g {
						mem = append(mem, m.p.Units[x].ID)
					}
				}
				return nil, graph.Invalidf("constraints.pairWithinAlliance", "the alliance of %s has %d weak units but %d strong units × constraints.maxMenteesPerMentor %d give only %d places within it (constraints.pairWithinAlliance)", listIDs(mem), weakIn[g], strongIn[g], pr.cap, strongIn[g]*pr.cap)
			}
		}
	}
	pr.b = int64(nw) + 1
	if float64(m.n)*float64(pr.b)*float64(pr.b)*float64(nw) > 4e18 {
		return nil, graph.Invalidf("units", "%d units are too many for PAIRINGS", m.n)
	}
	pr.today = map[[2]int32]bool{}
	for _, p := range m.p.Pairings {
		pr.today[[2]int32{int32(m.p.index[p.Mentor]), int32(m.p.index[p.Mentee])}] = true
	}
	pr.hop = make([]int32, m.n)
	pr.stamp = make([]uint32, m.n)

	kc := max(1, min(ns, 2*pr.cap+candidateExtra))
	pr.cands = make([][]arc, nw)
	for w := range pr.weak {
		pr.cands[w] = pr.nearest(w, kc)
	}
	for round := 0; ; round++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		matched, pi, ok := pr.solve()
		if !ok {
			// The candidate arcs admit no full assignment: widen them.
			if kc >= ns {
				return nil, graph.Errorf(graph.CodeInternal, "plan: pairing found no assignment although %d places suffice", ns*pr.cap)
			}
			kc = min(ns, kc*2)
			for w := range pr.weak {
				pr.cands[w] = mergeArcs(pr.cands[w], pr.nearest(w, kc))
			}
			continue
		}
		if !pr.price(pi) {
			out := make([]Pairing, nw)
			for w, s := range matched {
				out[w] = Pairing{Mentor: m.p.Units[pr.strong[s]].ID, Mentee: m.p.Units[pr.weak[w]].ID}
			}
			return sortPairings(out), nil
		}
		if round > 50 {
			return nil, graph.Errorf(graph.CodeInternal, "plan: pairing did not converge")
		}
	}
}

// eligible reports whether strong index s may mentor weak unit index w.
func (pr *pairer) eligible(w int, s int32) bool {
	if !pr.within {
		return true
	}
	g := pr.groupOf[pr.weak[w]]
	return g >= 0 && g == pr.groupOf[pr.strong[s]]
}

// cost of strong index s mentoring weak index w, hops apart (-1: unreachable).
func (pr *pairer) cost(w int, s int32, hops int32) int64 {
	if hops < 0 {
		hops = int32(pr.m.n)
	}
	c := int64(hops) * pr.b * pr.b
	wu, su := pr.weak[w], pr.strong[s]
	if g := pr.groupOf[wu]; g < 0 || g != pr.groupOf[su] {
		c += pr.b
	}
	if !pr.today[[2]int32{su, wu}] {
		c++
	}
	return c
}

// bfs walks the map from unit src level by level, calling visit with every
// unit and its hop distance until visit returns false at the end of a level.
func (pr *pairer) bfs(src int32, visit func(u, hops int32), more func(hops int32) bool) {
	pr.gen++
	pr.stamp[src] = pr.gen
	pr.hop[src] = 0
	q := append(pr.queue[:0], src)
	level := int32(0)
	for h := 0; h < len(q); h++ {
		x := q[h]
		if pr.hop[x] != level {
			if !more(level) {
				break
			}
			level = pr.hop[x]
		}
		visit(x, pr.hop[x])
		for _, y := range pr.m.adj[x] {
			if pr.stamp[y] != pr.gen {
				pr.stamp[y] = pr.gen
				pr.hop[y] = pr.hop[x] + 1
				q = append(q, y)
			}
		}
	}
	pr.queue = q
}

// reached reports whether the last bfs reached unit u.
func (pr *pairer) reached(u int32) bool { return pr.stamp[u] == pr.gen }

// nearest returns the eligible strong units nearest weak index w: at least
// k of them (all of the last hop level), then unreachable ones by index if
// the map runs out; sorted by cost, then strong index.
func (pr *pairer) nearest(w int, k int) []arc {
	var out []arc
	pr.bfs(pr.weak[w], func(u, hops int32) {
		if s := pr.sIx[u]; s >= 0 && pr.eligible(w, s) {
			out = append(out, arc{s, pr.cost(w, s, hops)})
		}
	}, func(int32) bool { return len(out) < k })
	if len(out) < k {
		for s := int32(0); s < int32(len(pr.strong)) && len(out) < k; s++ {
			if !pr.reached(pr.strong[s]) && pr.eligible(w, s) {
				out = append(out, arc{s, pr.cost(w, s, -1)})
			}
		}
	}
	sortArcs(out)
	return out
}

func sortArcs(a []arc) {
	slices.SortFunc(a, func(x, y arc) int {
		if x.c != y.c {
			if x.c < y.c {
				return -1
			}
			return 1
		}
		return int(x.s - y.s)
	})
}

func mergeArcs(a, b []arc) []arc {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.ContainsFunc(out, func(y arc) bool { return y.s == x.s }) {
			out = append(out, x)
		}
	}
	sortArcs(out)
	return out
}

// solve finds a minimum-cost assignment on the candidate arcs. It returns
// the strong index of each weak index and the final potentials (weak
// indexes, then strong, then the sink); ok is false when the candidate
// arcs admit no full assignment.
func (pr *pairer) solve() (matched []int32, pi []int64, ok bool) {
	nw, ns := len(pr.weak), len(pr.strong)
	sink := nw + ns
	matched = make([]int32, nw)
	mcost := make([]int64, nw)
	mentees := make([][]int32, ns)
	pi = make([]int64, nw+ns+1)
	const inf = math.MaxInt64
	dist := make([]int64, nw+ns+1)
	prev := make([]int32, nw+ns+1)
	done := make([]bool, nw+ns+1)
	for i := range dist {
		dist[i] = inf
	}
	var touched, popped []int32
	h := &distHeap{}
	for w := range matched {
		matched[w] = -1
	}
	for src := 0; src < nw; src++ {
		for _, v := range touched {
			dist[v], done[v] = inf, false
		}
		touched, popped = touched[:0], popped[:0]
		*h = (*h)[:0]
		relax := func(from, to int32, rc int64) {
			if d := dist[from] + rc; d < dist[to] {
				if dist[to] == inf {
					touched = append(touched, to)
				}
				dist[to], prev[to] = d, from
				heap.Push(h, item{d, to})
			}
		}
		dist[src] = 0
		touched = append(touched, int32(src))
		heap.Push(h, item{0, int32(src)})
		found := false
		for h.Len() > 0 {
			it := heap.Pop(h).(item)
			v := it.v
			if done[v] || it.d != dist[v] {
				continue
			}
			done[v] = true
			popped = append(popped, v)
			if int(v) == sink {
				found = true
				break
			}
			if int(v) < nw {
				for _, a := range pr.cands[v] {
					if a.s != matched[v] {
						t := int32(nw) + a.s
						relax(v, t, a.c+pi[v]-pi[t])
					}
				}
				continue
			}
			s := int(v) - nw
			if len(mentees[s]) < pr.cap {
				relax(v, int32(sink), pi[v]-pi[sink])
			}
			for _, w := range mentees[s] {
				relax(v, w, -mcost[w]+pi[v]-pi[w])
			}
		}
		if !found {
			return nil, nil, false
		}
		d := dist[sink]
		for _, v := range popped {
			pi[v] += dist[v] - d
		}
		// Augment along the path sink ← s ← w ← … ← src.
		for v := int32(sink); int(v) != src; {
			u := prev[v]
			switch {
			case int(v) == sink:
			case int(u) < nw: // forward arc weak u → strong v
				s := v - int32(nw)
				matched[u] = s
				mentees[s] = append(mentees[s], u)
				for _, a := range pr.cands[u] {
					if a.s == s {
						mcost[u] = a.c
						break
					}
				}
			default: // reverse arc strong u → weak v: v leaves u
				s := u - int32(nw)
				i := slices.Index(mentees[s], v)
				mentees[s] = slices.Delete(mentees[s], i, i+1)
			}
			v = u
		}
	}
	return matched, pi, true
}

// price checks every arc left out of the candidates against potentials pi
// and adds those with a negative reduced cost. It reports whether it added
// any.
func (pr *pairer) price(pi []int64) bool {
	nw, ns := len(pr.weak), len(pr.strong)
	maxS := int64(math.MinInt64)
	for s := 0; s < ns; s++ {
		maxS = max(maxS, pi[nw+s])
	}
	inCand := make([]int32, ns)
	for i := range inCand {
		inCand[i] = -1
	}
	added := false
	b2 := pr.b * pr.b
	for w := 0; w < nw; w++ {
		for _, a := range pr.cands[w] {
			inCand[a.s] = int32(w)
		}
		thr := maxS - pi[w] // a violating arc costs less than this
		var extra []arc
		check := func(s int32, hops int32) {
			if inCand[s] == int32(w) || !pr.eligible(w, s) {
				return
			}
			c := pr.cost(w, s, hops)
			if c+pi[w]-pi[nw+int(s)] < 0 {
				extra = append(extra, arc{s, c})
			}
		}
		pr.bfs(pr.weak[w], func(u, hops int32) {
			if s := pr.sIx[u]; s >= 0 {
				check(s, hops)
			}
		}, func(level int32) bool { return int64(level+1)*b2 < thr })
		if int64(pr.m.n)*b2 < thr {
			for s := int32(0); s < int32(ns); s++ {
				if !pr.reached(pr.strong[s]) {
					check(s, -1)
				}
			}
		}
		if len(extra) > 0 {
			pr.cands[w] = mergeArcs(pr.cands[w], extra)
			added = true
		}
	}
	return added
}

type item struct {
	d int64
	v int32
}

type distHeap []item

func (h distHeap) Len() int { return len(h) }
func (h distHeap) Less(i, j int) bool {
	return h[i].d < h[j].d || h[i].d == h[j].d && h[i].v < h[j].v
}
func (h distHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *distHeap) Push(x any)   { *h = append(*h, x.(item)) }
func (h *distHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}
