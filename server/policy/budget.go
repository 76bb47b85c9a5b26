package policy

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// What one answer may hold. The complexity limit bounds an answer before it
// runs, by the most every list can return; these bound what it turns out to
// be, as it is built:
//
//   - its size: the data is measured while the resolvers return it (each
//     field's name and value, as JSON will write them), and once it passes
//     MaxResponseBytes nothing more is resolved: the remaining fields answer
//     nothing at once, and the answer is one error, RESPONSE_TOO_LARGE, with
//     no data. Neither the rest of the data nor its JSON is built.
//   - its errors: at most MaxErrors are returned, then one that says how many
//     more there were (TOO_MANY_ERRORS). Validation's errors are bounded
//     before they are made (SelectionLimits counts what they could be about);
//     this bounds what is sent of them and of any resolver's.
const (
	// DefaultMaxResponseBytes is the largest answer, 16 MiB of JSON. The
	// largest the examples, the explorer and the benchmarks ask for is under
	// 1 MiB (a depth-3 subtree of 1,654 nodes on the province set: 190 KB).
	DefaultMaxResponseBytes = 16 << 20
	// DefaultMaxErrors is how many errors one answer lists.
	DefaultMaxErrors = 20
)

// The extensions.reason of the errors the budget returns (the code is
// BAD_USER_INPUT; a TOO_MANY_ERRORS summary takes the code of the first
// error it stands for).
const (
	ReasonResponseTooLarge = "RESPONSE_TOO_LARGE"
	ReasonTooManyErrors    = "TOO_MANY_ERRORS"
)

// Budget is what one answer may hold; 0 means the default.
type Budget struct {
	// MaxResponseBytes caps the JSON of an answer's data
	// (DefaultMaxResponseBytes).
	MaxResponseBytes int64
	// MaxErrors caps the errors an answer lists (DefaultMaxErrors).
	MaxErrors int
}

// ResponseBudget returns the handler extension that holds every answer
// (over HTTP, and each over a websocket) to b.
func ResponseBudget(b Budget) graphql.HandlerExtension {
	if b.MaxResponseBytes <= 0 {
		b.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if b.MaxErrors <= 0 {
		b.MaxErrors = DefaultMaxErrors
	}
	return &budget{b}
}

type budget struct{ Budget }

var (
	_ graphql.HandlerExtension    = (*budget)(nil)
	_ graphql.ResponseInterceptor = (*budget)(nil)
	_ graphql.FieldInterceptor    = (*budget)(nil)
)

func (*budget) ExtensionName() string                   { return "ResponseBudget" }
func (*budget) Validate(graphql.ExecutableSchema) error { return nil }

// spent is the measure of one answer.
type spent struct {
	bytes atomic.Int64
	over  atomic.Bool
}

type spentKey struct{}

// ResponseBytes returns the size of the answer being built, as measured so
// far, and whether it passed the limit (0, false outside an answer).
func ResponseBytes(ctx context.Context) (int64, bool) {
	s, ok := ctx.Value(spentKey{}).(*spent)
	if !ok {
		return 0, false
	}
	return s.bytes.Load(), s.over.Load()
}

// InterceptResponse measures one answer and caps its errors.
func (b *budget) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	s := &spent{}
	resp := next(context.WithValue(ctx, spentKey{}, s))
	if resp == nil {
		return nil
	}
	if s.over.Load() {
		ran := ""
		if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Mutation {
			ran = "the mutation ran, but its "
		}
		tooLarge := gqlErr(codeBadUserInput, fmt.Sprintf(
			"%sanswer would be larger than %s (the server's --max-response-bytes): ask for fewer items (first, limit) or fewer fields, or page",
			ran, sizeText(b.MaxResponseBytes)))
		tooLarge.Extensions["reason"] = ReasonResponseTooLarge
		tooLarge.Extensions["limit"] = b.MaxResponseBytes
		resp.Data = nil
		resp.Errors = append(gqlerror.List{tooLarge}, resp.Errors...)
	}
	resp.Errors = CapErrors(resp.Errors, b.MaxErrors)
	return resp
}

// CapErrors keeps the first max errors of list and, when there were more,
// adds one that says how many more: TOO_MANY_ERRORS, with the code of the
// first one left out and extensions.more the number left out.
func CapErrors(list gqlerror.List, max int) gqlerror.List {
	if max <= 0 || len(list) <= max {
		return list
	}
	more := len(list) - max
	code := codeBadUserInput
	if c, ok := list[max].Extensions["code"].(string); ok && c != "" {
		code = c
	}
	noun := "errors"
	if more == 1 {
		noun = "error"
	}
	summary := gqlErr(code, fmt.Sprintf("and %d more %s (an answer lists at most %d)", more, noun, max))
	summary.Extensions["reason"] = ReasonTooManyErrors
	summary.Extensions["more"] = more
	out := make(gqlerror.List, max, max+1)
	copy(out, list[:max])
	return append(out, summary)
}

// InterceptField counts what a field adds to the answer. Once the answer
// is over its limit, fields answer null without running: their resolvers,
// their lists' items and their JSON are never made. (A null for a non-null
// field nulls its parent, as gqlgen's generated code does, without an
// error each: the answer's data is dropped in InterceptResponse anyway.)
// A mutation's root fields run whatever the size of the answer (each is a
// change the client asked for), as does a subscription's (its stream).
func (b *budget) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	s, ok := ctx.Value(spentKey{}).(*spent)
	fc := graphql.GetFieldContext(ctx)
	if !ok || fc == nil || fc.Object == "Subscription" {
		return next(ctx)
	}
	if s.over.Load() && fc.Object != "Mutation" {
		return graphql.Null, nil
	}
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	if s.bytes.Add(int64(len(fc.Field.Alias)+4)+jsonSize(res, 0)) > b.MaxResponseBytes {
		s.over.Store(true)
		return graphql.Null, nil
	}
	return res, nil
}

// jsonSize estimates the bytes JSON gives v: strings and numbers as
// written, a list's brackets and commas, an object's braces (its fields
// count themselves as they resolve). Escapes are not counted.
func jsonSize(v any, depth int) int64 {
	switch x := v.(type) {
	case nil:
		return 4
	case string:
		return int64(len(x) + 2)
	case *string:
		if x == nil {
			return 4
		}
		return int64(len(*x) + 2)
	case bool, *bool:
		return 5
	case int, int32, int64, float32, float64, *int, *int64, *float64:
		return 8
	case []string:
		n := int64(2 + len(x))
		for _, s := range x {
			n += int64(len(s) + 2)
		}
		return n
	case map[string]any:
		n := int64(2)
		if depth > 32 {
			return n
		}
		for k, e := range x {
			n += int64(len(k)+4) + jsonSize(e, depth+1)
		}
		return n
	case []any:
		n := int64(2 + len(x))
		if depth > 32 {
			return n
		}
		for _, e := range x {
			n += jsonSize(e, depth+1)
		}
		return n
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return 4
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String: // enums
		return int64(rv.Len() + 2)
	case reflect.Bool:
		return 5
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return 8
	case reflect.Slice:
		return int64(2 + rv.Len()) // items count their own fields
	}
	return 2 // an object: its fields count themselves
}

// sizeText writes a byte count the way the flags take it.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
