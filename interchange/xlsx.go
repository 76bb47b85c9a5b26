package interchange

import (
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
)

// Spreadsheets (.xlsx) for offices: the network as an office keeps it, one
// sheet per kind of thing, organisations and alliances by name. Headers are
// Chinese (as orgnet writes them) or English; either is read. Sheets:
//
//   - 组织 (Organisations): 编号 id, 名称 name, 英文名称 nameEn, 类型 kind
//     (村, 社区, 党支部 … or VILLAGE …), 层级 tier, 上级 parent (a name or an
//     id), 上级编号 parentId, 成立日期 since, 撤销日期 until, 人口
//     population, 集体收入（万元） strength, 党员数 partyMembers, 备注 note;
//   - 联合体 (Alliances): as 组织, with 类型 区域党建联合体 or 党建联盟 and
//     联合体类型 allianceType (强村带动, 产业纽带, 文化共建, 项目联动, 服务共享);
//   - 成员 (Members): 联合体 alliance, 联合体编号, 成员 member, 成员编号, 角色
//     role (成员, 共建单位, 牵头单位 or member, co-builder, lead), 加入日期
//     since, 退出日期 until;
//   - 结对 (Pairings): 帮扶方 mentor (also 结对), 帮扶方编号, 受帮扶方
//     mentee, 受帮扶方编号, 开始日期 since, 结束日期 until;
//   - 其他 (Others): people, projects, zones, brands, platforms (and the
//     records a Snapshot holds: source documents, saved scenarios): as 组织
//     without 上级, the 类型 telling what each is (人员, 项目, 网格 …);
//   - 关系 (Relations): any relation: 关系 type (上级, 成员, 帮扶, 相邻, 建在,
//     任职, 负责, 驻在, 运营, 属于 or the model's names), 起点 from, 起点编号,
//     终点 to, 终点编号, 职务 title, 角色 role, 开始日期, 结束日期;
//   - 说明 (Readme): what the sheets and columns mean; not read.
//
// Every sheet also takes 编号 id (a relation's: empty is the default), 来源
// source (the level: ARTICLE, INFERRED, ILLUSTRATIVE, SYNTHETIC, USER, or
// 原文, 推断, 示意, 合成, 用户), 文献编号 sourceId, 引文 quote, 推理
// reasoning, 出处 ref (provenance, as in the CSV files) and, for nodes,
// 属性来源 attrProvenance (JSON); any other column is an attribute
// named in English, typed as in CSV headers (households:int, listed:boolean,
// note:string). The first row is the header; empty rows are skipped; dates
// are YYYY-MM-DD (or an Excel date, 2016/10/1, 2016年10月1日).
//
// Names: a node without 编号 is the stored node of that name and label if
// there is one, else gets an id made from its name: the label's prefix and
// the pinyin (org:sheng-dun-cun for 圣墩村), with a short hash of the name
// appended when that id is already another name's. The same name so gets the
// same id at every import. A reference (上级, 联合体, 成员, 帮扶方, 受帮扶方,
// 起点, 终点) is an id, or a name (or English name) of a node in the workbook
// or the store; its …编号 column, when filled, gives the id and wins, but
// must agree with the name beside it. A relation that a 上级 cell makes and
// a 关系 row repeats (same type, start and end) is taken from the 关系 row:
// orgnet's export writes a parent there too when the parent relation has
// dates, attributes or a source of its own.

// XLSX is an Excel workbook (.xlsx): the sheets above.
const XLSX Format = "xlsx"

// sheetKind is what a sheet holds.
type sheetKind int

const (
	sheetOrgs sheetKind = iota
	sheetAlliances
	sheetMembers
	sheetPairings
	sheetOthers
	sheetRelations
	sheetReadme
)

// xsheet describes one sheet: its names and its known columns, in the order
// they are written.
type xsheet struct {
	kind   sheetKind
	zh, en string
	cols   []xcol
	edges  bool // rows are relations
}

// xcol is a known column: the field it fills (a graph field name, as
// problems name them, or one of the reference fields), its headers, and for
// an attribute its key and type.
type xcol struct {
	field   string
	zh, en  string
	aliases []string
	key     string // attribute key, for field "attrs.<key>"
	typ     valueType
}

// Column fields beyond graph's own: references by name and by id.
const (
	fParent     = "parent"
	fParentID   = "parentId"
	fFrom       = "from" // the start of a relation: 成员, 帮扶方, 起点
	fFromID     = "fromId"
	fTo         = "to" // the end: 联合体, 受帮扶方, 终点
	fToID       = "toId"
	fType       = "type"
	fID         = "id"
	fName       = "name"
	fNameEn     = "nameEn"
	fKind       = "kind"
	fTier       = "tier"
	fSince      = "since"
	fUntil      = "until"
	fSource     = "provenance.source"
	fSourceID   = "provenance.sourceId"
	fQuote      = "provenance.quote"
	fReasoning  = "provenance.reasoning"
	fRef        = "provenance.ref"
	fAttrProv   = "attrProvenance"
	attrsPrefix = "attrs."
)

