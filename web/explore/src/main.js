// orgnet explore: a network viewer over the orgnet GraphQL API, bundled with
// esbuild and served offline from the Go binary (see ../build.mjs and
// ../../web.go). It talks to POST /graphql on its own origin (and, when the
// server has it, the graphChanged subscription over ws(s)://host/graphql),
// and to nothing else.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import * as api from './api.js';
import { merge } from './graph.js';
import { runForce, runTiers } from './layouts.js';
import {
  EDGE_COLORS, FONT_SIZE, FONT_STACK, KIND_GROUPS, LABEL_MAX_WIDTH, NEUTRAL, SHAPES, kindGroup, paletteColor, shade,
  stylesheet, tierSize,
} from './style.js';
import './app.css';

cytoscape.use(dagre);
cytoscape.use(fcose);

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
};

// --- State -------------------------------------------------------------------------

const state = {
  layout: 'tiers',
  colour: 'kind',
  size: 'tier',
  names: 'zh',
  compound: true,
  hiddenKinds: new Set(),
  hiddenRelations: new Set(),
  features: { centrality: null, communities: null, graphChanged: null },
  scores: new Map(), // measure → Map(id → score)
  communities: null, // Map(id → community id)
  pathFrom: null,
  pathTo: null,
  path: null, // {from, to, length, nodeIds, edgeIds} or {from, to, none: true}
  selected: null,
  live: 'off',
  changes: 0,
  errors: [],
};

const cy = cytoscape({
  container: $('cy'),
  style: stylesheet(),
  minZoom: 0.08,
  maxZoom: 4,
  boxSelectionEnabled: false,
  selectionType: 'single',
});

function setStatus(msg, kind = 'info') {
  const s = $('status');
  s.textContent = msg;
  s.dataset.kind = kind;
  s.hidden = !msg;
}

function reportError(what, err) {
  const msg = `${what}: ${err && err.message ? err.message : err}`;
  state.errors.push(msg);
  setStatus(msg, 'error');
  console.error(msg, err);
}

// --- Derived node data: label, colour, size, alliances --------------------------------

function allianceOf(n) {
  // The alliances a node is a member of (drawn ones), regional first.
  const as = n
    .outgoers('edge[type = "MEMBER_OF"]')
    .targets('[type = "ALLIANCE"]')
    .sort((a, b) => (a.data('kind') === b.data('kind') ? (a.id() < b.id() ? -1 : 1) : a.data('kind') === 'REGIONAL_ALLIANCE' ? -1 : 1));
  return as;
}

function allianceColours() {
  const ids = cy.nodes('[type = "ALLIANCE"]').map((n) => n.id()).sort();
  return new Map(ids.map((id, i) => [id, paletteColor(i)]));
}

function scaleSizes(scores) {
  const vals = cy.nodes().map((n) => scores.get(n.id())).filter((v) => typeof v === 'number');
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  return (v) => {
    if (typeof v !== 'number' || !vals.length) return 22;
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return Math.round(22 + Math.sqrt(t) * 54);
  };
}

// balance splits a name without spaces (Chinese) into lines of even length,
// so that wrapping never leaves one character alone on the last line.
function balance(text) {
  if (!text || /\s/.test(text)) return text;
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) > 0x2e80 ? 1 : 0.56;
  const perLine = Math.floor(LABEL_MAX_WIDTH / FONT_SIZE) - 1;
  const lines = Math.ceil(w / perLine);
  if (lines <= 1) return text;
  const chars = [...text];
  const n = Math.ceil(chars.length / lines);
  const out = [];
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(''));
  return out.join('\n');
}

function restyle() {
  const aColours = allianceColours();
  const scores = state.size !== 'tier' ? state.scores.get(state.size) : null;
  const sizeOf = scores ? scaleSizes(scores) : null;
  cy.batch(() => {
    cy.nodes().forEach((n) => {
      const d = n.data();
      const name = state.names === 'en' && d.nameEn ? d.nameEn : d.name;
      const display = n.isParent() ? name : balance(name);
      let color;
      if (state.colour === 'alliance') {
        if (d.type === 'ALLIANCE') color = aColours.get(d.id);
        else {
          const a = allianceOf(n);
          color = a.nonempty() ? aColours.get(a[0].id()) : NEUTRAL;
        }
      } else if (state.colour === 'community' && state.communities) {
        const c = state.communities.get(d.id);
        color = c == null ? NEUTRAL : paletteColor(c);
      } else {
        color = d.type === 'ALLIANCE' && n.isParent() ? aColours.get(d.id) : kindGroup(d.type, d.kind).color;
      }
      const size = sizeOf ? sizeOf(scores.get(d.id)) : tierSize(d.type, d.tier);
      if (d.display !== display) n.data('display', display);
      if (d.color !== color) n.data('color', color);
      const border = shade(color, -0.35);
      if (d.border !== border) n.data('border', border);
      if (d.size !== size) n.data('size', size);
    });
  });
  renderLegend();
}

// --- Compound alliances ------------------------------------------------------------

