package server_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server/gql"
)

// refItem is one entry of extensions.missing or extensions.ambiguous.
type refItem struct {
	Field       string `json:"field"`
	Ref         string `json:"ref"`
	Suggestions []struct {
		ID, Name, Label string
	} `json:"suggestions"`
	Candidates []struct {
		ID, Name, Label string
	} `json:"candidates"`
}

// refItems decodes extensions[key] of the first error.
func refItems(t *testing.T, r gqlResponse, key string) []refItem {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("no error; want extensions.%s", key)
	}
	b, _ := json.Marshal(r.Errors[0].Extensions[key])
	var out []refItem
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("extensions.%s: %v: %s", key, err, b)
	}
	return out
}

func suggestedIDs(it refItem) []string {
	var out []string
	for _, s := range it.Suggestions {
		out = append(out, s.ID)
	}
	return out
}

// TestFindByName: every argument that names a node takes its id or its
// name; a name two nodes bear is BAD_USER_INPUT listing both; NOT_FOUND
// names every argument that names nothing, with close matches by name and
// pinyin; node(id:) is null for nothing; by id a request costs the round
// trips it did. On both stores.
func TestFindByName(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)

		t.Run("shortestPath by names", func(t *testing.T) {
			var byName, byID struct {
				ShortestPath struct {
					Length int
					Nodes  []struct{ ID, Label string }
				}
			}
			h.in(t).ok(`{ shortestPath(from: "圣墩村", to: "岳林街道党工委") { length nodes { id label } } }`, nil, &byName)
			h.in(t).ok(`{ shortestPath(from: "org:shengdun-village", to: "org:yuelin-party-working-committee") { length nodes { id label } } }`, nil, &byID)
			if byName.ShortestPath.Length == 0 || !slices.Equal(idsOf(byName.ShortestPath.Nodes), idsOf(byID.ShortestPath.Nodes)) {
				t.Errorf("by names %+v; by ids %+v", byName.ShortestPath, byID.ShortestPath)
			}
			// English names and another case are names too.
			h.in(t).ok(`{ shortestPath(from: "shengdun village", to: "Yuelin Subdistrict Party Working Committee") { length } }`, nil, &byName)
			if byName.ShortestPath.Length != byID.ShortestPath.Length {
				t.Errorf("by English names: length %d; want %d", byName.ShortestPath.Length, byID.ShortestPath.Length)
			}
		})

		t.Run("NOT_FOUND names every missing argument with suggestions", func(t *testing.T) {
			r := h.in(t).do(`{ shortestPath(from: "圣墩x", to: "岳林街道党委") { length } }`, nil)
			if r.code() != gql.CodeNotFound {
				t.Fatalf("code %q (%+v); want NOT_FOUND", r.code(), r.Errors)
			}
			missing := refItems(t, r, "missing")
			if len(missing) != 2 || missing[0].Field != "from" || missing[1].Field != "to" {
				t.Fatalf("missing %+v; want from and to", missing)
			}
			if got := suggestedIDs(missing[0]); len(got) == 0 || got[0] != seed.ShengdunVillageID {
				t.Errorf("suggestions for 圣墩x: %v; want %s first", got, seed.ShengdunVillageID)
			}
			if got := suggestedIDs(missing[1]); len(got) == 0 || got[0] != seed.StreetCommitteeID {
				t.Errorf("suggestions for 岳林街道党委: %v; want %s first", got, seed.StreetCommitteeID)
			}
			for _, s := range []string{`"圣墩x"`, `"岳林街道党委"`, "圣墩村 (org:shengdun-village)", "岳林街道党工委 (org:yuelin-party-working-committee)"} {
				if !strings.Contains(r.message(), s) {
					t.Errorf("message %q does not say %s", r.message(), s)
				}
			}
			// Two ids that do not exist: both named (the store's own error
			// named the first).
			r = h.in(t).do(`{ shortestPath(from: "org:no-such-a", to: "org:no-such-b") { length } }`, nil)
			if missing := refItems(t, r, "missing"); r.code() != gql.CodeNotFound || len(missing) != 2 {
				t.Errorf("two missing ids: %s %+v", r.code(), missing)
			}
		})

		t.Run("suggestions by pinyin", func(t *testing.T) {
			// 茅家村 for 毛家村 (the same pinyin, máo/máo), 圣敦村 for 圣墩村.
			for ref, want := range map[string]string{"茅家村": "org:maojia-village", "圣敦村": seed.ShengdunVillageID, "shengdun cun": seed.ShengdunVillageID} {
				r := h.in(t).do(`query($id: ID!) { organisation(id: $id) { id } }`, map[string]any{"id": ref})
				missing := refItems(t, r, "missing")
				if r.code() != gql.CodeNotFound || len(missing) != 1 || !slices.Contains(suggestedIDs(missing[0]), want) {
					t.Errorf("organisation(id: %q): %s %+v; want NOT_FOUND suggesting %s", ref, r.code(), missing, want)
				}
			}
		})

		t.Run("node(id:) is null for nothing, finds a name", func(t *testing.T) {
			var d struct {
				Missing, Named *struct{ ID string }
			}
			h.in(t).ok(`{ missing: node(id: "org:no-such-node") { id } named: node(id: "舒家区域党建联合体") { id } }`, nil, &d)
			if d.Missing != nil || d.Named == nil || d.Named.ID != seed.ShujiaAllianceID {
				t.Errorf("node(id:) = %+v, %+v; want null and %s", d.Missing, d.Named, seed.ShujiaAllianceID)
			}
		})

		t.Run("a typed field finds names of its type only", func(t *testing.T) {
			r := h.in(t).do(`{ organisation(id: "舒家区域党建联合体") { id } }`, nil)
			missing := refItems(t, r, "missing")
			if r.code() != gql.CodeNotFound || len(missing) != 1 || !slices.Contains(suggestedIDs(missing[0]), seed.ShujiaAllianceID) {
				t.Errorf("organisation(id: an alliance's name): %s %+v", r.code(), missing)
			}
			var d struct{ Alliance struct{ ID string } }
			h.in(t).ok(`{ alliance(id: "舒家区域党建联合体") { id } }`, nil, &d)
			if d.Alliance.ID != seed.ShujiaAllianceID {
				t.Errorf("alliance by name: %+v", d)
			}
		})

		t.Run("filter allianceId", func(t *testing.T) {
			var byName, byID struct {
				Organisations struct{ Nodes []struct{ ID string } }
			}
			h.in(t).ok(`{ organisations(filter: {allianceId: "舒家区域党建联合体"}) { nodes { id } } }`, nil, &byName)
			h.in(t).ok(`{ organisations(filter: {allianceId: "alliance:shujia"}) { nodes { id } } }`, nil, &byID)
			if len(byID.Organisations.Nodes) == 0 || !slices.Equal(idsOf(byName.Organisations.Nodes), idsOf(byID.Organisations.Nodes)) {
				t.Errorf("members by name %v, by id %v", byName.Organisations.Nodes, byID.Organisations.Nodes)
			}
			r := h.in(t).do(`{ organisations(filter: {allianceId: "舒家联合体"}) { nodes { id } } }`, nil)
			if missing := refItems(t, r, "missing"); r.code() != gql.CodeNotFound || missing[0].Field != "filter.allianceId" {
				t.Errorf("unknown alliance: %s %+v", r.code(), missing)
			}
		})

		t.Run("children of a parent named by name", func(t *testing.T) {
			var byName, byID struct {
				Children struct {
					TotalCount int
					Nodes      []struct{ Node struct{ ID string } }
				}
			}
			h.in(t).ok(`{ children(parentId: "岳林街道党工委") { totalCount nodes { node { id } } } }`, nil, &byName)
			h.in(t).ok(`{ children(parentId: "org:yuelin-party-working-committee") { totalCount nodes { node { id } } } }`, nil, &byID)
			if byID.Children.TotalCount == 0 || byName.Children.TotalCount != byID.Children.TotalCount {
				t.Errorf("children by name: %d; by id: %d", byName.Children.TotalCount, byID.Children.TotalCount)
			}
			r := h.in(t).do(`{ children(parentId: "岳林街道党委") { totalCount } }`, nil)
			if missing := refItems(t, r, "missing"); r.code() != gql.CodeNotFound || missing[0].Field != "parentId" || suggestedIDs(missing[0])[0] != seed.StreetCommitteeID {
				t.Errorf("children of an unknown name: %s %+v", r.code(), missing)
			}
		})

		t.Run("mutations by name", func(t *testing.T) {
			var d struct {
				CreatePairing struct {
					ID     string
					Mentor struct{ ID string }
					Mentee struct{ ID string }
				}
			}
			h.in(t).ok(`mutation { createPairing(mentorId: "新鲍村", menteeId: "毛家村") { id mentor { id } mentee { id } } }`, nil, &d)
			if d.CreatePairing.Mentor.ID != "org:xinbao-village" || d.CreatePairing.Mentee.ID != "org:maojia-village" {
				t.Errorf("createPairing by names: %+v", d.CreatePairing)
			}
			var m struct {
				AddMember struct {
					Members []struct{ Organisation struct{ ID string } }
				}
			}
			h.in(t).ok(`mutation { addMember(allianceId: "舒家区域党建联合体", organisationId: "毛家村") { members { organisation { id } } } }`, nil, &m)
			found := false
			for _, x := range m.AddMember.Members {
				found = found || x.Organisation.ID == "org:maojia-village"
			}
			if !found {
				t.Errorf("addMember by names: %+v", m)
			}
			r := h.in(t).do(`mutation { link(input: {type: ADJACENT_TO, source: "毛家村x", target: "新鲍村y"}) { id } }`, nil)
			if missing := refItems(t, r, "missing"); r.code() != gql.CodeNotFound || len(missing) != 2 {
				t.Errorf("link between two unknown names: %s %+v", r.code(), missing)
			}
		})

		t.Run("an ambiguous name is BAD_USER_INPUT listing the candidates", func(t *testing.T) {
			var c struct{ CreateOrganisation struct{ ID string } }
			h.in(t).ok(`mutation { createOrganisation(input: {name: "圣墩村", kind: VILLAGE, parentId: "岳林街道党工委"}) { id } }`, nil, &c)
			r := h.in(t).do(`{ shortestPath(from: "圣墩村", to: "岳林街道党工委") { length } }`, nil)
			if r.code() != gql.CodeBadUserInput || r.Errors[0].Extensions["field"] != "from" {
				t.Fatalf("%s %+v; want BAD_USER_INPUT on from", r.code(), r.Errors)
			}
			amb := refItems(t, r, "ambiguous")
			var ids []string
			for _, x := range amb[0].Candidates {
				ids = append(ids, x.ID)
			}
			slices.Sort(ids)
			want := []string{c.CreateOrganisation.ID, seed.ShengdunVillageID}
			slices.Sort(want)
			if len(amb) != 1 || !slices.Equal(ids, want) {
				t.Errorf("candidates %+v; want %v", amb, want)
			}
			// node(id:) too: ambiguous is an error, not null.
			if r := h.in(t).do(`{ node(id: "圣墩村") { id } }`, nil); r.code() != gql.CodeBadUserInput {
				t.Errorf("node(id: ambiguous): %s", r.code())
			}
			// The id still works.
			var d struct{ Node struct{ ID string } }
			h.in(t).ok(`{ node(id: "org:shengdun-village") { id } }`, nil, &d)
			if d.Node.ID != seed.ShengdunVillageID {
				t.Errorf("by id: %+v", d)
			}
		})
	})
}

func idsOf[T any](xs []T) []string {
	var out []string
	for _, x := range xs {
		b, _ := json.Marshal(x)
		var v struct{ ID string }
		_ = json.Unmarshal(b, &v)
		out = append(out, v.ID)
	}
	return out
}
