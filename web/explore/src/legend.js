// The sidebar legend: what colours, shapes, lines and line styles mean, for
// what is drawn.
import { $, el, pretty } from './dom.js';
import { RELATIONS, relationRank, typeName } from './relations.js';
import { EDGE_COLORS, KIND_GROUPS, NEUTRAL, SHAPES, kindGroup, paletteColor } from './style.js';

/**
 * renderLegend redraws the legend for what cy draws and for state's colour,
 * size and names settings; allianceColours() maps alliance ids to colours.
 */
export function renderLegend({ cy, state, allianceColours }) {
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

  // Lines: one entry per relation drawn, with its colour and direction.
  const types = [...new Set(cy.edges().map((e) => e.data('type')))].sort((a, b) => relationRank(a) - relationRank(b) || (a < b ? -1 : 1));
  const lines = el('ul', { class: 'legend-lines', 'data-testid': 'legend-relations' });
  for (const t of types) {
    const pairing = t === 'MENTORS';
    const undirected = t === 'ADJACENT_TO';
    const r = RELATIONS[t];
    lines.append(
      el('li', { 'data-relation': t, title: r ? `${t}: ${r.what}` : t },
        el('span', { class: `rel-sample${pairing ? ' pairing' : ''}${undirected ? ' undirected' : ''}`, style: `color:${EDGE_COLORS[t] || '#90a4ae'}` }, el('i'), el('b')),
        el('span', {},
          pairing ? `${typeName(t, state.names)}: mentor → mentee (以强带弱)` : typeName(t, state.names),
          ' ', el('span', { class: 'rel-type', text: t }),
        ),
      ),
    );
  }
  lg.append(lines);

  lg.append(
    el('ul', { class: 'legend-provenance', 'data-testid': 'legend-provenance' },
      el('li', {}, el('span', { class: 'prov prov-article' }), el('span', { class: 'line-sample solid' }), 'ARTICLE — stated in a source (quoted)'),
      el('li', {}, el('span', { class: 'prov prov-inferred' }), el('span', { class: 'line-sample dashdot' }), 'INFERRED — from a quote, with reasoning'),
      el('li', {}, el('span', { class: 'prov prov-illustrative' }), el('span', { class: 'line-sample dashed' }), 'ILLUSTRATIVE — invented to fill gaps'),
      el('li', {}, el('span', { class: 'prov prov-synthetic' }), el('span', { class: 'line-sample dotted' }), 'SYNTHETIC — generated'),
      el('li', {}, el('span', { class: 'prov prov-user' }), 'USER — entered by a user'),
    ),
  );
  if (state.size !== 'tier') lg.append(el('p', { class: 'note', text: `Size: ${pretty(state.size)} centrality (server, whole graph)` }));
  else lg.append(el('p', { class: 'note', text: 'Size: tier 1 > tier 2 > tier 3 > others' }));
}
