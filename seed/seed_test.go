package seed_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
)

// index is the Yuelin batch with lookups by id, name and edge end.
type index struct {
	b      graph.Batch
	nodes  map[string]*graph.Node
	byName map[string][]*graph.Node
	out    map[string][]graph.Edge // by From
	in     map[string][]graph.Edge // by To
}

func newIndex(t *testing.T) *index {
	t.Helper()
	x := &index{b: seed.Yuelin(), nodes: map[string]*graph.Node{}, byName: map[string][]*graph.Node{},
		out: map[string][]graph.Edge{}, in: map[string][]graph.Edge{}}
	for i := range x.b.Nodes {
		n := &x.b.Nodes[i]
		x.nodes[n.ID] = n
		x.byName[n.Name] = append(x.byName[n.Name], n)
	}
	for _, e := range x.b.Edges {
		x.out[e.From] = append(x.out[e.From], e)
		x.in[e.To] = append(x.in[e.To], e)
	}
	return x
}

// one returns the only node named name, failing the test otherwise.
func (x *index) one(t *testing.T, name string) *graph.Node {
	t.Helper()
	ns := x.byName[name]
	if len(ns) != 1 {
		t.Fatalf("nodes named %q: %d; want 1", name, len(ns))
	}
	return ns[0]
}

// outs returns the edges of type typ leaving id.
func (x *index) outs(id string, typ graph.RelType) []graph.Edge {
	var es []graph.Edge
	for _, e := range x.out[id] {
		if e.Type == typ {
			es = append(es, e)
		}
	}
	return es
}

// ins returns the edges of type typ arriving at id.
func (x *index) ins(id string, typ graph.RelType) []graph.Edge {
	var es []graph.Edge
	for _, e := range x.in[id] {
		if e.Type == typ {
			es = append(es, e)
		}
	}
	return es
}

// parent returns the one SUB_ORGANISATION_OF parent of id, or "".
func (x *index) parent(t *testing.T, id string) string {
	t.Helper()
	ps := x.outs(id, graph.RelSubOrganisationOf)
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return ps[0].To
	}
	t.Fatalf("%s has %d SUB_ORGANISATION_OF parents; want at most 1", id, len(ps))
	return ""
}

func (x *index) ofKind(label graph.Label, kind string) []*graph.Node {
	var ns []*graph.Node
	for i := range x.b.Nodes {
		if n := &x.b.Nodes[i]; n.Label == label && n.Kind == kind {
			ns = append(ns, n)
		}
	}
	return ns
}

func names(ns []*graph.Node) []string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.Name
	}
	sort.Strings(s)
	return s
}

func isPlace(n *graph.Node) bool {
	return n.Label == graph.LabelOrganisation && (n.Kind == "VILLAGE" || n.Kind == "COMMUNITY")
}

// TestEmbeddedArticle: the article built into the binary is the one beside
// the repository (shared/seed/yuelin-article.txt).
func TestEmbeddedArticle(t *testing.T) {
	path, err := seed.FindArticle(".")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("FindArticle: %v", err)
		}
		t.Skipf("FindArticle: %v", err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(text) != seed.ArticleText {
		t.Errorf("seed/yuelin-article.txt differs from %s: copy it again", path)
	}
	if d := graph.DocumentOf(&seed.Yuelin().Nodes[0]); d == nil || d.ID != seed.YuelinSourceID || d.Text != seed.ArticleText {
		t.Errorf("the batch's first node does not register the article: %+v", d)
	}
}

