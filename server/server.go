// Package server is the orgnet HTTP application (echo): GraphQL at /graphql,
// GraphiQL at /graphiql/, health at /healthz and /readyz.
package server

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/examples"
	"github.com/orgnet/orgnet/server/gql"
	"github.com/orgnet/orgnet/web"
)

// Config configures the application.
type Config struct {
	Store     graph.Store
	StoreName string // "memory" or "neo4j"
	Logger    *slog.Logger
	// BodyLimit caps request bodies (echo syntax, e.g. "2M"; default 2M).
	BodyLimit string
	// RequestTimeout bounds each request's work (default 30s).
	RequestTimeout time.Duration
	GQL            gql.Options
	// Broker carries changes to subscribers and caches (a new one if nil).
	// A Follower of the store's change feed feeds it (follow).
	Broker *gql.Broker
	// FollowInterval is how often the follower reads the store's change
	// feed when nothing wakes it (gql.DefaultFollowInterval when 0): a change
	// made through another replica, or by the command line, reaches this
	// one's subscribers and caches within about this long.
	FollowInterval time.Duration
	// Security: authentication, roles, rate limit, CORS, headers (see
	// security.go). The zero value is the open local demo.
	Security Security
	// Tracing: OpenTelemetry spans (see tracing.go). The zero value is off.
	Tracing Tracing
	// ImportLimit caps POST /import bodies, which BodyLimit does not
	// (bytes; default DefaultImportLimit, 256 MiB); ImportTimeout bounds an
	// import instead of RequestTimeout (default DefaultImportTimeout).
	ImportLimit   int64
	ImportTimeout time.Duration
	// ExportWriteTimeout is how long one /export/* file may take, instead of
	// RequestTimeout and the server's WriteTimeout (default
	// DefaultExportWriteTimeout): it is read and sent at once (export.go).
	ExportWriteTimeout time.Duration
	// WarmUp, when set, keeps /readyz at 503 until its Run has returned
	// (see warm.go); it runs its documents through this app's handler.
	WarmUp *WarmUp
	// SnapshotSlots bounds the operations that hold the whole network at
	// once (default gql.DefaultSnapshotSlots).
	SnapshotSlots int
	// AnalysisWarm keeps the graph analysis reads loaded: at start, and
	// patched after each change, instead of loaded by the first caller
	// (orgnet serve --analysis-warm; docs/scale.md §5.2).
	AnalysisWarm bool
}

// New returns the echo application.
func New(cfg Config) *echo.Echo {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "2M"
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(e)
	traced := useTracing(e, &cfg) // tracing.go: HTTP span middleware (outermost), GraphQL extension, store spans; nothing when off
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			cfg.Logger.Error("panic in handler", "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.RequestID())
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true, LogRemoteIP: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			cfg.Logger.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("id", v.RequestID), slog.String("ip", v.RemoteIP))
			return nil
		},
	}))
	// POST /import has its own limit and timeout (import.go).
	isImport := func(c echo.Context) bool { return c.Request().URL.Path == "/import" }
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cfg.BodyLimit, Skipper: isImport}))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout: cfg.RequestTimeout,
		// A subscription lives as long as its websocket.
		Skipper: func(c echo.Context) bool { return c.IsWebSocket() || isImport(c) },
	}))

	ws := useSecurity(e, cfg.Security, cfg.RequestTimeout)
	// The one place the store is observed: metrics.go counts every call
	// (/metrics, /debug/pprof/), tracing.go makes it a span. The change
	// feed's follower reads the store unobserved: its polls are no
	// request's.
	bare := cfg.Store
	metrics := observe(e)
	cfg.Store = graph.Observe(cfg.Store, metrics.StoreObserver(), traced)
	// Websocket operations: the same rate limit, token check and deadline as
	// HTTP (sockets.go); sockets counted per caller at connection_init.
	cfg.GQL.Extensions = append(cfg.GQL.Extensions, ws)
	cfg.GQL.WebsocketInit = ws.initHook
	cfg.GQL.WebsocketOriginPatterns = wsOriginPatterns(cfg.Security.CORSOrigins)

	if cfg.Broker == nil {
		cfg.Broker = gql.NewBroker()
	}
	follow(bare, cfg.Broker, cfg.FollowInterval, cfg.Logger)
	synced := bookmarks(cfg.Store, cfg.Broker)
	if cfg.GQL.Auth == nil {
		cfg.GQL.Auth = cfg.Security.Auth
	}
	// One gate for every whole-graph snapshot (snapshots.go).
	snapshots := gql.NewSnapshotGate(cfg.SnapshotSlots)
	res := &gql.Resolver{Store: cfg.Store, StoreName: cfg.StoreName, Broker: cfg.Broker, Snapshots: snapshots}
	gh := gql.NewHandler(res, cfg.GQL)
	metrics.analysis(res.AnalysisCache())
	if cfg.AnalysisWarm {
		go res.AnalysisCache().Warm(context.Background(), cfg.Logger)
	}
	if cfg.WarmUp != nil {
		cfg.WarmUp.attach(gh)
	}
	e.Any("/graphql", echo.WrapHandler(batching(gh, cfg.Security.MaxBatch)), synced)
	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusFound, "/explore/") })
	e.GET("/graphiql", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/graphiql/") })
	e.GET("/graphiql/examples.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, examples.JSON())
	})
	e.GET("/graphiql/*", echo.WrapHandler(http.StripPrefix("/graphiql/", http.FileServerFS(web.GraphiQL()))))
	e.GET("/explore", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/explore/") })
	e.GET("/explore/*", echo.WrapHandler(http.StripPrefix("/explore/", http.FileServerFS(web.Explore()))))
	exportTimeout := cmp.Or(max(cfg.ExportWriteTimeout, 0), DefaultExportWriteTimeout)
	e.GET("/export/:format", exportHandler(cfg.Store, exportTimeout), writeAllowance(exportTimeout), synced)
	e.GET("/export/scenario/:format", scenarioTable(cfg.Store), synced)
	im := &importer{store: cfg.Store, limit: cfg.ImportLimit, timeout: cfg.ImportTimeout, audit: cfg.GQL.AuditLog, broker: cfg.Broker, logger: cfg.Logger}
	if im.limit <= 0 {
		im.limit = DefaultImportLimit
	}
	if im.timeout <= 0 {
		im.timeout = DefaultImportTimeout
	}
	// An admin's import may take --import-timeout to upload and answer,
	// past the server's ReadTimeout and WriteTimeout (timeouts.go).
	e.POST("/import", im.handle, importAuth(cfg.Security.Auth), readAllowance(im.timeout), writeAllowance(im.timeout+writeGrace), synced)
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		if cfg.WarmUp.Warming() {
			return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "warming up", "reason": "warming up", "store": cfg.StoreName, "rounds": cfg.WarmUp.rounds.Load()})
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		if err := cfg.Store.Ping(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": cfg.StoreName, "error": graph.ErrorMessage(err)})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready", "store": cfg.StoreName})
	})
	return e
}

// errorHandler answers echo's own errors (404, 413, …) as JSON; anything
// unexpected is a logged 500 with no detail leaked.
func errorHandler(e *echo.Echo) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		code := http.StatusInternalServerError
		msg := "internal error"
		var he *echo.HTTPError
		if errors.As(err, &he) {
			code = he.Code
			if m, ok := he.Message.(string); ok {
				msg = m
			}
		}
		if code >= 500 {
			slog.Error("http error", "err", err, "uri", c.Request().RequestURI)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(code)
			return
		}
		_ = c.JSON(code, map[string]string{"error": msg})
	}
}
