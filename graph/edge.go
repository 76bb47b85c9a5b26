package graph

import (
	"slices"
	"strings"
)

// RelType is the Neo4j relationship type of an edge.
type RelType string

// The relationship types of DESIGN.md, plus PART_OF for containment of
// zones and projects.
const (
	RelSubOrganisationOf RelType = "SUB_ORGANISATION_OF" // child → parent
	RelMemberOf          RelType = "MEMBER_OF"           // organisation → alliance
	RelMentors           RelType = "MENTORS"             // strong village → weak village
	RelAdjacentTo        RelType = "ADJACENT_TO"         // neighbours (undirected in meaning)
	RelBuiltOn           RelType = "BUILT_ON"            // temporary branch → project
	RelHoldsPost         RelType = "HOLDS_POST"          // person → organisation
	RelResponsibleFor    RelType = "RESPONSIBLE_FOR"     // organisation or person → zone
	RelHostedAt          RelType = "HOSTED_AT"           // station, workshop → centre or park
	RelRuns              RelType = "RUNS"                // organisation → brand or platform
	RelPartOf            RelType = "PART_OF"             // zone → zone/organisation, project → project
)

// RelTypes lists every relationship type.
var RelTypes = []RelType{RelSubOrganisationOf, RelMemberOf, RelMentors, RelAdjacentTo, RelBuiltOn,
	RelHoldsPost, RelResponsibleFor, RelHostedAt, RelRuns, RelPartOf}

// Valid reports whether t is one of RelTypes.
func (t RelType) Valid() bool { return slices.Contains(RelTypes, t) }

// Endpoints says which labels a relationship type may join.
type Endpoints struct{ From, To []Label }

var (
	orgOrAlliance = []Label{LabelOrganisation, LabelAlliance}
	orgOnly       = []Label{LabelOrganisation}
)

// RelEndpoints is the schema of the graph: for each type, the labels allowed
// at its start and its end.
var RelEndpoints = map[RelType]Endpoints{
	RelSubOrganisationOf: {From: orgOrAlliance, To: orgOrAlliance},
	RelMemberOf:          {From: orgOnly, To: []Label{LabelAlliance}},
	RelMentors:           {From: orgOnly, To: orgOnly},
	RelAdjacentTo:        {From: orgOnly, To: orgOnly},
	RelBuiltOn:           {From: orgOnly, To: []Label{LabelProject}},
	RelHoldsPost:         {From: []Label{LabelPerson}, To: []Label{LabelOrganisation, LabelAlliance, LabelProject}},
	RelResponsibleFor:    {From: []Label{LabelOrganisation, LabelPerson}, To: []Label{LabelZone}},
	RelHostedAt:          {From: []Label{LabelOrganisation, LabelBrand, LabelPlatform}, To: []Label{LabelOrganisation, LabelZone}},
	RelRuns:              {From: []Label{LabelOrganisation, LabelAlliance}, To: []Label{LabelBrand, LabelPlatform}},
	RelPartOf:            {From: []Label{LabelZone, LabelProject, LabelBrand, LabelPlatform}, To: []Label{LabelZone, LabelOrganisation, LabelProject, LabelBrand}},
}

// Edge is one relationship of the network.
type Edge struct {
	ID   string  `json:"id"`
	Type RelType `json:"type"`
	From string  `json:"source"`
	To   string  `json:"target"`
	// Since and Until bound the relationship's life (YYYY-MM-DD or "").
	Since      string         `json:"since,omitempty"`
	Until      string         `json:"until,omitempty"`
	Attrs      map[string]any `json:"attrs,omitempty"`
	Provenance Provenance     `json:"provenance"`
}

// Clone returns a deep copy of e.
func (e *Edge) Clone() *Edge {
	if e == nil {
		return nil
	}
	c := *e
	if e.Attrs != nil {
		c.Attrs = make(map[string]any, len(e.Attrs))
		for k, v := range e.Attrs {
			c.Attrs[k] = v
		}
	}
	return &c
}

// EdgeLabel is an edge's display label, as diagrams draw it: a post's title
// (HOLDS_POST), a membership's role (MEMBER_OF), else the relationship type.
func EdgeLabel(e *Edge) string {
	if t, ok := e.Attrs[AttrTitle].(string); ok && t != "" {
		return t
	}
	if r, ok := e.Attrs[AttrRole].(string); ok && r != "" {
		return r
	}
	return string(e.Type)
}

// EdgeID is the id an edge gets when none is given: type, start and end, so
// that the same fact seeded twice is one edge.
func EdgeID(t RelType, from, to string) string {
	return string(t) + ":" + from + "->" + to
}

// Prepare fills defaults on a new edge (id, provenance source) and normalises
// its attributes and (to NFC) its quote and reasoning. It does not validate.
func (e *Edge) Prepare() {
	if e.ID == "" {
		e.ID = EdgeID(e.Type, e.From, e.To)
	}
	if e.Provenance.Source == "" {
		e.Provenance.Source = SourceUser
	}
	e.Provenance.normalise()
	e.Attrs = NormaliseAttrs(e.Attrs)
	if len(e.Attrs) == 0 {
		e.Attrs = nil
	}
}

var reservedEdgeKeys = []string{"id", "type", "source", "target", "from", "to", "since", "until", "provenance", "sourceId", "quote", "reasoning", "ref", "attrs"}

// Validate checks an edge on its own (the stores check that its endpoints
// exist and have labels RelEndpoints allows, with CheckEndpoints).
func (e *Edge) Validate() error {
	if err := ValidateID("id", e.ID); err != nil {
		return err
	}
	if !e.Type.Valid() {
		return Invalidf("type", "relationship type %q is not one of %v", e.Type, RelTypes)
	}
	if err := ValidateID("from", e.From); err != nil {
		return err
	}
	if err := ValidateID("to", e.To); err != nil {
		return err
	}
	if e.From == e.To {
		return Invalidf("to", "a %s edge cannot join %q to itself", e.Type, e.From)
	}
	if err := checkDates(e.Since, e.Until); err != nil {
		return err
	}
	if err := ValidateAttrs(e.Attrs, reservedEdgeKeys); err != nil {
		return err
	}
	return e.Provenance.Validate("provenance")
}

// CheckEndpoints reports whether an edge of type t may join a node labelled
// from to one labelled to.
func CheckEndpoints(t RelType, from, to Label) error {
	ep, ok := RelEndpoints[t]
	if !ok {
		return Invalidf("type", "relationship type %q is not one of %v", t, RelTypes)
	}
	if !slices.Contains(ep.From, from) || !slices.Contains(ep.To, to) {
		return Invalidf("type", "%s cannot join a %s to a %s (it joins %s to %s)",
			t, from, to, joinLabels(ep.From), joinLabels(ep.To))
	}
	return nil
}

func joinLabels(ls []Label) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, "|")
}

// Direction says which way to follow edges from a node.
type Direction string

// Directions.
const (
	Out  Direction = "OUT"  // edges that start at the node
	In   Direction = "IN"   // edges that end at the node
	Both Direction = "BOTH" // either
)
