package xlsx

import (
	"fmt"
	"path/filepath"
	"testing"

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