// TestQuotes checks every seed fact's quote against the article, as a store
// checks it on write (graph.CheckBatchSources, with the article the batch
// registers) and with CheckQuotes (no quote spans a line break).
func TestQuotes(t *testing.T) {
	b := seed.Yuelin()
	for _, err := range seed.CheckQuotes(b, seed.ArticleText) {
		t.Error(err)
	}
	if err := graph.ValidateBatch(&b, func(string) (graph.Label, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	for _, p := range graph.CheckBatchSources(&b, func(string) (string, bool) { return "", false }) {
		t.Error(p.String())
	}
	// Every stated or inferred fact is counted, so that none escapes.
	n := 0
	count := func(p graph.Provenance) {
		if p.Source.Quoted() {
			n++
		}
	}
	for _, nd := range b.Nodes {
		count(nd.Provenance)
		for _, p := range nd.AttrProvenance {
			count(p)
		}
	}
	for _, e := range b.Edges {
		count(e.Provenance)
	}
	t.Logf("%d stated or inferred facts, every quote verbatim in the article", n)
}

func TestCheckQuotes(t *testing.T) {
	const article = "第一句,有逗号。\n\n第二句。"
	art := func(q string) graph.Provenance {
		return graph.Provenance{Source: graph.SourceArticle, SourceID: seed.YuelinSourceID, Quote: q}
	}
	b := graph.Batch{
		Nodes: []graph.Node{
			{ID: "a", Provenance: art("第一句,有逗号。")},
			{ID: "b", Provenance: art("第一句，有逗号。"), // full-width comma
				AttrProvenance: map[string]graph.Provenance{"k": art("第三句")}},
			{ID: "c", Provenance: art("有逗号。\n\n第二句")},
			{ID: "d", Provenance: graph.Provenance{Source: graph.SourceIllustrative, Quote: "illustrative: anything"}},
			{ID: "f", Provenance: graph.Provenance{Source: graph.SourceInferred, SourceID: "source:other", Quote: "第二句。", Reasoning: "x"}},
		},
		Edges: []graph.Edge{{ID: "e", Provenance: art("第二句。")}},
	}
	var got []string
	for _, err := range seed.CheckQuotes(b, article) {
		got = append(got, err.Error())
	}
	want := []string{"node b: ARTICLE: provenance.quote", "node b attr k:", "node c: quote spans a line break", "node f: INFERRED: provenance.sourceId"}
	if len(got) != len(want) {
		t.Fatalf("CheckQuotes = %q; want %d errors starting %q", got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("CheckQuotes error %d = %q; want prefix %q", i, got[i], want[i])
		}
	}
}

func TestFindArticle(t *testing.T) {
	t.Run("WalksUp", func(t *testing.T) {
		t.Setenv(seed.ArticleEnv, "")
		root := t.TempDir()
		want := filepath.Join(root, filepath.FromSlash(seed.ArticleRelPath))
		deep := filepath.Join(root, "repo", "seed")
		for _, d := range []string{filepath.Dir(want), deep} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(want, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := seed.FindArticle(deep); err != nil || got != want {
			t.Errorf("FindArticle(%q) = %q, %v; want %q", deep, got, err, want)
		}
	})
	t.Run("Env", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "a.txt")
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv(seed.ArticleEnv, p)
		if got, err := seed.FindArticle(t.TempDir()); err != nil || got != p {
			t.Errorf("FindArticle = %q, %v; want %q", got, err, p)
		}
	})
	t.Run("ErrArticleNotFound", func(t *testing.T) {
		t.Setenv(seed.ArticleEnv, "")
		if _, err := seed.FindArticle(t.TempDir()); !errors.Is(err, seed.ErrArticleNotFound) {
			t.Errorf("FindArticle(empty dir) error = %v; want ErrArticleNotFound", err)
		}
	})
}

func TestValidate(t *testing.T) {
	b := seed.Yuelin()
	err := graph.ValidateBatch(&b, func(string) (graph.Label, bool) { return "", false })
	if err == nil {
		return
	}
	var be *graph.BatchError
	if errors.As(err, &be) {
		for _, p := range be.Problems {
			t.Error(p.String())
		}
	}
	t.Fatalf("ValidateBatch(Yuelin()) = %v; want nil", err)
}

func TestValidateLeavesBatchUnchanged(t *testing.T) {
	// Yuelin already holds what Prepare would fill (edge ids, int64 attrs),
	// so a prepared copy equals a fresh one.
	b := seed.Yuelin()
	if err := graph.ValidateBatch(&b, func(string) (graph.Label, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b, seed.Yuelin()) {
		t.Error("ValidateBatch changed the batch: Yuelin is not in prepared form")
	}
}

func TestDeterministic(t *testing.T) {
	a, b := seed.Yuelin(), seed.Yuelin()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls of Yuelin() differ")
	}
	// The result is the caller's: changing it does not change the next one.
	a.Nodes[0].Attrs = map[string]any{"x": int64(1)}
	for i := range a.Edges {
		a.Edges[i].Attrs = nil
	}
	if !reflect.DeepEqual(b, seed.Yuelin()) {
		t.Fatal("changing one result changed the next")
	}
}

func TestIDs(t *testing.T) {
	x := newIndex(t)
	prefix := map[graph.Label]string{
		graph.LabelOrganisation: "org:", graph.LabelAlliance: "alliance:", graph.LabelPerson: "person:",
		graph.LabelProject: "project:", graph.LabelZone: "zone:", graph.LabelBrand: "brand:", graph.LabelPlatform: "platform:",
	}
	seen := map[string]bool{}
	for _, n := range x.b.Nodes {
		if seen[n.ID] {
			t.Errorf("node id %q twice", n.ID)
		}
		seen[n.ID] = true
		if !strings.HasPrefix(n.ID, prefix[n.Label]) {
			t.Errorf("node %q is a %s; want id prefix %q", n.ID, n.Label, prefix[n.Label])
		}
		if n.NameEn == "" {
			t.Errorf("node %q has no English name", n.ID)
		}
	}
	seenEdge := map[string]bool{}
	for _, e := range x.b.Edges {
		if seenEdge[e.ID] {
			t.Errorf("edge id %q twice", e.ID)
		}
		seenEdge[e.ID] = true
		if want := graph.EdgeID(e.Type, e.From, e.To); e.ID != want {
			t.Errorf("edge id = %q; want default %q", e.ID, want)
		}
		for _, end := range []string{e.From, e.To} {
			if x.nodes[end] == nil {
				t.Errorf("edge %s: node %q is not in the batch", e.ID, end)
			}
		}
	}
	for _, id := range []string{seed.StreetCommitteeID, seed.TwoNewCommitteeID, seed.StartupTownCommitteeID,
		seed.MakerspaceBranchID, seed.ShujiaAllianceID, seed.StartupTownAllianceID, seed.ServiceCentreID, seed.ShengdunVillageID} {
		if x.nodes[id] == nil {
			t.Errorf("key id %q is not in the batch", id)
		}
	}
}

// TestNamed checks that what the article names is there, under its Chinese
// name and label.
func TestNamed(t *testing.T) {
	x := newIndex(t)
	org, all, per, prj, zon, brd, plt := graph.LabelOrganisation, graph.LabelAlliance, graph.LabelPerson,
		graph.LabelProject, graph.LabelZone, graph.LabelBrand, graph.LabelPlatform
	for _, tc := range []struct {
		name  string
		label graph.Label
		kind  string
	}{
		{"岳林街道党工委", org, "PARTY_WORKING_COMMITTEE"},
		{"街道两新工委", org, "PARTY_WORKING_COMMITTEE"},
		{"甬台众创小镇党群建设工作委员会", org, "PARTY_COMMITTEE"},
		{"岳林街道", org, "GOVERNMENT_OFFICE"},
		{"岳林街道司法所", org, "GOVERNMENT_OFFICE"},
		{"舒家区域党建联合体", all, "REGIONAL_ALLIANCE"},
		{"舒前村", org, "VILLAGE"},
		{"舒后村", org, "VILLAGE"},
		{"圣墩村", org, "VILLAGE"},
		{"新鲍村", org, "VILLAGE"},
		{"迎恩社区", org, "COMMUNITY"},
		{"金钟社区", org, "COMMUNITY"},
		{"新社区", org, "COMMUNITY"},
		{"迎恩社区斗门支部", org, "PARTY_BRANCH"},
		{"王威磊", per, "PERSON"},
		{"葛礼君", per, "PERSON"},
		{"毛岳平", per, "PERSON"},
		{"东部门户区项目", prj, "PROJECT"},
		{"东部门户区一期项目", prj, "SUB_PROJECT"},
		{"圣墩村区块拆迁项目", prj, "PROJECT"},
		{"圣墩村区块拆迁指挥部", org, "GOVERNMENT_OFFICE"},
		{"圣墩村区块拆迁项目指挥部临时党支部", org, "TEMPORARY_PARTY_BRANCH"},
		{"第四党小组", org, "PARTY_GROUP"},
		{"党员突击队", org, "PARTY_COMMANDO"},
		{"金海站配套项目", prj, "PROJECT"},
		{"瑞凌降温薄膜项目", prj, "SUB_PROJECT"},
		{"新鲍村党员责任服务区", zon, "RESPONSIBILITY_AREA"},
		{"甬台众创小镇", zon, "AREA"},
		{"甬台众创小镇党建联盟", all, "PARTY_BUILDING_ALLIANCE"},
		{"大学生创业支部", org, "PARTY_BRANCH"},
		{"科技创业支部", org, "PARTY_BRANCH"},
		{"电商创业支部", org, "PARTY_BRANCH"},
		{"村淘创业支部", org, "PARTY_BRANCH"},
		{"山丘汇·青年创业园", org, "PARK"},
		{"甬台众创小镇党群服务中心", org, "SERVICE_CENTRE"},
		{"乡贤工作室", org, "WORKSHOP"},
		{"新的社会阶层人士创业创新基地", org, "WORKSHOP"},
		{"山丘汇岳、众创成林", brd, "BRAND_SYSTEM"},
		{"山丘汇·党建", brd, "BRAND"},
		{"同心山丘", brd, "BRAND"},
		{"匠心筑梦", brd, "BRAND"},
		{"青创乐园", brd, "BRAND"},
		{"粉领驿站", brd, "BRAND"},
		{"创新创业的展示平台", plt, "SERVICE_PLATFORM"},
		{"整合资源的共享平台", plt, "SERVICE_PLATFORM"},
		{"创客(职工)权益的保障平台", plt, "SERVICE_PLATFORM"},
		{"助推发展的服务平台", plt, "SERVICE_PLATFORM"},
		{"对接需求的信息平台", plt, "SERVICE_PLATFORM"},
		{"思想政治的引领平台", plt, "SERVICE_PLATFORM"},
		{"甬台众创小镇网站", plt, "WEBSITE"},
		{"众创岳林微信公众号", plt, "WECHAT_ACCOUNT"},
		{"三网合一的网络平台", plt, "NETWORK_PLATFORM"},
		{"金钟社区童梦亲子俱乐部", org, "SOCIAL_ORGANISATION"},
		{"新社区法律工作室", org, "WORKSHOP"},
		{"力邦广场", zon, "AREA"},
		{"力邦广场社区综合服务中心", org, "SERVICE_CENTRE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := x.one(t, tc.name)
			if n.Label != tc.label || n.Kind != tc.kind {
				t.Errorf("%q is a %s/%s; want %s/%s", tc.name, n.Label, n.Kind, tc.label, tc.kind)
			}
			want := graph.SourceArticle
			if tc.name == "党员突击队" { // the article names no commando of this branch
				want = graph.SourceInferred
			}
			if n.Provenance.Source != want {
				t.Errorf("%q has source %s; want %s", tc.name, n.Provenance.Source, want)
			}
		})
	}
}

