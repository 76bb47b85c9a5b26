package gqlhttp

import (
	"net/http/httptest"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept []string
		want   string // "" : not acceptable
	}{
		{nil, MediaGraphQLResponse},
		{[]string{"application/json"}, MediaJSON},
		{[]string{"application/graphql-response+json"}, MediaGraphQLResponse},
		{[]string{"application/graphql-response+json, application/json;q=0.9"}, MediaGraphQLResponse},
		{[]string{"application/json, application/graphql-response+json"}, MediaJSON},
		{[]string{"application/graphql-response+json;q=0.2, application/json;q=0.8"}, MediaJSON},
		{[]string{"*/*"}, MediaJSON},
		{[]string{"application/*"}, MediaJSON},
		{[]string{"*/*;q=0.1, application/graphql-response+json"}, MediaGraphQLResponse},
		{[]string{"text/html", "application/json"}, MediaJSON}, // two header lines
		{[]string{"application/json;q=0, */*"}, MediaGraphQLResponse},
		{[]string{"application/json; charset=utf-8"}, MediaJSON},
		{[]string{"application/json; charset=latin1"}, ""},
		{[]string{"text/html"}, ""},
		{[]string{"application/json;q=0"}, ""},
		{[]string{"application/json;q=2"}, ""},
		{[]string{"garbage;;;"}, ""},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("POST", "/graphql", nil)
		for _, a := range tc.accept {
			r.Header.Add("Accept", a)
		}
		got, ok := Negotiate(r)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("Negotiate(Accept %q) = %q, %v; want %q", tc.accept, got, ok, tc.want)
		}
	}
}
