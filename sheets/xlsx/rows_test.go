package xlsx

import (
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// TestWriteRowsXML writes a tab whose rows hold text that XML must escape
// or keep as it is (markup, quotes, line ends, spaces at either end,
// control characters, characters beyond the BMP, text that reads as a
// number or a formula, a text longer than a cell holds), booleans, and
// numbers as exact literals (dates shifted in a 1904 workbook). Read back
// by excelize, as another program reads the workbook, and by the
// workbook source's own reader, every cell is what was written.
func TestWriteRowsXML(t *testing.T) {
	long := strings.Repeat("é", excelize.TotalCellChars+10)
	texts := []string{
		"=1+1", "00123", "-100", "1e5", " lead", "trail ", "\tboth\n", "a&b<c>d\"e'f", "&amp; is not unescaped",
		"line1\nline2", "cr\r\nlf", "nul\x01ctl", "emoji 😀 and ‰", long,
	}
	want := map[string]string{
		"nul\x01ctl": "nul\uFFFDctl",
		long:         strings.Repeat("é", excelize.TotalCellChars),
	}
	// Text such as _x000D_ is written escaped (_x005F_x000D_), so that a
	// spreadsheet program shows it as it is.
	f := openBook(t, writeEscapeBook(t))
	if v, _ := f.GetCellValue("Rows", "A2"); v != "a _x000D_ b" {
		t.Errorf("excelize reads %q, want %q", v, "a _x000D_ b")
	}
	for _, date1904 := range []bool{false, true} {
		tab := sheets.Tab{
			Name: "Rows",
			Role: sheets.RoleIssues,
			Columns: []sheets.TabColumn{
				{Title: "Text"},
				{Title: "Amount", Format: sheets.FormatCurrency, Pattern: sinkMoney},
				{Title: "Ratio", Format: sheets.FormatNumber},
				{Title: "Day", Format: sheets.FormatDate},
				{Title: "Flag"},
			},
		}
		for i, s := range texts {
			row := []sheets.Cell{
				sheets.TextCell(s),
				sheets.NumberCell([]string{"1250.00", "-83.333333333", "0.1000", "0"}[i%4], sheets.FormatCurrency),
				sheets.NumberCell("12345678901234567890.5", sheets.FormatNumber),
				sheets.NumberCell("45658", sheets.FormatDate),
				{Kind: sheets.Bool, Text: []string{"TRUE", "false"}[i%2]},
			}
			if i%3 == 0 {
				row[2] = sheets.Cell{}
			}
			tab.Rows = append(tab.Rows, row)
		}
		p := sinkSource(t, date1904)
		writeOK(t, p, []sheets.Tab{tab}, WriteOptions{})

		f := openBook(t, p)
		_, rows := readTab(t, f, "Rows", len(tab.Columns), date1904)
		if len(rows) != len(texts) {
			t.Fatalf("read %d rows, want %d", len(rows), len(texts))
		}
		got, err := f.GetRows("Rows", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range texts {
			w := s
			if v, ok := want[s]; ok {
				w = v
			}
			if rows[i][0].Text != w || rows[i][0].Kind != sheets.Text {
				t.Errorf("row %d: the reader reads %q (%v), want text %q", i+2, rows[i][0].Text, rows[i][0].Kind, w)
			}
			if got[i+1][0] != w {
				t.Errorf("row %d: excelize reads %q, want %q", i+2, got[i+1][0], w)
			}
			ref, _ := excelize.CoordinatesToCellName(1, i+2)
			if typ, _ := f.GetCellType("Rows", ref); typ != excelize.CellTypeInlineString {
				t.Errorf("%s: type %v, want an inline string", ref, typ)
			}
			if lit := tab.Rows[i][1].Text; rows[i][1].Text != lit || got[i+1][1] != lit {
				t.Errorf("row %d: amount read as %q and %q, want %q", i+2, rows[i][1].Text, got[i+1][1], lit)
			}
			if i%3 != 0 && rows[i][2].Text != "12345678901234567890.5" {
				t.Errorf("row %d: ratio read as %q", i+2, rows[i][2].Text)
			}
			serial := "45658"
			if date1904 {
				serial = "44196"
			}
			if got[i+1][3] != serial || rows[i][3].Text != "45658" || rows[i][3].Format != sheets.FormatDate {
				t.Errorf("row %d: date stored %q, read %+v", i+2, got[i+1][3], rows[i][3])
			}
			if b := []string{"1", "0"}[i%2]; got[i+1][4] != b || rows[i][4].Kind != sheets.Bool {
				t.Errorf("row %d: flag stored %q, read %+v", i+2, got[i+1][4], rows[i][4])
			}
		}
	}
}

// writeEscapeBook writes a tab whose one cell is text with _x000D_ in it.
func writeEscapeBook(t *testing.T) string {
	t.Helper()
	p := sinkSource(t, false)
	writeOK(t, p, []sheets.Tab{{
		Name: "Rows", Role: sheets.RoleIssues, Columns: []sheets.TabColumn{{Title: "Text"}},
		Rows: [][]sheets.Cell{{sheets.TextCell("a _x000D_ b")}},
	}}, WriteOptions{})
	return p
}
