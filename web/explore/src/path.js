// Shortest path between two nodes: "Path from" / "Path to" in the panel, or
// shift-click two nodes. The path is drawn in, highlighted, the rest dimmed.
import * as api from './api.js';
import { $, plural } from './dom.js';
import { merge } from './graph.js';

/** createPath returns {show(from, to), clear(), reapply(), renderBar(), clearClasses()}. */
export function createPath(app) {
  const { cy, state } = app;

  function clearClasses() {
    cy.elements().removeClass('path path-end faded');
  }

  function reapply() {
    clearClasses();
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

  function renderBar() {
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
      bar.textContent = `Shortest path ${name(state.path.from)} → ${name(state.path.to)}: ${plural(state.path.length, 'hop')} · ${state.path.nodeIds.map(name).join(' → ')}`;
    } else {
      bar.textContent = `Path from ${name(state.pathFrom)}: pick the other end (shift-click a node or "Path to").`;
    }
    bar.dataset.length = state.path && !state.path.none ? String(state.path.length) : '';
  }

  async function show(from, to) {
    state.pathFrom = from;
    state.pathTo = to;
    app.setStatus('Finding the shortest path…');
    try {
      const p = await api.shortestPath(from, to);
      if (!p) {
        state.path = { from, to, none: true };
      } else {
        const added = merge(cy, p, cy.getElementById(from).nonempty() ? cy.getElementById(from).position() : null);
        state.path = { from, to, length: p.length, nodeIds: p.nodes.map((n) => n.id), edgeIds: p.edges.map((e) => e.id) };
        await app.refreshView({ layout: added.nonempty(), fit: false });
        // Make sure the whole path is visible.
        const eles = cy.collection(state.path.nodeIds.map((id) => cy.getElementById(id)));
        cy.animate({ fit: { eles, padding: 80 }, duration: 350 });
      }
      state.pathFrom = null;
      state.pathTo = null;
      reapply();
      renderBar();
      app.setStatus(state.path.none ? 'No path.' : `Path of ${plural(state.path.length, 'hop')} highlighted.`);
      return state.path;
    } catch (err) {
      state.pathFrom = null;
      app.reportError('Shortest path failed', err);
      throw err;
    }
  }

  function clear() {
    state.path = null;
    state.pathFrom = null;
    state.pathTo = null;
    clearClasses();
    renderBar();
  }

  /** start remembers node id as the path's start, to be ended by a second pick. */
  function start(id) {
    state.path = null;
    clearClasses();
    state.pathFrom = id;
    renderBar();
  }

  return { show, clear, reapply, renderBar, clearClasses, start };
}
