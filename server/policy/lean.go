package policy

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/orgnet/orgnet/graph"
)

// Lean operations. A query that selects, anywhere, only fields served by the
// core of nodes and edges (graph.LeanNodeFields, graph.LeanEdgeFields: ids,
// label, kind, names, tier, dates, provenance source, alliance type, a
// membership's role, a post's title) is read lean (graph.View.Lean): on
// Neo4j its statements project those few properties instead of returning
// whole nodes. Diagrams, name lists and the nested organisation queries of
// the benchmark are such queries. The decision is made for the whole
// operation, so that every read of one request (and its per-request
// loaders) sees nodes of one shape; anything not listed below (attributes,
// quotes, posts, relations, analysis, planning, history, any mutation or
// subscription) makes the operation full.
//
// The core itself is listed once, in graph: below, each GraphQL field says
// which fields of a node or an edge it reads, and it may be read lean when
// they all belong to the core.

// leanRoots are the Query fields whose resolvers only hand store reads to
// the client.
var leanRoots = set("node", "organisation", "organisations", "alliance", "alliances",
	"neighbourhood", "subtree", "shortestPath", "search", "hierarchyTops", "below", "children", "__typename")

// reads is what a GraphQL field reads of the node or edge behind its
// object; a field that holds other objects (a relation, a wrapper) reads
// nothing itself, and what it holds is checked in turn.
type reads struct{ node, edge []string }

func node(fields ...string) reads { return reads{node: fields} }
func edge(fields ...string) reads { return reads{edge: fields} }

// objects is a field that holds other objects or plain structure.
var objects = reads{}

// lean reports whether every field r reads is in the core.
func (r reads) lean() bool {
	for _, f := range r.node {
		if !graph.IsLeanNodeField(f) {
			return false
		}
	}
	for _, f := range r.edge {
		if !graph.IsLeanEdgeField(f) {
			return false
		}
	}
	return true
}

// nodeFields are the fields of every node type.
var nodeFields = map[string]reads{
	"__typename": node(graph.FieldLabel), "id": node(graph.FieldID), "label": node(graph.FieldLabel),
	"kindName": node(graph.FieldKind), "kind": node(graph.FieldKind), "name": node(graph.FieldName),
	"nameEn": node(graph.FieldNameEn), "since": node(graph.FieldSince), "until": node(graph.FieldUntil),
	"provenance": objects, "attributes": node(graph.FieldAttrProvenance),
}

