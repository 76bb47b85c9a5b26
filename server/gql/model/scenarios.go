package model

import "github.com/orgnet/orgnet/graph/plan"

// Scenario is a saved planning scenario; gqlgen binds its stored fields to
// these methods, and the fields that read the network or depend on the
// caller (within, result, networkChanges, stale, commitCheck, downloads) to
// resolvers.
type Scenario struct{ SC *plan.Scenario }

// ID is the scenario's id.
func (s Scenario) ID() string { return s.SC.Node.ID }

// Name is the name it was saved under.
func (s Scenario) Name() string { return s.SC.Node.Name }

// Description is its description, null when none.
func (s Scenario) Description() *string { return s.SC.Description }

// Status is SAVED or COMMITTED.
func (s Scenario) Status() ScenarioStatus { return ScenarioStatus(s.SC.Node.Kind) }

// CreatedAt is when it was saved (RFC 3339).
func (s Scenario) CreatedAt() string { return s.SC.CreatedAt }

// CommittedAt is when it was committed, null until then.
func (s Scenario) CommittedAt() *string { return optString(s.SC.CommittedAt) }

// ResimulatedAt is when its plan was last made again, null if never.
func (s Scenario) ResimulatedAt() *string { return optString(s.SC.ResimulatedAt) }
