package graph

import (
	"cmp"
	"slices"
	"strings"
)

// The overview of a network: its hierarchy (SUB_ORGANISATION_OF, children
// pointing at parents) read from the top in bounded pieces, so that a viewer
// can open on a network of any size and unfold it one node at a time. Three
// reads serve it (Store.Tops, Store.Below, Store.Children), each one round
// trip on Neo4j whatever the size of the store, each answer bounded by its
// limits below.

// Limits of the overview reads.
const (
	// MaxTops is the most tops one Tops call returns.
	MaxTops = 100
	// MaxBelowIDs is the most ids one Below call may ask about.
	MaxBelowIDs = 100
	// MaxGroups is the most groups Below returns for one node; the rest
	// are counted in Below.OtherGroups and Below.OtherCount.
	MaxGroups = 50
	// DescendantCap is where Below stops counting descendants: a node with
	// more has Descendants = DescendantCap and DescendantsCapped set. It
	// keeps the work of one id bounded on a city or province set.
	DescendantCap = 10_000
)

// GroupKey names a group of the children of a node: those of one kind that
// are members (MEMBER_OF, as the view sees it) of one alliance. A child that
// belongs to several alliances is counted under the least alliance id; one
// that belongs to none has Alliance "". Every child is in exactly one group.
type GroupKey struct {
	Kind     string
	Alliance string
}

// ChildGroup is one group of children and how many it holds.
type ChildGroup struct {
	GroupKey
	Count int
}

// BelowQuery says what Below counts beside the children.
type BelowQuery struct {
	// Groups asks for Below.Groups (the children partitioned by GroupKey).
	Groups bool
	// Descendants asks for Below.Descendants.
	Descendants bool
}

// Below is what lies below a node.
type Below struct {
	ID string
	// Children is the number of its direct children.
	Children int
	// Groups partitions the children by GroupKey (when asked), the largest
	// first, then by kind and alliance id; at most MaxGroups of them.
	Groups []ChildGroup
	// OtherGroups and OtherCount are the groups left out past MaxGroups and
	// the children in them.
	OtherGroups, OtherCount int
	// Descendants is the number of nodes below it at any depth (when
	// asked), counted up to DescendantCap (DescendantsCapped then).
	Descendants       int
	DescendantsCapped bool
}

// Top is a top of the hierarchy: a node with children and no parent.
type Top struct {
	Node     *Node
	Children int
}

// Tops is a ranked list of the tops of the hierarchy.
type Tops struct {
	Tops []Top
	// Total is the number of tops, listed or not.
	Total int
}

// ValidateTopsLimit checks the limit of a Tops call.
func ValidateTopsLimit(limit int) error {
	if limit < 1 || limit > MaxTops {
		return Invalidf("first", "first must be between 1 and %d, got %d", MaxTops, limit)
	}
	return nil
}

// ValidateBelowIDs checks the ids of a Below call.
func ValidateBelowIDs(ids []string) error {
	if len(ids) > MaxBelowIDs {
		return Invalidf("ids", "at most %d ids at once, got %d", MaxBelowIDs, len(ids))
	}
	return nil
}

// ValidateGroupKey checks the group of a Children call (nil: every child).
func ValidateGroupKey(g *GroupKey) error {
	if g == nil {
		return nil
	}
	if _, ok := LabelOfKind(g.Kind); !ok {
		return Invalidf("group.kind", "kind %q is not a kind of any label", g.Kind)
	}
	if g.Alliance != "" {
		if err := ValidateID("group.alliance", g.Alliance); err != nil {
			return err
		}
	}
	return nil
}

// SortTops orders tops as Tops returns them: the most children first, then
// by id.
func SortTops(ts []Top) {
	slices.SortFunc(ts, func(a, b Top) int {
		return cmp.Or(cmp.Compare(b.Children, a.Children), strings.Compare(a.Node.ID, b.Node.ID))
	})
}

// FinishGroups orders groups as Below returns them (the largest first, then
// by kind and alliance id) and keeps the first MaxGroups in b, counting the
// rest in b.OtherGroups and b.OtherCount.
func (b *Below) FinishGroups(groups []ChildGroup) {
	slices.SortFunc(groups, func(x, y ChildGroup) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Kind, y.Kind), strings.Compare(x.Alliance, y.Alliance))
	})
	b.OtherGroups, b.OtherCount = 0, 0
	if len(groups) > MaxGroups {
		for _, g := range groups[MaxGroups:] {
			b.OtherGroups++
			b.OtherCount += g.Count
		}
		groups = groups[:MaxGroups]
	}
	b.Groups = groups
}
