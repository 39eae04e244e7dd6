package report

import (
	"cmp"
	"slices"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
)

// TabNames are the titles of the tabs the bot writes. A flag may rename a
// tab; the tab keeps its role (sheets.RoleSummary, …), which is what marks
// it as the bot's.
type TabNames struct {
	Summary, Movements, Issues, Cohorts, Segments string
}

// DefaultTabNames are the titles of DESIGN.md, "What sync writes", and of
// the analysis tabs.
var DefaultTabNames = TabNames{
	Summary:   "MRR Summary",
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

// Tabs returns the five tabs the bot writes, in this order:
//
//   - the summary (sheets.RoleSummary): one row per month of res, oldest
//     first, with the waterfall, the derived metrics and a chart of the
//     waterfall beside them;
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
// its header row, even with no rows below it. Tabs does not modify errs or
// warnings.
func Tabs(res *calc.Result, errs, warnings []calc.Issue, names TabNames) []sheets.Tab {
	names = names.orDefault()
	return []sheets.Tab{
		summaryTab(res, names.Summary),
		movementsTab(res, names.Movements),
		issuesTab(errs, warnings, names.Issues),
		cohortsTab(res, names.Cohorts),
		segmentsTab(res, names.Segments),
	}
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
	// Column indexes the chart plots.
	const (
		colMonth        = 0
		colNew          = 2
		colExpansion    = 3
		colReactivation = 4
		colContraction  = 5
		colChurn        = 6
	)
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
		Chart: &sheets.Chart{
			Title:  "MRR waterfall",
			Domain: colMonth,
			Series: []sheets.ChartSeries{
				{Column: colNew},
				{Column: colExpansion},
				{Column: colReactivation},
				{Column: colContraction},
				{Column: colChurn},
			},
			Stacked: true,
			// Two blank columns between the table and the chart: where the
			// chart stood when the table ended in two chart-data columns
			// (the losses, negated; now Contraction and Churn are), so a
			// spreadsheet synced before keeps its chart in place and its
			// grid's size.
			Column: len(cols) + 2,
			Width:  720,
			Height: 400,
		},
	}
}

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
	exact := func(f calc.Fixed) sheets.Cell {
		return sheets.NumberCell(roundedLiteral(f.Decimal(), cur), sheets.FormatCurrency)
	}
	moves := res.Movements()
	rows := make([][]sheets.Cell, 0, len(moves))
	for _, mv := range moves {
		c := res.Customers[mv.Customer]
		rows = append(rows, []sheets.Cell{
			sheets.DateCell(mv.Month.FirstDay()),
			sheets.TextCell(c.ID),
			sheets.TextCell(c.Name),
			sheets.TextCell(mv.Kind.String()),
			// Before and After are at most a Fixed's range apart from
			// zero, so their difference cannot overflow.
			exact(mv.After - mv.Before),
			exact(mv.Before),
			exact(mv.After),
		})
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
		textColumn("Value", widthText),
		textColumn("Problem", widthIssue),
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
