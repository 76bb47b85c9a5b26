package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/localneo4j"
	"github.com/orgnet/orgnet/seed"
)

// neo4jImportCmd is `orgnet neo4j import`: an offline bulk load into the
// local Neo4j with neo4j-admin database import full (localneo4j.Import).
func neo4jImportCmd(flags []cli.Flag, cfg func(*cli.Command) localneo4j.Config) *cli.Command {
	return &cli.Command{
		Name:  "import",
		Usage: "bulk-load a synthetic network or CSV files offline into the local Neo4j (neo4j-admin database import full; Neo4j must be stopped)",
		Description: "Writes the graph straight into the store files of the database \"neo4j\" under --dir,\n" +
			"with Neo4j's own importer, far faster than `orgnet seed` through Bolt. Neo4j for --dir\n" +
			"must be stopped, and the database must not exist yet (a Neo4j started once on --dir\n" +
			"made an empty one) unless --overwrite, which replaces it.\n\n" +
			"--synthetic county|city|province [--seed N] streams the generated network as CSV into\n" +
			"a temporary directory under --dir (removed afterwards; the province set takes ~1 GB),\n" +
			"with the search keys graph/neo4j keeps. --nodes F --relationships F … imports CSV files\n" +
			"in neo4j-admin's header style (as `orgnet export --format csv` writes them); a node file\n" +
			"without a searchKey column is copied with one added (computed from its names as graph/neo4j\n" +
			"does, into a temporary directory under --dir), so that Search finds its nodes.\n\n" +
			"Indexes and constraints are not imported: afterwards (unless --schema=false) the command\n" +
			"starts Neo4j, opens the store as `orgnet serve --store neo4j` does (graph/neo4j creates\n" +
			"its constraints and indexes), waits until Neo4j has populated them, and stops Neo4j.\n" +
			"Then `orgnet neo4j start --dir D` and `orgnet serve --store neo4j` serve the graph.",
		Flags: append(append([]cli.Flag{}, flags...),
			&cli.StringFlag{Name: "synthetic", Usage: "import a synthetic network: county (~10k nodes), city (~160k) or province (~1.7M)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the synthetic network"},
			&cli.StringSliceFlag{Name: "nodes", Usage: "node CSV file (neo4j-admin header style); repeat for more"},
			&cli.StringSliceFlag{Name: "relationships", Usage: "relationship CSV file; repeat for more"},
			&cli.BoolFlag{Name: "overwrite", Usage: "replace the database if it exists (its data is lost)"},
			&cli.IntFlag{Name: "chunk", Value: 250_000, Usage: "nodes or edges per CSV file of a synthetic network"},
			&cli.IntFlag{Name: "threads", Usage: "importer threads (default: the number of cores)"},
			&cli.StringFlag{Name: "max-off-heap", Usage: "importer off-heap memory cap, e.g. 2g or 50% (default: 90% of free memory)"},
			&cli.StringFlag{Name: "keep-csv", Usage: "write the synthetic CSV into this directory and keep it"},
			&cli.BoolFlag{Name: "schema", Value: true, Usage: "after the import, start Neo4j, create orgnet's constraints and indexes (graph/neo4j) and wait until they are populated, then stop it (without this the first `orgnet serve --store neo4j` on a big import runs out of its 30 s to open the store)"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runNeo4jImport(ctx, cmd, cfg(cmd))
		},
	}
}

func runNeo4jImport(ctx context.Context, cmd *cli.Command, c localneo4j.Config) error {
	synthetic := cmd.String("synthetic")
	nodes, rels := cmd.StringSlice("nodes"), cmd.StringSlice("relationships")
	if (synthetic == "") == (len(nodes) == 0) {
		return errors.New("neo4j import: give either --synthetic SIZE or --nodes FILE (with --relationships FILE …)")
	}
	if synthetic == "" && cmd.IsSet("keep-csv") {
		return errors.New("neo4j import: --keep-csv goes with --synthetic")
	}
	overwrite := cmd.Bool("overwrite")
	// Fail before writing a gigabyte of CSV; Import checks again under the lock.
	if err := localneo4j.CheckImportable(c, "", overwrite); err != nil {
		return fmt.Errorf("neo4j import: %w", err)
	}
	opt := localneo4j.ImportOptions{
		Overwrite:  overwrite,
		Threads:    int(cmd.Int("threads")),
		MaxOffHeap: cmd.String("max-off-heap"),
		Output:     os.Stderr,
	}
	t0 := time.Now()
	var csvTime time.Duration
	if synthetic != "" {
		size, err := seed.ParseSize(synthetic)
		if err != nil {
			return fmt.Errorf("--synthetic: %w", err)
		}
		dir := cmd.String("keep-csv")
		if dir == "" {
			if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
				return fmt.Errorf("neo4j import: %w", err)
			}
			if dir, err = os.MkdirTemp(c.DataDir, "import-csv-"); err != nil {
				return fmt.Errorf("neo4j import: %w", err)
			}
			defer os.RemoveAll(dir)
		}
		s := cmd.Int64("seed")
		files, err := writeSyntheticCSV(ctx, dir, size, s, int(cmd.Int("chunk")))
		if err != nil {
			return fmt.Errorf("neo4j import: %w", err)
		}
		csvTime = time.Since(t0)
		for _, f := range files {
			if f.Relationships {
				opt.Relationships = append(opt.Relationships, f.Path)
			} else {
				opt.Nodes = append(opt.Nodes, f.Path)
			}
			if f.Multiline {
				opt.Multiline = append(opt.Multiline, f.Path)
			}
		}
	} else {
		keyDir := ""
		defer func() {
			if keyDir != "" {
				os.RemoveAll(keyDir)
			}
		}()
		for _, f := range append(append([]string{}, nodes...), rels...) {
			abs, err := filepath.Abs(f)
			if err != nil {
				return fmt.Errorf("neo4j import: %w", err)
			}
			if _, err := os.Stat(abs); err != nil {
				return fmt.Errorf("neo4j import: %w", err)
			}
			// Quoted fields may hold line breaks (quotes, attribute
			// provenance): tell the importer, at some cost in speed.
			opt.Multiline = append(opt.Multiline, abs)
			if len(opt.Nodes) < len(nodes) {
				if !csvHasColumn(abs, "searchKey") {
					// As graph/neo4j would have written it: else Search and
					// name filters would not find these nodes.
					if keyDir == "" {
						if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
							return fmt.Errorf("neo4j import: %w", err)
						}
						if keyDir, err = os.MkdirTemp(c.DataDir, "import-keys-"); err != nil {
							return fmt.Errorf("neo4j import: %w", err)
						}
					}
					withKeys := filepath.Join(keyDir, fmt.Sprintf("%03d-%s", len(opt.Nodes), filepath.Base(abs)))
					rows, err := interchange.AddSearchKeys(withKeys, abs)
					if err != nil {
						return fmt.Errorf("neo4j import: %w", err)
					}
					fmt.Fprintf(os.Stderr, "%s has no searchKey column: added one to its %d rows (in %s)\n", f, rows, withKeys)
					opt.Multiline[len(opt.Multiline)-1] = withKeys
					abs = withKeys
				}
				opt.Nodes = append(opt.Nodes, abs)
			} else {
				opt.Relationships = append(opt.Relationships, abs)
			}
		}
	}

	res, err := localneo4j.Import(ctx, c, opt)
	if err != nil {
		return fmt.Errorf("neo4j import: %w", err)
	}
	total := time.Since(t0)
	fmt.Printf("imported %d nodes, %d relationships, %d properties into %s in %s: "+
		"%.0f nodes/s, %.0f rels/s (importer %s, peak memory %s)\n",
		res.Nodes, res.Relationships, res.Properties, c.DataDir, res.Duration.Round(time.Millisecond),
		res.NodesPerSecond(), res.RelationshipsPerSecond(), res.Duration.Round(time.Millisecond), res.PeakMemory)
	for _, st := range res.Stages {
		rate := ""
		switch st.Name {
		case "Node import":
			rate = fmt.Sprintf(" (%.0f nodes/s)", float64(res.Nodes)/st.Duration.Seconds())
		case "Relationship import":
			rate = fmt.Sprintf(" (%.0f rels/s)", float64(res.Relationships)/st.Duration.Seconds())
		}
		fmt.Printf("  %-22s %s%s\n", st.Name, st.Duration.Round(time.Millisecond), rate)
	}
	if synthetic != "" {
		fmt.Printf("end to end (CSV %s + importer JVM %s): %s, %.0f nodes/s, %.0f rels/s\n",
			csvTime.Round(time.Millisecond), res.Wall.Round(time.Millisecond), total.Round(time.Millisecond),
			float64(res.Nodes)/total.Seconds(), float64(res.Relationships)/total.Seconds())
	}
	if !cmd.Bool("schema") {
		fmt.Printf("next: orgnet neo4j start --dir %s, then open the store once without a deadline (it creates the indexes; "+
			"the 30 s of orgnet serve are too short for a big import)\n", c.DataDir)
		return nil
	}
	st, err := buildNeo4jSchema(ctx, c)
	if err != nil {
		return fmt.Errorf("neo4j import: the data is imported, but creating the schema failed: %w", err)
	}
	fmt.Printf("schema: Neo4j started in %s, constraints and indexes created and populated in %s, stopped in %s\n",
		st.start.Round(time.Millisecond), st.schema.Round(time.Millisecond), st.stop.Round(time.Millisecond))
	fmt.Printf("total with the schema: %s; next: orgnet neo4j start --dir %s, then orgnet serve --store neo4j\n",
		time.Since(t0).Round(time.Millisecond), c.DataDir)
	return nil
}

