package gql

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/gql/model"
)

// planRequest converts the GraphQL input to the planner's request.
func planRequest(in model.AllianceSimulationInput) (plan.Request, error) {
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
			return plan.Request{}, err
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
	req := plan.Request{Input: out}
	if s := in.Strong; s != nil {
		req.Strong = plan.StrongRule{MinStrength: s.MinStrength, TopFraction: s.TopFraction, IDs: s.Ids}
	}
	return req, nil
}

// simulate runs the planner on the network as it is today.
func (r *Resolver) simulate(ctx context.Context, in model.AllianceSimulationInput) (*plan.Plan, plan.Request, error) {
	req, err := planRequest(in)
	if err != nil {
		return nil, req, err
	}
	snap, err := r.snapshot(ctx)
	if err != nil {
		return nil, req, err
	}
	p, err := plan.Units(snap, plan.UnitOptions{Strong: req.Strong, AsOf: graph.Today()})
	if err != nil {
		return nil, req, err
	}
	pl, err := plan.Simulate(ctx, p, req.Input)
	return pl, req, err
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

func (r *Resolver) saveScenario(ctx context.Context, name string, description *string, in model.AllianceSimulationInput) (*model.Scenario, error) {
	pl, req, err := r.simulate(ctx, in)
	if err != nil {
		return nil, err
	}
	id, err := r.newID(ctx, "scenario", "")
	if err != nil {
		return nil, err
	}
	n, err := plan.ScenarioNode(id, name, description, req, pl, time.Now())
	if err != nil {
		return nil, err
	}
	created, err := r.Store.CreateNode(ctx, n)
	if err != nil {
		return nil, err
	}
	return r.scenarioOf(ctx, created)
}

// scenarioOf renders a stored scenario node.
func (r *Resolver) scenarioOf(ctx context.Context, n *graph.Node) (*model.Scenario, error) {
	sc, err := plan.ReadScenario(n)
	if err != nil {
		return nil, err
	}
	res, err := r.simulationResult(ctx, sc.Plan)
	if err != nil {
		return nil, err
	}
	return &model.Scenario{ID: n.ID, Name: n.Name, Status: model.ScenarioStatus(n.Kind), Result: res,
		CreatedAt: sc.CreatedAt, Description: sc.Description, CommittedAt: opt(sc.CommittedAt)}, nil
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
		x, _ := a.Attrs[plan.AttrScenarioCreated].(string)
		y, _ := b.Attrs[plan.AttrScenarioCreated].(string)
		if c := strings.Compare(y, x); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

// commitScenario re-checks a saved plan against today's network and writes
// it in one Apply (plan.Scenario.Commit builds the batch).
func (r *Resolver) commitScenario(ctx context.Context, id string) (*model.Scenario, error) {
	n, err := r.scenarioNode(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := plan.ReadScenario(n)
	if err != nil {
		return nil, err
	}
	if sc.Committed() {
		return nil, graph.Conflictf("scenario %s is already committed", id)
	}
	snap, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	c, err := sc.Commit(ctx, snap, graph.Today(), time.Now())
	if err != nil {
		return nil, err
	}
	if _, err := r.Store.Apply(ctx, c.Batch); err != nil {
		return nil, err
	}
	r.changed(model.ChangeKindUpdated, "commitScenario", c.NodeIDs, c.EdgeIDs)
	return r.scenarioOf(ctx, c.Scenario)
}
