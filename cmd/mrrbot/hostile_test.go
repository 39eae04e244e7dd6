package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// TestSyncGoogleLongBadCell syncs a sheet with a price cell of 50,000
// characters, the most a Google Sheets cell holds: the Data Issues tab
// quotes it twice (Value, and Problem around it), which used to pass the
// cell limit and make Google refuse the whole write. The write succeeds,
// the value is quoted shortly with its length, and no cell written is
// over the limit.
func TestSyncGoogleLongBadCell(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	long := strings.Repeat("9", 49_990) + "dollars"
	srv.SetCells(sheetID, "Subscriptions!A36", [][]*sheetsapi.CellData{{
		sheetstest.String("C999"), sheetstest.String("Long Ltd"), sheetstest.String("Pro"), sheetstest.String(long),
		sheetstest.String("USD"), sheetstest.String("Monthly"), sheetstest.Number(1), nil,
		sheetstest.Date(2025, 5, 1),
	}})
	_, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
	ss := srv.Spreadsheet(sheetID)
	var found bool
	for _, row := range tabValues(t, ss, "Data Issues") {
		if len(row) < 4 || row[0] != "36.00" {
			continue
		}
		found = true
		if want := strings.Repeat("9", 200) + "… (49,997 characters)"; row[2] != want {
			t.Errorf("Value = %.60q…, want %.60q", row[2], want)
		}
		if !strings.HasPrefix(row[3], `"`+strings.Repeat("9", 200)+`…" (49,997 characters) is not`) {
			t.Errorf("Problem = %.300q", row[3])
		}
	}
	if !found {
		t.Fatal("no Data Issues row for row 36")
	}
	for _, sh := range ss.Sheets {
		if sh.Properties.Title == "Subscriptions" {
			continue // the person's tab, with the long cell
		}
		for _, g := range sh.Data {
			for _, rd := range g.RowData {
				for _, cd := range rd.Values {
					if s := cellString(cd); utf8.RuneCountInString(s) > 1000 {
						t.Errorf("tab %q has a cell of %d characters", sh.Properties.Title, utf8.RuneCountInString(s))
					}
				}
			}
		}
	}
}

// TestComputeImplausibleDates computes a sheet with a start date in year
// 0001 and an end date in 9999: both rows are row problems, and the
// months run from the first plausible start, not through 24,000 months.
func TestComputeImplausibleDates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "subs.csv")
	csv := "customer_id,amount,start_date,end_date\n" +
		"ancient,100,0001-01-01,\n" +
		"forever,100,2025-01-10,9999-12-31\n" +
		"ok,100,2025-01-10,\n"
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := mrrbotAt(t, fixedNow, nil, "compute", "--input", p, "--format", "json")
	if err != nil {
		t.Fatalf("compute: %v\n%s", err, stderr)
	}
	var got struct {
		Months []struct {
			Month string `json:"month"`
		} `json:"months"`
		Errors []struct {
			Row     int    `json:"row"`
			Column  string `json:"column"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Months) == 0 || got.Months[0].Month != "2025-01" || len(got.Months) > 15 {
		t.Errorf("months %v…, want 2025-01 through 2026-03", got.Months[:min(3, len(got.Months))])
	}
	want := []string{
		`row 2, start_date: "0001-01-01" is not a plausible date (before 1970)`,
		`row 3, end_date: "9999-12-31" is not a plausible date (more than 50 years from today, 2026-03-15)`,
	}
	var msgs []string
	for _, e := range got.Errors {
		msgs = append(msgs, fmt.Sprintf("row %d, %s: %s", e.Row, e.Column, e.Message))
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}

// TestSyncWorkbookOverMemoryLimit syncs a workbook whose tabs would take
// more memory to write than GOMEMLIMIT gives: a clear error before the
// workbook is opened, the workbook as it was, and no temporary file.
func TestSyncWorkbookOverMemoryLimit(t *testing.T) {
	book := fixtureWorkbook(t)
	before := fileHash(t, book)
	_, _, err := mrrbotAt(t, fixedNow, map[string]string{"GOMEMLIMIT": "64KiB"}, "sync", "--workbook", book)
	if !errors.Is(err, xlsx.ErrTooMuchToWrite) {
		t.Fatalf("err = %v, want ErrTooMuchToWrite", err)
	}
	for _, want := range []string{"more than the 64 KB mrrbot may use (GOMEMLIMIT)", "give it more memory"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if fileHash(t, book) != before {
		t.Error("the workbook changed")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(book), ".mrrbot-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// With the memory it needs, the same sync goes through.
	if _, stderr, err := mrrbotAt(t, fixedNow, map[string]string{"GOMEMLIMIT": "512MiB"}, "sync", "--workbook", book); err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
}

func TestParseMemLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"768MiB", 768 << 20, true},
		{"1GiB", 1 << 30, true},
		{"65536", 65536, true},
		{"512KiB", 512 << 10, true},
		{"100B", 100, true},
		{"1.5GiB", 0, false},
		{"lots", 0, false},
		{"-1", 0, false},
		{"9999999TiB", 0, false},
	} {
		got, ok := parseMemLimit(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseMemLimit(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
