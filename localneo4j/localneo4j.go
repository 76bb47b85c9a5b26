// Package localneo4j runs a real Neo4j 5.26 LTS Community server on this
// machine without Docker or a Neo4j distribution: the jars are resolved from
// Maven Central with mvn (cached), a tiny embedded-DBMS launcher
// (launcher/src/main/java/orgnet/Launcher.java) is compiled with javac
// (cached), and a JVM serves Bolt on 127.0.0.1 only.
//
// Layout for a Config with DataDir D (P = parent of D):
//
//	D/                 Neo4j home: D/data (stores, tx logs), D/logs/debug.log
//	P/neo4j.pid        pid file (first line: pid; then port=, data_dir=)
//	P/neo4j.log        the JVM's stdout/stderr (launcher progress, warnings)
//	P/neo4j.lock       serialises Start/Stop for this directory
//
// Only one server per parent directory P.
package localneo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	neo4jconfig "github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

// Neo4jVersion is the org.neo4j:neo4j version pinned in launcher/pom.xml.
const Neo4jVersion = "5.26.31"

// Defaults applied by Config fields left at their zero value.
const (
	DefaultBoltPort    = 7687
	DefaultDataDir     = ".orgnet/neo4j/data"
	DefaultUser        = "neo4j"
	DefaultPassword    = "orgnet-dev-password"
	DefaultHeapMB      = 1024
	DefaultPageCacheMB = 512
	// DefaultLuceneMergeFactor is Lucene's own default merge factor.
	DefaultLuceneMergeFactor = 10
)

// readyMarker is printed by Launcher.java once credentials are set and Bolt serves.
const readyMarker = "orgnet-neo4j: bolt ready on "

// stopTimeout is how long Stop waits after SIGTERM before SIGKILL.
const stopTimeout = 60 * time.Second

// startTimeout bounds the JVM start (after the jars are available) when ctx has no earlier deadline.
const startTimeout = 5 * time.Minute

// Config says where and how to run Neo4j. Zero fields take defaults.
type Config struct {
	BoltPort int    // default 7687
	DataDir  string // Neo4j home; default ".orgnet/neo4j/data" (relative to the working directory)
	// CacheDir holds the Maven repository (CacheDir/m2), the resolved classpath
	// and the compiled launcher. Default: $ORGNET_CACHE, else $HOME/.cache/orgnet.
	CacheDir string
	User     string // default "neo4j"; another name is created as a user on start
	Password string // default "orgnet-dev-password"; at least 8 characters
	// Log receives progress lines; in attached mode also the JVM's output.
	// nil means os.Stderr. The JVM's output always goes to P/neo4j.log too.
	Log io.Writer
	// Attached keeps the JVM tied to this process: it exits when this process
	// exits (its stdin, a pipe from us, reaches EOF), and (*Server).Stop stops it.
	// Otherwise the JVM runs in its own session and survives the caller.
	Attached    bool
	HeapMB      int // JVM -Xmx in MiB; default 1024 (-Xms is a quarter of it)
	PageCacheMB int // Neo4j page cache in MiB; default 512
	// LuceneMergeFactor is how many Lucene segments of a size are merged at
	// once in the TEXT and FULLTEXT indexes; 0 means
	// DefaultLuceneMergeFactor. Neo4j's own default, 2, merges after nearly
	// every small write transaction (docs/reliability.md §4).
	LuceneMergeFactor int
}

// Server is a running Neo4j started (or found running) by Start.
type Server struct {
	cfg     Config
	pid     int
	uri     string
	cmd     *exec.Cmd      // nil when the server was already running
	stdin   io.WriteCloser // attached mode only
	exited  chan struct{}  // closed when cmd has been waited for
	waitErr error          // valid after exited is closed
	logFile *os.File

	stopOnce sync.Once
	stopErr  error
}

// ServerStatus describes the server recorded in the pid file for a Config.
// (It cannot be called Status: that is the function's name.)
type ServerStatus struct {
	Running   bool   // the pid file names a live Neo4j process for this DataDir
	PID       int    // 0 when not running
	URI       string // bolt://127.0.0.1:PORT (from the pid file, else from Config)
	Answering bool   // Bolt accepted the configured credentials
	Detail    string // why not answering, when Running
	DataDir   string
	LogFile   string
	PIDFile   string
}

