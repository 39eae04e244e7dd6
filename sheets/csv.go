package sheets

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

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
	Books *Books
}

// ReadCSV reads a subscriptions table from subs and, when fx is not nil, an
// FX table from fx (columns currency, rate and optionally month; see
// [DecodeFX]), both CSV. The FX table is read first: the book needs its
// rates. The book breaks MRR down by opts.Segments. The separator is a comma, a
// semicolon or a tab, whichever the first line uses most; a UTF-8 byte
// order mark is skipped. Every cell is text, so dates and numbers are read
// as written, with opts.Locale settling ambiguous forms.
//
// Row numbers are the lines a spreadsheet would show: a blank line is a
// row, a quoted cell with line breaks is one row.
func ReadCSV(subs io.Reader, fx io.Reader, opts Options) (*Loaded, error) {
	l := &Loaded{}
	if fx != nil {
		t, issues, err := DecodeFX(NewCSVReader(fx), opts)
		if err != nil {
			return nil, fmt.Errorf("read fx csv: %w", err)
		}
		l.Rates, l.Monthly, l.FXErrors = t.Rates, t.Monthly, issues
		opts.fxLeftOut = t.leftOut
	}
	book, err := l.newBook(opts.currency())
	if err != nil {
		return nil, fmt.Errorf("read fx csv: %w", err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, err
	}
	rows := prefetch(NewCSVReader(subs))
	defer rows.Close()
	rep, err := Decode(rows, book, opts)
	if err != nil {
		return nil, fmt.Errorf("read subscriptions csv: %w", err)
	}
	l.Book, l.Report = book, *rep
	return l, nil
}

// newBook returns an empty book that converts at l's rates, single and
// monthly.
func (l *Loaded) newBook(currency string) (*calc.Book, error) {
	book, err := calc.NewBook(currency, l.Rates)
	if err != nil {
		return nil, err
	}
	if err := book.SetMonthlyRates(l.Monthly); err != nil {
		return nil, err
	}
	return book, nil
}

// CSVReader is a [RowReader] over CSV text. Every non-empty field is a
// Text cell.
type CSVReader struct {
	r     *bufio.Reader
	csv   *csv.Reader
	cells []Cell
	extra int   // line breaks inside quoted fields so far
	err   error // why the text cannot be read, if it cannot
}

// NewCSVReader returns a RowReader over the CSV text of r: UTF-8, or
// UTF-16 or Windows-1252, which it decodes (see encoding.go). A file it
// cannot decode makes Next fail with an *EncodingError.
func NewCSVReader(r io.Reader) *CSVReader {
	raw := bufio.NewReaderSize(r, 64<<10)
	text, err := utf8Text(raw)
	if err != nil {
		return &CSVReader{err: err}
	}
	br := bufio.NewReaderSize(text, 64<<10)
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &CSVReader{r: br, csv: cr}
}

// sniffComma picks the separator the first lines use most: comma,
// semicolon (Excel in decimal-comma locales) or tab.
func sniffComma(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Size())
	var counts [3]int
	seps := [3]byte{',', ';', '\t'}
	quoted := false
	lines := 0
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			lines++
		default:
			for i, s := range seps {
				if c == s {
					counts[i]++
				}
			}
		}
		if lines == 10 {
			break
		}
	}
	best := 0
	for i := range seps {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return rune(seps[best])
}

// Next returns the next record. Blank lines are skipped, and counted in the
// row numbers.
func (c *CSVReader) Next() (int, []Cell, error) {
	if c.err != nil {
		return 0, nil, c.err
	}
	rec, err := c.csv.Read()
	if err != nil {
		return 0, nil, err
	}
	line, _ := c.csv.FieldPos(0)
	row := line - c.extra
	// A quoted field may hold line breaks; the record is still one row.
	last := len(rec) - 1
	endLine, _ := c.csv.FieldPos(last)
	c.extra += endLine - line + strings.Count(rec[last], "\n")
	cells := c.cells[:0]
	for _, f := range rec {
		k := Text
		if f == "" {
			k = Empty
		}
		cells = append(cells, Cell{Kind: k, Text: f})
	}
	c.cells = cells
	return row, cells, nil
}
