package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWaitReady: the load waits for /readyz (derived from the GraphQL URL)
// to answer 200, gives up after its bound, and does not wait for a server
// without /readyz.
func TestWaitReady(t *testing.T) {
	tests := []struct {
		name      string
		notReady  int32 // /readyz answers 503 this many times, then 200
		noReadyz  bool
		wait      time.Duration
		wantErr   bool
		wantOut   string
		wantCalls int32
	}{
		{name: "ready at once", wait: time.Second, wantCalls: 1},
		{name: "warming up, then ready", notReady: 3, wait: 5 * time.Second, wantOut: "server ready after", wantCalls: 4},
		{name: "never ready", notReady: 1 << 30, wait: 200 * time.Millisecond, wantErr: true, wantOut: "warming up"},
		{name: "no /readyz", noReadyz: true, wait: time.Second, wantOut: "not waiting", wantCalls: 1},
		{name: "not asked to wait", notReady: 1 << 30, wantCalls: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/readyz" {
					t.Errorf("asked %s, want /readyz", r.URL.Path)
				}
				n := calls.Add(1)
				switch {
				case tt.noReadyz:
					http.NotFound(w, r)
				case n <= tt.notReady:
					w.WriteHeader(http.StatusServiceUnavailable)
					w.Write([]byte(`{"status":"warming up","reason":"warming up"}`))
				default:
					w.Write([]byte(`{"status":"ready"}`))
				}
			}))
			defer srv.Close()
			base, _ := url.Parse(srv.URL + "/graphql?x=1")
			var out strings.Builder
			err := waitReady(context.Background(), srv.Client(), base, tt.wait, 20*time.Millisecond, &out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("waitReady = %v, want error %v\n%s", err, tt.wantErr, out.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q, want %q", out.String(), tt.wantOut)
			}
			if tt.wantCalls > 0 && calls.Load() != tt.wantCalls || tt.wantCalls == 0 && !tt.wantErr && tt.wait == 0 && calls.Load() != 0 {
				t.Errorf("/readyz asked %d times, want %d", calls.Load(), tt.wantCalls)
			}
		})
	}
}
