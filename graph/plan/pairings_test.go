package plan_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

// cost3 is PAIRINGS' objective, in its order: total hops (a pair in
// separate parts of the map counts as many hops as there are units), pairs
// across alliances, pairs that are not today's.
type cost3 struct{ hops, cross, fresh int }

func (a cost3) less(b cost3) bool {
	if a.hops != b.hops {
		return a.hops < b.hops
	}
	if a.cross != b.cross {
		return a.cross < b.cross
	}
	return a.fresh < b.fresh
}

// pairCost is the cost of one pairing, computed here from the problem.
func pairCost(p *plan.Problem, dist map[string]map[string]int, today map[plan.Pairing]bool, mentor, mentee string) cost3 {
	var c cost3
	h, ok := dist[mentor][mentee]
	if !ok {
		h = len(p.Units)
	}
	c.hops = h
	cur := map[string]string{}
	for _, u := range p.Units {
		cur[u.ID] = u.Current
	}
	if cur[mentee] == "" || cur[mentor] != cur[mentee] {
		c.cross = 1
	}
	if !today[plan.Pairing{Mentor: mentor, Mentee: mentee}] {
		c.fresh = 1
	}
	return c
}

// TestPairingsOptimal compares PAIRINGS with brute force on small random
// instances: maps that may fall apart, random strong units, alliances,
// today's pairings, capacities, and sometimes pairing within alliances.
func TestPairingsOptimal(t *testing.T) {
	instances := 200
	if testing.Short() {
		instances = 30
	}
	compared, infeasible := 0, 0
	for s := 1; s <= instances; s++ {
		rng := rand.New(rand.NewPCG(uint64(s), 5))
		n := 4 + rng.IntN(8)
		var h handMap
		h.alliances = map[string][]string{}
		for i := 0; i < n; i++ {
			h.units = append(h.units, unitSpec{fmt.Sprintf("u%d", i), 100, float64(rng.IntN(100)), 1})
			if i > 0 && rng.Float64() < 0.85 {
				h.borders = append(h.borders, [2]string{fmt.Sprintf("u%d", rng.IntN(i)), fmt.Sprintf("u%d", i)})
			}
		}
		for e := rng.IntN(n); e > 0; e-- {
			a, b := rng.IntN(n), rng.IntN(n)
			if a != b {
				h.borders = append(h.borders, [2]string{fmt.Sprintf("u%d", a), fmt.Sprintf("u%d", b)})
			}
		}
		var strong, weak []string
		nStrong := 1 + rng.IntN(min(5, n-1))
		for i, x := range rng.Perm(n) {
			if i < nStrong {
				strong = append(strong, fmt.Sprintf("u%d", x))
			} else {
				weak = append(weak, fmt.Sprintf("u%d", x))
			}
		}
		if len(weak) > 7 {
			weak = weak[:7]
			// the rest become strong too, so that brute force stays small
			strong = nil
			for i := 0; i < n; i++ {
				id := fmt.Sprintf("u%d", i)
				isWeak := false
				for _, w := range weak {
					isWeak = isWeak || w == id
				}
				if !isWeak {
					strong = append(strong, id)
				}
			}
			if len(strong) > 5 {
				continue
			}
		}
		groups := 1 + rng.IntN(3)
		for i := 0; i < n; i++ {
			if g := rng.IntN(groups + 1); g < groups {
				a := fmt.Sprintf("alliance:g%d", g)
				h.alliances[a] = append(h.alliances[a], fmt.Sprintf("u%d", i))
			}
		}
		for i := rng.IntN(3); i > 0; i-- {
			h.pairs = append(h.pairs, [2]string{strong[rng.IntN(len(strong))], weak[rng.IntN(len(weak))]})
		}
		capacity := 1 + rng.IntN(4)
		within := rng.IntN(4) == 0

		p := mustUnits(t, h.snapshot(), plan.UnitOptions{Strong: plan.StrongRule{IDs: strong}})
		dist := map[string]map[string]int{}
		for _, u := range p.Units {
			dist[u.ID] = hops(p, u.ID)
		}
		today := map[plan.Pairing]bool{}
		for _, pr := range p.Pairings {
			today[pr] = true
		}
		group := map[string]string{}
		for _, u := range p.Units {
			group[u.ID] = u.Current
		}

		// Brute force over every assignment within capacity.
		var best *cost3
		load := map[string]int{}
		var rec func(i int, c cost3)
		rec = func(i int, c cost3) {
			if i == len(weak) {
				if best == nil || c.less(*best) {
					cc := c
					best = &cc
				}
				return
			}
			for _, m := range strong {
				if load[m] == capacity || within && (group[weak[i]] == "" || group[m] != group[weak[i]]) {
					continue
				}
				load[m]++
				pc := pairCost(p, dist, today, m, weak[i])
				rec(i+1, cost3{c.hops + pc.hops, c.cross + pc.cross, c.fresh + pc.fresh})
				load[m]--
			}
		}
		rec(0, cost3{})

		in := plan.Input{Strategy: plan.Pairings, Seed: int64(s), Constraints: plan.Constraints{MaxMenteesPerMentor: ip(capacity), PairWithinAlliance: within}}
		// With the default candidates, and with a single candidate per weak
		// unit so that pricing must find the rest.
		for _, extra := range []int{6, -100} {
			restore := plan.SetCandidateExtra(extra)
			pl, err := plan.Simulate(context.Background(), p, in)
			restore()
			if best == nil {
				if graph.ErrorCode(err) != graph.CodeInvalid {
					t.Errorf("instance %d: no assignment exists; Simulate = %v, want CodeInvalid", s, err)
				}
				infeasible++
				continue
			}
			if err != nil {
				t.Errorf("instance %d: Simulate = %v; brute force found %+v", s, err, *best)
				continue
			}
			checkPlan(t, p, in, pl)
			got := totalCost(p, dist, today, pl.Pairings)
			if got != *best {
				t.Errorf("instance %d (%d units, %d strong, %d weak, capacity %d, within %v, extra %d): PAIRINGS cost %+v; brute force %+v",
					s, n, len(strong), len(weak), capacity, within, extra, got, *best)
			}
			compared++
		}
	}
	t.Logf("%d solutions compared with brute force, %d infeasible requests refused", compared, infeasible)
}