function applyCompound() {
  cy.batch(() => {
    const hiddenAlliance = (a) => a.hasClass('hidden');
    cy.nodes().forEach((n) => {
      if (n.data('type') === 'ALLIANCE') return;
      let want = null;
      if (state.compound) {
        const as = allianceOf(n).filter((a) => !hiddenAlliance(a));
        if (as.nonempty()) want = as[0].id();
      }
      const have = n.isChild() ? n.parent().id() : null;
      if (have !== want) n.move({ parent: want });
    });
    cy.edges('[type = "MEMBER_OF"]').forEach((e) => {
      const implied = e.source().isChild() && e.source().parent().id() === e.target().id();
      e.toggleClass('implied', implied);
    });
    cy.edges().forEach((e) => {
      const s = e.source();
      const t = e.target();
      const type = e.data('type');
      const repeats = (child, other, dir) => {
        if (!child.isChild()) return false;
        const p = child.parent();
        if (p.id() === other.id()) return false;
        const own = dir === 'out' ? p.edgesTo(other) : other.edgesTo(p);
        return own.some((x) => x.data('type') === type);
      };
      e.toggleClass('via-group', repeats(s, t, 'out') || repeats(t, s, 'in'));
    });
  });
}

// --- Filters ------------------------------------------------------------------------

function kindKey(n) {
  return `${n.data('type')}:${n.data('kind')}`;
}

function applyFilters() {
  cy.batch(() => {
    cy.nodes().forEach((n) => n.toggleClass('hidden', state.hiddenKinds.has(kindKey(n))));
    cy.edges().forEach((e) => e.toggleClass('hidden', state.hiddenRelations.has(e.data('type'))));
  });
}

const pretty = (s) => String(s || '').toLowerCase().replace(/_/g, ' ');

function renderFilters() {
  const kinds = new Map();
  cy.nodes().forEach((n) => {
    const k = kindKey(n);
    if (!kinds.has(k)) kinds.set(k, { type: n.data('type'), kind: n.data('kind'), count: 0 });
    kinds.get(k).count++;
  });
  const box = $('filter-kinds');
  box.replaceChildren();
  const byType = [...kinds.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [k, v] of byType) {
    const g = kindGroup(v.type, v.kind);
    box.append(
      el('label', { class: 'filter', title: k },
        el('input', {
          type: 'checkbox', 'data-testid': 'filter-kind', 'data-kind': k, checked: !state.hiddenKinds.has(k),
          onchange: (ev) => {
            if (ev.target.checked) state.hiddenKinds.delete(k);
            else state.hiddenKinds.add(k);
            refreshView();
          },
        }),
        el('span', { class: 'swatch', style: `background:${g.color}` }),
        el('span', { class: 'name', text: v.type === 'ORGANISATION' ? pretty(v.kind) : `${pretty(v.type)}${v.kind && v.kind !== v.type ? ' · ' + pretty(v.kind) : ''}` }),
        el('span', { class: 'count', text: String(v.count) }),
      ),
    );
  }
  const rels = new Map();
  cy.edges().forEach((e) => rels.set(e.data('type'), (rels.get(e.data('type')) || 0) + 1));
  const rbox = $('filter-relations');
  rbox.replaceChildren();
  for (const [t, count] of [...rels.entries()].sort()) {
    rbox.append(
      el('label', { class: 'filter' },
        el('input', {
          type: 'checkbox', 'data-testid': 'filter-relation', 'data-relation': t, checked: !state.hiddenRelations.has(t),
          onchange: (ev) => {
            if (ev.target.checked) state.hiddenRelations.delete(t);
            else state.hiddenRelations.add(t);
            refreshView();
          },
        }),
        el('span', { class: 'line', style: `background:${EDGE_COLORS[t] || '#90a4ae'}` }),
        el('span', { class: 'name', text: pretty(t) }),
        el('span', { class: 'count', text: String(count) }),
      ),
    );
  }
}

// --- Legend ---------------------------------------------------------------------------

function renderLegend() {
  const lg = $('legend');
  lg.replaceChildren();
  const items = [];
  if (state.colour === 'alliance') {
    const ac = allianceColours();
    cy.nodes('[type = "ALLIANCE"]').sort((a, b) => (a.id() < b.id() ? -1 : 1)).forEach((a) => {
      items.push([ac.get(a.id()), a.data('name')]);
    });
    items.push([NEUTRAL, 'in no drawn alliance']);
  } else if (state.colour === 'community' && state.communities) {
    const ids = [...new Set(state.communities.values())].sort((a, b) => a - b);
    for (const c of ids.slice(0, 12)) items.push([paletteColor(c), `community ${c}`]);
    items.push([NEUTRAL, 'no community']);
  } else {
    const present = new Set(cy.nodes().map((n) => kindGroup(n.data('type'), n.data('kind')).key));
    for (const g of KIND_GROUPS) if (present.has(g.key)) items.push([g.color, g.label]);
  }
  const colours = el('ul', { class: 'legend-colours' });
  for (const [c, label] of items) colours.append(el('li', {}, el('span', { class: 'swatch', style: `background:${c}` }), label));
  lg.append(colours);

  const shapes = el('ul', { class: 'legend-shapes' });
  const present = new Set(cy.nodes().map((n) => n.data('type')));
  for (const [type, shape] of Object.entries(SHAPES)) {
    if (!present.has(type)) continue;
    const group = type === 'ALLIANCE' && cy.nodes('[type = "ALLIANCE"]:parent').nonempty();
    shapes.append(el('li', {}, el('span', { class: `shape shape-${group ? 'group' : shape}` }), group ? 'alliance (box around its members)' : pretty(type)));
  }
  lg.append(shapes);

  lg.append(
    el('ul', { class: 'legend-provenance', 'data-testid': 'legend-provenance' },
      el('li', {}, el('span', { class: 'prov prov-article' }), el('span', { class: 'line-sample solid' }), 'ARTICLE — stated in the article'),
      el('li', {}, el('span', { class: 'prov prov-illustrative' }), el('span', { class: 'line-sample dashed' }), 'ILLUSTRATIVE — invented to fill gaps'),
      el('li', {}, el('span', { class: 'prov prov-synthetic' }), el('span', { class: 'line-sample dotted' }), 'SYNTHETIC — generated'),
      el('li', {}, el('span', { class: 'prov prov-user' }), 'USER — entered by a user'),
    ),
  );
  if (state.size !== 'tier') lg.append(el('p', { class: 'note', text: `Size: ${pretty(state.size)} centrality (server, whole graph)` }));
  else lg.append(el('p', { class: 'note', text: 'Size: tier 1 > tier 2 > tier 3 > others' }));
}

