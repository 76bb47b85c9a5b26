package plan

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// Default kinds of units and of the alliances that group them today.
var (
	DefaultUnitKinds     = []string{"VILLAGE", "COMMUNITY"}
	DefaultAllianceKinds = []string{"REGIONAL_ALLIANCE"}
)

// UnitOptions says which nodes of a snapshot are units and which of them are
// strong.
type UnitOptions struct {
	// Kinds are the Organisation kinds that are units (DefaultUnitKinds when
	// empty).
	Kinds []string `json:"kinds,omitempty"`
	// AllianceKinds are the Alliance kinds whose MEMBER_OF edges make today's
	// grouping (DefaultAllianceKinds when empty).
	AllianceKinds []string `json:"allianceKinds,omitempty"`
	// Strong tells strong units from weak ones.
	Strong StrongRule `json:"strong"`
	// AsOf (YYYY-MM-DD) reads the network as it was that day: only nodes and
	// edges valid then (graph.ValidAt). Empty: the open ones, those without an
	// Until date, so that memberships and pairings a committed scenario ended
	// drop out. Servers pass graph.Today().
	AsOf string `json:"asOf,omitempty"`
	// Within, an Organisation id, plans only the units under it (a street,
	// a district): those it reaches down SUB_ORGANISATION_OF edges, at any
	// depth. Empty: every unit of the snapshot. Today's alliances are then
	// those of the units in scope; an alliance that also has members
	// outside keeps them (a plan never dissolves it), and borders and
	// pairings that leave the scope are not looked at.
	Within string `json:"within,omitempty"`
}

// StrongRule tells strong units (those that can lead an alliance and mentor
// a weak unit) from weak ones. A unit is strong when it is listed in IDs, or
// its strength is at least MinStrength (when set), or it is among the top
// TopFraction of units by strength (when set; ceil(fraction × units) units,
// ties by id). When nothing is set, the default is: strength ≥ the median
// strength of the units (the mean of the two middle values for an even count)
// and > 0, which makes about half the units strong.
type StrongRule struct {
	MinStrength *float64 `json:"minStrength,omitempty"`
	TopFraction *float64 `json:"topFraction,omitempty"`
	IDs         []string `json:"ids,omitempty"`
}

func (r StrongRule) isDefault() bool {
	return r.MinStrength == nil && r.TopFraction == nil && len(r.IDs) == 0
}

// Unit is a village or community that can be grouped.
type Unit struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	NameEn       string  `json:"nameEn,omitempty"`
	Kind         string  `json:"kind"`
	Population   float64 `json:"population"`
	Strength     float64 `json:"strength"`
	PartyMembers float64 `json:"partyMembers"`
	Strong       bool    `json:"strong"`
	// Current is the id of the alliance the unit belongs to today ("" for
	// none); Role the role on that membership ("member", "co-builder", …).
	Current string `json:"current,omitempty"`
	Role    string `json:"role,omitempty"`
	// Neighbours are the ids of the units it borders (ADJACENT_TO, either
	// direction), sorted.
	Neighbours []string `json:"neighbours"`
}

// Alliance is an alliance that groups units today.
type Alliance struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn,omitempty"`
	Kind   string `json:"kind"`
	// Members are the units whose current alliance it is, sorted.
	Members []string `json:"members"`
	// Namesake is the member it is named after, in the pattern
	// X区域党建联合体 (东郊区域党建联合体 after 东郊村), or "" when its name
	// follows no member.
	Namesake string `json:"namesake,omitempty"`
	// Outside counts its members (of the unit kinds) that are outside the
	// planning scope (UnitOptions.Within): a plan never dissolves an
	// alliance that has any.
	Outside int `json:"outside,omitempty"`
}

// Pairing is one strong unit mentoring one weak unit (a MENTORS edge).
type Pairing struct {
	Mentor string `json:"mentor"`
	Mentee string `json:"mentee"`
}

// Problem is the planning view of a snapshot: the units, how they border,
// how they are grouped and paired today.
type Problem struct {
	Units     []Unit     `json:"units"`     // by id
	Alliances []Alliance `json:"alliances"` // today's, by id; only those with units
	Pairings  []Pairing  `json:"pairings"`  // today's, by mentor then mentee
	// StrongBasis says in words which rule made units strong.
	StrongBasis string `json:"strongBasis"`
	// Warnings say what was assumed: missing attributes taken as 0, units in
	// several alliances, …
	Warnings []string `json:"warnings,omitempty"`
	// Within is the scope (UnitOptions.Within), "" for the whole network.
	Within string `json:"within,omitempty"`

	// info describes the snapshot's organisations and alliances (every
	// date), for messages and change lists that name what is not a unit: a
	// Problem keeps no reference to its snapshot, so a cached one is small.
	info map[string]nodeInfo
	// taken are the ids of the snapshot's nodes that begin "alliance:", for
	// the ids of new alliances.
	taken map[string]bool
	// borders is a digest of the adjacency, for Basis.
	borders string
	kinds   []string // the unit kinds

	index      map[string]int
	adj        [][]int32 // sorted neighbour indexes
	edges      int       // undirected adjacency edges
	current    []int32   // alliance index per unit, -1 for none
	allianceIx map[string]int
	// For Changes: the edges behind today's grouping and pairings.
	memberEdges map[int][]memberEdge // unit → its MEMBER_OF edges to grouping alliances
	pairEdges   map[Pairing][]string // pairing → MENTORS edge ids
}

