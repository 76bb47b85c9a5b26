package gql

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql/generated"
	"github.com/orgnet/orgnet/server/gqlhttp"
	"github.com/orgnet/orgnet/server/policy"
)

// Options tune the GraphQL handler.
type Options struct {
	// ComplexityLimit caps the cost of one operation (0: DefaultComplexityLimit).
	ComplexityLimit int
	// Introspection is on unless DisableIntrospection is set.
	DisableIntrospection bool
	// MaxDepth caps how deep selections nest (0: policy.DefaultMaxDepth).
	MaxDepth int
	// Auth authenticates websocket subscriptions (connection_init) and any
	// request that reaches the handler without a principal (nil: everyone
	// is an anonymous editor).
	Auth *auth.Authenticator
	// AuditLog, when set, records every successful mutation and serves
	// auditLog.
	AuditLog *auth.AuditLog
	// MaxRootFields caps the root fields of one operation, aliased or
	// repeated ones included (0: policy.DefaultMaxRootFields).
	MaxRootFields int
	// MaxAliases caps the aliased fields of one operation (0:
	// policy.DefaultMaxAliases).
	MaxAliases int
	// MaxFields caps the field selections of one operation, fragments
	// expanded (0: policy.DefaultMaxFields).
	MaxFields int
	// MaxRepeats caps how often one response name is selected in one
	// selection set (0: policy.DefaultMaxRepeats).
	MaxRepeats int
	// ParserTokenLimit caps the lexical tokens of a document (0:
	// policy.DefaultParserTokenLimit).
	ParserTokenLimit int
	// MaxDirectives, MaxArguments and MaxVariables cap what a document
	// writes (0: policy.DefaultMaxDirectives, DefaultMaxArguments,
	// DefaultMaxVariables).
	MaxDirectives, MaxArguments, MaxVariables int
	// MaxResponseBytes caps the JSON of one answer's data (0:
	// policy.DefaultMaxResponseBytes).
	MaxResponseBytes int64
	// MaxErrors caps the errors one answer lists, then one more says how
	// many were left out (0: policy.DefaultMaxErrors).
	MaxErrors int
	// Extensions are registered before all others, so they wrap the whole
	// operation (e.g. tracing). Nil: none, and no cost.
	Extensions []graphql.HandlerExtension
	// WebsocketInit, when set, runs after connection_init authenticated a
	// websocket (the principal is in its context); an error refuses the
	// socket (the server's per-caller socket bound).
	WebsocketInit transport.WebsocketInitFunc
	// WebsocketOriginPatterns are the host patterns of other origins whose
	// pages may open a websocket (coder/websocket's OriginPatterns; the same
	// origin always may).
	WebsocketOriginPatterns []string
}

// WebsocketInitTimeout is how long a new websocket has to send
// connection_init before it is closed.
const WebsocketInitTimeout = 10 * time.Second

// DefaultComplexityLimit is the cost cap when none is configured: the most
// values one answer may hold, every list counted at the most it can return
// (costs.go). The largest queries the examples, the explorer and the
// benchmarks send are under 180,000 (the explorer's first view: a subtree of
// up to 2,000 nodes, 100 alliances of up to 50 members, 1,000 pairings).
const DefaultComplexityLimit = 200000

// RoundTripsHeader asks for extensions.roundTrips in the response: the number
// of store round trips (Cypher statements on Neo4j) the operation made.
const RoundTripsHeader = "Orgnet-Round-Trips"

// NewHandler returns the /graphql handler over a store.
func NewHandler(r *Resolver, opts Options) *handler.Server {
	cfg := generated.Config{Resolvers: r}
	setComplexity(&cfg.Complexity, r)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	if opts.Auth == nil {
		opts.Auth = auth.Anonymous(auth.RoleEditor)
	}
	initWS := policy.WebsocketInit(opts.Auth)
	if hook := opts.WebsocketInit; hook != nil {
		authInit := initWS
		initWS = func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx, ack, err := authInit(ctx, p)
			if err != nil {
				return ctx, ack, err
			}
			return hook(ctx, p)
		}
	}
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second, InitFunc: initWS, InitTimeout: WebsocketInitTimeout,
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{OriginPatterns: opts.WebsocketOriginPatterns}},
	})
	// POST and GET (and OPTIONS, and 405 for the rest) as the
	// GraphQL-over-HTTP specification says: server/gqlhttp.
	tokens := cmp.Or(max(opts.ParserTokenLimit, 0), policy.DefaultParserTokenLimit)
	srv.AddTransport(gqlhttp.Transport{TokenLimit: tokens})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
	// Every answer, refusals included, holds at most MaxErrors errors and
	// MaxResponseBytes of data (policy/budget.go).
	srv.Use(policy.ResponseBudget(policy.Budget{MaxResponseBytes: opts.MaxResponseBytes, MaxErrors: opts.MaxErrors}))
	srv.SetParserTokenLimit(tokens)
	if !opts.DisableIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// After the persisted query is resolved, before validation.
	srv.Use(policy.SelectionLimits(policy.Limits{MaxRootFields: opts.MaxRootFields, MaxAliases: opts.MaxAliases,
		MaxFields: opts.MaxFields, MaxRepeats: opts.MaxRepeats, ParserTokenLimit: opts.ParserTokenLimit,
		MaxDirectives: opts.MaxDirectives, MaxArguments: opts.MaxArguments, MaxVariables: opts.MaxVariables}))
	limit := opts.ComplexityLimit
	if limit <= 0 {
		limit = DefaultComplexityLimit
	}
	srv.Use(policy.ComplexityLimit(limit))
	srv.Use(policy.DepthLimit(opts.MaxDepth))
	srv.SetErrorPresenter(PresentError)
	srv.SetRecoverFunc(Recover)
	srv.AroundOperations(policy.Authorize(opts.Auth))
	if opts.AuditLog != nil {
		srv.AroundFields(r.auditField(opts.AuditLog))
	}
	srv.AroundOperations(withBookmark)
	srv.AroundRootFields(nameWrites)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		m := &graph.Meter{}
		ctx = withLoaders(graph.ContextWithMeter(ctx, m), r.Store)
		set := ctx.Value(loadersKey{}).(*loaderSet)
		if opts.AuditLog != nil {
			ctx = withAuditLog(ctx, opts.AuditLog)
		}
		rh := next(ctx)
		oc := graphql.GetOperationContext(ctx)
		asked := oc.Headers.Get(RoundTripsHeader) != ""
		if v, ok := oc.Extensions["roundTrips"].(bool); ok && v {
			asked = true
		}
		return func(ctx context.Context) *graphql.Response {
			resp := rh(graph.ContextWithMeter(ctx, m))
			set.snap.done() // the answer is built: its snapshot, if any, goes
			if resp != nil && asked {
				if resp.Extensions == nil {
					resp.Extensions = map[string]any{}
				}
				resp.Extensions["roundTrips"] = m.Count()
			}
			return resp
		}
	})
	return srv
}

// setComplexity prices every field by the most it can answer (costs.go),
// the analyses by their work (analysis.go).
func setComplexity(c *generated.ComplexityRoot, r *Resolver) {
	setListComplexity(c)        // costs.go
	setAnalysisComplexity(c, r) // analysis.go
}

var _ http.Handler = (*handler.Server)(nil)
