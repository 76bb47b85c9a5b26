package policy

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/orgnet/orgnet/server/auth"
)

// DefaultMaxDepth is the deepest selection allowed when none is configured.
const DefaultMaxDepth = 12

// fieldRoles are the root fields that need more than the default role of
// their operation type (queries and subscriptions: viewer; mutations:
// editor).
var fieldRoles = map[string]auth.Role{
	"Query.simulateAlliances":     auth.RolePlanner,
	"Query.auditLog":              auth.RoleAdmin,
	"Mutation.saveScenario":       auth.RolePlanner,
	"Mutation.resimulateScenario": auth.RolePlanner,
	"Mutation.registerSource":     auth.RoleAdmin,
}

// RequiredRole is the role a root field of an operation type needs.
func RequiredRole(op ast.Operation, field string) auth.Role {
	typ := "Query"
	def := auth.RoleViewer
	switch op {
	case ast.Mutation:
		typ, def = "Mutation", auth.RoleEditor
	case ast.Subscription:
		typ = "Subscription"
	}
	if r, ok := fieldRoles[typ+"."+field]; ok {
		return r
	}
	return def
}

// The extensions.code of the errors this package answers with: the API's
// codes (gql.codeBadUserInput …, written again here because gql imports this
// package; the server's tests check the codes clients see).
const (
	codeBadUserInput    = "BAD_USER_INPUT"
	codeUnauthenticated = "UNAUTHENTICATED"
	codeForbidden       = "FORBIDDEN"
)

func gqlErr(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// authorize checks, before any resolver runs, that the caller's role covers
// every root field of the operation.
func authorize(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return gqlErr(codeUnauthenticated, auth.ErrUnauthenticated.Error())
	}
	if oc.Operation == nil {
		return nil
	}
	typ := map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}[oc.Operation.Operation]
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{typ}) {
		need := RequiredRole(oc.Operation.Operation, f.Name)
		if strings.HasPrefix(f.Name, "__") {
			need = auth.RoleViewer
		}
		if !p.Can(need) {
			if p.Role == auth.RoleNone {
				return gqlErr(codeUnauthenticated, auth.ErrUnauthenticated.Error())
			}
			return gqlErr(codeForbidden, fmt.Sprintf("%s needs role %s (you are %s)", f.Name, need, p.Role))
		}
	}
	return nil
}

// Authorize is the AroundOperations hook: no resolver runs for an
// operation its caller may not make (RequiredRole of every root field). A
// request that reached the handler without a principal is authenticated
// here from its Authorization header.
func Authorize(a *auth.Authenticator) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if _, ok := auth.FromContext(ctx); !ok {
			if p, err := a.Authenticate(oc.Headers.Get("Authorization")); err == nil {
				ctx = auth.WithPrincipal(ctx, p)
			}
		}
		if err := authorize(ctx, oc); err != nil {
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
		}
		return next(ctx)
	}
}

// WebsocketInit authenticates a subscription from its connection_init
// payload ({"Authorization": "Bearer …"}); a principal the upgrade request
// already carried stands when the payload has none.
func WebsocketInit(a *auth.Authenticator) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		h := payload.Authorization()
		if h == "" {
			if p, ok := auth.FromContext(ctx); ok && !p.Anonymous {
				return ctx, nil, nil
			}
		}
		p, err := a.Authenticate(h)
		if err != nil {
			return ctx, nil, err
		}
		return auth.WithPrincipal(ctx, p), nil, nil
	}
}

// DepthLimit refuses operations whose selections nest deeper than max (0:
// DefaultMaxDepth), before any work is done. Introspection fields are not
// counted.
func DepthLimit(max int) graphql.HandlerExtension {
	if max <= 0 {
		max = DefaultMaxDepth
	}
	return depthLimit{max: max}
}

type depthLimit struct{ max int }

var (
	_ graphql.HandlerExtension        = depthLimit{}
	_ graphql.OperationContextMutator = depthLimit{}
)

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := selectionDepth(oc.Doc, oc.Operation.SelectionSet, 0); n > d.max {
		e := gqlErr(codeBadUserInput, fmt.Sprintf("operation is %d levels deep; the limit is %d", n, d.max))
		e.Extensions["reason"] = "DEPTH_LIMIT_EXCEEDED"
		return e
	}
	return nil
}

// selectionDepth is the deepest chain of fields below a selection set
// (validation has already refused fragment cycles; seen guards anyway).
func selectionDepth(doc *ast.QueryDocument, set ast.SelectionSet, guard int) int {
	if guard > 1000 {
		return guard
	}
	deepest := 0
	for _, s := range set {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(doc, s.SelectionSet, guard+1)
		case *ast.InlineFragment:
			d = selectionDepth(doc, s.SelectionSet, guard+1)
		case *ast.FragmentSpread:
			if doc != nil {
				if f := doc.Fragments.ForName(s.Name); f != nil {
					d = selectionDepth(doc, f.SelectionSet, guard+1)
				}
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
