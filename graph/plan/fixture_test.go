package plan_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

// cityOpts shapes a synthetic map.
type cityOpts struct {
	w, h      int     // grid size: units are w×h cells
	diagonals float64 // chance that a cell gets one of its two diagonals
	alliances int     // current alliances (vertical-then-horizontal tiles); 0 none
	pairs     float64 // chance that a weak unit has a MENTORS edge today
	holes     float64 // share of cells left empty (the map stays connected)
	seed      uint64
}

// city builds a snapshot: a jittered grid of villages and communities
// (planar: grid borders plus at most one diagonal per cell), with skewed
// random strengths, populations and party members, today's alliances as
// contiguous tiles of the grid and some of today's pairings.
func city(tb testing.TB, o cityOpts) *graph.Snapshot {
	tb.Helper()
	rng := rand.New(rand.NewPCG(o.seed, 99))
	snap := &graph.Snapshot{}
	id := func(x, y int) string { return fmt.Sprintf("org:u%03d-%03d", y, x) }
	prov := graph.Provenance{Source: graph.SourceSynthetic}
	strength := map[string]float64{}
	for y := 0; y < o.h; y++ {
		for x := 0; x < o.w; x++ {
			kind := "VILLAGE"
			pop := int64(600 + rng.IntN(3000))
			if rng.IntN(5) == 0 {
				kind = "COMMUNITY"
				pop = int64(3000 + rng.IntN(6000))
			}
			// Log-normal-ish collective income: a few very strong units.
			s := math.Round(40*math.Exp(1.1*rng.NormFloat64())*10) / 10
			strength[id(x, y)] = s
			snap.Nodes = append(snap.Nodes, &graph.Node{ID: id(x, y), Label: graph.LabelOrganisation, Kind: kind,
				Name: id(x, y), Provenance: prov,
				Attrs: map[string]any{graph.AttrPopulation: pop, graph.AttrStrength: s, graph.AttrPartyMembers: int64(20 + rng.IntN(150))}})
		}
	}
	edge := func(t graph.RelType, a, b string) *graph.Edge {
		e := &graph.Edge{ID: graph.EdgeID(t, a, b), Type: t, From: a, To: b, Provenance: prov}
		snap.Edges = append(snap.Edges, e)
		return e
	}
	for y := 0; y < o.h; y++ {
		for x := 0; x < o.w; x++ {
			if x+1 < o.w {
				edge(graph.RelAdjacentTo, id(x, y), id(x+1, y))
			}
			if y+1 < o.h {
				edge(graph.RelAdjacentTo, id(x, y), id(x, y+1))
			}
			if x+1 < o.w && y+1 < o.h && rng.Float64() < o.diagonals {
				if rng.IntN(2) == 0 {
					edge(graph.RelAdjacentTo, id(x, y), id(x+1, y+1))
				} else {
					edge(graph.RelAdjacentTo, id(x+1, y), id(x, y+1))
				}
			}
		}
	}
	if o.holes > 0 {
		punch(snap, rng, o.holes)
	}
	if o.alliances > 0 {
		// Tiles: cols × rows ≈ alliances, each a rectangle of the grid.
		cols := int(math.Max(1, math.Round(math.Sqrt(float64(o.alliances)*float64(o.w)/float64(o.h)))))
		rows := (o.alliances + cols - 1) / cols
		tile := map[string]string{}
		for y := 0; y < o.h; y++ {
			for x := 0; x < o.w; x++ {
				t := (y*rows/o.h)*cols + x*cols/o.w
				aid := fmt.Sprintf("alliance:a%03d", t)
				tile[id(x, y)] = aid
			}
		}
		seen := map[string]bool{}
		var ids []string
		for _, a := range tile {
			if !seen[a] {
				seen[a] = true
				ids = append(ids, a)
			}
		}
		sort.Strings(ids)
		defer func() {
			for _, a := range ids {
				snap.Nodes = append(snap.Nodes, &graph.Node{ID: a, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: a, Provenance: prov})
			}
			sort.Slice(snap.Nodes, func(i, j int) bool { return snap.Nodes[i].ID < snap.Nodes[j].ID })
		}()
		byAlliance := map[string][]string{}
		present := map[string]bool{}
		for _, n := range snap.Nodes {
			present[n.ID] = true
		}
		for y := 0; y < o.h; y++ {
			for x := 0; x < o.w; x++ {
				u := id(x, y)
				if !present[u] {
					continue
				}
				e := edge(graph.RelMemberOf, u, tile[u])
				e.Attrs = map[string]any{graph.AttrRole: "member"}
				byAlliance[tile[u]] = append(byAlliance[tile[u]], u)
			}
		}
		// Today's pairings: the strongest member of an alliance mentors some
		// of its weakest.
		for _, a := range ids {
			mem := byAlliance[a]
			sort.Slice(mem, func(i, j int) bool { return strength[mem[i]] > strength[mem[j]] })
			for i := len(mem) - 1; i > len(mem)/2 && len(mem) > 2; i-- {
				if rng.Float64() < o.pairs {
					edge(graph.RelMentors, mem[0], mem[i])
				}
			}
		}
	}
	sort.Slice(snap.Nodes, func(i, j int) bool { return snap.Nodes[i].ID < snap.Nodes[j].ID })
	sort.Slice(snap.Edges, func(i, j int) bool { return snap.Edges[i].ID < snap.Edges[j].ID })
	return snap
}

