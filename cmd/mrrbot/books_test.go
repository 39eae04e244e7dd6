package main

import (
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/xuri/excelize/v2"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// The fixture in the stand-in has a title row, so its CSV row n is sheet
// row n+1: C012's Pro row is row 5, C014's only row is row 17, C009's paid
// row is row 29.
func editFixture(t *testing.T, srv *sheetstest.Server) {
	t.Helper()
	// A past row's amount: C012 Pro, 500 → 450.
	srv.SetCells(sheetID, "Subscriptions!D5", [][]*sheetsapi.CellData{{sheetstest.Currency(450)}})
	// A back-dated start: C009 from 2025-11-01 to 2025-09-01.
	srv.SetCells(sheetID, "Subscriptions!I29", [][]*sheetsapi.CellData{{sheetstest.Date(2025, 9, 1)}})
	// A deleted row: C014, row 17; the rows below it move up by one.
	ss := srv.Spreadsheet(sheetID)
	srv.Apply(sheetID, &sheetsapi.Request{DeleteDimension: &sheetsapi.DeleteDimensionRequest{Range: &sheetsapi.DimensionRange{
		SheetId: findSheet(ss, "Subscriptions").Properties.SheetId, Dimension: "ROWS", StartIndex: 16, EndIndex: 17,
		ForceSendFields: []string{"SheetId"},
	}}})
}

// wantRestated are the restatements the edits make, through February 2026
// (the fixture is synced as of 2026-03-15). A customer whose rows are all
// gone is named by its ID: the sheet no longer has its name.
var wantRestated = []string{
	"April 2025, Cyberdyne Systems: $500.00 → $450.00 (row 5 changed)",
	"May 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"June 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"July 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"July 2025, C014: $120.00 → $0.00 (row 17 removed)",
	"August 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"August 2025, C014: $120.00 → $0.00 (row 17 removed)",
	"September 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"September 2025, Vandelay Industries: $0.00 → $99.00 (row 28 changed)",
	"September 2025, C014: $120.00 → $0.00 (row 17 removed)",
	"October 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"October 2025, Vandelay Industries: $0.00 → $99.00 (row 28 changed)",
	"November 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
	"December 2025, Cyberdyne Systems: $600.00 → $550.00 (row 5 changed)",
}

func TestBooksRestatementsGoogle(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	env := googleEnv(srv)
	sync := func(args ...string) string {
		t.Helper()
		out, stderr, err := mrrbotAt(t, fixedNow, env, append([]string{"sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"}, args...)...)
		if err != nil {
			t.Fatalf("sync %v: %v\n%s", args, err, stderr)
		}
		return out
	}
	first := sync()
	if strings.Contains(first, "Restated") {
		t.Errorf("first sync restated something:\n%s", first)
	}
	history := findSheet(srv.Spreadsheet(sheetID), "_mrrbot_history")
	if history == nil || !history.Properties.Hidden || len(history.ProtectedRanges) != 1 || !history.ProtectedRanges[0].WarningOnly {
		t.Fatalf("history tab: %+v", history)
	}
	original := tabValues(t, srv.Spreadsheet(sheetID), "MRR Summary")

	// Close the books through February, then edit the past.
	if out, stderr, err := mrrbotAt(t, fixedNow, env, "books", "close", "--through", "2026-02", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("books close: %v\n%s%s", err, out, stderr)
	}
	editFixture(t, srv)

	// books diff names every restated customer-month and its rows, and
	// writes nothing.
	srv.ResetCalls()
	out, _, err := mrrbotAt(t, fixedNow, env, "books", "diff", "--spreadsheet", sheetID, "--as-of", "2026-03-15")
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; got != 0 {
		t.Errorf("books diff wrote %d times", got)
	}
	for _, want := range wantRestated {
		if !strings.Contains(out, want) {
			t.Errorf("books diff lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n  "); n != len(wantRestated) {
		t.Errorf("books diff lists %d restatements, want %d:\n%s", n, len(wantRestated), out)
	}

	// Locked: the closed months keep their figures; March moves from them.
	sync("--books", "locked")
	locked := tabValues(t, srv.Spreadsheet(sheetID), "MRR Summary")
	for i := 1; i < len(original)-1; i++ { // every closed month
		if strings.Join(original[i][:11], "|") != strings.Join(locked[i][:11], "|") {
			t.Errorf("locked %s = %v, want the recorded %v", locked[i][0], locked[i][:11], original[i][:11])
		}
	}
	checkWaterfall(t, locked)
	// The edits touch only closed months, so March ends where the sheet
	// says, in both modes.
	if march := locked[len(locked)-1]; march[8] != "2908.13" {
		t.Errorf("locked March ending MRR = %s, want 2908.13", march[8])
	}

	// Live: recomputed figures, restatements on the Data Issues tab.
	out = sync()
	if !strings.Contains(out, "Restated since the last sync recorded them") {
		t.Errorf("sync output does not mention the restatements:\n%s", out)
	}
	live := tabValues(t, srv.Spreadsheet(sheetID), "MRR Summary")
	checkWaterfall(t, live)
	issues := tabValues(t, srv.Spreadsheet(sheetID), "Data Issues")
	restated := 0
	for _, r := range issues {
		if len(r) > 1 && r[1] == "restated" {
			restated++
		}
	}
	if restated != len(wantRestated) {
		t.Errorf("Data Issues lists %d restatements, want %d", restated, len(wantRestated))
	}
}

// checkWaterfall checks the identities on a summary tab: each month starts
// where the one before ended, and Starting + Net New = Ending, to the cent
// that rounding each figure on its own may cost (they hold exactly in calc).
func checkWaterfall(t *testing.T, summary [][]string) {
	t.Helper()
	prev := "0.00"
	for _, r := range summary[1:] {
		if r[1] != prev {
			t.Errorf("%s starts at %s, the month before ended at %s", r[0], r[1], prev)
		}
		if got, want := cents(r[1])+cents(r[7]), cents(r[8]); got-want > 1 || want-got > 1 {
			t.Errorf("%s: starting %s + net new %s ≠ ending %s", r[0], r[1], r[7], r[8])
		}
		prev = r[8]
	}
}

func cents(s string) int64 {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var n int64
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

// TestBooksRestatementsWorkbook makes the same edits to a workbook (no
// title row there, so every row number is one less).
func TestBooksRestatementsWorkbook(t *testing.T) {
	book := fixtureWorkbook(t)
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := mrrbotAt(t, fixedNow, nil, append(args, "--workbook", book, "--as-of", "2026-03-15")...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
		return out
	}
	run("sync")
	original := workbookRows(t, book, "MRR Summary")
	run("books", "close", "--through", "2026-02")

	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellFloat("Subscriptions", "D4", 450, -1, 64)
	f.SetCellInt("Subscriptions", "I28", int64(sheets.Serial(calc.DateOf(2025, 9, 1))))
	if err := f.RemoveRow("Subscriptions", 16); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	out := run("books", "diff")
	for _, want := range []string{
		"April 2025, Cyberdyne Systems: $500.00 → $450.00 (row 4 changed)",
		"July 2025, C014: $120.00 → $0.00 (row 16 removed)",
		"October 2025, Vandelay Industries: $0.00 → $99.00 (row 27 changed)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("books diff lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n  "); n != len(wantRestated) {
		t.Errorf("books diff lists %d restatements, want %d:\n%s", n, len(wantRestated), out)
	}

	run("sync", "--books", "locked")
	locked := workbookRows(t, book, "MRR Summary")
	for i := 1; i < len(original)-1; i++ {
		if strings.Join(original[i][:11], "|") != strings.Join(locked[i][:11], "|") {
			t.Errorf("locked row %d = %v, want the recorded %v", i, locked[i][:11], original[i][:11])
		}
	}
	run("books", "reopen", "--yes")
	out = run("sync")
	if !strings.Contains(out, "Restated since the last sync recorded them") {
		t.Errorf("live sync after reopen:\n%s", out)
	}
	// Once the live books are recorded, the next sync has nothing new.
	if out := run("books", "diff"); !strings.Contains(out, "No restatements") {
		t.Errorf("diff after recording the live figures:\n%s", out)
	}
	if _, _, err := mrrbotAt(t, fixedNow, nil, "books", "reopen", "--workbook", book); err == nil || !isUsage(err) {
		t.Errorf("reopen without --yes: %v", err)
	}
}
