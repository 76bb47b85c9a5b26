package gql

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/gql/model"
)

// byID renders the nodes a plan names, read in one call.
type byID struct {
	nodes map[string]*graph.Node
	v     graph.View
}

// nodesByID reads the nodes of ids (whatever their dates) in one store
// call; their relations are read as of today.
func (r *Resolver) nodesByID(ctx context.Context, ids []string) (*byID, error) {
	ns, err := r.Store.Nodes(ctx, graph.View{}, ids)
	if err != nil {
		return nil, err
	}
	b := &byID{nodes: make(map[string]*graph.Node, len(ns)), v: todayView()}
	for _, n := range ns {
		if n != nil {
			b.nodes[n.ID] = n
		}
	}
	return b, nil
}

// unit is the organisation id; one deleted since shows its id as its name.
func (b *byID) unit(id string) *model.Organisation {
	if n := b.nodes[id]; n != nil && n.Label == graph.LabelOrganisation {
		return org(n, b.v)
	}
	return org(&graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: id, Provenance: graph.Provenance{Source: graph.SourceUser}}, b.v)
}

// alliance is the alliance id; one deleted since shows its id as its name.
func (b *byID) alliance(id string) *model.Alliance {
	if n := b.nodes[id]; n != nil && n.Label == graph.LabelAlliance {
		return alliance(n, b.v)
	}
	return alliance(&graph.Node{ID: id, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: id, Provenance: graph.Provenance{Source: graph.SourceUser}}, b.v)
}

func pairingsOf(unit func(string) *model.Organisation, ps []plan.Pairing) []*model.PlannedPairing {
	out := make([]*model.PlannedPairing, 0, len(ps))
	for _, p := range ps {
		out = append(out, &model.PlannedPairing{Mentor: unit(p.Mentor), Mentee: unit(p.Mentee)})
	}
	return out
}

// simulationResult renders a plan, reading every unit and alliance it
// names in one call.
func (r *Resolver) simulationResult(ctx context.Context, pl *plan.Plan) (*model.SimulationResult, error) {
	var ids []string
	for _, a := range pl.Alliances {
		ids = append(ids, a.Members...)
		if a.CurrentID != "" {
			ids = append(ids, a.CurrentID)
		}
	}
	for _, p := range pl.Pairings {
		ids = append(ids, p.Mentor, p.Mentee)
	}
	for _, p := range pl.PairingChanges.Ended {
		ids = append(ids, p.Mentor, p.Mentee)
	}
	for _, m := range pl.Moves {
		ids = append(ids, m.Unit)
		if m.From != "" {
			ids = append(ids, m.From)
		}
	}
	ids = append(ids, pl.Dissolved...)
	ids = append(ids, pl.Unassigned...)
	if pl.Within != "" {
		ids = append(ids, pl.Within)
	}
	nodes, err := r.nodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &model.SimulationResult{Strategy: model.PlanStrategy(pl.Strategy), Seed: int(pl.Seed), Settings: settings(pl.Settings),
		Unassigned: nonNil(pl.Unassigned), Moved: nonNil(pl.Moved), Warnings: nonNil(pl.Warnings),
		Alliances: make([]*model.PlannedAlliance, 0, len(pl.Alliances)), Dissolved: []*model.Alliance{},
		UnassignedUnits: []*model.Organisation{}, Moves: []*model.UnitMove{}}
	if pl.Within != "" {
		out.Within = nodes.unit(pl.Within)
	}
	byKey := map[string]*model.PlannedAlliance{}
	for i, a := range pl.Alliances {
		pa := &model.PlannedAlliance{Key: a.Key, ID: a.ID, Name: a.Name, NameEn: opt(a.NameEn), Naming: model.AllianceNamingLead,
			CurrentID: opt(a.CurrentID), Members: make([]*model.Organisation, 0, len(a.Members)), Metrics: &model.AllianceMetrics{}}
		if a.Naming != "" {
			pa.Naming = model.AllianceNaming(a.Naming)
		}
		if pa.ID == "" { // a plan saved before plans gave ids
			pa.ID = a.CurrentID
			if pa.ID == "" {
				pa.ID = a.Key
			}
		}
		if a.Lead != "" {
			pa.Lead = nodes.unit(a.Lead)
		}
		for _, m := range a.Members {
			pa.Members = append(pa.Members, nodes.unit(m))
		}
		pa.Status = model.PlannedAllianceStatusNew
		if i < len(pl.Metrics.Alliances) {
			am := pl.Metrics.Alliances[i]
			pa.Metrics = &model.AllianceMetrics{Members: am.Members, Population: am.Population, Strength: am.Strength,
				PartyMembers: am.PartyMembers, StrongUnits: am.StrongUnits, WeakUnits: am.WeakUnits, WeakWithMentor: am.WeakWithMentor,
				Pieces: am.Pieces, CrossingEdges: am.CrossingEdges, Joined: am.Joined, Left: am.Left}
			if a.CurrentID != "" {
				pa.Status = model.PlannedAllianceStatusChanged
				if am.Joined == 0 && am.Left == 0 {
					pa.Status = model.PlannedAllianceStatusKept
				}
			}
		}
		if a.CurrentID != "" {
			pa.Continues = nodes.alliance(a.CurrentID)
		}
		byKey[a.Key] = pa
		out.Alliances = append(out.Alliances, pa)
	}
	for _, id := range pl.Dissolved {
		out.Dissolved = append(out.Dissolved, nodes.alliance(id))
	}
	for _, id := range pl.Unassigned {
		out.UnassignedUnits = append(out.UnassignedUnits, nodes.unit(id))
	}
	for _, m := range pl.Moves {
		um := &model.UnitMove{Unit: nodes.unit(m.Unit), To: byKey[m.To]}
		if m.From != "" {
			um.From = nodes.alliance(m.From)
		}
		out.Moves = append(out.Moves, um)
	}
	out.Pairings = pairingsOf(nodes.unit, pl.Pairings)
	out.PairingChanges = &model.PairingChanges{Kept: pairingsOf(nodes.unit, pl.PairingChanges.Kept),
		Added: pairingsOf(nodes.unit, pl.PairingChanges.Added), Ended: pairingsOf(nodes.unit, pl.PairingChanges.Ended)}
	out.Comparison = comparison(pl.Today, pl.Metrics)
	out.Metrics, out.Today = jsonValue(pl.Metrics), jsonValue(pl.Today)
	var b bytes.Buffer
	if err := pl.Metrics.Table(&b, &pl.Today); err != nil {
		return nil, err
	}
	out.Table = b.String()
	return out, nil
}

// comparison labels each plan-wide metric of a plan beside today's.
func comparison(today, pl plan.Metrics) []*model.MetricComparison {
	cs := plan.Compare(today, pl)
	out := make([]*model.MetricComparison, len(cs))
	for i, c := range cs {
		mi := plan.PlanMetrics[i]
		out[i] = &model.MetricComparison{Key: model.PlanMetric(mi.Enum()), Metric: c.Metric, Label: c.LabelEn,
			LabelZh: c.LabelZh, LabelEn: c.LabelEn, Description: mi.Description, DescriptionZh: mi.DescriptionZh,
			Today: c.Today, Plan: c.Plan, Change: c.Change,
			TodayText: plan.Format(c.Today, mi.Int), PlanText: plan.Format(c.Plan, mi.Int), ChangeText: plan.FormatChange(c.Change, mi.Int),
			Better: opt(c.Better), Verdict: opt(c.Verdict)}
	}
	return out
}

// jsonValue turns a value into plain JSON data for the Any scalar.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
