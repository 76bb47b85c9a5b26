package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/pprof"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/analysis"
)

// Metrics is the Prometheus registry of one application: requests and their
// latency by GraphQL operation name, store calls by operation and method,
// store errors by method and code, and the Go runtime and process
// collectors. Each application has its own registry (tests build many).
//
// /metrics and /debug/pprof/ are mounted open: restricting them (to admins)
// is the security layer's job.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	storeCalls *prometheus.CounterVec
	storeErrs  *prometheus.CounterVec
	storeTime  *prometheus.HistogramVec

	mu  sync.Mutex
	ops map[string]bool // operation names seen, bounded by maxOpNames
}

// maxOpNames bounds the label values taken from clients: past it, new
// operation names are counted as "other".
const maxOpNames = 200

// NewMetrics returns a registry with the orgnet metrics.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), ops: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgnet_http_requests_total", Help: "HTTP requests by route, GraphQL operation name and status.",
	}, []string{"route", "operation", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "orgnet_http_request_duration_seconds", Help: "HTTP request latency by route and GraphQL operation name.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "operation"})
	m.storeCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgnet_store_calls_total", Help: "Store calls (round trips for Neo4j) by GraphQL operation and store method.",
	}, []string{"operation", "method"})
	m.storeErrs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "orgnet_store_errors_total", Help: "Store errors by method and error code.",
	}, []string{"method", "code"})
	m.storeTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "orgnet_store_call_duration_seconds", Help: "Store call latency by method.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5},
	}, []string{"method"})
	m.reg.MustRegister(m.requests, m.latency, m.storeCalls, m.storeErrs, m.storeTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the Prometheus registry (to add collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

type opKey struct{}

// operationOf returns the operation name that Middleware put in ctx.
func operationOf(ctx context.Context) string {
	if s, ok := ctx.Value(opKey{}).(string); ok {
		return s
	}
	return "none"
}

var (
	opNameRe = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)
	opDeclRe = regexp.MustCompile(`(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)`)
)

// label bounds a client-given operation name to a safe label value.
func (m *Metrics) label(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !opNameRe.MatchString(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.ops[name] {
		if len(m.ops) >= maxOpNames {
			return "other"
		}
		m.ops[name] = true
	}
	return name
}

// graphqlOperation reads the operation name of a GraphQL request without
// consuming its body: operationName, else the first named operation of the
// document; "batch" for a JSON array.
func graphqlOperation(r *http.Request) (string, error) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if n := q.Get("operationName"); n != "" {
			return n, nil
		}
		return firstOperation(q.Get("query")), nil
	}
	if r.Body == nil {
		return "", nil
	}
	data, err := io.ReadAll(r.Body)
	// Put back what was read; a read error (e.g. the body limit) is met again
	// by the handler, which answers it.
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(data), r.Body), r.Body}
	if err != nil {
		return "", err
	}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		return "batch", nil
	}
	var req struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if json.Unmarshal(data, &req) != nil {
		return "", nil
	}
	if req.OperationName != "" {
		return req.OperationName, nil
	}
	return firstOperation(req.Query), nil
}

func firstOperation(doc string) string {
	if len(doc) > 4096 {
		doc = doc[:4096]
	}
	if m := opDeclRe.FindStringSubmatch(doc); m != nil {
		return m[1]
	}
	return ""
}

// Middleware counts and times every request, by route and (for /graphql)
// operation name, and puts the operation name in the request context for
// the store decorator.
func (m *Metrics) Middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			op := "none"
			if route == "/graphql" && !c.IsWebSocket() {
				name, _ := graphqlOperation(c.Request())
				op = m.label(name)
			}
			req := c.Request()
			c.SetRequest(req.WithContext(context.WithValue(req.Context(), opKey{}, op)))
			err := next(c)
			status := c.Response().Status
			if err != nil {
				var he *echo.HTTPError
				if ok := asHTTPError(err, &he); ok {
					status = he.Code
				} else if !c.Response().Committed {
					status = http.StatusInternalServerError
				}
			}
			m.requests.WithLabelValues(route, op, strconv.Itoa(status)).Inc()
			m.latency.WithLabelValues(route, op).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

func asHTTPError(err error, he **echo.HTTPError) bool {
	h, ok := err.(*echo.HTTPError)
	if ok {
		*he = h
	}
	return ok
}

// mount adds the middleware, /metrics and /debug/pprof/ to e.
func (m *Metrics) mount(e *echo.Echo) {
	e.Use(m.Middleware())
	e.GET("/metrics", echo.WrapHandler(m.Handler()))
	e.GET("/debug/pprof/", echo.WrapHandler(http.HandlerFunc(pprof.Index)))
	e.GET("/debug/pprof/cmdline", echo.WrapHandler(http.HandlerFunc(pprof.Cmdline)))
	e.GET("/debug/pprof/profile", echo.WrapHandler(http.HandlerFunc(pprof.Profile)))
	e.GET("/debug/pprof/symbol", echo.WrapHandler(http.HandlerFunc(pprof.Symbol)))
	e.GET("/debug/pprof/trace", echo.WrapHandler(http.HandlerFunc(pprof.Trace)))
	e.GET("/debug/pprof/:name", func(c echo.Context) error {
		pprof.Handler(c.Param("name")).ServeHTTP(c.Response(), c.Request())
		return nil
	})
}

// observe mounts a new Metrics on e and returns the observer that counts
// store calls. It is the one hook New calls for metrics.
// analysis counts what the analysis cache c did: full loads of the graph,
// patches instead of loads, and the size of the graph it keeps.
func (m *Metrics) analysis(c *analysis.Cache) {
	count := func(f func(analysis.CacheCounters) int64) func() float64 {
		return func() float64 { return float64(f(c.Counters())) }
	}
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "orgnet_analysis_loads_total", Help: "Whole-graph loads for centrality and communities.",
		}, count(func(k analysis.CacheCounters) int64 { return k.Loads })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "orgnet_analysis_patches_total", Help: "Changes applied to the kept analysis graph by re-reading what they touched, instead of a load.",
		}, count(func(k analysis.CacheCounters) int64 { return k.Patches })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "orgnet_analysis_graph_nodes", Help: "Nodes of the graph last loaded or patched for analysis (0 before the first).",
		}, func() float64 { n, _, _ := c.Size(); return float64(n) }),
	)
}

// observe returns new Metrics mounted on e (/metrics, /debug/pprof/).
func observe(e *echo.Echo) *Metrics {
	m := NewMetrics()
	m.mount(e)
	return m
}

// StoreObserver returns the graph.Observer that counts every store call (by
// the GraphQL operation in its context and the method), times it, and
// counts its errors by code.
func (m *Metrics) StoreObserver() graph.Observer {
	return func(ctx context.Context, c graph.Call) (context.Context, func(error)) {
		start := time.Now()
		return ctx, func(err error) {
			m.storeCalls.WithLabelValues(operationOf(ctx), c.Method).Inc()
			m.storeTime.WithLabelValues(c.Method).Observe(time.Since(start).Seconds())
			if err != nil {
				m.storeErrs.WithLabelValues(c.Method, string(graph.ErrorCode(err))).Inc()
			}
		}
	}
}
