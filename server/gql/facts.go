package gql

import (
	"context"
	"encoding/base64"
	"maps"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// facts lists, a page at a time, every fact whose provenance is one of
// sources: nodes of the network (records aside) by id, then edges by id,
// then attributes with a provenance of their own by node id and key. A page
// costs at most four store calls: the nodes (FindNodes), the edges
// (FindEdges), the node a cursor stopped inside of (Nodes) and the nodes
// with such attributes (FindNodes with AttrSources).
func (r *Resolver) facts(ctx context.Context, v graph.View, sources []graph.Source, first int, after string) (*model.FactConnection, error) {
	if len(sources) == 0 {
		return nil, graph.Invalidf("provenance", "provenance must name at least one level (one of %v)", graph.Sources)
	}
	for _, s := range sources {
		if !s.Valid() {
			return nil, graph.Invalidf("provenance", "provenance %q is not one of %v", s, graph.Sources)
		}
	}
	if err := (graph.PageArgs{First: first}).Validate(); err != nil {
		return nil, err
	}
	if first == 0 {
		first = graph.DefaultPageSize
	}
	at, err := decodeFactCursor(after)
	if err != nil {
		return nil, err
	}
	need := first + 1 // one more tells that a next page exists
	var out []*model.Fact
	network := networkLabels()

	if at.kind <= factNode {
		p := graph.PageArgs{First: min(need, graph.MaxPageSize), NoTotal: true}
		if at.kind == factNode {
			p.After = graph.EncodeCursor(at.id)
		}
		page, err := r.Store.FindNodes(ctx, v, graph.NodeFilter{Labels: network, Sources: sources}, p)
		if err != nil {
			return nil, err
		}
		for _, n := range page.Nodes {
			out = append(out, &model.Fact{Kind: model.FactKindNode, ID: n.ID, Node: model.Wrap(n, v), Provenance: model.ProvenanceOf(n.Provenance)})
		}
		if page.HasNextPage {
			return factPage(out, first, after, true), nil
		}
	}
	if len(out) < need && at.kind <= factEdge {
		p := graph.PageArgs{First: min(need-len(out), graph.MaxPageSize), NoTotal: true}
		if at.kind == factEdge {
			p.After = graph.EncodeCursor(at.id)
		}
		page, err := r.Store.FindEdges(ctx, v, graph.EdgeFilter{Sources: sources}, p)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Edges {
			out = append(out, &model.Fact{Kind: model.FactKindEdge, ID: e.ID, Edge: edge(e, v), Provenance: model.ProvenanceOf(e.Provenance)})
		}
		if page.HasNextPage {
			return factPage(out, first, after, true), nil
		}
	}
	more := false
	if len(out) < need {
		attrs := func(n *graph.Node, afterKey string) {
			for _, k := range slices.Sorted(maps.Keys(n.AttrProvenance)) {
				p := n.AttrProvenance[k]
				if k <= afterKey || !slices.Contains(sources, p.Source) {
					continue
				}
				if _, ok := n.Attrs[k]; !ok {
					continue
				}
				out = append(out, &model.Fact{Kind: model.FactKindAttribute, ID: n.ID + "#" + k, Node: model.Wrap(n, v),
					Attribute: &model.Attribute{Key: k, Value: n.Attrs[k], Provenance: model.ProvenanceOf(p)}, Provenance: model.ProvenanceOf(p)})
			}
		}
		p := graph.PageArgs{First: min(need-len(out), graph.MaxPageSize), NoTotal: true}
		if at.kind == factAttribute {
			// Stopped inside a node: its keys after the cursor's first.
			ns, err := r.Store.Nodes(ctx, v, []string{at.id})
			if err != nil {
				return nil, err
			}
			if n := ns[0]; n != nil && !graph.IsRecord(n.Label) {
				attrs(n, at.key)
			}
			p.After = graph.EncodeCursor(at.id)
		}
		if len(out) < need {
			p.First = min(need-len(out), graph.MaxPageSize)
			page, err := r.Store.FindNodes(ctx, v, graph.NodeFilter{Labels: network, AttrSources: sources}, p)
			if err != nil {
				return nil, err
			}
			for _, n := range page.Nodes {
				attrs(n, "")
			}
			more = page.HasNextPage
		}
	}
	return factPage(out, first, after, more), nil
}

// factPage cuts out to first facts and says whether more follow: more, or
// more than first in out.
func factPage(out []*model.Fact, first int, after string, more bool) *model.FactConnection {
	conn := &model.FactConnection{PageInfo: &model.PageInfo{HasPreviousPage: after != "", HasNextPage: more}}
	if len(out) > first {
		out = out[:first]
		conn.PageInfo.HasNextPage = true
	}
	conn.Nodes = out
	conn.Edges = make([]*model.FactEdge, len(out))
	for i, f := range out {
		conn.Edges[i] = &model.FactEdge{Cursor: encodeFactCursor(f), Node: f}
	}
	if len(out) > 0 {
		conn.PageInfo.StartCursor = opt(conn.Edges[0].Cursor)
		conn.PageInfo.EndCursor = opt(conn.Edges[len(out)-1].Cursor)
	}
	return conn
}

// networkLabels are the labels of the network's nodes (records aside).
func networkLabels() []graph.Label {
	var out []graph.Label
	for _, l := range graph.Labels {
		if !graph.IsRecord(l) {
			out = append(out, l)
		}
	}
	return out
}

// A fact cursor is where a page of facts ended: after a node, an edge, or
// an attribute (a node id and a key).
type factCursor struct {
	kind    int
	id, key string
}

const (
	factStart = iota
	factNode
	factEdge
	factAttribute
)

var factKinds = map[int]string{factNode: "n", factEdge: "e", factAttribute: "a"}

func encodeFactCursor(f *model.Fact) string {
	var c string
	switch f.Kind {
	case model.FactKindNode:
		c = "n\x00" + f.ID
	case model.FactKindEdge:
		c = "e\x00" + f.ID
	default:
		c = "a\x00" + f.Attribute.Key + "\x00" + strings.TrimSuffix(f.ID, "#"+f.Attribute.Key)
	}
	return base64.RawURLEncoding.EncodeToString([]byte("fact:" + c))
}

func decodeFactCursor(s string) (factCursor, error) {
	if s == "" {
		return factCursor{}, nil
	}
	bad := graph.Invalidf("after", "after %q is not a cursor of facts this server issued", s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "fact:") {
		return factCursor{}, bad
	}
	parts := strings.SplitN(string(b[len("fact:"):]), "\x00", 3)
	for kind, name := range factKinds {
		if parts[0] != name {
			continue
		}
		switch {
		case kind == factAttribute && len(parts) == 3 && parts[2] != "":
			return factCursor{kind: kind, key: parts[1], id: parts[2]}, nil
		case kind != factAttribute && len(parts) == 2 && parts[1] != "":
			return factCursor{kind: kind, id: parts[1]}, nil
		}
	}
	return factCursor{}, bad
}
