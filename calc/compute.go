package calc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Kind is the type of a customer's movement from one month to the next.
type Kind uint8

// The five movements of the MRR waterfall.
const (
	New Kind = iota
	Expansion
	Reactivation
	Contraction
	Churn
)

// String returns the movement's name as reports show it.
func (k Kind) String() string {
	switch k {
	case New:
		return "New"
	case Expansion:
		return "Expansion"
	case Reactivation:
		return "Reactivation"
	case Contraction:
		return "Contraction"
	}
	return "Churn"
}

// Movement is one customer's change of MRR from the end of the month before
// to the end of Month.
type Movement struct {
	Month    Month
	Customer uint32 // index into Result.Customers
	Kind     Kind
	Before   Fixed
	After    Fixed
}

// Amount returns the size of the movement, a positive magnitude for every
// kind.
func (m Movement) Amount() Fixed {
	if m.After > m.Before {
		return m.After - m.Before
	}
	return m.Before - m.After
}

// Waterfall is one month's MRR and how it moved. Amounts are exact; round
// them only to present them. Net New = New + Expansion + Reactivation −
// Contraction − Churn = Ending − Starting.
type Waterfall struct {
	Month        Month
	Starting     Sum
	New          Sum
	Expansion    Sum
	Reactivation Sum
	Contraction  Sum // a positive magnitude
	Churn        Sum // a positive magnitude
	NetNew       Sum
	Ending       Sum

	StartingCustomers    int // paying at the end of the month before
	Customers            int // paying at the end of the month
	NewCustomers         int
	ChurnedCustomers     int
	ReactivatedCustomers int
}

// Result is what [Book.Compute] finds.
type Result struct {
	Currency string
	AsOf     Date
	// Months runs from the first month with a paying row through the as-of
	// month, oldest first.
	Months []Waterfall
	// Customers are indexed by Movement.Customer.
	Customers []Customer
	// Warnings are rows that were counted but deserve a look.
	Warnings []Issue

	sweep     *sweep // what Movements and Locked sweep again; nil for a locked result
	movesOnce sync.Once
	moves     []Movement
}

// Movements lists every customer movement, by month, then by the order in
// which customers first appear in the sheet. The list is made on first use
// by sweeping the customers again: commands that only need the waterfall
// never hold a million movements in memory.
func (r *Result) Movements() []Movement {
	r.movesOnce.Do(func() {
		if r.sweep == nil {
			return
		}
		var moves chunks[Movement]
		var buf []event
		for c := range len(r.sweep.offsets) - 1 {
			buf = r.sweep.customer(uint32(c), buf, moves.append, nil)
		}
		r.moves = sortByMonth(&moves, r.sweep.first, int(r.sweep.last-r.sweep.first)+1)
	})
	return r.moves
}

// Month returns the waterfall of m, or false when m is outside the result.
func (r *Result) Month(m Month) (Waterfall, bool) {
	if len(r.Months) == 0 {
		return Waterfall{}, false
	}
	i := int(m - r.Months[0].Month)
	if i < 0 || i >= len(r.Months) {
		return Waterfall{}, false
	}
	return r.Months[i], true
}

// event is a change of one customer's MRR at the start of a month (an index
// into the result's months).
type event struct {
	month int32
	delta Fixed
}

// sweep walks each customer's rows in month order. Compute runs it to sum
// the waterfall; Result.Movements runs it again to list the movements. It
// keeps its own copy of the block list, so rows added to the book later
// are not seen.
type sweep struct {
	rows    [][]row
	ids     *interner
	order   []int32 // row indices grouped by customer
	offsets []int32 // customer c's rows are order[offsets[c]:offsets[c+1]]
	first   Month
	last    Month
	asOf    Date
}

func (s *sweep) row(i int32) *row { return &s.rows[i>>blockBits][i&(1<<blockBits-1)] }

func (s *sweep) customerRows(c uint32) []int32 { return s.order[s.offsets[c]:s.offsets[c+1]] }

