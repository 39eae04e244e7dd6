package calc_test

// Review tests for issue #7 (cohorts, segments, monthly FX, outlook). Each
// expected value is worked out by hand from the rules in the doc comments
// of calc/fx.go, calc/locked.go, calc/history.go and calc/outlook.go.

import (
	"runtime"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/calc"
)

// quarterly returns s billed quarterly.
func quarterly(s calc.Subscription) calc.Subscription {
	s.Interval = calc.Interval{Per: 1, Months: 3}
	return s
}

// TestReviewLockedRoundTripFXAndMoveCancel: the books a sync records are
// read back through NewHistory, which drops an entry that repeats the
// month before. A month whose FX impact and movement cancel out then has
// no entry, and the locked result loses both.
//
// EUR 1.25 in January, 1.00 from February. A pays 100 EUR in January
// (125) and 125 EUR from February: February revalues 100 EUR at 1.00 =
// 100, FX impact −25, Expansion 25, Ending 125. Closing January and
// February must give back those figures (ComputeLocked: "A history
// recorded from a result gives back that result's closed months
// exactly").
func TestReviewLockedRoundTripFXAndMoveCancel(t *testing.T) {
	b := viewBook(t, nil, []calc.MonthlyRate{mrate("EUR", "2025-01", "1.25"), mrate("EUR", "2025-02", "1.00")}, nil,
		in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31")),
		in("EUR", sub(3, "A", "Pro+", "125", "2025-02-01", "")),
	)
	live := b.Compute(day("2025-03-31"))
	want := []viewRow{
		vrow("2025-01", "0", "125", "0", "0", "0", "0", "0", "125", 0, 1, 1, 0, 0),
		vrow("2025-02", "125", "0", "25", "0", "0", "0", "-25", "125", 1, 1, 0, 0, 0),
		quiet("2025-03", "125", 1),
	}
	if diff := gocmp.Diff(want, viewRows(live.Months)); diff != "" {
		t.Fatalf("live months (-want +got):\n%s", diff)
	}
	recorded := live.History(month("2025-02"))
	stored, err := calc.NewHistory(recorded.Through, recorded.Entries) // as sheets reads it back
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, viewRows(live.Locked(stored).Months)); diff != "" {
		t.Errorf("locked months from the stored history (-want +got):\n%s", diff)
	}
}

// TestReviewLockedFirstOpenMonthKeepsFX: a customer whose closed figures
// were restated still has, in the first open month, the FX impact the
// rates make; only the restatement is a movement (fx.go: "FX impact is
// never counted as expansion or contraction").
//
// EUR 1.00 in January and February, 1.20 from March. A pays 100 EUR from
// January. The books closed through February recorded A at 90 (the row
// said 90 EUR then). As of March 31 the sheet has A at 100 EUR: its March
// FX impact is 100 × (1.20 − 1.00) = +20, as the live result reports. The
// locked March moves A from 90 to 120: FX impact +20 and Expansion 10
// (the restatement), not Expansion 30.
func TestReviewLockedFirstOpenMonthKeepsFX(t *testing.T) {
	b := viewBook(t, nil, []calc.MonthlyRate{mrate("EUR", "2025-01", "1.00"), mrate("EUR", "2025-03", "1.20")}, nil,
		in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "")),
	)
	live := b.Compute(day("2025-03-31"))
	if w := live.Months[2]; w.FXImpact.String() != "20" {
		t.Fatalf("live March FX impact = %s, want 20", w.FXImpact)
	}
	h, err := calc.NewHistory(month("2025-02"), []calc.HistoryEntry{{Customer: "A", Month: month("2025-01"), MRR: fixed("90")}})
	if err != nil {
		t.Fatal(err)
	}
	got := viewRows(live.Locked(h).Months)
	want := []viewRow{
		vrow("2025-01", "0", "90", "0", "0", "0", "0", "0", "90", 0, 1, 1, 0, 0),
		quiet("2025-02", "90", 1),
		vrow("2025-03", "90", "0", "10", "0", "0", "0", "20", "120", 1, 1, 0, 0, 0),
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("locked months (-want +got):\n%s", diff)
	}
}

