package seed

import "github.com/orgnet/orgnet/graph"

// Ids used across sections.
const (
	subdistrictID    = "org:yuelin-subdistrict"
	judicialOfficeID = "org:yuelin-judicial-office"

	shuqianID  = "org:shuqian-village"
	shuhouID   = "org:shuhou-village"
	xinbaoID   = "org:xinbao-village"
	yingenID   = "org:yingen-community"
	jinzhongID = "org:jinzhong-community"
	xinCommID  = "org:xin-community"

	easternGatewayID = "project:eastern-gateway"
	shengdunProjID   = "project:shengdun-block-demolition"
	jinhaiID         = "project:jinhai-station-supporting"

	townZoneID = "zone:yongtai-startup-town"
	parkID     = "org:shanqiuhui-youth-startup-park"
	systemID   = "brand:shanqiu-huiyue-zhongchuang-chenglin"
)

// Reasons that several INFERRED facts share.
const (
	streetLeads      = "the street's Party work is led by 岳林街道党工委 (街道党工委抓发展不忘抓党建)"
	streetBranches   = "the street puts branches on its projects (岳林街道全面推行支部建在项目上); " + streetLeads + ", so its temporary branches are placed under it"
	generalSecretary = "the article says who leads the temporary branches of the project HQs (书记由…担任); taken to hold for this branch"
	fourPlusOne      = "the street builds 四站一中心 and the same paragraph sets up 4 liaison stations and this centre"
	recruits         = "the figures follow the centre's coverage (目前,该党群服务中心已覆盖…) and count the two-new organisations and makers it serves, but the article does not tie them to the centre"
)

// committees: tier 1 and tier 2 of the three-level network, and the
// subdistrict office.
func (b *builder) committees() {
	b.org("PARTY_WORKING_COMMITTEE", StreetCommitteeID, "岳林街道党工委",
		"Yuelin Subdistrict Party Working Committee", 1, article(qThreeTier))

	b.org("PARTY_WORKING_COMMITTEE", TwoNewCommitteeID, "街道两新工委",
		"Subdistrict Working Committee for New Economic and Social Organisations", 1, article(qTwoNew))
	b.sub(TwoNewCommitteeID, StreetCommitteeID, inferred(qTwoNew,
		"the article names 街道两新工委, the street's committee for new economic and social organisations, but not its place; such a committee sits under the street's Party working committee"))

	b.org("PARTY_COMMITTEE", StartupTownCommitteeID, "甬台众创小镇党群建设工作委员会",
		"Yongtai Startup Town Party and Mass Organisation Building Committee", 2, article(qThreeTier))
	b.sub(StartupTownCommitteeID, StreetCommitteeID, article(qThreeTier))

	b.org("GOVERNMENT_OFFICE", subdistrictID, "岳林街道", "Yuelin Subdistrict", 0, article(qIntro))
	b.org("GOVERNMENT_OFFICE", judicialOfficeID, "岳林街道司法所", "Yuelin Subdistrict Judicial Office", 0, article(qWang))
	b.sub(judicialOfficeID, subdistrictID, article(qWang))
}

// place is a village or community of the street, with its illustrative
// strength indicators and its cell on an illustrative map.
type place struct {
	id, kind, name, nameEn string
	prov                   graph.Provenance
	population             int64
	strength               float64 // collective income, 10k yuan a year
	partyMembers           int64
	x, y                   int // column west→east, row north→south
}

var (
	inventedVillage   = illustrative("the article names 舒前村, 舒后村, 圣墩村 and 新鲍村 but not the street's other villages; this one is invented so that four alliances of 3–5 villages exist")
	inventedCommunity = illustrative("the article says each of the 4 alliances has a community as co-building Party organisation but names only 迎恩社区, 金钟社区 and 新社区 in the street; this fourth one is invented")
	inventedIndicator = illustrative("the article gives no population, collective income or Party membership for any village or community; invented to rank villages for 以强带弱 pairings")
)

