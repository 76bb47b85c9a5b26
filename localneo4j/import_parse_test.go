package localneo4j

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScanImportOutput reads the summary of a real neo4j-admin 5.26 run.
func TestScanImportOutput(t *testing.T) {
	out := `Neo4j version: 5.26.31
  Property type of 'tier' normalized from 'int' --> 'long' in /x/nodes.csv
(1/4) Node import 2026-11-25 04:36:47.153+0000
  Estimated number of nodes: 1.87 M
-......... .......... .......... .......... ..........   5% ∆1s 122ms [1s 122ms]
.......... .......... .......... .......... ..........  25% ∆0ms [2s 117ms]
Node import COMPLETED in 34s 351ms
Relationship import COMPLETED in 34s 675ms
Relationship linking COMPLETED in 9s 487ms
Post processing COMPLETED in 13s 904ms


IMPORT DONE in 1m 46s 711ms. 
Imported:
  1659018 nodes
  3700189 relationships
  25715578 properties
Peak memory usage: 1.048GiB
`
	var res ImportResult
	var shown bytes.Buffer
	scanImportOutput(strings.NewReader(out), &shown, &res)
	if res.Nodes != 1659018 || res.Relationships != 3700189 || res.Properties != 25715578 || res.PeakMemory != "1.048GiB" {
		t.Errorf("counts %+v", res)
	}
	if want := time.Minute + 46*time.Second + 711*time.Millisecond; res.Duration != want {
		t.Errorf("Duration %s; want %s", res.Duration, want)
	}
	if len(res.Stages) != 4 || res.Stages[0].Name != "Node import" || res.Stages[0].Duration != 34351*time.Millisecond ||
		res.Stages[3].Name != "Post processing" {
		t.Errorf("Stages %+v", res.Stages)
	}
	if r := res.NodesPerSecond(); r < 15540 || r > 15560 {
		t.Errorf("NodesPerSecond %.0f", r)
	}
	s := shown.String()
	if strings.Contains(s, "normalized") || strings.Contains(s, "  5%") || !strings.Contains(s, " 25%") || !strings.Contains(s, "IMPORT DONE") {
		t.Errorf("shown output:\n%s", s)
	}
}

func TestParseNeo4jDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"980ms": 980 * time.Millisecond, "11s 682ms": 11682 * time.Millisecond,
		"1m 2s 345ms": 62345 * time.Millisecond, "2h 1m": 121 * time.Minute,
	} {
		if got := parseNeo4jDuration(in); got != want {
			t.Errorf("parseNeo4jDuration(%q) = %s; want %s", in, got, want)
		}
	}
}

// TestImportRefusals: a database that exists, without overwrite, is refused
// before any JVM runs; so is a Neo4j that runs (our own pid with the marker
// cannot be faked here, so only the store check is exercised).
func TestImportRefusals(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DataDir: filepath.Join(dir, "data"), CacheDir: filepath.Join(dir, "cache")}
	if err := CheckImportable(cfg, "", false); err != nil {
		t.Fatalf("empty dir: %v", err)
	}
	db, err := DatabaseDir(cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(db, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := CheckImportable(cfg, "", false); err != nil {
		t.Fatalf("database dir without a store: %v", err)
	}
	if err := os.WriteFile(filepath.Join(db, "neostore"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckImportable(cfg, "", false); !errors.Is(err, ErrDatabaseExists) {
		t.Fatalf("existing store: %v; want ErrDatabaseExists", err)
	}
	if err := CheckImportable(cfg, "", true); err != nil {
		t.Fatalf("existing store with overwrite: %v", err)
	}
	if _, err := Import(t.Context(), cfg, ImportOptions{Nodes: []string{"n.csv"}}); !errors.Is(err, ErrDatabaseExists) {
		t.Fatalf("Import over an existing store: %v; want ErrDatabaseExists", err)
	}
}
