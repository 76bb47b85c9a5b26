package plan_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

// capacity is the mentor capacity an input allows, as documented.
func capacity(p *plan.Problem, in plan.Input) int {
	if c := in.Constraints.MaxMenteesPerMentor; c != nil {
		return *c
	}
	strong, weak := 0, 0
	for _, u := range p.Units {
		if u.Strong {
			strong++
		} else {
			weak++
		}
	}
	if strong == 0 {
		return plan.DefaultMaxMentees
	}
	return max(plan.DefaultMaxMentees, (weak+strong-1)/strong)
}

// checkPlan checks the properties every plan must have.
func checkPlan(t *testing.T, p *plan.Problem, in plan.Input, pl *plan.Plan) {
	t.Helper()
	c := in.Constraints
	strong := map[string]bool{}
	for _, u := range p.Units {
		strong[u.ID] = u.Strong
	}
	// Every unit exactly once.
	seen := map[string]string{}
	for _, a := range pl.Alliances {
		if len(a.Members) == 0 {
			t.Errorf("alliance %q is empty", a.Key)
		}
		for _, m := range a.Members {
			if old, dup := seen[m]; dup {
				t.Errorf("unit %q is in %q and %q", m, old, a.Key)
			}
			seen[m] = a.Key
		}
	}
	for _, m := range pl.Unassigned {
		if old, dup := seen[m]; dup {
			t.Errorf("unit %q is unassigned and in %q", m, old)
		}
		seen[m] = ""
	}
	if len(pl.Unassigned) > 0 && in.Strategy != plan.Pairings {
		t.Errorf("%s left %d units unassigned", in.Strategy, len(pl.Unassigned))
	}
	if len(seen) != len(p.Units) {
		t.Errorf("plan covers %d units; want %d", len(seen), len(p.Units))
	}
	if in.Strategy != plan.Pairings {
		for _, a := range pl.Alliances {
			if c.Contiguous() {
				if n := pieces(p, a.Members); n != 1 {
					t.Errorf("alliance %q is in %d pieces; want contiguous", a.Key, n)
				}
			}
			if c.Strong() {
				has := false
				for _, m := range a.Members {
					has = has || strong[m]
				}
				if !has {
					t.Errorf("alliance %q has no strong unit", a.Key)
				}
			}
			minSize := plan.DefaultMinSize
			if c.MinSize != nil {
				minSize = *c.MinSize
			}
			if len(a.Members) < minSize {
				t.Errorf("alliance %q has %d members < minSize %d", a.Key, len(a.Members), minSize)
			}
			if c.MaxSize != nil && len(a.Members) > *c.MaxSize {
				t.Errorf("alliance %q has %d members > maxSize %d", a.Key, len(a.Members), *c.MaxSize)
			}
		}
		k := p.DefaultK()
		if in.K != nil {
			k = *in.K
		}
		if in.Strategy == plan.Balanced && k > 0 && len(pl.Alliances) != k {
			t.Errorf("plan has %d alliances; want k = %d", len(pl.Alliances), k)
		}
	}
	// Chosen pairings (kept ones are today's data, whatever they are):
	// strong → weak, a mentee once, mentors within capacity, every weak unit
	// paired.
	if in.Strategy == plan.Pairings || in.Pair {
		load := map[string]int{}
		mentee := map[string]bool{}
		for _, pr := range pl.Pairings {
			if !strong[pr.Mentor] || strong[pr.Mentee] {
				t.Errorf("pairing %v is not strong → weak", pr)
			}
			if mentee[pr.Mentee] {
				t.Errorf("mentee %q paired twice", pr.Mentee)
			}
			mentee[pr.Mentee] = true
			load[pr.Mentor]++
		}
		limit := capacity(p, in)
		for m, n := range load {
			if n > limit {
				t.Errorf("mentor %q has %d mentees > capacity %d", m, n, limit)
			}
		}
		for _, u := range p.Units {
			if !u.Strong && !mentee[u.ID] {
				t.Errorf("weak unit %q has no mentor", u.ID)
			}
		}
		if c.PairWithinAlliance {
			for _, pr := range pl.Pairings {
				if seen[pr.Mentor] == "" || seen[pr.Mentor] != seen[pr.Mentee] {
					t.Errorf("pairing %v crosses alliances %q and %q", pr, seen[pr.Mentor], seen[pr.Mentee])
				}
			}
		}
	}
	if pl.Metrics.AllianceCount != len(pl.Alliances) || len(pl.Metrics.Alliances) != len(pl.Alliances) {
		t.Errorf("metrics count %d alliances; plan has %d", pl.Metrics.AllianceCount, len(pl.Alliances))
	}
	if _, err := json.Marshal(pl); err != nil {
		t.Errorf("json.Marshal(plan): %v", err)
	}
}

