package main

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// params are the ids the queries run on, picked from the loaded set.
type params struct {
	Org          string `json:"org"`          // (1): an organisation with parent, children and alliances
	Village      string `json:"village"`      // (3): centre of the 2-hop neighbourhood
	SubtreeRoot  string `json:"subtreeRoot"`  // (4)
	SubtreeNodes int64  `json:"subtreeNodes"` // nodes within 3 levels below SubtreeRoot (inclusive)
	PathFrom     string `json:"pathFrom"`     // (5)
	PathTo       string `json:"pathTo"`
	Alliance     string `json:"alliance"` // (6): an alliance some of whose members are mentored
}

func one(ctx context.Context, drv driver.DriverWithContext, cypher string, p map[string]any) (map[string]any, error) {
	r, err := driver.ExecuteQuery(ctx, drv, cypher, p, driver.EagerResultTransformer, driver.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	if len(r.Records) == 0 {
		return nil, fmt.Errorf("no row for %.80q", cypher)
	}
	return r.Records[0].AsMap(), nil
}

// pickParams chooses deterministic parameters: the least ids that fit.
func pickParams(ctx context.Context, drv driver.DriverWithContext) (params, error) {
	var p params
	r, err := one(ctx, drv, `MATCH (o:Organisation:Node)-[:MEMBER_OF]->(:Alliance)
WHERE EXISTS { (o)-[:SUB_ORGANISATION_OF]->(:Organisation) } AND NOT EXISTS { (o)-[:SUB_ORGANISATION_OF]->(:Alliance) }
  AND EXISTS { (o)<-[:SUB_ORGANISATION_OF]-(:Organisation) } AND NOT EXISTS { (o)<-[:SUB_ORGANISATION_OF]-(:Alliance) }
RETURN o.id AS id ORDER BY id LIMIT 1`, nil)
	if err != nil {
		return p, fmt.Errorf("pick (1): %w", err)
	}
	p.Org = r["id"].(string)
	r, err = one(ctx, drv, `MATCH (v:Organisation:Node {kind: 'VILLAGE'}) WHERE EXISTS { (v)-[:MENTORS]-() } AND EXISTS { (v)-[:MEMBER_OF]->() }
RETURN v.id AS id ORDER BY id LIMIT 1`, nil)
	if err != nil {
		return p, fmt.Errorf("pick (3): %w", err)
	}
	p.Village = r["id"].(string)
	// (4): of the village's ancestors, the one with the largest subtree of
	// at most 2000 nodes within 3 levels.
	r, err = one(ctx, drv, `MATCH (v:Node {id: $id})-[:SUB_ORGANISATION_OF]->{1,4}(a:Organisation)
WITH DISTINCT a
CALL (a) { MATCH (a)<-[:SUB_ORGANISATION_OF]-{0,3}(m) RETURN count(DISTINCT m) AS n }
WITH a, n WHERE n <= 2000
RETURN a.id AS id, n ORDER BY n DESC, id LIMIT 1`, map[string]any{"id": p.Village})
	if err != nil {
		return p, fmt.Errorf("pick (4): %w", err)
	}
	p.SubtreeRoot, p.SubtreeNodes = r["id"].(string), r["n"].(int64)
	// (5): from the village to the least village of another street under
	// the same county committee: a path of several hops.
	r, err = one(ctx, drv, `MATCH (v:Node {id: $id})-[:SUB_ORGANISATION_OF]->(st)
MATCH (w:Organisation:Node {kind: 'VILLAGE'})-[:SUB_ORGANISATION_OF]->(st2)-[:SUB_ORGANISATION_OF]->(c)<-[:SUB_ORGANISATION_OF]-(st)
WHERE st2 <> st
RETURN w.id AS id ORDER BY id LIMIT 1`, map[string]any{"id": p.Village})
	if err != nil {
		return p, fmt.Errorf("pick (5): %w", err)
	}
	p.PathFrom, p.PathTo = p.Village, r["id"].(string)
	r, err = one(ctx, drv, `MATCH (a:Alliance:Node) WHERE EXISTS { (a)<-[:MEMBER_OF]-()<-[:MENTORS]-() }
RETURN a.id AS id ORDER BY id LIMIT 1`, nil)
	if err != nil {
		return p, fmt.Errorf("pick (6): %w", err)
	}
	p.Alliance = r["id"].(string)
	return p, nil
}

// A query of the fixed set: the orgnet and peer GraphQL documents, the
// floor's hand-written Cypher, and one normaliser per system (floor, orgnet,
// peer) that turns an answer into a sorted list of facts.
type query struct {
	name, title  string
	orgnet, peer string
	vars         map[string]any
	floor        func(context.Context, driver.DriverWithContext) (any, error)
	norm         [3]func(any) ([]string, error)
	want         []string // the facts all three agreed on, set by the check before timing
}

// floorQuery runs one statement (one round trip) and returns its first
// row's first column, shaped like the peer's data so that both share a
// normaliser. It reads the way orgnet's store does (graph/neo4j readTx):
// an auto-commit statement in a read session of the named database with
// every record fetched at once, not driver.ExecuteQuery's managed
// transaction (BEGIN, RUN, COMMIT and a bookmark manager).
func floorQuery(cypher string, vars map[string]any) func(context.Context, driver.DriverWithContext) (any, error) {
	cypher, vars = vis(cypher), withAsOf(vars)
	return func(ctx context.Context, drv driver.DriverWithContext) (any, error) {
		sess := drv.NewSession(ctx, driver.SessionConfig{DatabaseName: "neo4j", AccessMode: driver.AccessModeRead, FetchSize: driver.FetchAll})
		defer sess.Close(context.WithoutCancel(ctx))
		res, err := sess.Run(ctx, cypher, vars)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, nil
		}
		return recs[0].Values[0], nil
	}
}

