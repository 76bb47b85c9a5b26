package neo4j_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
)

// TestApplyPlans: on an empty database, where the plans a load caches are
// made, every statement of Apply and BulkLoad finds ids by index seeks,
// never by a scan, and those that create nodes, or edges without
// attributes, do not hold their rows (Eager). (Edges with attributes are
// SET from a map, which the planner guards with an Eager; deletions and
// replacements need theirs.)
func TestApplyPlans(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// Plans made now, on a database without relationships: a plain USING
	// INDEX was then satisfied by an index scan for some types.
	mustApply(t, s, graph.Batch{Nodes: []graph.Node{org("org:a", "甲"), org("org:b", "乙")}})
	if _, err := driver.ExecuteQuery(ctx, s.Driver(), "CALL db.clearQueryCaches()", nil, driver.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	for name, st := range neo4j.ApplyStatements() {
		res, err := driver.ExecuteQuery(ctx, s.Driver(), "EXPLAIN "+st.Cypher, st.Params, driver.EagerResultTransformer)
		if err != nil {
			t.Errorf("%s: EXPLAIN: %v", name, err)
			continue
		}
		ops := planOperators(res.Summary.Plan())
		seeks := 0
		for _, op := range ops {
			switch {
			case strings.Contains(op, "Scan"):
				t.Errorf("%s: plan has %s: %v", name, op, ops)
			case op == "Eager" && strings.HasPrefix(name, "create ") && !strings.HasPrefix(name, "create with attributes "):
				t.Errorf("%s: plan has an Eager: %v", name, ops)
			case strings.Contains(op, "IndexSeek"):
				seeks++
			}
		}
		if seeks == 0 && strings.Contains(st.Cypher, "{id:") {
			t.Errorf("%s: no index seek in the plan: %v", name, ops)
		}
	}
}

// planOperators lists the operators of a plan. The driver's Plan.Children
// returns, for an operator with two children, the last one twice (it takes
// the address of its loop variable, in a module older than Go 1.22), so the
// tree is read from the plan the driver decoded, by reflection.
func planOperators(p driver.Plan) []string {
	var ops []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		op, _, _ := strings.Cut(v.FieldByName("Operator").String(), "@")
		ops = append(ops, op)
		ch := v.FieldByName("Children")
		for i := 0; i < ch.Len(); i++ {
			walk(ch.Index(i))
		}
	}
	v := reflect.ValueOf(p)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if inner := v.Elem().FieldByName("plan"); inner.IsValid() && inner.Kind() == reflect.Pointer && !inner.IsNil() {
			if in := inner.Elem(); in.FieldByName("Operator").IsValid() && in.FieldByName("Children").IsValid() {
				walk(in)
				return ops
			}
		}
	}
	// Another driver: its own walk.
	var walkPlan func(p driver.Plan)
	walkPlan = func(p driver.Plan) {
		op, _, _ := strings.Cut(p.Operator(), "@")
		ops = append(ops, op)
		for _, c := range p.Children() {
			walkPlan(c)
		}
	}
	walkPlan(p)
	return ops
}

// loadBulk bulk-loads b into s in chunks of chunk items, nodes by writers
// at once, then edges by one writer, and finishes the load.
func loadBulk(t *testing.T, s *neo4j.Store, b graph.Batch, chunk, writers int, opts neo4j.BulkOptions) {
	t.Helper()
	ctx := context.Background()
	l, err := s.BeginBulkLoad(ctx, opts)
	if err != nil {
		t.Fatalf("BeginBulkLoad() = %v", err)
	}
	defer func() {
		if err := l.Finish(ctx); err != nil {
			t.Errorf("Finish() = %v", err)
		}
	}()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		work  = make(chan graph.Batch)
		total graph.ApplyResult
	)
	for range writers {
		wg.Go(func() {
			for c := range work {
				r, err := l.Apply(ctx, c)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				total.NodesCreated += r.NodesCreated
				mu.Unlock()
			}
		})
	}
	for i := 0; i < len(b.Nodes); i += chunk {
		work <- graph.Batch{Nodes: b.Nodes[i:min(i+chunk, len(b.Nodes))]}
	}
	close(work)
	wg.Wait()
	if first != nil {
		t.Fatalf("bulk Apply(nodes) = %v", first)
	}
	for i := 0; i < len(b.Edges); i += chunk {
		r, err := l.Apply(ctx, graph.Batch{Edges: b.Edges[i:min(i+chunk, len(b.Edges))]})
		if err != nil {
			t.Fatalf("bulk Apply(edges from %d) = %v", i, err)
		}
		total.EdgesCreated += r.EdgesCreated
	}
	if total.NodesCreated != len(b.Nodes) || total.EdgesCreated != len(b.Edges) {
		t.Errorf("created %d nodes, %d edges; want %d, %d", total.NodesCreated, total.EdgesCreated, len(b.Nodes), len(b.Edges))
	}
}

