package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/graph/plan"
)

func simulateCmd() *cli.Command {
	return &cli.Command{
		Name:  "simulate",
		Usage: "simulate a regrouping of villages and communities into alliances (and pairings); prints the plan by name and its metrics beside today's, changes nothing",
		Description: "Units and alliances are given by id or by name (Chinese or English), e.g. --together 圣墩村,东郊村 --fixed 舒前村=舒家区域党建联合体.\n" +
			"The embedded store is one process's at a time: while `orgnet serve` runs on it, simulate through that server with --url.",
		// --together a,b --together c,d: each occurrence is one set.
		DisableSliceFlagSeparator: true,
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "strategy", Value: "balanced", Usage: "balanced, community, pairings or manual (manual with --grouping)"},
			&cli.IntFlag{Name: "k", Usage: "number of alliances (balanced); default: today's number of regional alliances; 0: as many as the constraints allow"},
			&cli.IntFlag{Name: "seed", Value: 1, Usage: "random seed: the same seed gives the same plan"},
			&cli.FloatFlag{Name: "move-cost", Value: 0.3, Usage: "cost of moving a unit away from its alliance, against balance (balanced), ≥ 0"},
			&cli.FloatFlag{Name: "resolution", Usage: "Louvain resolution (community), > 0; default 1"},
			&cli.BoolFlag{Name: "pair", Usage: "also choose new strong→weak pairings (reported as kept, added and ended)"},
			&cli.StringFlag{Name: "within", Usage: "plan only the units under this organisation (a street, a district): id or name"},
			&cli.IntFlag{Name: "min-size", Usage: "fewest members per alliance, ≥ 1 (default 2)"},
			&cli.IntFlag{Name: "max-size", Usage: "most members per alliance, ≥ 1 (default: no limit)"},
			&cli.FloatFlag{Name: "min-strength", Usage: "least total strength per alliance, > 0 (default: none)"},
			&cli.IntFlag{Name: "max-mentees", Usage: "most weak units per strong mentor, ≥ 1, with --pair or pairings (default max(2, ⌈weak ÷ strong⌉))"},
			&cli.BoolFlag{Name: "pair-within", Usage: "a mentor only from the mentee's own alliance (with --pair or pairings)"},
			&cli.StringSliceFlag{Name: "together", Usage: "units that must share an alliance, comma-separated: --together 圣墩村,东郊村 (repeat for more sets)"},
			&cli.StringSliceFlag{Name: "apart", Usage: "units no two of which may share an alliance, comma-separated (repeat for more sets)"},
			&cli.StringSliceFlag{Name: "fixed", Usage: "pin a unit to one of today's alliances: UNIT=ALLIANCE (repeat)"},
			&cli.StringSliceFlag{Name: "name", Usage: "name the alliance that holds a unit: UNIT=NAME (repeat)"},
			&cli.StringFlag{Name: "grouping", Usage: "a grouping to evaluate (manual) or pair within (pairings): a CSV of unit,alliance rows, or JSON ({\"KEY\": [units]}, or a plan --out wrote)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the plan as JSON to this file"},
			&cli.StringFlag{Name: "url", Usage: "simulate through a running orgnet server's API instead of opening the store, e.g. http://127.0.0.1:8080", Sources: cli.EnvVars("ORGNET_URL")},
			&cli.StringFlag{Name: "token", Usage: "bearer token for --url (role planner or above)", Sources: cli.EnvVars("ORGNET_TOKEN")},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			var (
				out *outcome
				err error
			)
			if u := cmd.String("url"); u != "" {
				out, err = simulateRemote(ctx, cmd, u)
			} else {
				out, err = simulateLocal(ctx, cmd)
			}
			if err != nil {
				return err
			}
			if path := cmd.String("out"); path != "" {
				b, err := json.MarshalIndent(out.pl, "", "  ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
					return err
				}
			}
			w := cmd.Root().Writer
			if w == nil {
				w = os.Stdout
			}
			return out.print(w)
		},
	}
}

