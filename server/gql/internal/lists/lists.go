// Package lists marshals the elements of GraphQL lists for the generated
// execution code (server/gql/generated): one after the other when nothing
// under the list's selection can wait, concurrently otherwise.
//
// gqlgen marshals every list of objects with
// graphql.MarshalSliceConcurrently: a goroutine per element, so that
// elements whose fields call resolvers (dataloaders, the store) wait
// together. For the large answers of orgnet (a subtree of 238 nodes, a
// neighbourhood, a page of organisations' children) the selection under the
// list reads only struct fields: each element's goroutine then only costs —
// its start, the scheduler, a wait group — and adds nothing, since there is
// nothing to wait for. Marshal keeps gqlgen's behaviour (a field context
// with the element's index, a panic recovered into an error and a null
// element) and decides per list from the selection and a table of the fields
// gqlgen resolves concurrently, which server/gql/internal/gen writes into
// generated/lists.go when it runs gqlgen.
package lists

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Concurrent lists, per schema type, the fields gqlgen resolves
// concurrently (its codegen.Field.IsConcurrent: resolvers and methods that
// take a context). An interface or union lists every field that is
// concurrent in one of its implementations.
type Concurrent map[string]map[string]bool

// Waits reports whether something under sel may wait: a field of sel, or
// below it (fragments included, whatever their type condition, and
// whatever @skip or @include say), that c lists. Introspection fields
// (__schema, __type) count as waiting, as anything c does not know about
// would if it were listed.
func (c Concurrent) Waits(sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == "__typename" {
				continue
			}
			if s.ObjectDefinition == nil || s.Name == "__schema" || s.Name == "__type" || c[s.ObjectDefinition.Name][s.Name] {
				return true
			}
			if c.Waits(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if c.Waits(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || c.Waits(s.Definition.SelectionSet) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// Marshal is graphql.MarshalSliceConcurrently (same arguments, same
// result) for a list whose elements are marshalled with the selection sel:
// when c says nothing under sel may wait, the elements are marshalled in
// order on the calling goroutine, each with its own field context (the
// element's index, as gqlgen gives it) and, unless omitPanicHandler, its
// panic recovered as an error on the element's path and a null element.
// Otherwise, or for fewer than two elements, it calls
// graphql.MarshalSliceConcurrently.
func Marshal(ctx context.Context, c Concurrent, sel ast.SelectionSet, length int, workerLimit int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if length < 2 || c.Waits(sel) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	return ret
}
