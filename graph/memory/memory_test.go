package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/graph/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store { return open(t, filepath.Join(t.TempDir(), "g.db")) })
}

// open opens the store at path and closes it when the test ends.
func open(t *testing.T, path string) *memory.Store {
	t.Helper()
	s, err := memory.New(context.Background(), path)
	if err != nil {
		t.Fatalf("memory.New(%s) = %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "g.db")
	s := open(t, path)
	f := storetest.Fixture(t, s)
	storetest.MustCreateNode(t, s, graph.Node{ID: "org:types", Label: graph.LabelOrganisation, Name: "类型",
		Attrs: map[string]any{"whole": float64(3), "big": int64(1<<62 + 1), "tiny": 1e-300, "huge": 1e300, "neg": int64(-7),
			"yes": true, "s": "3", "empty": ""}})
	if _, err := s.DeleteNode(ctx, f.ShuHou, false); err != nil {
		t.Fatal(err)
	}
	before, err := s.Snapshot(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, graph.ErrUnavailable) {
		t.Errorf("Ping after Close = %v; want ErrUnavailable", err)
	}
	r := open(t, path)
	after, err := r.Snapshot(ctx, graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after reopening:\n got %+v\nwant %+v", after, before)
	}
	// Adjacency is rebuilt: reads and writes work on the reopened store.
	p, err := r.ShortestPath(ctx, graph.View{}, f.Person, f.Makerspace, graph.PathQuery{MaxDepth: 3})
	if err != nil || p == nil || len(p.Nodes) != 3 {
		t.Errorf("ShortestPath after reopening = %v, %v", p, err)
	}
	if _, err := r.DeleteNode(ctx, f.Town, true); err != nil {
		t.Errorf("DeleteNode after reopening = %v", err)
	}
}

// JSON cannot carry NaN or infinities, so the store refuses them (the
// contract's ValidateAttrs lets them through).
func TestNonFinite(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "g.db"))
	n := graph.Node{ID: "org:x", Label: graph.LabelOrganisation, Name: "x", Attrs: map[string]any{"v": math.Inf(1)}}
	if _, err := s.CreateNode(ctx, n); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("CreateNode(+Inf) = %v; want ErrInvalid", err)
	}
	n.Attrs["v"] = math.NaN()
	if _, err := s.Apply(ctx, graph.Batch{Nodes: []graph.Node{n}}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Apply(NaN) = %v; want ErrInvalid", err)
	}
	if c, _ := s.Counts(ctx, graph.View{}); c.Nodes != 0 {
		t.Errorf("Counts = %+v; want nothing written", c)
	}
}

// TestLegacy: a file written before sources were registered (format 1,
// provenance without sourceId) reads as it was written, and
// graph.MigrateLegacyProvenance brings it up to date (storetest.RunLegacy).
func TestLegacy(t *testing.T) {
	storetest.RunLegacy(t, func(t *testing.T, nodes []graph.Node, edges []graph.Edge) graph.Store {
		path := filepath.Join(t.TempDir(), "legacy.db")
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucket([]byte("meta"))
			if err != nil {
				return err
			}
			if err := meta.Put([]byte("version"), []byte("1")); err != nil {
				return err
			}
			nb, err := tx.CreateBucket([]byte("nodes"))
			if err != nil {
				return err
			}
			for _, n := range nodes {
				if n.Provenance.SourceID != "" {
					t.Fatalf("a legacy node has a source id: %+v", n)
				}
				v, err := json.Marshal(n)
				if err != nil {
					return err
				}
				if err := nb.Put([]byte(n.ID), v); err != nil {
					return err
				}
			}
			eb, err := tx.CreateBucket([]byte("edges"))
			if err != nil {
				return err
			}
			for _, e := range edges {
				v, err := json.Marshal(e)
				if err != nil {
					return err
				}
				if err := eb.Put([]byte(e.ID), v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		return open(t, path)
	})
}

// TestChangeRetention: the feed drops its oldest changes past the
// retention, and says so.
func TestChangeRetention(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "g.db"))
	s.SetChangeRetention(5)
	storetest.Retention(t, s, 5)
}

// TestChangesReopen: the feed, its epoch and its bookmarks outlive the
// process.
func TestChangesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	s := open(t, path)
	wctx, r := graph.WithReceipt(ctx)
	storetest.MustCreateNode(t, s, graph.Node{ID: "org:a", Label: graph.LabelOrganisation, Name: "甲", Provenance: graph.Provenance{Source: graph.SourceUser}})
	name := "乙"
	if _, err := s.UpdateNode(wctx, "org:a", graph.NodeUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Changes(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Changes(ctx, 0, 1); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("Changes on a closed store = %v; want ErrClosed", err)
	}
	s = open(t, path)
	after, err := s.Changes(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) || after.Head != 2 {
		t.Errorf("reopened feed = %+v; before %+v", after, before)
	}
	if err := s.WaitFor(ctx, r.Bookmark()); err != nil {
		t.Errorf("WaitFor(a bookmark from before the restart) = %v", err)
	}
	storetest.MustCreateNode(t, s, graph.Node{ID: "org:b", Label: graph.LabelOrganisation, Name: "丙", Provenance: graph.Provenance{Source: graph.SourceUser}})
	if p, _ := s.Changes(ctx, 2, 10); len(p.Changes) != 1 || p.Changes[0].Seq != 3 {
		t.Errorf("the first change after reopening = %+v; want seq 3", p.Changes)
	}
}
