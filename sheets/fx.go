package sheets

import (
	"fmt"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

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

	// leftOut holds, by currency, the first row for it that was left out.
	leftOut map[string]calc.Issue
}

// DecodeFX reads an FX table from r: columns currency and rate, the units
// of the reporting currency (opts.Currency) per one unit of that currency,
// and optionally month. With a month, a row is that currency's rate from
// the month on; with the month blank, or no month column, it is the
// currency's single rate. A month is a date cell (any day of the month) or
// text such as 2025-03, 2025-03-01, 03/2025, Mar 2025 or March 2025.
//
// A rate written as text is read by the evidence of its column, as the
// subscriptions' numbers are (see evidence.go): "1.08" is 1.08 whatever
// the locale, since a decimal comma cannot read it, and that settles an
// ambiguous "1.100" below it. A date whose day and month cannot be told
// apart is likewise settled by the month column's evidence or the locale,
// or not guessed.
//
// A row with a bad code, a rate that is not a positive number, a month that
// is not a month, a currency (or currency and month) given twice, or a rate
// other than 1 for the reporting currency itself is left out and reported
// as an issue. The error is for the table as a whole, as with [Loaded.Decode].
func DecodeFX(r RowReader, opts Options) (*FX, []calc.Issue, error) {
	loc, err := parseLocale(opts.Locale)
	if err != nil {
		return nil, nil, err
	}
	h, err := findHeader(r, fxColumns, fxNames, []int{fxCurrency, fxRate})
	if err != nil {
		return nil, nil, err
	}
	d := &fxDecoder{
		loc:       loc,
		cols:      h.cols,
		titles:    make([]string, nFX),
		reporting: opts.currency(),
		fx:        &FX{Rates: make(map[string]decimal.Decimal), leftOut: make(map[string]calc.Issue)},
		seen:      make(map[string]int),
		seenMonth: make(map[fxKey]int),
	}
	for f, i := range h.cols {
		if i >= 0 {
			d.titles[f] = h.titles[i]
		}
	}
	if _, err := readRows(r, d); err != nil {
		return nil, nil, err
	}
	return d.fx, d.issues, nil
}

type fxKey struct {
	code  string
	month calc.Month
}

// fxDecoder reads the rows of an FX table whose header it knows.
type fxDecoder struct {
	loc       locale
	cols      []int
	titles    []string
	reporting string
	fx        *FX
	seen      map[string]int
	seenMonth map[fxKey]int
	issues    []calc.Issue

	rate  separators
	month dayOrder

	row   int
	cells []Cell
	mode  readMode
	code  string // the current row's currency, once read
}

func (d *fxDecoder) get(f int) Cell {
	if i := d.cols[f]; i >= 0 && i < len(d.cells) {
		if c := d.cells[i]; !c.blank() {
			return c
		}
	}
	return Cell{}
}

// bad records a problem with column f of the current row, unless the
// row is only being learnt from.
func (d *fxDecoder) bad(f int, c Cell, format string, args ...any) {
	if d.mode == readLearn {
		return
	}
	is := calc.Issue{Row: d.row, Column: fxNames[f], Header: d.titles[f], Value: strings.Clone(c.text()), Message: fmt.Sprintf(format, args...)}
	d.issues = append(d.issues, is)
	if _, ok := d.fx.leftOut[d.code]; d.code != "" && !ok {
		d.fx.leftOut[d.code] = is
	}
}

