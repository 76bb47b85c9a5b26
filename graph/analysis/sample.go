package analysis

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// Sampling. BETWEENNESS and CLOSENESS cost one breadth-first search per
// source: n searches of n + 2m steps each, 1.4·10^11 steps on the city set
// (158,437 nodes, 350,052 edges), hours of CPU. Past ExactWork they are
// estimated from k sources drawn uniformly without replacement (a seeded
// partial Fisher–Yates shuffle: the same seed and graph give the same
// sources and the same scores).
//
// Betweenness (Brandes–Pich pivots): the dependencies δ_s(v) of the sampled
// sources, scaled by n/k, as if every source had been searched. Each source
// contributes Y_s(v) = n·δ_s(v)/((n−1)(n−2)) ∈ [0, n/(n−1)] (a dependency is
// at most the n−2 other targets), and the exact score is the mean of Y over
// all n sources, so the estimate is unbiased and, by Hoeffding's inequality
// for sampling without replacement with Serfling's correction, with
// probability at least Confidence every node's estimate is within
//
//	ε = n/(n−1) · √((1 − (k−1)/n) · ln(2n/(1−Confidence)) / (2k))
//
// of its exact score (a union bound over the n nodes). ε is 0.124 at the
// default 512 sources on the city set: loose; the errors measured against
// exact scores are several times smaller (TestSampled).
//
// Closeness: the connected components are found exactly, so each node's
// reach r is exact; a component of at most k nodes is searched from every
// node (exact), a larger one from k of its nodes drawn as above. A node's
// mean distance to the others of its component is estimated by its mean
// distance to the sampled sources (each of which is a uniform sample of the
// others), and its closeness by (r−1)/(n−1) over that mean. Distances lie
// in [1, D] where D, the component's diameter, is at most twice the
// eccentricity of any sampled source; with ε_v = (D−1)·√((1 − (k_v−1)/(r−1))
// · ln(2n/(1−Confidence)) / (2k_v)) over the k_v sources other than v, the
// mean distance lies within ε_v with probability at least Confidence for
// every node at once, so closeness lies in [(r−1)/(n−1)/(d̄+ε_v),
// (r−1)/(n−1)/max(1, d̄−ε_v)]; the bound of a node is the larger distance
// from its estimate to an end of that interval.

// Confidence is the probability with which every sampled score lies within
// its bound.
const Confidence = 0.95

// DefaultSamples is the number of sources sampled when a caller names none:
// on the city set about 3 s of CPU for BETWEENNESS and 1.5 s for CLOSENESS
// (docs/reliability.md), an answer well inside the 30 s request deadline
// even on a busy machine; bounds 0.124 and (closeness, the largest over the
// nodes) 0.165.
const DefaultSamples = 512

// MaxSamples is the most sources a caller may ask for.
const MaxSamples = 1 << 20

// ExactWork is the most search steps, nodes × (nodes + 2·edges), for which
// BETWEENNESS and CLOSENESS are exact without being asked: 10^9, the county
// set (10,317 nodes, 22,705 edges: 5.8·10^8) is exact, the city set is not.
const ExactWork = 1e9

// Method says how BETWEENNESS and CLOSENESS are computed; DEGREE and
// PAGERANK are always exact (they cost a few passes over the edges).
type Method struct {
	// Exact asks for every source however large the graph. Past ExactWork
	// it needs AllowExact.
	Exact bool
	// AllowExact lets Exact run past ExactWork (the server grants it to
	// admins).
	AllowExact bool
	// Samples is how many sources to search (0: exact up to ExactWork,
	// else DefaultSamples). Naming it samples even a small graph; as many as
	// the graph has nodes is exact.
	Samples int
	// Seed chooses the sources.
	Seed int64
}

func (m Method) check() (Method, error) {
	switch {
	case m.Samples < 0 || m.Samples > MaxSamples:
		return m, graph.Invalidf("samples", "samples must be between 1 and %d, got %d", MaxSamples, m.Samples)
	case m.Exact && m.Samples > 0:
		return m, graph.Invalidf("samples", "ask for exact or for samples, not both")
	}
	return m, nil
}

// plan is a Method resolved for one measure on one graph.
type plan struct {
	exact   bool
	samples int // sources searched per component (0 when exact)
	seed    int64
}

// exactWork is the search steps of an exact BETWEENNESS or CLOSENESS on g.
func exactWork(n, edges int) float64 { return float64(n) * float64(n+2*edges) }

// resolve chooses how to compute measure on a graph of n nodes and the
// given edges. Returns an *graph.Error of CodeForbidden when m asks for
// exact past ExactWork without AllowExact.
func (m Method) resolve(measure Measure, n, edges int) (plan, error) {
	if !measure.sampled() {
		return plan{exact: true}, nil
	}
	w := exactWork(n, edges)
	switch {
	case m.Exact:
		if w > ExactWork && !m.AllowExact {
			return plan{}, graph.Errorf(graph.CodeForbidden,
				"exact %s on a graph of %d nodes and %d edges needs the admin role; leave out exact for an estimate from %d sampled sources (its error bound comes with it)",
				measure, n, edges, min(DefaultSamples, n))
		}
		return plan{exact: true}, nil
	case m.Samples > 0:
		if m.Samples >= n {
			return plan{exact: true}, nil
		}
		return plan{samples: m.Samples, seed: m.Seed}, nil
	case w <= ExactWork || DefaultSamples >= n:
		return plan{exact: true}, nil
	}
	return plan{samples: DefaultSamples, seed: m.Seed}, nil
}

