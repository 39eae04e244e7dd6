package report

import (
	"strconv"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/shopspring/decimal"
)

// Colours of the retention scale: red at 0%, amber at 50%, green at 100%
// and above.
const (
	scaleLow  = "#f8696b"
	scaleMid  = "#ffeb84"
	scaleHigh = "#63be7b"
)

// Section titles of the cohorts tab.
const (
	titleMRRRetention  = "MRR retention (net, by cohort)"
	titleLogoRetention = "Logo retention (customers still paying)"
)

// cohortsTab lays out res's cohorts in two blocks under one header
// (Cohort, Customers, Starting MRR, Month 0, Month 1, …): first each
// cohort's MRR k months after its first as a share of its first month's
// (net revenue retention, with expansion and reactivation), then the share
// of its customers still paying. Each block starts with a title row and is
// coloured by one scale; months a cohort has not reached are blank.
func cohortsTab(res *calc.Result, name string) sheets.Tab {
	cur := res.Currency
	cohorts := res.Cohorts()
	ages := 0
	for _, c := range cohorts {
		ages = max(ages, len(c.MRR))
	}
	cols := []sheets.TabColumn{
		{Title: "Cohort", Format: sheets.FormatDate, Pattern: patternMonth, Width: widthName},
		countColumn("Customers"),
		amountColumn("Starting MRR", cur),
	}
	const firstAge = 3 // the column of Month 0
	for k := range ages {
		cols = append(cols, sheets.TabColumn{Title: "Month " + strconv.Itoa(k), Format: sheets.FormatPercent, Pattern: "0%", Width: 70})
	}
	money := func(d decimal.Decimal) sheets.Cell {
		return sheets.NumberCell(roundedLiteral(d, cur), sheets.FormatCurrency)
	}
	tab := sheets.Tab{
		Name:       name,
		Role:       sheets.RoleCohorts,
		Columns:    cols,
		FrozenRows: 1,
	}
	if len(cohorts) == 0 {
		return tab
	}
	var rows [][]sheets.Cell
	var scales []sheets.ColorScale
	block := func(title string, share func(calc.Cohort, int) decimal.NullDecimal) {
		rows = append(rows, []sheets.Cell{sheets.TextCell(title)})
		start := len(rows)
		for _, c := range cohorts {
			row := []sheets.Cell{
				sheets.DateCell(c.Month.FirstDay()),
				sheets.IntCell(c.Customers()),
				money(c.MRR[0].Decimal()),
			}
			for k := range c.MRR {
				row = append(row, percentCell(share(c, k)))
			}
			rows = append(rows, row)
		}
		if ages > 0 {
			scales = append(scales, sheets.ColorScale{
				FirstRow: start, LastRow: len(rows) - 1,
				FirstColumn: firstAge, LastColumn: firstAge + ages - 1,
				Min: "0", Mid: "0.5", Max: "1",
				Low: scaleLow, MidColor: scaleMid, High: scaleHigh,
			})
		}
	}
	block(titleMRRRetention, calc.Cohort.Retention)
	rows = append(rows, nil)
	block(titleLogoRetention, calc.Cohort.LogoRetention)
	tab.Rows, tab.ColorScales = rows, scales
	return tab
}

// SegmentValue names a segment as tabs and digests show it: its value,
// "(blank)" for rows that leave the column empty, "(other values)" for the
// values past calc.MaxSegmentValues.
func SegmentValue(s calc.Segment) string {
	switch {
	case s.Other:
		return "(other values)"
	case s.Value == "":
		return "(blank)"
	}
	return s.Value
}

// segmentsTab lists, for each month, oldest first, the waterfall of every
// segment of res: by plan, then by each segment column, in the order
// calc.Result.Segments gives them. Share is the segment's part of the
// month's ending MRR, so each column's shares add up to 100%.
func segmentsTab(res *calc.Result, name string) sheets.Tab {
	cur := res.Currency
	cols := []sheets.TabColumn{
		monthColumn(),
		textColumn("Segment", widthID),
		textColumn("Value", widthName),
		amountColumn("Starting MRR", cur),
		amountColumn("New", cur),
		amountColumn("Expansion", cur),
		amountColumn("Reactivation", cur),
		amountColumn("Contraction", cur),
		amountColumn("Churn", cur),
		amountColumn("Net New MRR", cur),
	}
	if res.MonthlyFX {
		cols = append(cols, amountColumn("FX Impact", cur))
	}
	cols = append(cols,
		amountColumn("Ending MRR", cur),
		countColumn("Customers"),
		percentColumn("Share of MRR"),
	)
	money := func(s calc.Sum) sheets.Cell {
		return sheets.NumberCell(roundedLiteral(s.Decimal(), cur), sheets.FormatCurrency)
	}
	segs := res.Segments()
	rows := make([][]sheets.Cell, 0, len(segs)*len(res.Months))
	for i := range res.Months {
		total := res.Months[i].Ending.Decimal()
		for _, s := range segs {
			wf := &s.Months[i]
			if wf.Starting.Sign() == 0 && wf.Ending.Sign() == 0 {
				continue // not paying in this segment, before or after
			}
			row := []sheets.Cell{
				sheets.DateCell(wf.Month.FirstDay()),
				sheets.TextCell(s.Column),
				sheets.TextCell(SegmentValue(s)),
				money(wf.Starting),
				money(wf.New),
				money(wf.Expansion),
				money(wf.Reactivation),
				money(wf.Contraction),
				money(wf.Churn),
				money(wf.NetNew),
			}
			if res.MonthlyFX {
				row = append(row, money(wf.FXImpact))
			}
			share := decimal.NullDecimal{}
			if !total.IsZero() {
				share = decimal.NewNullDecimal(wf.Ending.Decimal().Div(total))
			}
			row = append(row, money(wf.Ending), sheets.IntCell(wf.Customers), percentCell(share))
			rows = append(rows, row)
		}
	}
	return sheets.Tab{
		Name:       name,
		Role:       sheets.RoleSegments,
		Columns:    cols,
		Rows:       rows,
		FrozenRows: 1,
	}
}
