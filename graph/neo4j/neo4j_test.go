package neo4j_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/graph/storetest"
	"github.com/orgnet/orgnet/internal/testenv"
)

// The tests run against the Neo4j at NEO4J_URI (NEO4J_USER, default neo4j;
// NEO4J_PASSWORD), whose database they wipe before each test (holding
// testenv's lock, as every package that uses it does). Without
// NEO4J_URI they skip, except under CI=true where they fail: CI must run
// them (scripts/test.sh starts a Neo4j). By hand:
//
//	go run ./cmd/orgnet neo4j start --port 7699 --dir /tmp/orgnet-neo4j/data --password test-password
//	NEO4J_URI=bolt://127.0.0.1:7699 NEO4J_PASSWORD=test-password go test ./graph/neo4j/
//	go run ./cmd/orgnet neo4j stop --port 7699 --dir /tmp/orgnet-neo4j/data --password test-password

type conn struct{ uri, user, password string }

func testConn(tb testing.TB) conn {
	tb.Helper()
	c := conn{uri: os.Getenv("NEO4J_URI")}
	c.user, c.password = testenv.Neo4jAuth() // NEO4J_USER, NEO4J_PASSWORD with the project's defaults
	if c.uri == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("CI=true but NEO4J_URI is unset: start Neo4j with the project's test script")
		}
		tb.Skip("NEO4J_URI is unset: set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to run the Neo4j store tests")
	}
	// go test runs packages in parallel, and others use the same database.
	testenv.LockNeo4j(tb)
	return c
}

// openStore opens a Store on the test database and closes it at the end.
func openStore(tb testing.TB, opts neo4j.Options) *neo4j.Store {
	tb.Helper()
	c := testConn(tb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, c.uri, c.user, c.password, opts)
	if err != nil {
		tb.Fatalf("Open(%s) = %v", c.uri, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close() = %v", err)
		}
	})
	return s
}

// newStore is a fresh, empty store: the database is wiped.
func newStore(tb testing.TB) *neo4j.Store {
	tb.Helper()
	s := openStore(tb, neo4j.Options{})
	wipe(tb, s.Driver())
	return s
}

// wipe deletes every node and relationship, in batches (CALL … IN
// TRANSACTIONS needs an auto-commit transaction, hence session.Run).
func wipe(tb testing.TB, drv driver.DriverWithContext) {
	tb.Helper()
	ctx := context.Background()
	sess := drv.NewSession(ctx, driver.SessionConfig{AccessMode: driver.AccessModeWrite, BookmarkManager: drv.ExecuteQueryBookmarkManager()})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		tb.Fatalf("wipe: %v", err)
	}
}

// TestStore runs the conformance suite, each subtest on a wiped database.
func TestStore(t *testing.T) {
	testConn(t)
	storetest.Run(t, func(t *testing.T) graph.Store { return newStore(t) })
}

func org(id, name string) graph.Node {
	return graph.Node{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: name, NameEn: "Village " + id,
		Provenance: graph.Provenance{Source: graph.SourceSynthetic, Ref: "neo4j_test"}}
}

func mustApply(tb testing.TB, s graph.Store, b graph.Batch) graph.ApplyResult {
	tb.Helper()
	r, err := s.Apply(context.Background(), b)
	if err != nil {
		tb.Fatalf("Apply() = %v", err)
	}
	return r
}

// TestSchema: New creates every constraint and index, and a second New on
// the same database changes nothing.
func TestSchema(t *testing.T) {
	s := openStore(t, neo4j.Options{})
	ctx := context.Background()
	if _, err := neo4j.New(ctx, s.Driver(), neo4j.Options{}); err != nil {
		t.Fatalf("second New() = %v", err)
	}
	if _, err := neo4j.New(ctx, s.Driver(), neo4j.Options{}); err != nil {
		t.Fatalf("third New() = %v", err)
	}
	res, err := driver.ExecuteQuery(ctx, s.Driver(),
		`SHOW INDEXES YIELD name, type, state, owningConstraint RETURN name, type, state, owningConstraint`,
		nil, driver.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range res.Records {
		name, _ := r.Get("name")
		owner, _ := r.Get("owningConstraint")
		state, _ := r.Get("state")
		key, _ := name.(string)
		if o, ok := owner.(string); ok && o != "" {
			key = o
		}
		seen[key]++
		if state != "ONLINE" {
			t.Errorf("index %v is %v; want ONLINE", name, state)
		}
	}
	for _, n := range neo4j.SchemaNames {
		if seen[n] != 1 {
			t.Errorf("constraint or index %q exists %d times; want once", n, seen[n])
		}
	}
	res, err = driver.ExecuteQuery(ctx, s.Driver(),
		`SHOW FULLTEXT INDEXES YIELD name, options RETURN options.indexConfig['fulltext.analyzer'] AS analyzer`,
		nil, driver.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("%d full-text indexes; want 1", len(res.Records))
	}
	if a, _ := res.Records[0].Get("analyzer"); a != "cjk" {
		t.Errorf("full-text analyzer = %v; want cjk", a)
	}
}

// proxy forwards TCP connections to target until closed, to take the
// database away from a store that has opened.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
	t.Cleanup(p.close)
	return p
}

