package plan

import (
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

// Input is one simulation request. Pointer fields are optional: nil takes
// the default its comment gives; a value given must be in the range its
// comment gives, or Simulate refuses it (ErrInvalid naming the field and
// the value) rather than read it as "no limit".
type Input struct {
	Strategy Strategy `json:"strategy"`
	// Seed makes the result reproducible: the same problem, input and seed
	// give the same plan.
	Seed int64 `json:"seed"`
	// K is the number of alliances (BALANCED only). nil: today's number of
	// alliances among the units (len(Problem.Alliances)); 0: as many as the
	// constraints allow (max-p: each alliance then needs MinSize members,
	// MinTotalStrength strength and, with RequireStrong, a strong unit).
	// Must be ≥ 0 and at most the number of units.
	K *int `json:"k,omitempty"`
	// Grouping maps every unit id to an alliance key: required for MANUAL
	// (every unit exactly once; GroupingOf builds it from lists); for
	// PAIRINGS the grouping to pair within (today's when nil). A key that is
	// the id of a current alliance continues that alliance; any other key
	// makes a new one, and may not begin "alliance:".
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
	// Resolution is the Louvain resolution (COMMUNITY only; nil: 1; > 0):
	// higher gives more, smaller communities.
	Resolution *float64 `json:"resolution,omitempty"`
	// Names name alliances of the plan (see Name); the others keep the name
	// of the alliance they continue or are named after their lead unit.
	Names []Name `json:"names,omitempty"`
	// Constraints apply to every strategy (PAIRINGS keeps the grouping and
	// takes only the pairing constraints).
	Constraints Constraints `json:"constraints"`
}

// Name names one alliance of a plan: the one that holds Unit, or the one
// whose key is Key (a Grouping or Fixed key, or the id of the current
// alliance it continues). Exactly one of Unit and Key is set.
type Name struct {
	Unit   string `json:"unit,omitempty"`
	Key    string `json:"key,omitempty"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn,omitempty"`
}

// Constraints are what every plan must meet. Pointer fields are optional
// (nil: the default in their comment); RequireContiguous and RequireStrong
// are on unless set false.
type Constraints struct {
	// MinSize is the fewest members of an alliance (nil: DefaultMinSize;
	// ≥ 1).
	MinSize *int `json:"minSize,omitempty"`
	// MaxSize is the most members of an alliance (nil: no bound; ≥ 1, and
	// ≥ MinSize).
	MaxSize *int `json:"maxSize,omitempty"`
	// MinTotalStrength is the least total strength of each alliance (nil:
	// none; > 0).
	MinTotalStrength *float64 `json:"minTotalStrength,omitempty"`
	// Together lists sets of units (two or more each) that must share an
	// alliance.
	Together [][]string `json:"together,omitempty"`
	// Apart lists sets of units (two or more each) no two of which may
	// share an alliance.
	Apart [][]string `json:"apart,omitempty"`
	// Fixed pins units to today's alliances: unit id → the id of one of
	// Problem.Alliances, which the plan continues with the unit in it.
	// Units fixed to different alliances are in different alliances. (To
	// keep units together in a new alliance, use Together.)
	Fixed map[string]string `json:"fixed,omitempty"`
	// MaxMenteesPerMentor caps the weak units one strong unit mentors (nil:
	// max(DefaultMaxMentees, ceil(weak units / strong units)); ≥ 1). It
	// applies only where pairings are chosen or evaluated (Pair, PAIRINGS,
	// MANUAL with Pairings).
	MaxMenteesPerMentor *int `json:"maxMenteesPerMentor,omitempty"`
	// PairWithinAlliance allows a mentor only from the mentee's own
	// alliance; like MaxMenteesPerMentor, only where pairings are chosen or
	// evaluated.
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

// Defaults.
const (
	// DefaultMinSize is the fewest members of an alliance when the planner
	// sets none: an alliance of one unit is no alliance.
	DefaultMinSize = 2
	// DefaultMaxMentees is the least default capacity of a mentor.
	DefaultMaxMentees = 2
)

// minSize is the least number of members, default applied.
func (c Constraints) minSize() int {
	if c.MinSize == nil {
		return DefaultMinSize
	}
	return *c.MinSize
}

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
		contiguous: c.Contiguous(), needStrong: c.Strong(), minSize: c.minSize()}
	if in.Strategy == Pairings {
		m.minSize = 0
	}
	if c.MaxSize != nil {
		m.maxSize = *c.MaxSize
	}
	if c.MinTotalStrength != nil {
		m.minStr = *c.MinTotalStrength
	}
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
			return 0, p.notAUnit(field, id)
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
		if _, ok := p.allianceIx[key]; !ok {
			return nil, p.notAnAlliance("constraints.fixed", key, id)
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

// sortedKeys returns the keys of a string map, sorted.
func sortedKeys(mp map[string]string) []string {
	out := make([]string, 0, len(mp))
	for k := range mp {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