func attrCol(key, zh, en string, typ valueType, aliases ...string) xcol {
	return xcol{field: attrsPrefix + key, zh: zh, en: en, key: key, typ: typ, aliases: aliases}
}

var (
	xcolID       = xcol{field: fID, zh: "编号", en: "id", aliases: []string{"ID", "代码"}}
	xcolName     = xcol{field: fName, zh: "名称", en: "name", aliases: []string{"单位名称", "组织名称", "名字", "姓名"}}
	xcolNameEn   = xcol{field: fNameEn, zh: "英文名称", en: "nameEn", aliases: []string{"英文名", "name_en", "english name"}}
	xcolKind     = xcol{field: fKind, zh: "类型", en: "kind", aliases: []string{"类别", "性质"}}
	xcolTier     = xcol{field: fTier, zh: "层级", en: "tier"}
	xcolParent   = xcol{field: fParent, zh: "上级", en: "parent", aliases: []string{"上级组织", "上级单位", "上级党组织"}}
	xcolParentID = xcol{field: fParentID, zh: "上级编号", en: "parentId"}
	xcolFounded  = xcol{field: fSince, zh: "成立日期", en: "since", aliases: []string{"成立时间", "开始日期"}}
	xcolDissolve = xcol{field: fUntil, zh: "撤销日期", en: "until", aliases: []string{"撤销时间", "结束日期"}}
	xcolSince    = xcol{field: fSince, zh: "开始日期", en: "since", aliases: []string{"开始时间", "起始日期"}}
	xcolUntil    = xcol{field: fUntil, zh: "结束日期", en: "until", aliases: []string{"结束时间", "终止日期"}}
	xcolNote     = attrCol("note", "备注", "note", typeString, "说明")
	xcolSource   = xcol{field: fSource, zh: "来源", en: "source", aliases: []string{"信息来源"}}
	xcolSourceID = xcol{field: fSourceID, zh: "文献编号", en: "sourceId", aliases: []string{"来源文献", "文献"}}
	xcolQuote    = xcol{field: fQuote, zh: "引文", en: "quote", aliases: []string{"依据", "原文"}}
	xcolReason   = xcol{field: fReasoning, zh: "推理", en: "reasoning", aliases: []string{"推理说明", "推断理由"}}
	xcolRef      = xcol{field: fRef, zh: "出处", en: "ref"}
	xcolAttrProv = xcol{field: fAttrProv, zh: "属性来源", en: "attrProvenance"}
	xcolEdgeID   = xcol{field: fID, zh: "编号", en: "id", aliases: []string{"关系编号"}}
)

