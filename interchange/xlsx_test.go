package interchange_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// sheet is a sheet of a workbook made by hand: its name and rows (the
// first the header).
type sheet struct {
	name string
	rows [][]any
}

// workbook makes an .xlsx of sheets with excelize, as an office would save
// one.
func workbook(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func importBook(ctx context.Context, s graph.Store, name string, data []byte) (interchange.Report, error) {
	return interchange.ImportData(ctx, s, []interchange.Input{{Name: name, Format: interchange.XLSX, Data: data}}, interchange.ImportOptions{})
}

func exportBook(tb testing.TB, s graph.Store) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := interchange.Export(context.Background(), &buf, s, interchange.XLSX, interchange.SubgraphSpec{}, interchange.ExportOptions{}); err != nil {
		tb.Fatalf("export xlsx: %v", err)
	}
	return buf.Bytes()
}

// handMade is the workbook an office clerk makes to add two villages, a
// branch, an alliance and a pairing to the Yuelin network: Chinese headers,
// everything by name. With mistakes, each sheet has one.
func handMade(tb testing.TB, mistakes bool) []byte {
	pick := func(bad, good any) any {
		if mistakes {
			return bad
		}
		return good
	}
	return workbook(tb,
		sheet{"组织", [][]any{
			{"名称", "类型", "上级", "人口", "集体收入（万元）", "党员数", "备注"},
			{"新华村", "村", "岳林街道党工委", 1800, 250.5, 60, "2024年新建"},
			{"东风村", "村", pick("岳林街道党委", "岳林街道党工委"), 900, 40, 25},
			{},
			{"新华村党支部", "党支部", "新华村"},
		}},
		sheet{"联合体", [][]any{
			{"名称", "类型", "联合体类型", "上级", "成立日期"},
			{"新华区域党建联合体", "区域党建联合体", pick("服务共亨", "服务共享"), "岳林街道党工委", "2024-03-01"},
		}},
		sheet{"成员", [][]any{
			{"联合体", "成员", "角色", "加入日期"},
			{"新华区域党建联合体", "新华村", "牵头单位", "2024-03-01"},
			{"新华区域党建联合体", "东风村", "成员", "2024/3/1"},
			{"新华区域党建联合体", pick("圣墩", "圣墩村"), "成员", "2024年3月1日"},
		}},
		sheet{"结对", [][]any{
			{"帮扶方", "受帮扶方", "开始日期"},
			{"新华村", "东风村", pick("2024-13-01", "2024-03-01")},
		}},
	)
}

