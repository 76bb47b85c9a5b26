// The planning mode's GraphQL (schema/planning.graphqls, docs/planning.md):
// today's network as a planner sees it, a plan, scenarios saved, compared and
// committed, and what the caller may do (me).
import { gql } from './api.js';

const NAMED = 'id name nameEn';
const PAIR = 'mentor { id name } mentee { id name }';

// A plan as the panel and the drawing read it.
const RESULT = `fragment PlanResult on SimulationResult {
  strategy seed
  settings { k minSize maxSize minTotalStrength maxMenteesPerMentor pair moveCost strongRule strongUnits units }
  within { id name }
  alliances {
    key id name nameEn naming status continues { id name } lead { id name } members { id name }
    metrics { members population strength partyMembers strongUnits weakUnits weakWithMentor pieces crossingEdges joined left }
  }
  dissolved { id name }
  unassignedUnits { id name }
  moves { unit { id name } from { id name } to { id name } }
  pairingChanges { kept { ${PAIR} } added { ${PAIR} } ended { ${PAIR} } }
  comparison { key labelZh labelEn description descriptionZh todayText planText changeText verdict }
  warnings
}`;

const SCENARIO = `fragment PlanScenario on Scenario {
  id name description status createdAt committedAt resimulatedAt within { id name }
  stale networkChanges { kind text }
  commitCheck { allowed reason needsForce role }
  downloads { kind format label url }
  result { ...PlanResult }
}`;

/** me is the caller's role and what it may do ({name role anonymous canPlan canCommit}). */
export async function me() {
  return (await gql(`query PlanMe { me { name role anonymous canPlan canCommit } }`)).me;
}

/**
 * network is today's units in scope (within: an organisation's id or name,
 * or null for all) with their alliances, borders and pairings, the defaults
 * a plan takes, and the metrics' labels.
 */
export async function network(within) {
  return gql(`query PlanNetwork($within: ID) {
  planningNetwork(within: $within) {
    within { id name }
    units { organisation { ${NAMED} kind } alliance { ${NAMED} } strong population strength partyMembers neighbours }
    alliances { ${NAMED} }
    pairings { ${PAIR} }
    defaults { k minSize maxMenteesPerMentor moveCost strongRule strongUnits units }
    warnings
  }
  planMetrics { key scope labelZh labelEn description descriptionZh better integer }
}`, { within: within || null });
}

/** simulate runs a plan (simulateAlliances) and changes nothing. */
export async function simulate(input) {
  return (await gql(`query PlanRun($input: AllianceSimulationInput!) { simulateAlliances(input: $input) { ...PlanResult } }\n${RESULT}`, { input })).simulateAlliances;
}

/** scenario reads a saved scenario (null when there is none). */
export async function scenario(id) {
  return (await gql(`query PlanOpen($id: ID!) { scenario(id: $id) { ...PlanScenario } }\n${SCENARIO}\n${RESULT}`, { id })).scenario;
}

/** scenarios lists the saved scenarios, newest first. */
export async function scenarios() {
  return (await gql(`query PlanScenarios { scenarios { id name status createdAt within { id name } } }`)).scenarios;
}

/** save simulates input again and saves it as a scenario named name. */
export async function save(name, input) {
  return (await gql(`mutation PlanSave($name: String!, $input: AllianceSimulationInput!) { saveScenario(name: $name, input: $input) { ...PlanScenario } }\n${SCENARIO}\n${RESULT}`, { name, input })).saveScenario;
}

/** commit makes a saved scenario the network's grouping (force: even though the network changed). */
export async function commit(id, force) {
  return (await gql(`mutation PlanCommit($id: ID!, $force: Boolean) { commitScenario(id: $id, force: $force) { ...PlanScenario } }\n${SCENARIO}\n${RESULT}`, { id, force: !!force })).commitScenario;
}

/** resimulate makes a saved scenario's plan again on today's network. */
export async function resimulate(id) {
  return (await gql(`mutation PlanResimulate($id: ID!) { resimulateScenario(id: $id) { ...PlanScenario } }\n${SCENARIO}\n${RESULT}`, { id })).resimulateScenario;
}

/** compare is the comparison table of scenarios: a column for today, one per scenario, a row per metric. */
export async function compare(ids) {
  return (await gql(`query PlanCompare($ids: [ID!]!) {
  scenarioComparison(ids: $ids) {
    columns { key title stale }
    rows { key labelZh labelEn description better cells { value text verdict best } }
  }
}`, { ids })).scenarioComparison;
}
