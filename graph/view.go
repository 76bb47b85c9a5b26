package graph

import "time"

// A View says what a store read sees and in what shape it answers. Every
// read method of Store takes one; writes take none (they check and change
// what is stored). The zero View sees every stored node and edge, ended or
// not, in full.
//
// Callers build it from their own arguments: a GraphQL root field from its
// asOf argument (default today, View{AsOf: Today()}) and from what its
// operation selects (Lean, NodesOnly); analysis, planning, history and
// export read everything (View{}) and look at the dates themselves.
type View struct {
	// AsOf, a date (YYYY-MM-DD), makes the read see the network as it was
	// on that day: only the nodes and edges valid then (ValidAt), and an
	// edge only when both its ends are valid too, as if nothing else were
	// stored; a node that is not valid is NotFound. "" sees every stored
	// node and edge, ended or not.
	AsOf string
	// Lean says the caller looks only at the core fields of the nodes and
	// edges it reads (LeanNodeFields, LeanEdgeFields): a store may leave the
	// other fields zero, which on Neo4j means projecting a handful of
	// properties instead of shipping whole nodes. It is a hint: a store may
	// always answer in full (the embedded store does). Counts, Edge and
	// Edges answer in full. Snapshot with Lean may answer the topology
	// alone: nodes with ID, Label and Kind, edges with Type, From and To
	// (no id, dates, attributes or provenance; sorted by From, To, Type),
	// what analysis reads (on Neo4j, docs/scale.md: the province's snapshot
	// in a fraction of the time and memory of a full one).
	Lean bool
	// NodesOnly says the caller reads only Subgraph.Nodes of Neighbourhood
	// and Subtree: a store may leave Subgraph.Edges empty and Truncated
	// false, skipping the edges among the nodes and the look below the last
	// level. Every other read ignores it.
	NodesOnly bool
}

// Dated reports whether v sees the network as of a day (AsOf is set).
func (v View) Dated() bool { return v.AsOf != "" }

// Visible reports whether a node or edge with these dates is visible in v
// (for an edge, its ends must be visible too).
func (v View) Visible(since, until string) bool {
	return v.AsOf == "" || ValidAt(since, until, v.AsOf)
}

// Reading returns the view of the reads that follow from what v read (the
// relations of a node, a page's expansion): v without NodesOnly, which
// applies only to the Subgraph read it was given to.
func (v View) Reading() View {
	v.NodesOnly = false
	return v
}

// ValidAt reports whether something that began on since and ended on until
// (either "" when unknown or open) existed on date: since ≤ date < until. An
// item ended today is absent today and present yesterday.
func ValidAt(since, until, date string) bool {
	return (since == "" || since <= date) && (until == "" || date < until)
}

// Today is the current date in UTC, YYYY-MM-DD.
func Today() string { return time.Now().UTC().Format(DateLayout) }
