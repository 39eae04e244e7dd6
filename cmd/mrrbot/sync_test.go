package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

const sheetID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

// fixtureSheet seeds srv with the fixture as a person's Google Sheet holds
// it: a title row above the header, dates as date-formatted serials,
// prices as currency cells, "20%" as a percent cell, and an FX tab.
func fixtureSheet(t *testing.T, srv *sheetstest.Server) {
	t.Helper()
	srv.AddSpreadsheet(sheetID, "Subscriptions 2026", "en_US")
	recs := readCSV(t, filepath.Join(fixture, "subscriptions.csv"))
	header := recs[0]
	rows := [][]*sheetsapi.CellData{{sheetstest.String("Customer subscriptions — keep one row per line")}}
	currency := slices.Index(header, "Currency")
	for r, rec := range recs {
		var row []*sheetsapi.CellData
		for c, v := range rec {
			row = append(row, typedCell(header[c], v, rec[currency], r == 0))
		}
		rows = append(rows, row)
	}
	srv.AddSheet(sheetID, "Subscriptions", 0, 0)
	srv.SetCells(sheetID, "Subscriptions!A1", rows)
	srv.AddSheet(sheetID, "FX", 0, 0)
	srv.SetCells(sheetID, "FX!A1", [][]*sheetsapi.CellData{
		{sheetstest.String("currency"), sheetstest.String("rate")},
		{sheetstest.String("EUR"), sheetstest.Number(1.08)},
	})
	srv.AddSheet(sheetID, "Notes", 0, 0)
	srv.SetCells(sheetID, "Notes!A1", [][]*sheetsapi.CellData{{sheetstest.String("a person's own tab")}})
}

// currencyPatterns are the currency formats Sheets gives amounts in each
// currency; the reporting currency, USD, is also the blank one.
var currencyPatterns = map[string]string{"": `"$"#,##0.00`, "USD": `"$"#,##0.00`, "EUR": `[$€]#,##0.00`, "GBP": `[$£]#,##0.00`}

// typedCell turns a fixture value into the cell a spreadsheet would hold:
// an amount is a currency cell in the row's currency.
func typedCell(column, v, currency string, header bool) *sheetsapi.CellData {
	if header || v == "" {
		return sheetstest.String(v)
	}
	switch column {
	case "Start Date", "End Date":
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return sheetstest.Date(d.Year(), d.Month(), d.Day())
		}
	case "Price", "Setup Fee":
		if x, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "").Replace(v), 64); err == nil {
			return sheetstest.FormattedNumber(x, "CURRENCY", currencyPatterns[currency])
		}
	case "Discount":
		if p, ok := strings.CutSuffix(v, "%"); ok {
			n, _ := strconv.Atoi(p)
			return sheetstest.Percent(float64(n) / 100)
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return sheetstest.Number(x)
		}
	case "Seats":
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return sheetstest.Number(x)
		}
	}
	return sheetstest.String(v)
}

// fixtureHeaders are the fixture's headers of the fields its issues name,
// which the Data Issues tab shows.
var fixtureHeaders = map[string]string{
	"customer_id": "Customer ID", "start_date": "Start Date", "end_date": "End Date", "amount": "Price",
	"interval": "Billing Cycle", "currency": "Currency", "discount": "Discount",
}

func googleEnv(srv *sheetstest.Server) map[string]string {
	return map[string]string{"MRRBOT_SHEETS_ENDPOINT": srv.URL()}
}

// tabValues returns a tab's cells as the strings a person would compare:
// numbers with two decimals, text as is.
func tabValues(t *testing.T, ss *sheetsapi.Spreadsheet, title string) [][]string {
	t.Helper()
	sh := findSheet(ss, title)
	if sh == nil {
		t.Fatalf("no tab %q", title)
	}
	var out [][]string
	for _, g := range sh.Data {
		for _, rd := range g.RowData {
			var row []string
			for _, cd := range rd.Values {
				row = append(row, cellString(cd))
			}
			out = append(out, row)
		}
	}
	return out
}

func cellString(cd *sheetsapi.CellData) string {
	if cd == nil || cd.UserEnteredValue == nil {
		return ""
	}
	v := cd.UserEnteredValue
	switch {
	case v.NumberValue != nil:
		return strconv.FormatFloat(*v.NumberValue, 'f', 2, 64)
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return strconv.FormatBool(*v.BoolValue)
	}
	return ""
}

