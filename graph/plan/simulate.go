package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// grouping is a plan's alliances by unit index.
type grouping struct {
	groups [][]int32
	keys   []string // planner's keys (MANUAL) or fixed keys ("" none); nil for none
}

// Simulate makes a plan for p as in asks. Returns ErrInvalid (a *graph.Error
// whose Field names the input or constraint at fault) when the input is
// malformed or cannot be met, and ctx's error when it is cancelled.
func Simulate(ctx context.Context, p *Problem, in Input) (*Plan, error) {
	m, err := newModel(p, in)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(in.Seed), 0x6f72676e6574))
	var gr grouping
	switch in.Strategy {
	case Manual:
		gr, err = m.manual()
	case Balanced:
		gr, err = m.balanced(ctx, rng)
	case Community:
		gr, err = m.community(ctx, rng, true)
	case Pairings:
		gr, err = m.givenOrToday()
	}
	if err != nil {
		return nil, err
	}
	groupOf := make([]int32, m.n)
	for i := range groupOf {
		groupOf[i] = -1
	}
	for g, mem := range gr.groups {
		for _, u := range mem {
			groupOf[u] = int32(g)
		}
	}
	var pairs []Pairing
	switch {
	case in.Strategy == Manual && in.Pairings != nil:
		pairs, err = m.checkPairings(in.Pairings, groupOf)
	case in.Strategy == Pairings || in.Pair:
		pairs, err = m.pair(ctx, groupOf)
	default:
		pairs = slices.Clone(p.Pairings)
	}
	if err != nil {
		return nil, err
	}
	pl, err := buildPlan(p, gr, pairs, in.Names)
	if err != nil {
		return nil, err
	}
	pl.Strategy, pl.Seed, pl.Within, pl.Settings = in.Strategy, in.Seed, p.Within, m.settings()
	pl.Metrics = Evaluate(p, pl)
	pl.Today = Evaluate(p, p.Today())
	pl.Warnings = slices.Clone(p.Warnings)
	return pl, nil
}

// regionsToGrouping turns a region per unit into groups with their fixed
// keys.
func (m *model) regionsToGrouping(region []int32, k int) grouping {
	gr := grouping{groups: make([][]int32, k), keys: make([]string, k)}
	for u, r := range region {
		gr.groups[r] = append(gr.groups[r], int32(u))
		if key := m.blockKey[m.block[u]]; key != "" {
			gr.keys[r] = key
		}
	}
	out := grouping{}
	for g, mem := range gr.groups {
		if len(mem) > 0 {
			out.groups = append(out.groups, mem)
			out.keys = append(out.keys, gr.keys[g])
		}
	}
	return out
}

