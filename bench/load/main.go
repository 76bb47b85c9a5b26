// Command load measures loading synthetic networks (seed.Synthetic) into
// the stores and takes Neo4j's Store.Apply apart to see where the time goes.
// See README.md for the numbers and how they were taken.
//
//	go run ./bench/load stats    [-size city] [-seed 1]
//	go run ./bench/load memory   [-size city] [-seed 1] [-dir /tmp/synth-mem] [-batch 20000]
//	go run ./bench/load profile  [-uri bolt://127.0.0.1:7711] [-size county] [-n 5000]
//	go run ./bench/load bulk     [-uri bolt://127.0.0.1:7711] [-size province] [-batch 20000] [-writers 2] [-edge-writers 1] [-jvm-pid PID]
//	go run ./bench/load reopen   -dir /tmp/synth-mem/city        # time memory.New on an embedded store
//	go run ./bench/load wipe     [-uri bolt://127.0.0.1:7711]   # delete every node and edge
//	go run ./bench/load variants [-uri bolt://127.0.0.1:7711] [-size county] [-batch 20000] [-only v0,v1,…]
//
// bulk is this command's own copy of the fast path (v6 streamed); graph/neo4j
// has it now as Store.BeginBulkLoad, which orgnet seed uses on an empty
// store (README, "After the changes"). The statements copied below are those
// Apply sent before those changes.
//
// profile and variants write nodes and edges whose ids carry a fresh prefix
// ("b<unix time>-v1-org:s001-…"), so they can run against a store that holds
// a load already; profile rolls its transactions back, variants commits.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/seed"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load stats|memory|reopen|profile|wipe|variants|bulk [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	size := fs.String("size", "county", "county, city or province")
	seedN := fs.Int64("seed", 1, "seed")
	uri := fs.String("uri", "bolt://127.0.0.1:7711", "Neo4j Bolt URI")
	user := fs.String("user", "neo4j", "Neo4j user")
	password := fs.String("password", "orgnet-dev-password", "Neo4j password")
	dir := fs.String("dir", "/tmp/synth-mem", "directory for the embedded store")
	batch := fs.Int("batch", 20_000, "items per transaction")
	n := fs.Int("n", 5000, "rows profiled (profile)")
	only := fs.String("only", "", "comma-separated variants to run (variants); all when empty")
	writers := fs.Int("writers", 2, "node writers (bulk)")
	edgeWriters := fs.Int("edge-writers", 1, "edge writers (bulk)")
	fs.IntVar(&jvmPID, "jvm-pid", 0, "pid of the Neo4j JVM, to report its CPU time per phase (variants)")
	_ = fs.Parse(os.Args[2:])
	sz, err := seed.ParseSize(*size)
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	switch os.Args[1] {
	case "stats":
		stats(sz, *seedN)
	case "memory":
		err = memoryLoad(ctx, sz, *seedN, *dir, *batch)
	case "profile":
		err = withDriver(ctx, *uri, *user, *password, func(drv driver.DriverWithContext) error {
			return profile(ctx, drv, sz, *seedN, *n)
		})
	case "reopen":
		err = reopen(ctx, filepath.Join(*dir, "orgnet.db"))
	case "wipe":
		err = withDriver(ctx, *uri, *user, *password, func(drv driver.DriverWithContext) error {
			t0 := time.Now()
			sess := drv.NewSession(ctx, driver.SessionConfig{DatabaseName: "neo4j"})
			defer sess.Close(ctx)
			// CALL … IN TRANSACTIONS needs an implicit (auto-commit) transaction.
			res, err := sess.Run(ctx, "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 2000 ROWS", nil)
			if err == nil {
				_, err = res.Consume(ctx)
			}
			fmt.Printf("wiped the database in %s\n", time.Since(t0).Round(time.Millisecond))
			return err
		})
	case "bulk":
		err = withDriver(ctx, *uri, *user, *password, func(drv driver.DriverWithContext) error {
			return bulk(ctx, drv, sz, *seedN, *batch, *writers, *edgeWriters)
		})
	case "variants":
		err = withDriver(ctx, *uri, *user, *password, func(drv driver.DriverWithContext) error {
			return variants(ctx, drv, sz, *seedN, *batch, *only)
		})
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

// jvmPID is the Neo4j JVM whose CPU time variants reports (0: none).
var jvmPID int

// cpuOf returns the user+system CPU time of pid (Linux /proc).
func cpuOf(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ = 100
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "load:", err)
	os.Exit(1)
}

