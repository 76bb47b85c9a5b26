// The planning panel's readable parts: a plan's summary, its plan-wide
// metrics beside today's, each alliance with its metrics (labels in Chinese
// and English from planMetrics), the moves and the pairing changes; a saved
// scenario with its downloads and commit state; the comparison table. Plain
// DOM from answers; plan.js wires the buttons.
import { $, el } from './dom.js';
import { ADDED_COLOR, ENDED_COLOR, MOVED_COLOR } from './plandraw.js';

const STATUS = { NEW: '新 new', CHANGED: '调整 changed', KEPT: '不变 kept' };
const VERDICT = { better: '更好 better', worse: '更差 worse', same: '相同 same', BETTER: '更好 better', WORSE: '更差 worse', SAME: '相同 same' };

const num = (v, integer) => (typeof v !== 'number' ? '—' : integer ? Math.round(v).toLocaleString('en') : v.toLocaleString('en', { maximumFractionDigits: 1 }));

// A label in both languages: Chinese first, English beside it, the
// descriptions as the tooltip.
const bilingual = (zh, en, title) => el('span', { class: 'bi', title }, el('span', { class: 'zh', text: zh }), ' ', el('span', { class: 'en', text: en }));

/** summaryText is the one line that says what a plan does. */
export function summaryText(r) {
  const pc = r.pairingChanges;
  return `${r.alliances.length} 个联合体 alliances · ${r.moves.length} 个单位调整 units move · 结对 pairings: ${pc.kept.length} kept, ${pc.added.length} added, ${pc.ended.length} ended`;
}

/**
 * renderResult fills the result section with a plan: summary, plan-wide
 * comparison, alliances with metrics, moves, pairing changes and warnings.
 * metrics: planMetrics; onAlliance(id) centres a planned alliance.
 */
