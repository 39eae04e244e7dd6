package sheets

import (
	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// Loaded is a subscriptions table read into a book.
type Loaded struct {
	// Book holds the rows that count, ready for computing.
	Book *calc.Book
	// Rates are the FX rates the book converts with, by currency code: the
	// single rates, as in [FX.Rates].
	Rates map[string]decimal.Decimal
	// Monthly are the FX table's rates by month, as in [FX.Monthly], or
	// nil.
	Monthly []calc.MonthlyRate
	// Report tells which rows were read and which were left out.
	Report
	// FXErrors are the rows of the FX table that were left out; their row
	// numbers are the FX table's.
	FXErrors []calc.Issue
	// Books is what the history tab recorded at the last sync, or nil.
	Books *calc.Books

	// fxLeftOut holds, by currency, the first row of the FX table that was
	// left out, so that a row with no rate for the currency can say why.
	fxLeftOut map[string]calc.Issue
}

// Every source reads its tables in the same order, with these steps: the
// FX table first (ReadFX), since the book needs its rates; then the book
// (NewBook) and the subscriptions into it (Decode); then the history tab
// ([DecodeHistory]) into Books. Each source says in its errors which tab
// or file a step failed on.

// ReadFX reads the FX table from r (see [DecodeFX]) and keeps its rates
// and the rows it left out.
func (l *Loaded) ReadFX(r RowReader, opts Options) error {
	t, issues, err := DecodeFX(r, opts)
	if err != nil {
		return err
	}
	l.Rates, l.Monthly, l.FXErrors = t.Rates, t.Monthly, issues
	l.fxLeftOut = t.leftOut
	return nil
}

// NewBook returns an empty book in the reporting currency of opts that
// converts at l's rates, single and monthly.
func (l *Loaded) NewBook(opts Options) (*calc.Book, error) {
	book, err := calc.NewBook(opts.currency(), l.Rates)
	if err != nil {
		return nil, err
	}
	if err := book.SetMonthlyRates(l.Monthly); err != nil {
		return nil, err
	}
	return book, nil
}

// Decode reads the subscriptions table from r into book, and keeps book
// and the report in l. It finds the header row, then reads each non-blank
// row below it into a calc.Subscription and adds it to book, in the
// table's order. A row that cannot be read, or that book refuses, is left
// out and reported in l.Errors. Decode returns an error only when the
// table as a whole cannot be read: no header row, a
// required column missing (a *HeaderError), two columns for one field (a
// *DuplicateColumnError), a segment column missing (a *SegmentError), a
// bad locale, or r failing.
//
// A text number or date that reads two ways is settled by its column's
// evidence, or by the locale, or is a problem (see evidence.go). A row
// whose cell awaits evidence from rows further down is held back, with
// the rows after it, until the evidence comes or the table ends; rows
// still reach book in the table's order.
//
// Each subscription's Segments are the row's cells in the columns of
// opts.Segments, trimmed, as text (a date cell as YYYY-MM-DD, a number as
// its literal); book must have been given the same segments with
// [calc.Book.SetSegments].
//
// Each problem names the field (calc.FieldStartDate, …), the header as the
// sheet writes it, the cell as written and the reason; a row with several
// problems yields one issue for each.
//
// A row left out because its currency has no rate says why when the FX
// table ([Loaded.ReadFX]) left that currency's row out.
func (l *Loaded) Decode(r RowReader, book *calc.Book, opts Options) error {
	rep, err := decodeWith(r, book, opts, l.fxLeftOut)
	if err != nil {
		return err
	}
	l.Book, l.Report = book, *rep
	return nil
}
