// Package faults holds fault-injection tests: Neo4j stopped and killed
// under load, orgnet killed with SIGKILL under a write load on each store.
// The Neo4j tests start a private Neo4j (localneo4j, on a free port, in a
// temporary directory) and run when Neo4j tests are enabled (NEO4J_URI set,
// or CI=true); the memory-store kill test always runs.
package faults_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/localneo4j"
	"github.com/orgnet/orgnet/server"
)

const (
	parentID = "org:fault-parent"
	// childEnv makes TestServeChild serve: "memory:PATH" or "neo4j:URI".
	childEnv = "ORGNET_FAULTS_CHILD"
	// requestTimeout is the orgnet request timeout in these tests.
	requestTimeout = 5 * time.Second
)

// ---- a private Neo4j shared by the tests of this package ----

var (
	neoMu   sync.Mutex
	neoCfg  localneo4j.Config
	neoSrv  *localneo4j.Server
	neoRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	neoMu.Lock()
	if neoSrv != nil {
		_ = neoSrv.Stop()
	}
	if neoRoot != "" {
		_ = os.RemoveAll(neoRoot)
	}
	neoMu.Unlock()
	os.Exit(code)
}

// neo4jEnabled skips the test unless Neo4j tests are enabled, as testenv
// does (CI=true always runs them; here the Neo4j is our own).
func neo4jEnabled(t *testing.T) {
	t.Helper()
	if os.Getenv("NEO4J_URI") == "" && !testenv.CI() {
		t.Skip("Neo4j tests are off (set NEO4J_URI or CI=true): fault tests on Neo4j skipped")
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// privateNeo4j returns the package's running Neo4j, starting it first.
func privateNeo4j(t *testing.T) *localneo4j.Server {
	t.Helper()
	neoMu.Lock()
	defer neoMu.Unlock()
	if neoSrv == nil {
		if neoRoot == "" {
			dir, err := os.MkdirTemp("", "orgnet-faults-")
			if err != nil {
				t.Fatal(err)
			}
			neoRoot = dir
			neoCfg = localneo4j.Config{BoltPort: freePort(t), DataDir: filepath.Join(dir, "neo4j", "data"), Attached: true,
				HeapMB: 512, PageCacheMB: 64, Log: io.Discard}
		}
		startNeo4jLocked(t)
	}
	return neoSrv
}

func startNeo4jLocked(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	t0 := time.Now()
	s, err := localneo4j.Start(ctx, neoCfg)
	if err != nil {
		t.Fatalf("start private Neo4j: %v", err)
	}
	t.Logf("private Neo4j pid %d on %s started in %v", s.PID(), s.URI(), time.Since(t0).Round(time.Millisecond))
	neoSrv = s
}

func restartNeo4j(t *testing.T) {
	t.Helper()
	neoMu.Lock()
	defer neoMu.Unlock()
	startNeo4jLocked(t)
}

func openNeo4j(t *testing.T, s *localneo4j.Server) *neo4jstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := neo4jstore.Open(ctx, s.URI(), s.User(), s.Password(), neo4jstore.Options{MaxRetryTime: 2 * time.Second})
	if err != nil {
		t.Fatalf("open Neo4j store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// ensureParent creates the parent organisation the writes go under.
func ensureParent(t *testing.T, s graph.Store) {
	t.Helper()
	_, err := s.Apply(context.Background(), graph.Batch{Nodes: []graph.Node{{ID: parentID, Label: graph.LabelOrganisation, Name: "故障测试上级", Kind: "PARTY_COMMITTEE"}}})
	if err != nil {
		t.Fatalf("create parent: %v", err)
	}
}

// ---- an HTTP write/read load ----

type load struct {
	url    string
	prefix string
	seq    atomic.Int64

	mu         sync.Mutex
	acked      []string
	codes      map[string]int // outcome of every request: "ok" or the error code
	slowest    time.Duration
	lastOK     time.Time
	firstFail  time.Time
	afterFail  map[string]int // outcomes after the first failure
	acksAtFail int
}

func newLoad(url, prefix string) *load {
	return &load{url: url, prefix: prefix, codes: map[string]int{}, afterFail: map[string]int{}}
}

var client = &http.Client{Timeout: 30 * time.Second}

// post sends one GraphQL request and returns "ok" or its error code.
func post(url, query string, vars map[string]any) string {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return "transport"
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var r struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &r) != nil {
		return fmt.Sprintf("http %d not JSON", resp.StatusCode)
	}
	if len(r.Errors) > 0 {
		return r.Errors[0].Extensions.Code
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("http %d", resp.StatusCode)
	}
	return "ok"
}

const createQ = `mutation($id: ID!, $name: String!, $parent: ID!) { createOrganisation(input: {id: $id, kind: PARTY_BRANCH, name: $name, parentId: $parent}) { id } }`
const readQ = `query($id: ID!) { organisation(id: $id) { id parent { id } } }`

func (l *load) record(code string, took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.codes[code]++
	if took > l.slowest {
		l.slowest = took
	}
	if code == "ok" {
		l.lastOK = time.Now()
	} else if l.firstFail.IsZero() {
		l.firstFail = time.Now()
		l.acksAtFail = len(l.acked)
	}
	if !l.firstFail.IsZero() {
		l.afterFail[code]++
	}
}

// run sends creates (and, with reads, a read of an acknowledged id after
// each) from workers goroutines until ctx ends.
func (l *load) run(ctx context.Context, workers int, reads bool) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				id := fmt.Sprintf("%s-%d-%06d", l.prefix, w, l.seq.Add(1))
				t0 := time.Now()
				code := post(l.url, createQ, map[string]any{"id": id, "name": "故障 " + id, "parent": parentID})
				l.record(code, time.Since(t0))
				if code == "ok" {
					l.mu.Lock()
					l.acked = append(l.acked, id)
					l.mu.Unlock()
					if reads {
						t0 := time.Now()
						l.record(post(l.url, readQ, map[string]any{"id": id}), time.Since(t0))
					}
				} else {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
}

func (l *load) ackCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

func (l *load) waitAcks(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for l.ackCount() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in %v (outcomes %v)", l.ackCount(), within, l.codes)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkWrites: every acknowledged write is stored with its edge to the
// parent, and no write of this prefix is half-applied (a node without its
// edge). Returns how many of the prefix are stored.
func checkWrites(t *testing.T, s graph.Store, prefix string, acked []string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	snap, err := s.Snapshot(ctx, graph.View{})
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	nodes, edges := map[string]bool{}, map[string]int{}
	for _, n := range snap.Nodes {
		if strings.HasPrefix(n.ID, prefix+"-") {
			nodes[n.ID] = true
		}
	}
	for _, e := range snap.Edges {
		if strings.HasPrefix(e.From, prefix+"-") {
			if e.Type != graph.RelSubOrganisationOf || e.To != parentID {
				t.Errorf("unexpected edge %s %s -> %s", e.Type, e.From, e.To)
			}
			edges[e.From]++
		}
	}
	missing := 0
	for _, id := range acked {
		if !nodes[id] {
			missing++
			if missing <= 5 {
				t.Errorf("acknowledged write %s is missing", id)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged writes missing", missing, len(acked))
	}
	for id := range nodes {
		if edges[id] != 1 {
			t.Errorf("half-applied write: node %s has %d SUB_ORGANISATION_OF edges", id, edges[id])
		}
	}
	for id := range edges {
		if !nodes[id] {
			t.Errorf("edge from %s without its node", id)
		}
	}
	t.Logf("%s: %d acknowledged, %d stored (the rest were in flight), all whole", prefix, len(acked), len(nodes))
	return len(nodes)
}

func inProcess(t *testing.T, s graph.Store, name string) *httptest.Server {
	t.Helper()
	e := server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler), RequestTimeout: requestTimeout})
	ts := httptest.NewServer(e)
	t.Cleanup(ts.Close)
	return ts
}

func readyz(url string) int {
	resp, err := client.Get(url + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// ---- orgnet killed with SIGKILL ----

// TestServeChild is the orgnet process the kill tests start and kill; it
// does nothing unless childEnv is set. It serves on a free port and prints
// "listening ADDR".
func TestServeChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		return
	}
	ctx := context.Background()
	var s graph.Store
	var err error
	kind, arg, _ := strings.Cut(spec, ":")
	switch kind {
	case "memory":
		s, err = memory.New(ctx, arg)
	case "neo4j":
		user, password, _ := strings.Cut(os.Getenv(childEnv+"_AUTH"), ":")
		s, err = neo4jstore.Open(ctx, arg, user, password, neo4jstore.Options{})
	}
	if err != nil || s == nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
	fmt.Printf("listening %s\n", l.Addr())
	e := server.New(server.Config{Store: s, StoreName: kind, Logger: slog.New(slog.DiscardHandler), RequestTimeout: requestTimeout})
	_ = http.Serve(l, e)
	os.Exit(3)
}

// startChild starts orgnet as a child process and returns it with its URL.
func startChild(t *testing.T, spec, auth string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+spec, childEnv+"_AUTH="+auth)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return cmd, "http://" + addr
		}
		t.Logf("child: %s", sc.Text())
	}
	_ = cmd.Wait()
	t.Fatalf("child did not start: %s", stderr.String())
	return nil, ""
}

