package neo4j

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/orgnet/orgnet/graph"
)

// Every statement the store sends is below (and in cypher_write.go): constant text with $parameters.
// Labels and relationship types arrive as parameters of dynamic labels
// ($(…), Neo4j 5.26) after graph validated them (Apply and BulkLoad write
// them into the text instead, from tables over graph.Labels and
// graph.RelTypes: see "Apply" below); depths, which Cypher wants
// as literals, pick a statement from a table built once from constant
// templates (depthTable) after graph validated them.
//
// Parameters of reads come in two kinds: values that drive index seeks ($id,
// $ids, $from, $to, $q) are top-level; everything else (as-of date, types,
// filters, limits) travels in one map, $o. Neo4j keys its plan cache on the
// types of the parameters and the sizes of lists, so a null date, an empty
// list or a list of two would each cost a plan of their own (seconds for the
// larger statements); inside $o they share one.
//
// Orders: results are sorted again in Go (ids as Go strings), but where a
// statement cuts (a page, a limit) it cuts in Neo4j's string order, which
// compares UTF-16 code units. The two agree except between characters above
// U+FFFF and those in U+E000–U+FFFF, which ids do not mix in practice.
//
// Reads honour their view's as-of date (graph.View.AsOf) through $o.asOf
// (null when there is none): VIS(x) in a template stands for "x is valid on
// $o.asOf" (graph.ValidAt; since and until are left out when empty), and an
// edge is seen only when it and both its ends are.

// graphLabelOf is the graph label of n (its label other than :Node).
const graphLabelOf = `[l IN labels(n) WHERE l <> 'Node'][0]`

// typeOK is the relationship-type filter of traversals: $types empty means
// every type.
const typeOK = `(size($o.types) = 0 OR type(r) IN $o.types)`

// visRE finds VIS(x) in templates.
var visRE = regexp.MustCompile(`VIS\((\w+)\)`)

// expandVIS replaces VIS(x) by the as-of predicate on variable x.
func expandVIS(template string) string {
	return visRE.ReplaceAllString(template,
		`($$o.asOf IS NULL OR (($1.since IS NULL OR $1.since <= $$o.asOf) AND ($1.until IS NULL OR $$o.asOf < $1.until)))`)
}