// punch removes a share of the units, one at a time in a random order, each
// only if the rest of the map stays connected.
func punch(snap *graph.Snapshot, rng *rand.Rand, share float64) {
	nb := map[string]map[string]bool{}
	for _, n := range snap.Nodes {
		nb[n.ID] = map[string]bool{}
	}
	for _, e := range snap.Edges {
		nb[e.From][e.To] = true
		nb[e.To][e.From] = true
	}
	connected := func() bool {
		var start string
		for id := range nb {
			if start == "" || id < start {
				start = id
			}
		}
		seen := map[string]bool{start: true}
		q := []string{start}
		for len(q) > 0 {
			x := q[0]
			q = q[1:]
			for y := range nb[x] {
				if !seen[y] {
					seen[y] = true
					q = append(q, y)
				}
			}
		}
		return len(seen) == len(nb)
	}
	target := int(share * float64(len(snap.Nodes)))
	removed := map[string]bool{}
	for _, i := range rng.Perm(len(snap.Nodes)) {
		if len(removed) == target {
			break
		}
		id := snap.Nodes[i].ID
		saved := nb[id]
		delete(nb, id)
		for y := range saved {
			delete(nb[y], id)
		}
		if connected() {
			removed[id] = true
			continue
		}
		nb[id] = saved
		for y := range saved {
			nb[y][id] = true
		}
	}
	var nodes []*graph.Node
	for _, n := range snap.Nodes {
		if !removed[n.ID] {
			nodes = append(nodes, n)
		}
	}
	var edges []*graph.Edge
	for _, e := range snap.Edges {
		if !removed[e.From] && !removed[e.To] {
			edges = append(edges, e)
		}
	}
	snap.Nodes, snap.Edges = nodes, edges
}

