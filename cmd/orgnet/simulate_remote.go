package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph/plan"
)

// apiClient asks a running orgnet server's GraphQL API.
type apiClient struct {
	url, token string
	http       *http.Client
}

type gqlErr struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// query runs one GraphQL operation and decodes its data into out.
func (c *apiClient) query(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("--url %s: %w", c.url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("reach the orgnet server at %s: %w", c.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("read the answer of %s: %w", c.url, err)
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlErr        `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s answered %s, not GraphQL: %.200s", c.url, resp.Status, b)
	}
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		code, _ := e.Extensions["code"].(string)
		switch code {
		case "UNAUTHENTICATED":
			return fmt.Errorf("the server at %s wants a token: pass --token (or set ORGNET_TOKEN) for role planner or above: %s", c.url, e.Message)
		case "FORBIDDEN":
			return fmt.Errorf("the server at %s refuses this token: %s", c.url, e.Message)
		}
		msg := e.Message
		if f, _ := e.Extensions["field"].(string); f != "" && !strings.Contains(msg, f) {
			msg = f + ": " + msg
		}
		return fmt.Errorf("simulate: %s", msg)
	}
	return json.Unmarshal(r.Data, out)
}

const remotePlanning = `query($within: ID) { planningNetwork(within: $within) {
  units { organisation { id name nameEn } } alliances { id name nameEn } } }`

const remoteSimulate = `query($input: AllianceSimulationInput!) { simulateAlliances(input: $input) {
  strategy seed
  settings { k minSize maxSize minTotalStrength maxMenteesPerMentor pairWithinAlliance requireContiguous requireStrong pair moveCost resolution strongRule strongUnits units }
  within { id name }
  alliances { key id name nameEn naming continues { id name } lead { id name } members { id name } }
  dissolved { id name } unassignedUnits { id name }
  pairings { mentor { id name } mentee { id name } }
  pairingChanges { kept { ...P } added { ...P } ended { ...P } }
  moves { unit { id name } from { id name } to { key } }
  moved warnings metrics today table } }
fragment P on PlannedPairing { mentor { id name } mentee { id name } }`

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type remotePair struct {
	Mentor idName `json:"mentor"`
	Mentee idName `json:"mentee"`
}

// simulateRemote plans through the server at base: it asks for the
// network's units and alliances when names need resolving, then for the
// plan, and reads the answer back into a plan.
func simulateRemote(ctx context.Context, cmd *cli.Command, base string) (*outcome, error) {
	c := &apiClient{url: strings.TrimRight(base, "/"), token: cmd.String("token"), http: &http.Client{Timeout: 5 * time.Minute}}
	refs := newRefIndex()
	within := cmd.String("within")
	if within != "" && !strings.Contains(within, ":") {
		var s struct {
			Search []idName `json:"search"`
		}
		if err := c.query(ctx, `query($t: String!) { search(text: $t, first: 20) { id name } }`, map[string]any{"t": within}, &s); err != nil {
			return nil, err
		}
		for _, n := range s.Search {
			if n.Name == within && strings.HasPrefix(n.ID, "org:") {
				addRef(refs.orgs, n.ID, n.Name)
			}
		}
		var err error
		if within, err = refs.org(within); err != nil {
			return nil, err
		}
	}
	if within != "" || cmd.IsSet("together") || cmd.IsSet("apart") || cmd.IsSet("fixed") || cmd.IsSet("name") || cmd.IsSet("grouping") {
		var pn struct {
			PlanningNetwork struct {
				Units []struct {
					Organisation struct {
						ID, Name, NameEn string
					} `json:"organisation"`
				} `json:"units"`
				Alliances []struct{ ID, Name, NameEn string } `json:"alliances"`
			} `json:"planningNetwork"`
		}
		var w any
		if within != "" {
			w = within
		}
		if err := c.query(ctx, remotePlanning, map[string]any{"within": w}, &pn); err != nil {
			return nil, err
		}
		for _, u := range pn.PlanningNetwork.Units {
			addRef(refs.units, u.Organisation.ID, u.Organisation.Name, u.Organisation.NameEn)
		}
		for _, a := range pn.PlanningNetwork.Alliances {
			addRef(refs.alliances, a.ID, a.Name, a.NameEn)
		}
	}
	req, err := requestOf(cmd, refs)
	if err != nil {
		return nil, err
	}
	req.Within = within
	var res struct {
		R struct {
			Strategy  string        `json:"strategy"`
			Seed      int64         `json:"seed"`
			Settings  plan.Settings `json:"settings"`
			Within    *idName       `json:"within"`
			Alliances []struct {
				Key, ID, Name, Naming string
				NameEn                *string
				Continues, Lead       *idName
				Members               []idName
			} `json:"alliances"`
			Dissolved, UnassignedUnits []idName
			Pairings                   []remotePair
			PairingChanges             struct{ Kept, Added, Ended []remotePair }
			Moves                      []struct {
				Unit idName
				From *idName
				To   *struct{ Key string }
			}
			Moved, Warnings []string
			Metrics, Today  plan.Metrics
			Table           string
		} `json:"simulateAlliances"`
	}
	if err := c.query(ctx, remoteSimulate, map[string]any{"input": graphqlInput(req)}, &res); err != nil {
		return nil, err
	}
	r := res.R
	o := &outcome{names: map[string]string{}, table: r.Table}
	name := func(n idName) string {
		o.names[n.ID] = n.Name
		return n.ID
	}
	pairs := func(ps []remotePair) []plan.Pairing {
		out := []plan.Pairing{}
		for _, p := range ps {
			out = append(out, plan.Pairing{Mentor: name(p.Mentor), Mentee: name(p.Mentee)})
		}
		return out
	}
	pl := &plan.Plan{Strategy: plan.Strategy(r.Strategy), Seed: r.Seed, Settings: r.Settings, Metrics: r.Metrics, Today: r.Today,
		Moved: r.Moved, Warnings: r.Warnings, Pairings: pairs(r.Pairings), Moves: []plan.Move{}, Dissolved: []string{},
		PairingChanges: plan.PairingChanges{Kept: pairs(r.PairingChanges.Kept), Added: pairs(r.PairingChanges.Added), Ended: pairs(r.PairingChanges.Ended)}}
	if r.Within != nil {
		pl.Within = name(*r.Within)
	}
	for _, a := range r.Alliances {
		g := plan.AllianceGroup{Key: a.Key, ID: a.ID, Name: a.Name, Naming: a.Naming}
		if a.NameEn != nil {
			g.NameEn = *a.NameEn
		}
		if a.Continues != nil {
			g.CurrentID = name(*a.Continues)
		}
		if a.Lead != nil {
			g.Lead = name(*a.Lead)
		}
		for _, m := range a.Members {
			g.Members = append(g.Members, name(m))
		}
		o.names[g.ID] = g.Name
		pl.Alliances = append(pl.Alliances, g)
	}
	for _, d := range r.Dissolved {
		pl.Dissolved = append(pl.Dissolved, name(d))
	}
	for _, u := range r.UnassignedUnits {
		pl.Unassigned = append(pl.Unassigned, name(u))
	}
	for _, m := range r.Moves {
		mv := plan.Move{Unit: name(m.Unit)}
		if m.From != nil {
			mv.From = name(*m.From)
		}
		if m.To != nil {
			mv.To = m.To.Key
		}
		pl.Moves = append(pl.Moves, mv)
	}
	o.pl = pl
	return o, nil
}

// graphqlInput is the AllianceSimulationInput of a request.
func graphqlInput(req plan.Request) map[string]any {
	in := req.Input
	out := map[string]any{"strategy": string(in.Strategy), "seed": in.Seed, "pair": in.Pair, "moveCost": in.MoveCost}
	if req.Within != "" {
		out["within"] = req.Within
	}
	if in.K != nil {
		out["k"] = *in.K
	}
	if in.Resolution != nil {
		out["resolution"] = *in.Resolution
	}
	if in.Grouping != nil {
		byKey := map[string][]string{}
		for _, u := range sortedKeys(in.Grouping) {
			byKey[in.Grouping[u]] = append(byKey[in.Grouping[u]], u)
		}
		var gs []map[string]any
		for _, k := range sortedKeys(byKey) {
			gs = append(gs, map[string]any{"key": k, "members": byKey[k]})
		}
		out["grouping"] = gs
	}
	var names []map[string]any
	for _, n := range in.Names {
		names = append(names, map[string]any{"unit": n.Unit, "name": n.Name})
	}
	if names != nil {
		out["names"] = names
	}
	c := in.Constraints
	cs := map[string]any{"pairWithinAlliance": c.PairWithinAlliance}
	set := func(k string, v any, ok bool) {
		if ok {
			cs[k] = v
		}
	}
	if c.MinSize != nil {
		cs["minSize"] = *c.MinSize
	}
	if c.MaxSize != nil {
		cs["maxSize"] = *c.MaxSize
	}
	if c.MaxMenteesPerMentor != nil {
		cs["maxMenteesPerMentor"] = *c.MaxMenteesPerMentor
	}
	if c.MinTotalStrength != nil {
		cs["minTotalStrength"] = *c.MinTotalStrength
	}
	set("together", c.Together, c.Together != nil)
	set("apart", c.Apart, c.Apart != nil)
	if c.Fixed != nil {
		var fs []map[string]any
		for _, u := range sortedKeys(c.Fixed) {
			fs = append(fs, map[string]any{"unit": u, "alliance": c.Fixed[u]})
		}
		cs["fixed"] = fs
	}
	out["constraints"] = cs
	return out
}
