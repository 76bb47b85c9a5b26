package server

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/server/auth"
	"github.com/orgnet/orgnet/server/gql"
)

// POST /import loads a file into the store for an admin, as `orgnet import`
// does: orgnet JSON, GraphML, an Excel workbook (.xlsx, the sheets of
// interchange/xlsx.go), or a zip of neo4j-admin-style CSV files (an export
// in CSV). The body is the file; ?format=json|graphml|xlsx|zip (csv: one
// nodes file) overrides what the name or the first bytes tell;
// ?dryRun=true only checks; ?name= (else the Content-Disposition filename,
// else "upload") names the file in problems and is the provenance ref of
// what it imports. Everything is checked first; with any problem nothing is
// written and the answer is 400 listing every problem as FILE:LINE:COLUMN;
// otherwise all of it is upserted in one transaction.

// DefaultImportLimit is the largest import body when none is configured,
// and the most a zip may unpack to: interchange.DefaultImportLimit, as for
// orgnet import.
const DefaultImportLimit = interchange.DefaultImportLimit

// DefaultImportTimeout bounds one import when none is configured.
const DefaultImportTimeout = 10 * time.Minute

// maxProblems is how many problems an answer lists at most.
const maxProblems = 1000

// ParseSize reads a size such as 256MiB, 256M, 2G, 512KiB or 1048576
// (binary multiples; a B is optional).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "B")
	t = strings.TrimSuffix(t, "i")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch unicode.ToUpper(rune(t[n-1])) {
		case 'K':
			mult, t = 1<<10, t[:n-1]
		case 'M':
			mult, t = 1<<20, t[:n-1]
		case 'G':
			mult, t = 1<<30, t[:n-1]
		}
	}
	v, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || v < 0 || v > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: want a number of bytes with an optional K, M or G (binary), e.g. 256MiB", s)
	}
	return v * mult, nil
}

