package gql

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server/gql/model"
)

// Broker fans committed changes out to graphChanged subscribers and to
// listeners such as caches that must be invalidated. The changes come from
// the store's change feed, through a Follower (follow.go), in sequence
// order, whichever replica or command made them.
//
// Each subscriber keeps its own place in the feed (the seq of the last
// change it was sent) and is woken when changes are published; it takes
// them from the broker's recent changes, or, when it is further behind
// than those (it resumed from an older seq, or could not keep up), from the
// store's feed itself (Store.Changes). So a slow subscriber or one that
// resumes misses nothing the feed still keeps; what the feed no longer
// keeps is a RESYNC change.
type Broker struct {
	// feed reads the store's change feed for subscribers behind the recent
	// changes (set by NewFollower); nil: such a subscriber gets a RESYNC.
	feed func(ctx context.Context, after int64, limit int) (*graph.ChangePage, error)

	mu        sync.Mutex
	next      int
	subs      map[int]*subscriber
	listeners []func(*model.GraphChange)
	recent    []*model.GraphChange // the last recentMax published, by seq
	last      int64                // seq of the last change published
	started   bool                 // the follower has said where the feed stands
	base      int64                // where it stood then
	wake      func()               // wakes the follower (nil: none)
	catchUp   []catchUp            // waiting for last to reach a seq
}

// recentMax is how many changes a broker keeps for its subscribers.
const recentMax = 1024

// subscriberPage is how many changes a subscriber behind the recent ones
// reads from the store at a time.
const subscriberPage = 256

type subscriber struct {
	notify chan struct{} // capacity 1: something was published
	resync string        // a RESYNC to send first (why), guarded by Broker.mu
	// fromStart: subscribed from now before the follower started; the
	// subscriber's place is where the feed stood then. Guarded by Broker.mu.
	fromStart bool
}

type catchUp struct {
	seq  int64
	done chan struct{}
}

// NewBroker returns an empty broker. Its Follower (NewFollower) feeds it and
// gives it the store's feed to read for subscribers that are behind.
func NewBroker() *Broker {
	return &Broker{subs: map[int]*subscriber{}}
}

// OnChange registers f to run (synchronously, before subscribers are
// woken) on every published change, RESYNC included.
func (b *Broker) OnChange(f func(*model.GraphChange)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listeners = append(b.listeners, f)
}

// Last is the seq of the last change published (0: none yet).
func (b *Broker) Last() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// start sets where the feed stands when the follower begins (nothing before
// it is published).
func (b *Broker) start(seq int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last, b.base, b.started = seq, seq, true
	b.recent = nil
	b.release()
	for _, s := range b.subs {
		s.poke()
	}
}

// Publish sends a change of the feed (its Seq the next after the last) to
// the listeners and wakes every subscriber.
func (b *Broker) Publish(c *model.GraphChange) {
	seq, _ := strconv.ParseInt(c.Seq, 10, 64)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.listeners {
		f(c)
	}
	b.last = seq
	b.recent = append(b.recent, c)
	if len(b.recent) > recentMax {
		b.recent = slices.Delete(b.recent, 0, len(b.recent)-recentMax)
	}
	b.release()
	for _, s := range b.subs {
		s.poke()
	}
}

// Resync tells the listeners and every subscriber that changes were missed
// (why says how), and goes on from seq: the follower's way of saying that
// the feed lost changes it had not published.
func (b *Broker) Resync(seq int64, why string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := resyncChange(seq, why)
	for _, f := range b.listeners {
		f(c)
	}
	b.last = seq
	b.recent = nil
	b.release()
	for _, s := range b.subs {
		s.resync = why
		s.poke()
	}
}

func resyncChange(seq int64, why string) *model.GraphChange {
	return &model.GraphChange{Seq: strconv.FormatInt(seq, 10), Kind: model.ChangeKindResync, Operation: "resync",
		Ids: []string{}, EdgeIds: []string{}, Many: true, At: time.Now().UTC().Format(time.RFC3339Nano), Reason: &why}
}

