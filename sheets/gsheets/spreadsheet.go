package gsheets

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/mrrbot/mrrbot/sheets"
	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// Spreadsheet reads and writes one Google spreadsheet through the Sheets
// API, as a [sheets.Source] and a [sheets.Sink]. A sync costs three calls:
// the spreadsheet's layout, the subscriptions and FX cells, and one atomic
// batchUpdate that writes every bot tab (or, when the tabs are too large
// for one request, staged writes and a final swap; see Write).
//
// Load and Write work from the layout that Layout read last (or read one
// when there is none), so that the three calls are all a sync makes; a
// Write forgets it, since the spreadsheet changed. A Spreadsheet is meant
// for one command, or one sync under serve: each opens its own.
type Spreadsheet struct {
	svc *sheetsapi.Service
	// hc and base are the HTTP client and endpoint svc sends through, for
	// the calls whose replies are decoded as they arrive (see readGrids).
	hc       *http.Client
	base     string
	id       string
	identity Identity
	log      *slog.Logger
	// maxRequest is the largest request body sent as one call.
	maxRequest int
	// cellLimit is Google's limit on a spreadsheet's cells, CellLimit
	// (tests lower it).
	cellLimit int64

	mu   sync.Mutex
	last *layout // the layout read last, or nil
}

var (
	_ sheets.Source = (*Spreadsheet)(nil)
	_ sheets.Sink   = (*Spreadsheet)(nil)
)

// DefaultMaxRequest is the largest request body mrrbot sends in one call:
// Google refuses a body over 10 MiB ("Request payload size exceeds the
// limit: 10485760 bytes"), and mrrbot stays 64 KiB under it: a body is
// counted as it is built, and the margin leaves room for Google to count
// a little more than the bytes mrrbot does.
const DefaultMaxRequest = 10<<20 - 64<<10

// New returns a Spreadsheet for the spreadsheet id, read and written
// through hc (which authenticates and retries; see [NewHTTPClient]) at
// endpoint, the base URL of the Sheets API ("" for Google's). identity is
// who the client acts as, to say whom to share the spreadsheet with when
// access is refused.
func New(hc *http.Client, endpoint, id string, identity Identity, logger *slog.Logger) (*Spreadsheet, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts := []option.ClientOption{option.WithHTTPClient(hc)}
	if endpoint != "" {
		if !strings.HasSuffix(endpoint, "/") {
			endpoint += "/"
		}
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	svc, err := sheetsapi.NewService(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("sheets client: %w", err)
	}
	return &Spreadsheet{svc: svc, hc: hc, base: svc.BasePath, id: id, identity: identity, log: logger, maxRequest: DefaultMaxRequest, cellLimit: CellLimit}, nil
}

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
	// metaWrite, on the spreadsheet itself, holds a random token of the
	// last batchUpdate that wrote the bot's tabs, so that a write whose
	// reply was lost can tell whether it was applied (see apply).
	metaWrite = "mrrbot.write"
)

// layout is the layout of a spreadsheet: its tabs and which of them the
// bot owns.
type layout struct {
	ID, Title, URL, Locale, TimeZone string
	Sheets                           []sheetInfo
	// written is the token of the last write applied (see metaWrite),
	// "" when there is none.
	written string
}

// sheetInfo is one tab of a layout.
type sheetInfo struct {
	ID         int64
	Title      string
	Hidden     bool
	Rows, Cols int64
	// Role is the bot role of a tab the bot owns, or "".
	Role string
	// Staging is the role a leftover staging tab was meant for.
	Staging string
	// Claim tells a tab of the posting ledger (see Ledger).
	Claim bool
	// Meta holds the IDs of the bot's developer metadata on the tab.
	Meta   []int64
	Charts []int64
	// ConditionalFormats is the number of conditional format rules on the
	// tab; rewriting a bot tab deletes them all.
	ConditionalFormats int
}

