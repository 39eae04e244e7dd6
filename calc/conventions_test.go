package calc_test

// These tests check the engine against the MRR conventions (docs/metrics.md)
// and the sheet's rules (docs/sheet-format.md), through the public API only. The expected numbers are
// worked out by hand from the conventions, not read off the code.

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

// day parses an ISO date for a test table.
func day(s string) calc.Date {
	d, err := calc.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// month parses YYYY-MM for a test table.
func month(s string) calc.Month {
	m, err := calc.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

// fixed parses a plain decimal for a test table.
func fixed(s string) calc.Fixed {
	f, err := calc.ParseFixed(s)
	if err != nil {
		panic(s + ": " + err.Error())
	}
	return f
}

// sub is a monthly, one-seat, active row in the reporting currency; end ""
// means ongoing. Tables adjust the other fields.
func sub(row int, customer, plan, amount, start, end string) calc.Subscription {
	s := calc.Subscription{
		Row:        row,
		CustomerID: customer,
		Plan:       plan,
		Amount:     fixed(amount),
		Quantity:   calc.One,
		Interval:   calc.Monthly,
		Start:      day(start),
		End:        calc.NoEnd,
	}
	if end != "" {
		s.End = day(end)
	}
	return s
}

// with returns s changed by f, so tables read as "this row, but quarterly".
func with(s calc.Subscription, f func(*calc.Subscription)) calc.Subscription {
	f(&s)
	return s
}

// testRates is the FX tab the convention tests use: units of USD per unit.
var testRates = map[string]string{
	"EUR": "1.08",
	"XYZ": "0.000062891234",
	"GBP": "1.273456789123456789",  // 19 significant digits
	"CHF": "1.2345678901234567891", // 20 significant digits
}

func newBook(t testing.TB, rates map[string]string) *calc.Book {
	t.Helper()
	r := make(map[string]decimal.Decimal, len(rates))
	for code, v := range rates {
		r[code] = decimal.RequireFromString(v)
	}
	b, err := calc.NewBook("USD", r)
	if err != nil {
		t.Fatalf("NewBook: %v", err)
	}
	return b
}

// compute adds every row, failing the test on any error, and computes.
func compute(t testing.TB, asOf string, rows ...calc.Subscription) *calc.Result {
	t.Helper()
	b := newBook(t, testRates)
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatalf("Add(row %d): %v", rows[i].Row, err)
		}
	}
	return b.Compute(day(asOf))
}

// checkMoney compares an amount with want. A want with at most nine decimal
// places must match exactly; a longer want is an exact value written out
// (e.g. 66.6666666666666667) and got may differ from it by the rounding of
// a division, at most 10⁻⁹.
func checkMoney(t testing.TB, what string, got decimal.Decimal, want string) {
	t.Helper()
	w := decimal.RequireFromString(want)
	if w.Exponent() >= -calc.Scale {
		if !got.Equal(w) {
			t.Errorf("%s = %s, want exactly %s", what, got, want)
		}
		return
	}
	if got.Sub(w).Abs().GreaterThan(decimal.New(1, -calc.Scale)) {
		t.Errorf("%s = %s, want %s (±1e-9)", what, got, want)
	}
}

// monthRow is a waterfall in a form cmp.Diff prints well.
type monthRow struct {
	Month                                                string
	Starting, New, Expansion, Reactivation, Contraction  string
	Churn, NetNew, Ending                                string
	StartingCustomers, Customers                         int
	NewCustomers, ChurnedCustomers, ReactivatedCustomers int
}

func monthRows(res *calc.Result) []monthRow {
	var out []monthRow
	for _, w := range res.Months {
		out = append(out, monthRow{
			Month:                w.Month.String(),
			Starting:             w.Starting.String(),
			New:                  w.New.String(),
			Expansion:            w.Expansion.String(),
			Reactivation:         w.Reactivation.String(),
			Contraction:          w.Contraction.String(),
			Churn:                w.Churn.String(),
			NetNew:               w.NetNew.String(),
			Ending:               w.Ending.String(),
			StartingCustomers:    w.StartingCustomers,
			Customers:            w.Customers,
			NewCustomers:         w.NewCustomers,
			ChurnedCustomers:     w.ChurnedCustomers,
			ReactivatedCustomers: w.ReactivatedCustomers,
		})
	}
	return out
}

// mrow builds an expected waterfall row; Net New is Ending − Starting.
func mrow(m, starting, newMRR, expansion, reactivation, contraction, churn, ending string, startCust, cust, newCust, churnCust, reactCust int) monthRow {
	net := decimal.RequireFromString(ending).Sub(decimal.RequireFromString(starting))
	return monthRow{
		Month: m, Starting: starting, New: newMRR, Expansion: expansion, Reactivation: reactivation,
		Contraction: contraction, Churn: churn, NetNew: net.String(), Ending: ending,
		StartingCustomers: startCust, Customers: cust,
		NewCustomers: newCust, ChurnedCustomers: churnCust, ReactivatedCustomers: reactCust,
	}
}

// move is a movement in a form cmp.Diff prints well.
type move struct {
	Month, Customer, Kind, Amount, Before, After string
}

func moves(res *calc.Result) []move {
	var out []move
	for _, m := range res.Movements() {
		out = append(out, move{
			Month:    m.Month.String(),
			Customer: res.Customers[m.Customer].ID,
			Kind:     m.Kind.String(),
			Amount:   m.Amount().String(),
			Before:   m.Before.String(),
			After:    m.After.String(),
		})
	}
	return out
}

// The conventions do not fix the order of movements within a month.
var sortMoves = cmpopts.SortSlices(func(a, b move) bool {
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Customer < b.Customer
})

