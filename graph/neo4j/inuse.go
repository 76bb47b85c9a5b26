package neo4j

import (
	"context"
	"sync"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/orgnet/orgnet/graph"
)

// closeWait bounds how long Close waits for the sessions in use.
const closeWait = 10 * time.Second

// inUse counts the sessions (and connectivity checks) under way, so that
// Close closes the driver only once they are done: the driver's Close is
// not safe beside a session in use (its pool's state is read without its
// lock; go test -race saw a replica's follower reading the change feed
// while its store was closed). Once closed, no session begins.
type inUse struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when n reaches 0 after close began
}

// begin counts one more use; false when the store is closed.
func (u *inUse) begin() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return false
	}
	u.n++
	return true
}

func (u *inUse) end() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.n--
	if u.n == 0 && u.idle != nil {
		close(u.idle)
		u.idle = nil
	}
}

// close refuses new uses and waits until those under way end, at most
// wait.
func (u *inUse) close(wait time.Duration) {
	u.mu.Lock()
	u.closed = true
	if u.n == 0 {
		u.mu.Unlock()
		return
	}
	if u.idle == nil {
		u.idle = make(chan struct{})
	}
	idle := u.idle
	u.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
	}
}

// countedSession is a session that ends its use when closed.
type countedSession struct {
	driver.SessionWithContext
	once sync.Once
	end  func()
}

func (c *countedSession) Close(ctx context.Context) error {
	err := c.SessionWithContext.Close(ctx)
	c.once.Do(c.end)
	return err
}

// newSession opens a session of cfg on the store's database, in use until
// its Close (Close waits for it). Returns graph.ErrClosed once the store is
// closed.
func (s *Store) newSession(ctx context.Context, cfg driver.SessionConfig) (driver.SessionWithContext, error) {
	if !s.inUse.begin() {
		return nil, graph.ErrClosed
	}
	cfg.DatabaseName = s.db
	return &countedSession{SessionWithContext: s.drv.NewSession(ctx, cfg), end: s.inUse.end}, nil
}
