// Builds the offline network viewer into dist/ (committed; embedded by ../web.go).
//
//   dist/index.html   page, references its assets with relative paths
//   dist/main.js      the application (ES module): Cytoscape.js, dagre, fCoSE, graphql-ws
//   dist/main.css     styles (no web fonts: CJK glyphs come from the system)
//
// Usage: node build.mjs   (after `npm ci`; see ../build.sh)
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await esbuild.build({
  entryPoints: { main: 'src/main.js' },
  outdir: dist,
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Keep licence notices, but out of the bundles (dist/*.LEGAL.txt).
  legalComments: 'linked',
  logLevel: 'warning',
  absWorkingDir: here,
});
await copyFile(path.join(here, 'src/index.html'), path.join(dist, 'index.html'));

let total = 0;
for (const f of (await readdir(dist)).sort()) {
  const { size } = await stat(path.join(dist, f));
  total += size;
  console.log(`  dist/${f.padEnd(28)} ${(size / 1024).toFixed(1).padStart(8)} KiB`);
}
console.log(`  ${'total'.padEnd(33)} ${(total / 1024).toFixed(1).padStart(8)} KiB`);
