package calc

import "slices"

// Segments. A segment is the rows that share a value of one column: the
// plan, or a column named with [Book.SetSegments]. Each segment has its own
// waterfall, made by the rules of Compute from a customer's share of its
// MRR in the segment, with one difference: New, Reactivation and Churn are
// the customer's, not the segment's. A customer that starts paying in a
// segment while it already pays in another expands there (and contracts in
// the one it leaves), so a plan change is Contraction in the old plan and
// Expansion in the new one. A customer's MRR, rounded to the cent as a
// whole, is shared out among its segments by the largest remainder method
// (see [allocate]), so the shares are whole cents that add up to it.
//
// So in every month the segments of one column add up to the result, to
// the cent: Starting, Ending, Net New, New, Reactivation, Churn and FX
// impact sum to the result's, and so does Expansion − Contraction;
// Expansion and Contraction each exceed the result's by the moves between
// segments.

// PlanColumn is the Segment.Column of the breakdown by plan.
const PlanColumn = "Plan"

// MaxSegmentValues is the number of values of one column that get a
// segment of their own; the rows with any further value, in the order the
// sheet first shows them, share one segment with Other set.
const MaxSegmentValues = 200

// Segment is the MRR of the rows that share Value in Column.
type Segment struct {
	Column string
	Value  string // "" for rows that leave the column blank
	// Other is true for the segment of the values past MaxSegmentValues.
	Other bool
	// Months are aligned with the result's; a segment's Customers are the
	// customers with MRR in it at the end of the month.
	Months []Waterfall
}

// Segments returns the breakdown by plan, then by each column given to
// [Book.SetSegments], in that order; within a column the segments come in
// the order the sheet first shows their values. Only values of paying rows
// have a segment. A locked result (see [Result.Locked]) has the breakdown
// of the sheet as it is now.
func (r *Result) Segments() []Segment { return r.segments }

// segmenter sums a result's segments as Compute sweeps its customers.
type segmenter struct {
	sweep *sweep
	n     int // months
	cols  []segColumn
	// Scratch for customers whose rows fall into several segments, k of
	// them in one column: the segments' values, each row's segment, and
	// per segment its amounts by currency, exact value and rounded share.
	vals   []uint32
	segOf  []uint16
	events []event
	native []Fixed // k × currencies
	exact  []Fixed
	shares []Fixed
	next   []Fixed
}

type segColumn struct {
	name   string
	values *interner
	blocks [][]uint32 // each row's value index; nil for the plan, which rows carry
	months [][]Waterfall
	paying [][]int32 // change in the segment's paying customers, by month
}

func (b *Book) segmenter(s *sweep, n int) *segmenter {
	g := &segmenter{sweep: s, n: n}
	g.cols = append(g.cols, segColumn{name: PlanColumn, values: &b.plans})
	for d, name := range b.segNames {
		g.cols = append(g.cols, segColumn{name: name, values: &b.segs[d], blocks: slices.Clone(b.segVals[d].blocks)})
	}
	return g
}

// value returns row ri's segment in column col: its value's index, capped
// at MaxSegmentValues for Other.
func (g *segmenter) value(col *segColumn, ri int32) uint32 {
	var v uint32
	if col.blocks == nil {
		v = g.sweep.row(ri).plan
	} else {
		v = col.blocks[ri>>blockBits][ri&(1<<blockBits-1)]
	}
	return min(v, MaxSegmentValues)
}

// customer adds customer c's movements (moves, made from rows by a walk
// that left its events in sc) to its segments in each column.
func (g *segmenter) customer(c uint32, rows []int32, moves []Movement, sc *scratch) {
	if len(moves) == 0 {
		return
	}
	for ci := range g.cols {
		col := &g.cols[ci]
		v := g.value(col, rows[0])
		one := true
		for _, ri := range rows[1:] {
			if g.value(col, ri) != v {
				one = false
				break
			}
		}
		if one {
			// The common case: every row in one segment, which moves
			// exactly as the customer does.
			for _, mv := range moves {
				g.add(col, v, mv)
			}
			continue
		}
		g.split(c, col, rows, moves, sc)
	}
}