// places is the street's villages and communities on an illustrative map in
// which every alliance's members are contiguous:
//
//	      x=0     x=1       x=2     x=3       x=4
//	y=0   毛家村  横山村    山前村  徐家村
//	y=1   三横村  东苑社区  新社区  金钟社区  舒前村
//	y=2   王家村  周家村    东郊村  圣墩村    舒后村
//	y=3           塘湾村    新鲍村  迎恩社区
var places = []place{
	{shuqianID, "VILLAGE", "舒前村", "Shuqian Village", article(qShujia), 2150, 420, 86, 4, 1},
	{shuhouID, "VILLAGE", "舒后村", "Shuhou Village", article(qShujia), 1830, 265, 71, 4, 2},
	{ShengdunVillageID, "VILLAGE", "圣墩村", "Shengdun Village", article(qShujia), 1620, 150, 58, 3, 2},
	{xinbaoID, "VILLAGE", "新鲍村", "Xinbao Village", article(qXinbao), 1760, 95, 64, 2, 3},
	{yingenID, "COMMUNITY", "迎恩社区", "Yingen Community", article(qDoumen), 6200, 310, 180, 3, 3},
	{jinzhongID, "COMMUNITY", "金钟社区", "Jinzhong Community", article(qCommunityBrands), 8600, 120, 210, 3, 1},
	{xinCommID, "COMMUNITY", "新社区", "Xin Community", article(qCommunityBrands), 5400, 85, 150, 2, 1},
	{"org:dongyuan-community", "COMMUNITY", "东苑社区", "Dongyuan Community", inventedCommunity, 4800, 60, 130, 1, 1},
	{"org:dongjiao-village", "VILLAGE", "东郊村", "Dongjiao Village", inventedVillage, 2600, 680, 105, 2, 2},
	{"org:zhoujia-village", "VILLAGE", "周家村", "Zhoujia Village", inventedVillage, 1280, 210, 47, 1, 2},
	{"org:tangwan-village", "VILLAGE", "塘湾村", "Tangwan Village", inventedVillage, 960, 70, 33, 1, 3},
	{"org:hengshan-village", "VILLAGE", "横山村", "Hengshan Village", inventedVillage, 2320, 540, 92, 1, 0},
	{"org:shanqian-village", "VILLAGE", "山前村", "Shanqian Village", inventedVillage, 1490, 230, 55, 2, 0},
	{"org:xujia-village", "VILLAGE", "徐家村", "Xujia Village", inventedVillage, 1080, 88, 38, 3, 0},
	{"org:sanheng-village", "VILLAGE", "三横村", "Sanheng Village", inventedVillage, 2010, 460, 80, 0, 1},
	{"org:maojia-village", "VILLAGE", "毛家村", "Maojia Village", inventedVillage, 1370, 180, 52, 0, 0},
	{"org:wangjia-village", "VILLAGE", "王家村", "Wangjia Village", inventedVillage, 880, 62, 30, 0, 2},
}

// diagonals are neighbours across a corner, chosen so that no two borders
// cross (the map stays planar).
var diagonals = [][2]string{
	{"org:xujia-village", shuqianID},               // (3,0)–(4,1); (4,0) is empty
	{"org:wangjia-village", "org:tangwan-village"}, // (0,2)–(1,3); (0,3) is empty
	{yingenID, shuhouID},                           // (3,3)–(4,2); (4,3) is empty
}