// customer reports each movement of customer c to visit, in month order,
// and returns the event buffer for reuse. A customer whose MRR would pass
// the range of a Fixed gets a warning, when warnings is not nil.
func (s *sweep) customer(c uint32, events []event, visit func(Movement), warnings *[]Issue) []event {
	rows := s.customerRows(c)
	events = events[:0]
	for _, ri := range rows {
		r := s.row(ri)
		ms, me, ok := activeMonths(r.start, r.end, s.asOf, s.last)
		if !ok {
			continue
		}
		events = append(events, event{int32(ms - s.first), r.mrr})
		if me < s.last {
			events = append(events, event{int32(me + 1 - s.first), -r.mrr})
		}
	}
	if len(events) == 0 {
		return events
	}
	sortEvents(events)
	// actual is the sum of the customer's rows; shown is the MRR the
	// movements have reported. Each row's MRR is rounded to 10⁻⁹, so the
	// same monthly amount entered as one row or as three can differ by a
	// few 10⁻⁹: within that tolerance the customer has not moved, and
	// shown stays as it was, so the waterfall still adds up to the amounts
	// it reported.
	tolerance := Fixed(len(rows))
	var actual, shown Fixed
	everPaid := false
	for i := 0; i < len(events); {
		m := events[i].month
		for ; i < len(events) && events[i].month == m; i++ {
			v, ok := addChecked(actual, events[i].delta)
			if !ok && warnings != nil {
				id := s.ids.get(c)
				*warnings = append(*warnings, Issue{
					Column:  FieldAmount,
					Value:   id,
					Message: fmt.Sprintf("customer %s: MRR is too large to count exactly; a row is left out", id),
				})
			}
			if ok {
				actual = v
			}
		}
		before, cur := shown, actual
		if cur == before || before != 0 && cur != 0 && abs(cur-before) <= tolerance {
			continue
		}
		shown = cur
		visit(Movement{Month: s.first + Month(m), Customer: c, Kind: classify(before, cur, everPaid), Before: before, After: cur})
		everPaid = true
	}
	return events
}

// classify names a customer's move from before to after, two different
// amounts; everPaid tells whether the customer had MRR in an earlier month.
func classify(before, after Fixed, everPaid bool) Kind {
	switch {
	case before == 0 && !everPaid:
		return New
	case before == 0:
		return Reactivation
	case after == 0:
		return Churn
	case after > before:
		return Expansion
	}
	return Contraction
}

// Compute measures every month from the first month with a paying row
// through asOf's month: each month on its last day, the as-of month on asOf.
// A row counts on a day when start ≤ day ≤ end.
func (b *Book) Compute(asOf Date) *Result {
	res := &Result{Currency: b.currency, AsOf: asOf, Customers: b.customers()}
	last := asOf.Month()

	// The first month is the earliest start of a row that is paying by asOf.
	first := Month(math.MaxInt32)
	for _, blk := range b.rows.blocks {
		for i := range blk {
			if blk[i].start <= asOf {
				first = min(first, blk[i].start.Month())
			}
		}
	}
	if first > last {
		return res
	}
	n := int(last-first) + 1
	res.Months = make([]Waterfall, n)
	for i := range res.Months {
		res.Months[i].Month = first + Month(i)
	}

	// Group rows by customer with a counting sort: two passes, no maps.
	nc := b.ids.len()
	offsets := make([]int32, nc+1)
	for _, blk := range b.rows.blocks {
		for i := range blk {
			offsets[blk[i].cust+1]++
		}
	}
	for c := 1; c <= nc; c++ {
		offsets[c] += offsets[c-1]
	}
	order := make([]int32, b.rows.len())
	next := slices.Clone(offsets[:nc])
	for k, blk := range b.rows.blocks {
		for i := range blk {
			c := blk[i].cust
			order[next[c]] = int32(k<<blockBits + i)
			next[c]++
		}
	}

	res.sweep = &sweep{
		rows:    slices.Clone(b.rows.blocks),
		ids:     &b.ids,
		order:   order,
		offsets: offsets,
		first:   first,
		last:    last,
		asOf:    asOf,
	}
	add := func(mv Movement) { res.Months[mv.Month-first].count(mv) }
	var buf []event
	for c := range nc {
		buf = res.sweep.customer(uint32(c), buf, add, &res.Warnings)
		res.Warnings = b.overlaps(res.sweep.customerRows(uint32(c)), res.Warnings)
	}
	chain(res.Months)
	slices.SortFunc(res.Warnings, func(a, b Issue) int { return cmp.Compare(a.Row, b.Row) })
	return res
}