type memberEdge struct{ edgeID, alliance string }

// Index returns the position of unit id in Units, or -1.
func (p *Problem) Index(id string) int {
	if i, ok := p.index[id]; ok {
		return i
	}
	return -1
}

// Units builds the planning problem from a snapshot: units are the
// Organisation nodes of opt.Kinds with their population, strength and
// partyMembers attributes (missing or not numeric: 0, with a warning);
// adjacency is ADJACENT_TO between units, either direction; today's grouping
// is MEMBER_OF from units to alliances of opt.AllianceKinds (a unit in
// several: the first by alliance id, with a warning; in none: unassigned);
// today's pairings are MENTORS between units. Returns ErrInvalid for a bad
// option.
func Units(snap *graph.Snapshot, opt UnitOptions) (*Problem, error) {
	if snap == nil {
		snap = &graph.Snapshot{}
	}
	kinds := opt.Kinds
	if len(kinds) == 0 {
		kinds = DefaultUnitKinds
	}
	allianceKinds := opt.AllianceKinds
	if len(allianceKinds) == 0 {
		allianceKinds = DefaultAllianceKinds
	}
	for _, k := range kinds {
		if !slices.Contains(graph.Kinds[graph.LabelOrganisation], k) {
			return nil, graph.Invalidf("kinds", "unit kind %q is not an Organisation kind (one of %v)", k, graph.Kinds[graph.LabelOrganisation])
		}
	}
	for _, k := range allianceKinds {
		if !slices.Contains(graph.Kinds[graph.LabelAlliance], k) {
			return nil, graph.Invalidf("allianceKinds", "alliance kind %q is not an Alliance kind (one of %v)", k, graph.Kinds[graph.LabelAlliance])
		}
	}
	if opt.AsOf != "" {
		if _, err := time.Parse(graph.DateLayout, opt.AsOf); err != nil {
			return nil, graph.Invalidf("asOf", "asOf %q is not a date (YYYY-MM-DD)", opt.AsOf)
		}
	}
	live := func(since, until string) bool {
		if opt.AsOf == "" {
			return until == ""
		}
		return graph.ValidAt(since, until, opt.AsOf)
	}

	p := &Problem{index: map[string]int{}, allianceIx: map[string]int{},
		memberEdges: map[int][]memberEdge{}, pairEdges: map[Pairing][]string{},
		info: map[string]nodeInfo{}, taken: map[string]bool{}, Within: opt.Within, kinds: kinds}
	// Only units and alliances are looked at closely: pick them out, then
	// sort only them (a city's snapshot is 150k nodes and 350k edges).
	var nodes []*graph.Node
	for _, n := range snap.Nodes {
		if n == nil {
			continue
		}
		if strings.HasPrefix(n.ID, "alliance:") {
			p.taken[n.ID] = true
		}
		if n.Label == graph.LabelOrganisation || n.Label == graph.LabelAlliance {
			p.info[n.ID] = nodeInfo{label: n.Label, kind: n.Kind, name: n.Name, ended: n.Until != ""}
			if live(n.Since, n.Until) && (slices.Contains(kinds, n.Kind) || n.Label == graph.LabelAlliance) {
				nodes = append(nodes, n)
			}
		}
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
	var scope map[string]bool
	if opt.Within != "" {
		var err error
		if scope, err = p.under(snap, opt.Within, live); err != nil {
			return nil, err
		}
	}
	var missing = map[string][]string{}
	alliances := map[string]*graph.Node{}
	outside := map[string]bool{} // units of the unit kinds outside the scope
	for _, n := range nodes {
		switch {
		case n.Label == graph.LabelOrganisation && slices.Contains(kinds, n.Kind):
			if _, dup := p.index[n.ID]; dup {
				continue
			}
			if scope != nil && !scope[n.ID] {
				outside[n.ID] = true
				continue
			}
			u := Unit{ID: n.ID, Name: n.Name, NameEn: n.NameEn, Kind: n.Kind}
			for _, a := range []struct {
				key string
				dst *float64
			}{{graph.AttrPopulation, &u.Population}, {graph.AttrStrength, &u.Strength}, {graph.AttrPartyMembers, &u.PartyMembers}} {
				v, ok := number(n.Attrs[a.key])
				if !ok {
					missing[a.key] = append(missing[a.key], n.ID)
				}
				if v < 0 {
					p.Warnings = append(p.Warnings, fmt.Sprintf("%s: %s %v is negative, taken as 0", n.ID, a.key, v))
					v = 0
				}
				*a.dst = v
			}
			p.index[n.ID] = len(p.Units)
			p.Units = append(p.Units, u)
		case n.Label == graph.LabelAlliance && slices.Contains(allianceKinds, n.Kind):
			alliances[n.ID] = n
		}
	}
	if opt.Within != "" && len(p.Units) == 0 {
		return nil, graph.Invalidf("within", "within: %s has no villages or communities (%s) under it", p.describe(opt.Within), strings.Join(kinds, ", "))
	}
	for _, key := range []string{graph.AttrPopulation, graph.AttrStrength, graph.AttrPartyMembers} {
		if ids := missing[key]; len(ids) > 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s missing or not a number on %d unit(s) (%s), taken as 0", key, len(ids), listIDs(ids)))
		}
	}

	n := len(p.Units)
	p.adj = make([][]int32, n)
	p.current = make([]int32, n)
	memberOf := make([][]memberEdge, n)
	roles := map[memberEdge]string{}
	outsideOf := map[string][]string{}
	var edges []*graph.Edge
	for _, e := range snap.Edges {
		if e != nil && (e.Type == graph.RelAdjacentTo || e.Type == graph.RelMentors || e.Type == graph.RelMemberOf) && live(e.Since, e.Until) {
			edges = append(edges, e)
		}
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].ID < edges[j].ID })
	for _, e := range edges {
		from, okFrom := p.index[e.From]
		switch e.Type {
		case graph.RelAdjacentTo:
			to, okTo := p.index[e.To]
			if okFrom && okTo && from != to {
				p.adj[from] = append(p.adj[from], int32(to))
				p.adj[to] = append(p.adj[to], int32(from))
			}
		case graph.RelMentors:
			if _, okTo := p.index[e.To]; okFrom && okTo && e.From != e.To {
				pr := Pairing{Mentor: e.From, Mentee: e.To}
				if len(p.pairEdges[pr]) == 0 {
					p.Pairings = append(p.Pairings, pr)
				}
				p.pairEdges[pr] = append(p.pairEdges[pr], e.ID)
			}
		case graph.RelMemberOf:
			if _, okTo := alliances[e.To]; okTo && outside[e.From] {
				outsideOf[e.To] = append(outsideOf[e.To], e.From)
			}
			if _, okTo := alliances[e.To]; okFrom && okTo {
				me := memberEdge{edgeID: e.ID, alliance: e.To}
				memberOf[from] = append(memberOf[from], me)
				if r, ok := e.Attrs[graph.AttrRole].(string); ok {
					roles[me] = r
				}
			}
		}
	}
	for i := range p.adj {
		slices.Sort(p.adj[i])
		p.adj[i] = slices.Compact(p.adj[i])
		p.edges += len(p.adj[i])
	}
	p.edges /= 2
	p.borders = p.bordersDigest()
	sort.Slice(p.Pairings, func(i, j int) bool {
		a, b := p.Pairings[i], p.Pairings[j]
		return a.Mentor < b.Mentor || a.Mentor == b.Mentor && a.Mentee < b.Mentee
	})

	members := map[string][]string{}
	var several []string
	for i := range p.Units {
		u := &p.Units[i]
		for _, v := range p.adj[i] {
			u.Neighbours = append(u.Neighbours, p.Units[v].ID)
		}
		if u.Neighbours == nil {
			u.Neighbours = []string{}
		}
		ms := memberOf[i]
		if len(ms) == 0 {
			continue
		}
		sort.SliceStable(ms, func(a, b int) bool { return ms[a].alliance < ms[b].alliance })
		p.memberEdges[i] = ms
		u.Current, u.Role = ms[0].alliance, roles[ms[0]]
		for _, m := range ms[1:] {
			if m.alliance != u.Current {
				several = append(several, u.ID)
				break
			}
		}
		members[u.Current] = append(members[u.Current], u.ID)
	}
	if len(several) > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%d unit(s) belong to several alliances (%s); each counts in the first by alliance id", len(several), listIDs(several)))
	}
	ids := make([]string, 0, len(members))
	for id := range members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var straddle []string
	for _, id := range ids {
		a := alliances[id]
		p.allianceIx[id] = len(p.Alliances)
		al := Alliance{ID: id, Name: a.Name, NameEn: a.NameEn, Kind: a.Kind, Members: members[id], Outside: len(slices.Compact(slices.Sorted(slices.Values(outsideOf[id]))))}
		for _, m := range al.Members {
			if u := p.Units[p.index[m]]; AllianceName(u.Name) == al.Name {
				al.Namesake = m
				break
			}
		}
		if al.Outside > 0 {
			straddle = append(straddle, id)
		}
		p.Alliances = append(p.Alliances, al)
	}
	if len(straddle) > 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%d alliance(s) also have members outside the scope (%s): the plan regroups only their members inside it and never dissolves them", len(straddle), listIDs(straddle)))
	}
	for i := range p.Units {
		p.current[i] = -1
		if c := p.Units[i].Current; c != "" {
			p.current[i] = int32(p.allianceIx[c])
		}
	}
	if err := p.applyStrongRule(opt.Strong); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Problem) applyStrongRule(r StrongRule) error {
	n := len(p.Units)
	for _, id := range r.IDs {
		i, ok := p.index[id]
		if !ok {
			return p.notAUnit("strong.ids", id)
		}
		p.Units[i].Strong = true
	}
	var basis []string
	if len(r.IDs) > 0 {
		basis = append(basis, fmt.Sprintf("listed (%d)", len(r.IDs)))
	}
	if r.MinStrength != nil {
		m := *r.MinStrength
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return graph.Invalidf("strong.minStrength", "strong.minStrength must be a finite number, got %v", m)
		}
		for i := range p.Units {
			if p.Units[i].Strength >= m {
				p.Units[i].Strong = true
			}
		}
		basis = append(basis, fmt.Sprintf("strength ≥ %s", fmtNum(m)))
	}
	if r.TopFraction != nil {
		f := *r.TopFraction
		if !(f > 0 && f <= 1) {
			return graph.Invalidf("strong.topFraction", "strong.topFraction must be in (0, 1], got %v", f)
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return p.Units[order[a]].Strength > p.Units[order[b]].Strength })
		top := int(math.Ceil(f * float64(n)))
		for _, i := range order[:top] {
			p.Units[i].Strong = true
		}
		basis = append(basis, fmt.Sprintf("top %s of units by strength (%d)", fmtNum(f), top))
	}
	if r.isDefault() && n > 0 {
		s := make([]float64, n)
		for i, u := range p.Units {
			s[i] = u.Strength
		}
		slices.Sort(s)
		med := s[n/2]
		if n%2 == 0 {
			med = (s[n/2-1] + s[n/2]) / 2
		}
		for i := range p.Units {
			if st := p.Units[i].Strength; st >= med && st > 0 {
				p.Units[i].Strong = true
			}
		}
		basis = append(basis, fmt.Sprintf("strength ≥ median %s (default)", fmtNum(med)))
	}
	p.StrongBasis = strings.Join(basis, " or ")
	strong := 0
	for _, u := range p.Units {
		if u.Strong {
			strong++
		}
	}
	if n > 0 && strong == 0 {
		p.Warnings = append(p.Warnings, "no unit is strong under the strong rule ("+p.StrongBasis+")")
	}
	return nil
}

