package server_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/internal/testenv"
	"github.com/orgnet/orgnet/server"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
	"github.com/orgnet/orgnet/server/gqlhttp"
)

// httpCase is one rule of the GraphQL-over-HTTP specification
// (https://graphql.github.io/graphql-over-http/draft/), quoted in its name,
// as one request and what the answer must be under each response media
// type.
type httpCase struct {
	rule    string
	method  string
	target  string // path and query; "/graphql" when empty
	ctype   string // Content-Type of the request ("-": none)
	body    string
	headers []string
	viewer  bool // served to an anonymous viewer (else an editor)
	// What the answer is, per media type the request accepts.
	json, graphqlResponse want
}

// want is an expected answer: status, whether the body has a data entry,
// the first error's code and reason, and headers.
type want struct {
	status       int
	data         bool
	code, reason string
	headers      []string // name, value pairs
}

const (
	okQuery       = `{"query":"{ stats { nodes } }"}`
	twoOperations = `{"query":"query A { stats { nodes } } query B { stats { edges } }"}`
)

// request-error is the pair of answers the spec gives a request error of a
// well-formed request: 200 under application/json, 400 without data under
// application/graphql-response+json.
func requestError(reason string) (want, want) {
	return want{status: 200, code: gql.CodeBadUserInput, reason: reason},
		want{status: 400, code: gql.CodeBadUserInput, reason: reason}
}

