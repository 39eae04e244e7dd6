package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
)

// thirtyMonths is a book with a customer starting every month from January
// 2024 and one leaving every third month, computed as of 2026-06-10: 30
// months, the last to date.
func thirtyMonths(t *testing.T) *calc.Result {
	t.Helper()
	book, err := calc.NewBook("USD", nil)
	if err != nil {
		t.Fatal(err)
	}
	jan := calc.MonthOf(2024, time.January)
	for i := range 30 {
		end := calc.NoEnd
		if i%3 == 0 {
			end = (jan + calc.Month(i+2)).LastDay()
		}
		if err := book.Add(&calc.Subscription{
			Row: i + 2, CustomerID: fmt.Sprintf("C%02d", i),
			Amount: calc.Fixed(100+i) * calc.One, Quantity: calc.One, Interval: calc.Monthly,
			Start: (jan + calc.Month(i)).FirstDay(), End: end,
		}); err != nil {
			t.Fatal(err)
		}
	}
	return book.Compute(calc.DateOf(2026, time.June, 10))
}

// TestChartTab checks the chart's tab: the last 24 months of the summary's
// plotted columns, the chart right beside them, the movements stacked in
// the Slack chart's colours and the ending MRR as a line on the right axis.
func TestChartTab(t *testing.T) {
	res := thirtyMonths(t)
	if len(res.Months) != 30 {
		t.Fatalf("%d months, want 30", len(res.Months))
	}
	tabs := Tabs(res, nil, nil, DefaultTabNames)
	sum, tab := tabs[0], byRole(t, tabs, sheets.RoleChart)
	if tabs[1].Role != sheets.RoleChart || tab.Name != "MRR Chart" {
		t.Errorf("second tab is %q (%s), want the chart's, MRR Chart", tabs[1].Name, tabs[1].Role)
	}

	var titles []string
	for _, c := range tab.Columns {
		titles = append(titles, c.Title)
	}
	if diff := cmp.Diff([]string{"Month", "New", "Expansion", "Reactivation", "Contraction", "Churn", "Ending MRR"}, titles); diff != "" {
		t.Errorf("chart tab columns (-want +got):\n%s", diff)
	}
	// The last 24 months, July 2024 to June 2026, cell for cell the
	// summary's.
	if len(tab.Rows) != 24 {
		t.Fatalf("%d rows, want 24", len(tab.Rows))
	}
	for r, row := range tab.Rows {
		want := sum.Rows[len(sum.Rows)-24+r]
		for i, title := range titles {
			if row[i] != want[column(t, sum, title)] {
				t.Errorf("row %d %s = %+v, the summary has %+v", r+2, title, row[i], want[column(t, sum, title)])
			}
		}
	}
	if got, want := tab.Rows[0][0], sheets.DateCell(calc.DateOf(2024, time.July, 1)); got != want {
		t.Errorf("first month %+v, want July 2024", got)
	}

	ch := tab.Chart
	if ch == nil {
		t.Fatal("chart tab has no chart")
	}
	type series struct {
		Title, Color    string
		Line, RightAxis bool
	}
	var got []series
	for _, s := range ch.Series {
		got = append(got, series{tab.Columns[s.Column].Title, s.Color, s.Line, s.RightAxis})
	}
	want := []series{
		{"New", "#2e7d32", false, false},
		{"Expansion", "#81c784", false, false},
		{"Reactivation", "#428bca", false, false},
		{"Contraction", "#f5a623", false, false},
		{"Churn", "#d32f2f", false, false},
		{"Ending MRR", "#263238", true, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chart series (-want +got):\n%s", diff)
	}
	if !ch.Stacked || ch.Domain != 0 || ch.Column != len(tab.Columns) {
		t.Errorf("chart stacked %t, domain %d, at column %d; want true, 0, %d", ch.Stacked, ch.Domain, ch.Column, len(tab.Columns))
	}
	if want := "MRR movements, Jul 2024 – Jun 2026 (Jun to date)"; ch.Title != want {
		t.Errorf("chart title %q, want %q", ch.Title, want)
	}

	// Seen without scrolling: the row numbers (46 pixels), the columns and
	// the chart fit in the 1280 pixels of grid a laptop's browser shows.
	width := 46 + ch.Width
	for _, c := range tab.Columns {
		width += c.Width
	}
	if width > 1280 {
		t.Errorf("the chart tab is %d pixels wide with its chart, more than a laptop's 1280", width)
	}
}

// TestChartTabShort checks a result of fewer than 24 months: every month,
// and a title of one month.
func TestChartTabShort(t *testing.T) {
	fx := loadFixture(t)
	tab := byRole(t, Tabs(fx.res, nil, nil, DefaultTabNames), sheets.RoleChart)
	if len(tab.Rows) != len(fx.res.Months) {
		t.Errorf("%d rows, want the fixture's %d months", len(tab.Rows), len(fx.res.Months))
	}

	book, err := calc.NewBook("EUR", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := book.Add(&calc.Subscription{Row: 2, CustomerID: "C1", Amount: 50 * calc.One, Quantity: calc.One,
		Interval: calc.Monthly, Start: calc.DateOf(2026, time.March, 1), End: calc.NoEnd}); err != nil {
		t.Fatal(err)
	}
	one := byRole(t, Tabs(book.Compute(calc.DateOf(2026, time.March, 31)), nil, nil, DefaultTabNames), sheets.RoleChart)
	if want := "MRR movements, Mar 2026"; one.Chart.Title != want {
		t.Errorf("title %q, want %q", one.Chart.Title, want)
	}
	empty := byRole(t, Tabs(&calc.Result{Currency: "USD"}, nil, nil, DefaultTabNames), sheets.RoleChart)
	if len(empty.Rows) != 0 || empty.Chart.Title != "MRR movements" {
		t.Errorf("no months: %d rows, title %q", len(empty.Rows), empty.Chart.Title)
	}
}

// TestHeadersFit checks that no header is cut off: every column is at least
// as wide as its title in Arial Bold 10 pt, the font of a Google
// spreadsheet's header, plus a little room. The widths below are measured
// in Liberation Sans Bold, whose letters are Arial's, at 13⅓ pixels.
func TestHeadersFit(t *testing.T) {
	arialBold := map[string]int{
		"Reactivated Customers": 148,
		"Churned Customers":     128,
		"Gross MRR Churn":       116,
		"Starting MRR":          84,
		"Month":                 40,
		"MRR before":            75,
	}
	fx := loadFixture(t)
	seen := map[string]bool{}
	for _, tab := range Tabs(fx.res, fx.errs, fx.warnings, DefaultTabNames) {
		for _, c := range tab.Columns {
			if w, ok := arialBold[c.Title]; ok {
				seen[c.Title] = true
				if c.Width < w+8 {
					t.Errorf("%s, %q: %d pixels wide, its header needs %d and some room", tab.Name, c.Title, c.Width, w)
				}
			}
		}
	}
	for title := range arialBold {
		if !seen[title] {
			t.Errorf("no tab has a column %q", title)
		}
	}
}

// TestIssuesWrap checks that the Data Issues tab wraps its Problem and
// Value columns, and sizes its Column column to the sheet's headers.
func TestIssuesWrap(t *testing.T) {
	long := strings.Repeat("a very long reason ", 20)
	errs := []calc.Issue{{Row: 2, Column: "start_date", Header: "Subscription Start Date (UTC)", Value: "2025-13-45", Message: long}}
	tab := byRole(t, Tabs(&calc.Result{Currency: "USD"}, errs, nil, DefaultTabNames), sheets.RoleIssues)
	for _, title := range []string{"Problem", "Value"} {
		if c := tab.Columns[column(t, tab, title)]; !c.Wrap {
			t.Errorf("%s does not wrap", title)
		}
	}
	if c := tab.Columns[column(t, tab, "Row")]; c.Wrap {
		t.Error("Row wraps")
	}
	// "Subscription Start Date (UTC)" is about 190 pixels in Arial 10 pt.
	if w := tab.Columns[column(t, tab, "Column")].Width; w < 190 {
		t.Errorf("Column is %d pixels wide, too narrow for %q", w, errs[0].Header)
	}
}
