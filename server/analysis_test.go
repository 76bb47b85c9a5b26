package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/gql"
)

type centralityResult struct {
	CentralityResult struct {
		Measure    string   `json:"measure"`
		Exact      bool     `json:"exact"`
		Samples    *int     `json:"samples"`
		Seed       *int     `json:"seed"`
		Nodes      int      `json:"nodes"`
		Edges      int      `json:"edges"`
		ErrorBound float64  `json:"errorBound"`
		Confidence float64  `json:"confidence"`
		Scores     []scored `json:"scores"`
	} `json:"centralityResult"`
}

type scored struct {
	ID          string  `json:"id"`
	Score       float64 `json:"score"`
	Rank        int     `json:"rank"`
	Approximate bool    `json:"approximate"`
	ErrorBound  float64 `json:"errorBound"`
}

const centralityResultQuery = `query($m: CentralityMeasure!, $samples: Int, $seed: Int, $exact: Boolean) {
  centralityResult(measure: $m, top: 5, samples: $samples, seed: $seed, exact: $exact) {
    measure exact samples seed nodes edges errorBound confidence
    scores { id score rank approximate errorBound }
  }
}`

// TestCentralityResult: how a ranking was made, on both stores: exact on
// the Yuelin network unless samples are asked for; sampled with its bound,
// the same for the same seed; the old centrality field answers the same
// scores; bad combinations are BAD_USER_INPUT.
func TestCentralityResult(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		var exact centralityResult
		h.ok(centralityResultQuery, map[string]any{"m": "BETWEENNESS"}, &exact)
		e := exact.CentralityResult
		if !e.Exact || e.Samples != nil || e.Seed != nil || e.ErrorBound != 0 || e.Confidence != 1 || e.Nodes < 50 || len(e.Scores) != 5 {
			t.Fatalf("default on Yuelin = %+v; want exact, bound 0, confidence 1, 5 scores", e)
		}
		for _, s := range e.Scores {
			if s.Approximate || s.ErrorBound != 0 {
				t.Errorf("exact score %+v marked approximate", s)
			}
		}

		for _, m := range []string{"BETWEENNESS", "CLOSENESS"} {
			vars := map[string]any{"m": m, "samples": 30, "seed": 2}
			var a, b centralityResult
			h.ok(centralityResultQuery, vars, &a)
			h.ok(centralityResultQuery, vars, &b)
			r := a.CentralityResult
			if r.Exact || r.Samples == nil || *r.Samples != 30 || r.Seed == nil || *r.Seed != 2 || !(r.ErrorBound > 0) || r.Confidence != 0.95 {
				t.Fatalf("%s with 30 samples = %+v; want sampled, seed 2, a bound, confidence 0.95", m, r)
			}
			for _, s := range r.Scores {
				if !s.Approximate || !(s.ErrorBound > 0) || s.ErrorBound > r.ErrorBound {
					t.Errorf("%s: sampled score %+v; want approximate with a bound in (0, %v]", m, s, r.ErrorBound)
				}
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: the same seed answered differently: %+v, then %+v", m, a, b)
			}
			// The old field, with the new arguments, gives the same scores.
			var old struct {
				Centrality []scored `json:"centrality"`
			}
			h.ok(fmt.Sprintf(`{ centrality(measure: %s, top: 5, samples: 30, seed: 2) { id score rank approximate errorBound } }`, m), nil, &old)
			if !reflect.DeepEqual(old.Centrality, r.Scores) {
				t.Errorf("%s: centrality = %+v; want centralityResult's scores %+v", m, old.Centrality, r.Scores)
			}
		}

		for _, tc := range []struct {
			vars  map[string]any
			field string
		}{
			{map[string]any{"m": "CLOSENESS", "samples": 10, "exact": true}, "samples"},
			{map[string]any{"m": "CLOSENESS", "samples": 0}, "samples"},
			{map[string]any{"m": "BETWEENNESS", "samples": -3}, "samples"},
		} {
			r := h.do(centralityResultQuery, tc.vars)
			if r.code() != gql.CodeBadUserInput || r.Errors[0].Extensions["field"] != tc.field {
				t.Errorf("%v: %+v; want BAD_USER_INPUT on %s", tc.vars, r.Errors, tc.field)
			}
		}
		// exact on a small graph is exact for anyone (the harness's
		// anonymous editor): the admin rule applies past 10^9 steps.
		var ex centralityResult
		h.ok(centralityResultQuery, map[string]any{"m": "CLOSENESS", "exact": true}, &ex)
		if !ex.CentralityResult.Exact {
			t.Errorf("exact: true on Yuelin = %+v", ex.CentralityResult)
		}
	})
}

