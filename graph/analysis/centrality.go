package analysis

import (
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
}

// Centrality returns the nodes of snap that opts lists with their measure
// on the graph over opts.Relations, highest first, ties by id, the first top
// of them (all when top ≤ 0). Scores are rounded to 12 significant digits,
// so that values equal but for floating-point noise tie. Returns an
// *graph.Error of CodeInvalid for an unknown measure, relation, kind or label,
// or top > MaxTop.
func Centrality(snap *graph.Snapshot, measure Measure, opts Options, top int) ([]Score, error) {
	opts, err := checkCentrality(measure, opts, top)
	if err != nil {
		return nil, err
	}
	return centrality(build(snap, opts.Relations), measure).rank(opts, top), nil
}

func checkCentrality(measure Measure, opts Options, top int) (Options, error) {
	if !measure.Valid() {
		return opts, graph.Invalidf("measure", "measure %q is not one of %v", measure, Measures)
	}
	if top > MaxTop {
		return opts, graph.Invalidf("top", "top must be at most %d, got %d", MaxTop, top)
	}
	return opts.normalise()
}

// scored holds a measure of every node of a network (scores[i] is that of
// nodes[i]), before filtering and ranking; Cache keeps these.
type scored struct {
	nodes  []*graph.Node
	scores []float64
}

// centrality computes measure (valid) for every node of net.
func centrality(net *snapGraph, measure Measure) *scored {
	var s []float64
	switch measure {
	case Degree:
		s = degree(net.g)
	case Betweenness:
		s = betweenness(net.g)
	case Closeness:
		s = closeness(net.g)
	case PageRank:
		s = pageRank(net.g, pageRankAlpha, pageRankTol, pageRankMaxIter)
	}
	for i, x := range s {
		s[i] = round12(x)
	}
	return &scored{nodes: net.nodes, scores: s}
}

// rank lists the nodes opts keeps, highest score first, ties by id, the
// first top of them (all when top ≤ 0).
func (s *scored) rank(opts Options, top int) []Score {
	out := make([]Score, 0, len(s.nodes))
	for i, n := range s.nodes {
		if opts.keep(n) {
			out = append(out, Score{ID: n.ID, Score: s.scores[i]})
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
func degree(g *undirected) []float64 {
	n := len(g.vs)
	s := make([]float64, n)
	if n == 1 {
		s[0] = 1
		return s
	}
	for i := range s {
		s[i] = float64(len(g.adj[i])) / float64(n-1)
	}
	return s
}

// betweenness is networkx's betweenness_centrality(normalized=True) on an
// undirected graph: Brandes' algorithm (as gonum's network.Betweenness, which
// the tests hold it to), summing over ordered pairs (s, t), so that each
// undirected pair counts twice; networkx halves that sum and divides by the
// (n−1)(n−2)/2 pairs, which is dividing it by (n−1)(n−2).
//
// It is written out over index slices rather than calling
// network.Betweenness because gonum keeps every per-source table in a map
// and resets all of them for each source: on 10,000 nodes and 15,000 edges
// that took 211 s against about 2 s here.
func betweenness(g *undirected) []float64 {
	n := len(g.nb)
	cb := make([]float64, n)
	sigma := make([]float64, n) // shortest paths from s
	delta := make([]float64, n) // dependency of s on each node
	dist := make([]int32, n)
	order := make([]int32, 0, n) // nodes in the order reached from s
	for i := range dist {
		dist[i] = -1
	}
	for s := range int32(n) {
		order = append(order[:0], s)
		sigma[s], dist[s] = 1, 0
		for h := 0; h < len(order); h++ {
			v := order[h]
			for _, w := range g.nb[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					order = append(order, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
				}
			}
		}
		for i := len(order) - 1; i > 0; i-- { // farthest first; order[0] is s
			w := order[i]
			for _, v := range g.nb[w] {
				if dist[v] == dist[w]-1 { // v precedes w on a shortest path
					delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
				}
			}
			cb[w] += delta[w]
		}
		for _, v := range order {
			sigma[v], delta[v], dist[v] = 0, 0, -1
		}
	}
	if n > 2 {
		scale := 1 / (float64(n-1) * float64(n-2))
		for i := range cb {
			cb[i] *= scale
		}
	}
	return cb
}

// closeness is networkx's closeness_centrality with wf_improved=True: a
// breadth-first search from each node gives the r nodes it reaches (itself
// included) and the sum of their distances. gonum's network.Closeness is
// 1/Σd, networkx's value without the (r−1) factors (so (n−1) times smaller on
// a connected graph, as the tests check), and needs an all-pairs table of n²
// distances; gonum's traverse.BreadthFirst, with a map per walk, took 64 s on
// 10,000 nodes against well under a second here.
func closeness(g *undirected) []float64 {
	n := len(g.nb)
	s := make([]float64, n)
	dist := make([]int32, n)
	order := make([]int32, 0, n)
	for i := range dist {
		dist[i] = -1
	}
	for src := range int32(n) {
		order = append(order[:0], src)
		dist[src] = 0
		sum := 0
		for h := 0; h < len(order); h++ {
			v := order[h]
			for _, w := range g.nb[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					sum += int(dist[w])
					order = append(order, w)
				}
			}
		}
		if sum > 0 && n > 1 {
			r := float64(len(order) - 1)
			s[src] = r / float64(sum) * r / float64(n-1)
		}
		for _, v := range order {
			dist[v] = -1
		}
	}
	return s
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
func pageRank(g *undirected, alpha, tol float64, maxIter int) []float64 {
	n := len(g.vs)
	if n == 0 {
		return nil
	}
	x := make([]float64, n)
	last := make([]float64, n)
	for i := range x {
		x[i] = 1 / float64(n)
	}
	for range maxIter {
		x, last = last, x
		var dangling float64
		for i, nb := range g.nb {
			if len(nb) == 0 {
				dangling += last[i]
			}
		}
		base := (alpha*dangling + 1 - alpha) / float64(n)
		for j, nb := range g.nb {
			var in float64
			for _, u := range nb {
				in += last[u] / float64(len(g.nb[u]))
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
	return x
}
