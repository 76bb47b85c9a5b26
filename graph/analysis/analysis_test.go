package analysis_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// MustFixture loads testdata/fixture.json and checks that it is a valid
// orgnet graph.
func MustFixture(tb testing.TB) *graph.Snapshot {
	tb.Helper()
	b, err := os.ReadFile("testdata/fixture.json")
	if err != nil {
		tb.Fatal(err)
	}
	var snap graph.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		tb.Fatal(err)
	}
	labels := map[string]graph.Label{}
	for _, n := range snap.Nodes {
		if err := n.Validate(); err != nil {
			tb.Fatalf("fixture node %s: %v", n.ID, err)
		}
		labels[n.ID] = n.Label
	}
	for _, e := range snap.Edges {
		if err := e.Validate(); err != nil {
			tb.Fatalf("fixture edge %s: %v", e.ID, err)
		}
		if err := graph.CheckEndpoints(e.Type, labels[e.From], labels[e.To]); err != nil {
			tb.Fatalf("fixture edge %s: %v", e.ID, err)
		}
	}
	return &snap
}

// Snap builds a snapshot of villages joined by ADJACENT_TO edges "a-b".
func Snap(ids []string, edges ...string) *graph.Snapshot {
	snap := &graph.Snapshot{}
	for _, id := range ids {
		snap.Nodes = append(snap.Nodes, &graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: id})
	}
	for _, e := range edges {
		from, to, _ := strings.Cut(e, "-")
		snap.Edges = append(snap.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelAdjacentTo, from, to),
			Type: graph.RelAdjacentTo, From: from, To: to})
	}
	return snap
}

