// Command loadtest drives a running orgnet with an open-loop, fixed-rate mix
// of reads (the GraphiQL example queries) and writes (creating and deleting
// organisations under a test parent) for a bounded time, then reports the
// request count, errors, latency percentiles and the server's goroutines and
// memory before and after (from /metrics when the server exposes it).
//
//	go run ./cmd/loadtest --url http://127.0.0.1:8080/graphql --rate 200 --duration 60s --write-ratio 0.1 --warmup 30s
//
// With --warmup the rate first ramps up from zero to --rate over that time
// (a JVM such as Neo4j's compiles its hot paths in the first minute); what
// the warm-up sends is reported on its own line and not in the figures.
//
// Before sending it waits (up to --ready-wait, 5 min) until the server's
// /readyz answers 200: orgnet serve --warmup is not ready while it warms up.
//
// It only talks to loopback addresses.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orgnet/orgnet/server/examples"
)

type config struct {
	url         string
	rate        float64
	duration    time.Duration
	writeRatio  float64
	parent      string
	timeout     time.Duration
	maxInFlight int
	token       string
	warmup      time.Duration
	// pool is how many created organisations are kept at most before
	// writes only delete, so that the store stays about the same size.
	pool int
	// readyWait is how long to wait for the server's /readyz to answer 200
	// before sending (0: not at all); readyPoll how often to ask (default 1 s).
	readyWait, readyPoll time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.url, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint (loopback only)")
	flag.Float64Var(&c.rate, "rate", 200, "requests per second (open loop)")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "how long to send (at most 1h)")
	flag.Float64Var(&c.writeRatio, "write-ratio", 0.1, "share of requests that are writes (0..1)")
	flag.StringVar(&c.parent, "parent", "org:yuelin-party-working-committee", "parent of the organisations the writes create")
	flag.DurationVar(&c.timeout, "timeout", 10*time.Second, "per-request timeout")
	flag.IntVar(&c.maxInFlight, "max-in-flight", 2000, "requests outstanding at most; a tick past it counts as dropped")
	flag.StringVar(&c.token, "token", os.Getenv("ORGNET_TOKEN"), "bearer token, if the server wants one (env ORGNET_TOKEN)")
	flag.DurationVar(&c.warmup, "warmup", 0, "ramp up from 0 to --rate over this time first; not counted in the figures (at most 10m)")
	flag.IntVar(&c.pool, "pool", 16, "created organisations kept at most (writes then delete)")
	flag.DurationVar(&c.readyWait, "ready-wait", 5*time.Minute, "wait at most this long for the server's /readyz (derived from --url) to answer 200 before sending, e.g. while orgnet warms up; 0: do not wait")
	flag.Parse()
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// loopback refuses any URL whose host is not a loopback address.
func loopback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("url %q: want http or https", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("url %q: refusing a non-loopback host (use 127.0.0.1, ::1 or localhost)", raw)
	}
	return u, nil
}

type op struct {
	name  string
	query string
	vars  map[string]any
	write bool
	// created is the id a create makes: remembered (for a later delete)
	// once the server acknowledged it.
	created string
	// deletes is the id a delete removes: if not acknowledged, deleted
	// again at the end.
	deletes string
}

type result struct {
	kind    string // read, write
	latency time.Duration
	err     string // "" when fine
}

type serverStats struct {
	ok                   bool
	goroutines, heap, rs float64
}

func (s serverStats) String() string {
	if !s.ok {
		return "n/a (no /metrics)"
	}
	return fmt.Sprintf("goroutines %.0f, heap %.1f MiB, RSS %.1f MiB", s.goroutines, s.heap/(1<<20), s.rs/(1<<20))
}

func scrape(client *http.Client, base *url.URL, token string) serverStats {
	u := *base
	u.Path, u.RawQuery = "/metrics", ""
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return serverStats{}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return serverStats{}
	}
	var s serverStats
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "go_goroutines":
			s.goroutines, s.ok = v, true
		case "go_memstats_heap_alloc_bytes":
			s.heap = v
		case "process_resident_memory_bytes":
			s.rs = v
		}
	}
	return s
}

type runner struct {
	c       config
	client  *http.Client
	url     string
	reads   []op
	runID   string
	seq     atomic.Int64
	mu      sync.Mutex
	created []string // ids created and not yet deleted
	// unsure are ids whose create was sent but not acknowledged (a
	// timeout may still have committed it): deleted at the end too.
	unsure []string
}

func (r *runner) send(ctx context.Context, o op) error {
	body, _ := json.Marshal(map[string]any{"query": o.query, "variables": o.vars})
	ctx, cancel := context.WithTimeout(ctx, r.c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if r.c.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.c.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return errors.New("timeout")
		}
		return errors.New("transport")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return errors.New("read body")
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("http %d", resp.StatusCode)
	}
	var out struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return errors.New("bad json")
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("graphql %s", out.Errors[0].Extensions.Code)
	}
	return nil
}

