package interchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// DumpFormat is the value of "format" in orgnet's JSON dump.
const DumpFormat = "orgnet/v1"

// Keys a node, an edge and a provenance may have in orgnet JSON.
var (
	jsonNodeKeys = []string{"id", "label", "kind", "name", "nameEn", "tier", "since", "until", "attrs", "attrProvenance", "provenance"}
	jsonEdgeKeys = []string{"id", "type", "source", "target", "since", "until", "attrs", "provenance"}
	jsonProvKeys = []string{"source", "sourceId", "quote", "reasoning", "ref"}
)

func readJSON(f *parsed) {
	data := f.src.data
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	fail := func(err error) {
		var se *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			f.problemAt(len(data), "truncated JSON: the file ends before the dump does")
		case errors.As(err, &se):
			f.problemAt(int(se.Offset)-1, "malformed JSON: %v", se)
		default:
			f.problemAt(int(dec.InputOffset()), "malformed JSON: %v", err)
		}
	}
	expect := func(want json.Delim, what string) bool {
		off := skipJSONSpace(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			fail(err)
			return false
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			f.problemAt(off, "%s must be a JSON %s", what, map[json.Delim]string{'{': "object", '[': "array"}[want])
			return false
		}
		return true
	}
	if !expect('{', "an orgnet dump") {
		return
	}
	sawFormat := false
	for dec.More() {
		keyOff := skipJSONSpace(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			fail(err)
			return
		}
		key, _ := tok.(string)
		valOff := skipJSONSpace(data, int(dec.InputOffset()))
		switch key {
		case "format":
			var s string
			if err := dec.Decode(&s); err != nil {
				fail(err)
				return
			}
			if s != DumpFormat {
				f.problemAt(valOff, "format %q is not %q: this is not an orgnet dump this version reads", s, DumpFormat)
				return
			}
			sawFormat = true
		case "nodes", "edges":
			if !expect('[', fmt.Sprintf("%q", key)) {
				return
			}
			for dec.More() {
				start := skipJSONSpace(data, int(dec.InputOffset()))
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					fail(err)
					return
				}
				f.tick()
				if key == "nodes" {
					f.jsonNode(raw, start)
				} else {
					f.jsonEdge(raw, start)
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				fail(err)
				return
			}
		default:
			f.problemAt(keyOff, "unknown key %q: an orgnet dump has format, nodes and edges", key)
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				fail(err)
				return
			}
		}
	}
	if _, err := dec.Token(); err != nil { // }
		fail(err)
		return
	}
	if off := skipJSONSpace(data, int(dec.InputOffset())); off < len(data) {
		f.problemAt(off, "malformed JSON: text after the end of the dump")
	}
	if !sawFormat {
		f.problemAt(0, "not an orgnet dump: \"format\": %q is missing", DumpFormat)
	}
}

// skipJSONSpace returns the offset of the first byte at or after off that is
// not white space, a comma or a colon: where the next value starts.
func skipJSONSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// jsonWalk records the offset of every key's value of the object raw
// (which starts at base), and of the keys of the objects under the keys
// listed in nested, as "key.sub". It reports keys not in allowed (when
// given) and returns false on any problem.
func (f *parsed) jsonWalk(raw []byte, base int, prefix string, allowed []string, nested map[string][]string, pos *itemPos) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		f.problemAt(base, "%s must be a JSON object", strings.TrimSuffix(prefix, ".")+map[bool]string{true: "an item"}[prefix == ""])
		return false
	}
	good := true
	for dec.More() {
		keyOff := base + skipJSONSpace(raw, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := tok.(string)
		valOff := base + skipJSONSpace(raw, int(dec.InputOffset()))
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return false
		}
		if allowed != nil && !contains(allowed, key) {
			f.problemAt(keyOff, "unknown key %q (known: %s)", prefix+key, strings.Join(allowed, ", "))
			good = false
			continue
		}
		pos.add(prefix+key, valOff)
		if sub, ok := nested[key]; ok && len(val) > 0 && val[0] == '{' {
			good = f.jsonWalk(val, valOff, prefix+key+".", sub, nil, pos) && good
		} else if _, ok := nested[key]; ok && string(val) != "null" {
			f.problemAt(valOff, "%s must be a JSON object", prefix+key)
			good = false
		}
	}
	return good
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonDecode decodes raw into v, reporting a type error at the field.
func (f *parsed) jsonDecode(raw []byte, v any, pos itemPos) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		f.problemAt(pos.at(jsonToGraphField(field)), "%s must be %s, not a JSON %s", field, jsonTypeName(te.Type), te.Value)
		return false
	}
	f.problemAt(pos.start, "%v", err)
	return false
}