// Reads, before expandVIS.
const (
	tplNode  = `MATCH (n:Node {id: $id}) WHERE VIS(n) RETURN NODE(n) AS n`
	tplNodes = `MATCH (n:Node) WHERE n.id IN $ids AND VIS(n) RETURN NODE(n) AS n`

	// tplSearch finds nodes by their search key (graph.KeyOf, kept in
	// searchKey as name, nameEn, pinyin, initials joined by new lines; one
	// TEXT index answers the CONTAINS) and ranks them like
	// graph.SearchKey.Rank: exact, prefix, substring of a folded name, else
	// a substring of the pinyin or a prefix of the initials (a match
	// elsewhere in the initials is no match); ties by the length of the
	// Chinese name (size counts code points, like utf8.RuneCountInString),
	// then id. graph.SortHits orders the page again in Go.
	tplSearch = `MATCH (n:Node)
WHERE n.searchKey CONTAINS $q AND VIS(n)
WITH n, split(n.searchKey, $o.sep) AS k
WITH n, CASE
    WHEN k[0] = $q OR k[1] = $q THEN 0
    WHEN k[0] STARTS WITH $q OR k[1] STARTS WITH $q THEN 1
    WHEN k[0] CONTAINS $q OR k[1] CONTAINS $q THEN 2
    WHEN k[2] CONTAINS $q OR k[3] STARTS WITH $q THEN 3
  END AS rank
WHERE rank IS NOT NULL
ORDER BY rank, size(n.name), n.id LIMIT $o.limit
RETURN NODE(n) AS n`

	// tplEdges is graph.EdgeFilter; empty lists match all. A page
	// (graph.EdgeRange) starts after $o.after and takes $o.first, in id
	// order (a top-n sort: what Neo4j returns is bounded by the page).
	tplEdges = `MATCH (a)-[r]->(b)
WHERE (size($o.types) = 0 OR type(r) IN $o.types) AND (size($o.sources) = 0 OR r.source IN $o.sources)
  AND r.id > $o.after AND VIS(r) AND VIS(a) AND VIS(b)
WITH r, a, b ORDER BY r.id LIMIT $o.first
RETURN r, a.id AS f, b.id AS t`

	// relatedHead begins Related's statements (relatedStatement), which list
	// the edges at each of $ids with the other node;
	// OPTIONAL keeps ids that exist but have no matching edge.
	relatedHead = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE VIS(n)
`

	// tplAncestors follows SUB_ORGANISATION_OF upwards from each of $ids
	// breadth first (ANY SHORTEST gives every ancestor once, at its least
	// distance), the nearest $o.limit (ties by id).
	tplAncestors = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE VIS(n)
CALL (n) {
  MATCH p = ANY SHORTEST (n)((x)-[r:SUB_ORGANISATION_OF]->(y) WHERE VIS(r) AND VIS(y))+(a)
  WHERE a <> n
  WITH a, length(p) AS d ORDER BY d, a.id LIMIT $o.limit
  RETURN collect([NODE(a), d]) AS found
}
RETURN id, found`

	// tplSnapshot streams every node, then every edge.
	tplSnapshot = `MATCH (n:Node) WHERE VIS(n) RETURN n, null AS r, null AS f, null AS t
UNION ALL
MATCH (a)-[r]->(b) WHERE VIS(r) AND VIS(a) AND VIS(b) RETURN null AS n, r, a.id AS f, b.id AS t`

	// tplSnapshotLean streams the topology, one record per node: its
	// internal id, id, label and kind, and its outgoing edges as one list
	// of integers, each the end's internal id × 16 + the type's place in
	// graph.RelTypes (TYPEINDEX): a few integers to decode per edge
	// instead of a record of strings.
	tplSnapshotLean = `MATCH (n:Node) WHERE VIS(n)
RETURN id(n) AS i, n.id AS id, ` + graphLabelOf + ` AS l, n.kind AS k,
  [(n)-[r]->(m:Node) WHERE VIS(r) AND VIS(m) | id(m) * 16 + TYPEINDEX] AS out`

	// cypherCounts reads the count store; tplCountsAsOf counts what is
	// valid on $o.asOf.
	cypherCounts = `CALL () { MATCH (n:Node) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS edges }
RETURN nodes, edges`
	tplCountsAsOf = `CALL () { MATCH (n:Node) WHERE VIS(n) RETURN count(n) AS nodes }
CALL () { MATCH (a)-[r]->(b) WHERE VIS(r) AND VIS(a) AND VIS(b) RETURN count(r) AS edges }
RETURN nodes, edges`
)

