package analysis_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// expected is testdata/networkx_expected.json, written by
// testdata/networkx_expected.py (see there to regenerate it).
type expected struct {
	Cases []struct {
		Relations []graph.RelType
		Stats     struct {
			Nodes, Edges, Components int
			Density                  float64
		}
		Degree, Betweenness, Closeness, PageRank map[string]float64
	}
	Partitions []struct {
		Name        string
		Relations   []graph.RelType
		Resolution  float64
		Communities [][]string
		Modularity  float64
	}
	LouvainReference struct {
		Relations  []graph.RelType
		Resolution float64
		Modularity float64
	}
}

func mustExpected(t *testing.T) *expected {
	t.Helper()
	b, err := os.ReadFile("testdata/networkx_expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.Cases) == 0 || len(e.Partitions) == 0 {
		t.Fatal("networkx_expected.json has no cases")
	}
	return &e
}

// TestNetworkx compares every centrality, the stats and the modularity of
// given partitions with the values networkx computed on the fixture.
func TestNetworkx(t *testing.T) {
	snap := MustFixture(t)
	exp := mustExpected(t)

	for _, c := range exp.Cases {
		opts := analysis.Options{Relations: c.Relations}
		for _, m := range []struct {
			measure analysis.Measure
			want    map[string]float64
			tol     float64
		}{
			{analysis.Degree, c.Degree, 1e-9},
			{analysis.Betweenness, c.Betweenness, 1e-9},
			{analysis.Closeness, c.Closeness, 1e-9},
			{analysis.PageRank, c.PageRank, 1e-6},
		} {
			t.Run(string(m.measure)+relName(c.Relations), func(t *testing.T) {
				if len(m.want) != len(snap.Nodes) {
					t.Fatalf("networkx gives %d values; want one per node (%d)", len(m.want), len(snap.Nodes))
				}
				ss, err := analysis.Centrality(snap, m.measure, opts, 0)
				if err != nil {
					t.Fatal(err)
				}
				got := ScoresOf(ss)
				if len(got) != len(m.want) {
					t.Fatalf("got %d scores; want %d", len(got), len(m.want))
				}
				for id, w := range m.want {
					if g, ok := got[id]; !ok || !near(g, w, m.tol) {
						t.Errorf("%s(%s) = %.12f; networkx %.12f", m.measure, id, g, w)
					}
				}
			})
		}
		t.Run("stats"+relName(c.Relations), func(t *testing.T) {
			got, err := analysis.Stats(snap, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.Nodes != c.Stats.Nodes || got.Edges != c.Stats.Edges || got.Components != c.Stats.Components ||
				!near(got.Density, c.Stats.Density, 1e-12) {
				t.Errorf("Stats = %+v; networkx %+v", got, c.Stats)
			}
		})
	}

	for _, p := range exp.Partitions {
		got, err := analysis.Modularity(snap, analysis.Options{Relations: p.Relations}, p.Communities, p.Resolution)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, p.Modularity, 1e-9) {
			t.Errorf("Modularity(%s, resolution %v) = %.12f; networkx %.12f", p.Name, p.Resolution, got, p.Modularity)
		}
	}

	// gonum's Louvain reaches what networkx's best Louvain run reaches.
	ref := exp.LouvainReference
	for seed := int64(0); seed < 5; seed++ {
		part, err := analysis.Communities(snap, analysis.Options{Relations: ref.Relations}, ref.Resolution, seed)
		if err != nil {
			t.Fatal(err)
		}
		if part.Modularity < ref.Modularity-1e-9 {
			t.Errorf("seed %d: Communities modularity %.12f; want at least networkx Louvain's %.12f", seed, part.Modularity, ref.Modularity)
		}
	}
}

func relName(rels []graph.RelType) string {
	if len(rels) == 0 {
		return "/all"
	}
	s := ""
	for _, r := range rels {
		s += "/" + string(r)
	}
	return s
}
