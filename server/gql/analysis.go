package gql

import (
	"context"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql/generated"
	"github.com/orgnet/orgnet/server/gql/model"
)

// centralityMethod is how the caller asks a centrality to be computed:
// exact past analysis.ExactWork only for admins; samples, when given, at
// least 1.
func centralityMethod(ctx context.Context, exact *bool, samples, seed *int) (analysis.Method, error) {
	p, _ := auth.FromContext(ctx)
	m := analysis.Method{Exact: deref(exact), AllowExact: p.Can(auth.RoleAdmin), Seed: int64(deref(seed))}
	if samples != nil {
		if *samples <= 0 {
			return m, graph.Invalidf("samples", "samples must be at least 1, got %d (leave it out for the default)", *samples)
		}
		m.Samples = *samples
	}
	return m, nil
}

// centralityResult answers centrality and centralityResult: the ranking from
// the analysis cache with each listed node, as of today.
func (r *Resolver) centralityResult(ctx context.Context, measure model.CentralityMeasure, kinds []model.OrgKind, relations []model.RelationType, top *int, exact *bool, samples, seed *int) (*model.CentralityResult, error) {
	m, err := centralityMethod(ctx, exact, samples, seed)
	if err != nil {
		return nil, err
	}
	if err := r.analysisFresh(ctx); err != nil {
		return nil, err
	}
	rk, err := r.analysis().Centrality(ctx, analysis.Measure(measure), analysisOptions(relations, kinds), m, deref(top))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rk.Scores))
	for i, sc := range rk.Scores {
		ids[i] = sc.ID
	}
	v := todayView()
	ns, err := r.Store.Nodes(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	out := &model.CentralityResult{Measure: measure, Exact: rk.Exact, Nodes: rk.Nodes, Edges: rk.Edges,
		ErrorBound: rk.ErrorBound, Confidence: rk.Confidence, Scores: make([]*model.Score, 0, len(rk.Scores))}
	if !rk.Exact {
		k, s := rk.Samples, int(rk.Seed)
		out.Samples, out.Seed = &k, &s
	}
	for i, sc := range rk.Scores {
		if ns[i] == nil {
			continue // not valid today
		}
		out.Scores = append(out.Scores, &model.Score{ID: sc.ID, Score: sc.Score, Rank: sc.Rank, Node: model.Wrap(ns[i], v),
			Approximate: !rk.Exact, ErrorBound: sc.Bound})
	}
	return out, nil
}

// setAnalysisComplexity prices the analyses by their work on the graph last
// analysed (analysis.CentralityCost), plus what they list: a request is
// refused before it starts when it cannot be afforded.
func setAnalysisComplexity(c *generated.ComplexityRoot, r *Resolver) {
	price := func(child int, measure model.CentralityMeasure, top *int, exact *bool, samples, seed *int) int {
		listed := deref(top)
		if n, _, ok := r.analysis().Size(); listed <= 0 || listed > n && ok {
			listed = max(n, 1) // top ≤ 0 lists every node
		}
		m := analysis.Method{Exact: deref(exact), Samples: max(deref(samples), 0), Seed: int64(deref(seed))}
		return 100 + child*listed + r.analysis().CentralityCost(analysis.Measure(measure), m)
	}
	c.Query.Centrality = func(child int, measure model.CentralityMeasure, _ []model.OrgKind, _ []model.RelationType, top *int, exact *bool, samples, seed *int) int {
		return price(child, measure, top, exact, samples, seed)
	}
	c.Query.CentralityResult = func(child int, measure model.CentralityMeasure, _ []model.OrgKind, _ []model.RelationType, top *int, exact *bool, samples, seed *int) int {
		return price(child, measure, top, exact, samples, seed)
	}
	c.Query.Communities = func(child int, _ []model.RelationType, _ []model.OrgKind, _ *float64, _ *int) int {
		return 100 + child + r.analysis().CommunitiesCost()
	}
}
