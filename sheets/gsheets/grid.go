package gsheets

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
)

// readGrids reads the cells of ranges with one spreadsheets.get, asking
// for fields, and decodes the reply as it arrives into the cells of each
// tab, by title. It goes through the same HTTP client and endpoint as the
// Sheets library, but the library would first decode the whole reply into
// its structs, about 500 bytes a cell, before a single cell could be used;
// here a cell costs what the table contract holds.
func (g *Spreadsheet) readGrids(ctx context.Context, ranges []string, fields string) (map[string]*gridReader, error) {
	resp, err := g.call(ctx, http.MethodGet, "", url.Values{"ranges": ranges, "fields": {fields}}, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	grids, err := decodeGrids(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the reply: %w", err)
	}
	return grids, nil
}

// decodeGrids decodes a spreadsheets.get reply asked for with cellFields:
// {"sheets":[{"properties":{"title":…},"data":[{"startRow":…,
// "rowData":[{"values":[cell…]}…],"columnMetadata":[…]}],"merges":[…]}]}.
// Members it does not know are skipped, in any order.
func decodeGrids(r io.Reader) (map[string]*gridReader, error) {
	d := json.NewDecoder(r)
	grids := map[string]*gridReader{}
	err := eachMember(d, func(key string) error {
		if key != "sheets" {
			return skip(d)
		}
		return eachElement(d, func() error {
			gr := &gridReader{hidden: map[int]bool{}, patterns: map[string]*sheets.CellExtra{}, strs: map[string]string{}}
			var title string
			var areas []sheets.MergedArea
			err := eachMember(d, func(key string) error {
				switch key {
				case "properties":
					var p struct {
						Title string `json:"title"`
					}
					if err := d.Decode(&p); err != nil {
						return err
					}
					title = p.Title
				case "merges":
					var ms []struct {
						StartRowIndex, EndRowIndex, StartColumnIndex, EndColumnIndex int
					}
					if err := d.Decode(&ms); err != nil {
						return err
					}
					for _, m := range ms {
						if m.EndRowIndex <= m.StartRowIndex || m.EndColumnIndex <= m.StartColumnIndex {
							continue
						}
						areas = append(areas, sheets.MergedArea{
							FirstRow: m.StartRowIndex + 1, LastRow: m.EndRowIndex,
							FirstCol: m.StartColumnIndex, LastCol: m.EndColumnIndex - 1,
						})
					}
				case "data":
					return eachElement(d, func() error { return gr.decodeData(d) })
				default:
					return skip(d)
				}
				return nil
			})
			if err != nil {
				return err
			}
			gr.merged = sheets.NewMerges(areas)
			gr.strs = nil
			grids[title] = gr
			return nil
		})
	})
	return grids, err
}

// apiCellJSON is a cell of the reply, as cellFields asks for it.
type apiCellJSON struct {
	EffectiveValue struct {
		NumberValue *float64 `json:"numberValue"`
		StringValue *string  `json:"stringValue"`
		BoolValue   *bool    `json:"boolValue"`
		ErrorValue  *struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"errorValue"`
	} `json:"effectiveValue"`
	UserEnteredValue struct {
		FormulaValue *string `json:"formulaValue"`
	} `json:"userEnteredValue"`
	EffectiveFormat struct {
		NumberFormat struct {
			Type    string `json:"type"`
			Pattern string `json:"pattern"`
		} `json:"numberFormat"`
	} `json:"effectiveFormat"`
}

// decodeData decodes one GridData of a tab into its rows.
func (r *gridReader) decodeData(d *json.Decoder) error {
	startRow, startCol := 0, 0
	var row struct {
		Values []apiCellJSON `json:"values"`
	}
	// Google sends startRow and startColumn first; should they come after
	// the rows, the rows read are moved into place at the end.
	first, usedRow, usedCol := len(r.rows), 0, 0
	err := eachMember(d, func(key string) error {
		switch key {
		case "startRow":
			return d.Decode(&startRow)
		case "startColumn":
			return d.Decode(&startCol)
		case "columnMetadata":
			var md []struct {
				HiddenByUser bool `json:"hiddenByUser"`
			}
			if err := d.Decode(&md); err != nil {
				return err
			}
			for i, m := range md {
				if m.HiddenByUser {
					r.hidden[startCol+i] = true
				}
			}
			return nil
		case "rowData":
			i := 0
			return eachElement(d, func() error {
				vals := row.Values[:cap(row.Values)]
				clear(vals)
				row.Values = vals[:0]
				if err := d.Decode(&row); err != nil {
					return err
				}
				cells := make([]sheets.Cell, startCol+len(row.Values))
				for j := range row.Values {
					cells[startCol+j] = r.jsonCell(&row.Values[j])
				}
				r.rows = append(r.rows, gridRow{num: startRow + i + 1, cells: cells})
				usedRow, usedCol = startRow, startCol
				i++
				return nil
			})
		}
		return skip(d)
	})
	if err != nil {
		return err
	}
	for k := first; k < len(r.rows); k++ {
		r.rows[k].num += startRow - usedRow
		if pad := startCol - usedCol; pad > 0 {
			r.rows[k].cells = append(make([]sheets.Cell, pad), r.rows[k].cells...)
		}
	}
	return nil
}

// jsonCell converts a cell of the reply, with the currency its number
// format's pattern shows and its formula.
func (r *gridReader) jsonCell(cd *apiCellJSON) sheets.Cell {
	v := &cd.EffectiveValue
	var c sheets.Cell
	switch {
	case v.NumberValue != nil:
		c = sheets.Cell{Kind: sheets.Number, Text: strconv.FormatFloat(*v.NumberValue, 'f', -1, 64), Format: sheets.FormatNone}
		switch cd.EffectiveFormat.NumberFormat.Type {
		case "DATE", "DATE_TIME":
			c.Format = sheets.FormatDate
		case "PERCENT":
			c.Format = sheets.FormatPercent
		case "CURRENCY":
			c.Format = sheets.FormatCurrency
		case "NUMBER", "SCIENTIFIC", "TEXT":
			c.Format = sheets.FormatNumber
		}
		if p := cd.EffectiveFormat.NumberFormat.Pattern; p != "" {
			extra, ok := r.patterns[p]
			if !ok {
				if cur := sheets.PatternCurrency(p); cur != "" {
					extra = &sheets.CellExtra{Currency: cur}
				}
				r.patterns[p] = extra
			}
			c.Extra = extra // shared by the cells of one pattern, never changed
		}
		if f := cd.UserEnteredValue.FormulaValue; f != nil {
			c.Extra = &sheets.CellExtra{Currency: c.Currency(), Formula: *f}
		}
		return c
	case v.StringValue != nil:
		return sheets.TextCell(r.intern(*v.StringValue))
	case v.BoolValue != nil:
		if *v.BoolValue {
			return sheets.Cell{Kind: sheets.Bool, Text: "TRUE"}
		}
		return sheets.Cell{Kind: sheets.Bool, Text: "FALSE"}
	case v.ErrorValue != nil:
		// A formula error (#REF!, #N/A) is shown as text, so the row's
		// issue names it.
		return sheets.TextCell("#" + strings.TrimPrefix(v.ErrorValue.Type, "#") + " " + v.ErrorValue.Message)
	}
	return sheets.Cell{}
}

// maxInterned bounds the distinct short texts a tab shares: plans,
// currencies and intervals repeat on every row, IDs do not.
const maxInterned = 1 << 16

// intern returns s, or an equal string read before, so that a text
// repeated on many rows is held once.
func (r *gridReader) intern(s string) string {
	if len(s) > 32 {
		return s
	}
	if t, ok := r.strs[s]; ok {
		return t
	}
	if len(r.strs) < maxInterned {
		r.strs[s] = s
	}
	return s
}

// eachMember calls fn with the key of each member of the object that
// comes next in d; fn must consume the member's value.
func eachMember(d *json.Decoder, fn func(key string) error) error {
	if err := expect(d, '{'); err != nil {
		return err
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("want an object key, got %v", tok)
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	_, err := d.Token() // '}'
	return err
}

// eachElement calls fn for each element of the array that comes next in
// d; fn must consume the element.
func eachElement(d *json.Decoder, fn func() error) error {
	if err := expect(d, '['); err != nil {
		return err
	}
	for d.More() {
		if err := fn(); err != nil {
			return err
		}
	}
	_, err := d.Token() // ']'
	return err
}

func expect(d *json.Decoder, delim json.Delim) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok != delim {
		return fmt.Errorf("want %q, got %v", delim, tok)
	}
	return nil
}

// skip consumes the value that comes next in d.
func skip(d *json.Decoder) error {
	var v json.RawMessage
	return d.Decode(&v)
}

// gridRow is a row of a tab: its number (from 1) and its cells.
type gridRow struct {
	num   int
	cells []sheets.Cell
}

// gridReader is a RowReader over the cells of one tab. It lets go of each
// row once read, fills in merged cells and knows which columns are hidden.
type gridReader struct {
	rows     []gridRow
	next     int
	merged   *sheets.Merges
	hidden   map[int]bool
	patterns map[string]*sheets.CellExtra // what each number format pattern shows, or nil
	strs     map[string]string            // short texts read, while decoding
}

// ColumnHidden reports whether the tab hides column i.
func (r *gridReader) ColumnHidden(i int) bool { return r.hidden[i] }

func (r *gridReader) Next() (int, []sheets.Cell, error) {
	if r.next >= len(r.rows) {
		return 0, nil, io.EOF
	}
	row := r.rows[r.next]
	r.rows[r.next] = gridRow{}
	r.next++
	return row.num, r.merged.Fill(row.num, row.cells), nil
}