func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// jsonToGraphField renames an edge's JSON keys to graph's field names.
func jsonToGraphField(f string) string {
	switch f {
	case "source":
		return "from"
	case "target":
		return "to"
	}
	return f
}

// jsonAttrs turns the json.Numbers of attrs into int64 (no fraction or
// exponent) or float64, reporting integers out of range.
func (f *parsed) jsonAttrs(attrs map[string]any, pos itemPos) bool {
	good := true
	for k, v := range attrs {
		var what string
		switch v.(type) {
		case map[string]any:
			what = "an object"
		case []any:
			what = "an array"
		case nil:
			what = "null"
		}
		if what != "" {
			f.problemAt(pos.at("attrs."+k), "attrs.%s is %s: an attribute is a string, a number or a boolean", k, what)
			good = false
			continue
		}
		num, ok := v.(json.Number)
		if !ok {
			continue
		}
		s := num.String()
		if strings.ContainsAny(s, ".eE") {
			x, err := num.Float64()
			if err != nil {
				f.problemAt(pos.at("attrs."+k), "attrs.%s: %s is out of range", k, s)
				good = false
				continue
			}
			attrs[k] = x
			continue
		}
		i, err := num.Int64()
		if err != nil {
			f.problemAt(pos.at("attrs."+k), "attrs.%s: %s is out of the range of a 64-bit integer", k, s)
			good = false
			continue
		}
		attrs[k] = i
	}
	return good
}

func (f *parsed) jsonNode(raw []byte, start int) {
	pos := itemPos{start: start}
	nested := map[string][]string{"provenance": jsonProvKeys, "attrs": nil, "attrProvenance": nil}
	if !f.jsonWalk(raw, start, "", jsonNodeKeys, nested, &pos) {
		f.rejectRaw(raw)
		return
	}
	var n graph.Node
	if !f.jsonDecode(raw, &n, pos) || !f.jsonAttrs(n.Attrs, pos) {
		f.rejected = append(f.rejected, n.ID)
		return
	}
	n.Provenance = f.provenance(n.Provenance)
	f.nodes = append(f.nodes, n)
	f.nodePos = append(f.nodePos, pos)
}

// rejectRaw notes the id of a node left out, when it can be read.
func (f *parsed) rejectRaw(raw []byte) {
	var x struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &x) == nil && x.ID != "" {
		f.rejected = append(f.rejected, x.ID)
	}
}

func (f *parsed) jsonEdge(raw []byte, start int) {
	pos := itemPos{start: start}
	nested := map[string][]string{"provenance": jsonProvKeys, "attrs": nil}
	if !f.jsonWalk(raw, start, "", jsonEdgeKeys, nested, &pos) {
		return
	}
	for i, n := range pos.names {
		pos.names[i] = jsonToGraphField(n)
	}
	var e graph.Edge
	if !f.jsonDecode(raw, &e, pos) || !f.jsonAttrs(e.Attrs, pos) {
		return
	}
	e.Provenance = f.provenance(e.Provenance)
	f.edges = append(f.edges, e)
	f.edgePos = append(f.edgePos, pos)
}
