package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// spanAttr returns a span's attribute value, and whether it has it.
func spanAttr(s sdktrace.ReadOnlySpan, key attribute.Key) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func attrString(s sdktrace.ReadOnlySpan, key string) string {
	v, _ := spanAttr(s, attribute.Key(key))
	return v.String()
}

func attrInt(s sdktrace.ReadOnlySpan, key string) int64 {
	v, _ := spanAttr(s, attribute.Key(key))
	return v.AsInt64()
}

func TestTracing(t *testing.T) {
	store := testenv.Memory(t)
	if _, err := store.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	const (
		remoteTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		remoteSpan  = "00f067aa0ba902b7"
	)
	cases := []struct {
		name        string
		query       string
		traceparent bool
		opName      string // graphql.operation.name
		opType      string // graphql.operation.type ("" when refused before parsing)
		errCode     string // first orgnet.graphql.error_codes ("" when none)
		storeSpans  bool   // at least one store span expected
		storeErr    string // a store span with this orgnet.error.code expected
	}{
		{name: "query with traceparent", traceparent: true,
			query:  `query Chain { organisation(id: "org:shanqiuhui-makerspace-party-branch") { name parent { id } ancestors { id } } }`,
			opName: "Chain", opType: "query", storeSpans: true},
		{name: "not found", query: `query Missing { organisation(id: "org:nope") { id } }`,
			opName: "Missing", opType: "query", errCode: "NOT_FOUND", storeSpans: true},
		{name: "mutation", query: `mutation Rename { updateOrganisation(id: "org:nope", input: {name: "x"}) { id } }`,
			opName: "Rename", opType: "mutation", errCode: "NOT_FOUND", storeSpans: true, storeErr: string(graph.CodeNotFound)},
		{name: "refused by the alias limit", query: `query Many { ` + strings.Repeat(`a: stats { nodes } `, 30) + ` }`,
			opName: "", opType: "", errCode: "BAD_USER_INPUT"},
		{name: "syntax error", query: `query Broken { organisation(`, errCode: "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			app := New(Config{Store: store, StoreName: "memory", Logger: slog.New(slog.DiscardHandler), Tracing: Tracing{Provider: tp}})
			body, _ := json.Marshal(map[string]any{"query": c.query})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if c.traceparent {
				req.Header.Set("traceparent", "00-"+remoteTrace+"-"+remoteSpan+"-01")
			}
			w := httptest.NewRecorder()
			app.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			spans := rec.Ended()
			var httpSpan, opSpan sdktrace.ReadOnlySpan
			var storeSpans []sdktrace.ReadOnlySpan
			for _, s := range spans {
				switch {
				case s.SpanKind() == trace.SpanKindServer:
					if httpSpan != nil {
						t.Fatalf("two HTTP spans: %s, %s", httpSpan.Name(), s.Name())
					}
					httpSpan = s
				case strings.HasPrefix(s.Name(), "store."):
					storeSpans = append(storeSpans, s)
				default:
					if opSpan != nil {
						t.Fatalf("two operation spans: %s, %s", opSpan.Name(), s.Name())
					}
					opSpan = s
				}
			}
			if httpSpan == nil || opSpan == nil {
				t.Fatalf("want an HTTP and an operation span, got %d spans", len(spans))
			}

			// HTTP span: the route and status, continuing the caller's trace.
			if httpSpan.Name() != "POST /graphql" || attrString(httpSpan, "http.route") != "/graphql" ||
				attrString(httpSpan, "http.request.method") != "POST" || attrString(httpSpan, "http.response.status_code") != "200" && c.errCode == "" {
				t.Errorf("HTTP span %q: %v", httpSpan.Name(), httpSpan.Attributes())
			}
			if attrString(httpSpan, "orgnet.request_id") == "" {
				t.Errorf("HTTP span has no request id: %v", httpSpan.Attributes())
			}
			if c.traceparent {
				if got := httpSpan.SpanContext().TraceID().String(); got != remoteTrace {
					t.Errorf("trace id %s, want the caller's %s", got, remoteTrace)
				}
				if got := httpSpan.Parent().SpanID().String(); got != remoteSpan || !httpSpan.Parent().IsRemote() {
					t.Errorf("HTTP span parent %s (remote %v), want the caller's %s", got, httpSpan.Parent().IsRemote(), remoteSpan)
				}
			} else if httpSpan.Parent().IsValid() {
				t.Errorf("HTTP span has a parent %s without traceparent", httpSpan.Parent().SpanID())
			}

			// Operation span: below the HTTP span, named, typed, errors recorded.
			if opSpan.Parent().SpanID() != httpSpan.SpanContext().SpanID() {
				t.Errorf("operation span %q is not a child of the HTTP span", opSpan.Name())
			}
			if got := attrString(opSpan, "graphql.operation.name"); got != c.opName {
				t.Errorf("graphql.operation.name %q, want %q", got, c.opName)
			}
			if got := attrString(opSpan, "graphql.operation.type"); got != c.opType {
				t.Errorf("graphql.operation.type %q, want %q", got, c.opType)
			}
			if c.opType != "" && opSpan.Name() != c.opType+" "+c.opName {
				t.Errorf("operation span name %q", opSpan.Name())
			}
			codesV, _ := spanAttr(opSpan, AttrErrorCodes)
			switch {
			case c.errCode == "" && (opSpan.Status().Code == codes.Error || len(codesV.AsStringSlice()) > 0):
				t.Errorf("operation span has errors: %v %v", opSpan.Status(), codesV.AsStringSlice())
			case c.errCode != "":
				if got := codesV.AsStringSlice(); len(got) == 0 || got[0] != c.errCode {
					t.Errorf("error codes %v, want %s first", got, c.errCode)
				}
				if opSpan.Status().Code != codes.Error {
					t.Errorf("operation span status %v, want Error", opSpan.Status())
				}
				if !slices.ContainsFunc(opSpan.Events(), func(e sdktrace.Event) bool { return e.Name == "exception" }) {
					t.Errorf("no exception event: %v", opSpan.Events())
				}
			}

			// Store spans: below the operation span, with method and code.
			if c.opType == "" && len(storeSpans) > 0 {
				t.Errorf("a refused operation reached the store: %d store spans", len(storeSpans))
			}
			if c.storeSpans && len(storeSpans) == 0 {
				t.Error("no store span")
			}
			found := false
			for _, s := range storeSpans {
				if s.Parent().SpanID() != opSpan.SpanContext().SpanID() || s.SpanContext().TraceID() != httpSpan.SpanContext().TraceID() {
					t.Errorf("store span %s is not a child of the operation span", s.Name())
				}
				method := attrString(s, "orgnet.store.method")
				if method == "" || s.Name() != "store."+method || attrString(s, "orgnet.store") != "memory" || s.SpanKind() != trace.SpanKindInternal {
					t.Errorf("store span %s (%v): %v", s.Name(), s.SpanKind(), s.Attributes())
				}
				code := attrString(s, "orgnet.error.code")
				if code == "" {
					if s.Status().Code == codes.Error {
						t.Errorf("store span %s has status Error and no code", s.Name())
					}
					continue
				}
				if s.Status().Code != codes.Error || attrString(s, "error.type") != code || len(s.Events()) == 0 {
					t.Errorf("store span %s: status %v, error.type %q, %d events", s.Name(), s.Status(), attrString(s, "error.type"), len(s.Events()))
				}
				if code == c.storeErr {
					found = true
				}
			}
			if c.storeErr != "" && !found {
				t.Errorf("no store span with code %s", c.storeErr)
			}
		})
	}
}

