// Package gqlhttp serves GraphQL over HTTP as the GraphQL-over-HTTP
// specification says (https://graphql.github.io/graphql-over-http/draft/):
// a gqlgen transport for POST and GET that negotiates the response's media
// type (application/graphql-response+json or application/json), refuses
// what is not a well-formed GraphQL-over-HTTP request with 4xx, and answers
// request errors (a document that does not parse or validate, variables
// that do not coerce, an operation that cannot be chosen) 200 under
// application/json and 4xx without a data entry under
// application/graphql-response+json. Websockets are another transport
// (gqlgen's); this one takes every request that is not an upgrade.
//
// gqlgen's own POST and GET transports answer request errors 422 under
// application/json, write "data": null with them, accept mutations over GET
// with 406 and no Allow header, and take a missing Content-Type as
// unsupported with 400: hence this one. Which rule of the specification
// each behaviour follows is said where it is implemented, and
// server/gqlhttp_test.go checks each by the rule's words.
package gqlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// The extensions.code and extensions.reason of the errors this transport
// answers itself. The code is the API's BAD_USER_INPUT (the client's
// request is at fault); the reason says which rule it broke.
const (
	codeBadUserInput = "BAD_USER_INPUT"

	ReasonNotAcceptable    = "NOT_ACCEPTABLE"
	ReasonMethodNotAllowed = "METHOD_NOT_ALLOWED"
	ReasonUnsupportedMedia = "UNSUPPORTED_MEDIA_TYPE"
	ReasonInvalidRequest   = "INVALID_REQUEST"
	ReasonSubscription     = "SUBSCRIPTION_OVER_HTTP"
)

// allowed are the methods /graphql answers (the Allow header of 405s and
// OPTIONS).
const allowed = "GET, POST, OPTIONS"

// Transport is the gqlgen transport for GraphQL over HTTP. Add it after the
// websocket transport: it takes every request that is not an upgrade.
type Transport struct {
	// TokenLimit bounds the tokens of a GET document parsed to learn its
	// operation's type before it runs (0: no bound beyond the URL's).
	TokenLimit int
}

var _ graphql.Transport = Transport{}

// Supports takes every request but a protocol upgrade (websockets).
func (Transport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") == "" }

// Do answers one request.
func (t Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	// Spec §Body: "If an Accept header is provided, the server MUST respect
	// the given Accept header"; none supported: "Respond with a 406 Not
	// Acceptable status code and stop processing the request
	// (RECOMMENDED)".
	media, ok := Negotiate(r)
	if !ok {
		writeProtocolError(w, MediaJSON, http.StatusNotAcceptable, ReasonNotAcceptable,
			"the Accept header accepts neither "+MediaGraphQLResponse+" nor "+MediaJSON+" (in UTF-8)")
		return
	}
	var params *graphql.RawParams
	var status int
	var reason, msg string
	switch r.Method {
	case http.MethodPost:
		params, status, reason, msg = readPOST(r)
	case http.MethodGet:
		params, status, reason, msg = readGET(r, t.TokenLimit)
	case http.MethodOptions:
		w.Header().Set("Allow", allowed)
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		// Spec §Request: "A server MUST accept POST requests, and MAY
		// accept other HTTP methods, such as GET"; RFC 9110 §15.5.6: a 405
		// lists the methods the resource supports in Allow.
		w.Header().Set("Allow", allowed)
		writeProtocolError(w, media, http.StatusMethodNotAllowed, ReasonMethodNotAllowed,
			r.Method+" is not a GraphQL-over-HTTP method: use POST (or GET for queries)")
		return
	}
	if params == nil {
		if status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", http.MethodPost)
		}
		if status == http.StatusUnsupportedMediaType {
			// RFC 9110 §15.5.16: Accept names the media types the request
			// could have used.
			w.Header().Set("Accept", MediaJSON)
		}
		writeProtocolError(w, media, status, reason, msg)
		return
	}
	params.Headers = r.Header
	execute(w, r.Context(), media, params, exec)
}

// execute runs a well-formed request and writes its response.
func execute(w http.ResponseWriter, ctx context.Context, media string, params *graphql.RawParams, exec graphql.GraphExecutor) {
	params.ReadTime.End = graphql.Now()
	oc, errs := exec.CreateOperationContext(ctx, params)
	if len(errs) == 0 && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		// Spec §Overview: "GraphQL Subscriptions are beyond the scope of
		// this specification"; run over POST, one would never answer.
		e := gqlerror.Errorf("subscriptions are served over a websocket (graphql-transport-ws at this URL), not over POST or GET")
		e.Extensions = map[string]any{"code": codeBadUserInput, "reason": ReasonSubscription}
		errs = gqlerror.List{e}
	}
	if len(errs) > 0 {
		clarifyOperation(errs, params)
		// A request error (parse, validation, variable coercion, an
		// operation that cannot be determined, a limit of this server):
		// nothing ran, so the response has no data entry (GraphQL spec
		// §Response Format: "If an error was raised before execution
		// begins, the data entry should not be present").
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		write(w, media, requestErrorStatus(media, resp.Errors), resp)
		return
	}
	handler, ctx := exec.DispatchOperation(ctx, oc)
	resp := handler(ctx)
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{{Message: "internal error", Extensions: map[string]any{"code": "INTERNAL"}}}}
	}
	status := http.StatusOK
	if len(resp.Data) == 0 {
		// Refused before any resolver ran (an operation its caller may not
		// make): a request error too.
		status = requestErrorStatus(media, resp.Errors)
	}
	write(w, media, status, resp)
}

