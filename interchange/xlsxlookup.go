package interchange

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/orgnet/orgnet/graph"
)

// What the store says of a workbook's names and ids: looked up once for
// the whole workbook, and the suggestions for names that are not there.

// lookUp asks the store, in one call, for the ids wanted, and for the names
// wanted with Search (a call each) or one pass over the nodes.
func (r *resolver) lookUp(ctx context.Context) error {
	r.storedByID = map[string]*graph.Node{}
	r.storedByName = map[string][]*graph.Node{}
	if len(r.idsWanted) > 0 {
		ns, err := r.store.Nodes(ctx, graph.View{}, r.idsWanted)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if n != nil {
				r.storedByID[n.ID] = n
			}
		}
	}
	wanted := map[string]bool{}
	for _, s := range r.names {
		wanted[s] = true
		wanted["en:"+strings.ToLower(s)] = true
	}
	keep := func(n *graph.Node) {
		for _, k := range nameKeys(n) {
			if wanted[k] {
				name := k
				if strings.HasPrefix(k, "en:") {
					name = k[3:]
				}
				r.addStored(name, n)
			}
		}
	}
	scan := len(r.names) > nameSearchMax
	if !scan {
		for _, s := range r.names {
			if _, err := graph.ValidateSearch(s, graph.MaxSearchLimit); err != nil {
				scan = true // too long to search: read the nodes
				break
			}
			hits, err := r.store.Search(ctx, graph.View{}, s, graph.MaxSearchLimit)
			if err != nil {
				return err
			}
			if len(hits) == graph.MaxSearchLimit {
				scan = true // the exact matches may not all be among them
				break
			}
			for _, n := range hits {
				keep(n)
			}
		}
	}
	if scan {
		r.storedByName = map[string][]*graph.Node{}
		after := ""
		for {
			p, err := r.store.FindNodes(ctx, graph.View{}, graph.NodeFilter{Labels: networkLabels}, graph.PageArgs{First: graph.MaxPageSize, After: after, NoTotal: true})
			if err != nil {
				return err
			}
			for _, n := range p.Nodes {
				keep(n)
			}
			if !p.HasNextPage || p.EndCursor == "" {
				break
			}
			after = p.EndCursor
		}
	}
	return nil
}

// addStored records a stored node found under name (Chinese, or English in
// any case), once.
func (r *resolver) addStored(name string, n *graph.Node) {
	for _, key := range []string{name, "en:" + strings.ToLower(name)} {
		if key == name && n.Name != name {
			continue
		}
		if key != name && !strings.EqualFold(n.NameEn, name) {
			continue
		}
		if !slices.ContainsFunc(r.storedByName[key], func(m *graph.Node) bool { return m.ID == n.ID }) {
			r.storedByName[key] = append(r.storedByName[key], n)
		}
	}
}

// suggest returns the name closest to text, of a node the reference may
// name: among the workbook's names and what the store's Search finds for
// text and its beginnings (a few calls, for the first 50 names not found);
// failing that, Search's best hit (a pinyin spelling finds its name so).
func (r *resolver) suggest(text string, allowed []graph.Label) string {
	best, bestD := "", max(2, utf8.RuneCountInString(text)/3)+1
	consider := func(name string, l graph.Label) {
		if name == "" || (allowed != nil && !slices.Contains(allowed, l)) {
			return
		}
		if d := levenshtein(text, name); d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	for key, xs := range r.byName {
		if !strings.HasPrefix(key, "en:") {
			for _, x := range xs {
				consider(x.n.Name, x.n.Label)
			}
		}
	}
	first := ""
	if r.suggestions < 50 {
		r.suggestions++
		runes := []rune(text)
		for i, q := range []string{text, string(runes[:max(1, len(runes)*2/3)]), string(runes[:max(1, len(runes)/2)])} {
			if _, err := graph.ValidateSearch(q, 20); err != nil {
				continue
			}
			hits, err := r.store.Search(r.ctx, graph.View{}, q, 20)
			if err != nil {
				break // a suggestion is a courtesy
			}
			for _, n := range hits {
				consider(n.Name, n.Label)
				if i == 0 && first == "" && (allowed == nil || slices.Contains(allowed, n.Label)) {
					first = n.Name
				}
			}
		}
	}
	if best == "" {
		return first
	}
	return best
}

// levenshtein is the edit distance of a and b, in characters.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
