package calc_test

// Closed books: the history a sync records, row fingerprints, and the
// restatements found when the sheet changed under closed months. The
// expected values are worked out by hand from the rows.

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
)

// bookOf adds every row to a new book, failing the test on any error.
func bookOf(t testing.TB, rows ...calc.Subscription) *calc.Book {
	t.Helper()
	b := newBook(t, testRates)
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			t.Fatalf("Add(row %d): %v", rows[i].Row, err)
		}
	}
	return b
}

// baseRows is the sheet the closed-books tests start from. Month-end MRR:
//
//	        Jan  Feb  Mar  Apr  May  Jun  Jul  Aug (as of the 15th)
//	A       100  100  100  130  130  130  130  130
//	B         0   50   50   50   50   50    0    0
//	C         0    0  200  200  200  200  200  200
func baseRows() []calc.Subscription {
	return []calc.Subscription{
		sub(2, "A", "Pro", "100", "2025-01-01", ""),
		sub(3, "B", "Basic", "50", "2025-02-10", "2025-06-30"),
		sub(4, "C", "Pro", "200", "2025-03-01", ""),
		sub(5, "A", "Seats", "30", "2025-04-15", ""),
	}
}

const baseAsOf = "2025-08-15"

// baseEntries is the history of baseRows through 2025-07.
var baseEntries = []calc.HistoryEntry{
	{Customer: "A", Month: month("2025-01"), MRR: fixed("100")},
	{Customer: "A", Month: month("2025-04"), MRR: fixed("130")},
	{Customer: "B", Month: month("2025-02"), MRR: fixed("50")},
	{Customer: "B", Month: month("2025-07"), MRR: 0},
	{Customer: "C", Month: month("2025-03"), MRR: fixed("200")},
}

func TestHistory(t *testing.T) {
	res := bookOf(t, baseRows()...).Compute(day(baseAsOf))
	h := res.History(calc.LastClosed(day(baseAsOf)))
	want := calc.History{Through: month("2025-07"), Entries: baseEntries}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Fatalf("History(2025-07) (-want +got):\n%s", diff)
	}

	// Compact: one entry per movement through Through, and no more.
	n := 0
	for _, mv := range res.Movements() {
		if mv.Month <= h.Through {
			n++
		}
	}
	if len(h.Entries) != n {
		t.Errorf("%d entries for %d movements", len(h.Entries), n)
	}

	for _, tc := range []struct {
		customer, month, want string
	}{
		{"A", "2024-12", "0"},
		{"A", "2025-01", "100"},
		{"A", "2025-03", "100"},
		{"A", "2025-04", "130"},
		{"A", "2025-07", "130"},
		{"A", "2026-01", "130"}, // after Through: the value at Through
		{"B", "2025-01", "0"},
		{"B", "2025-06", "50"},
		{"B", "2025-07", "0"},
		{"C", "2025-02", "0"},
		{"C", "2025-05", "200"},
		{"", "2025-05", "0"},
		{"AA", "2025-05", "0"},
		{"Z", "2025-05", "0"},
	} {
		if got := h.At(tc.customer, month(tc.month)); got != fixed(tc.want) {
			t.Errorf("At(%q, %s) = %s, want %s", tc.customer, tc.month, got, tc.want)
		}
	}

	// Round trip: the history says what the result says, every closed month.
	for _, c := range res.Customers {
		for m := month("2024-11"); m <= h.Through; m++ {
			if got, want := h.At(c.ID, m), customerMRR(res, c.ID, m); got != want {
				t.Errorf("At(%s, %s) = %s, result says %s", c.ID, m, got, want)
			}
		}
	}

	var ids []string
	for c, es := range h.Customers() {
		ids = append(ids, c)
		for _, e := range es {
			if e.Customer != c {
				t.Errorf("Customers: %s yields an entry of %s", c, e.Customer)
			}
		}
	}
	if diff := cmp.Diff([]string{"A", "B", "C"}, ids); diff != "" {
		t.Errorf("Customers (-want +got):\n%s", diff)
	}
}

