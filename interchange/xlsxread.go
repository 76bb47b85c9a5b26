package interchange

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
)

// Reading a workbook is done in two steps: readXLSX (here) reads every
// sheet into rows whose references are still text, with every problem a
// row has on its own; resolveXLSX (xlsxresolve.go) then gives ids to
// nodes and finds what references name, in the workbook and the store.

// Limits of a workbook beyond the import's size limit.
const (
	// xlsxXMLInMemory is how much of a worksheet excelize keeps in memory;
	// larger sheets are unpacked to a temporary file and read from there.
	xlsxXMLInMemory = 16 << 20
	// xlsxMaxProblems stops reading a workbook: a hostile one could
	// otherwise have a problem in each of a million rows.
	xlsxMaxProblems = 1000
)

// xref is a reference in a cell: text (a name or an id) and, from the
// …编号 column beside it, an id.
type xref struct {
	text, id       string
	textOff, idOff int // cells
	header         string
	set            bool
}

// xnode is a node row; its id may be empty until resolved.
type xnode struct {
	n        graph.Node
	pos      itemPos
	parent   xref
	bad      bool // a problem of its own was reported
	explicit bool // the row gave its id
}

// xedge is a relation row, or one a 上级 cell makes (implied).
type xedge struct {
	e        graph.Edge
	from, to xref
	pos      itemPos
	implied  bool
	allowed  [2][]graph.Label // labels the ends may name (nil: any)
}

// workbook is what readXLSX found.
type workbook struct {
	nodes []*xnode
	edges []*xedge
}

// xlsxContentTypes is in every xlsx package.
const xlsxContentTypes = "[Content_Types].xml"

// IsXLSX reports whether data is an xlsx workbook: a zip holding
// [Content_Types].xml and xl/workbook.xml.
func IsXLSX(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	var ct, wb bool
	for _, f := range zr.File {
		ct = ct || f.Name == xlsxContentTypes
		wb = wb || f.Name == "xl/workbook.xml"
	}
	return ct && wb
}

func (f *parsed) xlsxTooMany() bool { return len(f.problems) >= xlsxMaxProblems }

// readXLSX reads the workbook f.src.data; at most f.limit bytes unpacked.
func readXLSX(f *parsed) {
	data := f.src.data
	f.src.data, f.src.lines = nil, nil
	limit := f.limit
	if limit <= 0 {
		limit = DefaultImportLimit
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		f.problems = append(f.problems, fileProblem(f.src.name, "cannot read the workbook: it is not an .xlsx file (%v); save it as Excel Workbook (.xlsx)", err))
		return
	}
	var declared uint64
	for _, zf := range zr.File {
		declared += zf.UncompressedSize64
	}
	if declared > uint64(limit) {
		f.problems = append(f.problems, fileProblem(f.src.name, "the workbook unpacks to %d bytes, more than the import limit (%d bytes in all)", declared, limit))
		return
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, xlsxXMLInMemory)})
	if err != nil {
		f.problems = append(f.problems, fileProblem(f.src.name, "cannot read the workbook: %v", err))
		return
	}
	defer wb.Close()
	f.book = &workbook{}
	f.src.sheets = wb.GetSheetList()
	for i, name := range f.src.sheets {
		if f.xlsxTooMany() {
			break
		}
		sh, known := sheetOf(name)
		if known && sh.kind == sheetReadme {
			continue
		}
		rows, err := wb.Rows(name)
		if err != nil {
			f.problems = append(f.problems, fileProblem(f.src.name, "sheet %s cannot be read: %v", name, err))
			continue
		}
		f.readSheet(rows, i, name, sh)
		if err := rows.Close(); err != nil && !f.xlsxTooMany() {
			f.problems = append(f.problems, fileProblem(f.src.name, "sheet %s cannot be read: %v", name, err))
		}
	}
	if f.xlsxTooMany() {
		stop := fileProblem(f.src.name, "stopped reading after %d problems", xlsxMaxProblems)
		stop.sheet = len(f.src.sheets) // after every sheet's problems
		f.problems = append(f.problems[:xlsxMaxProblems], stop)
	}
}

// xheader is the parsed header row of a sheet.
type xheader struct {
	cols  []xcol // by column (0-based); field "" is an unread column
	names []string
	has   map[string]bool
}

var typedHeaderRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*)(?::([A-Za-z]+))?$`)

// readSheet reads one sheet: the header, then every row.
func (f *parsed) readSheet(rows *excelize.Rows, sheet int, name string, sh *xsheet) {
	cell := func(row, col int) int { return cellOffset(sheet, row, col) }
	var h *xheader
	for r := 1; rows.Next(); r++ {
		if f.xlsxTooMany() {
			return
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			f.problemAt(cell(r, 1), "the row cannot be read: %v", err)
			return
		}
		if empty(cells) {
			continue
		}
		if sh == nil {
			f.problemAt(cell(r, 1), "sheet %s is not one orgnet reads (组织, 联合体, 成员, 结对, 其他, 关系, or 说明 for notes)", name)
			return
		}
		if h == nil {
			if h = f.xlsxHeader(sh, cells, func(col int) int { return cell(r, col) }); h == nil {
				return
			}
			continue
		}
		if len(cells) > len(h.cols) {
			for c := len(h.cols); c < len(cells); c++ {
				if strings.TrimSpace(cells[c]) != "" {
					f.problemAt(cell(r, c+1), "a value in a column without a header")
					break
				}
			}
		}
		pos := itemPos{start: cell(r, 1), names: h.names, offs: make([]int, len(h.cols))}
		for c := range h.cols {
			pos.offs[c] = cell(r, c+1)
		}
		f.tick()
		if sh.edges {
			f.xlsxEdge(sh, h, cells, pos)
		} else {
			f.xlsxNode(sh, h, cells, pos)
		}
	}
}

func empty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// xlsxHeader reads a header row: known columns by their Chinese or English
// names, attribute columns by English names with an optional type. It
// reports every problem and returns nil when the rows cannot be read.
func (f *parsed) xlsxHeader(sh *xsheet, cells []string, at func(col int) int) *xheader {
	if len(cells) > MaxCSVColumns {
		f.problemAt(at(MaxCSVColumns+1), "the header has %d columns; a sheet may have at most %d", len(cells), MaxCSVColumns)
		return nil
	}
	h := &xheader{cols: make([]xcol, len(cells)), names: make([]string, len(cells)), has: map[string]bool{}}
	ok := true
	seen := map[string]int{}
	attrKeys := map[string]bool{}
	for i, text := range cells {
		if strings.TrimSpace(text) == "" {
			continue
		}
		c, known := sh.header(text)
		if !known {
			m := typedHeaderRE.FindStringSubmatch(strings.TrimSpace(text))
			if m == nil {
				f.problemAt(at(i+1), "column %q is not one sheet %s has (%s); an attribute of your own needs an English name, with its type: households:int, area:float, listed:boolean, code:string",
					strings.TrimSpace(text), sh.zh, sh.knownHeaders())
				ok = false
				continue
			}
			typ, isType := csvTypes[strings.ToLower(m[2])]
			if !isType || typ == typeDate {
				f.problemAt(at(i+1), "column %q: type %q is not one of int, float, boolean, string", text, m[2])
				ok = false
				continue
			}
			if err := checkAttrKey(m[1], sh.edges); err != nil {
				f.problemAt(at(i+1), "column %q: %s", text, graph.ErrorMessage(err))
				ok = false
				continue
			}
			c = xcol{field: attrsPrefix + m[1], key: m[1], typ: typ}
		}
		k := c.field + "\x00" + c.typ.String()
		if j, dup := seen[k]; dup {
			f.problemAt(at(i+1), "column %q repeats column %s", strings.TrimSpace(text), colLetters(j+1))
			ok = false
			continue
		}
		seen[k] = i
		h.cols[i], h.names[i] = c, c.field
		h.has[c.field] = true
		if c.key != "" {
			attrKeys[c.key] = true
		}
	}
	if len(attrKeys) > graph.MaxAttrs {
		f.problemAt(at(1), "the header has %d attribute columns; a node or an edge has at most %d attributes", len(attrKeys), graph.MaxAttrs)
		ok = false
	}
	for _, need := range sh.required() {
		if !h.has[need[0]] && (len(need) < 2 || !h.has[need[1]]) {
			f.problemAt(at(1), "sheet %s needs a column %s", sh.zh, sh.describe(need[0]))
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return h
}

// required lists the fields a sheet needs, each with the field that may
// stand in for it.
func (s *xsheet) required() [][]string {
	switch s.kind {
	case sheetOrgs, sheetAlliances, sheetOthers:
		return [][]string{{fName}, {fKind}}
	case sheetRelations:
		return [][]string{{fType}, {fFrom, fFromID}, {fTo, fToID}}
	}
	return [][]string{{fFrom, fFromID}, {fTo, fToID}}
}

// describe names the column of field: 名称 (name).
func (s *xsheet) describe(field string) string {
	for _, c := range s.cols {
		if c.field == field {
			return c.zh + " (" + c.en + ")"
		}
	}
	return field
}

func (s *xsheet) knownHeaders() string {
	var hs []string
	for _, c := range s.cols {
		hs = append(hs, c.zh)
	}
	return strings.Join(hs, ", ")
}

func colLetters(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

// xlsxNode reads a row of 组织, 联合体 or 其他.
func (f *parsed) xlsxNode(sh *xsheet, h *xheader, cells []string, pos itemPos) {
	r := &xrow{f: f, h: h, cells: cells, pos: pos, good: true}
	x := &xnode{pos: pos}
	n := &x.n
	n.ID, _ = r.get(fID)
	x.explicit = n.ID != ""
	n.Name, _ = r.get(fName)
	n.NameEn, _ = r.get(fNameEn)
	kind, kindOff := r.get(fKind)
	if k, ok := lookupName(kindNames, kind); ok {
		n.Kind = k
		n.Label, _ = graph.LabelOfKind(k)
	}
	switch want := sheetLabel(sh.kind); {
	case kind == "":
		r.bad(kindOff, "类型 (kind) is empty: one of %s", strings.Join(kindList(sheetLabels(sh.kind)...), ", "))
	case n.Kind == "":
		r.bad(kindOff, "类型 %q is not a kind orgnet knows; on sheet %s: %s", kind, sh.zh, strings.Join(kindList(sheetLabels(sh.kind)...), ", "))
	case want != "" && n.Label != want:
		r.bad(kindOff, "类型 %s is a kind of %s, not of %s: put the row on sheet %s", kind, n.Label, want, sheetFor(n.Label))
	}
	if t, off := r.get(fTier); t != "" {
		v, err := xlsxValue(xcol{typ: typeInt}, t)
		if err != nil || v.(int64) < 0 || v.(int64) > 3 {
			r.bad(off, "层级 (tier) %q is not 1, 2 or 3", t)
		} else {
			n.Tier = int(v.(int64))
		}
	}
	n.Since = r.date(fSince, "成立日期 (since)")
	n.Until = r.date(fUntil, "撤销日期 (until)")
	n.Attrs = r.attrs()
	if ap, off := r.get(fAttrProv); ap != "" {
		if err := json.Unmarshal([]byte(ap), &n.AttrProvenance); err != nil {
			r.bad(off, "属性来源 (attrProvenance) is not a JSON object of provenances: %v", err)
		}
	}
	n.Provenance = r.provenance()
	if h.has[fParent] || h.has[fParentID] {
		x.parent = r.ref(fParent, fParentID)
	}
	x.bad = !r.good
	f.book.nodes = append(f.book.nodes, x)
}

// xlsxEdge reads a row of 成员, 结对 or 关系.
func (f *parsed) xlsxEdge(sh *xsheet, h *xheader, cells []string, pos itemPos) {
	r := &xrow{f: f, h: h, cells: cells, pos: pos, good: true}
	x := &xedge{pos: pos}
	e := &x.e
	switch sh.kind {
	case sheetMembers:
		e.Type = graph.RelMemberOf
		x.allowed = [2][]graph.Label{{graph.LabelOrganisation}, {graph.LabelAlliance}}
	case sheetPairings:
		e.Type = graph.RelMentors
		x.allowed = [2][]graph.Label{{graph.LabelOrganisation}, {graph.LabelOrganisation}}
	default:
		t, off := r.get(fType)
		rt, ok := relTypeOf(t)
		if !ok {
			var names []string
			for _, rt := range graph.RelTypes {
				names = append(names, relNames[rt][0])
			}
			r.bad(off, "关系 %q is not a relation orgnet knows: %s (or %v)", t, strings.Join(names, ", "), graph.RelTypes)
		}
		e.Type = rt
		if ep, ok := graph.RelEndpoints[rt]; ok {
			x.allowed = [2][]graph.Label{ep.From, ep.To}
		}
	}
	e.ID, _ = r.get(fID)
	x.from = r.ref(fFrom, fFromID)
	x.to = r.ref(fTo, fToID)
	for _, end := range []*xref{&x.from, &x.to} {
		if !end.set {
			field := fFrom
			if end == &x.to {
				field = fTo
			}
			_, off := r.get(field)
			r.bad(off, "%s is empty", sh.describe(field))
		}
	}
	e.Since = r.date(fSince, "开始日期 (since)")
	e.Until = r.date(fUntil, "结束日期 (until)")
	e.Attrs = r.attrs()
	e.Provenance = r.provenance()
	if r.good {
		f.book.edges = append(f.book.edges, x)
	}
}

// sheetLabel is the label every node of a sheet has ("" for 其他).
func sheetLabel(k sheetKind) graph.Label {
	switch k {
	case sheetOrgs:
		return graph.LabelOrganisation
	case sheetAlliances:
		return graph.LabelAlliance
	}
	return ""
}

// sheetLabels are the labels a sheet's 类型 may name.
func sheetLabels(k sheetKind) []graph.Label {
	if l := sheetLabel(k); l != "" {
		return []graph.Label{l}
	}
	return []graph.Label{graph.LabelPerson, graph.LabelProject, graph.LabelZone, graph.LabelBrand, graph.LabelPlatform, graph.LabelSource, graph.LabelScenario}
}

// sheetFor names the sheet nodes of label l go on.
func sheetFor(l graph.Label) string {
	switch l {
	case graph.LabelOrganisation:
		return "组织"
	case graph.LabelAlliance:
		return "联合体"
	}
	return "其他"
}
