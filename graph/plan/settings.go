package plan

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/orgnet/orgnet/graph"
)

// Settings are the settings a plan was made with, defaults filled in.
type Settings struct {
	// K is the number of alliances asked for (BALANCED; 0: as many as the
	// constraints allow), nil for the other strategies.
	K                   *int     `json:"k,omitempty"`
	MinSize             int      `json:"minSize"`
	MaxSize             *int     `json:"maxSize,omitempty"`
	MinTotalStrength    *float64 `json:"minTotalStrength,omitempty"`
	MaxMenteesPerMentor int      `json:"maxMenteesPerMentor"`
	PairWithinAlliance  bool     `json:"pairWithinAlliance"`
	RequireContiguous   bool     `json:"requireContiguous"`
	RequireStrong       bool     `json:"requireStrong"`
	Pair                bool     `json:"pair"`
	MoveCost            float64  `json:"moveCost"`
	// Resolution is the Louvain resolution (COMMUNITY), nil otherwise.
	Resolution *float64 `json:"resolution,omitempty"`
	// StrongRule says in words which units are strong; StrongUnits and
	// Units count them.
	StrongRule  string `json:"strongRule"`
	StrongUnits int    `json:"strongUnits"`
	Units       int    `json:"units"`
}

// DefaultK is the number of alliances BALANCED makes when Input.K is nil:
// today's number of alliances among the units.
func (p *Problem) DefaultK() int { return len(p.Alliances) }

// Defaults are the settings a plan of strategy s takes when the planner
// sets nothing but the strategy.
func (p *Problem) Defaults(s Strategy) Settings {
	m := &model{p: p, in: Input{Strategy: s}, n: len(p.Units)}
	m.strong = make([]bool, m.n)
	for i, u := range p.Units {
		m.strong[i] = u.Strong
	}
	return m.settings()
}

// settings are the model's input with its defaults filled in.
func (m *model) settings() Settings {
	in, c := m.in, m.in.Constraints
	st := Settings{MinSize: c.minSize(), MaxSize: c.MaxSize, MinTotalStrength: c.MinTotalStrength,
		MaxMenteesPerMentor: m.capacity(), PairWithinAlliance: c.PairWithinAlliance,
		RequireContiguous: c.Contiguous(), RequireStrong: c.Strong(), Pair: in.Pair, MoveCost: in.MoveCost,
		StrongRule: m.p.StrongBasis, Units: m.n}
	for _, s := range m.strong {
		if s {
			st.StrongUnits++
		}
	}
	if in.Strategy == Balanced {
		k := m.p.DefaultK()
		if in.K != nil {
			k = *in.K
		}
		st.K = &k
	}
	if in.Strategy == Community {
		r := m.resolution()
		st.Resolution = &r
	}
	return st
}

// validate checks the input's settings against their documented ranges,
// and refuses those that do nothing for the strategy.
func (in Input) validate() error {
	if !slices.Contains(Strategies, in.Strategy) {
		return graph.Invalidf("strategy", "strategy %q is not one of %v", in.Strategy, Strategies)
	}
	if in.K != nil {
		if in.Strategy != Balanced {
			return graph.Invalidf("k", "k applies to BALANCED only (%s chooses the number of alliances itself); leave it out", in.Strategy)
		}
		if *in.K < 0 {
			return graph.Invalidf("k", "k must be ≥ 0 (0: as many alliances as the constraints allow), got %d", *in.K)
		}
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
	if r := in.Resolution; r != nil {
		if in.Strategy != Community {
			return graph.Invalidf("resolution", "resolution applies to COMMUNITY only; leave it out for %s", in.Strategy)
		}
		if math.IsNaN(*r) || math.IsInf(*r, 0) || *r <= 0 {
			return graph.Invalidf("resolution", "resolution must be a number > 0 (1: Louvain's own), got %v", *r)
		}
	}
	for i, nm := range in.Names {
		if (nm.Unit == "") == (nm.Key == "") {
			return graph.Invalidf("names", "names[%d] (%q) must give exactly one of unit and key", i, nm.Name)
		}
		if strings.TrimSpace(nm.Name) == "" {
			return graph.Invalidf("names", "names[%d] gives an empty name", i)
		}
		if utf8.RuneCountInString(nm.Name) > maxNameLen || utf8.RuneCountInString(nm.NameEn) > maxNameLen {
			return graph.Invalidf("names", "names[%d]: a name is at most %d characters", i, maxNameLen)
		}
	}
	c := in.Constraints
	grouping := in.Strategy != Pairings
	pairing := in.Strategy == Pairings || in.Pair || in.Strategy == Manual && in.Pairings != nil
	if !grouping {
		for _, f := range []struct {
			name string
			set  bool
		}{{"constraints.minSize", c.MinSize != nil}, {"constraints.maxSize", c.MaxSize != nil},
			{"constraints.minTotalStrength", c.MinTotalStrength != nil}, {"constraints.together", len(c.Together) > 0},
			{"constraints.apart", len(c.Apart) > 0}, {"constraints.fixed", len(c.Fixed) > 0}, {"names", len(in.Names) > 0}} {
			if f.set {
				return graph.Invalidf(f.name, "%s shapes a grouping, but PAIRINGS keeps the grouping as it is (or as grouping gives it); leave it out", f.name)
			}
		}
	}
	if !pairing {
		if c.MaxMenteesPerMentor != nil {
			return graph.Invalidf("constraints.maxMenteesPerMentor", "constraints.maxMenteesPerMentor applies to pairings the plan chooses or evaluates; set pair: true (or leave it out: today's pairings are kept as they are)")
		}
		if c.PairWithinAlliance {
			return graph.Invalidf("constraints.pairWithinAlliance", "constraints.pairWithinAlliance applies to pairings the plan chooses or evaluates; set pair: true (or leave it out: today's pairings are kept as they are)")
		}
	}
	if c.MinSize != nil && *c.MinSize < 1 {
		return graph.Invalidf("constraints.minSize", "constraints.minSize must be ≥ 1, got %d", *c.MinSize)
	}
	if c.MaxSize != nil && *c.MaxSize < 1 {
		return graph.Invalidf("constraints.maxSize", "constraints.maxSize must be ≥ 1 (leave it out for no bound), got %d", *c.MaxSize)
	}
	if c.MaxSize != nil && c.minSize() > *c.MaxSize {
		def := ""
		if c.MinSize == nil {
			def = " (the default)"
		}
		return graph.Invalidf("constraints.minSize", "constraints.minSize %d%s is above constraints.maxSize %d", c.minSize(), def, *c.MaxSize)
	}
	if v := c.MinTotalStrength; v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0) || *v <= 0) {
		return graph.Invalidf("constraints.minTotalStrength", "constraints.minTotalStrength must be a number > 0 (leave it out for none), got %v", *v)
	}
	if v := c.MaxMenteesPerMentor; v != nil && *v < 1 {
		return graph.Invalidf("constraints.maxMenteesPerMentor", "constraints.maxMenteesPerMentor must be ≥ 1 (leave it out for max(%d, ⌈weak units / strong units⌉)), got %d", DefaultMaxMentees, *v)
	}
	for field, sets := range map[string][][]string{"constraints.together": c.Together, "constraints.apart": c.Apart} {
		for i, set := range sets {
			if len(slices.Compact(slices.Sorted(slices.Values(set)))) < 2 {
				return graph.Invalidf(field, "%s set %d (%v) names fewer than two different units", field, i+1, set)
			}
		}
	}
	return nil
}

// maxNameLen bounds the names a planner gives alliances.
const maxNameLen = 100
