package sheetstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
)

// Store is what [RunContract] tests: the source and sink of one
// spreadsheet or workbook.
type Store interface {
	sheets.Source
	sheets.Sink
}

// Seed is a tab a person made, that a Store starts with. Its rows are
// typed as a spreadsheet holds them: text, numbers with the format they
// are shown in (a date is its serial day, formatted as a date), booleans.
type Seed struct {
	Title string
	Rows  [][]sheets.Cell
}

// RunContract runs the tests that every adapter of the sheets contract
// passes, so that a spreadsheet, a workbook and the in-memory stand-in
// read and write the same way. open returns a new store holding exactly
// seed's tabs, in order, and nothing of the bot's.
//
// The tests read a subscriptions table with an FX tab, a title row, typed
// cells and a bad row; write the bot's tabs and read them back through
// Load; rename a tab by its role; refuse to write over a person's tab
// with a bot tab's name, and over nothing when one tab is wrong; keep the
// history tab; and claim digests in the posting ledger once, even when
// claims race, across writes.
func RunContract(t *testing.T, open func(t *testing.T, seed []Seed) Store) {
	t.Run("Layout", func(t *testing.T) { contractLayout(t, open) })
	t.Run("Load", func(t *testing.T) { contractLoad(t, open) })
	t.Run("WriteReadsBack", func(t *testing.T) { contractWrite(t, open) })
	t.Run("HistoryReadsBack", func(t *testing.T) { contractHistory(t, open) })
	t.Run("WriteRefusesPersonsTab", func(t *testing.T) { contractConflict(t, open) })
	t.Run("WriteAllOrNothing", func(t *testing.T) { contractAtomic(t, open) })
	t.Run("Ledger", func(t *testing.T) { contractLedger(t, open) })
}

// ContractSeed is the seed of most contract tests: the subscriptions, a
// title row above their header, an FX tab and a tab of notes.
func ContractSeed() []Seed {
	return []Seed{
		{Title: "Subscriptions", Rows: contractSubscriptions()},
		{Title: "FX", Rows: [][]sheets.Cell{
			{sheets.TextCell("currency"), sheets.TextCell("rate")},
			{sheets.TextCell("EUR"), sheets.NumberCell("1.1", sheets.FormatNone)},
		}},
		{Title: "Notes", Rows: [][]sheets.Cell{{sheets.TextCell("a person's notes")}}},
	}
}

// contractSubscriptions is a person's subscriptions table: row 6 has no
// amount a reader can take.
func contractSubscriptions() [][]sheets.Cell {
	d := func(s string) sheets.Cell { return sheets.DateCell(mustDate(s)) }
	money := func(s string) sheets.Cell { return sheets.NumberCell(s, sheets.FormatCurrency) }
	txt := sheets.TextCell
	return [][]sheets.Cell{
		{txt("Subscriptions kept by ops")},
		{txt("Customer ID"), txt("Company"), txt("Plan"), txt("Amount"), txt("Currency"), txt("Start Date"), txt("End Date"), txt("Discount")},
		{txt("c1"), txt("Acme"), txt("Pro"), money("100"), {}, d("2025-01-10"), {}, {}},
		{txt("c2"), txt("Beta"), txt("Team"), sheets.NumberCell("50", sheets.FormatNone), txt("EUR"), d("2025-02-01"), d("2025-03-31"), {}},
		{txt("c3"), txt("=1+1"), txt("Pro"), money("200"), {}, d("2025-02-15"), {}, sheets.NumberCell("0.1", sheets.FormatPercent)},
		{txt("c4"), txt("Delta"), txt("Pro"), txt("abc"), {}, d("2025-01-01"), {}, {}},
	}
}

// contractAsOf is the day the contract's figures are computed on.
var contractAsOf = mustDate("2025-04-15")

