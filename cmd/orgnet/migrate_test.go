package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/seed"
)

// legacyYuelin is the Yuelin network as orgnet stored it before sources were
// registered: no source node, ARTICLE facts without a source id, and what
// is INFERRED now was ARTICLE then.
func legacyYuelin() graph.Batch {
	b := seed.Yuelin()
	old := func(p graph.Provenance) graph.Provenance {
		if p.Source.Quoted() {
			return graph.Provenance{Source: graph.SourceArticle, Quote: p.Quote, Ref: p.Ref}
		}
		return p
	}
	var out graph.Batch
	for _, n := range b.Nodes {
		if n.Label == graph.LabelSource {
			continue
		}
		n.Provenance = old(n.Provenance)
		for k, p := range n.AttrProvenance {
			n.AttrProvenance[k] = old(p)
		}
		out.Nodes = append(out.Nodes, n)
	}
	for _, e := range b.Edges {
		e.Provenance = old(e.Provenance)
		out.Edges = append(out.Edges, e)
	}
	return out
}

// writeLegacy writes b into a format-1 embedded store file at path, raw.
func writeLegacy(t *testing.T, path string, b graph.Batch) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket([]byte("meta"))
		nb, _ := tx.CreateBucket([]byte("nodes"))
		eb, _ := tx.CreateBucket([]byte("edges"))
		if err := meta.Put([]byte("version"), []byte("1")); err != nil {
			return err
		}
		for _, n := range b.Nodes {
			v, _ := json.Marshal(n)
			if err := nb.Put([]byte(n.ID), v); err != nil {
				return err
			}
		}
		for _, e := range b.Edges {
			v, _ := json.Marshal(e)
			if err := eb.Put([]byte(e.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSeedMigratesLegacyStore: orgnet seed on a store written before
// sources were registered registers the article, keeps every verbatim
// ARTICLE fact (citing the article), makes a forged one USER, and then
// writes today's seed (its INFERRED facts included).
func TestSeedMigratesLegacyStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "orgnet.db")
	b := legacyYuelin()
	b.Nodes = append(b.Nodes, graph.Node{ID: "org:secret", Label: graph.LabelOrganisation, Kind: "PARTY_BRANCH", Name: "秘密支部",
		Provenance: graph.Provenance{Source: graph.SourceArticle, Quote: "岳林街道有一个秘密支部"}})
	writeLegacy(t, path, b)

	// The migration alone: nothing of the old seed is downgraded.
	s, err := memory.New(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := seed.Migrate(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Registered || len(rep.Downgraded) != 1 || rep.Downgraded[0] != "node org:secret provenance" || rep.Cited < 150 {
		t.Errorf("Migrate = registered %v, %d cited, downgraded %q; want the forged node only", rep.Registered, rep.Cited, rep.Downgraded)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	if err := app().Run(ctx, []string{"orgnet", "seed", "--data-dir", dir}); err != nil {
		t.Fatalf("orgnet seed: %v", err)
	}
	s, err = memory.New(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ns, err := s.Nodes(ctx, graph.View{}, []string{"org:secret", "org:jinhai-station-temp-branch", seed.YuelinSourceID})
	if err != nil {
		t.Fatal(err)
	}
	if p := ns[0].Provenance; p.Source != graph.SourceUser || p.Ref != graph.LegacyRef(seed.YuelinSourceID) {
		t.Errorf("the forged node after seeding: %+v; want USER, ref %q", p, graph.LegacyRef(seed.YuelinSourceID))
	}
	if p := ns[1].Provenance; p.Source != graph.SourceInferred || p.SourceID != seed.YuelinSourceID {
		t.Errorf("金海站配套项目临时党支部 after seeding: %+v; want INFERRED from the article", p)
	}
	if graph.DocumentOf(ns[2]) == nil {
		t.Errorf("the article is not registered")
	}
}
