package gsheets_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

const id = "sheet-under-test"

// seedGenerated puts n generated subscription rows into the stand-in as
// text cells, as a sheet imported from a CSV holds them.
func seedGenerated(t testing.TB, srv *sheetstest.Server, n, customers int) {
	t.Helper()
	srv.AddSpreadsheet(id, "Generated", "en_US")
	srv.AddSheet(id, "Subscriptions", n+1, len(calctest.Header))
	rows := make([][]*sheetsapi.CellData, 0, n+1)
	row := func(rec []string) []*sheetsapi.CellData {
		out := make([]*sheetsapi.CellData, len(rec))
		for i, v := range rec {
			out[i] = sheetstest.String(v)
		}
		return out
	}
	rows = append(rows, row(calctest.Header))
	calctest.EachFor(n, customers, 1, func(rec []string) { rows = append(rows, row(rec)) })
	srv.SetCells(id, "Subscriptions!A1", rows)
	srv.AddSheet(id, "FX", 0, 0)
	srv.SetCells(id, "FX!A1", [][]*sheetsapi.CellData{
		{sheetstest.String("currency"), sheetstest.String("rate")},
		{sheetstest.String("EUR"), sheetstest.Number(1.0834)},
	})
}

// syncOnce does what `mrrbot sync` does against the stand-in.
func syncOnce(t testing.TB, g *gsheets.Spreadsheet) []sheets.Tab {
	t.Helper()
	ctx := context.Background()
	_, err := g.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tabs := syncTabs(t, g)
	if _, err := g.Write(ctx, tabs); err != nil {
		t.Fatal(err)
	}
	return tabs
}

