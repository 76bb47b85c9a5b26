package graph

import (
	"fmt"
	"index/suffixarray"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Checking quotes. A stated (ARTICLE) or inferred (INFERRED) fact names a
// registered source (Provenance.SourceID) and a quote; the quote must occur
// verbatim in the source's text. "Verbatim" is an exact substring after
// Unicode NFC normalisation of both (canonical equivalents are the same
// text; NFC also maps CJK compatibility ideographs to their unified forms).
// Nothing else is folded: white space, line breaks and the width of
// punctuation count, so ASCII "," and full-width "，" differ (the Yuelin
// article writes ASCII , : ( ) beside full-width “”、。, and quotes copy them
// as they are). When a quote fails only on width or white space, the error
// says so. The stores keep quotes and texts in NFC (Node.Prepare), so that
// a plain substring test on what they hold gives the same answer.
//
// QuoteChecker is the one place the rule is applied: both stores run it on
// every write (CreateNode, UpdateNode, CreateEdge, Apply), and importers
// run it on a dry run.

// SourceText returns the text of the registered source id, and whether id
// is a registered source.
type SourceText func(id string) (text string, ok bool)

// QuoteChecker checks quotes against source texts. It looks each source up
// once and remembers each answer; a source asked about more than
// indexAfter times is indexed (a suffix array) so that each further quote
// costs O(len(quote)·log(len(text))) instead of a scan of the text: a batch
// of a million quotes against a 1 MiB source stays cheap. Not safe for
// concurrent use.
type QuoteChecker struct {
	text  SourceText
	docs  map[string]*sourceIndex
	hints int // width/space hints given: they cost a scan each, so a few only
}

// indexAfter is how many quotes are checked against a source by scanning
// before it is indexed.
const indexAfter = 16

// maxHints bounds the loose matches tried for error hints per checker.
const maxHints = 20

type sourceIndex struct {
	text   string
	known  bool
	checks int
	sa     *suffixarray.Index
	loose  string // the text with width folded and white space removed, for hints
	seen   map[string]bool
}

// NewQuoteChecker returns a checker over the sources text finds.
func NewQuoteChecker(text SourceText) *QuoteChecker {
	return &QuoteChecker{text: text, docs: map[string]*sourceIndex{}}
}

func (c *QuoteChecker) doc(id string) *sourceIndex {
	d := c.docs[id]
	if d == nil {
		d = &sourceIndex{seen: map[string]bool{}}
		d.text, d.known = c.text(id)
		d.text = nfc(d.text)
		c.docs[id] = d
	}
	return d
}

func (d *sourceIndex) contains(q string) bool {
	if found, ok := d.seen[q]; ok {
		return found
	}
	d.checks++
	if d.sa == nil && d.checks > indexAfter && len(d.text) > 4096 {
		d.sa = suffixarray.New([]byte(d.text))
	}
	var found bool
	if d.sa != nil {
		found = len(d.sa.Lookup([]byte(q), 1)) > 0
	} else {
		found = strings.Contains(d.text, q)
	}
	d.seen[q] = found
	return found
}

// Check checks p, a provenance that passed Validate, against its source:
// nothing for levels without a quote; for ARTICLE and INFERRED, that
// p.SourceID is a registered source and p.Quote occurs verbatim in its text.
// field prefixes the message and names the field at fault (ErrInvalid).
func (c *QuoteChecker) Check(field string, p Provenance) error {
	if !p.Source.Quoted() {
		return nil
	}
	d := c.doc(p.SourceID)
	if !d.known {
		return Invalidf(field+".sourceId", "%s.sourceId %q is not a registered source document (the sources query lists them; admins add them with registerSource)", field, p.SourceID)
	}
	q := nfc(p.Quote)
	if d.contains(q) {
		return nil
	}
	hint := ""
	if c.hints < maxHints {
		c.hints++
		if d.loose == "" {
			d.loose = loose(d.text)
		}
		if lq := loose(q); lq != "" && strings.Contains(d.loose, lq) {
			hint = ": it would if the width of punctuation or white space were ignored, so copy it exactly from the source's text (the Yuelin article writes ASCII , : ( ) beside full-width “”、。)"
		}
	}
	return Invalidf(field+".quote", "%s.quote does not occur verbatim in source %q%s", field, p.SourceID, hint)
}

// loose folds s for hints only: canonical width (full-width ，→ ,) and no
// white space.
func loose(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, width.Fold.String(s))
}

