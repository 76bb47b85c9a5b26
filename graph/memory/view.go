package memory

import (
	"github.com/orgnet/orgnet/graph"
)

// view is what a read may see: everything, or with an as-of date
// (graph.View.AsOf) the nodes and edges valid that day, and only the edges
// whose ends are valid too, as if nothing else were stored.
type view struct {
	date string
	on   bool
}

func viewOf(v graph.View) view {
	return view{date: v.AsOf, on: v.Dated()}
}

func (v view) node(r *nodeRec) bool {
	return r != nil && (!v.on || graph.ValidAt(r.n.Since, r.n.Until, v.date))
}

// edge reports whether e is visible, given that the node it was reached
// from is; other is the node at its other end.
func (v view) edge(e *graph.Edge, other *nodeRec) bool {
	return !v.on || (graph.ValidAt(e.Since, e.Until, v.date) && v.node(other))
}

// edgeVisible reports whether e is visible in v, ends included.
func (s *Store) edgeVisible(v view, e *graph.Edge) bool {
	return !v.on || (graph.ValidAt(e.Since, e.Until, v.date) && v.node(s.nodes[e.From]) && v.node(s.nodes[e.To]))
}

// node returns the record of id if it is visible in v.
func (s *Store) node(v view, id string) *nodeRec {
	if r := s.nodes[id]; v.node(r) {
		return r
	}
	return nil
}
