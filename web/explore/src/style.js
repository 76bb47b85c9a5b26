// Visual encoding of the network: colours, shapes, sizes and the Cytoscape
// stylesheet. Type is shown by shape and colour; how a fact is known
// (provenance) by the line: solid for a fact stated in a source (ARTICLE),
// dash-dot for one inferred from a quote (INFERRED), dashed and lighter for
// illustrative fill-in, dotted for synthetic data, double for user input.

// INFERRED_DASH is the dash-dot of inferred facts (ILLUSTRATIVE's dashes are
// plain): long dash, gap, dot, gap.
export const INFERRED_DASH = [9, 3, 2, 3];

// Chinese names must render as glyphs: CJK fonts first, then the system's.
export const FONT_STACK =
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Noto Sans", sans-serif';

// Kinds grouped into colour categories (colour by kind).
export const KIND_GROUPS = [
  { key: 'committee', label: 'Party committees 党委/工委', color: '#b71c1c', kinds: ['PARTY_WORKING_COMMITTEE', 'PARTY_COMMITTEE'] },
  { key: 'party', label: 'Party branches & groups 支部', color: '#e53935', kinds: ['PARTY_BRANCH', 'TEMPORARY_PARTY_BRANCH', 'PARTY_GROUP', 'PARTY_COMMANDO'] },
  { key: 'mass', label: 'Union, youth, women 工青妇', color: '#ef6c00', kinds: ['UNION', 'YOUTH_LEAGUE', 'WOMENS_FEDERATION'] },
  { key: 'village', label: 'Villages 村', color: '#2e7d32', kinds: ['VILLAGE'] },
  { key: 'community', label: 'Communities 社区', color: '#00897b', kinds: ['COMMUNITY'] },
  { key: 'service', label: 'Centres, stations, workshops', color: '#1e88e5', kinds: ['SERVICE_CENTRE', 'LIAISON_STATION', 'WORKSHOP', 'PARK', 'SOCIAL_ORGANISATION'] },
  { key: 'economy', label: 'Makerspaces & enterprises', color: '#5e35b1', kinds: ['MAKERSPACE', 'ENTERPRISE'] },
  { key: 'government', label: 'Government offices', color: '#546e7a', kinds: ['GOVERNMENT_OFFICE'] },
  { key: 'alliance', label: 'Alliances 联合体/联盟', color: '#ad1457', labels: ['ALLIANCE'] },
  { key: 'person', label: 'People', color: '#6d4c41', labels: ['PERSON'] },
  { key: 'project', label: 'Projects', color: '#3949ab', labels: ['PROJECT'] },
  { key: 'zone', label: 'Zones & grids', color: '#8d6e63', labels: ['ZONE'] },
  { key: 'brand', label: 'Brands & platforms', color: '#f9a825', labels: ['BRAND', 'PLATFORM'] },
];
const OTHER_GROUP = { key: 'other', label: 'Other', color: '#78909c' };

export function kindGroup(type, kind) {
  for (const g of KIND_GROUPS) {
    if (g.labels && g.labels.includes(type)) return g;
    if (g.kinds && type === 'ORGANISATION' && g.kinds.includes(kind)) return g;
  }
  return OTHER_GROUP;
}

export const SHAPES = {
  ORGANISATION: 'round-rectangle',
  ALLIANCE: 'hexagon',
  PERSON: 'ellipse',
  PROJECT: 'diamond',
  ZONE: 'barrel',
  BRAND: 'star',
  PLATFORM: 'tag',
};

// A pairing (以强带弱) has a colour no node kind and no other relation uses.
export const PAIRING_COLOR = '#8e24aa';

export const EDGE_COLORS = {
  SUB_ORGANISATION_OF: '#455a64',
  MEMBER_OF: '#ad1457',
  MENTORS: PAIRING_COLOR,
  ADJACENT_TO: '#90a4ae',
  BUILT_ON: '#3949ab',
  HOLDS_POST: '#6d4c41',
  RESPONSIBLE_FOR: '#8d6e63',
  HOSTED_AT: '#1e88e5',
  RUNS: '#f9a825',
  PART_OF: '#78909c',
};

