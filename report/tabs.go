package report

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
)

// TabNames are the titles of the tabs the bot writes. A flag may rename a
// tab; the tab keeps its role (sheets.RoleSummary, …), which is what marks
// it as the bot's.
type TabNames struct {
	Summary, Chart, Movements, Issues, Cohorts, Segments string
}

// DefaultTabNames are the titles of the tabs sync writes.
var DefaultTabNames = TabNames{
	Summary:   "MRR Summary",
	Chart:     "MRR Chart",
	Movements: "MRR Movements",
	Issues:    "Data Issues",
	Cohorts:   "MRR Cohorts",
	Segments:  "MRR by Segment",
}

// orDefault fills each blank name with its default.
func (n TabNames) orDefault() TabNames {
	if n.Summary == "" {
		n.Summary = DefaultTabNames.Summary
	}
	if n.Chart == "" {
		n.Chart = DefaultTabNames.Chart
	}
	if n.Movements == "" {
		n.Movements = DefaultTabNames.Movements
	}
	if n.Issues == "" {
		n.Issues = DefaultTabNames.Issues
	}
	if n.Cohorts == "" {
		n.Cohorts = DefaultTabNames.Cohorts
	}
	if n.Segments == "" {
		n.Segments = DefaultTabNames.Segments
	}
	return n
}

// Column widths in pixels.
const (
	widthMonth  = 90
	widthAmount = 110
	widthCount  = 100
	widthRatio  = 100
	widthID     = 110
	widthName   = 200
	widthRow    = 60
	widthText   = 200
	widthIssue  = 420
	widthEffect = 90
	widthToDate = 130

	widthChartMonth  = 80 // the chart tab's, narrow to leave room for the chart
	widthChartAmount = 90
)

// Number format patterns, in the spreadsheet's syntax.
const (
	patternMonth   = "mmm yyyy"
	patternCount   = "0"
	patternPercent = "0.0%"
	patternRatio   = "0.00"
)

// Effects of a data issue, as the Data Issues tab shows them.
const (
	effectLeftOut = "left out"
	effectCounted = "counted"
)

// Tabs returns the six tabs the bot writes, in this order:
//
//   - the summary (sheets.RoleSummary): one row per month of res, oldest
//     first, with the waterfall and the derived metrics;
//   - the chart (sheets.RoleChart): the waterfall of the last
//     [chartMonths] months and its chart, beside the few columns it
//     plots, so that it is seen without scrolling;
//   - the movements (sheets.RoleMovements): one row per customer movement,
//     in the order of [calc.Result.Movements];
//   - the data issues (sheets.RoleIssues): errs (rows left out) then
//     warnings (rows counted), each by row;
//   - the cohorts (sheets.RoleCohorts): MRR and logo retention by first
//     paying month, coloured by a scale;
//   - the segments (sheets.RoleSegments): each month's waterfall by plan and
//     by each segment column.
//
// A blank name in names takes its [DefaultTabNames] value. Every tab has
// its header row, even with no rows below it, and columns wide enough for
// their headers. Tabs does not modify errs or warnings.
func Tabs(res *calc.Result, errs, warnings []calc.Issue, names TabNames) []sheets.Tab {
	names = names.orDefault()
	tabs := []sheets.Tab{
		summaryTab(res, names.Summary),
		chartTab(res, names.Chart),
		movementsTab(res, names.Movements),
		issuesTab(errs, warnings, names.Issues),
		cohortsTab(res, names.Cohorts),
		segmentsTab(res, names.Segments),
	}
	for i := range tabs {
		fitColumns(&tabs[i])
	}
	return tabs
}

func monthColumn() sheets.TabColumn {
	return sheets.TabColumn{Title: "Month", Format: sheets.FormatDate, Pattern: patternMonth, Width: widthMonth}
}

func amountColumn(title, currency string) sheets.TabColumn {
	return sheets.TabColumn{Title: title, Format: sheets.FormatCurrency, Pattern: currencyPattern(currency), Width: widthAmount}
}

func countColumn(title string) sheets.TabColumn {
	return sheets.TabColumn{Title: title, Format: sheets.FormatNumber, Pattern: patternCount, Width: widthCount}
}

func percentColumn(title string) sheets.TabColumn {
	return sheets.TabColumn{Title: title, Format: sheets.FormatPercent, Pattern: patternPercent, Width: widthRatio}
}

func textColumn(title string, width int) sheets.TabColumn {
	return sheets.TabColumn{Title: title, Width: width}
}

// toDateColumn marks the month in progress: "as of 2026-03-15" there,
// empty in the other months.
func toDateColumn() sheets.TabColumn { return textColumn(titleToDate, widthToDate) }

