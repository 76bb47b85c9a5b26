// Live updates: graphChanged events re-fetch the touched nodes (and their
// edges to what is drawn), remove deleted nodes and edges, and after a
// reconnect re-read every drawn node (the changes made while the socket was
// down were not streamed).
import * as api from './api.js';
import { $, plural } from './dom.js';
import { merge } from './graph.js';

const EDGE_ID = /^([A-Z_]+):(.+)->(.+)$/;

// resync re-reads these fields of every drawn node.
const RESYNC_NODE = `id name nameEn provenance { source } ... on Organisation { tier }`;

// resync asks for this many nodes per request, each an aliased root field
// node(id:): the server refuses an operation with more than 20 root fields
// or 30 aliases (server/policy/limits.go DefaultMaxRootFields,
// DefaultMaxAliases), so 100 at once was refused as a whole.
export const RESYNC_BATCH = 20;

/**
 * createLive returns {setStatus(status), onChange(change), done(), resync()}:
 * done() is the promise of the changes being applied. app: {cy, state,
 * refreshView, flash, showPanel, hidePanel, setStatus, reportError,
 * onNetworkChange}.
 */
export function createLive(app) {
  const { cy, state } = app;
  let pending = new Set();
  let pendingDeletes = new Set();
  let timer = null;
  let chain = Promise.resolve();
  let wasLive = false;

  function setStatus(status) {
    if (status === 'live') {
      if (wasLive && state.live !== 'live') {
        chain = chain.then(resync).catch((err) => app.reportError('Resync', err));
      }
      wasLive = true;
    }
    state.live = status;
    const l = $('live');
    l.textContent = `live: ${status}`;
    l.className = `live ${status}`;
    l.dataset.status = status;
  }

  function onChange(change) {
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
    clearTimeout(timer);
    timer = setTimeout(() => {
      const ups = pending;
      const dels = pendingDeletes;
      pending = new Set();
      pendingDeletes = new Set();
      chain = chain.then(() => apply(ups, dels)).catch((err) => app.reportError('Live update', err));
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

  async function apply(ups, dels) {
    // The planning view draws its own network (plan.js): it is told, and
    // offers to read it again; the explorer's view is read afresh on leaving.
    if (state.plan && state.plan.active) {
      if (ups.size || dels.size) app.onNetworkChange();
      return;
    }
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
      await app.refreshView({ layout: added.nonempty() || dels.size > 0, fit: false });
      app.flash(added);
      app.setStatus(`Live update: ${plural(ups.size + dels.size, 'change')} applied.`);
    }
    if (state.selected) {
      if (cy.getElementById(state.selected).nonempty()) app.showPanel(cy.getElementById(state.selected));
      else app.hidePanel();
    }
  }

  async function resync() {
    const ids = cy.nodes().filter((n) => !n.data('group')).map((n) => n.id());
    const gone = [];
    for (let i = 0; i < ids.length; i += RESYNC_BATCH) {
      const chunk = ids.slice(i, i + RESYNC_BATCH);
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
          const node = cy.getElementById(id);
          if (node.data('name') !== n.name) node.data('name', n.name);
          if ((node.data('nameEn') || '') !== (n.nameEn || '')) node.data('nameEn', n.nameEn || '');
          if (node.data('source') !== n.provenance.source) node.data('source', n.provenance.source);
          if (typeof n.tier === 'number' && node.data('tier') !== n.tier) node.data('tier', n.tier);
        });
      });
    }
    const removed = removeIds(gone);
    await app.refreshView({ layout: removed > 0, fit: false });
    app.setStatus(`Live updates back${removed ? `: ${plural(removed, 'node')} gone meanwhile` : ''}.`);
  }

  return {
    setStatus, onChange, done: () => chain,
    // resync (for tests): re-read every drawn node, as after a reconnect.
    resync: () => {
      chain = chain.then(resync);
      return chain;
    },
  };
}