// --- Tier bands ---------------------------------------------------------------------------
// In the tiers layout, a faint band behind each tier's row with its name.

const TIER_NAMES = {
  1: 'Tier 1 · 街道',
  2: 'Tier 2 · 小镇',
  3: 'Tier 3 · 空间/企业',
};
let bands = [];

function computeTierBands() {
  bands = [];
  if (state.layout !== 'tiers') return;
  const rows = new Map(); // tier → Map(rounded y → nodes)
  cy.nodes('[tier > 0]:visible').forEach((n) => {
    if (n.isParent()) return;
    const t = n.data('tier');
    const y = Math.round(n.position('y') / 30);
    if (!rows.has(t)) rows.set(t, new Map());
    const r = rows.get(t);
    if (!r.has(y)) r.set(y, []);
    r.get(y).push(n);
  });
  for (const [t, r] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    // The row holding most of the tier (a tier's odd member elsewhere, e.g. in
    // an alliance box, does not stretch the band).
    const best = [...r.values()].sort((a, b) => b.length - a.length)[0];
    let y1 = Infinity;
    let y2 = -Infinity;
    for (const n of best) {
      const bb = n.boundingBox({ includeLabels: true });
      y1 = Math.min(y1, bb.y1);
      y2 = Math.max(y2, bb.y2);
    }
    bands.push({ tier: t, y1: y1 - 26, y2: y2 + 4 });
  }
}

function drawTierBands() {
  const box = $('tiers');
  if (!bands.length) {
    box.replaceChildren();
    return;
  }
  const z = cy.zoom();
  const p = cy.pan();
  if (box.children.length !== bands.length) {
    box.replaceChildren(...bands.map((b) => el('div', { class: `band band-${b.tier}` }, el('span', { text: TIER_NAMES[b.tier] || `Tier ${b.tier}` }))));
  }
  bands.forEach((b, i) => {
    const d = box.children[i];
    d.style.top = `${b.y1 * z + p.y}px`;
    d.style.height = `${Math.max(4, (b.y2 - b.y1) * z)}px`;
  });
}

// --- Layout ----------------------------------------------------------------------------

let layoutRun = Promise.resolve();

function runLayout(opts = {}) {
  const go = async () => {
    bands = [];
    drawTierBands();
    await (state.layout === 'force' ? runForce(cy, opts) : runTiers(cy, opts));
    computeTierBands();
    drawTierBands();
  };
  layoutRun = layoutRun.then(go, go);
  return layoutRun;
}

// After data or filters change: derived data, containment, layout.
function refreshView({ layout = true, animate = true, fit = true } = {}) {
  applyFilters();
  applyCompound();
  applyFilters();
  restyle();
  renderFilters();
  reapplyPath();
  if (layout) return runLayout({ animate, fit, randomize: false });
  return Promise.resolve();
}

// --- Details panel -----------------------------------------------------------------------

let panelToken = 0;

function fmt(v) {
  if (v == null) return '—';
  if (typeof v === 'number') return v.toLocaleString('en');
  return String(v);
}

function provBadge(p) {
  const src = (p && p.source) || 'ARTICLE';
  return el('span', { class: `badge badge-${src.toLowerCase()}`, 'data-testid': 'provenance-source', text: src });
}

