package sheets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/api/googleapi"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// Google reads and writes one Google spreadsheet through the Sheets API.
// A sync costs three calls: the spreadsheet's layout, the subscriptions
// and FX cells, and one atomic batchUpdate that writes every bot tab (or,
// when the tabs are too large for one request, staged writes and a final
// swap; see WriteTabs).
type Google struct {
	svc      *sheetsapi.Service
	id       string
	identity Identity
	log      *slog.Logger
	// maxRequest is the largest batchUpdate body sent as one request.
	// Google refuses bodies over 10 MiB and recommends 2 MB.
	maxRequest int
}

// DefaultMaxRequest is the largest batchUpdate body mrrbot sends at once.
const DefaultMaxRequest = 8 << 20

// NewGoogle returns a Google for the spreadsheet id. identity is who the
// client acts as, to say whom to share the spreadsheet with when access is
// refused.
func NewGoogle(svc *sheetsapi.Service, id string, identity Identity, logger *slog.Logger) *Google {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Google{svc: svc, id: id, identity: identity, log: logger, maxRequest: DefaultMaxRequest}
}

// SetMaxRequest sets the largest batchUpdate body sent as one request.
func (g *Google) SetMaxRequest(n int) { g.maxRequest = n }

var spreadsheetURL = regexp.MustCompile(`/spreadsheets/d/([a-zA-Z0-9_-]+)`)

// SpreadsheetID returns the ID in s, which is an ID or a spreadsheet's URL.
func SpreadsheetID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if m := spreadsheetURL.FindStringSubmatch(s); m != nil {
		return m[1], nil
	}
	if s == "" || strings.ContainsAny(s, "/?#: ") {
		return "", fmt.Errorf("%q is not a spreadsheet ID or URL (want the long ID from https://docs.google.com/spreadsheets/d/ID/edit)", s)
	}
	return s, nil
}

// Metadata keys that mark what mrrbot owns.
const (
	// metaTab marks a tab as the bot's; its value is the tab's role.
	metaTab = "mrrbot.tab"
	// metaStaging marks a hidden tab a large write fills before it is
	// swapped in; its value is the role it will take.
	metaStaging = "mrrbot.staging"
)

// Spreadsheet is the layout of a spreadsheet: its tabs and which of them
// the bot owns.
type Spreadsheet struct {
	ID, Title, URL, Locale, TimeZone string
	Sheets                           []SheetInfo
}

// SheetInfo is one tab of a Spreadsheet.
type SheetInfo struct {
	ID         int64
	Title      string
	Hidden     bool
	Rows, Cols int64
	// Role is the bot role of a tab the bot owns, or "".
	Role string
	// Staging is the role a leftover staging tab was meant for.
	Staging string
	// Meta holds the IDs of the bot's developer metadata on the tab.
	Meta   []int64
	Charts []int64
	// ConditionalFormats is the number of conditional format rules on the
	// tab; rewriting a bot tab deletes them all.
	ConditionalFormats int
}

func (s *Spreadsheet) byTitle(title string) *SheetInfo {
	for i := range s.Sheets {
		if s.Sheets[i].Title == title {
			return &s.Sheets[i]
		}
	}
	return nil
}

func (s *Spreadsheet) byRole(role string) *SheetInfo {
	for i := range s.Sheets {
		if s.Sheets[i].Role == role {
			return &s.Sheets[i]
		}
	}
	return nil
}

// layoutFields is what the first call asks for: every tab's properties,
// charts, developer metadata and conditional format rules (just enough of
// each rule to count them), and no cells.
const layoutFields = "spreadsheetId,spreadsheetUrl,properties(title,locale,timeZone)," +
	"sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),charts(chartId)," +
	"developerMetadata(metadataId,metadataKey,metadataValue),conditionalFormats(ranges(sheetId)))"

// Layout reads the spreadsheet's tabs: one API call.
func (g *Google) Layout(ctx context.Context) (*Spreadsheet, error) {
	resp, err := g.svc.Spreadsheets.Get(g.id).Fields(layoutFields).Context(ctx).Do()
	if err != nil {
		return nil, g.explain("read spreadsheet", err)
	}
	ss := &Spreadsheet{ID: g.id, URL: resp.SpreadsheetUrl}
	if p := resp.Properties; p != nil {
		ss.Title, ss.Locale, ss.TimeZone = p.Title, p.Locale, p.TimeZone
	}
	for _, sh := range resp.Sheets {
		p := sh.Properties
		if p == nil {
			continue
		}
		info := SheetInfo{ID: p.SheetId, Title: p.Title, Hidden: p.Hidden}
		if gp := p.GridProperties; gp != nil {
			info.Rows, info.Cols = gp.RowCount, gp.ColumnCount
		}
		for _, md := range sh.DeveloperMetadata {
			switch md.MetadataKey {
			case metaTab:
				info.Role = md.MetadataValue
				info.Meta = append(info.Meta, md.MetadataId)
			case metaStaging:
				info.Staging = md.MetadataValue
				info.Meta = append(info.Meta, md.MetadataId)
			}
		}
		for _, ch := range sh.Charts {
			info.Charts = append(info.Charts, ch.ChartId)
		}
		info.ConditionalFormats = len(sh.ConditionalFormats)
		ss.Sheets = append(ss.Sheets, info)
	}
	return ss, nil
}