// TestTracingOff checks that with no provider nothing is installed: the
// store and the GraphQL extensions stay as they were, and no route or
// middleware is added.
func TestTracingOff(t *testing.T) {
	store := testenv.Memory(t)
	cfg := Config{Store: store}
	e := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler)})
	routes := len(e.Routes())
	obs := useTracing(e, &cfg)
	if obs != nil || cfg.Store != store || cfg.GQL.Extensions != nil || len(e.Routes()) != routes {
		t.Errorf("tracing off changed the configuration: store observer %v, store %T, %d extensions, %d routes (was %d)",
			obs != nil, cfg.Store, len(cfg.GQL.Extensions), len(e.Routes()), routes)
	}
	if newTracer(Tracing{}) != nil {
		t.Error("a tracer without a provider")
	}
}

// TestStoreTracerSpans: the store tracer makes a span of every call, the
// one-call Expand and FindNodesExpand included (a paged organisations query
// kept its one statement with tracing on), named for the method, a client
// span on Neo4j, with its ids counted and its error's code recorded.
func TestStoreTracerSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)).Tracer("test")
	s := graph.Observe(testenv.Memory(t), storeTracer(tr, "neo4j"))
	ctx := context.Background()
	x := &graph.Expansion{Steps: []graph.ExpandStep{{Q: graph.RelQuery{Dir: graph.Both}}}}
	if _, err := s.Expand(ctx, graph.View{}, []string{"a", "b"}, x); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindNodesExpand(ctx, graph.View{}, graph.NodeFilter{}, graph.PageArgs{First: 5}, x); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Node(ctx, graph.View{}, "missing"); !errors.Is(err, graph.ErrNotFound) {
		t.Fatalf("Node(missing) = %v", err)
	}
	ended := rec.Ended()
	if len(ended) != 3 {
		t.Fatalf("%d spans; want 3", len(ended))
	}
	for i, want := range []string{"store.Expand", "store.FindNodesExpand", "store.Node"} {
		sp := ended[i]
		if sp.Name() != want || sp.SpanKind() != trace.SpanKindClient || attrString(sp, "db.system.name") != "neo4j" {
			t.Errorf("span %d: %s %v %v; want %s, a client span of neo4j", i, sp.Name(), sp.SpanKind(), sp.Attributes(), want)
		}
	}
	if ids := attrInt(ended[0], string(AttrStoreIDs)); ids != 2 {
		t.Errorf("Expand span: %d ids; want 2", ids)
	}
	if code := attrString(ended[2], string(AttrErrorCode)); code != string(graph.CodeNotFound) {
		t.Errorf("Node span error code %q; want %q", code, graph.CodeNotFound)
	}
}

func TestNewOTLPTracerProvider(t *testing.T) {
	cases := []struct {
		name     string
		endpoint string
		wantErr  bool
	}{
		{name: "host and port", endpoint: "http://127.0.0.1:1"},
		{name: "with path", endpoint: "https://127.0.0.1:1/custom/traces"},
		{name: "no scheme", endpoint: "127.0.0.1:4318", wantErr: true},
		{name: "other scheme", endpoint: "grpc://127.0.0.1:4317", wantErr: true},
		{name: "no host", endpoint: "http:///v1/traces", wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp, err := NewOTLPTracerProvider(context.Background(), OTLP{Endpoint: c.endpoint, SampleRatio: 1})
			if c.wantErr {
				if err == nil {
					_ = tp.Shutdown(context.Background())
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Nothing listens there: a span is exported in vain, and
			// shutting down still ends within its deadline.
			_, span := tp.Tracer("test").Start(context.Background(), "x")
			span.End()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			start := time.Now()
			_ = tp.Shutdown(ctx)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("shutdown took %v", d)
			}
		})
	}
}
