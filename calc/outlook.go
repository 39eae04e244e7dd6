package calc

import (
	"cmp"
	"slices"
	"sync"
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
	if r.outlook != nil && from == r.outlook.o.From && slices.Equal(days, DefaultHorizons) {
		// Compute made this one as it swept the rows.
		return r.outlook.finish()
	}
	s := r.live
	if s == nil {
		return newOutlooker(from, days, nil, minorUnit(r.Currency)).finish()
	}
	ol := newOutlooker(from, days, s.monthly, s.unit)
	for c := range len(s.offsets) - 1 {
		ol.customer(s, uint32(c), s.customerRows(uint32(c)), -1)
	}
	return ol.finish()
}

// outlooker makes an Outlook one customer at a time, so that Compute can
// make the as-of date's while each customer's rows are at hand.
type outlooker struct {
	o       Outlook
	rates   []rate    // of from's month, by monthly currency
	on      [][]Fixed // on[0]: the customer's MRR by currency on from; on[h+1]: on horizon h's Until
	lastDay []Date
	unit    Fixed     // a customer's MRR is rounded to it, as in the waterfall
	done    sync.Once // finish; results are shared by concurrent readers
}

func newOutlooker(from Date, days []int, monthly []monthlyRates, unit Fixed) *outlooker {
	days = slices.Clone(days)
	slices.Sort(days)
	ol := &outlooker{o: Outlook{From: from, Horizons: make([]Horizon, len(days))}, lastDay: make([]Date, len(days)), unit: unit}
	for h, d := range days {
		ol.o.Horizons[h] = Horizon{Days: d, Until: from + Date(d)}
	}
	ol.rates = make([]rate, len(monthly))
	for k := range monthly {
		ol.rates[k] = monthly[k].at(from.Month())
	}
	ol.on = make([][]Fixed, len(days)+1)
	for i := range ol.on {
		ol.on[i] = make([]Fixed, len(ol.rates)+1)
	}
	return ol
}

// customer weighs customer c, whose rows are rows. reported is the
// customer's MRR on the outlook's day as the waterfall reports it, or −1
// when the caller does not know it. Like the waterfall's, a customer's MRR
// on a day is the sum of its rows rounded to the minor unit, so a drop is
// a whole number of cents and a row renewed by rows of the same total is
// no drop.
func (ol *outlooker) customer(s *sweep, c uint32, rows []int32, reported Fixed) {
	o := &ol.o
	for i := range ol.on {
		clear(ol.on[i])
	}
	for h := range ol.lastDay {
		ol.lastDay[h] = NoEnd
	}
	paying := false
	for _, ri := range rows {
		rw := s.row(ri)
		now := rw.start <= o.From && o.From <= rw.end
		if now {
			ol.on[0][rw.cur] += rw.mrr
			paying = true
		}
		for h := range o.Horizons {
			until := o.Horizons[h].Until
			if rw.start <= until && until <= rw.end {
				ol.on[h+1][rw.cur] += rw.mrr
			} else if now && rw.end < until {
				ol.lastDay[h] = min(ol.lastDay[h], rw.end)
			}
		}
	}
	if !paying {
		return
	}
	mrr := roundTo(valueAt(ol.on[0], ol.rates), ol.unit)
	if reported >= 0 {
		mrr = reported
	}
	if mrr == 0 {
		return
	}
	o.MRR.Add(mrr)
	for h := range o.Horizons {
		after := roundTo(valueAt(ol.on[h+1], ol.rates), ol.unit)
		if after >= mrr {
			continue
		}
		hz := &o.Horizons[h]
		hz.AtRisk.Add(mrr - after)
		hz.Customers = append(hz.Customers, AtRisk{Customer: c, MRR: mrr, After: after, LastDay: ol.lastDay[h]})
	}
}

// merge adds the customers that pl weighed, of higher indexes, to ol's.
func (ol *outlooker) merge(pl *outlooker) {
	ol.o.MRR.AddSum(pl.o.MRR)
	for h := range ol.o.Horizons {
		hz, other := &ol.o.Horizons[h], &pl.o.Horizons[h]
		hz.AtRisk.AddSum(other.AtRisk)
		hz.Customers = append(hz.Customers, other.Customers...)
	}
}

// finish sorts the customers and works out Committed. The Outlook it
// returns shares its lists with later calls: callers must not modify them.
func (ol *outlooker) finish() Outlook {
	ol.done.Do(func() {
		o := &ol.o
		for h := range o.Horizons {
			slices.SortStableFunc(o.Horizons[h].Customers, func(a, b AtRisk) int { return cmp.Compare(b.Drop(), a.Drop()) })
		}
		o.Committed = o.MRR
		if n := len(o.Horizons); n > 0 {
			o.Committed.AddSum(o.Horizons[n-1].AtRisk.Neg())
		}
	})
	return ol.o
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
