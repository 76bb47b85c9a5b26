package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/golang-jwt/jwt/v5"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

const (
	viewerTok  = "viewer-token-0123456789"
	plannerTok = "planner-token-0123456789"
	editorTok  = "editor-token-0123456789"
	adminTok   = "admin-token-0123456789"
	jwtSecret  = "a-test-secret-of-at-least-32-characters"
)

const tokensFile = `# test tokens: token role name
viewer-token-0123456789   viewer  Vera Viewer
planner-token-0123456789  planner Pat Planner

editor-token-0123456789   editor  Ed Editor
admin-token-0123456789    admin   Ada Admin
`

// countingStore counts the calls that reach the store (a graph.Observer).
type countingStore struct {
	n atomic.Int64
	// deadline is set once a call arrived with the request's deadline.
	deadline atomic.Bool
}

func (s *countingStore) observe(ctx context.Context, c graph.Call) (context.Context, func(error)) {
	// Changes: the server's follower of the change feed polls in the
	// background, for no request.
	if c.Method != "Close" && c.Method != "Changes" {
		s.n.Add(1)
		if _, ok := ctx.Deadline(); ok {
			s.deadline.Store(true)
		}
	}
	return ctx, nil
}

type secFixture struct {
	dir     string
	tokens  string
	pubFile string
	key     *rsa.PrivateKey
}

