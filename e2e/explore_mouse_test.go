package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The explorer used with the mouse and the keyboard only, at the widths of
// common screens: the toolbar, search, the bands of the tiers layout,
// pairings, relation labels and the panel's list of relations.

// widths are the viewport widths the explorer is tried at (height 1080).
var widths = []int64{1280, 1600, 1920}

// toolbarControls must all be on screen and clickable at every width.
var toolbarControls = []string{
	`.brand`, `[data-testid=search-input]`, `[data-testid=as-of]`, `[data-testid=layout-select]`,
	`[data-testid=colour-select]`, `[data-testid=size-select]`, `[data-testid=names-select]`,
	`[data-testid=compound-toggle]`, `[data-testid=fit-button]`, `[data-testid=export-png]`,
	`[data-testid=export-json]`, `[data-testid=plan-toggle]`, `[data-testid=live-status]`,
}

// open loads the explorer at a viewport width and waits until it is drawn.
func (p *browserPage) open(rawURL string, width int64) {
	p.t.Helper()
	p.do("open "+rawURL,
		chromedp.EmulateViewport(width, viewportH),
		chromedp.Navigate(rawURL),
	)
	p.waitFor("the explorer to load", `window.orgnetExplore && orgnetExplore.ready`, 3*uiTimeout)
	p.eval(`orgnetExplore.ready.then(() => true)`, nil)
	p.idle()
}

// waitPanel waits for the panel to show node id with its details loaded.
func (p *browserPage) waitPanel(id string) {
	p.t.Helper()
	p.waitFor("the panel on "+id, fmt.Sprintf(`(() => { const panel = document.querySelector('[data-testid=panel]');
	  return !panel.hidden && panel.dataset.nodeId === %q && panel.querySelector('[data-testid=panel-properties]'); })()`, id), uiTimeout)
	p.idle()
}

// selectedAndCentred says which nodes are selected and whether id is drawn
// within 60 px of the diagram's centre.
func (p *browserPage) selectedAndCentred(id string) (selected []string, centred bool) {
	p.t.Helper()
	var st struct {
		Selected []string
		Centred  bool
	}
	p.eval(fmt.Sprintf(`(() => { const cy = orgnetExplore.cy; const p = cy.getElementById(%q).renderedPosition();
	  return {selected: cy.$('node:selected').map(x => x.id()),
	    centred: Math.abs(p.x - cy.width() / 2) < 60 && Math.abs(p.y - cy.height() / 2) < 60}; })()`, id), &st)
	return st.Selected, st.Centred
}

// bandsJS reads the drawn bands and, for every drawn node, the band it
// belongs to by its data (tiers by number; villages, communities and regional
// alliances in the villages band; the rest in none) and where it is drawn
// with its label, in viewport pixels.
const bandsJS = `(() => {
  const cy = orgnetExplore.cy;
  const r = cy.container().getBoundingClientRect();
  const bands = [...document.querySelectorAll('[data-testid=tier-band]')].map((b) => {
    const x = b.getBoundingClientRect();
    return {key: b.dataset.band, name: b.textContent, top: x.top, bottom: x.bottom};
  });
  const want = (n) => {
    const d = n.data();
    if (d.tier > 0) return String(d.tier);
    if (d.type === 'ORGANISATION' && (d.kind === 'VILLAGE' || d.kind === 'COMMUNITY')) return 'villages';
    if (d.type === 'ALLIANCE' && d.kind === 'REGIONAL_ALLIANCE') return 'villages';
    return '';
  };
  const nodes = [];
  cy.nodes(':visible').forEach((n) => {
    if (n.isParent() && !want(n)) return; // a group box of no band of its own
    const bb = n.renderedBoundingBox({includeLabels: true, includeOverlays: false});
    nodes.push({id: n.id(), name: n.data('name'), band: want(n), top: r.top + bb.y1, bottom: r.top + bb.y2});
  });
  return {bands, nodes};
})()`

type drawnBands struct {
	Bands []struct {
		Key, Name   string
		Top, Bottom float64
	}
	Nodes []struct {
		ID, Name, Band string
		Top, Bottom    float64
	}
}

