package graph

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Source says how a fact is known: its provenance level. (The type's name
// predates source documents; a registered source document is a node
// labelled LabelSource, see sources.go.)
type Source string

// The provenance levels.
const (
	// SourceArticle: stated. The fact is said in a registered source
	// document (SourceID) and Quote occurs verbatim in that document's text.
	// The value keeps its first name, from when the Yuelin article was the
	// only source, so that clients and stored data keep working; it means
	// "stated in a source".
	SourceArticle Source = "ARTICLE"
	// SourceInferred: derived from a quote. Quote occurs verbatim in the
	// source SourceID (checked as for ARTICLE), and Reasoning says in one
	// line how the fact follows from it.
	SourceInferred Source = "INFERRED"
	// SourceIllustrative: plausible but invented, to fill what the sources
	// do not say (other alliances, pairings, strength, adjacency); Quote may
	// hold a note on what was assumed. Never checked against a source.
	SourceIllustrative Source = "ILLUSTRATIVE"
	// SourceSynthetic: generated at scale by the synthetic generator.
	SourceSynthetic Source = "SYNTHETIC"
	// SourceUser: entered through the API or imported from a file (Ref),
	// without a source.
	SourceUser Source = "USER"
)

// Sources lists every Source, in a fixed order.
var Sources = []Source{SourceArticle, SourceInferred, SourceIllustrative, SourceSynthetic, SourceUser}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool {
	for _, v := range Sources {
		if s == v {
			return true
		}
	}
	return false
}

// Quoted reports whether facts of level s rest on a quote of a registered
// source, checked verbatim: ARTICLE and INFERRED.
func (s Source) Quoted() bool { return s == SourceArticle || s == SourceInferred }

// Limits on provenance text.
const (
	// MinQuoteRunes is the shortest quote a stated or inferred fact may rest
	// on: a fragment of a few characters occurs in almost any text and
	// proves nothing.
	MinQuoteRunes = 10
	// MaxReasoningRunes bounds the one line of reasoning of an INFERRED fact.
	MaxReasoningRunes = 500
)

// Provenance is carried by every node, edge and (where it differs from its
// node's) attribute.
type Provenance struct {
	Source Source `json:"source"`
	// SourceID is the id of the registered source document (a node labelled
	// LabelSource) that Quote is taken from: required for ARTICLE and
	// INFERRED, empty otherwise.
	SourceID string `json:"sourceId,omitempty"`
	// Quote is the source's sentence a fact rests on (ARTICLE, INFERRED),
	// or a note (ILLUSTRATIVE, SYNTHETIC, USER).
	Quote string `json:"quote,omitempty"`
	// Reasoning says in one line how an INFERRED fact follows from Quote.
	Reasoning string `json:"reasoning,omitempty"`
	// Ref names the origin beyond the source: a file for imports, a
	// generator and seed for synthetic data, a scenario for committed plans.
	Ref string `json:"ref,omitempty"`
}

// Validate checks the shape of the provenance (not its quote against the
// source: that is QuoteChecker's, which needs the sources' texts); field
// prefixes error messages and names the field at fault.
func (p Provenance) Validate(field string) error {
	if !p.Source.Valid() {
		return Invalidf(field+".source", "%s.source %q is not one of %v", field, p.Source, Sources)
	}
	if err := checkText(field+".quote", p.Quote, 0, maxQuoteRunes); err != nil {
		return err
	}
	if err := checkText(field+".reasoning", p.Reasoning, 0, MaxReasoningRunes); err != nil {
		return err
	}
	if err := checkText(field+".ref", p.Ref, 0, maxNameRunes); err != nil {
		return err
	}
	if !p.Source.Quoted() {
		if p.SourceID != "" {
			return Invalidf(field+".sourceId", "%s.sourceId is only for ARTICLE and INFERRED facts, whose quotes are checked against it; %s facts have none", field, p.Source)
		}
		if p.Reasoning != "" {
			return Invalidf(field+".reasoning", "%s.reasoning is only for INFERRED facts; %s facts have none", field, p.Source)
		}
		return nil
	}
	if p.SourceID == "" {
		return Invalidf(field+".sourceId", "%s.sourceId is required: an %s fact names the registered source document its quote is from (see the sources query)", field, p.Source)
	}
	if err := ValidateID(field+".sourceId", p.SourceID); err != nil {
		return err
	}
	if p.Quote == "" {
		return Invalidf(field+".quote", "%s.quote is required: an %s fact needs the sentence of its source it rests on", field, p.Source)
	}
	if n := utf8.RuneCountInString(p.Quote); n < MinQuoteRunes {
		return Invalidf(field+".quote", "%s.quote is %d characters long; a quote must have at least %d, since a fragment proves nothing", field, n, MinQuoteRunes)
	}
	switch {
	case p.Source == SourceInferred && strings.TrimSpace(p.Reasoning) == "":
		return Invalidf(field+".reasoning", "%s.reasoning is required: an INFERRED fact says in one line how it follows from its quote", field)
	case p.Source == SourceInferred && strings.ContainsAny(p.Reasoning, "\r\n"):
		return Invalidf(field+".reasoning", "%s.reasoning must be one line", field)
	case p.Source == SourceArticle && p.Reasoning != "":
		return Invalidf(field+".reasoning", "%s.reasoning is only for INFERRED facts: a stated (ARTICLE) fact is said by its quote; mark it INFERRED if it takes reasoning", field)
	}
	return nil
}

// normalise puts the provenance's texts in Unicode NFC, the form quotes are
// compared in (see QuoteChecker).
func (p *Provenance) normalise() {
	p.Quote = nfc(p.Quote)
	p.Reasoning = nfc(p.Reasoning)
}

// nfc returns s in Unicode normalisation form C; s itself when it already is.
func nfc(s string) string {
	if norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}
