package memory_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/storetest"
)

// TestSearchAfterWrites: Search reads its index (search.go) as the store
// is after each write: a new node, a renamed one and a deleted one are
// found, found by the new name only and no longer found.
func TestSearchAfterWrites(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "g.db"))
	storetest.Fixture(t, s)
	ids := func(text string) []string {
		t.Helper()
		ns, err := s.Search(ctx, graph.View{}, text, 20)
		if err != nil {
			t.Fatalf("Search(%q) = %v", text, err)
		}
		var out []string
		for _, n := range ns {
			out = append(out, n.ID)
		}
		return out
	}
	const id = "org:zz-test"
	steps := []struct {
		name  string
		write func() error
		text  string
		found bool
	}{
		{"before", func() error { return nil }, "qingshan", false},
		{"created", func() error {
			_, err := s.CreateNode(ctx, graph.NodeInput{ID: id, Label: graph.LabelOrganisation, Kind: "VILLAGE", Name: "青山村"})
			return err
		}, "qingshan", true},
		{"initials", func() error { return nil }, "qsc", true},
		{"renamed: old name", func() error {
			name := "绿水村"
			_, err := s.UpdateNode(ctx, id, graph.NodeUpdate{Name: &name})
			return err
		}, "qingshan", false},
		{"renamed: new name", func() error { return nil }, "lvshui", true},
		{"renamed: new initials", func() error { return nil }, "lsc", true},
		{"deleted", func() error { _, err := s.DeleteNode(ctx, id, true); return err }, "lvshui", false},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if got := slices.Contains(ids(st.text), id); got != st.found {
			t.Errorf("%s: Search(%q) finds %s: %v; want %v", st.name, st.text, id, got, st.found)
		}
	}
}
