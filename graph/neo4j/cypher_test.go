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
		table []string
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
			if strings.Contains(tc.table[d], "DEPTH") || !strings.Contains(tc.table[d], "{0,"+strconv.Itoa(d)+"}") {
				t.Errorf("%s[%d] has no quantifier {0,%d}: %s", tc.name, d, d, tc.table[d])
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
