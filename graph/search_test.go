package graph_test

import (
	"testing"

	"github.com/orgnet/orgnet/graph"
)

func TestPinyin(t *testing.T) {
	tests := []struct{ in, full, initials string }{
		{"圣墩村", "shengduncun", "sdc"},
		{"岳林街道党工委", "yuelinjiedaodanggongwei", "yljddgw"},
		{"山丘汇·青年创业园", "shanqiuhuiqingnianchuangyeyuan", "sqhqncyy"},
		{"第4党小组", "di4dangxiaozu", "d4dxz"},
		{"", "", ""},
	}
	for _, tc := range tests {
		full, ini := graph.Pinyin(tc.in)
		if full != tc.full || ini != tc.initials {
			t.Errorf("Pinyin(%q) = %q, %q; want %q, %q", tc.in, full, ini, tc.full, tc.initials)
		}
	}
}

func TestSearchRankAndOrder(t *testing.T) {
	village := &graph.Node{ID: "org:shengdun-village", Name: "圣墩村", NameEn: "Shengdun Village"}
	hq := &graph.Node{ID: "org:shengdun-demolition-hq", Name: "圣墩村区块拆迁指挥部", NameEn: "Shengdun Block Demolition HQ"}
	street := &graph.Node{ID: "org:yuelin", Name: "岳林街道党工委", NameEn: "Yuelin Street Party Working Committee"}
	tests := []struct {
		q    string
		node *graph.Node
		want int
	}{
		{"圣墩村", village, graph.RankExact},
		{"圣墩", village, graph.RankPrefix},
		{"墩", village, graph.RankSubstring},
		{"shengdunvillage", village, graph.RankExact},
		{"village", village, graph.RankSubstring},
		{"duncun", village, graph.RankPinyin},
		{"sdc", village, graph.RankPinyin},
		{"dc", village, graph.NoMatch},
		{"yljd", street, graph.RankPinyin},
		{"xyz", hq, graph.NoMatch},
	}
	for _, tc := range tests {
		if got := graph.KeyOf(tc.node).Rank(graph.FoldText(tc.q)); got != tc.want {
			t.Errorf("Rank(%s, %q) = %d; want %d", tc.node.Name, tc.q, got, tc.want)
		}
	}
	for _, q := range []string{"shengdun", "sdc", "圣墩"} {
		var hits []graph.SearchHit
		for _, n := range []*graph.Node{hq, street, village} {
			k := graph.KeyOf(n)
			if r := k.Rank(q); r != graph.NoMatch {
				hits = append(hits, graph.SearchHit{Node: n, Key: k, Rank: r})
			}
		}
		graph.SortHits(hits)
		if len(hits) != 2 || hits[0].Node != village {
			t.Errorf("search %q: first = %v; want 圣墩村 of 2 hits", q, hits)
		}
	}
}

func TestValidAt(t *testing.T) {
	tests := []struct {
		since, until, date string
		want               bool
	}{
		{"", "", "2017-01-01", true},
		{"2016-10-01", "", "2017-01-01", true},
		{"2016-10-01", "", "2016-09-01", false},
		{"2016-10-01", "", "2016-10-01", true},
		{"", "2026-11-25", "2026-11-24", true},
		{"", "2026-11-25", "2026-11-25", false},
		{"", "2026-11-25", "2026-11-26", false},
	}
	for _, tc := range tests {
		if got := graph.ValidAt(tc.since, tc.until, tc.date); got != tc.want {
			t.Errorf("ValidAt(%q, %q, %q) = %v; want %v", tc.since, tc.until, tc.date, got, tc.want)
		}
	}
}
