package plan_test

import (
	"context"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

// yuelinLike is a hand-made street of 8 villages on a 2×4 map, in two
// alliances of 4, with 2 pairings:
//
//	A — B — C — D        west = {A, B, E, F}, east = {C, D, G, H}
//	|   |   |   |        pairings B→F, G→H
//	E — F — G — H
var yuelinLike = handMap{
	units: []unitSpec{
		// id, population, strength, party members
		{"A", 1000, 100, 30}, {"B", 2000, 300, 60}, {"C", 1500, 50, 40}, {"D", 500, 20, 10},
		{"E", 1200, 80, 35}, {"F", 800, 40, 20}, {"G", 3000, 400, 90}, {"H", 1000, 10, 15},
	},
	borders: [][2]string{{"A", "B"}, {"B", "C"}, {"C", "D"}, {"E", "F"}, {"F", "G"}, {"G", "H"},
		{"A", "E"}, {"B", "F"}, {"C", "G"}, {"D", "H"}},
	alliances: map[string][]string{"alliance:west": {"A", "B", "E", "F"}, "alliance:east": {"C", "D", "G", "H"}},
	pairs:     [][2]string{{"B", "F"}, {"G", "H"}},
}

// The planner's what-if: B leads C and D in a new northern alliance.
var northInput = plan.Input{
	Strategy: plan.Manual,
	Grouping: map[string]string{"A": "alliance:west", "E": "alliance:west", "F": "alliance:west",
		"B": "north", "C": "north", "D": "north", "G": "alliance:east", "H": "alliance:east"},
	Pairings: []plan.Pairing{{Mentor: "B", Mentee: "C"}, {Mentor: "B", Mentee: "D"}, {Mentor: "G", Mentee: "H"}, {Mentor: "A", Mentee: "F"}},
}

func near(a, b float64) bool { return math.Abs(a-b) < 5e-5 }

func TestManualByHand(t *testing.T) {
	p := mustUnits(t, yuelinLike.snapshot(), plan.UnitOptions{})
	// Default strong rule: strengths sorted 10 20 40 50 | 80 100 300 400,
	// median (50+80)/2 = 65, so A (100), B (300), E (80), G (400) are strong
	// and C, D, F, H weak.
	var strong []string
	for _, u := range p.Units {
		if u.Strong {
			strong = append(strong, u.ID)
		}
	}
	if want := []string{"A", "B", "E", "G"}; !reflect.DeepEqual(strong, want) {
		t.Fatalf("strong = %v; want %v (%s)", strong, want, p.StrongBasis)
	}
	pl, err := plan.Simulate(context.Background(), p, northInput)
	if err != nil {
		t.Fatal(err)
	}
	m := pl.Metrics

	// Alliances, by key: alliance:east {G,H}, alliance:west {A,E,F}, north
	// {B,C,D}. The two keyed by a current alliance's id continue it and keep
	// its id and name; north continues none (both current alliances are
	// taken), so it is named after its lead, B (strength 300), and gets an
	// id from B's.
	wantAlliances := []plan.AllianceGroup{
		{Key: "alliance:east", ID: "alliance:east", Name: "alliance:east name", Naming: plan.NamingKept, Members: []string{"G", "H"}, Lead: "G", CurrentID: "alliance:east"},
		{Key: "alliance:west", ID: "alliance:west", Name: "alliance:west name", Naming: plan.NamingKept, Members: []string{"A", "E", "F"}, Lead: "A", CurrentID: "alliance:west"},
		{Key: "north", ID: "alliance:B", Name: "B区域党建联合体", Naming: plan.NamingLead, Members: []string{"B", "C", "D"}, Lead: "B"},
	}
	if !reflect.DeepEqual(pl.Alliances, wantAlliances) {
		t.Errorf("alliances = %+v; want %+v", pl.Alliances, wantAlliances)
	}
	// Moved: B (west → north), C and D (east → north).
	if want := []string{"B", "C", "D"}; !reflect.DeepEqual(pl.Moved, want) {
		t.Errorf("moved = %v; want %v", pl.Moved, want)
	}
	wantMoves := []plan.Move{{Unit: "B", From: "alliance:west", To: "north"}, {Unit: "C", From: "alliance:east", To: "north"}, {Unit: "D", From: "alliance:east", To: "north"}}
	if !reflect.DeepEqual(pl.Moves, wantMoves) {
		t.Errorf("moves = %+v; want %+v", pl.Moves, wantMoves)
	}
	// Pairings: today B→F, G→H; the plan keeps G→H, adds A→F, B→C, B→D and
	// ends B→F.
	wantPC := plan.PairingChanges{Kept: []plan.Pairing{{Mentor: "G", Mentee: "H"}},
		Added: []plan.Pairing{{Mentor: "A", Mentee: "F"}, {Mentor: "B", Mentee: "C"}, {Mentor: "B", Mentee: "D"}},
		Ended: []plan.Pairing{{Mentor: "B", Mentee: "F"}}}
	if !reflect.DeepEqual(pl.PairingChanges, wantPC) {
		t.Errorf("pairing changes = %+v; want %+v", pl.PairingChanges, wantPC)
	}
	if len(pl.Dissolved) != 0 {
		t.Errorf("dissolved = %v; want none", pl.Dissolved)
	}

	checks := []struct {
		name      string
		got, want float64
	}{
		{"units", float64(m.Units), 8},
		{"allianceCount", float64(m.AllianceCount), 3},
		// Population: east 3000+1000 = 4000, west 1000+1200+800 = 3000,
		// north 2000+1500+500 = 4000. Total 11000, mean 3666.67, range 1000.
		// Deviations -666.67, 333.33, 333.33; squares sum 666666.67; /3 =
		// 222222.22; sd 471.405; CV = 471.405/3666.67 = 0.128565.
		{"population.total", m.Population.Total, 11000},
		{"population.range", m.Population.Range, 1000},
		{"population.cv", m.Population.CV, 0.128565},
		// Strength: east 400+10 = 410, west 100+80+40 = 220, north
		// 300+50+20 = 370. Mean 333.33, range 190. Deviations 76.67,
		// -113.33, 36.67; squares 5877.78 + 12844.44 + 1344.44 = 20066.67;
		// /3 = 6688.89; sd 81.7856; CV = 0.245357.
		{"strength.total", m.Strength.Total, 1000},
		{"strength.min", m.Strength.Min, 220},
		{"strength.max", m.Strength.Max, 410},
		{"strength.range", m.Strength.Range, 190},
		{"strength.cv", m.Strength.CV, 0.245357},
		// Party members: east 105, west 85, north 110; mean 100;
		// deviations 5, -15, 10; squares 350; /3 = 116.67; sd 10.8012.
		{"partyMembers.cv", m.PartyMembers.CV, 0.108012},
		// Members 2, 3, 3: mean 2.6667; squares 0.4444+0.1111+0.1111 =
		// 0.6667; /3 = 0.2222; sd 0.4714; CV 0.176777.
		{"members.cv", m.Members.CV, 0.176777},
		{"strongUnits", float64(m.StrongUnits), 4},
		{"weakUnits", float64(m.WeakUnits), 4},
		{"alliancesWithoutStrong", float64(m.AlliancesWithoutStrong), 0},
		// Pairings B→C, B→D, G→H, A→F: every weak unit mentored, all
		// within an alliance, B has 2; hops 1, 2, 1, 2 (A–E–F): mean 1.5.
		{"pairings", float64(m.Pairings), 4},
		{"weakWithMentor", float64(m.WeakWithMentor), 4},
		{"weakWithoutMentor", float64(m.WeakWithoutMentor), 0},
		{"maxMenteesPerMentor", float64(m.MaxMenteesPerMentor), 2},
		{"pairingsWithinAlliance", float64(m.PairingsWithinAlliance), 4},
		{"meanPairingHops", m.MeanPairingHops, 1.5},
		// Borders crossing alliances: A–B, F–G, B–F, C–G, D–H = 5 of 10.
		{"adjacencyEdges", float64(m.AdjacencyEdges), 10},
		{"crossingEdges", float64(m.CrossingEdges), 5},
		{"nonContiguous", float64(m.NonContiguous), 0},
		// Modularity, m = 10 borders, degrees A2 B3 C3 D2 E2 F3 G3 H2:
		// east  {G,H}:   1 inside, degree 5: 1/10 - (5/20)² = 0.0375
		// west  {A,E,F}: 2 inside, degree 7: 2/10 - (7/20)² = 0.0775
		// north {B,C,D}: 2 inside, degree 8: 2/10 - (8/20)² = 0.04
		// Q = 0.155.
		{"modularity", m.Modularity, 0.155},
		// Against today: 3 moved; west lost B, east lost C and D (changed),
		// north is new, nothing kept or dissolved.
		{"moved", float64(m.Moved), 3},
		{"alliancesKept", float64(m.AlliancesKept), 0},
		{"alliancesChanged", float64(m.AlliancesChanged), 2},
		{"alliancesNew", float64(m.AlliancesNew), 1},
		{"alliancesDissolved", float64(m.AlliancesDissolved), 0},

		// Today: west {A,B,E,F} population 5000, strength 520; east
		// {C,D,G,H} 6000, 480. Population mean 5500 ± 500: CV 0.090909;
		// strength mean 500 ± 20: CV 0.04. Each alliance has 4 borders
		// inside and degree 10: Q = 2 × (4/10 - (10/20)²) = 0.3. Crossing:
		// B–C, F–G. Pairings B→F, G→H: 2 weak mentored (F, H), 1 hop each.
		{"today.population.cv", pl.Today.Population.CV, 0.090909},
		{"today.strength.cv", pl.Today.Strength.CV, 0.04},
		{"today.modularity", pl.Today.Modularity, 0.3},
		{"today.crossingEdges", float64(pl.Today.CrossingEdges), 2},
		{"today.weakWithMentor", float64(pl.Today.WeakWithMentor), 2},
		{"today.meanPairingHops", pl.Today.MeanPairingHops, 1},
		{"today.alliancesKept", float64(pl.Today.AlliancesKept), 2},
		{"today.moved", float64(pl.Today.Moved), 0},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}

	// Per alliance (in the plan's order: east, west, north).
	wantPer := []plan.AllianceMetrics{
		{Key: "alliance:east", ID: "alliance:east", Name: "alliance:east name", CurrentID: "alliance:east", Members: 2, Population: 4000, Strength: 410, PartyMembers: 105,
			StrongUnits: 1, WeakUnits: 1, WeakWithMentor: 1, Pieces: 1, CrossingEdges: 3 /* F–G, C–G, D–H */, Joined: 0, Left: 2},
		{Key: "alliance:west", ID: "alliance:west", Name: "alliance:west name", CurrentID: "alliance:west", Members: 3, Population: 3000, Strength: 220, PartyMembers: 85,
			StrongUnits: 2, WeakUnits: 1, WeakWithMentor: 1, Pieces: 1, CrossingEdges: 3 /* A–B, B–F, F–G */, Joined: 0, Left: 1},
		{Key: "north", ID: "alliance:B", Name: "B区域党建联合体", Members: 3, Population: 4000, Strength: 370, PartyMembers: 110,
			StrongUnits: 1, WeakUnits: 2, WeakWithMentor: 2, Pieces: 1, CrossingEdges: 4 /* A–B, B–F, C–G, D–H */, Joined: 3, Left: 0},
	}
	if !reflect.DeepEqual(m.Alliances, wantPer) {
		t.Errorf("per alliance =\n%+v\nwant\n%+v", m.Alliances, wantPer)
	}

	// The edits that would commit it.
	ch := plan.ChangesOf(p, pl)
	wantCh := plan.Changes{
		NewAlliances: []plan.AllianceGroup{wantAlliances[2]},
		Join:         []plan.Membership{{Unit: "B", Key: "north"}, {Unit: "C", Key: "north"}, {Unit: "D", Key: "north"}},
		EndMemberships: []string{graph.EdgeID(graph.RelMemberOf, "B", "alliance:west"), graph.EdgeID(graph.RelMemberOf, "C", "alliance:east"),
			graph.EdgeID(graph.RelMemberOf, "D", "alliance:east")},
		DissolvedAlliances: []string{},
		Renamed:            []plan.AllianceGroup{},
		AddPairings:        []plan.Pairing{{Mentor: "A", Mentee: "F"}, {Mentor: "B", Mentee: "C"}, {Mentor: "B", Mentee: "D"}},
		EndPairings:        []string{graph.EdgeID(graph.RelMentors, "B", "F")},
	}
	if !reflect.DeepEqual(ch, wantCh) {
		t.Errorf("ChangesOf =\n%+v\nwant\n%+v", ch, wantCh)
	}

	var b strings.Builder
	if err := m.Table(&b, &pl.Today); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Unevenness of strength", "实力不均衡度", "0.04", "0.245", "better", "north", "(new)", "B区域党建联合体"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func ExampleMetrics_Table() {
	p, _ := plan.Units(yuelinLike.snapshot(), plan.UnitOptions{})
	pl, _ := plan.Simulate(context.Background(), p, northInput)
	pl.Metrics.Table(os.Stdout, &pl.Today)
	// Output:
	// metric                                     today  plan   change          指标
	// Alliances                                  2      3      +1              联合体数
	// Villages and communities                   8      8      0               村社数
	// Units in no alliance                       0      0      0               未加入联合体的村社
	// Members of the smallest alliance           4      2      -2              最小联合体成员数
	// Members of the largest alliance            4      3      -1              最大联合体成员数
	// Unevenness of size                         0      0.177  +0.177  worse   规模不均衡度
	// Population of the least populous alliance  5000   3000   -2000           人口最少的联合体
	// Population of the most populous alliance   6000   4000   -2000           人口最多的联合体
	// Population gap                             1000   1000   0               人口差距
	// Unevenness of population                   0.091  0.129  +0.038  worse   人口不均衡度
	// Strength of the weakest alliance           480    220    -260            最弱联合体的集体收入
	// Strength of the strongest alliance         520    410    -110            最强联合体的集体收入
	// Strength gap                               40     190    +150    worse   实力差距
	// Unevenness of strength                     0.04   0.245  +0.205  worse   实力不均衡度
	// Unevenness of Party members                0.033  0.108  +0.075  worse   党员数不均衡度
	// Alliances without a strong unit            0      0      0               没有强村带动的联合体
	// Alliances not in one piece                 0      0      0               不连片的联合体
	// Borders between alliances                  2      5      +3      worse   联合体之间的边界
	// Compactness                                0.3    0.155  -0.145  worse   紧凑度
	// Pairings                                   2      4      +2              结对数
	// Weak units with a mentor                   2      4      +2      better  有结对帮扶的弱村
	// Weak units without a mentor                2      0      -2      better  没有结对帮扶的弱村
	// Most mentees of one mentor                 1      2      +1              一个强村最多帮扶几个
	// Pairings within an alliance                2      4      +2      better  联合体内的结对
	// Mean distance of a pairing                 1      1.5    +0.5    worse   结对平均距离
	// Units moved                                0      3      +3              调整的村社
	// Alliances kept                             2      0      -2              不变的联合体
	// Alliances changed                          0      2      +2              调整的联合体
	// New alliances                              0      1      +1              新建的联合体
	// Alliances dissolved                        0      0      0               撤销的联合体
	//
	// alliance       members  population  strength  strong  weak  mentored  pieces  joined  left  continues         name
	// alliance:east  2        4000        410       1       1     1         1       0       2     alliance:east     alliance:east name
	// alliance:west  3        3000        220       2       1     1         1       0       1     alliance:west     alliance:west name
	// north          3        4000        370       1       2     2         1       3       0     (new) alliance:B  B区域党建联合体
}
