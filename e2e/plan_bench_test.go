package e2e

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestExplorePlanBenchmark times the planning mode against a running server
// (ORGNET_EXPLORE_BENCH_URL, e.g. `orgnet serve` on the synthetic city set):
// for one street and one district it opens /explore/?plan=1&within=SCOPE,
// clicks Run (BALANCED, today's k, pairings chosen) three times and logs
// the page's own clock from the click to the plan drawn (the request, then
// drawing: the elements, the layout and a frame). It asserts no time (docs/planning.md
// has the figures). ORGNET_PLAN_BENCH_SCOPES overrides the scopes
// (comma-separated ids).
func TestExplorePlanBenchmark(t *testing.T) {
	base := os.Getenv("ORGNET_EXPLORE_BENCH_URL")
	if base == "" {
		t.Skip("ORGNET_EXPLORE_BENCH_URL is unset: the benchmark needs a running server (docs/planning.md)")
	}
	chromiumPath(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	scopes := []string{"org:s001-committee", "org:k001-committee"}
	if s := os.Getenv("ORGNET_PLAN_BENCH_SCOPES"); s != "" {
		scopes = strings.Split(s, ",")
	}
	s := openBrowser(t, u.Hostname())
	p := s.page(t)
	for _, scope := range scopes {
		start := time.Now()
		p.do("open", chromedp.EmulateViewport(1600, viewportH), chromedp.Navigate(base+"/explore/?plan=1&within="+url.QueryEscape(scope)))
		p.planWait("the planning view of "+scope, `window.orgnetExplore && orgnetExplore.state.plan && orgnetExplore.state.plan.net && orgnetExplore.cy.nodes('.plan-unit').length > 0`)
		p.planDone()
		var units int
		p.eval(`orgnetExplore.cy.nodes('.plan-unit').length`, &units)
		t.Logf("%s: planning view of %d units drawn %v after navigation", scope, units, time.Since(start).Round(time.Millisecond))
		p.click(`[data-testid=plan-pair]`)
		for i := range 3 {
			p.eval(`(() => { orgnetExplore.state.plan.result = null; return true; })()`, nil)
			clicked := time.Now()
			p.press(`[data-testid=plan-run]`)
			p.planWait("the plan", `orgnetExplore.state.plan.result`)
			p.planDone()
			var m map[string]float64
			p.eval(`orgnetExplore.state.plan.timings.lastRun`, &m)
			t.Logf("%s run %d: %v units, %v alliances: click to drawn %.0f ms (request %.0f ms, drawing %.0f ms); test's clock to idle %v",
				scope, i+1, m["units"], m["alliances"], m["totalMs"], m["requestMs"], m["drawMs"], time.Since(clicked).Round(time.Millisecond))
		}
		p.screenshot(fmt.Sprintf("plan-bench-%s.png", safeName(scope)))
	}
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}
