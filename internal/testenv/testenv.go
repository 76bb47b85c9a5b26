// Package testenv gives tests the stores to run on: the embedded store
// always, and Neo4j when NEO4J_URI is set. With CI=true a missing Neo4j is a
// failure, never a skip.
package testenv

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/internal/testlock"
)

// CI reports whether the tests run in CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Neo4jURI returns NEO4J_URI. When it is unset the test is skipped, or fails
// under CI.
func Neo4jURI(tb testing.TB) string {
	tb.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if CI() {
			tb.Fatal("CI=true but NEO4J_URI is unset: run the tests with scripts/test.sh, which starts Neo4j")
		}
		tb.Skip("NEO4J_URI is unset: Neo4j tests skipped (scripts/test.sh starts a Neo4j and runs them)")
	}
	return uri
}

// Neo4jAuth returns NEO4J_USER and NEO4J_PASSWORD with defaults.
func Neo4jAuth() (user, password string) {
	user, password = os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")
	if user == "" {
		user = "neo4j"
	}
	if password == "" {
		password = "orgnet-test-password"
	}
	return user, password
}

// LockNeo4j serialises the test binaries that use one shared Neo4j
// database (testlock.Neo4j: an exclusive file lock per NEO4J_URI, held
// until the process exits).
func LockNeo4j(tb testing.TB) {
	tb.Helper()
	testlock.Neo4j(tb)
}

// Memory opens a fresh embedded store in a temporary directory.
func Memory(tb testing.TB) graph.Store {
	tb.Helper()
	s, err := memory.New(context.Background(), filepath.Join(tb.TempDir(), "orgnet.db"))
	if err != nil {
		tb.Fatalf("open memory store: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Neo4j opens a store on the test Neo4j and empties its database.
func Neo4j(tb testing.TB) graph.Store {
	tb.Helper()
	uri := Neo4jURI(tb)
	LockNeo4j(tb)
	user, password := Neo4jAuth()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := neo4jstore.Open(ctx, uri, user, password, neo4jstore.Options{})
	if err != nil {
		tb.Fatalf("open Neo4j store at %s: %v", uri, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	if err := Wipe(ctx, s); err != nil {
		tb.Fatalf("empty Neo4j: %v", err)
	}
	return s
}

// Wipe deletes every node and edge of a Neo4j store, source documents
// included (which the store itself never deletes), in Cypher.
func Wipe(ctx context.Context, s *neo4jstore.Store) error {
	sess := s.Driver().NewSession(ctx, driver.SessionConfig{AccessMode: driver.AccessModeWrite,
		BookmarkManager: s.Driver().ExecuteQueryBookmarkManager()})
	defer sess.Close(ctx)
	// CALL … IN TRANSACTIONS needs an auto-commit transaction: session.Run.
	res, err := sess.Run(ctx, `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	return err
}

// Store is a named way to open a fresh store.
type Store struct {
	Name string
	Open func(testing.TB) graph.Store
}

// Stores lists both stores; run a test on each with t.Run(s.Name, …).
func Stores() []Store {
	return []Store{{Name: "memory", Open: Memory}, {Name: "neo4j", Open: func(tb testing.TB) graph.Store { return Neo4j(tb) }}}
}
