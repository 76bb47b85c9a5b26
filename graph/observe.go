package graph

import "context"

// A Call is one store call as an Observer sees it.
type Call struct {
	// Method is the name of the Store method ("Node", "Related", "Apply" …).
	Method string
	// View is the read's view (zero for writes, Ping and Close).
	View View
	// IDs is how many ids the call asks for, for the methods that take a
	// set (Nodes, Related, Expand, Ancestors, Below); 0 for the others.
	IDs int
}

// An Observer sees the calls of a store wrapped by Observe. It is called as
// a call begins, with the call's context, and returns the context the call
// runs with (ctx itself, or one carrying a span) and a function that is
// called once, with the call's error, when the call returns (nil: nothing
// to do then).
type Observer func(ctx context.Context, c Call) (context.Context, func(err error))

// Observe returns s wrapped so that every observer sees every call of every
// Store method (Close included, with context.Background()): the one place
// where metrics and tracing watch a store. Observers begin in order, each
// given the context the one before returned, and end in reverse order. With
// no observer, or a nil s, it returns s. A store wrapped twice is observed
// by both wrappers. Nil observers are left out.
func Observe(s Store, obs ...Observer) Store {
	var keep []Observer
	for _, o := range obs {
		if o != nil {
			keep = append(keep, o)
		}
	}
	if s == nil || len(keep) == 0 {
		return s
	}
	return &observed{s: s, obs: keep}
}

type observed struct {
	s   Store
	obs []Observer
}

var _ Store = (*observed)(nil)

// begin starts the observation of one call; end it with the function it
// returns: defer func() { done(err) }().
func (o *observed) begin(ctx context.Context, c Call) (context.Context, func(error)) {
	if len(o.obs) == 1 {
		ctx, done := o.obs[0](ctx, c)
		if done == nil {
			return ctx, func(error) {}
		}
		return ctx, done
	}
	dones := make([]func(error), len(o.obs))
	for i, ob := range o.obs {
		ctx, dones[i] = ob(ctx, c)
	}
	return ctx, func(err error) {
		for i := len(dones) - 1; i >= 0; i-- {
			if dones[i] != nil {
				dones[i](err)
			}
		}
	}
}

func (o *observed) Node(ctx context.Context, v View, id string) (_ *Node, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Node", View: v})
	defer func() { done(err) }()
	return o.s.Node(ctx, v, id)
}

func (o *observed) Nodes(ctx context.Context, v View, ids []string) (_ []*Node, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Nodes", View: v, IDs: len(ids)})
	defer func() { done(err) }()
	return o.s.Nodes(ctx, v, ids)
}

func (o *observed) FindNodes(ctx context.Context, v View, f NodeFilter, p PageArgs) (_ *NodePage, err error) {
	ctx, done := o.begin(ctx, Call{Method: "FindNodes", View: v})
	defer func() { done(err) }()
	return o.s.FindNodes(ctx, v, f, p)
}

func (o *observed) FindNodesExpand(ctx context.Context, v View, f NodeFilter, p PageArgs, x *Expansion) (_ *NodePage, _ *Expanded, err error) {
	ctx, done := o.begin(ctx, Call{Method: "FindNodesExpand", View: v})
	defer func() { done(err) }()
	return o.s.FindNodesExpand(ctx, v, f, p, x)
}

func (o *observed) Search(ctx context.Context, v View, text string, limit int) (_ []*Node, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Search", View: v})
	defer func() { done(err) }()
	return o.s.Search(ctx, v, text, limit)
}

func (o *observed) Edge(ctx context.Context, v View, id string) (_ *Edge, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Edge", View: v})
	defer func() { done(err) }()
	return o.s.Edge(ctx, v, id)
}

func (o *observed) Edges(ctx context.Context, v View, f EdgeFilter, p EdgeRange) (_ []*Edge, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Edges", View: v})
	defer func() { done(err) }()
	return o.s.Edges(ctx, v, f, p)
}

func (o *observed) FindEdges(ctx context.Context, v View, f EdgeFilter, p PageArgs) (_ *EdgePage, err error) {
	ctx, done := o.begin(ctx, Call{Method: "FindEdges", View: v})
	defer func() { done(err) }()
	return o.s.FindEdges(ctx, v, f, p)
}

func (o *observed) Related(ctx context.Context, v View, ids []string, q RelQuery) (_ map[string][]Related, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Related", View: v, IDs: len(ids)})
	defer func() { done(err) }()
	return o.s.Related(ctx, v, ids, q)
}

func (o *observed) Expand(ctx context.Context, v View, ids []string, x *Expansion) (_ *Expanded, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Expand", View: v, IDs: len(ids)})
	defer func() { done(err) }()
	return o.s.Expand(ctx, v, ids, x)
}

