package sheets

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/calc"
)

// A subscriptions tab often ends with a total: a row whose label says
// "Total" and whose amount is the sum of the amounts above. Counted, it
// would be one more customer paying as much as all the others, and double
// the MRR. A row is a total, left out with a warning, when:
//
//   - its customer ID is a word for a total ("Total", "Subtotal", "Grand
//     total", "Summe", "Total général", …), or its customer ID is blank and
//     its customer name or its first cell is one; a customer named
//     "Totalis GmbH" or "Total Care" is not;
//   - or its amount is computed by a formula that sums rows above it
//     (=SUM(D2:D9), =SUBTOTAL(9,D2:D9)), as a workbook or a Google Sheet
//     keeps it;
//   - or, as a CSV export keeps it without its formula, its customer ID is
//     blank and its amount is the sum of the two or more amounts above it,
//     since the last total.

// totalWords are the labels of total rows, lower case, in the languages
// spreadsheets are kept in.
var totalWords = set(
	"total", "totals", "subtotal", "sub total", "sub-total", "grand total", "sum", "sum total", "overall total",
	"summe", "gesamt", "gesamtsumme", "zwischensumme", "endsumme", "insgesamt",
	"total général", "total general", "sous-total", "sous total", "somme",
	"totale", "totale generale", "subtotale", "somma",
	"totaal", "subtotaal", "eindtotaal", "som",
	"total geral", "subtotal geral", "soma",
	"totalt", "summa", "yhteensä", "i alt", "samtals",
	"suma", "razem", "celkem", "celkom", "összesen", "toplam", "ara toplam",
	"итого", "всего", "разом", "合計", "合计", "总计", "總計", "小計", "小计", "総計",
)

// isTotalLabel reports whether s is a word for a total, ignoring case, a
// trailing colon or dot and the spaces around and between words. It does
// not allocate for the usual cell, which has digits or is too long.
func isTotalLabel(s string) bool {
	if len(s) < 3 || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			return false
		}
	}
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimRight(s, ":."))
	var buf [32]byte
	b := buf[:0]
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return totalWords[strings.Join(strings.Fields(strings.ToLower(s)), " ")]
		case c == ' ' || c == '\t':
			space = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	return totalWords[string(b)]
}

// totalRow reports whether the current row is a total row, and if so
// records the warning that leaves it out.
func (d *decoder) totalRow() bool {
	id := d.cell(fCustomerID)
	label, at := "", fCustomerID
	switch {
	case id.Kind == Text && isTotalLabel(id.Text):
		label = id.Text
	case id.Kind == Empty:
		if name := d.cell(fCustomerName); name.Kind == Text && isTotalLabel(name.Text) {
			label, at = name.Text, fCustomerName
			break
		}
		for _, c := range d.cells {
			if c.blank() {
				continue
			}
			if c.Kind == Text && isTotalLabel(c.Text) {
				label = strings.TrimSpace(c.Text)
			}
			break
		}
	}
	if label != "" {
		d.leaveOut(at, Cell{Kind: Text, Text: label}, fmt.Sprintf("%q marks a total row, not a subscription: left out", label))
		return true
	}
	a := d.cell(fAmount)
	if a.Formula() != "" && sumsRowsAbove(a.Formula(), d.row) {
		d.leaveOut(fAmount, a, fmt.Sprintf("the amount is %q, a total of the rows above, not a subscription: left out", "="+strings.TrimPrefix(a.Formula(), "=")))
		return true
	}
	// A CSV export keeps the total, not its formula: with no customer, an
	// amount that is the sum of two or more amounts above it is one.
	if id.Kind == Empty && d.above.rows >= 2 {
		if v, ok := d.plainAmount(a); ok && v == d.above.sum {
			d.leaveOut(fAmount, a, fmt.Sprintf("the amount %s is the total of the %d rows above, not a subscription: left out", a.Text, d.above.rows))
			return true
		}
	}
	return false
}

// amountsAbove is the sum of the amounts read since the table's start or
// its last total row.
type amountsAbove struct {
	sum  calc.Fixed
	rows int
}

// add adds the amount of a row read; a sum past the range of a Fixed
// stops counting until the next total.
func (a *amountsAbove) add(v calc.Fixed) {
	if a.rows < 0 {
		return
	}
	if s := a.sum + v; v >= 0 && s >= a.sum {
		a.sum, a.rows = s, a.rows+1
		return
	}
	a.rows = -1
}

// plainAmount reads the amount cell c as a total would be written, with
// nothing recorded: a number cell, or text whose reading the column has
// settled.
func (d *decoder) plainAmount(c Cell) (calc.Fixed, bool) {
	switch {
	case c.Kind == Number:
		v, err := numberCellFixed(c.Text)
		return v, err == nil
	case c.Kind != Text:
		return 0, false
	case plainNumber(c.Text) && strings.IndexByte(c.Text, '.') < 0:
		v, err := calc.ParseFixedExact(c.Text)
		return v, err == nil
	case d.seps[fAmount].dec != 0:
		n, ok := scanNumber(c.Text, d.seps[fAmount].dec, true)
		if !ok {
			return 0, false
		}
		v, err := n.fixed()
		return v, err == nil
	}
	return 0, false
}

// leaveOut records a warning for a row left out on purpose, a total, and
// starts the sum of the amounts above afresh.
func (d *decoder) leaveOut(f field, c Cell, msg string) {
	is := d.issue(f, c, msg)
	is.LeftOut = true
	d.warnings = append(d.warnings, is)
	d.totalled = true
}

// sumFunctions are the spreadsheet functions that total a range.
var sumFunctions = []string{"SUM(", "SUBTOTAL(", "AGGREGATE("}

// sumsRowsAbove reports whether formula, the formula of a cell in row,
// totals a range of cells that all lie in rows above it: "SUM(D2:D9)",
// "=SUBTOTAL(9,D$2:D$9)". A formula over the row's own cells ("SUM(E5:G5)"
// in row 5) or over no range is not a total.
func sumsRowsAbove(formula string, row int) bool {
	f := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(formula), "=")))
	sum := false
	for _, fn := range sumFunctions {
		sum = sum || strings.HasPrefix(f, fn)
	}
	if !sum {
		return false
	}
	ranges := 0
	for i := 0; i < len(f); {
		r, n := cellRef(f[i:])
		if n == 0 {
			i++
			continue
		}
		if r >= row {
			return false
		}
		i += n
		if i < len(f) && f[i] == ':' {
			if r2, n2 := cellRef(f[i+1:]); n2 > 0 {
				if r2 >= row {
					return false
				}
				ranges++
				i += 1 + n2
			}
		}
	}
	return ranges > 0
}

// cellRef reads an A1 reference at the start of s ("D2", "$D$2"): its row
// and its length, or a length of 0. A name followed by "(" is a function.
func cellRef(s string) (row, n int) {
	i := 0
	if i < len(s) && s[i] == '$' {
		i++
	}
	letters := i
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == letters || i-letters > 3 {
		return 0, 0
	}
	if i < len(s) && s[i] == '$' {
		i++
	}
	digits := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-digits < 8 {
		row = row*10 + int(s[i]-'0')
		i++
	}
	if i == digits || i < len(s) && (s[i] == '(' || s[i] >= 'A' && s[i] <= 'Z') {
		return 0, 0
	}
	return row, i
}