func newSecFixture(t *testing.T) *secFixture {
	t.Helper()
	dir := t.TempDir()
	f := &secFixture{dir: dir, tokens: filepath.Join(dir, "tokens"), pubFile: filepath.Join(dir, "jwt.pub.pem")}
	if err := os.WriteFile(f.tokens, []byte(tokensFile), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f.key = key
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// authn returns an authenticator: static tokens and HS256 (iss/aud
// checked), or RS256 only.
func (f *secFixture) authn(t *testing.T, rs256 bool, anon auth.Role) *auth.Authenticator {
	t.Helper()
	cfg := auth.Config{Anonymous: anon, TokensFile: f.tokens, JWTSecret: []byte(jwtSecret), JWTIssuer: "orgnet-test", JWTAudience: "orgnet"}
	if rs256 {
		cfg = auth.Config{Anonymous: anon, JWTPublicKeyFile: f.pubFile}
	}
	a, err := auth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type secHarness struct {
	*harness
	count *countingStore
	audit *auth.AuditLog
}

// secured is a seeded memory-store server with the given security and an
// audit log at auditPath (none when empty).
func secured(t *testing.T, sec server.Security, auditPath string) *secHarness {
	t.Helper()
	s := testenv.Memory(t)
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{}
	opts := gql.Options{}
	var al *auth.AuditLog
	if auditPath != "" {
		var err error
		if al, err = auth.OpenAuditLog(auditPath); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = al.Close() })
		opts.AuditLog = al
	}
	b := gql.NewBroker()
	h := &harness{t: t, store: s, broker: b, h: server.New(server.Config{
		Store: graph.Observe(s, cs.observe), StoreName: "memory", Broker: b, Logger: slog.New(slog.DiscardHandler), GQL: opts, Security: sec,
	})}
	return &secHarness{harness: h, count: cs, audit: al}
}

func bearer(tok string) []string {
	if tok == "" {
		return nil
	}
	return []string{"Authorization", "Bearer " + tok}
}

func (f *secFixture) hs256(t *testing.T, c jwt.MapClaims, secret string) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *secFixture) rs256(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, c).SignedString(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims(role string, exp time.Duration) jwt.MapClaims {
	return jwt.MapClaims{"sub": "jwt-user", "role": role, "exp": time.Now().Add(exp).Unix(), "iss": "orgnet-test", "aud": "orgnet"}
}

const smallQuery = `{ organisation(id: "org:shengdun-village") { id name } }`

func TestAuthentication(t *testing.T) {
	f := newSecFixture(t)
	hs := secured(t, server.Security{Auth: f.authn(t, false, auth.RoleNone)}, "")
	rs := secured(t, server.Security{Auth: f.authn(t, true, auth.RoleNone)}, "")
	noneTok := func() string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims("admin", time.Hour)).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	pubPEM, _ := os.ReadFile(f.pubFile)
	noExp := claims("editor", time.Hour)
	delete(noExp, "exp")
	noSub := claims("editor", time.Hour)
	delete(noSub, "sub")
	cases := []struct {
		name   string
		h      *secHarness
		header []string
		ok     bool
	}{
		{"no token", hs, nil, false},
		{"unknown static token", hs, bearer("not-a-token-0123456789"), false},
		{"not bearer", hs, []string{"Authorization", "Basic " + viewerTok}, false},
		{"empty bearer", hs, []string{"Authorization", "Bearer "}, false},
		{"static token", hs, bearer(viewerTok), true},
		{"HS256", hs, bearer(f.hs256(t, claims("viewer", time.Hour), jwtSecret)), true},
		{"HS256 expired", hs, bearer(f.hs256(t, claims("viewer", -time.Minute), jwtSecret)), false},
		{"HS256 no exp", hs, bearer(f.hs256(t, noExp, jwtSecret)), false},
		{"HS256 no sub", hs, bearer(f.hs256(t, noSub, jwtSecret)), false},
		{"HS256 no role", hs, bearer(f.hs256(t, claims("", time.Hour), jwtSecret)), false},
		{"HS256 unknown role", hs, bearer(f.hs256(t, claims("root", time.Hour), jwtSecret)), false},
		{"HS256 wrong secret", hs, bearer(f.hs256(t, claims("viewer", time.Hour), "another-secret-of-at-least-32-chars!")), false},
		{"HS256 wrong issuer", hs, bearer(f.hs256(t, jwt.MapClaims{"sub": "x", "role": "viewer", "exp": time.Now().Add(time.Hour).Unix(), "iss": "evil", "aud": "orgnet"}, jwtSecret)), false},
		{"HS256 wrong audience", hs, bearer(f.hs256(t, jwt.MapClaims{"sub": "x", "role": "viewer", "exp": time.Now().Add(time.Hour).Unix(), "iss": "orgnet-test", "aud": "other"}, jwtSecret)), false},
		{"HS256 tampered", hs, bearer(f.hs256(t, claims("viewer", time.Hour), jwtSecret) + "x"), false},
		{"alg none", hs, bearer(noneTok), false},
		{"RS256", rs, bearer(f.rs256(t, claims("viewer", time.Hour))), true},
		{"RS256 expired", rs, bearer(f.rs256(t, claims("viewer", -time.Minute))), false},
		{"alg none on RS256", rs, bearer(noneTok), false},
		{"HS256 when RS256 configured", rs, bearer(f.hs256(t, claims("admin", time.Hour), jwtSecret)), false},
		{"HS256 keyed with the RS256 public key", rs, bearer(f.hs256(t, claims("admin", time.Hour), string(pubPEM))), false},
		{"RS256 when only HS256 configured", hs, bearer(f.rs256(t, claims("viewer", time.Hour))), false},
		{"static token on RS256-only server", rs, bearer(viewerTok), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.h.do(smallQuery, nil, c.header...)
			if c.ok {
				if len(r.Errors) > 0 || r.status != http.StatusOK {
					t.Fatalf("status %d errors %+v", r.status, r.Errors)
				}
				return
			}
			if r.status != http.StatusUnauthorized || r.code() != gql.CodeUnauthenticated {
				t.Fatalf("status %d code %q, want 401 UNAUTHENTICATED (%+v)", r.status, r.code(), r.Errors)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	f := newSecFixture(t)
	const (
		create   = `mutation { createOrganisation(input: {id: "org:roles-test", kind: PARTY_BRANCH, name: "测试支部", parentId: "org:yuelin-party-working-committee"}) { id } }`
		simulate = `{ simulateAlliances(input: {strategy: BALANCED, k: 4, seed: 7}) { alliances { key } } }`
		save     = `mutation { saveScenario(name: "s", input: {strategy: BALANCED, k: 4, seed: 7}) { id } }`
		commit   = `mutation { commitScenario(id: "scenario:none") { id } }`
		audit    = `{ auditLog { operation } }`
		both     = `mutation { createPairing(mentorId: "org:xinbao-village", menteeId: "org:maojia-village") { id } }`
	)
	cases := []struct {
		name, tok, query, code string
		anon                   auth.Role
		wantRole               string
	}{
		{"viewer queries", viewerTok, smallQuery, "", auth.RoleNone, ""},
		{"viewer cannot mutate", viewerTok, create, gql.CodeForbidden, auth.RoleNone, "editor"},
		{"viewer cannot simulate", viewerTok, simulate, gql.CodeForbidden, auth.RoleNone, "planner"},
		{"viewer cannot read the audit log", viewerTok, audit, gql.CodeForbidden, auth.RoleNone, "admin"},
		{"planner simulates", plannerTok, simulate, "", auth.RoleNone, ""},
		{"planner saves a scenario", plannerTok, save, "", auth.RoleNone, ""},
		{"planner cannot commit", plannerTok, commit, gql.CodeForbidden, auth.RoleNone, "editor"},
		{"planner cannot pair", plannerTok, both, gql.CodeForbidden, auth.RoleNone, "editor"},
		{"editor mutates", editorTok, create, "", auth.RoleNone, ""},
		{"editor commits (not found: it ran)", editorTok, commit, gql.CodeNotFound, auth.RoleNone, ""},
		{"editor cannot read the audit log", editorTok, audit, gql.CodeForbidden, auth.RoleNone, "admin"},
		{"admin reads the audit log", adminTok, audit, "", auth.RoleNone, ""},
		{"anonymous viewer queries", "", smallQuery, "", auth.RoleViewer, ""},
		{"anonymous viewer cannot mutate", "", create, gql.CodeForbidden, auth.RoleViewer, "editor"},
		{"anonymous editor mutates", "", create, "", auth.RoleEditor, ""},
		{"token beats anonymous editor", viewerTok, create, gql.CodeForbidden, auth.RoleEditor, "editor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := secured(t, server.Security{Auth: f.authn(t, false, c.anon)}, filepath.Join(t.TempDir(), "audit.log"))
			before := h.count.n.Load()
			r := h.do(c.query, nil, bearer(c.tok)...)
			if r.code() != c.code {
				t.Fatalf("code %q, want %q: %+v", r.code(), c.code, r.Errors)
			}
			if c.code != gql.CodeForbidden {
				return
			}
			if !strings.Contains(r.Errors[0].Message, c.wantRole) {
				t.Errorf("message %q does not name role %s", r.Errors[0].Message, c.wantRole)
			}
			if n := h.count.n.Load() - before; n != 0 {
				t.Errorf("%d store calls for a forbidden operation", n)
			}
			if _, err := h.store.Node(context.Background(), graph.View{}, "org:roles-test"); err == nil {
				t.Error("a forbidden mutation created the organisation")
			}
			if es, _ := h.audit.List(auth.AuditQuery{}); len(es) != 0 {
				t.Errorf("forbidden operation audited: %+v", es)
			}
		})
	}
}

type auditRow struct {
	Cursor        string   `json:"cursor"`
	Actor         string   `json:"actor"`
	Role          string   `json:"role"`
	Operation     string   `json:"operation"`
	OperationName *string  `json:"operationName"`
	Arguments     *string  `json:"arguments"`
	IDs           []string `json:"ids"`
	Before        *string  `json:"before"`
	After         *string  `json:"after"`
}

const auditQuery = `query($op: String, $actor: String, $after: String, $first: Int) { auditLog(operation: $op, actor: $actor, after: $after, first: $first) { cursor actor role operation operationName arguments ids before after } }`

func (h *secHarness) auditLog(t *testing.T, vars map[string]any) []auditRow {
	t.Helper()
	r := h.do(auditQuery, vars, bearer(adminTok)...)
	if len(r.Errors) > 0 {
		t.Fatalf("auditLog: %+v", r.Errors)
	}
	var out struct {
		AuditLog []auditRow `json:"auditLog"`
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out.AuditLog
}

func TestAuditLog(t *testing.T) {
	f := newSecFixture(t)
	path := filepath.Join(t.TempDir(), "audit", "audit.log")
	sec := server.Security{Auth: f.authn(t, false, auth.RoleNone)}
	h := secured(t, sec, path)
	ed := bearer(editorTok)
	if r := h.do(`mutation Rename($id: ID!, $en: String) { updateOrganisation(id: $id, input: {nameEn: $en}) { id } }`,
		map[string]any{"id": "org:shengdun-village", "en": "Shengdun (renamed)"}, ed...); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if r := h.do(`mutation { createOrganisation(input: {id: "org:audit-leaf", kind: PARTY_BRANCH, name: "临时", parentId: "org:yuelin-party-working-committee"}) { id } }`, nil, ed...); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if r := h.do(`mutation { deleteOrganisation(id: "org:audit-leaf") { deletedIds } }`, nil, ed...); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	// A failed mutation is not recorded.
	if r := h.do(`mutation { deleteOrganisation(id: "org:no-such") { deletedIds } }`, nil, ed...); r.code() != gql.CodeNotFound {
		t.Fatalf("delete missing: %+v", r.Errors)
	}
	check := func(t *testing.T, h *secHarness) {
		t.Helper()
		rows := h.auditLog(t, nil)
		if len(rows) != 3 {
			t.Fatalf("%d entries, want 3: %+v", len(rows), rows)
		}
		ops := []string{rows[0].Operation, rows[1].Operation, rows[2].Operation}
		if strings.Join(ops, ",") != "deleteOrganisation,createOrganisation,updateOrganisation" {
			t.Fatalf("operations (newest first) = %v", ops)
		}
		for _, r := range rows {
			if r.Actor != "Ed Editor" || r.Role != "editor" {
				t.Errorf("actor %q role %q", r.Actor, r.Role)
			}
		}
		upd := rows[2]
		if upd.OperationName == nil || *upd.OperationName != "Rename" {
			t.Errorf("operationName = %v", upd.OperationName)
		}
		if upd.Before == nil || upd.After == nil || strings.Contains(*upd.Before, "renamed") || !strings.Contains(*upd.After, "Shengdun (renamed)") {
			t.Errorf("before/after = %v / %v", upd.Before, upd.After)
		}
		if upd.Arguments == nil || !strings.Contains(*upd.Arguments, "Shengdun (renamed)") || !strings.Contains(strings.Join(upd.IDs, " "), "org:shengdun-village") {
			t.Errorf("arguments %v ids %v", upd.Arguments, upd.IDs)
		}
		del := rows[0]
		if del.Before == nil || !strings.Contains(*del.Before, "org:audit-leaf") || del.After != nil || !strings.Contains(strings.Join(del.IDs, " "), "org:audit-leaf") {
			t.Errorf("delete entry: %+v", del)
		}
		if got := h.auditLog(t, map[string]any{"op": "createOrganisation"}); len(got) != 1 || got[0].Operation != "createOrganisation" {
			t.Errorf("filter by operation: %+v", got)
		}
		if got := h.auditLog(t, map[string]any{"actor": "Ada Admin"}); len(got) != 0 {
			t.Errorf("filter by actor: %+v", got)
		}
		if got := h.auditLog(t, map[string]any{"first": 1, "after": rows[0].Cursor}); len(got) != 1 || got[0].Operation != "createOrganisation" {
			t.Errorf("page after %s: %+v", rows[0].Cursor, got)
		}
	}
	t.Run("live", func(t *testing.T) { check(t, h) })
	t.Run("after a restart", func(t *testing.T) {
		if err := h.audit.Close(); err != nil {
			t.Fatal(err)
		}
		h2 := secured(t, sec, path)
		// The new server's store is fresh; the log is what survived.
		check(t, h2)
	})
}

func TestDepthLimit(t *testing.T) {
	h := secured(t, server.Security{}, "")
	deep := func(n int) string {
		return `{ organisation(id: "org:shengdun-village") { ` + strings.Repeat("parent { ... on Organisation { ", n-2) + "id" + strings.Repeat(" } }", n-2) + " } }"
	}
	before := h.count.n.Load()
	r := h.do(deep(20), nil)
	if r.code() != gql.CodeBadUserInput || r.Errors[0].Extensions["reason"] != "DEPTH_LIMIT_EXCEEDED" {
		t.Fatalf("20 levels: %+v", r.Errors)
	}
	if n := h.count.n.Load() - before; n != 0 {
		t.Fatalf("%d store calls before the depth limit refused", n)
	}
	if r := h.do(deep(12), nil); len(r.Errors) > 0 {
		t.Fatalf("12 levels: %+v", r.Errors)
	}
	// Introspection is not counted: GraphiQL's own query nests deeply.
	if r := h.do(`{ __schema { types { fields { type { `+strings.Repeat("ofType { ", 10)+"name"+strings.Repeat(" }", 10)+" } } } } }", nil); len(r.Errors) > 0 {
		t.Fatalf("introspection: %+v", r.Errors)
	}
}

// TestDeadlineReachesStore checks the request timeout's deadline is in the
// context the store is called with.
func TestDeadlineReachesStore(t *testing.T) {
	h := secured(t, server.Security{}, "")
	if r := h.do(smallQuery, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if h.count.n.Load() == 0 || !h.count.deadline.Load() {
		t.Fatalf("store reads %d, deadline seen %v", h.count.n.Load(), h.count.deadline.Load())
	}
}

func TestRateLimit(t *testing.T) {
	f := newSecFixture(t)
	h := secured(t, server.Security{Auth: f.authn(t, false, auth.RoleViewer), RateLimit: 1, RateBurst: 2}, "")
	for i := range 2 {
		if r := h.do(smallQuery, nil, bearer(viewerTok)...); r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := h.do(smallQuery, nil, bearer(viewerTok)...)
	if r.status != http.StatusTooManyRequests || r.code() != server.CodeRateLimited {
		t.Fatalf("third request: %d %q", r.status, r.code())
	}
	// Another token has its own budget.
	if r := h.do(smallQuery, nil, bearer(editorTok)...); r.status != http.StatusOK {
		t.Fatalf("other token: %d", r.status)
	}
	// Made-up tokens share their IP's budget: guessing is limited too.
	for i := range 2 {
		if r := h.do(smallQuery, nil, bearer(fmt.Sprintf("guess-%d-0123456789", i))...); r.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	if r := h.do(smallQuery, nil, bearer("guess-x-0123456789")...); r.status != http.StatusTooManyRequests {
		t.Fatalf("third guess: %d, want 429", r.status)
	}
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSecurityHeaders(t *testing.T) {
	h := secured(t, server.Security{}, "")
	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/graphiql/", nil),
		httptest.NewRequest(http.MethodGet, "/explore/", nil),
		httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ stats { nodes } }"}`)),
		httptest.NewRequest(http.MethodGet, "/no-such-page", nil),
	} {
		req.Header.Set("Content-Type", "application/json")
		rec := serve(h.h, req)
		for k, v := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": server.DefaultCSP,
		} {
			if got := rec.Header().Get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", req.Method, req.URL.Path, k, got, v)
			}
		}
	}
}

func TestCORS(t *testing.T) {
	preflight := func(h http.Handler, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		return serve(h, req)
	}
	open := secured(t, server.Security{}, "")
	cors := secured(t, server.Security{CORSOrigins: []string{"https://app.example.org"}}, "")
	cases := []struct {
		name   string
		h      *secHarness
		origin string
		allow  bool
	}{
		{"none configured", open, "https://app.example.org", false},
		{"configured origin", cors, "https://app.example.org", true},
		{"other origin", cors, "https://evil.example.com", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := preflight(c.h.h, c.origin)
			got := rec.Header().Get("Access-Control-Allow-Origin")
			if c.allow && (got != c.origin || !strings.Contains(strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")), "authorization")) {
				t.Fatalf("allowed origin: status %d headers %v", rec.Code, rec.Header())
			}
			if !c.allow && got != "" {
				t.Fatalf("Access-Control-Allow-Origin = %q for %s", got, c.origin)
			}
		})
	}
}

func TestBatchedRequests(t *testing.T) {
	post := func(h http.Handler, body string) (*httptest.ResponseRecorder, gqlResponse) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := serve(h, req)
		var r gqlResponse
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		return rec, r
	}
	one := `{"query":"{ stats { nodes } }"}`
	def := secured(t, server.Security{}, "")
	two := secured(t, server.Security{MaxBatch: 2}, "")
	cases := []struct {
		name   string
		h      *secHarness
		body   string
		status int
	}{
		{"array refused by default", def, "[" + one + "," + one + "]", http.StatusBadRequest},
		{"one-element array refused by default", def, " [" + one + "]", http.StatusBadRequest},
		{"broken array", def, "[" + one, http.StatusBadRequest},
		{"single operation", def, one, http.StatusOK},
		{"within max-batch", two, "[" + one + "," + one + "]", http.StatusOK},
		{"over max-batch", two, "[" + one + "," + one + "," + one + "]", http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, r := post(c.h.h, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if c.status == http.StatusBadRequest && r.code() != gql.CodeBadUserInput {
				t.Fatalf("code %q: %s", r.code(), rec.Body)
			}
			if c.name == "within max-batch" {
				var rs []gqlResponse
				if err := json.Unmarshal(rec.Body.Bytes(), &rs); err != nil || len(rs) != 2 || len(rs[1].Errors) > 0 {
					t.Fatalf("batch answer: %v %s", err, rec.Body)
				}
			}
		})
	}
}

func TestAdminPaths(t *testing.T) {
	f := newSecFixture(t)
	h := secured(t, server.Security{Auth: f.authn(t, false, auth.RoleEditor), AdminPaths: []string{"/metrics"}}, "")
	for _, c := range []struct {
		tok    string
		status int
	}{{"", http.StatusForbidden}, {editorTok, http.StatusForbidden}, {"bad-token-0123456789", http.StatusUnauthorized}, {adminTok, http.StatusOK}} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if c.tok != "" {
			req.Header.Set("Authorization", "Bearer "+c.tok)
		}
		if rec := serve(h.h, req); rec.Code != c.status {
			t.Errorf("token %q: status %d, want %d", c.tok, rec.Code, c.status)
		}
	}
}

func TestSubscriptionAuth(t *testing.T) {
	f := newSecFixture(t)
	h := secured(t, server.Security{Auth: f.authn(t, false, auth.RoleNone)}, "")
	c := client.New(h.h, client.Path("/graphql"))
	const q = `subscription { graphChanged { kind ids } }`
	t.Run("without a token", func(t *testing.T) {
		sub := c.WebsocketWithPayload(q, nil)
		defer sub.Close()
		var resp map[string]any
		if err := sub.Next(&resp); err == nil {
			t.Fatalf("subscription without a token was accepted: %v", resp)
		}
	})
	t.Run("with a bad token", func(t *testing.T) {
		sub := c.WebsocketWithPayload(q, map[string]any{"Authorization": "Bearer not-a-token-0123456789"})
		defer sub.Close()
		var resp map[string]any
		if err := sub.Next(&resp); err == nil {
			t.Fatalf("subscription with a bad token was accepted: %v", resp)
		}
	})
	t.Run("with a viewer token", func(t *testing.T) {
		sub := c.WebsocketWithPayload(q, map[string]any{"Authorization": "Bearer " + viewerTok})
		defer sub.Close()
		done := make(chan error, 1)
		go func() {
			var resp struct {
				GraphChanged struct {
					Kind string   `json:"kind"`
					IDs  []string `json:"ids"`
				} `json:"graphChanged"`
			}
			err := sub.Next(&resp)
			if err == nil && !strings.Contains(strings.Join(resp.GraphChanged.IDs, " "), "org:maojia-village") {
				err = errForIDs(resp.GraphChanged.IDs)
			}
			done <- err
		}()
		for i := 0; i < 200 && h.broker.Subscribers() == 0; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if h.broker.Subscribers() == 0 {
			t.Fatal("subscription not registered")
		}
		if r := h.do(`mutation { createPairing(mentorId: "org:xinbao-village", menteeId: "org:maojia-village") { id } }`, nil, bearer(editorTok)...); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no change within 10s")
		}
	})
}

type errForIDs []string

func (e errForIDs) Error() string { return "unexpected ids " + strings.Join(e, ",") }
