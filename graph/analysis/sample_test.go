package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
	"github.com/orgnet/orgnet/seed"
)

// snapOf makes a snapshot of a batch.
func snapOf(b graph.Batch) *graph.Snapshot {
	snap := &graph.Snapshot{}
	for i := range b.Nodes {
		snap.Nodes = append(snap.Nodes, &b.Nodes[i])
	}
	for i := range b.Edges {
		snap.Edges = append(snap.Edges, &b.Edges[i])
	}
	return snap
}

var (
	yuelinSnap = sync.OnceValue(func() *graph.Snapshot { return snapOf(seed.Yuelin()) })
	countySnap = sync.OnceValue(func() *graph.Snapshot { return snapOf(seed.Synthetic(seed.SizeCounty, 1)) })
)

// exactOf is every node's exact score, computed once per set and measure
// (exact on the county set is seconds; under -race, a minute).
var exactOf = func() func(name string, snap *graph.Snapshot, m analysis.Measure) map[string]float64 {
	var mu sync.Mutex
	kept := map[string]map[string]float64{}
	return func(name string, snap *graph.Snapshot, m analysis.Measure) map[string]float64 {
		mu.Lock()
		defer mu.Unlock()
		key := name + "|" + string(m)
		if s, ok := kept[key]; ok {
			return s
		}
		ss, err := analysis.Centrality(snap, m, analysis.Options{}, 0)
		if err != nil {
			panic(err)
		}
		kept[key] = ScoresOf(ss)
		return kept[key]
	}
}()

// TestSampled holds sampled BETWEENNESS and CLOSENESS to the exact scores on
// the Yuelin network and the synthetic county set: for each fixed seed,
// every node's exact score lies within the bound the answer states (the
// bound holds with probability 95 % for all nodes at once, so a failure
// here on a fixed seed would be a 1-in-20 event or a wrong bound; the test
// logs the largest error beside the bound), and the exact top nodes are
// among the sampled top ones.
func TestSampled(t *testing.T) {
	sets := []struct {
		name    string
		snap    func() *graph.Snapshot
		measure analysis.Measure
		samples int
		// The exact top nodes that must be in the sampled top within:
		// those that lead the rest by more than sampling's error. Yuelin's
		// closeness ranks 3 to 14 lie within 0.014 of one another, a tie
		// that 64 of 91 sources cannot order; its first two lead by 0.03.
		top, within int
	}{
		{"yuelin", yuelinSnap, analysis.Betweenness, 64, 3, 10},
		{"yuelin", yuelinSnap, analysis.Closeness, 64, 2, 10},
		{"county", countySnap, analysis.Betweenness, analysis.DefaultSamples, 5, 10},
		{"county", countySnap, analysis.Closeness, analysis.DefaultSamples, 5, 10},
	}
	for _, set := range sets {
		m := set.measure
		t.Run(set.name+"/"+string(m), func(t *testing.T) {
			if set.name == "county" && testing.Short() {
				t.Skip("exact scores on the county set take seconds")
			}
			snap := set.snap()
			exact := exactOf(set.name, snap, m)
			ranked := make([]string, 0, len(exact))
			for id := range exact {
				ranked = append(ranked, id)
			}
			slices.SortFunc(ranked, func(a, b string) int {
				if exact[a] != exact[b] {
					if exact[a] > exact[b] {
						return -1
					}
					return 1
				}
				if a < b {
					return -1
				}
				return 1
			})
			for _, s := range []int64{1, 2, 3} {
				r, err := analysis.Rank(context.Background(), snap, m, analysis.Options{},
					analysis.Method{Samples: set.samples, Seed: s}, 0)
				if err != nil {
					t.Fatal(err)
				}
				if r.Exact || r.Samples != set.samples || r.Seed != s || r.Confidence != analysis.Confidence ||
					r.Nodes != len(snap.Nodes) || !(r.ErrorBound > 0) {
					t.Fatalf("seed %d: ranking = exact %v, samples %d, seed %d, confidence %v, nodes %d, bound %v; want a sampled ranking of %d nodes",
						s, r.Exact, r.Samples, r.Seed, r.Confidence, r.Nodes, r.ErrorBound, len(snap.Nodes))
				}
				var worst, worstRel float64
				for _, sc := range r.Scores {
					err := math.Abs(sc.Score - exact[sc.ID])
					if sc.Bound > r.ErrorBound || sc.Bound < 0 {
						t.Fatalf("%s: bound %v outside [0, %v]", sc.ID, sc.Bound, r.ErrorBound)
					}
					if err > sc.Bound+1e-12 {
						t.Errorf("seed %d: %s = %.6f, exact %.6f: error %.2g past its bound %.2g", s, sc.ID, sc.Score, exact[sc.ID], err, sc.Bound)
					}
					worst = max(worst, err)
					if sc.Bound > 0 {
						worstRel = max(worstRel, err/sc.Bound)
					}
				}
				var sampledTop []string
				for _, sc := range r.Scores[:set.within] {
					sampledTop = append(sampledTop, sc.ID)
				}
				for _, id := range ranked[:set.top] {
					if !slices.Contains(sampledTop, id) {
						t.Errorf("seed %d: exact top %d %v; %s is not in the sampled top %d %v", s, set.top, ranked[:set.top], id, set.within, sampledTop)
					}
				}
				t.Logf("%s %s, %d of %d sources, seed %d: largest error %.3g, bound %.3g (largest error / own bound %.2f); exact top %v, sampled %v",
					set.name, m, set.samples, len(snap.Nodes), s, worst, r.ErrorBound, worstRel, ranked[:set.top], sampledTop[:set.top])
			}
		})
	}
}

