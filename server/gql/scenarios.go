package gql

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql/model"
	"github.com/orgnet/orgnet/server/policy"
)

// saveScenario simulates on the network as it is and saves the request,
// the plan and its basis as a scenario node.
func (r *Resolver) saveScenario(ctx context.Context, name string, description *string, in model.AllianceSimulationInput, id *string) (*model.Scenario, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return nil, graph.Invalidf("name", "name must be 1 to 200 characters, got %q", name)
	}
	if id != nil && (!strings.HasPrefix(*id, "scenario:") || len(*id) <= len("scenario:") || len(*id) > 200) {
		return nil, graph.Invalidf("id", "id must begin \"scenario:\" and be at most 200 characters, got %q", *id)
	}
	p, pl, req, err := r.simulate(ctx, in)
	if err != nil {
		return nil, err
	}
	sid := deref(id)
	if sid == "" {
		if sid, err = r.newID(ctx, "scenario", ""); err != nil {
			return nil, err
		}
	}
	n, err := plan.ScenarioNode(sid, name, description, req, pl, p.Basis(), time.Now())
	if err != nil {
		return nil, err
	}
	created, err := r.Store.CreateNode(ctx, n)
	if err != nil {
		return nil, err
	}
	r.wroteAside(ctx)
	return scenarioModel(created)
}

// resimulateScenario runs a saved request again on the network as it is
// and saves the new plan in the scenario's place.
func (r *Resolver) resimulateScenario(ctx context.Context, id string) (*model.Scenario, error) {
	sc, err := r.readScenario(ctx, id)
	if err != nil {
		return nil, err
	}
	snap, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	n, _, err := sc.Resimulate(ctx, snap, graph.Today(), time.Now())
	if err != nil {
		return nil, err
	}
	if _, err := r.Store.Apply(ctx, graph.Batch{Nodes: []graph.Node{*n}}); err != nil {
		return nil, err
	}
	r.wroteAside(ctx)
	return scenarioModel(n)
}

// commitScenario re-checks a saved plan against the network as it is and
// writes it in one Apply (plan.Scenario.Commit builds the batch). Commits
// through this server run one at a time, so that two of the same scenario
// cannot both pass the check.
func (r *Resolver) commitScenario(ctx context.Context, id string, force bool) (*model.Scenario, error) {
	r.commitMu.Lock()
	defer r.commitMu.Unlock()
	sc, err := r.readScenario(ctx, id)
	if err != nil {
		return nil, err
	}
	if sc.Committed() {
		return nil, graph.Conflictf("scenario %s is already committed (%s)", id, sc.CommittedAt)
	}
	snap, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	c, err := sc.Commit(ctx, snap, graph.Today(), time.Now(), plan.CommitOptions{Force: force})
	if err != nil {
		return nil, err
	}
	if _, err := r.Store.Apply(ctx, c.Batch); err != nil {
		return nil, err
	}
	r.wrote(ctx)
	return scenarioModel(c.Scenario)
}

func (r *Resolver) readScenario(ctx context.Context, id string) (*plan.Scenario, error) {
	n, err := r.typed(ctx, graph.View{}, id, graph.LabelScenario)
	if err != nil {
		return nil, err
	}
	return plan.ReadScenario(n)
}

func scenarioModel(n *graph.Node) (*model.Scenario, error) {
	sc, err := plan.ReadScenario(n)
	if err != nil {
		return nil, err
	}
	return &model.Scenario{SC: sc}, nil
}

// scenarioChanges are the ways the network differs now from the one a
// scenario was planned on; nil (and ok false) for a scenario saved
// without a basis.
func (r *Resolver) scenarioChanges(ctx context.Context, sc *plan.Scenario) (*plan.Problem, []plan.NetworkChange, bool, error) {
	if sc.Basis == nil {
		return nil, nil, false, nil
	}
	p, err := r.problem(ctx, sc.Request.Options(graph.Today()))
	if err != nil {
		if graph.ErrorCode(err) == graph.CodeInvalid {
			// The scope is gone (ended, or no units under it any more).
			return nil, []plan.NetworkChange{{Kind: plan.ChangeScopeChanged, From: sc.Request.Within}}, true, nil
		}
		return nil, nil, false, err
	}
	return p, sc.Basis.Changes(p.Basis()), true, nil
}