// Distinct colours for alliances and communities (colour-blind-friendly first).
export const PALETTE = [
  '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
  '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd',
];
export const NEUTRAL = '#b0bec5';

export function paletteColor(i) {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** shade darkens (amount < 0) or lightens (amount > 0) a #rrggbb colour. */
export function shade(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) =>
    Math.round(amount < 0 ? c * (1 + amount) : c + (255 - c) * amount),
  );
  return '#' + ch.map((c) => c.toString(16).padStart(2, '0')).join('');
}

// Base sizes: the three tiers stand out by size when no centrality is chosen.
export function tierSize(type, tier) {
  if (type === 'ALLIANCE') return 46;
  if (tier === 1) return 58;
  if (tier === 2) return 48;
  if (tier === 3) return 34;
  return 30;
}

export const LABEL_MAX_WIDTH = 96;
export const FONT_SIZE = 12;

export function stylesheet() {
  return [
    {
      selector: 'node',
      style: {
        shape: (n) => SHAPES[n.data('type')] || 'ellipse',
        width: 'data(size)',
        height: 'data(size)',
        'background-color': 'data(color)',
        'border-color': 'data(border)',
        'border-width': 2,
        label: 'data(display)',
        'font-family': FONT_STACK,
        'font-size': FONT_SIZE,
        color: '#1a1a1a',
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': 3,
        'text-wrap': 'wrap',
        'text-max-width': LABEL_MAX_WIDTH,
        // Chinese names have no spaces: wrap between any two characters;
        // English names wrap between words.
        'text-overflow-wrap': (n) => (/\s/.test(n.data('display') || '') ? 'whitespace' : 'anywhere'),
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': 1,
        'text-background-shape': 'round-rectangle',
        'min-zoomed-font-size': 5,
        'transition-property': 'opacity, border-width',
        'transition-duration': 150,
      },
    },
    // Tier badges: T1/T2/T3 inside the node.
    {
      selector: 'node[tier > 0]',
      style: { 'font-weight': 600 },
    },
    // Provenance of nodes.
    {
      selector: 'node[source = "INFERRED"]',
      style: { 'border-style': 'dashed', 'border-dash-pattern': INFERRED_DASH, 'border-width': 3, 'background-opacity': 0.7 },
    },
    {
      selector: 'node[source = "ILLUSTRATIVE"]',
      style: { 'border-style': 'dashed', 'border-width': 2.5, 'background-opacity': 0.38, color: '#424242' },
    },
    {
      selector: 'node[source = "SYNTHETIC"]',
      style: { 'border-style': 'dotted', 'border-width': 3, 'background-opacity': 0.5 },
    },
    {
      selector: 'node[source = "USER"]',
      style: { 'border-style': 'double', 'border-width': 5 },
    },
    // Alliances drawn as compound parents (boxes around their members).
    {
      selector: 'node:parent',
      style: {
        shape: 'round-rectangle',
        'background-color': 'data(color)',
        'background-opacity': 0.07,
        'border-width': 2,
        'border-color': 'data(color)',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'font-size': 13,
        'font-weight': 700,
        'text-max-width': 220,
        color: 'data(border)',
        'text-background-opacity': 0.9,
        padding: 12,
      },
    },
    {
      selector: 'node:parent[source = "ILLUSTRATIVE"]',
      style: { 'border-style': 'dashed', 'background-opacity': 0.04 },
    },
    {
      selector: 'edge',
      style: {
        width: 1.6,
        'line-color': (e) => EDGE_COLORS[e.data('type')] || '#90a4ae',
        'target-arrow-color': (e) => EDGE_COLORS[e.data('type')] || '#90a4ae',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        opacity: 0.85,
        'font-family': FONT_STACK,
        'font-size': 10,
        color: '#37474f',
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
      },
    },
    { selector: 'edge[type = "ADJACENT_TO"]', style: { 'target-arrow-shape': 'none', width: 1.2 } },
    { selector: 'edge[type = "MEMBER_OF"]', style: { width: 1.8 } },
    // Provenance of edges.
    { selector: 'edge[prov = "INFERRED"]', style: { 'line-style': 'dashed', 'line-dash-pattern': INFERRED_DASH, opacity: 0.8 } },
    { selector: 'edge[prov = "ILLUSTRATIVE"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [6, 4], opacity: 0.65 } },
    { selector: 'edge[prov = "SYNTHETIC"]', style: { 'line-style': 'dotted', opacity: 0.6 } },
    // Pairings: a bowed line from mentor to mentee with a large arrowhead at
    // the mentee, over the group boxes; an illustrative one keeps its dashes,
    // long ones, at full strength.
    {
      selector: 'edge[type = "MENTORS"]',
      style: {
        width: 3.5, 'curve-style': 'unbundled-bezier', 'control-point-distances': 26, 'control-point-weights': 0.5,
        'target-arrow-shape': 'triangle', 'arrow-scale': 1.5, opacity: 1, 'z-index': 15,
      },
    },
    { selector: 'edge[type = "MENTORS"][prov = "ILLUSTRATIVE"]', style: { 'line-dash-pattern': [11, 4], opacity: 0.95 } },
    // The overview's folded groups (overview.js): a stack of their members'
    // colour, the count under the name.
    {
      selector: 'node[?group]',
      style: {
        shape: 'round-rectangle', width: (n) => 1.6 * (n.data('size') || 40), 'border-style': 'double', 'border-width': 5,
        'background-opacity': 0.3, 'font-weight': 600,
      },
    },
    // A node with something folded below it: a thicker border.
    { selector: 'node[badge][!group]', style: { 'border-width': 3.5 } },
    // Membership shown by containment instead of a line.
    { selector: 'edge.implied', style: { display: 'none' } },
    // A member's edge that repeats its group's own (a village under the street
    // committee whose alliance is too): drawn faint.
    { selector: 'edge.via-group', style: { opacity: 0.22, width: 1, 'target-arrow-shape': 'none' } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: 'edge.labelled', style: { label: 'data(display)' } },
    // The relation under the pointer in the side panel's list.
    {
      selector: 'edge.hl',
      style: { width: 5, 'line-color': '#1565c0', 'target-arrow-color': '#1565c0', opacity: 1, 'z-index': 30, label: 'data(display)', display: 'element' },
    },
    // Interaction.
    {
      selector: 'node:selected',
      style: { 'overlay-color': '#ffb300', 'overlay-opacity': 0.25, 'overlay-padding': 6, 'border-width': 4, 'border-color': '#ff8f00' },
    },
    { selector: 'edge:selected', style: { width: 4, 'line-color': '#ff8f00', 'target-arrow-color': '#ff8f00', opacity: 1, label: 'data(display)' } },
    { selector: '.faded', style: { opacity: 0.12, 'text-opacity': 0.25 } },
    { selector: 'node:parent.faded', style: { opacity: 0.35 } },
    {
      selector: 'node.path',
      style: { 'border-color': '#ff6f00', 'border-width': 5, 'border-style': 'solid', opacity: 1, 'text-opacity': 1, 'z-index': 20, 'font-weight': 700 },
    },
    {
      selector: 'edge.path',
      style: {
        'line-color': '#ff6f00', 'target-arrow-color': '#ff6f00', width: 5, opacity: 1, 'z-index': 20,
        label: 'data(display)', 'font-weight': 700,
      },
    },
    { selector: 'node.path-end', style: { 'overlay-color': '#ff6f00', 'overlay-opacity': 0.22, 'overlay-padding': 8 } },
    { selector: 'node.focus', style: { 'overlay-color': '#1565c0', 'overlay-opacity': 0.18, 'overlay-padding': 10 } },
    { selector: 'node.fresh', style: { 'overlay-color': '#00c853', 'overlay-opacity': 0.35, 'overlay-padding': 10 } },
  ];
}