// readGrouping checks that g names every unit exactly once, with non-empty
// keys, and returns its groups (keys sorted).
func (m *model) readGrouping(g map[string]string) (grouping, []int32, error) {
	if len(g) == 0 {
		return grouping{}, nil, graph.Invalidf("grouping", "grouping is required: give every unit an alliance key")
	}
	keyIx := map[string]int32{}
	var keys []string
	for _, id := range sortedKeys(g) {
		if _, ok := m.p.index[id]; !ok {
			return grouping{}, nil, m.p.notAUnit("grouping", id)
		}
		k := g[id]
		if k == "" {
			return grouping{}, nil, graph.Invalidf("grouping", "grouping gives unit %q an empty alliance key", id)
		}
		if _, current := m.p.allianceIx[k]; !current && strings.HasPrefix(k, "alliance:") {
			return grouping{}, nil, graph.Invalidf("grouping", "grouping puts unit %q in %q, which looks like an alliance id but is not one of today's alliances of the units planned; a new alliance's key may not begin \"alliance:\"", id, k)
		}
		if _, ok := keyIx[k]; !ok {
			keyIx[k] = 0
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		keyIx[k] = int32(i)
	}
	var missing []string
	region := make([]int32, m.n)
	gr := grouping{groups: make([][]int32, len(keys)), keys: keys}
	for i, u := range m.p.Units {
		k, ok := g[u.ID]
		if !ok {
			missing = append(missing, u.ID)
			continue
		}
		region[i] = keyIx[k]
		gr.groups[keyIx[k]] = append(gr.groups[keyIx[k]], int32(i))
	}
	if len(missing) > 0 {
		return grouping{}, nil, graph.Invalidf("grouping", "grouping leaves out %d unit(s) (%s); every unit belongs to exactly one alliance", len(missing), listIDs(missing))
	}
	return gr, region, nil
}

// manual checks the planner's grouping against every constraint.
func (m *model) manual() (grouping, error) {
	gr, region, err := m.readGrouping(m.in.Grouping)
	if err != nil {
		return grouping{}, err
	}
	for _, id := range sortedKeys(m.in.Constraints.Fixed) {
		if want, got := m.in.Constraints.Fixed[id], m.in.Grouping[id]; want != got {
			return grouping{}, graph.Invalidf("constraints.fixed", "constraints.fixed pins %q to %q but the grouping puts it in %q", id, want, got)
		}
	}
	for b, mem := range m.blocks {
		for _, u := range mem[1:] {
			if region[u] != region[mem[0]] {
				return grouping{}, graph.Invalidf(m.blockField(b), "%s keeps %q and %q together but the grouping puts them in %q and %q",
					m.blockField(b), m.p.Units[mem[0]].ID, m.p.Units[u].ID, gr.keys[region[mem[0]]], gr.keys[region[u]])
			}
		}
	}
	s := newState(m, len(gr.groups), region, objBalance)
	s.names = gr.keys
	if vs := s.violations(); len(vs) > 0 {
		more := ""
		if len(vs) > 1 {
			more = fmt.Sprintf(" (and %d more violation(s))", len(vs)-1)
		}
		v := vs[0]
		return grouping{}, graph.Invalidf(v.field, "the grouping breaks %s: %s%s", v.field, v.msg, more)
	}
	return gr, nil
}

// givenOrToday is the grouping PAIRINGS pairs within: the input's, or
// today's (units in no alliance stay out).
func (m *model) givenOrToday() (grouping, error) {
	if len(m.in.Grouping) > 0 {
		gr, _, err := m.readGrouping(m.in.Grouping)
		return gr, err
	}
	gr := grouping{groups: make([][]int32, len(m.p.Alliances)), keys: make([]string, len(m.p.Alliances))}
	for i, a := range m.p.Alliances {
		gr.keys[i] = a.ID
	}
	for u, a := range m.p.current {
		if a >= 0 {
			gr.groups[a] = append(gr.groups[a], int32(u))
		}
	}
	return gr, nil
}

// saSteps is the annealing budget: 200 tries per unit, capped so that a
// city of 2,500 units takes well under a second.
func saSteps(n int) int {
	return min(200*n, 400000)
}

// balanced finds k even, contiguous alliances (k = 0: as many as allowed).
func (m *model) balanced(ctx context.Context, rng *rand.Rand) (grouping, error) {
	k := m.p.DefaultK()
	if m.in.K != nil {
		k = *m.in.K
	}
	var alloc []int
	var err error
	if k > 0 {
		if alloc, err = m.checkParts(k); err != nil {
			return grouping{}, err
		}
	} else if _, err = m.checkParts(0); err != nil {
		return grouping{}, err
	}
	var worst *state
	const attempts = 4
	for attempt := 0; attempt < attempts; attempt++ {
		if err := ctx.Err(); err != nil {
			return grouping{}, err
		}
		var region, home []int32
		kk := k
		switch {
		case k == 0:
			region, kk = m.maxP(rng)
		case attempt == 0:
			region, home = m.todayStart(k)
		}
		if region == nil {
			var seeded int
			region, seeded = newGrower(m, rng).growK(k, alloc)
			if seeded < k {
				// Fixed alliances took the room seeds needed: try again.
				continue
			}
		}
		s := newState(m, kk, region, objBalance)
		if home == nil {
			home = m.homes(region, kk)
		}
		s.setHomes(home)
		if _, err := s.descend(ctx, rng, false); err != nil {
			return grouping{}, err
		}
		if err := s.anneal(ctx, rng, saSteps(m.n)); err != nil {
			return grouping{}, err
		}
		if _, err := s.descend(ctx, rng, false); err != nil {
			return grouping{}, err
		}
		if s.score().v <= epsV {
			return m.regionsToGrouping(s.region, kk), nil
		}
		if worst == nil || less(s.score(), worst.score()) {
			worst = s
		}
	}
	if worst == nil {
		return grouping{}, graph.Invalidf("k", "BALANCED could not start %d alliances: the fixed alliances leave too few units free to seed the others", k)
	}
	return grouping{}, worst.failure("BALANCED")
}

// homes matches regions to today's alliances and returns, per unit, the
// region that continues its current alliance (-1 for none).
func (m *model) homes(region []int32, k int) []int32 {
	gr := m.regionsToGrouping(region, k)
	match := matchGroups(m.p, gr.groups, gr.keys)
	regionOf := make([]int32, len(m.p.Alliances))
	for i := range regionOf {
		regionOf[i] = -1
	}
	for g, a := range match {
		if a >= 0 {
			regionOf[a] = int32(g)
		}
	}
	home := make([]int32, m.n)
	for u := range home {
		home[u] = -1
		if a := m.p.current[u]; a >= 0 {
			home[u] = regionOf[a]
		}
	}
	return home
}

// todayStart starts from today's alliances when there are k of them: units
// in none join a neighbouring alliance, fixed and together units are put
// with their key's alliance or their block's majority. It returns nil when
// today's grouping cannot be a start.
func (m *model) todayStart(k int) (region, home []int32) {
	p := m.p
	if len(p.Alliances) != k {
		return nil, nil
	}
	region = make([]int32, m.n)
	copy(region, p.current)
	home = slices.Clone(p.current)
	for b, mem := range m.blocks {
		if len(mem) < 2 && m.blockKey[b] == "" {
			continue
		}
		var to int32 = -1
		if a, ok := p.allianceIx[m.blockKey[b]]; ok {
			to = int32(a)
		} else {
			count := map[int32]int{}
			for _, u := range mem {
				if r := region[u]; r >= 0 {
					count[r]++
					if to < 0 || count[r] > count[to] || count[r] == count[to] && r < to {
						to = r
					}
				}
			}
		}
		for _, u := range mem {
			region[u] = to
		}
	}
	cnt := make([]int, k)
	for _, r := range region {
		if r >= 0 {
			cnt[r]++
		}
	}
	for changed := true; changed; {
		changed = false
		for u := 0; u < m.n; u++ {
			if region[u] >= 0 {
				continue
			}
			var to int32 = -1
			for _, v := range m.gadj[u] {
				if r := region[v]; r >= 0 && (to < 0 || cnt[r] < cnt[to]) {
					to = r
				}
			}
			if to < 0 {
				continue
			}
			for _, x := range m.blocks[m.block[u]] {
				region[x] = to
				cnt[to]++
			}
			changed = true
		}
	}
	for r := 0; r < k; r++ {
		if cnt[r] == 0 {
			return nil, nil
		}
	}
	for _, r := range region {
		if r < 0 {
			return nil, nil
		}
	}
	return region, home
}

// maxP grows max-p groupings from several seeded starts and keeps the one
// with most regions, then the most even.
func (m *model) maxP(rng *rand.Rand) ([]int32, int) {
	tries := 12
	if m.n > 1000 {
		tries = 6
	}
	var best []int32
	bestK, bestJ := 0, 0.0
	for t := 0; t < tries; t++ {
		region, k := newGrower(m, rng).growMaxP()
		j := balanceOf(m, region, k)
		if best == nil || k > bestK || k == bestK && j < bestJ {
			best, bestK, bestJ = slices.Clone(region), k, j
		}
	}
	return best, bestK
}