func httpCases() []httpCase {
	ok := want{status: 200, data: true}
	protocol := func(status int, reason string, headers ...string) want {
		return want{status: status, code: gql.CodeBadUserInput, reason: reason, headers: headers}
	}
	parseJ, parseG := requestError("GRAPHQL_PARSE_FAILED")
	validJ, validG := requestError("GRAPHQL_VALIDATION_FAILED")
	subJ, subG := requestError(gqlhttp.ReasonSubscription)
	bad := protocol(400, gqlhttp.ReasonInvalidRequest)
	unsupported := protocol(415, gqlhttp.ReasonUnsupportedMedia, "Accept", "application/json")
	getOnlyQueries := protocol(405, gqlhttp.ReasonMethodNotAllowed, "Allow", "POST")
	notAMethod := protocol(405, gqlhttp.ReasonMethodNotAllowed, "Allow", "GET, POST, OPTIONS")
	get := func(q url.Values) string { return "/graphql?" + q.Encode() }
	return []httpCase{
		{rule: "Request: A server MUST accept POST requests", method: "POST", body: okQuery, json: ok, graphqlResponse: ok},
		{rule: "POST: For POST requests using an officially recognized GraphQL Content-Type without indicating an encoding, the server MUST assume the encoding is utf-8",
			method: "POST", body: `{"query":"{ search(text: \"圣墩\") { id } }"}`, json: ok, graphqlResponse: ok},
		{rule: "POST: A server MUST support POST requests encoded with the application/json media type (charset=UTF-8 named)",
			method: "POST", ctype: "application/json; charset=UTF-8", body: okQuery, json: ok, graphqlResponse: ok},
		{rule: "POST: If the client does not supply a Content-Type header with a POST request, the server SHOULD reject the request using the appropriate 4xx status code",
			method: "POST", ctype: "-", body: okQuery, json: unsupported, graphqlResponse: unsupported},
		{rule: "POST: A server MAY support POST requests encoded with other media types (this one does not: text/plain is 415)",
			method: "POST", ctype: "text/plain", body: okQuery, json: unsupported, graphqlResponse: unsupported},
		{rule: "POST: (a form POST, which skips CORS preflight, is 415)",
			method: "POST", ctype: "application/x-www-form-urlencoded", body: "query=%7Bstats%7Bnodes%7D%7D", json: unsupported, graphqlResponse: unsupported},
		{rule: "POST: A server MUST support POST requests encoded with application/json … encoded with UTF-8 (another charset is 415)",
			method: "POST", ctype: "application/json; charset=iso-8859-1", body: okQuery, json: unsupported, graphqlResponse: unsupported},
		{rule: "POST: A GraphQL POST request MUST have a body (a missing body is 400)", method: "POST", body: "", json: bad, graphqlResponse: bad},
		{rule: "JSON parsing failure: Requests that the server cannot interpret SHOULD result in status code 400 (NONSENSE)",
			method: "POST", body: "NONSENSE", json: bad, graphqlResponse: bad},
		{rule: `JSON parsing failure: Requests that the server cannot interpret SHOULD result in status code 400 ({"query":)`,
			method: "POST", body: `{"query":`, json: bad, graphqlResponse: bad},
		{rule: "Invalid parameters: A request that does not constitute a well-formed GraphQL-over-HTTP request SHOULD result in status code 400 (qeury)",
			method: "POST", body: `{"qeury": "{__typename}"}`, json: bad, graphqlResponse: bad},
		{rule: "Invalid parameters: … SHOULD result in status code 400 (variables [7])",
			method: "POST", body: `{"query": "query Q ($i:Int!) { __typename }", "variables": [7]}`, json: bad, graphqlResponse: bad},
		{rule: "Request Parameters: {query} - (Required, string) (a number is 400)", method: "POST", body: `{"query": 7}`, json: bad, graphqlResponse: bad},
		{rule: "Request Parameters: {operationName} - (Optional, string) (a number is 400)",
			method: "POST", body: `{"query": "{__typename}", "operationName": 7}`, json: bad, graphqlResponse: bad},
		{rule: "Request Parameters: {extensions} - (Optional, map) (a string is 400)",
			method: "POST", body: `{"query": "{__typename}", "extensions": "x"}`, json: bad, graphqlResponse: bad},
		{rule: "Request Parameters: Specifying null for optional request parameters is equivalent to not specifying them at all",
			method: "POST", body: `{"query": "{ stats { nodes } }", "operationName": null, "variables": null, "extensions": null}`, json: ok, graphqlResponse: ok},
		{rule: "Document parsing failure: Requests where the GraphQL document cannot be parsed SHOULD result in status code 200 (json) / 400 (graphql-response+json)",
			method: "POST", body: `{"query": "{"}`, json: parseJ, graphqlResponse: parseG},
		{rule: "Document validation failure: SHOULD NOT execute the request and SHOULD return a status code of 200 (json) / 400 (graphql-response+json)",
			method: "POST", body: `{"query": "{ noSuchField }"}`, json: validJ, graphqlResponse: validG},
		{rule: "Validation: The server MAY, at its discretion, apply additional validation rules (a depth limit is a validation failure)",
			method: "POST", body: deepQuery(14),
			json: want{status: 200, code: gql.CodeBadUserInput, reason: "DEPTH_LIMIT_EXCEEDED"}, graphqlResponse: want{status: 400, code: gql.CodeBadUserInput, reason: "DEPTH_LIMIT_EXCEEDED"}},
		{rule: "Operation cannot be determined: If GetOperation() raises a GraphQL request error, the server SHOULD NOT execute the request and SHOULD return 200 (json) / 400 (graphql-response+json) (no operationName)",
			method: "POST", body: twoOperations, json: validJ, graphqlResponse: validG},
		{rule: "Operation cannot be determined: … (an operationName the document does not have)",
			method: "POST", body: `{"query": "query A { stats { nodes } }", "operationName": "B"}`, json: validJ, graphqlResponse: validG},
		{rule: "Request Parameters: {operationName} - The name of the Operation in the Document to execute",
			method: "POST", body: `{"query": "query A { stats { nodes } } query B { stats { edges } }", "operationName": "B"}`, json: ok, graphqlResponse: ok},
		{rule: "Variable coercion failure: If CoerceVariableValues() raises a GraphQL request error, the server SHOULD NOT execute the request and SHOULD return 200 (json) / 400 (graphql-response+json)",
			method: "POST", body: `{"query": "query($d: Int!) { neighbourhood(id: \"org:shengdun-village\", depth: $d) { truncated } }", "variables": {"d": "two"}}`,
			json: validJ, graphqlResponse: validG},
		{rule: "Field errors encountered during execution: If the operation is executed and no GraphQL request error is raised then the server SHOULD respond with a status code of 200",
			method: "POST", body: `{"query": "{ organisation(id: \"org:no-such-organisation\") { id } }"}`,
			json: want{status: 200, data: true, code: gql.CodeNotFound}, graphqlResponse: want{status: 200, data: true, code: gql.CodeNotFound}},
		{rule: "application/graphql-response+json: If the GraphQL response contains the {data} entry and it is {null}, then the server SHOULD reply with a 2xx status code and it is RECOMMENDED it replies with 200",
			method: "POST", body: `{"query": "{ neighbourhood(id: \"org:no-such-node\") { truncated } }"}`,
			json: want{status: 200, data: true, code: gql.CodeNotFound}, graphqlResponse: want{status: 200, data: true, code: gql.CodeNotFound}},
		{rule: "application/graphql-response+json: If the client is not permitted to issue the GraphQL request then the server SHOULD reply with 403, 401 or similar",
			method: "POST", viewer: true, body: `{"query": "mutation { deleteOrganisation(id: \"org:shengdun-village\") { deletedIds } }"}`,
			json: want{status: 200, code: gql.CodeForbidden}, graphqlResponse: want{status: 403, code: gql.CodeForbidden}},
		{rule: "Overview: GraphQL Subscriptions are beyond the scope of this specification (one over POST is a request error)",
			method: "POST", body: `{"query": "subscription { graphChanged { kind } }"}`, json: subJ, graphqlResponse: subG},
		{rule: "GET: the GraphQL-over-HTTP request parameters MUST be provided in the query component of the request URL",
			method: "GET", target: get(url.Values{"query": {"{ stats { nodes } }"}}), json: ok, graphqlResponse: ok},
		{rule: "GET: Each of the {variables} and {extensions} parameters, if used, MUST be encoded as a JSON string",
			method: "GET", target: get(url.Values{"query": {"query($id: ID!) { node(id: $id) { id } }"}, "variables": {`{"id":"org:shengdun-village"}`}}), json: ok, graphqlResponse: ok},
		{rule: "GET: Each of the {variables} … MUST be encoded as a JSON string (one that is not JSON is 400)",
			method: "GET", target: get(url.Values{"query": {"query($id: ID!) { node(id: $id) { id } }"}, "variables": {"id=1"}}), json: bad, graphqlResponse: bad},
		{rule: "GET: Setting the value of the {operationName} parameter to the empty string is equivalent to omitting the {operationName} parameter",
			method: "GET", target: get(url.Values{"query": {"{ stats { nodes } }"}, "operationName": {""}}), json: ok, graphqlResponse: ok},
		{rule: "GET: The {operationName} parameter, if supplied and not the empty string, represents the name of the operation to be executed",
			method: "GET", target: get(url.Values{"query": {"query A { stats { nodes } } query B { stats { edges } }"}, "operationName": {"A"}}), json: ok, graphqlResponse: ok},
		{rule: "GET: a {query} is required (a GET without one is 400)", method: "GET", target: "/graphql", json: bad, graphqlResponse: bad},
		{rule: "GET: If the values of {query} and {operationName} indicate that a mutation operation is to be executed, the server MUST respond with error status code 405 (Method Not Allowed)",
			method: "GET", target: get(url.Values{"query": {`mutation { deleteOrganisation(id: "org:shengdun-village") { deletedIds } }`}}), json: getOnlyQueries, graphqlResponse: getOnlyQueries},
		{rule: "GET: … {query} and {operationName} indicate … a mutation (chosen by operationName) … 405",
			method: "GET", target: get(url.Values{"query": {`query Q { stats { nodes } } mutation M { deleteOrganisation(id: "org:shengdun-village") { deletedIds } }`}, "operationName": {"M"}}),
			json: getOnlyQueries, graphqlResponse: getOnlyQueries},
		{rule: "GET: … (the query of a document that also holds a mutation runs)",
			method: "GET", target: get(url.Values{"query": {`query Q { stats { nodes } } mutation M { deleteOrganisation(id: "org:shengdun-village") { deletedIds } }`}, "operationName": {"Q"}}),
			json: ok, graphqlResponse: ok},
		{rule: "Request: A server … MAY accept other HTTP methods (PUT is 405 with Allow)", method: "PUT", body: okQuery, json: notAMethod, graphqlResponse: notAMethod},
		{rule: "Request: … (DELETE is 405 with Allow)", method: "DELETE", json: notAMethod, graphqlResponse: notAMethod},
		{rule: "RFC 9110 OPTIONS: the methods /graphql answers in Allow", method: "OPTIONS",
			json: want{status: 204, headers: []string{"Allow", "GET, POST, OPTIONS"}}, graphqlResponse: want{status: 204, headers: []string{"Allow", "GET, POST, OPTIONS"}}},
	}
}

