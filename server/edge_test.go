package server_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

func TestAllowedHostPatterns(t *testing.T) {
	env := edgeEnv{store: testenv.Memory(t), name: "memory"}
	cases := []struct {
		allowed []string
		host    string
		ok      bool
	}{
		{server.DefaultAllowedHosts("127.0.0.1:8080"), "127.0.0.1:8080", true},
		{server.DefaultAllowedHosts("127.0.0.1:8080"), "localhost", true},
		{server.DefaultAllowedHosts("127.0.0.1:8080"), "[::1]:443", true},
		{server.DefaultAllowedHosts("127.0.0.1:8080"), "localhost.", true},
		{server.DefaultAllowedHosts("127.0.0.1:8080"), "evil.example", false},
		{server.DefaultAllowedHosts("127.0.0.1:8080"), "", false},
		{server.DefaultAllowedHosts("192.0.2.10:8080"), "192.0.2.10:8080", true},
		{server.DefaultAllowedHosts("192.0.2.10:8080"), "192.0.2.11:8080", false},
		{server.DefaultAllowedHosts("0.0.0.0:8080"), "127.0.0.1:8080", true}, // loopback is an interface address too
		{[]string{"orgnet.example.org"}, "ORGNET.example.org:443", true},
		{[]string{"orgnet.example.org"}, "example.org", false},
		{[]string{"*.example.org"}, "a.b.example.org", true},
		{[]string{"*.example.org"}, "example.org", false},
		{[]string{"*.example.org"}, "evilexample.org", false},
		{[]string{"*"}, "anything.example", true},
	}
	for _, c := range cases {
		h, _ := env.app(func(cfg *server.Config) { cfg.Security.AllowedHosts = c.allowed })
		r := postAs(h, cheapQuery, "", "Host", c.host)
		if got := r.status != http.StatusMisdirectedRequest; got != c.ok {
			t.Errorf("allowed %v, Host %q: status %d; want allowed %v", c.allowed, c.host, r.status, c.ok)
		}
	}
	for _, bad := range []string{"", "http://x.example", "x.example/path", "a*b.example"} {
		if err := server.ValidateHostPattern(bad); err == nil {
			t.Errorf("ValidateHostPattern(%q) accepted", bad)
		}
	}
	for _, good := range []string{"orgnet.example.org", "*.example.org", "*", "192.0.2.1", "[::1]", "::1"} {
		if err := server.ValidateHostPattern(good); err != nil {
			t.Errorf("ValidateHostPattern(%q): %v", good, err)
		}
	}
	if hs := server.DefaultAllowedHosts("0.0.0.0:8080"); !slices.Contains(hs, "localhost") || !slices.Contains(hs, "127.0.0.1") {
		t.Errorf("DefaultAllowedHosts(0.0.0.0:8080) = %v", hs)
	}
}

func TestParseCIDRs(t *testing.T) {
	ns, err := server.ParseCIDRs([]string{"10.0.0.0/8", " 192.0.2.7 ", "", "2001:db8::/32", "::1"})
	if err != nil || len(ns) != 4 {
		t.Fatalf("ParseCIDRs = %v, %v", ns, err)
	}
	if got := ns[1].String(); got != "192.0.2.7/32" {
		t.Errorf("a single address = %s; want 192.0.2.7/32", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0"} {
		if _, err := server.ParseCIDRs([]string{bad}); err == nil {
			t.Errorf("ParseCIDRs(%q) accepted", bad)
		}
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:1": true, "[::1]:80": true, "127.1.2.3:80": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "192.0.2.1:8080": false, "orgnet.example:80": false} {
		if got := server.IsLoopbackAddr(addr); got != want {
			t.Errorf("IsLoopbackAddr(%q) = %v; want %v", addr, got, want)
		}
	}
}

// TestTimeoutAllowances: the server's ReadTimeout (the request timeout)
// cuts a slow /graphql body, but an admin's import may take its own
// --import-timeout to upload, and a websocket outlives both.
func TestTimeoutAllowances(t *testing.T) {
	f := newSecFixture(t)
	env := edgeEnv{store: testenv.Memory(t), name: "memory"}
	ts := env.live(t, func(c *server.Config) {
		c.RequestTimeout = 300 * time.Millisecond
		c.ImportTimeout = 20 * time.Second
		c.Security = server.Security{Auth: f.authn(t, false, auth.RoleViewer), AdminPaths: []string{"/import"}}
	})
	slow := func(body []byte) io.Reader {
		pr, pw := io.Pipe()
		go func() {
			for i := range 4 { // four pieces 250 ms apart: 750 ms in all
				time.Sleep(250 * time.Millisecond)
				n := len(body) * (i + 1) / 4
				if _, err := pw.Write(body[len(body)*i/4 : n]); err != nil {
					return
				}
			}
			pw.Close()
		}()
		return pr
	}
	js := exampleJSON(t)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/import?dryRun=true&format=json", slow(js))
	req.Header.Set("Authorization", "Bearer "+adminTok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("slow import: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("an import uploaded over 750 ms with a 300 ms request timeout: %d %s", resp.StatusCode, b)
	}
	// The same pace on /graphql is cut.
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/graphql", slow([]byte(`{"query":"{ stats { nodes } }"}`)))
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), gql.CodeBadUserInput) {
			t.Errorf("a slow /graphql body: %d %s; want 408 BAD_USER_INPUT", resp.StatusCode, b)
		}
	}
	// A websocket is not cut by the connection's deadlines.
	w := mustDial(t, ts.URL, nil)
	time.Sleep(time.Second)
	if r, err := w.do(cheapQuery, 5*time.Second); err != nil || len(r.Errors) > 0 {
		t.Fatalf("websocket after 1 s with a 300 ms request timeout: %v %+v", err, r.Errors)
	}
}

// TestWebsocketTokenRecheck: a JWT that expires while its socket is open
// stops working for the next operation, as it would over HTTP.
func TestWebsocketTokenRecheck(t *testing.T) {
	f := newSecFixture(t)
	env := edgeEnv{store: testenv.Memory(t), name: "memory"}
	ts := env.live(t, func(c *server.Config) {
		c.Security = server.Security{Auth: f.authn(t, false, auth.RoleNone)}
	})
	exp := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second) // a whole second, ≥ 2 s away
	tok := f.hs256(t, map[string]any{"sub": "short-lived", "role": "viewer", "exp": exp.Unix(), "iss": "orgnet-test", "aud": "orgnet"}, jwtSecret)
	w := mustDial(t, ts.URL, map[string]any{"Authorization": "Bearer " + tok})
	if r, err := w.do(cheapQuery, 5*time.Second); err != nil || len(r.Errors) > 0 {
		t.Fatalf("before expiry: %v %+v", err, r.Errors)
	}
	time.Sleep(time.Until(exp) + 200*time.Millisecond)
	r, err := w.do(cheapQuery, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "after expiry", r, 0, gql.CodeUnauthenticated, "Authorization: Bearer")
	// A viewer's token is still checked for its role.
	w = mustDial(t, ts.URL, map[string]any{"Authorization": "Bearer " + viewerTok})
	r, err = w.do(createProbe, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, "viewer mutation over a websocket", r, 0, gql.CodeForbidden, "needs role editor")
}
