package neo4j

import "github.com/orgnet/orgnet/graph"

// ApplyStatement is a statement of Apply or BulkLoad with parameters of
// the shape it is sent with.
type ApplyStatement = struct {
	Cypher string
	Params map[string]any
}

// ApplyStatements are the statements of Apply and BulkLoad by name, for
// the plan test: "create …" name those that create nodes or edges.
func ApplyStatements() map[string]ApplyStatement {
	type st = ApplyStatement
	ids := map[string]any{"ids": []any{"a", "b"}}
	node := map[string]any{"rows": []any{map[string]any{"id": "a", "name": "A"}}}
	edge := map[string]any{"rows": []any{map[string]any{"from": "a", "to": "b", "props": map[string]any{"id": "e"}}}}
	m := map[string]st{
		"lookup":        {cypherApplyLookup, map[string]any{"ids": []string{"a", "b"}, "eids": []string{"e"}}},
		"replace nodes": {cypherApplyReplaceNodes, node},
		"delete nodes":  {cypherApplyDeleteNodes, ids},
		// The single-edge statements, by id of any type.
		"edge by id":        {cypherEdge, map[string]any{"id": "e", "o": map[string]any{"asOf": nil}}},
		"edge check":        {cypherEdgeCheck, map[string]any{"id": "e", "from": "a", "to": "b"}},
		"delete edge by id": {cypherDeleteEdge, map[string]any{"id": "e"}},
	}
	for _, l := range graph.Labels {
		m["create "+string(l)] = st{cypherApplyCreateNodes[l], node}
	}
	for _, t := range graph.RelTypes {
		m["create with attributes "+string(t)] = st{cypherApplyCreateEdges[t], edge}
		m["create plain "+string(t)] = st{cypherApplyCreatePlainEdges[t], edge}
		m["delete "+string(t)] = st{cypherApplyDeleteEdges[t], ids}
	}
	return m
}
