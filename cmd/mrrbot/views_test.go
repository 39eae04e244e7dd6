package main

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/notify/slacktest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// The views data set: twelve rows, eight customers, USD reporting, EUR at
// three monthly rates, a Region column. It runs from October 2025 through
// February 2026 and is synced as of 2026-02-28; the digest is February's,
// measured on the same day. Every figure the tests below assert was worked
// out by hand here, not read off the engine.
//
//	row customer            plan  amount      interval   start       end         region
//	 2  C001 Acme Corp      Basic 100 USD     monthly    2025-10-01  2026-01-31  NA    ┐ upgrade Basic→Pro
//	 3  C001 Acme Corp      Pro   250 USD     monthly    2026-02-01              NA    ┘ in February
//	 4  C002 Bergmann GmbH  Pro   200 EUR     monthly    2025-10-01  2025-11-30  EU    ┐ more seats in
//	 5  C002 Bergmann GmbH  Pro   250 EUR     monthly    2025-12-01              EU    ┘ December
//	 6  C003 Chen Ltd       Basic  80 USD     monthly    2025-10-15  2025-11-10  APAC  ┐ churns in November,
//	 7  C003 Chen Ltd       Basic  80 USD     monthly    2026-01-01              APAC  ┘ reactivates in January
//	 8  C004 Dupont SA      Basic 100 EUR     monthly    2025-11-01  2026-03-20  EU      ends within 30 days
//	 9  C005 Evergreen Inc  Pro   900 USD     quarterly  2025-10-01  2026-04-15  NA      ends in 30–60 days
//	10  C006 Fjord AS       Basic 1200 USD    annual     2025-11-01              EU
//	11  C007 Gupta Labs     Pro   150 USD     monthly    2026-01-10              APAC
//	12  C008 Hollis & Co    Basic  50 USD     monthly    2025-11-01  2026-03-15  NA    ┐ renewed by a later
//	13  C008 Hollis & Co    Basic  50 USD     monthly    2026-03-16              NA    ┘ row: not at risk
//
// FX (currency, month, rate): EUR 1.10 from 2025-10, 1.20 from 2025-12,
// 1.15 from 2026-02. So Oct, Nov at 1.10; Dec, Jan at 1.20; Feb at 1.15.
//
// MRR in USD on each month's last day (EUR rows × that month's rate; E is
// 900 ÷ 3 = 300, F is 1200 ÷ 12 = 100):
//
//	        A     B       C   D     E    F    G    H   total
//	Oct    100  220.00   80   –   300    –    –    –   700.00
//	Nov    100  220.00    0 110.00 300  100    –   50   880.00
//	Dec    100  300.00    – 120.00 300  100    –   50   970.00
//	Jan    100  300.00   80 120.00 300  100  150   50  1200.00
//	Feb    250  287.50   80 115.00 300  100  150   50  1332.50
//
// Waterfall, with FX impact = last month's MRR revalued at this month's
// rates minus last month's MRR (never counted as a movement):
//
//	Oct: New 700 (A, B, C, E). Ending 700.00.
//	Nov: New 260 (D 110, F 100, H 50), Churn 80 (C). Net New 180. FX 0.
//	     Ending 700 + 180 = 880.00.
//	Dec: the EUR rate goes 1.10 → 1.20.
//	     B: 200 EUR was 220, revalued 240 → FX +20; now 250 EUR = 300 →
//	        Expansion 300 − 240 = 60 (not 80: 20 of the rise is the rate).
//	     D: 100 EUR was 110, revalued 120 → FX +10; no movement.
//	     Expansion 60, FX impact +30, Net New 60.
//	     Ending 880 + 60 + 30 = 970.00.
//	Jan: Reactivation 80 (C), New 150 (G). Net New 230. FX 0.
//	     Ending 970 + 230 = 1200.00.
//	Feb: the EUR rate goes 1.20 → 1.15.
//	     B: 250 EUR × −0.05 = −12.50; D: 100 EUR × −0.05 = −5.00.
//	     A: Basic 100 → Pro 250, Expansion 150.
//	     Expansion 150, FX impact −17.50, Net New 150.
//	     Ending 1200 + 150 − 17.50 = 1332.50. ARR 15,990.00; 8 customers;
//	     MoM growth 150 ÷ 1200 = +12.5%.
//
// Region segments (Ending MRR):
//
//	        NA                  EU                          APAC
//	Oct    400 (A 100, E 300)   220.00 (B)                  80 (C)       = 700.00
//	Nov    450 (A, E, H 50)     430.00 (B 220, D 110, F)     0 (C left)  = 880.00
//	Dec    450                  520.00 (B 300, D 120, F)     –           = 970.00
//	Jan    450                  520.00                      230 (C, G)   = 1200.00
//	Feb    600 (A 250, E, H)    502.50 (B 287.50, D 115, F) 230          = 1332.50
//
// Plan segments in February: Basic loses A (Contraction 100; A does not
// churn) and Pro gains it (Expansion 250), so Pro's Net New is +250, the
// largest of any segment (NA +150, Basic −100, EU and APAC 0): "Moved most:
// Plan Pro +$250.00 (now $987.50)", Pro ending A 250 + B 287.50 + E 300 +
// G 150 = 987.50.
//
// Cohorts. October 2025 (A, B, C, E) starts at 700; with every movement,
// FX included, its MRR is Nov 620 (C churned), Dec 700 (A 100, B 300,
// E 300), Jan 780 (C back), Feb 917.50 (A 250, B 287.50, C 80, E 300):
// net retention 100%, 88.57%, 100%, 111.43%, 131.07% (cells rounded to four
// places: 1, 0.8857, 1, 1.1143, 1.3107); logo retention 4/4, 3/4, 3/4, 4/4,
// 4/4. November 2025 (D, F, H): 260, 270, 270, 265 → 1, 1.0385, 1.0385,
// 1.0192. January 2026 (G): 150, 150 → 1, 1. No cohort starts in December.
//
// Outlook from 2026-02-28 at February's rates (EUR 1.15); MRR 1332.50.
//
//	30 days, to 2026-03-30: D's only row ends 2026-03-20 → 115.00 (1 customer).
//	60 days, to 2026-04-29: D, and E's row ends 2026-04-15 → 415.00 (2).
//	90 days, to 2026-05-29: the same 415.00 (2).
//	H's row ends 2026-03-15 but row 13 renews it from 2026-03-16: not at risk.
//	Committed = 1332.50 − 415.00 = 917.50.
//	Scheduled (biggest drop first): Evergreen Inc −300.00 (last day
//	2026-04-15, churns), Dupont SA −115.00 (last day 2026-03-20, churns).
var (
	viewsHeader = []string{"Customer ID", "Customer Name", "Plan", "Amount", "Currency", "Interval", "Start Date", "End Date", "Region"}
	viewsRows   = [][]string{
		{"C001", "Acme Corp", "Basic", "100", "USD", "monthly", "2025-10-01", "2026-01-31", "NA"},
		{"C001", "Acme Corp", "Pro", "250", "USD", "monthly", "2026-02-01", "", "NA"},
		{"C002", "Bergmann GmbH", "Pro", "200", "EUR", "monthly", "2025-10-01", "2025-11-30", "EU"},
		{"C002", "Bergmann GmbH", "Pro", "250", "EUR", "monthly", "2025-12-01", "", "EU"},
		{"C003", "Chen Ltd", "Basic", "80", "USD", "monthly", "2025-10-15", "2025-11-10", "APAC"},
		{"C003", "Chen Ltd", "Basic", "80", "USD", "monthly", "2026-01-01", "", "APAC"},
		{"C004", "Dupont SA", "Basic", "100", "EUR", "monthly", "2025-11-01", "2026-03-20", "EU"},
		{"C005", "Evergreen Inc", "Pro", "900", "USD", "quarterly", "2025-10-01", "2026-04-15", "NA"},
		{"C006", "Fjord AS", "Basic", "1200", "USD", "annual", "2025-11-01", "", "EU"},
		{"C007", "Gupta Labs", "Pro", "150", "USD", "monthly", "2026-01-10", "", "APAC"},
		{"C008", "Hollis & Co", "Basic", "50", "USD", "monthly", "2025-11-01", "2026-03-15", "NA"},
		{"C008", "Hollis & Co", "Basic", "50", "USD", "monthly", "2026-03-16", "", "NA"},
	}
	// viewsFX is the FX tab: a rate per currency and month.
	viewsFX = [][]string{
		{"currency", "month", "rate"},
		{"EUR", "2025-10", "1.10"},
		{"EUR", "2025-12", "1.20"},
		{"EUR", "2026-02", "1.15"},
	}
)