func (r *Resolver) networkChanges(ctx context.Context, sc *plan.Scenario) ([]*model.NetworkChange, error) {
	p, changes, ok, err := r.scenarioChanges(ctx, sc)
	if err != nil || !ok {
		return nil, err
	}
	var ids []string
	for _, c := range changes {
		ids = append(ids, c.Unit, c.Mentor, c.Mentee)
		ids = append(ids, strings.Split(c.From, ",")...)
		ids = append(ids, strings.Split(c.To, ",")...)
	}
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == "" })
	nodes, err := r.nodesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	alliances := func(s string) []*model.Alliance {
		out := []*model.Alliance{}
		for _, id := range strings.Split(s, ",") {
			if id != "" {
				out = append(out, nodes.alliance(id))
			}
		}
		return out
	}
	out := make([]*model.NetworkChange, 0, len(changes))
	for _, c := range changes {
		nc := &model.NetworkChange{Kind: model.NetworkChangeKind(c.Kind), From: alliances(c.From), To: alliances(c.To)}
		if c.Kind == plan.ChangeScopeChanged {
			nc.From, nc.To = []*model.Alliance{}, []*model.Alliance{}
		}
		if p != nil {
			nc.Text = p.Describe(c)
		} else {
			nc.Text = fmt.Sprintf("the scope %s no longer holds any unit to plan", c.From)
		}
		if c.Unit != "" {
			nc.Unit = nodes.unit(c.Unit)
		}
		if c.Mentor != "" {
			nc.Mentor, nc.Mentee = nodes.unit(c.Mentor), nodes.unit(c.Mentee)
		}
		out = append(out, nc)
	}
	return out, nil
}

func (r *Resolver) stale(ctx context.Context, sc *plan.Scenario) (bool, error) {
	_, changes, _, err := r.scenarioChanges(ctx, sc)
	return len(changes) > 0, err
}

// commitCheck says whether the caller may commit sc now, and why not.
func (r *Resolver) commitCheck(ctx context.Context, sc *plan.Scenario) (*model.CommitCheck, error) {
	need := policy.RequiredRole(ast.Mutation, "commitScenario")
	out := &model.CommitCheck{Role: need.String()}
	p, ok := auth.FromContext(ctx)
	switch {
	case !ok || !p.Can(need):
		role := "no role"
		if ok {
			role = "role " + p.Role.String()
		}
		out.Reason = opt(fmt.Sprintf("committing a scenario needs role %s (you have %s)", need, role))
		return out, nil
	case sc.Committed():
		out.Reason = opt("it is committed already (" + sc.CommittedAt + ")")
		return out, nil
	}
	_, changes, _, err := r.scenarioChanges(ctx, sc)
	if err != nil {
		return nil, err
	}
	if len(changes) > 0 {
		out.NeedsForce = true
		out.Reason = opt(fmt.Sprintf("the network has changed since it was saved (%d change(s)): re-simulate it, or commit it as it is with force", len(changes)))
		return out, nil
	}
	out.Allowed = true
	return out, nil
}

// downloads lists what a scenario downloads as.
func downloads(sc *plan.Scenario) []*model.Download {
	q := url.Values{}
	q.Set("id", sc.Node.ID)
	out := []*model.Download{
		{Kind: model.DownloadKindTable, Format: "xlsx", Label: "表格 · workbook: the scenario, its units today and in the plan, its alliances and metrics", URL: "/export/scenario/xlsx?" + q.Encode()},
		{Kind: model.DownloadKindTable, Format: "csv", Label: "表格 · the same tables as CSV (UTF-8 with a byte-order mark for Excel)", URL: "/export/scenario/csv?" + q.Encode()},
	}
	q = url.Values{}
	q.Set("scenario", sc.Node.ID)
	for _, f := range []string{"json", "graphml", "gexf", "cytoscape", "g6", "xlsx"} {
		out = append(out, &model.Download{Kind: model.DownloadKindNetwork, Format: f, Label: "the network as the plan would make it (" + f + ")", URL: "/export/" + f + "?" + q.Encode()})
	}
	return out
}

