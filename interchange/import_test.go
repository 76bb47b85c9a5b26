package interchange_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// TestExample imports the README's "Bring your own network" files.
func TestExample(t *testing.T) {
	ctx := context.Background()
	files := []string{"testdata/example/nodes.csv", "testdata/example/relationships.csv"}
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			rep, err := interchange.Import(ctx, s, files, interchange.ImportOptions{})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if rep.Nodes != 5 || rep.Edges != 6 || rep.Result.NodesCreated != 5 || rep.Result.EdgesCreated != 6 {
				t.Errorf("report %+v; want 5 nodes and 6 edges created", rep)
			}
			n, err := s.Node(ctx, graph.View{}, "org:west-village")
			if err != nil {
				t.Fatal(err)
			}
			want := &graph.Node{ID: "org:west-village", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "西村", NameEn: "West Village",
				Attrs:      map[string]any{"population": int64(950), "strength": 60.0},
				Provenance: graph.Provenance{Source: graph.SourceUser, Ref: "nodes.csv"}}
			if !reflect.DeepEqual(n, want) {
				t.Errorf("Node(org:west-village) = %+v; want %+v", n, want)
			}
			e, err := s.Edge(ctx, graph.View{}, graph.EdgeID(graph.RelMemberOf, "org:east-village", "alliance:east"))
			if err != nil {
				t.Fatal(err)
			}
			if e.Since != "2016-10-01" || e.Attrs["role"] != "lead" || e.Provenance.Ref != "relationships.csv" {
				t.Errorf("MEMBER_OF edge = %+v", e)
			}
		})
	}
}

// TestProvenanceRule: USER with the file's name unless the file gives
// another level with a quote; an ARTICLE fact that names no source (a file
// from before sources were registered) cites the Yuelin article.
func TestProvenanceRule(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "people.csv")
	const stated = "今年以来,岳林街道司法所王威磊异常忙碌"
	csv := "id:ID,:LABEL,name,source,sourceId,quote,reasoning,ref\n" +
		"person:a,Person,甲,ARTICLE,,\"" + stated + "\",,\n" +
		"person:b,Person,乙,ILLUSTRATIVE,,,,\n" +
		"person:c,Person,丙,,,,,\n" +
		"person:d,Person,丁,USER,,,,crm export\n" +
		"person:e,Person,戊,SYNTHETIC,,generated,,gen v1\n" +
		"person:f,Person,己,INFERRED," + seed.YuelinSourceID + ",\"" + stated + "\",busy with the demolition: taken as a cadre,\n" +
		"person:g,Person,庚,INFERRED,,,a reason,\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testenv.Memory(t)
	mustApply(t, s, graph.Batch{Nodes: []graph.Node{seed.YuelinSource()}})
	rep, err := interchange.Import(context.Background(), s, []string{path}, interchange.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Downgraded != 2 {
		t.Errorf("Downgraded = %d; want 2", rep.Downgraded)
	}
	want := map[string]graph.Provenance{
		"person:a": {Source: graph.SourceArticle, SourceID: seed.YuelinSourceID, Quote: stated},
		"person:b": {Source: graph.SourceUser, Ref: "people.csv"},
		"person:c": {Source: graph.SourceUser, Ref: "people.csv"},
		"person:d": {Source: graph.SourceUser, Ref: "crm export"},
		"person:e": {Source: graph.SourceSynthetic, Quote: "generated", Ref: "gen v1"},
		"person:f": {Source: graph.SourceInferred, SourceID: seed.YuelinSourceID, Quote: stated, Reasoning: "busy with the demolition: taken as a cadre"},
		"person:g": {Source: graph.SourceUser, Ref: "people.csv"},
	}
	for _, n := range mustSnapshot(t, s).Nodes {
		if n.Label == graph.LabelSource {
			continue
		}
		if n.Provenance != want[n.ID] {
			t.Errorf("%s: provenance %+v; want %+v", n.ID, n.Provenance, want[n.ID])
		}
		if n.Kind != "PERSON" {
			t.Errorf("%s: kind %q; want the label's default PERSON", n.ID, n.Kind)
		}
	}
}

