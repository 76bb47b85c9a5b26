package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestExploreInferred: the viewer draws INFERRED facts distinctly (a
// dash-dot line, not ILLUSTRATIVE's dashes nor ARTICLE's solid), lists the
// level in its legend, and a click on an inferred node shows its quote, the
// source's title and the reasoning.
func TestExploreInferred(t *testing.T) {
	chromiumPath(t)
	checkCJKFonts(t)
	a := startApp(t)
	u, _ := url.Parse(a.srv.URL)
	s := openBrowser(t, u.Hostname())
	p := s.page(t)
	p.do("open /explore/", chromedp.Navigate(a.srv.URL+"/explore/"))
	p.waitFor("the explorer to load", `window.orgnetExplore && orgnetExplore.ready`, 3*uiTimeout)
	p.eval(`orgnetExplore.ready.then(() => true)`, nil)
	p.idle()

	var look struct {
		Inferred, InferredEdges                int
		InferredDashDot, EdgesDashDot          bool
		IllustrativePattern, InferredPattern   string
		IllustrativeEdge, InferredEdge, Legend string
	}
	p.eval(`(() => { const cy = orgnetExplore.cy;
	  const inf = cy.nodes('[source = "INFERRED"]').filter(n => !n.isParent());
	  const infE = cy.edges('[prov = "INFERRED"]:visible');
	  const ill = cy.nodes('[source = "ILLUSTRATIVE"]').filter(n => !n.isParent());
	  const illE = cy.edges('[prov = "ILLUSTRATIVE"]:visible');
	  const pat = (x, k) => x.length ? String(x[0].style(k)) : '';
	  return {
	    inferred: inf.length, inferredEdges: infE.length,
	    inferredDashDot: inf.every(n => n.style('border-style') === 'dashed' && String(n.style('border-dash-pattern')) === pat(inf, 'border-dash-pattern')),
	    edgesDashDot: infE.every(e => e.style('line-style') === 'dashed'),
	    illustrativePattern: pat(ill, 'border-dash-pattern'), inferredPattern: pat(inf, 'border-dash-pattern'),
	    illustrativeEdge: pat(illE, 'line-dash-pattern'), inferredEdge: pat(infE, 'line-dash-pattern'),
	    legend: [...document.querySelectorAll('[data-testid=legend-provenance] li')].map(li => li.textContent).join('\n'),
	  }; })()`, &look)
	if look.Inferred == 0 || look.InferredEdges == 0 {
		t.Fatalf("the first view draws %d inferred nodes and %d inferred edges; the seed has several", look.Inferred, look.InferredEdges)
	}
	if !look.InferredDashDot || !look.EdgesDashDot {
		t.Errorf("inferred nodes/edges are not drawn dash-dot (nodes %v, edges %v)", look.InferredDashDot, look.EdgesDashDot)
	}
	if look.InferredPattern == look.IllustrativePattern || look.InferredEdge == look.IllustrativeEdge || look.InferredEdge == "" {
		t.Errorf("inferred and illustrative are drawn alike: nodes %q vs %q, edges %q vs %q",
			look.InferredPattern, look.IllustrativePattern, look.InferredEdge, look.IllustrativeEdge)
	}
	if !strings.Contains(look.Legend, "INFERRED") {
		t.Errorf("the legend does not list INFERRED:\n%s", look.Legend)
	}

	// A click on 金海站配套项目临时党支部, as a person would.
	const jinhai = "org:jinhai-station-temp-branch"
	p.clickNodeAt(jinhai, 0)
	p.waitPanel(jinhai)
	p.waitFor("the reasoning in the panel", `document.querySelector('[data-testid=provenance-reasoning]')`, uiTimeout)
	var panel struct{ Badge, Quote, Source, Reasoning string }
	p.eval(`(() => { const q = (id) => (document.querySelector('[data-testid=panel-provenance] [data-testid=' + id + ']') || {}).textContent || '';
	  return {badge: q('provenance-source'), quote: q('provenance-quote'), source: q('provenance-source-title'), reasoning: q('provenance-reasoning')}; })()`, &panel)
	var api struct {
		Node struct {
			Provenance struct {
				Quote, Reasoning string
				SourceDocument   struct{ Title string }
			}
		}
	}
	a.gql(`query($id: ID!) { node(id: $id) { provenance { quote reasoning sourceDocument { title } } } }`, map[string]any{"id": jinhai}, &api)
	want := api.Node.Provenance
	if panel.Badge != "INFERRED" || panel.Quote != want.Quote || !strings.Contains(panel.Source, want.SourceDocument.Title) ||
		!strings.Contains(panel.Reasoning, want.Reasoning) || want.Reasoning == "" {
		t.Errorf("panel %+v; want INFERRED, quote %q, source %q, reasoning %q", panel, want.Quote, want.SourceDocument.Title, want.Reasoning)
	}
	p.screenshot("inferred-panel.png")
	if _, problems := s.snapshot(); len(problems) > 0 {
		t.Errorf("the page reported problems: %v", problems)
	}
}
