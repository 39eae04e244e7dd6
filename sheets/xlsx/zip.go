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
// format), the shared strings and then the tab's cells itself, the cells
// with the scanner of scan.go.

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
	sst      *sharedStrings
	sstErr   error
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

// sharedStrings are the workbook's shared strings, read once into one
// string: the i-th is all[ends[i-1]:ends[i]]. A cell that shows one takes a
// slice of all, so reading it allocates nothing.
type sharedStrings struct {
	all  string
	ends []int
}

// at returns the i-th shared string.
func (t *sharedStrings) at(i int) (string, bool) {
	if i < 0 || i >= len(t.ends) {
		return "", false
	}
	from := 0
	if i > 0 {
		from = t.ends[i-1]
	}
	return t.all[from:t.ends[i]], true
}

// sharedStrings returns the workbook's shared strings, read on first use.
func (x *zipBook) sharedStrings() (*sharedStrings, error) {
	if x.sstRead {
		return x.sst, x.sstErr
	}
	x.sstRead = true
	x.sst = &sharedStrings{}
	f, ok := x.part(x.sstPart)
	if x.sstPart == "" || !ok {
		return x.sst, nil
	}
	x.sst, x.sstErr = readSharedStrings(f)
	if x.sstErr != nil {
		x.sstErr = fmt.Errorf("read %s: %w", x.sstPart, x.sstErr)
	}
	return x.sst, x.sstErr
}

// readSharedStrings reads the shared strings part f.
func readSharedStrings(f *zip.File) (*sharedStrings, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var all []byte
	var ends []int
	for {
		tok, err := s.next()
		if err == io.EOF {
			return &sharedStrings{all: string(all), ends: ends}, nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case tok == tokStart && s.is("sst") && ends == nil:
			// The count of strings, to make room for them at once.
			if n, ok := atoiBytes(s.attr("uniqueCount")); ok && n <= int(f.UncompressedSize64/8) {
				ends = make([]int, 0, n)
			}
		case tok == tokStart && s.is("si"):
			if !s.empty {
				if all, err = richText(s, all, "si"); err != nil {
					return nil, err
				}
			}
			ends = append(ends, len(all))
		}
	}
}

// richText appends to dst the text of the element end (si, is) whose
// start tag was just read, reading up to its end tag: the text of its t
// elements, directly or in runs (r), without the phonetic guides (rPh).
func richText(s *xmlScanner, dst []byte, end string) ([]byte, error) {
	inT, skip := false, 0
	for {
		tok, err := s.next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch tok {
		case tokStart:
			switch {
			case s.empty: // <t/>, <rPh/>: nothing in them
			case s.is("rPh") || s.is("phoneticPr"):
				skip++
			case s.is("t") && skip == 0:
				inT = true
			}
		case tokEnd:
			switch {
			case s.is(end):
				return dst, nil
			case s.is("rPh") || s.is("phoneticPr"):
				skip--
			case s.is("t"):
				inT = false
			}
		case tokText:
			if inT && skip == 0 {
				if dst, err = appendText(dst, s.text); err != nil {
					return nil, s.syntax(s.pos, err.Error())
				}
			}
		case tokCDATA:
			if inT && skip == 0 {
				dst = appendCDATA(dst, s.text)
			}
		}
	}
}

// tab returns a RowReader over the tab named name. The tab's merged
// ranges are read first (see [mergedAreas]).
func (x *zipBook) tab(name string) (*tabReader, error) {
	return x.tabMerged(name, nil, false)
}

// tabMerged returns a RowReader over the tab named name. With late, the
// merged ranges are not read first: the reader fills in none, and notes
// the ones the tab has as it reads past its cells (see
// [tabReader.mergedLate]); otherwise areas, when not nil, are the tab's,
// or they are read first.
func (x *zipBook) tabMerged(name string, areas []sheets.MergedArea, late bool) (*tabReader, error) {
	r := &tabReader{x: x, name: name}
	for _, t := range x.tabs {
		if t.name != name {
			continue
		}
		f, ok := x.part(t.part)
		if t.part == "" || !ok {
			return r, nil // no cells
		}
		if areas == nil && !late {
			var err error
			if areas, err = mergedAreas(f); err != nil {
				return nil, err
			}
		}
		r.merged, r.late = sheets.NewMerges(areas), late
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		if f.UncompressedSize64 >= prefetchMin {
			rc = prefetch(rc)
		}
		r.rc, r.s = rc, newXMLScanner(rc)
		return r, nil
	}
	return nil, fmt.Errorf("no tab %q", name)
}

// mergedLate returns the merged ranges of a tab read with late (see
// [zipBook.tabMerged]), reading the rest of its part if the rows were not
// all read.
func (r *tabReader) mergedLate() ([]sheets.MergedArea, error) {
	for r.s != nil {
		if _, _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
	}
	return r.lateAreas, nil
}

// readLateMerges reads the rest of the part after its cells, noting its
// merged ranges.
func (r *tabReader) readLateMerges() error {
	for {
		tok, err := r.s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if tok == tokStart && r.s.is("mergeCell") {
			if a, ok := mergedRef(attrString(r.s.attr("ref"))); ok {
				r.lateAreas = append(r.lateAreas, a)
			}
		}
	}
}

