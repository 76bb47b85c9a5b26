package neo4j

import (
	"context"

	"github.com/orgnet/orgnet/graph"
)

// The overview reads (graph.Store Tops, Below, Children): one statement
// each, constant text with $parameters.

const (
	// tplTops: every node with a visible child, grouped (so that the
	// parent test runs once per parent, not per edge), without a visible
	// parent; the most children first, then by id. All the tops are
	// counted; $o.limit are returned.
	tplTops = `MATCH (c)-[r:SUB_ORGANISATION_OF]->(n)
WHERE VIS(r) AND VIS(c) AND VIS(n)
WITH n, count(DISTINCT c) AS k
WHERE NOT EXISTS { MATCH (n)-[u:SUB_ORGANISATION_OF]->(p) WHERE VIS(u) AND VIS(p) }
ORDER BY k DESC, n.id
WITH collect({n: n, k: k}) AS tops
RETURN size(tops) AS total, [x IN tops[0..$o.limit] | {n: NODE(x.n), k: x.k}] AS tops`

	// belowHead begins Below's statements: each of $ids that is visible.
	belowHead = `UNWIND $ids AS id
MATCH (n:Node {id: id}) WHERE VIS(n)
`
	// belowChildren counts the distinct children.
	belowChildren = `CALL (n) {
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(n) WHERE VIS(r) AND VIS(c)
  RETURN count(DISTINCT c) AS children
}
`
	// belowGroups partitions the children by kind and the least id of
	// their alliances ('' for none): graph.GroupKey.
	belowGroups = `CALL (n) {
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(n) WHERE VIS(r) AND VIS(c)
  WITH DISTINCT c
  CALL (c) {
    OPTIONAL MATCH (c)-[m:MEMBER_OF]->(a) WHERE VIS(m) AND VIS(a)
    RETURN min(a.id) AS al
  }
  WITH coalesce(c.kind, '') AS kind, coalesce(al, '') AS al, count(*) AS k
  RETURN collect({kind: kind, alliance: al, count: k}) AS groups
}
`
	// belowDescendants counts the nodes below, breadth first, stopping
	// past $o.cap.
	belowDescendants = `CALL (n) {
  MATCH p = ANY SHORTEST (n)((x)<-[r:SUB_ORGANISATION_OF]-(y) WHERE VIS(r) AND VIS(y))+(m)
  WHERE m <> n
  WITH DISTINCT m LIMIT $o.cap + 1
  RETURN count(m) AS below
}
`

	// tplChildren lists the children of $id in one group (or all of them,
	// $o.all), by id: the total, the page after $o.after (one more than
	// $o.first, to tell whether more follow) and whether any lie at or
	// before it.
	tplChildren = `MATCH (p:Node {id: $id}) WHERE VIS(p)
CALL (p) {
  MATCH (c)-[r:SUB_ORGANISATION_OF]->(p) WHERE VIS(r) AND VIS(c) AND ($o.all OR c.kind = $o.kind)
  WITH DISTINCT c
  CALL (c) {
    OPTIONAL MATCH (c)-[m:MEMBER_OF]->(a) WHERE VIS(m) AND VIS(a)
    RETURN min(a.id) AS al
  }
  WITH c WHERE $o.all OR coalesce(al, '') = $o.alliance
  WITH c ORDER BY c.id
  RETURN collect(c) AS cs
}
WITH cs, [x IN cs WHERE x.id > $o.after] AS rest
RETURN size(cs) AS total, size(cs) > size(rest) AS prev, [x IN rest[0..$o.first + 1] | NODE(x)] AS page`
)

var (
	cypherTops     = readStmt(tplTops)
	cypherChildren = readStmt(tplChildren)
	// cypherBelow[groups][descendants]: Below's statement for what it is
	// asked to count.
	cypherBelow = func() (t [2][2]string) {
		for g := range 2 {
			for d := range 2 {
				s := belowHead + belowChildren
				ret := "RETURN id, children"
				if g == 1 {
					s += belowGroups
					ret += ", groups"
				}
				if d == 1 {
					s += belowDescendants
					ret += ", below"
				}
				t[g][d] = expandVIS(s + ret)
			}
		}
		return t
	}()
)

