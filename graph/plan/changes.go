package plan

import "slices"

// Changes are the edits that would make a plan the network's grouping and
// pairings, for committing a scenario: create the new alliances, add the
// memberships and pairings listed, end-date the edges listed.
type Changes struct {
	// NewAlliances are the plan's alliances that continue no current one.
	NewAlliances []AllianceGroup `json:"newAlliances"`
	// Join are memberships to add: a unit to a current alliance (AllianceID)
	// or to a new one (AllianceID "", Key as in NewAlliances).
	Join []Membership `json:"join"`
	// EndMemberships are MEMBER_OF edge ids to end: units that leave an
	// alliance of the grouping kinds.
	EndMemberships []string `json:"endMemberships"`
	// DissolvedAlliances are current alliances no plan alliance continues
	// and that have no members outside the scope.
	DissolvedAlliances []string `json:"dissolvedAlliances"`
	// Renamed are the plan's alliances that continue a current one under
	// another name (the planner's).
	Renamed []AllianceGroup `json:"renamed"`
	// AddPairings are pairings that are not today's; EndPairings the MENTORS
	// edge ids of today's pairings the plan drops.
	AddPairings []Pairing `json:"addPairings"`
	EndPairings []string  `json:"endPairings"`
}

// Membership is one unit joining one alliance.
type Membership struct {
	Unit       string `json:"unit"`
	Key        string `json:"key"`
	AllianceID string `json:"allianceId,omitempty"`
}

// ChangesOf lists the edits that turn today's network (p) into plan pl. A
// unit that stays in its current alliance keeps every membership as it is;
// a unit that moves loses its memberships of the grouping's alliance kinds
// except the one to its new alliance. Units the plan leaves unassigned are
// not touched. Every list is sorted.
func ChangesOf(p *Problem, pl *Plan) Changes {
	ch := Changes{NewAlliances: []AllianceGroup{}, Join: []Membership{}, EndMemberships: []string{},
		DissolvedAlliances: []string{}, Renamed: []AllianceGroup{}, AddPairings: []Pairing{}, EndPairings: []string{}}
	continued := map[string]bool{}
	for _, a := range pl.Alliances {
		if a.CurrentID == "" {
			ch.NewAlliances = append(ch.NewAlliances, a)
		} else {
			continued[a.CurrentID] = true
			if ix, ok := p.allianceIx[a.CurrentID]; ok {
				if cur := p.Alliances[ix]; a.Name != "" && (a.Name != cur.Name || a.NameEn != "" && a.NameEn != cur.NameEn) {
					ch.Renamed = append(ch.Renamed, a)
				}
			}
		}
		for _, id := range a.Members {
			u, ok := p.index[id]
			if !ok || p.Units[u].Current != "" && p.Units[u].Current == a.CurrentID {
				continue
			}
			has := false
			for _, e := range p.memberEdges[u] {
				if a.CurrentID != "" && e.alliance == a.CurrentID {
					has = true
				} else {
					ch.EndMemberships = append(ch.EndMemberships, e.edgeID)
				}
			}
			if !has {
				ch.Join = append(ch.Join, Membership{Unit: id, Key: a.Key, AllianceID: a.CurrentID})
			}
		}
	}
	for _, a := range p.Alliances {
		if !continued[a.ID] && a.Outside == 0 {
			ch.DissolvedAlliances = append(ch.DissolvedAlliances, a.ID)
		}
	}
	planned := map[Pairing]bool{}
	for _, pr := range pl.Pairings {
		planned[pr] = true
		if len(p.pairEdges[pr]) == 0 {
			ch.AddPairings = append(ch.AddPairings, pr)
		}
	}
	for _, pr := range p.Pairings {
		if !planned[pr] {
			ch.EndPairings = append(ch.EndPairings, p.pairEdges[pr]...)
		}
	}
	slices.SortFunc(ch.Join, func(a, b Membership) int {
		if a.Unit < b.Unit {
			return -1
		}
		if a.Unit > b.Unit {
			return 1
		}
		return 0
	})
	slices.Sort(ch.EndMemberships)
	ch.EndMemberships = slices.Compact(ch.EndMemberships)
	slices.Sort(ch.EndPairings)
	ch.AddPairings = sortPairings(ch.AddPairings)
	return ch
}
