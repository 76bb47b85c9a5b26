package interchange_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/broken")

// base is what the store holds before the broken files are offered: nodes
// that the files may rightly refer to.
func base() graph.Batch {
	user := graph.Provenance{Source: graph.SourceUser, Ref: "base"}
	return graph.Batch{
		Nodes: []graph.Node{
			{ID: "org:store-village", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "存量村", Provenance: user},
			{ID: "alliance:store", Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: "存量联合体", Provenance: user},
			{ID: "zone:store-grid", Label: graph.LabelZone, Kind: "GRID", Name: "存量网格", Provenance: user},
		},
		Edges: []graph.Edge{{Type: graph.RelMemberOf, From: "org:store-village", To: "alliance:store", Provenance: user}},
	}
}

// TestBrokenFiles offers each broken file (or set of files) of
// testdata/broken to Import: it is refused with every problem at its file,
// line and column (the golden file NAME.golden), and the store is
// unchanged. On both stores. go test -run TestBrokenFiles -update rewrites
// the golden files.
func TestBrokenFiles(t *testing.T) {
	cases := []struct {
		name  string
		files []string
	}{
		{"bad_header", []string{"bad_header.csv"}},
		{"bad_columns", []string{"bad_columns.csv"}},
		{"unknown_label", []string{"unknown_label.csv"}},
		{"unknown_kind", []string{"unknown_kind.csv"}},
		{"unknown_type", []string{"unknown_type.csv"}},
		{"duplicate_id", []string{"duplicate_id.csv"}},
		{"dangling_edge", []string{"dangling_edge.csv"}},
		{"invalid_utf8", []string{"invalid_utf8.csv"}},
		{"bad_int", []string{"bad_int.csv"}},
		{"bad_boolean", []string{"bad_boolean.csv"}},
		{"bad_date", []string{"bad_date.csv"}},
		{"wrong_endpoints", []string{"wrong_endpoints.csv"}},
		{"stored_label", []string{"stored_label.csv"}},
		{"bare_quote", []string{"bare_quote.csv"}},
		{"field_count", []string{"field_count.csv"}},
		{"cascade", []string{"cascade_nodes.csv", "cascade_rels.csv"}},
		{"truncated", []string{"truncated.json"}},
		{"wrong_format", []string{"wrong_format.json"}},
		{"bad_fields", []string{"bad_fields.json"}},
		{"malformed", []string{"malformed.graphml"}},
		{"bad_values", []string{"bad_values.graphml"}},
		{"unknown_extension", []string{"bad_header.txt"}},
		// A good file beside a bad one: nothing of either is written.
		{"good_and_bad", []string{"../example/nodes.csv", "../example/relationships.csv", "unknown_kind.csv"}},
	}
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, base())
			before := mustSnapshot(t, s)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					files := make([]string, len(tc.files))
					for i, f := range tc.files {
						files[i] = filepath.ToSlash(filepath.Join("testdata", "broken", f))
					}
					for _, dry := range []bool{false, true} {
						rep, err := interchange.Import(ctx, s, files, interchange.ImportOptions{DryRun: dry})
						var pe *interchange.ProblemsError
						if !errors.As(err, &pe) || !errors.Is(err, graph.ErrInvalid) {
							t.Fatalf("Import(%v, dry run %v) = %v; want a *ProblemsError", files, dry, err)
						}
						if len(rep.Problems) != len(pe.Problems) || rep.Written {
							t.Errorf("report: %d problems, written %v; want %d, false", len(rep.Problems), rep.Written, len(pe.Problems))
						}
						var got strings.Builder
						for _, p := range pe.Problems {
							if p.File == "" || (p.Line == 0 && tc.name != "unknown_extension") {
								t.Errorf("problem without a place: %+v", p)
							}
							got.WriteString(p.String() + "\n")
						}
						golden := filepath.Join("testdata", "broken", tc.name+".golden")
						if *update && !dry && st.Name == "memory" {
							if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
								t.Fatal(err)
							}
						}
						want, err := os.ReadFile(golden)
						if err != nil {
							t.Fatalf("%v (run with -update to create it)", err)
						}
						if got.String() != string(want) {
							t.Errorf("Import(%v) problems:\n%s\nwant (%s):\n%s", files, got.String(), golden, want)
						}
					}
					if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
						t.Errorf("the store changed:\n%s", d)
					}
				})
			}
		})
	}
}
