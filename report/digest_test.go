package report

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

const fixtureLink = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit"

func TestDigestGolden(t *testing.T) {
	fx := loadFixture(t)
	issues := IssueRows(fx.errs, fx.warnings)
	if issues != 9 {
		t.Errorf("IssueRows = %d, want 9 (8 rows left out, 1 counted)", issues)
	}
	tests := []struct {
		name   string
		month  calc.Month
		issues int
		link   string
	}{
		// New, Expansion and Reactivation, and a customer coming back.
		{"2025-11", calc.MonthOf(2025, time.November), issues, fixtureLink},
		// Contraction and Churn, a negative Net New MRR.
		{"2026-01", calc.MonthOf(2026, time.January), issues, fixtureLink},
		// The first month: no growth rate, no issues, no link.
		{"2025-04", calc.MonthOf(2025, time.April), 0, ""},
		// Nothing moved.
		{"2025-12", calc.MonthOf(2025, time.December), 1, ""},
		// The as-of month, measured on 2026-03-15.
		{"2026-03", calc.MonthOf(2026, time.March), 0, fixtureLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDigest(fx.res, tt.month, tt.issues, tt.link)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "digest-"+tt.name+".golden", d.Text())
		})
	}
}

// TestDigestByHand checks the 2026-01 digest against the fixture's README.
func TestDigestByHand(t *testing.T) {
	fx := loadFixture(t)
	d, err := NewDigest(fx.res, calc.MonthOf(2026, time.January), 9, fixtureLink)
	if err != nil {
		t.Fatal(err)
	}
	dec := decimal.RequireFromString
	movers := func(kind calc.Kind, ms ...Mover) Movers { return Movers{Kind: kind, Top: ms} }
	want := &Digest{
		Month:    calc.MonthOf(2026, time.January),
		Currency: "USD",
		Through:  calc.DateOf(2026, time.January, 31),
		// Each customer's MRR in cents: Nakatomi's 28.305 is 28.31.
		Ending:    dec("3208.13"),
		NetNew:    dec("-128.31"),
		Growth:    d.Growth,
		New:       dec("200"),
		Expansion: dec("0"), Reactivation: dec("0"),
		Contraction: dec("300"), Churn: dec("28.31"),
		ARR:       dec("38497.56"), // 3208.13 × 12
		Customers: 12, NewCustomers: 1, ChurnedCustomers: 1,
		Movers: []Movers{
			movers(calc.New, Mover{"C010", "Pied Piper", dec("200")}),
			movers(calc.Contraction, Mover{"C012", "Cyberdyne Systems", dec("-300")}),
			movers(calc.Churn, Mover{"C015", "Nakatomi Trading", dec("-28.31")}),
		},
		Issues: 9, IssuesTab: "Data Issues", Link: fixtureLink,
		// By plan in January: Cyberdyne's Pro (500) ends and its Basic
		// (200) starts, Pied Piper's Pro (200) is new, Nakatomi's Starter
		// (28.31) churns: Pro −300 is the largest move, and Pro is left
		// with Globex (900 EUR a quarter = 324) and Pied Piper (200).
		TopSegment: &SegmentMove{Column: "Plan", Value: "Pro", NetNew: dec("-300"), Ending: dec("524")},
		// Paying on 2026-01-31 with an end date: Initech 1000/yr (83.33,
		// last day 2026-02-27), Umbrella 2 × 25 weekly (216.67, 2026-03-10)
		// and Cyberdyne's Support 100 (2026-03-20; its Basic row goes on).
		// Tyrell starts 2026-03-20: a new customer, never at risk.
		Outlook: &Outlook{
			From:      calc.DateOf(2026, time.January, 31),
			MRR:       dec("3208.13"),
			Committed: dec("2808.13"), // 3208.13 − 400
			Horizons: []Horizon{
				{Days: 30, AtRisk: dec("83.33"), Customers: 1},
				{Days: 60, AtRisk: dec("400"), Customers: 3}, // 83.33 + 216.67 + 100
				{Days: 90, AtRisk: dec("400"), Customers: 3, Top: []AtRiskCustomer{
					{"C004", "Umbrella Co", dec("216.67"), calc.DateOf(2026, time.March, 10), true},
					{"C012", "Cyberdyne Systems", dec("100"), calc.DateOf(2026, time.March, 20), false},
					{"C003", "Initech", dec("83.33"), calc.DateOf(2026, time.February, 27), true},
				}},
			},
		},
	}
	if diff := cmp.Diff(want, d, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("digest (-want +got):\n%s", diff)
	}
	if got := Money(d.Ending, "USD"); got != "$3,208.13" {
		t.Errorf("ending = %s, want $3,208.13", got)
	}
	if got := Money(d.ARR, "USD"); got != "$38,497.56" {
		t.Errorf("ARR = %s, want $38,497.56", got)
	}
	// −128.31 ÷ 3336.44 = −0.0385 (−3.8457%)
	if got := signedPercent(d.Growth.Decimal); got != "−3.8%" {
		t.Errorf("growth = %s, want −3.8%%", got)
	}
}

