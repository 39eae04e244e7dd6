package calc_test

// Property tests of the views (monthly FX, cohorts, segments, outlook) over
// random subscription sets from genCase (property_test.go), checked against
// their identities and against a naive reference that measures every row
// with shopspring/decimal straight from its fields and the stated rules.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
)

// viewCases is the number of random cases per property test: a few
// hundred, a quarter of them under -race (see calctest.Cases). The
// properties' tests of coverage (enough FX impact, enough moves between
// segments) ask for a third of a case's worth each (atLeast).
var viewCases = calctest.Cases(300)

// atLeast is the least count of something rare that viewCases cases must
// meet for a property test to prove something about it: a third a case.
var atLeast = viewCases / 3

// rateSet is a book's exchange rates: NewBook's single rates and monthly
// rates, with the rule for the rate of a currency in a month.
type rateSet struct {
	single  map[string]string
	monthly []calc.MonthlyRate
	byCode  map[string][]calc.MonthlyRate // monthly, by currency, oldest first
	dec     map[string]decimal.Decimal    // single, parsed
}

func newRateSet(single map[string]string) rateSet {
	rs := rateSet{single: single, byCode: make(map[string][]calc.MonthlyRate), dec: make(map[string]decimal.Decimal)}
	for code, r := range single {
		rs.dec[code] = decimal.RequireFromString(r)
	}
	return rs
}

// at returns the rate of code (any case; "" is the reporting currency) in
// month m: the latest monthly rate at or before m; before the first, the
// single rate if given, else the first monthly rate; a currency without
// monthly rates has its single rate throughout.
func (rs rateSet) at(code string, m calc.Month) decimal.Decimal {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" || code == "USD" {
		return decimal.NewFromInt(1)
	}
	if mr := rs.byCode[code]; len(mr) > 0 {
		for i := len(mr) - 1; i >= 0; i-- {
			if mr[i].Month <= m {
				return mr[i].Rate
			}
		}
		if r, ok := rs.dec[code]; ok {
			return r
		}
		return mr[0].Rate
	}
	return rs.dec[code]
}

func singleRates() rateSet { return newRateSet(propRates) }

// genMonthlyRates gives each of propRates' currencies, at random, only its
// single rate, only monthly rates, or both; at least one currency gets
// monthly rates. A monthly rate is the single rate ×0.70…1.30, rounded to
// 12 places, in a month from a little before genCase's months to a little
// after.
func genMonthlyRates(rng *rand.Rand) rateSet {
	codes := make([]string, 0, len(propRates))
	for c := range propRates {
		codes = append(codes, c)
	}
	slices.Sort(codes) // map order is random; the rng must not be
	single := make(map[string]string)
	byCode := make(map[string][]calc.MonthlyRate)
	var monthly []calc.MonthlyRate
	base := month("2023-01")
	for i, code := range codes {
		mode := rng.IntN(3) // 0 single, 1 monthly, 2 both
		if i == len(codes)-1 && len(monthly) == 0 && mode == 0 {
			mode = 2
		}
		if mode != 1 {
			single[code] = propRates[code]
		}
		if mode == 0 {
			continue
		}
		r0 := decimal.RequireFromString(propRates[code])
		var months []calc.Month
		for range 1 + rng.IntN(8) {
			m := base - 3 + calc.Month(rng.IntN(36))
			if !slices.Contains(months, m) {
				months = append(months, m)
			}
		}
		slices.Sort(months)
		for _, m := range months {
			f := decimal.New(int64(700+rng.IntN(601)), -3)
			mr := calc.MonthlyRate{Currency: code, Month: m, Rate: r0.Mul(f).Round(12)}
			byCode[code] = append(byCode[code], mr)
			monthly = append(monthly, mr)
		}
	}
	// SetMonthlyRates must not depend on the order it is given.
	rng.Shuffle(len(monthly), func(i, j int) { monthly[i], monthly[j] = monthly[j], monthly[i] })
	rs := newRateSet(single)
	rs.monthly, rs.byCode = monthly, byCode
	return rs
}

var segColumns = []string{"Region", "Channel"}

// addSegments gives the rows random values of segColumns; some rows give
// fewer values than there are columns (blank in the rest).
func addSegments(rng *rand.Rand, pc *propCase) {
	regions := []string{"EU", "US", "APAC", ""}
	channels := []string{"web", "sales", "partner"}
	for i := range pc.rows {
		switch p := rng.IntN(10); {
		case p < 1:
			pc.rows[i].Segments = nil
		case p < 2:
			pc.rows[i].Segments = []string{regions[rng.IntN(len(regions))]}
		default:
			pc.rows[i].Segments = []string{regions[rng.IntN(len(regions))], channels[rng.IntN(len(channels))]}
		}
	}
}

