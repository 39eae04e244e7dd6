package sheetstest

import (
	"cmp"
	"encoding/json"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"

	sheets "google.golang.org/api/sheets/v4"
)

// Limits and defaults of Google Sheets that the server enforces.
const (
	// DefaultRows and DefaultColumns are the grid of a new tab.
	DefaultRows    = 1000
	DefaultColumns = 26
	// MaxCells is the most cells a spreadsheet may have, over all tabs.
	MaxCells = 10_000_000
	// MaxPayload is the largest request body Google accepts, in bytes.
	MaxPayload = 10 << 20

	defaultRowPixels    = 21
	defaultColumnPixels = 100
)

// book is the state of one spreadsheet. The server keeps the committed
// book; a write works on a clone and replaces the committed one only when
// every part of it succeeded.
//
// Stored cells are never changed in place: a write builds a new row slice
// and new *sheets.CellData values, so a clone shares the cells and copies
// only the slices that hold them.
type book struct {
	id        string
	props     *sheets.SpreadsheetProperties
	metadata  []*sheets.DeveloperMetadata // located on the spreadsheet
	tabs      []*tab                      // in index order
	forbidden bool
	office    bool   // an Office file in Drive: see Server.SetOfficeFile
	maxCells  int64  // its cell limit, 0 for MaxCells: see Server.SetMaxCells
	seq       uint64 // drives the generated IDs

	// formats interns the cell formats stored, by their JSON, so that
	// cells formatted alike share one *sheets.CellFormat and rendering and
	// masked updates work once per format rather than once per cell. A
	// clone shares it: it only ever gains immutable entries.
	formats map[string]*sheets.CellFormat
}

// tab is one sheet of a book.
type tab struct {
	props     *sheets.SheetProperties
	rows      [][]*sheets.CellData // rows[r][c]; nil is an empty cell; no longer than the grid
	rowProps  map[int64]*sheets.DimensionProperties
	colProps  map[int64]*sheets.DimensionProperties
	charts    []*sheets.EmbeddedChart
	protected []*sheets.ProtectedRange
	filter    *sheets.BasicFilter
	metadata  []*sheets.DeveloperMetadata     // located on the sheet
	rules     []*sheets.ConditionalFormatRule // conditional formats, in priority order
	merges    []*sheets.GridRange             // merged ranges
}

func newBook(id, title, locale string) *book {
	if locale == "" {
		locale = "en_US"
	}
	return &book{
		id:      id,
		formats: map[string]*sheets.CellFormat{},
		props: &sheets.SpreadsheetProperties{
			Title:         title,
			Locale:        locale,
			AutoRecalc:    "ON_CHANGE",
			TimeZone:      "Etc/GMT",
			DefaultFormat: defaultCellFormat(),
		},
	}
}

// defaultCellFormat is the default format of a new spreadsheet, as
// spreadsheets.get reports it.
func defaultCellFormat() *sheets.CellFormat {
	white := func() *sheets.Color { return &sheets.Color{Red: 1, Green: 1, Blue: 1} }
	return &sheets.CellFormat{
		BackgroundColor:      white(),
		BackgroundColorStyle: &sheets.ColorStyle{RgbColor: white()},
		Padding:              &sheets.Padding{Top: 2, Right: 3, Bottom: 2, Left: 3},
		VerticalAlignment:    "BOTTOM",
		WrapStrategy:         "OVERFLOW_CELL",
		HyperlinkDisplayType: "PLAIN_TEXT",
		TextFormat: &sheets.TextFormat{
			ForegroundColor:      &sheets.Color{},
			ForegroundColorStyle: &sheets.ColorStyle{RgbColor: &sheets.Color{}},
			FontFamily:           "arial,sans,sans-serif",
			FontSize:             10,
			ForceSendFields:      []string{"Bold", "Italic", "Strikethrough", "Underline"},
		},
	}
}

func (b *book) clone() *book {
	c := *b
	c.props = clone(b.props)
	c.metadata = cloneAll(b.metadata)
	c.tabs = make([]*tab, len(b.tabs))
	for i, t := range b.tabs {
		c.tabs[i] = t.clone()
	}
	return &c
}

