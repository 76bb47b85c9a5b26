package server

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/interchange"
)

// exportHandler serves GET /export/{format}?root=&depth=&relations=&alliance=&asOf=
// as a download: the whole graph, a neighbourhood or an alliance, in any
// format orgnet writes.
func exportHandler(store graph.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		format, err := interchange.ParseFormat(c.Param("format"))
		if err != nil {
			return c.JSON(http.StatusBadRequest, map[string]string{"error": err.Error(), "code": "BAD_USER_INPUT"})
		}
		spec := interchange.SubgraphSpec{Root: c.QueryParam("root"), AllianceID: c.QueryParam("alliance")}
		if spec.Root != "" {
			spec.Depth = 1
		}
		if d := c.QueryParam("depth"); d != "" {
			if spec.Depth, err = strconv.Atoi(d); err != nil {
				return c.JSON(http.StatusBadRequest, map[string]string{"error": "depth must be a whole number", "code": "BAD_USER_INPUT"})
			}
		}
		if r := c.QueryParam("relations"); r != "" {
			for _, t := range strings.Split(r, ",") {
				spec.Relations = append(spec.Relations, graph.RelType(strings.TrimSpace(t)))
			}
		}
		ctx := c.Request().Context()
		if d := c.QueryParam("asOf"); d != "" {
			if err := graph.ValidateDate("asOf", d); err != nil {
				return c.JSON(http.StatusBadRequest, map[string]string{"error": err.Error(), "code": "BAD_USER_INPUT"})
			}
			spec.AsOf = d
		}
		g, err := interchange.Subgraph(ctx, store, spec)
		if err != nil {
			status := http.StatusInternalServerError
			switch graph.ErrorCode(err) {
			case graph.CodeInvalid:
				status = http.StatusBadRequest
			case graph.CodeNotFound:
				status = http.StatusNotFound
			case graph.CodeUnavailable:
				status = http.StatusServiceUnavailable
			}
			return c.JSON(status, map[string]string{"error": graph.ErrorMessage(err)})
		}
		var buf bytes.Buffer
		if err := interchange.Write(&buf, format, g); err != nil {
			return err
		}
		name := "orgnet" + interchange.FileExtension(format)
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		return c.Blob(http.StatusOK, interchange.ContentType(format), buf.Bytes())
	}
}
