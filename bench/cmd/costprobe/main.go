// Command costprobe measures the largest memory growth one hostile request
// can cause (issue #15, rows 1 and 2): for each class of request it starts
// `orgnet serve` on an embedded store (the synthetic city set), waits for it
// to be ready and settled, sends the class's request(s) over HTTP, samples
// the server's resident set (VmRSS in /proc) every 5 ms until the answers
// are in, and reports the peak growth over the baseline; and the bytes the
// server allocated meanwhile (go_memstats_alloc_bytes_total from /metrics,
// before and after), with the answer's status, first error reason, size and
// time. Every class gets a fresh server, so that one class's freed memory
// does not hide the next one's.
//
// The two measures differ: with the city set live (some 0.9 GB), Go's
// collector lets garbage reach the size of the live heap before it runs, so
// the resident growth of one request is at most what it allocates, and
// often far less (a collection ran during it); what it allocates is the
// bound that does not depend on when the collector runs.
//
//	go run ./cmd/orgnet seed --synthetic city --data-dir /tmp/city
//	go run ./bench/cmd/costprobe -data-dir /tmp/city [-bin orgnet] [-only edges,subtree] [-json out.json]
//
// -bin runs another orgnet binary (e.g. one built from an older commit, to
// compare): requests it refuses as unknown GraphQL are reported as such.
// Figures: docs/reliability.md §12. Not a test: nothing here asserts a time.
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
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// class is one kind of hostile request.
type class struct {
	name, what string
	// query is sent as POST /graphql; get, when set, is fetched instead.
	query, get string
	// parallel sends that many at once (default 1).
	parallel int
	// flags are extra flags of orgnet serve.
	flags []string
}

func aliased(n int, field string) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// unknownFields selects n fields no type has, each once.
func unknownFields(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "nope%d ", i)
	}
	return b.String()
}

const allEdgeFields = `id type source target since until provenance { source quote ref }`

func classes() []class {
	return []class{
		{name: "edges-aliases", what: "20 aliases of edges(asOf) with every field (the issue's row 1): a default page of 500 each",
			query: aliased(20, `edges(asOf: "2024-01-01") { `+allEdgeFields+` }`)},
		{name: "edges-widest", what: "the most edges one request may read: 20 aliases of edges(first: 5000) { id } (100,020 of 200,000)",
			query: aliased(20, `edges(first: 5000) { id }`)},
		{name: "edges-fullest", what: "3 aliases of edges(first: 5000) with every field (150,003): the largest answer of the list classes",
			query: aliased(3, `edges(first: 5000) { `+allEdgeFields+` }`)},
		{name: "subtree-deep", what: "6 aliases of subtree(c01-committee, maxDepth: 10, limit: 5000) { nodes { id } edges { id } truncated } (180,660)",
			query: aliased(6, `subtree(rootId: "org:c01-committee", maxDepth: 10, limit: 5000) { nodes { id } edges { id } truncated }`)},
		{name: "neighbourhood-deep", what: "6 aliases of neighbourhood(s001-committee, depth: 6, limit: 5000) { nodes { id } edges { id } truncated } (180,420)",
			query: aliased(6, `neighbourhood(id: "org:s001-committee", depth: 6, limit: 5000) { nodes { id } edges { id } truncated }`)},
		{name: "relations-wide", what: "organisations(first: 500) each with relations(limit: 100) { direction node { id } } (151,501)",
			query: `{ organisations(first: 500) { nodes { id relations(limit: 100) { direction node { id } } } } }`},
		{name: "directives", what: "{ stats @a ×49,000 { nodes } } (the issue's row 2), one request",
			query: "{ stats " + strings.Repeat("@a ", 49000) + "{ nodes } }"},
		{name: "directives-x6", what: "the same, six at once (the issue's 1.25 GB)", parallel: 6,
			query: "{ stats " + strings.Repeat("@a ", 49000) + "{ nodes } }"},
		{name: "errors-validation", what: "999 distinct unknown fields (the most selections a document may write): 999 validation errors, 21 sent",
			query: `{ organisation(id: "x") { ` + unknownFields(999) + ` } }`},
		{name: "errors-execution", what: "20 aliases of organisations(first: 500) { nodes { children(limit: 1) { id } } }: an error for every node with more than one child",
			query: aliased(20, `organisations(first: 500) { nodes { id children(limit: 1) { id } } }`)},
		{name: "response-cut", what: "edges-fullest with --max-response-bytes 1MiB: cut off while it is built",
			query: aliased(3, `edges(first: 5000) { `+allEdgeFields+` }`), flags: []string{"--max-response-bytes", "1MiB"}},
		{name: "simulate-x1", what: "simulateAlliances(BALANCED, k: 0): one whole-graph snapshot",
			query: `{ simulateAlliances(input: {strategy: BALANCED, k: 0}) { moved } }`},
		{name: "simulate-x3", what: "3 aliases of simulateAlliances(BALANCED, k: 0), the most one request may hold (150,003): one snapshot shared",
			query: aliased(3, `simulateAlliances(input: {strategy: BALANCED, k: 0}) { moved }`)},
		{name: "simulate-x9", what: "9 aliases of simulateAlliances(BALANCED, k: 0): refused by the complexity limit since the price of a snapshot read is 50,000",
			query: aliased(9, `simulateAlliances(input: {strategy: BALANCED, k: 0}) { moved }`)},
		{name: "simulate-4-requests", what: "4 simulateAlliances requests at once: 2 hold a snapshot (--max-snapshots 2), 2 wait", parallel: 4,
			query: `{ simulateAlliances(input: {strategy: BALANCED, k: 0}) { moved } }`},
		{name: "changes", what: "changes over 30 years, limit 10,000: a snapshot read, then the events (or LIST_LIMIT_EXCEEDED)",
			query: `{ changes(from: "2000-01-01", to: "2030-01-01", limit: 10000) { date kind } }`},
		{name: "export-whole", what: "GET /export/json: the whole graph, one file", get: "/export/json"},
	}
}

