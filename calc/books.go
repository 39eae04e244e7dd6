package calc

// Books is what a sync records of the months that have ended, so that the
// next sync can tell when the sheet restates one of them: the month-end
// MRR of every customer through the last month that has ended, a
// fingerprint of every paying row, and the last month closed for good.
type Books struct {
	// History is the month-end MRR of each customer through the last
	// month that had ended when it was recorded.
	History History
	// Prints fingerprint the paying rows of that sync.
	Prints []RowPrint
	// Closed is the last month closed with `mrrbot books close`, or 0.
	// With the books locked, the months through it keep their recorded
	// figures.
	Closed Month
}

// Closing is what the closed-books policy makes of a computation: the
// figures to report, the books to record and what the sheet restated.
type Closing struct {
	// Result is the figures to report: the live ones, or with the books
	// locked, the closed months' recorded figures and the open months
	// moving from them.
	Result *Result
	// Books is what to record now.
	Books *Books
	// Restated are the closed months that the sheet now gives other
	// figures than the books recorded, with the rows that changed.
	Restated []Restatement
}

// CloseBooks applies the closed-books policy to live, the sheet's figures
// as of live.AsOf, whose book's rows have the fingerprints prints; old is
// what the last sync recorded, or nil.
//
//   - Every month that has ended by the as-of date is recorded: its
//     month-end MRR, customer by customer, and the rows' prints. A month
//     the sheet now gives other figures than recorded is a restatement.
//   - The months through old.Closed keep their recorded month-end MRR in
//     the books whatever the sheet says now; with locked, they also keep
//     it in the figures reported ([Result.Locked]), and the first open
//     month moves from them. Without it the figures are the sheet's, and
//     the restatements say where they differ.
//   - A computation as of an earlier date than the last one records
//     nothing new: the old books stay.
func CloseBooks(live *Result, prints []RowPrint, old *Books, locked bool) Closing {
	through := LastClosed(live.AsOf)
	c := Closing{Result: live}
	if old == nil {
		c.Books = &Books{History: live.History(through), Prints: prints}
		return c
	}
	if locked && old.Closed != 0 {
		c.Result = live.Locked(old.History.Upto(old.Closed))
	}
	c.Restated = Restatements(old.History, old.Prints, live, prints)
	if through < old.History.Through {
		c.Books = old
		return c
	}
	c.Books = &Books{History: live.History(through), Prints: prints, Closed: old.Closed}
	if old.Closed != 0 {
		c.Books.History = Freeze(old.History, old.Closed, c.Books.History)
	}
	return c
}
