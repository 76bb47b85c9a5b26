// draw.mjs MODULES FILE...: loads each Cytoscape.js export (orgnet's
// /export/cytoscape, or {"elements": [...]} as GraphQL's Subgraph.elements
// gives them) into the real Cytoscape.js, headless, twice (as the elements
// of a new instance, and as a whole document through cy.json), lays it out,
// and prints one JSON line per file with what it drew. A file
// {"script": "...", "data": {...}} is a script such as the README's, run
// with cytoscape, data and container (none: headless) in scope, that makes
// const cy. Any warning Cytoscape.js gives (an edge to a missing node, a bad
// parent) is reported. MODULES is a directory whose node_modules holds
// cytoscape (web/explore after npm ci).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(join(modules, 'package.json'));
const cytoscape = require('cytoscape');

const warnings = [];
console.warn = (...a) => warnings.push(a.join(' '));
console.error = (...a) => warnings.push(a.join(' '));

for (const file of files) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  warnings.length = 0;
  const cy = doc.script
    ? new Function('cytoscape', 'data', 'container', `${doc.script}\nreturn cy;`)(cytoscape, doc.data, undefined)
    : cytoscape({ headless: true, elements: doc.elements });
  cy.layout({ name: 'grid', animate: false }).run(); // cose gives compound nodes no position headless
  const positioned = cy.nodes().filter((n) => Number.isFinite(n.position('x')) && Number.isFinite(n.position('y'))).length;
  const whole = cytoscape({ headless: true });
  whole.json(doc.script ? cy.json() : doc);
  const sample = {};
  for (const id of process.env.SAMPLE_IDS ? process.env.SAMPLE_IDS.split(',') : []) {
    const el = cy.getElementById(id);
    if (el.nonempty()) {
      sample[id] = {
        label: el.data('label'),
        type: el.data('type'),
        parent: el.isNode() ? el.data('parent') ?? null : null,
        provenanceSource: el.data('provenance')?.source ?? null,
        attrProvenanceKeys: Object.keys(el.data('attrProvenance') ?? {}),
        attributeKeys: (el.data('attributes') ?? []).map((a) => a.key),
        source: el.isEdge() ? el.source().id() : null,
        target: el.isEdge() ? el.target().id() : null,
      };
    }
  }
  console.log(JSON.stringify({
    file,
    cytoscape: cytoscape.version,
    nodes: cy.nodes().length,
    edges: cy.edges().length,
    parents: cy.nodes(':parent').length,
    children: cy.nodes(':child').length,
    positioned,
    wholeNodes: whole.nodes().length,
    wholeEdges: whole.edges().length,
    warnings: [...warnings],
    sample,
  }));
}
