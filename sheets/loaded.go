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

// Decode reads the subscriptions table from r into book, as [Decode]
// does, and keeps book and the report. A row left out because its
// currency has no rate says why when the FX table left that currency's
// row out.
func (l *Loaded) Decode(r RowReader, book *calc.Book, opts Options) error {
	rep, err := decodeWith(r, book, opts, l.fxLeftOut)
	if err != nil {
		return err
	}
	l.Book, l.Report = book, *rep
	return nil
}