// killDuringWrites runs rounds of: start orgnet, write load, SIGKILL orgnet
// mid-load; then checks with check.
func killDuringWrites(t *testing.T, spec, auth, prefix string, rounds, acks int, check func(acked []string)) {
	var acked []string
	for round := range rounds {
		cmd, url := startChild(t, spec, auth)
		l := newLoad(url+"/graphql", fmt.Sprintf("%s-r%d", prefix, round))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { l.run(ctx, 4, false); close(done) }()
		l.waitAcks(t, acks*(round+1), 3*time.Minute) // a wait, not a speed check: a loaded machine acknowledges slowly
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		time.Sleep(200 * time.Millisecond)
		cancel()
		<-done
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("orgnet ended with %v; want killed by SIGKILL", cmd.ProcessState)
		}
		t.Logf("round %d: killed orgnet after %d acknowledged writes (outcomes %v)", round, l.ackCount(), l.codes)
		acked = append(acked, l.acked...)
	}
	// orgnet starts again on the same store and answers; then it is stopped
	// (the embedded store is locked by its process) and the store checked.
	cmd, url := startChild(t, spec, auth)
	if code := readyz(url); code != http.StatusOK {
		t.Fatalf("restarted orgnet: /readyz %d", code)
	}
	if got := post(url+"/graphql", readQ, map[string]any{"id": acked[len(acked)-1]}); got != "ok" {
		t.Errorf("restarted orgnet: read of the last acknowledged write: %s", got)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	check(acked)
}

