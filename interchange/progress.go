package interchange

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// progress reports how parsing goes: a bar with rate and ETA on a
// terminal, a plain line every few seconds elsewhere (logs, CI). A nil
// *progress reports nothing.
type progress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	total int64
	done  int64
	start time.Time
	last  time.Time
	every time.Duration
	// pending counts rows not yet handed to the bar or checked against the
	// clock, to keep the cost per row small.
	pending int64
}

// plainEvery is how often the plain reporter prints a line.
const plainEvery = 2 * time.Second

func newProgress(w io.Writer, total int64) *progress {
	if w == nil {
		return nil
	}
	now := time.Now()
	p := &progress{w: w, total: total, start: now, last: now, every: plainEvery}
	if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("parsing"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
	}
	return p
}

// add counts n rows parsed.
func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.pending += n
	if p.pending < 1000 {
		return
	}
	p.flush(false)
}

func (p *progress) flush(final bool) {
	p.done += p.pending
	if p.bar != nil {
		_ = p.bar.Add64(p.pending)
		p.pending = 0
		return
	}
	p.pending = 0
	now := time.Now()
	if !final && now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	rate := float64(p.done) / max(now.Sub(p.start).Seconds(), 1e-9)
	fmt.Fprintf(p.w, "parsed %d/%d rows, %.0f rows/s\n", p.done, p.total, rate)
}

// finish ends the parsing phase.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.flush(true)
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// note prints a line about a later phase.
func (p *progress) note(format string, args ...any) {
	if p == nil {
		return
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}
