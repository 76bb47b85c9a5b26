package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Ref is how a caller names a node: by its id, or by its name as
// analysts write it (圣墩村, "Shengdun Village").
type Ref struct {
	// Field is the argument the ref came from, for errors ("to",
	// "input.parentId").
	Field string
	// Text is an id or a name.
	Text string
	// Labels are the labels a name may match (every label of the network
	// when empty). An id matches whatever it is the id of.
	Labels []Label
}

// RefProblem is a ref that names no node, or several.
type RefProblem struct {
	Field, Text string
	// Labels are the ref's labels (Ref.Labels).
	Labels []Label
	// Ambiguous: several nodes have the name (Candidates holds them, at
	// most MaxRefCandidates). Otherwise nothing has the id or the name, and
	// Candidates are close matches by name and by pinyin (at most
	// MaxRefSuggestions).
	Ambiguous  bool
	Candidates []*Node
}

// RefError lists every ref that did not name exactly one node. It is the
// cause (Err) of the *Error ResolveRefs returns, for callers that show the
// candidates.
type RefError struct{ Problems []RefProblem }

func (e *RefError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.message()
	}
	return strings.Join(parts, "; ")
}

// Bounds of ResolveRefs.
const (
	// MaxRefNames is the most refs that are not ids one call resolves:
	// each costs a search.
	MaxRefNames = 20
	// MaxRefCandidates is the most nodes of one ambiguous name listed.
	MaxRefCandidates = 10
	// MaxRefSuggestions is the most close matches suggested for a ref that
	// names nothing.
	MaxRefSuggestions = 5
)

// ResolveRefs returns the ids of the nodes refs name, in order. A ref is
// first an id: the id of a node v sees (of any label: whether it fits is
// its caller's business) names that node. Otherwise it is a name: the one
// node of refs' labels whose Chinese or English name equals it as search
// compares names (FoldText: case and spaces aside); records (source
// documents, scenarios) have no names here. A name that several such
// nodes have is ambiguous.
//
// It reads with one Nodes call for every id, then one Search per ref that
// is no id (at most MaxRefNames), and up to three more per ref that names
// nothing, for suggestions: its text (a prefix, part of a name, pinyin or
// initials), the words of an id's slug ("org:shengdun" finds 圣墩村 by its
// English name or pinyin), the full pinyin of a Chinese text (a homophone
// typed by mistake) and its first two characters.
//
// Errors: an *Error of CodeInvalid when any name is ambiguous, else of
// CodeNotFound when any ref names nothing, naming every such ref (Field,
// the first one's), with a *RefError as its cause; CodeInvalid for more
// than MaxRefNames names.
func ResolveRefs(ctx context.Context, s Store, v View, refs []Ref) ([]string, error) {
	ids := make([]string, len(refs))
	var lookup []string
	for i, r := range refs {
		ids[i] = r.Text
		if ValidateID(r.Field, r.Text) == nil && !slices.Contains(lookup, r.Text) {
			lookup = append(lookup, r.Text)
		}
	}
	found := map[string]bool{}
	if len(lookup) > 0 {
		ns, err := s.Nodes(ctx, v, lookup)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n != nil {
				found[n.ID] = true
			}
		}
	}
	names := 0
	for _, r := range refs {
		if !found[r.Text] {
			names++
		}
	}
	if names > MaxRefNames {
		return nil, Invalidf(refs[0].Field, "%d arguments name nodes by name; at most %d may (each is a search): give ids", names, MaxRefNames)
	}
	var probs []RefProblem
	for i, r := range refs {
		if found[r.Text] {
			continue
		}
		hits, err := search(ctx, s, v, r.Text, MaxRefCandidates)
		if err != nil {
			return nil, err
		}
		q := FoldText(r.Text)
		var exact []*Node
		for _, n := range hits {
			if r.allows(n.Label) && KeyOf(n).Rank(q) == RankExact {
				exact = append(exact, n)
			}
		}
		switch len(exact) {
		case 1:
			ids[i] = exact[0].ID
			continue
		case 0:
			sugg, err := suggest(ctx, s, v, r, hits)
			if err != nil {
				return nil, err
			}
			probs = append(probs, RefProblem{Field: r.Field, Text: r.Text, Labels: r.Labels, Candidates: sugg})
		default:
			probs = append(probs, RefProblem{Field: r.Field, Text: r.Text, Labels: r.Labels, Ambiguous: true, Candidates: exact})
		}
	}
	if len(probs) == 0 {
		return ids, nil
	}
	re := &RefError{Problems: probs}
	code := CodeNotFound
	for _, p := range probs {
		if p.Ambiguous {
			code = CodeInvalid
		}
	}
	return nil, &Error{Code: code, Message: re.Error(), Field: probs[0].Field, Err: re}
}

