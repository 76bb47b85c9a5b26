package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/gql"
)

type simResult struct {
	Alliances []struct {
		Key       string  `json:"key"`
		CurrentID *string `json:"currentId"`
		Members   []struct {
			ID string `json:"id"`
		} `json:"members"`
	} `json:"alliances"`
	Pairings []struct {
		Mentor struct {
			ID string `json:"id"`
		} `json:"mentor"`
		Mentee struct {
			ID string `json:"id"`
		} `json:"mentee"`
	} `json:"pairings"`
	Moved      []string `json:"moved"`
	Comparison []struct {
		Metric string  `json:"metric"`
		Today  float64 `json:"today"`
		Plan   float64 `json:"plan"`
	} `json:"comparison"`
	Table string `json:"table"`
}

const simFields = `alliances { key currentId members { id } } pairings { mentor { id } mentee { id } } moved comparison { metric today plan } table`

func TestPlanning(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		var today struct {
			SimulateAlliances simResult `json:"simulateAlliances"`
		}
		h.ok(`query($g: [GroupInput!]) { simulateAlliances(input: {strategy: MANUAL, grouping: $g}) { `+simFields+` } }`,
			map[string]any{"g": todaysGrouping(t, h)}, &today)
		if len(today.SimulateAlliances.Moved) != 0 || len(today.SimulateAlliances.Alliances) != 4 {
			t.Fatalf("MANUAL on today's grouping: moved %v, %d alliances", today.SimulateAlliances.Moved, len(today.SimulateAlliances.Alliances))
		}
		for _, c := range today.SimulateAlliances.Comparison {
			if c.Today != c.Plan {
				t.Errorf("MANUAL today: %s differs: %v vs %v", c.Metric, c.Today, c.Plan)
			}
		}
		var bal struct {
			SimulateAlliances simResult `json:"simulateAlliances"`
		}
		h.ok(`{ simulateAlliances(input: {strategy: BALANCED, k: 4, seed: 7, pair: true}) { `+simFields+` } }`, nil, &bal)
		seen := map[string]int{}
		for _, a := range bal.SimulateAlliances.Alliances {
			for _, m := range a.Members {
				seen[m.ID]++
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("BALANCED puts %s in %d alliances", id, n)
			}
		}
		if len(bal.SimulateAlliances.Alliances) != 4 || !strings.Contains(bal.SimulateAlliances.Table, "\n") {
			t.Errorf("BALANCED k=4 gave %d alliances", len(bal.SimulateAlliances.Alliances))
		}
		// The same seed gives the same plan.
		var again struct {
			SimulateAlliances simResult `json:"simulateAlliances"`
		}
		h.ok(`{ simulateAlliances(input: {strategy: BALANCED, k: 4, seed: 7, pair: true}) { `+simFields+` } }`, nil, &again)
		if !slices.Equal(again.SimulateAlliances.Moved, bal.SimulateAlliances.Moved) {
			t.Errorf("same seed, different plans: %v vs %v", again.SimulateAlliances.Moved, bal.SimulateAlliances.Moved)
		}
		// Infeasible: named constraint, BAD_USER_INPUT.
		r := h.do(`{ simulateAlliances(input: {strategy: BALANCED, k: 4, constraints: {maxSize: 2}}) { moved } }`, nil)
		if r.code() != gql.CodeBadUserInput || !strings.Contains(r.Errors[0].Message+toString(r.Errors[0].Extensions["field"]), "maxSize") {
			t.Errorf("infeasible: %+v", r.Errors)
		}
		// Move one unit by hand, save, compare, commit.
		g := todaysGrouping(t, h)
		moved := moveOne(t, g)
		var saved struct {
			SaveScenario struct {
				ID     string    `json:"id"`
				Status string    `json:"status"`
				Result simResult `json:"result"`
			} `json:"saveScenario"`
		}
		h.ok(`mutation($g: [GroupInput!]) { saveScenario(name: "调整一个村", input: {strategy: MANUAL, grouping: $g}) { id status result { `+simFields+` } } }`,
			map[string]any{"g": g}, &saved)
		sc := saved.SaveScenario
		if sc.Status != "SAVED" || !slices.Equal(sc.Result.Moved, []string{moved}) {
			t.Fatalf("saved %+v; want SAVED moving %s", sc, moved)
		}
		var list struct {
			Scenarios []struct {
				ID string `json:"id"`
			} `json:"scenarios"`
			CompareScenarios []struct {
				Comparison []any `json:"comparison"`
			} `json:"compareScenarios"`
		}
		h.ok(`query($id: ID!) { scenarios { id } compareScenarios(ids: [$id]) { comparison { metric } } }`, map[string]any{"id": sc.ID}, &list)
		if len(list.Scenarios) != 1 || len(list.CompareScenarios) != 1 || len(list.CompareScenarios[0].Comparison) == 0 {
			t.Fatalf("scenarios = %+v", list)
		}
		var committed struct {
			CommitScenario struct {
				Status string `json:"status"`
			} `json:"commitScenario"`
		}
		h.ok(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": sc.ID}, &committed)
		if committed.CommitScenario.Status != "COMMITTED" {
			t.Fatalf("commit: %+v", committed)
		}
		if r := h.do(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": sc.ID}); r.code() != gql.CodeConflict {
			t.Errorf("second commit: %+v", r.Errors)
		}
		// changes over the commit list exactly the moved unit: one membership
		// ended, one begun, both of it.
		var ch struct {
			Changes []struct {
				Kind string `json:"kind"`
				Edge struct {
					Source string `json:"source"`
					Type   string `json:"type"`
				} `json:"edge"`
			} `json:"changes"`
		}
		h.ok(`query($f: Date!) { changes(from: $f, to: "9999-01-01") { kind edge { source type } } }`, map[string]any{"f": graph.Today()}, &ch)
		units := map[string]bool{}
		for _, c := range ch.Changes {
			units[c.Edge.Source] = true
			if c.Edge.Type != "MEMBER_OF" {
				t.Errorf("unexpected change %+v", c)
			}
		}
		if len(ch.Changes) != 2 || len(units) != 1 || !units[moved] {
			t.Errorf("changes after commit = %+v; want %s leaving and joining", ch.Changes, moved)
		}
		// Today's grouping now has the unit in its new alliance.
		var after struct {
			SimulateAlliances simResult `json:"simulateAlliances"`
		}
		h.ok(`query($g: [GroupInput!]) { simulateAlliances(input: {strategy: MANUAL, grouping: $g}) { moved } }`, map[string]any{"g": g}, &after)
		if len(after.SimulateAlliances.Moved) != 0 {
			t.Errorf("after commit the plan still moves %v", after.SimulateAlliances.Moved)
		}
	})
}