// Traversals, one template per method; DEPTH is replaced by a literal from
// a validated range when the tables are built.
const (
	// Neighbourhood: breadth-first distances over $types in both directions
	// (ANY SHORTEST to every node within DEPTH hops), nearest first then by
	// id, cut at $o.limit; then the matching edges among the kept nodes, the
	// least $o.edgeLimit ids. Both cuts are LIMITs, so what Neo4j returns,
	// and orgnet decodes, is bounded by the query.
	//
	// The edges are gathered unordered (a COLLECT with a LIMIT) and sorted
	// by id only when there are more than $o.edgeLimit of them: Neo4j 5.26
	// charges every row a sort holds with the lists in its scope (ns), so a
	// top-n sort of the edges among n nodes is charged n² — for the 1,654
	// nodes of a province's three levels, more than the 768 MiB a
	// transaction may take at the default heap, where the unordered
	// COLLECT takes 2 MB (bench/README "Province"). Subtree's edges (a
	// node's parents) never pass the limit in a tree.
	tplNeighbourhood = `MATCH (s:Node {id: $id}) WHERE VIS(s)
CALL (s) {
  MATCH p = ANY SHORTEST (s)((x)-[r]-(y) WHERE ` + typeOK + ` AND VIS(r) AND VIS(y)){0,DEPTH}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT $o.limit + 1
  RETURN collect({n: m, d: d}) AS found
}
WITH found[0..$o.limit] AS kept, size(found) > $o.limit AS truncated
WITH kept, truncated, [x IN kept | x.n] AS ns
WITH kept, truncated, ns, COLLECT {
  UNWIND ns AS a
  MATCH (a)-[r]->(b)
  WHERE ` + typeOK + ` AND VIS(r) AND b IN ns
  RETURN [REL(r), a.id, b.id] LIMIT $o.edgeLimit + 1
} AS es
CALL (ns, es) {
  WITH ns WHERE size(es) > $o.edgeLimit
  UNWIND ns AS a
  MATCH (a)-[r]->(b)
  WHERE ` + typeOK + ` AND VIS(r) AND b IN ns
  WITH r, a, b ORDER BY r.id LIMIT $o.edgeLimit
  RETURN collect([REL(r), a.id, b.id]) AS least
}
RETURN [x IN kept | [NODE(x.n), x.d]] AS kept, CASE WHEN size(es) > $o.edgeLimit THEN least ELSE es END AS es,
  truncated OR size(es) > $o.edgeLimit AS truncated`

	tplNeighbourhood0 = `MATCH (s:Node {id: $id}) WHERE VIS(s)
RETURN [[NODE(s), 0]] AS kept, [] AS es, false AS truncated`

	// tplNeighbourhoodNodes is tplNeighbourhood without the edges among the
	// nodes (graph.View.NodesOnly).
	tplNeighbourhoodNodes = `MATCH (s:Node {id: $id}) WHERE VIS(s)
CALL (s) {
  MATCH p = ANY SHORTEST (s)((x)-[r]-(y) WHERE ` + typeOK + ` AND VIS(r) AND VIS(y)){0,DEPTH}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT $o.limit + 1
  RETURN collect([NODE(m), d]) AS found
}
RETURN found[0..$o.limit] AS kept, [] AS es, size(found) > $o.limit AS truncated`

	// Subtree: the root and the nodes below it (children point at parents)
	// within DEPTH levels, nearest first then by id, cut at $o.limit; the
	// SUB_ORGANISATION_OF edges among them, the least $o.edgeLimit ids; and
	// whether either was cut or nodes lie deeper.
	tplSubtree = `MATCH (root:Node {id: $id}) WHERE VIS(root)
CALL (root) {
  MATCH p = ANY SHORTEST (root)((x)<-[r:SUB_ORGANISATION_OF]-(y) WHERE VIS(r) AND VIS(y)){0,DEPTH}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT $o.limit + 1
  RETURN collect({n: m, d: d}) AS found
}
WITH found[0..$o.limit] AS found, size(found) > $o.limit AS cut
WITH found, cut, [x IN found | x.n] AS ns, [x IN found WHERE x.d = DEPTH | x.n] AS rim
WITH found, cut, ns, rim, COLLECT {
  UNWIND ns AS c
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(pa)
  WHERE VIS(r) AND pa IN ns
  RETURN [REL(r), c.id, pa.id] LIMIT $o.edgeLimit + 1
} AS es
CALL (ns, es) {
  WITH ns WHERE size(es) > $o.edgeLimit
  UNWIND ns AS c
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(pa)
  WHERE VIS(r) AND pa IN ns
  WITH r, c, pa ORDER BY r.id LIMIT $o.edgeLimit
  RETURN collect([REL(r), c.id, pa.id]) AS least
}
RETURN [x IN found | [NODE(x.n), x.d]] AS found, CASE WHEN size(es) > $o.edgeLimit THEN least ELSE es END AS es,
  cut OR size(es) > $o.edgeLimit OR
  any(x IN rim WHERE EXISTS { MATCH (x)<-[r:SUB_ORGANISATION_OF]-(c) WHERE VIS(r) AND VIS(c) AND NOT c IN ns }) AS deeper`

	tplSubtree0 = `MATCH (root:Node {id: $id}) WHERE VIS(root)
RETURN [[NODE(root), 0]] AS found, [] AS es,
  EXISTS { MATCH (root)<-[r:SUB_ORGANISATION_OF]-(c) WHERE c <> root AND VIS(r) AND VIS(c) } AS deeper`

	// tplSubtreeNodes is tplSubtree without the edges among the nodes and
	// without looking deeper (graph.View.NodesOnly).
	tplSubtreeNodes = `MATCH (root:Node {id: $id}) WHERE VIS(root)
CALL (root) {
  MATCH p = ANY SHORTEST (root)((x)<-[r:SUB_ORGANISATION_OF]-(y) WHERE VIS(r) AND VIS(y)){0,DEPTH}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT $o.limit + 1
  RETURN collect([NODE(m), d]) AS found
}
RETURN found[0..$o.limit] AS found, [] AS es, size(found) > $o.limit AS deeper`

	// ShortestPath: every shortest path within DEPTH hops over $types in
	// either direction, the one whose node ids (then edge ids) are least in
	// order; and whether each end exists.
	tplShortestPath = `OPTIONAL MATCH (a:Node {id: $from}) WHERE VIS(a)
OPTIONAL MATCH (b:Node {id: $to}) WHERE VIS(b)
CALL (a, b) {
  MATCH p = ALL SHORTEST (a)((x)-[r]-(y) WHERE ` + typeOK + ` AND VIS(r) AND VIS(y)){0,DEPTH}(b)
  WITH p ORDER BY [x IN nodes(p) | x.id], [x IN relationships(p) | x.id] LIMIT 1
  RETURN collect(p) AS ps
}
RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo,
  [p IN ps | [[x IN nodes(p) | NODE(x)], [x IN relationships(p) | [REL(x), startNode(x).id, endNode(x).id]]]] AS ps`
)

