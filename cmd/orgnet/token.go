package main

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/server/auth"
)

// tokenCmd mints an HS256 JWT that `orgnet serve --jwt-secret` (the same
// secret, issuer and audience) accepts: a way to hand out tokens without an
// identity provider.
func tokenCmd() *cli.Command {
	return &cli.Command{
		Name:      "token",
		Usage:     "print a bearer token (an HS256 JWT) for a server started with the same --jwt-secret",
		ArgsUsage: " ",
		Description: "  export ORGNET_JWT_SECRET=$(openssl rand -hex 32)   # the server's secret, at least 32 characters\n" +
			"  orgnet token --role admin --subject ada               # then: Authorization: Bearer <printed token>",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "jwt-secret", Usage: "the secret the server checks tokens with (at least 32 characters)", Sources: cli.EnvVars("ORGNET_JWT_SECRET"), Required: true},
			&cli.StringFlag{Name: "role", Value: "viewer", Usage: "viewer, planner, editor or admin"},
			&cli.StringFlag{Name: "subject", Usage: "who the token is for (the audit log's actor)", Required: true},
			&cli.DurationFlag{Name: "ttl", Value: 30 * 24 * time.Hour, Usage: "how long the token is valid"},
			&cli.StringFlag{Name: "jwt-issuer", Usage: "iss, when the server checks it", Sources: cli.EnvVars("ORGNET_JWT_ISSUER")},
			&cli.StringFlag{Name: "jwt-audience", Usage: "aud, when the server checks it", Sources: cli.EnvVars("ORGNET_JWT_AUDIENCE")},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			role, err := auth.ParseRole(cmd.String("role"))
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			tok, err := auth.Mint([]byte(cmd.String("jwt-secret")), auth.Token{
				Subject: cmd.String("subject"), Role: role, TTL: cmd.Duration("ttl"),
				Issuer: cmd.String("jwt-issuer"), Audience: cmd.String("jwt-audience"),
			}, time.Now())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.Root().Writer, tok)
			return err
		},
	}
}
