// The peer of the orgnet side-by-side benchmark: @neo4j/graphql 7 with
// @apollo/server (standalone, HTTP) over the same Neo4j as orgnet.
//
//   NODE_ENV=production NEO4J_URI=bolt://127.0.0.1:7731 NEO4J_USER=neo4j NEO4J_PASSWORD=… PORT=7741 node server.mjs
//
// The harness runs it with NODE_ENV=production, as its users deploy it
// (Apollo Server then turns introspection and the landing page off and
// leaves stack traces out of errors).
//
// Type definitions cover the fields the benchmark uses, equivalent to
// orgnet's schema: Organisation (parents/children over SUB_ORGANISATION_OF,
// alliances over MEMBER_OF, mentors over MENTORS), Alliance (members), and,
// because @neo4j/graphql has no neighbourhood / subtree / shortestPath root
// fields, three @cypher root fields running the same Cypher orgnet's store
// runs (graph/neo4j/cypher.go), including its as-of predicate (orgnet reads
// as of today unless told otherwise; the harness passes today's date).
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

// @node(labels: [X, "Node"]) makes the generated Cypher match (this:X:Node),
// so a lookup by id can use the node_id uniqueness index orgnet creates.
export const typeDefs = /* GraphQL */ `
  type Organisation @node(labels: ["Organisation", "Node"]) {
    id: ID!
    name: String!
    nameEn: String
    kind: String!
    tier: Int
    parents: [Organisation!]! @relationship(type: "SUB_ORGANISATION_OF", direction: OUT)
    children: [Organisation!]! @relationship(type: "SUB_ORGANISATION_OF", direction: IN)
    alliances: [Alliance!]! @relationship(type: "MEMBER_OF", direction: OUT)
    mentors: [Organisation!]! @relationship(type: "MENTORS", direction: IN)
    mentees: [Organisation!]! @relationship(type: "MENTORS", direction: OUT)
  }

  type Alliance @node(labels: ["Alliance", "Node"]) {
    id: ID!
    name: String!
    nameEn: String
    kind: String!
    members: [Organisation!]! @relationship(type: "MEMBER_OF", direction: IN)
  }

  # What the custom traversals return: plain object types (no @node), read
  # from the map each statement returns, the whole answer orgnet gives.
  type GNode {
    id: ID!
    name: String!
    kind: String
    tier: Int
  }

  type GEdge {
    id: ID!
    source: ID!
    target: ID!
    type: String!
  }

  type GSubgraph {
    nodes: [GNode!]!
    edges: [GEdge!]!
    truncated: Boolean!
  }

  type GPath {
    length: Int!
    nodes: [GNode!]!
    edges: [GEdge!]!
  }

  type Query {
    "Nodes within 2 hops over every relationship type, nearest first then by id, at most 500, and the relationships among them, at most 1000 (orgnet's neighbourhood)."
    neighbourhood2(id: ID!, asOf: String!): GSubgraph
      @cypher(
        statement: """
        MATCH (s:Node {id: $id}) WHERE ((s.since IS NULL OR s.since <= $asOf) AND (s.until IS NULL OR $asOf < s.until))
        CALL (s) {
          MATCH p = ANY SHORTEST (s)((x)-[r]-(y) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND ((y.since IS NULL OR y.since <= $asOf) AND (y.until IS NULL OR $asOf < y.until))){0,2}(m)
          WITH m, length(p) AS d ORDER BY d, m.id LIMIT 501
          RETURN collect(m) AS found
        }
        WITH found[0..500] AS ns, size(found) > 500 AS truncated
        WITH ns, truncated, COLLECT {
          UNWIND ns AS a
          MATCH (a)-[r]->(b) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND b IN ns
          RETURN r {.id, source: a.id, target: b.id, type: type(r)} LIMIT 1001
        } AS es
        CALL (ns, es) {
          WITH ns WHERE size(es) > 1000
          UNWIND ns AS a
          MATCH (a)-[r]->(b) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND b IN ns
          WITH r, a, b ORDER BY r.id LIMIT 1000
          RETURN collect(r {.id, source: a.id, target: b.id, type: type(r)}) AS least
        }
        RETURN {nodes: [m IN ns | m {.id, .name, .kind, .tier}], edges: CASE WHEN size(es) > 1000 THEN least ELSE es END,
          truncated: truncated OR size(es) > 1000} AS sg
        """
        columnName: "sg"
      )
    "The root and the nodes up to 3 levels below it by SUB_ORGANISATION_OF, nearest first then by id, at most 2000, with the SUB_ORGANISATION_OF relationships among them, at most 4000 (orgnet's subtree)."
    subtree3(rootId: ID!, asOf: String!): GSubgraph
      @cypher(
        statement: """
        MATCH (root:Node {id: $rootId}) WHERE ((root.since IS NULL OR root.since <= $asOf) AND (root.until IS NULL OR $asOf < root.until))
        CALL (root) {
          MATCH p = ANY SHORTEST (root)((x)<-[r:SUB_ORGANISATION_OF]-(y) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND ((y.since IS NULL OR y.since <= $asOf) AND (y.until IS NULL OR $asOf < y.until))){0,3}(m)
          WITH m, length(p) AS d ORDER BY d, m.id LIMIT 2001
          RETURN collect({m: m, d: d}) AS found
        }
        WITH found[0..2000] AS found, size(found) > 2000 AS cut
        WITH cut, [x IN found | x.m] AS ns, [x IN found WHERE x.d = 3 | x.m] AS rim
        WITH cut, ns, rim, COLLECT {
          UNWIND ns AS c
          MATCH (c)-[r:SUB_ORGANISATION_OF]->(pa) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND pa IN ns
          RETURN r {.id, source: c.id, target: pa.id, type: type(r)} LIMIT 4001
        } AS es
        CALL (ns, es) {
          WITH ns WHERE size(es) > 4000
          UNWIND ns AS c
          MATCH (c)-[r:SUB_ORGANISATION_OF]->(pa) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND pa IN ns
          WITH r, c, pa ORDER BY r.id LIMIT 4000
          RETURN collect(r {.id, source: c.id, target: pa.id, type: type(r)}) AS least
        }
        RETURN {nodes: [m IN ns | m {.id, .name, .kind, .tier}], edges: CASE WHEN size(es) > 4000 THEN least ELSE es END,
          truncated: cut OR size(es) > 4000 OR
            any(x IN rim WHERE EXISTS { MATCH (x)<-[r:SUB_ORGANISATION_OF]-(c) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND ((c.since IS NULL OR c.since <= $asOf) AND (c.until IS NULL OR $asOf < c.until)) AND NOT c IN ns })} AS sg
        """
        columnName: "sg"
      )
    "A shortest path within 8 hops, the least by node ids then edge ids (orgnet's shortestPath)."
    shortestPath(from: ID!, to: ID!, asOf: String!): GPath
      @cypher(
        statement: """
        MATCH (a:Node {id: $from}), (b:Node {id: $to}) WHERE ((a.since IS NULL OR a.since <= $asOf) AND (a.until IS NULL OR $asOf < a.until)) AND ((b.since IS NULL OR b.since <= $asOf) AND (b.until IS NULL OR $asOf < b.until))
        CALL (a, b) {
          MATCH p = ALL SHORTEST (a)((x)-[r]-(y) WHERE ((r.since IS NULL OR r.since <= $asOf) AND (r.until IS NULL OR $asOf < r.until)) AND ((y.since IS NULL OR y.since <= $asOf) AND (y.until IS NULL OR $asOf < y.until))){0,8}(b)
          WITH p ORDER BY [x IN nodes(p) | x.id], [x IN relationships(p) | x.id] LIMIT 1
          RETURN p
        }
        RETURN {length: length(p), nodes: [m IN nodes(p) | m {.id, .name}],
          edges: [r IN relationships(p) | r {.id, source: startNode(r).id, target: endNode(r).id, type: type(r)}]} AS path
        """
        columnName: "path"
      )
  }
`;

