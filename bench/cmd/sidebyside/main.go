// Command sidebyside runs the side-by-side benchmark of bench/README.md in
// one go: it starts a local Neo4j 5.26 (localneo4j, Bolt on 127.0.0.1),
// loads a synthetic set into it when it does not hold one already (orgnet
// seed --synthetic), starts `orgnet serve --store neo4j` and the peer
// (@neo4j/graphql 7 + @apollo/server, bench/peer), checks that the three
// systems — hand-written Cypher through the Go driver (the floor), orgnet
// over HTTP and the peer over HTTP — give the same answer to each query of
// the fixed set, times every query on every system at each concurrency for
// a fixed duration, writes bench/results/<date>-<dataset>.json, prints a
// Markdown table, and stops everything it started.
//
//	go run ./bench/cmd/sidebyside [-size city] [-duration 5s] [-concurrency 1,8,32]
//
// Run it from the repository root (bash bench/run.sh does).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/orgnet/orgnet/localneo4j"
	"github.com/orgnet/orgnet/seed"
)

type options struct {
	size        string
	seed        int64
	boltPort    int
	dir         string
	heapMB      int
	orgnetPort  int
	peerPort    int
	duration    time.Duration
	warmup      time.Duration
	warmupAll   time.Duration
	checkEvery  int
	conc        []int
	out         string
	only        string
	profile     string
	keepRunning bool
}

