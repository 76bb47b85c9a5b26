package gql

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/gql/model"
)

// planRequest converts the GraphQL input to the planner's request. Range
// checks are the planner's (plan.Input's documented ranges); what only the
// GraphQL shape can get wrong (a unit fixed twice) is checked here.
func planRequest(in model.AllianceSimulationInput) (plan.Request, error) {
	out := plan.Input{Strategy: plan.Strategy(in.Strategy), Seed: int64(deref(in.Seed)), K: in.K,
		Pair: deref(in.Pair), MoveCost: deref(in.MoveCost), Resolution: in.Resolution}
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
	if in.Pairings != nil {
		out.Pairings = []plan.Pairing{}
	}
	for _, p := range in.Pairings {
		out.Pairings = append(out.Pairings, plan.Pairing{Mentor: p.Mentor, Mentee: p.Mentee})
	}
	for _, n := range in.Names {
		out.Names = append(out.Names, plan.Name{Unit: deref(n.Unit), Key: deref(n.Key), Name: n.Name, NameEn: deref(n.NameEn)})
	}
	if c := in.Constraints; c != nil {
		out.Constraints = plan.Constraints{MinSize: c.MinSize, MaxSize: c.MaxSize,
			MinTotalStrength: c.MinTotalStrength, Together: c.Together, Apart: c.Apart,
			MaxMenteesPerMentor: c.MaxMenteesPerMentor, PairWithinAlliance: deref(c.PairWithinAlliance),
			RequireContiguous: c.RequireContiguous, RequireStrong: c.RequireStrong}
		if len(c.Fixed) > 0 {
			out.Constraints.Fixed = map[string]string{}
			for _, f := range c.Fixed {
				if old, dup := out.Constraints.Fixed[f.Unit]; dup && old != f.Alliance {
					return plan.Request{}, graph.Invalidf("constraints.fixed", "constraints.fixed pins %q to %q and to %q", f.Unit, old, f.Alliance)
				}
				out.Constraints.Fixed[f.Unit] = f.Alliance
			}
		}
	}
	req := plan.Request{Version: plan.RequestVersion, Within: deref(in.Within), Input: out}
	if s := in.Strong; s != nil {
		req.Strong = plan.StrongRule{MinStrength: s.MinStrength, TopFraction: s.TopFraction, IDs: s.Ids}
	}
	return req, nil
}

// simulate runs the planner on the network as it is today: on the
// operation's snapshot in a query, a fresh one in a mutation.
func (r *Resolver) simulate(ctx context.Context, in model.AllianceSimulationInput) (*plan.Problem, *plan.Plan, plan.Request, error) {
	req, err := planRequest(in)
	if err != nil {
		return nil, nil, req, err
	}
	snap, err := r.planningSnapshot(ctx)
	if err != nil {
		return nil, nil, req, err
	}
	p, pl, err := plan.Run(ctx, snap, req, graph.Today())
	return p, pl, req, err
}

// planning is one operation's planning state: the snapshot every planning
// field of a query reads (once, however many ask) and the problems built
// from it, by their options.
type planning struct {
	once     sync.Once
	snap     *graph.Snapshot
	err      error
	mu       sync.Mutex
	problems map[string]*problemResult
}

type problemResult struct {
	once sync.Once
	p    *plan.Problem
	err  error
}

// planningSnapshot is the whole network (every date) for planning: read
// once per query operation; read afresh in a mutation, whose fields run
// one after another and must see each other's writes.
func (r *Resolver) planningSnapshot(ctx context.Context) (*graph.Snapshot, error) {
	pm := r.planningState(ctx)
	if pm == nil {
		return r.Store.Snapshot(ctx, graph.View{})
	}
	pm.once.Do(func() { pm.snap, pm.err = r.Store.Snapshot(ctx, graph.View{}) })
	return pm.snap, pm.err
}

