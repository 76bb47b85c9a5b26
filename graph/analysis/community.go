package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"

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
// the Louvain method at the given resolution (1 when 0; higher gives more,
// smaller communities). The same snapshot, options, resolution and seed
// always give the same partition. Returns an *graph.Error of CodeInvalid for
// an unknown relation, kind or label, or a resolution outside
// (0, MaxResolution].
func Communities(snap *graph.Snapshot, opts Options, resolution float64, seed int64) (*Partition, error) {
	opts, resolution, err := checkCommunities(opts, resolution)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	g, err := build(ctx, snap, opts.Relations)
	if err != nil {
		return nil, err
	}
	gr, err := communities(freePace(ctx), g, resolution, seed)
	if err != nil {
		return nil, err
	}
	return gr.partition(opts), nil
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
	communities [][]int32
	modularity  float64
}

func communities(pc *pace, g *network, resolution float64, seed int64) (*grouping, error) {
	gr := &grouping{nodes: g.nodes}
	if g.edges == 0 {
		// Modularity is undefined (0/0) without edges; every node is alone.
		for i := range g.nodes {
			gr.communities = append(gr.communities, []int32{int32(i)})
		}
		return gr, nil
	}
	of, q, err := louvain(pc, g, resolution, seed)
	if err != nil {
		return nil, err
	}
	gr.modularity = q
	for v, c := range of {
		for int(c) >= len(gr.communities) {
			gr.communities = append(gr.communities, nil)
		}
		gr.communities[c] = append(gr.communities[c], int32(v))
	}
	return gr, nil
}

// level is one level of Louvain: a weighted graph whose vertices are the
// communities of the level below. self is the weight inside a vertex (each
// edge of the original graph once), k a vertex's strength (2·self plus its
// edges' weights).
type level struct {
	off  []int32
	adj  []int32
	w    []float64
	self []float64
	k    []float64
}

// louvain is the Louvain method (Blondel et al. 2008), as gonum's
// community.Modularize does it: move each vertex, in an order shuffled by
// the seed, to the neighbouring community that raises modularity most, until
// no move raises it; then make each community a vertex and repeat, until a
// level moves nothing. It returns each vertex's community (numbered from 0)
// and the partition's modularity. It is written here rather than calling
// Modularize, which builds maps for every vertex and takes no context: 64 s
// on the city set, which nothing could stop.
func louvain(pc *pace, g *network, resolution float64, seed int64) ([]int32, float64, error) {
	n := g.n()
	lv := &level{off: g.off, adj: g.adj, w: make([]float64, len(g.adj)), self: make([]float64, n), k: make([]float64, n)}
	for i := range lv.w {
		lv.w[i] = 1
	}
	var m2 float64
	for v := range n {
		lv.k[v] = float64(g.off[v+1] - g.off[v])
		m2 += lv.k[v]
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	of := make([]int32, n) // vertex → vertex of the current level
	for v := range of {
		of[v] = int32(v)
	}
	for {
		comm, moved, err := lv.move(pc.ctx, resolution, m2, rng)
		if err != nil {
			return nil, 0, err
		}
		if !moved {
			break
		}
		renumber(comm)
		for v, c := range of {
			of[v] = comm[c]
		}
		if lv, err = lv.aggregate(pc.ctx, comm); err != nil {
			return nil, 0, err
		}
	}
	// Each vertex of the last level is a community.
	var q float64
	for i := range lv.k {
		q += 2*lv.self[i]/m2 - resolution*(lv.k[i]/m2)*(lv.k[i]/m2)
	}
	return of, q, nil
}

// minGain is the least rise in (unscaled) modularity worth a move, so that
// floating-point noise cannot make vertices swap back and forth.
const minGain = 1e-10

// move runs Louvain's local moving on lv: comm[i] is vertex i's community
// (a vertex index), moved whether any vertex moved.
func (lv *level) move(ctx context.Context, resolution, m2 float64, rng *rand.Rand) (comm []int32, moved bool, err error) {
	n := len(lv.k)
	comm = make([]int32, n)
	tot := slices.Clone(lv.k)
	order := make([]int32, n)
	for i := range comm {
		comm[i] = int32(i)
		order[i] = int32(i)
	}
	rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	toward := make([]float64, n) // weight from the vertex moved to each community
	var touched []int32
	for {
		moves := 0
		for idx, i := range order {
			if idx%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, false, err
				}
			}
			ci, ki := comm[i], lv.k[i]
			touched = touched[:0]
			for e := lv.off[i]; e < lv.off[i+1]; e++ {
				c := comm[lv.adj[e]]
				if toward[c] == 0 {
					touched = append(touched, c)
				}
				toward[c] += lv.w[e]
			}
			tot[ci] -= ki
			best, bestGain := ci, toward[ci]-resolution*tot[ci]*ki/m2
			for _, c := range touched {
				if gain := toward[c] - resolution*tot[c]*ki/m2; gain > bestGain+minGain {
					best, bestGain = c, gain
				}
			}
			tot[best] += ki
			comm[i] = best
			if best != ci {
				moves++
			}
			for _, c := range touched {
				toward[c] = 0
			}
		}
		if moves == 0 {
			return comm, moved, nil
		}
		moved = true
	}
}

