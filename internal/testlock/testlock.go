// Package testlock serialises the test binaries that share one Neo4j
// database: go test runs packages in parallel, and each wipes the database
// it tests on. It has no dependencies, so that any test (an internal test
// of graph/neo4j included) can take the same lock as internal/testenv.
package testlock

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
)

var (
	once sync.Once
	err  error
	// file is kept referenced: were it collected, its finalizer would close
	// the descriptor and release the lock.
	file *os.File
)

// Path is the lock file for the database at uri: one per URI, so that test
// runs against different databases on one machine do not wait for each
// other.
func Path(uri string) string {
	name := "orgnet-neo4j-tests.lock"
	if uri != "" {
		name = fmt.Sprintf("orgnet-neo4j-tests-%x.lock", sha256.Sum256([]byte(uri)))
	}
	return filepath.Join(os.TempDir(), name)
}

// Neo4j takes, on its first call in a process, an exclusive lock on the
// file of NEO4J_URI, held until the process exits.
func Neo4j(tb testing.TB) {
	tb.Helper()
	once.Do(func() {
		f, e := os.OpenFile(Path(os.Getenv("NEO4J_URI")), os.O_CREATE|os.O_RDWR, 0o600)
		if e != nil {
			err = e
			return
		}
		file = f
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX) // released when the process exits
	})
	if err != nil || file == nil {
		tb.Fatalf("lock the shared Neo4j: %v", err)
	}
}
