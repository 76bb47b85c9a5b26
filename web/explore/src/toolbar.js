// The toolbar: as-of date, layout, colour, size, names, alliances as groups,
// fit, exports, and the settings read from the page's URL. Colour by
// community and size by centrality ask the server (optional features, greyed
// out when it lacks them).
import * as api from './api.js';
import { $, pretty } from './dom.js';

/** createToolbar wires the controls; returns {readParams(), setSize, setColour, greyOutOptional}. */
export function createToolbar(app) {
  const { cy, state } = app;

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
        app.setStatus('This server has no centrality field yet.', 'error');
        return;
      }
      try {
        const rel = f.relations ? visibleRelations() : undefined;
        const scores = await api.centrality(measure, { relations: rel, top: 1000 });
        state.scores.set(measure, new Map(scores.map((s) => [s.id, s.score])));
        app.setStatus(`Sized by ${pretty(measure)} centrality (top: ${scores.slice(0, 3).map((s) => (cy.getElementById(s.id).data('name') || s.id)).join(', ')}).`);
      } catch (err) {
        app.reportError(`Centrality (${measure})`, err);
        state.size = 'tier';
        $('size').value = 'tier';
      }
    }
    app.restyle();
    await app.runLayout({ fit: false, randomize: false });
  }

  async function setColour(mode) {
    state.colour = mode;
    if (mode === 'community') {
      if (!state.features.communities) {
        state.colour = 'kind';
        $('colour').value = 'kind';
        app.setStatus('This server has no communities field yet.', 'error');
        app.restyle();
        return;
      }
      try {
        const rel = state.features.communities.relations ? visibleRelations() : undefined;
        const part = await api.communities({ relations: rel });
        const m = new Map();
        for (const c of part.communities) for (const id of c.members) m.set(id, c.id);
        state.communities = m;
        app.setStatus(`${part.communities.length} communities, modularity ${part.modularity.toFixed(3)}.`);
      } catch (err) {
        app.reportError('Communities', err);
        state.colour = 'kind';
        $('colour').value = 'kind';
      }
    }
    app.restyle();
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

  // Settings from the page's URL: ?layout=force&colour=alliance&compound=0&names=en&focus=<id>&scenario=<id>&plan=1&within=<id>
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
    return {
      focus: q.get('focus'), root: q.get('root'), overview: q.get('overview') === '1',
      // The planning mode: ?scenario=ID opens a saved scenario, ?plan=1 (with ?within=) the mode itself.
      scenario: q.get('scenario'), plan: q.get('plan') === '1', within: q.get('within'),
    };
  }

  $('layout').addEventListener('change', (ev) => {
    state.layout = ev.target.value;
    app.runLayout({ animate: true, fit: true, randomize: true });
  });
  $('colour').addEventListener('change', (ev) => setColour(ev.target.value));
  // Typing a date fires a change per digit of the year (0002-09-01,
  // 0020-…, 0201-…, 2016-09-01): dates before the box's minimum are not
  // read, and the view is redrawn once the typing stops.
  let asOfTimer = null;
  $('asof').addEventListener('change', (ev) => {
    const date = ev.target.value;
    clearTimeout(asOfTimer);
    if (date && ev.target.min && date < ev.target.min) return;
    asOfTimer = setTimeout(() => {
      app.redrawAsOf(date).catch((err) => app.setStatus(`Could not read the network as of ${date}: ${err.message}`, 'error'));
    }, 350);
  });
  $('size').addEventListener('change', (ev) => setSize(ev.target.value));
  $('names').addEventListener('change', (ev) => {
    state.names = ev.target.value;
    app.restyle();
    app.renderFilters();
    if (state.selected && cy.getElementById(state.selected).nonempty()) app.showPanel(cy.getElementById(state.selected));
    app.runLayout({ fit: false, randomize: false });
  });
  $('compound').addEventListener('change', (ev) => {
    state.compound = ev.target.checked;
    app.refreshView({ fit: true });
  });
  $('fit').addEventListener('click', () => cy.animate({ fit: { eles: cy.elements(':visible'), padding: 24 }, duration: 300 }));
  $('export-png').addEventListener('click', (ev) => {
    ev.currentTarget.href = app.exportPNG().url;
  });
  $('export-json').addEventListener('click', (ev) => {
    ev.currentTarget.href = app.exportJSON().url;
  });

  return { readParams, setSize, setColour, greyOutOptional };
}