// mrrOf returns the MRR of the single row s, measured on 2025-01-31, and
// how many rows the book kept.
func mrrOf(t *testing.T, s calc.Subscription) (decimal.Decimal, int) {
	t.Helper()
	b := newBook(t, testRates)
	if err := b.Add(&s); err != nil {
		t.Fatalf("Add: %v", err)
	}
	res := b.Compute(day("2025-01-31"))
	if len(res.Months) > 1 {
		t.Fatalf("Compute(2025-01-31) gave %d months, want at most 1", len(res.Months))
	}
	// The row's own MRR is exact (to 10⁻⁹); the month shows the customer's,
	// rounded to the cent.
	exact := decimal.Zero
	if prints := b.Prints(); len(prints) > 0 {
		exact = prints[0].MRR.Decimal()
	}
	ending := decimal.Zero
	if len(res.Months) == 1 {
		ending = res.Months[0].Ending.Decimal()
	}
	if want := exact.Round(2); !ending.Equal(want) {
		t.Errorf("month's MRR = %s, want the row's %s rounded to the cent, %s", ending, exact, want)
	}
	return exact, b.Len()
}

func TestRowMRR(t *testing.T) {
	base := sub(2, "C1", "Pro", "1200", "2025-01-01", "")
	iv := func(iv calc.Interval) func(*calc.Subscription) {
		return func(s *calc.Subscription) { s.Interval = iv }
	}
	tests := []struct {
		name string
		row  calc.Subscription
		want string
	}{
		// Intervals: amount per billing period, divided into months.
		{"monthly", base, "1200"},
		{"zero interval is monthly", with(base, iv(calc.Interval{})), "1200"},
		{"quarterly ÷3", with(base, iv(calc.Quarterly)), "400"},
		{"semiannual ÷6", with(base, iv(calc.Semiannual)), "200"},
		{"annual ÷12", with(base, iv(calc.Annual)), "100"},
		{"biennial ÷24", with(base, iv(calc.Biennial)), "50"},
		{"weekly ×52/12", with(base, iv(calc.Weekly)), "5200"},
		{"weekly 10 ×52/12", with(sub(2, "C1", "", "10", "2025-01-01", ""), iv(calc.Weekly)), "43.3333333333333333"},
		{"5 months ÷5", with(base, iv(calc.Interval{Per: 1, Months: 5})), "240"},
		{"18 months ÷18", with(base, iv(calc.Interval{Per: 1, Months: 18})), "66.6666666666666667"},
		{"3 years ÷36", with(base, iv(calc.Interval{Per: 1, Months: 36})), "33.3333333333333333"},
		{"1500 per 18 months", with(sub(2, "C1", "", "1500", "2025-01-01", ""), iv(calc.Interval{Per: 1, Months: 18})), "83.3333333333333333"},
		{"annual 1000 ÷12", with(sub(2, "C1", "", "1000", "2025-01-01", ""), iv(calc.Annual)), "83.3333333333333333"},

		// Quantity: amount is per unit.
		{"10 seats", with(sub(2, "C1", "", "49.90", "2025-01-01", ""), func(s *calc.Subscription) { s.Quantity = fixed("10") }), "499"},
		{"2.5 units", with(sub(2, "C1", "", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.Quantity = fixed("2.5") }), "250"},
		{"3 seats quarterly", with(sub(2, "C1", "", "100", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Interval = fixed("3"), calc.Quarterly
		}), "100"},
		{"2 seats weekly", with(sub(2, "C1", "", "25", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Interval = fixed("2"), calc.Weekly
		}), "216.6666666666666667"},

		// Percent discount: a fraction of amount × quantity.
		{"20% off 10 seats", with(sub(2, "C1", "", "50", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Discount = fixed("10"), calc.Discount{Percent: true, Value: fixed("0.2")}
		}), "400"},
		{"15% off 33.30", with(sub(2, "C1", "", "33.30", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Discount = calc.Discount{Percent: true, Value: fixed("0.15")}
		}), "28.305"},
		{"12.5% off 2 annual seats", with(base, func(s *calc.Subscription) {
			s.Quantity, s.Interval = fixed("2"), calc.Annual
			s.Discount = calc.Discount{Percent: true, Value: fixed("0.125")}
		}), "175"},
		{"0% off", with(base, func(s *calc.Subscription) { s.Discount = calc.Discount{Percent: true} }), "1200"},

		// Fixed discount: per billing period, after amount × quantity,
		// before dividing into months.
		{"fixed 100 per quarter off 2 × 300 quarterly", with(sub(2, "C1", "", "300", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Interval = fixed("2"), calc.Quarterly
			s.Discount = calc.Discount{Value: fixed("100")}
		}), "166.6666666666666667"},
		{"fixed 10 off 3 × 49", with(sub(2, "C1", "", "49", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Discount = fixed("3"), calc.Discount{Value: fixed("10")}
		}), "137"},
		{"fixed 120 per year off annual 1200", with(base, func(s *calc.Subscription) {
			s.Interval, s.Discount = calc.Annual, calc.Discount{Value: fixed("120")}
		}), "90"},
		{"fixed 5 per week off 2 × 25 weekly", with(sub(2, "C1", "", "25", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Interval, s.Discount = fixed("2"), calc.Weekly, calc.Discount{Value: fixed("5")}
		}), "195"},
		{"fixed discount above unit price but below the row's price", with(sub(2, "C1", "", "100", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Quantity, s.Discount = fixed("3"), calc.Discount{Value: fixed("150")}
		}), "150"},

		// Setup fees are one-time.
		{"setup fee is not MRR", with(sub(2, "C1", "", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.SetupFee = fixed("500") }), "100"},

		// Cancelled rows count until their end date.
		{"cancelled, ending later", with(sub(2, "C1", "", "100", "2025-01-01", "2025-06-30"), func(s *calc.Subscription) { s.Status = calc.Cancelled }), "100"},

		// FX: converted at units of USD per unit of the row's currency.
		{"EUR quarterly", with(sub(2, "C1", "", "900", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "EUR", calc.Quarterly
		}), "324"},
		{"eur lower case", with(sub(2, "C1", "", "900", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "eur", calc.Quarterly
		}), "324"},
		{"reporting currency named", with(base, func(s *calc.Subscription) { s.Currency = "USD" }), "1200"},
		{"EUR 10 seats 20% off", with(sub(2, "C1", "", "20", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Quantity = "EUR", fixed("10")
			s.Discount = calc.Discount{Percent: true, Value: fixed("0.2")}
		}), "172.8"},
		{"EUR fixed discount in EUR", with(sub(2, "C1", "", "900", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval, s.Discount = "EUR", calc.Quarterly, calc.Discount{Value: fixed("90")}
		}), "291.6"},
		{"XYZ rate 0.000062891234 monthly", with(sub(2, "C1", "", "1000000", "2025-01-01", ""), func(s *calc.Subscription) { s.Currency = "XYZ" }), "62.891234"},
		{"XYZ quarterly exact", with(sub(2, "C1", "", "3000000", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "XYZ", calc.Quarterly
		}), "62.891234"},
		{"XYZ quarterly repeating", with(sub(2, "C1", "", "1000000", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "XYZ", calc.Quarterly
		}), "20.9637446666666666667"},
		{"XYZ weekly with cents", with(sub(2, "C1", "", "12345.67", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "XYZ", calc.Weekly
		}), "3.36454915704604666667"}, // 12345.67 × 0.000062891234 × 52 ÷ 12
		{"GBP 19-digit rate, biennial", with(sub(2, "C1", "", "2400", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "GBP", calc.Biennial
		}), "127.3456789123456789"},
		{"GBP 19-digit rate, weekly", with(sub(2, "C1", "", "12", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Currency, s.Interval = "GBP", calc.Weekly
		}), "66.219753034419753028"}, // 12 × 52 ÷ 12 × 1.273456789123456789
		{"CHF 20-digit rate", with(sub(2, "C1", "", "1000", "2025-01-01", ""), func(s *calc.Subscription) { s.Currency = "CHF" }), "1234.5678901234567891"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := mrrOf(t, tt.row)
			checkMoney(t, "MRR", got, tt.want)
			if n != 1 {
				t.Errorf("Book.Len() = %d, want 1", n)
			}
		})
	}
}

