package neo4j

import (
	"errors"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// leanList returns the lean list of a node or relationship with the
// given properties (the others null), as project's statements return it.
func leanList(keys []string, props map[string]any, typ ...any) []any {
	l := make([]any, len(keys), len(keys)+1)
	for i, k := range keys {
		l[i] = props[k]
	}
	return append(l, typ...)
}

// TestDecodeLean: lean lists decode to nodes and edges, the label following
// from the kind; a list whose id is null (the entity was deleted under the
// read) is errGone, which reads try again and which maps to UNAVAILABLE.
func TestDecodeLean(t *testing.T) {
	n, err := decodeNode(leanList(leanNodeKeys, map[string]any{propID: "org:a", propKind: "VILLAGE", propName: "甲村",
		propTier: int64(3), propSource: "USER"}))
	if err != nil || n.ID != "org:a" || n.Label != graph.LabelOrganisation || n.Tier != 3 || n.Name != "甲村" ||
		n.Provenance.Source != graph.SourceUser || n.Attrs != nil {
		t.Errorf("decodeNode(lean) = %+v, %v", n, err)
	}
	a, err := decodeNode(leanList(leanNodeKeys, map[string]any{propID: "alliance:a", propKind: "REGIONAL_ALLIANCE", propName: "联盟",
		graph.AttrAllianceType: "INDUSTRY_LINK"}))
	if err != nil || a.Label != graph.LabelAlliance || a.Attrs[graph.AttrAllianceType] != "INDUSTRY_LINK" || len(a.Attrs) != 1 {
		t.Errorf("decodeNode(lean alliance) = %+v, %v", a, err)
	}
	e, err := decodeRel(leanList(leanRelKeys, map[string]any{propID: "e1", propSince: "2016-10-01", propSource: "ARTICLE",
		graph.AttrRole: "lead"}, "MEMBER_OF"), "org:a", "alliance:b")
	if err != nil || e.Type != graph.RelMemberOf || e.Attrs[graph.AttrRole] != "lead" || len(e.Attrs) != 1 || e.Since != "2016-10-01" ||
		e.From != "org:a" || e.To != "alliance:b" {
		t.Errorf("decodeRel(lean) = %+v, %v", e, err)
	}
	if _, err := decodeNode(leanList(leanNodeKeys, map[string]any{propID: "org:a", propKind: "NOT_A_KIND"})); err == nil {
		t.Errorf("decodeNode of an unknown kind: no error")
	}
	if _, err := decodeNode([]any{"org:a", "VILLAGE"}); err == nil {
		t.Errorf("decodeNode of a short list: no error")
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"node", func() error { _, err := decodeNode(leanList(leanNodeKeys, nil)); return err }()},
		{"rel", func() error {
			_, err := decodeRel(leanList(leanRelKeys, nil, "MENTORS"), "a", "b")
			return err
		}()},
	} {
		if !errors.Is(tc.err, errGone) || !entityGone(tc.err) {
			t.Errorf("%s: %v; want errGone, retried", tc.name, tc.err)
		}
		if c := graph.ErrorCode(mapErr("subtree", tc.err)); c != graph.CodeUnavailable {
			t.Errorf("%s: mapped to %s; want %s", tc.name, c, graph.CodeUnavailable)
		}
	}
}
