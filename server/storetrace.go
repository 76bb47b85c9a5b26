package server

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/orgnet/orgnet/graph"
)

// storeTracer returns the graph.Observer that makes every store call a
// span (a child of the span in its context): named "store.<Method>", with
// the store's name and method, how many ids it asks for, and, on error, the
// error recorded with its graph code. storeName is "memory" or "neo4j". Nil
// t: nil (nothing to observe).
func storeTracer(t trace.Tracer, storeName string) graph.Observer {
	if t == nil {
		return nil
	}
	kind := trace.SpanKindInternal
	base := []attribute.KeyValue{AttrStore.String(storeName)}
	if storeName == "neo4j" {
		kind = trace.SpanKindClient // each call is a round trip to Neo4j
		base = append(base, semconv.DBSystemNameKey.String("neo4j"))
	}
	return func(ctx context.Context, c graph.Call) (context.Context, func(error)) {
		attrs := make([]attribute.KeyValue, 0, len(base)+3)
		attrs = append(attrs, base...)
		attrs = append(attrs, AttrStoreMethod.String(c.Method), semconv.DBOperationName(c.Method))
		if c.IDs > 0 {
			attrs = append(attrs, AttrStoreIDs.Int(c.IDs))
		}
		ctx, span := t.Start(ctx, "store."+c.Method, trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
		return ctx, func(err error) {
			if err != nil {
				code := string(graph.ErrorCode(err))
				span.SetAttributes(AttrErrorCode.String(code), semconv.ErrorTypeKey.String(code))
				span.RecordError(err)
				span.SetStatus(codes.Error, code)
			}
			span.End()
		}
	}
}
