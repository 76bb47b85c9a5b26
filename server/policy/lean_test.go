package policy

import (
	"maps"
	"slices"
	"testing"
)

// TestLeanFields: the fields a lean operation may select, derived from the
// core lists of graph, are those the hand-kept table allowed before it was
// derived (2026-12). A core field added to graph shows here as a field that
// became lean: check that the stores project it, then update the table.
// Types added since are marked with the date they were added.
func TestLeanFields(t *testing.T) {
	nodeCore := []string{"__typename", "id", "label", "kindName", "kind", "name", "nameEn", "since", "until", "provenance"}
	want := map[string][]string{
		"Node":         nodeCore,
		"Organisation": append([]string{"tier", "parent", "parents", "children", "ancestors", "alliances", "mentors", "mentees", "neighbours", "projects"}, nodeCore...),
		"Alliance":     append([]string{"type", "members", "branches", "parent"}, nodeCore...),
		"Person":       nodeCore,
		"Project":      append([]string{"branches"}, nodeCore...),
		"Zone":         nodeCore,
		"Brand":        nodeCore,
		"Platform":     nodeCore,
		"Membership":   {"__typename", "role", "organisation", "alliance", "since", "until", "provenance"},
		"Pairing":      {"__typename", "id", "mentor", "mentee", "since", "until", "provenance"},
		"Provenance":   {"__typename", "source"},

		"Subgraph":  {"__typename", "nodes", "edges", "elements", "truncated"},
		"GraphNode": {"__typename", "id", "label", "type", "kind", "name", "nameEn", "tier", "provenance", "node"},
		"GraphEdge": {"__typename", "id", "source", "target", "type", "label", "provenance"},
		"Path":      {"__typename", "length", "nodes", "edges", "elements"},
		// Cytoscape.js elements (2026-12): the data of a node or an edge,
		// attributes aside.
		"CytoscapeElement": {"__typename", "group", "data"},
		"CytoscapeData": {"__typename", "id", "label", "type", "kind", "name", "nameEn", "tier", "since", "until",
			"source", "target", "parent", "provenance"},
		"OrganisationConnection": {"__typename", "totalCount", "edges", "nodes", "pageInfo"},
		"OrganisationEdge":       {"__typename", "cursor", "node"},
		"PageInfo":               {"__typename", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"},
		// The overview (schema/overview.graphqls): counts and structure only.
		"HierarchyTops":   {"__typename", "totalCount", "tops"},
		"Below":           {"__typename", "node", "children", "descendants", "descendantsCapped", "groups", "otherGroups", "otherCount"},
		"ChildGroup":      {"__typename", "kind", "type", "alliance", "count"},
		"ChildConnection": {"__typename", "totalCount", "nodes", "pageInfo"},
	}
	if got, w := slices.Sorted(maps.Keys(leanFields)), slices.Sorted(maps.Keys(want)); !slices.Equal(got, w) {
		t.Fatalf("types %v; want %v", got, w)
	}
	for typ, fields := range want {
		got := slices.Sorted(maps.Keys(leanFields[typ]))
		if w := slices.Sorted(slices.Values(fields)); !slices.Equal(got, w) {
			t.Errorf("%s: lean fields %v; want %v", typ, got, w)
		}
	}
}
