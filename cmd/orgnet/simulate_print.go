package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgnet/orgnet/graph/plan"
)

// outcome is a plan with the names of what it names, and its metrics
// table, as simulate prints it (from the store or from a server).
type outcome struct {
	pl    *plan.Plan
	names map[string]string // id → name
	table string
}

// planIDs are the ids a plan names.
func planIDs(pl *plan.Plan) []string {
	var ids []string
	for _, a := range pl.Alliances {
		ids = append(ids, a.Members...)
		ids = append(ids, a.CurrentID, a.Lead)
	}
	for _, m := range pl.Moves {
		ids = append(ids, m.Unit, m.From)
	}
	for _, ps := range [][]plan.Pairing{pl.PairingChanges.Kept, pl.PairingChanges.Added, pl.PairingChanges.Ended} {
		for _, p := range ps {
			ids = append(ids, p.Mentor, p.Mentee)
		}
	}
	ids = append(ids, pl.Dissolved...)
	ids = append(ids, pl.Unassigned...)
	return append(ids, pl.Within)
}

func (o *outcome) name(id string) string {
	if n := o.names[id]; n != "" {
		return n
	}
	return id
}

// print writes the plan by name: what it was asked, its alliances, the
// units that move, the pairings kept, added and ended, then the metrics
// beside today's.
func (o *outcome) print(w io.Writer) error {
	pl, st := o.pl, o.pl.Settings
	var asked []string
	if st.K != nil {
		if *st.K == 0 {
			asked = append(asked, "k 0 (as many as the constraints allow)")
		} else {
			asked = append(asked, fmt.Sprintf("k %d", *st.K))
		}
	}
	asked = append(asked, fmt.Sprintf("minSize %d", st.MinSize))
	if st.MaxSize != nil {
		asked = append(asked, fmt.Sprintf("maxSize %d", *st.MaxSize))
	}
	if pl.Within != "" {
		asked = append(asked, "within "+o.name(pl.Within))
	}
	fmt.Fprintf(w, "%s plan (seed %d; %s): %d alliances, %d pairings, %d units moved\n", pl.Strategy, pl.Seed, strings.Join(asked, ", "),
		len(pl.Alliances), len(pl.Pairings), len(pl.Moves))
	fmt.Fprintf(w, "strong units: %d of %d (%s)\n", st.StrongUnits, st.Units, st.StrongRule)

	byKey := map[string]plan.AllianceGroup{}
	fmt.Fprintln(w, "\nAlliances · 联合体")
	for _, a := range pl.Alliances {
		byKey[a.Key] = a
		how := map[string]string{plan.NamingKept: "continues today's", plan.NamingLead: "new, named after its lead", plan.NamingInput: "named by you"}[a.Naming]
		if a.Naming == plan.NamingInput && a.CurrentID != "" {
			how = "continues today's " + o.name(a.CurrentID) + ", renamed"
		}
		members := make([]string, len(a.Members))
		for i, m := range a.Members {
			members[i] = o.name(m)
		}
		fmt.Fprintf(w, "  %s (%s; %s; lead %s): %s\n", a.Name, a.ID, how, o.name(a.Lead), strings.Join(members, "、"))
	}
	if len(pl.Dissolved) > 0 {
		var ds []string
		for _, id := range pl.Dissolved {
			ds = append(ds, o.name(id)+" ("+id+")")
		}
		fmt.Fprintf(w, "  dissolved: %s\n", strings.Join(ds, ", "))
	}
	fmt.Fprintln(w, "\nMoves · 调整")
	if len(pl.Moves) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, m := range pl.Moves {
		from, to := "no alliance", "no alliance"
		if m.From != "" {
			from = o.name(m.From)
		}
		if a, ok := byKey[m.To]; ok {
			to = a.Name
		}
		fmt.Fprintf(w, "  %s (%s): %s → %s\n", o.name(m.Unit), m.Unit, from, to)
	}
	pc := pl.PairingChanges
	fmt.Fprintf(w, "\nPairings · 结对: %d kept, %d added, %d ended\n", len(pc.Kept), len(pc.Added), len(pc.Ended))
	for _, set := range []struct {
		mark  string
		pairs []plan.Pairing
	}{{"=", pc.Kept}, {"+", pc.Added}, {"-", pc.Ended}} {
		for _, p := range set.pairs {
			fmt.Fprintf(w, "  %s %s → %s\n", set.mark, o.name(p.Mentor), o.name(p.Mentee))
		}
	}
	for _, warn := range pl.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	fmt.Fprintln(w)
	_, err := io.WriteString(w, o.table)
	return err
}
