package neo4j

import (
	"errors"
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// TestDecodeLean: lean maps decode to nodes and edges, the label following
// from the kind; a map whose id is null (the entity was deleted under the
// read) is errGone, which reads try again and which maps to UNAVAILABLE.
func TestDecodeLean(t *testing.T) {
	n, err := decodeNode(map[string]any{propID: "org:a", propKind: "VILLAGE", propName: "甲村", propNameEn: nil,
		propTier: int64(3), propSince: nil, propUntil: nil, propSource: "USER", graph.AttrAllianceType: nil})
	if err != nil || n.ID != "org:a" || n.Label != graph.LabelOrganisation || n.Tier != 3 || n.Provenance.Source != graph.SourceUser || n.Attrs != nil {
		t.Errorf("decodeNode(lean) = %+v, %v", n, err)
	}
	e, err := decodeRel(map[string]any{propID: "e1", propSince: "2016-10-01", propSource: "ARTICLE", graph.AttrRole: "lead",
		graph.AttrTitle: nil, leanTypeKey: "MEMBER_OF"}, "org:a", "alliance:b")
	if err != nil || e.Type != graph.RelMemberOf || e.Attrs[graph.AttrRole] != "lead" || len(e.Attrs) != 1 || e.Since != "2016-10-01" {
		t.Errorf("decodeRel(lean) = %+v, %v", e, err)
	}
	if _, err := decodeNode(map[string]any{propID: "org:a", propKind: "NOT_A_KIND"}); err == nil {
		t.Errorf("decodeNode of an unknown kind: no error")
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"node", func() error { _, err := decodeNode(map[string]any{propID: nil, propKind: nil}); return err }()},
		{"rel", func() error {
			_, err := decodeRel(map[string]any{propID: nil, leanTypeKey: "MENTORS"}, "a", "b")
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