func toString(v any) string { s, _ := v.(string); return s }

// todaysGrouping reads today's regional alliances as a grouping input.
func todaysGrouping(t *testing.T, h *harness) []map[string]any {
	t.Helper()
	var d struct {
		Alliances []struct {
			ID      string `json:"id"`
			Members []struct {
				Organisation struct {
					ID   string `json:"id"`
					Kind string `json:"kind"`
				} `json:"organisation"`
			} `json:"members"`
		} `json:"alliances"`
	}
	h.ok(`{ alliances { id kind members { organisation { id kind } } } }`, nil, &d)
	var g []map[string]any
	for _, a := range d.Alliances {
		if !strings.HasPrefix(a.ID, "alliance:") || a.ID == "alliance:startup-town-party-building" {
			continue
		}
		var ms []string
		for _, m := range a.Members {
			if m.Organisation.Kind == "VILLAGE" || m.Organisation.Kind == "COMMUNITY" {
				ms = append(ms, m.Organisation.ID)
			}
		}
		g = append(g, map[string]any{"key": a.ID, "members": ms})
	}
	return g
}

// moveOne moves one unit to another alliance it borders in the Yuelin seed,
// trying candidates until the plan is contiguous; returns the unit.
func moveOne(t *testing.T, g []map[string]any) string {
	t.Helper()
	// 圣墩村 from 舒家 to a neighbouring alliance is the Yuelin example: find
	// the group that holds the unit and one that borders it by trying each.
	for i := range g {
		ms := g[i]["members"].([]string)
		if slices.Contains(ms, "org:shengdun-village") {
			for j := range g {
				if j == i {
					continue
				}
				g[i]["members"] = slices.DeleteFunc(slices.Clone(ms), func(s string) bool { return s == "org:shengdun-village" })
				g[j]["members"] = append(slices.Clone(g[j]["members"].([]string)), "org:shengdun-village")
				return "org:shengdun-village"
			}
		}
	}
	t.Fatal("圣墩村 is in no alliance")
	return ""
}

// TestLegacyScenario: a scenario saved before scenarios kept the planner's
// own request (its "input" attribute is the JSON of the GraphQL input) is
// listed and committed like a new one, on both stores.
func TestLegacyScenario(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		g := todaysGrouping(t, h)
		moved := moveOne(t, g)
		var saved struct {
			SaveScenario struct {
				ID string `json:"id"`
			} `json:"saveScenario"`
		}
		h.ok(`mutation($g: [GroupInput!]) { saveScenario(name: "旧格式", input: {strategy: MANUAL, grouping: $g}) { id } }`,
			map[string]any{"g": g}, &saved)
		id := saved.SaveScenario.ID
		// Rewrite the node as the old code saved it.
		ctx := context.Background()
		n, err := h.store.Node(ctx, graph.View{}, id)
		if err != nil {
			t.Fatal(err)
		}
		old, err := json.Marshal(map[string]any{"strategy": "MANUAL", "seed": 1, "grouping": g, "moveCost": 0.3, "pair": false})
		if err != nil {
			t.Fatal(err)
		}
		delete(n.Attrs, plan.AttrScenarioRequest)
		n.Attrs[plan.AttrScenarioLegacyInput] = string(old)
		if _, err := h.store.Apply(ctx, graph.Batch{Nodes: []graph.Node{*n}}); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Scenario struct {
				Name   string    `json:"name"`
				Status string    `json:"status"`
				Result simResult `json:"result"`
			} `json:"scenario"`
		}
		h.ok(`query($id: ID!) { scenario(id: $id) { name status result { moved } } }`, map[string]any{"id": id}, &got)
		if got.Scenario.Name != "旧格式" || got.Scenario.Status != "SAVED" || !slices.Equal(got.Scenario.Result.Moved, []string{moved}) {
			t.Fatalf("legacy scenario = %+v", got.Scenario)
		}
		var committed struct {
			CommitScenario struct {
				Status string `json:"status"`
			} `json:"commitScenario"`
		}
		h.ok(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": id}, &committed)
		if committed.CommitScenario.Status != "COMMITTED" {
			t.Fatalf("commit: %+v", committed)
		}
		var after struct {
			SimulateAlliances simResult `json:"simulateAlliances"`
		}
		h.ok(`query($g: [GroupInput!]) { simulateAlliances(input: {strategy: MANUAL, grouping: $g}) { moved } }`, map[string]any{"g": g}, &after)
		if len(after.SimulateAlliances.Moved) != 0 {
			t.Errorf("after committing the legacy scenario the plan still moves %v", after.SimulateAlliances.Moved)
		}
	})
}
