// Layouts.
//
// "tiers": a top-down hierarchy in which uppers sit above lowers: a parent
// above its sub-organisations, an alliance above its members, a host above
// what it hosts. Dagre puts an edge's source above its target, so the ranking
// graph is built apart, in a headless Cytoscape instance, with each edge turned
// to point down. Dagre's ranks and x positions are then restacked into bands
// (bands.js): each tier, and the villages and communities with their regional
// alliances, gets rows of its own, and what belongs to no band sits in the gap
// below the band of what it hangs from. So nothing is drawn in a band it does
// not belong to. Two refinements keep the drawing readable:
//   - a direct edge p→c is dropped from the ranking when p→a→c also exists
//     (a village is under the street committee and in an alliance that is
//     under the committee: it is ranked below the alliance);
//   - many leaves of one band under one upper are packed in a grid block
//     instead of one long row, and an alliance drawn as a compound is one
//     block with its members in a grid inside.
// "force": fCoSE, which lays compound alliances out as clusters.
import cytoscape from 'cytoscape';
import { bandOf, bandOrder } from './bands.js';
import { FONT_SIZE, LABEL_MAX_WIDTH } from './style.js';

// Which end of an edge is drawn higher in the tiers layout, per type.
// Types not listed (MENTORS, ADJACENT_TO) are lateral: they do not rank.
const UPPER_END = {
  SUB_ORGANISATION_OF: 'target',
  MEMBER_OF: 'target',
  HOSTED_AT: 'target',
  PART_OF: 'target',
  HOLDS_POST: 'target',
  BUILT_ON: 'source',
  RESPONSIBLE_FOR: 'source',
  RUNS: 'source',
};

const GAP_X = 14;
const GAP_Y = 14;
// Members of a group box with pairings among them stand further apart, so
// that a pairing's arrow between two neighbours is long enough to see.
const PAIRED_GAP = 40;
const COMPOUND_PAD = 14;
const COMPOUND_LABEL = 22;
// Vertical room between the rows of one band (or gap), and between bands and
// gaps (a band's name is drawn above its first row).
const ROW_GAP = 40;
const SECTION_GAP = 56;

function textWidth(s) {
  let w = 0;
  for (const ch of s || '') w += ch.charCodeAt(0) > 0x2e80 ? 1 : 0.56;
  return w * FONT_SIZE;
}

/** box estimates a node's drawn size with its label below it. */
export function nodeBox(n) {
  const size = n.data('size') || 30;
  const tw = textWidth(n.data('display'));
  const lines = Math.max(1, Math.ceil(tw / LABEL_MAX_WIDTH));
  const w = Math.max(size, Math.min(tw, LABEL_MAX_WIDTH) + 4);
  return { w, h: size + 5 + lines * (FONT_SIZE + 3), size };
}

function sortKey(n) {
  const tier = n.data('tier') || 9;
  return `${tier}|${n.data('type')}|${n.data('kind')}|${n.data('name')}|${n.id()}`;
}

function gridCols(n, wide) {
  if (wide === 'narrow') return n <= 3 ? n : Math.ceil(Math.sqrt(n));
  if (wide) return n <= 5 ? n : Math.ceil(Math.sqrt(n * 2));
  // Members inside a group box: two columns up to 4, then roughly square.
  return n <= 2 ? n : n <= 4 ? 2 : Math.ceil(Math.sqrt(n));
}

// Lays members out in a grid; returns their offsets from the block's top-left
// corner and the block's size. With brick, each row is shifted half a cell
// from the one above, so that lines from a parent above reach the lower rows
// between the nodes of the upper ones instead of through them.
function grid(members, cols, { brick = false, gap = null } = {}) {
  const boxes = members.map(nodeBox);
  const cw = Math.max(...boxes.map((b) => b.w)) + (gap || GAP_X);
  const rows = Math.ceil(members.length / cols);
  const fullW = Math.min(cols, members.length) * cw;
  const placed = [];
  let y = 0;
  let prevPhase = null;
  for (let r = 0; r < rows; r++) {
    const inRow = members.slice(r * cols, (r + 1) * cols);
    let x0 = (fullW - inRow.length * cw) / 2;
    if (brick && prevPhase !== null) {
      const phase = (((x0 / cw) % 1) + 1) % 1;
      if (Math.abs(phase - prevPhase) < 0.25 || Math.abs(phase - prevPhase) > 0.75) x0 += x0 >= cw / 2 ? -cw / 2 : cw / 2;
    }
    prevPhase = (((x0 / cw) % 1) + 1) % 1;
    let rowH = 0;
    inRow.forEach((m, i) => {
      const b = boxes[r * cols + i];
      rowH = Math.max(rowH, b.h);
      // node centre: its shape is at the top of its box, the label below.
      placed.push([m.id(), x0 + i * cw + cw / 2, y + b.size / 2]);
    });
    y += rowH + (gap || GAP_Y);
  }
  const minX = Math.min(...placed.map((p) => p[1])) - cw / 2;
  const maxX = Math.max(...placed.map((p) => p[1])) + cw / 2;
  const offsets = new Map(placed.map(([id, x, yy]) => [id, { x: x - minX, y: yy }]));
  return { offsets, w: maxX - minX, h: y };
}

