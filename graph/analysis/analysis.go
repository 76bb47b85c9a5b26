// Package analysis computes centrality, communities and summary statistics
// over a graph.Snapshot, so that it runs the same on every Store; Cache
// memoises results until the next write. Every measure is normalised as
// networkx normalises it, and the tests hold it to values networkx computed
// (testdata/networkx_expected.py).
//
// The graph is a gonum simple.UndirectedGraph; communities are gonum's
// Louvain (community.Modularize) scored by community.Q, and components come
// from gonum's topo. Betweenness, closeness and PageRank are short loops
// over the graph's adjacency, held in the tests to gonum's network package:
// gonum's own are 10–100 times slower on 10,000 nodes (betweenness 211 s),
// lack closeness's correction for disconnected graphs, and start PageRank
// from a random vector (see centrality.go).
//
// The graph analysed is always undirected and simple: every snapshot node is
// a vertex (isolated ones included) and every edge of the chosen relationship
// types joins its two ends, whatever its direction; parallel edges (two facts
// between the same pair) count once.
package analysis

import (
	"slices"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/orgnet/orgnet/graph"
)

// Options select the graph to analyse and the nodes a result lists.
type Options struct {
	// Relations are the relationship types whose edges make the graph; all
	// types when empty.
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
// duplicates, so that equal options have one form (the cache keys on it).
// Returns an *graph.Error of CodeInvalid for an unknown relation, kind or
// label.
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
	return Options{
		Relations: sortedSet(o.Relations),
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

// snapGraph is the graph analysed: vertex i is nodes[i], the snapshot's nodes
// in id order.
type snapGraph struct {
	nodes []*graph.Node
	g     *undirected
	edges int // undirected edges after collapsing parallel ones
}

// undirected is a gonum simple.UndirectedGraph whose Nodes and From iterate
// in id order. simple's own iterators follow Go map order, which would make
// floating-point sums, and Louvain's choices among equal moves, differ from
// run to run; in a fixed order every algorithm gives the same answer every
// time.
type undirected struct {
	*simple.UndirectedGraph
	vs  []gonum.Node   // vertex i at index i
	adj [][]gonum.Node // neighbours of vertex i, by id
	nb  [][]int32      // the same as indices, for the loops written here
}

// Nodes returns every vertex in id order. The slice is fresh: gonum may sort
// what it is given in place.
func (g *undirected) Nodes() gonum.Nodes { return iterator.NewOrderedNodes(slices.Clone(g.vs)) }

// From returns the neighbours of vertex id in id order.
func (g *undirected) From(id int64) gonum.Nodes {
	if id < 0 || id >= int64(len(g.adj)) || len(g.adj[id]) == 0 {
		return gonum.Empty
	}
	return iterator.NewOrderedNodes(g.adj[id])
}

// build makes the graph of snap over the relationship types rels (all when
// empty; rels must be valid). Edges whose ends are not in the snapshot, and
// loops, are left out.
func build(snap *graph.Snapshot, rels []graph.RelType) *snapGraph {
	var nodes []*graph.Node
	var edges []*graph.Edge
	if snap != nil {
		nodes = snap.Nodes
		edges = snap.Edges
	}
	byID := func(a, b *graph.Node) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	}
	nodes = slices.DeleteFunc(slices.Clone(nodes), func(n *graph.Node) bool { return n == nil })
	if !slices.IsSortedFunc(nodes, byID) {
		slices.SortFunc(nodes, byID)
	}
	nodes = slices.CompactFunc(nodes, func(a, b *graph.Node) bool { return a.ID == b.ID })

	index := make(map[string]int64, len(nodes))
	sg := simple.NewUndirectedGraph()
	vs := make([]gonum.Node, len(nodes))
	for i, n := range nodes {
		index[n.ID] = int64(i)
		vs[i] = simple.Node(i)
		sg.AddNode(vs[i])
	}
	edgesN := 0
	for _, e := range edges {
		if e == nil || len(rels) > 0 && !slices.Contains(rels, e.Type) {
			continue
		}
		u, okU := index[e.From]
		v, okV := index[e.To]
		if !okU || !okV || u == v || sg.HasEdgeBetween(u, v) {
			continue
		}
		sg.SetEdge(sg.NewEdge(vs[u], vs[v]))
		edgesN++
	}
	adj := make([][]gonum.Node, len(nodes))
	nb := make([][]int32, len(nodes))
	for i := range nodes {
		adj[i] = gonum.NodesOf(sg.From(int64(i)))
		slices.SortFunc(adj[i], func(a, b gonum.Node) int { return int(a.ID() - b.ID()) })
		nb[i] = make([]int32, len(adj[i]))
		for j, v := range adj[i] {
			nb[i][j] = int32(v.ID())
		}
	}
	return &snapGraph{
		nodes: nodes,
		g:     &undirected{UndirectedGraph: sg, vs: vs, adj: adj, nb: nb},
		edges: edgesN,
	}
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
	return stats(build(snap, opts.Relations)), nil
}

func stats(net *snapGraph) GraphStats {
	n := len(net.nodes)
	s := GraphStats{Nodes: n, Edges: net.edges}
	if n > 0 {
		s.Components = len(topo.ConnectedComponents(net.g))
	}
	if n > 1 {
		s.Density = 2 * float64(net.edges) / (float64(n) * float64(n-1))
	}
	return s
}