func (p *proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestUnavailable: a store whose database went away answers ErrUnavailable
// from Ping and from reads and writes, and Open on a closed port fails with
// ErrUnavailable.
func TestUnavailable(t *testing.T) {
	c := testConn(t)
	host, err := hostPort(c.uri)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, host)
	ctx := context.Background()
	s, err := neo4j.Open(ctx, "bolt://"+p.ln.Addr().String(), c.user, c.password, neo4j.Options{MaxRetryTime: time.Second})
	if err != nil {
		t.Fatalf("Open through proxy = %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping() before = %v", err)
	}
	p.close()

	if err := s.Ping(ctx); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Ping() = %v; want ErrUnavailable", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := s.Node(tctx, graph.View{}, "org:any"); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Node() = %v; want ErrUnavailable", err)
	}
	if _, err := s.Counts(tctx, graph.View{}); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Counts() = %v; want ErrUnavailable", err)
	}
	if _, err := s.CreateNode(tctx, org("org:x", "x")); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("CreateNode() = %v; want ErrUnavailable", err)
	}
	// A deadline that passes while the store waits is unavailable too.
	dctx, dcancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer dcancel()
	if _, err := s.Search(dctx, graph.View{}, "x", 5); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Search() past its deadline = %v; want ErrUnavailable", err)
	}

	// Nothing listens on a port just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = neo4j.Open(ctx, "bolt://"+addr, c.user, c.password, neo4j.Options{})
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Open(closed port) = %v; want ErrUnavailable", err)
	}
	// Wrong credentials: the store cannot answer either.
	_, err = neo4j.Open(ctx, c.uri, c.user, c.password+"-wrong", neo4j.Options{})
	if !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Open(wrong password) = %v; want ErrUnavailable", err)
	}
}

func hostPort(uri string) (string, error) {
	for _, scheme := range []string{"bolt://", "neo4j://"} {
		if len(uri) > len(scheme) && uri[:len(scheme)] == scheme {
			return uri[len(scheme):], nil
		}
	}
	return "", fmt.Errorf("cannot proxy %q: want bolt:// or neo4j:// without TLS", uri)
}