// slice is the first n nodes of b and the edges among them.
func slice(b graph.Batch, n int) graph.Batch {
	out := graph.Batch{Nodes: b.Nodes[:min(n, len(b.Nodes))]}
	in := make(map[string]bool, len(out.Nodes))
	for i := range out.Nodes {
		in[out.Nodes[i].ID] = true
	}
	for _, e := range b.Edges {
		if in[e.From] && in[e.To] {
			out.Edges = append(out.Edges, e)
		}
	}
	return out
}

// TestBulkLoad: a bulk load into an empty store gives the snapshot the
// embedded store gives for the same batches, and leaves every index and
// constraint online. Slices of the county set (seed.Synthetic): the whole
// county takes ~25 s on a busy two-core box.
func TestBulkLoad(t *testing.T) {
	county := seed.Synthetic(seed.SizeCounty, 1)
	for _, tc := range []struct {
		name    string
		batch   graph.Batch
		chunk   int
		writers int
		opts    neo4j.BulkOptions
	}{
		{"4,000 nodes of county, two node writers", slice(county, 4000), 1000, 2, neo4j.BulkOptions{}},
		{"slice of county, small chunks, indexes kept", slice(county, 1500), 400, 1, neo4j.BulkOptions{KeepIndexes: true, Rows: 150}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			start := time.Now()
			loadBulk(t, s, tc.batch, tc.chunk, tc.writers, tc.opts)
			t.Logf("%d nodes, %d edges bulk-loaded in %s, indexes included", len(tc.batch.Nodes), len(tc.batch.Edges), time.Since(start).Round(time.Millisecond))
			mem := testenv.Memory(t)
			if _, err := mem.Apply(context.Background(), tc.batch); err != nil {
				t.Fatalf("memory Apply() = %v", err)
			}
			sameSnapshot(t, s, mem)
			schemaOnline(t, s)
			// Search answers from the index made again.
			hits, err := s.Search(context.Background(), graph.View{}, tc.batch.Nodes[0].Name, 5)
			if err != nil || len(hits) == 0 {
				t.Errorf("Search(%q) = %d hits, %v; want some", tc.batch.Nodes[0].Name, len(hits), err)
			}
		})
	}
}

func sameSnapshot(t *testing.T, got, want graph.Store) {
	t.Helper()
	g, err := got.Snapshot(context.Background(), graph.View{})
	if err != nil {
		t.Fatalf("Snapshot() = %v", err)
	}
	w, err := want.Snapshot(context.Background(), graph.View{})
	if err != nil {
		t.Fatalf("memory Snapshot() = %v", err)
	}
	if len(g.Nodes) != len(w.Nodes) || len(g.Edges) != len(w.Edges) {
		t.Fatalf("snapshot has %d nodes, %d edges; the embedded store %d, %d", len(g.Nodes), len(g.Edges), len(w.Nodes), len(w.Edges))
	}
	bad := 0
	for i := range g.Nodes {
		if a, b := normNode(g.Nodes[i]), normNode(w.Nodes[i]); !reflect.DeepEqual(a, b) && bad < 3 {
			bad++
			t.Errorf("node %d = %+v; the embedded store has %+v", i, a, b)
		}
	}
	for i := range g.Edges {
		if a, b := normEdge(g.Edges[i]), normEdge(w.Edges[i]); !reflect.DeepEqual(a, b) && bad < 6 {
			bad++
			t.Errorf("edge %d = %+v; the embedded store has %+v", i, a, b)
		}
	}
}

func normNode(n *graph.Node) *graph.Node {
	c := n.Clone()
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	if len(c.AttrProvenance) == 0 {
		c.AttrProvenance = nil
	}
	return c
}

