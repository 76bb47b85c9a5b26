package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql"
)

const factsQuery = `query($p: [Source!]!, $first: Int, $after: String, $asOf: Date) {
  facts(provenance: $p, first: $first, after: $after, asOf: $asOf) {
    nodes { kind id node { id __typename } edge { id type } attribute { key provenance { source } } provenance { source quote reasoning sourceDocument { id } } }
    edges { cursor }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`

type factsAnswer struct {
	Facts struct {
		Nodes []struct {
			Kind, ID string
			Node     *struct {
				ID       string
				Typename string `json:"__typename"`
			}
			Edge      *struct{ ID, Type string }
			Attribute *struct {
				Key        string
				Provenance struct{ Source string }
			}
			Provenance struct {
				Source, Quote, Reasoning string
				SourceDocument           *struct{ ID string }
			}
		}
		Edges    []struct{ Cursor string }
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			EndCursor                    string
		}
	}
}

// wantFacts lists, from a snapshot, the facts of level src as of a date: the
// network's nodes, then edges, then attributes with their own provenance
// (ID#key), each in id order.
func wantFacts(t *testing.T, s graph.Store, v graph.View, src graph.Source) (ids []string, labels map[string]bool) {
	t.Helper()
	snap, err := s.Snapshot(context.Background(), v)
	if err != nil {
		t.Fatal(err)
	}
	labels = map[string]bool{}
	var attrs []string
	for _, n := range snap.Nodes {
		if graph.IsRecord(n.Label) {
			continue
		}
		if n.Provenance.Source == src {
			ids = append(ids, n.ID)
			labels[string(n.Label)] = true
		}
		for k, p := range n.AttrProvenance {
			if p.Source == src {
				attrs = append(attrs, n.ID+"\x00"+k)
			}
		}
	}
	for _, e := range snap.Edges {
		if e.Provenance.Source == src {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(attrs)
	for _, a := range attrs {
		n, k, _ := strings.Cut(a, "\x00")
		ids = append(ids, n+"#"+k)
	}
	return ids, labels
}

// TestFacts: one query lists every fact of a provenance level across labels
// (nodes of every label, edges, attributes with their own provenance), a
// page at a time, the same whatever the page size; on both stores.
func TestFacts(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		for _, c := range []struct {
			src  graph.Source
			asOf string
		}{{graph.SourceIllustrative, ""}, {graph.SourceInferred, ""}, {graph.SourceArticle, ""}, {graph.SourceIllustrative, "2016-09-01"}} {
			t.Run(string(c.src)+c.asOf, func(t *testing.T) {
				v := graph.View{AsOf: c.asOf}
				if c.asOf == "" {
					v.AsOf = graph.Today()
				}
				want, labels := wantFacts(t, h.store, v, c.src)
				if len(want) == 0 {
					t.Fatalf("the seed has no %s fact", c.src)
				}
				vars := map[string]any{"p": []string{string(c.src)}, "first": 500}
				if c.asOf != "" {
					vars["asOf"] = c.asOf
				}
				var all factsAnswer
				h.in(t).ok(factsQuery, vars, &all)
				var got []string
				kinds := map[string]int{}
				for _, f := range all.Facts.Nodes {
					got = append(got, f.ID)
					kinds[f.Kind]++
					if f.Provenance.Source != string(c.src) {
						t.Errorf("%s: provenance %s", f.ID, f.Provenance.Source)
					}
					switch f.Kind {
					case "NODE":
						if f.Node == nil || f.Node.ID != f.ID {
							t.Errorf("%s: node %+v", f.ID, f.Node)
						}
					case "EDGE":
						if f.Edge == nil || f.Edge.ID != f.ID {
							t.Errorf("%s: edge %+v", f.ID, f.Edge)
						}
					case "ATTRIBUTE":
						if f.Attribute == nil || f.Node == nil || f.ID != f.Node.ID+"#"+f.Attribute.Key || f.Attribute.Provenance.Source != string(c.src) {
							t.Errorf("%s: attribute %+v of %+v", f.ID, f.Attribute, f.Node)
						}
					}
					if c.src.Quoted() && (f.Provenance.Quote == "" || f.Provenance.SourceDocument == nil) {
						t.Errorf("%s: a %s fact without its quote and source: %+v", f.ID, c.src, f.Provenance)
					}
					if c.src == graph.SourceInferred && f.Provenance.Reasoning == "" {
						t.Errorf("%s: an inferred fact without its reasoning", f.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("facts = %v\nwant %v", got, want)
				}
				if all.Facts.PageInfo.HasNextPage || all.Facts.PageInfo.HasPreviousPage {
					t.Errorf("one page of all: %+v", all.Facts.PageInfo)
				}
				t.Logf("%s %s: %v over labels %v", c.src, c.asOf, kinds, labels)
				if c.src == graph.SourceIllustrative && c.asOf == "" && (len(labels) < 2 || kinds["EDGE"] == 0 || kinds["ATTRIBUTE"] == 0) {
					t.Errorf("illustrative facts %v over labels %v; want nodes of several labels, edges and attributes", kinds, labels)
				}
				// Pages of 3 (and of 1): the same facts, in the same order.
				for _, size := range []int{3, 1} {
					var paged []string
					after := ""
					for pages := 0; ; pages++ {
						if pages > len(want)+1 {
							t.Fatalf("pages of %d do not end", size)
						}
						vars := map[string]any{"p": []string{string(c.src)}, "first": size}
						if c.asOf != "" {
							vars["asOf"] = c.asOf
						}
						if after != "" {
							vars["after"] = after
						}
						var p factsAnswer
						h.in(t).ok(factsQuery, vars, &p)
						if len(p.Facts.Nodes) > size || p.Facts.PageInfo.HasPreviousPage != (after != "") {
							t.Fatalf("page of %d after %q: %d facts, %+v", size, after, len(p.Facts.Nodes), p.Facts.PageInfo)
						}
						for _, f := range p.Facts.Nodes {
							paged = append(paged, f.ID)
						}
						if !p.Facts.PageInfo.HasNextPage {
							break
						}
						after = p.Facts.PageInfo.EndCursor
					}
					if !slices.Equal(paged, want) {
						t.Errorf("pages of %d: %v\nwant %v", size, paged, want)
					}
				}
			})
		}

		t.Run("bounded", func(t *testing.T) {
			r := h.in(t).do(factsQuery, map[string]any{"p": []string{"ILLUSTRATIVE"}, "first": 20}, gql.RoundTripsHeader, "1")
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if n, _ := r.Extensions["roundTrips"].(float64); n < 1 || n > 8 {
				t.Errorf("a page of facts took %v round trips", r.Extensions["roundTrips"])
			}
			for _, c := range []struct {
				name string
				vars map[string]any
			}{
				{"no level", map[string]any{"p": []string{}}},
				{"first too large", map[string]any{"p": []string{"ILLUSTRATIVE"}, "first": 501}},
				{"a cursor of organisations", map[string]any{"p": []string{"ILLUSTRATIVE"}, "after": graph.EncodeCursor("org:shengdun-village")}},
				{"not a cursor", map[string]any{"p": []string{"ILLUSTRATIVE"}, "after": "!!"}},
			} {
				if r := h.in(t).do(factsQuery, c.vars); r.code() != gql.CodeBadUserInput {
					t.Errorf("%s: %s %+v; want BAD_USER_INPUT", c.name, r.code(), r.Errors)
				}
			}
		})
	})
}
