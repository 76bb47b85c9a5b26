package server_test

import (
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/server/auth"
)

// TestMe: the caller's role and what it may do in planning, as the
// explorer's planning mode reads them (it greys out Run and Commit).
func TestMe(t *testing.T) {
	for _, tc := range []struct {
		role               auth.Role
		canPlan, canCommit bool
	}{
		{auth.RoleViewer, false, false},
		{auth.RolePlanner, true, false},
		{auth.RoleEditor, true, true},
		{auth.RoleAdmin, true, true},
	} {
		t.Run(tc.role.String(), func(t *testing.T) {
			h, _ := plannerServer(t, func(tb testing.TB) graph.Store { return testenv.Memory(tb) }, "memory", tc.role)
			var d struct {
				Me struct {
					Name      string `json:"name"`
					Role      string `json:"role"`
					Anonymous bool   `json:"anonymous"`
					CanPlan   bool   `json:"canPlan"`
					CanCommit bool   `json:"canCommit"`
				} `json:"me"`
			}
			h.ok(`{ me { name role anonymous canPlan canCommit } }`, nil, &d)
			if d.Me.Role != tc.role.String() || !d.Me.Anonymous || d.Me.Name != "anonymous" || d.Me.CanPlan != tc.canPlan || d.Me.CanCommit != tc.canCommit {
				t.Errorf("me = %+v; want role %s, anonymous, canPlan %v, canCommit %v", d.Me, tc.role, tc.canPlan, tc.canCommit)
			}
		})
	}
}
