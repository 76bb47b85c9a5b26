package analysis

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
)

// TestPace: a computation is stopped when its callers have gone, or when
// its pace so far shows it cannot finish before their deadline.
func TestPace(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	late := func(perSecond float64, _ time.Duration) error {
		return tooLate("late at %.3g a second", perSecond)
	}
	in := func(d time.Duration) func() time.Time { return func() time.Time { return time.Now().Add(d) } }
	for _, tc := range []struct {
		name        string
		ctx         context.Context
		deadline    func() time.Time
		ran         time.Duration
		done, total int
		want        graph.Code // "" for no error
	}{
		{"callers gone", cancelled, nil, time.Second, 1, 100, graph.CodeUnavailable},
		{"no deadline", context.Background(), nil, time.Second, 1, 100, ""},
		{"a caller without deadline", context.Background(), func() time.Time { return time.Time{} }, time.Second, 1, 100, ""},
		{"pace not known yet", context.Background(), in(time.Second), paceWindow / 2, 1, 100, ""},
		{"cannot finish", context.Background(), in(time.Second), time.Second, 1, 100, graph.CodeDeadline},    // 99 s to go
		{"will finish", context.Background(), in(time.Second), time.Second, 90, 100, ""},                     // 0.11 s to go
		{"within the margin", context.Background(), in(time.Second), time.Second, 50, 105, ""},               // 1.1 s to go
		{"past the margin", context.Background(), in(time.Second), time.Second, 50, 115, graph.CodeDeadline}, // 1.3 s to go
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pace{ctx: tc.ctx, deadline: tc.deadline, start: time.Now().Add(-tc.ran), late: late}
			err := p.check(tc.done, tc.total)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("check = %v; want nil", err)
			case tc.want == graph.CodeUnavailable && !errors.Is(err, context.Canceled):
				t.Errorf("check = %v; want context.Canceled", err)
			case tc.want == graph.CodeDeadline && !errors.Is(err, graph.ErrDeadline):
				t.Errorf("check = %v; want a deadline error", err)
			}
		})
	}
}
