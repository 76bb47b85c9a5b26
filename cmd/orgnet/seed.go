package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"
)

func seedCmd() *cli.Command {
	return &cli.Command{
		Name:  "seed",
		Usage: "load the Yuelin network into the store (idempotent: seeding twice gives the same graph)",
		Flags: storeFlags(),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			store, _, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := seedStore(ctx, store)
			if err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			c, err := store.Counts(ctx)
			if err != nil {
				return err
			}
			fmt.Printf("seeded Yuelin: %d nodes created, %d updated; %d edges created, %d updated; the store holds %d nodes and %d edges\n",
				res.NodesCreated, res.NodesUpdated, res.EdgesCreated, res.EdgesUpdated, c.Nodes, c.Edges)
			return nil
		},
	}
}
