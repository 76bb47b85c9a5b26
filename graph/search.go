package graph

import (
	"encoding/base64"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// Search ranks, best first. Both stores rank with SearchRank so that they
// agree.
const (
	RankExact     = 0
	RankPrefix    = 1
	RankSubstring = 2
	NoMatch       = -1
)

// FoldText is the form names are compared in: lower case, spaces removed.
func FoldText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// SearchRank returns how well a node matches folded search text q
// (FoldText): RankExact, RankPrefix, RankSubstring or NoMatch; the best of
// name and English name.
func SearchRank(n *Node, q string) int {
	best := NoMatch
	for _, s := range []string{n.Name, n.NameEn} {
		if s == "" {
			continue
		}
		f := FoldText(s)
		r := NoMatch
		switch {
		case f == q:
			r = RankExact
		case strings.HasPrefix(f, q):
			r = RankPrefix
		case strings.Contains(f, q):
			r = RankSubstring
		}
		if r != NoMatch && (best == NoMatch || r < best) {
			best = r
		}
	}
	return best
}

// Search limits.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 200
	maxSearchRunes     = 100
)

// ValidateSearch checks search text and limit and returns the folded text.
func ValidateSearch(text string, limit int) (string, error) {
	if err := checkText("text", text, 1, maxSearchRunes); err != nil {
		return "", err
	}
	q := FoldText(text)
	if q == "" {
		return "", Invalidf("text", "text must contain something other than white space")
	}
	if limit < 1 || limit > MaxSearchLimit {
		return "", Invalidf("first", "first must be between 1 and %d, got %d", MaxSearchLimit, limit)
	}
	return q, nil
}

// EncodeCursor turns a node id into an opaque page cursor.
func EncodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + id))
}

// DecodeCursor returns the node id in a cursor. Returns ErrInvalid.
func DecodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "id:") {
		return "", Invalidf("after", "after %q is not a cursor this server issued", c)
	}
	return string(b[3:]), nil
}

// SearchKey is what a node is searched by, computed when it is written: its
// names folded (FoldText), the full pinyin of its Chinese name without tones
// or spaces ("shengduncun" for 圣墩村) and the pinyin initials ("sdc").
type SearchKey struct {
	Name, NameEn, Pinyin, Initials string
	// NameRunes is the length of the Chinese name, the first tie-break.
	NameRunes int
}

// KeyOf computes a node's SearchKey.
func KeyOf(n *Node) SearchKey {
	full, initials := Pinyin(n.Name)
	return SearchKey{Name: FoldText(n.Name), NameEn: FoldText(n.NameEn), Pinyin: full, Initials: initials,
		NameRunes: utf8.RuneCountInString(n.Name)}
}

// RankPinyin is the rank of a match on pinyin or pinyin initials only.
const RankPinyin = 3

// Rank returns how well a key matches folded search text q (FoldText):
// RankExact, RankPrefix or RankSubstring on the Chinese or English name,
// else RankPinyin when q is in the full pinyin or starts the initials, else
// NoMatch.
func (k SearchKey) Rank(q string) int {
	best := NoMatch
	for _, f := range []string{k.Name, k.NameEn} {
		if f == "" {
			continue
		}
		r := NoMatch
		switch {
		case f == q:
			r = RankExact
		case strings.HasPrefix(f, q):
			r = RankPrefix
		case strings.Contains(f, q):
			r = RankSubstring
		}
		if r != NoMatch && (best == NoMatch || r < best) {
			best = r
		}
	}
	if best == NoMatch && (strings.Contains(k.Pinyin, q) || strings.HasPrefix(k.Initials, q)) {
		best = RankPinyin
	}
	return best
}

// SearchHit is a node with its rank, for sorting results.
type SearchHit struct {
	Node *Node
	Key  SearchKey
	Rank int
}

// SortHits orders search hits best first: by rank, then shorter Chinese name
// (圣墩村 before 圣墩村区块拆迁项目), then id. Both stores order with it.
func SortHits(h []SearchHit) { slices.SortFunc(h, CompareHits) }

// CompareHits is SortHits' order: negative when a comes before b.
func CompareHits(a, b SearchHit) int {
	if a.Rank != b.Rank {
		return a.Rank - b.Rank
	}
	if a.Key.NameRunes != b.Key.NameRunes {
		return a.Key.NameRunes - b.Key.NameRunes
	}
	return strings.Compare(a.Node.ID, b.Node.ID)
}

// BestHits keeps the limit best hits of those added to it, in SortHits'
// order, without sorting them all: a syllable most names hold ("cun")
// matches tens of thousands of nodes of a city, and sorting them was half
// of the search.
type BestHits struct {
	limit int
	h     []SearchHit // a heap, the worst kept first, once full
}

// NewBestHits returns an empty BestHits keeping limit hits (limit ≥ 1).
func NewBestHits(limit int) *BestHits {
	return &BestHits{limit: max(limit, 1), h: make([]SearchHit, 0, min(limit, 64))}
}

// Add offers a hit.
func (b *BestHits) Add(x SearchHit) {
	if len(b.h) < b.limit {
		b.h = append(b.h, x)
		b.up(len(b.h) - 1)
		return
	}
	if CompareHits(x, b.h[0]) >= 0 {
		return // no better than the worst kept
	}
	b.h[0] = x
	b.down(0)
}

// Sorted returns the hits kept, best first.
func (b *BestHits) Sorted() []SearchHit {
	SortHits(b.h)
	return b.h
}

// worse reports whether kept hit i comes after hit j (a max-heap on order).
func (b *BestHits) worse(i, j int) bool { return CompareHits(b.h[i], b.h[j]) > 0 }

func (b *BestHits) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !b.worse(i, p) {
			return
		}
		b.h[i], b.h[p] = b.h[p], b.h[i]
		i = p
	}
}

func (b *BestHits) down(i int) {
	for {
		l, w := 2*i+1, i
		if l < len(b.h) && b.worse(l, w) {
			w = l
		}
		if r := l + 1; r < len(b.h) && b.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		b.h[i], b.h[w] = b.h[w], b.h[i]
		i = w
	}
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Normal
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}()

// Pinyin returns the toneless full pinyin of s with no spaces, and its
// initials; letters and digits that are not Chinese are kept as they are.
func Pinyin(s string) (full, initials string) {
	var f, i strings.Builder
	for _, r := range s {
		syl := syllable(r)
		if syl == "" {
			continue
		}
		f.WriteString(syl)
		i.WriteByte(syl[0])
	}
	return f.String(), i.String()
}

// syllables caches syllable's answers: go-pinyin converts rune by rune
// (pinyin.LazyPinyin is SinglePinyin per rune), but each conversion runs
// its style's regular expressions, which dominated loading a large network.
var syllables sync.Map // rune → string

// syllable is pinyin.LazyPinyin of the one rune r ("" when it has none).
func syllable(r rune) string {
	if v, ok := syllables.Load(r); ok {
		return v.(string)
	}
	syl := ""
	if py := pinyin.LazyPinyin(string(r), pinyinArgs); len(py) > 0 {
		syl = py[0]
	}
	syllables.Store(r, syl)
	return syl
}