// result is one class's measure.
type result struct {
	Class       string  `json:"class"`
	What        string  `json:"what"`
	Requests    int     `json:"requests"`
	Status      []int   `json:"status"`
	Reason      string  `json:"reason,omitempty"`
	Errors      int     `json:"errors"`
	Bytes       int64   `json:"bytes"`
	Seconds     float64 `json:"seconds"`
	AllocMiB    float64 `json:"allocMiB"`
	BaselineMiB float64 `json:"baselineMiB"`
	PeakMiB     float64 `json:"peakMiB"`
	GrowthMiB   float64 `json:"growthMiB"`
	Err         string  `json:"err,omitempty"`
}

func main() {
	bin := flag.String("bin", "", "orgnet binary (default: build ./cmd/orgnet)")
	dataDir := flag.String("data-dir", "", "embedded store holding the set (orgnet seed --synthetic city --data-dir …)")
	only := flag.String("only", "", "comma-separated classes (default: all)")
	jsonOut := flag.String("json", "", "also write the results as JSON here")
	flag.Parse()
	if *dataDir == "" {
		fail(errors.New("-data-dir is required"))
	}
	if *bin == "" {
		dir, err := os.MkdirTemp("", "costprobe")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(dir)
		*bin = filepath.Join(dir, "orgnet")
		if out, err := exec.Command("go", "build", "-o", *bin, "./cmd/orgnet").CombinedOutput(); err != nil {
			fail(fmt.Errorf("build orgnet (run from the repository root): %v: %s", err, out))
		}
	}
	want := map[string]bool{}
	for _, c := range strings.Split(*only, ",") {
		if c != "" {
			want[c] = true
		}
	}
	var results []result
	for _, c := range classes() {
		if len(want) > 0 && !want[c.name] {
			continue
		}
		r := run(*bin, *dataDir, c)
		results = append(results, r)
		fmt.Printf("%-20s RSS +%6.1f MiB (%4.0f → %4.0f)  allocated %7.1f MiB  %5.2fs  status %v  %s  %d errors  %d bytes %s\n",
			r.Class, r.GrowthMiB, r.BaselineMiB, r.PeakMiB, r.AllocMiB, r.Seconds, r.Status, r.Reason, r.Errors, r.Bytes, r.Err)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "costprobe:", err)
	os.Exit(1)
}

// run measures one class on a fresh server.
func run(bin, dataDir string, c class) result {
	r := result{Class: c.name, What: c.what, Requests: max(c.parallel, 1)}
	port, err := freePort()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{"serve", "--data-dir", dataDir, "--addr", "127.0.0.1:" + strconv.Itoa(port),
		"--rate-limit", "0", "--seed=false", "--anonymous-role", "admin"}, c.flags...)
	cmd := exec.Command(bin, args...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		r.Err = err.Error()
		return r
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	if err := waitReady(base, 5*time.Minute); err != nil {
		r.Err = fmt.Sprintf("%v: %s", err, lastLines(logs.String(), 5))
		return r
	}
	// Settle: let start-up garbage be collected and returned.
	time.Sleep(3 * time.Second)
	pid := cmd.Process.Pid
	alloc0, err := allocated(base)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	baseline, err := rss(pid)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	var peak int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := rss(pid); err == nil && v > peak {
				peak = v
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answers := make([]answer, r.Requests)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			st, body, err := send(base, c)
			answers[i] = answer{st, body, err}
		})
	}
	wg.Wait()
	r.Seconds = time.Since(start).Seconds()
	time.Sleep(50 * time.Millisecond) // one more sample after the answers
	close(stop)
	<-sampled
	if alloc1, err := allocated(base); err == nil {
		r.AllocMiB = float64(alloc1-alloc0) / (1 << 20)
	}
	for _, a := range answers {
		if a.err != nil {
			r.Err = a.err.Error()
			continue
		}
		r.Status = append(r.Status, a.status)
		r.Bytes = max(r.Bytes, int64(len(a.body)))
		var resp struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if json.Unmarshal(a.body, &resp) == nil && len(resp.Errors) > 0 {
			r.Errors = max(r.Errors, len(resp.Errors))
			if reason, _ := resp.Errors[0].Extensions["reason"].(string); reason != "" {
				r.Reason = reason
			} else if code, _ := resp.Errors[0].Extensions["code"].(string); code != "" && r.Reason == "" {
				r.Reason = code
			}
		}
	}
	mib := func(kb int64) float64 { return float64(kb) / 1024 }
	r.BaselineMiB, r.PeakMiB, r.GrowthMiB = mib(baseline), mib(max(peak, baseline)), mib(max(peak-baseline, 0))
	return r
}

func send(base string, c class) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var req *http.Request
	var err error
	if c.get != "" {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+c.get, nil)
	} else {
		body, _ := json.Marshal(map[string]any{"query": c.query})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// allocated returns the bytes the server has allocated since it started
// (an admin may read /metrics: the probe runs it with --anonymous-role
// admin, on loopback).
func allocated(base string) (int64, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	s := bufio.NewScanner(resp.Body)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "go_memstats_alloc_bytes_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	return 0, fmt.Errorf("no go_memstats_alloc_bytes_total in /metrics (status %d)", resp.StatusCode)
}

func waitReady(base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("orgnet not ready after %v", limit)
}

// rss returns the process's resident set in KiB.
func rss(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
