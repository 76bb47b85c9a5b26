// The planning mode: a planner picks a strategy and its settings, marks
// units "together", "apart" or "fixed" by clicking them, runs a plan and
// sees it drawn over today's network (plandraw.js), reads it in the panel
// (planpanel.js), toggles today/plan, exports a PNG, saves, compares and
// commits scenarios. /explore/?scenario=ID opens a saved one the same way.
// While the mode is on, the canvas holds the planning view only; the
// explorer's view is kept aside and put back when the mode is left.
import { getAsOf } from './api.js';
import { $, el } from './dom.js';
import * as planapi from './planapi.js';
import { MARK_LABELS, applyPlan, sceneElements, showView } from './plandraw.js';
import { conflictBox, renderComparison, renderResult, renderScenario, renderScenarioList } from './planpanel.js';

// The input fields of AllianceSimulationInput, by the <input> that sets them
// (a BAD_USER_INPUT names the field in extensions.field: that box is marked).
const FIELD_INPUTS = {
  strategy: 'plan-strategy', within: 'plan-within', k: 'plan-k', seed: 'plan-seed', moveCost: 'plan-move-cost', resolution: 'plan-resolution', pair: 'plan-pair',
  'constraints.minSize': 'plan-min-size', 'constraints.maxSize': 'plan-max-size', 'constraints.minTotalStrength': 'plan-min-strength',
  'constraints.maxMenteesPerMentor': 'plan-max-mentees', 'constraints.together': 'plan-marks', 'constraints.apart': 'plan-marks', 'constraints.fixed': 'plan-marks',
};
// Which settings each strategy takes (the API refuses the others).
const TAKES = {
  BALANCED: ['plan-k', 'plan-seed', 'plan-move-cost', 'plan-pair', 'plan-min-size', 'plan-max-size', 'plan-min-strength', 'plan-max-mentees', 'marks'],
  COMMUNITY: ['plan-seed', 'plan-resolution', 'plan-pair', 'plan-min-size', 'plan-max-size', 'plan-min-strength', 'plan-max-mentees', 'marks'],
  PAIRINGS: ['plan-seed', 'plan-max-mentees'],
};
const SETTINGS = ['plan-k', 'plan-seed', 'plan-move-cost', 'plan-resolution', 'plan-pair', 'plan-min-size', 'plan-max-size', 'plan-min-strength', 'plan-max-mentees'];

// Above this many units the planning view asks for a scope (a street, a
// district) instead of drawing them: fCoSE on the whole synthetic city
// (2,462 units) takes far longer than a planner waits.
const MAX_DRAWN_UNITS = 800;

const frame = () => new Promise((r) => requestAnimationFrame(() => r()));

