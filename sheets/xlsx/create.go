package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
// file instead of holding them: it is how cmd/gensubs writes workbooks of
// a million rows. A Number cell is written as a number (read from its
// literal as a float64) with a number format by its Format: a date
// "yyyy-mm-dd", a percentage "0%", a number "#,##0.00", an amount of
// dollars, or of euros when its Extra's currency is EUR; Text is an inline
// string, never a formula.
//
// excelize makes the workbook with each tab empty; as it saves a tab, its
// rows are written into the part's sheetData as XML, one row at a time
// (excelize's own stream writer took twice as long).
func CreateStream(path string, tabs []StreamTab) error {
	if len(tabs) == 0 {
		return fmt.Errorf("create workbook %s: no tabs", path)
	}
	f := excelize.NewFile()
	defer f.Close()
	styles := map[string]int{}
	for _, key := range slices.Sorted(maps.Keys(streamPatterns)) { // the same style numbers every time
		code := streamPatterns[key]
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			return fmt.Errorf("create workbook %s: %w", path, err)
		}
		styles[key] = id
	}
	parts := map[string]*StreamTab{}
	for i := range tabs {
		t := &tabs[i]
		if err := createEmptyTab(f, i, t.Name); err != nil {
			return fmt.Errorf("create workbook %s: tab %q: %w", path, t.Name, err)
		}
		part, err := (&tabWriter{f: f}).sheetPart(t.Name)
		if err != nil {
			return fmt.Errorf("create workbook %s: tab %q: %w", path, t.Name, err)
		}
		parts[part] = t
	}
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		return &streamZip{Writer: zip.NewWriter(w), parts: parts, styles: styles}
	})
	return saveNew(f, path)
}

// createEmptyTab names the i-th tab of the new workbook f.
func createEmptyTab(f *excelize.File, i int, name string) error {
	if err := checkTabName(name); err != nil {
		return err
	}
	if i == 0 {
		return f.SetSheetName("Sheet1", name)
	}
	_, err := f.NewSheet(name)
	return err
}

// streamZip is the zip writer CreateStream saves through: a tab's part,
// as excelize writes it (empty), is held until excelize goes on to the
// next part, then written with the tab's rows in its sheetData.
type streamZip struct {
	*zip.Writer
	parts   map[string]*StreamTab
	styles  map[string]int
	pending *streamPart
}

// streamPart is a tab's part being written: what excelize wrote of it,
// and where it goes.
type streamPart struct {
	tab  *StreamTab
	stub bytes.Buffer
	out  io.Writer
}

func (z *streamZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	w, err := z.Writer.Create(name)
	if err != nil {
		return nil, err
	}
	t, ok := z.parts[name]
	if !ok {
		return w, nil
	}
	z.pending = &streamPart{tab: t, out: w}
	return &z.pending.stub, nil
}

func (z *streamZip) Close() error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.Writer.Close()
}

// flush writes the pending tab's part: its XML with the header and the
// rows in its sheetData.
func (z *streamZip) flush() error {
	p := z.pending
	if p == nil {
		return nil
	}
	z.pending = nil
	stub := p.stub.Bytes()
	before, after, ok := bytes.Cut(stub, []byte("<sheetData/>"))
	if !ok {
		i := bytes.Index(stub, []byte("</sheetData>"))
		if i < 0 {
			return fmt.Errorf("tab %q: excelize wrote no sheetData", p.tab.Name)
		}
		before, after = stub[:i], stub[i+len("</sheetData>"):]
	} else {
		before = append(before[:len(before):len(before)], "<sheetData>"...)
	}
	if _, err := p.out.Write(withoutDimension(before)); err != nil {
		return err
	}
	if err := writeStreamRows(p.out, p.tab, z.styles); err != nil {
		return fmt.Errorf("tab %q: %w", p.tab.Name, err)
	}
	if _, err := io.WriteString(p.out, "</sheetData>"); err != nil {
		return err
	}
	_, err := p.out.Write(after)
	return err
}

// withoutDimension returns the start of a worksheet without its
// dimension element, which excelize wrote for an empty tab ("A1"): the
// element is optional, and a reader that trusted a wrong one would read
// one cell of a million rows.
func withoutDimension(b []byte) []byte {
	i := bytes.Index(b, []byte("<dimension "))
	if i < 0 {
		return b
	}
	rest := b[i:]
	end, n := bytes.Index(rest, []byte("</dimension>")), len("</dimension>")
	if self := bytes.Index(rest, []byte("/>")); self >= 0 && (end < 0 || self < end) {
		end, n = self, len("/>")
	}
	if end < 0 {
		return b
	}
	return append(b[:i:i], rest[end+n:]...)
}

// writeStreamRows writes t's header and rows as the rows of a sheetData.
func writeStreamRows(out io.Writer, t *StreamTab, styles map[string]int) error {
	header := make([]sheets.Cell, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = sheets.TextCell(c)
	}
	b, err := appendStreamRow(make([]byte, 0, 64<<10), 1, header, styles)
	if err != nil {
		return err
	}
	r := 1
	for row := range t.Rows {
		r++
		if r > maxSheetRows {
			return fmt.Errorf("more rows than a spreadsheet tab holds (%d)", maxSheetRows)
		}
		if b, err = appendStreamRow(b, r, row, styles); err != nil {
			return fmt.Errorf("row %d: %w", r, err)
		}
		if len(b) >= 48<<10 {
			if _, err := out.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err = out.Write(b)
	return err
}

// appendStreamRow appends row r of a CreateStream tab as XML, its cells
// written as the sink writes the bot's tabs.
func appendStreamRow(b []byte, r int, row []sheets.Cell, styles map[string]int) ([]byte, error) {
	n := strconv.Itoa(r)
	b = append(append(append(b, `<row r="`...), n...), `">`...)
	for i, c := range row {
		col := sheets.ColumnLetter(i)
		switch c.Kind {
		case sheets.Text:
			if c.Text != "" {
				b = appendCellXML(b, col, n, 0, "inlineStr", c.Text)
			}
		case sheets.Bool:
			// The tab was checked: the text is TRUE or FALSE, in any case.
			v := "0"
			if strings.EqualFold(c.Text, "TRUE") {
				v = "1"
			}
			b = appendCellXML(b, col, n, 0, "b", v)
		case sheets.Number:
			// As a spreadsheet program stores it: "-99.00" is -99.
			x, err := strconv.ParseFloat(c.Text, 64)
			if err != nil {
				return b, fmt.Errorf("%q is not a number", c.Text)
			}
			b = appendCellXML(b, col, n, styles[streamStyle(c)], "", strconv.FormatFloat(x, 'f', -1, 64))
		}
	}
	return append(b, `</row>`...), nil
}

// streamStyle is the key in streamPatterns of a Number cell's format, or
// "" for none.
func streamStyle(c sheets.Cell) string {
	switch c.Format {
	case sheets.FormatDate:
		return "date"
	case sheets.FormatPercent:
		return "percent"
	case sheets.FormatNumber:
		return "number"
	case sheets.FormatCurrency:
		if c.Currency() == "EUR" {
			return "EUR"
		}
		return "USD"
	}
	return ""
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
