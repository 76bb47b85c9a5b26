package gql

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// The overview fields (schema/overview.graphqls) answer from the store's
// overview reads: a root field makes at most three round trips (the read
// itself, Below for the nodes it lists when their counts are selected, and
// Nodes for the nodes and alliances it names), whatever the size of the
// store or of the answer.

// belowQuery says what a Below read must count for the Below objects the
// field being resolved returns: groups and descendants only when selected.
func belowQuery(ctx context.Context) graph.BelowQuery {
	names := selectedNames(ctx)
	return graph.BelowQuery{
		Groups:      names["groups"] || names["otherGroups"] || names["otherCount"],
		Descendants: names["descendants"] || names["descendantsCapped"],
	}
}

// selectedNames returns the names of every field selected, at any depth,
// under the field being resolved.
func selectedNames(ctx context.Context) map[string]bool {
	out := map[string]bool{}
	oc := graphql.GetOperationContext(ctx)
	fc := graphql.GetFieldContext(ctx)
	if oc == nil || fc == nil {
		return map[string]bool{"groups": true, "descendants": true}
	}
	var walk func(sel []graphql.CollectedField, depth int)
	walk = func(fields []graphql.CollectedField, depth int) {
		if depth > 16 {
			return
		}
		for _, f := range fields {
			out[f.Name] = true
			walk(graphql.CollectFields(oc, f.Selections, nil), depth+1)
		}
	}
	walk(graphql.CollectFields(oc, fc.Field.Selections, nil), 0)
	return out
}

// belowModels returns a Below object for each node of ns (in order), with
// what r's store counts below them (when counts beyond children are asked
// or the nodes' children are not known: children holds those known) and
// the alliances its groups name, read in one Nodes call.
func (r *queryResolver) belowModels(ctx context.Context, v graph.View, ns []*graph.Node, children map[string]int) ([]*model.Below, error) {
	q := belowQuery(ctx)
	var below map[string]*graph.Below
	if q.Groups || q.Descendants || children == nil {
		ids := make([]string, len(ns))
		for i, n := range ns {
			ids[i] = n.ID
		}
		var err error
		if below, err = r.Store.Below(ctx, v, ids, q); err != nil {
			return nil, err
		}
	}
	var alliances []string
	for _, b := range below {
		for _, g := range b.Groups {
			if g.Alliance != "" {
				alliances = append(alliances, g.Alliance)
			}
		}
	}
	named := map[string]*graph.Node{}
	if len(alliances) > 0 {
		found, err := r.Store.Nodes(ctx, v, alliances)
		if err != nil {
			return nil, err
		}
		for _, n := range found {
			if n != nil {
				named[n.ID] = n
			}
		}
	}
	out := make([]*model.Below, 0, len(ns))
	for _, n := range ns {
		m := &model.Below{Node: graphNode(n, v.Reading()), Groups: []*model.ChildGroup{}}
		if k, ok := children[n.ID]; ok {
			m.Children = k
		}
		if b := below[n.ID]; b != nil {
			m.Children, m.Descendants, m.DescendantsCapped = b.Children, b.Descendants, b.DescendantsCapped
			m.OtherGroups, m.OtherCount = b.OtherGroups, b.OtherCount
			for _, g := range b.Groups {
				cg := &model.ChildGroup{Kind: g.Kind, Count: g.Count}
				if l, ok := graph.LabelOfKind(g.Kind); ok {
					cg.Type = model.LabelOf(l)
				}
				if a := named[g.Alliance]; a != nil {
					cg.Alliance = graphNode(a, v.Reading())
				}
				m.Groups = append(m.Groups, cg)
			}
		}
		out = append(out, m)
	}
	return out, nil
}
