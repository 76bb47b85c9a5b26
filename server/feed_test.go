package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/memory"
	neo4jstore "github.com/orgnet/orgnet/graph/neo4j"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/gql"
)

// change is a graphChanged event as a test reads it.
type change struct {
	Seq       string   `json:"seq"`
	Kind      string   `json:"kind"`
	Operation string   `json:"operation"`
	IDs       []string `json:"ids"`
	Many      bool     `json:"many"`
	Reason    *string  `json:"reason"`
}

const changeFields = `seq kind operation ids many reason`

// subscribe opens graphChanged on h with the given arguments ("" for none)
// and returns its events; it waits until the broker counts the subscriber.
func subscribe(t *testing.T, h *harness, args string) <-chan change {
	t.Helper()
	c := client.New(h.h, client.Path("/graphql"))
	before := h.broker.Subscribers()
	sub := c.Websocket(`subscription { graphChanged` + args + ` { ` + changeFields + ` } }`)
	t.Cleanup(func() { _ = sub.Close() })
	out := make(chan change, 64)
	go func() {
		defer close(out)
		for {
			var resp struct {
				GraphChanged change `json:"graphChanged"`
			}
			if err := sub.Next(&resp); err != nil {
				return
			}
			out <- resp.GraphChanged
		}
	}()
	for i := 0; i < 500 && h.broker.Subscribers() == before; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	return out
}

// next returns the next event, or fails after d.
func next(t *testing.T, ch <-chan change, d time.Duration) change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("the subscription ended")
		}
		return c
	case <-time.After(d):
		t.Fatalf("no change within %v", d)
	}
	return change{}
}

// post sends a GraphQL request with headers and returns the answer and the
// response's headers.
func post(t *testing.T, h http.Handler, query string, header ...string) (gqlResponse, http.Header) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response is not JSON (%d): %s", rec.Code, rec.Body.String())
	}
	r.status = rec.Code
	return r, rec.Header()
}

const pairing = `mutation { createPairing(mentorId: "org:xinbao-village", menteeId: "org:maojia-village") { id } }`

// TestGraphChangedResume: every change has a seq; a subscriber that resumes
// after one gets every later change, in order, then the live ones; a
// malformed after is refused.
func TestGraphChangedResume(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		live := subscribe(t, h, "")
		h.ok(pairing, nil, nil)
		first := next(t, live, 10*time.Second)
		if first.Kind != "LINKED" || first.Operation != "createPairing" || first.Seq == "" {
			t.Fatalf("first change = %+v", first)
		}
		h.ok(`mutation { updateOrganisation(id: "org:maojia-village", input: {nameEn: "Maojia"}) { id } }`, nil, nil)
		h.ok(`mutation { deletePairing(id: "MENTORS:org:xinbao-village->org:maojia-village") { deletedIds } }`, nil, nil)
		second, third := next(t, live, 10*time.Second), next(t, live, 10*time.Second)
		if second.Operation != "updateOrganisation" || third.Operation != "deletePairing" || third.Kind != "UNLINKED" {
			t.Fatalf("then %+v, %+v", second, third)
		}
		resumed := subscribe(t, h, `(after: "`+first.Seq+`")`)
		for _, want := range []change{second, third} {
			if got := next(t, resumed, 10*time.Second); got.Seq != want.Seq || got.Operation != want.Operation {
				t.Fatalf("resumed after %s: got %+v, want %+v", first.Seq, got, want)
			}
		}
		h.ok(pairing, nil, nil)
		fourth := next(t, resumed, 10*time.Second)
		if fourth.Operation != "createPairing" {
			t.Fatalf("live after the resume: %+v", fourth)
		}
		filtered := subscribe(t, h, `(ids: ["org:yuelin-party-working-committee"], after: "`+first.Seq+`")`)
		h.ok(`mutation { updateOrganisation(id: "org:yuelin-party-working-committee", input: {nameEn: "Yuelin"}) { id } }`, nil, nil)
		if got := next(t, filtered, 10*time.Second); got.Operation != "updateOrganisation" || !strings.Contains(strings.Join(got.IDs, ","), "yuelin-party") {
			t.Fatalf("filtered resume from 0: %+v (want only the change touching the committee)", got)
		}
		r := h.do(`subscription { graphChanged(after: "yesterday") { seq } }`, nil)
		if r.code() != "BAD_USER_INPUT" && r.status != http.StatusBadRequest {
			t.Errorf("after: \"yesterday\" = %d %+v", r.status, r.Errors)
		}
	})
}

