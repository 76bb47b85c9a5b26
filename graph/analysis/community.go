package analysis

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"

	"github.com/orgnet/orgnet/graph"
)

// MaxResolution is the largest modularity resolution a caller may ask for.
const MaxResolution = 10

// Partition is a division of the graph into communities.
type Partition struct {
	// Communities hold node ids, each sorted by id; the communities are
	// ordered by size (largest first), then by first id. Only the nodes the
	// options list appear; a community left empty by that is dropped.
	Communities [][]string
	// Of maps each listed node id to its index in Communities.
	Of map[string]int
	// Modularity is Newman's Q of the whole partition (every node, whatever
	// the options list) at the resolution asked, as gonum's community.Q and
	// networkx's modularity compute it; 0 for a graph without edges.
	Modularity float64
}

// Communities divides the graph over opts.Relations into communities with
// the Louvain method (gonum's community.Modularize) at the given resolution
// (1 when 0; higher gives more, smaller communities). The same snapshot,
// options, resolution and seed always give the same partition. Returns an
// *graph.Error of CodeInvalid for an unknown relation, kind or label, or a
// resolution outside (0, MaxResolution].
func Communities(snap *graph.Snapshot, opts Options, resolution float64, seed int64) (*Partition, error) {
	opts, resolution, err := checkCommunities(opts, resolution)
	if err != nil {
		return nil, err
	}
	return communities(build(snap, opts.Relations), resolution, seed).partition(opts), nil
}

func checkCommunities(opts Options, resolution float64) (Options, float64, error) {
	if resolution == 0 {
		resolution = 1
	}
	if !(resolution > 0 && resolution <= MaxResolution) { // NaN fails too
		return opts, 0, graph.Invalidf("resolution", "resolution must be above 0 and at most %d, got %v", MaxResolution, resolution)
	}
	opts, err := opts.normalise()
	return opts, resolution, err
}

// grouping is a partition of every node of a network (by index), before
// filtering and ordering; Cache keeps these.
type grouping struct {
	nodes       []*graph.Node
	communities [][]int
	modularity  float64
}

func communities(net *snapGraph, resolution float64, seed int64) *grouping {
	gr := &grouping{nodes: net.nodes}
	if net.edges == 0 {
		// Modularity is undefined (0/0) without edges; every node is alone.
		for i := range net.nodes {
			gr.communities = append(gr.communities, []int{i})
		}
		return gr
	}
	reduced := community.Modularize(net.g, resolution, rand.NewPCG(uint64(seed), 0))
	cs := reduced.Communities()
	gr.modularity = modularity(net.g, cs, resolution)
	for _, c := range cs {
		if len(c) == 0 {
			continue
		}
		idx := make([]int, len(c))
		for i, v := range c {
			idx[i] = int(v.ID())
		}
		gr.communities = append(gr.communities, idx)
	}
	return gr
}

// modularity is gonum's community.Q, with 0 for a graph without edges.
func modularity(g gonum.Undirected, cs [][]gonum.Node, resolution float64) float64 {
	q := community.Q(g, cs, resolution)
	if math.IsNaN(q) {
		return 0
	}
	return q
}

// partition lists the communities of the nodes opts keeps.
func (gr *grouping) partition(opts Options) *Partition {
	p := &Partition{Modularity: round12(gr.modularity), Of: map[string]int{}}
	for _, c := range gr.communities {
		var ids []string
		for _, i := range c {
			if n := gr.nodes[i]; opts.keep(n) {
				ids = append(ids, n.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		slices.Sort(ids)
		p.Communities = append(p.Communities, ids)
	}
	slices.SortFunc(p.Communities, func(a, b []string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a[0], b[0])
	})
	for i, c := range p.Communities {
		for _, id := range c {
			p.Of[id] = i
		}
	}
	return p
}

// Modularity returns the modularity of the given division of the graph over
// opts.Relations into communities of node ids (gonum's community.Q at the
// resolution, 1 when 0), for comparing a planned grouping with the one
// Communities finds. Nodes the communities leave out are each a community of
// their own. Returns an *graph.Error of CodeInvalid for bad options or
// resolution, CodeNotFound for an id not in the snapshot, CodeInvalid for an
// id in two communities.
func Modularity(snap *graph.Snapshot, opts Options, communities [][]string, resolution float64) (float64, error) {
	opts, resolution, err := checkCommunities(opts, resolution)
	if err != nil {
		return 0, err
	}
	net := build(snap, opts.Relations)
	index := make(map[string]int, len(net.nodes))
	for i, n := range net.nodes {
		index[n.ID] = i
	}
	seen := make([]bool, len(net.nodes))
	var cs [][]gonum.Node
	for _, c := range communities {
		var vs []gonum.Node
		for _, id := range c {
			i, ok := index[id]
			if !ok {
				return 0, graph.NotFoundf("node %q is not in the graph", id)
			}
			if seen[i] {
				return 0, graph.Invalidf("communities", "node %q is in more than one community", id)
			}
			seen[i] = true
			vs = append(vs, net.g.vs[i])
		}
		cs = append(cs, vs)
	}
	for i, ok := range seen {
		if !ok {
			cs = append(cs, []gonum.Node{net.g.vs[i]})
		}
	}
	return round12(modularity(net.g, cs, resolution)), nil
}