// viewsAsOf is the day the views are synced as of: February's last day.
const viewsAsOf = "2026-02-28"

// viewsMonths are the months the data set runs through, oldest first.
var viewsMonths = []string{"2025-10", "2025-11", "2025-12", "2026-01", "2026-02"}

// The hand figures above, as the tabs hold them (two decimals).
var (
	viewsEnding = map[string]string{"2025-10": "700.00", "2025-11": "880.00", "2025-12": "970.00", "2026-01": "1200.00", "2026-02": "1332.50"}
	// viewsFXMonths are the months whose EUR rate changes: FX impact,
	// Expansion and Ending.
	viewsFXMonths = map[string][3]string{
		"2025-12": {"30.00", "60.00", "970.00"},
		"2026-02": {"-17.50", "150.00", "1332.50"},
	}
	viewsRegions = map[string]map[string]string{ // month → region → ending
		"2025-10": {"NA": "400.00", "EU": "220.00", "APAC": "80.00"},
		"2025-11": {"NA": "450.00", "EU": "430.00", "APAC": "0.00"},
		"2025-12": {"NA": "450.00", "EU": "520.00"},
		"2026-01": {"NA": "450.00", "EU": "520.00", "APAC": "230.00"},
		"2026-02": {"NA": "600.00", "EU": "502.50", "APAC": "230.00"},
	}
	// viewsCohorts are the cohorts' rows of the cohorts tab: Customers,
	// Starting MRR, then Month 0, Month 1, … of the net retention block
	// and of the logo block.
	viewsCohorts = []struct {
		month            string
		customers, mrr   string
		retention, logos []string
	}{
		{"2025-10", "4", "700", []string{"1", "0.8857", "1", "1.1143", "1.3107"}, []string{"1", "0.75", "0.75", "1", "1"}},
		{"2025-11", "3", "260", []string{"1", "1.0385", "1.0385", "1.0192"}, []string{"1", "1", "1", "1"}},
		{"2026-01", "1", "150", []string{"1", "1"}, []string{"1", "1"}},
	}
	// viewsOutlookLines are February's committed and scheduled lines.
	viewsOutlookLines = []string{
		"Committed MRR $917.50 (MRR less what is scheduled to churn within 90 days) · scheduled to churn within 30 days: $115.00 (1 customer) · within 60 days: $415.00 (2 customers) · within 90 days: $415.00 (2 customers)",
		"Scheduled: Evergreen Inc −$300.00 (last day 2026-04-15, churns), Dupont SA −$115.00 (last day 2026-03-20, churns)",
	}
)

