package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
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
