package gql

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

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
// The relation fields of the whole selection are read in one store call
// (graph.Expand: one statement on Neo4j); what that cannot answer
// (ancestors, posts) then loads level by level.
func (r *Resolver) prefetchField(ctx context.Context, v graph.View, ns []*graph.Node, path ...string) {
	if len(ns) == 0 {
		return
	}
	sels := selectionsAt(ctx, path...)
	if x := r.expansionOf(ctx, sels); !x.Empty() {
		ids := make([]string, 0, len(ns))
		for _, n := range ns {
			if n != nil {
				ids = append(ids, n.ID)
			}
		}
		if xp, err := r.Store.Expand(ctx, v, ids, x); err == nil {
			r.loaders(ctx, v).primeExpanded(xp)
		}
	}
	oc := graphql.GetOperationContext(ctx)
	for _, s := range sels {
		r.prefetch(ctx, v, oc, ns, s, 0)
	}
}

// rootNode reads the node a root field returns together with every relation
// field selected below it, with v: one store call for a whole nested
// selection. Returns ErrNotFound.
func (r *Resolver) rootNode(ctx context.Context, v graph.View, id string) (*graph.Node, error) {
	sels := selectionsAt(ctx)
	x := r.expansionOf(ctx, sels)
	if x.Empty() {
		n, err := r.Store.Node(ctx, v, id)
		if err != nil {
			return nil, err
		}
		r.prefetchSelections(ctx, v, []*graph.Node{n}, sels)
		return n, nil
	}
	xp, err := r.Store.Expand(ctx, v, []string{id}, x)
	if err != nil {
		return nil, err
	}
	n := xp.Nodes[id]
	if n == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	r.loaders(ctx, v).primeExpanded(xp)
	r.prefetchSelections(ctx, v, []*graph.Node{n}, sels)
	return n, nil
}

// rootTyped is rootNode for a root field of one label.
func (r *Resolver) rootTyped(ctx context.Context, v graph.View, id string, l graph.Label) (*graph.Node, error) {
	n, err := r.rootNode(ctx, v, id)
	if err != nil {
		if errors.Is(err, graph.ErrNotFound) {
			return nil, graph.NotFoundf("no %s has id %q", strings.ToLower(string(l)), id)
		}
		return nil, err
	}
	if n.Label != l {
		return nil, graph.NotFoundf("%q is a %s, not a %s", id, n.Label, l)
	}
	return n, nil
}

func (r *Resolver) prefetchSelections(ctx context.Context, v graph.View, ns []*graph.Node, sels []ast.SelectionSet) {
	oc := graphql.GetOperationContext(ctx)
	for _, s := range sels {
		r.prefetch(ctx, v, oc, ns, s, 0)
	}
}

// selectionsAt returns the selection sets below the current field, stepping
// through the sub-fields path.
func selectionsAt(ctx context.Context, path ...string) []ast.SelectionSet {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return nil
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
	return sels
}

// expansionOf turns the relation fields of sels (and below) into one
// Expansion. Fields it cannot express (ancestors, posts) end their branch.
func (r *Resolver) expansionOf(ctx context.Context, sels []ast.SelectionSet) *graph.Expansion {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil {
		return nil
	}
	x := &graph.Expansion{}
	for _, s := range sels {
		x.Steps = append(x.Steps, expansionSteps(oc, s, 0)...)
	}
	return x
}

func expansionSteps(oc *graphql.OperationContext, sel ast.SelectionSet, level int) []graph.ExpandStep {
	if level >= maxPrefetchLevels || len(sel) == 0 {
		return nil
	}
	var steps []graph.ExpandStep
	for _, f := range graphql.CollectFields(oc, sel, nodeTypes) {
		rf, ok := relFields[f.Name]
		if !ok || f.Name == "posts" {
			continue
		}
		if rf.q.Limit, ok = fieldLimit(oc, f); !ok {
			continue // the field's resolver refuses its limit
		}
		var next []graph.ExpandStep
		if len(rf.next) == 0 {
			next = expansionSteps(oc, f.Selections, level+1)
		} else {
			for _, sub := range graphql.CollectFields(oc, f.Selections, nil) {
				if slices.Contains(rf.next, sub.Name) {
					next = append(next, expansionSteps(oc, sub.Selections, level+1)...)
				}
			}
		}
		// Fields of one relation (aliases, parent and parents …) share a
		// step: their sub-selections are followed together.
		st := graph.ExpandStep{Q: rf.q}
		if len(next) > 0 {
			st.Next = &graph.Expansion{Steps: mergeSteps(nil, next)}
		}
		steps = mergeSteps(steps, []graph.ExpandStep{st})
	}
	return steps
}

