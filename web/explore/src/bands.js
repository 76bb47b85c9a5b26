// Bands of the tiers layout: each tier of the hierarchy (tier 1 街道, tier 2
// 小镇, tier 3 空间/企业) and the villages and communities with their regional
// alliances (村社, which have no tier: they are not the startup town's) each
// get a horizontal band of their own. layouts.js stacks the bands top-down and
// keeps everything else in the gaps between them; this file says which band a
// node belongs to, and draws the bands behind the canvas.
import { el } from './dom.js';

export const VILLAGES = 'villages';

const TIER_NAMES = {
  1: 'Tier 1 · 街道',
  2: 'Tier 2 · 小镇',
  3: 'Tier 3 · 空间/企业',
};

export function bandName(key) {
  if (key === VILLAGES) return 'Villages & communities · 村/社区 · 区域党建联合体';
  return TIER_NAMES[key] || `Tier ${key}`;
}

/** bandOrder sorts band keys top-down: tiers by number, then the villages. */
export function bandOrder(a, b) {
  const rank = (k) => (k === VILLAGES ? Infinity : Number(k));
  return rank(a) - rank(b);
}

/** ownBand is the band a node belongs to by its own data, or null. */
export function ownBand(n) {
  const d = n.data();
  if (d.tier > 0) return d.tier;
  if (d.type === 'ORGANISATION' && (d.kind === 'VILLAGE' || d.kind === 'COMMUNITY')) return VILLAGES;
  if (d.type === 'ALLIANCE' && d.kind === 'REGIONAL_ALLIANCE') return VILLAGES;
  return null;
}

/**
 * bandOf is the band a node is drawn in: its own, or for a group box without
 * one (the startup-town alliance), the band all its visible members share.
 */
export function bandOf(n) {
  const own = ownBand(n);
  if (own != null || !n.isParent()) return own;
  const kids = new Set(n.children(':visible').map(ownBand));
  return kids.size === 1 ? [...kids][0] : null;
}

/**
 * computeBands returns the bands of what is drawn, top-down, in model
 * coordinates: [{key, name, y1, y2}], each spanning all its members with their
 * labels (a member drawn in another band's group box does not stretch it);
 * drawBands adds room for the band's name above.
 */
export function computeBands(cy) {
  const ext = new Map();
  cy.nodes(':visible').forEach((n) => {
    const key = bandOf(n);
    if (key == null) return;
    if (n.isChild() && bandOf(n.parent()) !== key) return;
    const bb = n.boundingBox({ includeLabels: true, includeOverlays: false });
    const e = ext.get(key) || { y1: Infinity, y2: -Infinity };
    e.y1 = Math.min(e.y1, bb.y1);
    e.y2 = Math.max(e.y2, bb.y2);
    ext.set(key, e);
  });
  return [...ext.entries()]
    .sort((a, b) => bandOrder(a[0], b[0]))
    .map(([key, e]) => ({ key, name: bandName(key), y1: e.y1, y2: e.y2 }));
}

// Room above a band's first row for its name, and below its last, in screen
// pixels (the name is drawn at one size whatever the zoom).
const LABEL_PX = 18;
const PAD_PX = 4;

/** drawBands places the bands (model coordinates) in box, for cy's viewport. */
export function drawBands(cy, box, bands) {
  if (!bands.length) {
    box.replaceChildren();
    return;
  }
  const z = cy.zoom();
  const p = cy.pan();
  const same = box.children.length === bands.length && bands.every((b, i) => box.children[i].dataset.band === String(b.key));
  if (!same) {
    box.replaceChildren(...bands.map((b) => el('div', {
      class: `band band-${b.key}`, 'data-testid': 'tier-band', 'data-band': String(b.key),
    }, el('span', { text: b.name }))));
  }
  bands.forEach((b, i) => {
    const d = box.children[i];
    d.style.top = `${b.y1 * z + p.y - LABEL_PX}px`;
    d.style.height = `${(b.y2 - b.y1) * z + LABEL_PX + PAD_PX}px`;
  });
}
