package main

import (
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/urfave/cli/v3"
)

type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   map[string]any    `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// envKeys returns the environment variables a command's flags read.
func envKeys(cmd *cli.Command) []string {
	var keys []string
	for _, f := range cmd.Flags {
		switch x := f.(type) {
		case *cli.StringFlag:
			keys = append(keys, x.Sources.EnvKeys()...)
		case *cli.BoolFlag:
			keys = append(keys, x.Sources.EnvKeys()...)
		case *cli.IntFlag:
			keys = append(keys, x.Sources.EnvKeys()...)
		case *cli.DurationFlag:
			keys = append(keys, x.Sources.EnvKeys()...)
		case *cli.FloatFlag:
			keys = append(keys, x.Sources.EnvKeys()...)
		case *cli.StringSliceFlag:
			keys = append(keys, x.Sources.EnvKeys()...)
		}
	}
	return keys
}

// TestDockerCompose checks docker-compose.yml against the flags orgnet reads:
// Docker cannot run here, so the file is checked by parsing.
func TestDockerCompose(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse docker-compose.yml: %v", err)
	}
	neo, ok := c.Services["neo4j"]
	if !ok || !strings.HasPrefix(neo.Image, "neo4j:5.26") {
		t.Fatalf("neo4j service = %+v; want image neo4j:5.26…", neo)
	}
	if len(neo.Volumes) == 0 || len(neo.Healthcheck.Test) == 0 {
		t.Errorf("neo4j service needs a named volume and a health check: %+v", neo)
	}
	// Neo4j published on every interface would let anyone who reaches the
	// host read and write the database past every orgnet check.
	for _, p := range neo.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("neo4j publishes %q; want nothing, or loopback only (127.0.0.1:HOST:CONTAINER)", p)
		}
	}
	// No default password: compose must refuse to start without one the
	// operator chose (${VAR:?message}).
	if a := neo.Environment["NEO4J_AUTH"]; !strings.HasPrefix(a, "neo4j/${NEO4J_PASSWORD:?") {
		t.Errorf("NEO4J_AUTH = %q; want neo4j/${NEO4J_PASSWORD:?…} (required, no default)", a)
	}
	for _, v := range neo.Volumes {
		name := strings.SplitN(v, ":", 2)[0]
		if _, ok := c.Volumes[name]; !ok {
			t.Errorf("volume %q is not declared as a named volume", name)
		}
	}
	o, ok := c.Services["orgnet"]
	if !ok || o.Build == nil {
		t.Fatal("no orgnet service built from the Dockerfile")
	}
	if _, ok := o.DependsOn["neo4j"]; !ok {
		t.Error("orgnet does not depend on neo4j")
	}
	known := envKeys(serveCmd())
	for k := range o.Environment {
		if !slices.Contains(known, k) {
			t.Errorf("orgnet env %s is not read by `orgnet serve` (it reads %v)", k, known)
		}
	}
	for _, k := range []string{"ORGNET_STORE", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "ORGNET_ADDR"} {
		if o.Environment[k] == "" {
			t.Errorf("orgnet env lacks %s", k)
		}
	}
	if o.Environment["ORGNET_STORE"] != "neo4j" {
		t.Errorf("ORGNET_STORE = %q; want neo4j", o.Environment["ORGNET_STORE"])
	}
	u, err := url.Parse(o.Environment["NEO4J_URI"])
	if err != nil || u.Hostname() != "neo4j" || u.Port() != "7687" {
		t.Errorf("NEO4J_URI = %q; want the neo4j service's Bolt port", o.Environment["NEO4J_URI"])
	}
	_, port, err := net.SplitHostPort(o.Environment["ORGNET_ADDR"])
	if err != nil || !slices.Contains(o.Ports, port+":"+port) {
		t.Errorf("ORGNET_ADDR %q is not published in ports %v", o.Environment["ORGNET_ADDR"], o.Ports)
	}
	for _, k := range []string{"NEO4J_PASSWORD", "ORGNET_JWT_SECRET"} {
		if v := o.Environment[k]; !strings.HasPrefix(v, "${"+k+":?") {
			t.Errorf("orgnet env %s = %q; want ${%s:?…} (required, no default)", k, v, k)
		}
	}
	if strings.Contains(string(b), "orgnet-dev-password") {
		t.Error("docker-compose.yml still carries a default password")
	}
	// Anonymous callers: none (tokens are minted with `orgnet token`, which
	// the file's header shows).
	if r := o.Environment["ORGNET_ANONYMOUS_ROLE"]; r != "none" {
		t.Errorf("ORGNET_ANONYMOUS_ROLE = %q; want none", r)
	}
	if !strings.Contains(string(b), "orgnet token --role admin") {
		t.Error("docker-compose.yml does not show how to mint a token")
	}
	if len(o.Healthcheck.Test) < 2 || o.Healthcheck.Test[1] != "/orgnet" || o.Healthcheck.Test[2] != "healthcheck" {
		t.Errorf("orgnet health check = %v; want /orgnet healthcheck", o.Healthcheck.Test)
	}
	d, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"AS build", "CGO_ENABLED=0", "USER 65532", "nonroot", "ORGNET_ANONYMOUS_ROLE=viewer"} {
		if !strings.Contains(string(d), want) {
			t.Errorf("Dockerfile lacks %q (multi-stage, static, non-root, anonymous viewer)", want)
		}
	}
}
