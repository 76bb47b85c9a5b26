package memory_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
)

// The crash test runs this test binary again as a writer (TestCrashChild
// with crashDBEnv set), kills it with SIGKILL in the middle of its writes,
// and checks what survived.
const (
	crashDBEnv    = "ORGNET_CRASH_DB"
	crashStartEnv = "ORGNET_CRASH_START"
	crashNodes    = 10 // nodes per batch
)

func crashNodeID(batch, i int) string { return fmt.Sprintf("crash:%06d:%02d", batch, i) }

// crashBatch is batch k: crashNodes nodes in a small tree, an ADJACENT_TO
// between two leaves and, after the first batch, one to the previous
// batch's root, so that a half-written batch shows.
func crashBatch(k int) graph.Batch {
	b := graph.Batch{}
	for i := range crashNodes {
		b.Nodes = append(b.Nodes, graph.Node{ID: crashNodeID(k, i), Label: graph.LabelOrganisation, Name: fmt.Sprintf("村%d-%d", k, i),
			Attrs: map[string]any{"batch": int64(k), "share": float64(i) / 4}})
		if i > 0 {
			b.Edges = append(b.Edges, graph.Edge{Type: graph.RelSubOrganisationOf, From: crashNodeID(k, i), To: crashNodeID(k, (i-1)/3)})
		}
	}
	b.Edges = append(b.Edges, graph.Edge{Type: graph.RelAdjacentTo, From: crashNodeID(k, crashNodes-1), To: crashNodeID(k, crashNodes-2)})
	if k > 0 {
		b.Edges = append(b.Edges, graph.Edge{Type: graph.RelAdjacentTo, From: crashNodeID(k, 0), To: crashNodeID(k-1, 0)})
	}
	return b
}

func crashEdges(k int) int {
	if k > 0 {
		return crashNodes + 1
	}
	return crashNodes
}

// TestCrashChild is the writer; it does nothing unless crashDBEnv is set.
// It writes batches forever, printing "ack K" once Apply of batch K returns.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		return
	}
	ctx := context.Background()
	start, err := strconv.Atoi(os.Getenv(crashStartEnv))
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
	s, err := memory.New(ctx, path)
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(2)
	}
	for k := start; ; k++ {
		if _, err := s.Apply(ctx, crashBatch(k)); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(2)
		}
		// os.Stdout is not buffered: the line is in the pipe when this returns.
		fmt.Printf("ack %d\n", k)
	}
}

func TestCrashRecovery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(1, 2))
	next := 0 // first batch the next writer writes
	for round, acks := range []int{25, 60, 100} {
		lastAck := runAndKill(t, path, next, acks, time.Duration(rng.IntN(3000))*time.Microsecond)

		s, err := memory.New(context.Background(), path)
		if err != nil {
			t.Fatalf("round %d: reopening after kill -9: %v", round, err)
		}
		present := checkCrashBatches(t, s, lastAck)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after ack %d; batches 0..%d stored", round, lastAck, present-1)
		next = present
	}
	// The store still takes writes, and keeps them.
	s := open(t, path)
	if _, err := s.Apply(context.Background(), crashBatch(next)); err != nil {
		t.Fatalf("Apply after the crashes = %v", err)
	}
	checkCrashBatches(t, s, next)
}

// runAndKill starts a writer at batch start, kills it with SIGKILL delay
// after its acks-th acknowledgement, and returns the last batch it
// acknowledged.
func runAndKill(t *testing.T, path string, start, acks int, delay time.Duration) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path, crashStartEnv+"="+strconv.Itoa(start))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	watchdog := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
	defer watchdog.Stop()

	lastAck, n, killed := -1, 0, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		k, ok := strings.CutPrefix(line, "ack ")
		if !ok {
			if strings.HasPrefix(line, "error") {
				t.Errorf("writer: %s", line)
			}
			continue
		}
		v, err := strconv.Atoi(k)
		if err != nil || v != start+n {
			t.Fatalf("writer acknowledged %q; want batch %d", line, start+n)
		}
		lastAck, n = v, n+1
		if n == acks && !killed {
			time.Sleep(delay)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("writer stopped after %d acks without being killed: %v\n%s", n, err, stderr.String())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("writer ended with %v; want killed by SIGKILL", cmd.ProcessState)
	}
	return lastAck
}

// checkCrashBatches checks that batches 0..M are stored whole for some
// M >= lastAck, and nothing else, and returns M+1.
func checkCrashBatches(t *testing.T, s *memory.Store, lastAck int) int {
	t.Helper()
	snap, err := s.Snapshot(context.Background(), graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	batchOf := func(id string) int {
		var k, i int
		if _, err := fmt.Sscanf(id, "crash:%06d:%02d", &k, &i); err != nil {
			t.Fatalf("unexpected node %q", id)
		}
		return k
	}
	nodes, edges := map[int]int{}, map[int]int{}
	for _, n := range snap.Nodes {
		k := batchOf(n.ID)
		nodes[k]++
		if n.Attrs["batch"] != int64(k) {
			t.Errorf("node %s has batch %v (%T)", n.ID, n.Attrs["batch"], n.Attrs["batch"])
		}
	}
	for _, e := range snap.Edges {
		edges[batchOf(e.From)]++
	}
	m := len(nodes) - 1
	if m < lastAck {
		t.Errorf("batches 0..%d stored; batch %d was acknowledged", m, lastAck)
	}
	for k := 0; k <= max(m, lastAck); k++ {
		if nodes[k] != crashNodes || edges[k] != crashEdges(k) {
			t.Errorf("batch %d: %d nodes, %d edges stored; want %d, %d (acknowledged up to %d, %d batches present)",
				k, nodes[k], edges[k], crashNodes, crashEdges(k), lastAck, len(nodes))
		}
	}
	for k := range edges {
		if _, ok := nodes[k]; !ok {
			t.Errorf("edges of batch %d stored without its nodes", k)
		}
	}
	if len(snap.Nodes) != len(nodes)*crashNodes {
		t.Errorf("%d nodes for %d batches", len(snap.Nodes), len(nodes))
	}
	return m + 1
}
