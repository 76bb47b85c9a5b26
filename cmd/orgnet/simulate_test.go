package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph/memory"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
)

// run runs orgnet with args and returns what it printed.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	a := app()
	a.Writer = &out
	err := a.Run(context.Background(), append([]string{"orgnet"}, args...))
	return out.String(), err
}

func seededDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := run(t, "seed", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSimulateByName: the defaults (today's four alliances), names in the
// output, constraints by name, a grouping file in CSV and the plan --out
// wrote read back as one, and refusals that name the flag's value.
func TestSimulateByName(t *testing.T) {
	dir := seededDir(t)
	out, err := run(t, "simulate", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"BALANCED plan (seed 1; k 4, minSize 2): 4 alliances", "舒家区域党建联合体 (alliance:shujia; continues today's; lead 舒前村)",
		"Moves · 调整", "Pairings · 结对: 5 kept, 0 added, 0 ended", "Unevenness of strength", "实力不均衡度"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain simulate lacks %q:\n%s", want, out)
		}
	}

	plan := filepath.Join(dir, "plan.json")
	out, err = run(t, "simulate", "--data-dir", dir, "--together", "圣墩村,东郊村", "--apart", "舒前村,org:shuhou-village",
		"--fixed", "横山村=横山区域党建联合体", "--pair", "--name", "东郊村=东郊片区", "--out", plan)
	if err != nil {
		t.Fatal(err)
	}
	var pl struct {
		Alliances []struct {
			Name    string   `json:"name"`
			Members []string `json:"members"`
		} `json:"alliances"`
	}
	b, _ := os.ReadFile(plan)
	if err := json.Unmarshal(b, &pl); err != nil {
		t.Fatal(err)
	}
	for _, a := range pl.Alliances {
		has := func(id string) bool { return strings.Contains(strings.Join(a.Members, " "), id) }
		if has("org:shengdun-village") != has("org:dongjiao-village") || has("org:shuqian-village") && has("org:shuhou-village") {
			t.Errorf("constraints by name not met: %+v", a)
		}
		if has("org:dongjiao-village") && a.Name != "东郊片区" {
			t.Errorf("--name: the alliance of 东郊村 is %q", a.Name)
		}
	}
	if !strings.Contains(out, "圣墩村 (org:shengdun-village): 舒家区域党建联合体 → 东郊片区") || !strings.Contains(out, " added, ") {
		t.Errorf("simulate with constraints:\n%s", out)
	}

	// The plan --out wrote, read back as a grouping to evaluate (MANUAL).
	out, err = run(t, "simulate", "--data-dir", dir, "--grouping", plan)
	if err != nil || !strings.Contains(out, "MANUAL plan") || !strings.Contains(out, "东郊区域党建联合体") {
		t.Errorf("--grouping plan.json: %v\n%s", err, out)
	}
	csvFile := filepath.Join(dir, "grouping.csv")
	var rows []string
	rows = append(rows, "单位,联合体")
	for _, a := range [][]string{
		{"舒家区域党建联合体", "舒前村", "舒后村", "圣墩村", "金钟社区"},
		{"东郊区域党建联合体", "东郊村", "新鲍村", "周家村", "塘湾村", "迎恩社区"},
		{"横山区域党建联合体", "横山村", "山前村", "徐家村", "新社区"},
		{"三横区域党建联合体", "三横村", "毛家村", "王家村", "东苑社区"},
	} {
		for _, u := range a[1:] {
			rows = append(rows, u+","+a[0])
		}
	}
	if err := os.WriteFile(csvFile, []byte("\ufeff"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "simulate", "--data-dir", dir, "--grouping", csvFile)
	if err != nil || !strings.Contains(out, "MANUAL plan (seed 1; minSize 2): 4 alliances, 5 pairings, 0 units moved") {
		t.Errorf("--grouping today's as CSV: %v\n%s", err, out)
	}

	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--max-mentees", "0", "--pair"}, "constraints.maxMenteesPerMentor must be ≥ 1"},
		{[]string{"--min-size", "0"}, "constraints.minSize must be ≥ 1, got 0"},
		{[]string{"--fixed", "圣墩村=无名联合体"}, `"无名联合体"`},
		{[]string{"--together", "圣墩村,岳林街道党工委"}, "岳林街道党工委"},
		{[]string{"--k", "4", "--max-size", "2"}, "maxSize"},
		{[]string{"--within", "圣墩村"}, "is a unit itself"},
	} {
		if _, err := run(t, append([]string{"simulate", "--data-dir", dir}, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("simulate %v = %v; want an error saying %q", tc.args, err, tc.says)
		}
	}
}

// TestSimulateThroughServer: while a process holds the embedded store,
// simulate says so and points at --url; through the server's API it
// prints what it prints on the store; a server that wants a token says so.
func TestSimulateThroughServer(t *testing.T) {
	dir := seededDir(t)
	args := []string{"--together", "圣墩村,东郊村", "--pair", "--within", "岳林街道党工委"}
	local, err := run(t, append([]string{"simulate", "--data-dir", dir}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := memory.New(context.Background(), filepath.Join(dir, "orgnet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := run(t, "simulate", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "in use by another process") ||
		!strings.Contains(err.Error(), "orgnet serve") || !strings.Contains(err.Error(), "--url") {
		t.Errorf("simulate on a held store = %v; want it to name the server and --url", err)
	}
	srv := httptest.NewServer(server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler),
		Security: server.Security{Auth: auth.Anonymous(auth.RolePlanner)}}))
	defer srv.Close()
	remote, err := run(t, append([]string{"simulate", "--url", srv.URL}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	if remote != local {
		t.Errorf("through the server:\n%s\non the store:\n%s", remote, local)
	}
	if _, err := run(t, "simulate", "--url", srv.URL, "--max-size", "-1"); err == nil || !strings.Contains(err.Error(), "constraints.maxSize") {
		t.Errorf("refusal through the server = %v", err)
	}
	locked := httptest.NewServer(server.New(server.Config{Store: s, StoreName: "memory", Logger: slog.New(slog.DiscardHandler),
		Security: server.Security{Auth: auth.Anonymous(auth.RoleNone)}}))
	defer locked.Close()
	if _, err := run(t, "simulate", "--url", locked.URL); err == nil || !strings.Contains(err.Error(), "--token") {
		t.Errorf("simulate through a server that wants a token = %v", err)
	}
}