// TestProperties runs every strategy on random maps of 20–200 units and
// checks the plan's properties and that the same seed gives the same plan.
func TestProperties(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 6
	}
	for s := 1; s <= seeds; s++ {
		rng := rand.New(rand.NewPCG(uint64(s), 1))
		w, h := 5+rng.IntN(10), 5+rng.IntN(10) // 20–196 units after holes
		o := cityOpts{w: w, h: h, diagonals: rng.Float64(), alliances: 2 + rng.IntN(w*h/8), pairs: 0.5, holes: 0.2 * rng.Float64(), seed: uint64(s)}
		p := mustUnits(t, city(t, o), plan.UnitOptions{})
		strong := 0
		for _, u := range p.Units {
			if u.Strong {
				strong++
			}
		}
		n := len(p.Units)
		k := 2 + rng.IntN(max(1, strong/3-1))
		inputs := []plan.Input{
			{Strategy: plan.Balanced, K: ip(k), Seed: int64(s), Pair: rng.IntN(2) == 0},
			{Strategy: plan.Balanced, K: ip(k), Seed: int64(s), MoveCost: 0.2,
				Constraints: plan.Constraints{MinSize: ip(max(1, n/k-2)), MaxSize: ip((n+k-1)/k + 3)}},
			{Strategy: plan.Balanced, K: ip(0), Seed: int64(s), Constraints: plan.Constraints{MinSize: ip(3 + rng.IntN(4))}},
			{Strategy: plan.Community, Seed: int64(s), Pair: true},
			{Strategy: plan.Balanced, K: ip(k), Seed: int64(s), Pair: true, Constraints: plan.Constraints{PairWithinAlliance: true, MaxMenteesPerMentor: ip(3)}},
			{Strategy: plan.Community, Seed: int64(s), Constraints: plan.Constraints{MinSize: ip(4)}},
			{Strategy: plan.Pairings, Seed: int64(s)},
			{Strategy: plan.Pairings, Seed: int64(s), Constraints: plan.Constraints{MaxMenteesPerMentor: ip(3)}},
		}
		for i, in := range inputs {
			t.Run(fmt.Sprintf("seed%d/%d-%s", s, i, in.Strategy), func(t *testing.T) {
				pl, err := plan.Simulate(context.Background(), p, in)
				if err != nil {
					t.Fatalf("Simulate(n=%d, %+v) = %v", n, in, err)
				}
				checkPlan(t, p, in, pl)
				again, err := plan.Simulate(context.Background(), p, in)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(pl, again) {
					t.Errorf("the same seed gave two different plans")
				}
				// MANUAL on the plan's own grouping reproduces its metrics.
				if in.Strategy == plan.Pairings {
					return
				}
				g, err := plan.GroupingOf(pl.Alliances)
				if err != nil {
					t.Fatal(err)
				}
				man := plan.Input{Strategy: plan.Manual, Grouping: g, Constraints: in.Constraints}
				if in.Pair {
					man.Pairings = pl.Pairings
				}
				ev, err := plan.Simulate(context.Background(), p, man)
				if err != nil {
					t.Fatalf("MANUAL on %s's grouping: %v", in.Strategy, err)
				}
				checkPlan(t, p, man, ev)
				if !reflect.DeepEqual(ev.Metrics, pl.Metrics) {
					t.Errorf("MANUAL metrics differ from %s's", in.Strategy)
				}
			})
		}
	}
}