// TestReviewOutlookRenewalSamePriceRounding: a quarterly customer on two
// rows of 50 renews on one row of 100 the day after they end. Its MRR is
// the same (100 ÷ 3 a month), so by outlook.go "a row renewed by a later
// row is not [at risk]". Per-row rounding makes the old rows 2 ×
// 16.666666667 = 33.333333334 and the new one 33.333333333; the engine
// treats that 10⁻⁹ as no movement (the waterfall shows none), so the
// outlook must not list the customer as scheduled to churn either.
func TestReviewOutlookRenewalSamePriceRounding(t *testing.T) {
	res := viewBook(t, nil, nil, nil,
		quarterly(sub(2, "A", "Seats", "50", "2025-01-01", "2025-06-30")),
		quarterly(sub(3, "A", "Seats", "50", "2025-01-01", "2025-06-30")),
		quarterly(sub(4, "A", "Seats", "100", "2025-07-01", "")),
	).Compute(day("2025-06-15"))
	o := res.Outlook(res.AsOf)
	for _, h := range o.Horizons {
		if len(h.Customers) != 0 || h.AtRisk.Sign() != 0 {
			t.Errorf("%d days: AtRisk %s with %d customers (first drop %s), want nothing at risk",
				h.Days, h.AtRisk, len(h.Customers), h.Customers[0].Drop())
		}
	}
	if o.Committed != o.MRR {
		t.Errorf("Committed %s, want all of MRR %s", o.Committed, o.MRR)
	}
}

// TestReviewOutlookMRRIsEnding: without monthly rates the outlook's MRR on
// the as-of date is the as-of month's Ending. Same customer as above, as
// of July 31: the waterfall keeps A at 33.333333334 (the renewal is within
// the rounding tolerance), so the outlook must say the same.
func TestReviewOutlookMRRIsEnding(t *testing.T) {
	res := viewBook(t, nil, nil, nil,
		quarterly(sub(2, "A", "Seats", "50", "2025-01-01", "2025-06-30")),
		quarterly(sub(3, "A", "Seats", "50", "2025-01-01", "2025-06-30")),
		quarterly(sub(4, "A", "Seats", "100", "2025-07-01", "")),
	).Compute(day("2025-07-31"))
	ending := res.Months[len(res.Months)-1].Ending
	if o := res.Outlook(res.AsOf); o.MRR != ending {
		t.Errorf("Outlook MRR %s, as-of month's Ending %s", o.MRR, ending)
	}
}

// TestReviewRestatementCurrencyChange: a row's currency is corrected from
// EUR to GBP, both with monthly rates. Its RowPrint keeps the MRR in the
// row's own currency (100 either way), so the print's hash does not change
// and Restatements calls the row unchanged: the restatement of January
// (110 → 130) names no row, although Restatement.Rows "is empty only when
// the difference is within the engine's rounding tolerance".
func TestReviewRestatementCurrencyChange(t *testing.T) {
	rates := []calc.MonthlyRate{mrate("EUR", "2025-01", "1.10"), mrate("GBP", "2025-01", "1.30")}
	asOf := day("2025-02-28")
	oldBook := viewBook(t, nil, rates, nil, in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "")))
	oldRes := oldBook.Compute(asOf)
	newBook := viewBook(t, nil, rates, nil, in("GBP", sub(2, "A", "Pro", "100", "2025-01-01", "")))
	newRes := newBook.Compute(asOf)
	rs := calc.Restatements(oldRes.History(month("2025-01")), oldBook.Prints(), newRes, newBook.Prints())
	want := []calc.Restatement{{
		Month: month("2025-01"), Customer: "A", Before: fixed("110"), After: fixed("130"),
		Rows: []calc.RowChange{{Kind: calc.RowChanged, Row: 2, OldRow: 2}},
	}}
	if diff := gocmp.Diff(want, rs); diff != "" {
		t.Errorf("restatements (-want +got):\n%s", diff)
	}
}

// TestReviewComputeMemoryYearTypo: a start date typed with a wrong century
// ("1725-01-10" for "2025-01-10") makes the result run over some 3,600
// months. Before issue #7 Compute allocated about 1 MB for this two-row
// sheet; the cohort table (newCohortTable: n × n Sums and int32s, per part)
// now allocates about 260 MB, and "1025" instead of "2025" about 2.7 GB
// (twice that on the two-goroutine path): one typo can take the bot down.
// Cohorts need memory only for the months that start a cohort.
func TestReviewComputeMemoryYearTypo(t *testing.T) {
	b := viewBook(t, nil, nil, nil,
		sub(2, "A", "Pro", "100", "1725-01-10", ""),
		sub(3, "B", "Pro", "100", "2025-01-10", ""),
	)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	res := b.Compute(day("2026-04-30"))
	runtime.ReadMemStats(&m1)
	if got := len(res.Cohorts()); got != 2 {
		t.Errorf("%d cohorts, want 2", got)
	}
	const limit = 32 << 20
	if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > limit {
		t.Errorf("Compute of a two-row sheet over %d months allocated %d MB, want at most %d MB", len(res.Months), alloc>>20, limit>>20)
	}
}
