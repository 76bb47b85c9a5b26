package graph

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// An Expansion is a tree of relation queries to follow from a set of nodes:
// the nested relation fields of one GraphQL selection (an organisation with
// its parent, its children and their mentors …). Store.Expand answers a
// whole tree: in one round trip on Neo4j; ExpandLevels answers it on any
// Store with one Related call per step of the tree.
type Expansion struct {
	Steps []ExpandStep
}

// ExpandStep follows Q from every node of its level, then Next (if any) from
// the nodes found.
type ExpandStep struct {
	Q    RelQuery
	Next *Expansion
}

// Empty reports whether x follows nothing.
func (x *Expansion) Empty() bool { return x == nil || len(x.Steps) == 0 }

// Depth is the number of levels of x.
func (x *Expansion) Depth() int {
	d := 0
	if x == nil {
		return 0
	}
	for _, s := range x.Steps {
		d = max(d, 1+s.Next.Depth())
	}
	return d
}

// Size is the number of steps in x.
func (x *Expansion) Size() int {
	if x == nil {
		return 0
	}
	n := len(x.Steps)
	for _, s := range x.Steps {
		n += s.Next.Size()
	}
	return n
}

// Validate checks every step's types and direction.
func (x *Expansion) Validate() error {
	if x == nil {
		return nil
	}
	for _, s := range x.Steps {
		if err := s.Q.Validate(); err != nil {
			return err
		}
		if err := s.Next.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a relation query's types, direction and limit.
func (q RelQuery) Validate() error {
	switch q.Dir {
	case Out, In, Both, "":
	default:
		return Invalidf("direction", "direction %q is not one of OUT, IN, BOTH", q.Dir)
	}
	if err := ValidateRelationLimit(q.Limit); err != nil {
		return err
	}
	return validateTypes(q.Types)
}

// Key names the shape of q: the same key for the same types (in any order),
// direction and limit.
func (q RelQuery) Key() string {
	ts := make([]string, len(q.Types))
	for i, t := range q.Types {
		ts[i] = string(t)
	}
	slices.Sort(ts)
	dir := q.Dir
	if dir == "" {
		dir = Both
	}
	key := strings.Join(ts, ",") + "|" + string(dir)
	if q.Limit > 0 {
		key += "|" + strconv.Itoa(q.Limit)
	}
	return key
}

// ParseRelQueryKey returns the query a Key names.
func ParseRelQueryKey(key string) (RelQuery, bool) {
	parts := strings.Split(key, "|")
	if len(parts) < 2 || len(parts) > 3 {
		return RelQuery{}, false
	}
	q := RelQuery{Dir: Direction(parts[1])}
	if parts[0] != "" {
		for _, t := range strings.Split(parts[0], ",") {
			q.Types = append(q.Types, RelType(t))
		}
	}
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[2])
		if err != nil {
			return RelQuery{}, false
		}
		q.Limit = n
	}
	return q, true
}

// CapRelated cuts a node's relations, sorted as Related sorts them, to
// what Related answers with limit: at most limit+1 (none cut when limit is
// 0).
func CapRelated(rs []Related, limit int) []Related {
	if limit > 0 && len(rs) > limit+1 {
		return rs[:limit+1]
	}
	return rs
}

// Expanded is the answer to an Expansion: the root nodes found, and for every
// relation shape (RelQuery.Key) followed anywhere in the tree, the answer of
// Related for each node it was followed from — exactly what Related would
// have said for those ids, in the same order.
type Expanded struct {
	Nodes   map[string]*Node
	Related map[string]map[string][]Related
}

// ExpandLevels answers x on any store: one Nodes call for the roots, then
// one Related call per step of the tree, for all the nodes of its level,
// each with view v. A store without a one-statement Expand implements
// Store.Expand with it.
func ExpandLevels(ctx context.Context, s Store, v View, ids []string, x *Expansion) (*Expanded, error) {
	if err := x.Validate(); err != nil {
		return nil, err
	}
	ns, err := s.Nodes(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	out := &Expanded{Nodes: make(map[string]*Node, len(ids)), Related: map[string]map[string][]Related{}}
	var roots []string
	for _, n := range ns {
		if n != nil {
			if _, dup := out.Nodes[n.ID]; !dup {
				roots = append(roots, n.ID)
			}
			out.Nodes[n.ID] = n
		}
	}
	return out, expandLevel(ctx, s, v, roots, x, out)
}

func expandLevel(ctx context.Context, s Store, v View, ids []string, x *Expansion, out *Expanded) error {
	if x.Empty() || len(ids) == 0 {
		return nil
	}
	for _, st := range x.Steps {
		rel, err := s.Related(ctx, v, ids, st.Q)
		if err != nil {
			return err
		}
		m := out.Related[st.Q.Key()]
		if m == nil {
			m = map[string][]Related{}
			out.Related[st.Q.Key()] = m
		}
		var next []string
		seen := map[string]bool{}
		for _, id := range ids {
			rs := rel[id]
			if rs == nil {
				rs = []Related{}
			}
			m[id] = rs
			for _, r := range rs {
				if !seen[r.Node.ID] {
					seen[r.Node.ID] = true
					next = append(next, r.Node.ID)
				}
			}
		}
		if err := expandLevel(ctx, s, v, next, st.Next, out); err != nil {
			return err
		}
	}
	return nil
}

// FindNodesExpandLevels answers Store.FindNodesExpand on any store:
// FindNodes, then Expand from the page's nodes (when x follows anything).
// A store without a one-statement FindNodesExpand implements it with this.
func FindNodesExpandLevels(ctx context.Context, s Store, v View, f NodeFilter, p PageArgs, x *Expansion) (*NodePage, *Expanded, error) {
	if err := x.Validate(); err != nil {
		return nil, nil, err
	}
	page, err := s.FindNodes(ctx, v, f, p)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(page.Nodes))
	for i, n := range page.Nodes {
		ids[i] = n.ID
	}
	xp := &Expanded{Nodes: make(map[string]*Node, len(page.Nodes)), Related: map[string]map[string][]Related{}}
	if !x.Empty() {
		if xp, err = s.Expand(ctx, v, ids, x); err != nil {
			return nil, nil, err
		}
	}
	for _, n := range page.Nodes {
		xp.Nodes[n.ID] = n
	}
	return page, xp, nil
}
