package plan

import (
	"fmt"
	"math"

	"github.com/orgnet/orgnet/graph"
)

// part is what the up-front checks know of a connected part of the map (or
// of the whole map when contiguity is not required).
type part struct {
	units            []int32
	strong           int
	str              float64
	keys             int
	apartMax         int
	lo, hi           int
	loWhy, hiWhy     string
	loField, hiField string
}

func (m *model) parts() []part {
	groups := m.comps
	if !m.contiguous {
		all := make([]int32, m.n)
		for i := range all {
			all[i] = int32(i)
		}
		groups = [][]int32{all}
	}
	partOf := make([]int, m.n)
	for gi, g := range groups {
		for _, u := range g {
			partOf[u] = gi
		}
	}
	parts := make([]part, len(groups))
	for gi, g := range groups {
		pt := &parts[gi]
		pt.units = g
		for _, u := range g {
			if m.strong[u] {
				pt.strong++
			}
			pt.str += m.str[u]
		}
	}
	for _, b := range m.keyBlock {
		parts[partOf[m.blocks[b][0]]].keys++
	}
	for _, g := range m.in.Constraints.Apart {
		count := map[int]map[int32]bool{}
		for _, id := range g {
			u := m.p.index[id]
			if count[partOf[u]] == nil {
				count[partOf[u]] = map[int32]bool{}
			}
			count[partOf[u]][m.block[u]] = true
		}
		for pi, bs := range count {
			if len(bs) > parts[pi].apartMax {
				parts[pi].apartMax = len(bs)
			}
		}
	}
	for i := range parts {
		pt := &parts[i]
		nc := len(pt.units)
		pt.lo, pt.loWhy, pt.loField = 1, "it needs one alliance", "constraints.requireContiguous"
		raise := func(v int, why, field string) {
			if v > pt.lo {
				pt.lo, pt.loWhy, pt.loField = v, why, field
			}
		}
		if m.maxSize > 0 {
			raise((nc+m.maxSize-1)/m.maxSize, fmt.Sprintf("constraints.maxSize %d needs at least %d alliances for its %d units", m.maxSize, (nc+m.maxSize-1)/m.maxSize, nc), "constraints.maxSize")
		}
		raise(pt.keys, fmt.Sprintf("constraints.fixed names %d alliances in it", pt.keys), "constraints.fixed")
		raise(pt.apartMax, fmt.Sprintf("constraints.apart keeps %d of its units apart", pt.apartMax), "constraints.apart")
		pt.hi, pt.hiWhy, pt.hiField = nc, fmt.Sprintf("it has %d units", nc), "k"
		lower := func(v int, why, field string) {
			if v < pt.hi {
				pt.hi, pt.hiWhy, pt.hiField = v, why, field
			}
		}
		if m.needStrong {
			lower(pt.strong, fmt.Sprintf("it has %d strong units and every alliance needs one (constraints.requireStrong)", pt.strong), "constraints.requireStrong")
		}
		if m.minSize > 0 {
			lower(nc/m.minSize, fmt.Sprintf("constraints.minSize %d allows at most %d alliances of its %d units", m.minSize, nc/m.minSize, nc), "constraints.minSize")
		}
		if m.minStr > 0 {
			v := int(math.Floor(pt.str/m.minStr + 1e-9))
			lower(v, fmt.Sprintf("its total strength %s allows at most %d alliances of constraints.minTotalStrength %s", fmtNum(pt.str), v, fmtNum(m.minStr)), "constraints.minTotalStrength")
		}
	}
	return parts
}

// where describes a part for a message.
func (m *model) where(pt part) string {
	if !m.contiguous || len(m.comps) == 1 {
		return "the map"
	}
	return fmt.Sprintf("the connected part of the map around %q (%d units)", m.p.Units[pt.units[0]].ID, len(pt.units))
}

