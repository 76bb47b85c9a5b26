package server

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orgnet/orgnet/graph"
)

// TraceStore wraps s so that every call is a span (a child of the span in
// its context): named "store.<Method>", with the store's name and method
// and, on error, the error recorded with its graph code. storeName is
// "memory" or "neo4j". A store that answers an Expansion in one round trip
// (graph.Expander) keeps doing so.
func TraceStore(s graph.Store, t trace.Tracer, storeName string) graph.Store {
	if s == nil || t == nil {
		return s
	}
	kind := trace.SpanKindInternal
	attrs := []attribute.KeyValue{AttrStore.String(storeName)}
	if storeName == "neo4j" {
		kind = trace.SpanKindClient // each call is a round trip to Neo4j
		attrs = append(attrs, semconv.DBSystemNameKey.String("neo4j"))
	}
	ts := &tracedStore{s: s, t: t, kind: kind, attrs: attrs}
	if x, ok := s.(graph.Expander); ok {
		return &tracedExpander{tracedStore: ts, x: x}
	}
	return ts
}

type tracedStore struct {
	s     graph.Store
	t     trace.Tracer
	kind  trace.SpanKind
	attrs []attribute.KeyValue
}

// start begins the span of one call; ids > 0 is how many ids it asks for.
func (ts *tracedStore) start(ctx context.Context, method string, ids int) (context.Context, trace.Span) {
	attrs := make([]attribute.KeyValue, 0, len(ts.attrs)+3)
	attrs = append(attrs, ts.attrs...)
	attrs = append(attrs, AttrStoreMethod.String(method), semconv.DBOperationName(method))
	if ids > 0 {
		attrs = append(attrs, AttrStoreIDs.Int(ids))
	}
	return ts.t.Start(ctx, "store."+method, trace.WithSpanKind(ts.kind), trace.WithAttributes(attrs...))
}

// end closes a call's span; use as defer end(span, &err).
func end(span trace.Span, err *error) {
	if *err != nil {
		code := string(graph.ErrorCode(*err))
		span.SetAttributes(AttrErrorCode.String(code), semconv.ErrorTypeKey.String(code))
		span.RecordError(*err)
		span.SetStatus(codes.Error, code)
	}
	span.End()
}

func (ts *tracedStore) Node(ctx context.Context, id string) (n *graph.Node, err error) {
	ctx, span := ts.start(ctx, "Node", 0)
	defer end(span, &err)
	return ts.s.Node(ctx, id)
}

func (ts *tracedStore) Nodes(ctx context.Context, ids []string) (ns []*graph.Node, err error) {
	ctx, span := ts.start(ctx, "Nodes", len(ids))
	defer end(span, &err)
	return ts.s.Nodes(ctx, ids)
}

func (ts *tracedStore) FindNodes(ctx context.Context, f graph.NodeFilter, p graph.PageArgs) (pg *graph.NodePage, err error) {
	ctx, span := ts.start(ctx, "FindNodes", 0)
	defer end(span, &err)
	return ts.s.FindNodes(ctx, f, p)
}

func (ts *tracedStore) Search(ctx context.Context, text string, limit int) (ns []*graph.Node, err error) {
	ctx, span := ts.start(ctx, "Search", 0)
	defer end(span, &err)
	return ts.s.Search(ctx, text, limit)
}

func (ts *tracedStore) Edge(ctx context.Context, id string) (e *graph.Edge, err error) {
	ctx, span := ts.start(ctx, "Edge", 0)
	defer end(span, &err)
	return ts.s.Edge(ctx, id)
}

func (ts *tracedStore) Edges(ctx context.Context, f graph.EdgeFilter) (es []*graph.Edge, err error) {
	ctx, span := ts.start(ctx, "Edges", 0)
	defer end(span, &err)
	return ts.s.Edges(ctx, f)
}

func (ts *tracedStore) Related(ctx context.Context, ids []string, q graph.RelQuery) (r map[string][]graph.Related, err error) {
	ctx, span := ts.start(ctx, "Related", len(ids))
	defer end(span, &err)
	return ts.s.Related(ctx, ids, q)
}