func TestStructure(t *testing.T) {
	x := newIndex(t)

	t.Run("Tiers", func(t *testing.T) {
		for id, want := range map[string]int{seed.StreetCommitteeID: 1, seed.TwoNewCommitteeID: 1, seed.StartupTownCommitteeID: 2} {
			if got := x.nodes[id].Tier; got != want {
				t.Errorf("tier of %s = %d; want %d", id, got, want)
			}
		}
		var tier3 int
		for _, n := range x.b.Nodes {
			switch n.Tier {
			case 1:
				if p := x.parent(t, n.ID); p != "" && x.nodes[p].Tier != 1 {
					t.Errorf("tier-1 %s sits under %s (tier %d)", n.ID, p, x.nodes[p].Tier)
				}
			case 2:
				if p := x.parent(t, n.ID); x.nodes[p].Tier != 1 {
					t.Errorf("tier-2 %s sits under %q; want a tier-1 parent", n.ID, p)
				}
			case 3:
				tier3++
				if p := x.parent(t, n.ID); x.nodes[p].Tier != 2 {
					t.Errorf("tier-3 %s sits under %q; want a tier-2 parent", n.ID, p)
				}
			}
		}
		kinds := map[string]bool{}
		for _, n := range x.b.Nodes {
			if n.Tier == 3 {
				kinds[n.Kind] = true
			}
		}
		for _, k := range []string{"PARTY_BRANCH", "UNION", "YOUTH_LEAGUE", "WOMENS_FEDERATION"} {
			if !kinds[k] {
				t.Errorf("no tier-3 %s", k)
			}
		}
		if tier3 < 6 || tier3 > 20 {
			t.Errorf("tier-3 organisations: %d; want a few (6–20), not all 55", tier3)
		}
	})

	t.Run("MakerspaceBranchChain", func(t *testing.T) {
		var chain []string
		for id := seed.MakerspaceBranchID; id != ""; id = x.parent(t, id) {
			chain = append(chain, id)
			if len(chain) > 10 {
				t.Fatalf("SUB_ORGANISATION_OF cycle: %v", chain)
			}
		}
		want := []string{seed.MakerspaceBranchID, seed.StartupTownCommitteeID, seed.StreetCommitteeID}
		if !slices.Equal(chain, want) {
			t.Errorf("chain from the makerspace branch = %v; want %v", chain, want)
		}
		for i, id := range chain {
			if got := x.nodes[id].Tier; got != 3-i {
				t.Errorf("tier of %s = %d; want %d", id, got, 3-i)
			}
		}
	})

	t.Run("EveryOrganisationReachesStreetCommittee", func(t *testing.T) {
		// Up SUB_ORGANISATION_OF, through MEMBER_OF to an alliance, or from
		// a workshop or branch to where it is HOSTED_AT. Not on this line:
		// the government offices (the model has no relation from the Party
		// line to them) and places (park, makerspaces).
		except := map[string]bool{"org:yuelin-subdistrict": true, "org:yuelin-judicial-office": true, "org:shengdun-demolition-hq": true}
		for _, n := range x.b.Nodes {
			if n.Label != graph.LabelOrganisation && n.Label != graph.LabelAlliance || except[n.ID] || n.Kind == "MAKERSPACE" || n.Kind == "PARK" {
				continue
			}
			reached := false
			seen := map[string]bool{}
			var walk func(id string)
			walk = func(id string) {
				if seen[id] || reached {
					return
				}
				seen[id] = true
				if id == seed.StreetCommitteeID {
					reached = true
					return
				}
				for _, e := range x.out[id] {
					switch e.Type {
					case graph.RelSubOrganisationOf, graph.RelMemberOf, graph.RelHostedAt:
						walk(e.To)
					}
				}
			}
			walk(n.ID)
			if !reached {
				t.Errorf("%s (%s) does not reach 岳林街道党工委", n.ID, n.Name)
			}
		}
	})

	t.Run("ShujiaAlliance", func(t *testing.T) {
		a := x.nodes[seed.ShujiaAllianceID]
		if a.Name != "舒家区域党建联合体" || a.Kind != "REGIONAL_ALLIANCE" || a.Provenance.Source != graph.SourceArticle {
			t.Fatalf("舒家 alliance = %+v", a)
		}
		if a.Since != seed.AllianceSince {
			t.Errorf("since = %q; want %q", a.Since, seed.AllianceSince)
		}
		if p := a.AttrProv(graph.AttrAllianceType); p.Source != graph.SourceIllustrative {
			t.Errorf("allianceType provenance = %s; want ILLUSTRATIVE (the article does not say)", p.Source)
		}
		var members, coBuilders []*graph.Node
		for _, e := range x.ins(a.ID, graph.RelMemberOf) {
			switch e.Attrs[graph.AttrRole] {
			case "member":
				members = append(members, x.nodes[e.From])
				// The article has the villages' cadres use the alliance's
				// platform; membership is inferred from it.
				if e.Provenance.Source != graph.SourceInferred {
					t.Errorf("membership of %s is %s; want INFERRED", e.From, e.Provenance.Source)
				}
			case "co-builder":
				coBuilders = append(coBuilders, x.nodes[e.From])
			}
			if e.Since != seed.AllianceSince {
				t.Errorf("membership %s since %q; want %q", e.ID, e.Since, seed.AllianceSince)
			}
		}
		if got, want := names(members), []string{"圣墩村", "舒前村", "舒后村"}; !slices.Equal(got, want) {
			t.Errorf("members = %v; want %v", got, want)
		}
		if len(coBuilders) != 1 || coBuilders[0].Kind != "COMMUNITY" {
			t.Errorf("co-builders = %v; want one community", names(coBuilders))
		}
	})

	t.Run("ShengdunReachesStreetCommitteeThroughItsAlliance", func(t *testing.T) {
		var via []string
		for _, e := range x.outs(seed.ShengdunVillageID, graph.RelMemberOf) {
			if x.parent(t, e.To) == seed.StreetCommitteeID {
				via = append(via, e.To)
			}
		}
		if !slices.Equal(via, []string{seed.ShujiaAllianceID}) {
			t.Errorf("圣墩村 reaches 岳林街道党工委 through %v; want [%s]", via, seed.ShujiaAllianceID)
		}
	})

	t.Run("RegionalAlliances", func(t *testing.T) {
		as := x.ofKind(graph.LabelAlliance, "REGIONAL_ALLIANCE")
		if len(as) != 4 {
			t.Fatalf("regional alliances: %d; want 4", len(as))
		}
		inAlliance := map[string]string{}
		for _, a := range as {
			if typ, _ := a.Attrs[graph.AttrAllianceType].(string); !slices.Contains(graph.AllianceTypes, typ) {
				t.Errorf("%s allianceType = %v; want one of %v", a.ID, a.Attrs[graph.AttrAllianceType], graph.AllianceTypes)
			}
			if a.Since != seed.AllianceSince {
				t.Errorf("%s since %q; want %q", a.ID, a.Since, seed.AllianceSince)
			}
			if p := x.parent(t, a.ID); p != seed.StreetCommitteeID {
				t.Errorf("%s sits under %q; want the street committee", a.ID, p)
			}
			var villages, coBuilders, all []string
			for _, e := range x.ins(a.ID, graph.RelMemberOf) {
				n := x.nodes[e.From]
				if !isPlace(n) {
					t.Errorf("%s: member %s is a %s; want a village or community", a.ID, n.ID, n.Kind)
				}
				if prev, dup := inAlliance[n.ID]; dup {
					t.Errorf("%s is in two regional alliances: %s and %s", n.ID, prev, a.ID)
				}
				inAlliance[n.ID] = a.ID
				all = append(all, n.ID)
				switch e.Attrs[graph.AttrRole] {
				case "member":
					villages = append(villages, n.ID)
				case "co-builder":
					if n.Kind != "COMMUNITY" {
						t.Errorf("%s: co-builder %s is a %s; want a community", a.ID, n.ID, n.Kind)
					}
					coBuilders = append(coBuilders, n.ID)
				default:
					t.Errorf("%s: membership %s has role %v", a.ID, e.ID, e.Attrs[graph.AttrRole])
				}
				if e.Since != seed.AllianceSince {
					t.Errorf("%s since %q; want %q", e.ID, e.Since, seed.AllianceSince)
				}
			}
			if len(villages) < 3 || len(villages) > 5 {
				t.Errorf("%s has %d members; want 3–5", a.ID, len(villages))
			}
			if len(coBuilders) != 1 {
				t.Errorf("%s has co-builders %v; want exactly one community", a.ID, coBuilders)
			}
			if !x.contiguous(all) {
				t.Errorf("%s: members %v are not contiguous by ADJACENT_TO", a.ID, all)
			}
		}
	})

	t.Run("StartupTownAllianceHasFourBranches", func(t *testing.T) {
		a := x.nodes[seed.StartupTownAllianceID]
		if a.Kind != "PARTY_BUILDING_ALLIANCE" {
			t.Fatalf("kind = %s", a.Kind)
		}
		if p := x.parent(t, a.ID); p != seed.TwoNewCommitteeID {
			t.Errorf("founded under %q; want 街道两新工委", p)
		}
		var branches []*graph.Node
		for _, e := range x.ins(a.ID, graph.RelSubOrganisationOf) {
			if n := x.nodes[e.From]; n.Kind == "PARTY_BRANCH" {
				branches = append(branches, n)
			}
		}
		want := []string{"大学生创业支部", "村淘创业支部", "电商创业支部", "科技创业支部"}
		if got := names(branches); !slices.Equal(got, want) {
			t.Errorf("branches = %v; want %v", got, want)
		}
	})

	t.Run("FourStationsOneCentre", func(t *testing.T) {
		var stations, centres []*graph.Node
		for i := range x.b.Nodes {
			n := &x.b.Nodes[i]
			if n.Attrs["network"] != "四站一中心" {
				continue
			}
			switch n.Kind {
			case "LIAISON_STATION":
				stations = append(stations, n)
			case "SERVICE_CENTRE":
				centres = append(centres, n)
			default:
				t.Errorf("%s in 四站一中心 is a %s", n.ID, n.Kind)
			}
		}
		if len(stations) != 4 || len(x.ofKind(graph.LabelOrganisation, "LIAISON_STATION")) != 4 {
			t.Errorf("liaison stations: %d; want 4", len(stations))
		}
		if len(centres) != 1 || centres[0].ID != seed.ServiceCentreID {
			t.Fatalf("centres of 四站一中心: %v; want [%s]", names(centres), seed.ServiceCentreID)
		}
		if hs := x.outs(seed.ServiceCentreID, graph.RelHostedAt); len(hs) != 1 || x.nodes[hs[0].To].Name != "山丘汇·青年创业园" {
			t.Errorf("the centre is hosted at %v; want 山丘汇·青年创业园", hs)
		}
		var hosted []*graph.Node
		for _, e := range x.ins(seed.ServiceCentreID, graph.RelHostedAt) {
			hosted = append(hosted, x.nodes[e.From])
		}
		if got, want := names(hosted), []string{"乡贤工作室", "新的社会阶层人士创业创新基地"}; !slices.Equal(got, want) {
			t.Errorf("hosted at the centre: %v; want %v", got, want)
		}
		c := x.nodes[seed.ServiceCentreID]
		for k, want := range map[string]any{"enterprisesCovered": int64(600), "twoNewPartyOrganisations": int64(55), "makerspaces": int64(7),
			"partyApplicants": int64(20), "partyActivists": int64(18), "probationaryMembers": int64(15), "shareOfStreetNewMembers": 0.3} {
			if got := c.Attrs[k]; got != want {
				t.Errorf("centre %s = %v (%T); want %v (%T)", k, got, got, want, want)
			}
			// The recruitment figures follow the centre's coverage but are not
			// said to be the centre's.
			want := graph.SourceArticle
			if k == "partyApplicants" || k == "partyActivists" || k == "probationaryMembers" || k == "shareOfStreetNewMembers" {
				want = graph.SourceInferred
			}
			if p := c.AttrProv(k); p.Source != want {
				t.Errorf("centre %s provenance %s; want %s", k, p.Source, want)
			}
		}
	})

	t.Run("FiveBrands", func(t *testing.T) {
		brands := x.ofKind(graph.LabelBrand, "BRAND")
		sys := x.one(t, "山丘汇岳、众创成林")
		if len(brands) != 5 {
			t.Errorf("brands: %v; want 5", names(brands))
		}
		for _, n := range brands {
			if ps := x.outs(n.ID, graph.RelPartOf); len(ps) != 1 || ps[0].To != sys.ID {
				t.Errorf("brand %s is part of %v; want %s", n.Name, ps, sys.ID)
			}
		}
		if got := sys.Attrs["serviceBrands"]; got != int64(5) {
			t.Errorf("serviceBrands = %v; want 5", got)
		}
		if got := sys.Attrs["projects"]; got != int64(30) {
			t.Errorf("projects = %v; want 30", got)
		}
	})

	t.Run("SixPlatforms", func(t *testing.T) {
		ps := x.ofKind(graph.LabelPlatform, "SERVICE_PLATFORM")
		if len(ps) != 6 {
			t.Errorf("service platforms: %v; want 6", names(ps))
		}
		for _, p := range ps {
			if rs := x.ins(p.ID, graph.RelRuns); len(rs) != 1 || rs[0].From != seed.StreetCommitteeID {
				t.Errorf("%s is run by %v; want the street committee", p.Name, rs)
			}
		}
	})

	t.Run("BranchesOnProjects", func(t *testing.T) {
		tbs := x.ofKind(graph.LabelOrganisation, "TEMPORARY_PARTY_BRANCH")
		if len(tbs) != 3 {
			t.Errorf("temporary branches: %v; want 3 (东部门户区, 圣墩村区块拆迁, 金海站配套)", names(tbs))
		}
		for _, n := range tbs {
			if bs := x.outs(n.ID, graph.RelBuiltOn); len(bs) != 1 || x.nodes[bs[0].To].Label != graph.LabelProject {
				t.Errorf("%s is built on %v; want one project", n.Name, bs)
			}
			if p := x.parent(t, n.ID); p != seed.StreetCommitteeID {
				t.Errorf("%s sits under %q; want the street committee", n.Name, p)
			}
		}
		sd := x.one(t, "圣墩村区块拆迁项目指挥部临时党支部")
		for _, child := range []string{"第四党小组", "党员突击队"} {
			if p := x.parent(t, x.one(t, child).ID); p != sd.ID {
				t.Errorf("%s sits under %q; want %s", child, p, sd.ID)
			}
		}
		ruiling := x.one(t, "瑞凌降温薄膜项目")
		if ps := x.outs(ruiling.ID, graph.RelPartOf); len(ps) != 1 || x.nodes[ps[0].To].Name != "金海站配套项目" {
			t.Errorf("瑞凌降温薄膜项目 is part of %v; want 金海站配套项目", ps)
		}
		jh := x.one(t, "金海站配套项目")
		if jh.Attrs["landToAcquireMu"] != int64(1900) || jh.Attrs["landAcquiredMu"] != int64(1030) {
			t.Errorf("金海站配套项目 attrs = %v; want 1900 and 1030 mu", jh.Attrs)
		}
	})

	t.Run("People", func(t *testing.T) {
		type post struct{ to, title string }
		for person, want := range map[string][]post{
			"王威磊": {{"岳林街道司法所", "工作人员"}, {"圣墩村区块拆迁项目", "动迁组长"}, {"第四党小组", "第四党小组组长"}},
			"葛礼君": {{"圣墩村", "支委"}},
			"毛岳平": {{"新鲍村", "村书记"}},
		} {
			var got []post
			for _, e := range x.outs(x.one(t, person).ID, graph.RelHoldsPost) {
				title, _ := e.Attrs[graph.AttrTitle].(string)
				got = append(got, post{x.nodes[e.To].Name, title})
				if e.Provenance.Source != graph.SourceArticle {
					t.Errorf("%s: post %s is %s; want ARTICLE", person, e.ID, e.Provenance.Source)
				}
			}
			sortPosts := func(ps []post) { sort.Slice(ps, func(i, j int) bool { return ps[i].to < ps[j].to }) }
			sortPosts(got)
			sortPosts(want)
			if !slices.Equal(got, want) {
				t.Errorf("posts of %s = %v; want %v", person, got, want)
			}
		}
	})

	t.Run("XinbaoResponsibilityArea", func(t *testing.T) {
		z := x.one(t, "新鲍村党员责任服务区")
		if z.Attrs["grids"] != int64(40) {
			t.Errorf("grids = %v; want 40", z.Attrs["grids"])
		}
		if rs := x.ins(z.ID, graph.RelResponsibleFor); len(rs) != 1 || x.nodes[rs[0].From].Name != "新鲍村" {
			t.Errorf("responsible for the area: %v; want 新鲍村", rs)
		}
		xb := x.one(t, "新鲍村")
		if xb.Attrs["naturalVillages"] != int64(3) {
			t.Errorf("naturalVillages = %v; want 3", xb.Attrs["naturalVillages"])
		}
		var nvs int
		for _, e := range x.ins(xb.ID, graph.RelPartOf) {
			if x.nodes[e.From].Kind == "NATURAL_VILLAGE" {
				nvs++
			}
		}
		if nvs != 3 {
			t.Errorf("natural villages of 新鲍村: %d; want 3", nvs)
		}
	})

	t.Run("VillageIndicators", func(t *testing.T) {
		var count int
		for i := range x.b.Nodes {
			n := &x.b.Nodes[i]
			if !isPlace(n) {
				continue
			}
			count++
			for _, k := range []string{graph.AttrPopulation, graph.AttrStrength, graph.AttrPartyMembers} {
				v, ok := n.Attrs[k]
				if !ok {
					t.Errorf("%s has no %s", n.Name, k)
					continue
				}
				switch v := v.(type) {
				case int64:
					if v <= 0 {
						t.Errorf("%s %s = %d; want > 0", n.Name, k, v)
					}
				case float64:
					if k != graph.AttrStrength || v <= 0 {
						t.Errorf("%s %s = %v; want a positive int64 (or float64 strength)", n.Name, k, v)
					}
				default:
					t.Errorf("%s %s is a %T", n.Name, k, v)
				}
				if p := n.AttrProv(k); p.Source != graph.SourceIllustrative {
					t.Errorf("%s %s provenance = %s; want ILLUSTRATIVE", n.Name, k, p.Source)
				}
			}
		}
		if count < 12 {
			t.Errorf("villages and communities: %d; want enough for four alliances", count)
		}
	})

	t.Run("PairingsStrongMentorsWeak", func(t *testing.T) {
		alliance := map[string]string{}
		for _, e := range x.b.Edges {
			if e.Type == graph.RelMemberOf && x.nodes[e.To].Kind == "REGIONAL_ALLIANCE" {
				alliance[e.From] = e.To
			}
		}
		pairedIn := map[string]bool{}
		for _, e := range x.b.Edges {
			if e.Type != graph.RelMentors {
				continue
			}
			strong, weak := x.nodes[e.From], x.nodes[e.To]
			if s, w := strength(strong), strength(weak); s <= w {
				t.Errorf("%s (%v) mentors %s (%v): the mentor is not stronger", strong.Name, s, weak.Name, w)
			}
			if alliance[strong.ID] == "" || alliance[strong.ID] != alliance[weak.ID] {
				t.Errorf("%s mentors %s across alliances (%q, %q)", strong.Name, weak.Name, alliance[strong.ID], alliance[weak.ID])
			}
			if e.Since != seed.AllianceSince || e.Provenance.Source != graph.SourceIllustrative {
				t.Errorf("pairing %s: since %q, %s; want %s, ILLUSTRATIVE", e.ID, e.Since, e.Provenance.Source, seed.AllianceSince)
			}
			pairedIn[alliance[strong.ID]] = true
		}
		for _, a := range x.ofKind(graph.LabelAlliance, "REGIONAL_ALLIANCE") {
			if !pairedIn[a.ID] {
				t.Errorf("%s has no strong→weak pairing", a.Name)
			}
		}
	})

	t.Run("Adjacency", func(t *testing.T) {
		pairs := map[[2]string]bool{}
		degree := map[string]int{}
		for _, e := range x.b.Edges {
			if e.Type != graph.RelAdjacentTo {
				continue
			}
			if !isPlace(x.nodes[e.From]) || !isPlace(x.nodes[e.To]) {
				t.Errorf("%s joins something that is not a village or community", e.ID)
			}
			k := [2]string{min(e.From, e.To), max(e.From, e.To)}
			if pairs[k] {
				t.Errorf("%s and %s are joined twice", e.From, e.To)
			}
			pairs[k] = true
			degree[e.From]++
			degree[e.To]++
		}
		var all []string
		for _, n := range x.b.Nodes {
			if isPlace(&n) {
				all = append(all, n.ID)
				if degree[n.ID] == 0 {
					t.Errorf("%s has no neighbour", n.Name)
				}
			}
		}
		if !x.contiguous(all) {
			t.Error("the street's villages and communities are not one connected map")
		}
		// A planar simple graph has at most 3v-6 edges.
		if v := len(all); len(pairs) > 3*v-6 {
			t.Errorf("%d borders among %d places cannot be planar", len(pairs), v)
		}
	})

	t.Run("Provenance", func(t *testing.T) {
		// How sure a level is: an edge is no surer than its ends, an
		// attribute no surer than its node.
		rank := map[graph.Source]int{graph.SourceArticle: 3, graph.SourceInferred: 2, graph.SourceIllustrative: 1}
		check := func(where string, p graph.Provenance) {
			switch p.Source {
			case graph.SourceArticle, graph.SourceInferred:
				if p.Quote == "" || p.SourceID != seed.YuelinSourceID {
					t.Errorf("%s: %s quote %q from %q; want a quote of %s", where, p.Source, p.Quote, p.SourceID, seed.YuelinSourceID)
				}
				if (p.Source == graph.SourceInferred) != (p.Reasoning != "") {
					t.Errorf("%s: %s with reasoning %q; INFERRED (only) has reasoning", where, p.Source, p.Reasoning)
				}
			case graph.SourceIllustrative:
				if !strings.HasPrefix(p.Quote, "illustrative: ") {
					t.Errorf("%s: ILLUSTRATIVE note %q does not start with \"illustrative: \"", where, p.Quote)
				}
			default:
				t.Errorf("%s: source %s; want ARTICLE, INFERRED or ILLUSTRATIVE", where, p.Source)
			}
		}
		for _, n := range x.b.Nodes {
			if n.Label == graph.LabelSource {
				if n.ID != seed.YuelinSourceID || n.Provenance.Source != graph.SourceUser {
					t.Errorf("source node %s: %+v", n.ID, n.Provenance)
				}
				continue
			}
			check("node "+n.ID, n.Provenance)
			for k, p := range n.AttrProvenance {
				check("node "+n.ID+" attr "+k, p)
				if rank[p.Source] > rank[n.Provenance.Source] {
					t.Errorf("node %s: %s attribute %s on an %s node", n.ID, p.Source, k, n.Provenance.Source)
				}
			}
		}
		for _, e := range x.b.Edges {
			check("edge "+e.ID, e.Provenance)
			for _, end := range []string{e.From, e.To} {
				if p := x.nodes[end].Provenance.Source; rank[e.Provenance.Source] > rank[p] {
					t.Errorf("%s edge %s has an %s end %s", e.Provenance.Source, e.ID, p, end)
				}
			}
			switch e.Type {
			case graph.RelMemberOf:
				if r, _ := e.Attrs[graph.AttrRole].(string); r == "" {
					t.Errorf("%s has no role", e.ID)
				}
			case graph.RelHoldsPost:
				if r, _ := e.Attrs[graph.AttrTitle].(string); r == "" {
					t.Errorf("%s has no title", e.ID)
				}
			}
		}
	})
}

