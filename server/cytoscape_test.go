package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// cytoscapeModules is the directory whose node_modules holds Cytoscape.js:
// web/explore, after `npm ci` there. Without node or the modules the test
// is skipped, or fails under CI.
func cytoscapeModules(t *testing.T) (node, dir string) {
	t.Helper()
	dir, _ = filepath.Abs(filepath.Join("..", "web", "explore"))
	node, err := exec.LookPath("node")
	msg := ""
	switch {
	case err != nil:
		msg = "node is not installed: the Cytoscape.js test needs Node.js 18 or later"
	default:
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "cytoscape", "package.json")); err != nil {
			msg = "Cytoscape.js is not installed: cd web/explore && npm ci"
		}
	}
	if msg != "" {
		if testenv.CI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, dir
}

// drawn is what draw.mjs says Cytoscape.js made of a file.
type drawn struct {
	File                   string
	Cytoscape              string
	Nodes, Edges           int
	Parents, Children      int
	Positioned             int
	WholeNodes, WholeEdges int
	Warnings               []string
	Sample                 map[string]drawnSample
}

// drawnSample is what Cytoscape.js holds of one element: data.label,
// data.type, data.parent, the provenance's source, the keys of
// data.attrProvenance (exports) and of data.attributes (GraphQL), and an
// edge's source and target as drawn.
type drawnSample struct {
	Label, Type, Parent, ProvenanceSource string
	AttrProvenanceKeys, AttributeKeys     []string
	Source, Target                        string
}

// drawCytoscape runs draw.mjs over files (each an export, elements, or a
// script with its data: see draw.mjs) and returns what Cytoscape.js drew of
// each, in order, with the elements of sample ids described.
func drawCytoscape(t *testing.T, files, sample []string) []drawn {
	t.Helper()
	node, modules := cytoscapeModules(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join("testdata", "cytoscape", "draw.mjs"), modules}, files...)...)
	cmd.Env = append(os.Environ(), "SAMPLE_IDS="+strings.Join(sample, ","))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("draw.mjs: %v\n%s", err, stderr.String())
	}
	var results []drawn
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var d drawn
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("draw.mjs printed %q: %v", sc.Text(), err)
		}
		results = append(results, d)
	}
	if len(results) != len(files) {
		t.Fatalf("draw.mjs reported %d files; want %d\n%s", len(results), len(files), stderr.String())
	}
	return results
}

// TestCytoscapeDrawsExport feeds GET /export/cytoscape, flat and with
// alliances as compound parents, to the real Cytoscape.js (headless, in
// Node) and counts what it drew: every node and edge, no warning, each
// alliance with members a parent and each member a child, the display name
// as the label; on both stores.
func TestCytoscapeDrawsExport(t *testing.T) {
	cytoscapeModules(t)
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		snap, err := h.store.Snapshot(context.Background(), graph.View{})
		if err != nil {
			t.Fatal(err)
		}
		// The network: the source document the seed registers is a record,
		// not drawn.
		snap.Nodes = slices.DeleteFunc(snap.Nodes, func(n *graph.Node) bool { return graph.IsRecord(n.Label) })
		members := map[string]bool{}     // organisations in an alliance
		withMembers := map[string]bool{} // alliances with a member
		for _, e := range snap.Edges {
			if e.Type == graph.RelMemberOf {
				members[e.From], withMembers[e.To] = true, true
			}
		}
		dir := t.TempDir()
		var files []string
		for _, q := range []string{"", "?compound=alliances"} {
			rec := httptest.NewRecorder()
			h.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/cytoscape"+q, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /export/cytoscape%s: %d %s", q, rec.Code, rec.Body.String())
			}
			p := filepath.Join(dir, "export"+strings.TrimPrefix(q, "?compound=")+".cyjs")
			if err := os.WriteFile(p, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
		results := drawCytoscape(t, files, []string{seed.ShengdunVillageID, seed.ShujiaAllianceID, graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, seed.ShujiaAllianceID)})
		for i, d := range results {
			compound := i == 1
			t.Logf("Cytoscape.js %s drew %s: %d nodes, %d edges, %d parents, %d children", d.Cytoscape, filepath.Base(d.File), d.Nodes, d.Edges, d.Parents, d.Children)
			if d.Nodes != len(snap.Nodes) || d.Edges != len(snap.Edges) || d.WholeNodes != len(snap.Nodes) || d.WholeEdges != len(snap.Edges) {
				t.Errorf("%s: drew %d nodes and %d edges (%d and %d through cy.json); the store holds %d and %d",
					d.File, d.Nodes, d.Edges, d.WholeNodes, d.WholeEdges, len(snap.Nodes), len(snap.Edges))
			}
			if d.Positioned != d.Nodes {
				t.Errorf("%s: %d of %d nodes have a position after the layout", d.File, d.Positioned, d.Nodes)
			}
			if len(d.Warnings) > 0 {
				t.Errorf("%s: Cytoscape.js warned: %v", d.File, d.Warnings)
			}
			wantParents, wantChildren := 0, 0
			if compound {
				wantParents, wantChildren = len(withMembers), len(members)
			}
			if d.Parents != wantParents || d.Children != wantChildren {
				t.Errorf("%s: %d parents and %d children; want %d and %d", d.File, d.Parents, d.Children, wantParents, wantChildren)
			}
			v, a := d.Sample[seed.ShengdunVillageID], d.Sample[seed.ShujiaAllianceID]
			if v.Label != "圣墩村" || v.Type != "Organisation" || v.ProvenanceSource != "ARTICLE" || a.Label != "舒家区域党建联合体" || a.Type != "Alliance" {
				t.Errorf("%s: 圣墩村 drawn as %+v, the 舒家 alliance as %+v; want the Chinese names as labels, the model labels as types", d.File, v, a)
			}
			if len(v.AttrProvenanceKeys) == 0 {
				t.Errorf("%s: 圣墩村's attribute provenance is not an object: %+v", d.File, v)
			}
			if wantParent := map[bool]string{true: seed.ShujiaAllianceID}[compound]; v.Parent != wantParent {
				t.Errorf("%s: 圣墩村's parent %q; want %q", d.File, v.Parent, wantParent)
			}
			if m := d.Sample[graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, seed.ShujiaAllianceID)]; m.Label != "member" || m.Type != "MEMBER_OF" {
				t.Errorf("%s: the membership drawn as %+v; want label member, type MEMBER_OF", d.File, m)
			}
		}
	})
}
