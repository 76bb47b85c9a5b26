// Command orgnet serves an organisation relationship network over GraphQL.
//
//	orgnet serve                 # embedded store in .orgnet/data, seeded with Yuelin on first start
//	orgnet serve --store neo4j   # Neo4j at $NEO4J_URI
//	orgnet seed | export | token | version
//	orgnet neo4j start|stop|status   # a local Neo4j 5.26 without Docker
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v3"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app().Run(ctx, os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "orgnet:", err)
		os.Exit(1)
	}
}

func app() *cli.Command {
	return &cli.Command{
		Name:    "orgnet",
		Usage:   "an organisation relationship network over GraphQL (Neo4j or embedded)",
		Version: version,
		Description: "orgnet keeps an organisation network (first: the 大党建 network of Yuelin subdistrict)\n" +
			"as nodes and edges and answers relationship questions over GraphQL.\n" +
			"Every flag can also be set by the environment variable named in its help.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error", Sources: cli.EnvVars("ORGNET_LOG_LEVEL")},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "text or json", Sources: cli.EnvVars("ORGNET_LOG_FORMAT")},
		},
		Before: func(ctx context.Context, cmd *cli.Command) (context.Context, error) {
			return ctx, setupLogging(cmd.String("log-level"), cmd.String("log-format"))
		},
		Commands: []*cli.Command{serveCmd(), seedCmd(), importCmd(), exportCmd(), simulateCmd(), neo4jCmd(), healthcheckCmd(), tokenCmd(), versionCmd()},
	}
}

func setupLogging(level, format string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("--log-level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: l}
	var h slog.Handler
	switch format {
	case "text":
		h = slog.NewTextHandler(os.Stderr, opts)
	case "json":
		h = slog.NewJSONHandler(os.Stderr, opts)
	default:
		return fmt.Errorf("--log-format %q: want text or json", format)
	}
	slog.SetDefault(slog.New(h))
	return nil
}

func versionCmd() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version",
		Action: func(ctx context.Context, cmd *cli.Command) error {
			fmt.Println("orgnet", version)
			return nil
		},
	}
}