// mergeSteps adds steps to into, merging steps of one relation shape.
func mergeSteps(into, steps []graph.ExpandStep) []graph.ExpandStep {
	for _, st := range steps {
		i := slices.IndexFunc(into, func(s graph.ExpandStep) bool { return s.Q.Key() == st.Q.Key() })
		if i < 0 {
			into = append(into, st)
			continue
		}
		if st.Next.Empty() {
			continue
		}
		if into[i].Next == nil {
			into[i].Next = &graph.Expansion{}
		}
		into[i].Next.Steps = mergeSteps(into[i].Next.Steps, st.Next.Steps)
	}
	return into
}

func (r *Resolver) prefetch(ctx context.Context, v graph.View, oc *graphql.OperationContext, ns []*graph.Node, sel ast.SelectionSet, level int) {
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
	l := r.loaders(ctx, v)
	for _, f := range graphql.CollectFields(oc, sel, nodeTypes) {
		limit, ok := fieldLimit(oc, f)
		if !ok {
			continue // the field's resolver refuses its limit
		}
		if f.Name == "ancestors" {
			as, err := r.Store.Ancestors(ctx, v, ids, limit)
			if err != nil {
				return // the field's own resolver reports the error
			}
			var next []*graph.Node
			ld := l.ancestorsLoader(limit)
			for _, id := range ids {
				ld.Prime(id, as[id])
				next = append(next, as[id]...)
			}
			r.prefetch(ctx, v, oc, next, f.Selections, level+1)
			continue
		}
		rf, ok := relFields[f.Name]
		if !ok {
			continue
		}
		q := rf.q
		q.Limit = limit
		if f.Name == "posts" {
			// Organisation.posts are incoming, Person.posts outgoing: load
			// both directions once and let each resolver keep its side.
			r.primePosts(ctx, v, oc, ids, f, level)
			continue
		}
		rel, ok := l.primedFor(q, ids)
		if !ok {
			var err error
			if rel, err = r.Store.Related(ctx, v, ids, q); err != nil {
				return
			}
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
			r.prefetch(ctx, v, oc, next, f.Selections, level+1)
			continue
		}
		for _, sub := range graphql.CollectFields(oc, f.Selections, nil) {
			for _, want := range rf.next {
				if sub.Name == want {
					r.prefetch(ctx, v, oc, next, sub.Selections, level+1)
				}
			}
		}
	}
}

func (r *Resolver) primePosts(ctx context.Context, v graph.View, oc *graphql.OperationContext, ids []string, f graphql.CollectedField, level int) {
	limit, _ := fieldLimit(oc, f)
	// Both directions at once, with the limit of one: each side alone has
	// at most what both have, so a side is cut only when both were.
	both, err := r.Store.Related(ctx, v, ids, graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.Both, Limit: limit})
	if err != nil {
		return
	}
	rel := map[string][]graph.Related{}
	for id, rs := range both {
		if len(rs) > limit {
			continue // cut: leave this node to the loaders, one side at a time
		}
		rel[id] = rs
	}
	in := r.loaders(ctx, v).relatedLoader(graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.In, Limit: limit})
	out := r.loaders(ctx, v).relatedLoader(graph.RelQuery{Types: []graph.RelType{graph.RelHoldsPost}, Dir: graph.Out, Limit: limit})
	var next []*graph.Node
	for _, id := range ids {
		if _, ok := rel[id]; !ok && both[id] != nil {
			continue
		}
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
			r.prefetch(ctx, v, oc, next, sub.Selections, level+1)
		}
	}
}

// fieldLimit is the per-node limit a relation field f reads with: its
// limit argument, or the default (parent, which has none, reads as parents
// does); false when the argument is out of range.
func fieldLimit(oc *graphql.OperationContext, f graphql.CollectedField) (int, bool) {
	v, ok := f.ArgumentMap(oc.Variables)["limit"]
	if !ok || v == nil {
		return relationList.def, true
	}
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case float64:
		n = int64(x)
	case json.Number:
		n, _ = x.Int64()
	default:
		return 0, false
	}
	return int(n), n >= 1 && n <= int64(relationList.max)
}

// subgraphView returns v reading nodes only (graph.View.NodesOnly) when the
// Subgraph field being resolved selects neither its edges nor truncated, so
// that the store need not find them.
func subgraphView(ctx context.Context, v graph.View) graph.View {
	v.NodesOnly = !selects(ctx, "edges") && !selects(ctx, "truncated") && !selects(ctx, "elements")
	return v
}

// selects reports whether the field being resolved selects the sub-field
// name.
func selects(ctx context.Context, name string) bool {
	oc := graphql.GetOperationContext(ctx)
	fc := graphql.GetFieldContext(ctx)
	if oc == nil || fc == nil {
		return true
	}
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}