// tabReader is a RowReader over one tab, streaming its worksheet part
// through an [xmlScanner]: one pass over the bytes, each cell typed from
// its own element's attributes (r, s, t) and its value, with no allocation
// for a cell but the text it keeps (and none for a shared string, or a
// text seen before).
type tabReader struct {
	x    *zipBook
	name string
	rc   io.ReadCloser
	s    *xmlScanner // nil once the cells are read
	// colStyles are the styles of the columns (<cols>), which a cell with
	// no style of its own and no row style takes, as spreadsheets show it.
	colStyles []colStyle
	// hidden are the columns the tab hides, as ranges of one-based
	// columns.
	hidden []colStyle
	// merged fills in the cells of merged ranges (see [merged]).
	merged *sheets.Merges
	// late tells that the merged ranges were not read first: lateAreas
	// are the ones found after the cells.
	late      bool
	lateAreas []sheets.MergedArea
	row       int // the last row read
	cells     []sheets.Cell
	text      []byte
	formula   []byte
	inline    []byte
	// seen holds texts read lately (numbers' literals, a column's
	// repeated words), by a hash of their bytes, so that reading one
	// again allocates nothing.
	seen *[seenSlots]string
}

// seenSlots is how many texts a tabReader remembers.
const seenSlots = 1 << 12

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
	if r.s == nil {
		return 0, nil, io.EOF
	}
	for {
		tok, err := r.s.next()
		if err != nil {
			if err == io.EOF {
				r.s = nil
			}
			return 0, nil, err // io.EOF at the end
		}
		switch tok {
		case tokStart:
			switch {
			case r.s.is("col"):
				r.addCol()
			case r.s.is("row"):
				n, err := r.rowNumber()
				if err != nil {
					return 0, nil, err
				}
				if r.s.empty {
					continue
				}
				style := attrInt(r.s.attr("s"))
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
		case tokEnd:
			if r.s.is("sheetData") {
				if r.late {
					if err := r.readLateMerges(); err != nil {
						return 0, nil, err
					}
				}
				r.s = nil
				return 0, nil, io.EOF
			}
		}
	}
}

// attrInt reads an attribute's integer, 0 when it is not one.
func attrInt(v []byte) int {
	if n, ok := atoiBytes(v); ok {
		return n
	}
	n, _ := strconv.Atoi(attrString(v))
	return n
}

// attrString is an attribute's value, unescaped.
func attrString(v []byte) string {
	if bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	u, err := appendText(nil, v)
	if err != nil {
		return string(v)
	}
	return string(u)
}