func main() {
	var o options
	var conc string
	flag.StringVar(&o.size, "size", "city", "synthetic set: county, city or province")
	flag.Int64Var(&o.seed, "seed", 1, "seed of the synthetic set")
	flag.IntVar(&o.boltPort, "bolt-port", 7731, "Bolt port of the local Neo4j")
	flag.StringVar(&o.dir, "dir", "/tmp/bench-neo4j/data", "Neo4j data directory (kept between runs: the set is loaded once)")
	flag.IntVar(&o.heapMB, "heap-mb", 1536, "Neo4j JVM heap")
	flag.IntVar(&o.orgnetPort, "orgnet-port", 7740, "orgnet HTTP port")
	flag.IntVar(&o.peerPort, "peer-port", 7741, "peer HTTP port")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measured time per (query, system, concurrency) cell")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "unmeasured time before each cell")
	flag.DurationVar(&o.warmupAll, "warmup-all", 30*time.Second, "unmeasured time each system runs all the queries (8 clients, round-robin) before the first cell: the same warm-up for all three (orgnet's own is turned off)")
	flag.IntVar(&o.checkEvery, "check-every", 25, "while timing, each client compares every n-th answer (and its first) with the agreed one, outside the timed span")
	flag.StringVar(&conc, "concurrency", "1,8,32", "concurrencies")
	flag.StringVar(&o.out, "out", "bench/results", "directory of the JSON results")
	flag.StringVar(&o.only, "only", "", "comma-separated query names to run (all when empty)")
	flag.StringVar(&o.profile, "profile", "", "after the run, take a 15 s CPU profile of orgnet (8 clients running the queries round-robin) into this file")
	flag.BoolVar(&o.keepRunning, "keep", false, "leave Neo4j running at the end (orgnet and the peer are always stopped)")
	flag.Parse()
	for _, c := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-concurrency: bad value %q", c))
		}
		o.conc = append(o.conc, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sidebyside:", err)
	os.Exit(1)
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

const (
	user     = localneo4j.DefaultUser
	password = localneo4j.DefaultPassword
)

func run(ctx context.Context, o options) (err error) {
	size, err := seed.ParseSize(o.size)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "orgnet-sidebyside-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	logf("building orgnet")
	bin := filepath.Join(tmp, "orgnet")
	if err := runCmd(ctx, "go", "build", "-o", bin, "./cmd/orgnet"); err != nil {
		return fmt.Errorf("build orgnet (run from the repository root): %w", err)
	}
	if _, err := os.Stat("bench/peer/node_modules/@neo4j/graphql"); err != nil {
		logf("installing the peer's npm packages (npm ci)")
		c := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		c.Dir, c.Stdout, c.Stderr = "bench/peer", os.Stderr, os.Stderr
		if err := c.Run(); err != nil {
			return fmt.Errorf("npm ci in bench/peer: %w", err)
		}
	}

	logf("starting Neo4j %s on bolt port %d, data %s", localneo4j.Neo4jVersion, o.boltPort, o.dir)
	if err := os.MkdirAll(filepath.Dir(o.dir), 0o755); err != nil {
		return err
	}
	neo, err := localneo4j.Start(ctx, localneo4j.Config{BoltPort: o.boltPort, DataDir: o.dir, HeapMB: o.heapMB,
		User: user, Password: password, Log: io.Discard, Attached: !o.keepRunning})
	if err != nil {
		return err
	}
	if !o.keepRunning {
		defer func() {
			logf("stopping Neo4j")
			if serr := neo.Stop(); serr != nil && err == nil {
				err = serr
			}
		}()
	}
	drv, err := driver.NewDriverWithContext(neo.URI(), neo.Auth(), func(c *neo4jconfig.Config) { c.MaxConnectionPoolSize = 100 })
	if err != nil {
		return err
	}
	defer drv.Close(context.Background())

	wantNodes, _ := size.Target()
	nodes, edges, err := counts(ctx, drv)
	if err != nil {
		return err
	}
	if nodes < int64(wantNodes)*9/10 {
		logf("the store holds %d nodes: loading synthetic %s (seed %d)", nodes, size, o.seed)
		if err := runCmd(ctx, bin, "seed", "--store", "neo4j", "--neo4j-uri", neo.URI(), "--synthetic", string(size),
			"--seed", strconv.FormatInt(o.seed, 10)); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		if nodes, edges, err = counts(ctx, drv); err != nil {
			return err
		}
	}
	logf("dataset: synthetic %s (seed %d): %d nodes, %d edges", size, o.seed, nodes, edges)

	orgnetURL := fmt.Sprintf("http://127.0.0.1:%d/graphql", o.orgnetPort)
	orgnet, err := startProc(ctx, "orgnet", exec.Command(bin, "serve", "--store", "neo4j", "--neo4j-uri", neo.URI(),
		"--addr", fmt.Sprintf("127.0.0.1:%d", o.orgnetPort), "--seed=false", "--rate-limit", "0",
		"--anonymous-role", "admin", "--complexity-limit", "1000000",
		// The harness warms every system up alike (-warmup-all).
		"--warmup", "0"),
		fmt.Sprintf("http://127.0.0.1:%d/readyz", o.orgnetPort), "", filepath.Join(tmp, "orgnet.log"))
	if err != nil {
		return err
	}
	defer orgnet.stop()
	peerURL := fmt.Sprintf("http://127.0.0.1:%d/", o.peerPort)
	pc := exec.Command("node", "server.mjs")
	pc.Dir = "bench/peer"
	// As its users deploy it: NODE_ENV=production.
	pc.Env = append(os.Environ(), "NODE_ENV=production", "NEO4J_URI="+neo.URI(), "NEO4J_USER="+user, "NEO4J_PASSWORD="+password,
		"PORT="+strconv.Itoa(o.peerPort))
	peer, err := startProc(ctx, "peer", pc, "", peerURL, filepath.Join(tmp, "peer.log"))
	if err != nil {
		return err
	}
	defer peer.stop()

	p, err := pickParams(ctx, drv)
	if err != nil {
		return err
	}
	logf("parameters: %+v", p)
	qs := queries(p)
	if o.only != "" {
		keep := strings.Split(o.only, ",")
		qs = slices.DeleteFunc(qs, func(q query) bool { return !slices.Contains(keep, q.name) })
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}, Timeout: 60 * time.Second}
	systems := []system{
		{name: "floor", do: func(ctx context.Context, q query) (any, error) { return q.floor(ctx, drv) }},
		{name: "orgnet", do: func(ctx context.Context, q query) (any, error) {
			return postGraphQL(ctx, hc, orgnetURL, q.orgnet, q.vars, false)
		}},
		{name: "peer", do: func(ctx context.Context, q query) (any, error) {
			return postGraphQL(ctx, hc, peerURL, q.peer, q.vars, false)
		}},
	}

	res := results{Date: time.Now().UTC().Format(time.RFC3339), Dataset: fmt.Sprintf("synthetic-%s-seed%d", size, o.seed),
		Nodes: nodes, Edges: edges, Neo4j: localneo4j.Neo4jVersion, GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
		Duration: o.duration.String(), Warmup: o.warmup.String(), WarmupAll: o.warmupAll.String(), CheckEvery: o.checkEvery,
		Concurrency: o.conc, Params: p, Commit: gitCommit(ctx), LoadAvg: []string{loadAvg()}}
	logf("checking that the three systems agree")
	for qi, q := range qs {
		qr := queryResult{Name: q.name, Title: q.title, RoundTrips: map[string]int{}}
		var want []string
		for i, s := range systems {
			v, err := s.do(ctx, q)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", q.name, s.name, err)
			}
			facts, err := q.norm[i](v)
			if err != nil {
				return fmt.Errorf("%s on %s: normalise: %w", q.name, s.name, err)
			}
			if i == 0 {
				want = facts
				qs[qi].want = facts
				qr.Facts = len(facts)
				if len(facts) < 2 {
					return fmt.Errorf("%s: the floor's answer is trivial (%v): pick other parameters", q.name, facts)
				}
			} else if d := diff(want, facts); d != "" {
				return fmt.Errorf("%s: %s disagrees with the floor: %s", q.name, s.name, d)
			}
		}
		qr.RoundTrips["floor"] = 1 // one statement per query, by construction (see floor funcs)
		for _, s := range []struct {
			name, url, doc string
			header         bool
		}{{"orgnet", orgnetURL, q.orgnet, true}, {"peer", peerURL, q.peer, false}} {
			v, err := postGraphQL(ctx, hc, s.url, s.doc, q.vars, true)
			if err != nil {
				return err
			}
			qr.RoundTrips[s.name] = v.(gqlResponse).roundTrips
		}
		logf("  %s: agree on %d facts; round trips floor %d, orgnet %d, peer %d", q.name, qr.Facts,
			qr.RoundTrips["floor"], qr.RoundTrips["orgnet"], qr.RoundTrips["peer"])
		res.Queries = append(res.Queries, qr)
	}

	for _, s := range systems {
		logf("warming %s up: every query, 8 clients, for %s", s.name, o.warmupAll)
		if err := warm(ctx, s, qs, o.warmupAll); err != nil {
			return fmt.Errorf("warm-up of %s: %w", s.name, err)
		}
	}
	res.LoadAvg = append(res.LoadAvg, loadAvg())

	mismatches := 0
	for qi, q := range qs {
		for _, c := range o.conc {
			for si, s := range systems {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				m := measure(ctx, s, q, si, c, o.warmup, o.duration, o.checkEvery)
				logf("  %-14s %-6s c=%-2d %8.1f op/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  checked %d  mismatches %d  load %s",
					q.name, s.name, c, m.Throughput, m.P50ms, m.P99ms, m.Errors, m.Checked, m.Mismatches, loadAvg())
				if m.Mismatches > 0 {
					mismatches += m.Mismatches
					logf("  %s on %s: %s", q.name, s.name, m.FirstMismatch)
				}
				res.Queries[qi].Cells = append(res.Queries[qi].Cells, m)
			}
		}
	}

	res.LoadAvg = append(res.LoadAvg, loadAvg())
	if o.profile != "" {
		if err := profileOrgnet(ctx, hc, o, qs, systems[1]); err != nil {
			logf("profile: %v", err)
		}
	}

	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(o.out, fmt.Sprintf("%s-%s.json", time.Now().UTC().Format("2006-01-02"), res.Dataset))
	b, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	logf("wrote %s", path)
	fmt.Print(table(res))
	if mismatches > 0 {
		return fmt.Errorf("%d answers sampled while timing differed from the agreed ones (see the log)", mismatches)
	}
	return nil
}

