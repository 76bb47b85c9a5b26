package analysis_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/orgnet/orgnet/graph"
)

// Generate returns a synthetic organisation network of n nodes and about m
// edges, the same for the same seed: a random tree of SUB_ORGANISATION_OF
// (each node under one made before it) plus m−(n−1) random ADJACENT_TO
// edges.
func Generate(n, m int, seed uint64) *graph.Snapshot {
	rng := rand.New(rand.NewPCG(seed, 1))
	kinds := []string{"VILLAGE", "COMMUNITY", "ENTERPRISE", "PARTY_BRANCH"}
	id := func(i int) string { return fmt.Sprintf("org:%06d", i) }
	snap := &graph.Snapshot{}
	for i := range n {
		snap.Nodes = append(snap.Nodes, &graph.Node{ID: id(i), Label: graph.LabelOrganisation,
			Kind: kinds[i%len(kinds)], Name: id(i), Provenance: graph.Provenance{Source: graph.SourceSynthetic}})
	}
	edge := func(t graph.RelType, a, b int) {
		snap.Edges = append(snap.Edges, &graph.Edge{ID: graph.EdgeID(t, id(a), id(b)), Type: t, From: id(a), To: id(b),
			Provenance: graph.Provenance{Source: graph.SourceSynthetic}})
	}
	for i := 1; i < n; i++ {
		edge(graph.RelSubOrganisationOf, i, rng.IntN(i))
	}
	for range m - (n - 1) {
		a, b := rng.IntN(n), rng.IntN(n)
		if a != b {
			edge(graph.RelAdjacentTo, a, b)
		}
	}
	return snap
}