async function showPanel(node) {
  const id = node.id();
  const token = ++panelToken;
  state.selected = id;
  const panel = $('panel');
  const opening = panel.hidden;
  panel.hidden = false;
  panel.dataset.nodeId = id;
  if (opening) cy.resize();
  const body = $('panel-body');
  const d = node.data();
  body.replaceChildren(
    el('h2', { 'data-testid': 'panel-title', text: d.name }),
    el('p', { class: 'sub', text: d.nameEn || '' }),
    el('p', { class: 'meta', text: `${pretty(d.type)} · ${pretty(d.kind)}${d.tier ? ' · tier ' + d.tier : ''}` }),
    el('p', { class: 'loading', text: 'Loading…' }),
  );
  try {
    const n = await api.nodeDetails(id);
    if (token !== panelToken) return;
    if (!n) {
      body.append(el('p', { class: 'error', text: 'This node no longer exists.' }));
      return;
    }
    const rows = [
      ['id', n.id],
      ['label', n.label],
      ['kind', n.orgKind || n.allianceKind || n.kindName],
      ['type', n.allianceType],
      ['tier', n.tier],
      ['since', n.since],
      ['until', n.until],
      ['population', n.population],
      ['strength (10k yuan)', n.strength],
      ['Party members', n.partyMembers],
    ].filter(([, v]) => v != null && v !== '');
    const table = el('table', { class: 'props', 'data-testid': 'panel-properties' });
    for (const [k, v] of rows) table.append(el('tr', {}, el('th', { text: k }), el('td', { text: fmt(v) })));
    const prov = el('section', { class: 'provenance', 'data-testid': 'panel-provenance' },
      el('h3', {}, 'Provenance ', provBadge(n.provenance)),
      n.provenance.quote ? el('blockquote', { 'data-testid': 'provenance-quote', text: n.provenance.quote }) : null,
      n.provenance.ref ? el('p', { class: 'ref', text: `ref: ${n.provenance.ref}` }) : null,
    );
    const attrs = el('section', { class: 'attributes' }, el('h3', { text: `Attributes (${n.attributes.length})` }));
    if (n.attributes.length) {
      const at = el('table', { class: 'props', 'data-testid': 'panel-attributes' });
      for (const a of n.attributes) {
        const quote = a.provenance.quote ? el('div', { class: 'attr-quote', text: a.provenance.quote }) : null;
        at.append(
          el('tr', { class: `attr attr-${(a.provenance.source || '').toLowerCase()}` },
            el('th', { text: a.key }),
            el('td', {}, fmt(typeof a.value === 'object' ? JSON.stringify(a.value) : a.value), ' ', provBadge(a.provenance), quote),
          ),
        );
      }
      attrs.append(at);
    }
    const degree = node.connectedEdges().length;
    body.replaceChildren(
      el('h2', { 'data-testid': 'panel-title', text: n.name }),
      el('p', { class: 'sub', text: n.nameEn || '' }),
      el('p', { class: 'meta', text: `${pretty(n.label)} · ${pretty(n.orgKind || n.allianceKind || n.kindName)} · ${degree} drawn relations` }),
      table,
      prov,
      attrs,
    );
  } catch (err) {
    if (token !== panelToken) return;
    body.append(el('p', { class: 'error', text: `Could not load details: ${err.message}` }));
  }
}

function hidePanel() {
  state.selected = null;
  panelToken++;
  $('panel').hidden = true;
  delete $('panel').dataset.nodeId;
  cy.resize();
}

// --- Exploration: expand, focus, search -----------------------------------------------------

function flash(eles) {
  eles.nodes().addClass('fresh');
  setTimeout(() => eles.nodes().removeClass('fresh'), 2500);
}

async function expand(id) {
  const node = cy.getElementById(id);
  setStatus(`Expanding ${node.nonempty() ? node.data('name') : id}…`);
  try {
    const sub = await api.neighbourhood(id, 1);
    const near = node.nonempty() ? node.position() : null;
    const added = merge(cy, sub, near);
    await refreshView({ fit: false });
    flash(added);
    const nAdded = added.nodes().length;
    setStatus(nAdded ? `Added ${nAdded} neighbour${nAdded === 1 ? '' : 's'}${sub.truncated ? ' (truncated)' : ''}.` : 'All its neighbours are already drawn.');
    const n = cy.getElementById(id);
    if (n.nonempty()) cy.animate({ center: { eles: n.closedNeighborhood() }, duration: 300 });
    return added.nodes().map((x) => x.id());
  } catch (err) {
    reportError('Expand failed', err);
    throw err;
  }
}

async function focus(id) {
  try {
    let n = cy.getElementById(id);
    if (n.empty()) {
      const sub = await api.neighbourhood(id, 1);
      const added = merge(cy, sub, { x: cy.width() / 2, y: cy.height() / 2 });
      await refreshView({ fit: false });
      flash(added);
      n = cy.getElementById(id);
    }
    if (n.empty()) throw new Error(`${id} is not in the network`);
    cy.elements().unselect();
    n.select();
    cy.nodes('.focus').removeClass('focus');
    n.addClass('focus');
    // Open the panel first: it narrows the canvas, and the node is centred in
    // what is left.
    showPanel(n);
    await new Promise((resolve) => {
      cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1.1), duration: 350, complete: resolve });
    });
    setStatus(`Focused ${n.data('name')}.`);
    return id;
  } catch (err) {
    reportError('Focus failed', err);
    throw err;
  }
}

let searchSeq = 0;
let searchTimer = null;

function renderResults(hits) {
  const ul = $('search-results');
  ul.replaceChildren();
  for (const h of hits) {
    const inView = cy.getElementById(h.id).nonempty();
    ul.append(
      el('li', {
        role: 'option', 'data-testid': 'search-result', 'data-id': h.id, tabindex: '-1', id: `hit-${ul.children.length}`,
        class: `${inView ? 'in-view' : ''} src-${(h.provenance.source || '').toLowerCase()}`,
        onmousedown: (ev) => {
          ev.preventDefault();
          pick(h.id);
        },
      },
      el('span', { class: 'hit-name', text: h.name }),
      el('span', { class: 'hit-en', text: h.nameEn || '' }),
      el('span', { class: 'hit-kind', text: pretty(h.kindName || h.label) }),
      ),
    );
  }
  if (!hits.length) ul.append(el('li', { class: 'empty', text: 'No match' }));
  ul.hidden = false;
  $('search').setAttribute('aria-expanded', 'true');
}