// write creates an organisation under the parent, or deletes one this run
// created: half and half, and only deletes once the run holds c.pool of
// them (so that the store stays about the same size).
func (r *runner) write() op {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.created) > 0 && (len(r.created) >= max(r.c.pool, 1) || rand.IntN(2) == 0) {
		id := r.created[len(r.created)-1]
		r.created = r.created[:len(r.created)-1]
		return op{name: "delete", write: true, deletes: id, query: `mutation LoadDelete($id: ID!) { deleteOrganisation(id: $id) { deletedIds } }`, vars: map[string]any{"id": id}}
	}
	id := fmt.Sprintf("org:loadtest-%s-%06d", r.runID, r.seq.Add(1))
	return op{name: "create", write: true, created: id,
		query: `mutation LoadCreate($id: ID!, $name: String!, $parent: ID!) { createOrganisation(input: {id: $id, kind: PARTY_BRANCH, name: $name, parentId: $parent}) { id } }`,
		vars:  map[string]any{"id": id, "name": "负载测试支部 " + id, "parent": r.c.parent}}
}

// issue sends one request (a read, or a write with probability
// write-ratio) in its own goroutine; it returns 1 when max-in-flight is
// reached and the request is dropped instead.
func (r *runner) issue(sem chan struct{}, wg *sync.WaitGroup, results chan<- result) int {
	var o op
	if rand.Float64() < r.c.writeRatio {
		o = r.write()
	} else {
		o = r.reads[rand.IntN(len(r.reads))]
	}
	select {
	case sem <- struct{}{}:
	default:
		return 1
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { <-sem }()
		t0 := time.Now()
		err := r.send(context.Background(), o)
		res := result{kind: "read", latency: time.Since(t0)}
		if o.write {
			res.kind = "write"
		}
		if err != nil {
			res.err = o.name + ": " + err.Error()
			if id := o.created + o.deletes; id != "" {
				r.mu.Lock()
				r.unsure = append(r.unsure, id)
				r.mu.Unlock()
			}
		} else if o.created != "" {
			r.mu.Lock()
			r.created = append(r.created, o.created)
			r.mu.Unlock()
		}
		results <- res
	}()
	return 0
}

// pace sends requests open loop for d: at each tick, every request due by
// then (due(seconds since start)), also for ticks missed while late. It
// returns how many were dropped (max in flight) and how long it sent.
func (r *runner) pace(ctx context.Context, sem chan struct{}, wg *sync.WaitGroup, results chan<- result, d time.Duration, due func(t float64) int) (dropped int, sent time.Duration) {
	tick := time.NewTicker(time.Duration(float64(time.Second) / r.c.rate))
	defer tick.Stop()
	end := time.NewTimer(d)
	defer end.Stop()
	start := time.Now()
	issued := 0
	for {
		select {
		case <-ctx.Done():
			return dropped, time.Since(start)
		case <-end.C:
			return dropped, time.Since(start)
		case <-tick.C:
			for n := due(time.Since(start).Seconds()); issued < n; issued++ {
				dropped += r.issue(sem, wg, results)
			}
		}
	}
}

