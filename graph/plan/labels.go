package plan

import (
	"strings"
	"unicode"
)

// MetricInfo says what one metric is, in the office's words: a label in
// Chinese and in English and a one-line description in each. The GraphQL
// schema's enum PlanMetric and type AllianceMetrics carry the same English
// descriptions (a test holds them equal).
type MetricInfo struct {
	// Key is the metric's JSON path in Metrics ("strength.cv") or
	// AllianceMetrics ("pieces").
	Key           string
	LabelZh       string
	LabelEn       string
	Description   string
	DescriptionZh string
	// Better is "lower" or "higher" when one direction is better, else "".
	Better string
	// Int is true for counts (shown without decimals).
	Int bool

	plan     func(Metrics) float64
	alliance func(AllianceMetrics) float64
}

// Value is the metric's value in m (a plan-wide metric).
func (mi MetricInfo) Value(m Metrics) float64 {
	if mi.plan == nil {
		return 0
	}
	return mi.plan(m)
}

// AllianceValue is the metric's value in a (a per-alliance metric).
func (mi MetricInfo) AllianceValue(a AllianceMetrics) float64 {
	if mi.alliance == nil {
		return 0
	}
	return mi.alliance(a)
}

// Enum is the metric's name as a GraphQL enum value: "strength.cv" →
// STRENGTH_CV, "allianceCount" → ALLIANCE_COUNT.
func (mi MetricInfo) Enum() string {
	var b strings.Builder
	for i, r := range mi.Key {
		switch {
		case r == '.':
			b.WriteByte('_')
		case unicode.IsUpper(r) && i > 0:
			b.WriteByte('_')
			b.WriteRune(r)
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// PlanMetrics are the plan-wide metrics, in the order tables show them.
var PlanMetrics = []MetricInfo{
	{Key: "allianceCount", LabelZh: "联合体数", LabelEn: "Alliances", Int: true,
		Description: "How many alliances the plan has.", DescriptionZh: "方案中联合体的个数。",
		plan: func(m Metrics) float64 { return float64(m.AllianceCount) }},
	{Key: "units", LabelZh: "村社数", LabelEn: "Villages and communities", Int: true,
		Description: "How many villages and communities are planned.", DescriptionZh: "参与规划的村和社区个数。",
		plan: func(m Metrics) float64 { return float64(m.Units) }},
	{Key: "unassigned", LabelZh: "未加入联合体的村社", LabelEn: "Units in no alliance", Better: "lower", Int: true,
		Description: "Villages and communities that belong to no alliance.", DescriptionZh: "不属于任何联合体的村和社区。",
		plan: func(m Metrics) float64 { return float64(m.Unassigned) }},
	{Key: "members.min", LabelZh: "最小联合体成员数", LabelEn: "Members of the smallest alliance", Int: true,
		Description: "Villages and communities in the alliance that has fewest.", DescriptionZh: "成员最少的联合体有几个村社。",
		plan: func(m Metrics) float64 { return m.Members.Min }},
	{Key: "members.max", LabelZh: "最大联合体成员数", LabelEn: "Members of the largest alliance", Int: true,
		Description: "Villages and communities in the alliance that has most.", DescriptionZh: "成员最多的联合体有几个村社。",
		plan: func(m Metrics) float64 { return m.Members.Max }},
	{Key: "members.cv", LabelZh: "规模不均衡度", LabelEn: "Unevenness of size", Better: "lower",
		Description: "How unequal the alliances are in members: standard deviation over mean (0: all the same size).", DescriptionZh: "各联合体成员数的差异：标准差除以平均数（0 表示一样大）。",
		plan: func(m Metrics) float64 { return m.Members.CV }},
	{Key: "population.min", LabelZh: "人口最少的联合体", LabelEn: "Population of the least populous alliance", Int: true,
		Description: "Residents of the alliance with fewest.", DescriptionZh: "人口最少的联合体的人口。",
		plan: func(m Metrics) float64 { return m.Population.Min }},
	{Key: "population.max", LabelZh: "人口最多的联合体", LabelEn: "Population of the most populous alliance", Int: true,
		Description: "Residents of the alliance with most.", DescriptionZh: "人口最多的联合体的人口。",
		plan: func(m Metrics) float64 { return m.Population.Max }},
	{Key: "population.range", LabelZh: "人口差距", LabelEn: "Population gap", Better: "lower", Int: true,
		Description: "Residents of the most populous alliance minus the least populous.", DescriptionZh: "人口最多与最少的联合体相差多少人。",
		plan: func(m Metrics) float64 { return m.Population.Range }},
	{Key: "population.cv", LabelZh: "人口不均衡度", LabelEn: "Unevenness of population", Better: "lower",
		Description: "How unequal the alliances are in residents: standard deviation over mean (0: all equal).", DescriptionZh: "各联合体人口的差异：标准差除以平均数（0 表示相等）。",
		plan: func(m Metrics) float64 { return m.Population.CV }},
	{Key: "strength.min", LabelZh: "最弱联合体的集体收入", LabelEn: "Strength of the weakest alliance",
		Description: "Collective income (10,000 yuan a year) of the alliance with least, summed over its members.", DescriptionZh: "集体收入（万元/年）最少的联合体，其成员收入之和。",
		plan: func(m Metrics) float64 { return m.Strength.Min }},
	{Key: "strength.max", LabelZh: "最强联合体的集体收入", LabelEn: "Strength of the strongest alliance",
		Description: "Collective income (10,000 yuan a year) of the alliance with most, summed over its members.", DescriptionZh: "集体收入（万元/年）最多的联合体，其成员收入之和。",
		plan: func(m Metrics) float64 { return m.Strength.Max }},
	{Key: "strength.range", LabelZh: "实力差距", LabelEn: "Strength gap", Better: "lower",
		Description: "Collective income of the strongest alliance minus the weakest.", DescriptionZh: "最强与最弱联合体的集体收入之差。",
		plan: func(m Metrics) float64 { return m.Strength.Range }},
	{Key: "strength.cv", LabelZh: "实力不均衡度", LabelEn: "Unevenness of strength", Better: "lower",
		Description: "How unequal the alliances are in collective income: standard deviation over mean (0: all equal).", DescriptionZh: "各联合体集体收入的差异：标准差除以平均数（0 表示相等）。",
		plan: func(m Metrics) float64 { return m.Strength.CV }},
	{Key: "partyMembers.cv", LabelZh: "党员数不均衡度", LabelEn: "Unevenness of Party members", Better: "lower",
		Description: "How unequal the alliances are in Party members: standard deviation over mean (0: all equal).", DescriptionZh: "各联合体党员数的差异：标准差除以平均数（0 表示相等）。",
		plan: func(m Metrics) float64 { return m.PartyMembers.CV }},
	{Key: "alliancesWithoutStrong", LabelZh: "没有强村带动的联合体", LabelEn: "Alliances without a strong unit", Better: "lower", Int: true,
		Description: "Alliances in which no member is strong enough to lead (以强带弱).", DescriptionZh: "没有一个成员强到能带动其他成员的联合体。",
		plan: func(m Metrics) float64 { return float64(m.AlliancesWithoutStrong) }},
	{Key: "nonContiguous", LabelZh: "不连片的联合体", LabelEn: "Alliances not in one piece", Better: "lower", Int: true,
		Description: "Alliances whose members do not form one connected area on the map.", DescriptionZh: "成员在地图上不连成一片的联合体。",
		plan: func(m Metrics) float64 { return float64(m.NonContiguous) }},
	{Key: "crossingEdges", LabelZh: "联合体之间的边界", LabelEn: "Borders between alliances", Better: "lower", Int: true,
		Description: "Borders between neighbouring villages or communities of different alliances (fewer: more compact).", DescriptionZh: "分属不同联合体的相邻村社之间的边界数（越少越紧凑）。",
		plan: func(m Metrics) float64 { return float64(m.CrossingEdges) }},
	{Key: "modularity", LabelZh: "紧凑度", LabelEn: "Compactness", Better: "higher",
		Description: "Modularity of the alliances on the map: how much more they keep borders inside than chance would (higher: more compact).", DescriptionZh: "联合体在地图上的模块度：边界留在联合体内部的程度比随机分组高多少（越高越紧凑）。",
		plan: func(m Metrics) float64 { return m.Modularity }},
	{Key: "pairings", LabelZh: "结对数", LabelEn: "Pairings", Int: true,
		Description: "Strong units paired with weak ones (以强带弱).", DescriptionZh: "强村带弱村的结对个数。",
		plan: func(m Metrics) float64 { return float64(m.Pairings) }},
	{Key: "weakWithMentor", LabelZh: "有结对帮扶的弱村", LabelEn: "Weak units with a mentor", Better: "higher", Int: true,
		Description: "Weak villages and communities that a strong one mentors.", DescriptionZh: "有强村结对帮扶的弱村社。",
		plan: func(m Metrics) float64 { return float64(m.WeakWithMentor) }},
	{Key: "weakWithoutMentor", LabelZh: "没有结对帮扶的弱村", LabelEn: "Weak units without a mentor", Better: "lower", Int: true,
		Description: "Weak villages and communities that no strong one mentors.", DescriptionZh: "没有强村结对帮扶的弱村社。",
		plan: func(m Metrics) float64 { return float64(m.WeakWithoutMentor) }},
	{Key: "maxMenteesPerMentor", LabelZh: "一个强村最多帮扶几个", LabelEn: "Most mentees of one mentor", Int: true,
		Description: "The most weak units any one strong unit mentors.", DescriptionZh: "帮扶弱村最多的强村帮扶几个。",
		plan: func(m Metrics) float64 { return float64(m.MaxMenteesPerMentor) }},
	{Key: "pairingsWithinAlliance", LabelZh: "联合体内的结对", LabelEn: "Pairings within an alliance", Better: "higher", Int: true,
		Description: "Pairings whose mentor and mentee are in the same alliance.", DescriptionZh: "强村和弱村在同一联合体内的结对。",
		plan: func(m Metrics) float64 { return float64(m.PairingsWithinAlliance) }},
	{Key: "meanPairingHops", LabelZh: "结对平均距离", LabelEn: "Mean distance of a pairing", Better: "lower",
		Description: "Mean number of borders crossed on the map from mentor to mentee.", DescriptionZh: "从强村到所帮扶弱村在地图上平均要跨过几条边界。",
		plan: func(m Metrics) float64 { return m.MeanPairingHops }},
	{Key: "moved", LabelZh: "调整的村社", LabelEn: "Units moved", Int: true,
		Description: "Villages and communities that would change alliance.", DescriptionZh: "将换到另一个联合体的村社。",
		plan: func(m Metrics) float64 { return float64(m.Moved) }},
	{Key: "alliancesKept", LabelZh: "不变的联合体", LabelEn: "Alliances kept", Int: true,
		Description: "Alliances that keep exactly today's members.", DescriptionZh: "成员与今天完全相同的联合体。",
		plan: func(m Metrics) float64 { return float64(m.AlliancesKept) }},
	{Key: "alliancesChanged", LabelZh: "调整的联合体", LabelEn: "Alliances changed", Int: true,
		Description: "Alliances that continue one of today's with other members.", DescriptionZh: "延续今天的联合体但成员有变化的联合体。",
		plan: func(m Metrics) float64 { return float64(m.AlliancesChanged) }},
	{Key: "alliancesNew", LabelZh: "新建的联合体", LabelEn: "New alliances", Int: true,
		Description: "Alliances that continue none of today's.", DescriptionZh: "不延续今天任何联合体的新联合体。",
		plan: func(m Metrics) float64 { return float64(m.AlliancesNew) }},
	{Key: "alliancesDissolved", LabelZh: "撤销的联合体", LabelEn: "Alliances dissolved", Int: true,
		Description: "Today's alliances that no alliance of the plan continues.", DescriptionZh: "方案中没有延续的今天的联合体。",
		plan: func(m Metrics) float64 { return float64(m.AlliancesDissolved) }},
}

// AllianceMetricInfo are the metrics of one alliance (AllianceMetrics), in
// the order tables show them.
var AllianceMetricInfo = []MetricInfo{
	{Key: "members", LabelZh: "成员数", LabelEn: "Members", Int: true,
		Description: "Villages and communities in the alliance.", DescriptionZh: "联合体内的村和社区个数。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.Members) }},
	{Key: "population", LabelZh: "人口", LabelEn: "Population", Int: true,
		Description: "Residents of its members.", DescriptionZh: "成员的人口之和。",
		alliance: func(a AllianceMetrics) float64 { return a.Population }},
	{Key: "strength", LabelZh: "集体收入", LabelEn: "Strength",
		Description: "Collective income of its members (10,000 yuan a year).", DescriptionZh: "成员的集体收入之和（万元/年）。",
		alliance: func(a AllianceMetrics) float64 { return a.Strength }},
	{Key: "partyMembers", LabelZh: "党员数", LabelEn: "Party members", Int: true,
		Description: "Party members of its members.", DescriptionZh: "成员的党员数之和。",
		alliance: func(a AllianceMetrics) float64 { return a.PartyMembers }},
	{Key: "strongUnits", LabelZh: "强村数", LabelEn: "Strong units", Int: true,
		Description: "Members strong enough to lead and mentor.", DescriptionZh: "能带动、能结对帮扶的成员个数。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.StrongUnits) }},
	{Key: "weakUnits", LabelZh: "弱村数", LabelEn: "Weak units", Int: true,
		Description: "Members that are not strong.", DescriptionZh: "不属于强村的成员个数。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.WeakUnits) }},
	{Key: "weakWithMentor", LabelZh: "有结对的弱村", LabelEn: "Weak units with a mentor", Int: true,
		Description: "Its weak members that a strong unit (in any alliance) mentors.", DescriptionZh: "有强村（任一联合体的）结对帮扶的弱成员个数。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.WeakWithMentor) }},
	{Key: "pieces", LabelZh: "片数", LabelEn: "Pieces on the map", Int: true,
		Description: "Connected areas its members form on the map (1: in one piece).", DescriptionZh: "成员在地图上分成几片（1 表示连成一片）。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.Pieces) }},
	{Key: "crossingEdges", LabelZh: "对外边界", LabelEn: "Borders with other alliances", Int: true,
		Description: "Borders between its members and units of other alliances.", DescriptionZh: "成员与其他联合体村社之间的边界数。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.CrossingEdges) }},
	{Key: "joined", LabelZh: "新加入", LabelEn: "Joined", Int: true,
		Description: "Members that are not in the alliance it continues today (all of them, for a new alliance).", DescriptionZh: "今天不在其所延续联合体中的成员个数（新联合体为全部成员）。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.Joined) }},
	{Key: "left", LabelZh: "离开", LabelEn: "Left", Int: true,
		Description: "Today's members of the alliance it continues that leave it.", DescriptionZh: "所延续联合体今天的成员中将离开的个数。",
		alliance: func(a AllianceMetrics) float64 { return float64(a.Left) }},
}
