package graph

import "testing"

// TestKindsDisjoint: no kind belongs to two labels, so LabelOfKind is
// well defined (lean reads on Neo4j take a node's label from its kind).
func TestKindsDisjoint(t *testing.T) {
	seen := map[string]Label{}
	for _, l := range Labels {
		if len(Kinds[l]) == 0 {
			t.Errorf("label %s has no kinds", l)
		}
		for _, k := range Kinds[l] {
			if other, ok := seen[k]; ok {
				t.Errorf("kind %s belongs to %s and %s", k, other, l)
			}
			seen[k] = l
			if got, ok := LabelOfKind(k); !ok || got != l {
				t.Errorf("LabelOfKind(%q) = %q, %v; want %s", k, got, ok, l)
			}
		}
	}
	if _, ok := LabelOfKind("NOT_A_KIND"); ok {
		t.Errorf("LabelOfKind of an unknown kind answered")
	}
}
