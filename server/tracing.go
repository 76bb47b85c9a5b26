package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/labstack/echo/v4"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orgnet/orgnet/graph"
)

// Tracing turns on OpenTelemetry spans: one per HTTP request (echo), one
// per GraphQL operation below it and one per store call below that, all
// nested through the request context. The zero value is off: no middleware,
// no GraphQL extension and no store observer are installed, so tracing
// costs nothing unless asked for.
type Tracing struct {
	// Provider makes the tracer; nil: tracing off.
	Provider trace.TracerProvider
	// Propagator reads the caller's trace context from the request headers
	// (nil: W3C traceparent/tracestate and baggage).
	Propagator propagation.TextMapPropagator
}

// TracerName is the instrumentation scope of orgnet's spans.
const TracerName = "github.com/orgnet/orgnet/server"

// Attributes of orgnet's own (beyond the OpenTelemetry semantic conventions).
const (
	// AttrRequestID is the request id (X-Request-ID) on the HTTP span.
	AttrRequestID = attribute.Key("orgnet.request_id")
	// AttrErrorCodes lists the extensions.code of a GraphQL response's
	// errors on the operation span.
	AttrErrorCodes = attribute.Key("orgnet.graphql.error_codes")
	// AttrStore is the store's name ("memory" or "neo4j") on a store span.
	AttrStore = attribute.Key("orgnet.store")
	// AttrStoreMethod is the graph.Store method on a store span.
	AttrStoreMethod = attribute.Key("orgnet.store.method")
	// AttrStoreIDs is how many ids a batched store call asked for.
	AttrStoreIDs = attribute.Key("orgnet.store.ids")
	// AttrErrorCode is the error's graph code (invalid, not_found,
	// conflict, unavailable, internal, …) on a failed store span; the same
	// value is in error.type.
	AttrErrorCode = attribute.Key("orgnet.error.code")
)

// tracer holds what the tracing hooks share; nil when tracing is off.
type tracer struct {
	t    trace.Tracer
	prop propagation.TextMapPropagator
}

func newTracer(cfg Tracing) *tracer {
	if cfg.Provider == nil {
		return nil
	}
	prop := cfg.Propagator
	if prop == nil {
		prop = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	}
	return &tracer{t: cfg.Provider.Tracer(TracerName), prop: prop}
}

// middleware starts the HTTP server span, continuing the caller's trace
// when the request carries a traceparent header.
func (tr *tracer) middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			ctx := tr.prop.Extract(req.Context(), propagation.HeaderCarrier(req.Header))
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			scheme := "http"
			if req.TLS != nil {
				scheme = "https"
			}
			ctx, span := tr.t.Start(ctx, req.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(
					semconv.HTTPRequestMethodKey.String(req.Method),
					semconv.HTTPRoute(route),
					semconv.URLPath(req.URL.Path),
					semconv.URLScheme(scheme),
					semconv.ServerAddress(req.Host),
					semconv.UserAgentOriginal(req.UserAgent()),
				))
			defer span.End()
			c.SetRequest(req.WithContext(ctx))
			err := next(c)
			status := responseStatus(c, err)
			span.SetAttributes(semconv.HTTPResponseStatusCode(status))
			if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
				span.SetAttributes(AttrRequestID.String(id))
			}
			if status >= 500 {
				span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(status)))
				span.SetStatus(codes.Error, http.StatusText(status))
				if err != nil {
					span.RecordError(err)
				}
			}
			return err
		}
	}
}

// responseStatus is the status the request will be answered with: echo
// answers a returned error after the middleware chain.
func responseStatus(c echo.Context, err error) int {
	if err == nil {
		return c.Response().Status
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	if c.Response().Committed {
		return c.Response().Status
	}
	return http.StatusInternalServerError
}

// gqlTracing is the gqlgen extension making the GraphQL operation span.
// Registered first, it wraps the whole operation, so the store spans of its
// resolvers are its children. An operation refused before it ran (parse,
// validation, limits, authorisation) still gets a span, with its errors.
type gqlTracing struct{ t trace.Tracer }

var (
	_ graphql.HandlerExtension     = gqlTracing{}
	_ graphql.OperationInterceptor = gqlTracing{}
	_ graphql.ResponseInterceptor  = gqlTracing{}
)

type opSpanKey struct{}

func (gqlTracing) ExtensionName() string                   { return "OpenTelemetry" }
func (gqlTracing) Validate(graphql.ExecutableSchema) error { return nil }

// operationAttrs names the operation: its name (or operationName, or
// "anonymous") and its type.
func operationAttrs(ctx context.Context) (string, []attribute.KeyValue) {
	name, typ := "", ""
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name = oc.OperationName
		if oc.Operation != nil {
			typ = string(oc.Operation.Operation)
			if name == "" {
				name = oc.Operation.Name
			}
		}
	}
	attrs := make([]attribute.KeyValue, 0, 2)
	spanName := "GraphQL Operation"
	if typ != "" {
		attrs = append(attrs, semconv.GraphQLOperationTypeKey.String(typ))
		spanName = typ
	}
	if name != "" {
		attrs = append(attrs, semconv.GraphQLOperationName(name))
		if typ != "" {
			spanName += " " + name
		}
	}
	return spanName, attrs
}

