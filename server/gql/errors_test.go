package gql

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/orgnet/orgnet/graph"
)

// An internal error shows the client only "internal error" and a code,
// and logs its cause.
func TestPresentErrorLogsTheCauseOfInternalErrors(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)

	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	for _, tc := range []struct {
		name      string
		err       error
		code      string
		wantCause string // "" when nothing is logged
	}{
		{"internal with cause", &graph.Error{Code: graph.CodeInternal, Message: "internal error",
			Err: errors.New("neo4j: subtree: Neo.ClientError.Statement.EntityNotFound")}, CodeInternal, "EntityNotFound"},
		{"not found", graph.Errorf(graph.CodeNotFound, "no organisation %q", "org:x"), CodeNotFound, ""},
		{"deadline", &graph.Error{Code: graph.CodeDeadline, Message: "exact BETWEENNESS on 158437 nodes did not finish within the request deadline; leave out exact",
			Err: context.DeadlineExceeded}, CodeDeadlineExceeded, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf.Reset()
			got := PresentError(ctx, tc.err)
			if c := got.Extensions["code"]; c != tc.code {
				t.Errorf("code %v, want %s", c, tc.code)
			}
			if tc.code != CodeInternal && got.Message != tc.err.Error() {
				t.Errorf("message %q; want the error's own %q", got.Message, tc.err.Error())
			}
			if strings.Contains(got.Message, "Neo") {
				t.Errorf("the client sees the cause: %q", got.Message)
			}
			if tc.wantCause == "" {
				if buf.Len() > 0 {
					t.Errorf("logged %q", buf.String())
				}
				return
			}
			if !strings.Contains(buf.String(), "cause=") || !strings.Contains(buf.String(), tc.wantCause) {
				t.Errorf("log %q lacks the cause %q", buf.String(), tc.wantCause)
			}
		})
	}
}
