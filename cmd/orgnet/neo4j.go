package main

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/localneo4j"
)

func neo4jCmd() *cli.Command {
	flags := []cli.Flag{
		&cli.IntFlag{Name: "port", Value: localneo4j.DefaultBoltPort, Usage: "Bolt port on 127.0.0.1", Sources: cli.EnvVars("ORGNET_NEO4J_PORT")},
		&cli.StringFlag{Name: "dir", Value: ".orgnet/neo4j/data", Usage: "Neo4j data directory", Sources: cli.EnvVars("ORGNET_NEO4J_DIR")},
		&cli.StringFlag{Name: "cache-dir", Usage: "where the Maven downloads are cached (default $ORGNET_CACHE or ~/.cache/orgnet)", Sources: cli.EnvVars("ORGNET_CACHE")},
		&cli.StringFlag{Name: "user", Value: "neo4j", Usage: "Neo4j user", Sources: cli.EnvVars("NEO4J_USER")},
		&cli.StringFlag{Name: "password", Value: "orgnet-dev-password", Usage: "Neo4j password (8 characters or more)", Sources: cli.EnvVars("NEO4J_PASSWORD")},
		&cli.IntFlag{Name: "heap-mb", Value: 1024, Usage: "JVM heap in MiB", Sources: cli.EnvVars("ORGNET_NEO4J_HEAP_MB")},
		&cli.IntFlag{Name: "lucene-merge-factor", Value: 10, Usage: "Lucene merge factor of the TEXT and FULLTEXT indexes (Neo4j's default 2 merges after nearly every write)", Sources: cli.EnvVars("ORGNET_NEO4J_LUCENE_MERGE_FACTOR")},
	}
	cfg := func(cmd *cli.Command) localneo4j.Config {
		return localneo4j.Config{
			BoltPort: int(cmd.Int("port")), DataDir: cmd.String("dir"), CacheDir: cmd.String("cache-dir"),
			User: cmd.String("user"), Password: cmd.String("password"), HeapMB: int(cmd.Int("heap-mb")), LuceneMergeFactor: int(cmd.Int("lucene-merge-factor")), Log: os.Stderr,
		}
	}
	return &cli.Command{
		Name:  "neo4j",
		Usage: "run a local Neo4j 5.26 Community (from Maven Central, no Docker) for development and tests",
		Commands: []*cli.Command{
			{
				Name:  "start",
				Usage: "download (first run only) and start Neo4j in the background; waits until Bolt answers",
				Flags: flags,
				Action: func(ctx context.Context, cmd *cli.Command) error {
					s, err := localneo4j.Start(ctx, cfg(cmd))
					if err != nil {
						return err
					}
					fmt.Printf("NEO4J_URI=%s\nNEO4J_USER=%s\nNEO4J_PASSWORD=%s\n", s.URI(), s.User(), s.Password())
					return nil
				},
			},
			neo4jImportCmd(flags, cfg),
			{
				Name:  "stop",
				Usage: "stop the Neo4j started for --dir",
				Flags: flags,
				Action: func(ctx context.Context, cmd *cli.Command) error {
					return localneo4j.Stop(ctx, cfg(cmd))
				},
			},
			{
				Name:  "status",
				Usage: "say whether Neo4j runs for --dir and answers",
				Flags: flags,
				Action: func(ctx context.Context, cmd *cli.Command) error {
					st, err := localneo4j.Status(ctx, cfg(cmd))
					if err != nil {
						return err
					}
					fmt.Printf("running=%t answering=%t pid=%d uri=%s dir=%s log=%s\n", st.Running, st.Answering, st.PID, st.URI, st.DataDir, st.LogFile)
					if st.Detail != "" {
						fmt.Println(st.Detail)
					}
					if !st.Running {
						return cli.Exit("", 3)
					}
					return nil
				},
			},
		},
	}
}
