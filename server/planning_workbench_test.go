package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// plannerServer is a seeded server whose callers have role, with an audit
// log.
func plannerServer(t *testing.T, open func(testing.TB) graph.Store, name string, role auth.Role) (*harness, *auth.AuditLog) {
	t.Helper()
	s := open(t)
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	al, err := auth.OpenAuditLog(filepath.Join(t.TempDir(), "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = al.Close() })
	b := gql.NewBroker()
	return &harness{t: t, store: s, broker: b, h: server.New(server.Config{Store: s, StoreName: name, Broker: b,
		Logger: slog.New(slog.DiscardHandler), GQL: gql.Options{AuditLog: al}, Security: server.Security{Auth: auth.Anonymous(role)}})}, al
}

type named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type plannedAlliance struct {
	Key       string  `json:"key"`
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Naming    string  `json:"naming"`
	Status    string  `json:"status"`
	Continues *named  `json:"continues"`
	Lead      named   `json:"lead"`
	Members   []named `json:"members"`
	Metrics   struct {
		Members int `json:"members"`
		Pieces  int `json:"pieces"`
	} `json:"metrics"`
}

type pair struct {
	Mentor named `json:"mentor"`
	Mentee named `json:"mentee"`
}

type result struct {
	Settings struct {
		K                   *int `json:"k"`
		MinSize             int  `json:"minSize"`
		MaxMenteesPerMentor int  `json:"maxMenteesPerMentor"`
	} `json:"settings"`
	Alliances []plannedAlliance `json:"alliances"`
	Pairings  []pair            `json:"pairings"`
	Moves     []struct {
		Unit named  `json:"unit"`
		From *named `json:"from"`
		To   *named `json:"to"`
	} `json:"moves"`
	PairingChanges struct {
		Kept  []pair `json:"kept"`
		Added []pair `json:"added"`
		Ended []pair `json:"ended"`
	} `json:"pairingChanges"`
	Comparison []struct {
		Key       string  `json:"key"`
		LabelZh   string  `json:"labelZh"`
		LabelEn   string  `json:"labelEn"`
		PlanText  string  `json:"planText"`
		Today     float64 `json:"today"`
		TodayText string  `json:"todayText"`
	} `json:"comparison"`
}

const resultFields = `settings { k minSize maxMenteesPerMentor }
  alliances { key id name naming status continues { id name } lead { id name } members { id name } metrics { members pieces } }
  pairings { mentor { id name } mentee { id name } }
  moves { unit { id name } from { id name } to { id name } }
  pairingChanges { kept { mentor { name } mentee { name } } added { mentor { name } mentee { name } } ended { mentor { name } mentee { name } } }
  comparison { key labelZh labelEn planText today todayText }`

func simulate(h *harness, input string, vars map[string]any) result {
	h.t.Helper()
	var d struct {
		SimulateAlliances result `json:"simulateAlliances"`
	}
	h.ok(`{ simulateAlliances(input: `+input+`) { `+resultFields+` } }`, vars, &d)
	return d.SimulateAlliances
}

// TestPlanningDefaultsAndNames: a plain BALANCED makes today's four
// alliances, none of one unit; every alliance and unit comes with its
// name; moves say from and to by name; alliance names follow their
// members (the 圣墩村 with 东郊村); metric labels in two languages.
func TestPlanningDefaultsAndNames(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		r := simulate(h, `{strategy: BALANCED}`, nil)
		if r.Settings.K == nil || *r.Settings.K != 4 || r.Settings.MinSize != 2 || len(r.Alliances) != 4 {
			t.Fatalf("defaults: settings %+v, %d alliances; want k 4, minSize 2, 4 alliances", r.Settings, len(r.Alliances))
		}
		for _, a := range r.Alliances {
			if len(a.Members) < 2 || a.ID == "" || !strings.HasSuffix(a.Name, "区域党建联合体") || a.Lead.Name == "" || a.Metrics.Members != len(a.Members) {
				t.Errorf("alliance %+v", a)
			}
			for _, m := range a.Members {
				if m.Name == "" || m.Name == m.ID {
					t.Errorf("member %+v has no name", m)
				}
			}
		}
		for _, m := range r.Moves {
			if m.Unit.Name == "" || m.From == nil || m.From.Name == "" || m.To == nil || m.To.Name == "" {
				t.Errorf("move %+v lacks names", m)
			}
		}
		if len(r.Comparison) != len(plan.PlanMetrics) {
			t.Fatalf("comparison has %d rows; want %d", len(r.Comparison), len(plan.PlanMetrics))
		}
		for _, c := range r.Comparison {
			if c.LabelZh == "" || c.LabelEn == "" || strings.Contains(c.LabelEn, "CV") || c.TodayText == "" || c.Key == "" {
				t.Errorf("comparison row %+v", c)
			}
		}

		r = simulate(h, `{strategy: BALANCED, constraints: {together: [["org:shengdun-village", "org:dongjiao-village"]]}}`, nil)
		for _, a := range r.Alliances {
			has := func(id string) bool { return slices.ContainsFunc(a.Members, func(m named) bool { return m.ID == id }) }
			if has("org:shengdun-village") != has("org:dongjiao-village") {
				t.Errorf("together broken in %+v", a)
			}
			if a.Name == "东郊区域党建联合体" && !has("org:dongjiao-village") {
				t.Errorf("东郊区域党建联合体 without 东郊村: %+v", a.Members)
			}
			if a.Naming == "KEPT" && (a.Continues == nil || a.Continues.ID != a.ID || a.Continues.Name != a.Name) {
				t.Errorf("kept alliance %+v does not carry its current alliance's id and name", a)
			}
		}

		// A grouping that breaks 三横 off from 三横村 and puts 东郊村 with
		// 舒家: the alliance without its namesake is new, named after its
		// lead; names by input too.
		g := todaysGrouping(t, h)
		for i := range g {
			ms := g[i]["members"].([]string)
			g[i]["members"] = slices.DeleteFunc(slices.Clone(ms), func(s string) bool { return s == "org:dongjiao-village" })
			if g[i]["key"] == seed.ShujiaAllianceID {
				g[i]["members"] = append(g[i]["members"].([]string), "org:dongjiao-village")
			}
		}
		var d struct {
			SimulateAlliances result `json:"simulateAlliances"`
		}
		h.ok(`query($g: [GroupInput!]) { simulateAlliances(input: {strategy: MANUAL, grouping: $g,
			constraints: {requireContiguous: false}, names: [{unit: "org:hengshan-village", name: "横山片区"}]}) { `+resultFields+` } }`, map[string]any{"g": g}, &d)
		for _, a := range d.SimulateAlliances.Alliances {
			switch a.Key {
			case "alliance:dongjiao":
				// Keyed by the planner: continues, keeps its name.
				if a.Naming != "KEPT" || a.Name != "东郊区域党建联合体" {
					t.Errorf("explicit key: %+v", a)
				}
			case "alliance:hengshan":
				if a.Naming != "INPUT" || a.Name != "横山片区" || a.ID != "alliance:hengshan" {
					t.Errorf("named by input: %+v", a)
				}
			}
		}
	})
}

