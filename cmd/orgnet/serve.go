package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
	"go.opentelemetry.io/otel"

	"github.com/orgnet/orgnet/graph"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
	"github.com/orgnet/orgnet/server/policy"
)

func serveCmd() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve GraphQL at /graphql and GraphiQL at /graphiql/ (seeds an empty store with the Yuelin network)",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen address", Sources: cli.EnvVars("ORGNET_ADDR")},
			&cli.BoolFlag{Name: "seed", Value: true, Usage: "seed the Yuelin network when the store is empty", Sources: cli.EnvVars("ORGNET_SEED")},
			&cli.DurationFlag{Name: "warmup", Usage: "warm the store up for at most this long before /readyz turns ready: read-only GraphQL through the server's own handler, and on Neo4j the write statements in rolled-back transactions (default: 45s with --store neo4j, off with memory; 0 turns it off)", Sources: cli.EnvVars("ORGNET_WARMUP")},
			&cli.BoolFlag{Name: "analysis-warm", Usage: "keep the graph that centrality and communities read loaded: from start, and patched with what each change touched, instead of loaded by the first caller after a change (on a province-sized graph a load takes minutes and ~2.3 GB; a patch, a second)", Sources: cli.EnvVars("ORGNET_ANALYSIS_WARM")},
			&cli.DurationFlag{Name: "follow-interval", Value: gql.DefaultFollowInterval, Usage: "how often to read the store's change feed for changes made elsewhere (other replicas, orgnet import or seed against the same store): graphChanged subscribers and the analysis caches hear of them within about this long", Sources: cli.EnvVars("ORGNET_FOLLOW_INTERVAL")},
			&cli.DurationFlag{Name: "request-timeout", Value: 30 * time.Second, Usage: "deadline for one request (its body must arrive within it too) and for each operation over a websocket", Sources: cli.EnvVars("ORGNET_REQUEST_TIMEOUT")},
			&cli.StringFlag{Name: "body-limit", Value: "2M", Usage: "largest request body", Sources: cli.EnvVars("ORGNET_BODY_LIMIT")},
			&cli.StringFlag{Name: "import-limit", Value: "256MiB", Usage: "largest file POST /import takes (admins only), instead of --body-limit", Sources: cli.EnvVars("ORGNET_IMPORT_LIMIT")},
			&cli.DurationFlag{Name: "import-timeout", Value: server.DefaultImportTimeout, Usage: "deadline for one POST /import, upload included, instead of --request-timeout", Sources: cli.EnvVars("ORGNET_IMPORT_TIMEOUT")},
			&cli.DurationFlag{Name: "export-write-timeout", Value: server.DefaultExportWriteTimeout, Usage: "how long one /export/* file may take (it is read from the store as it is sent)", Sources: cli.EnvVars("ORGNET_EXPORT_WRITE_TIMEOUT")},
			&cli.IntFlag{Name: "complexity-limit", Value: gql.DefaultComplexityLimit, Usage: "largest query cost", Sources: cli.EnvVars("ORGNET_COMPLEXITY_LIMIT")},
			&cli.BoolFlag{Name: "no-introspection", Usage: "turn GraphQL introspection off", Sources: cli.EnvVars("ORGNET_NO_INTROSPECTION")},
			&cli.IntFlag{Name: "max-depth", Value: policy.DefaultMaxDepth, Usage: "deepest selection nesting allowed", Sources: cli.EnvVars("ORGNET_MAX_DEPTH")},
			&cli.IntFlag{Name: "max-root-fields", Value: policy.DefaultMaxRootFields, Usage: "most root fields in one operation, aliased or repeated ones included", Sources: cli.EnvVars("ORGNET_MAX_ROOT_FIELDS")},
			&cli.IntFlag{Name: "max-aliases", Value: policy.DefaultMaxAliases, Usage: "most aliased fields in one operation", Sources: cli.EnvVars("ORGNET_MAX_ALIASES")},
			&cli.IntFlag{Name: "max-fields", Value: policy.DefaultMaxFields, Usage: "most fields in one operation, fragments counted each time they are spread", Sources: cli.EnvVars("ORGNET_MAX_FIELDS")},
			&cli.IntFlag{Name: "max-repeats", Value: policy.DefaultMaxRepeats, Usage: "most selections of one response name in one selection set", Sources: cli.EnvVars("ORGNET_MAX_REPEATS")},
			&cli.IntFlag{Name: "max-tokens", Value: policy.DefaultParserTokenLimit, Usage: "most lexical tokens in one GraphQL document", Sources: cli.EnvVars("ORGNET_MAX_TOKENS")},
			&cli.IntFlag{Name: "max-directives", Value: policy.DefaultMaxDirectives, Usage: "most directives written in one GraphQL document", Sources: cli.EnvVars("ORGNET_MAX_DIRECTIVES")},
			&cli.IntFlag{Name: "max-arguments", Value: policy.DefaultMaxArguments, Usage: "most arguments written in one GraphQL document, each item and field of a literal list or object counted", Sources: cli.EnvVars("ORGNET_MAX_ARGUMENTS")},
			&cli.IntFlag{Name: "max-variables", Value: policy.DefaultMaxVariables, Usage: "most variables declared in one GraphQL document", Sources: cli.EnvVars("ORGNET_MAX_VARIABLES")},
			&cli.IntFlag{Name: "max-errors", Value: policy.DefaultMaxErrors, Usage: "most errors one answer lists (then one says how many more)", Sources: cli.EnvVars("ORGNET_MAX_ERRORS")},
			&cli.StringFlag{Name: "max-response-bytes", Value: "16MiB", Usage: "largest answer: one that would be larger is cut off while it is built and answered with RESPONSE_TOO_LARGE", Sources: cli.EnvVars("ORGNET_MAX_RESPONSE_BYTES")},
			&cli.IntFlag{Name: "max-snapshots", Value: gql.DefaultSnapshotSlots, Usage: "most requests holding a snapshot of the whole network at once (planning, changes); others wait until their deadline", Sources: cli.EnvVars("ORGNET_MAX_SNAPSHOTS")},
			&cli.IntFlag{Name: "max-batch", Value: 1, Usage: "most operations in one JSON-array request (1: no batching)", Sources: cli.EnvVars("ORGNET_MAX_BATCH")},
			&cli.FloatFlag{Name: "rate-limit", Value: 50, Usage: "requests per second per token (or IP) on /graphql and /export; 0: off", Sources: cli.EnvVars("ORGNET_RATE_LIMIT")},
			&cli.IntFlag{Name: "rate-burst", Value: 100, Usage: "burst allowed above --rate-limit", Sources: cli.EnvVars("ORGNET_RATE_BURST")},
			&cli.StringFlag{Name: "anonymous-role", Usage: "role of requests without a token: none, viewer, planner, editor, admin (default: with --store memory editor on a loopback --addr and viewer elsewhere; none with neo4j)", Sources: cli.EnvVars("ORGNET_ANONYMOUS_ROLE")},
			&cli.BoolFlag{Name: "allow-anonymous-writes-on-network", Usage: "start even though --anonymous-role is editor or admin and --addr is not a loopback address: anyone who can reach the address may change or delete the network without a token", Sources: cli.EnvVars("ORGNET_ALLOW_ANONYMOUS_WRITES_ON_NETWORK")},
			&cli.StringSliceFlag{Name: "allowed-hosts", Usage: "host names served besides localhost, 127.0.0.1, [::1] and the --addr host (every interface address and the host name when it listens on all): the names users or a proxy reach it by; *.example.org for every name below example.org; * turns the check off. Other Host headers get 421 HOST_NOT_ALLOWED", Sources: cli.EnvVars("ORGNET_ALLOWED_HOSTS")},
			&cli.StringSliceFlag{Name: "trusted-proxies", Usage: "addresses or CIDR blocks of reverse proxies whose X-Forwarded-For / X-Real-IP name the caller (for the rate limit and the logs); default none: the headers are ignored", Sources: cli.EnvVars("ORGNET_TRUSTED_PROXIES")},
			&cli.IntFlag{Name: "max-sockets", Value: server.DefaultMaxSockets, Usage: "most websockets one token (or one IP without a token) holds open", Sources: cli.EnvVars("ORGNET_MAX_SOCKETS")},
			&cli.DurationFlag{Name: "socket-idle-timeout", Value: server.DefaultSocketIdleTimeout, Usage: "close a websocket that ran no operation for this long and runs none (a live subscription keeps it open; keep-alive pings do not)", Sources: cli.EnvVars("ORGNET_SOCKET_IDLE_TIMEOUT")},
			&cli.StringFlag{Name: "tokens-file", Usage: "static bearer tokens, one \"token role name\" a line", Sources: cli.EnvVars("ORGNET_TOKENS_FILE")},
			&cli.StringFlag{Name: "jwt-secret", Usage: "accept HS256 JWTs signed with this secret", Sources: cli.EnvVars("ORGNET_JWT_SECRET")},
			&cli.StringFlag{Name: "jwt-public-key", Usage: "accept RS256 JWTs signed by this PEM public key file", Sources: cli.EnvVars("ORGNET_JWT_PUBLIC_KEY")},
			&cli.StringFlag{Name: "jwt-issuer", Usage: "required JWT iss", Sources: cli.EnvVars("ORGNET_JWT_ISSUER")},
			&cli.StringFlag{Name: "jwt-audience", Usage: "required JWT aud", Sources: cli.EnvVars("ORGNET_JWT_AUDIENCE")},
			&cli.StringFlag{Name: "audit-log", Usage: "append-only audit log of mutations (default <data-dir>/audit.log with --store memory)", Sources: cli.EnvVars("ORGNET_AUDIT_LOG")},
			&cli.StringSliceFlag{Name: "cors-origins", Usage: "origins allowed to call the API from a browser (default none)", Sources: cli.EnvVars("ORGNET_CORS_ORIGINS")},
			&cli.StringFlag{Name: "tls-cert", Usage: "TLS certificate file (with --tls-key: serve HTTPS)", Sources: cli.EnvVars("ORGNET_TLS_CERT")},
			&cli.StringFlag{Name: "tls-key", Usage: "TLS key file", Sources: cli.EnvVars("ORGNET_TLS_KEY")},
			&cli.StringFlag{Name: "otel-endpoint", Usage: "send OpenTelemetry traces to this OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (default: off, unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set)", Sources: cli.EnvVars("ORGNET_OTEL_ENDPOINT")},
			&cli.FloatFlag{Name: "otel-sample-ratio", Value: 1, Usage: "share of new traces sampled, 0 to 1 (a caller's traceparent decision is followed; default: OTEL_TRACES_SAMPLER, else all)", Sources: cli.EnvVars("ORGNET_OTEL_SAMPLE_RATIO")},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			start := time.Now()
			// Refuse an unsafe exposure before touching any data.
			name := cmd.String("store")
			sec, audit, err := securityConfig(cmd, name)
			if err != nil {
				return err
			}
			if audit != nil {
				defer audit.Close()
			}
			store, name, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			if cmd.Bool("seed") {
				c, err := store.Counts(ctx, graph.View{})
				if err != nil {
					return fmt.Errorf("count the store: %w", err)
				}
				if c.Nodes == 0 {
					res, err := store.Apply(graph.WithOperation(ctx, graph.Operation{Name: "seed"}), seed.Yuelin())
					if err != nil {
						return fmt.Errorf("seed the Yuelin network: %w", err)
					}
					slog.Info("seeded an empty store with the Yuelin network", "nodes", res.NodesCreated, "edges", res.EdgesCreated)
				} else if err := migrate(ctx, store); err != nil {
					return err
				}
			}
			if (cmd.String("tls-cert") == "") != (cmd.String("tls-key") == "") {
				return errors.New("--tls-cert and --tls-key go together")
			}
			tracing, stopTracing, err := tracingConfig(ctx, cmd)
			if err != nil {
				return err
			}
			defer stopTracing()
			importLimit, err := server.ParseSize(cmd.String("import-limit"))
			if err != nil || importLimit == 0 {
				return fmt.Errorf("--import-limit %q: want a size such as 256MiB", cmd.String("import-limit"))
			}
			maxResponse, err := server.ParseSize(cmd.String("max-response-bytes"))
			if err != nil || maxResponse <= 0 {
				return fmt.Errorf("--max-response-bytes %q: want a size such as 16MiB", cmd.String("max-response-bytes"))
			}
			warm, err := warmUp(cmd, store, name)
			if err != nil {
				return err
			}
			app := server.New(server.Config{
				Store: store, StoreName: name, Logger: slog.Default(),
				BodyLimit: cmd.String("body-limit"), RequestTimeout: cmd.Duration("request-timeout"),
				ImportLimit: importLimit, ImportTimeout: cmd.Duration("import-timeout"), ExportWriteTimeout: cmd.Duration("export-write-timeout"),
				GQL: gql.Options{
					ComplexityLimit: int(cmd.Int("complexity-limit")), DisableIntrospection: cmd.Bool("no-introspection"),
					MaxDepth: int(cmd.Int("max-depth")), AuditLog: audit,
					MaxRootFields: int(cmd.Int("max-root-fields")), MaxAliases: int(cmd.Int("max-aliases")),
					MaxFields: int(cmd.Int("max-fields")), MaxRepeats: int(cmd.Int("max-repeats")),
					ParserTokenLimit: int(cmd.Int("max-tokens")),
					MaxDirectives:    int(cmd.Int("max-directives")), MaxArguments: int(cmd.Int("max-arguments")),
					MaxVariables: int(cmd.Int("max-variables")), MaxErrors: int(cmd.Int("max-errors")),
					MaxResponseBytes: maxResponse,
				},
				Security:       sec,
				Tracing:        tracing,
				WarmUp:         warm,
				SnapshotSlots:  int(cmd.Int("max-snapshots")),
				FollowInterval: cmd.Duration("follow-interval"),
				AnalysisWarm:   cmd.Bool("analysis-warm"),
			})
			ln, err := net.Listen("tcp", cmd.String("addr"))
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cmd.String("addr"), err)
			}
			srv := server.NewHTTPServer(app, cmd.Duration("request-timeout"))
			errc := make(chan error, 1)
			scheme := "http"
			if cert := cmd.String("tls-cert"); cert != "" {
				scheme = "https"
				go func() { errc <- srv.ServeTLS(ln, cert, cmd.String("tls-key")) }()
			} else {
				go func() { errc <- srv.Serve(ln) }()
			}
			url := scheme + "://" + ln.Addr().String()
			slog.Info("orgnet is serving", "store", name, "anonymous", sec.Auth.AnonymousRole().String(), "graphiql", url+"/graphiql/", "graphql", url+"/graphql",
				"hosts", strings.Join(sec.AllowedHosts, ","), "startup", time.Since(start).Round(time.Millisecond))
			if warm != nil {
				go warm.Run(ctx) // /readyz answers 503 "warming up" until it returns
			}
			select {
			case err := <-errc:
				if errors.Is(err, http.ErrServerClosed) {
					return nil
				}
				return err
			case <-ctx.Done():
			}
			slog.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		},
	}
}