export function renderResult(box, r, metrics, { onAlliance, colourOf }) {
  box.replaceChildren();
  if (!r) return;
  box.append(el('p', { class: 'plan-summary', 'data-testid': 'plan-summary', text: summaryText(r) }));

  const cmp = el('table', { class: 'plan-table', 'data-testid': 'plan-comparison' },
    el('thead', {}, el('tr', {}, el('th', { text: '指标 metric' }), el('th', { text: '今天 today' }), el('th', { text: '方案 plan' }), el('th', { text: '变化 change' }))));
  const body = el('tbody');
  for (const m of r.comparison) {
    body.append(el('tr', { 'data-key': m.key, class: m.verdict ? `verdict-${String(m.verdict).toLowerCase()}` : '' },
      el('th', {}, bilingual(m.labelZh, m.labelEn, `${m.descriptionZh}\n${m.description}`)),
      el('td', { text: m.todayText }), el('td', { text: m.planText }),
      el('td', { text: m.changeText, title: m.verdict ? VERDICT[m.verdict] || m.verdict : '' })));
  }
  cmp.append(body);
  box.append(el('details', { class: 'plan-block', open: true }, el('summary', { text: '全局指标 Plan-wide metrics' }), cmp));

  const perAlliance = metrics.filter((m) => m.scope === 'ALLIANCE');
  const list = el('div', { class: 'plan-alliances', 'data-testid': 'plan-alliances' });
  for (const a of r.alliances) {
    const t = el('table', { class: 'plan-table plan-metrics', 'data-testid': 'plan-alliance-metrics' });
    for (const m of perAlliance) {
      if (!(m.key in a.metrics)) continue;
      t.append(el('tr', { 'data-key': m.key }, el('th', {}, bilingual(m.labelZh, m.labelEn, `${m.descriptionZh}\n${m.description}`)), el('td', { text: num(a.metrics[m.key], m.integer) })));
    }
    const members = el('p', { class: 'plan-members' });
    const moved = new Set(r.moves.map((mv) => mv.unit.id));
    a.members.forEach((m, i) => {
      if (i) members.append('、');
      members.append(el('span', { class: moved.has(m.id) ? 'moved' : '', text: m.name, title: m.id }));
    });
    list.append(el('details', { class: 'plan-alliance', 'data-testid': 'plan-alliance', 'data-id': a.id, 'data-status': a.status },
      el('summary', {},
        el('span', { class: 'swatch', style: `background:${colourOf(a.id)}` }),
        el('button', { type: 'button', class: 'linkish', text: a.name, title: `${a.nameEn || ''} ${a.id}: show it`, onclick: (ev) => { ev.preventDefault(); onAlliance(a.id); } }),
        el('span', { class: `astatus astatus-${a.status.toLowerCase()}`, text: STATUS[a.status] || a.status }),
        el('span', { class: 'count', text: `${a.metrics.members}` })),
      el('p', { class: 'plan-lead', text: `牵头 lead: ${a.lead ? a.lead.name : '—'}${a.continues ? ` · 延续 continues ${a.continues.name}` : ''}` }),
      members, t));
  }
  box.append(el('details', { class: 'plan-block', open: true }, el('summary', { text: `联合体 Alliances (${r.alliances.length})` }), list));

  if (r.dissolved.length) {
    box.append(el('p', { class: 'plan-note', 'data-testid': 'plan-dissolved', text: `撤销 dissolved: ${r.dissolved.map((d) => d.name).join('、')}` }));
  }
  const moves = el('ul', { class: 'plan-list', 'data-testid': 'plan-moves' });
  for (const mv of r.moves) {
    moves.append(el('li', { 'data-id': mv.unit.id },
      el('span', { class: 'line', style: `background:${MOVED_COLOR}` }),
      `${mv.unit.name}: ${mv.from ? mv.from.name : '无 none'} → ${mv.to ? mv.to.name : '无 none'}`));
  }
  box.append(el('details', { class: 'plan-block', open: r.moves.length > 0 && r.moves.length <= 30 }, el('summary', { text: `调整 Moves (${r.moves.length})` }), moves));

  const pairs = el('ul', { class: 'plan-list', 'data-testid': 'plan-pairings' });
  const pairLine = (p, kind, colour) => el('li', { 'data-change': kind },
    el('span', { class: `line line-${kind}`, style: `background:${colour}` }), `${kind === 'added' ? '新增 added' : '结束 ended'}: ${p.mentor.name} → ${p.mentee.name}`);
  for (const p of r.pairingChanges.added) pairs.append(pairLine(p, 'added', ADDED_COLOR));
  for (const p of r.pairingChanges.ended) pairs.append(pairLine(p, 'ended', ENDED_COLOR));
  const pc = r.pairingChanges;
  box.append(el('details', { class: 'plan-block', open: pc.added.length + pc.ended.length > 0 && pc.added.length + pc.ended.length <= 30 },
    el('summary', { text: `结对变化 Pairings (${pc.kept.length} kept, ${pc.added.length} added, ${pc.ended.length} ended)` }), pairs));

  for (const w of r.warnings) box.append(el('p', { class: 'plan-note', 'data-testid': 'plan-warning', text: w }));
}

/**
 * renderScenario shows a saved scenario: its name and status, how the
 * network changed since it was saved, its downloads and whether the caller
 * may commit it (the commit button's state and reason). handlers:
 * {onCommit(force), onResimulate()}.
 */
export function renderScenario(box, sc, me, { onCommit, onResimulate } = {}) {
  box.replaceChildren();
  if (!sc) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.dataset.id = sc.id;
  box.dataset.status = sc.status;
  box.append(el('h3', {}, el('span', { 'data-testid': 'plan-scenario-name', text: sc.name }), el('span', { class: 'count', text: ` ${sc.status === 'COMMITTED' ? '已提交 committed' : '已保存 saved'} · ${sc.id}` })));
  if (sc.within) box.append(el('p', { class: 'plan-note', text: `范围 scope: ${sc.within.name}` }));
  const links = el('p', { class: 'plan-downloads', 'data-testid': 'plan-downloads' }, '下载 Download: ');
  for (const d of sc.downloads.filter((x) => x.kind === 'TABLE')) {
    links.append(el('a', { href: d.url, download: `${sc.name}.${d.format}`, title: d.label, 'data-format': d.format, text: d.format.toUpperCase() }), ' ');
  }
  box.append(links);

  const cc = sc.commitCheck;
  const commit = el('button', { type: 'button', id: 'plan-commit', 'data-testid': 'plan-commit', text: '提交 Commit', onclick: () => onCommit(false) });
  const reason = cc.allowed ? '' : `不能提交 Cannot commit: ${cc.reason || 'not allowed'}`;
  commit.disabled = !cc.allowed;
  commit.title = cc.allowed ? 'Make this plan the network’s grouping and pairings (one transaction, audit-logged)' : reason;
  box.append(el('div', { class: 'plan-commit-row' }, commit, el('span', { class: 'plan-reason', 'data-testid': 'plan-commit-reason', text: reason })));
  if (cc.needsForce && me && me.canCommit && sc.status !== 'COMMITTED') {
    box.append(conflictBox((sc.networkChanges || []).map((c) => c.text), '网络在保存后已变化 The network has changed since this scenario was saved:', { onCommit, onResimulate, canPlan: me.canPlan }));
  }
}

