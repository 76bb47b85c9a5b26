package graph

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// MigrationReport says what MigrateLegacyProvenance did.
type MigrationReport struct {
	// Registered is set when the migration registered the source (and so
	// ran): a store that already holds it was migrated before, or was
	// written with sources from the start.
	Registered bool
	// Cited counts the stated facts (nodes, attributes, edges) that now cite
	// the source.
	Cited int
	// Downgraded names the facts whose quote does not occur verbatim in the
	// source (or is shorter than MinQuoteRunes): they are USER now, their
	// quote kept as a note and Ref saying why ("node ID provenance",
	// "node ID attrProvenance.KEY", "edge ID provenance").
	Downgraded []string
}

// LegacyRef is the provenance ref a downgraded legacy fact gets (when it
// had none).
func LegacyRef(sourceID string) string {
	return "legacy ARTICLE: quote not found in " + sourceID
}

// MigrateLegacyProvenance brings a store written before sources were
// registered up to date, in one Apply: it registers src (the Source node of
// the document legacy ARTICLE facts quote: LegacySourceID, the Yuelin
// article) and, for every ARTICLE provenance without a SourceID (nodes,
// attributes, edges), gives it src.ID when its quote occurs verbatim in
// src's text (QuoteChecker), or else makes the fact USER, keeping its quote
// as a note and saying so in Ref (LegacyRef). The store's other facts are
// left alone.
//
// It is idempotent and cheap after the first time: when src is already
// stored it does nothing; when no node is ARTICLE (one indexed FindNodes)
// it does nothing either, without registering src. Only otherwise does it
// read a Snapshot. A store whose only ARTICLE facts are edges or attributes
// of non-ARTICLE nodes is therefore left as it is; their facts read with no
// SourceID and cannot be updated until their provenance is set. Run it
// before serving or seeding (orgnet serve and orgnet seed do, with the
// Yuelin article): writes made between its Snapshot and its Apply would be
// overwritten by what it read.
func MigrateLegacyProvenance(ctx context.Context, s Store, src Node) (MigrationReport, error) {
	var rep MigrationReport
	src.Prepare()
	if err := src.Validate(); err != nil {
		return rep, err
	}
	if src.Label != LabelSource {
		return rep, Invalidf("label", "%q is a %s, not a source document", src.ID, src.Label)
	}
	got, err := s.Nodes(ctx, View{}, []string{src.ID})
	if err != nil {
		return rep, fmt.Errorf("migrate provenance: look up %s: %w", src.ID, err)
	}
	if got[0] != nil {
		return rep, nil
	}
	page, err := s.FindNodes(ctx, View{}, NodeFilter{Sources: []Source{SourceArticle}}, PageArgs{First: 1, NoTotal: true})
	if err != nil {
		return rep, fmt.Errorf("migrate provenance: find stated facts: %w", err)
	}
	if len(page.Nodes) == 0 {
		return rep, nil
	}
	snap, err := s.Snapshot(ctx, View{})
	if err != nil {
		return rep, fmt.Errorf("migrate provenance: %w", err)
	}
	text, _ := src.Attrs[AttrText].(string)
	checker := NewQuoteChecker(func(id string) (string, bool) { return text, id == src.ID })
	fix := func(what string, p *Provenance) bool {
		if p.Source != SourceArticle || p.SourceID != "" {
			return false
		}
		c := *p
		c.SourceID = src.ID
		if c.Validate("") == nil && checker.Check("", c) == nil {
			*p = c
			rep.Cited++
			return true
		}
		p.Source = SourceUser
		tag := LegacyRef(src.ID)
		if p.Ref != "" {
			tag += "; was " + p.Ref
		}
		if utf8.RuneCountInString(tag) > maxNameRunes {
			tag = string([]rune(tag)[:maxNameRunes])
		}
		p.Ref = tag
		rep.Downgraded = append(rep.Downgraded, what)
		return true
	}
	b := Batch{Nodes: []Node{src}}
	for _, n := range snap.Nodes {
		c := n.Clone()
		changed := fix("node "+n.ID+" provenance", &c.Provenance)
		for _, k := range sortedKeys(c.AttrProvenance) {
			p := c.AttrProvenance[k]
			if fix("node "+n.ID+" attrProvenance."+k, &p) {
				c.AttrProvenance[k] = p
				changed = true
			}
		}
		if changed {
			b.Nodes = append(b.Nodes, *c)
		}
	}
	for _, e := range snap.Edges {
		c := e.Clone()
		if fix("edge "+e.ID+" provenance", &c.Provenance) {
			b.Edges = append(b.Edges, *c)
		}
	}
	if _, err := s.Apply(WithOperation(ctx, Operation{Name: "migrate"}), b); err != nil {
		return MigrationReport{}, fmt.Errorf("migrate provenance: %w", err)
	}
	rep.Registered = true
	return rep, nil
}
