package report

import (
	"fmt"
	"testing"

	"github.com/mrrbot/mrrbot/sheets"
)

// BenchmarkFitColumns measures fitting the columns of a movements tab of
// 100,000 rows, whose ID, name and type columns are text: the cost a large
// sync pays for headers and names that are not cut off.
func BenchmarkFitColumns(b *testing.B) {
	const n = 100_000
	cols := []sheets.TabColumn{
		monthColumn(),
		textColumn("Customer ID", widthID),
		textColumn("Customer", widthName),
		textColumn("Type", widthID),
		amountColumn("Amount", "USD"),
	}
	rows := make([][]sheets.Cell, n)
	for i := range rows {
		rows[i] = []sheets.Cell{
			sheets.DateCell(20000),
			sheets.TextCell(fmt.Sprintf("CUS-%06d", i)),
			sheets.TextCell(fmt.Sprintf("Customer number %d of a long list", i)),
			sheets.TextCell("Expansion"),
			sheets.NumberCell("120.00", sheets.FormatCurrency),
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		tab := sheets.Tab{Columns: append([]sheets.TabColumn(nil), cols...), Rows: rows}
		fitColumns(&tab)
	}
}

// TestFitColumns checks the widths fitted to a small tab: a header wider
// than its column widens it, a long text widens its column up to
// maxFitWidth, and number and wrapping columns keep their width.
func TestFitColumns(t *testing.T) {
	long := "Stillwater Insurance Brokers and Sons of the Northern Coast, Limited"
	tab := sheets.Tab{
		Columns: []sheets.TabColumn{
			{Title: "Reactivated Customers", Format: sheets.FormatNumber, Width: 100},
			{Title: "Customer", Width: 100},
			{Title: "Problem", Width: 420, Wrap: true},
			{Title: "Name", Width: 100},
		},
		Rows: [][]sheets.Cell{
			{sheets.IntCell(123456789012), sheets.TextCell("Acme"), sheets.TextCell(long + long), sheets.TextCell(long + long + long)},
		},
	}
	fitColumns(&tab)
	got := []int{tab.Columns[0].Width, tab.Columns[1].Width, tab.Columns[2].Width, tab.Columns[3].Width}
	// "Reactivated Customers" is 148 pixels in Arial Bold 10 pt.
	if got[0] < 148+8 || got[0] > 148+30 {
		t.Errorf("Reactivated Customers: %d pixels, want its header's 148 and some room", got[0])
	}
	if got[1] != 100 {
		t.Errorf("Customer: %d pixels, want its 100 (Acme and its header fit)", got[1])
	}
	if got[2] != 420 {
		t.Errorf("Problem wraps: %d pixels, want its 420", got[2])
	}
	if got[3] != maxFitWidth {
		t.Errorf("Name with a long text: %d pixels, want the most, %d", got[3], maxFitWidth)
	}
}