func mustUnits(tb testing.TB, snap *graph.Snapshot, opt plan.UnitOptions) *plan.Problem {
	tb.Helper()
	p, err := plan.Units(snap, opt)
	if err != nil {
		tb.Fatalf("Units: %v", err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// pieces counts the connected pieces of members on p's map, computed here
// from Unit.Neighbours, independently of the package.
func pieces(p *plan.Problem, members []string) int {
	in := map[string]bool{}
	for _, m := range members {
		in[m] = true
	}
	nb := map[string][]string{}
	for _, u := range p.Units {
		nb[u.ID] = u.Neighbours
	}
	seen := map[string]bool{}
	n := 0
	for _, s := range members {
		if seen[s] {
			continue
		}
		n++
		seen[s] = true
		q := []string{s}
		for len(q) > 0 {
			x := q[0]
			q = q[1:]
			for _, y := range nb[x] {
				if in[y] && !seen[y] {
					seen[y] = true
					q = append(q, y)
				}
			}
		}
	}
	return n
}

// hops are the distances on p's map from id, computed here.
func hops(p *plan.Problem, from string) map[string]int {
	nb := map[string][]string{}
	for _, u := range p.Units {
		nb[u.ID] = u.Neighbours
	}
	d := map[string]int{from: 0}
	q := []string{from}
	for len(q) > 0 {
		x := q[0]
		q = q[1:]
		for _, y := range nb[x] {
			if _, ok := d[y]; !ok {
				d[y] = d[x] + 1
				q = append(q, y)
			}
		}
	}
	return d
}

// unitSpec is a hand-made unit: id, population, strength, party members.
type unitSpec struct {
	id                string
	pop, str, members float64
}

// handMap is a hand-made snapshot.
type handMap struct {
	units     []unitSpec
	borders   [][2]string
	alliances map[string][]string // alliance id → members
	pairs     [][2]string         // mentor → mentee
	// names are alliances' names (default: the id and " name").
	names map[string]string
	// parents put units under organisations (SUB_ORGANISATION_OF), which
	// the snapshot adds as PARTY_WORKING_COMMITTEE nodes.
	parents map[string]string
}

func (h handMap) snapshot() *graph.Snapshot {
	snap := &graph.Snapshot{}
	prov := graph.Provenance{Source: graph.SourceIllustrative, Quote: "illustrative: test"}
	for _, u := range h.units {
		snap.Nodes = append(snap.Nodes, &graph.Node{ID: u.id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: u.id, Provenance: prov,
			Attrs: map[string]any{graph.AttrPopulation: int64(u.pop), graph.AttrStrength: u.str, graph.AttrPartyMembers: int64(u.members)}})
	}
	for _, b := range h.borders {
		snap.Edges = append(snap.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelAdjacentTo, b[0], b[1]), Type: graph.RelAdjacentTo, From: b[0], To: b[1], Provenance: prov})
	}
	var ids []string
	for a := range h.alliances {
		ids = append(ids, a)
	}
	sort.Strings(ids)
	for _, a := range ids {
		name := a + " name"
		if n, ok := h.names[a]; ok {
			name = n
		}
		snap.Nodes = append(snap.Nodes, &graph.Node{ID: a, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: name, Provenance: prov})
		for _, m := range h.alliances[a] {
			snap.Edges = append(snap.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelMemberOf, m, a), Type: graph.RelMemberOf, From: m, To: a, Provenance: prov,
				Attrs: map[string]any{graph.AttrRole: "member"}})
		}
	}
	for _, p := range h.pairs {
		snap.Edges = append(snap.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelMentors, p[0], p[1]), Type: graph.RelMentors, From: p[0], To: p[1], Provenance: prov})
	}
	made := map[string]bool{}
	for _, c := range sortedKeys(h.parents) {
		parent := h.parents[c]
		if !made[parent] {
			made[parent] = true
			snap.Nodes = append(snap.Nodes, &graph.Node{ID: parent, Label: graph.LabelOrganisation, Kind: "PARTY_WORKING_COMMITTEE", Name: parent, Provenance: prov})
		}
		snap.Edges = append(snap.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelSubOrganisationOf, c, parent), Type: graph.RelSubOrganisationOf, From: c, To: parent, Provenance: prov})
	}
	return snap
}

// line is a path of n units u0–u1–…, with the given strengths.
func line(strengths ...float64) handMap {
	var h handMap
	for i, s := range strengths {
		h.units = append(h.units, unitSpec{fmt.Sprintf("u%d", i), 1000, s, 10})
		if i > 0 {
			h.borders = append(h.borders, [2]string{fmt.Sprintf("u%d", i-1), fmt.Sprintf("u%d", i)})
		}
	}
	return h
}

func ip(v int) *int         { return &v }
func fp(v float64) *float64 { return &v }

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
