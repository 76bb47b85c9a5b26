// Package analysis computes centrality, communities and summary statistics
// over a graph.Snapshot, so that it runs the same on every Store; Cache
// memoises results until the next write and stops a computation that no
// caller waits for any more. Every measure is normalised as networkx
// normalises it, and the tests hold it to values networkx computed
// (testdata/networkx_expected.py) and to gonum's implementations.
//
// The graph is held as compressed adjacency (one slice of neighbours, one of
// offsets): betweenness, closeness, PageRank, components and Louvain are
// short loops over it that check their context at least once per source, per
// iteration or per few thousand nodes, so that a computation whose callers
// have all gone stops within milliseconds. gonum's network and community
// packages compute the same measures (the tests compare), but they keep
// per-node maps and take no context: on the synthetic city set (158,437
// nodes) building the gonum graph alone took 5.9 s and its Louvain 64 s,
// neither of which could be stopped.
//
// BETWEENNESS and CLOSENESS cost one breadth-first search per source, so on a
// large graph they are estimated from a sample of sources (sample.go), with
// an error bound; the cost of every computation is known before it starts
// (cost.go).
//
// The graph analysed is always undirected and simple: every snapshot node is
// a vertex (isolated ones included) and every edge of the chosen relationship
// types joins its two ends, whatever its direction; parallel edges (two facts
// between the same pair) count once.
package analysis

