package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
	"github.com/orgnet/orgnet/server/gqlhttp"
)

// DefaultCSP fits the embedded GraphiQL (Monaco) and viewer (Cytoscape),
// checked in headless Chromium with no violation: scripts, workers and
// connections (fetch and the same-origin graphql-ws websocket; CSP 3
// matches ws/wss under 'self') only from this origin; inline styles (both
// bundles inject <style> elements and set style attributes); data: fonts
// (GraphiQL inlines its fonts) and images (the data:, favicon); no plugins,
// no <base>, no framing.
const DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// CodeRateLimited is the error code of a request refused by the rate limit.
const CodeRateLimited = "RATE_LIMITED"

// Security configures authentication and the web hardening of the app. Its
// zero value keeps the local demo open: everyone an anonymous editor, no
// rate limit, no CORS, any Host (orgnet serve always sets AllowedHosts).
type Security struct {
	// Auth authenticates bearer tokens (nil: everyone is an anonymous
	// editor).
	Auth *auth.Authenticator
	// AdminPaths are path prefixes (e.g. /metrics, /debug/pprof/) only an
	// admin may reach.
	AdminPaths []string
	// CORSOrigins may call the API from a browser, and open websockets to
	// it from their pages (none when empty; "*" is any).
	CORSOrigins []string
	// RateLimit is requests per second per token (or per IP without one) on
	// /graphql and /export, each operation over a websocket counted as a
	// request from the same bucket; 0 turns limiting off. RateBurst
	// defaults to twice RateLimit.
	RateLimit float64
	RateBurst int
	// MaxBatch is the most operations a JSON-array POST may carry (default
	// 1: arrays are refused).
	MaxBatch int
	// CSP replaces DefaultCSP.
	CSP string
	// AllowedHosts are the Host names served (see DefaultAllowedHosts and
	// hostPatterns: "*.example.org", "*" for any); others get 421
	// HOST_NOT_ALLOWED, websocket upgrades included. Empty: any Host.
	AllowedHosts []string
	// TrustedProxies are the peers whose X-Forwarded-For / X-Real-IP name
	// the caller (for the rate limit, the token-guessing throttle and the
	// logs). Empty: the headers are ignored and the peer is the caller.
	TrustedProxies []*net.IPNet
	// MaxSockets bounds the websockets one caller (a token, or an IP
	// without one) holds open (default DefaultMaxSockets).
	MaxSockets int
	// SocketIdleTimeout closes a websocket that ran no operation for that
	// long and has none running (default DefaultSocketIdleTimeout).
	SocketIdleTimeout time.Duration
	// MaxSocketOperations bounds the operations (subscriptions included)
	// one websocket runs at once (default DefaultMaxSocketOperations).
	MaxSocketOperations int
}

// apiPath reports whether a path is the API (authenticated, rate limited).
func apiPath(p string) bool {
	return p == "/graphql" || strings.HasPrefix(p, "/export/")
}

// jsonError is the body of an error refused before GraphQL ran. On
// /graphql it is written in the media type the request negotiates
// (gqlhttp.Negotiate: application/graphql-response+json or
// application/json, with its charset), elsewhere as application/json.
func jsonError(c echo.Context, status int, code, msg string) error {
	if c.Request().URL.Path == "/graphql" {
		gqlhttp.WriteError(c.Response(), c.Request(), status, code, "", msg)
		return nil
	}
	return c.JSON(status, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
}

// useSecurity installs the security middleware: the Host allow-list, who
// the caller is, headers on every response, CORS, the websocket Origin
// check, rate limiting and authentication. It returns the extension that
// holds websocket operations to the same rules (see sockets.go), with the
// request timeout as their deadline.
func useSecurity(e *echo.Echo, s Security, requestTimeout time.Duration) *sockets {
	csp := s.CSP
	if csp == "" {
		csp = DefaultCSP
	}
	e.IPExtractor = ipExtractor(s.TrustedProxies)
	if len(s.AllowedHosts) > 0 {
		e.Use(hostCheck(s.AllowedHosts))
	}
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Content-Security-Policy", csp)
			if c.Request().TLS != nil {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			return next(c)
		}
	})
	if len(s.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins: s.CORSOrigins,
			AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowHeaders: []string{"Authorization", "Content-Type", gql.RoundTripsHeader},
			MaxAge:       600,
		}))
	}
	e.Use(originCheck(s.CORSOrigins))
	a := s.Auth
	if a == nil {
		a = auth.Anonymous(auth.RoleEditor)
	}
	ws := &sockets{
		max: cmp.Or(max(s.MaxSockets, 0), DefaultMaxSockets), maxOps: cmp.Or(max(s.MaxSocketOperations, 0), DefaultMaxSocketOperations),
		idle: cmp.Or(max(s.SocketIdleTimeout, 0), DefaultSocketIdleTimeout), timeout: requestTimeout,
		auth: a, open: map[string]int{},
	}
	if s.RateLimit > 0 {
		burst := s.RateBurst
		if burst <= 0 {
			burst = int(2 * s.RateLimit)
		}
		ws.limiter = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(s.RateLimit), Burst: burst, ExpiresIn: 3 * time.Minute,
		})
		e.Use(middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
			Skipper: func(c echo.Context) bool { return !apiPath(c.Path()) && !apiPath(c.Request().URL.Path) },
			Store:   ws.limiter,
			// Per principal when the token is valid, else per IP: made-up
			// tokens share their IP's budget.
			IdentifierExtractor: func(c echo.Context) (string, error) {
				p, err := authenticated(c, a)
				return rateKey(p, err == nil, c.RealIP()), nil
			},
			DenyHandler: func(c echo.Context, _ string, _ error) error {
				c.Response().Header().Set("Retry-After", "1")
				return jsonError(c, http.StatusTooManyRequests, CodeRateLimited, "rate limit exceeded; slow down")
			},
			ErrorHandler: func(c echo.Context, _ error) error {
				return jsonError(c, http.StatusForbidden, gql.CodeForbidden, "could not identify the caller")
			},
		}))
	}
	e.Use(authenticate(a, s.AdminPaths))
	e.Use(ws.upgrade)
	return ws
}