// try reads row n (see rowTrier).
func (d *fxDecoder) try(n int, cells []Cell, mode readMode) bool {
	d.row, d.cells, d.mode, d.code = n, cells, mode, ""
	cc, rc, mc := d.get(fxCurrency), d.get(fxRate), d.get(fxMonth)
	code, ok := currencyCode(cc.text())
	switch {
	case cc.Kind == Empty:
		d.bad(fxCurrency, cc, "currency is missing")
		return true
	case !ok:
		d.bad(fxCurrency, cc, "%q is not a currency code (use an ISO code such as EUR)", cc.text())
		return true
	}
	d.code = code
	// Read both cells before leaving the row out, so that each column
	// learns what the row proves.
	rate, rateProblem, wait := d.readRate(rc)
	monthly := mc.Kind != Empty
	var month calc.Month
	var monthProblem string
	if monthly {
		var w bool
		month, monthProblem, w = d.readMonth(mc)
		wait = wait || w
	}
	if wait && mode != readFinal {
		return false
	}
	if mode == readLearn {
		return true
	}
	switch {
	case rateProblem != "":
		d.bad(fxRate, rc, "%s", rateProblem)
		return true
	case monthProblem != "":
		d.bad(fxMonth, mc, "%s", monthProblem)
		return true
	}
	k := fxKey{code, month}
	switch {
	case !rate.IsPositive():
		d.bad(fxRate, rc, "rate %s is not positive", rate)
	case code == d.reporting && !rate.Equal(decimal.NewFromInt(1)):
		d.bad(fxRate, rc, "the rate of the reporting currency %s must be 1, not %s", code, rate)
	case monthly && d.seenMonth[k] != 0:
		d.bad(fxMonth, mc, "%s for %s is given again (first in row %d)", code, month, d.seenMonth[k])
	case monthly:
		d.seenMonth[k] = d.row
		d.fx.Monthly = append(d.fx.Monthly, calc.MonthlyRate{Currency: code, Month: month, Rate: rate})
	case d.seen[code] != 0:
		d.bad(fxCurrency, cc, "%s is given again (first in row %d)", code, d.seen[code])
	default:
		d.seen[code] = d.row
		d.fx.Rates[code] = rate
	}
	return true
}

// readRate reads a rate: a number cell exactly, or text by the evidence of
// the rate column.
func (d *fxDecoder) readRate(c Cell) (decimal.Decimal, string, bool) {
	switch c.Kind {
	case Empty:
		return decimal.Decimal{}, "rate is missing", false
	case Number:
		t := strings.TrimSpace(c.Text)
		if !IsNumberLiteral(t) {
			return decimal.Decimal{}, notA(c.text(), "a number"), false
		}
		r, err := decimal.NewFromString(t)
		if err != nil {
			return r, notA(c.text(), "a number"), false
		}
		return floatRounded(r), "", false
	case Text:
		n, problem, wait := d.rate.read(c.Text, d.row, d.loc, d.mode, false, "a number")
		if problem != "" || wait {
			return decimal.Decimal{}, problem, wait
		}
		r, err := decimal.NewFromString(n.literal())
		if err != nil {
			return r, notA(c.text(), "a number"), false
		}
		return r, "", false
	}
	return decimal.Decimal{}, notA(c.text(), "a number"), false
}

// floatRounded rounds d, a number a spreadsheet kept in binary floating
// point, to the 15 significant digits such a number holds: what is past
// them is noise the person never typed (1.0800000000000001).
func floatRounded(d decimal.Decimal) decimal.Decimal {
	const floatDigits = 15
	c := d.Coefficient()
	if digits := len(c.Abs(c).String()); digits > floatDigits {
		return d.Round(int32(floatDigits-digits) - d.Exponent())
	}
	return d
}

// readMonth reads the month of an FX row: a date cell (any day of the
// month), or text giving a month (2025-03, 03/2025, Mar 2025, March 2025)
// or a date (2025-03-01, Mar 1, 2025, or 01/03/2025 read in the order the
// column's evidence or the locale settles).
func (d *fxDecoder) readMonth(c Cell) (calc.Month, string, bool) {
	switch c.Kind {
	case Number:
		if c.Format != FormatDate {
			return 0, fmt.Sprintf("%q is a number, not a month: format the cell as a date or write YYYY-MM", c.text()), false
		}
		if day, ok := serialDate(c.Text); ok {
			return day.Month(), "", false
		}
	case Text:
		t := strings.TrimSpace(c.Text)
		if m, p, ok := monthText(t); ok {
			if p == dateOK {
				return m, "", false
			}
			return 0, monthProblem(p, t), false
		}
		if proof, ambiguous := dayMonth(t); proof == orderUnknown && !ambiguous {
			day, p := parseDateText(t, orderUnknown)
			if p != dateOK {
				return 0, monthProblem(p, t), false
			}
			return day.Month(), "", false
		}
		day, problem, wait := d.month.read(t, d.row, d.loc, d.mode)
		if problem != "" || wait {
			if problem == ambiguousDate.message(t) {
				problem = monthProblem(ambiguousDate, t)
			}
			return 0, problem, wait
		}
		return day.Month(), "", false
	}
	return 0, monthProblem(notADate, c.text()), false
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
