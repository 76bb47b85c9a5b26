package interchange

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// xmlText escapes s for XML text and attribute values (new lines and tabs
// as character references, so that attribute values keep them).
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

var graphmlTypeNames = map[valueType]string{typeString: "string", typeInt: "long", typeFloat: "double", typeBool: "boolean", typeDate: "string"}

// scanKeys reads every node and edge once and returns the typed keys of
// their properties (rename changes node property names first) and the
// counts.
func scanKeys(ctx context.Context, src itemSource, rename func([]prop) []prop) (nk, ek *typedKeys, nodes, edges int, err error) {
	nks, eks := newKeySet(), newKeySet()
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, n := range pg.nodes {
			nks.add(rename(nodeProps(n)))
		}
		for _, e := range pg.edges() {
			eks.add(edgeProps(e))
		}
		nodes += len(pg.nodes)
		edges += len(pg.edges())
		return nil
	})
	return nks.keys("n_"), eks.keys("e_"), nodes, edges, err
}

func noRename(ps []prop) []prop { return ps }

// writeGraphML writes GraphML with one typed <key> per property (attr.name,
// attr.type), directed edges, node and edge ids as the id attributes.
func writeGraphML(ctx context.Context, w io.Writer, src itemSource) error {
	nk, ek, _, _, err := scanKeys(ctx, src, noRename)
	if err != nil {
		return err
	}
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
	err = pass(ctx, src, pageQuery{}, func(pg *page) error {
		for _, n := range pg.nodes {
			p.printf("    <node id=\"%s\">", xmlText(n.ID))
			for _, pr := range nodeProps(n) {
				id, ok := nk.id(pr)
				if !ok {
					return ErrChanged
				}
				p.printf("<data key=\"%s\">%s</data>", xmlText(id), xmlText(formatValue(pr.value)))
			}
			p.printf("</node>\n")
		}
		return p.err
	})
	if err != nil {
		return err
	}
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, e := range pg.edges() {
			p.printf("    <edge id=\"%s\" source=\"%s\" target=\"%s\">", xmlText(e.ID), xmlText(e.From), xmlText(e.To))
			for _, pr := range edgeProps(e) {
				id, ok := ek.id(pr)
				if !ok {
					return ErrChanged
				}
				p.printf("<data key=\"%s\">%s</data>", xmlText(id), xmlText(formatValue(pr.value)))
			}
			p.printf("</edge>\n")
		}
		return p.err
	})
	if err != nil {
		return err
	}
	p.printf("  </graph>\n</graphml>\n")
	return p.err
}

var gexfTypeNames = map[valueType]string{typeString: "string", typeInt: "long", typeFloat: "double", typeBool: "boolean", typeDate: "string"}

// gexfRename gives a node's graph label the name graphLabel: "label" is
// GEXF's own node attribute (the name).
func gexfRename(ps []prop) []prop {
	for j := range ps {
		if ps[j].name == "label" {
			ps[j].name = "graphLabel"
		}
	}
	return ps
}

// writeGEXF writes GEXF 1.3: each node's label is its name, its graph label
// is the attribute graphLabel; each edge's label and kind are its type (kind
// keeps parallel edges of different types apart in Gephi).
func writeGEXF(ctx context.Context, w io.Writer, src itemSource) error {
	nk, ek, nodes, edges, err := scanKeys(ctx, src, gexfRename)
	if err != nil {
		return err
	}
	p := &printer{w: w}
	p.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p.printf("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"" +
		" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n")
	p.printf("  <meta>\n    <creator>orgnet</creator>\n    <description>organisation network: %d nodes, %d edges</description>\n  </meta>\n", nodes, edges)
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
	err = pass(ctx, src, pageQuery{}, func(pg *page) error {
		for _, n := range pg.nodes {
			p.printf("      <node id=\"%s\" label=\"%s\">\n        <attvalues>\n", xmlText(n.ID), xmlText(n.Name))
			for _, pr := range gexfRename(nodeProps(n)) {
				id, ok := nk.id(pr)
				if !ok {
					return ErrChanged
				}
				p.printf("          <attvalue for=\"%s\" value=\"%s\"/>\n", xmlText(id), xmlText(formatValue(pr.value)))
			}
			p.printf("        </attvalues>\n      </node>\n")
		}
		return p.err
	})
	if err != nil {
		return err
	}
	p.printf("    </nodes>\n    <edges>\n")
	err = pass(ctx, src, pageQuery{out: true}, func(pg *page) error {
		for _, e := range pg.edges() {
			p.printf("      <edge id=\"%s\" source=\"%s\" target=\"%s\" label=\"%s\" kind=\"%s\">\n        <attvalues>\n",
				xmlText(e.ID), xmlText(e.From), xmlText(e.To), xmlText(string(e.Type)), xmlText(string(e.Type)))
			for _, pr := range edgeProps(e) {
				id, ok := ek.id(pr)
				if !ok {
					return ErrChanged
				}
				p.printf("          <attvalue for=\"%s\" value=\"%s\"/>\n", xmlText(id), xmlText(formatValue(pr.value)))
			}
			p.printf("        </attvalues>\n      </edge>\n")
		}
		return p.err
	})
	if err != nil {
		return err
	}
	p.printf("    </edges>\n  </graph>\n</gexf>\n")
	return p.err
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

// Write writes b unless an error came first.
func (p *printer) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	var n int
	n, p.err = p.w.Write(b)
	return n, p.err
}
