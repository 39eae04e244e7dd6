package sheets

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
)

// historyAsOf is the as-of date of the generated books: generated rows
// start over 2023–2025, so most of them are in closed months.
var historyAsOf = calc.DateOf(2026, 3, 15)

var generatedBooksCache sync.Map // n → *generated

type generated struct {
	books calc.Books
	rows  int // source rows, without the header
}

// generatedBooks returns the books a sync of a generated sheet of n rows
// records (seed 1, n/5 customers), read through the CSV reader.
func generatedBooks(tb testing.TB, n int) generated {
	tb.Helper()
	if g, ok := generatedBooksCache.Load(n); ok {
		return g.(generated)
	}
	var subs, fx bytes.Buffer
	if err := calctest.WriteCSV(&subs, n, 1); err != nil {
		tb.Fatal(err)
	}
	if err := calctest.WriteFXCSV(&fx); err != nil {
		tb.Fatal(err)
	}
	l, err := ReadCSV(&subs, &fx, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	res := l.Book.Compute(historyAsOf)
	g := generated{books: calc.Books{History: res.History(calc.LastClosed(historyAsOf)), Prints: l.Book.Prints()}, rows: n}
	generatedBooksCache.Store(n, g)
	return g
}

// tabSize counts what a tab puts in a spreadsheet, its header included:
// rows, the cells of its grid (rows × columns), the bytes of its text and
// its largest cell in bytes.
type tabSize struct {
	rows, cells, bytes, largest int
}

func sizeOf(t Tab) tabSize {
	s := tabSize{rows: 1 + len(t.Rows)}
	width := len(t.Columns)
	for _, c := range t.Columns {
		s.bytes += len(c.Title)
		s.largest = max(s.largest, len(c.Title))
	}
	for _, r := range t.Rows {
		width = max(width, len(r))
		for _, c := range r {
			s.bytes += len(c.Text)
			s.largest = max(s.largest, len(c.Text))
		}
	}
	s.cells = s.rows * width
	return s
}

var historySizes = []int{30_000, 100_000, 1_000_000}

// BenchmarkHistoryTab encodes the books of generated sheets as the history
// tab, and reports the tab's rows, grid cells, bytes and largest cell.
func BenchmarkHistoryTab(b *testing.B) {
	for _, n := range historySizes {
		g := generatedBooks(b, n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var t Tab
			for b.Loop() {
				t = HistoryTab(g.books)
			}
			s := sizeOf(t)
			b.ReportMetric(float64(s.rows), "tab-rows")
			b.ReportMetric(float64(s.cells), "tab-cells")
			b.ReportMetric(float64(s.bytes), "tab-bytes")
			b.ReportMetric(float64(s.largest), "largest-cell")
		})
	}
}

// BenchmarkDecodeHistory reads the history tabs of BenchmarkHistoryTab
// back.
func BenchmarkDecodeHistory(b *testing.B) {
	for _, n := range historySizes {
		g := generatedBooks(b, n)
		t := HistoryTab(g.books)
		rows := tabGrid(t)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeHistory(&table{rows: rows}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tabGrid is the tab as a reader gets it back: its header, then its rows.
func tabGrid(t Tab) [][]Cell {
	header := make([]Cell, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = TextCell(c.Title)
	}
	return append([][]Cell{header}, t.Rows...)
}
