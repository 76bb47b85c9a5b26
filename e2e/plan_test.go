package e2e

import (
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// The explorer's planning mode (web/explore/src/plan*.js) used with the
// mouse: enter it, mark two units "together" and one "fixed" on the graph
// (and one "apart", unmarked again), run a balanced plan with today's k and
// pairings, see it drawn (planned alliances as groups, moved units marked,
// pairings added and ended drawn apart), toggle today/plan, export a PNG,
// save two scenarios and compare them, open one by URL as a viewer (commit
// disabled, with the reason) and commit it as an editor through a CONFLICT
// (the network changed after it was opened), re-simulate the other (saved
// before the change), leave the mode and resync the explorer.

const dongjiao = "org:dongjiao-village"

func TestExplorePlan(t *testing.T) {
	chromiumPath(t) // skip (or fail under CI) before starting anything
	checkCJKFonts(t)
	editor, viewer := planApps(t)
	u, _ := url.Parse(editor.srv.URL)
	s := openBrowser(t, u.Hostname())
	p := s.page(t)
	p.open(editor.srv.URL+"/explore/", viewportW)

	// Today's network as a planner sees it.
	var today struct {
		PlanningNetwork struct {
			Units []struct {
				Organisation struct{ ID string }
				Alliance     *struct{ ID string }
			}
			Alliances []struct{ ID string }
			Defaults  struct{ K int }
		}
	}
	editor.gql(`{ planningNetwork { units { organisation { id } alliance { id } } alliances { id } defaults { k } } }`, nil, &today)
	todayOf := map[string]string{}
	for _, u := range today.PlanningNetwork.Units {
		if u.Alliance != nil {
			todayOf[u.Organisation.ID] = u.Alliance.ID
		}
	}
	if todayOf[shengdun] == "" || todayOf[shengdun] == todayOf[dongjiao] {
		t.Fatalf("圣墩村 and 东郊村 must be in two alliances today: %q, %q", todayOf[shengdun], todayOf[dongjiao])
	}

	// Enter the planning mode: today's units in their alliances.
	p.click(`[data-testid=plan-toggle]`)
	p.waitFor("the planning view", `orgnetExplore.state.plan.active && orgnetExplore.state.plan.net && orgnetExplore.cy.nodes('.plan-unit').length > 0`, uiTimeout)
	p.planDone()
	d := p.planDrawn()
	if d.Units != len(today.PlanningNetwork.Units) {
		t.Errorf("%d units drawn; planningNetwork has %d", d.Units, len(today.PlanningNetwork.Units))
	}
	if len(d.Groups) != len(today.PlanningNetwork.Alliances) || len(d.Moved) != 0 {
		t.Errorf("today's view: %d groups (want %d), moved %v", len(d.Groups), len(today.PlanningNetwork.Alliances), d.Moved)
	}
	for unit, al := range todayOf {
		if !slices.Contains(d.Members[al], unit) {
			t.Errorf("today's view: %s is not drawn in %s", unit, al)
		}
	}

	// Mark 圣墩村 and 东郊村 "together" by clicking them, choose pairings, run.
	p.click(`[data-testid=plan-tool][data-tool=together]`)
	p.clickNodeAt(shengdun, 0)
	p.clickNodeAt(dongjiao, 0)
	var marks []string
	p.eval(`[...document.querySelectorAll('[data-testid=plan-marks] li[data-mark=together]')].map(li => li.dataset.id).sort()`, &marks)
	if !slices.Equal(marks, sorted([]string{shengdun, dongjiao})) {
		t.Fatalf("marked together: %v", marks)
	}
	var outlined bool
	p.eval(fmt.Sprintf(`orgnetExplore.cy.getElementById(%q).hasClass('mark-together') && orgnetExplore.cy.getElementById(%q).style('outline-width') !== '0px'`, shengdun, dongjiao), &outlined)
	if !outlined {
		t.Error("the units marked together are not outlined on the graph")
	}
	// 新鲍村 fixed to its alliance today; a unit marked apart and unmarked
	// again from the list.
	p.click(`[data-testid=plan-tool][data-tool=fixed]`)
	p.clickNodeAt(xinbao, 0)
	p.click(`[data-testid=plan-tool][data-tool=apart]`)
	p.clickNodeAt("org:shuqian-village", 0)
	var marked map[string]string
	p.eval(`Object.fromEntries(orgnetExplore.state.plan.marks)`, &marked)
	if marked[xinbao] != "fixed" || marked["org:shuqian-village"] != "apart" || len(marked) != 4 {
		t.Fatalf("marks %v", marked)
	}
	p.press(`[data-testid=plan-unmark][data-id="org:shuqian-village"]`)
	p.waitFor("舒前村 unmarked", `!orgnetExplore.state.plan.marks.has('org:shuqian-village') && !orgnetExplore.cy.getElementById('org:shuqian-village').hasClass('mark-apart')`, uiTimeout)
	p.click(`[data-testid=plan-pair]`)
	p.press(`[data-testid=plan-run]`)
	p.planWait("the plan", `orgnetExplore.state.plan.result`)
	p.planDone()

	input := map[string]any{"strategy": "BALANCED", "pair": true, "constraints": map[string]any{
		"together": [][]string{sorted([]string{shengdun, dongjiao})},
		"fixed":    []map[string]string{{"unit": xinbao, "alliance": todayOf[xinbao]}},
	}}
	var sent map[string]any
	p.eval(`orgnetExplore.state.plan.lastInput`, &sent)
	if c, _ := sent["constraints"].(map[string]any); c == nil || fmt.Sprint(c["fixed"]) != fmt.Sprint([]any{map[string]any{"unit": xinbao, "alliance": todayOf[xinbao]}}) || c["apart"] != nil {
		t.Errorf("the page sent %v; want 新鲍村 fixed to %s and nothing apart", sent, todayOf[xinbao])
	}
	var api struct{ SimulateAlliances planResult }
	editor.gql(`query($input: AllianceSimulationInput!) { simulateAlliances(input: $input) { `+planFields+` } }`, map[string]any{"input": input}, &api)
	plan := api.SimulateAlliances
	if len(plan.Alliances) != today.PlanningNetwork.Defaults.K {
		t.Errorf("the plan has %d alliances; today's k is %d", len(plan.Alliances), today.PlanningNetwork.Defaults.K)
	}
	if len(plan.Moves) == 0 || len(plan.PairingChanges.Added)+len(plan.PairingChanges.Ended) == 0 {
		t.Fatalf("the plan moves %d units and changes %d+%d pairings: nothing to see", len(plan.Moves), len(plan.PairingChanges.Added), len(plan.PairingChanges.Ended))
	}
	d = p.planDrawn()
	checkDrawn(t, d, plan)
	together := false
	for _, m := range d.Members {
		together = together || slices.Contains(m, shengdun) && slices.Contains(m, dongjiao)
	}
	if !together {
		t.Error("圣墩村 and 东郊村 are not drawn in one planned alliance")
	}
	if !slices.Contains(d.Members[todayOf[xinbao]], xinbao) {
		t.Errorf("新鲍村 (fixed) is not drawn in its alliance of today %s", todayOf[xinbao])
	}
	var panel struct {
		Alliances, Metrics, Rows int
		Label, Summary           string
		Timing                   map[string]float64
	}
	p.eval(`({alliances: document.querySelectorAll('[data-testid=plan-alliance]').length,
	  metrics: document.querySelector('[data-testid=plan-alliance-metrics]').querySelectorAll('tr').length,
	  rows: document.querySelectorAll('[data-testid=plan-comparison] tbody tr').length,
	  label: document.querySelector('[data-testid=plan-alliance-metrics] th').textContent,
	  summary: document.querySelector('[data-testid=plan-summary]').textContent,
	  timing: orgnetExplore.state.plan.timings.lastRun})`, &panel)
	if panel.Alliances != len(plan.Alliances) || panel.Rows != len(plan.Comparison) || panel.Metrics < 10 {
		t.Errorf("panel: %d alliances (want %d), %d plan-wide rows (want %d), %d metrics per alliance", panel.Alliances, len(plan.Alliances), panel.Rows, len(plan.Comparison), panel.Metrics)
	}
	if !strings.Contains(panel.Label, "成员") || !strings.Contains(panel.Label, "embers") {
		t.Errorf("an alliance's first metric is labelled %q: want Chinese and English", panel.Label)
	}
	if !strings.Contains(panel.Summary, fmt.Sprintf("%d 个单位调整", len(plan.Moves))) {
		t.Errorf("summary %q does not count the %d moves", panel.Summary, len(plan.Moves))
	}
	t.Logf("run to drawn on Yuelin: %v ms (request %v ms, drawing %v ms)", panel.Timing["totalMs"], panel.Timing["requestMs"], panel.Timing["drawMs"])
	p.screenshot("plan.png")

	// Today again, then the plan.
	p.press(`[data-testid=plan-view-today]`)
	p.planDone()
	d = p.planDrawn()
	if len(d.Moved) != 0 || len(d.Added) != 0 || len(d.Groups) != len(today.PlanningNetwork.Alliances) {
		t.Errorf("today's view after the plan: moved %v, added %v, %d groups", d.Moved, d.Added, len(d.Groups))
	}
	for unit, al := range todayOf {
		if !slices.Contains(d.Members[al], unit) {
			t.Errorf("today's view: %s is not drawn in %s", unit, al)
		}
	}
	p.screenshot("plan-today.png")
	p.press(`[data-testid=plan-view-plan]`)
	p.planDone()
	checkDrawn(t, p.planDrawn(), plan)

	// PNG of the plan.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatal(err)
	}
	p.press(`[data-testid=plan-png]`)
	png := waitFile(t, filepath.Join(dir, "orgnet-plan.png"))
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 20_000 {
		t.Errorf("plan PNG: %d bytes", len(png))
	}

	// Save it, then a second scenario with k = 3, and compare the two.
	p.wheelTo(`[data-testid=plan-name]`)
	p.typeInto(`[data-testid=plan-name]`, "圣墩东郊同组")
	p.press(`[data-testid=plan-save]`)
	p.planWait("the scenario saved", `orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.name === '圣墩东郊同组'`)
	p.planDone()
	first := p.planDrawn().Scenario
	checkDrawn(t, p.planDrawn(), plan)
	var loc string
	p.eval(`location.search`, &loc)
	if loc != "?scenario="+url.QueryEscape(first) {
		t.Errorf("after saving, the page's address has %q; want ?scenario=%s", loc, first)
	}
	p.wheelTo(`[data-testid=plan-k]`)
	p.typeInto(`[data-testid=plan-k]`, "3")
	p.wheelTo(`[data-testid=plan-name]`)
	p.typeInto(`[data-testid=plan-name]`, "三个联合体")
	p.press(`[data-testid=plan-save]`)
	p.planWait("the second scenario", `orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.name === '三个联合体'`)
	p.planDone()
	second := p.planDrawn().Scenario
	if len(p.planDrawn().Groups) != 3 {
		t.Errorf("the k = 3 scenario draws %d groups", len(p.planDrawn().Groups))
	}
	p.waitFor("both scenarios ticked", fmt.Sprintf(`[%q, %q].every(id => document.querySelector('[data-testid=plan-pick][data-id="' + id + '"]')?.checked)`, first, second), uiTimeout)
	p.press(`[data-testid=plan-compare-button]`)
	p.waitFor("the comparison", `!document.querySelector('[data-testid=plan-compare]').hidden && document.querySelector('[data-testid=plan-compare-table]')`, uiTimeout)
	var tab struct {
		ScenarioComparison struct {
			Rows []struct{ Cells []struct{ Text string } }
		}
	}
	editor.gql(`query($ids: [ID!]!) { scenarioComparison(ids: $ids) { rows { cells { text } } } }`, map[string]any{"ids": []string{first, second}}, &tab)
	var shown struct {
		Head  []string
		Cells [][]string
	}
	p.eval(`(() => { const t = document.querySelector('[data-testid=plan-compare-table]');
	  return {head: [...t.querySelectorAll('thead th')].map(th => th.textContent),
	    cells: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent))}; })()`, &shown)
	if len(shown.Head) != 4 || !strings.Contains(shown.Head[2], "圣墩东郊同组") || !strings.Contains(shown.Head[3], "三个联合体") {
		t.Errorf("comparison columns %q", shown.Head)
	}
	if len(shown.Cells) != len(tab.ScenarioComparison.Rows) {
		t.Fatalf("comparison: %d rows drawn; the API has %d", len(shown.Cells), len(tab.ScenarioComparison.Rows))
	}
	for i, r := range tab.ScenarioComparison.Rows {
		var want []string
		for _, c := range r.Cells {
			want = append(want, c.Text)
		}
		if !slices.Equal(shown.Cells[i], want) {
			t.Errorf("comparison row %d: %q; the API says %q", i, shown.Cells[i], want)
		}
	}
	p.screenshot("plan-compare.png")
	p.click(`[data-testid=plan-compare-close]`)

	// A viewer opens the first scenario by its address: the same plan, and
	// commit (and run) disabled with the reason.
	p.open(viewer.srv.URL+"/explore/?scenario="+url.QueryEscape(first), viewportW)
	p.planWait("the scenario opened", fmt.Sprintf(`orgnetExplore.state.plan.active && orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.id === %q`, first))
	p.planDone()
	checkDrawn(t, p.planDrawn(), plan)
	p.wheelTo(`[data-testid=plan-commit]`)
	var commit struct {
		Disabled          bool
		Title, Reason     string
		RunDisabled       bool
		RunReason, Status string
	}
	p.eval(`(() => { const b = document.querySelector('[data-testid=plan-commit]');
	  return {disabled: b.disabled, title: b.title, reason: document.querySelector('[data-testid=plan-commit-reason]').textContent,
	    runDisabled: document.querySelector('[data-testid=plan-run]').disabled, runReason: document.querySelector('[data-testid=plan-run-reason]').textContent}; })()`, &commit)
	if !commit.Disabled || !strings.Contains(commit.Reason, "editor") || !strings.Contains(commit.Reason, "viewer") || commit.Title != commit.Reason {
		t.Errorf("viewer's commit button: %+v; want disabled, saying it needs role editor", commit)
	}
	if !commit.RunDisabled || !strings.Contains(commit.RunReason, "planner") {
		t.Errorf("viewer's run button: disabled %v, reason %q", commit.RunDisabled, commit.RunReason)
	}
	p.screenshot("plan-viewer.png")

	// An editor opens it, the network changes meanwhile (a new pairing),
	// and Commit answers CONFLICT with the change and the two ways on.
	p.open(editor.srv.URL+"/explore/?scenario="+url.QueryEscape(first), viewportW)
	p.planWait("the scenario opened", fmt.Sprintf(`orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.id === %q`, first))
	p.planDone()
	p.wheelTo(`[data-testid=plan-commit]`)
	var enabled bool
	p.eval(`!document.querySelector('[data-testid=plan-commit]').disabled`, &enabled)
	if !enabled {
		t.Fatal("the editor's commit button is disabled on a fresh scenario")
	}
	var strong struct {
		PlanningNetwork struct {
			Units []struct {
				Organisation struct{ ID, Name string }
				Strong       bool
			}
		}
	}
	editor.gql(`{ planningNetwork { units { organisation { id name } strong } } }`, nil, &strong)
	var mentor, mentee string
	for _, u := range strong.PlanningNetwork.Units {
		if u.Strong && mentor == "" {
			mentor = u.Organisation.ID
		}
		if !u.Strong && mentee == "" {
			mentee = u.Organisation.ID
		}
	}
	editor.gql(`mutation($m: ID!, $e: ID!) { createPairing(mentorId: $m, menteeId: $e) { id } }`, map[string]any{"m": mentor, "e": mentee}, nil)
	p.press(`[data-testid=plan-commit]`)
	p.planWait("the conflict", `document.querySelector('[data-testid=plan-conflict] [data-testid=plan-change]')`)
	p.planDone()
	var conflict struct {
		Message string
		Changes []string
	}
	p.eval(`({message: document.querySelector('[data-testid=plan-message]').textContent,
	  changes: [...document.querySelectorAll('[data-testid=plan-conflict] [data-testid=plan-change]')].map(li => li.textContent)})`, &conflict)
	if !strings.Contains(conflict.Message, "CONFLICT") || len(conflict.Changes) == 0 {
		t.Errorf("conflict shown: %+v", conflict)
	}
	p.wheelTo(`[data-testid=plan-conflict] [data-testid=plan-commit-force]`)
	p.wheelTo(`[data-testid=plan-conflict] [data-testid=plan-resimulate]`)
	p.screenshot("plan-conflict.png")
	p.press(`[data-testid=plan-conflict] [data-testid=plan-commit-force]`)
	p.planWait("the commit", `orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.status === 'COMMITTED'`)
	p.planDone()
	var after struct {
		Scenario        struct{ Status string }
		PlanningNetwork struct {
			Units []struct {
				Organisation struct{ ID string }
				Alliance     *struct{ ID string }
			}
		}
	}
	editor.gql(`query($id: ID!) { scenario(id: $id) { status } planningNetwork { units { organisation { id } alliance { id } } } }`, map[string]any{"id": first}, &after)
	now := map[string]string{}
	for _, u := range after.PlanningNetwork.Units {
		if u.Alliance != nil {
			now[u.Organisation.ID] = u.Alliance.ID
		}
	}
	if after.Scenario.Status != "COMMITTED" || now[shengdun] == "" || now[shengdun] != now[dongjiao] {
		t.Errorf("after commit: scenario %s, 圣墩村 in %q, 东郊村 in %q; want committed, both in one alliance", after.Scenario.Status, now[shengdun], now[dongjiao])
	}
	d = p.planDrawn()
	if len(d.Errors) > 0 {
		t.Errorf("page errors: %v", d.Errors)
	}
	var sameGroup bool
	p.eval(fmt.Sprintf(`orgnetExplore.cy.getElementById(%q).parent().id() === orgnetExplore.cy.getElementById(%q).parent().id()`, shengdun, dongjiao), &sameGroup)
	if !sameGroup {
		t.Error("after commit, today's view does not draw 圣墩村 and 东郊村 in one alliance")
	}
	p.screenshot("plan-committed.png")

	// The second scenario was saved before the network changed: opened from
	// the list, it says so, commit waits, and Re-simulate makes it anew.
	p.press(fmt.Sprintf(`[data-testid=plan-open][data-id=%q]`, second))
	p.planWait("the stale scenario", fmt.Sprintf(`orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.id === %q && document.querySelector('[data-testid=plan-scenario] [data-testid=plan-conflict]')`, second))
	p.planDone()
	var stale struct {
		Disabled bool
		Reason   string
		Changes  int
	}
	p.eval(`({disabled: document.querySelector('[data-testid=plan-commit]').disabled, reason: document.querySelector('[data-testid=plan-commit-reason]').textContent,
	  changes: document.querySelectorAll('[data-testid=plan-conflict] [data-testid=plan-change]').length})`, &stale)
	if !stale.Disabled || !strings.Contains(stale.Reason, "changed") || stale.Changes == 0 {
		t.Errorf("stale scenario: %+v; want commit disabled, the reason and the changes listed", stale)
	}
	p.press(`[data-testid=plan-conflict] [data-testid=plan-resimulate]`)
	p.planWait("the re-simulated scenario", `orgnetExplore.state.plan.scenario && orgnetExplore.state.plan.scenario.resimulatedAt && !document.querySelector('[data-testid=plan-commit]').disabled`)
	p.planDone()
	if n := len(p.planDrawn().Groups); n != 3 {
		t.Errorf("the re-simulated k = 3 scenario draws %d groups", n)
	}

	// Leaving the mode puts the explorer back; its resync (after a lost
	// websocket) reads every drawn node within the server's alias limits.
	p.click(`[data-testid=plan-toggle]`)
	p.waitFor("the explorer", `!orgnetExplore.state.plan.active && orgnetExplore.cy.nodes().length > 40`, uiTimeout)
	p.idle()
	var resync struct {
		Nodes  int
		Errors []string
		Status string
	}
	p.eval(`orgnetExplore.resync().then(() => ({nodes: orgnetExplore.cy.nodes().length, errors: orgnetExplore.state.errors,
	  status: document.querySelector('[data-testid=status]').textContent}))`, &resync)
	if resync.Nodes <= 30 || len(resync.Errors) > 0 || !strings.Contains(resync.Status, "Live updates back") {
		t.Errorf("resync of %d nodes: errors %v, status %q", resync.Nodes, resync.Errors, resync.Status)
	}
	if _, problems := s.snapshot(); len(problems) > 0 {
		t.Errorf("page problems: %v", problems)
	}
}
