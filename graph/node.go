package graph

import (
	"math"
	"regexp"
	"slices"
)

// Label is the Neo4j label of a node: what sort of thing it is.
type Label string

// The node labels of DESIGN.md.
const (
	LabelOrganisation Label = "Organisation"
	LabelAlliance     Label = "Alliance"
	LabelPerson       Label = "Person"
	LabelProject      Label = "Project"
	LabelZone         Label = "Zone"
	LabelBrand        Label = "Brand"
	LabelPlatform     Label = "Platform"
	// LabelScenario is a saved planning scenario: its input and plan are
	// JSON attributes; it has no edges.
	LabelScenario Label = "Scenario"
	// LabelSource (sources.go) is a registered source document.
)

// Labels lists every node label.
var Labels = []Label{LabelOrganisation, LabelAlliance, LabelPerson, LabelProject, LabelZone, LabelBrand, LabelPlatform, LabelScenario, LabelSource}

// Valid reports whether l is one of Labels.
func (l Label) Valid() bool { return slices.Contains(Labels, l) }

// Kinds lists, per label, the kinds a node of that label may have. The first
// kind of each list is the default when none is given.
var Kinds = map[Label][]string{
	LabelOrganisation: {
		"PARTY_WORKING_COMMITTEE", // 党工委, 两新工委
		"PARTY_COMMITTEE",         // 党委, 党群建设工作委员会
		"PARTY_BRANCH",            // 党支部
		"TEMPORARY_PARTY_BRANCH",  // 临时党支部 (支部建在项目上)
		"PARTY_GROUP",             // 党小组
		"PARTY_COMMANDO",          // 党员突击队
		"UNION",                   // 工会
		"YOUTH_LEAGUE",            // 团
		"WOMENS_FEDERATION",       // 妇联
		"MAKERSPACE",              // 众创空间
		"ENTERPRISE",              // 企业
		"VILLAGE",                 // 行政村
		"COMMUNITY",               // 社区
		"GOVERNMENT_OFFICE",       // 街道, 司法所, 指挥部
		"SERVICE_CENTRE",          // 党群服务中心
		"LIAISON_STATION",         // 党建工作联络站
		"WORKSHOP",                // 乡贤工作室, 创业创新基地
		"PARK",                    // 园区
		"SOCIAL_ORGANISATION",     // 社会公益组织, 商会, 俱乐部
	},
	LabelAlliance: {
		"REGIONAL_ALLIANCE",       // 区域党建联合体
		"PARTY_BUILDING_ALLIANCE", // 党建联盟
	},
	LabelPerson:   {"PERSON"},
	LabelProject:  {"PROJECT", "SUB_PROJECT"},
	LabelZone:     {"RESPONSIBILITY_AREA", "GRID", "NATURAL_VILLAGE", "AREA"},
	LabelBrand:    {"BRAND", "BRAND_SYSTEM"},
	LabelPlatform: {"SERVICE_PLATFORM", "WEBSITE", "WECHAT_ACCOUNT", "NETWORK_PLATFORM"},
	LabelScenario: {"SAVED", "COMMITTED"},
	LabelSource:   {"DOCUMENT", "NEWS_ARTICLE", "REPORT", "WEB_PAGE"},
}

// LabelOfKind returns the label whose Kinds list kind. No kind belongs to
// two labels (TestKindsDisjoint), so a node's kind tells its label: the
// Neo4j store's lean reads rely on it instead of reading labels.
func LabelOfKind(kind string) (Label, bool) {
	l, ok := labelOfKind[kind]
	return l, ok
}

var labelOfKind = func() map[string]Label {
	m := map[string]Label{}
	for l, ks := range Kinds {
		for _, k := range ks {
			m[k] = l
		}
	}
	return m
}()

// AllianceTypes are the five types of regional alliance the article names
// (强村带动, 产业纽带, 文化共建, 项目联动, 服务共享), kept in the attribute
// AttrAllianceType.
var AllianceTypes = []string{"STRONG_VILLAGE_LEAD", "INDUSTRY_LINK", "CULTURE_CO_BUILD", "PROJECT_LINK", "SERVICE_SHARE"}

// Attribute keys with a meaning the code relies on.
const (
	AttrAllianceType = "allianceType" // one of AllianceTypes, on an Alliance
	AttrPopulation   = "population"   // residents of a village or community
	AttrStrength     = "strength"     // collective income, 10k yuan a year
	AttrPartyMembers = "partyMembers" // Party members
	AttrTitle        = "title"        // on HOLDS_POST: the post
	AttrRole         = "role"         // on MEMBER_OF: member, co-builder, lead
)