// TestRoundTrips: the number of statements a read sends does not grow with
// its answer, and Apply sends a few statements for thousands of rows.
func TestRoundTrips(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	const n = 200
	var b graph.Batch
	b.Nodes = append(b.Nodes, graph.Node{ID: "alliance:a", Label: graph.LabelAlliance, Name: "联盟", NameEn: "Alliance A",
		Attrs: map[string]any{graph.AttrAllianceType: "INDUSTRY_LINK"}, Provenance: graph.Provenance{Source: graph.SourceIllustrative}})
	b.Nodes = append(b.Nodes, org("org:root", "街道"))
	ids := make([]string, n)
	for i := range n {
		id := fmt.Sprintf("org:v%03d", i)
		ids[i] = id
		b.Nodes = append(b.Nodes, org(id, fmt.Sprintf("村%03d", i)))
		b.Edges = append(b.Edges, graph.Edge{Type: graph.RelSubOrganisationOf, From: id, To: "org:root"})
		b.Edges = append(b.Edges, graph.Edge{Type: graph.RelMemberOf, From: id, To: "alliance:a"})
		if i > 0 {
			b.Edges = append(b.Edges, graph.Edge{Type: graph.RelAdjacentTo, From: ids[i-1], To: id})
		}
	}
	mustApply(t, s, b)

	count := func(name string, f func(ctx context.Context) error) int64 {
		t.Helper()
		mctx, m := graph.WithMeter(ctx)
		if err := f(mctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m.Count()
	}
	one := func(name string, f func(ctx context.Context) error) {
		t.Helper()
		if got := count(name, f); got != 1 {
			t.Errorf("%s sent %d statements; want 1", name, got)
		}
	}
	for _, k := range []int{1, n} {
		one(fmt.Sprintf("Related(%d ids)", k), func(ctx context.Context) error {
			m, err := s.Related(ctx, graph.View{}, ids[:k], graph.RelQuery{})
			if err == nil && len(m) != k {
				err = fmt.Errorf("answered %d ids", len(m))
			}
			return err
		})
		one(fmt.Sprintf("Nodes(%d ids)", k), func(ctx context.Context) error { _, err := s.Nodes(ctx, graph.View{}, ids[:k]); return err })
		one(fmt.Sprintf("Ancestors(%d ids)", k), func(ctx context.Context) error { _, err := s.Ancestors(ctx, graph.View{}, ids[:k], 0); return err })
	}
	for _, first := range []int{1, 50} {
		one(fmt.Sprintf("FindNodes(first %d)", first), func(ctx context.Context) error {
			p, err := s.FindNodes(ctx, graph.View{}, graph.NodeFilter{AllianceID: "alliance:a"}, graph.PageArgs{First: first})
			if err == nil && (len(p.Nodes) != first || p.TotalCount != n) {
				err = fmt.Errorf("page of %d, total %d", len(p.Nodes), p.TotalCount)
			}
			return err
		})
	}
	x := &graph.Expansion{Steps: []graph.ExpandStep{
		{Q: graph.RelQuery{Types: []graph.RelType{graph.RelSubOrganisationOf}, Dir: graph.Out}},
		{Q: graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.Out}, Next: &graph.Expansion{Steps: []graph.ExpandStep{
			{Q: graph.RelQuery{Types: []graph.RelType{graph.RelMemberOf}, Dir: graph.In}}}}},
	}}
	one("Expand", func(ctx context.Context) error { _, err := s.Expand(ctx, graph.View{}, ids, x); return err })
	one("FindNodesExpand", func(ctx context.Context) error {
		_, _, err := s.FindNodesExpand(ctx, graph.View{}, graph.NodeFilter{AllianceID: "alliance:a"}, graph.PageArgs{First: 50}, x)
		return err
	})
	one("Search", func(ctx context.Context) error { _, err := s.Search(ctx, graph.View{}, "村", 200); return err })
	one("Neighbourhood", func(ctx context.Context) error {
		_, err := s.Neighbourhood(ctx, graph.View{}, "org:root", graph.NeighbourhoodQuery{Depth: 3, Limit: 5000})
		return err
	})
	one("Subtree", func(ctx context.Context) error {
		_, err := s.Subtree(ctx, graph.View{}, "org:root", graph.SubtreeQuery{MaxDepth: 10, Limit: graph.DefaultSubtreeSize})
		return err
	})
	one("ShortestPath", func(ctx context.Context) error {
		_, err := s.ShortestPath(ctx, graph.View{}, ids[0], ids[n-1], graph.PathQuery{MaxDepth: 12})
		return err
	})
	one("Snapshot", func(ctx context.Context) error { _, err := s.Snapshot(ctx, graph.View{}); return err })
	one("Counts", func(ctx context.Context) error { _, err := s.Counts(ctx, graph.View{}); return err })
	one("Edges", func(ctx context.Context) error {
		_, err := s.Edges(ctx, graph.View{}, graph.EdgeFilter{}, graph.EdgeRange{})
		return err
	})
	one("Edge", func(ctx context.Context) error {
		_, err := s.Edge(ctx, graph.View{}, graph.EdgeID(graph.RelMemberOf, ids[0], "alliance:a"))
		return err
	})

	// Writes: a fixed number of statements each, the change feed's record
	// (the last statement of every write transaction) included.
	for _, w := range []struct {
		name string
		want int64
		do   func(ctx context.Context) error
	}{
		{"CreateNode", 2, func(ctx context.Context) error { _, err := s.CreateNode(ctx, org("org:w", "w")); return err }},
		{"UpdateNode", 3, func(ctx context.Context) error {
			name := "w2"
			_, err := s.UpdateNode(ctx, "org:w", graph.NodeUpdate{Name: &name})
			return err
		}},
		{"CreateEdge", 3, func(ctx context.Context) error {
			_, err := s.CreateEdge(ctx, graph.Edge{Type: graph.RelAdjacentTo, From: "org:w", To: ids[0]})
			return err
		}},
		{"DeleteEdge", 2, func(ctx context.Context) error {
			return s.DeleteEdge(ctx, graph.EdgeID(graph.RelAdjacentTo, "org:w", ids[0]))
		}},
		{"DeleteNode", 3, func(ctx context.Context) error { _, err := s.DeleteNode(ctx, "org:w", false); return err }},
		{"DeleteNode(cascade)", 3, func(ctx context.Context) error { _, err := s.DeleteNode(ctx, "org:root", true); return err }},
		{"Ping", 1, func(ctx context.Context) error { return s.Ping(ctx) }},
	} {
		if got := count(w.name, w.do); got != w.want {
			t.Errorf("%s sent %d statements; want %d", w.name, got, w.want)
		}
	}

	// Apply: one lookup, then one statement per 5,000 rows of each kind,
	// then the change feed's record.
	var big graph.Batch
	for i := range 10000 {
		big.Nodes = append(big.Nodes, org(fmt.Sprintf("org:big%05d", i), fmt.Sprintf("大%05d", i)))
	}
	got := count("Apply(10k nodes)", func(ctx context.Context) error { _, err := s.Apply(ctx, big); return err })
	if got != 4 {
		t.Errorf("Apply(10k new nodes) sent %d statements; want 4 (lookup + 2 chunks + change)", got)
	}
	got = count("Apply(10k nodes again)", func(ctx context.Context) error { _, err := s.Apply(ctx, big); return err })
	if got != 4 {
		t.Errorf("Apply(10k existing nodes) sent %d statements; want 4 (lookup + 2 chunks + change)", got)
	}
}

