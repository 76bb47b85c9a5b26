// Package seed holds the Yuelin data set: the "大党建" network of Yuelin
// subdistrict (岳林街道), Fenghua, as the article shared/seed/yuelin-article.txt
// describes it, with the gaps the article leaves filled by plausible values.
//
// Every node, edge and attribute carries provenance: ARTICLE (stated) with
// the verbatim clause it rests on; INFERRED with the clause it is derived
// from and one line of reasoning, where the clause suggests the fact but
// does not state it; or ILLUSTRATIVE with a note ("illustrative: …") saying
// what was assumed. ARTICLE and INFERRED facts cite the article by its
// source id (YuelinSourceID); the batch registers the article itself (its
// first node, YuelinSource), so that a store checks every quote on write.
// An edge is ARTICLE only when both its ends are ARTICLE and the article
// states the relation. Where the article says that the street (岳林街道,
// 该街道) built or runs something for Party building, it is attached to
// 岳林街道党工委, the body that leads the street's Party work, as INFERRED;
// where it names a more specific body, that body.
//
// Yuelin is pure data: no I/O. The article is embedded (ArticleText).
package seed

import "github.com/orgnet/orgnet/graph"

// Ids of the key nodes, for callers that start from them.
const (
	StreetCommitteeID      = "org:yuelin-party-working-committee"     // 岳林街道党工委, tier 1
	TwoNewCommitteeID      = "org:yuelin-two-new-committee"           // 街道两新工委, tier 1
	StartupTownCommitteeID = "org:startup-town-party-mass-committee"  // 甬台众创小镇党群建设工作委员会, tier 2
	MakerspaceBranchID     = "org:shanqiuhui-makerspace-party-branch" // a tier-3 Party branch (illustrative)
	ShujiaAllianceID       = "alliance:shujia"                        // 舒家区域党建联合体
	StartupTownAllianceID  = "alliance:startup-town-party-building"   // 甬台众创小镇党建联盟
	ServiceCentreID        = "org:startup-town-service-centre"        // 甬台众创小镇党群服务中心
	ShengdunVillageID      = "org:shengdun-village"                   // 圣墩村
)

// AllianceSince is when the four regional alliances began: 自2016年10月起.
const AllianceSince = "2016-10-01"

// Yuelin returns every node and edge of the Yuelin network. The result is
// the same on every call and ready for graph.ValidateBatch and Store.Apply;
// edges carry their default ids (graph.EdgeID).
func Yuelin() graph.Batch {
	b := &builder{ids: map[string]*graph.Node{}}
	src := YuelinSource()
	b.nodes = append(b.nodes, &src)
	b.ids[src.ID] = &src
	b.committees()
	b.villages()
	b.regionalAlliances()
	b.projects()
	b.responsibilityArea()
	b.startupTown()
	b.brands()
	b.communityWork()
	return b.batch()
}

// article is a fact the article states, in the clause quote.
func article(quote string) graph.Provenance {
	return graph.Provenance{Source: graph.SourceArticle, SourceID: YuelinSourceID, Quote: quote}
}

// inferred is a fact the clause quote suggests but does not state; reason
// says, in one line, how it follows.
func inferred(quote, reason string) graph.Provenance {
	return graph.Provenance{Source: graph.SourceInferred, SourceID: YuelinSourceID, Quote: quote, Reasoning: reason}
}

func illustrative(note string) graph.Provenance {
	return graph.Provenance{Source: graph.SourceIllustrative, Quote: "illustrative: " + note}
}

// builder collects nodes and edges in the order they are added.
type builder struct {
	nodes []*graph.Node
	edges []*graph.Edge
	ids   map[string]*graph.Node
}

func (b *builder) batch() graph.Batch {
	out := graph.Batch{Nodes: make([]graph.Node, len(b.nodes)), Edges: make([]graph.Edge, len(b.edges))}
	for i, n := range b.nodes {
		out.Nodes[i] = *n
	}
	for i, e := range b.edges {
		out.Edges[i] = *e
	}
	return out
}

// node adds a node; an id added twice is a bug in the data and panics.
func (b *builder) node(label graph.Label, kind, id, name, nameEn string, p graph.Provenance) *graph.Node {
	if _, dup := b.ids[id]; dup {
		panic("seed: node " + id + " added twice")
	}
	n := &graph.Node{ID: id, Label: label, Kind: kind, Name: name, NameEn: nameEn, Provenance: p}
	b.nodes = append(b.nodes, n)
	b.ids[id] = n
	return n
}

func (b *builder) org(kind, id, name, nameEn string, tier int, p graph.Provenance) *graph.Node {
	n := b.node(graph.LabelOrganisation, kind, id, name, nameEn, p)
	n.Tier = tier
	return n
}

// set puts attribute key on n. A provenance, when given, is kept as the
// attribute's own (its source or quote differs from the node's).
func set(n *graph.Node, key string, v any, p ...graph.Provenance) {
	if n.Attrs == nil {
		n.Attrs = map[string]any{}
	}
	n.Attrs[key] = v
	if len(p) > 0 {
		if n.AttrProvenance == nil {
			n.AttrProvenance = map[string]graph.Provenance{}
		}
		n.AttrProvenance[key] = p[0]
	}
}

func (b *builder) edge(t graph.RelType, from, to string, p graph.Provenance) *graph.Edge {
	e := &graph.Edge{ID: graph.EdgeID(t, from, to), Type: t, From: from, To: to, Provenance: p}
	b.edges = append(b.edges, e)
	return e
}

// sub adds child SUB_ORGANISATION_OF parent.
func (b *builder) sub(child, parent string, p graph.Provenance) {
	b.edge(graph.RelSubOrganisationOf, child, parent, p)
}

// member adds org MEMBER_OF alliance with a role.
func (b *builder) member(org, alliance, role, since string, p graph.Provenance) {
	e := b.edge(graph.RelMemberOf, org, alliance, p)
	e.Attrs = map[string]any{graph.AttrRole: role}
	e.Since = since
}

// post adds person HOLDS_POST org with the title as the article words it and
// in English.
func (b *builder) post(person, org, title, titleEn string, p graph.Provenance) {
	e := b.edge(graph.RelHoldsPost, person, org, p)
	e.Attrs = map[string]any{graph.AttrTitle: title, "titleEn": titleEn}
}
