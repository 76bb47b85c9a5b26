package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOrgnet answers the load's GraphQL writes against an in-memory set of
// organisations. Every fifth create commits and then answers too late for the
// client (a timeout whose write happened anyway); reads answer at once.
type fakeOrgnet struct {
	mu      sync.Mutex
	orgs    map[string]bool
	creates int
	maxOrgs int
}

func (f *fakeOrgnet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	id, _ := req.Variables["id"].(string)
	switch {
	case strings.Contains(req.Query, "createOrganisation"):
		f.mu.Lock()
		f.orgs[id] = true
		f.creates++
		late := f.creates%5 == 0
		f.maxOrgs = max(f.maxOrgs, len(f.orgs))
		f.mu.Unlock()
		if late {
			time.Sleep(300 * time.Millisecond)
		}
		io.WriteString(w, `{"data":{"createOrganisation":{"id":"`+id+`"}}}`)
	case strings.Contains(req.Query, "deleteOrganisation"):
		f.mu.Lock()
		ok := f.orgs[id]
		delete(f.orgs, id)
		f.mu.Unlock()
		if !ok {
			io.WriteString(w, `{"errors":[{"message":"no such organisation","extensions":{"code":"NOT_FOUND"}}],"data":null}`)
			return
		}
		io.WriteString(w, `{"data":{"deleteOrganisation":{"deletedIds":["`+id+`"]}}}`)
	default:
		io.WriteString(w, `{"data":{}}`)
	}
}

func TestRunLeavesNothingBehind(t *testing.T) {
	for _, tc := range []struct {
		name   string
		warmup time.Duration
	}{
		{"no warm-up", 0},
		{"warm-up", 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeOrgnet{orgs: map[string]bool{}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			var out strings.Builder
			err := run(config{url: srv.URL + "/graphql", rate: 200, duration: time.Second, writeRatio: 1,
				timeout: 100 * time.Millisecond, maxInFlight: 100, pool: 4, warmup: tc.warmup}, &out)
			// The late creates are client timeouts: run reports them.
			if err == nil || !strings.Contains(out.String(), "create: timeout") {
				t.Fatalf("want the late creates reported as timeouts, got err %v and\n%s", err, out.String())
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.creates < 20 {
				t.Fatalf("only %d creates sent:\n%s", f.creates, out.String())
			}
			if len(f.orgs) != 0 {
				t.Errorf("%d organisations left behind (timed-out creates not cleaned up):\n%s", len(f.orgs), out.String())
			}
			// The run keeps at most pool acknowledged organisations, plus
			// the unacknowledged ones (each fifth create) until cleanup.
			if limit := 4 + f.creates/5 + 2; f.maxOrgs > limit {
				t.Errorf("store grew to %d organisations, want at most %d", f.maxOrgs, limit)
			}
			if tc.warmup > 0 && !strings.Contains(out.String(), "warm-up: ramped 0 → 200 req/s") {
				t.Errorf("no warm-up line:\n%s", out.String())
			}
		})
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    config
	}{
		{"remote host", config{url: "http://example.com/graphql", rate: 1, duration: time.Second}},
		{"zero rate", config{url: "http://127.0.0.1:1/graphql", rate: 0, duration: time.Second}},
		{"long warm-up", config{url: "http://127.0.0.1:1/graphql", rate: 1, duration: time.Second, warmup: time.Hour}},
		{"write ratio", config{url: "http://127.0.0.1:1/graphql", rate: 1, duration: time.Second, writeRatio: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := run(tc.c, io.Discard); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}
