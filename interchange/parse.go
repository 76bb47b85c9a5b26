package interchange

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// parsed is what a reader makes of one file: nodes and edges with the places
// their fields came from, and the problems found while reading.
type parsed struct {
	src     *source
	format  Format
	nodes   []graph.Node
	nodePos []itemPos
	edges   []graph.Edge
	edgePos []itemPos
	// rejected holds the ids of nodes left out for a problem already
	// reported, so that edges to them are not also called dangling.
	rejected []string
	problems []Problem
	// downgraded counts items that claimed a source other than USER without
	// a quote and were taken as USER.
	downgraded int
	meter      *progress
	// limit is the most a workbook may unpack to; book is what it holds
	// until resolveXLSX makes nodes and edges of it.
	limit int64
	book  *workbook
}

// itemPos is where a node or edge and its fields are in the file: byte
// offsets, fields named as graph names them in errors ("kind",
// "attrs.population", "provenance.quote", "from").
type itemPos struct {
	start int
	names []string // shared between the rows of one CSV file
	offs  []int
}

// at returns the offset of field, or of its nearest enclosing field
// ("attrProvenance.x.source" → "attrProvenance"), or of the item.
func (p itemPos) at(field string) int {
	for field != "" {
		for i, n := range p.names {
			if n == field && i < len(p.offs) && p.offs[i] >= 0 {
				return p.offs[i]
			}
		}
		i := strings.LastIndexByte(field, '.')
		if i < 0 {
			break
		}
		field = field[:i]
	}
	return p.start
}

func (p *itemPos) add(name string, off int) {
	p.names = append(p.names, name)
	p.offs = append(p.offs, off)
}

func (f *parsed) problemAt(off int, format string, args ...any) {
	f.problems = append(f.problems, f.src.problem(off, format, args...))
}

// provenance applies the import rule to what a file says of an item: a
// level other than USER is kept when the file gives it with a quote (an
// ARTICLE fact that names no source, as files written before sources were
// registered, cites graph.LegacySourceID; stated and inferred quotes are
// then checked against their source like any write); anything else is
// USER, with Ref the file's base name unless the file names one.
func (f *parsed) provenance(p graph.Provenance) graph.Provenance {
	switch p.Source {
	case graph.SourceArticle, graph.SourceInferred, graph.SourceIllustrative, graph.SourceSynthetic:
		if p.Quote != "" {
			if p.Source == graph.SourceArticle && p.SourceID == "" {
				p.SourceID = graph.LegacySourceID
			}
			return p
		}
		f.downgraded++
	case "", graph.SourceUser:
	default:
		return p // not a level at all: graph's validation says so
	}
	p.Source, p.SourceID, p.Reasoning = graph.SourceUser, "", ""
	if p.Ref == "" {
		p.Ref = filepath.Base(f.src.name)
	}
	return p
}

// valueType is the type of an attribute value in a typed column or key.
type valueType int

const (
	typeString valueType = iota
	typeInt
	typeFloat
	typeBool
	typeDate // a string that must be YYYY-MM-DD
)

func (t valueType) String() string {
	return [...]string{"string", "integer", "float", "boolean", "date"}[t]
}

// parseValue converts the text of a typed cell.
func parseValue(t valueType, s string) (any, error) {
	switch t {
	case typeInt:
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return i, nil
	case typeFloat:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%q is not a finite number", s)
		}
		return x, nil
	case typeBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean (true or false)", s)
	case typeDate:
		if err := graph.ValidateDate("date", s); err != nil {
			return nil, fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
		}
		return s, nil
	}
	return s, nil
}

// typeOf returns the valueType of an attribute value (string for anything
// unexpected: graph's validation refuses it).
func typeOf(v any) valueType {
	switch v.(type) {
	case int64:
		return typeInt
	case float64:
		return typeFloat
	case bool:
		return typeBool
	}
	return typeString
}

// formatValue writes an attribute value as text: integers in decimal,
// floats in the shortest form that reads back the same, booleans as
// true/false.
func formatValue(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// checkAttrKey reports whether key may be an attribute of a node (or an
// edge): an identifier that is not a name the stores use themselves.
func checkAttrKey(key string, edge bool) error {
	attrs := map[string]any{key: ""}
	prov := graph.Provenance{Source: graph.SourceUser}
	var err error
	if edge {
		err = (&graph.Edge{ID: "x", Type: graph.RelMemberOf, From: "a", To: "b", Attrs: attrs, Provenance: prov}).Validate()
	} else {
		err = (&graph.Node{ID: "x", Label: graph.LabelZone, Kind: "GRID", Name: "x", Attrs: attrs, Provenance: prov}).Validate()
	}
	var ge *graph.Error
	if errors.As(err, &ge) && ge.Field == "attrs" {
		return ge
	}
	return nil
}
