package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// Downloads of a saved scenario: the network as its plan would make it
// (for drawing and the graph formats) and tables for a meeting.

// Network is the network as the saved plan would make it: its units (as
// snap has them, with the attributes planAlliance, todayAlliance and
// moved), its alliances (a continued one as snap has it, under the plan's
// name; a new one as committing would create it; each with planStatus
// KEPT, CHANGED or NEW), a MEMBER_OF edge from each unit to its planned
// alliance (change: kept or moved), the plan's pairings (MENTORS, change:
// kept or added) and today's borders between its units. Sorted by id.
func (sc *Scenario) Network(snap *graph.Snapshot) *graph.Snapshot {
	pl := sc.Plan
	nodes := map[string]*graph.Node{}
	for _, n := range snap.Nodes {
		if n != nil {
			nodes[n.ID] = n
		}
	}
	prov := graph.Provenance{Source: graph.SourceUser, Ref: sc.Node.ID}
	out := &graph.Snapshot{}
	from := map[string]string{}
	for _, m := range pl.Moves {
		from[m.Unit] = m.From
	}
	inPlan := map[string]bool{}
	for i, a := range pl.Alliances {
		id := a.ID
		if id == "" {
			id = cmpOr(a.CurrentID, a.Key)
		}
		status := "NEW"
		if a.CurrentID != "" {
			status = "CHANGED"
			if i < len(pl.Metrics.Alliances) && pl.Metrics.Alliances[i].Joined == 0 && pl.Metrics.Alliances[i].Left == 0 {
				status = "KEPT"
			}
		}
		var an *graph.Node
		if cur := nodes[a.CurrentID]; cur != nil {
			an = cur.Clone()
		} else {
			an = &graph.Node{ID: id, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Provenance: prov}
		}
		an.Name, an.NameEn = a.Name, cmpOr(a.NameEn, an.NameEn)
		if an.Attrs == nil {
			an.Attrs = map[string]any{}
		}
		an.Attrs["planStatus"] = status
		out.Nodes = append(out.Nodes, an)
		for _, uid := range a.Members {
			un := nodes[uid]
			if un == nil {
				continue
			}
			u := un.Clone()
			if u.Attrs == nil {
				u.Attrs = map[string]any{}
			}
			today, moved := a.CurrentID, false
			if f, ok := from[uid]; ok {
				today, moved = f, true
			}
			u.Attrs["planAlliance"], u.Attrs["todayAlliance"], u.Attrs["moved"] = id, today, moved
			out.Nodes = append(out.Nodes, u)
			inPlan[uid] = true
			change := "kept"
			if moved {
				change = "moved"
			}
			out.Edges = append(out.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelMemberOf, uid, id), Type: graph.RelMemberOf, From: uid, To: id,
				Attrs: map[string]any{graph.AttrRole: "member", "change": change}, Provenance: prov})
		}
	}
	kept := map[Pairing]bool{}
	for _, p := range pl.PairingChanges.Kept {
		kept[p] = true
	}
	for _, p := range pl.Pairings {
		change := "added"
		if kept[p] || len(pl.PairingChanges.Added)+len(pl.PairingChanges.Kept) == 0 {
			change = "kept"
		}
		out.Edges = append(out.Edges, &graph.Edge{ID: graph.EdgeID(graph.RelMentors, p.Mentor, p.Mentee), Type: graph.RelMentors, From: p.Mentor, To: p.Mentee,
			Attrs: map[string]any{"change": change}, Provenance: prov})
	}
	for _, e := range snap.Edges {
		if e != nil && e.Type == graph.RelAdjacentTo && e.Until == "" && inPlan[e.From] && inPlan[e.To] {
			out.Edges = append(out.Edges, e)
		}
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].ID < out.Nodes[j].ID })
	out.Nodes = slices.CompactFunc(out.Nodes, func(a, b *graph.Node) bool { return a.ID == b.ID })
	sort.Slice(out.Edges, func(i, j int) bool { return out.Edges[i].ID < out.Edges[j].ID })
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Sheet is one table of a scenario's download: a name and rows of cells
// (the first row its header).
type Sheet struct {
	Name string
	Rows [][]string
}