// viewRef is the naive reference for one case.
type viewRef struct {
	pc     propCase
	rates  rateSet
	native []decimal.Decimal // each row's MRR in its own currency; 0 when it does not count
	first  calc.Month        // the result's first month, or last+1 when none
	last   calc.Month
	// measured[j][i] is row i's value at the end of month j, at that
	// month's rates, when it counts then; made on first use.
	measured [][]decimal.Decimal
	counts   [][]bool
}

func newViewRef(pc propCase, rates rateSet) *viewRef {
	r := &viewRef{pc: pc, rates: rates, last: pc.asOf.Month()}
	r.first = r.last + 1
	for _, s := range pc.rows {
		n := refMRR(s, nil) // nil rates: no conversion
		r.native = append(r.native, n)
		if n.IsPositive() && s.Start <= pc.asOf {
			r.first = min(r.first, s.Start.Month())
		}
	}
	return r
}

func (r *viewRef) months() int { return int(r.last-r.first) + 1 }

// measure returns the day month i of the result is measured on.
func (r *viewRef) measure(i int) calc.Date {
	m := r.first + calc.Month(i)
	if m == r.last {
		return r.pc.asOf
	}
	return m.LastDay()
}

// active tells whether row i counts on day d.
func (r *viewRef) active(i int, d calc.Date) bool {
	s := r.pc.rows[i]
	return r.native[i].IsPositive() && s.Start <= d && d <= s.End
}

// value returns row i's MRR in the reporting currency at month m's rates.
func (r *viewRef) value(i int, m calc.Month) decimal.Decimal {
	return r.native[i].Mul(r.rates.at(r.pc.rows[i].Currency, m))
}

// customerMRR returns each customer's MRR on day d at month m's rates,
// counting the rows keep accepts.
func (r *viewRef) customerMRR(d calc.Date, m calc.Month, keep func(i int) bool) map[string]decimal.Decimal {
	out := make(map[string]decimal.Decimal)
	for i, s := range r.pc.rows {
		if r.active(i, d) && (keep == nil || keep(i)) {
			out[s.CustomerID] = out[s.CustomerID].Add(r.value(i, m))
		}
	}
	return out
}

// monthMRR is customerMRR for the measuring day of the result's month j.
func (r *viewRef) monthMRR(j int, keep func(i int) bool) map[string]decimal.Decimal {
	if r.measured == nil {
		r.measured = make([][]decimal.Decimal, r.months())
		r.counts = make([][]bool, r.months())
		for jj := range r.measured {
			m, d := r.first+calc.Month(jj), r.measure(jj)
			r.measured[jj] = make([]decimal.Decimal, len(r.pc.rows))
			r.counts[jj] = make([]bool, len(r.pc.rows))
			for i := range r.pc.rows {
				if r.active(i, d) {
					r.measured[jj][i] = r.value(i, m)
					r.counts[jj][i] = true
				}
			}
		}
	}
	out := make(map[string]decimal.Decimal)
	for i, s := range r.pc.rows {
		if r.counts[j][i] && (keep == nil || keep(i)) {
			out[s.CustomerID] = out[s.CustomerID].Add(r.measured[j][i])
		}
	}
	return out
}

// rounded returns each customer's MRR rounded to the cent, as the engine
// reports it, leaving out the customers it rounds to zero (they are not
// paying), and the customers whose exact MRR lies so near a half cent that
// the engine's rounding of each row to 10⁻⁹ may round it the other way.
func rounded(exact map[string]decimal.Decimal) (map[string]decimal.Decimal, map[string]bool) {
	out := make(map[string]decimal.Decimal, len(exact))
	unsure := make(map[string]bool)
	for c, v := range exact {
		if r := v.Round(2); !r.IsZero() {
			out[c] = r
		}
		if nearHalfCent(v) {
			unsure[c] = true
		}
	}
	return out, unsure
}

// cents is n cents.
func cents(n int) decimal.Decimal { return decimal.New(int64(n), -2) }

func sumOf(m map[string]decimal.Decimal) decimal.Decimal {
	t := decimal.Zero
	for _, v := range m {
		t = t.Add(v)
	}
	return t
}

