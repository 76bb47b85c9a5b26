package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// The hostile-input suite's edge cases (issue #15, rows 3, 4, 5, 7, 10, 11):
// who may write when exposed, who the caller is, websockets held to the
// HTTP rules, Host and Origin, slow bodies, and a 401 that says how to get
// in. Each case runs on both stores, asserts the refusal (status, code,
// message) and that the store is the same after it as before (Snapshot
// JSON), like TestHostileInput.

// edgeEnv builds servers over one seeded store.
type edgeEnv struct {
	store graph.Store
	name  string
}

func (e edgeEnv) app(mut func(*server.Config)) (http.Handler, server.Config) {
	cfg := server.Config{Store: e.store, StoreName: e.name, Broker: gql.NewBroker(), Logger: slog.New(slog.DiscardHandler)}
	if mut != nil {
		mut(&cfg)
	}
	return server.New(cfg), cfg
}

// live serves the app on a loopback listener with the http.Server orgnet
// serve uses (its timeouts).
func (e edgeEnv) live(t testing.TB, mut func(*server.Config)) *httptest.Server {
	t.Helper()
	app, cfg := e.app(mut)
	ts := httptest.NewUnstartedServer(app)
	ts.Config = server.NewHTTPServer(app, cfg.RequestTimeout)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// postAs sends one GraphQL request as the peer remote with extra headers.
func postAs(h http.Handler, query, remote string, header ...string) gqlResponse {
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if remote != "" {
		req.RemoteAddr = remote
	}
	for i := 0; i+1 < len(header); i += 2 {
		if strings.EqualFold(header[i], "Host") {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r gqlResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &r)
	r.status = rec.Code
	return r
}

func (r gqlResponse) message() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Message
}

// wantRefusal checks status, code and that the message says what it must.
func wantRefusal(t *testing.T, what string, r gqlResponse, status int, code string, says ...string) {
	t.Helper()
	if status != 0 && r.status != status || r.code() != code {
		t.Fatalf("%s: status %d code %q (%s); want %d %s", what, r.status, r.code(), r.message(), status, code)
	}
	for _, s := range says {
		if !strings.Contains(r.message(), s) {
			t.Errorf("%s: message %q does not say %q", what, r.message(), s)
		}
	}
}

// flood sends n requests at once, the i-th with header(i), and counts the
// statuses.
func flood(h http.Handler, n int, query string, header func(i int) []string) map[int]int {
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := postAs(h, query, "192.0.2.1:40000", header(i)...)
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return counts
}

const (
	cheapQuery  = `{ stats { nodes } }`
	deleteAll   = `mutation { deleteOrganisation(id: "org:yuelin-party-working-committee", cascade: true) { deletedIds } }`
	createProbe = `mutation { createOrganisation(input: {id: "org:edge-probe", kind: PARTY_BRANCH, name: "探针", parentId: "org:yuelin-party-working-committee"}) { id } }`
	slowProbeID = "org:slow-probe"
)

// slowProbe is a field interceptor that holds any field called with id
// slowProbeID until its context ends, and reports how it ended: a stand-in
// for a slow store call that does not depend on the store.
type slowProbe struct{ ended chan error }

func (*slowProbe) ExtensionName() string                   { return "SlowProbe" }
func (*slowProbe) Validate(graphql.ExecutableSchema) error { return nil }
func (p *slowProbe) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Args["id"] == slowProbeID {
		_, hasDeadline := ctx.Deadline()
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Second):
		}
		err := ctx.Err()
		if !hasDeadline {
			err = errors.New("no deadline")
		}
		p.ended <- err
		return nil, ctx.Err()
	}
	return next(ctx)
}

type edgeCase struct {
	name string
	run  func(t *testing.T, e edgeEnv)
}

