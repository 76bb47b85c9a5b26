// Package storetest is the conformance suite every graph.Store must pass:
// one list of named subtests, each run on a fresh store, checking every
// sentence of the contract in graph/store.go. A backend's test only calls
// Run with a constructor.
//
// Where the contract leaves a choice open, the suite pins one, so that both
// stores answer alike; each such rule is written beside its test and
// summarised here:
//   - Ordering compares ids as Go strings (byte order, which is Unicode code
//     point order).
//   - Related orders by edge type (as a string), then other node id, then
//     edge id; an unknown type or direction is ErrInvalid.
//   - Neighbourhood and Subtree list nodes nearest first, then by id (the
//     start first); edges by id. Neighbourhood keeps every edge of the asked
//     types between two kept nodes (the induced subgraph). Subtree's
//     Truncated tells that nodes lie below maxDepth.
//   - Limits: a subgraph holds at most its limit of nodes (the nearest, then
//     by id) and graph.SubgraphEdgeLimit of them of edges (the least ids),
//     Truncated when either was cut; Related (and Expand, FindNodesExpand)
//     with RelQuery.Limit answer at most Limit+1 relations per node, exactly
//     Limit+1 when there are more; Ancestors with a limit the nearest
//     limit+1; Edges a page of at most First after the edge id After. A
//     limit or page size outside its range is ErrInvalid.
//   - ShortestPath picks, among shortest paths, the least sequence of node
//     ids compared element by element, then between parallel edges the least
//     edge id; from == to is a path of one node and no edge.
//   - FindNodes: First 0 means graph.DefaultPageSize; TotalCount counts every
//     match whatever the cursor; HasPrevPage tells that matches lie at or
//     before the cursor; a cursor need not name a stored node; an unknown
//     label or source is ErrInvalid (as in Edges).
//   - Search: a limit outside 1..graph.MaxSearchLimit is ErrInvalid.
//   - As of a date (graph.View.AsOf), an edge shows only when it and both its
//     ends are valid that day; Counts and Snapshot count only what shows; an
//     id that does not show is absent from Related's and Ancestors' maps.
//   - Apply replaces an upserted node whole (attributes are not merged) and
//     keeps its edges; an upserted edge is replaced whole, ends included. It
//     counts in the order it works (upserts, then deletions): a node created
//     and deleted by one batch counts in both; EdgesDeleted counts every edge
//     removed, also those that go with a deleted node. DeleteNodes removes
//     nodes that have children without complaint (children stay).
//   - Changes: one change per write transaction, none for a refused write or
//     an empty Apply; what a change lists, per method, is pinned in
//     changes.go. A lean Snapshot may be the topology alone, the same as the
//     full one's.
//
// Values are compared with nil and empty Attrs/AttrProvenance maps taken as
// equal; attribute types (int64, float64, bool, string) must match exactly.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// test is one named check, run on a fresh store.
type test struct {
	name string
	run  func(t *testing.T, s graph.Store)
}

// group is a set of tests about one method or property.
type group struct {
	name  string
	tests []test
}

func groups() []group {
	return []group{
		{"CreateNode", createNodeTests},
		{"Node", nodeTests},
		{"UpdateNode", updateNodeTests},
		{"DeleteNode", deleteNodeTests},
		{"CreateEdge", createEdgeTests},
		{"Edge", edgeTests},
		{"DeleteEdge", deleteEdgeTests},
		{"Related", relatedTests},
		{"Ancestors", ancestorsTests},
		{"Expand", expandTests},
		{"NodesOnly", nodesOnlyTests},
		{"FindNodes", findNodesTests},
		{"FindEdges", findEdgesTests},
		{"Search", searchTests},
		{"Neighbourhood", neighbourhoodTests},
		{"Subtree", subtreeTests},
		{"ShortestPath", shortestPathTests},
		{"Snapshot", snapshotTests},
		{"LeanSnapshot", leanSnapshotTests},
		{"Apply", applyTests},
		{"AsOf", asOfTests},
		{"Atomicity", atomicityTests},
		{"Copies", copiesTests},
		{"Ping", pingTests},
		{"Meter", meterTests},
		{"Concurrency", concurrencyTests},
		{"Lean", leanTests},
		{"Sources", sourcesTests},
		{"Overview", overviewTests},
		{"Changes", changesTests},
		{"Limits", limitTests},
	}
}

