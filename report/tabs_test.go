package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
)

func TestTabsGolden(t *testing.T) {
	fx := loadFixture(t)
	tabs := Tabs(fx.res, fx.errs, fx.warnings, DefaultTabNames)
	if len(tabs) != 6 {
		t.Fatalf("Tabs returned %d tabs, want 6", len(tabs))
	}
	for _, tab := range tabs {
		t.Run(tab.Role, func(t *testing.T) {
			checkGolden(t, tab.Role+".golden", dumpTab(tab))
		})
	}
}

func TestTabNames(t *testing.T) {
	fx := loadFixture(t)
	tabs := Tabs(fx.res, nil, nil, TabNames{Movements: "Moves"})
	var got [][2]string
	for _, tab := range tabs {
		got = append(got, [2]string{tab.Name, tab.Role})
	}
	want := [][2]string{
		{"MRR Summary", sheets.RoleSummary},
		{"MRR Chart", sheets.RoleChart},
		{"Moves", sheets.RoleMovements},
		{"Data Issues", sheets.RoleIssues},
		{"MRR Cohorts", sheets.RoleCohorts},
		{"MRR by Segment", sheets.RoleSegments},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tab names and roles (-want +got):\n%s", diff)
	}
}

// byRole returns the tab of tabs with role, failing the test when there is
// none.
func byRole(t *testing.T, tabs []sheets.Tab, role string) sheets.Tab {
	t.Helper()
	for _, tab := range tabs {
		if tab.Role == role {
			return tab
		}
	}
	t.Fatalf("no %s tab", role)
	return sheets.Tab{}
}

// column returns the index of the column titled title, failing the test
// when there is none.
func column(t *testing.T, tab sheets.Tab, title string) int {
	t.Helper()
	for i, c := range tab.Columns {
		if c.Title == title {
			return i
		}
	}
	t.Fatalf("tab %q has no column %q", tab.Name, title)
	return -1
}

// monthRow returns the summary row of month m.
func monthRow(t *testing.T, tab sheets.Tab, m calc.Month) []sheets.Cell {
	t.Helper()
	want := strconv.Itoa(sheets.Serial(m.FirstDay()))
	for _, row := range tab.Rows {
		if row[0].Text == want {
			return row
		}
	}
	t.Fatalf("tab %q has no row for %s", tab.Name, m)
	return nil
}

