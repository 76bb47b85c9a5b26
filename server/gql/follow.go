package gql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// DefaultFollowInterval is how often a Follower reads the change feed when
// nothing wakes it: a change made through another replica, or by the
// command line, reaches this replica's subscribers and caches within about
// this long. Each read is one indexed statement that answers nothing when
// nothing changed (≈0.3–1 ms of the database's time), so a replica costs the
// database a few reads a second, whatever the write rate.
//
// Polling rather than a long poll: Neo4j has no way to hold a read until a
// write commits (no LISTEN/NOTIFY; a server-side wait loop would hold a
// transaction and a connection per replica), and a poll's cost is known in
// advance. This replica's own writes wake the follower at once (Wake).
const DefaultFollowInterval = 250 * time.Millisecond

// Follower reads the store's change feed and publishes each change, in
// order, to a Broker, whose listeners invalidate this replica's caches and
// whose subscribers hear of it.
type Follower struct {
	store  graph.Store
	broker *Broker
	every  time.Duration
	logger *slog.Logger
	wake   chan struct{}

	// Where Start found the feed.
	after   int64
	epoch   string
	started bool
}

// NewFollower returns a Follower of store's feed publishing to broker,
// reading every interval (DefaultFollowInterval when 0) and whenever the
// broker is woken.
func NewFollower(store graph.Store, broker *Broker, every time.Duration, logger *slog.Logger) *Follower {
	if every <= 0 {
		every = DefaultFollowInterval
	}
	if logger == nil {
		logger = slog.Default()
	}
	f := &Follower{store: store, broker: broker, every: every, logger: logger, wake: make(chan struct{}, 1)}
	broker.mu.Lock()
	broker.feed = store.Changes
	broker.wake = func() {
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
	broker.mu.Unlock()
	return f
}

// Start reads where the feed stands and tells the broker, so that the
// changes after it are published once Run runs. Without it, Run starts from
// where the feed stands when it first reads it.
func (f *Follower) Start(ctx context.Context) error {
	p, err := f.store.Changes(ctx, 0, 1)
	if err != nil {
		return err
	}
	f.after, f.epoch, f.started = p.Head, p.Epoch, true
	f.broker.start(p.Head)
	return nil
}

// followPage is how many changes one read of the feed takes.
const followPage = graph.MaxChangesPage

// Run follows the feed until ctx ends or the store is closed. It starts
// from the feed's head (nothing before it is published: this replica's
// caches are empty then). When the feed has dropped changes it had not
// read (it was behind by more than the retention, or the database was
// replaced: another epoch), it publishes a RESYNC and goes on from the
// head. Errors are logged and retried with a growing pause (at most 5 s).
func (f *Follower) Run(ctx context.Context) {
	var (
		after   = f.after
		epoch   = f.epoch
		started = f.started
		pause   time.Duration
		logged  time.Time
	)
	for {
		p, err := f.store.Changes(ctx, after, followPage)
		switch {
		case err == nil:
			pause = 0
		case errors.Is(err, graph.ErrClosed) || ctx.Err() != nil:
			return
		default:
			if time.Since(logged) > time.Minute {
				f.logger.Warn("change feed: cannot read", "after", after, "err", err)
				logged = time.Now()
			}
			pause = min(max(2*pause, f.every), 5*time.Second)
			if !f.sleep(ctx, pause) {
				return
			}
			continue
		}
		switch {
		case !started:
			after, epoch, started = p.Head, p.Epoch, true
			f.broker.start(after)
			continue
		case epoch != "" && p.Epoch != epoch:
			f.broker.Resync(p.Head, fmt.Sprintf("the database was replaced (change feed %s, now %s)", epoch, p.Epoch))
			after, epoch = p.Head, p.Epoch
			continue
		case p.Missed(after):
			f.broker.Resync(p.Head, fmt.Sprintf("this server fell behind the change feed: the changes after %d are no longer kept (it keeps %d and later)", after, p.Oldest))
			after = p.Head
			continue
		}
		epoch = p.Epoch
		for _, c := range p.Changes {
			f.broker.Publish(changeModel(c))
			after = c.Seq
		}
		if len(p.Changes) == followPage {
			continue // more at once
		}
		if !f.sleep(ctx, f.every) {
			return
		}
	}
}

// sleep waits d, or less when woken; false when ctx ended.
func (f *Follower) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case <-f.wake:
	}
	return true
}
