package plan

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/orgnet/orgnet/graph"
)

// Strategy says how a plan is made.
type Strategy string

// The strategies. Today is not an input: it marks the plan Problem.Today
// returns.
const (
	Manual    Strategy = "MANUAL"
	Balanced  Strategy = "BALANCED"
	Community Strategy = "COMMUNITY"
	Pairings  Strategy = "PAIRINGS"
	Today     Strategy = "TODAY"
)

// Strategies lists the strategies Simulate accepts.
var Strategies = []Strategy{Manual, Balanced, Community, Pairings}

// Input is one simulation request.
type Input struct {
	Strategy Strategy `json:"strategy"`
	// Seed makes the result reproducible: the same problem, input and seed
	// give the same plan.
	Seed int64 `json:"seed"`
	// K is the number of alliances (BALANCED). 0 asks for as many as the
	// constraints allow (max-p): each alliance then needs MinSize members,
	// MinTotalStrength strength and, with RequireStrong, a strong unit.
	K int `json:"k"`
	// Grouping maps every unit id to an alliance key: required for MANUAL
	// (every unit exactly once; GroupingOf builds it from lists); for
	// PAIRINGS the grouping to pair within (today's when nil). A key that is
	// the id of a current alliance continues that alliance.
	Grouping map[string]string `json:"grouping,omitempty"`
	// Pairings are the pairings to evaluate (MANUAL). Nil keeps today's.
	Pairings []Pairing `json:"pairings,omitempty"`
	// Pair also chooses new pairings for the new grouping, as PAIRINGS does
	// (MANUAL without Pairings, BALANCED, COMMUNITY); with
	// PairWithinAlliance, BALANCED and COMMUNITY then also make sure every
	// alliance has mentors enough for its weak units. Without Pair, today's
	// pairings are kept as they are.
	Pair bool `json:"pair"`
	// MoveCost (BALANCED, ≥ 0) is what moving a unit away from its current
	// alliance costs, in the units of the objective CV(population)² +
	// CV(strength)²: moving every unit costs MoveCost. 0 still prefers, among
	// equally balanced plans, the one that moves fewer units.
	MoveCost float64 `json:"moveCost"`
	// Resolution is the Louvain resolution (COMMUNITY; 0 means 1): higher
	// gives more, smaller communities.
	Resolution float64 `json:"resolution"`
	// Constraints apply to every strategy (PAIRINGS keeps the grouping and
	// checks only the pairing constraints).
	Constraints Constraints `json:"constraints"`
}

// Constraints are what every plan must meet. Zero values mean "no limit",
// except RequireContiguous and RequireStrong, which are on unless set false.
type Constraints struct {
	// MinSize and MaxSize bound the members of each alliance (0: no bound).
	MinSize int `json:"minSize"`
	MaxSize int `json:"maxSize"`
	// MinTotalStrength is the least total strength of each alliance.
	MinTotalStrength float64 `json:"minTotalStrength"`
	// Together lists sets of units that must share an alliance.
	Together [][]string `json:"together,omitempty"`
	// Apart lists sets of units no two of which may share an alliance.
	Apart [][]string `json:"apart,omitempty"`
	// Fixed pins units to alliance keys: units with the same key share an
	// alliance, which gets that key (a current alliance's id continues it);
	// units with different keys are in different alliances.
	Fixed map[string]string `json:"fixed,omitempty"`
	// MaxMenteesPerMentor caps the weak units one strong unit mentors. 0
	// means max(2, ceil(weak/strong)).
	MaxMenteesPerMentor int `json:"maxMenteesPerMentor"`
	// PairWithinAlliance allows a mentor only from the mentee's own alliance.
	PairWithinAlliance bool `json:"pairWithinAlliance"`
	// RequireContiguous: every alliance is connected in the adjacency graph
	// (nil means true).
	RequireContiguous *bool `json:"requireContiguous,omitempty"`
	// RequireStrong: every alliance has a strong unit (nil means true).
	RequireStrong *bool `json:"requireStrong,omitempty"`
}

