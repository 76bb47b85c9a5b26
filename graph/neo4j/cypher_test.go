package neo4j

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// These tests need no database: they check the constant Cypher against the
// enums of graph.

func TestEachRelType(t *testing.T) {
	got := eachRelType("MATCH ()-[r:TYPE {id: $id}]->() RETURN r")
	parts := strings.Split(got, "\nUNION ALL\n")
	if len(parts) != len(graph.RelTypes) {
		t.Fatalf("%d parts for %d types:\n%s", len(parts), len(graph.RelTypes), got)
	}
	for i, rt := range graph.RelTypes {
		if want := "MATCH ()-[r:" + string(rt) + " {id: $id}]->() RETURN r"; parts[i] != want {
			t.Errorf("part %d = %q, want %q", i, parts[i], want)
		}
	}
}

func TestSchemaCoversEnums(t *testing.T) {
	all := strings.Join(schemaStatements, "\n")
	for _, l := range graph.Labels {
		if !strings.Contains(all, "FOR (n:"+string(l)+") REQUIRE n.id IS UNIQUE") {
			t.Errorf("no id uniqueness constraint for label %s", l)
		}
	}
	for _, rt := range graph.RelTypes {
		if !strings.Contains(all, "FOR ()-[r:"+string(rt)+"]-() REQUIRE r.id IS UNIQUE") {
			t.Errorf("no id uniqueness constraint for relationship type %s", rt)
		}
	}
	nameRE := regexp.MustCompile(`(?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS`)
	var names []string
	for _, s := range schemaStatements {
		m := nameRE.FindStringSubmatch(s)
		if m == nil {
			t.Errorf("statement without a name and IF NOT EXISTS: %s", s)
			continue
		}
		names = append(names, m[1])
	}
	if !slices.Equal(names, schemaNames) {
		t.Errorf("schema names = %v; want schemaNames %v", names, schemaNames)
	}
}

func TestDepthTables(t *testing.T) {
	for _, tc := range []struct {
		name  string
		table []stmt
		max   int
	}{
		{"neighbourhood", cypherNeighbourhood, graph.MaxDepth},
		{"subtree", cypherSubtree, graph.MaxSubtreeDepth},
		{"shortestPath", cypherShortestPath, graph.MaxPathDepth},
	} {
		if len(tc.table) != tc.max+1 {
			t.Errorf("%s: %d statements; want %d", tc.name, len(tc.table), tc.max+1)
		}
		for d := 1; d < len(tc.table); d++ {
			for _, c := range tc.table[d] {
				if strings.Contains(c, "DEPTH") || !strings.Contains(c, "{0,"+strconv.Itoa(d)+"}") {
					t.Errorf("%s[%d] has no quantifier {0,%d}: %s", tc.name, d, d, c)
				}
			}
		}
	}
}

func TestSearchKey(t *testing.T) {
	n := &graph.Node{Name: "圣墩 村", NameEn: "Shengdun  Village"}
	k := searchKey(graph.KeyOf(n))
	if want := "圣墩村\nshengdunvillage\nshengduncun\nsdc"; k != want {
		t.Errorf("searchKey = %q; want %q", k, want)
	}
	if k := searchKey(graph.KeyOf(&graph.Node{Name: "x"})); strings.Count(k, searchKeySep) != 3 {
		t.Errorf("searchKey = %q; want four parts", k)
	}
	// A folded query never holds the separator, so it cannot match across
	// two parts.
	if strings.Contains(graph.FoldText("村 shengdun"), searchKeySep) {
		t.Errorf("FoldText kept a new line")
	}
}

