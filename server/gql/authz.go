package gql

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/auth"
)

// DefaultMaxDepth is the deepest selection allowed when none is configured.
const DefaultMaxDepth = 12

// fieldRoles are the root fields that need more than the default role of
// their operation type (queries and subscriptions: viewer; mutations:
// editor).
var fieldRoles = map[string]auth.Role{
	"Query.simulateAlliances": auth.RolePlanner,
	"Query.auditLog":          auth.RoleAdmin,
	"Mutation.saveScenario":   auth.RolePlanner,
	"Mutation.registerSource": auth.RoleAdmin,
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

func gqlErr(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// authorize checks, before any resolver runs, that the caller's role covers
// every root field of the operation.
func authorize(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return gqlErr(CodeUnauthenticated, auth.ErrUnauthenticated.Error())
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
				return gqlErr(CodeUnauthenticated, auth.ErrUnauthenticated.Error())
			}
			return gqlErr(CodeForbidden, fmt.Sprintf("%s needs role %s (you are %s)", f.Name, need, p.Role))
		}
	}
	return nil
}

// authorizeOperation is the AroundOperations hook: no resolver runs for an
// operation its caller may not make.
// A request that reached the handler without a principal is authenticated
// here from its Authorization header.
func authorizeOperation(a *auth.Authenticator) graphql.OperationMiddleware {
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

// websocketInit authenticates a subscription from its connection_init
// payload ({"Authorization": "Bearer …"}); a principal the upgrade request
// already carried stands when the payload has none.
func websocketInit(a *auth.Authenticator) transport.WebsocketInitFunc {
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

// depthLimit refuses operations whose selections nest deeper than max,
// before any work is done. Introspection fields are not counted.
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
		e := gqlErr(CodeBadUserInput, fmt.Sprintf("operation is %d levels deep; the limit is %d", n, d.max))
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

type auditKey struct{}

func withAuditLog(ctx context.Context, l *auth.AuditLog) context.Context {
	return context.WithValue(ctx, auditKey{}, l)
}

func auditLogFrom(ctx context.Context) *auth.AuditLog {
	l, _ := ctx.Value(auditKey{}).(*auth.AuditLog)
	return l
}

// auditField is the AroundFields hook that records every mutation field
// that resolved without error, with the node before and after where that is
// cheap (updateOrganisation, deleteOrganisation).
func (r *Resolver) auditField(log *auth.AuditLog) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object != "Mutation" || !fc.IsResolver || log == nil {
			return next(ctx)
		}
		name := fc.Field.Name
		var before json.RawMessage
		id, _ := fc.Args["id"].(string)
		if id != "" && (name == "updateOrganisation" || name == "deleteOrganisation") {
			if n, err := r.Store.Node(ctx, id); err == nil && n != nil {
				before, _ = json.Marshal(n)
			}
		}
		res, err := next(ctx)
		if err != nil {
			return res, err
		}
		var after json.RawMessage
		if id != "" && name == "updateOrganisation" {
			if n, err := r.Store.Node(ctx, id); err == nil && n != nil {
				after, _ = json.Marshal(n)
			}
		}
		p, _ := auth.FromContext(ctx)
		e := auth.AuditEntry{
			Actor: p.Name, Role: p.Role.String(), Operation: name,
			Arguments: fc.Args, IDs: touchedIDs(fc.Args, res), Before: before, After: after,
		}
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
			e.OperationName = oc.Operation.Name
		}
		if _, aerr := log.Append(e); aerr != nil {
			// The change is made and stays made: the client gets its result
			// with an error beside it, and the operator a logged error.
			slog.ErrorContext(ctx, "audit log write failed", "err", aerr, "operation", name, "actor", p.Name)
			graphql.AddError(ctx, &graph.Error{Code: graph.CodeUnavailable, Message: "the change was made but the audit log could not record it"})
		}
		return res, nil
	}
}

// touchedIDs gathers the ids of a mutation: id-like arguments and the ID,
// DeletedIds or Ids of its result.
func touchedIDs(args map[string]any, res any) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for k, v := range args {
		if k == "id" || strings.HasSuffix(k, "Id") {
			if s, ok := v.(string); ok {
				add(s)
			}
		}
	}
	if x, ok := res.(interface{ ID() string }); ok && !isNil(res) {
		add(x.ID())
		return out
	}
	v := reflect.ValueOf(res)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return out
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return out
	}
	for _, f := range []string{"ID", "Id", "DeletedIds", "Ids", "IDs"} {
		fv := v.FieldByName(f)
		if !fv.IsValid() {
			continue
		}
		switch fv.Kind() {
		case reflect.String:
			add(fv.String())
		case reflect.Slice:
			for i := 0; i < fv.Len(); i++ {
				if e := fv.Index(i); e.Kind() == reflect.String {
					add(e.String())
				}
			}
		}
	}
	return out
}

func isNil(x any) bool {
	v := reflect.ValueOf(x)
	return !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil())
}