// warmUp reads --warmup: nil when it is off. On Neo4j the store warm-up
// plans the write statements too (in transactions that are rolled back).
func warmUp(cmd *cli.Command, store graph.Store, storeName string) (*server.WarmUp, error) {
	budget := time.Duration(0)
	if storeName == "neo4j" {
		budget = 45 * time.Second
	}
	if cmd.IsSet("warmup") {
		budget = cmd.Duration("warmup")
	}
	if budget < 0 {
		return nil, fmt.Errorf("--warmup %v: want 0 (off) or more", budget)
	}
	if budget == 0 {
		return nil, nil
	}
	opts := server.WarmUpOptions{Budget: budget, Logger: slog.Default()}
	if ns, ok := store.(*neo4jstore.Store); ok {
		// A freshly started Neo4j JVM: keep warming while its JIT works.
		opts.ColdMin = min(30*time.Second, budget)
		opts.MaxRounds = 100000 // the budget bounds it; 50 rounds took 15 s on a cold JVM
		opts.Store = func(ctx context.Context) error {
			_, err := ns.WarmWrites(ctx)
			return err
		}
	}
	return server.NewWarmUp(opts), nil
}

// seedStore loads the Yuelin network (idempotent: an upsert of the same
// nodes and edges), after bringing a store written before sources were
// registered up to date (migrate).
func seedStore(ctx context.Context, s graph.Store) (graph.ApplyResult, error) {
	ctx = graph.WithOperation(ctx, graph.Operation{Name: "seed"})
	if err := migrate(ctx, s); err != nil {
		return graph.ApplyResult{}, err
	}
	return s.Apply(ctx, seed.Yuelin())
}