// problem is the planning problem opt makes of the planning snapshot,
// built once per query operation.
func (r *Resolver) problem(ctx context.Context, opt plan.UnitOptions) (*plan.Problem, error) {
	snap, err := r.planningSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	pm := r.planningState(ctx)
	if pm == nil {
		return plan.Units(snap, opt)
	}
	key, _ := json.Marshal(opt)
	pm.mu.Lock()
	pr, ok := pm.problems[string(key)]
	if !ok {
		pr = &problemResult{}
		pm.problems[string(key)] = pr
	}
	pm.mu.Unlock()
	pr.once.Do(func() { pr.p, pr.err = plan.Units(snap, opt) })
	return pr.p, pr.err
}

// planningState is the operation's planning state; nil outside a query
// operation.
func (r *Resolver) planningState(ctx context.Context) *planning {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return nil
	}
	set, ok := ctx.Value(loadersKey{}).(*loaderSet)
	if !ok {
		return nil
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if set.planning == nil {
		set.planning = &planning{problems: map[string]*problemResult{}}
	}
	return set.planning
}

// planningNetwork is today's units (in scope) as a planner sees them.
func (r *Resolver) planningNetwork(ctx context.Context, within *string) (*model.PlanningNetwork, error) {
	opt := plan.UnitOptions{AsOf: graph.Today(), Within: deref(within)}
	p, err := r.problem(ctx, opt)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(p.Units)+len(p.Alliances)+1)
	for _, u := range p.Units {
		ids = append(ids, u.ID)
	}
	for _, a := range p.Alliances {
		ids = append(ids, a.ID)
	}
	if opt.Within != "" {
		ids = append(ids, opt.Within)
	}
	nodes, err := r.nodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &model.PlanningNetwork{Units: make([]*model.PlanningUnit, 0, len(p.Units)), Alliances: make([]*model.Alliance, 0, len(p.Alliances)),
		StrongRule: p.StrongBasis, Defaults: settings(p.Defaults(plan.Balanced)), Warnings: nonNil(p.Warnings),
		Pairings: pairingsOf(nodes.unit, p.Pairings)}
	if opt.Within != "" {
		out.Within = nodes.unit(opt.Within)
	}
	for _, u := range p.Units {
		pu := &model.PlanningUnit{Organisation: nodes.unit(u.ID), Strong: u.Strong, Population: u.Population,
			Strength: u.Strength, PartyMembers: u.PartyMembers, Neighbours: nonNil(u.Neighbours)}
		if u.Current != "" {
			pu.Alliance = nodes.alliance(u.Current)
		}
		out.Units = append(out.Units, pu)
	}
	for _, a := range p.Alliances {
		out.Alliances = append(out.Alliances, nodes.alliance(a.ID))
	}
	return out, nil
}

func settings(s plan.Settings) *model.PlanSettings {
	return &model.PlanSettings{K: s.K, MinSize: s.MinSize, MaxSize: s.MaxSize, MinTotalStrength: s.MinTotalStrength,
		MaxMenteesPerMentor: s.MaxMenteesPerMentor, PairWithinAlliance: s.PairWithinAlliance,
		RequireContiguous: s.RequireContiguous, RequireStrong: s.RequireStrong, Pair: s.Pair, MoveCost: s.MoveCost,
		Resolution: s.Resolution, StrongRule: s.StrongRule, StrongUnits: s.StrongUnits, Units: s.Units}
}

// planMetrics describes every metric, plan-wide first.
func planMetrics() []*model.MetricInfo {
	var out []*model.MetricInfo
	add := func(infos []plan.MetricInfo, scope model.MetricScope) {
		for _, mi := range infos {
			key := mi.Key
			if scope == model.MetricScopePlan {
				key = mi.Enum()
			}
			out = append(out, &model.MetricInfo{Key: key, Scope: scope, LabelZh: mi.LabelZh, LabelEn: mi.LabelEn,
				Description: mi.Description, DescriptionZh: mi.DescriptionZh, Better: better(mi.Better), Integer: mi.Int})
		}
	}
	add(plan.PlanMetrics, model.MetricScopePlan)
	add(plan.AllianceMetricInfo, model.MetricScopeAlliance)
	return out
}

func better(s string) *model.Better {
	var b model.Better
	switch s {
	case "lower":
		b = model.BetterLower
	case "higher":
		b = model.BetterHigher
	default:
		return nil
	}
	return &b
}