// The same traversals as graph/neo4j/cypher.go and as the peer's @cypher
// fields, with orgnet's as-of predicate: orgnet reads as of today when no
// asOf is given, so a node or edge is seen only when since <= $asOf < until
// (each when set). VIS(x) stands for that predicate on x.
//
// Each returns the whole answer orgnet gives: the nodes, the edges among
// them (the ones orgnet returns: for a neighbourhood every relationship
// between two of its nodes, for a subtree the SUB_ORGANISATION_OF ones),
// truncated, and for a path its length and edges; with orgnet's bounds
// (graph.SubgraphEdgeLimit: edges at most twice the node limit, the least
// ids; a subtree at most 2,000 nodes, GraphQL's default), so that each
// does the same bounded work.
const (
	cypherNeighbourhood2 = `MATCH (s:Node {id: $id}) WHERE VIS(s)
CALL (s) {
  MATCH p = ANY SHORTEST (s)((x)-[r]-(y) WHERE VIS(r) AND VIS(y)){0,2}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT 501
  RETURN collect(m) AS found
}
WITH found[0..500] AS ns, size(found) > 500 AS truncated
WITH ns, truncated, COLLECT {
  UNWIND ns AS a
  MATCH (a)-[r]->(b) WHERE VIS(r) AND b IN ns
  RETURN r {.id, source: a.id, target: b.id, type: type(r)} LIMIT 1001
} AS es
CALL (ns, es) {
  WITH ns WHERE size(es) > 1000
  UNWIND ns AS a
  MATCH (a)-[r]->(b) WHERE VIS(r) AND b IN ns
  WITH r, a, b ORDER BY r.id LIMIT 1000
  RETURN collect(r {.id, source: a.id, target: b.id, type: type(r)}) AS least
}
RETURN {nodes: [m IN ns | m {.id, .name, .kind, .tier}], edges: CASE WHEN size(es) > 1000 THEN least ELSE es END,
  truncated: truncated OR size(es) > 1000} AS sg`
	cypherSubtree3 = `MATCH (root:Node {id: $rootId}) WHERE VIS(root)
CALL (root) {
  MATCH p = ANY SHORTEST (root)((x)<-[r:SUB_ORGANISATION_OF]-(y) WHERE VIS(r) AND VIS(y)){0,3}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT 2001
  RETURN collect({m: m, d: d}) AS found
}
WITH found[0..2000] AS found, size(found) > 2000 AS cut
WITH cut, [x IN found | x.m] AS ns, [x IN found WHERE x.d = 3 | x.m] AS rim
WITH cut, ns, rim, COLLECT {
  UNWIND ns AS c
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(pa) WHERE VIS(r) AND pa IN ns
  RETURN r {.id, source: c.id, target: pa.id, type: type(r)} LIMIT 4001
} AS es
CALL (ns, es) {
  WITH ns WHERE size(es) > 4000
  UNWIND ns AS c
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(pa) WHERE VIS(r) AND pa IN ns
  WITH r, c, pa ORDER BY r.id LIMIT 4000
  RETURN collect(r {.id, source: c.id, target: pa.id, type: type(r)}) AS least
}
RETURN {nodes: [m IN ns | m {.id, .name, .kind, .tier}], edges: CASE WHEN size(es) > 4000 THEN least ELSE es END,
  truncated: cut OR size(es) > 4000 OR
    any(x IN rim WHERE EXISTS { MATCH (x)<-[r:SUB_ORGANISATION_OF]-(c) WHERE VIS(r) AND VIS(c) AND NOT c IN ns })} AS sg`
	cypherShortestPath = `MATCH (a:Node {id: $from}), (b:Node {id: $to}) WHERE VIS(a) AND VIS(b)
CALL (a, b) {
  MATCH p = ALL SHORTEST (a)((x)-[r]-(y) WHERE VIS(r) AND VIS(y)){0,8}(b)
  WITH p ORDER BY [x IN nodes(p) | x.id], [x IN relationships(p) | x.id] LIMIT 1
  RETURN p
}
RETURN {length: length(p), nodes: [m IN nodes(p) | m {.id, .name}],
  edges: [r IN relationships(p) | r {.id, source: startNode(r).id, target: endNode(r).id, type: type(r)}]} AS path`
	// cypherPage50 serves the filter and the order from the (kind, id)
	// index as orgnet's page statement does (graph/neo4j
	// findNodesExpandCypher): Neo4j seeks a composite index only with a
	// predicate on each of its properties, so the first page, like orgnet's,
	// asks for ids after "" (PROFILE on the city set: 51 index entries;
	// without it, every village read by node_kind, filtered and sorted).
	cypherPage50 = `MATCH (o:Organisation:Node) WHERE o.kind = $kind AND o.id > $after AND VIS(o)
WITH o ORDER BY o.kind, o.id LIMIT 50
RETURN collect(o {.id, .name, .kind, .tier,
  children: [(o)<-[r:SUB_ORGANISATION_OF]-(x:Organisation) WHERE VIS(r) AND VIS(x) | x {.id, .name}]})`
)