// toDateCell is month m's cell of the To Date column.
func toDateCell(res *calc.Result, m calc.Month) sheets.Cell {
	if !res.ToDate(m) {
		return sheets.Cell{}
	}
	return sheets.TextCell("as of " + res.AsOf.String())
}

// summaryTab lays out the month-by-month waterfall. Its first 21 columns
// are [SummaryHeader]; FX Impact follows when the book has monthly rates,
// then To Date, which marks the month in progress. Amounts are rounded to
// the currency's minor unit (each already is: it is a sum of customers'
// rounded MRR), ratios to four decimal places; a ratio whose denominator
// is zero is an empty cell. Contraction and Churn are negative, as the
// waterfall subtracts them: a row's Starting plus its movements is its
// Ending, and the stacked chart draws them below zero.
func summaryTab(res *calc.Result, name string) sheets.Tab {
	cur := res.Currency
	cols := []sheets.TabColumn{
		monthColumn(),
		amountColumn("Starting MRR", cur),
		amountColumn("New", cur),
		amountColumn("Expansion", cur),
		amountColumn("Reactivation", cur),
		amountColumn("Contraction", cur),
		amountColumn("Churn", cur),
		amountColumn("Net New MRR", cur),
		amountColumn("Ending MRR", cur),
		amountColumn("ARR", cur),
		countColumn("Customers"),
		countColumn("New Customers"),
		countColumn("Churned Customers"),
		countColumn("Reactivated Customers"),
		amountColumn("ARPA", cur),
		percentColumn("MoM Growth"),
		percentColumn("Logo Churn"),
		percentColumn("Gross MRR Churn"),
		percentColumn("Net MRR Churn"),
		percentColumn("NRR"),
		{Title: "Quick Ratio", Format: sheets.FormatNumber, Pattern: patternRatio, Width: widthRatio},
	}
	if res.MonthlyFX {
		cols = append(cols, amountColumn("FX Impact", cur))
	}
	cols = append(cols, toDateColumn())

	money := func(d decimal.Decimal) sheets.Cell {
		return sheets.NumberCell(roundedLiteral(d, cur), sheets.FormatCurrency)
	}
	rows := make([][]sheets.Cell, 0, len(res.Months))
	for i := range res.Months {
		wf := &res.Months[i]
		m := wf.Metrics()
		rows = append(rows, []sheets.Cell{
			sheets.DateCell(wf.Month.FirstDay()),
			money(wf.Starting.Decimal()),
			money(wf.New.Decimal()),
			money(wf.Expansion.Decimal()),
			money(wf.Reactivation.Decimal()),
			money(loss(wf.Contraction)),
			money(loss(wf.Churn)),
			money(wf.NetNew.Decimal()),
			money(wf.Ending.Decimal()),
			money(m.ARR),
			sheets.IntCell(wf.Customers),
			sheets.IntCell(wf.NewCustomers),
			sheets.IntCell(wf.ChurnedCustomers),
			sheets.IntCell(wf.ReactivatedCustomers),
			nullCell(m.ARPA, money),
			percentCell(m.Growth),
			percentCell(m.LogoChurn),
			percentCell(m.GrossMRRChurn),
			percentCell(m.NetMRRChurn),
			percentCell(m.NRR),
			nullCell(m.QuickRatio, func(d decimal.Decimal) sheets.Cell {
				return sheets.NumberCell(d.StringFixed(4), sheets.FormatNumber)
			}),
		})
		if res.MonthlyFX {
			rows[i] = append(rows[i], money(wf.FXImpact.Decimal()))
		}
		rows[i] = append(rows[i], toDateCell(res, wf.Month))
	}
	return sheets.Tab{
		Name:       name,
		Role:       sheets.RoleSummary,
		Columns:    cols,
		Rows:       rows,
		FrozenRows: 1,
	}
}

// chartMonths is how many months the chart tab shows: two years, so that
// this month compares with the same month a year ago, in bars still wide
// enough to read.
const chartMonths = 24

// The chart's size in pixels. Beside the chart tab's seven columns it fits
// a laptop's screen without scrolling: 1280 pixels of grid, row numbers
// (screenRowNumbers) included.
const (
	screenWidth      = 1280
	screenRowNumbers = 46
	minChartWidth    = 480
	maxChartWidth    = 640
	tabChartHeight   = 400
)

// Colours of the chart's series, those of [WaterfallPNG]: gains in greens
// and a blue, losses in orange and red, the ending MRR in dark slate.
var chartSeriesColors = map[string]string{
	"New":          hexColor(kindColors[calc.New]),
	"Expansion":    hexColor(kindColors[calc.Expansion]),
	"Reactivation": hexColor(kindColors[calc.Reactivation]),
	"Contraction":  hexColor(kindColors[calc.Contraction]),
	"Churn":        hexColor(kindColors[calc.Churn]),
	"Ending MRR":   hexColor(lineColor),
}

