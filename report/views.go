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

// maxCohortAges is the number of months since start the cohorts tab shows:
// ten years. A sheet whose first row was typed a century early still makes
// a tab a spreadsheet can hold (Google allows 18,278 columns).
const maxCohortAges = 120

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
	ages = min(ages, maxCohortAges)
	cols := []sheets.TabColumn{
		{Title: "Cohort", Format: sheets.FormatDate, Pattern: patternMonth, Width: widthMonth},
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
			for k := range min(len(c.MRR), ages) {
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
// month's ending MRR, so each column's shares add up to 100%. As in the
// summary, Contraction and Churn are negative and To Date marks the month
// in progress.
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
		toDateColumn(),
	)
	money := func(s calc.Sum) sheets.Cell {
		return sheets.NumberCell(roundedLiteral(s.Decimal(), cur), sheets.FormatCurrency)
	}
	segs := res.Segments()
	rows := make([][]sheets.Cell, 0, len(segs)*len(res.Months))
	for i := range res.Months {
		// Shares are of the column's total, which is the month's Ending,
		// except in a locked result's restated months, whose segments are
		// the sheet's as it is now.
		totals := map[string]calc.Sum{}
		for _, s := range segs {
			if j := int(res.Months[i].Month - s.Months[0].Month); j >= 0 && j < len(s.Months) {
				t := totals[s.Column]
				t.AddSum(s.Months[j].Ending)
				totals[s.Column] = t
			}
		}
		for _, s := range segs {
			// A locked result's months may start before the sheet's.
			j := int(res.Months[i].Month - s.Months[0].Month)
			if j < 0 || j >= len(s.Months) {
				continue
			}
			wf := &s.Months[j]
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
				money(wf.Contraction.Neg()),
				money(wf.Churn.Neg()),
				money(wf.NetNew),
			}
			if res.MonthlyFX {
				row = append(row, money(wf.FXImpact))
			}
			share := decimal.NullDecimal{}
			if total := totals[s.Column].Decimal(); !total.IsZero() {
				share = decimal.NewNullDecimal(wf.Ending.Decimal().Div(total))
			}
			row = append(row, money(wf.Ending), sheets.IntCell(wf.Customers), percentCell(share), toDateCell(res, wf.Month))
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

// The deeper views in `compute --format json`.
type jsonCohort struct {
	Month         string    `json:"month"`
	Customers     int       `json:"customers"`
	StartingMRR   string    `json:"starting_mrr"`
	Retention     []*string `json:"mrr_retention"`  // by months since the cohort's first
	LogoRetention []*string `json:"logo_retention"` // likewise
}

type jsonSegment struct {
	Column string             `json:"column"`
	Value  string             `json:"value"`
	Other  bool               `json:"other,omitempty"`
	Months []jsonSegmentMonth `json:"months"`
}

type jsonSegmentMonth struct {
	jsonMovements
	FXImpact  *string `json:"fx_impact,omitempty"`
	EndingMRR string  `json:"ending_mrr"`
	Customers int     `json:"customers"`
	ToDate    bool    `json:"to_date,omitempty"` // as in the months
}

type jsonOutlook struct {
	From      string        `json:"from"`
	MRR       string        `json:"mrr"`
	Committed string        `json:"committed_mrr"`
	Horizons  []jsonHorizon `json:"scheduled_churn"`
}

type jsonHorizon struct {
	Days          int          `json:"days"`
	AtRisk        string       `json:"mrr"`
	CustomerCount int          `json:"customer_count"`
	Customers     []jsonAtRisk `json:"customers"` // the largest drops, at most jsonAtRiskCustomers
}

// jsonAtRiskCustomers is how many customers compute's JSON lists for each
// horizon: a large sheet can have tens of thousands with an end date ahead,
// and the count and the sum already say how much is at risk.
const jsonAtRiskCustomers = 100

type jsonAtRisk struct {
	CustomerID string `json:"customer_id"`
	Customer   string `json:"customer"`
	Drop       string `json:"mrr"`
	LastDay    string `json:"last_day"`
	Churns     bool   `json:"churns"`
}

// jsonViews gives the cohorts, the segments (months in which the segment
// had no MRR before or after are left out) and the outlook of the as-of
// date.
func jsonViews(res *calc.Result) ([]jsonCohort, []jsonSegment, *jsonOutlook) {
	cohorts := []jsonCohort{}
	for _, c := range res.Cohorts() {
		jc := jsonCohort{Month: c.Month.String(), Customers: c.Customers(), StartingMRR: Cents(c.MRR[0].Decimal())}
		for k := range c.MRR {
			jc.Retention = append(jc.Retention, nullString(c.Retention(k), ratioString))
			jc.LogoRetention = append(jc.LogoRetention, nullString(c.LogoRetention(k), ratioString))
		}
		cohorts = append(cohorts, jc)
	}
	segments := []jsonSegment{}
	for _, s := range res.Segments() {
		js := jsonSegment{Column: s.Column, Value: s.Value, Other: s.Other, Months: []jsonSegmentMonth{}}
		for i := range s.Months {
			wf := &s.Months[i]
			if wf.Starting.Sign() == 0 && wf.Ending.Sign() == 0 {
				continue
			}
			js.Months = append(js.Months, jsonSegmentMonth{
				jsonMovements: movementsJSON(wf),
				FXImpact:      fxJSON(res, wf),
				EndingMRR:     Cents(wf.Ending.Decimal()),
				Customers:     wf.Customers,
				ToDate:        res.ToDate(wf.Month),
			})
		}
		segments = append(segments, js)
	}
	o := res.Outlook(res.AsOf)
	out := &jsonOutlook{From: o.From.String(), MRR: Cents(o.MRR.Decimal()), Committed: Cents(o.Committed.Decimal())}
	for _, h := range o.Horizons {
		jh := jsonHorizon{Days: h.Days, AtRisk: Cents(h.AtRisk.Decimal()), CustomerCount: len(h.Customers), Customers: []jsonAtRisk{}}
		for _, c := range h.Customers[:min(len(h.Customers), jsonAtRiskCustomers)] {
			cust := res.Customers[c.Customer]
			jh.Customers = append(jh.Customers, jsonAtRisk{
				CustomerID: cust.ID, Customer: cust.Name, Drop: Cents(c.Drop().Decimal()),
				LastDay: c.LastDay.String(), Churns: c.After == 0,
			})
		}
		out.Horizons = append(out.Horizons, jh)
	}
	return cohorts, segments, out
}
