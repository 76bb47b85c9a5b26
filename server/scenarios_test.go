package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

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

// TestCommitAnswerAndPlanningAfter: after a commit whose answer selects
// what reads the network (stale, networkChanges), planningNetwork answers
// the new grouping, on the server that committed and on another sharing its
// broker (the answer's read used to reuse the operation's snapshot from
// before the commit and leave it in the planning cache).
func TestCommitAnswerAndPlanningAfter(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h, _ := plannerServer(t, open, name, auth.RoleEditor)
		v := &harness{t: t, store: h.store, broker: h.broker, h: server.New(server.Config{Store: h.store, StoreName: name, Broker: h.broker,
			Logger: slog.New(slog.DiscardHandler), Security: server.Security{Auth: auth.Anonymous(auth.RoleViewer)}})}
		const q = `{ planningNetwork { units { organisation { id } alliance { id } } } }`
		alliances := func(x *harness) map[string]string {
			var d struct {
				PlanningNetwork struct {
					Units []struct {
						Organisation named  `json:"organisation"`
						Alliance     *named `json:"alliance"`
					} `json:"units"`
				} `json:"planningNetwork"`
			}
			x.ok(q, nil, &d)
			out := map[string]string{}
			for _, u := range d.PlanningNetwork.Units {
				if u.Alliance != nil {
					out[u.Organisation.ID] = u.Alliance.ID
				}
			}
			return out
		}
		before := alliances(h) // fills both planning caches
		alliances(v)
		const shengdun, dongjiao = "org:shengdun-village", "org:dongjiao-village"
		if before[shengdun] == before[dongjiao] {
			t.Fatalf("圣墩村 and 东郊村 share %s today: nothing to commit", before[shengdun])
		}
		id := saveScenario(h, "同组", `{strategy: BALANCED, constraints: {together: [["`+shengdun+`", "`+dongjiao+`"]]}}`)
		// The answer selects what reads the network (networkChanges): it
		// must not leave the network from before the commit in the cache.
		h.ok(`mutation($id: ID!) { commitScenario(id: $id) { status stale networkChanges { kind } } }`, map[string]any{"id": id}, nil)
		for srv, x := range map[string]*harness{"committer": h, "other": v} {
			if after := alliances(x); after[shengdun] == "" || after[shengdun] != after[dongjiao] {
				t.Errorf("%s server after commit: 圣墩村 in %q, 东郊村 in %q; want one alliance", srv, after[shengdun], after[dongjiao])
			}
		}
	})
}

// TestCommitTwoReplicas: two servers over one store (two replicas) commit
// the same scenario at once, several times over: one commit applies, every
// other answers CONFLICT, and the audit of the network's writes holds one
// commit. Within one server commits queue (commitMu); across servers the
// store's conditional batch (graph.Batch.Expect) decides.
func TestCommitTwoReplicas(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		a := seeded(t, open, name)
		b := newHarness(t, a.store, name)
		id := saveScenario(a, "两处同时提交", `{strategy: BALANCED}`)
		const each = 3
		codes := make(chan string, 2*each)
		var wg sync.WaitGroup
		for _, h := range []*harness{a, b} {
			for range each {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes <- h.do(`mutation($id: ID!) { commitScenario(id: $id) { status } }`, map[string]any{"id": id}).code()
				}()
			}
		}
		wg.Wait()
		close(codes)
		committed, conflicts := 0, 0
		for c := range codes {
			switch c {
			case "":
				committed++
			case gql.CodeConflict:
				conflicts++
			default:
				t.Errorf("a concurrent commit answered %s; want success or CONFLICT", c)
			}
		}
		if committed != 1 || conflicts != 2*each-1 {
			t.Errorf("%d commits applied, %d CONFLICT; want 1 and %d", committed, conflicts, 2*each-1)
		}
		var sc struct {
			Scenario struct{ Status string } `json:"scenario"`
		}
		b.ok(`query($id: ID!) { scenario(id: $id) { status } }`, map[string]any{"id": id}, &sc)
		if sc.Scenario.Status != "COMMITTED" {
			t.Errorf("the scenario is %s after the commits; want COMMITTED", sc.Scenario.Status)
		}
	})
}
