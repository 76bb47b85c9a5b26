package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/seed"
	"github.com/orgnet/orgnet/server"
)

// faultyStore fails Related (or FindNodes) with err: a store that breaks
// in the middle of an export. With delay, FindNodes takes that long (and
// counts its calls).
type faultyStore struct {
	graph.Store
	related, find error
	delay         time.Duration
	finds         atomic.Int64
}

func (f *faultyStore) Related(ctx context.Context, v graph.View, ids []string, q graph.RelQuery) (map[string][]graph.Related, error) {
	if f.related != nil {
		return nil, f.related
	}
	return f.Store.Related(ctx, v, ids, q)
}

func (f *faultyStore) FindNodes(ctx context.Context, v graph.View, flt graph.NodeFilter, p graph.PageArgs) (*graph.NodePage, error) {
	f.finds.Add(1)
	if f.find != nil {
		return nil, f.find
	}
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.Store.FindNodes(ctx, v, flt, p)
}

// TestExportFaults: a fault before the first byte of an export is answered
// with its status and the API's JSON error; one after the download began
// cuts the connection, so that the client sees an incomplete download
// instead of a short file that looks whole. The whole graph is written as
// it is read: 3,000 nodes are sent before the edges are read (and fail).
func TestExportFaults(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		s := open(t)
		var b graph.Batch
		for i := range 3000 {
			b.Nodes = append(b.Nodes, graph.Node{ID: fmt.Sprintf("person:p%04d", i), Label: graph.LabelPerson, Kind: "PERSON", Name: fmt.Sprintf("人%04d", i)})
		}
		if _, err := s.Apply(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		serve := func(fs *faultyStore) *httptest.Server {
			srv := httptest.NewServer(server.New(server.Config{Store: fs, StoreName: name, Logger: slog.New(slog.DiscardHandler), RequestTimeout: 300 * time.Millisecond}))
			t.Cleanup(srv.Close)
			return srv
		}

		// An export outlives the request timeout (300 ms here): 3,000
		// nodes at 100 ms a page of 500 take twice as long, and arrive whole.
		slow := &faultyStore{Store: s, delay: 100 * time.Millisecond}
		srv := serve(slow)
		resp, err := http.Get(srv.URL + "/export/json")
		if err != nil {
			t.Fatal(err)
		}
		var dump struct{ Nodes []struct{ ID string } }
		err = json.NewDecoder(resp.Body).Decode(&dump)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || len(dump.Nodes) != 3000 {
			t.Errorf("a slow export: %d, %v, %d nodes; want 200 and all 3,000", resp.StatusCode, err, len(dump.Nodes))
		}
		// … but not its client: gone after the first bytes, the export
		// stops reading the store.
		slow.finds.Store(0)
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/export/csv", nil)
		go func() { time.Sleep(250 * time.Millisecond); cancel() }()
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(300 * time.Millisecond)
		calls := slow.finds.Load()
		time.Sleep(time.Second)
		if after := slow.finds.Load(); after != calls || calls > 6 {
			t.Errorf("after the client went away the export read %d pages, then %d more; want it stopped", calls, after-calls)
		}

		// Two workbook exports at a time: a third is answered 503.
		slow.finds.Store(0)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if resp, err := http.Get(srv.URL + "/export/xlsx"); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			})
		}
		for deadline := time.Now().Add(10 * time.Second); slow.finds.Load() < 2 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		resp, err = http.Get(srv.URL + "/export/xlsx")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "UNAVAILABLE") || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a third workbook export: %d %s; want 503 UNAVAILABLE with Retry-After", resp.StatusCode, body)
		}
		wg.Wait()

		// The edges fail after the nodes went out: the body ends in an error.
		srv = serve(&faultyStore{Store: s, related: errors.New("disk on fire")})
		resp, err = http.Get(srv.URL + "/export/json")
		if err != nil {
			t.Fatal(err)
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err == nil || !strings.Contains(string(body), "person:p1000") {
			t.Errorf("export failing after 3,000 nodes: status %d, %d bytes read, read error %v; want 200, the nodes, then a cut connection", resp.StatusCode, len(body), err)
		}

		// The store is down before anything was written: 503, as JSON.
		srv = serve(&faultyStore{Store: s, find: graph.Errorf(graph.CodeUnavailable, "the store is down")})
		for _, format := range []string{"json", "csv", "graphml", "gexf", "cytoscape", "g6"} {
			resp, err := http.Get(srv.URL + "/export/" + format)
			if err != nil {
				t.Fatal(err)
			}
			var e struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			err = json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || err != nil || len(e.Errors) != 1 || e.Errors[0].Extensions.Code != "UNAVAILABLE" ||
				e.Errors[0].Message != "the store is down" || resp.Header.Get("Content-Disposition") != "" {
				t.Errorf("%s with the store down: %d %+v (%v), Content-Disposition %q; want 503 UNAVAILABLE as JSON, no download",
					format, resp.StatusCode, e, err, resp.Header.Get("Content-Disposition"))
			}
		}
	})
}