// The read statements, as sent: each in full and lean form (see project).
var (
	cypherNode      = readStmt(tplNode)
	cypherNodes     = readStmt(tplNodes)
	cypherSearch    = readStmt(tplSearch)
	cypherAncestors = readStmt(tplAncestors)

	cypherEdges        = expandVIS(tplEdges)
	cypherEdge         = expandVIS(tplEdge)
	cypherSnapshot     = expandVIS(tplSnapshot)
	cypherSnapshotLean = strings.Replace(expandVIS(tplSnapshotLean), "TYPEINDEX", typeIndex("r"), 1)
	cypherCountsAsOf   = expandVIS(tplCountsAsOf)

	cypherNeighbourhood = depthTable(tplNeighbourhood, tplNeighbourhood0, graph.MaxDepth)
	cypherSubtree       = depthTable(tplSubtree, tplSubtree0, graph.MaxSubtreeDepth)
	// The same without the edges among the nodes (graph.View.NodesOnly).
	cypherNeighbourhoodNodes = depthTable(tplNeighbourhoodNodes, tplNeighbourhood0, graph.MaxDepth)
	cypherSubtreeNodes       = depthTable(tplSubtreeNodes, tplSubtree0, graph.MaxSubtreeDepth)
	cypherShortestPath       = depthTable(tplShortestPath, "", graph.MaxPathDepth)
)

// A stmt is one read statement in its two forms: [0] returns whole nodes
// and relationships, [1] (lean) only their core properties (graph.View.Lean).
type stmt [2]string

// For returns the form v asks for.
func (s stmt) For(v graph.View) string {
	if v.Lean {
		return s[1]
	}
	return s[0]
}

// readStmt expands a read template's VIS, NODE and REL in both forms.
func readStmt(template string) stmt {
	t := expandVIS(template)
	return stmt{project(t, false), project(t, true)}
}

// Projections. In a read template NODE(x) and REL(x) stand where a node or a
// relationship is returned. In full form they are x itself (Bolt ships every
// property, decoded by decodeNode and decodeRel); in lean form a list of the
// properties that hold the core fields of graph.LeanNodeFields and
// graph.LeanEdgeFields, in the order of leanNodeKeys and leanRelKeys (a
// relationship's type last), which leaves out what makes nodes heavy on the
// wire: the provenance quote, the search key, the attribute provenance and
// the other attributes. A list, not a map: the driver decodes a map of n
// entries into a Go map with n key strings, a list into one slice; for the
// 238 lean nodes of a subtree the maps were a third of what orgnet
// allocated per request. On a null variable (an OPTIONAL MATCH that found
// nothing) the list holds nulls only: the statements that can meet one
// return another column that tells (Related's f).
var (
	projectRE = regexp.MustCompile(`\b(NODE|REL)\(([\w.]+)\)`)

	leanNodeKeys = leanKeys(graph.LeanNodeFields())
	leanRelKeys  = leanKeys(graph.LeanEdgeFields())

	// Where a lean node's id and kind, and a lean relationship's id, are
	// in their lists.
	leanNodeID   = leanIndex(leanNodeKeys, propID)
	leanNodeKind = leanIndex(leanNodeKeys, propKind)
	leanRelID    = leanIndex(leanRelKeys, propID)
)

func leanIndex(keys []string, k string) int {
	i := slices.Index(keys, k)
	if i < 0 {
		panic("neo4j: a lean projection without " + k)
	}
	return i
}

