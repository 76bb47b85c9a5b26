// The planning mode's drawing: today's villages and communities in their
// alliances (compound nodes), their borders and pairings, and a plan drawn
// over them: the planned alliances as the groups, every unit that moves
// marked with where it came from, the pairings kept, added (solid green) and
// ended (dashed red). The same elements show today or the plan (showView).
import { PAIRING_COLOR } from './style.js';

export const ADDED_COLOR = '#2e7d32';
export const ENDED_COLOR = '#c62828';
export const MOVED_COLOR = '#ef6c00';
export const MARK_COLORS = { together: '#1565c0', apart: '#ad1457', fixed: '#263238' };
export const MARK_LABELS = { together: '同组 together', apart: '分开 apart', fixed: '固定 fixed' };

/** pairingId is the element id of the pairing mentor → mentee. */
export const pairingId = (mentor, mentee) => `pairing:${mentor}->${mentee}`;

// A regional alliance's name without its common suffix, for short labels.
const shortName = (name) => String(name || '').replace(/区域党建联合体$/, '') || name;

/**
 * sceneElements turns planningNetwork into elements: a compound node per
 * alliance of today (its id the alliance's), a node per unit, a line per
 * border and per pairing.
 */
export function sceneElements(net) {
  const els = [];
  for (const a of net.alliances) {
    els.push({ group: 'nodes', classes: 'plan-group', data: { id: a.id, type: 'ALLIANCE', kind: 'REGIONAL_ALLIANCE', name: a.name, nameEn: a.nameEn || '', todayName: a.name, todayNameEn: a.nameEn || '', today: true, source: 'ARTICLE' } });
  }
  const inScope = new Set(net.units.map((u) => u.organisation.id));
  for (const u of net.units) {
    const o = u.organisation;
    els.push({
      group: 'nodes', classes: 'plan-unit' + (u.strong ? ' strong' : ''),
      data: {
        id: o.id, type: 'ORGANISATION', kind: o.kind, name: o.name, nameEn: o.nameEn || '', tier: 0, source: 'ARTICLE',
        todayAlliance: u.alliance ? u.alliance.id : null, strong: u.strong, strength: u.strength, population: u.population,
        parent: u.alliance ? u.alliance.id : undefined,
      },
    });
  }
  const seen = new Set();
  for (const u of net.units) {
    for (const v of u.neighbours) {
      const [a, b] = [u.organisation.id, v].sort();
      const id = `border:${a}|${b}`;
      if (a === b || seen.has(id) || !inScope.has(v)) continue;
      seen.add(id);
      els.push({ group: 'edges', classes: 'plan-border', data: { id, source: a, target: b, type: 'ADJACENT_TO', label: '相邻', display: '相邻', prov: 'ARTICLE' } });
    }
  }
  for (const p of net.pairings) {
    if (!inScope.has(p.mentor.id) || !inScope.has(p.mentee.id)) continue;
    els.push({ group: 'edges', classes: 'plan-pairing', data: { id: pairingId(p.mentor.id, p.mentee.id), source: p.mentor.id, target: p.mentee.id, type: 'MENTORS', label: '结对帮扶', display: '结对帮扶', prov: 'ARTICLE', today: true } });
  }
  return els;
}

/**
 * applyPlan adds what a plan needs beyond today's elements (compounds of its
 * new alliances, lines of its added pairings) after removing the previous
 * plan's, and records on each element what the plan makes of it. Returns
 * {groups: planned alliances drawn, moved: units moved, added, ended}.
 */
export function applyPlan(cy, plan) {
  cy.batch(() => {
    cy.nodes('.plan-only').forEach((n) => {
      n.children().move({ parent: null });
    });
    cy.elements('.plan-only').remove();
    cy.nodes('.plan-unit').removeData('planned from fromName');
    cy.nodes('.plan-group').removeData('planned planName planNameEn status lead');
    cy.edges('.plan-pairing').removeData('change');
  });
  if (!plan) return { groups: 0, moved: 0, added: 0, ended: 0 };
  const out = { groups: 0, moved: 0, added: 0, ended: 0 };
  cy.batch(() => {
    // Units the plan leaves in no alliance stay null.
    cy.nodes('.plan-unit').data('planned', null);
    for (const a of plan.alliances) {
      let g = cy.getElementById(a.id);
      if (g.empty()) {
        g = cy.add({ group: 'nodes', classes: 'plan-group plan-only', data: { id: a.id, type: 'ALLIANCE', kind: 'REGIONAL_ALLIANCE', name: a.name, nameEn: a.nameEn || '', today: false, source: 'ARTICLE' } });
      }
      g.data({ planned: true, planName: a.name, planNameEn: a.nameEn || '', status: a.status, lead: a.lead ? a.lead.name : '' });
      let drawn = 0;
      for (const m of a.members) {
        const n = cy.getElementById(m.id);
        if (n.nonempty() && n.hasClass('plan-unit')) {
          n.data('planned', a.id);
          drawn++;
        }
      }
      if (drawn) out.groups++;
    }
    for (const mv of plan.moves) {
      const n = cy.getElementById(mv.unit.id);
      if (n.empty()) continue;
      n.data({ from: mv.from ? mv.from.id : null, fromName: mv.from ? mv.from.name : '' });
      out.moved++;
    }
    const mark = (list, change) => {
      for (const p of list) {
        const id = pairingId(p.mentor.id, p.mentee.id);
        let e = cy.getElementById(id);
        if (e.empty()) {
          if (cy.getElementById(p.mentor.id).empty() || cy.getElementById(p.mentee.id).empty()) continue;
          e = cy.add({ group: 'edges', classes: 'plan-pairing plan-only', data: { id, source: p.mentor.id, target: p.mentee.id, type: 'MENTORS', label: '结对帮扶', display: '结对帮扶', prov: 'ARTICLE', today: false } });
        }
        e.data('change', change);
        if (change !== 'kept') out[change]++;
      }
    };
    mark(plan.pairingChanges.kept, 'kept');
    mark(plan.pairingChanges.added, 'added');
    mark(plan.pairingChanges.ended, 'ended');
  });
  return out;
}

