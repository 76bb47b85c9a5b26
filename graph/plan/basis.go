package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Basis is what a plan depends on in the network: the units in scope, the
// alliances each belongs to, today's pairings among them and (as a digest)
// their borders. A scenario saves the Basis it was planned on; committing
// compares it with the network's and refuses, listing the changes, when
// they differ (Scenario.Commit).
type Basis struct {
	Within string `json:"within,omitempty"`
	// Units maps every unit id to the ids of the alliances (of the grouping
	// kinds) it belongs to, sorted; empty for none.
	Units    map[string][]string `json:"units"`
	Pairings []Pairing           `json:"pairings"`
	// Borders is a digest of the borders between units; BorderCount their
	// number.
	Borders     string `json:"borders"`
	BorderCount int    `json:"borderCount"`
}

// Basis returns what a plan of p depends on.
func (p *Problem) Basis() Basis {
	b := Basis{Within: p.Within, Units: make(map[string][]string, len(p.Units)),
		Pairings: slices.Clone(p.Pairings), Borders: p.borders, BorderCount: p.edges}
	if b.Pairings == nil {
		b.Pairings = []Pairing{}
	}
	for i, u := range p.Units {
		ids := []string{}
		for _, e := range p.memberEdges[i] {
			ids = append(ids, e.alliance)
		}
		slices.Sort(ids)
		b.Units[u.ID] = slices.Compact(ids)
	}
	return b
}

// Fingerprint is a digest of the basis: equal bases have equal
// fingerprints.
func (b Basis) Fingerprint() string {
	// encoding/json writes map keys sorted: the encoding is canonical.
	j, _ := json.Marshal(b)
	sum := sha256.Sum256(j)
	return hex.EncodeToString(sum[:])
}

// bordersDigest digests the adjacency between units.
func (p *Problem) bordersDigest() string {
	h := sha256.New()
	for u, vs := range p.adj {
		for _, v := range vs {
			if int32(u) < v {
				h.Write([]byte(p.Units[u].ID + "\x00" + p.Units[v].ID + "\n"))
			}
		}
	}
	// Unit order is by id, neighbours by index: the digest does not depend
	// on the order edges were read in.
	return hex.EncodeToString(h.Sum(nil))
}

// The kinds of NetworkChange.
const (
	ChangeUnitAdded      = "UNIT_ADDED"
	ChangeUnitEnded      = "UNIT_ENDED"
	ChangeMembership     = "MEMBERSHIP_CHANGED"
	ChangePairingAdded   = "PAIRING_ADDED"
	ChangePairingEnded   = "PAIRING_ENDED"
	ChangeBordersChanged = "BORDERS_CHANGED"
	ChangeScopeChanged   = "SCOPE_CHANGED"
)

// NetworkChange is one way the network differs from a saved Basis.
type NetworkChange struct {
	Kind string `json:"kind"`
	// Unit is the unit added, ended or whose memberships changed; From and
	// To its alliances then and now (several joined by ","; "" for none).
	Unit string `json:"unit,omitempty"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Mentor and Mentee are the pairing added or ended.
	Mentor string `json:"mentor,omitempty"`
	Mentee string `json:"mentee,omitempty"`
	// Was and Now count the borders (BORDERS_CHANGED).
	Was int `json:"was,omitempty"`
	Now int `json:"now,omitempty"`
}

// Changes lists how now differs from saved: units added and ended, units
// whose alliances changed, pairings added and ended, borders changed; in
// that order, each by id. Nil when they are the same.
func (saved Basis) Changes(now Basis) []NetworkChange {
	var out []NetworkChange
	if saved.Within != now.Within {
		out = append(out, NetworkChange{Kind: ChangeScopeChanged, From: saved.Within, To: now.Within})
	}
	for _, id := range sortedIDs(now.Units) {
		if _, ok := saved.Units[id]; !ok {
			out = append(out, NetworkChange{Kind: ChangeUnitAdded, Unit: id, To: strings.Join(now.Units[id], ",")})
		}
	}
	for _, id := range sortedIDs(saved.Units) {
		if _, ok := now.Units[id]; !ok {
			out = append(out, NetworkChange{Kind: ChangeUnitEnded, Unit: id, From: strings.Join(saved.Units[id], ",")})
		}
	}
	for _, id := range sortedIDs(saved.Units) {
		if cur, ok := now.Units[id]; ok && !slices.Equal(saved.Units[id], cur) {
			out = append(out, NetworkChange{Kind: ChangeMembership, Unit: id, From: strings.Join(saved.Units[id], ","), To: strings.Join(cur, ",")})
		}
	}
	was := map[Pairing]bool{}
	for _, pr := range saved.Pairings {
		was[pr] = true
	}
	is := map[Pairing]bool{}
	for _, pr := range now.Pairings {
		is[pr] = true
		if !was[pr] {
			out = append(out, NetworkChange{Kind: ChangePairingAdded, Mentor: pr.Mentor, Mentee: pr.Mentee})
		}
	}
	for _, pr := range saved.Pairings {
		if !is[pr] {
			out = append(out, NetworkChange{Kind: ChangePairingEnded, Mentor: pr.Mentor, Mentee: pr.Mentee})
		}
	}
	if saved.Borders != now.Borders {
		out = append(out, NetworkChange{Kind: ChangeBordersChanged, Was: saved.BorderCount, Now: now.BorderCount})
	}
	return out
}

func sortedIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Describe says a change in words, with names from p where it has them
// (ids otherwise): "东郊村 left 东郊区域党建联合体 for 舒家区域党建联合体".
func (p *Problem) Describe(c NetworkChange) string {
	names := func(ids string) string {
		if ids == "" {
			return "no alliance"
		}
		var out []string
		for _, id := range strings.Split(ids, ",") {
			out = append(out, p.NameOf(id))
		}
		return strings.Join(out, " and ")
	}
	switch c.Kind {
	case ChangeScopeChanged:
		return fmt.Sprintf("the scope changed from %s to %s", p.NameOf(c.From), p.NameOf(c.To))
	case ChangeUnitAdded:
		return fmt.Sprintf("%s was added (in %s)", p.NameOf(c.Unit), names(c.To))
	case ChangeUnitEnded:
		return fmt.Sprintf("%s has ended or left the scope (was in %s)", p.NameOf(c.Unit), names(c.From))
	case ChangeMembership:
		return fmt.Sprintf("%s moved from %s to %s", p.NameOf(c.Unit), names(c.From), names(c.To))
	case ChangePairingAdded:
		return fmt.Sprintf("pairing %s → %s was added", p.NameOf(c.Mentor), p.NameOf(c.Mentee))
	case ChangePairingEnded:
		return fmt.Sprintf("pairing %s → %s has ended", p.NameOf(c.Mentor), p.NameOf(c.Mentee))
	case ChangeBordersChanged:
		return fmt.Sprintf("the borders between units changed (%d then, %d now)", c.Was, c.Now)
	}
	return c.Kind
}

// NameOf is the name of the unit, organisation or alliance id in the
// problem's snapshot (the id itself when it has none, or is none of
// those).
func (p *Problem) NameOf(id string) string {
	if id == "" {
		return "the whole network"
	}
	if i, ok := p.index[id]; ok {
		return p.Units[i].Name
	}
	if a, ok := p.allianceIx[id]; ok {
		return p.Alliances[a].Name
	}
	if in, ok := p.info[id]; ok && in.name != "" {
		return in.name
	}
	return id
}