// ScoresOf returns the scores as a map by id.
func ScoresOf(ss []analysis.Score) map[string]float64 {
	m := make(map[string]float64, len(ss))
	for _, s := range ss {
		m[s.ID] = s.Score
	}
	return m
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestCentrality_HandComputed(t *testing.T) {
	abc := []string{"a", "b", "c"}
	abcde := []string{"a", "b", "c", "d", "e"}
	abcd := []string{"a", "b", "c", "d"}
	for _, tc := range []struct {
		name    string
		snap    *graph.Snapshot
		measure analysis.Measure
		want    map[string]float64
	}{
		// Path a-b-c: b is on the one path between the other pair.
		{"path3/betweenness", Snap(abc, "a-b", "b-c"), analysis.Betweenness, map[string]float64{"a": 0, "b": 1, "c": 0}},
		{"path3/degree", Snap(abc, "a-b", "b-c"), analysis.Degree, map[string]float64{"a": 0.5, "b": 1, "c": 0.5}},
		{"path3/closeness", Snap(abc, "a-b", "b-c"), analysis.Closeness, map[string]float64{"a": 2.0 / 3, "b": 1, "c": 2.0 / 3}},
		// x_a = 0.85·x_b/2 + 0.05, x_b = 0.85·2·x_a + 0.05: x_a = 19/74, x_b = 36/74.
		{"path3/pagerank", Snap(abc, "a-b", "b-c"), analysis.PageRank, map[string]float64{"a": 19.0 / 74, "b": 36.0 / 74, "c": 19.0 / 74}},
		// Parallel edges and the direction of an edge do not count.
		{"path3 with parallel edges/degree", Snap(abc, "a-b", "b-a", "b-c", "c-b"), analysis.Degree, map[string]float64{"a": 0.5, "b": 1, "c": 0.5}},
		// Star with centre a: every path between leaves runs through a.
		{"star/degree", Snap(abcde, "a-b", "a-c", "a-d", "a-e"), analysis.Degree, map[string]float64{"a": 1, "b": 0.25, "c": 0.25, "d": 0.25, "e": 0.25}},
		{"star/betweenness", Snap(abcde, "a-b", "a-c", "a-d", "a-e"), analysis.Betweenness, map[string]float64{"a": 1, "b": 0, "c": 0, "d": 0, "e": 0}},
		// A leaf is 1 from the centre and 2 from each of 3 leaves: 4/7.
		{"star/closeness", Snap(abcde, "a-b", "a-c", "a-d", "a-e"), analysis.Closeness, map[string]float64{"a": 1, "b": 4.0 / 7, "c": 4.0 / 7, "d": 4.0 / 7, "e": 4.0 / 7}},
		// 4-cycle: each node is on one of the two paths between its neighbours:
		// ½ of one of the 3 pairs it is not in.
		{"cycle4/betweenness", Snap(abcd, "a-b", "b-c", "c-d", "d-a"), analysis.Betweenness, map[string]float64{"a": 1.0 / 6, "b": 1.0 / 6, "c": 1.0 / 6, "d": 1.0 / 6}},
		{"cycle4/closeness", Snap(abcd, "a-b", "b-c", "c-d", "d-a"), analysis.Closeness, map[string]float64{"a": 0.75, "b": 0.75, "c": 0.75, "d": 0.75}},
		{"triangle/pagerank", Snap(abc, "a-b", "b-c", "c-a"), analysis.PageRank, map[string]float64{"a": 1.0 / 3, "b": 1.0 / 3, "c": 1.0 / 3}},
		// Two components: Wasserman–Faust scales 1/1 by the 1 of 3 others reached.
		{"two edges/closeness", Snap(abcd, "a-b", "c-d"), analysis.Closeness, map[string]float64{"a": 1.0 / 3, "b": 1.0 / 3, "c": 1.0 / 3, "d": 1.0 / 3}},
		{"two edges/degree", Snap(abcd, "a-b", "c-d"), analysis.Degree, map[string]float64{"a": 1.0 / 3, "b": 1.0 / 3, "c": 1.0 / 3, "d": 1.0 / 3}},
		// Isolated nodes: no paths, and PageRank spreads evenly.
		{"isolated/closeness", Snap([]string{"a", "b"}), analysis.Closeness, map[string]float64{"a": 0, "b": 0}},
		{"isolated/pagerank", Snap([]string{"a", "b"}), analysis.PageRank, map[string]float64{"a": 0.5, "b": 0.5}},
		// A dangling node hands its rank to all: a-b plus isolated c.
		// x_c = 0.85·x_c/3 + 0.05 → x_c = 0.15/(3−0.85)= 3/43, x_a = x_b = 20/43.
		{"dangling/pagerank", Snap(abc, "a-b"), analysis.PageRank, map[string]float64{"a": 20.0 / 43, "b": 20.0 / 43, "c": 3.0 / 43}},
		// One node: networkx gives degree 1, closeness 0.
		{"single/degree", Snap([]string{"a"}), analysis.Degree, map[string]float64{"a": 1}},
		{"single/betweenness", Snap([]string{"a"}), analysis.Betweenness, map[string]float64{"a": 0}},
		{"single/closeness", Snap([]string{"a"}), analysis.Closeness, map[string]float64{"a": 0}},
		{"single/pagerank", Snap([]string{"a"}), analysis.PageRank, map[string]float64{"a": 1}},
		{"empty/degree", Snap(nil), analysis.Degree, map[string]float64{}},
		{"empty/pagerank", Snap(nil), analysis.PageRank, map[string]float64{}},
		{"nil snapshot/betweenness", nil, analysis.Betweenness, map[string]float64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := analysis.Centrality(tc.snap, tc.measure, analysis.Options{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := ScoresOf(ss)
			if len(got) != len(tc.want) {
				t.Fatalf("Centrality(%s) = %v; want %v", tc.measure, got, tc.want)
			}
			tol := 1e-9
			if tc.measure == analysis.PageRank {
				tol = 1e-6
			}
			for id, w := range tc.want {
				if g, ok := got[id]; !ok || !near(g, w, tol) {
					t.Errorf("Centrality(%s)[%s] = %v; want %v", tc.measure, id, g, w)
				}
			}
		})
	}
}

func TestCentrality_OrderTiesRank(t *testing.T) {
	// Star a with leaves b..e, plus f hanging off e: a has degree 4, e 2, the
	// rest 1, and those four tie.
	snap := Snap([]string{"e", "d", "c", "b", "a", "f"}, "a-b", "a-c", "a-d", "a-e", "e-f") // unsorted on purpose
	ss, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []analysis.Score{
		{ID: "a", Score: 0.8, Rank: 1},
		{ID: "e", Score: 0.4, Rank: 2},
		{ID: "b", Score: 0.2, Rank: 3},
		{ID: "c", Score: 0.2, Rank: 3},
		{ID: "d", Score: 0.2, Rank: 3},
		{ID: "f", Score: 0.2, Rank: 3},
	}
	if !reflect.DeepEqual(ss, want) {
		t.Fatalf("Centrality(DEGREE) = %v; want %v", ss, want)
	}

	t.Run("top", func(t *testing.T) {
		for _, tc := range []struct {
			top  int
			want int
		}{{0, 6}, {-1, 6}, {1, 1}, {3, 3}, {6, 6}, {100, 6}, {analysis.MaxTop, 6}} {
			ss, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{}, tc.top)
			if err != nil {
				t.Fatal(err)
			}
			if len(ss) != tc.want || !reflect.DeepEqual(ss, want[:tc.want]) {
				t.Errorf("Centrality(top=%d) = %v; want %v", tc.top, ss, want[:tc.want])
			}
		}
	})

	t.Run("ties despite rounding noise", func(t *testing.T) {
		// In a 7-cycle every node has the same betweenness and PageRank,
		// whatever order the sums were made in: all rank 1, by id.
		ids := []string{"a", "b", "c", "d", "e", "f", "g"}
		snap := Snap(ids, "a-b", "b-c", "c-d", "d-e", "e-f", "f-g", "g-a")
		for _, m := range analysis.Measures {
			ss, err := analysis.Centrality(snap, m, analysis.Options{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range ss {
				if s.ID != ids[i] || s.Rank != 1 || s.Score != ss[0].Score {
					t.Errorf("Centrality(%s)[%d] = %+v; want %s, rank 1, score %v", m, i, s, ids[i], ss[0].Score)
				}
			}
		}
	})
}

func TestCentrality_Filters(t *testing.T) {
	snap := MustFixture(t)
	all, err := analysis.Centrality(snap, analysis.Betweenness, analysis.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	allScores := ScoresOf(all)
	kindOf := map[string]*graph.Node{}
	for _, n := range snap.Nodes {
		kindOf[n.ID] = n
	}

	for _, tc := range []struct {
		name string
		opts analysis.Options
		keep func(*graph.Node) bool
	}{
		{"kinds", analysis.Options{Kinds: []string{"VILLAGE"}}, func(n *graph.Node) bool { return n.Kind == "VILLAGE" }},
		{"two kinds, duplicated", analysis.Options{Kinds: []string{"VILLAGE", "PARTY_WORKING_COMMITTEE", "VILLAGE"}},
			func(n *graph.Node) bool { return n.Kind == "VILLAGE" || n.Kind == "PARTY_WORKING_COMMITTEE" }},
		{"labels", analysis.Options{Labels: []graph.Label{graph.LabelPerson, graph.LabelAlliance}},
			func(n *graph.Node) bool { return n.Label == graph.LabelPerson || n.Label == graph.LabelAlliance }},
		{"kinds and labels", analysis.Options{Kinds: []string{"VILLAGE", "PERSON"}, Labels: []graph.Label{graph.LabelPerson}},
			func(n *graph.Node) bool { return n.Kind == "PERSON" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ss, err := analysis.Centrality(snap, analysis.Betweenness, tc.opts, 0)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, s := range all { // all is in score order
				if tc.keep(kindOf[s.ID]) {
					want = append(want, s.ID)
				}
			}
			var got []string
			for i, s := range ss {
				got = append(got, s.ID)
				// The graph is still the whole graph: same scores.
				if s.Score != allScores[s.ID] {
					t.Errorf("score of %s = %v; want %v as without the filter", s.ID, s.Score, allScores[s.ID])
				}
				if i == 0 && s.Rank != 1 {
					t.Errorf("first rank = %d; want 1 (ranked among the listed nodes)", s.Rank)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("ids = %v; want %v", got, want)
			}
		})
	}

	t.Run("relations", func(t *testing.T) {
		// Over ADJACENT_TO alone the committee has no edge and the
		// villages form a 5-cycle.
		ss, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{Relations: []graph.RelType{graph.RelAdjacentTo}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := ScoresOf(ss)
		if len(got) != len(snap.Nodes) {
			t.Errorf("got %d scores; want one for each of the %d nodes", len(got), len(snap.Nodes))
		}
		if got["org:committee"] != 0 {
			t.Errorf("degree of the committee over ADJACENT_TO = %v; want 0", got["org:committee"])
		}
		for i := 1; i <= 5; i++ {
			id := "org:village-" + string(rune('0'+i))
			if !near(got[id], 2.0/19, 1e-12) {
				t.Errorf("degree of %s over ADJACENT_TO = %v; want 2/19", id, got[id])
			}
		}
		// Listing every type is the same as listing none.
		everything, err := analysis.Centrality(snap, analysis.Closeness, analysis.Options{Relations: graph.RelTypes}, 0)
		if err != nil {
			t.Fatal(err)
		}
		none, err := analysis.Centrality(snap, analysis.Closeness, analysis.Options{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(everything, none) {
			t.Errorf("all relation types listed = %v; want as none listed %v", everything, none)
		}
	})
}

func TestErrors(t *testing.T) {
	snap := MustFixture(t)
	for _, tc := range []struct {
		name  string
		field string
		call  func() error
	}{
		{"unknown measure", "measure", func() error {
			_, err := analysis.Centrality(snap, "EIGENVECTOR", analysis.Options{}, 0)
			return err
		}},
		{"lower-case measure", "measure", func() error {
			_, err := analysis.Centrality(snap, "degree", analysis.Options{}, 0)
			return err
		}},
		{"top too large", "top", func() error {
			_, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{}, analysis.MaxTop+1)
			return err
		}},
		{"unknown relation", "relations", func() error {
			_, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{Relations: []graph.RelType{"KNOWS"}}, 0)
			return err
		}},
		{"unknown kind", "kinds", func() error {
			_, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{Kinds: []string{"CASTLE"}}, 0)
			return err
		}},
		{"unknown label", "labels", func() error {
			_, err := analysis.Centrality(snap, analysis.Degree, analysis.Options{Labels: []graph.Label{"Thing"}}, 0)
			return err
		}},
		{"communities: unknown relation", "relations", func() error {
			_, err := analysis.Communities(snap, analysis.Options{Relations: []graph.RelType{"KNOWS"}}, 1, 1)
			return err
		}},
		{"negative resolution", "resolution", func() error {
			_, err := analysis.Communities(snap, analysis.Options{}, -1, 1)
			return err
		}},
		{"resolution too large", "resolution", func() error {
			_, err := analysis.Communities(snap, analysis.Options{}, 10.5, 1)
			return err
		}},
		{"NaN resolution", "resolution", func() error {
			_, err := analysis.Communities(snap, analysis.Options{}, math.NaN(), 1)
			return err
		}},
		{"stats: unknown relation", "relations", func() error {
			_, err := analysis.Stats(snap, analysis.Options{Relations: []graph.RelType{""}})
			return err
		}},
		{"modularity: node in two communities", "communities", func() error {
			_, err := analysis.Modularity(snap, analysis.Options{}, [][]string{{"org:committee"}, {"org:committee"}}, 1)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *graph.Error
			if !errors.Is(err, graph.ErrInvalid) || !errors.As(err, &e) {
				t.Fatalf("err = %v; want an *graph.Error of CodeInvalid", err)
			}
			if e.Field != tc.field {
				t.Errorf("field = %q; want %q", e.Field, tc.field)
			}
		})
	}

	_, err := analysis.Modularity(snap, analysis.Options{}, [][]string{{"org:nowhere"}}, 1)
	if !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Modularity with an unknown id: err = %v; want ErrNotFound", err)
	}
	// Edges whose ends are missing, and loops, are left out rather than fail.
	bad := Snap([]string{"a", "b"}, "a-b", "a-ghost", "b-b")
	ss, err := analysis.Centrality(bad, analysis.Degree, analysis.Options{}, 0)
	if err != nil || len(ss) != 2 || ss[0].Score != 1 || ss[1].Score != 1 {
		t.Errorf("Centrality with a dangling edge and a loop = %v, %v; want a and b at 1", ss, err)
	}
}

func TestCommunities(t *testing.T) {
	snap := MustFixture(t)

	t.Run("fixture", func(t *testing.T) {
		p, err := analysis.Communities(snap, analysis.Options{}, 0, 1) // resolution 0 means 1
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"alliance:shu", "org:village-1", "org:village-2", "org:village-3", "org:village-4", "org:village-5"},
			{"org:branch-a", "org:branch-b", "org:branch-c", "org:branch-d", "org:branch-e", "org:committee"},
			{"org:temp-branch", "person:ge", "person:wang", "project:east-gate"},
			{"brand:hill", "org:makerspace"},
			{"org:enterprise"},
			{"zone:grid-1"},
		}
		if !reflect.DeepEqual(p.Communities, want) {
			t.Errorf("Communities = %v; want %v", p.Communities, want)
		}
		checkPartition(t, snap, p, analysis.Options{}, 1)
	})

	t.Run("deterministic for a seed", func(t *testing.T) {
		big := Generate(600, 900, 7)
		for seed := int64(0); seed < 4; seed++ {
			first, err := analysis.Communities(big, analysis.Options{}, 1, seed)
			if err != nil {
				t.Fatal(err)
			}
			checkPartition(t, big, first, analysis.Options{}, 1)
			for range 5 {
				again, err := analysis.Communities(big, analysis.Options{}, 1, seed)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(again, first) {
					t.Fatalf("seed %d: Communities differs between calls (modularity %v vs %v)", seed, again.Modularity, first.Modularity)
				}
			}
		}
	})

	t.Run("kinds", func(t *testing.T) {
		all, err := analysis.Communities(snap, analysis.Options{}, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		opts := analysis.Options{Kinds: []string{"PARTY_BRANCH", "VILLAGE"}}
		p, err := analysis.Communities(snap, opts, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"org:branch-a", "org:branch-b", "org:branch-c", "org:branch-d", "org:branch-e"},
			{"org:village-1", "org:village-2", "org:village-3", "org:village-4", "org:village-5"},
		}
		if !reflect.DeepEqual(p.Communities, want) {
			t.Errorf("Communities(kinds) = %v; want %v", p.Communities, want)
		}
		if p.Modularity != all.Modularity {
			t.Errorf("Modularity(kinds) = %v; want that of the whole partition %v", p.Modularity, all.Modularity)
		}
		if len(p.Of) != 10 || p.Of["org:village-3"] != 1 || p.Of["org:branch-a"] != 0 {
			t.Errorf("Of = %v; want the 10 listed nodes", p.Of)
		}
	})

	t.Run("resolution", func(t *testing.T) {
		big := Generate(600, 900, 3)
		coarse, err := analysis.Communities(big, analysis.Options{}, 0.2, 1)
		if err != nil {
			t.Fatal(err)
		}
		fine, err := analysis.Communities(big, analysis.Options{}, 5, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(fine.Communities) <= len(coarse.Communities) {
			t.Errorf("resolution 5 gave %d communities, 0.2 gave %d; want more at the higher resolution",
				len(fine.Communities), len(coarse.Communities))
		}
		checkPartition(t, big, coarse, analysis.Options{}, 0.2)
		checkPartition(t, big, fine, analysis.Options{}, 5)
	})

	t.Run("no edges", func(t *testing.T) {
		p, err := analysis.Communities(Snap([]string{"b", "a", "c"}), analysis.Options{}, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := &analysis.Partition{Communities: [][]string{{"a"}, {"b"}, {"c"}}, Of: map[string]int{"a": 0, "b": 1, "c": 2}}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("Communities of a graph without edges = %+v; want %+v", p, want)
		}
	})
}

// checkPartition checks the shape of p: every listed node once, the order,
// Of, and that Modularity agrees with Modularity of the communities.
func checkPartition(t *testing.T, snap *graph.Snapshot, p *analysis.Partition, opts analysis.Options, res float64) {
	t.Helper()
	seen := map[string]bool{}
	for i, c := range p.Communities {
		if len(c) == 0 || !slices.IsSorted(c) {
			t.Errorf("community %d = %v; want non-empty, sorted by id", i, c)
		}
		if i > 0 {
			prev := p.Communities[i-1]
			if len(prev) < len(c) || len(prev) == len(c) && prev[0] >= c[0] {
				t.Errorf("communities %d and %d out of order: %v, %v", i-1, i, prev, c)
			}
		}
		for _, id := range c {
			if seen[id] {
				t.Errorf("%s in two communities", id)
			}
			seen[id] = true
			if p.Of[id] != i {
				t.Errorf("Of[%s] = %d; want %d", id, p.Of[id], i)
			}
		}
	}
	if len(seen) != len(snap.Nodes) || len(p.Of) != len(snap.Nodes) {
		t.Errorf("partition covers %d nodes (Of %d); want %d", len(seen), len(p.Of), len(snap.Nodes))
	}
	q, err := analysis.Modularity(snap, opts, p.Communities, res)
	if err != nil {
		t.Fatal(err)
	}
	if !near(q, p.Modularity, 1e-9) {
		t.Errorf("Modularity = %v; want %v as Modularity(communities)", p.Modularity, q)
	}
}

func TestModularity_LeftOutNodesAreAlone(t *testing.T) {
	snap := MustFixture(t)
	partial := [][]string{{"org:committee", "org:branch-a", "org:branch-b"}}
	full := [][]string{{"org:committee", "org:branch-a", "org:branch-b"}}
	for _, n := range snap.Nodes {
		if !slices.Contains(partial[0], n.ID) {
			full = append(full, []string{n.ID})
		}
	}
	a, err := analysis.Modularity(snap, analysis.Options{}, partial, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := analysis.Modularity(snap, analysis.Options{}, full, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("Modularity(partial) = %v; want %v as with singletons", a, b)
	}
}

func TestStats(t *testing.T) {
	for _, tc := range []struct {
		name string
		snap *graph.Snapshot
		opts analysis.Options
		want analysis.GraphStats
	}{
		{"empty", Snap(nil), analysis.Options{}, analysis.GraphStats{}},
		{"one node", Snap([]string{"a"}), analysis.Options{}, analysis.GraphStats{Nodes: 1, Components: 1}},
		{"triangle and a lone node", Snap([]string{"a", "b", "c", "d"}, "a-b", "b-c", "c-a", "a-c"), analysis.Options{},
			analysis.GraphStats{Nodes: 4, Edges: 3, Components: 2, Density: 0.5}},
		{"kinds do not apply", Snap([]string{"a", "b"}, "a-b"), analysis.Options{Kinds: []string{"PERSON"}},
			analysis.GraphStats{Nodes: 2, Edges: 1, Components: 1, Density: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analysis.Stats(tc.snap, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Stats = %+v; want %+v", got, tc.want)
			}
		})
	}
}
