package sheetstest

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	sheets "google.golang.org/api/sheets/v4"
)

// decodeUpdateCells reads an updateCells request ({"updateCells": {...}})
// by hand: its rows are most of what a sync sends, and encoding/json
// decodes each cell's values through a nested UnmarshalJSON that scans
// them again. It reads what writers send (fields, start, range, and rows
// of cells with values, formats, notes and hyperlinks) and reports false
// for anything else (a null, another cell field, a number that does not
// fit), so that the caller decodes the request with encoding/json and
// gets its answer and its error, whatever they are. raw must be valid
// JSON. Formats spelled alike decode to one shared *sheets.CellFormat.
func decodeUpdateCells(raw []byte) (*sheets.Request, bool) {
	d := &cellDecoder{b: raw, formats: map[string]*sheets.CellFormat{}}
	u := &sheets.UpdateCellsRequest{}
	ok := d.object(func(key string) bool {
		if key != "updateCells" {
			return false
		}
		return d.object(func(key string) bool {
			switch key {
			case "fields":
				var ok bool
				u.Fields, ok = d.str()
				return ok
			case "start":
				u.Start = new(sheets.GridCoordinate)
				return d.unmarshal(u.Start)
			case "range":
				u.Range = new(sheets.GridRange)
				return d.unmarshal(u.Range)
			case "rows":
				u.Rows = []*sheets.RowData{}
				return d.array(func() bool {
					row := &sheets.RowData{}
					u.Rows = append(u.Rows, row)
					return d.object(func(key string) bool {
						if key != "values" {
							return false
						}
						row.Values = []*sheets.CellData{}
						return d.array(func() bool {
							c, ok := d.cell()
							row.Values = append(row.Values, c)
							return ok
						})
					})
				})
			}
			return false
		})
	})
	if !ok {
		return nil, false
	}
	d.space()
	if d.i != len(d.b) {
		return nil, false
	}
	return &sheets.Request{UpdateCells: u}, true
}

// cellDecoder reads JSON from b at i.
type cellDecoder struct {
	b       []byte
	i       int
	formats map[string]*sheets.CellFormat // decoded formats by their JSON
}

func (d *cellDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte that is not white space, or 0 at the end.
func (d *cellDecoder) peek() byte {
	d.space()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// eat consumes c if it comes next.
func (d *cellDecoder) eat(c byte) bool {
	if d.peek() == c {
		d.i++
		return true
	}
	return false
}

// object reads an object, calling field for each key with the decoder at
// its value.
func (d *cellDecoder) object(field func(key string) bool) bool {
	if !d.eat('{') {
		return false
	}
	if d.eat('}') {
		return true
	}
	for {
		key, ok := d.str()
		if !ok || !d.eat(':') || !field(key) {
			return false
		}
		if d.eat(',') {
			continue
		}
		return d.eat('}')
	}
}

// array reads an array, calling elem with the decoder at each element.
func (d *cellDecoder) array(elem func() bool) bool {
	if !d.eat('[') {
		return false
	}
	if d.eat(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.eat(',') {
			continue
		}
		return d.eat(']')
	}
}

// str reads a string. One with escapes or bytes that are not UTF-8 goes
// through encoding/json, which knows JSON's escapes and replaces such
// bytes as it does.
func (d *cellDecoder) str() (string, bool) {
	if !d.eat('"') {
		return "", false
	}
	start, plain := d.i, true
	for ; d.i < len(d.b); d.i++ {
		switch c := d.b[d.i]; {
		case c == '\\':
			plain = false
			d.i++ // skip the escaped byte
		case c == '"':
			d.i++
			if s := d.b[start : d.i-1]; plain && utf8.Valid(s) {
				return string(s), true
			}
			var s string
			err := json.Unmarshal(d.b[start-1:d.i], &s)
			return s, err == nil
		}
	}
	return "", false
}

// skip passes over one value and returns its bytes.
func (d *cellDecoder) skip() ([]byte, bool) {
	start := d.peek()
	from := d.i
	switch start {
	case '{', '[':
		depth := 0
		for d.i < len(d.b) {
			switch d.b[d.i] {
			case '"':
				if _, ok := d.str(); !ok {
					return nil, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			d.i++
			if depth == 0 {
				return d.b[from:d.i], true
			}
		}
		return nil, false
	case '"':
		_, ok := d.str()
		return d.b[from:d.i], ok
	}
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return d.b[from:d.i], d.i > from
		}
		d.i++
	}
	return d.b[from:d.i], d.i > from
}

// unmarshal decodes the next value into v with encoding/json.
func (d *cellDecoder) unmarshal(v any) bool {
	raw, ok := d.skip()
	return ok && raw[0] != 'n' && json.Unmarshal(raw, v) == nil
}

// cell reads one CellData.
func (d *cellDecoder) cell() (*sheets.CellData, bool) {
	c := &sheets.CellData{}
	ok := d.object(func(key string) bool {
		var ok bool
		switch key {
		case "userEnteredValue":
			c.UserEnteredValue, ok = d.extended()
		case "effectiveValue":
			c.EffectiveValue, ok = d.extended()
		case "userEnteredFormat":
			c.UserEnteredFormat, ok = d.format()
		case "effectiveFormat":
			c.EffectiveFormat, ok = d.format()
		case "formattedValue":
			c.FormattedValue, ok = d.str()
		case "note":
			c.Note, ok = d.str()
		case "hyperlink":
			c.Hyperlink, ok = d.str()
		}
		return ok
	})
	return c, ok
}

// format reads a CellFormat, decoding each spelling once.
func (d *cellDecoder) format() (*sheets.CellFormat, bool) {
	raw, ok := d.skip()
	if !ok || raw[0] != '{' {
		return nil, false
	}
	if f, ok := d.formats[string(raw)]; ok {
		return f, true
	}
	f := new(sheets.CellFormat)
	if json.Unmarshal(raw, f) != nil {
		return nil, false
	}
	d.formats[string(raw)] = f
	return f, true
}

// extended reads an ExtendedValue holding a number, string, boolean or
// formula.
func (d *cellDecoder) extended() (*sheets.ExtendedValue, bool) {
	v := &sheets.ExtendedValue{}
	ok := d.object(func(key string) bool {
		switch key {
		case "stringValue":
			s, ok := d.str()
			v.StringValue = &s
			return ok
		case "formulaValue":
			s, ok := d.str()
			v.FormulaValue = &s
			return ok
		case "boolValue":
			raw, ok := d.skip()
			b := string(raw) == "true"
			v.BoolValue = &b
			return ok && (b || string(raw) == "false")
		case "numberValue":
			raw, ok := d.skip()
			if !ok || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
				return false // "NaN", "Infinity" or null: encoding/json's to read
			}
			f, err := strconv.ParseFloat(string(raw), 64)
			v.NumberValue = &f
			return err == nil
		}
		return false
	})
	return v, ok
}
