package calc_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

// monthRowOf is one month of a result as monthRows shows it, or an empty
// month when the result does not reach m.
func monthRowOf(res *calc.Result, m calc.Month) monthRow {
	w, ok := res.Month(m)
	if !ok {
		w = calc.Waterfall{Month: m}
	}
	return monthRows(&calc.Result{Months: []calc.Waterfall{w}})[0]
}

func TestComputeLocked(t *testing.T) {
	through := month("2025-07")
	for _, tc := range []struct {
		name      string
		edit      func([]calc.Subscription) []calc.Subscription
		august    monthRow
		moves     []move // August's
		customers []calc.Customer
	}{{
		name:   "no change",
		edit:   func(r []calc.Subscription) []calc.Subscription { return r },
		august: mrow("2025-08", "330", "0", "0", "0", "0", "0", "330", 2, 2, 0, 0, 0),
	}, {
		name: "past amount edited",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Amount = fixed("250")
			return r
		},
		august: mrow("2025-08", "330", "0", "50", "0", "0", "0", "380", 2, 2, 0, 0, 0),
		moves:  []move{{"2025-08", "C", "Expansion", "50", "200", "250"}},
	}, {
		name: "customer deleted",
		edit: func(r []calc.Subscription) []calc.Subscription {
			return renumber(slices.Delete(r, 2, 3))
		},
		august:    mrow("2025-08", "330", "0", "0", "0", "0", "200", "130", 2, 1, 0, 1, 0),
		moves:     []move{{"2025-08", "C", "Churn", "200", "200", "0"}},
		customers: []calc.Customer{{ID: "A"}, {ID: "B"}, {ID: "C"}},
	}, {
		// By the sheet D has paid since May; by the locked books it is new
		// in the first open month.
		name: "customer added with a back-dated start",
		edit: func(r []calc.Subscription) []calc.Subscription {
			return append(r, sub(6, "D", "Pro", "80", "2025-05-01", ""))
		},
		august:    mrow("2025-08", "330", "80", "0", "0", "0", "0", "410", 2, 3, 1, 0, 0),
		moves:     []move{{"2025-08", "D", "New", "80", "0", "80"}},
		customers: []calc.Customer{{ID: "A"}, {ID: "B"}, {ID: "C"}, {ID: "D"}},
	}, {
		// B's row now starts in August: new by the sheet, but the locked
		// books had B paying from February to June.
		name: "reactivation told by the locked figures",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[1].Start, r[1].End = day("2025-08-01"), calc.NoEnd
			return r
		},
		august: mrow("2025-08", "330", "0", "0", "50", "0", "0", "380", 2, 3, 0, 0, 1),
		moves:  []move{{"2025-08", "B", "Reactivation", "50", "0", "50"}},
	}, {
		name: "start back-dated into closed months",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Start = day("2024-11-20")
			return r
		},
		august: mrow("2025-08", "330", "0", "0", "0", "0", "0", "330", 2, 2, 0, 0, 0),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			orig := bookOf(t, baseRows()...).Compute(day(baseAsOf))
			h := orig.History(through)
			edited := bookOf(t, tc.edit(baseRows())...)
			live := edited.Compute(day(baseAsOf))
			res := computeLocked(edited, day(baseAsOf), h)
			for _, err := range checkIdentities(res) {
				t.Error(err)
			}

			// Closed months: the original figures, whatever the sheet says.
			first := min(res.Months[0].Month, orig.Months[0].Month)
			for m := first; m <= through; m++ {
				if diff := cmp.Diff(monthRowOf(orig, m), monthRowOf(res, m)); diff != "" {
					t.Errorf("locked %s (-original +got):\n%s", m, diff)
				}
			}
			if got := res.Months[len(res.Months)-1].Month; got != month("2025-08") {
				t.Errorf("last month %s, want 2025-08", got)
			}
			// The first open month continues from the locked July and ends
			// where the sheet does.
			if diff := cmp.Diff(tc.august, monthRowOf(res, month("2025-08"))); diff != "" {
				t.Errorf("August (-want +got):\n%s", diff)
			}
			if got, want := monthRowOf(res, month("2025-08")).Ending, monthRowOf(live, month("2025-08")).Ending; got != want {
				t.Errorf("August ends at %s, the sheet at %s", got, want)
			}
			var aug []move
			for _, mv := range moves(res) {
				if mv.Month == "2025-08" {
					aug = append(aug, mv)
				}
			}
			if diff := cmp.Diff(tc.moves, aug); diff != "" {
				t.Errorf("August movements (-want +got):\n%s", diff)
			}
			if tc.customers != nil {
				if diff := cmp.Diff(tc.customers, res.Customers); diff != "" {
					t.Errorf("Customers (-want +got):\n%s", diff)
				}
			}
			// Recording the locked result gives the locked history back.
			if diff := cmp.Diff(h, res.History(through)); diff != "" {
				t.Errorf("History of the locked result (-locked +got):\n%s", diff)
			}
		})
	}
}