// rowNumber returns the number of the row whose start tag was just read:
// its r attribute, or the one after the last.
func (r *tabReader) rowNumber() (int, error) {
	n := r.row + 1
	if v := r.s.attr("r"); len(v) > 0 {
		var ok bool
		if n, ok = atoiBytes(v); !ok {
			var err error
			if n, err = strconv.Atoi(attrString(v)); err != nil || n < 1 {
				return 0, fmt.Errorf("a row is numbered %q", attrString(v))
			}
		}
		if n < 1 {
			return 0, fmt.Errorf("a row is numbered %q", attrString(v))
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
func (r *tabReader) addCol() {
	lo, err1 := strconv.Atoi(attrString(r.s.attr("min")))
	hi, err2 := strconv.Atoi(attrString(r.s.attr("max")))
	if err1 != nil || err2 != nil {
		return
	}
	if s, err := strconv.Atoi(attrString(r.s.attr("style"))); err == nil && s != 0 {
		r.colStyles = append(r.colStyles, colStyle{lo, hi, s})
	}
	if h := attrString(r.s.attr("hidden")); h == "1" || strings.EqualFold(h, "true") {
		r.hidden = append(r.hidden, colStyle{min: lo, max: hi})
	}
}

// readRow reads the cells of row n up to its end. rowStyle is the row's
// own style, 0 for none.
func (r *tabReader) readRow(n, rowStyle int) ([]sheets.Cell, error) {
	cells := r.cells[:0]
	col := 0
	for {
		tok, err := r.s.next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch tok {
		case tokStart:
			if !r.s.is("c") {
				continue
			}
			// The tag's attributes, read before the scanner moves on.
			var ref, kind, style []byte
			for i := 0; ; {
				name, value, next, ok := nextAttr(r.s.attrs, i)
				if !ok {
					break
				}
				switch string(name) {
				case "r":
					if ref == nil {
						ref = value
					}
				case "t":
					if kind == nil {
						kind = value
					}
				case "s":
					if style == nil {
						style = value
					}
				}
				i = next
			}
			col++
			if len(ref) > 0 {
				var ok bool
				if col, ok = refColumnBytes(ref); !ok {
					if col, err = refColumn(attrString(ref)); err != nil {
						return nil, err
					}
				}
			}
			if col > maxSheetCols {
				return nil, fmt.Errorf("cell %s is beyond the last column a spreadsheet has", attrString(ref))
			}
			st := -1
			if len(style) > 0 {
				st = attrInt(style)
			}
			c, err := r.readCell(cellKind(kind), st, col, rowStyle)
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
		case tokEnd:
			if r.s.is("row") {
				r.cells = cells
				return cells, nil
			}
		}
	}
}

// cellKind is a cell's t attribute, without allocating for the ones
// spreadsheets write.
func cellKind(t []byte) string {
	switch string(t) {
	case "":
		return ""
	case "n":
		return "n"
	case "s":
		return "s"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return attrString(t)
}

// refColumnBytes returns the column of a well-formed cell reference such
// as "AB12"; ok is false for anything else, which [refColumn] explains.
func refColumnBytes(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i]
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A') + 1
	}
	if col == 0 || col > maxSheetCols || i == len(ref) {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return col, true
}

// readCell reads the cell whose start tag was just read up to its end, and
// types it by its t attribute, kind:
//
//   - a boolean (t="b") is Bool;
//   - a number (t="n" or none) is Number, with its style's format (a date,
//     a percentage, …), unless its value is not a decimal literal;
//   - a shared string, an inline string, a formula's string result, an ISO
//     date (t="d") and an error value (#N/A) are Text.
//
// style is the cell's s attribute, -1 when it has none. A formula cell is
// read by its cached result.
func (r *tabReader) readCell(kind string, style, col, rowStyle int) (sheets.Cell, error) {
	r.text, r.formula, r.inline = r.text[:0], r.formula[:0], r.inline[:0]
	done := r.s.empty
	if !done {
		// The common shapes first: a value, or an inline string.
		var err error
		if v, ok := r.s.simple("<v>", "</v></c>"); ok {
			r.text, err = appendText(r.text, v)
			done = true
		} else if v, ok := r.s.simple("<is><t>", "</t></is></c>"); ok {
			r.inline, err = appendText(r.inline, v)
			done = true
		}
		if err != nil {
			return sheets.Cell{}, r.s.syntax(r.s.pos, err.Error())
		}
	}
	for inV, inF := false, false; !done; {
		tok, err := r.s.next()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return sheets.Cell{}, err
		}
		switch tok {
		case tokStart:
			switch {
			case r.s.empty: // <v/>, <f t="shared" si="0"/>: nothing in them
			case r.s.is("v"):
				inV = true
			case r.s.is("f"):
				inF = true
			case r.s.is("is"):
				if r.inline, err = richText(r.s, r.inline[:0], "is"); err != nil {
					return sheets.Cell{}, err
				}
			}
		case tokEnd:
			switch {
			case r.s.is("v"):
				inV = false
			case r.s.is("f"):
				inF = false
			case r.s.is("c"):
				done = true
			}
		case tokText:
			switch {
			case inV:
				r.text, err = appendText(r.text, r.s.text)
			case inF:
				r.formula, err = appendText(r.formula, r.s.text)
			}
			if err != nil {
				return sheets.Cell{}, r.s.syntax(r.s.pos, err.Error())
			}
		case tokCDATA:
			switch {
			case inV:
				r.text = appendCDATA(r.text, r.s.text)
			case inF:
				r.formula = appendCDATA(r.formula, r.s.text)
			}
		}
	}
	switch kind {
	case "inlineStr":
		if len(r.inline) == 0 {
			return sheets.Cell{}, nil
		}
		return sheets.Cell{Kind: sheets.Text, Text: r.str(r.inline)}, nil
	case "s":
		if len(r.text) == 0 {
			return sheets.Cell{}, nil
		}
		sst, err := r.x.sharedStrings()
		if err != nil {
			return sheets.Cell{}, err
		}
		i, ok := atoiBytes(r.text)
		if !ok {
			i = -1
			if n, err := strconv.Atoi(string(r.text)); err == nil {
				i = n
			}
		}
		s, ok := sst.at(i)
		if !ok {
			return sheets.Cell{}, fmt.Errorf("shared string %q does not exist", r.text)
		}
		if s == "" {
			return sheets.Cell{}, nil
		}
		return sheets.Cell{Kind: sheets.Text, Text: s}, nil
	}
	if len(r.text) == 0 {
		return sheets.Cell{}, nil
	}
	switch kind {
	case "b":
		if v := r.text; string(v) == "1" || strings.EqualFold(string(v), "true") {
			return sheets.Cell{Kind: sheets.Bool, Text: "TRUE"}, nil
		}
		return sheets.Cell{Kind: sheets.Bool, Text: "FALSE"}, nil
	case "", "n":
		v := r.str(r.text)
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
	return r.withFormula(sheets.Cell{Kind: sheets.Text, Text: r.str(r.text)}), nil
}

// str returns b as a string, the one read lately when there was one.
func (r *tabReader) str(b []byte) string {
	if len(b) > 24 {
		return string(b)
	}
	if r.seen == nil {
		r.seen = new([seenSlots]string)
	}
	// FNV-1a.
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &r.seen[h%seenSlots]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

// appendCDATA appends a CDATA section's text, its line ends made \n.
func appendCDATA(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(append(dst, b[:i]...), '\n')
		b = b[i+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
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