// TestAnalysisDeadline: an analysis that cannot finish before the request
// deadline answers DEADLINE_EXCEEDED saying what to ask for instead, on both
// stores, never INTERNAL; a request that can, with the same server, answers.
func TestAnalysisDeadline(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		s := open(t)
		// 6,000 organisations in a random tree plus 3,000 neighbour links:
		// exact betweenness is 6,000 searches of ~24,000 steps (1.4·10^8),
		// 0.14 s even at the fastest pace, past a 50 ms deadline.
		b := graph.Batch{}
		for i := range 6000 {
			b.Nodes = append(b.Nodes, graph.Node{ID: fmt.Sprintf("org:t%05d", i), Label: graph.LabelOrganisation, Kind: "VILLAGE",
				Name: fmt.Sprintf("村%05d", i), Provenance: graph.Provenance{Source: graph.SourceSynthetic}})
		}
		link := func(t graph.RelType, a, c int) {
			b.Edges = append(b.Edges, graph.Edge{Type: t, From: fmt.Sprintf("org:t%05d", a), To: fmt.Sprintf("org:t%05d", c),
				Provenance: graph.Provenance{Source: graph.SourceSynthetic}})
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 1; i < 6000; i++ {
			link(graph.RelSubOrganisationOf, i, rng.IntN(i))
			if j := rng.IntN(6000); i%2 == 0 && j != i {
				link(graph.RelAdjacentTo, i, j)
			}
		}
		if _, err := s.Apply(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatal(err)
		}
		app := server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler), RequestTimeout: 50 * time.Millisecond})
		h := &harness{t: t, store: s, h: app}
		r := h.do(`{ centralityResult(measure: BETWEENNESS, exact: true) { exact } }`, nil)
		if r.code() != gql.CodeDeadlineExceeded {
			t.Fatalf("exact betweenness in 50 ms: %+v; want DEADLINE_EXCEEDED", r.Errors)
		}
		msg := r.Errors[0].Message
		if !strings.Contains(msg, "deadline") || !strings.Contains(msg, "ask ") {
			t.Errorf("message %q; want it to name the deadline and what to ask for", msg)
		}
		// With time enough, the same store answers: a sampled ranking (an
		// exact one could itself be stopped by its pace on a slow machine).
		h.h = server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler), RequestTimeout: 5 * time.Minute})
		var d struct {
			CentralityResult struct {
				Exact  bool `json:"exact"`
				Nodes  int  `json:"nodes"`
				Scores []struct {
					ID string `json:"id"`
				} `json:"scores"`
			} `json:"centralityResult"`
		}
		h.ok(`{ centralityResult(measure: BETWEENNESS, samples: 20, top: 1) { exact nodes scores { id } } }`, nil, &d)
		if d.CentralityResult.Exact || d.CentralityResult.Nodes < 6000 || len(d.CentralityResult.Scores) != 1 {
			t.Errorf("with 5 minutes: %+v; want the sampled ranking", d.CentralityResult)
		}

		// Priced by its work on the graph last loaded: 6,091 searches of
		// ~24,000 steps is ~14,600 points (one per 10^4 steps), past a limit
		// of 1,000; 10 sampled sources are ~24.
		h.h = server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler), RequestTimeout: 5 * time.Minute,
			GQL: gql.Options{ComplexityLimit: 1000}})
		h.ok(`{ centralityResult(measure: DEGREE, top: 1) { exact } }`, nil, nil)
		r = h.do(`{ centralityResult(measure: BETWEENNESS, exact: true, top: 1) { exact } }`, nil)
		if r.code() != gql.CodeBadUserInput || r.Errors[0].Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("exact betweenness under a limit of 1000: %+v; want refused by its price", r.Errors)
		}
		h.ok(`{ centralityResult(measure: BETWEENNESS, samples: 10, top: 1) { exact } }`, nil, nil)
	})
}