// With nothing locked, ComputeLocked is Compute.
func TestComputeLockedNothingLocked(t *testing.T) {
	b := bookOf(t, baseRows()...)
	for _, h := range []calc.History{{}, {Through: month("2024-06")}} {
		want := b.Compute(day(baseAsOf))
		got := computeLocked(b, day(baseAsOf), h)
		if diff := cmp.Diff(monthRows(want), monthRows(got)); diff != "" {
			t.Errorf("locked through %s: Months (-Compute +ComputeLocked):\n%s", h.Through, diff)
		}
		if diff := cmp.Diff(moves(want), moves(got)); diff != "" {
			t.Errorf("locked through %s: Movements (-Compute +ComputeLocked):\n%s", h.Through, diff)
		}
	}
	empty := computeLocked(bookOf(t), day(baseAsOf), calc.History{})
	if len(empty.Months) != 0 || len(empty.Movements()) != 0 {
		t.Errorf("empty book, empty history: %d months, %d movements", len(empty.Months), len(empty.Movements()))
	}
}

// A history that reaches past the as-of month locks every month.
func TestComputeLockedThroughAsOf(t *testing.T) {
	orig := bookOf(t, baseRows()...).Compute(day(baseAsOf))
	h := orig.History(month("2025-07"))
	rows := baseRows()
	rows[2].Amount = fixed("250")
	res := computeLocked(bookOf(t, rows...), day("2025-06-15"), h)
	if n := len(res.Months); n != 6 || res.Months[n-1].Month != month("2025-06") {
		t.Fatalf("%d months, want January through June", n)
	}
	for _, w := range res.Months {
		if diff := cmp.Diff(monthRowOf(orig, w.Month), monthRowOf(res, w.Month)); diff != "" {
			t.Errorf("%s (-original +got):\n%s", w.Month, diff)
		}
	}
}

// checkIdentities checks what must hold in any result: the waterfall adds
// up and chains month to month, the movements add up to it, and each
// customer's movements chain and are classified by the rules.
func checkIdentities(res *calc.Result) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	var prevEnding calc.Sum
	prevCustomers := 0
	for i, w := range res.Months {
		if i > 0 && w.Month != res.Months[i-1].Month+1 {
			fail("Months[%d] is %s, after %s", i, w.Month, res.Months[i-1].Month)
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
			fail("%s: Customers %d, want %d", w.Month, got, want)
		}
		prevEnding, prevCustomers = w.Ending, w.Customers
	}

	sums := make(map[calc.Month]*[5]calc.Sum)
	mrr := make(map[uint32]calc.Fixed)
	paid := make(map[uint32]bool)
	prevMonth := calc.Month(-1 << 31)
	for _, mv := range res.Movements() {
		if _, ok := res.Month(mv.Month); !ok {
			fail("movement in %s, outside the result", mv.Month)
			continue
		}
		if mv.Month < prevMonth {
			fail("movement in %s after one in %s", mv.Month, prevMonth)
		}
		prevMonth = mv.Month
		id := res.Customers[mv.Customer].ID
		if mv.Before != mrr[mv.Customer] {
			fail("%s %s: Before %s, but the last movement left %s", mv.Month, id, mv.Before, mrr[mv.Customer])
		}
		var want calc.Kind
		switch {
		case mv.Before == mv.After:
			fail("%s %s: a movement from %s to itself", mv.Month, id, mv.Before)
		case mv.Before == 0 && !paid[mv.Customer]:
			want = calc.New
		case mv.Before == 0:
			want = calc.Reactivation
		case mv.After == 0:
			want = calc.Churn
		case mv.After > mv.Before:
			want = calc.Expansion
		default:
			want = calc.Contraction
		}
		if mv.Kind != want {
			fail("%s %s: %s from %s to %s, want %s", mv.Month, id, mv.Kind, mv.Before, mv.After, want)
		}
		mrr[mv.Customer], paid[mv.Customer] = mv.After, true
		if sums[mv.Month] == nil {
			sums[mv.Month] = new([5]calc.Sum)
		}
		sums[mv.Month][mv.Kind].Add(mv.Amount())
	}
	for _, w := range res.Months {
		s := sums[w.Month]
		if s == nil {
			s = new([5]calc.Sum)
		}
		for k, want := range [5]calc.Sum{w.New, w.Expansion, w.Reactivation, w.Contraction, w.Churn} {
			if !s[k].Decimal().Equal(want.Decimal()) {
				fail("%s: %s movements add up to %s, waterfall says %s", w.Month, calc.Kind(k), s[k], want)
			}
		}
	}
	return errs
}

