package neo4j

// The schema the store relies on, created idempotently by New. Every node has
// the common label :Node plus its graph label (:Node:Organisation), so that a
// node id is unique across labels and every lookup by id is one index seek.
// Names are fixed so that SHOW CONSTRAINTS / SHOW INDEXES are readable and a
// second New is a no-op.
//
// Relationship property uniqueness constraints exist in Community 5.26 but
// are per relationship type, so an edge id is unique within its type by
// constraint and across types by the store's own check inside the writing
// transaction (see edgeIDTaken).

// schemaStatements are run in order by New; each is idempotent (IF NOT EXISTS).
var schemaStatements = []string{
	// Node ids: unique over all nodes, and (as asked) per graph label.
	`CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT organisation_id IF NOT EXISTS FOR (n:Organisation) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT alliance_id IF NOT EXISTS FOR (n:Alliance) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT zone_id IF NOT EXISTS FOR (n:Zone) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT brand_id IF NOT EXISTS FOR (n:Brand) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT platform_id IF NOT EXISTS FOR (n:Platform) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT scenario_id IF NOT EXISTS FOR (n:Scenario) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE`,

	// Edge ids: unique per relationship type (the constraint is also the
	// index every lookup of an edge by id seeks).
	`CREATE CONSTRAINT sub_organisation_of_id IF NOT EXISTS FOR ()-[r:SUB_ORGANISATION_OF]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT member_of_id IF NOT EXISTS FOR ()-[r:MEMBER_OF]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT mentors_id IF NOT EXISTS FOR ()-[r:MENTORS]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT adjacent_to_id IF NOT EXISTS FOR ()-[r:ADJACENT_TO]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT built_on_id IF NOT EXISTS FOR ()-[r:BUILT_ON]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT holds_post_id IF NOT EXISTS FOR ()-[r:HOLDS_POST]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT responsible_for_id IF NOT EXISTS FOR ()-[r:RESPONSIBLE_FOR]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT hosted_at_id IF NOT EXISTS FOR ()-[r:HOSTED_AT]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT runs_id IF NOT EXISTS FOR ()-[r:RUNS]-() REQUIRE r.id IS UNIQUE`,
	`CREATE CONSTRAINT part_of_id IF NOT EXISTS FOR ()-[r:PART_OF]-() REQUIRE r.id IS UNIQUE`,

	// The change feed (feed.go): one counter, and the changes by sequence
	// number (the constraint's index answers Changes' range in order).
	`CREATE CONSTRAINT change_feed_key IF NOT EXISTS FOR (f:ChangeFeed) REQUIRE f.key IS UNIQUE`,
	`CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE`,

	// Filters of FindNodes. node_kind_id serves a page of one kind in id
	// order (findNodesExpandCypher): the first 50 villages of the city set
	// are 51 index entries instead of 1,704 organisations read in id order
	// to find them, or every village read and sorted (2,035; 22,000 on the
	// province).
	`CREATE RANGE INDEX node_kind IF NOT EXISTS FOR (n:Node) ON (n.kind)`,
	`CREATE RANGE INDEX node_kind_id IF NOT EXISTS FOR (n:Node) ON (n.kind, n.id)`,
	`CREATE RANGE INDEX node_tier IF NOT EXISTS FOR (n:Node) ON (n.tier)`,
	`CREATE RANGE INDEX node_source IF NOT EXISTS FOR (n:Node) ON (n.source)`,

	// Search and FindNodes.NameContains: the search key (graph.KeyOf,
	// computed at write time: folded name and English name, pinyin,
	// initials, in one property) matched with CONTAINS, which a TEXT
	// (trigram) index answers.
	`CREATE TEXT INDEX node_search_key IF NOT EXISTS FOR (n:Node) ON (n.searchKey)`,

	// Full-text over the names, CJK-aware, for analysts in Cypher
	// (db.index.fulltext.queryNodes('node_names', …)); the store does not
	// query it. Eventually consistent: Lucene indexes the names after the
	// commit, in the background, instead of inside it; this index alone
	// would otherwise take about a third of the time of a bulk Apply.
	"CREATE FULLTEXT INDEX node_names IF NOT EXISTS FOR (n:Node) ON EACH [n.name, n.nameEn] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: true}}",
}

// cypherShowIndexes lists the indexes, with the constraint that owns each
// (a uniqueness constraint's index bears its name).
const cypherShowIndexes = `SHOW INDEXES YIELD name, owningConstraint RETURN name, owningConstraint`

// awaitIndexes waits for indexes still being populated after creation, so
// that the first queries use them.
const awaitIndexes = `CALL db.awaitIndexes(300)`

// bulkAwaitIndexes waits for the indexes a bulk load made again over the
// whole store (75 s for the 1.7M nodes of the synthetic province on two
// cores; hours would mean something is wrong).
const bulkAwaitIndexes = `CALL db.awaitIndexes(7200)`

// bulkDropped are the schema items a bulk load into an empty store drops
// for the load and makes again (schemaStatements) when it finishes, with the
// statement that drops each. Populating them once over the loaded store is
// far cheaper than maintaining them at every commit:
//
//   - the TEXT index of searchKey and the FULLTEXT index of the names are
//     Lucene indexes; while they are missing, Search and
//     FindNodes.NameContains give the same answers, scanning instead of
//     seeking;
//   - the range indexes of kind (and kind with id), tier and source serve
//     FindNodes' filters,
//     which give the same answers without them;
//   - the per-label id constraints duplicate node_id (every node is a
//     :Node), which stays, so ids stay unique across labels; no statement
//     of the store seeks by a per-label id.
//
// node_id and the per-type relationship id constraints stay: they refuse
// duplicate ids during the load and back every lookup by id.
var bulkDropped = []struct{ name, drop string }{
	{"node_search_key", `DROP INDEX node_search_key IF EXISTS`},
	{"node_names", `DROP INDEX node_names IF EXISTS`},
	{"node_kind", `DROP INDEX node_kind IF EXISTS`},
	{"node_kind_id", `DROP INDEX node_kind_id IF EXISTS`},
	{"node_tier", `DROP INDEX node_tier IF EXISTS`},
	{"node_source", `DROP INDEX node_source IF EXISTS`},
	{"organisation_id", `DROP CONSTRAINT organisation_id IF EXISTS`},
	{"alliance_id", `DROP CONSTRAINT alliance_id IF EXISTS`},
	{"person_id", `DROP CONSTRAINT person_id IF EXISTS`},
	{"project_id", `DROP CONSTRAINT project_id IF EXISTS`},
	{"zone_id", `DROP CONSTRAINT zone_id IF EXISTS`},
	{"brand_id", `DROP CONSTRAINT brand_id IF EXISTS`},
	{"platform_id", `DROP CONSTRAINT platform_id IF EXISTS`},
	{"scenario_id", `DROP CONSTRAINT scenario_id IF EXISTS`},
	{"source_id", `DROP CONSTRAINT source_id IF EXISTS`},
}

// schemaNames lists the constraint and index names schemaStatements create,
// for tests and for the report of what exists.
var schemaNames = []string{
	"node_id", "organisation_id", "alliance_id", "person_id", "project_id", "zone_id", "brand_id", "platform_id", "scenario_id", "source_id",
	"sub_organisation_of_id", "member_of_id", "mentors_id", "adjacent_to_id", "built_on_id", "holds_post_id",
	"responsible_for_id", "hosted_at_id", "runs_id", "part_of_id",
	"change_feed_key", "change_seq",
	"node_kind", "node_kind_id", "node_tier", "node_source", "node_search_key", "node_names",
}