func (s *layout) byTitle(title string) *sheetInfo {
	for i := range s.Sheets {
		if s.Sheets[i].Title == title {
			return &s.Sheets[i]
		}
	}
	return nil
}

func (s *layout) byRole(role string) *sheetInfo {
	for i := range s.Sheets {
		if s.Sheets[i].Role == role {
			return &s.Sheets[i]
		}
	}
	return nil
}

// layoutFields is what the first call asks for: the spreadsheet's own
// developer metadata, every tab's properties, charts, developer metadata
// and conditional format rules (just enough of each rule to count them),
// and no cells.
const layoutFields = "spreadsheetId,spreadsheetUrl,properties(title,locale,timeZone)," +
	"developerMetadata(metadataKey,metadataValue)," +
	"sheets(properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount)),charts(chartId)," +
	"developerMetadata(metadataId,metadataKey,metadataValue),conditionalFormats(ranges(sheetId)))"

// Layout reads the spreadsheet's title, locale and tabs: one API call.
// The bot's tabs are known by their developer metadata, so one a person
// renamed keeps its role; the tabs of the posting ledger have the role
// [sheets.RoleLedger].
func (g *Spreadsheet) Layout(ctx context.Context) (*sheets.Layout, error) {
	ss, err := g.readLayout(ctx)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.last = ss
	g.mu.Unlock()
	return ss.public(), nil
}

// Load reads the subscriptions tab (opts.Tab) and the FX tab, when there
// is one, into a book: one API call, after Layout. The spreadsheet's
// locale settles ambiguous text dates unless opts.Locale is set. The FX
// tab may give rates by month (see [sheets.DecodeFX]); the book breaks MRR
// down by opts.Segments.
func (g *Spreadsheet) Load(ctx context.Context, opts sheets.Options) (*sheets.Loaded, error) {
	ss, err := g.current(ctx)
	if err != nil {
		return nil, err
	}
	return g.load(ctx, ss, opts)
}

// Write writes tabs into the spreadsheet, replacing what the bot wrote
// before, in one atomic batchUpdate: a reader sees the old tabs or the new
// ones, never a mix, and a failure changes nothing. Tabs are found by the
// developer metadata that marks them as the bot's, so one a person renamed
// is still found. A tab with a bot tab's name that the bot did not create
// is never touched: Write returns a *[sheets.TabConflictError] and writes
// nothing. Other tabs are never written.
//
// When the request would exceed the request size limit, one batchUpdate
// creates hidden staging tabs, values.batchUpdate calls (RAW: text stays
// text) fill them, as many rows a call as fit the limit, and one last
// batchUpdate swaps them in with their formats: five calls in all for a
// sync of 100k rows. A failure part way leaves the previous tabs as they
// were (the leftover staging tabs are removed by the next write).
func (g *Spreadsheet) Write(ctx context.Context, tabs []sheets.Tab) (*sheets.WriteResult, error) {
	ss, err := g.current(ctx)
	if err != nil {
		return nil, err
	}
	defer g.forget()
	return g.writeTabs(ctx, ss, tabs)
}

// current returns the layout read last, reading one if there is none.
func (g *Spreadsheet) current(ctx context.Context) (*layout, error) {
	g.mu.Lock()
	ss := g.last
	g.mu.Unlock()
	if ss != nil {
		return ss, nil
	}
	ss, err := g.readLayout(ctx)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.last = ss
	g.mu.Unlock()
	return ss, nil
}

// forget drops the layout read last: the spreadsheet has changed.
func (g *Spreadsheet) forget() {
	g.mu.Lock()
	g.last = nil
	g.mu.Unlock()
}