// gitCommit names the tree measured: HEAD, with "+dirty" when the work tree
// differs from it.
func gitCommit(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "+dirty"
	}
	return c
}

// loadAvg is the 1, 5 and 15 minute load average (the machine is shared).
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func runCmd(ctx context.Context, name string, args ...string) error {
	c := exec.CommandContext(ctx, name, args...)
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	return c.Run()
}

func counts(ctx context.Context, drv driver.DriverWithContext) (int64, int64, error) {
	r, err := driver.ExecuteQuery(ctx, drv, `CALL () { MATCH (n:Node) RETURN count(n) AS n } CALL () { MATCH ()-[r]->() RETURN count(r) AS e } RETURN n, e`,
		nil, driver.EagerResultTransformer, driver.ExecuteQueryWithReadersRouting())
	if err != nil {
		return 0, 0, err
	}
	n, _ := r.Records[0].Get("n")
	e, _ := r.Records[0].Get("e")
	return n.(int64), e.(int64), nil
}

// proc is a child process the harness started and must stop.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(ctx context.Context, name string, c *exec.Cmd, readyURL, postURL, logPath string) (*proc, error) {
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c.Stdout, c.Stderr = lf, lf
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf("starting %s: %s", name, strings.Join(c.Args, " "))
	if err := c.Start(); err != nil {
		return nil, err
	}
	p := &proc{name: name, cmd: c, done: make(chan struct{})}
	go func() { _ = c.Wait(); lf.Close(); close(p.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var resp *http.Response
		if readyURL != "" {
			resp, err = http.Get(readyURL)
		} else {
			resp, err = http.Post(postURL, "application/json", strings.NewReader(`{"query":"{ __typename }"}`))
		}
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				logf("%s is ready (pid %d)", name, c.Process.Pid)
				return p, nil
			}
		}
		select {
		case <-p.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s exited: %s", name, log)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s not ready after 90s: %s", name, log)
		}
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after 10 s.
func (p *proc) stop() {
	pid := p.cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-p.done
	}
	logf("stopped %s (pid %d)", p.name, pid)
}

