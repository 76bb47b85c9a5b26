package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// nodeInfo is what messages say of an organisation or alliance.
type nodeInfo struct {
	label      graph.Label
	kind, name string
	ended      bool
}

// under returns the ids of the nodes below the organisation within: those
// that reach it up SUB_ORGANISATION_OF edges (child → parent) valid under
// live, at any depth. Returns ErrInvalid, naming the field "within", when
// within is not a live Organisation above the units.
func (p *Problem) under(snap *graph.Snapshot, within string, live func(since, until string) bool) (map[string]bool, error) {
	in, ok := p.info[within]
	switch {
	case !ok:
		return nil, graph.Invalidf("within", "within: no organisation has the id %q", within)
	case in.label != graph.LabelOrganisation:
		return nil, graph.Invalidf("within", "within: %s is not an organisation", p.describe(within))
	case slices.Contains(p.kinds, in.kind):
		return nil, graph.Invalidf("within", "within: %s is a unit itself; give the organisation above the units to plan (a street, a district)", p.describe(within))
	}
	for _, n := range snap.Nodes {
		if n != nil && n.ID == within && !live(n.Since, n.Until) {
			return nil, graph.Invalidf("within", "within: %s has ended", p.describe(within))
		}
	}
	children := map[string][]string{}
	for _, e := range snap.Edges {
		if e != nil && e.Type == graph.RelSubOrganisationOf && live(e.Since, e.Until) {
			children[e.To] = append(children[e.To], e.From)
		}
	}
	seen := map[string]bool{within: true}
	queue := []string{within}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, c := range children[id] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	return seen, nil
}

// describe names an organisation or alliance for a message: `东郊村
// (org:dongjiao-village, VILLAGE)`, or the quoted id for anything else.
func (p *Problem) describe(id string) string {
	in, ok := p.info[id]
	if !ok {
		return fmt.Sprintf("%q", id)
	}
	kind := in.kind
	if kind == "" {
		kind = string(in.label)
	}
	if in.name == "" || in.name == id {
		return fmt.Sprintf("%q (%s)", id, kind)
	}
	return fmt.Sprintf("%s (%s, %s)", in.name, id, kind)
}

// notAUnit explains why id, named in field, is not a unit of p: no such
// organisation, one of another kind, one that has ended, or one outside
// the scope.
func (p *Problem) notAUnit(field, id string) error {
	in, ok := p.info[id]
	switch {
	case !ok:
		return graph.Invalidf(field, "%s: %q is not a village or community: no organisation has that id", field, id)
	case in.label != graph.LabelOrganisation || !slices.Contains(p.kinds, in.kind):
		return graph.Invalidf(field, "%s: %s is not a village or community", field, p.describe(id))
	case in.ended:
		return graph.Invalidf(field, "%s: %s has ended: it is not a unit of today's network", field, p.describe(id))
	case p.Within != "":
		return graph.Invalidf(field, "%s: %s is not under %s, the scope planned (within)", field, p.describe(id), p.describe(p.Within))
	}
	return graph.Invalidf(field, "%s: %s is not a unit of the network planned", field, p.describe(id))
}

// notAnAlliance explains why key, which field gives unit, is not one of the
// problem's current alliances.
func (p *Problem) notAnAlliance(field, key, unit string) error {
	ids := make([]string, len(p.Alliances))
	for i, a := range p.Alliances {
		ids[i] = a.ID
	}
	return graph.Invalidf(field, "%s pins %s to %s, which is not one of today's alliances of the units planned (%s); to keep units together in a new alliance use constraints.together",
		field, p.describe(unit), p.describe(key), listIDs(ids))
}

// Reduce keeps of snap what Units reads: organisations, alliances (and any
// node whose id begins "alliance:"), and the ADJACENT_TO, MEMBER_OF,
// MENTORS and SUB_ORGANISATION_OF edges, in snap's order. Units of the
// reduced snapshot is Units of snap, for any options; a city's reduced
// snapshot is some 65k nodes and 52k edges of 158k and 350k, so a server
// may keep one to plan any scope on.
func Reduce(snap *graph.Snapshot) *graph.Snapshot {
	out := &graph.Snapshot{}
	for _, n := range snap.Nodes {
		if n != nil && (n.Label == graph.LabelOrganisation || n.Label == graph.LabelAlliance || strings.HasPrefix(n.ID, "alliance:")) {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range snap.Edges {
		if e != nil && (e.Type == graph.RelAdjacentTo || e.Type == graph.RelMemberOf || e.Type == graph.RelMentors || e.Type == graph.RelSubOrganisationOf) {
			out.Edges = append(out.Edges, e)
		}
	}
	return out
}
