package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// Scenarios. A planner saves a plan as a scenario: a graph.LabelScenario
// node holding what was asked (a Request) and the plan found, both as JSON
// attributes. Committing it (Scenario.Commit) re-checks the plan against
// the network as it is and writes it.

// Request is what a planner asks: the input of Simulate, the rule that
// decides which units are strong (UnitOptions.Strong) and the scope
// (UnitOptions.Within). A saved scenario keeps it, so that committing
// re-checks the plan under the same rules and re-simulating asks again.
type Request struct {
	// Version is RequestVersion for requests saved since optional settings
	// were pointers (2026-12); 0 before, when 0 meant "no limit"
	// (ReadScenario reads those as they were meant).
	Version int        `json:"version,omitempty"`
	Within  string     `json:"within,omitempty"`
	Input   Input      `json:"input"`
	Strong  StrongRule `json:"strong"`
}

// RequestVersion is the Version of the requests this package saves.
const RequestVersion = 2

// Options are the UnitOptions the request plans with, as of day today.
func (r Request) Options(today string) UnitOptions {
	return UnitOptions{Strong: r.Strong, AsOf: today, Within: r.Within}
}

// upgrade reads a request saved before RequestVersion as it was meant: a
// 0 that meant "no limit" becomes nil (MinSize 0 becomes 1, its old
// meaning, since nil now means DefaultMinSize), k is dropped where only
// BALANCED takes it, a resolution of 0 (Louvain's own) becomes nil.
func (r *Request) upgrade() {
	if r.Version >= RequestVersion {
		return
	}
	in, c := &r.Input, &r.Input.Constraints
	zeroI := func(p **int) {
		if *p != nil && **p == 0 {
			*p = nil
		}
	}
	if in.K != nil && in.Strategy != Balanced {
		in.K = nil
	}
	if in.K == nil && in.Strategy == Balanced {
		zero := 0 // k left out meant 0: as many as the constraints allow
		in.K = &zero
	}
	if in.Resolution != nil && (*in.Resolution == 0 || in.Strategy != Community) {
		in.Resolution = nil
	}
	if c.MinSize == nil || *c.MinSize == 0 {
		one := 1
		c.MinSize = &one
	}
	if in.Strategy == Pairings {
		c.MinSize = nil
	}
	zeroI(&c.MaxSize)
	zeroI(&c.MaxMenteesPerMentor)
	if c.MinTotalStrength != nil && *c.MinTotalStrength == 0 {
		c.MinTotalStrength = nil
	}
	if !(in.Strategy == Pairings || in.Pair || in.Strategy == Manual && in.Pairings != nil) {
		c.MaxMenteesPerMentor, c.PairWithinAlliance = nil, false
	}
	for k, a := range c.Fixed {
		if a == "" {
			delete(c.Fixed, k)
		}
	}
	r.Version = RequestVersion
}

// The attributes of a scenario node, and its kinds.
const (
	AttrScenarioRequest     = "request" // JSON of Request
	AttrScenarioPlan        = "plan"    // JSON of Plan
	AttrScenarioDescription = "description"
	AttrScenarioCreated     = "createdAt"   // RFC 3339
	AttrScenarioCommitted   = "committedAt" // RFC 3339
	// AttrScenarioBasis holds the JSON of the Basis the plan was made on,
	// AttrScenarioFingerprint its Fingerprint (since 2026-12).
	AttrScenarioBasis       = "basis"
	AttrScenarioFingerprint = "fingerprint"
	AttrScenarioResimulated = "resimulatedAt" // RFC 3339
	// AttrScenarioLegacyInput held, before scenarios saved a Request (up to
	// 2026-12), the JSON of the GraphQL AllianceSimulationInput; ReadScenario
	// still reads it.
	AttrScenarioLegacyInput = "input"

	ScenarioSaved     = "SAVED"
	ScenarioCommitted = "COMMITTED"
)

// Scenario is a saved plan, as ReadScenario reads it from its node.
type Scenario struct {
	// Node is the scenario node read.
	Node        *graph.Node
	Request     Request
	Plan        *Plan
	Description *string // nil when none
	CreatedAt   string
	CommittedAt string // "" until committed
	// ResimulatedAt is when the plan was last made again ("" never).
	ResimulatedAt string
	// Basis is what the plan was made on; nil for scenarios saved before
	// bases were (they commit without the check).
	Basis *Basis
}