// TestSummaryByHand checks the summary against the fixture's hand-worked
// figures (testdata/fixture/README.md and expected.json).
func TestSummaryByHand(t *testing.T) {
	fx := loadFixture(t)
	sum := Tabs(fx.res, fx.errs, fx.warnings, DefaultTabNames)[0]

	var titles []string
	for _, c := range sum.Columns {
		titles = append(titles, c.Title)
	}
	design := []string{"Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn",
		"Net New MRR", "Ending MRR", "ARR", "Customers"}
	if diff := cmp.Diff(design, titles[:len(design)]); diff != "" {
		t.Errorf("first columns are not the waterfall's (-want +got):\n%s", diff)
	}
	// The tab and `mrrbot compute --format csv` show the same columns.
	if diff := cmp.Diff(SummaryHeader, titles[:len(SummaryHeader)]); diff != "" {
		t.Errorf("summary columns follow SummaryHeader (-want +got):\n%s", diff)
	}
	// No chart-data columns: Contraction and Churn are negative already.
	if diff := cmp.Diff([]string{"To Date"}, titles[len(SummaryHeader):]); diff != "" {
		t.Errorf("columns after SummaryHeader (-want +got):\n%s", diff)
	}

	// expected.json, month by month.
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected struct {
		Months []map[string]any `json:"months"`
	}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&expected); err != nil {
		t.Fatal(err)
	}
	if len(sum.Rows) != len(expected.Months) {
		t.Fatalf("%d summary rows, want %d", len(sum.Rows), len(expected.Months))
	}
	keys := map[string]string{
		"Starting MRR": "starting_mrr", "New": "new", "Expansion": "expansion",
		"Reactivation": "reactivation", "Contraction": "contraction", "Churn": "churn",
		"Net New MRR": "net_new", "Ending MRR": "ending_mrr", "ARR": "arr", "Customers": "customers",
		"New Customers": "new_customers", "Churned Customers": "churned_customers",
		"Reactivated Customers": "reactivated_customers",
	}
	for i, em := range expected.Months {
		m, err := calc.ParseMonth(em["month"].(string))
		if err != nil {
			t.Fatal(err)
		}
		row := sum.Rows[i]
		if got, want := row[0], sheets.DateCell(m.FirstDay()); got != want {
			t.Errorf("row %d month = %+v, want %+v (%s)", i+2, got, want, m)
		}
		for title, key := range keys {
			var want string
			switch v := em[key].(type) {
			case string:
				want = v
			case float64:
				want = strconv.Itoa(int(v))
			}
			// The tab shows losses negative, as the waterfall subtracts
			// them; JSON's are magnitudes.
			if (key == "contraction" || key == "churn") && want != "0.00" {
				want = "-" + want
			}
			if got := row[column(t, sum, title)].Text; got != want {
				t.Errorf("%s %s = %s, want %s", m, title, got, want)
			}
		}
	}

	// The values the brief singles out, by hand.
	aug := monthRow(t, sum, calc.MonthOf(2025, time.August))
	for _, tt := range []struct {
		title string
		want  sheets.Cell
	}{
		{"Ending MRR", sheets.NumberCell("2277.44", sheets.FormatCurrency)},
		{"Net New MRR", sheets.NumberCell("201.11", sheets.FormatCurrency)},
		{"New", sheets.NumberCell("28.31", sheets.FormatCurrency)},
		{"Customers", sheets.IntCell(10)},
		// 201.11 ÷ 2076.33 = 0.096858…
		{"MoM Growth", sheets.NumberCell("0.0969", sheets.FormatPercent)},
		// Nothing lost in August: no quick ratio, churn rates of zero.
		{"Quick Ratio", sheets.Cell{}},
		{"Gross MRR Churn", sheets.NumberCell("0.0000", sheets.FormatPercent)},
		{"Contraction", sheets.NumberCell("0.00", sheets.FormatCurrency)},
		{"To Date", sheets.Cell{}},
	} {
		if got := aug[column(t, sum, tt.title)]; got != tt.want {
			t.Errorf("2025-08 %s = %+v, want %+v", tt.title, got, tt.want)
		}
	}
	jan := monthRow(t, sum, calc.MonthOf(2026, time.January))
	for _, tt := range []struct {
		title string
		want  sheets.Cell
	}{
		{"Net New MRR", sheets.NumberCell("-128.31", sheets.FormatCurrency)},
		{"Contraction", sheets.NumberCell("-300.00", sheets.FormatCurrency)},
		{"Churn", sheets.NumberCell("-28.31", sheets.FormatCurrency)},
		// 200 ÷ 328.31 = 0.60918…
		{"Quick Ratio", sheets.NumberCell("0.6092", sheets.FormatNumber)},
		// 1 churned of 12 at the start.
		{"Logo Churn", sheets.NumberCell("0.0833", sheets.FormatPercent)},
	} {
		if got := jan[column(t, sum, tt.title)]; got != tt.want {
			t.Errorf("2026-01 %s = %+v, want %+v", tt.title, got, tt.want)
		}
	}

	// The chart has a tab of its own (TestChartTab).
	if sum.Chart != nil {
		t.Errorf("summary has a chart: %+v", sum.Chart)
	}

	// 2026-03 is measured on 2026-03-15: the month to date.
	mar := monthRow(t, sum, calc.MonthOf(2026, time.March))
	if got, want := mar[column(t, sum, "To Date")], sheets.TextCell("as of 2026-03-15"); got != want {
		t.Errorf("2026-03 To Date = %+v, want %+v", got, want)
	}
}

