// Builds the offline GraphiQL page into dist/ (committed; embedded by ../web.go).
//
//   dist/index.html          page, references assets with relative paths
//   dist/main.js             the application bundle (ES module)
//   dist/main.css            all styles (GraphiQL + Monaco; fonts inlined as data: URLs)
//   dist/editor.worker.js    Monaco's base editor worker
//   dist/json.worker.js      Monaco's JSON worker (variables/headers editors)
//   dist/graphql.worker.js   monaco-graphql's language-service worker
//
// Usage: node build.mjs   (after `npm ci`; see ../build.sh)
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const nm = path.join(here, 'node_modules');

// Monaco's ESM sources `import './x.css'` themselves; graphiql/style.css already
// contains all of Monaco's CSS (same Monaco version, codicon font inlined), so
// drop those imports instead of shipping the styles twice.
const skipMonacoCSS = {
  name: 'skip-monaco-css',
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) => {
      if (args.importer.includes(`${path.sep}node_modules${path.sep}monaco-editor${path.sep}`)) {
        return { path: args.path, namespace: 'skip-monaco-css' };
      }
      return undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'skip-monaco-css' }, () => ({ contents: '', loader: 'css' }));
  },
};

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // Keep licence notices, but out of the bundles (dist/*.LEGAL.txt).
  legalComments: 'linked',
  logLevel: 'warning',
  absWorkingDir: here,
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const app = esbuild.build({
  ...common,
  entryPoints: { main: 'src/main.jsx' },
  outdir: dist,
  format: 'esm',
  jsx: 'automatic',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
  assetNames: '[name]-[hash]',
  plugins: [skipMonacoCSS],
  metafile: true,
});

// Workers are classic (non-module) scripts: IIFE bundles, one file each.
const workers = esbuild.build({
  ...common,
  entryPoints: {
    'editor.worker': path.join(nm, 'monaco-editor/esm/vs/editor/editor.worker.js'),
    'json.worker': path.join(nm, 'monaco-editor/esm/vs/language/json/json.worker.js'),
    'graphql.worker': path.join(nm, 'monaco-graphql/esm/graphql.worker.js'),
  },
  outdir: dist,
  format: 'iife',
  metafile: true,
});

await Promise.all([app, workers]);
await copyFile(path.join(here, 'src/index.html'), path.join(dist, 'index.html'));

let total = 0;
for (const f of (await readdir(dist)).sort()) {
  const { size } = await stat(path.join(dist, f));
  total += size;
  console.log(`  dist/${f.padEnd(28)} ${(size / 1024).toFixed(1).padStart(8)} KiB`);
}
console.log(`  ${'total'.padEnd(33)} ${(total / 1024).toFixed(1).padStart(8)} KiB`);