func normEdge(e *graph.Edge) *graph.Edge {
	c := e.Clone()
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	return c
}

// schemaOnline checks that every constraint and index of the store exists
// once and is online.
func schemaOnline(t *testing.T, s *neo4j.Store) {
	t.Helper()
	res, err := driver.ExecuteQuery(context.Background(), s.Driver(),
		`SHOW INDEXES YIELD name, state, owningConstraint RETURN name, state, owningConstraint`, nil, driver.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range res.Records {
		name, _ := r.Get("name")
		owner, _ := r.Get("owningConstraint")
		state, _ := r.Get("state")
		key, _ := name.(string)
		if o, ok := owner.(string); ok && o != "" {
			key = o
		}
		seen[key] = true
		if state != "ONLINE" {
			t.Errorf("index %v is %v; want ONLINE", name, state)
		}
	}
	for _, n := range neo4j.SchemaNames {
		if !seen[n] {
			t.Errorf("constraint or index %q is missing", n)
		}
	}
}

func person(id string) graph.Node {
	return graph.Node{ID: id, Label: graph.LabelPerson, Kind: "PERSON", Name: "人" + id,
		Provenance: graph.Provenance{Source: graph.SourceSynthetic}}
}

// TestBulkLoadRefusals: what a bulk load refuses, with which error, and
// that the refused batch writes nothing.
func TestBulkLoadRefusals(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	base := graph.Batch{
		Nodes: []graph.Node{org("org:a", "甲"), org("org:b", "乙"), person("p:1")},
		Edges: []graph.Edge{{Type: graph.RelAdjacentTo, From: "org:a", To: "org:b"},
			{ID: "explicit:1", Type: graph.RelAdjacentTo, From: "org:b", To: "org:a"}},
	}
	for i, tc := range []struct {
		name  string
		setup func(t *testing.T) // before the batch, after base
		batch graph.Batch
		want  error
	}{
		{"node id this load wrote", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新"), org("org:a", "甲")}}, graph.ErrConflict},
		{"node id another writer stored meanwhile", func(t *testing.T) { mustApply(t, s, graph.Batch{Nodes: []graph.Node{org("org:other", "他")}}) },
			graph.Batch{Nodes: []graph.Node{org("org:new", "新"), org("org:other", "他")}}, graph.ErrConflict},
		{"edge id stored, same type", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新")},
			Edges: []graph.Edge{{Type: graph.RelAdjacentTo, From: "org:new", To: "org:a"}, {Type: graph.RelAdjacentTo, From: "org:a", To: "org:b"}}}, graph.ErrConflict},
		{"explicit edge id stored under another type", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新")},
			Edges: []graph.Edge{{ID: "explicit:1", Type: graph.RelMentors, From: "org:a", To: "org:new"}}}, graph.ErrConflict},
		{"explicit edge id equal to a default id of another type", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新")},
			Edges: []graph.Edge{{ID: graph.EdgeID(graph.RelAdjacentTo, "org:a", "org:b"), Type: graph.RelMentors, From: "org:a", To: "org:new"}}}, graph.ErrConflict},
		{"node id twice in the batch", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新"), org("org:new", "新")}}, graph.ErrInvalid},
		{"edge end missing", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新")},
			Edges: []graph.Edge{{Type: graph.RelAdjacentTo, From: "org:new", To: "org:nowhere"}}}, graph.ErrNotFound},
		{"wrong end label", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新")},
			Edges: []graph.Edge{{Type: graph.RelMemberOf, From: "org:new", To: "p:1"}}}, graph.ErrInvalid},
		{"a deletion", nil, graph.Batch{Nodes: []graph.Node{org("org:new", "新")}, DeleteNodes: []string{"org:a"}}, graph.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wipe(t, s.Driver())
			// Indexes dropped and made again in the first case only (seconds each).
			l, err := s.BeginBulkLoad(ctx, neo4j.BulkOptions{KeepIndexes: i > 0})
			if err != nil {
				t.Fatalf("BeginBulkLoad() = %v", err)
			}
			defer func() {
				if err := l.Finish(ctx); err != nil {
					t.Errorf("Finish() = %v", err)
				}
			}()
			if _, err := l.Apply(ctx, base); err != nil {
				t.Fatalf("Apply(base) = %v", err)
			}
			if tc.setup != nil {
				tc.setup(t)
			}
			before, err := s.Counts(ctx, graph.View{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = l.Apply(ctx, tc.batch)
			if !errors.Is(err, tc.want) {
				t.Errorf("Apply() = %v (code %s); want %v", err, graph.ErrorCode(err), tc.want)
			}
			if after, err := s.Counts(ctx, graph.View{}); err != nil || after != before {
				t.Errorf("Counts() = %+v, %v after the refused batch; want %+v", after, err, before)
			}
			// The load goes on after a refusal.
			if _, err := l.Apply(ctx, graph.Batch{Nodes: []graph.Node{org("org:later", "后")},
				Edges: []graph.Edge{{Type: graph.RelAdjacentTo, From: "org:later", To: "org:a"}}}); err != nil {
				t.Errorf("Apply() after the refusal = %v", err)
			}
		})
	}

	t.Run("store not empty", func(t *testing.T) {
		wipe(t, s.Driver())
		mustApply(t, s, graph.Batch{Nodes: []graph.Node{org("org:a", "甲")}})
		if _, err := s.BeginBulkLoad(ctx, neo4j.BulkOptions{}); !errors.Is(err, graph.ErrConflict) {
			t.Errorf("BeginBulkLoad() on a store with a node = %v; want ErrConflict", err)
		}
		schemaOnline(t, s) // nothing dropped
	})
}

