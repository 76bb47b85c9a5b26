package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
)

func simulateCmd() *cli.Command {
	return &cli.Command{
		Name:  "simulate",
		Usage: "simulate a regrouping of villages and communities into alliances (and pairings); prints metrics beside today's, changes nothing",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "strategy", Value: "balanced", Usage: "balanced, community or pairings"},
			&cli.IntFlag{Name: "k", Usage: "number of alliances (balanced); 0 = as many as the constraints allow"},
			&cli.IntFlag{Name: "seed", Value: 1, Usage: "random seed: the same seed gives the same plan"},
			&cli.FloatFlag{Name: "move-cost", Value: 0.3, Usage: "cost of moving a unit away from its alliance, against balance (balanced)"},
			&cli.BoolFlag{Name: "pair", Usage: "also choose new strong→weak pairings"},
			&cli.IntFlag{Name: "min-size", Usage: "fewest members per alliance"},
			&cli.IntFlag{Name: "max-size", Usage: "most members per alliance"},
			&cli.IntFlag{Name: "max-mentees", Usage: "most weak units per strong mentor"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the plan as JSON to this file"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			store, _, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			snap, err := store.Snapshot(ctx, graph.View{})
			if err != nil {
				return err
			}
			p, err := plan.Units(snap, plan.UnitOptions{AsOf: graph.Today()})
			if err != nil {
				return err
			}
			in := plan.Input{Strategy: plan.Strategy(strings.ToUpper(cmd.String("strategy"))), Seed: int64(cmd.Int("seed")),
				Pair: cmd.Bool("pair"), Constraints: plan.Constraints{MinSize: int(cmd.Int("min-size")),
					MaxSize: int(cmd.Int("max-size")), MaxMenteesPerMentor: int(cmd.Int("max-mentees"))}}
			if in.Strategy == plan.Balanced {
				in.K, in.MoveCost = int(cmd.Int("k")), cmd.Float("move-cost")
			}
			pl, err := plan.Simulate(ctx, p, in)
			if err != nil {
				return fmt.Errorf("simulate: %s", graph.ErrorMessage(err))
			}
			if out := cmd.String("out"); out != "" {
				b, err := json.MarshalIndent(pl, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
					return err
				}
			}
			fmt.Printf("%s plan (seed %d): %d alliances, %d pairings, %d units moved\n\n", pl.Strategy, pl.Seed, len(pl.Alliances), len(pl.Pairings), len(pl.Moved))
			return pl.Metrics.Table(os.Stdout, &pl.Today)
		},
	}
}
