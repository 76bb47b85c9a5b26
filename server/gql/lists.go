package gql

import (
	"context"
	"errors"
	"fmt"

	"github.com/vikstrous/dataloadgen"

	"github.com/orgnet/orgnet/graph"
)

// Every list the API answers has a maximum (issue #15, DESIGN "Costs known
// in advance"), of one of two kinds:
//
//   - Pages (first, and where the list is ordered by id, after): at most
//     first items, in the list's order; fewer than first is the last page.
//     organisations, search, sources, auditLog, edges, alliances, pairings,
//     scenarios; and the overview's hierarchyTops and children.
//   - Whole lists (limit): the whole list or an error, never a part of it.
//     A node's relation fields (children, members, relations …), history
//     and changes. The store reads at most limit+1 items per list, so that
//     one more than the limit shows there were more without reading them
//     all; the field then answers BAD_USER_INPUT, reason LIST_LIMIT_EXCEEDED,
//     naming the argument to raise. (Subgraphs cut and say so in their
//     truncated field instead.)
//
// A first or limit outside its range is BAD_USER_INPUT naming it; null
// means the default. costs.go prices every list by its maximum.
type listLimit struct {
	def, max int
}

// The lists' defaults and maxima.
var (
	organisationsPage = listLimit{graph.DefaultPageSize, graph.MaxPageSize}
	searchPage        = listLimit{20, graph.MaxSearchLimit}
	sourcesPage       = listLimit{20, maxSourcesPage}
	auditPage         = listLimit{50, 1000}
	edgesPage         = listLimit{500, graph.MaxEdgePage}
	alliancesPage     = listLimit{100, 1000}
	pairingsPage      = listLimit{1000, graph.MaxEdgePage}
	scenariosPage     = listLimit{20, 100}
	factsPage         = listLimit{graph.DefaultPageSize, graph.MaxPageSize}
	topsPage          = listLimit{20, graph.MaxTops}
	childrenPage      = listLimit{100, 100}
	relationList      = listLimit{graph.DefaultRelationLimit, graph.MaxRelationLimit}
	historyList       = listLimit{500, 5000}
	changesList       = listLimit{1000, 10000}
	neighbourhoodSize = listLimit{graph.DefaultNeighbourhoodSize, graph.MaxSubgraphSize}
	subtreeSize       = listLimit{graph.DefaultSubtreeSize, graph.MaxSubgraphSize}
)

// maxCompared is how many scenarios compareScenarios compares at once.
const maxCompared = 20

// ReasonListLimit is the extensions.reason of a whole list that has more
// items than its limit.
const ReasonListLimit = "LIST_LIMIT_EXCEEDED"

// take returns the value of the list argument arg (name) as it will be
// used: its default when null; BAD_USER_INPUT outside 1..max.
func (l listLimit) take(name string, arg *int) (int, error) {
	if arg == nil {
		return l.def, nil
	}
	if *arg < 1 || *arg > l.max {
		return 0, graph.Invalidf(name, "%s must be between 1 and %d, got %d", name, l.max, *arg)
	}
	return *arg, nil
}

// price is what the list argument arg is priced at: its value, its default
// when null, within 1..max (a value outside is refused before anything is
// read, but must not make the operation look cheaper than it may be).
func (l listLimit) price(arg *int) int {
	if arg == nil {
		return l.def
	}
	return min(max(*arg, 1), l.max)
}

// listLimitError is a whole list with more items than its limit.
type listLimitError struct{ err *graph.Error }

func (e *listLimitError) Error() string { return e.err.Error() }
func (e *listLimitError) Unwrap() error { return e.err }

// tooMany returns the error of a whole list (what, e.g. `children of
// "org:x"`) with more than limit items; alt, when set, is another way to
// ask ("ask for a shorter span").
func tooMany(what string, limit int, l listLimit, alt string) error {
	msg := fmt.Sprintf("%s: more than %d (a list answers whole or not at all): ", what, limit)
	if alt != "" {
		msg += alt + ", or "
	}
	if limit < l.max {
		msg += fmt.Sprintf("ask for limit up to %d", l.max)
	} else {
		msg += "read them a part at a time with neighbourhood (limit, truncated) or edges (first, after)"
	}
	return &listLimitError{&graph.Error{Code: graph.CodeInvalid, Field: "limit", Message: msg}}
}

// isListLimit reports whether err is a whole list over its limit.
func isListLimit(err error) bool {
	var e *listLimitError
	return errors.As(err, &e)
}

// relatedList loads the relations of node id read with v that a relation
// field (name) asks for, at most limit of them: the whole list, or the
// LIST_LIMIT_EXCEEDED error when there are more.
func (r *Resolver) relatedList(ctx context.Context, v graph.View, name, id string, limit *int, dir graph.Direction, types ...graph.RelType) ([]graph.Related, error) {
	n, err := relationList.take("limit", limit)
	if err != nil {
		return nil, err
	}
	rel, err := r.loaders(ctx, v).relatedLoader(graph.RelQuery{Types: types, Dir: dir, Limit: n}).Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(rel) > n {
		return nil, tooMany(fmt.Sprintf("%s of %q", name, id), n, relationList, "")
	}
	return rel, nil
}