// chartTab is the chart of the waterfall, on a tab of its own so that
// whoever opens it sees the chart at once: the summary is 22 columns wide,
// and a chart beside it stood far to the right of the screen. The tab
// holds what the chart plots, the last chartMonths months of the summary
// (Month, the five movements with Contraction and Churn negative, and
// Ending MRR), and the chart stands right beside those seven columns: the
// movements as stacked columns in the colours of the Slack chart, losses
// below zero, and the ending MRR as a line on an axis of its own on the
// right, as it is tens of times larger than a month's movements. The
// title names the months, and says so when the last is measured before
// its end.
func chartTab(res *calc.Result, name string) sheets.Tab {
	cur := res.Currency
	cols := []sheets.TabColumn{
		monthColumn(),
		amountColumn("New", cur),
		amountColumn("Expansion", cur),
		amountColumn("Reactivation", cur),
		amountColumn("Contraction", cur),
		amountColumn("Churn", cur),
		amountColumn("Ending MRR", cur),
	}
	cols[0].Width = widthChartMonth
	months := res.Months[max(0, len(res.Months)-chartMonths):]
	// The amounts' columns are narrow, to leave room for the chart, yet as
	// wide as the widest amount shown.
	amountWidth := widthChartAmount
	adv := textAdvances()
	money := func(d decimal.Decimal) sheets.Cell {
		amountWidth = max(amountWidth, adv.width(minus+Money(d.Abs(), cur), false)+fitPadding)
		return sheets.NumberCell(roundedLiteral(d, cur), sheets.FormatCurrency)
	}
	rows := make([][]sheets.Cell, 0, len(months))
	for i := range months {
		wf := &months[i]
		rows = append(rows, []sheets.Cell{
			sheets.DateCell(wf.Month.FirstDay()),
			money(wf.New.Decimal()),
			money(wf.Expansion.Decimal()),
			money(wf.Reactivation.Decimal()),
			money(loss(wf.Contraction)),
			money(loss(wf.Churn)),
			money(wf.Ending.Decimal()),
		})
	}
	for i := 1; i < len(cols); i++ {
		cols[i].Width = amountWidth
	}
	series := make([]sheets.ChartSeries, 0, len(cols)-1)
	for i := 1; i < len(cols); i++ {
		s := sheets.ChartSeries{Column: i, Color: chartSeriesColors[cols[i].Title]}
		if cols[i].Title == "Ending MRR" {
			s.Line, s.RightAxis = true, true
		}
		series = append(series, s)
	}
	tab := sheets.Tab{
		Name:       name,
		Role:       sheets.RoleChart,
		Columns:    cols,
		Rows:       rows,
		FrozenRows: 1,
	}
	fitColumns(&tab)
	room := screenWidth - screenRowNumbers
	for _, c := range tab.Columns {
		room -= c.Width
	}
	tab.Chart = &sheets.Chart{
		Title:   chartTitle(res, months),
		Domain:  0,
		Series:  series,
		Stacked: true,
		Column:  len(cols),
		Width:   min(maxChartWidth, max(minChartWidth, room)),
		Height:  tabChartHeight,
	}
	return tab
}

// chartTitle is "MRR movements, Jan 2025 – Dec 2026", ending in " (Dec to
// date)" when the last month is measured before its end. The legend names
// the series.
func chartTitle(res *calc.Result, months []calc.Waterfall) string {
	const title = "MRR movements"
	if len(months) == 0 {
		return title
	}
	label := func(m calc.Month) string { return fmt.Sprintf("%.3s %d", m.Mon(), m.Year()) }
	first, last := months[0].Month, months[len(months)-1].Month
	t := title + ", " + label(first)
	if last != first {
		t += " – " + label(last)
	}
	if res.ToDate(last) {
		t += fmt.Sprintf(" (%.3s to date)", last.Mon())
	}
	return t
}

