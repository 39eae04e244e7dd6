package calc

import "slices"

// Locked returns r with the books closed through locked.Through: those months report the figures recorded in
// locked, whatever the sheet now says, and the months after them continue
// from there.
//
//   - A closed month's waterfall is rebuilt from the recorded month-end MRR
//     of each customer: the movements between consecutive recorded values,
//     classified by the rules of Compute. A history recorded from a result
//     gives back that result's closed months exactly.
//   - The first open month moves each customer from its locked MRR at
//     locked.Through to its MRR in the sheet at the end of that month; the
//     later months are the sheet's own movements. New and Reactivation are
//     told apart by the locked figures: a customer that paid only in rows
//     since deleted reactivates, one that appears only through a back-dated
//     row is new.
//
// A history recorded before month-end MRR was rounded to the reporting
// currency's minor unit is read rounded to it, so every figure is a sum of
// whole cents. So in every month Starting + Net New = Ending and Starting
// is the Ending of the month before, and every open month ends with the MRR that Compute
// finds, customer by customer. The months run from the first month with a
// recorded or a paying row through asOf's month; locked months after asOf's
// month are ignored. A customer known only to the history has an empty
// name and comes after the sheet's customers in Customers.
//
// Unlike Compute's, the result holds its movements from the start. It
// reuses r's sweep instead of computing the sheet again; r is not changed.
func (r *Result) Locked(locked History) *Result {
	live := r
	asOf := live.AsOf
	locked = locked.rounded(minorUnit(live.Currency))
	// Clipped: customers known only to the history are appended to the
	// locked result's list, never to live's.
	res := &Result{
		Currency:  live.Currency,
		AsOf:      asOf,
		Customers: slices.Clip(live.Customers),
		Warnings:  live.Warnings,
		MonthlyFX: live.MonthlyFX,
		live:      live.live,
		outlook:   live.outlook,
		// The sheet records no segments for closed months: the breakdown
		// is the sheet's as it is now.
		segments: live.segments,
	}
	last := asOf.Month()
	through := min(locked.Through, last)

	// The recorded values that stay, by customer.
	hist := make(map[string][]HistoryEntry)
	first := last + 1
	if len(live.Months) > 0 {
		first = live.Months[0].Month
	}
	for c, es := range locked.Customers() {
		n := 0
		for n < len(es) && es[n].Month <= through {
			n++
		}
		if n > 0 {
			hist[c] = es[:n]
			first = min(first, es[0].Month)
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

	var moves chunks[Movement]
	var mine []Movement // the current customer's
	visit := func(mv Movement) {
		res.Months[mv.Month-first].count(mv)
		moves.append(mv)
		mine = append(mine, mv)
	}
	res.cohorts = newCohortTable(n)
	var open []Movement
	collect := func(mv Movement) { open = append(open, mv) }
	var sc scratch
	for c := range live.Customers {
		open, mine = open[:0], mine[:0]
		if live.sweep != nil {
			live.sweep.walk(uint32(c), live.sweep.customerRows(uint32(c)), &sc, collect, nil)
		}
		id := live.Customers[c].ID
		lockedCustomer(uint32(c), hist[id], open, through, last, visit)
		res.cohorts.customer(mine, first)
		delete(hist, id)
	}
	// Customers whose rows are all gone from the sheet, in ID order.
	for id := range locked.Customers() {
		if es, ok := hist[id]; ok {
			mine = mine[:0]
			res.Customers = append(res.Customers, Customer{ID: id})
			lockedCustomer(uint32(len(res.Customers)-1), es, nil, through, last, visit)
			res.cohorts.customer(mine, first)
		}
	}
	chain(res.Months)
	res.movesOnce.Do(func() { res.moves = sortByMonth(&moves, first, n) })
	return res
}

// lockedCustomer reports to visit the movements of customer c: those
// between its recorded month-end values (entries through the last locked
// month, through; the sheet's own when they agree), then from its locked value to the sheet's at the end of
// the first open month, then the sheet's movements after it (open, in month
// order, as the sweep reports them).
func lockedCustomer(c uint32, recorded []HistoryEntry, open []Movement, through, last Month, visit func(Movement)) {
	var mrr Fixed
	everPaid := false
	move := func(m Month, after Fixed) {
		if after == mrr {
			return
		}
		visit(Movement{Month: m, Customer: c, Kind: classify(mrr, after, everPaid), Before: mrr, After: after})
		mrr, everPaid = after, true
	}
	// sheetMonth replays the sheet's movements of month m when they move
	// the customer from its MRR so far to after, so that a month's FX
	// impact stays FX impact rather than turning into expansion.
	j := 0 // into open
	// monthOf returns the sheet's movements of month m, the first month
	// with any at or after open[j].
	monthOf := func(m Month) []Movement {
		for j < len(open) && open[j].Month < m {
			j++
		}
		k := j
		for k < len(open) && open[k].Month == m {
			k++
		}
		return open[j:k]
	}
	replay := func(moves []Movement) {
		for _, mv := range moves {
			mv.Customer = c
			if mv.Kind != FXImpact {
				mv.Kind = classify(mv.Before, mv.After, everPaid)
			}
			visit(mv)
			everPaid = true
		}
	}
	sheetMonth := func(m Month, after Fixed) bool {
		moves := monthOf(m)
		if len(moves) == 0 || moves[0].Before != mrr || moves[len(moves)-1].After != after {
			return false
		}
		replay(moves)
		mrr = after
		return true
	}
	// quietUntil replays the sheet's months before m that leave the
	// customer where it was (an FX impact and a movement that cancel): the
	// history records no change there.
	quietUntil := func(m Month) {
		for j < len(open) && open[j].Month < m {
			moves := monthOf(open[j].Month)
			if moves[0].Before == mrr && moves[len(moves)-1].After == mrr && len(moves) > 1 {
				replay(moves)
			}
			j += len(moves)
		}
	}
	for _, e := range recorded {
		quietUntil(e.Month)
		if !sheetMonth(e.Month, e.MRR) {
			move(e.Month, e.MRR)
		}
	}
	if through >= last {
		return
	}
	quietUntil(through + 1)
	var sheet Fixed // the sheet's MRR at the end of the first open month
	i := 0
	for ; i < len(open) && open[i].Month <= through+1; i++ {
		sheet = open[i].After
	}
	if !sheetMonth(through+1, sheet) {
		// The books and the sheet disagree on where the customer stood.
		// The rates still moved: the sheet's FX impact of the month comes
		// first, then the rest is the restatement's movement.
		for _, mv := range monthOf(through + 1) {
			if fx := mv.After - mv.Before; mv.Kind == FXImpact && mrr != 0 && sheet != 0 && mrr+fx > 0 {
				visit(Movement{Month: through + 1, Customer: c, Kind: FXImpact, Before: mrr, After: mrr + fx})
				mrr += fx
			}
		}
		move(through+1, sheet)
	}
	for _, mv := range open[i:] {
		if mv.Kind == FXImpact && mv.Before == mrr {
			// The sheet's own FX impact, from the same MRR: keep it.
			visit(Movement{Month: mv.Month, Customer: c, Kind: FXImpact, Before: mrr, After: mv.After})
			mrr = mv.After
			continue
		}
		move(mv.Month, mv.After)
	}
}
