package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// The change feed (Store.Changes, graph.Change). The suite pins:
//   - each write transaction records exactly one change; a write that fails
//     records none; Apply of an empty batch writes nothing and records none;
//   - a change lists the nodes written or deleted, the edges written or
//     deleted by id with their ends; DeleteNode lists the nodes removed
//     (not the edges that went with them); kinds as graph.ChangeKindOf and
//     the single-item methods name them (CREATED, UPDATED, DELETED, LINKED,
//     UNLINKED); Operation is the Store method unless the caller named it
//     (graph.WithOperation);
//   - a write notes its sequence number and a bookmark in the context's
//     Receipt, and WaitFor takes that bookmark; WaitFor refuses a made-up
//     one (ErrInvalid);
//   - concurrent writers get 1 … n, each once, in commit order.

// changesAfter reads every change after after, a page at a time.
func changesAfter(tb testing.TB, s graph.Store, after int64) ([]graph.Change, *graph.ChangePage) {
	tb.Helper()
	var out []graph.Change
	for {
		p, err := s.Changes(bg, after, 3)
		if err != nil {
			tb.Fatalf("Changes(%d, 3) = %v", after, err)
		}
		out = append(out, p.Changes...)
		if len(p.Changes) == 0 {
			return out, p
		}
		after = p.Changes[len(p.Changes)-1].Seq
	}
}

// head is the feed's last sequence number.
func head(tb testing.TB, s graph.Store) int64 {
	tb.Helper()
	p, err := s.Changes(bg, 0, 1)
	if err != nil {
		tb.Fatalf("Changes = %v", err)
	}
	return p.Head
}