func TestExploreWithMouse(t *testing.T) {
	chromiumPath(t) // skip (or fail under CI) before starting anything
	checkCJKFonts(t)
	a := startApp(t)
	u, _ := url.Parse(a.srv.URL)
	s := openBrowser(t, u.Hostname())
	page := a.srv.URL + "/explore/"

	for _, w := range widths {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			p := s.page(t)
			p.open(page, w)

			t.Run("ToolbarFitsAndNothingIsCovered", func(t *testing.T) {
				p := s.page(t)
				for _, sel := range toolbarControls {
					if b := p.box(sel); b.Problem != "" {
						t.Errorf("%d px: %s", w, b.Problem)
					}
				}
				var bar struct{ ScrollWidth, ClientWidth, Bottom, MainTop float64 }
				p.eval(`(() => { const b = document.querySelector('.bar'); return {scrollWidth: b.scrollWidth, clientWidth: b.clientWidth,
				  bottom: b.getBoundingClientRect().bottom, mainTop: document.querySelector('main').getBoundingClientRect().top}; })()`, &bar)
				if bar.ScrollWidth > bar.ClientWidth+0.5 {
					t.Errorf("%d px: the toolbar overflows (%v of %v px)", w, bar.ScrollWidth, bar.ClientWidth)
				}
				if bar.MainTop < bar.Bottom-0.5 {
					t.Errorf("%d px: the diagram starts at %v, above the toolbar's bottom %v", w, bar.MainTop, bar.Bottom)
				}
			})

			t.Run("SearchHitClickedWithTheMouse", func(t *testing.T) {
				p := s.page(t)
				p.typeInto(`[data-testid=search-input]`, "圣墩")
				const first = `[data-testid=search-result]:first-child`
				p.waitFor("the hits for 圣墩", fmt.Sprintf(`document.querySelector('%s[data-id=%q]')`, first, shengdun), uiTimeout)
				p.screenshot(fmt.Sprintf("mouse-search-hits-%d.png", w))
				p.click(first) // fails if the canvas (or anything) is on top of it
				p.waitPanel(shengdun)
				selected, centred := p.selectedAndCentred(shengdun)
				if !slices.Equal(selected, []string{shengdun}) {
					t.Errorf("%d px: selected %v after clicking the hit, want [%s]", w, selected, shengdun)
				}
				if !centred {
					t.Errorf("%d px: 圣墩村 is not centred after clicking its hit", w)
				}
				if b := p.box(`[data-testid=panel-title]`); b.Problem != "" {
					t.Errorf("%d px: panel: %s", w, b.Problem)
				}
				var open bool
				p.eval(`document.querySelector('[data-testid=search-results]').hidden`, &open)
				if !open {
					t.Errorf("%d px: the hits stay open after picking one", w)
				}
				p.screenshot(fmt.Sprintf("mouse-search-picked-%d.png", w))
				p.click(`#panel-close`)
				p.click(`[data-testid=fit-button]`)
				p.idle()
			})

			t.Run("EachNodeInItsBand", func(t *testing.T) {
				p := s.page(t)
				var d drawnBands
				p.eval(bandsJS, &d)
				var keys []string
				for _, b := range d.Bands {
					keys = append(keys, b.Key)
				}
				if want := []string{"1", "2", "3", "villages"}; !slices.Equal(keys, want) {
					t.Fatalf("%d px: bands %q top-down, want %q", w, keys, want)
				}
				for i := 1; i < len(d.Bands); i++ {
					if d.Bands[i].Top < d.Bands[i-1].Bottom {
						t.Errorf("%d px: band %s overlaps band %s", w, d.Bands[i].Name, d.Bands[i-1].Name)
					}
				}
				const slack = 0.5
				members := map[string]int{}
				for _, n := range d.Nodes {
					if n.Band != "" {
						members[n.Band]++
						i := slices.IndexFunc(d.Bands, func(b struct {
							Key, Name   string
							Top, Bottom float64
						}) bool {
							return b.Key == n.Band
						})
						b := d.Bands[i]
						if n.Top < b.Top-slack || n.Bottom > b.Bottom+slack {
							t.Errorf("%d px: %s (%s) spans %.0f–%.0f, outside its band %q at %.0f–%.0f", w, n.Name, n.ID, n.Top, n.Bottom, b.Name, b.Top, b.Bottom)
						}
						continue
					}
					for _, b := range d.Bands {
						if n.Bottom > b.Top+slack && n.Top < b.Bottom-slack {
							t.Errorf("%d px: %s (%s) at %.0f–%.0f is drawn in band %q (%.0f–%.0f), which it does not belong to", w, n.Name, n.ID, n.Top, n.Bottom, b.Name, b.Top, b.Bottom)
						}
					}
				}
				if members["villages"] < 17 || members["3"] < 10 {
					t.Errorf("%d px: band members %v: want the 17 villages, communities and regional alliances, and the tier-3 organisations", w, members)
				}
				p.screenshot(fmt.Sprintf("bands-%d.png", w))
			})
		})
	}

	p := s.page(t)
	p.open(page, 1600)

	t.Run("PairingsDrawnFromMentorToMentee", func(t *testing.T) {
		p := s.page(t)
		var api struct {
			Pairings []struct {
				Mentor, Mentee struct{ ID string }
			}
		}
		a.gql(`{ pairings { mentor { id } mentee { id } } }`, nil, &api)
		if len(api.Pairings) == 0 {
			t.Fatal("the API has no pairings")
		}
		type look struct {
			Found                           bool
			Colour, Arrow, SourceArrow      string
			Width, Opacity, Length, Size    float64
			Visible                         bool
			EndColours, OtherRelationColour []string
		}
		for _, pr := range api.Pairings {
			var l look
			p.eval(fmt.Sprintf(`(() => { const cy = orgnetExplore.cy;
			  const e = cy.edges('[type = "MENTORS"]').filter(e => e.source().id() === %q && e.target().id() === %q);
			  if (e.empty()) return {found: false};
			  const s = e.sourceEndpoint(), t = e.targetEndpoint();
			  return {found: true, colour: e.style('line-color'), arrow: e.style('target-arrow-shape'), sourceArrow: e.style('source-arrow-shape'),
			    width: parseFloat(e.style('width')), opacity: Number(e.style('opacity')), visible: e.visible(),
			    length: Math.hypot(s.x - t.x, s.y - t.y), size: e.target().width(),
			    endColours: [e.source().style('background-color'), e.target().style('background-color')],
			    otherRelationColour: cy.edges('[type != "MENTORS"]').map(x => x.style('line-color'))}; })()`, pr.Mentor.ID, pr.Mentee.ID), &l)
			name := pr.Mentor.ID + " → " + pr.Mentee.ID
			switch {
			case !l.Found:
				t.Errorf("pairing %s is not drawn from the mentor to the mentee", name)
				continue
			case !l.Visible || l.Opacity < 0.9 || l.Width < 3:
				t.Errorf("pairing %s is faint: visible %v, opacity %v, width %v", name, l.Visible, l.Opacity, l.Width)
			case l.Arrow != "triangle" || l.SourceArrow != "none":
				t.Errorf("pairing %s: arrowheads %q at the mentee and %q at the mentor; want one at the mentee", name, l.Arrow, l.SourceArrow)
			case l.Length < 1.5*l.Size:
				// Model units: from the mentor's edge to the mentee's, at least
				// one and a half times the mentee's size, whatever the zoom.
				t.Errorf("pairing %s is a stub: %.0f long between nodes of size %.0f", name, l.Length, l.Size)
			}
			if slices.Contains(l.EndColours, l.Colour) || slices.Contains(l.OtherRelationColour, l.Colour) {
				t.Errorf("pairing %s is drawn in %s, a colour its ends or another relation use", name, l.Colour)
			}
		}
		var legend string
		p.eval(`(document.querySelector('[data-testid=legend-relations] li[data-relation=MENTORS]') || {}).textContent || ''`, &legend)
		if !strings.Contains(legend, "结对帮扶") || !strings.Contains(legend, "mentor → mentee") {
			t.Errorf("legend entry for pairings: %q", legend)
		}
		// Close up on the 舒家 alliance (舒前村 → 圣墩村) for the eye.
		p.eval(`(() => { const cy = orgnetExplore.cy; cy.fit(cy.getElementById('alliance:shujia'), 90); return true; })()`, nil)
		p.idle()
		p.screenshot("pairings-shujia.png")
		p.click(`[data-testid=fit-button]`)
		p.idle()
	})

	t.Run("ChineseRelationLabelsTypeInTooltip", func(t *testing.T) {
		p := s.page(t)
		checkLabels(t, p, map[string]*regexp.Regexp{
			"SUB_ORGANISATION_OF": regexp.MustCompile(`^隶属$`),
			"MEMBER_OF":           regexp.MustCompile(`^(成员|共建党组织|牵头单位)$`),
			"MENTORS":             regexp.MustCompile(`^结对帮扶$`),
		})
		hoverEdge(t, p, "隶属", "SUB_ORGANISATION_OF", "edge-tooltip-zh.png")
	})

	t.Run("PanelListsDrawnRelationsClickable", func(t *testing.T) {
		p := s.page(t)
		p.key("\x1b")
		p.clickNodeAt(shengdun, 0)
		p.waitPanel(shengdun)
		var st struct {
			Listed, Drawn []string
			Texts         []string
		}
		p.eval(fmt.Sprintf(`(() => { const cy = orgnetExplore.cy; const rows = [...document.querySelectorAll('[data-testid=panel-relation]')];
		  return {listed: rows.map(r => r.dataset.edgeId).sort(), texts: rows.map(r => r.textContent),
		    drawn: cy.getElementById(%q).connectedEdges().filter(e => !e.hasClass('hidden')).map(e => e.id()).sort()}; })()`, shengdun), &st)
		if len(st.Drawn) < 3 || !slices.Equal(st.Listed, st.Drawn) {
			t.Errorf("panel lists relations %v; drawn: %v", st.Listed, st.Drawn)
		}
		t.Logf("圣墩村's relations in the panel: %q", st.Texts)
		var meta string
		p.eval(`document.querySelector('#panel .meta').textContent`, &meta)
		if regexp.MustCompile(`\d+ drawn relations`).MatchString(meta) {
			t.Errorf("panel still counts instead of listing: %q", meta)
		}
		p.screenshot("panel-relations.png")
		// Follow the pairing to its mentor, 舒前村.
		const shuqian = "org:shuqian-village"
		row := fmt.Sprintf(`[data-testid=panel-relation][data-other-id=%q]`, shuqian)
		var text string
		p.eval(fmt.Sprintf(`document.querySelector('%s').textContent`, row), &text)
		if !strings.Contains(text, "结对帮扶") || !strings.Contains(text, "舒前村") || !strings.Contains(text, "←") {
			t.Errorf("the pairing's row reads %q; want ← 结对帮扶 舒前村", text)
		}
		p.click(row)
		p.waitPanel(shuqian)
		selected, centred := p.selectedAndCentred(shuqian)
		if !slices.Equal(selected, []string{shuqian}) || !centred {
			t.Errorf("after clicking the row: selected %v, centred %v; want 舒前村 selected and centred", selected, centred)
		}
		var marked bool
		p.eval(fmt.Sprintf(`orgnetExplore.cy.getElementById('MENTORS:%s->%s').hasClass('hl')`, shuqian, shengdun), &marked)
		if !marked {
			t.Error("the followed relation is not highlighted")
		}
		p.screenshot("panel-relation-followed.png")
	})

	t.Run("PathOfOneHop", func(t *testing.T) {
		p := s.page(t)
		const shuqian = "org:shuqian-village"
		p.key("\x1b")
		p.clickNodeAt(shuqian, 0)
		p.waitPanel(shuqian)
		p.click(`[data-testid=path-from-button]`)
		p.clickNodeAt(shengdun, 0)
		p.waitPanel(shengdun)
		p.click(`[data-testid=path-to-button]`)
		p.waitFor("the path", `document.querySelector('[data-testid=path-status]').dataset.length === '1'`, uiTimeout)
		p.idle()
		var st struct{ Bar, Status string }
		p.eval(`({bar: document.querySelector('[data-testid=path-status]').textContent, status: document.querySelector('[data-testid=status]').textContent})`, &st)
		if !strings.Contains(st.Bar, ": 1 hop ·") || st.Status != "Path of 1 hop highlighted." {
			t.Errorf("path bar %q, status %q; want 1 hop, singular", st.Bar, st.Status)
		}
		p.click(`[data-testid=path-clear-button]`)
	})

	t.Run("EnglishNamesKeepEnglishLabels", func(t *testing.T) {
		p := s.page(t)
		p.open(page+"?names=en", 1600)
		checkLabels(t, p, map[string]*regexp.Regexp{
			"SUB_ORGANISATION_OF": regexp.MustCompile(`^sub-organisation of$`),
			"MEMBER_OF":           regexp.MustCompile(`^(member|co-builder|lead)$`),
			"MENTORS":             regexp.MustCompile(`^mentors$`),
		})
		var wrap string
		p.eval(`orgnetExplore.cy.getElementById('org:yuelin-party-working-committee').style('text-overflow-wrap')`, &wrap)
		if wrap != "whitespace" {
			t.Errorf("English names wrap %q, want between words", wrap)
		}
		hoverEdge(t, p, "sub-organisation of", "SUB_ORGANISATION_OF", "edge-tooltip-en.png")
	})

	t.Run("NoPageErrors", func(t *testing.T) {
		_, problems := s.page(t).snapshot()
		for _, msg := range problems {
			t.Errorf("page error: %s", msg)
		}
	})
}