// TestGraphQLOverHTTP sends every case under both response media types
// (Accept: application/json; Accept: application/graphql-response+json) and
// checks status, Content-Type (the negotiated type, charset=utf-8), whether
// a data entry is present, the error's code and reason, and headers (Allow,
// Accept); on both stores.
func TestGraphQLOverHTTP(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB) graph.Store, name string) {
		h := seeded(t, open, name)
		viewer := server.New(server.Config{Store: h.store, StoreName: name, Broker: gql.NewBroker(), Logger: slog.New(slog.DiscardHandler),
			Security: server.Security{Auth: auth.Anonymous(auth.RoleViewer)}})
		for _, c := range httpCases() {
			for _, m := range []struct {
				media string
				want  want
			}{{gqlhttp.MediaJSON, c.json}, {gqlhttp.MediaGraphQLResponse, c.graphqlResponse}} {
				t.Run(m.media+"/"+c.rule, func(t *testing.T) {
					app := h.h
					if c.viewer {
						app = viewer
					}
					rec := sendHTTP(app, c, "Accept", m.media)
					checkHTTP(t, rec, m.media, m.want)
				})
			}
		}
	})
}

// TestGraphQLOverHTTPAccept checks the choice of the response media type
// from Accept.
func TestGraphQLOverHTTPAccept(t *testing.T) {
	h := seeded(t, testenv.Memory, "memory")
	cases := []struct {
		rule, accept string
		media        string // "" : 406
	}{
		{"Legacy watershed: From 1st January 2025 … if the client does not supply an Accept header, the server SHOULD treat the GraphQL-over-HTTP request as if it had Accept: application/graphql-response+json",
			"", gqlhttp.MediaGraphQLResponse},
		{"Body: the server MUST respect the given Accept header and attempt to encode the response in the highest priority media type listed that is supported by the server (listed first)",
			"application/graphql-response+json, application/json", gqlhttp.MediaGraphQLResponse},
		{"Body: … highest priority media type listed (listed first: application/json)", "application/json, application/graphql-response+json", gqlhttp.MediaJSON},
		{"Body: … highest priority (q weights)", "application/graphql-response+json;q=0.5, application/json", gqlhttp.MediaJSON},
		{"Legacy watershed: It is RECOMMENDED that a client set the Accept header to application/graphql-response+json; charset=utf-8, application/json; charset=utf-8",
			"application/graphql-response+json; charset=utf-8, application/json; charset=utf-8", gqlhttp.MediaGraphQLResponse},
		{"Body: … (*/*, as curl sends, is application/json: graphql-http audit 47DE SHOULD accept */* and use application/json)", "*/*", gqlhttp.MediaJSON},
		{"Body: … (a named type beats a wildcard)", "*/*, application/graphql-response+json", gqlhttp.MediaGraphQLResponse},
		{"Body: when a client does not include at least one supported media type in the Accept HTTP header, the server MUST either: Respond with a 406 Not Acceptable status code (RECOMMENDED)",
			"text/html", ""},
		{"Body: … 406 (q=0 refuses a type)", "application/json;q=0, application/graphql-response+json;q=0", ""},
		{"Media Types: utf-8 … (an Accept that wants another charset is 406)", "application/json; charset=iso-8859-1", ""},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			rec := sendHTTP(h.h, httpCase{method: "POST", body: okQuery}, "Accept", c.accept)
			if c.media == "" {
				checkHTTP(t, rec, gqlhttp.MediaJSON, want{status: http.StatusNotAcceptable, code: gql.CodeBadUserInput, reason: gqlhttp.ReasonNotAcceptable})
				return
			}
			checkHTTP(t, rec, c.media, want{status: 200, data: true})
		})
	}
	// Errors refused before GraphQL ran (authentication) are written in the
	// negotiated type too.
	closed := server.New(server.Config{Store: h.store, StoreName: "memory", Broker: gql.NewBroker(), Logger: slog.New(slog.DiscardHandler),
		Security: server.Security{Auth: auth.Anonymous(auth.RoleNone)}})
	for _, media := range []string{gqlhttp.MediaJSON, gqlhttp.MediaGraphQLResponse} {
		rec := sendHTTP(closed, httpCase{method: "POST", body: okQuery}, "Accept", media)
		checkHTTP(t, rec, media, want{status: 401, code: gql.CodeUnauthenticated})
	}
}