// viewsBotTabs are the tabs sync writes, by title, with their roles.
var viewsBotTabs = map[string]string{
	"MRR Summary":    sheets.RoleSummary,
	"MRR Movements":  sheets.RoleMovements,
	"Data Issues":    sheets.RoleIssues,
	"MRR Cohorts":    sheets.RoleCohorts,
	"MRR by Segment": sheets.RoleSegments,
}

// viewsSheet seeds srv with the views data as typed cells: dates as date
// cells, amounts as numbers, and the FX months as date cells shown as
// "mmm yyyy".
func viewsSheet(t *testing.T, srv *sheetstest.Server) {
	t.Helper()
	srv.AddSpreadsheet(sheetID, "Subscriptions with views", "en_US")
	var rows [][]*sheetsapi.CellData
	var header []*sheetsapi.CellData
	for _, h := range viewsHeader {
		header = append(header, sheetstest.String(h))
	}
	rows = append(rows, header)
	for _, rec := range viewsRows {
		var row []*sheetsapi.CellData
		for c, v := range rec {
			switch {
			case v == "":
				row = append(row, nil)
			case viewsHeader[c] == "Amount":
				row = append(row, sheetstest.Number(mustFloat(t, v)))
			case strings.HasSuffix(viewsHeader[c], "Date"):
				d := mustDay(t, v)
				row = append(row, sheetstest.Date(d.Year(), d.Month(), d.Day()))
			default:
				row = append(row, sheetstest.String(v))
			}
		}
		rows = append(rows, row)
	}
	srv.AddSheet(sheetID, "Subscriptions", 0, 0)
	srv.SetCells(sheetID, "Subscriptions!A1", rows)

	fx := [][]*sheetsapi.CellData{{sheetstest.String("currency"), sheetstest.String("month"), sheetstest.String("rate")}}
	for _, rec := range viewsFX[1:] {
		m := mustDay(t, rec[1]+"-01")
		fx = append(fx, []*sheetsapi.CellData{
			sheetstest.String(rec[0]),
			sheetstest.FormattedNumber(sheetstest.SerialDate(m.Year(), m.Month(), 1), "DATE", "mmm yyyy"),
			sheetstest.Number(mustFloat(t, rec[2])),
		})
	}
	srv.AddSheet(sheetID, "FX", 0, 0)
	srv.SetCells(sheetID, "FX!A1", fx)
}

// viewsWorkbook writes the views data as a workbook: dates as
// date-formatted serials, amounts as numbers, and an FX tab whose months
// are text ("2025-12").
func viewsWorkbook(t *testing.T) string {
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
	must(f.SetSheetName("Sheet1", "Subscriptions"))
	for c, h := range viewsHeader {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		must(f.SetCellStr("Subscriptions", cell, h))
	}
	for r, rec := range viewsRows {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			switch {
			case v == "":
			case viewsHeader[c] == "Amount":
				must(f.SetCellFloat("Subscriptions", cell, mustFloat(t, v), -1, 64))
			case strings.HasSuffix(viewsHeader[c], "Date"):
				must(f.SetCellValue("Subscriptions", cell, mustDay(t, v)))
				must(f.SetCellStyle("Subscriptions", cell, cell, dateStyle))
			default:
				must(f.SetCellStr("Subscriptions", cell, v))
			}
		}
	}
	_, err = f.NewSheet("FX")
	must(err)
	for r, rec := range viewsFX {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if r > 0 && c == 2 {
				must(f.SetCellFloat("FX", cell, mustFloat(t, v), -1, 64))
				continue
			}
			must(f.SetCellStr("FX", cell, v))
		}
	}
	path := filepath.Join(t.TempDir(), "views.xlsx")
	must(f.SaveAs(path))
	return path
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// monthSerial is the cell a tab holds for a month: the serial day of its
// first day, as cellString shows it.
func monthSerial(t *testing.T, month string) string {
	t.Helper()
	d := mustDay(t, month+"-01")
	return strconv.FormatFloat(sheetstest.SerialDate(d.Year(), d.Month(), 1), 'f', 2, 64)
}

