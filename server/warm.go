package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/examples"
)

// A freshly started Neo4j JVM cannot take full load from its first second:
// it plans every statement in interpreted code and compiles its hot paths
// in the first minute (docs/reliability.md §4). WarmUp has orgnet warm its
// store up itself before /readyz turns ready: a fixed set of read-only
// GraphQL documents (the GraphiQL examples, which are also what
// cmd/loadtest reads, and documents on ids found in the store) run through
// the app's own GraphQL handler, in-process, as a viewer, by a few workers
// for several rounds, until the time budget runs out or the rounds' median
// latency has stabilised (two rounds in a row within 10 % of the one
// before). Meanwhile /healthz is ok, /graphql serves as
// usual, and /readyz answers 503 {"status":"warming up","reason":"warming up"}.

// WarmUpOptions configure a warm-up.
type WarmUpOptions struct {
	// Budget bounds the whole warm-up; 0 turns it off (ready at once).
	Budget time.Duration
	// Workers run the documents at once (default 4).
	Workers int
	// MinRounds and MaxRounds bound the rounds (defaults 3 and 50).
	MinRounds, MaxRounds int
	// Tolerance is the relative change of a round's median latency from the
	// round before under which it counts as stable (default 0.1); a change
	// under a millisecond always does.
	Tolerance float64
	// ColdMin is how long a cold server warms up at least: one whose first
	// round's median was ColdFactor (default 2) or more times the latest
	// round's, and at least coldGap slower. A JVM that has just started (Neo4j) settles for a few rounds
	// while its JIT compiler is still at work: on the 2-core VM, stopping
	// when the medians first settled (7.5 s) left a 200 req/s load with a
	// p99 of 2.2 s and a timeout, where 45 s held it (docs/reliability.md
	// §9). A server that was warm already (orgnet restarted against a
	// running Neo4j) is never held. 0 means no minimum.
	ColdMin    time.Duration
	ColdFactor float64
	// RequestTimeout bounds one document (default 10 s).
	RequestTimeout time.Duration
	// Store, when set, warms the store itself (the Neo4j write statements):
	// run before the first round and once a round. Its errors are logged.
	Store func(ctx context.Context) error
	// Logger (default slog.Default()).
	Logger *slog.Logger
	// AfterRound, when set, is called after each round (tests).
	AfterRound func(round int, p50 time.Duration)
}

// WarmUpReport says what a warm-up did.
type WarmUpReport struct {
	Rounds    int
	P50       time.Duration // the last complete round's median latency
	Documents int           // documents that answered without errors
	Skipped   int           // documents dropped because they errored
	Took      time.Duration
	// Stop is why it stopped: "stable", "budget", "rounds", "no documents",
	// "canceled" or "off".
	Stop string
}

// WarmUp is a warm-up attached to an app (Config.WarmUp): until Run has
// returned, /readyz answers 503. Create it with NewWarmUp, pass it to New,
// then call Run once.
type WarmUp struct {
	opts    WarmUpOptions
	handler http.Handler // the GraphQL handler, set by New
	done    atomic.Bool
	rounds  atomic.Int64 // complete rounds so far
}

// NewWarmUp returns a warm-up that has not run yet: an app it is attached
// to is not ready until Run returns.
func NewWarmUp(o WarmUpOptions) *WarmUp {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MinRounds <= 0 {
		o.MinRounds = 3
	}
	if o.MaxRounds <= 0 {
		o.MaxRounds = 50
	}
	o.MinRounds = min(o.MinRounds, o.MaxRounds)
	if o.Tolerance <= 0 {
		o.Tolerance = 0.1
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 10 * time.Second
	}
	if o.ColdFactor <= 0 {
		o.ColdFactor = 2
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &WarmUp{opts: o}
}

// Warming reports whether the warm-up has not finished yet (nil: never).
func (w *WarmUp) Warming() bool { return w != nil && !w.done.Load() }

// attach gives the warm-up the app's GraphQL handler; its requests run as
// a viewer named "warm-up".
func (w *WarmUp) attach(gql http.Handler) {
	viewer := auth.Principal{Name: "warm-up", Role: auth.RoleViewer}
	w.handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		gql.ServeHTTP(rw, r.WithContext(auth.WithPrincipal(r.Context(), viewer)))
	})
}

// warmDoc is one read-only document with its variables.
type warmDoc struct {
	name  string
	query string
	vars  map[string]any
}