// leanKeys returns the properties that hold the given core fields. A node's
// label and an edge's type and ends are not properties: a lean node's kind
// tells its label (graph.LabelOfKind), a lean relationship carries its type
// after its properties, and every statement returns a relationship's ends
// beside it. Attributes are ordinary properties. A core field this store
// cannot project is a programming error, caught as the package loads (and
// so by every test).
func leanKeys(fields []string) []string {
	props := map[string]string{graph.FieldID: propID, graph.FieldKind: propKind, graph.FieldName: propName,
		graph.FieldNameEn: propNameEn, graph.FieldTier: propTier, graph.FieldSince: propSince,
		graph.FieldUntil: propUntil, graph.FieldSource: propSource,
		graph.AttrAllianceType: graph.AttrAllianceType, graph.AttrRole: graph.AttrRole, graph.AttrTitle: graph.AttrTitle}
	structural := map[string]bool{graph.FieldLabel: true, graph.FieldType: true, graph.FieldFrom: true, graph.FieldTo: true}
	var out []string
	for _, f := range fields {
		switch {
		case structural[f]:
		case props[f] != "":
			out = append(out, props[f])
		default:
			panic("neo4j: no property holds the lean field " + f)
		}
	}
	return out
}

// A lean node carries no label: its kind tells it (graph.LabelOfKind), and
// reading labels(n) per node cost Neo4j more than all the properties
// together (subtree of 238 nodes: 3.5 ms with [l IN labels(m) WHERE …][0],
// 2.0 ms without; the whole nodes 2.5 ms).
func project(template string, lean bool) string {
	return projectRE.ReplaceAllStringFunc(template, func(m string) string {
		sub := projectRE.FindStringSubmatch(m)
		kind, x := sub[1], sub[2]
		if !lean {
			return x
		}
		keys := leanNodeKeys
		if kind == "REL" {
			keys = leanRelKeys
		}
		parts := make([]string, 0, len(keys)+1)
		for _, k := range keys {
			parts = append(parts, x+"."+k)
		}
		if kind == "REL" {
			parts = append(parts, "type("+x+")")
		}
		return "[" + strings.Join(parts, ", ") + "]"
	})
}

// depthTable builds the statements of template for depths 1..max, with
// zero at index 0 (quantifiers cannot be {0,0}).
func depthTable(template, zero string, max int) []stmt {
	t := make([]stmt, max+1)
	t[0] = readStmt(zero)
	for d := 1; d <= max; d++ {
		t[d] = readStmt(strings.ReplaceAll(template, "DEPTH", strconv.Itoa(d)))
	}
	return t
}

// findFilters are the predicates of graph.NodeFilter, one constant fragment
// per field, used only when that field is set: a plain `n.kind IN $o.kinds`
// lets the planner seek the kind index, where the always-present
// `size($o.kinds) = 0 OR …` form forced a scan of every node.
// labelFilter is the index in findFilters of the label predicate.
const labelFilter = 0

var findFilters = []struct {
	set  func(f graph.NodeFilter) bool
	cond string
}{
	{func(f graph.NodeFilter) bool { return len(f.Labels) > 0 }, `any(l IN labels(n) WHERE l IN $o.labels)`},
	// One kind is an equality, which with ORDER BY n.kind, n.id lets the
	// node_kind_id index hand the page over in order.
	{func(f graph.NodeFilter) bool { return len(f.Kinds) == 1 }, `n.kind = $o.kind`},
	{func(f graph.NodeFilter) bool { return len(f.Kinds) > 1 }, `n.kind IN $o.kinds`},
	{func(f graph.NodeFilter) bool { return len(f.Tiers) > 0 }, `coalesce(n.tier, 0) IN $o.tiers`},
	{func(f graph.NodeFilter) bool { return graph.FoldText(f.NameContains) != "" },
		`n.searchKey CONTAINS $o.name AND any(k IN split(n.searchKey, $o.sep)[0..2] WHERE k CONTAINS $o.name)`},
	{func(f graph.NodeFilter) bool { return f.AllianceID != "" },
		`EXISTS { MATCH (n)-[m:MEMBER_OF]->(al:Node {id: $o.alliance}) WHERE VIS(m) AND VIS(al) }`},
	{func(f graph.NodeFilter) bool { return len(f.Sources) > 0 }, `n.source IN $o.sources`},
	{func(f graph.NodeFilter) bool { return f.AllianceType != "" }, `n.allianceType = $o.allianceType`},
	// An attribute's own provenance is kept in the JSON object
	// attrProvenance (key → graph.Provenance, whose "source" member
	// encoding/json writes as "source":"LEVEL"; a quote's own quotation
	// marks are escaped, so they cannot look like one).
	{func(f graph.NodeFilter) bool { return len(f.AttrSources) > 0 },
		`n.attrProvenance IS NOT NULL AND any(s IN $o.attrSources WHERE n.attrProvenance CONTAINS '"source":"' + s + '"')`},
}

