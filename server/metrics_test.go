package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server/gql"
)

// metricsApp is an echo app with observe mounted (as server.New does once
// its one line is in) and /graphql over the counted store.
func metricsApp(t *testing.T) *echo.Echo {
	t.Helper()
	s := testenv.Memory(t)
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	store := graph.Observe(s, observe(e).StoreObserver())
	gh := gql.NewHandler(&gql.Resolver{Store: store, StoreName: "memory", Broker: gql.NewBroker()}, gql.Options{})
	e.Any("/graphql", echo.WrapHandler(gh))
	return e
}

func metricsGet(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func metricsPost(t *testing.T, h http.Handler, body string) map[string]any {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("not JSON (%d): %s", rec.Code, rec.Body.String())
	}
	return out
}

// TestMetrics: after a named query, /metrics shows its request count,
// latency, the store calls it made and the store errors by code, and the Go
// runtime metrics; pprof answers.
func TestMetrics(t *testing.T) {
	h := metricsApp(t)
	q, _ := json.Marshal(map[string]any{"query": `query MakerspaceChain { organisation(id: "org:shanqiuhui-makerspace-party-branch") { name ancestors { id } } }`})
	if r := metricsPost(t, h, string(q)); r["errors"] != nil {
		t.Fatalf("query failed: %v", r["errors"])
	}
	metricsPost(t, h, `{"query":"query Missing { organisation(id: \"org:nope\") { id } }"}`)
	metricsPost(t, h, `{"query":"{ organisations(first: 1) { totalCount } }"}`)
	code, body := metricsGet(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, re := range []string{
		`orgnet_http_requests_total\{operation="MakerspaceChain",route="/graphql",status="200"\} 1\b`,
		`orgnet_http_requests_total\{operation="anonymous",route="/graphql",status="200"\} 1\b`,
		`orgnet_http_request_duration_seconds_count\{operation="MakerspaceChain",route="/graphql"\} 1\b`,
		`orgnet_store_calls_total\{method="[A-Za-z]+",operation="MakerspaceChain"\} [1-9]`,
		`orgnet_store_call_duration_seconds_count\{method="[A-Za-z]+"\} [1-9]`,
		`orgnet_store_errors_total\{code="not_found",method="[A-Za-z]+"\} [1-9]`,
		`go_goroutines \d+`,
		`go_memstats_heap_alloc_bytes \d`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("/metrics lacks %s", re)
		}
	}
	if code, _ := metricsGet(t, h, "/debug/pprof/"); code != http.StatusOK {
		t.Errorf("/debug/pprof/: %d", code)
	}
	if code, body := metricsGet(t, h, "/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("/debug/pprof/goroutine: %d", code)
	}
}

// TestMetricsLabelsBounded: client-chosen operation names cannot inject
// into /metrics or blow up the label set.
func TestMetricsLabelsBounded(t *testing.T) {
	h := metricsApp(t)
	metricsPost(t, h, `{"query":"{ __typename }","operationName":"x\"} 1\n# injected"}`)
	for i := range maxOpNames + 10 {
		metricsPost(t, h, `{"query":"query Op`+strings.Repeat("a", i%50)+string(rune('a'+i%26))+`X`+strings.Repeat("b", i/26)+` { __typename }"}`)
	}
	_, m := metricsGet(t, h, "/metrics")
	if strings.Contains(m, "# injected") {
		t.Errorf("operation name leaked into /metrics unescaped")
	}
	if !strings.Contains(m, `operation="other"`) {
		t.Errorf("odd or surplus operation names not counted as other")
	}
	if n := strings.Count(m, "orgnet_http_requests_total{"); n > maxOpNames+2 {
		t.Errorf("%d request series; want at most %d", n, maxOpNames+2)
	}
}
