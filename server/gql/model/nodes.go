// Package model holds the GraphQL models: generated ones (models_gen.go) and
// the hand-written wrappers below, which give each GraphQL node type its own
// Go type over the one graph.Node the stores keep.
package model

import (
	"sort"

	"github.com/orgnet/orgnet/graph"
)

// Base holds the fields every node type shares; gqlgen binds them to these
// methods, so no resolver is written for them. V is the view the node's
// relation fields are read with: the one of the root field it was reached
// from (its asOf date, lean or not).
type Base struct {
	N *graph.Node
	V graph.View
}

// ID is the node's id.
func (b Base) ID() string { return b.N.ID }

// Label is the node's label.
func (b Base) Label() NodeLabel { return LabelOf(b.N.Label) }

// KindName is the node's kind as a string.
func (b Base) KindName() string { return b.N.Kind }

// Name is the Chinese name.
func (b Base) Name() string { return b.N.Name }

// NameEn is the English name, null when empty.
func (b Base) NameEn() *string { return optString(b.N.NameEn) }

// Since is the start date.
func (b Base) Since() string { return b.N.Since }

// Until is the end date.
func (b Base) Until() string { return b.N.Until }

// Provenance says where the node came from.
func (b Base) Provenance() *Provenance { return ProvenanceOf(b.N.Provenance) }

// Attributes lists the node's attributes by key, each with its provenance.
func (b Base) Attributes() []*Attribute {
	return AttributesOf(b.N.Attrs, b.N.AttrProv)
}

// Organisation is a graph.Node labelled Organisation.
type Organisation struct{ Base }

// Kind is the organisation's kind.
func (o Organisation) Kind() OrgKind { return OrgKind(o.N.Kind) }

// Tier is 1–3, or null.
func (o Organisation) Tier() *int { return optInt(o.N.Tier) }

// Population is the population attribute, or null.
func (o Organisation) Population() *int { return intAttr(o.N, graph.AttrPopulation) }

// PartyMembers is the partyMembers attribute, or null.
func (o Organisation) PartyMembers() *int { return intAttr(o.N, graph.AttrPartyMembers) }

// Strength is the strength attribute, or null.
func (o Organisation) Strength() *float64 {
	switch v := o.N.Attrs[graph.AttrStrength].(type) {
	case int64:
		f := float64(v)
		return &f
	case float64:
		return &v
	}
	return nil
}

// Alliance is a graph.Node labelled Alliance.
type Alliance struct{ Base }

// Kind is the alliance's kind.
func (a Alliance) Kind() AllianceKind { return AllianceKind(a.N.Kind) }

// Type is the regional-alliance type, or null.
func (a Alliance) Type() *AllianceType {
	if s, ok := a.N.Attrs[graph.AttrAllianceType].(string); ok {
		t := AllianceType(s)
		return &t
	}
	return nil
}

// Person is a graph.Node labelled Person.
type Person struct{ Base }

// Project is a graph.Node labelled Project.
type Project struct{ Base }

// Zone is a graph.Node labelled Zone.
type Zone struct{ Base }

// Brand is a graph.Node labelled Brand.
type Brand struct{ Base }

// Platform is a graph.Node labelled Platform.
type Platform struct{ Base }

// Edge is a graph.Edge; V is the view its end nodes are read with.
type Edge struct {
	E *graph.Edge
	V graph.View
}

// ID is the edge's id.
func (e Edge) ID() string { return e.E.ID }

// Type is the relationship type.
func (e Edge) Type() RelationType { return RelationType(e.E.Type) }

// Source is the start node's id.
func (e Edge) Source() string { return e.E.From }

// Target is the end node's id.
func (e Edge) Target() string { return e.E.To }

// Since is the start date.
func (e Edge) Since() string { return e.E.Since }

// Until is the end date.
func (e Edge) Until() string { return e.E.Until }

// Provenance says where the edge came from.
func (e Edge) Provenance() *Provenance { return ProvenanceOf(e.E.Provenance) }

// Attributes lists the edge's attributes by key.
func (e Edge) Attributes() []*Attribute {
	return AttributesOf(e.E.Attrs, func(string) graph.Provenance { return e.E.Provenance })
}

func (Organisation) IsNode() {}
func (Alliance) IsNode()     {}
func (Person) IsNode()       {}
func (Project) IsNode()      {}
func (Zone) IsNode()         {}
func (Brand) IsNode()        {}
func (Platform) IsNode()     {}

// Inner returns the graph node behind a GraphQL node.
func Inner(n Node) *graph.Node {
	switch x := n.(type) {
	case *Organisation:
		return x.N
	case *Alliance:
		return x.N
	case *Person:
		return x.N
	case *Project:
		return x.N
	case *Zone:
		return x.N
	case *Brand:
		return x.N
	case *Platform:
		return x.N
	}
	return nil
}

// Wrap returns the GraphQL node type for a graph node (nil for nil), whose
// relations are read with v.
func Wrap(n *graph.Node, v graph.View) Node {
	if n == nil {
		return nil
	}
	b := Base{N: n, V: v}
	switch n.Label {
	case graph.LabelOrganisation:
		return &Organisation{b}
	case graph.LabelAlliance:
		return &Alliance{b}
	case graph.LabelPerson:
		return &Person{b}
	case graph.LabelProject:
		return &Project{b}
	case graph.LabelZone:
		return &Zone{b}
	case graph.LabelBrand:
		return &Brand{b}
	case graph.LabelPlatform:
		return &Platform{b}
	}
	return nil // a record kept beside the network (graph.IsRecord): no node of the network
}

// LabelOf maps a graph label to the GraphQL enum.
func LabelOf(l graph.Label) NodeLabel {
	switch l {
	case graph.LabelOrganisation:
		return NodeLabelOrganisation
	case graph.LabelAlliance:
		return NodeLabelAlliance
	case graph.LabelPerson:
		return NodeLabelPerson
	case graph.LabelProject:
		return NodeLabelProject
	case graph.LabelZone:
		return NodeLabelZone
	case graph.LabelBrand:
		return NodeLabelBrand
	default:
		return NodeLabelPlatform
	}
}

// ProvenanceOf converts a graph provenance.
func ProvenanceOf(p graph.Provenance) *Provenance {
	out := &Provenance{}
	SetProvenance(out, &p)
	return out
}

// SetProvenance sets dst to p converted; its optional fields point into p.
func SetProvenance(dst *Provenance, p *graph.Provenance) {
	*dst = Provenance{Source: Source(p.Source)}
	if p.SourceID != "" {
		dst.SourceID = &p.SourceID
	}
	if p.Reasoning != "" {
		dst.Reasoning = &p.Reasoning
	}
	if p.Quote != "" {
		dst.Quote = &p.Quote
	}
	if p.Ref != "" {
		dst.Ref = &p.Ref
	}
}

// AttributesOf lists attributes sorted by key with their provenance.
func AttributesOf(attrs map[string]any, prov func(string) graph.Provenance) []*Attribute {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*Attribute, len(keys))
	for i, k := range keys {
		out[i] = &Attribute{Key: k, Value: attrs[k], Provenance: ProvenanceOf(prov(k))}
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(i int) *int {
	if i == 0 {
		return nil
	}
	return &i
}

func intAttr(n *graph.Node, key string) *int {
	switch v := n.Attrs[key].(type) {
	case int64:
		i := int(v)
		return &i
	case float64:
		i := int(v)
		return &i
	}
	return nil
}
