package interchange_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
)

// exportFiles writes snap in format into dir and returns the files to
// import: one file, or the CSV files.
func exportFiles(tb testing.TB, dir string, format interchange.Format, snap *graph.Snapshot) []string {
	tb.Helper()
	if format == interchange.CSV {
		paths, err := interchange.WriteCSVDir(dir, snap)
		if err != nil {
			tb.Fatalf("WriteCSVDir: %v", err)
		}
		return paths
	}
	var buf bytes.Buffer
	if err := interchange.Write(&buf, format, snap); err != nil {
		tb.Fatalf("Write(%s): %v", format, err)
	}
	path := filepath.Join(dir, "export"+interchange.FileExtension(format))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return []string{path}
}

// TestRoundTrip exports the fixture from a store and imports it into a
// fresh one: the snapshots are the same, for every format Import reads, on
// both stores.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			for _, format := range interchange.ReadFormats {
				t.Run(string(format), func(t *testing.T) {
					src := st.Open(t)
					mustApply(t, src, fixture())
					want := mustSnapshot(t, src)
					files := exportFiles(t, t.TempDir(), format, want)

					dst := st.Open(t) // on Neo4j: the same database, emptied
					rep, err := interchange.Import(ctx, dst, files, interchange.ImportOptions{})
					if err != nil {
						t.Fatalf("Import: %v", err)
					}
					if rep.Nodes != len(want.Nodes) || rep.Edges != len(want.Edges) || !rep.Written {
						t.Errorf("report: %d nodes, %d edges, written %v; want %d, %d, true", rep.Nodes, rep.Edges, rep.Written, len(want.Nodes), len(want.Edges))
					}
					if rep.Result.NodesCreated != len(want.Nodes) || rep.Result.EdgesCreated != len(want.Edges) {
						t.Errorf("result %+v; want %d nodes and %d edges created", rep.Result, len(want.Nodes), len(want.Edges))
					}
					if d := diffSnapshots(mustSnapshot(t, dst), want); d != "" {
						t.Errorf("the imported graph differs from the exported one:\n%s", d)
					}

					// Importing the same files again changes nothing: upserts.
					rep, err = interchange.Import(ctx, dst, files, interchange.ImportOptions{})
					if err != nil {
						t.Fatalf("second Import: %v", err)
					}
					if rep.Result.NodesUpdated != len(want.Nodes) || rep.Result.NodesCreated != 0 {
						t.Errorf("second import: %+v; want every node updated", rep.Result)
					}
					if d := diffSnapshots(mustSnapshot(t, dst), want); d != "" {
						t.Errorf("after a second import:\n%s", d)
					}
				})
			}
		})
	}
}