// TestPairingChanges: pair: true reports which pairings are kept, added
// and ended, by name; kept + ended are today's.
func TestPairingChanges(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		var today struct {
			Pairings []struct {
				ID string `json:"id"`
			} `json:"pairings"`
		}
		h.ok(`{ pairings { id } }`, nil, &today)
		r := simulate(h, `{strategy: BALANCED, pair: true}`, nil)
		pc := r.PairingChanges
		if len(pc.Kept)+len(pc.Ended) != len(today.Pairings) || len(pc.Kept)+len(pc.Added) != len(r.Pairings) || len(pc.Added) == 0 {
			t.Errorf("pairing changes: %d kept, %d added, %d ended; today %d, plan %d", len(pc.Kept), len(pc.Added), len(pc.Ended), len(today.Pairings), len(r.Pairings))
		}
		for _, p := range slices.Concat(pc.Kept, pc.Added, pc.Ended) {
			if p.Mentor.Name == "" || p.Mentee.Name == "" {
				t.Errorf("pairing without names: %+v", p)
			}
		}
		// Without pair, today's are all kept.
		r = simulate(h, `{strategy: BALANCED}`, nil)
		if len(r.PairingChanges.Kept) != len(today.Pairings) || len(r.PairingChanges.Added)+len(r.PairingChanges.Ended) != 0 {
			t.Errorf("without pair: %+v", r.PairingChanges)
		}
	})
}

