package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// warm runs every query of qs on s with 8 clients, round-robin, for d; an
// error stops it.
func warm(ctx context.Context, s system, qs []query, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			for j := i; ctx.Err() == nil; j++ {
				if _, err := s.do(ctx, qs[j%len(qs)]); err != nil && ctx.Err() == nil {
					errs <- fmt.Errorf("%s: %w", qs[j%len(qs)].name, err)
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// measure runs q on s (the si-th system) with c workers: warmup
// unmeasured, then d measured. While measuring, each worker compares its
// first answer and every checkEvery-th with the agreed one (q.want), after
// taking its time.
func measure(ctx context.Context, s system, q query, si, c int, warmup, d time.Duration, checkEvery int) cell {
	var checked, mismatches int
	var firstMismatch string
	loop := func(until time.Time, record bool) ([]time.Duration, int, string) {
		var mu sync.Mutex
		var all []time.Duration
		errs, first := 0, ""
		var wg sync.WaitGroup
		for range c {
			wg.Go(func() {
				var lat []time.Duration
				e, fe := 0, ""
				ck, mm, fm := 0, 0, ""
				for n := 0; time.Now().Before(until) && ctx.Err() == nil; n++ {
					t0 := time.Now()
					v, err := s.do(ctx, q)
					if err != nil {
						e++
						if fe == "" {
							fe = err.Error()
						}
						continue
					}
					if !record {
						continue
					}
					lat = append(lat, time.Since(t0))
					if checkEvery > 0 && n%checkEvery == 0 {
						ck++
						facts, err := q.norm[si](v)
						d := diff(q.want, facts)
						if err != nil {
							d = err.Error()
						}
						if d != "" {
							mm++
							if fm == "" {
								fm = d
							}
						}
					}
				}
				mu.Lock()
				all = append(all, lat...)
				errs += e
				if first == "" {
					first = fe
				}
				checked, mismatches = checked+ck, mismatches+mm
				if firstMismatch == "" {
					firstMismatch = fm
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		return all, errs, first
	}
	loop(time.Now().Add(warmup), false)
	start := time.Now()
	lat, errs, first := loop(start.Add(d), true)
	elapsed := time.Since(start)
	m := cell{System: s.name, Concurrency: c, Ops: len(lat), Errors: errs, FirstError: first,
		Checked: checked, Mismatches: mismatches, FirstMismatch: firstMismatch, LoadAvg: loadAvg()}
	if len(lat) > 0 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		var sum time.Duration
		for _, l := range lat {
			sum += l
		}
		pct := func(p float64) float64 {
			i := int(float64(len(lat))*p+0.5) - 1
			i = max(0, min(i, len(lat)-1))
			return ms(lat[i])
		}
		m.Throughput = float64(len(lat)) / elapsed.Seconds()
		m.P50ms, m.P99ms, m.Meanms = pct(0.50), pct(0.99), ms(sum/time.Duration(len(lat)))
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
