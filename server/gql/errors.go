package gql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// The extensions.code of every error the API returns. Stable: clients
// switch on them.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeNotFound        = "NOT_FOUND"
	CodeConflict        = "CONFLICT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeUnavailable     = "UNAVAILABLE"
	// CodeDeadlineExceeded: the work did not, or cannot, finish before the
	// request's deadline (an analysis on a large graph); the message says
	// what to ask for instead. Nothing was changed.
	CodeDeadlineExceeded = "DEADLINE_EXCEEDED"
	CodeInternal         = "INTERNAL"
)

// codes is the one table from domain error codes to API codes.
var codes = map[graph.Code]string{
	graph.CodeInvalid:     CodeBadUserInput,
	graph.CodeNotFound:    CodeNotFound,
	graph.CodeConflict:    CodeConflict,
	graph.CodeUnavailable: CodeUnavailable,
	graph.CodeForbidden:   CodeForbidden,
	graph.CodeDeadline:    CodeDeadlineExceeded,
	graph.CodeInternal:    CodeInternal,
}

// gqlgen's own codes for documents and variables it rejects: all are the
// client's input, so all become BAD_USER_INPUT (the original is kept in
// extensions.reason).
var inputCodes = map[string]bool{
	"GRAPHQL_PARSE_FAILED":      true,
	"GRAPHQL_VALIDATION_FAILED": true,
	"BAD_USER_INPUT":            true,
	"COMPLEXITY_LIMIT_EXCEEDED": true,
	"PERSISTED_QUERY_NOT_FOUND": true,
}

// PresentError maps any resolver error to a GraphQL error with a stable
// extensions.code. Internal errors are logged and shown as "internal error".
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	var gerr *gqlerror.Error
	if errors.As(err, &gerr) && gerr.Err == nil {
		// An error gqlgen made itself (parse, validation, coercion).
		out := *gerr
		if out.Extensions == nil {
			out.Extensions = map[string]any{}
		} else {
			ext := make(map[string]any, len(out.Extensions)+1)
			for k, v := range out.Extensions {
				ext[k] = v
			}
			out.Extensions = ext
		}
		code, _ := out.Extensions["code"].(string)
		if code == "" || inputCodes[code] {
			if code != "" && code != CodeBadUserInput {
				out.Extensions["reason"] = code
			}
			out.Extensions["code"] = CodeBadUserInput
		}
		return &out
	}
	pres := graphql.DefaultErrorPresenter(ctx, err)
	code := graph.ErrorCode(err)
	if code == graph.CodeInternal && enumInputRE.MatchString(err.Error()) {
		// gqlgen's generated enum unmarshalling rejects a value the parser's
		// validator let through (e.g. "party_branch"): the client's input.
		code = graph.CodeInvalid
		pres.Message = err.Error()
		pres.Extensions = map[string]any{"code": CodeBadUserInput}
		return pres
	}
	apiCode := codes[code]
	if apiCode == "" {
		apiCode = CodeInternal
	}
	// pres may be err itself (a *gqlerror.Error around the resolver's
	// error): keep its text before the message is replaced.
	text := err.Error()
	pres.Message = graph.ErrorMessage(err)
	if apiCode == CodeInternal {
		// The client sees "internal error"; the log keeps the cause (a
		// *graph.Error's text is only its Message).
		attrs := []any{"err", text, "path", pres.Path.String()}
		var ge *graph.Error
		if errors.As(err, &ge) && ge.Err != nil {
			attrs = append(attrs, "cause", ge.Err.Error())
		}
		slog.ErrorContext(ctx, "internal error", attrs...)
	}
	pres.Extensions = map[string]any{"code": apiCode}
	var e *graph.Error
	if errors.As(err, &e) && e.Field != "" {
		pres.Extensions["field"] = e.Field
	}
	if e != nil && len(e.Details) > 0 {
		pres.Extensions["details"] = e.Details
	}
	var re *graph.RefError
	if errors.As(err, &re) {
		presentRefs(pres.Extensions, re)
	}
	if isListLimit(err) {
		pres.Extensions["reason"] = ReasonListLimit
	}
	var be *graph.BatchError
	if errors.As(err, &be) {
		probs := make([]string, len(be.Problems))
		for i, p := range be.Problems {
			probs[i] = p.String()
		}
		pres.Extensions["problems"] = probs
	}
	return pres
}

// enumInputRE matches the message of gqlgen's generated enum UnmarshalGQL.
var enumInputRE = regexp.MustCompile(`^[^\n]{0,200} is not a valid [A-Z][A-Za-z]+$`)

// Recover turns a panic in a resolver into an INTERNAL error, logged with its
// stack; the server keeps running.
func Recover(ctx context.Context, p any) error {
	slog.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return &graph.Error{Code: graph.CodeInternal, Message: "internal error", Err: fmt.Errorf("panic: %v", p)}
}

// presentRefs lists the refs that named no node (extensions.missing, each
// with close matches as suggestions) and those that named several
// (extensions.ambiguous, each with its candidates): {field, ref,
// suggestions|candidates: [{id, name, nameEn, label}]}.
func presentRefs(ext map[string]any, re *graph.RefError) {
	var missing, ambiguous []map[string]any
	for _, p := range re.Problems {
		nodes := make([]map[string]any, len(p.Candidates))
		for i, n := range p.Candidates {
			nodes[i] = map[string]any{"id": n.ID, "name": n.Name, "nameEn": n.NameEn, "label": model.LabelOf(n.Label)}
		}
		item := map[string]any{"field": p.Field, "ref": p.Text}
		if p.Ambiguous {
			item["candidates"] = nodes
			ambiguous = append(ambiguous, item)
		} else {
			item["suggestions"] = nodes
			missing = append(missing, item)
		}
	}
	if len(missing) > 0 {
		ext["missing"] = missing
	}
	if len(ambiguous) > 0 {
		ext["ambiguous"] = ambiguous
	}
}
