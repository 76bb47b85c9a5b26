package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// Helpers of the planning mode's browser tests (plan_test.go,
// plan_bench_test.go): the servers, scrolling the panel with the wheel, and
// reading what the planning view draws.

// planApps are two servers on one store and one change broker: an
// anonymous editor (as `orgnet serve` on loopback) and an anonymous viewer.
func planApps(t *testing.T) (editor, viewer *app) {
	t.Helper()
	store := testenv.Memory(t)
	if _, err := store.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	b := gql.NewBroker()
	mk := func(role auth.Role) *app {
		h := server.New(server.Config{Store: store, StoreName: "memory", Broker: b, Logger: slog.New(slog.DiscardHandler),
			Security: server.Security{Auth: auth.Anonymous(role), AllowedHosts: server.DefaultAllowedHosts("127.0.0.1:0")}})
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return &app{t: t, srv: srv}
	}
	return mk(auth.RoleEditor), mk(auth.RoleViewer)
}

// wheelTo scrolls the planning panel with the mouse wheel until the element
// matching sel is on screen (a person scrolls the panel to reach it).
func (p *browserPage) wheelTo(sel string) {
	p.t.Helper()
	for range 60 {
		b := p.box(sel)
		if b.Problem == "" {
			return
		}
		if !strings.Contains(b.Problem, "outside") {
			p.t.Fatalf("cannot reach %s: %s", sel, b.Problem)
		}
		var c struct{ X, Y float64 }
		p.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); let s = el.parentElement;
		  while (s && !(s.scrollHeight > s.clientHeight && getComputedStyle(s).overflowY !== 'visible')) s = s.parentElement;
		  const r = (s || document.body).getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + 40}; })()`, sel), &c)
		dy := 300.0
		if b.Top < 0 {
			dy = -300
		}
		ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
		// Chromium wants deltaX too, and the parameters omit a zero: half a
		// pixel sideways scrolls nothing.
		_, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: input.DispatchMouseEventTypeMouseWheel, X: c.X, Y: c.Y, DeltaX: 0.5, DeltaY: dy, PointerType: input.DispatchMouseEventPointerTypeMouse})
		cancel()
		if err != nil {
			p.t.Fatalf("wheel: %v", err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	p.t.Fatalf("%s is still off screen after scrolling", sel)
}

// press scrolls to a control of the planning panel and clicks it.
func (p *browserPage) press(sel string) {
	p.t.Helper()
	p.wheelTo(sel)
	p.click(sel)
}

// planWait waits for a predicate of the planning mode, telling what the
// panel says when it does not come.
func (p *browserPage) planWait(what, predicate string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 3*uiTimeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+predicate+")",
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(3*uiTimeout)))
	if err != nil {
		var say struct{ Message, Status string }
		p.eval(`({message: document.querySelector('[data-testid=plan-message]').textContent, status: document.querySelector('[data-testid=status]').textContent})`, &say)
		p.screenshot("plan-failed.png")
		p.t.Fatalf("waiting for %s: %v; the panel says %q, the status %q", what, err, say.Message, say.Status)
	}
}

// planDone waits for the planning mode's last action and the drawing.
func (p *browserPage) planDone() {
	p.t.Helper()
	p.eval(`orgnetExplore.plan.done().then(() => true, () => true)`, nil)
	p.idle()
}

// planDrawn is what the planning view draws.
type planDrawn struct {
	Groups   []string            // compound nodes shown (alliances with members drawn)
	Members  map[string][]string // group → units in it
	Moved    []string            // units with the moved class
	Badges   map[string]string   // moved unit → its badge ("← …")
	Added    []string            // pairing edges drawn as added
	Ended    []string            // pairing edges drawn as ended
	Shown    []string            // pairing edges shown
	Units    int
	Errors   []string
	Message  string
	Scenario string
}

func (p *browserPage) planDrawn() planDrawn {
	p.t.Helper()
	var d planDrawn
	p.eval(`(() => { const cy = orgnetExplore.cy; const members = {};
	  const groups = cy.nodes('.plan-group').filter(g => g.visible() && g.isParent());
	  groups.forEach(g => { members[g.id()] = g.children().map(n => n.id()).sort(); });
	  const badges = {}; cy.nodes('.moved').forEach(n => { badges[n.id()] = n.data('badge') || ''; });
	  const P = orgnetExplore.state.plan;
	  return {groups: groups.map(g => g.id()).sort(), members,
	    moved: cy.nodes('.moved').map(n => n.id()).sort(), badges,
	    added: cy.edges('.plan-pairing.added').filter(e => e.visible()).map(e => e.id()).sort(),
	    ended: cy.edges('.plan-pairing.ended').filter(e => e.visible()).map(e => e.id()).sort(),
	    shown: cy.edges('.plan-pairing').filter(e => e.visible()).map(e => e.id()).sort(),
	    units: cy.nodes('.plan-unit').length, errors: orgnetExplore.state.errors,
	    message: document.querySelector('[data-testid=plan-message]').textContent,
	    scenario: P.scenario ? P.scenario.id : ''}; })()`, &d)
	return d
}

// planResult is the part of a SimulationResult the test compares.
type planResult struct {
	Alliances []struct {
		ID      string
		Name    string
		Members []struct{ ID string }
	}
	Moves []struct {
		Unit struct{ ID string }
		From *struct{ ID, Name string }
	}
	PairingChanges struct {
		Kept, Added, Ended []struct{ Mentor, Mentee struct{ ID string } }
	}
	Comparison []struct{ Key string }
}

const planFields = `alliances { id name members { id } } moves { unit { id } from { id name } }
  pairingChanges { kept { mentor { id } mentee { id } } added { mentor { id } mentee { id } } ended { mentor { id } mentee { id } } }
  comparison { key }`

func pairIDs(ps []struct{ Mentor, Mentee struct{ ID string } }) []string {
	var out []string
	for _, p := range ps {
		out = append(out, "pairing:"+p.Mentor.ID+"->"+p.Mentee.ID)
	}
	return sorted(out)
}

// checkDrawn compares the planning view with a plan: a group per planned
// alliance holding exactly its members, the moved units marked with where
// they came from, the added and ended pairings drawn as such.
func checkDrawn(t *testing.T, d planDrawn, r planResult) {
	t.Helper()
	var want []string
	for _, a := range r.Alliances {
		want = append(want, a.ID)
		var m []string
		for _, x := range a.Members {
			m = append(m, x.ID)
		}
		if got := d.Members[a.ID]; !slices.Equal(got, sorted(m)) {
			t.Errorf("group %s (%s) holds %v; the plan says %v", a.ID, a.Name, got, sorted(m))
		}
	}
	if !slices.Equal(d.Groups, sorted(want)) {
		t.Errorf("%d groups drawn %v; the plan has %d alliances %v", len(d.Groups), d.Groups, len(want), sorted(want))
	}
	var moved []string
	for _, mv := range r.Moves {
		moved = append(moved, mv.Unit.ID)
		if mv.From != nil && !strings.HasPrefix(d.Badges[mv.Unit.ID], "← "+strings.TrimSuffix(mv.From.Name, "区域党建联合体")) {
			t.Errorf("moved unit %s is labelled %q; want it to say it came from %s", mv.Unit.ID, d.Badges[mv.Unit.ID], mv.From.Name)
		}
	}
	if !slices.Equal(d.Moved, sorted(moved)) {
		t.Errorf("units drawn as moved %v; the plan moves %v", d.Moved, sorted(moved))
	}
	if got, want := d.Added, pairIDs(r.PairingChanges.Added); !slices.Equal(got, want) {
		t.Errorf("pairings drawn as added %v; the plan adds %v", got, want)
	}
	if got, want := d.Ended, pairIDs(r.PairingChanges.Ended); !slices.Equal(got, want) {
		t.Errorf("pairings drawn as ended %v; the plan ends %v", got, want)
	}
	all := append(append(pairIDs(r.PairingChanges.Kept), pairIDs(r.PairingChanges.Added)...), pairIDs(r.PairingChanges.Ended)...)
	if !slices.Equal(d.Shown, sorted(all)) {
		t.Errorf("pairings shown %v; want kept, added and ended %v", d.Shown, sorted(all))
	}
}

// waitFile waits for a download to be written.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(uiTimeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b
		}
		time.Sleep(50 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	t.Fatalf("%s was not downloaded (dir has %v)", path, entries)
	return nil
}
