package xlsx

import (
	"fmt"
	"iter"
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
	return saveNew(f, path)
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

// StreamTab is a person's table for [CreateStream]: its header and its
// rows, yielded one at a time (a row's slice may be reused for the next).
type StreamTab struct {
	Name    string
	Columns []string
	Rows    iter.Seq[[]sheets.Cell]
}

// streamPatterns are the number formats CreateStream gives a Number cell,
// by its Format and, for an amount, its currency (Extra).
var streamPatterns = map[string]string{
	"date":    "yyyy-mm-dd",
	"percent": "0%",
	"number":  "#,##0.00",
	"USD":     `"$"#,##0.00`,
	"EUR":     `[$€-407] #,##0.00`,
}

// CreateStream writes a new workbook at path that holds tabs as a
// person's tables, as [Create] does, but streams each tab's rows into the
// file (through excelize's stream writer) instead of holding them: it is
// how cmd/gensubs writes workbooks of a million rows. A Number cell is
// written as a number (read from its literal as a float64) with a number
// format by its Format: a date "yyyy-mm-dd", a percentage "0%", a number
// "#,##0.00", an amount of dollars, or of euros when its Extra's currency
// is EUR; Text is an inline string, never a formula.
func CreateStream(path string, tabs []StreamTab) error {
	if len(tabs) == 0 {
		return fmt.Errorf("create workbook %s: no tabs", path)
	}
	f := excelize.NewFile()
	defer f.Close()
	styles := map[string]int{}
	for key, code := range streamPatterns {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return fmt.Errorf("create workbook %s: %w", path, err)
		}
		styles[key] = id
	}
	for i, t := range tabs {
		if err := createStreamTab(f, i, t, styles); err != nil {
			return fmt.Errorf("create workbook %s: tab %q: %w", path, t.Name, err)
		}
	}
	return saveNew(f, path)
}

// saveNew saves f as path, whole or not at all: into a temporary file
// beside it, then renamed over it.
func saveNew(f *excelize.File, path string) error {
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

// createStreamTab streams t as the i-th tab of the new workbook f.
func createStreamTab(f *excelize.File, i int, t StreamTab, styles map[string]int) error {
	if err := checkTabName(t.Name); err != nil {
		return err
	}
	if i == 0 {
		if err := f.SetSheetName("Sheet1", t.Name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(t.Name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(t.Name)
	if err != nil {
		return err
	}
	vals := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		vals[i] = c
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return err
	}
	r := 1
	for row := range t.Rows {
		r++
		if r > maxSheetRows {
			return fmt.Errorf("more rows than a spreadsheet tab holds (%d)", maxSheetRows)
		}
		vals = vals[:0]
		for _, c := range row {
			v, err := streamCell(c, styles)
			if err != nil {
				return fmt.Errorf("row %d: %w", r, err)
			}
			vals = append(vals, v)
		}
		ref, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(ref, vals); err != nil {
			return fmt.Errorf("row %d: %w", r, err)
		}
	}
	return sw.Flush()
}

// streamCell is the value the stream writer is given for c.
func streamCell(c sheets.Cell, styles map[string]int) (any, error) {
	switch c.Kind {
	case sheets.Text:
		if c.Text == "" {
			return nil, nil
		}
		return c.Text, nil
	case sheets.Bool:
		return strings.EqualFold(c.Text, "TRUE"), nil
	case sheets.Number:
		x, err := strconv.ParseFloat(c.Text, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", c.Text)
		}
		key := ""
		switch c.Format {
		case sheets.FormatDate:
			key = "date"
		case sheets.FormatPercent:
			key = "percent"
		case sheets.FormatNumber:
			key = "number"
		case sheets.FormatCurrency:
			key = "USD"
			if c.Currency() == "EUR" {
				key = "EUR"
			}
		}
		if key == "" {
			return x, nil
		}
		return excelize.Cell{StyleID: styles[key], Value: x}, nil
	}
	return nil, nil
}