// split divides customer c's MRR among its segments in column col and adds
// each segment's movements. The customer's MRR is rounded to the minor unit
// as a whole; each month it is shared out among the segments by the
// largest remainder method (see [allocate]), in proportion to the exact
// value of each segment's rows, so the segments' shares add up to the
// customer's MRR to the cent and a segment's share is always its exact
// value rounded up or down.
//
// A segment's share that starts is New or Reactivation only when the
// customer's MRR is, and otherwise Expansion; one that stops is Churn only
// when the customer churns, and otherwise Contraction. With monthly rates,
// in a month where the customer has an FX impact its revalued MRR is
// shared out the same way, and each segment's FX impact is the change in
// its share.
func (g *segmenter) split(c uint32, col *segColumn, rows []int32, moves []Movement, sc *scratch) {
	s := g.sweep
	g.vals, g.segOf = g.vals[:0], g.segOf[:0]
	for _, ri := range rows {
		v := g.value(col, ri)
		k := slices.Index(g.vals, v)
		if k < 0 {
			g.vals = append(g.vals, v)
			k = len(g.vals) - 1
		}
		g.segOf = append(g.segOf, uint16(k))
	}
	// The walk's events carry each row's position; past noPos rows they
	// are made again, tagged with the segment.
	events, tagged := sc.events, false
	if len(rows) >= noPos {
		g.events = s.events(rows, g.segOf, g.events[:0])
		events, tagged = g.events, true
	}
	segOf := func(e event) int {
		if tagged {
			return int(e.pos)
		}
		return int(g.segOf[e.pos])
	}
	k := len(g.vals)
	currencies := 1
	if sc.fx {
		currencies = len(s.rates) + 1
	}
	g.native = resize(g.native, k*currencies)
	g.exact, g.shares, g.next = resize(g.exact, k), resize(g.shares, k), resize(g.next, k)
	// value sets g.exact to each segment's amounts at the rates of month m.
	value := func(m int32) {
		for j := range k {
			if sc.fx {
				g.exact[j] = s.value(c, g.native[j*currencies:(j+1)*currencies], m, nil)
			} else {
				g.exact[j] = g.native[j]
			}
		}
	}
	// share moves the segments to their shares of total, as movements of
	// kind fx, or named by the customer's movements of the month.
	share := func(month Month, total Fixed, fx bool, monthMoves []Movement) {
		allocate(total, g.exact, g.next, s.unit)
		for j := range k {
			before, after := g.shares[j], g.next[j]
			if before == after {
				continue
			}
			mv := Movement{Month: month, Customer: c, Kind: FXImpact, Before: before, After: after}
			if !fx {
				mv.Kind = classify(before, after, true)
				mv = relabel(mv, monthMoves)
			}
			g.add(col, g.vals[j], mv)
			g.shares[j] = after
		}
	}

	var shown Fixed // the customer's MRR
	n := int32(s.last-s.first) + 1
	for i, j, m := 0, 0, events[0].month; m < n; {
		month := s.first + Month(m)
		// The customer's movements of the month.
		lo := j
		for j < len(moves) && moves[j].Month == month {
			j++
		}
		monthMoves := moves[lo:j]
		if len(monthMoves) > 0 && monthMoves[0].Kind == FXImpact {
			value(m) // last month's amounts at this month's rates
			share(month, monthMoves[0].After, true, nil)
		}
		for ; i < len(events) && events[i].month == m; i++ {
			e := events[i]
			at := segOf(e)*currencies + int(e.cur)
			if v, ok := addChecked(g.native[at], e.delta); ok {
				g.native[at] = v
			}
		}
		if len(monthMoves) > 0 {
			shown = monthMoves[len(monthMoves)-1].After
		}
		value(m)
		share(month, shown, false, monthMoves)
		switch {
		case sc.fx && slices.ContainsFunc(g.native, func(f Fixed) bool { return f != 0 }):
			m++ // the rates move what the segments are worth every month
		case i < len(events):
			m = events[i].month
		default:
			m = n
		}
	}
}

