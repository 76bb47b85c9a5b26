package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

func TestInfeasible(t *testing.T) {
	// A 3×4 grid of 12 units: strong are u0, u3, u4, u8 (strength 100),
	// the rest weak (strength 10); StrongRule MinStrength 50.
	grid := handMap{alliances: map[string][]string{}}
	strengths := []float64{100, 10, 10, 100, 100, 10, 10, 10, 100, 10, 10, 10}
	for i, s := range strengths {
		grid.units = append(grid.units, unitSpec{id(i), 1000, s, 10})
	}
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			if c < 3 {
				grid.borders = append(grid.borders, [2]string{id(r*4 + c), id(r*4 + c + 1)})
			}
			if r < 2 {
				grid.borders = append(grid.borders, [2]string{id(r*4 + c), id(r*4 + c + 4)})
			}
		}
	}
	grid.alliances["alliance:a"] = []string{id(0), id(1), id(4), id(5), id(8), id(9)}
	grid.alliances["alliance:b"] = []string{id(2), id(3), id(6), id(7), id(10), id(11)}
	strong50 := plan.UnitOptions{Strong: plan.StrongRule{MinStrength: ptr(50.0)}}

	// Two islands: u0–u1 and u2–u3, only u0 strong.
	islands := handMap{units: []unitSpec{{"u0", 100, 100, 1}, {"u1", 100, 10, 1}, {"u2", 100, 10, 1}, {"u3", 100, 10, 1}},
		borders: [][2]string{{"u0", "u1"}, {"u2", "u3"}}}
	islandsAllied := islands
	islandsAllied.alliances = map[string][]string{"alliance:i": {"u0", "u1", "u2", "u3"}}
	// Strong only at the left end of a line of six: two alliances of at least
	// three cannot both have a strong unit; no count check sees it.
	leftStrong := line(100, 100, 10, 10, 10, 10)

	half := map[string]string{}
	for i := range strengths {
		half[id(i)] = "west"
		if i%4 >= 2 {
			half[id(i)] = "east"
		}
	}
	with := func(g map[string]string, k, v string) map[string]string {
		out := map[string]string{}
		for a, b := range g {
			out[a] = b
		}
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}

	tests := []struct {
		name  string
		m     handMap
		opt   plan.UnitOptions
		in    plan.Input
		field string // want Field; several allowed, separated by |
	}{
		{"UnknownStrategy", grid, strong50, plan.Input{Strategy: "RANDOM"}, "strategy"},
		{"NegativeK", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(-1)}, "k"},
		{"KForCommunity", grid, strong50, plan.Input{Strategy: plan.Community, K: ip(3)}, "k"},
		{"KAboveUnits", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(13), Constraints: plan.Constraints{RequireStrong: ptr(false)}}, "k"},
		{"KAboveStrong", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(5)}, "constraints.requireStrong"},
		{"MaxSizeTooSmall", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MaxSize: ip(5)}}, "constraints.maxSize"},
		{"MinSizeTooLarge", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(3), Constraints: plan.Constraints{MinSize: ip(5)}}, "constraints.minSize"},
		{"MinAboveMax", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MinSize: ip(5), MaxSize: ip(4)}}, "constraints.minSize"},
		{"MinTotalStrength", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(4), Constraints: plan.Constraints{MinTotalStrength: fp(200)}}, "constraints.minTotalStrength"},
		{"MaxPMinTotalStrength", grid, strong50, plan.Input{Strategy: plan.Balanced, Constraints: plan.Constraints{MinTotalStrength: fp(1000)}}, "constraints.minTotalStrength"},
		{"TooManyFixedKeys", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(1), Constraints: plan.Constraints{RequireContiguous: ptr(false), Fixed: map[string]string{"u0": "alliance:a", "u3": "alliance:b"}}}, "constraints.fixed"},
		{"FixedUnknownUnit", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Fixed: map[string]string{"nowhere": "alliance:a"}}}, "constraints.fixed"},
		{"FixedUnknownAlliance", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Fixed: map[string]string{"u0": "alliance:nowhere"}}}, "constraints.fixed"},
		{"FixedNewKey", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Fixed: map[string]string{"u0": "south-east"}}}, "constraints.fixed"},
		{"FixedToAUnit", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Fixed: map[string]string{"u0": "u1"}}}, "constraints.fixed"},
		{"FixedAcrossIslands", islandsAllied, plan.UnitOptions{}, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{RequireStrong: ptr(false), Fixed: map[string]string{"u0": "alliance:i", "u2": "alliance:i"}}}, "constraints.fixed"},
		{"TogetherNotAUnit", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Together: [][]string{{"u0", "alliance:a"}}}}, "constraints.together"},
		{"TogetherOneUnit", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Together: [][]string{{"u0", "u0"}}}}, "constraints.together"},
		{"ApartOneUnit", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Apart: [][]string{{"u0"}}}}, "constraints.apart"},
		{"ZeroMinSize", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MinSize: ip(0)}}, "constraints.minSize"},
		{"ZeroMaxSize", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MaxSize: ip(0)}}, "constraints.maxSize"},
		{"DefaultMinSizeAboveMaxSize", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MaxSize: ip(1)}}, "constraints.minSize"},
		{"ZeroMinTotalStrength", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MinTotalStrength: fp(0)}}, "constraints.minTotalStrength"},
		{"ZeroMaxMentees", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Pair: true, Constraints: plan.Constraints{MaxMenteesPerMentor: ip(0)}}, "constraints.maxMenteesPerMentor"},
		{"MaxMenteesWithoutPair", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MaxMenteesPerMentor: ip(2)}}, "constraints.maxMenteesPerMentor"},
		{"PairWithinWithoutPair", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{PairWithinAlliance: true}}, "constraints.pairWithinAlliance"},
		{"MinSizeForPairings", grid, strong50, plan.Input{Strategy: plan.Pairings, Constraints: plan.Constraints{MinSize: ip(2)}}, "constraints.minSize"},
		{"ResolutionForBalanced", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Resolution: fp(2)}, "resolution"},
		{"ZeroResolution", grid, strong50, plan.Input{Strategy: plan.Community, Resolution: fp(0)}, "resolution"},
		{"OneUnitDefaultMinSize", line(100), plan.UnitOptions{}, plan.Input{Strategy: plan.Balanced, K: ip(1)}, "constraints.minSize"},
		{"NamesUnknownKey", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Names: []plan.Name{{Key: "north", Name: "北片"}}}, "names"},
		{"NamesUnitAndKey", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Names: []plan.Name{{Unit: "u0", Key: "alliance:a", Name: "北片"}}}, "names"},
		{"NamesNotAUnit", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Names: []plan.Name{{Unit: "nowhere", Name: "北片"}}}, "names"},
		{"NamesTwice", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Names: []plan.Name{{Unit: "u0", Name: "北片"}, {Key: "west", Name: "西片"}}}, "names"},
		{"NamesSame", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Names: []plan.Name{{Unit: "u0", Name: "北片"}, {Key: "east", Name: "北片"}}}, "names"},
		{"NamesEmpty", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Names: []plan.Name{{Unit: "u0", Name: " "}}}, "names"},
		{"ManualKeyLooksLikeAlliance", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: with(with(half, "u0", "alliance:zzz"), "u1", "alliance:zzz")}, "grouping"},
		{"TogetherAcrossIslands", islands, plan.UnitOptions{}, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{RequireStrong: ptr(false), Together: [][]string{{"u1", "u3"}}}}, "constraints.together"},
		{"TogetherAboveMaxSize", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(3), Constraints: plan.Constraints{MaxSize: ip(4), Together: [][]string{{"u0", "u1", "u2", "u5", "u6"}}}}, "constraints.together"},
		{"TogetherJoinsFixedKeys", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(3), Constraints: plan.Constraints{Together: [][]string{{"u0", "u3"}}, Fixed: map[string]string{"u0": "alliance:a", "u3": "alliance:b"}}}, "constraints.together"},
		{"ApartButTogether", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(3), Constraints: plan.Constraints{Together: [][]string{{"u0", "u1"}}, Apart: [][]string{{"u1", "u0"}}}}, "constraints.apart"},
		{"ApartAboveK", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{Apart: [][]string{{"u0", "u3", "u8"}}}}, "constraints.apart"},
		{"IslandsAboveK", islands, plan.UnitOptions{}, plan.Input{Strategy: plan.Balanced, K: ip(1), Constraints: plan.Constraints{RequireStrong: ptr(false)}}, "constraints.requireContiguous"},
		{"IslandWithoutStrong", islands, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2)}, "constraints.requireStrong"},
		{"CommunityIslandWithoutStrong", islands, strong50, plan.Input{Strategy: plan.Community}, "constraints.requireStrong"},
		{"SearchEndsInfeasible", leftStrong, plan.UnitOptions{Strong: plan.StrongRule{MinStrength: ptr(50.0)}}, plan.Input{Strategy: plan.Balanced, K: ip(2), Constraints: plan.Constraints{MinSize: ip(3)}}, "constraints.requireStrong|constraints.minSize"},
		{"MaxPSearchEndsInfeasible", leftStrong, plan.UnitOptions{Strong: plan.StrongRule{MinStrength: ptr(50.0)}}, plan.Input{Strategy: plan.Balanced, Constraints: plan.Constraints{MinSize: ip(3), Apart: [][]string{{"u0", "u5"}}}}, "constraints.apart"},
		{"TooFewMentors", grid, strong50, plan.Input{Strategy: plan.Pairings, Constraints: plan.Constraints{MaxMenteesPerMentor: ip(1)}}, "constraints.maxMenteesPerMentor"},
		{"NoMentorInAlliance", grid, plan.UnitOptions{Strong: plan.StrongRule{IDs: []string{"u0", "u1"}}}, plan.Input{Strategy: plan.Pairings, Constraints: plan.Constraints{PairWithinAlliance: true, MaxMenteesPerMentor: ip(10)}}, "constraints.pairWithinAlliance"},
		{"ManualMissingUnit", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: with(half, "u5", "")}, "grouping"},
		{"ManualUnknownUnit", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: with(half, "nowhere", "west")}, "grouping"},
		{"ManualNoGrouping", grid, strong50, plan.Input{Strategy: plan.Manual}, "grouping"},
		{"ManualNotContiguous", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: with(half, "u11", "west")}, "constraints.requireContiguous"},
		{"ManualNoStrong", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: with(with(with(with(half, "u1", "mid"), "u2", "mid"), "u6", "west"), "u10", "west")}, "constraints.requireStrong"},
		{"ManualMaxSize", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Constraints: plan.Constraints{MaxSize: ip(5)}}, "constraints.maxSize"},
		{"ManualApart", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Constraints: plan.Constraints{Apart: [][]string{{"u0", "u4"}}}}, "constraints.apart"},
		{"ManualFixed", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Constraints: plan.Constraints{Fixed: map[string]string{"u0": "alliance:b"}}}, "constraints.fixed"},
		{"ManualTogether", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Constraints: plan.Constraints{Together: [][]string{{"u0", "u3"}}}}, "constraints.together"},
		{"ManualWeakMentor", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Pairings: []plan.Pairing{{Mentor: "u1", Mentee: "u2"}}}, "pairings"},
		{"ManualMenteeTwice", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Pairings: []plan.Pairing{{Mentor: "u0", Mentee: "u1"}, {Mentor: "u4", Mentee: "u1"}}}, "pairings"},
		{"ManualMentorOverCapacity", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Constraints: plan.Constraints{MaxMenteesPerMentor: ip(1)},
			Pairings: []plan.Pairing{{Mentor: "u0", Mentee: "u1"}, {Mentor: "u0", Mentee: "u5"}}}, "constraints.maxMenteesPerMentor"},
		{"ManualPairAcross", grid, strong50, plan.Input{Strategy: plan.Manual, Grouping: half, Constraints: plan.Constraints{PairWithinAlliance: true},
			Pairings: []plan.Pairing{{Mentor: "u0", Mentee: "u2"}}}, "constraints.pairWithinAlliance"},
		{"GroupingForBalanced", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), Grouping: half}, "grouping"},
		{"PairingsForPairings", grid, strong50, plan.Input{Strategy: plan.Pairings, Pairings: []plan.Pairing{}}, "pairings"},
		{"NegativeMoveCost", grid, strong50, plan.Input{Strategy: plan.Balanced, K: ip(2), MoveCost: -1}, "moveCost"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustUnits(t, tc.m.snapshot(), tc.opt)
			pl, err := plan.Simulate(context.Background(), p, tc.in)
			if err == nil {
				t.Fatalf("Simulate = plan with %d alliances; want an error naming %s", len(pl.Alliances), tc.field)
			}
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("Simulate = %v (code %s); want CodeInvalid", err, graph.ErrorCode(err))
			}
			var ge *graph.Error
			errors.As(err, &ge)
			ok := false
			for _, f := range strings.Split(tc.field, "|") {
				ok = ok || ge.Field == f
			}
			if !ok {
				t.Errorf("Simulate: Field = %q; want %q (%v)", ge.Field, tc.field, err)
			}
			if strings.HasPrefix(ge.Field, "constraints.") && !strings.Contains(err.Error(), ge.Field) {
				t.Errorf("message %q does not name %s", err, ge.Field)
			}
			t.Log(err)
		})
	}
}

func TestUnitsInvalid(t *testing.T) {
	snap := line(1, 2, 3).snapshot()
	tests := []struct {
		name  string
		opt   plan.UnitOptions
		field string
	}{
		{"Kind", plan.UnitOptions{Kinds: []string{"CASTLE"}}, "kinds"},
		{"AllianceKind", plan.UnitOptions{AllianceKinds: []string{"VILLAGE"}}, "allianceKinds"},
		{"AsOf", plan.UnitOptions{AsOf: "yesterday"}, "asOf"},
		{"TopFraction", plan.UnitOptions{Strong: plan.StrongRule{TopFraction: ptr(1.5)}}, "strong.topFraction"},
		{"StrongID", plan.UnitOptions{Strong: plan.StrongRule{IDs: []string{"nowhere"}}}, "strong.ids"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.Units(snap, tc.opt)
			var ge *graph.Error
			if !errors.As(err, &ge) || ge.Code != graph.CodeInvalid || ge.Field != tc.field {
				t.Errorf("Units(%+v) = %v; want CodeInvalid on %s", tc.opt, err, tc.field)
			}
		})
	}
}

func id(i int) string { return fmt.Sprintf("u%d", i) }