function closeResults() {
  $('search-results').hidden = true;
  $('search').setAttribute('aria-expanded', 'false');
}

async function runSearch(text) {
  const seq = ++searchSeq;
  if (!text.trim()) {
    closeResults();
    return [];
  }
  try {
    const hits = await api.search(text.trim(), 12);
    if (seq !== searchSeq) return hits;
    renderResults(hits);
    return hits;
  } catch (err) {
    reportError('Search failed', err);
    return [];
  }
}

function pick(id) {
  closeResults();
  return focus(id);
}

// --- Shortest path ------------------------------------------------------------------------------

function clearPathClasses() {
  cy.elements().removeClass('path path-end faded');
}

function reapplyPath() {
  clearPathClasses();
  const p = state.path;
  if (!p || p.none) return;
  cy.batch(() => {
    cy.elements().addClass('faded');
    for (const id of [...p.nodeIds, ...p.edgeIds]) cy.getElementById(id).removeClass('faded').addClass('path');
    // Keep compound parents of path nodes readable.
    for (const id of p.nodeIds) cy.getElementById(id).ancestors().removeClass('faded');
    cy.getElementById(p.from).addClass('path-end');
    cy.getElementById(p.to).addClass('path-end');
  });
}

function renderPathBar() {
  const bar = $('path-bar');
  const name = (id) => {
    const n = cy.getElementById(id);
    return n.nonempty() ? n.data('name') : id;
  };
  if (!state.pathFrom && !state.path) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  if (state.path && state.path.none) {
    bar.textContent = `No path from ${name(state.path.from)} to ${name(state.path.to)}.`;
  } else if (state.path) {
    bar.textContent = `Shortest path ${name(state.path.from)} → ${name(state.path.to)}: ${state.path.length} hop${state.path.length === 1 ? '' : 's'} · ${state.path.nodeIds.map(name).join(' → ')}`;
  } else {
    bar.textContent = `Path from ${name(state.pathFrom)}: pick the other end (shift-click a node or "Path to").`;
  }
  bar.dataset.length = state.path && !state.path.none ? String(state.path.length) : '';
}

async function showPath(from, to) {
  state.pathFrom = from;
  state.pathTo = to;
  setStatus('Finding the shortest path…');
  try {
    const p = await api.shortestPath(from, to);
    if (!p) {
      state.path = { from, to, none: true };
    } else {
      const added = merge(cy, p, cy.getElementById(from).nonempty() ? cy.getElementById(from).position() : null);
      state.path = { from, to, length: p.length, nodeIds: p.nodes.map((n) => n.id), edgeIds: p.edges.map((e) => e.id) };
      await refreshView({ layout: added.nonempty(), fit: false });
      // Make sure the whole path is visible.
      const eles = cy.collection(state.path.nodeIds.map((id) => cy.getElementById(id)));
      cy.animate({ fit: { eles, padding: 80 }, duration: 350 });
    }
    state.pathFrom = null;
    state.pathTo = null;
    reapplyPath();
    renderPathBar();
    setStatus(state.path.none ? 'No path.' : `Path of ${state.path.length} hops highlighted.`);
    return state.path;
  } catch (err) {
    state.pathFrom = null;
    reportError('Shortest path failed', err);
    throw err;
  }
}

function clearPath() {
  state.path = null;
  state.pathFrom = null;
  state.pathTo = null;
  clearPathClasses();
  renderPathBar();
}

// --- Centrality and communities (optional server features) ---------------------------------------

function visibleRelations() {
  const all = [...new Set(cy.edges().map((e) => e.data('type')))];
  if (!state.hiddenRelations.size) return undefined;
  return all.filter((t) => !state.hiddenRelations.has(t));
}

async function setSize(measure) {
  state.size = measure;
  if (measure !== 'tier') {
    const f = state.features.centrality;
    if (!f) {
      state.size = 'tier';
      $('size').value = 'tier';
      setStatus('This server has no centrality field yet.', 'error');
      return;
    }
    try {
      const rel = f.relations ? visibleRelations() : undefined;
      const scores = await api.centrality(measure, { relations: rel, top: 1000 });
      state.scores.set(measure, new Map(scores.map((s) => [s.id, s.score])));
      setStatus(`Sized by ${pretty(measure)} centrality (top: ${scores.slice(0, 3).map((s) => (cy.getElementById(s.id).data('name') || s.id)).join(', ')}).`);
    } catch (err) {
      reportError(`Centrality (${measure})`, err);
      state.size = 'tier';
      $('size').value = 'tier';
    }
  }
  restyle();
  await runLayout({ fit: false, randomize: false });
}

async function setColour(mode) {
  state.colour = mode;
  if (mode === 'community') {
    if (!state.features.communities) {
      state.colour = 'kind';
      $('colour').value = 'kind';
      setStatus('This server has no communities field yet.', 'error');
      restyle();
      return;
    }
    try {
      const rel = state.features.communities.relations ? visibleRelations() : undefined;
      const part = await api.communities({ relations: rel });
      const m = new Map();
      for (const c of part.communities) for (const id of c.members) m.set(id, c.id);
      state.communities = m;
      setStatus(`${part.communities.length} communities, modularity ${part.modularity.toFixed(3)}.`);
    } catch (err) {
      reportError('Communities', err);
      state.colour = 'kind';
      $('colour').value = 'kind';
    }
  }
  restyle();
}

