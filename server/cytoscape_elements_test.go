package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// nodeCytoscape returns node and the directory whose node_modules holds
// Cytoscape.js (web/explore, after `npm ci` there). Without them the test
// is skipped, and fails under CI=true.
func nodeCytoscape(t *testing.T) (node, modules string) {
	t.Helper()
	modules, _ = filepath.Abs(filepath.Join("..", "web", "explore"))
	node, err := exec.LookPath("node")
	msg := ""
	switch {
	case err != nil:
		msg = "node is not installed: the Cytoscape.js test needs Node.js 18 or later"
	default:
		if _, err := os.Stat(filepath.Join(modules, "node_modules", "cytoscape", "package.json")); err != nil {
			msg = "Cytoscape.js is not installed: cd web/explore && npm ci"
		}
	}
	if msg != "" {
		if testenv.CI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, modules
}

// cyCase is one answer fed to Cytoscape.js: its elements, or a script run
// with the answer's data.
type cyCase struct {
	Name     string          `json:"name"`
	Elements json.RawMessage `json:"elements,omitempty"`
	Script   string          `json:"script,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
	Sample   []string        `json:"sample,omitempty"`
}

// cyDrawn is what elements.mjs says Cytoscape.js drew.
type cyDrawn struct {
	Name, Cytoscape, Error string
	Nodes, Edges           int
	Parents, Children      int
	Positioned             int
	Warnings               []string
	Sample                 map[string]cySample
}

type cySample struct {
	Label, Type, Parent, Source, Target, ProvenanceSource string
	AttributeKeys                                         []string
}

// drawCytoscape runs the cases through elements.mjs, by name.
func drawCytoscape(t *testing.T, cases []cyCase) map[string]cyDrawn {
	t.Helper()
	node, modules := nodeCytoscape(t)
	b, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "cytoscape", "elements.mjs"), modules, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("elements.mjs: %v\n%s", err, stderr.String())
	}
	drawn := map[string]cyDrawn{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d cyDrawn
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("elements.mjs printed %q: %v", sc.Text(), err)
		}
		drawn[d.Name] = d
	}
	if len(drawn) != len(cases) {
		t.Fatalf("elements.mjs reported %d cases of %d\n%s", len(drawn), len(cases), stderr.String())
	}
	return drawn
}

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
	nodeCytoscape(t)
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
		var cases []cyCase
		answers := map[string][]element{}
		sample := []string{seed.ShengdunVillageID, seed.ShujiaAllianceID, "alliance:hengshan", seed.StreetCommitteeID,
			graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, seed.ShujiaAllianceID)}
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
			c := cyCase{Name: q.name, Sample: sample}
			if q.name == "README" {
				c.Script, c.Data = script, r.Data
			} else {
				var raw map[string]struct {
					Elements json.RawMessage `json:"elements"`
				}
				_ = json.Unmarshal(r.Data, &raw)
				c.Elements = raw[q.root].Elements
			}
			cases = append(cases, c)
		}
		drawn := drawCytoscape(t, cases)
		for _, q := range queries {
			d := drawn[q.name]
			nodes, edges, parents, children := expected(answers[q.name])
			t.Logf("Cytoscape.js %s drew %s: %d nodes, %d edges, %d parents, %d children", d.Cytoscape, q.name, d.Nodes, d.Edges, d.Parents, d.Children)
			if d.Error != "" || len(d.Warnings) > 0 {
				t.Errorf("%s: Cytoscape.js said %q, warned %v", q.name, d.Error, d.Warnings)
				continue
			}
			if d.Nodes != nodes || d.Edges != edges || d.Parents != parents || d.Children != children || d.Positioned != nodes {
				t.Errorf("%s: drew %d nodes, %d edges, %d parents, %d children (%d positioned); the answer has %d, %d, %d, %d",
					q.name, d.Nodes, d.Edges, d.Parents, d.Children, d.Positioned, nodes, edges, parents, children)
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
