package plan_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/seed"
)

func yuelinSnapshot() *graph.Snapshot {
	b := seed.Yuelin()
	snap := &graph.Snapshot{}
	for i := range b.Nodes {
		snap.Nodes = append(snap.Nodes, &b.Nodes[i])
	}
	for i := range b.Edges {
		snap.Edges = append(snap.Edges, &b.Edges[i])
	}
	return snap
}

// TestScenarioNodeRoundTrip: what ScenarioNode saves, ReadScenario reads
// back: the request (the plan's own input type), the plan, the dates and
// the description, or none.
func TestScenarioNodeRoundTrip(t *testing.T) {
	req := plan.Request{
		Input: plan.Input{Strategy: plan.Balanced, K: ip(4), Seed: 7, Pair: true, MoveCost: 0.3,
			Constraints: plan.Constraints{MinSize: ip(2), Fixed: map[string]string{"org:a": "alliance:x"}, RequireStrong: ptr(false)}},
		Strong: plan.StrongRule{MinStrength: ptr(100.0)},
	}
	want := req
	want.Version = plan.RequestVersion // ScenarioNode stamps it
	pl := &plan.Plan{Strategy: plan.Balanced, Seed: 7, Alliances: []plan.AllianceGroup{{Key: "a", Members: []string{"org:a"}}}}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, desc := range []*string{nil, ptr(""), ptr("调整")} {
		n, err := plan.ScenarioNode("scenario:x", "方案", desc, req, pl, plan.Basis{}, now)
		if err != nil {
			t.Fatal(err)
		}
		if n.Kind != plan.ScenarioSaved || n.Label != graph.LabelScenario || n.Attrs[plan.AttrScenarioLegacyInput] != nil {
			t.Errorf("ScenarioNode = %+v", n)
		}
		sc, err := plan.ReadScenario(&n)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sc.Request, want) || !reflect.DeepEqual(sc.Plan.Alliances, pl.Alliances) || sc.CreatedAt != "2026-12-03T10:00:00Z" ||
			sc.Committed() || !reflect.DeepEqual(sc.Description, desc) {
			t.Errorf("ReadScenario(ScenarioNode(description %v)) = %+v", desc, sc)
		}
	}
}

// TestReadScenarioLegacy: scenarios saved before requests were (their
// "input" attribute is the JSON of the GraphQL AllianceSimulationInput)
// read as the request the GraphQL layer would have made of that input.
func TestReadScenarioLegacy(t *testing.T) {
	plJSON := `{"strategy":"MANUAL","seed":1,"alliances":[{"key":"k","name":"","members":["org:a"]}],"pairings":[],"metrics":{},"today":{},"moved":[]}`
	cases := []struct {
		name, input string
		want        plan.Request
	}{
		{"full", `{"strategy":"BALANCED","seed":7,"k":4,"pair":true,"moveCost":0.3,"resolution":1.5,` +
			`"strong":{"minStrength":100,"ids":["org:s"]},` +
			`"constraints":{"minSize":2,"maxSize":9,"minTotalStrength":50,"together":[["org:a","org:b"]],"fixed":[{"unit":"org:a","alliance":"alliance:x"}],` +
			`"maxMenteesPerMentor":2,"pairWithinAlliance":true,"requireContiguous":false}}`,
			plan.Request{
				// Read as meant: resolution, which BALANCED never took, dropped.
				Version: plan.RequestVersion,
				Input: plan.Input{Strategy: plan.Balanced, Seed: 7, K: ip(4), Pair: true, MoveCost: 0.3,
					Constraints: plan.Constraints{MinSize: ip(2), MaxSize: ip(9), MinTotalStrength: fp(50), Together: [][]string{{"org:a", "org:b"}},
						Fixed: map[string]string{"org:a": "alliance:x"}, MaxMenteesPerMentor: ip(2), PairWithinAlliance: true, RequireContiguous: ptr(false)}},
				Strong: plan.StrongRule{MinStrength: ptr(100.0), IDs: []string{"org:s"}},
			}},
		{"manual", `{"strategy":"MANUAL","seed":1,"grouping":[{"key":"k","members":["org:a","org:b"]}],"pairings":[{"mentor":"org:a","mentee":"org:b"}]}`,
			// minSize left out meant no bound: 1.
			plan.Request{Version: plan.RequestVersion, Input: plan.Input{Strategy: plan.Manual, Seed: 1, Grouping: map[string]string{"org:a": "k", "org:b": "k"},
				Pairings: []plan.Pairing{{Mentor: "org:a", Mentee: "org:b"}}, Constraints: plan.Constraints{MinSize: ip(1)}}}},
		{"not JSON: default rules", `{`, plan.Request{Version: plan.RequestVersion, Input: plan.Input{Constraints: plan.Constraints{MinSize: ip(1)}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &graph.Node{ID: "scenario:old", Label: graph.LabelScenario, Kind: plan.ScenarioSaved, Name: "旧方案",
				Attrs: map[string]any{plan.AttrScenarioLegacyInput: c.input, plan.AttrScenarioPlan: plJSON, plan.AttrScenarioCreated: "2026-11-01T00:00:00Z"}}
			sc, err := plan.ReadScenario(n)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sc.Request, c.want) {
				t.Errorf("request %+v\nwant    %+v", sc.Request, c.want)
			}
		})
	}
	bad := &graph.Node{ID: "scenario:bad", Label: graph.LabelScenario, Attrs: map[string]any{plan.AttrScenarioPlan: "{"}}
	if _, err := plan.ReadScenario(bad); err == nil {
		t.Error("ReadScenario(a plan that is not JSON) = nil error")
	}
}