// hexColor writes c as "#rrggbb".
func hexColor(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// percentCell returns a ratio as a percent-formatted fraction rounded to
// four places ("0.0523" shows as 5.2%), or an empty cell when the ratio is
// undefined: an empty cell is not a zero.
func percentCell(r decimal.NullDecimal) sheets.Cell {
	return nullCell(r, func(d decimal.Decimal) sheets.Cell {
		return sheets.NumberCell(d.StringFixed(4), sheets.FormatPercent)
	})
}

func nullCell(r decimal.NullDecimal, cell func(decimal.Decimal) sheets.Cell) sheets.Cell {
	if !r.Valid {
		return sheets.Cell{}
	}
	return cell(r.Decimal)
}

// movementsTab lists every customer movement: Month, Customer ID,
// Customer, Type, Amount, MRR before, MRR after.
//
// Amount is the signed change, MRR after − MRR before: positive for New,
// Expansion and Reactivation, negative for Contraction and Churn, and the
// change in value for FX impact. MRR before and after are the customer's
// MRR rounded to the cent, as the summary adds them up, so a month's
// Amounts of the five movements add up to its Net New MRR to the cent, and
// its FX impact Amounts to its FX Impact.
func movementsTab(res *calc.Result, name string) sheets.Tab {
	cur := res.Currency
	cols := []sheets.TabColumn{
		monthColumn(),
		textColumn("Customer ID", widthID),
		textColumn("Customer", widthName),
		textColumn("Type", widthID),
		amountColumn("Amount", cur),
		amountColumn("MRR before", cur),
		amountColumn("MRR after", cur),
	}
	// A million rows of movements are millions of cells: their amounts
	// are written into one string (sliced for each cell) without going
	// through decimal, each month's date cell is made once, and the
	// cells of all rows are one slice.
	moves := res.Movements()
	places := minorUnits(cur)
	var text []byte
	ends := make([]int, 0, 3*len(moves))
	for _, mv := range moves {
		// Before and After are at most a Fixed's range apart from zero,
		// so their difference cannot overflow.
		for _, f := range [3]calc.Fixed{mv.After - mv.Before, mv.Before, mv.After} {
			text = f.AppendFixed(text, places)
			ends = append(ends, len(text))
		}
	}
	amounts := string(text)
	dates := map[calc.Month]sheets.Cell{}
	cells := make([]sheets.Cell, 7*len(moves))
	rows := make([][]sheets.Cell, len(moves))
	start := 0
	for i, mv := range moves {
		date, ok := dates[mv.Month]
		if !ok {
			date = sheets.DateCell(mv.Month.FirstDay())
			dates[mv.Month] = date
		}
		c := res.Customers[mv.Customer]
		row := cells[7*i : 7*i+7 : 7*i+7]
		row[0], row[1], row[2], row[3] = date, sheets.TextCell(c.ID), sheets.TextCell(c.Name), sheets.TextCell(mv.Kind.String())
		for j := range 3 {
			end := ends[3*i+j]
			row[4+j] = sheets.NumberCell(amounts[start:end], sheets.FormatCurrency)
			start = end
		}
		rows[i] = row
	}
	return sheets.Tab{
		Name:       name,
		Role:       sheets.RoleMovements,
		Columns:    cols,
		Rows:       rows,
		FrozenRows: 1,
	}
}

// issuesTab lists the rows left out (errs), then the remarks on rows
// (warnings: counted, or left out on purpose), each by row number, keeping
// the order of the issues of one row. The Column is the sheet's header
// where the issue knows it. A long value is quoted by its start and its
// length (see shortValue), in the Value and the Problem columns alike.
func issuesTab(errs, warnings []calc.Issue, name string) sheets.Tab {
	cols := []sheets.TabColumn{
		{Title: "Row", Format: sheets.FormatNumber, Pattern: patternCount, Width: widthRow},
		textColumn("Column", widthID),
		// A long value or message wraps, rather than being cut off at
		// the next column.
		{Title: "Value", Width: widthText, Wrap: true},
		{Title: "Problem", Width: widthIssue, Wrap: true},
		textColumn("Effect", widthEffect),
	}
	rows := make([][]sheets.Cell, 0, len(errs)+len(warnings))
	add := func(issues []calc.Issue, effect string) {
		sorted := slices.Clone(issues)
		slices.SortStableFunc(sorted, func(a, b calc.Issue) int { return cmp.Compare(a.Row, b.Row) })
		for _, is := range sorted {
			row := sheets.Cell{}
			// An issue about a customer rather than a row has no row.
			if is.Row > 0 {
				row = sheets.IntCell(is.Row)
			}
			// The column as the sheet heads it, when the issue knows it.
			column := is.Column
			if is.Header != "" {
				column = is.Header
			}
			// A warning about a row left out on purpose (a total row).
			eff := effect
			if is.LeftOut {
				eff = effectLeftOut
			}
			rows = append(rows, []sheets.Cell{
				row,
				sheets.TextCell(column),
				sheets.TextCell(shortValue(is.Value)),
				sheets.TextCell(shortQuotes(is.Message)),
				sheets.TextCell(eff),
			})
		}
	}
	add(errs, effectLeftOut)
	add(warnings, effectCounted)
	return sheets.Tab{
		Name:       name,
		Role:       sheets.RoleIssues,
		Columns:    cols,
		Rows:       rows,
		FrozenRows: 1,
	}
}
