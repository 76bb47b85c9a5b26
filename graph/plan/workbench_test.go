package plan_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/seed"
)

// TestDefaults: BALANCED with nothing but the strategy makes today's number
// of alliances, none smaller than DefaultMinSize, and says so in Settings;
// with no alliances today it makes as many as the constraints allow.
func TestDefaults(t *testing.T) {
	p := mustUnits(t, yuelinSnapshot(), plan.UnitOptions{})
	pl, err := plan.Simulate(context.Background(), p, plan.Input{Strategy: plan.Balanced, Seed: 1, MoveCost: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Alliances) != 4 || p.DefaultK() != 4 {
		t.Errorf("default k: %d alliances (DefaultK %d); want today's 4", len(pl.Alliances), p.DefaultK())
	}
	for _, a := range pl.Alliances {
		if len(a.Members) < plan.DefaultMinSize {
			t.Errorf("alliance %s has %d members; the default minSize is %d", a.Key, len(a.Members), plan.DefaultMinSize)
		}
	}
	st := pl.Settings
	if st.K == nil || *st.K != 4 || st.MinSize != 2 || st.MaxSize != nil || !st.RequireContiguous || !st.RequireStrong ||
		st.MaxMenteesPerMentor < plan.DefaultMaxMentees || st.Units != len(p.Units) || st.StrongRule == "" || st.MoveCost != 0.3 {
		t.Errorf("settings = %+v", st)
	}
	if d := p.Defaults(plan.Balanced); d.K == nil || *d.K != 4 || d.MinSize != 2 {
		t.Errorf("Defaults(BALANCED) = %+v", d)
	}
	if d := p.Defaults(plan.Community); d.K != nil || d.Resolution == nil || *d.Resolution != 1 {
		t.Errorf("Defaults(COMMUNITY) = %+v; want no k, resolution 1", d)
	}
	// No alliances today: as many as the constraints allow, none single.
	q := mustUnits(t, line(100, 10, 100, 10, 100, 10, 100).snapshot(), plan.UnitOptions{})
	pl, err = plan.Simulate(context.Background(), q, plan.Input{Strategy: plan.Balanced, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Alliances) < 2 || *pl.Settings.K != 0 {
		t.Errorf("no alliances today: %d alliances, settings k %v; want max-p (k 0)", len(pl.Alliances), *pl.Settings.K)
	}
	for _, a := range pl.Alliances {
		if len(a.Members) < 2 {
			t.Errorf("max-p alliance %s has %d members", a.Key, len(a.Members))
		}
	}
}

// TestNamesFollowMembers: the example. 圣墩村 and 东郊村 together:
// whichever alliance is called 东郊区域党建联合体 holds 东郊村; every
// alliance named after a unit holds it; a kept name is the current
// alliance's, a new one the article's pattern after the lead.
func TestNamesFollowMembers(t *testing.T) {
	p := mustUnits(t, yuelinSnapshot(), plan.UnitOptions{})
	for _, in := range []plan.Input{
		{Strategy: plan.Balanced, Seed: 1, MoveCost: 0.3, Constraints: plan.Constraints{Together: [][]string{{seed.ShengdunVillageID, "org:dongjiao-village"}}}},
		{Strategy: plan.Balanced, Seed: 2, K: ip(3)},
		{Strategy: plan.Balanced, Seed: 3, K: ip(6)},
		{Strategy: plan.Community, Seed: 1},
	} {
		pl, err := plan.Simulate(context.Background(), p, in)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, a := range pl.Alliances {
			if ids[a.ID] || a.ID == "" {
				t.Errorf("%s: alliance id %q empty or twice", in.Strategy, a.ID)
			}
			ids[a.ID] = true
			for _, u := range p.Units {
				if plan.AllianceName(u.Name) == a.Name && !slices.Contains(a.Members, u.ID) {
					t.Errorf("%s k=%v: %s (%s) does not hold %s, whom it is named after: %v", in.Strategy, in.K, a.Name, a.Key, u.Name, a.Members)
				}
			}
			lead := p.Units[p.Index(a.Lead)]
			switch a.Naming {
			case plan.NamingKept:
				if a.ID != a.CurrentID || a.Key != a.CurrentID {
					t.Errorf("kept alliance %+v: id and key are not the current id", a)
				}
			case plan.NamingLead:
				if a.CurrentID != "" || a.Name != plan.AllianceName(lead.Name) || a.ID != "alliance:"+strings.TrimPrefix(lead.ID, "org:") ||
					a.NameEn != plan.AllianceNameEn(lead.NameEn) {
					t.Errorf("new alliance %+v: want named and id'd after its lead %s", a, lead.Name)
				}
			default:
				t.Errorf("alliance %s naming %q", a.Key, a.Naming)
			}
			for _, m := range a.Members {
				if u := p.Units[p.Index(m)]; u.Strength > lead.Strength {
					t.Errorf("lead of %s is %s, but %s is stronger", a.Key, lead.Name, u.Name)
				}
			}
		}
		if in.Constraints.Together != nil {
			for _, a := range pl.Alliances {
				if slices.Contains(a.Members, seed.ShengdunVillageID) != slices.Contains(a.Members, "org:dongjiao-village") {
					t.Errorf("together broken: %v", a.Members)
				}
			}
		}
	}
	if got := plan.AllianceName("迎恩社区"); got != "迎恩区域党建联合体" {
		t.Errorf("AllianceName(迎恩社区) = %s", got)
	}
	if got := plan.AllianceNameEn("Dongjiao Village"); got != "Dongjiao Regional Party-Building Alliance" {
		t.Errorf("AllianceNameEn = %s", got)
	}
}

// namedLine: u0 (strongest) … u5 on a line; alliance:x = {u0, u1, u2}
// named after u0, alliance:y = {u3, u4, u5} named after no unit.
func namedLine() handMap {
	h := line(100, 20, 30, 50, 10, 5)
	h.alliances = map[string][]string{"alliance:x": {"u0", "u1", "u2"}, "alliance:y": {"u3", "u4", "u5"}}
	h.names = map[string]string{"alliance:x": "u0区域党建联合体", "alliance:y": "Y片"}
	return h
}

// TestContinuation checks the rules one by one on a hand map.
func TestContinuation(t *testing.T) {
	p := mustUnits(t, namedLine().snapshot(), plan.UnitOptions{})
	if p.Alliances[0].Namesake != "u0" || p.Alliances[1].Namesake != "" {
		t.Fatalf("namesakes %q, %q; want u0 and none", p.Alliances[0].Namesake, p.Alliances[1].Namesake)
	}
	loose := plan.Constraints{MinSize: ip(1), RequireContiguous: ptr(false), RequireStrong: ptr(false)}
	type want struct{ key, id, name, naming, current string }
	tests := []struct {
		name     string
		grouping map[string]string
		names    []plan.Name
		want     []want
	}{
		// Two of alliance:x's three, but not u0 it is named after: new,
		// named after its lead u2; the rest holds most of y: y.
		{"MajorityWithoutNamesake", map[string]string{"u1": "g1", "u2": "g1", "u0": "g2", "u3": "g2", "u4": "g2", "u5": "g2"}, nil,
			[]want{{"g1", "alliance:u2", "u2区域党建联合体", plan.NamingLead, ""}, {"g2", "alliance:y", "Y片", plan.NamingKept, "alliance:y"}}},
		// u0 leads {u0, u5}: x goes with its namesake; y with its majority.
		{"NamesakeLeads", map[string]string{"u0": "g1", "u5": "g1", "u1": "g2", "u2": "g2", "u3": "g2", "u4": "g2"}, nil,
			[]want{{"g1", "alliance:x", "u0区域党建联合体", plan.NamingKept, "alliance:x"}, {"g2", "alliance:y", "Y片", plan.NamingKept, "alliance:y"}}},
		// A key that is a current id continues it whatever the members; the
		// rest, led by u0, would take x's name: it gets its key beside it.
		{"ExplicitKey", map[string]string{"u4": "alliance:x", "u5": "alliance:x", "u0": "g", "u1": "g", "u2": "g", "u3": "g"}, nil,
			[]want{{"alliance:x", "alliance:x", "u0区域党建联合体", plan.NamingKept, "alliance:x"}, {"g", "alliance:u0", "u0区域党建联合体（g）", plan.NamingLead, ""}}},
		// The planner's names, by unit and by key.
		{"Named", map[string]string{"u1": "g1", "u2": "g1", "u0": "g2", "u3": "g2", "u4": "g2", "u5": "g2"},
			[]plan.Name{{Unit: "u1", Name: "北片区域党建联合体", NameEn: "North"}, {Key: "alliance:y", Name: "南片区域党建联合体"}},
			[]want{{"g1", "alliance:u2", "北片区域党建联合体", plan.NamingInput, ""}, {"g2", "alliance:y", "南片区域党建联合体", plan.NamingInput, "alliance:y"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := plan.Simulate(context.Background(), p, plan.Input{Strategy: plan.Manual, Grouping: tc.grouping, Names: tc.names, Constraints: loose})
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, a := range pl.Alliances {
				got = append(got, want{a.Key, a.ID, a.Name, a.Naming, a.CurrentID})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("alliances = %+v\nwant %+v", got, tc.want)
			}
		})
	}

	// Today's names may repeat (a city has several 康塘区域党建联合体):
	// kept, they are no clash.
	twin := namedLine()
	twin.names = map[string]string{"alliance:x": "同名区域党建联合体", "alliance:y": "同名区域党建联合体"}
	tp := mustUnits(t, twin.snapshot(), plan.UnitOptions{})
	if _, err := plan.Simulate(context.Background(), tp, plan.Input{Strategy: plan.Balanced, Seed: 1, K: ip(2)}); err != nil {
		t.Errorf("two of today's alliances share a name: %v", err)
	}

	// A new alliance whose id is taken (by an ended alliance) gets "-2".
	h := namedLine()
	snap := h.snapshot()
	snap.Nodes = append(snap.Nodes, &graph.Node{ID: "alliance:u2", Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: "old", Until: "2020-01-01"})
	q := mustUnits(t, snap, plan.UnitOptions{})
	pl, err := plan.Simulate(context.Background(), q, plan.Input{Strategy: plan.Manual, Constraints: loose,
		Grouping: map[string]string{"u1": "g1", "u2": "g1", "u0": "g2", "u3": "g2", "u4": "g2", "u5": "g2"}})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Alliances[0].ID != "alliance:u2-2" {
		t.Errorf("new alliance id %q; want alliance:u2-2 (alliance:u2 is taken)", pl.Alliances[0].ID)
	}
	// Moves and dissolved: x dissolves, u0 moves to y (g2), u1 and u2 to g1.
	wantMoves := []plan.Move{{Unit: "u0", From: "alliance:x", To: "g2"}, {Unit: "u1", From: "alliance:x", To: "g1"}, {Unit: "u2", From: "alliance:x", To: "g1"}}
	if !reflect.DeepEqual(pl.Moves, wantMoves) || !reflect.DeepEqual(pl.Dissolved, []string{"alliance:x"}) {
		t.Errorf("moves %+v, dissolved %v; want %+v, [alliance:x]", pl.Moves, pl.Dissolved, wantMoves)
	}
}

// TestWithin plans one "street" of two: only its units, its alliances; an
// alliance with members outside keeps them and is never dissolved; units
// outside are refused by name; a scope without units or that is no
// organisation is refused.
func TestWithin(t *testing.T) {
	h := line(100, 20, 100, 20, 100, 20)
	h.alliances = map[string][]string{"alliance:a": {"u0", "u1"}, "alliance:b": {"u2", "u3", "u4"}, "alliance:c": {"u5"}}
	h.parents = map[string]string{"u0": "org:west", "u1": "org:west", "u2": "org:west", "u3": "org:west",
		"u4": "org:east", "u5": "org:east", "org:west": "org:city", "org:east": "org:city"}
	snap := h.snapshot()
	p := mustUnits(t, snap, plan.UnitOptions{Within: "org:west"})
	var ids []string
	for _, u := range p.Units {
		ids = append(ids, u.ID)
	}
	if !reflect.DeepEqual(ids, []string{"u0", "u1", "u2", "u3"}) || len(p.Alliances) != 2 || p.Alliances[1].Outside != 1 || len(p.Warnings) == 0 {
		t.Fatalf("within org:west: units %v, alliances %+v, warnings %v", ids, p.Alliances, p.Warnings)
	}
	// Everything in one alliance: b (with u4 outside) is not dissolved.
	pl, err := plan.Simulate(context.Background(), p, plan.Input{Strategy: plan.Balanced, K: ip(1), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pl.Dissolved, "alliance:b") {
		t.Errorf("dissolved %v: alliance:b keeps u4 outside the scope", pl.Dissolved)
	}
	if ch := plan.ChangesOf(p, pl); slices.Contains(ch.DissolvedAlliances, "alliance:b") {
		t.Errorf("ChangesOf ends alliance:b, which keeps u4")
	}
	// The whole city: all six units.
	if all := mustUnits(t, snap, plan.UnitOptions{Within: "org:city"}); len(all.Units) != 6 {
		t.Errorf("within org:city: %d units; want 6", len(all.Units))
	}
	_, err = plan.Simulate(context.Background(), p, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Together: [][]string{{"u0", "u5"}}}})
	if ge := (*graph.Error)(nil); !errors.As(err, &ge) || ge.Field != "constraints.together" || !strings.Contains(err.Error(), "org:west") {
		t.Errorf("together with a unit outside the scope = %v; want BAD_USER_INPUT naming the scope", err)
	}
	snap.Nodes = append(snap.Nodes, &graph.Node{ID: "org:empty", Label: graph.LabelOrganisation, Kind: "PARTY_WORKING_COMMITTEE", Name: "空"})
	for _, tc := range []struct{ within, says string }{
		{"org:nowhere", "no organisation"}, {"alliance:a", "not an organisation"}, {"org:empty", "no villages or communities"}, {"u0", "itself"},
	} {
		_, err := plan.Units(snap, plan.UnitOptions{Within: tc.within})
		if ge := (*graph.Error)(nil); !errors.As(err, &ge) || ge.Code != graph.CodeInvalid || ge.Field != "within" || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Units(within %s) = %v; want invalid within saying %q", tc.within, err, tc.says)
		}
	}
}

// TestStaleCommit: a scenario saved before the network changed (a unit
// moved, a pairing added, a unit added) is a CONFLICT listing each change
// by name; with Force it commits; re-simulated, it commits.
func TestStaleCommit(t *testing.T) {
	ctx := context.Background()
	snap := yuelinSnapshot()
	today, now := "2026-12-03", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	req := plan.Request{Input: plan.Input{Strategy: plan.Balanced, Seed: 1, MoveCost: 0.3, Pair: true}}
	p, pl, err := plan.Run(ctx, snap, req, today)
	if err != nil {
		t.Fatal(err)
	}
	n, err := plan.ScenarioNode("scenario:s", "s", nil, req, pl, p.Basis(), now)
	if err != nil {
		t.Fatal(err)
	}
	if n.Attrs[plan.AttrScenarioFingerprint] != p.Basis().Fingerprint() {
		t.Error("the scenario does not save its basis's fingerprint")
	}
	sc, err := plan.ReadScenario(&n)
	if err != nil {
		t.Fatal(err)
	}
	// Unchanged: commits.
	if _, err := sc.Commit(ctx, snap, today, now, plan.CommitOptions{}); err != nil {
		t.Fatalf("commit on the same network: %v", err)
	}

	// Change the network: 圣墩村 leaves 舒家 for 东郊, a new pairing, a new
	// village.
	changed := &graph.Snapshot{Nodes: slices.Clone(snap.Nodes), Edges: nil}
	prov := graph.Provenance{Source: graph.SourceUser}
	for _, e := range snap.Edges {
		if e.Type == graph.RelMemberOf && e.From == seed.ShengdunVillageID {
			ended := e.Clone()
			ended.Until = "2026-01-01"
			changed.Edges = append(changed.Edges, ended)
			continue
		}
		changed.Edges = append(changed.Edges, e)
	}
	changed.Nodes = append(changed.Nodes, &graph.Node{ID: "org:new-village", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "新村", Provenance: prov})
	changed.Edges = append(changed.Edges,
		&graph.Edge{ID: "m-new", Type: graph.RelMemberOf, From: seed.ShengdunVillageID, To: "alliance:dongjiao", Since: "2026-01-01", Provenance: prov},
		&graph.Edge{ID: "b-new", Type: graph.RelAdjacentTo, From: "org:new-village", To: "org:wangjia-village", Provenance: prov},
		&graph.Edge{ID: "p-new", Type: graph.RelMentors, From: "org:dongjiao-village", To: "org:zhoujia-village", Since: "2026-01-01", Provenance: prov})
	_, err = sc.Commit(ctx, changed, today, now, plan.CommitOptions{})
	var ge *graph.Error
	if !errors.As(err, &ge) || ge.Code != graph.CodeConflict {
		t.Fatalf("commit on a changed network = %v; want CONFLICT", err)
	}
	details := strings.Join(ge.Details, "\n")
	for _, want := range []string{"圣墩村 moved from 舒家区域党建联合体 to 东郊区域党建联合体", "pairing 东郊村 → 周家村 was added", "新村 was added"} {
		if !strings.Contains(details, want) {
			t.Errorf("stale commit details lack %q:\n%s", want, details)
		}
	}
	if !strings.Contains(ge.Message, "force") || !strings.Contains(ge.Message, "resimulateScenario") {
		t.Errorf("message %q does not say how to go on", ge.Message)
	}
	// Changes on their own, with kinds.
	cp := mustUnits(t, changed, plan.UnitOptions{AsOf: today})
	var kinds []string
	for _, c := range sc.Basis.Changes(cp.Basis()) {
		kinds = append(kinds, c.Kind)
	}
	if want := []string{plan.ChangeUnitAdded, plan.ChangeMembership, plan.ChangePairingAdded, plan.ChangeBordersChanged}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("changes %v; want %v", kinds, want)
	}

	// Force: re-checked on the changed network, committed, changes kept.
	c, err := sc.Commit(ctx, changed, today, now, plan.CommitOptions{Force: true})
	if err != nil {
		// The plan may no longer fit: that is CONFLICT too, not a stale one.
		if !errors.Is(err, graph.ErrConflict) || strings.Contains(err.Error(), "changed since") {
			t.Fatalf("forced commit = %v", err)
		}
	} else if len(c.Changes) != 4 {
		t.Errorf("forced commit: changes %v; want 4", c.Changes)
	}

	// Re-simulated on the changed network: a fresh basis, commits.
	rn, _, err := sc.Resimulate(ctx, changed, today, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	re, err := plan.ReadScenario(rn)
	if err != nil {
		t.Fatal(err)
	}
	if re.ResimulatedAt == "" || re.CreatedAt != sc.CreatedAt || re.Node.Name != "s" {
		t.Errorf("resimulated scenario %+v", re)
	}
	if _, err := re.Commit(ctx, changed, today, now, plan.CommitOptions{}); err != nil {
		t.Errorf("commit after re-simulating = %v", err)
	}
}

// TestRenameCommit: naming a continued alliance renames it on commit; a
// new alliance is created with the plan's id and name.
func TestRenameCommit(t *testing.T) {
	ctx := context.Background()
	snap := namedLine().snapshot()
	today, now := "2026-12-03", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	req := plan.Request{Input: plan.Input{Strategy: plan.Manual,
		Grouping:    map[string]string{"u1": "g1", "u2": "g1", "u0": "g2", "u3": "g2", "u4": "g2", "u5": "g2"},
		Names:       []plan.Name{{Key: "alliance:y", Name: "南片区域党建联合体", NameEn: "South"}},
		Constraints: plan.Constraints{MinSize: ip(1), RequireContiguous: ptr(false), RequireStrong: ptr(false)}}}
	p, pl, err := plan.Run(ctx, snap, req, today)
	if err != nil {
		t.Fatal(err)
	}
	n, err := plan.ScenarioNode("scenario:r", "r", nil, req, pl, p.Basis(), now)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := plan.ReadScenario(&n)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sc.Commit(ctx, snap, today, now, plan.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var renamed, created, ended bool
	for _, x := range c.Batch.Nodes {
		switch {
		case x.ID == "alliance:y" && x.Name == "南片区域党建联合体" && x.NameEn == "South":
			renamed = true
		case x.ID == "alliance:u2" && x.Name == "u2区域党建联合体" && x.Since == today:
			created = true
		case x.ID == "alliance:x" && x.Until == today:
			ended = true
		}
	}
	if !renamed || !created || !ended {
		t.Errorf("commit batch: renamed %v, created %v, x ended %v: %+v", renamed, created, ended, c.Batch.Nodes)
	}
}

// TestMetricInfo: every metric has labels in both languages and a
// one-line description, a distinct enum name, and reads the value the
// Metrics JSON has at its key.
func TestMetricInfo(t *testing.T) {
	p := mustUnits(t, yuelinLike.snapshot(), plan.UnitOptions{})
	pl, err := plan.Simulate(context.Background(), p, northInput)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	b, _ := json.Marshal(pl.Metrics)
	_ = json.Unmarshal(b, &doc)
	var alliance map[string]any
	b, _ = json.Marshal(pl.Metrics.Alliances[2])
	_ = json.Unmarshal(b, &alliance)
	seen := map[string]bool{}
	for _, set := range []struct {
		infos []plan.MetricInfo
		doc   map[string]any
		value func(plan.MetricInfo) float64
	}{
		{plan.PlanMetrics, doc, func(mi plan.MetricInfo) float64 { return mi.Value(pl.Metrics) }},
		{plan.AllianceMetricInfo, alliance, func(mi plan.MetricInfo) float64 { return mi.AllianceValue(pl.Metrics.Alliances[2]) }},
	} {
		for _, mi := range set.infos {
			if mi.LabelZh == "" || mi.LabelEn == "" || mi.Description == "" || mi.DescriptionZh == "" || strings.Contains(mi.Description, "\n") {
				t.Errorf("%s: labels or description missing: %+v", mi.Key, mi)
			}
			if mi.Better != "" && mi.Better != "lower" && mi.Better != "higher" {
				t.Errorf("%s: better %q", mi.Key, mi.Better)
			}
			var v any = set.doc
			for _, part := range strings.Split(mi.Key, ".") {
				v = v.(map[string]any)[part]
			}
			if f, ok := v.(float64); !ok || f != set.value(mi) {
				t.Errorf("%s: JSON has %v, Value %v", mi.Key, v, set.value(mi))
			}
		}
	}
	for _, mi := range plan.PlanMetrics {
		if seen[mi.Enum()] {
			t.Errorf("enum %s twice", mi.Enum())
		}
		seen[mi.Enum()] = true
	}
	if e := (plan.MetricInfo{Key: "partyMembers.cv"}).Enum(); e != "PARTY_MEMBERS_CV" {
		t.Errorf("Enum(partyMembers.cv) = %s", e)
	}
}

// TestReduce: the problem of the reduced snapshot is the problem of the
// whole, whatever the scope.
func TestReduce(t *testing.T) {
	snap := yuelinSnapshot()
	small := plan.Reduce(snap)
	if len(small.Nodes) >= len(snap.Nodes) || len(small.Edges) >= len(snap.Edges) {
		t.Fatalf("reduced %d/%d nodes, %d/%d edges", len(small.Nodes), len(snap.Nodes), len(small.Edges), len(snap.Edges))
	}
	for _, opt := range []plan.UnitOptions{{}, {AsOf: "2026-12-03", Within: "org:yuelin-party-working-committee"}} {
		a, b := mustUnits(t, snap, opt), mustUnits(t, small, opt)
		if !reflect.DeepEqual(a.Units, b.Units) || !reflect.DeepEqual(a.Alliances, b.Alliances) || !reflect.DeepEqual(a.Pairings, b.Pairings) ||
			a.Basis().Fingerprint() != b.Basis().Fingerprint() || !reflect.DeepEqual(a.Warnings, b.Warnings) {
			t.Errorf("Units(Reduce(snap), %+v) differs from Units(snap)", opt)
		}
	}
}
