package interchange

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
)

// A workbook is written with excelize's stream writers, one per sheet, in
// two passes over the graph: the first finds the attribute columns each
// sheet needs beyond its own, the second writes the rows. Each stream
// writer keeps up to 16 MiB of its sheet in memory and the rest in a
// temporary file; the package is then zipped straight to w (SetZipWriter),
// not into a buffer first.

// xlsxMaxCell is the most UTF-16 units an Excel cell holds.
const xlsxMaxCell = excelize.TotalCellChars

// sheetPlan is a sheet being written: its columns and rows so far.
type sheetPlan struct {
	sh     *xsheet
	cols   []xcol // known columns, with the attribute columns of extra at tail
	extra  *keySet
	rows   int
	sw     *excelize.StreamWriter
	values []any
}

// columns lays the sheet out: its known columns, the attribute columns it
// needs after 备注, then the provenance columns.
func (p *sheetPlan) columns() {
	tail := slices.IndexFunc(p.sh.cols, func(c xcol) bool { return c.field == attrsPrefix+"note" }) + 1
	cols := slices.Clone(p.sh.cols[:tail])
	tk := p.extra.keys("")
	for _, k := range tk.order {
		cols = append(cols, xcol{field: attrsPrefix + k.name, key: k.name, typ: k.typ, en: p.attrHeader(k)})
	}
	p.cols = append(cols, p.sh.cols[tail:]...)
}

// attrHeader is the header of an attribute column: its name, with its type
// unless it is a string whose name no column of the sheet answers to.
func (p *sheetPlan) attrHeader(k typedKey) string {
	t := map[valueType]string{typeInt: "int", typeFloat: "float", typeBool: "boolean", typeString: "string"}[k.typ]
	if _, clash := p.sh.header(k.name); k.typ != typeString || clash {
		return k.name + ":" + t
	}
	return k.name
}

// column returns the index of the column an attribute value goes in.
func (p *sheetPlan) column(key string, v any) int {
	t := typeOf(v)
	for i, c := range p.cols {
		if c.key == key && c.typ == t {
			return i
		}
	}
	return -1
}

// xlsxBook routes the graph's items to sheets.
type xlsxBook struct {
	plans map[sheetKind]*sheetPlan
}

func newXLSXBook() *xlsxBook {
	b := &xlsxBook{plans: map[sheetKind]*sheetPlan{}}
	for _, sh := range xsheets {
		if sh.kind != sheetReadme {
			b.plans[sh.kind] = &sheetPlan{sh: sh, extra: newKeySet()}
		}
	}
	return b
}

// nodeSheet is the sheet a node is a row of.
func nodeSheet(n *graph.Node) sheetKind {
	switch n.Label {
	case graph.LabelOrganisation:
		return sheetOrgs
	case graph.LabelAlliance:
		return sheetAlliances
	}
	return sheetOthers
}

// parentOf returns the relation written in a node's 上级 column (its first
// SUB_ORGANISATION_OF to an organisation or alliance) and whether the
// relation says no more than the column can (default id, no dates or
// attributes, the node's own provenance); otherwise it is also a row of
// 关系.
func parentOf(n *graph.Node, out []graph.Related) (r graph.Related, plain, ok bool) {
	if n.Label != graph.LabelOrganisation && n.Label != graph.LabelAlliance {
		return r, false, false
	}
	for _, x := range out {
		e := x.Edge
		if e.Type == graph.RelSubOrganisationOf && x.Node != nil && (x.Node.Label == graph.LabelOrganisation || x.Node.Label == graph.LabelAlliance) {
			plain = e.ID == graph.EdgeID(e.Type, e.From, e.To) && e.Since == "" && e.Until == "" && len(e.Attrs) == 0 && e.Provenance == n.Provenance
			return x, plain, true
		}
	}
	return r, false, false
}

// edgeSheet is the sheet an edge is a row of; the parent relation written
// plainly in a 上级 column is none (ok false).
func edgeSheet(n *graph.Node, x graph.Related, parent graph.Related, plain, hasParent bool) (sheetKind, bool) {
	if hasParent && x.Edge == parent.Edge && plain {
		return 0, false
	}
	switch {
	case x.Edge.Type == graph.RelMemberOf && n.Label == graph.LabelOrganisation && x.Node != nil && x.Node.Label == graph.LabelAlliance:
		return sheetMembers, true
	case x.Edge.Type == graph.RelMentors && n.Label == graph.LabelOrganisation && x.Node != nil && x.Node.Label == graph.LabelOrganisation:
		return sheetPairings, true
	}
	return sheetRelations, true
}

