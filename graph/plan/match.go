package plan

import (
	"math"
	"slices"
)

// hungarian solves the assignment problem for an n×m cost matrix with
// n ≤ m: it returns, for each row, the column that minimises the total cost
// (each column used at most once). O(n²m).
func hungarian(n, m int, cost func(i, j int) int64) []int {
	const inf = math.MaxInt64 / 4
	u := make([]int64, n+1)
	v := make([]int64, m+1)
	p := make([]int, m+1)
	way := make([]int, m+1)
	minv := make([]int64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = inf
			used[j] = false
		}
		for {
			used[j0] = true
			i0, d, j1 := p[j0], int64(inf), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				if cur := cost(i0-1, j-1) - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < d {
					d, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += d
					v[j] -= d
				} else {
					minv[j] -= d
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	ans := make([]int, n)
	for j := 1; j <= m; j++ {
		if p[j] != 0 {
			ans[p[j]-1] = j - 1
		}
	}
	return ans
}

// matchGroups matches new groups to today's alliances. A group whose key is
// a current alliance's id continues it; the others are matched to the
// remaining alliances so that the members they share are as many as
// possible (Hungarian); a match needs at least one shared member. It returns
// the alliance index of each group, or -1.
func matchGroups(p *Problem, groups [][]int32, keys []string) []int {
	out := make([]int, len(groups))
	taken := make([]bool, len(p.Alliances))
	for g := range groups {
		out[g] = -1
		if keys == nil {
			continue
		}
		if a, ok := p.allianceIx[keys[g]]; ok && !taken[a] {
			out[g] = a
			taken[a] = true
		}
	}
	overlap := map[[2]int]int64{}
	var rows, cols []int
	rowSeen := map[int]bool{}
	colIx := map[int]int{}
	for g, mem := range groups {
		if out[g] >= 0 {
			continue
		}
		for _, u := range mem {
			a := int(p.current[u])
			if a < 0 || taken[a] {
				continue
			}
			overlap[[2]int{g, a}]++
			if !rowSeen[g] {
				rowSeen[g] = true
				rows = append(rows, g)
			}
			if _, ok := colIx[a]; !ok {
				colIx[a] = len(cols)
				cols = append(cols, a)
			}
		}
	}
	if len(rows) == 0 {
		return out
	}
	slices.Sort(rows)
	slices.Sort(cols)
	mat := make([]int64, len(rows)*len(cols))
	for i, g := range rows {
		for j, a := range cols {
			mat[i*len(cols)+j] = overlap[[2]int{g, a}]
		}
	}
	at := func(i, j int) int64 { return mat[i*len(cols)+j] }
	if len(rows) <= len(cols) {
		for i, j := range hungarian(len(rows), len(cols), func(i, j int) int64 { return -at(i, j) }) {
			if at(i, j) > 0 {
				out[rows[i]] = cols[j]
			}
		}
	} else {
		for j, i := range hungarian(len(cols), len(rows), func(j, i int) int64 { return -at(i, j) }) {
			if at(i, j) > 0 {
				out[rows[i]] = cols[j]
			}
		}
	}
	return out
}