// Committed reports whether the scenario has been committed.
func (sc *Scenario) Committed() bool { return sc.Node.Kind == ScenarioCommitted }

// ScenarioNode returns the node that saves plan pl, found for req on the
// network basis describes, as the scenario id (saved at now); description
// may be nil.
func ScenarioNode(id, name string, description *string, req Request, pl *Plan, basis Basis, now time.Time) (graph.Node, error) {
	req.Version = RequestVersion
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return graph.Node{}, fmt.Errorf("plan: scenario %s: %w", id, err)
	}
	plJSON, err := json.Marshal(pl)
	if err != nil {
		return graph.Node{}, fmt.Errorf("plan: scenario %s: %w", id, err)
	}
	basisJSON, err := json.Marshal(basis)
	if err != nil {
		return graph.Node{}, fmt.Errorf("plan: scenario %s: %w", id, err)
	}
	n := graph.Node{ID: id, Label: graph.LabelScenario, Kind: ScenarioSaved, Name: name,
		Attrs: map[string]any{AttrScenarioRequest: string(reqJSON), AttrScenarioPlan: string(plJSON),
			AttrScenarioBasis: string(basisJSON), AttrScenarioFingerprint: basis.Fingerprint(),
			AttrScenarioCreated: now.UTC().Format(time.RFC3339)},
		Provenance: graph.Provenance{Source: graph.SourceUser}}
	if description != nil {
		n.Attrs[AttrScenarioDescription] = *description
	}
	return n, nil
}

// Run plans req on snap as it is on today: the problem of the request's
// scope and strong rule, and the plan Simulate finds for it.
func Run(ctx context.Context, snap *graph.Snapshot, req Request, today string) (*Problem, *Plan, error) {
	p, err := Units(snap, req.Options(today))
	if err != nil {
		return nil, nil, err
	}
	pl, err := Simulate(ctx, p, req.Input)
	if err != nil {
		return nil, nil, err
	}
	return p, pl, nil
}

// Resimulate runs the saved request again on snap as it is on today and
// returns the scenario's node with the new plan and basis (its id, name,
// description and creation kept; stamped resimulated at now). Returns
// ErrConflict for a committed scenario, and what Run returns.
func (sc *Scenario) Resimulate(ctx context.Context, snap *graph.Snapshot, today string, now time.Time) (*graph.Node, *Plan, error) {
	if sc.Committed() {
		return nil, nil, graph.Conflictf("scenario %s is committed: it cannot be re-simulated", sc.Node.ID)
	}
	p, pl, err := Run(ctx, snap, sc.Request, today)
	if err != nil {
		return nil, nil, err
	}
	n, err := ScenarioNode(sc.Node.ID, sc.Node.Name, sc.Description, sc.Request, pl, p.Basis(), now)
	if err != nil {
		return nil, nil, err
	}
	if sc.CreatedAt != "" {
		n.Attrs[AttrScenarioCreated] = sc.CreatedAt
	}
	n.Attrs[AttrScenarioResimulated] = now.UTC().Format(time.RFC3339)
	return &n, pl, nil
}