// Contiguous reports whether alliances must be contiguous.
func (c Constraints) Contiguous() bool { return c.RequireContiguous == nil || *c.RequireContiguous }

// Strong reports whether every alliance needs a strong unit.
func (c Constraints) Strong() bool { return c.RequireStrong == nil || *c.RequireStrong }

// DefaultMaxMentees is the least default capacity of a mentor.
const DefaultMaxMentees = 2

// GroupingOf turns alliance lists into a Grouping, refusing a unit listed
// twice or an empty key. Returns ErrInvalid.
func GroupingOf(groups []AllianceGroup) (map[string]string, error) {
	g := map[string]string{}
	for i, a := range groups {
		if a.Key == "" {
			return nil, graph.Invalidf("grouping", "alliance %d has no key", i+1)
		}
		for _, m := range a.Members {
			if k, dup := g[m]; dup {
				return nil, graph.Invalidf("grouping", "unit %q is listed in %q and in %q; every unit belongs to exactly one alliance", m, k, a.Key)
			}
			g[m] = a.Key
		}
	}
	return g, nil
}

// model is a Problem with an Input's constraints resolved to indexes.
type model struct {
	p        *Problem
	in       Input
	n        int
	pop, str []float64
	strong   []bool
	adj      [][]int32 // the real adjacency
	// gadj is the adjacency that growth and moves follow: adj, plus links
	// between the parts of the map when contiguity is not required.
	gadj       [][]int32
	contiguous bool
	needStrong bool
	minSize    int
	maxSize    int // 0: none
	minStr     float64
	// pairCap > 0 when every alliance must hold mentors for its own weak
	// units (Pair with PairWithinAlliance): weak ≤ strong × pairCap.
	pairCap int
	// blocks: units that move together (Together groups and units fixed to
	// one key, closed transitively).
	block    []int32
	blocks   [][]int32
	blockKey []string  // fixed key of a block or ""
	apart    [][]int32 // per block: blocks it must not share an alliance with
	keys     []string  // distinct fixed keys, sorted
	keyBlock []int32   // block of each key
	// components of the adjacency graph
	comp  []int32
	comps [][]int32
}

func (in Input) validate() error {
	if !slices.Contains(Strategies, in.Strategy) {
		return graph.Invalidf("strategy", "strategy %q is not one of %v", in.Strategy, Strategies)
	}
	if in.K < 0 {
		return graph.Invalidf("k", "k must be ≥ 0, got %d", in.K)
	}
	if in.K > 0 && in.Strategy != Balanced {
		return graph.Invalidf("k", "k applies to BALANCED only (%s chooses the number of alliances itself); leave it 0", in.Strategy)
	}
	if len(in.Grouping) > 0 && in.Strategy != Manual && in.Strategy != Pairings {
		return graph.Invalidf("grouping", "grouping applies to MANUAL and PAIRINGS; %s makes its own", in.Strategy)
	}
	if in.Pairings != nil && in.Strategy != Manual {
		return graph.Invalidf("pairings", "pairings apply to MANUAL only; set pair to have %s choose them", in.Strategy)
	}
	if math.IsNaN(in.MoveCost) || math.IsInf(in.MoveCost, 0) || in.MoveCost < 0 {
		return graph.Invalidf("moveCost", "moveCost must be a number ≥ 0, got %v", in.MoveCost)
	}
	if math.IsNaN(in.Resolution) || math.IsInf(in.Resolution, 0) || in.Resolution < 0 {
		return graph.Invalidf("resolution", "resolution must be a number ≥ 0, got %v", in.Resolution)
	}
	c := in.Constraints
	if c.MinSize < 0 {
		return graph.Invalidf("constraints.minSize", "constraints.minSize must be ≥ 0, got %d", c.MinSize)
	}
	if c.MaxSize < 0 {
		return graph.Invalidf("constraints.maxSize", "constraints.maxSize must be ≥ 0, got %d", c.MaxSize)
	}
	if c.MaxSize > 0 && c.MinSize > c.MaxSize {
		return graph.Invalidf("constraints.minSize", "constraints.minSize %d is above constraints.maxSize %d", c.MinSize, c.MaxSize)
	}
	if math.IsNaN(c.MinTotalStrength) || math.IsInf(c.MinTotalStrength, 0) || c.MinTotalStrength < 0 {
		return graph.Invalidf("constraints.minTotalStrength", "constraints.minTotalStrength must be a number ≥ 0, got %v", c.MinTotalStrength)
	}
	if c.MaxMenteesPerMentor < 0 {
		return graph.Invalidf("constraints.maxMenteesPerMentor", "constraints.maxMenteesPerMentor must be ≥ 0, got %d", c.MaxMenteesPerMentor)
	}
	return nil
}