// renumber numbers the communities of comm 0, 1, … in order of their least
// vertex.
func renumber(comm []int32) {
	id := make(map[int32]int32)
	for i, c := range comm {
		x, ok := id[c]
		if !ok {
			x = int32(len(id))
			id[c] = x
		}
		comm[i] = x
	}
}

// aggregate returns the level whose vertices are the communities of lv
// (comm numbered from 0).
func (lv *level) aggregate(ctx context.Context, comm []int32) (*level, error) {
	var c int32
	for _, x := range comm {
		c = max(c, x+1)
	}
	start := make([]int32, c+1)
	for _, x := range comm {
		start[x+1]++
	}
	for i := range c {
		start[i+1] += start[i]
	}
	members := make([]int32, len(comm))
	next := slices.Clone(start[:c])
	for v, x := range comm {
		members[next[x]] = int32(v)
		next[x]++
	}
	up := &level{off: make([]int32, c+1), self: make([]float64, c), k: make([]float64, c)}
	toward := make([]float64, c)
	var touched []int32
	for x := range c {
		if x%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		touched = touched[:0]
		for _, v := range members[start[x]:start[x+1]] {
			up.self[x] += lv.self[v]
			up.k[x] += lv.k[v]
			for e := lv.off[v]; e < lv.off[v+1]; e++ {
				y := comm[lv.adj[e]]
				if y == x {
					up.self[x] += lv.w[e] / 2 // seen from both ends
					continue
				}
				if toward[y] == 0 {
					touched = append(touched, y)
				}
				toward[y] += lv.w[e]
			}
		}
		slices.Sort(touched)
		for _, y := range touched {
			up.adj = append(up.adj, y)
			up.w = append(up.w, toward[y])
			toward[y] = 0
		}
		up.off[x+1] = int32(len(up.adj))
	}
	return up, nil
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
	net, err := build(context.Background(), snap, opts.Relations)
	if err != nil {
		return 0, err
	}
	g := simple.NewUndirectedGraph()
	for i := range net.n() {
		g.AddNode(simple.Node(i))
	}
	for v := range int32(net.n()) {
		for _, w := range net.nb(v) {
			if v < w {
				g.SetEdge(g.NewEdge(simple.Node(v), simple.Node(w)))
			}
		}
	}
	index := make(map[string]int, net.n())
	for i, n := range net.nodes {
		index[n.ID] = i
	}
	seen := make([]bool, net.n())
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
			vs = append(vs, simple.Node(i))
		}
		cs = append(cs, vs)
	}
	for i, ok := range seen {
		if !ok {
			cs = append(cs, []gonum.Node{simple.Node(i)})
		}
	}
	q := community.Q(g, cs, resolution)
	if math.IsNaN(q) {
		return 0, nil
	}
	return round12(q), nil
}
