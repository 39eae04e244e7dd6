package calc_test

// A property test: random subscription sets checked against the waterfall's
// identities and against a naive reference that measures every month end
// with shopspring/decimal, straight from the row fields and the conventions
// of docs/metrics.md.

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

// propRates mixes short rates, a tiny one with many decimals, and rates
// with 19 and 20 significant digits.
var propRates = map[string]string{
	"EUR": "1.0837",
	"JPY": "0.0066934",
	"XYZ": "0.000062891234",
	"GBP": "1.273456789123456789",
	"CHF": "1.2345678901234567891",
}

var propCurrencies = []string{"", "", "", "USD", "usd", "EUR", "eur", "JPY", "XYZ", "GBP", "CHF"}

var propIntervals = []calc.Interval{
	calc.Monthly, calc.Monthly, calc.Monthly, {},
	calc.Quarterly, calc.Semiannual, calc.Annual, calc.Annual, calc.Biennial, calc.Weekly,
	{Per: 1, Months: 5}, {Per: 1, Months: 18}, {Per: 1, Months: 36},
}

// tolerance is what per-row rounding to nine places may add up to over 60
// rows.
var tolerance = decimal.New(1, -6)

type propCase struct {
	rows []calc.Subscription
	asOf calc.Date
}

func (pc propCase) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "as of %s\n", pc.asOf)
	for _, s := range pc.rows {
		fmt.Fprintf(&b, "row %d: %s plan=%q amount=%s %s qty=%s discount=%+v %s..%s %s %v\n",
			s.Row, s.CustomerID, s.Plan, s.Amount, s.Currency, s.Quantity, s.Discount, s.Start, s.End, s.Status, s.Interval)
	}
	return b.String()
}

func randDay(rng *rand.Rand, m calc.Month) calc.Date {
	first, last := m.FirstDay(), m.LastDay()
	return first + calc.Date(rng.IntN(int(last-first)+1))
}

