package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
)

func get(t *testing.T, h http.Handler, path string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %s", path, rec.Code, rec.Body.String())
	}
	return rec.Code, body
}

// TestWarmUp: while the warm-up runs (held in its first round by a hook),
// /readyz answers 503 "warming up", /healthz 200 and /graphql serves; once
// it has finished, /readyz is 200. On the Yuelin network every document
// answers; on a network without the seed ids the examples are skipped and
// the documents on ids found in the store still run.
func TestWarmUp(t *testing.T) {
	foreign := graph.Batch{Nodes: []graph.Node{
		{ID: "org:x-street", Label: graph.LabelOrganisation, Kind: "PARTY_WORKING_COMMITTEE", Name: "某街道党工委", NameEn: "Some Street", Provenance: graph.Provenance{Source: graph.SourceUser, Ref: "test"}},
		{ID: "org:x-village", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "某村", NameEn: "Some Village", Provenance: graph.Provenance{Source: graph.SourceUser, Ref: "test"}},
	}, Edges: []graph.Edge{
		{ID: "x-sub", From: "org:x-village", To: "org:x-street", Type: graph.RelSubOrganisationOf, Provenance: graph.Provenance{Source: graph.SourceUser, Ref: "test"}},
	}}
	tests := []struct {
		name        string
		data        graph.Batch
		wantSkipped func(int) bool
	}{
		{name: "yuelin", data: seed.Yuelin(), wantSkipped: func(n int) bool { return n == 0 }},
		{name: "no seed ids", data: foreign, wantSkipped: func(n int) bool { return n >= 5 }}, // the examples on seed ids
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testenv.Memory(t)
			if _, err := s.Apply(context.Background(), tt.data); err != nil {
				t.Fatal(err)
			}
			hold, release := make(chan struct{}), make(chan struct{})
			var storeWarm atomic.Int32
			var first atomic.Bool
			w := server.NewWarmUp(server.WarmUpOptions{
				Budget: time.Minute, Workers: 2, MinRounds: 2, MaxRounds: 6, Logger: slog.New(slog.DiscardHandler),
				Store: func(context.Context) error { storeWarm.Add(1); return nil },
				AfterRound: func(round int, p50 time.Duration) {
					if first.CompareAndSwap(false, true) {
						close(hold)
						<-release
					}
				},
			})
			app := server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler), WarmUp: w})
			if code, body := get(t, app, "/readyz"); code != http.StatusServiceUnavailable || body["reason"] != "warming up" {
				t.Errorf("/readyz before Run = %d %v, want 503 warming up", code, body)
			}
			done := make(chan server.WarmUpReport, 1)
			go func() { done <- w.Run(context.Background()) }()
			select {
			case <-hold:
			case <-time.After(30 * time.Second):
				t.Fatal("the first round did not end in 30 s")
			}
			if code, body := get(t, app, "/readyz"); code != http.StatusServiceUnavailable || body["reason"] != "warming up" {
				t.Errorf("/readyz while warming = %d %v, want 503 warming up", code, body)
			}
			if code, _ := get(t, app, "/healthz"); code != http.StatusOK {
				t.Errorf("/healthz while warming = %d, want 200", code)
			}
			h := newHarness(t, s, "memory")
			h.h = app
			var stats struct{ Stats struct{ Nodes int } }
			h.ok(`{ stats { nodes } }`, nil, &stats)
			if stats.Stats.Nodes != len(tt.data.Nodes) {
				t.Errorf("/graphql while warming: %d nodes, want %d", stats.Stats.Nodes, len(tt.data.Nodes))
			}
			close(release)
			rep := <-done
			t.Logf("report %+v", rep)
			if code, body := get(t, app, "/readyz"); code != http.StatusOK || body["status"] != "ready" {
				t.Errorf("/readyz after = %d %v, want 200 ready", code, body)
			}
			if rep.Rounds < 2 || rep.P50 <= 0 {
				t.Errorf("rounds %d, p50 %v: want ≥ 2 rounds with a latency", rep.Rounds, rep.P50)
			}
			if rep.Stop != "stable" && rep.Stop != "rounds" {
				t.Errorf("stopped by %q, want stable or rounds", rep.Stop)
			}
			if !tt.wantSkipped(rep.Skipped) || rep.Documents < 5 {
				t.Errorf("%d documents ran, %d skipped", rep.Documents, rep.Skipped)
			}
			if storeWarm.Load() < 2 {
				t.Errorf("store warm-up ran %d times, want once before and once a round", storeWarm.Load())
			}
		})
	}
}

