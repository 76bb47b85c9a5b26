// Command storeprobe splits orgnet's latency on Neo4j: it times the Neo4j
// store's methods directly (no HTTP, no GraphQL) beside the floor's
// hand-written Cypher for the same answer, sequentially, on the parameters
// the side-by-side run picks on the city set. Neo4j must be running:
//
//	go run ./cmd/orgnet neo4j start --port 7731 --dir /tmp/bench-neo4j/data
//	go run ./bench/cmd/storeprobe [-uri bolt://127.0.0.1:7731] [-n 20]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
)

// nbFloor is the floor's 2-hop neighbourhood (no as-of predicates: none of
// these nodes and edges is dated out on the city set).
const nbFloor = `MATCH (s:Node {id: $id})
CALL (s) {
  MATCH p = ANY SHORTEST (s)((x)-[r]-(y)){0,2}(m)
  WITH m, length(p) AS d ORDER BY d, m.id LIMIT 501
  RETURN m
}`

var nbP = map[string]any{"id": "org:s001-village-0002"}

func main() {
	uri := flag.String("uri", "bolt://127.0.0.1:7731", "Bolt URI")
	n := flag.Int("n", 20, "runs of each")
	flag.Parse()
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, *uri, "neo4j", "orgnet-dev-password", neo4jstore.Options{Database: "neo4j"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer st.Close()
	drv, err := driver.NewDriverWithContext(*uri, driver.BasicAuth("neo4j", "orgnet-dev-password", ""))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer drv.Close(ctx)
	today := graph.View{AsOf: graph.Today()}
	leanNodes := graph.View{AsOf: today.AsOf, Lean: true, NodesOnly: true}
	sub := func(dir graph.Direction, t graph.RelType) graph.ExpandStep {
		return graph.ExpandStep{Q: graph.RelQuery{Types: []graph.RelType{t}, Dir: dir}}
	}
	orgX := &graph.Expansion{Steps: []graph.ExpandStep{sub(graph.Out, graph.RelSubOrganisationOf), sub(graph.In, graph.RelSubOrganisationOf), sub(graph.Out, graph.RelMemberOf)}}
	cy := func(q string, p map[string]any) func() error {
		return func() error {
			_, err := driver.ExecuteQuery(ctx, drv, q, p, driver.EagerResultTransformer, driver.ExecuteQueryWithReadersRouting())
			return err
		}
	}
	probes := []struct {
		name string
		f    func() error
	}{
		{"store.Node (1 round trip)", func() error { _, err := st.Node(ctx, today, "org:s001-community-0001"); return err }},
		{"floor: node by id", cy(`MATCH (n:Node {id: $id}) RETURN n {.id, .name}`, map[string]any{"id": "org:s001-community-0001"})},
		{"store.FindNodes VILLAGE first 50", func() error {
			_, err := st.FindNodes(ctx, today, graph.NodeFilter{Labels: []graph.Label{graph.LabelOrganisation}, Kinds: []string{"VILLAGE"}}, graph.PageArgs{First: 50})
			return err
		}},
		{"floor: VILLAGE page of 50 (no children)", cy(`MATCH (o:Organisation:Node) WHERE o.kind = 'VILLAGE' WITH o ORDER BY o.id LIMIT 50 RETURN collect(o)`, nil)},
		{"floor: VILLAGE count", cy(`MATCH (o:Organisation:Node) WHERE o.kind = 'VILLAGE' RETURN count(o)`, nil)},
		{"store.Neighbourhood depth 2", func() error {
			_, err := st.Neighbourhood(ctx, today, "org:s001-village-0002", graph.NeighbourhoodQuery{Depth: 2, Limit: 500})
			return err
		}},
		{"floor: neighbourhood, projected nodes", cy(nbFloor+` RETURN collect(m {.id, .name, .kind, .tier})`, nbP)},
		{"floor: neighbourhood, whole nodes", cy(nbFloor+` RETURN collect(m)`, nbP)},
		{"floor: neighbourhood, whole nodes + edges among", cy(nbFloor+` WITH collect(m) AS ns
CALL (ns) { UNWIND ns AS a MATCH (a)-[r]->(b) WHERE b IN ns RETURN collect({r: r, f: a.id, t: b.id}) AS es }
RETURN ns, es`, nbP)},
		{"store.Neighbourhood depth 2, lean, nodes only (what orgnet asks)", func() error {
			_, err := st.Neighbourhood(ctx, leanNodes, "org:s001-village-0002", graph.NeighbourhoodQuery{Depth: 2, Limit: 500})
			return err
		}},
		{"store.Subtree depth 3", func() error {
			_, err := st.Subtree(ctx, today, "org:s001-committee", graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
			return err
		}},
		{"store.Subtree depth 3, lean, nodes only (what orgnet asks)", func() error {
			_, err := st.Subtree(ctx, leanNodes, "org:s001-committee", graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
			return err
		}},
		{"floor: subtree depth 3, projected nodes", cy(`MATCH (root:Node {id: $id})
CALL (root) {
  MATCH p = ANY SHORTEST (root)((x)<-[r:SUB_ORGANISATION_OF]-(y)){0,3}(m)
  RETURN m
}
RETURN collect(m {.id, .name, .kind, .tier}) AS ns`, map[string]any{"id": "org:s001-committee"})},
		{"store.Expand org (lean)", func() error {
			_, err := st.Expand(ctx, leanNodes, []string{"org:s001-community-0001"}, orgX)
			return err
		}},
		{"store.ShortestPath", func() error {
			_, err := st.ShortestPath(ctx, today, "org:s001-village-0002", "org:s002-village-0016", graph.PathQuery{MaxDepth: 8})
			return err
		}},
	}
	for _, p := range probes {
		for range 5 {
			if err := p.f(); err != nil {
				fmt.Fprintln(os.Stderr, p.name, err)
				os.Exit(1)
			}
		}
		lat := make([]time.Duration, 0, *n)
		for range *n {
			t0 := time.Now()
			if err := p.f(); err != nil {
				fmt.Fprintln(os.Stderr, p.name, err)
				os.Exit(1)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		fmt.Printf("%-42s p50 %7.2f ms  p99 %7.2f ms\n", p.name, float64(lat[len(lat)/2].Microseconds())/1000,
			float64(lat[len(lat)*99/100].Microseconds())/1000)
	}
}
