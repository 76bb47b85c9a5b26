package graph_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// TestBestHits: BestHits keeps what sorting every hit and cutting gives,
// whatever the order hits come in, ties on rank and name length included.
func TestBestHits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ hits, limit int }{
		{0, 5}, {1, 1}, {3, 5}, {5, 5}, {6, 5}, {100, 1}, {100, 20}, {1000, 7}, {1000, 1000},
	} {
		t.Run(fmt.Sprintf("%d hits, limit %d", tc.hits, tc.limit), func(t *testing.T) {
			all := make([]graph.SearchHit, tc.hits)
			for i := range all {
				all[i] = graph.SearchHit{Node: &graph.Node{ID: fmt.Sprintf("n%04d", rng.IntN(10_000))},
					Key: graph.SearchKey{NameRunes: rng.IntN(4)}, Rank: rng.IntN(4)}
			}
			b := graph.NewBestHits(tc.limit)
			for _, h := range all {
				b.Add(h)
			}
			want := slices.Clone(all)
			graph.SortHits(want)
			want = want[:min(tc.limit, len(want))]
			got := b.Sorted()
			if len(got) != len(want) {
				t.Fatalf("kept %d hits; want %d", len(got), len(want))
			}
			for i := range want {
				if graph.CompareHits(got[i], want[i]) != 0 {
					t.Fatalf("hit %d = %+v; want %+v", i, got[i], want[i])
				}
			}
		})
	}
}
