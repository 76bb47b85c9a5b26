package gql

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
)

// Lean operations. A query that selects, anywhere, only fields served by the
// core of nodes and edges (graph.WithLean: ids, label, kind, names, tier,
// dates, provenance source, alliance type, a membership's role, a post's
// title) is read lean: on Neo4j its statements project those few properties
// instead of returning whole nodes. Diagrams, name lists and the nested
// organisation queries of the benchmark are such queries. The decision is
// made for the whole operation, so that every read of one request (and its
// per-request loaders) sees nodes of one shape; anything not listed below
// (attributes, quotes, posts, relations, analysis, planning, history, any
// mutation or subscription) makes the operation full.

// leanRoots are the Query fields whose resolvers only hand store reads to
// the client.
var leanRoots = set("node", "organisation", "organisations", "alliance", "alliances",
	"neighbourhood", "subtree", "shortestPath", "search", "__typename")

// nodeCore are the fields of every node type served by graph.LeanNode.
var nodeCore = []string{"__typename", "id", "label", "kindName", "kind", "name", "nameEn", "since", "until", "provenance"}

// leanFields are, per type, the fields a lean operation may select (root
// fields apart). Relation fields are listed: what they return is checked in
// turn.
var leanFields = map[string]map[string]bool{
	"Node":         set(nodeCore...),
	"Organisation": set(append([]string{"tier", "parent", "parents", "children", "ancestors", "alliances", "mentors", "mentees", "neighbours", "projects"}, nodeCore...)...),
	"Alliance":     set(append([]string{"type", "members", "branches", "parent"}, nodeCore...)...),
	"Person":       set(nodeCore...),
	"Project":      set(append([]string{"branches"}, nodeCore...)...),
	"Zone":         set(nodeCore...),
	"Brand":        set(nodeCore...),
	"Platform":     set(nodeCore...),
	"Membership":   set("__typename", "role", "organisation", "alliance", "since", "until", "provenance"),
	"Pairing":      set("__typename", "id", "mentor", "mentee", "since", "until", "provenance"),
	"Provenance":   set("__typename", "source"),

	"Subgraph":               set("__typename", "nodes", "edges", "truncated"),
	"GraphNode":              set("__typename", "id", "label", "type", "kind", "name", "nameEn", "tier", "provenance", "node"),
	"GraphEdge":              set("__typename", "id", "source", "target", "type", "label", "provenance"),
	"Path":                   set("__typename", "length", "nodes", "edges"),
	"OrganisationConnection": set("__typename", "totalCount", "edges", "nodes", "pageInfo"),
	"OrganisationEdge":       set("__typename", "cursor", "node"),
	"PageInfo":               set("__typename", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// leanOperation reports whether the operation of oc may be read lean.
func leanOperation(oc *graphql.OperationContext) bool {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query || oc.Doc == nil {
		return false
	}
	for _, sel := range oc.Operation.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || !leanRoots[f.Name] || !leanSelection(oc.Doc, f.SelectionSet, 0) {
			return false
		}
	}
	return len(oc.Operation.SelectionSet) > 0
}

// leanSelection checks every field of sel (fragments included) against
// leanFields. depth bounds fragment spreads that nest (validation already
// refuses cycles).
func leanSelection(doc *ast.QueryDocument, sel ast.SelectionSet, depth int) bool {
	if depth > 64 {
		return false
	}
	for _, s := range sel {
		switch x := s.(type) {
		case *ast.Field:
			if x.ObjectDefinition == nil || !leanFields[x.ObjectDefinition.Name][x.Name] {
				return false
			}
			if !leanSelection(doc, x.SelectionSet, depth+1) {
				return false
			}
		case *ast.InlineFragment:
			if !leanSelection(doc, x.SelectionSet, depth+1) {
				return false
			}
		case *ast.FragmentSpread:
			def := x.Definition
			if def == nil {
				def = doc.Fragments.ForName(x.Name)
			}
			if def == nil || !leanSelection(doc, def.SelectionSet, depth+1) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// leanContext marks ctx graph.WithLean when its operation may be read lean.
func leanContext(ctx context.Context) context.Context {
	if leanOperation(graphql.GetOperationContext(ctx)) {
		return graph.WithLean(ctx)
	}
	return ctx
}
