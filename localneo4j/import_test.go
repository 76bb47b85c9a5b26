package localneo4j_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/localneo4j"
	"github.com/orgnet/orgnet/seed"
)

// TestImportSynthetic bulk-loads the county synthetic set offline with
// neo4j-admin database import (CSV streamed by interchange.CSVStream),
// starts Neo4j on it, opens graph/neo4j (which creates the schema) and
// checks that Snapshot and Counts equal the embedded store's after it
// applied the same batch, and that Search finds imported nodes by name and
// pinyin. It also checks the refusals: a running server, an existing
// database without Overwrite. Two JVMs (import, server): it runs only in CI
// or when ORGNET_NEO4J_LAUNCH_TEST is set, like TestLaunchNeo4j.
func TestImportSynthetic(t *testing.T) {
	if os.Getenv("ORGNET_NEO4J_LAUNCH_TEST") == "" && os.Getenv("CI") != "true" {
		t.Skip("runs Neo4j's importer and a Neo4j JVM (downloading ~125 MB on the first run): set ORGNET_NEO4J_LAUNCH_TEST=1 to run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	t0 := time.Now()

	const size, seedNo = seed.SizeCounty, 7
	batch := seed.Synthetic(size, seedNo)

	// CSV: small files, so that several node and relationship files (and
	// their own headers) go through the importer.
	csvDir := t.TempDir()
	st, err := interchange.NewCSVStream(csvDir, interchange.CSVStreamOptions{SearchKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.SyntheticChunks(size, seedNo, 4000, st.WriteBatch); err != nil {
		t.Fatalf("csv: %v", err)
	}
	var opt localneo4j.ImportOptions
	for _, f := range st.Files() {
		if f.Relationships {
			opt.Relationships = append(opt.Relationships, f.Path)
		} else {
			opt.Nodes = append(opt.Nodes, f.Path)
		}
		if f.Multiline {
			opt.Multiline = append(opt.Multiline, f.Path)
		}
	}
	if len(opt.Nodes) < 2 || len(opt.Relationships) < 2 || len(opt.Multiline) != len(opt.Nodes) {
		t.Fatalf("files: %d node, %d relationship, %d multiline; want ≥2, ≥2, every node file", len(opt.Nodes), len(opt.Relationships), len(opt.Multiline))
	}

	dir := t.TempDir()
	log := &testLog{t: t}
	cfg := localneo4j.Config{
		BoltPort: freeTCPPort(t),
		DataDir:  filepath.Join(dir, "data"),
		Password: "orgnet-test-password",
		Attached: true,
		Log:      log,
	}
	opt.Output = log
	res, err := localneo4j.Import(ctx, cfg, opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	t.Logf("import: %d nodes, %d relationships, %d properties in %s (JVM %s)", res.Nodes, res.Relationships, res.Properties, res.Duration, res.Wall)
	if res.Nodes != int64(len(batch.Nodes)) || res.Relationships != int64(len(batch.Edges)) {
		t.Fatalf("imported %d nodes, %d relationships; want %d, %d", res.Nodes, res.Relationships, len(batch.Nodes), len(batch.Edges))
	}
	if len(res.Stages) != 4 {
		t.Errorf("stages %+v; want the importer's 4", res.Stages)
	}
	if _, err := localneo4j.Import(ctx, cfg, opt); !errors.Is(err, localneo4j.ErrDatabaseExists) {
		t.Fatalf("second Import without Overwrite: %v; want ErrDatabaseExists", err)
	}

	srv, err := localneo4j.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	if _, err := localneo4j.Import(ctx, cfg, localneo4j.ImportOptions{Nodes: opt.Nodes, Overwrite: true}); !errors.Is(err, localneo4j.ErrRunning) {
		t.Fatalf("Import while Neo4j runs: %v; want ErrRunning", err)
	}
	store, err := neo4jstore.Open(ctx, srv.URI(), srv.User(), srv.Password(), neo4jstore.Options{})
	if err != nil {
		t.Fatalf("neo4j store: %v", err)
	}
	defer store.Close()

	mem, err := memory.New(ctx, filepath.Join(t.TempDir(), "orgnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if _, err := mem.Apply(ctx, batch); err != nil {
		t.Fatalf("memory Apply: %v", err)
	}

	gotC, err := store.Counts(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	wantC, err := mem.Counts(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	if gotC != wantC {
		t.Errorf("Counts: neo4j %+v, memory %+v", gotC, wantC)
	}
	got, err := store.Snapshot(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := mem.Snapshot(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	if diffs := diffSnapshots(got, want); len(diffs) > 0 {
		t.Errorf("Snapshot differs from the embedded store's (%d differences):\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 10)], "\n"))
	}

	// The searchKey column is the store's own: a node written through the
	// store gets the same property, and Search finds imported nodes.
	probe := graph.Node{ID: "org:import-probe", Label: graph.LabelOrganisation, Kind: "PARTY_BRANCH", Name: "岳林街道 Probe 支部",
		NameEn: "Yuelin Probe Branch", Provenance: graph.Provenance{Source: graph.SourceSynthetic, Ref: "test"}}
	if _, err := store.Apply(ctx, graph.Batch{Nodes: []graph.Node{probe}}); err != nil {
		t.Fatalf("Apply probe: %v", err)
	}
	res2, err := driver.ExecuteQuery(ctx, store.Driver(), `MATCH (n:Node {id: $id}) RETURN n.searchKey AS k`,
		map[string]any{"id": probe.ID}, driver.EagerResultTransformer)
	if err != nil || len(res2.Records) != 1 {
		t.Fatalf("searchKey of the probe: %v (%d records)", err, len(res2.Records))
	}
	if k, _ := res2.Records[0].Get("k"); k != interchange.Neo4jSearchKey(&probe) {
		t.Errorf("graph/neo4j wrote searchKey %q; interchange.Neo4jSearchKey gives %q", k, interchange.Neo4jSearchKey(&probe))
	}
	village := findVillage(t, want)
	for _, q := range []string{village.Name, village.NameEn, graph.KeyOf(village).Initials} {
		hits, err := store.Search(ctx, graph.View{}, q, 50)
		if err != nil {
			t.Fatalf("Search %q: %v", q, err)
		}
		found := false
		for _, h := range hits {
			found = found || h.ID == village.ID
		}
		if !found {
			t.Errorf("Search %q: %d hits without %s", q, len(hits), village.ID)
		}
	}
	t.Logf("total %s", time.Since(t0).Round(time.Millisecond))
}

func findVillage(t *testing.T, s *graph.Snapshot) *graph.Node {
	t.Helper()
	for _, n := range s.Nodes {
		if strings.Contains(n.ID, "village") && n.NameEn != "" {
			return n
		}
	}
	t.Fatal("no village in the set")
	return nil
}

// diffSnapshots lists the nodes and edges that differ, by id.
func diffSnapshots(got, want *graph.Snapshot) []string {
	var out []string
	gn := map[string]*graph.Node{}
	for _, n := range got.Nodes {
		gn[n.ID] = n
	}
	for _, w := range want.Nodes {
		g, ok := gn[w.ID]
		switch {
		case !ok:
			out = append(out, "missing node "+w.ID)
		case !reflect.DeepEqual(g, w):
			out = append(out, fmt.Sprintf("node %s:\n  neo4j  %#v\n  memory %#v", w.ID, *g, *w))
		}
		delete(gn, w.ID)
	}
	for id := range gn {
		out = append(out, "extra node "+id)
	}
	ge := map[string]*graph.Edge{}
	for _, e := range got.Edges {
		ge[e.ID] = e
	}
	for _, w := range want.Edges {
		g, ok := ge[w.ID]
		switch {
		case !ok:
			out = append(out, "missing edge "+w.ID)
		case !reflect.DeepEqual(g, w):
			out = append(out, fmt.Sprintf("edge %s:\n  neo4j  %#v\n  memory %#v", w.ID, *g, *w))
		}
		delete(ge, w.ID)
	}
	for id := range ge {
		out = append(out, "extra edge "+id)
	}
	if len(out) == 0 && !reflect.DeepEqual(got, want) {
		out = append(out, "same items, different order")
	}
	return out
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// testLog sends each write (the importer and launcher write whole lines) to t.Log.
type testLog struct{ t *testing.T }

func (l *testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
