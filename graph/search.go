package graph

import (
	"encoding/base64"
	"strings"
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