// TestXLSXHandMade: a workbook made by hand (Chinese headers, names not
// ids, one mistake per sheet) is refused on both stores with every mistake
// named by its cell, and nothing changes; corrected, it imports (ids made
// from the names, provenance USER with the file's name), imports again to
// the same ids, and round-trips through the xlsx export.
func TestXLSXHandMade(t *testing.T) {
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			s := st.Open(t)
			mustApply(t, s, seed.Yuelin())
			before := mustSnapshot(t, s)

			rep, err := importBook(ctx, s, "hand.xlsx", handMade(t, true))
			var pe *interchange.ProblemsError
			if !errors.As(err, &pe) || rep.Written {
				t.Fatalf("import with mistakes: %v (written %v); want a refusal", err, rep.Written)
			}
			want := []string{
				`hand.xlsx: 组织!C3: 上级 "岳林街道党委" not found; did you mean 岳林街道党工委?`,
				`hand.xlsx: 联合体!C2: 联合体类型: "服务共亨" is not one of 强村带动, 产业纽带, 文化共建, 项目联动, 服务共享`,
				`hand.xlsx: 成员!B4: 成员 "圣墩" not found; did you mean 圣墩村?`,
				`hand.xlsx: 结对!C2: 开始日期 (since) "2024-13-01" is not a date (YYYY-MM-DD)`,
			}
			var got []string
			for _, p := range pe.Problems {
				got = append(got, p.String())
			}
			if !slices.Equal(got, want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if d := diffSnapshots(mustSnapshot(t, s), before); d != "" {
				t.Fatalf("the refused import changed the store:\n%s", d)
			}

			good := handMade(t, false)
			rep, err = importBook(ctx, s, "hand.xlsx", good)
			if err != nil {
				t.Fatalf("corrected workbook: %v", err)
			}
			if rep.Result.NodesCreated != 4 || rep.Result.EdgesCreated != 8 {
				t.Errorf("created %+v; want 4 nodes (3 organisations, 1 alliance) and 8 edges (4 parents, 3 members, 1 pairing)", rep.Result)
			}
			ns, err := s.Nodes(ctx, graph.View{}, []string{"org:xin-hua-cun", "org:dong-feng-cun", "org:xin-hua-cun-dang-zhi-bu", "alliance:xin-hua-qu-yu-dang-jian-lian-he-ti"})
			if err != nil {
				t.Fatal(err)
			}
			for i, n := range ns {
				if n == nil {
					t.Fatalf("node %d of the workbook is not under the id made from its name", i)
				}
				if n.Provenance != (graph.Provenance{Source: graph.SourceUser, Ref: "hand.xlsx"}) {
					t.Errorf("%s: provenance %+v; want USER, hand.xlsx", n.ID, n.Provenance)
				}
			}
			xh := ns[0]
			if xh.Kind != "VILLAGE" || xh.Attrs[graph.AttrPopulation] != int64(1800) || xh.Attrs[graph.AttrStrength] != 250.5 ||
				xh.Attrs[graph.AttrPartyMembers] != int64(60) || xh.Attrs["note"] != "2024年新建" {
				t.Errorf("新华村: %+v", xh)
			}
			if ns[1].Attrs[graph.AttrStrength] != 40.0 {
				t.Errorf("东风村's strength %#v; want the float 40", ns[1].Attrs[graph.AttrStrength])
			}
			if ns[3].Kind != "REGIONAL_ALLIANCE" || ns[3].Attrs[graph.AttrAllianceType] != "SERVICE_SHARE" || ns[3].Since != "2024-03-01" {
				t.Errorf("the alliance: %+v", ns[3])
			}
			for _, e := range []struct {
				id   string
				want func(*graph.Edge) bool
			}{
				{graph.EdgeID(graph.RelSubOrganisationOf, "org:xin-hua-cun", "org:yuelin-party-working-committee"), nil},
				{graph.EdgeID(graph.RelSubOrganisationOf, "org:xin-hua-cun-dang-zhi-bu", "org:xin-hua-cun"), nil},
				{graph.EdgeID(graph.RelMemberOf, "org:xin-hua-cun", "alliance:xin-hua-qu-yu-dang-jian-lian-he-ti"), func(e *graph.Edge) bool {
					return e.Attrs[graph.AttrRole] == "lead" && e.Since == "2024-03-01"
				}},
				{graph.EdgeID(graph.RelMemberOf, seed.ShengdunVillageID, "alliance:xin-hua-qu-yu-dang-jian-lian-he-ti"), func(e *graph.Edge) bool {
					return e.Attrs[graph.AttrRole] == "member" && e.Since == "2024-03-01"
				}},
				{graph.EdgeID(graph.RelMentors, "org:xin-hua-cun", "org:dong-feng-cun"), nil},
			} {
				got, err := s.Edge(ctx, graph.View{}, e.id)
				if err != nil {
					t.Errorf("edge %s: %v", e.id, err)
					continue
				}
				if got.Provenance.Source != graph.SourceUser || got.Provenance.Ref != "hand.xlsx" || (e.want != nil && !e.want(got)) {
					t.Errorf("edge %s: %+v", e.id, got)
				}
			}

			// The same names get the same ids again: nothing new.
			after := mustSnapshot(t, s)
			rep, err = importBook(ctx, s, "hand.xlsx", good)
			if err != nil || rep.Result.NodesCreated != 0 || rep.Result.EdgesCreated != 0 {
				t.Errorf("second import: %+v, %v; want every item updated, none created", rep.Result, err)
			}
			if d := diffSnapshots(mustSnapshot(t, s), after); d != "" {
				t.Errorf("the second import changed the store:\n%s", d)
			}

			// import(export(x)) leaves x unchanged, and makes x in an empty store.
			book := exportBook(t, s)
			if _, err := importBook(ctx, s, "export.xlsx", book); err != nil {
				t.Fatalf("importing the export: %v", err)
			}
			if d := diffSnapshots(mustSnapshot(t, s), after); d != "" {
				t.Errorf("import(export(x)) changed x:\n%s", d)
			}
			// An export is the network: the source document its quotes
			// cite is registered in the empty store first.
			fresh := st.Open(t)
			mustApply(t, fresh, graph.Batch{Nodes: []graph.Node{seed.YuelinSource()}})
			if _, err := importBook(ctx, fresh, "export.xlsx", book); err != nil {
				t.Fatalf("importing the export into an empty store: %v", err)
			}
			if d := diffSnapshots(mustSnapshot(t, fresh), after); d != "" {
				t.Errorf("the export imported into an empty store differs:\n%s", d)
			}
		})
	}
}

// TestXLSXRoundTrip: the fixture (every attribute type, clashing types,
// quotes, line breaks, an empty string, dates, stated and inferred facts
// with their source document, attribute provenance) written as a workbook
// and imported into an empty store is the same graph, on both stores.
func TestXLSXRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, st := range testenv.Stores() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			mustApply(t, src, fixture())
			want := mustSnapshot(t, src)
			// The whole snapshot, the source document its quotes cite
			// included (on 其他, its text in a cell of its own).
			var buf bytes.Buffer
			if err := interchange.Write(&buf, interchange.XLSX, want); err != nil {
				t.Fatal(err)
			}
			book := buf.Bytes()
			dst := st.Open(t)
			rep, err := importBook(ctx, dst, "fixture.xlsx", book)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if rep.Result.NodesCreated != len(want.Nodes) || rep.Result.EdgesCreated != len(want.Edges) {
				t.Errorf("created %+v; want %d nodes, %d edges", rep.Result, len(want.Nodes), len(want.Edges))
			}
			if d := diffSnapshots(mustSnapshot(t, dst), want); d != "" {
				t.Errorf("round trip:\n%s", d)
			}
		})
	}
}

// sameWorkbook reports how two workbooks differ in their sheets' cells
// ("" when they do not): excelize zips the parts of a package in no fixed
// order, so equal workbooks need not be equal bytes.
func sameWorkbook(tb testing.TB, a, b []byte) string {
	tb.Helper()
	fa, err := excelize.OpenReader(bytes.NewReader(a))
	if err != nil {
		tb.Fatal(err)
	}
	defer fa.Close()
	fb, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	defer fb.Close()
	if !slices.Equal(fa.GetSheetList(), fb.GetSheetList()) {
		return fmt.Sprintf("sheets %v and %v", fa.GetSheetList(), fb.GetSheetList())
	}
	for _, sh := range fa.GetSheetList() {
		ra, _ := fa.GetRows(sh, excelize.Options{RawCellValue: true})
		rb, _ := fb.GetRows(sh, excelize.Options{RawCellValue: true})
		for i := range max(len(ra), len(rb)) {
			if i >= len(ra) || i >= len(rb) || !slices.Equal(ra[i], rb[i]) {
				return fmt.Sprintf("sheet %s row %d differs", sh, i+1)
			}
		}
	}
	return ""
}