// viewBookOf adds pc's rows to a USD book with rs's rates and the segment
// columns given.
func viewBookOf(t *testing.T, pc propCase, rs rateSet, columns []string) *calc.Book {
	t.Helper()
	b := newBook(t, rs.single)
	if rs.monthly != nil {
		if err := b.SetMonthlyRates(rs.monthly); err != nil {
			t.Fatalf("SetMonthlyRates: %v", err)
		}
	}
	if columns != nil {
		if err := b.SetSegments(columns); err != nil {
			t.Fatalf("SetSegments: %v", err)
		}
	}
	for i := range pc.rows {
		if err := b.Add(&pc.rows[i]); err != nil {
			t.Fatalf("Add(row %d): %v\n%s", pc.rows[i].Row, err, pc)
		}
	}
	return b
}

func within(a, b, tol decimal.Decimal) bool { return a.Sub(b).Abs().LessThanOrEqual(tol) }

// caseFailures reports the failing cases of a property test: the first
// few in full, then how many failed in all, so that one failure does not
// hide whether it is rare or everywhere.
type caseFailures struct {
	t      *testing.T
	failed int
}

// maxReported is the number of failing cases reported in full.
const maxReported = 3

// report fails the test when case iter has errors.
func (f *caseFailures) report(iter int, errs []string, pc propCase, rs rateSet) {
	f.t.Helper()
	if len(errs) == 0 {
		return
	}
	f.failed++
	if f.failed > maxReported {
		return
	}
	if len(errs) > 15 {
		errs = append(errs[:15], fmt.Sprintf("... and %d more", len(errs)-15))
	}
	var rates string
	if rs.monthly != nil {
		rates = fmt.Sprintf("single rates %v\nmonthly rates %v\n", rs.single, rs.byCode)
	}
	f.t.Errorf("case %d:\n%s\n%s%s", iter, strings.Join(errs, "\n"), rates, pc)
}

// done reports how many cases failed.
func (f *caseFailures) done(cases int) {
	f.t.Helper()
	if f.failed > 0 {
		f.t.Errorf("%d of %d cases failed (the first %d shown)", f.failed, cases, min(f.failed, maxReported))
	}
}

// checkChain checks a run of months: Starting is the previous Ending,
// Net New is the five movements, Ending = Starting + Net New + FX impact,
// all exactly.
func checkChain(what string, months []calc.Waterfall, fail func(string, ...any)) {
	// Sum is a two's-complement pair, so equal totals compare equal.
	var prev calc.Sum
	for _, w := range months {
		if w.Starting != prev {
			fail("%s %s: Starting %s != previous Ending %s", what, w.Month, w.Starting, prev)
		}
		end := w.Starting
		end.AddSum(w.NetNew)
		end.AddSum(w.FXImpact)
		if end != w.Ending {
			fail("%s %s: Starting %s + NetNew %s + FXImpact %s != Ending %s", what, w.Month, w.Starting, w.NetNew, w.FXImpact, w.Ending)
		}
		net := w.New
		net.AddSum(w.Expansion)
		net.AddSum(w.Reactivation)
		net.AddSum(w.Contraction.Neg())
		net.AddSum(w.Churn.Neg())
		if net != w.NetNew {
			fail("%s %s: New+Expansion+Reactivation−Contraction−Churn = %s, NetNew = %s", what, w.Month, net, w.NetNew)
		}
		for _, s := range []struct {
			name string
			v    calc.Sum
		}{{"New", w.New}, {"Expansion", w.Expansion}, {"Reactivation", w.Reactivation}, {"Contraction", w.Contraction}, {"Churn", w.Churn}} {
			if s.v.Sign() < 0 {
				fail("%s %s: %s = %s is negative", what, w.Month, s.name, s.v)
			}
		}
		prev = w.Ending
	}
}

func TestMonthlyFXProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250301, 7))
	failures := caseFailures{t: t}
	fxMoves, fxMonths := 0, 0
	for iter := range viewCases {
		pc := genCase(rng)
		rs := genMonthlyRates(rng)
		b := viewBookOf(t, pc, rs, nil)
		res := b.Compute(pc.asOf)
		ref := newViewRef(pc, rs)
		var errs []string
		fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

		// (An empty result is left to TestFXFlagWithoutPayingRows.)
		if !res.MonthlyFX && len(res.Months) > 0 {
			fail("MonthlyFX is false with monthly rates")
		}
		if len(res.Months) != max(ref.months(), 0) {
			fail("%d months, reference %d from %s", len(res.Months), ref.months(), ref.first)
			failures.report(iter, errs, pc, rs)
			continue
		}
		checkChain("result", res.Months, fail)

		// Each month at its own rates, each customer rounded to the cent,
		// and FX impact = the change in value of what continuing customers
		// paid the month before: that value at this month's rates, rounded,
		// less what was reported. A customer near a half cent (see
		// rounded) may be a cent off.
		var prev map[string][]int // customer → rows active at the previous measure
		prevMRR := map[string]decimal.Decimal{}
		for j, w := range res.Months {
			m := ref.first + calc.Month(j)
			d := ref.measure(j)
			cur, unsure := rounded(ref.monthMRR(j, nil))
			if got, want := w.Ending.Decimal(), sumOf(cur); !within(got, want, cents(len(unsure))) {
				fail("%s: Ending %s, reference %s at this month's rates", m, got, want)
			}
			if len(unsure) == 0 && w.Customers != len(cur) {
				fail("%s: Customers %d, reference %d", m, w.Customers, len(cur))
			}
			fx, fxUnsure := decimal.Zero, 0
			for c, rows := range prev {
				if !cur[c].IsPositive() || !prevMRR[c].IsPositive() {
					continue // new or churned: no FX impact
				}
				revalued := decimal.Zero
				for _, i := range rows {
					revalued = revalued.Add(ref.value(i, m))
				}
				if nearHalfCent(revalued) {
					fxUnsure++
				}
				if r := revalued.Round(2); !r.IsZero() {
					fx = fx.Add(r.Sub(prevMRR[c]))
				}
			}
			if got := w.FXImpact.Decimal(); !within(got, fx, cents(fxUnsure+len(unsure))) {
				fail("%s: FXImpact %s, reference %s", m, got, fx)
			}
			if !w.FXImpact.Decimal().IsZero() {
				fxMonths++
			}
			prev = make(map[string][]int)
			for i, s := range pc.rows {
				if ref.active(i, d) {
					prev[s.CustomerID] = append(prev[s.CustomerID], i)
				}
			}
			prevMRR = cur
		}

		// FX movements add up to the month's FX impact, and no customer has
		// one in a month it is new, reactivated or churns.
		fxSum := make(map[calc.Month]decimal.Decimal)
		type key struct {
			m calc.Month
			c uint32
		}
		kinds := make(map[key][]calc.Kind)
		for _, mv := range res.Movements() {
			kinds[key{mv.Month, mv.Customer}] = append(kinds[key{mv.Month, mv.Customer}], mv.Kind)
			if mv.Kind == calc.FXImpact {
				fxSum[mv.Month] = fxSum[mv.Month].Add(mv.After.Decimal().Sub(mv.Before.Decimal()))
				fxMoves++
			}
		}
		for k, ks := range kinds {
			if slices.Contains(ks, calc.FXImpact) &&
				(slices.Contains(ks, calc.New) || slices.Contains(ks, calc.Reactivation) || slices.Contains(ks, calc.Churn)) {
				fail("%s: customer %s has FX impact in a month it is %v", k.m, res.Customers[k.c].ID, ks)
			}
		}
		for _, w := range res.Months {
			if !fxSum[w.Month].Equal(w.FXImpact.Decimal()) {
				fail("%s: FX impact movements add up to %s, waterfall says %s", w.Month, fxSum[w.Month], w.FXImpact)
			}
		}
		failures.report(iter, errs, pc, rs)
	}
	failures.done(viewCases)
	// A property test that never meets an FX impact proves little.
	if fxMoves < atLeast || fxMonths < atLeast {
		t.Errorf("only %d FX impact movements in %d months over %d cases", fxMoves, fxMonths, viewCases)
	}
}

func TestCohortProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250401, 11))
	failures := caseFailures{t: t}
	cohorts := 0
	for iter := range viewCases {
		pc := genCase(rng)
		rs := singleRates()
		if iter%2 == 1 {
			rs = genMonthlyRates(rng)
		}
		res := viewBookOf(t, pc, rs, nil).Compute(pc.asOf)
		ref := newViewRef(pc, rs)
		var errs []string
		fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
		if len(res.Months) != max(ref.months(), 0) {
			fail("%d months, reference %d", len(res.Months), ref.months())
			failures.report(iter, errs, pc, rs)
			continue
		}

		// Reference: each customer's MRR at every month end, and its cohort
		// (the month it first pays).
		mrr := make([]map[string]decimal.Decimal, len(res.Months))
		unsureAt := make([]int, len(res.Months)) // customers near a half cent
		cohortOf := make(map[string]calc.Month)
		for j := range res.Months {
			m := ref.first + calc.Month(j)
			var unsure map[string]bool
			mrr[j], unsure = rounded(ref.monthMRR(j, nil))
			unsureAt[j] = len(unsure)
			for c := range mrr[j] {
				if _, ok := cohortOf[c]; !ok {
					cohortOf[c] = m
				}
			}
		}
		var wantMonths []calc.Month
		for _, m := range cohortOf {
			if !slices.Contains(wantMonths, m) {
				wantMonths = append(wantMonths, m)
			}
		}
		slices.Sort(wantMonths)

		cs := res.Cohorts()
		var gotMonths []calc.Month
		sums := make([]calc.Sum, len(res.Months))
		paying := make([]int, len(res.Months))
		for _, c := range cs {
			gotMonths = append(gotMonths, c.Month)
			j0 := int(c.Month - ref.first)
			if n := len(res.Months) - j0; len(c.MRR) != n || len(c.Paying) != n {
				fail("cohort %s: %d MRR and %d Paying values, want %d (through %s)", c.Month, len(c.MRR), len(c.Paying), n, ref.last)
				continue
			}
			r0, l0 := c.Retention(0), c.LogoRetention(0)
			if !r0.Valid || !r0.Decimal.Equal(decimal.NewFromInt(1)) {
				fail("cohort %s: Retention(0) = %v (valid %v), want exactly 1", c.Month, r0.Decimal, r0.Valid)
			}
			if !l0.Valid || !l0.Decimal.Equal(decimal.NewFromInt(1)) {
				fail("cohort %s: LogoRetention(0) = %v (valid %v), want exactly 1", c.Month, l0.Decimal, l0.Valid)
			}
			if c.Customers() != c.Paying[0] {
				fail("cohort %s: Customers() %d != Paying[0] %d", c.Month, c.Customers(), c.Paying[0])
			}
			for k := range c.MRR {
				j := j0 + k
				sums[j].AddSum(c.MRR[k])
				paying[j] += c.Paying[k]
				// Against the reference: the cohort's customers at month j.
				want, n := decimal.Zero, 0
				for cust, v := range mrr[j] {
					if cohortOf[cust] == c.Month {
						want = want.Add(v)
						n++
					}
				}
				if !within(c.MRR[k].Decimal(), want, cents(unsureAt[j])) {
					fail("cohort %s: MRR[%d] = %s, reference %s", c.Month, k, c.MRR[k], want)
				}
				if unsureAt[j] == 0 && c.Paying[k] != n {
					fail("cohort %s: Paying[%d] = %d, reference %d", c.Month, k, c.Paying[k], n)
				}
			}
			cohorts++
		}
		if !slices.Equal(gotMonths, wantMonths) {
			fail("cohort months %v, reference %v", gotMonths, wantMonths)
		}
		// The cohorts partition the customers: they add up to the result,
		// exactly, in every month.
		for j, w := range res.Months {
			if !sums[j].Decimal().Equal(w.Ending.Decimal()) {
				fail("%s: cohorts' MRR add up to %s, Ending %s", w.Month, sums[j], w.Ending)
			}
			if paying[j] != w.Customers {
				fail("%s: cohorts' paying customers add up to %d, Customers %d", w.Month, paying[j], w.Customers)
			}
		}
		failures.report(iter, errs, pc, rs)
	}
	failures.done(viewCases)
	t.Logf("%d cases, %d cohorts", viewCases, cohorts)
}

func TestSegmentProperties(t *testing.T) {
	testSegmentProperties(t, false)
}

// TestSegmentPropertiesMonthlyFX is TestSegmentProperties with monthly
// exchange rates, so that segments have FX impact too.
func TestSegmentPropertiesMonthlyFX(t *testing.T) {
	testSegmentProperties(t, true)
}