func genCase(rng *rand.Rand) propCase {
	base := calc.MonthOf(2023, time.January)
	const span = 30
	nRows := 1 + rng.IntN(60)
	nCust := 1 + rng.IntN(min(15, nRows))
	plans := []string{"", "Pro", "Seats", "Add-on"}
	pc := propCase{asOf: randDay(rng, base+calc.Month(20+rng.IntN(span-20)))}
	for i := range nRows {
		s := calc.Subscription{
			Row:        i + 2,
			CustomerID: fmt.Sprintf("C%02d", rng.IntN(nCust)),
			Plan:       plans[rng.IntN(len(plans))],
			Currency:   propCurrencies[rng.IntN(len(propCurrencies))],
			Interval:   propIntervals[rng.IntN(len(propIntervals))],
			Quantity:   calc.One,
			End:        calc.NoEnd,
		}
		switch p := rng.IntN(100); {
		case p < 55: // cents
			s.Amount = calc.Fixed(100+rng.IntN(500_000)) * 10_000_000
		case p < 80: // whole units
			s.Amount = calc.Fixed([]int64{9, 49, 99, 100, 300, 1200, 4800}[rng.IntN(7)]) * calc.One
		case p < 96: // nine decimals
			s.Amount = calc.Fixed(rng.Int64N(10_000*int64(calc.One))) + calc.One
		default:
			s.Amount = 0
		}
		switch p := rng.IntN(100); {
		case p < 65:
		case p < 85:
			s.Quantity = calc.Fixed(2+rng.IntN(49)) * calc.One
		case p < 92:
			s.Quantity = calc.Fixed(1+rng.IntN(20)) * calc.One / 2
		case p < 98:
			s.Quantity = calc.One/10 + calc.Fixed(rng.Int64N(10*int64(calc.One)))
		default:
			s.Quantity = 0
		}
		gross := s.Amount.Decimal().Mul(s.Quantity.Decimal())
		switch p := rng.IntN(100); {
		case p < 55:
		case p < 70:
			s.Discount = calc.Discount{Percent: true, Value: calc.Fixed(rng.IntN(101)) * calc.One / 100}
		case p < 75:
			s.Discount = calc.Discount{Percent: true, Value: calc.Fixed(rng.Int64N(int64(calc.One) * 99 / 100))}
		case p < 97:
			// Whole cents, at most 95% of the price.
			off := gross.Mul(decimal.New(int64(rng.IntN(951)), -3)).RoundDown(2)
			s.Discount = calc.Discount{Value: fixedOf(off)}
		default:
			if gross.Exponent() >= -calc.Scale || gross.Round(calc.Scale).Equal(gross) {
				s.Discount = calc.Discount{Value: fixedOf(gross)} // nothing left to pay
			}
		}
		// Starts: any day, often the 1st, sometimes the last day.
		sm := base + calc.Month(rng.IntN(span))
		switch p := rng.IntN(10); {
		case p < 4:
			s.Start = sm.FirstDay()
		case p < 5:
			s.Start = sm.LastDay()
		default:
			s.Start = randDay(rng, sm)
		}
		// Ends: often none, often a month's last day or the day before.
		switch p := rng.IntN(100); {
		case p < 45:
		case p < 65:
			s.End = (s.Start.Month() + calc.Month(rng.IntN(18))).LastDay()
		case p < 75:
			s.End = max(s.Start, (s.Start.Month()+calc.Month(rng.IntN(18))).LastDay()-1)
		case p < 80:
			s.End = s.Start + calc.Date(rng.IntN(20)) // within about a month
		default:
			s.End = s.Start + calc.Date(rng.IntN(600))
		}
		switch p := rng.IntN(100); {
		case p < 65:
			s.Status = calc.Active
		case p < 75:
			s.Status = calc.Trial
		case p < 80:
			s.Status = calc.Free
		default:
			if s.End != calc.NoEnd {
				s.Status = calc.Cancelled
			}
		}
		if rng.IntN(100) < 3 {
			s.SetupFee = calc.Fixed(rng.IntN(1000)) * calc.One
		}
		pc.rows = append(pc.rows, s)
	}
	return pc
}

func fixedOf(d decimal.Decimal) calc.Fixed {
	f, err := calc.FixedFromDecimal(d)
	if err != nil {
		panic(err)
	}
	return f
}

// refMRR is a row's monthly MRR in USD, computed from its fields exactly
// as docs/metrics.md states it: (amount × quantity − discount) divided into
// months, converted at the FX rate; zero for trial and free rows.
func refMRR(s calc.Subscription, rates map[string]decimal.Decimal) decimal.Decimal {
	if s.Status == calc.Trial || s.Status == calc.Free {
		return decimal.Zero
	}
	gross := s.Amount.Decimal().Mul(s.Quantity.Decimal())
	net := gross.Sub(s.Discount.Value.Decimal())
	if s.Discount.Percent {
		net = gross.Mul(decimal.NewFromInt(1).Sub(s.Discount.Value.Decimal()))
	}
	per, months := int64(s.Interval.Per), int64(s.Interval.Months)
	if per <= 0 || months <= 0 {
		per, months = 1, 1 // the zero Interval is monthly
	}
	rate := decimal.NewFromInt(1)
	if r, ok := rates[strings.ToUpper(s.Currency)]; ok {
		rate = r
	}
	return net.Mul(decimal.NewFromInt(per)).Mul(rate).DivRound(decimal.NewFromInt(months), 30)
}

// refKind classifies one customer's change naively; ok is false when there
// is no movement.
func refKind(prev, cur decimal.Decimal, paidBefore bool) (calc.Kind, bool) {
	switch {
	case prev.Equal(cur):
		return 0, false
	case prev.IsZero() && !paidBefore:
		return calc.New, true
	case prev.IsZero():
		return calc.Reactivation, true
	case cur.IsZero():
		return calc.Churn, true
	case cur.GreaterThan(prev):
		return calc.Expansion, true
	}
	return calc.Contraction, true
}