// TestScenarioCommit: committing a saved plan gives one batch: today's
// grouping changes nothing but the scenario; moving a unit ends its
// membership today and adds the new one (dated in its id when an ended
// edge holds the plain id); a committed scenario, or one that no longer
// fits, is a CONFLICT.
func TestScenarioCommit(t *testing.T) {
	ctx := context.Background()
	snap := yuelinSnapshot()
	p := mustUnits(t, snap, plan.UnitOptions{})
	today := "2026-12-03"
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	save := func(pl *plan.Plan, req plan.Request) *plan.Scenario {
		t.Helper()
		n, err := plan.ScenarioNode("scenario:t", "t", nil, req, pl, p.Basis(), now)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := plan.ReadScenario(&n)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}

	// Today's grouping: only the scenario is written.
	c, err := save(p.Today(), plan.Request{}).Commit(ctx, snap, today, now, plan.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Batch.Edges) != 0 || len(c.Batch.Nodes) != 1 || c.Batch.Nodes[0].Kind != plan.ScenarioCommitted ||
		c.Scenario.Attrs[plan.AttrScenarioCommitted] != "2026-12-03T10:00:00Z" || len(c.Plan.Moved) != 0 {
		t.Errorf("commit of today's grouping: %+v", c.Batch)
	}

	// Move 圣墩村 to another alliance that keeps every alliance contiguous.
	var moved *plan.Commit
	var target string
	for _, a := range p.Alliances {
		if slices.Contains(a.Members, seed.ShengdunVillageID) {
			continue
		}
		pl := p.Today()
		for i := range pl.Alliances {
			pl.Alliances[i].Members = slices.DeleteFunc(slices.Clone(pl.Alliances[i].Members), func(m string) bool { return m == seed.ShengdunVillageID })
			if pl.Alliances[i].CurrentID == a.ID {
				pl.Alliances[i].Members = append(pl.Alliances[i].Members, seed.ShengdunVillageID)
			}
		}
		if c, err := save(pl, plan.Request{}).Commit(ctx, snap, today, now, plan.CommitOptions{}); err == nil {
			moved, target = c, a.ID
			break
		} else if !errors.Is(err, graph.ErrConflict) {
			t.Fatalf("commit: %v", err)
		}
	}
	if moved == nil {
		t.Fatal("no alliance takes 圣墩村 contiguously")
	}
	join := graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, target)
	var joined, ended bool
	for _, e := range moved.Batch.Edges {
		switch {
		case e.ID == join && e.Since == today && e.Until == "" && e.Provenance.Ref == "scenario:t":
			joined = true
		case e.Type == graph.RelMemberOf && e.From == seed.ShengdunVillageID && e.Until == today:
			ended = true
		}
	}
	if !joined || !ended || !slices.Contains(moved.EdgeIDs, join) || !slices.Contains(moved.NodeIDs, target) {
		t.Errorf("moving 圣墩村 to %s: joined %v, ended %v; batch %+v", target, joined, ended, moved.Batch.Edges)
	}

	// The plain id of the new membership is taken by an ended edge: dated.
	withOld := &graph.Snapshot{Nodes: snap.Nodes, Edges: append(slices.Clone(snap.Edges),
		&graph.Edge{ID: join, Type: graph.RelMemberOf, From: seed.ShengdunVillageID, To: target, Since: "2010-01-01", Until: "2012-01-01"})}
	again, err := plan.ReadScenario(&graph.Node{ID: "scenario:t", Label: graph.LabelScenario, Kind: plan.ScenarioSaved,
		Attrs: moved.Scenario.Attrs})
	if err != nil {
		t.Fatal(err)
	}
	c, err = again.Commit(ctx, withOld, today, now, plan.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.EdgeIDs, join+"@"+today) {
		t.Errorf("with an ended %s: edge ids %v; want %s@%s", join, c.EdgeIDs, join, today)
	}

	// Committed already, and a plan that no longer fits: CONFLICT.
	if _, err := (&plan.Scenario{Node: moved.Scenario, Plan: moved.Plan}).Commit(ctx, snap, today, now, plan.CommitOptions{}); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("commit twice = %v; want CONFLICT", err)
	}
	split := p.Today()
	split.Alliances = append(split.Alliances, plan.AllianceGroup{Key: "lonely", Members: []string{}})
	for i := range split.Alliances[:1] {
		m := split.Alliances[i].Members
		split.Alliances[i].Members = m[:len(m)-1]
		split.Alliances[len(split.Alliances)-1].Members = m[len(m)-1:]
	}
	strict := plan.Request{Input: plan.Input{Constraints: plan.Constraints{MinSize: ip(2)}}}
	if _, err := save(split, strict).Commit(ctx, snap, today, now, plan.CommitOptions{}); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("commit of a plan breaking minSize = %v; want CONFLICT", err)
	}
}