/**
 * tiersPositions computes node positions for the tiers layout of the visible
 * elements of cy. It returns a Map id → {x, y} for every non-parent node.
 */
export function tiersPositions(cy, { narrow = false } = {}) {
  const nodes = cy.nodes(':visible');
  const unitOf = (n) => {
    let p = n;
    while (p.isChild()) p = p.parent();
    return p.id();
  };
  const byId = new Map();
  nodes.forEach((n) => byId.set(n.id(), n));
  const units = new Map(); // unit id → {node, compound: bool}
  nodes.forEach((n) => {
    if (!n.isChild()) units.set(n.id(), { node: n, compound: n.isParent() });
  });

  // Ranking edges between units, oriented upper → lower.
  const down = new Map(); // upper → Set(lower)
  const up = new Map(); // lower → Set(upper)
  const link = (a, b) => {
    if (a === b) return;
    if (!down.has(a)) down.set(a, new Set());
    if (!up.has(b)) up.set(b, new Set());
    down.get(a).add(b);
    up.get(b).add(a);
  };
  cy.edges(':visible').forEach((e) => {
    const end = UPPER_END[e.data('type')];
    if (!end) return;
    const s = e.source();
    const t = e.target();
    if (!byId.has(s.id()) || !byId.has(t.id())) return;
    const [hi, lo] = end === 'target' ? [t, s] : [s, t];
    // Two organisations of one tier sit side by side (the street committee
    // and its 两新工委 are both tier 1), so that tier t is drawn as row t.
    if (hi.data('tier') && hi.data('tier') === lo.data('tier')) return;
    link(unitOf(hi), unitOf(lo));
  });
  // Drop p→c when p→a→c exists.
  for (const [p, lows] of down) {
    for (const c of [...lows]) {
      const viaOther = [...(up.get(c) || [])].some((a) => a !== p && lows.has(a));
      if (viaOther) {
        lows.delete(c);
        up.get(c).delete(p);
      }
    }
  }

  // Leaf packing: units with one upper and nothing below, grouped by upper
  // and band.
  const groups = new Map(); // key → {band, members}
  for (const [id, u] of units) {
    if (u.compound) continue;
    const ups = up.get(id);
    const hasDown = down.has(id) && down.get(id).size > 0;
    if (!ups || ups.size !== 1 || hasDown) continue;
    const band = bandOf(u.node);
    const key = `${[...ups][0]}\u0001${band}`;
    if (!groups.has(key)) groups.set(key, { band, members: [] });
    groups.get(key).members.push(u.node);
  }

  // Headless ranking graph.
  const rank = cytoscape({
    headless: true,
    styleEnabled: true,
    style: [{ selector: 'node', style: { width: 'data(w)', height: 'data(h)', shape: 'rectangle' } }],
  });
  const blocks = new Map(); // block id → {members, grid, band}
  const packed = new Map(); // member id → block id
  for (const [key, { band, members }] of groups) {
    if (members.length < 4) continue;
    members.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    const g = grid(members, gridCols(members.length, narrow ? 'narrow' : true), { brick: true });
    const id = `\u0000block:${key}`;
    blocks.set(id, { members, grid: g, band });
    members.forEach((m) => packed.set(m.id(), id));
  }
  const compounds = new Map();
  const rankNodes = [];
  for (const [id, u] of units) {
    if (packed.has(id)) continue;
    if (u.compound) {
      const kids = u.node.children(':visible').toArray();
      // Co-builders first, then strong (mentoring) members, then by name.
      const role = (k) => {
        const m = k.edgesTo(u.node).filter('[type = "MEMBER_OF"]');
        const r = m.length ? String(m[0].data('label') || '') : '';
        return /co-?build|lead/i.test(r) ? 0 : 1;
      };
      const mentors = (k) => -k.outgoers('edge[type = "MENTORS"]').length;
      kids.sort((a, b) => role(a) - role(b) || mentors(a) - mentors(b) || (sortKey(a) < sortKey(b) ? -1 : 1));
      const paired = kids.some((k) => k.outgoers('edge[type = "MENTORS"]').targets().some((m) => m.parent().same(u.node)));
      const g = kids.length ? grid(kids, gridCols(kids.length, false), { gap: paired ? PAIRED_GAP : null }) : { offsets: new Map(), w: 60, h: 40 };
      compounds.set(id, { kids, grid: g });
      rankNodes.push({ id, w: g.w + 2 * COMPOUND_PAD, h: g.h + 2 * COMPOUND_PAD + COMPOUND_LABEL, key: sortKey(u.node) });
    } else {
      const b = nodeBox(u.node);
      rankNodes.push({ id, w: b.w + GAP_X, h: b.h, key: sortKey(u.node) });
    }
  }
  for (const [id, bl] of blocks) {
    rankNodes.push({ id, w: bl.grid.w, h: bl.grid.h, key: sortKey(bl.members[0]) });
  }
  rankNodes.sort((a, b) => (a.key < b.key ? -1 : 1));
  const rid = (id) => packed.get(id) || id;
  const rankEdges = [];
  const seen = new Set();
  for (const [a, lows] of down) {
    for (const b of lows) {
      const s = rid(a);
      const t = rid(b);
      const k = `${s}\u0001${t}`;
      if (s === t || seen.has(k)) continue;
      seen.add(k);
      rankEdges.push({ data: { id: `e${rankEdges.length}`, source: s, target: t } });
    }
  }
  rank.add(rankNodes.map((n) => ({ data: { id: n.id, w: n.w, h: n.h } })));
  rank.add(rankEdges);
  const uppers = new Map(); // rank node → its uppers
  for (const e of rankEdges) {
    if (!uppers.has(e.data.target)) uppers.set(e.data.target, []);
    uppers.get(e.data.target).push(e.data.source);
  }
  const dagreBoxes = () => {
    rank
      .layout({
        name: 'dagre',
        rankDir: 'TB',
        nodeSep: 10,
        rankSep: 46,
        edgeSep: 6,
        ranker: 'network-simplex',
        minLen: (e) => e.data('minLen') || 1,
        fit: false,
        animate: false,
      })
      .run();
    return rank.nodes().map((rn) => {
      const id = rn.id();
      const c = rn.position();
      const w = rn.data('w');
      return {
        id, x1: c.x - w / 2, x2: c.x + w / 2, h: rn.data('h'), dagreY: Math.round(c.y),
        band: blocks.has(id) ? blocks.get(id).band : bandOf(byId.get(id)),
      };
    });
  };
  // Dagre ranks, the bands restack its rows; then dagre runs again with each
  // edge as long as the rows it now spans, so that its horizontal order is
  // that of the bands' rows (a band's rows no longer share the width with
  // what the first ranking had beside them), and the rows are restacked.
  let boxes = dagreBoxes();
  const rows = restack(boxes, uppers);
  rank.edges().forEach((e) => {
    const d = rows.get(e.target().id()) - rows.get(e.source().id());
    e.data('minLen', d > 0 ? d : 1);
  });
  boxes = dagreBoxes();
  restack(boxes, uppers);
  rank.destroy();

  const positions = new Map();
  for (const b of boxes) {
    const { id, x1: left, top } = b;
    if (blocks.has(id)) {
      const { members, grid: g } = blocks.get(id);
      members.forEach((m) => {
        const o = g.offsets.get(m.id());
        positions.set(m.id(), { x: left + o.x, y: top + o.y });
      });
    } else if (compounds.has(id)) {
      const { kids, grid: g } = compounds.get(id);
      kids.forEach((k) => {
        const o = g.offsets.get(k.id());
        positions.set(k.id(), { x: left + COMPOUND_PAD + o.x, y: top + COMPOUND_PAD + COMPOUND_LABEL + o.y });
      });
    } else {
      // A plain node's shape sits at the top of its box.
      positions.set(id, { x: (b.x1 + b.x2) / 2, y: top + (byId.get(id).data('size') || 30) / 2 });
    }
  }
  return positions;
}

