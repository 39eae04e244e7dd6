package calc

import (
	"cmp"
	"slices"
)

// Segments. A segment is the rows that share a value of one column: the
// plan, or a column named with [Book.SetSegments]. Each segment has its own
// waterfall, made by the rules of Compute from the segment's rows, with one
// difference: New, Reactivation and Churn are the customer's, not the
// segment's. A customer that starts paying in a segment while it already
// pays in another expands there (and contracts in the one it leaves), so a
// plan change is Contraction in the old plan and Expansion in the new one.
//
// So in every month the segments of one column add up to the result:
// Starting, Ending, Net New, New, Reactivation, Churn and FX impact sum to
// the result's, and so does Expansion − Contraction; Expansion and
// Contraction each exceed the result's by the moves between segments.

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
	// Scratch for customers whose rows fall into several segments.
	rows    []int32
	vals    []segCount
	events  []event
	moves   []Movement
	collect func(Movement)
}

// segCount is a segment value and the number of a customer's rows in it.
type segCount struct {
	v    uint32
	rows int
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
	g.collect = func(mv Movement) { g.moves = append(g.moves, mv) }
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

// customer adds customer c's movements (moves, made from rows) to its
// segments in each column.
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
		if sc.sorted && len(rows) < noPos {
			g.split(c, col, rows, moves, sc.events)
			continue
		}
		// With monthly rates: walk each segment's rows again.
		events := sc.events // walk reuses the buffer; keep the customer's
		g.rows = append(g.rows[:0], rows...)
		slices.SortStableFunc(g.rows, func(a, b int32) int { return cmp.Compare(g.value(col, a), g.value(col, b)) })
		for lo := 0; lo < len(g.rows); {
			v := g.value(col, g.rows[lo])
			hi := lo + 1
			for hi < len(g.rows) && g.value(col, g.rows[hi]) == v {
				hi++
			}
			g.moves = g.moves[:0]
			sc.owner = moves
			g.sweep.walk(c, g.rows[lo:hi], sc, g.collect, nil)
			sc.owner = nil
			g.relabelAll(col, v, moves)
			lo = hi
		}
		sc.events, sc.sorted = events, false
	}
}

// split divides a customer's events, sorted by month and tagged with their
// row's position in rows, among its segments in column col, and adds each
// segment's movements: the customer's walk already did the costly part.
func (g *segmenter) split(c uint32, col *segColumn, rows []int32, moves []Movement, events []event) {
	g.vals = g.vals[:0]
	for _, ri := range rows {
		v := g.value(col, ri)
		i := slices.IndexFunc(g.vals, func(sv segCount) bool { return sv.v == v })
		if i < 0 {
			g.vals = append(g.vals, segCount{v: v})
			i = len(g.vals) - 1
		}
		g.vals[i].rows++
	}
	for _, sv := range g.vals {
		g.events = g.events[:0]
		for _, e := range events {
			if g.value(col, rows[e.pos]) == sv.v {
				g.events = append(g.events, e)
			}
		}
		g.moves = g.moves[:0]
		g.sweep.moves(c, g.events, Fixed(sv.rows), g.collect, nil)
		g.relabelAll(col, sv.v, moves)
	}
}

// relabelAll adds the segment movements collected in g.moves to segment v,
// named by the customer's movements (moves).
func (g *segmenter) relabelAll(col *segColumn, v uint32, moves []Movement) {
	k := 0 // index into moves, the customer's
	for _, mv := range g.moves {
		for k < len(moves) && moves[k].Month < mv.Month {
			k++
		}
		g.add(col, v, relabel(mv, moves[k:]))
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