// deepQuery is an organisation's parents nested depth levels deep.
func deepQuery(depth int) string {
	q := "{ organisation(id: \"org:shengdun-village\") { " + strings.Repeat("parent { ... on Organisation { ", depth-1) + "id" +
		strings.Repeat(" } }", depth-1) + " } }"
	b, _ := json.Marshal(map[string]string{"query": q})
	return string(b)
}

func sendHTTP(h http.Handler, c httpCase, header ...string) *httptest.ResponseRecorder {
	target := c.target
	if target == "" {
		target = "/graphql"
	}
	var body *strings.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(c.method, target, body)
	} else {
		req = httptest.NewRequest(c.method, target, nil)
	}
	switch c.ctype {
	case "-":
	case "":
		if c.method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
	default:
		req.Header.Set("Content-Type", c.ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header.Set(header[i], header[i+1])
		}
	}
	for i := 0; i+1 < len(c.headers); i += 2 {
		req.Header.Set(c.headers[i], c.headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func checkHTTP(t *testing.T, rec *httptest.ResponseRecorder, media string, w want) {
	t.Helper()
	if rec.Code != w.status {
		t.Errorf("status %d; want %d (%s)", rec.Code, w.status, rec.Body)
	}
	for i := 0; i+1 < len(w.headers); i += 2 {
		if got := rec.Header().Get(w.headers[i]); got != w.headers[i+1] {
			t.Errorf("%s: %q; want %q", w.headers[i], got, w.headers[i+1])
		}
	}
	if rec.Code == http.StatusNoContent {
		return
	}
	// Body: "A server MUST indicate the media type of the response with a
	// Content-Type header, and SHOULD indicate the encoding".
	if got := rec.Header().Get("Content-Type"); got != gqlhttp.ContentType(media) {
		t.Errorf("Content-Type %q; want %q", got, gqlhttp.ContentType(media))
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, rec.Body)
	}
	if _, has := body["data"]; has != w.data {
		t.Errorf("data entry present: %v; want %v (%s)", has, w.data, rec.Body)
	}
	var errs []struct {
		Extensions map[string]any `json:"extensions"`
	}
	_ = json.Unmarshal(body["errors"], &errs)
	code, reason := "", ""
	if len(errs) > 0 {
		code, _ = errs[0].Extensions["code"].(string)
		reason, _ = errs[0].Extensions["reason"].(string)
	}
	if code != w.code || w.reason != "" && reason != w.reason {
		t.Errorf("code %q reason %q; want %q %q (%s)", code, reason, w.code, w.reason, rec.Body)
	}
}
