package graph

import (
	"context"
	"sync/atomic"
)

// Meter counts the round trips a store makes for one operation (Cypher
// statements on Neo4j, store calls on the embedded store).
//
// It is observation, like a trace span, and travels in the context with the
// trace: a store counts each statement it sends, which Observe, seeing
// calls, cannot (a write sends several statements, Expand on the embedded
// store one call per level). Nothing a store answers depends on it.
type Meter struct{ n atomic.Int64 }

// Count returns the round trips counted so far.
func (m *Meter) Count() int64 { return m.n.Load() }

type meterKey struct{}

// ContextWithMeter returns ctx carrying m: store calls made with it count in m.
func ContextWithMeter(ctx context.Context, m *Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

// WithMeter returns a context whose store calls are counted in a new Meter.
func WithMeter(ctx context.Context) (context.Context, *Meter) {
	m := &Meter{}
	return context.WithValue(ctx, meterKey{}, m), m
}

// CountRoundTrip adds one to the context's Meter, if it has one. Stores call
// it once per statement sent.
func CountRoundTrip(ctx context.Context) {
	if m, ok := ctx.Value(meterKey{}).(*Meter); ok {
		m.n.Add(1)
	}
}
