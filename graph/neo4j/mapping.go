package neo4j

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/orgnet/orgnet/graph"
)

// Property names the store writes itself. Attribute keys can never be one of
// them: graph reserves them (reservedNodeKeys, reservedEdgeKeys).
const (
	propID             = "id"
	propKind           = "kind"
	propName           = "name"
	propNameEn         = "nameEn"
	propTier           = "tier"
	propSince          = "since"
	propUntil          = "until"
	propSource         = "source"
	propSourceID       = "sourceId" // the cited source document (stated and inferred facts)
	propQuote          = "quote"
	propReasoning      = "reasoning" // an inferred fact's line of reasoning
	propRef            = "ref"
	propAttrProvenance = "attrProvenance" // JSON object: key → graph.Provenance
	propSearchKey      = "searchKey"      // graph.KeyOf: name, nameEn, pinyin, initials, joined by "\n"
)

// nodeLabel is the label every node carries beside its graph label.
const nodeLabel = "Node"

// searchKeySep joins the parts of searchKey. FoldText removes all white
// space and pinyin is letters and digits, so the separator never occurs
// inside a part, and a CONTAINS on the whole key matches exactly when it
// matches one of the parts.
const searchKeySep = "\n"

// searchKey is what Search and FindNodes.NameContains match against: the
// folded names, the full pinyin and the initials of graph.KeyOf, always
// four parts joined by searchKeySep. One property under one TEXT index costs
// writes far less than one per part.
func searchKey(k graph.SearchKey) string {
	return k.Name + searchKeySep + k.NameEn + searchKeySep + k.Pinyin + searchKeySep + k.Initials
}

// nodeProps is the full property map of a node (validated by the caller):
// known fields, folded search key, attributes as ordinary properties and the
// attribute provenance as JSON. Empty optional fields are left out.
func nodeProps(n *graph.Node) (map[string]any, error) {
	p := make(map[string]any, 12+len(n.Attrs))
	for k, v := range n.Attrs {
		p[k] = v
	}
	p[propID] = n.ID
	p[propKind] = n.Kind
	p[propName] = n.Name
	putString(p, propNameEn, n.NameEn)
	if n.Tier != 0 {
		p[propTier] = int64(n.Tier)
	}
	putString(p, propSince, n.Since)
	putString(p, propUntil, n.Until)
	putProvenance(p, n.Provenance)
	if len(n.AttrProvenance) > 0 {
		b, err := json.Marshal(n.AttrProvenance)
		if err != nil {
			return nil, fmt.Errorf("neo4j: encode attrProvenance of %q: %w", n.ID, err)
		}
		p[propAttrProvenance] = string(b)
	}
	p[propSearchKey] = searchKey(graph.KeyOf(n))
	return p, nil
}

// edgeProps is the full property map of an edge (validated by the caller).
// Type and endpoints are the relationship's own.
func edgeProps(e *graph.Edge) map[string]any {
	p := make(map[string]any, 6+len(e.Attrs))
	for k, v := range e.Attrs {
		p[k] = v
	}
	p[propID] = e.ID
	putString(p, propSince, e.Since)
	putString(p, propUntil, e.Until)
	putProvenance(p, e.Provenance)
	return p
}

// putProvenance writes a provenance as the properties source, sourceId,
// quote, reasoning and ref (empty ones left out: data stored before sources
// were registered simply has no sourceId).
func putProvenance(p map[string]any, pr graph.Provenance) {
	p[propSource] = string(pr.Source)
	putString(p, propSourceID, pr.SourceID)
	putString(p, propQuote, pr.Quote)
	putString(p, propReasoning, pr.Reasoning)
	putString(p, propRef, pr.Ref)
}

func putString(p map[string]any, k, v string) {
	if v != "" {
		p[k] = v
	}
}

// errGone is a lean read's EntityNotFound: a node or relationship that a
// concurrent write deleted between the match and the projection, whose
// properties then read as null (every stored one has an id). Reads are
// tried again on it (readTx), as on EntityNotFound.
var errGone = errors.New("neo4j: a node or relationship was deleted under the read")

