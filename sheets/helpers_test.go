package sheets

import (
	"io"
	"slices"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// table is a RowReader over typed rows; row i of the slice is row i+1.
type table struct {
	rows [][]Cell
	i    int
}

func (t *table) Next() (int, []Cell, error) {
	if t.i >= len(t.rows) {
		return 0, nil, io.EOF
	}
	t.i++
	return t.i, t.rows[t.i-1], nil
}

// T is a text cell, N a number cell.
func T(s string) Cell           { return Cell{Kind: Text, Text: s} }
func N(s string, f Format) Cell { return Cell{Kind: Number, Text: s, Format: f} }
func texts(ss ...string) (r []Cell) {
	for _, s := range ss {
		r = append(r, T(s))
	}
	return r
}

// recorder is a book that keeps the subscriptions it accepts.
type recorder struct {
	book *calc.Book
	subs []calc.Subscription
}

func newRecorder(t *testing.T, currency string, rates map[string]string) *recorder {
	t.Helper()
	rs := make(map[string]decimal.Decimal)
	for c, r := range rates {
		rs[c] = decimal.RequireFromString(r)
	}
	b, err := calc.NewBook(currency, rs)
	if err != nil {
		t.Fatal(err)
	}
	return &recorder{book: b}
}

func (r *recorder) Add(s *calc.Subscription) error {
	if err := r.book.Add(s); err != nil {
		return err
	}
	// The decoder reuses the Segments slice row after row.
	sub := *s
	sub.Segments = slices.Clone(s.Segments)
	r.subs = append(r.subs, sub)
	return nil
}

func (r *recorder) Currency() string { return r.book.Currency() }

func (r *recorder) Customers() int { return r.book.Customers() }

// fx parses a decimal literal as a Fixed for expectations.
func fx(s string) calc.Fixed {
	v, err := calc.ParseFixed(s)
	if err != nil {
		panic(err)
	}
	return v
}

func date(s string) calc.Date {
	d, err := calc.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