// checkParts checks that every part can hold at least one alliance and, for
// k > 0, that k alliances can be spread over the parts. It returns how many
// alliances each part gets (k > 0).
func (m *model) checkParts(k int) ([]int, error) {
	parts := m.parts()
	if k > 0 {
		// Global checks first: their messages are the plainest.
		if k > m.n {
			return nil, graph.Invalidf("k", "k = %d alliances, but there are only %d units", k, m.n)
		}
		if m.maxSize > 0 && k*m.maxSize < m.n {
			return nil, graph.Invalidf("constraints.maxSize", "%d alliances of at most constraints.maxSize %d members hold %d units, fewer than the %d units", k, m.maxSize, k*m.maxSize, m.n)
		}
		if m.minSize > 0 && k*m.minSize > m.n {
			return nil, graph.Invalidf("constraints.minSize", "%d alliances of at least constraints.minSize %d members need %d units, but there are %d", k, m.minSize, k*m.minSize, m.n)
		}
		if m.needStrong {
			strong := 0
			for _, s := range m.strong {
				if s {
					strong++
				}
			}
			if k > strong {
				return nil, graph.Invalidf("constraints.requireStrong", "%d alliances each need a strong unit (constraints.requireStrong), but only %d units are strong (%s)", k, strong, m.p.StrongBasis)
			}
		}
		if m.minStr > 0 {
			total := 0.0
			for _, s := range m.str {
				total += s
			}
			if float64(k)*m.minStr > total+1e-9 {
				return nil, graph.Invalidf("constraints.minTotalStrength", "%d alliances of constraints.minTotalStrength %s need %s in all, but the units' total strength is %s", k, fmtNum(m.minStr), fmtNum(float64(k)*m.minStr), fmtNum(total))
			}
		}
		if len(m.keys) > k {
			return nil, graph.Invalidf("constraints.fixed", "constraints.fixed names %d alliances, more than k = %d", len(m.keys), k)
		}
		for gi, g := range m.in.Constraints.Apart {
			bs := map[int32]bool{}
			for _, id := range g {
				bs[m.block[m.p.index[id]]] = true
			}
			if len(bs) > k {
				return nil, graph.Invalidf("constraints.apart", "constraints.apart (set %d) keeps %d units apart, more than k = %d alliances", gi+1, len(bs), k)
			}
		}
		if m.contiguous && k < len(m.comps) {
			return nil, graph.Invalidf("constraints.requireContiguous", "the map falls into %d separate parts and a contiguous alliance cannot span two (constraints.requireContiguous), so k = %d is too few", len(m.comps), k)
		}
	}
	sumLo, sumHi := 0, 0
	for _, pt := range parts {
		if pt.hi < 1 {
			return nil, graph.Invalidf(pt.hiField, "%s cannot hold any alliance: %s", m.where(pt), pt.hiWhy)
		}
		if pt.lo > pt.hi {
			return nil, graph.Invalidf(pt.hiField, "%s needs at least %d alliances (%s) but allows at most %d (%s)", m.where(pt), pt.lo, pt.loWhy, pt.hi, pt.hiWhy)
		}
		sumLo += pt.lo
		sumHi += pt.hi
	}
	if k == 0 {
		return nil, nil
	}
	if k < sumLo {
		worst := parts[0]
		for _, pt := range parts {
			if pt.lo > worst.lo {
				worst = pt
			}
		}
		return nil, graph.Invalidf(worst.loField, "k = %d alliances are too few: the parts of the map need at least %d (%s needs %d: %s)", k, sumLo, m.where(worst), worst.lo, worst.loWhy)
	}
	if k > sumHi {
		worst := parts[0]
		for _, pt := range parts {
			if pt.hi < len(pt.units) {
				worst = pt
				break
			}
		}
		return nil, graph.Invalidf(worst.hiField, "k = %d alliances are too many: the parts of the map allow at most %d (%s allows %d: %s)", k, sumHi, m.where(worst), worst.hi, worst.hiWhy)
	}
	// Spread k over the parts: each its lower bound, the rest in proportion
	// to size (largest remainder), within upper bounds.
	alloc := make([]int, len(parts))
	left := k
	for i, pt := range parts {
		alloc[i] = pt.lo
		left -= pt.lo
	}
	for left > 0 {
		best, bestGap := -1, math.Inf(-1)
		for i, pt := range parts {
			if alloc[i] >= pt.hi {
				continue
			}
			want := float64(len(pt.units)) * float64(k) / float64(m.n)
			if gap := want - float64(alloc[i]); gap > bestGap {
				best, bestGap = i, gap
			}
		}
		alloc[best]++
		left--
	}
	return alloc, nil
}