func findSheet(ss *sheetsapi.Spreadsheet, title string) *sheetsapi.Sheet {
	for _, sh := range ss.Sheets {
		if sh.Properties.Title == title {
			return sh
		}
	}
	return nil
}

func sheetJSON(t *testing.T, ss *sheetsapi.Spreadsheet, title string) string {
	t.Helper()
	b, err := json.Marshal(findSheet(ss, title))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSyncGoogle(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	before := srv.Spreadsheet(sheetID)

	stdout, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet",
		"https://docs.google.com/spreadsheets/d/"+sheetID+"/edit#gid=0", "--as-of", "2026-03-15")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
	t.Log(stdout)
	if calls := srv.Calls().Total; calls > 3 {
		t.Errorf("sync made %d API calls, want at most 3: %v", calls, srv.Calls().ByMethod)
	}
	after := srv.Spreadsheet(sheetID)

	// The person's tabs are byte for byte as they were.
	for _, title := range []string{"Subscriptions", "FX", "Notes"} {
		if diff := cmp.Diff(sheetJSON(t, before, title), sheetJSON(t, after, title)); diff != "" {
			t.Errorf("tab %s changed (-before +after):\n%s", title, diff)
		}
	}

	// The summary holds the hand-checked figures.
	var want computeJSON
	readJSON(t, filepath.Join(fixture, "expected.json"), &want)
	summary := tabValues(t, after, "MRR Summary")
	if got := summary[0][:11]; !cmp.Equal(got, []string{"Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Net New MRR", "Ending MRR", "ARR", "Customers"}) {
		t.Errorf("summary header = %q", got)
	}
	if len(summary)-1 != len(want.Months) {
		t.Fatalf("summary has %d months, want %d", len(summary)-1, len(want.Months))
	}
	for i, m := range want.Months {
		row := summary[i+1]
		got := map[string]any{}
		for k, col := range map[string]int{"starting_mrr": 1, "new": 2, "expansion": 3, "reactivation": 4, "contraction": 5, "churn": 6, "net_new": 7, "ending_mrr": 8, "arr": 9} {
			got[k] = row[col]
		}
		for k, col := range map[string]int{"customers": 10, "new_customers": 11, "churned_customers": 12, "reactivated_customers": 13} {
			n, _ := strconv.ParseFloat(row[col], 64)
			got[k] = n
		}
		for k := range got {
			want := fmt.Sprint(m[k])
			// The summary shows losses negative; the JSON, magnitudes.
			if (k == "contraction" || k == "churn") && want != "0.00" {
				want = "-" + want
			}
			if fmt.Sprint(got[k]) != want {
				t.Errorf("%s %s = %v, want %v", m["month"], k, got[k], want)
			}
		}
	}
	// Month is a date cell shown as "mmm yyyy"; amounts are currency cells.
	sh := findSheet(after, "MRR Summary")
	first := sh.Data[0].RowData[1].Values
	if f := first[0].UserEnteredFormat; f == nil || f.NumberFormat == nil || f.NumberFormat.Type != "DATE" || f.NumberFormat.Pattern != "mmm yyyy" {
		t.Errorf("month cell format = %+v, want a DATE mmm yyyy", first[0].UserEnteredFormat)
	}
	if f := first[8].UserEnteredFormat; f == nil || f.NumberFormat == nil || f.NumberFormat.Type != "CURRENCY" {
		t.Errorf("ending MRR cell format = %+v, want CURRENCY", first[8].UserEnteredFormat)
	}
	if hd := sh.Data[0].RowData[0].Values[0].UserEnteredFormat; hd == nil || hd.TextFormat == nil || !hd.TextFormat.Bold {
		t.Errorf("header is not bold")
	}
	if got := sh.Properties.GridProperties.FrozenRowCount; got != 1 {
		t.Errorf("summary frozen rows = %d, want 1", got)
	}
	// The chart has a tab of its own (TestSyncChartTabGoogle).
	if len(sh.Charts) != 0 {
		t.Errorf("summary has %d charts, want none", len(sh.Charts))
	}
	if ch := findSheet(after, "MRR Chart"); ch == nil || len(ch.Charts) != 1 {
		t.Errorf("MRR Chart tab = %v, want one with one chart", ch)
	}

	// Every bad row is on the issues tab, with its sheet row number (the
	// title row moves every row down by one).
	var wantIssues struct {
		Errors   []issueKey `json:"errors"`
		Warnings []issueKey `json:"warnings"`
	}
	readJSON(t, filepath.Join(fixture, "expected_issues.json"), &wantIssues)
	issues := tabValues(t, after, "Data Issues")
	var gotKeys []string
	for _, r := range issues[1:] {
		gotKeys = append(gotKeys, r[0]+" "+r[1])
	}
	var wantKeys []string
	for _, is := range append(wantIssues.Errors, wantIssues.Warnings...) {
		wantKeys = append(wantKeys, fmt.Sprintf("%d.00 %s", is.Row+1, fixtureHeaders[is.Column]))
	}
	if diff := cmp.Diff(wantKeys, gotKeys); diff != "" {
		t.Errorf("issues tab rows (-want +got):\n%s", diff)
	}

	// Movements: each month's signed amounts add up to its net new MRR.
	moves := tabValues(t, after, "MRR Movements")
	if len(moves) < 20 {
		t.Errorf("movements tab has %d rows", len(moves))
	}

	// A second sync replaces the tabs: one of each, one chart.
	srv.ResetCalls()
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("second sync: %v\n%s", err, stderr)
	}
	if calls := srv.Calls().Total; calls > 3 {
		t.Errorf("second sync made %d API calls, want at most 3", calls)
	}
	again := srv.Spreadsheet(sheetID)
	count := map[string]int{}
	charts := 0
	for _, sh := range again.Sheets {
		count[sh.Properties.Title]++
		charts += len(sh.Charts)
	}
	for _, title := range []string{"MRR Summary", "MRR Movements", "Data Issues"} {
		if count[title] != 1 {
			t.Errorf("after two syncs there are %d tabs %q", count[title], title)
		}
	}
	if charts != 1 {
		t.Errorf("after two syncs there are %d charts, want 1", charts)
	}
	if diff := cmp.Diff(summary, tabValues(t, again, "MRR Summary")); diff != "" {
		t.Errorf("second sync changed the summary (-first +second):\n%s", diff)
	}
}

