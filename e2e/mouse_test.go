package e2e

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// A person's hand on the page: the mouse goes to where an element is drawn and
// clicks there; the keyboard types into what has the focus. Before a click the
// element must be on screen and be what document.elementFromPoint finds at
// that point, so that a control hidden under the canvas, clipped by its
// container or scrolled away fails the test instead of being clicked through
// the DOM.

// elementBox is where an element is drawn, in CSS pixels of the viewport.
type elementBox struct {
	X, Y, Left, Top, Right, Bottom float64
	Problem                        string
}

// boxJS finds the element matching sel and checks that it is displayed,
// inside the viewport and not covered at its centre.
const boxJS = `((sel) => {
  const el = document.querySelector(sel);
  if (!el) return {problem: 'no element matches ' + sel};
  const b = el.getBoundingClientRect();
  if (b.width === 0 || b.height === 0) return {problem: sel + ' is not displayed'};
  const x = b.left + b.width / 2, y = b.top + b.height / 2;
  const box = {x, y, left: b.left, top: b.top, right: b.right, bottom: b.bottom};
  const r = (v) => Math.round(v);
  if (b.left < -0.5 || b.top < -0.5 || b.right > innerWidth + 0.5 || b.bottom > innerHeight + 0.5) {
    return {...box, problem: sel + ' is outside the ' + innerWidth + 'x' + innerHeight + ' viewport at [' + [b.left, b.top, b.right, b.bottom].map(r) + ']'};
  }
  const at = document.elementFromPoint(x, y);
  if (!at || !(at === el || el.contains(at))) {
    const name = (e) => e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '') : 'nothing';
    return {...box, problem: sel + ' is covered at (' + r(x) + ', ' + r(y) + ') by ' + name(at)};
  }
  return box;
})`

// box returns where the element matching sel is drawn, with a problem if a
// person could not click it.
func (p *browserPage) box(sel string) elementBox {
	p.t.Helper()
	var b elementBox
	p.eval(fmt.Sprintf(`%s(%q)`, boxJS, sel), &b)
	return b
}

// pointAt is the centre of the element matching sel, failing the test unless
// a person could click it there.
func (p *browserPage) pointAt(sel string) (x, y float64) {
	p.t.Helper()
	b := p.box(sel)
	if b.Problem != "" {
		p.t.Fatalf("cannot click: %s", b.Problem)
	}
	return b.X, b.Y
}

// mouse dispatches one mouse event at (x, y) in the viewport.
func (p *browserPage) mouse(typ input.DispatchMouseEventType, x, y float64, modifiers int64, clicks int64) {
	p.t.Helper()
	ev := input.DispatchMouseEventParams{Type: typ, X: x, Y: y, Modifiers: modifiers, PointerType: input.DispatchMouseEventPointerTypeMouse}
	if typ != input.DispatchMouseEventTypeMouseMoved {
		ev.Button = input.MouseButtonLeft
		ev.ClickCount = clicks
		if typ == input.DispatchMouseEventTypeMousePressed {
			ev.Buttons = 1
		}
	}
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, ev); err != nil {
		p.t.Fatalf("mouse %s at (%.0f, %.0f): %v", typ, x, y, err)
	}
}

// moveTo moves the mouse to (x, y), from a few pixels away (so that the page
// sees the pointer arrive).
func (p *browserPage) moveTo(x, y float64) {
	p.t.Helper()
	p.mouse(input.DispatchMouseEventTypeMouseMoved, x-6, y-4, 0, 0)
	p.mouse(input.DispatchMouseEventTypeMouseMoved, x, y, 0, 0)
}

// clickAt moves the mouse to (x, y) and clicks the left button there.
func (p *browserPage) clickAt(x, y float64, modifiers int64) {
	p.t.Helper()
	p.moveTo(x, y)
	p.mouse(input.DispatchMouseEventTypeMousePressed, x, y, modifiers, 1)
	p.mouse(input.DispatchMouseEventTypeMouseReleased, x, y, modifiers, 1)
}

// doubleClickAt double-clicks at (x, y): two clicks, the second counted as such.
func (p *browserPage) doubleClickAt(x, y float64) {
	p.t.Helper()
	p.clickAt(x, y, 0)
	p.mouse(input.DispatchMouseEventTypeMousePressed, x, y, 0, 2)
	p.mouse(input.DispatchMouseEventTypeMouseReleased, x, y, 0, 2)
}

// click clicks the element matching sel at the centre of where it is drawn.
func (p *browserPage) click(sel string) {
	p.t.Helper()
	x, y := p.pointAt(sel)
	p.clickAt(x, y, 0)
}

// canvasPoint checks that (x, y) is on the diagram, not under the toolbar,
// the panel or a dropdown.
func (p *browserPage) canvasPoint(x, y float64) {
	p.t.Helper()
	var on bool
	p.eval(fmt.Sprintf(`(() => { const at = document.elementFromPoint(%f, %f);
	  return !!at && document.querySelector('[data-testid=graph]').contains(at); })()`, x, y), &on)
	if !on {
		p.t.Fatalf("(%.0f, %.0f) is not on the diagram: something covers it", x, y)
	}
}

