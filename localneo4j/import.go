package localneo4j

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Offline bulk import with Neo4j's own importer, neo4j-admin database import
// full: its entry point (org.neo4j.cli.AdminTool, from neo4j-command-line and
// neo4j-import-tool, both already on the launcher's classpath) runs in a JVM
// of its own with NEO4J_HOME set to the DataDir, so that it writes the
// stores exactly where the launcher's DBMS opens them
// (D/data/databases/<db>, D/data/transactions/<db>). The server for D must
// be stopped; the next Start serves the imported graph. Indexes and
// constraints are not imported: whoever opens the store creates them
// (graph/neo4j.New does, idempotently) and Neo4j populates them then.

// importMinHeapMB is the least heap Import gives the importer's JVM.
const importMinHeapMB = 2048

// DefaultDatabase is the database the launcher serves and Import fills.
const DefaultDatabase = "neo4j"

// ImportOptions says what Import loads.
type ImportOptions struct {
	// Nodes and Relationships are CSV files in neo4j-admin's header style;
	// each is passed as its own --nodes= / --relationships= group, so each
	// starts with its own header line.
	Nodes, Relationships []string
	// Multiline lists the files (among the above) whose quoted fields may
	// hold line breaks. The importer splits the other files into chunks and
	// parses them in parallel; these it must read in order.
	Multiline []string
	// Overwrite replaces a database that already exists (all its data is
	// lost). Without it Import refuses to touch an existing store.
	Overwrite bool
	// Database is the database to fill; default "neo4j", the one the
	// launcher serves.
	Database string
	// Threads for the importer; 0 leaves its default (the number of cores).
	Threads int
	// MaxOffHeap caps the importer's off-heap memory ("2g", "50%"); "" leaves
	// its default (90% of the free memory).
	MaxOffHeap string
	// Output receives the importer's progress; nil means Config.Log.
	Output io.Writer
}

// ImportResult is what the importer reported.
type ImportResult struct {
	Nodes, Relationships, Properties int64
	// Duration is the importer's own time (its "IMPORT DONE in"), else the
	// JVM's wall time.
	Duration time.Duration
	Wall     time.Duration // the JVM's wall time, start to exit
	// PeakMemory as the importer printed it ("1.033GiB").
	PeakMemory string
	// Stages are the importer's stages with their times ("Node import" →
	// 12.3s), in order.
	Stages []ImportStage
}

// ImportStage is one stage of the importer and how long it took.
type ImportStage struct {
	Name     string
	Duration time.Duration
}

// NodesPerSecond is Nodes over Duration.
func (r ImportResult) NodesPerSecond() float64 { return perSecond(r.Nodes, r.Duration) }

// RelationshipsPerSecond is Relationships over Duration.
func (r ImportResult) RelationshipsPerSecond() float64 {
	return perSecond(r.Relationships, r.Duration)
}

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// ErrRunning is wrapped by Import's error when the Neo4j for the data dir runs.
var ErrRunning = errors.New("localneo4j: Neo4j is running for this data dir")

// ErrDatabaseExists is wrapped by Import's error when the database already
// has a store and ImportOptions.Overwrite is not set.
var ErrDatabaseExists = errors.New("localneo4j: the database already exists")

// DatabaseDir returns where the store of database db lives for cfg
// (DataDir/data/databases/db).
func DatabaseDir(cfg Config, db string) (string, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return "", err
	}
	if db == "" {
		db = DefaultDatabase
	}
	return filepath.Join(cfg.DataDir, "data", "databases", db), nil
}

// CheckImportable returns an error wrapping ErrRunning when the Neo4j for
// cfg runs, or ErrDatabaseExists when database db (default "neo4j") has a
// store and overwrite is false: the checks Import makes first, for callers
// that want to fail before preparing the input.
func CheckImportable(cfg Config, db string, overwrite bool) error {
	cfg, err := cfg.normalize()
	if err != nil {
		return err
	}
	return checkImportable(cfg, db, overwrite)
}

func checkImportable(cfg Config, db string, overwrite bool) error {
	if pf, err := readPIDFile(cfg.pidPath()); err == nil && isOurProcess(pf.pid, cfg) {
		return fmt.Errorf("%w (pid %d, %s): stop it first (orgnet neo4j stop --dir %s)", ErrRunning, pf.pid, cfg.pidPath(), cfg.DataDir)
	}
	if db == "" {
		db = DefaultDatabase
	}
	dbDir := filepath.Join(cfg.DataDir, "data", "databases", db)
	if !overwrite && storeExists(dbDir) {
		return fmt.Errorf("%w: %s holds a store (a Neo4j started once on this dir has one, even if empty); "+
			"pass --overwrite to replace it and lose its data", ErrDatabaseExists, dbDir)
	}
	return nil
}