func TestNewDigestOutsideResult(t *testing.T) {
	fx := loadFixture(t)
	for _, m := range []calc.Month{calc.MonthOf(2025, time.March), calc.MonthOf(2026, time.April)} {
		d, err := NewDigest(fx.res, m, 0, "")
		if err == nil {
			t.Errorf("NewDigest(%s) = %+v, want an error", m, d)
			continue
		}
		if want := "digest for " + m.String() + ": the figures run from 2025-04 through 2026-03"; err.Error() != want {
			t.Errorf("NewDigest(%s) error = %q, want %q", m, err, want)
		}
	}
	if _, err := NewDigest(&calc.Result{Currency: "USD", AsOf: fixtureAsOf}, calc.MonthOf(2026, time.March), 0, ""); err == nil {
		t.Error("NewDigest of an empty result: no error")
	}
}

// TestTopMovers checks the ranking: biggest first, equal amounts by name,
// at most three, a customer with no name by its ID.
func TestTopMovers(t *testing.T) {
	book, err := calc.NewBook("EUR", nil)
	if err != nil {
		t.Fatal(err)
	}
	jan, feb := calc.DateOf(2026, time.January, 1), calc.DateOf(2026, time.February, 1)
	add := func(id, name string, amount int64, start calc.Date) {
		t.Helper()
		err := book.Add(&calc.Subscription{
			Row: book.Len() + 2, CustomerID: id, CustomerName: name, Amount: calc.Fixed(amount) * calc.One,
			Quantity: calc.One, Start: start, End: calc.NoEnd,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add("C1", "Zeta", 100, feb)
	add("C2", "Beta", 200, feb)
	add("C3", "Alpha", 200, feb)
	add("C4", "", 300, feb)
	add("C5", "Gamma", 50, feb)
	add("C6", "Old", 10, jan)
	add("C6", "Old", 5, feb) // expansion
	d, err := NewDigest(book.Compute(calc.DateOf(2026, time.February, 28)), calc.MonthOf(2026, time.February), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ms := range d.Movers {
		for _, mv := range ms.Top {
			got = append(got, ms.Kind.String()+" "+mv.Customer+" "+Money(mv.Amount, d.Currency))
		}
	}
	want := []string{"New C4 €300.00", "New Alpha €200.00", "New Beta €200.00", "Expansion Old €5.00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("top movers (-want +got):\n%s", diff)
	}
	text := d.Text()
	for _, line := range []string{
		"MRR for February 2026: €865.00 (+€855.00, +8550.0% MoM)",
		"ARR €10,380.00 · 6 customers (+5 new, 0 churned)",
		"  New: C4 +€300.00, Alpha +€200.00, Beta +€200.00",
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("digest text has no line %q:\n%s", line, text)
		}
	}
	if strings.Contains(text, "problem") || strings.Contains(text, "http") {
		t.Errorf("digest with no issues and no link mentions them:\n%s", text)
	}
}

func TestIssueRows(t *testing.T) {
	errs := []calc.Issue{{Row: 3}, {Row: 3}, {Row: 7}}
	warns := []calc.Issue{{Row: 7}, {Row: 9}, {Column: "amount"}}
	if got := IssueRows(errs, warns); got != 4 {
		t.Errorf("IssueRows = %d, want 4 (rows 3, 7, 9 and one without a row)", got)
	}
	if got := IssueRows(); got != 0 {
		t.Errorf("IssueRows() = %d, want 0", got)
	}
}

// bookOfRows is a USD book of rows.
func bookOfRows(t *testing.T, rows ...calc.Subscription) *calc.Book {
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

// rowOf is a subscription line of amount per interval.
func rowOf(row int, customer, plan string, amount int64, iv calc.Interval, start, end calc.Date) calc.Subscription {
	return calc.Subscription{Row: row, CustomerID: customer, Plan: plan, Amount: calc.Fixed(amount) * calc.One,
		Quantity: calc.One, Interval: iv, Start: start, End: end}
}

// TestDigestOutlookShortHorizon: G pays 120 until June 30 and a renewal
// starts on August 1. From June 10, 120 is scheduled to go within 30 days
// though not within 90 (calc's outlook says so: TestOutlookRenewalAfterGap),
// and the digest says so rather than that nothing is scheduled to churn.
func TestDigestOutlookShortHorizon(t *testing.T) {
	jun := calc.MonthOf(2025, time.June)
	res := bookOfRows(t,
		rowOf(2, "G", "Pro", 120, calc.Monthly, calc.DateOf(2025, time.January, 1), calc.DateOf(2025, time.June, 30)),
		rowOf(3, "G", "Pro", 120, calc.Monthly, calc.DateOf(2025, time.August, 1), calc.NoEnd),
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

// TestDigestOutlookSamePriceRenewal: a quarterly customer on two rows of
// 50 renews on one row of 100. Its MRR does not change (the waterfall
// shows no movement), and the digest does not name it as scheduled to
// drop "−$0.00".
func TestDigestOutlookSamePriceRenewal(t *testing.T) {
	q := calc.Interval{Per: 1, Months: 3}
	jun := calc.MonthOf(2025, time.June)
	res := bookOfRows(t,
		rowOf(2, "A", "Seats", 50, q, calc.DateOf(2025, time.January, 1), calc.DateOf(2025, time.June, 30)),
		rowOf(3, "A", "Seats", 50, q, calc.DateOf(2025, time.January, 1), calc.DateOf(2025, time.June, 30)),
		rowOf(4, "A", "Seats", 100, q, calc.DateOf(2025, time.July, 1), calc.NoEnd),
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
