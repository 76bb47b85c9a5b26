package interchange

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
)

// The cells of a workbook's row: dates as Excel keeps them, typed
// attributes, provenance, references.

// xrow reads the cells of one row by field.
type xrow struct {
	f     *parsed
	h     *xheader
	cells []string
	pos   itemPos
	good  bool
}

// get returns the cell of field (the first column for it), trimmed, and
// its offset.
func (r *xrow) get(field string) (string, int) {
	for i, c := range r.h.cols {
		if c.field == field {
			if i < len(r.cells) {
				return strings.TrimSpace(r.cells[i]), r.pos.offs[i]
			}
			return "", r.pos.offs[i]
		}
	}
	return "", r.pos.start
}

func (r *xrow) bad(off int, format string, args ...any) {
	r.f.problemAt(off, format, args...)
	r.good = false
}

// date reads a date cell: YYYY-MM-DD, an Excel date (a serial number),
// 2016/10/1, 2016.10.1 or 2016年10月1日.
func (r *xrow) date(field, what string) string {
	v, off := r.get(field)
	if v == "" {
		return ""
	}
	d, ok := parseDate(v)
	if !ok {
		r.bad(off, "%s %q is not a date (YYYY-MM-DD)", what, v)
	}
	return d
}

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

func parseDate(v string) (string, bool) {
	if m := dateRE.FindStringSubmatch(v); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false
		}
		return t.Format(graph.DateLayout), true
	}
	if serial, err := strconv.ParseFloat(v, 64); err == nil && serial >= 1 && serial < 2958466 && serial == float64(int64(serial)) {
		t, err := excelize.ExcelDateToTime(serial, false)
		if err == nil {
			return t.Format(graph.DateLayout), true
		}
	}
	return "", false
}

// attrs reads the attribute columns into attrs.
func (r *xrow) attrs() map[string]any {
	var attrs map[string]any
	where := map[string]int{}
	for i, c := range r.h.cols {
		if c.key == "" || i >= len(r.cells) {
			continue
		}
		text := r.cells[i]
		if strings.TrimSpace(text) == "" {
			continue
		}
		off := r.pos.offs[i]
		if j, dup := where[c.key]; dup {
			r.bad(off, "attribute %s has a value in column %s already", c.key, colLetters(j+1))
			continue
		}
		where[c.key] = i
		v, err := xlsxValue(c, text)
		if err != nil {
			r.bad(off, "%s: %v", r.h.label(i), err)
			continue
		}
		if attrs == nil {
			attrs = map[string]any{}
		}
		attrs[c.key] = v
	}
	return attrs
}

// label is how a problem names column i: its Chinese header, else the
// attribute.
func (h *xheader) label(i int) string {
	if c := h.cols[i]; c.zh != "" {
		return c.zh
	}
	return h.cols[i].key
}

// xlsxValue converts an attribute cell: numbers and booleans by the
// column's type (as Excel stores them: 1 and 0 for booleans too), strings
// as they are, the Chinese names of roles and alliance types as the model's.
func xlsxValue(c xcol, text string) (any, error) {
	switch c.typ {
	case typeBool:
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "1", "是", "true":
			return true, nil
		case "0", "否", "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false (是 or 否)", text)
	case typeInt:
		t := strings.TrimSpace(text)
		if x, err := strconv.ParseFloat(t, 64); err == nil && x == float64(int64(x)) && !strings.ContainsAny(t, "eE") && strings.Contains(t, ".") {
			return int64(x), nil // 2100.0
		}
		return parseValue(typeInt, text)
	case typeFloat:
		return parseValue(typeFloat, text)
	}
	if onlyQuotes(text) && len(text) >= 2 && len(text)%2 == 0 {
		return text[2:], nil // "" is the empty string; an empty cell is no value
	}
	switch c.key {
	case graph.AttrAllianceType:
		if t, ok := lookupName(allianceTypeNames, text); ok {
			return t, nil
		}
		if c.zh != "" {
			var names []string
			for _, t := range graph.AllianceTypes {
				names = append(names, allianceTypeNames[t][0])
			}
			return nil, fmt.Errorf("%q is not one of %s", text, strings.Join(names, ", "))
		}
	case graph.AttrRole:
		if r, ok := roleNames[strings.TrimSpace(text)]; ok {
			return r, nil
		}
	}
	return text, nil
}

// onlyQuotes reports whether s holds nothing but double quotes.
func onlyQuotes(s string) bool { return strings.Trim(s, `"`) == "" }

// provenance reads 来源, 文献编号, 引文, 推理, 出处 and applies the import
// rule.
func (r *xrow) provenance() graph.Provenance {
	src, _ := r.get(fSource)
	p := graph.Provenance{Source: graph.Source(strings.ToUpper(src))}
	if s, ok := sourceNames[src]; ok {
		p.Source = s
	}
	p.SourceID, _ = r.get(fSourceID)
	for i, c := range r.h.cols {
		if i < len(r.cells) {
			switch c.field {
			case fQuote:
				p.Quote = r.cells[i]
			case fReasoning:
				p.Reasoning = r.cells[i]
			case fRef:
				p.Ref = r.cells[i]
			}
		}
	}
	return r.f.provenance(p)
}

// ref reads a reference and its id column.
func (r *xrow) ref(field, idField string) xref {
	x := xref{}
	x.text, x.textOff = r.get(field)
	x.id, x.idOff = r.get(idField)
	x.set = x.text != "" || x.id != ""
	for _, c := range r.h.cols {
		if c.field == field || (x.text == "" && c.field == idField) {
			x.header = c.zh
			break
		}
	}
	return x
}