// checkLabels checks the label every edge of the listed types is drawn with
// once labelled, and that no drawn label is a raw type.
func checkLabels(t *testing.T, p *browserPage, want map[string]*regexp.Regexp) {
	t.Helper()
	var edges []struct{ ID, Type, Label string }
	p.eval(`(() => { const cy = orgnetExplore.cy; cy.edges().addClass('labelled');
	  const out = cy.edges().map(e => ({id: e.id(), type: e.data('type'), label: e.style('label')}));
	  cy.edges().removeClass('labelled'); return out; })()`, &edges)
	seen := map[string]int{}
	for _, e := range edges {
		if re, ok := want[e.Type]; ok {
			seen[e.Type]++
			if !re.MatchString(e.Label) {
				t.Errorf("%s is labelled %q, want %v", e.ID, e.Label, re)
			}
		}
		if e.Label == e.Type || e.Label == "" {
			t.Errorf("%s is labelled %q", e.ID, e.Label)
		}
	}
	for typ := range want {
		if seen[typ] == 0 {
			t.Errorf("no %s edge drawn", typ)
		}
	}
}

// hoverEdge moves the mouse onto a line of type typ (at a point of it no node
// covers) and checks the tooltip names the relation and its type.
func hoverEdge(t *testing.T, p *browserPage, label, typ, shot string) {
	t.Helper()
	p.key("\x1b")
	p.idle()
	var pt struct {
		ID   string
		X, Y float64
	}
	p.eval(fmt.Sprintf(`(() => { const cy = orgnetExplore.cy; const r = cy.container().getBoundingClientRect();
	  const nodes = cy.nodes(':visible').map(n => n.renderedBoundingBox({includeLabels: true}));
	  for (const e of cy.edges('[type = %q]:visible').toArray()) {
	    if (Number(e.style('opacity')) < 0.5) continue;
	    const m = e.renderedMidpoint();
	    if (m.x < 30 || m.y < 30 || m.x > cy.width() - 30 || m.y > cy.height() - 30) continue;
	    if (nodes.some(b => m.x > b.x1 - 6 && m.x < b.x2 + 6 && m.y > b.y1 - 6 && m.y < b.y2 + 6)) continue;
	    return {id: e.id(), x: r.left + m.x, y: r.top + m.y};
	  }
	  return {id: ''}; })()`, typ), &pt)
	if pt.ID == "" {
		t.Fatalf("no %s line with a free point to hover", typ)
	}
	p.canvasPoint(pt.X, pt.Y)
	p.moveTo(pt.X, pt.Y)
	p.waitFor("the tooltip of "+pt.ID, fmt.Sprintf(`(() => { const tip = document.querySelector('[data-testid=edge-tooltip]');
	  return !tip.hidden && tip.dataset.edgeId === %q; })()`, pt.ID), uiTimeout)
	var text string
	p.eval(`document.querySelector('[data-testid=edge-tooltip]').textContent`, &text)
	if !strings.Contains(text, label) || !strings.Contains(text, typ) {
		t.Errorf("tooltip of %s reads %q; want %q and %q", pt.ID, text, label, typ)
	}
	p.screenshot(shot)
	p.moveTo(5, 5)
}
