package plan_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

func TestUnits(t *testing.T) {
	snap := yuelinLike.snapshot()
	prov := graph.Provenance{Source: graph.SourceUser}
	// A community with no attributes, in two alliances; an ended village; an
	// enterprise (not a unit); an ended membership and a future one.
	snap.Nodes = append(snap.Nodes,
		&graph.Node{ID: "K", Label: graph.LabelOrganisation, Kind: "COMMUNITY", Name: "K", Provenance: prov},
		&graph.Node{ID: "Old", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "Old", Until: "2020-01-01", Provenance: prov},
		&graph.Node{ID: "Firm", Label: graph.LabelOrganisation, Kind: "ENTERPRISE", Name: "Firm", Provenance: prov},
		&graph.Node{ID: "alliance:startup", Label: graph.LabelAlliance, Kind: "PARTY_BUILDING_ALLIANCE", Name: "startup", Provenance: prov})
	snap.Edges = append(snap.Edges,
		&graph.Edge{ID: "m1", Type: graph.RelMemberOf, From: "K", To: "alliance:west", Provenance: prov},
		&graph.Edge{ID: "m2", Type: graph.RelMemberOf, From: "K", To: "alliance:east", Provenance: prov},
		&graph.Edge{ID: "m3", Type: graph.RelMemberOf, From: "K", To: "alliance:startup", Provenance: prov},
		&graph.Edge{ID: "a1", Type: graph.RelAdjacentTo, From: "K", To: "H", Provenance: prov},
		&graph.Edge{ID: "a2", Type: graph.RelAdjacentTo, From: "H", To: "K", Provenance: prov},
		&graph.Edge{ID: "a3", Type: graph.RelAdjacentTo, From: "K", To: "Firm", Provenance: prov},
		&graph.Edge{ID: "ended", Type: graph.RelMentors, From: "A", To: "C", Since: "2016-10-01", Until: "2024-01-01", Provenance: prov},
		&graph.Edge{ID: "later", Type: graph.RelMentors, From: "A", To: "D", Since: "2030-01-01", Provenance: prov},
	)
	p := mustUnits(t, snap, plan.UnitOptions{})
	var ids []string
	for _, u := range p.Units {
		ids = append(ids, u.ID)
	}
	if want := []string{"A", "B", "C", "D", "E", "F", "G", "H", "K"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("units = %v; want %v", ids, want)
	}
	k := p.Units[p.Index("K")]
	if k.Current != "alliance:east" || !reflect.DeepEqual(k.Neighbours, []string{"H"}) || k.Population != 0 {
		t.Errorf("K = %+v; want current alliance:east (first by id), neighbour H, population 0", k)
	}
	if got := p.Units[p.Index("A")].Role; got != "member" {
		t.Errorf("A's role = %q; want member", got)
	}
	warn := strings.Join(p.Warnings, "\n")
	for _, w := range []string{"population missing", "strength missing", "partyMembers missing", "several alliances"} {
		if !strings.Contains(warn, w) {
			t.Errorf("warnings lack %q: %v", w, p.Warnings)
		}
	}
	// Without AsOf, ended edges drop out and future ones stay.
	wantPairs := []plan.Pairing{{"A", "D"}, {"B", "F"}, {"G", "H"}}
	if !reflect.DeepEqual(p.Pairings, wantPairs) {
		t.Errorf("pairings = %v; want %v", p.Pairings, wantPairs)
	}
	// As of 2019: the old village and the pairing ended in 2024 are there,
	// the future pairing is not.
	if p.Index("Old") >= 0 {
		t.Errorf("the village ended 2020-01-01 is a unit today")
	}
	then := mustUnits(t, snap, plan.UnitOptions{AsOf: "2019-06-01"})
	if then.Index("Old") < 0 {
		t.Errorf("as of 2019-06-01 the village ended 2020-01-01 is not a unit")
	}
	wantThen := []plan.Pairing{{"A", "C"}, {"B", "F"}, {"G", "H"}}
	if !reflect.DeepEqual(then.Pairings, wantThen) {
		t.Errorf("pairings as of 2019-06-01 = %v; want %v", then.Pairings, wantThen)
	}

	// Strong rules.
	strongOf := func(opt plan.UnitOptions) []string {
		var out []string
		for _, u := range mustUnits(t, yuelinLike.snapshot(), opt).Units {
			if u.Strong {
				out = append(out, u.ID)
			}
		}
		return out
	}
	rules := []struct {
		name string
		rule plan.StrongRule
		want []string
	}{
		{"Default", plan.StrongRule{}, []string{"A", "B", "E", "G"}},
		{"MinStrength", plan.StrongRule{MinStrength: ptr(100.0)}, []string{"A", "B", "G"}},
		{"TopFraction", plan.StrongRule{TopFraction: ptr(0.25)}, []string{"B", "G"}},
		{"IDs", plan.StrongRule{IDs: []string{"D"}}, []string{"D"}},
		{"Union", plan.StrongRule{IDs: []string{"D"}, MinStrength: ptr(300.0)}, []string{"B", "D", "G"}},
	}
	for _, r := range rules {
		if got := strongOf(plan.UnitOptions{Strong: r.rule}); !reflect.DeepEqual(got, r.want) {
			t.Errorf("%s: strong = %v; want %v", r.name, got, r.want)
		}
	}
}
