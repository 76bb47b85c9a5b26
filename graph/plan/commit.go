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
	// NodeIDs are the nodes the batch touches (the scenario first), EdgeIDs
	// the edges it writes; for telling subscribers.
	NodeIDs, EdgeIDs []string
}

// Commit re-checks the saved plan against snap, the whole network (every
// date, as Store.Snapshot with the zero View reads it), as it is on today
// (YYYY-MM-DD): its grouping and pairings as a MANUAL plan, under the
// request's strong rule and constraints (Fixed apart: the grouping fixes
// every unit already). Then it returns the writes that make it the
// network's: new alliances and memberships begin today, the memberships,
// pairings and alliances it drops end today (kept in the history); an edge
// whose id is taken by an ended one gets an id dated today. now stamps the
// commit. Returns ErrConflict when the scenario is committed already or no
// longer fits the network, ErrInvalid for a bad strong rule.
func (sc *Scenario) Commit(ctx context.Context, snap *graph.Snapshot, today string, now time.Time) (*Commit, error) {
	id := sc.Node.ID
	if sc.Committed() {
		return nil, graph.Conflictf("scenario %s is already committed", id)
	}
	p, err := Units(snap, UnitOptions{Strong: sc.Request.Strong, AsOf: today})
	if err != nil {
		return nil, err
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
	pl, err := Simulate(ctx, p, in)
	if err != nil {
		return nil, graph.Errorf(graph.CodeConflict, "scenario %s no longer fits the network: %s", id, graph.ErrorMessage(err))
	}
	ch := ChangesOf(p, pl)
	prov := graph.Provenance{Source: graph.SourceUser, Ref: "scenario:" + id}
	edges := make(map[string]*graph.Edge, len(snap.Edges))
	for _, e := range snap.Edges {
		edges[e.ID] = e
	}
	nodes := make(map[string]*graph.Node, len(snap.Nodes))
	for _, x := range snap.Nodes {
		nodes[x.ID] = x
	}
	c := &Commit{Plan: pl, NodeIDs: []string{id}}
	b := &c.Batch
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
		aid := "alliance:" + strings.TrimPrefix(id, "scenario:") + "-" + a.Key
		newIDs[a.Key] = aid
		name := a.Name
		if name == "" {
			name = a.Key
		}
		b.Nodes = append(b.Nodes, graph.Node{ID: aid, Label: graph.LabelAlliance, Kind: "REGIONAL_ALLIANCE", Name: name,
			Since: today, Provenance: prov})
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
