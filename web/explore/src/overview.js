// The overview: the explorer opens on whatever network the store holds, of
// any size. A small network (at most SMALL_NETWORK nodes) opens as it always
// did, the subtree of its top with every alliance and pairing (api.js
// INITIAL_QUERY); a larger one opens on the tops of its hierarchy
// (hierarchyTops, or ?root=ID), each drawn with how much lies below it, and
// the first top unfolded (?overview=1 opens a small network so too). Unfolding a node draws its children: one by one
// when they are few (INLINE), else folded into groups of one kind in one
// alliance (below → groups) that show their counts and unfold, a page at a
// time, on click. Whatever is unfolded, searched or expanded, the drawing
// never holds more than CAP elements: room is made by folding what was
// unfolded longest ago, never what leads to the node being opened.
import * as api from './api.js';
import { pretty } from './dom.js';
import { merge } from './graph.js';

/** CAP is the most elements (nodes and edges) drawn at once in the overview. */
export const CAP = 400;
/** A network with at most this many nodes opens whole, as the Yuelin network does. */
export const SMALL_NETWORK = 250;
/**
 * Unfolding a node with at most FOLD_ABOVE children draws them one by one;
 * with up to INLINE, its groups of FOLD_MIN or more stay folded (alliances
 * apart: they are the boxes their members' groups are drawn in) and the rest
 * are drawn; with more, every group stays folded.
 */
export const FOLD_ABOVE = 16;
export const INLINE = 40;
export const FOLD_MIN = 3;
/** The closest the view zooms when it frames what was unfolded. */
export const FRAME_ZOOM = 1.2;
/** Members of a group drawn per click. */
export const PAGE = 50;
/** Tops drawn at most. */
export const TOPS = 12;

const NODE = api.GRAPH_NODE;
const EDGE = `id type source target provenance { source }`;
// A child with what lies below it and its hierarchy, alliance and pairing
// edges (so that alliance boxes and pairings among drawn nodes appear).
// Descendants are counted afterwards (refine): on Neo4j counting the 10,000
// below a city's top takes most of a second, which the first drawing need
// not wait for.
const CHILD = `node { ${NODE} node { relations(types: [SUB_ORGANISATION_OF, MEMBER_OF, MENTORS], direction: OUT) { edge { ${EDGE} } } } }
  children`;
const GROUPS = `children otherGroups otherCount groups { kind type count alliance { id name } }`;

export const OPEN_QUERY = `query ExploreOverview($first: Int!, $asOf: Date) {
  stats { nodes edges }
  hierarchyTops(first: $first, asOf: $asOf) { totalCount tops { node { ${NODE} } children } }
}`;

export const REFINE_QUERY = `query ExploreBelow($ids: [ID!]!, $asOf: Date) {
  below(ids: $ids, asOf: $asOf) { node { id } children descendants descendantsCapped }
}`;

export const UNFOLD_QUERY = `query ExploreUnfold($id: ID!, $inline: Int!, $asOf: Date) {
  below(ids: [$id], asOf: $asOf) { ${GROUPS} }
  children(parentId: $id, first: $inline, asOf: $asOf) { totalCount nodes { ${CHILD} } }
}`;

export const GROUP_QUERY = `query ExploreGroup($id: ID!, $kind: String!, $alliance: ID, $first: Int!, $after: String, $asOf: Date) {
  children(parentId: $id, kind: $kind, alliance: $alliance, first: $first, after: $after, asOf: $asOf) {
    totalCount nodes { ${CHILD} } pageInfo { hasNextPage endCursor }
  }
}`;

export const LINEAGE_QUERY = `query ExploreLineage($id: ID!, $asOf: Date) {
  node(id: $id, asOf: $asOf) {
    id
    ... on Organisation { ancestors { id label kindName name nameEn provenance { source } ... on Organisation { tier }
      relations(types: [SUB_ORGANISATION_OF], direction: OUT) { edge { ${EDGE} } } }
      relations(types: [SUB_ORGANISATION_OF], direction: OUT) { edge { ${EDGE} } } }
    ... on Alliance { relations(types: [SUB_ORGANISATION_OF], direction: OUT) { edge { ${EDGE} } } }
  }
}`;