// TestGraphChangedExpired: a resume older than what the feed keeps gets a
// RESYNC that says so, then the live changes.
func TestGraphChangedExpired(t *testing.T) {
	s, err := memory.New(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.SetChangeRetention(2)
	if _, err := s.Apply(context.Background(), seed.Yuelin()); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		name := "M" + strconv.Itoa(i)
		if _, err := s.UpdateNode(context.Background(), "org:maojia-village", graph.NodeUpdate{NameEn: &name}); err != nil {
			t.Fatal(err)
		}
	}
	// A server started now holds none of these changes: a resume from 1
	// reads the feed, which has dropped 2 … 4.
	h := newHarness(t, s, "memory")
	sub := subscribe(t, h, `(after: "1")`)
	got := next(t, sub, 10*time.Second)
	if got.Kind != "RESYNC" || got.Reason == nil || !strings.Contains(*got.Reason, "no longer kept") {
		t.Fatalf("resume from 1 with 2 kept: %+v; want a RESYNC saying the changes are no longer kept", got)
	}
	h.ok(pairing, nil, nil)
	if got := next(t, sub, 10*time.Second); got.Operation != "createPairing" {
		t.Fatalf("after the RESYNC: %+v", got)
	}
}

// TestBookmark: a mutation's answer carries its bookmark (header and
// extension); a request that sends it back is answered; a request that
// sends a bookmark that is not one is refused, and one this replica cannot
// reach is UNAVAILABLE.
func TestBookmark(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		r, hdr := post(t, h.h, `{ stats { nodes } }`)
		if len(r.Errors) > 0 || hdr.Get(gql.BookmarkHeader) != "" || r.Extensions["bookmark"] != nil {
			t.Fatalf("a read answered a bookmark: %q %v %+v", hdr.Get(gql.BookmarkHeader), r.Extensions, r.Errors)
		}
		r, hdr = post(t, h.h, pairing)
		bm := hdr.Get(gql.BookmarkHeader)
		if len(r.Errors) > 0 || bm == "" || r.Extensions["bookmark"] != bm {
			t.Fatalf("mutation: header %q, extension %v, errors %+v", bm, r.Extensions["bookmark"], r.Errors)
		}
		seq, _, err := gql.ParseBookmark(bm)
		if err != nil || seq < 1 {
			t.Fatalf("ParseBookmark(%q) = %d, %v", bm, seq, err)
		}
		r, _ = post(t, h.h, `{ pairings { id } }`, gql.BookmarkHeader, bm)
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "org:maojia-village") {
			t.Fatalf("read with the bookmark: %s %+v", r.Data, r.Errors)
		}
		for _, bad := range []string{"nonsense", "12", "x:y"} {
			r, _ = post(t, h.h, `{ stats { nodes } }`, gql.BookmarkHeader, bad)
			if r.status != http.StatusBadRequest || r.code() != "BAD_USER_INPUT" {
				t.Errorf("bookmark %q: %d %+v; want 400 BAD_USER_INPUT", bad, r.status, r.Errors)
			}
		}
		_, store, _ := gql.ParseBookmark(bm)
		ahead := strconv.FormatInt(seq+1000, 10) + ":" + store
		r, _ = post(t, h.h, `{ stats { nodes } }`, gql.BookmarkHeader, ahead)
		if r.status != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" {
			t.Errorf("a bookmark of a change not yet followed: %d %+v; want 503 UNAVAILABLE", r.status, r.Errors)
		}
	})
}

