package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// Websocket defaults (Security.MaxSockets, SocketIdleTimeout,
// MaxSocketOperations).
const (
	DefaultMaxSockets          = 8
	DefaultSocketIdleTimeout   = 5 * time.Minute
	DefaultMaxSocketOperations = 16
)

// CloseTooManySockets is the websocket close code of a connection_init
// refused because its caller already holds Security.MaxSockets sockets.
const CloseTooManySockets = 4429

// ReasonTooManyOperations is the extensions.reason (code RATE_LIMITED) of an
// operation refused because its socket already runs MaxSocketOperations.
const ReasonTooManyOperations = "TOO_MANY_OPERATIONS"

// sockets makes each operation over a websocket a request like any other:
// the same rate limit bucket as HTTP (one per caller), the token checked
// again (an expired JWT stops working on an open socket), the role check
// and the cost limits (gql's, which run for every operation), and the
// request deadline for queries and mutations. Subscriptions live on, but
// their setup (graphChanged registers with the broker) does no store work.
// It also bounds the sockets a caller holds and closes idle ones.
//
// The pieces: middleware on the upgrade request puts a *socket in its
// context (which gqlgen's websocket transport keeps for the connection's
// life), initHook counts it against its caller at connection_init, and the
// graphql extension (this type) sees every operation.
type sockets struct {
	max, maxOps int
	idle        time.Duration
	timeout     time.Duration
	limiter     middleware.RateLimiterStore // nil: no rate limit
	auth        *auth.Authenticator

	mu   sync.Mutex
	open map[string]int // caller key → sockets past connection_init
}

type socketKey struct{}

// socket is one websocket connection.
type socket struct {
	g      *sockets
	ip     string
	cancel context.CancelFunc

	mu     sync.Mutex
	key    string // the caller it is counted against ("" before init)
	active int
	last   time.Time
	timer  *time.Timer
	closed bool
}

var (
	_ graphql.HandlerExtension          = (*sockets)(nil)
	_ graphql.OperationParameterMutator = (*sockets)(nil)
	_ graphql.OperationInterceptor      = (*sockets)(nil)
)

func (*sockets) ExtensionName() string                   { return "Websockets" }
func (*sockets) Validate(graphql.ExecutableSchema) error { return nil }

// upgrade is the middleware for websocket upgrades of /graphql: it lasts as
// long as the socket does.
func (g *sockets) upgrade(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !c.IsWebSocket() {
			return next(c)
		}
		ctx, cancel := context.WithCancel(c.Request().Context())
		s := &socket{g: g, ip: c.RealIP(), cancel: cancel, last: time.Now()}
		s.timer = time.AfterFunc(g.idle, s.checkIdle)
		defer s.release()
		c.SetRequest(c.Request().WithContext(context.WithValue(ctx, socketKey{}, s)))
		return next(c)
	}
}

func socketFrom(ctx context.Context) *socket {
	s, _ := ctx.Value(socketKey{}).(*socket)
	return s
}

// rateKey is the rate limiter's bucket: one per valid token, else one per
// IP (made-up tokens share their IP's budget).
func rateKey(p auth.Principal, authenticated bool, ip string) string {
	if authenticated && !p.Anonymous {
		return "principal:" + p.Role.String() + ":" + p.Name
	}
	return "ip:" + ip
}

// initHook runs after connection_init authenticated the socket: it counts
// the socket against its caller (the token, or the IP without one), or
// refuses it when the caller already holds max.
func (g *sockets) initHook(ctx context.Context, _ transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	s := socketFrom(ctx)
	if s == nil {
		return ctx, nil, nil
	}
	p, ok := auth.FromContext(ctx)
	key := rateKey(p, ok, s.ip)
	g.mu.Lock()
	n := g.open[key]
	if n >= g.max {
		g.mu.Unlock()
		ctx = transport.WithWebsocketCloseCode(ctx, CloseTooManySockets)
		ctx = transport.AppendCloseReason(ctx, "too many open websockets")
		return ctx, nil, fmt.Errorf("too many open websockets: this caller already holds %d (the most --max-sockets allows); close one first", n)
	}
	g.open[key] = n + 1
	g.mu.Unlock()
	s.mu.Lock()
	s.key = key
	s.mu.Unlock()
	return transport.AppendCloseReason(ctx, fmt.Sprintf("closed after %v without an operation", g.idle)), nil, nil
}

