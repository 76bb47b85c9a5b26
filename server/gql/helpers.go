package gql

import (
	"context"

	"crypto/rand"
	"encoding/hex"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
	"github.com/orgnet/orgnet/server/gql/model"
	"github.com/orgnet/orgnet/server/policy"
)

// relationsOf is the relations field of node b.
func (r *Resolver) relationsOf(ctx context.Context, b model.Base, types []model.RelationType, dir *model.Direction, limit *int) ([]*model.Relation, error) {
	ts := relTypes(types)
	for _, t := range ts {
		if !t.Valid() {
			return nil, graph.Invalidf("types", "relationship type %q is not one of %v", t, graph.RelTypes)
		}
	}
	rel, err := r.relatedList(ctx, b.V, "relations", b.N.ID, limit, direction(dir), ts...)
	if err != nil {
		return nil, err
	}
	return relations(b.N, rel, b.V), nil
}

// parentOf is the first node (by id) that node b is directly under, read
// as parents is by default (BAD_USER_INPUT when there are more).
func (r *Resolver) parentOf(ctx context.Context, b model.Base) (model.Node, error) {
	rel, err := r.relatedList(ctx, b.V, "parents", b.N.ID, nil, graph.Out, graph.RelSubOrganisationOf)
	if err != nil || len(rel) == 0 {
		return nil, err
	}
	return model.Wrap(rel[0].Node, b.V), nil
}

