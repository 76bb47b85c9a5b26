package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// The GraphQL documents of the side-by-side run (bench/cmd/sidebyside,
// queries.go), with the parameters it picks on the city set (seed 1).
var serveQueries = []struct {
	name, doc string
	vars      map[string]any
}{
	{"org", `query($id: ID!) { organisation(id: $id) { id name kind tier parents { id name } children { id name } alliances { alliance { id name } } } }`,
		map[string]any{"id": "org:s001-community-0001"}},
	{"page50", `{ organisations(filter: { kinds: [VILLAGE] }, first: 50) { nodes { id name kind tier children { id name } } } }`, nil},
	{"neighbourhood2", `query($id: ID!) { neighbourhood(id: $id, depth: 2) { truncated nodes { id name kind tier } edges { id source target type } } }`,
		map[string]any{"id": village}},
	{"subtree3", `query($rootId: ID!) { subtree(rootId: $rootId, maxDepth: 3) { truncated nodes { id name kind tier } edges { id source target type } } }`,
		map[string]any{"rootId": subtreeRoot}},
	{"shortestPath", `query($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to) { length nodes { id name } edges { id source target type } } }`,
		map[string]any{"from": village, "to": pathTo}},
	{"allianceMentors", `query($id: ID!) { alliance(id: $id) { id name members { organisation { id name mentors { mentor { id name } } } } } }`,
		map[string]any{"id": "alliance:s001-region-1"}},
}

// BenchmarkServe runs the side-by-side queries through orgnet's whole HTTP
// application in process (echo, middleware, gqlgen, the store), one
// request at a time, and reports besides ns/op and -benchmem's allocations
// the CPU the process used per request (user + system, getrusage: orgnet's
// own CPU, GC included, whatever else runs on the machine; Neo4j is another
// process) and p50:
//
//	ORGNET_BENCH_NEO4J=bolt://127.0.0.1:7713 go test ./bench -run '^$' -bench Serve -benchmem -count 6
//	ORGNET_BENCH_EMBEDDED=1 go test ./bench -run '^$' -bench Serve/memory -benchmem
//
// ORGNET_BENCH_NEO4J names a Neo4j holding the synthetic city set (user
// neo4j, password ORGNET_BENCH_NEO4J_PASSWORD or orgnet-dev-password: the
// one bench/run.sh starts); the embedded store is the one of the Embedded
// benchmarks. Each is skipped when its variable is unset.
func BenchmarkServe(b *testing.B) {
	b.Run("neo4j", func(b *testing.B) {
		uri := os.Getenv("ORGNET_BENCH_NEO4J")
		if uri == "" {
			b.Skip("set ORGNET_BENCH_NEO4J=bolt://… to run the served benchmarks on Neo4j")
		}
		pw := os.Getenv("ORGNET_BENCH_NEO4J_PASSWORD")
		if pw == "" {
			pw = "orgnet-dev-password"
		}
		st, err := neo4jstore.Open(context.Background(), uri, "neo4j", pw, neo4jstore.Options{MaxConnections: 16})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		serveQueriesOn(b, st, "neo4j")
	})
	b.Run("memory", func(b *testing.B) {
		st, _ := embedded(b)
		serveQueriesOn(b, st, "memory")
	})
}

func serveQueriesOn(b *testing.B, st graph.Store, name string) {
	a, err := auth.New(auth.Config{Anonymous: auth.RoleAdmin})
	if err != nil {
		b.Fatal(err)
	}
	app := server.New(server.Config{Store: st, StoreName: name,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		GQL:      gql.Options{ComplexityLimit: 1_000_000},
		Security: server.Security{Auth: a}})
	for _, q := range serveQueries {
		body, _ := json.Marshal(map[string]any{"query": q.doc, "variables": q.vars})
		b.Run(q.name, func(b *testing.B) {
			out := serveOnce(b, app, body) // warm: plans, caches, and a check
			if !bytes.Contains(out, []byte(`"data"`)) || bytes.Contains(out, []byte(`"errors"`)) || len(out) < 200 {
				b.Fatalf("%s: %.300s", q.name, out)
			}
			for range 20 {
				serveOnce(b, app, body)
			}
			lat := make([]time.Duration, 0, 1024)
			cpu0 := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				serveOnce(b, app, body)
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(len(lat)), "cpu-µs/op")
			b.ReportMetric(float64(p50(lat).Microseconds())/1000, "p50-ms")
		})
	}
}

func serveOnce(b *testing.B, app *echo.Echo, body []byte) []byte {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "127.0.0.1:1234"
	w := httptest.NewRecorder()
	app.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("HTTP %d: %.300s", w.Code, strings.TrimSpace(w.Body.String()))
	}
	return w.Body.Bytes()
}

// cpuTime is the CPU the process used so far (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func p50(lat []time.Duration) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)/2]
}
