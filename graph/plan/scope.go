package plan

import (
	"fmt"
	"slices"

	"github.com/orgnet/orgnet/graph"
)

// under returns the ids of the nodes below the organisation within: those
// that reach it up SUB_ORGANISATION_OF edges (child → parent) valid under
// live, at any depth. Returns ErrInvalid, naming the field "within", when
// within is not a valid Organisation of snap.
func under(snap *graph.Snapshot, within string, kinds []string, live func(since, until string) bool) (map[string]bool, error) {
	var root *graph.Node
	for _, n := range snap.Nodes {
		if n != nil && n.ID == within {
			root = n
			break
		}
	}
	switch {
	case root == nil:
		return nil, graph.Invalidf("within", "within: no organisation has the id %q", within)
	case root.Label != graph.LabelOrganisation:
		return nil, graph.Invalidf("within", "within: %s is not an organisation", describe(snap, within))
	case !live(root.Since, root.Until):
		return nil, graph.Invalidf("within", "within: %s has ended", describe(snap, within))
	case slices.Contains(kinds, root.Kind):
		return nil, graph.Invalidf("within", "within: %s is a unit itself; give the organisation above the units to plan (a street, a district)", describe(snap, within))
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

// describe names a node of snap for a message: `东郊村 (org:dongjiao-village,
// VILLAGE)`, or the quoted id when no node has it.
func describe(snap *graph.Snapshot, id string) string {
	if snap != nil {
		for _, n := range snap.Nodes {
			if n != nil && n.ID == id {
				kind := n.Kind
				if kind == "" {
					kind = string(n.Label)
				}
				if n.Name == "" || n.Name == id {
					return fmt.Sprintf("%q (%s)", id, kind)
				}
				return fmt.Sprintf("%s (%s, %s)", n.Name, id, kind)
			}
		}
	}
	return fmt.Sprintf("%q", id)
}

// notAUnit explains why id, named in field, is not a unit of p: no such
// node, a node of another kind, one that has ended, or one outside the
// scope.
func (p *Problem) notAUnit(field, id string) error {
	var n *graph.Node
	if p.snap != nil {
		for _, x := range p.snap.Nodes {
			if x != nil && x.ID == id {
				n = x
				break
			}
		}
	}
	switch {
	case n == nil:
		return graph.Invalidf(field, "%s: %q is not a village or community: no node has that id", field, id)
	case n.Label != graph.LabelOrganisation || !slices.Contains(p.kinds, n.Kind):
		return graph.Invalidf(field, "%s: %s is not a village or community", field, describe(p.snap, id))
	case p.Within != "":
		return graph.Invalidf(field, "%s: %s is not under %s, the scope planned (within), or has ended", field, describe(p.snap, id), describe(p.snap, p.Within))
	}
	return graph.Invalidf(field, "%s: %s has ended: it is not a unit of today's network", field, describe(p.snap, id))
}

// notAnAlliance explains why key, which field gives unit, is not one of the
// problem's current alliances.
func (p *Problem) notAnAlliance(field, key, unit string) error {
	ids := make([]string, len(p.Alliances))
	for i, a := range p.Alliances {
		ids[i] = a.ID
	}
	what := fmt.Sprintf("%q", key)
	if p.snap != nil {
		for _, n := range p.snap.Nodes {
			if n != nil && n.ID == key {
				what = describe(p.snap, key)
				break
			}
		}
	}
	return graph.Invalidf(field, "%s pins %s to %s, which is not one of today's alliances of the units planned (%s); to keep units together in a new alliance use constraints.together",
		field, describe(p.snap, unit), what, listIDs(ids))
}