// count adds one customer movement to the month's totals.
func (w *Waterfall) count(mv Movement) {
	switch mv.Kind {
	case New:
		w.New.Add(mv.After)
		w.NewCustomers++
	case Reactivation:
		w.Reactivation.Add(mv.After)
		w.ReactivatedCustomers++
	case Churn:
		w.Churn.Add(mv.Before)
		w.ChurnedCustomers++
	case Expansion:
		w.Expansion.Add(mv.After - mv.Before)
	default:
		w.Contraction.Add(mv.Before - mv.After)
	}
}

// chain completes consecutive months whose movements have been counted:
// each starts where the one before ended, and Net New and Ending follow
// from the movements.
func chain(months []Waterfall) {
	var ending Sum
	customers := 0
	for i := range months {
		w := &months[i]
		w.Starting = ending
		w.StartingCustomers = customers
		w.NetNew = w.New
		w.NetNew.AddSum(w.Expansion)
		w.NetNew.AddSum(w.Reactivation)
		w.NetNew.AddSum(w.Contraction.Neg())
		w.NetNew.AddSum(w.Churn.Neg())
		ending.AddSum(w.NetNew)
		w.Ending = ending
		customers += w.NewCustomers + w.ReactivatedCustomers - w.ChurnedCustomers
		w.Customers = customers
	}
}

// activeMonths returns the months whose measuring day falls within
// [start, end]: every month is measured on its last day, except the as-of
// month, measured on asOf.
func activeMonths(start, end, asOf Date, last Month) (ms, me Month, ok bool) {
	if start > asOf {
		return 0, 0, false
	}
	ms = start.Month() // start ≤ the last day of its own month, and ≤ asOf
	if end >= asOf {
		me = last
	} else {
		me = end.Month()
		if end < me.LastDay() {
			me--
		}
	}
	return ms, me, me >= ms
}

func abs(f Fixed) Fixed {
	if f < 0 {
		return -f
	}
	return f
}

func addChecked(a, b Fixed) (Fixed, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return a, false
	}
	return s, true
}

func sortEvents(ev []event) {
	if len(ev) <= 12 {
		for i := 1; i < len(ev); i++ {
			for j := i; j > 0 && ev[j].month < ev[j-1].month; j-- {
				ev[j], ev[j-1] = ev[j-1], ev[j]
			}
		}
		return
	}
	slices.SortStableFunc(ev, func(a, b event) int { return cmp.Compare(a.month, b.month) })
}

// sortByMonth orders movements by month with a stable counting sort, which
// keeps each month's customers in sheet order.
func sortByMonth(moves *chunks[Movement], first Month, n int) []Movement {
	counts := make([]int, n+1)
	for _, blk := range moves.blocks {
		for i := range blk {
			counts[int(blk[i].Month-first)+1]++
		}
	}
	for i := 1; i <= n; i++ {
		counts[i] += counts[i-1]
	}
	out := make([]Movement, moves.len())
	for _, blk := range moves.blocks {
		for _, mv := range blk {
			k := int(mv.Month - first)
			out[counts[k]] = mv
			counts[k]++
		}
	}
	return out
}

// overlaps warns about rows of one customer and plan whose dates overlap:
// both are counted, which is right for seats bought later and wrong for an
// upgrade entered without ending the old row.
func (b *Book) overlaps(rows []int32, warnings []Issue) []Issue {
	if len(rows) < 2 {
		return warnings
	}
	sorted := rows
	if !slices.IsSortedFunc(rows, b.byPlanStart) {
		sorted = slices.Clone(rows)
		slices.SortFunc(sorted, b.byPlanStart)
	}
	prev := b.rows.at(sorted[0])
	for _, ri := range sorted[1:] {
		r := b.rows.at(ri)
		if r.plan == prev.plan && r.start <= prev.end {
			plan := b.plans.get(r.plan)
			what := "the same plan"
			if plan != "" {
				what = "plan " + plan
			}
			warnings = append(warnings, Issue{
				Row:     int(r.line),
				Column:  FieldStartDate,
				Value:   r.start.String(),
				Message: fmt.Sprintf("overlaps row %d (customer %s, %s); both rows are counted", prev.line, b.ids.get(r.cust), what),
			})
		}
		if r.plan != prev.plan || r.end > prev.end {
			prev = r
		}
	}
	return warnings
}

func (b *Book) byPlanStart(i, j int32) int {
	x, y := b.rows.at(i), b.rows.at(j)
	if c := cmp.Compare(x.plan, y.plan); c != 0 {
		return c
	}
	if c := cmp.Compare(x.start, y.start); c != 0 {
		return c
	}
	return cmp.Compare(x.line, y.line)
}
