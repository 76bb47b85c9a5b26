package interchange_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
)

// TestAddSearchKeys: a searchKey column is added to node files as orgnet
// exports them (the fixture: quotes, line breaks, "" for an empty string)
// and as people write them (CRLF, blank lines, no final line end), every
// other byte kept, each key the one graph/neo4j computes.
func TestAddSearchKeys(t *testing.T) {
	dir := t.TempDir()
	snap := &graph.Snapshot{}
	for _, n := range fixture().Nodes {
		snap.Nodes = append(snap.Nodes, &n)
	}
	paths, err := interchange.WriteCSVDir(filepath.Join(dir, "export"), snap)
	if err != nil {
		t.Fatal(err)
	}
	exported, _ := os.ReadFile(paths[0])
	cases := map[string]string{
		"export":        string(exported),
		"crlf":          "id:ID,:LABEL,name,nameEn,note\r\norg:a,Organisation,圣墩村,Shengdun Village,\"two\r\nlines\"\r\n\r\norg:b,Organisation,舒前村,,\"\"\r\n",
		"no final end":  "id:ID,:LABEL,name\norg:a,Organisation,岳林街道党工委",
		"blank between": "id:ID,:LABEL,name\n\n\norg:a,Organisation,\"a,b\"\n\n",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(dir, name+".csv")
			dst := filepath.Join(dir, name+"-keys.csv")
			if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			rows, err := interchange.AddSearchKeys(dst, src)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := os.ReadFile(dst)
			in := csv.NewReader(strings.NewReader(text))
			in.FieldsPerRecord = -1
			want, err := in.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(bytes.NewReader(out))
			r.FieldsPerRecord = -1
			got, err := r.ReadAll()
			if err != nil {
				t.Fatalf("the output is not CSV: %v\n%s", err, out)
			}
			if rows != len(want)-1 || len(got) != len(want) {
				t.Fatalf("%d rows, %d records; want %d records", rows, len(got), len(want))
			}
			col := func(name string) int {
				for j, h := range want[0] {
					if strings.SplitN(h, ":", 2)[0] == name {
						return j
					}
				}
				return -1
			}
			nameCol, enCol := col("name"), col("nameEn")
			rest := string(out)
			for i := range want {
				rec := got[i]
				if strings.Join(rec[:len(rec)-1], "\x00") != strings.Join(want[i], "\x00") {
					t.Errorf("record %d: %q; want %q and a key", i, rec, want[i])
				}
				key := rec[len(rec)-1]
				cell := ",searchKey"
				if i > 0 {
					n := graph.Node{Name: want[i][nameCol]}
					if enCol >= 0 {
						n.NameEn = want[i][enCol]
					}
					if key != interchange.Neo4jSearchKey(&n) {
						t.Errorf("record %d: key %q; want %q", i, key, interchange.Neo4jSearchKey(&n))
					}
					cell = `,"` + strings.ReplaceAll(key, `"`, `""`) + `"`
				} else if key != "searchKey" {
					t.Errorf("header ends in %q", key)
				}
				// Take the cell out: what is left is the input's bytes.
				j := strings.Index(rest, cell)
				if j < 0 {
					t.Fatalf("record %d: %q is not in the output", i, cell)
				}
				rest = rest[:j] + rest[j+len(cell):]
			}
			if rest != text && rest != text+"\n" {
				t.Errorf("without the keys the output is\n%q\nwant\n%q", rest, text)
			}
		})
	}
	if _, err := interchange.AddSearchKeys(filepath.Join(dir, "again.csv"), filepath.Join(dir, "crlf-keys.csv")); err == nil || !strings.Contains(err.Error(), "searchKey column already") {
		t.Errorf("a file with keys already: %v", err)
	}
	if _, err := interchange.AddSearchKeys(filepath.Join(dir, "rels-keys.csv"), paths[len(paths)-1]); err == nil || !strings.Contains(err.Error(), "no name column") {
		t.Errorf("a relationships file: %v", err)
	}
}
