package sheets

import (
	"fmt"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
)

// A number or a date written as text can often be read more than one
// way: "1.200" is 1.2 with a decimal point and 1200 with a decimal comma,
// and "03/04/2025" is March 4 month first and 3 April day first. mrrbot
// never picks one silently. A column settles it with its own evidence:
// the first cell in it that can be read only one way ("49,90" or
// "1.200,50" prove a decimal comma, "1,200.50" or "1.08" a decimal point;
// "13/03/2025" proves the day comes first). Every column settles on its
// own, since a sheet may mix columns typed in different places.
//
//   - A cell that reads the same either way ("1200", "2025-03-04") is
//     read.
//   - A cell that can be read only one way is read that way, and is the
//     column's evidence if it is the first; one that contradicts the
//     column's evidence is a problem that names the evidence.
//   - An ambiguous cell is read as the column's evidence says. Evidence
//     may come later in the table, so a row with an ambiguous cell in a
//     column not yet settled waits (the rows after it wait too, so that
//     rows are still counted in the table's order) until the column is
//     settled or the table ends.
//   - At the end, the locale (--locale, or the spreadsheet's) settles
//     what evidence did not; with no locale the cell is a problem asking
//     for one. A locale never overrides evidence: where the column's
//     evidence and the locale disagree, an ambiguous cell is a problem
//     that names both.
//
// At most maxWaiting rows wait: past that, the column is settled as if the
// table had ended, so that memory stays bounded on a large table whose
// ambiguous column has no evidence at all.

// maxWaiting is the most rows a table holds back while a column's
// evidence is awaited.
const maxWaiting = 1 << 16

// readMode says how a row is read.
type readMode uint8

const (
	// readNow reads the row, or has it wait when only later rows can
	// settle one of its cells.
	readNow readMode = iota
	// readLearn notes what the row's cells prove of their columns and
	// changes nothing else: the row waits behind an earlier one.
	readLearn
	// readFinal reads the row: what no evidence settled, the locale
	// settles, or it is a problem.
	readFinal
)

// separators is what one column's text numbers have shown of their
// decimal separator.
type separators struct {
	dec byte // '.' or ',' once settled, 0 before
	// byLocale is true when the locale settled dec, for want of evidence;
	// row and text are then the first cell it settled.
	byLocale bool
	row      int    // the row of the cell that settled dec
	text     string // that cell as written
}

// hasSeparator reports whether s holds a '.' or a ',': without one, a
// number reads the same with either decimal separator.
func hasSeparator(s string) bool {
	return strings.IndexByte(s, '.') >= 0 || strings.IndexByte(s, ',') >= 0
}

func otherSeparator(dec byte) byte {
	if dec == '.' {
		return ','
	}
	return '.'
}

func separatorName(dec byte) string {
	if dec == ',' {
		return "comma"
	}
	return "point"
}

// read reads the number in s, the cell of row in this column. money
// allows a currency sign or code; what names the expected thing for
// messages ("an amount"). It returns the number, or a problem, or wait
// when only evidence still to come can settle it (never in readFinal).
func (col *separators) read(s string, row int, loc locale, mode readMode, money bool, what string) (n numberText, problem string, wait bool) {
	if !hasSeparator(s) {
		n, ok := scanNumber(s, '.', money)
		if !ok {
			return n, notA(s, what), false
		}
		return n, "", false
	}
	// A settled column no locale disagrees with: read as it says, and
	// look further only when that fails.
	if col.dec != 0 && (col.byLocale || loc.dec == 0 || loc.dec == col.dec) {
		if n, ok := scanNumber(s, col.dec, money); ok {
			return n, "", false
		}
		if _, ok := scanNumber(s, otherSeparator(col.dec), money); ok {
			return n, col.contradicted(s, otherSeparator(col.dec), loc), false
		}
		return n, notA(s, what), false
	}
	p, pok := scanNumber(s, '.', money)
	c, cok := scanNumber(s, ',', money)
	switch {
	case !pok && !cok:
		return p, notA(s, what), false
	case pok && cok && same(p, c):
		// The dot of a sign ("100 kr."), not a separator.
		return p, "", false
	case pok != cok:
		n, dec := p, byte('.')
		if cok {
			n, dec = c, ','
		}
		switch col.dec {
		case 0:
			*col = separators{dec: dec, row: row, text: strings.Clone(strings.TrimSpace(s))}
		case dec:
		default:
			return n, col.contradicted(s, dec, loc), false
		}
		return n, "", false
	}
	// Both readings are numbers, and they differ.
	if col.dec != 0 {
		// Settled by evidence that the locale contradicts.
		return p, fmt.Sprintf("%q could be %s or %s: this column writes a decimal %s (%q in row %d), but the locale %s writes a decimal %s",
			s, value(p), value(c), separatorName(col.dec), col.text, col.row, loc.name, separatorName(loc.dec)), false
	}
	switch {
	case mode != readFinal:
		return p, "", true
	case loc.dec != 0:
		*col = separators{dec: loc.dec, byLocale: true, row: row, text: strings.Clone(strings.TrimSpace(s))}
		if loc.dec == ',' {
			return c, "", false
		}
		return p, "", false
	}
	return p, fmt.Sprintf("%q could be %s or %s, and nothing in this column settles which: write the number without a thousands separator, or set --locale to how the sheet writes numbers (en_US for 1,200.50, de_DE for 1.200,50)",
		s, value(p), value(c)), false
}

