package sheetstest

import (
	"context"
	"encoding/json"
	"maps"
	"math"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/api/option"
	sheets "google.golang.org/api/sheets/v4"
)

// Server is a stateful stand-in for the Google Sheets API v4, served by an
// httptest server. Seed it with AddSpreadsheet, AddSheet and SetCells, point
// the real client at it (ClientOptions or Service), and assert on
// Spreadsheet and Calls. It is safe for concurrent use.
type Server struct {
	t   testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	books   map[string]*book
	calls   map[string]int
	total   int
	latency time.Duration
	fault   fault
	gate    chan struct{} // closed to let held requests through; nil: none held
	lost    fault         // batchUpdates applied and answered with an error
}

// fault is a failure injected into the next n requests.
type fault struct {
	after      int // requests let through before the fault starts
	n          int
	status     int
	retryAfter time.Duration
}

// New starts a server with no spreadsheets; it is closed when the test
// ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, books: map[string]*book{}, calls: map[string]int{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// URL returns the base URL of the API, ending in "/": the endpoint to give
// option.WithEndpoint, or MRRBOT_SHEETS_ENDPOINT.
func (s *Server) URL() string { return s.srv.URL + "/" }

// ClientOptions returns the options that point a sheets/v4 client at the
// server, without authentication.
func (s *Server) ClientOptions() []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(s.URL()),
		option.WithoutAuthentication(),
		option.WithHTTPClient(s.srv.Client()),
	}
}

// Service returns a real sheets/v4 client that talks to the server.
func (s *Server) Service() *sheets.Service {
	s.t.Helper()
	svc, err := sheets.NewService(context.Background(), s.ClientOptions()...)
	if err != nil {
		s.t.Fatalf("sheetstest: creating a client: %v", err)
	}
	return svc
}

// AddSpreadsheet creates an empty spreadsheet. Like every seeding method,
// it is not counted as a call. Its locale (such as "en_US" or "de_DE";
// empty means en_US) settles how USER_ENTERED input is read. It has no
// tabs until AddSheet adds them.
func (s *Server) AddSpreadsheet(id, title, locale string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.books[id]; ok {
		s.t.Fatalf("sheetstest: spreadsheet %q already exists", id)
	}
	s.books[id] = newBook(id, title, locale)
}

// book returns a seeded spreadsheet or fails the test. s.mu is held.
func (s *Server) book(id string) *book {
	s.t.Helper()
	b := s.books[id]
	if b == nil {
		s.t.Fatalf("sheetstest: no spreadsheet %q", id)
	}
	return b
}

// AddSheet adds a tab with a grid of rows × cols (0 for either means
// Google's default 1000 × 26) and returns its sheetId. A spreadsheet's first
// tab gets ID 0, as in a new Google spreadsheet.
func (s *Server) AddSheet(spreadsheetID, title string, rows, cols int) int64 {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.book(spreadsheetID)
	t, err := b.addTab(&sheets.SheetProperties{
		Title:          title,
		GridProperties: &sheets.GridProperties{RowCount: int64(rows), ColumnCount: int64(cols)},
	}, -1)
	if err != nil {
		s.t.Fatalf("sheetstest: adding sheet %q: %v", title, err)
	}
	if err := b.checkCells(); err != nil {
		b.removeTab(t)
		s.t.Fatalf("sheetstest: adding sheet %q: %v", title, err)
	}
	return t.props.SheetId
}

// SetCells writes rows of cells starting at the top-left cell of a1 (such
// as "'Subscriptions'!A1" or "FX!A2"). A nil cell is left empty. The grid
// grows to fit, unlike a write through the API.
func (s *Server) SetCells(spreadsheetID, a1 string, rows [][]*sheets.CellData) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.book(spreadsheetID)
	ref, err := parseA1(a1)
	if err != nil {
		s.t.Fatalf("sheetstest: SetCells: %v", err)
	}
	var t *tab
	if ref.hasSheet || ref.nameOnly {
		t = b.tabByTitle(ref.sheet)
	}
	if t == nil && !ref.hasSheet && len(b.tabs) > 0 {
		t = b.tabs[0]
	}
	if t == nil || !t.isGrid() {
		s.t.Fatalf("sheetstest: SetCells: no grid sheet for range %q", a1)
	}
	r0, c0 := ref.r0, ref.c0
	if ref.nameOnly && t.title() == ref.sheet {
		r0, c0 = 0, 0
	}
	width := 0
	for _, row := range rows {
		width = max(width, len(row))
	}
	gridRows, gridCols := t.grid()
	t.resize(max(gridRows, r0+int64(len(rows))), max(gridCols, c0+int64(width)))
	if err := b.checkCells(); err != nil {
		s.t.Fatalf("sheetstest: SetCells: %v", err)
	}
	copied := map[*sheets.CellFormat]*sheets.CellFormat{}
	for i, cells := range rows {
		if len(cells) == 0 {
			continue
		}
		row := t.rowForWrite(r0+int64(i), c0+int64(len(cells)))
		for j, c := range cells {
			if err := checkCell(c); err != nil {
				s.t.Fatalf("sheetstest: SetCells: row %d, cell %d: %v", i, j, err)
			}
			if c != nil {
				cc := copyCell(c, copied)
				c = &cc
				// Only what a person enters is stored; the rest is derived.
				c.FormattedValue, c.EffectiveFormat = "", nil
				c.UserEnteredFormat = b.intern(c.UserEnteredFormat)
				if c.UserEnteredValue == nil || c.UserEnteredValue.FormulaValue == nil {
					c.EffectiveValue = nil
				}
			}
			if emptyCell(c) {
				c = nil
			}
			row[c0+int64(j)] = c
		}
	}
}