// typed returns the node with id, read with v, if it has the given label;
// otherwise NOT_FOUND naming what was looked for.
func (r *Resolver) typed(ctx context.Context, v graph.View, id string, l graph.Label) (*graph.Node, error) {
	n, err := r.Store.Node(ctx, v, id)
	if err != nil {
		if errors.Is(err, graph.ErrNotFound) {
			return nil, graph.NotFoundf("no %s has id %q", strings.ToLower(string(l)), id)
		}
		return nil, err
	}
	if n.Label != l {
		return nil, graph.NotFoundf("%q is a %s, not a %s", id, n.Label, l)
	}
	return n, nil
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

// newID makes a readable id for a new node from its English name, with a
// random suffix when that is taken (by any node stored, ended or not) or
// there is no English name.
func (r *Resolver) newID(ctx context.Context, prefix, nameEn string) (string, error) {
	slug := strings.Trim(slugRE.ReplaceAllString(strings.ToLower(nameEn), "-"), "-")
	if len(slug) > 60 {
		slug = strings.Trim(slug[:60], "-")
	}
	if slug != "" {
		id := prefix + ":" + slug
		if ns, err := r.Store.Nodes(ctx, graph.View{}, []string{id}); err != nil {
			return "", err
		} else if ns[0] == nil {
			return id, nil
		}
		slug += "-"
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return prefix + ":" + slug + hex.EncodeToString(b[:]), nil
}

// createWith creates node n together with edges from it (an edge with an
// empty From starts at n; an empty To ends at n), all in one transaction.
// It refuses an id that is taken (CONFLICT), since Apply alone would upsert.
func (r *Resolver) createWith(ctx context.Context, n graph.Node, prefix string, edges []graph.Edge) (*graph.Node, error) {
	if n.ID == "" {
		id, err := r.newID(ctx, prefix, n.NameEn)
		if err != nil {
			return nil, err
		}
		n.ID = id
	}
	if len(edges) == 0 {
		return r.Store.CreateNode(ctx, n)
	}
	if err := graph.ValidateID("id", n.ID); err != nil {
		return nil, err
	}
	// Any node stored, ended or not, holds its id: Apply would replace it.
	existing, err := r.Store.Nodes(ctx, graph.View{}, []string{n.ID})
	if err != nil {
		return nil, err
	}
	if existing[0] != nil {
		return nil, graph.Conflictf("id %q is taken", n.ID)
	}
	for i := range edges {
		if edges[i].From == "" {
			edges[i].From = n.ID
		}
		if edges[i].To == "" {
			edges[i].To = n.ID
		}
	}
	if _, err := r.Store.Apply(ctx, graph.Batch{Nodes: []graph.Node{n}, Edges: edges}); err != nil {
		// One node and its edges: the first problem (the node's own, when it
		// has one) names the field at fault, as CreateNode's error would.
		var be *graph.BatchError
		if errors.As(err, &be) && len(be.Problems) > 0 {
			return nil, be.Problems[0].Err
		}
		return nil, err
	}
	return r.Store.Node(ctx, graph.View{}, n.ID)
}

// todayView is the view of the root fields that have no asOf argument
// (mutations, analysis, planning): the network as it is today. The
// relations of the objects they return are read with it.
func todayView() graph.View { return graph.View{AsOf: graph.Today()} }

// rootView is the view of a root field: as of its asOf argument (today
// when there is none), lean when the whole operation may be read lean
// (policy.Lean).
func rootView(ctx context.Context, asOf *string) graph.View {
	v := graph.View{AsOf: deref(asOf), Lean: policy.Lean(graphql.GetOperationContext(ctx))}
	if v.AsOf == "" {
		v.AsOf = graph.Today()
	}
	return v
}

// analysis returns the analysis cache, making one over the store if the
// server gave none.
func (r *Resolver) analysis() *analysis.Cache {
	r.analysisOnce.Do(func() {
		if r.Analysis == nil {
			// Not under the snapshot gate (snapshots.go): the cache keeps
			// one snapshot a generation, shared by every caller, and an
			// operation holding a slot for its planning may wait on it.
			r.Analysis = analysis.NewCache(func(ctx context.Context) (*graph.Snapshot, error) {
				// The topology alone (ids, labels, kinds, edge ends) is
				// what analysis reads: on Neo4j a lean snapshot is a
				// fraction of the time and memory of a full one.
				snap, err := r.Store.Snapshot(ctx, graph.View{Lean: true})
				if err != nil {
					return nil, err
				}
				// Saved scenarios and source documents are records, not part
				// of the network.
				snap.Nodes = slices.DeleteFunc(snap.Nodes, func(n *graph.Node) bool { return graph.IsRecord(n.Label) })
				return snap, nil
			})
		}
		r.Analysis.SetPatch(r.analysisPatch)
		if r.Broker != nil {
			// Re-read what a change touched; a change that lists nothing
			// (many ids, a RESYNC) loads it all.
			r.Broker.OnChange(func(ch *model.GraphChange) { r.Analysis.Changed(ch.Ids) })
		}
	})
	return r.Analysis
}

// patchChunk is how many node ids one pair of reads of analysisPatch asks
// for: a change lists at most graph.MaxChangeIDs.
const patchChunk = graph.MaxChangeIDs

// analysisPatch is the analysis cache's Patch: the nodes among ids that
// exist now, records left out as the load leaves them, and every edge at
// them, read as the load reads them (lean).
func (r *Resolver) analysisPatch(ctx context.Context, ids []string) (*graph.Snapshot, error) {
	v := graph.View{Lean: true}
	out := &graph.Snapshot{}
	for chunk := range slices.Chunk(ids, patchChunk) {
		nodes, err := r.Store.Nodes(ctx, v, chunk)
		if err != nil {
			return nil, err
		}
		for _, n := range nodes {
			if n != nil && !graph.IsRecord(n.Label) {
				out.Nodes = append(out.Nodes, n)
			}
		}
		rel, err := r.Store.Related(ctx, v, chunk, graph.RelQuery{})
		if err != nil {
			return nil, err
		}
		for _, id := range chunk {
			for _, x := range rel[id] {
				out.Edges = append(out.Edges, x.Edge)
			}
		}
	}
	return out, nil
}

// AnalysisCache is the resolver's analysis cache (made on first use).
func (r *Resolver) AnalysisCache() *analysis.Cache { return r.analysis() }

func analysisOptions(relations []model.RelationType, kinds []model.OrgKind) analysis.Options {
	o := analysis.Options{Relations: relTypes(relations)}
	for _, k := range kinds {
		o.Kinds = append(o.Kinds, string(k))
	}
	return o
}
