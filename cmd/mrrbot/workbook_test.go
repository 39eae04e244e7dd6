package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// fixtureWorkbook writes the fixture CSV as a workbook the way a person's
// spreadsheet holds it: dates as date-formatted serial numbers, amounts as
// currency-formatted numbers, "20%" as a percent-formatted 0.2, and the FX
// rates in an FX tab. Cells the fixture writes as text that is not a
// valid value (a bad date, "fortnightly") stay text.
func fixtureWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	must(err)
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	must(err)
	must(f.SetSheetName("Sheet1", "Subscriptions"))

	recs := readCSV(t, filepath.Join(fixture, "subscriptions.csv"))
	header := recs[0]
	for r, rec := range recs {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if r == 0 || v == "" {
				must(f.SetCellValue("Subscriptions", cell, v))
				continue
			}
			switch header[c] {
			case "Start Date", "End Date":
				if d, err := time.Parse(time.DateOnly, v); err == nil {
					must(f.SetCellValue("Subscriptions", cell, d))
					must(f.SetCellStyle("Subscriptions", cell, cell, dateStyle))
					continue
				}
			case "Price", "Setup Fee":
				plain := strings.NewReplacer("$", "", ",", "").Replace(v)
				if x, err := strconv.ParseFloat(plain, 64); err == nil {
					must(f.SetCellFloat("Subscriptions", cell, x, -1, 64))
					must(f.SetCellStyle("Subscriptions", cell, cell, moneyStyle))
					continue
				}
			case "Discount":
				if pct, ok := strings.CutSuffix(v, "%"); ok {
					n, _ := strconv.Atoi(pct)
					must(f.SetCellFloat("Subscriptions", cell, float64(n)/100, -1, 64))
					must(f.SetCellStyle("Subscriptions", cell, cell, pctStyle))
					continue
				}
			case "Seats":
				if n, err := strconv.Atoi(v); err == nil {
					must(f.SetCellInt("Subscriptions", cell, int64(n)))
					continue
				}
			}
			must(f.SetCellValue("Subscriptions", cell, v))
		}
	}
	_, err = f.NewSheet("FX")
	must(err)
	for r, rec := range readCSV(t, filepath.Join(fixture, "fx.csv")) {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if x, err := strconv.ParseFloat(v, 64); err == nil && r > 0 && c == 1 {
				must(f.SetCellFloat("FX", cell, x, -1, 64))
				continue
			}
			must(f.SetCellValue("FX", cell, v))
		}
	}
	// The cells really are typed: a check that the workbook is the one
	// this test means to read.
	// (excelize reports a number cell as unset or number.)
	for _, cell := range []string{"D2", "I2", "H18"} {
		got, err := f.GetCellType("Subscriptions", cell)
		if err != nil || got != excelize.CellTypeNumber && got != excelize.CellTypeUnset {
			t.Fatalf("cell %s has type %v (%v), want a number", cell, got, err)
		}
		if v, _ := f.GetCellValue("Subscriptions", cell, excelize.Options{RawCellValue: true}); strings.ContainsAny(v, "%$-") {
			t.Fatalf("cell %s holds %q, want a plain number", cell, v)
		}
	}
	path := filepath.Join(t.TempDir(), "subscriptions.xlsx")
	must(f.SaveAs(path))
	return path
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestComputeWorkbook reads the fixture as a typed workbook: the figures
// and the issues must be exactly those of the CSV.
func TestComputeWorkbook(t *testing.T) {
	book := fixtureWorkbook(t)
	checkFixtureJSON(t, "--input", book)
	if err := func() error { _, _, err := mrrbot(t, nil, "compute", "--input", book, "--fx", "x.csv"); return err }(); !isUsage(err) {
		t.Errorf("--fx with a workbook: %v, want a usage error", err)
	}
}