/**
 * showView draws today ('today') or the plan ('plan'): each unit in its
 * alliance of then, the alliances' names of then, the moved units and the
 * pairing changes marked in the plan. marks (Map id → together|apart|fixed)
 * label the units the planner marked.
 */
export function showView(cy, view, marks) {
  const plan = view === 'plan';
  const hasPlan = plan && cy.nodes('.plan-unit[planned]').nonempty();
  cy.batch(() => {
    cy.nodes('.plan-unit').forEach((n) => {
      const d = n.data();
      const want = hasPlan ? d.planned : d.todayAlliance;
      const have = n.isChild() ? n.parent().id() : null;
      if ((want || null) !== have) n.move({ parent: want || null });
      const moved = hasPlan && d.from !== undefined;
      n.toggleClass('moved', moved);
      const badges = [];
      if (moved) badges.push(`← ${d.fromName ? shortName(d.fromName) : '无 none'}`);
      const m = marks.get(n.id());
      if (m) badges.push(MARK_LABELS[m]);
      for (const k of Object.keys(MARK_COLORS)) n.toggleClass(`mark-${k}`, m === k);
      const badge = badges.join(' · ') || undefined;
      if (d.badge !== badge) n.data('badge', badge);
    });
    cy.nodes('.plan-group').forEach((g) => {
      const d = g.data();
      const on = hasPlan ? d.planned : d.today;
      g.toggleClass('plan-off', !on || g.children().empty());
      g.data({ name: hasPlan && d.planned ? d.planName : d.todayName || d.name, nameEn: hasPlan && d.planned ? d.planNameEn : d.todayNameEn || '' });
      for (const s of ['NEW', 'CHANGED', 'KEPT']) g.toggleClass(`plan-${s.toLowerCase()}`, hasPlan && d.status === s);
    });
    cy.edges('.plan-pairing').forEach((e) => {
      const c = e.data('change');
      e.toggleClass('plan-off', hasPlan ? !c : !e.data('today'));
      e.toggleClass('added', hasPlan && c === 'added');
      e.toggleClass('ended', hasPlan && c === 'ended');
    });
  });
}

/** planStyles are the planning mode's additions to the stylesheet (style.js). */
export function planStyles() {
  return [
    { selector: '.plan-off', style: { display: 'none' } },
    { selector: 'node.plan-unit.strong', style: { 'font-weight': 700 } },
    { selector: 'edge.plan-border', style: { 'line-color': '#b0bec5', width: 1, opacity: 0.55, 'target-arrow-shape': 'none' } },
    { selector: 'edge.plan-pairing', style: { 'line-color': PAIRING_COLOR, 'target-arrow-color': PAIRING_COLOR } },
    { selector: 'edge.plan-pairing.added', style: { 'line-color': ADDED_COLOR, 'target-arrow-color': ADDED_COLOR, width: 4.5, 'line-style': 'solid', 'z-index': 25 } },
    { selector: 'edge.plan-pairing.ended', style: { 'line-color': ENDED_COLOR, 'target-arrow-color': ENDED_COLOR, width: 3, 'line-style': 'dashed', 'line-dash-pattern': [8, 5], opacity: 0.75 } },
    { selector: 'node.moved', style: { 'border-color': MOVED_COLOR, 'border-width': 6, 'border-style': 'solid', color: '#bf360c', 'font-weight': 700 } },
    { selector: 'node.plan-group.plan-new', style: { 'border-style': 'dashed', 'border-width': 3, 'border-color': ADDED_COLOR, color: ADDED_COLOR } },
    { selector: 'node.plan-group.plan-changed', style: { 'border-width': 3 } },
    ...Object.entries(MARK_COLORS).map(([k, c]) => ({
      selector: `node.mark-${k}`,
      style: { 'outline-width': 4, 'outline-color': c, 'outline-offset': 3, 'outline-style': k === 'apart' ? 'dashed' : 'solid' },
    })),
  ];
}

/**
 * layoutPlan lays the planning view out with fCoSE: the alliances as boxes
 * packed side by side, each with its members inside, arranged by the
 * borders between them. Lines between alliances (borders, pairings) are
 * drawn but do not pull: on a district (208 units, 30 alliances, ~100
 * pairings across them) they stretched the boxes over one another.
 * Always from scratch: refining the previous positions after units changed
 * boxes left boxes overlapping too.
 */
export function layoutPlan(cy, { animate = false, fit = true } = {}) {
  const nodes = cy.nodes(':visible');
  if (nodes.empty()) return Promise.resolve();
  const inside = cy.edges('.plan-border:visible').filter((e) => {
    const a = e.source().parent();
    return a.nonempty() && a.same(e.target().parent());
  });
  const layout = nodes.union(inside).layout({
    name: 'fcose',
    quality: 'default',
    randomize: true,
    animate,
    animationDuration: 400,
    fit,
    padding: 24,
    nodeDimensionsIncludeLabels: true,
    packComponents: true,
    nodeRepulsion: () => 4500,
    idealEdgeLength: () => 60,
    edgeElasticity: () => 0.45,
    nestingFactor: 0.1,
    gravity: 0.25,
    numIter: 2500,
    tile: true,
    tilingPaddingVertical: 14,
    tilingPaddingHorizontal: 14,
  });
  const done = layout.promiseOn('layoutstop');
  layout.run();
  return done;
}
