package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// Figures is the output of `mrrbot compute`: the waterfall of every month
// and the rows that were left out or deserve a look.
type Figures struct {
	Result   *calc.Result
	Errors   []calc.Issue // rows left out
	Warnings []calc.Issue // rows counted, with a remark
	// Rows is the number of rows read below the header, good and bad, so
	// that a sheet whose every row was left out says so; 0 when unknown.
	Rows int
}

// jsonFigures is the JSON contract that docs/json.md documents. Field
// order is the contract's; keys after it are additions.
type jsonFigures struct {
	Currency string      `json:"currency"`
	AsOf     string      `json:"as_of"`
	Months   []jsonMonth `json:"months"`
	Errors   []jsonIssue `json:"errors"`
	Warnings []jsonIssue `json:"warnings"`
	// The deeper views, after the contract's keys.
	Cohorts  []jsonCohort  `json:"cohorts"`
	Segments []jsonSegment `json:"segments"`
	Outlook  *jsonOutlook  `json:"outlook"`
}

// jsonMovements opens a month of the JSON: the month and its waterfall up
// to Net New, for the totals and for each segment alike.
type jsonMovements struct {
	Month        string `json:"month"`
	StartingMRR  string `json:"starting_mrr"`
	New          string `json:"new"`
	Expansion    string `json:"expansion"`
	Reactivation string `json:"reactivation"`
	Contraction  string `json:"contraction"`
	Churn        string `json:"churn"`
	NetNew       string `json:"net_new"`
}

func movementsJSON(wf *calc.Waterfall) jsonMovements {
	return jsonMovements{
		Month:        wf.Month.String(),
		StartingMRR:  Cents(wf.Starting.Decimal()),
		New:          Cents(wf.New.Decimal()),
		Expansion:    Cents(wf.Expansion.Decimal()),
		Reactivation: Cents(wf.Reactivation.Decimal()),
		Contraction:  Cents(wf.Contraction.Decimal()),
		Churn:        Cents(wf.Churn.Decimal()),
		NetNew:       Cents(wf.NetNew.Decimal()),
	}
}

// fxJSON is a month's FX impact, or nil when the book has no monthly rates.
func fxJSON(res *calc.Result, wf *calc.Waterfall) *string {
	if !res.MonthlyFX {
		return nil
	}
	fx := Cents(wf.FXImpact.Decimal())
	return &fx
}

type jsonMonth struct {
	jsonMovements
	EndingMRR            string  `json:"ending_mrr"`
	ARR                  string  `json:"arr"`
	Customers            int     `json:"customers"`
	NewCustomers         int     `json:"new_customers"`
	ChurnedCustomers     int     `json:"churned_customers"`
	ReactivatedCustomers int     `json:"reactivated_customers"`
	ARPA                 *string `json:"arpa"`
	Growth               *string `json:"mom_growth"`
	LogoChurn            *string `json:"logo_churn"`
	GrossMRRChurn        *string `json:"gross_mrr_churn"`
	NetMRRChurn          *string `json:"net_mrr_churn"`
	NRR                  *string `json:"nrr"`
	QuickRatio           *string `json:"quick_ratio"`
	// FXImpact is there only when the book has monthly exchange rates.
	FXImpact *string `json:"fx_impact,omitempty"`
	// ToDate is there, true, only on the month in progress: measured on
	// the as-of date, before its last day.
	ToDate bool `json:"to_date,omitempty"`
}

type jsonIssue struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
	Value   string `json:"value,omitempty"`
	// Header is the column as the sheet heads it ("Start Date"); Column
	// stays the field ("start_date"), which scripts match on.
	Header string `json:"header,omitempty"`
	// LeftOut marks a warning about a row left out on purpose.
	LeftOut bool `json:"left_out,omitempty"`
}