// column returns the index of title in a tab's header row.
func column(t *testing.T, header []string, title string) int {
	t.Helper()
	for i, h := range header {
		if h == title {
			return i
		}
	}
	t.Fatalf("no column %q in %q", title, header)
	return -1
}

// at returns row[i], or "" past the row's end (a blank cell).
func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// sameAmount reports whether two cells hold the same number: "30" and
// "30.00", or "-17.5" and "-17.50".
func sameAmount(got, want string) bool {
	g, err1 := decimal.NewFromString(got)
	w, err2 := decimal.NewFromString(want)
	return err1 == nil && err2 == nil && g.Equal(w)
}

// checkViewsSummary checks the summary against the hand figures: each
// month's Ending, the FX months' FX Impact and Expansion, FX Impact as the
// last column, and Starting + Net New + FX Impact = Ending to the cent in
// every month, each starting where the one before ended. months are the
// tab's month cells as the source renders them.
func checkViewsSummary(t *testing.T, summary [][]string, months []string) {
	t.Helper()
	header := summary[0]
	fxCol := column(t, header, "FX Impact")
	if fxCol != len(header)-2 || header[len(header)-1] != "To Date" {
		t.Errorf("FX Impact is column %d of %d, want the last but To Date: %q", fxCol+1, len(header), header)
	}
	start, exp, net, end := column(t, header, "Starting MRR"), column(t, header, "Expansion"), column(t, header, "Net New MRR"), column(t, header, "Ending MRR")
	if len(summary)-1 != len(viewsMonths) {
		t.Fatalf("summary has %d months, want %d (%v)", len(summary)-1, len(viewsMonths), viewsMonths)
	}
	prev := "0"
	for i, m := range viewsMonths {
		row := summary[i+1]
		if row[0] != months[i] {
			t.Errorf("summary row %d is month %q, want %s (%s)", i+2, row[0], months[i], m)
		}
		if !sameAmount(row[end], viewsEnding[m]) {
			t.Errorf("%s Ending MRR = %s, want %s", m, row[end], viewsEnding[m])
		}
		if want, ok := viewsFXMonths[m]; ok {
			if !sameAmount(at(row, fxCol), want[0]) || !sameAmount(row[exp], want[1]) || !sameAmount(row[end], want[2]) {
				t.Errorf("%s FX impact, expansion, ending = %s, %s, %s; want %s, %s, %s", m, at(row, fxCol), row[exp], row[end], want[0], want[1], want[2])
			}
		} else if !sameAmount(at(row, fxCol), "0") {
			t.Errorf("%s FX impact = %q, want 0: the EUR rate did not change", m, at(row, fxCol))
		}
		if !sameAmount(row[start], prev) {
			t.Errorf("%s starts at %s, the month before ended at %s", m, row[start], prev)
		}
		if got, want := decimalOf(t, row[start]).Add(decimalOf(t, row[net])).Add(decimalOf(t, at(row, fxCol))), decimalOf(t, row[end]); !got.Equal(want) {
			t.Errorf("%s: starting %s + net new %s + FX impact %s = %s ≠ ending %s", m, row[start], row[net], at(row, fxCol), got, row[end])
		}
		prev = row[end]
	}
}