// xsheets are the sheets in the order they are written.
var xsheets = []*xsheet{
	{kind: sheetOrgs, zh: "组织", en: "Organisations", cols: []xcol{
		xcolID, xcolName, xcolNameEn, xcolKind, xcolTier, xcolParent, xcolParentID, xcolFounded, xcolDissolve,
		attrCol(graph.AttrPopulation, "人口", "population", typeInt, "人口数", "户籍人口"),
		attrCol(graph.AttrStrength, "集体收入", "strength", typeFloat, "村集体收入", "集体经济收入"),
		attrCol(graph.AttrPartyMembers, "党员数", "partyMembers", typeInt, "党员人数", "党员"),
		xcolNote, xcolSource, xcolSourceID, xcolQuote, xcolReason, xcolRef, xcolAttrProv}},
	{kind: sheetAlliances, zh: "联合体", en: "Alliances", cols: []xcol{
		xcolID, xcolName, xcolNameEn, xcolKind,
		attrCol(graph.AttrAllianceType, "联合体类型", "allianceType", typeString, "联建类型"),
		xcolTier, xcolParent, xcolParentID, xcolFounded, xcolDissolve, xcolNote, xcolSource, xcolSourceID, xcolQuote, xcolReason, xcolRef, xcolAttrProv}},
	{kind: sheetMembers, zh: "成员", en: "Members", edges: true, cols: []xcol{
		{field: fTo, zh: "联合体", en: "alliance", aliases: []string{"联合体名称", "所属联合体"}},
		{field: fToID, zh: "联合体编号", en: "allianceId"},
		{field: fFrom, zh: "成员", en: "member", aliases: []string{"成员单位", "成员名称"}},
		{field: fFromID, zh: "成员编号", en: "memberId"},
		attrCol(graph.AttrRole, "角色", "role", typeString),
		{field: fSince, zh: "加入日期", en: "since", aliases: []string{"加入时间", "开始日期"}},
		{field: fUntil, zh: "退出日期", en: "until", aliases: []string{"退出时间", "结束日期"}},
		xcolNote, xcolEdgeID, xcolSource, xcolSourceID, xcolQuote, xcolReason, xcolRef}},
	{kind: sheetPairings, zh: "结对", en: "Pairings", edges: true, cols: []xcol{
		{field: fFrom, zh: "帮扶方", en: "mentor", aliases: []string{"结对", "强村", "帮扶单位", "帮扶村"}},
		{field: fFromID, zh: "帮扶方编号", en: "mentorId"},
		{field: fTo, zh: "受帮扶方", en: "mentee", aliases: []string{"弱村", "被帮扶方", "受帮扶单位", "受帮扶村", "结对对象"}},
		{field: fToID, zh: "受帮扶方编号", en: "menteeId"},
		xcolSince, xcolUntil, xcolNote, xcolEdgeID, xcolSource, xcolSourceID, xcolQuote, xcolReason, xcolRef}},
	{kind: sheetOthers, zh: "其他", en: "Others", cols: []xcol{
		xcolID, xcolName, xcolNameEn, xcolKind, xcolTier, xcolFounded, xcolDissolve, xcolNote, xcolSource, xcolSourceID, xcolQuote, xcolReason, xcolRef, xcolAttrProv}},
	{kind: sheetRelations, zh: "关系", en: "Relations", edges: true, cols: []xcol{
		{field: fType, zh: "关系", en: "type", aliases: []string{"关系类型"}},
		{field: fFrom, zh: "起点", en: "from"},
		{field: fFromID, zh: "起点编号", en: "fromId"},
		{field: fTo, zh: "终点", en: "to"},
		{field: fToID, zh: "终点编号", en: "toId"},
		attrCol(graph.AttrTitle, "职务", "title", typeString),
		attrCol(graph.AttrRole, "角色", "role", typeString),
		xcolSince, xcolUntil, xcolNote, xcolEdgeID, xcolSource, xcolSourceID, xcolQuote, xcolReason, xcolRef}},
	{kind: sheetReadme, zh: "说明", en: "Readme"},
}

// sheetOf returns the sheet named name (Chinese or English, any case).
func sheetOf(name string) (*xsheet, bool) {
	n := strings.TrimSpace(name)
	for _, s := range xsheets {
		if n == s.zh || strings.EqualFold(n, s.en) {
			return s, true
		}
	}
	return nil, false
}

// unitsRE matches a unit after a header: 集体收入（万元）, strength (10k yuan).
var unitsRE = regexp.MustCompile(`\s*[（(][^）)]*[）)]\s*$`)

// headerKey normalises a header for matching: trimmed, without units, lower
// case.
func headerKey(h string) string {
	return strings.ToLower(strings.TrimSpace(unitsRE.ReplaceAllString(strings.TrimSpace(h), "")))
}

// header returns the column a header names on sheet s; a header with a
// type (households:int) is always an attribute.
func (s *xsheet) header(h string) (xcol, bool) {
	k := headerKey(h)
	for _, c := range s.cols {
		if k == c.zh || k == strings.ToLower(c.en) {
			return c, true
		}
		for _, a := range c.aliases {
			if k == strings.ToLower(a) {
				return c, true
			}
		}
	}
	return xcol{}, false
}

// zhHeader is how orgnet writes a known column's header: the strength column
// with its unit.
func (c xcol) zhHeader() string {
	if c.key == graph.AttrStrength {
		return c.zh + "（万元）"
	}
	return c.zh
}

