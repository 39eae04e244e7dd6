package xlsx

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// builtinStyles are the built-in number formats Create gives a Number
// cell of each format, as a spreadsheet program numbers them: 14 a date
// (m/d/yy), 9 a percentage (0%), 4 a number with two decimals (#,##0.00),
// 7 an amount of dollars.
var builtinStyles = map[sheets.Format]int{
	sheets.FormatDate:     14,
	sheets.FormatPercent:  9,
	sheets.FormatNumber:   4,
	sheets.FormatCurrency: 7,
}

// Create writes a new workbook at path that holds tabs as a person's
// tables: a header row of the columns' titles, then the rows, each Number
// cell with the built-in number format of its Format (a date, a
// percentage, a number with two decimals, an amount of dollars) and each
// Text cell as text, never a formula. Columns with a Width get it. The
// tabs are a person's, not the bot's: nothing marks them, and a sync
// reads them and writes beside them. It is how `mrrbot demo` writes its
// sample workbook.
//
// A file at path is replaced atomically; the new one can be read by
// everyone (mode 0644), as a file a person saves.
func Create(path string, tabs []sheets.Tab) error {
	if len(tabs) == 0 {
		return fmt.Errorf("create workbook %s: no tabs", path)
	}
	f := excelize.NewFile()
	defer f.Close()
	styles := map[sheets.Format]int{}
	for format, numFmt := range builtinStyles {
		id, err := f.NewStyle(&excelize.Style{NumFmt: numFmt})
		if err != nil {
			return fmt.Errorf("create workbook %s: %w", path, err)
		}
		styles[format] = id
	}
	for i := range tabs {
		if err := createTab(f, i, &tabs[i], styles); err != nil {
			return fmt.Errorf("create workbook %s: tab %q: %w", path, tabs[i].Name, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mrrbot-new-*.xlsx")
	if err != nil {
		return fmt.Errorf("create workbook %s: %w", path, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := f.SaveAs(tmp.Name()); err != nil {
		return fmt.Errorf("create workbook %s: %w", path, err)
	}
	// CreateTemp makes the file private; this one is an ordinary file.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("create workbook %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("create workbook %s: %w", path, err)
	}
	return nil
}

// createTab writes t as the i-th tab of the new workbook f.
func createTab(f *excelize.File, i int, t *sheets.Tab, styles map[sheets.Format]int) error {
	if err := checkTabName(t.Name); err != nil {
		return err
	}
	if err := t.Check(); err != nil {
		return err
	}
	if i == 0 {
		if err := f.SetSheetName("Sheet1", t.Name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(t.Name); err != nil {
		return err
	}
	for c, col := range t.Columns {
		ref, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellStr(t.Name, ref, col.Title); err != nil {
			return err
		}
		if col.Width > 0 {
			letter := sheets.ColumnLetter(c)
			if err := f.SetColWidth(t.Name, letter, letter, columnWidth(col.Width)); err != nil {
				return err
			}
		}
	}
	for r, row := range t.Rows {
		for c, cell := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := createCell(f, t.Name, ref, cell, styles); err != nil {
				return fmt.Errorf("%s: %w", ref, err)
			}
		}
	}
	return nil
}

// createCell writes one cell of a person's table.
func createCell(f *excelize.File, tab, ref string, c sheets.Cell, styles map[sheets.Format]int) error {
	switch c.Kind {
	case sheets.Text:
		return f.SetCellStr(tab, ref, c.Text)
	case sheets.Bool:
		// The tab was checked: the text is TRUE or FALSE, in any case.
		return f.SetCellBool(tab, ref, strings.EqualFold(c.Text, "TRUE"))
	case sheets.Number:
		var err error
		if n, ierr := strconv.ParseInt(c.Text, 10, 64); ierr == nil {
			err = f.SetCellInt(tab, ref, n)
		} else {
			x, perr := strconv.ParseFloat(c.Text, 64)
			if perr != nil {
				return fmt.Errorf("%q is not a number", c.Text)
			}
			err = f.SetCellFloat(tab, ref, x, -1, 64)
		}
		if err != nil {
			return err
		}
		if id, ok := styles[c.Format]; ok {
			return f.SetCellStyle(tab, ref, ref, id)
		}
	}
	return nil
}
