package calc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
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
	// FXImpact is the change in value, at this month's exchange rates, of
	// what a customer paid the month before (see [Book.SetMonthlyRates]).
	// It is signed and never one of the five movements.
	FXImpact
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
	case Churn:
		return "Churn"
	case FXImpact:
		return "FX impact"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Movement is one customer's change of MRR from the end of the month before
// to the end of Month. Before and After are the customer's MRR in the
// reporting currency rounded to its minor unit (see [Fixed.RoundCents]).
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

// Waterfall is one month's MRR and how it moved. Amounts are sums of
// customers' MRR rounded to the reporting currency's minor unit, so each
// is a whole number of cents and shows without further rounding. Net New =
// New + Expansion + Reactivation − Contraction − Churn, and Ending =
// Starting + Net New + FX impact, where FX impact is zero unless the book
// has monthly exchange rates.
type Waterfall struct {
	Month        Month
	Starting     Sum
	New          Sum
	Expansion    Sum
	Reactivation Sum
	Contraction  Sum // a positive magnitude
	Churn        Sum // a positive magnitude
	NetNew       Sum
	FXImpact     Sum // signed; zero without monthly exchange rates
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
	// MonthlyFX is true when the book had monthly exchange rates, so that
	// months can have an FX impact.
	MonthlyFX bool

	sweep     *sweep // what Movements and Locked sweep again; nil for a locked result
	live      *sweep // the sheet's rows, for Outlook; a locked result shares its live one's
	movesOnce sync.Once
	moves     []Movement

	cohorts  *cohortTable
	segments []Segment
	outlook  *outlooker // of the as-of date, made while sweeping
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
		var sc scratch
		for c := range len(r.sweep.offsets) - 1 {
			r.sweep.walk(uint32(c), r.sweep.customerRows(uint32(c)), &sc, moves.append, nil)
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
// into the result's months). cur is 0 when delta is in the reporting
// currency, k when it is in the currency of the book's monthly rates k-1.
type event struct {
	month int32
	cur   uint16
	pos   uint16 // the row's position in the rows walked, when below noPos
	delta Fixed
}

// noPos marks an event whose row's position does not fit in event.pos.
const noPos = 1<<16 - 1

// scratch is the memory a walk reuses from one customer to the next.
type scratch struct {
	// events are, after a walk, the rows' changes in month order, each
	// tagged with its row's position; fx tells whether the walk was one
	// with monthly rates.
	events []event
	fx     bool
	native []Fixed // by currency, for a walk with monthly rates
}

// sweep walks each customer's rows in month order. Compute runs it to sum
// the waterfall; Result.Movements runs it again to list the movements. It
// keeps its own copy of the block lists, so rows added to the book later
// are not seen.
type sweep struct {
	rows    [][]row
	ids     *interner
	order   []int32 // row indices grouped by customer
	offsets []int32 // customer c's rows are order[offsets[c]:offsets[c+1]]
	first   Month
	last    Month
	asOf    Date
	// unit is the reporting currency's minor unit: a customer's MRR is
	// rounded to it (see round.go).
	unit Fixed
	// rates[k-1][m] is the rate of monthly currency k in month first+m;
	// monthly are the same rates by currency, for days outside the months.
	rates   [][]rate
	monthly []monthlyRates
}

func (s *sweep) row(i int32) *row { return &s.rows[i>>blockBits][i&(1<<blockBits-1)] }

func (s *sweep) customerRows(c uint32) []int32 { return s.order[s.offsets[c]:s.offsets[c+1]] }

// walk reports to visit each movement of customer c made by rows, all of
// the customer's rows, in month order. A customer whose MRR would pass the
// range of a Fixed gets a warning, when warnings is not nil.
func (s *sweep) walk(c uint32, rows []int32, sc *scratch, visit func(Movement), warnings *[]Issue) {
	sc.fx = s.hasMonthlyRows(rows)
	sc.events = s.events(rows, nil, sc.events[:0])
	if sc.fx {
		s.walkFX(c, sc, visit, warnings)
		return
	}
	s.moves(c, sc.events, visit, warnings)
}

// hasMonthlyRows tells whether some of rows are in a currency with monthly
// rates, so that their value changes from month to month.
func (s *sweep) hasMonthlyRows(rows []int32) bool {
	if s.rates == nil {
		return false
	}
	for _, ri := range rows {
		if s.row(ri).cur != 0 {
			return true
		}
	}
	return false
}

// events appends to dst the changes that rows make, sorted by month: each
// row adds its MRR in the month it starts to count and takes it away in
// the month it stops. An event's pos is tag[i] for the row rows[i] when tag
// is not nil, otherwise i (noPos from there on).
func (s *sweep) events(rows []int32, tag []uint16, dst []event) []event {
	for i, ri := range rows {
		r := s.row(ri)
		ms, me, ok := activeMonths(r.start, r.end, s.asOf, s.last)
		if !ok {
			continue
		}
		pos := uint16(min(i, noPos))
		if tag != nil {
			pos = tag[i]
		}
		dst = append(dst, event{month: int32(ms - s.first), cur: r.cur, pos: pos, delta: r.mrr})
		if me < s.last {
			dst = append(dst, event{month: int32(me + 1 - s.first), cur: r.cur, pos: pos, delta: -r.mrr})
		}
	}
	sortEvents(dst)
	return dst
}

// moves reports the movements that events, sorted by month and all in the
// reporting currency, make. The customer's MRR at the end of a month is
// the sum of its rows, rounded to the minor unit: it moves when that
// rounded amount changes, so a row replaced by rows of the same total (to
// the cent) is no movement.
func (s *sweep) moves(c uint32, events []event, visit func(Movement), warnings *[]Issue) {
	var actual, shown Fixed // the rows' exact sum; the rounded MRR reported
	everPaid := false
	for i := 0; i < len(events); {
		m := events[i].month
		for ; i < len(events) && events[i].month == m; i++ {
			actual = s.add(c, events[i].pos, actual, events[i].delta, warnings)
		}
		cur := roundTo(actual, s.unit)
		if cur == shown {
			continue
		}
		visit(Movement{Month: s.first + Month(m), Customer: c, Kind: classify(shown, cur, everPaid), Before: shown, After: cur})
		shown = cur
		everPaid = true
	}
}

// add returns sum + delta, or sum with a warning when that would pass the
// range of a Fixed. pos is the position, among c's rows, of the row that
// delta comes from, or noPos for an amount converted at a monthly rate;
// the warning names that row, or else c's first row.
func (s *sweep) add(c uint32, pos uint16, sum, delta Fixed, warnings *[]Issue) Fixed {
	v, ok := addChecked(sum, delta)
	if ok {
		return v
	}
	if warnings != nil {
		rows := s.customerRows(c)
		line := int32(0)
		switch {
		case int(pos) < len(rows) && pos != noPos:
			line = s.row(rows[pos]).line
		case len(rows) > 0:
			line = s.row(rows[0]).line
		}
		id := s.ids.get(c)
		*warnings = append(*warnings, Issue{
			Row:     int(line),
			Column:  FieldAmount,
			Value:   id,
			Message: fmt.Sprintf("customer %q: MRR with this row passes %s a month, the most mrrbot counts exactly; the row is not added, so the customer's figures are short", id, maxFixed),
		})
	}
	return sum
}

// maxFixed is the largest Fixed, as people read it.
var maxFixed = Fixed(math.MaxInt64).StringFixed(2)

// walkFX is walk for rows of which some are in a currency with monthly
// rates, whose events are in sc.events. The customer's MRR then changes
// every month its rates do, so the walk visits every month in which the
// customer pays. In each month the customer's MRR of the month before is
// valued at this month's rates and rounded: the difference from what was
// reported is an FXImpact movement, and the move from that value to this
// month's MRR is classified as usual.
func (s *sweep) walkFX(c uint32, sc *scratch, visit func(Movement), warnings *[]Issue) {
	events := sc.events
	if len(events) == 0 {
		return
	}
	native := sc.native[:0]
	for range len(s.rates) + 1 {
		native = append(native, 0)
	}
	sc.native = native
	n := int32(s.last-s.first) + 1
	var shown Fixed
	everPaid := false
	for i, m := 0, events[0].month; m < n; {
		// Last month's amounts at this month's rates.
		revalued := roundTo(s.value(c, native, m, warnings), s.unit)
		for ; i < len(events) && events[i].month == m; i++ {
			e := events[i]
			native[e.cur] = s.add(c, e.pos, native[e.cur], e.delta, warnings)
		}
		cur := roundTo(s.value(c, native, m, warnings), s.unit)
		month := s.first + Month(m)
		switch {
		case shown == 0 && cur == 0:
		case shown == 0:
			visit(Movement{Month: month, Customer: c, Kind: classify(0, cur, everPaid), After: cur})
			everPaid = true
		case cur == 0:
			visit(Movement{Month: month, Customer: c, Kind: Churn, Before: shown})
		default:
			if revalued == 0 {
				// Too small to value again: the whole change is the
				// customer's, not the rates'.
				revalued = shown
			}
			if revalued != shown {
				visit(Movement{Month: month, Customer: c, Kind: FXImpact, Before: shown, After: revalued})
			}
			if cur != revalued {
				visit(Movement{Month: month, Customer: c, Kind: classify(revalued, cur, true), Before: revalued, After: cur})
			}
		}
		shown = cur
		if !slices.ContainsFunc(native, func(f Fixed) bool { return f != 0 }) {
			if i == len(events) {
				break
			}
			m = events[i].month // nothing paid until the next row starts
			continue
		}
		m++
	}
}

// value returns the amounts of native, by currency, in the reporting
// currency at the rates of month m (an index into the result's months).
func (s *sweep) value(c uint32, native []Fixed, m int32, warnings *[]Issue) Fixed {
	v := native[0]
	for k, amount := range native[1:] {
		if amount == 0 {
			continue
		}
		conv, ok := convert(amount, s.rates[k][m])
		if !ok {
			conv = 0
		}
		v = s.add(c, noPos, v, conv, warnings)
	}
	return v
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
func (b *Book) Compute(asOf Date) *Result { return b.compute(asOf, parallelCustomers) }

// compute is Compute, sweeping the customers on two goroutines when there
// are at least parallelFrom of them; a test compares both ways.
func (b *Book) compute(asOf Date, parallelFrom int) *Result {
	res := &Result{Currency: b.currency, AsOf: asOf, Customers: b.customers(), MonthlyFX: b.HasMonthlyRates()}
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
		unit:    minorUnit(b.currency),
		rates:   b.rateTable(first, last),
		monthly: b.monthly,
	}
	res.live = res.sweep

	// A large book sweeps its customers in two halves at once; the totals
	// are exact integers, so adding the halves gives the same figures.
	parts := []*part{b.newPart(res.sweep, asOf, n)}
	if nc >= parallelFrom {
		parts = append(parts, b.newPart(res.sweep, asOf, n))
		var wg sync.WaitGroup
		wg.Go(func() { parts[1].sweep(nc/2, nc) })
		parts[0].sweep(0, nc/2)
		wg.Wait()
	} else {
		parts[0].sweep(0, nc)
	}
	whole := parts[0]
	for _, p := range parts[1:] {
		whole.merge(p)
	}
	res.Months, whole.months = whole.months, nil
	chain(res.Months)
	res.cohorts, res.outlook, res.Warnings = whole.cohorts, whole.outlook, whole.warnings
	res.segments = whole.segs.finish()
	slices.SortFunc(res.Warnings, func(a, b Issue) int { return cmp.Compare(a.Row, b.Row) })
	return res
}

// parallelCustomers is the number of customers from which Compute sweeps on
// two goroutines: below it the second one costs more than it saves.
const parallelCustomers = 1 << 14

// part is what Compute sums over a range of customers.
type part struct {
	b        *Book
	s        *sweep
	months   []Waterfall
	cohorts  *cohortTable
	segs     *segmenter
	outlook  *outlooker
	warnings []Issue
}

func (b *Book) newPart(s *sweep, asOf Date, n int) *part {
	p := &part{
		b:       b,
		s:       s,
		months:  make([]Waterfall, n),
		cohorts: newCohortTable(n),
		segs:    b.segmenter(s, n),
		outlook: newOutlooker(asOf, DefaultHorizons, b.monthly, s.unit),
	}
	for i := range p.months {
		p.months[i].Month = s.first + Month(i)
	}
	return p
}

// sweep walks customers lo through hi−1.
func (p *part) sweep(lo, hi int) {
	var sc scratch
	var moves []Movement
	collect := func(mv Movement) { moves = append(moves, mv) }
	for c := lo; c < hi; c++ {
		rows := p.s.customerRows(uint32(c))
		moves = moves[:0]
		p.s.walk(uint32(c), rows, &sc, collect, &p.warnings)
		for _, mv := range moves {
			p.months[mv.Month-p.s.first].count(mv)
		}
		p.cohorts.customer(moves, p.s.first)
		p.segs.customer(uint32(c), rows, moves, &sc)
		reported := Fixed(0) // the customer's MRR on the as-of date
		if len(moves) > 0 {
			reported = moves[len(moves)-1].After
		}
		p.outlook.customer(p.s, uint32(c), rows, reported)
		p.warnings = p.b.overlaps(rows, p.warnings)
	}
}

// merge adds q, a part of later customers, to p.
func (p *part) merge(q *part) {
	for i := range p.months {
		p.months[i].add(&q.months[i])
	}
	p.cohorts.merge(q.cohorts)
	p.segs.merge(q.segs)
	p.outlook.merge(q.outlook)
	p.warnings = append(p.warnings, q.warnings...)
}

// add adds the movements counted in o to w.
func (w *Waterfall) add(o *Waterfall) {
	w.New.AddSum(o.New)
	w.Expansion.AddSum(o.Expansion)
	w.Reactivation.AddSum(o.Reactivation)
	w.Contraction.AddSum(o.Contraction)
	w.Churn.AddSum(o.Churn)
	w.FXImpact.AddSum(o.FXImpact)
	w.NewCustomers += o.NewCustomers
	w.ChurnedCustomers += o.ChurnedCustomers
	w.ReactivatedCustomers += o.ReactivatedCustomers
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
	case Contraction:
		w.Contraction.Add(mv.Before - mv.After)
	case FXImpact:
		w.FXImpact.Add(mv.After - mv.Before)
	}
}

// chain completes consecutive months whose movements have been counted:
// each starts where the one before ended, Net New follows from the
// movements, and Ending is Starting + Net New + FX impact.
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
		ending.AddSum(w.FXImpact)
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