// each calls fn for every row of a page: the node's, then its edges'.
func (b *xlsxBook) each(pg *page, node func(*sheetPlan, *graph.Node, graph.Related, bool) error, edge func(*sheetPlan, *graph.Node, graph.Related) error) error {
	for _, n := range pg.nodes {
		out := pg.out[n.ID]
		parent, plain, has := parentOf(n, out)
		if err := node(b.plans[nodeSheet(n)], n, parent, has); err != nil {
			return err
		}
		for _, x := range out {
			if k, ok := edgeSheet(n, x, parent, plain, has); ok {
				if err := edge(b.plans[k], n, x); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// knownAttr reports whether a known column of the sheet takes attribute
// key with v's type.
func (p *sheetPlan) knownAttr(key string, v any) bool {
	t := typeOf(v)
	for _, c := range p.sh.cols {
		if c.key == key && c.typ == t {
			return true
		}
	}
	return false
}

func (p *sheetPlan) addExtra(attrs map[string]any) {
	var ps []prop
	for k, v := range attrs {
		if !p.knownAttr(k, v) {
			ps = append(ps, prop{k, v})
		}
	}
	p.extra.add(ps)
}

// writeXLSX writes the graph as a workbook of the sheets in xlsx.go.
func writeXLSX(ctx context.Context, w io.Writer, src itemSource) error {
	b := newXLSXBook()
	err := pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		return b.each(pg, func(p *sheetPlan, n *graph.Node, _ graph.Related, _ bool) error {
			p.rows++
			p.addExtra(n.Attrs)
			return nil
		}, func(p *sheetPlan, _ *graph.Node, x graph.Related) error {
			p.rows++
			p.addExtra(x.Edge.Attrs)
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, sh := range xsheets {
		if p := b.plans[sh.kind]; p != nil && p.rows >= excelize.TotalRows {
			return graph.Invalidf("format", "sheet %s would have %d rows; a sheet holds at most %d: export csv or json instead", sh.zh, p.rows, excelize.TotalRows-1)
		}
	}
	wb, err := b.open()
	if err != nil {
		return err
	}
	defer wb.Close()
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		return b.each(pg, func(p *sheetPlan, n *graph.Node, parent graph.Related, has bool) error {
			return p.nodeRow(n, parent, has)
		}, func(p *sheetPlan, n *graph.Node, x graph.Related) error {
			return p.edgeRow(n, x)
		})
	})
	if err != nil {
		return err
	}
	return b.close(wb, w)
}

// open makes the workbook and writes each sheet's header.
func (b *xlsxBook) open() (*excelize.File, error) {
	wb := excelize.NewFile()
	bold, err := wb.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	for i, sh := range xsheets {
		if i == 0 {
			if err := wb.SetSheetName("Sheet1", sh.zh); err != nil {
				return nil, err
			}
		} else if _, err := wb.NewSheet(sh.zh); err != nil {
			return nil, err
		}
		p := b.plans[sh.kind]
		if p == nil {
			continue
		}
		p.rows = 0 // counted by the first pass; now the rows written
		p.columns()
		if err := p.dropLists(wb); err != nil {
			return nil, err
		}
		if p.sw, err = wb.NewStreamWriter(sh.zh); err != nil {
			return nil, err
		}
		if err := p.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		head := make([]any, len(p.cols))
		for j, c := range p.cols {
			head[j] = c.en
			if c.zh != "" {
				head[j] = c.zhHeader()
			}
			width := 12.0
			switch c.field {
			case fName, fNameEn, fParent, fFrom, fTo, fQuote:
				width = 28
			case fID, fParentID, fFromID, fToID:
				width = 22
			}
			if err := p.sw.SetColWidth(j+1, j+1, width); err != nil {
				return nil, err
			}
		}
		if err := p.sw.SetRow("A1", head, excelize.RowOpts{StyleID: bold}); err != nil {
			return nil, err
		}
		p.values = make([]any, len(p.cols))
	}
	return wb, nil
}

// dropLists gives the 类型, 联合体类型 and 关系 columns a drop-down list of
// their names where Excel's limit on a list (255 characters) allows.
func (p *sheetPlan) dropLists(wb *excelize.File) error {
	for j, c := range p.cols {
		var list []string
		switch {
		case c.field == fKind:
			list = kindList(sheetLabels(p.sh.kind)...)
		case c.key == graph.AttrAllianceType:
			for _, t := range graph.AllianceTypes {
				list = append(list, allianceTypeNames[t][0])
			}
		case c.field == fType:
			for _, t := range graph.RelTypes {
				list = append(list, relNames[t][0])
			}
		default:
			continue
		}
		col := colLetters(j + 1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows))
		if err := dv.SetDropList(list); err != nil {
			continue // too long for a list: the 说明 sheet lists them
		}
		dv.ShowErrorMessage = false
		if err := wb.AddDataValidation(p.sh.zh, dv); err != nil {
			return err
		}
	}
	return nil
}

// close ends the sheets, adds 说明 and zips the workbook to w.
func (b *xlsxBook) close(wb *excelize.File, w io.Writer) error {
	for _, sh := range xsheets {
		if p := b.plans[sh.kind]; p != nil {
			if err := p.sw.Flush(); err != nil {
				return err
			}
		}
	}
	if err := writeReadme(wb); err != nil {
		return err
	}
	// No SetActiveSheet: 组织, the first, is active already, and setting it
	// would read every stream-written sheet back into memory.
	// The package goes to w as it is zipped; WriteTo's own buffer stays
	// empty.
	wb.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return wb.Write(io.Discard)
}

// set puts v in column field (the first of that field).
func (p *sheetPlan) set(field string, v any) {
	if s, ok := v.(string); ok && s == "" {
		return
	}
	for i, c := range p.cols {
		if c.field == field {
			p.values[i] = v
			return
		}
	}
}

func (p *sheetPlan) setAttrs(attrs map[string]any) {
	for k, v := range attrs {
		if s, ok := v.(string); ok && onlyQuotes(s) && len(s)%2 == 0 {
			v = s + `""` // "" is the empty string (an empty cell is no value)
		}
		if i := p.column(k, v); i >= 0 {
			switch {
			case k == graph.AttrAllianceType && p.cols[i].zh != "":
				if s, ok := v.(string); ok && len(allianceTypeNames[s]) > 0 {
					v = allianceTypeNames[s][0]
				}
			}
			p.values[i] = v
		}
	}
}

func (p *sheetPlan) setProvenance(prov graph.Provenance) {
	p.set(fSource, string(prov.Source))
	p.set(fSourceID, prov.SourceID)
	p.set(fQuote, prov.Quote)
	p.set(fReasoning, prov.Reasoning)
	p.set(fRef, prov.Ref)
}

// flush writes the row and clears the values.
func (p *sheetPlan) flush() error {
	for i, v := range p.values {
		if s, ok := v.(string); ok && len(s) > xlsxMaxCell/3 && len(utf16.Encode([]rune(s))) > xlsxMaxCell {
			return graph.Invalidf("format", "sheet %s, row %d, column %s: %d characters; an Excel cell holds at most %d: export json or csv instead",
				p.sh.zh, p.rows+2, p.cols[i].zh+p.cols[i].en, len([]rune(s)), xlsxMaxCell)
		}
	}
	p.rows++
	cell, _ := excelize.CoordinatesToCellName(1, p.rows+1)
	if err := p.sw.SetRow(cell, p.values); err != nil {
		return err
	}
	clear(p.values)
	return nil
}

func (p *sheetPlan) nodeRow(n *graph.Node, parent graph.Related, hasParent bool) error {
	if p.sw == nil {
		return nil
	}
	p.set(fID, n.ID)
	p.set(fName, n.Name)
	p.set(fNameEn, n.NameEn)
	if names := kindNames[n.Kind]; len(names) > 0 {
		p.set(fKind, names[0])
	} else {
		p.set(fKind, n.Kind)
	}
	if n.Tier != 0 {
		p.set(fTier, int64(n.Tier))
	}
	if hasParent {
		p.set(fParent, parent.Node.Name)
		p.set(fParentID, parent.Node.ID)
	}
	p.set(fSince, n.Since)
	p.set(fUntil, n.Until)
	p.setAttrs(n.Attrs)
	p.setProvenance(n.Provenance)
	if len(n.AttrProvenance) > 0 {
		j, err := json.Marshal(n.AttrProvenance)
		if err != nil {
			return err
		}
		p.set(fAttrProv, string(j))
	}
	return p.flush()
}

func (p *sheetPlan) edgeRow(from *graph.Node, x graph.Related) error {
	e := x.Edge
	if p.sh.kind == sheetRelations {
		if names := relNames[e.Type]; len(names) > 0 {
			p.set(fType, names[0])
		}
	}
	p.set(fFrom, from.Name)
	p.set(fFromID, from.ID)
	if x.Node != nil {
		p.set(fTo, x.Node.Name)
	}
	p.set(fToID, e.To)
	if e.ID != graph.EdgeID(e.Type, e.From, e.To) {
		p.set(fID, e.ID)
	}
	p.set(fSince, e.Since)
	p.set(fUntil, e.Until)
	p.setAttrs(e.Attrs)
	p.setProvenance(e.Provenance)
	return p.flush()
}

// WriteXLSXTemplate writes the empty workbook offices fill in: the sheets
// and their headers, drop-down lists of kinds, and the 说明 sheet.
func WriteXLSXTemplate(w io.Writer) error {
	return Write(w, XLSX, &graph.Snapshot{})
}

// writeReadme writes the 说明 sheet: what each sheet and column holds.
func writeReadme(wb *excelize.File) error {
	const sheet = "说明"
	rows := [][]any{
		{"orgnet 组织网络表 / orgnet network workbook"},
		{"每个工作表一类内容；第一行是表头（中文或英文均可）；空行跳过。组织和联合体按名称引用；编号可空，空时按名称生成（拼音）。导入时全部检查，有任何问题则什么也不写入，并按单元格（如 组织!C7）列出每个问题。"},
		{"One sheet per kind of thing; the first row is the header (Chinese or English); empty rows are skipped. Organisations and alliances are referred to by name; 编号 (id) may be empty: it is then made from the name (pinyin). An import checks everything and writes nothing if anything is wrong, naming each problem by its cell (组织!C7)."},
		{},
		{"工作表 / sheet", "列 / column", "英文 / English", "说明 / meaning"},
	}
	meaning := map[string]string{
		fID: "编号，可空 / id, may be empty", fName: "名称（必填）/ name (required)", fNameEn: "英文名称 / English name",
		fKind: "类型（必填）/ kind (required)", fTier: "层级 1–3 / tier", fParent: "上级的名称或编号 / parent: a name or an id",
		fParentID: "上级编号（导出时写，优先）/ parent's id (written by export; wins)", fSince: "日期 YYYY-MM-DD / date", fUntil: "日期 YYYY-MM-DD / date",
		fSource:    "来源 ARTICLE / INFERRED / ILLUSTRATIVE / SYNTHETIC / USER（空：USER）/ provenance level",
		fSourceID:  "文献编号：ARTICLE、INFERRED 所引文献 / the registered source document quoted",
		fQuote:     "引文：须逐字出自该文献 / the quote a fact rests on, verbatim in the source",
		fReasoning: "推理：INFERRED 一句话说明 / INFERRED: one line of reasoning",
		fRef:       "出处（空：文件名）/ reference (empty: the file's name)", fAttrProv: "属性来源（JSON）/ attribute provenance (JSON)",
		fFrom: "起点的名称或编号 / start: a name or an id", fFromID: "起点编号 / start's id", fTo: "终点的名称或编号 / end: a name or an id",
		fToID: "终点编号 / end's id", fType: "关系类型 / relation type",
	}
	attrMeaning := map[string]string{
		graph.AttrPopulation: "人口（整数）/ population (integer)", graph.AttrStrength: "集体收入，万元/年 / collective income, 10k yuan a year",
		graph.AttrPartyMembers: "党员数（整数）/ Party members (integer)", "note": "备注 / note",
		graph.AttrAllianceType: "强村带动、产业纽带、文化共建、项目联动、服务共享", graph.AttrRole: "成员、共建单位、牵头单位 (member, co-builder, lead)",
		graph.AttrTitle: "职务 / post title",
	}
	for _, sh := range xsheets {
		if sh.kind == sheetReadme {
			continue
		}
		for _, c := range sh.cols {
			m := meaning[c.field]
			if c.key != "" {
				m = attrMeaning[c.key]
			}
			if c.field == fKind {
				m += ": " + strings.Join(kindList(sheetLabels(sh.kind)...), "、")
			}
			rows = append(rows, []any{sh.zh + " / " + sh.en, c.zhHeader(), c.en, m})
		}
	}
	rel := make([]string, 0, len(graph.RelTypes))
	for _, t := range graph.RelTypes {
		rel = append(rel, relNames[t][0]+" "+string(t))
	}
	sort.Strings(rel)
	rows = append(rows, []any{}, []any{"关系 / relations", strings.Join(rel, "、")},
		[]any{"其他属性 / other attributes", "英文名加类型：households:int、area:float、listed:boolean、code:string / an English name with its type"})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	if err := wb.SetColWidth(sheet, "A", "B", 18); err != nil {
		return err
	}
	return wb.SetColWidth(sheet, "C", "D", 40)
}
