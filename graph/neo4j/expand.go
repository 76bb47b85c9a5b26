package neo4j

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/orgnet/orgnet/graph"
)

// Expand reads the nodes ids and follows the tree x from them in one
// statement: nested pattern comprehensions, one per step, with each step's
// relationship types written into the pattern (from the fixed table of
// graph.RelTypes, never from input) so that Neo4j walks only those chains of
// a dense node. The statement's text depends only on the tree's shape; it is
// built once per shape and cached. Returns ErrInvalid for a bad step.
func (s *Store) Expand(ctx context.Context, v graph.View, ids []string, x *graph.Expansion) (*graph.Expanded, error) {
	if err := x.Validate(); err != nil {
		return nil, err
	}
	out := &graph.Expanded{Nodes: map[string]*graph.Node{}, Related: map[string]map[string][]graph.Related{}}
	ask := uniqueValidIDs(ids)
	if len(ask) == 0 {
		return out, nil
	}
	cypher := expandStatement(x, v.Lean)
	params := readParams(v, map[string]any{"ids": ask}, map[string]any{"limits": stepLimits(x, nil)})
	return readTx(ctx, s, "expand", func(tx runner) (*graph.Expanded, error) {
		recs, _, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			n, err := decodeNode(get(r, "n"))
			if err != nil {
				return nil, err
			}
			out.Nodes[n.ID] = n
			if err := decodeExpanded(n.ID, get(r, "x"), x, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// decodeExpanded files the answer v of the steps of x at node id.
func decodeExpanded(id string, v any, x *graph.Expansion, out *graph.Expanded) error {
	if x.Empty() {
		return nil
	}
	steps, ok := v.([]any)
	if !ok || len(steps) != len(x.Steps) {
		return fmt.Errorf("neo4j: expand: %d step answers for %d steps", len(steps), len(x.Steps))
	}
	for i, st := range x.Steps {
		items, _ := steps[i].([]any)
		rs := make([]graph.Related, 0, len(items))
		for _, it := range items {
			t, ok := it.([]any)
			if !ok || len(t) < 3 {
				return fmt.Errorf("neo4j: expand: bad item %T", it)
			}
			m, err := decodeNode(t[2])
			if err != nil {
				return err
			}
			from, to := id, m.ID
			if outgoing, _ := t[1].(bool); !outgoing {
				from, to = m.ID, id
			}
			e, err := decodeRel(t[0], from, to)
			if err != nil {
				return err
			}
			rs = append(rs, graph.Related{Edge: e, Node: m})
			if len(t) > 3 {
				if err := decodeExpanded(m.ID, t[3], st.Next, out); err != nil {
					return err
				}
			}
		}
		sortRelated(rs)
		key := st.Q.Key()
		if out.Related[key] == nil {
			out.Related[key] = map[string][]graph.Related{}
		}
		out.Related[key][id] = rs
	}
	return nil
}

// sortRelated orders a node's relations as Related does: by edge type, then
// other node id, then edge id.
func sortRelated(rs []graph.Related) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Edge.Type != b.Edge.Type {
			return a.Edge.Type < b.Edge.Type
		}
		if a.Node.ID != b.Node.ID {
			return a.Node.ID < b.Node.ID
		}
		return a.Edge.ID < b.Edge.ID
	})
}

var expandStatements sync.Map // shape → statement

var relatedStatements sync.Map // RelQuery.Key → statement

// relatedStatement returns Related's statement for q (validated): the
// relationship types written into the pattern, so that Neo4j follows only
// those chains of a node instead of filtering all its relationships. With
// q.Limit, each node's relationships are read in a subquery that stops at
// $o.limit (q.Limit+1) rows.
func relatedStatement(q graph.RelQuery, lean bool) string {
	key := stepKey(q) + string(boolByte(lean))
	if s, ok := relatedStatements.Load(key); ok {
		return s.(string)
	}
	match := "OPTIONAL MATCH (n)" + relPattern("r", q) + "(m) WHERE VIS(r) AND VIS(m)\n"
	if q.Limit > 0 {
		match = "CALL (n) {\n  " + match + "  RETURN r, m LIMIT $o.limit\n}\n"
	}
	s := project(expandVIS(relatedHead+match+"RETURN id, REL(r) AS r, startNode(r).id AS f, endNode(r).id AS t, NODE(m) AS m"), lean)
	relatedStatements.Store(key, s)
	return s
}

// stepKey names what the statement of a relation query depends on: its
// types and direction, and whether it is limited (the limit itself is a
// parameter, so that every limit shares one plan).
func stepKey(q graph.RelQuery) string {
	limited := q.Limit > 0
	q.Limit = 0
	if limited {
		return q.Key() + "|limited"
	}
	return q.Key()
}

// stepLimits lists the limits of x's limited steps, in the order
// writeSteps numbers them (each read as $o.limits[i]): the limit plus one,
// so that a node with more than the limit shows it.
func stepLimits(x *graph.Expansion, into []int64) []int64 {
	if x.Empty() {
		return into
	}
	for _, st := range x.Steps {
		if st.Q.Limit > 0 {
			into = append(into, int64(st.Q.Limit)+1)
		}
		into = stepLimits(st.Next, into)
	}
	return into
}

// expandStatement returns the statement for x's shape.
func expandStatement(x *graph.Expansion, lean bool) string {
	key := string(boolByte(lean)) + shapeKey(x)
	if s, ok := expandStatements.Load(key); ok {
		return s.(string)
	}
	var b strings.Builder
	b.WriteString("UNWIND $ids AS id\nMATCH (n0:Node {id: id}) WHERE VIS(n0)\nRETURN NODE(n0) AS n, ")
	k, lim := 0, 0
	writeSteps(&b, "n0", x, &k, &lim)
	b.WriteString(" AS x")
	s := project(expandVIS(b.String()), lean)
	expandStatements.Store(key, s)
	return s
}

func shapeKey(x *graph.Expansion) string {
	if x.Empty() {
		return ""
	}
	var b strings.Builder
	for _, s := range x.Steps {
		b.WriteString("(" + stepKey(s.Q) + shapeKey(s.Next) + ")")
	}
	return b.String()
}

// writeSteps writes the list of x's step comprehensions at node variable v.
// A limited step's comprehension is cut at $o.limits[lim] (stepLimits):
// Neo4j returns, and orgnet decodes, at most that many per node.
func writeSteps(b *strings.Builder, v string, x *graph.Expansion, k, lim *int) {
	b.WriteString("[")
	for i, st := range x.Steps {
		if i > 0 {
			b.WriteString(", ")
		}
		*k++
		r, m := "r"+strconv.Itoa(*k), "m"+strconv.Itoa(*k)
		rel := relPattern(r, st.Q)
		cut := ""
		if st.Q.Limit > 0 {
			cut = "[0..$o.limits[" + strconv.Itoa(*lim) + "]]"
			*lim++
		}
		fmt.Fprintf(b, "[(%s)%s(%s) WHERE VIS(%s) AND VIS(%s) | [REL(%s), startNode(%s) = %s, NODE(%s)", v, rel, m, r, m, r, r, v, m)
		if !st.Next.Empty() {
			b.WriteString(", ")
			writeSteps(b, m, st.Next, k, lim)
		}
		b.WriteString("]]" + cut)
	}
	b.WriteString("]")
}

// relPattern writes the relationship pattern of q with variable r, e.g.
// "-[r:MEMBER_OF]->" (q validated).
func relPattern(r string, q graph.RelQuery) string {
	rel := "[" + r + relTypes(q.Types) + "]"
	switch q.Dir {
	case graph.Out:
		return "-" + rel + "->"
	case graph.In:
		return "<-" + rel + "-"
	default:
		return "-" + rel + "-"
	}
}

// relTypes writes ":A|B" for types (validated: every one is in
// graph.RelTypes), sorted; "" for all types.
func relTypes(ts []graph.RelType) string {
	if len(ts) == 0 {
		return ""
	}
	names := make([]string, 0, len(ts))
	for _, t := range ts {
		if i := slices.Index(graph.RelTypes, t); i >= 0 {
			names = append(names, string(graph.RelTypes[i]))
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	return ":" + strings.Join(names, "|")
}
