package policy

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ReasonComplexityLimit is the extensions.reason of an operation whose price
// is over the complexity limit (the code is BAD_USER_INPUT).
const ReasonComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED"

// ComplexityLimit returns the handler extension that refuses, before any
// resolver runs, an operation whose complexity (gqlgen's, from the schema's
// complexity functions) is over limit. It is gqlgen's FixedComplexityLimit,
// but its refusal is made as the API's errors are (code BAD_USER_INPUT, the
// reason above), so that a websocket, to which gqlgen sends such a refusal
// without the error presenter, gets the same error as HTTP.
func ComplexityLimit(limit int) graphql.HandlerExtension { return &complexityLimit{limit: limit} }

type complexityLimit struct {
	limit int
	es    graphql.ExecutableSchema
}

var (
	_ graphql.HandlerExtension        = (*complexityLimit)(nil)
	_ graphql.OperationContextMutator = (*complexityLimit)(nil)
)

func (*complexityLimit) ExtensionName() string { return "ComplexityLimit" }

func (c *complexityLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *complexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	n := complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	if n <= c.limit {
		return nil
	}
	e := gqlErr(codeBadUserInput, fmt.Sprintf("operation has complexity %d, which exceeds the limit of %d: ask for fewer items (first, limit) or fewer fields", n, c.limit))
	e.Extensions["reason"] = ReasonComplexityLimit
	e.Extensions["complexity"] = n
	e.Extensions["limit"] = c.limit
	return e
}
