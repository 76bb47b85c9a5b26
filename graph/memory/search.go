package memory

import (
	"slices"
	"sort"
	"strings"
)

// searchIndex holds what Search scans, every node's in one string: per node
// (in s.order's order) its scan text, "\x01", its pinyin initials and
// "\x00". Scanning nodeRecs one by one chased two pointers a node (the
// record, then its string) through 158,000 records of the city set: 12.7 ms
// a search on a quiet box, most of it waiting for memory. strings.Index
// over the contiguous text finds the candidates, a superset of the nodes
// whose scan text holds the query or whose initials start with it (a text
// with neither control character cannot match across two fields or two
// nodes), and only those are ranked.
//
// The text (17 MiB on the city set) is cut into blocks of whole entries of
// about blockBytes, each with a bit set of the trigrams (three bytes) it
// holds: a query of three bytes or more scans only the blocks that hold
// all of its trigrams (a pinyin name: a few blocks of 8,000), shorter ones
// the whole text.
//
// Built on the first search after a change (Store.search is cleared by
// every write, under mu held for writing) and shared until the next one.
type searchIndex struct {
	text   string
	ends   []int // ends[i] is where node i's entry ends in text
	recs   []*nodeRec
	starts []int    // starts[b] is where block b starts in text
	grams  []uint64 // block b's trigram bits are grams[b*blockWords:(b+1)*blockWords]
}

const (
	blockBytes = 2048
	blockBits  = 4096 // a power of two: ~750 distinct trigrams a block set ~17% of them
	blockWords = blockBits / 64
)

// gram hashes the trigram a, b, c to a bit of a block's set.
func gram(a, b, c byte) uint32 {
	return (uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 2654435761 >> (32 - 12)
}

func buildSearchIndex(order []*nodeRec) *searchIndex {
	n := 0
	for _, r := range order {
		n += len(r.scan) + len(r.key.Initials) + 2
	}
	var b strings.Builder
	b.Grow(n)
	x := &searchIndex{ends: make([]int, len(order)), recs: slices.Clone(order),
		starts: make([]int, 0, n/blockBytes+1), grams: make([]uint64, 0, (n/blockBytes+1)*blockWords)}
	for i, r := range order {
		if i == 0 || b.Len()-x.starts[len(x.starts)-1] >= blockBytes {
			x.starts = append(x.starts, b.Len())
			x.grams = append(x.grams, make([]uint64, blockWords)...)
		}
		start := b.Len()
		b.WriteString(r.scan)
		b.WriteByte(1)
		b.WriteString(r.key.Initials)
		b.WriteByte(0)
		x.ends[i] = b.Len()
		set := x.grams[len(x.grams)-blockWords:]
		e := b.String()[start:]
		for j := 0; j+2 < len(e); j++ {
			h := gram(e[j], e[j+1], e[j+2])
			set[h/64] |= 1 << (h % 64)
		}
	}
	x.text = b.String()
	return x
}

// indexable reports whether q can be looked up in a searchIndex: it holds
// neither of the separators.
func indexable(q string) bool { return !strings.ContainsAny(q, "\x00\x01") }

// candidates calls fn with every node whose entry holds q, once each, in
// order.
func (x *searchIndex) candidates(q string, fn func(*nodeRec)) {
	if len(q) < 3 {
		x.scan(q, 0, len(x.text), fn)
		return
	}
	hs := make([]uint32, 0, len(q)-2)
	for j := 0; j+2 < len(q); j++ {
		hs = append(hs, gram(q[j], q[j+1], q[j+2]))
	}
	from := -1 // the start of a run of blocks to scan
	for b := range x.starts {
		set := x.grams[b*blockWords : (b+1)*blockWords]
		all := true
		for _, h := range hs {
			if set[h/64]&(1<<(h%64)) == 0 {
				all = false
				break
			}
		}
		switch {
		case all && from < 0:
			from = x.starts[b]
		case !all && from >= 0:
			x.scan(q, from, x.starts[b], fn)
			from = -1
		}
	}
	if from >= 0 {
		x.scan(q, from, len(x.text), fn)
	}
}

// scan calls fn with every node whose entry in text[from:to] (whole
// entries) holds q.
func (x *searchIndex) scan(q string, from, to int, fn func(*nodeRec)) {
	for pos := from; pos < to; {
		i := strings.Index(x.text[pos:to], q)
		if i < 0 {
			return
		}
		k := pos2node(x.ends, pos+i)
		fn(x.recs[k])
		pos = x.ends[k]
	}
}

// pos2node returns the node whose entry holds text position at.
func pos2node(ends []int, at int) int {
	return sort.Search(len(ends), func(j int) bool { return ends[j] > at })
}

// searchable returns the search index of the store as it is, building it
// when a write has cleared it; mu must be held (for reading at least: no
// write can clear it meanwhile, so what is stored is current).
func (s *Store) searchable() *searchIndex {
	if x := s.search.Load(); x != nil {
		return x
	}
	x := buildSearchIndex(s.order)
	s.search.Store(x)
	return x
}