// TestForgedQuotes: a stated or inferred quote that is not in its source,
// an unknown source, an INFERRED fact without reasoning are problems at
// their cells, in CSV, JSON and GraphML alike, on a dry run as on a write;
// nothing is written.
func TestForgedQuotes(t *testing.T) {
	ctx := context.Background()
	const forged = "岳林街道有一个秘密支部,书记由外星人担任"
	files := map[string]string{
		"forged.csv": "id:ID,:LABEL,kind,name,source,sourceId,quote,reasoning\n" +
			"org:a,Organisation,PARTY_BRANCH,甲支部,ARTICLE,,\"" + forged + "\",\n" +
			"org:b,Organisation,PARTY_BRANCH,乙支部,ARTICLE,source:nowhere,征地拆迁全面推行“支部建在项目上”,\n" +
			"org:c,Organisation,PARTY_BRANCH,丙支部,INFERRED," + seed.YuelinSourceID + ",征地拆迁全面推行“支部建在项目上”,\n",
		"forged.json": `{"format":"orgnet/v1","nodes":[{"id":"org:j","label":"Organisation","kind":"PARTY_BRANCH","name":"丁支部",
"provenance":{"source":"ARTICLE","sourceId":"` + seed.YuelinSourceID + `","quote":"` + forged + `"}}],"edges":[]}`,
		"forged.graphml": `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="label" for="node" attr.name="label" attr.type="string"/>
<key id="kind" for="node" attr.name="kind" attr.type="string"/>
<key id="name" for="node" attr.name="name" attr.type="string"/>
<key id="prov" for="node" attr.name="provenance" attr.type="string"/>
<key id="quote" for="node" attr.name="quote" attr.type="string"/>
<graph edgedefault="directed">
<node id="org:g"><data key="label">Organisation</data><data key="kind">PARTY_BRANCH</data><data key="name">戊支部</data><data key="prov">ARTICLE</data><data key="quote">` + forged + `</data></node>
</graph>
</graphml>
`,
	}
	want := map[string][]string{
		"forged.csv": {"forged.csv:2:", "provenance.quote does not occur verbatim in source \"source:yuelin-article\"",
			"forged.csv:3:", "source:nowhere", "forged.csv:4:", "reasoning is required"},
		"forged.json":    {"forged.json:", "does not occur verbatim"},
		"forged.graphml": {"forged.graphml:9:", "does not occur verbatim"},
	}
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, graph.Batch{Nodes: []graph.Node{seed.YuelinSource()}})
			before := mustSnapshot(t, s)
			dir := t.TempDir()
			for name, data := range files {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
				for _, dry := range []bool{true, false} {
					_, err := interchange.Import(ctx, s, []string{path}, interchange.ImportOptions{DryRun: dry})
					var pe *interchange.ProblemsError
					if !errors.As(err, &pe) {
						t.Fatalf("%s (dry run %v): %v; want problems", name, dry, err)
					}
					var text strings.Builder
					for _, p := range pe.Problems {
						text.WriteString(p.String() + "\n")
					}
					for _, w := range want[name] {
						if !strings.Contains(text.String(), w) {
							t.Errorf("%s (dry run %v): problems\n%s\ndo not say %q", name, dry, text.String(), w)
						}
					}
				}
			}
			if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
				t.Errorf("a refused import changed the store:\n%s", d)
			}
		})
	}
}

