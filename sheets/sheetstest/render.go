package sheetstest

import (
	"encoding/json"

	sheets "google.golang.org/api/sheets/v4"
)

// span is a range resolved against a book: a tab and zero-based,
// end-exclusive indexes, clipped to the tab's grid.
type span struct {
	t              *tab
	r0, c0, r1, c1 int64
}

func (s span) a1() string { return formatA1(s.t.title(), s.r0, s.c0, s.r1, s.c1) }

// resolve finds the tab and cells an A1 range names. A range without a
// sheet name is on the first tab; a bare word that is a tab's title is
// that whole tab. Ends past the grid are clipped; a range that starts past
// it is an error, as it is at Google.
func (b *book) resolve(text string) (span, *apiError) {
	ref, err := parseA1(text)
	if err != nil {
		return span{}, err.(*apiError)
	}
	bad := invalid("Unable to parse range: %s", text)
	var t *tab
	switch {
	case ref.hasSheet:
		t = b.tabByTitle(ref.sheet)
	case ref.nameOnly:
		if t = b.tabByTitle(ref.sheet); t != nil {
			ref.r0, ref.c0, ref.r1, ref.c1 = 0, 0, unbounded, unbounded
		} else if ref.hasCells && len(b.tabs) > 0 {
			t = b.tabs[0]
		}
	case len(b.tabs) > 0:
		t = b.tabs[0]
	}
	if t == nil || !t.isGrid() {
		return span{}, bad
	}
	rows, cols := t.grid()
	if ref.r0 >= rows || ref.c0 >= cols {
		where := text
		if !ref.hasSheet {
			where = quoteTitle(t.title()) + "!" + text
		}
		return span{}, gridLimits(where, rows, cols)
	}
	sp := span{t: t, r0: ref.r0, c0: ref.c0, r1: rows, c1: cols}
	if ref.r1 != unbounded {
		sp.r1 = min(ref.r1, rows)
	}
	if ref.c1 != unbounded {
		sp.c1 = min(ref.c1, cols)
	}
	return sp, nil
}

// gridLimits is Google's error for a range outside a tab's grid.
func gridLimits(where string, rows, cols int64) *apiError {
	return invalid("Range (%s) exceeds grid limits. Max rows: %d, max columns: %d", where, rows, cols)
}

// renderer turns stored cells into what the API returns: effective values
// and formats, formatted values.
type renderer struct {
	defaults map[string]any
	cache    map[string]*sheets.CellFormat
	byPtr    map[*sheets.CellFormat]*sheets.CellFormat
}

func newRenderer(b *book) *renderer {
	d, _ := toMap(b.props.DefaultFormat)
	return &renderer{defaults: d, cache: map[string]*sheets.CellFormat{}, byPtr: map[*sheets.CellFormat]*sheets.CellFormat{}}
}

// effectiveFormat is the spreadsheet's default format with the cell's own
// format laid over it.
func (rd *renderer) effectiveFormat(user *sheets.CellFormat) *sheets.CellFormat {
	if f, ok := rd.byPtr[user]; ok {
		return f
	}
	f := rd.mergeFormat(user)
	rd.byPtr[user] = f
	return f
}

func (rd *renderer) mergeFormat(user *sheets.CellFormat) *sheets.CellFormat {
	key := ""
	if user != nil {
		data, _ := json.Marshal(user)
		key = string(data)
	}
	if f, ok := rd.cache[key]; ok {
		return f
	}
	merged := rd.defaults
	if user != nil {
		u, _ := toMap(user)
		merged = mergeMaps(rd.defaults, u)
	}
	f, _ := fromMap[sheets.CellFormat](merged)
	rd.cache[key] = f
	return f
}

// mergeMaps returns a with b laid over it, recursively, without changing
// either.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		am, aok := out[k].(map[string]any)
		bm, bok := v.(map[string]any)
		if aok && bok {
			out[k] = mergeMaps(am, bm)
		} else {
			out[k] = v
		}
	}
	return out
}