func TestHistoryThrough(t *testing.T) {
	rows := baseRows()
	for _, tc := range []struct {
		asOf, through, want string
	}{
		{"2025-08-15", "2025-07", "2025-07"},
		{"2025-08-15", "2025-12", "2025-07"}, // August is measured on the 15th
		{"2025-08-31", "2025-12", "2025-08"}, // August is measured on its last day
		{"2025-08-01", "2025-08", "2025-07"},
		{"2025-08-15", "2025-03", "2025-03"},
		{"2025-08-15", "2024-06", "2024-06"},
	} {
		res := bookOf(t, rows...).Compute(day(tc.asOf))
		h := res.History(month(tc.through))
		if h.Through != month(tc.want) {
			t.Errorf("as of %s, History(%s).Through = %s, want %s", tc.asOf, tc.through, h.Through, tc.want)
		}
		for _, e := range h.Entries {
			if e.Month > h.Through {
				t.Errorf("as of %s, History(%s) has an entry for %s", tc.asOf, tc.through, e.Month)
			}
		}
	}
	if got := bookOf(t).Compute(day(baseAsOf)).History(month("2025-07")); len(got.Entries) != 0 {
		t.Errorf("empty book: %d entries", len(got.Entries))
	}
}

func TestCustomerMRR(t *testing.T) {
	res := bookOf(t, baseRows()...).Compute(day(baseAsOf))
	for _, tc := range []struct {
		customer, month, want string
	}{
		{"A", "2025-03", "100"},
		{"A", "2025-08", "130"},
		{"B", "2025-07", "0"},
		{"C", "2025-02", "0"},
		{"C", "2025-08", "200"},
		{"C", "2027-01", "200"},
		{"nobody", "2025-05", "0"},
	} {
		if got := customerMRR(res, tc.customer, month(tc.month)); got != fixed(tc.want) {
			t.Errorf("CustomerMRR(%q, %s) = %s, want %s", tc.customer, tc.month, got, tc.want)
		}
	}
}

func TestNewHistory(t *testing.T) {
	// As a stored history might come back: out of order, with a leading
	// zero and a repeated value.
	stored := []calc.HistoryEntry{
		{Customer: "C", Month: month("2025-03"), MRR: fixed("200")},
		{Customer: "B", Month: month("2025-07"), MRR: 0},
		{Customer: "A", Month: month("2025-04"), MRR: fixed("130")},
		{Customer: "A", Month: month("2025-05"), MRR: fixed("130")},
		{Customer: "B", Month: month("2025-02"), MRR: fixed("50")},
		{Customer: "A", Month: month("2025-01"), MRR: fixed("100")},
		{Customer: "C", Month: month("2025-01"), MRR: 0},
	}
	orig := slices.Clone(stored)
	h, err := calc.NewHistory(month("2025-07"), stored)
	if err != nil {
		t.Fatal(err)
	}
	want := calc.History{Through: month("2025-07"), Entries: baseEntries}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("NewHistory (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orig, stored); diff != "" {
		t.Errorf("NewHistory modified its argument (-before +after):\n%s", diff)
	}

	for name, entries := range map[string][]calc.HistoryEntry{
		"no customer":  {{Month: month("2025-01"), MRR: 1}},
		"negative":     {{Customer: "A", Month: month("2025-01"), MRR: -1}},
		"after closed": {{Customer: "A", Month: month("2025-08"), MRR: 1}},
		"duplicate":    {{Customer: "A", Month: month("2025-01"), MRR: 1}, {Customer: "A", Month: month("2025-01"), MRR: 2}},
	} {
		if _, err := calc.NewHistory(month("2025-07"), entries); err == nil {
			t.Errorf("%s: NewHistory accepted %+v", name, entries)
		}
	}
}

// fnvReference hashes a print's content with hash/fnv, laid out as
// ContentHash documents it.
func fnvReference(p calc.RowPrint) uint64 {
	h := fnv.New64a()
	var buf []byte
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p.Customer)))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p.Plan)))
	buf = append(buf, p.Customer...)
	buf = append(buf, p.Plan...)
	buf = binary.LittleEndian.AppendUint32(buf, uint32(p.Start))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(p.End))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(p.MRR))
	h.Write(buf)
	return h.Sum64()
}