// Run runs the conformance suite. newStore must return a new, empty store
// and arrange for it to be closed (t.Cleanup); it is called once per
// subtest.
func Run(t *testing.T, newStore func(t *testing.T) graph.Store) {
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, newStore(t))
				})
			}
		})
	}
}

var bg = context.Background()

// MustCreateNode creates n in s or fails the test.
func MustCreateNode(tb testing.TB, s graph.Store, n graph.Node) *graph.Node {
	tb.Helper()
	got, err := s.CreateNode(bg, n)
	if err != nil {
		tb.Fatalf("CreateNode(%q) = %v", n.ID, err)
	}
	return got
}

// MustCreateEdge creates e in s or fails the test.
func MustCreateEdge(tb testing.TB, s graph.Store, e graph.Edge) *graph.Edge {
	tb.Helper()
	got, err := s.CreateEdge(bg, e)
	if err != nil {
		tb.Fatalf("CreateEdge(%s %s->%s) = %v", e.Type, e.From, e.To, err)
	}
	return got
}

// MustApply applies b to s or fails the test.
func MustApply(tb testing.TB, s graph.Store, b graph.Batch) graph.ApplyResult {
	tb.Helper()
	res, err := s.Apply(bg, b)
	if err != nil {
		tb.Fatalf("Apply = %v", err)
	}
	return res
}

// FixtureIDs names what Fixture creates.
type FixtureIDs struct {
	// Organisations in three tiers: Street (1) ← TwoNew (1) ← Town (2) ←
	// Makerspace, Enterprise (3); arrows are SUB_ORGANISATION_OF.
	Street, TwoNew, Town, Makerspace, Enterprise string
	// Alliance is a regional alliance (STRONG_VILLAGE_LEAD) whose members are
	// the three villages and, as co-builder, Community.
	Alliance                             string
	ShuQian, ShuHou, ShengDun, Community string
	// Person holds a post (secretary) at Town.
	Person string
	// Source is the registered source document (FixtureSource) that the
	// fixture's ARTICLE facts quote.
	Source string
	// Mentors is the pairing ShuQian MENTORS ShengDun; Post is Person
	// HOLDS_POST Town.
	Mentors, Post string
	// Nodes and Edges are every id created, sorted.
	Nodes, Edges []string
}

// FixtureSource is the source document the fixture's ARTICLE facts quote
// (a few sentences of the Yuelin article).
func FixtureSource() graph.Node {
	return graph.Document{ID: "doc:fixture", Kind: "NEWS_ARTICLE", Title: "“大党建”工作格局纪实(节选)", TitleEn: "Big Party Building (excerpt)",
		Publication: "test", Ref: "storetest", Text: fixtureText}.Node()
}

const fixtureText = "在全面从严治党纵深发展的背景下,岳林街道全面构建“大党建”工作格局。\n" +
	"针对“众创小镇”实际,街道两新工委组织成立甬台众创小镇党建联盟。\n" +
	"今年5月,该街道在山丘汇·青年创业园创新设立“甬台众创小镇”党群服务中心。\n" +
	"在今年快速推进的东部门户区项目中,舒前、舒后、圣墩三村作为项目主战场,村党员干部借助舒家“区域党建联合体”平台,\n" +
	"今年以来,岳林街道司法所王威磊异常忙碌。\n"

// art is an ARTICLE provenance quoting q from FixtureSource.
func art(q string) graph.Provenance {
	return graph.Provenance{Source: graph.SourceArticle, SourceID: "doc:fixture", Quote: q}
}

// MustRegisterFixtureSource registers FixtureSource in s (for tests that
// write ARTICLE facts without the fixture).
func MustRegisterFixtureSource(tb testing.TB, s graph.Store) {
	tb.Helper()
	MustApply(tb, s, graph.Batch{Nodes: []graph.Node{FixtureSource()}})
}