// stats prints the counts of a set by label and kind, and by type,
// streaming it (SyntheticChunks) so that a province set fits.
func stats(size seed.Size, s int64) {
	t0 := time.Now()
	kinds, types := map[string]int{}, map[string]int{}
	nodes, edges := 0, 0
	labels := map[string]graph.Label{}
	var invalid error
	_ = seed.SyntheticChunks(size, s, 50_000, func(b graph.Batch) error {
		nodes += len(b.Nodes)
		edges += len(b.Edges)
		for i := range b.Nodes {
			kinds[string(b.Nodes[i].Label)+"/"+b.Nodes[i].Kind]++
			labels[b.Nodes[i].ID] = b.Nodes[i].Label
		}
		for i := range b.Edges {
			types[string(b.Edges[i].Type)]++
		}
		if err := graph.ValidateBatch(&b, func(id string) (graph.Label, bool) { l, ok := labels[id]; return l, ok }); err != nil && invalid == nil {
			invalid = err
		}
		return nil
	})
	fmt.Printf("%s seed %d: %d nodes, %d edges (%.2f edges a node); streamed and validated in %s; invalid: %v\n",
		size, s, nodes, edges, float64(edges)/float64(nodes), time.Since(t0).Round(time.Millisecond), invalid)
	fmt.Println("nodes:", sorted(kinds))
	fmt.Println("edges:", sorted(types))
}

