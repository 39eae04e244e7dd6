package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
)

// This file reads a .xlsx workbook the way a source must be read: a row at
// a time, straight from the zip, with memory that does not grow with the
// size of the tab. excelize parses a whole worksheet into memory as soon
// as a cell's type or style is asked for, about twenty times the size of
// its XML (1.3 GB for 100k subscriptions), so the reader does not use it:
// it reads the workbook part (the tabs), the styles (each style's number
// format), the shared strings and then the tab's cells itself.

// Limits of a spreadsheet, as Excel and Google Sheets have them.
const (
	maxSheetRows = 1 << 20 // 1,048,576
	maxSheetCols = 1 << 14 // 16,384, column XFD
)

// xlsx is a workbook opened for reading.
type zipBook struct {
	path     string
	zr       *zip.ReadCloser
	parts    map[string]*zip.File // by name, and lower-cased
	tabs     []zipTab
	date1904 bool
	formats  []cellFormat // by style index
	sstPart  string
	sst      []string
	sstRead  bool
}

// xlsxTab is a tab of the workbook and the part that holds it.
type zipTab struct {
	name, part string
	hidden     bool
}

// openXLSX opens the workbook at path for reading, within the unpacking
// limit (see [unpackLimit]): its size is checked from the zip's directory
// before anything is unpacked.
func openZip(path string) (*zipBook, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: not a .xlsx workbook: %w", path, err)
	}
	x := &zipBook{path: path, zr: zr, parts: make(map[string]*zip.File, len(zr.File))}
	if err := checkZipSize(path, info.Size(), &zr.Reader); err != nil {
		zr.Close()
		return nil, err
	}
	for _, f := range zr.File {
		name := strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/")
		x.parts[name] = f
		if _, ok := x.parts[strings.ToLower(name)]; !ok {
			x.parts[strings.ToLower(name)] = f
		}
	}
	if err := x.readBook(); err != nil {
		zr.Close()
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	return x, nil
}

// Close closes the file.
func (x *zipBook) Close() error { return x.zr.Close() }

// tabNames returns the names of the tabs, in order.
func (x *zipBook) tabNames() []string {
	names := make([]string, len(x.tabs))
	for i, t := range x.tabs {
		names[i] = t.name
	}
	return names
}

// part returns the zip entry of a part, matched exactly or ignoring case.
func (x *zipBook) part(name string) (*zip.File, bool) {
	if f, ok := x.parts[name]; ok {
		return f, true
	}
	f, ok := x.parts[strings.ToLower(name)]
	return f, ok
}

