package gql

import (
	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/generated"
	"github.com/orgnet/orgnet/server/gql/model"
)

// Prices. The complexity of an operation is the most values its answer can
// hold: every field costs one plus what it selects, and a list costs what
// one item selects times the most items it can return (lists.go: each list's
// default and maximum). So the complexity limit bounds, before anything
// runs, how many objects a request makes the store read and how many values
// it answers; the response budget (policy/budget.go) then bounds the bytes.
//
// Where a field reads more than it answers, it is priced by what it reads:
// a subgraph by its node limit and twice as many edges, parent by the
// parents it reads to pick one, a whole-graph read by SnapshotPrice.

// SnapshotPrice is the price of a field that reads the whole network
// (simulateAlliances, saveScenario, commitScenario, changes): a quarter of
// the default complexity limit, so that one request holds at most three
// (with what they select), which share one snapshot (snapshots.go) but plan
// each on its own. Measured on the city set (docs/reliability.md §12): the
// snapshot and one BALANCED plan allocate 178 MiB in 2.3 s, nine plans on one
// snapshot 443 MiB in 5.0 s.
const SnapshotPrice = DefaultComplexityLimit / 4

// maxAttributes is the most attributes a node or edge holds (graph.Validate).
const maxAttributes = graph.MaxAttrs

// setListComplexity prices every list by the most it can return.
func setListComplexity(c *generated.ComplexityRoot) {
	list := func(child, n int) int { return 1 + child*n }

	c.Query.Organisations = func(child int, _ *model.OrganisationFilter, first *int, _, _ *string) int {
		return list(child, organisationsPage.price(first))
	}
	c.Query.Search = func(child int, _ string, first *int, _ *string) int { return list(child, searchPage.price(first)) }
	c.Query.Sources = func(child int, first *int, _ *string) int { return list(child, sourcesPage.price(first)) }
	c.Query.Facts = func(child int, _ []model.Source, first *int, _, _ *string) int {
		return list(child, factsPage.price(first))
	}
	c.Query.AuditLog = func(child int, first *int, _, _, _ *string) int { return list(child, auditPage.price(first)) }
	c.Query.Edges = func(child int, _ []model.RelationType, _ []model.Source, _ *string, first *int, _ *string) int {
		return list(child, edgesPage.price(first))
	}
	c.Query.Alliances = func(child int, _ *model.AllianceType, _ *string, first *int, _ *string) int {
		return list(child, alliancesPage.price(first))
	}
	c.Query.Pairings = func(child int, _ *string, first *int, _ *string) int { return list(child, pairingsPage.price(first)) }
	c.Query.Scenarios = func(child int, first *int) int { return list(child, scenariosPage.price(first)) }
	c.Query.CompareScenarios = func(child int, ids []string) int { return list(child, min(max(len(ids), 1), maxCompared)) }
	c.Query.History = func(child int, _ string, limit *int) int { return list(child, historyList.price(limit)) }
	c.Query.Changes = func(child int, _, _ string, limit *int) int {
		return SnapshotPrice + list(child, changesList.price(limit))
	}
	c.Query.SimulateAlliances = func(child int, _ model.AllianceSimulationInput) int { return SnapshotPrice + child }
	c.Mutation.SaveScenario = func(child int, _ string, _ *string, _ model.AllianceSimulationInput, _ *string) int {
		return SnapshotPrice + child
	}
	c.Mutation.CommitScenario = func(child int, _ string, _ *bool) int { return SnapshotPrice + child }
	c.Mutation.ResimulateScenario = func(child int, _ string) int { return SnapshotPrice + child }
	// The planning view reads the network (through the planning cache) and
	// answers a scope's units whole; a comparison measures each plan on it.
	c.Query.PlanningNetwork = func(child int, _ *string) int { return SnapshotPrice + child }
	c.Query.ScenarioComparison = func(child int, ids []string) int {
		return SnapshotPrice + list(child, min(max(len(ids), 1), maxCompared))
	}

	// Subgraphs: at most limit nodes and graph.SubgraphEdgeLimit(limit)
	// edges, read whatever is selected; a path at most maxDepth+1 nodes.
	c.Subgraph.Edges = func(child int) int { return 1 + child*graph.SubgraphEdgeLimit(1) }
	c.Query.Neighbourhood = func(child int, _ string, depth *int, _ []model.RelationType, limit *int, _ *string) int {
		return 10*(1+deref(depth)) + max(child, 3)*neighbourhoodSize.price(limit)
	}
	c.Query.Subtree = func(child int, _ string, maxDepth *int, limit *int, _ *string) int {
		return 10*(1+deref(maxDepth)) + max(child, 3)*subtreeSize.price(limit)
	}
	c.Query.ShortestPath = func(child int, _, _ string, _ []model.RelationType, maxDepth *int, _ *string) int {
		d := min(max(deref(maxDepth), 1), graph.MaxPathDepth)
		return 10*d + child*(d+1)
	}

	// The overview (overview.graphqls): pages of tops and children, below
	// for at most graph.MaxBelowIDs ids, each with at most graph.MaxGroups
	// groups; 10 for the counting each read does.
	c.Query.HierarchyTops = func(child int, first *int, _ *string) int { return 10 + child*topsPage.price(first) }
	c.Query.Below = func(child int, ids []string, _ *string) int {
		return 10 + child*min(max(len(ids), 1), graph.MaxBelowIDs)
	}
	c.Query.Children = func(child int, _ string, _, _ *string, first *int, _, _ *string) int {
		return 10 + child*childrenPage.price(first)
	}
	c.Below.Groups = func(child int) int { return list(child, graph.MaxGroups) }

	// A node's relation lists, whole or not at all (lists.go).
	rel := func(child int, limit *int) int { return list(child, relationList.price(limit)) }
	relations := func(child int, _ []model.RelationType, _ *model.Direction, limit *int) int { return rel(child, limit) }
	c.Organisation.Relations = relations
	c.Alliance.Relations = relations
	c.Person.Relations = relations
	c.Project.Relations = relations
	c.Zone.Relations = relations
	c.Brand.Relations = relations
	c.Platform.Relations = relations
	c.Organisation.Children = rel
	c.Organisation.Ancestors = rel
	c.Organisation.Parents = rel
	c.Organisation.Alliances = rel
	c.Organisation.Mentors = rel
	c.Organisation.Mentees = rel
	c.Organisation.Posts = rel
	c.Organisation.Neighbours = rel
	c.Organisation.Projects = rel
	c.Person.Posts = rel
	c.Project.Branches = rel
	c.Alliance.Branches = rel
	c.Alliance.Members = func(child int, _ *string, limit *int) int { return rel(child, limit) }
	// parent reads the parents, as many as parents reads by default, to
	// answer the first.
	parent := func(child int) int { return child + relationList.def }
	c.Organisation.Parent = parent
	c.Alliance.Parent = parent

	// Attributes: at most graph.MaxAttrs each.
	attrs := func(child int) int { return list(child, maxAttributes) }
	for _, f := range []*func(int) int{&c.Organisation.Attributes, &c.Alliance.Attributes, &c.Person.Attributes,
		&c.Project.Attributes, &c.Zone.Attributes, &c.Brand.Attributes, &c.Platform.Attributes, &c.Edge.Attributes} {
		*f = attrs
	}
}