// TestUndefinedRatios checks that a ratio with a zero denominator is an
// empty cell, never 0.
func TestUndefinedRatios(t *testing.T) {
	fx := loadFixture(t)
	sum := Tabs(fx.res, nil, nil, DefaultTabNames)[0]
	ratios := []string{"MoM Growth", "Logo Churn", "Gross MRR Churn", "Net MRR Churn", "NRR", "Quick Ratio"}

	t.Run("first month starts from zero", func(t *testing.T) {
		apr := monthRow(t, sum, calc.MonthOf(2025, time.April))
		for _, title := range ratios {
			if got := apr[column(t, sum, title)]; got != (sheets.Cell{}) {
				t.Errorf("2025-04 %s = %+v, want an empty cell", title, got)
			}
		}
		if got := apr[column(t, sum, "ARPA")]; got != sheets.NumberCell("274.80", sheets.FormatCurrency) {
			t.Errorf("2025-04 ARPA = %+v, want 274.80 (1374 ÷ 5)", got)
		}
	})

	t.Run("no customers", func(t *testing.T) {
		// A month after everyone left: no ARPA, and every ratio over the
		// starting MRR defined.
		var start, churn calc.Sum
		start.Add(100 * calc.One)
		churn.Add(100 * calc.One)
		res := &calc.Result{Currency: "USD", Months: []calc.Waterfall{{
			Month: calc.MonthOf(2026, time.May), Starting: start, Churn: churn, NetNew: churn.Neg(),
			StartingCustomers: 1, ChurnedCustomers: 1,
		}}}
		tab := Tabs(res, nil, nil, DefaultTabNames)[0]
		row := tab.Rows[0]
		tests := []struct {
			title string
			want  sheets.Cell
		}{
			{"ARPA", sheets.Cell{}},
			{"Ending MRR", sheets.NumberCell("0.00", sheets.FormatCurrency)},
			{"MoM Growth", sheets.NumberCell("-1.0000", sheets.FormatPercent)},
			{"Logo Churn", sheets.NumberCell("1.0000", sheets.FormatPercent)},
			{"NRR", sheets.NumberCell("0.0000", sheets.FormatPercent)},
			{"Quick Ratio", sheets.NumberCell("0.0000", sheets.FormatNumber)},
		}
		for _, tt := range tests {
			if got := row[column(t, tab, tt.title)]; got != tt.want {
				t.Errorf("%s = %+v, want %+v", tt.title, got, tt.want)
			}
		}
	})
}

func TestIssuesByHand(t *testing.T) {
	fx := loadFixture(t)
	issues := byRole(t, Tabs(fx.res, fx.errs, fx.warnings, DefaultTabNames), sheets.RoleIssues)

	type key struct {
		Row    int    `json:"row"`
		Column string `json:"column"`
	}
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "expected_issues.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct{ Errors, Warnings []key }
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	// The tab names each column as the fixture's header row does.
	headers := map[string]string{
		"customer_id": "Customer ID", "start_date": "Start Date", "end_date": "End Date", "amount": "Price",
		"interval": "Billing Cycle", "currency": "Currency", "discount": "Discount",
	}
	for _, list := range [][]key{want.Errors, want.Warnings} {
		for i := range list {
			list[i].Column = headers[list[i].Column]
		}
	}
	var got struct{ Errors, Warnings []key }
	for _, row := range issues.Rows {
		n, err := strconv.Atoi(row[0].Text)
		if err != nil {
			t.Fatalf("row cell %+v: %v", row[0], err)
		}
		k := key{n, row[1].Text}
		switch row[4].Text {
		case "left out":
			got.Errors = append(got.Errors, k)
		case "counted":
			got.Warnings = append(got.Warnings, k)
		default:
			t.Errorf("effect %q", row[4].Text)
		}
	}
	// expected_issues.json lists both by row, and the tab puts errors first.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("data issues (-want +got):\n%s", diff)
	}
	if len(got.Errors) != 8 || len(got.Warnings) != 1 {
		t.Errorf("%d left out and %d counted, want 8 and 1", len(got.Errors), len(got.Warnings))
	}
}