func (t *tab) clone() *tab {
	return &tab{
		props:     clone(t.props),
		rows:      slices.Clone(t.rows),
		rowProps:  maps.Clone(t.rowProps),
		colProps:  maps.Clone(t.colProps),
		charts:    cloneAll(t.charts),
		protected: cloneAll(t.protected),
		filter:    clone(t.filter),
		metadata:  cloneAll(t.metadata),
		rules:     cloneAll(t.rules),
		merges:    cloneAll(t.merges),
	}
}

func cloneAll[T any](s []*T) []*T {
	if s == nil {
		return nil
	}
	out := make([]*T, len(s))
	for i, v := range s {
		out[i] = clone(v)
	}
	return out
}

// grid returns the tab's grid size; a chart sheet has none.
func (t *tab) grid() (rows, cols int64) {
	if gp := t.props.GridProperties; gp != nil {
		return gp.RowCount, gp.ColumnCount
	}
	return 0, 0
}

func (t *tab) isGrid() bool { return t.props.SheetType == "" || t.props.SheetType == "GRID" }

func (t *tab) title() string { return t.props.Title }

// rowForWrite installs and returns a private copy of row r that is at
// least n cells long.
func (t *tab) rowForWrite(r, n int64) []*sheets.CellData {
	for int64(len(t.rows)) <= r {
		t.rows = append(t.rows, nil)
	}
	old := t.rows[r]
	row := make([]*sheets.CellData, max(int64(len(old)), n))
	copy(row, old)
	t.rows[r] = row
	return row
}

// resize sets the grid size and drops the cells that fall outside it, and
// the parts of conditional format rules.
func (t *tab) resize(rows, cols int64) {
	gp := t.props.GridProperties
	t.shrinkRules(rows, cols)
	gp.RowCount, gp.ColumnCount = rows, cols
	if int64(len(t.rows)) > rows {
		t.rows = t.rows[:rows:rows]
	}
	for r, row := range t.rows {
		if int64(len(row)) > cols {
			t.rows[r] = row[:cols:cols]
		}
	}
	for i := range t.rowProps {
		if i >= rows {
			delete(t.rowProps, i)
		}
	}
	for i := range t.colProps {
		if i >= cols {
			delete(t.colProps, i)
		}
	}
}

func (b *book) tabByID(id int64) *tab {
	for _, t := range b.tabs {
		if t.props.SheetId == id {
			return t
		}
	}
	return nil
}

// tabByTitle finds a tab by its title; like Sheets, it ignores case when
// no title matches exactly.
func (b *book) tabByTitle(title string) *tab {
	for _, t := range b.tabs {
		if t.title() == title {
			return t
		}
	}
	for _, t := range b.tabs {
		if strings.EqualFold(t.title(), title) {
			return t
		}
	}
	return nil
}

// sheetNotFound is Google's answer to a sheetId that no tab has.
func sheetNotFound(id int64) *apiError { return invalid("No grid with id: %d", id) }

// gridTab finds a tab with a grid by its ID.
func (b *book) gridTab(id int64) (*tab, *apiError) {
	t := b.tabByID(id)
	if t == nil || !t.isGrid() {
		return nil, sheetNotFound(id)
	}
	return t, nil
}

// reindex writes each tab's position into its properties.
func (b *book) reindex() {
	for i, t := range b.tabs {
		t.props.Index = int64(i)
	}
}

func (b *book) cellCount() int64 {
	var n int64
	for _, t := range b.tabs {
		r, c := t.grid()
		n += r * c
	}
	return n
}

// checkCells refuses a book over Google's cell limit.
func (b *book) checkCells() *apiError {
	limit := cmp.Or(b.maxCells, MaxCells)
	if b.cellCount() > limit {
		return invalid(msgCellLimit, limit)
	}
	return nil
}

// newID returns a positive ID that looks random, as Google's do, but is
// the same on every run: sheet, chart, protected-range and metadata IDs
// come from it.
func (b *book) newID(taken func(int64) bool) int64 {
	h := fnv.New64a()
	h.Write([]byte(b.id))
	seed := h.Sum64()
	for {
		b.seq++
		x := seed + b.seq*0x9e3779b97f4a7c15
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
		x = (x ^ (x >> 27)) * 0x94d049bb133111eb
		x ^= x >> 31
		id := int64(x%2147483646) + 1
		if !taken(id) {
			return id
		}
	}
}

