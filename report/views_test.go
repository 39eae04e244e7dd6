package report

import (
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
)

// TestSegmentsTabLocked writes the tabs of a locked result whose recorded
// history starts before the sheet's first month: the segments (the sheet's
// as it is now) are laid out by their own months, not shifted by the
// locked result's earlier start.
func TestSegmentsTabLocked(t *testing.T) {
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	mar := calc.MonthOf(2025, time.March)
	if err := book.Add(&calc.Subscription{Row: 2, CustomerID: "A", Plan: "Pro", Amount: 100 * calc.One,
		Quantity: calc.One, Start: mar.FirstDay(), End: calc.NoEnd}); err != nil {
		t.Fatal(err)
	}
	live := book.Compute((mar + 2).LastDay())
	// The books were closed through February with a customer B, since
	// deleted from the sheet, paying 50 from January.
	hist, err := calc.NewHistory(mar-1, []calc.HistoryEntry{{Customer: "B", Month: mar - 2, MRR: 50 * calc.One}})
	if err != nil {
		t.Fatal(err)
	}
	locked := live.Locked(hist)
	if got := locked.Months[0].Month; got != mar-2 {
		t.Fatalf("locked result starts %s, want %s", got, mar-2)
	}
	var seg *sheets.Tab
	for _, tab := range Tabs(locked, nil, nil, DefaultTabNames) {
		if tab.Role == "segments" {
			seg = &tab
		}
	}
	if seg == nil {
		t.Fatal("no segments tab")
	}
	// Pro pays from March: one row per month March–May, each with its own
	// month in column A.
	if len(seg.Rows) != 3 {
		t.Fatalf("segments tab has %d rows, want 3:\n%s", len(seg.Rows), dumpTab(*seg))
	}
	for i, row := range seg.Rows {
		if want := sheets.DateCell((mar + calc.Month(i)).FirstDay()).Text; row[0].Text != want {
			t.Errorf("row %d month cell = %s, want %s", i+2, row[0].Text, want)
		}
	}
}

// TestCohortsTabWidth: a start date typed a century early makes a result
// of some 1,200 months; the cohorts tab still shows at most ten years.
func TestCohortsTabWidth(t *testing.T) {
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, start := range []string{"1925-01-10", "2025-01-10"} {
		d, _ := calc.ParseDate(start)
		if err := book.Add(&calc.Subscription{Row: i + 2, CustomerID: start, Amount: 100 * calc.One, Quantity: calc.One, Start: d, End: calc.NoEnd}); err != nil {
			t.Fatal(err)
		}
	}
	res := book.Compute(calc.DateOf(2026, time.March, 31))
	tab := cohortsTab(res, "MRR Cohorts")
	if got, want := len(tab.Columns), 3+maxCohortAges; got != want {
		t.Errorf("cohorts tab has %d columns, want %d", got, want)
	}
	for _, row := range tab.Rows {
		if len(row) > len(tab.Columns) {
			t.Fatalf("a row of %d cells under %d columns", len(row), len(tab.Columns))
		}
	}
}

// TestSegmentSharesLocked: each column's shares add up to 100%, for a
// locked result too, whose segments are the sheet's now while the month
// totals are the recorded ones: A pays 100 on Pro by the sheet, the books
// recorded 80 for January and February, and Pro's share of January is
// still 100%, not 100 ÷ 80.
func TestSegmentSharesLocked(t *testing.T) {
	jan := calc.MonthOf(2025, time.January)
	live := bookOfRows(t,
		rowOf(2, "A", "Pro", 100, calc.Monthly, jan.FirstDay(), calc.NoEnd),
	).Compute((jan + 2).LastDay())
	hist, err := calc.NewHistory(jan+1, []calc.HistoryEntry{{Customer: "A", Month: jan, MRR: 80 * calc.One}})
	if err != nil {
		t.Fatal(err)
	}
	locked := live.Locked(hist)
	tab := segmentsTab(locked, DefaultTabNames.Segments)
	shareCol, monthCol, segCol := column(t, tab, "Share of MRR"), 0, 1
	sums := map[string]decimal.Decimal{}
	for _, row := range tab.Rows {
		if row[segCol].Text != calc.PlanColumn || row[shareCol].Text == "" {
			continue
		}
		sums[row[monthCol].Text] = sums[row[monthCol].Text].Add(decimal.RequireFromString(row[shareCol].Text))
	}
	if len(sums) == 0 {
		t.Fatalf("no Plan rows:\n%s", dumpTab(tab))
	}
	for m, s := range sums {
		if !s.Equal(decimal.NewFromInt(1)) {
			t.Errorf("month %s: Plan shares add up to %s, want 1 (100%%)", m, s)
		}
	}
}