function greyOutOptional() {
  const c = state.features.centrality;
  for (const opt of $('size').options) {
    if (opt.value === 'tier') continue;
    const ok = !!c && (!c.measures.length || c.measures.includes(opt.value));
    opt.disabled = !ok;
    opt.title = ok ? '' : 'Not available: the server has no centrality field yet';
  }
  const comm = [...$('colour').options].find((o) => o.value === 'community');
  comm.disabled = !state.features.communities;
  comm.title = state.features.communities ? '' : 'Not available: the server has no communities field yet';
  $('size').dataset.available = String(!!c);
  $('colour').dataset.communities = String(!!state.features.communities);
}

// --- Live updates -----------------------------------------------------------------------------------

let pending = new Set();
let pendingDeletes = new Set();
let changeTimer = null;
let changeChain = Promise.resolve();

let wasLive = false;

function setLive(status) {
  if (status === 'live') {
    if (wasLive && state.live !== 'live') {
      changeChain = changeChain.then(resync).catch((err) => reportError('Resync', err));
    }
    wasLive = true;
  }
  state.live = status;
  const l = $('live');
  l.textContent = `live: ${status}`;
  l.className = `live ${status}`;
  l.dataset.status = status;
}

function onGraphChanged(change) {
  // kind: CREATED | UPDATED | DELETED | LINKED | UNLINKED. ids are the nodes
  // created, updated or deleted and both ends of edges linked or unlinked;
  // edgeIds the edges. Anything not deleted is re-fetched and merged.
  const kind = String(change.kind || '');
  const ids = Array.isArray(change.ids) ? change.ids : [];
  const edgeIds = Array.isArray(change.edgeIds) ? change.edgeIds : [];
  if (/DELET|REMOV/i.test(kind)) {
    for (const id of [...ids, ...edgeIds]) pendingDeletes.add(id);
  } else {
    if (/UNLINK/i.test(kind)) for (const id of edgeIds) pendingDeletes.add(id);
    for (const id of ids) pending.add(id);
  }
  clearTimeout(changeTimer);
  changeTimer = setTimeout(() => {
    const ups = pending;
    const dels = pendingDeletes;
    pending = new Set();
    pendingDeletes = new Set();
    changeChain = changeChain.then(() => applyChanges(ups, dels)).catch((err) => reportError('Live update', err));
  }, 120);
}

function removeIds(ids) {
  let removed = 0;
  cy.batch(() => {
    for (const id of ids) {
      const e = cy.getElementById(id);
      if (e.empty()) continue;
      // Removing a compound parent would take its members with it.
      if (e.isNode() && e.isParent()) e.children().move({ parent: null });
      cy.getElementById(id).remove();
      removed++;
    }
  });
  return removed;
}

const EDGE_ID = /^([A-Z_]+):(.+)->(.+)$/;

async function applyChanges(ups, dels) {
  let changed = removeIds(dels);
  let added = cy.collection();
  for (const id of ups) {
    if (dels.has(id)) continue;
    const m = EDGE_ID.exec(id);
    const nodeId = m ? null : id;
    try {
      if (nodeId) {
        const sub = await api.neighbourhood(nodeId, 1);
        const drawn = cy.getElementById(nodeId).nonempty();
        // Only what touches the view: the node if drawn or next to a drawn one,
        // and its edges to drawn nodes.
        const touches = sub.nodes.some((n) => n.id !== nodeId && cy.getElementById(n.id).nonempty());
        if (!drawn && !touches) continue;
        const me = sub.nodes.filter((n) => n.id === nodeId);
        const others = sub.nodes.filter((n) => n.id !== nodeId && cy.getElementById(n.id).nonempty());
        const a = merge(cy, { nodes: [...me, ...others], edges: sub.edges }, null);
        added = added.union(a);
        if (!sub.truncated) {
          const live = new Set(sub.edges.map((e) => e.id));
          cy.getElementById(nodeId).connectedEdges().forEach((e) => {
            if (!live.has(e.id())) {
              e.remove();
              changed++;
            }
          });
        }
        changed++;
      } else {
        const [, , src, tgt] = m;
        if (cy.getElementById(src).empty() || cy.getElementById(tgt).empty()) continue;
        const sub = await api.neighbourhood(src, 1);
        const edge = sub.edges.filter((e) => e.id === id);
        if (!edge.length) {
          changed += removeIds([id]);
          continue;
        }
        added = added.union(merge(cy, { nodes: [], edges: edge }, null));
        changed++;
      }
    } catch (err) {
      if (err.code === 'NOT_FOUND' || /not found/i.test(err.message)) {
        changed += removeIds([id]);
      } else {
        throw err;
      }
    }
  }
  state.changes += changed;
  if (changed || added.nonempty()) {
    await refreshView({ layout: added.nonempty() || dels.size > 0, fit: false });
    flash(added);
    setStatus(`Live update: ${ups.size + dels.size} change${ups.size + dels.size === 1 ? '' : 's'} applied.`);
  }
  if (state.selected) {
    if (cy.getElementById(state.selected).nonempty()) showPanel(cy.getElementById(state.selected));
    else hidePanel();
  }
}

// resync re-reads every drawn node after the live connection came back: the
// changes made while it was down were not streamed.
const RESYNC_NODE = `id name nameEn provenance { source } ... on Organisation { tier }`;