// migrate registers the Yuelin article in a store written before sources
// were, and gives its id to the stored ARTICLE facts that quote it
// (seed.Migrate); it logs what it did, and does nothing on a store that
// needs nothing.
func migrate(ctx context.Context, s graph.Store) error {
	rep, err := seed.Migrate(ctx, s)
	if err != nil {
		return fmt.Errorf("register the Yuelin article and migrate stated facts: %w", err)
	}
	if rep.Registered {
		slog.Info("registered the Yuelin article as a source; stored ARTICLE facts now cite it",
			"source", seed.YuelinSourceID, "cited", rep.Cited, "downgraded", len(rep.Downgraded))
		for _, d := range rep.Downgraded {
			slog.Warn("an ARTICLE fact whose quote is not in the article is now USER", "fact", d, "ref", graph.LegacyRef(seed.YuelinSourceID))
		}
	}
	return nil
}

// tracingConfig reads the OpenTelemetry flags: tracing is on with
// --otel-endpoint or the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, and
// off (no cost) otherwise. stop flushes the spans still buffered.
func tracingConfig(ctx context.Context, cmd *cli.Command) (t server.Tracing, stop func(), err error) {
	endpoint := cmd.String("otel-endpoint")
	if endpoint == "" && !server.OTLPFromEnv() {
		return server.Tracing{}, func() {}, nil
	}
	ratio := -1.0 // the SDK's default: OTEL_TRACES_SAMPLER, else every trace
	if cmd.IsSet("otel-sample-ratio") {
		ratio = cmd.Float("otel-sample-ratio")
		if ratio < 0 || ratio > 1 {
			return t, nil, fmt.Errorf("--otel-sample-ratio %v: want 0 to 1", ratio)
		}
	}
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { slog.Warn("opentelemetry", "err", err) }))
	tp, err := server.NewOTLPTracerProvider(ctx, server.OTLP{Endpoint: endpoint, SampleRatio: ratio, ServiceVersion: version})
	if err != nil {
		return t, nil, err
	}
	slog.Info("tracing to an OTLP/HTTP collector", "endpoint", cmp.Or(endpoint, "from OTEL_EXPORTER_OTLP_* environment"))
	return server.Tracing{Provider: tp}, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tp.Shutdown(sctx); err != nil {
			slog.Warn("flush the last traces", "err", err)
		}
	}, nil
}

