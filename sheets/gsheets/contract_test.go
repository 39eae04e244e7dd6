package gsheets_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// TestContract runs the contract of every sheets adapter against the
// Sheets API stand-in, seeded as a person keeps a spreadsheet.
func TestContract(t *testing.T) {
	sheetstest.RunContract(t, func(t *testing.T, seed []sheetstest.Seed) sheetstest.Store {
		srv := sheetstest.New(t)
		srv.AddSpreadsheet(id, "Ops", "en_US")
		for _, s := range seed {
			srv.AddSheet(id, s.Title, 0, 0)
			rows := make([][]*sheetsapi.CellData, len(s.Rows))
			for r, row := range s.Rows {
				for _, c := range row {
					rows[r] = append(rows[r], apiCell(t, c))
				}
			}
			srv.SetCells(id, "'"+strings.ReplaceAll(s.Title, "'", "''")+"'!A1", rows)
		}
		return newGoogle(t, srv)
	})
}

// apiCell is c as a person enters it in Google Sheets.
func apiCell(t *testing.T, c sheets.Cell) *sheetsapi.CellData {
	t.Helper()
	switch c.Kind {
	case sheets.Text:
		return sheetstest.String(c.Text)
	case sheets.Bool:
		return sheetstest.Bool(c.Text == "TRUE")
	case sheets.Number:
		v, err := strconv.ParseFloat(c.Text, 64)
		if err != nil {
			t.Fatalf("seed cell %q: %v", c.Text, err)
		}
		switch c.Format {
		case sheets.FormatDate:
			d := sheetstest.TimeOf(v)
			return sheetstest.Date(d.Year(), d.Month(), d.Day())
		case sheets.FormatCurrency:
			return sheetstest.FormattedNumber(v, "CURRENCY", `"$"#,##0.00`)
		case sheets.FormatPercent:
			return sheetstest.Percent(v)
		}
		return sheetstest.Number(v)
	}
	return nil
}
