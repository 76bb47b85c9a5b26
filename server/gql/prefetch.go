package gql

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
)

// Prefetching: a root resolver that returns nodes looks at the selection
// below it and loads each relation field for all its nodes at once, level by
// level, priming the per-request loaders. The cost of an operation is then one
// store call per (level, relation field) of the query, fixed by the query's
// shape and independent of how many nodes each level holds — and it does not
// depend on goroutine timing, as dataloader batch windows do. Fields that are
// not prefetched (relations with arguments) still batch through the loaders.

// relField says how a node field follows edges, and where in its result the
// next nodes sit: "" when the field returns nodes itself, else the name of the
// wrapper's field holding the node at the far end (membership.alliance …).
type relField struct {
	q    graph.RelQuery
	next []string
}

var relFields = map[string]relField{
	"parent":     {q: graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.Out}},
	"parents":    {q: graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.Out}},
	"children":   {q: graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.In}},
	"branches":   {q: graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.In}},
	"neighbours": {q: graph.RelQuery{Types: []graph.RelType{graph.RelAdjacentTo}, Dir: graph.Both}},
	"projects":   {q: graph.RelQuery{Types: []graph.RelType{graph.RelBuiltOn}, Dir: graph.Out}},
	"alliances":  {q: graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.Out}, next: []string{"alliance"}},
	"members":    {q: graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.In}, next: []string{"organisation"}},
	"mentors":    {q: graph.RelQuery{Types: []graph.RelType{graph.RelMentors}, Dir: graph.In}, next: []string{"mentor"}},
	"mentees":    {q: graph.RelQuery{Types: []graph.RelType{graph.RelMentors}, Dir: graph.Out}, next: []string{"mentee"}},
	"posts":      {q: graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.Both}, next: []string{"person", "at"}},
}

// Which relation fields each node type has (the same field name means the
// same relation on every type that has it, except posts, handled below).
var nodeTypes = []string{"Node", "Organisation", "Alliance", "Person", "Project", "Zone", "Brand", "Platform"}

const maxPrefetchLevels = 6

// prefetchField prefetches below the current field for the given nodes. path
// names sub-fields to step through first (e.g. "nodes" of a connection).
func (r *Resolver) prefetchField(ctx context.Context, ns []*graph.Node, path ...string) {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil || len(ns) == 0 {
		return
	}
	sels := []ast.SelectionSet{fc.Field.Selections}
	for _, name := range path {
		var next []ast.SelectionSet
		for _, s := range sels {
			for _, f := range graphql.CollectFields(oc, s, nil) {
				if f.Name == name {
					next = append(next, f.Selections)
				}
			}
		}
		sels = next
	}
	for _, s := range sels {
		r.prefetch(ctx, oc, ns, s, 0)
	}
}

func (r *Resolver) prefetch(ctx context.Context, oc *graphql.OperationContext, ns []*graph.Node, sel ast.SelectionSet, level int) {
	if level >= maxPrefetchLevels || len(ns) == 0 || len(sel) == 0 {
		return
	}
	ids := make([]string, 0, len(ns))
	seen := make(map[string]bool, len(ns))
	for _, n := range ns {
		if n != nil && !seen[n.ID] {
			seen[n.ID] = true
			ids = append(ids, n.ID)
		}
	}
	l := r.loaders(ctx)
	for _, f := range graphql.CollectFields(oc, sel, nodeTypes) {
		if f.Name == "ancestors" {
			as, err := r.Store.Ancestors(ctx, ids)
			if err != nil {
				return // the field's own resolver reports the error
			}
			var next []*graph.Node
			for _, id := range ids {
				l.ancestors.Prime(id, as[id])
				next = append(next, as[id]...)
			}
			r.prefetch(ctx, oc, next, f.Selections, level+1)
			continue
		}
		rf, ok := relFields[f.Name]
		if !ok {
			continue
		}
		q := rf.q
		if f.Name == "posts" {
			// Organisation.posts are incoming, Person.posts outgoing: load
			// both directions once and let each resolver keep its side.
			r.primePosts(ctx, oc, ids, f, level)
			continue
		}
		rel, err := r.Store.Related(ctx, ids, q)
		if err != nil {
			return
		}
		ld := l.relatedLoader(q)
		var next []*graph.Node
		for _, id := range ids {
			ld.Prime(id, rel[id])
			for _, x := range rel[id] {
				next = append(next, x.Node)
			}
		}
		if len(rf.next) == 0 {
			r.prefetch(ctx, oc, next, f.Selections, level+1)
			continue
		}
		for _, sub := range graphql.CollectFields(oc, f.Selections, nil) {
			for _, want := range rf.next {
				if sub.Name == want {
					r.prefetch(ctx, oc, next, sub.Selections, level+1)
				}
			}
		}
	}
}

func (r *Resolver) primePosts(ctx context.Context, oc *graphql.OperationContext, ids []string, f graphql.CollectedField, level int) {
	rel, err := r.Store.Related(ctx, ids, graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.Both})
	if err != nil {
		return
	}
	in := r.loaders(ctx).relatedLoader(graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.In})
	out := r.loaders(ctx).relatedLoader(graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.Out})
	var next []*graph.Node
	for _, id := range ids {
		var ins, outs []graph.Related
		for _, x := range rel[id] {
			if x.Edge.To == id {
				ins = append(ins, x)
			} else {
				outs = append(outs, x)
			}
			next = append(next, x.Node)
		}
		in.Prime(id, ins)
		out.Prime(id, outs)
	}
	for _, sub := range graphql.CollectFields(oc, f.Selections, nil) {
		if sub.Name == "person" || sub.Name == "at" {
			r.prefetch(ctx, oc, next, sub.Selections, level+1)
		}
	}
}