func (g gqlTracing) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	spanName, attrs := operationAttrs(ctx)
	ctx, span := g.t.Start(ctx, spanName, trace.WithAttributes(attrs...))
	ctx = context.WithValue(ctx, opSpanKey{}, span)
	rh := next(ctx)
	subscription := false
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
		subscription = oc.Operation.Operation == "subscription"
	}
	var once sync.Once
	end := func() { once.Do(func() { span.End() }) }
	return func(ctx context.Context) *graphql.Response {
		resp := rh(ctx)
		if resp == nil {
			end()
			return nil
		}
		recordGraphQLErrors(span, resp.Errors)
		if !subscription {
			end()
		}
		return resp
	}
}

// InterceptResponse makes the span of an operation refused before it ran
// (the operation's own responses pass through).
func (g gqlTracing) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if ctx.Value(opSpanKey{}) != nil {
		return next(ctx)
	}
	spanName, attrs := operationAttrs(ctx)
	ctx, span := g.t.Start(ctx, spanName, trace.WithAttributes(attrs...))
	defer span.End()
	resp := next(ctx)
	if resp != nil {
		recordGraphQLErrors(span, resp.Errors)
	}
	return resp
}

// maxErrorEvents bounds the error events of one span.
const maxErrorEvents = 10

// recordGraphQLErrors records a response's errors: their codes, an event
// for each of the first few, and the span's status.
func recordGraphQLErrors(span trace.Span, errs gqlerror.List) {
	if len(errs) == 0 {
		return
	}
	codeList := make([]string, 0, len(errs))
	for i, e := range errs {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		codeList = append(codeList, code)
		if i < maxErrorEvents {
			span.RecordError(e, trace.WithAttributes(attribute.String("graphql.error.code", code),
				attribute.String("graphql.error.path", e.Path.String())))
		}
	}
	span.SetAttributes(AttrErrorCodes.StringSlice(codeList))
	span.SetStatus(codes.Error, codeList[0]+": "+errs[0].Message)
}

// useTracing installs the hooks on e and the GraphQL options, and returns
// the observer that traces store calls (graph.Observe); with tracing off it
// changes nothing and returns nil. It is the one hook New calls.
func useTracing(e *echo.Echo, cfg *Config) graph.Observer {
	tr := newTracer(cfg.Tracing)
	if tr == nil {
		return nil
	}
	e.Use(tr.middleware())
	cfg.GQL.Extensions = append([]graphql.HandlerExtension{gqlTracing{t: tr.t}}, cfg.GQL.Extensions...)
	return storeTracer(tr.t, cfg.StoreName)
}

// OTLP configures the OTLP/HTTP exporter of NewOTLPTracerProvider.
type OTLP struct {
	// Endpoint is the collector's URL, e.g. http://127.0.0.1:4318 (the
	// path /v1/traces is added when there is none). Empty: the standard
	// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT.
	Endpoint string
	// SampleRatio samples that share of new traces (a caller's sampled
	// flag is followed). Negative: the SDK's default (OTEL_TRACES_SAMPLER,
	// else every trace).
	SampleRatio float64
	// ServiceVersion is reported as service.version when set.
	ServiceVersion string
}

// OTLPFromEnv reports whether the standard environment asks for an OTLP
// trace exporter.
func OTLPFromEnv() bool {
	return os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != ""
}

// NewOTLPTracerProvider returns a tracer provider batching spans to an OTLP
// collector over HTTP. Its Shutdown flushes them; call it on exit. The
// service name is orgnet unless OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES say otherwise.
func NewOTLPTracerProvider(ctx context.Context, cfg OTLP) (*sdktrace.TracerProvider, error) {
	var opts []otlptracehttp.Option
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("OTLP endpoint %q: want http(s)://host:port[/path]", cfg.Endpoint)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/v1/traces"
		}
		opts = append(opts, otlptracehttp.WithEndpointURL(u.String()))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	attrs := []attribute.KeyValue{semconv.ServiceName("orgnet")}
	if cfg.ServiceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(cfg.ServiceVersion))
	}
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost())
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	popts := []sdktrace.TracerProviderOption{sdktrace.WithBatcher(exp), sdktrace.WithResource(res)}
	if cfg.SampleRatio >= 0 {
		popts = append(popts, sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))))
	}
	return sdktrace.NewTracerProvider(popts...), nil
}
