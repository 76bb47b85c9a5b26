package gql

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/orgnet/orgnet/graph"
)

// loaders batch the field-level lookups of one operation: every parent,
// children, alliances … field at one level of a query becomes one store call
// (one Cypher statement on Neo4j) however many objects ask.
type loaders struct {
	store     graph.Store
	nodes     *dataloadgen.Loader[string, *graph.Node]
	ancestors *dataloadgen.Loader[string, []*graph.Node]

	mu      sync.Mutex
	related map[string]*dataloadgen.Loader[string, []graph.Related]
}

const batchWait = 200 * time.Microsecond

func newLoaders(s graph.Store) *loaders {
	l := &loaders{store: s, related: map[string]*dataloadgen.Loader[string, []graph.Related]{}}
	l.nodes = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Node, []error) {
		ns, err := s.Nodes(ctx, ids)
		if err != nil {
			return nil, fill(len(ids), err)
		}
		return ns, nil
	}, dataloadgen.WithWait(batchWait))
	l.ancestors = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]*graph.Node, error) {
		return s.Ancestors(ctx, ids)
	}, dataloadgen.WithWait(batchWait))
	return l
}

func fill(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// relatedLoader returns the loader for one shape of relation query.
func (l *loaders) relatedLoader(q graph.RelQuery) *dataloadgen.Loader[string, []graph.Related] {
	ts := make([]string, len(q.Types))
	for i, t := range q.Types {
		ts[i] = string(t)
	}
	slices.Sort(ts)
	key := strings.Join(ts, ",") + "|" + string(q.Dir)
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.related[key]; ok {
		return ld
	}
	ld := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]graph.Related, error) {
		return l.store.Related(ctx, ids, q)
	}, dataloadgen.WithWait(batchWait))
	l.related[key] = ld
	return ld
}

type loadersKey struct{}

// loaderSet holds one operation's loaders, one set per as-of date read.
type loaderSet struct {
	store  graph.Store
	mu     sync.Mutex
	byDate map[string]*loaders
}

func withLoaders(ctx context.Context, s graph.Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, &loaderSet{store: s, byDate: map[string]*loaders{}})
}

func (r *Resolver) loaders(ctx context.Context) *loaders {
	set, ok := ctx.Value(loadersKey{}).(*loaderSet)
	if !ok {
		return newLoaders(r.Store) // outside an operation (tests): unbatched but correct
	}
	date, _ := graph.AsOf(ctx)
	set.mu.Lock()
	defer set.mu.Unlock()
	l, ok := set.byDate[date]
	if !ok {
		l = newLoaders(set.store)
		set.byDate[date] = l
	}
	return l
}

// related loads the relations of one node; a node with none gets nil.
func (r *Resolver) related(ctx context.Context, id string, dir graph.Direction, types ...graph.RelType) ([]graph.Related, error) {
	rel, err := r.loaders(ctx).relatedLoader(graph.RelQuery{Types: types, Dir: dir}).Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return rel, err
}

// node loads one node; a missing one gives ErrNotFound.
func (r *Resolver) node(ctx context.Context, id string) (*graph.Node, error) {
	n, err := r.loaders(ctx).nodes.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	return n, nil
}
