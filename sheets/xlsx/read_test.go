package xlsx

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// newWorkbook builds a workbook in t.TempDir: a Subscriptions tab with a
// title row, typed cells of every kind the reader classifies, and an FX tab.
func newWorkbook(t *testing.T, date1904 bool) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if date1904 {
		must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
	}
	const tab = "Subscriptions"
	must(f.SetSheetName("Sheet1", tab))
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	dateStyle := style(&excelize.Style{NumFmt: 14})
	isoStyle := style(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	percent := style(&excelize.Style{NumFmt: 9})
	percent2 := style(&excelize.Style{NumFmt: 10})
	money := style(&excelize.Style{CustomNumFmt: ptr(`[$€-407]#,##0.00`)})
	accounting := style(&excelize.Style{NumFmt: 44})

	serial := func(s string) float64 {
		n := float64(sheets.Serial(date(s)))
		if date1904 {
			n -= 1462
		}
		return n
	}
	set := func(cell string, v any, style int) {
		t.Helper()
		must(f.SetCellValue(tab, cell, v))
		if style != 0 {
			must(f.SetCellStyle(tab, cell, cell, style))
		}
	}
	set("A1", "Acme subscriptions", 0)
	for i, h := range []string{"Customer ID", "Amount", "Currency", "Seats", "Discount", "Start date", "End date", "Active?"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(cell, h, 0)
	}
	// Row 4: serial date with built-in format 14, percent format 9.
	set("A4", "c1", 0)
	set("B4", 1200.5, accounting)
	set("D4", 2, 0)
	set("E4", 0.2, percent)
	set("F4", serial("2025-01-10"), dateStyle)
	set("G4", serial("2025-12-31")+0.5, isoStyle)
	set("H4", true, 0)
	// Row 5: a numeric customer ID, a currency format, percent format 10,
	// a text date.
	set("A5", 1001, 0)
	set("B5", 99.99, money)
	set("C5", "EUR", 0)
	set("E5", 0.125, percent2)
	set("F5", "2025-02-01", 0)
	// Row 6: a plain number where a date belongs, and a bool amount.
	set("A6", "c3", 0)
	set("B6", true, 0)
	set("F6", 45667, 0)
	// Row 7 is blank. Row 8: a fixed discount and a time.Time date.
	set("A8", "c4", 0)
	set("B8", 50, 0)
	set("E8", 5, 0)
	set("F8", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 0)

	_, err := f.NewSheet("FX")
	must(err)
	must(f.SetSheetRow("FX", "A1", &[]any{"Currency", "Rate"}))
	must(f.SetSheetRow("FX", "A2", &[]any{"EUR", 1.1}))
	must(f.SetSheetRow("FX", "A3", &[]any{"GBP", "1.27"}))
	must(f.SetSheetRow("FX", "A4", &[]any{"CHF", "many"}))

	path := filepath.Join(t.TempDir(), "subs.xlsx")
	must(f.SaveAs(path))
	return path
}

func ptr[T any](v T) *T { return &v }

