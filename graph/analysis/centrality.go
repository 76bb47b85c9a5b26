package analysis

import (
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/orgnet/orgnet/graph"
)

// Measure names a centrality measure.
type Measure string

// The centrality measures, each normalised as networkx normalises it.
const (
	// Degree is deg(v)/(n−1), as networkx's degree_centrality (1 for a graph
	// of one node).
	Degree Measure = "DEGREE"
	// Betweenness is the share of shortest paths between other pairs that
	// run through v, normalised by (n−1)(n−2)/2 pairs, as networkx's
	// betweenness_centrality(G, normalized=True) on an undirected graph.
	Betweenness Measure = "BETWEENNESS"
	// Closeness is (r−1)/Σd · (r−1)/(n−1) over the r nodes v reaches (itself
	// included), as networkx's closeness_centrality with its default
	// wf_improved=True (Wasserman–Faust, for disconnected graphs).
	Closeness Measure = "CLOSENESS"
	// PageRank is networkx's pagerank(G, alpha=0.85, tol=1e-10) with every
	// undirected edge followed both ways; scores sum to 1.
	PageRank Measure = "PAGERANK"
)

// Measures lists every Measure.
var Measures = []Measure{Degree, Betweenness, Closeness, PageRank}

// Valid reports whether m is one of Measures.
func (m Measure) Valid() bool { return slices.Contains(Measures, m) }

// sampled reports whether m costs a search per source, so that it is
// sampled on a large graph.
func (m Measure) sampled() bool { return m == Betweenness || m == Closeness }

// MaxTop is the largest top a caller may ask for.
const MaxTop = 10000

// PageRank parameters (networkx's defaults but tol; see pageRank for
// maxIter).
const (
	pageRankAlpha   = 0.85
	pageRankTol     = 1e-10
	pageRankMaxIter = 1000
)

// Score is the centrality of one node.
type Score struct {
	ID    string
	Score float64
	// Rank is 1 for the highest score; equal scores share a rank and the
	// next rank skips (1, 2, 2, 4), ranked among the nodes the result lists.
	Rank int
	// Bound is how far the exact score may be from Score, with the
	// ranking's Confidence: 0 when exact (see Ranking).
	Bound float64
}

// Centrality returns the nodes of snap that opts lists with their exact
// measure on the graph over opts.Relations, highest first, ties by id, the
// first top of them (all when top ≤ 0). Scores are rounded to 12 significant
// digits, so that values equal but for floating-point noise tie. Returns an
// *graph.Error of CodeInvalid for an unknown measure, relation, kind or label,
// or top > MaxTop. Rank computes with a context, by sampling where asked.
func Centrality(snap *graph.Snapshot, measure Measure, opts Options, top int) ([]Score, error) {
	r, err := Rank(context.Background(), snap, measure, opts, Method{Exact: true, AllowExact: true}, top)
	if err != nil {
		return nil, err
	}
	return r.Scores, nil
}

func checkCentrality(measure Measure, opts Options, m Method, top int) (Options, Method, error) {
	if !measure.Valid() {
		return opts, m, graph.Invalidf("measure", "measure %q is not one of %v", measure, Measures)
	}
	if top > MaxTop {
		return opts, m, graph.Invalidf("top", "top must be at most %d, got %d", MaxTop, top)
	}
	m, err := m.check()
	if err != nil {
		return opts, m, err
	}
	opts, err = opts.normalise()
	return opts, m, err
}

// scored holds a measure of every node of a network (scores[i] is that of
// nodes[i]), before filtering and ranking, and how it was computed; Cache
// keeps these.
type scored struct {
	nodes  []*graph.Node
	scores []float64
	bounds []float64 // per node; nil when exact or when bound holds for all
	plan   plan
	bound  float64 // for every node
}

// centrality computes measure (valid) for every node of g as p says.
func centrality(pc *pace, g *network, measure Measure, p plan) (*scored, error) {
	out := &scored{nodes: g.nodes, plan: p}
	var err error
	switch measure {
	case Degree:
		out.scores = degree(g)
	case Betweenness:
		out.scores, out.bound, err = betweenness(pc, g, p)
	case Closeness:
		out.scores, out.bounds, err = closeness(pc, g, p)
		for _, b := range out.bounds {
			out.bound = max(out.bound, b)
		}
	case PageRank:
		out.scores, err = pageRank(pc.ctx, g, pageRankAlpha, pageRankTol, pageRankMaxIter)
	}
	if err != nil {
		return nil, err
	}
	for i, x := range out.scores {
		out.scores[i] = round12(x)
	}
	return out, nil
}

