package calc_test

// Tests of the rounding rule: each customer's month-end MRR in the
// reporting currency is rounded to the cent, half away from zero, and
// every figure is a sum of those cents. Expected values are worked out by
// hand.

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

func TestRoundCents(t *testing.T) {
	tests := []struct {
		in, currency, want string
	}{
		{"83.333333333", "USD", "83.33"},
		{"28.305", "USD", "28.31"},
		{"-28.305", "USD", "-28.31"}, // half away from zero
		{"0.004999999", "USD", "0"},
		{"0.005", "USD", "0.01"},
		{"-0.005", "USD", "-0.01"},
		{"1234.5", "JPY", "1235"},
		{"1234.4999", "jpy", "1234"},
		{"1.2345", "KWD", "1.235"},
		{"12", "EUR", "12"},
	}
	for _, tt := range tests {
		if got := fixed(tt.in).RoundCents(tt.currency); got != fixed(tt.want) {
			t.Errorf("%s.RoundCents(%s) = %s, want %s", tt.in, tt.currency, got, tt.want)
		}
	}
}

// TestCustomersRoundToTheCent: three customers of 1000/12 each show 83.33
// each, and the month shows their sum, 249.99, not 250.00 (the rounding of
// the exact 250). So the month adds up to what a reader sees per customer.
func TestCustomersRoundToTheCent(t *testing.T) {
	annual := func(s calc.Subscription) calc.Subscription {
		s.Interval = calc.Annual
		return s
	}
	res := compute(t, "2025-02-28",
		annual(sub(2, "A", "Pro", "1000", "2025-01-01", "")),
		annual(sub(3, "B", "Pro", "1000", "2025-01-01", "")),
		annual(sub(4, "C", "Pro", "1000", "2025-01-01", "2025-01-31")),
	)
	want := []monthRow{
		{Month: "2025-01", Starting: "0", New: "249.99", Expansion: "0", Reactivation: "0", Contraction: "0",
			Churn: "0", NetNew: "249.99", Ending: "249.99", Customers: 3, NewCustomers: 3},
		{Month: "2025-02", Starting: "249.99", New: "0", Expansion: "0", Reactivation: "0", Contraction: "0",
			Churn: "83.33", NetNew: "-83.33", Ending: "166.66", StartingCustomers: 3, Customers: 2, ChurnedCustomers: 1},
	}
	if diff := cmp.Diff(want, monthRows(res)); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
	for _, mv := range res.Movements() {
		if mv.After != fixed("83.33") && mv.Before != fixed("83.33") {
			t.Errorf("movement %+v: want 83.33 in and out", mv)
		}
	}
	// ARR is the ending MRR people read, × 12.
	if got := res.Months[1].Metrics().ARR; !got.Equal(decimal.RequireFromString("1999.92")) {
		t.Errorf("February ARR = %s, want 166.66 × 12 = 1999.92", got)
	}
}

// TestRowsOfOneCustomerAddUpBeforeRounding: a customer's rows are added
// exactly and the customer's total is rounded once: two rows of half a
// cent are one cent, and a row replaced by two of the same total is no
// movement.
func TestRowsOfOneCustomerAddUpBeforeRounding(t *testing.T) {
	res := compute(t, "2025-03-31",
		sub(2, "A", "Pro", "0.005", "2025-01-01", ""),
		sub(3, "A", "Add-on", "0.005", "2025-01-01", ""),
		// 100 quarterly = 33.333333333, replaced by monthly 33.33 + 0.003333333.
		with(sub(4, "B", "Pro", "100", "2025-01-01", "2025-01-31"), func(s *calc.Subscription) { s.Interval = calc.Quarterly }),
		sub(5, "B", "Pro", "33.33", "2025-02-01", ""),
		with(sub(6, "B", "Pro", "0.01", "2025-02-01", ""), func(s *calc.Subscription) { s.Interval = calc.Quarterly }),
	)
	var got []string
	for _, mv := range res.Movements() {
		got = append(got, mv.Month.String()+" "+res.Customers[mv.Customer].ID+" "+mv.Kind.String()+" "+mv.Amount().String())
	}
	want := []string{"2025-01 A New 0.01", "2025-01 B New 33.33"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("movements (-want +got):\n%s", diff)
	}
}

// TestSubCentCustomerIsNotPaying: a customer whose MRR rounds to 0.00 is
// not paying: no New, no customer count, and when it grows past half a
// cent it is New then.
func TestSubCentCustomerIsNotPaying(t *testing.T) {
	res := compute(t, "2025-03-31",
		sub(2, "A", "Pro", "0.004", "2025-01-01", ""),
		sub(3, "A", "Pro", "0.004", "2025-03-01", ""),
		sub(4, "B", "Pro", "10", "2025-01-01", ""),
	)
	var got []string
	for _, mv := range res.Movements() {
		got = append(got, mv.Month.String()+" "+res.Customers[mv.Customer].ID+" "+mv.Kind.String()+" "+mv.Amount().String())
	}
	want := []string{"2025-01 B New 10", "2025-03 A New 0.01"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("movements (-want +got):\n%s", diff)
	}
	for _, w := range res.Months[:2] {
		if w.Customers != 1 {
			t.Errorf("%s: %d customers, want 1 (A pays 0.004, which is $0.00)", w.Month, w.Customers)
		}
	}
}