// WriteJSON writes f in the JSON shape of docs/json.md: amounts as decimal
// strings with two places, ratios as decimal fractions with four places or
// null when their denominator is zero. Contraction and churn are positive
// magnitudes, as the contract has them. The month in progress has
// "to_date": true; the others have no to_date.
func WriteJSON(w io.Writer, f *Figures) error {
	out := jsonFigures{
		Currency: f.Result.Currency,
		AsOf:     f.Result.AsOf.String(),
		Months:   make([]jsonMonth, 0, len(f.Result.Months)),
		Errors:   jsonIssues(f.Errors),
		Warnings: jsonIssues(f.Warnings),
	}
	for i := range f.Result.Months {
		wf := &f.Result.Months[i]
		m := wf.Metrics()
		out.Months = append(out.Months, jsonMonth{
			jsonMovements:        movementsJSON(wf),
			EndingMRR:            Cents(wf.Ending.Decimal()),
			ARR:                  Cents(m.ARR),
			Customers:            wf.Customers,
			NewCustomers:         wf.NewCustomers,
			ChurnedCustomers:     wf.ChurnedCustomers,
			ReactivatedCustomers: wf.ReactivatedCustomers,
			ARPA:                 nullString(m.ARPA, Cents),
			Growth:               nullString(m.Growth, ratioString),
			LogoChurn:            nullString(m.LogoChurn, ratioString),
			GrossMRRChurn:        nullString(m.GrossMRRChurn, ratioString),
			NetMRRChurn:          nullString(m.NetMRRChurn, ratioString),
			NRR:                  nullString(m.NRR, ratioString),
			QuickRatio:           nullString(m.QuickRatio, ratioString),
			FXImpact:             fxJSON(f.Result, wf),
			ToDate:               f.Result.ToDate(wf.Month),
		})
	}
	out.Cohorts, out.Segments, out.Outlook = jsonViews(f.Result)
	return json.NewEncoder(w).Encode(out)
}

func ratioString(d decimal.Decimal) string { return d.StringFixed(4) }

func nullString(r decimal.NullDecimal, format func(decimal.Decimal) string) *string {
	if !r.Valid {
		return nil
	}
	s := format(r.Decimal)
	return &s
}

func jsonIssues(issues []calc.Issue) []jsonIssue {
	out := make([]jsonIssue, 0, len(issues))
	for _, is := range issues {
		out = append(out, jsonIssue{Row: is.Row, Column: is.Column, Message: is.Message, Value: is.Value, Header: is.Header, LeftOut: is.LeftOut})
	}
	return out
}

// SummaryHeader is the first row of the summary: the waterfall's columns in
// the order of its definition (Starting, the five movements, Net New,
// Ending), then the derived metrics.
var SummaryHeader = []string{
	"Month", "Starting MRR", "New", "Expansion", "Reactivation", "Contraction", "Churn",
	"Net New MRR", "Ending MRR", "ARR", "Customers",
	"New Customers", "Churned Customers", "Reactivated Customers",
	"ARPA", "MoM Growth", "Logo Churn", "Gross MRR Churn", "Net MRR Churn", "NRR", "Quick Ratio",
}