/**
 * restack sets each box's top (boxes: {id, x1, x2, h, dagreY, band}; uppers:
 * id → ids of the boxes it hangs from). Sections run top-down: a gap, then
 * each band in order with the gap below it. A box with a band goes in its
 * band's section; one without goes in the gap below the lowest band (or gap)
 * of its uppers. Within a section, a box takes the first row below its uppers
 * there in which it overlaps nothing; dagre's horizontal order is kept.
 * Returns each box's row, counted from the top over all sections.
 */
function restack(boxes, uppers) {
  const bandKeys = [...new Set(boxes.map((b) => b.band).filter((k) => k != null))].sort(bandOrder);
  const bandSection = new Map(bandKeys.map((k, i) => [k, 2 * i + 1]));
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const order = [...boxes].sort((a, b) => a.dagreY - b.dagreY || a.x1 - b.x1);
  const sections = new Map(); // section → rows → boxes
  for (const b of order) {
    const ups = (uppers.get(b.id) || []).map((u) => byId.get(u)).filter((u) => u && u.row != null);
    if (b.band != null) b.section = bandSection.get(b.band);
    else b.section = Math.max(0, ...ups.map((u) => (u.section % 2 ? u.section + 1 : u.section)));
    if (!sections.has(b.section)) sections.set(b.section, []);
    const rows = sections.get(b.section);
    let row = Math.max(0, ...ups.filter((u) => u.section === b.section).map((u) => u.row + 1));
    while (rows[row] && rows[row].some((o) => o.x1 < b.x2 && b.x1 < o.x2)) row++;
    b.row = row;
    (rows[row] ||= []).push(b);
  }
  let y = 0;
  let first = true;
  const global = new Map(); // box id → its row counted from the top
  let index = 0;
  for (const s of [...sections.keys()].sort((a, b) => a - b)) {
    if (!first) y += SECTION_GAP;
    first = false;
    let gap = 0;
    for (const row of sections.get(s)) {
      if (!row) continue;
      y += gap;
      for (const b of row) {
        b.top = y;
        global.set(b.id, index);
      }
      index++;
      y += Math.max(...row.map((b) => b.h));
      gap = ROW_GAP;
    }
  }
  return global;
}

