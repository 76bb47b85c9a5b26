package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/server"
)

// importCmd is `orgnet import [--dry-run] FILE...`.
func importCmd() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "load nodes and edges from CSV (neo4j-admin header style), orgnet JSON or GraphML files, all or nothing",
		ArgsUsage: "FILE...",
		Description: "The format is told by the extension: .csv, .json, .graphml (a .zip of them: an export in CSV).\n" +
			"Every file is read and checked in full first (labels, kinds, relationship types, endpoint labels,\n" +
			"duplicate ids, dangling edges, UTF-8, numbers, dates); every problem is printed as FILE:LINE:COLUMN\n" +
			"and nothing is written. Otherwise all nodes and edges are upserted in one transaction.\n" +
			"Imported items get provenance USER with ref = the file's name, unless the file gives\n" +
			"ARTICLE, ILLUSTRATIVE or SYNTHETIC with a quote. At most --limit bytes are read in all (zips by what\n" +
			"their directories say they unpack to, before unpacking).",
		Flags: append(storeFlags(),
			&cli.BoolFlag{Name: "dry-run", Usage: "check everything against the store, write nothing"},
			&cli.IntFlag{Name: "max-problems", Value: 100, Usage: "problems to print (0: all)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress on standard error"},
			&cli.StringFlag{Name: "limit", Value: "256MiB", Usage: "most file data to read, in all, zips and workbooks counted unpacked (as POST /import's --import-limit)"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			files := cmd.Args().Slice()
			if len(files) == 0 {
				return fmt.Errorf("import: name at least one file (.csv, .json, .graphml)")
			}
			limit, err := server.ParseSize(cmd.String("limit"))
			if err != nil || limit == 0 {
				return fmt.Errorf("import: --limit %q: want a size such as 256MiB", cmd.String("limit"))
			}
			store, _, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			opts := interchange.ImportOptions{DryRun: cmd.Bool("dry-run"), Limit: limit}
			if !cmd.Bool("quiet") {
				opts.Progress = os.Stderr
			}
			start := time.Now()
			rep, err := interchange.Import(graph.WithOperation(ctx, graph.Operation{Name: "import"}), store, files, opts)
			var pe *interchange.ProblemsError
			if errors.As(err, &pe) {
				limit := int(cmd.Int("max-problems"))
				for i, p := range pe.Problems {
					if limit > 0 && i == limit {
						fmt.Fprintf(os.Stderr, "… and %d more problems (--max-problems 0 prints them all)\n", len(pe.Problems)-limit)
						break
					}
					fmt.Fprintln(os.Stderr, p)
				}
				return fmt.Errorf("import: %d problem(s) in %d file(s); nothing was written", len(pe.Problems), len(files))
			}
			if err != nil {
				return err
			}
			elapsed := time.Since(start)
			if rep.Downgraded > 0 {
				fmt.Fprintf(os.Stderr, "note: %d item(s) claimed ARTICLE, ILLUSTRATIVE or SYNTHETIC without a quote and were imported as USER\n", rep.Downgraded)
			}
			if rep.DryRun {
				fmt.Printf("dry run: %d nodes and %d edges from %d file(s) are valid; nothing written (%s)\n",
					rep.Nodes, rep.Edges, len(rep.Files), elapsed.Round(time.Millisecond))
				return nil
			}
			r := rep.Result
			fmt.Printf("imported %d nodes (%d created, %d updated) and %d edges (%d created, %d updated) from %d file(s) in %s\n",
				rep.Nodes, r.NodesCreated, r.NodesUpdated, rep.Edges, r.EdgesCreated, r.EdgesUpdated, len(rep.Files), elapsed.Round(time.Millisecond))
			return nil
		},
	}
}