// WriteCSV writes one row per month under SummaryHeader: amounts with two
// places, ratios as fractions with four, empty when undefined. Contraction
// and churn are negative, as the waterfall subtracts them (so that a row's
// Starting plus its five movements, as written, is its Ending). Two columns
// follow: FX Impact when the book has monthly rates, then To Date, "true"
// on the month in progress and empty on the others.
func WriteCSV(w io.Writer, f *Figures) error {
	cw := csv.NewWriter(w)
	header := slices.Clip(SummaryHeader)
	if f.Result.MonthlyFX {
		header = append(header, "FX Impact")
	}
	header = append(header, titleToDate)
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range f.Result.Months {
		wf := &f.Result.Months[i]
		m := wf.Metrics()
		rec := []string{
			wf.Month.String(),
			Cents(wf.Starting.Decimal()), Cents(wf.New.Decimal()), Cents(wf.Expansion.Decimal()),
			Cents(wf.Reactivation.Decimal()), Cents(loss(wf.Contraction)), Cents(loss(wf.Churn)),
			Cents(wf.NetNew.Decimal()), Cents(wf.Ending.Decimal()), Cents(m.ARR),
			strconv.Itoa(wf.Customers), strconv.Itoa(wf.NewCustomers),
			strconv.Itoa(wf.ChurnedCustomers), strconv.Itoa(wf.ReactivatedCustomers),
			nullOr(m.ARPA, Cents), Ratio(m.Growth), Ratio(m.LogoChurn), Ratio(m.GrossMRRChurn),
			Ratio(m.NetMRRChurn), Ratio(m.NRR), Ratio(m.QuickRatio),
		}
		if f.Result.MonthlyFX {
			rec = append(rec, Cents(wf.FXImpact.Decimal()))
		}
		toDate := ""
		if f.Result.ToDate(wf.Month) {
			toDate = "true"
		}
		rec = append(rec, toDate)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func nullOr(r decimal.NullDecimal, format func(decimal.Decimal) string) string {
	if !r.Valid {
		return ""
	}
	return format(r.Decimal)
}

// WriteTable writes the waterfall as an aligned table for a terminal, with
// amounts grouped by thousands, contraction and churn negative, the growth
// and churn rates as percents, and the month in progress marked "(to date)".
// With no months it says why: every row was left out, or nothing paid by
// the as-of date.
func WriteTable(w io.Writer, f *Figures) error {
	res := f.Result
	if _, err := fmt.Fprintf(w, "MRR in %s as of %s\n\n", res.Currency, res.AsOf); err != nil {
		return err
	}
	if len(res.Months) == 0 {
		msg := "No paying subscriptions by this date."
		if AllLeftOut(f.Rows, f.Errors) {
			msg = LeftOutMessage(f.Rows) + ": see the problems below."
		}
		_, err := fmt.Fprintln(w, msg)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fxTitle := ""
	if res.MonthlyFX {
		fxTitle = "FX Impact\t"
	}
	fmt.Fprintln(tw, "Month\tStarting\tNew\tExpansion\tReactivation\tContraction\tChurn\tNet New\t"+fxTitle+"Ending\tARR\tCustomers\tGrowth\tNRR\t")
	for i := range res.Months {
		wf := &res.Months[i]
		m := wf.Metrics()
		fx := ""
		if res.MonthlyFX {
			fx = Grouped(wf.FXImpact.Decimal()) + "\t"
		}
		month := wf.Month.String()
		if res.ToDate(wf.Month) {
			month += " " + toDateMark
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\t%s\t%d\t%s\t%s\t\n",
			month,
			Grouped(wf.Starting.Decimal()), Grouped(wf.New.Decimal()), Grouped(wf.Expansion.Decimal()),
			Grouped(wf.Reactivation.Decimal()), Grouped(loss(wf.Contraction)), Grouped(loss(wf.Churn)),
			Grouped(wf.NetNew.Decimal()), fx, Grouped(wf.Ending.Decimal()), Grouped(m.ARR),
			wf.Customers, dash(Percent(m.Growth)), dash(Percent(m.NRR)))
	}
	return tw.Flush()
}

// loss is a contraction or churn as the table, the CSV and the tabs show
// it: negative, as the waterfall subtracts it (zero stays 0.00, unsigned).
func loss(s calc.Sum) decimal.Decimal {
	d := s.Decimal()
	if d.IsZero() {
		return d
	}
	return d.Neg()
}

// toDateMark follows the month in progress in the table.
const toDateMark = "(to date)"

// titleToDate is the title of the CSV's and the tabs' column that marks the
// month in progress.
const titleToDate = "To Date"

// AllLeftOut tells whether every one of rows rows read from a sheet was
// left out with an error in errs (issues of the FX table, whose Column
// starts with "FX ", aside), so that there are no figures because of the
// sheet's problems, not because nothing was paying.
func AllLeftOut(rows int, errs []calc.Issue) bool {
	if rows <= 0 {
		return false
	}
	sheet := make([]calc.Issue, 0, len(errs))
	for _, is := range errs {
		if !strings.HasPrefix(is.Column, "FX ") {
			sheet = append(sheet, is)
		}
	}
	return IssueRows(sheet) >= rows
}

// LeftOutMessage says that all rows rows were left out: "All 12 rows were
// left out", or "The only row was left out".
func LeftOutMessage(rows int) string {
	if rows == 1 {
		return "The only row was left out"
	}
	return fmt.Sprintf("All %d rows were left out", rows)
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// WriteIssues lists issues one per line, as "row 12, customer_id: customer
// is missing", under a heading with the number of rows they are about (see
// [IssueRows]): a row with two problems has two lines and counts once.
func WriteIssues(w io.Writer, heading string, issues []calc.Issue) error {
	if len(issues) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "\n%s (%d):\n", heading, IssueRows(issues)); err != nil {
		return err
	}
	for i := range issues {
		if _, err := fmt.Fprintf(w, "  %s\n", issues[i].Error()); err != nil {
			return err
		}
	}
	return nil
}