/** createPlan returns the planning mode's controller over app ({cy, state, restyle, refreshView, setStatus, redrawAsOf}). */
export function createPlan(app) {
  const { cy, state } = app;
  const P = {
    active: false, me: null, net: null, metrics: [], within: '', result: null, scenario: null, view: 'today', tool: 'inspect',
    marks: new Map(), picked: new Set(), list: [], drawn: null, timings: {}, busy: Promise.resolve(), networkChanged: false, explorerStale: false, quietUntil: 0,
  };
  state.plan = P;
  let saved = null; // the explorer's view while planning

  const msg = (text, kind = 'info') => {
    const m = $('plan-message');
    m.textContent = text;
    m.dataset.kind = kind;
  };
  const fail = (what, err) => {
    const ext = (err && err.errors && err.errors[0] && err.errors[0].extensions) || {};
    const input = FIELD_INPUTS[ext.field];
    if (input) $(input).classList.add('invalid');
    msg(`${what}: ${err && err.message ? err.message : err}${ext.code ? ` (${ext.code}${ext.field ? `, ${ext.field}` : ''})` : ''}`, 'error');
    return err;
  };
  // One action at a time: a click while one runs waits for it.
  const serial = (fn) => (...args) => {
    P.busy = P.busy.then(() => fn(...args), () => fn(...args));
    return P.busy;
  };

  // --- The view ------------------------------------------------------------------------------

  function colourOf(id) {
    const n = cy.getElementById(id);
    return (n.nonempty() && n.data('color')) || '#90a4ae';
  }

  async function redraw({ randomize = false } = {}) {
    showView(cy, P.view, P.marks);
    for (const b of document.querySelectorAll('[data-testid^=plan-view-]')) b.setAttribute('aria-pressed', String(b.dataset.view === P.view));
    $('plan').dataset.view = P.view;
    await app.refreshView({ animate: false, fit: true, randomize: randomize || P.fresh });
    P.fresh = false;
    const units = cy.nodes('.plan-unit').length;
    const groups = cy.nodes('.plan-group').filter((g) => g.visible() && g.isParent()).length;
    app.setStatus(`规划 Planning · ${P.view === 'plan' ? '方案 the plan' : '今天 today'}: ${units} 个村/社区 units in ${groups} 个联合体 alliances${P.scenario ? ` · ${P.scenario.name}` : ''}.`);
  }

  async function loadNetwork(within) {
    const d = await planapi.network(within);
    P.net = d.planningNetwork;
    P.metrics = d.planMetrics;
    P.within = P.net.within ? P.net.within.id : '';
    $('plan-within').value = P.net.within ? P.net.within.name : '';
    $('plan-within').dataset.loaded = $('plan-within').value;
    for (const [id, m] of [...P.marks]) if (!P.net.units.some((u) => u.organisation.id === id)) P.marks.delete(id);
    const def = P.net.defaults;
    $('plan-k').placeholder = `${def.k} (today 今天)`;
    $('plan-min-size').placeholder = String(def.minSize);
    $('plan-max-mentees').placeholder = String(def.maxMenteesPerMentor);
    $('plan-move-cost').placeholder = String(def.moveCost);
    $('plan-scope-note').textContent = `${def.units} 个村/社区 units · ${P.net.alliances.length} 个联合体 alliances · ${P.net.pairings.length} 结对 pairings · ${def.strongRule}`;
    cy.elements().remove();
    if (P.net.units.length > MAX_DRAWN_UNITS) {
      P.drawn = null;
      throw new Error(`${P.net.units.length.toLocaleString('en')} 个村/社区 units are too many to draw at once (at most ${MAX_DRAWN_UNITS}): type a street or district in Scope 范围`);
    }
    cy.add(sceneElements(P.net));
    P.fresh = true; // laid out from scratch once
    P.drawn = applyPlan(cy, P.result);
    P.networkChanged = false;
    $('plan-stale').hidden = true;
    renderMarks();
  }

  // --- Entering and leaving -------------------------------------------------------------------

  async function enter({ within, scenario } = {}) {
    if (P.active) return;
    P.active = true;
    const nodes = cy.nodes().jsons();
    saved = {
      // Parents before their children, nodes before edges.
      elements: [...nodes.filter((n) => !n.data.parent), ...nodes.filter((n) => n.data.parent), ...cy.edges().jsons()],
      pan: cy.pan(), zoom: cy.zoom(),
    };
    app.hidePanel();
    document.body.classList.add('planning');
    $('plan').hidden = false;
    $('plan-toggle').setAttribute('aria-pressed', 'true');
    // One of the actions done() waits for: opening ?scenario= sets
    // P.scenario before its network is loaded and drawn.
    return serial(async () => {
      try {
        if (!P.me) P.me = await planapi.me();
        renderWho();
        refreshList();
        if (scenario) {
          await openScenario(scenario);
          return;
        }
        await loadNetwork(within != null ? within : P.within);
        P.view = P.result ? 'plan' : 'today';
        await redraw({ randomize: true });
        msg(P.me.canPlan ? '选择策略和设置，点击单位标记，然后运行。Pick a strategy, mark units by clicking them, then Run.' : '只读 Read only: open a saved scenario to see it.');
      } catch (err) {
        fail('Planning view', err);
      }
    })();
  }

  async function leave() {
    if (!P.active) return;
    P.active = false;
    document.body.classList.remove('planning');
    $('plan').hidden = true;
    $('plan-compare').hidden = true;
    $('plan-toggle').setAttribute('aria-pressed', 'false');
    cy.elements().remove();
    if (saved) cy.add(saved.elements);
    await app.refreshView({ layout: false });
    if (saved) cy.viewport({ pan: saved.pan, zoom: saved.zoom });
    saved = null;
    if (P.explorerStale) await app.redrawAsOf(getAsOf());
    P.explorerStale = false;
    app.setStatus(`${cy.nodes().length} nodes, ${cy.edges().length} relations.`);
  }

  // --- Settings and marks ---------------------------------------------------------------------------

  function updateEnabled() {
    const takes = new Set(TAKES[$('plan-strategy').value] || []);
    for (const id of SETTINGS) {
      let on = takes.has(id);
      if (id === 'plan-max-mentees' && $('plan-strategy').value !== 'PAIRINGS') on = on && $('plan-pair').checked;
      $(id).disabled = !on;
      $(id).closest('label').classList.toggle('off', !on);
    }
    $('plan-tools').classList.toggle('off', !takes.has('marks'));
  }

  function buildInput() {
    const strategy = $('plan-strategy').value;
    const takes = new Set(TAKES[strategy]);
    const input = { strategy };
    const num = (id) => {
      const v = $(id).value.trim();
      return v === '' || $(id).disabled ? undefined : Number(v);
    };
    if (P.within) input.within = P.within;
    for (const [field, id] of [['k', 'plan-k'], ['seed', 'plan-seed'], ['moveCost', 'plan-move-cost'], ['resolution', 'plan-resolution']]) {
      if (num(id) !== undefined) input[field] = num(id);
    }
    if (takes.has('plan-pair') && $('plan-pair').checked) input.pair = true;
    const c = {};
    for (const [field, id] of [['minSize', 'plan-min-size'], ['maxSize', 'plan-max-size'], ['minTotalStrength', 'plan-min-strength'], ['maxMenteesPerMentor', 'plan-max-mentees']]) {
      if (num(id) !== undefined) c[field] = num(id);
    }
    if (takes.has('marks')) {
      const of = (k) => [...P.marks].filter(([, m]) => m === k).map(([id]) => id);
      if (of('together').length) c.together = [of('together')];
      if (of('apart').length) c.apart = [of('apart')];
      if (of('fixed').length) {
        c.fixed = of('fixed').map((id) => ({ unit: id, alliance: cy.getElementById(id).data('todayAlliance') }));
      }
    }
    if (Object.keys(c).length) input.constraints = c;
    return input;
  }

  function setTool(tool) {
    P.tool = tool;
    for (const b of document.querySelectorAll('[data-testid=plan-tool]')) b.setAttribute('aria-pressed', String(b.dataset.tool === tool));
    $('plan').dataset.tool = tool;
  }

  function renderMarks() {
    const box = $('plan-marks');
    box.replaceChildren();
    for (const [id, m] of P.marks) {
      const n = cy.getElementById(id);
      box.append(el('li', { 'data-id': id, 'data-mark': m },
        el('span', { class: `mark mark-${m}`, text: MARK_LABELS[m] }), ` ${n.nonempty() ? n.data('name') : id} `,
        el('button', { type: 'button', class: 'linkish', 'data-testid': 'plan-unmark', 'data-id': id, text: '×', title: 'Remove the mark', onclick: () => mark(id, null) })));
    }
    if (!P.marks.size) box.append(el('li', { class: 'plan-note', text: '选一种标记，再点击图上的村/社区。Pick a mark, then click villages and communities on the graph.' }));
  }

  function mark(id, m) {
    const n = cy.getElementById(id);
    if (m === 'fixed' && !n.data('todayAlliance')) {
      msg(`${n.data('name')} 不在任何联合体 is in no alliance today: nothing to fix it to.`, 'error');
      return;
    }
    if (m && P.marks.get(id) !== m) P.marks.set(id, m);
    else P.marks.delete(id);
    $('plan-marks').classList.remove('invalid');
    renderMarks();
    showView(cy, P.view, P.marks);
    app.restyle();
  }

  /** onTap takes every tap on a node in planning mode: a mark with a marking tool, else the node's details. */
  function onTap(n) {
    if (!P.active) return false;
    if (n.hasClass('plan-unit') && P.tool !== 'inspect') {
      mark(n.id(), P.tool);
      return true;
    }
    const d = n.data();
    if (n.hasClass('plan-group')) {
      const det = document.querySelector(`[data-testid=plan-alliance][data-id="${CSS.escape(n.id())}"]`);
      if (det) {
        det.open = true;
        det.scrollIntoView({ block: 'nearest' });
      }
      msg(`${d.name}${d.status ? ` · ${d.status}` : ''}${d.lead ? ` · 牵头 lead ${d.lead}` : ''}`);
    } else if (n.hasClass('plan-unit')) {
      const today = d.todayAlliance ? cy.getElementById(d.todayAlliance).data('todayName') : '无 none';
      const planned = d.planned ? cy.getElementById(d.planned).data('planName') : d.planned === null ? '无 none' : '';
      msg(`${d.name}${d.strong ? ' · 强 strong' : ''} · 实力 strength ${d.strength} · 人口 population ${d.population} · 今天 today: ${today}${planned ? ` · 方案 plan: ${planned}` : ''}${d.from !== undefined ? ` (from ${d.fromName || 'none'})` : ''}`);
    }
    return true;
  }

  // --- Run, save, open, commit, compare --------------------------------------------------------------------

  async function show(result, timing) {
    P.result = result;
    P.drawn = applyPlan(cy, result);
    P.view = result ? 'plan' : 'today';
    const t1 = performance.now();
    await redraw({ randomize: false });
    await frame();
    if (timing) {
      const t2 = performance.now();
      P.timings.lastRun = { ...timing, drawMs: Math.round(t2 - t1), totalMs: Math.round(t2 - timing.start), units: cy.nodes('.plan-unit').length, alliances: result.alliances.length };
    }
    renderResult($('plan-result'), result, P.metrics, { onAlliance: centreOn, colourOf });
    $('plan-png').download = `orgnet-plan${P.scenario ? `-${P.scenario.name}` : ''}.png`;
  }

  function centreOn(id) {
    const n = cy.getElementById(id);
    if (n.nonempty() && n.visible()) cy.animate({ fit: { eles: n, padding: 60 }, duration: 250 });
  }

  function clearInvalid() {
    for (const e of document.querySelectorAll('#plan .invalid')) e.classList.remove('invalid');
  }

  // The scope box was edited since the network was read.
  const scopeChanged = () => $('plan-within').value.trim() !== ($('plan-within').dataset.loaded || '');

  const run = serial(async () => {
    clearInvalid();
    try {
      if (scopeChanged()) {
        P.result = null;
        await loadNetwork($('plan-within').value.trim() || null);
      }
      const input = buildInput();
      P.lastInput = input;
      msg('运行中 Running…');
      const start = performance.now();
      const r = await planapi.simulate(input);
      const requestMs = Math.round(performance.now() - start);
      P.scenario = null;
      renderScenario($('plan-scenario'), null);
      await show(r, { start, requestMs });
      msg(`方案 Plan: ${r.alliances.length} alliances, ${r.moves.length} moves (${P.timings.lastRun.totalMs} ms).`);
    } catch (err) {
      fail('Run', err);
    }
  });

  function setURL(id) {
    const q = new URLSearchParams(window.location.search);
    if (id) q.set('scenario', id);
    else q.delete('scenario');
    history.replaceState(null, '', `${window.location.pathname}${q.toString() ? `?${q}` : ''}`);
  }

  async function showScenario(sc, { reload = true } = {}) {
    P.scenario = sc;
    if (reload) {
      P.result = null;
      await loadNetwork(sc.within ? sc.within.id : null);
    }
    await show(sc.status === 'COMMITTED' && reload ? null : sc.result);
    if (sc.status === 'COMMITTED' && reload) renderResult($('plan-result'), sc.result, P.metrics, { onAlliance: centreOn, colourOf });
    renderScenario($('plan-scenario'), sc, P.me, { onCommit: commit, onResimulate: resimulate });
    $('plan-name').value = sc.name;
    setURL(sc.id);
  }

  const save = serial(async () => {
    clearInvalid();
    const name = $('plan-name').value.trim() || `方案 ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
    try {
      if (scopeChanged()) await loadNetwork($('plan-within').value.trim() || null);
      const sc = await planapi.save(name, buildInput());
      await showScenario(sc, { reload: false });
      P.picked.add(sc.id);
      await refreshList();
      msg(`已保存 Saved “${sc.name}” (${sc.id}).`);
    } catch (err) {
      fail('Save', err);
    }
  });

  async function openScenario(id) {
    clearInvalid();
    try {
      const sc = await planapi.scenario(id);
      if (!sc) {
        msg(`没有这个方案 No scenario ${id}.`, 'error');
        return;
      }
      await showScenario(sc);
      msg(`方案 Scenario “${sc.name}”${sc.stale ? ': 网络已变化 the network has changed since it was saved' : ''}.`);
    } catch (err) {
      fail('Open', err);
    }
  }
  const open = serial(openScenario);

  async function commit(force) {
    const sc = P.scenario;
    if (!sc) return;
    P.busy = P.busy.then(async () => {
      try {
        P.quietUntil = Date.now() + 5000; // our own commit's change events
        const done = await planapi.commit(sc.id, force);
        await showScenario(done);
        msg(`已提交 Committed “${done.name}”: today’s network is now the plan.`);
      } catch (err) {
        const e = (err.errors && err.errors[0]) || {};
        const details = (e.extensions && e.extensions.details) || [];
        fail('Commit', err);
        if (err.code === 'CONFLICT' && details.length) {
          $('plan-scenario').append(conflictBox(details, `冲突 CONFLICT: ${err.message}`, { onCommit: commit, onResimulate: resimulate, canPlan: P.me.canPlan }));
        }
      }
      refreshList();
    });
    return P.busy;
  }

  async function resimulate() {
    const sc = P.scenario;
    if (!sc) return;
    P.busy = P.busy.then(async () => {
      try {
        const again = await planapi.resimulate(sc.id);
        await showScenario(again);
        msg(`已重新模拟 Re-simulated “${again.name}” on today’s network.`);
      } catch (err) {
        fail('Re-simulate', err);
      }
    });
    return P.busy;
  }

  async function refreshList() {
    try {
      P.list = await planapi.scenarios();
    } catch (err) {
      fail('Scenarios', err);
      return;
    }
    for (const id of [...P.picked]) if (!P.list.some((s) => s.id === id)) P.picked.delete(id);
    renderScenarioList($('plan-scenarios'), P.list, P.picked, {
      onOpen: open,
      onPick: (id, on) => {
        if (on) P.picked.add(id);
        else P.picked.delete(id);
        $('plan-compare-button').disabled = !P.picked.size;
      },
    });
    $('plan-compare-button').disabled = !P.picked.size;
  }

  const compare = serial(async () => {
    try {
      const tab = await planapi.compare([...P.picked]);
      renderComparison(tab, () => {
        $('plan-compare').hidden = true;
      });
    } catch (err) {
      fail('Compare', err);
    }
  });

  function renderWho() {
    const me = P.me;
    $('plan-who').textContent = `${me.name} · ${me.role}`;
    const why = me.canPlan ? '' : `模拟和保存需要 planner 角色 Simulating and saving need role planner (you have role ${me.role})`;
    for (const id of ['plan-run', 'plan-save']) {
      $(id).disabled = !me.canPlan;
      $(id).title = why || $(id).dataset.title || '';
    }
    $('plan-run-reason').textContent = why;
  }

  /** onNetworkChange: a graphChanged event while planning (live.js): today's view may be out of date. */
  function onNetworkChange() {
    if (!P.active) return;
    P.explorerStale = true;
    if (Date.now() < P.quietUntil) return;
    P.networkChanged = true;
    $('plan-stale').hidden = false;
  }

  // --- Wiring ----------------------------------------------------------------------------------------------------

  $('plan-toggle').addEventListener('click', () => (P.active ? leave() : enter()));
  $('plan-strategy').addEventListener('change', updateEnabled);
  $('plan-pair').addEventListener('change', updateEnabled);
  $('plan-run').addEventListener('click', run);
  $('plan-save').addEventListener('click', save);
  $('plan-compare-button').addEventListener('click', compare);
  $('plan-reload').addEventListener('click', serial(async () => {
    await loadNetwork(P.within || null);
    await redraw({ randomize: true });
  }));
  $('plan-within').addEventListener('keydown', (ev) => ev.key === 'Enter' && run());
  for (const b of document.querySelectorAll('[data-testid=plan-tool]')) b.addEventListener('click', () => setTool(b.dataset.tool));
  for (const b of document.querySelectorAll('[data-testid^=plan-view-]')) {
    b.addEventListener('click', serial(async () => {
      P.view = b.dataset.view;
      await redraw();
    }));
  }
  $('plan-png').addEventListener('click', (ev) => {
    ev.currentTarget.href = app.exportPNG().url;
  });
  for (const id of SETTINGS) $(id).addEventListener('input', () => $(id).classList.remove('invalid'));
  updateEnabled();
  setTool('inspect');

  return {
    enter, leave, onTap, onNetworkChange, open: (id) => (P.active ? open(id) : enter({ scenario: id })),
    run, save, compare, active: () => P.active, done: () => P.busy,
  };
}