// contradicted says that s, which writes a decimal dec, disagrees with
// the column.
func (col *separators) contradicted(s string, dec byte, loc locale) string {
	if col.byLocale {
		return fmt.Sprintf("%q writes a decimal %s, but this column's %q (row %d) was read with the decimal %s of the locale %s",
			s, separatorName(dec), col.text, col.row, separatorName(col.dec), loc.name)
	}
	return fmt.Sprintf("%q writes a decimal %s, but this column writes a decimal %s (%q in row %d)",
		s, separatorName(dec), separatorName(col.dec), col.text, col.row)
}

// same reports whether p and c are the same number.
func same(p, c numberText) bool {
	a, err1 := p.fixed()
	b, err2 := c.fixed()
	return err1 == nil && err2 == nil && a == b
}

// value formats n's value for a message, or its digits when it has none.
func value(n numberText) string {
	v, err := n.fixed()
	if err != nil {
		return n.literal()
	}
	return v.String()
}

// notA says that s is not what was expected.
func notA(s, what string) string { return fmt.Sprintf("%q is not %s", s, what) }

// dayOrder is what one column's text dates have shown of the order of
// their day and month.
type dayOrder struct {
	order    dateOrder // orderDMY or orderMDY once settled
	byLocale bool      // settled by the locale, for want of evidence
	row      int       // the row of the cell that settled it
	text     string    // that cell as written
}

func orderName(o dateOrder) string {
	if o == orderDMY {
		return "day"
	}
	return "month"
}

func otherName(o dateOrder) string {
	if o == orderDMY {
		return "month"
	}
	return "day"
}

// read reads the date in s, the cell of row in this column, as read reads
// a number.
func (col *dayOrder) read(s string, row int, loc locale, mode readMode) (d calc.Date, problem string, wait bool) {
	proof, ambiguous := dayMonth(s)
	switch {
	case proof != orderUnknown:
		switch col.order {
		case orderUnknown:
			*col = dayOrder{order: proof, row: row, text: strings.Clone(strings.TrimSpace(s))}
		case proof:
		default:
			if col.byLocale {
				return 0, fmt.Sprintf("%q puts the %s first, but this column's %q (row %d) was read %s first, as the locale %s writes dates",
					s, orderName(proof), col.text, col.row, orderName(col.order), loc.name), false
			}
			return 0, fmt.Sprintf("%q puts the %s first, but this column puts the %s first (%q in row %d)",
				s, orderName(proof), otherName(proof), col.text, col.row), false
		}
		return col.parse(s, proof)
	case !ambiguous:
		return col.parse(s, orderUnknown)
	case col.order != orderUnknown:
		if col.byLocale || loc.order == orderUnknown || loc.order == col.order {
			return col.parse(s, col.order)
		}
		return 0, fmt.Sprintf("%q cannot be read without guessing whether the day or the month comes first: this column puts the %s first (%q in row %d), but the locale %s puts the %s first",
			s, orderName(col.order), col.text, col.row, loc.name, otherName(col.order)), false
	case mode != readFinal:
		return 0, "", true
	case loc.order != orderUnknown:
		*col = dayOrder{order: loc.order, byLocale: true, row: row, text: strings.Clone(strings.TrimSpace(s))}
		return col.parse(s, loc.order)
	}
	return 0, ambiguousDate.message(s), false
}

// parse reads s in the order o.
func (col *dayOrder) parse(s string, o dateOrder) (calc.Date, string, bool) {
	d, p := parseDateText(s, o)
	if p != dateOK {
		return 0, p.message(s), false
	}
	return d, "", false
}