// storeExists reports whether dir holds a Neo4j store (record or block format).
func storeExists(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if n := e.Name(); n == "neostore" || strings.HasPrefix(n, "neostore.") || strings.HasPrefix(n, "block.") {
			return true
		}
	}
	return false
}

// Import runs neo4j-admin database import full into cfg.DataDir. It refuses
// when the Neo4j for cfg runs (pid file) and, unless opt.Overwrite, when the
// database already has a store; it holds the data dir's lock meanwhile, so a
// Start waits for it. The first run downloads Neo4j like Start does. If ctx
// ends, the importer is stopped and the partial store left behind must be
// overwritten.
func Import(ctx context.Context, cfg Config, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	cfg, err := cfg.normalize()
	if err != nil {
		return res, err
	}
	if len(opt.Nodes) == 0 {
		return res, errors.New("localneo4j: import: no node files")
	}
	if opt.Database == "" {
		opt.Database = DefaultDatabase
	}
	// The importer runs in a directory of its own: make the paths absolute.
	for _, list := range []*[]string{&opt.Nodes, &opt.Relationships, &opt.Multiline} {
		abs := make([]string, len(*list))
		for i, f := range *list {
			if abs[i], err = filepath.Abs(f); err != nil {
				return res, fmt.Errorf("localneo4j: import: %w", err)
			}
		}
		*list = abs
	}
	if opt.Output == nil {
		opt.Output = cfg.Log
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return res, fmt.Errorf("localneo4j: %w", err)
	}
	unlock, err := lockFile(ctx, cfg.lockPath())
	if err != nil {
		return res, err
	}
	defer unlock()
	if err := checkImportable(cfg, opt.Database, opt.Overwrite); err != nil {
		return res, err
	}
	rt, err := ensureRuntime(ctx, cfg)
	if err != nil {
		return res, err
	}

	work, err := os.MkdirTemp(cfg.DataDir, "import-run-")
	if err != nil {
		return res, fmt.Errorf("localneo4j: %w", err)
	}
	defer os.RemoveAll(work)
	report := filepath.Join(work, "import.report")
	// The importer keeps its big structures off the heap, but wants a heap
	// of 1 GiB at least (it warns below); Config's default is 1 GiB.
	heapMB := max(cfg.HeapMB, importMinHeapMB)
	args := []string{
		"-Xms" + strconv.Itoa(heapMB/4) + "m",
		"-Xmx" + strconv.Itoa(heapMB) + "m",
		"-XX:+UseParallelGC",
		"-XX:-OmitStackTraceInFastThrow",
		"-XX:+ExitOnOutOfMemoryError",
		"-Dfile.encoding=UTF-8",
		"--add-opens=java.base/java.nio=ALL-UNNAMED",
		"--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
		"--add-opens=java.base/java.lang=ALL-UNNAMED",
		cfg.homeMarker() + "/import",
		// The database first: --nodes and --relationships take any number of
		// values and would swallow a name after them.
		"org.neo4j.cli.AdminTool", "database", "import", "full", opt.Database,
		"--report-file=" + report,
		"--overwrite-destination=" + strconv.FormatBool(opt.Overwrite),
	}
	if opt.Threads > 0 {
		args = append(args, "--threads="+strconv.Itoa(opt.Threads))
	}
	if opt.MaxOffHeap != "" {
		args = append(args, "--max-off-heap-memory="+opt.MaxOffHeap)
	}
	for _, f := range opt.Nodes {
		args = append(args, "--nodes="+f)
	}
	for _, f := range opt.Relationships {
		args = append(args, "--relationships="+f)
	}
	if len(opt.Multiline) > 0 {
		args = append(args, "--multiline-fields-format=v2", "--multiline-fields="+strings.Join(opt.Multiline, ","))
	}
	for _, f := range append(append(append([]string{}, opt.Nodes...), opt.Relationships...), opt.Multiline...) {
		if strings.Contains(f, ",") {
			return res, fmt.Errorf("localneo4j: import: file name %q has a comma, which the importer takes as a separator", f)
		}
	}

	cmd := exec.CommandContext(ctx, rt.java, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(),
		"CLASSPATH="+rt.classpath,
		"NEO4J_HOME="+cfg.DataDir,
		"NEO4J_CONF="+filepath.Join(work, "conf"), // no neo4j.conf: defaults, as the launcher uses
	)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cfg.progress("importing into database %q of %s (%d node files, %d relationship files)…",
		opt.Database, cfg.DataDir, len(opt.Nodes), len(opt.Relationships))
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("localneo4j: start importer: %w", err)
	}
	scanned := make(chan []string, 1)
	go func() { scanned <- scanImportOutput(pr, opt.Output, &res) }()
	werr := cmd.Wait()
	_ = pw.Close()
	tailLines := <-scanned
	res.Wall = time.Since(t0)
	if res.Duration == 0 {
		res.Duration = res.Wall
	}
	if werr != nil {
		msg := strings.Join(tailLines, "\n")
		if b, err := os.ReadFile(report); err == nil && len(b) > 0 {
			msg += "\nimport report:\n" + tail(string(b), 20)
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("localneo4j: import stopped (the database %q is incomplete: import again with overwrite): %w", opt.Database, ctx.Err())
		}
		return res, fmt.Errorf("localneo4j: import failed: %w\n%s", werr, msg)
	}
	if res.Nodes == 0 && res.Relationships == 0 {
		return res, fmt.Errorf("localneo4j: the importer printed no counts:\n%s", strings.Join(tailLines, "\n"))
	}
	return res, nil
}

