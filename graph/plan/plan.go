package plan

import (
	"fmt"
	"slices"
	"sort"
)

// Plan is a simulated grouping and pairing with its metrics beside today's.
// Every list is in a fixed order: alliances by key, members and ids sorted,
// pairings by mentor then mentee, moves by unit.
type Plan struct {
	Strategy Strategy `json:"strategy"`
	Seed     int64    `json:"seed"`
	// Within is the scope planned (UnitOptions.Within), "" for the whole
	// network.
	Within string `json:"within,omitempty"`
	// Settings are the input's settings with the defaults filled in.
	Settings  Settings        `json:"settings"`
	Alliances []AllianceGroup `json:"alliances"`
	// Unassigned are units in no alliance (only when the grouping is today's
	// and leaves some out).
	Unassigned []string  `json:"unassigned,omitempty"`
	Pairings   []Pairing `json:"pairings"`
	Metrics    Metrics   `json:"metrics"`
	Today      Metrics   `json:"today"`
	// Moved are the units whose alliance is not the one they are in today.
	Moved []string `json:"moved"`
	// Moves are the units whose alliance changes: Moved, and units in no
	// alliance today that join one.
	Moves []Move `json:"moves"`
	// PairingChanges set the plan's pairings against today's.
	PairingChanges PairingChanges `json:"pairingChanges"`
	// Dissolved are today's alliances that no alliance of the plan continues
	// and that have no members outside the scope: committing ends them.
	Dissolved []string `json:"dissolved"`
	Warnings  []string `json:"warnings,omitempty"`
}

// AllianceGroup is one alliance of a plan.
type AllianceGroup struct {
	// Key names the alliance in the plan: the id of the current alliance it
	// continues, a Fixed or Grouping key, or "new-1", "new-2", … for a new
	// one.
	Key string `json:"key"`
	// ID is the alliance's id: the one it continues, or the one a commit
	// gives the new alliance ("alliance:" and its lead's id).
	ID     string `json:"id,omitempty"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn,omitempty"`
	// Naming says where the name comes from: NamingKept, NamingLead or
	// NamingInput.
	Naming  string   `json:"naming,omitempty"`
	Members []string `json:"members"`
	// Lead is its strongest member (most strength, then population).
	Lead string `json:"lead,omitempty"`
	// CurrentID is the current alliance it continues ("" for a new one):
	// see continuation.
	CurrentID string `json:"currentId,omitempty"`
}

// Move is one unit whose alliance changes: From is today's alliance ("" for
// none), To the key of its alliance in the plan ("" for none).
type Move struct {
	Unit string `json:"unit"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// PairingChanges are a plan's pairings against today's: kept, added (not
// today's) and ended (today's, not the plan's).
type PairingChanges struct {
	Kept  []Pairing `json:"kept"`
	Added []Pairing `json:"added"`
	Ended []Pairing `json:"ended"`
}

// buildPlan decides which current alliance each group continues, keys and
// names the groups, and puts everything in order.
func buildPlan(p *Problem, gr grouping, pairs []Pairing, names []Name) (*Plan, error) {
	cont := continuation(p, gr.groups, gr.keys)
	used := map[string]bool{}
	keys := make([]string, len(gr.groups))
	for g := range gr.groups {
		if gr.keys != nil && gr.keys[g] != "" {
			keys[g] = gr.keys[g]
			used[keys[g]] = true
		}
	}
	for g := range gr.groups {
		if keys[g] == "" && cont[g] >= 0 && !used[p.Alliances[cont[g]].ID] {
			keys[g] = p.Alliances[cont[g]].ID
			used[keys[g]] = true
		}
	}
	// New groups are numbered in the order of their least member id.
	var fresh []int
	for g := range gr.groups {
		if keys[g] == "" {
			fresh = append(fresh, g)
		}
	}
	least := func(g int) string {
		s := ""
		for _, u := range gr.groups[g] {
			if id := p.Units[u].ID; s == "" || id < s {
				s = id
			}
		}
		return s
	}
	sort.Slice(fresh, func(a, b int) bool { return least(fresh[a]) < least(fresh[b]) })
	next := 1
	for _, g := range fresh {
		for used[fmt.Sprintf("new-%d", next)] {
			next++
		}
		keys[g] = fmt.Sprintf("new-%d", next)
		used[keys[g]] = true
	}

	pl := &Plan{Alliances: make([]AllianceGroup, 0, len(gr.groups))}
	inGroup := make([]bool, len(p.Units))
	allianceOf := make([]string, len(p.Units))
	keyOf := make([]string, len(p.Units))
	for g, mem := range gr.groups {
		a := AllianceGroup{Key: keys[g], Members: make([]string, 0, len(mem))}
		if len(mem) > 0 {
			a.Lead = p.Units[leadOf(p, mem)].ID
		}
		if cont[g] >= 0 {
			a.CurrentID = p.Alliances[cont[g]].ID
		}
		for _, u := range mem {
			a.Members = append(a.Members, p.Units[u].ID)
			inGroup[u] = true
			allianceOf[u] = a.CurrentID
			keyOf[u] = a.Key
		}
		slices.Sort(a.Members)
		pl.Alliances = append(pl.Alliances, a)
	}
	sort.Slice(pl.Alliances, func(i, j int) bool { return pl.Alliances[i].Key < pl.Alliances[j].Key })
	if err := name(p, pl, names); err != nil {
		return nil, err
	}
	pl.Moved, pl.Moves = []string{}, []Move{}
	for i, u := range p.Units {
		if !inGroup[i] {
			pl.Unassigned = append(pl.Unassigned, u.ID)
		}
		if u.Current != "" && (!inGroup[i] || allianceOf[i] != u.Current) {
			pl.Moved = append(pl.Moved, u.ID)
		}
		if u.Current != allianceOf[i] || u.Current == "" && inGroup[i] {
			pl.Moves = append(pl.Moves, Move{Unit: u.ID, From: u.Current, To: keyOf[i]})
		}
	}
	continued := map[string]bool{}
	for _, a := range pl.Alliances {
		continued[a.CurrentID] = true
	}
	pl.Dissolved = []string{}
	for _, a := range p.Alliances {
		if !continued[a.ID] && a.Outside == 0 {
			pl.Dissolved = append(pl.Dissolved, a.ID)
		}
	}
	pl.Pairings = sortPairings(pairs)
	pl.PairingChanges = pairingChanges(p.Pairings, pl.Pairings)
	return pl, nil
}

// pairingChanges sets planned pairings against today's.
func pairingChanges(today, planned []Pairing) PairingChanges {
	ch := PairingChanges{Kept: []Pairing{}, Added: []Pairing{}, Ended: []Pairing{}}
	was := map[Pairing]bool{}
	for _, pr := range today {
		was[pr] = true
	}
	is := map[Pairing]bool{}
	for _, pr := range planned {
		is[pr] = true
		if was[pr] {
			ch.Kept = append(ch.Kept, pr)
		} else {
			ch.Added = append(ch.Added, pr)
		}
	}
	for _, pr := range today {
		if !is[pr] {
			ch.Ended = append(ch.Ended, pr)
		}
	}
	ch.Kept, ch.Added, ch.Ended = sortPairings(ch.Kept), sortPairings(ch.Added), sortPairings(ch.Ended)
	return ch
}

func sortPairings(pairs []Pairing) []Pairing {
	out := slices.Clone(pairs)
	if out == nil {
		out = []Pairing{}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Mentor < b.Mentor || a.Mentor == b.Mentor && a.Mentee < b.Mentee
	})
	return out
}
