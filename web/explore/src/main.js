// orgnet explore: a network viewer over the orgnet GraphQL API, bundled with
// esbuild and served offline from the Go binary (see ../build.mjs and
// ../../web.go). It talks to POST /graphql on its own origin (and, when the
// server has it, the graphChanged subscription over ws(s)://host/graphql),
// and to nothing else.
//
// This file holds the state, the Cytoscape instance, derived styling, layout
// runs, expand/focus, exports, canvas events and the test hooks
// (window.orgnetExplore); the parts of the page each have their module:
// toolbar.js, search.js, panel.js, path.js, filters.js, legend.js,
// tooltip.js, live.js; bands.js and layouts.js draw the tiers; overview.js
// opens a network of any size and folds and unfolds its hierarchy.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import * as api from './api.js';
import { computeBands, drawBands } from './bands.js';
import { $, plural } from './dom.js';
import { applyFilters, renderFilters } from './filters.js';
import { merge } from './graph.js';
import { runForce, runTiers } from './layouts.js';
import { renderLegend } from './legend.js';
import { createLive } from './live.js';
import { createOverview } from './overview.js';
import { createPanel } from './panel.js';
import { createPath } from './path.js';
import { createPlan } from './plan.js';
import { layoutPlan, planStyles } from './plandraw.js';
import { describe, edgeLabel } from './relations.js';
import { createSearch } from './search.js';
import { FONT_SIZE, FONT_STACK, LABEL_MAX_WIDTH, NEUTRAL, kindGroup, paletteColor, shade, stylesheet, tierSize } from './style.js';
import { createToolbar } from './toolbar.js';
import { installTooltip } from './tooltip.js';
import './app.css';
import './plan.css';

cytoscape.use(dagre);
cytoscape.use(fcose);

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
  style: [...stylesheet(), ...planStyles()],
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

// --- Derived data: labels, colours, sizes, alliances --------------------------------

function allianceOf(n) {
  // The alliances a node is a member of (drawn ones), regional first.
  return n
    .outgoers('edge[type = "MEMBER_OF"]')
    .targets('[type = "ALLIANCE"]')
    .sort((a, b) => (a.data('kind') === b.data('kind') ? (a.id() < b.id() ? -1 : 1) : a.data('kind') === 'REGIONAL_ALLIANCE' ? -1 : 1));
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
      // A node of the overview says how much lies folded below it.
      const display = (n.isParent() ? name : balance(name)) + (d.badge ? `\n${d.badge}` : '');
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
      const size = d.group ? Math.round(34 + 6 * Math.log10(1 + (d.count || 1))) : sizeOf ? sizeOf(scores.get(d.id)) : tierSize(d.type, d.tier);
      if (d.display !== display) n.data('display', display);
      if (d.color !== color) n.data('color', color);
      const border = shade(color, -0.35);
      if (d.border !== border) n.data('border', border);
      if (d.size !== size) n.data('size', size);
    });
    // Relation labels in the names' language (Chinese by default).
    cy.edges().forEach((e) => {
      const display = edgeLabel(e.data('type'), e.data('label'), state.names);
      if (e.data('display') !== display) e.data('display', display);
    });
  });
  renderLegend({ cy, state, allianceColours });
}

// --- Compound alliances ------------------------------------------------------------