// typeFields are, per type, the fields that may be read lean when what
// they read is in the core (node types have nodeFields besides).
var typeFields = map[string]map[string]reads{
	"Node": {},
	"Organisation": {"tier": node(graph.FieldTier), "population": node(graph.AttrPopulation),
		"strength": node(graph.AttrStrength), "partyMembers": node(graph.AttrPartyMembers),
		"parent": objects, "parents": objects, "children": objects, "ancestors": objects, "alliances": objects,
		"mentors": objects, "mentees": objects, "neighbours": objects, "projects": objects},
	"Alliance":   {"type": node(graph.AttrAllianceType), "members": objects, "branches": objects, "parent": objects},
	"Person":     {},
	"Project":    {"branches": objects},
	"Zone":       {},
	"Brand":      {},
	"Platform":   {},
	"Membership": {"__typename": objects, "role": edge(graph.AttrRole), "organisation": objects, "alliance": objects, "since": edge(graph.FieldSince), "until": edge(graph.FieldUntil), "provenance": objects},
	"Pairing":    {"__typename": objects, "id": edge(graph.FieldID), "mentor": objects, "mentee": objects, "since": edge(graph.FieldSince), "until": edge(graph.FieldUntil), "provenance": objects},
	// A Provenance belongs to a node or an edge.
	"Provenance": {"__typename": objects, "source": {node: []string{graph.FieldSource}, edge: []string{graph.FieldSource}},
		"quote": node(graph.FieldQuote), "ref": node(graph.FieldRef)},

	"Subgraph": {"__typename": objects, "nodes": objects, "edges": objects, "elements": objects, "truncated": objects},
	"GraphNode": {"__typename": objects, "id": node(graph.FieldID), "label": node(graph.FieldName), "type": node(graph.FieldLabel),
		"kind": node(graph.FieldKind), "name": node(graph.FieldName), "nameEn": node(graph.FieldNameEn), "tier": node(graph.FieldTier),
		"provenance": objects, "node": objects},
	"GraphEdge": {"__typename": objects, "id": edge(graph.FieldID), "source": edge(graph.FieldFrom), "target": edge(graph.FieldTo),
		"type": edge(graph.FieldType), "label": edge(graph.FieldType, graph.AttrTitle, graph.AttrRole), "provenance": objects},
	"HierarchyTops":   {"__typename": objects, "totalCount": objects, "tops": objects},
	"Below":           {"__typename": objects, "node": objects, "children": objects, "descendants": objects, "descendantsCapped": objects, "groups": objects, "otherGroups": objects, "otherCount": objects},
	"ChildGroup":      {"__typename": objects, "kind": objects, "type": objects, "alliance": objects, "count": objects},
	"ChildConnection": {"__typename": objects, "totalCount": objects, "nodes": objects, "pageInfo": objects},
	"Path":            {"__typename": objects, "length": objects, "nodes": objects, "edges": objects, "elements": objects},
	// A Cytoscape.js element is a node or an edge: each data field says
	// what it reads of either. parent reads the MEMBER_OF edges among the
	// subgraph's edges and the labels of its nodes; attributes read every
	// attribute (never lean).
	"CytoscapeElement": {"__typename": objects, "group": objects, "data": objects},
	"CytoscapeData": {"__typename": objects, "id": {node: []string{graph.FieldID}, edge: []string{graph.FieldID}},
		"label": {node: []string{graph.FieldName}, edge: []string{graph.FieldType, graph.AttrTitle, graph.AttrRole}},
		"type":  {node: []string{graph.FieldLabel}, edge: []string{graph.FieldType}}, "kind": node(graph.FieldKind),
		"name": node(graph.FieldName), "nameEn": node(graph.FieldNameEn), "tier": node(graph.FieldTier),
		"since": {node: []string{graph.FieldSince}, edge: []string{graph.FieldSince}}, "until": {node: []string{graph.FieldUntil}, edge: []string{graph.FieldUntil}},
		"source": edge(graph.FieldFrom), "target": edge(graph.FieldTo),
		"parent":     {node: []string{graph.FieldID, graph.FieldLabel}, edge: []string{graph.FieldType, graph.FieldFrom, graph.FieldTo}},
		"provenance": objects, "attributes": node(graph.FieldAttrProvenance)},
	"OrganisationConnection": {"__typename": objects, "totalCount": objects, "edges": objects, "nodes": objects, "pageInfo": objects},
	"OrganisationEdge":       {"__typename": objects, "cursor": objects, "node": objects},
	"PageInfo":               {"__typename": objects, "hasNextPage": objects, "hasPreviousPage": objects, "startCursor": objects, "endCursor": objects},
}

// nodeTypes are the types that have nodeFields.
var nodeTypes = set("Node", "Organisation", "Alliance", "Person", "Project", "Zone", "Brand", "Platform")

// leanFields are, per type, the fields a lean operation may select (root
// fields apart), derived from typeFields and nodeFields.
var leanFields = func() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for typ, fields := range typeFields {
		m := map[string]bool{}
		add := func(fs map[string]reads) {
			for name, r := range fs {
				if r.lean() {
					m[name] = true
				}
			}
		}
		if nodeTypes[typ] {
			add(nodeFields)
		}
		add(fields)
		out[typ] = m
	}
	return out
}()

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Lean reports whether the operation of oc may be read lean: a query whose
// root fields are all leanRoots and whose every field, at any depth, reads
// only the core of nodes and edges.
func Lean(oc *graphql.OperationContext) bool {
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