// URI returns "bolt://127.0.0.1:PORT".
func (s *Server) URI() string { return s.uri }

// PID returns the JVM's process id.
func (s *Server) PID() int { return s.pid }

// User returns the user name that Bolt accepts.
func (s *Server) User() string { return s.cfg.User }

// Password returns the password that Bolt accepts for User.
func (s *Server) Password() string { return s.cfg.Password }

// Auth returns basic-auth credentials for the neo4j Go driver.
func (s *Server) Auth() neo4j.AuthToken { return neo4j.BasicAuth(s.cfg.User, s.cfg.Password, "") }

// Stop stops the server (SIGTERM, and SIGKILL after 60s), waits until the
// process is gone and removes the pid file. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), stopTimeout+15*time.Second)
		defer cancel()
		unlock, err := lockFile(ctx, s.cfg.lockPath())
		if err != nil {
			s.stopErr = err
			return
		}
		defer unlock()
		s.stopErr = s.stopLocked(ctx)
	})
	return s.stopErr
}

func (s *Server) stopLocked(ctx context.Context) error {
	if s.stdin != nil {
		_ = s.stdin.Close() // the launcher's stdin watchdog begins a clean shutdown
	}
	err := terminate(ctx, s.pid, s.exited, s.cfg.Log)
	if s.cmd != nil {
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
		}
	}
	if s.logFile != nil {
		_ = s.logFile.Close()
	}
	if pf, perr := readPIDFile(s.cfg.pidPath()); perr == nil && pf.pid == s.pid {
		_ = os.Remove(s.cfg.pidPath())
	}
	if err != nil {
		return fmt.Errorf("localneo4j: stop pid %d: %w", s.pid, err)
	}
	return nil
}

// normalize fills defaults and makes paths absolute.
func (c Config) normalize() (Config, error) {
	if c.BoltPort == 0 {
		c.BoltPort = DefaultBoltPort
	}
	if c.BoltPort < 1 || c.BoltPort > 65535 {
		return c, fmt.Errorf("localneo4j: invalid BoltPort %d", c.BoltPort)
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return c, fmt.Errorf("localneo4j: data dir: %w", err)
	}
	c.DataDir = abs
	if c.CacheDir == "" {
		c.CacheDir = os.Getenv("ORGNET_CACHE")
	}
	if c.CacheDir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return c, fmt.Errorf("localneo4j: no CacheDir, ORGNET_CACHE or home directory: %w", err)
		}
		c.CacheDir = filepath.Join(home, ".cache", "orgnet")
	}
	if c.CacheDir, err = filepath.Abs(c.CacheDir); err != nil {
		return c, fmt.Errorf("localneo4j: cache dir: %w", err)
	}
	if c.User == "" {
		c.User = DefaultUser
	}
	for _, r := range c.User {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.@-", r)) {
			return c, fmt.Errorf("localneo4j: invalid user name %q (use letters, digits, _ . @ -)", c.User)
		}
	}
	if c.Password == "" {
		c.Password = DefaultPassword
	}
	if len(c.Password) < 8 {
		return c, errors.New("localneo4j: password must have at least 8 characters")
	}
	if c.Log == nil {
		c.Log = os.Stderr
	}
	if c.HeapMB <= 0 {
		c.HeapMB = DefaultHeapMB
	}
	if c.PageCacheMB <= 0 {
		c.PageCacheMB = DefaultPageCacheMB
	}
	if c.LuceneMergeFactor <= 0 {
		c.LuceneMergeFactor = DefaultLuceneMergeFactor
	}
	return c, nil
}

func (c Config) runDir() string   { return filepath.Dir(c.DataDir) }
func (c Config) pidPath() string  { return filepath.Join(c.runDir(), "neo4j.pid") }
func (c Config) logPath() string  { return filepath.Join(c.runDir(), "neo4j.log") }
func (c Config) lockPath() string { return filepath.Join(c.runDir(), "neo4j.lock") }
func (c Config) uri(port int) string {
	return "bolt://127.0.0.1:" + strconv.Itoa(port)
}

// homeMarker is a JVM system property that identifies our process in /proc/PID/cmdline.
func (c Config) homeMarker() string { return "-Dorgnet.neo4j.home=" + c.DataDir }

