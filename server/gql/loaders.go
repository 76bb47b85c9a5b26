package gql

import (
	"context"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/orgnet/orgnet/graph"
)

// loaders batch the field-level lookups of one operation made with one
// view: every parent, children, alliances … field at one level of a query
// becomes one store call (one Cypher statement on Neo4j) however many
// objects ask.
type loaders struct {
	store graph.Store
	view  graph.View
	nodes *dataloadgen.Loader[string, *graph.Node]

	mu        sync.Mutex
	ancestors map[int]*dataloadgen.Loader[string, []*graph.Node] // by limit
	related   map[string]*dataloadgen.Loader[string, []graph.Related]
	// primed keeps what an Expand answered, by relation shape and node id,
	// so that level-by-level prefetching does not ask again.
	primed map[string]map[string][]graph.Related
}

const batchWait = 200 * time.Microsecond

func newLoaders(s graph.Store, v graph.View) *loaders {
	l := &loaders{store: s, view: v, related: map[string]*dataloadgen.Loader[string, []graph.Related]{},
		ancestors: map[int]*dataloadgen.Loader[string, []*graph.Node]{}, primed: map[string]map[string][]graph.Related{}}
	l.nodes = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*graph.Node, []error) {
		ns, err := s.Nodes(ctx, v, ids)
		if err != nil {
			return nil, fill(len(ids), err)
		}
		return ns, nil
	}, dataloadgen.WithWait(batchWait))
	return l
}

// ancestorsLoader returns the loader of ancestors read with limit (at most
// limit+1 for each node).
func (l *loaders) ancestorsLoader(limit int) *dataloadgen.Loader[string, []*graph.Node] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.ancestors[limit]; ok {
		return ld
	}
	ld := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]*graph.Node, error) {
		return l.store.Ancestors(ctx, l.view, ids, limit)
	}, dataloadgen.WithWait(batchWait))
	l.ancestors[limit] = ld
	return ld
}

func fill(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// primeExpanded primes the relation loaders with an Expand's answer.
func (l *loaders) primeExpanded(xp *graph.Expanded) {
	for key, m := range xp.Related {
		q, ok := relQueryOf(key)
		if !ok {
			continue
		}
		ld := l.relatedLoader(q)
		l.mu.Lock()
		p := l.primed[key]
		if p == nil {
			p = map[string][]graph.Related{}
			l.primed[key] = p
		}
		for id, rs := range m {
			p[id] = rs
		}
		l.mu.Unlock()
		for id, rs := range m {
			ld.Prime(id, rs)
		}
	}
}

// primedFor returns what an Expand answered for q at every one of ids, if
// it answered for all of them.
func (l *loaders) primedFor(q graph.RelQuery, ids []string) (map[string][]graph.Related, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.primed[q.Key()]
	if p == nil {
		return nil, false
	}
	out := make(map[string][]graph.Related, len(ids))
	for _, id := range ids {
		rs, ok := p[id]
		if !ok {
			return nil, false
		}
		out[id] = rs
	}
	return out, true
}

// relQueryOf parses a RelQuery.Key.
func relQueryOf(key string) (graph.RelQuery, bool) { return graph.ParseRelQueryKey(key) }

// relatedLoader returns the loader for one shape of relation query.
func (l *loaders) relatedLoader(q graph.RelQuery) *dataloadgen.Loader[string, []graph.Related] {
	key := q.Key()
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.related[key]; ok {
		return ld
	}
	ld := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]graph.Related, error) {
		return l.store.Related(ctx, l.view, ids, q)
	}, dataloadgen.WithWait(batchWait))
	l.related[key] = ld
	return ld
}

type loadersKey struct{}

// loaderSet holds one operation's loaders, one set per view read with: the
// per-request state of the operation (gqlgen's dataloader pattern), which
// holds no parameter of any read.
type loaderSet struct {
	store  graph.Store
	mu     sync.Mutex
	byView map[graph.View]*loaders
	// snap is the whole graph, when a field of the operation read it
	// (snapshots.go).
	snap opSnapshot
}

func withLoaders(ctx context.Context, s graph.Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, &loaderSet{store: s, byView: map[graph.View]*loaders{}})
}

// loaders returns the operation's loaders for view v (NodesOnly, which
// applies to one Subgraph read, set aside).
func (r *Resolver) loaders(ctx context.Context, v graph.View) *loaders {
	v = v.Reading()
	set, ok := ctx.Value(loadersKey{}).(*loaderSet)
	if !ok {
		return newLoaders(r.Store, v) // outside an operation (tests): unbatched but correct
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	l, ok := set.byView[v]
	if !ok {
		l = newLoaders(set.store, v)
		set.byView[v] = l
	}
	return l
}

// node loads one node with v; a missing one gives ErrNotFound.
func (r *Resolver) node(ctx context.Context, v graph.View, id string) (*graph.Node, error) {
	n, err := r.loaders(ctx, v).nodes.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, graph.NotFoundf("node %q does not exist", id)
	}
	return n, nil
}