// editCase changes a random sheet the way people edit sheets: amounts,
// dates, customers and statuses changed in place, rows deleted, inserted
// and sorted. Row numbers follow the rows, as a sheet's do.
func editCase(rng *rand.Rand, pc propCase) (propCase, []string) {
	rows := slices.Clone(pc.rows)
	var did []string
	for range rng.IntN(4) {
		if len(rows) == 0 {
			break
		}
		i := rng.IntN(len(rows))
		s := &rows[i]
		switch rng.IntN(8) {
		case 0:
			s.Amount = calc.Fixed(100+rng.IntN(500_000)) * 10_000_000
			did = append(did, fmt.Sprintf("row %d: amount %s", s.Row, s.Amount))
		case 1:
			did = append(did, fmt.Sprintf("row %d: deleted", s.Row))
			rows = slices.Delete(rows, i, i+1)
		case 2:
			s.Start += calc.Date(rng.IntN(361) - 180)
			if s.Start > s.End {
				s.End = s.Start + calc.Date(rng.IntN(60))
			}
			did = append(did, fmt.Sprintf("row %d: start %s", s.Row, s.Start))
		case 3:
			s.End = s.Start + calc.Date(rng.IntN(600))
			did = append(did, fmt.Sprintf("row %d: end %s", s.Row, s.End))
		case 4:
			s.CustomerID = fmt.Sprintf("C%02d", rng.IntN(16))
			did = append(did, fmt.Sprintf("row %d: customer %s", s.Row, s.CustomerID))
		case 5:
			if s.Status == calc.Trial {
				s.Status = calc.Active
			} else {
				s.Status = calc.Trial
			}
			did = append(did, fmt.Sprintf("row %d: status %v", s.Row, s.Status))
		case 6:
			n := *s
			n.CustomerID = fmt.Sprintf("C%02d", rng.IntN(16))
			n.Start = pc.asOf - calc.Date(rng.IntN(900))
			n.End = calc.NoEnd
			n.Status = calc.Active
			at := rng.IntN(len(rows) + 1)
			did = append(did, fmt.Sprintf("row inserted at %d: %s from %s", at+2, n.CustomerID, n.Start))
			rows = slices.Insert(rows, at, n)
		case 7:
			rng.Shuffle(len(rows), func(a, b int) { rows[a], rows[b] = rows[b], rows[a] })
			did = append(did, "rows shuffled")
		}
	}
	return propCase{rows: renumber(rows), asOf: pc.asOf}, did
}

// lenientBook adds the rows it can: an edit may make a row invalid, and a
// sync leaves such rows out.
func lenientBook(t testing.TB, rows []calc.Subscription) *calc.Book {
	b := newBook(t, propRates)
	for i := range rows {
		_ = b.Add(&rows[i])
	}
	return b
}

