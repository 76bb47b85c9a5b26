package neo4j_test

import (
	"context"
	"encoding/json"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/storetest"
)

// TestLegacy: a database written before sources were registered (nodes and
// relationships without sourceId, written here as the store wrote them
// then) reads as it was written, and graph.MigrateLegacyProvenance brings
// it up to date (storetest.RunLegacy).
func TestLegacy(t *testing.T) {
	storetest.RunLegacy(t, func(t *testing.T, nodes []graph.Node, edges []graph.Edge) graph.Store {
		s := newStore(t)
		ctx := context.Background()
		prov := func(p map[string]any, pr graph.Provenance) {
			if pr.SourceID != "" || pr.Reasoning != "" {
				t.Fatalf("a legacy provenance has a source id or reasoning: %+v", pr)
			}
			p["source"] = string(pr.Source)
			if pr.Quote != "" {
				p["quote"] = pr.Quote
			}
			if pr.Ref != "" {
				p["ref"] = pr.Ref
			}
		}
		for _, n := range nodes {
			p := map[string]any{"id": n.ID, "kind": n.Kind, "name": n.Name}
			for k, v := range n.Attrs {
				p[k] = v
			}
			prov(p, n.Provenance)
			if len(n.AttrProvenance) > 0 {
				b, err := json.Marshal(n.AttrProvenance)
				if err != nil {
					t.Fatal(err)
				}
				p["attrProvenance"] = string(b)
			}
			if _, err := driver.ExecuteQuery(ctx, s.Driver(), `CREATE (n:Node:$($label)) SET n = $props`,
				map[string]any{"label": string(n.Label), "props": p}, driver.EagerResultTransformer); err != nil {
				t.Fatalf("write legacy node %s: %v", n.ID, err)
			}
		}
		for _, e := range edges {
			p := map[string]any{"id": e.ID}
			prov(p, e.Provenance)
			if _, err := driver.ExecuteQuery(ctx, s.Driver(), `MATCH (a:Node {id: $from}), (b:Node {id: $to})
CREATE (a)-[r:$($type)]->(b) SET r = $props`,
				map[string]any{"from": e.From, "to": e.To, "type": string(e.Type), "props": p}, driver.EagerResultTransformer); err != nil {
				t.Fatalf("write legacy edge %s: %v", e.ID, err)
			}
		}
		return s
	})
}