// TestWarmUpBudget: the budget stops a warm-up that would not stabilise,
// within the budget, and the app is then ready; a zero budget is off.
func TestWarmUpBudget(t *testing.T) {
	s := testenv.Memory(t)
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	slow := server.NewWarmUp(server.WarmUpOptions{
		Budget: 500 * time.Millisecond, MaxRounds: 1000, Logger: slog.New(slog.DiscardHandler),
		Store: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, // a store warm-up that never ends
	})
	app := server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler), WarmUp: slow})
	start := time.Now()
	rep := slow.Run(context.Background())
	if took := time.Since(start); took > 5*time.Second || rep.Stop != "budget" {
		t.Errorf("took %v, stopped by %q; want the 0.5 s budget", took, rep.Stop)
	}
	if code, _ := get(t, app, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the budget = %d, want 200", code)
	}

	off := server.NewWarmUp(server.WarmUpOptions{Logger: slog.New(slog.DiscardHandler)})
	app = server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler), WarmUp: off})
	if rep := off.Run(context.Background()); rep.Stop != "off" || rep.Rounds != 0 {
		t.Errorf("zero budget: %+v, want off", rep)
	}
	if code, _ := get(t, app, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz with the warm-up off = %d, want 200", code)
	}
}

// deadlineStore records the deadline of the context Node is called with.
type deadlineStore struct {
	graph.Store
	left atomic.Int64 // time left at the call, ns; -1: no deadline
}

func (d *deadlineStore) Node(ctx context.Context, v graph.View, id string) (*graph.Node, error) {
	if dl, ok := ctx.Deadline(); ok {
		d.left.Store(int64(time.Until(dl)))
	} else {
		d.left.Store(-1)
	}
	return d.Store.Node(ctx, v, id)
}

// TestRequestDeadlineReachesStore: the request timeout is the deadline of
// the context the store is called with (which the Neo4j store sends on as
// the transaction timeout).
func TestRequestDeadlineReachesStore(t *testing.T) {
	s := &deadlineStore{Store: testenv.Memory(t)}
	s.left.Store(-2)
	app := server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler), RequestTimeout: 7 * time.Second})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ node(id: \"org:none\") { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	app.ServeHTTP(rec, req)
	left := time.Duration(s.left.Load())
	if left <= 0 || left > 7*time.Second || left < 6*time.Second {
		t.Errorf("the store saw %v left (-1ns: no deadline, -2ns: not called), want just under the 7 s request timeout (%d: %s)", left, rec.Code, rec.Body.String())
	}
}

// coldStore answers every read after 20 ms, and while cold after 200 ms, as
// a freshly started database does (a graph.Observer: it waits before the
// call). The waits are long so that they, not the handler's own CPU time,
// make the rounds' medians: on a loaded 2-core machine under -race the
// handler alone took 45 ms a document (CI, 2026-12-02), which with 3 and
// 20 ms waits hid the cold round and kept the medians from settling.
type coldStore struct {
	cold atomic.Bool
}

func (c *coldStore) observe(ctx context.Context, call graph.Call) (context.Context, func(error)) {
	switch call.Method {
	case "Node", "Nodes", "Related", "Neighbourhood", "Subtree", "Expand", "FindNodesExpand":
		if c.cold.Load() {
			time.Sleep(200 * time.Millisecond)
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return ctx, nil
}

// TestWarmUpCold: a server whose first round was far slower than its
// settled rounds keeps warming until ColdMin; one that was warm from the
// start stops as soon as its rounds settle.
func TestWarmUpCold(t *testing.T) {
	const coldMin = 8 * time.Second // well past the 3 rounds of a warm server (≈ 2 s with these waits)
	for _, tc := range []struct {
		name     string
		cold     bool // slow until the first round ends
		wantHeld bool
	}{
		{"cold", true, true},
		{"warm", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &coldStore{}
			c.cold.Store(tc.cold)
			s := graph.Observe(testenv.Memory(t), c.observe)
			if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
				t.Fatal(err)
			}
			// A tolerance of 0.5: the test is about holding a cold server, not
			// about how calm a loaded machine's medians are.
			w := server.NewWarmUp(server.WarmUpOptions{Budget: 60 * time.Second, ColdMin: coldMin, MaxRounds: 100000, Tolerance: 0.5,
				Logger: slog.New(slog.DiscardHandler), AfterRound: func(int, time.Duration) { c.cold.Store(false) }})
			server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler), WarmUp: w})
			rep := w.Run(context.Background())
			if rep.Stop != "stable" {
				t.Fatalf("stopped by %q (%+v); want stable", rep.Stop, rep)
			}
			if held := rep.Took >= coldMin; held != tc.wantHeld {
				t.Errorf("took %v (%d rounds); want held until %v: %v", rep.Took, rep.Rounds, coldMin, tc.wantHeld)
			}
		})
	}
}