// Today returns today's grouping and pairings as a plan (Strategy TODAY),
// for Evaluate. Units in no alliance are Unassigned.
func (p *Problem) Today() *Plan {
	pl := &Plan{Strategy: Today, Within: p.Within, Pairings: slices.Clone(p.Pairings), Moved: []string{}, Moves: []Move{}, Dissolved: []string{}}
	for _, a := range p.Alliances {
		g := AllianceGroup{Key: a.ID, ID: a.ID, Name: a.Name, NameEn: a.NameEn, Naming: NamingKept, Members: slices.Clone(a.Members), CurrentID: a.ID}
		mem := make([]int32, len(a.Members))
		for i, id := range a.Members {
			mem[i] = int32(p.index[id])
		}
		if len(mem) > 0 {
			g.Lead = p.Units[leadOf(p, mem)].ID
		}
		pl.Alliances = append(pl.Alliances, g)
	}
	pl.PairingChanges = pairingChanges(p.Pairings, p.Pairings)
	for _, u := range p.Units {
		if u.Current == "" {
			pl.Unassigned = append(pl.Unassigned, u.ID)
		}
	}
	if pl.Pairings == nil {
		pl.Pairings = []Pairing{}
	}
	if pl.Alliances == nil {
		pl.Alliances = []AllianceGroup{}
	}
	return pl
}

func number(v any) (float64, bool) {
	switch x := graph.NormaliseValue(v).(type) {
	case int64:
		return float64(x), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return x, true
	}
	return 0, false
}

func listIDs(ids []string) string {
	const show = 5
	if len(ids) <= show {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:show], ", ") + fmt.Sprintf(", … %d more", len(ids)-show)
}

func fmtNum(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), ".")
}
