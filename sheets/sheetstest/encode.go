package sheetstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"unicode/utf8"

	sheets "google.golang.org/api/sheets/v4"
)

// encodeResponse encodes a method's reply with the read mask m applied. Its
// output means the same as json.Marshal followed by filterJSON, which is
// what it does for most replies; grid data (the cells of spreadsheets.get
// and of a batchUpdate's updatedSpreadsheet) and the values of values.get
// and values.batchGet are written by hand, as encoding/json spends most of
// a large sheet's time in reflection and in re-scanning what each
// generated MarshalJSON returns. Cells, rows and values keep the API's
// field names, order and omitempty rules; encode_test.go holds the hand
// encoder to encoding/json's output on random cells.
func encodeResponse(v any, m *mask) ([]byte, error) {
	e := &encoder{formats: map[formatKey][]byte{}}
	var err error
	switch x := v.(type) {
	case *sheets.Spreadsheet:
		err = e.spreadsheet(x, m)
	case *sheets.BatchUpdateSpreadsheetResponse:
		rest := *x
		rest.UpdatedSpreadsheet = nil
		err = e.spliced(&rest, m, "updatedSpreadsheet", x.UpdatedSpreadsheet != nil, true, func(sub *mask) error {
			return e.spreadsheet(x.UpdatedSpreadsheet, sub)
		})
	case *sheets.ValueRange:
		err = e.valueRange(x, m)
	case *sheets.BatchGetValuesResponse:
		rest := *x
		rest.ValueRanges = nil
		err = e.spliced(&rest, m, "valueRanges", len(x.ValueRanges) > 0, false, func(sub *mask) error {
			e.buf = append(e.buf, '[')
			for i, vr := range x.ValueRanges {
				if i > 0 {
					e.buf = append(e.buf, ',')
				}
				if err := e.valueRange(vr, sub); err != nil {
					return err
				}
			}
			e.buf = append(e.buf, ']')
			return nil
		})
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return filterJSON(data, m)
	}
	if err != nil {
		return nil, err
	}
	return e.buf, nil
}

// encoder appends JSON to buf.
type encoder struct {
	buf []byte
	// formats holds encoded cell formats by pointer and mask: the renderer
	// shares one effective format among the cells that look alike.
	formats map[formatKey][]byte
}

type formatKey struct {
	f *sheets.CellFormat
	m *mask
}

// pick returns the mask for field name below m and whether m selects it.
// A nil mask, like one that selects all, selects every field.
func pick(m *mask, name string) (*mask, bool) {
	if m == nil || m.all {
		return m, true
	}
	sub := m.kids[name]
	return sub, sub != nil
}

// partial reports whether m prunes what is below it.
func partial(m *mask) bool { return m != nil && !m.all }

// key writes a field name, after a comma unless it is the object's first.
func (e *encoder) key(name string) {
	if n := len(e.buf); n > 0 && e.buf[n-1] != '{' {
		e.buf = append(e.buf, ',')
	}
	e.buf = appendString(e.buf, name)
	e.buf = append(e.buf, ':')
}

// marshal encodes v as json.Marshal and filterJSON would. It returns nil
// when m prunes an object down to nothing, which filterJSON leaves out
// unless it is an element of an array.
func marshal(v any, m *mask) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil || !partial(m) {
		return data, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	x = m.prune(x)
	if o, ok := x.(map[string]any); ok && len(o) == 0 {
		return nil, nil
	}
	return json.Marshal(x)
}

// field writes name and v through encoding/json, for the fields that are
// rare enough not to need a hand encoder.
func (e *encoder) field(name string, v any, m *mask) error {
	data, err := marshal(v, m)
	if err != nil || data == nil {
		return err
	}
	e.key(name)
	e.buf = append(e.buf, data...)
	return nil
}

// element writes v through encoding/json as an element of an array, where
// an object pruned to nothing stays as {}.
func (e *encoder) element(v any, m *mask) error {
	data, err := marshal(v, m)
	if err != nil {
		return err
	}
	if data == nil {
		data = []byte("{}")
	}
	e.buf = append(e.buf, data...)
	return nil
}