// refKey is a customer in a month.
type refKey struct{ Month, Customer string }

// nearHalfCent tells whether d lies so close to a half cent that the
// engine's rounding of each row to 10⁻⁹ may round it the other way.
func nearHalfCent(d decimal.Decimal) bool {
	frac := d.Shift(2).Sub(d.Shift(2).Floor()) // in [0, 1) cents
	return frac.Sub(decimal.New(5, -1)).Abs().LessThanOrEqual(tolerance.Shift(2))
}

type refMove struct {
	Month    string
	Customer string
	Kind     string
	Amount   decimal.Decimal
}

func TestWaterfallProperties(t *testing.T) {
	rates := make(map[string]decimal.Decimal)
	for k, v := range propRates {
		rates[k] = decimal.RequireFromString(v)
	}
	rng := rand.New(rand.NewPCG(20250131, 42))
	const iterations = 400
	var kinds [5]int
	rows, months := 0, 0
	for iter := range iterations {
		pc := genCase(rng)
		b := newBook(t, propRates)
		for i := range pc.rows {
			if err := b.Add(&pc.rows[i]); err != nil {
				t.Fatalf("case %d: Add(row %d): %v\n%s", iter, pc.rows[i].Row, err, pc)
			}
		}
		res := b.Compute(pc.asOf)
		if errs := checkProperties(res, pc, rates); len(errs) > 0 {
			if len(errs) > 15 {
				errs = append(errs[:15], fmt.Sprintf("... and %d more", len(errs)-15))
			}
			t.Fatalf("case %d:\n%s\n%s", iter, strings.Join(errs, "\n"), pc)
		}
		rows += b.Len()
		months += len(res.Months)
		for _, mv := range res.Movements() {
			kinds[mv.Kind]++
		}
	}
	// A property test that never meets a kind of movement proves little.
	for k, n := range kinds {
		if n < 50 {
			t.Errorf("only %d %s movements over %d cases", n, calc.Kind(k), iterations)
		}
	}
	t.Logf("%d cases: %d paying rows, %d months, movements New %d, Expansion %d, Reactivation %d, Contraction %d, Churn %d",
		iterations, rows, months, kinds[calc.New], kinds[calc.Expansion], kinds[calc.Reactivation], kinds[calc.Contraction], kinds[calc.Churn])
}

