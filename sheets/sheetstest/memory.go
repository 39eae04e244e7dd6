package sheetstest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/mrrbot/mrrbot/sheets"
)

// Memory is a spreadsheet held in memory, as a [sheets.Source] and a
// [sheets.Sink], for tests that need a source and a sink but not the
// Sheets API: it reads and writes typed cells as they are, with no wire
// and no file between. It keeps the contract the real adapters keep (see
// [RunContract]): a tab with a bot tab's name that the bot did not write
// is refused whole, a write is all or nothing, and the posting ledger
// claims each key once. It is safe for concurrent use.
type Memory struct {
	mu     sync.Mutex
	title  string
	locale string
	tabs   []*memTab
	claims map[string]string // key → note
}

// memTab is one tab of a Memory: its rows, the header first for the bot's.
type memTab struct {
	title  string
	role   string // the bot's role, or "" for a person's tab
	hidden bool
	rows   [][]sheets.Cell
}

var (
	_ sheets.Source = (*Memory)(nil)
	_ sheets.Sink   = (*Memory)(nil)
)

// NewMemory returns an empty spreadsheet titled title, in the locale
// ("en_US", "de_DE"; "" for none) that settles ambiguous text dates.
func NewMemory(title, locale string) *Memory {
	return &Memory{title: title, locale: locale, claims: make(map[string]string)}
}

// SetTab gives the spreadsheet a person's tab titled title holding rows,
// the first of them row 1, after its other tabs; a tab of that title is
// replaced. The rows are copied.
func (m *Memory) SetTab(title string, rows [][]sheets.Cell) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &memTab{title: title, rows: cloneRows(rows)}
	if i := slices.IndexFunc(m.tabs, func(x *memTab) bool { return x.title == title }); i >= 0 {
		m.tabs[i] = t
		return
	}
	m.tabs = append(m.tabs, t)
}

// Tab returns a copy of the rows of the tab titled title, the header
// first for a tab the bot wrote, and whether there is one.
func (m *Memory) Tab(title string) ([][]sheets.Cell, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tabs {
		if t.title == title {
			return cloneRows(t.rows), true
		}
	}
	return nil, false
}

// Layout lists the tabs, in order. The posting ledger is kept beside
// them, so it has no tab.
func (m *Memory) Layout(ctx context.Context) (*sheets.Layout, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	l := &sheets.Layout{Name: fmt.Sprintf("spreadsheet %q", m.title), Title: m.title, Link: "memory:" + m.title, Locale: m.locale}
	for _, t := range m.tabs {
		l.Tabs = append(l.Tabs, sheets.TabInfo{Title: t.title, Role: t.role, Hidden: t.hidden})
	}
	return l, nil
}