// cellFields is what the second call asks for: of each tab, its merged
// ranges and which columns are hidden; of each cell, its value after
// formulas, its formula if it has one, and the type and pattern of its
// number format (date, percent, the currency of "[$€]#,##0.00").
const cellFields = "sheets(properties(title),merges,data(startRow,startColumn,columnMetadata(hiddenByUser)," +
	"rowData(values(effectiveValue,userEnteredValue(formulaValue),effectiveFormat(numberFormat(type,pattern))))))"

// Load reads the subscriptions tab (opts.Tab) and the FX tab, when there
// is one, into a book: one API call, after Layout. The spreadsheet's locale
// settles ambiguous text dates unless opts.Locale is set. The FX tab may
// give rates by month (see [DecodeFX]); the book breaks MRR down by
// opts.Segments.
func (g *Google) Load(ctx context.Context, ss *Spreadsheet, opts Options) (*Loaded, error) {
	want := opts.Tab
	if want == "" {
		want = DefaultTab
	}
	titles := make([]string, len(ss.Sheets))
	for i, sh := range ss.Sheets {
		titles[i] = sh.Title
	}
	tab, ok := FindTab(titles, want)
	if !ok {
		return nil, fmt.Errorf("spreadsheet %q has no tab %q (tabs: %s); name the tab with --tab", ss.Title, want, quoteList(titles))
	}
	ranges := []string{quoteTab(tab)}
	fxTab, hasFX := FindTab(titles, FXTab)
	if hasFX && fxTab != tab {
		ranges = append(ranges, quoteTab(fxTab))
	} else {
		hasFX = false
	}
	var historyTab string
	if h := ss.byRole(RoleHistory); h != nil {
		historyTab = h.Title
		ranges = append(ranges, quoteTab(historyTab))
	}
	if opts.Locale == "" {
		opts.Locale = ss.Locale
	}
	resp, err := g.svc.Spreadsheets.Get(g.id).Ranges(ranges...).Fields(cellFields).Context(ctx).Do()
	if err != nil {
		return nil, g.explain("read tab "+strconv.Quote(tab), err)
	}
	grids := map[string]*gridReader{}
	for _, sh := range resp.Sheets {
		if sh.Properties != nil {
			grids[sh.Properties.Title] = newGridReader(sh)
		}
	}
	grid := func(title string) *gridReader {
		if g := grids[title]; g != nil {
			return g
		}
		return &gridReader{}
	}
	l := &Loaded{}
	if hasFX {
		if err := l.ReadFX(grid(fxTab), opts); err != nil {
			return nil, fmt.Errorf("read tab %q: %w", fxTab, err)
		}
	}
	book, err := l.NewBook(opts)
	if err != nil {
		return nil, fmt.Errorf("read tab %q: %w", FXTab, err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, err
	}
	if err := l.Decode(grid(tab), book, opts); err != nil {
		return nil, fmt.Errorf("read tab %q: %w", tab, err)
	}
	if historyTab != "" {
		if l.Books, err = DecodeHistory(grid(historyTab)); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// quoteTab returns the A1 range of a whole tab: 'My Tab'.
func quoteTab(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// gridReader is a RowReader over the grid data of one tab. It lets go of
// each row once read, so a large tab is not held twice. It fills in merged
// cells and knows which columns are hidden.
type gridReader struct {
	data     []*sheetsapi.GridData
	di       int
	ri       int
	cells    []Cell
	merged   *Merges
	hidden   map[int]bool
	patterns map[string]*CellExtra // what each number format pattern shows, or nil
}

// newGridReader returns a reader of a tab as spreadsheets.get returned it.
func newGridReader(sh *sheetsapi.Sheet) *gridReader {
	r := &gridReader{data: sh.Data, hidden: map[int]bool{}, patterns: map[string]*CellExtra{}}
	var areas []MergedArea
	for _, m := range sh.Merges {
		if m == nil || m.EndRowIndex <= m.StartRowIndex || m.EndColumnIndex <= m.StartColumnIndex {
			continue
		}
		areas = append(areas, MergedArea{
			FirstRow: int(m.StartRowIndex) + 1, LastRow: int(m.EndRowIndex),
			FirstCol: int(m.StartColumnIndex), LastCol: int(m.EndColumnIndex) - 1,
		})
	}
	r.merged = NewMerges(areas)
	for _, g := range sh.Data {
		if g == nil {
			continue
		}
		for i, md := range g.ColumnMetadata {
			if md != nil && md.HiddenByUser {
				r.hidden[int(g.StartColumn)+i] = true
			}
		}
	}
	return r
}

// columnHidden reports whether the tab hides column i.
func (r *gridReader) ColumnHidden(i int) bool { return r.hidden[i] }

func (r *gridReader) Next() (int, []Cell, error) {
	for r.di < len(r.data) {
		g := r.data[r.di]
		if g == nil || r.ri >= len(g.RowData) {
			r.di, r.ri = r.di+1, 0
			continue
		}
		rd := g.RowData[r.ri]
		g.RowData[r.ri] = nil
		row := int(g.StartRow) + r.ri + 1
		r.ri++
		cells := r.cells[:0]
		for range g.StartColumn {
			cells = append(cells, Cell{})
		}
		if rd != nil {
			for _, cd := range rd.Values {
				cells = append(cells, r.cell(cd))
			}
		}
		cells = r.merged.Fill(row, cells)
		r.cells = cells
		return row, cells, nil
	}
	return 0, nil, io.EOF
}

// cell converts a cell of the Sheets API, with the currency its number
// format's pattern shows and its formula.
func (r *gridReader) cell(cd *sheetsapi.CellData) Cell {
	c := apiCell(cd)
	if c.Kind != Number {
		return c
	}
	if f := cd.EffectiveFormat; f != nil && f.NumberFormat != nil && f.NumberFormat.Pattern != "" {
		p := f.NumberFormat.Pattern
		extra, ok := r.patterns[p]
		if !ok {
			if cur := PatternCurrency(p); cur != "" {
				extra = &CellExtra{Currency: cur}
			}
			if r.patterns != nil {
				r.patterns[p] = extra
			}
		}
		c.Extra = extra // shared by the cells of one pattern, never changed
	}
	if v := cd.UserEnteredValue; v != nil && v.FormulaValue != nil {
		c.Extra = &CellExtra{Currency: c.Currency(), Formula: *v.FormulaValue}
	}
	return c
}

// apiCell converts a cell of the Sheets API into a Cell.
func apiCell(cd *sheetsapi.CellData) Cell {
	if cd == nil || cd.EffectiveValue == nil {
		return Cell{}
	}
	v := cd.EffectiveValue
	switch {
	case v.NumberValue != nil:
		c := Cell{Kind: Number, Text: strconv.FormatFloat(*v.NumberValue, 'f', -1, 64), Format: FormatNone}
		if f := cd.EffectiveFormat; f != nil && f.NumberFormat != nil {
			switch f.NumberFormat.Type {
			case "DATE", "DATE_TIME":
				c.Format = FormatDate
			case "PERCENT":
				c.Format = FormatPercent
			case "CURRENCY":
				c.Format = FormatCurrency
			case "NUMBER", "SCIENTIFIC", "TEXT":
				c.Format = FormatNumber
			}
		}
		return c
	case v.StringValue != nil:
		return TextCell(*v.StringValue)
	case v.BoolValue != nil:
		if *v.BoolValue {
			return Cell{Kind: Bool, Text: "TRUE"}
		}
		return Cell{Kind: Bool, Text: "FALSE"}
	case v.ErrorValue != nil:
		// A formula error (#REF!, #N/A) is shown as text, so the row's
		// issue names it.
		return TextCell("#" + strings.TrimPrefix(v.ErrorValue.Type, "#") + " " + v.ErrorValue.Message)
	}
	return Cell{}
}

// explain turns an API error into one that says what to do.
func (g *Google) explain(op string, err error) error {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return fmt.Errorf("%s: %w", op, err)
	}
	switch ge.Code {
	case http.StatusNotFound:
		return fmt.Errorf("%s: spreadsheet %s was not found; check the ID or URL given with --spreadsheet: %w", op, g.id, err)
	case http.StatusForbidden:
		if g.identity.Email != "" {
			return fmt.Errorf("%s: no access to spreadsheet %s; share it with %s as an Editor: %w", op, g.id, g.identity.Email, err)
		}
		return fmt.Errorf("%s: no access to spreadsheet %s; share it with the account mrrbot runs as (the service account's e-mail, or the one you logged in with), as an Editor: %w", op, g.id, err)
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: Google refused the credentials; run `mrrbot auth login` again or check GOOGLE_APPLICATION_CREDENTIALS: %w", op, err)
	case http.StatusTooManyRequests:
		return fmt.Errorf("%s: Google's quota is exhausted even after retrying; wait a minute and run again: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Identity returns the credentials g acts as.
func (g *Google) Identity() Identity { return g.identity }

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
