package interchange_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// TestNameID: ids made from names, a syllable of pinyin per character.
func TestNameID(t *testing.T) {
	for _, tc := range []struct {
		label      graph.Label
		name, want string
	}{
		{graph.LabelOrganisation, "圣墩村", "org:sheng-dun-cun"},
		{graph.LabelOrganisation, "新华村党支部", "org:xin-hua-cun-dang-zhi-bu"},
		{graph.LabelZone, "第1网格", "zone:di-1-wang-ge"},
		{graph.LabelOrganisation, "山丘汇·青年创业园", "org:shan-qiu-hui-qing-nian-chuang-ye-yuan"},
		{graph.LabelPerson, "Li Ming 李明", "person:li-ming-li-ming"},
		{graph.LabelAlliance, "ABC-2 联盟", "alliance:abc-2-lian-meng"},
		{graph.LabelBrand, "·、", "brand:" + "2f2b2b"[:0]},
	} {
		got := interchange.NameID(tc.label, tc.name)
		if tc.name == "·、" {
			if !strings.HasPrefix(got, "brand:") || len(got) != len("brand:")+6 {
				t.Errorf("NameID(%q) = %q; want brand: and six hex digits", tc.name, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("NameID(%s, %q) = %q; want %q", tc.label, tc.name, got, tc.want)
		}
	}
}

// TestXLSXVocabulary: every kind has a Chinese name and no Chinese name
// stands for two kinds; the template is a workbook that imports as nothing.
func TestXLSXVocabulary(t *testing.T) {
	var buf bytes.Buffer
	if err := interchange.WriteXLSXTemplate(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.GetSheetList(), []string{"组织", "联合体", "成员", "结对", "其他", "关系", "说明"}; !slices.Equal(got, want) {
		t.Errorf("template sheets %v; want %v", got, want)
	}
	head, _ := f.GetRows("组织")
	if len(head) != 1 || !slices.Equal(head[0][:7], []string{"编号", "名称", "英文名称", "类型", "层级", "上级", "上级编号"}) {
		t.Errorf("template 组织 rows %v", head)
	}
	readme, _ := f.GetRows("说明")
	text := fmt.Sprint(readme)
	for l, kinds := range graph.Kinds {
		for _, k := range kinds {
			if name := interchange.KindName(k); l != graph.LabelScenario && !strings.Contains(text, name) {
				t.Errorf("说明 does not list kind %s (%s)", name, k)
			}
		}
	}
	f.Close()
	rep, err := interchange.ImportData(context.Background(), testenv.Memory(t), []interchange.Input{{Name: "template.xlsx", Format: interchange.XLSX, Data: buf.Bytes()}}, interchange.ImportOptions{})
	if err != nil || rep.Nodes != 0 || rep.Edges != 0 {
		t.Errorf("importing the template: %+v, %v; want nothing", rep, err)
	}

	// A workbook naming every kind by its Chinese name, in English headers.
	rows := [][]any{{"Name", "Kind"}}
	others := [][]any{{"name", "kind"}}
	for _, l := range graph.Labels {
		for _, k := range graph.Kinds[l] {
			name := interchange.KindName(k)
			if name == "" {
				t.Errorf("kind %s has no Chinese name", k)
				continue
			}
			switch l {
			case graph.LabelOrganisation:
				rows = append(rows, []any{"o-" + k, name})
			case graph.LabelAlliance, graph.LabelSource: // a source needs its text: TestXLSXRoundTrip has one
			default:
				others = append(others, []any{"x-" + k, name})
			}
		}
	}
	book := workbook(t, sheet{"Organisations", rows}, sheet{"Others", others})
	s := testenv.Memory(t)
	if _, err := importBook(context.Background(), s, "kinds.xlsx", book); err != nil {
		t.Fatalf("every kind by its Chinese name: %v", err)
	}
	snap := mustSnapshot(t, s)
	for _, n := range snap.Nodes {
		if want := n.Name[2:]; n.Kind != want {
			t.Errorf("%s imported as kind %s; want %s", n.Name, n.Kind, want)
		}
	}
	if len(snap.Nodes) != len(rows)+len(others)-2 {
		t.Errorf("%d nodes imported; want %d", len(snap.Nodes), len(rows)+len(others)-2)
	}
}

// TestXLSXReferences: how references are found, on both stores, by Search
// (a few names) and by reading every node (many names), the same way:
// names and English names in the workbook and the store, ids, an id beside
// a name that must agree, a name two nodes have, a name of the wrong label,
// and names that sound alike (the second gets the hash of its name).
func TestXLSXReferences(t *testing.T) {
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		for _, lookup := range []string{"search", "scan"} {
			t.Run(st.Name+"/"+lookup, func(t *testing.T) {
				if lookup == "scan" {
					defer interchange.SetNameSearchMax(0)()
				}
				s := st.Open(t)
				mustApply(t, s, seed.Yuelin())
				// Two stored branches of the same name.
				mustApply(t, s, graph.Batch{Nodes: []graph.Node{
					{ID: "org:twin-a", Label: graph.LabelOrganisation, Kind: "PARTY_BRANCH", Name: "双胞支部", Provenance: graph.Provenance{Source: graph.SourceUser}},
					{ID: "org:twin-b", Label: graph.LabelOrganisation, Kind: "PARTY_BRANCH", Name: "双胞支部", Provenance: graph.Provenance{Source: graph.SourceUser}},
				}})
				before := mustSnapshot(t, s)
				book := workbook(t,
					sheet{"组织", [][]any{
						{"名称", "类型", "上级", "上级编号"},
						{"胜墩村", "村", "Yuelin Subdistrict Party Working Committee"}, // English name
						{"圣墩新村", "村", "", seed.ShengdunVillageID},                  // an id alone
						{"测试一", "村", "圣墩村", "org:yuelin-party-working-committee"},  // disagree
						{"测试二", "村", "双胞支部"},                                       // two nodes
						{"测试三", "村", "舒家区域党建联合体"},                                  // an alliance: allowed
						{"测试四", "村", "第1网格"},                                       // unknown
					}},
					sheet{"成员", [][]any{
						{"联合体", "成员"},
						{"圣墩村", "测试三"}, // a village is not an alliance
					}},
				)
				_, err := importBook(ctx, s, "refs.xlsx", book)
				var pe *interchange.ProblemsError
				if !errors.As(err, &pe) {
					t.Fatalf("import: %v; want problems", err)
				}
				var got []string
				for _, p := range pe.Problems {
					got = append(got, p.String())
				}
				want := []string{
					`refs.xlsx: 组织!C4: 上级 "圣墩村" and its id org:yuelin-party-working-committee (which is 岳林街道党工委) do not agree: clear one of them`,
					`refs.xlsx: 组织!C5: 上级 "双胞支部" names 2 nodes (org:twin-a, org:twin-b): write the id of the one you mean`,
					`refs.xlsx: 组织!C7: 上级 "第1网格" not found`,
					`refs.xlsx: 成员!A2: 联合体 "圣墩村" is org:shengdun-village (Organisation); it must name an Alliance`,
				}
				if !slices.Equal(got, want) {
					t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
				}
				if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
					t.Fatalf("refused import changed the store:\n%s", d)
				}

				// The good rows, and a name that sounds like a stored one.
				book = workbook(t, sheet{"组织", [][]any{
					{"名称", "类型", "上级", "上级编号"},
					{"胜墩村", "村", "Yuelin Subdistrict Party Working Committee"},
					{"圣墩新村", "村", "", seed.ShengdunVillageID},
					{"测试三", "村", "舒家区域党建联合体"},
				}})
				mustApply(t, s, graph.Batch{Nodes: []graph.Node{{ID: "org:sheng-dun-cun", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "盛墩村",
					Provenance: graph.Provenance{Source: graph.SourceUser}}}})
				if _, err := importBook(ctx, s, "refs.xlsx", book); err != nil {
					t.Fatalf("good rows: %v", err)
				}
				for id, parent := range map[string]string{
					"org:sheng-dun-cun-" + hashOf("胜墩村"): "org:yuelin-party-working-committee",
					"org:sheng-dun-xin-cun":              seed.ShengdunVillageID,
					"org:ce-shi-san":                     seed.ShujiaAllianceID,
				} {
					if _, err := s.Edge(ctx, graph.View{}, graph.EdgeID(graph.RelSubOrganisationOf, id, parent)); err != nil {
						t.Errorf("%s under %s: %v", id, parent, err)
					}
				}
			})
		}
	}
}

// hashOf is the hash NameID's collisions get: the id of 胜墩村 when
// org:sheng-dun-cun is 盛墩村's.
func hashOf(name string) string {
	id := interchange.HashedNameID(graph.LabelOrganisation, name)
	return id[strings.LastIndexByte(id, '-')+1:]
}

// TestXLSXHostile: workbooks built to exhaust memory or time are refused
// early, with nothing written, on both stores: one whose zip declares more
// than the import limit (refused before excelize opens it), a header of 200
// columns, 5,000 bad rows (reading stops after 1,000 problems), a value in
// column XFD, a sheet orgnet does not read, and files that are no workbook.
func TestXLSXHostile(t *testing.T) {
	ctx := context.Background()
	good := workbook(t, sheet{"组织", [][]any{{"名称", "类型"}, {"甲村", "村"}}})

	// A workbook with one more entry: 300 MiB of spaces, in 300 KB.
	var bomb bytes.Buffer
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(&bomb)
	for _, f := range zr.File {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/pad.bin", Method: zip.Deflate})
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 300 {
		w.Write(chunk)
	}
	zw.Close()

	wide := []any{"名称", "类型"}
	for i := range 198 {
		wide = append(wide, fmt.Sprintf("a%d:int", i))
	}
	bad := [][]any{{"名称", "类型"}}
	for i := range 5000 {
		bad = append(bad, []any{fmt.Sprintf("村%d", i), "城堡"})
	}
	// Cells at the far ends of a sheet: column XFD, row 1,048,576.
	far := excelize.NewFile()
	far.SetSheetName("Sheet1", "组织")
	sw, _ := far.NewStreamWriter("组织")
	sw.SetRow("A1", []any{"名称", "类型"})
	row := make([]any, 16384)
	row[0], row[1], row[16383] = "甲村", "村", "x"
	sw.SetRow("A2", row)
	sw.SetRow("A1048576", []any{"乙村", "村"})
	sw.Flush()
	var farBuf bytes.Buffer
	far.Write(&farBuf)

	tests := []struct {
		name  string
		data  []byte
		want  []string // the first problems
		count int      // how many problems, when it matters
	}{
		{"bomb", bomb.Bytes(), []string{"bomb.xlsx: the workbook unpacks to 314"}, 1},
		{"200 columns", workbook(t, sheet{"组织", [][]any{wide, {"甲村", "村"}}}), []string{"bomb.xlsx: 组织!DY1: the header has 200 columns; a sheet may have at most 128"}, 1},
		{"5,000 bad rows", workbook(t, sheet{"组织", bad}), []string{`bomb.xlsx: 组织!B2: 类型 "城堡" is not a kind orgnet knows`}, 1001},
		{"a value in column XFD", farBuf.Bytes(), []string{"bomb.xlsx: 组织!XFD2: a value in a column without a header"}, 1},
		{"a sheet orgnet does not read", workbook(t, sheet{"组织", [][]any{{"名称", "类型"}}}, sheet{"Sheet2", [][]any{{}, {"", "hello"}}}),
			[]string{"bomb.xlsx: Sheet2!A2: sheet Sheet2 is not one orgnet reads"}, 1},
		{"not a workbook", []byte("PK\x03\x04 not really"), []string{"bomb.xlsx: cannot read the workbook"}, 1},
		{"a zip without a workbook", exampleZipBytes(t), []string{"bomb.xlsx: cannot read the workbook"}, 1},
	}
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, seed.Yuelin())
			before := mustSnapshot(t, s)
			for _, tc := range tests {
				rep, err := importBook(ctx, s, "bomb.xlsx", tc.data)
				var pe *interchange.ProblemsError
				if !errors.As(err, &pe) || rep.Written {
					t.Errorf("%s: %v; want a refusal", tc.name, err)
					continue
				}
				for i, w := range tc.want {
					if i >= len(pe.Problems) || !strings.HasPrefix(pe.Problems[i].String(), w) {
						t.Errorf("%s: problems %v; want %q first", tc.name, pe.Problems[:min(3, len(pe.Problems))], w)
					}
				}
				if tc.count > 0 && len(pe.Problems) != tc.count {
					t.Errorf("%s: %d problems; want %d (the last %v)", tc.name, len(pe.Problems), tc.count, pe.Problems[len(pe.Problems)-1])
				}
			}
			if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
				t.Errorf("hostile workbooks changed the store:\n%s", d)
			}
		})
	}
}

// exampleZipBytes is a zip of the example CSV files: a zip, not a workbook.
func exampleZipBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("nodes.csv")
	w.Write([]byte("id:ID,:LABEL,name\n"))
	zw.Close()
	return buf.Bytes()
}
