// GraphQL access for the explorer: POST /graphql on the page's own origin for
// queries, graphql-ws over ws(s)://<host>/graphql for the live subscription.
// Nothing here talks to any other host.
import { createClient } from 'graphql-ws';

export const GRAPHQL_PATH = '/graphql';

const graphqlURL = () => new URL(GRAPHQL_PATH, window.location.href).href;

/** GraphQLError carries the errors array of a failed response. */
export class GraphQLError extends Error {
  constructor(errors, data) {
    const first = errors && errors[0];
    super(first ? first.message : 'GraphQL request failed');
    this.errors = errors || [];
    this.data = data;
    this.code = first && first.extensions ? first.extensions.code : undefined;
  }
}

/**
 * gql posts one operation and resolves to its data. Any GraphQL error rejects
 * (with the partial data attached), so callers never draw half an answer
 * without knowing it.
 */
export async function gql(query, variables = {}, { signal } = {}) {
  // Operations that declare $asOf read the network as of the chosen day
  // (null: the server's default, today).
  if (query.includes('$asOf') && !('asOf' in variables)) variables = { ...variables, asOf: asOfDate };
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  // Read your own writes behind a load balancer: send back the last
  // bookmark a write answered, so that whichever orgnet replica answers
  // has that write (README: "Running more than one orgnet").
  if (lastBookmark) headers[BOOKMARK_HEADER] = lastBookmark;
  const res = await fetch(graphqlURL(), {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new GraphQLError([{ message: `HTTP ${res.status} from ${GRAPHQL_PATH}` }]);
  }
  const bookmark = res.headers.get(BOOKMARK_HEADER) || (body.extensions && body.extensions.bookmark);
  if (bookmark) lastBookmark = bookmark;
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors, body.data);
  if (!res.ok) throw new GraphQLError([{ message: `HTTP ${res.status} from ${GRAPHQL_PATH}` }]);
  return body.data;
}

// --- Read your own writes ------------------------------------------------------

/** BOOKMARK_HEADER carries a write's bookmark, in answers and back in requests. */
export const BOOKMARK_HEADER = 'Orgnet-Bookmark';

let lastBookmark = null;

/** getBookmark returns the last bookmark a write answered (null: none yet). */
export function getBookmark() {
  return lastBookmark;
}

// --- The day the network is read as of (the date slider) ----------------------

let asOfDate = null;

/** setAsOf sets the day every later read is made as of ("" or null: today). */
export function setAsOf(date) {
  asOfDate = date || null;
}

/** getAsOf returns the day reads are made as of, or null for today. */
export function getAsOf() {
  return asOfDate;
}

// --- Fragments ----------------------------------------------------------------

// A drawn node: the Subgraph element shape (GraphNode).
export const GRAPH_NODE = `id label type kind name nameEn tier provenance { source }`;
// A drawn edge: GraphEdge.
export const GRAPH_EDGE = `id source target type label provenance { source }`;
// Model edges (Edge) have no display label.
const EDGE = `id type source target provenance { source }`;
const ORG = `id name nameEn kind tier provenance { source }`;

// --- The first view -----------------------------------------------------------

export const ROOT_DEPTH = 4;

/**
 * INITIAL_QUERY draws a small network (overview.js SMALL_NETWORK) without any
 * user action: the tiers below the top of its hierarchy ($root: on Yuelin the
 * street Party working committee; SUB_ORGANISATION_OF, 4 levels), every
 * alliance with its members (MEMBER_OF) and every strong→weak pairing
 * (MENTORS). The drawn nodes are exactly the union of the nodes these three
 * fields return (e2e/explore_test.go checks it). A larger network opens on
 * its overview instead (overview.js).
 */
export const INITIAL_QUERY = `query ExploreInitial($root: ID!, $depth: Int!, $asOf: Date) {
  subtree(rootId: $root, maxDepth: $depth, asOf: $asOf) {
    nodes { ${GRAPH_NODE} }
    edges { ${GRAPH_EDGE} }
  }
  alliances(asOf: $asOf) {
    id name nameEn kind type provenance { source }
    members { role edge { ${EDGE} } organisation { ${ORG} } }
  }
  pairings(asOf: $asOf) {
    id since provenance { source }
    mentor { ${ORG} }
    mentee { ${ORG} }
  }
}`;

