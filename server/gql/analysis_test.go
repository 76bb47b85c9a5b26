package gql

import (
	"context"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
	"github.com/orgnet/orgnet/server/auth"
)

// TestCentralityMethod: exact past analysis.ExactWork is granted to admins
// only; samples must be positive when given.
func TestCentralityMethod(t *testing.T) {
	yes, three, zero := true, 3, 0
	for _, tc := range []struct {
		name    string
		role    auth.Role
		exact   *bool
		samples *int
		want    analysis.Method
		code    graph.Code
	}{
		{"viewer asks exact", auth.RoleViewer, &yes, nil, analysis.Method{Exact: true, Seed: 1}, ""},
		{"editor asks exact", auth.RoleEditor, &yes, nil, analysis.Method{Exact: true, Seed: 1}, ""},
		{"admin asks exact", auth.RoleAdmin, &yes, nil, analysis.Method{Exact: true, AllowExact: true, Seed: 1}, ""},
		{"samples", auth.RoleViewer, nil, &three, analysis.Method{Samples: 3, Seed: 1}, ""},
		{"zero samples", auth.RoleViewer, nil, &zero, analysis.Method{}, graph.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := auth.WithPrincipal(context.Background(), auth.Principal{Name: "t", Role: tc.role})
			seed := 1
			got, err := centralityMethod(ctx, tc.exact, tc.samples, &seed)
			if graph.ErrorCode(err) != tc.code {
				t.Fatalf("err = %v; want code %q", err, tc.code)
			}
			if err == nil && got != tc.want {
				t.Errorf("centralityMethod = %+v; want %+v", got, tc.want)
			}
			if err != nil {
				return
			}
			// What the method allows on the city set's size.
			_, _, perr := got.Plan(analysis.Betweenness, 158437, 350052)
			if forbidden := graph.ErrorCode(perr) == graph.CodeForbidden; forbidden != (deref(tc.exact) && tc.role < auth.RoleAdmin) {
				t.Errorf("exact on the city set: err = %v", perr)
			}
		})
	}
}