// TestSampled_Deterministic: the same seed gives the same sources and so
// the same scores; another seed other ones.
func TestSampled_Deterministic(t *testing.T) {
	snap := Generate(2000, 3000, 5)
	ctx := context.Background()
	for _, m := range []analysis.Measure{analysis.Betweenness, analysis.Closeness} {
		a, err := analysis.Rank(ctx, snap, m, analysis.Options{}, analysis.Method{Samples: 50, Seed: 7}, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := analysis.Rank(ctx, snap, m, analysis.Options{}, analysis.Method{Samples: 50, Seed: 7}, 0)
		c, _ := analysis.Rank(ctx, snap, m, analysis.Options{}, analysis.Method{Samples: 50, Seed: 8}, 0)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two rankings with seed 7 differ", m)
		}
		if reflect.DeepEqual(a.Scores, c.Scores) {
			t.Errorf("%s: seeds 7 and 8 gave the same scores", m)
		}
	}
}

// TestMethod_Resolve: which graphs are exact without asking, and what
// callers may ask.
func TestMethod_Resolve(t *testing.T) {
	cases := []struct {
		name         string
		measure      analysis.Measure
		m            analysis.Method
		nodes, edges int
		exact        bool
		samples      int
		code         graph.Code
	}{
		{"small by default", analysis.Betweenness, analysis.Method{}, 300, 450, true, 0, ""},
		{"small with samples", analysis.Closeness, analysis.Method{Samples: 20}, 300, 450, false, 20, ""},
		{"samples past the nodes are exact", analysis.Betweenness, analysis.Method{Samples: 300}, 300, 450, true, 0, ""},
		// 10,317·(10,317 + 2·22,705) = 5.8·10^8 steps: under ExactWork.
		{"county by default", analysis.Closeness, analysis.Method{}, 10317, 22705, true, 0, ""},
		// 158,437·(158,437 + 2·350,052) = 1.4·10^11 steps.
		{"city by default", analysis.Betweenness, analysis.Method{Seed: 3}, 158437, 350052, false, analysis.DefaultSamples, ""},
		{"city with samples", analysis.Betweenness, analysis.Method{Samples: 1000}, 158437, 350052, false, 1000, ""},
		{"exact on city, not allowed", analysis.Betweenness, analysis.Method{Exact: true}, 158437, 350052, false, 0, graph.CodeForbidden},
		{"exact on city, allowed", analysis.Closeness, analysis.Method{Exact: true, AllowExact: true}, 158437, 350052, true, 0, ""},
		{"exact on a small graph needs no admin", analysis.Betweenness, analysis.Method{Exact: true}, 300, 450, true, 0, ""},
		{"degree is always exact", analysis.Degree, analysis.Method{Samples: 5}, 158437, 350052, true, 0, ""},
		{"pagerank is always exact", analysis.PageRank, analysis.Method{}, 158437, 350052, true, 0, ""},
		{"exact and samples", analysis.Betweenness, analysis.Method{Exact: true, Samples: 5}, 300, 450, false, 0, graph.CodeInvalid},
		{"negative samples", analysis.Closeness, analysis.Method{Samples: -1}, 300, 450, false, 0, graph.CodeInvalid},
		{"too many samples", analysis.Closeness, analysis.Method{Samples: analysis.MaxSamples + 1}, 300, 450, false, 0, graph.CodeInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			exact, samples, err := tc.m.Plan(tc.measure, tc.nodes, tc.edges)
			if graph.ErrorCode(err) != tc.code {
				t.Fatalf("Plan: err = %v (code %q); want code %q", err, graph.ErrorCode(err), tc.code)
			}
			if exact != tc.exact || samples != tc.samples {
				t.Errorf("Plan = exact %v, samples %d; want %v, %d", exact, samples, tc.exact, tc.samples)
			}
		})
	}

	ctx := context.Background()
	t.Run("rank follows the plan", func(t *testing.T) {
		small := Generate(300, 450, 1)
		r, err := analysis.Rank(ctx, small, analysis.Betweenness, analysis.Options{}, analysis.Method{}, 3)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Exact || r.Samples != 0 || r.ErrorBound != 0 || r.Confidence != 1 || r.Scores[0].Bound != 0 {
			t.Errorf("default on 300 nodes: %+v; want exact, bound 0, confidence 1", r)
		}
		want, _ := analysis.Centrality(small, analysis.Betweenness, analysis.Options{}, 3)
		if !reflect.DeepEqual(r.Scores, want) {
			t.Errorf("Rank = %v; want Centrality's %v", r.Scores, want)
		}
		r, err = analysis.Rank(ctx, small, analysis.Closeness, analysis.Options{}, analysis.Method{Samples: 20, Seed: 4}, 3)
		if err != nil {
			t.Fatal(err)
		}
		if r.Exact || r.Samples != 20 || r.Seed != 4 || !(r.ErrorBound > 0) || r.Confidence != analysis.Confidence {
			t.Errorf("20 samples on 300 nodes: %+v; want sampled with a bound", r)
		}
	})
	t.Run("forbidden says what to do", func(t *testing.T) {
		huge := Generate(25000, 40000, 1) // 25,000·105,000 = 2.6·10^9 steps
		_, err := analysis.Rank(ctx, huge, analysis.Closeness, analysis.Options{}, analysis.Method{Exact: true}, 3)
		if want := fmt.Sprintf("leave out exact for an estimate from %d sampled sources", analysis.DefaultSamples); !errors.Is(err, graph.ErrForbidden) ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want FORBIDDEN saying %q", err, want)
		}
	})
}
