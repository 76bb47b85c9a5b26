package graph

import (
	"context"
	"time"
)

type asOfKey struct{}

// WithAsOf returns a context whose store reads see the network as it was on
// date (YYYY-MM-DD): only nodes and edges valid that day (ValidAt). Without
// it, reads see every node and edge, ended or not.
func WithAsOf(ctx context.Context, date string) context.Context {
	return context.WithValue(ctx, asOfKey{}, date)
}

// AsOf returns the date a context reads as of, if any.
func AsOf(ctx context.Context) (string, bool) {
	d, ok := ctx.Value(asOfKey{}).(string)
	return d, ok && d != ""
}

// ValidAt reports whether something that began on since and ended on until
// (either "" when unknown or open) existed on date: since ≤ date < until. An
// item ended today is absent today and present yesterday.
func ValidAt(since, until, date string) bool {
	return (since == "" || since <= date) && (until == "" || date < until)
}

// Visible reports whether a node or edge with these dates is visible to
// reads made with ctx.
func Visible(ctx context.Context, since, until string) bool {
	d, ok := AsOf(ctx)
	return !ok || ValidAt(since, until, d)
}

// Today is the current date in UTC, YYYY-MM-DD.
func Today() string { return time.Now().UTC().Format(DateLayout) }

// WithoutAsOf returns a context whose reads see every node and edge again.
func WithoutAsOf(ctx context.Context) context.Context {
	return context.WithValue(ctx, asOfKey{}, "")
}
