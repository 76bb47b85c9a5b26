package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/gql/model"
)

// planInput converts the GraphQL input to the planner's.
func planInput(in model.AllianceSimulationInput) (plan.Input, plan.StrongRule, error) {
	out := plan.Input{Strategy: plan.Strategy(in.Strategy), Seed: int64(deref(in.Seed)), K: deref(in.K),
		Pair: deref(in.Pair), MoveCost: deref(in.MoveCost)}
	if in.Resolution != nil {
		out.Resolution = *in.Resolution
	}
	if in.Grouping != nil {
		groups := make([]plan.AllianceGroup, len(in.Grouping))
		for i, g := range in.Grouping {
			groups[i] = plan.AllianceGroup{Key: g.Key, Members: g.Members}
		}
		m, err := plan.GroupingOf(groups)
		if err != nil {
			return out, plan.StrongRule{}, err
		}
		out.Grouping = m
	}
	for _, p := range in.Pairings {
		out.Pairings = append(out.Pairings, plan.Pairing{Mentor: p.Mentor, Mentee: p.Mentee})
	}
	if c := in.Constraints; c != nil {
		out.Constraints = plan.Constraints{MinSize: deref(c.MinSize), MaxSize: deref(c.MaxSize),
			MinTotalStrength: deref(c.MinTotalStrength), Together: c.Together, Apart: c.Apart,
			MaxMenteesPerMentor: deref(c.MaxMenteesPerMentor), PairWithinAlliance: deref(c.PairWithinAlliance),
			RequireContiguous: c.RequireContiguous, RequireStrong: c.RequireStrong}
		if len(c.Fixed) > 0 {
			out.Constraints.Fixed = map[string]string{}
			for _, f := range c.Fixed {
				out.Constraints.Fixed[f.Unit] = f.Alliance
			}
		}
	}
	var strong plan.StrongRule
	if s := in.Strong; s != nil {
		strong = plan.StrongRule{MinStrength: s.MinStrength, TopFraction: s.TopFraction, IDs: s.Ids}
	}
	return out, strong, nil
}

// problem builds the planning problem from the network as it is today.
func (r *Resolver) problem(ctx context.Context, strong plan.StrongRule) (*plan.Problem, *graph.Snapshot, error) {
	snap, err := r.Store.Snapshot(ctx, graph.View{})
	if err != nil {
		return nil, nil, err
	}
	p, err := plan.Units(snap, plan.UnitOptions{Strong: strong, AsOf: graph.Today()})
	return p, snap, err
}

func (r *Resolver) simulate(ctx context.Context, in model.AllianceSimulationInput) (*plan.Plan, *plan.Problem, *graph.Snapshot, error) {
	pin, strong, err := planInput(in)
	if err != nil {
		return nil, nil, nil, err
	}
	p, snap, err := r.problem(ctx, strong)
	if err != nil {
		return nil, nil, nil, err
	}
	pl, err := plan.Simulate(ctx, p, pin)
	if err != nil {
		return nil, nil, nil, err
	}
	return pl, p, snap, nil
}

// simulationResult renders a plan, loading every unit it names in one call.
func (r *Resolver) simulationResult(ctx context.Context, pl *plan.Plan) (*model.SimulationResult, error) {
	var ids []string
	for _, a := range pl.Alliances {
		ids = append(ids, a.Members...)
	}
	for _, p := range pl.Pairings {
		ids = append(ids, p.Mentor, p.Mentee)
	}
	ns, err := r.Store.Nodes(ctx, graph.View{}, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*graph.Node, len(ns))
	for _, n := range ns {
		if n != nil {
			byID[n.ID] = n
		}
	}
	// Units are read whatever their dates; their relations as of today.
	v := todayView()
	unit := func(id string) *model.Organisation {
		if n := byID[id]; n != nil {
			return org(n, v)
		}
		// A unit deleted since the plan was made: show its id.
		return org(&graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: id, Provenance: graph.Provenance{Source: graph.SourceUser}}, v)
	}
	out := &model.SimulationResult{Strategy: model.PlanStrategy(pl.Strategy), Seed: int(pl.Seed),
		Unassigned: nonNil(pl.Unassigned), Moved: nonNil(pl.Moved), Warnings: nonNil(pl.Warnings)}
	for _, a := range pl.Alliances {
		pa := &model.PlannedAlliance{Key: a.Key, Name: a.Name, CurrentID: opt(a.CurrentID)}
		for _, m := range a.Members {
			pa.Members = append(pa.Members, unit(m))
		}
		out.Alliances = append(out.Alliances, pa)
	}
	out.Pairings = []*model.PlannedPairing{}
	for _, p := range pl.Pairings {
		out.Pairings = append(out.Pairings, &model.PlannedPairing{Mentor: unit(p.Mentor), Mentee: unit(p.Mentee)})
	}
	out.Comparison = comparison(pl.Today, pl.Metrics)
	out.Metrics, out.Today = jsonValue(pl.Metrics), jsonValue(pl.Today)
	var b bytes.Buffer
	if err := pl.Metrics.Table(&b, &pl.Today); err != nil {
		return nil, err
	}
	out.Table = b.String()
	return out, nil
}

