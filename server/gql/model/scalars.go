package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/orgnet/orgnet/graph"
)

// MarshalDate writes a date, or null for "".
func MarshalDate(d string) graphql.Marshaler {
	if d == "" {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(d)) })
}

// UnmarshalDate reads and checks a date.
func UnmarshalDate(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("a Date must be a string of the form YYYY-MM-DD, got %T", v)
	}
	if err := graph.ValidateDate("date", s); err != nil {
		return "", err
	}
	return s, nil
}
