// Turning API answers into Cytoscape elements and merging them into the view.

export function nodeElement(n) {
  return {
    group: 'nodes',
    data: {
      id: n.id,
      name: n.name || n.label || n.id,
      nameEn: n.nameEn || '',
      type: n.type || 'ORGANISATION',
      kind: n.kind || '',
      tier: typeof n.tier === 'number' ? n.tier : 0,
      source: (n.provenance && n.provenance.source) || 'ARTICLE',
      allianceType: n.allianceType || undefined,
      // The overview's (overview.js): what lies below, and group nodes.
      badge: n.badge || undefined,
      below: typeof n.below === 'number' ? n.below : undefined,
      group: n.group || undefined,
      parentId: n.parentId || undefined,
      count: typeof n.count === 'number' ? n.count : undefined,
    },
  };
}

export function edgeElement(e) {
  return {
    group: 'edges',
    data: {
      id: e.id,
      source: e.source,
      target: e.target,
      type: e.type,
      label: e.label || e.type,
      // The label drawn (Chinese or English): set by restyle in main.js.
      display: e.label || e.type,
      // data(source) of an edge is its source node's id, so an edge's
      // provenance source lives in data(prov).
      prov: (e.provenance && e.provenance.source) || 'ARTICLE',
    },
  };
}

/**
 * merge adds the nodes and edges that are not drawn yet and refreshes the data
 * of those that are. New nodes start next to a drawn neighbour (or at near),
 * so that an animated layout grows them out of it. Edges whose ends are not
 * both drawn are skipped. Returns the added elements.
 */
export function merge(cy, { nodes = [], edges = [] }, near) {
  const added = cy.collection();
  cy.batch(() => {
    const fresh = [];
    for (const n of nodes) {
      const el = nodeElement(n);
      const have = cy.getElementById(n.id);
      if (have.nonempty()) {
        const d = have.data();
        for (const k of ['name', 'nameEn', 'type', 'kind', 'tier', 'source']) {
          if (d[k] !== el.data[k]) have.data(k, el.data[k]);
        }
        if (el.data.allianceType && d.allianceType !== el.data.allianceType) have.data('allianceType', el.data.allianceType);
        continue;
      }
      fresh.push(el);
    }
    if (fresh.length) added.merge(cy.add(fresh));
    const freshEdges = [];
    for (const e of edges) {
      if (cy.getElementById(e.id).nonempty()) {
        const have = cy.getElementById(e.id);
        const el = edgeElement(e);
        if (have.data('prov') !== el.data.prov) have.data('prov', el.data.prov);
        if (have.data('label') !== el.data.label) have.data('label', el.data.label);
        continue;
      }
      if (cy.getElementById(e.source).empty() || cy.getElementById(e.target).empty()) continue;
      freshEdges.push(edgeElement(e));
    }
    if (freshEdges.length) added.merge(cy.add(freshEdges));
    // Place new nodes by their drawn neighbours.
    added.nodes().forEach((n) => {
      const old = n.neighborhood('node').difference(added);
      let p = null;
      if (old.nonempty()) {
        const o = old[0].position();
        p = { x: o.x, y: o.y };
      } else if (near) {
        p = { ...near };
      }
      if (p) n.position({ x: p.x + (Math.random() - 0.5) * 40, y: p.y + (Math.random() - 0.5) * 40 });
    });
  });
  return added;
}
