package interchange_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/seed"
)

// TestCSVStreamRoundTrip streams the fixture in small batches (nodes, then
// edges, as seed.SyntheticChunks hands them out) from two goroutines, and
// imports the files into a fresh embedded store: the same graph. (The
// localneo4j import test loads such files with neo4j-admin.)
func TestCSVStreamRoundTrip(t *testing.T) {
	ctx := context.Background()
	b := fixture()
	dir := t.TempDir()
	st, err := interchange.NewCSVStream(dir, interchange.CSVStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var batches []graph.Batch
	const chunk = 7
	for i := 0; i < len(b.Nodes); i += chunk {
		batches = append(batches, graph.Batch{Nodes: b.Nodes[i:min(i+chunk, len(b.Nodes))]})
	}
	for i := 0; i < len(b.Edges); i += chunk {
		batches = append(batches, graph.Batch{Edges: b.Edges[i:min(i+chunk, len(b.Edges))]})
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(batches))
	for _, part := range [][]graph.Batch{batches[:len(batches)/2], batches[len(batches)/2:]} {
		wg.Go(func() {
			for _, bb := range part {
				errs <- st.WriteBatch(bb)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("WriteBatch: %v", err)
		}
	}
	if n, e := st.Counts(); n != len(b.Nodes) || e != len(b.Edges) {
		t.Fatalf("Counts = %d, %d; want %d, %d", n, e, len(b.Nodes), len(b.Edges))
	}

	files := st.Files()
	var paths []string
	rows, multiline, seenRel := 0, 0, false
	for _, f := range files {
		if !f.Relationships && seenRel {
			t.Errorf("node file %s after a relationship file", f.Path)
		}
		seenRel = seenRel || f.Relationships
		if fi, err := os.Stat(f.Path); err != nil || fi.Size() != f.Bytes {
			t.Errorf("%s: stat %v; want %d bytes", f.Path, err, f.Bytes)
		}
		data, _ := os.ReadFile(f.Path)
		// The multi-line note, or the article's text (the seed's source
		// document), which has paragraphs.
		if want := strings.Contains(string(data), "line one\nline two") || strings.Contains(string(data), seed.YuelinSourceID+",Source;"); f.Multiline != want {
			t.Errorf("%s: Multiline %v, but a multi-line value is there: %v", f.Path, f.Multiline, want)
		}
		if f.Multiline {
			multiline++
		}
		rows += f.Rows
		paths = append(paths, f.Path)
	}
	if rows != len(b.Nodes)+len(b.Edges) || multiline != 2 {
		t.Errorf("%d rows in %d files, %d multiline; want %d rows, 2 multiline files (the note's, the source's)", rows, len(files), multiline, len(b.Nodes)+len(b.Edges))
	}
	if len(files) <= len(batches) {
		t.Errorf("%d files for %d batches; want the type clashes split too", len(files), len(batches))
	}

	want, err := memory.New(ctx, filepath.Join(t.TempDir(), "want.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	mustApply(t, want, b)
	got, err := memory.New(ctx, filepath.Join(t.TempDir(), "got.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if _, err := interchange.Import(ctx, got, paths, interchange.ImportOptions{}); err != nil {
		t.Fatalf("Import of the streamed files: %v", err)
	}
	if d := diffSnapshots(mustSnapshot(t, got), mustSnapshot(t, want)); d != "" {
		t.Errorf("the streamed CSV reads back differently:\n%s", d)
	}
}

// TestCSVStreamSearchKey: with SearchKey every node row carries the Neo4j
// store's searchKey, which spans lines, so every node file is Multiline.
func TestCSVStreamSearchKey(t *testing.T) {
	b := fixture()
	st, err := interchange.NewCSVStream(t.TempDir(), interchange.CSVStreamOptions{SearchKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.WriteBatch(b); err != nil {
		t.Fatal(err)
	}
	for _, f := range st.Files() {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(data), "\n")
		if f.Relationships {
			if strings.Contains(head, "searchKey") || strings.Contains(head, ":int") {
				t.Errorf("%s: header %q", f.Path, head)
			}
			continue
		}
		if !f.Multiline || !strings.Contains(head, ",searchKey") || strings.Contains(head, ":int") {
			t.Errorf("%s: Multiline %v, header %q; want multiline, a searchKey column, :long integers", f.Path, f.Multiline, head)
		}
	}
	n := b.Nodes[0]
	k := interchange.Neo4jSearchKey(&n)
	if parts := strings.Split(k, "\n"); len(parts) != 4 || parts[0] != graph.KeyOf(&n).Name {
		t.Errorf("Neo4jSearchKey(%s) = %q; want 4 lines, the folded name first", n.ID, k)
	}
	data, _ := os.ReadFile(st.Files()[0].Path)
	if !strings.Contains(string(data), `"`+k+`"`) {
		t.Errorf("the node file lacks the quoted search key %q of %s", k, n.ID)
	}
}
