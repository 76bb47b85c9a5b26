// GraphiQL for orgnet, bundled with esbuild and served offline from the Go
// binary (see ../build.mjs and ../../web.go). Nothing here may load anything
// from a host other than the page's own origin.
import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import 'graphiql/style.css';
import './app.css';
// Tabs built into the page, opened after the served examples: as-of and
// history, centrality and communities, a simulation. Not in examples.json,
// which the server's warm-up and cmd/loadtest also run (see ../../web.go).
import builtInTabs from './tabs.json';

// --- Monaco workers -------------------------------------------------------
// GraphiQL 5 uses Monaco, which runs its language services in web workers.
// build.mjs bundles each worker into its own file next to main.js; load them
// from there (never from a CDN). URLs are resolved relative to this bundle so
// the page works wherever it is mounted (e.g. /graphiql/).
const workerURL = (file) => new URL(file, import.meta.url).href;
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new Worker(workerURL('json.worker.js'));
      case 'graphql':
        return new Worker(workerURL('graphql.worker.js'));
      default:
        return new Worker(workerURL('editor.worker.js'));
    }
  },
};

// --- Fetcher ----------------------------------------------------------------
// Queries and mutations: HTTP POST to /graphql on the same origin.
// Subscriptions: graphql-ws over ws(s)://<host>/graphql. The client is lazy,
// so no socket is opened until a subscription is actually run.
const graphqlURL = new URL('/graphql', window.location.href);
const wsURL = new URL(graphqlURL.href);
wsURL.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({
  url: graphqlURL.href,
  wsClient: createClient({ url: wsURL.href, lazy: true }),
});

// --- Examples ---------------------------------------------------------------
// GET examples.json relative to the page, i.e. /graphiql/examples.json when
// mounted at /graphiql/. Format: [{"name": "...", "query": "...",
// "variables": {...}}]. Each example becomes a GraphiQL tab.
const DEFAULT_QUERY = '{ __typename }\n';
const EXAMPLES_URL = 'examples.json';

// normalizeExamples validates the fetched JSON and drops malformed entries.
function normalizeExamples(data) {
  if (!Array.isArray(data)) return [];
  return data
    .filter((e) => e && typeof e === 'object' && typeof e.query === 'string' && e.query.trim() !== '')
    .map((e, i) => {
      let variables = '';
      if (typeof e.variables === 'string') {
        variables = e.variables;
      } else if (e.variables && typeof e.variables === 'object' && Object.keys(e.variables).length > 0) {
        variables = JSON.stringify(e.variables, null, 2);
      }
      const name = typeof e.name === 'string' && e.name.trim() !== '' ? e.name.trim() : `Example ${i + 1}`;
      return { name, query: e.query, variables };
    });
}

// operationName turns an example name into a GraphQL operation name
// ("Who reports to Ada?" -> "WhoReportsToAda").
function operationName(name) {
  const words = name.match(/[A-Za-z0-9]+/g) || [];
  const op = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  if (op === '') return 'Example';
  return /^[0-9]/.test(op) ? `Example${op}` : op;
}

// exampleTabQuery is the text an example's tab opens with. GraphiQL titles a
// tab after its operation name, so an anonymous shorthand query ("{ ... }",
// which must then be the document's only operation) is given one derived from
// the example's name; the name itself goes on top as a comment unless the
// query already mentions it.
function exampleTabQuery(ex) {
  let q = ex.query.endsWith('\n') ? ex.query : ex.query + '\n';
  const body = q.replace(/^(?:\s|,|#[^\n]*\n)*/, '');
  if (body.startsWith('{')) {
    q = q.slice(0, q.length - body.length) + `query ${operationName(ex.name)} ` + body;
  }
  if (q.includes(ex.name)) return q;
  return `# ${ex.name.replace(/\s+/g, ' ')}\n${q}`;
}

async function loadExamples() {
  try {
    const res = await fetch(EXAMPLES_URL, { headers: { Accept: 'application/json' }, cache: 'no-cache' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return normalizeExamples(await res.json());
  } catch (err) {
    console.warn('orgnet: could not load examples.json, using default query:', err);
    return [];
  }
}

function ExamplesIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor"
      strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M4 5h16M4 10h16M4 15h10M4 20h7" />
    </svg>
  );
}

// examplesPlugin lists the named examples in GraphiQL's sidebar. Clicking one
// switches to its tab if it is still open unchanged, or opens it in a new tab.
function examplesPlugin(examples) {
  function ExamplesContent() {
    const { addTab, changeTab } = useGraphiQLActions();
    const { tabs, queryEditor, variableEditor } = useGraphiQL((s) => ({
      tabs: s.tabs,
      queryEditor: s.queryEditor,
      variableEditor: s.variableEditor,
    }));
    const open = (ex) => {
      const query = exampleTabQuery(ex);
      const idx = tabs.findIndex((t) => t.query === query);
      if (idx >= 0) {
        changeTab(idx);
        return;
      }
      addTab();
      queryEditor?.setValue(query);
      variableEditor?.setValue(ex.variables);
    };
    return (
      <div className="orgnet-examples">
        <div className="graphiql-doc-explorer-title">Examples</div>
        {examples.length === 0 ? (
          <p className="orgnet-examples-empty">No examples available.</p>
        ) : (
          <ul>
            {examples.map((ex, i) => (
              <li key={i}>
                <button type="button" className="graphiql-un-styled orgnet-example" onClick={() => open(ex)}>
                  {ex.name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return { title: 'Examples', icon: ExamplesIcon, content: ExamplesContent };
}

async function main() {
  const examples = [...(await loadExamples()), ...normalizeExamples(builtInTabs)];
  const defaultTabs =
    examples.length > 0
      ? examples.map((ex) => ({ query: exampleTabQuery(ex), variables: ex.variables }))
      : [{ query: DEFAULT_QUERY }];
  const plugins = [HISTORY_PLUGIN];
  if (examples.length > 0) plugins.push(examplesPlugin(examples));

  createRoot(document.getElementById('graphiql')).render(
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      defaultTabs={defaultTabs}
      plugins={plugins}
      defaultEditorToolsVisibility={examples.some((ex) => ex.variables !== '')}
    />,
  );
}

main();
