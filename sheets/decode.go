package sheets

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/calc"
)

// Options says how to read a source.
type Options struct {
	// Currency is the reporting currency, an ISO code; "" is USD.
	Currency string
	// Tab is the workbook tab that holds the subscriptions; "" is
	// "Subscriptions".
	Tab string
	// Locale is the spreadsheet's locale, such as "en_US" or "de_DE". It
	// settles, where a column's own cells do not, dates written with the
	// day and month as numbers (03/04/2025 is March 4 in en_US, 3 April in
	// en_GB) and whether a text number such as 1.200 has a decimal point
	// or groups thousands (1.2 in en_US, 1200 in de_DE). With no locale, a
	// cell nothing settles is a row problem, never a guess.
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
	// until the next call, and their texts for good. At the end Next
	// returns io.EOF.
	Next() (row int, cells []Cell, err error)
}

// columnHider is a RowReader that knows which columns the sheet hides.
type ColumnHider interface {
	// columnHidden reports whether the zero-based column i is hidden.
	ColumnHidden(i int) bool
}

// Report tells what [Loaded.Decode] read.
type Report struct {
	// Errors are the rows that were left out, one issue per problem, in
	// row order.
	Errors []calc.Issue
	// Warnings are remarks on rows that were read: most are counted (a
	// discount of 0.2 that is not a percentage, customer IDs that differ
	// only in case), and total rows are left out (Issue.LeftOut).
	Warnings []calc.Issue
	// Rows counts the non-blank rows below the header, good and bad.
	Rows int
	// HeaderRow is the row number of the header.
	HeaderRow int
	// Header maps each field found (calc.FieldAmount, …) to its column.
	Header map[string]Column
	// Segments are the columns of Options.Segments, in that order.
	Segments []Column
	// Ignored are the header row's other columns, which are not read.
	Ignored []IgnoredColumn
}

// Label fills in the Header of each issue about a column of the table,
// from the header row: "Start Date" for calc.FieldStartDate. The engine's
// warnings know fields only; people know their headers.
func (r *Report) Label(issues []calc.Issue) {
	for i := range issues {
		if issues[i].Header != "" {
			continue
		}
		if col, ok := r.Header[issues[i].Column]; ok {
			issues[i].Header = col.Title
		}
	}
}

// adder takes the rows decode reads: a *calc.Book, or in tests a recorder.
type adder interface {
	Add(s *calc.Subscription) error
	Currency() string
	// Customers is the number of customers the rows taken so far have.
	Customers() int
}

func decode(r RowReader, book adder, opts Options) (*Report, error) {
	return decodeWith(r, book, opts, nil)
}

// decodeWith is decode; fxLeftOut holds, by currency, the first row of the
// FX table that was left out, so that a row with no rate for the currency
// can say why.
func decodeWith(r RowReader, book adder, opts Options, fxLeftOut map[string]calc.Issue) (*Report, error) {
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
	d.fxLeftOut = fxLeftOut
	d.today = opts.Today
	rep := &Report{HeaderRow: h.row, Header: h.columns, Segments: segs, Ignored: h.ignored(segs)}
	if rep.Rows, err = readRows(r, d); err != nil {
		return nil, err
	}
	d.caseWarnings()
	rep.Errors, rep.Warnings = d.issues, d.warnings
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

// rowTrier reads the rows of a table one at a time, in order.
type rowTrier interface {
	// try reads row n in mode and reports whether it is done. In readNow
	// it may report false: the row waits for evidence further down, and
	// nothing it did counts but what its cells proved of their columns.
	try(n int, cells []Cell, mode readMode) bool
}

// heldRow is a row held back while an earlier one waits.
type heldRow struct {
	n     int
	cells []Cell
}

// readRows reads every non-blank row of r with t, holding rows back while
// one waits for evidence (see evidence.go), and returns the number of
// non-blank rows.
func readRows(r RowReader, t rowTrier) (int, error) {
	var held []heldRow
	rows := 0
	for {
		n, cells, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rows, err
		}
		if blankRow(cells) {
			continue
		}
		rows++
		if len(held) == 0 {
			if t.try(n, cells, readNow) {
				continue
			}
			held = append(held, heldRow{n, slices.Clone(cells)})
			continue
		}
		t.try(n, cells, readLearn)
		held = append(held, heldRow{n, slices.Clone(cells)})
		held = release(t, held, len(held) >= maxWaiting)
	}
	release(t, held, true)
	return rows, nil
}

