package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql"
)

// bookmarks is the middleware of the routes that read or write the store
// (/graphql, /import, /export): a request that sends Orgnet-Bookmark is
// answered once this replica reads at least the state it names (gql.Sync:
// 400 BAD_USER_INPUT for a bookmark that is not one, 503 UNAVAILABLE when
// this replica does not reach it in time), and an answer to a request that
// wrote carries its bookmark in the same header (set before the answer's
// first byte; GraphQL answers carry it in extensions.bookmark too).
// Websocket upgrades pass through: each operation over the socket gets its
// own receipt (gql's withBookmark).
func bookmarks(store graph.Store, broker *gql.Broker) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.IsWebSocket() {
				return next(c)
			}
			req := c.Request()
			ctx := req.Context()
			if b := req.Header.Get(gql.BookmarkHeader); b != "" {
				if err := gql.Sync(ctx, store, broker, b); err != nil {
					status, code := http.StatusServiceUnavailable, gql.CodeUnavailable
					switch graph.ErrorCode(err) {
					case graph.CodeInvalid:
						status, code = http.StatusBadRequest, gql.CodeBadUserInput
					case graph.CodeUnavailable:
					default:
						if ctx.Err() == nil {
							slog.ErrorContext(ctx, "bookmark", "err", err)
						}
					}
					return jsonError(c, status, code, graph.ErrorMessage(err))
				}
			}
			ctx, r := graph.WithReceipt(ctx)
			c.SetRequest(req.WithContext(ctx))
			c.Response().Before(func() {
				if b := gql.FormatBookmark(r); b != "" {
					c.Response().Header().Set(gql.BookmarkHeader, b)
				}
			})
			return next(c)
		}
	}
}

// follow runs a Follower of store's change feed into broker until the store
// is closed (graph.ErrClosed), which ends it. It reads where the feed stands
// before it returns (waiting up to 5 s for the store), so that a write made
// once the server is up is published.
func follow(store graph.Store, broker *gql.Broker, every time.Duration, logger *slog.Logger) {
	f := gql.NewFollower(store, broker, every, logger)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.Start(ctx); err != nil {
		logger.Warn("change feed: cannot read where it stands; following from when it can be read", "err", err)
	}
	go f.Run(context.Background())
}
