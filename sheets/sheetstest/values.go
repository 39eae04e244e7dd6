package sheetstest

import (
	"net/url"

	sheets "google.golang.org/api/sheets/v4"
)

// valueOpts are the render options of the values methods.
type valueOpts struct {
	render, dates, major string
}

// readValueOpts reads render options from a query or a request body,
// with Google's defaults.
func readValueOpts(render, dates, major string) (valueOpts, *apiError) {
	o := valueOpts{render: render, dates: dates, major: major}
	if o.render == "" {
		o.render = formattedValue
	}
	if o.dates == "" {
		o.dates = serialNumber
	}
	if o.major == "" || o.major == "DIMENSION_UNSPECIFIED" {
		o.major = majorRows
	}
	switch {
	case o.render != formattedValue && o.render != unformattedValue && o.render != formulaValue:
		return o, invalid("Invalid value at 'value_render_option' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), %q", o.render)
	case o.dates != serialNumber && o.dates != formattedString:
		return o, invalid("Invalid value at 'date_time_render_option' (type.googleapis.com/google.apps.sheets.v4.DateTimeRenderOption), %q", o.dates)
	case o.major != majorRows && o.major != majorColumns:
		return o, invalid("Invalid value at 'major_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), %q", o.major)
	}
	return o, nil
}

func queryValueOpts(q url.Values) (valueOpts, *apiError) {
	return readValueOpts(q.Get("valueRenderOption"), q.Get("dateTimeRenderOption"), q.Get("majorDimension"))
}

// getValues answers values.get for one range.
func (b *book) getValues(text string, o valueOpts) (*sheets.ValueRange, *apiError) {
	sp, err := b.resolve(text)
	if err != nil {
		return nil, err
	}
	return &sheets.ValueRange{
		Range:          sp.a1(),
		MajorDimension: o.major,
		Values:         values(sp, o.render, o.dates, o.major),
	}, nil
}

// checkInputOption validates valueInputOption, which writes require.
func checkInputOption(opt string) (userEntered bool, err *apiError) {
	switch opt {
	case "RAW":
		return false, nil
	case "USER_ENTERED":
		return true, nil
	case "", "INPUT_VALUE_OPTION_UNSPECIFIED":
		return false, invalid("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
	}
	return false, invalid("Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), %q", opt)
}

// writeValues answers values.update for one range. Values that are null
// leave their cell alone, "" clears it; a cell keeps its format unless the
// input implies a number format (USER_ENTERED "20%", "$5", dates).
func (b *book) writeValues(text string, vr *sheets.ValueRange, userEntered bool, resp *valueOpts) (*sheets.UpdateValuesResponse, *apiError) {
	ref, perr := parseA1(text)
	if perr != nil {
		return nil, perr.(*apiError)
	}
	sp, err := b.resolve(text)
	if err != nil {
		return nil, err
	}
	if ref.single || ref.nameOnly && b.tabByTitle(ref.sheet) != nil {
		// A single cell is where the values start; a tab holds them all.
		ref.r1, ref.c1 = unbounded, unbounded
	}
	data := vr.Values
	switch vr.MajorDimension {
	case "", majorRows, "DIMENSION_UNSPECIFIED":
	case majorColumns:
		data = transpose(data)
	default:
		return nil, invalid("Invalid value at 'data.major_dimension', %q", vr.MajorDimension)
	}
	nrows, ncols := int64(len(data)), int64(0)
	for _, row := range data {
		ncols = max(ncols, int64(len(row)))
	}
	if ref.r1 != unbounded && sp.r0+nrows > ref.r1 {
		return nil, invalid("Requested writing within range [%s], but tried writing to row [%d]", text, ref.r1+1)
	}
	if ref.c1 != unbounded && sp.c0+ncols > ref.c1 {
		return nil, invalid("Requested writing within range [%s], but tried writing to column [%s]", text, columnName(ref.c1))
	}
	t := sp.t
	rows, cols := t.grid()
	if sp.r0+nrows > rows || sp.c0+ncols > cols {
		return nil, gridLimits(formatA1(t.title(), sp.r0, sp.c0, sp.r0+max(nrows, 1), sp.c0+max(ncols, 1)), rows, cols)
	}
	out := &sheets.UpdateValuesResponse{SpreadsheetId: b.id, UpdatedRange: formatA1(t.title(), sp.r0, sp.c0, sp.r0+1, sp.c0+1)}
	if nrows > 0 && ncols > 0 {
		out.UpdatedRange = formatA1(t.title(), sp.r0, sp.c0, sp.r0+nrows, sp.c0+ncols)
	}
	touchedCols := map[int64]bool{}
	for i, vals := range data {
		r := sp.r0 + int64(i)
		var row []*sheets.CellData
		wrote := false
		for j, v := range vals {
			p, err := parseInput(v, userEntered, b.props.Locale)
			if err != nil {
				return nil, asAPIError(err)
			}
			if p.skip {
				continue
			}
			if row == nil {
				row = t.rowForWrite(r, sp.c0+int64(len(vals)))
			}
			c := sp.c0 + int64(j)
			row[c] = enterValue(row[c], p)
			out.UpdatedCells++
			touchedCols[c] = true
			wrote = true
		}
		if wrote {
			out.UpdatedRows++
		}
	}
	out.UpdatedColumns = int64(len(touchedCols))
	if resp != nil {
		vr, err := b.getValues(out.UpdatedRange, *resp)
		if err != nil {
			return nil, err
		}
		out.UpdatedData = vr
	}
	return out, nil
}

// enterValue returns old with a new value, and the number format the
// value implies, if any.
func enterValue(old *sheets.CellData, p parsed) *sheets.CellData {
	c := &sheets.CellData{}
	if old != nil {
		*c = *old
	}
	c.UserEnteredValue, c.EffectiveValue = p.value, nil
	if p.format != nil {
		f := clone(c.UserEnteredFormat)
		if f == nil {
			f = &sheets.CellFormat{}
		}
		f.NumberFormat = p.format
		c.UserEnteredFormat = f
	}
	if emptyCell(c) {
		return nil
	}
	return c
}

// clearValues answers values.clear: values go, formats stay.
func (b *book) clearValues(text string) (string, *apiError) {
	sp, err := b.resolve(text)
	if err != nil {
		return "", err
	}
	t := sp.t
	for r := sp.r0; r < min(sp.r1, int64(len(t.rows))); r++ {
		if !t.hasCells(r, sp.c0, sp.c1) {
			continue
		}
		row := t.rowForWrite(r, 0)
		for c := sp.c0; c < min(sp.c1, int64(len(row))); c++ {
			if row[c] != nil && row[c].UserEnteredValue != nil {
				row[c] = enterValue(row[c], parsed{})
			}
		}
	}
	return sp.a1(), nil
}
