// Search (Chinese, English, pinyin): hits drop down under the search box; a
// click, or the arrow keys and Enter, picks one, which is then focused
// (added with its neighbours if absent, selected, centred, panel open).
import * as api from './api.js';
import { $, el, pretty } from './dom.js';

/** createSearch wires the search box; returns {run(text), close()}. app: {cy, focus, reportError}. */
export function createSearch(app) {
  const { cy } = app;
  const input = $('search');
  const results = $('search-results');
  let seq = 0;
  let timer = null;

  function close() {
    results.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function render(hits) {
    results.replaceChildren();
    for (const h of hits) {
      const inView = cy.getElementById(h.id).nonempty();
      results.append(
        el('li', {
          role: 'option', 'data-testid': 'search-result', 'data-id': h.id, tabindex: '-1', id: `hit-${results.children.length}`,
          class: `${inView ? 'in-view' : ''} src-${(h.provenance.source || '').toLowerCase()}`,
          // mousedown, not click: the box loses focus (and closes the list) on mousedown.
          onmousedown: (ev) => {
            if (ev.button !== 0) return;
            ev.preventDefault();
            pick(h.id);
          },
        },
        el('span', { class: 'hit-name', text: h.name }),
        el('span', { class: 'hit-en', text: h.nameEn || '' }),
        el('span', { class: 'hit-kind', text: pretty(h.kindName || h.label) }),
        ),
      );
    }
    if (!hits.length) results.append(el('li', { class: 'empty', text: 'No match' }));
    results.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  async function run(text) {
    const s = ++seq;
    if (!text.trim()) {
      close();
      return [];
    }
    try {
      const hits = await api.search(text.trim(), 12);
      if (s !== seq) return hits;
      render(hits);
      return hits;
    } catch (err) {
      app.reportError('Search failed', err);
      return [];
    }
  }

  function pick(id) {
    close();
    return app.focus(id);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value), 180);
  });
  input.addEventListener('keydown', async (ev) => {
    const items = [...results.querySelectorAll('li[data-id]')];
    const at = items.findIndex((li) => li.classList.contains('active'));
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!items.length) return;
      ev.preventDefault();
      const next = ev.key === 'ArrowDown' ? Math.min(items.length - 1, at + 1) : Math.max(0, at - 1);
      items.forEach((li, i) => li.classList.toggle('active', i === next));
      input.setAttribute('aria-activedescendant', items[next].id);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (at >= 0 && !results.hidden) {
        pick(items[at].dataset.id);
        return;
      }
      clearTimeout(timer);
      const hits = await run(input.value);
      if (hits.length) pick(hits[0].id);
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  return { run, close, pick };
}
