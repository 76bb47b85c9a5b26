package server_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
	"github.com/orgnet/orgnet/server/gql/model"
)

const exampleDir = "../interchange/testdata/example"

// exampleZip is interchange/testdata/example as a zip of its CSV files.
func exampleZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"nodes.csv", "relationships.csv"} {
		data, err := os.ReadFile(filepath.Join(exampleDir, name))
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exampleJSON is the example as an orgnet JSON file without provenance (so
// that the import gives it the upload's name as its ref).
func exampleJSON(t *testing.T) []byte {
	t.Helper()
	scratch := testenv.Memory(t)
	files := []string{filepath.Join(exampleDir, "nodes.csv"), filepath.Join(exampleDir, "relationships.csv")}
	if _, err := interchange.Import(context.Background(), scratch, files, interchange.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	snap, err := scratch.Snapshot(context.Background(), graph.View{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := interchange.Write(&buf, interchange.JSON, snap); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"nodes", "edges"} {
		items, _ := doc[key].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				delete(m, "provenance")
			}
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func brokenFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../interchange/testdata/broken", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type importFixture struct {
	app    http.Handler
	h      *harness
	store  graph.Store
	audit  *auth.AuditLog
	broker *gql.Broker
}

func newImportFixture(t *testing.T, open func(testing.TB) graph.Store, name string, limit int64) *importFixture {
	t.Helper()
	s := open(t)
	f := newSecFixture(t)
	audit, err := auth.OpenAuditLog(filepath.Join(t.TempDir(), "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	b := gql.NewBroker()
	app := server.New(server.Config{Store: s, StoreName: name, Logger: slog.New(slog.DiscardHandler), Broker: b,
		GQL: gql.Options{AuditLog: audit}, ImportLimit: limit,
		Security: server.Security{Auth: f.authn(t, false, auth.RoleNone), AdminPaths: []string{"/metrics", "/import"}}})
	h := newHarness(t, s, name)
	h.h = app
	return &importFixture{app: app, h: h, store: s, audit: audit, broker: b}
}

type importAnswer struct {
	DryRun       bool `json:"dryRun"`
	Nodes        int  `json:"nodes"`
	Edges        int  `json:"edges"`
	NodesCreated int  `json:"nodesCreated"`
	Errors       []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code     string   `json:"code"`
			Problems []string `json:"problems"`
		} `json:"extensions"`
	} `json:"errors"`
}

func (f *importFixture) post(t *testing.T, query, token string, body []byte, header ...string) (int, importAnswer) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/import"+query, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if len(header) > 0 && header[0] == "chunked" {
		req.ContentLength = -1 // length unknown: the limit must hold while reading
	}
	rec := httptest.NewRecorder()
	f.app.ServeHTTP(rec, req)
	var a importAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("POST /import%s: %d, not JSON: %s", query, rec.Code, rec.Body.String())
	}
	if rec.Code >= 500 {
		t.Fatalf("POST /import%s: %d: %s", query, rec.Code, rec.Body.String())
	}
	return rec.Code, a
}

var problemPlace = regexp.MustCompile(`^[^:]+(:\d+:\d+)?: .+`)

// TestImportHTTP: POST /import on both stores. Admins import the example as
// JSON or zip and see it over GraphQL, audited and published; a dry run, a
// broken file, a wrong format, an over-limit body and every caller below
// admin change nothing.
func TestImportHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		js, zp := exampleJSON(t), exampleZip(t)
		bomb, wide := zipBomb(t, 300<<20), wideCSV(1_000_000)
		big := append(bytes.Repeat([]byte(" "), 3<<20), js...) // over the 2 MB GraphQL body limit
		tests := []struct {
			name    string
			query   string
			token   string
			body    []byte
			header  []string
			limit   int64
			status  int
			code    string // of the error
			write   bool   // the store changes
			ref     string // provenance ref of what was imported
			wantMsg string // in the first problem
		}{
			{name: "admin json", query: "?name=example.json", token: adminTok, body: js, status: 200, write: true, ref: "example.json"},
			{name: "admin json, sniffed, default name", token: adminTok, body: js, status: 200, write: true, ref: "upload"},
			{name: "admin zip by Content-Disposition", token: adminTok, body: zp, header: []string{"Content-Disposition", `attachment; filename="example.zip"`}, status: 200, write: true, ref: "nodes.csv"},
			{name: "admin zip, format given", query: "?format=zip&name=x", token: adminTok, body: zp, status: 200, write: true, ref: "nodes.csv"},
			{name: "dry run", query: "?dryRun=true", token: adminTok, body: zp, status: 200},
			{name: "dry run over the GraphQL body limit", query: "?dryRun=true&format=json", token: adminTok, body: big, status: 200},
			{name: "broken json", query: "?name=bad_fields.json", token: adminTok, body: brokenFile(t, "bad_fields.json"), status: 400, code: "BAD_USER_INPUT", wantMsg: "bad_fields.json:4:87: tier must be an integer"},
			{name: "broken graphml", query: "?name=bad_values.graphml", token: adminTok, body: brokenFile(t, "bad_values.graphml"), status: 400, code: "BAD_USER_INPUT", wantMsg: "bad_values.graphml:"},
			{name: "broken csv", query: "?format=csv&name=dangling_edge.csv", token: adminTok, body: brokenFile(t, "dangling_edge.csv"), status: 400, code: "BAD_USER_INPUT", wantMsg: "dangling_edge.csv:"},
			{name: "truncated json", query: "?name=truncated.json", token: adminTok, body: brokenFile(t, "truncated.json"), status: 400, code: "BAD_USER_INPUT", wantMsg: "truncated.json:"},
			{name: "not a zip", query: "?format=zip", token: adminTok, body: js, status: 400, code: "BAD_USER_INPUT", wantMsg: "cannot read the zip"},
			{name: "wrong format", query: "?format=gexf", token: adminTok, body: js, status: 400, code: "BAD_USER_INPUT"},
			{name: "unknown content", token: adminTok, body: []byte("hello, world"), status: 400, code: "BAD_USER_INPUT"},
			{name: "empty body", token: adminTok, body: nil, status: 400, code: "BAD_USER_INPUT"},
			{name: "bad dryRun", query: "?dryRun=maybe", token: adminTok, body: js, status: 400, code: "BAD_USER_INPUT"},
			{name: "over the limit", token: adminTok, body: js, limit: 1024, status: 413, code: "BAD_USER_INPUT"},
			{name: "over the limit, length unknown", token: adminTok, body: js, header: []string{"chunked", "1"}, limit: 1024, status: 413, code: "BAD_USER_INPUT"},
			{name: "zip over the limit unpacked", query: "?format=zip", token: adminTok, body: zp, limit: int64(len(zp)) + 1, status: 400, code: "BAD_USER_INPUT", wantMsg: "more than the import limit"},
			// Hostile inputs (issue #15, row 9): a 386 KB zip that unpacks to
			// 300 MiB is refused from its directory, nothing unpacked; a CSV
			// header of a million columns at the header.
			{name: "zip bomb", query: "?name=bomb.zip", token: adminTok, body: bomb, status: 400, code: "BAD_USER_INPUT",
				wantMsg: "bomb.zip: the zip unpacks to 314572800 bytes, more than the import limit (268435456 bytes in all)"},
			{name: "a million CSV columns", query: "?format=csv&name=wide.csv", token: adminTok, body: wide, status: 400, code: "BAD_USER_INPUT",
				wantMsg: "the header has 1000000 columns; a CSV file may have at most 128"},
			{name: "editor", token: editorTok, body: js, status: 403, code: "FORBIDDEN"},
			{name: "viewer", token: viewerTok, body: js, status: 403, code: "FORBIDDEN"},
			{name: "anonymous", body: js, status: 401, code: "UNAUTHENTICATED"},
			{name: "bad token", token: "not-a-token-0123456789", body: js, status: 401, code: "UNAUTHENTICATED"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := newImportFixture(t, open, name, tt.limit)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				changes := f.broker.Subscribe(ctx, nil, nil)
				before := snapshotJSON(t, f.store)
				status, a := f.post(t, tt.query, tt.token, tt.body, tt.header...)
				if status != tt.status {
					t.Fatalf("status %d, want %d: %+v", status, tt.status, a)
				}
				after := snapshotJSON(t, f.store)
				if changed := before != after; changed != tt.write {
					t.Errorf("store changed: %v, want %v", changed, tt.write)
				}
				entries, _ := f.audit.List(auth.AuditQuery{})
				if tt.code != "" {
					if len(a.Errors) == 0 || a.Errors[0].Extensions.Code != tt.code {
						t.Fatalf("errors %+v, want code %s", a.Errors, tt.code)
					}
					if tt.wantMsg != "" {
						p := a.Errors[0].Extensions.Problems
						if len(p) == 0 || !strings.Contains(p[0], tt.wantMsg) {
							t.Errorf("problems %q, want the first with %q", p, tt.wantMsg)
						}
						for _, s := range p {
							if !problemPlace.MatchString(s) {
								t.Errorf("problem %q does not say file:line:col", s)
							}
						}
					}
					if len(entries) != 0 {
						t.Errorf("refused import audited: %+v", entries)
					}
					return
				}
				if a.Nodes != 5 || a.Edges != 6 || a.DryRun != (tt.write == false) {
					t.Errorf("answer %+v, want 5 nodes, 6 edges, dryRun %v", a, !tt.write)
				}
				if !tt.write {
					if len(entries) != 0 {
						t.Errorf("dry run audited: %+v", entries)
					}
					return
				}
				// Visible over GraphQL, marked USER with the upload's name.
				var got struct {
					Organisation struct {
						Name       string
						Provenance struct{ Source, Ref string }
						Alliances  []struct{ Alliance struct{ ID string } }
					}
				}
				r := f.h.do(`{ organisation(id: "org:east-village") { name provenance { source ref } alliances { alliance { id } } } }`, nil,
					"Authorization", "Bearer "+viewerTok)
				if len(r.Errors) > 0 || json.Unmarshal(r.Data, &got) != nil {
					t.Fatalf("query the import as a viewer: %s %+v", r.Data, r.Errors)
				}
				o := got.Organisation
				if o.Name != "东村" || o.Provenance.Source != "USER" || o.Provenance.Ref != tt.ref || len(o.Alliances) != 1 || o.Alliances[0].Alliance.ID != "alliance:east" {
					t.Errorf("imported organisation over GraphQL: %+v, want 东村, USER %q, alliance:east", o, tt.ref)
				}
				if len(entries) != 1 || entries[0].Operation != "import" || entries[0].Actor != "Ada Admin" || entries[0].Role != "admin" ||
					entries[0].Arguments["nodes"] != float64(5) && entries[0].Arguments["nodes"] != 5 {
					t.Errorf("audit log %+v, want one import by Ada Admin with its counts", entries)
				}
				select {
				case c := <-changes:
					if c.Operation != "import" || c.Kind != model.ChangeKindCreated || c.Seq == "" || c.NodeCount != 5 {
						t.Errorf("published %+v, want the import's change (CREATED, 5 nodes)", c)
					}
				case <-time.After(5 * time.Second):
					t.Error("no graph change published")
				}
			})
		}
	})
}