// Apply applies batchUpdate requests directly, as a seeding step: to hide
// a tab, add a chart or protect a range before the code under test runs.
// It is atomic like a batchUpdate, is not counted as a call, and fails the
// test if Google would refuse the batch.
func (s *Server) Apply(spreadsheetID string, requests ...*sheets.Request) []*sheets.Response {
	s.t.Helper()
	raws := make([]json.RawMessage, len(requests))
	for i, r := range requests {
		data, err := json.Marshal(r)
		if err != nil {
			s.t.Fatalf("sheetstest: Apply: encoding request %d: %v", i, err)
		}
		raws[i] = data
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.book(spreadsheetID)
	work := b.clone()
	replies, err := work.applyBatch(raws)
	if err != nil {
		s.t.Fatalf("sheetstest: Apply: %v", err)
	}
	s.books[spreadsheetID] = work
	return cloneAll(replies)
}

// AddDeveloperMetadata attaches developer metadata to the spreadsheet
// (Location.Spreadsheet) or to a tab (Location.SheetId), and returns its
// metadataId. Visibility defaults to DOCUMENT.
func (s *Server) AddDeveloperMetadata(spreadsheetID string, md *sheets.DeveloperMetadata) int64 {
	s.t.Helper()
	md = clone(md)
	if md.Visibility == "" {
		md.Visibility = "DOCUMENT"
	}
	if md.Location != nil && !md.Location.Spreadsheet {
		md.Location.ForceSendFields = append(md.Location.ForceSendFields, "SheetId")
	}
	replies := s.Apply(spreadsheetID, &sheets.Request{
		CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataRequest{DeveloperMetadata: md},
	})
	return replies[0].CreateDeveloperMetadata.DeveloperMetadata.MetadataId
}

// SetForbidden makes requests for a spreadsheet fail with 403
// PERMISSION_DENIED, as for a sheet not shared with the caller.
func (s *Server) SetForbidden(spreadsheetID string, forbidden bool) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.book(spreadsheetID).forbidden = forbidden
}

// SetMaxCells lowers a spreadsheet's cell limit from Google's MaxCells to
// n, so that a test can fill a spreadsheet to its limit with a small one.
func (s *Server) SetMaxCells(spreadsheetID string, n int64) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.book(spreadsheetID).maxCells = n
}

// SetOfficeFile makes a spreadsheet an Office file stored in Drive, such as
// an .xlsx uploaded without being converted: Google Sheets opens it for a
// person, but every Sheets API request about it fails, as Google's do,
// with 400 FAILED_PRECONDITION "This operation is not supported for this
// document".
func (s *Server) SetOfficeFile(spreadsheetID string, office bool) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.book(spreadsheetID).office = office
}

// Spreadsheet returns a deep copy of a spreadsheet's state as
// spreadsheets.get with includeGridData would return it: properties, tabs
// (hidden flag, grid size, frozen rows), cells with their user-entered and
// effective values and formats, charts, protected ranges, conditional
// format rules and developer metadata. Changing it never changes the
// server's state; cells whose formats are alike may share one copy of the
// format.
func (s *Server) Spreadsheet(spreadsheetID string) *sheets.Spreadsheet {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, err := s.book(spreadsheetID).spreadsheet(nil, true)
	if err != nil {
		s.t.Fatalf("sheetstest: rendering %q: %v", spreadsheetID, err)
	}
	return copySpreadsheet(ss)
}

// Calls counts the requests a server received.
type Calls struct {
	// Total counts every request, failed, faulted or not.
	Total int
	// ByMethod counts requests by method name (MethodGet, MethodBatchUpdate,
	// MethodValuesGet, ...).
	ByMethod map[string]int
}

// Calls returns the requests counted since New or the last ResetCalls.
func (s *Server) Calls() Calls {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Calls{Total: s.total, ByMethod: maps.Clone(s.calls)}
}

// ResetCalls sets the counters to zero, typically after seeding through the
// API and before the code under test runs.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total = 0
	s.calls = map[string]int{}
}

// FailNext makes the next n requests fail with status (429, 500, 503, ...)
// and Google's error body for it, without touching any state. A positive
// retryAfter is sent as a Retry-After header in whole seconds. It replaces
// any fault still pending; n = 0 cancels it.
func (s *Server) FailNext(n int, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = fault{n: n, status: status, retryAfter: retryAfter}
}

// FailAfter lets the next n requests through, then fails every request
// after them with status, until FailNext or FailAfter changes it: a
// failure part way through a sequence of calls.
func (s *Server) FailAfter(n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = fault{after: n, n: math.MaxInt, status: status}
}

// LoseReplies makes the next n batchUpdate requests take effect, as
// Google applies them, and then answers each with status (500, 503, ...)
// and Google's error body instead of its reply: a reply lost on its way
// back, which a client cannot tell from a request that failed. n = 0
// cancels it.
func (s *Server) LoseReplies(n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost = fault{n: n, status: status}
}

// SetLatency delays every reply by d, to test timeouts and cancellation; a
// request whose context ends meanwhile gets no reply.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Hold makes every request wait, once it is counted, until release is
// called or the request's context ends (a request whose context ends gets
// no reply): a gate for tests of what happens while the API is slow to
// answer, with no timing in them. release may be called more than once.
func (s *Server) Hold() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gate := make(chan struct{})
	s.gate = gate
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.gate == gate {
				s.gate = nil
			}
			s.mu.Unlock()
			close(gate)
		})
	}
}
