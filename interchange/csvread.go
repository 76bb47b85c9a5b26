package interchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// CSV files follow neo4j-admin import's header: "name:type" columns, with
// :ID / :LABEL in node files and :START_ID / :END_ID / :TYPE in
// relationship files (an ID space, :ID(Org), is accepted and ignored: ids
// are global in orgnet). Known columns fill the node or edge; any other
// column is an attribute of its declared type (string when none).

// MaxCSVColumns is the most columns a CSV file may have: the twelve of a
// node file, graph.MaxAttrs attributes and room for :IGNORE
// columns. A wider header is refused as it is read, before any row.
const MaxCSVColumns = 128

// colKind is what a CSV column holds.
type colKind int

const (
	colAttr colKind = iota
	colIgnore
	colID
	colLabel
	colStart
	colEnd
	colType
	colKindName // "kind"
	colName
	colNameEn
	colTier
	colSince
	colUntil
	colSource
	colSourceID
	colQuote
	colReasoning
	colRef
	colAttrProv
	colEdgeID // "id" in a relationships file
)

type csvColumn struct {
	kind  colKind
	field string // the graph field name problems use: "kind", "attrs.population"
	key   string // attribute key
	typ   valueType
}

// csvTypes maps neo4j-admin's property types to what orgnet keeps.
var csvTypes = map[string]valueType{
	"": typeString, "string": typeString, "char": typeString,
	"int": typeInt, "long": typeInt, "short": typeInt, "byte": typeInt,
	"float": typeFloat, "double": typeFloat,
	"boolean": typeBool,
	"date":    typeDate,
}

// nodeCoreColumns and edgeCoreColumns are the columns with a meaning of
// their own, by property name (the Neo4j store's property names).
var (
	nodeCoreColumns = map[string]csvColumn{
		"kind": {kind: colKindName, field: "kind"}, "name": {kind: colName, field: "name"},
		"nameEn": {kind: colNameEn, field: "nameEn"}, "tier": {kind: colTier, field: "tier"},
		"since": {kind: colSince, field: "since"}, "until": {kind: colUntil, field: "until"},
		"source": {kind: colSource, field: "provenance.source"}, "quote": {kind: colQuote, field: "provenance.quote"},
		"ref": {kind: colRef, field: "provenance.ref"}, "attrProvenance": {kind: colAttrProv, field: "attrProvenance"},
		"sourceId": {kind: colSourceID, field: "provenance.sourceId"}, "reasoning": {kind: colReasoning, field: "provenance.reasoning"},
	}
	edgeCoreColumns = map[string]csvColumn{
		"id":    {kind: colEdgeID, field: "id"},
		"since": {kind: colSince, field: "since"}, "until": {kind: colUntil, field: "until"},
		"source": {kind: colSource, field: "provenance.source"}, "quote": {kind: colQuote, field: "provenance.quote"},
		"ref":      {kind: colRef, field: "provenance.ref"},
		"sourceId": {kind: colSourceID, field: "provenance.sourceId"}, "reasoning": {kind: colReasoning, field: "provenance.reasoning"},
	}
)

// csvHeader is the parsed header of a CSV file.
type csvHeader struct {
	edges bool
	cols  []csvColumn
	names []string // cols[i].field, for itemPos
}

