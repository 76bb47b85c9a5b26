// Command analysisbench measures the analyses of a running orgnet on an
// embedded store: it builds orgnet, starts `orgnet serve` on a data dir (a
// synthetic set seeded with `orgnet seed --synthetic SIZE --data-dir DIR`),
// asks each analysis in turn (DEGREE, PAGERANK, BETWEENNESS and CLOSENESS
// sampled and exact where exact fits, communities), and reports for each the
// wall time, the server's CPU time and its resident memory (VmRSS, and the
// peak VmHWM) from /proc; then the client-abandon case: requests given up
// by the client after -abandon, and the server CPU spent in the seconds
// after (every computation should stop: ~0). It prints a Markdown table and
// stops the server.
//
//	go run ./bench/cmd/analysisbench -data-dir /tmp/city [-port 7750] [-abandon 500ms] [-abandon-samples N]
//	NEO4J_PASSWORD=… go run ./bench/cmd/analysisbench -neo4j-uri bolt://127.0.0.1:7687 [-request-timeout 10m]
//
// With -neo4j-uri it serves --store neo4j instead (no warm-up). Linux only
// (/proc). Run it from the repository root.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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

func main() {
	dataDir := flag.String("data-dir", "", "embedded store to serve (this or -neo4j-uri)")
	neo4jURI := flag.String("neo4j-uri", "", "serve --store neo4j from this Bolt URI instead (password from NEO4J_PASSWORD)")
	port := flag.Int("port", 7750, "port for orgnet serve")
	abandon := flag.Duration("abandon", 500*time.Millisecond, "how long the client waits in the abandon case (0: no abandon case)")
	timeout := flag.Duration("request-timeout", 30*time.Second, "orgnet serve --request-timeout")
	samples := flag.Int("abandon-samples", 0, "samples of the abandoned requests (0: the default)")
	only := flag.String("only", "", "run only the analyses whose name contains this")
	watch := flag.Bool("watch", false, "after each analysis, the server CPU in each of the next 5 s")
	flag.Parse()
	if (*dataDir == "") == (*neo4jURI == "") {
		fmt.Fprintln(os.Stderr, "analysisbench: give one of -data-dir and -neo4j-uri")
		os.Exit(2)
	}
	store := []string{"--data-dir", *dataDir}
	if *neo4jURI != "" {
		store = []string{"--store", "neo4j", "--neo4j-uri", *neo4jURI, "--warmup", "0"}
		*dataDir = *neo4jURI
	}
	samplesArg := ""
	if *samples > 0 {
		samplesArg = fmt.Sprintf(", samples: %d", *samples)
	}
	if err := run(store, *dataDir, *port, *abandon, *timeout, samplesArg, *only, *watch); err != nil {
		fmt.Fprintln(os.Stderr, "analysisbench:", err)
		os.Exit(1)
	}
}

type bench struct {
	url  string
	pid  int
	http *http.Client
}

