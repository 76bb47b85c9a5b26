package interchange_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
)

// nxPython returns the python of the networkx venv that
// scripts/nxcheck/setup.sh makes (once). Without it the test is skipped,
// or fails under CI.
func nxPython(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join("..", "scripts", "nxcheck", "setup.sh"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := "networkx venv could not be set up (scripts/nxcheck/setup.sh): " + err.Error() + "\n" + stderr.String()
		if testenv.CI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return strings.TrimSpace(string(out))
}

// tv is a typed value as check.py compares them.
func tv(v any) []any {
	switch x := v.(type) {
	case int64:
		return []any{"int", x}
	case int:
		return []any{"int", x}
	case float64:
		return []any{"float", x}
	case bool:
		return []any{"bool", x}
	case map[string]graph.Provenance:
		return []any{"json", x}
	}
	return []any{"str", v}
}

// expected is the graph as every networkx reading of an export must see it.
func expected(snap *graph.Snapshot) map[string]any {
	nodes := map[string]map[string][]any{}
	put := func(m map[string][]any, k string, v any) {
		if s, ok := v.(string); ok && s == "" {
			return
		}
		m[k] = tv(v)
	}
	alliances := 0
	for _, n := range snap.Nodes {
		m := map[string][]any{}
		put(m, "label", string(n.Label))
		put(m, "kind", n.Kind)
		put(m, "name", n.Name)
		put(m, "nameEn", n.NameEn)
		if n.Tier != 0 {
			put(m, "tier", int64(n.Tier))
		}
		put(m, "since", n.Since)
		put(m, "until", n.Until)
		put(m, "provenance", string(n.Provenance.Source))
		put(m, "sourceId", n.Provenance.SourceID)
		put(m, "quote", n.Provenance.Quote)
		put(m, "reasoning", n.Provenance.Reasoning)
		put(m, "ref", n.Provenance.Ref)
		if len(n.AttrProvenance) > 0 {
			put(m, "attrProvenance", n.AttrProvenance)
		}
		for k, v := range n.Attrs {
			put(m, k, v)
		}
		nodes[n.ID] = m
		if n.Label == graph.LabelAlliance {
			alliances++
		}
	}
	edges := map[string]map[string][]any{}
	for _, e := range snap.Edges {
		m := map[string][]any{}
		put(m, "source", e.From)
		put(m, "target", e.To)
		put(m, "type", string(e.Type))
		put(m, "since", e.Since)
		put(m, "until", e.Until)
		put(m, "provenance", string(e.Provenance.Source))
		put(m, "sourceId", e.Provenance.SourceID)
		put(m, "quote", e.Provenance.Quote)
		put(m, "reasoning", e.Provenance.Reasoning)
		put(m, "ref", e.Provenance.Ref)
		for k, v := range e.Attrs {
			put(m, k, v)
		}
		edges[e.ID] = m
	}
	return map[string]any{"nodes": nodes, "edges": edges, "alliances": alliances}
}

// TestNetworkxReadsEveryFormat exports the fixture in every format and has
// networkx read each (one Python process for all): same nodes, edges and
// typed attributes as the store holds.
func TestNetworkxReadsEveryFormat(t *testing.T) {
	py := nxPython(t)
	s := testenv.Memory(t)
	mustApply(t, s, fixture())
	// What an export of the whole graph writes (the source document the
	// seed registers is left out).
	snap, err := interchange.Subgraph(context.Background(), s, interchange.SubgraphSpec{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	want, err := json.Marshal(expected(snap))
	if err != nil {
		t.Fatal(err)
	}
	// Floats must stay floats for Python: marshal them with a fraction.
	wantPath := filepath.Join(dir, "expected.json")
	if err := os.WriteFile(wantPath, fixFloats(t, want), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join("..", "scripts", "nxcheck", "check.py")}
	formats := slices.DeleteFunc(slices.Clone(interchange.Formats), func(f interchange.Format) bool {
		return f == interchange.XLSX // networkx reads no workbook: TestXLSXRoundTrip reads it back
	})
	for _, f := range formats {
		var path string
		if f == interchange.CSV {
			path = filepath.Join(dir, "csv")
			if _, err := interchange.WriteCSVDir(path, snap); err != nil {
				t.Fatal(err)
			}
		} else {
			path = exportFiles(t, dir, f, snap)[0]
		}
		args = append(args, string(f), path, wantPath)
	}
	cmd := exec.Command(py, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("check.py: %v\n%s", err, stderr.String())
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var res struct {
			Format        string   `json:"format"`
			Networkx      string   `json:"networkx"`
			Nodes         int      `json:"nodes"`
			Edges         int      `json:"edges"`
			OK            bool     `json:"ok"`
			Mismatches    []string `json:"mismatches"`
			MismatchCount int      `json:"mismatchCount"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("check.py printed %q: %v", sc.Text(), err)
		}
		seen[res.Format] = true
		t.Logf("networkx %s read %s: %d nodes, %d edges", res.Networkx, res.Format, res.Nodes, res.Edges)
		if res.Nodes != len(snap.Nodes) || res.Edges != len(snap.Edges) {
			t.Errorf("%s: networkx read %d nodes and %d edges; want %d and %d", res.Format, res.Nodes, res.Edges, len(snap.Nodes), len(snap.Edges))
		}
		if !res.OK {
			t.Errorf("%s: %d mismatches, first:\n  %s", res.Format, res.MismatchCount, strings.Join(res.Mismatches, "\n  "))
		}
	}
	for _, f := range formats {
		if !seen[string(f)] {
			t.Errorf("check.py said nothing of %s\n%s", f, stderr.String())
		}
	}
}

// fixFloats rewrites the JSON so that every ["float", x] has a fraction.
func fixFloats(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(x any) any {
		switch y := x.(type) {
		case map[string]any:
			for k, v := range y {
				y[k] = walk(v)
			}
		case []any:
			if len(y) == 2 && y[0] == "float" {
				if n, ok := y[1].(json.Number); ok && !strings.ContainsAny(n.String(), ".eE") {
					y[1] = json.Number(n.String() + ".0")
				}
				return y
			}
			for i := range y {
				y[i] = walk(y[i])
			}
		}
		return x
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