func TestKillOrgnetMemory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "orgnet.db")
	s, err := memory.New(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ensureParent(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	killDuringWrites(t, "memory:"+path, "", "org:fault-kill-mem", 3, 40, func(acked []string) {
		s, err := memory.New(context.Background(), path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s.Close()
		checkWrites(t, s, "org:fault-kill-mem", acked)
	})
}

func TestKillOrgnetNeo4j(t *testing.T) {
	neo4jEnabled(t)
	srv := privateNeo4j(t)
	s := openNeo4j(t, srv)
	ensureParent(t, s)
	killDuringWrites(t, "neo4j:"+srv.URI(), srv.User()+":"+srv.Password(), "org:fault-kill-neo", 2, 25, func(acked []string) {
		checkWrites(t, s, "org:fault-kill-neo", acked)
	})
}

// ---- Neo4j stopped, Neo4j killed ----

// TestNeo4jStoppedUnderLoad: Neo4j stops (cleanly) under a read/write load.
// Requests then fail with UNAVAILABLE, each within the request timeout, and
// /readyz is 503; Neo4j starts again on the same data and orgnet recovers by
// itself; every acknowledged write is there, none half-applied.
func TestNeo4jStoppedUnderLoad(t *testing.T) {
	neo4jEnabled(t)
	srv := privateNeo4j(t)
	s := openNeo4j(t, srv)
	ensureParent(t, s)
	ts := inProcess(t, s, "neo4j")
	const prefix = "org:fault-stop"
	l := newLoad(ts.URL+"/graphql", prefix)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.run(ctx, 4, true); close(done) }()
	defer func() { cancel(); <-done }()
	l.waitAcks(t, 30, time.Minute)

	t0 := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop Neo4j: %v", err)
	}
	t.Logf("Neo4j stopped in %v after %d acknowledged writes", time.Since(t0).Round(time.Millisecond), l.ackCount())
	// Let the load meet the stopped database for a while.
	time.Sleep(8 * time.Second)
	if code := readyz(ts.URL); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Neo4j stopped = %d; want 503", code)
	}
	l.mu.Lock()
	after := map[string]int{}
	for k, v := range l.afterFail {
		after[k] = v
	}
	slowest := l.slowest
	l.mu.Unlock()
	t.Logf("outcomes after the first failure: %v; slowest request %v", after, slowest)
	for code, n := range after {
		if code != "ok" && code != "UNAVAILABLE" {
			t.Errorf("%d requests answered %s with Neo4j stopped; want UNAVAILABLE", n, code)
		}
	}
	if after["UNAVAILABLE"] == 0 {
		t.Errorf("no request answered UNAVAILABLE with Neo4j stopped")
	}
	if slowest > requestTimeout+2*time.Second {
		t.Errorf("slowest request took %v; the request timeout is %v", slowest, requestTimeout)
	}

	restartNeo4j(t)
	t1 := time.Now()
	for readyz(ts.URL) != http.StatusOK {
		if time.Since(t1) > time.Minute {
			t.Fatalf("orgnet did not recover within a minute of Neo4j restarting")
		}
		time.Sleep(200 * time.Millisecond)
	}
	n := l.ackCount()
	l.waitAcks(t, n+10, time.Minute)
	t.Logf("orgnet ready %v after Neo4j came back; writes flowing again", time.Since(t1).Round(time.Millisecond))
	cancel()
	<-done
	done = make(chan struct{})
	close(done)
	checkWrites(t, s, prefix, l.acked)
}

