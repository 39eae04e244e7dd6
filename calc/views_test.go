package calc_test

// Hand-checked tests of the views on a result: monthly FX impact, cohorts,
// segments and the outlook of committed and at-risk MRR. Each fixture is a
// handful of rows; the expected numbers are worked out in the comments from
// the MRR conventions (docs/metrics.md) and the rules stated in the doc comments of
// calc/fx.go, calc/cohort.go, calc/segment.go and calc/outlook.go, never
// read off the engine.

import (
	"cmp"
	"runtime"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

// viewRow is a waterfall, FX impact included, in a form cmp.Diff prints
// well. Amounts are normalised decimal strings ("110", "-30", "0.5").
type viewRow struct {
	Month                                                string
	Starting, New, Expansion, Reactivation, Contraction  string
	Churn, NetNew, FXImpact, Ending                      string
	StartingCustomers, Customers                         int
	NewCustomers, ChurnedCustomers, ReactivatedCustomers int
}

func viewRows(ws []calc.Waterfall) []viewRow {
	var out []viewRow
	for _, w := range ws {
		out = append(out, viewRow{
			Month:                w.Month.String(),
			Starting:             w.Starting.String(),
			New:                  w.New.String(),
			Expansion:            w.Expansion.String(),
			Reactivation:         w.Reactivation.String(),
			Contraction:          w.Contraction.String(),
			Churn:                w.Churn.String(),
			NetNew:               w.NetNew.String(),
			FXImpact:             w.FXImpact.String(),
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

// norm writes a decimal the way Sum.String and Fixed.String do.
func norm(s string) string { return decimal.RequireFromString(s).String() }

// vrow builds an expected month. Net New is New + Expansion + Reactivation
// − Contraction − Churn; vrow panics when the hand arithmetic of a table
// does not give Ending = Starting + Net New + FX impact, so that a typo in a
// table is not mistaken for an engine bug.
func vrow(m, starting, newMRR, expansion, reactivation, contraction, churn, fx, ending string,
	startCust, cust, newCust, churnCust, reactCust int) viewRow {
	d := decimal.RequireFromString
	net := d(newMRR).Add(d(expansion)).Add(d(reactivation)).Sub(d(contraction)).Sub(d(churn))
	if !d(starting).Add(net).Add(d(fx)).Equal(d(ending)) {
		panic("vrow " + m + ": Starting + Net New + FX impact != Ending in the table")
	}
	return viewRow{
		Month: m, Starting: norm(starting), New: norm(newMRR), Expansion: norm(expansion),
		Reactivation: norm(reactivation), Contraction: norm(contraction), Churn: norm(churn),
		NetNew: net.String(), FXImpact: norm(fx), Ending: norm(ending),
		StartingCustomers: startCust, Customers: cust,
		NewCustomers: newCust, ChurnedCustomers: churnCust, ReactivatedCustomers: reactCust,
	}
}

// quiet is a month in which nothing moves.
func quiet(m, mrr string, customers int) viewRow {
	return vrow(m, mrr, "0", "0", "0", "0", "0", "0", mrr, customers, customers, 0, 0, 0)
}

// in returns s billed in currency cur.
func in(cur string, s calc.Subscription) calc.Subscription {
	s.Currency = cur
	return s
}

// segs returns s with the values of the book's segment columns.
func segs(s calc.Subscription, values ...string) calc.Subscription {
	s.Segments = values
	return s
}

func mrate(cur, m, r string) calc.MonthlyRate {
	return calc.MonthlyRate{Currency: cur, Month: month(m), Rate: decimal.RequireFromString(r)}
}

// viewBook returns a USD book with the single rates given, then the
// monthly rates, then the segment columns, and adds rows.
func viewBook(t *testing.T, single map[string]string, monthly []calc.MonthlyRate, columns []string, rows ...calc.Subscription) *calc.Book {
	t.Helper()
	b := newBook(t, single)
	if monthly != nil {
		if err := b.SetMonthlyRates(monthly); err != nil {
			t.Fatalf("SetMonthlyRates: %v", err)
		}
	}
	if columns != nil {
		if err := b.SetSegments(columns); err != nil {
			t.Fatalf("SetSegments: %v", err)
		}
	}
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatalf("Add(row %d): %v", rows[i].Row, err)
		}
	}
	return b
}

// byMonthCustomerKind orders movements; within one customer and month an
// FX impact and a movement may both appear, in an order not fixed by the
// rules.
var byMonthCustomerKind = cmpopts.SortSlices(func(a, b move) int {
	return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.Kind, b.Kind))
})

// EUR monthly rates used by most FX cases: 1.10 in January, 1.20 from
// February.
var eurJanFeb = []calc.MonthlyRate{mrate("EUR", "2025-01", "1.10"), mrate("EUR", "2025-02", "1.20")}

func TestFXImpact(t *testing.T) {
	tests := []struct {
		name    string
		single  map[string]string
		monthly []calc.MonthlyRate
		asOf    string
		rows    []calc.Subscription
		months  []viewRow
		moves   []move // nil: not checked
	}{
		{
			// A pays 100 EUR throughout. Jan: 100 × 1.10 = 110, New.
			// Feb: last month's 100 EUR revalued at 1.20 = 120; reported
			// 110, so FX impact = 120 − 110 = 10 = 100 × 0.10; this month's
			// MRR is 120 = the revalued amount: no expansion.
			// Mar: no March rate, so 1.20 holds: nothing moves.
			name:    "the rate rises, nothing else changes",
			monthly: eurJanFeb,
			asOf:    "2025-03-31",
			rows:    []calc.Subscription{in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", ""))},
			months: []viewRow{
				vrow("2025-01", "0", "110", "0", "0", "0", "0", "0", "110", 0, 1, 1, 0, 0),
				vrow("2025-02", "110", "0", "0", "0", "0", "0", "10", "120", 1, 1, 0, 0, 0),
				quiet("2025-03", "120", 1),
			},
			moves: []move{
				{"2025-01", "A", "New", "110", "0", "110"},
				{"2025-02", "A", "FX impact", "10", "110", "120"},
			},
		},
		{
			// A: 100 EUR in Jan, 150 EUR in Feb, 80 EUR from Mar; rates
			// 1.10, 1.20, 1.00.
			// Jan: New 110.
			// Feb: 100 EUR revalued at 1.20 = 120 → FX +10; 150 × 1.20 =
			// 180, so Expansion = 180 − 120 = 60 (not 180 − 110 = 70).
			// Mar: 150 EUR revalued at 1.00 = 150 → FX 150 − 180 = −30;
			// 80 × 1.00 = 80, Contraction = 150 − 80 = 70.
			// Check: 110 + 60 + 10 = 180; 180 − 70 − 30 = 80.
			name:    "upgrade and downgrade in months the rate moves",
			monthly: append(eurJanFeb[:2:2], mrate("EUR", "2025-03", "1.00")),
			asOf:    "2025-03-31",
			rows: []calc.Subscription{
				in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31")),
				in("EUR", sub(3, "A", "Pro+", "150", "2025-02-01", "2025-02-28")),
				in("EUR", sub(4, "A", "Lite", "80", "2025-03-01", "")),
			},
			months: []viewRow{
				vrow("2025-01", "0", "110", "0", "0", "0", "0", "0", "110", 0, 1, 1, 0, 0),
				vrow("2025-02", "110", "0", "60", "0", "0", "0", "10", "180", 1, 1, 0, 0, 0),
				vrow("2025-03", "180", "0", "0", "0", "70", "0", "-30", "80", 1, 1, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "110", "0", "110"},
				{"2025-02", "A", "Expansion", "60", "120", "180"},
				{"2025-02", "A", "FX impact", "10", "110", "120"},
				{"2025-03", "A", "Contraction", "70", "150", "80"},
				{"2025-03", "A", "FX impact", "30", "180", "150"},
			},
		},
		{
			// A: 100 EUR in Jan only; B: 50 EUR throughout.
			// Jan: New 110 + 55 = 165.
			// Feb: A churns: Churn = last month's reported 110, no FX.
			// B: 50 × (1.20 − 1.10) = 5 FX. Ending 165 − 110 + 5 = 60 =
			// 50 × 1.20.
			name:    "churn in a month the rate moves",
			monthly: eurJanFeb,
			asOf:    "2025-02-28",
			rows: []calc.Subscription{
				in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31")),
				in("EUR", sub(3, "B", "Pro", "50", "2025-01-01", "")),
			},
			months: []viewRow{
				vrow("2025-01", "0", "165", "0", "0", "0", "0", "0", "165", 0, 2, 2, 0, 0),
				vrow("2025-02", "165", "0", "0", "0", "0", "110", "5", "60", 2, 1, 0, 1, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "110", "0", "110"},
				{"2025-01", "B", "New", "55", "0", "55"},
				{"2025-02", "A", "Churn", "110", "110", "0"},
				{"2025-02", "B", "FX impact", "5", "55", "60"},
			},
		},
		{
			// A: 100 EUR throughout; C starts in Feb at 50 EUR.
			// Feb: A FX +10; C New at Feb's rate, 50 × 1.20 = 60, and no
			// FX impact in its first month. Ending 110 + 60 + 10 = 180.
			name:    "new customer in a month the rate moves",
			monthly: eurJanFeb,
			asOf:    "2025-02-28",
			rows: []calc.Subscription{
				in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "")),
				in("EUR", sub(3, "C", "Pro", "50", "2025-02-01", "")),
			},
			months: []viewRow{
				vrow("2025-01", "0", "110", "0", "0", "0", "0", "0", "110", 0, 1, 1, 0, 0),
				vrow("2025-02", "110", "60", "0", "0", "0", "0", "10", "180", 1, 2, 1, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "110", "0", "110"},
				{"2025-02", "A", "FX impact", "10", "110", "120"},
				{"2025-02", "C", "New", "60", "0", "60"},
			},
		},
		{
			// D pays 100 USD and 100 EUR from Jan, adds 50 USD in Feb; the
			// EUR row ends on Feb 28. Rates 1.10, 1.20, 1.00.
			// Jan: New 100 + 110 = 210.
			// Feb: revalued 100 + 100 × 1.20 = 220 → FX +10; MRR 150 +
			// 120 = 270 → Expansion 50.
			// Mar: revalued 150 + 100 × 1.00 = 250 → FX 250 − 270 = −20;
			// MRR 150 → Contraction 100. Only the EUR part has FX impact.
			name:    "a customer paying in USD and EUR",
			monthly: append(eurJanFeb[:2:2], mrate("EUR", "2025-03", "1.00")),
			asOf:    "2025-03-31",
			rows: []calc.Subscription{
				in("USD", sub(2, "D", "Pro", "100", "2025-01-01", "")),
				in("EUR", sub(3, "D", "EU seats", "100", "2025-01-01", "2025-02-28")),
				sub(4, "D", "Add-on", "50", "2025-02-01", ""),
			},
			months: []viewRow{
				vrow("2025-01", "0", "210", "0", "0", "0", "0", "0", "210", 0, 1, 1, 0, 0),
				vrow("2025-02", "210", "0", "50", "0", "0", "0", "10", "270", 1, 1, 0, 0, 0),
				vrow("2025-03", "270", "0", "0", "0", "100", "0", "-20", "150", 1, 1, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "D", "New", "210", "0", "210"},
				{"2025-02", "D", "Expansion", "50", "220", "270"},
				{"2025-02", "D", "FX impact", "10", "210", "220"},
				{"2025-03", "D", "Contraction", "100", "250", "150"},
				{"2025-03", "D", "FX impact", "20", "270", "250"},
			},
		},
		{
			// EUR: NewBook rate 1.08, monthly 1.10 from Mar, 1.05 from
			// Apr. GBP: no NewBook rate, monthly 1.25 from Mar, 1.30
			// from Apr, so Jan and Feb use the first monthly rate, 1.25.
			// E pays 100 EUR, G 200 GBP, both from Jan.
			// Jan: New 108 + 250 = 358. Feb: same rates, nothing.
			// Mar: EUR 100 × (1.10 − 1.08) = +2; GBP 1.25 → 1.25: 0.
			// Apr: EUR 100 × (1.05 − 1.10) = −5; GBP 200 × 0.05 = +10.
			// Endings 358, 358, 360, 365 = 105 + 260.
			name:   "NewBook rate before the first monthly rate",
			single: map[string]string{"EUR": "1.08"},
			monthly: []calc.MonthlyRate{
				mrate("EUR", "2025-03", "1.10"), mrate("eur", "2025-04", "1.05"),
				mrate("GBP", "2025-04", "1.30"), mrate("GBP", "2025-03", "1.25"),
			},
			asOf: "2025-04-30",
			rows: []calc.Subscription{
				in("EUR", sub(2, "E", "Pro", "100", "2025-01-01", "")),
				in("GBP", sub(3, "G", "Pro", "200", "2025-01-01", "")),
			},
			months: []viewRow{
				vrow("2025-01", "0", "358", "0", "0", "0", "0", "0", "358", 0, 2, 2, 0, 0),
				quiet("2025-02", "358", 2),
				vrow("2025-03", "358", "0", "0", "0", "0", "0", "2", "360", 2, 2, 0, 0, 0),
				vrow("2025-04", "360", "0", "0", "0", "0", "0", "5", "365", 2, 2, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "E", "New", "108", "0", "108"},
				{"2025-01", "G", "New", "250", "0", "250"},
				{"2025-03", "E", "FX impact", "2", "108", "110"},
				{"2025-04", "E", "FX impact", "5", "110", "105"},
				{"2025-04", "G", "FX impact", "10", "250", "260"},
			},
		},
		{
			// No monthly rates: EUR converts at NewBook's 1.08 in every
			// month and the waterfall is the usual one. A: 100 EUR in Jan,
			// 150 EUR from Feb: Jan New 108; Feb Expansion 162 − 108 = 54,
			// FX impact 0.
			name:   "no monthly rates",
			single: map[string]string{"EUR": "1.08"},
			asOf:   "2025-02-28",
			rows: []calc.Subscription{
				in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "2025-01-31")),
				in("EUR", sub(3, "A", "Pro+", "150", "2025-02-01", "")),
			},
			months: []viewRow{
				vrow("2025-01", "0", "108", "0", "0", "0", "0", "0", "108", 0, 1, 1, 0, 0),
				vrow("2025-02", "108", "0", "54", "0", "0", "0", "0", "162", 1, 1, 0, 0, 0),
			},
			moves: []move{
				{"2025-01", "A", "New", "108", "0", "108"},
				{"2025-02", "A", "Expansion", "54", "108", "162"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := viewBook(t, tc.single, tc.monthly, nil, tc.rows...).Compute(day(tc.asOf))
			if got, want := res.MonthlyFX, tc.monthly != nil; got != want {
				t.Errorf("MonthlyFX = %v, want %v", got, want)
			}
			if diff := gocmp.Diff(tc.months, viewRows(res.Months)); diff != "" {
				t.Errorf("months (-want +got):\n%s", diff)
			}
			if tc.moves != nil {
				if diff := gocmp.Diff(tc.moves, moves(res), byMonthCustomerKind); diff != "" {
					t.Errorf("movements (-want +got):\n%s", diff)
				}
			}
			// FX impact movements are signed and add up to the month's.
			fx := make(map[calc.Month]decimal.Decimal)
			for _, mv := range res.Movements() {
				if mv.Kind == calc.FXImpact {
					fx[mv.Month] = fx[mv.Month].Add(mv.After.Decimal().Sub(mv.Before.Decimal()))
				}
			}
			for _, w := range res.Months {
				if !fx[w.Month].Equal(w.FXImpact.Decimal()) {
					t.Errorf("%s: FX impact movements add up to %s, waterfall says %s", w.Month, fx[w.Month], w.FXImpact)
				}
			}
		})
	}
}