// Plan says how m computes measure on a graph of the given nodes and
// edges: exactly, or from samples sources. Returns what Rank returns for m
// (CodeInvalid, CodeForbidden).
func (m Method) Plan(measure Measure, nodes, edges int) (exact bool, samples int, err error) {
	if m, err = m.check(); err != nil {
		return false, 0, err
	}
	p, err := m.resolve(measure, nodes, edges)
	return p.exact, p.samples, err
}

// sample returns k of the vertices in pool (all of them when k ≥ len(pool)),
// drawn without replacement by rng, in increasing order. pool is reordered.
func sample(pool []int32, k int, rng *rand.Rand) []int32 {
	if k >= len(pool) {
		return pool
	}
	for i := range k { // partial Fisher–Yates
		j := i + rng.IntN(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	s := pool[:k]
	slices.Sort(s)
	return s
}

func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)) }

// serfling is the half-width ε, for values in a range of width span, of a
// mean of k draws without replacement from a population of size, that
// holds for events events at once with probability Confidence: Hoeffding's
// bound with Serfling's finite-population factor and a union bound.
func serfling(span float64, k, size, events int) float64 {
	if k <= 0 || span <= 0 || k >= size {
		return 0
	}
	f := 1 - float64(k-1)/float64(size)
	return span * math.Sqrt(f*math.Log(2*float64(max(events, 1))/(1-Confidence))/(2*float64(k)))
}

// roundUp rounds a bound up to three significant digits, so that what is
// shown is never tighter than what was proved.
func roundUp(x float64) float64 {
	if x <= 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, 2-math.Floor(math.Log10(x)))
	return math.Ceil(x*p) / p
}

// betweenness is networkx's betweenness_centrality(normalized=True) on an
// undirected graph, exact or estimated as p says (see above), with its
// bound for every node (0 when exact): Brandes' algorithm, summing over
// ordered pairs (s, t), so that each undirected pair counts twice; networkx
// halves that sum and divides by the (n−1)(n−2)/2 pairs, which is dividing
// it by (n−1)(n−2). The tests hold the exact values to gonum's
// network.Betweenness, which keeps every per-source table in a map: 211 s on
// 10,000 nodes and 15,000 edges against about 2 s here.
func betweenness(pc *pace, g *network, p plan) ([]float64, float64, error) {
	n := g.n()
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	sources := all
	if !p.exact {
		sources = sample(all, p.samples, newRand(p.seed))
	}
	cb := make([]float64, n)
	s := newSearch(n)
	for i, src := range sources {
		if err := pc.check(i, len(sources)); err != nil {
			return nil, 0, err
		}
		s.bfs(g, src, true)
		s.accumulate(g, cb)
		s.reset()
	}
	if n <= 2 {
		return cb, 0, nil
	}
	scale := 1 / (float64(n-1) * float64(n-2))
	var bound float64
	if len(sources) < n {
		scale *= float64(n) / float64(len(sources))
		bound = roundUp(serfling(float64(n)/float64(n-1), len(sources), n, n))
	}
	for i := range cb {
		cb[i] *= scale
	}
	return cb, bound, nil
}

// closeness is networkx's closeness_centrality with wf_improved=True, exact
// or estimated as p says (see above), with each node's bound (nil when
// exact). gonum's network.Closeness is 1/Σd, networkx's value without the
// (r−1) factors, and needs an all-pairs table of n² distances; gonum's
// traverse.BreadthFirst, with a map per walk, took 64 s on 10,000 nodes
// against well under a second here.
func closeness(pc *pace, g *network, p plan) ([]float64, []float64, error) {
	n := g.n()
	comp, sizes, err := components(pc.ctx, g)
	if err != nil {
		return nil, nil, err
	}
	// members[start[c]:start[c+1]] are the vertices of component c.
	start := make([]int32, len(sizes)+1)
	for c, sz := range sizes {
		start[c+1] = start[c] + sz
	}
	members := make([]int32, n)
	next := slices.Clone(start[:len(sizes)])
	for v, c := range comp {
		members[next[c]] = int32(v)
		next[c]++
	}
	rng := newRand(p.seed)
	var sources []int32
	sampled := make([]bool, len(sizes))
	for c := range sizes {
		m := members[start[c]:start[c+1]]
		if !p.exact && len(m) > p.samples {
			m = sample(m, p.samples, rng)
			sampled[c] = true
		}
		sources = append(sources, m...)
	}
	sum := make([]int64, n) // distances from the sources to each node
	cnt := make([]int32, n) // sources other than the node in its component
	ecc := make([]int32, len(sizes))
	for i := range ecc {
		ecc[i] = math.MaxInt32
	}
	s := newSearch(n)
	for i, src := range sources {
		if err := pc.check(i, len(sources)); err != nil {
			return nil, nil, err
		}
		s.bfs(g, src, false)
		for _, v := range s.order[1:] {
			sum[v] += int64(s.dist[v])
			cnt[v]++
		}
		c := comp[src]
		ecc[c] = min(ecc[c], s.dist[s.order[len(s.order)-1]])
		s.reset()
	}
	scores := make([]float64, n)
	var bounds []float64
	for _, b := range sampled {
		if b {
			bounds = make([]float64, n)
			break
		}
	}
	for v := range n {
		r := int(sizes[comp[v]])
		if r <= 1 || cnt[v] == 0 {
			continue
		}
		f := float64(r-1) / float64(n-1)
		mean := float64(sum[v]) / float64(cnt[v])
		scores[v] = f / mean
		if !sampled[comp[v]] {
			continue
		}
		d := 2 * float64(ecc[comp[v]])
		eps := serfling(d-1, int(cnt[v]), r-1, n)
		lo, hi := f/(mean+eps), f/max(1, mean-eps)
		bounds[v] = roundUp(max(hi-scores[v], scores[v]-lo))
	}
	return scores, bounds, nil
}