// effectiveValue is what a cell evaluates to: its value, or for a formula
// the result it was seeded with (the server does not evaluate formulas).
func effectiveValue(c *sheets.CellData) *sheets.ExtendedValue {
	if c == nil || c.UserEnteredValue == nil {
		return nil
	}
	if c.UserEnteredValue.FormulaValue != nil {
		return c.EffectiveValue
	}
	return c.UserEnteredValue
}

func numberFormat(c *sheets.CellData) *sheets.NumberFormat {
	if c == nil || c.UserEnteredFormat == nil {
		return nil
	}
	return c.UserEnteredFormat.NumberFormat
}

// cell renders one stored cell as spreadsheets.get returns it.
func (rd *renderer) cell(c *sheets.CellData) *sheets.CellData {
	if c == nil {
		return &sheets.CellData{}
	}
	out := &sheets.CellData{
		UserEnteredValue:  c.UserEnteredValue,
		UserEnteredFormat: c.UserEnteredFormat,
		Note:              c.Note,
		Hyperlink:         c.Hyperlink,
		DataValidation:    c.DataValidation,
		TextFormatRuns:    c.TextFormatRuns,
		ChipRuns:          c.ChipRuns,
		PivotTable:        c.PivotTable,
	}
	ev := effectiveValue(c)
	out.EffectiveValue = ev
	if ev != nil || c.UserEnteredFormat != nil {
		out.EffectiveFormat = rd.effectiveFormat(c.UserEnteredFormat)
	}
	if ev != nil {
		out.FormattedValue = formatValue(ev, numberFormat(c))
	}
	return out
}

// gridData renders the cells of a span: rows up to the last one holding
// anything, each up to its last non-empty cell, with the row and column
// metadata of the whole span.
func (rd *renderer) gridData(sp span) *sheets.GridData {
	t := sp.t
	gd := &sheets.GridData{StartRow: sp.r0, StartColumn: sp.c0}
	lastRow := -1
	for r := sp.r0; r < min(sp.r1, int64(len(t.rows))); r++ {
		row := t.rows[r]
		var values []*sheets.CellData
		last := -1
		for c := sp.c0; c < min(sp.c1, int64(len(row))); c++ {
			if !emptyCell(row[c]) {
				last = int(c - sp.c0)
			}
		}
		for i := 0; i <= last; i++ {
			values = append(values, rd.cell(row[sp.c0+int64(i)]))
		}
		gd.RowData = append(gd.RowData, &sheets.RowData{Values: values})
		if last >= 0 {
			lastRow = len(gd.RowData) - 1
		}
	}
	gd.RowData = gd.RowData[:lastRow+1]
	if len(gd.RowData) == 0 {
		gd.RowData = nil
	}
	for r := sp.r0; r < sp.r1; r++ {
		gd.RowMetadata = append(gd.RowMetadata, dimension(t.rowProps[r], defaultRowPixels))
	}
	for c := sp.c0; c < sp.c1; c++ {
		gd.ColumnMetadata = append(gd.ColumnMetadata, dimension(t.colProps[c], defaultColumnPixels))
	}
	return gd
}

func dimension(p *sheets.DimensionProperties, pixels int64) *sheets.DimensionProperties {
	if p == nil {
		return &sheets.DimensionProperties{PixelSize: pixels}
	}
	if p.PixelSize == 0 {
		q := *p
		q.PixelSize = pixels
		return &q
	}
	return p
}

