package plan_test

import (
	"context"
	"testing"

	"github.com/orgnet/orgnet/graph/plan"
)

// TestEdgeCases: a map without borders, one unit, one alliance.
func TestEdgeCases(t *testing.T) {
	noBorders := line(100, 10, 50, 80, 5)
	noBorders.borders = nil
	off := plan.Constraints{RequireContiguous: ptr(false)}
	one := line(100)
	cases := []struct {
		name string
		m    handMap
		in   plan.Input
	}{
		{"NoBordersBalanced", noBorders, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: off}},
		{"NoBordersMaxP", noBorders, plan.Input{Strategy: plan.Balanced, K: ip(0), Constraints: off}},
		{"NoBordersCommunity", noBorders, plan.Input{Strategy: plan.Community, Constraints: off}},
		{"NoBordersPairings", noBorders, plan.Input{Strategy: plan.Pairings}},
		{"OneUnit", one, plan.Input{Strategy: plan.Balanced, K: ip(1), Constraints: plan.Constraints{MinSize: ip(1)}}},
		{"OneUnitCommunity", one, plan.Input{Strategy: plan.Community, Constraints: plan.Constraints{MinSize: ip(1)}}},
		{"OneUnitPairings", one, plan.Input{Strategy: plan.Pairings}},
		{"OneAlliance", line(100, 10, 50, 80, 5), plan.Input{Strategy: plan.Balanced, K: ip(1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustUnits(t, tc.m.snapshot(), plan.UnitOptions{})
			pl, err := plan.Simulate(context.Background(), p, tc.in)
			if err != nil {
				t.Fatalf("Simulate = %v", err)
			}
			checkPlan(t, p, tc.in, pl)
		})
	}
}