// Constant fragments only, never a value from f. It answers in one
// statement of three parts: the total (a count), the page (ids above the
// cursor in id order, stopping after $o.take) and whether any match lies at
// or before the cursor.
//
// findNodesExpandCypher returns the FindNodes statement for the fields f sets,
// also following x from every node of the page (as Expand does), returned as
// x, one entry per page node in page order. A single label is written into the pattern (from
// graph.Labels, never from input) so that its id index can serve the order.
func findNodesExpandCypher(f graph.NodeFilter, total, prev, lean bool, x *graph.Expansion) string {
	match := "(n:Node)"
	if len(f.Labels) == 1 {
		if i := slices.Index(graph.Labels, f.Labels[0]); i >= 0 {
			match = "(n:Node:" + string(graph.Labels[i]) + ")"
		}
	}
	conds := []string{"VIS(n)"}
	key := make([]byte, 0, len(findFilters)+2)
	for i, ff := range findFilters {
		// The label filter is the pattern's when one label is written
		// into it; kept, it evaluated labels(n) on every node the id index
		// handed over (1,704 for the first page of 50 villages of the city
		// set) to learn what the pattern already said.
		if ff.set(f) && !(i == labelFilter && match != "(n:Node)") {
			conds = append(conds, "("+ff.cond+")")
			key = append(key, '1')
		} else {
			key = append(key, '0')
		}
	}
	key = append(key, boolByte(total), boolByte(prev), boolByte(lean))
	key = append(key, match...)
	key = append(key, shapeKey(x)...)
	if s, ok := findStatements.Load(string(key)); ok {
		return s.(string)
	}
	where := strings.Join(conds, " AND ")
	// With one kind, ordering by kind first changes nothing but lets the
	// planner take the order from the node_kind_id index (an index seek
	// of the page alone, where ORDER BY n.id sorts every node of the kind).
	order := "n.id"
	if len(f.Kinds) == 1 {
		order = "n.kind, n.id"
	}
	ret := "RETURN total, [n0 IN page | NODE(n0)] AS page, hasPrev"
	if !x.Empty() {
		var b strings.Builder
		b.WriteString(", [n0 IN page | ")
		k, lim := 0, 0
		writeSteps(&b, "n0", x, &k, &lim)
		b.WriteString("] AS x")
		ret += b.String()
	}
	countTotal, findPrev := `RETURN 0 AS total`, `RETURN false AS hasPrev`
	if total {
		countTotal = `MATCH ` + match + ` WHERE ` + where + `
  RETURN count(n) AS total`
	}
	if prev {
		findPrev = `OPTIONAL MATCH ` + match + ` WHERE n.id <= $o.after AND ` + where + `
  WITH n LIMIT 1
  RETURN count(n) > 0 AS hasPrev`
	}
	s := project(expandVIS(`CALL () {
  `+countTotal+`
}
CALL () {
  MATCH `+match+` WHERE n.id > $o.after AND `+where+`
  WITH n ORDER BY `+order+` LIMIT $o.take
  RETURN collect(n) AS page
}
CALL () {
  `+findPrev+`
}
`+ret), lean)
	findStatements.Store(string(key), s)
	return s
}

// findStatements caches findNodesCypher's statements by the filter fields
// set and the parts asked.
var findStatements sync.Map

func boolByte(b bool) byte {
	if b {
		return '1'
	}
	return '0'
}

