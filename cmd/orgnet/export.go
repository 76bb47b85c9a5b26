package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
)

func exportCmd() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the graph, or a part of it, as orgnet JSON, CSV (neo4j-admin), GraphML, GEXF, Cytoscape.js or G6",
		Description: "Formats: json (orgnet's own dump, read back by import), csv (nodes.csv and relationships.csv in\n" +
			"neo4j-admin import's header style: a directory, or a zip when --out ends in .zip or is -), graphml,\n" +
			"gexf (1.3), cytoscape (Cytoscape.js elements JSON) and g6 (AntV G6 5 data, alliances as combos).\n" +
			"Without --root or --alliance the whole graph is written, as it is read (page by page: memory stays\n" +
			"bounded whatever the size of the graph).",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "json", Usage: "json, csv, graphml, gexf, cytoscape or g6"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "-", Usage: "file to write, - for standard output (csv: a directory, or a .zip)"},
			&cli.StringFlag{Name: "root", Usage: "write the neighbourhood of this node id"},
			&cli.IntFlag{Name: "depth", Value: 1, Usage: "hops from --root"},
			&cli.StringFlag{Name: "relations", Usage: "comma-separated relationship types to keep (and follow from --root)"},
			&cli.StringFlag{Name: "alliance", Usage: "write this alliance with its members and the edges among them"},
			&cli.StringFlag{Name: "compound", Usage: "cytoscape: alliances draws each alliance as the compound parent of its members"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			format, err := interchange.ParseFormat(cmd.String("format"))
			if err != nil {
				return fmt.Errorf("export: --format: %w", err)
			}
			spec := interchange.SubgraphSpec{Root: cmd.String("root"), AllianceID: cmd.String("alliance")}
			if spec.Root != "" {
				spec.Depth = int(cmd.Int("depth"))
			}
			for _, r := range strings.Split(cmd.String("relations"), ",") {
				if r = strings.TrimSpace(r); r != "" {
					spec.Relations = append(spec.Relations, graph.RelType(strings.ToUpper(r)))
				}
			}
			var opt interchange.ExportOptions
			if opt.Compound, err = interchange.ParseCompound(cmd.String("compound")); err != nil {
				return fmt.Errorf("export: --compound: %w", err)
			}
			store, _, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			out := cmd.String("out")
			if format == interchange.CSV && out != "-" && !strings.HasSuffix(strings.ToLower(out), ".zip") {
				paths, err := interchange.ExportCSVDir(ctx, out, store, spec)
				if err != nil {
					for _, p := range paths {
						_ = os.Remove(p)
					}
					return fmt.Errorf("export: %s: %w", spec, err)
				}
				fmt.Fprintf(os.Stderr, "exported %s to %s\n", spec, strings.Join(paths, ", "))
				return nil
			}
			var w io.Writer = os.Stdout
			var f *os.File
			if out != "-" {
				if f, err = os.Create(out); err != nil {
					return fmt.Errorf("export: %w", err)
				}
				w = f
			}
			// Written as it is read: a failed export leaves no file that
			// looks whole.
			err = interchange.Export(ctx, w, store, format, spec, opt)
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					_ = os.Remove(out)
				}
			}
			if err != nil {
				return fmt.Errorf("export: %s: %w", spec, err)
			}
			if out != "-" {
				fmt.Fprintf(os.Stderr, "exported %s to %s\n", spec, out)
			}
			return nil
		},
	}
}