func (c Config) progress(format string, args ...any) {
	fmt.Fprintf(c.Log, "localneo4j: "+format+"\n", args...)
}

// Start runs Neo4j for cfg and returns once Bolt accepts the credentials.
// On the first run it downloads Neo4j from Maven Central into the cache. If a
// server for cfg.DataDir is already running (pid file) it waits until that one
// answers and returns it. If ctx ends first, a JVM started by this call is
// stopped again.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("localneo4j: %w", err)
	}
	unlock, err := lockFile(ctx, cfg.lockPath())
	if err != nil {
		return nil, err
	}
	defer unlock()

	if s, err := adoptRunning(ctx, cfg); s != nil || err != nil {
		return s, err
	}
	if err := portFree(cfg.BoltPort); err != nil {
		return nil, err
	}
	rt, err := ensureRuntime(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return launch(ctx, cfg, rt)
}

// adoptRunning returns the server named by the pid file if it is alive; it
// removes a stale pid file and returns (nil, nil) when nothing runs.
func adoptRunning(ctx context.Context, cfg Config) (*Server, error) {
	pf, err := readPIDFile(cfg.pidPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil || !isOurProcess(pf.pid, cfg) {
		_ = os.Remove(cfg.pidPath()) // stale or unreadable
		return nil, nil
	}
	if pf.port != cfg.BoltPort {
		return nil, fmt.Errorf("localneo4j: Neo4j for %s already runs (pid %d) on port %d, not %d; stop it first",
			cfg.DataDir, pf.pid, pf.port, cfg.BoltPort)
	}
	s := &Server{cfg: cfg, pid: pf.pid, uri: cfg.uri(pf.port)}
	cfg.progress("Neo4j already running (pid %d), checking %s", pf.pid, s.uri)
	wctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for {
		err := verify(wctx, s.uri, cfg.User, cfg.Password)
		if err == nil {
			return s, nil
		}
		if isAuthError(err) {
			return nil, fmt.Errorf("localneo4j: Neo4j pid %d on %s rejects user %q: %w", pf.pid, s.uri, cfg.User, err)
		}
		if !processAlive(pf.pid) {
			_ = os.Remove(cfg.pidPath())
			return nil, nil
		}
		select {
		case <-wctx.Done():
			return nil, fmt.Errorf("localneo4j: Neo4j pid %d on %s is not answering: %w (last: %v)", pf.pid, s.uri, wctx.Err(), err)
		case <-time.After(time.Second):
		}
	}
}

func portFree(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("localneo4j: bolt port %d is not free (another Neo4j or program uses it): %w", port, err)
	}
	return l.Close()
}