// Lookups of an edge by id: one per-type statement joined by UNION ALL
// (eachRelType), each pinned by USING INDEX SEEK to its type's uniqueness
// index. A type disjunction (r:A|B|…) is planned from the statistics of the
// moment: union of seeks, plus an Eager and a Distinct, on a database seen
// here; for Apply's UNWIND lookups, cached on an empty database, a scan
// (see below). TestApplyPlans checks these plans too.
var (
	// tplEdge reads an edge by id (expandVIS makes cypherEdge).
	tplEdge = `CALL () {
` + eachRelType(`  MATCH (a)-[r:TYPE {id: $id}]->(b) USING INDEX SEEK r:TYPE(id) RETURN r, a, b`) + `
}
WITH r, a, b WHERE VIS(r) AND VIS(a) AND VIS(b)
RETURN r, a.id AS f, b.id AS t`
	// cypherEdgeCheck reads what CreateEdge must check: the labels of both
	// ends and whether the id is taken by an edge of any type.
	cypherEdgeCheck = `OPTIONAL MATCH (a:Node {id: $from})
OPTIONAL MATCH (b:Node {id: $to})
RETURN [l IN labels(a) WHERE l <> 'Node'][0] AS fl, [l IN labels(b) WHERE l <> 'Node'][0] AS tl,
  EXISTS {
` + eachRelType(`    MATCH ()-[r:TYPE {id: $id}]->() USING INDEX SEEK r:TYPE(id) RETURN r`) + `
  } AS taken`
	// cypherDeleteEdge deletes an edge by id, whatever its type, and
	// answers its ends (for the change feed).
	cypherDeleteEdge = `CALL () {
` + eachRelType(`  MATCH ()-[r:TYPE {id: $id}]->() USING INDEX SEEK r:TYPE(id) RETURN r`) + `
}
WITH r, startNode(r).id AS f, endNode(r).id AS t
DELETE r
RETURN f, t`
)

// eachRelType writes template once per relationship type (TYPE replaced
// by the type), joined by UNION ALL.
func eachRelType(template string) string {
	parts := make([]string, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		parts[i] = strings.ReplaceAll(template, "TYPE", string(t))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

// typeIndex is a Cypher expression of relationship r's type's place in
// graph.RelTypes (-1 for another type).
func typeIndex(r string) string {
	var b strings.Builder
	b.WriteString("CASE type(" + r + ")")
	for i, t := range graph.RelTypes {
		b.WriteString(" WHEN '" + string(t) + "' THEN " + strconv.Itoa(i))
	}
	b.WriteString(" ELSE -1 END")
	return b.String()
}

// findEdgesStatements are FindEdges' statements by the filter fields set
// and the parts asked (total, prev): like FindNodes, constant fragments
// only, in one statement of three parts (the total, the page above the
// cursor in id order, whether any match lies at or before it).
var findEdgesStatements sync.Map

func findEdgesCypher(f graph.EdgeFilter, total, prev bool) string {
	key := string([]byte{boolByte(len(f.Types) > 0), boolByte(len(f.Sources) > 0), boolByte(total), boolByte(prev)})
	if s, ok := findEdgesStatements.Load(key); ok {
		return s.(string)
	}
	conds := []string{"VIS(r)", "VIS(a)", "VIS(b)"}
	if len(f.Types) > 0 {
		conds = append(conds, "type(r) IN $o.types")
	}
	if len(f.Sources) > 0 {
		conds = append(conds, "r.source IN $o.sources")
	}
	where := strings.Join(conds, " AND ")
	countTotal, findPrev := `RETURN 0 AS total`, `RETURN false AS hasPrev`
	if total {
		countTotal = `MATCH (a:Node)-[r]->(b:Node) WHERE ` + where + `
  RETURN count(r) AS total`
	}
	if prev {
		findPrev = `OPTIONAL MATCH (a:Node)-[r]->(b:Node) WHERE r.id <= $o.after AND ` + where + `
  WITH r LIMIT 1
  RETURN count(r) > 0 AS hasPrev`
	}
	s := expandVIS(`CALL () {
  ` + countTotal + `
}
CALL () {
  MATCH (a:Node)-[r]->(b:Node) WHERE r.id > $o.after AND ` + where + `
  WITH r, a, b ORDER BY r.id LIMIT $o.take
  RETURN collect([r, a.id, b.id]) AS page
}
CALL () {
  ` + findPrev + `
}
RETURN total, page, hasPrev`)
	findEdgesStatements.Store(key, s)
	return s
}
