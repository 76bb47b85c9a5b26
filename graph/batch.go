package graph

import (
	"fmt"
	"strings"
)

// BatchError lists every problem found in a batch. It is an *Error of
// CodeInvalid (or CodeNotFound when only endpoints are missing) for errors.Is.
type BatchError struct {
	Problems []Problem
}

// Problem is one fault in a batch: which item, and what is wrong.
type Problem struct {
	Item  string // "node[3]" or "edge[12]"
	ID    string
	Field string
	Err   error
}

func (p Problem) String() string {
	s := p.Item
	if p.ID != "" {
		s += fmt.Sprintf(" (%s)", p.ID)
	}
	return s + ": " + ErrorMessage(p.Err)
}

func (e *BatchError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "batch rejected, %d problem(s): ", len(e.Problems))
	for i, p := range e.Problems {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-show)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is matches ErrInvalid, or ErrNotFound when every problem is a missing node.
func (e *BatchError) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t == ErrInvalid || (t == ErrNotFound && e.allNotFound())
}

func (e *BatchError) allNotFound() bool {
	for _, p := range e.Problems {
		if ErrorCode(p.Err) != CodeNotFound {
			return false
		}
	}
	return len(e.Problems) > 0
}

// As lets errors.As(err, **Error) see a BatchError as an *Error.
func (e *BatchError) As(target any) bool {
	t, ok := target.(**Error)
	if !ok {
		return false
	}
	code := CodeInvalid
	if e.allNotFound() {
		code = CodeNotFound
	}
	*t = &Error{Code: code, Message: e.Error()}
	return true
}

// LabelOf looks up a node's label by id, for ValidateBatch.
type LabelOf func(id string) (Label, bool)

// ValidateBatch prepares and validates every item of b. Node labels for edge
// endpoints come from the batch first and then from stored(id). Upserting a
// node under a different label than it has in the store is refused. It
// returns a *BatchError with every problem, or nil.
func ValidateBatch(b *Batch, stored LabelOf) error {
	var probs []Problem
	labels := make(map[string]Label, len(b.Nodes))
	for i := range b.Nodes {
		n := &b.Nodes[i]
		n.Prepare()
		item := fmt.Sprintf("node[%d]", i)
		if err := n.Validate(); err != nil {
			probs = append(probs, Problem{Item: item, ID: n.ID, Err: err})
			continue
		}
		if _, dup := labels[n.ID]; dup {
			probs = append(probs, Problem{Item: item, ID: n.ID, Err: Conflictf("id %q appears twice in the batch", n.ID)})
			continue
		}
		if l, ok := stored(n.ID); ok && l != n.Label {
			probs = append(probs, Problem{Item: item, ID: n.ID, Err: Invalidf("label", "%q is stored as a %s; it cannot become a %s", n.ID, l, n.Label)})
			continue
		}
		labels[n.ID] = n.Label
	}
	seen := make(map[string]bool, len(b.Edges))
	deleted := make(map[string]bool, len(b.DeleteNodes))
	for _, id := range b.DeleteNodes {
		deleted[id] = true
	}
	label := func(id string) (Label, bool) {
		if l, ok := labels[id]; ok {
			return l, true
		}
		if deleted[id] {
			return "", false
		}
		return stored(id)
	}
	for i := range b.Edges {
		e := &b.Edges[i]
		e.Prepare()
		item := fmt.Sprintf("edge[%d]", i)
		if err := e.Validate(); err != nil {
			probs = append(probs, Problem{Item: item, ID: e.ID, Err: err})
			continue
		}
		if seen[e.ID] {
			probs = append(probs, Problem{Item: item, ID: e.ID, Err: Conflictf("edge id %q appears twice in the batch", e.ID)})
			continue
		}
		seen[e.ID] = true
		fl, okf := label(e.From)
		tl, okt := label(e.To)
		switch {
		case !okf:
			probs = append(probs, Problem{Item: item, ID: e.ID, Field: "from", Err: NotFoundf("edge %s: start node %q does not exist", e.ID, e.From)})
		case !okt:
			probs = append(probs, Problem{Item: item, ID: e.ID, Field: "to", Err: NotFoundf("edge %s: end node %q does not exist", e.ID, e.To)})
		default:
			if err := CheckEndpoints(e.Type, fl, tl); err != nil {
				probs = append(probs, Problem{Item: item, ID: e.ID, Field: "type", Err: err})
			}
		}
	}
	if len(probs) > 0 {
		return &BatchError{Problems: probs}
	}
	return nil
}