func (s *subscriber) poke() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// release ends the waits of CaughtUp that last has reached; mu is held.
func (b *Broker) release() {
	b.catchUp = slices.DeleteFunc(b.catchUp, func(w catchUp) bool {
		if w.seq <= b.last {
			close(w.done)
			return true
		}
		return false
	})
}

// CaughtUp returns once the broker has published seq (at once if it has),
// waking the follower to look now; it returns ctx's error if ctx ends first.
func (b *Broker) CaughtUp(ctx context.Context, seq int64) error {
	b.mu.Lock()
	if seq <= b.last {
		b.mu.Unlock()
		return nil
	}
	w := catchUp{seq: seq, done: make(chan struct{})}
	b.catchUp = append(b.catchUp, w)
	wake := b.wake
	b.mu.Unlock()
	if wake != nil {
		wake()
	}
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Following is whether a Follower publishes the store's feed to b.
func (b *Broker) Following() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.wake != nil
}

// Wake asks the follower to read the feed now (after a write of this
// replica), instead of at its next poll.
func (b *Broker) Wake() {
	b.mu.Lock()
	wake := b.wake
	b.mu.Unlock()
	if wake != nil {
		wake()
	}
}

// Subscribe returns a channel of the changes after after (nil: from now)
// touching ids (all when empty; a change with Many and a RESYNC always
// pass), closed when ctx ends.
func (b *Broker) Subscribe(ctx context.Context, ids []string, after *int64) <-chan *model.GraphChange {
	out := make(chan *model.GraphChange, 64)
	s := &subscriber{notify: make(chan struct{}, 1)}
	b.mu.Lock()
	id := b.next
	b.next++
	b.subs[id] = s
	cursor := b.last
	if after != nil {
		cursor = *after
	} else if !b.started {
		s.fromStart = true
	}
	b.mu.Unlock()
	s.poke()
	go func() {
		defer close(out)
		defer func() {
			b.mu.Lock()
			delete(b.subs, id)
			b.mu.Unlock()
		}()
		send := func(c *model.GraphChange) bool {
			if c.Kind != model.ChangeKindResync && !c.Many && len(ids) > 0 &&
				!slices.ContainsFunc(c.Ids, func(x string) bool { return slices.Contains(ids, x) }) {
				return true
			}
			select {
			case out <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.notify:
			}
			for {
				next, more, ok := b.pending(ctx, s, &cursor)
				for _, c := range next {
					if !send(c) {
						return
					}
				}
				if !ok {
					return
				}
				if !more {
					break
				}
			}
		}
	}()
	return out
}

// pending returns the changes a subscriber at *cursor is to be sent next,
// and moves *cursor past them; more tells that there may be more at once;
// ok false that ctx ended.
func (b *Broker) pending(ctx context.Context, s *subscriber, cursor *int64) (next []*model.GraphChange, more, ok bool) {
	b.mu.Lock()
	last := b.last
	if s.fromStart {
		if !b.started {
			b.mu.Unlock()
			return nil, false, true
		}
		s.fromStart = false
		*cursor = b.base
	}
	if why := s.resync; why != "" {
		s.resync = ""
		b.mu.Unlock()
		*cursor = last
		return []*model.GraphChange{resyncChange(last, why)}, true, true
	}
	if *cursor >= last {
		b.mu.Unlock()
		return nil, false, true
	}
	if n := len(b.recent); n > 0 {
		first, _ := strconv.ParseInt(b.recent[0].Seq, 10, 64)
		if *cursor+1 >= first {
			next = slices.Clone(b.recent[*cursor+1-first:])
			b.mu.Unlock()
			*cursor = last
			return next, false, true
		}
	}
	b.mu.Unlock()
	// Behind the recent changes: read the store's feed up to last.
	b.mu.Lock()
	feed := b.feed
	b.mu.Unlock()
	if feed == nil {
		*cursor = last
		return []*model.GraphChange{resyncChange(last, "changes before the ones this server keeps were asked for")}, true, true
	}
	p, err := feed(ctx, *cursor, subscriberPage)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, false
		}
		from := *cursor
		*cursor = last
		return []*model.GraphChange{resyncChange(last, fmt.Sprintf("the changes after %d could not be read: %s", from, graph.ErrorMessage(err)))}, true, true
	}
	if p.Missed(*cursor) {
		from := *cursor
		*cursor = last
		return []*model.GraphChange{resyncChange(last, fmt.Sprintf("the changes after %d are no longer kept (the feed keeps %d and later)", from, p.Oldest))}, true, true
	}
	for _, c := range p.Changes {
		if c.Seq > last {
			break
		}
		next = append(next, changeModel(c))
		*cursor = c.Seq
	}
	if len(next) == 0 {
		// Not visible to this read yet: the recent changes will have it.
		return nil, false, true
	}
	return next, true, true
}

