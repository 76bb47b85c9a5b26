package localneo4j

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestLaunchNeo4j starts a real Neo4j (downloading it on the first run),
// writes a node, restarts on the same data dir, finds the node, and checks
// that no process is left. It is slow (two JVM starts), so it runs only in CI
// or when ORGNET_NEO4J_LAUNCH_TEST is set.
func TestLaunchNeo4j(t *testing.T) {
	if os.Getenv("ORGNET_NEO4J_LAUNCH_TEST") == "" && os.Getenv("CI") != "true" {
		t.Skip("starts a real Neo4j JVM (and downloads ~125 MB on the first run): set ORGNET_NEO4J_LAUNCH_TEST=1 to run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	dir := t.TempDir()
	log := &lineLogger{t: t}
	cfg := Config{
		BoltPort: freePort(t),
		DataDir:  filepath.Join(dir, "data"),
		Password: "orgnet-test-password",
		Attached: true,
		Log:      log,
	}

	srv, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	pid1 := srv.PID()
	if want := "bolt://127.0.0.1:" + strconv.Itoa(cfg.BoltPort); srv.URI() != want {
		t.Errorf("URI() = %q, want %q", srv.URI(), want)
	}
	if got := query(ctx, t, srv, "RETURN 1 AS n", nil); got != 1 {
		t.Fatalf("RETURN 1 gave %d", got)
	}
	query(ctx, t, srv, "CREATE (:OrgnetLaunchTest {name: $name})", map[string]any{"name": "survives-restart"})

	st, err := Status(ctx, cfg)
	if err != nil || !st.Running || !st.Answering || st.PID != pid1 {
		t.Fatalf("Status = %+v, %v; want running and answering with pid %d", st, err, pid1)
	}
	wrong := cfg
	wrong.Password = "not-the-password"
	t0 := time.Now()
	if _, err := Start(ctx, wrong); err == nil || time.Since(t0) > time.Minute {
		t.Fatalf("Start with a wrong password: err %v after %s; want a prompt error", err, time.Since(t0))
	} else {
		t.Logf("wrong password, as expected: %v", err)
	}
	again, err := Start(ctx, cfg) // idempotent: finds the running server
	if err != nil || again.PID() != pid1 {
		t.Fatalf("second Start: pid %v, err %v; want pid %d", pidOf(again), err, pid1)
	}

	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	assertGone(t, pid1, cfg)

	srv2, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	t.Cleanup(func() { _ = srv2.Stop() })
	pid2 := srv2.PID()
	n := query(ctx, t, srv2, "MATCH (x:OrgnetLaunchTest {name: $name}) RETURN count(x) AS n", map[string]any{"name": "survives-restart"})
	if n != 1 {
		t.Fatalf("after restart found %d nodes, want 1", n)
	}

	if err := Stop(ctx, cfg); err != nil { // the pid-file path, as `orgnet neo4j stop` uses
		t.Fatalf("Stop(cfg): %v", err)
	}
	assertGone(t, pid2, cfg)
	if st, err := Status(ctx, cfg); err != nil || st.Running {
		t.Fatalf("Status after Stop = %+v, %v", st, err)
	}
}

func query(ctx context.Context, t *testing.T, srv *Server, cypher string, params map[string]any) int64 {
	t.Helper()
	drv, err := neo4j.NewDriverWithContext(srv.URI(), srv.Auth())
	if err != nil {
		t.Fatalf("driver: %v", err)
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	if len(res.Records) == 0 {
		return 0
	}
	n, _, err := neo4j.GetRecordValue[int64](res.Records[0], "n")
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return n
}

func assertGone(t *testing.T, pid int, cfg Config) {
	t.Helper()
	if processAlive(pid) {
		t.Fatalf("pid %d still alive after Stop", pid)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg.DataDir), "neo4j.pid")); !os.IsNotExist(err) {
		t.Fatalf("pid file still there after Stop (stat err %v)", err)
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

func pidOf(s *Server) int {
	if s == nil {
		return 0
	}
	return s.PID()
}

// lineLogger sends whole lines to t.Log.
type lineLogger struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			return len(p), nil
		}
		l.t.Log(line[:len(line)-1])
	}
}
