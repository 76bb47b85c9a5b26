package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/server/gql"
)

// xlsxExports lets two workbook exports run at once (another is answered
// 503): excelize keeps up to 16 MiB of each sheet in memory, about 100 MB
// an export of the city set, where the other formats keep a page.
var xlsxExports = make(chan struct{}, 2)

// exportHandler serves GET /export/{format}?root=&depth=&relations=&alliance=&asOf=&compound=
// as a download: the whole graph, a neighbourhood or an alliance, in any
// format orgnet writes (with ?scenario=ID: the network as that scenario's
// plan would make it, scenario_export.go), written to the client as it is read from the store
// (interchange.Export: one page of nodes at a time, whatever the size of the
// graph). GET /export/xlsx-template is the empty workbook for offices.
//
// An export is read and written within timeout (Config.ExportWriteTimeout,
// which is also the connection's write deadline: reading and sending are
// one), not the request timeout: a whole city set (158k nodes) takes 5 s as
// GraphML on two cores, eight at once 30 s (docs/reliability.md §12). It
// stops sooner when its client goes away.
//
// A fault found before the first bytes leave (a bad argument, a missing
// root, the store unavailable) is answered with its status and the API's
// JSON error. One found later cannot change the status any more: the
// connection is cut (http.ErrAbortHandler), so that the client sees an
// incomplete download rather than a short file that looks whole.
func exportHandler(store graph.Store, timeout time.Duration) echo.HandlerFunc {
	logger := slog.Default()
	return func(c echo.Context) error {
		if c.Param("format") == "xlsx-template" {
			dl := &download{c: c, name: "orgnet-template.xlsx", contentType: interchange.ContentType(interchange.XLSX)}
			if err := interchange.WriteXLSXTemplate(dl); err != nil {
				if !dl.started {
					return storeError(c, logger, "xlsx template failed", err)
				}
				panic(http.ErrAbortHandler)
			}
			return nil
		}
		format, err := interchange.ParseFormat(c.Param("format"))
		if err != nil {
			return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, err.Error())
		}
		if id := c.QueryParam("scenario"); id != "" {
			return scenarioNetwork(c, store, format, id) // scenario_export.go
		}
		spec := interchange.SubgraphSpec{Root: c.QueryParam("root"), AllianceID: c.QueryParam("alliance")}
		if spec.Root != "" {
			spec.Depth = 1
		}
		if d := c.QueryParam("depth"); d != "" {
			if spec.Depth, err = strconv.Atoi(d); err != nil {
				return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "depth must be a whole number")
			}
		}
		if r := c.QueryParam("relations"); r != "" {
			for _, t := range strings.Split(r, ",") {
				spec.Relations = append(spec.Relations, graph.RelType(strings.TrimSpace(t)))
			}
		}
		var opt interchange.ExportOptions
		if opt.Compound, err = interchange.ParseCompound(c.QueryParam("compound")); err != nil {
			return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, graph.ErrorMessage(err))
		}
		// The export's own deadline, not the request's; a client that goes
		// away still ends it (not a deadline of the request's: cancelled).
		reqCtx := c.Request().Context()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(reqCtx), timeout)
		defer cancel()
		defer context.AfterFunc(reqCtx, func() {
			if !errors.Is(reqCtx.Err(), context.DeadlineExceeded) {
				cancel()
			}
		})()
		if d := c.QueryParam("asOf"); d != "" {
			if err := graph.ValidateDate("asOf", d); err != nil {
				return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, graph.ErrorMessage(err))
			}
			spec.AsOf = d
		}
		if format == interchange.XLSX {
			select {
			case xlsxExports <- struct{}{}:
				defer func() { <-xlsxExports }()
			default:
				c.Response().Header().Set("Retry-After", "30")
				return jsonError(c, http.StatusServiceUnavailable, gql.CodeUnavailable, "two spreadsheet exports are running already; try again when one has finished")
			}
		}
		dl := &download{c: c, name: "orgnet" + interchange.FileExtension(format), contentType: interchange.ContentType(format)}
		err = interchange.Export(ctx, dl, store, format, spec, opt)
		if err == nil {
			return nil
		}
		if !dl.started {
			return storeError(c, logger, "export failed", err)
		}
		logger.WarnContext(ctx, "export cut short after it began", "err", err, "format", format, "bytes", dl.written)
		panic(http.ErrAbortHandler)
	}
}

// download is the response of an export: the headers of a file download
// are set, and the status sent, when the first bytes are written.
type download struct {
	c                 echo.Context
	name, contentType string
	started           bool
	written           int64
}

func (d *download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.c.Response().Header()
		h.Set(echo.HeaderContentType, d.contentType)
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+d.name+`"`)
		d.c.Response().WriteHeader(http.StatusOK)
	}
	n, err := d.c.Response().Write(b)
	d.written += int64(n)
	return n, err
}

// storeError answers an error of the store or of an argument with its
// status and code; anything else is a logged 500 without detail.
func storeError(c echo.Context, logger *slog.Logger, what string, err error) error {
	msg := graph.ErrorMessage(err)
	switch graph.ErrorCode(err) {
	case graph.CodeInvalid:
		return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, msg)
	case graph.CodeNotFound:
		return jsonError(c, http.StatusNotFound, gql.CodeNotFound, msg)
	case graph.CodeUnavailable:
		return jsonError(c, http.StatusServiceUnavailable, gql.CodeUnavailable, msg)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return jsonError(c, http.StatusServiceUnavailable, gql.CodeUnavailable, "the request ran out of time or was cancelled")
	}
	logger.ErrorContext(c.Request().Context(), what, "err", err)
	return jsonError(c, http.StatusInternalServerError, gql.CodeInternal, "internal error")
}