// TestDryRun checks everything and writes nothing; a dangling edge is fine
// when the store has the node.
func TestDryRun(t *testing.T) {
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, base())
			before := mustSnapshot(t, s)
			path := filepath.Join(t.TempDir(), "rels.csv")
			if err := os.WriteFile(path, []byte(":START_ID,:END_ID,:TYPE,role\norg:store-village,alliance:store,MEMBER_OF,lead\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			rep, err := interchange.Import(ctx, s, []string{path}, interchange.ImportOptions{DryRun: true})
			if err != nil || rep.Edges != 1 || rep.Written || !rep.DryRun {
				t.Fatalf("dry run: %+v, %v; want 1 edge, not written", rep, err)
			}
			if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
				t.Errorf("a dry run changed the store:\n%s", d)
			}
			rep, err = interchange.Import(ctx, s, []string{path}, interchange.ImportOptions{})
			if err != nil || rep.Result.EdgesUpdated != 1 {
				t.Fatalf("import: %+v, %v; want the stored edge updated", rep.Result, err)
			}
			e, err := s.Edge(ctx, graph.View{}, graph.EdgeID(graph.RelMemberOf, "org:store-village", "alliance:store"))
			if err != nil || e.Attrs["role"] != "lead" {
				t.Errorf("edge after import: %+v, %v; want role lead", e, err)
			}
		})
	}
}

// TestProgressPlain: without a terminal, progress is plain lines.
func TestProgressPlain(t *testing.T) {
	var out bytes.Buffer
	s := testenv.Memory(t)
	files := []string{"testdata/example/nodes.csv", "testdata/example/relationships.csv"}
	if _, err := interchange.Import(context.Background(), s, files, interchange.ImportOptions{Progress: &out}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"parsed 11/11 rows, ", " rows/s\n", "validating 5 nodes and 6 edges", "writing 5 nodes and 6 edges in one transaction", "wrote 5 nodes (5 new) and 6 edges (6 new)"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\r") || strings.Contains(got, "\x1b[") {
		t.Errorf("plain progress has terminal controls: %q", got)
	}
}

// TestZipRoundTrip: the CSV zip that Write makes is what Import reads.
func TestZipRoundTrip(t *testing.T) {
	src := testenv.Memory(t)
	mustApply(t, src, fixture())
	want := mustSnapshot(t, src)
	var buf bytes.Buffer
	if err := interchange.Write(&buf, interchange.CSV, want); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "export.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := testenv.Memory(t)
	rep, err := interchange.Import(context.Background(), dst, []string{path}, interchange.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 4 { // nodes, nodes-2, relationships, relationships-2: attribute types clash
		t.Errorf("files read from the zip: %+v; want 4", rep.Files)
	}
	if d := diffSnapshots(mustSnapshot(t, dst), want); d != "" {
		t.Errorf("zip round trip:\n%s", d)
	}
}

// TestForeignGraphML imports GraphML written by networkx (keys d0…, True
// and False) and by yEd (graphics keys, ignored).
func TestForeignGraphML(t *testing.T) {
	ctx := context.Background()
	s := testenv.Memory(t)
	files := []string{"testdata/foreign/networkx.graphml", "testdata/foreign/yed.graphml"}
	rep, err := interchange.Import(ctx, s, files, interchange.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Nodes != 5 || rep.Edges != 4 {
		t.Errorf("read %d nodes and %d edges; want 5 and 4", rep.Nodes, rep.Edges)
	}
	n, err := s.Node(ctx, graph.View{}, "org:a")
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs := map[string]any{"population": int64(1200), "strength": 3.5, "listed": true}
	if !reflect.DeepEqual(n.Attrs, wantAttrs) || n.Kind != "VILLAGE" || n.Provenance.Ref != "networkx.graphml" {
		t.Errorf("org:a = %+v; want attrs %v", n, wantAttrs)
	}
	if n, err := s.Node(ctx, graph.View{}, "org:b"); err != nil || n.Attrs["strength"] != 1.0 || n.Attrs["listed"] != false {
		t.Errorf("org:b = %+v, %v", n, err)
	}
	e, err := s.Edge(ctx, graph.View{}, "m1")
	if err != nil || e.Type != graph.RelMemberOf || e.Attrs["role"] != "lead" {
		t.Errorf("edge m1 = %+v, %v", e, err)
	}
	y, err := s.Node(ctx, graph.View{}, "org:yed")
	if err != nil || y.Attrs != nil || y.Kind != "PARTY_WORKING_COMMITTEE" {
		t.Errorf("yEd node = %+v, %v; want no attributes from the graphics and the default kind", y, err)
	}
}