func TestIssuesOrderAndEmpty(t *testing.T) {
	errs := []calc.Issue{
		{Row: 9, Column: "amount", Value: "-1", Message: "negative"},
		{Row: 3, Column: "start_date", Message: "missing"},
		{Row: 9, Column: "currency", Value: "XXX", Message: "no rate"},
	}
	warns := []calc.Issue{{Row: 5, Column: "start_date", Message: "overlaps"}, {Column: "amount", Value: "C1", Message: "too large"}}
	orig := append([]calc.Issue(nil), errs...)
	tab := byRole(t, Tabs(&calc.Result{Currency: "USD"}, errs, warns, DefaultTabNames), sheets.RoleIssues)
	var got []string
	for _, row := range tab.Rows {
		got = append(got, row[0].Text+" "+row[1].Text+" "+row[4].Text)
	}
	want := []string{
		"3 start_date left out", "9 amount left out", "9 currency left out",
		" amount counted", "5 start_date counted",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("issue order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orig, errs); diff != "" {
		t.Errorf("Tabs reordered its argument (-want +got):\n%s", diff)
	}

	for _, tab := range Tabs(&calc.Result{Currency: "USD"}, nil, nil, DefaultTabNames) {
		if len(tab.Columns) == 0 || len(tab.Rows) != 0 || tab.FrozenRows != 1 {
			t.Errorf("empty %s tab: %d columns, %d rows, %d frozen; want a header only", tab.Role, len(tab.Columns), len(tab.Rows), tab.FrozenRows)
		}
	}
}

func TestMovementsByHand(t *testing.T) {
	fx := loadFixture(t)
	mov := byRole(t, Tabs(fx.res, nil, nil, DefaultTabNames), sheets.RoleMovements)
	may := strconv.Itoa(sheets.Serial(calc.MonthOf(2025, time.May).FirstDay()))
	var got [][]string
	for _, row := range mov.Rows {
		if row[0].Text != may {
			continue
		}
		var texts []string
		for _, c := range row[1:] {
			texts = append(texts, c.Text)
		}
		got = append(got, texts)
	}
	// README: New T + M (1000/12 and 1500/18, each customer's 83.333…
	// rounded to 83.33) and Cyberdyne's Support add-on; sheet order of
	// first appearance (C012 row 4, C003 row 7, C011 row 8). They add up
	// to May's Net New, 100 + 83.33 + 83.33 = 266.66.
	want := [][]string{
		{"C012", "Cyberdyne Systems", "Expansion", "100.00", "500.00", "600.00"},
		{"C003", "Initech", "New", "83.33", "0.00", "83.33"},
		{"C011", "Massive Dynamic", "New", "83.33", "0.00", "83.33"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("2025-05 movements (-want +got):\n%s", diff)
	}
}

// TestMovementsSumToNetNew is the property the waterfall rests on,
// seen from the tabs: for every month, the signed Amounts of the movements
// tab add up exactly to the month's Net New MRR, and rounded to cents they
// are the summary's Net New MRR cell. It runs on the fixture and on
// generated sheets.
func TestMovementsSumToNetNew(t *testing.T) {
	check := func(t *testing.T, res *calc.Result) {
		tabs := Tabs(res, nil, nil, DefaultTabNames)
		sum, mov := tabs[0], byRole(t, tabs, sheets.RoleMovements)
		netNewCol := column(t, sum, "Net New MRR")
		amountCol := column(t, mov, "Amount")
		beforeCol, afterCol := column(t, mov, "MRR before"), column(t, mov, "MRR after")

		sums := make(map[string]decimal.Decimal)
		for _, row := range mov.Rows {
			amount := decimal.RequireFromString(row[amountCol].Text)
			before := decimal.RequireFromString(row[beforeCol].Text)
			after := decimal.RequireFromString(row[afterCol].Text)
			if !amount.Equal(after.Sub(before)) {
				t.Errorf("movement %v: amount %s is not after − before", row, amount)
			}
			sums[row[0].Text] = sums[row[0].Text].Add(amount)
		}
		moved := 0
		for i, row := range sum.Rows {
			wf := &res.Months[i]
			got := sums[row[0].Text]
			if _, ok := sums[row[0].Text]; ok {
				moved++
			}
			if want := wf.NetNew.Decimal(); !got.Equal(want) {
				t.Errorf("%s: movements sum to %s, Net New MRR is %s", wf.Month, got, want)
			}
			if got, want := Cents(got), row[netNewCol].Text; got != want {
				t.Errorf("%s: movements sum to %s in cents, the summary shows %s", wf.Month, got, want)
			}
		}
		if moved != len(sums) {
			t.Errorf("movements in %d months, %d of them in the summary", len(sums), moved)
		}
	}

	t.Run("fixture", func(t *testing.T) { check(t, loadFixture(t).res) })
	for _, seed := range []uint64{1, 2, 3, 42} {
		t.Run("generated/"+strconv.FormatUint(seed, 10), func(t *testing.T) {
			var subs, fxs bytes.Buffer
			if err := calctest.WriteCSV(&subs, 3000, seed); err != nil {
				t.Fatal(err)
			}
			if err := calctest.WriteFXCSV(&fxs); err != nil {
				t.Fatal(err)
			}
			l, err := sheets.ReadCSV(&subs, &fxs, sheets.Options{Currency: "USD"})
			if err != nil {
				t.Fatal(err)
			}
			res := l.Book.Compute(calc.DateOf(2026, time.June, 17))
			if len(res.Movements()) < 1000 {
				t.Fatalf("only %d movements: the generated sheet is too small to test much", len(res.Movements()))
			}
			check(t, res)
		})
	}
}

// TestTabsJPY checks that a currency without cents is rounded to whole
// units, in its cells and its pattern.
func TestTabsJPY(t *testing.T) {
	book, err := calc.NewBook("JPY", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := book.Add(&calc.Subscription{
		Row: 2, CustomerID: "C1", Amount: 10000 * calc.One, Quantity: calc.One,
		Interval: calc.Quarterly, Start: calc.DateOf(2026, time.January, 1), End: calc.NoEnd,
	}); err != nil {
		t.Fatal(err)
	}
	res := book.Compute(calc.DateOf(2026, time.February, 28))
	tabs := Tabs(res, nil, nil, DefaultTabNames)
	sum, mov := tabs[0], byRole(t, tabs, sheets.RoleMovements)
	if got := sum.Columns[column(t, sum, "Ending MRR")].Pattern; got != `"¥"#,##0` {
		t.Errorf("JPY pattern = %s", got)
	}
	// 10000 ÷ 3 = 3333.333…: the customer pays ¥3,333, rounded to the
	// yen (JPY has no minor unit), and ARR is that × 12, 39996.
	if got := sum.Rows[0][column(t, sum, "Ending MRR")].Text; got != "3333" {
		t.Errorf("JPY ending MRR = %s, want 3333", got)
	}
	if got := sum.Rows[0][column(t, sum, "ARR")].Text; got != "39996" {
		t.Errorf("JPY ARR = %s, want 39996", got)
	}
	if got := mov.Rows[0][column(t, mov, "Amount")].Text; got != "3333" {
		t.Errorf("JPY movement = %s, want 3333", got)
	}
	if got := mov.Rows[0][column(t, mov, "MRR before")].Text; got != "0" {
		t.Errorf("JPY MRR before = %s, want 0", got)
	}
}
