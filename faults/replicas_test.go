package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server/gql"
)

// TestReplicas: one Neo4j, two orgnet processes over it (this test binary
// re-executed, TestServeChild), as behind a load balancer.
//   - A write through A reaches B's graphChanged subscribers (the time it
//     took is logged: a poll of the change feed, 250 ms, and a read).
//   - B's centrality, cached before, reflects writes made through A at its
//     next request once B has published them.
//   - A read through B that sends A's bookmark sees A's write at once.
//   - An import through the command line (orgnet import, another process)
//     reaches the subscribers of both.
//   - A is killed under a write load spread over A and B: B keeps serving
//     (every request to B answered), and every acknowledged write, through
//     either, is stored whole.
func TestReplicas(t *testing.T) {
	neo4jEnabled(t)
	srv := privateNeo4j(t)
	st := openNeo4j(t, srv)
	ctx := context.Background()
	if _, err := st.Apply(ctx, seed.Yuelin()); err != nil {
		t.Fatalf("seed: %v", err)
	}
	ensureParent(t, st)
	spec, auth := "neo4j:"+srv.URI(), srv.User()+":"+srv.Password()
	childA, a := startChild(t, spec, auth)
	_, b := startChild(t, spec, auth)
	eventsA, eventsB := subscribeWS(t, a), subscribeWS(t, b)

	// A write through A, heard on B.
	tag := fmt.Sprintf("%d", time.Now().UnixNano())
	hub := "org:replica-hub-" + tag
	t0 := time.Now()
	ans := gqlPost(t, a+"/graphql", `mutation($id: ID!) { createOrganisation(input: {id: $id, kind: VILLAGE, name: "副本枢纽村"}) { id } }`,
		map[string]any{"id": hub}, "")
	got := waitChange(t, eventsB, func(c wsChange) bool { return slices.Contains(c.IDs, hub) }, 10*time.Second)
	t.Logf("A's createOrganisation reached B's subscriber %v after A answered (seq %s)", time.Since(t0).Round(time.Millisecond), got.Seq)
	if got.Operation != "createOrganisation" || got.Kind != "CREATED" {
		t.Errorf("B heard %+v", got)
	}

	// Read your writes through B: A's next write, read through B at once with
	// A's bookmark.
	other := "org:replica-other-" + tag
	ans = gqlPost(t, a+"/graphql", `mutation($id: ID!) { createOrganisation(input: {id: $id, kind: VILLAGE, name: "副本另一村"}) { id } }`,
		map[string]any{"id": other}, "")
	if ans.bookmark == "" {
		t.Fatalf("A's mutation answered no %s", gql.BookmarkHeader)
	}
	read := gqlPost(t, b+"/graphql", `query($id: ID!) { organisation(id: $id) { id } }`, map[string]any{"id": other}, ans.bookmark)
	if !strings.Contains(string(read.data), other) {
		t.Errorf("B with A's bookmark: %s %v", read.data, read.errors)
	}

	// B's analysis, cached, then links made through A.
	const top = `{ centrality(measure: DEGREE, kinds: [VILLAGE], top: 1) { node { id } score } }`
	before := gqlPost(t, b+"/graphql", top, nil, "")
	var villages struct {
		Organisations struct{ Nodes []struct{ ID string } }
	}
	page := gqlPost(t, a+"/graphql", `{ organisations(filter: {kinds: [VILLAGE, COMMUNITY]}, first: 100) { nodes { id } } }`, nil, "")
	if err := json.Unmarshal(page.data, &villages); err != nil {
		t.Fatal(err)
	}
	var last gqlAnswer
	links := 0
	for _, v := range villages.Organisations.Nodes {
		if strings.HasPrefix(v.ID, "org:replica-") {
			continue
		}
		last = gqlPost(t, a+"/graphql", `mutation($s: ID!, $t: ID!) { link(input: {type: ADJACENT_TO, source: $s, target: $t}) { id } }`,
			map[string]any{"s": hub, "t": v.ID}, "")
		links++
	}
	lastSeq, _, err := gql.ParseBookmark(last.bookmark)
	if err != nil {
		t.Fatal(err)
	}
	waitChange(t, eventsB, func(c wsChange) bool { return c.Seq == fmt.Sprint(lastSeq) }, 10*time.Second)
	after := gqlPost(t, b+"/graphql", top, nil, "")
	if !strings.Contains(string(after.data), hub) {
		t.Errorf("B's DEGREE top village after %d links made through A: %s (before: %s); want %s", links, after.data, before.data, hub)
	}

	// orgnet import, another process, against the same Neo4j.
	bin := buildOrgnet(t)
	file := filepath.Join(t.TempDir(), "replica.json")
	imported := "org:replica-imported-" + tag
	doc := map[string]any{"format": "orgnet/v1", "nodes": []map[string]any{{"id": imported, "label": "Organisation", "kind": "VILLAGE", "name": "导入村"}}}
	data, _ := json.Marshal(doc)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	user, password, _ := strings.Cut(auth, ":")
	cmd := exec.Command(bin, "import", "--store", "neo4j", "--neo4j-uri", srv.URI(), "--neo4j-user", user, "--neo4j-password", password, file)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("orgnet import: %v\n%s", err, out)
	}
	for name, ev := range map[string]<-chan wsChange{"A": eventsA, "B": eventsB} {
		c := waitChange(t, ev, func(c wsChange) bool { return slices.Contains(c.IDs, imported) }, 10*time.Second)
		if c.Operation != "import" {
			t.Errorf("%s heard the import as %+v", name, c)
		}
	}

	// Kill A under load.
	la, lb := newLoad(a+"/graphql", "replica-a-"+tag), newLoad(b+"/graphql", "replica-b-"+tag)
	lctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); la.run(lctx, 2, true) }()
	go func() { defer wg.Done(); lb.run(lctx, 2, true) }()
	la.waitAcks(t, 20, time.Minute)
	lb.waitAcks(t, 20, time.Minute)
	if err := childA.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := lb.ackCount()
	lb.waitAcks(t, killed+20, time.Minute)
	stop()
	wg.Wait()
	if fails := sumExcept(lb.codes, "ok"); fails > 0 {
		t.Errorf("B failed %d requests while A was killed: %v", fails, lb.codes)
	}
	t.Logf("A killed after %d acknowledged writes through it; B answered %v", la.ackCount(), lb.codes)
	checkWrites(t, st, la.prefix, la.acked)
	checkWrites(t, st, lb.prefix, lb.acked)
}