// requestErrorStatus is the status of a response without data.
//
// application/json, spec §application/json: "The server SHOULD use the 200
// status code for every response to a well-formed GraphQL-over-HTTP
// request, independent of any GraphQL request error or GraphQL field error
// raised" (document parsing failure, validation failure, operation cannot
// be determined, variable coercion failure: "SHOULD return a status code of
// 200 (Okay)").
//
// application/graphql-response+json, spec §application/graphql-response+json:
// "If the GraphQL response does not contain the {data} entry then the server
// MUST reply with a 4xx or 5xx status code as appropriate"; "If the request
// is not a well-formed GraphQL-over-HTTP request, or it does not pass
// validation, then the server SHOULD reply with 400 status code"; "If the
// client is not permitted to issue the GraphQL request then the server
// SHOULD reply with 403, 401 or similar appropriate status code". The
// first error's code chooses.
func requestErrorStatus(media string, errs gqlerror.List) int {
	if media == MediaJSON {
		return http.StatusOK
	}
	code := ""
	if len(errs) > 0 {
		code, _ = errs[0].Extensions["code"].(string)
	}
	switch code {
	case "UNAUTHENTICATED":
		return http.StatusUnauthorized
	case "FORBIDDEN":
		return http.StatusForbidden
	case "RATE_LIMITED":
		return http.StatusTooManyRequests
	case "UNAVAILABLE":
		return http.StatusServiceUnavailable
	case "INTERNAL":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// clarifyOperation rewords gqlgen's "operation  not found", which is all it
// says when a document of several operations names none in operationName.
func clarifyOperation(errs gqlerror.List, params *graphql.RawParams) {
	for _, e := range errs {
		if params.OperationName == "" && e.Message == "operation  not found" {
			e.Message = "the document has several operations (or none): name the one to run in operationName"
		} else if params.OperationName != "" && e.Message == "operation "+params.OperationName+" not found" {
			e.Message = "the document has no operation named " + params.OperationName + " (operationName)"
		}
	}
}

// response is a GraphQL response as written: no data entry when nothing
// ran (graphql.Response always writes "data", null when nothing ran).
type response struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

// write writes resp in media with status. Spec §Body: "A server MUST
// indicate the media type of the response with a Content-Type header, and
// SHOULD indicate the encoding (e.g. application/graphql-response+json;
// charset=utf-8)".
func write(w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	b, err := appendResponse(nil, response{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions})
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	}
	w.Header().Set("Content-Type", ContentType(media))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError writes an error refused before GraphQL ran (by this transport,
// or by middleware in front of it: authentication, rate limits) in the
// media type r negotiates (application/json when it negotiates none), with
// status, extensions.code and, when set, extensions.reason.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, reason, msg string) {
	media, ok := Negotiate(r)
	if !ok {
		media = MediaJSON
	}
	writeError(w, media, status, code, reason, msg)
}

func writeProtocolError(w http.ResponseWriter, media string, status int, reason, msg string) {
	writeError(w, media, status, codeBadUserInput, reason, msg)
}

func writeError(w http.ResponseWriter, media string, status int, code, reason, msg string) {
	ext := map[string]any{"code": code}
	if reason != "" {
		ext["reason"] = reason
	}
	write(w, media, status, &graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: ext}}})
}