func readCSV(f *parsed) {
	data := f.src.data
	base := 0
	if bytes.HasPrefix(data, []byte("\uFEFF")) { // a byte order mark, as spreadsheets write
		base = 3
	}
	// A header line without quotes has as many columns as commas and one:
	// too many are refused before the CSV reader splits them all.
	if line, _, _ := bytes.Cut(data[base:], []byte("\n")); !bytes.ContainsRune(line, '"') {
		if n := bytes.Count(line, []byte(",")) + 1; n > MaxCSVColumns {
			i, off := 0, base
			for ; i < MaxCSVColumns; i++ {
				off += bytes.IndexByte(data[off:], ',') + 1
			}
			f.problemAt(off, "the header has %d columns; a CSV file may have at most %d (%d attributes, the id, label, name and provenance columns, and some to ignore)",
				n, MaxCSVColumns, graph.MaxAttrs)
			return
		}
	}
	r := csv.NewReader(bytes.NewReader(data[base:]))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	// offset turns a csv line and byte column into an offset in data.
	offset := func(line, col int) int {
		off := f.src.offset(line, col)
		if line == 1 {
			off += base
		}
		return off
	}
	readErr := func(err error) {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			f.problemAt(offset(pe.Line, pe.Column), "malformed CSV: %v", pe.Err)
			return
		}
		f.problemAt(len(data), "malformed CSV: %v", err)
	}

	rec, err := r.Read()
	if err == io.EOF {
		f.problemAt(0, "empty file: a CSV file starts with a header row (id:ID,:LABEL,… or :START_ID,:END_ID,:TYPE,…)")
		return
	}
	if err != nil {
		readErr(err)
		return
	}
	fieldOff := func(i int) int {
		line, col := r.FieldPos(i)
		return offset(line, col)
	}
	if len(rec) > MaxCSVColumns {
		f.problemAt(fieldOff(MaxCSVColumns), "the header has %d columns; a CSV file may have at most %d (%d attributes, the id, label, name and provenance columns, and some to ignore)",
			len(rec), MaxCSVColumns, graph.MaxAttrs)
		return
	}
	h, ok := parseCSVHeader(f, rec, fieldOff)
	if !ok {
		return
	}
	quoted := func(off int) bool { return off < len(data) && data[off] == '"' }
	for {
		rec, err = r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			readErr(err)
			return
		}
		pos := itemPos{start: fieldOff(0), names: h.names, offs: make([]int, len(rec))}
		for i := range rec {
			pos.offs[i] = fieldOff(i)
		}
		f.tick()
		if len(rec) != len(h.cols) {
			f.problemAt(pos.start, "the row has %d fields; the header has %d", len(rec), len(h.cols))
			if !h.edges {
				if i := slices.IndexFunc(h.cols, func(c csvColumn) bool { return c.kind == colID }); i >= 0 && i < len(rec) {
					f.rejected = append(f.rejected, rec[i])
				}
			}
			continue
		}
		if h.edges {
			f.csvEdge(h, rec, pos, quoted)
		} else {
			f.csvNode(h, rec, pos, quoted)
		}
	}
}