func TestPrints(t *testing.T) {
	rows := append(baseRows(),
		with(sub(6, "D", "Pro", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.Status = calc.Trial }),
		with(sub(7, "D", "Pro", "100", "2025-01-01", ""), func(s *calc.Subscription) { s.Status = calc.Free }),
		sub(8, "D", "Pro", "0", "2025-01-01", ""),
		with(sub(9, "E", "", "120", "2025-01-01", "2025-03-31"), func(s *calc.Subscription) {
			s.Interval = calc.Quarterly
			s.Status = calc.Cancelled
		}),
	)
	got := bookOf(t, rows...).Prints()
	want := []calc.RowPrint{
		{Row: 2, Customer: "A", Plan: "Pro", Start: day("2025-01-01"), End: calc.NoEnd, MRR: fixed("100")},
		{Row: 3, Customer: "B", Plan: "Basic", Start: day("2025-02-10"), End: day("2025-06-30"), MRR: fixed("50")},
		{Row: 4, Customer: "C", Plan: "Pro", Start: day("2025-03-01"), End: calc.NoEnd, MRR: fixed("200")},
		{Row: 5, Customer: "A", Plan: "Seats", Start: day("2025-04-15"), End: calc.NoEnd, MRR: fixed("30")},
		{Row: 9, Customer: "E", Plan: "", Start: day("2025-01-01"), End: day("2025-03-31"), MRR: fixed("40")},
	}
	for i := range want {
		want[i].Hash = fnvReference(want[i])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Prints: trial, free and zero rows have none (-want +got):\n%s", diff)
	}
	for _, p := range got {
		if p.Hash != p.ContentHash() {
			t.Errorf("row %d: Hash %x, ContentHash %x", p.Row, p.Hash, p.ContentHash())
		}
	}
	// The hash is a fixed function of the content: a stored print must
	// match in every later run.
	if got[0].Hash != 0x8d83280b8c8783d7 {
		t.Errorf("row 2: hash %#x changed; stored prints would no longer match", got[0].Hash)
	}

	// Only the content counts, not the row; every field of it counts.
	p := got[0]
	moved := p
	moved.Row = 40
	if moved.ContentHash() != p.Hash {
		t.Error("a moved row has a new hash")
	}
	for name, edit := range map[string]func(*calc.RowPrint){
		"customer": func(q *calc.RowPrint) { q.Customer = "A2" },
		"plan":     func(q *calc.RowPrint) { q.Plan = "Pro2" },
		"start":    func(q *calc.RowPrint) { q.Start++ },
		"end":      func(q *calc.RowPrint) { q.End = day("2026-01-31") },
		"mrr":      func(q *calc.RowPrint) { q.MRR++ },
		"boundary": func(q *calc.RowPrint) { q.Customer, q.Plan = "AP", "ro" },
	} {
		q := p
		edit(&q)
		if q.ContentHash() == p.Hash {
			t.Errorf("changing the %s keeps the hash", name)
		}
	}
}

// restated builds an expected restatement.
func restated(m, customer, before, after string, rows ...calc.RowChange) calc.Restatement {
	return calc.Restatement{Month: month(m), Customer: customer, Before: fixed(before), After: fixed(after), Rows: rows}
}

// restatedMonths builds one expected restatement per month from..through.
func restatedMonths(from, through, customer, before, after string, rows ...calc.RowChange) []calc.Restatement {
	var out []calc.Restatement
	for m := month(from); m <= month(through); m++ {
		out = append(out, restated(m.String(), customer, before, after, rows...))
	}
	return out
}

func changed(row, oldRow int) calc.RowChange {
	return calc.RowChange{Kind: calc.RowChanged, Row: row, OldRow: oldRow}
}

func added(row int) calc.RowChange { return calc.RowChange{Kind: calc.RowAdded, Row: row} }

func removed(row int) calc.RowChange {
	return calc.RowChange{Kind: calc.RowRemoved, Row: row, OldRow: row}
}

// renumber gives rows the row numbers a sheet shows after rows were
// inserted or deleted: 2, 3, ...
func renumber(rows []calc.Subscription) []calc.Subscription {
	for i := range rows {
		rows[i].Row = i + 2
	}
	return rows
}

