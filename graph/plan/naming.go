package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// Naming. A planned alliance keeps the id and name of the current alliance
// whose members it mostly keeps (continuation); otherwise it is named after
// its lead unit in the article's pattern, X区域党建联合体 (东郊区域党建联合体
// after 东郊村), and gets an id made from the lead's. The planner's Names
// override either.

// The article's pattern for a regional alliance's name, in Chinese and
// English (the seed's English names).
const (
	AllianceSuffix   = "区域党建联合体"
	AllianceSuffixEn = " Regional Party-Building Alliance"
)

// How a planned alliance got its name (AllianceGroup.Naming).
const (
	NamingKept  = "KEPT"  // the current alliance's it continues
	NamingLead  = "LEAD"  // after its lead unit
	NamingInput = "INPUT" // Input.Names
)

// Stem is a unit's name without its kind: 东郊村 → 东郊, 迎恩社区 → 迎恩.
func Stem(name string) string {
	for _, suf := range []string{"村民委员会", "居民委员会", "村委会", "居委会", "社区", "村"} {
		if s, ok := strings.CutSuffix(name, suf); ok && s != "" {
			return s
		}
	}
	return name
}

// StemEn is Stem for English names: "Dongjiao Village" → "Dongjiao".
func StemEn(nameEn string) string {
	for _, suf := range []string{" Village Committee", " Residents' Committee", " Community", " Village"} {
		if s, ok := strings.CutSuffix(nameEn, suf); ok && s != "" {
			return s
		}
	}
	return nameEn
}

// AllianceName is the name of an alliance led by the unit called unitName:
// 东郊村 → 东郊区域党建联合体.
func AllianceName(unitName string) string { return Stem(unitName) + AllianceSuffix }

// AllianceNameEn is AllianceName in English ("" for a unit without an
// English name).
func AllianceNameEn(unitNameEn string) string {
	if unitNameEn == "" {
		return ""
	}
	return StemEn(unitNameEn) + AllianceSuffixEn
}

// leadOf is the strongest member of a group: most strength, then most
// population, then the least id.
func leadOf(p *Problem, mem []int32) int32 {
	best := int32(-1)
	for _, u := range mem {
		if best < 0 {
			best = u
			continue
		}
		a, b := p.Units[u], p.Units[best]
		if a.Strength > b.Strength || a.Strength == b.Strength && (a.Population > b.Population || a.Population == b.Population && a.ID < b.ID) {
			best = u
		}
	}
	return best
}

// continuation says which current alliance each group continues (its index
// in p.Alliances, or -1):
//
//  1. a group whose key is a current alliance's id continues it;
//  2. a group that holds more than half of a current alliance's members —
//     and, when the alliance is named after one of them (Namesake), that
//     one — continues it; a group that could continue several continues the
//     one it shares most members with (then the least id);
//  3. a group led by the namesake of an alliance nothing continues
//     continues it (the name would be the same).
func continuation(p *Problem, groups [][]int32, keys []string) []int {
	out := make([]int, len(groups))
	taken := make([]bool, len(p.Alliances))
	groupOf := make([]int32, len(p.Units))
	for i := range groupOf {
		groupOf[i] = -1
	}
	for g, mem := range groups {
		out[g] = -1
		for _, u := range mem {
			groupOf[u] = int32(g)
		}
		if keys == nil {
			continue
		}
		if a, ok := p.allianceIx[keys[g]]; ok && !taken[a] {
			out[g] = a
			taken[a] = true
		}
	}
	type cand struct{ g, a, shared int }
	var cands []cand
	for a, al := range p.Alliances {
		if taken[a] {
			continue
		}
		shared := map[int32]int{}
		for _, id := range al.Members {
			if g := groupOf[p.index[id]]; g >= 0 && out[g] < 0 {
				shared[g]++
			}
		}
		for g, c := range shared {
			if 2*c <= len(al.Members) {
				continue
			}
			if al.Namesake != "" && groupOf[p.index[al.Namesake]] != g {
				continue
			}
			cands = append(cands, cand{int(g), a, c})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].shared != cands[j].shared {
			return cands[i].shared > cands[j].shared
		}
		return cands[i].a < cands[j].a
	})
	for _, c := range cands {
		if out[c.g] < 0 && !taken[c.a] {
			out[c.g], taken[c.a] = c.a, true
		}
	}
	for a, al := range p.Alliances {
		if taken[a] || al.Namesake == "" {
			continue
		}
		u := int32(p.index[al.Namesake])
		if g := groupOf[u]; g >= 0 && out[g] < 0 && leadOf(p, groups[g]) == u {
			out[g], taken[a] = a, true
		}
	}
	return out
}

// newAllianceID is the id a new alliance led by unit lead gets: "alliance:"
// and the lead's id without "org:", with "-2", "-3" … when that is taken.
func newAllianceID(lead string, taken func(string) bool) string {
	base := "alliance:" + strings.TrimPrefix(lead, "org:")
	id := base
	for i := 2; taken(id); i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	return id
}