// clickNodeAt clicks a node where it is drawn, checking the diagram is what
// lies under the pointer.
func (p *browserPage) clickNodeAt(id string, modifiers int64) {
	p.t.Helper()
	p.idle() // a node still moving would be missed
	x, y := p.nodePoint(id)
	p.canvasPoint(x, y)
	p.clickAt(x, y, modifiers)
}

// selectAll is Ctrl+A as an editing command (headless Chromium runs no
// keyboard shortcuts of its own).
func selectAll(k *input.DispatchKeyEventParams) {
	if k.Type == input.DispatchKeyEventTypeKeyDown || k.Type == input.DispatchKeyEventTypeRawKeyDown {
		k.Commands = []string{"selectAll"}
	}
}

// typeText types text with the keyboard into what has the focus. Chinese is
// committed the way an input method commits it (Input.insertText); ASCII,
// Enter ("\r") included, is typed key by key.
func (p *browserPage) typeText(text string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	runs := []rune(text)
	for i := 0; i < len(runs); {
		j := i
		ascii := runs[i] <= unicode.MaxASCII
		for j < len(runs) && (runs[j] <= unicode.MaxASCII) == ascii {
			j++
		}
		part := string(runs[i:j])
		var err error
		if ascii {
			err = chromedp.Do(ctx, chromedp.KeyEvent(part))
		} else {
			_, err = chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: part})
		}
		if err != nil {
			p.t.Fatalf("type %q: %v", part, err)
		}
		i = j
	}
}

// typeInto clicks the text box matching sel, selects what it holds and types
// text over it.
func (p *browserPage) typeInto(sel, text string) {
	p.t.Helper()
	p.click(sel)
	p.do("select all and delete",
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl), selectAll),
		chromedp.KeyEvent("\b"),
	)
	p.typeText(text)
}

// key presses one key (e.g. "\r" for Enter, "\x1b" for Escape).
func (p *browserPage) key(k string) {
	p.t.Helper()
	p.do("key "+fmt.Sprintf("%q", k), chromedp.KeyEvent(k))
}

// choose picks an option of the <select> with this data-testid as a person
// does with the keyboard: a click on the name of the control (its <label>)
// focuses it without opening its list, and the arrow keys move to the
// option, which takes it. (Chromium's open list is a window of its own, which
// the key events of the page do not reach: clicking the box itself would
// leave the list open over the page.)
func (p *browserPage) choose(testid, value string) {
	p.t.Helper()
	sel := `[data-testid=` + testid + `]`
	var st struct {
		From, To int
		X, Y     float64
		Problem  string
	}
	p.eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q); const opts = [...s.options].filter(o => !o.disabled);
	  const out = {from: opts.findIndex(o => o.value === s.value), to: opts.findIndex(o => o.value === %q)};
	  const label = s.closest('label');
	  const text = label && [...label.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
	  if (!text) return {...out, problem: 'no label names ' + %q};
	  const range = document.createRange(); range.selectNodeContents(text);
	  const r = range.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;
	  const at = document.elementFromPoint(x, y);
	  if (at !== label) return {...out, problem: 'the label of ' + %q + ' is covered'};
	  return {...out, x, y}; })()`, sel, value, sel, sel), &st)
	if st.Problem != "" {
		p.t.Fatal(st.Problem)
	}
	if st.To < 0 {
		p.t.Fatalf("%s has no enabled option %q", sel, value)
	}
	p.clickAt(st.X, st.Y, 0)
	var focused bool
	p.eval(fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel), &focused)
	if !focused {
		p.t.Fatalf("clicking its label did not focus %s", sel)
	}
	step := kb.ArrowDown
	n := st.To - st.From
	if n < 0 {
		step, n = kb.ArrowUp, -n
	}
	for range n {
		p.key(step)
	}
	var got string
	p.eval(fmt.Sprintf(`document.querySelector(%q).value`, sel), &got)
	if got != value {
		p.t.Fatalf("%s: chose %q, want %q", sel, got, value)
	}
}

// nodePoint is where a node is drawn, in page coordinates, after making sure
// it is on screen (the view is centred on it when it is not).
func (p *browserPage) nodePoint(id string) (x, y float64) {
	p.t.Helper()
	var pt struct {
		X, Y float64
		OK   bool
	}
	p.eval(fmt.Sprintf(`(async () => {
  const cy = orgnetExplore.cy;
  const n = cy.getElementById(%q);
  if (n.empty() || !n.visible()) return {ok: false};
  const inside = () => {
    const p = n.renderedPosition();
    return p.x > 20 && p.y > 20 && p.x < cy.width() - 20 && p.y < cy.height() - 20;
  };
  if (!inside()) { cy.stop(); cy.center(n); }
  const p = n.renderedPosition();
  const r = cy.container().getBoundingClientRect();
  return {x: r.left + p.x, y: r.top + p.y, ok: true};
})()`, id), &pt)
	if !pt.OK {
		p.t.Fatalf("node %s is not drawn", id)
	}
	return pt.X, pt.Y
}