func launch(ctx context.Context, cfg Config, rt runtimeFiles) (*Server, error) {
	t0 := time.Now()
	logFile, err := os.OpenFile(cfg.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("localneo4j: log file: %w", err)
	}
	fmt.Fprintf(logFile, "=== %s localneo4j: starting Neo4j %s, bolt 127.0.0.1:%d, home %s\n",
		t0.Format(time.RFC3339), Neo4jVersion, cfg.BoltPort, cfg.DataDir)
	offset, _ := logFile.Seek(0, io.SeekEnd)

	args := []string{
		"-Xms" + strconv.Itoa(cfg.HeapMB/4) + "m",
		"-Xmx" + strconv.Itoa(cfg.HeapMB) + "m",
		"-XX:+UseG1GC",
		"-XX:-OmitStackTraceInFastThrow",
		"-XX:+ExitOnOutOfMemoryError",
		"-XX:+DisableExplicitGC",
		"-Djdk.nio.maxCachedBufferSize=1024",
		"-Dio.netty.tryReflectionSetAccessible=true",
		"-Dfile.encoding=UTF-8",
		"--add-opens=java.base/java.nio=ALL-UNNAMED",
		"--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
		"--add-opens=java.base/java.lang=ALL-UNNAMED",
	}
	// ORGNET_NEO4J_JVM_OPTS adds JVM options (space-separated) after ours.
	args = append(args, strings.Fields(os.Getenv("ORGNET_NEO4J_JVM_OPTS"))...)
	args = append(args,
		cfg.homeMarker(),
		"orgnet.Launcher",
		"--port", strconv.Itoa(cfg.BoltPort),
		"--data-dir", cfg.DataDir,
		"--user", cfg.User,
		"--pagecache", strconv.FormatInt(int64(cfg.PageCacheMB)<<20, 10),
		"--tx-memory", strconv.FormatInt(int64(cfg.HeapMB/2)<<20, 10),
		"--lucene-merge-factor", strconv.Itoa(cfg.LuceneMergeFactor),
	)
	if cfg.Attached {
		args = append(args, "--exit-on-stdin-eof")
	}
	cmd := exec.Command(rt.java, args...)
	cmd.Dir = cfg.runDir()
	// The classpath goes through the environment to keep ps output short; the
	// password too, so that it is not visible in /proc/PID/cmdline.
	cmd.Env = append(os.Environ(),
		"CLASSPATH="+rt.classDir+string(os.PathListSeparator)+rt.classpath,
		"ORGNET_NEO4J_PASSWORD="+cfg.Password,
	)
	s := &Server{cfg: cfg, cmd: cmd, exited: make(chan struct{}), logFile: logFile}
	if cfg.Attached {
		s.stdin, err = cmd.StdinPipe()
		if err != nil {
			logFile.Close()
			return nil, fmt.Errorf("localneo4j: stdin pipe: %w", err)
		}
		out := io.MultiWriter(logFile, cfg.Log)
		cmd.Stdout, cmd.Stderr = out, out
	} else {
		cmd.Stdout, cmd.Stderr = logFile, logFile
		cmd.SysProcAttr = detachedAttr()
	}
	cfg.progress("starting Neo4j %s on 127.0.0.1:%d (data %s, log %s)…", Neo4jVersion, cfg.BoltPort, cfg.DataDir, cfg.logPath())
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("localneo4j: start %s: %w", rt.java, err)
	}
	s.pid = cmd.Process.Pid
	s.uri = cfg.uri(cfg.BoltPort)
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := writePIDFile(cfg.pidPath(), pidFile{pid: s.pid, port: cfg.BoltPort, dataDir: cfg.DataDir}); err != nil {
		_ = s.stopLocked(context.Background())
		return nil, err
	}

	if err := waitReady(ctx, s, offset); err != nil {
		_ = s.stopLocked(context.Background())
		return nil, err
	}
	if !cfg.Attached {
		// The JVM writes to the file itself; we no longer need our descriptor.
		_ = logFile.Close()
		s.logFile = nil
	}
	cfg.progress("Neo4j ready on %s in %.1fs (pid %d)", s.uri, time.Since(t0).Seconds(), s.pid)
	return s, nil
}

// waitReady waits for the launcher's ready line, then for Bolt to accept the credentials.
func waitReady(ctx context.Context, s *Server, offset int64) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	sawMarker := false
	var lastErr error
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("%w (%v); log %s:\n%s",
				ErrExited, s.waitErr, s.cfg.logPath(), logTail(s.cfg.logPath(), offset))
		case <-ctx.Done():
			return fmt.Errorf("localneo4j: Neo4j not ready on %s (last: %v); log %s:\n%s%w",
				s.uri, lastErr, s.cfg.logPath(), logTail(s.cfg.logPath(), offset), ctx.Err())
		case <-tick.C:
		}
		if !sawMarker {
			sawMarker = strings.Contains(readFrom(s.cfg.logPath(), offset), readyMarker)
			if !sawMarker {
				continue
			}
		}
		lastErr = verify(ctx, s.uri, s.cfg.User, s.cfg.Password)
		if lastErr == nil {
			return nil
		}
		if isAuthError(lastErr) {
			return fmt.Errorf("localneo4j: Neo4j on %s rejects user %q: %w", s.uri, s.cfg.User, lastErr)
		}
	}
}

// ErrExited is wrapped by Start's error when the JVM exits before it is ready.
var ErrExited = errors.New("localneo4j: Neo4j exited during start")

// verify opens a driver and checks that Bolt accepts the credentials.
func verify(ctx context.Context, uri, user, password string) error {
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""), func(c *neo4jconfig.Config) {
		c.SocketConnectTimeout = 2 * time.Second
		c.ConnectionAcquisitionTimeout = 10 * time.Second
		c.MaxConnectionPoolSize = 1
	})
	if err != nil {
		return fmt.Errorf("driver: %w", err)
	}
	defer drv.Close(context.Background())
	vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := drv.VerifyConnectivity(vctx); err != nil {
		return fmt.Errorf("verify connectivity: %w", err)
	}
	return nil
}