type schemaTimes struct{ start, schema, stop time.Duration }

// buildNeo4jSchema starts Neo4j on the imported data, opens the store (which
// creates graph/neo4j's constraints and indexes, and waits up to 300 s for
// them), waits for any index still populating, and stops Neo4j.
func buildNeo4jSchema(ctx context.Context, c localneo4j.Config) (schemaTimes, error) {
	var st schemaTimes
	c.Attached = true // dies with us
	t := time.Now()
	srv, err := localneo4j.Start(ctx, c)
	if err != nil {
		return st, err
	}
	defer srv.Stop()
	st.start = time.Since(t)
	t = time.Now()
	fmt.Fprintf(os.Stderr, "creating orgnet's constraints and indexes; Neo4j populates them over the imported graph…\n")
	pctx, stopProgress := context.WithCancel(ctx)
	go func() { _ = awaitNeo4jIndexes(pctx, srv, false) }() // progress lines only
	for attempt := 1; ; attempt++ {
		s, err := neo4jstore.Open(ctx, srv.URI(), srv.User(), srv.Password(), neo4jstore.Options{})
		if err == nil {
			_ = s.Close()
			break
		}
		if ctx.Err() != nil || attempt == 3 {
			stopProgress()
			return st, err
		}
		// The store's own wait (db.awaitIndexes(300)) may end before a big
		// population does: wait here, then open again (a no-op then).
		fmt.Fprintf(os.Stderr, "  opening the store: %v; waiting for the indexes…\n", err)
		if err := awaitNeo4jIndexes(ctx, srv, true); err != nil {
			stopProgress()
			return st, err
		}
	}
	stopProgress()
	st.schema = time.Since(t)
	t = time.Now()
	if err := srv.Stop(); err != nil {
		return st, err
	}
	st.stop = time.Since(t)
	return st, nil
}

