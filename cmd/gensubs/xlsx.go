package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/xuri/excelize/v2"
)

// Number formats of the generated workbook's typed cells.
const (
	fmtDate    = "yyyy-mm-dd"
	fmtPercent = "0%"
	fmtNumber  = "#,##0.00"
	fmtDollar  = `"$"#,##0.00`
	fmtEuro    = `[$€-407] #,##0.00`
)

// writeXLSX writes a header and n generated rows into a new workbook at
// path, tab "Subscriptions", through excelize's stream writer (the rows
// are never all in memory), and the rates of calctest.FX in its FX tab.
func writeXLSX(path string, n int, seed uint64) error {
	f := excelize.NewFile()
	defer f.Close()
	const tab = "Subscriptions"
	if err := f.SetSheetName("Sheet1", tab); err != nil {
		return err
	}
	styles := map[string]int{}
	for _, code := range []string{fmtDate, fmtPercent, fmtNumber, fmtDollar, fmtEuro} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return err
		}
		styles[code] = id
	}
	sw, err := f.NewStreamWriter(tab)
	if err != nil {
		return err
	}
	vals := make([]any, len(calctest.Header))
	for i, h := range calctest.Header {
		vals[i] = h
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return err
	}
	r := 2
	calctest.Each(n, seed, func(rec []string) {
		if err != nil {
			return
		}
		for i, v := range rec {
			vals[i] = typed(i, v, styles)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		err = sw.SetRow(cell, vals)
		r++
	})
	if err != nil {
		return fmt.Errorf("row %d: %w", r, err)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// The rates of the generated table's currencies, in the FX tab where
	// a workbook keeps them.
	if _, err := f.NewSheet("FX"); err != nil {
		return err
	}
	for i, row := range calctest.FX {
		vals := []any{row[0], row[1]}
		if i > 0 {
			x, err := strconv.ParseFloat(row[1], 64)
			if err != nil {
				return err
			}
			vals[1] = x
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("FX", cell, &vals); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

// excelEpoch is day 0 of the 1900 date system, as spreadsheets count it.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// typed returns the cell a person's spreadsheet would hold for the text v
// of column i of a generated row (see calctest.Header).
func typed(i int, v string, styles map[string]int) any {
	if v == "" {
		return nil
	}
	switch calctest.Header[i] {
	case "Amount", "Setup Fee":
		code, s := fmtNumber, v
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		switch {
		case strings.HasPrefix(s, "$"):
			code, s = fmtDollar, s[1:]
		case strings.HasPrefix(s, "€"):
			code, s = fmtEuro, s[len("€"):]
		}
		x, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil {
			return v
		}
		if neg {
			x = -x
		}
		return excelize.Cell{StyleID: styles[code], Value: x}
	case "Seats":
		if x, err := strconv.Atoi(v); err == nil {
			return x
		}
	case "Discount":
		if p, ok := strings.CutSuffix(v, "%"); ok {
			if x, err := strconv.ParseFloat(p, 64); err == nil {
				return excelize.Cell{StyleID: styles[fmtPercent], Value: x / 100}
			}
		} else if x, err := strconv.ParseFloat(v, 64); err == nil {
			return excelize.Cell{StyleID: styles[fmtNumber], Value: x}
		}
	case "Start Date", "End Date":
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return excelize.Cell{StyleID: styles[fmtDate], Value: int(d.Sub(excelEpoch).Hours() / 24)}
		}
	}
	return v
}
