package sheets

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// Options says how to read a source.
type Options struct {
	// Currency is the reporting currency, an ISO code; "" is USD.
	Currency string
	// Tab is the workbook tab that holds the subscriptions; "" is
	// "Subscriptions".
	Tab string
	// Locale is the spreadsheet's locale, such as "en_US" or "de_DE". It
	// settles dates written with the day and month as numbers (03/04/2025
	// is March 4 in en_US, 3 April in en_GB) and whether text numbers use a
	// decimal comma (1.200,50 in de_DE). With no locale such a date is read
	// only when it is unambiguous, and the decimal separator is a point.
	Locale string
	// Segments names extra columns of the subscriptions table to break MRR
	// down by, such as "Region" (the CLI's repeatable --segment). Each is
	// matched against the header row as the known fields are, ignoring
	// case and everything but letters and digits, and may name a known
	// field's column ("Currency", "Status"). A segment no header cell names
	// makes the table unreadable: a *SegmentError.
	Segments []string
	// Today is the day the table is read, in the report's time zone. A
	// start or end date more than 50 years after it is not plausible (see
	// [PlausibleDate]), nor one before 1970; zero checks only the latter.
	Today calc.Date
}

// DefaultCurrency is the reporting currency when Options.Currency is blank.
const DefaultCurrency = "USD"

// DefaultTab is the subscriptions tab when Options.Tab is blank.
const DefaultTab = "Subscriptions"

// FXTab is the workbook tab that holds exchange rates, when there is one.
const FXTab = "FX"

func (o Options) currency() string {
	if c := strings.TrimSpace(o.Currency); c != "" {
		return strings.ToUpper(c)
	}
	return DefaultCurrency
}

// RowReader yields the rows of one table, top to bottom.
type RowReader interface {
	// Next returns the next row: its number as the spreadsheet shows it
	// (the first row of the sheet or file is 1) and its cells, left to
	// right; trailing cells may be missing. Rows may be skipped (a source
	// need not return blank rows) but never reordered. The cells are valid
	// until the next call. At the end Next returns io.EOF.
	Next() (row int, cells []Cell, err error)
}

// Report tells what [Decode] read.
type Report struct {
	// Errors are the rows that were left out, one issue per problem, in
	// row order.
	Errors []calc.Issue
	// Rows counts the non-blank rows below the header, good and bad.
	Rows int
	// HeaderRow is the row number of the header.
	HeaderRow int
	// Header maps each field found (calc.FieldAmount, …) to its column.
	Header map[string]Column
	// Segments are the columns of Options.Segments, in that order.
	Segments []Column
}

// Decode reads a subscriptions table from r into book. It finds the header
// row, then reads each non-blank row below it into a calc.Subscription and
// adds it to book. A row that cannot be read, or that book refuses, is left
// out and reported in Report.Errors. Decode returns an error only when the
// table as a whole cannot be read: no header row, a required column
// missing (a *HeaderError), a segment column missing (a *SegmentError), a
// bad locale, or r failing.
//
// Each subscription's Segments are the row's cells in the columns of
// opts.Segments, trimmed, as text (a date cell as YYYY-MM-DD, a number as
// its literal); book must have been given the same segments with
// [calc.Book.SetSegments].
//
// Each problem names the field (calc.FieldStartDate, …), the cell as
// written and the reason; a row with several problems yields one issue for
// each.
func Decode(r RowReader, book *calc.Book, opts Options) (*Report, error) {
	return decode(r, book, opts)
}

// adder takes the rows Decode reads: a *calc.Book, or in tests a recorder.
type adder interface {
	Add(s *calc.Subscription) error
	Currency() string
}