// anonymousRole decides the role of callers without a token. Without
// --anonymous-role, the embedded store (a local demo) lets anyone edit when
// it listens on loopback only, and view otherwise; Neo4j (a deployment) lets
// no one in without a token. An anonymous editor or admin on an address
// other machines reach is refused unless the operator says so explicitly.
func anonymousRole(storeName, addr, flag string, allowNetwork bool) (auth.Role, error) {
	loopback := server.IsLoopbackAddr(addr)
	anon := auth.RoleNone
	if storeName == "memory" {
		anon = auth.RoleViewer
		if loopback {
			anon = auth.RoleEditor
		}
	}
	if flag != "" {
		r, err := auth.ParseRole(flag)
		if err != nil {
			return anon, fmt.Errorf("--anonymous-role: %w", err)
		}
		anon = r
	}
	if anon < auth.RoleEditor || loopback {
		return anon, nil
	}
	if !allowNetwork {
		return anon, fmt.Errorf("refusing to start: --anonymous-role %s on --addr %s would let anyone who can reach that address "+
			"change or delete the network without a token. Give callers tokens (--tokens-file, or --jwt-secret and `orgnet token`; "+
			"see server/auth/README.md) and set --anonymous-role viewer or none; or listen on 127.0.0.1; or, if everyone who can "+
			"reach %s may write, pass --allow-anonymous-writes-on-network", anon, addr, addr)
	}
	slog.Warn("anonymous callers may write, on an address other machines reach (--allow-anonymous-writes-on-network)", "role", anon.String(), "addr", addr)
	return anon, nil
}