var (
	reStageDone = regexp.MustCompile(`^(.+) COMPLETED in (.+)$`)
	reDone      = regexp.MustCompile(`^IMPORT DONE in (.+?)\.?\s*$`)
	reCount     = regexp.MustCompile(`^\s+(\d+) (nodes|relationships|properties)\s*$`)
	rePeak      = regexp.MustCompile(`^Peak memory usage: (\S+)`)
	reDotLine   = regexp.MustCompile(`^[-.]{10} .*\s(\d+)% `)
)

// scanImportOutput copies the importer's output to out, keeping of the
// progress bars (a line per 5%) the lines at 25, 50, 75 and 100%, and fills
// res from the summary. It returns the last lines, for errors.
func scanImportOutput(r io.Reader, out io.Writer, res *ImportResult) []string {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var last []string
	normalized := 0
	for sc.Scan() {
		line := sc.Text()
		if m := reDotLine.FindStringSubmatch(line); m != nil {
			if p, _ := strconv.Atoi(m[1]); p%25 != 0 {
				continue
			}
		}
		if strings.Contains(line, "Property type of") && strings.Contains(line, "normalized from") {
			normalized++ // one line per column and file: noise
			continue
		}
		fmt.Fprintln(out, line)
		last = append(last, line)
		if len(last) > 40 {
			last = last[1:]
		}
		switch {
		case reStageDone.MatchString(line):
			m := reStageDone.FindStringSubmatch(line)
			res.Stages = append(res.Stages, ImportStage{Name: m[1], Duration: parseNeo4jDuration(m[2])})
		case reDone.MatchString(line):
			res.Duration = parseNeo4jDuration(reDone.FindStringSubmatch(line)[1])
		case reCount.MatchString(line):
			m := reCount.FindStringSubmatch(line)
			n, _ := strconv.ParseInt(m[1], 10, 64)
			switch m[2] {
			case "nodes":
				res.Nodes = n
			case "relationships":
				res.Relationships = n
			case "properties":
				res.Properties = n
			}
		case rePeak.MatchString(line):
			res.PeakMemory = rePeak.FindStringSubmatch(line)[1]
		}
	}
	_, _ = io.Copy(io.Discard, r)
	return last
}

// parseNeo4jDuration reads the importer's durations: "1m 2s 345ms", "11s 682ms", "980ms".
func parseNeo4jDuration(s string) time.Duration {
	var d time.Duration
	for _, f := range strings.Fields(s) {
		i := strings.IndexFunc(f, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			continue
		}
		n, err := strconv.Atoi(f[:i])
		if err != nil {
			continue
		}
		switch f[i:] {
		case "ms":
			d += time.Duration(n) * time.Millisecond
		case "s":
			d += time.Duration(n) * time.Second
		case "m":
			d += time.Duration(n) * time.Minute
		case "h":
			d += time.Duration(n) * time.Hour
		case "d":
			d += time.Duration(n) * 24 * time.Hour
		}
	}
	return d
}