// spreadsheet renders the book as spreadsheets.get returns it. With
// ranges, only the tabs they touch are included, and grid data is limited
// to them.
func (b *book) spreadsheet(ranges []string, withGrid bool) (*sheets.Spreadsheet, *apiError) {
	spans := map[*tab][]span{}
	for _, r := range ranges {
		sp, err := b.resolve(r)
		if err != nil {
			return nil, err
		}
		spans[sp.t] = append(spans[sp.t], sp)
	}
	rd := newRenderer(b)
	ss := &sheets.Spreadsheet{
		SpreadsheetId:     b.id,
		Properties:        b.props,
		SpreadsheetUrl:    "https://docs.google.com/spreadsheets/d/" + b.id + "/edit",
		DeveloperMetadata: orNil(b.metadata),
	}
	for _, t := range b.tabs {
		if len(ranges) > 0 && len(spans[t]) == 0 {
			continue
		}
		sh := &sheets.Sheet{
			Properties:         t.props,
			Charts:             orNil(t.charts),
			ProtectedRanges:    orNil(t.protected),
			ConditionalFormats: orNil(t.rules),
			BasicFilter:        t.filter,
			DeveloperMetadata:  orNil(t.metadata),
			Merges:             orNil(t.merges),
		}
		if withGrid && t.isGrid() {
			tabSpans := spans[t]
			if len(ranges) == 0 {
				rows, cols := t.grid()
				tabSpans = []span{{t: t, r1: rows, c1: cols}}
			}
			for _, sp := range tabSpans {
				sh.Data = append(sh.Data, rd.gridData(sp))
			}
		}
		ss.Sheets = append(ss.Sheets, sh)
	}
	return ss, nil
}

// orNil returns nil for an empty list, which JSON leaves out, as Google
// does.
func orNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Value render options of the values methods.
const (
	formattedValue   = "FORMATTED_VALUE"
	unformattedValue = "UNFORMATTED_VALUE"
	formulaValue     = "FORMULA"
	serialNumber     = "SERIAL_NUMBER"
	formattedString  = "FORMATTED_STRING"
	majorRows        = "ROWS"
	majorColumns     = "COLUMNS"
)

// valueOf renders one cell for the values methods; nil is an empty cell.
func valueOf(c *sheets.CellData, render, dates string) any {
	if c == nil || c.UserEnteredValue == nil {
		return nil
	}
	if render == formulaValue && c.UserEnteredValue.FormulaValue != nil {
		return *c.UserEnteredValue.FormulaValue
	}
	ev := effectiveValue(c)
	if ev == nil {
		return nil
	}
	nf := numberFormat(c)
	if render == formattedValue {
		return formatValue(ev, nf)
	}
	switch {
	case ev.NumberValue != nil:
		if dates == formattedString && isDateType(nf) {
			return formatValue(ev, nf)
		}
		return *ev.NumberValue
	case ev.BoolValue != nil:
		return *ev.BoolValue
	case ev.StringValue != nil:
		return *ev.StringValue
	}
	return formatValue(ev, nf)
}

// values renders a span for values.get: trailing empty cells and rows are
// left out, and empty cells before the last value are "".
func values(sp span, render, dates, major string) [][]any {
	var grid [][]any
	for r := sp.r0; r < min(sp.r1, int64(len(sp.t.rows))); r++ {
		row := sp.t.rows[r]
		var out []any
		for c := sp.c0; c < min(sp.c1, int64(len(row))); c++ {
			out = append(out, valueOf(row[c], render, dates))
		}
		grid = append(grid, out)
	}
	if major == majorColumns {
		grid = transpose(grid)
	}
	last := -1
	for i, row := range grid {
		n := len(row)
		for n > 0 && row[n-1] == nil {
			n--
		}
		row = row[:n]
		for j := range row {
			if row[j] == nil {
				row[j] = ""
			}
		}
		if row == nil {
			row = []any{}
		}
		grid[i] = row
		if n > 0 {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	return grid[:last+1]
}

func transpose(grid [][]any) [][]any {
	width := 0
	for _, row := range grid {
		width = max(width, len(row))
	}
	out := make([][]any, width)
	for c := range out {
		out[c] = make([]any, len(grid))
		for r, row := range grid {
			if c < len(row) {
				out[c][r] = row[c]
			}
		}
	}
	return out
}
