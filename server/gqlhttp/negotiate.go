package gqlhttp

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// The media types of a GraphQL response (spec §Serialization Format, Media
// Types). Both are written in UTF-8 and say so.
const (
	// MediaGraphQLResponse is the preferred type: its status codes tell a
	// request error (4xx, no data entry) from a result (200).
	MediaGraphQLResponse = "application/graphql-response+json"
	// MediaJSON is the legacy type: every well-formed request is answered
	// 200, errors in the body.
	MediaJSON = "application/json"
)

// ContentType is the Content-Type header of a response in media type m.
func ContentType(m string) string { return m + "; charset=utf-8" }

// Negotiate returns the media type a response to r is written in, from its
// Accept header (RFC 9110 §12.5.1): the supported type with the highest
// weight; at equal weight the one matched more specifically (a type named
// outright before application/* before */*), then the one listed first.
// Without an Accept header it is MediaGraphQLResponse (spec §Legacy
// watershed: "From 1st January 2025 … if the client does not supply an
// Accept header, the server SHOULD treat the request as if it had Accept:
// application/graphql-response+json"); a wildcard alone (*/* or
// application/*, as curl and browsers send) chooses MediaJSON, the type
// every legacy client reads (the graphql-http audit's 47DE). ok is false
// when the header accepts neither type (nor a wildcard), or only with a
// charset other than UTF-8: the server answers 406.
func Negotiate(r *http.Request) (media string, ok bool) {
	values := r.Header.Values("Accept")
	if len(values) == 0 {
		return MediaGraphQLResponse, true
	}
	type choice struct {
		q           float64
		specificity int // 2 named, 1 application/*, 0 */*
		order       int
	}
	best := map[string]choice{}
	order := 0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mt, params, err := mime.ParseMediaType(part)
			if err != nil {
				continue
			}
			order++
			q := 1.0
			if s, ok := params["q"]; ok {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil || f < 0 || f > 1 {
					continue
				}
				q = f
			}
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
				continue
			}
			for _, m := range []string{MediaGraphQLResponse, MediaJSON} {
				spec := -1
				switch mt {
				case m:
					spec = 2
				case "application/*":
					spec = 1
				case "*/*":
					spec = 0
				}
				if spec < 0 {
					continue
				}
				// The most specific range that matches a type sets its
				// weight (RFC 9110 §12.5.1).
				if c, seen := best[m]; !seen || spec > c.specificity {
					best[m] = choice{q: q, specificity: spec, order: order}
				}
			}
		}
	}
	media, found := "", choice{}
	for _, m := range []string{MediaJSON, MediaGraphQLResponse} {
		c, ok := best[m]
		if !ok || c.q <= 0 {
			continue
		}
		better := media == "" || c.q > found.q ||
			c.q == found.q && (c.specificity > found.specificity ||
				c.specificity == found.specificity && c.specificity == 2 && c.order < found.order)
		if better {
			media, found = m, c
		}
	}
	return media, media != ""
}