// Fixture builds a small network in s: a few tiers of organisations, an
// alliance with members, a pairing and a person with a post, and the source
// document its ARTICLE facts quote (12 nodes, 10 edges, one Apply).
func Fixture(tb testing.TB, s graph.Store) FixtureIDs {
	tb.Helper()
	f := FixtureIDs{
		Street: "org:street", TwoNew: "org:two-new", Town: "org:town",
		Makerspace: "org:makerspace", Enterprise: "org:enterprise",
		Alliance: "alliance:shujia",
		ShuQian:  "org:shuqian", ShuHou: "org:shuhou", ShengDun: "org:shengdun", Community: "org:shujia-community",
		Person: "person:wang-weilei", Source: "doc:fixture",
	}
	ill := graph.Provenance{Source: graph.SourceIllustrative}
	villageAttrs := func(pop int64, strength float64) map[string]any {
		return map[string]any{graph.AttrPopulation: pop, graph.AttrStrength: strength}
	}
	nodes := []graph.Node{
		{ID: f.Street, Label: graph.LabelOrganisation, Kind: "PARTY_WORKING_COMMITTEE", Name: "岳林街道党工委",
			NameEn: "Yuelin Subdistrict Party Working Committee", Tier: 1, Provenance: art("岳林街道全面构建“大党建”工作格局")},
		{ID: f.TwoNew, Label: graph.LabelOrganisation, Kind: "PARTY_WORKING_COMMITTEE", Name: "岳林街道两新工委",
			NameEn: "Yuelin Two-New Working Committee", Tier: 1, Provenance: art("街道两新工委组织成立甬台众创小镇党建联盟")},
		{ID: f.Town, Label: graph.LabelOrganisation, Kind: "PARTY_COMMITTEE", Name: "甬台众创小镇党群建设工作委员会",
			NameEn: "Yongtai Startup Town Party Committee", Tier: 2, Since: "2016-06-01", Provenance: art("设立“甬台众创小镇”党群服务中心")},
		{ID: f.Makerspace, Label: graph.LabelOrganisation, Kind: "MAKERSPACE", Name: "山丘汇·青年创业园",
			NameEn: "Shanqiuhui Youth Startup Park", Tier: 3, Provenance: art("在山丘汇·青年创业园创新设立")},
		{ID: f.Enterprise, Label: graph.LabelOrganisation, Kind: "ENTERPRISE", Name: "瑞凌企业",
			NameEn: "Ruiling Enterprise", Tier: 3, Provenance: ill},
		{ID: f.Alliance, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: "舒家区域党建联合体",
			NameEn: "Shujia Regional Alliance", Since: "2016-10-01",
			Attrs:      map[string]any{graph.AttrAllianceType: "STRONG_VILLAGE_LEAD"},
			Provenance: art("舒家“区域党建联合体”")},
		{ID: f.ShuQian, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "舒前村", NameEn: "Shuqian Village",
			Attrs: villageAttrs(1200, 350.5), AttrProvenance: map[string]graph.Provenance{graph.AttrStrength: ill},
			Provenance: art("舒前、舒后、圣墩三村")},
		{ID: f.ShuHou, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "舒后村", NameEn: "Shuhou Village",
			Attrs: villageAttrs(900, 120), Provenance: art("舒前、舒后、圣墩三村")},
		{ID: f.ShengDun, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "圣墩村", NameEn: "Shengdun Village",
			Attrs: villageAttrs(800, 80.25), Provenance: art("舒前、舒后、圣墩三村")},
		{ID: f.Community, Label: graph.LabelOrganisation, Kind: "COMMUNITY", Name: "舒家社区", NameEn: "Shujia Community",
			Provenance: ill},
		{ID: f.Person, Label: graph.LabelPerson, Name: "王威磊", NameEn: "Wang Weilei", Provenance: art("岳林街道司法所王威磊")},
		FixtureSource(),
	}
	sub := func(child, parent string) graph.Edge {
		return graph.Edge{Type: graph.RelSubOrganisationOf, From: child, To: parent, Provenance: ill}
	}
	member := func(org, role string) graph.Edge {
		return graph.Edge{Type: graph.RelMemberOf, From: org, To: f.Alliance, Attrs: map[string]any{graph.AttrRole: role},
			Provenance: art("借助舒家“区域党建联合体”平台")}
	}
	edges := []graph.Edge{
		sub(f.TwoNew, f.Street), sub(f.Town, f.TwoNew), sub(f.Makerspace, f.Town), sub(f.Enterprise, f.Town),
		member(f.ShuQian, "member"), member(f.ShuHou, "member"), member(f.ShengDun, "member"), member(f.Community, "co-builder"),
		{Type: graph.RelMentors, From: f.ShuQian, To: f.ShengDun, Since: "2017-01-01", Provenance: ill},
		{Type: graph.RelHoldsPost, From: f.Person, To: f.Town, Attrs: map[string]any{graph.AttrTitle: "secretary"}, Provenance: ill},
	}
	MustApply(tb, s, graph.Batch{Nodes: nodes, Edges: edges})
	f.Mentors = graph.EdgeID(graph.RelMentors, f.ShuQian, f.ShengDun)
	f.Post = graph.EdgeID(graph.RelHoldsPost, f.Person, f.Town)
	for _, n := range nodes {
		f.Nodes = append(f.Nodes, n.ID)
	}
	for _, e := range edges {
		f.Edges = append(f.Edges, graph.EdgeID(e.Type, e.From, e.To))
	}
	slices.Sort(f.Nodes)
	slices.Sort(f.Edges)
	return f
}

