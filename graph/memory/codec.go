package memory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// Values are stored as JSON. encoding/json writes float64(3) as "3", which
// would read back as an int64; so floats are written as json.Number with a
// decimal point or an exponent, and read back with UseNumber and
// graph.NormaliseValue: digits only give int64, anything else float64.

func encodeNode(n *graph.Node) ([]byte, error) {
	c := *n
	c.Attrs = encodeAttrs(n.Attrs)
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode node %q: %w", n.ID, err)
	}
	return b, nil
}

func encodeEdge(e *graph.Edge) ([]byte, error) {
	c := *e
	c.Attrs = encodeAttrs(e.Attrs)
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("encode edge %q: %w", e.ID, err)
	}
	return b, nil
}

func encodeAttrs(attrs map[string]any) map[string]any {
	if attrs == nil {
		return nil
	}
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		if f, ok := v.(float64); ok {
			s := strconv.FormatFloat(f, 'g', -1, 64)
			if !strings.ContainsAny(s, ".eE") {
				s += ".0"
			}
			v = json.Number(s)
		}
		out[k] = v
	}
	return out
}

func decodeNode(b []byte) (*graph.Node, error) {
	var n graph.Node
	if err := decode(b, &n); err != nil {
		return nil, err
	}
	n.Attrs = graph.NormaliseAttrs(n.Attrs)
	return &n, nil
}

func decodeEdge(b []byte) (*graph.Edge, error) {
	var e graph.Edge
	if err := decode(b, &e); err != nil {
		return nil, err
	}
	e.Attrs = graph.NormaliseAttrs(e.Attrs)
	return &e, nil
}

func decode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// checkFinite refuses NaN and infinite floats, which neither JSON nor
// GraphQL can carry (graph.ValidateAttrs lets them through).
func checkFinite(field string, attrs map[string]any) error {
	for k, v := range attrs {
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return graph.Invalidf(field+"."+k, "attribute %q is %v; want a finite number", k, f)
		}
	}
	return nil
}

func validateNode(n *graph.Node) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return checkFinite("attrs", n.Attrs)
}

func validateEdge(e *graph.Edge) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return checkFinite("attrs", e.Attrs)
}