// syncTabs reads the subscriptions and makes the tabs a sync writes.
func syncTabs(t testing.TB, g *gsheets.Spreadsheet) []sheets.Tab {
	t.Helper()
	l, err := g.Load(context.Background(), sheets.Options{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	res := l.Book.Compute(calc.DateOf(2026, 3, 15))
	return report.Tabs(res, l.Errors, res.Warnings, report.DefaultTabNames)
}

func newGoogle(t testing.TB, srv *sheetstest.Server) *gsheets.Spreadsheet {
	t.Helper()
	return newGoogleVia(t, srv, &http.Client{})
}

// newGoogleVia is a Spreadsheet that talks to srv through hc.
func newGoogleVia(t testing.TB, srv *sheetstest.Server, hc *http.Client) *gsheets.Spreadsheet {
	t.Helper()
	g, err := gsheets.New(hc, srv.URL(), id, gsheets.Identity{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestWriteTabsLarge syncs 5,000 customers: thousands of movement rows,
// far past a new tab's 1000-row grid, in one write of three calls.
func TestWriteTabsLarge(t *testing.T) {
	srv := sheetstest.New(t)
	seedGenerated(t, srv, 6_000, 5_000)
	g := newGoogle(t, srv)
	tabs := syncOnce(t, g)
	if calls := srv.Calls().Total; calls != 3 {
		t.Errorf("sync made %d calls, want 3: %v", calls, srv.Calls().ByMethod)
	}
	if n := len(tabs[2].Rows); n < 5000 {
		t.Errorf("only %d movement rows; the test wants thousands", n)
	}
	checkTabsWritten(t, srv, tabs)
}

// TestWriteTabsStaged forces the staged path with a small request limit:
// the result must be the same tabs, and a second staged write replaces
// them without leaving staging tabs behind.
func TestWriteTabsStaged(t *testing.T) {
	srv := sheetstest.New(t)
	seedGenerated(t, srv, 3_000, 1_000)
	ct := &countingTransport{}
	g := newGoogleVia(t, srv, &http.Client{Transport: ct})
	const limit = 48 << 10 // several values calls, cut inside tabs and between them
	g.SetMaxRequest(limit)
	tabs := syncOnce(t, g)
	calls := srv.Calls().Total
	if calls <= 3 {
		t.Errorf("staged sync made only %d calls", calls)
	}
	t.Logf("staged sync of %d movement rows: %d calls", len(tabs[2].Rows), calls)
	checkTabsWritten(t, srv, tabs)
	syncOnce(t, g)
	checkTabsWritten(t, srv, tabs)
	if n := ct.largest.Load(); n > limit || n < limit/2 {
		t.Errorf("the largest request was %d bytes, want at most the limit, %d, and near it", n, limit)
	}
}

// TestWriteTabsStagedFailure fails a staged write part way: the previous
// tabs stay as they were, and the next write cleans up.
func TestWriteTabsStagedFailure(t *testing.T) {
	srv := sheetstest.New(t)
	seedGenerated(t, srv, 3_000, 1_000)
	g := newGoogle(t, srv)
	tabs := syncOnce(t, g)
	before := srv.Spreadsheet(id)

	g.SetMaxRequest(200 << 10)
	ctx := context.Background()
	_, err := g.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Let the staging tabs be created and one chunk written, then fail.
	srv.FailAfter(2, 400)
	if _, err := g.Write(ctx, tabs); err == nil {
		t.Fatal("write did not fail")
	}
	mid := srv.Spreadsheet(id)
	for _, name := range []string{"MRR Summary", "MRR Movements", "Data Issues"} {
		if fmt.Sprint(tabCells(before, name)) != fmt.Sprint(tabCells(mid, name)) {
			t.Errorf("tab %s changed by a failed write", name)
		}
	}
	srv.FailNext(0, 0, 0)
	g.SetMaxRequest(gsheets.DefaultMaxRequest)
	syncOnce(t, g)
	for _, sh := range srv.Spreadsheet(id).Sheets {
		if strings.HasPrefix(sh.Properties.Title, "_mrrbot_staging") {
			t.Errorf("staging tab %s left behind", sh.Properties.Title)
		}
	}
	checkTabsWritten(t, srv, tabs)
}

func tabCells(ss *sheetsapi.Spreadsheet, title string) [][]string {
	for _, sh := range ss.Sheets {
		if sh.Properties.Title != title {
			continue
		}
		var out [][]string
		for _, g := range sh.Data {
			for _, rd := range g.RowData {
				var row []string
				for _, cd := range rd.Values {
					s := ""
					if cd != nil && cd.UserEnteredValue != nil {
						if v := cd.UserEnteredValue; v.NumberValue != nil {
							s = fmt.Sprint(*v.NumberValue)
						} else if v.StringValue != nil {
							s = *v.StringValue
						}
					}
					row = append(row, s)
				}
				out = append(out, row)
			}
		}
		return out
	}
	return nil
}

// checkTabsWritten compares the stand-in's bot tabs with what was meant.
func checkTabsWritten(t *testing.T, srv *sheetstest.Server, tabs []sheets.Tab) {
	t.Helper()
	ss := srv.Spreadsheet(id)
	count := map[string]int{}
	charts := 0
	for _, sh := range ss.Sheets {
		count[sh.Properties.Title]++
		charts += len(sh.Charts)
		if strings.HasPrefix(sh.Properties.Title, "_mrrbot_staging") {
			t.Errorf("staging tab %s left", sh.Properties.Title)
		}
	}
	if charts != 1 {
		t.Errorf("%d charts, want 1", charts)
	}
	for _, tab := range tabs {
		if count[tab.Name] != 1 {
			t.Errorf("%d tabs named %q", count[tab.Name], tab.Name)
			continue
		}
		got := tabCells(ss, tab.Name)
		if len(got) != len(tab.Rows)+1 {
			t.Errorf("tab %s has %d rows, want %d", tab.Name, len(got), len(tab.Rows)+1)
			continue
		}
		if len(tab.Rows) == 0 {
			continue
		}
		// Spot-check the last row's text cells.
		last := tab.Rows[len(tab.Rows)-1]
		for i, c := range last {
			if c.Kind == sheets.Text && got[len(got)-1][i] != c.Text {
				t.Errorf("tab %s last row, column %d = %q, want %q", tab.Name, i, got[len(got)-1][i], c.Text)
			}
		}
	}
}

// TestWriteTabsNoIssues writes a sheet whose data is clean: the Data
// Issues tab has only its header, and Google refuses a tab whose every row
// is frozen.
func TestWriteTabsNoIssues(t *testing.T) {
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(id, "Clean", "en_US")
	srv.AddSheet(id, "Subscriptions", 0, 0)
	srv.SetCells(id, "Subscriptions!A1", [][]*sheetsapi.CellData{
		{sheetstest.String("Customer"), sheetstest.String("Amount"), sheetstest.String("Start")},
		{sheetstest.String("C1"), sheetstest.Number(100), sheetstest.Date(2025, 1, 10)},
	})
	tabs := syncOnce(t, newGoogle(t, srv))
	if n := len(tabs[3].Rows); n != 0 {
		t.Fatalf("issues tab has %d rows, want none", n)
	}
	if got := tabCells(srv.Spreadsheet(id), "Data Issues"); len(got) == 0 || got[0][0] != "Row" {
		t.Errorf("issues tab = %v, want its header", got)
	}
}

// scaledTab is a tab of n rows whose Growth column has a colour scale.
func scaledTab(n int) sheets.Tab {
	tab := sheets.Tab{
		Name: "MRR Summary",
		Role: sheets.RoleSummary,
		Columns: []sheets.TabColumn{
			{Title: "Month", Format: sheets.FormatDate, Pattern: "mmm yyyy"},
			{Title: "Ending MRR", Format: sheets.FormatCurrency, Pattern: "#,##0.00"},
			{Title: "MoM Growth", Format: sheets.FormatPercent, Pattern: "0.0%"},
		},
		FrozenRows: 1,
		ColorScales: []sheets.ColorScale{{
			FirstRow: 0, LastRow: n - 1, FirstColumn: 2, LastColumn: 2,
			Min: "-0.1", Mid: "0", Max: "0.1", Low: "#e67c73", MidColor: "#ffffff", High: "#57bb8a",
		}},
	}
	for i := range n {
		tab.Rows = append(tab.Rows, []sheets.Cell{
			sheets.DateCell(calc.DateOf(2025, 1, 1) + calc.Date(31*i)),
			sheets.NumberCell(fmt.Sprintf("%d.00", 1000+10*i), sheets.FormatCurrency),
			sheets.NumberCell(fmt.Sprintf("0.%03d", i%200), sheets.FormatPercent),
		})
	}
	return tab
}

// TestWriteTabsColorScales writes a tab with a colour scale again and
// again, with more rows and fewer, directly and through staging tabs:
// each time the tab holds exactly its one gradient rule.
func TestWriteTabsColorScales(t *testing.T) {
	for _, tt := range []struct {
		name       string
		maxRequest int
		staged     bool
	}{
		{"one request", gsheets.DefaultMaxRequest, false},
		{"staged", 4 << 10, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := sheetstest.New(t)
			srv.AddSpreadsheet(id, "Scaled", "en_US")
			srv.AddSheet(id, "Subscriptions", 0, 0)
			g := newGoogle(t, srv)
			g.SetMaxRequest(tt.maxRequest)
			ctx := context.Background()
			write := func(tabs ...sheets.Tab) {
				t.Helper()
				_, err := g.Layout(ctx)
				if err != nil {
					t.Fatal(err)
				}
				srv.ResetCalls()
				if _, err := g.Write(ctx, tabs); err != nil {
					t.Fatal(err)
				}
				if calls := srv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; (calls > 1) != tt.staged {
					t.Errorf("%d batchUpdate calls; staged = %v", calls, tt.staged)
				}
			}
			for _, n := range []int{120, 120, 40, 300} {
				write(scaledTab(n))
				rules, sheetID := summaryRules(t, srv)
				point := func(value string, r, g, b float64) *sheetsapi.InterpolationPoint {
					return &sheetsapi.InterpolationPoint{Type: "NUMBER", Value: value, ColorStyle: &sheetsapi.ColorStyle{
						RgbColor: &sheetsapi.Color{Red: r / 255, Green: g / 255, Blue: b / 255},
					}}
				}
				want := []*sheetsapi.ConditionalFormatRule{{
					Ranges: []*sheetsapi.GridRange{{SheetId: sheetID, StartRowIndex: 1, EndRowIndex: int64(n) + 1, StartColumnIndex: 2, EndColumnIndex: 3}},
					GradientRule: &sheetsapi.GradientRule{
						Minpoint: point("-0.1", 0xe6, 0x7c, 0x73),
						Midpoint: point("0", 0xff, 0xff, 0xff),
						Maxpoint: point("0.1", 0x57, 0xbb, 0x8a),
					},
				}}
				if diff := cmp.Diff(want, rules); diff != "" {
					t.Errorf("%d rows: rules (-want +got):\n%s", n, diff)
				}
			}
			// A tab written without colour scales loses its rule.
			tab := scaledTab(200)
			tab.ColorScales = nil
			write(tab)
			if rules, _ := summaryRules(t, srv); rules != nil {
				t.Errorf("rules after a write without colour scales: %+v", rules)
			}
		})
	}
}

// summaryRules returns the conditional format rules of the stand-in's
// MRR Summary tab, and the tab's ID.
func summaryRules(t *testing.T, srv *sheetstest.Server) ([]*sheetsapi.ConditionalFormatRule, int64) {
	t.Helper()
	var found *sheetsapi.Sheet
	for _, sh := range srv.Spreadsheet(id).Sheets {
		if strings.HasPrefix(sh.Properties.Title, "_mrrbot_staging") {
			t.Errorf("staging tab %s left", sh.Properties.Title)
		}
		if sh.Properties.Title == "MRR Summary" {
			if found != nil {
				t.Fatal("two MRR Summary tabs")
			}
			found = sh
		}
	}
	if found == nil {
		t.Fatal("no MRR Summary tab")
	}
	return found.ConditionalFormats, found.Properties.SheetId
}

// TestWriteTabsBadColorScale refuses a colour scale outside its tab before
// anything is written.
func TestWriteTabsBadColorScale(t *testing.T) {
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(id, "Scaled", "en_US")
	srv.AddSheet(id, "Subscriptions", 0, 0)
	g := newGoogle(t, srv)
	ctx := context.Background()
	_, err := g.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tab := scaledTab(5)
	tab.ColorScales[0].LastColumn = 3
	_, err = g.Write(ctx, []sheets.Tab{tab})
	if err == nil || !strings.Contains(err.Error(), `tab "MRR Summary": colour scale 1: columns 2–3 are not within the tab's 3 columns`) {
		t.Errorf("err = %v", err)
	}
	if calls := srv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; calls != 0 {
		t.Errorf("%d batchUpdate calls, want none", calls)
	}
}

// gridCells counts the cells of every tab of the spreadsheet, as Google
// does against its limit.
func gridCells(ss *sheetsapi.Spreadsheet) (all, bot int64) {
	for _, sh := range ss.Sheets {
		gp := sh.Properties.GridProperties
		cells := gp.RowCount * gp.ColumnCount
		all += cells
		if sh.Properties.Title != "Subscriptions" && sh.Properties.Title != "FX" && !strings.HasPrefix(sh.Properties.Title, "Filler") {
			bot += cells
		}
	}
	return all, bot
}

// testCellLimit is the cell limit of the tests that fill a spreadsheet to
// it: a tenth of Google's, so that the tab that fills it is small.
const testCellLimit = gsheets.CellLimit / 10

// lowerCellLimit gives the stand-in's spreadsheet and g the cell limit
// testCellLimit.
func lowerCellLimit(srv *sheetstest.Server, g *gsheets.Spreadsheet) {
	srv.SetMaxCells(id, testCellLimit)
	g.SetCellLimit(testCellLimit)
}

// TestWriteStagedNearCellLimit fills a spreadsheet so that the new tabs
// fit Google's cell limit in place of the old ones but not beside them: a
// staged write removes the old tabs first and writes the new ones; the
// spreadsheet never passes the limit (the stand-in refuses, as Google
// does).
func TestWriteStagedNearCellLimit(t *testing.T) {
	srv := sheetstest.New(t)
	seedGenerated(t, srv, 3_000, 1_000)
	g := newGoogle(t, srv)
	lowerCellLimit(srv, g)
	tabs := syncOnce(t, g)
	all, bot := gridCells(srv.Spreadsheet(id))
	// Room for the new tabs, and half of them again: not for two copies.
	filler := testCellLimit - all - bot/2
	srv.AddSheet(id, "Filler", int(filler/10), 10)

	g.SetMaxRequest(200 << 10)
	syncOnce(t, g)
	checkTabsWritten(t, srv, tabs)
	after := srv.Spreadsheet(id)
	for _, sh := range after.Sheets {
		if strings.HasPrefix(sh.Properties.Title, "_mrrbot_staging") {
			t.Errorf("staging tab %s left behind", sh.Properties.Title)
		}
	}
	if all, _ := gridCells(after); all > testCellLimit {
		t.Errorf("%d cells, over the limit", all)
	}
}

// TestWriteTabsPastCellLimit leaves no room for the bot's tabs: the
// write is refused before any call that changes the spreadsheet, with a
// message that names the limit, the largest tab and what to do.
func TestWriteTabsPastCellLimit(t *testing.T) {
	for _, staged := range []bool{false, true} {
		t.Run(fmt.Sprintf("staged=%v", staged), func(t *testing.T) {
			srv := sheetstest.New(t)
			seedGenerated(t, srv, 3_000, 1_000)
			all, _ := gridCells(srv.Spreadsheet(id))
			srv.AddSheet(id, "Filler", int((testCellLimit-all)/10)-100, 10)
			g := newGoogle(t, srv)
			lowerCellLimit(srv, g)
			if staged {
				g.SetMaxRequest(200 << 10)
			}
			ctx := context.Background()
			if _, err := g.Layout(ctx); err != nil {
				t.Fatal(err)
			}
			tabs := syncTabs(t, g)
			srv.ResetCalls()
			_, err := g.Write(ctx, tabs)
			if err == nil {
				t.Fatal("a write past the cell limit succeeded")
			}
			for _, want := range []string{"Google's limit of 1,000,000 cells", `"Filler"`, "delete the empty rows and columns"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
			if n := srv.Calls().ByMethod["spreadsheets.batchUpdate"] + srv.Calls().ByMethod["spreadsheets.values.batchUpdate"]; n != 0 {
				t.Errorf("%d writes sent", n)
			}
			if got := len(srv.Spreadsheet(id).Sheets); got != 3 {
				t.Errorf("%d tabs after a refused write, want the 3 there were", got)
			}
		})
	}
}

// TestWriteStagedNeverOverLimit writes, through staging tabs, two tabs
// whose first one ends at every distance from the request limit, a byte
// at a time: no request is larger than the limit, even where the second
// tab's range starts in a body nearly full.
func TestWriteStagedNeverOverLimit(t *testing.T) {
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(id, "Limit", "en_US")
	srv.AddSheet(id, "Sheet1", 10, 5)
	ct := &countingTransport{}
	g := newGoogleVia(t, srv, &http.Client{Transport: ct})
	const limit = 8 << 10
	g.SetMaxRequest(limit)
	ctx := context.Background()
	col := []sheets.TabColumn{{Title: "T"}}
	for extra := range 120 {
		rows := make([][]sheets.Cell, 8)
		for i := range rows {
			rows[i] = []sheets.Cell{sheets.TextCell(strings.Repeat("x", 900+extra))}
		}
		tabs := []sheets.Tab{
			{Name: "One", Role: sheets.RoleMovements, Columns: col, Rows: rows},
			{Name: "Two", Role: sheets.RoleIssues, Columns: col, Rows: [][]sheets.Cell{{sheets.TextCell("y")}}},
		}
		if _, err := g.Layout(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Write(ctx, tabs); err != nil {
			t.Fatalf("extra %d: %v", extra, err)
		}
		if n := ct.largest.Load(); n > limit {
			t.Fatalf("with rows of %d bytes, a request of %d bytes, over the limit of %d", 900+extra, n, limit)
		}
	}
}
