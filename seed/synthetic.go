package seed

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"math/rand/v2"

	"github.com/orgnet/orgnet/graph"
)

// Synthetic networks: the shape of the Yuelin network, scaled up and made
// up, for load tests, benchmarks and planners who want a big map.
//
// A set is a tree of Party committees (province → cities → counties, as far
// as the size goes) over streets and towns (街道, 镇). Every street repeats
// Yuelin's shape:
//
//   - tier 1: the street Party working committee (街道党工委, or a town's
//     镇党委) and its 两新工委;
//   - tier 2: one or two startup-town/park Party and mass-organisation
//     committees (党群建设工作委员会), each responsible for a town zone with a
//     park, liaison stations, a Party-building alliance with its branches,
//     and (the first) a Party and public service centre with workshops;
//   - tier 3: the Party branch, union, youth league and women's federation
//     of makerspaces and enterprises, under the tier-2 committee and hosted
//     at their makerspace or enterprise; Party-building instructors
//     (党建指导员) of the 两新工委 hold posts at the enterprises;
//   - villages and communities on a jittered grid (one cell each) with
//     population, strength (collective income, 10k yuan a year) and
//     partyMembers; ADJACENT_TO follows the grid's 4-neighbours plus one
//     diagonal per square (a triangulation, so the map is planar) and crosses
//     street and county borders; each has a secretary, a responsibility
//     area cut into grids (网格) with a grid leader responsible for it (and,
//     as B role, for the next), Party groups responsible for grids, and (a
//     village) natural villages;
//   - regional alliances (区域党建联合体) of 3–8 contiguous villages and one
//     co-building community, of the five graph.AllianceTypes, with MENTORS
//     pairings from stronger to weaker villages inside each; the members'
//     secretaries sit on its council;
//   - projects with temporary Party branches (支部建在项目上), their
//     headquarters, Party groups and commandos; a brand system and platforms.
//
// Everything is SYNTHETIC with Ref "synthetic:<size>:seed=<n>", named in
// Chinese (syllable tables and suffixes) and English (pinyin), with readable
// unique ids (org:s012-village-0345, person:s012-0456, zone:…, alliance:…).
// A set is a pure function of its size and seed: every street draws from its
// own PCG stream, so streets can be made in any order, in parallel, twice.

// Size is the size of a synthetic network.
type Size string

// The sizes.
const (
	SizeCounty   Size = "county"   // one county: ~10 streets, ~10k nodes
	SizeCity     Size = "city"     // one city: ~150 streets, ~2,500 villages and communities, ~150k nodes
	SizeProvince Size = "province" // ten cities: ~1,500 streets, ~1.5M nodes, ~4M edges
)

// Sizes lists the sizes, smallest first.
var Sizes = []Size{SizeCounty, SizeCity, SizeProvince}

// ParseSize returns the Size named s.
func ParseSize(s string) (Size, error) {
	for _, z := range Sizes {
		if string(z) == s {
			return z, nil
		}
	}
	return "", fmt.Errorf("synthetic size %q: want county, city or province", s)
}

// Target is the approximate size of a set: what the generator aims at
// (the sizes). Seed 1 gives county 10,317 nodes and 22,720 edges,
// city 158,437 and 350,301, province 1,659,018 and 3,700,189; other seeds
// stay within 15%.
func (s Size) Target() (nodes, edges int) {
	switch s {
	case SizeCounty:
		return 10_000, 23_000
	case SizeCity:
		return 150_000, 345_000
	case SizeProvince:
		return 1_500_000, 4_000_000
	}
	return 0, 0
}

// SyntheticRef is the provenance Ref of every node and edge of a set.
func SyntheticRef(size Size, seed int64) string {
	return "synthetic:" + string(size) + ":seed=" + strconv.FormatInt(seed, 10)
}

// Synthetic returns a whole synthetic set as one batch, nodes first, valid
// under graph.ValidateBatch with an empty store. A province set is some
// 1.7M nodes and 3.7M edges (several GB as one batch): stream it with
// SyntheticChunks instead. It panics on an unknown size.
func Synthetic(size Size, seed int64) graph.Batch {
	l := mustLayout(size, seed)
	var b graph.Batch
	parts := make([]*part, 0, len(l.streets)+1)
	_ = l.generate(true, true, func(p *part) error {
		parts = append(parts, p)
		return nil
	})
	nn, ne := 0, 0
	for _, p := range parts {
		nn += len(p.nodes)
		ne += len(p.edges)
	}
	b.Nodes = make([]graph.Node, 0, nn)
	b.Edges = make([]graph.Edge, 0, ne)
	for _, p := range parts {
		b.Nodes = append(b.Nodes, p.nodes...)
		b.Edges = append(b.Edges, p.edges...)
	}
	return b
}