// contiguous reports whether ids form one connected piece over ADJACENT_TO
// edges among themselves.
func (x *index) contiguous(ids []string) bool {
	if len(ids) == 0 {
		return true
	}
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	seen := map[string]bool{ids[0]: true}
	stack := []string{ids[0]}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, es := range [][]graph.Edge{x.out[id], x.in[id]} {
			for _, e := range es {
				if e.Type != graph.RelAdjacentTo {
					continue
				}
				other := e.To
				if other == id {
					other = e.From
				}
				if in[other] && !seen[other] {
					seen[other] = true
					stack = append(stack, other)
				}
			}
		}
	}
	return len(seen) == len(in)
}

func strength(n *graph.Node) float64 {
	switch v := n.Attrs[graph.AttrStrength].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// TestCounts logs the size of the data set by label, kind and source.
func TestCounts(t *testing.T) {
	b := seed.Yuelin()
	count := func(m map[string]int) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var s []string
		for _, k := range keys {
			s = append(s, fmt.Sprintf("%s=%d", k, m[k]))
		}
		return strings.Join(s, " ")
	}
	byLabel, byLabelSource, byKind, nodeSource := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, n := range b.Nodes {
		byLabel[string(n.Label)]++
		byLabelSource[string(n.Label)+"/"+string(n.Provenance.Source)]++
		byKind[string(n.Label)+"/"+n.Kind]++
		nodeSource[string(n.Provenance.Source)]++
	}
	byType, byTypeSource, edgeSource := map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range b.Edges {
		byType[string(e.Type)]++
		byTypeSource[string(e.Type)+"/"+string(e.Provenance.Source)]++
		edgeSource[string(e.Provenance.Source)]++
	}
	attrSource := map[string]int{}
	for _, n := range b.Nodes {
		for k := range n.Attrs {
			attrSource[string(n.AttrProv(k).Source)]++
		}
	}
	t.Logf("nodes: %d (%s)", len(b.Nodes), count(nodeSource))
	t.Logf("nodes by label: %s", count(byLabel))
	t.Logf("nodes by label/source: %s", count(byLabelSource))
	t.Logf("nodes by label/kind: %s", count(byKind))
	t.Logf("edges: %d (%s)", len(b.Edges), count(edgeSource))
	t.Logf("edges by type: %s", count(byType))
	t.Logf("edges by type/source: %s", count(byTypeSource))
	t.Logf("node attributes by source: %s", count(attrSource))
}

