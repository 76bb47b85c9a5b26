package interchange

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// xmlText escapes s for XML text and attribute values (new lines and tabs
// as character references, so that attribute values keep them).
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

var graphmlTypeNames = map[valueType]string{typeString: "string", typeInt: "long", typeFloat: "double", typeBool: "boolean", typeDate: "string"}

// writeGraphML writes GraphML with one typed <key> per property (attr.name,
// attr.type), directed edges, node and edge ids as the id attributes.
func writeGraphML(w io.Writer, g *graph.Snapshot) error {
	nps, eps := flatten(g)
	nk, ek := newTypedKeys("n_", nps), newTypedKeys("e_", eps)
	p := &printer{w: w}
	p.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p.printf("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"" +
		" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n")
	for _, keys := range []struct {
		k      *typedKeys
		domain string
	}{{nk, "node"}, {ek, "edge"}} {
		for _, tk := range keys.k.order {
			typ := graphmlTypeNames[tk.typ]
			if tk.name == "tier" {
				typ = "int"
			}
			p.printf("  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n", xmlText(keys.k.ids[tk]), keys.domain, xmlText(tk.name), typ)
		}
	}
	p.printf("  <graph id=\"orgnet\" edgedefault=\"directed\">\n")
	for i, n := range g.Nodes {
		p.printf("    <node id=\"%s\">", xmlText(n.ID))
		for _, pr := range nps[i] {
			p.printf("<data key=\"%s\">%s</data>", xmlText(nk.id(pr)), xmlText(formatValue(pr.value)))
		}
		p.printf("</node>\n")
	}
	for i, e := range g.Edges {
		p.printf("    <edge id=\"%s\" source=\"%s\" target=\"%s\">", xmlText(e.ID), xmlText(e.From), xmlText(e.To))
		for _, pr := range eps[i] {
			p.printf("<data key=\"%s\">%s</data>", xmlText(ek.id(pr)), xmlText(formatValue(pr.value)))
		}
		p.printf("</edge>\n")
	}
	p.printf("  </graph>\n</graphml>\n")
	return p.err
}

var gexfTypeNames = map[valueType]string{typeString: "string", typeInt: "long", typeFloat: "double", typeBool: "boolean", typeDate: "string"}

// writeGEXF writes GEXF 1.3: each node's label is its name, its graph label
// is the attribute graphLabel; each edge's label and kind are its type (kind
// keeps parallel edges of different types apart in Gephi).
func writeGEXF(w io.Writer, g *graph.Snapshot) error {
	nps, eps := flatten(g)
	for _, ps := range nps { // "label" is GEXF's own node attribute
		for j := range ps {
			if ps[j].name == "label" {
				ps[j].name = "graphLabel"
			}
		}
	}
	nk, ek := newTypedKeys("n_", nps), newTypedKeys("e_", eps)
	p := &printer{w: w}
	p.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p.printf("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"" +
		" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n")
	p.printf("  <meta>\n    <creator>orgnet</creator>\n    <description>organisation network: %d nodes, %d edges</description>\n  </meta>\n", len(g.Nodes), len(g.Edges))
	p.printf("  <graph defaultedgetype=\"directed\" mode=\"static\">\n")
	for _, keys := range []struct {
		k     *typedKeys
		class string
	}{{nk, "node"}, {ek, "edge"}} {
		p.printf("    <attributes class=\"%s\" mode=\"static\">\n", keys.class)
		for _, tk := range keys.k.order {
			typ := gexfTypeNames[tk.typ]
			if tk.name == "tier" {
				typ = "integer"
			}
			p.printf("      <attribute id=\"%s\" title=\"%s\" type=\"%s\"/>\n", xmlText(keys.k.ids[tk]), xmlText(tk.name), typ)
		}
		p.printf("    </attributes>\n")
	}
	p.printf("    <nodes>\n")
	for i, n := range g.Nodes {
		p.printf("      <node id=\"%s\" label=\"%s\">\n        <attvalues>\n", xmlText(n.ID), xmlText(n.Name))
		for _, pr := range nps[i] {
			p.printf("          <attvalue for=\"%s\" value=\"%s\"/>\n", xmlText(nk.id(pr)), xmlText(formatValue(pr.value)))
		}
		p.printf("        </attvalues>\n      </node>\n")
	}
	p.printf("    </nodes>\n    <edges>\n")
	for i, e := range g.Edges {
		p.printf("      <edge id=\"%s\" source=\"%s\" target=\"%s\" label=\"%s\" kind=\"%s\">\n        <attvalues>\n",
			xmlText(e.ID), xmlText(e.From), xmlText(e.To), xmlText(string(e.Type)), xmlText(string(e.Type)))
		for _, pr := range eps[i] {
			p.printf("          <attvalue for=\"%s\" value=\"%s\"/>\n", xmlText(ek.id(pr)), xmlText(formatValue(pr.value)))
		}
		p.printf("        </attvalues>\n      </edge>\n")
	}
	p.printf("    </edges>\n  </graph>\n</gexf>\n")
	return p.err
}

// flatten returns the flat properties of every node and edge of g.
func flatten(g *graph.Snapshot) (nodes, edges [][]prop) {
	nodes = make([][]prop, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[i] = nodeProps(n)
	}
	edges = make([][]prop, len(g.Edges))
	for i, e := range g.Edges {
		edges[i] = edgeProps(e)
	}
	return nodes, edges
}

// printer writes formatted text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	if len(args) == 0 {
		_, p.err = io.WriteString(p.w, format)
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}