// Load reads the subscriptions tab, the FX tab when there is one and the
// bot's history tab when there is one, as every source does.
func (m *Memory) Load(ctx context.Context, opts sheets.Options) (*sheets.Loaded, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	tabs := make([]memTab, len(m.tabs))
	for i, t := range m.tabs {
		tabs[i] = *t // rows are replaced, never changed in place
	}
	locale := m.locale
	m.mu.Unlock()

	titles := make([]string, len(tabs))
	for i, t := range tabs {
		titles[i] = t.title
	}
	rows := func(title string) sheets.RowReader {
		i := slices.Index(titles, title)
		return &rowReader{rows: tabs[i].rows}
	}
	want := opts.Tab
	if want == "" {
		want = sheets.DefaultTab
	}
	tab, ok := sheets.FindTab(titles, want)
	if !ok {
		return nil, fmt.Errorf("spreadsheet %q has no tab %q (tabs: %s)", m.title, want, quoted(titles))
	}
	if opts.Locale == "" {
		opts.Locale = locale
	}
	l := &sheets.Loaded{}
	if fx, ok := sheets.FindTab(titles, sheets.FXTab); ok && fx != tab {
		if err := l.ReadFX(rows(fx), opts); err != nil {
			return nil, fmt.Errorf("read tab %q: %w", fx, err)
		}
	}
	book, err := l.NewBook(opts)
	if err != nil {
		return nil, fmt.Errorf("read tab %q: %w", sheets.FXTab, err)
	}
	if err := book.SetSegments(opts.Segments); err != nil {
		return nil, err
	}
	if err := l.Decode(rows(tab), book, opts); err != nil {
		return nil, fmt.Errorf("read tab %q: %w", tab, err)
	}
	for _, t := range tabs {
		if t.role == sheets.RoleHistory {
			if l.Books, err = sheets.DecodeHistory(rows(t.title)); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// Write replaces the bot's tabs with tabs, all of them or none.
func (m *Memory) Write(ctx context.Context, tabs []sheets.Tab) (*sheets.WriteResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	names, roles := map[string]bool{}, map[string]bool{}
	for i := range tabs {
		t := &tabs[i]
		switch folded := strings.ToLower(strings.TrimSpace(t.Name)); {
		case folded == "":
			return nil, errors.New("write tabs: a tab has no name")
		case t.Role == "":
			return nil, fmt.Errorf("write tabs: tab %q: no role", t.Name)
		case names[folded]:
			return nil, fmt.Errorf("write tabs: tab %q: two tabs have this name", t.Name)
		case roles[t.Role]:
			return nil, fmt.Errorf("write tabs: tab %q: two tabs have the role %q", t.Name, t.Role)
		default:
			names[folded], roles[t.Role] = true, true
		}
		if err := t.Check(); err != nil {
			return nil, fmt.Errorf("write tabs: tab %q: %w", t.Name, err)
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range tabs {
		t := &tabs[i]
		for _, old := range m.tabs {
			if strings.EqualFold(strings.TrimSpace(old.title), strings.TrimSpace(t.Name)) && old.role != t.Role {
				return nil, &sheets.TabConflictError{Tab: old.title, Role: t.Role}
			}
		}
	}
	// The new list of tabs replaces the old one whole: nothing is changed
	// until every tab is ready.
	next := slices.Clone(m.tabs)
	res := &sheets.WriteResult{}
	for i := range tabs {
		t := &tabs[i]
		rows := make([][]sheets.Cell, 0, len(t.Rows)+1)
		header := make([]sheets.Cell, len(t.Columns))
		for c, col := range t.Columns {
			header[c] = sheets.TextCell(col.Title)
		}
		rows = append(rows, header)
		rows = append(rows, cloneRows(t.Rows)...)
		nt := &memTab{title: t.Name, role: t.Role, hidden: t.Hidden, rows: rows}
		if j := slices.IndexFunc(next, func(x *memTab) bool { return x.role == t.Role }); j >= 0 {
			next[j] = nt
			res.Updated = append(res.Updated, t.Name)
		} else {
			next = append(next, nt)
			res.Created = append(res.Created, t.Name)
		}
	}
	m.tabs = next
	return res, nil
}

// Ledger returns the posting ledger, kept beside the tabs.
func (m *Memory) Ledger() sheets.Ledger { return memLedger{m} }

// Claims returns the ledger's claims: each key with its note.
func (m *Memory) Claims() map[string]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]string, len(m.claims))
	for k, v := range m.claims {
		out[k] = v
	}
	return out
}

// memLedger is the posting ledger of a Memory.
type memLedger struct{ m *Memory }

func (l memLedger) Claim(ctx context.Context, key, note string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if key == "" {
		return false, errors.New("claim: the ledger key is empty")
	}
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if _, ok := l.m.claims[key]; ok {
		return false, nil
	}
	l.m.claims[key] = note
	return true, nil
}

func (l memLedger) Release(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	delete(l.m.claims, key)
	return nil
}

// rowReader reads rows held in memory; row i of the slice is row i+1.
type rowReader struct {
	rows [][]sheets.Cell
	i    int
}

func (r *rowReader) Next() (int, []sheets.Cell, error) {
	if r.i >= len(r.rows) {
		return 0, nil, io.EOF
	}
	r.i++
	return r.i, r.rows[r.i-1], nil
}

func cloneRows(rows [][]sheets.Cell) [][]sheets.Cell {
	out := make([][]sheets.Cell, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

func quoted(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
