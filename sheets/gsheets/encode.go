package gsheets

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/sheets"
	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// The bot's tabs are written by encoding the requests by hand, in one pass
// into a buffer: the library would first build a CellData struct for each
// cell (and a format for each, as the write once sent) and then encode
// them by reflection, which cost more than the rest of a sync.

// step is one request of a batchUpdate: a request of the library, or the
// cells of a tab, encoded by hand.
type step struct {
	api   *sheetsapi.Request
	cells *cellsStep
}

// cellsStep is an updateCells of a whole tab: its header, bold, and its
// rows, values only (formats are set per column by formatColumns).
type cellsStep struct {
	sheetID    int64
	rows, cols int64
	tab        *sheets.Tab
}

// encodeBatch encodes the body of a batchUpdate of steps.
func encodeBatch(buf *bytes.Buffer, steps []step) error {
	buf.WriteString(`{"requests":[`)
	for i, s := range steps {
		if i > 0 {
			buf.WriteByte(',')
		}
		if s.cells != nil {
			s.cells.encode(buf)
			continue
		}
		b, err := json.Marshal(s.api)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	buf.WriteString(`]}`)
	return nil
}

// encode writes the updateCells request of c.
func (c *cellsStep) encode(buf *bytes.Buffer) {
	fmt.Fprintf(buf, `{"updateCells":{"range":{"sheetId":%d,"startRowIndex":0,"endRowIndex":%d,"startColumnIndex":0,"endColumnIndex":%d},"fields":"userEnteredValue,userEnteredFormat","rows":[`,
		c.sheetID, c.rows, c.cols)
	t := c.tab
	buf.WriteString(`{"values":[`)
	for i, col := range t.Columns {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"userEnteredValue":{"stringValue":`)
		appendString(buf, fitCell(col.Title))
		buf.WriteString(`},"userEnteredFormat":{"textFormat":{"bold":true}}}`)
	}
	buf.WriteString(`]}`)
	for _, row := range t.Rows {
		buf.WriteString(`,{"values":[`)
		for i, cell := range row {
			if i > 0 {
				buf.WriteByte(',')
			}
			v := valueOf(cell)
			if v.field == "" {
				buf.WriteString(`{}`)
				continue
			}
			buf.WriteString(`{"userEnteredValue":{"`)
			buf.WriteString(v.field)
			buf.WriteString(`":`)
			v.append(buf)
			buf.WriteString(`}}`)
		}
		buf.WriteString(`]}`)
	}
	buf.WriteString(`]}}`)
}

// cellsBytes estimates the encoded size of the cells of tabs, for
// choosing between one request and staging without encoding them.
func cellsBytes(tabs []sheets.Tab) int {
	n := 0
	for i := range tabs {
		t := &tabs[i]
		for _, c := range t.Columns {
			n += len(c.Title) + 80
		}
		for _, row := range t.Rows {
			n += 14
			for _, c := range row {
				n += len(c.Text) + 40
			}
		}
	}
	return n
}

// finite parses the decimal literal of a Number cell; a literal that is
// not a finite number is written as the text it is.
func finite(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// appendFloat writes f as JSON writes a float64.
func appendFloat(buf *bytes.Buffer, f float64) {
	var scratch [32]byte
	b := scratch[:0]
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
	} else {
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	buf.Write(b)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, as encoding/json does it but
// for HTML characters, which need no escaping here: invalid UTF-8 becomes
// U+FFFD.
func appendString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch b {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(b)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hexDigits[b>>4])
				buf.WriteByte(hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// jsonValue is a cell as it is sent: the ExtendedValue field that holds
// it ("" for an empty cell) and its value.
type jsonValue struct {
	field string
	num   float64
	text  string // cut to fit a cell
	b     bool
}

// valueOf says how cell is sent: text as text, a number as a number when
// it is finite (as text when not), a boolean as one.
func valueOf(cell sheets.Cell) jsonValue {
	switch cell.Kind {
	case sheets.Text:
		return jsonValue{field: "stringValue", text: fitCell(cell.Text)}
	case sheets.Number:
		if f, ok := finite(cell.Text); ok {
			return jsonValue{field: "numberValue", num: f}
		}
		return jsonValue{field: "stringValue", text: fitCell(cell.Text)}
	case sheets.Bool:
		return jsonValue{field: "boolValue", b: cell.Text == "TRUE"}
	}
	return jsonValue{}
}

// append writes the value as JSON.
func (v jsonValue) append(buf *bytes.Buffer) {
	switch v.field {
	case "numberValue":
		appendFloat(buf, v.num)
	case "boolValue":
		buf.WriteString(strconv.FormatBool(v.b))
	default:
		appendString(buf, v.text)
	}
}

// appendRawRow writes the cells of a row as a row of values for
// values.batchUpdate with valueInputOption RAW, under which Google stores
// a string as the text it is, never as a formula, number or date: null
// for an empty cell, which leaves it empty.
func appendRawRow(buf *bytes.Buffer, row []sheets.Cell) {
	buf.WriteByte('[')
	for i, cell := range row {
		if i > 0 {
			buf.WriteByte(',')
		}
		if v := valueOf(cell); v.field == "" || cell.Kind == sheets.Text && cell.Text == "" {
			buf.WriteString("null")
		} else {
			v.append(buf)
		}
	}
	buf.WriteByte(']')
}

// post sends body to the Sheets API method at path (after the
// spreadsheet's ID: ":batchUpdate", "/values:batchUpdate") through the
// client the library uses, and discards the reply.
func (g *Spreadsheet) post(ctx context.Context, path string, body []byte) error {
	resp, err := g.call(ctx, http.MethodPost, path, url.Values{}, body)
	if err != nil {
		return err
	}
	googleapi.CloseBody(resp)
	return nil
}

// call sends one request to the Sheets API about the spreadsheet, at
// path below it, with the query q and the JSON body, if any, through the
// client and endpoint the Sheets library uses, and returns the reply of a
// call that succeeded for the caller to read and close; a failed call is
// a *googleapi.Error, as the library returns it.
func (g *Spreadsheet) call(ctx context.Context, method, path string, q url.Values, body []byte) (*http.Response, error) {
	q.Set("alt", "json")
	q.Set("prettyPrint", "false")
	u := g.base + "v4/spreadsheets/" + url.PathEscape(g.id) + path + "?" + q.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", googleapi.UserAgent)
	resp, err := g.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if err := googleapi.CheckResponse(resp); err != nil {
		googleapi.CloseBody(resp)
		return nil, err
	}
	return resp, nil
}
