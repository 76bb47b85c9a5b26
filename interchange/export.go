package interchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
)

// Exports are written as they are read. The whole graph is read from the
// store in pages of ExportPageSize nodes (Store.FindNodes, ordered by id)
// with the edges out of each page (Store.Related, one call per page): an
// export holds one page and the writer's buffers in memory, whatever the
// size of the graph. Formats that declare their columns or keys before the
// items (CSV, GraphML, GEXF) read the graph more than once: a first pass
// collects the attribute names and types, the next ones write.
//
// The passes are separate reads, not one transaction: what is written while
// an export runs may or may not be in it. An item whose attribute types
// changed between the passes cannot be written under the columns already
// declared; the export then fails with ErrChanged (over HTTP: the
// connection is cut, the download is incomplete) and can be run again.

// ExportPageSize is how many nodes an export reads at a time.
const ExportPageSize = graph.MaxPageSize

// exportPageSize is ExportPageSize; tests make it small to see many pages.
var exportPageSize = ExportPageSize

// ErrChanged is the error of an export during which the graph changed so
// that what was declared first no longer fits what is read later.
var ErrChanged = errors.New("the graph changed during the export (an attribute changed its type); export again")

// ExportOptions shape an export.
type ExportOptions struct {
	// Compound, for Cytoscape: "alliances" draws each alliance as a compound
	// node holding its members (data.parent); "" draws a flat graph. See
	// ParseCompound.
	Compound string
}

// CompoundAlliances is the one compound mode: alliances as parents.
const CompoundAlliances = "alliances"

// ParseCompound checks a compound mode: "" (none) or "alliances".
func ParseCompound(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return "", nil
	case CompoundAlliances:
		return CompoundAlliances, nil
	}
	return "", graph.Invalidf("compound", "compound %q is not one of alliances, none", s)
}

// Export writes the part of store that spec selects to w in format, as it
// reads it (see above). A neighbourhood or an alliance (at most
// graph.MaxNeighbourhoodSize nodes) is read first and then written. Errors
// before anything is written are those of Subgraph (ErrInvalid,
// ErrNotFound, ErrUnavailable); w sees no byte of a failed export when the
// failure comes before the writer's first 64 KiB.
func Export(ctx context.Context, w io.Writer, store graph.Store, format Format, spec SubgraphSpec, opt ExportOptions) error {
	if _, err := ParseFormat(string(format)); err != nil {
		return graph.Invalidf("format", "%v", err)
	}
	src, err := exportSource(ctx, store, spec)
	if err != nil {
		return err
	}
	return write(ctx, w, format, src, opt)
}

// exportSource returns the source of what spec selects: the store itself
// for the whole graph, a snapshot of a neighbourhood or an alliance.
func exportSource(ctx context.Context, store graph.Store, spec SubgraphSpec) (itemSource, error) {
	if spec.Root != "" || spec.AllianceID != "" || spec.Depth != 0 {
		g, err := Subgraph(ctx, store, spec)
		if err != nil {
			return nil, err
		}
		return newSnapshotSource(g)
	}
	for _, t := range spec.Relations {
		if !t.Valid() {
			return nil, graph.Invalidf("relations", "relationship type %q is not one of %v", t, graph.RelTypes)
		}
	}
	types := spec.Relations
	if types == nil {
		types = []graph.RelType{}
	}
	return &storeSource{store: store, view: spec.view(), types: types}, nil
}

// networkLabels are the labels of the network, less the records kept
// beside it (graph.IsRecord: source documents, saved scenarios), which
// exports of the whole graph leave out as Subgraph does.
var networkLabels = func() []graph.Label {
	var ls []graph.Label
	for _, l := range graph.Labels {
		if !graph.IsRecord(l) {
			ls = append(ls, l)
		}
	}
	return ls
}()

// An itemSource hands an export its nodes, in pages ordered by id, with the
// edges out of each node when asked.
type itemSource interface {
	pages(ctx context.Context, q pageQuery, fn func(*page) error) error
}

