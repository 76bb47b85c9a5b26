package server

import (
	"bytes"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/orgnet/orgnet/graph"
	"github.com/orgnet/orgnet/graph/plan"
	"github.com/orgnet/orgnet/interchange"
	"github.com/orgnet/orgnet/server/gql"
)

// Scenario downloads (both read what they need in full before the first
// byte leaves: a plan names at most the units of its scope):
//
//	GET /export/{format}?scenario=ID        the network as the plan would make it, in any export format
//	GET /export/scenario/{csv|xlsx}?id=ID   the scenario for a meeting: scenario, units, alliances, metrics

// readScenarioParam reads the saved scenario id names; ok false when it
// has answered the client (400 without an id, 404 when there is none).
func readScenarioParam(c echo.Context, store graph.Store, id string) (*plan.Scenario, bool, error) {
	if id == "" {
		return nil, false, jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "give the scenario's id: ?id=scenario:…")
	}
	ns, err := store.Nodes(c.Request().Context(), graph.View{}, []string{id})
	if err != nil {
		return nil, false, storeError(c, slog.Default(), "scenario download failed", err)
	}
	if ns[0] == nil || ns[0].Label != graph.LabelScenario {
		return nil, false, jsonError(c, http.StatusNotFound, gql.CodeNotFound, "no scenario has the id "+id)
	}
	sc, err := plan.ReadScenario(ns[0])
	if err != nil {
		return nil, false, storeError(c, slog.Default(), "scenario download failed", err)
	}
	return sc, true, nil
}

// attachment names a download: an ASCII fallback and the UTF-8 name.
func attachment(c echo.Context, name, ext string) {
	c.Response().Header().Set(echo.HeaderContentDisposition,
		`attachment; filename="scenario`+ext+`"; filename*=UTF-8''`+url.PathEscape(strings.TrimSpace(name)+ext))
}

// scenarioNetwork answers /export/{format}?scenario=ID.
func scenarioNetwork(c echo.Context, store graph.Store, format interchange.Format, id string) error {
	sc, ok, err := readScenarioParam(c, store, id)
	if !ok {
		return err
	}
	snap, err := store.Snapshot(c.Request().Context(), graph.View{})
	if err != nil {
		return storeError(c, slog.Default(), "scenario export failed", err)
	}
	var buf bytes.Buffer
	if err := interchange.Write(&buf, format, sc.Network(snap)); err != nil {
		return storeError(c, slog.Default(), "scenario export failed", err)
	}
	attachment(c, sc.Node.Name, interchange.FileExtension(format))
	return c.Blob(http.StatusOK, interchange.ContentType(format), buf.Bytes())
}

// scenarioTable answers /export/scenario/{csv|xlsx}?id=ID: the scenario's
// sheets (plan.Scenario.Sheets). CSV: one after another, each under its
// name, a blank line between, UTF-8 with a byte-order mark (which Excel
// needs to read Chinese). xlsx: a worksheet each.
func scenarioTable(store graph.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		format := c.Param("format")
		if format != "csv" && format != "xlsx" {
			return jsonError(c, http.StatusBadRequest, gql.CodeBadUserInput, "a scenario's table downloads as csv or xlsx, not "+format)
		}
		sc, ok, err := readScenarioParam(c, store, c.QueryParam("id"))
		if !ok {
			return err
		}
		ids := []string{sc.Plan.Within}
		for _, a := range sc.Plan.Alliances {
			ids = append(append(ids, a.Members...), a.Lead)
		}
		for _, m := range sc.Plan.Moves {
			ids = append(ids, m.From)
		}
		for _, p := range append(sc.Plan.Pairings, sc.Plan.PairingChanges.Ended...) {
			ids = append(ids, p.Mentor, p.Mentee)
		}
		ns, err := store.Nodes(c.Request().Context(), graph.View{}, append(ids, sc.Plan.Dissolved...))
		if err != nil {
			return storeError(c, slog.Default(), "scenario download failed", err)
		}
		nodes := map[string]*graph.Node{}
		for _, n := range ns {
			if n != nil {
				nodes[n.ID] = n
			}
		}
		sheets := sc.Sheets(nodes)
		var buf bytes.Buffer
		contentType := "text/csv; charset=utf-8"
		if format == "xlsx" {
			contentType = interchange.ContentType(interchange.XLSX)
			err = writeSheetsXLSX(&buf, sheets)
		} else {
			err = writeSheetsCSV(&buf, sheets)
		}
		if err != nil {
			return storeError(c, slog.Default(), "scenario download failed", err)
		}
		attachment(c, sc.Node.Name, "."+format)
		return c.Blob(http.StatusOK, contentType, buf.Bytes())
	}
}

func writeSheetsCSV(buf *bytes.Buffer, sheets []plan.Sheet) error {
	buf.WriteString("\ufeff")
	w := csv.NewWriter(buf)
	for i, sh := range sheets {
		if i > 0 {
			_ = w.Write([]string{})
		}
		_ = w.Write([]string{"# " + sh.Name})
		for _, row := range sh.Rows {
			_ = w.Write(row)
		}
	}
	w.Flush()
	return w.Error()
}

// writeSheetsXLSX writes a workbook of one worksheet per sheet, the header
// row bold and frozen.
func writeSheetsXLSX(buf *bytes.Buffer, sheets []plan.Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		name := sh.Name
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		for r, row := range sh.Rows {
			cells := make([]any, len(row))
			for j, v := range row {
				cells[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &cells); err != nil {
				return err
			}
		}
		if len(sh.Rows) > 0 {
			last, _ := excelize.CoordinatesToCellName(len(sh.Rows[0]), 1)
			if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
				return err
			}
			if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
				return err
			}
		}
	}
	return f.Write(buf)
}
