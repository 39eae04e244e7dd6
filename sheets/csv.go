package sheets

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

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
	return readCSV(subs, fx, opts, 0)
}

// readCSV is [ReadCSV] with the subscriptions' separator given: comma is
// 0 to pick it from the first lines.
func readCSV(subs io.Reader, fx io.Reader, opts Options, comma rune) (*Loaded, error) {
	l := &Loaded{}
	if fx != nil {
		if err := l.ReadFX(NewCSVReader(fx), opts); err != nil {
			return nil, fmt.Errorf("read fx csv: %w", err)
		}
	}
	book, err := l.NewBook(opts)
	if err != nil {
		return nil, fmt.Errorf("read fx csv: %w", err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, err
	}
	rows := prefetch(newCSVReader(subs, comma))
	defer rows.Close()
	if err := l.Decode(rows, book, opts); err != nil {
		return nil, fmt.Errorf("read subscriptions csv: %w", err)
	}
	return l, nil
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
func NewCSVReader(r io.Reader) *CSVReader { return newCSVReader(r, 0) }

// newCSVReader is [NewCSVReader] with the separator given, or 0 to pick
// it from the first lines.
func newCSVReader(r io.Reader, comma rune) *CSVReader {
	raw := bufio.NewReaderSize(r, 64<<10)
	text, err := utf8Text(raw)
	if err != nil {
		return &CSVReader{err: err}
	}
	br := bufio.NewReaderSize(text, 64<<10)
	cr := csv.NewReader(br)
	cr.Comma = comma
	if comma == 0 {
		cr.Comma = sniffComma(br)
	}
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

// CSVFile is a subscriptions table in a CSV file, with its FX rates in
// another when FX is set, as a [Source]: what `mrrbot compute --input
// FILE.csv --fx FILE.csv` reads. A CSV file is read, never written.
type CSVFile struct {
	Path string
	// FX is the CSV file of FX rates, or "".
	FX string
	// Comma separates the subscriptions' fields: '\t' for a TSV file; 0
	// picks a comma, semicolon or tab from the first lines.
	Comma rune
}

var _ Source = CSVFile{}

// Layout names the file. Its one table has the file's name.
func (c CSVFile) Layout(context.Context) (*Layout, error) {
	if _, err := os.Stat(c.Path); err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	return &Layout{Name: "file " + c.Path, Title: c.Path, Link: c.Path, Tabs: []TabInfo{{Title: filepath.Base(c.Path)}}}, nil
}

// Load reads the file, and its FX file, with [ReadCSV]; opts.Tab does not
// apply.
func (c CSVFile) Load(_ context.Context, opts Options) (*Loaded, error) {
	f, err := os.Open(c.Path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	defer f.Close()
	var fx io.Reader
	if c.FX != "" {
		ff, err := os.Open(c.FX)
		if err != nil {
			return nil, fmt.Errorf("open fx rates: %w", err)
		}
		defer ff.Close()
		fx = ff
	}
	l, err := readCSV(f, fx, opts, c.Comma)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", c.Path, err)
	}
	return l, nil
}