var changesTests = []test{
	{"EveryWrite", func(t *testing.T, s graph.Store) {
		p, err := s.Changes(bg, 0, 10)
		if err != nil {
			t.Fatalf("Changes on an empty store = %v", err)
		}
		if p.Head != 0 || len(p.Changes) != 0 || p.Missed(0) {
			t.Fatalf("empty store's feed = %+v", p)
		}
		orgs(t, s, "org:a", "org:b")
		start := head(t, s)
		ctx := graph.WithOperation(bg, graph.Operation{Name: "createPairing", Kind: graph.ChangeLinked})
		if _, err := s.CreateNode(bg, org("org:c", "丙村")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateNode(bg, "org:c", graph.NodeUpdate{NameEn: ptr("C")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateEdge(ctx, edge(graph.RelMentors, "org:a", "org:b")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateEdge(bg, edge(graph.RelAdjacentTo, "org:a", "org:c")); err != nil {
			t.Fatal(err)
		}
		noErr(t, "DeleteEdge", s.DeleteEdge(bg, adj("org:a", "org:c")))
		if _, err := s.Apply(bg, graph.Batch{Nodes: []graph.Node{org("org:d", "丁村")}, Edges: []graph.Edge{edge(graph.RelAdjacentTo, "org:d", "org:b")},
			DeleteEdges: []string{graph.EdgeID(graph.RelMentors, "org:a", "org:b"), "MENTORS:org:x->org:y"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(bg, graph.Batch{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteNode(bg, "org:d", false); err != nil {
			t.Fatal(err)
		}
		// Refused writes record nothing.
		if _, err := s.CreateNode(bg, org("org:c", "again")); !errors.Is(err, graph.ErrConflict) {
			t.Fatalf("CreateNode(taken) = %v", err)
		}
		if err := s.DeleteEdge(bg, "ADJACENT_TO:org:nowhere->org:a"); !errors.Is(err, graph.ErrNotFound) {
			t.Fatalf("DeleteEdge(missing) = %v", err)
		}
		got, p := changesAfter(t, s, start)
		type brief struct {
			Kind      graph.ChangeKind
			Operation string
			Nodes     []string
			Edges     []string
		}
		want := []brief{
			{graph.ChangeCreated, "CreateNode", []string{"org:c"}, []string{}},
			{graph.ChangeUpdated, "UpdateNode", []string{"org:c"}, []string{}},
			{graph.ChangeLinked, "createPairing", []string{"org:a", "org:b"}, []string{"MENTORS:org:a->org:b"}},
			{graph.ChangeLinked, "CreateEdge", []string{"org:a", "org:c"}, []string{"ADJACENT_TO:org:a->org:c"}},
			{graph.ChangeUnlinked, "DeleteEdge", []string{"org:a", "org:c"}, []string{"ADJACENT_TO:org:a->org:c"}},
			{graph.ChangeCreated, "Apply", []string{"org:a", "org:b", "org:d"}, []string{"ADJACENT_TO:org:d->org:b", "MENTORS:org:a->org:b"}},
			{graph.ChangeDeleted, "DeleteNode", []string{"org:d"}, []string{}},
		}
		if len(got) != len(want) {
			t.Fatalf("%d changes after %d, want %d: %+v", len(got), start, len(want), got)
		}
		for i, c := range got {
			if c.Seq != start+1+int64(i) {
				t.Errorf("change %d has Seq %d, want %d", i, c.Seq, start+1+int64(i))
			}
			b := brief{c.Kind, c.Operation, c.NodeIDs, c.EdgeIDs}
			if !reflect.DeepEqual(b, want[i]) {
				t.Errorf("change %d = %+v; want %+v", c.Seq, b, want[i])
			}
			if c.Many || c.Nodes != len(want[i].Nodes) || c.Edges != len(want[i].Edges) {
				t.Errorf("change %d counts %d nodes, %d edges, many %v", c.Seq, c.Nodes, c.Edges, c.Many)
			}
			if d := time.Since(c.At); d < -time.Minute || d > time.Minute {
				t.Errorf("change %d At %v is not now", c.Seq, c.At)
			}
		}
		if p.Head != start+int64(len(want)) || p.Epoch == "" || p.Oldest != 1 {
			t.Errorf("feed = head %d, oldest %d, epoch %q; want head %d, oldest 1, an epoch", p.Head, p.Oldest, p.Epoch, start+int64(len(want)))
		}
	}},
	{"Args", func(t *testing.T, s graph.Store) {
		for _, a := range []struct {
			after int64
			limit int
		}{{-1, 1}, {0, 0}, {0, graph.MaxChangesPage + 1}} {
			if _, err := s.Changes(bg, a.after, a.limit); !errors.Is(err, graph.ErrInvalid) {
				t.Errorf("Changes(%d, %d) = %v; want ErrInvalid", a.after, a.limit, err)
			}
		}
		orgs(t, s, "org:a")
		p, err := s.Changes(bg, 5, 10) // after the head: nothing yet
		if err != nil || len(p.Changes) != 0 || p.Missed(5) {
			t.Errorf("Changes(after the head) = %+v, %v", p, err)
		}
	}},
	{"Many", func(t *testing.T, s graph.Store) {
		var b graph.Batch
		for i := range graph.MaxChangeIDs + 1 {
			b.Nodes = append(b.Nodes, org(fmt.Sprintf("org:n%04d", i), "村"))
		}
		MustApply(t, s, b)
		got, _ := changesAfter(t, s, 0)
		if len(got) != 1 {
			t.Fatalf("%d changes, want 1", len(got))
		}
		c := got[0]
		if !c.Many || len(c.NodeIDs) != 0 || len(c.EdgeIDs) != 0 || c.Nodes != graph.MaxChangeIDs+1 || c.Kind != graph.ChangeCreated {
			t.Errorf("a write of %d nodes recorded %+v; want Many with the count", graph.MaxChangeIDs+1, c)
		}
	}},
	{"Receipt", func(t *testing.T, s graph.Store) {
		ctx, r := graph.WithReceipt(bg)
		if r.Seq() != 0 || r.Bookmark() != "" {
			t.Fatalf("a new receipt = %d %q", r.Seq(), r.Bookmark())
		}
		if _, err := s.CreateNode(ctx, org("org:a", "甲村")); err != nil {
			t.Fatal(err)
		}
		first, bm := r.Seq(), r.Bookmark()
		if first != head(t, s) || bm == "" {
			t.Fatalf("receipt after a write: seq %d (head %d), bookmark %q", first, head(t, s), bm)
		}
		if _, err := s.CreateNode(ctx, org("org:a", "again")); err == nil {
			t.Fatal("a taken id was created")
		}
		if r.Seq() != first {
			t.Errorf("a refused write moved the receipt to %d", r.Seq())
		}
		if _, err := s.UpdateNode(ctx, "org:a", graph.NodeUpdate{NameEn: ptr("A")}); err != nil {
			t.Fatal(err)
		}
		if r.Seq() != first+1 || r.Bookmark() == "" {
			t.Errorf("receipt after a second write: seq %d, want %d", r.Seq(), first+1)
		}
		noErr(t, "WaitFor(its own bookmark)", s.WaitFor(bg, r.Bookmark()))
		noErr(t, "WaitFor(an earlier bookmark)", s.WaitFor(bg, bm))
		noErr(t, "WaitFor(no bookmark)", s.WaitFor(bg, ""))
		for _, bad := range []string{"nonsense", "m:x:1", "FB:not-a-bookmark"} {
			if err := s.WaitFor(bg, bad); !errors.Is(err, graph.ErrInvalid) {
				t.Errorf("WaitFor(%q) = %v; want ErrInvalid", bad, err)
			}
		}
	}},
	{"ConcurrentWriters", func(t *testing.T, s graph.Store) {
		orgs(t, s, "org:hub")
		start := head(t, s)
		const writers, each = 6, 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		seqs := map[int64]string{}
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("org:w%d-%d", w, i)
					ctx, r := graph.WithReceipt(bg)
					if _, err := s.Apply(ctx, graph.Batch{Nodes: []graph.Node{org(id, id)}, Edges: []graph.Edge{edge(graph.RelAdjacentTo, id, "org:hub")}}); err != nil {
						t.Errorf("Apply(%s) = %v", id, err)
						return
					}
					mu.Lock()
					if other, ok := seqs[r.Seq()]; ok {
						t.Errorf("%s and %s both got seq %d", id, other, r.Seq())
					}
					seqs[r.Seq()] = id
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		got, _ := changesAfter(t, s, start)
		if len(got) != writers*each {
			t.Fatalf("%d changes, want %d", len(got), writers*each)
		}
		for i, c := range got {
			if c.Seq != start+1+int64(i) {
				t.Fatalf("change %d has Seq %d: a gap or a repeat", i, c.Seq)
			}
			if id := seqs[c.Seq]; !slices.Contains(c.NodeIDs, id) {
				t.Errorf("change %d lists %v; its writer wrote %s", c.Seq, c.NodeIDs, id)
			}
		}
	}},
	{"FollowWhileWriting", func(t *testing.T, s graph.Store) {
		// A reader that follows the feed while writers write sees every
		// change once, in order, with no gap.
		orgs(t, s, "org:hub")
		start := head(t, s)
		const writers, each = 4, 10
		ctx, cancel := context.WithTimeout(bg, time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("org:f%d-%d", w, i)
					if _, err := s.CreateNode(ctx, org(id, id)); err != nil {
						t.Errorf("CreateNode(%s) = %v", id, err)
						return
					}
				}
			}()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		after, seen := start, 0
		for finished := false; ; {
			select {
			case <-done:
				finished = true
			default:
			}
			p, err := s.Changes(ctx, after, 4)
			if err != nil {
				t.Fatalf("Changes(%d) = %v", after, err)
			}
			for _, c := range p.Changes {
				if c.Seq != after+1 {
					t.Fatalf("after %d came %d", after, c.Seq)
				}
				after = c.Seq
				seen++
			}
			if finished && len(p.Changes) == 0 {
				break
			}
		}
		if seen != writers*each {
			t.Errorf("followed %d changes, want %d", seen, writers*each)
		}
	}},
}

// Retention checks a store that keeps keep changes (at least 2): after
// enough writes it drops the oldest, says so (ChangePage.Missed), still
// serves what it keeps, and never keeps fewer than keep.
func Retention(t *testing.T, s graph.Store, keep int) {
	t.Helper()
	n := int64(keep) + graph.TrimSlack(int64(keep)) + 2
	for i := range n {
		MustCreateNode(t, s, org(fmt.Sprintf("org:r%03d", i), "村"))
	}
	p, err := s.Changes(bg, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Head != n || p.Oldest <= 1 || p.Head-p.Oldest+1 < int64(keep) || p.Head-p.Oldest+1 > int64(keep)+graph.TrimSlack(int64(keep)) {
		t.Fatalf("after %d writes keeping %d: head %d, oldest %d", n, keep, p.Head, p.Oldest)
	}
	if !p.Missed(0) || len(p.Changes) != 0 {
		t.Errorf("a reader at 0 after the oldest were dropped: missed %v, %d changes; want missed and none", p.Missed(0), len(p.Changes))
	}
	got, _ := changesAfter(t, s, p.Oldest-1)
	if int64(len(got)) != p.Head-p.Oldest+1 || got[0].Seq != p.Oldest {
		t.Errorf("from the oldest kept (%d): %d changes, first %d", p.Oldest, len(got), got[0].Seq)
	}
	if p2, _ := s.Changes(bg, p.Oldest-1, 1); p2 == nil || p2.Missed(p.Oldest-1) {
		t.Errorf("a reader just before the oldest kept is told it missed changes")
	}
}

// topology is a snapshot reduced to what a lean one must hold.
func topology(snap *graph.Snapshot) (nodes, edges []string) {
	for _, n := range snap.Nodes {
		nodes = append(nodes, n.ID+" "+string(n.Label)+" "+n.Kind)
	}
	for _, e := range snap.Edges {
		edges = append(edges, e.From+" "+string(e.Type)+" "+e.To)
	}
	slices.Sort(edges)
	return nodes, edges
}

var leanSnapshotTests = []test{
	{"Topology", func(t *testing.T, s graph.Store) {
		f := Fixture(t, s)
		// An ended pairing: a dated lean snapshot leaves it out as the full one does.
		MustCreateEdge(t, s, graph.Edge{Type: graph.RelMentors, From: f.ShuHou, To: f.ShengDun, Since: "2001-01-01", Until: "2002-01-01"})
		for _, v := range []graph.View{{}, {AsOf: "2010-01-01"}} {
			full, err := s.Snapshot(bg, v)
			if err != nil {
				t.Fatal(err)
			}
			v.Lean = true
			lean, err := s.Snapshot(bg, v)
			if err != nil {
				t.Fatal(err)
			}
			fn, fe := topology(full)
			ln, le := topology(lean)
			if !reflect.DeepEqual(fn, ln) || !reflect.DeepEqual(fe, le) {
				t.Errorf("as of %q: lean snapshot's topology\n%v\n%v\nwant the full one's\n%v\n%v", v.AsOf, ln, le, fn, fe)
			}
		}
	}},
}