// unauthenticated is the 401 message: how to get a token, or, when this
// server accepts none, that only its operator can let anyone in.
func unauthenticated(a *auth.Authenticator) string {
	if a != nil && !a.AcceptsTokens() {
		return auth.ErrNoTokens.Error()
	}
	return auth.ErrUnauthenticated.Error()
}

// authenticate puts the caller's Principal in the request context for the
// API and admin paths. A missing token (with anonymous access off) or an
// invalid one is a 401 with code UNAUTHENTICATED. Websocket upgrades
// authenticate from connection_init instead (see gql.Options.Auth).
func authenticate(a *auth.Authenticator, adminPaths []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			path := c.Request().URL.Path
			admin := false
			for _, p := range adminPaths {
				if strings.HasPrefix(path, p) {
					admin = true
				}
			}
			if !admin && !apiPath(path) {
				return next(c)
			}
			if c.IsWebSocket() && c.Request().Header.Get("Authorization") == "" && !admin {
				return next(c)
			}
			p, err := authenticated(c, a)
			if err != nil {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="orgnet"`)
				return jsonError(c, http.StatusUnauthorized, gql.CodeUnauthenticated, unauthenticated(a))
			}
			if admin && !p.Can(auth.RoleAdmin) {
				return jsonError(c, http.StatusForbidden, gql.CodeForbidden, "needs role admin (you are "+p.Role.String()+")")
			}
			if !admin && !p.Can(auth.RoleViewer) {
				return jsonError(c, http.StatusForbidden, gql.CodeForbidden, "needs role viewer")
			}
			c.SetRequest(c.Request().WithContext(auth.WithPrincipal(c.Request().Context(), p)))
			return next(c)
		}
	}
}

type authResult struct {
	p   auth.Principal
	err error
}

const authKey = "orgnet.auth"

// authenticated authenticates a request's Authorization header once (the
// rate limiter and authenticate both ask).
func authenticated(c echo.Context, a *auth.Authenticator) (auth.Principal, error) {
	if r, ok := c.Get(authKey).(authResult); ok {
		return r.p, r.err
	}
	p, err := a.Authenticate(c.Request().Header.Get("Authorization"))
	c.Set(authKey, authResult{p, err})
	return p, err
}

// RequireRole is middleware for routes that need at least role r (the
// principal must already be in the context: see Security.AdminPaths).
func RequireRole(r auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, ok := auth.FromContext(c.Request().Context())
			if !ok {
				return jsonError(c, http.StatusUnauthorized, gql.CodeUnauthenticated, auth.ErrUnauthenticated.Error())
			}
			if !p.Can(r) {
				return jsonError(c, http.StatusForbidden, gql.CodeForbidden, "needs role "+r.String())
			}
			return next(c)
		}
	}
}

// batching handles JSON-array POST bodies (batched operations): refused
// with a 400 BAD_USER_INPUT when they carry more than maxBatch operations
// (default 1: every array), else run one by one and answered as an array.
func batching(h http.Handler, maxBatch int) http.Handler {
	if maxBatch <= 0 {
		maxBatch = 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// The server's ReadTimeout: a body trickled in too slowly.
			gqlhttp.WriteError(w, r, http.StatusRequestTimeout, gql.CodeBadUserInput, "", "the request body did not arrive within the request timeout")
			return
		}
		if err != nil {
			gqlhttp.WriteError(w, r, http.StatusRequestEntityTooLarge, gql.CodeBadUserInput, "", "could not read the request body")
			return
		}
		trimmed := bytes.TrimLeft(body, " \t\r\n")
		if len(trimmed) == 0 || trimmed[0] != '[' {
			r.Body = io.NopCloser(bytes.NewReader(body))
			h.ServeHTTP(w, r)
			return
		}
		var ops []json.RawMessage
		if err := json.Unmarshal(trimmed, &ops); err != nil {
			gqlhttp.WriteError(w, r, http.StatusBadRequest, gql.CodeBadUserInput, gqlhttp.ReasonInvalidRequest, "the body is not valid JSON")
			return
		}
		if maxBatch <= 1 || len(ops) > maxBatch || len(ops) == 0 {
			msg := "batched operations are not supported: send one operation per request"
			if maxBatch > 1 {
				msg = "a batch may carry 1 to " + itoa(maxBatch) + " operations"
			}
			gqlhttp.WriteError(w, r, http.StatusBadRequest, gql.CodeBadUserInput, gqlhttp.ReasonInvalidRequest, msg)
			return
		}
		out := make([]json.RawMessage, len(ops))
		for i, op := range ops {
			sub := r.Clone(r.Context())
			sub.Body = io.NopCloser(bytes.NewReader(op))
			sub.ContentLength = int64(len(op))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, sub)
			out[i] = bytes.TrimSpace(rec.Body.Bytes())
			if !json.Valid(out[i]) {
				out[i] = json.RawMessage(`null`)
			}
		}
		// A batch is no GraphQL-over-HTTP request (it is an extension of
		// this server, off by default): its answer is a JSON array.
		w.Header().Set("Content-Type", gqlhttp.ContentType(gqlhttp.MediaJSON))
		_ = json.NewEncoder(w).Encode(out)
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
