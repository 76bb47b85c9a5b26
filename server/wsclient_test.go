package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// A small graphql-transport-ws client for the edge tests: it sets the Host
// and Origin it is told to, and reads the server's close status.

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

type wsConn struct {
	t testing.TB
	c *websocket.Conn
}

// hostRewriter sends every request with Host host (a DNS-rebinding page's
// requests carry the attacker's name).
type hostRewriter struct {
	host string
	rt   http.RoundTripper
}

func (h hostRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.host != "" {
		r = r.Clone(r.Context())
		r.Host = h.host
	}
	return h.rt.RoundTrip(r)
}

// dialWS opens a websocket to base's /graphql; host, when set, replaces the
// Host header. The response is the handshake's (its body read into the
// error's text when refused).
func dialWS(t testing.TB, base string, header http.Header, host string) (*wsConn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	c, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPHeader:   header,
		HTTPClient:   &http.Client{Transport: hostRewriter{host: host, rt: http.DefaultTransport.(*http.Transport).Clone()}},
		Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		return nil, resp, err
	}
	w := &wsConn{t: t, c: c}
	t.Cleanup(func() { _ = c.CloseNow() })
	return w, resp, nil
}

// mustDial opens a websocket and sends connection_init with payload; it
// fails the test unless the server acknowledges.
func mustDial(t testing.TB, base string, payload map[string]any) *wsConn {
	t.Helper()
	w, resp, err := dialWS(t, base, nil, "")
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	if err := w.init(payload); err != nil {
		t.Fatalf("connection_init: %v", err)
	}
	return w
}

func (w *wsConn) send(m wsMsg) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return wsjson.Write(ctx, w.c, m)
}

// read returns the next message, skipping keep-alives and pings.
func (w *wsConn) read(timeout time.Duration) (wsMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		var m wsMsg
		if err := wsjson.Read(ctx, w.c, &m); err != nil {
			return m, err
		}
		switch m.Type {
		case "ka", "ping", "pong":
			continue
		}
		return m, nil
	}
}

func (w *wsConn) init(payload map[string]any) error {
	p, _ := json.Marshal(payload)
	if err := w.send(wsMsg{Type: "connection_init", Payload: p}); err != nil {
		return err
	}
	m, err := w.read(10 * time.Second)
	if err != nil {
		return err
	}
	if m.Type != "connection_ack" {
		return fmt.Errorf("got %s %s, want connection_ack", m.Type, m.Payload)
	}
	return nil
}

func (w *wsConn) subscribe(id, query string) error {
	p, _ := json.Marshal(map[string]any{"query": query})
	return w.send(wsMsg{ID: id, Type: "subscribe", Payload: p})
}

// do runs one operation and returns its first result (a "next" payload, or
// the errors of an "error" message).
func (w *wsConn) do(query string, timeout time.Duration) (gqlResponse, error) {
	id := fmt.Sprint(time.Now().UnixNano())
	if err := w.subscribe(id, query); err != nil {
		return gqlResponse{}, err
	}
	for {
		m, err := w.read(timeout)
		if err != nil {
			return gqlResponse{}, err
		}
		if m.ID != id {
			continue
		}
		var r gqlResponse
		switch m.Type {
		case "next":
			err = json.Unmarshal(m.Payload, &r)
		case "error":
			err = json.Unmarshal(m.Payload, &r.Errors)
		case "complete":
			err = errors.New("completed without a result")
		default:
			err = fmt.Errorf("unexpected %s", m.Type)
		}
		return r, err
	}
}

// closed waits for the server to close the socket and returns its status
// and reason (-1 when it was not a close frame).
func (w *wsConn) closed(timeout time.Duration) (websocket.StatusCode, string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		_, err := w.read(time.Until(deadline))
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Reason, nil
		}
		if errors.Is(err, context.DeadlineExceeded) {
			break
		}
		w.t.Logf("connection ended without a close frame: %v", err)
		return -1, "", nil
	}
	return 0, "", fmt.Errorf("still open after %v", timeout)
}
