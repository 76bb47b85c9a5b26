package plan_test

import (
	"context"
	"testing"

	"github.com/orgnet/orgnet/graph/plan"
)

// keyOf maps each unit to its alliance key in a plan.
func keyOf(pl *plan.Plan) map[string]string {
	out := map[string]string{}
	for _, a := range pl.Alliances {
		for _, m := range a.Members {
			out[m] = a.Key
		}
	}
	return out
}

// TestConstraintsMet checks that plans meet Together, Apart, Fixed and
// strength thresholds when they can be met.
func TestConstraintsMet(t *testing.T) {
	p := mustUnits(t, city(t, cityOpts{w: 12, h: 12, diagonals: 0.6, alliances: 9, pairs: 0.5, seed: 21}), plan.UnitOptions{})
	total := 0.0
	for _, u := range p.Units {
		total += u.Strength
	}
	// Far-apart corners fixed to two current alliances;
	// a together pair two cells apart; an apart trio of neighbours.
	c := plan.Constraints{
		Fixed:    map[string]string{"org:u000-000": "alliance:a000", "org:u000-001": "alliance:a000", "org:u011-011": "alliance:a008"},
		Together: [][]string{{"org:u005-005", "org:u005-007"}},
		Apart:    [][]string{{"org:u008-002", "org:u008-003", "org:u008-004"}},
	}
	inputs := []plan.Input{
		{Strategy: plan.Balanced, K: ip(9), Seed: 1, Constraints: c},
		{Strategy: plan.Balanced, K: ip(6), Seed: 2, Constraints: c},
		{Strategy: plan.Balanced, K: ip(0), Seed: 3, Constraints: plan.Constraints{MinTotalStrength: fp(total / 12), Fixed: c.Fixed, Together: c.Together, Apart: c.Apart}},
		{Strategy: plan.Community, Seed: 4, Constraints: c},
		{Strategy: plan.Community, Seed: 5, Constraints: plan.Constraints{MaxSize: ip(12), MinSize: ip(4)}},
		{Strategy: plan.Balanced, K: ip(7), Seed: 6, Constraints: plan.Constraints{RequireContiguous: ptr(false), RequireStrong: ptr(false), MinSize: ip(10)}},
	}
	for _, in := range inputs {
		t.Run(string(in.Strategy), func(t *testing.T) {
			pl, err := plan.Simulate(context.Background(), p, in)
			if err != nil {
				t.Fatalf("Simulate(%+v) = %v", in, err)
			}
			checkPlan(t, p, in, pl)
			key := keyOf(pl)
			for u, k := range in.Constraints.Fixed {
				if key[u] != k {
					t.Errorf("fixed unit %s is in %q; want %q", u, key[u], k)
				}
			}
			for _, g := range in.Constraints.Together {
				for _, u := range g[1:] {
					if key[u] != key[g[0]] {
						t.Errorf("together units %s and %s are in %q and %q", g[0], u, key[g[0]], key[u])
					}
				}
			}
			for _, g := range in.Constraints.Apart {
				seen := map[string]string{}
				for _, u := range g {
					if o, dup := seen[key[u]]; dup {
						t.Errorf("apart units %s and %s share %q", o, u, key[u])
					}
					seen[key[u]] = u
				}
			}
			if min := in.Constraints.MinTotalStrength; min != nil {
				for _, a := range pl.Metrics.Alliances {
					if a.Strength < *min-1e-9 {
						t.Errorf("alliance %q has strength %v < %v", a.Key, a.Strength, *min)
					}
				}
			}
			t.Logf("%d alliances, CV strength %.3f (today %.3f), moved %d", len(pl.Alliances), pl.Metrics.Strength.CV, pl.Today.Strength.CV, pl.Metrics.Moved)
		})
	}
}

// TestIslands plans on a map in two parts.
func TestIslands(t *testing.T) {
	// u0–u1–u2 and u3–u4–u5, strong u0 and u3.
	h := line(100, 10, 10, 100, 10, 10)
	h.borders = append(h.borders[:2], [2]string{"u3", "u4"}, [2]string{"u4", "u5"})
	p := mustUnits(t, h.snapshot(), plan.UnitOptions{Strong: plan.StrongRule{MinStrength: ptr(50.0)}})
	for _, in := range []plan.Input{
		{Strategy: plan.Balanced, K: ip(2)},
		{Strategy: plan.Balanced},
		{Strategy: plan.Community},
		{Strategy: plan.Pairings},
		{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{RequireContiguous: ptr(false), Together: [][]string{{"u0", "u5"}}}},
	} {
		pl, err := plan.Simulate(context.Background(), p, in)
		if err != nil {
			t.Fatalf("Simulate(%+v) = %v", in, err)
		}
		checkPlan(t, p, in, pl)
		if in.Strategy != plan.Pairings && len(pl.Alliances) != 2 {
			t.Errorf("%s: %d alliances; want 2", in.Strategy, len(pl.Alliances))
		}
	}
}