// waitReady waits, at most maxWait, until the server's /readyz (on the
// host of base) answers 200: a server that is still starting or warming up
// (orgnet serve --warmup) would only count errors. A server without
// /readyz (404) is not waited for.
func waitReady(ctx context.Context, client *http.Client, base *url.URL, maxWait, poll time.Duration, w io.Writer) error {
	if maxWait <= 0 {
		return nil
	}
	if poll <= 0 {
		poll = time.Second
	}
	u := *base
	u.Path, u.RawQuery = "/readyz", ""
	start := time.Now()
	waiting := false
	last := ""
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusOK:
				if waiting {
					fmt.Fprintf(w, "server ready after %v\n", time.Since(start).Round(100*time.Millisecond))
				}
				return nil
			case http.StatusNotFound:
				fmt.Fprintf(w, "%s: 404, not waiting for readiness\n", u.String())
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body))
		} else {
			last = err.Error()
		}
		if !waiting {
			fmt.Fprintf(w, "waiting up to %v for %s to answer 200 (now: %s)…\n", maxWait, u.String(), last)
			waiting = true
		}
		if time.Since(start)+poll > maxWait {
			return fmt.Errorf("the server was not ready after %v (%s: %s)", maxWait, u.String(), last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(p * float64(len(ds)-1))
	return ds[i]
}

func run(c config, w io.Writer) error {
	u, err := loopback(c.url)
	if err != nil {
		return err
	}
	if c.rate <= 0 || c.rate > 10000 {
		return fmt.Errorf("rate %v: want 0 < rate <= 10000", c.rate)
	}
	if c.duration <= 0 || c.duration > time.Hour {
		return fmt.Errorf("duration %v: want 0 < duration <= 1h", c.duration)
	}
	if c.warmup < 0 || c.warmup > 10*time.Minute {
		return fmt.Errorf("warmup %v: want 0..10m", c.warmup)
	}
	if c.writeRatio < 0 || c.writeRatio > 1 {
		return fmt.Errorf("write-ratio %v: want 0..1", c.writeRatio)
	}
	if c.readyWait < 0 || c.readyWait > time.Hour {
		return fmt.Errorf("ready-wait %v: want 0..1h", c.readyWait)
	}
	all, err := examples.All()
	if err != nil {
		return err
	}
	r := &runner{c: c, url: u.String(), runID: strconv.FormatInt(time.Now().Unix()%1e6, 36),
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}, Timeout: c.timeout}}
	for _, e := range all {
		r.reads = append(r.reads, op{name: e.Name, query: e.Query, vars: e.Variables})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if err := waitReady(ctx, r.client, u, c.readyWait, c.readyPoll, w); err != nil {
		return err
	}
	before := scrape(r.client, u, c.token)
	fmt.Fprintf(w, "loadtest: %s, %.0f req/s for %v, write ratio %.2f\n", r.url, c.rate, c.duration, c.writeRatio)
	fmt.Fprintf(w, "server before: %v\n", before)

	sem := make(chan struct{}, c.maxInFlight)
	var wg sync.WaitGroup
	if c.warmup > 0 {
		// Ramp linearly from 0 to c.rate: due(t) = rate·t²/(2·warmup).
		ws := c.warmup.Seconds()
		warm := make(chan result, 4096)
		var n, nerr int
		wdone := make(chan struct{})
		go func() {
			for res := range warm {
				n++
				if res.err != "" {
					nerr++
				}
			}
			close(wdone)
		}()
		wdropped, _ := r.pace(ctx, sem, &wg, warm, c.warmup, func(t float64) int { return int(c.rate * t * t / (2 * ws)) })
		wg.Wait()
		close(warm)
		<-wdone
		fmt.Fprintf(w, "warm-up: ramped 0 → %.0f req/s over %v: %d sent, %d errors, %d dropped (not counted below)\n",
			c.rate, c.warmup, n, nerr, wdropped)
		before = scrape(r.client, u, c.token)
		fmt.Fprintf(w, "server after warm-up: %v\n", before)
	}

	results := make(chan result, 4096)
	var collected []result
	done := make(chan struct{})
	go func() {
		for res := range results {
			collected = append(collected, res)
		}
		close(done)
	}()
	dropped, sent := r.pace(ctx, sem, &wg, results, c.duration, func(t float64) int { return int(t * c.rate) })
	wg.Wait()
	close(results)
	<-done

	// Clean up what this run created and did not delete, and what it is
	// not sure about (a create or delete that timed out may have
	// committed); NOT_FOUND is fine for those.
	r.mu.Lock()
	left, unsure := r.created, r.unsure
	r.created, r.unsure = nil, nil
	r.mu.Unlock()
	cleanupErrs := 0
	for i, id := range append(left, unsure...) {
		err := r.send(context.Background(), op{query: `mutation LoadDelete($id: ID!) { deleteOrganisation(id: $id) { deletedIds } }`, vars: map[string]any{"id": id}})
		if err != nil && (i < len(left) || err.Error() != "graphql NOT_FOUND") {
			cleanupErrs++
		}
	}
	// Let the server settle before the second look; close this client's
	// idle connections (each holds server goroutines).
	r.client.CloseIdleConnections()
	time.Sleep(2 * time.Second)
	after := scrape(r.client, u, c.token)

	byKind := map[string][]time.Duration{}
	errs := map[string]int{}
	nerr := 0
	for _, res := range collected {
		byKind[res.kind] = append(byKind[res.kind], res.latency)
		byKind["all"] = append(byKind["all"], res.latency)
		if res.err != "" {
			nerr++
			errs[res.err]++
		}
	}
	fmt.Fprintf(w, "sent %d requests in %v (%.1f req/s achieved), %d dropped (max in flight), %d errors\n",
		len(collected), sent.Round(time.Millisecond), float64(len(collected))/sent.Seconds(), dropped, nerr)
	for _, k := range []string{"all", "read", "write"} {
		ds := byKind[k]
		slices.Sort(ds)
		if len(ds) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-5s n=%-6d p50=%-10v p99=%-10v max=%v\n", k, len(ds),
			percentile(ds, 0.50).Round(10*time.Microsecond), percentile(ds, 0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  error %-60s %d\n", k, errs[k])
	}
	fmt.Fprintf(w, "cleanup: %d leftover and %d unacknowledged organisations deleted or absent, %d failed\n", len(left), len(unsure), cleanupErrs)
	fmt.Fprintf(w, "server after:  %v\n", after)
	if nerr > 0 || dropped > 0 {
		return fmt.Errorf("%d errors, %d dropped", nerr, dropped)
	}
	return nil
}
