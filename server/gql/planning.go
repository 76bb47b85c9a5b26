package gql

import (
	"context"
	"encoding/json"
	"sync"

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

// simulate runs the planner on the network as it is today (the cached
// problem of the request's scope and strong rule).
func (r *Resolver) simulate(ctx context.Context, in model.AllianceSimulationInput) (*plan.Problem, *plan.Plan, plan.Request, error) {
	req, err := planRequest(in)
	if err != nil {
		return nil, nil, req, err
	}
	p, err := r.problem(ctx, req.Options(graph.Today()))
	if err != nil {
		return nil, nil, req, err
	}
	pl, err := plan.Simulate(ctx, p, req.Input)
	return p, pl, req, err
}

// maxProblems bounds the planning problems one generation of the cache
// keeps (each scope and strong rule is one).
const maxProblems = 16

// planCache keeps, until the next change the broker tells of, the part of
// the network planning reads (plan.Reduce: a city's organisations,
// alliances and their memberships, pairings, borders and hierarchy, some
// 65k nodes and 52k edges of 158k and 350k) and the planning problems made
// of it, by their options. Reading the network takes seconds at city scale
// on the embedded store; making a problem of the reduced part, tens of
// milliseconds; planning a street or a district, milliseconds. A problem
// read before a change another process made (an import, another replica)
// may serve until this process hears of a change; saving a plan made on it
// is safe, since committing compares the plan's basis with a fresh read
// (plan.Scenario.Commit).
type planCache struct {
	mu       sync.Mutex
	snap     *cached[*graph.Snapshot]
	problems map[string]*cached[*plan.Problem]
}

// cached is one load, shared by whoever asks while it runs.
type cached[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (c *planCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap, c.problems = nil, map[string]*cached[*plan.Problem]{}
}

// plans returns the cache, made (and hooked to the broker) once; nil
// without a broker, which would never say when to forget.
func (r *Resolver) plans() *planCache {
	r.planOnce.Do(func() {
		if r.Broker != nil {
			r.planCache = &planCache{problems: map[string]*cached[*plan.Problem]{}}
			r.Broker.OnChange(func(ch *model.GraphChange) {
				// Saving a scenario writes a record beside the network, not
				// the network a plan is made on.
				if ch.Operation != "saveScenario" && ch.Operation != "resimulateScenario" {
					r.planCache.invalidate()
				}
			})
		}
	})
	return r.planCache
}

// problem is the planning problem opt makes of the network as it is.
func (r *Resolver) problem(ctx context.Context, opt plan.UnitOptions) (*plan.Problem, error) {
	read := func() (*graph.Snapshot, error) {
		snap, err := r.snapshot(ctx)
		if err != nil {
			return nil, err
		}
		return plan.Reduce(snap), nil
	}
	c := r.plans()
	if c == nil {
		snap, err := read()
		if err != nil {
			return nil, err
		}
		return plan.Units(snap, opt)
	}
	key, _ := json.Marshal(opt)
	c.mu.Lock()
	if c.snap == nil {
		c.snap = &cached[*graph.Snapshot]{}
	}
	sc := c.snap
	pc, ok := c.problems[string(key)]
	if !ok {
		if len(c.problems) >= maxProblems {
			c.problems = map[string]*cached[*plan.Problem]{}
		}
		pc = &cached[*plan.Problem]{}
		c.problems[string(key)] = pc
	}
	problems := c.problems
	c.mu.Unlock()
	pc.once.Do(func() {
		sc.once.Do(func() { sc.v, sc.err = read() })
		if pc.err = sc.err; pc.err == nil {
			pc.v, pc.err = plan.Units(sc.v, opt)
		}
	})
	if pc.err != nil && graph.ErrorCode(pc.err) != graph.CodeInvalid {
		// A failed read is not kept: the next call reads again. (A bad
		// option stays refused until the network changes.)
		c.mu.Lock()
		if c.snap == sc {
			c.snap = nil
		}
		if problems[string(key)] == pc {
			delete(problems, string(key))
		}
		c.mu.Unlock()
	}
	return pc.v, pc.err
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