// TestRefusedSettings: every setting that is zero, negative,
// contradictory or names something unknown is BAD_USER_INPUT naming the
// field, with the value in the message, and changes nothing.
func TestRefusedSettings(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		tests := []struct {
			input, field, says string
		}{
			{`{strategy: BALANCED, k: -1}`, "k", "-1"},
			{`{strategy: COMMUNITY, k: 3}`, "k", "BALANCED only"},
			{`{strategy: BALANCED, k: 18}`, "k", "18"},
			{`{strategy: BALANCED, constraints: {minSize: 0}}`, "constraints.minSize", "got 0"},
			{`{strategy: BALANCED, constraints: {maxSize: 0}}`, "constraints.maxSize", "got 0"},
			{`{strategy: BALANCED, constraints: {maxSize: -2}}`, "constraints.maxSize", "-2"},
			{`{strategy: BALANCED, constraints: {minSize: 3, maxSize: 2}}`, "constraints.minSize", "3"},
			{`{strategy: BALANCED, constraints: {maxSize: 1}}`, "constraints.minSize", "the default"},
			{`{strategy: BALANCED, constraints: {minTotalStrength: 0}}`, "constraints.minTotalStrength", "got 0"},
			{`{strategy: BALANCED, pair: true, constraints: {maxMenteesPerMentor: 0}}`, "constraints.maxMenteesPerMentor", "got 0"},
			{`{strategy: BALANCED, constraints: {maxMenteesPerMentor: 2}}`, "constraints.maxMenteesPerMentor", "pair: true"},
			{`{strategy: BALANCED, constraints: {pairWithinAlliance: true}}`, "constraints.pairWithinAlliance", "pair: true"},
			{`{strategy: PAIRINGS, constraints: {minSize: 3}}`, "constraints.minSize", "PAIRINGS"},
			{`{strategy: BALANCED, constraints: {fixed: [{unit: "org:shengdun-village", alliance: "alliance:nowhere"}]}}`, "constraints.fixed", "alliance:nowhere"},
			{`{strategy: BALANCED, constraints: {fixed: [{unit: "org:shengdun-village", alliance: "east"}]}}`, "constraints.fixed", `"east"`},
			{`{strategy: BALANCED, constraints: {fixed: [{unit: "org:shengdun-village", alliance: "alliance:startup-town-party-building"}]}}`, "constraints.fixed", "甬台众创小镇党建联盟"},
			{`{strategy: BALANCED, constraints: {fixed: [{unit: "org:shengdun-village", alliance: "alliance:shujia"}, {unit: "org:shengdun-village", alliance: "alliance:dongjiao"}]}}`, "constraints.fixed", "alliance:dongjiao"},
			{`{strategy: BALANCED, constraints: {fixed: [{unit: "org:yuelin-party-working-committee", alliance: "alliance:shujia"}]}}`, "constraints.fixed", "岳林街道党工委"},
			{`{strategy: BALANCED, constraints: {together: [["org:shengdun-village", "alliance:shujia"]]}}`, "constraints.together", "alliance:shujia"},
			{`{strategy: BALANCED, constraints: {together: [["org:nowhere", "org:shengdun-village"]]}}`, "constraints.together", "org:nowhere"},
			{`{strategy: BALANCED, constraints: {together: [["org:shengdun-village"]]}}`, "constraints.together", "fewer than two"},
			{`{strategy: BALANCED, constraints: {apart: [["org:shengdun-village", "org:shengdun-village"]]}}`, "constraints.apart", "fewer than two"},
			{`{strategy: BALANCED, constraints: {together: [["org:shuqian-village", "org:shuhou-village"]], apart: [["org:shuqian-village", "org:shuhou-village"]]}}`, "constraints.apart", "org:shuhou-village"},
			{`{strategy: BALANCED, within: "org:nowhere"}`, "within", "org:nowhere"},
			{`{strategy: BALANCED, within: "org:shengdun-village"}`, "within", "圣墩村"},
			{`{strategy: BALANCED, resolution: 2}`, "resolution", "COMMUNITY only"},
			{`{strategy: COMMUNITY, resolution: 0}`, "resolution", "got 0"},
			{`{strategy: BALANCED, moveCost: -1}`, "moveCost", "-1"},
			{`{strategy: BALANCED, names: [{key: "north", name: "北片"}]}`, "names", "north"},
			{`{strategy: BALANCED, names: [{unit: "org:shengdun-village", key: "alliance:shujia", name: "北片"}]}`, "names", "exactly one"},
			{`{strategy: BALANCED, names: [{unit: "org:shengdun-village", name: "北片"}, {unit: "org:shuqian-village", name: "南片"}]}`, "names", "both name"},
			{`{strategy: BALANCED, names: [{unit: "org:shengdun-village", name: "北片"}, {unit: "org:hengshan-village", name: "北片"}]}`, "names", "北片"},
			{`{strategy: BALANCED, strong: {topFraction: 0}}`, "strong.topFraction", "0"},
			{`{strategy: BALANCED, strong: {ids: ["org:nowhere"]}}`, "strong.ids", "org:nowhere"},
			{`{strategy: MANUAL}`, "grouping", "required"},
			{`{strategy: MANUAL, grouping: [{key: "alliance:zzz", members: ["org:shengdun-village"]}]}`, "grouping", "alliance:zzz"},
		}
		var before struct {
			Stats struct {
				Nodes int `json:"nodes"`
				Edges int `json:"edges"`
			} `json:"stats"`
		}
		h.ok(`{ stats { nodes edges } }`, nil, &before)
		for _, tc := range tests {
			for _, op := range []string{
				`{ simulateAlliances(input: ` + tc.input + `) { moves { unit { id } } } }`,
				`mutation { saveScenario(name: "x", input: ` + tc.input + `) { id } }`,
			} {
				r := h.do(op, nil)
				if r.code() != gql.CodeBadUserInput {
					t.Errorf("%s: code %q (%+v); want BAD_USER_INPUT", op, r.code(), r.Errors)
					continue
				}
				if f, _ := r.Errors[0].Extensions["field"].(string); f != tc.field || !strings.Contains(r.Errors[0].Message, tc.says) {
					t.Errorf("%s: field %q, message %q; want field %q, message with %q", tc.input, f, r.Errors[0].Message, tc.field, tc.says)
				}
			}
		}
		var after struct {
			Stats struct {
				Nodes int `json:"nodes"`
				Edges int `json:"edges"`
			} `json:"stats"`
			Scenarios []struct{ ID string } `json:"scenarios"`
		}
		h.ok(`{ stats { nodes edges } scenarios { id } }`, nil, &after)
		if after.Stats != before.Stats || len(after.Scenarios) != 0 {
			t.Errorf("refused requests changed the network: %+v → %+v, %d scenarios", before.Stats, after.Stats, len(after.Scenarios))
		}
	})
}

