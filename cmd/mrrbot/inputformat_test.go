package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureTSV writes the fixture's subscriptions as a TSV file, the way a
// spreadsheet exports tab-separated values: amounts such as "$1,200.00"
// keep their commas, unquoted.
func fixtureTSV(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join(fixture, "subscriptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = '\t'
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\t$1,200.00\t") {
		t.Fatal("the TSV has no amount with a comma; the test would not show the separator is a tab")
	}
	path := filepath.Join(t.TempDir(), "subscriptions.tsv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestComputeTSV reads the fixture as TSV: the hand-checked figures and
// issues, and the same JSON, byte for byte, as from the CSV.
func TestComputeTSV(t *testing.T) {
	tsv := fixtureTSV(t)
	fx := filepath.Join(fixture, "fx.csv")
	checkFixtureJSON(t, "--input", tsv, "--fx", fx, "--currency", "USD")
	args := []string{"--fx", fx, "--as-of", "2026-03-15", "--format", "json"}
	fromCSV, _, err := mrrbot(t, nil, append([]string{"compute", "--input", filepath.Join(fixture, "subscriptions.csv")}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	fromTSV, _, err := mrrbot(t, nil, append([]string{"compute", "--input", tsv}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	if fromCSV != fromTSV {
		t.Errorf("the TSV gives other figures than the CSV:\nCSV:\n%s\nTSV:\n%s", fromCSV, fromTSV)
	}
}

// TestOtherSpreadsheetFiles gives mrrbot files it cannot read, from the
// applications that make them: each is refused with how to export it as
// .xlsx or .csv from that application, whichever command it is given to.
func TestOtherSpreadsheetFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		ext  string
		want []string
	}{
		{".ods", []string{"LibreOffice Calc", "File → Save As…", ".xlsx", ".csv"}},
		{".xls", []string{"Excel", "File → Save As…", "Excel Workbook (*.xlsx)", "CSV UTF-8"}},
		{".numbers", []string{"Numbers", "File → Export To → Excel…", "CSV"}},
	} {
		path := filepath.Join(dir, "subscriptions"+tc.ext)
		if err := os.WriteFile(path, []byte("PK\x03\x04 not read"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"compute", "--input", path},
			{"sync", "--workbook", path},
			{"digest", "--workbook", path},
			{"doctor", "--workbook", path},
			{"books", "diff", "--workbook", path},
		} {
			t.Run(tc.ext+" "+args[0], func(t *testing.T) {
				_, stderr, status, _ := runCLI(t, nil, args...)
				if status != 2 {
					t.Errorf("exit %d, want 2", status)
				}
				first, _, _ := strings.Cut(stderr, "\n")
				for _, w := range append(tc.want, "cannot read "+tc.ext+" files") {
					if !strings.Contains(first, w) {
						t.Errorf("%q lacks %q", first, w)
					}
				}
			})
		}
	}
}

// TestComputeTSVManyCommas reads a TSV file whose cells hold more commas
// than the lines hold tabs: the separator of a .tsv is a tab whatever its
// lines hold, so it gives the figures of the same table as CSV.
func TestComputeTSVManyCommas(t *testing.T) {
	rows := [][]string{
		{"Customer ID", "Company", "Price", "Start Date", "Notes"},
		{"C1", "Acme, Inc.", "$1,200.00", "2025-01-01", "annual, prepaid, upgraded, twice, in, spring"},
		{"C2", "Globex, Ltd.", "$99.00", "2025-02-01", "monthly, card, on, file, since, launch"},
	}
	dir := t.TempDir()
	write := func(name string, comma rune) string {
		var b strings.Builder
		w := csv.NewWriter(&b)
		w.Comma = comma
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	csvPath, tsvPath := write("subs.csv", ','), write("subs.tsv", '\t')
	args := []string{"--as-of", "2025-03-31", "--format", "json"}
	fromCSV, stderr, err := mrrbot(t, nil, append([]string{"compute", "--input", csvPath}, args...)...)
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, stderr)
	}
	fromTSV, stderr, err := mrrbot(t, nil, append([]string{"compute", "--input", tsvPath}, args...)...)
	if err != nil {
		t.Fatalf("tsv: %v\n%s", err, stderr)
	}
	if fromCSV != fromTSV {
		t.Errorf("the TSV gives other figures than the CSV:\nCSV:\n%s\nTSV:\n%s", fromCSV, fromTSV)
	}
	if !strings.Contains(fromTSV, `"ending_mrr":"1299.00"`) {
		t.Errorf("the TSV's March MRR is not $1,200 + $99: %s", fromTSV)
	}
}