func isAuthError(err error) bool {
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		return strings.HasPrefix(ne.Code, "Neo.ClientError.Security.")
	}
	return false
}

// Stop stops the Neo4j recorded in cfg's pid file: SIGTERM, wait up to 60s,
// then SIGKILL; it removes the pid file. No pid file means nothing to do.
func Stop(ctx context.Context, cfg Config) error {
	cfg, err := cfg.normalize()
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.runDir()); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	unlock, err := lockFile(ctx, cfg.lockPath())
	if err != nil {
		return err
	}
	defer unlock()
	pf, err := readPIDFile(cfg.pidPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil || !isOurProcess(pf.pid, cfg) {
		_ = os.Remove(cfg.pidPath())
		return nil
	}
	cfg.progress("stopping Neo4j (pid %d)…", pf.pid)
	t0 := time.Now()
	if err := terminate(ctx, pf.pid, nil, cfg.Log); err != nil {
		return fmt.Errorf("localneo4j: stop pid %d: %w", pf.pid, err)
	}
	_ = os.Remove(cfg.pidPath())
	cfg.progress("Neo4j stopped in %.1fs", time.Since(t0).Seconds())
	return nil
}

// Status reports whether a Neo4j for cfg runs and answers on Bolt.
func Status(ctx context.Context, cfg Config) (ServerStatus, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return ServerStatus{}, err
	}
	st := ServerStatus{URI: cfg.uri(cfg.BoltPort), DataDir: cfg.DataDir, LogFile: cfg.logPath(), PIDFile: cfg.pidPath()}
	pf, err := readPIDFile(cfg.pidPath())
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("localneo4j: %w", err)
	}
	if !isOurProcess(pf.pid, cfg) {
		st.Detail = fmt.Sprintf("stale pid file (pid %d is not running Neo4j for this data dir)", pf.pid)
		return st, nil
	}
	st.Running, st.PID, st.URI = true, pf.pid, cfg.uri(pf.port)
	if err := verify(ctx, st.URI, cfg.User, cfg.Password); err != nil {
		st.Detail = err.Error()
	} else {
		st.Answering = true
	}
	return st, nil
}

// terminate sends SIGTERM to pid, waits until it is gone (exited, if non-nil,
// is closed when our own child has been reaped), and SIGKILLs it after
// stopTimeout or when ctx ends.
func terminate(ctx context.Context, pid int, exited <-chan struct{}, log io.Writer) error {
	gone := func() bool {
		if exited != nil {
			select {
			case <-exited:
				return true
			default:
				return false
			}
		}
		return !processAlive(pid)
	}
	if gone() {
		return nil
	}
	if err := signalTerm(pid); err != nil {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	deadline := time.NewTimer(stopTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var cause error
wait:
	for !gone() {
		select {
		case <-tick.C:
		case <-deadline.C:
			cause = fmt.Errorf("still running %s after SIGTERM", stopTimeout)
			break wait
		case <-ctx.Done():
			cause = ctx.Err()
			break wait
		}
	}
	if cause == nil {
		return nil
	}
	fmt.Fprintf(log, "localneo4j: pid %d: %v, sending SIGKILL\n", pid, cause)
	if err := signalKill(pid); err != nil {
		return fmt.Errorf("SIGKILL: %w", err)
	}
	for i := 0; i < 100 && !gone(); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if !gone() {
		return fmt.Errorf("pid %d survived SIGKILL: %w", pid, cause)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("killed: %w", cause)
	}
	return nil // killed after the grace period: stopped, if not cleanly
}

// readFrom returns the file's content after offset (at most the last 1 MiB).
func readFrom(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size()-offset > 1<<20 {
		offset = fi.Size() - 1<<20
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

// logTail returns the last lines written to path after offset.
func logTail(path string, offset int64) string {
	return tail(readFrom(path, offset), 40)
}

// tail returns the last n lines of s, each indented, ending in a newline.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		if len(l) > 400 {
			l = l[:400] + "…"
		}
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}