// readPOST reads a POST request's parameters; on a request that is not
// well-formed it returns nil and the status, reason and message to answer.
func readPOST(r *http.Request) (*graphql.RawParams, int, string, string) {
	start := graphql.Now()
	// Spec §POST: "If the client does not supply a Content-Type header
	// with a POST request, the server SHOULD reject the request using the
	// appropriate 4xx status code"; "A server MUST support POST requests
	// encoded with the application/json media type … encoded with UTF-8"
	// and, §Media Types, "utf-8 MUST be assumed" when no charset is given.
	// Other media types (forms, multipart, application/graphql) are not
	// supported: 415.
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil, http.StatusUnsupportedMediaType, ReasonUnsupportedMedia, "a POST needs Content-Type: application/json"
	}
	mt, ps, err := mime.ParseMediaType(ct)
	if err != nil || mt != MediaJSON {
		return nil, http.StatusUnsupportedMediaType, ReasonUnsupportedMedia, "Content-Type " + quote(ct) + " is not supported: send application/json"
	}
	if cs, ok := ps["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, http.StatusUnsupportedMediaType, ReasonUnsupportedMedia, "charset " + quote(cs) + " is not supported: send UTF-8"
	}
	var body []byte
	if r.Body != nil {
		body, err = io.ReadAll(r.Body)
		if err != nil {
			return nil, http.StatusBadRequest, ReasonInvalidRequest, "could not read the request body"
		}
	}
	// Spec §application/json, Examples, JSON parsing failure and Invalid
	// parameters (the same under both media types): "Requests that the
	// server cannot interpret SHOULD result in status code 400"; "A request
	// that does not constitute a well-formed GraphQL-over-HTTP request
	// SHOULD result in status code 400".
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, http.StatusBadRequest, ReasonInvalidRequest, "the request body is empty: send {\"query\": \"…\"}"
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil || trailing(dec) {
		return nil, http.StatusBadRequest, ReasonInvalidRequest, "the request body is not a JSON object"
	}
	p, msg := params(func(name string) (json.RawMessage, bool) {
		v, ok := fields[name]
		return v, ok
	})
	if p == nil {
		return nil, http.StatusBadRequest, ReasonInvalidRequest, msg
	}
	p.ReadTime.Start = start
	return p, 0, "", ""
}

// trailing reports whether anything but white space follows the decoded
// value.
func trailing(dec *json.Decoder) bool {
	_, err := dec.Token()
	return !errors.Is(err, io.EOF)
}

// params decodes the GraphQL-over-HTTP request parameters from JSON values
// (spec §Request Parameters): query a string (required), operationName a
// string, variables and extensions maps; null for an optional one is as if
// it were absent ("Specifying null for optional request parameters is
// equivalent to not specifying them at all"), and so is an empty
// operationName. It returns nil and what is wrong when a parameter has the
// wrong type or query is missing.
func params(get func(string) (json.RawMessage, bool)) (*graphql.RawParams, string) {
	p := &graphql.RawParams{}
	q, hasQuery := get("query")
	if hasQuery && !isNull(q) && json.Unmarshal(q, &p.Query) != nil {
		return nil, "query must be a string (the GraphQL document)"
	}
	if v, ok := get("operationName"); ok && !isNull(v) {
		if json.Unmarshal(v, &p.OperationName) != nil {
			return nil, "operationName must be a string"
		}
	}
	for _, m := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		v, ok := get(m.name)
		if !ok || isNull(v) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		if dec.Decode(m.dst) != nil || *m.dst == nil {
			return nil, m.name + " must be a JSON object (a map)"
		}
	}
	if (!hasQuery || isNull(q)) && p.Extensions["persistedQuery"] == nil {
		// An automatic persisted query (extensions.persistedQuery, an
		// extension the specification leaves to implementors) may leave
		// the document out: the executor finds it by its hash.
		return nil, "query is required: the GraphQL document, as a string"
	}
	return p, ""
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// readGET reads a GET request's parameters from its query component (spec
// §GET: "the GraphQL-over-HTTP request parameters MUST be provided in the
// query component of the request URL, encoded in the
// application/x-www-form-urlencoded format"; variables and extensions
// "MUST be encoded as a JSON string"; "Setting the value of the
// {operationName} parameter to the empty string is equivalent to omitting
// the {operationName} parameter"), and refuses a mutation: "If the values
// of {query} and {operationName} indicate that a mutation operation is to
// be executed, the server MUST respond with error status code 405 (Method
// Not Allowed) and halt execution".
func readGET(r *http.Request, tokenLimit int) (*graphql.RawParams, int, string, string) {
	start := graphql.Now()
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, http.StatusBadRequest, ReasonInvalidRequest, "the query string is not application/x-www-form-urlencoded"
	}
	for name, vs := range values {
		if len(vs) > 1 {
			return nil, http.StatusBadRequest, ReasonInvalidRequest, name + " is given more than once"
		}
	}
	p, msg := params(func(name string) (json.RawMessage, bool) {
		vs, ok := values[name]
		if !ok {
			return nil, false
		}
		if name == "variables" || name == "extensions" {
			return json.RawMessage(vs[0]), true
		}
		b, _ := json.Marshal(vs[0]) // a string parameter, as the JSON string it stands for
		return b, true
	})
	if p == nil {
		return nil, http.StatusBadRequest, ReasonInvalidRequest, msg
	}
	if operationType(p.Query, p.OperationName, tokenLimit) == ast.Mutation {
		return nil, http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "mutations are not run over GET: send them with POST"
	}
	p.ReadTime.Start = start
	return p, 0, "", ""
}

// operationType is the type of the operation a document and operation name
// choose; "" when the document does not parse or names no operation (the
// executor then answers the request error).
func operationType(query, name string, tokenLimit int) ast.Operation {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, tokenLimit)
	if err != nil {
		return ""
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op.Operation
	}
	return ""
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
