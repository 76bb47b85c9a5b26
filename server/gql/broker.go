package gql

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/orgnet/orgnet/server/gql/model"
)

// Broker fans committed changes out to subscribers (graphChanged) and to
// listeners such as caches that must be invalidated.
type Broker struct {
	mu        sync.Mutex
	next      int
	subs      map[int]chan *model.GraphChange
	listeners []func(*model.GraphChange)
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[int]chan *model.GraphChange{}} }

// OnChange registers f to run (synchronously) on every published change.
func (b *Broker) OnChange(f func(*model.GraphChange)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listeners = append(b.listeners, f)
}

// Publish sends a change to every subscriber. A subscriber too slow to keep
// 64 changes buffered misses changes rather than blocking writers.
func (b *Broker) Publish(c *model.GraphChange) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.listeners {
		f(c)
	}
	for _, ch := range b.subs {
		select {
		case ch <- c:
		default:
		}
	}
}

// Subscribe returns a channel of changes touching ids (all when empty),
// closed when ctx ends.
func (b *Broker) Subscribe(ctx context.Context, ids []string) <-chan *model.GraphChange {
	in := make(chan *model.GraphChange, 64)
	out := make(chan *model.GraphChange, 64)
	b.mu.Lock()
	id := b.next
	b.next++
	b.subs[id] = in
	b.mu.Unlock()
	go func() {
		defer close(out)
		defer func() {
			b.mu.Lock()
			delete(b.subs, id)
			b.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case c := <-in:
				if len(ids) > 0 && !slices.ContainsFunc(c.Ids, func(x string) bool { return slices.Contains(ids, x) }) {
					continue
				}
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// Subscribers returns how many subscriptions are open.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// changed publishes a change made by the running mutation.
func (r *Resolver) changed(kind model.ChangeKind, op string, ids, edgeIDs []string) {
	r.writes.Add(1)
	if r.Broker == nil {
		return
	}
	if ids == nil {
		ids = []string{}
	}
	if edgeIDs == nil {
		edgeIDs = []string{}
	}
	r.Broker.Publish(&model.GraphChange{Kind: kind, Operation: op, Ids: ids, EdgeIds: edgeIDs,
		At: time.Now().UTC().Format(time.RFC3339Nano)})
}
