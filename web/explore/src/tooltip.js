// A tooltip for the line under the pointer: its relation in words, its type
// as the API names it, its two ends and its provenance.
import { $, el } from './dom.js';
import { describe } from './relations.js';

/** installTooltip shows the tooltip of an edge while the pointer is on it. app: {cy, state}. */
export function installTooltip({ cy, state }) {
  const tip = el('div', { class: 'tooltip', role: 'tooltip', 'data-testid': 'edge-tooltip', hidden: true });
  $('cy').parentElement.append(tip);
  let current = null;

  const place = (pos) => {
    // pos is in the canvas's coordinates; the tooltip is positioned in its parent's.
    const box = $('cy');
    const x = box.offsetLeft + pos.x + 14;
    const y = box.offsetTop + pos.y + 14;
    const maxX = box.offsetLeft + box.clientWidth - tip.offsetWidth - 4;
    tip.style.left = `${Math.max(4, Math.min(x, maxX))}px`;
    tip.style.top = `${y}px`;
  };
  const hide = () => {
    current = null;
    tip.hidden = true;
    delete tip.dataset.edgeId;
  };

  cy.on('mouseover', 'edge', (ev) => {
    const e = ev.target;
    const d = describe(e, state.names);
    current = e.id();
    tip.dataset.edgeId = e.id();
    tip.dataset.type = d.type;
    tip.replaceChildren(
      el('div', {}, el('span', { class: 'tt-label', text: d.label }), el('span', { class: 'tt-type', text: d.type })),
      el('div', { class: 'tt-ends', text: d.ends }),
      el('div', { class: 'tt-what', text: `${d.what ? d.what + ' · ' : ''}${d.prov}` }),
    );
    tip.hidden = false;
    place(ev.renderedPosition);
  });
  cy.on('mousemove', 'edge', (ev) => {
    if (current === ev.target.id()) place(ev.renderedPosition);
  });
  cy.on('mouseout', 'edge', hide);
  cy.on('viewport remove', hide);
  return { hide };
}
