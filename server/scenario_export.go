package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/interchange"
)

// Scenario downloads:
//
//	GET /export/{format}?scenario=ID    the network as the plan would make it, in any graph format
//	GET /export/scenario/csv?id=ID      the scenario for a meeting: scenario, units, alliances, metrics

// readScenarioParam reads the saved scenario id names: 400 without one,
// 404 when there is none.
func readScenarioParam(c echo.Context, store graph.Store, id string) (*plan.Scenario, error) {
	if id == "" {
		return nil, exportError(c, graph.Invalidf("id", "give the scenario's id: ?id=scenario:…"))
	}
	ns, err := store.Nodes(c.Request().Context(), graph.View{}, []string{id})
	if err != nil {
		return nil, exportError(c, err)
	}
	if ns[0] == nil || ns[0].Label != graph.LabelScenario {
		return nil, exportError(c, graph.NotFoundf("no scenario has the id %q", id))
	}
	sc, err := plan.ReadScenario(ns[0])
	if err != nil {
		return nil, exportError(c, err)
	}
	return sc, nil
}

// errAnswered stands for an error already answered to the client.
var errAnswered = echo.NewHTTPError(http.StatusBadRequest)

// exportError answers err as the JSON error of an export and returns
// errAnswered.
func exportError(c echo.Context, err error) error {
	status := http.StatusInternalServerError
	switch graph.ErrorCode(err) {
	case graph.CodeInvalid:
		status = http.StatusBadRequest
	case graph.CodeNotFound:
		status = http.StatusNotFound
	case graph.CodeUnavailable:
		status = http.StatusServiceUnavailable
	}
	_ = c.JSON(status, map[string]string{"error": graph.ErrorMessage(err), "code": apiCode(err)})
	return errAnswered
}

func apiCode(err error) string {
	return map[graph.Code]string{graph.CodeInvalid: "BAD_USER_INPUT", graph.CodeNotFound: "NOT_FOUND",
		graph.CodeUnavailable: "UNAVAILABLE"}[graph.ErrorCode(err)]
}

// attachment names a download: an ASCII fallback and the UTF-8 name.
func attachment(c echo.Context, name, ext string) {
	c.Response().Header().Set(echo.HeaderContentDisposition,
		`attachment; filename="scenario`+ext+`"; filename*=UTF-8''`+url.PathEscape(name+ext))
}

// scenarioNetwork answers /export/{format}?scenario=ID.
func scenarioNetwork(c echo.Context, store graph.Store, format interchange.Format, id string) error {
	sc, err := readScenarioParam(c, store, id)
	if err != nil {
		return nil
	}
	snap, err := store.Snapshot(c.Request().Context(), graph.View{})
	if err != nil {
		_ = exportError(c, err)
		return nil
	}
	var buf bytes.Buffer
	if err := interchange.Write(&buf, format, sc.Network(snap)); err != nil {
		return err
	}
	attachment(c, sc.Node.Name, interchange.FileExtension(format))
	return c.Blob(http.StatusOK, interchange.ContentType(format), buf.Bytes())
}

// scenarioTable answers /export/scenario/{csv}?id=ID: the scenario's
// sheets one after another, each under its name, a blank line between;
// UTF-8 with a byte-order mark, which Excel needs to read Chinese.
func scenarioTable(store graph.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		format := c.Param("format")
		if format != "csv" {
			_ = exportError(c, graph.Invalidf("format", "a scenario's table downloads as csv, not %q", format))
			return nil
		}
		sc, err := readScenarioParam(c, store, c.QueryParam("id"))
		if err != nil {
			return nil
		}
		ids := []string{}
		for _, a := range sc.Plan.Alliances {
			ids = append(ids, a.Members...)
			ids = append(ids, a.Lead)
		}
		for _, m := range sc.Plan.Moves {
			ids = append(ids, m.From)
		}
		for _, p := range append(sc.Plan.Pairings, sc.Plan.PairingChanges.Ended...) {
			ids = append(ids, p.Mentor, p.Mentee)
		}
		ids = append(append(ids, sc.Plan.Dissolved...), sc.Plan.Within)
		ns, err := store.Nodes(c.Request().Context(), graph.View{}, ids)
		if err != nil {
			_ = exportError(c, err)
			return nil
		}
		nodes := map[string]*graph.Node{}
		for _, n := range ns {
			if n != nil {
				nodes[n.ID] = n
			}
		}
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		for i, sh := range sc.Sheets(nodes) {
			if i > 0 {
				_ = w.Write([]string{})
			}
			_ = w.Write([]string{"# " + sh.Name})
			for _, row := range sh.Rows {
				_ = w.Write(row)
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		attachment(c, strings.TrimSpace(sc.Node.Name), ".csv")
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
}
