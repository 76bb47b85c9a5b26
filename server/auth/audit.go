package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// AuditEntry is one successful mutation.
type AuditEntry struct {
	// Seq numbers entries from 1 in the order they were written.
	Seq   int64     `json:"seq"`
	Time  time.Time `json:"time"`
	Actor string    `json:"actor"`
	Role  string    `json:"role"`
	// Operation is the mutation field (e.g. updateOrganisation);
	// OperationName the GraphQL operation's own name, if any.
	Operation     string `json:"operation"`
	OperationName string `json:"operationName,omitempty"`
	// Arguments are the field's arguments, variables substituted.
	Arguments map[string]any `json:"arguments,omitempty"`
	// IDs are the nodes and edges it touched.
	IDs    []string        `json:"ids,omitempty"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// AuditLog is an append-only JSON-lines file of AuditEntry, fsynced per
// entry, with every entry also held in memory for queries.
type AuditLog struct {
	mu      sync.Mutex
	f       *os.File
	entries []AuditEntry
}

// OpenAuditLog opens (creating) the log at path and reads what it holds. A
// torn last line (a crash mid-write) is cut off.
func OpenAuditLog(path string) (*AuditLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	// A crash mid-write leaves a torn last line: cut it off so the next
	// entry starts a line of its own.
	if keep := bytes.LastIndexByte(data, '\n') + 1; keep < len(data) {
		if err := f.Truncate(int64(keep)); err != nil {
			f.Close()
			return nil, fmt.Errorf("audit log %s: cut a torn last line: %w", path, err)
		}
		data = data[:keep]
	}
	l := &AuditLog{f: f}
	for line := range bytes.Lines(data) {
		var e AuditEntry
		if json.Unmarshal(line, &e) == nil && e.Seq > 0 {
			l.entries = append(l.entries, e)
		}
	}
	return l, nil
}

// Append writes e (numbering and dating it) and syncs the file before it
// returns.
func (l *AuditLog) Append(e AuditEntry) (AuditEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return e, errors.New("audit log closed")
	}
	e.Seq = 1
	if n := len(l.entries); n > 0 {
		e.Seq = l.entries[n-1].Seq + 1
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return e, fmt.Errorf("audit entry: %w", err)
	}
	if _, err := l.f.Write(append(b, '\n')); err != nil {
		return e, fmt.Errorf("audit log write: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return e, fmt.Errorf("audit log sync: %w", err)
	}
	l.entries = append(l.entries, e)
	return e, nil
}

// AuditQuery filters a listing of the log.
type AuditQuery struct {
	First int
	// After is the Seq (as a string cursor) to continue after, going older.
	After     string
	Operation string
	Actor     string
}

// List returns entries newest first.
func (l *AuditLog) List(q AuditQuery) ([]AuditEntry, error) {
	if q.First <= 0 {
		q.First = 50
	}
	var after int64 = -1
	if q.After != "" {
		n, err := strconv.ParseInt(q.After, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad cursor %q", q.After)
		}
		after = n
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []AuditEntry
	for _, e := range slices.Backward(l.entries) {
		if after >= 0 && e.Seq >= after {
			continue
		}
		if q.Operation != "" && e.Operation != q.Operation && e.OperationName != q.Operation {
			continue
		}
		if q.Actor != "" && e.Actor != q.Actor {
			continue
		}
		out = append(out, e)
		if len(out) == q.First {
			break
		}
	}
	return out, nil
}

// Close closes the file.
func (l *AuditLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
