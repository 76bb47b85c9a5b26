package neo4j

import (
	"context"
	"fmt"

	"github.com/orgnet/orgnet/graph"
)

// Neighbourhood returns the subgraph within q.Depth hops of id over q.Types
// in either direction: nodes nearest first then by id, at most q.Limit
// (Truncated when more exist), and every matching edge among them, sorted by
// id. One statement. Returns ErrNotFound, ErrInvalid.
func (s *Store) Neighbourhood(ctx context.Context, v graph.View, id string, q graph.NeighbourhoodQuery) (*graph.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if graph.ValidateID("id", id) != nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	params := readParams(v, map[string]any{"id": id}, map[string]any{"types": typeParams(q.Types), "limit": int64(q.Limit),
		"edgeLimit": int64(graph.SubgraphEdgeLimit(q.Limit))})
	sg, err := readTx(ctx, s, "neighbourhood", func(tx runner) (*graph.Subgraph, error) {
		cypher := cypherNeighbourhood[q.Depth].For(v)
		if v.NodesOnly {
			cypher = cypherNeighbourhoodNodes[q.Depth].For(v)
		}
		recs, _, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		r := single(recs)
		if r == nil {
			return nil, nil
		}
		return decodeSubgraph(get(r, "kept"), get(r, "es"), getBool(r, "truncated"))
	})
	if err != nil {
		return nil, err
	}
	if sg == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	return sg, nil
}

// Subtree returns root and the nodes below it by SUB_ORGANISATION_OF down to
// q.MaxDepth levels, nearest first then by id, at most q.Limit, with the
// SUB_ORGANISATION_OF edges among them sorted by id, at most
// graph.SubgraphEdgeLimit(q.Limit); Truncated when nodes lie deeper or
// either was cut. One statement. Returns ErrNotFound, ErrInvalid.
func (s *Store) Subtree(ctx context.Context, v graph.View, rootID string, q graph.SubtreeQuery) (*graph.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	maxDepth := q.MaxDepth
	if graph.ValidateID("rootId", rootID) != nil {
		return nil, graph.NotFoundf("node %q does not exist", rootID)
	}
	sg, err := readTx(ctx, s, "subtree", func(tx runner) (*graph.Subgraph, error) {
		cypher := cypherSubtree[maxDepth].For(v)
		if v.NodesOnly {
			cypher = cypherSubtreeNodes[maxDepth].For(v)
		}
		recs, _, err := run(ctx, tx, cypher, readParams(v, map[string]any{"id": rootID},
			map[string]any{"limit": int64(q.Limit), "edgeLimit": int64(graph.SubgraphEdgeLimit(q.Limit))}))
		if err != nil {
			return nil, err
		}
		r := single(recs)
		if r == nil {
			return nil, nil
		}
		return decodeSubgraph(get(r, "found"), get(r, "es"), getBool(r, "deeper"))
	})
	if err != nil {
		return nil, err
	}
	if sg == nil {
		return nil, graph.NotFoundf("node %q does not exist", rootID)
	}
	return sg, nil
}

func decodeSubgraph(nodes, edges any, truncated bool) (*graph.Subgraph, error) {
	fs, err := decodeFound(nodes)
	if err != nil {
		return nil, err
	}
	es, err := decodeEdges(edges)
	if err != nil {
		return nil, err
	}
	sortEdges(es)
	sg := &graph.Subgraph{Nodes: make([]*graph.Node, len(fs)), Edges: es, Truncated: truncated}
	for i, f := range fs {
		sg.Nodes[i] = f.n
	}
	return sg, nil
}

// ShortestPath returns a shortest path from one node to another over q.Types
// in either direction within q.MaxDepth hops, the one whose node ids (then
// edge ids) are least in order; nil when there is none. One statement.
// Returns ErrNotFound for a missing end, ErrInvalid.
func (s *Store) ShortestPath(ctx context.Context, v graph.View, from, to string, q graph.PathQuery) (*graph.Path, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	for _, id := range []string{from, to} {
		if graph.ValidateID("id", id) != nil {
			return nil, graph.NotFoundf("node %q does not exist", id)
		}
	}
	params := readParams(v, map[string]any{"from": from, "to": to}, map[string]any{"types": typeParams(q.Types)})
	type answer struct {
		hasFrom, hasTo bool
		path           *graph.Path
	}
	a, err := readTx(ctx, s, "shortest path", func(tx runner) (answer, error) {
		recs, _, err := run(ctx, tx, cypherShortestPath[q.MaxDepth].For(v), params)
		if err != nil {
			return answer{}, err
		}
		r := single(recs)
		if r == nil {
			return answer{}, fmt.Errorf("no result")
		}
		a := answer{hasFrom: getBool(r, "hasFrom"), hasTo: getBool(r, "hasTo")}
		ps, _ := get(r, "ps").([]any)
		if len(ps) > 0 {
			a.path, err = decodePath(ps[0])
		}
		return a, err
	})
	switch {
	case err != nil:
		return nil, err
	case !a.hasFrom:
		return nil, graph.NotFoundf("node %q does not exist", from)
	case !a.hasTo:
		return nil, graph.NotFoundf("node %q does not exist", to)
	}
	return a.path, nil
}

// decodePath decodes [nodes, [{r, f, t}, …]], a path as the shortest-path
// statement returns it (nodes whole or lean).
func decodePath(v any) (*graph.Path, error) {
	pair, ok := v.([]any)
	if !ok || len(pair) != 2 {
		return nil, fmt.Errorf("neo4j: want a path as [nodes, edges], got %T", v)
	}
	nodes, err := decodeNodes(pair[0])
	if err != nil {
		return nil, err
	}
	edges, err := decodeEdges(pair[1])
	if err != nil {
		return nil, err
	}
	if len(edges) != max(len(nodes)-1, 0) {
		return nil, fmt.Errorf("neo4j: a path of %d nodes with %d edges", len(nodes), len(edges))
	}
	return &graph.Path{Nodes: nodes, Edges: edges}, nil
}
