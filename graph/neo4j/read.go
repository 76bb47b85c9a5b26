package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
)

// Node returns the node with the given id. Returns ErrNotFound.
func (s *Store) Node(ctx context.Context, v graph.View, id string) (*graph.Node, error) {
	if graph.ValidateID("id", id) != nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	n, err := readTx(ctx, s, "node", func(tx runner) (*graph.Node, error) {
		recs, _, err := run(ctx, tx, cypherNode.For(v), readParams(v, map[string]any{"id": id}, nil))
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		return decodeNode(get(recs[0], "n"))
	})
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	return n, nil
}

// Nodes returns the nodes with the given ids, in the order asked, nil where
// an id does not exist.
func (s *Store) Nodes(ctx context.Context, v graph.View, ids []string) ([]*graph.Node, error) {
	out := make([]*graph.Node, len(ids))
	ask := uniqueValidIDs(ids)
	if len(ask) == 0 {
		return out, nil
	}
	byID, err := readTx(ctx, s, "nodes", func(tx runner) (map[string]*graph.Node, error) {
		recs, _, err := run(ctx, tx, cypherNodes.For(v), readParams(v, map[string]any{"ids": ask}, nil))
		if err != nil {
			return nil, err
		}
		m := make(map[string]*graph.Node, len(recs))
		for _, r := range recs {
			n, err := decodeNode(get(r, "n"))
			if err != nil {
				return nil, err
			}
			m[n.ID] = n
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		n := byID[id]
		if n != nil && seen[id] {
			n = n.Clone() // each element is the caller's own copy
		}
		seen[id] = true
		out[i] = n
	}
	return out, nil
}

// uniqueValidIDs returns the distinct ids that could name something (ids
// failing graph.ValidateID cannot be stored, so they are not asked for).
func uniqueValidIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] || graph.ValidateID("id", id) != nil {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// FindNodes returns a page of the nodes matching f, ordered by id, with the
// total count, in one statement. Returns ErrInvalid.
func (s *Store) FindNodes(ctx context.Context, v graph.View, f graph.NodeFilter, p graph.PageArgs) (*graph.NodePage, error) {
	page, _, err := s.findNodes(ctx, v, f, p, nil)
	return page, err
}

// FindNodesExpand is FindNodes and Expand from the page's nodes in one
// statement. Returns ErrInvalid.
func (s *Store) FindNodesExpand(ctx context.Context, v graph.View, f graph.NodeFilter, p graph.PageArgs, x *graph.Expansion) (*graph.NodePage, *graph.Expanded, error) {
	if err := x.Validate(); err != nil {
		return nil, nil, err
	}
	return s.findNodes(ctx, v, f, p, x)
}

func (s *Store) findNodes(ctx context.Context, v graph.View, f graph.NodeFilter, p graph.PageArgs, x *graph.Expansion) (*graph.NodePage, *graph.Expanded, error) {
	xp := &graph.Expanded{Nodes: map[string]*graph.Node{}, Related: map[string]map[string][]graph.Related{}}
	first, after, err := p.Resolve()
	if err != nil {
		return nil, nil, err
	}
	opts, err := filterParams(f)
	if err != nil {
		return nil, nil, err
	}
	opts["after"] = after
	opts["take"] = int64(first + 1)
	opts["limits"] = stepLimits(x, nil)
	params := readParams(v, nil, opts)
	page, err := readTx(ctx, s, "find nodes", func(tx runner) (*graph.NodePage, error) {
		recs, _, err := run(ctx, tx, findNodesExpandCypher(f, !p.NoTotal, after != "", v.Lean, x), params)
		if err != nil {
			return nil, err
		}
		r := single(recs)
		if r == nil {
			return nil, fmt.Errorf("no result")
		}
		nodes, err := decodeNodes(get(r, "page"))
		if err != nil {
			return nil, err
		}
		xs, _ := get(r, "x").([]any)
		if !x.Empty() && len(xs) != len(nodes) {
			return nil, fmt.Errorf("neo4j: find nodes: %d expansions for %d nodes", len(xs), len(nodes))
		}
		for i, n := range nodes {
			xp.Nodes[n.ID] = n
			if !x.Empty() {
				if err := decodeExpanded(n.ID, xs[i], x, xp); err != nil {
					return nil, err
				}
			}
		}
		sortNodes(nodes)
		pg := &graph.NodePage{TotalCount: getInt(r, "total"), HasPrevPage: getBool(r, "hasPrev")}
		if len(nodes) > first {
			nodes = nodes[:first]
			pg.HasNextPage = true
		}
		pg.Nodes = nodes
		if len(nodes) > 0 {
			pg.StartCursor = graph.EncodeCursor(nodes[0].ID)
			pg.EndCursor = graph.EncodeCursor(nodes[len(nodes)-1].ID)
		}
		return pg, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return page, xp, nil
}

// filterParams checks a filter (unknown labels and sources are ErrInvalid)
// and turns it into the parameters of nodeFilter.
func filterParams(f graph.NodeFilter) (map[string]any, error) {
	labels := make([]any, 0, len(f.Labels))
	for _, l := range f.Labels {
		if !l.Valid() {
			return nil, graph.Invalidf("labels", "label %q is not one of %v", l, graph.Labels)
		}
		labels = append(labels, string(l))
	}
	kinds := make([]any, 0, len(f.Kinds))
	for _, k := range f.Kinds {
		kinds = append(kinds, k)
	}
	tiers := make([]any, 0, len(f.Tiers))
	for _, t := range f.Tiers {
		tiers = append(tiers, int64(t))
	}
	sources, err := sourceParams(f.Sources)
	if err != nil {
		return nil, err
	}
	attrSources, err := sourceParams(f.AttrSources)
	if err != nil {
		return nil, err
	}
	kind := ""
	if len(f.Kinds) == 1 {
		kind = f.Kinds[0]
	}
	return map[string]any{
		"attrSources": attrSources,
		"labels":      labels,
		"kinds":       kinds,
		"kind":        kind,
		"tiers":       tiers,
		"name":        graph.FoldText(f.NameContains),
		"sep":         searchKeySep,
		"alliance":    f.AllianceID,
		"sources":     sources,
		// graph.AttrAllianceType, kept as an ordinary property.
		"allianceType": f.AllianceType,
	}, nil
}

func sourceParams(ss []graph.Source) ([]any, error) {
	out := make([]any, 0, len(ss))
	for _, src := range ss {
		if !src.Valid() {
			return nil, graph.Invalidf("sources", "source %q is not one of %v", src, graph.Sources)
		}
		out = append(out, string(src))
	}
	return out, nil
}

// Search returns up to limit nodes whose name or English name contains text
// (folded), ranked like graph.SearchRank, in one statement. Returns
// ErrInvalid.
func (s *Store) Search(ctx context.Context, v graph.View, text string, limit int) ([]*graph.Node, error) {
	q, err := graph.ValidateSearch(text, limit)
	if err != nil {
		return nil, err
	}
	params := readParams(v, map[string]any{"q": q}, map[string]any{"sep": searchKeySep, "limit": int64(limit)})
	return readTx(ctx, s, "search", func(tx runner) ([]*graph.Node, error) {
		recs, _, err := run(ctx, tx, cypherSearch.For(v), params)
		if err != nil {
			return nil, err
		}
		hits := make([]graph.SearchHit, 0, len(recs))
		for _, r := range recs {
			n, err := decodeNode(get(r, "n"))
			if err != nil {
				return nil, err
			}
			k := graph.KeyOf(n)
			hits = append(hits, graph.SearchHit{Node: n, Key: k, Rank: k.Rank(q)})
		}
		// Neo4j ordered and cut them; SortHits orders them again so that
		// ties compare ids as Go strings, like the embedded store.
		graph.SortHits(hits)
		out := make([]*graph.Node, len(hits))
		for i, h := range hits {
			out[i] = h.Node
		}
		return out, nil
	})
}

// Edge returns the edge with the given id. Returns ErrNotFound.
func (s *Store) Edge(ctx context.Context, v graph.View, id string) (*graph.Edge, error) {
	if graph.ValidateID("id", id) != nil {
		return nil, graph.NotFoundf("edge %q does not exist", id)
	}
	e, err := readTx(ctx, s, "edge", func(tx runner) (*graph.Edge, error) {
		recs, _, err := run(ctx, tx, cypherEdge, readParams(v, map[string]any{"id": id}, nil))
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		return decodeRel(get(recs[0], "r"), getString(recs[0], "f"), getString(recs[0], "t"))
	})
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, graph.NotFoundf("edge %q does not exist", id)
	}
	return e, nil
}

// Edges returns every edge matching f, sorted by id, in one statement.
// Returns ErrInvalid for an unknown type or source.
func (s *Store) Edges(ctx context.Context, v graph.View, f graph.EdgeFilter, p graph.EdgeRange) ([]*graph.Edge, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := validateTypes(f.Types); err != nil {
		return nil, err
	}
	sources, err := sourceParams(f.Sources)
	if err != nil {
		return nil, err
	}
	first := int64(math.MaxInt32) // every edge
	if p.First > 0 {
		first = int64(p.First)
	}
	params := readParams(v, nil, map[string]any{"types": typeParams(f.Types), "sources": sources, "after": p.After, "first": first})
	return readTx(ctx, s, "edges", func(tx runner) ([]*graph.Edge, error) {
		recs, _, err := run(ctx, tx, cypherEdges, params)
		if err != nil {
			return nil, err
		}
		out := make([]*graph.Edge, 0, len(recs))
		for _, r := range recs {
			e, err := decodeRel(get(r, "r"), getString(r, "f"), getString(r, "t"))
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		sortEdges(out)
		return out, nil
	})
}

// FindEdges returns a page of the edges matching f, ordered by id, in one
// statement. Returns ErrInvalid for a bad cursor, page size, type or
// source.
func (s *Store) FindEdges(ctx context.Context, v graph.View, f graph.EdgeFilter, p graph.PageArgs) (*graph.EdgePage, error) {
	first, after, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	if err := validateTypes(f.Types); err != nil {
		return nil, err
	}
	sources, err := sourceParams(f.Sources)
	if err != nil {
		return nil, err
	}
	params := readParams(v, nil, map[string]any{"types": typeParams(f.Types), "sources": sources, "after": after, "take": int64(first + 1)})
	return readTx(ctx, s, "find edges", func(tx runner) (*graph.EdgePage, error) {
		recs, _, err := run(ctx, tx, findEdgesCypher(f, !p.NoTotal, after != ""), params)
		if err != nil {
			return nil, err
		}
		r := single(recs)
		if r == nil {
			return nil, fmt.Errorf("no result")
		}
		rows, _ := get(r, "page").([]any)
		edges := make([]*graph.Edge, 0, len(rows))
		for _, row := range rows {
			x, _ := row.([]any)
			if len(x) != 3 {
				return nil, fmt.Errorf("neo4j: find edges: a row of %d values", len(x))
			}
			from, _ := x[1].(string)
			to, _ := x[2].(string)
			e, err := decodeRel(x[0], from, to)
			if err != nil {
				return nil, err
			}
			edges = append(edges, e)
		}
		sortEdges(edges)
		pg := &graph.EdgePage{TotalCount: getInt(r, "total"), HasPrevPage: getBool(r, "hasPrev")}
		if len(edges) > first {
			edges = edges[:first]
			pg.HasNextPage = true
		}
		pg.Edges = edges
		if k := len(edges); k > 0 {
			pg.StartCursor = graph.EncodeCursor(edges[0].ID)
			pg.EndCursor = graph.EncodeCursor(edges[k-1].ID)
		}
		return pg, nil
	})
}

// Related returns, for each of ids, the matching edges at it with the node
// at the other end, by edge type, then other node id (then edge id), in one
// statement. Ids that do not exist are left out of the map.
func (s *Store) Related(ctx context.Context, v graph.View, ids []string, q graph.RelQuery) (map[string][]graph.Related, error) {
	if err := validateTypes(q.Types); err != nil {
		return nil, err
	}
	switch q.Dir {
	case graph.Both, "", graph.Out, graph.In:
	default:
		return nil, graph.Invalidf("direction", "direction %q is not one of OUT, IN, BOTH", q.Dir)
	}
	if err := graph.ValidateRelationLimit(q.Limit); err != nil {
		return nil, err
	}
	cypher := relatedStatement(q, v.Lean)
	ask := uniqueValidIDs(ids)
	if len(ask) == 0 {
		return map[string][]graph.Related{}, nil
	}
	params := readParams(v, map[string]any{"ids": ask}, map[string]any{"limit": int64(q.Limit) + 1})
	return readTx(ctx, s, "related", func(tx runner) (map[string][]graph.Related, error) {
		recs, _, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make(map[string][]graph.Related, len(ask))
		for _, r := range recs {
			id := getString(r, "id")
			if get(r, "f") == nil { // no relation: r and m are null (or, lean, lists of nulls)
				if _, ok := out[id]; !ok {
					out[id] = []graph.Related{}
				}
				continue
			}
			e, err := decodeRel(get(r, "r"), getString(r, "f"), getString(r, "t"))
			if err != nil {
				return nil, err
			}
			m, err := decodeNode(get(r, "m"))
			if err != nil {
				return nil, err
			}
			out[id] = append(out[id], graph.Related{Edge: e, Node: m})
		}
		for _, rs := range out {
			sortRelated(rs)
		}
		return out, nil
	})
}

// Ancestors returns, for each of ids, the nodes above it by
// SUB_ORGANISATION_OF, nearest first (ties by id), each once (with limit >
// 0, the nearest limit+1), in one statement. Ids that do not exist are left
// out of the map.
func (s *Store) Ancestors(ctx context.Context, v graph.View, ids []string, limit int) (map[string][]*graph.Node, error) {
	if err := graph.ValidateRelationLimit(limit); err != nil {
		return nil, err
	}
	ask := uniqueValidIDs(ids)
	if len(ask) == 0 {
		return map[string][]*graph.Node{}, nil
	}
	lim := int64(math.MaxInt32) // no limit
	if limit > 0 {
		lim = int64(limit) + 1
	}
	return readTx(ctx, s, "ancestors", func(tx runner) (map[string][]*graph.Node, error) {
		recs, _, err := run(ctx, tx, cypherAncestors.For(v), readParams(v, map[string]any{"ids": ask}, map[string]any{"limit": lim}))
		if err != nil {
			return nil, err
		}
		out := make(map[string][]*graph.Node, len(ask))
		for _, r := range recs {
			found, err := decodeFound(get(r, "found"))
			if err != nil {
				return nil, err
			}
			nodes := make([]*graph.Node, len(found))
			for i, f := range found {
				nodes[i] = f.n
			}
			out[getString(r, "id")] = nodes
		}
		return out, nil
	})
}

// found is a node with its distance from where a traversal started.
type found struct {
	n *graph.Node
	d int
}

// decodeFound decodes a list of [n, d] lists (a node and its distance),
// ordered nearest first then by id.
func decodeFound(v any) ([]found, error) {
	l, _ := v.([]any)
	out := make([]found, 0, len(l))
	for _, x := range l {
		p, _ := x.([]any)
		if len(p) != 2 {
			return nil, fmt.Errorf("neo4j: want a node and its distance, got %T", x)
		}
		n, err := decodeNode(p[0])
		if err != nil {
			return nil, err
		}
		d, _ := p[1].(int64)
		out = append(out, found{n, int(d)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].d != out[j].d {
			return out[i].d < out[j].d
		}
		return out[i].n.ID < out[j].n.ID
	})
	return out, nil
}

// Snapshot returns the whole graph sorted by id, in one statement. With
// v.Lean it is the topology (snapshotLean).
func (s *Store) Snapshot(ctx context.Context, v graph.View) (*graph.Snapshot, error) {
	if v.Lean {
		return s.snapshotLean(ctx, v)
	}
	return readTx(ctx, s, "snapshot", func(tx runner) (*graph.Snapshot, error) {
		recs, _, err := run(ctx, tx, cypherSnapshot, readParams(v, nil, nil))
		if err != nil {
			return nil, err
		}
		snap := &graph.Snapshot{Nodes: []*graph.Node{}, Edges: []*graph.Edge{}}
		for _, r := range recs {
			if v := get(r, "n"); v != nil {
				n, err := decodeNode(v)
				if err != nil {
					return nil, err
				}
				snap.Nodes = append(snap.Nodes, n)
				continue
			}
			e, err := decodeRel(get(r, "r"), getString(r, "f"), getString(r, "t"))
			if err != nil {
				return nil, err
			}
			snap.Edges = append(snap.Edges, e)
		}
		sortNodes(snap.Nodes)
		sortEdges(snap.Edges)
		return snap, nil
	})
}

// Counts returns the number of nodes and edges, in one statement.
func (s *Store) Counts(ctx context.Context, v graph.View) (graph.Counts, error) {
	return readTx(ctx, s, "counts", func(tx runner) (graph.Counts, error) {
		cypher, params := cypherCounts, map[string]any(nil) // the count store
		if v.Dated() {
			cypher, params = cypherCountsAsOf, readParams(v, nil, nil)
		}
		recs, _, err := run(ctx, tx, cypher, params)
		if err != nil {
			return graph.Counts{}, err
		}
		r := single(recs)
		if r == nil {
			return graph.Counts{}, fmt.Errorf("no result")
		}
		return graph.Counts{Nodes: getInt(r, "nodes"), Edges: getInt(r, "edges")}, nil
	})
}

// readParams returns the parameters of a read: top, the values that drive
// index seeks, at the top level, and $o, a map of the options (opts) with the
// view's as-of date (asOf, null when there is none). See cypher.go for why
// options travel in one map.
func readParams(v graph.View, top, opts map[string]any) map[string]any {
	o := make(map[string]any, len(opts)+1)
	for k, v := range opts {
		o[k] = v
	}
	o["asOf"] = nil
	if v.Dated() {
		o["asOf"] = v.AsOf
	}
	p := make(map[string]any, len(top)+1)
	for k, v := range top {
		p[k] = v
	}
	p["o"] = o
	return p
}

func sortNodes(ns []*graph.Node) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
}

func sortEdges(es []*graph.Edge) {
	sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
}

// validateTypes checks relationship types the way graph's queries do.
func validateTypes(ts []graph.RelType) error {
	for _, t := range ts {
		if !t.Valid() {
			return graph.Invalidf("relations", "relationship type %q is not one of %v", t, graph.RelTypes)
		}
	}
	return nil
}

func typeParams(ts []graph.RelType) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// snapshotFetch is how many records a lean snapshot asks Neo4j for at a
// time: the records are decoded as they come, never all held at once.
const snapshotFetch = 5000

// snapshotLean reads the topology (graph.View.Lean): nodes with their id,
// label and kind, edges with their type and ends, in one statement of one
// record per node (tplSnapshotLean) decoded as the records stream in; the
// nodes and edges are allocated in two arrays and the edges' ends share the
// nodes' id strings. On the synthetic province (1.7M nodes, 3.7M edges)
// whole nodes and edges, with their names, attributes and provenance, every
// record held before the first was decoded, took minutes and 9 GB
// (docs/scale.md).
func (s *Store) snapshotLean(ctx context.Context, v graph.View) (*graph.Snapshot, error) {
	opts, err := s.txConfig(ctx)
	if err != nil {
		return nil, mapErr("snapshot", err)
	}
	sess, err := s.newSession(ctx, driver.SessionConfig{AccessMode: driver.AccessModeRead,
		FetchSize: snapshotFetch, BookmarkManager: s.bookmarks})
	if err != nil {
		return nil, err
	}
	defer sess.Close(context.WithoutCancel(ctx))
	graph.CountRoundTrip(ctx)
	res, err := sess.Run(ctx, cypherSnapshotLean, readParams(v, nil, nil), opts...)
	if err != nil {
		return nil, mapErr("snapshot", err)
	}
	type rawEdge struct {
		from, to int64 // internal ids
		t        int8
	}
	var (
		nodes []graph.Node
		edges []rawEdge
		index = make(map[int64]int32) // internal id → place in nodes
	)
	for res.Next(ctx) {
		vals := res.Record().Values
		if len(vals) < 5 {
			continue
		}
		i, _ := vals[0].(int64)
		id, _ := vals[1].(string)
		l, _ := vals[2].(string)
		k, _ := vals[3].(string)
		index[i] = int32(len(nodes))
		nodes = append(nodes, graph.Node{ID: id, Label: graph.Label(l), Kind: k})
		out, _ := vals[4].([]any)
		for _, x := range out {
			if e, ok := x.(int64); ok && e&15 < int64(len(graph.RelTypes)) {
				edges = append(edges, rawEdge{from: i, to: e >> 4, t: int8(e & 15)})
			}
		}
	}
	if err := res.Err(); err != nil {
		return nil, mapErr("snapshot", err)
	}
	snap := &graph.Snapshot{Nodes: make([]*graph.Node, len(nodes)), Edges: make([]*graph.Edge, 0, len(edges))}
	for i := range nodes {
		snap.Nodes[i] = &nodes[i]
	}
	all := make([]graph.Edge, 0, len(edges))
	for _, e := range edges {
		f, okF := index[e.from]
		t, okT := index[e.to]
		if !okF || !okT || e.t < 0 {
			continue
		}
		all = append(all, graph.Edge{Type: graph.RelTypes[e.t], From: nodes[f].ID, To: nodes[t].ID})
	}
	for i := range all {
		snap.Edges = append(snap.Edges, &all[i])
	}
	sortNodes(snap.Nodes)
	slices.SortFunc(snap.Edges, func(x, y *graph.Edge) int {
		return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To), cmp.Compare(x.Type, y.Type))
	})
	return snap, nil
}