func decimalOf(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	if s == "" {
		return decimal.Zero
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return d
}

// checkViewsSegments checks the segments tab: for each month, the Region
// segments' Ending MRR are the hand figures and add up to the summary's
// Ending, their FX Impact to the summary's FX Impact, and so do the Plan
// segments'.
func checkViewsSegments(t *testing.T, segs, summary [][]string, months []string) {
	t.Helper()
	h := segs[0]
	mCol, sCol, vCol, fxCol, eCol := column(t, h, "Month"), column(t, h, "Segment"), column(t, h, "Value"), column(t, h, "FX Impact"), column(t, h, "Ending MRR")
	sumFX, sumEnd := column(t, summary[0], "FX Impact"), column(t, summary[0], "Ending MRR")
	for i, m := range viewsMonths {
		regions := map[string]string{}
		for _, col := range []string{"Plan", "Region"} {
			ending, fx := decimal.Zero, decimal.Zero
			for _, r := range segs[1:] {
				if r[mCol] != months[i] || r[sCol] != col {
					continue
				}
				ending = ending.Add(decimalOf(t, r[eCol]))
				fx = fx.Add(decimalOf(t, at(r, fxCol)))
				if col == "Region" {
					regions[r[vCol]] = decimalOf(t, r[eCol]).StringFixed(2)
				}
			}
			if want := decimalOf(t, summary[i+1][sumEnd]); !ending.Equal(want) {
				t.Errorf("%s: %s segments end at %s in all, the summary at %s", m, col, ending, want)
			}
			if want := decimalOf(t, at(summary[i+1], sumFX)); !fx.Equal(want) {
				t.Errorf("%s: %s segments' FX impact is %s in all, the summary's %s", m, col, fx, want)
			}
		}
		if diff := cmp.Diff(viewsRegions[m], regions); diff != "" {
			t.Errorf("%s Region segments' Ending MRR (-want +got):\n%s", m, diff)
		}
	}
}

// checkViewsCohorts checks the cohorts tab's rows against the hand
// figures: two blocks, each a title row and one row per cohort, Month 0
// at 100% in every row.
func checkViewsCohorts(t *testing.T, cohorts [][]string, months []string) {
	t.Helper()
	const firstAge = 3
	if got, want := len(cohorts), 1+2*(1+len(viewsCohorts))+1; got != want {
		t.Fatalf("cohorts tab has %d rows, want %d (header, two titled blocks of %d cohorts, a blank row between):\n%q", got, want, len(viewsCohorts), cohorts)
	}
	// The first cohort row of each block: below the header and the
	// block's title, and the second block below a blank row too.
	blocks := []int{2, 2 + len(viewsCohorts) + 2}
	for b, first := range blocks {
		for i, want := range viewsCohorts {
			row := cohorts[first+i]
			shares := want.retention
			if b == 1 {
				shares = want.logos
			}
			wantRow := append([]string{months[slices.Index(viewsMonths, want.month)], want.customers, want.mrr}, shares...)
			var got []string
			for c := range wantRow {
				got = append(got, at(row, c))
			}
			for c := range got {
				if sameAmount(got[c], wantRow[c]) {
					got[c] = wantRow[c]
				}
			}
			if diff := cmp.Diff(wantRow, got); diff != "" {
				t.Errorf("block %d, cohort %s (-want +got):\n%s", b+1, want.month, diff)
			}
			if !sameAmount(at(row, firstAge), "1") {
				t.Errorf("block %d, cohort %s: Month 0 = %q, want 100%%", b+1, want.month, at(row, firstAge))
			}
		}
	}
}

// cellNumber is cellString with every digit a number cell holds: the
// cohorts' four-place shares would be cut to two by cellString.
func cellNumber(cd *sheetsapi.CellData) string {
	if cd != nil && cd.UserEnteredValue != nil && cd.UserEnteredValue.NumberValue != nil {
		return strconv.FormatFloat(*cd.UserEnteredValue.NumberValue, 'f', -1, 64)
	}
	return cellString(cd)
}

// exactValues is tabValues with cellNumber.
func exactValues(t *testing.T, ss *sheetsapi.Spreadsheet, title string) [][]string {
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
				row = append(row, cellNumber(cd))
			}
			out = append(out, row)
		}
	}
	return out
}

// wantScaleRanges are the cohorts tab's two coloured blocks as grid
// ranges (rows and columns zero-based, ends exclusive): the three cohort rows of each
// block below its title row, Month 0 (column D) through Month 4 (H).
var wantScaleRanges = [][4]int64{
	{2, 5, 3, 8},
	{7, 10, 3, 8},
}

// checkGradientRules checks that the cohorts tab has exactly the two
// gradient rules of its blocks: red at 0, amber at 0.5, green at 1.
func checkGradientRules(t *testing.T, sh *sheetsapi.Sheet) {
	t.Helper()
	if len(sh.ConditionalFormats) != 2 {
		t.Fatalf("cohorts tab has %d conditional format rules, want 2: %+v", len(sh.ConditionalFormats), sh.ConditionalFormats)
	}
	type point struct {
		Type, Value, Color string
	}
	pt := func(p *sheetsapi.InterpolationPoint) point {
		if p == nil {
			return point{}
		}
		c := p.Color
		if p.ColorStyle != nil {
			c = p.ColorStyle.RgbColor
		}
		return point{p.Type, p.Value, rgbHex(c)}
	}
	want := []point{{"NUMBER", "0", "#f8696b"}, {"NUMBER", "0.5", "#ffeb84"}, {"NUMBER", "1", "#63be7b"}}
	for i, r := range sh.ConditionalFormats {
		if r.GradientRule == nil {
			t.Errorf("rule %d is not a gradient: %+v", i, r)
			continue
		}
		if len(r.Ranges) != 1 {
			t.Errorf("rule %d has %d ranges, want 1", i, len(r.Ranges))
			continue
		}
		g := *r.Ranges[0]
		// Rows [start, end), columns [start, end).
		if got := [4]int64{g.StartRowIndex, g.EndRowIndex, g.StartColumnIndex, g.EndColumnIndex}; got != wantScaleRanges[i] {
			t.Errorf("rule %d covers rows, columns %v, want %v", i, got, wantScaleRanges[i])
		}
		if g.SheetId != sh.Properties.SheetId {
			t.Errorf("rule %d is on sheet %d, the tab is %d", i, g.SheetId, sh.Properties.SheetId)
		}
		gr := r.GradientRule
		if diff := cmp.Diff(want, []point{pt(gr.Minpoint), pt(gr.Midpoint), pt(gr.Maxpoint)}); diff != "" {
			t.Errorf("rule %d points (-want +got):\n%s", i, diff)
		}
	}
}