// Node is one vertex of the network. Typed views (Organisation, Alliance, …)
// are built from it at the API; the stores keep this one shape.
type Node struct {
	ID     string `json:"id"`
	Label  Label  `json:"label"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`   // Chinese, as in the article
	NameEn string `json:"nameEn"` // English
	// Tier is 1–3 in the Party and mass-organisation hierarchy; 0 for none.
	Tier int `json:"tier,omitempty"`
	// Since and Until bound the node's life (YYYY-MM-DD; "" when unknown or open).
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
	// Attrs are further scalar properties (string, int64, float64, bool).
	Attrs map[string]any `json:"attrs,omitempty"`
	// AttrProvenance holds the provenance of attributes whose source differs
	// from the node's own (an ILLUSTRATIVE population on an ARTICLE village).
	AttrProvenance map[string]Provenance `json:"attrProvenance,omitempty"`
	Provenance     Provenance            `json:"provenance"`
}

// AttrProv returns the provenance of attribute key: its own if it has one,
// else the node's.
func (n *Node) AttrProv(key string) Provenance {
	if p, ok := n.AttrProvenance[key]; ok {
		return p
	}
	return n.Provenance
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	if n.Attrs != nil {
		c.Attrs = make(map[string]any, len(n.Attrs))
		for k, v := range n.Attrs {
			c.Attrs[k] = v
		}
	}
	if n.AttrProvenance != nil {
		c.AttrProvenance = make(map[string]Provenance, len(n.AttrProvenance))
		for k, v := range n.AttrProvenance {
			c.AttrProvenance[k] = v
		}
	}
	return &c
}

// Validate checks a node before it is written: id, label, kind for the
// label, names, tier, dates, attributes and provenance. It returns an *Error
// of CodeInvalid naming the field at fault.
func (n *Node) Validate() error {
	if err := ValidateID("id", n.ID); err != nil {
		return err
	}
	if !n.Label.Valid() {
		return Invalidf("label", "label %q is not one of %v", n.Label, Labels)
	}
	if !slices.Contains(Kinds[n.Label], n.Kind) {
		return Invalidf("kind", "kind %q is not a kind of %s (one of %v)", n.Kind, n.Label, Kinds[n.Label])
	}
	if err := checkText("name", n.Name, 1, maxNameRunes); err != nil {
		return err
	}
	if err := checkText("nameEn", n.NameEn, 0, maxNameRunes); err != nil {
		return err
	}
	if n.Tier < 0 || n.Tier > 3 {
		return Invalidf("tier", "tier %d is out of range 0–3", n.Tier)
	}
	if err := checkDates(n.Since, n.Until); err != nil {
		return err
	}
	if err := ValidateAttrs(n.Attrs, reservedNodeKeys); err != nil {
		return err
	}
	if t, ok := n.Attrs[AttrAllianceType]; ok {
		s, isString := t.(string)
		if n.Label != LabelAlliance || !isString || !slices.Contains(AllianceTypes, s) {
			return Invalidf("attrs.allianceType", "allianceType %v is allowed only on an Alliance, as one of %v", t, AllianceTypes)
		}
	}
	for _, k := range sortedKeys(n.AttrProvenance) {
		if _, ok := n.Attrs[k]; !ok {
			return Invalidf("attrProvenance."+k, "attrProvenance names %q, which is not an attribute", k)
		}
		if err := n.AttrProvenance[k].Validate("attrProvenance." + k); err != nil {
			return err
		}
	}
	if err := n.Provenance.Validate("provenance"); err != nil {
		return err
	}
	if n.Label == LabelSource {
		return validateSource(n)
	}
	return nil
}

// reservedNodeKeys are property names the stores use themselves.
var reservedNodeKeys = []string{"id", "label", "kind", "name", "nameEn", "tier", "since", "until",
	"provenance", "source", "sourceId", "quote", "reasoning", "ref", "attrs", "attrProvenance", "searchKey", "pinyin", "initials"}

var attrKeyRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,63}$`)

// ValidateAttrs checks attribute keys and values: keys are identifiers that
// are not reserved, values are strings, integers, floats or booleans.
func ValidateAttrs(attrs map[string]any, reserved []string) error {
	if len(attrs) > maxAttrs {
		return Invalidf("attrs", "too many attributes (%d, at most %d)", len(attrs), maxAttrs)
	}
	for k, v := range attrs {
		if !attrKeyRE.MatchString(k) || slices.Contains(reserved, k) {
			return Invalidf("attrs", "attribute key %q must be an identifier (letter, then letters, digits, _) and not one of %v", k, reserved)
		}
		switch x := v.(type) {
		case string:
			if err := checkText("attrs."+k, x, 0, maxTextRunes); err != nil {
				return err
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return Invalidf("attrs."+k, "attribute %q is not a finite number", k)
			}
		case int64, bool:
		default:
			return Invalidf("attrs."+k, "attribute %q has a value of type %T; want string, integer, float or boolean", k, v)
		}
	}
	return nil
}

// NormaliseAttrs converts the numeric types JSON and GraphQL hand over
// (int, int32, float64 that is whole, json.Number) to int64 or float64 so that
// both stores keep the same types.
func NormaliseAttrs(attrs map[string]any) map[string]any {
	if attrs == nil {
		return nil
	}
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		out[k] = NormaliseValue(v)
	}
	return out
}

// NormaliseValue is NormaliseAttrs for one value.
func NormaliseValue(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case interface{ Int64() (int64, error) }: // json.Number
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, ok := x.(interface{ Float64() (float64, error) }); ok {
			if g, err := f.Float64(); err == nil {
				return g
			}
		}
	}
	return v
}

// NodeInput creates a node. An empty Kind takes the label's default kind; an
// empty Provenance.Source becomes USER.
type NodeInput = Node

// NodeUpdate changes a node. Nil fields are left as they are. Attrs, when
// set, are merged: a key with a nil value is removed.
type NodeUpdate struct {
	Kind       *string
	Name       *string
	NameEn     *string
	Tier       *int
	Since      *string
	Until      *string
	Attrs      map[string]any
	Provenance *Provenance
}

// Apply returns a copy of n with u applied; the result still needs Validate.
func (u NodeUpdate) Apply(n *Node) *Node {
	c := n.Clone()
	if u.Kind != nil {
		c.Kind = *u.Kind
	}
	if u.Name != nil {
		c.Name = *u.Name
	}
	if u.NameEn != nil {
		c.NameEn = *u.NameEn
	}
	if u.Tier != nil {
		c.Tier = *u.Tier
	}
	if u.Since != nil {
		c.Since = *u.Since
	}
	if u.Until != nil {
		c.Until = *u.Until
	}
	for k, v := range u.Attrs {
		if v == nil {
			delete(c.Attrs, k)
			delete(c.AttrProvenance, k)
			continue
		}
		if c.Attrs == nil {
			c.Attrs = map[string]any{}
		}
		c.Attrs[k] = NormaliseValue(v)
	}
	if len(c.AttrProvenance) == 0 {
		c.AttrProvenance = nil
	}
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	if u.Provenance != nil {
		c.Provenance = *u.Provenance
	}
	return c
}

// Prepare fills defaults on a new node (kind, provenance source) and
// normalises its attributes, and puts its quotes and reasoning (and a
// source's text) in Unicode NFC, the form quotes are checked in. It does
// not validate.
func (n *Node) Prepare() {
	if n.Kind == "" && len(Kinds[n.Label]) > 0 {
		n.Kind = Kinds[n.Label][0]
	}
	if n.Provenance.Source == "" {
		n.Provenance.Source = SourceUser
	}
	n.Attrs = NormaliseAttrs(n.Attrs)
	if len(n.Attrs) == 0 {
		n.Attrs = nil
	}
	if len(n.AttrProvenance) == 0 {
		n.AttrProvenance = nil
	}
	n.NormaliseText()
}

// NormaliseText puts the node's quotes and reasoning (its own provenance's
// and its attributes') and a source's text in Unicode NFC, the form quotes
// are checked in (QuoteChecker). Prepare does it; stores do it to an
// updated node. It changes maps in place: call it on a node you own.
func (n *Node) NormaliseText() {
	n.Provenance.normalise()
	if t, ok := n.Attrs[AttrText].(string); ok && n.Label == LabelSource {
		n.Attrs[AttrText] = nfc(t)
	}
	for k, p := range n.AttrProvenance {
		q := p
		q.normalise()
		if q != p {
			n.AttrProvenance[k] = q
		}
	}
}