// Tops returns the nodes with children and no parent, the most children
// first, then by id, in one statement. Returns ErrInvalid.
func (s *Store) Tops(ctx context.Context, v graph.View, limit int) (*graph.Tops, error) {
	if err := graph.ValidateTopsLimit(limit); err != nil {
		return nil, err
	}
	return readTx(ctx, s, "tops", func(tx runner) (*graph.Tops, error) {
		recs, _, err := run(ctx, tx, cypherTops.For(v), readParams(v, nil, map[string]any{"limit": int64(limit)}))
		if err != nil {
			return nil, err
		}
		r := single(recs)
		out := &graph.Tops{Total: getInt(r, "total"), Tops: []graph.Top{}}
		l, _ := get(r, "tops").([]any)
		for _, x := range l {
			m, _ := x.(map[string]any)
			n, err := decodeNode(m["n"])
			if err != nil {
				return nil, err
			}
			k, _ := m["k"].(int64)
			out.Tops = append(out.Tops, graph.Top{Node: n, Children: int(k)})
		}
		graph.SortTops(out.Tops)
		return out, nil
	})
}

// Below counts, groups and (as asked) counts the descendants of each of
// ids in one statement. Ids that do not exist are left out.
func (s *Store) Below(ctx context.Context, v graph.View, ids []string, q graph.BelowQuery) (map[string]*graph.Below, error) {
	if err := graph.ValidateBelowIDs(ids); err != nil {
		return nil, err
	}
	ask := uniqueValidIDs(ids)
	if len(ask) == 0 {
		return map[string]*graph.Below{}, nil
	}
	cypher := cypherBelow[boolIndex(q.Groups)][boolIndex(q.Descendants)]
	params := readParams(v, map[string]any{"ids": ask}, map[string]any{"cap": int64(graph.DescendantCap)})
	return readTx(ctx, s, "below", func(tx runner) (map[string]*graph.Below, error) {
		recs, _, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*graph.Below, len(recs))
		for _, r := range recs {
			b := &graph.Below{ID: getString(r, "id"), Children: getInt(r, "children")}
			if q.Groups {
				l, _ := get(r, "groups").([]any)
				groups := make([]graph.ChildGroup, 0, len(l))
				for _, x := range l {
					m, _ := x.(map[string]any)
					kind, _ := m["kind"].(string)
					al, _ := m["alliance"].(string)
					k, _ := m["count"].(int64)
					groups = append(groups, graph.ChildGroup{GroupKey: graph.GroupKey{Kind: kind, Alliance: al}, Count: int(k)})
				}
				b.FinishGroups(groups)
			}
			if q.Descendants {
				b.Descendants = getInt(r, "below")
				if b.Descendants > graph.DescendantCap {
					b.Descendants, b.DescendantsCapped = graph.DescendantCap, true
				}
			}
			out[b.ID] = b
		}
		return out, nil
	})
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Children returns a page of the children of parent in group g (all when
// nil), by id, in one statement. Returns ErrNotFound, ErrInvalid.
func (s *Store) Children(ctx context.Context, v graph.View, parent string, g *graph.GroupKey, p graph.PageArgs) (*graph.NodePage, error) {
	first, after, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	p.First = first
	if err := graph.ValidateGroupKey(g); err != nil {
		return nil, err
	}
	if graph.ValidateID("parentId", parent) != nil {
		return nil, graph.NotFoundf("node %q does not exist", parent)
	}
	o := map[string]any{"all": g == nil, "kind": "", "alliance": "", "after": after, "first": int64(p.First)}
	if g != nil {
		o["kind"], o["alliance"] = g.Kind, g.Alliance
	}
	page, err := readTx(ctx, s, "children", func(tx runner) (*graph.NodePage, error) {
		recs, _, err := run(ctx, tx, cypherChildren.For(v), readParams(v, map[string]any{"id": parent}, o))
		if err != nil {
			return nil, err
		}
		r := single(recs)
		if r == nil {
			return nil, nil
		}
		nodes, err := decodeNodes(get(r, "page"))
		if err != nil {
			return nil, err
		}
		page := &graph.NodePage{Nodes: nodes, HasPrevPage: getBool(r, "prev")}
		if !p.NoTotal {
			page.TotalCount = getInt(r, "total")
		}
		if len(page.Nodes) > p.First {
			page.Nodes, page.HasNextPage = page.Nodes[:p.First], true
		}
		if k := len(page.Nodes); k > 0 {
			page.StartCursor = graph.EncodeCursor(page.Nodes[0].ID)
			page.EndCursor = graph.EncodeCursor(page.Nodes[k-1].ID)
		}
		return page, nil
	})
	if err != nil {
		return nil, err
	}
	if page == nil {
		return nil, graph.NotFoundf("node %q does not exist", parent)
	}
	return page, nil
}