func decode(r RowReader, book adder, opts Options) (*Report, error) {
	loc, err := parseLocale(opts.Locale)
	if err != nil {
		return nil, err
	}
	h, err := findHeader(r, subscriptionColumns[:], fieldNames[:], subscriptionRequired)
	if err != nil {
		return nil, err
	}
	segs, err := h.segmentColumns(opts.Segments)
	if err != nil {
		return nil, err
	}
	d := newDecoder(h, segs, loc, book)
	d.today = opts.Today
	rep := &Report{HeaderRow: h.row, Header: h.columns, Segments: segs}
	for {
		n, cells, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if blankRow(cells) {
			continue
		}
		rep.Rows++
		d.row, d.cells = n, cells
		d.decodeRow()
	}
	rep.Errors = d.issues
	return rep, nil
}

func blankRow(cells []Cell) bool {
	for _, c := range cells {
		if !c.blank() {
			return false
		}
	}
	return true
}

// decoder reads rows of a subscriptions table whose header it knows.
type decoder struct {
	loc       locale
	book      adder
	reporting string
	cols      [nFields]int
	// sub is the row being read. It lives here rather than on the stack so
	// that handing it to book.Add through an interface costs no allocation.
	sub calc.Subscription
	// segCols are the columns of the segments; segs, reused row after row,
	// holds the current row's values.
	segCols []int
	segs    []string

	row    int
	cells  []Cell
	fields [nFields]Cell // the row's cells by field, trimmed
	bad    bool          // the current row has a problem
	issues []calc.Issue
	today  calc.Date // Options.Today
}

// newDecoder returns a decoder for the rows below header h, with the
// segment columns segs.
func newDecoder(h header, segs []Column, loc locale, book adder) *decoder {
	d := &decoder{loc: loc, book: book, reporting: book.Currency()}
	copy(d.cols[:], h.cols)
	if len(segs) > 0 {
		d.segCols = make([]int, len(segs))
		for k, c := range segs {
			d.segCols[k] = c.Index
		}
		d.segs = make([]string, len(segs))
	}
	return d
}

// load picks the current row's cell of each field, trimmed; a blank cell
// becomes Empty.
func (d *decoder) load() {
	for f, i := range d.cols {
		var c Cell
		if uint(i) < uint(len(d.cells)) {
			c = d.cells[i]
			// The usual cell starts and ends with a printable ASCII
			// character ('!' <= b <= '~') and needs no trimming.
			if t := c.Text; t == "" {
				c = Cell{}
			} else if t[0]-'!' >= '~'-'!'+1 || t[len(t)-1]-'!' >= '~'-'!'+1 {
				if c.Text = strings.TrimSpace(t); c.Text == "" {
					c = Cell{}
				}
			}
		}
		d.fields[f] = c
	}
}

// cell returns the current row's cell for f, trimmed; a blank cell is
// Empty.
func (d *decoder) cell(f field) Cell { return d.fields[f] }

// fail records a problem with field f of the current row.
func (d *decoder) fail(f field, c Cell, msg string) {
	d.bad = true
	d.issues = append(d.issues, calc.Issue{
		Row:     d.row,
		Column:  fieldNames[f],
		Value:   strings.Clone(c.text()),
		Message: msg,
	})
}

