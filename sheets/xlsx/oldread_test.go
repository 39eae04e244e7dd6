package xlsx

// This file keeps the worksheet reader as it was before the hand-written
// scanner (scan.go): encoding/xml's tokens. TestScannerMatchesXMLReader
// reads workbooks with both and wants the same rows, cells and errors.

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
)

// sharedStrings returns the workbook's shared strings, read on first use.
func xmlSharedStrings(x *zipBook) ([]string, error) {
	var sst []string
	f, ok := x.part(x.sstPart)
	if x.sstPart == "" || !ok {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", x.sstPart, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return sst, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", x.sstPart, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			s, err := xmlRichText(d, "si")
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", x.sstPart, err)
			}
			sst = append(sst, s)
		}
	}
}

// richText reads up to the end of the element end (si, is): its text is
// that of its t elements, directly or in runs (r), without the phonetic
// guides (rPh).
func xmlRichText(d *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	inT, skip := false, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "rPh" || t.Name.Local == "phoneticPr":
				skip++
			case t.Name.Local == "t" && skip == 0:
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case end:
				return b.String(), nil
			case "rPh", "phoneticPr":
				skip--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT && skip == 0 {
				b.Write(t)
			}
		}
	}
}

// tab returns a RowReader over the tab named name.
func xmlTab(x *zipBook, name string) (*xmlTabReader, error) {
	r := &xmlTabReader{x: x, name: name}
	for _, t := range x.tabs {
		if t.name != name {
			continue
		}
		f, ok := x.part(t.part)
		if t.part == "" || !ok {
			return r, nil // no cells
		}
		areas, err := mergedAreas(f)
		if err != nil {
			return nil, err
		}
		r.merged = sheets.NewMerges(areas)
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		r.rc, r.d = rc, xml.NewDecoder(rc)
		return r, nil
	}
	return nil, fmt.Errorf("no tab %q", name)
}

// xmlTabReader is a RowReader over one tab, streaming its worksheet part.
type xmlTabReader struct {
	x    *zipBook
	name string
	rc   io.ReadCloser
	d    *xml.Decoder
	// colStyles are the styles of the columns (<cols>), which a cell with
	// no style of its own and no row style takes, as spreadsheets show it.
	colStyles []colStyle
	// hidden are the columns the tab hides, as ranges of one-based
	// columns.
	hidden []colStyle
	// merged fills in the cells of merged ranges (see [merged]).
	merged  *sheets.Merges
	row     int // the last row read
	sst     []string
	sstRead bool
	cells   []sheets.Cell
	text    []byte
	formula []byte
}

// columnHidden reports whether the tab hides the zero-based column i. The
// columns' widths and flags come before the cells, so this is known by
// the time the header row is read.
func (r *xmlTabReader) ColumnHidden(i int) bool {
	for _, h := range r.hidden {
		if h.min <= i+1 && i+1 <= h.max {
			return true
		}
	}
	return false
}

func (r *xmlTabReader) close() {
	if r.rc != nil {
		r.rc.Close()
	}
}

// Next returns the next row that has a value.
func (r *xmlTabReader) Next() (int, []sheets.Cell, error) {
	if r.d == nil {
		return 0, nil, io.EOF
	}
	for {
		tok, err := r.d.RawToken()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "col":
				r.addCol(t)
			case "row":
				n, err := r.rowNumber(t)
				if err != nil {
					return 0, nil, err
				}
				style, _ := strconv.Atoi(xmlAttrOld(t, "s"))
				cells, err := r.readRow(n, style)
				if err != nil {
					return 0, nil, fmt.Errorf("row %d: %w", n, err)
				}
				if len(cells) > 0 {
					cells = r.merged.Fill(n, cells)
					r.cells = cells
					return n, cells, nil
				}
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				r.d = nil
				return 0, nil, io.EOF
			}
		}
	}
}

// rowNumber returns the number of the row that starts with t: its r
// attribute, or the one after the last.
func (r *xmlTabReader) rowNumber(t xml.StartElement) (int, error) {
	n := r.row + 1
	if v := xmlAttrOld(t, "r"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return 0, fmt.Errorf("a row is numbered %q", v)
		}
	}
	switch {
	case n <= r.row:
		return 0, fmt.Errorf("row %d comes after row %d; the tab's rows are out of order", n, r.row)
	case n > maxSheetRows:
		return 0, fmt.Errorf("row %d is beyond the last row a spreadsheet has (%d)", n, maxSheetRows)
	}
	r.row = n
	return n, nil
}

// addCol notes the style of a range of columns (<col>), and whether they
// are hidden.
func (r *xmlTabReader) addCol(t xml.StartElement) {
	lo, err1 := strconv.Atoi(xmlAttrOld(t, "min"))
	hi, err2 := strconv.Atoi(xmlAttrOld(t, "max"))
	if err1 != nil || err2 != nil {
		return
	}
	if s, err := strconv.Atoi(xmlAttrOld(t, "style")); err == nil && s != 0 {
		r.colStyles = append(r.colStyles, colStyle{lo, hi, s})
	}
	if h := xmlAttrOld(t, "hidden"); h == "1" || strings.EqualFold(h, "true") {
		r.hidden = append(r.hidden, colStyle{min: lo, max: hi})
	}
}

