package gql

import (
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql/model"
)

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
			if n, err := r.Store.Node(ctx, todayView(), id); err == nil && n != nil {
				before, _ = json.Marshal(n)
			}
		}
		res, err := next(ctx)
		if err != nil {
			return res, err
		}
		var after json.RawMessage
		if id != "" && name == "updateOrganisation" {
			if n, err := r.Store.Node(ctx, todayView(), id); err == nil && n != nil {
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

// auditEntry converts an audit log entry for auditLog.
func auditEntry(e auth.AuditEntry) *model.AuditEntry {
	m := &model.AuditEntry{
		Cursor: strconv.FormatInt(e.Seq, 10), Time: e.Time.UTC().Format(time.RFC3339Nano),
		Actor: e.Actor, Role: e.Role, Operation: e.Operation, Ids: e.IDs,
	}
	if m.Ids == nil {
		m.Ids = []string{}
	}
	if e.OperationName != "" {
		m.OperationName = &e.OperationName
	}
	if len(e.Arguments) > 0 {
		if b, err := json.Marshal(e.Arguments); err == nil {
			s := string(b)
			m.Arguments = &s
		}
	}
	if len(e.Before) > 0 {
		s := string(e.Before)
		m.Before = &s
	}
	if len(e.After) > 0 {
		s := string(e.After)
		m.After = &s
	}
	return m
}
