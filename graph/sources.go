package graph

import (
	"regexp"
	"strings"
)

// Source documents. A source is a registered document whose text stated and
// inferred facts quote: the Yuelin article first (registered with the seed),
// more as admins add them. It is stored as a node labelled LabelSource, like
// a saved Scenario a record kept beside the network rather than part of it
// (IsRecord): it has no edges, and search, analysis, exports and the
// network's queries leave it out. Its text is kept whole, so that every
// quote can be checked on either store, and never changes once registered:
// the facts that quote it would no longer be checked against what they
// quoted. A source is never deleted, for the same reason.
//
// A Source node keeps its title in Name (NameEn: the title in English) and
// the rest in attributes: AttrText (required, at most MaxSourceTextBytes),
// AttrAuthor, AttrPublication, AttrURL and AttrPublished. Its own provenance
// is USER, with Ref naming who registered it.

// LabelSource labels a registered source document.
const LabelSource Label = "Source"

// Attribute keys of a Source node.
const (
	AttrText        = "text"        // the document's full text (NFC)
	AttrAuthor      = "author"      // who wrote it
	AttrPublication = "publication" // where it was published
	AttrURL         = "url"         // where it can be read
	AttrPublished   = "published"   // when: YYYY, YYYY-MM or YYYY-MM-DD
)

// MaxSourceTextBytes bounds a source's text: 1 MiB of UTF-8 (the Yuelin
// article is 12 KB), so that checking a quote costs a bounded scan.
const MaxSourceTextBytes = 1 << 20

// LegacySourceID is the source that ARTICLE facts stored or exported before
// sources were registered cite: the Yuelin article, then the only source.
// MigrateLegacyProvenance gives it to stored facts whose quote occurs in
// it; importers give it to a file's ARTICLE facts that name no source.
const LegacySourceID = "source:yuelin-article"

// IsRecord reports whether nodes of label l are records kept beside the
// network (saved scenarios, source documents) rather than part of it:
// search, analysis and exports of the network leave them out.
func IsRecord(l Label) bool { return l == LabelScenario || l == LabelSource }

// Document is a registered source document, the view of a Source node.
type Document struct {
	ID          string
	Kind        string // one of Kinds[LabelSource]
	Title       string
	TitleEn     string
	Author      string
	Publication string
	URL         string
	Published   string
	Text        string
	// Ref names who registered it (the Source node's provenance ref).
	Ref string
}

// DocumentOf returns the document a Source node holds, or nil when n is not
// a Source node.
func DocumentOf(n *Node) *Document {
	if n == nil || n.Label != LabelSource {
		return nil
	}
	s := func(k string) string { v, _ := n.Attrs[k].(string); return v }
	return &Document{ID: n.ID, Kind: n.Kind, Title: n.Name, TitleEn: n.NameEn, Author: s(AttrAuthor),
		Publication: s(AttrPublication), URL: s(AttrURL), Published: s(AttrPublished), Text: s(AttrText), Ref: n.Provenance.Ref}
}

// Node returns the Source node that registers d.
func (d Document) Node() Node {
	attrs := map[string]any{AttrText: d.Text}
	for k, v := range map[string]string{AttrAuthor: d.Author, AttrPublication: d.Publication, AttrURL: d.URL, AttrPublished: d.Published} {
		if v != "" {
			attrs[k] = v
		}
	}
	return Node{ID: d.ID, Label: LabelSource, Kind: d.Kind, Name: d.Title, NameEn: d.TitleEn, Attrs: attrs,
		Provenance: Provenance{Source: SourceUser, Ref: d.Ref}}
}

var publishedRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// validateSource checks what a Source node needs beyond any node's rules.
func validateSource(n *Node) error {
	text, ok := n.Attrs[AttrText].(string)
	switch {
	case !ok || strings.TrimSpace(text) == "":
		return Invalidf("attrs.text", "a source document needs its text (attribute %q)", AttrText)
	case len(text) > MaxSourceTextBytes:
		return Invalidf("attrs.text", "the source's text is %d bytes long; at most %d", len(text), MaxSourceTextBytes)
	}
	for k, v := range n.Attrs {
		switch k {
		case AttrText:
		case AttrAuthor, AttrPublication, AttrURL, AttrPublished:
			s, ok := v.(string)
			if !ok {
				return Invalidf("attrs."+k, "attribute %q of a source is text", k)
			}
			if err := checkText("attrs."+k, s, 0, maxQuoteRunes); err != nil {
				return err
			}
			if k == AttrPublished && !publishedRE.MatchString(s) {
				return Invalidf("attrs.published", "published %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
			}
		default:
			return Invalidf("attrs."+k, "a source document has no attribute %q (it has %s, %s, %s, %s, %s)",
				k, AttrText, AttrAuthor, AttrPublication, AttrURL, AttrPublished)
		}
	}
	switch {
	case len(n.AttrProvenance) > 0:
		return Invalidf("attrProvenance", "a source document's attributes have no provenance of their own")
	case n.Tier != 0:
		return Invalidf("tier", "a source document has no tier")
	case n.Provenance.Source != SourceUser:
		return Invalidf("provenance.source", "a source document's own provenance is USER (ref: who registered it), not %s", n.Provenance.Source)
	}
	return nil
}

// SourceChange checks that replacing the stored node old by n keeps a
// source document's text: a source's text never changes (its title and
// details may). Returns ErrConflict; nil when neither is a source.
func SourceChange(old, n *Node) error {
	if old == nil || (old.Label != LabelSource && n.Label != LabelSource) {
		return nil
	}
	if old.Label != n.Label {
		return nil // the stores refuse a change of label on their own
	}
	if was, now := old.Attrs[AttrText], n.Attrs[AttrText]; was != now {
		e := Conflictf("source %q is registered with another text; a source's text never changes, since facts quote it (register a new source instead)", n.ID)
		e.Field = "attrs.text"
		return e
	}
	return nil
}

// SourceDeletion is the error of deleting the source document id: sources
// are permanent, since facts quote them.
func SourceDeletion(id string) error {
	return Conflictf("%q is a source document; sources are never deleted, since facts quote them", id)
}