// saveScenario saves input as a scenario and returns its id.
func saveScenario(h *harness, name, input string) string {
	h.t.Helper()
	var d struct {
		SaveScenario struct {
			ID string `json:"id"`
		} `json:"saveScenario"`
	}
	h.ok(`mutation { saveScenario(name: "`+name+`", input: `+input+`) { id } }`, nil, &d)
	return d.SaveScenario.ID
}

// TestScenarioComparison: a table with a column for today and one per
// scenario, one row per metric with labels, values, texts and verdicts;
// the old shape still answers; bad id lists are refused.
func TestScenarioComparison(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		a := saveScenario(h, "均衡四个", `{strategy: BALANCED}`)
		b := saveScenario(h, "三个联合体", `{strategy: BALANCED, k: 3, pair: true}`)
		var d struct {
			ScenarioComparison struct {
				Columns []struct {
					Key      string `json:"key"`
					Title    string `json:"title"`
					Stale    bool   `json:"stale"`
					Scenario *struct {
						Name string `json:"name"`
					} `json:"scenario"`
				} `json:"columns"`
				Rows []struct {
					Key     string  `json:"key"`
					LabelZh string  `json:"labelZh"`
					LabelEn string  `json:"labelEn"`
					Better  *string `json:"better"`
					Cells   []struct {
						Value   float64 `json:"value"`
						Text    string  `json:"text"`
						Verdict *string `json:"verdict"`
						Best    bool    `json:"best"`
					} `json:"cells"`
				} `json:"rows"`
			} `json:"scenarioComparison"`
			CompareScenarios []struct {
				Comparison []struct {
					LabelZh string `json:"labelZh"`
				} `json:"comparison"`
			} `json:"compareScenarios"`
		}
		h.ok(`query($ids: [ID!]!) {
  scenarioComparison(ids: $ids) { columns { key title stale scenario { name } } rows { key labelZh labelEn better cells { value text verdict best } } }
  compareScenarios(ids: $ids) { comparison { labelZh } } }`, map[string]any{"ids": []string{a, b}}, &d)
		tab := d.ScenarioComparison
		if len(tab.Columns) != 3 || tab.Columns[0].Key != "today" || tab.Columns[0].Scenario != nil || tab.Columns[1].Key != a ||
			tab.Columns[2].Scenario == nil || tab.Columns[2].Scenario.Name != "三个联合体" || tab.Columns[1].Stale {
			t.Fatalf("columns = %+v", tab.Columns)
		}
		if len(tab.Rows) != len(plan.PlanMetrics) {
			t.Fatalf("%d rows; want %d", len(tab.Rows), len(plan.PlanMetrics))
		}
		counts := map[string][]float64{}
		for _, r := range tab.Rows {
			if r.LabelZh == "" || r.LabelEn == "" || len(r.Cells) != 3 {
				t.Errorf("row %+v", r)
			}
			for i, c := range r.Cells {
				counts[r.Key] = append(counts[r.Key], c.Value)
				if c.Text == "" || (i == 0) != (c.Verdict == nil) && r.Better != nil {
					t.Errorf("row %s cell %d: %+v", r.Key, i, c)
				}
			}
		}
		if got := counts["ALLIANCE_COUNT"]; !slices.Equal(got, []float64{4, 4, 3}) {
			t.Errorf("alliances per column %v; want [4 4 3]", got)
		}
		if len(d.CompareScenarios) != 2 || d.CompareScenarios[0].Comparison[0].LabelZh == "" {
			t.Errorf("compareScenarios (deprecated) = %+v", d.CompareScenarios)
		}
		for _, tc := range []struct {
			ids  []string
			code string
		}{{[]string{}, gql.CodeBadUserInput}, {[]string{a, a}, gql.CodeBadUserInput}, {[]string{a, "scenario:nowhere"}, gql.CodeNotFound}} {
			if r := h.do(`query($ids: [ID!]!) { scenarioComparison(ids: $ids) { rows { key } } }`, map[string]any{"ids": tc.ids}); r.code() != tc.code {
				t.Errorf("scenarioComparison(%v) = %+v; want %s", tc.ids, r.Errors, tc.code)
			}
		}
	})
}