// TestClosedBooksProperties edits random sheets after closing their past
// months, and checks that both the live and the locked computation keep
// the waterfall's identities, that the locked one keeps the closed months
// and rejoins the sheet after them, and that the restatements are exactly
// the differences, each explained by its rows.
func TestClosedBooksProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20251130, 7))
	const iterations = 400
	restatedCases, restatements := 0, 0
	for iter := range iterations {
		pc := genCase(rng)
		edited, did := editCase(rng, pc)
		report := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d: %s\nedits: %s\nbefore:\n%safter:\n%s", iter, fmt.Sprintf(format, args...), strings.Join(did, "; "), pc, edited)
		}
		oldBook, newBook := lenientBook(t, pc.rows), lenientBook(t, edited.rows)
		orig := oldBook.Compute(pc.asOf)
		through := calc.LastClosed(pc.asOf) - calc.Month(rng.IntN(12))
		h := orig.History(through)
		if h.Through != through {
			report("History(%s).Through = %s", through, h.Through)
		}
		live := newBook.Compute(pc.asOf)
		locked := computeLocked(newBook, pc.asOf, h)
		for name, res := range map[string]*calc.Result{"original": orig, "live": live, "locked": locked} {
			if errs := checkIdentities(res); len(errs) > 0 {
				report("%s: %s", name, strings.Join(errs[:min(len(errs), 10)], "\n"))
			}
		}

		// Locked: the closed months as recorded, the open ones as the
		// sheet ends them.
		if len(locked.Months) > 0 {
			for m := locked.Months[0].Month; m <= pc.asOf.Month(); m++ {
				got := monthRowOf(locked, m)
				if m <= through {
					if diff := cmp.Diff(monthRowOf(orig, m), got); diff != "" {
						report("locked %s (-original +locked):\n%s", m, diff)
					}
					continue
				}
				if want := monthRowOf(live, m); got.Ending != want.Ending || got.Customers != want.Customers {
					report("open %s: locked ends at %s with %d customers, the sheet at %s with %d", m, got.Ending, got.Customers, want.Ending, want.Customers)
				}
			}
		}
		if diff := cmp.Diff(h, locked.History(through)); diff != "" {
			report("History of the locked result (-recorded +got):\n%s", diff)
		}

		// Restatements: exactly the (month, customer) pairs that differ.
		oldPrints, newPrints := oldBook.Prints(), newBook.Prints()
		got := calc.Restatements(h, oldPrints, live, newPrints)
		if len(did) == 0 && len(got) > 0 {
			report("%d restatements without an edit", len(got))
		}
		var want []calc.Restatement
		ids := map[string]bool{}
		for c := range h.Customers() {
			ids[c] = true
		}
		for _, c := range live.Customers {
			ids[c.ID] = true
		}
		sorted := slices.Sorted(func(yield func(string) bool) {
			for id := range ids {
				if !yield(id) {
					return
				}
			}
		})
		// genCase starts rows from 2023 and edits move them back at most
		// 30 months from the as-of date.
		for m := calc.MonthOf(2020, time.January); m <= through; m++ {
			for _, c := range sorted {
				if before, after := h.At(c, m), customerMRR(live, c, m); before != after {
					want = append(want, calc.Restatement{Month: m, Customer: c, Before: before, After: after})
				}
			}
		}
		strip := func(rs []calc.Restatement) []calc.Restatement {
			out := slices.Clone(rs)
			for i := range out {
				out[i].Rows = nil
			}
			return out
		}
		if diff := cmp.Diff(want, strip(got)); diff != "" {
			report("Restatements, rows aside (-want +got):\n%s", diff)
		}
		for _, rs := range got {
			if msg := checkExplained(rs, oldPrints, newPrints); msg != "" {
				report("%s %s (%s → %s): %s", rs.Month, rs.Customer, rs.Before, rs.After, msg)
			}
		}
		if len(got) > 0 {
			restatedCases++
			restatements += len(got)
		}
	}
	if restatedCases < iterations/4 {
		t.Errorf("only %d of %d cases restate anything", restatedCases, iterations)
	}
	t.Logf("%d cases, %d with restatements, %d restatements", iterations, restatedCases, restatements)
}

// checkExplained checks that a restatement's rows are rows of its customer
// and that their contributions on the month's last day account for the
// difference (to within the rounding of Before and After to the cent).
func checkExplained(rs calc.Restatement, oldPrints, newPrints []calc.RowPrint) string {
	find := func(prints []calc.RowPrint, row int) *calc.RowPrint {
		for i := range prints {
			if prints[i].Row == row {
				return &prints[i]
			}
		}
		return nil
	}
	day := rs.Month.LastDay()
	contribution := func(p *calc.RowPrint) decimal.Decimal {
		if p == nil || day < p.Start || day > p.End {
			return decimal.Zero
		}
		return p.MRR.Decimal()
	}
	var delta decimal.Decimal
	for _, rc := range rs.Rows {
		var o, n *calc.RowPrint
		switch rc.Kind {
		case calc.RowAdded:
			n = find(newPrints, rc.Row)
		case calc.RowRemoved:
			o = find(oldPrints, rc.OldRow)
		case calc.RowChanged:
			o, n = find(oldPrints, rc.OldRow), find(newPrints, rc.Row)
		default:
			return fmt.Sprintf("row kind %q", rc.Kind)
		}
		if (rc.Kind != calc.RowAdded && o == nil) || (rc.Kind != calc.RowRemoved && n == nil) {
			return fmt.Sprintf("%+v names no row", rc)
		}
		for _, p := range []*calc.RowPrint{o, n} {
			if p != nil && p.Customer != rs.Customer {
				return fmt.Sprintf("%+v is a row of %s", rc, p.Customer)
			}
		}
		if contribution(o).Equal(contribution(n)) {
			return fmt.Sprintf("%+v does not change the month", rc)
		}
		delta = delta.Add(contribution(n)).Sub(contribution(o))
	}
	// Before and After are rounded to the cent; the rows are exact.
	if d := delta.Sub(rs.After.Decimal().Sub(rs.Before.Decimal())).Abs(); d.GreaterThan(decimal.New(1, -2).Add(tolerance)) {
		return fmt.Sprintf("rows %+v account for %s", rs.Rows, delta)
	}
	return ""
}

