package neo4j

import (
	"strconv"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// The statements of the writes (cypher.go has the reads and the rules all
// statements follow).

// Writes.
const (
	cypherCreateNode = `CREATE (n:Node:$($label)) SET n = $props RETURN n`

	// cypherLockNode takes the node's write lock (a property written and
	// removed) and reads it, so that a read-modify-write is not lost.
	cypherLockNode = `MATCH (n:Node {id: $id})
SET n._lock = true REMOVE n._lock
RETURN n, EXISTS { MATCH (:Node)-[:SUB_ORGANISATION_OF]->(n) } AS hasChildren`

	cypherReplaceNode = `MATCH (n:Node {id: $id}) SET n = $props RETURN n`

	// cypherSourceTexts reads the texts of the source documents among $ids
	// (graph.LabelSource nodes), for the quote checks of a write.
	cypherSourceTexts = `UNWIND $ids AS id
MATCH (n:Node {id: id}) USING INDEX SEEK n:Node(id)
WHERE n:Source
RETURN n.id AS id, n.` + graph.AttrText + ` AS text`

	cypherDeleteNode = `MATCH (n:Node {id: $id}) DETACH DELETE n`

	// cypherExpectLock takes the write lock of the nodes a conditional batch
	// names (graph.Batch.Expect); cypherExpectKinds then reads their kinds.
	cypherExpectLock = `MATCH (n:Node) WHERE n.id IN $ids
SET n.orgnetLock = true
REMOVE n.orgnetLock`
	cypherExpectKinds = `MATCH (n:Node) WHERE n.id IN $ids RETURN n.id AS id, n.kind AS kind`

	// cypherDeleteSubtree removes a node and every node below it by
	// SUB_ORGANISATION_OF (breadth first, each once), with their edges.
	cypherDeleteSubtree = `MATCH (root:Node {id: $id})
CALL (root) {
  MATCH ANY SHORTEST (root)<-[:SUB_ORGANISATION_OF]-*(d)
  RETURN collect(d) AS ds
}
WITH ds, [d IN ds | d.id] AS ids
FOREACH (d IN ds | DETACH DELETE d)
RETURN ids`

	cypherCreateEdge = `MATCH (a:Node {id: $from})
MATCH (b:Node {id: $to})
CREATE (a)-[r:$($type)]->(b)
SET r = $props
RETURN r`
)

// Apply. Labels and relationship types are written into the text, from
// tables built once from graph.Labels and graph.RelTypes (never from a
// batch), instead of dynamic labels ($(row.label)), which plan with an Eager
// that materialises every row before the SET, and instead of a disjunction
// of types, whose plan, when cached on an empty database, scanned the
// relationship index for every id (minutes per batch once edges were
// stored). USING INDEX SEEK pins every lookup by id to a seek of its unique
// index whatever the statistics were when the plan was cached: a plain
// USING INDEX is also satisfied by a scan of the index under a Filter,
// which is what the planner picks for a type that has no edge yet (a plan
// then kept for the next batches: 115 million index entries read for one
// lookup of 20,000 edge ids).

// cypherApplyLookup answers, in one statement for the whole batch, the
// stored label of every node id in $ids and, for each relationship type,
// which ids of $eids are stored under it: edges[i] lists those of
// graph.RelTypes[i]. An edge id is unique across types, so each is looked
// up in every type's index: ten unique-index seeks, never a scan.
var cypherApplyLookup = applyLookup()

func applyLookup() string {
	var b strings.Builder
	b.WriteString(`CALL () {
  UNWIND $ids AS id
  MATCH (n:Node {id: id}) USING INDEX SEEK n:Node(id)
  RETURN collect([id, ` + graphLabelOf + `]) AS labels
}
`)
	cols := make([]string, len(graph.RelTypes))
	for i, t := range graph.RelTypes {
		cols[i] = "e" + strconv.Itoa(i)
		b.WriteString(strings.NewReplacer("TYPE", string(t), "COL", cols[i]).Replace(`CALL () {
  UNWIND $eids AS id
  MATCH ()-[r:TYPE {id: id}]->() USING INDEX SEEK r:TYPE(id)
  RETURN collect(id) AS COL
}
`))
	}
	b.WriteString("RETURN labels, [" + strings.Join(cols, ", ") + "] AS edges")
	return b.String()
}

// Per label and per type statements of Apply (and of BulkLoad).
var (
	// cypherApplyCreateNodes creates nodes of one label from their
	// property maps ($rows).
	cypherApplyCreateNodes = perLabel(`UNWIND $rows AS row
CREATE (n:Node:LABEL)
SET n = row`)

	// cypherApplyCreateEdges creates edges of one type; a row is {from, to,
	// props}. SET r = <map> plans with an Eager (the planner cannot tell
	// which properties it writes, so it guards the ends' seeks of later
	// rows), which holds every row before the first SET:
	// cypherApplyCreatePlainEdges creates the edges that have no
	// attributes, whose property keys are known, without it.
	cypherApplyCreateEdges = perType(`UNWIND $rows AS row
MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id)
MATCH (b:Node {id: row.to}) USING INDEX SEEK b:Node(id)
CREATE (a)-[r:TYPE]->(b)
SET r = row.props`)

	// cypherApplyCreatePlainEdges creates edges of one type that have no
	// attributes (edgeProps writes no other key; a missing key is null,
	// which CREATE does not store).
	cypherApplyCreatePlainEdges = perType(`UNWIND $rows AS row
MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id)
MATCH (b:Node {id: row.to}) USING INDEX SEEK b:Node(id)
CREATE (a)-[r:TYPE {` + propID + `: row.props.` + propID + `, ` + propSince + `: row.props.` + propSince +
		`, ` + propUntil + `: row.props.` + propUntil + `, ` + propSource + `: row.props.` + propSource +
		`, ` + propSourceID + `: row.props.` + propSourceID + `, ` + propQuote + `: row.props.` + propQuote +
		`, ` + propReasoning + `: row.props.` + propReasoning + `, ` + propRef + `: row.props.` + propRef + `}]->(b)`)

	// cypherApplyDeleteEdges deletes the edges of one type whose ids are
	// in $ids, and answers the ends of each (for the change feed).
	cypherApplyDeleteEdges = perType(`UNWIND $ids AS id
MATCH ()-[r:TYPE {id: id}]->() USING INDEX SEEK r:TYPE(id)
WITH id, r, startNode(r).id AS f, endNode(r).id AS t
DELETE r
RETURN id, f, t`)
)

const (
	// cypherApplyReplaceNodes overwrites the properties of stored nodes
	// ($rows: property maps) whatever their label.
	cypherApplyReplaceNodes = `UNWIND $rows AS row
MATCH (n:Node {id: row.id}) USING INDEX SEEK n:Node(id)
SET n = row`

	cypherApplyDeleteNodes = `UNWIND $ids AS id
MATCH (n:Node {id: id}) USING INDEX SEEK n:Node(id)
DETACH DELETE n`
)

// perLabel writes each graph label in place of LABEL in template.
func perLabel(template string) map[graph.Label]string {
	m := make(map[graph.Label]string, len(graph.Labels))
	for _, l := range graph.Labels {
		m[l] = strings.ReplaceAll(template, "LABEL", string(l))
	}
	return m
}

// perType writes each relationship type in place of TYPE in template.
func perType(template string) map[graph.RelType]string {
	m := make(map[graph.RelType]string, len(graph.RelTypes))
	for _, t := range graph.RelTypes {
		m[t] = strings.ReplaceAll(template, "TYPE", string(t))
	}
	return m
}