import (
	"context"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// Options select the graph to analyse and the nodes a result lists.
type Options struct {
	// Relations are the relationship types whose edges make the graph; all
	// types when empty (and when every type is listed).
	Relations []graph.RelType
	// Kinds restrict the result to nodes of these kinds (all when empty). The
	// graph analysed is still the whole graph over Relations: a village's
	// betweenness counts the paths that run through enterprises.
	Kinds []string
	// Labels restrict the result to nodes of these labels, like Kinds; a node
	// is listed when it passes both.
	Labels []graph.Label
}

// normalise validates o and returns a copy with each list sorted and free of
// duplicates, and Relations nil when it names every type, so that equal
// options have one form (the cache keys on it). Returns an *graph.Error of
// CodeInvalid for an unknown relation, kind or label.
func (o Options) normalise() (Options, error) {
	for _, t := range o.Relations {
		if !t.Valid() {
			return o, graph.Invalidf("relations", "relationship type %q is not one of %v", t, graph.RelTypes)
		}
	}
	for _, l := range o.Labels {
		if !l.Valid() {
			return o, graph.Invalidf("labels", "label %q is not one of %v", l, graph.Labels)
		}
	}
	for _, k := range o.Kinds {
		if !validKind(k) {
			return o, graph.Invalidf("kinds", "kind %q is not the kind of any label", k)
		}
	}
	rels := sortedSet(o.Relations)
	if len(rels) == len(graph.RelTypes) {
		rels = nil // every type is the default, however spelled
	}
	return Options{
		Relations: rels,
		Kinds:     sortedSet(o.Kinds),
		Labels:    sortedSet(o.Labels),
	}, nil
}

// keep reports whether a result lists node n.
func (o Options) keep(n *graph.Node) bool {
	return (len(o.Kinds) == 0 || slices.Contains(o.Kinds, n.Kind)) &&
		(len(o.Labels) == 0 || slices.Contains(o.Labels, n.Label))
}

func validKind(k string) bool {
	for _, ks := range graph.Kinds {
		if slices.Contains(ks, k) {
			return true
		}
	}
	return false
}

func sortedSet[T ~string](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return slices.Compact(s)
}

// network is the graph analysed: vertex i is nodes[i], the snapshot's nodes
// in id order; the neighbours of i are adj[off[i]:off[i+1]], in index (so id)
// order. Iterating in that fixed order makes floating-point sums, and
// Louvain's choices among equal moves, the same on every run.
type network struct {
	nodes []*graph.Node
	off   []int32
	adj   []int32
	edges int // undirected edges after collapsing parallel ones
}

// nb returns the neighbours of vertex v.
func (g *network) nb(v int32) []int32 { return g.adj[g.off[v]:g.off[v+1]] }

// n returns the number of vertices.
func (g *network) n() int { return len(g.nodes) }

// checkEvery is how many nodes or edges a loop handles between two looks at
// its context: a few hundred microseconds of work at most.
const checkEvery = 1 << 12

// build makes the graph of snap over the relationship types rels (all when
// empty; rels must be valid). Edges whose ends are not in the snapshot, and
// loops, are left out. Returns ctx's error if ctx ends first.
func build(ctx context.Context, snap *graph.Snapshot, rels []graph.RelType) (*network, error) {
	var nodes []*graph.Node
	var edges []*graph.Edge
	if snap != nil {
		nodes = snap.Nodes
		edges = snap.Edges
	}
	nodes = cleanNodes(nodes)
	index := make(map[string]int32, len(nodes))
	for i, n := range nodes {
		index[n.ID] = int32(i)
	}
	// Each undirected edge once, as lesser index << 32 | greater index.
	pairs := make([]uint64, 0, len(edges))
	for i, e := range edges {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if e == nil || len(rels) > 0 && !slices.Contains(rels, e.Type) {
			continue
		}
		u, okU := index[e.From]
		v, okV := index[e.To]
		if !okU || !okV || u == v {
			continue
		}
		if u > v {
			u, v = v, u
		}
		pairs = append(pairs, uint64(u)<<32|uint64(v))
	}
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := len(nodes)
	off := make([]int32, n+1)
	for _, p := range pairs {
		off[p>>32+1]++
		off[uint32(p)+1]++
	}
	for i := range n {
		off[i+1] += off[i]
	}
	adj := make([]int32, 2*len(pairs))
	next := slices.Clone(off[:n])
	// Pairs are sorted by (lesser, greater), so each vertex first receives
	// its lesser neighbours in order, then its greater ones in order.
	for _, p := range pairs {
		u, v := int32(p>>32), int32(uint32(p))
		adj[next[u]] = v
		next[u]++
		adj[next[v]] = u
		next[v]++
	}
	return &network{nodes: nodes, off: off, adj: adj, edges: len(pairs)}, nil
}

// cleanNodes returns nodes without nils, sorted by id, each id once: nodes
// itself when it is so already (a Snapshot is sorted by id, so graphs built
// from one snapshot share its slice), else a fresh slice.
func cleanNodes(nodes []*graph.Node) []*graph.Node {
	clean := true
	for i, n := range nodes {
		if n == nil || i > 0 && nodes[i-1].ID >= n.ID {
			clean = false
			break
		}
	}
	if clean {
		return nodes
	}
	nodes = slices.DeleteFunc(slices.Clone(nodes), func(n *graph.Node) bool { return n == nil })
	slices.SortFunc(nodes, func(a, b *graph.Node) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(nodes, func(a, b *graph.Node) bool { return a.ID == b.ID })
}

// components labels each vertex with its connected component (numbered in
// order of their least vertex) and returns the labels and the sizes.
func components(ctx context.Context, g *network) (comp []int32, sizes []int32, err error) {
	n := g.n()
	comp = make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	queue := make([]int32, 0, n)
	seen := 0
	for s := range int32(n) {
		if comp[s] >= 0 {
			continue
		}
		c := int32(len(sizes))
		comp[s] = c
		queue = append(queue[:0], s)
		for h := 0; h < len(queue); h++ {
			seen++
			if seen%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, nil, err
				}
			}
			for _, w := range g.nb(queue[h]) {
				if comp[w] < 0 {
					comp[w] = c
					queue = append(queue, w)
				}
			}
		}
		sizes = append(sizes, int32(len(queue)))
	}
	return comp, sizes, nil
}

// GraphStats summarise the graph analysed.
type GraphStats struct {
	Nodes      int
	Edges      int // undirected, parallel edges counted once
	Components int // connected components, isolated nodes included
	// Density is 2·Edges / (Nodes·(Nodes−1)), as networkx's density; 0 for
	// fewer than two nodes.
	Density float64
}

// Stats returns the size, connected components and density of the graph over
// opts.Relations. Kinds and Labels do not apply: Stats describes the graph
// that Centrality and Communities work on, not a result. Returns an
// *graph.Error of CodeInvalid for an unknown relation, kind or label.
func Stats(snap *graph.Snapshot, opts Options) (GraphStats, error) {
	opts, err := opts.normalise()
	if err != nil {
		return GraphStats{}, err
	}
	ctx := context.Background()
	g, err := build(ctx, snap, opts.Relations)
	if err != nil {
		return GraphStats{}, err
	}
	return stats(ctx, g)
}

func stats(ctx context.Context, g *network) (GraphStats, error) {
	n := g.n()
	s := GraphStats{Nodes: n, Edges: g.edges}
	_, sizes, err := components(ctx, g)
	if err != nil {
		return s, err
	}
	s.Components = len(sizes)
	if n > 1 {
		s.Density = 2 * float64(g.edges) / (float64(n) * float64(n-1))
	}
	return s, nil
}