// TestApplyRate loads 100,000 nodes, then 99,999 edges, each in one Apply
// (one transaction), and logs the rates; the target is 20,000 nodes a
// second. One transaction of 100,000 nodes needs about 600 MB of Neo4j
// transaction memory (localneo4j gives half the heap: orgnet neo4j start
// --heap-mb 2048), so the test runs only with ORGNET_NEO4J_APPLY_RATE=1.
func TestApplyRate(t *testing.T) {
	if os.Getenv("ORGNET_NEO4J_APPLY_RATE") != "1" {
		t.Skip("set ORGNET_NEO4J_APPLY_RATE=1 (and give Neo4j a 2 GB heap) to measure Apply of 100,000 nodes")
	}
	s := newStore(t)
	const n = 100000
	b := syntheticBatch(n)
	ctx, m := graph.WithMeter(context.Background())
	start := time.Now()
	if _, err := s.Apply(ctx, graph.Batch{Nodes: b.Nodes}); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	t.Logf("Apply(%d nodes): %v, %.0f nodes/s, %d statements", n, d.Round(time.Millisecond), float64(n)/d.Seconds(), m.Count())
	ctx, m = graph.WithMeter(context.Background())
	start = time.Now()
	if _, err := s.Apply(ctx, graph.Batch{Edges: b.Edges}); err != nil {
		t.Fatal(err)
	}
	d = time.Since(start)
	t.Logf("Apply(%d edges): %v, %.0f edges/s, %d statements", len(b.Edges), d.Round(time.Millisecond), float64(len(b.Edges))/d.Seconds(), m.Count())
	c, err := s.Counts(context.Background(), graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes != n || c.Edges != len(b.Edges) {
		t.Errorf("Counts() = %+v; want %d nodes, %d edges", c, n, len(b.Edges))
	}
}

// syntheticBatch is a tree of n organisations under one root (each node's
// parent is node i/10), every node with a few attributes.
func syntheticBatch(n int) graph.Batch {
	var b graph.Batch
	b.Nodes = make([]graph.Node, 0, n)
	b.Edges = make([]graph.Edge, 0, n)
	for i := range n {
		nd := org(fmt.Sprintf("org:s%06d", i), fmt.Sprintf("合成组织%06d", i))
		nd.Tier = 1 + i%3
		nd.Attrs = map[string]any{graph.AttrPopulation: int64(1000 + i), graph.AttrStrength: float64(i) / 7}
		b.Nodes = append(b.Nodes, nd)
		if i > 0 {
			b.Edges = append(b.Edges, graph.Edge{Type: graph.RelSubOrganisationOf, From: nd.ID, To: fmt.Sprintf("org:s%06d", i/10),
				Provenance: graph.Provenance{Source: graph.SourceSynthetic}})
		}
	}
	return b
}

// BenchmarkApply measures Apply of 10,000 new nodes per iteration.
func BenchmarkApply(b *testing.B) {
	s := newStore(b)
	batch := syntheticBatch(10000)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if i > 0 {
			wipe(b, s.Driver())
		}
		b.StartTimer()
		if _, err := s.Apply(context.Background(), graph.Batch{Nodes: batch.Nodes}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch.Nodes))/b.Elapsed().Seconds(), "nodes/s")
}