// Sheets are a scenario's tables for a meeting: the scenario; its units
// today and in the plan; its alliances; its metrics beside today's. Labels
// in Chinese and English. nodes names what the plan does not (units'
// attributes, today's alliances that end); a missing one shows its id.
func (sc *Scenario) Sheets(nodes map[string]*graph.Node) []Sheet {
	pl := sc.Plan
	name := func(id string) string {
		if n := nodes[id]; n != nil && n.Name != "" {
			return n.Name
		}
		return id
	}
	attr := func(id, key string) string {
		if n := nodes[id]; n != nil {
			if v, ok := number(n.Attrs[key]); ok {
				return Format(v, v == float64(int64(v)))
			}
		}
		return ""
	}
	status := sc.Node.Kind
	about := Sheet{Name: "方案 Scenario", Rows: [][]string{
		{"项目 Item", "内容 Value"},
		{"方案 Scenario", sc.Node.Name},
		{"编号 Id", sc.Node.ID},
		{"状态 Status", status},
		{"保存于 Saved", sc.CreatedAt},
		{"方法 Strategy", string(pl.Strategy)},
		{"范围 Scope", cmpOr(name(pl.Within), "全部 the whole network")},
		{"强村标准 Strong units", pl.Settings.StrongRule},
	}}
	if sc.Description != nil {
		about.Rows = append(about.Rows, []string{"说明 Description", *sc.Description})
	}
	if sc.CommittedAt != "" {
		about.Rows = append(about.Rows, []string{"实施于 Committed", sc.CommittedAt})
	}

	allianceName := map[string]string{}
	planOf := map[string]AllianceGroup{}
	for _, a := range pl.Alliances {
		allianceName[a.Key] = a.Name
		for _, m := range a.Members {
			planOf[m] = a
		}
	}
	from := map[string]string{}
	for _, m := range pl.Moves {
		from[m.Unit] = m.From
	}
	mentorPlan, mentorToday := map[string]string{}, map[string]string{}
	for _, p := range pl.Pairings {
		mentorPlan[p.Mentee] = p.Mentor
	}
	for _, p := range slices.Concat(pl.PairingChanges.Kept, pl.PairingChanges.Ended) {
		mentorToday[p.Mentee] = p.Mentor
	}
	units := Sheet{Name: "村社 Units", Rows: [][]string{{"村社 Unit", "编号 Id", "今天所在联合体 Alliance today", "方案中的联合体 Alliance in the plan",
		"调整 Moved", "人口 Population", "集体收入(万元) Strength", "党员数 Party members", "今天的结对强村 Mentor today", "方案中的结对强村 Mentor in the plan"}}}
	var ids []string
	for id := range planOf {
		ids = append(ids, id)
	}
	ids = append(ids, pl.Unassigned...)
	slices.Sort(ids)
	for _, id := range ids {
		a := planOf[id]
		today, moved := a.CurrentID, "否 no"
		if f, ok := from[id]; ok {
			today, moved = f, "是 yes"
		}
		todayName := ""
		if today != "" {
			todayName = name(today)
			for _, x := range pl.Alliances {
				if x.CurrentID == today && x.Naming == NamingKept {
					todayName = x.Name
				}
			}
		}
		mt, mp := "", ""
		if m := mentorToday[id]; m != "" {
			mt = name(m)
		}
		if m := mentorPlan[id]; m != "" {
			mp = name(m)
		}
		units.Rows = append(units.Rows, []string{name(id), id, todayName, a.Name, moved,
			attr(id, graph.AttrPopulation), attr(id, graph.AttrStrength), attr(id, graph.AttrPartyMembers), mt, mp})
	}

	alliances := Sheet{Name: "联合体 Alliances", Rows: [][]string{{"联合体 Alliance", "编号 Id", "来由 Naming", "牵头村社 Lead", "成员 Members"}}}
	for _, mi := range AllianceMetricInfo {
		alliances.Rows[0] = append(alliances.Rows[0], mi.LabelZh+" "+mi.LabelEn)
	}
	naming := map[string]string{NamingKept: "沿用 kept", NamingLead: "新建，以牵头村社命名 new, after its lead", NamingInput: "指定 named"}
	for i, a := range pl.Alliances {
		members := make([]string, len(a.Members))
		for j, m := range a.Members {
			members[j] = name(m)
		}
		row := []string{a.Name, cmpOr(a.ID, a.Key), naming[a.Naming], name(a.Lead), strings.Join(members, "、")}
		if i < len(pl.Metrics.Alliances) {
			for _, mi := range AllianceMetricInfo {
				row = append(row, Format(mi.AllianceValue(pl.Metrics.Alliances[i]), mi.Int))
			}
		}
		alliances.Rows = append(alliances.Rows, row)
	}
	for _, id := range pl.Dissolved {
		alliances.Rows = append(alliances.Rows, []string{name(id), id, "撤销 dissolved"})
	}

	metrics := Sheet{Name: "指标 Metrics", Rows: [][]string{{"指标", "Metric", "今天 Today", "方案 Plan", "变化 Change", "评价 Verdict", "说明 Description"}}}
	verdicts := map[string]string{"better": "更好 better", "worse": "更差 worse", "same": "相同 same"}
	for _, c := range Compare(pl.Today, pl.Metrics) {
		mi := infoOf(c.Metric)
		metrics.Rows = append(metrics.Rows, []string{c.LabelZh, c.LabelEn, Format(c.Today, mi.Int), Format(c.Plan, mi.Int),
			FormatChange(c.Change, mi.Int), verdicts[c.Verdict], mi.DescriptionZh + " " + mi.Description})
	}
	return []Sheet{about, units, alliances, metrics}
}

func infoOf(key string) MetricInfo {
	for _, mi := range PlanMetrics {
		if mi.Key == key {
			return mi
		}
	}
	panic(fmt.Sprintf("plan: no metric %q", key))
}