// TestTwoReplicas: two servers over one store (on Neo4j, two stores over
// one database, each with its own driver): a write through A reaches B's
// subscribers, B's analysis and B's planning problems, and B reads it with
// A's bookmark.
func TestTwoReplicas(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		sa := open(t)
		if _, err := sa.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatal(err)
		}
		sb := sa
		if name == "neo4j" {
			user, password := testenv.Neo4jAuth()
			s, err := neo4jstore.Open(context.Background(), testenv.Neo4jURI(t), user, password, neo4jstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			sb = s
		}
		a := newHarness(t, sa, name)
		b := &harness{t: t, store: sb, broker: gql.NewBroker()}
		b.h = server.New(server.Config{Store: sb, StoreName: name, Broker: b.broker, Logger: slog.New(slog.DiscardHandler)})
		const top = `{ centrality(measure: DEGREE, top: 300) { score node { id } } }`
		b.ok(top, nil, nil) // B's analysis cache holds the ranking before
		events := subscribe(t, b, "")
		start := time.Now()
		// A hub with more links than anything else.
		mut := `mutation { createOrganisation(input: {id: "org:hub", kind: VILLAGE, name: "枢纽村", parentId: "org:yuelin-party-working-committee"}) { id } }`
		a.ok(mut, nil, nil)
		var villages struct {
			Organisations struct{ Nodes []struct{ ID string } }
		}
		a.ok(`{ organisations(filter: {kinds: [VILLAGE, COMMUNITY]}, first: 40) { nodes { id } } }`, nil, &villages)
		var bm string
		for _, v := range villages.Organisations.Nodes {
			if v.ID == "org:hub" {
				continue
			}
			r, hdr := post(t, a.h, `mutation { link(input: {type: ADJACENT_TO, source: "org:hub", target: "`+v.ID+`"}) { id } }`)
			if len(r.Errors) > 0 {
				t.Fatalf("link: %+v", r.Errors)
			}
			bm = hdr.Get(gql.BookmarkHeader)
		}
		got := next(t, events, 10*time.Second)
		if got.Operation != "createOrganisation" {
			t.Fatalf("B's first event = %+v", got)
		}
		t.Logf("%s: A's write reached B's subscriber after %v", name, time.Since(start))
		onA, _ := post(t, a.h, top)
		onB, _ := post(t, b.h, top, gql.BookmarkHeader, bm)
		if len(onB.Errors) > 0 || !strings.Contains(string(onB.Data), `"org:hub"`) || string(onA.Data) != string(onB.Data) {
			t.Fatalf("B's centrality with A's last bookmark:\n%s\n%+v\nA's:\n%s", onB.Data, onB.Errors, onA.Data)
		}
		// The planning cache follows the feed too: a pairing made through A
		// is in A's planning network at once and in B's (read before, so
		// cached) with A's bookmark.
		const network = `{ planningNetwork { pairings { mentor { id } mentee { id } } } }`
		const made = `{"mentor":{"id":"org:xinbao-village"},"mentee":{"id":"org:maojia-village"}}`
		for _, h := range []*harness{a, b} {
			if r, _ := post(t, h.h, network); len(r.Errors) > 0 || strings.Contains(string(r.Data), made) {
				t.Fatalf("planning network before the pairing: %s %+v", r.Data, r.Errors)
			}
		}
		r, hdr := post(t, a.h, pairing)
		if len(r.Errors) > 0 {
			t.Fatalf("createPairing: %+v", r.Errors)
		}
		if r, _ := post(t, a.h, network); !strings.Contains(string(r.Data), made) {
			t.Errorf("A's planning network after its own createPairing: %s %+v", r.Data, r.Errors)
		}
		if r, _ := post(t, b.h, network, gql.BookmarkHeader, hdr.Get(gql.BookmarkHeader)); !strings.Contains(string(r.Data), made) {
			t.Errorf("B's planning network with A's bookmark: %s %+v", r.Data, r.Errors)
		}
	})
}
