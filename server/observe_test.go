package server_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/labstack/echo/v4"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/gql"
)

// TestRoundTripsObserved: observing the store (metrics, which server.New
// always installs, and tracing) changes no query's round trips: each shape
// makes as many on a bare GraphQL handler over the store as behind the
// server with metrics on, and with metrics and tracing on, on both stores.
// Before one observer point, tracing dropped the paged Expand and a page of
// organisations with its relations went from 1 statement to 2 + one per
// level.
func TestRoundTripsObserved(t *testing.T) {
	queries := []struct{ name, query string }{
		{"organisation with relations", `{ organisation(id: "org:shuqian-village") { id name parent { id name } children { id name } alliances { alliance { id name } } } }`},
		{"page of organisations with relations", `{ organisations(first: 50) { nodes { id children { id } alliances { alliance { id } } } } }`},
		{"page with a total", `{ organisations(filter: {kinds: [VILLAGE]}, first: 5) { totalCount nodes { id mentors { mentor { id } } } } }`},
		{"alliances with members", `{ alliances(first: 20) { id members(limit: 20) { role organisation { id mentors(limit: 5) { mentor { id name } } } } } }`},
		{"ancestors level by level", `{ organisation(id: "org:shuqian-village") { parent { id } ancestors { id ... on Organisation { children { id } } } } }`},
		{"search with relations", `{ search(text: "村") { id ... on Organisation { parent { id } } } }`},
		{"pairings", `{ pairings { id mentor { id children { id } } mentee { id } } }`},
		{"neighbourhood with edges", `{ neighbourhood(id: "alliance:shujia", depth: 2) { nodes { id } edges { id } truncated } }`},
		{"subtree nodes only", `{ subtree(rootId: "org:yuelin-party-working-committee", maxDepth: 3) { nodes { id name } } }`},
		{"shortest path", `{ shortestPath(from: "org:shengdun-village", to: "org:yuelin-party-working-committee") { length } }`},
		{"as of a past date", `{ organisation(id: "org:shuqian-village", asOf: "2016-01-01") { id alliances { alliance { id } } } }`},
		{"history", `{ history(id: "alliance:shujia") { date kind } }`},
		{"centrality", `{ centrality(measure: DEGREE, top: 3) { id node { id } } }`},
		{"stats", `{ stats { nodes edges } }`},
	}
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		s := open(t)
		if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatal(err)
		}
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		bare := echo.New()
		bare.Any("/graphql", echo.WrapHandler(gql.NewHandler(&gql.Resolver{Store: s, StoreName: name, Broker: gql.NewBroker()}, gql.Options{})))
		handlers := []struct {
			name string
			h    *harness
		}{
			{"bare", &harness{t: t, store: s, h: bare}},
			{"metrics", &harness{t: t, store: s, h: server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler)})}},
			{"metrics and tracing", &harness{t: t, store: s, h: server.New(server.Config{Store: s, StoreName: name,
				Logger: slog.New(slog.DiscardHandler), Tracing: server.Tracing{Provider: tp}})}},
		}
		for _, q := range queries {
			t.Run(q.name, func(t *testing.T) {
				var want any
				for i, hh := range handlers {
					r := hh.h.in(t).do(q.query, nil, gql.RoundTripsHeader, "1")
					if len(r.Errors) > 0 {
						t.Fatalf("%s: errors %+v", hh.name, r.Errors)
					}
					got := r.Extensions["roundTrips"]
					if i == 0 {
						want = got
						continue
					}
					if got != want {
						t.Errorf("%s: %v round trips; bare: %v", hh.name, got, want)
					}
				}
			})
		}
		if len(rec.Ended()) == 0 {
			t.Error("tracing on recorded no span")
		}
	})
}
