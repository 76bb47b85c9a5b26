package plan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	gg "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// Spread summarises one quantity over the alliances of a plan.
type Spread struct {
	Total float64 `json:"total"`
	Mean  float64 `json:"mean"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	// Range is Max − Min.
	Range float64 `json:"range"`
	// CV is the coefficient of variation: the standard deviation over
	// alliances (population form, divided by their number) over the mean; 0
	// when the mean is 0.
	CV float64 `json:"cv"`
}

// AllianceMetrics measure one alliance of a plan.
type AllianceMetrics struct {
	Key string `json:"key"`
	// ID is the alliance's id (AllianceGroup.ID).
	ID           string  `json:"id,omitempty"`
	Name         string  `json:"name"`
	CurrentID    string  `json:"currentId,omitempty"`
	Members      int     `json:"members"`
	Population   float64 `json:"population"`
	Strength     float64 `json:"strength"`
	PartyMembers float64 `json:"partyMembers"`
	StrongUnits  int     `json:"strongUnits"`
	WeakUnits    int     `json:"weakUnits"`
	// WeakWithMentor are its weak units that have a mentor (anywhere).
	WeakWithMentor int `json:"weakWithMentor"`
	// Pieces is its number of connected pieces on the map (1: contiguous).
	Pieces int `json:"pieces"`
	// CrossingEdges are its borders with units of other alliances.
	CrossingEdges int `json:"crossingEdges"`
	// Joined and Left count units against the current alliance it continues
	// (a new alliance: every member joined).
	Joined int `json:"joined"`
	Left   int `json:"left"`
}

// Metrics measure a plan as a whole and per alliance.
type Metrics struct {
	Units         int `json:"units"`
	AllianceCount int `json:"allianceCount"`
	Unassigned    int `json:"unassigned"`
	// Members, Population, Strength and PartyMembers spread over alliances.
	Members      Spread `json:"members"`
	Population   Spread `json:"population"`
	Strength     Spread `json:"strength"`
	PartyMembers Spread `json:"partyMembers"`

	StrongUnits            int `json:"strongUnits"`
	WeakUnits              int `json:"weakUnits"`
	AlliancesWithoutStrong int `json:"alliancesWithoutStrong"`

	Pairings          int `json:"pairings"`
	WeakWithMentor    int `json:"weakWithMentor"`
	WeakWithoutMentor int `json:"weakWithoutMentor"`
	// MaxMenteesPerMentor is the most mentees any one mentor has.
	MaxMenteesPerMentor    int `json:"maxMenteesPerMentor"`
	PairingsWithinAlliance int `json:"pairingsWithinAlliance"`
	// MeanPairingHops is the mean distance on the map between mentor and
	// mentee, over pairings whose ends are connected.
	MeanPairingHops     float64 `json:"meanPairingHops"`
	UnreachablePairings int     `json:"unreachablePairings"`

	// NonContiguous counts alliances in more than one piece.
	NonContiguous int `json:"nonContiguous"`
	// Modularity is gonum community.Q of the alliances (unassigned units
	// alone) on the adjacency graph, resolution 1; 0 without borders.
	Modularity     float64 `json:"modularity"`
	AdjacencyEdges int     `json:"adjacencyEdges"`
	CrossingEdges  int     `json:"crossingEdges"`

	// Against today's grouping: units not in their current alliance;
	// alliances that continue a current one with the same members (kept) or
	// other members (changed), that continue none (new); current alliances
	// nothing continues (dissolved).
	Moved              int `json:"moved"`
	AlliancesKept      int `json:"alliancesKept"`
	AlliancesChanged   int `json:"alliancesChanged"`
	AlliancesNew       int `json:"alliancesNew"`
	AlliancesDissolved int `json:"alliancesDissolved"`

	Alliances []AllianceMetrics `json:"alliances"`
}

// Evaluate measures a plan against p. Ids in the plan that are not units of
// p are ignored; a unit listed in several alliances counts in the first. An
// alliance continues the current one its CurrentID (or else its key) names,
// or the one continuation finds.
func Evaluate(p *Problem, pl *Plan) Metrics {
	n := len(p.Units)
	groupOf := make([]int32, n)
	for i := range groupOf {
		groupOf[i] = -1
	}
	groups := make([][]int32, len(pl.Alliances))
	keys := make([]string, len(pl.Alliances))
	for g, a := range pl.Alliances {
		keys[g] = a.Key
		if a.CurrentID != "" {
			keys[g] = a.CurrentID
		}
		for _, id := range a.Members {
			if u, ok := p.index[id]; ok && groupOf[u] < 0 {
				groupOf[u] = int32(g)
				groups[g] = append(groups[g], int32(u))
			}
		}
	}
	match := continuation(p, groups, keys)
	met := Metrics{Units: n, AllianceCount: len(groups), AdjacencyEdges: p.edges, Alliances: make([]AllianceMetrics, len(groups))}

	mentored := make([]bool, n)
	mentees := map[int]int{}
	for _, pr := range pl.Pairings {
		mi, ok1 := p.index[pr.Mentor]
		wi, ok2 := p.index[pr.Mentee]
		if !ok1 || !ok2 {
			continue
		}
		met.Pairings++
		mentored[wi] = true
		mentees[mi]++
		met.MaxMenteesPerMentor = max(met.MaxMenteesPerMentor, mentees[mi])
		if groupOf[mi] >= 0 && groupOf[mi] == groupOf[wi] {
			met.PairingsWithinAlliance++
		}
	}
	var hopSum, hopN float64
	bf := newBFS(p)
	for _, pr := range pl.Pairings {
		mi, ok1 := p.index[pr.Mentor]
		wi, ok2 := p.index[pr.Mentee]
		if !ok1 || !ok2 {
			continue
		}
		if h := bf.hops(int32(mi), int32(wi)); h >= 0 {
			hopSum += float64(h)
			hopN++
		} else {
			met.UnreachablePairings++
		}
	}
	if hopN > 0 {
		met.MeanPairingHops = hopSum / hopN
	}
	for u, x := range p.Units {
		if x.Strong {
			met.StrongUnits++
		} else {
			met.WeakUnits++
			if mentored[u] {
				met.WeakWithMentor++
			}
		}
		if groupOf[u] < 0 {
			met.Unassigned++
		}
	}
	met.WeakWithoutMentor = met.WeakUnits - met.WeakWithMentor

	members, pop, str, party := make([]float64, len(groups)), make([]float64, len(groups)), make([]float64, len(groups)), make([]float64, len(groups))
	for g, mem := range groups {
		am := &met.Alliances[g]
		am.Key, am.ID, am.Name = pl.Alliances[g].Key, pl.Alliances[g].ID, pl.Alliances[g].Name
		if match[g] >= 0 {
			am.CurrentID = p.Alliances[match[g]].ID
		}
		am.Members = len(mem)
		for _, u := range mem {
			x := p.Units[u]
			am.Population += x.Population
			am.Strength += x.Strength
			am.PartyMembers += x.PartyMembers
			if x.Strong {
				am.StrongUnits++
			} else {
				am.WeakUnits++
				if mentored[u] {
					am.WeakWithMentor++
				}
			}
			if match[g] < 0 || int(p.current[u]) != match[g] {
				am.Joined++
			}
			for _, v := range p.adj[u] {
				if groupOf[v] != int32(g) {
					am.CrossingEdges++
				}
			}
		}
		am.Pieces = bf.pieces(mem, groupOf, int32(g))
		if match[g] >= 0 {
			am.Left = len(p.Alliances[match[g]].Members) - (am.Members - am.Joined)
		}
		if am.StrongUnits == 0 {
			met.AlliancesWithoutStrong++
		}
		if am.Pieces > 1 {
			met.NonContiguous++
		}
		switch {
		case match[g] < 0:
			met.AlliancesNew++
		case am.Joined == 0 && am.Left == 0:
			met.AlliancesKept++
		default:
			met.AlliancesChanged++
		}
		members[g], pop[g], str[g], party[g] = float64(am.Members), am.Population, am.Strength, am.PartyMembers
	}
	met.AlliancesDissolved = len(p.Alliances) - met.AlliancesKept - met.AlliancesChanged
	met.Members, met.Population, met.Strength, met.PartyMembers = spread(members), spread(pop), spread(str), spread(party)
	for u := range p.Units {
		for _, v := range p.adj[u] {
			if int32(u) < v && (groupOf[u] < 0 || groupOf[u] != groupOf[v]) {
				met.CrossingEdges++
			}
		}
		if c := p.current[u]; c >= 0 {
			if g := groupOf[u]; g < 0 || match[g] != int(c) {
				met.Moved++
			}
		}
	}
	met.Modularity = modularity(p, groups, groupOf)
	return met
}

func spread(xs []float64) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := Spread{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, x := range xs {
		s.Total += x
		s.Min = min(s.Min, x)
		s.Max = max(s.Max, x)
	}
	s.Mean = s.Total / float64(len(xs))
	s.Range = s.Max - s.Min
	if s.Mean != 0 {
		var v float64
		for _, x := range xs {
			v += (x - s.Mean) * (x - s.Mean)
		}
		s.CV = math.Sqrt(v/float64(len(xs))) / math.Abs(s.Mean)
	}
	return s
}

// modularity is community.Q of the groups on the adjacency graph.
func modularity(p *Problem, groups [][]int32, groupOf []int32) float64 {
	if p.edges == 0 {
		return 0
	}
	pairs := map[[2]int32]float64{}
	for u, vs := range p.adj {
		for _, v := range vs {
			if int32(u) < v {
				pairs[[2]int32{int32(u), v}] = 1
			}
		}
	}
	g := newWGraph(len(p.Units), pairs)
	comms := make([][]gg.Node, 0, len(groups))
	for _, mem := range groups {
		c := make([]gg.Node, len(mem))
		for i, u := range mem {
			c[i] = simple.Node(u)
		}
		comms = append(comms, c)
	}
	for u, gi := range groupOf {
		if gi < 0 {
			comms = append(comms, []gg.Node{simple.Node(u)})
		}
	}
	q := community.Q(g, comms, 1)
	if math.IsNaN(q) || math.IsInf(q, 0) {
		return 0
	}
	return q
}

// bfs is breadth-first scratch over a problem's map.
type bfs struct {
	p     *Problem
	stamp []uint32
	hop   []int32
	gen   uint32
	queue []int32
}

func newBFS(p *Problem) *bfs {
	return &bfs{p: p, stamp: make([]uint32, len(p.Units)), hop: make([]int32, len(p.Units))}
}

// hops is the distance from a to b on the map, -1 when not connected.
func (b *bfs) hops(a, z int32) int32 {
	b.gen++
	b.stamp[a], b.hop[a] = b.gen, 0
	q := append(b.queue[:0], a)
	defer func() { b.queue = q }()
	for h := 0; h < len(q); h++ {
		x := q[h]
		if x == z {
			return b.hop[x]
		}
		for _, y := range b.p.adj[x] {
			if b.stamp[y] != b.gen {
				b.stamp[y], b.hop[y] = b.gen, b.hop[x]+1
				q = append(q, y)
			}
		}
	}
	return -1
}

// pieces counts the connected pieces of the units of group g.
func (b *bfs) pieces(mem []int32, groupOf []int32, g int32) int {
	b.gen++
	n := 0
	for _, s := range mem {
		if b.stamp[s] == b.gen {
			continue
		}
		n++
		b.stamp[s] = b.gen
		q := append(b.queue[:0], s)
		for h := 0; h < len(q); h++ {
			for _, y := range b.p.adj[q[h]] {
				if b.stamp[y] != b.gen && groupOf[y] == g {
					b.stamp[y] = b.gen
					q = append(q, y)
				}
			}
		}
		b.queue = q
	}
	return n
}

// Comparison is one metric of a plan beside today's.
type Comparison struct {
	Metric string `json:"metric"` // JSON path in Metrics, e.g. "strength.cv"
	// Label is LabelEn (the field clients read before labels had two
	// languages).
	Label   string  `json:"label"`
	LabelZh string  `json:"labelZh"`
	LabelEn string  `json:"labelEn"`
	Today   float64 `json:"today"`
	Plan    float64 `json:"plan"`
	Change  float64 `json:"change"` // Plan − Today
	// Better is the direction that is better ("lower", "higher") or "" when
	// neither is; Verdict says whether the plan is "better", "worse" or the
	// "same" (or "" when Better is "").
	Better  string `json:"better,omitempty"`
	Verdict string `json:"verdict,omitempty"`
	isInt   bool
}

// Verdict says whether value is "better", "worse" or the "same" as today
// in the direction better ("lower" or "higher"); "" when better is "".
func Verdict(better string, today, value float64) string {
	if better == "" {
		return ""
	}
	switch d := value - today; {
	case math.Abs(d) <= 1e-9*math.Max(1, math.Abs(today)):
		return "same"
	case (d < 0) == (better == "lower"):
		return "better"
	default:
		return "worse"
	}
}

// Compare sets a plan's metrics beside today's, one row per plan-wide
// metric, in a fixed order.
func Compare(today, plan Metrics) []Comparison {
	out := make([]Comparison, len(PlanMetrics))
	for i, r := range PlanMetrics {
		t, p := r.Value(today), r.Value(plan)
		out[i] = Comparison{Metric: r.Key, Label: r.LabelEn, LabelZh: r.LabelZh, LabelEn: r.LabelEn, Today: t, Plan: p,
			Change: p - t, Better: r.Better, Verdict: Verdict(r.Better, t, p), isInt: r.Int}
	}
	return out
}

// Table writes the metrics as a plain-text table: plan-wide metrics beside
// today's (when today is not nil) with the change and whether it is better
// or worse, then one line per alliance. Names come last in their lines:
// Chinese characters are wider than the columns assume.
func (m Metrics) Table(w io.Writer, today *Metrics) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	if today != nil {
		fmt.Fprintln(tw, "metric\ttoday\tplan\tchange\t\t指标")
		for _, c := range Compare(*today, m) {
			verdict := c.Verdict
			if verdict == "same" {
				verdict = ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.LabelEn, num(c.Today, c.isInt), num(c.Plan, c.isInt), FormatChange(c.Change, c.isInt), verdict, c.LabelZh)
		}
	} else {
		fmt.Fprintln(tw, "metric\tplan\t指标")
		for _, c := range Compare(m, m) {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.LabelEn, num(c.Plan, c.isInt), c.LabelZh)
		}
	}
	tw.Flush()
	buf.WriteString("\n")
	tw = tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "alliance\tmembers\tpopulation\tstrength\tstrong\tweak\tmentored\tpieces\tjoined\tleft\tcontinues\tname")
	for _, a := range m.Alliances {
		cont := a.CurrentID
		if cont == "" {
			cont = "(new)"
			if a.ID != "" {
				cont = "(new) " + a.ID
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", a.Key, a.Members,
			num(a.Population, true), num(a.Strength, false), a.StrongUnits, a.WeakUnits, a.WeakWithMentor, a.Pieces, a.Joined, a.Left, cont, a.Name)
	}
	tw.Flush()
	var out strings.Builder
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		trimmed := strings.TrimRight(line, " \n")
		if trimmed == "" && line == "" {
			continue
		}
		out.WriteString(trimmed)
		out.WriteString("\n")
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// FormatChange writes a change with its sign: +3, -0.12, 0.
func FormatChange(v float64, isInt bool) string {
	s := num(v, isInt)
	if v > 0 && s != "0" {
		s = "+" + s
	}
	return s
}

// Format writes a metric's value as the tables show it: whole numbers
// without decimals, ratios to three places.
func Format(v float64, isInt bool) string { return num(v, isInt) }

func num(v float64, isInt bool) string {
	if isInt || v == math.Trunc(v) && math.Abs(v) >= 1000 {
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}
