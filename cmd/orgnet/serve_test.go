package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/urfave/cli/v3"

	"github.com/orgnet/orgnet/server/auth"
)

func TestAnonymousRole(t *testing.T) {
	cases := []struct {
		store, addr, flag string
		allow             bool
		want              auth.Role
		err               string
	}{
		{"memory", "127.0.0.1:8080", "", false, auth.RoleEditor, ""},
		{"memory", "localhost:8080", "", false, auth.RoleEditor, ""},
		{"memory", "[::1]:8080", "admin", false, auth.RoleAdmin, ""},
		{"memory", "0.0.0.0:8080", "", false, auth.RoleViewer, ""},       // the image: readers only
		{"memory", "0.0.0.0:8080", "viewer", false, auth.RoleViewer, ""}, // the Dockerfile's ORGNET_ANONYMOUS_ROLE
		{"memory", ":8080", "", false, auth.RoleViewer, ""},
		{"memory", "192.0.2.7:8080", "planner", false, auth.RolePlanner, ""},
		{"memory", "0.0.0.0:8080", "editor", false, auth.RoleEditor, "--allow-anonymous-writes-on-network"},
		{"memory", ":8080", "admin", false, auth.RoleAdmin, "refusing to start"},
		{"neo4j", "192.0.2.7:8080", "EDITOR", false, auth.RoleEditor, "--tokens-file"},
		{"memory", "0.0.0.0:8080", "editor", true, auth.RoleEditor, ""},
		{"neo4j", "0.0.0.0:8080", "", false, auth.RoleNone, ""},
		{"neo4j", "127.0.0.1:8080", "", false, auth.RoleNone, ""},
		{"memory", "127.0.0.1:8080", "root", false, auth.RoleEditor, "unknown role"},
	}
	for _, c := range cases {
		got, err := anonymousRole(c.store, c.addr, c.flag, c.allow)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("anonymousRole(%s, %s, %q, %v) err = %v; want one mentioning %q", c.store, c.addr, c.flag, c.allow, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("anonymousRole(%s, %s, %q, %v) = %v, %v; want %v", c.store, c.addr, c.flag, c.allow, got, err, c.want)
		}
	}
}

// TestServeRefusesAnonymousWritesOnNetwork starts `orgnet serve` with an
// anonymous editor on every interface: it must refuse before it opens (or
// creates) the store, and say what to do instead.
func TestServeRefusesAnonymousWritesOnNetwork(t *testing.T) {
	for _, args := range [][]string{
		{"--addr", "0.0.0.0:0", "--anonymous-role", "editor"},
		{"--addr", ":0", "--anonymous-role", "admin"},
	} {
		dir := filepath.Join(t.TempDir(), "data")
		err := app().Run(context.Background(), append([]string{"orgnet", "serve", "--data-dir", dir}, args...))
		if err == nil {
			t.Fatalf("serve %v started", args)
		}
		for _, want := range []string{"refusing to start", "--allow-anonymous-writes-on-network", "--tokens-file", "127.0.0.1"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("serve %v: %q does not mention %s", args, err, want)
			}
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("serve %v touched the data directory before refusing (%v)", args, err)
		}
	}
}

func TestTokenCommand(t *testing.T) {
	const secret = "a-test-secret-of-at-least-32-characters"
	a := app()
	var out bytes.Buffer
	a.Writer = &out
	if err := a.Run(context.Background(), []string{"orgnet", "token", "--jwt-secret", secret, "--role", "editor", "--subject", "Ada"}); err != nil {
		t.Fatal(err)
	}
	v, err := auth.New(auth.Config{JWTSecret: []byte(secret)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Authenticate("Bearer " + strings.TrimSpace(out.String()))
	if err != nil || p.Name != "Ada" || p.Role != auth.RoleEditor {
		t.Fatalf("the printed token authenticates as %+v, %v; want Ada, editor", p, err)
	}
	if err := app().Run(context.Background(), []string{"orgnet", "token", "--jwt-secret", "short", "--subject", "Ada"}); err == nil {
		t.Error("a token was minted with a short secret")
	}
}

// TestReadmeSecurityFlags: every flag README's Security section names is a
// flag of orgnet serve or orgnet token.
func TestReadmeSecurityFlags(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "## Security\n")
	end := strings.Index(s[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("README has no Security section")
	}
	known := map[string]bool{}
	for _, c := range []func() []string{
		func() []string { return flagNames(serveCmd().Flags) },
		func() []string { return flagNames(tokenCmd().Flags) },
	} {
		for _, n := range c() {
			known[n] = true
		}
	}
	seen := 0
	for _, m := range regexp.MustCompile(`--([a-z][a-z0-9-]+)`).FindAllStringSubmatch(s[start:start+1+end], -1) {
		seen++
		if !known[m[1]] && m[1] != "rm" && m[1] != "no-deps" { // docker compose run --rm --no-deps
			t.Errorf("README's Security section names --%s, which neither orgnet serve nor orgnet token has", m[1])
		}
	}
	if seen < 20 {
		t.Errorf("only %d flags found in README's Security section", seen)
	}
}

func flagNames(fs []cli.Flag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Names()...)
	}
	return out
}