func TestFXFlagWithoutPayingRows(t *testing.T) {
	// Result.MonthlyFX is true when the book has monthly rates, whether or
	// not some row pays by the as-of date.
	tests := []struct {
		name string
		rows []calc.Subscription
	}{
		{"no rows", nil},
		{"only a trial row", []calc.Subscription{with(in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "")),
			func(s *calc.Subscription) { s.Status = calc.Trial })}},
		{"only a row after the as-of date", []calc.Subscription{in("EUR", sub(2, "A", "Pro", "100", "2025-03-01", ""))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := viewBook(t, nil, eurJanFeb, nil, tc.rows...).Compute(day("2025-02-28"))
			if !res.MonthlyFX {
				t.Errorf("MonthlyFX = false for a book with monthly rates (%d months)", len(res.Months))
			}
		})
	}
}

func TestFXSetMonthlyRatesErrors(t *testing.T) {
	tests := []struct {
		name  string
		rates []calc.MonthlyRate
	}{
		{"zero rate", []calc.MonthlyRate{mrate("EUR", "2025-01", "0")}},
		{"negative rate", []calc.MonthlyRate{mrate("EUR", "2025-01", "-1.1")}},
		{"reporting currency not 1", []calc.MonthlyRate{mrate("USD", "2025-01", "1.01")}},
		{"two rates for one month", []calc.MonthlyRate{mrate("EUR", "2025-01", "1.1"), mrate("eur", "2025-01", "1.2")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBook(t, nil)
			if err := b.SetMonthlyRates(tc.rates); err == nil {
				t.Errorf("SetMonthlyRates(%v) succeeded, want an error", tc.rates)
			}
		})
	}
	t.Run("after Add", func(t *testing.T) {
		b := newBook(t, map[string]string{"EUR": "1.08"})
		s := sub(2, "A", "Pro", "100", "2025-01-01", "")
		if err := b.Add(&s); err != nil {
			t.Fatal(err)
		}
		if err := b.SetMonthlyRates(eurJanFeb); err == nil {
			t.Errorf("SetMonthlyRates after Add succeeded, want an error")
		}
	})
	t.Run("reporting currency at 1 is accepted", func(t *testing.T) {
		b := newBook(t, nil)
		if err := b.SetMonthlyRates([]calc.MonthlyRate{mrate("USD", "2025-01", "1"), mrate("EUR", "2025-01", "1.1")}); err != nil {
			t.Errorf("SetMonthlyRates: %v", err)
		}
	})
}

