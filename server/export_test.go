package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/server"
)

// faultyStore fails Related (or FindNodes) with err: a store that breaks
// in the middle of an export.
type faultyStore struct {
	graph.Store
	related, find error
}

func (f *faultyStore) Related(ctx context.Context, ids []string, q graph.RelQuery) (map[string][]graph.Related, error) {
	if f.related != nil {
		return nil, f.related
	}
	return f.Store.Related(ctx, ids, q)
}

func (f *faultyStore) FindNodes(ctx context.Context, flt graph.NodeFilter, p graph.PageArgs) (*graph.NodePage, error) {
	if f.find != nil {
		return nil, f.find
	}
	return f.Store.FindNodes(ctx, flt, p)
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
			srv := httptest.NewServer(server.New(server.Config{Store: fs, StoreName: name, Logger: slog.New(slog.DiscardHandler)}))
			t.Cleanup(srv.Close)
			return srv
		}

		// The edges fail after the nodes went out: the body ends in an error.
		srv := serve(&faultyStore{Store: s, related: errors.New("disk on fire")})
		resp, err := http.Get(srv.URL + "/export/json")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
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