// Short Chinese (and English) names of kinds, for group labels.
const KIND_NAMES = {
  PARTY_WORKING_COMMITTEE: ['党工委', 'working committees'],
  PARTY_COMMITTEE: ['党委', 'Party committees'],
  PARTY_BRANCH: ['党支部', 'Party branches'],
  TEMPORARY_PARTY_BRANCH: ['临时党支部', 'temporary branches'],
  PARTY_GROUP: ['党小组', 'Party groups'],
  PARTY_COMMANDO: ['党员突击队', 'commandos'],
  UNION: ['工会', 'unions'],
  YOUTH_LEAGUE: ['团组织', 'youth leagues'],
  WOMENS_FEDERATION: ['妇联', "women's federations"],
  MAKERSPACE: ['众创空间', 'makerspaces'],
  ENTERPRISE: ['企业', 'enterprises'],
  VILLAGE: ['村', 'villages'],
  COMMUNITY: ['社区', 'communities'],
  GOVERNMENT_OFFICE: ['机关', 'government offices'],
  SERVICE_CENTRE: ['党群服务中心', 'service centres'],
  LIAISON_STATION: ['联络站', 'liaison stations'],
  WORKSHOP: ['工作室', 'workshops'],
  PARK: ['园区', 'parks'],
  SOCIAL_ORGANISATION: ['社会组织', 'social organisations'],
  REGIONAL_ALLIANCE: ['区域党建联合体', 'regional alliances'],
  PARTY_BUILDING_ALLIANCE: ['党建联盟', 'Party-building alliances'],
};

export function kindName(kind, names = 'zh') {
  const k = KIND_NAMES[kind];
  if (!k) return pretty(kind);
  return names === 'en' ? k[1] : k[0];
}

const fmt = (n) => Number(n).toLocaleString('en');

/**
 * belowBadge is the line under a folded node's name: how much lies below it
 * (its children until its descendants are counted).
 */
function belowBadge(b) {
  if (!b || !b.children) return '';
  if (typeof b.descendants !== 'number') return `▸ ${fmt(b.children)} ${b.children === 1 ? 'child' : 'children'}`;
  return `▸ ${fmt(Math.max(b.descendants, b.children))}${b.descendantsCapped ? '+' : ''} below`;
}

/** groupID names the group node of a parent's children of one kind in one alliance. */
export const groupID = (parent, kind, alliance) => `fold:${parent}|${kind}|${alliance || ''}`;

/**
 * createOverview returns the overview over app ({cy, state, setStatus,
 * reportError, refreshView, flash}): open(params) draws the first view and
 * says which mode it chose; unfold, fold, reveal and fit serve clicks,
 * search and expand.
 */
