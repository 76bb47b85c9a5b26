// The side panel of the selected node: its properties, provenance with the
// article's sentence, attributes with their own provenance, and the relations
// drawn from it, each one a button that selects and centres the other end.
import * as api from './api.js';
import { $, el, pretty } from './dom.js';
import { describe, relationRank } from './relations.js';

// Above this many, a selected node's lines are not all labelled on the
// drawing (the street committee has ~25): the panel lists them anyway.
const MAX_LABELLED = 16;

function fmt(v) {
  if (v == null) return '—';
  if (typeof v === 'number') return v.toLocaleString('en');
  return String(v);
}

function provBadge(p) {
  const src = (p && p.source) || 'ARTICLE';
  return el('span', { class: `badge badge-${src.toLowerCase()}`, 'data-testid': 'provenance-source', text: src });
}

/**
 * createPanel returns {show(node), hide(), follow(edgeId, otherId)} over app
 * ({cy, state, focus(id)}).
 */
export function createPanel(app) {
  const { cy, state } = app;
  let token = 0;
  let trailTimer = null;

  const displayName = (n) => (state.names === 'en' && n.data('nameEn')) || n.data('name');

  // The relations of node that are drawn (not filtered out), hierarchy first.
  function relationsSection(node) {
    const id = node.id();
    const edges = node.connectedEdges().filter((e) => !e.hasClass('hidden')).toArray();
    const rows = edges.map((e) => {
      const out = e.source().id() === id;
      const other = out ? e.target() : e.source();
      return { e, out, other, d: describe(e, state.names) };
    });
    rows.sort((a, b) => relationRank(a.d.type) - relationRank(b.d.type) || Number(b.out) - Number(a.out)
      || (displayName(a.other) < displayName(b.other) ? -1 : 1));
    const list = el('ul', { class: 'relations', 'data-testid': 'panel-relations' });
    for (const { e, out, other, d } of rows) {
      const hl = (on) => e.toggleClass('hl', on);
      list.append(el('li', {},
        el('button', {
          type: 'button', class: `prov-${String(d.prov || '').toLowerCase()}`,
          'data-testid': 'panel-relation', 'data-edge-id': e.id(), 'data-other-id': other.id(), 'data-type': d.type,
          title: `${d.label} · ${d.type}: ${d.ends} (${d.prov}). Click to go to ${displayName(other)}.`,
          onclick: () => follow(e.id(), other.id()),
          onmouseenter: () => hl(true),
          onmouseleave: () => hl(false),
          onfocus: () => hl(true),
          onblur: () => hl(false),
        },
        el('span', { class: 'dir', text: out ? '→' : '←', title: out ? 'from this node' : 'to this node' }),
        el('span', { class: 'rel', text: d.label }),
        el('span', { class: 'other', text: displayName(other) }),
        ),
      ));
    }
    return el('section', { class: 'panel-relations' },
      el('h3', { text: `Drawn relations (${rows.length})` }),
      rows.length ? list : el('p', { class: 'meta', text: 'None drawn: Expand adds its neighbours.' }),
    );
  }

  /** follow selects and centres the other end of a listed relation, and marks the line. */
  async function follow(edgeId, otherId) {
    cy.edges('.hl').removeClass('hl');
    try {
      await app.focus(otherId);
    } catch {
      return; // focus has reported it
    }
    const e = cy.getElementById(edgeId);
    clearTimeout(trailTimer);
    e.addClass('hl');
    trailTimer = setTimeout(() => e.removeClass('hl'), 2500);
  }

  function label(node) {
    cy.edges('.labelled').removeClass('labelled');
    const edges = node.connectedEdges();
    if (edges.length <= MAX_LABELLED) edges.addClass('labelled');
  }

  async function show(node) {
    const id = node.id();
    const t = ++token;
    state.selected = id;
    const panel = $('panel');
    const opening = panel.hidden;
    panel.hidden = false;
    panel.dataset.nodeId = id;
    if (opening) cy.resize();
    cy.edges('.hl').removeClass('hl');
    label(node);
    const body = $('panel-body');
    const d = node.data();
    body.replaceChildren(
      el('h2', { 'data-testid': 'panel-title', text: d.name }),
      el('p', { class: 'sub', text: d.nameEn || '' }),
      el('p', { class: 'meta', text: `${pretty(d.type)} · ${pretty(d.kind)}${d.tier ? ' · tier ' + d.tier : ''}` }),
      el('p', { class: 'loading', text: 'Loading…' }),
      relationsSection(node),
    );
    try {
      const n = await api.nodeDetails(id);
      if (t !== token) return;
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
        n.provenance.sourceDocument ? el('p', { class: 'source-title', 'data-testid': 'provenance-source-title', text: `source: ${n.provenance.sourceDocument.title}` }) : null,
        n.provenance.reasoning ? el('p', { class: 'reasoning', 'data-testid': 'provenance-reasoning', text: `reasoning: ${n.provenance.reasoning}` }) : null,
        n.provenance.ref ? el('p', { class: 'ref', text: `ref: ${n.provenance.ref}` }) : null,
      );
      const attrs = el('section', { class: 'attributes' }, el('h3', { text: `Attributes (${n.attributes.length})` }));
      if (n.attributes.length) {
        const at = el('table', { class: 'props', 'data-testid': 'panel-attributes' });
        for (const a of n.attributes) {
          const quote = a.provenance.quote
            ? el('div', { class: 'attr-quote', text: a.provenance.reasoning ? `${a.provenance.quote} — ${a.provenance.reasoning}` : a.provenance.quote })
            : null;
          at.append(
            el('tr', { class: `attr attr-${(a.provenance.source || '').toLowerCase()}` },
              el('th', { text: a.key }),
              el('td', {}, fmt(typeof a.value === 'object' ? JSON.stringify(a.value) : a.value), ' ', provBadge(a.provenance), quote),
            ),
          );
        }
        attrs.append(at);
      }
      const live = cy.getElementById(id);
      body.replaceChildren(
        el('h2', { 'data-testid': 'panel-title', text: n.name }),
        el('p', { class: 'sub', text: n.nameEn || '' }),
        el('p', { class: 'meta', text: `${pretty(n.label)} · ${pretty(n.orgKind || n.allianceKind || n.kindName)}` }),
        table,
        prov,
        live.nonempty() ? relationsSection(live) : null,
        attrs,
      );
    } catch (err) {
      if (t !== token) return;
      body.append(el('p', { class: 'error', text: `Could not load details: ${err.message}` }));
    }
  }

  function hide() {
    state.selected = null;
    token++;
    $('panel').hidden = true;
    delete $('panel').dataset.nodeId;
    cy.edges('.labelled, .hl').removeClass('labelled hl');
    cy.resize();
  }

  return { show, hide, follow };
}