// parseCSVHeader reads the header row; it reports every problem of it and
// returns false when the rows cannot be read.
func parseCSVHeader(f *parsed, rec []string, fieldOff func(int) int) (csvHeader, bool) {
	var h csvHeader
	specials := map[colKind]int{}
	seen := map[string]bool{}
	var cols []csvColumn
	var offs []int
	ok := true
	for i, cell := range rec {
		off := fieldOff(i)
		name, typ, hasType := strings.Cut(strings.TrimSpace(cell), ":")
		typ = strings.TrimSpace(typ)
		c := csvColumn{}
		switch upper := strings.ToUpper(typ); {
		case hasType && (upper == "ID" || strings.HasPrefix(upper, "ID(")):
			c.kind = colID
		case hasType && (upper == "START_ID" || strings.HasPrefix(upper, "START_ID(")):
			c.kind = colStart
		case hasType && (upper == "END_ID" || strings.HasPrefix(upper, "END_ID(")):
			c.kind = colEnd
		case hasType && upper == "LABEL":
			c.kind = colLabel
		case hasType && upper == "TYPE":
			c.kind = colType
		case hasType && upper == "IGNORE":
			c.kind = colIgnore
		default:
			t, known := csvTypes[strings.ToLower(typ)]
			if !known {
				f.problemAt(off, "column %q: type %q is not supported (use int, long, float, double, boolean, string or date)", cell, typ)
				ok = false
				continue
			}
			if name == "" {
				f.problemAt(off, "column %q has no name", cell)
				ok = false
				continue
			}
			c = csvColumn{kind: colAttr, key: name, typ: t, field: "attrs." + name}
		}
		if c.kind != colAttr && c.kind != colIgnore {
			if j, dup := specials[c.kind]; dup {
				f.problemAt(off, "column %q repeats column %d (%q)", cell, j+1, rec[j])
				ok = false
				continue
			}
			specials[c.kind] = i
		}
		if c.kind == colAttr {
			if seen[name] {
				f.problemAt(off, "column %q appears twice", name)
				ok = false
				continue
			}
			seen[name] = true
		}
		cols = append(cols, c)
		offs = append(offs, off)
	}
	if !ok {
		return h, false
	}
	_, hasID := specials[colID]
	_, hasStart := specials[colStart]
	_, hasEnd := specials[colEnd]
	_, hasType := specials[colType]
	_, hasLabel := specials[colLabel]
	switch {
	case hasStart || hasEnd || hasType:
		h.edges = true
		if hasID || hasLabel {
			f.problemAt(0, "the header mixes node columns (:ID, :LABEL) and relationship columns (:START_ID, :END_ID, :TYPE); put nodes and relationships in separate files")
			return h, false
		}
		if !hasStart || !hasEnd || !hasType {
			f.problemAt(0, "a relationships file needs the columns :START_ID, :END_ID and :TYPE")
			return h, false
		}
	case hasID:
		if !hasLabel {
			f.problemAt(0, "a nodes file needs a :LABEL column (Organisation, Alliance, Person, Project, Zone, Brand or Platform)")
			return h, false
		}
	default:
		f.problemAt(0, "cannot tell a nodes file from a relationships file: a nodes file has id:ID and :LABEL columns, a relationships file :START_ID, :END_ID and :TYPE")
		return h, false
	}
	core := nodeCoreColumns
	if h.edges {
		core = edgeCoreColumns
	}
	attrs := 0
	for _, c := range cols {
		if _, isCore := core[c.key]; c.kind == colAttr && !isCore {
			attrs++
		}
	}
	if attrs > graph.MaxAttrs {
		f.problemAt(0, "the header has %d attribute columns; a node or an edge has at most %d attributes", attrs, graph.MaxAttrs)
		return h, false
	}
	for i := range cols {
		c := &cols[i]
		switch c.kind {
		case colID:
			c.field = "id"
		case colLabel:
			c.field = "label"
		case colStart:
			c.field = "from"
		case colEnd:
			c.field = "to"
		case colType:
			c.field = "type"
		case colAttr:
			if k, isCore := core[c.key]; isCore {
				typ := c.typ
				*c = k
				if c.kind == colSince || c.kind == colUntil {
					typ = typeDate
				}
				c.typ = typ
				continue
			}
			if err := checkAttrKey(c.key, h.edges); err != nil {
				f.problemAt(offs[i], "column %q: %s", c.key, graph.ErrorMessage(err))
				ok = false
			}
		}
	}
	h.cols = cols
	h.names = make([]string, len(cols))
	for i, c := range cols {
		h.names[i] = c.field
	}
	return h, ok
}

// cellValue parses the typed cell of an attribute column; ok is false when
// the cell is empty (absent) or wrong (reported).
func (f *parsed) cellValue(c csvColumn, cell string, off int, quoted func(int) bool) (v any, present, ok bool) {
	if cell == "" {
		if c.typ == typeString && quoted(off) {
			return "", true, true // "" is an empty string, an empty cell no value
		}
		return nil, false, true
	}
	v, err := parseValue(c.typ, cell)
	if err != nil {
		f.problemAt(off, "column %s: %v", strings.TrimPrefix(c.field, "attrs."), err)
		return nil, false, false
	}
	return v, true, true
}

