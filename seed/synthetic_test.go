package seed_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
)

// synSets caches the county and city sets of seed 1: made once, shared by
// the tests (a city set takes a second or two, several under -race).
var synSets sync.Map // seed.Size → func() graph.Batch

func synSet(size seed.Size) graph.Batch {
	f, _ := synSets.LoadOrStore(size, sync.OnceValue(func() graph.Batch { return seed.Synthetic(size, 1) }))
	return f.(func() graph.Batch)()
}

// synIndexes caches the index of each cached set.
var synIndexes sync.Map // seed.Size → func() *synIndex

func synIdx(size seed.Size) *synIndex {
	f, _ := synIndexes.LoadOrStore(size, sync.OnceValue(func() *synIndex { return newSynIndex(synSet(size)) }))
	return f.(func() *synIndex)()
}

// synHash is a digest of every field of every node and edge, in order.
func synHash(b graph.Batch) string {
	h := sha256.New()
	w := func(ss ...string) {
		for _, s := range ss {
			_, _ = io.WriteString(h, s)
			_, _ = h.Write([]byte{0})
		}
	}
	for i := range b.Nodes {
		n := &b.Nodes[i]
		w("N", n.ID, string(n.Label), n.Kind, n.Name, n.NameEn, strconv.Itoa(n.Tier), n.Since, n.Until,
			string(n.Provenance.Source), n.Provenance.Quote, n.Provenance.Ref)
		writeAttrs(w, n.Attrs)
	}
	for i := range b.Edges {
		e := &b.Edges[i]
		w("E", e.ID, string(e.Type), e.From, e.To, e.Since, e.Until,
			string(e.Provenance.Source), e.Provenance.Quote, e.Provenance.Ref)
		writeAttrs(w, e.Attrs)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeAttrs(w func(...string), attrs map[string]any) {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := attrs[k].(type) {
		case string:
			w(k, "s", v)
		case int64:
			w(k, "i", strconv.FormatInt(v, 10))
		case float64:
			w(k, "f", strconv.FormatFloat(v, 'g', -1, 64))
		default:
			w(k, fmt.Sprintf("%T:%v", v, v))
		}
	}
}

func TestSyntheticDeterministic(t *testing.T) {
	t.Parallel()
	a := synHash(synSet(seed.SizeCounty))
	if b := synHash(seed.Synthetic(seed.SizeCounty, 1)); a != b {
		t.Errorf("county seed 1 made twice: hashes %s and %s differ", a, b)
	}
	if c := synHash(seed.Synthetic(seed.SizeCounty, 2)); a == c {
		t.Errorf("county seeds 1 and 2 give the same set (hash %s)", a)
	}
	// The stream is the same set, in the same order, whatever the chunk.
	var streamed graph.Batch
	err := seed.SyntheticChunks(seed.SizeCounty, 1, 997, func(b graph.Batch) error {
		streamed.Nodes = append(streamed.Nodes, b.Nodes...)
		streamed.Edges = append(streamed.Edges, b.Edges...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := synHash(streamed); s != a {
		t.Errorf("SyntheticChunks(county, 1, 997) differs from Synthetic(county, 1): hashes %s and %s", s, a)
	}
}

func TestSyntheticCounts(t *testing.T) {
	t.Parallel()
	within := func(what string, got, want int) {
		t.Helper()
		if d := math.Abs(float64(got-want)) / float64(want); d > 0.15 {
			t.Errorf("%s: %d, want %d ± 15%%", what, got, want)
		} else {
			t.Logf("%s: %d (target %d, %+.1f%%)", what, got, want, 100*float64(got-want)/float64(want))
		}
	}
	for _, size := range []seed.Size{seed.SizeCounty, seed.SizeCity} {
		b := synSet(size)
		nodes, edges := size.Target()
		within(string(size)+" nodes", len(b.Nodes), nodes)
		within(string(size)+" edges", len(b.Edges), edges)
		streets, units := 0, 0
		for i := range b.Nodes {
			n := &b.Nodes[i]
			switch {
			case synStreetRE.MatchString(n.ID):
				streets++
			case synIsUnit(n):
				units++
			}
		}
		switch size {
		case seed.SizeCounty:
			within("county streets", streets, 10)
			within("county villages and communities", units, 167)
		case seed.SizeCity:
			within("city streets", streets, 150)
			within("city villages and communities", units, 2500)
		}
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, s := range seed.Sizes {
		if got, err := seed.ParseSize(string(s)); err != nil || got != s {
			t.Errorf("ParseSize(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := seed.ParseSize("planet"); err == nil {
		t.Error("ParseSize(planet): no error")
	}
	if err := seed.SyntheticChunks("planet", 1, 10, func(graph.Batch) error { return nil }); err == nil {
		t.Error("SyntheticChunks(planet): no error")
	}
	if err := seed.SyntheticChunks(seed.SizeCounty, 1, 0, func(graph.Batch) error { return nil }); err == nil {
		t.Error("SyntheticChunks(chunk 0): no error")
	}
	if got, want := seed.SyntheticRef(seed.SizeCity, 42), "synthetic:city:seed=42"; got != want {
		t.Errorf("SyntheticRef = %q, want %q", got, want)
	}
}

// synValidate is graph.ValidateBatch on a copy of b (it prepares items in
// place), in parallel parts: the nodes in chunks, then the edges in chunks
// against the labels of every node; x (the index of b) has checked that ids
// are unique across the parts.
func synValidate(t *testing.T, b graph.Batch, x *synIndex) {
	t.Helper()
	if len(x.dups) > 0 {
		t.Fatalf("ids appear twice: %v", x.dups[:min(5, len(x.dups))])
	}
	stored := func(id string) (graph.Label, bool) {
		if n := x.nodes[id]; n != nil {
			return n.Label, true
		}
		return "", false
	}
	none := func(string) (graph.Label, bool) { return "", false }
	var parts []graph.Batch
	const chunk = 20_000
	for i := 0; i < len(b.Nodes); i += chunk {
		parts = append(parts, graph.Batch{Nodes: slices.Clone(b.Nodes[i:min(i+chunk, len(b.Nodes))])})
	}
	for i := 0; i < len(b.Edges); i += chunk {
		parts = append(parts, graph.Batch{Edges: slices.Clone(b.Edges[i:min(i+chunk, len(b.Edges))])})
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			look := none
			if len(parts[i].Edges) > 0 {
				look = stored
			}
			errs[i] = graph.ValidateBatch(&parts[i], look)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestSyntheticValid(t *testing.T) {
	t.Parallel()
	county := synSet(seed.SizeCounty)
	c := graph.Batch{Nodes: slices.Clone(county.Nodes), Edges: slices.Clone(county.Edges)}
	if err := graph.ValidateBatch(&c, func(string) (graph.Label, bool) { return "", false }); err != nil {
		t.Fatalf("county: %v", err)
	}
	synValidate(t, synSet(seed.SizeCity), synIdx(seed.SizeCity))
}

func TestSyntheticChunksProvince(t *testing.T) {
	t.Parallel()
	const chunk = 20_000
	stop := errors.New("enough")
	labels := map[string]graph.Label{}
	chunks := 0
	err := seed.SyntheticChunks(seed.SizeProvince, 7, chunk, func(b graph.Batch) error {
		chunks++
		if len(b.Nodes) != chunk || len(b.Edges) != 0 {
			t.Fatalf("chunk %d: %d nodes, %d edges; want %d nodes first", chunks, len(b.Nodes), len(b.Edges), chunk)
		}
		if chunks == 1 && b.Nodes[0].ID != "org:province-committee" {
			t.Errorf("first node %s, want the province committee", b.Nodes[0].ID)
		}
		if err := graph.ValidateBatch(&b, func(id string) (graph.Label, bool) { l, ok := labels[id]; return l, ok }); err != nil {
			t.Fatalf("chunk %d: %v", chunks, err)
		}
		for i := range b.Nodes {
			n := &b.Nodes[i]
			if _, dup := labels[n.ID]; dup {
				t.Fatalf("chunk %d: node %s was in an earlier chunk", chunks, n.ID)
			}
			labels[n.ID] = n.Label
			if n.Provenance.Ref != "synthetic:province:seed=7" {
				t.Fatalf("%s: ref %q", n.ID, n.Provenance.Ref)
			}
		}
		if chunks == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("SyntheticChunks returned %v, want the callback's error", err)
	}
	// Province ids carry the city (c01–c10) and county (k001–k150) of the
	// committees.
	for _, id := range []string{"org:c01-committee", "org:c10-committee", "org:k150-committee", "org:s001-committee"} {
		if _, ok := labels[id]; !ok {
			t.Errorf("%s not in the first chunks", id)
		}
	}
}

// TestSyntheticChunksEdges streams a county: node batches, then edge
// batches, each valid against what came before.
func TestSyntheticChunksEdges(t *testing.T) {
	t.Parallel()
	labels := map[string]graph.Label{}
	edgesSeen, nodesSeen := 0, 0
	err := seed.SyntheticChunks(seed.SizeCounty, 3, 4000, func(b graph.Batch) error {
		if len(b.Nodes) > 0 && len(b.Edges) > 0 {
			t.Fatal("a batch mixes nodes and edges")
		}
		if len(b.Nodes)+len(b.Edges) > 4000 {
			t.Fatalf("batch of %d items, want at most 4000", len(b.Nodes)+len(b.Edges))
		}
		if len(b.Nodes) > 0 && edgesSeen > 0 {
			t.Fatal("nodes after edges")
		}
		if err := graph.ValidateBatch(&b, func(id string) (graph.Label, bool) { l, ok := labels[id]; return l, ok }); err != nil {
			t.Fatal(err)
		}
		for i := range b.Nodes {
			labels[b.Nodes[i].ID] = b.Nodes[i].Label
		}
		nodesSeen += len(b.Nodes)
		edgesSeen += len(b.Edges)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if nodesSeen == 0 || edgesSeen == 0 {
		t.Fatalf("streamed %d nodes and %d edges", nodesSeen, edgesSeen)
	}
}

func synIsUnit(n *graph.Node) bool {
	return n.Label == graph.LabelOrganisation && (n.Kind == "VILLAGE" || n.Kind == "COMMUNITY")
}

func synNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// synIndex is a set with lookups.
type synIndex struct {
	dups  []string // ids of nodes or edges that appear twice
	nodes map[string]*graph.Node
	out   map[string][]*graph.Edge
	in    map[string][]*graph.Edge
	adj   map[string][]string // ADJACENT_TO, both ways
}

func newSynIndex(b graph.Batch) *synIndex {
	x := &synIndex{nodes: map[string]*graph.Node{}, out: map[string][]*graph.Edge{}, in: map[string][]*graph.Edge{},
		adj: map[string][]string{}}
	for i := range b.Nodes {
		if x.nodes[b.Nodes[i].ID] != nil {
			x.dups = append(x.dups, b.Nodes[i].ID)
		}
		x.nodes[b.Nodes[i].ID] = &b.Nodes[i]
	}
	edgeIDs := make(map[string]bool, len(b.Edges))
	for i := range b.Edges {
		e := &b.Edges[i]
		if edgeIDs[e.ID] {
			x.dups = append(x.dups, e.ID)
		}
		edgeIDs[e.ID] = true
		x.out[e.From] = append(x.out[e.From], e)
		x.in[e.To] = append(x.in[e.To], e)
		if e.Type == graph.RelAdjacentTo {
			x.adj[e.From] = append(x.adj[e.From], e.To)
			x.adj[e.To] = append(x.adj[e.To], e.From)
		}
	}
	return x
}

func (x *synIndex) parents(id string) []*graph.Node {
	var ps []*graph.Node
	for _, e := range x.out[id] {
		if e.Type == graph.RelSubOrganisationOf {
			ps = append(ps, x.nodes[e.To])
		}
	}
	return ps
}

func (x *synIndex) connected(ids []string) bool {
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	seen := map[string]bool{ids[0]: true}
	stack := []string{ids[0]}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, o := range x.adj[id] {
			if in[o] && !seen[o] {
				seen[o] = true
				stack = append(stack, o)
			}
		}
	}
	return len(seen) == len(in)
}

var synStreetRE = regexp.MustCompile(`^org:s[0-9]+-committee$`)

var synIDRE = regexp.MustCompile(`^(org|alliance|person|project|zone|brand|platform):[a-z0-9-]+$`)

func TestSyntheticShape(t *testing.T) {
	for _, size := range []seed.Size{seed.SizeCounty, seed.SizeCity} {
		t.Run(string(size), func(t *testing.T) {
			t.Parallel()
			synCheckShape(t, size, synSet(size), synIdx(size))
		})
	}
}

func synCheckShape(t *testing.T, size seed.Size, b graph.Batch, x *synIndex) {
	ref := seed.SyntheticRef(size, 1)
	fail := 0
	errorf := func(format string, args ...any) {
		t.Helper()
		if fail++; fail <= 20 {
			t.Errorf(format, args...)
		}
	}

	// Provenance, ids, names.
	for i := range b.Nodes {
		n := &b.Nodes[i]
		if n.Provenance.Source != graph.SourceSynthetic || n.Provenance.Ref != ref {
			errorf("%s: provenance %+v, want SYNTHETIC %s", n.ID, n.Provenance, ref)
		}
		if !synIDRE.MatchString(n.ID) {
			errorf("id %q is not readable", n.ID)
		}
		if n.NameEn == "" || !strings.ContainsFunc(n.Name, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			errorf("%s: names %q / %q, want Chinese and English", n.ID, n.Name, n.NameEn)
		}
	}
	for i := range b.Edges {
		if e := &b.Edges[i]; e.Provenance.Source != graph.SourceSynthetic || e.Provenance.Ref != ref {
			errorf("%s: provenance %+v", e.ID, e.Provenance)
		}
	}

	// Tiers: street committees and 两新工委 (1) under a county committee;
	// park committees (2) under tier 1; makerspace and enterprise bodies (3)
	// under tier 2 and hosted at their makerspace or enterprise.
	tiers := map[int]int{}
	for i := range b.Nodes {
		n := &b.Nodes[i]
		tiers[n.Tier]++
		ps := x.parents(n.ID)
		switch n.Tier {
		case 1:
			if len(ps) != 1 || !(ps[0].Tier == 1 || ps[0].Kind == "PARTY_COMMITTEE" && ps[0].Tier == 0) {
				errorf("tier-1 %s: parents %v", n.ID, ps)
			}
		case 2:
			if len(ps) != 1 || ps[0].Tier != 1 || n.Kind != "PARTY_COMMITTEE" {
				errorf("tier-2 %s (%s): parents %v", n.ID, n.Kind, ps)
			}
		case 3:
			if len(ps) != 1 || ps[0].Tier != 2 {
				errorf("tier-3 %s: parents %v", n.ID, ps)
			}
			hosted := false
			for _, e := range x.out[n.ID] {
				if h := x.nodes[e.To]; e.Type == graph.RelHostedAt && (h.Kind == "MAKERSPACE" || h.Kind == "ENTERPRISE") {
					hosted = true
				}
			}
			if !hosted {
				errorf("tier-3 %s is hosted at no makerspace or enterprise", n.ID)
			}
		}
	}
	for tier := 1; tier <= 3; tier++ {
		if tiers[tier] == 0 {
			t.Errorf("no tier-%d organisation", tier)
		}
	}
	t.Logf("tiers: %v", tiers)

	// Villages and communities: attributes, one regional alliance each.
	var units []*graph.Node
	allianceOf := map[string]string{}
	for i := range b.Nodes {
		n := &b.Nodes[i]
		if !synIsUnit(n) {
			continue
		}
		units = append(units, n)
		for _, k := range []string{graph.AttrPopulation, graph.AttrStrength, graph.AttrPartyMembers} {
			if v, ok := synNumber(n.Attrs[k]); !ok || v <= 0 {
				errorf("%s: %s = %v, want a positive number", n.ID, k, n.Attrs[k])
			}
		}
		suffix := map[string]string{"VILLAGE": "村", "COMMUNITY": "社区"}[n.Kind]
		if !strings.HasSuffix(n.Name, suffix) {
			errorf("%s %s is named %q", n.Kind, n.ID, n.Name)
		}
		var regional []string
		for _, e := range x.out[n.ID] {
			if e.Type == graph.RelMemberOf && x.nodes[e.To].Kind == "REGIONAL_ALLIANCE" {
				regional = append(regional, e.To)
			}
		}
		if len(regional) != 1 {
			errorf("%s is a member of %d regional alliances, want 1", n.ID, len(regional))
		} else {
			allianceOf[n.ID] = regional[0]
		}
	}

	// Adjacency: only between villages and communities; average degree
	// 4–7; some borders cross street borders.
	adjEdges, crossing := 0, 0
	for i := range b.Edges {
		e := &b.Edges[i]
		if e.Type != graph.RelAdjacentTo {
			continue
		}
		adjEdges++
		if !synIsUnit(x.nodes[e.From]) || !synIsUnit(x.nodes[e.To]) {
			errorf("%s joins something other than villages and communities", e.ID)
		}
		if e.From[:len("org:s000")] != e.To[:len("org:s000")] {
			crossing++
		}
	}
	deg := 2 * float64(adjEdges) / float64(len(units))
	if deg < 4 || deg > 7 {
		t.Errorf("average ADJACENT_TO degree %.2f, want 4–7", deg)
	}
	if crossing == 0 {
		t.Error("no ADJACENT_TO crosses a street border")
	}
	t.Logf("%d villages and communities, %d borders (average degree %.2f), %d across street borders", len(units), adjEdges, deg, crossing)

	// Regional alliances: 3–8 villages and one co-building community,
	// contiguous, of the five types; pairings strong → weak inside.
	types := map[string]int{}
	alliances := 0
	for i := range b.Nodes {
		a := &b.Nodes[i]
		if a.Kind != "REGIONAL_ALLIANCE" {
			continue
		}
		alliances++
		typ, _ := a.Attrs[graph.AttrAllianceType].(string)
		types[typ]++
		var members []string
		villages, coBuilders := 0, 0
		for _, e := range x.in[a.ID] {
			if e.Type != graph.RelMemberOf {
				continue
			}
			m := x.nodes[e.From]
			members = append(members, m.ID)
			switch role := e.Attrs[graph.AttrRole]; {
			case role == "co-builder" && m.Kind == "COMMUNITY":
				coBuilders++
			case role == "member" && m.Kind == "VILLAGE":
				villages++
			default:
				errorf("%s: member %s (%s) with role %v", a.ID, m.ID, m.Kind, role)
			}
		}
		if villages < 3 || villages > 8 || coBuilders != 1 {
			errorf("%s: %d villages and %d co-building communities, want 3–8 and 1", a.ID, villages, coBuilders)
		}
		if len(members) > 0 && !x.connected(members) {
			errorf("%s: members %v are not contiguous", a.ID, members)
		}
	}
	for _, typ := range graph.AllianceTypes {
		if types[typ] == 0 {
			t.Errorf("no regional alliance of type %s (%v)", typ, types)
		}
	}
	if len(types) != len(graph.AllianceTypes) {
		t.Errorf("alliance types %v, want only %v", types, graph.AllianceTypes)
	}
	pairs := 0
	for i := range b.Edges {
		e := &b.Edges[i]
		if e.Type != graph.RelMentors {
			continue
		}
		pairs++
		from, to := x.nodes[e.From], x.nodes[e.To]
		fs, _ := synNumber(from.Attrs[graph.AttrStrength])
		ts, _ := synNumber(to.Attrs[graph.AttrStrength])
		if fs <= ts {
			errorf("%s: mentor strength %v ≤ mentee strength %v", e.ID, fs, ts)
		}
		if allianceOf[e.From] == "" || allianceOf[e.From] != allianceOf[e.To] {
			errorf("%s: mentor in %q, mentee in %q; want the same alliance", e.ID, allianceOf[e.From], allianceOf[e.To])
		}
	}
	if pairs < alliances/2 {
		t.Errorf("%d pairings for %d alliances", pairs, alliances)
	}
	t.Logf("%d regional alliances %v, %d pairings", alliances, types, pairs)

	// Party-building alliances have branches and tier-3 Party branches as
	// members; temporary branches are built on projects.
	for i := range b.Nodes {
		n := &b.Nodes[i]
		switch n.Kind {
		case "PARTY_BUILDING_ALLIANCE":
			branches, members := 0, 0
			for _, e := range x.in[n.ID] {
				switch {
				case e.Type == graph.RelSubOrganisationOf && x.nodes[e.From].Kind == "PARTY_BRANCH":
					branches++
				case e.Type == graph.RelMemberOf && x.nodes[e.From].Tier == 3:
					members++
				}
			}
			if branches < 2 || members == 0 {
				errorf("%s: %d branches, %d tier-3 members", n.ID, branches, members)
			}
		case "TEMPORARY_PARTY_BRANCH":
			built := false
			for _, e := range x.out[n.ID] {
				built = built || e.Type == graph.RelBuiltOn && x.nodes[e.To].Label == graph.LabelProject
			}
			if !built {
				errorf("%s is built on no project", n.ID)
			}
		}
	}

	if size == seed.SizeCounty {
		synCheckPlanar(t, x, b)
	}
}

// synCheckPlanar checks that no two borders cross on the map (the x, y
// attributes of villages and communities).
func synCheckPlanar(t *testing.T, x *synIndex, b graph.Batch) {
	type pt struct{ x, y float64 }
	at := func(id string) pt {
		n := x.nodes[id]
		px, _ := synNumber(n.Attrs["x"])
		py, _ := synNumber(n.Attrs["y"])
		return pt{px, py}
	}
	type seg struct {
		a, b   pt
		ea, eb string
	}
	var segs []seg
	for i := range b.Edges {
		if e := &b.Edges[i]; e.Type == graph.RelAdjacentTo {
			segs = append(segs, seg{at(e.From), at(e.To), e.From, e.To})
		}
	}
	cross := func(o, a, b pt) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			s, u := segs[i], segs[j]
			if s.ea == u.ea || s.ea == u.eb || s.eb == u.ea || s.eb == u.eb {
				continue // borders meeting at a village
			}
			d1, d2 := cross(s.a, s.b, u.a), cross(s.a, s.b, u.b)
			d3, d4 := cross(u.a, u.b, s.a), cross(u.a, u.b, s.b)
			if d1*d2 < 0 && d3*d4 < 0 {
				t.Fatalf("borders %s–%s and %s–%s cross", s.ea, s.eb, u.ea, u.eb)
			}
		}
	}
}