// TestInferences: the facts the article only suggests are INFERRED, with
// their quote and reasoning, not ARTICLE (issue 15: 金海站配套项目临时党支部
// rests on a heading, 党员突击队 on a sentence about every branch, RUNS on
// “运用好”).
func TestInferences(t *testing.T) {
	x := newIndex(t)
	const (
		jinhaiBranch = "org:jinhai-station-temp-branch"
		commando     = "org:shengdun-party-commando"
	)
	edge := func(typ graph.RelType, from, to string) graph.Provenance {
		for _, e := range x.outs(from, typ) {
			if e.To == to {
				return e.Provenance
			}
		}
		t.Fatalf("no %s edge %s → %s", typ, from, to)
		return graph.Provenance{}
	}
	cases := []struct {
		what  string
		p     graph.Provenance
		quote string // the quote's first words
	}{
		{"金海站配套项目临时党支部", x.nodes[jinhaiBranch].Provenance, "征地拆迁全面推行“支部建在项目上”"},
		{"its BUILT_ON", edge(graph.RelBuiltOn, jinhaiBranch, "project:jinhai-station-supporting"), "征地拆迁全面推行"},
		{"its SUB_ORGANISATION_OF", edge(graph.RelSubOrganisationOf, jinhaiBranch, seed.StreetCommitteeID), "这背后正是岳林街道全面推行支部建在项目上"},
		{"党员突击队", x.nodes[commando].Provenance, "党支部下设若干个功能型党小组"},
		{"its SUB_ORGANISATION_OF", edge(graph.RelSubOrganisationOf, commando, "org:shengdun-demolition-temp-branch"), "党支部下设若干个功能型党小组"},
		{"RUNS the website", edge(graph.RelRuns, seed.StreetCommitteeID, "platform:yongtai-startup-town-website"), "同时,运用好"},
		{"RUNS the WeChat account", edge(graph.RelRuns, seed.StreetCommitteeID, "platform:zhongchuang-yuelin-wechat"), "同时,运用好"},
	}
	for _, tc := range cases {
		if tc.p.Source != graph.SourceInferred || tc.p.Reasoning == "" || !strings.HasPrefix(tc.p.Quote, tc.quote) {
			t.Errorf("%s: %+v; want INFERRED with reasoning, quoting %q…", tc.what, tc.p, tc.quote)
		}
	}
	if r := edge(graph.RelRuns, seed.StreetCommitteeID, "platform:zhongchuang-yuelin-wechat").Reasoning; !strings.Contains(r, "运用好") {
		t.Errorf("the RUNS reasoning %q does not say what the article says (运用好)", r)
	}
}
