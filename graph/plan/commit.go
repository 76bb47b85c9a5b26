package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// Commit is what committing a scenario writes, and what it touched.
type Commit struct {
	// Batch makes the plan the network's grouping and pairings, and marks
	// the scenario committed: one Store.Apply.
	Batch graph.Batch
	// Scenario is the scenario node as the batch writes it (committed, with
	// the plan as re-checked).
	Scenario *graph.Node
	// Plan is the saved plan as re-checked against the network.
	Plan *Plan
	// Changes are the ways the network had changed since the scenario was
	// saved (committed anyway, with CommitOptions.Force).
	Changes []NetworkChange
	// NodeIDs are the nodes the batch touches (the scenario first), EdgeIDs
	// the edges it writes; for telling subscribers.
	NodeIDs, EdgeIDs []string
}

// CommitOptions change what Commit accepts.
type CommitOptions struct {
	// Force commits a plan whose network has changed since it was saved
	// (its Basis differs): the plan is still re-checked against the
	// network as it is, and refused if it breaks a constraint there.
	Force bool
}

// maxDetails bounds the changes a stale commit's error lists.
const maxDetails = 100

// Commit re-checks the saved plan against snap, the whole network (every
// date, as Store.Snapshot with the zero View reads it), as it is on today
// (YYYY-MM-DD). Unless opt.Force, the network the plan depends on (its
// Basis: units in scope, their alliances, pairings, borders) must be as it
// was when the scenario was saved. Then the plan's grouping and pairings
// must still meet the request's strong rule and constraints, as a MANUAL
// plan (Fixed apart: the grouping fixes every unit already). Then it
// returns the writes that make it the network's: new alliances (with the
// ids and names the plan gave them) and memberships begin today, the
// memberships, pairings and alliances it drops end today (kept in the
// history), alliances the planner renamed take their new names; an edge
// whose id is taken by an ended one gets an id dated today. now stamps the
// commit. Returns ErrConflict when the scenario is committed already, its
// network has changed (the error lists the changes in Details) or the plan
// no longer fits it; ErrInvalid for a bad strong rule.
func (sc *Scenario) Commit(ctx context.Context, snap *graph.Snapshot, today string, now time.Time, opt CommitOptions) (*Commit, error) {
	id := sc.Node.ID
	if sc.Committed() {
		return nil, graph.Conflictf("scenario %s is already committed", id)
	}
	p, err := Units(snap, sc.Request.Options(today))
	if err != nil {
		if graph.ErrorCode(err) == graph.CodeInvalid && sc.Request.Within != "" {
			return nil, graph.Errorf(graph.CodeConflict, "scenario %s no longer fits the network: %s", id, graph.ErrorMessage(err))
		}
		return nil, err
	}
	var changes []NetworkChange
	if sc.Basis != nil {
		changes = sc.Basis.Changes(p.Basis())
		if len(changes) > 0 && !opt.Force {
			return nil, staleError(p, id, changes)
		}
	}
	grouping, err := GroupingOf(sc.Plan.Alliances)
	if err != nil {
		return nil, err
	}
	in := Input{Strategy: Manual, Seed: sc.Plan.Seed, Grouping: grouping, Pairings: sc.Plan.Pairings,
		Constraints: sc.Request.Input.Constraints}
	if in.Pairings == nil {
		in.Pairings = []Pairing{}
	}
	in.Constraints.Fixed = nil
	if sc.Request.Input.Strategy == Pairings {
		// PAIRINGS kept the grouping as it was: only its pairings are
		// re-checked.
		one, no := 1, false
		in.Constraints.MinSize, in.Constraints.RequireContiguous, in.Constraints.RequireStrong = &one, &no, &no
	}
	pl, err := Simulate(ctx, p, in)
	if err != nil {
		return nil, graph.Errorf(graph.CodeConflict, "scenario %s no longer fits the network: %s", id, graph.ErrorMessage(err))
	}
	// The alliances keep the ids and names the saved plan showed.
	saved := map[string]AllianceGroup{}
	for _, a := range sc.Plan.Alliances {
		saved[a.Key] = a
	}
	for i := range pl.Alliances {
		a := &pl.Alliances[i]
		if s, ok := saved[a.Key]; ok && s.CurrentID == a.CurrentID && s.Name != "" {
			if s.ID != "" {
				a.ID = s.ID
			}
			a.Name, a.NameEn, a.Naming = s.Name, s.NameEn, s.Naming
		}
	}
	ch := ChangesOf(p, pl)
	prov := graph.Provenance{Source: graph.SourceUser, Ref: "scenario:" + strings.TrimPrefix(id, "scenario:")}
	edges := make(map[string]*graph.Edge, len(snap.Edges))
	for _, e := range snap.Edges {
		edges[e.ID] = e
	}
	nodes := make(map[string]*graph.Node, len(snap.Nodes))
	for _, x := range snap.Nodes {
		nodes[x.ID] = x
	}
	c := &Commit{Plan: pl, Changes: changes, NodeIDs: []string{id}}
	b := &c.Batch
	// Only if the scenario is still as read: of two commits of it (through
	// two replicas, say) one applies and the other is a CONFLICT.
	b.Expect = []graph.Expect{{ID: id, Kind: sc.Node.Kind}}
	// newEdge adds an edge beginning today, dated in its id when an ended
	// edge holds its default id.
	newEdge := func(e graph.Edge) {
		e.ID = graph.EdgeID(e.Type, e.From, e.To)
		if _, taken := edges[e.ID]; taken {
			e.ID += "@" + today
		}
		b.Edges = append(b.Edges, e)
		c.NodeIDs = append(c.NodeIDs, e.From, e.To)
		c.EdgeIDs = append(c.EdgeIDs, e.ID)
	}
	newIDs := map[string]string{}
	for _, a := range ch.NewAlliances {
		aid := a.ID
		if aid == "" { // a plan saved before plans named their alliances
			aid = "alliance:" + strings.TrimPrefix(id, "scenario:") + "-" + a.Key
		}
		if _, taken := nodes[aid]; taken {
			aid = newAllianceID(strings.TrimPrefix(aid, "alliance:"), func(x string) bool { _, t := nodes[x]; return t })
		}
		newIDs[a.Key] = aid
		name := a.Name
		if name == "" {
			name = a.Key
		}
		b.Nodes = append(b.Nodes, graph.Node{ID: aid, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: name,
			NameEn: a.NameEn, Since: today, Provenance: prov})
		c.NodeIDs = append(c.NodeIDs, aid)
		for i := range pl.Alliances {
			if pl.Alliances[i].Key == a.Key {
				pl.Alliances[i].ID = aid
			}
		}
	}
	for _, a := range ch.Renamed {
		if n, ok := nodes[a.CurrentID]; ok {
			renamed := n.Clone()
			renamed.Name = a.Name
			if a.NameEn != "" {
				renamed.NameEn = a.NameEn
			}
			b.Nodes = append(b.Nodes, *renamed)
			c.NodeIDs = append(c.NodeIDs, a.CurrentID)
		}
	}
	for _, m := range ch.Join {
		aid := m.AllianceID
		if aid == "" {
			aid = newIDs[m.Key]
		}
		newEdge(graph.Edge{Type: graph.RelMemberOf, From: m.Unit, To: aid, Since: today,
			Attrs: map[string]any{graph.AttrRole: "member"}, Provenance: prov})
	}
	end := func(eid string) {
		if e, ok := edges[eid]; ok && e.Until == "" {
			ended := e.Clone()
			ended.Until = today
			if ended.Since > today {
				ended.Since = today
			}
			b.Edges = append(b.Edges, *ended)
			c.NodeIDs = append(c.NodeIDs, ended.From, ended.To)
			c.EdgeIDs = append(c.EdgeIDs, ended.ID)
		}
	}
	for _, eid := range ch.EndMemberships {
		end(eid)
	}
	for _, eid := range ch.EndPairings {
		end(eid)
	}
	for _, pr := range ch.AddPairings {
		newEdge(graph.Edge{Type: graph.RelMentors, From: pr.Mentor, To: pr.Mentee, Since: today, Provenance: prov})
	}
	for _, aid := range ch.DissolvedAlliances {
		if a, ok := nodes[aid]; ok && a.Until == "" {
			ended := a.Clone()
			ended.Until = today
			b.Nodes = append(b.Nodes, *ended)
			c.NodeIDs = append(c.NodeIDs, aid)
		}
	}
	committed := sc.Node.Clone()
	committed.Kind = ScenarioCommitted
	committed.Attrs[AttrScenarioCommitted] = now.UTC().Format(time.RFC3339)
	plJSON, err := json.Marshal(pl)
	if err != nil {
		return nil, fmt.Errorf("plan: scenario %s: %w", id, err)
	}
	committed.Attrs[AttrScenarioPlan] = string(plJSON)
	b.Nodes = append(b.Nodes, *committed)
	c.Scenario = committed
	return c, nil
}

// staleError is the CONFLICT of a commit whose network has changed: the
// first changes in its message, all of them (up to maxDetails) in Details.
func staleError(p *Problem, id string, changes []NetworkChange) error {
	texts := make([]string, 0, min(len(changes), maxDetails)+1)
	for i, c := range changes {
		if i == maxDetails {
			texts = append(texts, fmt.Sprintf("… and %d more", len(changes)-maxDetails))
			break
		}
		texts = append(texts, p.Describe(c))
	}
	shown := texts
	if len(shown) > 3 {
		shown = append(texts[:3:3], fmt.Sprintf("… %d changes in all", len(changes)))
	}
	e := graph.Conflictf("scenario %s was planned on a network that has changed since it was saved (%s): re-simulate it (resimulateScenario) and look again, or commit it as it is with force: true",
		id, strings.Join(shown, "; "))
	e.Details = texts
	return e
}