func TestRestatements(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]calc.Subscription) []calc.Subscription
		asOf string // of the second sync; baseAsOf when empty
		want []calc.Restatement
	}{{
		name: "no change",
		edit: func(r []calc.Subscription) []calc.Subscription { return r },
	}, {
		name: "rows sorted differently",
		edit: func(r []calc.Subscription) []calc.Subscription {
			slices.Reverse(r)
			return renumber(r)
		},
	}, {
		name: "change after the closed months only",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[0].End = day("2025-08-10")
			r[2].End = day("2025-09-30")
			return append(r, sub(6, "D", "Pro", "80", "2025-08-01", ""))
		},
	}, {
		name: "edit a past amount",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Amount = fixed("250")
			return r
		},
		want: restatedMonths("2025-03", "2025-07", "C", "200", "250", changed(4, 4)),
	}, {
		name: "delete a row",
		edit: func(r []calc.Subscription) []calc.Subscription {
			return renumber(slices.Delete(r, 1, 2))
		},
		want: restatedMonths("2025-02", "2025-06", "B", "50", "0", removed(3)),
	}, {
		name: "back-date a start",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Start = day("2025-01-20")
			return r
		},
		want: restatedMonths("2025-01", "2025-02", "C", "0", "200", changed(4, 4)),
	}, {
		// Months are measured on their last day: a start moved within
		// March still covers March.
		name: "start moved within its month",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Start = day("2025-03-31")
			return r
		},
	}, {
		name: "back-date a start to a month's last day",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Start = day("2025-02-28")
			return r
		},
		want: restatedMonths("2025-02", "2025-02", "C", "0", "200", changed(4, 4)),
	}, {
		name: "end moved off a month's last day",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[1].End = day("2025-06-29")
			return r
		},
		want: restatedMonths("2025-06", "2025-06", "B", "50", "0", changed(3, 3)),
	}, {
		name: "row added in a closed month",
		edit: func(r []calc.Subscription) []calc.Subscription {
			return append(r, sub(6, "D", "Pro", "80", "2025-05-01", "2025-05-31"))
		},
		want: restatedMonths("2025-05", "2025-05", "D", "0", "80", added(6)),
	}, {
		name: "row added for a customer with MRR",
		edit: func(r []calc.Subscription) []calc.Subscription {
			return append(r, sub(6, "A", "Add-on", "20", "2025-02-01", "2025-03-31"))
		},
		want: restatedMonths("2025-02", "2025-03", "A", "100", "120", added(6)),
	}, {
		// The edited row moved down when a row was inserted above it: it
		// is paired with its old self by plan and start date.
		name: "row inserted above an edited row",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Amount = fixed("250")
			return renumber(slices.Insert(r, 0, sub(0, "E", "Pro", "10", "2025-08-01", "")))
		},
		want: restatedMonths("2025-03", "2025-07", "C", "200", "250", changed(5, 4)),
	}, {
		name: "customer ID changed",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].CustomerID = "C2"
			return r
		},
		want: interleave(
			restatedMonths("2025-03", "2025-07", "C", "200", "0", removed(4)),
			restatedMonths("2025-03", "2025-07", "C2", "0", "200", added(4)),
		),
	}, {
		name: "row turned trial",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Status = calc.Trial
			return r
		},
		want: restatedMonths("2025-03", "2025-07", "C", "200", "0", removed(4)),
	}, {
		// Two of A's rows changed; a month names only the rows whose
		// change it feels.
		name: "only the rows that explain the month",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[0].Amount = fixed("110")
			r[3].Start = day("2025-03-15")
			return r
		},
		want: slices.Concat(
			restatedMonths("2025-01", "2025-02", "A", "100", "110", changed(2, 2)),
			restatedMonths("2025-03", "2025-03", "A", "100", "140", changed(2, 2), changed(5, 5)),
			restatedMonths("2025-04", "2025-07", "A", "130", "140", changed(2, 2)),
		),
	}, {
		name: "plan and start edited, same row",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Plan = "Enterprise"
			r[2].Start = day("2025-02-01")
			return r
		},
		want: restatedMonths("2025-02", "2025-02", "C", "0", "200", changed(4, 4)),
	}, {
		// A sync as of a day inside July measures July on that day: July
		// is compared only when measured on its last day.
		name: "as of a day inside a recorded month",
		asOf: "2025-07-15",
		edit: func(r []calc.Subscription) []calc.Subscription {
			r[2].Amount = fixed("250")
			return r
		},
		want: restatedMonths("2025-03", "2025-06", "C", "200", "250", changed(4, 4)),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			oldBook := bookOf(t, baseRows()...)
			old := oldBook.Compute(day(baseAsOf)).History(calc.LastClosed(day(baseAsOf)))
			newBook := bookOf(t, tc.edit(baseRows())...)
			asOf := cmpOr(tc.asOf, baseAsOf)
			res := newBook.Compute(day(asOf))
			got := calc.Restatements(old, oldBook.Prints(), res, newBook.Prints())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Restatements (-want +got):\n%s", diff)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// interleave merges restatement lists into month, then customer order.
func interleave(lists ...[]calc.Restatement) []calc.Restatement {
	out := slices.Concat(lists...)
	slices.SortStableFunc(out, func(a, b calc.Restatement) int {
		if a.Month != b.Month {
			return int(a.Month - b.Month)
		}
		return strings.Compare(a.Customer, b.Customer)
	})
	return out
}

// A history read back from storage restates the same way as the one the
// result made.
func TestRestatementsFromStoredHistory(t *testing.T) {
	oldBook := bookOf(t, baseRows()...)
	h := oldBook.Compute(day(baseAsOf)).History(month("2025-07"))
	stored := slices.Clone(h.Entries)
	slices.Reverse(stored)
	back, err := calc.NewHistory(h.Through, stored)
	if err != nil {
		t.Fatal(err)
	}
	edited := baseRows()
	edited[0].Amount = fixed("90")
	nb := bookOf(t, edited...)
	res := nb.Compute(day(baseAsOf))
	want := calc.Restatements(h, oldBook.Prints(), res, nb.Prints())
	got := calc.Restatements(back, oldBook.Prints(), res, nb.Prints())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-from result +from storage):\n%s", diff)
	}
	if len(got) != 7 {
		t.Errorf("%d restatements, want 7 (A, Jan–Jul)", len(got))
	}
}

