package memory

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/orgnet/orgnet/graph"
)

// load reads every node and edge and rebuilds the adjacency lists. bbolt
// iterates keys in byte order, which is Go string order, so the node order
// and every adjacency list come out sorted.
//
// Opening the city set was JSON decoding two thirds of the time (and
// growing the maps a tenth): the records are decoded (and the nodes' search
// keys computed) by one worker per CPU, each a contiguous share of them,
// and then linked in key order into maps sized for them.
func (s *Store) load(ctx context.Context) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketNodes, bucketEdges, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := s.loadFeed(tx); err != nil {
			return err
		}
		switch v := meta.Get(keyVersion); {
		case v == nil:
			if err := meta.Put(keyVersion, []byte(formatVersion)); err != nil {
				return err
			}
		case string(v) != formatVersion:
			return fmt.Errorf("format version %s; this build reads %s", v, formatVersion)
		}
		// The values stay valid (bbolt's map of the file) until tx ends.
		recs, err := decodeAll(ctx, tx.Bucket(bucketNodes), "node", func(b []byte) (*nodeRec, error) {
			n, err := decodeNode(b)
			if err != nil {
				return nil, err
			}
			return newRec(n), nil
		})
		if err != nil {
			return err
		}
		s.nodes = make(map[string]*nodeRec, len(recs))
		s.order = recs
		for _, r := range recs {
			s.nodes[r.n.ID] = r
		}
		edges, err := decodeAll(ctx, tx.Bucket(bucketEdges), "edge", decodeEdge)
		if err != nil {
			return err
		}
		s.edges = make(map[string]*graph.Edge, len(edges))
		for _, e := range edges {
			from, to := s.nodes[e.From], s.nodes[e.To]
			if from == nil || to == nil {
				return fmt.Errorf("edge %q joins %q and %q, and one of them is missing", e.ID, e.From, e.To)
			}
			s.edges[e.ID] = e
			from.out = append(from.out, adj{e, to})
			to.in = append(to.in, adj{e, from})
		}
		return nil
	})
}

// decodeAll decodes every value of bucket with dec, in key order, by one
// worker per CPU; the first error (wrapped with the key and what) stops it.
func decodeAll[T any](ctx context.Context, bucket *bolt.Bucket, what string, dec func([]byte) (T, error)) ([]T, error) {
	var keys, vals [][]byte
	if err := bucket.ForEach(func(k, v []byte) error {
		keys, vals = append(keys, k), append(vals, v)
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]T, len(vals))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(vals)/1024))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(vals)*w/workers, len(vals)*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				if i%4096 == 0 && ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				v, err := dec(vals[i])
				if err != nil {
					errs[w] = fmt.Errorf("decode %s %q: %w", what, keys[i], err)
					return
				}
				out[i] = v
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