// TestAnalysisWarm: with AnalysisWarm the server loads the analysis graph
// before anyone asks, and after a write patches it with what the write
// touched instead of loading it again; the ranking then is the one a fresh
// load gives (a server without a kept graph, over the same store).
func TestAnalysisWarm(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		s := open(t)
		if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatalf("seed: %v", err)
		}
		b := gql.NewBroker()
		h := &harness{t: t, store: s, broker: b, h: server.New(server.Config{Store: s, StoreName: name, Broker: b,
			Logger: slog.New(slog.DiscardHandler), AnalysisWarm: true})}
		metric := func(name string) float64 {
			rec := httptest.NewRecorder()
			h.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			body := rec.Body.String()
			for line := range strings.Lines(body) {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" "); ok {
					var f float64
					fmt.Sscan(v, &f)
					return f
				}
			}
			t.Fatalf("/metrics has no %s", name)
			return 0
		}
		waitUntil := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not within 20 s (loads %v, patches %v, nodes %v)", what, metric("orgnet_analysis_loads_total"),
						metric("orgnet_analysis_patches_total"), metric("orgnet_analysis_graph_nodes"))
				}
			}
		}
		waitUntil("loaded before any request", func() bool {
			return metric("orgnet_analysis_loads_total") == 1 && metric("orgnet_analysis_graph_nodes") > 50
		})
		nodes := metric("orgnet_analysis_graph_nodes")

		h.ok(`mutation { createOrganisation(input: {id: "org:warm-hub", kind: VILLAGE, name: "热枢纽村", parentId: "org:yuelin-party-working-committee"}) { id } }`, nil, nil)
		var villages struct {
			Organisations struct{ Nodes []struct{ ID string } }
		}
		h.ok(`{ organisations(filter: {kinds: [VILLAGE, COMMUNITY]}, first: 30) { nodes { id } } }`, nil, &villages)
		links := 0
		for _, v := range villages.Organisations.Nodes {
			if v.ID != "org:warm-hub" {
				h.ok(`mutation { link(input: {type: ADJACENT_TO, source: "org:warm-hub", target: "`+v.ID+`"}) { id } }`, nil, nil)
				links++
			}
		}
		waitUntil("patched after the writes, without a request", func() bool {
			return metric("orgnet_analysis_graph_nodes") == nodes+1 && metric("orgnet_analysis_patches_total") >= 1
		})
		const top = `{ centrality(measure: DEGREE, top: 10) { score node { id } } }`
		var warm, fresh struct {
			Centrality []struct {
				Score float64
				Node  struct{ ID string }
			}
		}
		h.ok(top, nil, &warm)
		if !slices.ContainsFunc(warm.Centrality, func(s struct {
			Score float64
			Node  struct{ ID string }
		}) bool {
			return s.Node.ID == "org:warm-hub"
		}) {
			t.Fatalf("DEGREE after %d links from org:warm-hub = %+v; want it among the top 10", links, warm.Centrality)
		}
		if got := metric("orgnet_analysis_loads_total"); got != 1 {
			t.Errorf("loads after the writes: %v; want 1 (patched, not loaded again)", got)
		}
		other := newHarness(t, s, name)
		other.ok(top, nil, &fresh)
		if !reflect.DeepEqual(warm, fresh) {
			t.Errorf("patched ranking %+v; a fresh load ranks %+v", warm, fresh)
		}
	})
}