// simulateLocal plans on the store the flags open.
func simulateLocal(ctx context.Context, cmd *cli.Command) (*outcome, error) {
	start := time.Now()
	store, _, err := openStore(ctx, cmd)
	if errors.Is(err, memory.ErrInUse) {
		return nil, fmt.Errorf("the embedded store in %s is in use by another process, most likely a running `orgnet serve`:\n"+
			"  stop that server, or simulate through it: orgnet simulate --url http://127.0.0.1:8080 … (with --token or ORGNET_TOKEN if it asks for one)",
			filepath.Clean(cmd.String("data-dir")))
	}
	if err != nil {
		return nil, err
	}
	defer store.Close()
	opened := time.Now()
	snap, err := store.Snapshot(ctx, graph.View{})
	if err != nil {
		return nil, err
	}
	read := time.Now()
	refs := snapshotRefs(snap)
	within, err := refs.org(cmd.String("within"))
	if err != nil {
		return nil, err
	}
	today := graph.Today()
	if within != "" {
		// The scope first: unit names are looked up within it.
		p, err := plan.Units(snap, plan.UnitOptions{AsOf: today, Within: within})
		if err != nil {
			return nil, fmt.Errorf("simulate: %s", graph.ErrorMessage(err))
		}
		refs = problemRefs(p)
	}
	req, err := requestOf(cmd, refs)
	if err != nil {
		return nil, err
	}
	req.Within = within
	p, pl, err := plan.Run(ctx, snap, req, today)
	if err != nil {
		return nil, fmt.Errorf("simulate: %s", graph.ErrorMessage(err))
	}
	slog.Debug("simulate", "open", opened.Sub(start), "snapshot", read.Sub(opened), "plan", time.Since(read),
		"units", len(p.Units), "alliances", len(pl.Alliances))
	o := &outcome{pl: pl, names: map[string]string{}}
	for _, id := range planIDs(pl) {
		o.names[id] = p.NameOf(id)
	}
	var b strings.Builder
	if err := pl.Metrics.Table(&b, &pl.Today); err != nil {
		return nil, err
	}
	o.table = b.String()
	return o, nil
}

// requestOf builds the planner's request from the flags, names resolved
// to ids by refs (a name it does not know is passed on as it is, for the
// planner to refuse by name).
func requestOf(cmd *cli.Command, refs *refIndex) (plan.Request, error) {
	strategy := strings.ToUpper(cmd.String("strategy"))
	if cmd.String("grouping") != "" && !cmd.IsSet("strategy") {
		strategy = string(plan.Manual)
	}
	in := plan.Input{Strategy: plan.Strategy(strategy), Seed: int64(cmd.Int("seed")), Pair: cmd.Bool("pair")}
	if in.Strategy == plan.Balanced {
		in.MoveCost = cmd.Float("move-cost")
	} else if cmd.IsSet("move-cost") {
		return plan.Request{}, fmt.Errorf("--move-cost applies to --strategy balanced")
	}
	intp := func(name string) *int {
		if !cmd.IsSet(name) {
			return nil
		}
		v := int(cmd.Int(name))
		return &v
	}
	floatp := func(name string) *float64 {
		if !cmd.IsSet(name) {
			return nil
		}
		v := cmd.Float(name)
		return &v
	}
	in.K, in.Resolution = intp("k"), floatp("resolution")
	c := &in.Constraints
	c.MinSize, c.MaxSize, c.MaxMenteesPerMentor, c.MinTotalStrength = intp("min-size"), intp("max-size"), intp("max-mentees"), floatp("min-strength")
	c.PairWithinAlliance = cmd.Bool("pair-within")
	for _, flag := range []struct {
		name string
		dst  *[][]string
	}{{"together", &c.Together}, {"apart", &c.Apart}} {
		for _, set := range cmd.StringSlice(flag.name) {
			var ids []string
			for _, ref := range strings.Split(set, ",") {
				id, err := refs.unit(strings.TrimSpace(ref), "--"+flag.name)
				if err != nil {
					return plan.Request{}, err
				}
				ids = append(ids, id)
			}
			*flag.dst = append(*flag.dst, ids)
		}
	}
	for _, f := range cmd.StringSlice("fixed") {
		u, a, ok := strings.Cut(f, "=")
		if !ok {
			return plan.Request{}, fmt.Errorf("--fixed %q: want UNIT=ALLIANCE", f)
		}
		uid, err := refs.unit(strings.TrimSpace(u), "--fixed")
		if err != nil {
			return plan.Request{}, err
		}
		aid, err := refs.alliance(strings.TrimSpace(a), "--fixed")
		if err != nil {
			return plan.Request{}, err
		}
		if c.Fixed == nil {
			c.Fixed = map[string]string{}
		}
		c.Fixed[uid] = aid
	}
	for _, f := range cmd.StringSlice("name") {
		u, n, ok := strings.Cut(f, "=")
		if !ok {
			return plan.Request{}, fmt.Errorf("--name %q: want UNIT=NAME", f)
		}
		uid, err := refs.unit(strings.TrimSpace(u), "--name")
		if err != nil {
			return plan.Request{}, err
		}
		in.Names = append(in.Names, plan.Name{Unit: uid, Name: strings.TrimSpace(n)})
	}
	if path := cmd.String("grouping"); path != "" {
		g, err := readGrouping(path, refs)
		if err != nil {
			return plan.Request{}, err
		}
		in.Grouping = g
	}
	return plan.Request{Version: plan.RequestVersion, Input: in}, nil
}