// allows reports whether a name of a node of label l may resolve r.
func (r Ref) allows(l Label) bool {
	if IsRecord(l) {
		return false
	}
	return len(r.Labels) == 0 || slices.Contains(r.Labels, l)
}

// search is Store.Search without records, and nothing for a text Search
// refuses (empty, too long).
func search(ctx context.Context, s Store, v View, text string, limit int) ([]*Node, error) {
	if _, err := ValidateSearch(text, limit); err != nil {
		return nil, nil
	}
	ns, err := s.Search(ctx, v, text, limit)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ns, func(n *Node) bool { return IsRecord(n.Label) }), nil
}

// suggest returns close matches for a ref that names nothing: the hits of
// its own text first, else of its slug (whole, then its first word), its
// pinyin, its first two characters; nodes of its labels before others,
// then the names nearest its text (edit distance) first.
func suggest(ctx context.Context, s Store, v View, r Ref, hits []*Node) ([]*Node, error) {
	texts := []string{}
	if i := strings.LastIndexByte(r.Text, ':'); i >= 0 && i < len(r.Text)-1 {
		// An id's slug: org:shengdun-village → shengdunvillage, which is
		// in 圣墩村's English name (and starts its pinyin).
		slug := r.Text[i+1:]
		texts = append(texts, strings.NewReplacer("-", "", "_", "", ".", "").Replace(slug))
		if w, _, ok := strings.Cut(slug, "-"); ok && len(w) >= 3 {
			texts = append(texts, w)
		}
	}
	if hasHan(r.Text) {
		if full, _ := Pinyin(r.Text); full != "" {
			texts = append(texts, full)
		}
		if utf8.RuneCountInString(r.Text) > 2 {
			texts = append(texts, string([]rune(r.Text)[:2]))
		}
	}
	for _, t := range texts {
		if len(rank(hits, r)) > 0 {
			break
		}
		more, err := search(ctx, s, v, t, MaxRefCandidates)
		if err != nil {
			return nil, err
		}
		hits = more
	}
	out := rank(hits, r)
	q := FoldText(r.Text)
	dist := func(n *Node) int {
		d := min(editDistance(q, FoldText(n.Name)), editDistance(r.Text, n.ID))
		if n.NameEn != "" {
			d = min(d, editDistance(q, FoldText(n.NameEn)))
		}
		return d
	}
	slices.SortStableFunc(out, func(a, b *Node) int {
		if ra, rb := r.allows(a.Label), r.allows(b.Label); ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return dist(a) - dist(b)
	})
	if len(out) > MaxRefSuggestions {
		out = out[:MaxRefSuggestions]
	}
	return out, nil
}

// rank keeps the search hits that may be suggested for r: no records.
func rank(hits []*Node, r Ref) []*Node {
	return slices.DeleteFunc(slices.Clone(hits), func(n *Node) bool { return IsRecord(n.Label) })
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}

func hasHan(s string) bool {
	for _, c := range s {
		if unicode.Is(unicode.Han, c) {
			return true
		}
	}
	return false
}

// message says what is wrong with the ref, and what to write instead.
func (p RefProblem) message() string {
	list := make([]string, len(p.Candidates))
	for i, n := range p.Candidates {
		list[i] = fmt.Sprintf("%s (%s)", n.Name, n.ID)
	}
	if p.Ambiguous {
		return fmt.Sprintf("%s: %d nodes are named %q; give one's id: %s", p.Field, len(p.Candidates), p.Text, strings.Join(list, ", "))
	}
	what := "node"
	if len(p.Labels) > 0 {
		ls := make([]string, len(p.Labels))
		for i, l := range p.Labels {
			ls[i] = strings.ToLower(string(l))
		}
		what = strings.Join(ls, " or ")
	}
	msg := fmt.Sprintf("%s: no %s has the id or name %q", p.Field, what, p.Text)
	if len(list) > 0 {
		msg += "; did you mean " + strings.Join(list, ", ") + "?"
	}
	return msg
}