func (ts *tracedStore) Ancestors(ctx context.Context, ids []string) (r map[string][]*graph.Node, err error) {
	ctx, span := ts.start(ctx, "Ancestors", len(ids))
	defer end(span, &err)
	return ts.s.Ancestors(ctx, ids)
}

func (ts *tracedStore) Neighbourhood(ctx context.Context, id string, q graph.NeighbourhoodQuery) (sg *graph.Subgraph, err error) {
	ctx, span := ts.start(ctx, "Neighbourhood", 0)
	defer end(span, &err)
	return ts.s.Neighbourhood(ctx, id, q)
}

func (ts *tracedStore) Subtree(ctx context.Context, rootID string, maxDepth int) (sg *graph.Subgraph, err error) {
	ctx, span := ts.start(ctx, "Subtree", 0)
	defer end(span, &err)
	return ts.s.Subtree(ctx, rootID, maxDepth)
}

func (ts *tracedStore) ShortestPath(ctx context.Context, from, to string, q graph.PathQuery) (p *graph.Path, err error) {
	ctx, span := ts.start(ctx, "ShortestPath", 0)
	defer end(span, &err)
	return ts.s.ShortestPath(ctx, from, to, q)
}

func (ts *tracedStore) Snapshot(ctx context.Context) (s *graph.Snapshot, err error) {
	ctx, span := ts.start(ctx, "Snapshot", 0)
	defer end(span, &err)
	return ts.s.Snapshot(ctx)
}

func (ts *tracedStore) Counts(ctx context.Context) (c graph.Counts, err error) {
	ctx, span := ts.start(ctx, "Counts", 0)
	defer end(span, &err)
	return ts.s.Counts(ctx)
}

func (ts *tracedStore) CreateNode(ctx context.Context, n graph.NodeInput) (out *graph.Node, err error) {
	ctx, span := ts.start(ctx, "CreateNode", 0)
	defer end(span, &err)
	return ts.s.CreateNode(ctx, n)
}

func (ts *tracedStore) UpdateNode(ctx context.Context, id string, u graph.NodeUpdate) (out *graph.Node, err error) {
	ctx, span := ts.start(ctx, "UpdateNode", 0)
	defer end(span, &err)
	return ts.s.UpdateNode(ctx, id, u)
}

func (ts *tracedStore) DeleteNode(ctx context.Context, id string, cascade bool) (ids []string, err error) {
	ctx, span := ts.start(ctx, "DeleteNode", 0)
	defer end(span, &err)
	return ts.s.DeleteNode(ctx, id, cascade)
}

func (ts *tracedStore) CreateEdge(ctx context.Context, e graph.Edge) (out *graph.Edge, err error) {
	ctx, span := ts.start(ctx, "CreateEdge", 0)
	defer end(span, &err)
	return ts.s.CreateEdge(ctx, e)
}

func (ts *tracedStore) DeleteEdge(ctx context.Context, id string) (err error) {
	ctx, span := ts.start(ctx, "DeleteEdge", 0)
	defer end(span, &err)
	return ts.s.DeleteEdge(ctx, id)
}

func (ts *tracedStore) Apply(ctx context.Context, b graph.Batch) (r graph.ApplyResult, err error) {
	ctx, span := ts.start(ctx, "Apply", 0)
	defer end(span, &err)
	return ts.s.Apply(ctx, b)
}

func (ts *tracedStore) Ping(ctx context.Context) (err error) {
	ctx, span := ts.start(ctx, "Ping", 0)
	defer end(span, &err)
	return ts.s.Ping(ctx)
}

func (ts *tracedStore) Close() error { return ts.s.Close() }

// tracedExpander is a tracedStore over a store that is a graph.Expander.
type tracedExpander struct {
	*tracedStore
	x graph.Expander
}

func (te *tracedExpander) Expand(ctx context.Context, ids []string, x *graph.Expansion) (out *graph.Expanded, err error) {
	ctx, span := te.start(ctx, "Expand", len(ids))
	defer end(span, &err)
	return te.x.Expand(ctx, ids, x)
}
