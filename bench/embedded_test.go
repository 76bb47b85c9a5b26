// Package bench holds the embedded-store benchmarks at scale (part 5 of
// "Performance and scale"); the side-by-side Neo4j benchmark is
// cmd/sidebyside. They are skipped unless ORGNET_BENCH_EMBEDDED is set, so
// that go test ./... stays fast:
//
//	ORGNET_BENCH_EMBEDDED=1 go test ./bench -run '^$' -bench Embedded -benchtime 3s
//
// ORGNET_BENCH_SIZE picks the synthetic set (default city, seed 1) and
// ORGNET_BENCH_DIR where its store lives on disk (default
// /tmp/orgnet-bench-embedded); the first run loads it (minutes at city
// scale), later runs reopen it.
package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/seed"
)

// The same parameters as the side-by-side run picks on the city set (seed 1).
const (
	village     = "org:s001-village-0002"
	pathTo      = "org:s002-village-0016"
	subtreeRoot = "org:s001-committee"
)

var (
	once     sync.Once
	store    *memory.Store
	dbPath   string
	setupErr error
)

func embedded(b *testing.B) (*memory.Store, graph.View) {
	b.Helper()
	if os.Getenv("ORGNET_BENCH_EMBEDDED") == "" {
		b.Skip("set ORGNET_BENCH_EMBEDDED=1 to run the embedded-store benchmarks")
	}
	once.Do(func() {
		size := seed.SizeCity
		if s := os.Getenv("ORGNET_BENCH_SIZE"); s != "" {
			if size, setupErr = seed.ParseSize(s); setupErr != nil {
				return
			}
		}
		dir := os.Getenv("ORGNET_BENCH_DIR")
		if dir == "" {
			dir = "/tmp/orgnet-bench-embedded"
		}
		dbPath = filepath.Join(dir, string(size), "orgnet.db")
		ctx := context.Background()
		if _, err := os.Stat(dbPath); err != nil {
			st, err := memory.New(ctx, dbPath)
			if err != nil {
				setupErr = err
				return
			}
			setupErr = seed.SyntheticChunks(size, 1, 20_000, func(bt graph.Batch) error {
				_, err := st.Apply(ctx, bt)
				return err
			})
			if err := st.Close(); setupErr == nil {
				setupErr = err
			}
			if setupErr != nil {
				return
			}
		}
		store, setupErr = memory.New(ctx, dbPath)
	})
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return store, graph.View{AsOf: graph.Today()}
}

// timed runs f b.N times and reports p50 and p99 besides ns/op.
func timed(b *testing.B, f func() error) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
	}
}

func BenchmarkEmbeddedNeighbourhood2(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	var n int
	timed(b, func() error {
		sg, err := st.Neighbourhood(ctx, v, village, graph.NeighbourhoodQuery{Depth: 2, Limit: 500})
		if err == nil {
			n = len(sg.Nodes)
		}
		return err
	})
	b.ReportMetric(float64(n), "nodes")
}

func BenchmarkEmbeddedSubtree3(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	var n int
	timed(b, func() error {
		sg, err := st.Subtree(ctx, v, subtreeRoot, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
		if err == nil {
			n = len(sg.Nodes)
		}
		return err
	})
	b.ReportMetric(float64(n), "nodes")
}

func BenchmarkEmbeddedShortestPath(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	var n int
	timed(b, func() error {
		p, err := st.ShortestPath(ctx, v, village, pathTo, graph.PathQuery{MaxDepth: 8})
		if err == nil && p != nil {
			n = len(p.Edges)
		}
		return err
	})
	b.ReportMetric(float64(n), "hops")
}

// BenchmarkEmbeddedPage50 reads the first page of 50 villages as the
// benchmark's GraphQL query does (no totalCount asked: NoTotal), and
// BenchmarkEmbeddedPage50Total with the total count, which visits every node.
func BenchmarkEmbeddedPage50(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	f := graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Kinds: []string{"VILLAGE"}}
	timed(b, func() error {
		_, err := st.FindNodes(ctx, v, f, graph.PageArgs{First: 50, NoTotal: true})
		return err
	})
}

func BenchmarkEmbeddedPage50Total(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	f := graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Kinds: []string{"VILLAGE"}}
	timed(b, func() error {
		_, err := st.FindNodes(ctx, v, f, graph.PageArgs{First: 50})
		return err
	})
}

// BenchmarkEmbeddedStartup opens the store on disk (as orgnet serve does at
// start-up) and reports the heap it holds per edge once open.
func BenchmarkEmbeddedStartup(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	c, err := st.Counts(ctx, v)
	if err != nil {
		b.Fatal(err)
	}
	// bbolt locks its file: open a copy.
	cp := filepath.Join(b.TempDir(), "orgnet.db")
	data, err := os.ReadFile(dbPath)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(cp, data, 0o600); err != nil {
		b.Fatal(err)
	}
	data = nil
	var heap float64
	timed(b, func() error {
		b.StopTimer()
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		b.StartTimer()
		s2, err := memory.New(context.Background(), cp)
		if err != nil {
			return err
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&m1)
		heap = float64(m1.HeapAlloc) - float64(m0.HeapAlloc)
		err = s2.Close()
		b.StartTimer()
		return err
	})
	b.ReportMetric(heap/float64(c.Edges), "heap-B/edge")
	b.ReportMetric(heap/float64(c.Nodes+c.Edges), "heap-B/item")
	b.ReportMetric(float64(c.Nodes), "nodes")
	b.ReportMetric(float64(c.Edges), "edges")
}

// BenchmarkEmbeddedSearch runs the search root field's store read (20
// hits) for a village's Chinese name, its full pinyin and its pinyin
// initials, and for a syllable most names hold (many hits to rank).
func BenchmarkEmbeddedSearch(b *testing.B) {
	st, v := embedded(b)
	ctx := context.Background()
	n, err := st.Node(ctx, v, village)
	if err != nil {
		b.Fatal(err)
	}
	k := graph.KeyOf(n)
	for _, tc := range []struct{ name, text string }{
		{"chinese", n.Name},
		{"pinyin", k.Pinyin},
		{"initials", k.Initials},
		{"common", "cun"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var hits int
			timed(b, func() error {
				h, err := st.Search(ctx, v, tc.text, 20)
				hits = len(h)
				return err
			})
			if hits == 0 {
				b.Fatalf("no hit for %q", tc.text)
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}
