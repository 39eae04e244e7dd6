package calc

import (
	"cmp"
	"slices"
)

// Committed and at-risk MRR. A row whose end date lies after the day
// measured is scheduled churn: its MRR is known to go. The outlook of a
// day weighs each customer's MRR on that day against its MRR on a later
// day, counting every row the sheet holds for it, so an upgrade entered as
// "end the old row, start a new one" is not at risk, and a row renewed by
// a later row is not either.

// DefaultHorizons are the days ahead that digests look: 30, 60 and 90.
var DefaultHorizons = []int{30, 60, 90}

// Outlook is the MRR of one day split into what is committed and what the
// sheet already says will go.
type Outlook struct {
	From Date
	// MRR is the MRR on From.
	MRR Sum
	// Committed is the part of MRR that no row's end takes away within
	// the longest horizon: MRR − the last horizon's AtRisk.
	Committed Sum
	// Horizons are the days ahead, shortest first.
	Horizons []Horizon
}

// Horizon is the MRR scheduled to go within Days days after the outlook's
// day: what customers pay on From and will not pay on Until.
type Horizon struct {
	Days  int
	Until Date // From + Days
	// AtRisk is the sum of the customers' drops.
	AtRisk Sum
	// Customers are those whose MRR drops, the largest drop first.
	Customers []AtRisk
}

// AtRisk is one customer's scheduled drop in MRR.
type AtRisk struct {
	Customer uint32 // index into Result.Customers
	MRR      Fixed  // on the outlook's day
	After    Fixed  // on the horizon's Until; 0 when the customer churns
	// LastDay is the last day of service of the first of its rows to end.
	LastDay Date
}

// Drop returns the MRR the customer is scheduled to lose.
func (a AtRisk) Drop() Fixed { return a.MRR - a.After }

// Outlook returns the outlook of day from, looking days ahead (each > 0;
// DefaultHorizons when none are given). Amounts are in the reporting
// currency at the exchange rates of from's month. A result with no rows
// has an empty outlook.
func (r *Result) Outlook(from Date, days ...int) Outlook {
	if len(days) == 0 {
		days = DefaultHorizons
	}
	days = slices.Clone(days)
	slices.Sort(days)
	o := Outlook{From: from, Horizons: make([]Horizon, len(days))}
	for h, d := range days {
		o.Horizons[h] = Horizon{Days: d, Until: from + Date(d)}
	}
	s := r.live
	if s == nil {
		return o
	}
	rates := make([]rate, len(s.monthly))
	for k := range s.monthly {
		rates[k] = s.monthly[k].at(from.Month())
	}
	// on[0] is the customer's MRR by currency on from; on[h+1] on the
	// horizon h's Until.
	on := make([][]Fixed, len(days)+1)
	for i := range on {
		on[i] = make([]Fixed, len(rates)+1)
	}
	lastDay := make([]Date, len(days))
	for c := range len(s.offsets) - 1 {
		for i := range on {
			clear(on[i])
		}
		rows := s.customerRows(uint32(c))
		for h := range lastDay {
			lastDay[h] = NoEnd
		}
		for _, ri := range rows {
			rw := s.row(ri)
			now := rw.start <= from && from <= rw.end
			if now {
				on[0][rw.cur] += rw.mrr
			}
			for h, hz := range o.Horizons {
				if rw.start <= hz.Until && hz.Until <= rw.end {
					on[h+1][rw.cur] += rw.mrr
				} else if now && rw.end < hz.Until {
					lastDay[h] = min(lastDay[h], rw.end)
				}
			}
		}
		mrr := valueAt(on[0], rates)
		if mrr == 0 {
			continue
		}
		o.MRR.Add(mrr)
		for h := range o.Horizons {
			after := valueAt(on[h+1], rates)
			if after >= mrr {
				continue
			}
			hz := &o.Horizons[h]
			hz.AtRisk.Add(mrr - after)
			hz.Customers = append(hz.Customers, AtRisk{Customer: uint32(c), MRR: mrr, After: after, LastDay: lastDay[h]})
		}
	}
	for h := range o.Horizons {
		slices.SortStableFunc(o.Horizons[h].Customers, func(a, b AtRisk) int { return cmp.Compare(b.Drop(), a.Drop()) })
	}
	o.Committed = o.MRR
	if n := len(o.Horizons); n > 0 {
		o.Committed.AddSum(o.Horizons[n-1].AtRisk.Neg())
	}
	return o
}

// valueAt returns amounts by currency (0 the reporting currency, k the
// currency of rates[k-1]) in the reporting currency.
func valueAt(amounts []Fixed, rates []rate) Fixed {
	v := amounts[0]
	for k, a := range amounts[1:] {
		if a != 0 {
			conv, _ := convert(a, rates[k])
			v += conv
		}
	}
	return v
}
