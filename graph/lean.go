package graph

import "slices"

// Lean reads (View.Lean). A caller that will look only at the core fields
// of what it reads (a diagram's nodes and edges, a list of names) reads with
// a lean View; a store may then leave every other field zero.
//
// The core fields are listed once, below, by name: the stores (which
// properties a lean Neo4j statement projects) and the GraphQL layer (which
// fields a lean operation may select) derive theirs from these lists.

// Names of the fields of nodes and edges, as the core lists name them.
// Attribute keys (AttrAllianceType, AttrRole, AttrTitle …) name attributes.
const (
	FieldID     = "id"
	FieldLabel  = "label" // a node's Label
	FieldKind   = "kind"
	FieldName   = "name"
	FieldNameEn = "nameEn"
	FieldTier   = "tier"
	FieldType   = "type" // an edge's Type
	FieldFrom   = "from" // an edge's From
	FieldTo     = "to"   // an edge's To
	FieldSince  = "since"
	FieldUntil  = "until"
	FieldSource = "source" // Provenance.Source
	FieldQuote  = "quote"  // Provenance.Quote
	FieldRef    = "ref"    // Provenance.Ref
	// FieldAttrProvenance is a node's AttrProvenance.
	FieldAttrProvenance = "attrProvenance"
)

// The core of a node and of an edge: what a lean read must get right. The
// provenance quote and ref, AttrProvenance and the other attributes may be
// zero in a lean answer.
var (
	leanNodeFields = []string{FieldID, FieldLabel, FieldKind, FieldName, FieldNameEn, FieldTier,
		FieldSince, FieldUntil, FieldSource, AttrAllianceType}
	leanEdgeFields = []string{FieldID, FieldType, FieldFrom, FieldTo, FieldSince, FieldUntil,
		FieldSource, AttrRole, AttrTitle}
)

// LeanNodeFields returns the names of the core fields of a node (a copy).
func LeanNodeFields() []string { return slices.Clone(leanNodeFields) }

// LeanEdgeFields returns the names of the core fields of an edge (a copy).
func LeanEdgeFields() []string { return slices.Clone(leanEdgeFields) }

// IsLeanNodeField reports whether name is a core field of a node.
func IsLeanNodeField(name string) bool { return slices.Contains(leanNodeFields, name) }

// IsLeanEdgeField reports whether name is a core field of an edge.
func IsLeanEdgeField(name string) bool { return slices.Contains(leanEdgeFields, name) }

// LeanNode returns a copy of n with only its core fields (nil for nil): what
// a lean read must get right.
func LeanNode(n *Node) *Node {
	if n == nil {
		return nil
	}
	out := &Node{}
	for _, f := range leanNodeFields {
		switch f {
		case FieldID:
			out.ID = n.ID
		case FieldLabel:
			out.Label = n.Label
		case FieldKind:
			out.Kind = n.Kind
		case FieldName:
			out.Name = n.Name
		case FieldNameEn:
			out.NameEn = n.NameEn
		case FieldTier:
			out.Tier = n.Tier
		case FieldSince:
			out.Since = n.Since
		case FieldUntil:
			out.Until = n.Until
		case FieldSource:
			out.Provenance.Source = n.Provenance.Source
		default: // an attribute
			out.Attrs = copyAttr(out.Attrs, n.Attrs, f)
		}
	}
	return out
}

// LeanEdge returns a copy of e with only its core fields (nil for nil).
func LeanEdge(e *Edge) *Edge {
	if e == nil {
		return nil
	}
	out := &Edge{}
	for _, f := range leanEdgeFields {
		switch f {
		case FieldID:
			out.ID = e.ID
		case FieldType:
			out.Type = e.Type
		case FieldFrom:
			out.From = e.From
		case FieldTo:
			out.To = e.To
		case FieldSince:
			out.Since = e.Since
		case FieldUntil:
			out.Until = e.Until
		case FieldSource:
			out.Provenance.Source = e.Provenance.Source
		default: // an attribute
			out.Attrs = copyAttr(out.Attrs, e.Attrs, f)
		}
	}
	return out
}

// copyAttr copies attribute key from src into dst (made when needed).
func copyAttr(dst, src map[string]any, key string) map[string]any {
	v, ok := src[key]
	if !ok {
		return dst
	}
	if dst == nil {
		dst = map[string]any{}
	}
	dst[key] = v
	return dst
}
