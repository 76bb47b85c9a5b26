// Relation vocabulary: how each relationship type is named on the drawing, in
// the filters, the legend, tooltips and the side panel. Chinese names follow
// the article's words (结对帮扶 for 以强带弱 pairings, 共建党组织 for an
// alliance's co-building community, 支部建在项目上, 入驻); with ?names=en the
// drawing keeps English. The type itself (SUB_ORGANISATION_OF …) is shown in
// tooltips, so that a reader can match the drawing to the API.
import { pretty } from './dom.js';

// type → { zh, en, what }: zh/en name the line from its source to its target;
// what says what it means, source → target.
export const RELATIONS = {
  SUB_ORGANISATION_OF: { zh: '隶属', en: 'sub-organisation of', what: 'organisation → its parent (上级)' },
  MEMBER_OF: { zh: '成员', en: 'member of', what: 'organisation → alliance it belongs to' },
  MENTORS: { zh: '结对帮扶', en: 'mentors', what: 'pairing, 以强带弱: strong mentor → weak mentee' },
  ADJACENT_TO: { zh: '相邻', en: 'adjacent to', what: 'neighbouring villages and communities' },
  BUILT_ON: { zh: '建在项目上', en: 'built on', what: 'temporary Party branch → its project (支部建在项目上)' },
  HOLDS_POST: { zh: '任职', en: 'holds post', what: 'person → organisation' },
  RESPONSIBLE_FOR: { zh: '负责', en: 'responsible for', what: 'organisation or person → zone' },
  HOSTED_AT: { zh: '驻于', en: 'hosted at', what: 'station, workshop or base → where it is hosted (入驻)' },
  RUNS: { zh: '运营', en: 'runs', what: 'organisation → brand or platform' },
  PART_OF: { zh: '属于', en: 'part of', what: 'part → whole' },
};

// Alliance roles (MEMBER_OF labels) in Chinese.
const ROLES_ZH = {
  member: '成员',
  'co-builder': '共建党组织',
  cobuilder: '共建党组织',
  lead: '牵头单位',
};

// The order relations are listed in (filters, legend, panel): the hierarchy
// first, then groupings, pairings, the rest.
export const RELATION_ORDER = [
  'SUB_ORGANISATION_OF', 'MEMBER_OF', 'MENTORS', 'ADJACENT_TO', 'BUILT_ON', 'HOSTED_AT',
  'HOLDS_POST', 'RESPONSIBLE_FOR', 'RUNS', 'PART_OF',
];

export function relationRank(type) {
  const i = RELATION_ORDER.indexOf(type);
  return i < 0 ? RELATION_ORDER.length : i;
}

/** typeName names a relationship type in the filters and the legend. */
export function typeName(type, names = 'zh') {
  const r = RELATIONS[type];
  if (!r) return pretty(type);
  return names === 'en' ? r.en : `${r.zh} · ${r.en}`;
}

/**
 * edgeLabel is the label drawn on one edge. raw is the API's label: the type,
 * or an alliance role (member, co-builder) or a post title (支委, 书记).
 */
export function edgeLabel(type, raw, names = 'zh') {
  const r = RELATIONS[type];
  const extra = raw && raw !== type ? String(raw) : '';
  if (names === 'en') {
    if (type === 'MEMBER_OF' && extra) return extra;
    if (type === 'HOLDS_POST' && extra) return `post: ${extra}`;
    return r ? r.en : pretty(type);
  }
  if (type === 'MEMBER_OF' && extra) return ROLES_ZH[extra.toLowerCase()] || extra;
  if (type === 'HOLDS_POST' && extra) return /^[\u2e80-\u9fff]/.test(extra) ? `任${extra}` : `任职 · ${extra}`;
  return r ? r.zh : pretty(type);
}

/** describe is the one-line tooltip of an edge: its label, type, ends and provenance. */
export function describe(e, names = 'zh') {
  const d = e.data();
  const name = (n) => (names === 'en' && n.data('nameEn')) || n.data('name');
  return {
    label: edgeLabel(d.type, d.label, names),
    type: d.type,
    what: RELATIONS[d.type] ? RELATIONS[d.type].what : '',
    ends: `${name(e.source())} → ${name(e.target())}`,
    prov: d.prov,
  };
}