// Run warms up, logs when it starts and ends, and marks the app ready when
// it returns, whatever happened (a failed warm-up only leaves the store
// colder). It returns early when ctx ends.
func (w *WarmUp) Run(ctx context.Context) WarmUpReport {
	defer w.done.Store(true)
	log := w.opts.Logger
	if w.opts.Budget <= 0 || w.handler == nil {
		return WarmUpReport{Stop: "off"}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, w.opts.Budget)
	defer cancel()
	docs := w.documents(ctx)
	log.Info("warm-up started", "budget", w.opts.Budget, "documents", len(docs), "workers", w.opts.Workers, "store", w.opts.Store != nil)
	rep := w.runRounds(ctx, docs)
	rep.Took = time.Since(start)
	log.Info("warm-up finished", "rounds", rep.Rounds, "p50", rep.P50.Round(10*time.Microsecond), "documents", rep.Documents,
		"skipped", rep.Skipped, "stop", rep.Stop, "took", rep.Took.Round(time.Millisecond))
	return rep
}

func (w *WarmUp) runRounds(ctx context.Context, docs []warmDoc) WarmUpReport {
	var rep WarmUpReport
	w.warmStore(ctx)
	failed := map[string]bool{}
	var prev, first time.Duration
	begun := time.Now()
	calm := 0 // rounds in a row whose median was stable
	for round := 1; ; round++ {
		if ctx.Err() != nil {
			rep.Stop = stopReason(ctx)
			break
		}
		if round > w.opts.MaxRounds {
			rep.Stop = "rounds"
			break
		}
		docs = slices.DeleteFunc(docs, func(d warmDoc) bool { return failed[d.name] })
		if len(docs) == 0 {
			rep.Stop = "no documents"
			break
		}
		lat, bad := w.round(ctx, docs)
		if ctx.Err() != nil { // cut short: not a complete round
			rep.Stop = stopReason(ctx)
			break
		}
		for name := range bad {
			failed[name] = true
		}
		w.warmStore(ctx)
		if len(lat) == 0 {
			continue
		}
		p50 := median(lat)
		rep.Rounds, rep.P50 = round, p50
		w.rounds.Store(int64(round))
		if w.opts.AfterRound != nil {
			w.opts.AfterRound(round, p50)
		}
		// Stable: two rounds in a row within the tolerance of the one
		// before (a JIT may still be compiling after one quiet round).
		if prev > 0 && stable(prev, p50, w.opts.Tolerance) {
			calm++
		} else {
			calm = 0
		}
		if first == 0 {
			first = p50
		}
		cold := float64(first) >= w.opts.ColdFactor*float64(p50) && first-p50 >= coldGap
		if round >= w.opts.MinRounds && calm >= 2 && !(cold && time.Since(begun) < w.opts.ColdMin) {
			rep.Stop = "stable"
			break
		}
		prev = p50
	}
	rep.Skipped = len(failed)
	for _, d := range docs {
		if !failed[d.name] {
			rep.Documents++
		}
	}
	return rep
}

// coldGap is the least difference between a server's first and latest
// round medians that can make it cold: below it, the ratio is the noise of
// rounds that take a millisecond or two (a warm JVM), not a compiler at work
// (a fresh JVM's first rounds take tens of milliseconds).
const coldGap = 5 * time.Millisecond

func stopReason(ctx context.Context) string {
	if context.Cause(ctx) == context.DeadlineExceeded {
		return "budget"
	}
	return "canceled"
}

// stable reports whether p50 differs from prev by less than tol of prev, or
// by less than a millisecond.
func stable(prev, p50 time.Duration, tol float64) bool {
	d := (p50 - prev).Abs()
	return d < time.Millisecond || float64(d) <= tol*float64(prev)
}

func median(l []time.Duration) time.Duration {
	s := slices.Clone(l)
	slices.Sort(s)
	return s[len(s)/2]
}

func (w *WarmUp) warmStore(ctx context.Context) {
	if w.opts.Store == nil || ctx.Err() != nil {
		return
	}
	if err := w.opts.Store(ctx); err != nil && ctx.Err() == nil {
		w.opts.Logger.Warn("warm-up of the store failed", "err", err)
	}
}