/** initialElements turns the INITIAL_QUERY answer into plain {nodes, edges}. */
export function initialElements(data) {
  const nodes = new Map();
  const edges = new Map();
  const addNode = (n) => {
    if (!nodes.has(n.id)) nodes.set(n.id, n);
  };
  for (const n of data.subtree.nodes) addNode(n);
  for (const e of data.subtree.edges) edges.set(e.id, e);
  const org = (o) => ({
    id: o.id, label: o.name, type: 'ORGANISATION', kind: o.kind, name: o.name, nameEn: o.nameEn,
    tier: o.tier, provenance: o.provenance,
  });
  for (const a of data.alliances) {
    addNode({
      id: a.id, label: a.name, type: 'ALLIANCE', kind: a.kind, name: a.name, nameEn: a.nameEn,
      tier: null, provenance: a.provenance, allianceType: a.type,
    });
    for (const m of a.members) {
      addNode(org(m.organisation));
      const e = m.edge;
      if (!edges.has(e.id)) edges.set(e.id, { ...e, label: m.role || e.type });
    }
  }
  for (const p of data.pairings) {
    addNode(org(p.mentor));
    addNode(org(p.mentee));
    if (!edges.has(p.id)) {
      edges.set(p.id, {
        id: p.id, source: p.mentor.id, target: p.mentee.id, type: 'MENTORS', label: 'MENTORS',
        provenance: p.provenance,
      });
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

// --- Exploration ----------------------------------------------------------------

export const NEIGHBOURHOOD_QUERY = `query ExploreNeighbourhood($id: ID!, $depth: Int!, $limit: Int!, $asOf: Date) {
  neighbourhood(id: $id, depth: $depth, limit: $limit, asOf: $asOf) {
    nodes { ${GRAPH_NODE} }
    edges { ${GRAPH_EDGE} }
    truncated
  }
}`;

export function neighbourhood(id, depth = 1, limit = 300) {
  return gql(NEIGHBOURHOOD_QUERY, { id, depth, limit }).then((d) => d.neighbourhood);
}

export const SEARCH_QUERY = `query ExploreSearch($text: String!, $first: Int!, $asOf: Date) {
  search(text: $text, first: $first, asOf: $asOf) { id label kindName name nameEn provenance { source } }
}`;

export function search(text, first = 12) {
  return gql(SEARCH_QUERY, { text, first }).then((d) => d.search);
}

const PROV = `source sourceId quote reasoning ref sourceDocument { title }`;
export const NODE_QUERY = `query ExploreNode($id: ID!, $asOf: Date) {
  node(id: $id, asOf: $asOf) {
    __typename id label kindName name nameEn since until
    provenance { ${PROV} }
    attributes { key value provenance { ${PROV} } }
    ... on Organisation { orgKind: kind tier population strength partyMembers }
    ... on Alliance { allianceKind: kind allianceType: type }
  }
}`;

export function nodeDetails(id) {
  return gql(NODE_QUERY, { id }).then((d) => d.node);
}

export const PATH_QUERY = `query ExplorePath($from: ID!, $to: ID!, $asOf: Date) {
  shortestPath(from: $from, to: $to, asOf: $asOf) {
    length
    nodes { ${GRAPH_NODE} }
    edges { ${GRAPH_EDGE} }
  }
}`;

export function shortestPath(from, to) {
  return gql(PATH_QUERY, { from, to }).then((d) => d.shortestPath);
}

// --- Optional server features (feature-detected) ---------------------------------

const INTROSPECTION = `query ExploreFeatures {
  __schema {
    queryType { fields { name args { name } } }
    subscriptionType { fields { name type { ...T } } }
  }
  measures: __type(name: "CentralityMeasure") { enumValues { name } }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

const typeFieldsQuery = `query ExploreType($name: String!) { __type(name: $name) { fields { name } } }`;

function namedType(t) {
  while (t && t.ofType) t = t.ofType;
  return t && t.name;
}

/**
 * detectFeatures asks the schema which optional fields exist:
 *   centrality  { measures: [...], relations: bool }  or null
 *   communities { relations: bool, resolution: bool } or null
 *   graphChanged { fields: [...] }                    or null
 * When introspection is off it probes each field with a tiny query instead.
 */
export async function detectFeatures() {
  const features = { centrality: null, communities: null, graphChanged: null, introspection: true };
  try {
    const d = await gql(INTROSPECTION);
    const fields = new Map(d.__schema.queryType.fields.map((f) => [f.name, new Set(f.args.map((a) => a.name))]));
    if (fields.has('centrality')) {
      const measures = d.measures && d.measures.enumValues ? d.measures.enumValues.map((v) => v.name) : [];
      features.centrality = { measures, relations: fields.get('centrality').has('relations') };
    }
    if (fields.has('communities')) {
      const args = fields.get('communities');
      features.communities = { relations: args.has('relations'), resolution: args.has('resolution') };
    }
    const sub = d.__schema.subscriptionType;
    const gc = sub && sub.fields.find((f) => f.name === 'graphChanged');
    if (gc) {
      const typeName = namedType(gc.type);
      let names = ['kind', 'ids', 'edgeIds', 'at'];
      try {
        const t = await gql(typeFieldsQuery, { name: typeName });
        if (t.__type && t.__type.fields) {
          const have = new Set(t.__type.fields.map((f) => f.name));
          names = names.filter((n) => have.has(n));
        }
      } catch {
        /* keep the documented selection */
      }
      features.graphChanged = { fields: names.length ? names : ['__typename'] };
    }
    return features;
  } catch {
    features.introspection = false;
  }
  // Introspection disabled: probe.
  const probe = async (q) => {
    try {
      await gql(q);
      return true;
    } catch (err) {
      // A field that exists but fails for another reason still exists.
      return !(err.errors || []).some((e) => /Cannot query field|Unknown type|unknown field/i.test(e.message));
    }
  };
  if (await probe('{ centrality(measure: DEGREE, top: 1) { id } }')) {
    features.centrality = { measures: ['DEGREE', 'BETWEENNESS', 'CLOSENESS', 'PAGERANK'], relations: true };
  }
  if (await probe('{ communities { modularity } }')) {
    features.communities = { relations: true, resolution: true };
  }
  return features;
}

export function centrality(measure, { relations, top = 1000 } = {}) {
  const useRel = Array.isArray(relations);
  const q = `query ExploreCentrality($measure: CentralityMeasure!, $top: Int${useRel ? ', $relations: [RelationType!]' : ''}) {
  centrality(measure: $measure, top: $top${useRel ? ', relations: $relations' : ''}) { id score rank }
}`;
  const vars = { measure, top };
  if (useRel) vars.relations = relations;
  return gql(q, vars).then((d) => d.centrality);
}

export function communities({ relations } = {}) {
  const useRel = Array.isArray(relations);
  const q = `query ExploreCommunities${useRel ? '($relations: [RelationType!])' : ''} {
  communities${useRel ? '(relations: $relations)' : ''} { modularity communities { id size members } }
}`;
  return gql(q, useRel ? { relations } : {}).then((d) => d.communities);
}

/**
 * subscribeGraphChanged opens the graph-change stream over graphql-ws and
 * calls onChange(change) per event and onStatus('connecting'|'live'|'closed'|
 * 'error') as the socket goes. Returns a function that stops it.
 */
export function subscribeGraphChanged(fields, onChange, onStatus) {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({
    url: url.href,
    lazy: true,
    retryAttempts: 1000,
    shouldRetry: () => true,
    on: {
      connecting: () => onStatus('connecting'),
      connected: () => onStatus('live'),
      closed: () => onStatus('closed'),
      error: () => onStatus('error'),
    },
  });
  const dispose = client.subscribe(
    { query: `subscription ExploreChanges { graphChanged { ${fields.join(' ')} } }` },
    {
      next: (msg) => {
        if (msg.data && msg.data.graphChanged) onChange(msg.data.graphChanged);
      },
      error: () => onStatus('error'),
      complete: () => onStatus('closed'),
    },
  );
  return () => {
    dispose();
    client.dispose();
  };
}
