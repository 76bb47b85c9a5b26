package interchange

import (
	"testing"

	"github.com/orgnet/orgnet/graph"
)

// SetExportPageSize makes exports read n nodes at a time until the returned
// function is called.
func SetExportPageSize(n int) (restore func()) {
	old := exportPageSize
	exportPageSize = n
	return func() { exportPageSize = old }
}

// SetNameSearchMax makes workbook imports look names up with Search only
// for up to n names (0: always by reading the nodes) until restore.
func SetNameSearchMax(n int) (restore func()) {
	old := nameSearchMax
	nameSearchMax = n
	return func() { nameSearchMax = old }
}

// TestChineseNamesUnique: no Chinese name (or alias) stands for two kinds,
// two alliance types or two relation types.
func TestChineseNamesUnique(t *testing.T) {
	for what, names := range map[string]map[string][]string{"kind": kindNames, "alliance type": allianceTypeNames} {
		seen := map[string]string{}
		for enum, zh := range names {
			for _, z := range zh {
				if other, dup := seen[z]; dup {
					t.Errorf("%s name %s stands for %s and %s", what, z, other, enum)
				}
				seen[z] = enum
			}
		}
	}
	seen := map[string]graph.RelType{}
	for rt, zh := range relNames {
		for _, z := range zh {
			if other, dup := seen[z]; dup {
				t.Errorf("relation name %s stands for %s and %s", z, other, rt)
			}
			seen[z] = rt
		}
	}
	for _, l := range graph.Labels {
		for _, k := range graph.Kinds[l] {
			if len(kindNames[k]) == 0 {
				t.Errorf("kind %s has no Chinese name", k)
			}
		}
	}
}
