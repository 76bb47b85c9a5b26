package plan_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph/plan"
)

// The city-scale input: 2,500 units on a 50×50 grid with triangulating
// diagonals, 150 current alliances of about 17 units.
var cityScale = cityOpts{w: 50, h: 50, diagonals: 0.8, alliances: 150, pairs: 0.7, seed: 7}

func simulate(tb testing.TB, p *plan.Problem, in plan.Input) *plan.Plan {
	tb.Helper()
	pl, err := plan.Simulate(context.Background(), p, in)
	if err != nil {
		tb.Fatalf("Simulate(%s): %v", in.Strategy, err)
	}
	return pl
}

// plainLouvain is COMMUNITY with every constraint off: Louvain's
// communities as they come.
var plainLouvain = plan.Input{Strategy: plan.Community, Seed: 1,
	Constraints: plan.Constraints{RequireContiguous: ptr(false), RequireStrong: ptr(false)}}

// BenchmarkBalancedCity groups the city into K = 150 alliances and reports
// the balance of the plan, of today's grouping and of plain Louvain, with
// no move cost and with one that halves the units moved.
//
//	go test -run '^$' -bench City -benchtime 5x ./graph/plan/
func BenchmarkBalancedCity(b *testing.B) {
	p := mustUnits(b, city(b, cityScale), plan.UnitOptions{})
	lv := simulate(b, p, plainLouvain)
	// Resolution 20 makes Louvain find about as many communities as K.
	fine := plainLouvain
	fine.Resolution = fp(20)
	lv20 := simulate(b, p, fine)
	for _, mc := range []float64{0, 0.5} {
		b.Run(fmt.Sprintf("moveCost=%v", mc), func(b *testing.B) {
			in := plan.Input{Strategy: plan.Balanced, K: ip(150), Seed: 1, MoveCost: mc}
			var pl *plan.Plan
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				pl = simulate(b, p, in)
			}
			reportCPU(b, cpu)
			b.StopTimer()
			b.ReportMetric(pl.Metrics.Strength.CV, "cv-strength")
			b.ReportMetric(pl.Metrics.Population.CV, "cv-pop")
			b.ReportMetric(pl.Today.Strength.CV, "today-cv-strength")
			b.ReportMetric(pl.Today.Population.CV, "today-cv-pop")
			b.ReportMetric(lv.Metrics.Strength.CV, "louvain-cv-strength")
			b.ReportMetric(lv.Metrics.Population.CV, "louvain-cv-pop")
			b.ReportMetric(lv20.Metrics.Strength.CV, "louvain20-cv-strength")
			b.ReportMetric(lv20.Metrics.Population.CV, "louvain20-cv-pop")
			b.ReportMetric(float64(lv20.Metrics.AllianceCount), "louvain20-communities")
			b.ReportMetric(float64(lv.Metrics.AllianceCount), "louvain-communities")
			b.ReportMetric(float64(pl.Metrics.Moved), "moved")
		})
	}
}

// BenchmarkPairingsCity pairs every weak unit of the city with a strong one.
func BenchmarkPairingsCity(b *testing.B) {
	p := mustUnits(b, city(b, cityScale), plan.UnitOptions{})
	in := plan.Input{Strategy: plan.Pairings, Seed: 1}
	var pl *plan.Plan
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		pl = simulate(b, p, in)
	}
	reportCPU(b, cpu)
	b.StopTimer()
	b.ReportMetric(float64(pl.Metrics.WeakWithoutMentor), "unpaired")
	b.ReportMetric(pl.Metrics.MeanPairingHops, "mean-hops")
}

// BenchmarkCommunityCity is COMMUNITY with its repair, for reference.
func BenchmarkCommunityCity(b *testing.B) {
	p := mustUnits(b, city(b, cityScale), plan.UnitOptions{})
	in := plan.Input{Strategy: plan.Community, Seed: 1}
	var pl *plan.Plan
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		pl = simulate(b, p, in)
	}
	reportCPU(b, cpu)
	b.StopTimer()
	b.ReportMetric(float64(pl.Metrics.AllianceCount), "alliances")
	b.ReportMetric(pl.Metrics.Strength.CV, "cv-strength")
	b.ReportMetric(pl.Metrics.Population.CV, "cv-pop")
}

// reportCPU reports the CPU time per operation since start (all threads,
// so the garbage collector's share is in it): on a loaded machine ns/op
// counts time spent waiting for a core.
func reportCPU(b *testing.B, start time.Duration) {
	if start == 0 {
		return
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