// cohortRow is a cohort in a form cmp.Diff prints well.
type cohortRow struct {
	Month  string
	MRR    []string
	Paying []int
}

func cohortRows(cs []calc.Cohort) []cohortRow {
	var out []cohortRow
	for _, c := range cs {
		r := cohortRow{Month: c.Month.String(), Paying: c.Paying}
		for _, s := range c.MRR {
			r.MRR = append(r.MRR, s.String())
		}
		out = append(out, r)
	}
	return out
}

// checkOne checks that a ratio is exactly 1.
func checkOne(t *testing.T, name string, got decimal.NullDecimal) {
	t.Helper()
	if !got.Valid || !got.Decimal.Equal(decimal.NewFromInt(1)) {
		t.Errorf("%s = %v (valid %v), want exactly 1", name, got.Decimal, got.Valid)
	}
}

func TestCohorts(t *testing.T) {
	// Cohort 2025-01: A 100 throughout; B 200 in Jan–Feb, back at 150 from
	// May (reactivation, stays in its first cohort); C 50 from Jan 15,
	// 80 from Mar (expansion).
	// Cohort 2025-03: D 300 from Mar 10 to Apr 30 (churns in May); E 60
	// from Mar.
	rows := []calc.Subscription{
		sub(2, "A", "Pro", "100", "2025-01-01", ""),
		sub(3, "B", "Pro", "200", "2025-01-01", "2025-02-28"),
		sub(4, "B", "Pro", "150", "2025-05-01", ""),
		sub(5, "C", "Lite", "50", "2025-01-15", "2025-02-28"),
		sub(6, "C", "Pro", "80", "2025-03-01", ""),
		sub(7, "D", "Pro", "300", "2025-03-10", "2025-04-30"),
		sub(8, "E", "Lite", "60", "2025-03-01", ""),
	}
	res := viewBook(t, nil, nil, nil, rows...).Compute(day("2025-05-31"))
	// Jan cohort: Jan 100+200+50 = 350 (3 paying), Feb 350 (3), Mar
	// 100+80 = 180 (2: B churned), Apr 180 (2), May 100+150+80 = 330 (3).
	// Mar cohort: Mar 300+60 = 360 (2), Apr 360 (2), May 60 (1).
	// No customer first pays in Feb, Apr or May: no cohort for them.
	want := []cohortRow{
		{Month: "2025-01", MRR: []string{"350", "350", "180", "180", "330"}, Paying: []int{3, 3, 2, 2, 3}},
		{Month: "2025-03", MRR: []string{"360", "360", "60"}, Paying: []int{2, 2, 1}},
	}
	cohorts := res.Cohorts()
	if diff := gocmp.Diff(want, cohortRows(cohorts)); diff != "" {
		t.Fatalf("cohorts (-want +got):\n%s", diff)
	}
	// The cohorts add up to the waterfall: Endings 350, 350, 540, 540, 390.
	wantEnding := []string{"350", "350", "540", "540", "390"}
	for i, w := range res.Months {
		if w.Ending.String() != wantEnding[i] {
			t.Errorf("%s: Ending %s, want %s", w.Month, w.Ending, wantEnding[i])
		}
	}

	jan, mar := cohorts[0], cohorts[1]
	if jan.Customers() != 3 || mar.Customers() != 2 {
		t.Errorf("Customers() = %d, %d, want 3, 2", jan.Customers(), mar.Customers())
	}
	checkOne(t, "Jan Retention(0)", jan.Retention(0))
	checkOne(t, "Jan Retention(1)", jan.Retention(1))
	checkRatio(t, "Jan Retention(2)", jan.Retention(2), "0.5142857142857") // 180/350
	checkRatio(t, "Jan Retention(3)", jan.Retention(3), "0.5142857142857")
	checkRatio(t, "Jan Retention(4)", jan.Retention(4), "0.9428571428571") // 330/350
	checkRatio(t, "Jan Retention(5)", jan.Retention(5), "")                // out of range
	checkRatio(t, "Jan Retention(-1)", jan.Retention(-1), "")
	checkOne(t, "Jan LogoRetention(0)", jan.LogoRetention(0))
	checkOne(t, "Jan LogoRetention(1)", jan.LogoRetention(1))
	checkRatio(t, "Jan LogoRetention(2)", jan.LogoRetention(2), "0.6666666666667") // 2/3
	checkRatio(t, "Jan LogoRetention(3)", jan.LogoRetention(3), "0.6666666666667")
	checkOne(t, "Jan LogoRetention(4)", jan.LogoRetention(4)) // 3/3 after B's return
	checkRatio(t, "Jan LogoRetention(5)", jan.LogoRetention(5), "")

	checkOne(t, "Mar Retention(0)", mar.Retention(0))
	checkOne(t, "Mar Retention(1)", mar.Retention(1))
	checkRatio(t, "Mar Retention(2)", mar.Retention(2), "0.1666666666667") // 60/360
	checkRatio(t, "Mar Retention(3)", mar.Retention(3), "")
	checkOne(t, "Mar LogoRetention(0)", mar.LogoRetention(0))
	checkRatio(t, "Mar LogoRetention(2)", mar.LogoRetention(2), "0.5") // 1/2
}