func (d *decoder) decodeRow() {
	d.bad = false
	d.load()
	d.sub = calc.Subscription{Row: d.row, Quantity: calc.One, End: calc.NoEnd}
	s := &d.sub

	if s.CustomerID = d.cell(fCustomerID).Text; s.CustomerID == "" {
		d.fail(fCustomerID, Cell{}, "customer is missing")
	}
	s.CustomerName = d.cell(fCustomerName).Text
	s.Plan = d.cell(fPlan).Text

	if c := d.cell(fCurrency); c.Kind != Empty {
		code, ok := currencyCode(c.Text)
		if ok {
			s.Currency = code
		} else {
			d.fail(fCurrency, c, fmt.Sprintf("%q is not a currency code (use an ISO code such as EUR)", c.Text))
		}
	}

	if c := d.cell(fAmount); c.Kind == Empty {
		d.fail(fAmount, c, "amount is missing")
	} else if v, code, msg := d.money(c, "an amount"); msg != "" {
		d.fail(fAmount, c, msg)
	} else {
		s.Amount = v
		switch {
		case code == "" || code == s.Currency:
		case s.Currency == "":
			// With a bad currency cell, already reported, the amount's
			// code settles nothing.
			if d.cell(fCurrency).Kind == Empty {
				s.Currency = code
			}
		default:
			d.fail(fAmount, c, fmt.Sprintf("%q is in %s but the currency is %s", c.Text, code, d.rowCurrency(s)))
		}
	}

	if c := d.cell(fInterval); c.Kind != Empty {
		iv, err := calc.ParseInterval(c.Text)
		if err != nil {
			d.fail(fInterval, c, err.Error())
		}
		s.Interval = iv
	}

	if c := d.cell(fQuantity); c.Kind != Empty {
		v, msg := d.quantity(c)
		if msg != "" {
			d.fail(fQuantity, c, msg)
		}
		s.Quantity = v
	}

	if c := d.cell(fDiscount); c.Kind != Empty {
		disc, code, msg := d.discount(c)
		if msg == "" && code != "" && code != d.rowCurrency(s) {
			msg = fmt.Sprintf("%q is in %s but the currency is %s", c.Text, code, d.rowCurrency(s))
		}
		if msg != "" {
			d.fail(fDiscount, c, msg)
		}
		s.Discount = disc
	}

	if c := d.cell(fStartDate); c.Kind == Empty {
		d.fail(fStartDate, c, "start date is missing")
	} else if date, msg := d.date(c); msg != "" {
		d.fail(fStartDate, c, msg)
	} else {
		s.Start = date
	}

	if c := d.cell(fEndDate); c.Kind != Empty {
		if date, msg := d.date(c); msg != "" {
			d.fail(fEndDate, c, msg)
		} else {
			s.End = date
		}
	}

	if c := d.cell(fStatus); c.Kind != Empty {
		st, err := calc.ParseStatus(c.Text)
		if err != nil {
			d.fail(fStatus, c, err.Error())
		}
		s.Status = st
	}

	if c := d.cell(fSetupFee); c.Kind != Empty {
		v, code, msg := d.money(c, "an amount")
		if msg == "" && code != "" && code != d.rowCurrency(s) {
			msg = fmt.Sprintf("%q is in %s but the currency is %s", c.Text, code, d.rowCurrency(s))
		}
		if msg != "" {
			d.fail(fSetupFee, c, msg)
		}
		s.SetupFee = v
	}

	if d.bad {
		return
	}
	if d.segs != nil {
		d.loadSegments()
		s.Segments = d.segs
	}
	if err := d.book.Add(s); err != nil {
		d.refused(err)
	}
}

// loadSegments puts the current row's segment values in d.segs: each
// cell's trimmed text, a date cell as YYYY-MM-DD, a blank cell "".
func (d *decoder) loadSegments() {
	for k, i := range d.segCols {
		v := ""
		if i < len(d.cells) {
			c := d.cells[i]
			v = c.text()
			if c.Kind == Number && c.Format == FormatDate {
				if date, ok := serialDate(c.Text); ok {
					v = date.String()
				}
			}
		}
		d.segs[k] = v
	}
}

// refused records why the book refused the current row. The issue's Value
// becomes the cell as written, which the book, holding typed values, cannot
// know: "(120.00)" rather than "-120".
func (d *decoder) refused(err error) {
	var is *calc.Issue
	if !errors.As(err, &is) {
		d.issues = append(d.issues, calc.Issue{Row: d.row, Message: err.Error()})
		return
	}
	issue := *is
	issue.Row = d.row
	for f, name := range fieldNames {
		if name == issue.Column {
			if c := d.cell(field(f)); c.Kind != Empty {
				issue.Value = strings.Clone(c.Text)
			}
			break
		}
	}
	d.issues = append(d.issues, issue)
}

