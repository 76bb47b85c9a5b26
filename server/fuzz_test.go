package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/server/examples"
)

// FuzzGraphQL sends arbitrary documents and variables to the in-process
// handler over a seeded memory store: no panic, no 5xx, and the answer is
// JSON. The seeds are every GraphiQL example plus testdata/fuzz/FuzzGraphQL
// (real and hostile queries); without -fuzz they run as a normal test.
func FuzzGraphQL(f *testing.F) {
	all, err := examples.All()
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range all {
		vars, _ := json.Marshal(e.Variables)
		f.Add(e.Query, vars)
	}
	f.Add(`mutation { createOrganisation(input: {id: "org:fuzz", kind: PARTY_BRANCH, name: "x", parentId: "org:yuelin-party-working-committee"}) { id } }`, []byte(`null`))
	f.Add(`query($t: String!) { search(text: $t) { id } }`, []byte(`{"t": "'}) DETACH DELETE n //"}`))
	h := seeded(f, testenv.Memory, "memory")
	f.Fuzz(func(t *testing.T, query string, vars []byte) {
		body, err := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(vars)})
		if err != nil {
			// vars is not JSON: send it raw as the variables text.
			body = []byte(`{"query":` + jsonString(query) + `,"variables":` + string(vars) + `}`)
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q %q: %.500s", rec.Code, query, vars, rec.Body.String())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("response is not JSON (%d) for %q: %.500s", rec.Code, query, rec.Body.String())
		}
	})
}