function applyCompound() {
  if (state.plan.active) return; // the planning view places units itself (plandraw.js)
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

// --- Tier bands and layout ------------------------------------------------------------
// In the tiers layout, a faint band behind each tier's rows (bands.js).

let bands = [];

function computeTierBands() {
  bands = state.layout === 'tiers' ? computeBands(cy) : [];
}

function drawTierBands() {
  drawBands(cy, $('tiers'), bands);
}

let layoutRun = Promise.resolve();

function runLayout(opts = {}) {
  const go = async () => {
    bands = [];
    drawTierBands();
    if (state.plan.active) return layoutPlan(cy, opts); // units in their alliances, no tiers
    await (state.layout === 'force' ? runForce(cy, opts) : runTiers(cy, opts));
    computeTierBands();
    drawTierBands();
  };
  layoutRun = layoutRun.then(go, go);
  return layoutRun;
}

// After data or filters change: derived data, containment, layout.
function refreshView({ layout = true, animate = true, fit = true, randomize = false } = {}) {
  applyFilters(app);
  applyCompound();
  applyFilters(app);
  restyle();
  renderFilters(app);
  path.reapply();
  if (layout) return runLayout({ animate, fit, randomize });
  return Promise.resolve();
}

// --- Exploration: expand, focus -----------------------------------------------------------

function flash(eles) {
  eles.nodes().addClass('fresh');
  setTimeout(() => eles.nodes().removeClass('fresh'), 2500);
}

async function expand(id) {
  const node = cy.getElementById(id);
  setStatus(`Expanding ${node.nonempty() ? node.data('name') : id}…`);
  try {
    const sub = overview.fit(await api.neighbourhood(id, 1), id);
    const near = node.nonempty() ? node.position() : null;
    const added = merge(cy, sub, near);
    await refreshView({ fit: false });
    flash(added);
    const nAdded = added.nodes().length;
    setStatus(nAdded ? `Added ${plural(nAdded, 'neighbour')}${sub.truncated ? ' (truncated)' : ''}.` : 'All its neighbours are already drawn.');
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
    if (n.empty() && state.plan.active) throw new Error(`${id} is not in the planning view`);
    if (n.empty()) {
      // In the overview, first the way down to it from what is drawn.
      const path = await overview.reveal(id);
      const sub = overview.fit(await api.neighbourhood(id, 1), id);
      const added = merge(cy, sub, { x: cy.width() / 2, y: cy.height() / 2 }).union(path);
      await refreshView({ fit: false });
      flash(added);
      n = cy.getElementById(id);
    }
    if (n.empty()) throw new Error(`${id} is not in the network`);
    await layoutRun; // centre where the node ends up, not where it starts
    cy.elements().unselect();
    n.select();
    cy.nodes('.focus').removeClass('focus');
    n.addClass('focus');
    // Open the panel first: it narrows the canvas, and the node is centred in
    // what is left.
    panel.show(n);
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

let asOfSeq = 0;
let asOfRun = Promise.resolve();

/** redrawAsOf redraws the first view as the network was on date ("" = today); the last call wins. */
function redrawAsOf(date) {
  const seq = ++asOfSeq;
  const go = async () => {
    if (seq !== asOfSeq) return;
    api.setAsOf(date);
    const first = await overview.open(params, () => {
      cy.elements().remove();
      overview.reset();
    });
    state.initialNodeIds = first.nodeIds;
    await refreshView({ animate: false, fit: true });
    overview.frame();
    setStatus(`As of ${date || 'today'}: ${cy.nodes().length} nodes, ${cy.edges().length} relations.`);
  };
  asOfRun = asOfRun.then(go, go);
  return asOfRun;
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

// --- The page's parts ---------------------------------------------------------------------------------

const app = {
  cy,
  state,
  setStatus,
  reportError,
  restyle,
  refreshView,
  runLayout,
  renderFilters: () => renderFilters(app),
  focus,
  expand,
  flash,
  redrawAsOf,
  exportPNG,
  exportJSON,
  showPanel: (n) => panel.show(n),
  hidePanel: () => panel.hide(),
  onNetworkChange: () => plan.onNetworkChange(),
};
const panel = createPanel(app);
const overview = createOverview(app);
const path = createPath(app);
const search = createSearch(app);
const live = createLive(app);
const toolbar = createToolbar(app);
const plan = createPlan(app);
installTooltip(app);

// Canvas events and the panel's buttons.
function wire() {
  $('panel-close').addEventListener('click', () => {
    cy.elements().unselect();
    panel.hide();
  });
  $('expand').addEventListener('click', () => state.selected && expand(state.selected));
  $('path-from').addEventListener('click', () => {
    if (!state.selected) return;
    if (state.pathTo && !state.pathFrom && state.pathTo !== state.selected) {
      path.show(state.selected, state.pathTo);
      return;
    }
    path.start(state.selected);
  });
  $('path-to').addEventListener('click', () => {
    if (!state.selected) return;
    if (state.pathFrom && state.pathFrom !== state.selected) path.show(state.pathFrom, state.selected);
    else {
      state.path = null;
      path.clearClasses();
      state.pathFrom = null;
      state.pathTo = state.selected;
      setStatus('Now pick the start: select another node and press "Path from".');
    }
  });
  $('path-clear').addEventListener('click', path.clear);

  cy.on('tap', 'node', (ev) => {
    const n = ev.target;
    const shift = ev.originalEvent && ev.originalEvent.shiftKey;
    if (plan.onTap(n)) return; // marks and details in the planning mode
    // A folded group unfolds; a folded node unfolds and shows its panel.
    if (!shift && overview.onTap(n)) return;
    if (shift) {
      if (state.pathFrom && state.pathFrom !== n.id()) path.show(state.pathFrom, n.id());
      else path.start(n.id());
      return;
    }
    panel.show(n);
  });
  cy.on('tap', 'edge', (ev) => {
    const e = ev.target;
    cy.edges('.labelled').removeClass('labelled');
    e.addClass('labelled');
    const d = describe(e, state.names);
    setStatus(`${d.ends}: ${d.label} (${d.type}, ${d.prov})`);
  });
  cy.on('tap', (ev) => {
    if (ev.target === cy) {
      panel.hide();
      cy.nodes('.focus').removeClass('focus');
      cy.edges('.labelled').removeClass('labelled');
    }
  });
  cy.on('dbltap', 'node', (ev) => !ev.target.data('group') && !state.plan.active && expand(ev.target.id()));
  cy.on('viewport resize', drawTierBands);
  cy.on('dragfree', 'node', () => {
    computeTierBands();
    drawTierBands();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && document.activeElement !== $('search')) {
      path.clear();
      panel.hide();
      cy.elements().unselect();
    }
  });
}

// --- Start --------------------------------------------------------------------------------------------

let subscription = null;
let params = {};

async function start() {
  wire();
  params = toolbar.readParams();
  // Wait for the CJK web font stack to be ready so labels measure right.
  try {
    await document.fonts.load(`12px ${FONT_STACK}`, '岳林街道');
  } catch {
    /* system fonts only */
  }
  const featuresP = api.detectFeatures().catch(() => ({ centrality: null, communities: null, graphChanged: null }));
  // The first view: a small network whole, a large one by its tops (overview.js).
  const first = await overview.open(params);
  state.initialNodeIds = first.nodeIds;
  await refreshView({ animate: false, fit: true });
  overview.frame();
  state.overview.openMs = Math.round(performance.now());
  if (first.mode === 'overview') {
    setStatus(`${state.overview.total.toLocaleString('en')} nodes in the store: the tops of the hierarchy, ${first.root ? 'the first unfolded' : 'none found'}. Click a ▸ node or group to unfold it, search to open any node.`);
  } else {
    setStatus(`${cy.nodes().length} nodes, ${cy.edges().length} relations. Search, click a node for details, double-click to expand.`);
  }

  if (params.scenario) plan.open(params.scenario);
  else if (params.plan) plan.enter({ within: params.within });
  else if (params.focus) focus(params.focus).catch(() => {});
  state.features = await featuresP;
  toolbar.greyOutOptional();
  if (state.features.graphChanged) {
    live.setStatus('connecting');
    subscription = api.subscribeGraphChanged(state.features.graphChanged.fields, live.onChange, live.setStatus);
  } else {
    live.setStatus('unavailable');
    $('live').title = 'The server has no graphChanged subscription yet: reload to see changes.';
  }
  return hooks;
}

// --- Test hooks (window.orgnetExplore) -------------------------------------------------------------------

const hooks = {
  cy,
  state,
  version: 1,
  initialQuery: api.INITIAL_QUERY,
  // The overview (overview.js): mode() is 'classic' or 'overview'.
  overview: {
    mode: () => overview.mode(),
    root: () => overview.root(),
    unfold: (id) => overview.unfold(id),
    fold: (id) => overview.fold(id),
    groups: () => overview.groups(),
    elements: () => cy.elements().length,
  },
  ready: null,
  expand,
  focus,
  search: search.run,
  shortestPath: path.show,
  clearPath: path.clear,
  setLayout: (name) => {
    state.layout = name;
    $('layout').value = name;
    return runLayout({ animate: false, fit: true, randomize: true });
  },
  setColour: toolbar.setColour,
  setSize: toolbar.setSize,
  layoutDone: () => layoutRun,
  // The tier bands drawn, top-down, in model coordinates.
  bands: () => bands.map((b) => ({ ...b })),
  // Resolves when no layout, live update or animation is running.
  idle: async () => {
    for (;;) {
      const l = layoutRun;
      const c = live.done();
      await Promise.allSettled([l, c, overview.refined(), plan.done()]);
      while (cy.animated() || cy.elements().some((e) => e.animated())) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => requestAnimationFrame(() => r()));
      if (l === layoutRun && c === live.done() && !cy.animated()) return true;
    }
  },
  changesDone: () => live.done(),
  // The planning mode (plan.js): state is orgnetExplore.state.plan; done()
  // resolves when its last action (run, save, open, commit …) is drawn.
  plan: { enter: (o) => plan.enter(o), leave: () => plan.leave(), open: (id) => plan.open(id), done: () => plan.done() },
  resync: () => live.resync(),
  exportPNG,
  exportJSON,
  stopLive: () => subscription && subscription(),
  // Ids of drawn data nodes (every node in cy is a data node).
  nodeIds: () => cy.nodes().map((n) => n.id()).sort(),
};

hooks.ready = start().catch((err) => {
  reportError('Could not load the network', err);
  throw err;
});
window.orgnetExplore = hooks;