func sorted(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s []string
	for _, k := range keys {
		s = append(s, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(s, " ")
}

// memoryLoad loads a set into a new embedded store, then reopens it.
func memoryLoad(ctx context.Context, size seed.Size, s int64, dir string, batch int) error {
	path := filepath.Join(dir, string(size), "orgnet.db")
	_ = os.RemoveAll(filepath.Dir(path))
	st, err := memory.New(ctx, path)
	if err != nil {
		return err
	}
	var nodes, edges int
	var nodeTime time.Duration
	t0 := time.Now()
	err = seed.SyntheticChunks(size, s, batch, func(b graph.Batch) error {
		if len(b.Edges) > 0 && nodeTime == 0 {
			nodeTime = time.Since(t0)
		}
		nodes += len(b.Nodes)
		edges += len(b.Edges)
		_, err := st.Apply(ctx, b)
		return err
	})
	if err != nil {
		return err
	}
	total := time.Since(t0)
	if err := st.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t1 := time.Now()
	st, err = memory.New(ctx, path)
	if err != nil {
		return err
	}
	reopen := time.Since(t1)
	c, err := st.Counts(ctx, graph.View{})
	if err != nil {
		return err
	}
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	_ = st.Close()
	fmt.Printf("memory %s: %d nodes in %s (%.0f nodes/s), %d edges in %s (%.0f rels/s), total %s; file %.1f MiB; reopen %s (%d nodes, %d edges, heap +%.0f MiB)\n",
		size, nodes, nodeTime.Round(time.Millisecond), float64(nodes)/nodeTime.Seconds(),
		edges, (total - nodeTime).Round(time.Millisecond), float64(edges)/(total-nodeTime).Seconds(), total.Round(time.Millisecond),
		float64(fi.Size())/(1<<20), reopen.Round(time.Millisecond), c.Nodes, c.Edges, float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/(1<<20))
	return nil
}

// reopen times memory.New on an existing embedded store.
func reopen(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	runtime.GC()
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	st, err := memory.New(ctx, path)
	if err != nil {
		return err
	}
	d := time.Since(t0)
	c, err := st.Counts(ctx, graph.View{})
	if err != nil {
		return err
	}
	runtime.GC()
	var m1 runtime.MemStats
	runtime.ReadMemStats(&m1)
	_ = st.Close()
	fmt.Printf("reopen %s (%.1f MiB): %s for %d nodes and %d edges; heap %.0f MiB\n", path, float64(fi.Size())/(1<<20),
		d.Round(time.Millisecond), c.Nodes, c.Edges, float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/(1<<20))
	return nil
}

func withDriver(ctx context.Context, uri, user, password string, fn func(driver.DriverWithContext) error) error {
	drv, err := driver.NewDriverWithContext(uri, driver.BasicAuth(user, password, ""))
	if err != nil {
		return err
	}
	defer drv.Close(ctx)
	if err := drv.VerifyConnectivity(ctx); err != nil {
		return err
	}
	return fn(drv)
}

// prefixed returns the first nodes of a set and the edges among them, with
// every id prefixed so that none is stored yet.
func prefixed(size seed.Size, s int64, prefix string, maxNodes int) graph.Batch {
	b := seed.Synthetic(size, s)
	if maxNodes > 0 && maxNodes < len(b.Nodes) {
		b.Nodes = b.Nodes[:maxNodes]
	}
	in := make(map[string]bool, len(b.Nodes))
	for i := range b.Nodes {
		in[b.Nodes[i].ID] = true
		b.Nodes[i].ID = prefix + b.Nodes[i].ID
	}
	edges := b.Edges[:0]
	for _, e := range b.Edges {
		if in[e.From] && in[e.To] {
			e.ID, e.From, e.To = prefix+e.ID, prefix+e.From, prefix+e.To
			edges = append(edges, e)
		}
	}
	b.Edges = edges
	return b
}

// nodeRow and edgeRow are the rows Store.Apply sends (graph/neo4j
// mapping.go: nodeProps, edgeProps), rebuilt here to try other statements.
func nodeRow(n *graph.Node) map[string]any {
	p := map[string]any{}
	for k, v := range n.Attrs {
		p[k] = v
	}
	p["id"], p["kind"], p["name"], p["source"] = n.ID, n.Kind, n.Name, string(n.Provenance.Source)
	put := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	put("nameEn", n.NameEn)
	put("since", n.Since)
	put("until", n.Until)
	put("quote", n.Provenance.Quote)
	put("ref", n.Provenance.Ref)
	if n.Tier != 0 {
		p["tier"] = int64(n.Tier)
	}
	if len(n.AttrProvenance) > 0 {
		j, _ := json.Marshal(n.AttrProvenance)
		p["attrProvenance"] = string(j)
	}
	k := graph.KeyOf(n)
	p["searchKey"] = k.Name + "\n" + k.NameEn + "\n" + k.Pinyin + "\n" + k.Initials
	return map[string]any{"label": string(n.Label), "props": p}
}

func edgeRow(e *graph.Edge) map[string]any {
	p := map[string]any{}
	for k, v := range e.Attrs {
		p[k] = v
	}
	p["id"], p["source"] = e.ID, string(e.Provenance.Source)
	if e.Since != "" {
		p["since"] = e.Since
	}
	if e.Provenance.Ref != "" {
		p["ref"] = e.Provenance.Ref
	}
	return map[string]any{"type": string(e.Type), "from": e.From, "to": e.To, "props": p}
}

// Statements of graph/neo4j (cypher.go) as Apply sent them for a fresh
// load before the changes of README "After the changes", copied to be
// profiled.
const (
	allRelTypes = `SUB_ORGANISATION_OF|MEMBER_OF|MENTORS|ADJACENT_TO|BUILT_ON|HOLDS_POST|RESPONSIBLE_FOR|HOSTED_AT|RUNS|PART_OF`

	cypherApplyLookup = `CALL () {
  UNWIND $ids AS id
  MATCH (n:Node {id: id})
  RETURN collect([id, [l IN labels(n) WHERE l <> 'Node'][0]]) AS labels
}
CALL () {
  UNWIND $eids AS id
  MATCH ()-[r:` + allRelTypes + ` {id: id}]->()
  RETURN collect(id) AS edges
}
RETURN labels, edges`

	cypherCreateNodes = `UNWIND $rows AS row
CREATE (n:Node:$(row.label))
SET n = row.props`

	cypherCreateEdges = `UNWIND $rows AS row
MATCH (a:Node {id: row.from})
MATCH (b:Node {id: row.to})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props`
)

// Alternatives.
const (
	// lookupEdgesByType: the edge-id check per type, one index seek each.
	cypherLookupEdgesTpl = `UNWIND $ids AS id
MATCH ()-[r:TYPE {id: id}]->()
RETURN collect(id) AS edges`

	cypherCreateNodesTpl = `UNWIND $rows AS row
CREATE (n:Node:LABEL)
SET n = row.props`

	cypherCreateEdgesTpl = `UNWIND $rows AS row
MATCH (a:Node {id: row.from})
MATCH (b:Node {id: row.to})
CREATE (a)-[r:TYPE]->(b)
SET r = row.props`
)

func rowsOf(b graph.Batch) (nodes, edges []any) {
	for i := range b.Nodes {
		nodes = append(nodes, nodeRow(&b.Nodes[i]))
	}
	for i := range b.Edges {
		edges = append(edges, edgeRow(&b.Edges[i]))
	}
	return nodes, edges
}

// profile runs PROFILE on Apply's statements for n fresh nodes and the
// edges among them, in transactions rolled back, and prints each plan.
func profile(ctx context.Context, drv driver.DriverWithContext, size seed.Size, s int64, n int) error {
	prefix := fmt.Sprintf("b%d-prof-", time.Now().Unix())
	b := prefixed(size, s, prefix, n)
	nodes, edges := rowsOf(b)
	var ids, eids []any
	for i := range b.Nodes {
		ids = append(ids, b.Nodes[i].ID)
	}
	for i := range b.Edges {
		ids = append(ids, b.Edges[i].From, b.Edges[i].To)
		eids = append(eids, b.Edges[i].ID)
	}
	fmt.Printf("profile: %d nodes, %d edges among them (prefix %s)\n", len(nodes), len(edges), prefix)
	sess := drv.NewSession(ctx, driver.SessionConfig{DatabaseName: "neo4j"})
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	run := func(what, cypher string, params map[string]any) error {
		t0 := time.Now()
		res, err := tx.Run(ctx, "PROFILE "+cypher, params)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		fmt.Printf("\n== %s: %s client, server %s\n", what, time.Since(t0).Round(time.Millisecond),
			(sum.ResultAvailableAfter() + sum.ResultConsumedAfter()).Round(time.Millisecond))
		printPlan(sum.Profile(), 0)
		return nil
	}
	if err := run("Apply lookup for the nodes (ids only)", cypherApplyLookup, map[string]any{"ids": ids[:len(nodes)], "eids": []any{}}); err != nil {
		return err
	}
	if err := run("Apply create nodes (dynamic label)", cypherCreateNodes, map[string]any{"rows": nodes}); err != nil {
		return err
	}
	if err := run("Apply lookup for the edges (end ids + edge ids)", cypherApplyLookup, map[string]any{"ids": ids[len(nodes):], "eids": eids}); err != nil {
		return err
	}
	if err := run("lookup edge ids of one type (HOLDS_POST)", strings.Replace(cypherLookupEdgesTpl, "TYPE", "HOLDS_POST", 1), map[string]any{"ids": eids}); err != nil {
		return err
	}
	return run("Apply create edges (dynamic type)", cypherCreateEdges, map[string]any{"rows": edges})
}

// printPlan prints a profiled plan. The driver's ProfiledPlan.Children
// returns, for an operator with two children (Apply, CartesianProduct,
// Union), the last child twice (neo4j-go-driver v5 takes the address of its
// loop variable, with pre-Go 1.22 semantics), so the tree is read by
// reflection from the profile the driver decoded when it can be.
func printPlan(p driver.ProfiledPlan, depth int) {
	if p == nil {
		return
	}
	if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if in := v.Elem().FieldByName("profile"); in.IsValid() && in.Kind() == reflect.Pointer && !in.IsNil() &&
			in.Elem().FieldByName("Children").IsValid() && in.Elem().FieldByName("DbHits").IsValid() {
			printDecoded(in.Elem(), depth)
			return
		}
	}
	details, _ := p.Arguments()["Details"].(string)
	printOp(depth, p.Operator(), p.Records(), p.DbHits(), p.Time(), details)
	for _, c := range p.Children() {
		printPlan(c, depth+1)
	}
}

func printDecoded(v reflect.Value, depth int) {
	details := ""
	if d := v.FieldByName("Arguments").MapIndex(reflect.ValueOf("Details")); d.IsValid() && d.Elem().Kind() == reflect.String {
		details = d.Elem().String()
	}
	printOp(depth, v.FieldByName("Operator").String(), v.FieldByName("Records").Int(), v.FieldByName("DbHits").Int(),
		v.FieldByName("Time").Int(), details)
	ch := v.FieldByName("Children")
	for i := 0; i < ch.Len(); i++ {
		printDecoded(ch.Index(i), depth+1)
	}
}

func printOp(depth int, op string, rows, dbHits, micros int64, details string) {
	if len(details) > 90 {
		details = details[:90] + "…"
	}
	fmt.Printf("%s%-28s rows=%-8d dbHits=%-9d time=%-8s %s\n", strings.Repeat("  ", depth), op,
		rows, dbHits, time.Duration(micros*1000).Round(time.Millisecond), details)
}

// variants loads a set (ids prefixed afresh for each) several ways and
// prints nodes/s and rels/s of each:
//
//	v0  Store.Apply, as orgnet seed does (lookup, validation, UNWIND of 5,000 rows, dynamic labels)
//	v1  Apply's statements without its lookup (dynamic labels and types, UNWIND 5,000)
//	v2  one statement per label and per type with static labels and types, UNWIND of the whole batch
//	v3  v2 with the TEXT and FULLTEXT indexes dropped for the load and created again after it
//	v4  v2 with two writers for nodes and two for edges
//	v5  v2 without the seven per-label id constraints (node_id alone keeps ids unique), created again after
//	v6  v3 and v5 together, with two writers
func variants(ctx context.Context, drv driver.DriverWithContext, size seed.Size, s int64, batch int, only string) error {
	want := func(v string) bool { return only == "" || strings.Contains(","+only+",", ","+v+",") }
	base := fmt.Sprintf("b%d-", time.Now().Unix())
	if want("v0") {
		st, err := neo4jstore.New(ctx, drv, neo4jstore.Options{})
		if err != nil {
			return err
		}
		b := prefixed(size, s, base+"v0-", 0)
		err = timed("v0 Store.Apply", b, batch, 1, func(c graph.Batch) error {
			_, err := st.Apply(ctx, c)
			return err
		})
		if err != nil {
			return err
		}
	}
	if want("v1") {
		b := prefixed(size, s, base+"v1-", 0)
		err := timed("v1 Apply statements, no lookup", b, batch, 1, func(c graph.Batch) error {
			nodes, edges := rowsOf(c)
			return write(ctx, drv, func(tx driver.ManagedTransaction) error {
				for _, st := range []struct {
					cypher string
					rows   []any
				}{{cypherCreateNodes, nodes}, {cypherCreateEdges, edges}} {
					for i := 0; i < len(st.rows); i += 5000 {
						if _, err := tx.Run(ctx, st.cypher, map[string]any{"rows": st.rows[i:min(i+5000, len(st.rows))]}); err != nil {
							return err
						}
					}
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
	}
	static := func(c graph.Batch) error {
		return write(ctx, drv, func(tx driver.ManagedTransaction) error { return staticStatements(ctx, tx, c) })
	}
	if want("v2") {
		if err := timed("v2 static labels and types, one UNWIND per label/type", prefixed(size, s, base+"v2-", 0), batch, 1, static); err != nil {
			return err
		}
	}
	if want("v3") {
		if err := dropSearchIndexes(ctx, drv); err != nil {
			return err
		}
		err := timed("v3 v2 without the TEXT and FULLTEXT indexes", prefixed(size, s, base+"v3-", 0), batch, 1, static)
		if xerr := createSearchIndexes(ctx, drv); err == nil {
			err = xerr
		}
		if err != nil {
			return err
		}
	}
	if want("v4") {
		if err := timed("v4 v2 with 2 writers", prefixed(size, s, base+"v4-", 0), batch, 2, static); err != nil {
			return err
		}
	}
	if want("v5") {
		if err := dropLabelConstraints(ctx, drv); err != nil {
			return err
		}
		err := timed("v5 v2 without the per-label id constraints", prefixed(size, s, base+"v5-", 0), batch, 1, static)
		if xerr := createLabelConstraints(ctx, drv); err == nil {
			err = xerr
		}
		if err != nil {
			return err
		}
	}
	if want("v6") {
		if err := dropLabelConstraints(ctx, drv); err != nil {
			return err
		}
		if err := dropSearchIndexes(ctx, drv); err != nil {
			return err
		}
		err := timed("v6 v3 and v5 with 2 writers for nodes", prefixed(size, s, base+"v6-", 0), batch, 2, static)
		if xerr := createSearchIndexes(ctx, drv); err == nil {
			err = xerr
		}
		if xerr := createLabelConstraints(ctx, drv); err == nil {
			err = xerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func dropSearchIndexes(ctx context.Context, drv driver.DriverWithContext) error {
	for _, stmt := range []string{"DROP INDEX node_names IF EXISTS", "DROP INDEX node_search_key IF EXISTS"} {
		if err := exec(ctx, drv, stmt); err != nil {
			return err
		}
	}
	return nil
}

// createSearchIndexes creates the TEXT and FULLTEXT indexes (as
// graph/neo4j/schema.go does) and waits until they are populated.
func createSearchIndexes(ctx context.Context, drv driver.DriverWithContext) error {
	t0, j0 := time.Now(), cpuOf(jvmPID)
	for _, stmt := range []string{
		"CREATE TEXT INDEX node_search_key IF NOT EXISTS FOR (n:Node) ON (n.searchKey)",
		"CREATE FULLTEXT INDEX node_names IF NOT EXISTS FOR (n:Node) ON EACH [n.name, n.nameEn] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
		"CALL db.awaitIndexes(3600)",
	} {
		if err := exec(ctx, drv, stmt); err != nil {
			return err
		}
	}
	fmt.Printf("    TEXT and FULLTEXT indexes created again and populated over the whole store in %s (JVM CPU %s)\n",
		time.Since(t0).Round(time.Millisecond), (cpuOf(jvmPID) - j0).Round(10*time.Millisecond))
	return nil
}

var labelConstraints = map[string]string{
	"organisation_id": "Organisation", "alliance_id": "Alliance", "person_id": "Person", "project_id": "Project",
	"zone_id": "Zone", "brand_id": "Brand", "platform_id": "Platform",
}

func dropLabelConstraints(ctx context.Context, drv driver.DriverWithContext) error {
	for name := range labelConstraints {
		if err := exec(ctx, drv, "DROP CONSTRAINT "+name+" IF EXISTS"); err != nil {
			return err
		}
	}
	return nil
}

func createLabelConstraints(ctx context.Context, drv driver.DriverWithContext) error {
	t0, j0 := time.Now(), cpuOf(jvmPID)
	for name, label := range labelConstraints {
		if err := exec(ctx, drv, "CREATE CONSTRAINT "+name+" IF NOT EXISTS FOR (n:"+label+") REQUIRE n.id IS UNIQUE"); err != nil {
			return err
		}
	}
	if err := exec(ctx, drv, "CALL db.awaitIndexes(3600)"); err != nil {
		return err
	}
	fmt.Printf("    per-label id constraints created again over the whole store in %s (JVM CPU %s)\n",
		time.Since(t0).Round(time.Millisecond), (cpuOf(jvmPID) - j0).Round(10*time.Millisecond))
	return nil
}

// staticStatements writes a batch with one statement per label and per
// type, labels and types written into the text.
func staticStatements(ctx context.Context, tx driver.ManagedTransaction, c graph.Batch) error {
	byLabel := map[string][]any{}
	for i := range c.Nodes {
		r := nodeRow(&c.Nodes[i])
		byLabel[string(c.Nodes[i].Label)] = append(byLabel[string(c.Nodes[i].Label)], r)
	}
	byType := map[string][]any{}
	for i := range c.Edges {
		byType[string(c.Edges[i].Type)] = append(byType[string(c.Edges[i].Type)], edgeRow(&c.Edges[i]))
	}
	for _, l := range graph.Labels {
		if rows := byLabel[string(l)]; len(rows) > 0 {
			if _, err := tx.Run(ctx, strings.Replace(cypherCreateNodesTpl, "LABEL", string(l), 1), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	for _, t := range graph.RelTypes {
		if rows := byType[string(t)]; len(rows) > 0 {
			if _, err := tx.Run(ctx, strings.Replace(cypherCreateEdgesTpl, "TYPE", string(t), 1), map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	return nil
}

func write(ctx context.Context, drv driver.DriverWithContext, work func(tx driver.ManagedTransaction) error) error {
	sess := drv.NewSession(ctx, driver.SessionConfig{DatabaseName: "neo4j"})
	defer sess.Close(ctx)
	_, err := sess.ExecuteWrite(ctx, func(tx driver.ManagedTransaction) (any, error) { return nil, work(tx) })
	return err
}

func exec(ctx context.Context, drv driver.DriverWithContext, cypher string) error {
	return write(ctx, drv, func(tx driver.ManagedTransaction) error {
		_, err := tx.Run(ctx, cypher, nil)
		return err
	})
}

// timed writes b's nodes, then its edges, in batches of batch items with
// writers at once, and prints the rates.
func timed(name string, b graph.Batch, batch, writers int, apply func(graph.Batch) error) error {
	type cost struct{ wall, jvm, client time.Duration }
	run := func(chunks []graph.Batch) (cost, error) {
		t0, j0, c0 := time.Now(), cpuOf(jvmPID), selfCPU()
		next := make(chan graph.Batch)
		errc := make(chan error, writers)
		for range writers {
			go func() {
				var first error
				for c := range next {
					if err := apply(c); err != nil && first == nil {
						first = err
					}
				}
				errc <- first
			}()
		}
		for _, c := range chunks {
			next <- c
		}
		close(next)
		var err error
		for range writers {
			if e := <-errc; e != nil && err == nil {
				err = e
			}
		}
		return cost{time.Since(t0), cpuOf(jvmPID) - j0, selfCPU() - c0}, err
	}
	var nodeChunks, edgeChunks []graph.Batch
	for i := 0; i < len(b.Nodes); i += batch {
		nodeChunks = append(nodeChunks, graph.Batch{Nodes: b.Nodes[i:min(i+batch, len(b.Nodes))]})
	}
	for i := 0; i < len(b.Edges); i += batch {
		edgeChunks = append(edgeChunks, graph.Batch{Edges: b.Edges[i:min(i+batch, len(b.Edges))]})
	}
	dn, err := run(nodeChunks)
	if err != nil {
		return fmt.Errorf("%s: nodes: %w", name, err)
	}
	de, err := run(edgeChunks)
	if err != nil {
		return fmt.Errorf("%s: edges: %w", name, err)
	}
	fmt.Printf("%-55s %7d nodes in %7s = %6.0f nodes/s (JVM CPU %6s = %4.0f µs a node, client %5s); %7d rels in %7s = %6.0f rels/s (JVM CPU %6s = %4.0f µs a rel, client %5s)\n", name,
		len(b.Nodes), dn.wall.Round(time.Millisecond), float64(len(b.Nodes))/dn.wall.Seconds(),
		dn.jvm.Round(10*time.Millisecond), float64(dn.jvm.Microseconds())/float64(len(b.Nodes)), dn.client.Round(10*time.Millisecond),
		len(b.Edges), de.wall.Round(time.Millisecond), float64(len(b.Edges))/de.wall.Seconds(),
		de.jvm.Round(10*time.Millisecond), float64(de.jvm.Microseconds())/float64(len(b.Edges)), de.client.Round(10*time.Millisecond))
	return nil
}

// bulk streams a set (real ids, no prefix: run it on an empty database)
// with the statements of v6: the TEXT and FULLTEXT indexes and the
// per-label id constraints are dropped for the load and made again after
// it; nodes by writers at once, then edges by edgeWriters, each batch one
// transaction of one UNWIND per label or type. It is the fast path the
// README proposes for Store.Apply, measured end to end.
func bulk(ctx context.Context, drv driver.DriverWithContext, size seed.Size, s int64, batch, writers, edgeWriters int) error {
	// The store's schema first (constraints and indexes, as orgnet makes
	// them), then drop what the load does without.
	if _, err := neo4jstore.New(ctx, drv, neo4jstore.Options{}); err != nil {
		return err
	}
	if err := dropSearchIndexes(ctx, drv); err != nil {
		return err
	}
	if err := dropLabelConstraints(ctx, drv); err != nil {
		return err
	}
	t0, j0, c0 := time.Now(), cpuOf(jvmPID), selfCPU()
	var nodes, edges, retries atomic.Int64 // retries: transactions the driver ran again (deadlocks, transient errors)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		var ln, le int64
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				n, e := nodes.Load(), edges.Load()
				dt := now.Sub(last).Seconds()
				fmt.Printf("%6.0fs %9d nodes (%6.0f/s) %9d rels (%6.0f/s) JVM CPU %s\n", now.Sub(t0).Seconds(), n, float64(n-ln)/dt,
					e, float64(e-le)/dt, (cpuOf(jvmPID) - j0).Round(time.Second))
				ln, le, last = n, e, now
			}
		}
	}()
	defer close(done)
	work := make(chan graph.Batch)
	errc := make(chan error, max(writers, edgeWriters))
	start := func(n int) {
		for range n {
			go func() {
				var first error
				for c := range work {
					if first != nil {
						continue
					}
					attempts := 0
					err := write(ctx, drv, func(tx driver.ManagedTransaction) error {
						attempts++
						return staticStatements(ctx, tx, c)
					})
					retries.Add(int64(attempts - 1))
					if err != nil {
						first = err
						continue
					}
					nodes.Add(int64(len(c.Nodes)))
					edges.Add(int64(len(c.Edges)))
				}
				errc <- first
			}()
		}
	}
	wait := func(n int) error {
		close(work)
		var err error
		for range n {
			if e := <-errc; e != nil && err == nil {
				err = e
			}
		}
		return err
	}
	start(writers)
	var nodeTime time.Duration
	var jn, cn time.Duration
	inEdges := false
	err := seed.SyntheticChunks(size, s, batch, func(b graph.Batch) error {
		if len(b.Edges) > 0 && !inEdges {
			if err := wait(writers); err != nil {
				return err
			}
			inEdges = true
			nodeTime, jn, cn = time.Since(t0), cpuOf(jvmPID)-j0, selfCPU()-c0
			work = make(chan graph.Batch)
			start(edgeWriters)
		}
		work <- b
		return nil
	})
	if werr := wait(map[bool]int{false: writers, true: edgeWriters}[inEdges]); err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	total := time.Since(t0)
	je, ce := cpuOf(jvmPID)-j0-jn, selfCPU()-c0-cn
	n, e := nodes.Load(), edges.Load()
	fmt.Printf("bulk %s: %d nodes in %s = %.0f nodes/s (JVM CPU %s, client %s); %d rels in %s = %.0f rels/s (JVM CPU %s, client %s); %d transactions retried\n",
		size, n, nodeTime.Round(time.Millisecond), float64(n)/nodeTime.Seconds(), jn.Round(time.Second), cn.Round(time.Second),
		e, (total - nodeTime).Round(time.Millisecond), float64(e)/(total-nodeTime).Seconds(), je.Round(time.Second), ce.Round(time.Second),
		retries.Load())
	if err := createLabelConstraints(ctx, drv); err != nil {
		return err
	}
	if err := createSearchIndexes(ctx, drv); err != nil {
		return err
	}
	fmt.Printf("bulk %s: %s in all, indexes included\n", size, time.Since(t0).Round(time.Second))
	return nil
}