// TestWorkbookCells reads the cells of every kind the reader classifies:
// numbers from their exact literals, typed by their style's number format
// (built-in or custom, a currency's code), dates shifted from the 1904
// date system, booleans, text; and then the rows they make.
func TestWorkbookCells(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		name := "1900"
		if date1904 {
			name = "1904"
		}
		t.Run(name, func(t *testing.T) {
			path := newWorkbook(t, date1904)
			x, err := openZip(path)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			r, err := x.tab("Subscriptions")
			if err != nil {
				t.Fatal(err)
			}
			got := map[int][]sheets.Cell{}
			for {
				n, cells, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got[n] = slices.Clone(cells)
			}
			r.close()
			num := func(lit string, f sheets.Format) sheets.Cell {
				return sheets.Cell{Kind: sheets.Number, Text: lit, Format: f}
			}
			serial := func(s string) string { return strconv.Itoa(sheets.Serial(date(s))) }
			eur := num("99.99", sheets.FormatCurrency)
			eur.Extra = &sheets.CellExtra{Currency: "EUR"}
			want := map[int][]sheets.Cell{
				1: {sheets.TextCell("Acme subscriptions")},
				3: {sheets.TextCell("Customer ID"), sheets.TextCell("Amount"), sheets.TextCell("Currency"), sheets.TextCell("Seats"),
					sheets.TextCell("Discount"), sheets.TextCell("Start date"), sheets.TextCell("End date"), sheets.TextCell("Active?")},
				4: {sheets.TextCell("c1"), num("1200.5", sheets.FormatCurrency), {}, num("2", sheets.FormatNone), num("0.2", sheets.FormatPercent),
					num(serial("2025-01-10"), sheets.FormatDate), num(serial("2025-12-31")+".5", sheets.FormatDate), {Kind: sheets.Bool, Text: "TRUE"}},
				5: {num("1001", sheets.FormatNone), eur, sheets.TextCell("EUR"), {}, num("0.125", sheets.FormatPercent), sheets.TextCell("2025-02-01")},
				6: {sheets.TextCell("c3"), {Kind: sheets.Bool, Text: "TRUE"}, {}, {}, {}, num("45667", sheets.FormatNone)},
				8: {sheets.TextCell("c4"), num("50", sheets.FormatNone), {}, {}, num("5", sheets.FormatNone), num(serial("2025-03-01"), sheets.FormatDate)},
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("cells by row (-want +got):\n%s", diff)
			}

			// The rows those cells make.
			r, err = x.tab("Subscriptions")
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			book, err := calc.NewBook("USD", map[string]decimal.Decimal{"EUR": decimal.RequireFromString("1.1")})
			if err != nil {
				t.Fatal(err)
			}
			rep := &sheets.Loaded{}
			if err := rep.Decode(r, book, sheets.Options{}); err != nil {
				t.Fatal(err)
			}
			wantIssues := []calc.Issue{
				{Row: 6, Column: "amount", Header: "Amount", Value: "TRUE", Message: `"TRUE" is not an amount`},
				{Row: 6, Column: "start_date", Header: "Start date", Value: "45667", Message: `"45667" is a number, not a date: format the cell as a date or write YYYY-MM-DD`},
			}
			if diff := cmp.Diff(wantIssues, rep.Errors); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			if rep.Rows != 4 || rep.HeaderRow != 3 || book.Len() != 3 {
				t.Errorf("Rows, HeaderRow, Book.Len() = %d, %d, %d; want 4, 3, 3", rep.Rows, rep.HeaderRow, book.Len())
			}
		})
	}
}

