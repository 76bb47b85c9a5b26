// Package policy holds the rules a GraphQL operation is checked against
// before any resolver runs, and the one decision about how its reads are
// shaped: the limits on what a document may select (SelectionLimits,
// DepthLimit), who may run which root field (RequiredRole, Authorize,
// WebsocketInit), and whether the whole operation may be read lean (Lean).
// It looks only at the operation (its document and caller), never at the
// store.
package policy
