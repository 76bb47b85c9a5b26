package interchange_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
)

// zipBomb writes a zip holding one nodes.csv of size bytes (a header and
// then spaces): a few hundred KB that unpack to size.
func zipBomb(tb testing.TB, path string, size int64) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate})
	if err != nil {
		tb.Fatal(err)
	}
	head := "id:ID,:LABEL,name\n"
	io.WriteString(w, head)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for left := size - int64(len(head)); left > 0; left -= int64(len(chunk)) {
		w.Write(chunk[:min(int64(len(chunk)), left)])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
}

// wideCSV is a nodes file whose header has n columns.
func wideCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id:ID,:LABEL,name")
	for i := 3; i < n; i++ {
		fmt.Fprintf(&b, ",c%d", i)
	}
	b.WriteString("\norg:x,Organisation,X\n")
	return b.Bytes()
}

// allocated runs f and returns the bytes it allocated on the heap.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestHostileImports: files built to exhaust memory or time are refused
// before they are read in full, with a problem that says why, and change
// nothing, on both stores (issue #15, row 9):
//   - a 300 KB zip that unpacks to 300 MiB (orgnet import had no limit for
//     zips: 1.9 GB and 10.9 s before it refused); refused from the zip's
//     directory, before unpacking anything;
//   - a zip within the limit alone, over it with the other files;
//   - a CSV file over the limit;
//   - a CSV header with a million columns (refused only row by row, 3.9 s):
//     refused at the header; and one with more attribute columns than a
//     node may have.
func TestHostileImports(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.zip")
	zipBomb(t, bomb, 300<<20)
	fi, _ := os.Stat(bomb)
	t.Logf("bomb.zip: %d bytes, unpacks to %d", fi.Size(), 300<<20)

	small := filepath.Join(dir, "small.zip")
	zipBomb(t, small, 600<<10)
	plain := filepath.Join(dir, "plain.csv")
	var rows bytes.Buffer
	rows.WriteString("id:ID,:LABEL,name\n")
	for i := 0; rows.Len() < 600<<10; i++ {
		fmt.Fprintf(&rows, "person:p%d,Person,P%d\n", i, i)
	}
	if err := os.WriteFile(plain, rows.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	wide := filepath.Join(dir, "wide.csv")
	if err := os.WriteFile(wide, wideCSV(1_000_000), 0o644); err != nil {
		t.Fatal(err)
	}
	var attrs bytes.Buffer
	attrs.WriteString("id:ID,:LABEL,name")
	for i := range graph.MaxAttrs + 1 {
		attrs.WriteString(",a" + string(rune('a'+i%26)) + strings.Repeat("x", i/26))
	}
	attrs.WriteString("\n")
	manyAttrs := filepath.Join(dir, "attrs.csv")
	if err := os.WriteFile(manyAttrs, attrs.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		files []string
		limit int64
		want  string // the one problem's text
		alloc uint64 // the most the refusal may allocate
	}{
		{"zip bomb", []string{bomb}, 0, "bomb.zip: the zip unpacks to 314572800 bytes, more than the import limit (268435456 bytes in all)", 1 << 20},
		{"zip over the limit with the other files", []string{plain, small}, 1 << 20, "small.zip: the zip unpacks to 614400 bytes, more than the import limit (1048576 bytes in all)", 0},
		{"file over the limit", []string{plain}, 512 << 10, "plain.csv: the files are larger than the import limit (524288 bytes in all; --limit)", 1 << 20},
		{"a million columns", []string{wide}, 0, "wide.csv:1:", 0},
		{"too many attribute columns", []string{manyAttrs}, 0, "attrs.csv:1:1: the header has 65 attribute columns; a node or an edge has at most 64 attributes", 0},
	}
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, fixture())
			before := mustSnapshot(t, s)
			for _, tc := range tests {
				var rep interchange.Report
				var err error
				alloc := allocated(func() {
					rep, err = interchange.Import(ctx, s, tc.files, interchange.ImportOptions{Limit: tc.limit})
				})
				var pe *interchange.ProblemsError
				if !errors.As(err, &pe) || !errors.Is(err, graph.ErrInvalid) || rep.Written {
					t.Fatalf("%s: Import = %v (written %v); want a refusal", tc.name, err, rep.Written)
				}
				if len(pe.Problems) != 1 || !strings.Contains(pe.Problems[0].String(), tc.want) {
					t.Errorf("%s: problems %v; want one with %q", tc.name, pe.Problems, tc.want)
				}
				if tc.alloc > 0 && alloc > tc.alloc {
					t.Errorf("%s: the refusal allocated %d bytes; want at most %d (nothing unpacked)", tc.name, alloc, tc.alloc)
				}
				if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
					t.Errorf("%s changed the store:\n%s", tc.name, d)
				}
			}
			// The wide header's problem names the column limit.
			_, err := interchange.Import(ctx, s, []string{wide}, interchange.ImportOptions{})
			if want := "the header has 1000000 columns; a CSV file may have at most 128"; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("wide CSV: %v; want %q", err, want)
			}
		})
	}
}
