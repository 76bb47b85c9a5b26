package interchange_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
)

// writeLargeCSV writes a generated network of nodes organisations and
// alliances, with about 1.5 relationships per node, as nodes.csv and
// relationships.csv in dir.
func writeLargeCSV(tb testing.TB, dir string, nodes int) (files []string, edges int) {
	tb.Helper()
	var nb, rb bytes.Buffer
	nb.WriteString("id:ID,:LABEL,kind,name,nameEn,tier:int,population:int,strength:float,note\n")
	rb.WriteString(":START_ID,:END_ID,:TYPE,since,role\n")
	alliances := nodes / 100
	committees := nodes / 1000
	kinds := []string{"VILLAGE", "COMMUNITY", "ENTERPRISE", "PARTY_BRANCH"}
	id := func(i int) string { return "org:gen-" + strconv.Itoa(i) }
	for i := 0; i < nodes; i++ {
		switch {
		case i < alliances:
			fmt.Fprintf(&nb, "alliance:gen-%d,Alliance,REGIONAL_ALLIANCE,联合体%d,Alliance %d,,,,\n", i, i, i)
			continue
		case i == alliances:
			fmt.Fprintf(&nb, "%s,Organisation,PARTY_WORKING_COMMITTEE,街道党工委,Street committee,1,,,\n", id(i))
			continue
		case i <= alliances+committees:
			fmt.Fprintf(&nb, "%s,Organisation,PARTY_COMMITTEE,党委%d,Committee %d,2,,,\n", id(i), i, i)
			fmt.Fprintf(&rb, "%s,%s,SUB_ORGANISATION_OF,,\n", id(i), id(alliances))
			continue
		}
		fmt.Fprintf(&nb, "%s,Organisation,%s,组织%d,\"Organisation %d, generated\",3,%d,%d.5,\"a note, with a comma\"\n",
			id(i), kinds[i%len(kinds)], i, i, 500+i%5000, i%900)
		parent := alliances + 1 + i%max(committees, 1)
		fmt.Fprintf(&rb, "%s,%s,SUB_ORGANISATION_OF,,\n", id(i), id(parent))
		edges++
		if i%3 == 0 { // a third are members of an alliance
			fmt.Fprintf(&rb, "%s,alliance:gen-%d,MEMBER_OF,2016-10-01,member\n", id(i), i%alliances)
			edges++
		}
		if i%6 == 1 && i+1 < nodes { // and a sixth mentor their neighbour
			fmt.Fprintf(&rb, "%s,%s,MENTORS,2017-01-01,\n", id(i), id(i+1))
			edges++
		}
	}
	edges += committees
	files = []string{filepath.Join(dir, "nodes.csv"), filepath.Join(dir, "relationships.csv")}
	if err := os.WriteFile(files[0], nb.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(files[1], rb.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return files, edges
}

// TestImportRate measures the import of a generated 100k-node CSV (about
// 150k relationships) into each store. It runs only with
// ORGNET_IMPORT_RATE=1 (ORGNET_IMPORT_NODES changes the size):
//
//	ORGNET_IMPORT_RATE=1 go test -run TestImportRate -v ./interchange/
func TestImportRate(t *testing.T) {
	if os.Getenv("ORGNET_IMPORT_RATE") == "" {
		t.Skip("set ORGNET_IMPORT_RATE=1 to measure the import rate")
	}
	n := 100_000
	if s := os.Getenv("ORGNET_IMPORT_NODES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	files, edges := writeLargeCSV(t, t.TempDir(), n)
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			t.Cleanup(func() { emptyInChunks(t, s) })
			var progress bytes.Buffer
			start := time.Now()
			rep, err := interchange.Import(context.Background(), s, files, interchange.ImportOptions{Progress: &progress})
			total := time.Since(start)
			if err != nil {
				var ge *graph.Error
				if errors.As(err, &ge) && ge.Err != nil {
					t.Fatalf("Import after %s: %v (cause: %v)", total.Round(time.Millisecond), err, ge.Err)
				}
				t.Fatalf("Import after %s: %v", total.Round(time.Millisecond), err)
			}
			if rep.Nodes != n || rep.Edges != edges {
				t.Fatalf("imported %d nodes and %d edges; want %d and %d", rep.Nodes, rep.Edges, n, edges)
			}
			c, err := s.Counts(context.Background(), graph.View{})
			if err != nil || c.Nodes != n || c.Edges != edges {
				t.Fatalf("Counts = %+v, %v; want %d nodes, %d edges", c, err, n, edges)
			}
			t.Logf("progress:\n%s", progress.String())
			t.Logf("%s: %d nodes + %d edges in %s (parse %s, validate %s, write %s): %.0f nodes/s, %.0f edges/s, %.0f rows/s",
				st.Name, n, edges, total.Round(time.Millisecond), rep.ParseTime.Round(time.Millisecond),
				rep.ValidateTime.Round(time.Millisecond), rep.WriteTime.Round(time.Millisecond),
				float64(n)/total.Seconds(), float64(edges)/total.Seconds(), float64(n+edges)/total.Seconds())
		})
	}
}

// emptyInChunks deletes every node in batches of a few thousand, so that
// the next test's wipe of the shared Neo4j database is quick.
func emptyInChunks(tb testing.TB, s graph.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	snap, err := s.Snapshot(ctx, graph.View{})
	if err != nil {
		tb.Logf("empty the store: %v", err)
		return
	}
	const chunk = 5000
	for i := 0; i < len(snap.Nodes); i += chunk {
		var ids []string
		for _, n := range snap.Nodes[i:min(i+chunk, len(snap.Nodes))] {
			ids = append(ids, n.ID)
		}
		if _, err := s.Apply(ctx, graph.Batch{DeleteNodes: ids}); err != nil {
			tb.Logf("empty the store: %v", err)
			return
		}
	}
}