// decodePart unmarshals a small part (the workbook, its relationships,
// the styles) into v. A part that is absent leaves v as it is.
func (x *zipBook) decodePart(name string, v any) error {
	f, ok := x.part(name)
	if !ok {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// xmlRels is a relationships part.
type xmlRels struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// rels returns the internal relationships of part ("" for the package's).
func (x *zipBook) rels(part string) ([]rel, error) {
	var doc xmlRels
	if err := x.decodePart(relsName(part), &doc); err != nil {
		return nil, err
	}
	var out []rel
	for _, r := range doc.Rels {
		if !strings.EqualFold(r.TargetMode, "External") {
			out = append(out, rel{ID: r.ID, Type: r.Type, Target: resolvePart(part, r.Target)})
		}
	}
	return out, nil
}

// Relationship types the reader follows, by the end of their URIs.
const (
	relTypeWorksheet     = "/worksheet"
	relTypeSharedStrings = "/sharedStrings"
	relTypeStyles        = "/styles"
)

// readBook reads the tabs, the date system and the styles.
func (x *zipBook) readBook() error {
	root, err := x.rels("")
	if err != nil {
		return err
	}
	book := ""
	for _, r := range root {
		if strings.HasSuffix(r.Type, relTypeOfficeDocument) {
			book = r.Target
		}
	}
	if book == "" {
		return errors.New("the package has no workbook part")
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			RID   string `xml:"id,attr"`
			State string `xml:"state,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := x.decodePart(book, &wb); err != nil {
		return err
	}
	x.date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	rels, err := x.rels(book)
	if err != nil {
		return err
	}
	targets := make(map[string]string, len(rels))
	styles := ""
	for _, r := range rels {
		switch {
		case strings.HasSuffix(r.Type, relTypeWorksheet):
			targets[r.ID] = r.Target
		case strings.HasSuffix(r.Type, relTypeSharedStrings):
			x.sstPart = r.Target
		case strings.HasSuffix(r.Type, relTypeStyles):
			styles = r.Target
		}
	}
	for _, s := range wb.Sheets {
		// A chart sheet or a dialog sheet has no cells; it is listed with
		// no part, and reading it finds no rows.
		x.tabs = append(x.tabs, zipTab{name: s.Name, part: targets[s.RID], hidden: s.State == "hidden" || s.State == "veryHidden"})
	}
	if styles != "" {
		return x.readStyles(styles)
	}
	return nil
}

// readStyles reads the number format of each cell style.
func (x *zipBook) readStyles(part string) error {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := x.decodePart(part, &st); err != nil {
		return err
	}
	custom := make(map[int]string, len(st.NumFmts))
	for _, n := range st.NumFmts {
		custom[n.ID] = n.Code
	}
	x.formats = make([]cellFormat, len(st.Xfs))
	extras := make(map[string]*sheets.CellExtra)
	for i, xf := range st.Xfs {
		code, ok := custom[xf.NumFmtID]
		if !ok {
			x.formats[i].format = builtinFormat(xf.NumFmtID)
			continue
		}
		x.formats[i].format = customFormat(code)
		if cur := sheets.PatternCurrency(code); cur != "" {
			if extras[cur] == nil {
				extras[cur] = &sheets.CellExtra{Currency: cur}
			}
			x.formats[i].extra = extras[cur]
		}
	}
	return nil
}

// cellFormat is what a style's number format says of a number: its Format
// and the currency it shows (see [CellExtra]), nil for none. The CellExtra
// is shared by every cell of the style and never changed.
type cellFormat struct {
	format sheets.Format
	extra  *sheets.CellExtra
}

// sharedStrings returns the workbook's shared strings, read on first use.
func (x *zipBook) sharedStrings() ([]string, error) {
	if x.sstRead {
		return x.sst, nil
	}
	x.sstRead = true
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
			return x.sst, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", x.sstPart, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			s, err := richText(d, "si")
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", x.sstPart, err)
			}
			x.sst = append(x.sst, s)
		}
	}
}

// richText reads up to the end of the element end (si, is): its text is
// that of its t elements, directly or in runs (r), without the phonetic
// guides (rPh).
func richText(d *xml.Decoder, end string) (string, error) {
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
func (x *zipBook) tab(name string) (*tabReader, error) {
	r := &tabReader{x: x, name: name}
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

// tabReader is a RowReader over one tab, streaming its worksheet part.
type tabReader struct {
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
	cells   []sheets.Cell
	text    []byte
	formula []byte
}

// colStyle is a style, or a hidden flag, of the one-based columns min
// through max.
type colStyle struct{ min, max, style int }

// columnHidden reports whether the tab hides the zero-based column i. The
// columns' widths and flags come before the cells, so this is known by
// the time the header row is read.
func (r *tabReader) ColumnHidden(i int) bool {
	for _, h := range r.hidden {
		if h.min <= i+1 && i+1 <= h.max {
			return true
		}
	}
	return false
}

func (r *tabReader) close() {
	if r.rc != nil {
		r.rc.Close()
	}
}

// Next returns the next row that has a value.
func (r *tabReader) Next() (int, []sheets.Cell, error) {
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
				style, _ := strconv.Atoi(xmlAttr(t, "s"))
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
func (r *tabReader) rowNumber(t xml.StartElement) (int, error) {
	n := r.row + 1
	if v := xmlAttr(t, "r"); v != "" {
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
func (r *tabReader) addCol(t xml.StartElement) {
	lo, err1 := strconv.Atoi(xmlAttr(t, "min"))
	hi, err2 := strconv.Atoi(xmlAttr(t, "max"))
	if err1 != nil || err2 != nil {
		return
	}
	if s, err := strconv.Atoi(xmlAttr(t, "style")); err == nil && s != 0 {
		r.colStyles = append(r.colStyles, colStyle{lo, hi, s})
	}
	if h := xmlAttr(t, "hidden"); h == "1" || strings.EqualFold(h, "true") {
		r.hidden = append(r.hidden, colStyle{min: lo, max: hi})
	}
}

// readRow reads the cells of row n up to its end. rowStyle is the row's
// own style, 0 for none.
func (r *tabReader) readRow(n, rowStyle int) ([]sheets.Cell, error) {
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
			if ref := xmlAttr(t, "r"); ref != "" {
				if col, err = refColumn(ref); err != nil {
					return nil, err
				}
			}
			if col > maxSheetCols {
				return nil, fmt.Errorf("cell %s is beyond the last column a spreadsheet has", xmlAttr(t, "r"))
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
func (r *tabReader) readCell(t xml.StartElement, col, rowStyle int) (sheets.Cell, error) {
	kind := xmlAttr(t, "t")
	style := -1
	if s := xmlAttr(t, "s"); s != "" {
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
				if inline, err = richText(r.d, "is"); err != nil {
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
		sst, err := r.x.sharedStrings()
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
func (r *tabReader) withFormula(c sheets.Cell) sheets.Cell {
	if len(r.formula) == 0 {
		return c
	}
	c.Extra = &sheets.CellExtra{Currency: c.Currency(), Formula: string(r.formula)}
	return c
}

// format is the number format of a number cell: its own style's, or when
// it has none its row's, or its column's.
func (r *tabReader) format(style, col, rowStyle int) cellFormat {
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
func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// refColumn returns the column of a cell reference such as "AB12".
func refColumn(ref string) (int, error) {
	col := 0
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a') + 1
		default:
			goto digits
		}
		if col > maxSheetCols {
			return 0, fmt.Errorf("cell %q is beyond the last column a spreadsheet has", ref)
		}
	}
digits:
	if col == 0 || i == len(ref) || strings.Trim(ref[i:], "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a cell reference", ref)
	}
	return col, nil
}

// a1Cell is the A1 name of a cell.
func a1Cell(col, row int) string {
	return sheets.ColumnLetter(col-1) + strconv.Itoa(row)
}

// checkZipSize refuses a workbook whose parts, as its zip directory
// declares them, add up to more than unpackLimit allows. Reading a part
// never yields more than its declared size (archive/zip fails the read),
// so the directory settles it before anything is unpacked.
func checkZipSize(path string, size int64, zr *zip.Reader) error {
	limit := unpackLimit(size)
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) || f.UncompressedSize64 > uint64(limit) {
			return fmt.Errorf("workbook %s: it unpacks to more than %d MB, the most mrrbot reads from a workbook "+
				"of %s (a zip bomb does that, a genuine workbook rarely); mrrbot does not read it. If it is genuine, "+
				"delete the tabs it does not need, or save the subscriptions tab as CSV and read that with --input: %w",
				path, limit>>20, bytesText(size), ErrTooLarge)
		}
	}
	return nil
}

// mergedAreas returns the merged ranges of the worksheet part f. They come
// after the cells in the part (<mergeCells>), and the rows they cover must
// be filled in as they stream, so the part is read through once first;
// only the bytes are searched, which costs little beside the XML parse.
func mergedAreas(f *zip.File) ([]sheets.MergedArea, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	const tag = "mergeCell "
	var areas []sheets.MergedArea
	buf := make([]byte, 256<<10)
	keep := 0 // bytes carried over from the last read
	for {
		n, err := io.ReadFull(rc, buf[keep:])
		data := buf[:keep+n]
		last := err != nil
		for {
			i := bytes.Index(data, []byte(tag))
			if i < 0 {
				break
			}
			end := bytes.IndexByte(data[i:], '>')
			if end < 0 {
				break // the element goes on in the next read
			}
			if i > 0 && (data[i-1] == '<' || data[i-1] == ':') {
				if a, ok := mergedRef(xmlAttrBytes(data[i:i+end], "ref")); ok {
					areas = append(areas, a)
				}
			}
			data = data[i+end:]
		}
		if last {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return areas, nil
			}
			return nil, err
		}
		// Carry over a tail that may hold the start of a tag.
		keep = min(len(data), 512)
		copy(buf, data[len(data)-keep:])
	}
}

// xmlAttrBytes returns the value of the attribute name in the start of an
// element, b, or "".
func xmlAttrBytes(b []byte, name string) string {
	i := bytes.Index(b, []byte(" "+name+"="))
	if i < 0 || i+len(name)+3 > len(b) {
		return ""
	}
	rest := b[i+len(name)+2:]
	q := rest[0]
	if q != '"' && q != '\'' {
		return ""
	}
	j := bytes.IndexByte(rest[1:], q)
	if j < 0 {
		return ""
	}
	return string(rest[1 : 1+j])
}

// mergedRef reads a merged range such as "A2:A4".
func mergedRef(ref string) (sheets.MergedArea, bool) {
	from, to, ok := strings.Cut(ref, ":")
	if !ok {
		return sheets.MergedArea{}, false
	}
	c0, r0, ok0 := splitRef(from)
	c1, r1, ok1 := splitRef(to)
	if !ok0 || !ok1 || r1 < r0 || c1 < c0 {
		return sheets.MergedArea{}, false
	}
	return sheets.MergedArea{FirstRow: r0, LastRow: r1, FirstCol: c0 - 1, LastCol: c1 - 1}, true
}

// splitRef splits a cell reference such as "AB12" into its one-based
// column and row.
func splitRef(ref string) (col, row int, ok bool) {
	col, err := refColumn(ref)
	if err != nil {
		return 0, 0, false
	}
	i := strings.IndexAny(ref, "0123456789")
	row, err = strconv.Atoi(ref[i:])
	if err != nil || row < 1 || row > maxSheetRows {
		return 0, 0, false
	}
	return col, row, true
}
