package neo4j_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// TestInjection: text that would break spliced Cypher is stored verbatim.
func TestInjection(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	evil := []string{
		`'}) DETACH DELETE n //`,
		`"}) MATCH (m) DETACH DELETE m RETURN 1 //`,
		"` DETACH DELETE n //",
		`\'; MATCH (n) DETACH DELETE n; //`,
		`back\\slash \" quote ' apostrophe $param {curly} [bracket]`,
		"多行\n文本\t和制表符",
	}
	for i, name := range evil {
		n := org(fmt.Sprintf("org:evil-%d", i), name)
		n.NameEn = name
		n.Provenance.Quote = name
		n.Attrs = map[string]any{"note": name}
		if _, err := s.CreateNode(ctx, n); err != nil {
			t.Fatalf("CreateNode(%q) = %v", name, err)
		}
	}
	// Ids may carry quotes and backslashes too.
	weird := graph.Node{ID: `org:a'b"c\d`, Label: graph.LabelOrganisation, Name: `x`, Provenance: graph.Provenance{Source: graph.SourceUser}}
	if _, err := s.CreateNode(ctx, weird); err != nil {
		t.Fatalf("CreateNode(%q) = %v", weird.ID, err)
	}
	if _, err := s.CreateEdge(ctx, graph.Edge{Type: graph.RelAdjacentTo, From: weird.ID, To: "org:evil-0",
		Attrs: map[string]any{"note": evil[0]}}); err != nil {
		t.Fatalf("CreateEdge = %v", err)
	}
	c, err := s.Counts(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes != len(evil)+1 || c.Edges != 1 {
		t.Fatalf("Counts() = %+v; want %d nodes, 1 edge", c, len(evil)+1)
	}
	for i, name := range evil {
		n, err := s.Node(ctx, graph.View{}, fmt.Sprintf("org:evil-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if n.Name != name || n.NameEn != name || n.Provenance.Quote != name || n.Attrs["note"] != name {
			t.Errorf("stored %+v; want every text %q", n, name)
		}
		got, err := s.Search(ctx, graph.View{}, name, 5)
		if err != nil {
			t.Fatalf("Search(%q) = %v", name, err)
		}
		if len(got) == 0 || got[0].ID != n.ID {
			t.Errorf("Search(%q) = %v; want %s first", name, ids(got), n.ID)
		}
	}
	if _, err := s.Node(ctx, graph.View{}, weird.ID); err != nil {
		t.Errorf("Node(%q) = %v", weird.ID, err)
	}
	if _, err := s.Node(ctx, graph.View{}, `x'}) DETACH DELETE n //`); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Node(injection) = %v; want ErrNotFound", err)
	}
	if c2, _ := s.Counts(ctx, graph.View{}); c2 != c {
		t.Errorf("Counts() after lookups = %+v; want %+v", c2, c)
	}
}

func ids(ns []*graph.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// TestTypes: attributes keep their Go types through Neo4j, and a
// conflicting id across relationship types is refused.
func TestTypes(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	n := org("org:t", "类型")
	n.Tier = 2
	n.Attrs = map[string]any{"population": int64(1234), "strength": 56.5, "whole": 3.0, "flag": true, "label2": "x"}
	n.AttrProvenance = map[string]graph.Provenance{"population": {Source: graph.SourceIllustrative, Ref: "r"}}
	if _, err := s.CreateNode(ctx, n); err != nil {
		t.Fatal(err)
	}
	got, err := s.Node(ctx, graph.View{}, "org:t")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range n.Attrs {
		if v := got.Attrs[k]; v != want {
			t.Errorf("Attrs[%s] = %v (%T); want %v (%T)", k, v, v, want, want)
		}
	}
	if got.Tier != 2 || got.AttrProv("population").Source != graph.SourceIllustrative || got.AttrProv("strength").Source != graph.SourceSynthetic {
		t.Errorf("got %+v", got)
	}
	if _, err := s.CreateNode(ctx, org("org:u", "u")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateEdge(ctx, graph.Edge{ID: "e:1", Type: graph.RelAdjacentTo, From: "org:t", To: "org:u"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateEdge(ctx, graph.Edge{ID: "e:1", Type: graph.RelMentors, From: "org:t", To: "org:u"}); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("CreateEdge(same id, other type) = %v; want ErrConflict", err)
	}
	if _, err := s.CreateEdge(ctx, graph.Edge{ID: "e:1", Type: graph.RelAdjacentTo, From: "org:u", To: "org:t"}); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("CreateEdge(same id, same type) = %v; want ErrConflict", err)
	}
	// Apply may change an edge's type under the same id (upsert).
	r := mustApply(t, s, graph.Batch{Edges: []graph.Edge{{ID: "e:1", Type: graph.RelMentors, From: "org:u", To: "org:t"}}})
	if r.EdgesUpdated != 1 || r.EdgesCreated != 0 {
		t.Errorf("Apply = %+v; want 1 edge updated", r)
	}
	e, err := s.Edge(ctx, graph.View{}, "e:1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Type != graph.RelMentors || e.From != "org:u" {
		t.Errorf("Edge = %+v; want MENTORS from org:u", e)
	}
	if c, _ := s.Counts(ctx, graph.View{}); c.Edges != 1 {
		t.Errorf("Counts().Edges = %d; want 1", c.Edges)
	}
}

// TestAsOf: reads with a dated graph.View see only what is valid that day, and
// an edge only when its ends are too. (The conformance suite does not cover
// as-of reads yet; this belongs there.)
func TestAsOf(t *testing.T) {
	s := newStore(t)
	a, b, c := org("org:a", "甲"), org("org:b", "乙"), org("org:c", "丙")
	b.Until = "2020-01-01"
	c.Since = "2019-01-01"
	mustApply(t, s, graph.Batch{Nodes: []graph.Node{a, b, c}, Edges: []graph.Edge{
		{ID: "e:ab", Type: graph.RelAdjacentTo, From: "org:a", To: "org:b"},
		{ID: "e:ac", Type: graph.RelAdjacentTo, From: "org:a", To: "org:c", Since: "2019-06-01"},
		{ID: "e:sub", Type: graph.RelSubOrganisationOf, From: "org:b", To: "org:a", Until: "2019-01-01"},
	}})
	for _, tc := range []struct {
		date         string
		nodes, edges []string
		ancestorsOfB []string
		relatedOfA   []string
		nearA        []string
	}{
		{"", []string{"org:a", "org:b", "org:c"}, []string{"e:ab", "e:ac", "e:sub"}, []string{"org:a"}, []string{"e:ab", "e:ac", "e:sub"},
			[]string{"org:a", "org:b", "org:c"}},
		{"2018-06-01", []string{"org:a", "org:b"}, []string{"e:ab", "e:sub"}, []string{"org:a"}, []string{"e:ab", "e:sub"},
			[]string{"org:a", "org:b"}},
		{"2019-03-01", []string{"org:a", "org:b", "org:c"}, []string{"e:ab"}, nil, []string{"e:ab"}, []string{"org:a", "org:b"}},
		{"2020-01-01", []string{"org:a", "org:c"}, []string{"e:ac"}, nil, []string{"e:ac"}, []string{"org:a", "org:c"}},
	} {
		ctx, v := context.Background(), graph.View{AsOf: tc.date}
		snap, err := s.Snapshot(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(snap.Nodes); !slices.Equal(got, tc.nodes) {
			t.Errorf("as of %q: Snapshot nodes = %v; want %v", tc.date, got, tc.nodes)
		}
		if got := edgeIDs(snap.Edges); !slices.Equal(got, tc.edges) {
			t.Errorf("as of %q: Snapshot edges = %v; want %v", tc.date, got, tc.edges)
		}
		if c, err := s.Counts(ctx, v); err != nil || c != (graph.Counts{Nodes: len(tc.nodes), Edges: len(tc.edges)}) {
			t.Errorf("as of %q: Counts = %+v, %v; want %d, %d", tc.date, c, err, len(tc.nodes), len(tc.edges))
		}
		for _, id := range []string{"org:a", "org:b", "org:c"} {
			_, err := s.Node(ctx, v, id)
			if want := slices.Contains(tc.nodes, id); (err == nil) != want || (err != nil && !errors.Is(err, graph.ErrNotFound)) {
				t.Errorf("as of %q: Node(%s) = %v; want found %v", tc.date, id, err, want)
			}
		}
		anc, err := s.Ancestors(ctx, v, []string{"org:b"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(anc["org:b"]); !slices.Equal(got, tc.ancestorsOfB) && len(got)+len(tc.ancestorsOfB) > 0 {
			t.Errorf("as of %q: Ancestors(b) = %v; want %v", tc.date, got, tc.ancestorsOfB)
		}
		rel, err := s.Related(ctx, v, []string{"org:a"}, graph.RelQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rel["org:a"] {
			got = append(got, r.Edge.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.relatedOfA) {
			t.Errorf("as of %q: Related(a) = %v; want %v", tc.date, got, tc.relatedOfA)
		}
		sg, err := s.Neighbourhood(ctx, v, "org:a", graph.NeighbourhoodQuery{Depth: 2, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(sg.Nodes); !slices.Equal(got, tc.nearA) {
			t.Errorf("as of %q: Neighbourhood nodes = %v; want %v", tc.date, got, tc.nearA)
		}
		p, err := s.ShortestPath(ctx, v, "org:a", "org:c", graph.PathQuery{MaxDepth: 3})
		switch {
		case !slices.Contains(tc.nodes, "org:c"):
			if !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("as of %q: ShortestPath to a node not valid = %v; want ErrNotFound", tc.date, err)
			}
		case err != nil:
			t.Errorf("as of %q: ShortestPath = %v", tc.date, err)
		case (p != nil) != slices.Contains(tc.edges, "e:ac"):
			t.Errorf("as of %q: ShortestPath = %v", tc.date, p)
		}
	}
	// Writes take no view: they see what is stored.
	ctx := context.Background()
	if _, err := s.CreateNode(ctx, org("org:c", "重复")); !errors.Is(err, graph.ErrConflict) {
		t.Errorf("CreateNode(id of a node not valid as of) = %v; want ErrConflict", err)
	}
}

func edgeIDs(es []*graph.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// TestSearchPinyin: search by pinyin and initials, ranked and tied as
// graph.SortHits orders (the suite's Search tests predate pinyin).
func TestSearchPinyin(t *testing.T) {
	s := newStore(t)
	village, hq, street := org("org:shengdun", "圣墩村"), org("org:hq", "圣墩村区块拆迁指挥部"), org("org:yuelin", "岳林街道党工委")
	village.NameEn, hq.NameEn, street.NameEn = "Shengdun Village", "Shengdun Block Demolition HQ", "Yuelin Street Party Working Committee"
	mustApply(t, s, graph.Batch{Nodes: []graph.Node{hq, street, village}})
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"shengdun", []string{"org:shengdun", "org:hq"}},
		{"sdc", []string{"org:shengdun", "org:hq"}},
		{"SDC", []string{"org:shengdun", "org:hq"}},
		{"圣墩", []string{"org:shengdun", "org:hq"}},
		{"duncun", []string{"org:shengdun", "org:hq"}},
		{"yljd", []string{"org:yuelin"}},
		{"dc", nil},
		{"ljd", nil},
		{"jiedao", []string{"org:yuelin"}},
		{"committee", []string{"org:yuelin"}},
	} {
		got, err := s.Search(context.Background(), graph.View{}, tc.q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if g := ids(got); !slices.Equal(g, tc.want) && len(g)+len(tc.want) > 0 {
			t.Errorf("Search(%q) = %v; want %v", tc.q, g, tc.want)
		}
	}
}