var visRE = regexp.MustCompile(`VIS\((\w+)\)`)

// vis expands VIS(x) in cypher.
func vis(cypher string) string {
	return visRE.ReplaceAllString(cypher, `(($1.since IS NULL OR $1.since <= $$asOf) AND ($1.until IS NULL OR $$asOf < $1.until))`)
}

// today is the as-of date of the run (orgnet's default: graph.Today).
var today = time.Now().UTC().Format("2006-01-02")

// withAsOf returns vars plus asOf.
func withAsOf(vars map[string]any) map[string]any {
	m := map[string]any{"asOf": today}
	for k, v := range vars {
		m[k] = v
	}
	return m
}

func queries(p params) []query {
	return []query{
		{
			name: "org", title: "(1) organisation by id with parent, children and alliances",
			orgnet: `query($id: ID!) { organisation(id: $id) { id name kind tier parents { id name } children { id name } alliances { alliance { id name } } } }`,
			peer:   `query($id: ID!) { organisations(where: { id: { eq: $id } }) { id name kind tier parents { id name } children { id name } alliances { id name } } }`,
			vars:   map[string]any{"id": p.Org},
			floor: floorQuery(`MATCH (o:Node {id: $id}) WHERE VIS(o)
RETURN [o {.id, .name, .kind, .tier,
  parents: [(o)-[r:SUB_ORGANISATION_OF]->(x:Organisation) WHERE VIS(r) AND VIS(x) | x {.id, .name}],
  children: [(o)<-[r:SUB_ORGANISATION_OF]-(x:Organisation) WHERE VIS(r) AND VIS(x) | x {.id, .name}],
  alliances: [(o)-[r:MEMBER_OF]->(x:Alliance) WHERE VIS(r) AND VIS(x) | x {.id, .name}]}]`, map[string]any{"id": p.Org}),
			norm: [3]func(any) ([]string, error){normOrgPeer, gqlNorm("organisation", func(v any) ([]string, error) {
				o := asMap(v)
				var als []any
				for _, m := range asList(o["alliances"]) {
					als = append(als, asMap(m)["alliance"])
				}
				o2 := map[string]any{"id": o["id"], "name": o["name"], "kind": o["kind"], "tier": o["tier"],
					"parents": o["parents"], "children": o["children"], "alliances": als}
				return normOrgPeer([]any{o2})
			}), gqlNorm("organisations", normOrgPeer)},
		},
		{
			name: "page50", title: "(2) page of 50 organisations of kind VILLAGE with their children",
			orgnet: `{ organisations(filter: { kinds: [VILLAGE] }, first: 50) { nodes { id name kind tier children { id name } } } }`,
			peer:   `{ organisations(where: { kind: { eq: "VILLAGE" } }, limit: 50, sort: [{ id: ASC }]) { id name kind tier children { id name } } }`,
			vars:   map[string]any{},
			floor:  floorQuery(cypherPage50, map[string]any{"kind": "VILLAGE", "after": ""}),
			norm: [3]func(any) ([]string, error){normPage, gqlNorm("organisations", func(v any) ([]string, error) {
				return normPage(asMap(v)["nodes"])
			}), gqlNorm("organisations", normPage)},
		},
		{
			name: "neighbourhood2", title: "(3) 2-hop neighbourhood of a village (every relationship type, limit 500)",
			orgnet: `query($id: ID!) { neighbourhood(id: $id, depth: 2) { truncated nodes { id name kind tier } edges { id source target type } } }`,
			peer:   `query($id: ID!, $asOf: String!) { neighbourhood2(id: $id, asOf: $asOf) { truncated nodes { id name kind tier } edges { id source target type } } }`,
			vars:   map[string]any{"id": p.Village, "asOf": today},
			floor:  floorQuery(cypherNeighbourhood2, map[string]any{"id": p.Village}),
			norm:   [3]func(any) ([]string, error){normSubgraph, gqlNorm("neighbourhood", normSubgraph), gqlNorm("neighbourhood2", normSubgraph)},
		},
		{
			name: "subtree3", title: "(4) depth-3 subtree",
			orgnet: `query($rootId: ID!) { subtree(rootId: $rootId, maxDepth: 3) { truncated nodes { id name kind tier } edges { id source target type } } }`,
			peer:   `query($rootId: ID!, $asOf: String!) { subtree3(rootId: $rootId, asOf: $asOf) { truncated nodes { id name kind tier } edges { id source target type } } }`,
			vars:   map[string]any{"rootId": p.SubtreeRoot, "asOf": today},
			floor:  floorQuery(cypherSubtree3, map[string]any{"rootId": p.SubtreeRoot}),
			norm:   [3]func(any) ([]string, error){normSubgraph, gqlNorm("subtree", normSubgraph), gqlNorm("subtree3", normSubgraph)},
		},
		{
			name: "shortestPath", title: "(5) shortest path between villages of two streets (every relationship type, ≤ 8 hops)",
			orgnet: `query($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to) { length nodes { id name } edges { id source target type } } }`,
			peer:   `query($from: ID!, $to: ID!, $asOf: String!) { shortestPath(from: $from, to: $to, asOf: $asOf) { length nodes { id name } edges { id source target type } } }`,
			vars:   map[string]any{"from": p.PathFrom, "to": p.PathTo, "asOf": today},
			floor:  floorQuery(cypherShortestPath, map[string]any{"from": p.PathFrom, "to": p.PathTo}),
			norm:   [3]func(any) ([]string, error){normPath, gqlNorm("shortestPath", normPath), gqlNorm("shortestPath", normPath)},
		},
		{
			name: "allianceMentors", title: "(6) alliance with its members and their mentors",
			orgnet: `query($id: ID!) { alliance(id: $id) { id name members { organisation { id name mentors { mentor { id name } } } } } }`,
			peer:   `query($id: ID!) { alliances(where: { id: { eq: $id } }) { id name members { id name mentors { id name } } } }`,
			vars:   map[string]any{"id": p.Alliance},
			floor: floorQuery(`MATCH (a:Node {id: $id}) WHERE VIS(a)
RETURN [a {.id, .name,
  members: [(a)<-[r:MEMBER_OF]-(o:Organisation) WHERE VIS(r) AND VIS(o) | o {.id, .name,
    mentors: [(o)<-[r2:MENTORS]-(m:Organisation) WHERE VIS(r2) AND VIS(m) | m {.id, .name}]}]}]`,
				map[string]any{"id": p.Alliance}),
			norm: [3]func(any) ([]string, error){normAlliance, gqlNorm("alliance", func(v any) ([]string, error) {
				a := asMap(v)
				var ms []any
				for _, m := range asList(a["members"]) {
					o := asMap(asMap(m)["organisation"])
					var mentors []any
					for _, pr := range asList(o["mentors"]) {
						mentors = append(mentors, asMap(pr)["mentor"])
					}
					ms = append(ms, map[string]any{"id": o["id"], "name": o["name"], "mentors": mentors})
				}
				return normAlliance([]any{map[string]any{"id": a["id"], "name": a["name"], "members": ms}})
			}), gqlNorm("alliances", normAlliance)},
		},
	}
}

