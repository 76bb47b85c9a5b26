package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
)

// element is an element of a GraphQL answer, as far as the test reads it.
type element struct {
	Group string `json:"group"`
	Data  struct {
		ID, Label, Type string
		Source, Target  *string
		Parent          *string
	} `json:"data"`
}

// expected counts what Cytoscape.js must draw of elements: every node and
// edge; as parents the nodes some element names as its parent, as children
// the nodes that name one.
func expected(els []element) (nodes, edges, parents, children int) {
	isParent := map[string]bool{}
	for _, e := range els {
		switch e.Group {
		case "nodes":
			nodes++
			if e.Data.Parent != nil {
				children++
				isParent[*e.Data.Parent] = true
			}
		case "edges":
			edges++
		}
	}
	return nodes, edges, len(isParent), children
}

// readmeFrontEnd returns the README's front-end example: the first graphql
// block of the "Front ends" section that selects elements, and the js block
// after it.
func readmeFrontEnd(t *testing.T) (query, script string) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "## Front ends")
	if i < 0 {
		t.Fatal("README has no Front ends section")
	}
	m := regexp.MustCompile("(?s)```graphql\n(.*?elements.*?)```\\s*```js\n(.*?)```").FindStringSubmatch(s[i:])
	if m == nil {
		t.Fatal("README's Front ends section has no graphql block selecting elements followed by a js block")
	}
	return m[1], m[2]
}

// TestCytoscapeDrawsElements feeds subgraph answers to the real
// Cytoscape.js (headless, in Node) and counts what it drew: the README's
// front-end example (its query's answer, drawn by its own script), a
// subtree, a shortest path and a neighbourhood where a village belongs to
// two alliances; every node, edge, compound parent and child, no warning,
// the Chinese names as labels; on both stores.
func TestCytoscapeDrawsElements(t *testing.T) {
	cytoscapeModules(t)
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		query, script := readmeFrontEnd(t)
		// 圣墩村 in a second alliance, whose id is less than 舒家's: it is
		// drawn inside 横山 and its 舒家 membership stays an edge.
		h.ok(`mutation { addMember(allianceId: "alliance:hengshan", organisationId: "org:shengdun-village") { id } }`, nil, nil)
		queries := []struct {
			name, query, root string
		}{
			{"README", query, "neighbourhood"},
			{"subtree", `{ subtree(rootId: "岳林街道党工委", maxDepth: 3) { elements { group data { id label type source target parent provenance { source } attributes { key } } } } }`, "subtree"},
			{"shortestPath", `{ shortestPath(from: "圣墩村", to: "山丘汇众创空间党支部") { elements { group data { id label type source target parent } } } }`, "shortestPath"},
			{"two alliances", `{ neighbourhood(id: "圣墩村", relations: [MEMBER_OF]) { elements(compound: ALLIANCES) { group data { id label type source target parent } } } }`, "neighbourhood"},
		}
		dir := t.TempDir()
		var files []string
		answers := map[string][]element{}
		for _, q := range queries {
			r := h.in(t).do(q.query, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %+v", q.name, r.Errors)
			}
			var d map[string]struct {
				Elements []element `json:"elements"`
			}
			if err := json.Unmarshal(r.Data, &d); err != nil {
				t.Fatal(err)
			}
			answers[q.name] = d[q.root].Elements
			if len(answers[q.name]) == 0 {
				t.Fatalf("%s: no elements", q.name)
			}
			// The answer's elements as they are, or, for the README, its
			// data for its script.
			var file any
			if q.name == "README" {
				file = map[string]any{"script": script, "data": r.Data}
			} else {
				var raw map[string]struct {
					Elements json.RawMessage `json:"elements"`
				}
				_ = json.Unmarshal(r.Data, &raw)
				file = map[string]any{"elements": raw[q.root].Elements}
			}
			b, _ := json.Marshal(file)
			p := filepath.Join(dir, strings.ReplaceAll(q.name, " ", "-")+".json")
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
		sample := []string{seed.ShengdunVillageID, seed.ShujiaAllianceID, "alliance:hengshan", seed.StreetCommitteeID,
			graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, seed.ShujiaAllianceID)}
		results := drawCytoscape(t, files, sample)
		drawn := map[string]drawn{}
		for i, q := range queries {
			d := results[i]
			drawn[q.name] = d
			nodes, edges, parents, children := expected(answers[q.name])
			t.Logf("Cytoscape.js %s drew %s: %d nodes, %d edges, %d parents, %d children", d.Cytoscape, q.name, d.Nodes, d.Edges, d.Parents, d.Children)
			if len(d.Warnings) > 0 {
				t.Errorf("%s: Cytoscape.js warned %v", q.name, d.Warnings)
			}
			if d.Nodes != nodes || d.Edges != edges || d.Parents != parents || d.Children != children || d.Positioned != nodes ||
				d.WholeNodes != nodes || d.WholeEdges != edges {
				t.Errorf("%s: drew %d nodes, %d edges, %d parents, %d children (%d positioned; %d and %d through cy.json); the answer has %d, %d, %d, %d",
					q.name, d.Nodes, d.Edges, d.Parents, d.Children, d.Positioned, d.WholeNodes, d.WholeEdges, nodes, edges, parents, children)
			}
		}
		readme := drawn["README"]
		if readme.Parents == 0 || readme.Children == 0 {
			t.Errorf("README example: %d parents, %d children; want the alliances drawn around their members", readme.Parents, readme.Children)
		}
		if v := readme.Sample[seed.ShengdunVillageID]; v.Label != "圣墩村" || v.Type != "Organisation" || v.ProvenanceSource != "ARTICLE" {
			t.Errorf("README example: 圣墩村 drawn as %+v; want label 圣墩村, type Organisation, provenance ARTICLE", v)
		}
		if a := readme.Sample[seed.ShujiaAllianceID]; a.Label != "舒家区域党建联合体" || a.Type != "Alliance" {
			t.Errorf("README example: the 舒家 alliance drawn as %+v", a)
		}
		two := drawn["two alliances"]
		if v := two.Sample[seed.ShengdunVillageID]; v.Parent != "alliance:hengshan" {
			t.Errorf("a village in two alliances is drawn inside %q; want alliance:hengshan, the least id", v.Parent)
		}
		if m := two.Sample[graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, seed.ShujiaAllianceID)]; m.Source != seed.ShengdunVillageID || m.Target != seed.ShujiaAllianceID || m.Type != "MEMBER_OF" {
			t.Errorf("the 舒家 membership is drawn as %+v; want an edge 圣墩村 → 舒家", m)
		}
		if s := drawn["subtree"].Sample[seed.StreetCommitteeID]; s.Label != "岳林街道党工委" || s.Parent != "" {
			t.Errorf("subtree: the committee drawn as %+v", s)
		}
		if v := drawn["subtree"].Sample[seed.ShengdunVillageID]; len(v.AttributeKeys) == 0 {
			t.Errorf("subtree: 圣墩村's attributes %+v; want them, each with its provenance", v)
		}
	})
}
