package report

// Review tests for issue #7's digest lines and tabs: what a finance reader
// sees must agree with the figures beside it.

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

func reviewBook(t *testing.T, rows ...calc.Subscription) *calc.Book {
	t.Helper()
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := book.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	return book
}

func reviewRow(row int, customer, plan string, amount int64, iv calc.Interval, start, end calc.Date) calc.Subscription {
	return calc.Subscription{Row: row, CustomerID: customer, Plan: plan, Amount: calc.Fixed(amount) * calc.One,
		Quantity: calc.One, Interval: iv, Start: start, End: end}
}

// TestReviewDigestOutlookShorterHorizon: G pays 120 until June 30 and a
// renewal starts on August 1. From June 10, 120 is scheduled to go within
// 30 days (calc's outlook says so: TestOutlookRenewalAfterGap), but the
// digest only looks at the 90-day horizon and says nothing is scheduled
// to churn.
func TestReviewDigestOutlookShorterHorizon(t *testing.T) {
	jun := calc.MonthOf(2025, time.June)
	res := reviewBook(t,
		reviewRow(2, "G", "Pro", 120, calc.Monthly, calc.DateOf(2025, time.January, 1), calc.DateOf(2025, time.June, 30)),
		reviewRow(3, "G", "Pro", 120, calc.Monthly, calc.DateOf(2025, time.August, 1), calc.NoEnd),
	).Compute(calc.DateOf(2025, time.June, 10))
	if o := res.Outlook(res.AsOf); o.Horizons[0].AtRisk.String() != "120" {
		t.Fatalf("calc: 30-day AtRisk = %s, want 120", o.Horizons[0].AtRisk)
	}
	d, err := NewDigest(res, jun, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	text := d.Text()
	if strings.Contains(text, "nothing scheduled to churn") || !strings.Contains(text, "within 30 days: $120.00") {
		t.Errorf("digest hides the 30-day drop of $120.00:\n%s", text)
	}
}

// TestReviewDigestOutlookRoundingRenewal: a quarterly customer on two rows
// of 50 renews on one row of 100. Its MRR does not change (the waterfall
// shows no movement), yet the digest names it as scheduled to drop
// "−$0.00" and counts "$0.00 in 30 days (1 customer)".
func TestReviewDigestOutlookRoundingRenewal(t *testing.T) {
	q := calc.Interval{Per: 1, Months: 3}
	jun := calc.MonthOf(2025, time.June)
	res := reviewBook(t,
		reviewRow(2, "A", "Seats", 50, q, calc.DateOf(2025, time.January, 1), calc.DateOf(2025, time.June, 30)),
		reviewRow(3, "A", "Seats", 50, q, calc.DateOf(2025, time.January, 1), calc.DateOf(2025, time.June, 30)),
		reviewRow(4, "A", "Seats", 100, q, calc.DateOf(2025, time.July, 1), calc.NoEnd),
	).Compute(calc.DateOf(2025, time.June, 15))
	d, err := NewDigest(res, jun, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	text := d.Text()
	if !strings.Contains(text, "nothing scheduled to churn") || strings.Contains(text, "Scheduled:") {
		t.Errorf("digest lists a same-price renewal as scheduled to churn:\n%s", text)
	}
}

// TestReviewSegmentSharesLocked: segmentsTab documents that "each
// column's shares add up to 100%". For a locked result the segments are
// the sheet's now while the month totals are the recorded ones, so in a
// restated closed month the Plan column's shares do not add up: A pays
// 100 on Pro by the sheet, the books recorded 80 for January and
// February, and Pro's share of January is 100 ÷ 80 = 125%.
func TestReviewSegmentSharesLocked(t *testing.T) {
	jan := calc.MonthOf(2025, time.January)
	live := reviewBook(t,
		reviewRow(2, "A", "Pro", 100, calc.Monthly, jan.FirstDay(), calc.NoEnd),
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