async function resync() {
  const ids = cy.nodes().map((n) => n.id());
  const gone = [];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const vars = chunk.map((_, j) => `$i${j}: ID!`).join(', ');
    const fields = chunk.map((_, j) => `n${j}: node(id: $i${j}) { ${RESYNC_NODE} }`).join('\n');
    const data = await api.gql(`query ExploreResync(${vars}) {\n${fields}\n}`, Object.fromEntries(chunk.map((id, j) => [`i${j}`, id])));
    cy.batch(() => {
      chunk.forEach((id, j) => {
        const n = data[`n${j}`];
        if (!n) {
          gone.push(id);
          return;
        }
        const el = cy.getElementById(id);
        if (el.data('name') !== n.name) el.data('name', n.name);
        if ((el.data('nameEn') || '') !== (n.nameEn || '')) el.data('nameEn', n.nameEn || '');
        if (el.data('source') !== n.provenance.source) el.data('source', n.provenance.source);
        if (typeof n.tier === 'number' && el.data('tier') !== n.tier) el.data('tier', n.tier);
      });
    });
  }
  const removed = removeIds(gone);
  await refreshView({ layout: removed > 0, fit: false });
  setStatus(`Live updates back${removed ? `: ${removed} node${removed === 1 ? '' : 's'} gone meanwhile` : ''}.`);
}

// --- Export -----------------------------------------------------------------------------------------

let lastPng = null;
let lastJson = null;

function exportPNG() {
  const blob = cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff', maxWidth: 8000, maxHeight: 8000 });
  if (lastPng) URL.revokeObjectURL(lastPng);
  lastPng = URL.createObjectURL(blob);
  return { url: lastPng, blob };
}

function exportJSON() {
  const visible = cy.elements(':visible');
  const doc = {
    format: 'cytoscape.js elements',
    exportedAt: new Date().toISOString(),
    source: `${window.location.origin}${api.GRAPHQL_PATH}`,
    elements: {
      nodes: visible.nodes().map((n) => n.json()),
      edges: visible.edges().map((e) => e.json()),
    },
  };
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
  if (lastJson) URL.revokeObjectURL(lastJson);
  lastJson = URL.createObjectURL(blob);
  return { url: lastJson, doc };
}

// --- Wiring -----------------------------------------------------------------------------------------

function wire() {
  const search = $('search');
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(search.value), 180);
  });
  search.addEventListener('keydown', async (ev) => {
    const items = [...$('search-results').querySelectorAll('li[data-id]')];
    const at = items.findIndex((li) => li.classList.contains('active'));
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!items.length) return;
      ev.preventDefault();
      const next = ev.key === 'ArrowDown' ? Math.min(items.length - 1, at + 1) : Math.max(0, at - 1);
      items.forEach((li, i) => li.classList.toggle('active', i === next));
      search.setAttribute('aria-activedescendant', items[next].id);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (at >= 0 && !$('search-results').hidden) {
        pick(items[at].dataset.id);
        return;
      }
      clearTimeout(searchTimer);
      const hits = await runSearch(search.value);
      if (hits.length) pick(hits[0].id);
    } else if (ev.key === 'Escape') {
      closeResults();
    }
  });
  search.addEventListener('blur', () => setTimeout(closeResults, 150));

  $('layout').addEventListener('change', (ev) => {
    state.layout = ev.target.value;
    runLayout({ animate: true, fit: true, randomize: true });
  });
  $('colour').addEventListener('change', (ev) => setColour(ev.target.value));
  $('asof').addEventListener('change', (ev) => {
    redrawAsOf(ev.target.value).catch((err) => setStatus(`Could not read the network as of ${ev.target.value}: ${err.message}`));
  });
  $('size').addEventListener('change', (ev) => setSize(ev.target.value));
  $('names').addEventListener('change', (ev) => {
    state.names = ev.target.value;
    restyle();
    runLayout({ fit: false, randomize: false });
  });
  $('compound').addEventListener('change', (ev) => {
    state.compound = ev.target.checked;
    refreshView({ fit: true });
  });
  $('fit').addEventListener('click', () => cy.animate({ fit: { eles: cy.elements(':visible'), padding: 24 }, duration: 300 }));
  $('export-png').addEventListener('click', (ev) => {
    ev.currentTarget.href = exportPNG().url;
  });
  $('export-json').addEventListener('click', (ev) => {
    ev.currentTarget.href = exportJSON().url;
  });

  $('panel-close').addEventListener('click', () => {
    cy.elements().unselect();
    hidePanel();
  });
  $('expand').addEventListener('click', () => state.selected && expand(state.selected));
  $('path-from').addEventListener('click', () => {
    if (!state.selected) return;
    if (state.pathTo && !state.pathFrom && state.pathTo !== state.selected) {
      showPath(state.selected, state.pathTo);
      return;
    }
    state.path = null;
    clearPathClasses();
    state.pathFrom = state.selected;
    renderPathBar();
  });
  $('path-to').addEventListener('click', () => {
    if (!state.selected) return;
    if (state.pathFrom && state.pathFrom !== state.selected) showPath(state.pathFrom, state.selected);
    else {
      state.path = null;
      clearPathClasses();
      state.pathFrom = null;
      state.pathTo = state.selected;
      setStatus('Now pick the start: select another node and press "Path from".');
    }
  });
  $('path-clear').addEventListener('click', clearPath);

  cy.on('tap', 'node', (ev) => {
    const n = ev.target;
    const shift = ev.originalEvent && ev.originalEvent.shiftKey;
    if (shift) {
      if (state.pathFrom && state.pathFrom !== n.id()) showPath(state.pathFrom, n.id());
      else {
        state.path = null;
        clearPathClasses();
        state.pathFrom = n.id();
        renderPathBar();
      }
      return;
    }
    showPanel(n);
  });
  cy.on('tap', 'edge', (ev) => {
    const e = ev.target;
    cy.edges('.labelled').removeClass('labelled');
    e.addClass('labelled');
    setStatus(`${e.source().data('name')} —${e.data('type')}→ ${e.target().data('name')} (${e.data('prov')})`);
  });
  cy.on('tap', (ev) => {
    if (ev.target === cy) {
      hidePanel();
      cy.nodes('.focus').removeClass('focus');
      cy.edges('.labelled').removeClass('labelled');
    }
  });
  cy.on('dbltap', 'node', (ev) => expand(ev.target.id()));
  cy.on('viewport resize', drawTierBands);
  cy.on('dragfree', 'node', () => {
    computeTierBands();
    drawTierBands();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && document.activeElement !== search) {
      clearPath();
      hidePanel();
      cy.elements().unselect();
    }
  });
}

