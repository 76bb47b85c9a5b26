package server_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