// TestSyncGoogleSurvivesFaults syncs through two 503s and then a 429.
// It waits out real retry backoffs and Retry-After, so it runs beside the
// other tests that wait on real retries.
func TestSyncGoogleSurvivesFaults(t *testing.T) {
	t.Parallel()
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	srv.FailNext(2, 503, 0)
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("sync after two 503s: %v\n%s", err, stderr)
	}
	if findSheet(srv.Spreadsheet(sheetID), "MRR Summary") == nil {
		t.Fatal("no summary written")
	}
	srv.FailNext(1, 429, time.Second)
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("sync after a 429: %v\n%s", err, stderr)
	}
}

func TestSyncGoogleKeepsPersonsTab(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	srv.AddSheet(sheetID, "MRR Summary", 0, 0)
	srv.SetCells(sheetID, "'MRR Summary'!A1", [][]*sheetsapi.CellData{{sheetstest.String("my own numbers")}})
	before := srv.Spreadsheet(sheetID)
	_, _, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15")
	if err == nil {
		t.Fatal("sync wrote over a person's tab")
	}
	for _, want := range []string{`"MRR Summary"`, "--summary-tab"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	after := srv.Spreadsheet(sheetID)
	if diff := cmp.Diff(sheetJSON(t, before, "MRR Summary"), sheetJSON(t, after, "MRR Summary")); diff != "" {
		t.Errorf("the person's tab changed:\n%s", diff)
	}
	if len(after.Sheets) != len(before.Sheets) {
		t.Errorf("tabs went from %d to %d", len(before.Sheets), len(after.Sheets))
	}
	// With another name for the bot's tab, the sync goes through.
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15", "--summary-tab", "MRR (bot)"); err != nil {
		t.Fatalf("sync with --summary-tab: %v\n%s", err, stderr)
	}
	if findSheet(srv.Spreadsheet(sheetID), "MRR (bot)") == nil {
		t.Error("no tab MRR (bot)")
	}
}

func TestSyncGoogleErrors(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	_, _, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", "nope123", "--as-of", "2026-03-15")
	if err == nil || !strings.Contains(err.Error(), "not found") || !strings.Contains(err.Error(), "--spreadsheet") {
		t.Errorf("unknown spreadsheet: %v", err)
	}
	srv.SetForbidden(sheetID, true)
	_, _, err = mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15")
	if err == nil || !strings.Contains(err.Error(), "share it") {
		t.Errorf("forbidden spreadsheet: %v", err)
	}
}