// TestExcludedRows: trial and free rows, zero-value rows and one-time fees
// are accepted (no error) and never MRR.
func TestExcludedRows(t *testing.T) {
	base := sub(2, "C1", "Pro", "100", "2025-01-01", "")
	tests := []struct {
		name string
		row  calc.Subscription
	}{
		{"trial", with(base, func(s *calc.Subscription) { s.Status = calc.Trial })},
		{"free", with(base, func(s *calc.Subscription) { s.Status = calc.Free })},
		{"zero amount", with(base, func(s *calc.Subscription) { s.Amount = 0 })},
		{"zero quantity", with(base, func(s *calc.Subscription) { s.Quantity = 0 })},
		{"100% off", with(base, func(s *calc.Subscription) { s.Discount = calc.Discount{Percent: true, Value: calc.One} })},
		{"fixed discount equal to the price", with(base, func(s *calc.Subscription) {
			s.Quantity, s.Discount = fixed("3"), calc.Discount{Value: fixed("300")}
		})},
		{"setup fee only", with(base, func(s *calc.Subscription) { s.Amount, s.SetupFee = 0, fixed("500") })},
		{"trial in a foreign currency, quarterly", with(base, func(s *calc.Subscription) {
			s.Status, s.Currency, s.Interval = calc.Trial, "EUR", calc.Quarterly
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := mrrOf(t, tt.row)
			checkMoney(t, "MRR", got, "0")
			if n != 0 {
				t.Errorf("Book.Len() = %d, want 0", n)
			}
		})
	}
}

func TestParseInterval(t *testing.T) {
	tests := []struct {
		in   string
		want calc.Interval
	}{
		{"", calc.Monthly},
		{"monthly", calc.Monthly},
		{"Monthly", calc.Monthly},
		{"MONTHLY", calc.Monthly},
		{" monthly ", calc.Monthly},
		{"1 month", calc.Monthly},
		{"quarterly", calc.Quarterly},
		{"Quarterly", calc.Quarterly},
		{"3 months", calc.Quarterly},
		{"semiannual", calc.Semiannual},
		{"semi-annual", calc.Semiannual},
		{"Semi-Annual", calc.Semiannual},
		{"semi_annual", calc.Semiannual},
		{"half-yearly", calc.Semiannual},
		{"Half Yearly", calc.Semiannual},
		{"6 months", calc.Semiannual},
		{"annual", calc.Annual},
		{"Annual", calc.Annual},
		{"annually", calc.Annual},
		{"Annually", calc.Annual},
		{"yearly", calc.Annual},
		{"Yearly", calc.Annual},
		{"1 year", calc.Annual},
		{"12 months", calc.Annual},
		{"biennial", calc.Biennial},
		{"2 years", calc.Biennial},
		{"2 Years", calc.Biennial},
		{"24 months", calc.Biennial},
		{"weekly", calc.Weekly},
		{"Weekly", calc.Weekly},
		{"18 months", calc.Interval{Per: 1, Months: 18}},
		{"18 Months", calc.Interval{Per: 1, Months: 18}},
		{"5 months", calc.Interval{Per: 1, Months: 5}},
		{"3 years", calc.Interval{Per: 1, Months: 36}},
		{"10 years", calc.Interval{Per: 1, Months: 120}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := calc.ParseInterval(tt.in)
			if err != nil {
				t.Fatalf("ParseInterval(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseInterval(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestParseIntervalNoWrongGuess: text that is not an interval must be an
// error, never a different interval. Where a reading is exact ("1.5 years"
// is 18 months) it may be accepted, but only with the right value: reading
// "0.5 years" as 5 years cuts that row's MRR tenfold.
func TestParseIntervalNoWrongGuess(t *testing.T) {
	tests := []struct {
		in string
		ok []calc.Interval // acceptable results besides an error
	}{
		{"fortnightly", nil},
		{"bogus", nil},
		{"0 months", nil},
		{"0 years", nil},
		{"-3 months", nil},
		{"0.5 years", []calc.Interval{{Per: 1, Months: 6}}},
		{"1.5 years", []calc.Interval{{Per: 1, Months: 18}}},
		{"2.5 months", []calc.Interval{{Per: 2, Months: 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := calc.ParseInterval(tt.in)
			if err != nil {
				return
			}
			for _, ok := range tt.ok {
				if got == ok {
					return
				}
			}
			t.Errorf("ParseInterval(%q) = %v (%d per %d months), want an error or one of %v", tt.in, got, got.Per, got.Months, tt.ok)
		})
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in   string
		want calc.Status
	}{
		{"", calc.Active},
		{"active", calc.Active},
		{"Active", calc.Active},
		{"trial", calc.Trial},
		{"TRIAL", calc.Trial},
		{"free", calc.Free},
		{"Free", calc.Free},
		{"cancelled", calc.Cancelled},
		{"Canceled", calc.Cancelled},
		{"canceled", calc.Cancelled},
		{" Cancelled ", calc.Cancelled},
	}
	for _, tt := range tests {
		got, err := calc.ParseStatus(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := calc.ParseStatus("paused?"); err == nil {
		t.Errorf("ParseStatus(%q) succeeded, want an error", "paused?")
	}
}

// TestMovements runs small books through several months and checks every
// waterfall and movement.
func TestMovements(t *testing.T) {
	tests := []struct {
		name   string
		asOf   string
		rows   []calc.Subscription
		months []monthRow
		moves  []move
	}{
		{
			name: "mid-month start and end",
			asOf: "2025-04-30",
			rows: []calc.Subscription{sub(2, "A", "Pro", "100", "2025-01-15", "2025-03-15")},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
				mrow("2025-03", "100", "0", "0", "0", "0", "100", "0", 1, 0, 0, 1, 0),
				mrow("2025-04", "0", "0", "0", "0", "0", "0", "0", 0, 0, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-03", "A", "Churn", "100", "100", "0"},
			},
		},
		{
			name: "start on a month's last day counts that month",
			asOf: "2025-02-28",
			rows: []calc.Subscription{sub(2, "A", "Pro", "100", "2025-01-31", "")},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
			},
			moves: []move{{"2025-01", "A", "New", "100", "0", "100"}},
		},
		{
			name: "end on the last day is active that month, the day before is not",
			asOf: "2025-03-31",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-02-28"),
				sub(3, "B", "Pro", "10", "2025-01-01", "2025-02-27"),
			},
			months: []monthRow{
				mrow("2025-01", "0", "110", "0", "0", "0", "0", "110", 0, 2, 2, 0, 0),
				mrow("2025-02", "110", "0", "0", "0", "0", "10", "100", 2, 1, 0, 1, 0),
				mrow("2025-03", "100", "0", "0", "0", "0", "100", "0", 1, 0, 0, 1, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-01", "B", "New", "10", "0", "10"},
				{"2025-02", "B", "Churn", "10", "10", "0"},
				{"2025-03", "A", "Churn", "100", "100", "0"},
			},
		},
		{
			name: "leap February: the 29th is the last day",
			asOf: "2024-03-31",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2024-01-01", "2024-02-29"),
				sub(3, "B", "Pro", "10", "2024-01-01", "2024-02-28"),
			},
			months: []monthRow{
				mrow("2024-01", "0", "110", "0", "0", "0", "0", "110", 0, 2, 2, 0, 0),
				mrow("2024-02", "110", "0", "0", "0", "0", "10", "100", 2, 1, 0, 1, 0),
				mrow("2024-03", "100", "0", "0", "0", "0", "100", "0", 1, 0, 0, 1, 0),
			},
			moves: []move{
				{"2024-01", "A", "New", "100", "0", "100"},
				{"2024-01", "B", "New", "10", "0", "10"},
				{"2024-02", "B", "Churn", "10", "10", "0"},
				{"2024-03", "A", "Churn", "100", "100", "0"},
			},
		},
		{
			name: "churn and return within one month: no movement",
			asOf: "2025-04-30",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-03-10"),
				sub(3, "A", "Pro", "100", "2025-03-20", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
				mrow("2025-03", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
				mrow("2025-04", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
			},
			moves: []move{{"2025-01", "A", "New", "100", "0", "100"}},
		},
		{
			name: "leave and return within one month at a higher price: expansion only",
			asOf: "2025-03-31",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-03-10"),
				sub(3, "A", "Pro", "150", "2025-03-20", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
				mrow("2025-03", "100", "0", "50", "0", "0", "0", "150", 1, 1, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-03", "A", "Expansion", "50", "100", "150"},
			},
		},
		{
			name: "a gap across a month's end is churn, then reactivation",
			asOf: "2025-04-30",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-03-25"),
				sub(3, "A", "Pro", "100", "2025-04-05", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
				mrow("2025-03", "100", "0", "0", "0", "0", "100", "0", 1, 0, 0, 1, 0),
				mrow("2025-04", "0", "0", "0", "100", "0", "0", "100", 0, 1, 0, 0, 1),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-03", "A", "Churn", "100", "100", "0"},
				{"2025-04", "A", "Reactivation", "100", "0", "100"},
			},
		},
		{
			name: "reactivation months later is not new",
			asOf: "2025-06-30",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-02-28"),
				sub(3, "B", "Pro", "30", "2025-01-10", ""),
				sub(4, "A", "Team", "120", "2025-06-01", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "130", "0", "0", "0", "0", "130", 0, 2, 2, 0, 0),
				mrow("2025-02", "130", "0", "0", "0", "0", "0", "130", 2, 2, 0, 0, 0),
				mrow("2025-03", "130", "0", "0", "0", "0", "100", "30", 2, 1, 0, 1, 0),
				mrow("2025-04", "30", "0", "0", "0", "0", "0", "30", 1, 1, 0, 0, 0),
				mrow("2025-05", "30", "0", "0", "0", "0", "0", "30", 1, 1, 0, 0, 0),
				mrow("2025-06", "30", "0", "0", "120", "0", "0", "150", 1, 2, 0, 0, 1),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-01", "B", "New", "30", "0", "30"},
				{"2025-03", "A", "Churn", "100", "100", "0"},
				{"2025-06", "A", "Reactivation", "120", "0", "120"},
			},
		},
		{
			name: "a trial that converts is new when it starts paying",
			asOf: "2025-03-31",
			rows: []calc.Subscription{
				with(sub(2, "A", "Pro", "100", "2025-01-01", "2025-02-28"), func(s *calc.Subscription) { s.Status = calc.Trial }),
				sub(3, "A", "Pro", "100", "2025-03-01", ""),
			},
			months: []monthRow{
				mrow("2025-03", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
			},
			moves: []move{{"2025-03", "A", "New", "100", "0", "100"}},
		},
		{
			name: "add-on is expansion, downgrade is contraction",
			asOf: "2025-04-30",
			rows: []calc.Subscription{
				sub(2, "A", "Base", "100", "2025-01-01", "2025-03-31"),
				sub(3, "A", "Analytics add-on", "30", "2025-02-15", ""),
				sub(4, "A", "Base", "60", "2025-04-01", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "30", "0", "0", "0", "130", 1, 1, 0, 0, 0),
				mrow("2025-03", "130", "0", "0", "0", "0", "0", "130", 1, 1, 0, 0, 0),
				mrow("2025-04", "130", "0", "0", "0", "40", "0", "90", 1, 1, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-02", "A", "Expansion", "30", "100", "130"},
				{"2025-04", "A", "Contraction", "40", "130", "90"},
			},
		},
		{
			name: "upgrade entered as end the old row, start a new one",
			asOf: "2025-02-28",
			rows: []calc.Subscription{
				sub(2, "A", "Starter", "100", "2025-01-01", "2025-01-31"),
				with(sub(3, "A", "Growth", "2160", "2025-02-01", ""), func(s *calc.Subscription) { s.Interval = calc.Annual }),
			},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "80", "0", "0", "0", "180", 1, 1, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-02", "A", "Expansion", "80", "100", "180"},
			},
		},
		{
			name: "the same MRR in other rows is no movement",
			asOf: "2025-02-28",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31"),
				sub(3, "A", "Pro", "60", "2025-02-01", ""),
				sub(4, "A", "Seats", "40", "2025-02-01", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-02", "100", "0", "0", "0", "0", "0", "100", 1, 1, 0, 0, 0),
			},
			moves: []move{{"2025-01", "A", "New", "100", "0", "100"}},
		},
		{
			name: "several customers in one month",
			asOf: "2025-02-28",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31"),
				sub(3, "B", "Pro", "200", "2025-01-05", ""),
				sub(4, "C", "Pro", "50", "2025-02-03", ""),
				sub(5, "B", "Seats", "25", "2025-02-10", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "300", "0", "0", "0", "0", "300", 0, 2, 2, 0, 0),
				mrow("2025-02", "300", "50", "25", "0", "0", "100", "275", 2, 2, 1, 1, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-01", "B", "New", "200", "0", "200"},
				{"2025-02", "A", "Churn", "100", "100", "0"},
				{"2025-02", "B", "Expansion", "25", "200", "225"},
				{"2025-02", "C", "New", "50", "0", "50"},
			},
		},
		{
			name: "as-of month measured on the as-of date",
			asOf: "2025-03-15",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", ""),
				sub(3, "B", "Pro", "1000", "2025-03-20", ""),          // starts after as-of: not yet
				sub(4, "C", "Pro", "10", "2025-01-01", "2025-03-10"),  // ended before as-of: churns
				sub(5, "D", "Pro", "20", "2025-01-01", "2025-03-15"),  // ends on as-of: counts
				sub(6, "E", "Pro", "40", "2025-01-01", "2025-03-20"),  // ends after as-of: counts
				sub(7, "F", "Pro", "5", "2025-03-15", ""),             // starts on as-of: counts
				sub(8, "G", "Pro", "7000", "2025-05-01", ""),          // starts in a later month
				sub(9, "A", "Seats", "3", "2025-03-16", "2025-03-31"), // starts the day after
			},
			months: []monthRow{
				mrow("2025-01", "0", "170", "0", "0", "0", "0", "170", 0, 4, 4, 0, 0),
				mrow("2025-02", "170", "0", "0", "0", "0", "0", "170", 4, 4, 0, 0, 0),
				mrow("2025-03", "170", "5", "0", "0", "0", "10", "165", 4, 4, 1, 1, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-01", "C", "New", "10", "0", "10"},
				{"2025-01", "D", "New", "20", "0", "20"},
				{"2025-01", "E", "New", "40", "0", "40"},
				{"2025-03", "C", "Churn", "10", "10", "0"},
				{"2025-03", "F", "New", "5", "0", "5"},
			},
		},
		{
			name: "as-of on a month's first day",
			asOf: "2025-02-01",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31"),
				sub(3, "B", "Pro", "10", "2025-01-20", ""),
				sub(4, "C", "Pro", "1", "2025-02-01", ""),
				sub(5, "D", "Pro", "1000", "2025-02-02", ""),
			},
			months: []monthRow{
				mrow("2025-01", "0", "110", "0", "0", "0", "0", "110", 0, 2, 2, 0, 0),
				mrow("2025-02", "110", "1", "0", "0", "0", "100", "11", 2, 2, 1, 1, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "100", "0", "100"},
				{"2025-01", "B", "New", "10", "0", "10"},
				{"2025-02", "A", "Churn", "100", "100", "0"},
				{"2025-02", "C", "New", "1", "0", "1"},
			},
		},
		{
			name: "months start with the first start month",
			asOf: "2025-03-31",
			rows: []calc.Subscription{
				sub(2, "B", "Pro", "10", "2025-03-01", ""),
				with(sub(3, "A", "Pro", "300", "2025-02-14", ""), func(s *calc.Subscription) { s.Interval = calc.Quarterly }),
			},
			months: []monthRow{
				mrow("2025-02", "0", "100", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				mrow("2025-03", "100", "10", "0", "0", "0", "0", "110", 1, 2, 1, 0, 0),
			},
			moves: []move{
				{"2025-02", "A", "New", "100", "0", "100"},
				{"2025-03", "B", "New", "10", "0", "10"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := compute(t, tt.asOf, tt.rows...)
			if diff := cmp.Diff(tt.months, monthRows(res)); diff != "" {
				t.Errorf("Months (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.moves, moves(res), sortMoves); diff != "" {
				t.Errorf("Movements (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("Warnings = %v, want none", res.Warnings)
			}
			if got := res.AsOf; got != day(tt.asOf) {
				t.Errorf("AsOf = %s, want %s", got, tt.asOf)
			}
		})
	}
}

// TestNoMovementFromRounding: a customer whose exact MRR does not change
// must show no movement, even when the rows that make it up divide
// differently. One quarterly row of 200 (66.666…) becomes two quarterly
// rows of 100 (33.333… each): the MRR is the same to the last digit.
func TestNoMovementFromRounding(t *testing.T) {
	quarterly := func(s *calc.Subscription) { s.Interval = calc.Quarterly }
	tests := []struct {
		name string
		rows []calc.Subscription
	}{
		{"one quarterly row split in two", []calc.Subscription{
			with(sub(2, "A", "Bundle", "200", "2025-01-01", "2025-01-31"), quarterly),
			with(sub(3, "A", "Pro", "100", "2025-02-01", ""), quarterly),
			with(sub(4, "A", "Support", "100", "2025-02-01", ""), quarterly),
		}},
		{"three quarterly rows merged into one", []calc.Subscription{
			with(sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31"), quarterly),
			with(sub(3, "A", "Seats", "100", "2025-01-01", "2025-01-31"), quarterly),
			with(sub(4, "A", "Support", "100", "2025-01-01", "2025-01-31"), quarterly),
			with(sub(5, "A", "Bundle", "300", "2025-02-01", ""), quarterly),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := compute(t, "2025-02-28", tt.rows...)
			var feb []move
			for _, m := range moves(res) {
				if m.Month == "2025-02" {
					feb = append(feb, m)
				}
			}
			if diff := cmp.Diff([]move(nil), feb); diff != "" {
				t.Errorf("February movements (-want +got):\n%s", diff)
			}
			if w, ok := res.Month(month("2025-02")); ok {
				for _, s := range []struct {
					name string
					sum  calc.Sum
				}{{"Expansion", w.Expansion}, {"Contraction", w.Contraction}, {"NetNew", w.NetNew}} {
					if s.sum.Sign() != 0 {
						t.Errorf("February %s = %s, want 0", s.name, s.sum)
					}
				}
			} else {
				t.Errorf("Result.Month(2025-02) missing")
			}
		})
	}
}

func TestResultMonth(t *testing.T) {
	res := compute(t, "2025-03-31", sub(2, "A", "Pro", "100", "2025-02-10", ""))
	if _, ok := res.Month(month("2025-01")); ok {
		t.Errorf("Month(2025-01) found, want none: the first row starts in February")
	}
	if _, ok := res.Month(month("2025-04")); ok {
		t.Errorf("Month(2025-04) found, want none: the report runs through March")
	}
	w, ok := res.Month(month("2025-03"))
	if !ok {
		t.Fatalf("Month(2025-03) missing")
	}
	if w.Month != month("2025-03") {
		t.Errorf("Month(2025-03).Month = %s", w.Month)
	}
	checkMoney(t, "March ending", w.Ending.Decimal(), "100")

	empty := compute(t, "2024-12-31", sub(2, "A", "Pro", "100", "2025-02-10", ""))
	if len(empty.Months) != 0 || len(empty.Movements()) != 0 {
		t.Errorf("as of before every start: %d months, %d movements, want none", len(empty.Months), len(empty.Movements()))
	}
}

func TestOverlapWarnings(t *testing.T) {
	tests := []struct {
		name     string
		rows     []calc.Subscription
		ending   string // March MRR: overlapping rows add up
		warnRows []int  // rows named by warnings
		mentions []string
	}{
		{
			name: "seats bought later on the same plan",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", ""),
				sub(5, "A", "Pro", "40", "2025-03-01", ""),
			},
			ending:   "140",
			warnRows: []int{5},
			mentions: []string{"row 2"},
		},
		{
			name: "upgrade entered without ending the old row",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-12-31"),
				sub(3, "B", "Pro", "7", "2025-01-01", ""),
				sub(4, "A", "Pro", "150", "2025-02-15", ""),
			},
			ending:   "257",
			warnRows: []int{4},
			mentions: []string{"row 2"},
		},
		{
			name: "same start day",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", ""),
				sub(3, "A", "Pro", "100", "2025-01-01", ""),
			},
			ending:   "200",
			warnRows: []int{3},
			mentions: []string{"row 2"},
		},
		{
			name: "one shared day is an overlap",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-02-01"),
				sub(3, "A", "Pro", "120", "2025-02-01", ""),
			},
			ending:   "120",
			warnRows: []int{3},
			mentions: []string{"row 2"},
		},
		{
			name: "back to back rows do not overlap",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31"),
				sub(3, "A", "Pro", "120", "2025-02-01", ""),
			},
			ending: "120",
		},
		{
			name: "other plans of the same customer do not overlap",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", ""),
				sub(3, "A", "Add-on", "30", "2025-01-01", ""),
			},
			ending: "130",
		},
		{
			name: "the same plan for other customers does not overlap",
			rows: []calc.Subscription{
				sub(2, "A", "Pro", "100", "2025-01-01", ""),
				sub(3, "B", "Pro", "100", "2025-01-01", ""),
			},
			ending: "200",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := compute(t, "2025-03-31", tt.rows...)
			w, ok := res.Month(month("2025-03"))
			if !ok {
				t.Fatalf("no March in the result")
			}
			checkMoney(t, "March ending", w.Ending.Decimal(), tt.ending)
			var rows []int
			for _, iss := range res.Warnings {
				rows = append(rows, iss.Row)
				for _, s := range tt.mentions {
					if !strings.Contains(iss.Message, s) {
						t.Errorf("warning %q does not mention %q", iss.Message, s)
					}
				}
			}
			if diff := cmp.Diff(tt.warnRows, rows); diff != "" {
				t.Errorf("warning rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBadRows(t *testing.T) {
	good := sub(7, "C1", "Pro", "100", "2025-01-01", "")
	tests := []struct {
		name    string
		row     calc.Subscription
		columns []string // acceptable columns; the first is the expected one
	}{
		{"missing customer", with(good, func(s *calc.Subscription) { s.CustomerID = "" }), []string{calc.FieldCustomerID}},
		{"negative amount", with(good, func(s *calc.Subscription) { s.Amount = fixed("-100") }), []string{calc.FieldAmount}},
		{"negative quantity", with(good, func(s *calc.Subscription) { s.Quantity = fixed("-1") }), []string{calc.FieldQuantity}},
		{"end before start", with(good, func(s *calc.Subscription) { s.End = day("2024-12-31") }), []string{calc.FieldEndDate}},
		{"cancelled without end date", with(good, func(s *calc.Subscription) { s.Status = calc.Cancelled }), []string{calc.FieldEndDate, calc.FieldStatus}},
		{"unknown currency", with(good, func(s *calc.Subscription) { s.Currency = "SEK" }), []string{calc.FieldCurrency}},
		{"percent discount over 100%", with(good, func(s *calc.Subscription) {
			s.Discount = calc.Discount{Percent: true, Value: fixed("1.2")}
		}), []string{calc.FieldDiscount}},
		{"fixed discount over the price", with(good, func(s *calc.Subscription) {
			s.Discount = calc.Discount{Value: fixed("150")}
		}), []string{calc.FieldDiscount}},
		{"fixed discount over amount × quantity", with(good, func(s *calc.Subscription) {
			s.Quantity, s.Discount = fixed("2"), calc.Discount{Value: fixed("200.000000001")}
		}), []string{calc.FieldDiscount}},
		{"negative discount", with(good, func(s *calc.Subscription) {
			s.Discount = calc.Discount{Value: fixed("-10")}
		}), []string{calc.FieldDiscount}},
		// 9223372018.408031771 × 2.000000004 ≈ 1.84 × 10¹⁰ is past what
		// the engine can hold: the row must be an error, not vanish.
		{"amount × quantity too large", with(good, func(s *calc.Subscription) {
			s.Amount, s.Quantity = fixed("9223372018.408031771"), fixed("2.000000004")
		}), []string{calc.FieldAmount, calc.FieldQuantity}},
		{"amount × quantity far too large", with(good, func(s *calc.Subscription) {
			s.Amount, s.Quantity = fixed("9000000000"), fixed("1000")
		}), []string{calc.FieldAmount, calc.FieldQuantity}},
		// Bad rows are bad whatever their status.
		{"trial with end before start", with(good, func(s *calc.Subscription) {
			s.Status, s.End = calc.Trial, day("2024-12-31")
		}), []string{calc.FieldEndDate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook(t, testRates)
			row := tt.row
			err := b.Add(&row)
			if err == nil {
				t.Fatalf("Add succeeded (Book.Len() = %d), want an *calc.Issue on %s", b.Len(), tt.columns[0])
			}
			var iss *calc.Issue
			if !errors.As(err, &iss) {
				t.Fatalf("Add error %v (%T) is not an *calc.Issue", err, err)
			}
			ok := false
			for _, c := range tt.columns {
				ok = ok || iss.Column == c
			}
			if !ok {
				t.Errorf("Issue.Column = %q, want %q", iss.Column, tt.columns[0])
			}
			if iss.Row != 7 {
				t.Errorf("Issue.Row = %d, want 7", iss.Row)
			}
			if iss.Message == "" {
				t.Errorf("Issue.Message is empty")
			}
			if prefix := "row 7, " + iss.Column + ": "; !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("Error() = %q, want it to start with %q", err.Error(), prefix)
			}
			if b.Len() != 0 {
				t.Errorf("Book.Len() = %d after a bad row, want 0", b.Len())
			}
		})
	}

	t.Run("bad rows are left out, the rest is computed", func(t *testing.T) {
		b := newBook(t, testRates)
		rows := []calc.Subscription{
			sub(2, "A", "Pro", "100", "2025-01-01", ""),
			with(sub(3, "B", "Pro", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.Amount = fixed("-5") }),
			with(sub(4, "C", "Pro", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.Currency = "SEK" }),
			with(sub(5, "A", "Pro", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.End = day("2024-01-01") }),
			sub(6, "D", "Pro", "25", "2025-01-10", ""),
		}
		var bad []int
		for i := range rows {
			if err := b.Add(&rows[i]); err != nil {
				bad = append(bad, rows[i].Row)
			}
		}
		if diff := cmp.Diff([]int{3, 4, 5}, bad); diff != "" {
			t.Errorf("rows with errors (-want +got):\n%s", diff)
		}
		res := b.Compute(day("2025-01-31"))
		want := []monthRow{mrow("2025-01", "0", "125", "0", "0", "0", "0", "125", 0, 2, 2, 0, 0)}
		if diff := cmp.Diff(want, monthRows(res)); diff != "" {
			t.Errorf("Months (-want +got):\n%s", diff)
		}
	})
}

func TestNewBookRejectsBadRates(t *testing.T) {
	for _, r := range []string{"0", "-1.08"} {
		if _, err := calc.NewBook("USD", map[string]decimal.Decimal{"EUR": decimal.RequireFromString(r)}); err == nil {
			t.Errorf("NewBook with EUR rate %s succeeded, want an error", r)
		}
	}
}

// checkRatio compares a ratio with want; "" means empty (not valid). Ratios
// are compared to 10⁻¹⁰: the conventions fix no number of places.
func checkRatio(t *testing.T, name string, got decimal.NullDecimal, want string) {
	t.Helper()
	if want == "" {
		if got.Valid {
			t.Errorf("%s = %s, want empty (zero denominator)", name, got.Decimal)
		}
		return
	}
	if !got.Valid {
		t.Errorf("%s is empty, want %s", name, want)
		return
	}
	if got.Decimal.Sub(decimal.RequireFromString(want)).Abs().GreaterThan(decimal.New(1, -10)) {
		t.Errorf("%s = %s, want %s", name, got.Decimal, want)
	}
}

func TestMetrics(t *testing.T) {
	// January: A 100, B 200, C 300, E 50 start. February: E churns.
	// March: A +50, B churns, C −60, D new 400, E returns at 80.
	rows := []calc.Subscription{
		sub(2, "A", "Pro", "100", "2025-01-01", "2025-02-28"),
		sub(3, "A", "Pro+", "150", "2025-03-01", ""),
		sub(4, "B", "Pro", "200", "2025-01-01", "2025-02-28"),
		sub(5, "C", "Pro", "300", "2025-01-01", "2025-02-28"),
		sub(6, "C", "Lite", "240", "2025-03-01", ""),
		sub(7, "D", "Pro", "400", "2025-03-01", ""),
		sub(8, "E", "Pro", "50", "2025-01-01", "2025-01-31"),
		sub(9, "E", "Pro", "80", "2025-03-01", ""),
	}
	res := compute(t, "2025-03-31", rows...)
	want := []monthRow{
		mrow("2025-01", "0", "650", "0", "0", "0", "0", "650", 0, 4, 4, 0, 0),
		mrow("2025-02", "650", "0", "0", "0", "0", "50", "600", 4, 3, 0, 1, 0),
		mrow("2025-03", "600", "400", "50", "80", "60", "200", "870", 3, 4, 1, 1, 1),
	}
	if diff := cmp.Diff(want, monthRows(res)); diff != "" {
		t.Fatalf("Months (-want +got):\n%s", diff)
	}
	type ratios struct{ arpa, growth, logo, gross, net, nrr, quick string }
	tests := []struct {
		month string
		arr   string
		want  ratios
	}{
		// No starting MRR, customers or losses: those ratios are empty.
		{"2025-01", "7800", ratios{arpa: "162.5"}},
		{"2025-02", "7200", ratios{
			arpa:   "200",
			growth: "-0.0769230769230769", // −50 ÷ 650
			logo:   "0.25",                // 1 ÷ 4
			gross:  "0.0769230769230769",  // 50 ÷ 650
			net:    "0.0769230769230769",
			nrr:    "0.9230769230769231", // 600 ÷ 650
			quick:  "0",                  // 0 ÷ 50: a real zero, not empty
		}},
		{"2025-03", "10440", ratios{
			arpa:   "217.5",              // 870 ÷ 4
			growth: "0.45",               // 270 ÷ 600
			logo:   "0.3333333333333333", // 1 ÷ 3
			gross:  "0.4333333333333333", // (60 + 200) ÷ 600
			net:    "0.2166666666666667", // (60 + 200 − 50 − 80) ÷ 600
			nrr:    "0.65",               // (600 + 50 − 60 − 200) ÷ 600
			quick:  "2.0384615384615385", // (400 + 50 + 80) ÷ (60 + 200)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			w, ok := res.Month(month(tt.month))
			if !ok {
				t.Fatalf("no %s in the result", tt.month)
			}
			m := w.Metrics()
			checkMoney(t, "ARR", m.ARR, tt.arr)
			checkRatio(t, "ARPA", m.ARPA, tt.want.arpa)
			checkRatio(t, "Growth", m.Growth, tt.want.growth)
			checkRatio(t, "LogoChurn", m.LogoChurn, tt.want.logo)
			checkRatio(t, "GrossMRRChurn", m.GrossMRRChurn, tt.want.gross)
			checkRatio(t, "NetMRRChurn", m.NetMRRChurn, tt.want.net)
			checkRatio(t, "NRR", m.NRR, tt.want.nrr)
			checkRatio(t, "QuickRatio", m.QuickRatio, tt.want.quick)
		})
	}

	t.Run("everyone gone", func(t *testing.T) {
		res := compute(t, "2025-02-28", sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31"))
		w, ok := res.Month(month("2025-02"))
		if !ok {
			t.Fatalf("no February in the result")
		}
		m := w.Metrics()
		checkMoney(t, "ARR", m.ARR, "0")
		checkRatio(t, "ARPA", m.ARPA, "") // no customers
		checkRatio(t, "Growth", m.Growth, "-1")
		checkRatio(t, "LogoChurn", m.LogoChurn, "1")
		checkRatio(t, "GrossMRRChurn", m.GrossMRRChurn, "1")
		checkRatio(t, "NetMRRChurn", m.NetMRRChurn, "1")
		checkRatio(t, "NRR", m.NRR, "0")
		checkRatio(t, "QuickRatio", m.QuickRatio, "0")
	})

	t.Run("zero waterfall", func(t *testing.T) {
		var w calc.Waterfall
		m := w.Metrics()
		checkMoney(t, "ARR", m.ARR, "0")
		for name, r := range map[string]decimal.NullDecimal{
			"ARPA": m.ARPA, "Growth": m.Growth, "LogoChurn": m.LogoChurn, "GrossMRRChurn": m.GrossMRRChurn,
			"NetMRRChurn": m.NetMRRChurn, "NRR": m.NRR, "QuickRatio": m.QuickRatio,
		} {
			checkRatio(t, name, r, "")
		}
	})

	t.Run("ARR of a repeating MRR", func(t *testing.T) {
		res := compute(t, "2025-01-31", with(sub(2, "A", "Pro", "1000", "2025-01-01", ""), func(s *calc.Subscription) {
			s.Interval = calc.Interval{Per: 1, Months: 18}
		}))
		m := res.Months[0].Metrics()
		// 1000 ÷ 18 = 55.555…, shown as 55.56: the ARR is that MRR × 12,
		// so that it matches the MRR people read.
		checkMoney(t, "ARR", m.ARR, "666.72")
	})
}

// TestComputeIsRepeatable: Compute is pure, so one Book gives the same
// result however often and at whatever as-of dates it is asked.
func TestComputeIsRepeatable(t *testing.T) {
	b := newBook(t, testRates)
	rows := []calc.Subscription{
		sub(9, "B", "Pro", "10", "2025-02-01", ""),
		sub(3, "A", "Pro", "100", "2025-01-01", "2025-03-31"),
		sub(2, "A", "Pro", "50", "2025-02-15", ""),
		with(sub(4, "C", "Team", "900", "2025-01-20", "2025-02-10"), func(s *calc.Subscription) { s.Currency = "EUR" }),
	}
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatalf("Add(row %d): %v", rows[i].Row, err)
		}
	}
	first := b.Compute(day("2025-04-30"))
	_ = b.Compute(day("2025-02-10"))
	again := b.Compute(day("2025-04-30"))
	if diff := cmp.Diff(monthRows(first), monthRows(again)); diff != "" {
		t.Errorf("Months differ between two calls (-first +again):\n%s", diff)
	}
	if diff := cmp.Diff(moves(first), moves(again)); diff != "" {
		t.Errorf("Movements differ between two calls (-first +again):\n%s", diff)
	}
	if diff := cmp.Diff(first.Warnings, again.Warnings); diff != "" {
		t.Errorf("Warnings differ between two calls (-first +again):\n%s", diff)
	}
	if len(first.Warnings) != 1 || first.Warnings[0].Row != 2 {
		t.Errorf("Warnings = %+v, want one naming row 2 (it starts after row 3)", first.Warnings)
	}
}