func totalCost(p *plan.Problem, dist map[string]map[string]int, today map[plan.Pairing]bool, pairs []plan.Pairing) cost3 {
	var got cost3
	for _, pr := range pairs {
		pc := pairCost(p, dist, today, pr.Mentor, pr.Mentee)
		got = cost3{got.hops + pc.hops, got.cross + pc.cross, got.fresh + pc.fresh}
	}
	return got
}

// TestPairingsCity checks the exact solver at scale against a lower bound:
// no weak unit can be closer to a mentor than its nearest strong unit.
func TestPairingsCity(t *testing.T) {
	p := mustUnits(t, city(t, cityOpts{w: 20, h: 20, diagonals: 0.7, alliances: 24, pairs: 0.5, seed: 4}), plan.UnitOptions{})
	in := plan.Input{Strategy: plan.Pairings, Seed: 1, Constraints: plan.Constraints{MaxMenteesPerMentor: ip(1)}}
	pl := simulate(t, p, in)
	checkPlan(t, p, in, pl)
	total, bound := 0, 0
	for _, pr := range pl.Pairings {
		total += hops(p, pr.Mentor)[pr.Mentee]
	}
	for _, u := range p.Units {
		if u.Strong {
			continue
		}
		d := hops(p, u.ID)
		near := len(p.Units)
		for _, v := range p.Units {
			if h, ok := d[v.ID]; ok && v.Strong && h < near {
				near = h
			}
		}
		bound += near
	}
	t.Logf("%d pairings, %d hops in all; lower bound %d", len(pl.Pairings), total, bound)
	if total < bound {
		t.Errorf("total hops %d below the lower bound %d", total, bound)
	}
	// One candidate per weak unit: pricing must reach the same optimum.
	restore := plan.SetCandidateExtra(-100)
	narrow := simulate(t, p, in)
	restore()
	dist := map[string]map[string]int{}
	for _, u := range p.Units {
		dist[u.ID] = hops(p, u.ID)
	}
	today := map[plan.Pairing]bool{}
	for _, pr := range p.Pairings {
		today[pr] = true
	}
	if a, b := totalCost(p, dist, today, pl.Pairings), totalCost(p, dist, today, narrow.Pairings); a != b {
		t.Errorf("cost with default candidates %+v; with one candidate each %+v", a, b)
	}
}