// Subscribers returns how many subscriptions are open.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// changeModel is the GraphChange of a feed change.
func changeModel(c graph.Change) *model.GraphChange {
	ids, edgeIDs := c.NodeIDs, c.EdgeIDs
	if ids == nil {
		ids = []string{}
	}
	if edgeIDs == nil {
		edgeIDs = []string{}
	}
	return &model.GraphChange{Seq: strconv.FormatInt(c.Seq, 10), Kind: model.ChangeKind(c.Kind), Operation: c.Operation,
		Ids: ids, EdgeIds: edgeIDs, Many: c.Many, NodeCount: c.Nodes, EdgeCount: c.Edges,
		At: c.At.UTC().Format(time.RFC3339Nano)}
}

// wrote is what a mutation does after its write committed: the analysis
// and planning caches of this replica forget at once, or (analysis, when a
// follower publishes the store's feed) wait for the change to reach them
// (analysisFresh): either way its next analysis or plan reads its own
// write. The operation's shared snapshot is read again (writes,
// snapshots.go), and the follower reads the feed now, so that subscribers
// hear of it without waiting for the next poll.
func (r *Resolver) wrote(ctx context.Context) {
	r.wroteAside(ctx)
	if c := r.plans(); c != nil {
		c.invalidate()
	}
}

// wroteAside is wrote for a write beside the network a plan is made on
// (saving a scenario): the planning cache stays, as it does when the
// follower publishes such a change (plans).
func (r *Resolver) wroteAside(ctx context.Context) {
	r.writes.Add(1)
	var seq int64
	if rc := graph.ReceiptFrom(ctx); rc != nil {
		seq = rc.Seq()
	}
	if seq > 0 && r.Broker != nil && r.Broker.Following() {
		// The follower publishes the change, with the ids it touched, in a
		// moment; the analysis cache patches what they are now (Changed).
		for {
			old := r.ownWrite.Load()
			if seq <= old || r.ownWrite.CompareAndSwap(old, seq) {
				break
			}
		}
	} else if r.Analysis != nil {
		r.Analysis.Invalidate()
	}
	if r.Broker != nil {
		r.Broker.Wake()
	}
}

// analysisFresh returns once this replica's analysis cache has heard of the
// last write made through it (at once when it has: the follower, woken by
// the write, publishes it within milliseconds), so that an analysis after a
// write reads it.
func (r *Resolver) analysisFresh(ctx context.Context) error {
	seq := r.ownWrite.Load()
	if seq == 0 || r.Broker == nil {
		return nil
	}
	if err := r.Broker.CaughtUp(ctx, seq); err != nil {
		return &graph.Error{Code: graph.CodeUnavailable,
			Message: "this server has not yet read its own last write back from the change feed; ask again", Err: err}
	}
	return nil
}