// TestLockedKeepsFXImpact closes months that had an FX impact: a locked
// result that agrees with the sheet reports the same waterfall, FX impact
// and all, rather than turning the rate's change into expansion.
func TestLockedKeepsFXImpact(t *testing.T) {
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	jan := month("2025-01")
	rates := []calc.MonthlyRate{}
	for i, r := range []string{"1.10", "1.20", "1.15", "1.25"} {
		rates = append(rates, calc.MonthlyRate{Currency: "EUR", Month: jan + calc.Month(i), Rate: decimal.RequireFromString(r)})
	}
	if err := book.SetMonthlyRates(rates); err != nil {
		t.Fatal(err)
	}
	for _, s := range []calc.Subscription{
		sub(2, "A", "Pro", "1000", "2025-01-01", "2025-02-28"),
		sub(3, "A", "Pro", "1100", "2025-03-01", ""),
		sub(4, "B", "Pro", "500", "2025-02-01", ""),
	} {
		s.Currency = "EUR"
		if err := book.Add(&s); err != nil {
			t.Fatal(err)
		}
	}
	live := book.Compute(day("2025-04-30"))
	locked := live.Locked(live.History(jan + 2))
	if diff := cmp.Diff(live.Months, locked.Months, cmp.AllowUnexported(calc.Sum{})); diff != "" {
		t.Errorf("locked months (-live +locked):\n%s", diff)
	}
	if fx := locked.Months[2].FXImpact; fx.Sign() >= 0 {
		t.Errorf("March FX impact = %s, want the loss of 1.20 → 1.15", fx)
	}
}

// computeLocked computes b as of asOf with the books closed through
// locked.Through.
func computeLocked(b *calc.Book, asOf calc.Date, locked calc.History) *calc.Result {
	return b.Compute(asOf).Locked(locked)
}

// customerMRR returns the customer's MRR at the end of m as the result's
// movements report it: the After of its last movement at or before m, or
// 0. The as-of month is measured on the as-of date, and later months
// report the as-of MRR.
func customerMRR(r *calc.Result, customer string, m calc.Month) calc.Fixed {
	c := slices.IndexFunc(r.Customers, func(x calc.Customer) bool { return x.ID == customer })
	if c < 0 {
		return 0
	}
	var v calc.Fixed
	for _, mv := range r.Movements() {
		if mv.Month > m {
			break
		}
		if mv.Customer == uint32(c) {
			v = mv.After
		}
	}
	return v
}

// TestLockedFromStoredHistory: the books a sync records are read back
// through NewHistory, which drops an entry that repeats the month before;
// a month whose FX impact and movement cancel out has no entry of its
// own, and the locked result still gives back both, as a history recorded
// from a result gives back that result's closed months exactly.
//
// EUR 1.25 in January, 1.00 from February. A pays 100 EUR in January
// (125) and 125 EUR from February: February revalues 100 EUR at 1.00 =
// 100, FX impact −25, Expansion 25, Ending 125.
func TestLockedFromStoredHistory(t *testing.T) {
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
	if diff := cmp.Diff(want, viewRows(live.Months)); diff != "" {
		t.Fatalf("live months (-want +got):\n%s", diff)
	}
	recorded := live.History(month("2025-02"))
	stored, err := calc.NewHistory(recorded.Through, recorded.Entries) // as sheets reads it back
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, viewRows(live.Locked(stored).Months)); diff != "" {
		t.Errorf("locked months from the stored history (-want +got):\n%s", diff)
	}
}

// TestLockedFirstOpenMonthKeepsFXImpact: a customer whose closed figures
// were restated still has, in the first open month, the FX impact the
// rates make; only the restatement is a movement (FX impact is never
// counted as expansion or contraction).
//
// EUR 1.00 in January and February, 1.20 from March. A pays 100 EUR from
// January. The books closed through February recorded A at 90 (the row
// said 90 EUR then). As of March 31 the sheet has A at 100 EUR: its March
// FX impact is 100 × (1.20 − 1.00) = +20, as the live result reports. The
// locked March moves A from 90 to 120: FX impact +20 and Expansion 10
// (the restatement), not Expansion 30.
func TestLockedFirstOpenMonthKeepsFXImpact(t *testing.T) {
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
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("locked months (-want +got):\n%s", diff)
	}
}
