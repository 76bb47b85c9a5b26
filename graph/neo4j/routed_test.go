package neo4j

import (
	"net/url"
	"testing"
)

func TestRouted(t *testing.T) {
	for _, tc := range []struct {
		uri  string
		want bool
	}{
		{"bolt://127.0.0.1:7687", false},
		{"bolt+s://db.example:7687", false},
		{"bolt+ssc://db.example:7687", false},
		{"neo4j://cluster.example:7687", true},
		{"neo4j+s://cluster.example", true},
		{"neo4j+ssc://cluster.example", true},
	} {
		u, err := url.Parse(tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		if got := routed(*u); got != tc.want {
			t.Errorf("routed(%s) = %v, want %v", tc.uri, got, tc.want)
		}
	}
}