// kindNames are the Chinese names of every kind, the first of each the one
// written; the enum names are read too.
var kindNames = map[string][]string{
	"PARTY_WORKING_COMMITTEE": {"党工委", "党的工作委员会"},
	"PARTY_COMMITTEE":         {"党委", "党委员会"},
	"PARTY_BRANCH":            {"党支部", "支部"},
	"TEMPORARY_PARTY_BRANCH":  {"临时党支部"},
	"PARTY_GROUP":             {"党小组"},
	"PARTY_COMMANDO":          {"党员突击队", "突击队"},
	"UNION":                   {"工会"},
	"YOUTH_LEAGUE":            {"团组织", "团委", "团支部", "共青团"},
	"WOMENS_FEDERATION":       {"妇联"},
	"MAKERSPACE":              {"众创空间"},
	"ENTERPRISE":              {"企业", "公司"},
	"VILLAGE":                 {"村", "行政村"},
	"COMMUNITY":               {"社区"},
	"GOVERNMENT_OFFICE":       {"政府机关", "机关", "街道"},
	"SERVICE_CENTRE":          {"服务中心", "党群服务中心"},
	"LIAISON_STATION":         {"联络站", "党建工作联络站"},
	"WORKSHOP":                {"工作室", "基地"},
	"PARK":                    {"园区"},
	"SOCIAL_ORGANISATION":     {"社会组织", "商会", "协会"},
	"REGIONAL_ALLIANCE":       {"区域党建联合体", "联合体"},
	"PARTY_BUILDING_ALLIANCE": {"党建联盟", "联盟"},
	"PERSON":                  {"人员", "个人"},
	"PROJECT":                 {"项目"},
	"SUB_PROJECT":             {"子项目"},
	"RESPONSIBILITY_AREA":     {"责任区"},
	"GRID":                    {"网格"},
	"NATURAL_VILLAGE":         {"自然村"},
	"AREA":                    {"片区", "区域"},
	"BRAND":                   {"品牌"},
	"BRAND_SYSTEM":            {"品牌体系"},
	"SERVICE_PLATFORM":        {"服务平台"},
	"WEBSITE":                 {"网站"},
	"WECHAT_ACCOUNT":          {"微信公众号", "公众号"},
	"NETWORK_PLATFORM":        {"网络平台"},
	"SAVED":                   {"已保存方案"},
	"COMMITTED":               {"已采纳方案"},
	"DOCUMENT":                {"文献"},
	"NEWS_ARTICLE":            {"新闻报道"},
	"REPORT":                  {"报告"},
	"WEB_PAGE":                {"网页"},
}

// allianceTypeNames are the Chinese names of the alliance types.
var allianceTypeNames = map[string][]string{
	"STRONG_VILLAGE_LEAD": {"强村带动"},
	"INDUSTRY_LINK":       {"产业纽带"},
	"CULTURE_CO_BUILD":    {"文化共建"},
	"PROJECT_LINK":        {"项目联动"},
	"SERVICE_SHARE":       {"服务共享"},
}

// relNames are the Chinese names of the relationship types (start → end).
var relNames = map[graph.RelType][]string{
	graph.RelSubOrganisationOf: {"上级", "隶属"},
	graph.RelMemberOf:          {"成员", "加入"},
	graph.RelMentors:           {"帮扶", "结对"},
	graph.RelAdjacentTo:        {"相邻", "毗邻"},
	graph.RelBuiltOn:           {"建在", "依托"},
	graph.RelHoldsPost:         {"任职", "职务"},
	graph.RelResponsibleFor:    {"负责"},
	graph.RelHostedAt:          {"驻在", "设在"},
	graph.RelRuns:              {"运营", "运行"},
	graph.RelPartOf:            {"属于", "组成"},
}

// roleNames are read as the roles the model uses.
var roleNames = map[string]string{"成员": "member", "成员单位": "member", "共建单位": "co-builder", "共建": "co-builder", "牵头单位": "lead", "牵头": "lead"}

// sourceNames are the Chinese names of the provenance levels.
var sourceNames = map[string]graph.Source{"原文": graph.SourceArticle, "推断": graph.SourceInferred, "示意": graph.SourceIllustrative,
	"合成": graph.SourceSynthetic, "用户": graph.SourceUser}

// lookupName finds s among the enum names (any case) and Chinese names of
// names; it returns the enum name.
func lookupName(names map[string][]string, s string) (string, bool) {
	t := strings.TrimSpace(s)
	for enum, zh := range names {
		if strings.EqualFold(t, enum) {
			return enum, true
		}
		for _, z := range zh {
			if t == z {
				return enum, true
			}
		}
	}
	return "", false
}

func relTypeOf(s string) (graph.RelType, bool) {
	t := strings.TrimSpace(s)
	for rt, zh := range relNames {
		if strings.EqualFold(t, string(rt)) {
			return rt, true
		}
		for _, z := range zh {
			if t == z {
				return rt, true
			}
		}
	}
	return "", false
}

// KindName is the Chinese name orgnet writes for kind ("" for none).
func KindName(kind string) string {
	if names := kindNames[kind]; len(names) > 0 {
		return names[0]
	}
	return ""
}

// kindList lists the Chinese names written for the kinds of labels.
func kindList(labels ...graph.Label) []string {
	var out []string
	for _, l := range labels {
		for _, k := range graph.Kinds[l] {
			out = append(out, kindNames[k][0])
		}
	}
	return out
}

// cellName names a cell as Excel does: 组织!C7.
func cellName(sheet string, row, col int) string {
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		c = "?"
	}
	return sheet + "!" + c
}
