package gql

import (
	"github.com/orgnet/orgnet/graph"
)

// Resolver holds the dependencies of every resolver. It is the one
// hand-written root of the generated code.
type Resolver struct {
	Store graph.Store
	// StoreName is reported by stats ("memory" or "neo4j").
	StoreName string
	// Broker carries committed changes to graphChanged subscribers.
	Broker *Broker
}