// newModel resolves the input against the problem and checks what can be
// checked without a grouping.
func newModel(p *Problem, in Input) (*model, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	n := len(p.Units)
	if n == 0 {
		return nil, graph.Invalidf("units", "there are no units (villages or communities) to plan with")
	}
	c := in.Constraints
	m := &model{p: p, in: in, n: n, adj: p.adj,
		contiguous: c.Contiguous(), needStrong: c.Strong(),
		minSize: c.MinSize, maxSize: c.MaxSize, minStr: c.MinTotalStrength}
	m.pop = make([]float64, n)
	m.str = make([]float64, n)
	m.strong = make([]bool, n)
	for i, u := range p.Units {
		m.pop[i], m.str[i], m.strong[i] = u.Population, u.Strength, u.Strong
	}
	if in.Pair && c.PairWithinAlliance && in.Strategy != Pairings {
		m.pairCap = m.capacity()
		strong := 0
		for _, s := range m.strong {
			if s {
				strong++
			}
		}
		if n-strong > strong*m.pairCap {
			return nil, graph.Invalidf("constraints.maxMenteesPerMentor", "%d weak units need a mentor but %d strong units × constraints.maxMenteesPerMentor %d give only %d places (%s)", n-strong, strong, m.pairCap, strong*m.pairCap, p.StrongBasis)
		}
	}
	m.components()
	m.gadj = m.adj
	if !m.contiguous && len(m.comps) > 1 {
		m.gadj = make([][]int32, n)
		for i := range m.adj {
			m.gadj[i] = slices.Clone(m.adj[i])
		}
		for c := 1; c < len(m.comps); c++ {
			a, b := m.comps[c-1][0], m.comps[c][0]
			m.gadj[a] = append(m.gadj[a], b)
			m.gadj[b] = append(m.gadj[b], a)
		}
	}

	// Blocks: union-find over Together groups and same-key Fixed units.
	parent := make([]int32, n)
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
	union := func(a, b int32) {
		ra, rb := find(a), find(b)
		if ra < rb {
			parent[rb] = ra
		} else if rb < ra {
			parent[ra] = rb
		}
	}
	lookup := func(field, id string) (int32, error) {
		i, ok := p.index[id]
		if !ok {
			return 0, graph.Invalidf(field, "%s names %q, which is not a unit", field, id)
		}
		return int32(i), nil
	}
	for _, g := range c.Together {
		var first int32 = -1
		for _, id := range g {
			i, err := lookup("constraints.together", id)
			if err != nil {
				return nil, err
			}
			if first < 0 {
				first = i
			} else {
				union(first, i)
			}
		}
	}
	keyOf := make([]string, n)
	fixedIDs := make([]string, 0, len(c.Fixed))
	for id := range c.Fixed {
		fixedIDs = append(fixedIDs, id)
	}
	slices.Sort(fixedIDs)
	firstOfKey := map[string]int32{}
	for _, id := range fixedIDs {
		key := c.Fixed[id]
		i, err := lookup("constraints.fixed", id)
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, graph.Invalidf("constraints.fixed", "constraints.fixed gives unit %q an empty alliance key", id)
		}
		keyOf[i] = key
		if f, ok := firstOfKey[key]; ok {
			union(f, i)
		} else {
			firstOfKey[key] = i
			m.keys = append(m.keys, key)
		}
	}
	slices.Sort(m.keys)
	m.block = make([]int32, n)
	rootBlock := map[int32]int32{}
	for i := 0; i < n; i++ {
		r := find(int32(i))
		b, ok := rootBlock[r]
		if !ok {
			b = int32(len(m.blocks))
			rootBlock[r] = b
			m.blocks = append(m.blocks, nil)
			m.blockKey = append(m.blockKey, "")
		}
		m.block[i] = b
		m.blocks[b] = append(m.blocks[b], int32(i))
		if k := keyOf[i]; k != "" {
			if old := m.blockKey[b]; old != "" && old != k {
				return nil, graph.Invalidf("constraints.together", "constraints.together puts units fixed to different alliances together (%q to %q, and another to %q)", p.Units[i].ID, k, old)
			}
			m.blockKey[b] = k
		}
	}
	m.keyBlock = make([]int32, len(m.keys))
	for i, k := range m.keys {
		m.keyBlock[i] = m.block[firstOfKey[k]]
	}

	// Apart pairs between blocks.
	m.apart = make([][]int32, len(m.blocks))
	addApart := func(a, b int32) {
		m.apart[a] = append(m.apart[a], b)
		m.apart[b] = append(m.apart[b], a)
	}
	for gi, g := range c.Apart {
		seen := map[int32]string{}
		for _, id := range g {
			i, err := lookup("constraints.apart", id)
			if err != nil {
				return nil, err
			}
			b := m.block[i]
			if other, dup := seen[b]; dup {
				if other == id {
					continue
				}
				return nil, graph.Invalidf("constraints.apart", "constraints.apart (set %d) keeps %q and %q apart, but constraints.together or constraints.fixed puts them together", gi+1, other, id)
			}
			for ob := range seen {
				addApart(ob, b)
			}
			seen[b] = id
		}
	}
	for i := range m.keyBlock {
		for j := i + 1; j < len(m.keyBlock); j++ {
			addApart(m.keyBlock[i], m.keyBlock[j])
		}
	}
	for b := range m.apart {
		slices.Sort(m.apart[b])
		m.apart[b] = slices.Compact(m.apart[b])
	}

	// Checks that need no grouping.
	for b, mem := range m.blocks {
		if len(mem) < 2 {
			continue
		}
		if m.maxSize > 0 && len(mem) > m.maxSize {
			return nil, graph.Invalidf(m.blockField(b), "%s puts %d units together (%s) but constraints.maxSize is %d", m.blockField(b), len(mem), listIDs(m.ids(mem)), m.maxSize)
		}
		if m.contiguous {
			for _, u := range mem[1:] {
				if m.comp[u] != m.comp[mem[0]] {
					return nil, graph.Invalidf(m.blockField(b), "%s puts %q and %q in one alliance, but they lie in separate parts of the map that no contiguous alliance can join (constraints.requireContiguous)", m.blockField(b), p.Units[mem[0]].ID, p.Units[u].ID)
				}
			}
		}
	}
	return m, nil
}