// spliced writes rest (a struct with the field name left zero) through
// encoding/json, and the field name by hand when present and selected.
// An object field that a partial mask prunes to nothing is left out.
func (e *encoder) spliced(rest any, m *mask, name string, present, object bool, hand func(sub *mask) error) error {
	data, err := json.Marshal(rest)
	if err == nil {
		data, err = filterJSON(data, m)
	}
	if err != nil {
		return err
	}
	sub, ok := pick(m, name)
	if !present || !ok {
		e.buf = append(e.buf, data...)
		return nil
	}
	e.buf = append(e.buf, data[:len(data)-1]...) // all but the closing brace
	mark := len(e.buf)
	e.key(name)
	start := len(e.buf)
	if err := hand(sub); err != nil {
		return err
	}
	if object && partial(sub) && string(e.buf[start:]) == "{}" {
		e.buf = e.buf[:mark]
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *encoder) spreadsheet(ss *sheets.Spreadsheet, m *mask) error {
	rest := *ss
	rest.Sheets = nil
	return e.spliced(&rest, m, "sheets", len(ss.Sheets) > 0, false, func(sub *mask) error {
		e.buf = append(e.buf, '[')
		for i, sh := range ss.Sheets {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.sheet(sh, sub); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		return nil
	})
}

func (e *encoder) sheet(sh *sheets.Sheet, m *mask) error {
	if sh == nil {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	rest := *sh
	rest.Data = nil
	return e.spliced(&rest, m, "data", len(sh.Data) > 0, false, func(sub *mask) error {
		e.buf = append(e.buf, '[')
		for i, gd := range sh.Data {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.grid(gd, sub); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		return nil
	})
}

// grid writes one GridData, an element of sheets[].data.
func (e *encoder) grid(gd *sheets.GridData, m *mask) error {
	switch {
	case gd == nil:
		e.buf = append(e.buf, "null"...)
		return nil
	case len(gd.ForceSendFields) > 0 || len(gd.NullFields) > 0:
		return e.element(gd, m)
	}
	e.buf = append(e.buf, '{')
	if sub, ok := pick(m, "columnMetadata"); ok && len(gd.ColumnMetadata) > 0 {
		e.key("columnMetadata")
		if err := e.dimensions(gd.ColumnMetadata, sub); err != nil {
			return err
		}
	}
	if sub, ok := pick(m, "rowData"); ok && len(gd.RowData) > 0 {
		e.key("rowData")
		e.buf = append(e.buf, '[')
		for i, row := range gd.RowData {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.row(row, sub); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	}
	if sub, ok := pick(m, "rowMetadata"); ok && len(gd.RowMetadata) > 0 {
		e.key("rowMetadata")
		if err := e.dimensions(gd.RowMetadata, sub); err != nil {
			return err
		}
	}
	if _, ok := pick(m, "startColumn"); ok && gd.StartColumn != 0 {
		e.key("startColumn")
		e.buf = strconv.AppendInt(e.buf, gd.StartColumn, 10)
	}
	if _, ok := pick(m, "startRow"); ok && gd.StartRow != 0 {
		e.key("startRow")
		e.buf = strconv.AppendInt(e.buf, gd.StartRow, 10)
	}
	e.buf = append(e.buf, '}')
	return nil
}

// dimensions writes row or column metadata; most entries hold only a
// pixel size and perhaps a hidden flag.
func (e *encoder) dimensions(ds []*sheets.DimensionProperties, m *mask) error {
	e.buf = append(e.buf, '[')
	for i, d := range ds {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		switch {
		case d == nil:
			e.buf = append(e.buf, "null"...)
			continue
		case d.DataSourceColumnReference != nil || len(d.DeveloperMetadata) > 0 ||
			len(d.ForceSendFields) > 0 || len(d.NullFields) > 0:
			if err := e.element(d, m); err != nil {
				return err
			}
			continue
		}
		e.buf = append(e.buf, '{')
		if _, ok := pick(m, "hiddenByFilter"); ok && d.HiddenByFilter {
			e.key("hiddenByFilter")
			e.buf = append(e.buf, "true"...)
		}
		if _, ok := pick(m, "hiddenByUser"); ok && d.HiddenByUser {
			e.key("hiddenByUser")
			e.buf = append(e.buf, "true"...)
		}
		if _, ok := pick(m, "pixelSize"); ok && d.PixelSize != 0 {
			e.key("pixelSize")
			e.buf = strconv.AppendInt(e.buf, d.PixelSize, 10)
		}
		e.buf = append(e.buf, '}')
	}
	e.buf = append(e.buf, ']')
	return nil
}

// row writes one RowData, an element of rowData.
func (e *encoder) row(row *sheets.RowData, m *mask) error {
	switch {
	case row == nil:
		e.buf = append(e.buf, "null"...)
		return nil
	case len(row.ForceSendFields) > 0 || len(row.NullFields) > 0:
		return e.element(row, m)
	}
	e.buf = append(e.buf, '{')
	if sub, ok := pick(m, "values"); ok && len(row.Values) > 0 {
		e.key("values")
		e.buf = append(e.buf, '[')
		for i, c := range row.Values {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.cell(c, sub); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	}
	e.buf = append(e.buf, '}')
	return nil
}

// cell writes one CellData, an element of values: its fields in the order
// of the struct, which is also the order filterJSON sorts them into.
func (e *encoder) cell(c *sheets.CellData, m *mask) error {
	switch {
	case c == nil:
		e.buf = append(e.buf, "null"...)
		return nil
	case len(c.ForceSendFields) > 0 || len(c.NullFields) > 0:
		return e.element(c, m)
	}
	e.buf = append(e.buf, '{')
	rare := func(name string, present bool, v any) error {
		if sub, ok := pick(m, name); ok && present {
			return e.field(name, v, sub)
		}
		return nil
	}
	if err := rare("chipRuns", len(c.ChipRuns) > 0, c.ChipRuns); err != nil {
		return err
	}
	if err := rare("dataSourceFormula", c.DataSourceFormula != nil, c.DataSourceFormula); err != nil {
		return err
	}
	if err := rare("dataSourceTable", c.DataSourceTable != nil, c.DataSourceTable); err != nil {
		return err
	}
	if err := rare("dataValidation", c.DataValidation != nil, c.DataValidation); err != nil {
		return err
	}
	if err := e.format("effectiveFormat", c.EffectiveFormat, m); err != nil {
		return err
	}
	if err := e.extended("effectiveValue", c.EffectiveValue, m); err != nil {
		return err
	}
	e.str("formattedValue", c.FormattedValue, m)
	e.str("hyperlink", c.Hyperlink, m)
	e.str("note", c.Note, m)
	if err := rare("pivotTable", c.PivotTable != nil, c.PivotTable); err != nil {
		return err
	}
	if err := rare("textFormatRuns", len(c.TextFormatRuns) > 0, c.TextFormatRuns); err != nil {
		return err
	}
	if err := e.format("userEnteredFormat", c.UserEnteredFormat, m); err != nil {
		return err
	}
	if err := e.extended("userEnteredValue", c.UserEnteredValue, m); err != nil {
		return err
	}
	e.buf = append(e.buf, '}')
	return nil
}

// str writes a string field that omitempty leaves out when empty.
func (e *encoder) str(name, s string, m *mask) {
	if _, ok := pick(m, name); ok && s != "" {
		e.key(name)
		e.buf = appendString(e.buf, s)
	}
}

// format writes a cell format, encoded once for each format and mask.
func (e *encoder) format(name string, f *sheets.CellFormat, m *mask) error {
	sub, ok := pick(m, name)
	if !ok || f == nil {
		return nil
	}
	k := formatKey{f, sub}
	data, ok := e.formats[k]
	if !ok {
		var err error
		if data, err = marshal(f, sub); err != nil {
			return err
		}
		e.formats[k] = data
	}
	if data != nil {
		e.key(name)
		e.buf = append(e.buf, data...)
	}
	return nil
}

// extended writes an ExtendedValue field.
func (e *encoder) extended(name string, v *sheets.ExtendedValue, m *mask) error {
	sub, ok := pick(m, name)
	switch {
	case !ok || v == nil:
		return nil
	case v.ErrorValue != nil || len(v.ForceSendFields) > 0 || len(v.NullFields) > 0:
		return e.field(name, v, sub)
	}
	mark := len(e.buf)
	e.key(name)
	start := len(e.buf)
	e.buf = append(e.buf, '{')
	if _, ok := pick(sub, "boolValue"); ok && v.BoolValue != nil {
		e.key("boolValue")
		e.buf = strconv.AppendBool(e.buf, *v.BoolValue)
	}
	if _, ok := pick(sub, "formulaValue"); ok && v.FormulaValue != nil {
		e.key("formulaValue")
		e.buf = appendString(e.buf, *v.FormulaValue)
	}
	if _, ok := pick(sub, "numberValue"); ok && v.NumberValue != nil {
		e.key("numberValue")
		var err error
		if e.buf, err = appendFloat(e.buf, *v.NumberValue); err != nil {
			return err
		}
	}
	if _, ok := pick(sub, "stringValue"); ok && v.StringValue != nil {
		e.key("stringValue")
		e.buf = appendString(e.buf, *v.StringValue)
	}
	e.buf = append(e.buf, '}')
	if partial(sub) && len(e.buf) == start+2 {
		e.buf = e.buf[:mark] // pruned to nothing
	}
	return nil
}

// valueRange writes a ValueRange, whose values are strings, numbers and
// booleans.
func (e *encoder) valueRange(vr *sheets.ValueRange, m *mask) error {
	if vr == nil {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	rest := *vr
	rest.Values = nil
	return e.spliced(&rest, m, "values", len(vr.Values) > 0, false, func(*mask) error {
		e.buf = append(e.buf, '[')
		for i, row := range vr.Values {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if row == nil {
				e.buf = append(e.buf, "null"...)
				continue
			}
			e.buf = append(e.buf, '[')
			for j, v := range row {
				if j > 0 {
					e.buf = append(e.buf, ',')
				}
				if err := e.value(v); err != nil {
					return err
				}
			}
			e.buf = append(e.buf, ']')
		}
		e.buf = append(e.buf, ']')
		return nil
	})
}

// value writes one value of a ValueRange.
func (e *encoder) value(v any) error {
	var err error
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		e.buf = appendString(e.buf, x)
	case float64:
		e.buf, err = appendFloat(e.buf, x)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	default:
		var data []byte
		if data, err = json.Marshal(x); err == nil {
			e.buf = append(e.buf, data...)
		}
	}
	return err
}

var errFloat = errors.New("json: unsupported value: NaN or infinite number")

// appendFloat writes a float64 as encoding/json does: the shortest
// decimal that reads back the same, in exponent form only for very small
// or very large numbers, with "e-07" written "e-7".
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, errFloat
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does: <, >
// and & escaped for HTML, invalid UTF-8 replaced by U+FFFD, and U+2028 and
// U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
