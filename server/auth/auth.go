// Package auth authenticates orgnet's callers (static bearer tokens and
// JWTs), gives each a role, and keeps the audit log of mutations.
package auth

import (
	"context"
	"fmt"
	"strings"
)

// Role is what a caller may do. Each role may do everything the roles below
// it may.
type Role int

// The roles, lowest first.
const (
	// RoleNone may do nothing (anonymous access off).
	RoleNone Role = iota
	// RoleViewer runs queries and subscriptions.
	RoleViewer
	// RolePlanner may also simulate alliances and save scenarios.
	RolePlanner
	// RoleEditor may also run every other mutation, commitScenario included.
	RoleEditor
	// RoleAdmin may do everything: the audit log, metrics, pprof, import.
	RoleAdmin
)

var roleNames = [...]string{"none", "viewer", "planner", "editor", "admin"}

// String is the role's name as written in token files, JWTs and flags.
func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return fmt.Sprintf("role(%d)", int(r))
	}
	return roleNames[r]
}

// ParseRole reads a role name (case-insensitive).
func ParseRole(s string) (Role, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range roleNames {
		if s == n {
			return Role(i), nil
		}
	}
	return RoleNone, fmt.Errorf("unknown role %q (want none, viewer, planner, editor or admin)", s)
}

// Principal is who made a request.
type Principal struct {
	// Name is the token's name or the JWT's sub; "anonymous" without a token.
	Name string
	Role Role
	// Anonymous is set when no token was given.
	Anonymous bool
}

// Can reports whether the principal has at least role r.
func (p Principal) Can(r Role) bool { return p.Role >= r }

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal of a request, if it was authenticated.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}