function extent(positions) {
  let x1 = Infinity;
  let x2 = -Infinity;
  let y1 = Infinity;
  let y2 = -Infinity;
  for (const p of positions.values()) {
    x1 = Math.min(x1, p.x);
    x2 = Math.max(x2, p.x);
    y1 = Math.min(y1, p.y);
    y2 = Math.max(y2, p.y);
  }
  return { w: x2 - x1 + 100, h: y2 - y1 + 100 };
}

export function runTiers(cy, { animate = true, fit = true } = {}) {
  let positions = tiersPositions(cy);
  // Much wider than the screen: pack leaves in squarer blocks.
  const e = extent(positions);
  if (e.w / e.h > 1.4 * (cy.width() / Math.max(1, cy.height()))) {
    const narrow = tiersPositions(cy, { narrow: true });
    const en = extent(narrow);
    if (en.w < e.w) positions = narrow;
  }
  const eles = cy.nodes(':visible').filter((n) => positions.has(n.id()) || n.isParent());
  if (eles.empty()) return Promise.resolve();
  const layout = eles.layout({
    name: 'preset',
    positions: (n) => positions.get(n.id()) || n.position(),
    animate,
    animationDuration: 450,
    fit,
    padding: 24,
  });
  const done = layout.promiseOn('layoutstop');
  layout.run();
  return done;
}

export function runForce(cy, { animate = true, fit = true, randomize = true } = {}) {
  // Edges a group box already shows (membership, a member's edge repeating
  // its alliance's) would only pull members apart.
  const eles = cy.elements(':visible').not('.implied, .via-group');
  if (eles.nodes().empty()) return Promise.resolve();
  const layout = eles.layout({
    name: 'fcose',
    quality: 'default',
    randomize,
    animate,
    animationDuration: 600,
    fit,
    padding: 24,
    nodeDimensionsIncludeLabels: true,
    uniformNodeDimensions: false,
    packComponents: false,
    nodeRepulsion: () => 4500,
    idealEdgeLength: (e) => (e.data('type') === 'SUB_ORGANISATION_OF' ? 95 : 75),
    edgeElasticity: (e) => (e.data('type') === 'SUB_ORGANISATION_OF' ? 0.2 : 0.45),
    nestingFactor: 0.1,
    gravity: 0.3,
    gravityRangeCompound: 0.8,
    gravityCompound: 4,
    numIter: 2500,
    tile: true,
    tilingPaddingVertical: 12,
    tilingPaddingHorizontal: 12,
  });
  const done = layout.promiseOn('layoutstop');
  layout.run();
  return done;
}
