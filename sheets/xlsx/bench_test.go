package xlsx

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// BenchmarkRead reads a 10k-row workbook with typed cells.
func BenchmarkRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 9})
	_ = sw.SetRow("A1", []any{"Customer ID", "Plan", "Amount", "Discount", "Start date", "End date", "Interval"})
	for i := range 10_000 {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = sw.SetRow(cell, []any{
			fmt.Sprintf("cus_%05d", i/3), "Pro", 10 + i%490,
			excelize.Cell{StyleID: pct, Value: float64(i%5) / 10},
			excelize.Cell{StyleID: dateStyle, Value: 45292 + i%365},
			nil, "monthly",
		})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		l, err := Read(path, sheets.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(l.Errors) != 0 || l.Rows != 10_000 {
			b.Fatalf("%d rows, errors %v", l.Rows, l.Errors)
		}
	}
}

// benchSizes are the rows of the workbook benchmarks: 10k and 100k, and
// 1M (Excel's limit) when BENCH_1M=1.
func benchSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

// BenchmarkReadWorkbook reads generated workbooks of typed cells (see
// generatedBook) with Read, beside reading the same rows as CSV.
func BenchmarkReadWorkbook(b *testing.B) {
	for _, n := range benchSizes() {
		path := generatedBook(b, n)
		var subs, fx bytes.Buffer
		if err := calctest.WriteCSV(&subs, n, 1); err != nil {
			b.Fatal(err)
		}
		if err := calctest.WriteFXCSV(&fx); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("rows=%d/csv", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := sheets.ReadCSV(bytes.NewReader(subs.Bytes()), bytes.NewReader(fx.Bytes()), sheets.Options{})
				if err != nil || l.Rows != n {
					b.Fatalf("%v rows, %v", l.Rows, err)
				}
			}
		})
		b.Run(fmt.Sprintf("rows=%d/xlsx", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := Read(path, sheets.Options{})
				if err != nil || l.Rows != n {
					b.Fatalf("%v rows, %v", l.Rows, err)
				}
			}
		})
	}
}

// BenchmarkWriteWorkbook writes a tab of n rows of six cells (text, dates,
// amounts, a count), as the history tab holds, into a generated workbook
// of n subscription rows, a fresh copy each time.
func BenchmarkWriteWorkbook(b *testing.B) {
	for _, n := range benchSizes() {
		src := generatedBook(b, n)
		data, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		tab := sheets.Tab{
			Name: "History",
			Role: sheets.RoleIssues,
			Columns: []sheets.TabColumn{
				{Title: "Customer"}, {Title: "From", Format: sheets.FormatDate, Pattern: "yyyy-mm-dd"},
				{Title: "To", Format: sheets.FormatDate}, {Title: "MRR", Format: sheets.FormatCurrency, Pattern: "#,##0.00"},
				{Title: "Seats", Format: sheets.FormatNumber}, {Title: "Plan"},
			},
		}
		for i := range n {
			tab.Rows = append(tab.Rows, []sheets.Cell{
				sheets.TextCell(fmt.Sprintf("C%d", 1000000+i/5)), sheets.NumberCell(fmt.Sprint(45000+i%900), sheets.FormatDate),
				sheets.NumberCell(fmt.Sprint(45030+i%900), sheets.FormatDate), sheets.NumberCell(fmt.Sprintf("%d.%02d", i%5000, i%100), sheets.FormatCurrency),
				sheets.IntCell(1 + i%20), sheets.TextCell([]string{"Starter", "Team", "Business"}[i%3]),
			})
		}
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			p := filepath.Join(b.TempDir(), "book.xlsx")
			for b.Loop() {
				b.StopTimer()
				if err := os.WriteFile(p, data, 0o644); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := Write(p, []sheets.Tab{tab}, WriteOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
