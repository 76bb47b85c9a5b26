package interchange_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
)

// fixture is the Yuelin network plus items that exercise what a file
// format can get wrong: every attribute type, whole floats, big integers,
// empty strings, text with commas, quotes, new lines and markup, a key with
// values of two types, USER items with a ref, dates.
func fixture() graph.Batch {
	b := seed.Yuelin()
	user := func(ref string) graph.Provenance { return graph.Provenance{Source: graph.SourceUser, Ref: ref} }
	b.Nodes = append(b.Nodes,
		graph.Node{ID: "org:fixture-enterprise", Label: graph.LabelOrganisation, Kind: "ENTERPRISE",
			Name: "奉化“测试”企业, 有限公司", NameEn: `Fenghua "Test" Co., Ltd. <&>`, Since: "2015-03-01", Until: "2030-12-31",
			Attrs: map[string]any{
				"employees": int64(120), "revenue": 3.0, "ratio": 0.125, "listed": true, "closed": false,
				"note": "line one\nline two, with a comma\tand a tab", "empty": "", "big": int64(1) << 40,
				"negative": int64(-7), "tiny": 1e-9, "code": "A-17",
			},
			Provenance: graph.Provenance{Source: graph.SourceUser, Quote: "entered by hand; \"quoted\"", Ref: "crm.csv"}},
		graph.Node{ID: "org:fixture-workshop", Label: graph.LabelOrganisation, Kind: "WORKSHOP", Name: "测试工作室",
			Attrs:      map[string]any{"code": int64(17)}, // a string code elsewhere: types clash
			Provenance: user("crm.csv")},
		graph.Node{ID: "person:fixture", Label: graph.LabelPerson, Kind: "PERSON", Name: "张三", Provenance: user("people.json")},
		graph.Node{ID: "zone:fixture-grid", Label: graph.LabelZone, Kind: "GRID", Name: "第1网格", Tier: 0, Provenance: user("grids.graphml")},
	)
	b.Edges = append(b.Edges,
		graph.Edge{ID: "post:fixture", Type: graph.RelHoldsPost, From: "person:fixture", To: "org:fixture-enterprise",
			Since: "2020-01-01", Until: "2024-06-30", Attrs: map[string]any{"title": "董事长, 党支部书记", "weight": 2.0, "primary": true},
			Provenance: user("people.json")},
		graph.Edge{ID: graph.EdgeID(graph.RelHostedAt, "org:fixture-workshop", seed.ServiceCentreID), Type: graph.RelHostedAt,
			From: "org:fixture-workshop", To: seed.ServiceCentreID, Attrs: map[string]any{"room": int64(3)}, Provenance: user("crm.csv")},
		graph.Edge{ID: "hosted:fixture-2", Type: graph.RelHostedAt, From: "org:fixture-enterprise", To: seed.ServiceCentreID,
			Attrs: map[string]any{"room": "B2"}, Provenance: user("crm.csv")}, // room: int and string
		graph.Edge{ID: "resp:fixture", Type: graph.RelResponsibleFor, From: "person:fixture", To: "zone:fixture-grid", Provenance: user("grids.graphml")},
	)
	return b
}

// mustApply writes b to s.
func mustApply(tb testing.TB, s graph.Store, b graph.Batch) {
	tb.Helper()
	if _, err := s.Apply(context.Background(), b); err != nil {
		tb.Fatalf("Apply: %v", err)
	}
}

func mustSnapshot(tb testing.TB, s graph.Store) *graph.Snapshot {
	tb.Helper()
	snap, err := s.Snapshot(context.Background(), graph.View{})
	if err != nil {
		tb.Fatalf("Snapshot: %v", err)
	}
	return snap
}

// diffSnapshots describes how two snapshots differ (at most a few items), or
// returns "".
func diffSnapshots(got, want *graph.Snapshot) string {
	var out []string
	gn, wn := map[string]*graph.Node{}, map[string]*graph.Node{}
	for _, n := range got.Nodes {
		gn[n.ID] = n
	}
	for _, n := range want.Nodes {
		wn[n.ID] = n
	}
	for id, w := range wn {
		g, ok := gn[id]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("node %s missing", id))
		case !reflect.DeepEqual(g, w):
			out = append(out, fmt.Sprintf("node %s:\n  got  %#v\n  want %#v", id, *g, *w))
		}
	}
	for id := range gn {
		if wn[id] == nil {
			out = append(out, fmt.Sprintf("node %s unexpected", id))
		}
	}
	ge, we := map[string]*graph.Edge{}, map[string]*graph.Edge{}
	for _, e := range got.Edges {
		ge[e.ID] = e
	}
	for _, e := range want.Edges {
		we[e.ID] = e
	}
	for id, w := range we {
		g, ok := ge[id]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("edge %s missing", id))
		case !reflect.DeepEqual(g, w):
			out = append(out, fmt.Sprintf("edge %s:\n  got  %#v\n  want %#v", id, *g, *w))
		}
	}
	for id := range ge {
		if we[id] == nil {
			out = append(out, fmt.Sprintf("edge %s unexpected", id))
		}
	}
	if len(out) == 0 && !reflect.DeepEqual(got, want) {
		out = append(out, "same items, different order")
	}
	sort.Strings(out)
	if len(out) > 8 {
		out = append(out[:8], fmt.Sprintf("… and %d more", len(out)-8))
	}
	s := ""
	for _, o := range out {
		s += o + "\n"
	}
	return s
}