// gqlNorm applies f to data[field] of a GraphQL answer.
func gqlNorm(field string, f func(any) ([]string, error)) func(any) ([]string, error) {
	return func(v any) ([]string, error) {
		r, ok := v.(gqlResponse)
		if !ok {
			return nil, fmt.Errorf("want a GraphQL response, got %T", v)
		}
		return f(r.data[field])
	}
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func asList(v any) []any         { l, _ := v.([]any); return l }

// str renders ids, names, kinds and tiers alike whatever their Go type
// (JSON numbers are float64, Bolt integers int64).
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return "∅"
	case float64:
		return fmt.Sprintf("%d", int64(x))
	default:
		return fmt.Sprint(x)
	}
}

func sorted(fs []string) []string { sort.Strings(fs); return fs }

func nodeFact(prefix string, v any) string {
	m := asMap(v)
	return prefix + str(m["id"]) + "|" + str(m["name"])
}

func normOrgPeer(v any) ([]string, error) {
	l := asList(v)
	if len(l) != 1 {
		return nil, fmt.Errorf("want one organisation, got %d", len(l))
	}
	o := asMap(l[0])
	fs := []string{nodeFact("self:", o) + "|" + str(o["kind"]) + "|" + str(o["tier"])}
	for _, k := range []string{"parents", "children", "alliances"} {
		for _, x := range asList(o[k]) {
			fs = append(fs, nodeFact(k+":", x))
		}
	}
	return sorted(fs), nil
}

