package gql

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// endEdges gives edges an end date (default today) in one transaction:
// ending keeps history, deleting would lose it.
func (r *Resolver) endEdges(ctx context.Context, until string, es ...*graph.Edge) error {
	if until == "" {
		until = graph.Today()
	}
	b := graph.Batch{}
	for _, e := range es {
		if e.Until != "" {
			return graph.Conflictf("%s already ended on %s", e.ID, e.Until)
		}
		c := e.Clone()
		c.Until = until
		b.Edges = append(b.Edges, *c)
	}
	_, err := r.Store.Apply(ctx, b)
	return err
}

// createEdgeAgain creates an edge; when one with its default id exists but
// has ended, the new one gets an id dated by its start, so a unit can rejoin
// an alliance or be paired again and both periods stay in the history.
func (r *Resolver) createEdgeAgain(ctx context.Context, e graph.Edge) (*graph.Edge, error) {
	created, err := r.Store.CreateEdge(ctx, e)
	if !errors.Is(err, graph.ErrConflict) {
		return created, err
	}
	old, gerr := r.Store.Edge(ctx, graph.View{}, graph.EdgeID(e.Type, e.From, e.To))
	if gerr != nil || old.Until == "" {
		return nil, err
	}
	if e.Since == "" {
		e.Since = graph.Today()
	}
	e.ID = graph.EdgeID(e.Type, e.From, e.To) + "@" + e.Since
	return r.Store.CreateEdge(ctx, e)
}

// history lists when nodes and edges began and ended, oldest first (ties:
// BEGAN before ENDED, then by id), keeping dates in [from, to) when given.
// Its nodes' relations are read whatever their dates (graph.View{}).
func history(ns []*graph.Node, es []*graph.Edge, from, to string) []*model.HistoryEvent {
	in := func(d string) bool {
		return d != "" && (from == "" || d >= from) && (to == "" || d < to)
	}
	type ev struct {
		e  *model.HistoryEvent
		id string
	}
	var out []ev
	for _, n := range ns {
		if in(n.Since) {
			out = append(out, ev{&model.HistoryEvent{Date: n.Since, Kind: model.HistoryEventKindBegan, Node: model.Wrap(n, graph.View{})}, n.ID})
		}
		if in(n.Until) {
			out = append(out, ev{&model.HistoryEvent{Date: n.Until, Kind: model.HistoryEventKindEnded, Node: model.Wrap(n, graph.View{})}, n.ID})
		}
	}
	for _, e := range es {
		if in(e.Since) {
			out = append(out, ev{&model.HistoryEvent{Date: e.Since, Kind: model.HistoryEventKindBegan, Edge: edge(e, graph.View{})}, e.ID})
		}
		if in(e.Until) {
			out = append(out, ev{&model.HistoryEvent{Date: e.Until, Kind: model.HistoryEventKindEnded, Edge: edge(e, graph.View{})}, e.ID})
		}
	}
	slices.SortFunc(out, func(a, b ev) int {
		if c := strings.Compare(a.e.Date, b.e.Date); c != 0 {
			return c
		}
		if a.e.Kind != b.e.Kind {
			if a.e.Kind == model.HistoryEventKindBegan {
				return -1
			}
			return 1
		}
		return strings.Compare(a.id, b.id)
	})
	res := make([]*model.HistoryEvent, len(out))
	for i, x := range out {
		res[i] = x.e
	}
	return res
}
