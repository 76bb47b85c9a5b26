// Package plan simulates alliance groupings: it regroups villages and
// communities ("units") into regional alliances and pairs strong units with
// weak ones, under the organisational constraints planners set, and measures
// a plan beside today's.
//
// It works on a graph.Snapshot and does no I/O:
//
//	p, err := plan.Units(snap, plan.UnitOptions{AsOf: graph.Today()})
//	pl, err := plan.Simulate(ctx, p, plan.Input{Strategy: plan.Balanced, K: 4, Seed: 1})
//	err = pl.Metrics.Table(os.Stdout, &pl.Today)
//	edits := plan.ChangesOf(p, pl) // to commit the plan as edges
//
// Or, for a Request (input, strong rule and scope): p, pl, err := Run(ctx,
// snap, req, today).
//
// Defaults: an Input's optional settings are pointers; nil takes the
// default its comment gives (K: today's number of alliances among the
// units; Constraints.MinSize: DefaultMinSize, 2), and a value given out of
// its range (a zero that used to mean "no limit", a negative) is refused,
// as is a setting that does nothing for the strategy. Plan.Settings has
// the values used.
//
// Scope: UnitOptions.Within plans only the units under one organisation (a
// street, a district); an alliance with members outside keeps them.
//
// Names: a planned alliance continues the current alliance whose members
// it mostly keeps — and the unit it is named after, when its name follows
// the pattern X区域党建联合体 — and keeps its id and name; otherwise it is
// named after its strongest unit (AllianceName) with an id made from that
// unit's; Input.Names overrides either (see continuation and name). A plan
// lists its Moves (unit, from, to), its PairingChanges (kept, added,
// ended) and the alliances it Dissolves. Metric labels and descriptions in
// Chinese and English: PlanMetrics, AllianceMetricInfo.
//
// A plan is saved as a scenario node (ScenarioNode, with the Request it
// answered and the Basis it was made on: the units in scope, their
// alliances, pairings and borders) and committed by Scenario.Commit, which
// refuses (CONFLICT, the changes in graph.Error.Details) when the network
// has moved from the Basis unless forced, re-checks the plan against a
// snapshot of the network and returns the one graph.Batch to apply.
// Scenario.Resimulate makes the plan again on the network as it is;
// Scenario.Network and Scenario.Sheets are its downloads.
//
// A Problem is read-only once built: concurrent Simulate calls may share it.
//
// Strategies (Input.Strategy):
//
//   - MANUAL evaluates a grouping and pairings the planner gives, and
//     refuses them if they break a constraint.
//   - BALANCED finds K alliances (or, with K = 0, as many as the thresholds
//     allow, max-p style) that are contiguous, each led by a strong unit, and
//     as even as it can make them in population and strength. It starts from
//     today's alliances when K equals their number, else from regions grown
//     out of strong seeds spread by farthest-point sampling (max-p: grown
//     only to the thresholds, from seeds in random order, best of several),
//     then runs an AZP-style local search: moves of boundary units (or of
//     Together/Fixed blocks) between neighbouring alliances — steepest
//     descent, simulated annealing, descent again — scored lexicographically
//     by (violations, CV(population)² + CV(strength)² + MoveCost × share of
//     units moved, units moved). A move that would split an alliance counts
//     as a violation, so contiguity, once reached, is never lost.
//   - COMMUNITY runs Louvain (gonum community.Modularize) on the relationship
//     graph of the units (borders, today's pairings, today's alliances), then
//     repairs the communities to meet the constraints: splits non-contiguous
//     ones, merges those too small or without a strong unit into their
//     best-linked neighbour, splits those too large, then moves units only
//     where that removes a violation (a wider search only if that is stuck).
//   - PAIRINGS gives every weak unit a strong mentor, at most
//     MaxMenteesPerMentor each, by an exact minimum-cost assignment (min-cost
//     flow by successive shortest paths on candidate arcs, priced against
//     every arc) of hop distance on the map, then pairings across alliances,
//     then pairings that are new.
//
// Every result is deterministic for a given Input.Seed. A request that cannot
// be met returns a *graph.Error of CodeInvalid whose Field names the
// constraint ("constraints.maxSize", "constraints.requireStrong", …): never a
// plan that quietly breaks it.
package plan
