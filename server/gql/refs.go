package gql

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/orgnet/orgnet/graph"
)

// Finding nodes by name. Every argument that names a node of the network
// (a root field's id, from, to, rootId, parentId; a mutation's ids, an
// input's parentId, memberIds, source, target; organisations'
// filter.allianceId)
// takes its id or its name (graph.ResolveRefs): 圣墩村 is as good as
// org:shengdun-village, unless two nodes bear the name (BAD_USER_INPUT
// listing them) or it is nobody's (NOT_FOUND naming every such argument,
// with close matches by name and pinyin). Ids come first: an id is never
// taken for a name. Edge, source-document and scenario ids are ids only
// (edges have no names; documents and scenarios are records, not nodes of
// the network), and so are graphChanged's ids, which watch for nodes that
// may not exist yet, below's ids (the explorer's batch read, which leaves
// out ids that do not exist) and children's alliance (a group key that
// Below.groups gives).
//
// The read is tried with the arguments as given first, so that a request
// by ids costs what it did; only when it answers NOT_FOUND are the
// arguments resolved (one Nodes call, a search per name) and the read made
// again with the ids they name.

// ref is a Ref for an argument; a name matches only nodes of labels (any
// when none is given).
func ref(field, text string, labels ...graph.Label) graph.Ref {
	return graph.Ref{Field: field, Text: text, Labels: labels}
}

// refList is ref for a list argument: field[0], field[1], ….
func refList(field string, texts []string, labels ...graph.Label) []graph.Ref {
	out := make([]graph.Ref, len(texts))
	for i, t := range texts {
		out[i] = ref(field+"["+strconv.Itoa(i)+"]", t, labels...)
	}
	return out
}

// byRef runs read with the refs' texts as ids; when it answers NOT_FOUND,
// it resolves the refs (ids or names, as v sees them) and, when some were
// names, runs read again with the ids they name. When every ref was an id
// already, read's own error stands (a node of the wrong label, a membership
// that does not exist); when a ref names nothing or several nodes, the
// resolution's error, which names every such ref, replaces it.
func byRef[T any](ctx context.Context, r *Resolver, v graph.View, refs []graph.Ref, read func(ids []string) (T, error)) (T, error) {
	ids := make([]string, len(refs))
	for i, x := range refs {
		ids[i] = x.Text
	}
	out, err := read(ids)
	if err == nil || !errors.Is(err, graph.ErrNotFound) {
		return out, err
	}
	resolved, rerr := graph.ResolveRefs(ctx, r.Store, v, refs)
	if rerr != nil {
		var zero T
		return zero, rerr
	}
	if slices.Equal(resolved, ids) {
		return out, err
	}
	return read(resolved)
}

// typedRef is typed (today's node of label l) for an argument that takes an
// id or a name.
func (r *Resolver) typedRef(ctx context.Context, field, text string, l graph.Label) (*graph.Node, error) {
	return byRef(ctx, r, todayView(), []graph.Ref{ref(field, text, l)}, func(ids []string) (*graph.Node, error) {
		return r.typed(ctx, todayView(), ids[0], l)
	})
}
