// Filters by node kind and relationship type, built from what is drawn.
import { $, el, pretty } from './dom.js';
import { relationRank, typeName } from './relations.js';
import { EDGE_COLORS, kindGroup } from './style.js';

export function kindKey(n) {
  return `${n.data('type')}:${n.data('kind')}`;
}

/** applyFilters hides the nodes and edges whose kind or type is unchecked. */
export function applyFilters({ cy, state }) {
  cy.batch(() => {
    cy.nodes().forEach((n) => n.toggleClass('hidden', state.hiddenKinds.has(kindKey(n))));
    cy.edges().forEach((e) => e.toggleClass('hidden', state.hiddenRelations.has(e.data('type'))));
  });
}

/** renderFilters rebuilds both filter lists; a change calls app.refreshView(). */
export function renderFilters(app) {
  const { cy, state } = app;
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
            app.refreshView();
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
  for (const [t, count] of [...rels.entries()].sort((a, b) => relationRank(a[0]) - relationRank(b[0]) || (a[0] < b[0] ? -1 : 1))) {
    rbox.append(
      el('label', { class: 'filter', title: t },
        el('input', {
          type: 'checkbox', 'data-testid': 'filter-relation', 'data-relation': t, checked: !state.hiddenRelations.has(t),
          onchange: (ev) => {
            if (ev.target.checked) state.hiddenRelations.delete(t);
            else state.hiddenRelations.add(t);
            app.refreshView();
          },
        }),
        el('span', { class: 'line', style: `background:${EDGE_COLORS[t] || '#90a4ae'}` }),
        el('span', { class: 'name', text: typeName(t, state.names) }),
        el('span', { class: 'count', text: String(count) }),
      ),
    );
  }
}