// securityConfig reads the authentication, audit and hardening flags.
func securityConfig(cmd *cli.Command, storeName string) (server.Security, *auth.AuditLog, error) {
	addr := cmd.String("addr")
	anon, err := anonymousRole(storeName, addr, cmd.String("anonymous-role"), cmd.Bool("allow-anonymous-writes-on-network"))
	if err != nil {
		return server.Security{}, nil, err
	}
	if storeName == "memory" && anon == auth.RoleViewer && !cmd.IsSet("anonymous-role") {
		slog.Info("anonymous callers may only read: --addr is not a loopback address (tokens or --anonymous-role change that)", "addr", addr)
	}
	acfg := auth.Config{
		Anonymous: anon, TokensFile: cmd.String("tokens-file"), JWTPublicKeyFile: cmd.String("jwt-public-key"),
		JWTIssuer: cmd.String("jwt-issuer"), JWTAudience: cmd.String("jwt-audience"),
	}
	if s := cmd.String("jwt-secret"); s != "" {
		if len(s) < auth.MinSecretLen {
			return server.Security{}, nil, fmt.Errorf("--jwt-secret must be at least %d characters", auth.MinSecretLen)
		}
		acfg.JWTSecret = []byte(s)
	}
	a, err := auth.New(acfg)
	if err != nil {
		return server.Security{}, nil, err
	}
	if anon == auth.RoleNone && !a.AcceptsTokens() {
		slog.Warn("no one can use this server: anonymous access is off (--anonymous-role none) and no tokens are configured (--tokens-file, --jwt-secret or --jwt-public-key)")
	}
	hosts := server.DefaultAllowedHosts(addr)
	for _, h := range cmd.StringSlice("allowed-hosts") {
		if strings.TrimSpace(h) == "" {
			continue // ORGNET_ALLOWED_HOSTS= (compose's default)
		}
		if err := server.ValidateHostPattern(h); err != nil {
			return server.Security{}, nil, fmt.Errorf("--allowed-hosts: %w", err)
		}
		hosts = append(hosts, strings.TrimSpace(h))
	}
	proxies, err := server.ParseCIDRs(cmd.StringSlice("trusted-proxies"))
	if err != nil {
		return server.Security{}, nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	if cmd.Int("max-sockets") < 1 {
		return server.Security{}, nil, fmt.Errorf("--max-sockets %d: want 1 or more", cmd.Int("max-sockets"))
	}
	if cmd.Duration("socket-idle-timeout") <= 0 {
		return server.Security{}, nil, fmt.Errorf("--socket-idle-timeout %v: want a positive duration", cmd.Duration("socket-idle-timeout"))
	}
	path := cmd.String("audit-log")
	if path == "" && storeName == "memory" {
		path = filepath.Join(cmd.String("data-dir"), "audit.log")
	}
	var audit *auth.AuditLog
	if path != "" {
		if audit, err = auth.OpenAuditLog(path); err != nil {
			return server.Security{}, nil, err
		}
	}
	return server.Security{
		Auth:              a,
		AdminPaths:        []string{"/metrics", "/debug/pprof", "/import"},
		CORSOrigins:       cmd.StringSlice("cors-origins"),
		RateLimit:         cmd.Float("rate-limit"),
		RateBurst:         int(cmd.Int("rate-burst")),
		MaxBatch:          int(cmd.Int("max-batch")),
		AllowedHosts:      hosts,
		TrustedProxies:    proxies,
		MaxSockets:        int(cmd.Int("max-sockets")),
		SocketIdleTimeout: cmd.Duration("socket-idle-timeout"),
	}, audit, nil
}
