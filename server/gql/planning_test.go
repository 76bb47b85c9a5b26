package gql

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/gql/model"
)

// TestLegacyScenarioInput: scenarios saved before requests were hold the
// JSON of the GraphQL input; plan.ReadScenario reads it as the request
// planRequest makes of that input, read as it was meant then: a minSize
// left out meant no bound (1), a k left out for BALANCED meant 0 (as many
// as allowed), settings that had no effect (a resolution for BALANCED,
// pairing constraints without pairing) are dropped.
func TestLegacyScenarioInput(t *testing.T) {
	p := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	b := func(v bool) *bool { return &v }
	for _, tc := range []struct {
		in    model.AllianceSimulationInput
		meant func(*plan.Request)
	}{
		{model.AllianceSimulationInput{Strategy: model.PlanStrategyBalanced, Seed: p(7), K: p(4), Pair: b(true), MoveCost: f(0.3)},
			func(r *plan.Request) { r.Input.Constraints.MinSize = p(1) }},
		{model.AllianceSimulationInput{Strategy: model.PlanStrategyBalanced},
			func(r *plan.Request) { r.Input.K, r.Input.Constraints.MinSize = p(0), p(1) }},
		{model.AllianceSimulationInput{Strategy: model.PlanStrategyManual, Seed: p(1), Grouping: []*model.GroupInput{{Key: "k", Members: []string{"org:a", "org:b"}}},
			Pairings: []*model.PairingInput{{Mentor: "org:a", Mentee: "org:b"}}},
			func(r *plan.Request) { r.Input.Constraints.MinSize = p(1) }},
		{model.AllianceSimulationInput{Strategy: model.PlanStrategyCommunity, Resolution: f(1.5), Strong: &model.StrongRuleInput{TopFraction: f(0.3), Ids: []string{"org:s"}},
			Constraints: &model.PlanConstraintsInput{MinSize: p(2), MaxSize: p(9), MinTotalStrength: f(50), Together: [][]string{{"org:a", "org:b"}},
				Apart: [][]string{{"org:c", "org:d"}}, Fixed: []*model.FixedUnitInput{{Unit: "org:a", Alliance: "alliance:x"}},
				MaxMenteesPerMentor: p(2), PairWithinAlliance: b(true), RequireContiguous: b(false), RequireStrong: b(true)}},
			func(r *plan.Request) {
				r.Input.Constraints.MaxMenteesPerMentor, r.Input.Constraints.PairWithinAlliance = nil, false
			}},
		{model.AllianceSimulationInput{Strategy: model.PlanStrategyPairings}, func(*plan.Request) {}},
	} {
		in := tc.in
		want, err := planRequest(in)
		if err != nil {
			t.Fatal(err)
		}
		tc.meant(&want)
		old, err := json.Marshal(in) // what saveScenario stored until 2026-12
		if err != nil {
			t.Fatal(err)
		}
		sc, err := plan.ReadScenario(&graph.Node{ID: "scenario:old", Label: graph.LabelScenario, Kind: plan.ScenarioSaved,
			Attrs: map[string]any{plan.AttrScenarioLegacyInput: string(old), plan.AttrScenarioPlan: `{"strategy":"MANUAL","seed":1}`}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sc.Request, want) {
			t.Errorf("%s:\nread %+v\nwant %+v", old, sc.Request, want)
		}
	}
}