func testSegmentProperties(t *testing.T, monthlyFX bool) {
	seed := uint64(20250501)
	if monthlyFX {
		seed++
	}
	rng := rand.New(rand.NewPCG(seed, 13))
	failures := caseFailures{t: t}
	crossMoves := 0
	for iter := range viewCases {
		pc := genCase(rng)
		addSegments(rng, &pc)
		rs := singleRates()
		if monthlyFX {
			rs = genMonthlyRates(rng)
		}
		b := viewBookOf(t, pc, rs, segColumns)
		res := b.Compute(pc.asOf)
		ref := newViewRef(pc, rs)
		var errs []string
		fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
		if len(res.Months) != max(ref.months(), 0) {
			fail("%d months, reference %d", len(res.Months), ref.months())
			failures.report(iter, errs, pc, rs)
			continue
		}

		valueOf := func(col, i int) string {
			s := pc.rows[i]
			if col == 0 {
				return s.Plan
			}
			if col-1 < len(s.Segments) {
				return s.Segments[col-1]
			}
			return ""
		}
		columns := append([]string{calc.PlanColumn}, segColumns...)

		// Reference: per column, the values in the order stored rows first
		// show them, which may have a segment when some row of the value
		// counts on a measuring day, and must when some customer has a
		// cent or more in it then (its share is at least that rounded
		// down). A segment whose share always rounds to nothing has no MRR,
		// hence no segment.
		type seg struct {
			col   int
			value string
		}
		var maySegs []seg
		mustSegs := map[seg]bool{}
		for col := range columns {
			var order []string
			for i := range pc.rows {
				if v := valueOf(col, i); ref.native[i].IsPositive() && !slices.Contains(order, v) {
					order = append(order, v)
				}
			}
			for _, v := range order {
				has := false
				for i := range pc.rows {
					for j := range res.Months {
						if valueOf(col, i) == v && ref.active(i, ref.measure(j)) {
							has = true
						}
					}
				}
				if has {
					maySegs = append(maySegs, seg{col, v})
				}
				for j := range res.Months {
					for _, x := range ref.monthMRR(j, func(i int) bool { return valueOf(col, i) == v }) {
						if x.GreaterThanOrEqual(cents(1)) {
							mustSegs[seg{col, v}] = true
						}
					}
				}
			}
		}
		var gotSegs []seg
		segments := res.Segments()
		for _, s := range segments {
			col := slices.Index(columns, s.Column)
			if col < 0 || s.Other {
				fail("segment %q=%q (Other %v): unexpected", s.Column, s.Value, s.Other)
				continue
			}
			gotSegs = append(gotSegs, seg{col, s.Value})
		}
		may := slices.Clone(maySegs) // gotSegs must be a subsequence of it
		for _, g := range gotSegs {
			i := slices.Index(may, g)
			if i < 0 {
				fail("segments %v, reference %v: %v is unexpected or out of order (column index, value)", gotSegs, maySegs, g)
				break
			}
			may = may[i+1:]
		}
		for sg := range mustSegs {
			if !slices.Contains(gotSegs, sg) {
				fail("segments %v: %v is missing (column index, value)", gotSegs, sg)
			}
		}

		// Sums per column and month.
		type totals struct {
			starting, ending, netNew, new, react, churn, fx, expMinusContr calc.Sum
			expansion                                                      calc.Sum
		}
		sums := make([][]totals, len(columns))
		for col := range sums {
			sums[col] = make([]totals, len(res.Months))
		}
		for _, s := range segments {
			col := slices.Index(columns, s.Column)
			if col < 0 {
				continue
			}
			what := fmt.Sprintf("segment %s=%q", s.Column, s.Value)
			if len(s.Months) != len(res.Months) {
				fail("%s: %d months, result %d", what, len(s.Months), len(res.Months))
				continue
			}
			checkChain(what, s.Months, fail)
			for j, w := range s.Months {
				if w.Month != res.Months[j].Month {
					fail("%s: Months[%d] is %s, result's %s", what, j, w.Month, res.Months[j].Month)
				}
				if !monthlyFX && w.FXImpact.Sign() != 0 {
					fail("%s %s: FX impact %s without monthly rates", what, w.Month, w.FXImpact)
				}
				acc := &sums[col][j]
				acc.starting.AddSum(w.Starting)
				acc.ending.AddSum(w.Ending)
				acc.netNew.AddSum(w.NetNew)
				acc.new.AddSum(w.New)
				acc.react.AddSum(w.Reactivation)
				acc.churn.AddSum(w.Churn)
				acc.fx.AddSum(w.FXImpact)
				acc.expMinusContr.AddSum(w.Expansion)
				acc.expMinusContr.AddSum(w.Contraction.Neg())
				acc.expansion.AddSum(w.Expansion)

				// Each customer's share of the segment is its exact MRR
				// there rounded up or down to the cent (the customer's
				// rounded MRR is shared out by largest remainder), so the
				// segment is within a cent per customer of its rows' exact
				// sum, and pays for at least the customers with a cent or
				// more in it and at most those with anything in it.
				cm := ref.monthMRR(j, func(i int) bool { return valueOf(col, i) == s.Value })
				if got, want := w.Ending.Decimal(), sumOf(cm); !within(got, want, cents(len(cm)).Add(tolerance)) {
					fail("%s %s: Ending %s, reference %s for %d customers", what, w.Month, got, want, len(cm))
				}
				least := 0
				for _, v := range cm {
					if v.GreaterThanOrEqual(cents(1)) {
						least++
					}
				}
				if w.Customers < least || w.Customers > len(cm) {
					fail("%s %s: Customers %d, reference %d to %d", what, w.Month, w.Customers, least, len(cm))
				}
				if d := w.Ending.Decimal(); !d.Equal(d.Round(2)) {
					fail("%s %s: Ending %s is not a whole number of cents", what, w.Month, d)
				}
			}
		}
		for col, name := range columns {
			for j, w := range res.Months {
				got := sums[col][j]
				expMinusContr := w.Expansion
				expMinusContr.AddSum(w.Contraction.Neg())
				if got.expansion.Decimal().GreaterThan(w.Expansion.Decimal()) {
					crossMoves++ // some customer moved between segments
				}
				for _, c := range []struct {
					name      string
					got, want calc.Sum
				}{
					{"Starting", got.starting, w.Starting},
					{"Ending", got.ending, w.Ending},
					{"NetNew", got.netNew, w.NetNew},
					{"New", got.new, w.New},
					{"Reactivation", got.react, w.Reactivation},
					{"Churn", got.churn, w.Churn},
					{"FXImpact", got.fx, w.FXImpact},
					{"Expansion − Contraction", got.expMinusContr, expMinusContr},
				} {
					// Exactly: the segments share out each customer's
					// rounded MRR.
					diff := c.got
					diff.AddSum(c.want.Neg())
					if diff.Sign() != 0 {
						fail("%s, column %s: segments' %s add up to %s, result %s (off by %s)",
							w.Month, name, c.name, c.got, c.want, diff)
					}
				}
			}
		}
		failures.report(iter, errs, pc, rs)
	}
	failures.done(viewCases)
	// Segments that never see a move between segments prove little.
	if crossMoves < atLeast {
		t.Errorf("only %d segment-months with moves between segments over %d cases", crossMoves, viewCases)
	}
}

func TestOutlookProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20250601, 17))
	failures := caseFailures{t: t}
	atRisk := 0
	for iter := range viewCases {
		pc := genCase(rng)
		rs := singleRates() // no monthly FX
		b := viewBookOf(t, pc, rs, nil)
		res := b.Compute(pc.asOf)
		ref := newViewRef(pc, rs)
		var errs []string
		fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }

		// On the as-of date the outlook's MRR is the as-of month's Ending.
		o := res.Outlook(pc.asOf)
		ending := decimal.Zero
		if n := len(res.Months); n > 0 {
			ending = res.Months[n-1].Ending.Decimal()
		}
		if !o.MRR.Decimal().Equal(ending) {
			fail("Outlook(as of %s).MRR = %s, as-of month's Ending %s", pc.asOf, o.MRR, ending)
		}
		var days []int
		for _, h := range o.Horizons {
			days = append(days, h.Days)
		}
		if !slices.Equal(days, calc.DefaultHorizons) {
			fail("default horizons %v, want %v", days, calc.DefaultHorizons)
		}

		// Against the reference, from the as-of date or another day, with
		// random horizons.
		from := pc.asOf
		if rng.IntN(2) == 0 {
			from = pc.asOf - 200 + calc.Date(rng.IntN(400))
		}
		days = nil
		for range 1 + rng.IntN(5) {
			if d := 1 + rng.IntN(720); !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
		o = res.Outlook(from, days...)
		errs = append(errs, checkOutlook(res, ref, o, from, days)...)
		for _, h := range o.Horizons {
			atRisk += len(h.Customers)
		}

		// AtRisk is non-decreasing with the horizon when no row starts
		// after From: each customer then only loses rows as Until moves
		// on. (A row starting after From can make it fall: see
		// TestOutlookRenewalAfterGap.)
		var started propCase
		started.asOf = pc.asOf
		for _, s := range pc.rows {
			if s.Start <= from {
				started.rows = append(started.rows, s)
			}
		}
		res2 := viewBookOf(t, started, rs, nil).Compute(pc.asOf)
		var many []int
		for d := 1; d <= 800; d += 1 + rng.IntN(20) {
			many = append(many, d)
		}
		o2 := res2.Outlook(from, many...)
		for h := 1; h < len(o2.Horizons); h++ {
			prev, cur := o2.Horizons[h-1], o2.Horizons[h]
			if cur.AtRisk.Decimal().LessThan(prev.AtRisk.Decimal()) {
				fail("no row starts after %s, yet AtRisk falls from %s at %d days to %s at %d days",
					from, prev.AtRisk, prev.Days, cur.AtRisk, cur.Days)
			}
		}
		if len(o2.Horizons) > 0 && o2.Committed.Sign() < 0 {
			fail("Committed %s is negative", o2.Committed)
		}
		failures.report(iter, errs, pc, rs)
	}
	failures.done(viewCases)
	if atRisk < 200 {
		t.Errorf("only %d at-risk customers over %d cases", atRisk, viewCases)
	}
}