// rank lists the nodes opts keeps, highest score first, ties by id, the
// first top of them (all when top ≤ 0).
func (s *scored) rank(opts Options, top int) []Score {
	out := make([]Score, 0, len(s.nodes))
	for i, n := range s.nodes {
		if opts.keep(n) {
			sc := Score{ID: n.ID, Score: s.scores[i], Bound: s.bound}
			if s.bounds != nil {
				sc.Bound = s.bounds[i]
			}
			out = append(out, sc)
		}
	}
	slices.SortFunc(out, func(a, b Score) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	for i := range out {
		if i > 0 && out[i].Score == out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	if top > 0 && top < len(out) {
		out = slices.Clip(out[:top])
	}
	return out
}

// round12 rounds x to 12 significant digits.
func round12(x float64) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if err != nil {
		return x
	}
	return r
}

// degree is networkx's degree_centrality.
func degree(g *network) []float64 {
	n := g.n()
	s := make([]float64, n)
	if n == 1 {
		s[0] = 1
		return s
	}
	for i := range s {
		s[i] = float64(g.off[i+1]-g.off[i]) / float64(n-1)
	}
	return s
}

// search is the scratch space of one breadth-first search from a source,
// reused from source to source: only the nodes reached are reset.
type search struct {
	sigma []float64 // shortest paths from the source
	delta []float64 // dependency of the source on each node
	dist  []int32   // −1: not reached
	order []int32   // nodes in the order reached; order[0] is the source
}

func newSearch(n int) *search {
	s := &search{sigma: make([]float64, n), delta: make([]float64, n), dist: make([]int32, n), order: make([]int32, 0, n)}
	for i := range s.dist {
		s.dist[i] = -1
	}
	return s
}

// bfs fills dist and order from src; with paths set, sigma too.
//
// bfs and accumulate, the inner loops of BETWEENNESS and CLOSENESS, touch
// only the search's own scratch slices and the graph, which no one writes
// once built; they are left out of the race detector's instrumentation,
// which made them 20–30 times slower (exact scores on the county set in the
// tests: 250 s instead of 10).
//
//go:norace
func (s *search) bfs(g *network, src int32, paths bool) {
	s.order = append(s.order[:0], src)
	s.dist[src] = 0
	s.sigma[src] = 1
	for h := 0; h < len(s.order); h++ {
		v := s.order[h]
		dv := s.dist[v]
		for _, w := range g.nb(v) {
			if s.dist[w] < 0 {
				s.dist[w] = dv + 1
				s.order = append(s.order, w)
			}
			if paths && s.dist[w] == dv+1 {
				s.sigma[w] += s.sigma[v]
			}
		}
	}
}

// accumulate adds the dependency of the last source searched (bfs with
// paths) on every other node to cb: Brandes' back-propagation, farthest
// first.
//
//go:norace
func (s *search) accumulate(g *network, cb []float64) {
	for i := len(s.order) - 1; i > 0; i-- {
		w := s.order[i]
		dw := s.dist[w]
		coef := (1 + s.delta[w]) / s.sigma[w]
		for _, v := range g.nb(w) {
			if s.dist[v] == dw-1 { // v precedes w on a shortest path
				s.delta[v] += s.sigma[v] * coef
			}
		}
		cb[w] += s.delta[w]
	}
}

// reset clears what the last search touched.
func (s *search) reset() {
	for _, v := range s.order {
		s.sigma[v], s.delta[v], s.dist[v] = 0, 0, -1
	}
}

// pageRank is networkx's pagerank (the power iteration of _pagerank_scipy)
// on g with each undirected edge followed both ways: start from the uniform
// vector; a node without edges (dangling) hands its rank to every node
// evenly; stop when the L1 change of an iteration is below n·tol.
//
// gonum's network.PageRank and PageRankSparse compute the same vector but
// start from a random vector drawn from the global generator and stop on an
// L2 change: their last digits differ from call to call, which would break
// ties at random and make a cached answer differ from a fresh one. The
// tests check this function against gonum's PageRankSparse.
//
// networkx's max_iter=100 is too few for tol=1e-10 on graphs with a
// bipartite component (a star, an even cycle), where the change shrinks only
// by alpha per iteration; maxIter is set so that it always converges.
func pageRank(ctx context.Context, g *network, alpha, tol float64, maxIter int) ([]float64, error) {
	n := g.n()
	if n == 0 {
		return nil, nil
	}
	x := make([]float64, n)
	last := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	for range maxIter {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x, last = last, x
		var dangling float64
		for i := range n {
			if g.off[i+1] == g.off[i] {
				dangling += last[i]
			}
		}
		base := (alpha*dangling + 1 - alpha) / float64(n)
		for j := range int32(n) {
			var in float64
			for _, u := range g.nb(j) {
				in += last[u] / float64(g.off[u+1]-g.off[u])
			}
			x[j] = alpha*in + base
		}
		var change float64
		for i := range x {
			change += math.Abs(x[i] - last[i])
		}
		if change < float64(n)*tol {
			break
		}
	}
	return x, nil
}