func sumExcept(m map[string]int, key string) int {
	n := 0
	for k, v := range m {
		if k != key {
			n += v
		}
	}
	return n
}

// buildOrgnet builds the orgnet command into a temporary directory.
func buildOrgnet(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "orgnet")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/orgnet/orgnet/cmd/orgnet")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build orgnet: %v\n%s", err, out)
	}
	return bin
}

type gqlAnswer struct {
	data     json.RawMessage
	errors   []any
	bookmark string
}

// gqlPost sends a GraphQL request (with a bookmark when not "") and fails the
// test on any error.
func gqlPost(t *testing.T, url, query string, vars map[string]any, bookmark string) gqlAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if bookmark != "" {
		req.Header.Set(gql.BookmarkHeader, bookmark)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, raw)
	}
	return gqlAnswer{data: r.Data, errors: r.Errors, bookmark: resp.Header.Get(gql.BookmarkHeader)}
}

type wsChange struct {
	Seq       string   `json:"seq"`
	Kind      string   `json:"kind"`
	Operation string   `json:"operation"`
	IDs       []string `json:"ids"`
}

// subscribeWS subscribes to graphChanged on base over graphql-transport-ws
// and returns the changes it hears until the test ends.
func subscribeWS(t *testing.T, base string) <-chan wsChange {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("websocket to %s: %v", base, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	if err := wsjson.Write(ctx, c, msg{Type: "connection_init", Payload: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	var ack msg
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v %v", ack, err)
	}
	q, _ := json.Marshal(map[string]any{"query": `subscription { graphChanged { seq kind operation ids } }`})
	if err := wsjson.Write(ctx, c, msg{ID: "1", Type: "subscribe", Payload: q}); err != nil {
		t.Fatal(err)
	}
	out := make(chan wsChange, 1024)
	go func() {
		defer close(out)
		for {
			var m msg
			if err := wsjson.Read(ctx, c, &m); err != nil {
				return
			}
			switch m.Type {
			case "ping":
				_ = wsjson.Write(ctx, c, msg{Type: "pong"})
			case "next":
				var p struct {
					Data struct {
						GraphChanged wsChange `json:"graphChanged"`
					} `json:"data"`
				}
				if json.Unmarshal(m.Payload, &p) == nil {
					out <- p.Data.GraphChanged
				}
			}
		}
	}()
	// The subscription is registered once the server has read its first
	// message; a round of ping shows the socket is served.
	time.Sleep(200 * time.Millisecond)
	return out
}

// waitChange returns the first change that ok accepts, skipping others.
func waitChange(t *testing.T, ch <-chan wsChange, ok func(wsChange) bool, within time.Duration) wsChange {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case c, open := <-ch:
			if !open {
				t.Fatal("the subscription ended")
			}
			if ok(c) {
				return c
			}
		case <-deadline:
			t.Fatalf("no such change within %v", within)
		}
	}
}