// importAuth lets only admins through: no or a bad token is 401, a lower
// role 403, in the JSON error shape of the API. It does not depend on
// Security.AdminPaths (orgnet serve lists /import there too).
func importAuth(a *auth.Authenticator) echo.MiddlewareFunc {
	if a == nil {
		a = auth.Anonymous(auth.RoleEditor)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, err := authenticated(c, a)
			if err != nil {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="orgnet"`)
				return jsonError(c, http.StatusUnauthorized, gql.CodeUnauthenticated, err.Error())
			}
			if !p.Can(auth.RoleAdmin) {
				return jsonError(c, http.StatusForbidden, gql.CodeForbidden, "needs role admin (you are "+p.Role.String()+")")
			}
			c.SetRequest(c.Request().WithContext(auth.WithPrincipal(c.Request().Context(), p)))
			return next(c)
		}
	}
}

// importer serves POST /import. Memory: one import runs at a time (busy;
// another is answered 503 UNAVAILABLE at once), and it holds the body (at
// most limit bytes), what a zip unpacks to (at most limit bytes, checked
// against the zip's directory before anything is unpacked) and the items
// parsed from them (docs/reliability.md §12 has the measured figures).
type importer struct {
	busy    atomic.Bool
	store   graph.Store
	limit   int64
	timeout time.Duration
	audit   *auth.AuditLog
	broker  *gql.Broker
	logger  *slog.Logger
}

// problemsError answers 400 with every problem (at most maxProblems).
func problemsError(c echo.Context, msg string, problems []string) error {
	ext := map[string]any{"code": gql.CodeBadUserInput, "problems": problems}
	if len(problems) > maxProblems {
		ext["problems"] = problems[:maxProblems]
		ext["problemCount"] = len(problems)
	}
	return c.JSON(http.StatusBadRequest, map[string]any{"errors": []map[string]any{{"message": msg, "extensions": ext}}})
}

func (im *importer) handle(c echo.Context) error {
	if !im.busy.CompareAndSwap(false, true) {
		c.Response().Header().Set("Retry-After", "10")
		return jsonError(c, http.StatusServiceUnavailable, gql.CodeUnavailable, "another import is running; try again when it has finished")
	}
	defer im.busy.Store(false)
	q := c.Request().URL.Query()
	dryRun := false
	if s := q.Get("dryRun"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "dryRun must be true or false")
		}
		dryRun = b
	}
	name, err := uploadName(q.Get("name"), c.Request().Header.Get(echo.HeaderContentDisposition))
	if err != nil {
		return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, err.Error())
	}
	format := strings.ToLower(strings.TrimSpace(q.Get("format")))
	switch format {
	case "", "json", "graphml", "zip", "csv", "xlsx":
	default:
		return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, fmt.Sprintf("format %q cannot be imported: want json, graphml, xlsx or zip (of CSV files)", q.Get("format")))
	}

	tooLarge := func() error {
		return jsonError(c, http.StatusRequestEntityTooLarge, gql.CodeBadUserInput,
			fmt.Sprintf("the file is larger than the import limit (%d bytes, --import-limit)", im.limit))
	}
	if c.Request().ContentLength > im.limit {
		return tooLarge()
	}
	data, err := io.ReadAll(io.LimitReader(c.Request().Body, im.limit+1))
	if err != nil {
		return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "could not read the request body")
	}
	if int64(len(data)) > im.limit {
		return tooLarge()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "the body is empty: send the file as the request body")
	}
	if format == "" {
		format = detectFormat(name, data)
		if format == "" {
			return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "cannot tell the file's format: pass ?format=json, graphml, xlsx or zip")
		}
	}
	var (
		inputs []interchange.Input
		early  []interchange.Problem
	)
	if format == "zip" {
		inputs, early = unzip(name, data, im.limit)
	} else {
		inputs = []interchange.Input{{Name: name, Format: interchange.Format(format), Data: data}}
	}

	ctx, cancel := context.WithTimeout(c.Request().Context(), im.timeout)
	defer cancel()
	rep, err := interchange.ImportData(graph.WithOperation(ctx, graph.Operation{Name: "import"}), im.store, inputs, interchange.ImportOptions{DryRun: dryRun, Limit: im.limit}, early...)
	var pe *interchange.ProblemsError
	switch {
	case errors.As(err, &pe):
		probs := make([]string, len(pe.Problems))
		for i, p := range pe.Problems {
			probs[i] = p.String()
		}
		return problemsError(c, fmt.Sprintf("import refused, nothing written: %d problem(s)", len(probs)), probs)
	case err != nil:
		switch graph.ErrorCode(err) {
		case graph.CodeInvalid:
			return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, graph.ErrorMessage(err))
		case graph.CodeUnavailable:
			return jsonError(c, http.StatusServiceUnavailable, gql.CodeUnavailable, graph.ErrorMessage(err))
		}
		im.logger.ErrorContext(ctx, "import failed", "err", err, "file", name)
		return jsonError(c, http.StatusInternalServerError, gql.CodeInternal, "internal error")
	}

	res := rep.Result
	answer := map[string]any{
		"dryRun": rep.DryRun, "nodes": rep.Nodes, "edges": rep.Edges, "format": format, "name": name,
		"nodesCreated": res.NodesCreated, "nodesUpdated": res.NodesUpdated,
		"edgesCreated": res.EdgesCreated, "edgesUpdated": res.EdgesUpdated,
	}
	if rep.Downgraded > 0 {
		answer["downgraded"] = rep.Downgraded
	}
	if !rep.Written {
		return c.JSON(http.StatusOK, answer)
	}
	if im.broker != nil {
		// The import's change is in the store's feed: the follower
		// publishes it (and the caches forget) now rather than at its next
		// poll.
		im.broker.Wake()
	}
	if im.audit != nil {
		p, _ := auth.FromContext(ctx)
		_, aerr := im.audit.Append(auth.AuditEntry{Actor: p.Name, Role: p.Role.String(), Operation: "import", Arguments: map[string]any{
			"name": name, "format": format, "nodes": rep.Nodes, "edges": rep.Edges,
			"nodesCreated": res.NodesCreated, "nodesUpdated": res.NodesUpdated, "edgesCreated": res.EdgesCreated, "edgesUpdated": res.EdgesUpdated,
		}})
		if aerr != nil {
			im.logger.ErrorContext(ctx, "audit log write failed", "err", aerr, "operation", "import", "actor", p.Name)
			return jsonError(c, http.StatusServiceUnavailable, gql.CodeUnavailable, "the import was written but the audit log could not record it")
		}
	}
	return c.JSON(http.StatusOK, answer)
}

// uploadName is ?name=, else the Content-Disposition filename, else
// "upload": a base name of valid UTF-8 without control characters.
func uploadName(query, disposition string) (string, error) {
	name := query
	if name == "" && disposition != "" {
		if _, params, err := mime.ParseMediaType(disposition); err == nil {
			name = params["filename"]
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "upload", nil
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) || len(name) > 255 || strings.ContainsFunc(name, unicode.IsControl) || name == "." || name == "/" {
		return "", errors.New("the file name must be valid UTF-8 of at most 255 bytes without control characters")
	}
	return name, nil
}

// detectFormat tells the format from the name's extension, else from the
// first bytes: a zip's magic number (a workbook when it holds one), a JSON
// object, an XML document.
func detectFormat(name string, data []byte) string {
	if strings.EqualFold(path.Ext(name), ".zip") {
		return "zip"
	}
	if f, ok := interchange.FormatOf(name); ok {
		return string(f)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if interchange.IsXLSX(data) {
			return "xlsx"
		}
		return "zip"
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("{")):
		return "json"
	case bytes.HasPrefix(t, []byte("<")):
		return "graphml"
	}
	return ""
}

// unzip reads the .csv, .json and .graphml files of a zip, as `orgnet
// import` does (each named zip/entry), reading at most limit bytes
// unpacked in all.
func unzip(name string, data []byte, limit int64) ([]interchange.Input, []interchange.Problem) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, []interchange.Problem{{File: name, Message: fmt.Sprintf("cannot read the zip: %v", err)}}
	}
	return interchange.ZipInputs(name, zr, limit)
}
