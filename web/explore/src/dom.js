// Small DOM helpers shared by the explorer's modules.

/** $ returns the element with this id. */
export const $ = (id) => document.getElementById(id);

/**
 * el creates an element: attrs holds attributes, `class`, `text` (its text)
 * and on<event> listeners; kids are appended (null ones skipped).
 */
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

/** pretty turns an enum value into words: SUB_ORGANISATION_OF → "sub organisation of". */
export const pretty = (s) => String(s || '').toLowerCase().replace(/_/g, ' ');

/** plural: plural(1, 'hop') → "1 hop", plural(3, 'hop') → "3 hops". */
export const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