// ReadScenario reads a scenario node: its request (from AttrScenarioRequest,
// or from the GraphQL input older scenarios saved) and its plan.
func ReadScenario(n *graph.Node) (*Scenario, error) {
	if n == nil || n.Label != graph.LabelScenario {
		return nil, fmt.Errorf("plan: not a scenario node")
	}
	sc := &Scenario{Node: n}
	if d, ok := n.Attrs[AttrScenarioDescription].(string); ok {
		sc.Description = &d
	}
	sc.CreatedAt, _ = n.Attrs[AttrScenarioCreated].(string)
	sc.CommittedAt, _ = n.Attrs[AttrScenarioCommitted].(string)
	sc.ResimulatedAt, _ = n.Attrs[AttrScenarioResimulated].(string)
	s, _ := n.Attrs[AttrScenarioPlan].(string)
	if err := json.Unmarshal([]byte(s), &sc.Plan); err != nil || sc.Plan == nil {
		return nil, fmt.Errorf("scenario %s: stored plan: %w", n.ID, err)
	}
	if s, ok := n.Attrs[AttrScenarioBasis].(string); ok {
		if err := json.Unmarshal([]byte(s), &sc.Basis); err != nil {
			return nil, fmt.Errorf("scenario %s: stored basis: %w", n.ID, err)
		}
	}
	if s, ok := n.Attrs[AttrScenarioRequest].(string); ok {
		if err := json.Unmarshal([]byte(s), &sc.Request); err != nil {
			return nil, fmt.Errorf("scenario %s: stored request: %w", n.ID, err)
		}
		sc.Request.upgrade()
		return sc, nil
	}
	if s, ok := n.Attrs[AttrScenarioLegacyInput].(string); ok {
		// As before requests were saved, an input that does not decode
		// commits with the default rules.
		var in legacyInput
		if json.Unmarshal([]byte(s), &in) == nil {
			req, err := in.request()
			if err != nil {
				return nil, fmt.Errorf("scenario %s: stored input: %w", n.ID, err)
			}
			sc.Request = req
		}
	}
	sc.Request.upgrade()
	return sc, nil
}

// legacyInput is the JSON of the GraphQL AllianceSimulationInput (its
// field names), which scenarios saved before 2026-12 hold.
type legacyInput struct {
	Strategy string `json:"strategy"`
	Seed     *int   `json:"seed"`
	K        *int   `json:"k"`
	Grouping []struct {
		Key     string   `json:"key"`
		Members []string `json:"members"`
	} `json:"grouping"`
	Pairings    []Pairing   `json:"pairings"`
	Pair        *bool       `json:"pair"`
	MoveCost    *float64    `json:"moveCost"`
	Resolution  *float64    `json:"resolution"`
	Strong      *StrongRule `json:"strong"`
	Constraints *struct {
		MinSize          *int       `json:"minSize"`
		MaxSize          *int       `json:"maxSize"`
		MinTotalStrength *float64   `json:"minTotalStrength"`
		Together         [][]string `json:"together"`
		Apart            [][]string `json:"apart"`
		Fixed            []struct {
			Unit     string `json:"unit"`
			Alliance string `json:"alliance"`
		} `json:"fixed"`
		MaxMenteesPerMentor *int  `json:"maxMenteesPerMentor"`
		PairWithinAlliance  *bool `json:"pairWithinAlliance"`
		RequireContiguous   *bool `json:"requireContiguous"`
		RequireStrong       *bool `json:"requireStrong"`
	} `json:"constraints"`
}

// request converts a legacy input as the GraphQL layer converted it.
func (in legacyInput) request() (Request, error) {
	v := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	f := func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return *p
	}
	b := func(p *bool) bool { return p != nil && *p }
	out := Input{Strategy: Strategy(in.Strategy), Seed: int64(v(in.Seed)), K: in.K, Pair: b(in.Pair),
		MoveCost: f(in.MoveCost), Resolution: in.Resolution}
	if len(in.Pairings) > 0 {
		out.Pairings = in.Pairings
	}
	if in.Grouping != nil {
		groups := make([]AllianceGroup, len(in.Grouping))
		for i, g := range in.Grouping {
			groups[i] = AllianceGroup{Key: g.Key, Members: g.Members}
		}
		m, err := GroupingOf(groups)
		if err != nil {
			return Request{}, err
		}
		out.Grouping = m
	}
	if c := in.Constraints; c != nil {
		out.Constraints = Constraints{MinSize: c.MinSize, MaxSize: c.MaxSize, MinTotalStrength: c.MinTotalStrength,
			Together: c.Together, Apart: c.Apart, MaxMenteesPerMentor: c.MaxMenteesPerMentor,
			PairWithinAlliance: b(c.PairWithinAlliance), RequireContiguous: c.RequireContiguous, RequireStrong: c.RequireStrong}
		if len(c.Fixed) > 0 {
			out.Constraints.Fixed = map[string]string{}
			for _, x := range c.Fixed {
				out.Constraints.Fixed[x.Unit] = x.Alliance
			}
		}
	}
	req := Request{Input: out}
	if in.Strong != nil {
		req.Strong = *in.Strong
	}
	return req, nil
}