// awaitNeo4jIndexes polls until every index is ONLINE, printing those still
// populating; a FAILED one is an error. Unless untilOnline, it polls until
// ctx ends (progress lines only).
func awaitNeo4jIndexes(ctx context.Context, srv *localneo4j.Server, untilOnline bool) error {
	drv, err := driver.NewDriverWithContext(srv.URI(), srv.Auth())
	if err != nil {
		return err
	}
	defer drv.Close(context.WithoutCancel(ctx))
	for {
		res, err := driver.ExecuteQuery(ctx, drv,
			"SHOW INDEXES YIELD name, state, populationPercent WHERE state <> 'ONLINE' RETURN name, state, populationPercent",
			nil, driver.EagerResultTransformer)
		if err != nil {
			return fmt.Errorf("show indexes: %w", err)
		}
		if len(res.Records) == 0 && untilOnline {
			return nil
		}
		var waiting []string
		for _, r := range res.Records {
			name, state := fmt.Sprint(r.Values[0]), fmt.Sprint(r.Values[1])
			if state == "FAILED" {
				return fmt.Errorf("index %s failed to populate (see the Neo4j debug.log)", name)
			}
			pct, _ := r.Values[2].(float64)
			waiting = append(waiting, fmt.Sprintf("%s %.0f%%", name, pct))
		}
		if len(waiting) > 0 {
			fmt.Fprintf(os.Stderr, "  populating: %s\n", strings.Join(waiting, ", "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(15 * time.Second):
		}
	}
}

// csvWriters is how many goroutines write CSV files at once.
const csvWriters = 2

// writeSyntheticCSV streams a synthetic network into CSV files under dir.
func writeSyntheticCSV(ctx context.Context, dir string, size seed.Size, s int64, chunk int) ([]interchange.CSVStreamFile, error) {
	st, err := interchange.NewCSVStream(dir, interchange.CSVStreamOptions{SearchKey: true})
	if err != nil {
		return nil, err
	}
	wantN, wantE := size.Target()
	fmt.Fprintf(os.Stderr, "writing synthetic %s network (seed %d, ~%d nodes, ~%d edges) as CSV into %s…\n", size, s, wantN, wantE, dir)
	// The generator makes a window of streets in parallel and then hands
	// them over one by one; writers in goroutines of their own (each chunk
	// into files of its own) overlap the writing with the next window.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan graph.Batch, csvWriters)
	errs := make(chan error, csvWriters)
	for range csvWriters {
		go func() {
			var err error
			for b := range chunks {
				if err == nil {
					if err = st.WriteBatch(b); err != nil {
						cancel()
					}
				}
			}
			errs <- err
		}()
	}
	t0, last := time.Now(), time.Now()
	err = seed.SyntheticChunks(size, s, chunk, func(b graph.Batch) error {
		select {
		case chunks <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			n, e := st.Counts()
			fmt.Fprintf(os.Stderr, "  csv: %d nodes, %d edges (%.0fs)\n", n, e, time.Since(t0).Seconds())
		}
		return nil
	})
	close(chunks)
	for range csvWriters {
		if werr := <-errs; werr != nil && (err == nil || errors.Is(err, context.Canceled)) {
			err = werr
		}
	}
	if err != nil {
		return nil, fmt.Errorf("synthetic %s: %w", size, err)
	}
	n, e := st.Counts()
	var bytes int64
	for _, f := range st.Files() {
		bytes += f.Bytes
	}
	fmt.Fprintf(os.Stderr, "  csv: %d nodes, %d edges, %d files, %.0f MiB in %.1fs\n", n, e, len(st.Files()), float64(bytes)/(1<<20), time.Since(t0).Seconds())
	return st.Files(), nil
}

// csvHasColumn reports whether the header line of a CSV file names column
// (with or without a :type suffix).
func csvHasColumn(path, column string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && line == "" {
		return false
	}
	for _, h := range strings.Split(strings.TrimRight(line, "\r\n"), ",") {
		name, _, _ := strings.Cut(strings.Trim(h, `"`), ":")
		if name == column {
			return true
		}
	}
	return false
}
