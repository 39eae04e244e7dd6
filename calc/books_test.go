package calc_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
)

// TestCloseBooks follows the books through the syncs of a sheet: the
// first records every month that has ended, a later one restates what the
// sheet changed, a closed month keeps its recorded figures in the books
// (and, locked, in the figures reported), and a sync as of an earlier
// day records nothing new.
func TestCloseBooks(t *testing.T) {
	asOf := day(baseAsOf)
	base := bookOf(t, baseRows()...)
	live := base.Compute(asOf)

	first := calc.CloseBooks(live, base.Prints(), nil, false)
	if first.Result != live || len(first.Restated) != 0 {
		t.Errorf("first sync: Result is live %v, %d restatements; want live and none", first.Result == live, len(first.Restated))
	}
	want := &calc.Books{History: live.History(month("2025-07")), Prints: base.Prints()}
	if diff := cmp.Diff(want, first.Books); diff != "" {
		t.Errorf("first sync's books (-want +got):\n%s", diff)
	}

	// C's price was 250, not 200, from March: every month since restates.
	rows := baseRows()
	rows[2].Amount = fixed("250")
	edited := bookOf(t, rows...)
	again := edited.Compute(asOf)
	second := calc.CloseBooks(again, edited.Prints(), first.Books, false)
	wantRestated := restatedMonths("2025-03", "2025-07", "C", "200", "250", changed(4, 4))
	if diff := cmp.Diff(wantRestated, second.Restated); diff != "" {
		t.Errorf("restated (-want +got):\n%s", diff)
	}
	if second.Result != again || second.Books.History.At("C", month("2025-05")) != fixed("250") || second.Books.Closed != 0 {
		t.Errorf("live books after the edit: Result is live %v, C's May %s, Closed %s; want live, 250, none",
			second.Result == again, second.Books.History.At("C", month("2025-05")), second.Books.Closed)
	}

	// With the months through April closed, the books keep them whatever
	// the sheet says; locked, so do the figures.
	closed := *first.Books
	closed.Closed = month("2025-04")
	for _, locked := range []bool{false, true} {
		c := calc.CloseBooks(again, edited.Prints(), &closed, locked)
		if got := c.Books.History.At("C", month("2025-04")); got != fixed("200") {
			t.Errorf("locked=%v: C's closed April recorded as %s, want 200", locked, got)
		}
		if got := c.Books.History.At("C", month("2025-05")); got != fixed("250") {
			t.Errorf("locked=%v: C's open May recorded as %s, want 250", locked, got)
		}
		if c.Books.Closed != closed.Closed {
			t.Errorf("locked=%v: Closed = %s, want %s", locked, c.Books.Closed, closed.Closed)
		}
		april, _ := c.Result.Month(month("2025-04"))
		wantApril := "430" // 130 + 50 + 250, the sheet's
		if locked {
			wantApril = "380" // 130 + 50 + 200, as recorded
		}
		if got := april.Ending.String(); got != wantApril {
			t.Errorf("locked=%v: April's ending MRR %s, want %s", locked, got, wantApril)
		}
		if len(c.Restated) == 0 {
			t.Errorf("locked=%v: no restatements; the sheet still differs from the books", locked)
		}
	}

	// A sync as of a day before the books' last month keeps the books.
	earlier := edited.Compute(day("2025-06-20"))
	if c := calc.CloseBooks(earlier, edited.Prints(), first.Books, false); c.Books != first.Books {
		t.Errorf("a sync as of an earlier day recorded new books through %s", c.Books.History.Through)
	}
}
