package main

import (
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// writeXLSX writes a header and n generated rows into a new workbook at
// path, tab "Subscriptions", streamed (the rows are never all in memory),
// and the rates of calctest.FX in its FX tab.
func writeXLSX(path string, n int, seed uint64) error {
	subs := xlsx.StreamTab{
		Name:    "Subscriptions",
		Columns: calctest.Header,
		Rows: func(yield func([]sheets.Cell) bool) {
			row := make([]sheets.Cell, len(calctest.Header))
			stop := false
			calctest.Each(n, seed, func(rec []string) {
				if stop {
					return
				}
				for i, v := range rec {
					row[i] = typed(i, v)
				}
				stop = !yield(row)
			})
		},
	}
	fx := xlsx.StreamTab{
		Name:    "FX",
		Columns: calctest.FX[0],
		Rows: func(yield func([]sheets.Cell) bool) {
			for _, r := range calctest.FX[1:] {
				if !yield([]sheets.Cell{sheets.TextCell(r[0]), sheets.NumberCell(r[1], sheets.FormatNone)}) {
					return
				}
			}
		},
	}
	return xlsx.CreateStream(path, []xlsx.StreamTab{subs, fx})
}

// typed returns the cell a person's spreadsheet would hold for the text v
// of column i of a generated row (see calctest.Header).
func typed(i int, v string) sheets.Cell {
	if v == "" {
		return sheets.Cell{}
	}
	switch calctest.Header[i] {
	case "Amount", "Setup Fee":
		s, currency := v, ""
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		switch {
		case strings.HasPrefix(s, "$"):
			s, currency = s[1:], "USD"
		case strings.HasPrefix(s, "€"):
			s, currency = s[len("€"):], "EUR"
		}
		s = strings.ReplaceAll(s, ",", "")
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return sheets.TextCell(v)
		}
		if neg {
			s = "-" + s
		}
		if currency == "" {
			return sheets.NumberCell(s, sheets.FormatNumber)
		}
		c := sheets.NumberCell(s, sheets.FormatCurrency)
		c.Extra = &sheets.CellExtra{Currency: currency}
		return c
	case "Seats":
		if _, err := strconv.Atoi(v); err == nil {
			return sheets.NumberCell(v, sheets.FormatNone)
		}
	case "Discount":
		if p, ok := strings.CutSuffix(v, "%"); ok {
			if x, err := strconv.ParseFloat(p, 64); err == nil {
				return sheets.NumberCell(strconv.FormatFloat(x/100, 'f', -1, 64), sheets.FormatPercent)
			}
		} else if _, err := strconv.ParseFloat(v, 64); err == nil {
			return sheets.NumberCell(v, sheets.FormatNumber)
		}
	case "Start Date", "End Date":
		if d, err := calc.ParseDate(v); err == nil {
			return sheets.DateCell(d)
		}
	}
	return sheets.TextCell(v)
}
