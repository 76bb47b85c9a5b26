package gql

import (
	"context"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql/model"
)

// maxSourcesPage bounds a page of sources: each may carry up to
// graph.MaxSourceTextBytes of text.
const maxSourcesPage = 100

// sources lists registered source documents by id, a page at a time.
func (r *Resolver) sources(ctx context.Context, first int, after string) ([]*model.SourceDocument, error) {
	if first < 1 || first > maxSourcesPage {
		return nil, graph.Invalidf("first", "first must be between 1 and %d, got %d", maxSourcesPage, first)
	}
	args := graph.PageArgs{First: first, NoTotal: true}
	if after != "" {
		args.After = graph.EncodeCursor(after)
	}
	page, err := r.Store.FindNodes(ctx, graph.View{}, graph.NodeFilter{Labels: []graph.Label{graph.LabelSource}}, args)
	if err != nil {
		return nil, err
	}
	out := make([]*model.SourceDocument, 0, len(page.Nodes))
	for _, n := range page.Nodes {
		if d := model.SourceDocumentOf(n); d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// registerSource stores a new source document (admin only: fieldRoles),
// registered by the caller. Its id is made from titleEn when none is given;
// a taken id is CONFLICT.
func (r *Resolver) registerSource(ctx context.Context, in model.RegisterSourceInput) (*model.SourceDocument, error) {
	d := graph.Document{Title: in.Title, TitleEn: deref(in.TitleEn), Author: deref(in.Author), Publication: deref(in.Publication),
		URL: deref(in.URL), Published: deref(in.Published), Text: in.Text}
	if in.Kind != nil {
		d.Kind = string(*in.Kind)
	}
	if p, ok := auth.FromContext(ctx); ok {
		d.Ref = p.Name
	}
	if in.ID != nil {
		d.ID = *in.ID
	} else {
		id, err := r.newID(ctx, "source", d.TitleEn)
		if err != nil {
			return nil, err
		}
		d.ID = id
	}
	n, err := r.Store.CreateNode(ctx, d.Node())
	if err != nil {
		return nil, err
	}
	return model.SourceDocumentOf(n), nil
}