// TestSeedsDiffer checks that the seed matters where there is a choice.
func TestSeedsDiffer(t *testing.T) {
	p := mustUnits(t, city(t, cityOpts{w: 12, h: 12, diagonals: 0.5, seed: 3}), plan.UnitOptions{})
	a := simulate(t, p, plan.Input{Strategy: plan.Balanced, K: ip(8), Seed: 1})
	b := simulate(t, p, plan.Input{Strategy: plan.Balanced, K: ip(8), Seed: 2})
	if reflect.DeepEqual(a.Alliances, b.Alliances) {
		t.Errorf("seeds 1 and 2 gave the same grouping of 144 units")
	}
}

// TestBalancedImproves checks that BALANCED evens out today's alliances.
func TestBalancedImproves(t *testing.T) {
	p := mustUnits(t, city(t, cityOpts{w: 20, h: 20, diagonals: 0.8, alliances: 24, pairs: 0.5, seed: 11}), plan.UnitOptions{})
	pl := simulate(t, p, plan.Input{Strategy: plan.Balanced, K: ip(24), Seed: 1})
	lv := simulate(t, p, plainLouvain)
	t.Logf("CV strength: today %.3f, BALANCED %.3f, plain Louvain %.3f", pl.Today.Strength.CV, pl.Metrics.Strength.CV, lv.Metrics.Strength.CV)
	t.Logf("CV population: today %.3f, BALANCED %.3f, plain Louvain %.3f", pl.Today.Population.CV, pl.Metrics.Population.CV, lv.Metrics.Population.CV)
	if pl.Metrics.Strength.CV >= pl.Today.Strength.CV || pl.Metrics.Population.CV >= pl.Today.Population.CV {
		t.Errorf("BALANCED did not improve on today")
	}
	if pl.Metrics.Strength.CV >= lv.Metrics.Strength.CV || pl.Metrics.Population.CV >= lv.Metrics.Population.CV {
		t.Errorf("BALANCED is no more even than plain Louvain")
	}
	// A move cost trades balance for stability.
	still := simulate(t, p, plan.Input{Strategy: plan.Balanced, K: ip(24), Seed: 1, MoveCost: 1})
	t.Logf("moved: %d with moveCost 0, %d with moveCost 1", pl.Metrics.Moved, still.Metrics.Moved)
	if still.Metrics.Moved >= pl.Metrics.Moved {
		t.Errorf("moveCost 1 moved %d units, no fewer than moveCost 0 (%d)", still.Metrics.Moved, pl.Metrics.Moved)
	}
}

func TestCancelled(t *testing.T) {
	p := mustUnits(t, city(t, cityOpts{w: 10, h: 10, diagonals: 0.5, seed: 1}), plan.UnitOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := plan.Simulate(ctx, p, plan.Input{Strategy: plan.Balanced, K: ip(5)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Simulate(cancelled) = %v; want context.Canceled", err)
	}
	if graph.ErrorCode(err) != graph.CodeInternal {
		t.Errorf("code %q; want internal", graph.ErrorCode(err))
	}
}

// TestConcurrent shares one Problem between concurrent simulations (run
// with -race).
func TestConcurrent(t *testing.T) {
	p := mustUnits(t, city(t, cityOpts{w: 10, h: 10, diagonals: 0.5, alliances: 6, pairs: 0.5, seed: 8}), plan.UnitOptions{})
	inputs := []plan.Input{
		{Strategy: plan.Balanced, K: ip(6), Seed: 1, Pair: true},
		{Strategy: plan.Community, Seed: 1},
		{Strategy: plan.Pairings, Seed: 1},
		{Strategy: plan.Balanced, Seed: 1, Constraints: plan.Constraints{MinSize: ip(5)}},
	}
	want := make([]*plan.Plan, len(inputs))
	for i, in := range inputs {
		want[i] = simulate(t, p, in)
	}
	done := make(chan error, len(inputs))
	for i, in := range inputs {
		go func() {
			pl, err := plan.Simulate(context.Background(), p, in)
			if err == nil && !reflect.DeepEqual(pl, want[i]) {
				err = fmt.Errorf("%s: concurrent plan differs", in.Strategy)
			}
			done <- err
		}()
	}
	for range inputs {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