// TestSegmentsShareACustomersCents: a customer paying 1000/3 in each of
// three plans pays 1000.00 in all; its plans get 333.34, 333.33 and 333.33
// (the largest remainder method: each is 333.33 rounded down, and the cent
// left over goes to the first of the equal remainders), so the plans add
// up to the customer and to the total to the cent.
func TestSegmentsShareACustomersCents(t *testing.T) {
	third := func(row int, plan string) calc.Subscription {
		return with(sub(row, "A", plan, "1000", "2025-01-01", ""), func(s *calc.Subscription) { s.Interval = calc.Quarterly })
	}
	res := compute(t, "2025-02-28",
		third(2, "Pro"), third(3, "Seats"), third(4, "Add-on"),
		// A half cent in each of two plans is a cent for the customer, and
		// the first plan's.
		sub(5, "B", "Pro", "0.005", "2025-02-01", ""),
		sub(6, "B", "Seats", "0.005", "2025-02-01", ""),
	)
	if got := res.Months[0].Ending.Decimal(); !got.Equal(decimal.NewFromInt(1000)) {
		t.Errorf("January ending %s, want 1000.00", got)
	}
	got := map[string][2]string{}
	for _, s := range res.Segments() {
		got[s.Value] = [2]string{s.Months[0].Ending.String(), s.Months[1].Ending.String()}
	}
	want := map[string][2]string{
		"Pro":    {"333.34", "333.35"},
		"Seats":  {"333.33", "333.33"},
		"Add-on": {"333.33", "333.33"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("segment endings, January and February (-want +got):\n%s", diff)
	}
	for _, s := range res.Segments() {
		if s.Value == "Pro" && s.Months[1].New.String() != "0.01" {
			t.Errorf("Pro in February: New %s, want B's 0.01", s.Months[1].New)
		}
	}
}

// TestFXImpactInCents: with monthly rates, last month's amounts are valued
// at this month's rate and rounded, and the FX impact is that less what was
// reported.
func TestFXImpactInCents(t *testing.T) {
	b := newBook(t, nil)
	rates := []calc.MonthlyRate{
		{Currency: "EUR", Month: month("2025-01"), Rate: decimal.RequireFromString("1.0837")},
		{Currency: "EUR", Month: month("2025-02"), Rate: decimal.RequireFromString("1.0912")},
	}
	if err := b.SetMonthlyRates(rates); err != nil {
		t.Fatal(err)
	}
	// 100 EUR quarterly = 33.333333333 EUR: 36.12 in January (36.123333…),
	// 36.37 at February's rate (36.373333…), so FX impact 0.25; then 10 EUR
	// more in February, 36.373333… + 10.912 = 47.285333…, 47.29: expansion
	// 47.29 − 36.37 = 10.92.
	rows := []calc.Subscription{
		with(sub(2, "A", "Pro", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.Currency, s.Interval = "EUR", calc.Quarterly }),
		with(sub(3, "A", "Pro", "10", "2025-02-01", ""), func(s *calc.Subscription) { s.Currency = "EUR" }),
	}
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	res := b.Compute(day("2025-02-28"))
	var got []string
	for _, mv := range res.Movements() {
		got = append(got, mv.Month.String()+" "+mv.Kind.String()+" "+mv.Before.String()+" → "+mv.After.String())
	}
	want := []string{"2025-01 New 0 → 36.12", "2025-02 FX impact 36.12 → 36.37", "2025-02 Expansion 36.37 → 47.29"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("movements (-want +got):\n%s", diff)
	}
	feb := res.Months[1]
	if feb.FXImpact.String() != "0.25" || feb.Expansion.String() != "10.92" || feb.Ending.String() != "47.29" {
		t.Errorf("February: FX impact %s, expansion %s, ending %s; want 0.25, 10.92, 47.29", feb.FXImpact, feb.Expansion, feb.Ending)
	}
}

// TestHistoryBeforeRoundingComparesInCents: books recorded before MRR was
// rounded to the cent keep 10⁻⁹ amounts (83.333333333). They restate
// nothing against today's 83.33, and a locked result built on them reports
// cents.
func TestHistoryBeforeRoundingComparesInCents(t *testing.T) {
	b := newBook(t, testRates)
	row := with(sub(2, "A", "Pro", "1000", "2025-01-01", ""), func(s *calc.Subscription) { s.Interval = calc.Annual })
	if err := b.Add(&row); err != nil {
		t.Fatal(err)
	}
	res := b.Compute(day("2025-03-31"))
	old, err := calc.NewHistory(month("2025-02"), []calc.HistoryEntry{
		{Customer: "A", Month: month("2025-01"), MRR: fixed("83.333333333")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rs := calc.Restatements(old, b.Prints(), res, b.Prints()); len(rs) != 0 {
		t.Errorf("restatements %+v, want none: 83.333333333 is 83.33", rs)
	}
	locked := res.Locked(old)
	for _, w := range locked.Months {
		if w.Ending.String() != "83.33" {
			t.Errorf("locked %s: ending %s, want 83.33", w.Month, w.Ending)
		}
	}
	// A recorded amount that differs by more than the rounding is a
	// restatement, in cents.
	old2, _ := calc.NewHistory(month("2025-02"), []calc.HistoryEntry{
		{Customer: "A", Month: month("2025-01"), MRR: fixed("80.004999")},
	})
	rs := calc.Restatements(old2, b.Prints(), res, b.Prints())
	if len(rs) != 2 || rs[0].Before != fixed("80") || rs[0].After != fixed("83.33") {
		t.Errorf("restatements %+v, want January and February, 80.00 → 83.33", rs)
	}
}
