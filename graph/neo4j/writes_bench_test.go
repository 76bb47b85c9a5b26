package neo4j_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/neo4j"
)

// BenchmarkWrites measures write throughput: each operation is one write
// transaction that creates a village under a parent (a node and its
// SUB_ORGANISATION_OF edge, as createOrganisation does), from 1, 4 and 16
// writers at once. It uses only the Store's API, so that the same file run
// on a tree from before the change feed measures what the feed costs
// (docs/scale.md):
//
//	NEO4J_URI=… go test ./graph/neo4j -run '^$' -bench Writes -benchtime 10s
func BenchmarkWrites(b *testing.B) {
	s := openStore(b, neo4j.Options{})
	wipe(b, s.Driver())
	ctx := context.Background()
	parent := graph.Node{ID: "org:bench-parent", Label: graph.LabelOrganisation, Kind: "PARTY_COMMITTEE", Name: "上级",
		Provenance: graph.Provenance{Source: graph.SourceSynthetic}}
	if _, err := s.Apply(ctx, graph.Batch{Nodes: []graph.Node{parent}}); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	for _, writers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			b.SetParallelism(writers) // × GOMAXPROCS goroutines
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := fmt.Sprintf("org:bench-%d", n.Add(1))
					_, err := s.Apply(ctx, graph.Batch{
						Nodes: []graph.Node{{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "村" + id,
							Provenance: graph.Provenance{Source: graph.SourceSynthetic}}},
						Edges: []graph.Edge{{Type: graph.RelSubOrganisationOf, From: id, To: parent.ID}},
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}
