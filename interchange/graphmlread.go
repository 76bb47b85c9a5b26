package interchange

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// GraphML: <key id attr.name attr.type for> declares a property; node
// <data> under the names label, kind, name, nameEn, tier, since, until,
// provenance, quote, ref and attrProvenance fill the node, edge <data> under
// type, since, until, provenance, quote and ref fill the edge; every other
// name is an attribute of the key's type. Node and edge ids are the id
// attributes of <node> and <edge>.

// graphmlTypes maps GraphML's attr.type to what orgnet keeps.
var graphmlTypes = map[string]valueType{
	"": typeString, "string": typeString,
	"int": typeInt, "long": typeInt,
	"float": typeFloat, "double": typeFloat,
	"boolean": typeBool,
}

type graphmlKey struct {
	name   string
	typ    valueType
	domain string // node, edge, graph, all
	def    *string
	off    int
	ignore bool // yEd's graphics keys (yfiles.type): drawing, not data
	// checked and bad memoise the attribute-name check per item kind.
	checked [2]bool
	bad     [2]error
}

// graphmlItem collects one <node> or <edge> while it is read.
type graphmlItem struct {
	edge     bool
	id, from string
	to       string
	hasID    bool
	pos      itemPos
	data     map[string]string // key id → text
	good     bool
	dataKey  string // the <data> being read
	dataOff  int
	dataText strings.Builder
	inData   bool
}

func readGraphML(f *parsed) {
	data := f.src.data
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	keys := map[string]*graphmlKey{}
	var item *graphmlItem
	var curKey *graphmlKey // the <key> being read, for its <default>
	depth := 0             // element depth
	graphDepth := 0
	sawRoot := false
	for {
		off := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			if !sawRoot {
				f.problemAt(0, "not GraphML: no <graphml> element")
			}
			return
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				if strings.Contains(se.Msg, "unexpected EOF") {
					f.problemAt(len(data), "malformed XML: the file ends inside an element (truncated?)")
				} else {
					f.problemAt(xmlErrorOffset(f.src, se.Line, off), "malformed XML: %s", se.Msg)
				}
			} else {
				f.problemAt(int(d.InputOffset()), "malformed XML: %v", err)
			}
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := t.Name.Local
			attr := func(n string) (string, bool) {
				for _, a := range t.Attr {
					if a.Name.Local == n {
						return a.Value, true
					}
				}
				return "", false
			}
			switch {
			case depth == 1:
				if name != "graphml" {
					f.problemAt(off, "not GraphML: the root element is <%s>, not <graphml>", name)
					return
				}
				sawRoot = true
			case name == "key" && item == nil:
				id, _ := attr("id")
				k := &graphmlKey{off: off}
				k.name, _ = attr("attr.name")
				if k.name == "" {
					k.name = id
				}
				k.domain, _ = attr("for")
				_, k.ignore = attr("yfiles.type")
				typ, _ := attr("attr.type")
				vt, ok := graphmlTypes[typ]
				if !ok {
					f.problemAt(off, "key %q: attr.type %q is not supported (use boolean, int, long, float, double or string)", id, typ)
				}
				k.typ = vt
				keys[id] = k
				curKey = k
			case name == "default" && curKey != nil:
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					f.problemAt(off, "malformed <default>: %v", err)
					return
				}
				curKey.def = &s
				depth--
			case name == "graph":
				graphDepth++
				if item != nil || graphDepth > 1 {
					f.problemAt(off, "nested graphs are not supported")
					return
				}
			case name == "node" || name == "edge":
				if item != nil {
					f.problemAt(off, "<%s> inside <%s>: nested items are not supported", name, map[bool]string{true: "edge", false: "node"}[item.edge])
					return
				}
				item = &graphmlItem{edge: name == "edge", pos: itemPos{start: off}, data: map[string]string{}, good: true}
				item.id, item.hasID = attr("id")
				if item.edge {
					item.from, _ = attr("source")
					item.to, _ = attr("target")
					item.pos.add("from", off)
					item.pos.add("to", off)
				}
				item.pos.add("id", off)
			case name == "data" && item != nil:
				key, _ := attr("key")
				item.inData, item.dataKey, item.dataOff = true, key, off
				item.dataText.Reset()
			case name == "hyperedge" || name == "port":
				f.problemAt(off, "<%s> is not supported", name)
				return
			}
		case xml.CharData:
			if item != nil && item.inData {
				item.dataText.Write(t)
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "key":
				curKey = nil
			case "graph":
				graphDepth--
			case "data":
				if item != nil && item.inData {
					item.inData = false
					k := keys[item.dataKey]
					if k == nil {
						f.problemAt(item.dataOff, "<data key=%q>: no <key> declares %q", item.dataKey, item.dataKey)
						item.good = false
						continue
					}
					if k.ignore {
						continue
					}
					if _, dup := item.data[item.dataKey]; dup {
						f.problemAt(item.dataOff, "<data key=%q> appears twice", item.dataKey)
						item.good = false
						continue
					}
					item.data[item.dataKey] = item.dataText.String()
					item.pos.add("data:"+item.dataKey, item.dataOff)
				}
			case "node", "edge":
				if item != nil {
					f.tick()
					f.graphmlItem(item, keys)
					item = nil
				}
			}
		}
	}
}