// release reads the held rows that no longer wait, from the first; with
// final, all of them. It returns the rows still held.
func release(t rowTrier, held []heldRow, final bool) []heldRow {
	mode := readNow
	if final {
		mode = readFinal
	}
	i := 0
	for i < len(held) && t.try(held[i].n, held[i].cells, mode) {
		i++
	}
	if i == 0 {
		return held
	}
	n := copy(held, held[i:])
	clear(held[n:])
	return held[:n]
}

// decoder reads rows of a subscriptions table whose header it knows.
type decoder struct {
	loc       locale
	book      adder
	reporting string
	cols      [nFields]int
	titles    [nFields]string // the header of each field's column
	// sub is the row being read. It lives here rather than on the stack so
	// that handing it to book.Add through an interface costs no allocation.
	sub calc.Subscription
	// segCols are the columns of the segments; segs, reused row after row,
	// holds the current row's values.
	segCols []int
	segs    []string

	// What each column's text numbers and dates have shown so far.
	seps   [nFields]separators
	orders [nFields]dayOrder

	// above sums the amounts since the last total row, to know a total
	// that lost its formula; amount is the current row's, when read, and
	// totalled is true when the current row is a total.
	above     amountsAbove
	amount    calc.Fixed
	hasAmount bool
	totalled  bool

	// The customers book.Add took, in order: their IDs as first written
	// (idText, each ending at idEnds) and first rows, to warn about IDs
	// that differ only in case.
	customers int
	idText    []byte
	idEnds    []uint32
	idRows    []int32

	fxLeftOut map[string]calc.Issue
	today     calc.Date // Options.Today

	row      int
	cells    []Cell
	mode     readMode
	fields   [nFields]Cell // the row's cells by field, trimmed
	bad      bool          // the current row has a problem
	wait     bool          // the current row waits for evidence
	issues   []calc.Issue
	warnings []calc.Issue
}

// newDecoder returns a decoder for the rows below header h, with the
// segment columns segs.
func newDecoder(h header, segs []Column, loc locale, book adder) *decoder {
	d := &decoder{loc: loc, book: book, reporting: book.Currency()}
	copy(d.cols[:], h.cols)
	for f, i := range d.cols {
		if i >= 0 {
			d.titles[f] = h.titles[i]
		}
	}
	if len(segs) > 0 {
		d.segCols = make([]int, len(segs))
		for k, c := range segs {
			d.segCols[k] = c.Index
		}
		d.segs = make([]string, len(segs))
	}
	return d
}

// try reads row n (see rowTrier).
func (d *decoder) try(n int, cells []Cell, mode readMode) bool {
	ni, nw := len(d.issues), len(d.warnings)
	d.row, d.cells, d.mode = n, cells, mode
	d.hasAmount, d.totalled = false, false
	d.decodeRow()
	switch {
	case d.wait || mode == readLearn:
		d.issues, d.warnings = d.issues[:ni], d.warnings[:nw]
	case d.totalled:
		d.above = amountsAbove{}
	case d.hasAmount:
		d.above.add(d.amount)
	}
	return !d.wait
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
	d.issues = append(d.issues, d.issue(f, c, msg))
}

// warn records a remark on field f of the current row.
func (d *decoder) warn(f field, c Cell, msg string) {
	d.warnings = append(d.warnings, d.issue(f, c, msg))
}

func (d *decoder) issue(f field, c Cell, msg string) calc.Issue {
	return calc.Issue{
		Row:     d.row,
		Column:  fieldNames[f],
		Header:  d.titles[f],
		Value:   strings.Clone(c.text()),
		Message: msg,
	}
}

// settle takes what a reader of a text cell found: a problem, or that the
// cell waits for evidence.
func (d *decoder) settle(f field, c Cell, problem string, wait bool) bool {
	switch {
	case wait:
		d.wait = true
		return false
	case problem != "":
		d.fail(f, c, problem)
		return false
	}
	return true
}