func run(store []string, dataDir string, port int, abandon, timeout time.Duration, samplesArg, only string, watch bool) error {
	tmp, err := os.MkdirTemp("", "analysisbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "orgnet")
	build := exec.Command("go", "build", "-o", bin, "./cmd/orgnet")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	logf, err := os.Create(filepath.Join(tmp, "orgnet.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{"serve", "--addr", addr, "--anonymous-role", "admin", "--rate-limit", "0",
		"--request-timeout", timeout.String()}, store...)
	srv := exec.Command(bin, args...)
	srv.Stdout, srv.Stderr = logf, logf
	start := time.Now()
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	b := &bench{url: "http://" + addr, pid: srv.Process.Pid, http: &http.Client{}}
	if err := b.ready(5 * time.Minute); err != nil {
		return err
	}
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("orgnet %s, data %s, ready in %s, load average %s\n", strings.TrimSpace(string(commit)), dataDir,
		time.Since(start).Round(100*time.Millisecond), strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("after start: RSS %s, peak %s\n\n", mib(b.mem("VmRSS")), mib(b.mem("VmHWM")))

	const result = `exact samples errorBound nodes edges scores { id score }`
	cases := []struct{ name, query string }{
		{"DEGREE (first call: load + build)", `{ centralityResult(measure: DEGREE, top: 3) { ` + result + ` } }`},
		{"DEGREE again (kept)", `{ centralityResult(measure: DEGREE, top: 3, kinds: [VILLAGE]) { ` + result + ` } }`},
		{"PAGERANK", `{ centralityResult(measure: PAGERANK, top: 3) { ` + result + ` } }`},
		{"BETWEENNESS default", `{ centralityResult(measure: BETWEENNESS, top: 3) { ` + result + ` } }`},
		{"BETWEENNESS samples 1024", `{ centralityResult(measure: BETWEENNESS, top: 3, samples: 1024) { ` + result + ` } }`},
		{"BETWEENNESS exact", `{ centralityResult(measure: BETWEENNESS, top: 3, exact: true) { ` + result + ` } }`},
		{"CLOSENESS default", `{ centralityResult(measure: CLOSENESS, top: 3) { ` + result + ` } }`},
		{"CLOSENESS samples 1024", `{ centralityResult(measure: CLOSENESS, top: 3, samples: 1024) { ` + result + ` } }`},
		{"CLOSENESS exact", `{ centralityResult(measure: CLOSENESS, top: 3, exact: true) { ` + result + ` } }`},
		{"communities", `{ communities { modularity communities { size } } }`},
	}
	fmt.Println("| analysis | answer | wall | server CPU | RSS after | peak RSS |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, c := range cases {
		if !strings.Contains(c.name, only) {
			continue
		}
		cpu0 := b.cpu()
		t0 := time.Now()
		body, err := b.post(context.Background(), c.query)
		wall := time.Since(t0)
		cpu := b.cpu() - cpu0
		fmt.Printf("| %s | %s | %s | %s | %s | %s |\n", c.name, summary(body, err), wall.Round(time.Millisecond),
			cpu.Round(10*time.Millisecond), mib(b.mem("VmRSS")), mib(b.mem("VmHWM")))
		if watch {
			fmt.Printf("|  | server CPU in each of the next 5 s: %s |  |  | %s |  |\n", strings.Join(b.watch(), ", "), mib(b.mem("VmRSS")))
		}
	}
	if abandon <= 0 {
		return nil
	}

	// The abandon case: requests the client gives up after abandon, on
	// computations not kept yet (new seeds).
	fmt.Printf("\nclient abandons after %s (new seeds: nothing kept)%s:\n\n| requests | server CPU while the client waited | server CPU in the 5 s after | RSS after |\n|---|---|---|---|\n", abandon, samplesArg)
	for _, set := range []struct {
		name    string
		measure string
		seeds   []int
	}{
		{"3 × BETWEENNESS, one seed (one shared computation)", "BETWEENNESS", []int{101, 101, 101}},
		{"3 × BETWEENNESS, three seeds (three computations)", "BETWEENNESS", []int{201, 202, 203}},
		{"3 × CLOSENESS, three seeds", "CLOSENESS", []int{301, 302, 303}},
	} {
		cpu0 := b.cpu()
		var wg sync.WaitGroup
		for _, s := range set.seeds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), abandon)
				defer cancel()
				q := fmt.Sprintf(`{ centrality(measure: %s, top: 3, seed: %d%s) { id } }`, set.measure, s, samplesArg)
				if _, err := b.post(ctx, q); err == nil {
					fmt.Fprintf(os.Stderr, "analysisbench: %s answered within %s: not abandoned\n", q, abandon)
				}
			}()
		}
		wg.Wait()
		during := b.cpu() - cpu0
		cpu1 := b.cpu()
		each := b.watch()
		after := b.cpu() - cpu1
		fmt.Printf("| %s | %s | %s (each second: %s) | %s |\n", set.name, during.Round(10*time.Millisecond), after.Round(10*time.Millisecond),
			strings.Join(each, ", "), mib(b.mem("VmRSS")))
	}
	return nil
}

// watch is the server's CPU in each of the next 5 seconds.
func (b *bench) watch() []string {
	var each []string
	for range 5 {
		c := b.cpu()
		time.Sleep(time.Second)
		each = append(each, (b.cpu() - c).Round(10*time.Millisecond).String())
	}
	return each
}

func (b *bench) ready(wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		resp, err := b.http.Get(b.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("orgnet did not become ready")
}

func (b *bench) post(ctx context.Context, query string) ([]byte, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// summary is the answer in a few words: how computed, or the error code.
func summary(body []byte, err error) string {
	if err != nil {
		return "client error: " + err.Error()
	}
	var r struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "not JSON: " + string(body[:min(len(body), 80)])
	}
	if len(r.Errors) > 0 {
		msg := r.Errors[0].Message
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		return fmt.Sprintf("%v: %s", r.Errors[0].Extensions["code"], msg)
	}
	if raw, ok := r.Data["communities"]; ok {
		var c struct {
			Modularity  float64 `json:"modularity"`
			Communities []any   `json:"communities"`
		}
		_ = json.Unmarshal(raw, &c)
		return fmt.Sprintf("%d communities, modularity %.4f", len(c.Communities), c.Modularity)
	}
	var c struct {
		Exact      bool    `json:"exact"`
		Samples    *int    `json:"samples"`
		ErrorBound float64 `json:"errorBound"`
		Nodes      int     `json:"nodes"`
		Scores     []struct {
			ID    string  `json:"id"`
			Score float64 `json:"score"`
		} `json:"scores"`
	}
	_ = json.Unmarshal(r.Data["centralityResult"], &c)
	how := "exact"
	if !c.Exact && c.Samples != nil {
		how = fmt.Sprintf("%d sources, ±%.3g", *c.Samples, c.ErrorBound)
	}
	top := ""
	if len(c.Scores) > 0 {
		top = fmt.Sprintf("; top %s %.4g", c.Scores[0].ID, c.Scores[0].Score)
	}
	return fmt.Sprintf("%s on %d nodes%s", how, c.Nodes, top)
}

// cpu is the server's user + system CPU time so far.
func (b *bench) cpu() time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", b.pid))
	if err != nil {
		return 0
	}
	// Fields after the command (which may hold spaces) in parentheses.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// mem is a /proc/PID/status field in KiB.
func (b *bench) mem(field string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", b.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func mib(kb int64) string { return fmt.Sprintf("%d MiB", kb/1024) }
