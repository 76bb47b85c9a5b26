package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
)

// storeFlags are the flags every command that opens a store takes.
func storeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "store", Value: "memory", Usage: "memory (embedded, on disk in --data-dir) or neo4j", Sources: cli.EnvVars("ORGNET_STORE")},
		&cli.StringFlag{Name: "data-dir", Value: ".orgnet/data", Usage: "directory of the embedded store", Sources: cli.EnvVars("ORGNET_DATA_DIR")},
		&cli.StringFlag{Name: "neo4j-uri", Value: "bolt://127.0.0.1:7687", Usage: "Neo4j URI: bolt:// for one server, neo4j:// for a routed cluster", Sources: cli.EnvVars("NEO4J_URI")},
		&cli.StringFlag{Name: "neo4j-user", Value: "neo4j", Usage: "Neo4j user", Sources: cli.EnvVars("NEO4J_USER")},
		&cli.StringFlag{Name: "neo4j-password", Value: "orgnet-dev-password", Usage: "Neo4j password", Sources: cli.EnvVars("NEO4J_PASSWORD")},
		&cli.StringFlag{Name: "neo4j-database", Value: "neo4j", Usage: "Neo4j database", Sources: cli.EnvVars("NEO4J_DATABASE")},
		&cli.DurationFlag{Name: "neo4j-tx-timeout", Usage: "longest a transaction may run on Neo4j, sent with every transaction; 0: only the request's deadline (the time it has left) is sent", Sources: cli.EnvVars("ORGNET_NEO4J_TX_TIMEOUT")},
		&cli.IntFlag{Name: "change-retention", Value: graph.DefaultChangeRetention, Usage: "changes the store's change feed keeps (the oldest are dropped as new ones are written): how far back a graphChanged subscriber may resume, and how far a replica may fall behind", Sources: cli.EnvVars("ORGNET_CHANGE_RETENTION")},
		&cli.IntFlag{Name: "neo4j-max-connections", Value: 16, Usage: "most Bolt connections, so transactions at once, to Neo4j (more requests wait for one; the driver default, 100, lets a few-core Neo4j thrash)", Sources: cli.EnvVars("ORGNET_NEO4J_MAX_CONNECTIONS")},
	}
}

// openStore opens the store the flags name.
func openStore(ctx context.Context, cmd *cli.Command) (graph.Store, string, error) {
	switch kind := cmd.String("store"); kind {
	case "memory":
		path := filepath.Join(cmd.String("data-dir"), "orgnet.db")
		if n := cmd.Int("change-retention"); n < 1 {
			return nil, "", fmt.Errorf("--change-retention %d: want 1 or more", n)
		}
		s, err := memory.New(ctx, path)
		if err != nil {
			return nil, "", fmt.Errorf("open embedded store %s: %w", path, err)
		}
		s.SetChangeRetention(int(cmd.Int("change-retention")))
		return s, kind, nil
	case "neo4j":
		if n := cmd.Int("change-retention"); n < 1 {
			return nil, "", fmt.Errorf("--change-retention %d: want 1 or more", n)
		}
		if d := cmd.Duration("neo4j-tx-timeout"); d < 0 {
			return nil, "", fmt.Errorf("--neo4j-tx-timeout %v: want 0 or more", d)
		}
		octx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		s, err := neo4jstore.Open(octx, cmd.String("neo4j-uri"), cmd.String("neo4j-user"), cmd.String("neo4j-password"),
			neo4jstore.Options{Database: cmd.String("neo4j-database"), MaxConnections: int(cmd.Int("neo4j-max-connections")),
				TxTimeout: cmd.Duration("neo4j-tx-timeout"), ChangeRetention: int(cmd.Int("change-retention"))})
		if err != nil {
			return nil, "", fmt.Errorf("open Neo4j at %s: %w", cmd.String("neo4j-uri"), err)
		}
		return s, kind, nil
	default:
		return nil, "", fmt.Errorf("--store %q: want memory or neo4j", kind)
	}
}