// blockField names the constraint that made a block: fixed when it has a key.
func (m *model) blockField(b int) string {
	if m.blockKey[b] != "" {
		return "constraints.fixed"
	}
	return "constraints.together"
}

func (m *model) ids(units []int32) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = m.p.Units[u].ID
	}
	return out
}

func (m *model) components() {
	m.comp = make([]int32, m.n)
	for i := range m.comp {
		m.comp[i] = -1
	}
	var queue []int32
	for s := 0; s < m.n; s++ {
		if m.comp[s] >= 0 {
			continue
		}
		c := int32(len(m.comps))
		m.comp[s] = c
		queue = append(queue[:0], int32(s))
		var members []int32
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			members = append(members, u)
			for _, v := range m.adj[u] {
				if m.comp[v] < 0 {
					m.comp[v] = c
					queue = append(queue, v)
				}
			}
		}
		slices.Sort(members)
		m.comps = append(m.comps, members)
	}
}

// part is what the up-front checks know of a connected part of the map (or
// of the whole map when contiguity is not required).
type part struct {
	units            []int32
	strong           int
	str              float64
	keys             int
	apartMax         int
	lo, hi           int
	loWhy, hiWhy     string
	loField, hiField string
}

func (m *model) parts() []part {
	groups := m.comps
	if !m.contiguous {
		all := make([]int32, m.n)
		for i := range all {
			all[i] = int32(i)
		}
		groups = [][]int32{all}
	}
	partOf := make([]int, m.n)
	for gi, g := range groups {
		for _, u := range g {
			partOf[u] = gi
		}
	}
	parts := make([]part, len(groups))
	for gi, g := range groups {
		pt := &parts[gi]
		pt.units = g
		for _, u := range g {
			if m.strong[u] {
				pt.strong++
			}
			pt.str += m.str[u]
		}
	}
	for _, b := range m.keyBlock {
		parts[partOf[m.blocks[b][0]]].keys++
	}
	for _, g := range m.in.Constraints.Apart {
		count := map[int]map[int32]bool{}
		for _, id := range g {
			u := m.p.index[id]
			if count[partOf[u]] == nil {
				count[partOf[u]] = map[int32]bool{}
			}
			count[partOf[u]][m.block[u]] = true
		}
		for pi, bs := range count {
			if len(bs) > parts[pi].apartMax {
				parts[pi].apartMax = len(bs)
			}
		}
	}
	for i := range parts {
		pt := &parts[i]
		nc := len(pt.units)
		pt.lo, pt.loWhy, pt.loField = 1, "it needs one alliance", "constraints.requireContiguous"
		raise := func(v int, why, field string) {
			if v > pt.lo {
				pt.lo, pt.loWhy, pt.loField = v, why, field
			}
		}
		if m.maxSize > 0 {
			raise((nc+m.maxSize-1)/m.maxSize, fmt.Sprintf("constraints.maxSize %d needs at least %d alliances for its %d units", m.maxSize, (nc+m.maxSize-1)/m.maxSize, nc), "constraints.maxSize")
		}
		raise(pt.keys, fmt.Sprintf("constraints.fixed names %d alliances in it", pt.keys), "constraints.fixed")
		raise(pt.apartMax, fmt.Sprintf("constraints.apart keeps %d of its units apart", pt.apartMax), "constraints.apart")
		pt.hi, pt.hiWhy, pt.hiField = nc, fmt.Sprintf("it has %d units", nc), "k"
		lower := func(v int, why, field string) {
			if v < pt.hi {
				pt.hi, pt.hiWhy, pt.hiField = v, why, field
			}
		}
		if m.needStrong {
			lower(pt.strong, fmt.Sprintf("it has %d strong units and every alliance needs one (constraints.requireStrong)", pt.strong), "constraints.requireStrong")
		}
		if m.minSize > 0 {
			lower(nc/m.minSize, fmt.Sprintf("constraints.minSize %d allows at most %d alliances of its %d units", m.minSize, nc/m.minSize, nc), "constraints.minSize")
		}
		if m.minStr > 0 {
			v := int(math.Floor(pt.str/m.minStr + 1e-9))
			lower(v, fmt.Sprintf("its total strength %s allows at most %d alliances of constraints.minTotalStrength %s", fmtNum(pt.str), v, fmtNum(m.minStr)), "constraints.minTotalStrength")
		}
	}
	return parts
}