// scenarios reads the scenarios of ids, each once; BAD_USER_INPUT for
// none, more than maxCompared or a repeated id, NOT_FOUND for a missing one.
func (r *Resolver) scenarios(ctx context.Context, ids []string) ([]*plan.Scenario, error) {
	if len(ids) == 0 || len(ids) > maxCompared {
		return nil, graph.Invalidf("ids", "compare 1 to %d scenarios, got %d", maxCompared, len(ids))
	}
	seen := map[string]bool{}
	out := make([]*plan.Scenario, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			return nil, graph.Invalidf("ids", "ids lists %q twice", id)
		}
		seen[id] = true
		sc, err := r.readScenario(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// scenarioComparison sets scenarios side by side: a column for today's
// network and one per scenario, its saved plan measured on today's
// network; one row per plan-wide metric.
func (r *Resolver) scenarioComparison(ctx context.Context, ids []string) (*model.ComparisonTable, error) {
	scs, err := r.scenarios(ctx, ids)
	if err != nil {
		return nil, err
	}
	first := scs[0].Request
	for _, sc := range scs[1:] {
		if sc.Request.Within != first.Within || !reflect.DeepEqual(sc.Request.Strong, first.Strong) {
			return nil, graph.Invalidf("ids", "scenarios %s and %s plan different scopes or strong rules: compare scenarios of one scope and strong rule", scs[0].Node.ID, sc.Node.ID)
		}
	}
	p, err := r.problem(ctx, first.Options(graph.Today()))
	if err != nil {
		return nil, err
	}
	today := plan.Evaluate(p, p.Today())
	values := []plan.Metrics{today}
	out := &model.ComparisonTable{Columns: []*model.ComparisonColumn{{Key: "today", Title: "今天 (today)"}}}
	for _, sc := range scs {
		values = append(values, plan.Evaluate(p, sc.Plan))
		stale := false
		if sc.Basis != nil {
			stale = len(sc.Basis.Changes(p.Basis())) > 0
		}
		out.Columns = append(out.Columns, &model.ComparisonColumn{Key: sc.Node.ID, Title: sc.Node.Name, Scenario: &model.Scenario{SC: sc}, Stale: stale})
	}
	for _, mi := range plan.PlanMetrics {
		row := &model.ComparisonRow{Key: model.PlanMetric(mi.Enum()), LabelZh: mi.LabelZh, LabelEn: mi.LabelEn,
			Description: mi.Description, DescriptionZh: mi.DescriptionZh, Better: better(mi.Better)}
		vals := make([]float64, len(values))
		for i, m := range values {
			vals[i] = mi.Value(m)
		}
		best := 0.0
		for i, v := range vals[1:] {
			if i == 0 || mi.Better == "lower" && v < best || mi.Better == "higher" && v > best {
				best = v
			}
		}
		for i, v := range vals {
			cell := &model.ComparisonCell{Value: v, Text: plan.Format(v, mi.Int)}
			if i > 0 && mi.Better != "" {
				vd := model.Verdict(strings.ToUpper(plan.Verdict(mi.Better, vals[0], v)))
				cell.Verdict = &vd
				cell.Best = v == best
			}
			row.Cells = append(row.Cells, cell)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// compareScenarios is the old shape: each scenario's saved comparison.
func (r *Resolver) compareScenarios(ctx context.Context, ids []string) ([]*model.ScenarioComparison, error) {
	scs, err := r.scenarios(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ScenarioComparison, len(scs))
	for i, sc := range scs {
		out[i] = &model.ScenarioComparison{Scenario: &model.Scenario{SC: sc}, Comparison: comparison(sc.Plan.Today, sc.Plan.Metrics)}
	}
	return out, nil
}

// scenarioNodes lists every scenario node, newest first.
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
