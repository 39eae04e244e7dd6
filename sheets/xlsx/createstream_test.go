package xlsx

import (
	"archive/zip"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets"
)

// TestCreateStream writes a workbook with CreateStream and reads it back
// with the scanner and with encoding/xml: every kind of cell comes back
// with its value and format, text is escaped and never a formula, an empty
// cell stays empty, and no part claims a dimension its rows do not have.
func TestCreateStream(t *testing.T) {
	eur := sheets.NumberCell("49.9", sheets.FormatCurrency)
	eur.Extra = &sheets.CellExtra{Currency: "EUR"}
	rows := [][]sheets.Cell{
		{sheets.TextCell(" <a&b> "), sheets.NumberCell("45658", sheets.FormatDate), sheets.NumberCell("0.25", sheets.FormatPercent),
			sheets.NumberCell("1200.5", sheets.FormatNumber), sheets.NumberCell("99", sheets.FormatCurrency), eur,
			{Kind: sheets.Bool, Text: "true"}, {}, sheets.NumberCell("-3", sheets.FormatNone), sheets.TextCell("=1+1")},
	}
	for i := range 3000 { // more than a buffer of XML
		rows = append(rows, []sheets.Cell{sheets.TextCell("C" + strings.Repeat("x", i%50))})
	}
	path := filepath.Join(t.TempDir(), "stream.xlsx")
	err := CreateStream(path, []StreamTab{
		{Name: "Subscriptions", Columns: []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"}, Rows: slices.Values(rows)},
		{Name: "FX", Columns: []string{"currency", "rate"}, Rows: slices.Values([][]sheets.Cell{{sheets.TextCell("EUR"), sheets.NumberCell("1.08", sheets.FormatNone)}})},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := compareTabs(t, path)
	subs := got["Subscriptions"]
	if len(subs.Rows) != 1+len(rows) || subs.Err != "" {
		t.Fatalf("read %d rows (%s), want %d", len(subs.Rows), subs.Err, 1+len(rows))
	}
	first := subs.Rows[1].Cells
	want := []struct {
		kind     sheets.CellKind
		text     string
		format   sheets.Format
		currency string
	}{
		{sheets.Text, " <a&b> ", sheets.FormatNone, ""},
		{sheets.Number, "45658", sheets.FormatDate, ""},
		{sheets.Number, "0.25", sheets.FormatPercent, ""},
		{sheets.Number, "1200.5", sheets.FormatNumber, ""},
		// "$"#,##0.00: the sign is quoted text, which the reader takes for
		// a number format showing "$".
		{sheets.Number, "99", sheets.FormatNumber, "$"},
		{sheets.Number, "49.9", sheets.FormatCurrency, "EUR"},
		{sheets.Bool, "TRUE", sheets.FormatNone, ""},
		{sheets.Empty, "", sheets.FormatNone, ""},
		{sheets.Number, "-3", sheets.FormatNone, ""},
		{sheets.Text, "=1+1", sheets.FormatNone, ""},
	}
	for i, w := range want {
		if i >= len(first) {
			if w.kind != sheets.Empty {
				t.Errorf("cell %d missing, want %v", i, w)
			}
			continue
		}
		c := first[i]
		if c.Kind != w.kind || c.Text != w.text || c.Format != w.format || c.Currency() != w.currency {
			t.Errorf("cell %d = %+v (currency %q), want %+v", i, c, c.Currency(), w)
		}
	}
	if fx := got["FX"]; len(fx.Rows) != 2 || fx.Rows[1].Cells[1].Text != "1.08" {
		t.Errorf("FX tab read back as %+v", fx)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if strings.Contains(string(data), "<dimension") {
			t.Errorf("%s has a dimension element", f.Name)
		}
	}
}
