package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// Cost. Every analysis is priced before it runs, in search steps: a step is
// one node or one edge end visited (a breadth-first search of a connected
// graph of n nodes and m edges is n + 2m steps). BETWEENNESS and CLOSENESS
// cost (n + 2m) per source searched, PAGERANK at most pageRankMaxIter
// passes (in practice a few dozen), DEGREE and the graph's build one pass,
// Louvain a few dozen passes.
//
// Three guards follow from the price:
//
//  1. The server prices the GraphQL field by it (CentralityCost: one point of
//     complexity per StepsPerPoint steps, from the size of the graph last
//     analysed, at most MaxPoints), so the complexity limit refuses a
//     request of many analyses before any resolver runs.
//  2. Before a computation starts, a caller whose deadline is nearer than the
//     price at FastestPace is refused at once (DEADLINE_EXCEEDED), with what
//     to ask for instead: the computation is not started.
//  3. While it runs, the computation checks its context at least once per
//     source, per iteration or per few thousand nodes; it stops when every
//     caller has gone, and, once half a second has shown its pace, when the
//     work left would need more than 1.2 times the time left before the
//     latest caller's deadline.

// StepsPerPoint is how many search steps cost one point of GraphQL
// complexity: 10^4 steps, well under a millisecond of CPU at the paces
// measured. (10^5 while the default limit was 20,000; the limit is now
// 200,000, every list priced by the most it can return: docs/reliability.md
// §13.)
const StepsPerPoint = 1e4

// MaxPoints caps the complexity of one analysis: 100,000 points, half the
// default limit, so that a request holds at most two large ones. Work
// priced above it (exact BETWEENNESS on the city set is 1.4·10^11 steps) is
// refused before it starts by the deadline check, whose message says what
// to ask for instead; the complexity limit's would not.
const MaxPoints = 100000

// FastestPace is several times more steps per second than any analysis
// here has managed (docs/reliability.md: 1.5·10^8 to 2.3·10^8 on a busy
// 2-core box, the small graphs fastest). A price that would not fit before
// the deadline even at this pace is refused before it starts; a slower pace
// is caught while it runs.
const FastestPace = 1e9

// typicalPace is the steps per second the advice in a refusal assumes
// ("samples: N fits"): the slower end of the paces measured.
const typicalPace = 1e8

// paceWindow is how long a computation runs before its pace is trusted to
// project when it will end, and paceMargin how far past the time left the
// projection must reach to stop it (a pace measured on a busy machine
// varies; the deadline stops it anyway).
const (
	paceWindow = 500 * time.Millisecond
	paceMargin = 1.2
)

// work is the search steps of measure computed as p says on a graph of n
// nodes and the given edges.
func work(measure Measure, p plan, n, edges int) float64 {
	pass := float64(n + 2*edges)
	switch {
	case measure == Degree:
		return pass
	case measure == PageRank:
		return 50 * pass // a few dozen iterations to converge on these graphs
	case p.exact:
		return float64(n) * pass
	}
	return float64(min(p.samples, n)) * pass
}

// louvainWork is the expected price of Louvain: a few dozen passes.
func louvainWork(n, edges int) float64 { return 30 * float64(n+2*edges) }

// pace watches a running computation: its context and, when its callers
// have a deadline, whether the work left still fits before it.
type pace struct {
	ctx context.Context
	// deadline returns the latest deadline of the callers waiting (zero:
	// one of them has none); nil: no deadline.
	deadline func() time.Time
	start    time.Time
	// late makes the error for a computation that cannot finish in time,
	// given the units of work it could do per second.
	late func(perSecond float64, left time.Duration) error
}

// freePace is a pace with only a context (package-level functions).
func freePace(ctx context.Context) *pace { return &pace{ctx: ctx, start: time.Now()} }

// check is called before unit done of total: it returns the context's error
// if the computation's callers have all gone, or the late error if the
// units left cannot be done before the deadline at the pace so far.
func (p *pace) check(done, total int) error {
	if err := p.ctx.Err(); err != nil {
		return err
	}
	if p.deadline == nil || p.late == nil || done == 0 {
		return nil
	}
	elapsed := time.Since(p.start)
	if elapsed < paceWindow {
		return nil
	}
	dl := p.deadline()
	if dl.IsZero() {
		return nil
	}
	perSecond := float64(done) / elapsed.Seconds()
	need := time.Duration(float64(total-done) / perSecond * float64(time.Second))
	if float64(need) > paceMargin*float64(time.Until(dl)) {
		return p.late(perSecond, dl.Sub(p.start))
	}
	return nil
}

// tooLate is the error of an analysis that did not, or cannot, finish before
// its caller's deadline: CodeDeadline (DEADLINE_EXCEEDED), saying what to ask
// for instead.
func tooLate(format string, args ...any) *graph.Error {
	return graph.Errorf(graph.CodeDeadline, format, args...)
}

// ended turns the end of a caller's context into the error it gets:
// CodeDeadline with advice for a deadline, CodeUnavailable for a caller that
// cancelled (no one reads that answer, but it is not an internal error).
func ended(ctx context.Context, what, advice string) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		e := tooLate("%s did not finish within the request deadline; %s", what, advice)
		e.Err = err
		return e
	}
	return &graph.Error{Code: graph.CodeUnavailable, Message: "the request was cancelled before " + what + " finished", Err: err}
}

// centralityAdvice is what to ask for instead of measure computed as p says
// on a graph of n nodes, when perSecond sources (0: unknown) fit in window.
func centralityAdvice(measure Measure, p plan, n int, perSecond float64, window time.Duration) string {
	if !measure.sampled() {
		return "ask for fewer relations, or ask an admin for a longer --request-timeout"
	}
	fit := DefaultSamples
	if perSecond > 0 {
		fit = max(1, int(perSecond*window.Seconds()*0.8))
	}
	fit = min(fit, n)
	if p.exact {
		return fmt.Sprintf("leave out exact for an estimate from sampled sources (samples: %d fits), or ask for fewer relations", fit)
	}
	return fmt.Sprintf("ask for fewer samples (samples: %d fits, each with a wider error bound), or for fewer relations", fit)
}

// refuseEarly returns a CodeDeadline error when measure computed as p says
// on g cannot finish before ctx's deadline even at FastestPace, nil
// otherwise (or without a deadline).
func refuseEarly(ctx context.Context, measure Measure, p plan, n, edges int) error {
	dl, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	steps := work(measure, p, n, edges)
	left := time.Until(dl)
	if steps/FastestPace <= left.Seconds() {
		return nil
	}
	perSource := float64(n+2*edges) / typicalPace // seconds
	return tooLate("%s would take %.3g search steps, %s even at the fastest pace, past the request deadline (%s left); %s",
		describe(measure, p, n), steps, roundDuration(steps/FastestPace), roundDuration(left.Seconds()),
		centralityAdvice(measure, p, n, 1/math.Max(perSource, 1e-9), left))
}

// describe names a computation for messages.
func describe(measure Measure, p plan, n int) string {
	switch {
	case !measure.sampled():
		return fmt.Sprintf("%s on %d nodes", measure, n)
	case p.exact:
		return fmt.Sprintf("exact %s on %d nodes", measure, n)
	}
	return fmt.Sprintf("%s from %d sampled sources on %d nodes", measure, p.samples, n)
}

func roundDuration(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(100 * time.Millisecond).String()
}
