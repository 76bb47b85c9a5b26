package analysis_test

import (
	"testing"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// The package writes out Brandes' betweenness, closeness's breadth-first
// searches and PageRank's power iteration (see centrality.go for why); these
// tests hold them to gonum's network package on the fixture and on a
// generated graph, besides the networkx values of TestNetworkx.

// gonumGraphs returns the snapshot as gonum undirected and directed (each
// edge both ways) simple graphs, vertex i being snap.Nodes[i].
func gonumGraphs(snap *graph.Snapshot) (*simple.UndirectedGraph, *simple.DirectedGraph, map[string]int64) {
	u, d := simple.NewUndirectedGraph(), simple.NewDirectedGraph()
	index := map[string]int64{}
	for i, n := range snap.Nodes {
		index[n.ID] = int64(i)
		u.AddNode(simple.Node(i))
		d.AddNode(simple.Node(i))
	}
	for _, e := range snap.Edges {
		a, b := simple.Node(index[e.From]), simple.Node(index[e.To])
		u.SetEdge(simple.Edge{F: a, T: b})
		d.SetEdge(simple.Edge{F: a, T: b})
		d.SetEdge(simple.Edge{F: b, T: a})
	}
	return u, d, index
}

func oracleCases(t *testing.T) []struct {
	name      string
	snap      *graph.Snapshot
	connected bool
} {
	return []struct {
		name      string
		snap      *graph.Snapshot
		connected bool
	}{
		{"fixture", MustFixture(t), false},
		{"generated", Generate(400, 700, 11), true}, // a spanning tree and more
	}
}

func TestBetweenness_Gonum(t *testing.T) {
	for _, tc := range oracleCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			u, _, index := gonumGraphs(tc.snap)
			n := float64(len(tc.snap.Nodes))
			raw := network.Betweenness(u) // ordered pairs, unnormalised
			ss, err := analysis.Centrality(tc.snap, analysis.Betweenness, analysis.Options{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ss {
				if want := raw[index[s.ID]] / ((n - 1) * (n - 2)); !near(s.Score, want, 1e-9) {
					t.Errorf("Betweenness(%s) = %v; gonum %v", s.ID, s.Score, want)
				}
			}
		})
	}
}

func TestCloseness_Gonum(t *testing.T) {
	for _, tc := range oracleCases(t) {
		if !tc.connected { // gonum has no Wasserman–Faust correction
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			u, _, index := gonumGraphs(tc.snap)
			n := float64(len(tc.snap.Nodes))
			c := network.Closeness(u, path.DijkstraAllPaths(u)) // 1/Σd
			ss, err := analysis.Centrality(tc.snap, analysis.Closeness, analysis.Options{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range ss {
				if want := c[index[s.ID]] * (n - 1); !near(s.Score, want, 1e-9) {
					t.Errorf("Closeness(%s) = %v; gonum %v", s.ID, s.Score, want)
				}
			}
		})
	}
}

func TestPageRank_Gonum(t *testing.T) {
	for _, tc := range oracleCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			_, d, index := gonumGraphs(tc.snap)
			want := network.PageRankSparse(d, 0.85, 1e-12)
			ss, err := analysis.Centrality(tc.snap, analysis.PageRank, analysis.Options{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			var sum float64
			for _, s := range ss {
				sum += s.Score
				if w := want[index[s.ID]]; !near(s.Score, w, 1e-6) {
					t.Errorf("PageRank(%s) = %v; gonum %v", s.ID, s.Score, w)
				}
			}
			if !near(sum, 1, 1e-9) {
				t.Errorf("PageRank sums to %v; want 1", sum)
			}
		})
	}
}
