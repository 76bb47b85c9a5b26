package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orgnet/orgnet/web"
)

// TestGraphiQLTabsRunWithTheMouse opens GraphiQL as a person does, picks each
// tab built into the page (web/graphiql/src/tabs.json) from the Examples
// panel with the mouse, runs it with the ▶ button and reads the answer: data,
// no errors. (Their answers are checked in server/graphiql_tabs_test.go.)
func TestGraphiQLTabsRunWithTheMouse(t *testing.T) {
	chromiumPath(t)
	checkCJKFonts(t)
	var tabs []struct{ Name, Query string }
	if err := json.Unmarshal(web.GraphiQLTabs(), &tabs); err != nil {
		t.Fatal(err)
	}
	a := startApp(t)
	u, _ := url.Parse(a.srv.URL)
	s := openBrowser(t, u.Hostname())
	p := s.page(t)
	p.do("open /graphiql/", chromedp.EmulateViewport(1600, viewportH), chromedp.Navigate(a.srv.URL+"/graphiql/"))
	p.waitFor("GraphiQL's tabs", `document.querySelectorAll('.graphiql-tab').length > 3`, 3*uiTimeout)
	p.click(`.graphiql-sidebar button[aria-label="Show Examples"]`)
	p.waitFor("the Examples panel", `document.querySelector('.orgnet-examples button')`, uiTimeout)
	for i, tab := range tabs {
		t.Run(tab.Name, func(t *testing.T) {
			p := s.page(t)
			op := strings.Fields(tab.Query)[1]
			op, _, _ = strings.Cut(op, "(")
			var n int
			p.eval(fmt.Sprintf(`[...document.querySelectorAll('.orgnet-examples li button')].findIndex(b => b.textContent === %q)`, tab.Name), &n)
			if n < 0 {
				t.Fatalf("the Examples panel does not list %q", tab.Name)
			}
			p.click(fmt.Sprintf(`.orgnet-examples li:nth-child(%d) button`, n+1))
			p.waitFor("its tab", fmt.Sprintf(`(document.querySelector('.graphiql-tab-active .graphiql-tab-button') || {}).textContent === %q`, op), uiTimeout)
			// GraphiQL takes the operation's name from the editor 100 ms after
			// its text changes (@graphiql/react operation-editor.js, debounced):
			// a ▶ pressed sooner runs the name of the tab before. A person's
			// hand is slower than that; so is this one.
			time.Sleep(300 * time.Millisecond)
			p.click(`.graphiql-execute-button`)
			p.waitFor("the answer", `/"data"|"errors"/.test((document.querySelector('.graphiql-response') || {}).textContent || '')`, 3*uiTimeout)
			var answer string
			p.eval(`document.querySelector('.graphiql-response').textContent`, &answer)
			if strings.Contains(answer, `"errors"`) || !strings.Contains(answer, `"data"`) {
				t.Errorf("tab %s answers %.300s", op, answer)
			}
			p.screenshot(fmt.Sprintf("graphiql-tab-%d.png", i+1))
		})
	}
	t.Run("NoPageErrors", func(t *testing.T) {
		_, problems := s.page(t).snapshot()
		for _, msg := range problems {
			t.Errorf("page error: %s", msg)
		}
	})
}