// resize returns buf with n zeros, reusing its memory.
func resize(buf []Fixed, n int) []Fixed {
	if cap(buf) < n {
		return make([]Fixed, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// allocate shares out total, a whole number of units, among parts whose
// exact values (≥ 0, adding up to about total) are exact, into out, by the
// largest remainder method: each part gets its exact value rounded down to
// a unit, and the units left over go one each to the parts with the
// largest remainders, ties to the earlier part. A part never gets a unit
// more than its exact value rounded up, so a part worth nothing gets
// nothing. When the exact values add up to a little more than total (each
// is converted on its own at monthly rates), units are taken back from the
// parts with the smallest remainders.
func allocate(total Fixed, exact, out []Fixed, unit Fixed) {
	sum := Fixed(0)
	for i, x := range exact {
		out[i] = 0
		if x > 0 {
			out[i] = x - x%unit
		}
		sum += out[i]
	}
	for left := (total - sum) / unit; left > 0; left-- {
		best := -1
		for i := range exact {
			if r := exact[i] - out[i]; r > 0 && (best < 0 || r > exact[best]-out[best]) {
				best = i
			}
		}
		if best < 0 {
			// Every part is rounded up already: the largest takes the rest.
			best = 0
			for i := range exact {
				if exact[i] > exact[best] {
					best = i
				}
			}
		}
		out[best] += unit
	}
	for left := (sum - total) / unit; left > 0; left-- {
		best := -1
		for i := range exact {
			if out[i] > 0 && (best < 0 || exact[i]-out[i] < exact[best]-out[best]) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		out[best] -= unit
	}
}

// relabel names a segment's movement by the customer's movements of the
// same month (the first of moves, when they are of that month): a segment
// that starts paying is New or Reactivation only when the customer is, and
// otherwise Expansion; one that stops is Churn only when the customer
// churns, and otherwise Contraction.
func relabel(mv Movement, moves []Movement) Movement {
	var kind Kind = FXImpact // none
	for _, cm := range moves {
		if cm.Month != mv.Month {
			break
		}
		if cm.Kind != FXImpact {
			kind = cm.Kind
		}
	}
	switch {
	case mv.Kind == FXImpact:
	case mv.Before == 0 && (kind == New || kind == Reactivation):
		mv.Kind = kind
	case mv.Before == 0:
		mv.Kind = Expansion
	case mv.After == 0 && kind == Churn:
		mv.Kind = Churn
	case mv.After == 0:
		mv.Kind = Contraction
	}
	return mv
}

func (g *segmenter) add(col *segColumn, v uint32, mv Movement) {
	for int(v) >= len(col.months) {
		col.months = append(col.months, nil)
		col.paying = append(col.paying, nil)
	}
	if col.months[v] == nil {
		col.months[v] = make([]Waterfall, g.n)
		col.paying[v] = make([]int32, g.n)
		first := g.sweep.first
		for i := range col.months[v] {
			col.months[v][i].Month = first + Month(i)
		}
	}
	j := int(mv.Month - g.sweep.first)
	col.months[v][j].count(mv)
	switch {
	case mv.Before == 0 && mv.After != 0:
		col.paying[v][j]++
	case mv.After == 0 && mv.Before != 0:
		col.paying[v][j]--
	}
}

// merge adds h's segments, of other customers, to g's.
func (g *segmenter) merge(h *segmenter) {
	for ci := range g.cols {
		col, other := &g.cols[ci], &h.cols[ci]
		for v, months := range other.months {
			if months == nil {
				continue
			}
			for int(v) >= len(col.months) {
				col.months = append(col.months, nil)
				col.paying = append(col.paying, nil)
			}
			if col.months[v] == nil {
				col.months[v], col.paying[v] = months, other.paying[v]
				continue
			}
			for j := range months {
				col.months[v][j].add(&months[j])
				col.paying[v][j] += other.paying[v][j]
			}
		}
	}
}

// finish completes each segment's months and returns the segments.
func (g *segmenter) finish() []Segment {
	var out []Segment
	for ci := range g.cols {
		col := &g.cols[ci]
		for v, months := range col.months {
			if months == nil {
				continue
			}
			chain(months)
			paying := 0
			for j := range months {
				months[j].StartingCustomers = paying
				paying += int(col.paying[v][j])
				months[j].Customers = paying
			}
			s := Segment{Column: col.name, Months: months}
			if v == MaxSegmentValues {
				s.Other = true
			} else {
				s.Value = col.values.get(uint32(v))
			}
			out = append(out, s)
		}
	}
	return out
}
