package main

import (
	"context"
	"fmt"
	"strings"
)

// diff describes how got differs from want (both sorted), or "".
func diff(want, got []string) string {
	var missing, extra []string
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j == len(got) || i < len(want) && want[i] < got[j]:
			missing = append(missing, want[i])
			i++
		case i == len(want) || got[j] < want[i]:
			extra = append(extra, got[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	short := func(s []string) []string {
		if len(s) > 5 {
			return append(s[:5:5], fmt.Sprintf("… (%d in all)", len(s)))
		}
		return s
	}
	return fmt.Sprintf("missing %v, extra %v", short(missing), short(extra))
}

// cell is one (query, system, concurrency) measurement.
type cell struct {
	System      string  `json:"system"`
	Concurrency int     `json:"concurrency"`
	Ops         int     `json:"ops"`
	Errors      int     `json:"errors"`
	Throughput  float64 `json:"opsPerSec"`
	P50ms       float64 `json:"p50ms"`
	P99ms       float64 `json:"p99ms"`
	Meanms      float64 `json:"meanMs"`
	FirstError  string  `json:"firstError,omitempty"`
	// Checked answers were compared in full with the agreed one while
	// timing (outside the timed span); Mismatches differed.
	Checked       int    `json:"checked"`
	Mismatches    int    `json:"mismatches"`
	FirstMismatch string `json:"firstMismatch,omitempty"`
	LoadAvg       string `json:"loadAvg"` // at the end of the cell
}

type queryResult struct {
	Name       string         `json:"name"`
	Title      string         `json:"title"`
	Facts      int            `json:"facts"`
	RoundTrips map[string]int `json:"roundTrips"`
	Cells      []cell         `json:"cells"`
}

type results struct {
	Date        string        `json:"date"`
	Dataset     string        `json:"dataset"`
	Nodes       int64         `json:"nodes"`
	Edges       int64         `json:"edges"`
	Neo4j       string        `json:"neo4j"`
	GoVersion   string        `json:"go"`
	CPUs        int           `json:"cpus"`
	Duration    string        `json:"durationPerCell"`
	Warmup      string        `json:"warmupPerCell"`
	WarmupAll   string        `json:"warmupPerSystem"`
	CheckEvery  int           `json:"checkEvery"`
	Commit      string        `json:"commit"`
	LoadAvg     []string      `json:"loadAvg"` // at the start, after the warm-up and at the end
	Concurrency []int         `json:"concurrency"`
	Params      params        `json:"params"`
	Queries     []queryResult `json:"queries"`
}

type system struct {
	name string
	do   func(context.Context, query) (any, error)
}

// table renders the results as Markdown: one row per query and concurrency.
func table(r results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nCommit %s. Dataset %s: %d nodes, %d edges; Neo4j %s; %s; %d CPUs; warm-up %s per system, then %s unmeasured and %s measured per cell; every %d-th answer re-checked while timing; load average %s.\n\n",
		r.Commit, r.Dataset, r.Nodes, r.Edges, r.Neo4j, r.GoVersion, r.CPUs, r.WarmupAll, r.Warmup, r.Duration, r.CheckEvery, strings.Join(r.LoadAvg, " → "))
	b.WriteString("| query | c | floor op/s | orgnet op/s | peer op/s | floor p50/p99 ms | orgnet p50/p99 ms | peer p50/p99 ms | round trips f/o/p | orgnet/peer thr | orgnet/peer p99 | orgnet/floor p50 |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, q := range r.Queries {
		by := map[string]map[int]cell{}
		for _, c := range q.Cells {
			if by[c.System] == nil {
				by[c.System] = map[int]cell{}
			}
			by[c.System][c.Concurrency] = c
		}
		for _, c := range r.Concurrency {
			f, o, p := by["floor"][c], by["orgnet"][c], by["peer"][c]
			fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.0f | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %d / %d / %d | %s | %s | %s |\n",
				q.Name, c, f.Throughput, o.Throughput, p.Throughput, f.P50ms, f.P99ms, o.P50ms, o.P99ms, p.P50ms, p.P99ms,
				q.RoundTrips["floor"], q.RoundTrips["orgnet"], q.RoundTrips["peer"],
				ratio(o.Throughput, p.Throughput), ratio(o.P99ms, p.P99ms), ratio(o.P50ms, f.P50ms))
		}
	}
	return b.String()
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}
