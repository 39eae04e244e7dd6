package sheets

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// ReadWorkbook reads the subscriptions tab (opts.Tab, or "Subscriptions")
// of the .xlsx workbook at path, and its FX tab when it has one. The FX tab
// is read first: the book needs its rates. Tab names match in any case; a
// workbook with a single tab and no tab named as asked for is read from
// that tab, unless opts.Tab names one. The FX tab may give rates by month
// (see [DecodeFX]); the book breaks MRR down by opts.Segments.
//
// Cells are typed: a number is read from its exact stored literal, and its
// style's number format makes it a date (a serial day), a percentage or a
// plain number. Text cells are read as in [ReadCSV].
func ReadWorkbook(path string, opts Options) (*Loaded, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	defer f.Close()

	want := opts.Tab
	if want == "" {
		want = DefaultTab
	}
	tabs := f.GetSheetList()
	tab, ok := findTab(tabs, want)
	if !ok && opts.Tab == "" && len(tabs) == 1 {
		tab, ok = tabs[0], true
	}
	if !ok {
		return nil, fmt.Errorf("workbook %s has no tab %q (tabs: %s)", path, want, quoteList(tabs))
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}

	l := &Loaded{}
	if fxTab, ok := findTab(tabs, FXTab); ok && !strings.EqualFold(fxTab, tab) {
		r, err := newWorkbookReader(f, fxTab, date1904)
		if err != nil {
			return nil, fmt.Errorf("read tab %q of %s: %w", fxTab, path, err)
		}
		t, issues, err := DecodeFX(r, opts)
		r.close()
		if err != nil {
			return nil, fmt.Errorf("read tab %q of %s: %w", fxTab, path, err)
		}
		l.Rates, l.Monthly, l.FXErrors = t.Rates, t.Monthly, issues
		opts.fxLeftOut = t.leftOut
	}
	book, err := l.newBook(opts.currency())
	if err != nil {
		return nil, fmt.Errorf("read tab %q of %s: %w", FXTab, path, err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r, err := newWorkbookReader(f, tab, date1904)
	if err != nil {
		return nil, fmt.Errorf("read tab %q of %s: %w", tab, path, err)
	}
	defer r.close()
	rep, err := Decode(r, book, opts)
	if err != nil {
		return nil, fmt.Errorf("read tab %q of %s: %w", tab, path, err)
	}
	l.Book, l.Report = book, *rep
	if ht, ok := findTab(tabs, HistoryTabName); ok {
		hr, err := newWorkbookReader(f, ht, date1904)
		if err != nil {
			return nil, fmt.Errorf("read tab %q of %s: %w", ht, path, err)
		}
		defer hr.close()
		if l.Books, err = DecodeHistory(hr); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return l, nil
}

func findTab(tabs []string, name string) (string, bool) {
	for _, t := range tabs {
		if strings.EqualFold(strings.TrimSpace(t), name) {
			return t, true
		}
	}
	return "", false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// workbookReader is a RowReader over one tab of a workbook. Values stream
// from excelize's row iterator; each non-empty cell's type, style and
// formula come from the loaded worksheet. It fills in merged cells and
// knows which columns are hidden.
type workbookReader struct {
	f        *excelize.File
	sheet    string
	rows     *excelize.Rows
	row      int
	cells    []Cell
	formats  map[int]cellFormat // by style index
	date1904 bool
	merged   *merged
	hidden   map[int]bool // by column, once asked
}

// cellFormat is what a style's number format says of a number.
type cellFormat struct {
	format Format
	extra  *CellExtra // the currency it shows, or nil; shared, never changed
}

func newWorkbookReader(f *excelize.File, sheet string, date1904 bool) (*workbookReader, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	w := &workbookReader{f: f, sheet: sheet, rows: rows, formats: make(map[int]cellFormat), date1904: date1904, hidden: make(map[int]bool)}
	mc, err := f.GetMergeCells(sheet, true)
	if err != nil {
		_ = rows.Close()
		return nil, err
	}
	var areas []mergedArea
	for _, m := range mc {
		c0, r0, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		areas = append(areas, mergedArea{r0: r0, r1: r1, c0: c0 - 1, c1: c1 - 1})
	}
	w.merged = newMerged(areas)
	return w, nil
}

func (w *workbookReader) close() { _ = w.rows.Close() }

// columnHidden reports whether the tab hides column i.
func (w *workbookReader) columnHidden(i int) bool {
	if h, ok := w.hidden[i]; ok {
		return h
	}
	visible, err := w.f.GetColVisible(w.sheet, columnLetter(i))
	h := err == nil && !visible
	w.hidden[i] = h
	return h
}

// Next returns the next row that has a value.
func (w *workbookReader) Next() (int, []Cell, error) {
	for w.rows.Next() {
		// The iterator yields every row up to the last, blank or not, so
		// counting them gives the spreadsheet's row numbers.
		w.row++
		vals, err := w.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return 0, nil, err
		}
		if len(vals) == 0 {
			continue
		}
		cells := w.cells[:0]
		for i, v := range vals {
			c := Cell{}
			if v != "" {
				if c, err = w.cell(i, v); err != nil {
					return 0, nil, err
				}
			}
			cells = append(cells, c)
		}
		cells = w.merged.fill(w.row, cells)
		w.cells = cells
		return w.row, cells, nil
	}
	if err := w.rows.Error(); err != nil {
		return 0, nil, err
	}
	return 0, nil, io.EOF
}

// cell types the raw value v of column col of the current row.
func (w *workbookReader) cell(col int, v string) (Cell, error) {
	ref, err := excelize.CoordinatesToCellName(col+1, w.row)
	if err != nil {
		return Cell{}, err
	}
	t, err := w.f.GetCellType(w.sheet, ref)
	if err != nil {
		return Cell{}, err
	}
	switch t {
	case excelize.CellTypeBool:
		if v == "1" || strings.EqualFold(v, "true") {
			return Cell{Kind: Bool, Text: "TRUE"}, nil
		}
		return Cell{Kind: Bool, Text: "FALSE"}, nil
	case excelize.CellTypeUnset, excelize.CellTypeNumber:
		if !checkLiteral(v) {
			return Cell{Kind: Text, Text: v}, nil
		}
		style, err := w.f.GetCellStyle(w.sheet, ref)
		if err != nil {
			return Cell{}, err
		}
		cf := w.format(style)
		c := Cell{Kind: Number, Text: v, Format: cf.format, Extra: cf.extra}
		if c.Format == FormatDate && w.date1904 {
			// Serial days of the 1904 date system start 1462 days later.
			if d, err := decimal.NewFromString(v); err == nil {
				c.Text = d.Add(decimal.NewFromInt(1462)).String()
			}
		}
		// A total row's amount is a formula over the rows above.
		formula, err := w.f.GetCellFormula(w.sheet, ref)
		if err != nil {
			return Cell{}, err
		}
		if formula != "" {
			c.Extra = &CellExtra{Currency: c.currency(), Formula: formula}
		}
		return c, nil
	}
	// Strings, inline strings, formula strings, ISO dates (t="d") and error
	// values (#N/A) are text.
	c := Cell{Kind: Text, Text: v}
	if t == excelize.CellTypeFormula {
		formula, err := w.f.GetCellFormula(w.sheet, ref)
		if err != nil {
			return Cell{}, err
		}
		c.Extra = &CellExtra{Formula: formula}
	}
	return c, nil
}

// format returns what the number format of a style says, cached.
func (w *workbookReader) format(style int) cellFormat {
	if f, ok := w.formats[style]; ok {
		return f
	}
	f := cellFormat{}
	if st, err := w.f.GetStyle(style); err == nil && st != nil {
		if st.CustomNumFmt != nil {
			f.format = customFormat(*st.CustomNumFmt)
			if cur := formatCurrency(*st.CustomNumFmt); cur != "" {
				f.extra = &CellExtra{Currency: cur}
			}
		} else {
			f.format = builtinFormat(st.NumFmt)
		}
	}
	w.formats[style] = f
	return f
}

// builtinFormat classifies the number formats spreadsheets number without
// spelling them out (ECMA-376 §18.8.30, and the East Asian date formats).
func builtinFormat(id int) Format {
	switch {
	case id == 9 || id == 10:
		return FormatPercent
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return FormatDate
	case id >= 5 && id <= 8, id >= 37 && id <= 44:
		return FormatCurrency
	case id >= 1 && id <= 4, id >= 11 && id <= 13, id == 48:
		return FormatNumber
	}
	return FormatNone
}

// customFormat classifies a number format code such as "yyyy-mm-dd",
// "0.0%" or "[$€-407] #,##0.00". Only the first section (positive numbers)
// counts; quoted text, escaped characters and bracketed codes other than a
// currency are skipped. A code with y, m or d outside them is a date (time
// formats such as h:mm count too: in a date column they still hold a
// serial day).
func customFormat(code string) Format {
	var date, percent, currency, number bool
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case ';':
			i = len(code)
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // the next character is literal, a space's width, or a fill
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				break
			}
			inner := code[i+1 : i+j]
			switch {
			case strings.HasPrefix(inner, "$") && len(inner) > 1 && inner[1] != '-':
				currency = true
			case strings.EqualFold(inner, "h"), strings.EqualFold(inner, "hh"), strings.EqualFold(inner, "m"), strings.EqualFold(inner, "mm"), strings.EqualFold(inner, "s"), strings.EqualFold(inner, "ss"):
				date = true // elapsed time
			}
			i += j
		case '%':
			percent = true
		case 'G', 'g':
			if len(code) >= i+7 && strings.EqualFold(code[i:i+7], "general") {
				i += 6
			}
		case 'y', 'Y', 'd', 'D', 'm', 'M':
			date = true
		case '$':
			currency = true
		case '0', '#', '?':
			number = true
		default:
			if c >= 0x80 && strings.ContainsAny(code[i:min(i+3, len(code))], "€£¥₹") {
				currency = true
			}
		}
	}
	switch {
	case percent:
		return FormatPercent
	case date:
		return FormatDate
	case currency:
		return FormatCurrency
	case number:
		return FormatNumber
	}
	return FormatNone
}