// pageQuery says what a pass reads: nodes of labels (all when empty); with
// out set, the edges out of each node of the edge types (nil: the export's
// own relation filter; empty: all).
type pageQuery struct {
	labels []graph.Label
	out    bool
	types  []graph.RelType
}

// page is a page of nodes with, when asked, the edges out of each (with the
// node at the other end), ordered by edge type, then the other node's id.
type page struct {
	nodes []*graph.Node
	out   map[string][]graph.Related
}

// edges returns the edges out of the page's nodes in order: by node, then
// as Related orders them.
func (p *page) edges() []*graph.Edge {
	var es []*graph.Edge
	for _, n := range p.nodes {
		for _, r := range p.out[n.ID] {
			es = append(es, r.Edge)
		}
	}
	return es
}

// storeSource reads the whole graph from a store, page by page, as view
// sees it.
type storeSource struct {
	store graph.Store
	view  graph.View
	types []graph.RelType // the export's relation filter; empty: all
}

func (s *storeSource) pages(ctx context.Context, q pageQuery, fn func(*page) error) error {
	types := q.types
	if types == nil {
		types = s.types
	}
	labels := q.labels
	if len(labels) == 0 {
		labels = networkLabels
	}
	after := ""
	for {
		np, err := s.store.FindNodes(ctx, s.view, graph.NodeFilter{Labels: labels}, graph.PageArgs{First: exportPageSize, After: after, NoTotal: true})
		if err != nil {
			return err
		}
		p := &page{nodes: np.Nodes}
		if q.out && len(np.Nodes) > 0 {
			ids := make([]string, len(np.Nodes))
			for i, n := range np.Nodes {
				ids[i] = n.ID
			}
			if p.out, err = s.store.Related(ctx, s.view, ids, graph.RelQuery{Types: types, Dir: graph.Out}); err != nil {
				return err
			}
		}
		if err := fn(p); err != nil {
			return err
		}
		if !np.HasNextPage || np.EndCursor == "" {
			return nil
		}
		after = np.EndCursor
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// snapshotSource serves a graph already in memory (a Snapshot, a
// neighbourhood) as one page.
type snapshotSource struct {
	g   *graph.Snapshot
	out map[string][]graph.Related // every edge, at its start
}

func newSnapshotSource(g *graph.Snapshot) (*snapshotSource, error) {
	if g == nil {
		g = &graph.Snapshot{}
	}
	s := &snapshotSource{g: g, out: map[string][]graph.Related{}}
	byID := make(map[string]*graph.Node, len(g.Nodes))
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	for _, e := range g.Edges {
		if byID[e.From] == nil {
			return nil, fmt.Errorf("edge %q starts at %q, which is not among the nodes", e.ID, e.From)
		}
		s.out[e.From] = append(s.out[e.From], graph.Related{Edge: e, Node: byID[e.To]})
	}
	for _, rs := range s.out {
		slices.SortStableFunc(rs, func(a, b graph.Related) int {
			if c := strings.Compare(string(a.Edge.Type), string(b.Edge.Type)); c != 0 {
				return c
			}
			if c := strings.Compare(a.Edge.To, b.Edge.To); c != 0 {
				return c
			}
			return strings.Compare(a.Edge.ID, b.Edge.ID)
		})
	}
	return s, nil
}

func (s *snapshotSource) pages(ctx context.Context, q pageQuery, fn func(*page) error) error {
	p := &page{}
	for _, n := range s.g.Nodes {
		if len(q.labels) == 0 || slices.Contains(q.labels, n.Label) {
			p.nodes = append(p.nodes, n)
		}
	}
	if q.out {
		p.out = make(map[string][]graph.Related, len(p.nodes))
		for _, n := range p.nodes {
			for _, r := range s.out[n.ID] {
				if len(q.types) == 0 || slices.Contains(q.types, r.Edge.Type) {
					p.out[n.ID] = append(p.out[n.ID], r)
				}
			}
		}
	}
	return fn(p)
}

// pass runs fn over every page of q.
func pass(ctx context.Context, src itemSource, q pageQuery, fn func(*page) error) error {
	if err := src.pages(ctx, q, fn); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}