// decodeNode turns a returned node into a graph.Node: a whole node, or the
// lean list of project (its core properties in the order of leanNodeKeys,
// absent ones null; the label follows from the kind).
func decodeNode(v any) (*graph.Node, error) {
	var (
		labels    []string
		props     map[string]any
		elementID string
	)
	switch x := v.(type) {
	case []any:
		return decodeLeanNode(x)
	case dbtype.Node:
		labels, props, elementID = x.Labels, x.Props, x.ElementId
	case *dbtype.Node:
		if x == nil {
			return nil, fmt.Errorf("neo4j: want a node, got a nil *dbtype.Node")
		}
		labels, props, elementID = x.Labels, x.Props, x.ElementId
	default:
		return nil, fmt.Errorf("neo4j: want a node, got %T", v)
	}
	n := &graph.Node{}
	for _, l := range labels {
		if l != nodeLabel && graph.Label(l).Valid() {
			n.Label = graph.Label(l)
		}
	}
	for k, v := range props {
		if err := setNodeProp(n, k, v); err != nil {
			return nil, err
		}
	}
	if n.ID == "" {
		return nil, fmt.Errorf("neo4j: a node without an id (element %s)", elementID)
	}
	return n, nil
}

// decodeLeanNode decodes the lean list of a node. An id that is null means
// the node was deleted between the match and the projection (errGone).
func decodeLeanNode(l []any) (*graph.Node, error) {
	if len(l) != len(leanNodeKeys) {
		return nil, fmt.Errorf("neo4j: a lean node of %d values; want %d", len(l), len(leanNodeKeys))
	}
	if l[leanNodeID] == nil {
		return nil, errGone
	}
	k, _ := l[leanNodeKind].(string)
	label, ok := graph.LabelOfKind(k)
	if !ok {
		return nil, fmt.Errorf("neo4j: lean node %v has kind %q, which is no label's", l[leanNodeID], k)
	}
	n := &graph.Node{Label: label}
	for i, v := range l {
		if err := setNodeProp(n, leanNodeKeys[i], v); err != nil {
			return nil, err
		}
	}
	if n.ID == "" {
		return nil, fmt.Errorf("neo4j: a lean node without an id")
	}
	return n, nil
}

// setNodeProp sets the field of n that property k holds (nothing for a
// null v, an absent property of a lean node).
func setNodeProp(n *graph.Node, k string, v any) error {
	if v == nil {
		return nil
	}
	switch k {
	case propID:
		n.ID, _ = v.(string)
	case propKind:
		n.Kind, _ = v.(string)
	case propName:
		n.Name, _ = v.(string)
	case propNameEn:
		n.NameEn, _ = v.(string)
	case propTier:
		t, _ := v.(int64)
		n.Tier = int(t)
	case propSince:
		n.Since, _ = v.(string)
	case propUntil:
		n.Until, _ = v.(string)
	case propSource:
		s, _ := v.(string)
		n.Provenance.Source = graph.Source(s)
	case propSourceID:
		n.Provenance.SourceID, _ = v.(string)
	case propReasoning:
		n.Provenance.Reasoning, _ = v.(string)
	case propQuote:
		n.Provenance.Quote, _ = v.(string)
	case propRef:
		n.Provenance.Ref, _ = v.(string)
	case propAttrProvenance:
		s, _ := v.(string)
		if s != "" {
			if err := json.Unmarshal([]byte(s), &n.AttrProvenance); err != nil {
				return fmt.Errorf("neo4j: node %q: decode attrProvenance: %w", n.ID, err)
			}
			if len(n.AttrProvenance) == 0 {
				n.AttrProvenance = nil
			}
		}
	case propSearchKey:
	default:
		if strings.HasPrefix(k, "_") { // the store's own markers; never attributes
			return nil
		}
		if n.Attrs == nil {
			n.Attrs = make(map[string]any, 4)
		}
		n.Attrs[k] = v
	}
	return nil
}

