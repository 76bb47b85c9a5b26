package interchange

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/orgnet/orgnet/graph"
)

// itemRef says where a batch item came from.
type itemRef struct {
	file *parsed
	pos  itemPos
}

// combined is the batch of every file with each item's origin.
type combined struct {
	batch    graph.Batch
	nodes    []itemRef
	edges    []itemRef
	defined  map[string]bool // every node id the files define, readable or not
	firstDef map[string]itemRef
}

func combine(files []*parsed) *combined {
	c := &combined{defined: map[string]bool{}, firstDef: map[string]itemRef{}}
	for _, f := range files {
		for i := range f.nodes {
			c.batch.Nodes = append(c.batch.Nodes, f.nodes[i])
			ref := itemRef{f, f.nodePos[i]}
			c.nodes = append(c.nodes, ref)
			c.defined[f.nodes[i].ID] = true
			if _, ok := c.firstDef[f.nodes[i].ID]; !ok {
				c.firstDef[f.nodes[i].ID] = ref
			}
		}
		for i := range f.edges {
			c.batch.Edges = append(c.batch.Edges, f.edges[i])
			c.edges = append(c.edges, itemRef{f, f.edgePos[i]})
		}
		for _, id := range f.rejected {
			c.defined[id] = true
		}
	}
	return c
}

// endpointIDs returns every node id the batch names that the store may
// have to answer for: node ids (a stored node keeps its label) and edge
// endpoints, once each.
func (c *combined) endpointIDs() []string {
	seen := make(map[string]bool, len(c.batch.Nodes)+len(c.batch.Edges))
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for i := range c.batch.Nodes {
		add(c.batch.Nodes[i].ID)
	}
	for i := range c.batch.Edges {
		add(c.batch.Edges[i].From)
		add(c.batch.Edges[i].To)
	}
	return ids
}

// validate prepares and checks the batch with graph.ValidateBatch and
// returns its problems at their places in the files.
func (c *combined) validate(stored graph.LabelOf) []Problem {
	err := graph.ValidateBatch(&c.batch, stored)
	return c.place(err)
}

// checkSources checks every stated and inferred quote of the (prepared)
// batch against the source it names, with graph.CheckBatchSources: the
// sources the batch registers, and those of store, read in one call. It
// returns the problems at their places in the files.
func (c *combined) checkSources(ctx context.Context, store graph.Store) ([]Problem, error) {
	texts := map[string]string{}
	if ids := c.batch.SourcesToRead(); len(ids) > 0 {
		ns, err := store.Nodes(ctx, graph.View{}, ids) // sources are never dated: every one stored
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if d := graph.DocumentOf(n); d != nil {
				texts[d.ID] = d.Text
			}
		}
	}
	probs := graph.CheckBatchSources(&c.batch, func(id string) (string, bool) {
		t, ok := texts[id]
		return t, ok
	})
	if len(probs) == 0 {
		return nil, nil
	}
	return c.place(&graph.BatchError{Problems: probs}), nil
}

// place maps the problems of a *graph.BatchError back to the files; any
// other error becomes a problem of the first file.
func (c *combined) place(err error) []Problem {
	if err == nil {
		return nil
	}
	var be *graph.BatchError
	if !errors.As(err, &be) {
		return []Problem{{Message: graph.ErrorMessage(err)}}
	}
	var out []Problem
	for _, p := range be.Problems {
		var i int
		var ref itemRef
		isEdge := false
		switch {
		case scanItem(p.Item, "node[%d]", &i) && i < len(c.nodes):
			ref = c.nodes[i]
		case scanItem(p.Item, "edge[%d]", &i) && i < len(c.edges):
			ref, isEdge = c.edges[i], true
		default:
			out = append(out, Problem{Message: p.String()})
			continue
		}
		field := p.Field
		var ge *graph.Error
		if errors.As(p.Err, &ge) && field == "" {
			field = ge.Field
		}
		msg := graph.ErrorMessage(p.Err)
		switch graph.ErrorCode(p.Err) {
		case graph.CodeNotFound:
			if isEdge {
				e := c.batch.Edges[i]
				end, id := "start", e.From
				if field == "to" {
					end, id = "end", e.To
				}
				if c.defined[id] {
					continue // the node has a problem of its own, reported where it is
				}
				msg = fmt.Sprintf("dangling %s edge: its %s node %q is neither in the imported files nor in the store", e.Type, end, id)
			}
		case graph.CodeConflict:
			field = "id"
			if !isEdge {
				n := c.batch.Nodes[i]
				if first, ok := c.firstDef[n.ID]; ok {
					msg = fmt.Sprintf("duplicate node id %q: first defined at %s", n.ID, first.file.src.where(first.pos.start))
				}
			} else {
				msg = fmt.Sprintf("duplicate edge id %q", c.batch.Edges[i].ID)
			}
		}
		out = append(out, ref.file.src.problem(ref.pos.at(field), "%s", msg))
	}
	return out
}

// sortByID orders the batch (and the origins with it) by id: stores that
// keep items in a B+tree by id (the embedded store's bbolt) write sorted keys
// far faster than keys in file order.
func (c *combined) sortByID() {
	ni := make([]int, len(c.batch.Nodes))
	for i := range ni {
		ni[i] = i
	}
	sort.SliceStable(ni, func(a, b int) bool { return c.batch.Nodes[ni[a]].ID < c.batch.Nodes[ni[b]].ID })
	nodes, nrefs := make([]graph.Node, len(ni)), make([]itemRef, len(ni))
	for to, from := range ni {
		nodes[to], nrefs[to] = c.batch.Nodes[from], c.nodes[from]
	}
	ei := make([]int, len(c.batch.Edges))
	for i := range ei {
		ei[i] = i
	}
	sort.SliceStable(ei, func(a, b int) bool { return c.batch.Edges[ei[a]].ID < c.batch.Edges[ei[b]].ID })
	edges, erefs := make([]graph.Edge, len(ei)), make([]itemRef, len(ei))
	for to, from := range ei {
		edges[to], erefs[to] = c.batch.Edges[from], c.edges[from]
	}
	c.batch.Nodes, c.nodes, c.batch.Edges, c.edges = nodes, nrefs, edges, erefs
}

func scanItem(item, format string, i *int) bool {
	n, err := fmt.Sscanf(item, format, i)
	return err == nil && n == 1
}