// readRow reads the cells of row n up to its end. rowStyle is the row's
// own style, 0 for none.
func (r *xmlTabReader) readRow(n, rowStyle int) ([]sheets.Cell, error) {
	cells := r.cells[:0]
	col := 0
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col++
			if ref := xmlAttrOld(t, "r"); ref != "" {
				if col, err = refColumn(ref); err != nil {
					return nil, err
				}
			}
			if col > maxSheetCols {
				return nil, fmt.Errorf("cell %s is beyond the last column a spreadsheet has", xmlAttrOld(t, "r"))
			}
			c, err := r.readCell(t, col, rowStyle)
			if err != nil {
				return nil, fmt.Errorf("cell %s: %w", a1Cell(col, n), err)
			}
			if c.Kind == sheets.Empty {
				continue
			}
			for len(cells) < col-1 {
				cells = append(cells, sheets.Cell{})
			}
			if len(cells) >= col {
				return nil, fmt.Errorf("cell %s comes after a cell to its right", a1Cell(col, n))
			}
			cells = append(cells, c)
		case xml.EndElement:
			if t.Name.Local == "row" {
				r.cells = cells
				return cells, nil
			}
		}
	}
}

// readCell reads the cell that starts with t up to its end, and types it:
//
//   - a boolean (t="b") is Bool;
//   - a number (t="n" or none) is Number, with its style's format (a date,
//     a percentage, …), unless its value is not a decimal literal;
//   - a shared string, an inline string, a formula's string result, an ISO
//     date (t="d") and an error value (#N/A) are Text.
//
// A formula cell is read by its cached result.
func (r *xmlTabReader) readCell(t xml.StartElement, col, rowStyle int) (sheets.Cell, error) {
	kind := xmlAttrOld(t, "t")
	style := -1
	if s := xmlAttrOld(t, "s"); s != "" {
		style, _ = strconv.Atoi(s)
	}
	r.text, r.formula = r.text[:0], r.formula[:0]
	inline, inV, inF := "", false, false
	for done := false; !done; {
		tok, err := r.d.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return sheets.Cell{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				inV = true
			case "f":
				inF = true
			case "is":
				if inline, err = xmlRichText(r.d, "is"); err != nil {
					return sheets.Cell{}, err
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "f":
				inF = false
			case "c":
				done = true
			}
		case xml.CharData:
			switch {
			case inV:
				r.text = append(r.text, t...)
			case inF:
				r.formula = append(r.formula, t...)
			}
		}
	}
	v := string(r.text)
	switch kind {
	case "inlineStr":
		if inline == "" {
			return sheets.Cell{}, nil
		}
		return sheets.Cell{Kind: sheets.Text, Text: inline}, nil
	case "s":
		if v == "" {
			return sheets.Cell{}, nil
		}
		var err error
		if !r.sstRead {
			r.sst, err = xmlSharedStrings(r.x)
			r.sstRead = true
		}
		sst := r.sst
		if err != nil {
			return sheets.Cell{}, err
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(sst) {
			return sheets.Cell{}, fmt.Errorf("shared string %q does not exist", v)
		}
		if sst[i] == "" {
			return sheets.Cell{}, nil
		}
		return sheets.Cell{Kind: sheets.Text, Text: sst[i]}, nil
	}
	if v == "" {
		return sheets.Cell{}, nil
	}
	switch kind {
	case "b":
		if v == "1" || strings.EqualFold(v, "true") {
			return sheets.Cell{Kind: sheets.Bool, Text: "TRUE"}, nil
		}
		return sheets.Cell{Kind: sheets.Bool, Text: "FALSE"}, nil
	case "", "n":
		if !sheets.IsNumberLiteral(v) {
			return sheets.Cell{Kind: sheets.Text, Text: v}, nil
		}
		cf := r.format(style, col, rowStyle)
		c := sheets.Cell{Kind: sheets.Number, Text: v, Format: cf.format, Extra: cf.extra}
		if c.Format == sheets.FormatDate && r.x.date1904 {
			// Serial days of the 1904 date system start 1462 days later.
			if d, err := decimal.NewFromString(v); err == nil {
				c.Text = d.Add(decimal.NewFromInt(1462)).String()
			}
		}
		return r.withFormula(c), nil
	}
	return r.withFormula(sheets.Cell{Kind: sheets.Text, Text: v}), nil
}

// withFormula gives c the formula of the cell just read, if it has one of
// its own: a total row's amount is a formula over the rows above. A cell
// that shares another's formula (t="shared" with no text) keeps none; the
// formula written is the first cell's, with its references unshifted.
func (r *xmlTabReader) withFormula(c sheets.Cell) sheets.Cell {
	if len(r.formula) == 0 {
		return c
	}
	c.Extra = &sheets.CellExtra{Currency: c.Currency(), Formula: string(r.formula)}
	return c
}

// format is the number format of a number cell: its own style's, or when
// it has none its row's, or its column's.
func (r *xmlTabReader) format(style, col, rowStyle int) cellFormat {
	if style <= 0 {
		style = rowStyle
	}
	if style <= 0 {
		for _, cs := range r.colStyles {
			if cs.min <= col && col <= cs.max {
				style = cs.style
			}
		}
	}
	if style < 0 || style >= len(r.x.formats) {
		return cellFormat{}
	}
	return r.x.formats[style]
}

// xmlAttr returns the attribute of t named local, whatever its namespace.
func xmlAttrOld(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