const driver = neo4j.driver(
  process.env.NEO4J_URI ?? "bolt://127.0.0.1:7731",
  neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? "orgnet-dev-password"),
  { maxConnectionPoolSize: 100 },
);

// Round trips: every Cypher statement the library sends through the driver
// (session.run, or tx.run inside executeRead/executeWrite/beginTransaction)
// bumps one counter; the plugin below reports the statements sent while a
// request ran as extensions.roundTrips. Exact when requests do not overlap
// (the harness asks for it only in its sequential check).
let statements = 0;
const countingTx = (tx) =>
  new Proxy(tx, {
    get(t, k) {
      const v = Reflect.get(t, k);
      if (k === "run") return (...a) => (statements++, v.apply(t, a));
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
const newSession = driver.session.bind(driver);
driver.session = (...args) => {
  const s = newSession(...args);
  return new Proxy(s, {
    get(t, k) {
      const v = Reflect.get(t, k);
      if (k === "run") return (...a) => (statements++, v.apply(t, a));
      if (k === "executeRead" || k === "executeWrite")
        return (work, ...rest) => v.call(t, (tx) => work(countingTx(tx)), ...rest);
      if (k === "beginTransaction") return (...a) => countingTx(v.apply(t, a));
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
};
const roundTrips = {
  async requestDidStart() {
    const start = statements;
    return {
      async willSendResponse({ response }) {
        if (response.body.kind === "single") {
          const r = response.body.singleResult;
          r.extensions = { ...(r.extensions ?? {}), roundTrips: statements - start };
        }
      },
    };
  },
};

const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const server = new ApolloServer({ schema: await neoSchema.getSchema(), plugins: [roundTrips] });
const port = Number(process.env.PORT ?? 7741);
const { url } = await startStandaloneServer(server, {
  listen: { port, host: "127.0.0.1" },
  context: async () => ({ sessionConfig: { database: process.env.NEO4J_DATABASE ?? "neo4j" } }),
});
console.log(`peer: ready at ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