// public is the layout as a source describes itself.
func (s *layout) public() *sheets.Layout {
	l := &sheets.Layout{Name: fmt.Sprintf("spreadsheet %q", s.Title), Title: s.Title, Link: s.URL, Locale: s.Locale}
	if l.Link == "" {
		l.Link = "https://docs.google.com/spreadsheets/d/" + s.ID + "/edit"
	}
	for _, sh := range s.Sheets {
		t := sheets.TabInfo{Title: sh.Title, Role: sh.Role, Hidden: sh.Hidden}
		switch {
		case sh.Staging != "":
			t.Role = sheets.RoleStaging
		case sh.Claim:
			t.Role = sheets.RoleLedger
		}
		l.Tabs = append(l.Tabs, t)
	}
	return l
}

// readLayout reads the spreadsheet's tabs: one API call.
func (g *Spreadsheet) readLayout(ctx context.Context) (*layout, error) {
	resp, err := g.svc.Spreadsheets.Get(g.id).Fields(layoutFields).Context(ctx).Do()
	if err != nil {
		return nil, g.explain("read spreadsheet", err)
	}
	ss := &layout{ID: g.id, URL: resp.SpreadsheetUrl}
	for _, md := range resp.DeveloperMetadata {
		if md.MetadataKey == metaWrite {
			ss.written = md.MetadataValue
		}
	}
	if p := resp.Properties; p != nil {
		ss.Title, ss.Locale, ss.TimeZone = p.Title, p.Locale, p.TimeZone
	}
	for _, sh := range resp.Sheets {
		p := sh.Properties
		if p == nil {
			continue
		}
		info := sheetInfo{ID: p.SheetId, Title: p.Title, Hidden: p.Hidden}
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
			case metaPosted, metaClaim:
				info.Claim = true
			}
		}
		info.Claim = info.Claim || strings.HasPrefix(info.Title, claimPrefix)
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

// load is Load from the layout ss.
func (g *Spreadsheet) load(ctx context.Context, ss *layout, opts sheets.Options) (*sheets.Loaded, error) {
	want := opts.Tab
	if want == "" {
		want = sheets.DefaultTab
	}
	titles := make([]string, len(ss.Sheets))
	for i, sh := range ss.Sheets {
		titles[i] = sh.Title
	}
	tab, ok := sheets.FindTab(titles, want)
	if !ok {
		return nil, fmt.Errorf("spreadsheet %q has no tab %q (tabs: %s); name the tab with --tab", ss.Title, want, quoteList(titles))
	}
	ranges := []string{quoteTab(tab)}
	fxTab, hasFX := sheets.FindTab(titles, sheets.FXTab)
	if hasFX && fxTab != tab {
		ranges = append(ranges, quoteTab(fxTab))
	} else {
		hasFX = false
	}
	var historyTab string
	if h := ss.byRole(sheets.RoleHistory); h != nil {
		historyTab = h.Title
		ranges = append(ranges, quoteTab(historyTab))
	}
	if opts.Locale == "" {
		opts.Locale = ss.Locale
	}
	grids, err := g.readGrids(ctx, ranges, cellFields)
	if err != nil {
		return nil, g.explain("read tab "+strconv.Quote(tab), err)
	}
	grid := func(title string) *gridReader {
		if g := grids[title]; g != nil {
			return g
		}
		return &gridReader{}
	}
	l := &sheets.Loaded{}
	if hasFX {
		if err := l.ReadFX(grid(fxTab), opts); err != nil {
			return nil, fmt.Errorf("read tab %q: %w", fxTab, err)
		}
	}
	book, err := l.NewBook(opts)
	if err != nil {
		return nil, fmt.Errorf("read tab %q: %w", sheets.FXTab, err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, err
	}
	if err := l.Decode(grid(tab), book, opts); err != nil {
		return nil, fmt.Errorf("read tab %q: %w", tab, err)
	}
	if historyTab != "" {
		if l.Books, err = sheets.DecodeHistory(grid(historyTab)); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// quoteTab returns the A1 range of a whole tab: 'My Tab'.
func quoteTab(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// Identity returns the credentials g acts as.
func (g *Spreadsheet) Identity() Identity { return g.identity }

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
