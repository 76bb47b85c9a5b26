package neo4j_test

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"sync"
	"testing"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/graph/storetest"
)

// modeDriver records the access mode of every session the store opens.
type modeDriver struct {
	driver.DriverWithContext
	mu    sync.Mutex
	modes []driver.AccessMode
}

func (d *modeDriver) NewSession(ctx context.Context, c driver.SessionConfig) driver.SessionWithContext {
	d.mu.Lock()
	d.modes = append(d.modes, c.AccessMode)
	d.mu.Unlock()
	return d.DriverWithContext.NewSession(ctx, c)
}

func (d *modeDriver) take() []driver.AccessMode {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.modes
	d.modes = nil
	return m
}

// TestRoutedReadsAndWrites runs the store over a routed URI (neo4j://; a
// single Community server answers the routing table, as its own reader and
// writer) and checks, per method, the access mode of every session it
// opens: every read method (Snapshot, for analysis and export; Search;
// FindNodes; Changes, WaitFor …) opens read sessions only, which a cluster
// sends to its readers; every write opens write sessions only. It also
// reads a write back through a second routed store with the first's
// bookmark.
func TestRoutedReadsAndWrites(t *testing.T) {
	c := testConn(t)
	u, err := url.Parse(c.uri)
	if err != nil {
		t.Fatal(err)
	}
	u.Scheme = "neo4j"
	ctx := context.Background()
	open := func() (*neo4j.Store, *modeDriver) {
		drv, err := driver.NewDriverWithContext(u.String(), driver.BasicAuth(c.user, c.password, ""))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = drv.Close(ctx) })
		md := &modeDriver{DriverWithContext: drv}
		s, err := neo4j.New(ctx, md, neo4j.Options{})
		if err != nil {
			t.Fatalf("New over %s: %v", u, err)
		}
		wipe(t, drv)
		md.take()
		return s, md
	}
	s, md := open()
	f := storetest.Fixture(t, s)
	if got := md.take(); len(got) == 0 || !allModes(got, driver.AccessModeWrite) {
		t.Errorf("the fixture's Apply opened sessions %v; want write sessions", got)
	}
	wctx, receipt := graph.WithReceipt(ctx)
	if _, err := s.CreateNode(wctx, graph.Node{ID: "org:routed", Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "路由村",
		Provenance: graph.Provenance{Source: graph.SourceUser}}); err != nil {
		t.Fatal(err)
	}
	if got := md.take(); !allModes(got, driver.AccessModeWrite) {
		t.Errorf("CreateNode opened sessions %v", got)
	}
	v := graph.View{AsOf: graph.Today()}
	reads := map[string]func() error{
		"Node":  func() error { _, err := s.Node(ctx, v, f.Town); return err },
		"Nodes": func() error { _, err := s.Nodes(ctx, v, []string{f.Town}); return err },
		"FindNodes": func() error {
			_, err := s.FindNodes(ctx, v, graph.NodeFilter{}, graph.PageArgs{First: 5})
			return err
		},
		"FindNodesExpand": func() error {
			_, _, err := s.FindNodesExpand(ctx, v, graph.NodeFilter{}, graph.PageArgs{First: 5}, &graph.Expansion{})
			return err
		},
		"Search": func() error { _, err := s.Search(ctx, v, "舒", 5); return err },
		"Edge":   func() error { _, err := s.Edge(ctx, v, f.Mentors); return err },
		"Edges":  func() error { _, err := s.Edges(ctx, v, graph.EdgeFilter{}, graph.EdgeRange{First: 5}); return err },
		"FindEdges": func() error {
			_, err := s.FindEdges(ctx, v, graph.EdgeFilter{}, graph.PageArgs{First: 5})
			return err
		},
		"Related": func() error { _, err := s.Related(ctx, v, []string{f.Town}, graph.RelQuery{}); return err },
		"Expand": func() error {
			_, err := s.Expand(ctx, v, []string{f.Town}, &graph.Expansion{})
			return err
		},
		"Ancestors": func() error { _, err := s.Ancestors(ctx, v, []string{f.Makerspace}, 0); return err },
		"Neighbourhood": func() error {
			_, err := s.Neighbourhood(ctx, v, f.Alliance, graph.NeighbourhoodQuery{Depth: 2, Limit: 50})
			return err
		},
		"Subtree": func() error {
			_, err := s.Subtree(ctx, v, f.Street, graph.SubtreeQuery{MaxDepth: 3, Limit: graph.DefaultSubtreeSize})
			return err
		},
		"ShortestPath": func() error {
			_, err := s.ShortestPath(ctx, v, f.ShuQian, f.Street, graph.PathQuery{MaxDepth: 6})
			return err
		},
		"Snapshot": func() error { _, err := s.Snapshot(ctx, graph.View{}); return err },
		"Tops":     func() error { _, err := s.Tops(ctx, v, 5); return err },
		"Below":    func() error { _, err := s.Below(ctx, v, []string{f.Street}, graph.BelowQuery{}); return err },
		"Children": func() error { _, err := s.Children(ctx, v, f.Street, nil, graph.PageArgs{First: 5}); return err },
		"Counts":   func() error { _, err := s.Counts(ctx, v); return err },
		"Changes":  func() error { _, err := s.Changes(ctx, 0, 10); return err },
		"WaitFor":  func() error { return s.WaitFor(ctx, receipt.Bookmark()) },
	}
	// Every read method of graph.Store is listed.
	st := reflect.TypeFor[graph.Store]()
	for i := range st.NumMethod() {
		m := st.Method(i).Name
		if _, ok := reads[m]; ok {
			continue
		}
		if in := st.Method(i).Type; in.NumIn() > 1 && in.In(1) == reflect.TypeFor[graph.View]() {
			t.Errorf("read method %s is not checked", m)
		}
	}
	for name, read := range reads {
		if err := read(); err != nil && !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("%s over %s: %v", name, u.Scheme, err)
			continue
		}
		if got := md.take(); len(got) == 0 || !allModes(got, driver.AccessModeRead) {
			t.Errorf("%s opened sessions %v; want read sessions only", name, got)
		}
	}
	// Another routed store (another replica) reads the write with its
	// bookmark.
	other, _ := openWithout(t, u.String(), c.user, c.password)
	if err := other.WaitFor(ctx, receipt.Bookmark()); err != nil {
		t.Fatalf("WaitFor(%q) on another store: %v", receipt.Bookmark(), err)
	}
	if _, err := other.Node(ctx, v, "org:routed"); err != nil {
		t.Errorf("the write through the first store, read through the second: %v", err)
	}
}

// openWithout opens a store at uri without wiping the database.
func openWithout(t *testing.T, uri, user, password string) (*neo4j.Store, error) {
	t.Helper()
	s, err := neo4j.Open(context.Background(), uri, user, password, neo4j.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, nil
}

func allModes(ms []driver.AccessMode, want driver.AccessMode) bool {
	for _, m := range ms {
		if m != want {
			return false
		}
	}
	return true
}
