package sheets

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
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
		d := date(s)
		n := float64(d - serialEpoch)
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

func TestWorkbookCells(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		name := "1900"
		if date1904 {
			name = "1904"
		}
		t.Run(name, func(t *testing.T) {
			path := newWorkbook(t, date1904)
			x, err := openXLSX(path)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			r, err := x.tab("Subscriptions")
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			rec := newRecorder(t, "USD", map[string]string{"EUR": "1.1"})
			rep, err := decode(r, rec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := []calc.Subscription{
				{Row: 4, CustomerID: "c1", Amount: fx("1200.5"), Quantity: fx("2"), Discount: calc.Discount{Percent: true, Value: fx("0.2")},
					Start: date("2025-01-10"), End: date("2025-12-31")},
				{Row: 5, CustomerID: "1001", Amount: fx("99.99"), Currency: "EUR", Quantity: calc.One, Discount: calc.Discount{Percent: true, Value: fx("0.125")},
					Start: date("2025-02-01"), End: calc.NoEnd},
				{Row: 8, CustomerID: "c4", Amount: fx("50"), Quantity: calc.One, Discount: calc.Discount{Value: fx("5")},
					Start: date("2025-03-01"), End: calc.NoEnd},
			}
			if diff := cmp.Diff(want, rec.subs); diff != "" {
				t.Errorf("subscriptions (-want +got):\n%s", diff)
			}
			wantIssues := []calc.Issue{
				{Row: 6, Column: "amount", Header: "Amount", Value: "TRUE", Message: `"TRUE" is not an amount`},
				{Row: 6, Column: "start_date", Header: "Start date", Value: "45667", Message: `"45667" is a number, not a date: format the cell as a date or write YYYY-MM-DD`},
			}
			if diff := cmp.Diff(wantIssues, rep.Errors); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			if rep.Rows != 4 || rep.HeaderRow != 3 {
				t.Errorf("Rows, HeaderRow = %d, %d; want 4, 3", rep.Rows, rep.HeaderRow)
			}
		})
	}
}

func TestReadWorkbook(t *testing.T) {
	path := newWorkbook(t, false)
	l, err := ReadWorkbook(path, Options{})
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
		if _, err := ReadWorkbook(path, Options{Tab: "subscriptions"}); err != nil {
			t.Error(err)
		}
	})
	t.Run("missing tab", func(t *testing.T) {
		_, err := ReadWorkbook(path, Options{Tab: "Subs"})
		if err == nil || !strings.Contains(err.Error(), `has no tab "Subs" (tabs: "Subscriptions", "FX")`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not a workbook", func(t *testing.T) {
		_, err := ReadWorkbook(filepath.Join(t.TempDir(), "none.xlsx"), Options{})
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
		l, err := ReadWorkbook(p, Options{})
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
		_, err := ReadWorkbook(p, Options{})
		var he *HeaderError
		if err == nil || !strings.Contains(err.Error(), `read tab "Sheet1"`) || !errors.As(err, &he) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		code string
		want Format
	}{
		{"yyyy-mm-dd", FormatDate},
		{"d mmm yyyy", FormatDate},
		{"[$-409]mmmm d, yyyy;@", FormatDate},
		{"m/d/yy h:mm", FormatDate},
		{"0.0%", FormatPercent},
		{`0.00" %"`, FormatNumber},
		{`#,##0.00 "days"`, FormatNumber},
		{`[$€-407]#,##0.00`, FormatCurrency},
		{`"$"#,##0.00`, FormatNumber},
		{`$#,##0.00;[Red]($#,##0.00)`, FormatCurrency},
		{`#,##0.00 €`, FormatCurrency},
		{`[Red]0.00`, FormatNumber},
		{"General", FormatNone},
		{"@", FormatNone},
		{"0.00E+00", FormatNumber},
		{"[h]:mm:ss", FormatDate},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := customFormat(tt.code); got != tt.want {
				t.Errorf("customFormat(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
	for id, want := range map[int]Format{0: FormatNone, 2: FormatNumber, 9: FormatPercent, 10: FormatPercent, 14: FormatDate, 22: FormatDate, 45: FormatDate, 44: FormatCurrency, 49: FormatNone} {
		if got := builtinFormat(id); got != want {
			t.Errorf("builtinFormat(%d) = %v, want %v", id, got, want)
		}
	}
}
