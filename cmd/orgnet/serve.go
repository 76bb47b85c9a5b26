package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/gql"
)

func serveCmd() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve GraphQL at /graphql and GraphiQL at /graphiql/ (seeds an empty store with the Yuelin network)",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "listen address", Sources: cli.EnvVars("ORGNET_ADDR")},
			&cli.BoolFlag{Name: "seed", Value: true, Usage: "seed the Yuelin network when the store is empty", Sources: cli.EnvVars("ORGNET_SEED")},
			&cli.DurationFlag{Name: "request-timeout", Value: 30 * time.Second, Usage: "deadline for one request", Sources: cli.EnvVars("ORGNET_REQUEST_TIMEOUT")},
			&cli.StringFlag{Name: "body-limit", Value: "2M", Usage: "largest request body", Sources: cli.EnvVars("ORGNET_BODY_LIMIT")},
			&cli.IntFlag{Name: "complexity-limit", Value: gql.DefaultComplexityLimit, Usage: "largest query cost", Sources: cli.EnvVars("ORGNET_COMPLEXITY_LIMIT")},
			&cli.BoolFlag{Name: "no-introspection", Usage: "turn GraphQL introspection off", Sources: cli.EnvVars("ORGNET_NO_INTROSPECTION")},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			start := time.Now()
			store, name, err := openStore(ctx, cmd)
			if err != nil {
				return err
			}
			defer store.Close()
			if cmd.Bool("seed") {
				c, err := store.Counts(ctx)
				if err != nil {
					return fmt.Errorf("count the store: %w", err)
				}
				if c.Nodes == 0 {
					res, err := store.Apply(ctx, seed.Yuelin())
					if err != nil {
						return fmt.Errorf("seed the Yuelin network: %w", err)
					}
					slog.Info("seeded an empty store with the Yuelin network", "nodes", res.NodesCreated, "edges", res.EdgesCreated)
				}
			}
			app := server.New(server.Config{
				Store: store, StoreName: name, Logger: slog.Default(),
				BodyLimit: cmd.String("body-limit"), RequestTimeout: cmd.Duration("request-timeout"),
				GQL: gql.Options{ComplexityLimit: int(cmd.Int("complexity-limit")), DisableIntrospection: cmd.Bool("no-introspection")},
			})
			ln, err := net.Listen("tcp", cmd.String("addr"))
			if err != nil {
				return fmt.Errorf("listen on %s: %w", cmd.String("addr"), err)
			}
			srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			url := "http://" + ln.Addr().String()
			slog.Info("orgnet is serving", "store", name, "graphiql", url+"/graphiql/", "graphql", url+"/graphql", "startup", time.Since(start).Round(time.Millisecond))
			select {
			case err := <-errc:
				if errors.Is(err, http.ErrServerClosed) {
					return nil
				}
				return err
			case <-ctx.Done():
			}
			slog.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		},
	}
}

// seedStore loads the Yuelin network (idempotent: an upsert of the same
// nodes and edges).
func seedStore(ctx context.Context, s graph.Store) (graph.ApplyResult, error) {
	return s.Apply(ctx, seed.Yuelin())
}