// villages: the street's villages and communities, their place under the
// street committee, their indicators and who borders whom.
func (b *builder) villages() {
	for _, p := range places {
		n := b.org(p.kind, p.id, p.name, p.nameEn, 0, p.prov)
		var own []graph.Provenance
		if p.prov.Source != graph.SourceIllustrative {
			own = []graph.Provenance{inventedIndicator}
		}
		set(n, graph.AttrPopulation, p.population, own...)
		set(n, graph.AttrStrength, p.strength, own...)
		set(n, graph.AttrPartyMembers, p.partyMembers, own...)
		if p.prov.Source == graph.SourceArticle {
			b.sub(p.id, StreetCommitteeID, inferred(qAllVillages,
				"the street governs the Party organisations of all its villages and communities (街道所辖全体行政村和社区党组织); "+streetLeads+", so each is placed under it"))
		} else {
			b.sub(p.id, StreetCommitteeID, illustrative("every village and community Party organisation of the street sits under 岳林街道党工委 (在街道所辖全体行政村和社区党组织内); this one is invented"))
		}
	}
	set(b.ids[xinbaoID], "naturalVillages", int64(3), article(qMao))

	border := illustrative("the article gives no geography; a plausible planar map of the street in which each alliance's members are contiguous")
	for i, p := range places {
		for _, q := range places[i+1:] {
			if abs(p.x-q.x)+abs(p.y-q.y) == 1 {
				b.edge(graph.RelAdjacentTo, p.id, q.id, border)
			}
		}
	}
	for _, d := range diagonals {
		b.edge(graph.RelAdjacentTo, d[0], d[1], border)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// regional is one of the four 区域党建联合体.
type regional struct {
	id, name, nameEn, allianceType string
	prov                           graph.Provenance
	members                        []string
	coBuilder                      string
	pairs                          [][2]string // strong → weak
}

var inventedAlliance = illustrative("the article says " + qFourAlliances + " but names only the 舒家 one; this one (name, members, type, co-building community) is invented to make four")

var regionals = []regional{
	{
		id: ShujiaAllianceID, name: "舒家区域党建联合体", nameEn: "Shujia Regional Party-Building Alliance",
		allianceType: "PROJECT_LINK", prov: article(qShujia),
		members:   []string{shuqianID, shuhouID, ShengdunVillageID},
		coBuilder: jinzhongID,
		pairs:     [][2]string{{shuqianID, ShengdunVillageID}},
	},
	{
		id: "alliance:dongjiao", name: "东郊区域党建联合体", nameEn: "Dongjiao Regional Party-Building Alliance",
		allianceType: "STRONG_VILLAGE_LEAD", prov: inventedAlliance,
		members:   []string{"org:dongjiao-village", xinbaoID, "org:zhoujia-village", "org:tangwan-village"},
		coBuilder: yingenID,
		pairs:     [][2]string{{"org:dongjiao-village", xinbaoID}, {"org:dongjiao-village", "org:tangwan-village"}},
	},
	{
		id: "alliance:hengshan", name: "横山区域党建联合体", nameEn: "Hengshan Regional Party-Building Alliance",
		allianceType: "INDUSTRY_LINK", prov: inventedAlliance,
		members:   []string{"org:hengshan-village", "org:shanqian-village", "org:xujia-village"},
		coBuilder: xinCommID,
		pairs:     [][2]string{{"org:hengshan-village", "org:xujia-village"}},
	},
	{
		id: "alliance:sanheng", name: "三横区域党建联合体", nameEn: "Sanheng Regional Party-Building Alliance",
		allianceType: "CULTURE_CO_BUILD", prov: inventedAlliance,
		members:   []string{"org:sanheng-village", "org:maojia-village", "org:wangjia-village"},
		coBuilder: "org:dongyuan-community",
		pairs:     [][2]string{{"org:sanheng-village", "org:wangjia-village"}},
	},
}

// regionalAlliances: the four 区域党建联合体, their members, co-building
// communities and strong→weak pairings.
func (b *builder) regionalAlliances() {
	for _, r := range regionals {
		n := b.node(graph.LabelAlliance, "REGIONAL_ALLIANCE", r.id, r.name, r.nameEn, r.prov)
		n.Since = AllianceSince
		fromArticle := r.prov.Source == graph.SourceArticle
		if fromArticle {
			set(n, graph.AttrAllianceType, r.allianceType, illustrative("the article lists the types ("+qAllianceTypes+") but not which the 舒家 alliance is; 项目联动 (PROJECT_LINK) because its three villages are the main battlefield of the 东部门户区 project"))
			b.sub(r.id, StreetCommitteeID, inferred(qAllianceByCommittee,
				"set up by 街道党工委 (划区建立), taken as under it; the article adds that an alliance is no new management level (不增加管理层级)"))
		} else {
			set(n, graph.AttrAllianceType, r.allianceType)
			b.sub(r.id, StreetCommitteeID, illustrative("every 区域党建联合体 is set up by 街道党工委 (区域党建联合体是街道党工委根据实际情况划区建立的); this alliance is invented"))
		}
		for _, m := range r.members {
			p := inventedAlliance
			if fromArticle {
				p = inferred(qShujia, "the three villages' Party cadres work together through the 舒家 alliance's platform (借助舒家“区域党建联合体”平台); taken as its members")
			}
			b.member(m, r.id, "member", AllianceSince, p)
		}
		b.member(r.coBuilder, r.id, "co-builder", AllianceSince,
			illustrative("the article says "+qCoBuilder+" but not which; assigned by proximity on the illustrative map"))
		for _, pr := range r.pairs {
			e := b.edge(graph.RelMentors, pr[0], pr[1],
				illustrative("the article says "+qStrongLeadsWeak+" but names no pairing; the mentor has the higher illustrative collective income"))
			e.Since = AllianceSince
		}
	}
}

// projects: 支部建在项目上 — the land-acquisition and demolition projects,
// their temporary Party branches, and the people the article names there.
func (b *builder) projects() {
	year := func(what string) graph.Provenance {
		return illustrative("the article (mid-2017) says " + what + "; the year is inferred")
	}

	// 东部门户区
	b.node(graph.LabelProject, "PROJECT", easternGatewayID, "东部门户区项目", "Eastern Gateway Area Project", article(qShujia))
	p1 := b.node(graph.LabelProject, "SUB_PROJECT", "project:eastern-gateway-phase-1", "东部门户区一期项目", "Eastern Gateway Area Project, Phase I", article(qPhaseOne))
	set(p1, "surveyedHouseholds", int64(1500))
	set(p1, "surveyedHouseholdsText", "1500多户")
	set(p1, "surveyProgress", 0.7)
	set(p1, "surveyProgressText", "70%以上")
	set(p1, "surveyStarted", "2017-05", year("入户调查 started 5月底"))
	b.edge(graph.RelPartOf, p1.ID, easternGatewayID, article(qPhaseOne))

	egWhy := "the street took Party organisation to the front line of its 东部门户区 projects (覆盖到项目第一线) and each project HQ formed a temporary branch; the article names no branch of the 东部门户区 project itself: one is drawn, named by us"
	egBranch := b.org("TEMPORARY_PARTY_BRANCH", "org:eastern-gateway-temp-branch", "东部门户区项目临时党支部",
		"Temporary Party Branch of the Eastern Gateway Area Project", 0, inferred(qEasternGateway, egWhy))
	set(egBranch, "secretaryPost", "兼任项目常务副总指挥的街道领导班子成员", inferred(qTempBranch, generalSecretary))
	b.edge(graph.RelBuiltOn, egBranch.ID, easternGatewayID, inferred(qEasternGateway, egWhy))
	b.sub(egBranch.ID, StreetCommitteeID, inferred(qStreetBranches, streetBranches))

	// 圣墩村区块拆迁
	b.node(graph.LabelProject, "PROJECT", shengdunProjID, "圣墩村区块拆迁项目", "Shengdun Village Block Demolition Project", article(qWang))
	b.edge(graph.RelPartOf, shengdunProjID, easternGatewayID,
		illustrative("the article makes 圣墩村 one of the three villages that are the main battlefield of the 东部门户区 project but does not say the block demolition is part of it"))

	hq := b.org("GOVERNMENT_OFFICE", "org:shengdun-demolition-hq", "圣墩村区块拆迁指挥部",
		"Shengdun Village Block Demolition Headquarters", 0, article(qShengdunHQ))
	set(hq, "surveyCompleted", "2017-05", year("the survey was complete by 5月中旬"))
	set(hq, "aheadOfSchedule", "半个月")
	b.edge(graph.RelBuiltOn, hq.ID, shengdunProjID, article(qShengdunHQ))

	sdBranch := b.org("TEMPORARY_PARTY_BRANCH", "org:shengdun-demolition-temp-branch", "圣墩村区块拆迁项目指挥部临时党支部",
		"Temporary Party Branch of the Shengdun Block Demolition Project Headquarters", 0, article(qWang))
	set(sdBranch, "secretaryPost", "兼任项目常务副总指挥的街道领导班子成员", inferred(qTempBranch, generalSecretary))
	b.edge(graph.RelBuiltOn, sdBranch.ID, shengdunProjID, article(qWang))
	b.edge(graph.RelHostedAt, sdBranch.ID, hq.ID, inferred(qWang, "the branch of the project's HQ (项目指挥部临时党支部); taken as hosted at the HQ"))
	b.sub(sdBranch.ID, StreetCommitteeID, inferred(qStreetBranches, streetBranches))

	b.org("PARTY_GROUP", "org:shengdun-party-group-4", "第四党小组", "Fourth Party Group", 0, article(qWang))
	b.sub("org:shengdun-party-group-4", sdBranch.ID, article(qWang))
	commando := inferred(qCommando, "the article says each project HQ's temporary branch built a commando from its relocation teams' members but names none; taken to hold for the 圣墩 HQ's branch")
	b.org("PARTY_COMMANDO", "org:shengdun-party-commando", "党员突击队", "Party Members' Commando", 0, commando)
	b.sub("org:shengdun-party-commando", sdBranch.ID, commando)

	wang := b.node(graph.LabelPerson, "PERSON", "person:wang-weilei", "王威磊", "Wang Weilei", article(qWang))
	set(wang, "partyMember", true, article(qWangPartyMember))
	b.post(wang.ID, judicialOfficeID, "工作人员", "staff member", article(qWang))
	b.post(wang.ID, shengdunProjID, "动迁组长", "relocation team leader", article(qWang))
	b.post(wang.ID, "org:shengdun-party-group-4", "第四党小组组长", "leader of the Fourth Party Group", article(qWang))

	ge := b.node(graph.LabelPerson, "PERSON", "person:ge-lijun", "葛礼君", "Ge Lijun", article(qGe))
	set(ge, "householdsMobilised", int64(80))
	set(ge, "householdsMobilisedText", "80多户")
	b.post(ge.ID, ShengdunVillageID, "支委", "member of the village Party branch committee", article(qGe))

	b.org("PARTY_BRANCH", "org:yingen-doumen-branch", "迎恩社区斗门支部", "Doumen Party Branch of Yingen Community", 0, article(qDoumen))
	b.sub("org:yingen-doumen-branch", yingenID, article(qDoumen))

	// 金海站配套 (包括瑞凌降温薄膜项目)
	jh := b.node(graph.LabelProject, "PROJECT", jinhaiID, "金海站配套项目", "Jinhai Station Supporting Project", article(qJinhai))
	set(jh, "landToAcquireMu", int64(1900))
	set(jh, "landAcquiredMu", int64(1030))
	set(jh, "acquisitionStarted", "2016-H2", year("land acquisition started 去年下半年"))
	b.node(graph.LabelProject, "SUB_PROJECT", "project:ruiling-cooling-film", "瑞凌降温薄膜项目", "Ruiling Cooling Film Project", article(qJinhai))
	b.edge(graph.RelPartOf, "project:ruiling-cooling-film", jinhaiID, article(qJinhai))

	// The article gives 金海站配套 no branch: its heading says land
	// acquisition puts branches on projects throughout, and 金海站配套 is a
	// land-acquisition task (qJinhai).
	jhWhy := "the heading says land acquisition and demolition put a branch on every project (全面推行) and 金海站配套 is a land-acquisition task (涉及金海站配套项目征地任务); the article names no branch for it"
	jhBranch := b.org("TEMPORARY_PARTY_BRANCH", "org:jinhai-station-temp-branch", "金海站配套项目临时党支部",
		"Temporary Party Branch of the Jinhai Station Supporting Project", 0, inferred(qBranchesOnProjects, jhWhy))
	set(jhBranch, "secretaryPost", "兼任项目常务副总指挥的街道领导班子成员", inferred(qTempBranch, generalSecretary))
	b.edge(graph.RelBuiltOn, jhBranch.ID, jinhaiID, inferred(qBranchesOnProjects, jhWhy))
	b.sub(jhBranch.ID, StreetCommitteeID, inferred(qStreetBranches, streetBranches))
}

// responsibilityArea: 党员责任服务区 in 新鲍村.
func (b *builder) responsibilityArea() {
	z := b.node(graph.LabelZone, "RESPONSIBILITY_AREA", "zone:xinbao-responsibility-area", "新鲍村党员责任服务区",
		"Xinbao Village Party Members' Responsibility Service Area", article(qXinbao))
	set(z, "grids", int64(40), article(qGrids))
	set(z, "launched", "2016-06", illustrative("the article (mid-2017) says the scheme was launched 去年6月初; the year is inferred"))
	b.edge(graph.RelResponsibleFor, xinbaoID, z.ID, inferred(qXinbao,
		"the scheme's signs are up in 新鲍村 and its village secretary describes launching it; taken as the village being responsible for the area"))

	natural := illustrative("the article says 新鲍村 has 3 natural villages (有3个自然村) but names none; names invented")
	for _, nv := range []struct{ id, name, nameEn string }{
		{"zone:xinbao-baojia", "鲍家", "Baojia (natural village)"},
		{"zone:xinbao-xinwu", "新屋", "Xinwu (natural village)"},
		{"zone:xinbao-xiayang", "下洋", "Xiayang (natural village)"},
	} {
		b.node(graph.LabelZone, "NATURAL_VILLAGE", nv.id, nv.name, nv.nameEn, natural)
		b.edge(graph.RelPartOf, nv.id, xinbaoID, natural)
	}

	mao := b.node(graph.LabelPerson, "PERSON", "person:mao-yueping", "毛岳平", "Mao Yueping", article(qMao))
	b.post(mao.ID, xinbaoID, "村书记", "village Party secretary", article(qMao))
}

// startupTown: 甬台众创小镇 — the Party-building alliance and its branches,
// 四站一中心, and an illustrative third tier.
func (b *builder) startupTown() {
	town := b.node(graph.LabelZone, "AREA", townZoneID, "甬台众创小镇", "Yongtai Startup Town", article(qTown))
	set(town, "partyBuildingMethod", "“拼客”党建工作法")
	b.edge(graph.RelResponsibleFor, StartupTownCommitteeID, townZoneID, inferred(qThreeTier,
		"the network's second tier is the committee named for the startup town (甬台众创小镇党群建设工作委员会); taken as responsible for the town"))

	a := b.node(graph.LabelAlliance, "PARTY_BUILDING_ALLIANCE", StartupTownAllianceID, "甬台众创小镇党建联盟",
		"Yongtai Startup Town Party-Building Alliance", article(qTwoNew))
	b.sub(a.ID, TwoNewCommitteeID, inferred(qTwoNew, "founded by 街道两新工委 (组织成立); taken as under it"))
	for _, br := range []struct{ id, name, nameEn string }{
		{"org:startup-town-college-student-branch", "大学生创业支部", "College Student Entrepreneurs' Party Branch"},
		{"org:startup-town-tech-branch", "科技创业支部", "Technology Startups Party Branch"},
		{"org:startup-town-ecommerce-branch", "电商创业支部", "E-commerce Startups Party Branch"},
		{"org:startup-town-rural-taobao-branch", "村淘创业支部", "Rural Taobao Startups Party Branch"},
	} {
		b.org("PARTY_BRANCH", br.id, br.name, br.nameEn, 0, article(qTwoNew))
		b.sub(br.id, a.ID, article(qTwoNew))
	}

	// 四站一中心
	park := b.org("PARK", parkID, "山丘汇·青年创业园", "Shanqiuhui Youth Startup Park", 0, article(qCentre))
	b.edge(graph.RelHostedAt, park.ID, townZoneID, inferred(qPark,
		"a class held at the park is told as Peking University teachers visiting the startup town (“做客”众创小镇); taken as the park lying in the town"))

	c := b.org("SERVICE_CENTRE", ServiceCentreID, "甬台众创小镇党群服务中心",
		"Yongtai Startup Town Party and Public Service Centre", 0, article(qCentre))
	set(c, "network", "四站一中心", inferred(qFourPlusOne, fourPlusOne+"; taken as its one centre"))
	set(c, "residentResources", "两新党建、工会、妇联、社会公益组织")
	set(c, "established", "2017-05", illustrative("the article (mid-2017) says the centre was set up 今年5月; the year is inferred"))
	set(c, "enterprisesCovered", int64(600), article(qCoverage))
	set(c, "enterprisesCoveredText", "600余家", article(qCoverage))
	set(c, "twoNewPartyOrganisations", int64(55), article(qCoverage))
	set(c, "makerspaces", int64(7), article(qCoverage))
	set(c, "partyApplicants", int64(20), inferred(qRecruits, recruits))
	set(c, "partyActivists", int64(18), inferred(qRecruits, recruits))
	set(c, "probationaryMembers", int64(15), inferred(qRecruitsShare, recruits))
	set(c, "shareOfStreetNewMembers", 0.3, inferred(qRecruitsShare, recruits))
	set(c, "shareOfStreetNewMembersText", "30%以上", inferred(qRecruitsShare, recruits))
	b.sub(c.ID, StreetCommitteeID, inferred(qCentre, "set up by the street (该街道…创新设立); "+streetLeads+", so it is placed under it"))
	b.edge(graph.RelHostedAt, c.ID, park.ID, article(qCentre))

	b.org("WORKSHOP", "org:xiangxian-studio", "乡贤工作室", "Local Worthies' Studio", 0, article(qWorkshops))
	workshops := inferred(qWorkshops, "set up by the centre (该中心还建立了…) as places for study and events; taken as hosted there")
	b.edge(graph.RelHostedAt, "org:xiangxian-studio", c.ID, workshops)
	b.org("WORKSHOP", "org:new-social-strata-base", "新的社会阶层人士创业创新基地",
		"Entrepreneurship and Innovation Base for People of the New Social Strata", 0, article(qWorkshops))
	b.edge(graph.RelHostedAt, "org:new-social-strata-base", c.ID, workshops)

	for i, num := range []string{"一", "二", "三", "四"} {
		id := "org:liaison-station-" + string(rune('1'+i))
		s := b.org("LIAISON_STATION", id, "园区党建工作联络站("+num+")",
			"Park Party-Building Liaison Station "+string(rune('1'+i)), 0, article(qStations))
		set(s, "network", "四站一中心", inferred(qFourPlusOne, fourPlusOne+"; taken as one of its four stations"))
		b.sub(id, StreetCommitteeID, inferred(qFourPlusOne, "built by the street (该街道着力建设); "+streetLeads+", so it is placed under it"))
		b.edge(graph.RelHostedAt, id, townZoneID, inferred(qStations,
			"built in 4 parks (在4个园区(站点)), in the paragraph on the startup town's resources (积极挖掘小镇人力物力资源); taken as lying in the town"))
	}

	// Tier 3: 众创空间(企业)党群组织. The article counts 7 makerspaces and 55
	// two-new Party organisations but names none; three are drawn here.
	space := illustrative("the article counts 7 makerspaces (众创空间7个) but names none; this one is invented to draw the third tier (众创空间(企业)党群组织)")
	tier3 := illustrative("the third tier of the network is 众创空间(企业)党群组织 under 甬台众创小镇党群建设工作委员会; this organisation is invented")
	suffix := map[string]struct{ id, name, nameEn string }{
		"PARTY_BRANCH":      {"-party-branch", "党支部", "Party Branch"},
		"UNION":             {"-union", "工会", "Trade Union"},
		"YOUTH_LEAGUE":      {"-youth-league", "团支部", "Youth League Branch"},
		"WOMENS_FEDERATION": {"-womens-federation", "妇联", "Women's Federation"},
	}
	for _, ms := range []struct {
		id, name, nameEn, host string
		bodies                 []string
	}{
		{"org:shanqiuhui-makerspace", "山丘汇众创空间", "Shanqiuhui Makerspace", parkID,
			[]string{"PARTY_BRANCH", "UNION", "YOUTH_LEAGUE", "WOMENS_FEDERATION"}},
		{"org:yongtai-ecommerce-makerspace", "甬台电商众创空间", "Yongtai E-commerce Makerspace", townZoneID,
			[]string{"PARTY_BRANCH", "UNION", "YOUTH_LEAGUE"}},
		{"org:yuelin-creative-makerspace", "岳林文创众创空间", "Yuelin Cultural and Creative Makerspace", townZoneID,
			[]string{"PARTY_BRANCH", "UNION", "WOMENS_FEDERATION"}},
	} {
		b.org("MAKERSPACE", ms.id, ms.name, ms.nameEn, 0, space)
		b.edge(graph.RelHostedAt, ms.id, ms.host, space)
		for _, kind := range ms.bodies {
			s := suffix[kind]
			id := ms.id + s.id
			b.org(kind, id, ms.name+s.name, ms.nameEn+" "+s.nameEn, 3, tier3)
			b.sub(id, StartupTownCommitteeID, tier3)
			b.edge(graph.RelHostedAt, id, ms.id, tier3)
			if kind == "PARTY_BRANCH" {
				b.member(id, StartupTownAllianceID, "member", "",
					illustrative("the alliance pools the town's Party organisations (拼组织联建) but the article names no member; this invented makerspace branch is made one"))
			}
		}
	}
}

// brands: 山丘汇岳、众创成林 and its five brands, the six service platforms
// and the online channels.
func (b *builder) brands() {
	sys := b.node(graph.LabelBrand, "BRAND_SYSTEM", systemID, "山丘汇岳、众创成林",
		"Hills Gather at Yue, Makers Grow into a Forest", article(qBrandSystem))
	set(sys, "serviceBrands", int64(5), article(qBrands))
	set(sys, "projects", int64(30), article(qBrands))
	b.edge(graph.RelRuns, StreetCommitteeID, systemID, inferred(qBrandSystem,
		"the street built the brand system (岳林街道打造); "+streetLeads+", so it is taken as running it"))
	for _, br := range []struct{ id, name, nameEn string }{
		{"brand:shanqiuhui-party-building", "山丘汇·党建", "Shanqiuhui · Party Building"},
		{"brand:tongxin-shanqiu", "同心山丘", "Hills of One Heart"},
		{"brand:jiangxin-zhumeng", "匠心筑梦", "Craftsmanship Builds Dreams"},
		{"brand:qingchuang-leyuan", "青创乐园", "Young Makers' Paradise"},
		{"brand:fenling-yizhan", "粉领驿站", "Pink-Collar Post"},
	} {
		b.node(graph.LabelBrand, "BRAND", br.id, br.name, br.nameEn, article(qBrands))
		b.edge(graph.RelPartOf, br.id, systemID, article(qBrands))
	}

	for _, pl := range []struct{ id, name, nameEn string }{
		{"platform:innovation-showcase", "创新创业的展示平台", "Showcase Platform for Innovation and Entrepreneurship"},
		{"platform:resource-sharing", "整合资源的共享平台", "Shared Platform Integrating Resources"},
		{"platform:rights-protection", "创客(职工)权益的保障平台", "Platform Safeguarding the Rights of Makers (Workers)"},
		{"platform:development-services", "助推发展的服务平台", "Service Platform Boosting Development"},
		{"platform:needs-information", "对接需求的信息平台", "Information Platform Matching Needs"},
		{"platform:political-guidance", "思想政治的引领平台", "Platform for Ideological and Political Guidance"},
	} {
		b.node(graph.LabelPlatform, "SERVICE_PLATFORM", pl.id, pl.name, pl.nameEn, article(qPlatforms))
		b.edge(graph.RelRuns, StreetCommitteeID, pl.id, inferred(qPlatforms,
			"the street set up the six platforms (搭建…六大服务平台); "+streetLeads+", so it is taken as running them"))
	}

	net := b.node(graph.LabelPlatform, "NETWORK_PLATFORM", "platform:three-in-one-network", "三网合一的网络平台",
		"Three-in-One Online Platform", article(qOnline))
	set(net, "networks", "工作网、联系网、服务网")
	b.edge(graph.RelRuns, StreetCommitteeID, net.ID, inferred(qOnline,
		"the street built the three-in-one platform (打造…三网合一的网络平台); "+streetLeads+", so it is taken as running it"))
	for _, ch := range []struct{ kind, id, name, nameEn string }{
		{"WEBSITE", "platform:yongtai-startup-town-website", "甬台众创小镇网站", "Yongtai Startup Town website"},
		{"WECHAT_ACCOUNT", "platform:zhongchuang-yuelin-wechat", "众创岳林微信公众号", "Zhongchuang Yuelin WeChat official account"},
	} {
		b.node(graph.LabelPlatform, ch.kind, ch.id, ch.name, ch.nameEn, article(qOnline))
		b.edge(graph.RelRuns, StreetCommitteeID, ch.id, inferred(qOnline,
			"the street makes good use of (运用好) the website and the WeChat account, which is not saying who runs them; "+streetLeads+", so it is taken as running them"))
		// The channels make up the three-in-one platform, but PART_OF may
		// not end at a Platform (graph.RelEndpoints); the link waits for
		// that model change.
	}
}

// communityWork: community work brands and the planned service centre at
// 力邦广场.
func (b *builder) communityWork() {
	club := b.org("SOCIAL_ORGANISATION", "org:jinzhong-tongmeng-club", "金钟社区童梦亲子俱乐部",
		"Jinzhong Community Childhood Dreams Parent-Child Club", 0, article(qCommunityBrands))
	set(club, "workBrand", "社区工作品牌")
	b.sub(club.ID, jinzhongID, article(qCommunityBrands))

	law := b.org("WORKSHOP", "org:xin-community-law-studio", "新社区法律工作室",
		"Xin Community Legal Studio", 0, article(qCommunityBrands))
	set(law, "workBrand", "社区工作品牌")
	b.sub(law.ID, xinCommID, article(qCommunityBrands))

	b.node(graph.LabelZone, "AREA", "zone:libang-plaza", "力邦广场", "Libang Plaza", article(qLibang))
	lc := b.org("SERVICE_CENTRE", "org:libang-plaza-service-centre", "力邦广场社区综合服务中心",
		"Libang Plaza Community Service Centre (planned)", 0, article(qLibang))
	set(lc, "status", "planned")
	set(lc, "areaM2", int64(1500))
	set(lc, "functions", "社区党建、商会阵地、民生微实事")
	b.edge(graph.RelHostedAt, lc.ID, "zone:libang-plaza", article(qLibang))
	b.sub(lc.ID, StreetCommitteeID, inferred(qLibang, "the street will build it (该街道还将…打造); "+streetLeads+", so it is placed under it"))
}