// round has every worker run every document once, each in its own order
// (so that several plan the same statement at once, as under load). It
// returns the latencies of the documents that answered without errors and
// the names of those that did not.
func (w *WarmUp) round(ctx context.Context, docs []warmDoc) ([]time.Duration, map[string]bool) {
	var (
		mu  sync.Mutex
		lat []time.Duration
		bad = map[string]bool{}
		wg  sync.WaitGroup
	)
	for range w.opts.Workers {
		order := slices.Clone(docs)
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		wg.Go(func() {
			for _, d := range order {
				if ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				_, err := w.do(ctx, d)
				el := time.Since(t0)
				mu.Lock()
				if err != nil {
					bad[d.name] = true
				} else {
					lat = append(lat, el)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat, bad
}

// do runs one document through the handler and returns its data; an HTTP
// error or any GraphQL error is an error.
func (w *WarmUp) do(ctx context.Context, d warmDoc) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, w.opts.RequestTimeout)
	defer cancel()
	body, err := json.Marshal(map[string]any{"query": d.query, "variables": d.vars})
	if err != nil {
		return nil, err
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, req)
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return nil, fmt.Errorf("%s: status %d, not JSON: %w", d.name, rec.Code, err)
	}
	if rec.Code != http.StatusOK || len(resp.Errors) > 0 {
		msg := ""
		if len(resp.Errors) > 0 {
			msg = resp.Errors[0].Message
		}
		return nil, fmt.Errorf("%s: status %d: %s", d.name, rec.Code, msg)
	}
	return resp.Data, nil
}

// discover asks the store, through GraphQL, for a few ids to run the
// id-taking documents on; nothing is hard-coded, so a store without the
// seed data warms up too.
const discover = `query WarmUpIds {
  organisations(first: 3) { nodes { id name } }
  alliances { id }
}`

// The documents run on the ids discover found ($id, $other: organisations;
// $alliance).
var warmTemplates = []warmDoc{
	{name: "WarmUpOrganisation", query: `query WarmUpOrganisation($id: ID!) {
  organisation(id: $id) {
    id name nameEn kind tier since until provenance { source quote }
    parent { id } children { id } ancestors { id }
    alliances { role alliance { id name } } mentors { mentor { id name } } mentees { mentee { id name } }
    posts { __typename } neighbours { id name } projects { id }
  }
}`},
	{name: "WarmUpNode", query: `query WarmUpNode($id: ID!) { node(id: $id) { id __typename ... on Organisation { name kind } } }`},
	{name: "WarmUpNeighbourhood", query: `query WarmUpNeighbourhood($id: ID!) {
  neighbourhood(id: $id, depth: 2, limit: 200) {
    nodes { id label type kind tier provenance { source } }
    edges { id source target type label }
    truncated
  }
}`},
	{name: "WarmUpSubtree", query: `query WarmUpSubtree($id: ID!) {
  subtree(rootId: $id, maxDepth: 3) { nodes { id label type tier } edges { id source target type } }
}`},
	{name: "WarmUpPath", query: `query WarmUpPath($id: ID!, $other: ID!) {
  shortestPath(from: $id, to: $other) { length nodes { id label type } edges { type label } }
}`},
	{name: "WarmUpSearch", query: `query WarmUpSearch($text: String!) { search(text: $text) { __typename id name nameEn } }`},
	{name: "WarmUpAlliance", query: `query WarmUpAlliance($alliance: ID!) {
  alliance(id: $alliance) { id name type since members { role organisation { id name strength } provenance { source quote } } branches { id } }
}`},
	{name: "WarmUpOrganisations", query: `query WarmUpOrganisations {
  organisations(first: 20) { totalCount nodes { id name kind tier } pageInfo { endCursor hasNextPage } }
}`},
}

// documents returns the examples (what GraphiQL opens with and cmd/loadtest
// reads) and the templates on ids from the store. Those needing an id the
// store does not have are left out; those that error are dropped by the
// rounds.
func (w *WarmUp) documents(ctx context.Context) []warmDoc {
	var docs []warmDoc
	if all, err := examples.All(); err == nil {
		for _, e := range all {
			docs = append(docs, warmDoc{name: "example " + e.Name, query: e.Query, vars: e.Variables})
		}
	}
	data, err := w.do(ctx, warmDoc{name: "WarmUpIds", query: discover})
	var ids struct {
		Organisations struct {
			Nodes []struct{ ID, Name string }
		}
		Alliances []struct{ ID string }
	}
	if err == nil {
		err = json.Unmarshal(data, &ids)
	}
	if err != nil {
		w.opts.Logger.Warn("warm-up: no ids from the store; only the examples run", "err", err)
		return docs
	}
	vars := map[string]any{}
	if n := ids.Organisations.Nodes; len(n) > 0 {
		vars["id"] = n[0].ID
		vars["other"] = n[len(n)-1].ID
		if rs := []rune(n[0].Name); len(rs) > 0 && rs[0] != utf8.RuneError {
			// The first two characters, as a person would start typing.
			vars["text"] = strings.TrimRight(string(rs[:min(2, len(rs))]), string(utf8.RuneError))
		}
	}
	if len(ids.Alliances) > 0 {
		vars["alliance"] = ids.Alliances[0].ID
	}
	for _, t := range warmTemplates {
		v, ok := bind(t.query, vars)
		if ok {
			docs = append(docs, warmDoc{name: t.name, query: t.query, vars: v})
		}
	}
	return docs
}

// bind picks the variables query declares; false when one is missing.
func bind(query string, vars map[string]any) (map[string]any, bool) {
	out := map[string]any{}
	for _, name := range []string{"id", "other", "text", "alliance"} {
		if !strings.Contains(query, "$"+name+":") {
			continue
		}
		v, ok := vars[name]
		if !ok {
			return nil, false
		}
		out[name] = v
	}
	return out, true
}
