package gqlhttp

import (
	"encoding/json"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestAppendResponse: appendResponse writes what json.Marshal writes.
func TestAppendResponse(t *testing.T) {
	for _, tc := range []struct {
		name string
		resp response
	}{
		{"data", response{Data: json.RawMessage(`{"a":[1,2,{"b":"c"}]}`)}},
		{"nothing", response{}},
		{"null data", response{Data: json.RawMessage(`null`)}},
		{"errors", response{Errors: gqlerror.List{{Message: "m <&>", Path: ast.Path{ast.PathName("x"), ast.PathIndex(1)},
			Extensions: map[string]any{"code": "NOT_FOUND", "data": nil}}}, Data: json.RawMessage(`{"x":null}`)}},
		{"errors only", response{Errors: gqlerror.List{{Message: "bad"}}}},
		{"errors and extensions", response{Errors: gqlerror.List{{Message: "bad"}}, Extensions: map[string]any{"a": 1}}},
		{"html and separators", response{Data: json.RawMessage("{\"n\":\"<b>&amp; a\u2028b\u2029c 中文 \\\"q\\\"\"}")}},
		{"extensions", response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"roundTrips": 1, "a": "<"}}},
		{"extensions only", response{Extensions: map[string]any{"roundTrips": 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendResponse(nil, tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("appendResponse = %s\n           want %s", got, want)
			}
		})
	}
}