func comparison(today, pl plan.Metrics) []*model.MetricComparison {
	cs := plan.Compare(today, pl)
	out := make([]*model.MetricComparison, len(cs))
	for i, c := range cs {
		out[i] = &model.MetricComparison{Metric: c.Metric, Label: c.Label, Today: c.Today, Plan: c.Plan,
			Change: c.Change, Better: opt(c.Better), Verdict: opt(c.Verdict)}
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

// Scenario attributes.
const (
	attrScenarioInput       = "input"
	attrScenarioPlan        = "plan"
	attrScenarioDescription = "description"
	attrScenarioCreated     = "createdAt"
	attrScenarioCommitted   = "committedAt"
)

func (r *Resolver) saveScenario(ctx context.Context, name string, description *string, in model.AllianceSimulationInput) (*model.Scenario, error) {
	pl, _, _, err := r.simulate(ctx, in)
	if err != nil {
		return nil, err
	}
	inJSON, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	plJSON, err := json.Marshal(pl)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	n := graph.Node{Label: graph.LabelScenario, Kind: "SAVED", Name: name,
		Attrs:      map[string]any{attrScenarioInput: string(inJSON), attrScenarioPlan: string(plJSON), attrScenarioCreated: now},
		Provenance: graph.Provenance{Source: graph.SourceUser}}
	if description != nil {
		n.Attrs[attrScenarioDescription] = *description
	}
	id, err := r.newID(ctx, "scenario", "")
	if err != nil {
		return nil, err
	}
	n.ID = id
	created, err := r.Store.CreateNode(ctx, n)
	if err != nil {
		return nil, err
	}
	return r.scenarioOf(ctx, created)
}

// scenarioOf renders a stored scenario node.
func (r *Resolver) scenarioOf(ctx context.Context, n *graph.Node) (*model.Scenario, error) {
	pl, err := storedPlan(n)
	if err != nil {
		return nil, err
	}
	res, err := r.simulationResult(ctx, pl)
	if err != nil {
		return nil, err
	}
	sc := &model.Scenario{ID: n.ID, Name: n.Name, Status: model.ScenarioStatus(n.Kind), Result: res}
	sc.CreatedAt, _ = n.Attrs[attrScenarioCreated].(string)
	if d, ok := n.Attrs[attrScenarioDescription].(string); ok {
		sc.Description = &d
	}
	if c, ok := n.Attrs[attrScenarioCommitted].(string); ok {
		sc.CommittedAt = &c
	}
	return sc, nil
}

func storedPlan(n *graph.Node) (*plan.Plan, error) {
	s, _ := n.Attrs[attrScenarioPlan].(string)
	var pl plan.Plan
	if err := json.Unmarshal([]byte(s), &pl); err != nil {
		return nil, fmt.Errorf("scenario %s: stored plan: %w", n.ID, err)
	}
	return &pl, nil
}

func (r *Resolver) scenarioNode(ctx context.Context, id string) (*graph.Node, error) {
	n, err := r.typed(ctx, graph.View{}, id, graph.LabelScenario)
	if err != nil {
		return nil, err
	}
	return n, nil
}

func (r *Resolver) scenarioNodes(ctx context.Context) ([]*graph.Node, error) {
	var out []*graph.Node
	args := graph.PageArgs{First: graph.MaxPageSize}
	for {
		page, err := r.Store.FindNodes(ctx, graph.View{}, graph.NodeFilter{Labels: []graph.Label{graph.LabelScenario}}, args)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Nodes...)
		if !page.HasNextPage {
			break
		}
		args.After = page.EndCursor
	}
	slices.SortStableFunc(out, func(a, b *graph.Node) int {
		x, _ := a.Attrs[attrScenarioCreated].(string)
		y, _ := b.Attrs[attrScenarioCreated].(string)
		if c := strings.Compare(y, x); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

// commitScenario re-checks a saved plan against today's network (MANUAL
// with its grouping and pairings) and writes it in one Apply: new alliances
// and memberships begin today, dropped ones end today.
func (r *Resolver) commitScenario(ctx context.Context, id string) (*model.Scenario, error) {
	n, err := r.scenarioNode(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Kind == "COMMITTED" {
		return nil, graph.Conflictf("scenario %s is already committed", id)
	}
	saved, err := storedPlan(n)
	if err != nil {
		return nil, err
	}
	var in model.AllianceSimulationInput
	if s, ok := n.Attrs[attrScenarioInput].(string); ok {
		_ = json.Unmarshal([]byte(s), &in)
	}
	_, strong, err := planInput(in)
	if err != nil {
		return nil, err
	}
	p, snap, err := r.problem(ctx, strong)
	if err != nil {
		return nil, err
	}
	grouping, err := plan.GroupingOf(saved.Alliances)
	if err != nil {
		return nil, err
	}
	pin := plan.Input{Strategy: plan.Manual, Seed: saved.Seed, Grouping: grouping, Pairings: saved.Pairings}
	if pin.Pairings == nil {
		pin.Pairings = []plan.Pairing{}
	}
	if c, _, err := planInput(in); err == nil {
		pin.Constraints = c.Constraints
		pin.Constraints.Fixed = nil // the grouping fixes every unit already
	}
	pl, err := plan.Simulate(ctx, p, pin)
	if err != nil {
		return nil, graph.Errorf(graph.CodeConflict, "scenario %s no longer fits the network: %s", id, graph.ErrorMessage(err))
	}
	ch := plan.ChangesOf(p, pl)
	today := graph.Today()
	ref := "scenario:" + id
	prov := graph.Provenance{Source: graph.SourceUser, Ref: ref}
	edges := make(map[string]*graph.Edge, len(snap.Edges))
	for _, e := range snap.Edges {
		edges[e.ID] = e
	}
	nodes := make(map[string]*graph.Node, len(snap.Nodes))
	for _, x := range snap.Nodes {
		nodes[x.ID] = x
	}
	var b graph.Batch
	newIDs := map[string]string{}
	for _, a := range ch.NewAlliances {
		aid := "alliance:" + strings.TrimPrefix(id, "scenario:") + "-" + a.Key
		newIDs[a.Key] = aid
		name := a.Name
		if name == "" {
			name = a.Key
		}
		b.Nodes = append(b.Nodes, graph.Node{ID: aid, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: name,
			Since: today, Provenance: prov})
	}
	touched := []string{id}
	var edgeIDs []string
	for _, m := range ch.Join {
		aid := m.AllianceID
		if aid == "" {
			aid = newIDs[m.Key]
		}
		e := graph.Edge{Type: graph.RelMemberOf, From: m.Unit, To: aid, Since: today,
			Attrs: map[string]any{graph.AttrRole: "member"}, Provenance: prov}
		e.ID = graph.EdgeID(e.Type, e.From, e.To)
		if _, taken := edges[e.ID]; taken {
			e.ID += "@" + today
		}
		b.Edges = append(b.Edges, e)
		touched = append(touched, m.Unit, aid)
		edgeIDs = append(edgeIDs, e.ID)
	}
	end := func(eid string) {
		if e, ok := edges[eid]; ok && e.Until == "" {
			c := e.Clone()
			c.Until = today
			if c.Since > today {
				c.Since = today
			}
			b.Edges = append(b.Edges, *c)
			touched = append(touched, c.From, c.To)
			edgeIDs = append(edgeIDs, c.ID)
		}
	}
	for _, eid := range ch.EndMemberships {
		end(eid)
	}
	for _, eid := range ch.EndPairings {
		end(eid)
	}
	for _, pr := range ch.AddPairings {
		e := graph.Edge{Type: graph.RelMentors, From: pr.Mentor, To: pr.Mentee, Since: today, Provenance: prov}
		e.ID = graph.EdgeID(e.Type, e.From, e.To)
		if _, taken := edges[e.ID]; taken {
			e.ID += "@" + today
		}
		b.Edges = append(b.Edges, e)
		touched = append(touched, pr.Mentor, pr.Mentee)
		edgeIDs = append(edgeIDs, e.ID)
	}
	for _, aid := range ch.DissolvedAlliances {
		if a, ok := nodes[aid]; ok && a.Until == "" {
			c := a.Clone()
			c.Until = today
			b.Nodes = append(b.Nodes, *c)
			touched = append(touched, aid)
		}
	}
	committed := n.Clone()
	committed.Kind = "COMMITTED"
	committed.Attrs[attrScenarioCommitted] = time.Now().UTC().Format(time.RFC3339)
	plJSON, err := json.Marshal(pl)
	if err != nil {
		return nil, err
	}
	committed.Attrs[attrScenarioPlan] = string(plJSON)
	b.Nodes = append(b.Nodes, *committed)
	if _, err := r.Store.Apply(ctx, b); err != nil {
		return nil, err
	}
	r.changed(model.ChangeKindUpdated, "commitScenario", touched, edgeIDs)
	return r.scenarioOf(ctx, committed)
}