// name gives the plan's alliances their ids and names (keys and CurrentID
// set): kept from the alliance each continues, or after its lead; then
// the planner's names. Returns ErrInvalid naming "names" for a name that
// matches no alliance, names one twice or clashes with another.
func name(p *Problem, pl *Plan, names []Name) error {
	keyIx := map[string]int{}
	unitIx := map[string]int{}
	for i, a := range pl.Alliances {
		keyIx[a.Key] = i
		for _, u := range a.Members {
			unitIx[u] = i
		}
	}
	for i, a := range pl.Alliances {
		if _, taken := keyIx[a.CurrentID]; a.CurrentID != "" && !taken {
			keyIx[a.CurrentID] = i
		}
	}
	// Names in use by alliances the plan does not name: current ones that
	// live on (with members outside the scope) and nothing continues.
	inUse := map[string]string{}
	continued := map[string]bool{}
	for _, a := range pl.Alliances {
		continued[a.CurrentID] = true
	}
	for _, a := range p.Alliances {
		if !continued[a.ID] && a.Outside > 0 {
			inUse[a.Name] = a.ID
		}
	}
	usedIDs := map[string]bool{}
	for i := range pl.Alliances {
		a := &pl.Alliances[i]
		if a.CurrentID != "" {
			al := p.Alliances[p.allianceIx[a.CurrentID]]
			a.ID, a.Name, a.NameEn, a.Naming = al.ID, al.Name, al.NameEn, NamingKept
			usedIDs[a.ID] = true
			inUse[a.Name] = a.Key
		}
	}
	// Then the new ones, in key order (keys are sorted).
	for i := range pl.Alliances {
		a := &pl.Alliances[i]
		if a.CurrentID != "" {
			continue
		}
		lead := p.Units[p.index[a.Lead]]
		a.Naming = NamingLead
		a.Name, a.NameEn = AllianceName(lead.Name), AllianceNameEn(lead.NameEn)
		if _, clash := inUse[a.Name]; clash {
			a.Name, a.NameEn = lead.Name+AllianceSuffix, lead.NameEn+AllianceSuffixEn
			if lead.NameEn == "" {
				a.NameEn = ""
			}
		}
		if _, clash := inUse[a.Name]; clash {
			a.Name += "（" + a.Key + "）"
		}
		inUse[a.Name] = a.Key
		a.ID = newAllianceID(lead.ID, func(id string) bool { return p.taken[id] || usedIDs[id] })
		usedIDs[a.ID] = true
	}
	// The planner's names.
	named := map[int]int{}
	for i, nm := range names {
		var g int
		var ok bool
		if nm.Unit != "" {
			if _, isUnit := p.index[nm.Unit]; !isUnit {
				return p.notAUnit("names", nm.Unit)
			}
			if g, ok = unitIx[nm.Unit]; !ok {
				return graph.Invalidf("names", "names[%d] names the alliance of %s, but the plan leaves it in no alliance", i, p.describe(nm.Unit))
			}
		} else if g, ok = keyIx[nm.Key]; !ok {
			keys := make([]string, 0, len(pl.Alliances))
			for _, a := range pl.Alliances {
				keys = append(keys, a.Key)
			}
			return graph.Invalidf("names", "names[%d] names the alliance with key %q, but the plan has no such alliance (its keys: %s)", i, nm.Key, listIDs(keys))
		}
		if j, dup := named[g]; dup {
			return graph.Invalidf("names", "names[%d] and names[%d] both name alliance %q (%q and %q)", j, i, pl.Alliances[g].Key, names[j].Name, nm.Name)
		}
		named[g] = i
	}
	final := map[string]int{}
	for g := range pl.Alliances {
		if i, ok := named[g]; ok {
			a := &pl.Alliances[g]
			a.Name, a.NameEn, a.Naming = strings.TrimSpace(names[i].Name), strings.TrimSpace(names[i].NameEn), NamingInput
		}
	}
	// Names the plan gives must be its own (today's names may repeat: a
	// city has several 康塘区域党建联合体 in different streets).
	for g, a := range pl.Alliances {
		if _, dup := final[a.Name]; !dup {
			final[a.Name] = g
		}
	}
	for g, a := range pl.Alliances {
		if a.Naming == NamingKept {
			continue
		}
		for o, b := range pl.Alliances {
			if o != g && b.Name == a.Name {
				return graph.Invalidf("names", "two alliances of the plan would be called %s (%q and %q): give each its own name", a.Name, a.Key, b.Key)
			}
		}
	}
	for _, a := range p.Alliances {
		if g, clash := final[a.Name]; clash && !continued[a.ID] && a.Outside > 0 {
			return graph.Invalidf("names", "alliance %q would be called %s, the name of %s, which keeps members outside the scope", pl.Alliances[g].Key, a.Name, a.ID)
		}
	}
	return nil
}