func TestReadWorkbook(t *testing.T) {
	path := newWorkbook(t, false)
	l, err := Read(path, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Book.Len() != 3 || l.Rows != 4 || len(l.Errors) != 2 {
		t.Errorf("Book.Len(), Rows, len(Errors) = %d, %d, %d; want 3, 4, 2", l.Book.Len(), l.Rows, len(l.Errors))
	}
	got := map[string]string{}
	for c, r := range l.Rates {
		got[c] = r.String()
	}
	if diff := cmp.Diff(map[string]string{"EUR": "1.1", "GBP": "1.27"}, got); diff != "" {
		t.Errorf("Rates (-want +got):\n%s", diff)
	}
	wantFX := []calc.Issue{{Row: 4, Column: "rate", Header: "Rate", Value: "many", Message: `"many" is not a number`}}
	if diff := cmp.Diff(wantFX, l.FXErrors); diff != "" {
		t.Errorf("FXErrors (-want +got):\n%s", diff)
	}

	t.Run("tab named in any case", func(t *testing.T) {
		if _, err := Read(path, sheets.Options{Tab: "subscriptions"}); err != nil {
			t.Error(err)
		}
	})
	t.Run("missing tab", func(t *testing.T) {
		_, err := Read(path, sheets.Options{Tab: "Subs"})
		if err == nil || !strings.Contains(err.Error(), `has no tab "Subs" (tabs: "Subscriptions", "FX")`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not a workbook", func(t *testing.T) {
		_, err := Read(filepath.Join(t.TempDir(), "none.xlsx"), sheets.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), "open workbook ") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("single tab under another name", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		for i, row := range [][]any{{"Customer", "Amount", "Start"}, {"c1", 10, "2025-01-01"}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(t.TempDir(), "one.xlsx")
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		l, err := Read(p, sheets.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if l.Book.Len() != 1 {
			t.Errorf("Book.Len() = %d, want 1", l.Book.Len())
		}
	})
	t.Run("header error names the tab", func(t *testing.T) {
		f := excelize.NewFile()
		defer f.Close()
		if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Customer", "Plan"}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "bad.xlsx")
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		_, err := Read(p, sheets.Options{})
		var he *sheets.HeaderError
		if err == nil || !strings.Contains(err.Error(), `read tab "Sheet1"`) || !errors.As(err, &he) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		code string
		want sheets.Format
	}{
		{"yyyy-mm-dd", sheets.FormatDate},
		{"d mmm yyyy", sheets.FormatDate},
		{"[$-409]mmmm d, yyyy;@", sheets.FormatDate},
		{"m/d/yy h:mm", sheets.FormatDate},
		{"0.0%", sheets.FormatPercent},
		{`0.00" %"`, sheets.FormatNumber},
		{`#,##0.00 "days"`, sheets.FormatNumber},
		{`[$€-407]#,##0.00`, sheets.FormatCurrency},
		{`"$"#,##0.00`, sheets.FormatNumber},
		{`$#,##0.00;[Red]($#,##0.00)`, sheets.FormatCurrency},
		{`#,##0.00 €`, sheets.FormatCurrency},
		{`[Red]0.00`, sheets.FormatNumber},
		{"General", sheets.FormatNone},
		{"@", sheets.FormatNone},
		{"0.00E+00", sheets.FormatNumber},
		{"[h]:mm:ss", sheets.FormatDate},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := customFormat(tt.code); got != tt.want {
				t.Errorf("customFormat(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
	for id, want := range map[int]sheets.Format{0: sheets.FormatNone, 2: sheets.FormatNumber, 9: sheets.FormatPercent, 10: sheets.FormatPercent, 14: sheets.FormatDate, 22: sheets.FormatDate, 45: sheets.FormatDate, 44: sheets.FormatCurrency, 49: sheets.FormatNone} {
		if got := builtinFormat(id); got != want {
			t.Errorf("builtinFormat(%d) = %v, want %v", id, got, want)
		}
	}
}

func TestReadMonthlyRatesAndSegments(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Subscriptions"))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	monthStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("mmm yyyy")})
	must(err)
	serial := func(s string) float64 { return float64(sheets.Serial(date(s))) }
	for i, row := range [][]any{
		{"Customer", "Region", "Amount", "Currency", "Start date", "Cohort"},
		{"c1", "EMEA", 100, "EUR", serial("2025-01-10"), serial("2025-01-01")},
		{"c2", "AMER", 50, nil, serial("2025-02-01"), 2025},
		{"c3", nil, 10, "EUR", serial("2025-03-01")},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("Subscriptions", cell, &row))
	}
	for _, ref := range []string{"E2", "E3", "E4", "F2"} {
		must(f.SetCellStyle("Subscriptions", ref, ref, dateStyle))
	}
	_, err = f.NewSheet("FX")
	must(err)
	must(f.SetSheetRow("FX", "A1", &[]any{"Currency", "Rate", "Month"}))
	must(f.SetSheetRow("FX", "A2", &[]any{"EUR", 1.05}))
	must(f.SetSheetRow("FX", "A3", &[]any{"EUR", 1.08, float64(sheets.Serial(date("2025-03-01")))}))
	must(f.SetSheetRow("FX", "A4", &[]any{"EUR", 1.1, "June 2025"}))
	must(f.SetSheetRow("FX", "A5", &[]any{"EUR", 1.2, float64(sheets.Serial(date("2025-03-20")))}))
	must(f.SetCellStyle("FX", "C3", "C3", monthStyle))
	must(f.SetCellStyle("FX", "C5", "C5", dateStyle))
	path := filepath.Join(t.TempDir(), "monthly.xlsx")
	must(f.SaveAs(path))

	l, err := Read(path, sheets.Options{Segments: []string{"Region", "cohort"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errors) != 0 || l.Book.Len() != 3 {
		t.Fatalf("Errors, Book.Len() = %v, %d", l.Errors, l.Book.Len())
	}
	if !l.Book.HasMonthlyRates() {
		t.Error("HasMonthlyRates() = false, want true")
	}
	if diff := cmp.Diff([]string{"EUR 2025-03 1.08", "EUR 2025-06 1.1"}, monthlyStrings(l.Monthly)); diff != "" {
		t.Errorf("Monthly (-want +got):\n%s", diff)
	}
	wantFX := []calc.Issue{{Row: 5, Column: "month", Header: "Month", Value: "45736", Message: "EUR for 2025-03 is given again (first in row 3)"}}
	if diff := cmp.Diff(wantFX, l.FXErrors); diff != "" {
		t.Errorf("FXErrors (-want +got):\n%s", diff)
	}
	wantSegs := []sheets.Column{{Index: 1, Letter: "B", Title: "Region"}, {Index: 5, Letter: "F", Title: "Cohort"}}
	if diff := cmp.Diff(wantSegs, l.Segments); diff != "" {
		t.Errorf("Segments (-want +got):\n%s", diff)
	}

	t.Run("missing segment", func(t *testing.T) {
		_, err := Read(path, sheets.Options{Segments: []string{"Team", "Region", "Sales rep"}})
		want := `read tab "Subscriptions" of ` + path + `: segment columns "Team", "Sales rep" are not in the header (headers: Customer, Region, Amount, Currency, Start date, Cohort)`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	})
}

func monthlyStrings(rates []calc.MonthlyRate) []string {
	var out []string
	for _, r := range rates {
		out = append(out, fmt.Sprintf("%s %s %s", r.Currency, r.Month, r.Rate))
	}
	return out
}
