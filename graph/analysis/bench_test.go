package analysis_test

import (
	"context"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// The benchmark graph: 10,000 organisations, 15,000 edges (a random tree of
// SUB_ORGANISATION_OF plus random ADJACENT_TO), about the size of a
// district's network.
var benchSnap = sync.OnceValue(func() *graph.Snapshot { return Generate(10000, 15000, 1) })

func BenchmarkCentrality(b *testing.B) {
	snap := benchSnap()
	for _, m := range analysis.Measures {
		b.Run(string(m), func(b *testing.B) {
			for b.Loop() {
				if _, err := analysis.Centrality(snap, m, analysis.Options{}, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCommunities(b *testing.B) {
	snap := benchSnap()
	for b.Loop() {
		if _, err := analysis.Communities(snap, analysis.Options{}, 1, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStats(b *testing.B) {
	snap := benchSnap()
	for b.Loop() {
		if _, err := analysis.Stats(snap, analysis.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheHit is a kept betweenness asked again with another kind
// filter and top: ranking only.
func BenchmarkCacheHit(b *testing.B) {
	snap := benchSnap()
	c := analysis.NewCache(func(context.Context) (*graph.Snapshot, error) { return snap, nil })
	ctx := context.Background()
	if _, err := scoresOf(c, ctx, analysis.Degree, analysis.Options{}, 20); err != nil {
		b.Fatal(err)
	}
	opts := analysis.Options{Kinds: []string{"VILLAGE"}}
	for b.Loop() {
		if _, err := scoresOf(c, ctx, analysis.Degree, opts, 20); err != nil {
			b.Fatal(err)
		}
	}
}