// TestBulkLoadCancel: a load cancelled in the middle of a batch writes
// nothing of it, and Finish makes the indexes usable again; a load never
// finished (the process died) leaves them to the next New.
func TestBulkLoadCancel(t *testing.T) {
	s := newStore(t)
	b := slice(seed.Synthetic(seed.SizeCounty, 1), 6000)

	t.Run("cancelled, then finished", func(t *testing.T) {
		wipe(t, s.Driver())
		l, err := s.BeginBulkLoad(context.Background(), neo4j.BulkOptions{Rows: 500})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Apply(context.Background(), graph.Batch{Nodes: b.Nodes[:1000]}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := l.Apply(ctx, graph.Batch{Nodes: b.Nodes[1000:]})
			done <- err
		}()
		time.Sleep(50 * time.Millisecond)
		cancel()
		err = <-done
		if err == nil {
			t.Log("the batch committed before the cancel")
		} else if !errors.Is(err, graph.ErrUnavailable) {
			t.Errorf("cancelled Apply() = %v; want ErrUnavailable", err)
		}
		if err := l.Finish(context.Background()); err != nil {
			t.Fatalf("Finish() = %v", err)
		}
		if _, err := l.Apply(context.Background(), graph.Batch{Nodes: []graph.Node{org("org:late", "晚")}}); err == nil {
			t.Error("Apply() after Finish() = nil; want an error")
		}
		c, err := s.Counts(context.Background(), graph.View{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Nodes != 1000 && c.Nodes != len(b.Nodes) {
			t.Errorf("%d nodes stored; want 1000 (or all %d): a batch is all or nothing", c.Nodes, len(b.Nodes))
		}
		schemaOnline(t, s)
		if hits, err := s.Search(context.Background(), graph.View{}, b.Nodes[0].Name, 5); err != nil || len(hits) == 0 {
			t.Errorf("Search(%q) = %d hits, %v; want some", b.Nodes[0].Name, len(hits), err)
		}
	})

	t.Run("never finished", func(t *testing.T) {
		wipe(t, s.Driver())
		l, err := s.BeginBulkLoad(context.Background(), neo4j.BulkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Apply(context.Background(), graph.Batch{Nodes: b.Nodes[:500]}); err != nil {
			t.Fatal(err)
		}
		// The next start of the store makes the dropped indexes again.
		s2, err := neo4j.New(context.Background(), s.Driver(), neo4j.Options{})
		if err != nil {
			t.Fatalf("New() = %v", err)
		}
		schemaOnline(t, s2)
		if hits, err := s2.Search(context.Background(), graph.View{}, b.Nodes[0].Name, 5); err != nil || len(hits) == 0 {
			t.Errorf("Search(%q) = %d hits, %v; want some", b.Nodes[0].Name, len(hits), err)
		}
	})
}