func (f *parsed) csvNode(h csvHeader, rec []string, pos itemPos, quoted func(int) bool) {
	var n graph.Node
	var prov graph.Provenance
	good := true
	for i, c := range h.cols {
		cell, off := rec[i], pos.offs[i]
		switch c.kind {
		case colID:
			n.ID = cell
		case colLabel:
			l, err := pickLabel(cell)
			if err != "" {
				f.problemAt(off, "%s", err)
				good = false
			}
			n.Label = l
		case colKindName:
			n.Kind = cell
		case colName:
			n.Name = cell
		case colNameEn:
			n.NameEn = cell
		case colTier:
			if cell != "" {
				v, err := parseValue(typeInt, cell)
				if err != nil || v.(int64) < -1<<31 || v.(int64) > 1<<31 {
					f.problemAt(off, "tier %q is not an integer", cell)
					good = false
					continue
				}
				n.Tier = int(v.(int64))
			}
		case colSince:
			n.Since = cell
		case colUntil:
			n.Until = cell
		case colSource:
			prov.Source = graph.Source(cell)
		case colSourceID:
			prov.SourceID = cell
		case colQuote:
			prov.Quote = cell
		case colReasoning:
			prov.Reasoning = cell
		case colRef:
			prov.Ref = cell
		case colAttrProv:
			if cell != "" {
				if err := json.Unmarshal([]byte(cell), &n.AttrProvenance); err != nil {
					f.problemAt(off, "attrProvenance is not a JSON object of provenances: %v", err)
					good = false
				}
			}
		case colAttr:
			v, present, ok := f.cellValue(c, cell, off, quoted)
			good = good && ok
			if present {
				if n.Attrs == nil {
					n.Attrs = map[string]any{}
				}
				n.Attrs[c.key] = v
			}
		}
	}
	if !good {
		f.rejected = append(f.rejected, n.ID)
		return
	}
	n.Provenance = f.provenance(prov)
	f.nodes = append(f.nodes, n)
	f.nodePos = append(f.nodePos, pos)
}

func (f *parsed) csvEdge(h csvHeader, rec []string, pos itemPos, quoted func(int) bool) {
	var e graph.Edge
	var prov graph.Provenance
	good := true
	for i, c := range h.cols {
		cell, off := rec[i], pos.offs[i]
		switch c.kind {
		case colEdgeID:
			e.ID = cell
		case colStart:
			e.From = cell
		case colEnd:
			e.To = cell
		case colType:
			e.Type = graph.RelType(cell)
		case colSince:
			e.Since = cell
		case colUntil:
			e.Until = cell
		case colSource:
			prov.Source = graph.Source(cell)
		case colSourceID:
			prov.SourceID = cell
		case colQuote:
			prov.Quote = cell
		case colReasoning:
			prov.Reasoning = cell
		case colRef:
			prov.Ref = cell
		case colAttr:
			v, present, ok := f.cellValue(c, cell, off, quoted)
			good = good && ok
			if present {
				if e.Attrs == nil {
					e.Attrs = map[string]any{}
				}
				e.Attrs[c.key] = v
			}
		}
	}
	if !good {
		return
	}
	e.Provenance = f.provenance(prov)
	f.edges = append(f.edges, e)
	f.edgePos = append(f.edgePos, pos)
}

// pickLabel finds the graph label among the ;-separated labels of a
// :LABEL cell (others, such as the Neo4j store's own Node, are ignored).
// With none, it returns the first other label for graph to refuse.
func pickLabel(cell string) (graph.Label, string) {
	var found []graph.Label
	var other graph.Label
	for _, s := range strings.Split(cell, ";") {
		l := graph.Label(strings.TrimSpace(s))
		switch {
		case l == "" || l == "Node":
		case l.Valid():
			if !slices.Contains(found, l) {
				found = append(found, l)
			}
		case other == "":
			other = l
		}
	}
	switch len(found) {
	case 0:
		return other, ""
	case 1:
		return found[0], ""
	}
	return found[0], "a node has one graph label; " + cell + " names " + joinLabels(found)
}

func joinLabels(ls []graph.Label) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, " and ")
}
