// elements.mjs MODULES CASES: feeds GraphQL answers to the real Cytoscape.js,
// headless, and prints one JSON line per case with what it drew. CASES is a
// JSON file of [{name, elements, sample}] (elements passed to
// cytoscape({elements}) as they are) or [{name, script, data, sample}] (a
// script, such as the README's, run with cytoscape, data and container in
// scope, that makes const cy). Any warning or error Cytoscape.js gives is
// reported. MODULES is a directory whose node_modules holds cytoscape
// (web/explore after npm ci).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [modules, casesFile] = process.argv.slice(2);
const require = createRequire(join(modules, 'package.json'));
const cytoscape = require('cytoscape');

const warnings = [];
console.warn = (...a) => warnings.push(a.join(' '));
console.error = (...a) => warnings.push(a.join(' '));

for (const c of JSON.parse(readFileSync(casesFile, 'utf8'))) {
  warnings.length = 0;
  const out = { name: c.name, cytoscape: cytoscape.version, warnings };
  try {
    let cy;
    if (c.script) {
      // The container a page would give; none here: Cytoscape.js runs headless.
      cy = new Function('cytoscape', 'data', 'container', `${c.script}\nreturn cy;`)(cytoscape, c.data, undefined);
    } else {
      cy = cytoscape({ headless: true, elements: c.elements });
    }
    cy.layout({ name: 'grid', animate: false }).run();
    Object.assign(out, {
      nodes: cy.nodes().length,
      edges: cy.edges().length,
      parents: cy.nodes(':parent').length,
      children: cy.nodes(':child').length,
      positioned: cy.nodes().filter((n) => Number.isFinite(n.position('x')) && Number.isFinite(n.position('y'))).length,
      sample: {},
    });
    for (const id of c.sample || []) {
      const el = cy.getElementById(id);
      if (el.empty()) continue;
      out.sample[id] = {
        label: el.data('label'),
        type: el.data('type'),
        parent: el.isNode() ? (el.parent().nonempty() ? el.parent().id() : null) : null,
        source: el.isEdge() ? el.source().id() : null,
        target: el.isEdge() ? el.target().id() : null,
        provenanceSource: el.data('provenance')?.source ?? null,
        attributeKeys: (el.data('attributes') || []).map((a) => a.key),
      };
    }
  } catch (e) {
    out.error = String(e && e.message ? e.message : e);
  }
  console.log(JSON.stringify(out));
}