func normPage(v any) ([]string, error) {
	var fs []string
	for _, x := range asList(v) {
		o := asMap(x)
		fs = append(fs, nodeFact("node:", o)+"|"+str(o["kind"])+"|"+str(o["tier"]))
		for _, c := range asList(o["children"]) {
			fs = append(fs, nodeFact("child:"+str(o["id"])+">", c))
		}
	}
	return sorted(fs), nil
}

// normSubgraph: every node, every edge and truncated.
func normSubgraph(v any) ([]string, error) {
	sg := asMap(v)
	if sg == nil {
		return nil, fmt.Errorf("want a subgraph, got %T", v)
	}
	t, ok := sg["truncated"].(bool)
	if !ok {
		return nil, fmt.Errorf("subgraph without truncated: %v", sg["truncated"])
	}
	fs := []string{fmt.Sprintf("truncated:%t", t)}
	for _, x := range asList(sg["nodes"]) {
		o := asMap(x)
		fs = append(fs, nodeFact("node:", o)+"|"+str(o["kind"])+"|"+str(o["tier"]))
	}
	return sorted(append(fs, edgeFacts(sg["edges"])...)), nil
}

func edgeFacts(v any) []string {
	var fs []string
	for _, x := range asList(v) {
		e := asMap(x)
		fs = append(fs, "edge:"+str(e["id"])+"|"+str(e["source"])+">"+str(e["target"])+"|"+str(e["type"]))
	}
	return fs
}

// normPath keeps the order: the path itself is one fact (its node ids and
// its edge ids in order), then each node, each edge and the length.
func normPath(v any) ([]string, error) {
	p := asMap(v)
	if p == nil {
		return nil, fmt.Errorf("want a path, got %T", v)
	}
	var ids, eids []string
	fs := []string{"length:" + str(p["length"])}
	for _, x := range asList(p["nodes"]) {
		ids = append(ids, str(asMap(x)["id"]))
		fs = append(fs, nodeFact("node:", x))
	}
	for _, x := range asList(p["edges"]) {
		eids = append(eids, str(asMap(x)["id"]))
	}
	fs = append(fs, edgeFacts(p["edges"])...)
	return sorted(append(fs, "path:"+strings.Join(ids, ",")+"/"+strings.Join(eids, ","))), nil
}

func normAlliance(v any) ([]string, error) {
	l := asList(v)
	if len(l) != 1 {
		return nil, fmt.Errorf("want one alliance, got %d", len(l))
	}
	a := asMap(l[0])
	fs := []string{nodeFact("self:", a)}
	for _, m := range asList(a["members"]) {
		fs = append(fs, nodeFact("member:", m))
		for _, x := range asList(asMap(m)["mentors"]) {
			fs = append(fs, nodeFact("mentor:"+str(asMap(m)["id"])+">", x))
		}
	}
	return sorted(fs), nil
}