// --- Start --------------------------------------------------------------------------------------------

// Settings from the page's URL: ?layout=force&colour=alliance&compound=0&names=en&focus=<id>
function readParams() {
  const q = new URLSearchParams(window.location.search);
  const pickOpt = (sel, v) => v && [...sel.options].some((o) => o.value === v) && v;
  const layout = pickOpt($('layout'), q.get('layout'));
  if (layout) state.layout = $('layout').value = layout;
  const colour = pickOpt($('colour'), q.get('colour'));
  if (colour && colour !== 'community') state.colour = $('colour').value = colour;
  const names = pickOpt($('names'), q.get('names'));
  if (names) state.names = $('names').value = names;
  if (q.get('compound') === '0') state.compound = $('compound').checked = false;
  return { focus: q.get('focus') };
}

async function start() {
  wire();
  const params = readParams();
  // Wait for the CJK web font stack to be ready so labels measure right.
  try {
    await document.fonts.load(`12px ${FONT_STACK}`, '岳林街道');
  } catch {
    /* system fonts only */
  }
  const featuresP = api.detectFeatures().catch(() => ({ centrality: null, communities: null, graphChanged: null }));
  const data = await api.gql(api.INITIAL_QUERY, api.INITIAL_VARIABLES);
  const els = api.initialElements(data);
  merge(cy, els, null);
  state.initialNodeIds = els.nodes.map((n) => n.id).sort();
  await refreshView({ animate: false, fit: true });
  setStatus(`${cy.nodes().length} nodes, ${cy.edges().length} relations. Search, click a node for details, double-click to expand.`);

  if (params.focus) focus(params.focus).catch(() => {});
  state.features = await featuresP;
  greyOutOptional();
  if (state.features.graphChanged) {
    setLive('connecting');
    subscription = api.subscribeGraphChanged(state.features.graphChanged.fields, onGraphChanged, setLive);
  } else {
    setLive('unavailable');
    $('live').title = 'The server has no graphChanged subscription yet: reload to see changes.';
  }
  return api_;
}

let subscription = null;

/** redrawAsOf redraws the first view as the network was on date ("" = today). */
async function redrawAsOf(date) {
  api.setAsOf(date);
  const data = await api.gql(api.INITIAL_QUERY, api.INITIAL_VARIABLES);
  const els = api.initialElements(data);
  cy.elements().remove();
  merge(cy, els, null);
  state.initialNodeIds = els.nodes.map((n) => n.id).sort();
  await refreshView({ animate: false, fit: true });
  setStatus(`As of ${date || 'today'}: ${cy.nodes().length} nodes, ${cy.edges().length} relations.`);
}

const api_ = {
  cy,
  state,
  version: 1,
  initialQuery: api.INITIAL_QUERY,
  initialVariables: api.INITIAL_VARIABLES,
  ready: null,
  expand,
  focus,
  search: runSearch,
  shortestPath: showPath,
  clearPath,
  setLayout: (name) => {
    state.layout = name;
    $('layout').value = name;
    return runLayout({ animate: false, fit: true, randomize: true });
  },
  setColour,
  setSize,
  layoutDone: () => layoutRun,
  // Resolves when no layout, live update or animation is running.
  idle: async () => {
    for (;;) {
      const l = layoutRun;
      const c = changeChain;
      await Promise.allSettled([l, c]);
      while (cy.animated() || cy.elements().some((e) => e.animated())) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => requestAnimationFrame(() => r()));
      if (l === layoutRun && c === changeChain && !cy.animated()) return true;
    }
  },
  changesDone: () => changeChain,
  exportPNG,
  exportJSON,
  stopLive: () => subscription && subscription(),
  // Ids of drawn data nodes (every node in cy is a data node).
  nodeIds: () => cy.nodes().map((n) => n.id()).sort(),
};

api_.ready = start().catch((err) => {
  reportError('Could not load the network', err);
  throw err;
});
window.orgnetExplore = api_;