// TestProject: NODE and REL become the value itself in full form and a list
// of the core properties in lean form; no marker survives in any statement.
func TestProject(t *testing.T) {
	for _, tc := range []struct {
		in         string
		full, lean string
	}{
		{"RETURN NODE(n) AS n", "RETURN n AS n",
			"RETURN [n.id, n.kind, n.name, n.nameEn, n.tier, n.since, n.until, n.source, n.allianceType] AS n"},
		{"[x IN kept | [NODE(x.n), x.d]]", "[x IN kept | [x.n, x.d]]",
			"[x IN kept | [[x.n.id, x.n.kind, x.n.name, x.n.nameEn, x.n.tier, x.n.since, x.n.until, x.n.source, x.n.allianceType], x.d]]"},
		{"RETURN REL(r1) AS r", "RETURN r1 AS r",
			"RETURN [r1.id, r1.since, r1.until, r1.source, r1.role, r1.title, type(r1)] AS r"},
		{"NODES(n) XNODE(n)", "NODES(n) XNODE(n)", "NODES(n) XNODE(n)"},
	} {
		if got := project(tc.in, false); got != tc.full {
			t.Errorf("project(%q, full) = %q; want %q", tc.in, got, tc.full)
		}
		if got := project(tc.in, true); got != tc.lean {
			t.Errorf("project(%q, lean) = %q; want %q", tc.in, got, tc.lean)
		}
	}
	all := []stmt{cypherNode, cypherNodes, cypherSearch, cypherAncestors}
	for _, tab := range [][]stmt{cypherNeighbourhood, cypherSubtree, cypherNeighbourhoodNodes, cypherSubtreeNodes, cypherShortestPath[1:]} {
		all = append(all, tab...)
	}
	x := &graph.Expansion{Steps: []graph.ExpandStep{{Q: graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.In},
		Next: &graph.Expansion{Steps: []graph.ExpandStep{{Q: graph.RelQuery{Types: []graph.RelType{graph.RelMentors}, Dir: graph.In}}}}}}}
	f := graph.NodeFilter{Kinds: []string{"VILLAGE"}}
	all = append(all,
		stmt{expandStatement(x, false), expandStatement(x, true)},
		stmt{relatedStatement(graph.RelQuery{Dir: graph.Both}, false), relatedStatement(graph.RelQuery{Dir: graph.Both}, true)},
		stmt{findNodesExpandCypher(f, true, true, false, x), findNodesExpandCypher(f, true, true, true, x)})
	marker := regexp.MustCompile(`\b(NODE|REL|VIS)\(`)
	for _, s := range all {
		for _, c := range s {
			if marker.MatchString(c) {
				t.Errorf("a marker is left in: %s", c)
			}
		}
		if s[0] == s[1] {
			t.Errorf("full and lean forms are the same: %s", s[0])
		}
	}
}

// TestFindNodesOrder: a page of one kind filters by equality and orders by
// kind, then id, so that the node_kind_id index hands the page over in
// order (PROFILE on the city set: 51 index entries for the first 50
// villages, where ORDER BY n.id read 1,704 organisations); with several
// kinds, by id.
func TestFindNodesOrder(t *testing.T) {
	for _, tc := range []struct {
		kinds       []string
		cond, order string
	}{
		{[]string{"VILLAGE"}, "(n.kind = $o.kind)", "ORDER BY n.kind, n.id LIMIT"},
		{[]string{"VILLAGE", "COMMUNITY"}, "(n.kind IN $o.kinds)", "ORDER BY n.id LIMIT"},
		{nil, "", "ORDER BY n.id LIMIT"},
	} {
		f := graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Kinds: tc.kinds}
		s := findNodesExpandCypher(f, true, false, true, nil)
		if !strings.Contains(s, tc.order) || tc.cond != "" && !strings.Contains(s, tc.cond) {
			t.Errorf("kinds %v: want %q and %q in\n%s", tc.kinds, tc.cond, tc.order, s)
		}
		p, err := filterParams(f)
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		if len(tc.kinds) == 1 {
			want = tc.kinds[0]
		}
		if p["kind"] != want {
			t.Errorf("kinds %v: $o.kind = %q; want %q", tc.kinds, p["kind"], want)
		}
	}
}