func TestCohortsFX(t *testing.T) {
	// A pays 100 EUR from Jan, B 50 EUR from Feb; EUR 1.10, 1.20, 1.00.
	// Jan cohort (A): 110, 120, 100: FX counts towards a cohort's MRR.
	// Feb cohort (B): 60, 50.
	// Endings: 110; 120 + 60 = 180; 100 + 50 = 150.
	rows := []calc.Subscription{
		in("EUR", sub(2, "A", "Pro", "100", "2025-01-01", "")),
		in("EUR", sub(3, "B", "Pro", "50", "2025-02-01", "")),
	}
	monthly := append(eurJanFeb[:2:2], mrate("EUR", "2025-03", "1.00"))
	res := viewBook(t, nil, monthly, nil, rows...).Compute(day("2025-03-31"))
	want := []cohortRow{
		{Month: "2025-01", MRR: []string{"110", "120", "100"}, Paying: []int{1, 1, 1}},
		{Month: "2025-02", MRR: []string{"60", "50"}, Paying: []int{1, 1}},
	}
	cohorts := res.Cohorts()
	if diff := gocmp.Diff(want, cohortRows(cohorts)); diff != "" {
		t.Fatalf("cohorts (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff([]string{"110", "180", "150"}, endings(res)); diff != "" {
		t.Errorf("endings (-want +got):\n%s", diff)
	}
	checkOne(t, "Jan Retention(0)", cohorts[0].Retention(0))
	checkRatio(t, "Jan Retention(1)", cohorts[0].Retention(1), "1.0909090909091") // 120/110
	checkRatio(t, "Jan Retention(2)", cohorts[0].Retention(2), "0.9090909090909") // 100/110
	checkRatio(t, "Feb Retention(1)", cohorts[1].Retention(1), "0.8333333333333") // 50/60
	checkOne(t, "Feb LogoRetention(1)", cohorts[1].LogoRetention(1))
}

func endings(res *calc.Result) []string {
	var out []string
	for _, w := range res.Months {
		out = append(out, w.Ending.String())
	}
	return out
}

// segmentRow is a segment in a form cmp.Diff prints well.
type segmentRow struct {
	Column, Value string
	Other         bool
	Months        []viewRow
}

func segmentRows(ss []calc.Segment) []segmentRow {
	var out []segmentRow
	for _, s := range ss {
		out = append(out, segmentRow{Column: s.Column, Value: s.Value, Other: s.Other, Months: viewRows(s.Months)})
	}
	return out
}

func TestSegments(t *testing.T) {
	// Plan and Region (SetSegments); as of 2025-04-30.
	//   A: Basic 100 Jan–Feb, Pro 250 from Mar (upgrade), both EU.
	//   B: from Feb, Basic 40 (US) and Pro 60 (Region blank): brand new on
	//      two plans.
	//   C: Basic 30 and Pro 70, Jan–Mar, both US: churns from two plans
	//      in Apr.
	//   D: Pro 100 EU Jan–Feb, then Pro 100 US from Mar: moves region.
	rows := []calc.Subscription{
		segs(sub(2, "A", "Basic", "100", "2025-01-01", "2025-02-28"), "EU"),
		segs(sub(3, "A", "Pro", "250", "2025-03-01", ""), "EU"),
		segs(sub(4, "B", "Basic", "40", "2025-02-01", ""), "US"),
		segs(sub(5, "B", "Pro", "60", "2025-02-01", ""), ""),
		segs(sub(6, "C", "Basic", "30", "2025-01-01", "2025-03-31"), "US"),
		segs(sub(7, "C", "Pro", "70", "2025-01-01", "2025-03-31"), "US"),
		segs(sub(8, "D", "Pro", "100", "2025-01-01", "2025-02-28"), "EU"),
		segs(sub(9, "D", "Pro", "100", "2025-03-01", ""), "US"),
	}
	res := viewBook(t, nil, nil, []string{"Region"}, rows...).Compute(day("2025-04-30"))

	// The result: Jan New A 100 + C 100 + D 100 = 300; Feb New B 100;
	// Mar A 100 → 250 Expansion 150 (D: 100 → 100, no move); Apr C churns
	// 100.
	wantTotal := []viewRow{
		vrow("2025-01", "0", "300", "0", "0", "0", "0", "0", "300", 0, 3, 3, 0, 0),
		vrow("2025-02", "300", "100", "0", "0", "0", "0", "0", "400", 3, 4, 1, 0, 0),
		vrow("2025-03", "400", "0", "150", "0", "0", "0", "0", "550", 4, 4, 0, 0, 0),
		vrow("2025-04", "550", "0", "0", "0", "0", "100", "0", "450", 4, 3, 0, 1, 0),
	}
	if diff := gocmp.Diff(wantTotal, viewRows(res.Months)); diff != "" {
		t.Errorf("result months (-want +got):\n%s", diff)
	}

	want := []segmentRow{
		{
			// Basic: Jan A 100 + C 30 New; Feb B 40 New (B is new, though
			// it also starts Pro); Mar A leaves Basic while still paying
			// (Pro): Contraction 100, not Churn; Apr C churns: Churn 30.
			Column: calc.PlanColumn, Value: "Basic",
			Months: []viewRow{
				vrow("2025-01", "0", "130", "0", "0", "0", "0", "0", "130", 0, 2, 2, 0, 0),
				vrow("2025-02", "130", "40", "0", "0", "0", "0", "0", "170", 2, 3, 1, 0, 0),
				vrow("2025-03", "170", "0", "0", "0", "100", "0", "0", "70", 3, 2, 0, 0, 0),
				vrow("2025-04", "70", "0", "0", "0", "0", "30", "0", "40", 2, 1, 0, 1, 0),
			},
		},
		{
			// Pro: Jan C 70 + D 100 New; Feb B 60 New; Mar A starts Pro
			// while paying (Basic): Expansion 250, not New; Apr C churns:
			// Churn 70.
			Column: calc.PlanColumn, Value: "Pro",
			Months: []viewRow{
				vrow("2025-01", "0", "170", "0", "0", "0", "0", "0", "170", 0, 2, 2, 0, 0),
				vrow("2025-02", "170", "60", "0", "0", "0", "0", "0", "230", 2, 3, 1, 0, 0),
				vrow("2025-03", "230", "0", "250", "0", "0", "0", "0", "480", 3, 4, 0, 0, 0),
				vrow("2025-04", "480", "0", "0", "0", "0", "70", "0", "410", 4, 3, 0, 1, 0),
			},
		},
		{
			// EU: Jan A 100 + D 100 New; Mar A expands 150 and D leaves EU
			// while paying (US): Contraction 100.
			Column: "Region", Value: "EU",
			Months: []viewRow{
				vrow("2025-01", "0", "200", "0", "0", "0", "0", "0", "200", 0, 2, 2, 0, 0),
				quiet("2025-02", "200", 2),
				vrow("2025-03", "200", "0", "150", "0", "100", "0", "0", "250", 2, 1, 0, 0, 0),
				quiet("2025-04", "250", 1),
			},
		},
		{
			// US: Jan C 100 New; Feb B 40 New; Mar D arrives while paying:
			// Expansion 100; Apr C churns 100.
			Column: "Region", Value: "US",
			Months: []viewRow{
				vrow("2025-01", "0", "100", "0", "0", "0", "0", "0", "100", 0, 1, 1, 0, 0),
				vrow("2025-02", "100", "40", "0", "0", "0", "0", "0", "140", 1, 2, 1, 0, 0),
				vrow("2025-03", "140", "0", "100", "0", "0", "0", "0", "240", 2, 3, 0, 0, 0),
				vrow("2025-04", "240", "0", "0", "0", "0", "100", "0", "140", 3, 2, 0, 1, 0),
			},
		},
		{
			// Blank region: Feb B 60 New. Months still start in Jan.
			Column: "Region", Value: "",
			Months: []viewRow{
				quiet("2025-01", "0", 0),
				vrow("2025-02", "0", "60", "0", "0", "0", "0", "0", "60", 0, 1, 1, 0, 0),
				quiet("2025-03", "60", 1),
				quiet("2025-04", "60", 1),
			},
		},
	}
	// Sums per column, by hand: Basic + Pro Endings 130+170 = 300,
	// 170+230 = 400, 70+480 = 550, 40+410 = 450; Mar Expansion −
	// Contraction 250 − 100 = 150. EU + US + blank: 200+100+0 = 300,
	// 200+140+60 = 400, 250+240+60 = 550, 250+140+60 = 450; Mar
	// (150 + 100) − 100 = 150.
	if diff := gocmp.Diff(want, segmentRows(res.Segments())); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

func TestSegmentsMissingValuesAreBlank(t *testing.T) {
	// A row that gives fewer values than there are columns is blank in
	// the rest: A (no values) and B (Region only) are both blank in
	// Channel.
	rows := []calc.Subscription{
		sub(2, "A", "Pro", "100", "2025-01-01", ""),
		segs(sub(3, "B", "Pro", "50", "2025-01-01", ""), "EU"),
	}
	res := viewBook(t, nil, nil, []string{"Region", "Channel"}, rows...).Compute(day("2025-01-31"))
	jan := func(mrr string, n int) []viewRow {
		return []viewRow{vrow("2025-01", "0", mrr, "0", "0", "0", "0", "0", mrr, 0, n, n, 0, 0)}
	}
	want := []segmentRow{
		{Column: calc.PlanColumn, Value: "Pro", Months: jan("150", 2)},
		{Column: "Region", Value: "", Months: jan("100", 1)},
		{Column: "Region", Value: "EU", Months: jan("50", 1)},
		{Column: "Channel", Value: "", Months: jan("150", 2)},
	}
	if diff := gocmp.Diff(want, segmentRows(res.Segments())); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

func TestSegmentsFX(t *testing.T) {
	// A pays Basic 100 EUR in Jan only and Pro 100 EUR from Jan; EUR 1.10
	// in Jan, 1.20 in Feb.
	// The result: Jan New 220. Feb: last month's 200 EUR revalued at 1.20 =
	// 240 → FX +20; MRR 120 → Contraction 240 − 120 = 120. Ending 120.
	// Basic: Jan New 110. Feb: A leaves Basic while still paying, so it is
	// Contraction, not Churn, and the no-FX rule for churn does not apply:
	// 100 EUR revalued = 120 → FX +10, Contraction 120 − 0 = 120.
	// Pro: Jan New 110; Feb FX +10, Ending 120.
	// Sums: FX 10 + 10 = 20 and Expansion − Contraction = −120, as the
	// result's.
	rows := []calc.Subscription{
		in("EUR", sub(2, "A", "Basic", "100", "2025-01-01", "2025-01-31")),
		in("EUR", sub(3, "A", "Pro", "100", "2025-01-01", "")),
	}
	res := viewBook(t, nil, eurJanFeb, nil, rows...).Compute(day("2025-02-28"))
	wantTotal := []viewRow{
		vrow("2025-01", "0", "220", "0", "0", "0", "0", "0", "220", 0, 1, 1, 0, 0),
		vrow("2025-02", "220", "0", "0", "0", "120", "0", "20", "120", 1, 1, 0, 0, 0),
	}
	if diff := gocmp.Diff(wantTotal, viewRows(res.Months)); diff != "" {
		t.Errorf("result months (-want +got):\n%s", diff)
	}
	// The sums the rules promise, checked first for a clear message.
	var fx, expMinusContr, netNew decimal.Decimal
	for _, s := range res.Segments() {
		if s.Column != calc.PlanColumn || len(s.Months) != 2 {
			continue
		}
		feb := s.Months[1]
		fx = fx.Add(feb.FXImpact.Decimal())
		expMinusContr = expMinusContr.Add(feb.Expansion.Decimal()).Sub(feb.Contraction.Decimal())
		netNew = netNew.Add(feb.NetNew.Decimal())
	}
	for _, c := range []struct {
		name      string
		got, want decimal.Decimal
	}{
		{"Σ FX impact", fx, decimal.NewFromInt(20)},
		{"Σ (Expansion − Contraction)", expMinusContr, decimal.NewFromInt(-120)},
		{"Σ Net New", netNew, decimal.NewFromInt(-120)},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("Feb, plan segments: %s = %s, want the result's %s", c.name, c.got, c.want)
		}
	}
	want := []segmentRow{
		{Column: calc.PlanColumn, Value: "Basic", Months: []viewRow{
			vrow("2025-01", "0", "110", "0", "0", "0", "0", "0", "110", 0, 1, 1, 0, 0),
			vrow("2025-02", "110", "0", "0", "0", "120", "0", "10", "0", 1, 0, 0, 0, 0),
		}},
		{Column: calc.PlanColumn, Value: "Pro", Months: []viewRow{
			vrow("2025-01", "0", "110", "0", "0", "0", "0", "0", "110", 0, 1, 1, 0, 0),
			vrow("2025-02", "110", "0", "0", "0", "0", "0", "10", "120", 1, 1, 0, 0, 0),
		}},
	}
	if diff := gocmp.Diff(want, segmentRows(res.Segments())); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
}

// outlookView is an outlook in a form cmp.Diff prints well.
type outlookView struct {
	From, MRR, Committed string
	Horizons             []horizonView
}

type horizonView struct {
	Days          int
	Until, AtRisk string
	Customers     []atRiskView
}

type atRiskView struct {
	Customer, MRR, After, LastDay string
}

func outlookOf(res *calc.Result, o calc.Outlook) outlookView {
	v := outlookView{From: o.From.String(), MRR: o.MRR.String(), Committed: o.Committed.String()}
	for _, h := range o.Horizons {
		hv := horizonView{Days: h.Days, Until: h.Until.String(), AtRisk: h.AtRisk.String()}
		for _, c := range h.Customers {
			hv.Customers = append(hv.Customers, atRiskView{
				Customer: res.Customers[c.Customer].ID, MRR: c.MRR.String(), After: c.After.String(), LastDay: c.LastDay.String(),
			})
		}
		v.Horizons = append(v.Horizons, hv)
	}
	return v
}

func TestOutlook(t *testing.T) {
	// From 2025-06-10: +15 = Jun 25, +30 = Jul 10, +45 = Jul 25, +60 =
	// Aug 9, +90 = Sep 8.
	//   A 100 ends Jun 30: within 30 days.
	//   B 200 ends Jul 25: within 45 days, active on Jul 10.
	//   C 300 ends Jun 20, replaced by 400 from Jun 21: an upgrade, never
	//     at risk.
	//   D 50 ends Jul 10 = From + 30: active on that Until, so not at risk
	//     in 30 days; at risk in 60.
	//   E 500 ends Aug 31, then 150 from Sep 1: drops 350 within 90 days.
	//   F 80 starts Jul 1: no MRR on From, so not in the outlook.
	rows := []calc.Subscription{
		sub(2, "A", "Pro", "100", "2025-01-01", "2025-06-30"),
		sub(3, "B", "Pro", "200", "2025-02-01", "2025-07-25"),
		sub(4, "C", "Basic", "300", "2025-01-01", "2025-06-20"),
		sub(5, "C", "Pro", "400", "2025-06-21", ""),
		sub(6, "D", "Pro", "50", "2025-03-01", "2025-07-10"),
		sub(7, "E", "Pro", "500", "2025-01-01", "2025-08-31"),
		sub(8, "E", "Lite", "150", "2025-09-01", ""),
		sub(9, "F", "Pro", "80", "2025-07-01", ""),
	}
	from := day("2025-06-10")
	res := viewBook(t, nil, nil, nil, rows...).Compute(from)
	a := atRiskView{"A", "100", "0", "2025-06-30"}
	b := atRiskView{"B", "200", "0", "2025-07-25"}
	d := atRiskView{"D", "50", "0", "2025-07-10"}
	e := atRiskView{"E", "500", "150", "2025-08-31"}

	t.Run("default horizons", func(t *testing.T) {
		// MRR on From: 100 + 200 + 300 + 50 + 500 = 1150.
		// 30 days (Jul 10): A 100.
		// 60 days (Aug 9): B 200, A 100, D 50 = 350.
		// 90 days (Sep 8): E 500 − 150 = 350, B 200, A 100, D 50 = 700,
		// largest drop first.
		// Committed = 1150 − 700 = 450 (C's 300 + E's 150).
		want := outlookView{
			From: "2025-06-10", MRR: "1150", Committed: "450",
			Horizons: []horizonView{
				{Days: 30, Until: "2025-07-10", AtRisk: "100", Customers: []atRiskView{a}},
				{Days: 60, Until: "2025-08-09", AtRisk: "350", Customers: []atRiskView{b, a, d}},
				{Days: 90, Until: "2025-09-08", AtRisk: "700", Customers: []atRiskView{e, b, a, d}},
			},
		}
		if diff := gocmp.Diff(want, outlookOf(res, res.Outlook(from))); diff != "" {
			t.Errorf("Outlook (-want +got):\n%s", diff)
		}
		// DefaultHorizons and passing them explicitly agree.
		if diff := gocmp.Diff([]int{30, 60, 90}, calc.DefaultHorizons); diff != "" {
			t.Errorf("DefaultHorizons (-want +got):\n%s", diff)
		}
		if diff := gocmp.Diff(want, outlookOf(res, res.Outlook(from, 90, 30, 60))); diff != "" {
			t.Errorf("Outlook(from, 90, 30, 60) (-want +got):\n%s", diff)
		}
		// The outlook of the as-of day has the as-of month's MRR.
		if w := res.Months[len(res.Months)-1]; w.Ending.String() != "1150" {
			t.Errorf("June Ending = %s, want 1150", w.Ending)
		}
	})
	t.Run("custom horizons", func(t *testing.T) {
		// 15 days (Jun 25): A still active, C at 400 ≥ 300: nothing.
		// 45 days (Jul 25): A 100, D 50 (ended Jul 10); B is active on
		// its last day, Jul 25. AtRisk 150, Committed 1150 − 150 = 1000.
		want := outlookView{
			From: "2025-06-10", MRR: "1150", Committed: "1000",
			Horizons: []horizonView{
				{Days: 15, Until: "2025-06-25", AtRisk: "0"},
				{Days: 45, Until: "2025-07-25", AtRisk: "150", Customers: []atRiskView{a, d}},
			},
		}
		if diff := gocmp.Diff(want, outlookOf(res, res.Outlook(from, 45, 15))); diff != "" {
			t.Errorf("Outlook(from, 45, 15) (-want +got):\n%s", diff)
		}
	})
}

func TestOutlookRenewalAfterGap(t *testing.T) {
	// G 120 ends Jun 30 and a renewal at 120 starts Aug 1. From Jun 10:
	// on Jul 10 G pays nothing (drop 120); on Aug 9 and Sep 8 it pays 120
	// again (no drop). By the per-customer rule (MRR on From vs on Until,
	// all rows counted) AtRisk is 120, 0, 0: it can fall as the horizon
	// grows when a row starts after From. Committed = 120 − 0 = 120.
	rows := []calc.Subscription{
		sub(2, "G", "Pro", "120", "2025-01-01", "2025-06-30"),
		sub(3, "G", "Pro", "120", "2025-08-01", ""),
	}
	from := day("2025-06-10")
	res := viewBook(t, nil, nil, nil, rows...).Compute(from)
	want := outlookView{
		From: "2025-06-10", MRR: "120", Committed: "120",
		Horizons: []horizonView{
			{Days: 30, Until: "2025-07-10", AtRisk: "120", Customers: []atRiskView{{"G", "120", "0", "2025-06-30"}}},
			{Days: 60, Until: "2025-08-09", AtRisk: "0"},
			{Days: 90, Until: "2025-09-08", AtRisk: "0"},
		},
	}
	if diff := gocmp.Diff(want, outlookOf(res, res.Outlook(from))); diff != "" {
		t.Errorf("Outlook (-want +got):\n%s", diff)
	}
}

func TestOutlookEmpty(t *testing.T) {
	res := viewBook(t, nil, nil, nil).Compute(day("2025-06-10"))
	o := res.Outlook(day("2025-06-10"))
	want := outlookView{
		From: "2025-06-10", MRR: "0", Committed: "0",
		Horizons: []horizonView{
			{Days: 30, Until: "2025-07-10", AtRisk: "0"},
			{Days: 60, Until: "2025-08-09", AtRisk: "0"},
			{Days: 90, Until: "2025-09-08", AtRisk: "0"},
		},
	}
	if diff := gocmp.Diff(want, outlookOf(res, o)); diff != "" {
		t.Errorf("Outlook of an empty book (-want +got):\n%s", diff)
	}
}

// TestOutlookConcurrent reads one result's outlook from several goroutines,
// as /mrr requests that share a computation do (run with -race).
func TestOutlookConcurrent(t *testing.T) {
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []calc.Subscription{
		sub(2, "A", "Pro", "100", "2025-01-01", "2025-02-10"),
		sub(3, "B", "Pro", "200", "2025-01-01", "2025-03-20"),
	} {
		if err := book.Add(&s); err != nil {
			t.Fatal(err)
		}
	}
	res := book.Compute(day("2025-01-31"))
	done := make(chan calc.Outlook)
	for range 4 {
		go func() { done <- res.Outlook(res.AsOf) }()
	}
	for range 4 {
		o := <-done
		if got := len(o.Horizons[2].Customers); got != 2 || o.Horizons[2].Customers[0].Drop() != fixed("200") {
			t.Errorf("90 days: %d customers, first %v; want B (200) then A", got, o.Horizons[2].Customers)
		}
	}
}

// quarterly returns s billed quarterly.
func quarterly(s calc.Subscription) calc.Subscription {
	s.Interval = calc.Interval{Per: 1, Months: 3}
	return s
}

// TestOutlookSamePriceRenewal: a quarterly customer on two rows of 50
// renews on one row of 100 the day after they end. Its MRR is the same
// (100 ÷ 3 a month), and a row renewed by a later row is not at risk.
// Per-row rounding makes the old rows 2 × 16.666666667 = 33.333333334 and
// the new one 33.333333333; the engine treats that 10⁻⁹ as no movement
// (the waterfall shows none), and the outlook lists nothing scheduled to
// churn either.
func TestOutlookSamePriceRenewal(t *testing.T) {
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

// TestOutlookMRRIsEnding: without monthly rates the outlook's MRR on
// the as-of date is the as-of month's Ending. Same customer as above, as
// of July 31: the waterfall keeps A at 33.333333334 (the renewal is within
// the rounding tolerance), so the outlook must say the same.
func TestOutlookMRRIsEnding(t *testing.T) {
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

// TestComputeMemoryOfCenturyTypo: a start date typed with a wrong century
// ("1725-01-10" for "2025-01-10") makes the result run over some 3,600
// months. A cohort table of every month by every month would take
// hundreds of megabytes for this two-row sheet (gigabytes for "1025"), so
// that one typo could take the bot down; cohorts take memory only for the
// months that start one.
func TestComputeMemoryOfCenturyTypo(t *testing.T) {
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