// book is a workbook made with excelize: sheet name, then rows.
func book(t testing.TB, name string, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSpreadsheetsHTTP: the template downloads from /export/xlsx-template;
// an office's workbook imports over POST /import (told by its name or by
// its bytes), is refused with every problem by cell and nothing written
// when it has mistakes, and comes back from /export/xlsx; on both stores.
func TestSpreadsheetsHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		f := newImportFixture(t, open, name, 0)
		if _, err := f.store.Apply(context.Background(), seed.Yuelin()); err != nil {
			t.Fatal(err)
		}
		get := func(path string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+viewerTok)
			f.app.ServeHTTP(rec, req)
			return rec
		}
		rec := get("/export/xlsx-template")
		if rec.Code != 200 || rec.Header().Get("Content-Type") != interchange.ContentType(interchange.XLSX) ||
			!strings.Contains(rec.Header().Get("Content-Disposition"), `filename="orgnet-template.xlsx"`) || !interchange.IsXLSX(rec.Body.Bytes()) {
			t.Fatalf("GET /export/xlsx-template: %d %v", rec.Code, rec.Header())
		}

		before := snapshotJSON(t, f.store)
		bad := book(t, "组织", []any{"名称", "类型", "上级"}, []any{"新华村", "村", "岳林街道党委"})
		status, a := f.post(t, "?name=office.xlsx", adminTok, bad)
		if status != 400 || len(a.Errors) == 0 || a.Errors[0].Extensions.Code != "BAD_USER_INPUT" ||
			!slices.Equal(a.Errors[0].Extensions.Problems, []string{`office.xlsx: 组织!C2: 上级 "岳林街道党委" not found; did you mean 岳林街道党工委?`}) {
			t.Errorf("workbook with a mistake: %d %+v", status, a)
		}
		if snapshotJSON(t, f.store) != before {
			t.Error("the refused workbook changed the store")
		}
		status, a = f.post(t, "?name=office.xlsx", adminTok, book(t, "组织", []any{"名称", "类型", "上级"}, []any{"新华村", "村", "岳林街道党工委"}))
		if status != 200 || a.Nodes != 1 || a.Edges != 1 || a.NodesCreated != 1 {
			t.Fatalf("workbook: %d %+v", status, a)
		}
		n, err := f.store.Node(context.Background(), graph.View{}, "org:xin-hua-cun")
		if err != nil || n.Provenance.Ref != "office.xlsx" {
			t.Fatalf("imported village: %+v, %v", n, err)
		}
		// Told by its bytes: a zip holding a workbook.
		status, a = f.post(t, "", adminTok, book(t, "Organisations", []any{"name", "kind", "parent"}, []any{"东风村", "VILLAGE", "新华村"}))
		if status != 200 || a.NodesCreated != 1 {
			t.Fatalf("workbook without a name: %d %+v", status, a)
		}

		rec = get("/export/xlsx")
		if rec.Code != 200 || !interchange.IsXLSX(rec.Body.Bytes()) || !strings.Contains(rec.Header().Get("Content-Disposition"), `filename="orgnet.xlsx"`) {
			t.Fatalf("GET /export/xlsx: %d %v", rec.Code, rec.Header())
		}
		wb, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		rows, _ := wb.GetRows("组织")
		found := false
		for _, r := range rows {
			found = found || (len(r) > 6 && r[0] == "org:dong-feng-cun" && r[1] == "东风村" && r[3] == "村" && r[5] == "新华村" && r[6] == "org:xin-hua-cun")
		}
		if !found {
			t.Errorf("the export has no row 东风村 under 新华村: %v", rows[:min(3, len(rows))])
		}
	})
}
