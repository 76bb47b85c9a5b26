package graph

// Source says where a fact came from.
type Source string

// The sources a fact may have.
const (
	// SourceArticle: stated in the Yuelin article; Quote holds the sentence.
	SourceArticle Source = "ARTICLE"
	// SourceIllustrative: plausible but invented, to fill what the article
	// does not say (other alliances, pairings, strength, adjacency).
	SourceIllustrative Source = "ILLUSTRATIVE"
	// SourceSynthetic: generated at scale by the synthetic generator.
	SourceSynthetic Source = "SYNTHETIC"
	// SourceUser: entered through the API or imported from a file (Ref).
	SourceUser Source = "USER"
)

// Sources lists every Source, in a fixed order.
var Sources = []Source{SourceArticle, SourceIllustrative, SourceSynthetic, SourceUser}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool {
	for _, v := range Sources {
		if s == v {
			return true
		}
	}
	return false
}

// Provenance is carried by every node, edge and (where it differs from its
// node's) attribute.
type Provenance struct {
	Source Source `json:"source"`
	// Quote is the article sentence a fact rests on (ARTICLE), or a note.
	Quote string `json:"quote,omitempty"`
	// Ref names the origin beyond the source: a file for imports, a
	// generator and seed for synthetic data, a scenario for committed plans.
	Ref string `json:"ref,omitempty"`
}

// Validate checks the provenance; field prefixes error messages.
func (p Provenance) Validate(field string) error {
	if !p.Source.Valid() {
		return Invalidf(field+".source", "%s.source %q is not one of ARTICLE, ILLUSTRATIVE, SYNTHETIC, USER", field, p.Source)
	}
	if p.Source == SourceArticle && p.Quote == "" {
		return Invalidf(field+".quote", "%s: an ARTICLE fact needs the quote it rests on", field)
	}
	if err := checkText(field+".quote", p.Quote, 0, maxQuoteRunes); err != nil {
		return err
	}
	return checkText(field+".ref", p.Ref, 0, maxNameRunes)
}
