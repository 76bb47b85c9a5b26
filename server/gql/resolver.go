package gql

import (
	"sync"
	"sync/atomic"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// Resolver holds the dependencies of every resolver. It is the one
// hand-written root of the generated code.
type Resolver struct {
	Store graph.Store
	// StoreName is reported by stats ("memory" or "neo4j").
	StoreName string
	// Broker carries committed changes to graphChanged subscribers.
	Broker *Broker
	// Analysis caches centrality and communities; the server invalidates it
	// on every change.
	Analysis *analysis.Cache
	// Snapshots bounds the whole-graph snapshots held at once (nil: a gate
	// of DefaultSnapshotSlots). The server shares it with /export.
	Snapshots *SnapshotGate

	analysisOnce sync.Once
	// ownWrite is the feed sequence number of the last write made through
	// this replica (wroteAside), which analyses wait for (analysisFresh).
	ownWrite atomic.Int64
	gateOnce sync.Once
	// writes counts the changes this resolver made or heard of (wrote,
	// and the broker): an operation's shared snapshot taken before the
	// latest is read again (snapshots.go), so that the fields of a mutation's
	// answer, and the planning cache they fill, see the write.
	writes atomic.Uint64
	// commitMu makes this server's scenario commits one at a time.
	commitMu sync.Mutex
	// planCache keeps planning problems until the next change (planning.go).
	planOnce  sync.Once
	planCache *planCache
}