// release runs when the socket's handler returns: the socket is gone.
func (s *socket) release() {
	s.mu.Lock()
	s.closed = true
	s.timer.Stop()
	key := s.key
	s.key = ""
	s.mu.Unlock()
	s.cancel()
	if key == "" {
		return
	}
	s.g.mu.Lock()
	if s.g.open[key]--; s.g.open[key] <= 0 {
		delete(s.g.open, key)
	}
	s.g.mu.Unlock()
}

// checkIdle closes the socket when no operation ran or started for the idle
// timeout (keep-alive pings do not count; a live subscription does).
func (s *socket) checkIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	switch wait := s.g.idle - time.Since(s.last); {
	case s.active > 0:
		s.timer.Reset(s.g.idle) // its end restarts the idle clock
	case wait > 0:
		s.timer.Reset(wait)
	default:
		s.cancel() // gqlgen closes the connection when its context ends
	}
}

func (s *socket) touch() {
	s.mu.Lock()
	s.last = time.Now()
	s.mu.Unlock()
}

// MutateOperationParameters is the first step of every operation, before
// it is parsed: over a websocket, it takes a token from the caller's rate
// limit bucket.
func (g *sockets) MutateOperationParameters(ctx context.Context, _ *graphql.RawParams) *gqlerror.Error {
	s := socketFrom(ctx)
	if s == nil {
		return nil
	}
	s.touch()
	if g.limiter == nil {
		return nil
	}
	p, ok := auth.FromContext(ctx)
	if allow, err := g.limiter.Allow(rateKey(p, ok, s.ip)); err != nil || !allow {
		return &gqlerror.Error{Message: "rate limit exceeded; slow down", Extensions: map[string]any{"code": CodeRateLimited}}
	}
	return nil
}

// InterceptOperation checks a websocket operation's token again, bounds the
// operations a socket runs at once, and gives queries and mutations the
// request deadline. It is registered before gql's authorisation, which then
// checks the role as for HTTP.
func (g *sockets) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	s := socketFrom(ctx)
	if s == nil {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	header := transport.GetInitPayload(ctx).Authorization()
	if header == "" {
		header = oc.Headers.Get("Authorization")
	}
	p, err := g.auth.Authenticate(header)
	if err != nil {
		return oneError(gql.CodeUnauthenticated, err.Error(), "")
	}
	ctx = auth.WithPrincipal(ctx, p)
	s.mu.Lock()
	if s.active >= g.maxOps {
		s.mu.Unlock()
		return oneError(CodeRateLimited, fmt.Sprintf("this websocket already runs %d operations; stop one first", g.maxOps), ReasonTooManyOperations)
	}
	s.active++
	s.last = time.Now()
	s.mu.Unlock()
	cancel := context.CancelFunc(func() {})
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		ctx, cancel = context.WithTimeout(ctx, g.timeout)
	}
	var once sync.Once
	end := func() {
		once.Do(func() {
			cancel()
			s.mu.Lock()
			s.active--
			s.last = time.Now()
			s.mu.Unlock()
		})
	}
	// The transport cancels an operation's context when it ends (completed,
	// stopped by the client, or the socket closed).
	context.AfterFunc(ctx, end)
	rh := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := rh(ctx)
		if resp == nil {
			end()
		}
		return resp
	}
}

func oneError(code, msg, reason string) graphql.ResponseHandler {
	e := &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
	if reason != "" {
		e.Extensions["reason"] = reason
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{e}})
}
