package plan_test

import (
	"context"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/seed"
)

// TestYuelin plans on the seed data set: its villages and communities,
// four regional alliances, pairings and borders.
func TestYuelin(t *testing.T) {
	b := seed.Yuelin()
	snap := &graph.Snapshot{}
	for i := range b.Nodes {
		snap.Nodes = append(snap.Nodes, &b.Nodes[i])
	}
	for i := range b.Edges {
		snap.Edges = append(snap.Edges, &b.Edges[i])
	}
	p := mustUnits(t, snap, plan.UnitOptions{})
	if len(p.Units) < 10 || len(p.Alliances) != 4 || len(p.Pairings) == 0 {
		t.Fatalf("Yuelin: %d units, %d alliances, %d pairings; want ≥ 10, 4, > 0", len(p.Units), len(p.Alliances), len(p.Pairings))
	}
	today := plan.Evaluate(p, p.Today())
	if today.NonContiguous != 0 || today.Unassigned != 0 {
		t.Errorf("today: %d alliances not contiguous, %d units unassigned; the seed's map has every alliance contiguous", today.NonContiguous, today.Unassigned)
	}
	for _, in := range []plan.Input{
		{Strategy: plan.Balanced, K: ip(4), Seed: 1, Pair: true},
		{Strategy: plan.Balanced, K: ip(3), Seed: 1, Constraints: plan.Constraints{Fixed: map[string]string{seed.ShengdunVillageID: seed.ShujiaAllianceID}}},
		{Strategy: plan.Balanced, Seed: 1, Constraints: plan.Constraints{MinSize: ip(3)}},
		{Strategy: plan.Community, Seed: 1},
		{Strategy: plan.Pairings, Seed: 1, Constraints: plan.Constraints{PairWithinAlliance: true}},
	} {
		pl, err := plan.Simulate(context.Background(), p, in)
		if err != nil {
			t.Fatalf("Simulate(%+v) = %v", in, err)
		}
		checkPlan(t, p, in, pl)
		t.Logf("%s k=%d: %d alliances, CV population %.3f→%.3f, CV strength %.3f→%.3f, %d moved, %d weak with a mentor",
			in.Strategy, in.K, len(pl.Alliances), pl.Today.Population.CV, pl.Metrics.Population.CV,
			pl.Today.Strength.CV, pl.Metrics.Strength.CV, pl.Metrics.Moved, pl.Metrics.WeakWithMentor)
	}
}
