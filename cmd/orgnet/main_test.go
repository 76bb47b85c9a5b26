package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestSeedAndSimulate runs the README's planner CLI example.
func TestSeedAndSimulate(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	run := func(args ...string) {
		t.Helper()
		if err := app().Run(ctx, append([]string{"orgnet"}, args...)); err != nil {
			t.Fatalf("orgnet %v: %v", args, err)
		}
	}
	run("seed", "--data-dir", dir)
	run("seed", "--data-dir", dir) // idempotent
	out := filepath.Join(dir, "plan.json")
	run("simulate", "--data-dir", dir, "--strategy", "balanced", "--k", "4", "--pair", "--out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var pl struct {
		Alliances []struct {
			Members []string `json:"members"`
		} `json:"alliances"`
	}
	if err := json.Unmarshal(b, &pl); err != nil || len(pl.Alliances) != 4 {
		t.Fatalf("plan.json: %v, %d alliances", err, len(pl.Alliances))
	}
	if err := app().Run(ctx, []string{"orgnet", "simulate", "--data-dir", dir, "--strategy", "balanced", "--k", "4", "--max-size", "2"}); err == nil {
		t.Error("an infeasible simulation succeeded")
	}
}
