package model

import (
	"unicode/utf8"

	"github.com/orgnet/orgnet/graph"
)

// SourceDocument is a registered source document (a graph.LabelSource node);
// gqlgen binds its fields to these methods.
type SourceDocument struct{ D *graph.Document }

// SourceDocumentOf wraps the document a Source node holds; nil for any
// other node.
func SourceDocumentOf(n *graph.Node) *SourceDocument {
	if d := graph.DocumentOf(n); d != nil {
		return &SourceDocument{D: d}
	}
	return nil
}

// ID is the source's id.
func (s SourceDocument) ID() string { return s.D.ID }

// Kind is what sort of document it is.
func (s SourceDocument) Kind() SourceKind { return SourceKind(s.D.Kind) }

// Title is the title as the document gives it.
func (s SourceDocument) Title() string { return s.D.Title }

// TitleEn is the English title, null when empty.
func (s SourceDocument) TitleEn() *string { return optString(s.D.TitleEn) }

// Author is who wrote it, null when unknown.
func (s SourceDocument) Author() *string { return optString(s.D.Author) }

// Publication is where it was published, null when unknown.
func (s SourceDocument) Publication() *string { return optString(s.D.Publication) }

// URL is where it can be read, null when unknown.
func (s SourceDocument) URL() *string { return optString(s.D.URL) }

// Published is when it was published, null when unknown.
func (s SourceDocument) Published() *string { return optString(s.D.Published) }

// Text is the whole text.
func (s SourceDocument) Text() string { return s.D.Text }

// Length is the text's length in characters.
func (s SourceDocument) Length() int { return utf8.RuneCountInString(s.D.Text) }

// RegisteredBy is who registered it, null when unknown.
func (s SourceDocument) RegisteredBy() *string { return optString(s.D.Ref) }