// rowCurrency is the currency of the row so far: its own or the reporting
// currency.
func (d *decoder) rowCurrency(s *calc.Subscription) string {
	if s.Currency != "" {
		return s.Currency
	}
	return d.reporting
}

// money reads an amount of money: a number, or text such as "$1,200.00".
// code is the currency the text names, if any. what names the expected
// thing in the message ("an amount").
func (d *decoder) money(c Cell, what string) (v calc.Fixed, code, msg string) {
	return d.number(c, what, true)
}

// quantity reads a number of units: "3", "2.5", "1,000".
func (d *decoder) quantity(c Cell) (calc.Fixed, string) {
	v, _, msg := d.number(c, "a number", false)
	return v, msg
}

// number reads a number cell, or text in the locale's number forms; with
// currency, text may name a currency ("$1,200.00", "99 EUR"), returned
// as code.
func (d *decoder) number(c Cell, what string, currency bool) (v calc.Fixed, code, msg string) {
	var err error
	switch c.Kind {
	case Number:
		v, err = literalFixed(c.Text)
	case Text:
		if plainNumber(c.Text) && (!d.loc.comma || strings.IndexByte(c.Text, '.') < 0) {
			v, err = calc.ParseFixed(c.Text)
			break
		}
		n, ok := scanNumber(c.Text, d.loc, currency)
		if !ok {
			return 0, "", d.notA(c, what)
		}
		code = n.code
		v, err = n.fixed()
	default:
		return 0, "", d.notA(c, what)
	}
	if errors.Is(err, calc.ErrRange) {
		return 0, "", fmt.Sprintf("%q is too large", c.Text)
	}
	if err != nil {
		return 0, "", d.notA(c, what)
	}
	return v, code, ""
}

// discount reads "20%" or a percent-formatted number as a percentage, and
// any other number or amount as money off per billing period.
func (d *decoder) discount(c Cell) (calc.Discount, string, string) {
	const what = "a discount (write 20% or an amount)"
	switch c.Kind {
	case Number:
		v, err := literalFixed(c.Text)
		if err != nil {
			return calc.Discount{}, "", d.notA(c, what)
		}
		return calc.Discount{Percent: c.Format == FormatPercent, Value: v}, "", ""
	case Text:
		t := c.Text
		if p, ok := strings.CutSuffix(t, "%"); ok {
			n, ok := scanNumber(p, d.loc, false)
			if !ok {
				return calc.Discount{}, "", d.notA(c, what)
			}
			v, err := n.fixed()
			if err != nil {
				return calc.Discount{}, "", d.notA(c, what)
			}
			return calc.Discount{Percent: true, Value: percentOf(v)}, "", ""
		}
		v, code, msg := d.money(c, what)
		return calc.Discount{Value: v}, code, msg
	}
	return calc.Discount{}, "", d.notA(c, what)
}

// notA says that c is not what was expected, with a hint when a decimal
// comma is the likely cause.
func (d *decoder) notA(c Cell, what string) string {
	t := c.Text
	if c.Kind == Text && !d.loc.comma && strings.IndexByte(t, ',') >= 0 {
		if n, ok := scanNumber(t, locale{comma: true}, true); ok && strings.IndexByte(n.core, ',') >= 0 {
			return fmt.Sprintf("%q is not %s (to read a decimal comma, set a locale that uses one, such as de_DE)", t, what)
		}
	}
	return fmt.Sprintf("%q is not %s", t, what)
}

// date reads a date-formatted number as a serial day and text as a written
// date. A number that is not date-formatted is refused: 45667 may be a
// serial day whose format was lost, or not a date at all.
func (d *decoder) date(c Cell) (calc.Date, string) {
	switch c.Kind {
	case Number:
		if c.Format != FormatDate {
			return 0, numberNotDate.message(c.Text)
		}
		if date, ok := serialDate(c.Text); ok {
			return date, PlausibleDate(date, d.today)
		}
	case Text:
		date, p := parseDateText(c.Text, d.loc.order)
		if p == dateOK {
			return date, PlausibleDate(date, d.today)
		}
		return 0, p.message(c.Text)
	}
	return 0, notADate.message(c.Text)
}