// org is an ILLUSTRATIVE village with the given id and name.
func org(id, name string) graph.Node {
	return graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: name,
		Provenance: graph.Provenance{Source: graph.SourceIllustrative}}
}

// orgs creates a village for each id, named after it, in one Apply.
func orgs(tb testing.TB, s graph.Store, ids ...string) {
	tb.Helper()
	b := graph.Batch{}
	for _, id := range ids {
		b.Nodes = append(b.Nodes, org(id, id))
	}
	MustApply(tb, s, b)
}

func edge(t graph.RelType, from, to string) graph.Edge {
	return graph.Edge{Type: t, From: from, To: to}
}

// edges creates edges of type t between pairs "from", "to", ... in one Apply.
func edges(tb testing.TB, s graph.Store, t graph.RelType, pairs ...string) {
	tb.Helper()
	b := graph.Batch{}
	for i := 0; i+1 < len(pairs); i += 2 {
		b.Edges = append(b.Edges, edge(t, pairs[i], pairs[i+1]))
	}
	MustApply(tb, s, b)
}

func nodeIDs(ns []*graph.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		if n == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = n.ID
	}
	return out
}

func edgeIDs(es []*graph.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func sorted(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }

// normNode makes empty maps nil, so that comparisons do not depend on how a
// store spells "no attributes".
func normNode(n *graph.Node) *graph.Node {
	if n == nil {
		return nil
	}
	c := n.Clone()
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	if len(c.AttrProvenance) == 0 {
		c.AttrProvenance = nil
	}
	return c
}

func normEdge(e *graph.Edge) *graph.Edge {
	if e == nil {
		return nil
	}
	c := e.Clone()
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	return c
}

func sameNode(a, b *graph.Node) bool { return reflect.DeepEqual(normNode(a), normNode(b)) }
func sameEdge(a, b *graph.Edge) bool { return reflect.DeepEqual(normEdge(a), normEdge(b)) }

func wantNode(t *testing.T, what string, got, want *graph.Node) {
	t.Helper()
	if !sameNode(got, want) {
		t.Errorf("%s = %+v; want %+v", what, got, want)
	}
}

func wantEdge(t *testing.T, what string, got, want *graph.Edge) {
	t.Helper()
	if !sameEdge(got, want) {
		t.Errorf("%s = %+v; want %+v", what, got, want)
	}
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q; want %q", what, got, want)
	}
}

// wantErr checks errors.Is(err, want) for every want.
func wantErr(t *testing.T, what string, err error, want ...error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s = nil error; want %v", what, want)
		return
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Errorf("%s = %v (code %s); want errors.Is %v", what, err, graph.ErrorCode(err), w)
		}
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s = %v", what, err)
	}
}

func snapshot(t *testing.T, s graph.Store) *graph.Snapshot {
	t.Helper()
	snap, err := s.Snapshot(bg, graph.View{})
	noErr(t, "Snapshot", err)
	for i, n := range snap.Nodes {
		snap.Nodes[i] = normNode(n)
	}
	for i, e := range snap.Edges {
		snap.Edges[i] = normEdge(e)
	}
	return snap
}

// unchanged fails when s's snapshot differs from before.
func unchanged(t *testing.T, s graph.Store, before *graph.Snapshot, after string) {
	t.Helper()
	if got := snapshot(t, s); !reflect.DeepEqual(got, before) {
		t.Errorf("after %s the store changed:\n got nodes %q edges %q\nwant nodes %q edges %q",
			after, nodeIDs(got.Nodes), edgeIDs(got.Edges), nodeIDs(before.Nodes), edgeIDs(before.Edges))
	}
}

func counts(t *testing.T, s graph.Store) graph.Counts {
	t.Helper()
	c, err := s.Counts(bg, graph.View{})
	noErr(t, "Counts", err)
	return c
}

func ptr[T any](v T) *T { return &v }
