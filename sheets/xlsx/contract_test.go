package xlsx_test

import (
	"path/filepath"
	"testing"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// TestContract runs the contract of every sheets adapter against a
// workbook seeded as a person's spreadsheet program saves one.
func TestContract(t *testing.T) {
	sheetstest.RunContract(t, func(t *testing.T, seed []sheetstest.Seed) sheetstest.Store {
		return &xlsx.Workbook{Path: seedWorkbook(t, seed)}
	})
}

// seedWorkbook writes seed as a workbook: numbers with the number format
// of their kind (a date format, a currency, a percent), text, booleans.
func seedWorkbook(t *testing.T, seed []sheetstest.Seed) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	dollars := `"$"#,##0.00`
	styles := map[sheets.Format]int{
		sheets.FormatDate:     style(&excelize.Style{NumFmt: 14}),
		sheets.FormatCurrency: style(&excelize.Style{CustomNumFmt: &dollars}),
		sheets.FormatPercent:  style(&excelize.Style{NumFmt: 9}),
	}
	for i, s := range seed {
		if i == 0 {
			must(f.SetSheetName("Sheet1", s.Title))
		} else {
			_, err := f.NewSheet(s.Title)
			must(err)
		}
		for r, row := range s.Rows {
			for c, cell := range row {
				ref, err := excelize.CoordinatesToCellName(c+1, r+1)
				must(err)
				switch cell.Kind {
				case sheets.Text:
					must(f.SetCellStr(s.Title, ref, cell.Text))
				case sheets.Bool:
					must(f.SetCellBool(s.Title, ref, cell.Text == "TRUE"))
				case sheets.Number:
					must(f.SetCellDefault(s.Title, ref, cell.Text))
					if id, ok := styles[cell.Format]; ok {
						must(f.SetCellStyle(s.Title, ref, ref, id))
					}
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "ops.xlsx")
	must(f.SaveAs(path))
	return path
}