/** conflictBox lists what changed and offers "commit anyway" and "re-simulate". */
export function conflictBox(changes, heading, { onCommit, onResimulate, canPlan }) {
  const list = el('ul', { class: 'plan-list' });
  for (const c of changes) list.append(el('li', { 'data-testid': 'plan-change', text: c }));
  const resim = el('button', { type: 'button', 'data-testid': 'plan-resimulate', text: '重新模拟 Re-simulate', onclick: () => onResimulate() });
  resim.disabled = !canPlan;
  return el('div', { class: 'plan-conflict', 'data-testid': 'plan-conflict', role: 'alert' },
    el('p', { text: heading }), list,
    el('div', { class: 'plan-commit-row' },
      el('button', { type: 'button', 'data-testid': 'plan-commit-force', text: '仍然提交 Commit anyway', title: 'Commit the saved plan as it is, on the network as it is now', onclick: () => onCommit(true) }),
      resim));
}

/** renderScenarioList lists saved scenarios with a box to pick each for comparison and a button to open it. */
export function renderScenarioList(box, list, picked, { onOpen, onPick }) {
  box.replaceChildren();
  for (const s of list) {
    box.append(el('li', { 'data-id': s.id },
      el('label', { class: 'check' },
        el('input', { type: 'checkbox', 'data-testid': 'plan-pick', 'data-id': s.id, checked: picked.has(s.id), onchange: (ev) => onPick(s.id, ev.target.checked) }),
        el('span', { text: s.name, title: s.id })),
      el('span', { class: 'count', text: s.status === 'COMMITTED' ? ' 已提交' : '' }),
      el('button', { type: 'button', class: 'linkish', 'data-testid': 'plan-open', 'data-id': s.id, text: '打开 open', onclick: () => onOpen(s.id) })));
  }
  if (!list.length) box.append(el('li', { class: 'plan-note', text: '还没有方案 No scenario saved yet.' }));
}

/** renderComparison shows the comparison table (scenarioComparison) in the overlay. */
export function renderComparison(tab, onClose) {
  const box = $('plan-compare');
  box.replaceChildren();
  const head = el('tr', {}, el('th', { text: '指标 metric' }));
  for (const c of tab.columns) head.append(el('th', { 'data-key': c.key, text: c.title + (c.stale ? ' ⚠' : ''), title: c.stale ? 'the network changed since it was saved: measured on today’s network' : '' }));
  const body = el('tbody');
  for (const r of tab.rows) {
    const tr = el('tr', { 'data-key': r.key }, el('th', {}, bilingual(r.labelZh, r.labelEn, r.description)));
    for (const c of r.cells) {
      tr.append(el('td', { class: [c.best ? 'best' : '', c.verdict ? `verdict-${c.verdict.toLowerCase()}` : ''].join(' ').trim(), text: c.text, title: c.verdict ? VERDICT[c.verdict] : '' }));
    }
    body.append(tr);
  }
  box.append(
    el('div', { class: 'plan-compare-head' }, el('h3', { text: `方案比较 Comparing ${tab.columns.length - 1} scenarios` }),
      el('button', { type: 'button', 'data-testid': 'plan-compare-close', text: '× 关闭 close', onclick: onClose })),
    el('div', { class: 'plan-compare-scroll' }, el('table', { class: 'plan-table', 'data-testid': 'plan-compare-table' }, el('thead', {}, head), body)));
  box.hidden = false;
}