// CheckNode checks the node's own provenance and its attributes' (in key
// order); the first error is returned.
func (c *QuoteChecker) CheckNode(n *Node) error {
	if err := c.Check("provenance", n.Provenance); err != nil {
		return err
	}
	for _, k := range sortedKeys(n.AttrProvenance) {
		if err := c.Check("attrProvenance."+k, n.AttrProvenance[k]); err != nil {
			return err
		}
	}
	return nil
}

// CheckEdge checks the edge's provenance.
func (c *QuoteChecker) CheckEdge(e *Edge) error { return c.Check("provenance", e.Provenance) }

func sortedKeys(m map[string]Provenance) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// CitedSources returns the ids of the sources the node's provenances (its
// own and its attributes') cite, once each, sorted.
func (n *Node) CitedSources() []string {
	var ids []string
	if n.Provenance.Source.Quoted() {
		ids = append(ids, n.Provenance.SourceID)
	}
	for _, p := range n.AttrProvenance {
		if p.Source.Quoted() {
			ids = append(ids, p.SourceID)
		}
	}
	return compactIDs(ids)
}

// CitedSources returns the id of the source the edge cites, if any.
func (e *Edge) CitedSources() []string {
	if e.Provenance.Source.Quoted() {
		return compactIDs([]string{e.Provenance.SourceID})
	}
	return nil
}

// SourcesToRead returns the ids whose source texts a store needs to check
// b with CheckBatchSources: every source a node or edge cites, and every
// Source node the batch upserts (its stored text must not change) or
// deletes (a source never is), once each, sorted.
func (b *Batch) SourcesToRead() []string {
	var ids []string
	for i := range b.Nodes {
		n := &b.Nodes[i]
		ids = append(ids, n.CitedSources()...)
		if n.Label == LabelSource {
			ids = append(ids, n.ID)
		}
	}
	for i := range b.Edges {
		ids = append(ids, b.Edges[i].CitedSources()...)
	}
	ids = append(ids, b.DeleteNodes...)
	return compactIDs(ids)
}

func compactIDs(ids []string) []string {
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
	slices.Sort(ids)
	return slices.Compact(ids)
}

// CheckBatchSources checks every quote of b (prepared, as ValidateBatch
// leaves it) against the sources: those b itself registers (Source nodes,
// so that a seed brings its source along) and those stored finds. It also
// refuses a Source node of b whose stored text differs (SourceChange) and
// the deletion of a stored source (DeleteNodes). Items whose provenance
// fails Validate are left to ValidateBatch, which reports them. It returns
// every problem, with items named as ValidateBatch names them.
func CheckBatchSources(b *Batch, stored SourceText) []Problem {
	var probs []Problem
	inBatch := map[string]string{}
	for i := range b.Nodes {
		n := &b.Nodes[i]
		if n.Label != LabelSource || validateSource(n) != nil {
			continue
		}
		text, _ := n.Attrs[AttrText].(string)
		if old, ok := stored(n.ID); ok && old != text {
			probs = append(probs, Problem{Item: fmt.Sprintf("node[%d]", i), ID: n.ID, Field: "attrs.text",
				Err: SourceChange(&Node{ID: n.ID, Label: LabelSource, Attrs: map[string]any{AttrText: old}}, n)})
			continue
		}
		inBatch[n.ID] = text
	}
	c := NewQuoteChecker(func(id string) (string, bool) {
		if t, ok := inBatch[id]; ok {
			return t, true
		}
		return stored(id)
	})
	check := func(item, id, field string, p Provenance) {
		if p.Validate(field) != nil {
			return
		}
		if err := c.Check(field, p); err != nil {
			probs = append(probs, Problem{Item: item, ID: id, Field: errField(err), Err: err})
		}
	}
	for i := range b.Nodes {
		n := &b.Nodes[i]
		item := fmt.Sprintf("node[%d]", i)
		check(item, n.ID, "provenance", n.Provenance)
		for _, k := range sortedKeys(n.AttrProvenance) {
			check(item, n.ID, "attrProvenance."+k, n.AttrProvenance[k])
		}
	}
	for i := range b.Edges {
		e := &b.Edges[i]
		check(fmt.Sprintf("edge[%d]", i), e.ID, "provenance", e.Provenance)
	}
	for _, id := range b.DeleteNodes {
		if _, ok := stored(id); ok {
			probs = append(probs, Problem{Item: "delete", ID: id, Err: SourceDeletion(id)})
		}
	}
	return probs
}

func errField(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Field
	}
	return ""
}
