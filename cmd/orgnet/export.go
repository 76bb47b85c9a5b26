package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
)

// Dump is orgnet's JSON interchange format: the whole graph.
type Dump struct {
	Format string        `json:"format"`
	Nodes  []*graph.Node `json:"nodes"`
	Edges  []*graph.Edge `json:"edges"`
}

func exportCmd() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the whole graph as orgnet JSON",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "-", Usage: "file to write, - for standard output"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			store, _, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			snap, err := store.Snapshot(ctx)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			var w io.Writer = os.Stdout
			if out := cmd.String("out"); out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return fmt.Errorf("export: %w", err)
				}
				defer f.Close()
				w = f
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(Dump{Format: "orgnet/v1", Nodes: snap.Nodes, Edges: snap.Edges}); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			return nil
		},
	}
}
