// Package examples holds the example GraphQL operations that GraphiQL opens
// with and that the README quotes; tests run every one of them.
package examples

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed examples.json
var raw []byte

// Example is one named operation.
type Example struct {
	Name      string         `json:"name"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// JSON returns the examples as served at /graphiql/examples.json.
func JSON() []byte { return raw }

// All returns the examples.
func All() ([]Example, error) {
	var ex []Example
	if err := json.Unmarshal(raw, &ex); err != nil {
		return nil, fmt.Errorf("examples.json: %w", err)
	}
	return ex, nil
}