// SyntheticChunks streams the set Synthetic returns, in the same order, as
// batches of at most chunk items: every node first, then every edge, so a
// batch of nodes holds no edges and a batch of edges names only nodes of
// earlier batches. Each batch is valid under graph.ValidateBatch against a
// store holding the batches before it. The set is made twice, street by
// street (once for the nodes, once for the edges), so memory stays at a few
// streets and one batch whatever the size. fn may keep the batch. An error
// from fn stops the stream and is returned.
func SyntheticChunks(size Size, seed int64, chunk int, fn func(graph.Batch) error) error {
	if chunk <= 0 {
		return fmt.Errorf("synthetic: chunk must be > 0, got %d", chunk)
	}
	l, err := newLayout(size, seed)
	if err != nil {
		return err
	}
	var nodes []graph.Node
	err = l.generate(true, false, func(p *part) error {
		for len(p.nodes) > 0 {
			take := min(chunk-len(nodes), len(p.nodes))
			nodes = append(nodes, p.nodes[:take]...)
			p.nodes = p.nodes[take:]
			if len(nodes) == chunk {
				if err := fn(graph.Batch{Nodes: nodes}); err != nil {
					return err
				}
				nodes = make([]graph.Node, 0, chunk)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(nodes) > 0 {
		if err := fn(graph.Batch{Nodes: nodes}); err != nil {
			return err
		}
	}
	var edges []graph.Edge
	err = l.generate(false, true, func(p *part) error {
		for len(p.edges) > 0 {
			take := min(chunk-len(edges), len(p.edges))
			edges = append(edges, p.edges[:take]...)
			p.edges = p.edges[take:]
			if len(edges) == chunk {
				if err := fn(graph.Batch{Edges: edges}); err != nil {
					return err
				}
				edges = make([]graph.Edge, 0, chunk)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(edges) > 0 {
		return fn(graph.Batch{Edges: edges})
	}
	return nil
}

// ---------------------------------------------------------------------------
// Layout: the committees above the streets, the streets on their county's
// grid, which cell is which village or community, and the alliances.

// sizeSpec is how many cities, counties per city and streets per county a
// size has.
type sizeSpec struct {
	cities, countiesPerCity, minStreets, maxStreets int
	province, city                                  bool // whether those committees exist
}

var sizeSpecs = map[Size]sizeSpec{
	SizeCounty:   {cities: 1, countiesPerCity: 1, minStreets: 10, maxStreets: 10},
	SizeCity:     {cities: 1, countiesPerCity: 15, minStreets: 8, maxStreets: 12, city: true},
	SizeProvince: {cities: 10, countiesPerCity: 15, minStreets: 8, maxStreets: 12, city: true, province: true},
}

// PCG streams: one for the layout, one per street for its alliances, one per
// street for its content.
const (
	streamLayout    = 0x6c61796f7574 // "layout"
	streamPartition = 1 << 40
	streamStreet    = 2 << 40
)

const cellKm = 2.0 // a cell of the map is 2 km square

type committee struct {
	id, name, nameEn string
	parent           string // "" at the top
	kind             string
}

type county struct {
	committee
	name2, nameEn2 string // the county's own name (奉化, Fenghua), for enterprise names
	w, h           int
	grid           []int32 // unit number per cell (y*w+x), -1 where no street lies
	ox, oy         float64 // origin on the province map, km
	salt           uint64  // picks the diagonal of each grid square
}

type street struct {
	no           int // 1-based, unique in the set
	county       int
	bx, by, w, h int // block of cells on the county grid
	unit0        int // number of its first unit (1-based, unique in the set)
	town         bool
	name, nameEn string  // 岳林, Yuelin
	regions      [][]int // alliances: local unit indexes (y*w+x in the block)
	coBuilder    []int   // per region: the local index of its community
}

type layout struct {
	size      Size
	seed      int64
	prov      graph.Provenance
	tops      []committee // province, cities: parents before children
	counties  []county
	streets   []street
	unitIDs   []string // by unit number - 1
	community []bool   // by unit number - 1
}

func mustLayout(size Size, seed int64) *layout {
	l, err := newLayout(size, seed)
	if err != nil {
		panic("seed: " + err.Error())
	}
	return l
}

func newLayout(size Size, seed int64) (*layout, error) {
	spec, ok := sizeSpecs[size]
	if !ok {
		_, err := ParseSize(string(size))
		return nil, err
	}
	l := &layout{size: size, seed: seed,
		prov: graph.Provenance{Source: graph.SourceSynthetic, Ref: SyntheticRef(size, seed)}}
	r := newRand(seed, streamLayout)
	used := map[string]bool{}
	place := func(suffix string) (string, string) { // a name not used yet in the set
		for range 1000 {
			zh, en := placeName(r)
			if !used[zh+suffix] {
				used[zh+suffix] = true
				return zh, en
			}
		}
		panic("seed: out of place names")
	}
	top := ""
	if spec.province {
		zh, en := place("省")
		l.tops = append(l.tops, committee{id: "org:province-committee", name: zh + "省委",
			nameEn: en + " Provincial Party Committee", kind: "PARTY_COMMITTEE"})
		top = "org:province-committee"
	}
	unit := 0
	for c := range spec.cities {
		parent := top
		if spec.city {
			zh, en := place("市")
			id := fmt.Sprintf("org:c%02d-committee", c+1)
			l.tops = append(l.tops, committee{id: id, name: zh + "市委", nameEn: en + " Municipal Party Committee",
				parent: top, kind: "PARTY_COMMITTEE"})
			parent = id
		}
		for k := range spec.countiesPerCity {
			no := len(l.counties) + 1
			zh, en := place("县")
			district := r.IntN(3) == 0
			cn := county{name2: zh, nameEn2: en, salt: r.Uint64(),
				ox: float64(c%4)*320 + float64(k%4)*70, oy: float64(c/4)*320 + float64(k/4)*70}
			cn.committee = committee{id: fmt.Sprintf("org:k%03d-committee", no), parent: parent, kind: "PARTY_COMMITTEE",
				name: zh + "县委", nameEn: en + " County Party Committee"}
			if district {
				cn.name, cn.nameEn = zh+"区委", en+" District Party Committee"
			}
			n := spec.minStreets + r.IntN(spec.maxStreets-spec.minStreets+1)
			cols := int(math.Ceil(math.Sqrt(float64(n))))
			rows := (n + cols - 1) / cols
			colW, rowH := make([]int, cols), make([]int, rows)
			colX, rowY := make([]int, cols), make([]int, rows)
			for j := range colW {
				colW[j] = 3 + r.IntN(4)
				colX[j] = cn.w
				cn.w += colW[j]
			}
			for i := range rowH {
				rowH[i] = 3 + r.IntN(3)
				rowY[i] = cn.h
				cn.h += rowH[i]
			}
			cn.grid = make([]int32, cn.w*cn.h)
			for i := range cn.grid {
				cn.grid[i] = -1
			}
			for s := range n {
				i, j := s/cols, s%cols
				st := street{no: len(l.streets) + 1, county: len(l.counties), bx: colX[j], by: rowY[i],
					w: colW[j], h: rowH[i], unit0: unit + 1, town: r.IntN(5) < 2}
				suffix := "街道"
				if st.town {
					suffix = "镇"
				}
				st.name, st.nameEn = place(suffix)
				for y := range st.h {
					for x := range st.w {
						unit++
						cn.grid[(st.by+y)*cn.w+st.bx+x] = int32(unit)
					}
				}
				l.streets = append(l.streets, st)
			}
			l.counties = append(l.counties, cn)
		}
	}
	l.unitIDs = make([]string, unit)
	l.community = make([]bool, unit)
	for i := range l.streets {
		st := &l.streets[i]
		st.partition(newRand(seed, streamPartition+uint64(st.no)))
		for _, c := range st.coBuilder {
			l.community[st.unit0+c-1] = true
		}
	}
	for i := range l.streets {
		st := &l.streets[i]
		for j := range st.w * st.h {
			u := st.unit0 + j
			kind := "village"
			if l.community[u-1] {
				kind = "community"
			}
			l.unitIDs[u-1] = fmt.Sprintf("org:s%03d-%s-%04d", st.no, kind, u)
		}
	}
	return l, nil
}

// partition cuts the street's block into alliances of 4–9 units (3–8
// villages and a co-building community): consecutive runs of a snake
// through the block, so each is connected by the grid's 4-neighbours.
func (st *street) partition(r *rand.Rand) {
	n := st.w * st.h
	order := make([]int, 0, n)
	vertical := r.IntN(2) == 0
	outer, inner := st.h, st.w
	if vertical {
		outer, inner = st.w, st.h
	}
	for o := range outer {
		for k := range inner {
			i := k
			if o%2 == 1 {
				i = inner - 1 - k
			}
			x, y := i, o
			if vertical {
				x, y = o, i
			}
			order = append(order, y*st.w+x)
		}
	}
	if r.IntN(2) == 0 {
		slices.Reverse(order)
	}
	lo, hi := (n+8)/9, n/4
	k := int(math.Round(float64(n) / 6))
	k = max(lo, min(hi, k+r.IntN(3)-1))
	sizes := make([]int, k)
	for i := range sizes {
		sizes[i] = 4
	}
	for rest := n - 4*k; rest > 0; {
		i := r.IntN(k)
		if sizes[i] < 9 {
			sizes[i]++
			rest--
		}
	}
	at := 0
	for _, sz := range sizes {
		reg := slices.Clone(order[at : at+sz])
		at += sz
		st.regions = append(st.regions, reg)
		st.coBuilder = append(st.coBuilder, reg[r.IntN(sz)])
	}
}

// diagonal reports whether the square with top-left cell (x, y) of county
// c joins its top-left and bottom-right cells (else top-right and
// bottom-left).
func (l *layout) diagonal(c *county, x, y int) bool {
	return splitmix(c.salt^uint64(x)<<32^uint64(y))&1 == 0
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// part is what one unit of generation made: the committees above the
// streets, or one street.
type part struct {
	nodes []graph.Node
	edges []graph.Edge
}

// generate makes the committees above the streets, then every street in
// order, several at once, and hands each to emit in order. It keeps nodes
// and edges as asked.
func (l *layout) generate(keepNodes, keepEdges bool, emit func(*part) error) error {
	if err := emit(l.tops2part()); err != nil {
		return err
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	window := 4 * workers
	parts := make([]*part, window)
	for start := 0; start < len(l.streets); start += window {
		end := min(start+window, len(l.streets))
		var wg sync.WaitGroup
		next := make(chan int, end-start)
		for i := start; i < end; i++ {
			next <- i
		}
		close(next)
		for range min(workers, end-start) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					g := newStreetGen(l, &l.streets[i])
					g.street()
					p := &part{}
					if keepNodes {
						p.nodes = g.nodes
					}
					if keepEdges {
						p.edges = g.edges
					}
					parts[i-start] = p
				}
			}()
		}
		wg.Wait()
		for i := range end - start {
			if err := emit(parts[i]); err != nil {
				return err
			}
			parts[i] = nil
		}
	}
	return nil
}

// tops2part is the province, city and county committees.
func (l *layout) tops2part() *part {
	p := &part{}
	add := func(c committee) {
		p.nodes = append(p.nodes, graph.Node{ID: c.id, Label: graph.LabelOrganisation, Kind: c.kind,
			Name: c.name, NameEn: c.nameEn, Provenance: l.prov})
		if c.parent != "" {
			p.edges = append(p.edges, graph.Edge{ID: graph.EdgeID(graph.RelSubOrganisationOf, c.id, c.parent),
				Type: graph.RelSubOrganisationOf, From: c.id, To: c.parent, Provenance: l.prov})
		}
	}
	for _, c := range l.tops {
		add(c)
	}
	for _, c := range l.counties {
		add(c.committee)
	}
	return p
}

// ---------------------------------------------------------------------------
// One street.

type streetGen struct {
	l      *layout
	st     *street
	cn     *county
	r      *rand.Rand
	prov   graph.Provenance
	nodes  []graph.Node
	edges  []graph.Edge
	sno    string // "s012"
	people int
	names  map[string]bool // names used in the street

	committee, twoNew string
	unitName          []string  // by local index
	unitSec           []string  // secretary of each unit
	unitStrength      []float64 // by local index
}

func newStreetGen(l *layout, st *street) *streetGen {
	n := st.w * st.h
	return &streetGen{l: l, st: st, cn: &l.counties[st.county], r: newRand(l.seed, streamStreet+uint64(st.no)),
		prov: l.prov, sno: fmt.Sprintf("s%03d", st.no), names: map[string]bool{},
		nodes: make([]graph.Node, 0, 1100), edges: make([]graph.Edge, 0, 2600),
		unitName: make([]string, n), unitSec: make([]string, n), unitStrength: make([]float64, n)}
}

func (g *streetGen) node(label graph.Label, kind, id, name, nameEn string, tier int, attrs map[string]any) {
	g.nodes = append(g.nodes, graph.Node{ID: id, Label: label, Kind: kind, Name: name, NameEn: nameEn,
		Tier: tier, Attrs: attrs, Provenance: g.prov})
}

func (g *streetGen) org(kind, id, name, nameEn string, tier int, attrs map[string]any) {
	g.node(graph.LabelOrganisation, kind, id, name, nameEn, tier, attrs)
}

func (g *streetGen) edge(t graph.RelType, from, to string) *graph.Edge {
	g.edges = append(g.edges, graph.Edge{ID: graph.EdgeID(t, from, to), Type: t, From: from, To: to, Provenance: g.prov})
	return &g.edges[len(g.edges)-1]
}

func (g *streetGen) sub(child, parent string) { g.edge(graph.RelSubOrganisationOf, child, parent) }

func (g *streetGen) post(person, org, title, titleEn string) {
	g.edge(graph.RelHoldsPost, person, org).Attrs = map[string]any{graph.AttrTitle: title, "titleEn": titleEn}
}

func (g *streetGen) member(org, alliance, role, since string) {
	e := g.edge(graph.RelMemberOf, org, alliance)
	e.Attrs = map[string]any{graph.AttrRole: role}
	e.Since = since
}

// person adds a person with a made-up name and returns the id.
func (g *streetGen) person() string {
	g.people++
	id := "person:" + g.sno + "-" + pad(g.people, 4)
	zh, en := personName(g.r)
	g.node(graph.LabelPerson, "PERSON", id, zh, en, 0, nil)
	return id
}

// unique draws names with draw until one is new in the street (or gives up
// after a few tries: real places share names too).
func (g *streetGen) unique(draw func() (string, string)) (string, string) {
	zh, en := draw()
	for i := 0; i < 20 && g.names[zh]; i++ {
		zh, en = draw()
	}
	g.names[zh] = true
	return zh, en
}

func (g *streetGen) date(fromYear, toYear int) string {
	y := fromYear + g.r.IntN(toYear-fromYear+1)
	return strconv.Itoa(y) + "-" + pad(1+g.r.IntN(12), 2) + "-" + pad(1+g.r.IntN(28), 2)
}

func (g *streetGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *streetGen) street() {
	st := g.st
	kindZh, kindEn := "街道", "Subdistrict"
	if st.town {
		kindZh, kindEn = "镇", "Town"
	}
	place, placeEn := st.name+kindZh, st.nameEn+" "+kindEn

	// Tier 1.
	g.committee = "org:" + g.sno + "-committee"
	g.twoNew = "org:" + g.sno + "-two-new-committee"
	office := "org:" + g.sno + "-office"
	if st.town {
		g.org("PARTY_COMMITTEE", g.committee, place+"党委", placeEn+" Party Committee", 1, nil)
		g.org("GOVERNMENT_OFFICE", office, place+"人民政府", placeEn+" People's Government", 0, nil)
	} else {
		g.org("PARTY_WORKING_COMMITTEE", g.committee, place+"党工委", placeEn+" Party Working Committee", 1, nil)
		g.org("GOVERNMENT_OFFICE", office, place+"办事处", placeEn+" Office", 0, nil)
	}
	g.sub(g.committee, g.cn.id)
	g.org("PARTY_WORKING_COMMITTEE", g.twoNew, place+"两新工委",
		placeEn+" Working Committee for New Economic and Social Organisations", 1, nil)
	g.sub(g.twoNew, g.committee)
	sec := g.person()
	g.post(sec, g.committee, "书记", "Party secretary")
	head := g.person()
	g.post(head, g.committee, "副书记", "deputy Party secretary")
	if st.town {
		g.post(head, office, "镇长", "mayor")
	} else {
		g.post(head, office, "主任", "director")
	}
	g.post(g.person(), g.twoNew, "书记", "Party secretary")

	g.units()
	g.adjacency()
	g.alliances()
	nParks := 1
	if g.chance(0.3) {
		nParks = 2
	}
	enterprises := 120 + g.r.IntN(101) // 120–220, like Yuelin's 600 over several parks
	for p := 1; p <= nParks; p++ {
		e := enterprises / nParks
		if p == 1 {
			e += enterprises % nParks
		}
		g.park(p, e)
	}
	projects := 1 + g.r.IntN(3)
	for p := 1; p <= projects; p++ {
		g.project(p)
	}
	g.brands(place, placeEn)
}

// units: the villages and communities of the street, with their posts,
// responsibility areas, grids, natural villages and Party groups.
func (g *streetGen) units() {
	st := g.st
	for j := range st.w * st.h {
		x, y := j%st.w, j/st.w
		u := st.unit0 + j
		id := g.l.unitIDs[u-1]
		community := g.l.community[u-1]
		var zh, en string
		var pop int64
		if community {
			zh, en = g.unique(func() (string, string) { return communityName(g.r) })
			zh, en = zh+"社区", en+" Community"
			pop = 3000 + int64(g.r.IntN(7000))
		} else {
			zh, en = g.unique(func() (string, string) { return villageName(g.r) })
			zh, en = zh+"村", en+" Village"
			pop = 700 + int64(g.r.IntN(2600))
		}
		// Collective income, 10k yuan a year: log-normal, from a few tens
		// to a couple of thousand.
		strength := math.Round(math.Exp(5+0.8*g.r.NormFloat64())*10) / 10
		strength = max(10, min(5000, strength))
		party := int64(float64(pop) * (0.025 + 0.025*g.r.Float64()))
		gx := g.cn.ox + (float64(st.bx+x)+0.5+0.5*(g.r.Float64()-0.5))*cellKm
		gy := g.cn.oy + (float64(st.by+y)+0.5+0.5*(g.r.Float64()-0.5))*cellKm
		attrs := map[string]any{
			graph.AttrPopulation: pop, graph.AttrStrength: strength, graph.AttrPartyMembers: party,
			"x": math.Round(gx*1000) / 1000, "y": math.Round(gy*1000) / 1000,
		}
		nv := 0
		kind := "VILLAGE"
		if community {
			kind = "COMMUNITY"
		} else {
			nv = 1 + g.r.IntN(4)
			attrs["naturalVillages"] = int64(nv)
		}
		g.org(kind, id, zh, en, 0, attrs)
		g.unitName[j], g.unitStrength[j] = zh, strength
		g.sub(id, g.committee)

		sec := g.person()
		g.unitSec[j] = sec
		if community {
			g.post(sec, id, "社区党委书记", "community Party secretary")
		} else {
			g.post(sec, id, "村党组织书记、村委会主任", "village Party secretary and committee director")
		}

		zonePre := "zone:" + id[len("org:"):]
		area := zonePre + "-area"
		g.node(graph.LabelZone, "RESPONSIBILITY_AREA", area, zh+"党员责任服务区", en+" Party Members' Responsibility Service Area", 0, nil)
		g.edge(graph.RelResponsibleFor, id, area)
		g.edge(graph.RelResponsibleFor, sec, area)

		nvIDs := make([]string, nv)
		for k := range nv {
			nvIDs[k] = zonePre + "-nv-" + strconv.Itoa(k+1)
			nzh, nen := naturalVillageName(g.r)
			g.node(graph.LabelZone, "NATURAL_VILLAGE", nvIDs[k], nzh, nen+" (natural village)", 0, nil)
			g.edge(graph.RelPartOf, nvIDs[k], id)
		}

		groups := make([]string, 2+g.r.IntN(4))
		for k := range groups {
			groups[k] = id + "-group-" + strconv.Itoa(k+1)
			g.org("PARTY_GROUP", groups[k], zh+"第"+chineseNumber(k+1)+"党小组", en+" Party Group "+strconv.Itoa(k+1), 0, nil)
			g.sub(groups[k], id)
		}
		nGrids := 7 + g.r.IntN(9)
		if community {
			nGrids = 12 + g.r.IntN(13)
		}
		grids := make([]string, nGrids)
		for k := range grids {
			grids[k] = zonePre + "-grid-" + pad(k+1, 2)
		}
		for k, grid := range grids {
			g.node(graph.LabelZone, "GRID", grid, zh+"第"+strconv.Itoa(k+1)+"网格", en+" Grid "+strconv.Itoa(k+1), 0, nil)
			g.edge(graph.RelPartOf, grid, area)
			if nv > 0 {
				g.edge(graph.RelPartOf, grid, nvIDs[k%nv])
			}
			leader := g.person()
			g.post(leader, id, "网格长", "grid leader")
			g.edge(graph.RelResponsibleFor, leader, grid)
			if nGrids > 1 { // the B role (AB岗): stands in for the next grid
				g.edge(graph.RelResponsibleFor, leader, grids[(k+1)%nGrids])
			}
			grp := groups[k%len(groups)]
			g.edge(graph.RelResponsibleFor, grp, grid)
			if k < len(groups) {
				g.post(leader, grp, "党小组组长", "Party group leader")
			}
		}
		if community {
			for k := range g.r.IntN(3) {
				cid := fmt.Sprintf("%s-club-%d", id, k+1)
				czh, cen := g.unique(func() (string, string) { return clubName(g.r, zh, en) })
				kind := "SOCIAL_ORGANISATION"
				if strings.HasSuffix(czh, "工作室") {
					kind = "WORKSHOP"
				}
				g.org(kind, cid, czh, cen, 0, map[string]any{"workBrand": "社区工作品牌"})
				g.sub(cid, id)
			}
		}
	}
}

// adjacency: ADJACENT_TO from each unit of the street to its neighbours
// right, below and across the chosen diagonal of the squares below it, in
// this street or the next; each border once.
func (g *streetGen) adjacency() {
	st, cn := g.st, g.cn
	at := func(x, y int) int32 {
		if x < 0 || y < 0 || x >= cn.w || y >= cn.h {
			return -1
		}
		return cn.grid[y*cn.w+x]
	}
	for j := range st.w * st.h {
		x, y := st.bx+j%st.w, st.by+j/st.w
		from := g.l.unitIDs[st.unit0+j-1]
		link := func(u int32) {
			if u > 0 {
				g.edge(graph.RelAdjacentTo, from, g.l.unitIDs[u-1])
			}
		}
		link(at(x+1, y))
		link(at(x, y+1))
		if g.l.diagonal(cn, x, y) {
			link(at(x+1, y+1))
		}
		if x > 0 && !g.l.diagonal(cn, x-1, y) {
			link(at(x-1, y+1))
		}
	}
}

// alliances: the regional alliances of the street, their members, council
// and pairings.
func (g *streetGen) alliances() {
	st := g.st
	for a, reg := range st.regions {
		id := fmt.Sprintf("alliance:%s-region-%d", g.sno, a+1)
		co := st.coBuilder[a]
		var villages []int
		for _, j := range reg {
			if j != co {
				villages = append(villages, j)
			}
		}
		// Named after its strongest village, as 舒家 after 舒前/舒后.
		slices.SortStableFunc(villages, func(p, q int) int {
			return -cmpFloat(g.unitStrength[p], g.unitStrength[q])
		})
		lead := g.unitName[villages[0]]
		lead = strings.TrimSuffix(lead, "村")
		leadEn := strings.TrimSuffix(g.nodeNameEn(villages[0]), " Village")
		typ := graph.AllianceTypes[g.r.IntN(len(graph.AllianceTypes))]
		since := g.date(2016, 2020)
		g.nodes = append(g.nodes, graph.Node{ID: id, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE",
			Name: lead + "区域党建联合体", NameEn: leadEn + " Regional Party-Building Alliance", Since: since,
			Attrs: map[string]any{graph.AttrAllianceType: typ}, Provenance: g.prov})
		g.sub(id, g.committee)
		for _, j := range reg {
			uid := g.l.unitIDs[st.unit0+j-1]
			if j == co {
				g.member(uid, id, "co-builder", since)
				g.post(g.unitSec[j], id, "联合体党委书记", "alliance Party secretary")
			} else {
				g.member(uid, id, "member", since)
				g.post(g.unitSec[j], id, "联合体委员", "alliance committee member")
			}
		}
		// 以强带弱: the strongest third mentor the weakest third.
		for i := range max(1, len(villages)/3) {
			strong, weak := villages[i], villages[len(villages)-1-i]
			if g.unitStrength[strong] <= g.unitStrength[weak] {
				break
			}
			g.edge(graph.RelMentors, g.l.unitIDs[st.unit0+strong-1], g.l.unitIDs[st.unit0+weak-1]).Since = since
		}
	}
}

// nodeNameEn finds the English name of unit j (units are the first nodes
// after the street's tier 1 and people; a lookup keeps it simple).
func (g *streetGen) nodeNameEn(j int) string {
	id := g.l.unitIDs[g.st.unit0+j-1]
	for i := range g.nodes {
		if g.nodes[i].ID == id {
			return g.nodes[i].NameEn
		}
	}
	return ""
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// park: a startup town or park with its tier-2 committee, liaison
// stations, Party-building alliance, makerspaces and enterprises with their
// tier-3 Party and mass organisations.
func (g *streetGen) park(p, enterprises int) {
	pre := fmt.Sprintf("%s-park-%d", g.sno, p)
	var zzh, zen string
	if p == 1 {
		zzh, zen = g.st.name+"众创小镇", g.st.nameEn+" Startup Town"
	} else {
		zzh, zen = g.unique(func() (string, string) {
			a, b := placeName(g.r)
			i := g.r.IntN(len(parkKinds))
			return a + parkKinds[i].zh, b + " " + parkKinds[i].en
		})
	}
	zone := "zone:" + pre
	g.node(graph.LabelZone, "AREA", zone, zzh, zen, 0, nil)
	committee := "org:" + pre + "-committee"
	g.org("PARTY_COMMITTEE", committee, zzh+"党群建设工作委员会", zen+" Party and Mass Organisation Building Committee", 2, nil)
	g.sub(committee, g.committee)
	g.edge(graph.RelResponsibleFor, committee, zone)
	g.post(g.person(), committee, "书记", "Party secretary")

	park := "org:" + pre
	pzh, pen := g.unique(func() (string, string) {
		a, b := placeName(g.r)
		return a + "青年创业园", b + " Youth Startup Park"
	})
	g.org("PARK", park, pzh, pen, 0, nil)
	g.edge(graph.RelHostedAt, park, zone)

	nStations := 2 + g.r.IntN(3)
	for s := 1; s <= nStations; s++ {
		sid := fmt.Sprintf("org:%s-station-%d", pre, s)
		g.org("LIAISON_STATION", sid, fmt.Sprintf("%s党建工作联络站(%s)", zzh, chineseNumber(s)),
			fmt.Sprintf("%s Party-Building Liaison Station %d", zen, s), 0, map[string]any{"network": "四站一中心"})
		g.sub(sid, g.committee)
		g.edge(graph.RelHostedAt, sid, zone)
	}

	alliance := "alliance:" + pre
	g.nodes = append(g.nodes, graph.Node{ID: alliance, Label: graph.LabelAlliance, Kind: "PARTY_BUILDING_ALLIANCE",
		Name: zzh + "党建联盟", NameEn: zen + " Party-Building Alliance", Since: g.date(2015, 2021), Provenance: g.prov})
	g.sub(alliance, g.twoNew)
	for i, b := range pickN(g.r, len(allianceBranches), 2+g.r.IntN(3)) {
		bid := fmt.Sprintf("org:%s-branch-%d", pre, i+1)
		g.org("PARTY_BRANCH", bid, allianceBranches[b].zh, zen+" "+allianceBranches[b].en, 0, nil)
		g.sub(bid, alliance)
	}

	// Makerspaces and enterprises: the third tier.
	nMakers := 2 + g.r.IntN(3)
	makers := make([]string, nMakers)
	partyOrgs := 0
	for m := range nMakers {
		mid := fmt.Sprintf("org:%s-makerspace-%d", pre, m+1)
		makers[m] = mid
		mzh, men := g.unique(func() (string, string) {
			a, b := brandName(g.r)
			i := g.r.IntN(len(makerKinds))
			return a + makerKinds[i].zh, b + " " + makerKinds[i].en
		})
		g.org("MAKERSPACE", mid, mzh, men, 0, nil)
		g.edge(graph.RelHostedAt, mid, park)
		for _, b := range tier3 {
			if b.kind != "PARTY_BRANCH" && !g.chance(0.75) {
				continue
			}
			bid := mid + b.id
			g.org(b.kind, bid, mzh+b.zh, men+" "+b.en, 3, nil)
			g.sub(bid, committee)
			g.edge(graph.RelHostedAt, bid, mid)
			g.post(g.person(), bid, b.head, b.headEn)
			if b.kind == "PARTY_BRANCH" {
				g.member(bid, alliance, "member", "")
				partyOrgs++
			}
		}
	}
	var instructor string
	for e := range enterprises {
		eid := "org:" + pre + "-enterprise-" + pad(e+1, 4)
		ezh, een := g.unique(func() (string, string) { return enterpriseName(g.r, g.cn.name2, g.cn.nameEn2) })
		ind := industries[g.r.IntN(len(industries))]
		g.org("ENTERPRISE", eid, ezh, een, 0, map[string]any{
			"employees": int64(math.Round(math.Exp(3.5 + 1.1*g.r.NormFloat64()))), "industry": ind.en})
		switch x := g.r.Float64(); {
		case x < 0.15:
			g.edge(graph.RelHostedAt, eid, makers[g.r.IntN(nMakers)])
		case x < 0.7:
			g.edge(graph.RelHostedAt, eid, park)
		default:
			g.edge(graph.RelHostedAt, eid, zone)
		}
		if e%6 == 0 { // one Party-building instructor for every six enterprises
			instructor = g.person()
			g.post(instructor, g.twoNew, "党建指导员", "Party-building instructor")
		}
		g.post(instructor, eid, "党建指导员", "Party-building instructor")
		var branchSec string
		for _, b := range tier3 {
			var p float64
			switch b.kind {
			case "PARTY_BRANCH":
				p = 0.22
			case "UNION":
				p = 0.4
			default:
				p = 0.1
			}
			if !g.chance(p) {
				continue
			}
			bid := eid + b.id
			g.org(b.kind, bid, ezh+b.zh, een+" "+b.en, 3, nil)
			g.sub(bid, committee)
			g.edge(graph.RelHostedAt, bid, eid)
			switch b.kind {
			case "PARTY_BRANCH":
				partyOrgs++
				branchSec = g.person()
				g.post(branchSec, bid, b.head, b.headEn)
				if g.chance(0.6) {
					g.member(bid, alliance, "member", "")
				}
			case "UNION":
				chair := branchSec
				if chair == "" || g.chance(0.5) { // else 交叉任职: the branch secretary chairs the union
					chair = g.person()
				}
				g.post(chair, bid, b.head, b.headEn)
			}
		}
	}

	if p == 1 { // the street's Party and public service centre, in its first park
		centre := "org:" + g.sno + "-service-centre"
		g.org("SERVICE_CENTRE", centre, zzh+"党群服务中心", zen+" Party and Public Service Centre", 0, map[string]any{
			"network": "四站一中心", "enterprisesCovered": int64(enterprises),
			"twoNewPartyOrganisations": int64(partyOrgs), "makerspaces": int64(nMakers)})
		g.sub(centre, g.committee)
		g.edge(graph.RelHostedAt, centre, park)
		for i, w := range pickN(g.r, len(workshops), 1+g.r.IntN(2)) {
			wid := fmt.Sprintf("org:%s-workshop-%d", g.sno, i+1)
			g.org("WORKSHOP", wid, workshops[w].zh, zen+" "+workshops[w].en, 0, nil)
			g.edge(graph.RelHostedAt, wid, centre)
		}
	}
}

// project: a construction or relocation project with its temporary Party
// branch (支部建在项目上), headquarters, Party groups and commando.
func (g *streetGen) project(p int) {
	st := g.st
	pid := fmt.Sprintf("project:%s-%d", g.sno, p)
	j := g.r.IntN(st.w * st.h)
	stem := strings.TrimSuffix(strings.TrimSuffix(g.unitName[j], "村"), "社区")
	stemEn := strings.TrimSuffix(strings.TrimSuffix(g.nodeNameEn(j), " Village"), " Community")
	pk := projectKinds[g.r.IntN(len(projectKinds))]
	name, nameEn := stem+pk.zh, stemEn+" "+pk.en
	attrs := map[string]any{"households": int64(50 + g.r.IntN(1500))}
	if g.chance(0.5) {
		attrs["landMu"] = int64(100 + g.r.IntN(2000))
	}
	g.node(graph.LabelProject, "PROJECT", pid, name, nameEn, 0, attrs)
	phases := g.r.IntN(3)
	for ph := 1; ph <= phases; ph++ {
		sid := fmt.Sprintf("%s-phase-%d", pid, ph)
		g.node(graph.LabelProject, "SUB_PROJECT", sid, name+chineseNumber(ph)+"期", fmt.Sprintf("%s, Phase %d", nameEn, ph), 0,
			map[string]any{"progress": math.Round(g.r.Float64()*100) / 100})
		g.edge(graph.RelPartOf, sid, pid)
	}
	pre := fmt.Sprintf("org:%s-project-%d", g.sno, p)
	branch := pre + "-temp-branch"
	since := g.date(2015, 2023)
	until := ""
	if g.chance(0.3) { // the project is done and its branch dissolved
		y, _ := strconv.Atoi(since[:4])
		until = fmt.Sprintf("%d%s", y+1+g.r.IntN(2), since[4:])
	}
	g.nodes = append(g.nodes, graph.Node{ID: branch, Label: graph.LabelOrganisation, Kind: "TEMPORARY_PARTY_BRANCH",
		Name: name + "临时党支部", NameEn: "Temporary Party Branch of the " + nameEn, Since: since, Until: until,
		Attrs: map[string]any{"secretaryPost": "兼任项目常务副总指挥的街道领导班子成员"}, Provenance: g.prov})
	g.sub(branch, g.committee)
	g.edge(graph.RelBuiltOn, branch, pid)
	hq := pre + "-hq"
	g.org("GOVERNMENT_OFFICE", hq, name+"指挥部", nameEn+" Headquarters", 0, nil)
	g.edge(graph.RelBuiltOn, hq, pid)
	g.edge(graph.RelHostedAt, branch, hq)
	sec := g.person()
	g.post(sec, branch, "临时党支部书记", "temporary branch secretary")
	g.post(sec, pid, "常务副总指挥", "executive deputy commander")
	leaders := pickN(g.r, st.w*st.h, 2+g.r.IntN(3))
	for i, j := range leaders {
		k := i + 1
		gid := fmt.Sprintf("%s-group-%d", pre, k)
		g.org("PARTY_GROUP", gid, "第"+chineseNumber(k)+"党小组", fmt.Sprintf("Party Group %d of the %s", k, nameEn), 0, nil)
		g.sub(gid, branch)
		// Village and community secretaries lead the groups and the
		// relocation teams, as 王威磊 and 葛礼君 do.
		leader := g.unitSec[j]
		g.post(leader, gid, "党小组组长", "Party group leader")
		g.post(leader, pid, "动迁组长", "relocation team leader")
	}
	if g.chance(0.5) {
		cid := pre + "-commando"
		g.org("PARTY_COMMANDO", cid, name+"党员突击队", "Party Members' Commando of the "+nameEn, 0, nil)
		g.sub(cid, branch)
	}
}

// brands: the street's Party-building brand system, its brands, and the
// website and WeChat account.
func (g *streetGen) brands(place, placeEn string) {
	sys := "brand:" + g.sno + "-system"
	a, ae := brandName(g.r)
	b, be := brandName(g.r)
	g.node(graph.LabelBrand, "BRAND_SYSTEM", sys, "“"+a+b+"”党建品牌体系", placeEn+" Party-Building Brand System \""+ae+" "+be+"\"", 0, nil)
	g.edge(graph.RelRuns, g.committee, sys)
	for i, k := range pickN(g.r, len(brandWords), 2+g.r.IntN(4)) {
		bid := fmt.Sprintf("brand:%s-%d", g.sno, i+1)
		g.node(graph.LabelBrand, "BRAND", bid, brandWords[k].zh, brandWords[k].en, 0, nil)
		g.edge(graph.RelPartOf, bid, sys)
	}
	web := "platform:" + g.sno + "-website"
	g.node(graph.LabelPlatform, "WEBSITE", web, place+"党建网", placeEn+" Party-building website", 0, nil)
	g.edge(graph.RelRuns, g.committee, web)
	if g.chance(0.7) {
		wx := "platform:" + g.sno + "-wechat"
		g.node(graph.LabelPlatform, "WECHAT_ACCOUNT", wx, "红色"+g.st.name+"微信公众号", "Red "+g.st.nameEn+" WeChat official account", 0, nil)
		g.edge(graph.RelRuns, g.committee, wx)
	}
}

// pad writes n in decimal with leading zeros to width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}

// pickN returns k distinct indexes below n in random order.
func pickN(r *rand.Rand, n, k int) []int {
	return r.Perm(n)[:min(k, n)]
}

// ---------------------------------------------------------------------------
// Names.

type syl struct{ zh, py string }

func sy(zh, py string) syl { return syl{zh, py} }

type term struct{ zh, en string }

// Place syllables: streets, counties, cities, communities, parks.
var placeSyls = []syl{
	sy("东", "dong"), sy("南", "nan"), sy("西", "xi"), sy("北", "bei"), sy("新", "xin"), sy("和", "he"), sy("平", "ping"),
	sy("安", "an"), sy("康", "kang"), sy("兴", "xing"), sy("丰", "feng"), sy("瑞", "rui"), sy("祥", "xiang"), sy("嘉", "jia"),
	sy("金", "jin"), sy("桃", "tao"), sy("柳", "liu"), sy("桂", "gui"), sy("荷", "he"), sy("春", "chun"), sy("明", "ming"),
	sy("德", "de"), sy("仁", "ren"), sy("惠", "hui"), sy("泰", "tai"), sy("宁", "ning"), sy("阳", "yang"), sy("光", "guang"),
	sy("景", "jing"), sy("华", "hua"), sy("锦", "jin"), sy("岳", "yue"), sy("林", "lin"), sy("江", "jiang"), sy("溪", "xi"),
	sy("松", "song"), sy("湖", "hu"), sy("山", "shan"), sy("海", "hai"), sy("云", "yun"), sy("龙", "long"), sy("凤", "feng"),
	sy("石", "shi"), sy("桥", "qiao"), sy("港", "gang"), sy("塘", "tang"), sy("岭", "ling"), sy("峰", "feng"), sy("源", "yuan"),
	sy("泉", "quan"), sy("清", "qing"), sy("白", "bai"), sy("青", "qing"), sy("翠", "cui"), sy("梅", "mei"), sy("竹", "zhu"),
	sy("兰", "lan"), sy("月", "yue"), sy("星", "xing"), sy("万", "wan"), sy("永", "yong"), sy("长", "chang"), sy("高", "gao"),
	sy("文", "wen"), sy("昌", "chang"), sy("盛", "sheng"), sy("福", "fu"), sy("寿", "shou"), sy("鸣", "ming"), sy("鹤", "he"),
	sy("屏", "ping"), sy("浦", "pu"), sy("桐", "tong"), sy("莼", "chun"), sy("萧", "xiao"), sy("尚", "shang"), sy("田", "tian"),
	sy("溪", "xi"), sy("坞", "wu"), sy("裘", "qiu"), sy("奉", "feng"), sy("化", "hua"), sy("甬", "yong"), sy("台", "tai"),
	sy("宜", "yi"), sy("秀", "xiu"), sy("苍", "cang"), sy("临", "lin"), sy("城", "cheng"), sy("坪", "ping"), sy("湾", "wan"),
}

var surnames = []syl{
	sy("王", "wang"), sy("李", "li"), sy("张", "zhang"), sy("陈", "chen"), sy("周", "zhou"), sy("徐", "xu"), sy("毛", "mao"),
	sy("林", "lin"), sy("黄", "huang"), sy("吴", "wu"), sy("郑", "zheng"), sy("何", "he"), sy("胡", "hu"), sy("沈", "shen"),
	sy("杨", "yang"), sy("朱", "zhu"), sy("钱", "qian"), sy("孙", "sun"), sy("马", "ma"), sy("舒", "shu"), sy("蒋", "jiang"),
	sy("邬", "wu"), sy("俞", "yu"), sy("应", "ying"), sy("方", "fang"), sy("竺", "zhu"), sy("楼", "lou"), sy("葛", "ge"),
	sy("鲍", "bao"), sy("汪", "wang"), sy("袁", "yuan"), sy("史", "shi"), sy("孔", "kong"), sy("屠", "tu"), sy("严", "yan"),
	sy("刘", "liu"), sy("赵", "zhao"), sy("金", "jin"), sy("叶", "ye"), sy("董", "dong"), sy("范", "fan"), sy("江", "jiang"),
}

var villageSuffixes = []syl{
	sy("家", "jia"), sy("前", "qian"), sy("后", "hou"), sy("山", "shan"), sy("塘", "tang"), sy("溪", "xi"), sy("桥", "qiao"),
	sy("岙", "ao"), sy("湾", "wan"), sy("岭", "ling"), sy("坑", "keng"), sy("洋", "yang"), sy("墩", "dun"), sy("埠", "bu"),
	sy("浦", "pu"), sy("畈", "fan"), sy("店", "dian"), sy("头", "tou"), sy("庄", "zhuang"), sy("岸", "an"), sy("宅", "zhai"),
	sy("村", "cun"), sy("堰", "yan"), sy("舍", "she"), sy("垟", "yang"),
}

var givenSyls = []syl{
	sy("伟", "wei"), sy("磊", "lei"), sy("礼", "li"), sy("君", "jun"), sy("岳", "yue"), sy("平", "ping"), sy("建", "jian"),
	sy("国", "guo"), sy("明", "ming"), sy("华", "hua"), sy("军", "jun"), sy("勇", "yong"), sy("芳", "fang"), sy("娟", "juan"),
	sy("丽", "li"), sy("英", "ying"), sy("敏", "min"), sy("静", "jing"), sy("强", "qiang"), sy("杰", "jie"), sy("涛", "tao"),
	sy("斌", "bin"), sy("超", "chao"), sy("辉", "hui"), sy("霞", "xia"), sy("红", "hong"), sy("燕", "yan"), sy("萍", "ping"),
	sy("波", "bo"), sy("峰", "feng"), sy("海", "hai"), sy("东", "dong"), sy("晓", "xiao"), sy("立", "li"), sy("志", "zhi"),
	sy("文", "wen"), sy("慧", "hui"), sy("婷", "ting"), sy("琳", "lin"), sy("宇", "yu"), sy("浩", "hao"), sy("俊", "jun"),
	sy("晨", "chen"), sy("欣", "xin"), sy("春", "chun"), sy("海", "hai"), sy("永", "yong"), sy("庆", "qing"), sy("秀", "xiu"),
}

var brandSyls = []syl{
	sy("瑞", "rui"), sy("凌", "ling"), sy("恒", "heng"), sy("达", "da"), sy("华", "hua"), sy("宇", "yu"), sy("鑫", "xin"),
	sy("泰", "tai"), sy("隆", "long"), sy("博", "bo"), sy("创", "chuang"), sy("智", "zhi"), sy("远", "yuan"), sy("航", "hang"),
	sy("锐", "rui"), sy("丰", "feng"), sy("源", "yuan"), sy("汇", "hui"), sy("佳", "jia"), sy("宏", "hong"), sy("盛", "sheng"),
	sy("锦", "jin"), sy("天", "tian"), sy("海", "hai"), sy("星", "xing"), sy("联", "lian"), sy("卓", "zhuo"), sy("越", "yue"),
	sy("诚", "cheng"), sy("众", "zhong"), sy("山", "shan"), sy("丘", "qiu"), sy("甬", "yong"), sy("青", "qing"), sy("蓝", "lan"),
}

var industries = []term{
	{"科技", "Technology"}, {"电子", "Electronics"}, {"机械", "Machinery"}, {"纺织", "Textiles"}, {"服饰", "Apparel"},
	{"新材料", "New Materials"}, {"电子商务", "E-commerce"}, {"文化传媒", "Culture and Media"}, {"食品", "Foods"},
	{"塑业", "Plastics"}, {"汽车配件", "Auto Parts"}, {"模具", "Moulds"}, {"包装", "Packaging"},
	{"信息技术", "Information Technology"}, {"网络科技", "Network Technology"}, {"农业开发", "Agricultural Development"},
	{"建材", "Building Materials"}, {"进出口", "Import and Export"}, {"物流", "Logistics"}, {"医疗器械", "Medical Devices"},
}

var makerKinds = []term{{"众创空间", "Makerspace"}, {"创客空间", "Maker Hub"}, {"孵化器", "Incubator"}, {"创客工场", "Maker Works"}}

var parkKinds = []term{{"科创园", "Science and Innovation Park"}, {"电商产业园", "E-commerce Industrial Park"},
	{"文创园", "Cultural and Creative Park"}, {"智造小镇", "Smart Manufacturing Town"}}

var allianceBranches = []term{
	{"大学生创业支部", "College Student Entrepreneurs' Party Branch"}, {"科技创业支部", "Technology Startups Party Branch"},
	{"电商创业支部", "E-commerce Startups Party Branch"}, {"村淘创业支部", "Rural Taobao Startups Party Branch"},
	{"文创支部", "Cultural and Creative Party Branch"}, {"智能制造支部", "Smart Manufacturing Party Branch"},
}

var workshops = []term{
	{"乡贤工作室", "Local Worthies' Studio"},
	{"新的社会阶层人士创业创新基地", "Entrepreneurship and Innovation Base for People of the New Social Strata"},
	{"职工服务驿站", "Workers' Service Post"},
}

var projectKinds = []term{
	{"区块拆迁项目", "Block Demolition Project"}, {"旧村改造项目", "Old Village Renewal Project"},
	{"道路拓宽工程", "Road Widening Project"}, {"产业园征地项目", "Industrial Park Land Acquisition Project"},
	{"站点配套项目", "Station Supporting Project"}, {"安置房建设项目", "Resettlement Housing Project"},
}

var brandWords = []term{
	{"同心驿站", "Post of One Heart"}, {"匠心筑梦", "Craftsmanship Builds Dreams"}, {"青创乐园", "Young Makers' Paradise"},
	{"粉领驿站", "Pink-Collar Post"}, {"红色课堂", "Red Classroom"}, {"先锋e站", "Vanguard e-Post"},
	{"连心工坊", "Heart-to-Heart Workshop"}, {"初心讲堂", "Original Aspiration Lecture Hall"}, {"幸福家园", "Happy Home"},
}

// tier3 are the Party and mass organisations of a makerspace or enterprise:
// id suffix, name suffix, English, and the head's post.
var tier3 = []struct{ kind, id, zh, en, head, headEn string }{
	{"PARTY_BRANCH", "-party-branch", "党支部", "Party Branch", "党支部书记", "Party branch secretary"},
	{"UNION", "-union", "工会", "Trade Union", "工会主席", "union chair"},
	{"YOUTH_LEAGUE", "-youth-league", "团支部", "Youth League Branch", "团支部书记", "Youth League branch secretary"},
	{"WOMENS_FEDERATION", "-womens-federation", "妇联", "Women's Federation", "妇联主席", "women's federation chair"},
}

func pick(r *rand.Rand, t []syl) syl { return t[r.IntN(len(t))] }

func title(py string) string {
	if py == "" {
		return ""
	}
	return strings.ToUpper(py[:1]) + py[1:]
}

// placeName is two place syllables: 岳林, Yuelin.
func placeName(r *rand.Rand) (string, string) {
	a, b := pick(r, placeSyls), pick(r, placeSyls)
	for b.zh == a.zh {
		b = pick(r, placeSyls)
	}
	return a.zh + b.zh, title(a.py + b.py)
}

// villageName is a surname or place syllable and a village suffix: 周家,
// 山前.
func villageName(r *rand.Rand) (string, string) {
	var a syl
	if r.IntN(2) == 0 {
		a = pick(r, surnames)
	} else {
		a = pick(r, placeSyls)
	}
	b := pick(r, villageSuffixes)
	for b.zh == a.zh {
		b = pick(r, villageSuffixes)
	}
	return a.zh + b.zh, title(a.py + b.py)
}

func communityName(r *rand.Rand) (string, string) { return placeName(r) }

func naturalVillageName(r *rand.Rand) (string, string) {
	a, b := pick(r, surnames), pick(r, villageSuffixes)
	return a.zh + b.zh, title(a.py + b.py)
}

func personName(r *rand.Rand) (string, string) {
	sn := pick(r, surnames)
	g1 := pick(r, givenSyls)
	if r.IntN(3) == 0 {
		return sn.zh + g1.zh, title(sn.py) + " " + title(g1.py)
	}
	g2 := pick(r, givenSyls)
	return sn.zh + g1.zh + g2.zh, title(sn.py) + " " + title(g1.py+g2.py)
}

func brandName(r *rand.Rand) (string, string) {
	a, b := pick(r, brandSyls), pick(r, brandSyls)
	for b.zh == a.zh {
		b = pick(r, brandSyls)
	}
	return a.zh + b.zh, title(a.py + b.py)
}

// enterpriseName: 奉化瑞凌科技有限公司, Fenghua Ruiling Technology Co., Ltd.
func enterpriseName(r *rand.Rand, place, placeEn string) (string, string) {
	a, ae := brandName(r)
	ind := industries[r.IntN(len(industries))]
	if r.IntN(6) == 0 {
		return place + a + ind.zh + "股份有限公司", placeEn + " " + ae + " " + ind.en + " Co., Ltd. (joint-stock)"
	}
	return place + a + ind.zh + "有限公司", placeEn + " " + ae + " " + ind.en + " Co., Ltd."
}

var clubKinds = []term{{"亲子俱乐部", "Parent-Child Club"}, {"法律工作室", "Legal Studio"}, {"老年协会", "Seniors' Association"},
	{"志愿服务队", "Volunteer Team"}, {"调解工作室", "Mediation Studio"}, {"文体队", "Culture and Sports Team"}}

func clubName(r *rand.Rand, community, communityEn string) (string, string) {
	k := clubKinds[r.IntN(len(clubKinds))]
	a, ae := brandName(r)
	return community + a + k.zh, communityEn + " " + ae + " " + k.en
}

var chineseDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// chineseNumber writes 1–99 in Chinese numerals.
func chineseNumber(n int) string {
	switch {
	case n <= 10:
		return chineseDigits[n]
	case n < 20:
		return "十" + chineseDigits[n-10]
	case n%10 == 0:
		return chineseDigits[n/10] + "十"
	}
	return chineseDigits[n/10] + "十" + chineseDigits[n%10]
}
