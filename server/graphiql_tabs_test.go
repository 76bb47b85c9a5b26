package server_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/examples"
	"github.com/orgnet/orgnet/web"
)

// graphiqlTabs are the example tabs built into the GraphiQL page after the
// served examples.json (web/graphiql/src/tabs.json).
func graphiqlTabs(t *testing.T) []examples.Example {
	t.Helper()
	var tabs []examples.Example
	if err := json.Unmarshal(web.GraphiQLTabs(), &tabs); err != nil {
		t.Fatalf("web/graphiql/src/tabs.json: %v", err)
	}
	return tabs
}

func tab(t *testing.T, tabs []examples.Example, name string) examples.Example {
	t.Helper()
	for _, e := range tabs {
		if strings.Contains(e.Name, name) {
			return e
		}
	}
	t.Fatalf("no GraphiQL tab named like %q", name)
	return examples.Example{}
}

// TestGraphiQLTabs runs every tab built into the GraphiQL page on both
// stores: each answers its question without errors, and both stores answer
// byte for byte the same.
func TestGraphiQLTabs(t *testing.T) {
	tabs := graphiqlTabs(t)
	if len(tabs) < 3 {
		t.Fatalf("%d GraphiQL tabs; want as-of and history, centrality and communities, a simulation, find by name, facts", len(tabs))
	}
	answers := map[string]map[string]json.RawMessage{} // store → tab → data
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		got := map[string]json.RawMessage{}
		for _, e := range tabs {
			r := h.do(e.Query, e.Variables)
			if len(r.Errors) > 0 {
				t.Errorf("tab %q failed: %+v", e.Name, r.Errors)
				continue
			}
			got[e.Name] = r.Data
		}
		answers[name] = got

		t.Run("AsOfAndHistory", func(t *testing.T) {
			var d struct {
				Before, After struct {
					Alliances []struct {
						Alliance struct{ Name string }
					}
				}
				History []struct {
					Kind string
					Edge *struct{ Type, Target string }
				}
				Changes []struct{ Kind string }
			}
			decode(t, got, tab(t, tabs, "As of").Name, &d)
			if len(d.Before.Alliances) != 0 || len(d.After.Alliances) != 1 || d.After.Alliances[0].Alliance.Name != "舒家区域党建联合体" {
				t.Errorf("圣墩村's alliances before %v and after %v; want none, then 舒家区域党建联合体", d.Before.Alliances, d.After.Alliances)
			}
			joined := false
			for _, ev := range d.History {
				joined = joined || (ev.Kind == "BEGAN" && ev.Edge != nil && ev.Edge.Type == "MEMBER_OF" && ev.Edge.Target == "alliance:shujia")
			}
			if !joined || len(d.Changes) == 0 {
				t.Errorf("history %+v, %d changes; want 圣墩村 joining 舒家 and the changes of 2016", d.History, len(d.Changes))
			}
		})
		t.Run("CentralityAndCommunities", func(t *testing.T) {
			var d struct {
				Betweenness []struct {
					Rank int
					Node struct{ Name string }
				}
				Villages    []struct{ Rank int }
				Communities struct {
					Modularity  float64
					Communities []struct{ Size int }
				}
			}
			decode(t, got, tab(t, tabs, "Centrality").Name, &d)
			if len(d.Betweenness) != 5 || d.Betweenness[0].Node.Name != "岳林街道党工委" || len(d.Villages) != 5 {
				t.Errorf("betweenness %+v, %d villages; want 岳林街道党工委 first of 5, and 5 villages", d.Betweenness, len(d.Villages))
			}
			if d.Communities.Modularity <= 0 || len(d.Communities.Communities) < 2 {
				t.Errorf("communities: modularity %v, %d communities", d.Communities.Modularity, len(d.Communities.Communities))
			}
		})
		t.Run("Simulation", func(t *testing.T) {
			var d struct {
				SimulateAlliances struct {
					Alliances []struct {
						Members []struct{ Name string }
					}
					Pairings   []struct{ Mentor, Mentee struct{ Name string } }
					Comparison []struct{ Label string }
				}
			}
			decode(t, got, tab(t, tabs, "simulate").Name, &d)
			s := d.SimulateAlliances
			if len(s.Alliances) != 4 || len(s.Pairings) == 0 || len(s.Comparison) == 0 {
				t.Errorf("simulation: %d alliances, %d pairings, %d metrics; want 4 alliances with pairings and metrics", len(s.Alliances), len(s.Pairings), len(s.Comparison))
			}
			for _, a := range s.Alliances {
				if len(a.Members) < 3 {
					t.Errorf("planned alliance with %d members; the tab asks for at least 3", len(a.Members))
				}
			}
		})
		t.Run("FindByName", func(t *testing.T) {
			var d struct {
				ShortestPath struct {
					Length int
					Nodes  []struct{ ID string }
				}
				Members struct{ Nodes []struct{ ID string } }
				Village *struct{ ID string }
				Nobody  *struct{ ID string }
			}
			decode(t, got, tab(t, tabs, "Find by name").Name, &d)
			p := d.ShortestPath
			if p.Length == 0 || p.Nodes[0].ID != "org:shengdun-village" || p.Nodes[len(p.Nodes)-1].ID != "org:yuelin-party-working-committee" {
				t.Errorf("shortestPath by names: %+v", p)
			}
			if len(d.Members.Nodes) != 4 || d.Village == nil || d.Village.ID != "org:shengdun-village" || d.Nobody != nil {
				t.Errorf("members %+v, village %+v, nobody %+v; want 舒家's 4 members, 圣墩村, null", d.Members.Nodes, d.Village, d.Nobody)
			}
		})
		t.Run("IllustrativeFacts", func(t *testing.T) {
			var d struct {
				Facts struct {
					Nodes []struct {
						Kind string
						Node *struct {
							Typename string `json:"__typename"`
						}
						Provenance struct{ Source string }
					}
				}
			}
			decode(t, got, tab(t, tabs, "Illustrative facts").Name, &d)
			kinds, types := map[string]bool{}, map[string]bool{}
			for _, f := range d.Facts.Nodes {
				kinds[f.Kind] = true
				if f.Kind == "NODE" {
					types[f.Node.Typename] = true
				}
				if f.Provenance.Source != "ILLUSTRATIVE" {
					t.Errorf("a %s fact in the illustrative list", f.Provenance.Source)
				}
			}
			if len(d.Facts.Nodes) != 100 || !types["Alliance"] || !types["Organisation"] || !kinds["EDGE"] {
				t.Errorf("%d facts, kinds %v, node types %v; want a full page with alliances, organisations and edges", len(d.Facts.Nodes), kinds, types)
			}
		})
	})
	mem, neo := answers["memory"], answers["neo4j"]
	if mem == nil || neo == nil {
		return // a store was skipped (no Neo4j outside CI)
	}
	for _, e := range tabs {
		if a, b := mem[e.Name], neo[e.Name]; a != nil && b != nil && !bytes.Equal(a, b) {
			t.Errorf("tab %q: answers differ\nmemory: %s\nneo4j:  %s", e.Name, a, b)
		}
	}
}

func decode(t *testing.T, answers map[string]json.RawMessage, name string, out any) {
	t.Helper()
	data, ok := answers[name]
	if !ok {
		t.Fatalf("tab %q gave no answer", name)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("tab %q: %v: %s", name, err, data)
	}
}