func (d *decoder) decodeRow() {
	d.bad, d.wait = false, false
	d.load()
	if d.mode != readLearn && d.totalRow() {
		return
	}
	d.sub = calc.Subscription{Row: d.row, Quantity: calc.One, End: calc.NoEnd}
	s := &d.sub
	// The fields are read in this order, so a row's issues come in it.
	d.readCustomer(s)
	d.readPrice(s)
	d.readTerm(s)
	if c := d.cell(fSetupFee); c.Kind != Empty {
		if v, m, ok := d.money(fSetupFee, c, "an amount"); ok && d.fitsRow(fSetupFee, c, m) {
			s.SetupFee = v
		}
	}

	if d.bad || d.wait || d.mode == readLearn {
		return
	}
	if d.segs != nil {
		d.loadSegments()
		s.Segments = d.segs
	}
	if err := d.book.Add(s); err != nil {
		d.refused(err)
		return
	}
	d.noteCustomer(s.CustomerID)
}

// readCustomer reads who pays, and in what: the customer, its name, the
// plan and the currency.
func (d *decoder) readCustomer(s *calc.Subscription) {
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
}

// readPrice reads what the customer pays: the amount, per interval, for a
// quantity, less a discount.
func (d *decoder) readPrice(s *calc.Subscription) {
	if c := d.cell(fAmount); c.Kind == Empty {
		d.fail(fAmount, c, "amount is missing")
	} else if v, m, ok := d.money(fAmount, c, "an amount"); ok {
		s.Amount = v
		d.amount, d.hasAmount = v, true
		if m.tok != "" {
			d.amountCurrency(c, m)
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
		if v, _, ok := d.number(fQuantity, c, "a number", false); ok {
			s.Quantity = v
		}
	}

	if c := d.cell(fDiscount); c.Kind != Empty {
		if disc, m, ok := d.discount(c); ok && d.fitsRow(fDiscount, c, m) {
			s.Discount = disc
		}
	}
}

// readTerm reads when the customer pays: the start and end dates, and the
// status.
func (d *decoder) readTerm(s *calc.Subscription) {
	if c := d.cell(fStartDate); c.Kind == Empty {
		d.fail(fStartDate, c, "start date is missing")
	} else if date, ok := d.date(fStartDate, c); ok {
		s.Start = date
	}

	if c := d.cell(fEndDate); c.Kind != Empty {
		if date, ok := d.date(fEndDate, c); ok {
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
// know: "(120.00)" rather than "-120". A missing FX rate says why, when the
// FX table had a row for the currency that was left out.
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
			issue.Header = d.titles[f]
			break
		}
	}
	if issue.Column == calc.FieldCurrency {
		code := d.rowCurrency(&d.sub)
		if fx, ok := d.fxLeftOut[code]; ok {
			issue.Message = fmt.Sprintf("no FX rate for %s: the FX table's row %d for it was left out (%s)", code, fx.Row, fx.Message)
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

// moneyMark is what a cell says of its amount's currency: the sign or code
// written beside the number ("$", "EUR"), or that the number format shows
// (a code, or a sign several currencies share), and what it means.
type moneyMark struct {
	tok       string
	sign      sign
	formatted bool // tok comes from the cell's number format
}

// amountCurrency reconciles the currency the amount cell c shows with the
// row's Currency column: a sign that fits it is fine; with no Currency
// column the sign names the row's currency, unless several currencies
// share it.
func (d *decoder) amountCurrency(c Cell, m moneyMark) {
	s := &d.sub
	switch {
	case s.Currency != "":
		if !m.sign.fits(s.Currency) {
			d.fail(fAmount, c, m.disagrees(c, s.Currency))
		}
	case d.cell(fCurrency).Kind != Empty:
		// A bad currency cell, already reported: the amount's sign
		// settles nothing.
	case m.sign.code != "":
		s.Currency = m.sign.code
	default:
		d.fail(fAmount, c, m.shared(c))
	}
}

// fitsRow checks that the currency another money cell of the row shows
// (a setup fee, a fixed discount) is the row's.
func (d *decoder) fitsRow(f field, c Cell, m moneyMark) bool {
	if m.tok == "" {
		return true
	}
	if cur := d.rowCurrency(&d.sub); !m.sign.fits(cur) {
		d.fail(f, c, m.disagrees(c, cur))
		return false
	}
	return true
}

// disagrees says that c's currency is not cur.
func (m moneyMark) disagrees(c Cell, cur string) string {
	if m.formatted {
		return fmt.Sprintf("%q is formatted as %s but the currency is %s", c.Text, m.sign.named(), cur)
	}
	return fmt.Sprintf("%q is in %s but the currency is %s", c.Text, m.sign.named(), cur)
}

// shared says that c's sign does not say which currency it is in.
func (m moneyMark) shared(c Cell) string {
	if m.formatted {
		return fmt.Sprintf("%q is formatted with %s, which %s all write: add a Currency column to say which", c.Text, m.tok, strings.Join(m.sign.also, ", "))
	}
	return fmt.Sprintf("%q: %s is written for %s alike: add a Currency column to say which", c.Text, m.tok, strings.Join(m.sign.also, ", "))
}

// money reads an amount of money in column f: a number cell, whose format
// may show a currency, or text such as "$1,200.00". what names the
// expected thing in messages ("an amount").
func (d *decoder) money(f field, c Cell, what string) (calc.Fixed, moneyMark, bool) {
	return d.number(f, c, what, true)
}

// number reads a number cell, or text in the forms the column's evidence
// settles; with money, text may show a currency ("$1,200.00", "99 EUR")
// and a number cell's format too. A problem is recorded and ok is false;
// so it is when the cell waits for evidence.
func (d *decoder) number(f field, c Cell, what string, money bool) (v calc.Fixed, m moneyMark, ok bool) {
	switch c.Kind {
	case Number:
		v, err := numberCellFixed(c.Text)
		if cur := c.Currency(); money && cur != "" {
			if sg, known := currencyToken(cur); known {
				m = moneyMark{tok: cur, sign: sg, formatted: true}
			}
		}
		return v, m, d.fixedOK(f, c, err, what)
	case Text:
		return d.text(f, c, c.Text, what, money)
	}
	d.fail(f, c, notA(c.Text, what))
	return 0, m, false
}

// text reads t, the number in the text of cell c of column f.
func (d *decoder) text(f field, c Cell, t, what string, money bool) (calc.Fixed, moneyMark, bool) {
	// The usual cell: digits and at most a decimal point, in a column
	// whose decimal point nothing disputes.
	if plainNumber(t) && (strings.IndexByte(t, '.') < 0 || d.seps[f].dec == '.' && (d.loc.dec != ',' || d.seps[f].byLocale)) {
		v, err := calc.ParseFixedExact(t)
		return v, moneyMark{}, d.fixedOK(f, c, err, what)
	}
	n, problem, wait := d.seps[f].read(t, d.row, d.loc, d.mode, money, what)
	if !d.settle(f, c, problem, wait) {
		return 0, moneyMark{}, false
	}
	var m moneyMark
	if n.tok != "" {
		m = moneyMark{tok: n.tok, sign: n.sign}
	}
	v, err := n.fixed()
	return v, m, d.fixedOK(f, c, err, what)
}

// fixedOK records the problem err says of cell c, if any.
func (d *decoder) fixedOK(f field, c Cell, err error, what string) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, calc.ErrRange):
		d.fail(f, c, fmt.Sprintf("%q is too large", c.Text))
	case errors.Is(err, calc.ErrPrecision):
		d.fail(f, c, precisionProblem(c.Text))
	default:
		d.fail(f, c, notA(c.Text, what))
	}
	return false
}

// precisionProblem says that s has digits past the ninth decimal place.
func precisionProblem(s string) string {
	return fmt.Sprintf("%q has more than 9 decimal places: mrrbot counts to 0.000000001 and does not round a number it is given", s)
}

// discount reads "20%" or a percent-formatted number as a percentage, and
// any other number or amount as money off per billing period. Money off
// below 1 gets a warning: 0.2 is most often meant as 20%.
func (d *decoder) discount(c Cell) (calc.Discount, moneyMark, bool) {
	const what = "a discount (write 20% or an amount)"
	if c.Kind == Number && c.Format == FormatPercent {
		v, err := numberCellFixed(c.Text)
		return calc.Discount{Percent: true, Value: v}, moneyMark{}, d.fixedOK(fDiscount, c, err, what)
	}
	if p, ok := strings.CutSuffix(c.Text, "%"); ok && c.Kind == Text {
		v, _, ok := d.text(fDiscount, c, strings.TrimSpace(p), what, false)
		if !ok {
			return calc.Discount{}, moneyMark{}, false
		}
		frac, exact := percentOf(v)
		if !exact {
			d.fail(fDiscount, c, precisionProblem(c.Text))
			return calc.Discount{}, moneyMark{}, false
		}
		return calc.Discount{Percent: true, Value: frac}, moneyMark{}, true
	}
	v, m, ok := d.money(fDiscount, c, what)
	if !ok {
		return calc.Discount{}, m, false
	}
	if v > 0 && v < calc.One && d.mode != readLearn {
		pct := v.Decimal().Shift(2).String()
		d.warn(fDiscount, c, fmt.Sprintf("%s is read as %s off each billing period, not as %s%%: write %s%% (or format the cell as a percent) for a percentage",
			c.Text, v.StringFixed(2), pct, pct))
	}
	return calc.Discount{Value: v}, m, true
}

// date reads a date-formatted number as a serial day, and text as a
// written date in the order the column's evidence settles. A number that
// is not date-formatted is refused: 45667 may be a serial day whose format
// was lost, or not a date at all.
func (d *decoder) date(f field, c Cell) (calc.Date, bool) {
	switch c.Kind {
	case Number:
		if c.Format != FormatDate {
			d.fail(f, c, numberNotDate.message(c.Text))
			return 0, false
		}
		if date, ok := serialDate(c.Text); ok {
			return date, d.plausible(f, c, date)
		}
	case Text:
		// ISO 8601, the usual form, says nothing of the order.
		if t := c.Text; len(t) == 10 && t[4] == '-' && t[7] == '-' {
			if date, p := parseDateText(t, orderUnknown); p == dateOK {
				return date, d.plausible(f, c, date)
			}
		}
		date, problem, wait := d.orders[f].read(c.Text, d.row, d.loc, d.mode)
		if !d.settle(f, c, problem, wait) {
			return 0, false
		}
		return date, d.plausible(f, c, date)
	}
	d.fail(f, c, notADate.message(c.Text))
	return 0, false
}

// plausible tells whether date, read from the cell c of field f, is a
// plausible subscription date, and records the problem when it is not.
func (d *decoder) plausible(f field, c Cell, date calc.Date) bool {
	if msg := PlausibleDate(date, d.today); msg != "" {
		d.fail(f, c, msg)
		return false
	}
	return true
}

// noteCustomer records the current row's customer ID when book.Add took it
// as a new customer: the IDs' first writings and rows, in order, for
// caseWarnings. Only a new customer costs anything here, and nothing is
// looked up: a sheet has a million rows.
func (d *decoder) noteCustomer(id string) {
	n := d.book.Customers()
	if n == d.customers {
		return
	}
	d.customers = n
	d.idEnds = append(d.idEnds, uint32(len(d.idText)+len(id)))
	d.idText = append(d.idText, id...)
	d.idRows = append(d.idRows, int32(d.row))
}

// caseWarnings warns about customer IDs that differ from an earlier one
// only in case: "C001" and "c001" are two customers, as written, which is
// seldom meant. It runs once, over the customers, after the last row, and
// keys them by a hash of their lower case, which costs no allocation.
func (d *decoder) caseWarnings() {
	first := make(map[uint64]int32, len(d.idRows))
	start := uint32(0)
	var warnings []calc.Issue
	for i, end := range d.idEnds {
		id := d.idText[start:end]
		start = end
		key := foldedHash(id)
		j, seen := first[key]
		if !seen {
			first[key] = int32(i)
			continue
		}
		earlier := d.idText[startOf(d.idEnds, int(j)):d.idEnds[j]]
		if !bytes.EqualFold(earlier, id) {
			continue // two IDs whose hashes agree: no warning rather than a wrong one
		}
		warnings = append(warnings, calc.Issue{
			Row:     int(d.idRows[i]),
			Column:  fieldNames[fCustomerID],
			Header:  d.titles[fCustomerID],
			Value:   string(id),
			Message: fmt.Sprintf("customer ID %q differs from %q (row %d) only in case: they are counted as two customers", id, earlier, d.idRows[j]),
		})
	}
	if warnings == nil {
		return
	}
	d.warnings = append(d.warnings, warnings...)
	slices.SortStableFunc(d.warnings, func(a, b calc.Issue) int { return cmp.Compare(a.Row, b.Row) })
}

// startOf returns where the i-th ID starts, given where each ends.
func startOf(ends []uint32, i int) uint32 {
	if i == 0 {
		return 0
	}
	return ends[i-1]
}

// foldedHash returns the FNV-1a hash of id in lower case.
func foldedHash(id []byte) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, c := range id {
		if c >= utf8.RuneSelf {
			h = offset
			for _, c := range []byte(strings.ToLower(string(id))) {
				h = (h ^ uint64(c)) * prime
			}
			return h
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * prime
	}
	return h
}
