package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/xuri/excelize/v2"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// oldHistories are the history tabs that syncs of the fixture wrote in
// the layouts before today's (as of 2026-03-15, the books closed through
// 2026-02): one record a row (v1), and one row per customer with a hash in
// each row print and no check (v2).
var oldHistories = []string{"history_v1.csv", "history_v2.csv"}

// oldHistory returns the history tab name of oldHistories, its rows moved
// down by shift: the workbook fixture has no title row, the Google one
// has. A print's row is not in its hash.
func oldHistory(t *testing.T, name string, shift int) [][]string {
	t.Helper()
	recs := readCSV(t, filepath.Join("..", "..", "sheets", "testdata", name))
	for i, rec := range recs {
		switch {
		case name == "history_v1.csv" && rec[0] == "row":
			var f []any
			if err := json.Unmarshal([]byte(rec[2]), &f); err != nil {
				t.Fatal(err)
			}
			f[0] = f[0].(float64) + float64(shift)
			b, _ := json.Marshal(f)
			rec[2] = string(b)
		case name == "history_v2.csv" && i > 0 && len(rec) > 2 && rec[2] != "":
			prints := strings.Split(rec[2], ";")
			for j, p := range prints {
				row, rest, _ := strings.Cut(p, ",")
				n, err := strconv.Atoi(row)
				if err != nil {
					t.Fatal(err)
				}
				prints[j] = strconv.Itoa(n+shift) + "," + rest
			}
			rec[2] = strings.Join(prints, ";")
		}
	}
	return recs
}

// checkDiffAfterOldHistory checks what books diff says of the fixture's
// edits against the books of the old tab.
func checkDiffAfterOldHistory(t *testing.T, out string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("books diff lacks %q:\n%s", w, out)
		}
	}
	if n := strings.Count(out, "\n  "); n != len(wantRestated) {
		t.Errorf("books diff lists %d restatements, want %d:\n%s", n, len(wantRestated), out)
	}
}

// withoutRows is the output of books diff without the rows that explain
// each restatement: once a sync has recorded the edited rows' prints, the
// closed months still differ from the sheet (the books keep them), but no
// row has changed since.
func withoutRows(out string) string {
	return regexp.MustCompile(` \(rows? [^)]*\)`).ReplaceAllString(out, "")
}

// TestBooksOldHistoryTabWorkbook: a workbook whose history tab is in a
// layout before today's (written by an earlier mrrbot; each of
// oldHistories) is read: books diff
// finds the fixture's edits against it. The next sync writes the tab in
// today's layout, one row per customer, and the books it carries are the
// same: books diff lists the same customer-months after it.
func TestBooksOldHistoryTabWorkbook(t *testing.T) {
	for _, name := range oldHistories {
		t.Run(name, func(t *testing.T) { testOldHistoryTabWorkbook(t, name) })
	}
}

func testOldHistoryTabWorkbook(t *testing.T, name string) {
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

	// The tab as an earlier mrrbot left it, and the fixture's edits.
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	old := oldHistory(t, name, 0)
	for r := range max(len(old), len(workbookRows(t, book, "_mrrbot_history"))) {
		for c := range 3 {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			v := ""
			if r < len(old) {
				v = old[r][c]
			}
			if err := f.SetCellStr("_mrrbot_history", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.SetCellFloat("Subscriptions", "D4", 450, -1, 64)
	f.SetCellInt("Subscriptions", "I28", 45901) // 2025-09-01
	if err := f.RemoveRow("Subscriptions", 16); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	want := []string{
		"April 2025, Cyberdyne Systems: $500.00 → $450.00 (row 4 changed)",
		"July 2025, C014: $120.00 → $0.00 (row 16 removed)",
		"October 2025, Vandelay Industries: $0.00 → $99.00 (row 27 changed)",
	}
	before := run("books", "diff")
	checkDiffAfterOldHistory(t, before, want)

	run("sync")
	rows := workbookRows(t, book, "_mrrbot_history")
	if len(rows) == 0 || len(rows[0]) < 3 || rows[0][0] != "Customer" || rows[0][1] != "MRR through 2026-02, closed 2026-02" || rows[0][2] != "Rows, check" {
		t.Fatalf("history tab after the sync starts %v, want today's header", rows[:min(2, len(rows))])
	}
	if len(rows) > 1+len(workbookRows(t, book, "Subscriptions")) {
		t.Errorf("history tab has %d rows, more than the source tab", len(rows))
	}
	if after := run("books", "diff"); withoutRows(after) != withoutRows(before) {
		t.Errorf("books diff after the sync rewrote the tab:\n%s\nwant the same customer-months as before:\n%s", after, before)
	}
}

// TestBooksOldHistoryTabGoogle is TestBooksOldHistoryTabWorkbook in a
// Google Sheet, through the stand-in.
func TestBooksOldHistoryTabGoogle(t *testing.T) {
	for _, name := range oldHistories {
		t.Run(name, func(t *testing.T) { testOldHistoryTabGoogle(t, name) })
	}
}

func testOldHistoryTabGoogle(t *testing.T, name string) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	env := googleEnv(srv)
	run := func(args ...string) string {
		t.Helper()
		out, stderr, err := mrrbotAt(t, fixedNow, env, append(args, "--spreadsheet", sheetID, "--as-of", "2026-03-15")...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
		return out
	}
	run("sync")
	old := oldHistory(t, name, 1)
	rows := make([][]*sheetsapi.CellData, len(old))
	for r, rec := range old {
		for _, v := range rec {
			cd := &sheetsapi.CellData{}
			if v != "" {
				cd = sheetstest.String(v)
			}
			rows[r] = append(rows[r], cd)
		}
	}
	srv.SetCells(sheetID, "_mrrbot_history!A1", rows)
	editFixture(t, srv)

	before := run("books", "diff")
	checkDiffAfterOldHistory(t, before, wantRestated)

	run("sync")
	got := tabValues(t, srv.Spreadsheet(sheetID), "_mrrbot_history")
	if len(got) == 0 || len(got[0]) < 3 || got[0][0] != "Customer" || got[0][1] != "MRR through 2026-02, closed 2026-02" || got[0][2] != "Rows, check" {
		t.Fatalf("history tab after the sync starts %v, want today's header", got[:min(2, len(got))])
	}
	if len(got) > 1+len(tabValues(t, srv.Spreadsheet(sheetID), "Subscriptions")) {
		t.Errorf("history tab has %d rows, more than the source tab", len(got))
	}
	if after := run("books", "diff"); withoutRows(after) != withoutRows(before) {
		t.Errorf("books diff after the sync rewrote the tab:\n%s\nwant the same customer-months as before:\n%s", after, before)
	}
}
