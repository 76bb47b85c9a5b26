package gql

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// Read your own writes, on any replica. The answer to a request that wrote
// carries a bookmark, in the header Orgnet-Bookmark (HTTP) and in
// extensions.bookmark: "SEQ:STORE", the change feed's sequence number of its
// last write and the store's bookmark of it (Neo4j's, on Neo4j). A request
// that sends it back in the same header, to any replica, is answered only
// once that replica reads at least that state: its store has reached the
// store bookmark (Store.WaitFor), and its follower has published the change
// (so its analysis caches have forgotten what came before it).

// BookmarkHeader carries a bookmark, in requests and in answers.
const BookmarkHeader = "Orgnet-Bookmark"

// catchUpWait bounds how long a request waits for this replica's follower to
// reach the bookmark's change.
const catchUpWait = 5 * time.Second

// FormatBookmark is the bookmark of a request whose writes r noted ("" when
// it wrote nothing).
func FormatBookmark(r *graph.Receipt) string {
	if r == nil || r.Seq() == 0 {
		return ""
	}
	return strconv.FormatInt(r.Seq(), 10) + ":" + r.Bookmark()
}

// ParseBookmark splits a bookmark into its sequence number and store
// bookmark. Returns ErrInvalid.
func ParseBookmark(b string) (int64, string, error) {
	seqText, store, ok := strings.Cut(b, ":")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil || seq < 1 || len(b) > 4096 {
		return 0, "", graph.Invalidf("bookmark", "%s %q is not a bookmark orgnet gave (SEQ:STORE)", BookmarkHeader, truncate(b, 80))
	}
	return seq, store, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Sync waits until reads through store and the caches fed by broker see at
// least the state bookmark names. Returns ErrInvalid for a bookmark that is
// not one, ErrUnavailable when this replica does not reach it in time.
func Sync(ctx context.Context, store graph.Store, broker *Broker, bookmark string) error {
	if bookmark == "" {
		return nil
	}
	seq, sb, err := ParseBookmark(bookmark)
	if err != nil {
		return err
	}
	if err := store.WaitFor(ctx, sb); err != nil {
		return err
	}
	if broker == nil {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, catchUpWait)
	defer cancel()
	if err := broker.CaughtUp(wctx, seq); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return graph.Errorf(graph.CodeUnavailable, "this server has not caught up with change %d of the feed within %v (it has %d); try again", seq, catchUpWait, broker.Last())
	}
	return nil
}

// mutationKinds name the kind of the mutations whose store write would
// name it otherwise (graph.ChangeKindOf): ending a membership or a pairing
// gives the edge an end date, which the subscriber sees as its removal.
var mutationKinds = map[string]graph.ChangeKind{
	"removeMember":   graph.ChangeUnlinked,
	"deletePairing":  graph.ChangeUnlinked,
	"endAlliance":    graph.ChangeUpdated,
	"commitScenario": graph.ChangeUpdated,
}

// nameWrites names the writes of each mutation field after it
// (graph.WithOperation), so that the change feed says which mutation made
// a change.
func nameWrites(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	// gqlgen sets RootFieldContext.Object to the field's name: the
	// operation says whether it is a mutation.
	if fc := graphql.GetRootFieldContext(ctx); fc != nil && graphql.HasOperationContext(ctx) &&
		graphql.GetOperationContext(ctx).Operation != nil && graphql.GetOperationContext(ctx).Operation.Operation == ast.Mutation {
		ctx = graph.WithOperation(ctx, graph.Operation{Name: fc.Field.Name, Kind: mutationKinds[fc.Field.Name]})
	}
	return next(ctx)
}

// withBookmark gives an operation a Receipt when it has none (a websocket
// operation: an HTTP request's comes from the server's middleware) and
// answers its bookmark in extensions.bookmark when it wrote.
func withBookmark(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	r := graph.ReceiptFrom(ctx)
	if r == nil {
		ctx, r = graph.WithReceipt(ctx)
	}
	rh := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := rh(ctx)
		if b := FormatBookmark(r); resp != nil && b != "" {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["bookmark"] = b
		}
		return resp
	}
}

// afterArg reads graphChanged's after argument.
func afterArg(after *string) (*int64, error) {
	if after == nil {
		return nil, nil
	}
	seq, err := strconv.ParseInt(*after, 10, 64)
	if err != nil || seq < 0 {
		return nil, graph.Invalidf("after", "after must be the seq of a change (a decimal number, 0 or more), got %q", truncate(*after, 40))
	}
	return &seq, nil
}

// subscribe is graphChanged.
func (r *Resolver) subscribe(ctx context.Context, ids []string, after *string) (<-chan *model.GraphChange, error) {
	from, err := afterArg(after)
	if err != nil {
		return nil, err
	}
	return r.Broker.Subscribe(ctx, ids, from), nil
}
