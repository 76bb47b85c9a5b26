package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

// refIndex turns what a planner types (an id, a Chinese or English name)
// into ids: units, alliances and organisations.
type refIndex struct {
	units, alliances, orgs map[string][]string // id or name → ids
}

func newRefIndex() *refIndex {
	return &refIndex{units: map[string][]string{}, alliances: map[string][]string{}, orgs: map[string][]string{}}
}

func addRef(m map[string][]string, id string, names ...string) {
	m[id] = []string{id}
	for _, n := range names {
		if n != "" && n != id && !slices.Contains(m[n], id) {
			m[n] = append(m[n], id)
		}
	}
}

// snapshotRefs indexes the live organisations and alliances of snap, and
// its units (villages and communities).
func snapshotRefs(snap *graph.Snapshot) *refIndex {
	r := newRefIndex()
	for _, n := range snap.Nodes {
		if n == nil || n.Until != "" {
			continue
		}
		switch n.Label {
		case graph.LabelOrganisation:
			addRef(r.orgs, n.ID, n.Name, n.NameEn)
			if slices.Contains(plan.DefaultUnitKinds, n.Kind) {
				addRef(r.units, n.ID, n.Name, n.NameEn)
			}
		case graph.LabelAlliance:
			addRef(r.alliances, n.ID, n.Name, n.NameEn)
		}
	}
	return r
}

// problemRefs indexes the units and alliances of a planning problem.
func problemRefs(p *plan.Problem) *refIndex {
	r := newRefIndex()
	for _, u := range p.Units {
		addRef(r.units, u.ID, u.Name, u.NameEn)
	}
	for _, a := range p.Alliances {
		addRef(r.alliances, a.ID, a.Name, a.NameEn)
	}
	return r
}

func resolve(m map[string][]string, ref, what, flag string) (string, error) {
	ids := m[ref]
	switch {
	case ref == "":
		return "", nil
	case len(ids) == 1:
		return ids[0], nil
	case len(ids) > 1:
		return "", fmt.Errorf("%s %q: %d %s are called that (%s); give the id", flag, ref, len(ids), what, strings.Join(ids, ", "))
	}
	return ref, nil // unknown: the planner refuses it by name
}

func (r *refIndex) unit(ref, flag string) (string, error) {
	return resolve(r.units, ref, "villages or communities", flag)
}

func (r *refIndex) alliance(ref, flag string) (string, error) {
	return resolve(r.alliances, ref, "alliances", flag)
}

func (r *refIndex) org(ref string) (string, error) {
	return resolve(r.orgs, ref, "organisations", "--within")
}

// readGrouping reads a grouping file: CSV rows of unit,alliance (a header
// row of unit/单位/id is skipped), or JSON: {"KEY": [units]}, or a plan as
// --out writes it. Units and current alliances may be named; any other
// alliance text is a new alliance's key.
func readGrouping(path string, refs *refIndex) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--grouping: %w", err)
	}
	var groups []plan.AllianceGroup
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		var pl struct {
			Alliances []plan.AllianceGroup `json:"alliances"`
		}
		var byKey map[string][]string
		switch {
		case json.Unmarshal(b, &pl) == nil && pl.Alliances != nil:
			groups = pl.Alliances
		case json.Unmarshal(b, &byKey) == nil:
			for _, k := range sortedKeys(byKey) {
				groups = append(groups, plan.AllianceGroup{Key: k, Members: byKey[k]})
			}
		default:
			return nil, fmt.Errorf("--grouping %s: want {\"KEY\": [units]} or a plan --out wrote", path)
		}
	} else {
		rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
		rd.FieldsPerRecord = -1
		rows, err := rd.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("--grouping %s: %w", path, err)
		}
		ix := map[string]int{}
		for i, row := range rows {
			if len(row) == 0 || len(row) == 1 && strings.TrimSpace(row[0]) == "" {
				continue
			}
			if i == 0 && slices.Contains([]string{"unit", "单位", "id", "村社"}, strings.ToLower(strings.TrimSpace(row[0]))) {
				continue
			}
			if len(row) < 2 {
				return nil, fmt.Errorf("--grouping %s:%d: want unit,alliance", path, i+1)
			}
			key := strings.TrimSpace(row[1])
			if _, ok := ix[key]; !ok {
				ix[key] = len(groups)
				groups = append(groups, plan.AllianceGroup{Key: key})
			}
			groups[ix[key]].Members = append(groups[ix[key]].Members, strings.TrimSpace(row[0]))
		}
	}
	for i := range groups {
		key, err := refs.alliance(groups[i].Key, "--grouping")
		if err != nil {
			return nil, err
		}
		groups[i].Key = key
		for j, m := range groups[i].Members {
			if groups[i].Members[j], err = refs.unit(m, "--grouping"); err != nil {
				return nil, err
			}
		}
	}
	// Rows of one alliance given by name and by id land in one group.
	merged := map[string]int{}
	var out []plan.AllianceGroup
	for _, g := range groups {
		if i, ok := merged[g.Key]; ok {
			out[i].Members = append(out[i].Members, g.Members...)
			continue
		}
		merged[g.Key] = len(out)
		out = append(out, g)
	}
	g, err := plan.GroupingOf(out)
	if err != nil {
		return nil, fmt.Errorf("--grouping %s: %s", path, graph.ErrorMessage(err))
	}
	return g, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