// xmlErrorOffset places an XML syntax error: on its line, at the decoder's
// offset when that is on the line, else at the line's start.
func xmlErrorOffset(src *source, line, off int) int {
	if l, _ := src.pos(off); l == line || line == 0 {
		return off
	}
	return src.offset(line, 1)
}

var (
	graphmlNodeFields = map[string]string{"label": "label", "kind": "kind", "name": "name", "nameEn": "nameEn", "tier": "tier",
		"since": "since", "until": "until", "provenance": "provenance.source", "quote": "provenance.quote", "ref": "provenance.ref",
		"sourceId": "provenance.sourceId", "reasoning": "provenance.reasoning", "attrProvenance": "attrProvenance"}
	graphmlEdgeFields = map[string]string{"type": "type", "since": "since", "until": "until",
		"provenance": "provenance.source", "quote": "provenance.quote", "ref": "provenance.ref",
		"sourceId": "provenance.sourceId", "reasoning": "provenance.reasoning"}
)

// graphmlItem turns a <node> or <edge> read into a graph item.
func (f *parsed) graphmlItem(it *graphmlItem, keys map[string]*graphmlKey) {
	domain := "node"
	fields := graphmlNodeFields
	kind := 0
	if it.edge {
		domain, fields, kind = "edge", graphmlEdgeFields, 1
	}
	values := map[string]string{} // property name → text
	offs := map[string]int{}
	for _, k := range keys { // defaults first; data overrides them
		if k.def != nil && !k.ignore && (k.domain == domain || k.domain == "all") {
			values[k.name] = *k.def
			offs[k.name] = it.pos.start
		}
	}
	names := map[string]*graphmlKey{}
	for i, n := range it.pos.names {
		id, ok := strings.CutPrefix(n, "data:")
		if !ok {
			continue
		}
		k := keys[id]
		if k.domain != "" && k.domain != domain && k.domain != "all" {
			f.problemAt(it.pos.offs[i], "<data key=%q> on an %s: the key is declared for=%q", id, domain, k.domain)
			it.good = false
			continue
		}
		values[k.name] = it.data[id]
		offs[k.name] = it.pos.offs[i]
		names[k.name] = k
		// Name the place by graph's field name, for validation problems.
		if field, core := fields[k.name]; core {
			it.pos.names[i] = field
		} else {
			it.pos.names[i] = "attrs." + k.name
		}
	}
	for _, k := range keys {
		if _, ok := names[k.name]; !ok && k.def != nil {
			names[k.name] = k
		}
	}
	var prov graph.Provenance
	var n graph.Node
	var e graph.Edge
	attrs := map[string]any{}
	for name, text := range values {
		off := offs[name]
		k := names[name]
		if field, core := fields[name]; core {
			switch field {
			case "label":
				l, msg := pickLabel(text)
				if msg != "" {
					f.problemAt(off, "%s", msg)
					it.good = false
				}
				n.Label = l
			case "kind":
				n.Kind = text
			case "name":
				n.Name = text
			case "nameEn":
				n.NameEn = text
			case "tier":
				v, err := parseValue(typeInt, text)
				if err != nil {
					f.problemAt(off, "tier: %v", err)
					it.good = false
					continue
				}
				n.Tier = int(v.(int64))
			case "since", "until":
				if it.edge {
					if field == "since" {
						e.Since = text
					} else {
						e.Until = text
					}
				} else if field == "since" {
					n.Since = text
				} else {
					n.Until = text
				}
			case "type":
				e.Type = graph.RelType(text)
			case "provenance.source":
				prov.Source = graph.Source(text)
			case "provenance.sourceId":
				prov.SourceID = text
			case "provenance.quote":
				prov.Quote = text
			case "provenance.reasoning":
				prov.Reasoning = text
			case "provenance.ref":
				prov.Ref = text
			case "attrProvenance":
				if text != "" {
					if err := json.Unmarshal([]byte(text), &n.AttrProvenance); err != nil {
						f.problemAt(off, "attrProvenance is not a JSON object of provenances: %v", err)
						it.good = false
					}
				}
			}
			continue
		}
		if !k.checked[kind] {
			k.checked[kind], k.bad[kind] = true, checkAttrKey(name, it.edge)
		}
		if k.bad[kind] != nil {
			f.problemAt(off, "attribute %q: %s", name, graph.ErrorMessage(k.bad[kind]))
			it.good = false
			continue
		}
		v, err := parseValue(k.typ, text)
		if err != nil {
			f.problemAt(off, "%s: %v", name, err)
			it.good = false
			continue
		}
		attrs[name] = v
	}
	if len(attrs) == 0 {
		attrs = nil
	}
	if it.edge {
		if !it.good {
			return
		}
		e.ID, e.From, e.To, e.Attrs = it.id, it.from, it.to, attrs
		e.Provenance = f.provenance(prov)
		f.edges = append(f.edges, e)
		f.edgePos = append(f.edgePos, it.pos)
		return
	}
	n.ID, n.Attrs = it.id, attrs
	if !it.good {
		f.rejected = append(f.rejected, n.ID)
		return
	}
	n.Provenance = f.provenance(prov)
	f.nodes = append(f.nodes, n)
	f.nodePos = append(f.nodePos, it.pos)
}