// gqlResponse is a GraphQL answer: data and the reported round trips.
type gqlResponse struct {
	data       map[string]any
	roundTrips int
}

func postGraphQL(ctx context.Context, hc *http.Client, url, doc string, vars map[string]any, roundTrips bool) (any, error) {
	body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if roundTrips {
		req.Header.Set("Orgnet-Round-Trips", "1")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r struct {
		Data       map[string]any   `json:"data"`
		Errors     []map[string]any `json:"errors"`
		Extensions map[string]any   `json:"extensions"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	if len(r.Errors) > 0 || resp.StatusCode != 200 {
		return nil, fmt.Errorf("HTTP %d: errors %v", resp.StatusCode, r.Errors)
	}
	rt, _ := r.Extensions["roundTrips"].(float64)
	return gqlResponse{data: r.Data, roundTrips: int(rt)}, nil
}

// profileOrgnet takes a CPU profile of orgnet while 8 clients run the
// queries round-robin (client i runs query i mod len(qs)).
func profileOrgnet(ctx context.Context, hc *http.Client, o options, qs []query, s system) error {
	logf("profiling orgnet for 15 s into %s", o.profile)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 8 {
		q := qs[i%len(qs)]
		wg.Go(func() {
			for ctx.Err() == nil {
				_, _ = s.do(ctx, q)
			}
		})
	}
	defer wg.Wait()
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile?seconds=15", o.orgnetPort), nil)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("pprof: HTTP %d", resp.StatusCode)
	}
	f, err := os.Create(o.profile)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}