// BenchmarkClosedBooks measures what a sync adds for closed books on top of
// Compute: recording the history and the prints, and on the next sync,
// finding the restatements and computing with locked months, after one row
// in a hundred has had its amount edited.
func BenchmarkClosedBooks(b *testing.B) {
	asOf := day("2026-03-15")
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		subs := benchSubscriptions(b, n)
		edited := slices.Clone(subs)
		for i := 0; i < len(edited); i += 100 {
			edited[i].Amount += calc.One
		}
		build := func(rows []calc.Subscription) *calc.Book {
			book := newBook(b, map[string]string{"EUR": "1.0834"})
			for i := range rows {
				_ = book.Add(&rows[i])
			}
			return book
		}
		oldBook, newBook := build(subs), build(edited)
		through := calc.LastClosed(asOf)
		b.Run(fmt.Sprintf("rows=%d/record", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h := oldBook.Compute(asOf).History(through)
				_ = oldBook.Prints()
				b.ReportMetric(float64(len(h.Entries)), "entries")
			}
		})
		h := oldBook.Compute(asOf).History(through)
		oldPrints := oldBook.Prints()
		b.Run(fmt.Sprintf("rows=%d/restate", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rs := calc.Restatements(h, oldPrints, newBook.Compute(asOf), newBook.Prints())
				b.ReportMetric(float64(len(rs)), "restatements")
			}
		})
		b.Run(fmt.Sprintf("rows=%d/locked", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = computeLocked(newBook, asOf, h)
			}
		})
	}
}

// TestHistoryFXAndMove records a month in which a customer has both an FX
// impact and a movement: the history keeps one entry, the month's end, and
// reads back.
func TestHistoryFXAndMove(t *testing.T) {
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	jan := month("2025-01")
	if err := book.SetMonthlyRates([]calc.MonthlyRate{
		{Currency: "EUR", Month: jan, Rate: decimal.RequireFromString("1.10")},
		{Currency: "EUR", Month: jan + 1, Rate: decimal.RequireFromString("1.20")},
	}); err != nil {
		t.Fatal(err)
	}
	// 200 EUR in January (220), 250 EUR from February at 1.20 (300): an FX
	// impact of +20, then Expansion of 60.
	for _, s := range []calc.Subscription{
		sub(2, "C", "Pro", "200", "2025-01-01", "2025-01-31"),
		sub(3, "C", "Pro", "250", "2025-02-01", ""),
	} {
		s.Currency = "EUR"
		if err := book.Add(&s); err != nil {
			t.Fatal(err)
		}
	}
	res := book.Compute(day("2025-03-31"))
	h := res.History(jan + 1)
	want := []calc.HistoryEntry{{Customer: "C", Month: jan, MRR: fixed("220")}, {Customer: "C", Month: jan + 1, MRR: fixed("300")}}
	if diff := cmp.Diff(want, h.Entries); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if _, err := calc.NewHistory(h.Through, h.Entries); err != nil {
		t.Errorf("the recorded history does not read back: %v", err)
	}
}

// TestRestatementOfCurrencyCorrection: a row's currency is corrected
// from EUR to GBP, both with monthly rates. Its MRR in its own currency is
// 100 either way, but the print keeps the currency too, so the
// restatement of January (110 → 130) names the row as changed.
func TestRestatementOfCurrencyCorrection(t *testing.T) {
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
	if diff := cmp.Diff(want, rs); diff != "" {
		t.Errorf("restatements (-want +got):\n%s", diff)
	}
}
