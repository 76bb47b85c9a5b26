package gqlhttp

import (
	"encoding/json"
)

// appendResponse appends r to b exactly as json.Marshal(r) writes it
// (TestAppendResponse), without json.Marshal's second pass over Data.
//
// json.Marshal validates and copies a json.RawMessage (the data gqlgen has
// just written, valid by construction) byte by byte: 11% of orgnet's
// instructions for a subtree of 238 nodes (callgrind, BenchmarkServe in
// bench/serve_test.go). Errors and extensions are small and go through
// json.Marshal still.
func appendResponse(b []byte, r response) ([]byte, error) {
	b = append(b, '{')
	sep := false
	if len(r.Errors) > 0 {
		errs, err := json.Marshal(r.Errors)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `"errors":`...), errs...)
		sep = true
	}
	if len(r.Data) > 0 {
		if sep {
			b = append(b, ',')
		}
		b = appendHTMLEscaped(append(b, `"data":`...), r.Data)
		sep = true
	}
	if len(r.Extensions) > 0 {
		ext, err := json.Marshal(r.Extensions)
		if err != nil {
			return nil, err
		}
		if sep {
			b = append(b, ',')
		}
		b = append(append(b, `"extensions":`...), ext...)
	}
	return append(b, '}'), nil
}

// appendHTMLEscaped appends the JSON value v, escaping <, > and & and the
// line and paragraph separators U+2028 and U+2029 as json.Marshal does in
// a json.RawMessage (they occur only inside strings of valid JSON).
func appendHTMLEscaped(b, v []byte) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '<' || c == '>' || c == '&' {
			b = append(b, v[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		}
		// U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
		if c == 0xE2 && i+2 < len(v) && v[i+1] == 0x80 && v[i+2]&^1 == 0xA8 {
			b = append(b, v[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[v[i+2]&0xF])
			start = i + 3
			i += 2
		}
	}
	return append(b, v[start:]...)
}