// checkOutlook checks o, the outlook of from with horizons days, against
// the reference: each customer's MRR on From and on each Until, counting
// all its rows, rounded to the cent. A customer near a half cent on either
// day may be a cent off.
func checkOutlook(res *calc.Result, ref *viewRef, o calc.Outlook, from calc.Date, days []int) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	sorted := slices.Clone(days)
	sort.Ints(sorted)
	if o.From != from {
		fail("From %s, want %s", o.From, from)
	}
	m := from.Month()
	onFrom, unsureFrom := rounded(ref.customerMRR(from, m, nil))
	if !within(o.MRR.Decimal(), sumOf(onFrom), cents(len(unsureFrom))) {
		fail("outlook of %s: MRR %s, reference %s", from, o.MRR, sumOf(onFrom))
	}
	if len(o.Horizons) != len(sorted) {
		fail("outlook of %s: %d horizons, want %d", from, len(o.Horizons), len(sorted))
		return errs
	}
	for h, hz := range o.Horizons {
		until := from + calc.Date(sorted[h])
		if hz.Days != sorted[h] || hz.Until != until {
			fail("horizon %d: Days %d Until %s, want %d %s", h, hz.Days, hz.Until, sorted[h], until)
			continue
		}
		onUntil, unsureUntil := rounded(ref.customerMRR(until, m, nil))
		unsure := func(c string) bool { return unsureFrom[c] || unsureUntil[c] }
		slack := 0
		for c := range onFrom {
			if unsure(c) {
				slack++
			}
		}
		want := decimal.Zero
		drops := make(map[string]decimal.Decimal)
		for c, v := range onFrom {
			if d := v.Sub(onUntil[c]); d.IsPositive() {
				want = want.Add(d)
				drops[c] = d
			}
		}
		if !within(hz.AtRisk.Decimal(), want, cents(slack)) {
			fail("%d days: AtRisk %s, reference %s", hz.Days, hz.AtRisk, want)
		}
		var sum calc.Sum
		seen := make(map[string]bool)
		for k, a := range hz.Customers {
			id := res.Customers[a.Customer].ID
			seen[id] = true
			sum.Add(a.Drop())
			if a.Drop() <= 0 {
				fail("%d days: customer %s listed with drop %s", hz.Days, id, a.Drop())
			}
			if k > 0 && a.Drop() > hz.Customers[k-1].Drop() {
				fail("%d days: customer %s's drop %s follows a smaller one, %s", hz.Days, id, a.Drop(), hz.Customers[k-1].Drop())
			}
			if !unsure(id) && (!a.MRR.Decimal().Equal(onFrom[id]) || !a.After.Decimal().Equal(onUntil[id])) {
				fail("%d days: customer %s MRR %s → %s, reference %s → %s", hz.Days, id, a.MRR, a.After, onFrom[id], onUntil[id])
			}
			// LastDay: the earliest end, before Until, of its rows active
			// on From.
			last := calc.NoEnd
			for i, s := range ref.pc.rows {
				if s.CustomerID == id && ref.active(i, from) && s.End < until {
					last = min(last, s.End)
				}
			}
			if a.LastDay != last {
				fail("%d days: customer %s LastDay %s, reference %s", hz.Days, id, a.LastDay, last)
			}
		}
		if !sum.Decimal().Equal(hz.AtRisk.Decimal()) {
			fail("%d days: drops add up to %s, AtRisk %s", hz.Days, sum, hz.AtRisk)
		}
		for c, d := range drops {
			if !unsure(c) && !seen[c] {
				fail("%d days: customer %s drops %s (%s → %s) but is not listed", hz.Days, c, d, onFrom[c], onUntil[c])
			}
		}
	}
	if n := len(o.Horizons); n > 0 {
		want := o.MRR.Decimal().Sub(o.Horizons[n-1].AtRisk.Decimal())
		if !o.Committed.Decimal().Equal(want) {
			fail("Committed %s, want MRR − AtRisk of the longest horizon = %s", o.Committed, want)
		}
	}
	return errs
}