export function createOverview(app) {
  const { cy, state } = app;
  const ov = {
    mode: 'classic', // 'classic' (a small network, opened whole) or 'overview'
    root: null,
    total: 0, // nodes in the store
    tops: [],
    topsTotal: 0,
  };
  // What each action added, oldest first: {key, anchor, ids, seq}. Folding
  // a record removes what it added (and the records anchored on that).
  let records = [];
  let seq = 0;
  // Group nodes: id → {parent, kind, alliance, count, shown, after}.
  const groups = new Map();

  // --- Drawing data -----------------------------------------------------------

  function nodeWithBelow(b) {
    return { ...b.node, badge: belowBadge(b), below: b.children || 0 };
  }

  function setBelow(id, b) {
    const n = cy.getElementById(id);
    if (n.empty()) return;
    n.data('below', b.children || 0);
    n.data('badge', n.data('unfolded') ? '' : belowBadge(b));
  }

  function edgesOf(children) {
    const out = [];
    for (const c of children) {
      const rel = (c.node.node && c.node.node.relations) || [];
      for (const r of rel) out.push({ ...r.edge, label: r.edge.type });
    }
    return out;
  }

  function record(key, anchor, added) {
    const ids = added.nodes().map((n) => n.id());
    if (!ids.length) return;
    records.push({ key, anchor, ids, seq: ++seq });
  }

  /** protectedIds: the node being opened, its drawn ancestors by the hierarchy, the selection. */
  function protectedIds(target) {
    const keep = new Set();
    const walk = (id) => {
      for (let i = 0; id && !keep.has(id) && i < 64; i++) {
        keep.add(id);
        const n = cy.getElementById(id);
        if (n.empty()) return;
        const up = n.outgoers('edge[type = "SUB_ORGANISATION_OF"]').targets();
        id = up.nonempty() ? up[0].id() : (n.data('group') ? n.data('parentId') : null);
      }
    };
    walk(target);
    if (state.selected) walk(state.selected);
    for (const t of ov.tops) keep.add(t.node.id);
    return keep;
  }

  /** remove drops a record's nodes (and, first, the records anchored on them). */
  function dropRecord(r) {
    records = records.filter((x) => x !== r);
    const ids = new Set(r.ids);
    for (const sub of records.filter((x) => ids.has(x.anchor))) dropRecord(sub);
    cy.batch(() => {
      for (const id of r.ids) {
        const n = cy.getElementById(id);
        if (n.empty()) continue;
        if (n.isParent()) n.children().move({ parent: null });
        n.remove();
        groups.delete(id);
      }
    });
    const a = cy.getElementById(r.anchor);
    if (a.nonempty() && r.key.startsWith('unfold:')) {
      a.data('unfolded', false);
      a.data('badge', a.data('foldedBadge') || '');
    }
  }

  /**
   * makeRoom folds the oldest records until n more elements fit under CAP,
   * sparing what leads to target. Returns how many more elements fit.
   */
  function makeRoom(n, target) {
    const keep = protectedIds(target);
    const sizeOf = (r) => r.ids.reduce((s, id) => {
      const x = cy.getElementById(id);
      return s + (x.empty() ? 0 : 1 + x.connectedEdges().length);
    }, 0);
    while (cy.elements().length + n > CAP) {
      const r = records.find((x) => !x.ids.some((id) => keep.has(id)) && sizeOf(x) > 0);
      if (!r) break;
      dropRecord(r);
    }
    return CAP - cy.elements().length;
  }

  /** added counts the elements merge would add for els. */
  function newCount({ nodes = [], edges = [] }) {
    const have = new Set();
    let k = 0;
    for (const n of nodes) {
      if (cy.getElementById(n.id).empty() && !have.has(n.id)) {
        have.add(n.id);
        k++;
      }
    }
    for (const e of edges) {
      const end = (id) => have.has(id) || cy.getElementById(id).nonempty();
      if (cy.getElementById(e.id).empty() && end(e.source) && end(e.target)) k++;
    }
    return k;
  }

  /**
   * fit trims els (nodes in the order given: nearest first) so that adding
   * them keeps the drawing under CAP, folding older records first. In the
   * classic mode it changes nothing.
   */
  function fit(els, target) {
    if (ov.mode !== 'overview') return els;
    const need = newCount(els);
    const room = makeRoom(need, target);
    if (need <= room) return els;
    const nodes = [];
    const kept = new Set();
    let used = 0;
    for (const n of els.nodes || []) {
      const drawn = cy.getElementById(n.id).nonempty();
      if (!drawn) {
        if (used + 2 > room) continue; // a node and its line to what is drawn
        used += 2;
      }
      kept.add(n.id);
      nodes.push(n);
    }
    const edges = (els.edges || []).filter((e) => (kept.has(e.source) || cy.getElementById(e.source).nonempty())
      && (kept.has(e.target) || cy.getElementById(e.target).nonempty()));
    return { ...els, nodes, edges, truncated: true };
  }

  // --- Opening ---------------------------------------------------------------------------

  /**
   * open draws the first view; returns {mode, root, nodeIds}. clear, when
   * given, is called once the answers are in, just before drawing (so that
   * a redraw never shows an empty canvas while it waits).
   */
  async function open(params, clear = () => {}) {
    const d = await api.gql(OPEN_QUERY, { first: TOPS });
    ov.total = d.stats.nodes;
    ov.tops = d.hierarchyTops.tops;
    ov.topsTotal = d.hierarchyTops.totalCount;
    ov.root = params.root || (ov.tops[0] && ov.tops[0].node.id) || null;
    records = [];
    groups.clear();
    if (ov.total <= SMALL_NETWORK && ov.root && !params.overview) {
      ov.mode = 'classic';
      const data = await api.gql(api.INITIAL_QUERY, { root: ov.root, depth: api.ROOT_DEPTH });
      const els = api.initialElements(data);
      clear();
      merge(cy, els, null);
      return { mode: ov.mode, root: ov.root, nodeIds: els.nodes.map((n) => n.id).sort() };
    }
    ov.mode = 'overview';
    clear();
    const tops = ov.tops.map(nodeWithBelow);
    merge(cy, { nodes: tops, edges: [] }, null);
    for (const t of ov.tops) cy.getElementById(t.node.id).data('foldedBadge', belowBadge(t));
    if (ov.root && !ov.tops.some((t) => t.node.id === ov.root)) {
      // A root chosen by ?root=: drawn with what lies below it.
      const b = await api.gql(`query ExploreRoot($id: ID!, $asOf: Date) { below(ids: [$id], asOf: $asOf) { node { ${NODE} } children descendants descendantsCapped } }`, { id: ov.root });
      if (!b.below.length) throw new Error(`node "${ov.root}" does not exist`);
      merge(cy, { nodes: [nodeWithBelow(b.below[0])], edges: [] }, null);
      cy.getElementById(ov.root).data('foldedBadge', belowBadge(b.below[0]));
      ov.tops = [b.below[0], ...ov.tops];
    }
    if (ov.root) await unfold(ov.root, { layout: false });
    refine(ov.tops.map((t) => t.node.id));
    return { mode: ov.mode, root: ov.root, nodeIds: cy.nodes().map((n) => n.id()).sort() };
  }

  // --- Unfolding ---------------------------------------------------------------------------

  /** foldable reports whether a click on n unfolds something. */
  function foldable(n) {
    if (ov.mode !== 'overview' || n.empty()) return false;
    return !!n.data('group') || (n.data('below') > 0 && !n.data('unfolded'));
  }

  /** unfold draws what lies below node id (a drawn node, or a group node). */
  async function unfold(id, { layout = true } = {}) {
    const n = cy.getElementById(id);
    if (n.nonempty() && n.data('group')) return unfoldGroup(id, { layout });
    const t0 = performance.now();
    app.setStatus(`Unfolding ${n.nonempty() ? n.data('name') : id}…`);
    const d = await api.gql(UNFOLD_QUERY, { id, inline: INLINE });
    const below = d.below[0];
    if (!below) throw new Error(`node "${id}" does not exist`);
    const key = `unfold:${id}`;
    const old = records.find((r) => r.key === key);
    if (old) dropRecord(old);
    // Which groups stay folded, and which children are drawn one by one.
    const all = below.groups.map((g) => ({
      id: groupID(id, g.kind, g.alliance && g.alliance.id), parent: id, kind: g.kind, type: g.type,
      alliance: g.alliance, count: g.count,
    }));
    const total = d.children.totalCount;
    let gs = [];
    let kids = [];
    if (total <= FOLD_ABOVE) {
      kids = d.children.nodes;
    } else if (total <= INLINE) {
      gs = all.filter((g) => g.count >= FOLD_MIN && g.type !== 'ALLIANCE');
      const folded = new Set(gs.map((g) => g.id));
      kids = d.children.nodes.filter((c) => !folded.has(groupID(id, c.node.kind, allianceOf(c))));
    } else {
      gs = all;
      if (below.otherGroups > 0) {
        gs.push({ id: groupID(id, '*', ''), parent: id, kind: null, type: 'ORGANISATION', alliance: null, count: below.otherCount, other: true });
      }
    }
    const els = { nodes: kids.map(nodeWithBelow), edges: edgesOf(kids) };
    for (const g of gs) {
      els.nodes.push(groupNode(g));
      els.edges.push({ id: `${g.id}|up`, source: g.id, target: id, type: 'SUB_ORGANISATION_OF', label: 'SUB_ORGANISATION_OF', provenance: { source: 'SYNTHETIC' } });
      if (g.alliance) {
        els.edges.push({ id: `${g.id}|in`, source: g.id, target: g.alliance.id, type: 'MEMBER_OF', label: 'MEMBER_OF', provenance: { source: 'SYNTHETIC' } });
      }
    }
    const added = merge(cy, fit(els, id), n.nonempty() ? n.position() : null);
    for (const c of kids) {
      const x = cy.getElementById(c.node.id);
      if (x.nonempty() && !x.data('foldedBadge')) x.data('foldedBadge', belowBadge(c));
    }
    for (const g of gs) {
      if (cy.getElementById(g.id).nonempty()) groups.set(g.id, { ...g, shown: 0, after: null });
    }
    refine(kids.map((c) => c.node.id));
    record(key, id, added);
    if (n.nonempty()) {
      n.data('unfolded', true);
      n.data('below', below.children);
      n.data('badge', '');
    }
    if (layout) {
      // No animation: the unfolded part is framed where it ends up.
      await app.refreshView({ fit: false, animate: false });
      frame(n.union(added));
    }
    const ms = Math.round(performance.now() - t0);
    state.overview.lastUnfold = { id, ms, added: added.length, elements: cy.elements().length };
    app.setStatus(`${n.nonempty() ? n.data('name') : id}: ${fmt(below.children)} below it, ${added.nodes().length} drawn (${ms} ms).`);
    return added;
  }

  // allianceOf is a child's group alliance, as the server's Below counts it:
  // the least id of the alliances it is a member of ('' for none).
  function allianceOf(c) {
    let least = '';
    for (const r of (c.node.node && c.node.node.relations) || []) {
      const e = r.edge;
      if (e.type === 'MEMBER_OF' && (least === '' || e.target < least)) least = e.target;
    }
    return least;
  }

  function groupNode(g) {
    const zh = kindName(g.kind, 'zh');
    const name = g.other ? '其他' : g.alliance ? `${g.alliance.name} · ${zh}` : zh;
    const nameEn = g.other ? 'others' : g.alliance ? `${kindName(g.kind, 'en')} of ${g.alliance.name}` : kindName(g.kind, 'en');
    return {
      id: g.id, name, nameEn, type: g.type || 'ORGANISATION', kind: g.kind || '', tier: 0,
      provenance: { source: 'SYNTHETIC' }, group: true, parentId: g.parent, count: g.count, badge: `×${fmt(g.count)} ▸`,
    };
  }

  /** unfoldGroup draws the next page of a group's members. */
  async function unfoldGroup(id, { layout = true } = {}) {
    const g = groups.get(id);
    const n = cy.getElementById(id);
    if (!g || n.empty()) return cy.collection();
    const t0 = performance.now();
    app.setStatus(`Unfolding ${n.data('name')}…`);
    const parent = cy.getElementById(g.parent);
    let page;
    if (g.other) {
      const d = await api.gql(`query ExploreAll($id: ID!, $first: Int!, $after: String, $asOf: Date) {
        children(parentId: $id, first: $first, after: $after, asOf: $asOf) { totalCount nodes { ${CHILD} } pageInfo { hasNextPage endCursor } } }`,
      { id: g.parent, first: PAGE, after: g.after });
      page = d.children;
    } else {
      const d = await api.gql(GROUP_QUERY, { id: g.parent, kind: g.kind, alliance: g.alliance ? g.alliance.id : null, first: PAGE, after: g.after });
      page = d.children;
    }
    const els = fit({ nodes: page.nodes.map(nodeWithBelow), edges: edgesOf(page.nodes) }, g.parent);
    const near = n.position();
    const added = merge(cy, els, near);
    for (const c of page.nodes) {
      const x = cy.getElementById(c.node.id);
      if (x.nonempty() && !x.data('foldedBadge')) x.data('foldedBadge', belowBadge(c));
    }
    // The members hang from the parent's unfold, so that folding the parent
    // takes them too.
    const rec = records.find((r) => r.key === `unfold:${g.parent}`);
    if (rec) rec.ids.push(...added.nodes().map((x) => x.id()));
    else record(`unfold:${g.parent}`, g.parent, added);
    refine(page.nodes.map((c) => c.node.id));
    g.shown += page.nodes.length;
    g.after = page.pageInfo.endCursor;
    if (page.pageInfo.hasNextPage) {
      const left = Math.max(0, page.totalCount - g.shown);
      n.data('badge', `+${fmt(left)} more ▸`);
      n.data('count', left);
    } else {
      groups.delete(id);
      n.remove();
    }
    if (parent.nonempty()) parent.data('unfolded', true);
    if (layout) {
      // No animation: the unfolded part is framed where it ends up.
      await app.refreshView({ fit: false, animate: false });
      frame(parent.union(added));
    }
    const ms = Math.round(performance.now() - t0);
    state.overview.lastUnfold = { id, ms, added: added.length, elements: cy.elements().length };
    app.setStatus(`${added.nodes().length} of ${fmt(page.totalCount)} drawn (${ms} ms).`);
    return added;
  }

  /**
   * refine counts what lies below the drawn nodes ids that have children
   * and updates their badges; it runs after the drawing, not awaited.
   */
  let refining = Promise.resolve();
  function refine(ids) {
    const ask = ids.filter((id) => {
      const n = cy.getElementById(id);
      return n.nonempty() && !n.data('group') && n.data('below') > 0;
    }).slice(0, 100);
    if (!ask.length) return refining;
    const run = async () => {
      const d = await api.gql(REFINE_QUERY, { ids: ask });
      cy.batch(() => {
        for (const b of d.below) {
          const n = cy.getElementById(b.node.id);
          if (n.empty()) continue;
          const badge = belowBadge(b);
          n.data('foldedBadge', badge);
          if (!n.data('unfolded')) n.data('badge', badge);
        }
      });
      app.restyle();
    };
    refining = refining.then(run, run).catch((err) => app.reportError('Counting what lies below', err));
    return refining;
  }

  /** frame fits the view to eles (all when empty), zoomed in no closer than FRAME_ZOOM. */
  function frame(eles) {
    const what = eles && eles.nonempty() ? eles.filter((x) => x.visible()) : cy.elements(':visible');
    if (what.empty()) return;
    cy.stop();
    cy.fit(what, 50);
    if (cy.zoom() > FRAME_ZOOM) {
      const bb = what.boundingBox();
      cy.zoom(FRAME_ZOOM);
      cy.center(what);
      if (!bb.w) cy.center(what);
    }
  }

  /** fold removes what was drawn below node id by unfolding it. */
  async function fold(id) {
    const r = records.find((x) => x.key === `unfold:${id}`);
    if (r) dropRecord(r);
    for (const [gid, g] of groups) if (g.parent === id) cy.getElementById(gid).remove();
    const n = cy.getElementById(id);
    if (n.nonempty()) {
      n.data('unfolded', false);
      n.data('badge', n.data('foldedBadge') || '');
    }
    await app.refreshView({ fit: false });
  }

  /**
   * onTap handles a click on a node: a group unfolds (true: nothing else to
   * do); a folded node unfolds and its panel opens (false).
   */
  function onTap(n) {
    if (!foldable(n)) return false;
    unfold(n.id()).catch((err) => app.reportError('Unfold failed', err));
    return !!n.data('group');
  }

  // --- Opening a node found by search ---------------------------------------------------

  /**
   * reveal draws node id where it sits in the hierarchy: its ancestors
   * (those not drawn) down from the drawn one, with their lines. Returns
   * the added elements.
   */
  async function reveal(id) {
    if (ov.mode !== 'overview' || cy.getElementById(id).nonempty()) return cy.collection();
    const d = await api.gql(LINEAGE_QUERY, { id });
    const node = d.node;
    if (!node) return cy.collection();
    const chain = (node.ancestors || []).map((a) => ({ ...a, type: a.label, kind: a.kindName, label: a.name }));
    const edges = [];
    for (const a of node.ancestors || []) for (const r of a.relations || []) edges.push({ ...r.edge, label: r.edge.type });
    for (const r of node.relations || []) edges.push({ ...r.edge, label: r.edge.type });
    // Stop at the first drawn ancestor: the path down from it is what is missing.
    const missing = [];
    for (const a of chain) {
      if (cy.getElementById(a.id).nonempty()) break;
      missing.push(a);
    }
    if (!missing.length && !edges.length) return cy.collection();
    const els = fit({ nodes: missing, edges }, id);
    const top = chain[missing.length];
    const near = top ? cy.getElementById(top.id).position() : null;
    const added = merge(cy, els, near);
    record(`reveal:${id}`, top ? top.id : id, added);
    return added;
  }

  /** reset forgets what was unfolded (the drawing is about to be redrawn). */
  function reset() {
    records = [];
    groups.clear();
  }

  // The panel's Fold/Unfold button follows the node the panel shows.
  const foldButton = document.getElementById('fold');
  function syncFoldButton() {
    const id = document.getElementById('panel').dataset.nodeId;
    const n = id ? cy.getElementById(id) : cy.collection();
    const can = ov.mode === 'overview' && n.nonempty() && !n.data('group') && (n.data('below') > 0 || n.data('unfolded'));
    foldButton.hidden = !can;
    if (can) foldButton.textContent = n.data('unfolded') ? 'Fold' : 'Unfold';
  }
  new MutationObserver(syncFoldButton).observe(document.getElementById('panel'), { attributes: true, attributeFilter: ['data-node-id', 'hidden'] });
  cy.on('data', 'node', (ev) => {
    if (ev.target.id() === document.getElementById('panel').dataset.nodeId) syncFoldButton();
  });
  foldButton.addEventListener('click', () => {
    const id = document.getElementById('panel').dataset.nodeId;
    const n = id ? cy.getElementById(id) : cy.collection();
    if (n.empty()) return;
    (n.data('unfolded') ? fold(id) : unfold(id)).then(syncFoldButton, (err) => app.reportError('Unfold failed', err));
  });

  state.overview = { mode: 'classic', cap: CAP, lastUnfold: null };
  const api_ = {
    open: async (params, clear) => {
      const r = await open(params, clear);
      state.overview.mode = ov.mode;
      state.overview.root = ov.root;
      state.overview.total = ov.total;
      state.overview.topsTotal = ov.topsTotal;
      return r;
    },
    mode: () => ov.mode,
    root: () => ov.root,
    unfold,
    fold,
    foldable,
    onTap,
    reveal,
    fit,
    frame: () => ov.mode === 'overview' && frame(null),
    refined: () => refining,
    reset,
    groups: () => [...groups.values()].map((g) => ({ ...g })),
  };
  return api_;
}