// decodeRel turns a relationship and its endpoint ids into a graph.Edge: a
// whole relationship, or the lean list of project (its properties in the
// order of leanRelKeys, absent ones null, then its type).
func decodeRel(v any, from, to string) (*graph.Edge, error) {
	switch x := v.(type) {
	case []any:
		if len(x) != len(leanRelKeys)+1 {
			return nil, fmt.Errorf("neo4j: a lean relationship of %d values; want %d", len(x), len(leanRelKeys)+1)
		}
		if x[leanRelID] == nil {
			return nil, errGone
		}
		typ, _ := x[len(leanRelKeys)].(string)
		e := &graph.Edge{Type: graph.RelType(typ), From: from, To: to}
		for i, k := range leanRelKeys {
			setRelProp(e, k, x[i])
		}
		if e.ID == "" {
			return nil, fmt.Errorf("neo4j: a lean %s relationship without an id", typ)
		}
		return e, nil
	case dbtype.Relationship:
		return decodeWholeRel(x.Type, x.Props, x.ElementId, from, to)
	case *dbtype.Relationship:
		if x == nil {
			return nil, fmt.Errorf("neo4j: want a relationship, got a nil *dbtype.Relationship")
		}
		return decodeWholeRel(x.Type, x.Props, x.ElementId, from, to)
	default:
		return nil, fmt.Errorf("neo4j: want a relationship, got %T", v)
	}
}

func decodeWholeRel(typ string, props map[string]any, elementID, from, to string) (*graph.Edge, error) {
	e := &graph.Edge{Type: graph.RelType(typ), From: from, To: to}
	for k, v := range props {
		setRelProp(e, k, v)
	}
	if e.ID == "" {
		return nil, fmt.Errorf("neo4j: a %s relationship without an id (element %s)", typ, elementID)
	}
	return e, nil
}

// setRelProp sets the field of e that property k holds (nothing for a
// null v).
func setRelProp(e *graph.Edge, k string, v any) {
	if v == nil {
		return
	}
	switch k {
	case propID:
		e.ID, _ = v.(string)
	case propSince:
		e.Since, _ = v.(string)
	case propUntil:
		e.Until, _ = v.(string)
	case propSource:
		s, _ := v.(string)
		e.Provenance.Source = graph.Source(s)
	case propSourceID:
		e.Provenance.SourceID, _ = v.(string)
	case propReasoning:
		e.Provenance.Reasoning, _ = v.(string)
	case propQuote:
		e.Provenance.Quote, _ = v.(string)
	case propRef:
		e.Provenance.Ref, _ = v.(string)
	default:
		if strings.HasPrefix(k, "_") {
			return
		}
		if e.Attrs == nil {
			e.Attrs = make(map[string]any, 2)
		}
		e.Attrs[k] = v
	}
}

// decodeEdge decodes the projection [r, from id, to id].
func decodeEdge(v any) (*graph.Edge, error) {
	l, ok := v.([]any)
	if !ok || len(l) != 3 {
		return nil, fmt.Errorf("neo4j: want an edge as [r, from, to], got %T", v)
	}
	f, _ := l[1].(string)
	t, _ := l[2].(string)
	return decodeRel(l[0], f, t)
}

// decodeNodes decodes a list of nodes.
func decodeNodes(v any) ([]*graph.Node, error) {
	l, _ := v.([]any)
	out := make([]*graph.Node, 0, len(l))
	for _, x := range l {
		n, err := decodeNode(x)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// decodeEdges decodes a list of [r, from, to] lists.
func decodeEdges(v any) ([]*graph.Edge, error) {
	l, _ := v.([]any)
	out := make([]*graph.Edge, 0, len(l))
	for _, x := range l {
		e, err := decodeEdge(x)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// graphLabel returns the graph label among a node's labels ("" when none).
func graphLabel(v any) graph.Label {
	l, _ := v.(string)
	if graph.Label(l).Valid() {
		return graph.Label(l)
	}
	return ""
}