func (o *observed) Ancestors(ctx context.Context, v View, ids []string, limit int) (_ map[string][]*Node, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Ancestors", View: v, IDs: len(ids)})
	defer func() { done(err) }()
	return o.s.Ancestors(ctx, v, ids, limit)
}

func (o *observed) Neighbourhood(ctx context.Context, v View, id string, q NeighbourhoodQuery) (_ *Subgraph, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Neighbourhood", View: v})
	defer func() { done(err) }()
	return o.s.Neighbourhood(ctx, v, id, q)
}

func (o *observed) Subtree(ctx context.Context, v View, rootID string, q SubtreeQuery) (_ *Subgraph, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Subtree", View: v})
	defer func() { done(err) }()
	return o.s.Subtree(ctx, v, rootID, q)
}

func (o *observed) ShortestPath(ctx context.Context, v View, from, to string, q PathQuery) (_ *Path, err error) {
	ctx, done := o.begin(ctx, Call{Method: "ShortestPath", View: v})
	defer func() { done(err) }()
	return o.s.ShortestPath(ctx, v, from, to, q)
}

func (o *observed) Snapshot(ctx context.Context, v View) (_ *Snapshot, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Snapshot", View: v})
	defer func() { done(err) }()
	return o.s.Snapshot(ctx, v)
}

func (o *observed) Counts(ctx context.Context, v View) (_ Counts, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Counts", View: v})
	defer func() { done(err) }()
	return o.s.Counts(ctx, v)
}

func (o *observed) CreateNode(ctx context.Context, n NodeInput) (_ *Node, err error) {
	ctx, done := o.begin(ctx, Call{Method: "CreateNode"})
	defer func() { done(err) }()
	return o.s.CreateNode(ctx, n)
}

func (o *observed) UpdateNode(ctx context.Context, id string, u NodeUpdate) (_ *Node, err error) {
	ctx, done := o.begin(ctx, Call{Method: "UpdateNode"})
	defer func() { done(err) }()
	return o.s.UpdateNode(ctx, id, u)
}

func (o *observed) DeleteNode(ctx context.Context, id string, cascade bool) (_ []string, err error) {
	ctx, done := o.begin(ctx, Call{Method: "DeleteNode"})
	defer func() { done(err) }()
	return o.s.DeleteNode(ctx, id, cascade)
}

func (o *observed) CreateEdge(ctx context.Context, e Edge) (_ *Edge, err error) {
	ctx, done := o.begin(ctx, Call{Method: "CreateEdge"})
	defer func() { done(err) }()
	return o.s.CreateEdge(ctx, e)
}

func (o *observed) DeleteEdge(ctx context.Context, id string) (err error) {
	ctx, done := o.begin(ctx, Call{Method: "DeleteEdge"})
	defer func() { done(err) }()
	return o.s.DeleteEdge(ctx, id)
}

func (o *observed) Apply(ctx context.Context, b Batch) (_ ApplyResult, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Apply"})
	defer func() { done(err) }()
	return o.s.Apply(ctx, b)
}

func (o *observed) Ping(ctx context.Context) (err error) {
	ctx, done := o.begin(ctx, Call{Method: "Ping"})
	defer func() { done(err) }()
	return o.s.Ping(ctx)
}

func (o *observed) Close() (err error) {
	_, done := o.begin(context.Background(), Call{Method: "Close"})
	defer func() { done(err) }()
	return o.s.Close()
}

func (o *observed) Tops(ctx context.Context, v View, limit int) (_ *Tops, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Tops", View: v})
	defer func() { done(err) }()
	return o.s.Tops(ctx, v, limit)
}

func (o *observed) Below(ctx context.Context, v View, ids []string, q BelowQuery) (_ map[string]*Below, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Below", View: v, IDs: len(ids)})
	defer func() { done(err) }()
	return o.s.Below(ctx, v, ids, q)
}

func (o *observed) Children(ctx context.Context, v View, parent string, g *GroupKey, p PageArgs) (_ *NodePage, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Children", View: v})
	defer func() { done(err) }()
	return o.s.Children(ctx, v, parent, g, p)
}

func (o *observed) Changes(ctx context.Context, after int64, limit int) (_ *ChangePage, err error) {
	ctx, done := o.begin(ctx, Call{Method: "Changes"})
	defer func() { done(err) }()
	return o.s.Changes(ctx, after, limit)
}

func (o *observed) WaitFor(ctx context.Context, bookmark string) (err error) {
	ctx, done := o.begin(ctx, Call{Method: "WaitFor"})
	defer func() { done(err) }()
	return o.s.WaitFor(ctx, bookmark)
}
