package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql"
)

// overviewQuery is what the explorer asks when it opens a large network:
// the tops with their groups, and the children of the first group.
const overviewQuery = `query($first: Int!) {
  hierarchyTops(first: 5) {
    totalCount
    tops { node { id label type kind } children descendants descendantsCapped otherGroups otherCount
      groups { kind type count alliance { id label } } }
  }
  below(ids: ["org:shengdun-village", "org:startup-town-party-mass-committee", "org:missing"]) {
    node { id } children descendants groups { kind count alliance { id } }
  }
  children(parentId: "org:yuelin-party-working-committee", kind: "VILLAGE", alliance: "alliance:shujia", first: $first) {
    totalCount nodes { node { id name } children descendants } pageInfo { hasNextPage endCursor }
  }
}`

type overviewAnswer struct {
	HierarchyTops struct {
		TotalCount int
		Tops       []struct {
			Node                    struct{ ID, Label, Type, Kind string }
			Children, Descendants   int
			DescendantsCapped       bool
			OtherGroups, OtherCount int
			Groups                  []struct {
				Kind, Type string
				Count      int
				Alliance   *struct{ ID, Label string }
			}
		}
	}
	Below []struct {
		Node                  struct{ ID string }
		Children, Descendants int
	}
	Children struct {
		TotalCount int
		Nodes      []struct {
			Node struct{ ID, Name string }
		}
		PageInfo struct{ HasNextPage bool }
	}
}

// TestOverview: the overview fields answer alike on both stores, in a
// number of round trips that does not grow with the answer, and refuse bad
// input with BAD_USER_INPUT or NOT_FOUND.
func TestOverview(t *testing.T) {
	answers := map[string]string{}
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		var a overviewAnswer
		r := h.do(overviewQuery, map[string]any{"first": 50}, gql.RoundTripsHeader, "1")
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		if err := json.Unmarshal(r.Data, &a); err != nil {
			t.Fatal(err)
		}
		answers[name] = string(r.Data)
		tops := a.HierarchyTops
		if tops.TotalCount != 2 || len(tops.Tops) != 2 || tops.Tops[0].Node.ID != "org:yuelin-party-working-committee" {
			t.Fatalf("tops = %+v; want the street committee first of 2", tops)
		}
		st := tops.Tops[0]
		sum := 0
		var shujia int
		for _, g := range st.Groups {
			sum += g.Count
			if g.Kind == "VILLAGE" && g.Alliance != nil && g.Alliance.ID == "alliance:shujia" {
				shujia = g.Count
			}
		}
		if sum != st.Children || st.Children < 20 || st.Descendants <= st.Children || st.DescendantsCapped {
			t.Errorf("street committee: %d children in groups of %d, %d descendants; want groups summing to the children, more below",
				sum, st.Children, st.Descendants)
		}
		if shujia == 0 || a.Children.TotalCount != shujia || len(a.Children.Nodes) != shujia {
			t.Errorf("children of the shujia villages group = %d of %d; the group counts %d", len(a.Children.Nodes), a.Children.TotalCount, shujia)
		}
		if len(a.Below) != 2 || a.Below[0].Node.ID != "org:shengdun-village" {
			t.Errorf("below = %+v; want 圣墩村 and the startup town committee (the missing id left out)", a.Below)
		}
		// Tops, Below of the tops, Nodes of their alliances; Nodes, Below,
		// Nodes; Children, Below: whatever the page size.
		trips := r.Extensions["roundTrips"]
		r1 := h.do(overviewQuery, map[string]any{"first": 1}, gql.RoundTripsHeader, "1")
		if len(r1.Errors) > 0 {
			t.Fatalf("errors: %+v", r1.Errors)
		}
		if trips != r1.Extensions["roundTrips"] || trips.(float64) > 8 {
			t.Errorf("round trips: %v for pages of 50, %v for pages of 1; want the same, at most 8", trips, r1.Extensions["roundTrips"])
		}
		t.Logf("%s: %v round trips", name, trips)

		ids := make([]string, graph.MaxBelowIDs+1)
		for i := range ids {
			ids[i] = fmt.Sprintf("org:%d", i)
		}
		bad := []struct {
			query string
			vars  map[string]any
			code  string
		}{
			{`{ children(parentId: "org:missing") { totalCount } }`, nil, gql.CodeNotFound},
			{`{ children(parentId: "org:yuelin-party-working-committee", kind: "NOPE") { totalCount } }`, nil, gql.CodeBadUserInput},
			{`{ children(parentId: "org:yuelin-party-working-committee", alliance: "alliance:shujia") { totalCount } }`, nil, gql.CodeBadUserInput},
			{`{ children(parentId: "org:yuelin-party-working-committee", first: 101) { totalCount } }`, nil, gql.CodeBadUserInput},
			{`{ children(parentId: "org:yuelin-party-working-committee", after: "nope") { totalCount } }`, nil, gql.CodeBadUserInput},
			{`{ hierarchyTops(first: 0) { totalCount } }`, nil, gql.CodeBadUserInput},
			{`{ hierarchyTops(first: 101) { totalCount } }`, nil, gql.CodeBadUserInput},
			{`query($ids: [ID!]!) { below(ids: $ids) { children } }`, map[string]any{"ids": ids}, gql.CodeBadUserInput},
		}
		for _, b := range bad {
			if r := h.do(b.query, b.vars); r.code() != b.code {
				t.Errorf("%s: %s %+v; want %s", strings.Join(strings.Fields(b.query), " "), r.code(), r.Errors, b.code)
			}
		}
	})
	if m, n := answers["memory"], answers["neo4j"]; m != "" && n != "" && m != n {
		t.Errorf("the stores answer differently:\nmemory %s\n neo4j %s", m, n)
	}
}
