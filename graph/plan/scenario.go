package plan

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// Scenarios. A planner saves a plan as a scenario: a graph.LabelScenario
// node holding what was asked (a Request) and the plan found, both as JSON
// attributes. Committing it (Scenario.Commit) re-checks the plan against
// the network as it is and writes it.

// Request is what a planner asks: the input of Simulate and the rule that
// decides which units are strong (UnitOptions.Strong). A saved scenario
// keeps it, so that committing re-checks the plan under the same rules.
type Request struct {
	Input  Input      `json:"input"`
	Strong StrongRule `json:"strong"`
}

// The attributes of a scenario node, and its kinds.
const (
	AttrScenarioRequest     = "request" // JSON of Request
	AttrScenarioPlan        = "plan"    // JSON of Plan
	AttrScenarioDescription = "description"
	AttrScenarioCreated     = "createdAt"   // RFC 3339
	AttrScenarioCommitted   = "committedAt" // RFC 3339
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
}

// Committed reports whether the scenario has been committed.
func (sc *Scenario) Committed() bool { return sc.Node.Kind == ScenarioCommitted }

// ScenarioNode returns the node that saves plan pl, found for req, as the
// scenario id (saved at now); description may be nil.
func ScenarioNode(id, name string, description *string, req Request, pl *Plan, now time.Time) (graph.Node, error) {
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return graph.Node{}, fmt.Errorf("plan: scenario %s: %w", id, err)
	}
	plJSON, err := json.Marshal(pl)
	if err != nil {
		return graph.Node{}, fmt.Errorf("plan: scenario %s: %w", id, err)
	}
	n := graph.Node{ID: id, Label: graph.LabelScenario, Kind: ScenarioSaved, Name: name,
		Attrs: map[string]any{AttrScenarioRequest: string(reqJSON), AttrScenarioPlan: string(plJSON),
			AttrScenarioCreated: now.UTC().Format(time.RFC3339)},
		Provenance: graph.Provenance{Source: graph.SourceUser}}
	if description != nil {
		n.Attrs[AttrScenarioDescription] = *description
	}
	return n, nil
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
	s, _ := n.Attrs[AttrScenarioPlan].(string)
	if err := json.Unmarshal([]byte(s), &sc.Plan); err != nil || sc.Plan == nil {
		return nil, fmt.Errorf("scenario %s: stored plan: %w", n.ID, err)
	}
	if s, ok := n.Attrs[AttrScenarioRequest].(string); ok {
		if err := json.Unmarshal([]byte(s), &sc.Request); err != nil {
			return nil, fmt.Errorf("scenario %s: stored request: %w", n.ID, err)
		}
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
	out := Input{Strategy: Strategy(in.Strategy), Seed: int64(v(in.Seed)), K: v(in.K), Pair: b(in.Pair),
		MoveCost: f(in.MoveCost), Resolution: f(in.Resolution)}
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
		out.Constraints = Constraints{MinSize: v(c.MinSize), MaxSize: v(c.MaxSize), MinTotalStrength: f(c.MinTotalStrength),
			Together: c.Together, Apart: c.Apart, MaxMenteesPerMentor: v(c.MaxMenteesPerMentor),
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