// TestNeo4jKilledUnderLoad: the JVM is killed with SIGKILL under a write
// load; after Neo4j restarts every acknowledged write is there, none
// half-applied.
func TestNeo4jKilledUnderLoad(t *testing.T) {
	neo4jEnabled(t)
	srv := privateNeo4j(t)
	s := openNeo4j(t, srv)
	ensureParent(t, s)
	ts := inProcess(t, s, "neo4j")
	const prefix = "org:fault-neokill"
	l := newLoad(ts.URL+"/graphql", prefix)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.run(ctx, 4, false); close(done) }()
	l.waitAcks(t, 50, time.Minute)
	if err := syscall.Kill(srv.PID(), syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 Neo4j: %v", err)
	}
	acksAtKill := l.ackCount()
	time.Sleep(3 * time.Second)
	cancel()
	<-done
	_ = srv.Stop() // reaps the process and the pid file
	t.Logf("killed Neo4j (pid %d) after %d acknowledged writes; outcomes %v", srv.PID(), acksAtKill, l.codes)
	restartNeo4j(t)
	t1 := time.Now()
	for readyz(ts.URL) != http.StatusOK {
		if time.Since(t1) > time.Minute {
			t.Fatalf("orgnet did not recover within a minute of Neo4j restarting")
		}
		time.Sleep(200 * time.Millisecond)
	}
	checkWrites(t, s, prefix, l.acked)
}