func mustDate(s string) calc.Date {
	d, err := calc.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// endings returns the ending MRR of each month of l's book as of
// contractAsOf.
func endings(l *sheets.Loaded) []string {
	res := l.Book.Compute(contractAsOf)
	out := make([]string, len(res.Months))
	for i, m := range res.Months {
		out[i] = m.Month.String() + " " + m.Ending.String()
	}
	return out
}

// visible is the layout's tabs that are people's or the bot's own tabs,
// without the ledger's and the leftovers a sink keeps for itself.
func visible(t *testing.T, s Store) []sheets.TabInfo {
	t.Helper()
	l, err := s.Layout(context.Background())
	if err != nil {
		t.Fatalf("Layout: %v", err)
	}
	var out []sheets.TabInfo
	for _, tab := range l.Tabs {
		if tab.Role != sheets.RoleLedger && tab.Role != sheets.RoleStaging {
			out = append(out, tab)
		}
	}
	return out
}

func load(t *testing.T, s Store, tab string) *sheets.Loaded {
	t.Helper()
	l, err := s.Load(context.Background(), sheets.Options{Currency: "USD", Tab: tab, Locale: "en_US"})
	if err != nil {
		t.Fatalf("Load(%q): %v", tab, err)
	}
	return l
}

func contractLayout(t *testing.T, open func(*testing.T, []Seed) Store) {
	s := open(t, ContractSeed())
	l, err := s.Layout(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if l.Name == "" || l.Title == "" || l.Link == "" {
		t.Errorf("Name, Title, Link = %q, %q, %q; want each set", l.Name, l.Title, l.Link)
	}
	if !strings.Contains(l.Name, l.Title) {
		t.Errorf("Name %q does not name the source %q", l.Name, l.Title)
	}
	want := []sheets.TabInfo{{Title: "Subscriptions"}, {Title: "FX"}, {Title: "Notes"}}
	if diff := cmp.Diff(want, l.Tabs); diff != "" {
		t.Errorf("tabs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Subscriptions", "FX", "Notes"}, l.Titles()); diff != "" {
		t.Errorf("Titles (-want +got):\n%s", diff)
	}
}

func contractLoad(t *testing.T, open func(*testing.T, []Seed) Store) {
	s := open(t, ContractSeed())
	l := load(t, s, "")
	if l.HeaderRow != 2 || l.Rows != 4 || l.Book.Len() != 3 {
		t.Errorf("HeaderRow, Rows, Book.Len() = %d, %d, %d; want 2, 4, 3", l.HeaderRow, l.Rows, l.Book.Len())
	}
	type where struct {
		Row            int
		Column, Header string
	}
	var bad []where
	for _, is := range l.Errors {
		bad = append(bad, where{is.Row, is.Column, is.Header})
	}
	if diff := cmp.Diff([]where{{6, calc.FieldAmount, "Amount"}}, bad); diff != "" {
		t.Errorf("rows left out (-want +got):\n%s", diff)
	}
	if r, ok := l.Rates["EUR"]; !ok || r.String() != "1.1" || len(l.Rates) != 1 {
		t.Errorf("Rates = %v, want EUR 1.1", l.Rates)
	}
	// c1 100; c2 50 EUR at 1.1 from February through March 31; c3 200
	// less 10% from February.
	want := []string{"2025-01 100", "2025-02 335", "2025-03 335", "2025-04 280"}
	if diff := cmp.Diff(want, endings(l)); diff != "" {
		t.Errorf("ending MRR (-want +got):\n%s", diff)
	}
	res := l.Book.Compute(contractAsOf)
	names := map[string]string{}
	for _, c := range res.Customers {
		names[c.ID] = c.Name
	}
	if names["c3"] != "=1+1" {
		t.Errorf("customer c3 is named %q, want the text =1+1", names["c3"])
	}
	if l.Books != nil {
		t.Errorf("Books = %+v, want none before a write", l.Books)
	}

	_, err := s.Load(context.Background(), sheets.Options{Tab: "Nope"})
	if err == nil || !strings.Contains(err.Error(), `no tab "Nope"`) {
		t.Errorf("Load of a missing tab: err = %v, want one naming the tab", err)
	}
	if l, err := s.Load(context.Background(), sheets.Options{Tab: "subscriptions"}); err != nil || l.Rows != 4 {
		t.Errorf("Load of the tab named in lower case: %v", err)
	}
}

// summaryTab is a bot tab that holds subscriptions, so that Load reads
// back what Write wrote: typed amounts and dates, and a name that looks
// like a formula.
func summaryTab(name string, rows int) sheets.Tab {
	t := sheets.Tab{
		Name: name, Role: sheets.RoleSummary, FrozenRows: 1,
		Columns: []sheets.TabColumn{
			{Title: "Customer ID", Width: 120}, {Title: "Company"}, {Title: "Plan"},
			{Title: "Amount", Format: sheets.FormatCurrency, Pattern: "#,##0.00"},
			{Title: "Start Date", Format: sheets.FormatDate, Pattern: "yyyy-mm-dd"},
		},
	}
	for i := range rows {
		t.Rows = append(t.Rows, []sheets.Cell{
			sheets.TextCell(fmt.Sprintf("b%d", i+1)), sheets.TextCell("=1+1"), sheets.TextCell("Pro"),
			sheets.NumberCell(fmt.Sprintf("%d.50", 10*(i+1)), sheets.FormatNone), sheets.DateCell(mustDate("2025-01-01")),
		})
	}
	return t
}

// contractBooks is what a history tab records.
func contractBooks(t *testing.T, s Store) calc.Books {
	t.Helper()
	l := load(t, s, "")
	res := l.Book.Compute(contractAsOf)
	return calc.Books{History: res.History(calc.LastClosed(contractAsOf)), Prints: l.Book.Prints(), Closed: calc.MonthOf(2025, 2)}
}

func contractWrite(t *testing.T, open func(*testing.T, []Seed) Store) {
	ctx := context.Background()
	s := open(t, ContractSeed())
	books := contractBooks(t, s)
	res, err := s.Write(ctx, []sheets.Tab{summaryTab("MRR Summary", 2), sheets.HistoryTab(books)})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if diff := cmp.Diff(&sheets.WriteResult{Created: []string{"MRR Summary", sheets.HistoryTabName}}, res); diff != "" {
		t.Errorf("first write (-want +got):\n%s", diff)
	}
	want := []sheets.TabInfo{
		{Title: "Subscriptions"}, {Title: "FX"}, {Title: "Notes"},
		{Title: "MRR Summary", Role: sheets.RoleSummary},
		{Title: sheets.HistoryTabName, Role: sheets.RoleHistory, Hidden: true},
	}
	if diff := cmp.Diff(want, visible(t, s)); diff != "" {
		t.Errorf("tabs after the first write (-want +got):\n%s", diff)
	}

	// What was written reads back: the typed cells, the text as text.
	back := load(t, s, "MRR Summary")
	if back.Rows != 2 || len(back.Errors) != 0 {
		t.Errorf("MRR Summary read back: %d rows, errors %v; want 2, none", back.Rows, back.Errors)
	}
	if diff := cmp.Diff([]string{"2025-01 31", "2025-02 31", "2025-03 31", "2025-04 31"}, endings(back)); diff != "" {
		t.Errorf("MRR Summary read back, ending MRR (-want +got):\n%s", diff)
	}
	for _, c := range back.Book.Compute(contractAsOf).Customers {
		if c.Name != "=1+1" {
			t.Errorf("customer %s is named %q, want the text =1+1", c.ID, c.Name)
		}
	}
	// The person's tabs are as they were, and the history is kept.
	l := load(t, s, "")
	if diff := cmp.Diff([]string{"2025-01 100", "2025-02 335", "2025-03 335", "2025-04 280"}, endings(l)); diff != "" {
		t.Errorf("subscriptions after the write (-want +got):\n%s", diff)
	}
	if l.Books == nil {
		t.Fatal("Books = nil after writing the history tab")
	}
	if diff := cmp.Diff(books, *l.Books); diff != "" {
		t.Errorf("history read back (-want +got):\n%s", diff)
	}

	// A second write finds the bot's tab by its role: renamed, with fewer
	// rows, and no second tab.
	res, err = s.Write(ctx, []sheets.Tab{summaryTab("Summary", 1), sheets.HistoryTab(books)})
	if err != nil {
		t.Fatalf("second Write: %v", err)
	}
	if diff := cmp.Diff(&sheets.WriteResult{Updated: []string{"Summary", sheets.HistoryTabName}}, res); diff != "" {
		t.Errorf("second write (-want +got):\n%s", diff)
	}
	want[3].Title = "Summary"
	if diff := cmp.Diff(want, visible(t, s)); diff != "" {
		t.Errorf("tabs after the second write (-want +got):\n%s", diff)
	}
	if back := load(t, s, "Summary"); back.Rows != 1 {
		t.Errorf("Summary read back: %d rows, want 1", back.Rows)
	}
}

func contractConflict(t *testing.T, open func(*testing.T, []Seed) Store) {
	ctx := context.Background()
	seed := append(ContractSeed(), Seed{Title: "MRR Summary", Rows: contractSubscriptions()})
	s := open(t, seed)
	before := visible(t, s)
	_, err := s.Write(ctx, []sheets.Tab{sheets.HistoryTab(contractBooks(t, s)), summaryTab("MRR Summary", 2)})
	var ce *sheets.TabConflictError
	if !errors.As(err, &ce) || ce.Tab != "MRR Summary" || ce.Role != sheets.RoleSummary {
		t.Fatalf("Write over a person's tab: err = %v, want a *TabConflictError for MRR Summary", err)
	}
	if !strings.Contains(err.Error(), "--summary-tab") {
		t.Errorf("the error %q does not say which flag picks another name", err)
	}
	if diff := cmp.Diff(before, visible(t, s)); diff != "" {
		t.Errorf("tabs after the refused write (-want +got):\n%s", diff)
	}
	l := load(t, s, "MRR Summary")
	if diff := cmp.Diff([]string{"2025-01 100", "2025-02 335", "2025-03 335", "2025-04 280"}, endings(l)); diff != "" {
		t.Errorf("the person's MRR Summary after the refused write (-want +got):\n%s", diff)
	}
	if l.Books != nil {
		t.Error("the refused write wrote the history tab")
	}
}

func contractAtomic(t *testing.T, open func(*testing.T, []Seed) Store) {
	s := open(t, ContractSeed())
	before := visible(t, s)
	bad := summaryTab("MRR Movements", 2)
	bad.Role = sheets.RoleMovements
	bad.ColorScales = []sheets.ColorScale{{FirstRow: 0, LastRow: 5, FirstColumn: 3, LastColumn: 3, Min: "0", Max: "1", Low: "#ffffff", High: "#000000"}}
	if _, err := s.Write(context.Background(), []sheets.Tab{summaryTab("MRR Summary", 2), bad}); err == nil {
		t.Fatal("Write with a colour scale past the tab's rows: no error")
	}
	if diff := cmp.Diff(before, visible(t, s)); diff != "" {
		t.Errorf("tabs after the failed write (-want +got):\n%s", diff)
	}
}

func contractLedger(t *testing.T, open func(*testing.T, []Seed) Store) {
	ctx := context.Background()
	s := open(t, ContractSeed())
	const key, other = "digest/C123/2026-10", "digest/C123/2026-11"
	claim := func(l sheets.Ledger, key string, want bool) {
		t.Helper()
		got, err := l.Claim(ctx, key, "posted 2026-11-01T09:00:00Z by host-a")
		if err != nil {
			t.Fatalf("Claim(%q): %v", key, err)
		}
		if got != want {
			t.Fatalf("Claim(%q) = %v, want %v", key, got, want)
		}
	}
	before := visible(t, s)
	l := s.Ledger()
	claim(l, key, true)
	claim(l, key, false)
	claim(s.Ledger(), key, false) // another ledger of the same data
	claim(l, other, true)
	if diff := cmp.Diff(before, visible(t, s)); diff != "" {
		t.Errorf("claims changed the tabs people see (-want +got):\n%s", diff)
	}
	if err := l.Release(ctx, key); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if err := s.Ledger().Release(ctx, "digest/never/claimed"); err != nil {
		t.Errorf("Release of a key never claimed: %v", err)
	}
	claim(s.Ledger(), key, true)

	// A write keeps the claims.
	if _, err := s.Write(ctx, []sheets.Tab{summaryTab("MRR Summary", 1)}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	claim(s.Ledger(), key, false)
	claim(s.Ledger(), other, false)

	// Of claims that race, exactly one wins.
	const hosts = 6
	var won atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range hosts {
		l := s.Ledger()
		wg.Go(func() {
			<-start
			ok, err := l.Claim(ctx, "digest/C123/2026-12", fmt.Sprintf("posted by host-%d", i))
			if err != nil {
				t.Errorf("host %d: Claim: %v", i, err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := won.Load(); n != 1 {
		t.Errorf("%d of %d racing claims won, want exactly 1", n, hosts)
	}
	if !slices.ContainsFunc(visible(t, s), func(tab sheets.TabInfo) bool { return tab.Role == sheets.RoleSummary }) {
		t.Error("the claims lost the bot's summary tab")
	}
}

// contractHistory writes a history tab whose IDs and plans look like
// formulas, numbers, dates and the tab's own separators, with a customer
// whose records fill more than a cell, and reads the same books back.
func contractHistory(t *testing.T, open func(*testing.T, []Seed) Store) {
	ctx := context.Background()
	s := open(t, ContractSeed())
	ids := []string{"=1+1", "00123", "'quoted", "Acme, Inc; \"50%\"", "line\nbreak", " padded ", "日本~🙂", "2025-04:100", "+44 20", "TRUE"}
	var entries []calc.HistoryEntry
	var prints []calc.RowPrint
	for i, id := range ids {
		entries = append(entries,
			calc.HistoryEntry{Customer: id, Month: calc.MonthOf(2025, 1), MRR: calc.Fixed(i+1) * calc.One / 3},
			calc.HistoryEntry{Customer: id, Month: calc.MonthOf(2025, 2), MRR: 0})
		prints = append(prints, calc.RowPrint{Row: 3 + i, Customer: id, Plan: ids[len(ids)-1-i], Start: calc.DateOf(2025, 1, 1), End: calc.NoEnd, MRR: calc.Fixed(i+1) * calc.One / 3})
	}
	// A plan of 40,000 characters: its record is cut across cells.
	prints = append(prints, calc.RowPrint{Row: 20, Customer: "big", Plan: strings.Repeat("=;,~%", 8000), Start: calc.DateOf(2025, 1, 1), End: calc.DateOf(2025, 12, 31), MRR: calc.One, Currency: "EUR"})
	for i := range prints {
		prints[i].Hash = prints[i].ContentHash()
	}
	h, err := calc.NewHistory(calc.MonthOf(2025, 2), entries)
	if err != nil {
		t.Fatal(err)
	}
	books := calc.Books{History: h, Prints: prints, Closed: calc.MonthOf(2025, 1)}
	if _, err := s.Write(ctx, []sheets.Tab{sheets.HistoryTab(books)}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	l := load(t, s, "")
	if l.Books == nil {
		t.Fatal("Books = nil after writing the history tab")
	}
	if diff := cmp.Diff(books, *l.Books); diff != "" {
		t.Errorf("history read back (-want +got):\n%s", diff)
	}
}
