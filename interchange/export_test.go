package interchange_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
)

// TestExportStreams: Export reads the whole graph from the store page by
// page (7 nodes a page here, so that every format crosses pages) and
// writes exactly what Write writes from the store's Snapshot, for every
// format, with and without a relation filter, on both stores.
func TestExportStreams(t *testing.T) {
	defer interchange.SetExportPageSize(7)()
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, fixture())
			for _, spec := range []interchange.SubgraphSpec{{}, {Relations: []graph.RelType{graph.RelMemberOf, graph.RelHoldsPost}}} {
				snap, err := interchange.Subgraph(ctx, s, spec)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range interchange.Formats {
					for _, opt := range []interchange.ExportOptions{{}, {Compound: interchange.CompoundAlliances}} {
						if opt.Compound != "" && f != interchange.Cytoscape {
							continue
						}
						var want, got bytes.Buffer
						if err := interchange.WriteWith(&want, f, snap, opt); err != nil {
							t.Fatalf("Write %s: %v", f, err)
						}
						if err := interchange.Export(ctx, &got, s, f, spec, opt); err != nil {
							t.Fatalf("Export %s (%s): %v", f, spec, err)
						}
						if f == interchange.XLSX {
							if d := sameWorkbook(t, got.Bytes(), want.Bytes()); d != "" {
								t.Errorf("xlsx of the %s: Export and Write of the snapshot differ: %s", spec, d)
							}
							continue
						}
						if !bytes.Equal(got.Bytes(), want.Bytes()) {
							t.Errorf("%s of the %s, %+v: Export wrote %d bytes, Write of the snapshot %d; they differ", f, spec, opt, got.Len(), want.Len())
						}
					}
				}
			}

			// The CSV directory, as `orgnet export --format csv --out DIR`
			// writes it (the network: no source document).
			snap, err := interchange.Subgraph(ctx, s, interchange.SubgraphSpec{})
			if err != nil {
				t.Fatal(err)
			}
			wantPaths, err := interchange.WriteCSVDir(filepath.Join(t.TempDir(), "want"), snap)
			if err != nil {
				t.Fatal(err)
			}
			gotPaths, err := interchange.ExportCSVDir(ctx, filepath.Join(t.TempDir(), "got"), s, interchange.SubgraphSpec{})
			if err != nil {
				t.Fatal(err)
			}
			if len(gotPaths) != len(wantPaths) || len(gotPaths) != 4 {
				t.Fatalf("ExportCSVDir wrote %v; WriteCSVDir %v", gotPaths, wantPaths)
			}
			for i := range gotPaths {
				a, _ := os.ReadFile(gotPaths[i])
				b, _ := os.ReadFile(wantPaths[i])
				if filepath.Base(gotPaths[i]) != filepath.Base(wantPaths[i]) || !bytes.Equal(a, b) {
					t.Errorf("%s differs from %s", gotPaths[i], wantPaths[i])
				}
			}

			// Faults before the first byte: nothing is written.
			for _, bad := range []struct {
				spec interchange.SubgraphSpec
				want error
			}{
				{interchange.SubgraphSpec{Relations: []graph.RelType{"LIKES"}}, graph.ErrInvalid},
				{interchange.SubgraphSpec{Root: "org:none"}, graph.ErrNotFound},
			} {
				var out bytes.Buffer
				if err := interchange.Export(ctx, &out, s, interchange.JSON, bad.spec, interchange.ExportOptions{}); !errors.Is(err, bad.want) || out.Len() != 0 {
					t.Errorf("Export(%+v) = %v with %d bytes written; want %v and none", bad.spec, err, out.Len(), bad.want)
				}
			}
		})
	}
}