type scenarioState struct {
	Status         string `json:"status"`
	Stale          bool   `json:"stale"`
	NetworkChanges []struct {
		Kind string  `json:"kind"`
		Text string  `json:"text"`
		Unit *named  `json:"unit"`
		To   []named `json:"to"`
	} `json:"networkChanges"`
	CommitCheck struct {
		Allowed    bool    `json:"allowed"`
		Reason     *string `json:"reason"`
		NeedsForce bool    `json:"needsForce"`
		Role       string  `json:"role"`
	} `json:"commitCheck"`
	Downloads []struct {
		Format string `json:"format"`
		URL    string `json:"url"`
	} `json:"downloads"`
}

func readScenarioState(h *harness, id string) scenarioState {
	h.t.Helper()
	var d struct {
		Scenario scenarioState `json:"scenario"`
	}
	h.ok(`query($id: ID!) { scenario(id: $id) { status stale networkChanges { kind text unit { id name } to { id name } }
  commitCheck { allowed reason needsForce role } downloads { format url } } }`, map[string]any{"id": id}, &d)
	return d.Scenario
}

// TestStaleScenario: after the network changes under a saved scenario, it
// is stale, lists the changes by name, and committing it is CONFLICT with
// the changes in extensions.details; re-simulated it commits; another one
// commits with force. Commits are audit-logged, one transaction each.
func TestStaleScenario(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h, audit := plannerServer(t, open, name, auth.RoleEditor)
		id := saveScenario(h, "均衡", `{strategy: BALANCED, pair: true}`)
		forced := saveScenario(h, "照旧", `{strategy: BALANCED}`)
		st := readScenarioState(h, id)
		if st.Stale || len(st.NetworkChanges) != 0 || !st.CommitCheck.Allowed || st.CommitCheck.Role != "editor" || len(st.Downloads) < 2 {
			t.Fatalf("fresh scenario: %+v", st)
		}
		// The network changes: 圣墩村 leaves 舒家 for 东郊; a pairing is added.
		h.ok(`mutation { removeMember(organisationId: "org:shengdun-village", allianceId: "alliance:shujia") { id }
  addMember(organisationId: "org:shengdun-village", allianceId: "alliance:dongjiao") { id }
  createPairing(mentorId: "org:hengshan-village", menteeId: "org:shanqian-village") { id } }`, nil, nil)
		st = readScenarioState(h, id)
		if !st.Stale || st.CommitCheck.Allowed || !st.CommitCheck.NeedsForce || st.CommitCheck.Reason == nil {
			t.Fatalf("after changes: %+v", st)
		}
		var texts []string
		for _, c := range st.NetworkChanges {
			texts = append(texts, c.Kind+": "+c.Text)
		}
		all := strings.Join(texts, "\n")
		for _, want := range []string{"MEMBERSHIP_CHANGED: 圣墩村 moved from 舒家区域党建联合体 to 东郊区域党建联合体", "PAIRING_ADDED: pairing 横山村 → 山前村 was added"} {
			if !strings.Contains(all, want) {
				t.Errorf("networkChanges lack %q:\n%s", want, all)
			}
		}
		var before struct {
			Stats struct{ Edges int } `json:"stats"`
		}
		h.ok(`{ stats { edges } }`, nil, &before)
		r := h.do(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": id})
		if r.code() != gql.CodeConflict {
			t.Fatalf("stale commit: %+v; want CONFLICT", r.Errors)
		}
		details, _ := r.Errors[0].Extensions["details"].([]any)
		if len(details) != 2 || !strings.Contains(r.Errors[0].Message, "force") {
			t.Errorf("stale commit error %q, details %v", r.Errors[0].Message, details)
		}
		var after struct {
			Stats struct{ Edges int } `json:"stats"`
		}
		h.ok(`{ stats { edges } }`, nil, &after)
		if after != before {
			t.Errorf("a refused commit changed the network: %+v → %+v", before, after)
		}

		// Re-simulated: fresh, commits.
		var re struct {
			ResimulateScenario struct {
				ID            string  `json:"id"`
				Name          string  `json:"name"`
				ResimulatedAt *string `json:"resimulatedAt"`
				Stale         bool    `json:"stale"`
			} `json:"resimulateScenario"`
		}
		h.ok(`mutation($id: ID!) { resimulateScenario(id: $id) { id name resimulatedAt stale } }`, map[string]any{"id": id}, &re)
		if re.ResimulateScenario.ID != id || re.ResimulateScenario.Name != "均衡" || re.ResimulateScenario.ResimulatedAt == nil || re.ResimulateScenario.Stale {
			t.Fatalf("resimulated: %+v", re)
		}
		var c struct {
			CommitScenario struct {
				Status string `json:"status"`
			} `json:"commitScenario"`
		}
		h.ok(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": id}, &c)
		if c.CommitScenario.Status != "COMMITTED" {
			t.Fatalf("commit after resimulate: %+v", c)
		}
		if st := readScenarioState(h, id); st.CommitCheck.Allowed || !strings.Contains(deref(st.CommitCheck.Reason), "committed") {
			t.Errorf("committed scenario's check: %+v", st.CommitCheck)
		}
		if r := h.do(`mutation($id: ID!) { resimulateScenario(id: $id) { id } }`, map[string]any{"id": id}); r.code() != gql.CodeConflict {
			t.Errorf("resimulating a committed scenario: %+v; want CONFLICT", r.Errors)
		}

		// The other scenario is stale too (the commit changed the network):
		// force commits it.
		if r := h.do(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": forced}); r.code() != gql.CodeConflict {
			t.Fatalf("second stale commit: %+v; want CONFLICT", r.Errors)
		}
		r = h.do(`mutation($id: ID!) { commitScenario(id: $id, force: true) { status } }`, map[string]any{"id": forced})
		if len(r.Errors) > 0 && (r.code() != gql.CodeConflict || strings.Contains(r.Errors[0].Message, "changed since")) {
			t.Fatalf("forced commit: %+v", r.Errors)
		}
		entries, err := audit.List(auth.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		commits := 0
		for _, e := range entries {
			if e.Operation == "commitScenario" {
				commits++
			}
		}
		if want := 1 + btoi(len(r.Errors) == 0); commits != want {
			t.Errorf("audit log has %d commitScenario entries; want %d", commits, want)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestCommitCheckRoles: a viewer and a planner see commit not allowed,
// with the role it needs; a planner may save and re-simulate but not
// commit.
func TestCommitCheckRoles(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h, _ := plannerServer(t, open, name, auth.RolePlanner)
		id := saveScenario(h, "规划员的方案", `{strategy: BALANCED}`)
		st := readScenarioState(h, id)
		if st.CommitCheck.Allowed || !strings.Contains(deref(st.CommitCheck.Reason), "editor") || st.CommitCheck.Role != "editor" {
			t.Errorf("planner's commit check: %+v", st.CommitCheck)
		}
		h.ok(`mutation($id: ID!) { resimulateScenario(id: $id) { id } }`, map[string]any{"id": id}, nil)
		if r := h.do(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": id}); r.code() != gql.CodeForbidden {
			t.Errorf("planner commits: %+v; want FORBIDDEN", r.Errors)
		}
		v, _ := plannerServer(t, func(testing.TB) graph.Store { return h.store }, name, auth.RoleViewer)
		st = readScenarioState(v, id)
		if st.CommitCheck.Allowed || !strings.Contains(deref(st.CommitCheck.Reason), "viewer") {
			t.Errorf("viewer's commit check: %+v", st.CommitCheck)
		}
		if r := v.do(`{ simulateAlliances(input: {strategy: BALANCED}) { moves { unit { id } } } }`, nil); r.code() != gql.CodeForbidden {
			t.Errorf("viewer simulates: %+v; want FORBIDDEN", r.Errors)
		}
	})
}

// TestPlanningNetwork: today's units with their alliances, strength and
// borders, and the defaults a simulation takes; within a scope too.
func TestPlanningNetwork(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		var d struct {
			PlanningNetwork struct {
				Within *named `json:"within"`
				Units  []struct {
					Organisation named  `json:"organisation"`
					Alliance     *named `json:"alliance"`
					Strong       bool   `json:"strong"`
					Neighbours   []string
				} `json:"units"`
				Alliances []named `json:"alliances"`
				Pairings  []pair  `json:"pairings"`
				Defaults  struct {
					K       int `json:"k"`
					MinSize int `json:"minSize"`
				} `json:"defaults"`
			} `json:"planningNetwork"`
			PlanMetrics []struct {
				Key   string `json:"key"`
				Scope string `json:"scope"`
			} `json:"planMetrics"`
		}
		h.ok(`{ planningNetwork(within: "org:yuelin-party-working-committee") { within { id name } units { organisation { id name } alliance { id name } strong neighbours }
  alliances { id name } pairings { mentor { name } mentee { name } } defaults { k minSize } }
  planMetrics { key scope } }`, nil, &d)
		pn := d.PlanningNetwork
		if pn.Within == nil || pn.Within.Name != "岳林街道党工委" || len(pn.Units) != 17 || len(pn.Alliances) != 4 || len(pn.Pairings) != 5 ||
			pn.Defaults.K != 4 || pn.Defaults.MinSize != 2 {
			t.Fatalf("planningNetwork = %+v", pn)
		}
		strong := 0
		for _, u := range pn.Units {
			if u.Alliance == nil || u.Alliance.Name == "" || len(u.Neighbours) == 0 {
				t.Errorf("unit %+v", u)
			}
			strong += btoi(u.Strong)
		}
		if strong == 0 || strong == len(pn.Units) {
			t.Errorf("%d of %d units strong", strong, len(pn.Units))
		}
		if len(d.PlanMetrics) != len(plan.PlanMetrics)+len(plan.AllianceMetricInfo) || d.PlanMetrics[0].Scope != "PLAN" {
			t.Errorf("planMetrics: %d", len(d.PlanMetrics))
		}
	})
}

// TestScenarioDownloads: the URLs a scenario lists answer: the meeting
// table as CSV (BOM, sheets, names, every unit) and the network as the
// plan would make it, its new alliance and memberships included.
func TestScenarioDownloads(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		// 横山村 and 山前村 leave for an alliance of their own: a new
		// alliance named after 横山村.
		g := todaysGrouping(t, h)
		for i := range g {
			if g[i]["key"] == "alliance:hengshan" {
				g[i]["members"] = slices.DeleteFunc(slices.Clone(g[i]["members"].([]string)), func(s string) bool {
					return s == "org:hengshan-village" || s == "org:shanqian-village"
				})
			}
		}
		g = append(g, map[string]any{"key": "north", "members": []string{"org:hengshan-village", "org:shanqian-village"}})
		var d struct {
			SaveScenario struct {
				ID        string `json:"id"`
				Downloads []struct {
					Kind   string `json:"kind"`
					Format string `json:"format"`
					URL    string `json:"url"`
				} `json:"downloads"`
				Result result `json:"result"`
			} `json:"saveScenario"`
		}
		h.ok(`mutation($g: [GroupInput!]) { saveScenario(name: "横山分出", input: {strategy: MANUAL, grouping: $g, constraints: {requireContiguous: false, requireStrong: false}}) {
  id downloads { kind format url } result { alliances { key id name naming members { id } } } } }`, map[string]any{"g": g}, &d)
		sc := d.SaveScenario
		var newID string
		for _, a := range sc.Result.Alliances {
			if a.Key == "north" {
				newID = a.ID
				if a.Name != "横山区域党建联合体（north）" && a.Name != "横山村区域党建联合体" || a.Naming != "LEAD" {
					t.Errorf("new alliance %+v", a)
				}
			}
		}
		urls := map[string]string{}
		for _, dl := range sc.Downloads {
			urls[strings.ToLower(dl.Kind)+"."+dl.Format] = dl.URL
		}
		code, body := httpGet(h, urls["table.csv"])
		if code != 200 || !strings.HasPrefix(body, "\ufeff# 方案 Scenario") || !strings.Contains(body, "横山分出") ||
			!strings.Contains(body, "# 指标 Metrics") || !strings.Contains(body, "圣墩村,org:shengdun-village,舒家区域党建联合体,舒家区域党建联合体,否 no") ||
			!strings.Contains(body, "山前村,org:shanqian-village,横山区域党建联合体,") {
			t.Errorf("csv: %d\n%.3000s", code, body)
		}
		code, body = httpGet(h, urls["table.xlsx"])
		if code != 200 || !strings.HasPrefix(body, "PK") {
			t.Errorf("xlsx table: %d %.100q", code, body)
		} else if f, err := excelize.OpenReader(strings.NewReader(body)); err != nil {
			t.Errorf("xlsx table: %v", err)
		} else {
			rows, _ := f.GetRows("村社 Units")
			if sheets := f.GetSheetList(); len(sheets) != 4 || len(rows) != 18 || rows[0][0] != "村社 Unit" {
				t.Errorf("xlsx table: sheets %v, %d unit rows", sheets, len(rows))
			}
			_ = f.Close()
		}
		code, body = httpGet(h, urls["network.json"])
		if code != 200 || !strings.Contains(body, `"`+newID+`"`) || !strings.Contains(body, "MEMBER_OF:org:shanqian-village->"+newID) || !strings.Contains(body, `"moved"`) {
			t.Errorf("json network: %d %.2000s", code, body)
		}
		for _, path := range []string{"/export/scenario/csv?id=scenario:nowhere", "/export/json?scenario=scenario:nowhere"} {
			if code, _ := httpGet(h, path); code != 404 {
				t.Errorf("GET %s = %d; want 404", path, code)
			}
		}
		if code, body := httpGet(h, "/export/xlsx?scenario="+sc.ID); code != 200 || !strings.HasPrefix(body, "PK") {
			t.Errorf("the planned network as a workbook: %d", code)
		}
		for _, path := range []string{"/export/scenario/csv", "/export/scenario/pdf?id=" + sc.ID} {
			if code, _ := httpGet(h, path); code != 400 {
				t.Errorf("GET %s = %d; want 400", path, code)
			}
		}
	})
}

func httpGet(h *harness, path string) (int, string) {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}
