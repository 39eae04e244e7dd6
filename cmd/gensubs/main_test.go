package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// TestWorkbookMatchesCSV generates the same rows as a workbook with typed
// cells and as CSV: read back, they give the same months, the same
// customers and the same rows left out.
func TestWorkbookMatchesCSV(t *testing.T) {
	const n = 3000
	p := filepath.Join(t.TempDir(), "subs.xlsx")
	if err := writeXLSX(p, n, 7); err != nil {
		t.Fatal(err)
	}
	book, err := xlsx.Read(p, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var subs, fx bytes.Buffer
	if err := calctest.WriteCSV(&subs, n, 7); err != nil {
		t.Fatal(err)
	}
	if err := calctest.WriteFXCSV(&fx); err != nil {
		t.Fatal(err)
	}
	csv, err := sheets.ReadCSV(&subs, &fx, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if book.Rows != n || csv.Rows != n || len(csv.Errors) == 0 {
		t.Fatalf("rows: workbook %d, CSV %d; CSV errors %d", book.Rows, csv.Rows, len(csv.Errors))
	}
	// A row left out names its row and reason alike; its value is the
	// cell's as each shows it ("-$1,200.00" in the CSV, -1200 in the
	// workbook).
	if diff := cmp.Diff(csv.Errors, book.Errors, cmpopts.IgnoreFields(calc.Issue{}, "Value")); diff != "" {
		t.Errorf("rows left out (-CSV +workbook):\n%s", diff)
	}
	asOf := calc.DateOf(2026, 3, 15)
	want, got := csv.Book.Compute(asOf), book.Book.Compute(asOf)
	if diff := cmp.Diff(want.Months, got.Months, cmpopts.EquateComparable(calc.Sum{})); diff != "" {
		t.Errorf("months (-CSV +workbook):\n%s", diff)
	}
	if len(want.Customers) != len(got.Customers) || len(got.Customers) != n/5 {
		t.Errorf("customers: CSV %d, workbook %d, want %d", len(want.Customers), len(got.Customers), n/5)
	}
}