// objectTaken reports whether a sheet, chart or protected range has id;
// Sheets gives them IDs from one space.
func (b *book) objectTaken(id int64) bool {
	for _, t := range b.tabs {
		if t.props.SheetId == id {
			return true
		}
		for _, c := range t.charts {
			if c.ChartId == id {
				return true
			}
		}
		for _, p := range t.protected {
			if p.ProtectedRangeId == id {
				return true
			}
		}
	}
	return false
}

// metadataTaken reports whether developer metadata has id.
func (b *book) metadataTaken(id int64) bool {
	return b.metadataByID(id) != nil
}

// addTab adds a tab with a grid at the end or at index, and returns it.
func (b *book) addTab(props *sheets.SheetProperties, index int) (*tab, *apiError) {
	p := clone(props)
	if p == nil {
		p = &sheets.SheetProperties{}
	}
	if p.Title == "" {
		for n := len(b.tabs) + 1; ; n++ {
			if title := "Sheet" + strconv.Itoa(n); b.tabByTitle(title) == nil {
				p.Title = title
				break
			}
		}
	}
	if b.tabByTitle(p.Title) != nil {
		return nil, invalid("A sheet with the name \"%s\" already exists. Please enter another name.", p.Title)
	}
	switch {
	case p.SheetId < 0:
		return nil, invalid("sheetId must not be negative: %d", p.SheetId)
	case p.SheetId > 0 && b.objectTaken(p.SheetId):
		return nil, invalid("Sheet with id %d already exists.", p.SheetId)
	case p.SheetId == 0 && (len(b.tabs) > 0 || b.seq > 0):
		// Only a spreadsheet's first tab has ID 0, as in a new Google sheet.
		p.SheetId = b.newID(b.objectTaken)
	}
	if p.SheetType == "" {
		p.SheetType = "GRID"
	}
	if p.SheetType == "GRID" {
		if p.GridProperties == nil {
			p.GridProperties = &sheets.GridProperties{}
		}
		gp := p.GridProperties
		if gp.RowCount == 0 {
			gp.RowCount = DefaultRows
		}
		if gp.ColumnCount == 0 {
			gp.ColumnCount = DefaultColumns
		}
		if gp.RowCount < 0 || gp.ColumnCount < 0 {
			return nil, invalid("Invalid gridProperties: rowCount and columnCount must be positive")
		}
		if gp.FrozenRowCount >= gp.RowCount || gp.FrozenColumnCount >= gp.ColumnCount {
			return nil, invalid("You can't freeze all visible rows on the sheet.")
		}
	} else {
		p.GridProperties = nil
	}
	b.seq++ // the first tab took ID 0; later ones must not
	t := &tab{props: p}
	if index < 0 || index > len(b.tabs) {
		index = len(b.tabs)
	}
	b.tabs = slices.Insert(b.tabs, index, t)
	b.reindex()
	return t, nil
}

// removeTab deletes a tab with everything on it: cells, charts, protected
// ranges, conditional formats and developer metadata.
func (b *book) removeTab(t *tab) {
	b.tabs = slices.DeleteFunc(b.tabs, func(x *tab) bool { return x == t })
	b.reindex()
}

// intern returns the stored format that encodes as f does, storing f if
// there is none. f must not change afterwards.
func (b *book) intern(f *sheets.CellFormat) *sheets.CellFormat {
	if f == nil {
		return nil
	}
	data, err := json.Marshal(f)
	if err != nil {
		return f
	}
	if g, ok := b.formats[string(data)]; ok {
		return g
	}
	b.formats[string(data)] = f
	return f
}

// emptyCell reports whether a cell holds nothing worth keeping.
func emptyCell(c *sheets.CellData) bool {
	return c == nil || c.UserEnteredValue == nil && c.UserEnteredFormat == nil && c.Note == "" &&
		c.Hyperlink == "" && c.DataValidation == nil && len(c.TextFormatRuns) == 0 &&
		c.PivotTable == nil && len(c.ChipRuns) == 0
}