// zipBomb is a zip holding one nodes.csv of size bytes (a header, then
// spaces): a few hundred KB that unpack to size.
func zipBomb(tb testing.TB, size int64) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate})
	if err != nil {
		tb.Fatal(err)
	}
	head := "id:ID,:LABEL,name\n"
	io.WriteString(w, head)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for left := size - int64(len(head)); left > 0; left -= int64(len(chunk)) {
		w.Write(chunk[:min(int64(len(chunk)), left)])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// wideCSV is a nodes file whose header has n columns.
func wideCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id:ID,:LABEL,name")
	for i := 3; i < n; i++ {
		fmt.Fprintf(&b, ",c%d", i)
	}
	b.WriteString("\norg:x,Organisation,X\n")
	return b.Bytes()
}

// TestImportOneAtATime: while an import runs, another is answered 503
// UNAVAILABLE at once (the memory an import holds is bounded per process,
// not per request), and nothing is written; then imports go on.
func TestImportOneAtATime(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		f := newImportFixture(t, open, name, 0)
		before := snapshotJSON(t, f.store)
		pr, pw := io.Pipe()
		first := make(chan int, 1)
		go func() {
			req := httptest.NewRequest(http.MethodPost, "/import?format=json&name=slow.json", pr)
			req.Header.Set("Authorization", "Bearer "+adminTok)
			req.ContentLength = -1
			rec := httptest.NewRecorder()
			f.app.ServeHTTP(rec, req)
			first <- rec.Code
		}()
		pw.Write([]byte("{")) // the first import is reading its body
		deadline := time.Now().Add(10 * time.Second)
		js := exampleJSON(t)
		for {
			req := httptest.NewRequest(http.MethodPost, "/import?name=example.json", bytes.NewReader(js))
			req.Header.Set("Authorization", "Bearer "+adminTok)
			rec := httptest.NewRecorder()
			f.app.ServeHTTP(rec, req)
			if rec.Code == http.StatusServiceUnavailable {
				var a importAnswer
				_ = json.Unmarshal(rec.Body.Bytes(), &a)
				if len(a.Errors) == 0 || a.Errors[0].Extensions.Code != "UNAVAILABLE" || !strings.Contains(a.Errors[0].Message, "another import is running") ||
					rec.Header().Get("Retry-After") == "" {
					t.Errorf("second import: %s (Retry-After %q); want UNAVAILABLE, another import is running", rec.Body.String(), rec.Header().Get("Retry-After"))
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a second import during the first answered %d; want 503", rec.Code)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if after := snapshotJSON(t, f.store); after != before {
			t.Error("the refused import changed the store")
		}
		pw.CloseWithError(errors.New("client gone"))
		if code := <-first; code != http.StatusBadRequest {
			t.Errorf("the first import, its body cut: %d; want 400", code)
		}
		if status, a := f.post(t, "?name=example.json", adminTok, exampleJSON(t)); status != http.StatusOK {
			t.Errorf("an import after the first ended: %d %+v", status, a)
		}
	})
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "256MiB", want: 256 << 20}, {in: "256M", want: 256 << 20}, {in: "256MB", want: 256 << 20},
		{in: "2G", want: 2 << 30}, {in: "512KiB", want: 512 << 10}, {in: "1048576", want: 1 << 20}, {in: " 1k ", want: 1 << 10},
		{in: "", bad: true}, {in: "lots", bad: true}, {in: "-1M", bad: true}, {in: "1T", bad: true}, {in: "99999999999G", bad: true},
	} {
		got, err := server.ParseSize(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}
