package memory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
)

// The benchmarks share one generated graph of benchNodes nodes in three
// tiers, built once and removed by TestMain.
const (
	benchTier2  = 100
	benchTier3  = 9899
	benchNodes  = 1 + benchTier2 + benchTier3 // plus benchAlliances alliances
	benchAllies = 200
)

var bench struct {
	once  sync.Once
	dir   string
	s     *memory.Store
	tier2 []string
	tier3 []string
	err   error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.s != nil {
		_ = bench.s.Close()
	}
	if bench.dir != "" {
		_ = os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// genGraph is a tiny stand-in for the synthetic generator: one tier-1
// committee, benchTier2 tier-2 committees under it, benchTier3 villages
// spread over them, each ADJACENT_TO the next under the same parent; every
// fifth village is a member of one of benchAllies alliances, and every
// tenth mentors a village of another tier-2 body.
func genGraph() (b graph.Batch, tier2, tier3 []string) {
	rng := rand.New(rand.NewPCG(7, 11))
	ill := graph.Provenance{Source: graph.SourceSynthetic, Ref: "bench"}
	node := func(id string, l graph.Label, kind, name, nameEn string, tier int) {
		b.Nodes = append(b.Nodes, graph.Node{ID: id, Label: l, Kind: kind, Name: name, NameEn: nameEn, Tier: tier, Provenance: ill})
	}
	rel := func(t graph.RelType, from, to string) {
		b.Edges = append(b.Edges, graph.Edge{Type: t, From: from, To: to, Provenance: ill})
	}
	root := "org:t1"
	node(root, graph.LabelOrganisation, "PARTY_WORKING_COMMITTEE", "街道党工委", "Street Committee", 1)
	for i := range benchTier2 {
		id := fmt.Sprintf("org:t2-%03d", i)
		tier2 = append(tier2, id)
		node(id, graph.LabelOrganisation, "PARTY_COMMITTEE", fmt.Sprintf("第%d党委", i), fmt.Sprintf("Committee %d", i), 2)
		rel(graph.RelSubOrganisationOf, id, root)
	}
	for i := range benchAllies {
		id := fmt.Sprintf("alliance:%03d", i)
		node(id, graph.LabelAlliance, "REGIONAL_ALLIANCE", fmt.Sprintf("第%d联合体", i), fmt.Sprintf("Alliance %d", i), 0)
	}
	for i := range benchTier3 {
		id := fmt.Sprintf("org:t3-%05d", i)
		tier3 = append(tier3, id)
		parent := i % benchTier2
		node(id, graph.LabelOrganisation, "VILLAGE", fmt.Sprintf("第%d村", i), fmt.Sprintf("Village %d", i), 3)
		rel(graph.RelSubOrganisationOf, id, tier2[parent])
		if i >= benchTier2 {
			rel(graph.RelAdjacentTo, tier3[i-benchTier2], id)
		}
		if i%5 == 0 {
			rel(graph.RelMemberOf, id, fmt.Sprintf("alliance:%03d", rng.IntN(benchAllies)))
		}
		if i%10 == 0 && i > 0 {
			if j := rng.IntN(i); j%benchTier2 != parent {
				rel(graph.RelMentors, id, tier3[j])
			}
		}
	}
	return b, tier2, tier3
}

func benchStore(b *testing.B) *memory.Store {
	b.Helper()
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "orgnet-bench-")
		if bench.err != nil {
			return
		}
		ctx := context.Background()
		bench.s, bench.err = memory.New(ctx, filepath.Join(bench.dir, "g.db"))
		if bench.err != nil {
			return
		}
		var all graph.Batch
		all, bench.tier2, bench.tier3 = genGraph()
		_, bench.err = bench.s.Apply(ctx, all)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.s
}

func BenchmarkNeighbourhoodDepth2(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		ids  []string
	}{{"tier3", bench.tier3}, {"tier2", bench.tier2}} {
		b.Run(tc.name, func(b *testing.B) {
			var nodes int
			i := 0
			for b.Loop() {
				sg, err := s.Neighbourhood(ctx, graph.View{}, tc.ids[i%len(tc.ids)], graph.NeighbourhoodQuery{Depth: 2, Limit: graph.DefaultNeighbourhoodSize})
				if err != nil {
					b.Fatal(err)
				}
				nodes += len(sg.Nodes)
				i += 37
			}
			b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
		})
	}
}

func BenchmarkShortestPath(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 5))
	pairs := make([][2]string, 1024)
	for i := range pairs {
		pairs[i] = [2]string{bench.tier3[rng.IntN(len(bench.tier3))], bench.tier3[rng.IntN(len(bench.tier3))]}
	}
	var hops int
	i := 0
	for b.Loop() {
		p := pairs[i%len(pairs)]
		path, err := s.ShortestPath(ctx, graph.View{}, p[0], p[1], graph.PathQuery{MaxDepth: 8})
		if err != nil {
			b.Fatal(err)
		}
		if path != nil {
			hops += len(path.Edges)
		}
		i++
	}
	b.ReportMetric(float64(hops)/float64(b.N), "hops/op")
}

func BenchmarkFindNodesPage50(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		f    graph.NodeFilter
	}{
		{"all", graph.NodeFilter{}},
		{"tier3", graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Tiers: []int{3}}},
		{"name", graph.NodeFilter{NameContains: "village 1"}},
		{"alliance", graph.NodeFilter{AllianceID: "alliance:007"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				after := ""
				if i%2 == 1 {
					after = graph.EncodeCursor(bench.tier3[(i*131)%len(bench.tier3)])
				}
				if _, err := s.FindNodes(ctx, graph.View{}, tc.f, graph.PageArgs{First: 50, After: after}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, tc := range []struct{ name, text string }{
		{"chinese", "第12"},
		{"english", "Village 12"},
		{"exact", "第4321村"},
		{"none", "无此名"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, graph.View{}, tc.text, graph.DefaultSearchLimit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