func checkProperties(res *calc.Result, pc propCase, rates map[string]decimal.Decimal) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

	mrr := make([]decimal.Decimal, len(pc.rows))
	last := pc.asOf.Month()
	first := calc.Month(1 << 30)
	for i, s := range pc.rows {
		mrr[i] = refMRR(s, rates)
		if mrr[i].IsPositive() && s.Start <= pc.asOf {
			first = min(first, s.Start.Month())
		}
	}
	if first > last {
		if len(res.Months) != 0 || len(res.Movements()) != 0 {
			fail("no paying row starts by %s, yet %d months and %d movements", pc.asOf, len(res.Months), len(res.Movements()))
		}
		return errs
	}
	if n := int(last-first) + 1; len(res.Months) != n || res.Months[0].Month != first {
		got := "none"
		if len(res.Months) > 0 {
			got = res.Months[0].Month.String()
		}
		fail("months: %d from %s, want %d from %s through %s", len(res.Months), got, n, first, last)
		return errs
	}

	// The waterfall's own identities.
	var prevEnding calc.Sum
	prevCustomers := 0
	var netNewTotal decimal.Decimal
	for i, w := range res.Months {
		if w.Month != first+calc.Month(i) {
			fail("Months[%d].Month = %s, want %s", i, w.Month, first+calc.Month(i))
		}
		start, end, net := w.Starting.Decimal(), w.Ending.Decimal(), w.NetNew.Decimal()
		if !start.Add(net).Equal(end) {
			fail("%s: Starting %s + NetNew %s != Ending %s", w.Month, start, net, end)
		}
		sum := w.New.Decimal().Add(w.Expansion.Decimal()).Add(w.Reactivation.Decimal()).
			Sub(w.Contraction.Decimal()).Sub(w.Churn.Decimal())
		if !sum.Equal(net) {
			fail("%s: New+Expansion+Reactivation−Contraction−Churn = %s, NetNew = %s", w.Month, sum, net)
		}
		if !start.Equal(prevEnding.Decimal()) {
			fail("%s: Starting %s != previous Ending %s", w.Month, start, prevEnding.Decimal())
		}
		if w.StartingCustomers != prevCustomers {
			fail("%s: StartingCustomers %d != previous Customers %d", w.Month, w.StartingCustomers, prevCustomers)
		}
		if got, want := w.Customers, w.StartingCustomers+w.NewCustomers+w.ReactivatedCustomers-w.ChurnedCustomers; got != want {
			fail("%s: Customers %d, want Starting+New+Reactivated−Churned = %d", w.Month, got, want)
		}
		for _, s := range []struct {
			name string
			v    calc.Sum
		}{{"New", w.New}, {"Expansion", w.Expansion}, {"Reactivation", w.Reactivation}, {"Contraction", w.Contraction}, {"Churn", w.Churn}} {
			if s.v.Sign() < 0 {
				fail("%s: %s = %s is negative", w.Month, s.name, s.v)
			}
		}
		netNewTotal = netNewTotal.Add(net)
		prevEnding, prevCustomers = w.Ending, w.Customers
	}
	if !netNewTotal.Equal(prevEnding.Decimal()) {
		fail("sum of NetNew %s != last Ending %s", netNewTotal, prevEnding.Decimal())
	}

	// The movement list adds up to the waterfall, kind by kind.
	type perKind struct {
		sums   [5]calc.Sum
		counts [5]int
	}
	byMonth := make([]perKind, len(res.Months))
	for _, mv := range res.Movements() {
		i := int(mv.Month - first)
		if i < 0 || i >= len(res.Months) {
			fail("movement in %s, outside the result", mv.Month)
			continue
		}
		if mv.Amount() <= 0 {
			fail("%s: %s movement of %s has amount %s", mv.Month, mv.Kind, res.Customers[mv.Customer].ID, mv.Amount())
		}
		byMonth[i].sums[mv.Kind].Add(mv.Amount())
		byMonth[i].counts[mv.Kind]++
	}
	for i, w := range res.Months {
		for k, want := range map[calc.Kind]calc.Sum{calc.New: w.New, calc.Expansion: w.Expansion,
			calc.Reactivation: w.Reactivation, calc.Contraction: w.Contraction, calc.Churn: w.Churn} {
			if got := byMonth[i].sums[k]; !got.Decimal().Equal(want.Decimal()) {
				fail("%s: %s movements add up to %s, waterfall says %s", w.Month, k, got, want)
			}
		}
		if c := byMonth[i].counts; c[calc.New] != w.NewCustomers || c[calc.Churn] != w.ChurnedCustomers || c[calc.Reactivation] != w.ReactivatedCustomers {
			fail("%s: %d New, %d Churn, %d Reactivation movements; waterfall counts %d, %d, %d", w.Month,
				c[calc.New], c[calc.Churn], c[calc.Reactivation], w.NewCustomers, w.ChurnedCustomers, w.ReactivatedCustomers)
		}
	}

	// Every figure is a whole number of cents: a sum of customers' MRR
	// rounded to the cent.
	for _, w := range res.Months {
		for name, v := range map[string]calc.Sum{"Starting": w.Starting, "New": w.New, "Expansion": w.Expansion,
			"Reactivation": w.Reactivation, "Contraction": w.Contraction, "Churn": w.Churn, "NetNew": w.NetNew, "Ending": w.Ending} {
			if d := v.Decimal(); !d.Equal(d.Round(2)) {
				fail("%s: %s = %s is not a whole number of cents", w.Month, name, d)
			}
		}
	}
	for _, mv := range res.Movements() {
		if mv.Before != mv.Before.RoundCents("USD") || mv.After != mv.After.RoundCents("USD") {
			fail("%s: %s movement of %s from %s to %s is not in whole cents", mv.Month, mv.Kind, res.Customers[mv.Customer].ID, mv.Before, mv.After)
		}
	}

	// The naive reference: every customer's MRR on every measuring day,
	// rounded to the cent. The engine keeps each row to 10⁻⁹, so a customer
	// whose exact MRR lies within that rounding of a half cent may round the
	// other way: such a customer-month is left out of the comparison.
	var custIDs []string
	for _, s := range pc.rows {
		if !slices.Contains(custIDs, s.CustomerID) {
			custIDs = append(custIDs, s.CustomerID)
		}
	}
	slices.Sort(custIDs)
	prev := make(map[string]decimal.Decimal)
	paid := make(map[string]bool)
	skip := make(map[refKey]bool) // customer-months near a half cent
	var want []refMove
	for i, w := range res.Months {
		m := first + calc.Month(i)
		measure := m.LastDay()
		if m == last {
			measure = pc.asOf
		}
		exact := make(map[string]decimal.Decimal)
		for r, s := range pc.rows {
			if s.Start <= measure && measure <= s.End {
				exact[s.CustomerID] = exact[s.CustomerID].Add(mrr[r])
			}
		}
		cur := make(map[string]decimal.Decimal)
		total := decimal.Zero
		paying, unsure := 0, 0
		for _, c := range custIDs {
			cur[c] = exact[c].Round(2)
			total = total.Add(cur[c])
			if nearHalfCent(exact[c]) {
				unsure++
				skip[refKey{m.String(), c}] = true
				skip[refKey{(m + 1).String(), c}] = true
			}
			if cur[c].IsPositive() {
				paying++
			}
			if k, ok := refKind(prev[c], cur[c], paid[c]); ok {
				want = append(want, refMove{m.String(), c, k.String(), cur[c].Sub(prev[c]).Abs()})
			}
			if cur[c].IsPositive() {
				paid[c] = true
			}
		}
		if d := w.Ending.Decimal().Sub(total).Abs(); d.GreaterThan(decimal.New(int64(unsure), -2)) {
			fail("%s: Ending %s, reference %s (off by %s)", m, w.Ending, total, d)
		}
		if unsure == 0 && w.Customers != paying {
			fail("%s: Customers %d, reference %d", m, w.Customers, paying)
		}
		prev = cur
	}
	want = slices.DeleteFunc(want, func(r refMove) bool { return skip[refKey{r.Month, r.Customer}] })
	var got []refMove
	for _, mv := range res.Movements() {
		if skip[refKey{mv.Month.String(), res.Customers[mv.Customer].ID}] {
			continue
		}
		got = append(got, refMove{mv.Month.String(), res.Customers[mv.Customer].ID, mv.Kind.String(), mv.Amount().Decimal()})
	}
	order := func(a, b refMove) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Customer, b.Customer))
	}
	slices.SortStableFunc(got, order)
	slices.SortStableFunc(want, order)
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			fail("missing movement %s %s %s %s", want[i].Month, want[i].Customer, want[i].Kind, want[i].Amount)
		case i >= len(want):
			fail("extra movement %s %s %s %s", got[i].Month, got[i].Customer, got[i].Kind, got[i].Amount)
		case got[i].Month != want[i].Month || got[i].Customer != want[i].Customer || got[i].Kind != want[i].Kind:
			fail("movement %d: got %s %s %s %s, reference %s %s %s %s", i,
				got[i].Month, got[i].Customer, got[i].Kind, got[i].Amount,
				want[i].Month, want[i].Customer, want[i].Kind, want[i].Amount)
		case !got[i].Amount.Equal(want[i].Amount):
			fail("movement %s %s %s: amount %s, reference %s", got[i].Month, got[i].Customer, got[i].Kind, got[i].Amount, want[i].Amount)
		}
		if len(errs) > 20 {
			break
		}
	}
	return errs
}