func edgeCases() []edgeCase {
	return []edgeCase{
		{"anonymous write refused off loopback", func(t *testing.T, e edgeEnv) {
			// What orgnet serve gives callers without a token on a network
			// address (its start-up refusal of an anonymous editor there is
			// TestServeRefusesAnonymousWritesOnNetwork in cmd/orgnet).
			h, _ := e.app(func(c *server.Config) { c.Security.Auth = auth.Anonymous(auth.RoleViewer) })
			// No Accept header: application/graphql-response+json, under
			// which an operation refused before it ran is a 403
			// (TestGraphQLOverHTTP has the application/json 200).
			wantRefusal(t, "anonymous delete", postAs(h, deleteAll, ""), http.StatusForbidden, gql.CodeForbidden, "needs role editor", "you are viewer")
		}},
		{"spoofed X-Forwarded-For does not change the rate-limit key", func(t *testing.T, e edgeEnv) {
			sec := server.Security{Auth: auth.Anonymous(auth.RoleViewer), RateLimit: 1, RateBurst: 20}
			for _, c := range []struct {
				name   string
				header func(i int) []string
			}{
				{"no header", func(int) []string { return nil }},
				{"X-Forwarded-For", func(i int) []string { return []string{"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i%250)} }},
				{"X-Real-IP", func(i int) []string { return []string{"X-Real-IP", fmt.Sprintf("198.51.100.%d", i%250)} }},
				{"guessed tokens", func(i int) []string {
					return []string{"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i%250), "Authorization", fmt.Sprintf("Bearer guess-%d-0123456789", i)}
				}},
			} {
				h, _ := e.app(func(c *server.Config) { c.Security = sec })
				start := time.Now()
				counts := flood(h, 400, cheapQuery, c.header)
				// At most the burst plus what refilled while the flood ran.
				passed := 400 - counts[http.StatusTooManyRequests]
				if most := 20 + int(time.Since(start).Seconds()) + 1; passed > most {
					t.Errorf("%s: %d of 400 got through (%v); want at most %d", c.name, passed, counts, most)
				}
				t.Logf("%s: 400 parallel requests from one peer: %v", c.name, counts)
			}
		}},
		{"X-Forwarded-For from a trusted proxy names the caller", func(t *testing.T, e edgeEnv) {
			_, proxies, _ := net.ParseCIDR("192.0.2.0/24")
			h, _ := e.app(func(c *server.Config) {
				c.Security = server.Security{Auth: auth.Anonymous(auth.RoleViewer), RateLimit: 1, RateBurst: 2, TrustedProxies: []*net.IPNet{proxies}}
			})
			counts := flood(h, 100, cheapQuery, func(i int) []string { return []string{"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)} })
			if counts[http.StatusOK] != 100 {
				t.Errorf("100 callers behind a trusted proxy, one request each: %v; want 100 × 200", counts)
			}
			// The same caller through the proxy is limited as itself.
			counts = flood(h, 10, cheapQuery, func(int) []string { return []string{"X-Forwarded-For", "203.0.113.9, 192.0.2.77"} })
			if counts[http.StatusTooManyRequests] < 7 {
				t.Errorf("one caller behind a trusted proxy, 10 requests: %v; want at least 7 × 429", counts)
			}
		}},
		{"websocket operations rate-limited from the HTTP bucket", func(t *testing.T, e edgeEnv) {
			ts := e.live(t, func(c *server.Config) {
				c.Security = server.Security{Auth: auth.Anonymous(auth.RoleViewer), RateLimit: 1, RateBurst: 5}
			})
			w := mustDial(t, ts.URL, nil)
			const n = 30
			start := time.Now()
			for i := range n {
				if err := w.subscribe(fmt.Sprint(i), cheapQuery); err != nil {
					t.Fatal(err)
				}
			}
			limited, done := 0, 0
			for done < n {
				m, err := w.read(10 * time.Second)
				if err != nil {
					t.Fatalf("after %d results: %v", done, err)
				}
				switch m.Type {
				case "next":
					var r gqlResponse
					_ = json.Unmarshal(m.Payload, &r)
					if r.code() == server.CodeRateLimited {
						limited++
					}
				case "complete":
					done++
				}
			}
			// The upgrade took one token of the burst of 5.
			if passed, most := n-limited, 4+int(time.Since(start).Seconds())+1; passed > most {
				t.Errorf("%d of %d operations over one socket ran; want at most %d", passed, n, most)
			}
			// One bucket per caller: HTTP from the same IP is limited too.
			resp, err := http.Post(ts.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ stats { nodes } }"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Errorf("HTTP after the websocket flood: %d; want 429", resp.StatusCode)
			}
		}},
		{"websocket operations role-checked", func(t *testing.T, e edgeEnv) {
			ts := e.live(t, func(c *server.Config) { c.Security.Auth = auth.Anonymous(auth.RoleViewer) })
			w := mustDial(t, ts.URL, nil)
			for _, q := range []string{deleteAll, createProbe} {
				r, err := w.do(q, 10*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				wantRefusal(t, "mutation over a websocket", r, 0, gql.CodeForbidden, "needs role editor")
			}
		}},
		{"websocket operations get the request deadline", func(t *testing.T, e edgeEnv) {
			probe := &slowProbe{ended: make(chan error, 4)}
			ts := e.live(t, func(c *server.Config) {
				c.RequestTimeout = 300 * time.Millisecond
				c.GQL.Extensions = []graphql.HandlerExtension{probe}
			})
			w := mustDial(t, ts.URL, nil)
			for _, q := range []string{
				`{ organisation(id: "` + slowProbeID + `") { id } }`,
				`mutation { deleteOrganisation(id: "` + slowProbeID + `") { deletedIds } }`,
			} {
				r, err := w.do(q, 15*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Errors) == 0 {
					t.Errorf("%s: no error after the deadline: %s", q, r.Data)
				}
				select {
				case err := <-probe.ended:
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("%s: the operation ended with %v; want the request deadline", q, err)
					}
				case <-time.After(15 * time.Second):
					t.Fatalf("%s: still running", q)
				}
			}
		}},
		{"too many websockets for one caller", func(t *testing.T, e edgeEnv) {
			ts := e.live(t, func(c *server.Config) { c.Security.MaxSockets = 2 })
			a := mustDial(t, ts.URL, nil)
			mustDial(t, ts.URL, nil)
			w, _, err := dialWS(t, ts.URL, nil, "")
			if err != nil {
				t.Fatal(err)
			}
			err = w.init(nil)
			if err == nil {
				t.Fatal("a third socket was accepted")
			}
			var ce websocket.CloseError
			code, reason := websocket.StatusCode(-1), ""
			if errors.As(err, &ce) {
				code, reason, err = ce.Code, ce.Reason, nil
			} else {
				code, reason, err = w.closed(5 * time.Second)
			}
			if err != nil || code != server.CloseTooManySockets || !strings.Contains(reason, "too many") {
				t.Fatalf("third socket closed with %d %q (%v); want %d", code, reason, err, server.CloseTooManySockets)
			}
			// Closing one frees its place.
			_ = a.c.Close(1000, "done")
			deadline := time.Now().Add(5 * time.Second)
			for {
				w, _, err := dialWS(t, ts.URL, nil, "")
				if err == nil && w.init(nil) == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no socket accepted after one was closed")
				}
				time.Sleep(50 * time.Millisecond)
			}
		}},
		{"idle websocket closed, live subscription kept", func(t *testing.T, e edgeEnv) {
			ts := e.live(t, func(c *server.Config) { c.Security.SocketIdleTimeout = time.Second })
			idle := mustDial(t, ts.URL, nil)
			live := mustDial(t, ts.URL, nil)
			if err := live.subscribe("sub", `subscription { graphChanged { kind ids } }`); err != nil {
				t.Fatal(err)
			}
			if _, _, err := idle.closed(10 * time.Second); err != nil {
				t.Fatalf("idle socket: %v", err)
			}
			time.Sleep(2500 * time.Millisecond)
			if r, err := live.do(cheapQuery, 5*time.Second); err != nil || len(r.Errors) > 0 {
				t.Fatalf("socket with a live subscription: %v %+v", err, r.Errors)
			}
		}},
		{"Host not allowed", func(t *testing.T, e edgeEnv) {
			mut := func(c *server.Config) { c.Security.AllowedHosts = server.DefaultAllowedHosts("127.0.0.1:8080") }
			h, _ := e.app(mut)
			for _, host := range []string{"evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example"} {
				r := postAs(h, createProbe, "", "Host", host)
				wantRefusal(t, "POST with Host "+host, r, http.StatusMisdirectedRequest, server.CodeHostNotAllowed, "--allowed-hosts")
			}
			for _, host := range []string{"127.0.0.1:8080", "localhost:9999", "LOCALHOST", "[::1]:8080"} {
				if r := postAs(h, cheapQuery, "", "Host", host); r.status != http.StatusOK {
					t.Errorf("Host %s: status %d %s", host, r.status, r.message())
				}
			}
			ts := e.live(t, mut)
			_, resp, err := dialWS(t, ts.URL, nil, "evil.example")
			if err == nil || resp == nil || resp.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("websocket with Host evil.example: %v %v; want 421", err, resp)
			}
			_, resp, err = dialWS(t, ts.URL, http.Header{"Origin": {"http://evil.example"}}, "")
			if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("websocket with Origin evil.example: %v %v; want 403", err, resp)
			}
			if resp != nil {
				body, _ := io.ReadAll(resp.Body)
				if !strings.Contains(string(body), server.CodeOriginNotAllowed) {
					t.Errorf("Origin refusal body %s lacks %s", body, server.CodeOriginNotAllowed)
				}
			}
			if _, _, err := dialWS(t, ts.URL, http.Header{"Origin": {ts.URL}}, ""); err != nil {
				t.Errorf("websocket from its own origin: %v", err)
			}
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			req.Host = "10.1.2.3:8080" // a load balancer's probe
			if rec := serve(h, req); rec.Code != http.StatusOK {
				t.Errorf("/healthz by IP: %d", rec.Code)
			}
		}},
		{"slow body closed within the request timeout", func(t *testing.T, e edgeEnv) {
			ts := e.live(t, func(c *server.Config) { c.RequestTimeout = time.Second })
			body, _ := json.Marshal(map[string]any{"query": deleteAll})
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
			start := time.Now()
			answered := make(chan string, 1)
			go func() {
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					answered <- "closed: " + err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				answered <- fmt.Sprintf("%d %s", resp.StatusCode, b)
			}()
			// One byte every 200 ms: the whole body would take 20 s or more.
			for i := 0; i < len(body)-1; i++ {
				select {
				case got := <-answered:
					t.Logf("trickled body cut after %v (%d of %d bytes): %.200s", time.Since(start).Round(time.Millisecond), i, len(body), got)
					if !strings.HasPrefix(got, "408") && !strings.HasPrefix(got, "closed") {
						t.Errorf("answer %q; want 408 or a closed connection", got)
					}
					return
				case <-time.After(200 * time.Millisecond):
				}
				if _, err := conn.Write(body[i : i+1]); err != nil {
					t.Logf("trickled body cut after %v (%d bytes): write: %v", time.Since(start).Round(time.Millisecond), i, err)
					return
				}
			}
			t.Fatalf("a body trickled over %v was still read", time.Since(start).Round(time.Millisecond))
		}},
		{"cross-site simple requests cannot write", func(t *testing.T, e edgeEnv) {
			// A page elsewhere can send a GET or a form-encoded or text/plain
			// POST to a loopback server without a preflight (the Host check
			// does not stop it: the Host is right). None may run a mutation.
			h, _ := e.app(nil) // anonymous editor, as on loopback
			body, _ := json.Marshal(map[string]any{"query": createProbe})
			for _, c := range []struct{ method, target, contentType, body string }{
				{http.MethodGet, "/graphql?query=" + url.QueryEscape(createProbe), "", ""},
				{http.MethodPost, "/graphql", "text/plain", string(body)},
				{http.MethodPost, "/graphql", "application/x-www-form-urlencoded", "query=" + url.QueryEscape(createProbe)},
				{http.MethodPost, "/graphql", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + string(body) + "\r\n--x--\r\n"},
			} {
				req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
				if c.contentType != "" {
					req.Header.Set("Content-Type", c.contentType)
				}
				if rec := serve(h, req); rec.Code < 400 {
					t.Errorf("%s %s (%s): %d %.200s", c.method, c.target, c.contentType, rec.Code, rec.Body)
				}
			}
		}},
		{"401 says how to get a token", func(t *testing.T, e edgeEnv) {
			f := newSecFixture(t)
			h, _ := e.app(func(c *server.Config) { c.Security.Auth = f.authn(t, false, auth.RoleNone) })
			for _, hdr := range [][]string{nil, bearer("not-a-token-0123456789")} {
				wantRefusal(t, "no or bad token", postAs(h, createProbe, "", hdr...), http.StatusUnauthorized, gql.CodeUnauthenticated,
					"Authorization: Bearer", "--tokens-file", "GraphiQL", "Headers", "server/auth/README.md")
			}
			h, _ = e.app(func(c *server.Config) { c.Security.Auth = auth.Anonymous(auth.RoleNone) })
			wantRefusal(t, "a server with no tokens", postAs(h, createProbe, ""), http.StatusUnauthorized, gql.CodeUnauthenticated,
				"accepts no tokens", "--tokens-file", "--anonymous-role viewer")
		}},
	}
}

func TestHostileEdges(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		s := open(t)
		if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatalf("seed: %v", err)
		}
		e := edgeEnv{store: s, name: name}
		for _, c := range edgeCases() {
			t.Run(c.name, func(t *testing.T) {
				before := snapshotJSON(t, s)
				c.run(t, e)
				if after := snapshotJSON(t, s); after != before {
					t.Fatalf("store changed (%d bytes before, %d after)", len(before), len(after))
				}
			})
		}
	})
}