// where describes a part for a message.
func (m *model) where(pt part) string {
	if !m.contiguous || len(m.comps) == 1 {
		return "the map"
	}
	return fmt.Sprintf("the connected part of the map around %q (%d units)", m.p.Units[pt.units[0]].ID, len(pt.units))
}

// checkParts checks that every part can hold at least one alliance and, for
// k > 0, that k alliances can be spread over the parts. It returns how many
// alliances each part gets (k > 0).
func (m *model) checkParts(k int) ([]int, error) {
	parts := m.parts()
	if k > 0 {
		// Global checks first: their messages are the plainest.
		if k > m.n {
			return nil, graph.Invalidf("k", "k = %d alliances, but there are only %d units", k, m.n)
		}
		if m.maxSize > 0 && k*m.maxSize < m.n {
			return nil, graph.Invalidf("constraints.maxSize", "%d alliances of at most constraints.maxSize %d members hold %d units, fewer than the %d units", k, m.maxSize, k*m.maxSize, m.n)
		}
		if m.minSize > 0 && k*m.minSize > m.n {
			return nil, graph.Invalidf("constraints.minSize", "%d alliances of at least constraints.minSize %d members need %d units, but there are %d", k, m.minSize, k*m.minSize, m.n)
		}
		if m.needStrong {
			strong := 0
			for _, s := range m.strong {
				if s {
					strong++
				}
			}
			if k > strong {
				return nil, graph.Invalidf("constraints.requireStrong", "%d alliances each need a strong unit (constraints.requireStrong), but only %d units are strong (%s)", k, strong, m.p.StrongBasis)
			}
		}
		if m.minStr > 0 {
			total := 0.0
			for _, s := range m.str {
				total += s
			}
			if float64(k)*m.minStr > total+1e-9 {
				return nil, graph.Invalidf("constraints.minTotalStrength", "%d alliances of constraints.minTotalStrength %s need %s in all, but the units' total strength is %s", k, fmtNum(m.minStr), fmtNum(float64(k)*m.minStr), fmtNum(total))
			}
		}
		if len(m.keys) > k {
			return nil, graph.Invalidf("constraints.fixed", "constraints.fixed names %d alliances, more than k = %d", len(m.keys), k)
		}
		for gi, g := range m.in.Constraints.Apart {
			bs := map[int32]bool{}
			for _, id := range g {
				bs[m.block[m.p.index[id]]] = true
			}
			if len(bs) > k {
				return nil, graph.Invalidf("constraints.apart", "constraints.apart (set %d) keeps %d units apart, more than k = %d alliances", gi+1, len(bs), k)
			}
		}
		if m.contiguous && k < len(m.comps) {
			return nil, graph.Invalidf("constraints.requireContiguous", "the map falls into %d separate parts and a contiguous alliance cannot span two (constraints.requireContiguous), so k = %d is too few", len(m.comps), k)
		}
	}
	sumLo, sumHi := 0, 0
	for _, pt := range parts {
		if pt.hi < 1 {
			return nil, graph.Invalidf(pt.hiField, "%s cannot hold any alliance: %s", m.where(pt), pt.hiWhy)
		}
		if pt.lo > pt.hi {
			return nil, graph.Invalidf(pt.hiField, "%s needs at least %d alliances (%s) but allows at most %d (%s)", m.where(pt), pt.lo, pt.loWhy, pt.hi, pt.hiWhy)
		}
		sumLo += pt.lo
		sumHi += pt.hi
	}
	if k == 0 {
		return nil, nil
	}
	if k < sumLo {
		worst := parts[0]
		for _, pt := range parts {
			if pt.lo > worst.lo {
				worst = pt
			}
		}
		return nil, graph.Invalidf(worst.loField, "k = %d alliances are too few: the parts of the map need at least %d (%s needs %d: %s)", k, sumLo, m.where(worst), worst.lo, worst.loWhy)
	}
	if k > sumHi {
		worst := parts[0]
		for _, pt := range parts {
			if pt.hi < len(pt.units) {
				worst = pt
				break
			}
		}
		return nil, graph.Invalidf(worst.hiField, "k = %d alliances are too many: the parts of the map allow at most %d (%s allows %d: %s)", k, sumHi, m.where(worst), worst.hi, worst.hiWhy)
	}
	// Spread k over the parts: each its lower bound, the rest in proportion
	// to size (largest remainder), within upper bounds.
	alloc := make([]int, len(parts))
	left := k
	for i, pt := range parts {
		alloc[i] = pt.lo
		left -= pt.lo
	}
	for left > 0 {
		best, bestGap := -1, math.Inf(-1)
		for i, pt := range parts {
			if alloc[i] >= pt.hi {
				continue
			}
			want := float64(len(pt.units)) * float64(k) / float64(m.n)
			if gap := want - float64(alloc[i]); gap > bestGap {
				best, bestGap = i, gap
			}
		}
		alloc[best]++
		left--
	}
	return alloc, nil
}

// sortedKeys returns the keys of a string map, sorted.
func sortedKeys(mp map[string]string) []string {
	out := make([]string, 0, len(mp))
	for k := range mp {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