// rgbHex writes a colour of the Sheets API as "#rrggbb".
func rgbHex(c *sheetsapi.Color) string {
	if c == nil {
		return ""
	}
	to := func(x float64) int { return int(math.Round(x * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", to(c.Red), to(c.Green), to(c.Blue))
}

// checkBotTabs checks that each bot tab appears once and is marked as the
// bot's with its role.
func checkBotTabs(t *testing.T, ss *sheetsapi.Spreadsheet) {
	t.Helper()
	count := map[string]int{}
	for _, sh := range ss.Sheets {
		count[sh.Properties.Title]++
	}
	for title, role := range viewsBotTabs {
		if count[title] != 1 {
			t.Errorf("there are %d tabs %q, want 1", count[title], title)
			continue
		}
		sh := findSheet(ss, title)
		marked := false
		for _, md := range sh.DeveloperMetadata {
			if md.MetadataKey == "mrrbot.tab" && md.MetadataValue == role {
				marked = true
			}
		}
		if !marked {
			t.Errorf("tab %q is not marked as the bot's %s tab: %+v", title, role, sh.DeveloperMetadata)
		}
	}
}

// TestSyncViewsGoogle syncs the views data set into the Sheets stand-in
// with --segment Region and checks the five tabs against the hand figures.
// It syncs as a team would, month after month: first as of December's last
// day, then as of February's (whose tabs it checks: the rules of the first
// sync must have been replaced, not added to), then the same again.
func TestSyncViewsGoogle(t *testing.T) {
	srv := sheetstest.New(t)
	viewsSheet(t, srv)
	before := srv.Spreadsheet(sheetID)

	sync := func(asOf string) error {
		t.Helper()
		srv.ResetCalls()
		stdout, stderr, err := mrrbotAt(t, fixedNow, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--segment", "Region", "--as-of", asOf)
		if err != nil {
			return fmt.Errorf("sync as of %s: %w\n%s", asOf, err, stderr)
		}
		t.Log(stdout)
		if calls := srv.Calls().Total; calls > 3 {
			t.Errorf("sync made %d API calls, want at most 3: %v", calls, srv.Calls().ByMethod)
		}
		return nil
	}
	if err := sync("2025-12-31"); err != nil {
		t.Fatal(err)
	}
	if n := len(findSheet(srv.Spreadsheet(sheetID), "MRR Cohorts").ConditionalFormats); n != 2 {
		t.Errorf("after the December sync the cohorts tab has %d rules, want 2", n)
	}
	if err := sync(viewsAsOf); err != nil {
		t.Fatal(err)
	}
	after := srv.Spreadsheet(sheetID)
	checkBotTabs(t, after)

	months := make([]string, len(viewsMonths))
	for i, m := range viewsMonths {
		months[i] = monthSerial(t, m)
	}
	summary := tabValues(t, after, "MRR Summary")
	checkViewsSummary(t, summary, months)
	checkViewsSegments(t, tabValues(t, after, "MRR by Segment"), summary, months)
	checkViewsCohorts(t, exactValues(t, after, "MRR Cohorts"), months)
	checkGradientRules(t, findSheet(after, "MRR Cohorts"))
	if issues := tabValues(t, after, "Data Issues"); len(issues) != 1 {
		t.Errorf("the data set has no problems, but the issues tab has %d rows: %q", len(issues)-1, issues[1:])
	}

	// The person's tabs are as they were.
	for _, title := range []string{"Subscriptions", "FX"} {
		if diff := cmp.Diff(sheetJSON(t, before, title), sheetJSON(t, after, title)); diff != "" {
			t.Errorf("tab %s changed (-before +after):\n%s", title, diff)
		}
	}

	// The same sync again reads back the history the last one recorded, in
	// which Bergmann GmbH moved twice in December (FX impact, then
	// Expansion), and changes nothing.
	if err := sync(viewsAsOf); err != nil {
		t.Fatal(err)
	}
	again := srv.Spreadsheet(sheetID)
	checkBotTabs(t, again)
	checkGradientRules(t, findSheet(again, "MRR Cohorts"))
	for _, title := range []string{"MRR Cohorts", "MRR by Segment", "MRR Summary"} {
		if diff := cmp.Diff(tabValues(t, after, title), tabValues(t, again, title)); diff != "" {
			t.Errorf("second sync changed %s (-first +second):\n%s", title, diff)
		}
	}
}

// TestSyncViewsWorkbook is TestSyncViewsGoogle for a local workbook: the
// cohorts' colour scales are 3-colour conditional formats.
func TestSyncViewsWorkbook(t *testing.T) {
	book := viewsWorkbook(t)
	sourceBefore := workbookRows(t, book, "Subscriptions")
	fxBefore := workbookRows(t, book, "FX")
	sync := func(asOf string) error {
		t.Helper()
		stdout, stderr, err := mrrbotAt(t, fixedNow, nil, "sync", "--workbook", book, "--segment", "Region", "--as-of", asOf)
		if err != nil {
			return fmt.Errorf("sync as of %s: %w\n%s", asOf, err, stderr)
		}
		t.Log(stdout)
		return nil
	}
	if err := sync("2025-12-31"); err != nil {
		t.Fatal(err)
	}
	if err := sync(viewsAsOf); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sourceBefore, workbookRows(t, book, "Subscriptions")); diff != "" {
		t.Errorf("Subscriptions changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(fxBefore, workbookRows(t, book, "FX")); diff != "" {
		t.Errorf("FX changed (-before +after):\n%s", diff)
	}

	// A workbook stores a month as its serial day, with no decimals.
	months := make([]string, len(viewsMonths))
	for i, m := range viewsMonths {
		months[i] = strings.TrimSuffix(monthSerial(t, m), ".00")
	}
	summary := workbookRows(t, book, "MRR Summary")
	checkViewsSummary(t, summary, months)
	checkViewsSegments(t, workbookRows(t, book, "MRR by Segment"), summary, months)
	checkViewsCohorts(t, workbookRows(t, book, "MRR Cohorts"), months)

	check := func() {
		t.Helper()
		f, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		seen := map[string]int{}
		for _, name := range f.GetSheetList() {
			seen[name]++
		}
		for _, name := range []string{"MRR Summary", "MRR Movements", "Data Issues", "MRR Cohorts", "MRR by Segment", "Subscriptions", "FX"} {
			if seen[name] != 1 {
				t.Errorf("tab %q appears %d times", name, seen[name])
			}
		}
		cfs, err := f.GetConditionalFormats("MRR Cohorts")
		if err != nil {
			t.Fatal(err)
		}
		// Rows 3–5 and 8–10 (below the header and each block's title),
		// columns D (Month 0) through H (Month 4); the December sync's
		// smaller blocks are gone.
		for _, ref := range []string{"D3:H5", "D8:H10"} {
			opts := cfs[ref]
			if len(opts) != 1 {
				t.Errorf("range %s has %d rules, want 1 (all: %+v)", ref, len(opts), cfs)
				continue
			}
			o := opts[0]
			if o.MinValue == "" {
				o.MinValue = "0" // excelize reads a point of val="0" back as ""
			}
			got := []string{o.Type, o.MinType, o.MinValue, color6(o.MinColor), o.MidType, o.MidValue, color6(o.MidColor), o.MaxType, o.MaxValue, color6(o.MaxColor)}
			want := []string{"3_color_scale", "num", "0", "F8696B", "num", "0.5", "FFEB84", "num", "1", "63BE7B"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("range %s scale (-want +got):\n%s", ref, diff)
			}
		}
		if len(cfs) != 2 {
			t.Errorf("cohorts tab has %d conditional format ranges, want 2: %+v", len(cfs), cfs)
		}
		// A few cells, as stored.
		for _, c := range []struct{ tab, cell, want string }{
			{"MRR Cohorts", "D3", "1"},      // October's Month 0
			{"MRR Cohorts", "E3", "0.8857"}, // October's Month 1: 620 ÷ 700
			{"MRR Cohorts", "H3", "1.3107"}, // October's Month 4: 917.50 ÷ 700
			{"MRR Cohorts", "E8", "0.75"},   // 3 of October's 4 customers in November
			{"MRR Summary", "D4", "60"},     // December's Expansion
			{"MRR Summary", "V6", "-17.5"},  // February's FX Impact, after Quick Ratio
		} {
			if got, _ := f.GetCellValue(c.tab, c.cell, excelize.Options{RawCellValue: true}); !sameAmount(got, c.want) {
				t.Errorf("%s!%s = %q, want %s", c.tab, c.cell, got, c.want)
			}
		}
	}
	check()

	// The same sync again (see TestSyncViewsGoogle).
	before := workbookRows(t, book, "MRR Cohorts")
	if err := sync(viewsAsOf); err != nil {
		t.Fatal(err)
	}
	check()
	if diff := cmp.Diff(before, workbookRows(t, book, "MRR Cohorts")); diff != "" {
		t.Errorf("second sync changed the cohorts (-first +second):\n%s", diff)
	}
}

// color6 is a colour as RRGGBB, without a leading alpha byte.
func color6(c string) string {
	c = strings.ToUpper(strings.TrimPrefix(c, "#"))
	if len(c) == 8 {
		c = c[2:]
	}
	return c
}

// TestDigestViewsGolden prints February's digest of the views data set and
// compares it with testdata/digest-views.golden. The lines that carry the
// hand figures are checked on their own too, so that -update cannot take a
// wrong figure into the golden file unnoticed.
func TestDigestViewsGolden(t *testing.T) {
	book := viewsWorkbook(t)
	before := fileHash(t, book)
	stdout, stderr, err := mrrbotAt(t, fixedNow, nil, "digest", "--workbook", book, "--month", "2026-02", "--segment", "Region")
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	if fileHash(t, book) != before {
		t.Error("digest without --post changed the workbook")
	}
	// The link is the workbook's path, which changes with every run.
	got := strings.ReplaceAll(stdout, book, "WORKBOOK.xlsx")
	for _, want := range append([]string{
		"MRR for February 2026: $1,332.50 (+$150.00, FX −$17.50, +12.5% MoM)",
		"New +$0.00 · Expansion +$150.00 · Reactivation +$0.00 · Contraction −$0.00 · Churn −$0.00 · FX impact −$17.50",
		"ARR $15,990.00 · 8 customers (0 new, 0 churned)",
		"  Expansion: Acme Corp +$150.00",
		"Moved most: Plan Pro +$250.00 (now $987.50)",
	}, viewsOutlookLines...) {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("digest lacks the line %q", want)
		}
	}
	if strings.Contains(got, "Hollis") {
		t.Error("the digest names Hollis & Co, whose ending row is renewed by a later one")
	}

	golden := filepath.Join("testdata", "digest-views.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("digest (-want +got):\n%s", diff)
	}
}

// TestSlashShowsOutlook asks /mrr for February and for the month so far
// (the clock is at 2026-03-15): both replies show the committed MRR and
// name the customers scheduled to churn.
func TestSlashShowsOutlook(t *testing.T) {
	sheetsSrv := sheetstest.New(t)
	viewsSheet(t, sheetsSrv)
	slackSrv := slacktest.New(t)
	addr, _ := serving(t, serveEnv(sheetsSrv, slackSrv), "--segment", "Region")

	// From 2026-03-15 at March's rate (still 1.15): D ends 03-20, within
	// 30 days; E ends 04-15, one day past 30 days (to 04-14), within 60;
	// H's renewal starts 03-16. So the same 115.00, 415.00 and 917.50.
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"2026-02", []string{"Committed MRR $917.50", "within 30 days: $115.00 (1 customer)", "within 60 days: $415.00 (2 customers)", "Evergreen Inc", "Dupont SA", "last day 2026-04-15, churns", "Moved most: Plan Pro +$250.00"}},
		{"", []string{"March 2026", "Committed MRR $917.50", "within 30 days: $115.00 (1 customer)", "within 60 days: $415.00 (2 customers)", "Evergreen Inc", "Dupont SA", "last day 2026-03-20, churns"}},
	} {
		t.Run("text="+tt.text, func(t *testing.T) {
			name := "outlook-" + tt.text
			resp, err := http.DefaultClient.Do(slashRequest(t, addr, tt.text, slackSrv.ResponseURL(name), fixedNow, signingSecret))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			replies := slackSrv.WaitReplies(name, 1, 5*time.Second)
			if len(replies) != 1 {
				t.Fatalf("%d replies on the response URL", len(replies))
			}
			all := replies[0].Text + string(replies[0].Blocks)
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("reply lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(all, "Hollis") {
				t.Errorf("reply names Hollis & Co, whose ending row is renewed:\n%s", all)
			}
		})
	}
}

// TestSyncBadSegment names a column the sheet does not have: sync fails
// before writing, names the column and lists the headers.
func TestSyncBadSegment(t *testing.T) {
	t.Run("workbook", func(t *testing.T) {
		book := viewsWorkbook(t)
		before := fileHash(t, book)
		_, _, err := mrrbotAt(t, fixedNow, nil, "sync", "--workbook", book, "--segment", "Regoin", "--as-of", viewsAsOf)
		checkBadSegment(t, err)
		if fileHash(t, book) != before {
			t.Error("the workbook changed")
		}
	})
	t.Run("google", func(t *testing.T) {
		srv := sheetstest.New(t)
		viewsSheet(t, srv)
		before := srv.Spreadsheet(sheetID)
		_, _, err := mrrbotAt(t, fixedNow, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--segment", "Regoin", "--as-of", viewsAsOf)
		checkBadSegment(t, err)
		if n := srv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; n != 0 {
			t.Errorf("sync made %d batchUpdate calls", n)
		}
		after := srv.Spreadsheet(sheetID)
		if len(after.Sheets) != len(before.Sheets) {
			t.Errorf("tabs went from %d to %d", len(before.Sheets), len(after.Sheets))
		}
	})
}

func checkBadSegment(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("sync with --segment Regoin succeeded")
	}
	var se *sheets.SegmentError
	if !errors.As(err, &se) {
		t.Errorf("error %v is not a *sheets.SegmentError", err)
	}
	for _, want := range append([]string{`"Regoin"`}, viewsHeader...) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// TestConfigSegments names the segment column in the config file rather
// than with --segment: sync --config breaks MRR down by it.
func TestConfigSegments(t *testing.T) {
	path := viewsWorkbook(t)
	config := writeConfig(t, `reports:
  - name: views
    workbook: `+path+`
    segments: [Region]
    schedule: "off"
`)
	if out, stderr, err := mrrbotAt(t, fixedNow, nil, "sync", "--config", config); err != nil {
		t.Fatalf("sync --config: %v\n%s%s", err, out, stderr)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("MRR by Segment")
	if err != nil {
		t.Fatal(err)
	}
	columns := map[string]bool{}
	for _, r := range rows[1:] {
		if len(r) > 1 {
			columns[r[1]] = true
		}
	}
	if !columns["Plan"] || !columns["Region"] {
		t.Errorf("segments tab breaks MRR down by %v; want Plan and Region", columns)
	}
}