// FX is an FX table: units of the reporting currency per one unit of each
// currency.
type FX struct {
	// Rates are the single rates, by currency code: every row of a table
	// without a month column, or the rows with a blank month. With monthly
	// rates, a currency's single rate covers the months before its first.
	Rates map[string]decimal.Decimal
	// Monthly are the rows with a month, in row order: each is a
	// currency's rate from that month until its next. Give them to
	// [calc.Book.SetMonthlyRates].
	Monthly []calc.MonthlyRate
}

// DecodeFX reads an FX table from r: columns currency and rate, the units
// of the reporting currency (opts.Currency) per one unit of that currency,
// and optionally month. With a month, a row is that currency's rate from
// the month on; with the month blank, or no month column, it is the
// currency's single rate. A month is a date cell (any day of the month) or
// text such as 2025-03, 2025-03-01, 03/2025, Mar 2025 or March 2025; a date
// whose day and month cannot be told apart without the locale is not
// guessed.
//
// A row with a bad code, a rate that is not a positive number, a month that
// is not a month, a currency (or currency and month) given twice, or a rate
// other than 1 for the reporting currency itself is left out and reported
// as an issue. The error is for the table as a whole, as with [Decode].
func DecodeFX(r RowReader, opts Options) (*FX, []calc.Issue, error) {
	loc, err := parseLocale(opts.Locale)
	if err != nil {
		return nil, nil, err
	}
	h, err := findHeader(r, fxColumns, fxNames, []int{fxCurrency, fxRate})
	if err != nil {
		return nil, nil, err
	}
	reporting := opts.currency()
	fx := &FX{Rates: make(map[string]decimal.Decimal)}
	seen := make(map[string]int)
	type key struct {
		code  string
		month calc.Month
	}
	seenMonth := make(map[key]int)
	var issues []calc.Issue
	for {
		n, cells, err := r.Next()
		if errors.Is(err, io.EOF) {
			return fx, issues, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if blankRow(cells) {
			continue
		}
		get := func(f int) Cell {
			if i := h.cols[f]; i >= 0 && i < len(cells) {
				if c := cells[i]; !c.blank() {
					return c
				}
			}
			return Cell{}
		}
		bad := func(col string, c Cell, format string, args ...any) {
			issues = append(issues, calc.Issue{Row: n, Column: col, Value: strings.Clone(c.text()), Message: fmt.Sprintf(format, args...)})
		}
		cc, rc, mc := get(fxCurrency), get(fxRate), get(fxMonth)
		code, ok := currencyCode(cc.text())
		switch {
		case cc.Kind == Empty:
			bad("currency", cc, "currency is missing")
			continue
		case !ok:
			bad("currency", cc, "%q is not a currency code (use an ISO code such as EUR)", cc.text())
			continue
		}
		var rate decimal.Decimal
		switch rc.Kind {
		case Empty:
			bad("rate", rc, "rate is missing")
			continue
		case Number:
			if !checkLiteral(strings.TrimSpace(rc.Text)) {
				bad("rate", rc, "%q is not a number", rc.text())
				continue
			}
			rate, err = decimal.NewFromString(strings.TrimSpace(rc.Text))
		case Text:
			num, ok := scanNumber(rc.Text, loc, false)
			if !ok {
				bad("rate", rc, "%q is not a number", rc.text())
				continue
			}
			rate, err = decimal.NewFromString(num.literal())
		default:
			bad("rate", rc, "%q is not a number", rc.text())
			continue
		}
		monthly := mc.Kind != Empty
		var month calc.Month
		if monthly {
			var msg string
			if month, msg = parseMonth(mc, loc.order); msg != "" {
				bad("month", mc, "%s", msg)
				continue
			}
		}
		k := key{code, month}
		switch {
		case err != nil:
			bad("rate", rc, "%q is not a number", rc.text())
		case !rate.IsPositive():
			bad("rate", rc, "rate %s is not positive", rate)
		case code == reporting && !rate.Equal(decimal.NewFromInt(1)):
			bad("rate", rc, "the rate of the reporting currency %s must be 1, not %s", code, rate)
		case monthly && seenMonth[k] != 0:
			bad("month", mc, "%s for %s is given again (first in row %d)", code, month, seenMonth[k])
		case monthly:
			seenMonth[k] = n
			fx.Monthly = append(fx.Monthly, calc.MonthlyRate{Currency: code, Month: month, Rate: rate})
		case seen[code] != 0:
			bad("currency", cc, "%s is given again (first in row %d)", code, seen[code])
		default:
			seen[code] = n
			fx.Rates[code] = rate
		}
	}
}

// parseMonth reads the month of an FX row: a date cell (any day of the
// month), or text giving a month (2025-03, 03/2025, Mar 2025, March 2025)
// or a date (2025-03-01, Mar 1, 2025; read as dates are, never guessed).
// msg says why c is not a month.
func parseMonth(c Cell, order dateOrder) (m calc.Month, msg string) {
	switch c.Kind {
	case Number:
		if c.Format != FormatDate {
			return 0, fmt.Sprintf("%q is a number, not a month: format the cell as a date or write YYYY-MM", c.text())
		}
		if d, ok := serialDate(c.Text); ok {
			return d.Month(), ""
		}
	case Text:
		t := strings.TrimSpace(c.Text)
		if m, p, ok := monthText(t); ok {
			if p == dateOK {
				return m, ""
			}
			return 0, monthProblem(p, t)
		}
		d, p := parseDateText(t, order)
		if p == dateOK {
			return d.Month(), ""
		}
		return 0, monthProblem(p, t)
	}
	return 0, monthProblem(notADate, c.text())
}

// monthText reads a month written without a day: a year and a month number
// in either order (2025-03, 2025/3, 03/2025, 3.2025) or a month name and a
// year (Mar 2025, March 2025, Sept. 2025). ok is false when s is not two
// words, so that it may be a date.
func monthText(s string) (m calc.Month, p dateProblem, ok bool) {
	var toks [2]dateToken
	if n, ok := dateTokens(s, toks[:]); !ok || n != 2 {
		return 0, 0, false
	}
	a, b := toks[0], toks[1]
	var year, mon int
	var yearTok dateToken
	switch {
	case a.num && b.num && len(a.s) == 4 && len(b.s) <= 2: // 2025-03
		year, mon, yearTok = num(a.s), num(b.s), a
	case a.num && b.num && len(a.s) <= 2: // 03/2025
		year, mon, yearTok = num(b.s), num(a.s), b
	case !a.num && b.num: // Mar 2025
		year, mon, yearTok = num(b.s), int(monthName(a.s)), b
	default:
		return 0, notADate, true
	}
	switch {
	case len(yearTok.s) == 2:
		return 0, twoDigitYear, true
	case len(yearTok.s) != 4 || year < 1 || mon < 1 || mon > 12:
		return 0, notADate, true
	}
	return calc.MonthOf(year, time.Month(mon)), dateOK, true
}

// monthProblem explains why the cell text s is not a month.
func monthProblem(p dateProblem, s string) string {
	switch p {
	case ambiguousDate:
		return fmt.Sprintf("%q cannot be read without guessing whether the day or the month comes first: write YYYY-MM or set the spreadsheet's locale", s)
	case twoDigitYear:
		return fmt.Sprintf("%q has a two-digit year: write YYYY-MM", s)
	case numberNotDate:
		return fmt.Sprintf("%q is a number, not a month: format the cell as a date or write YYYY-MM", s)
	}
	return fmt.Sprintf("%q is not a month (write YYYY-MM, such as 2025-03)", s)
}
