package sheets

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/mrrbot/mrrbot/calc"
)

// field is a column of the subscriptions table.
type field uint8

const (
	fCustomerID field = iota
	fCustomerName
	fPlan
	fAmount
	fCurrency
	fInterval
	fQuantity
	fDiscount
	fStartDate
	fEndDate
	fStatus
	fSetupFee
	nFields
)

// fieldNames are the names issues and [Report.Header] use.
var fieldNames = [nFields]string{
	calc.FieldCustomerID, calc.FieldCustomerName, calc.FieldPlan, calc.FieldAmount,
	calc.FieldCurrency, calc.FieldInterval, calc.FieldQuantity, calc.FieldDiscount,
	calc.FieldStartDate, calc.FieldEndDate, calc.FieldStatus, calc.FieldSetupFee,
}

// subscriptionColumns are the header names of each field, normalised, from
// the closest to the field to the loosest: when two columns match a field,
// the closer name wins (see matchHeader).
var subscriptionColumns = [nFields][]string{
	fCustomerID:   {"customerid", "accountid", "customer", "account", "client"},
	fCustomerName: {"customername", "company", "accountname", "name"},
	fPlan:         {"plan", "product", "tier"},
	fAmount:       {"amount", "price", "listprice"},
	fCurrency:     {"currency"},
	fInterval:     {"interval", "billinginterval", "billingperiod", "billingcycle", "frequency"},
	fQuantity:     {"quantity", "seats", "qty", "units", "licenses"},
	fDiscount:     {"discount"},
	fStartDate:    {"startdate", "start", "started"},
	fEndDate:      {"enddate", "end", "canceldate", "cancellationdate", "churndate"},
	fStatus:       {"status"},
	fSetupFee:     {"setupfee", "onetimefee", "onboardingfee"},
}

var subscriptionRequired = []int{int(fCustomerID), int(fAmount), int(fStartDate)}

// The FX table's columns. Month is optional: with it, a row gives a
// currency's rate from that month on.
const (
	fxCurrency = iota
	fxRate
	fxMonth
	nFX
)

var fxNames = []string{"currency", "rate", "month"}

var fxColumns = [][]string{
	fxCurrency: {"currency", "currencycode", "code"},
	fxRate:     {"rate", "fxrate", "exchangerate"},
	fxMonth:    {"month", "period", "from", "effective", "effectivefrom", "effectivedate", "validfrom"},
}

// Column is where a field was found.
type Column struct {
	Index  int    // zero-based position in the row
	Letter string // the column letter the spreadsheet shows: A, B, …, AA
	Title  string // the header cell as written
}

// HeaderError reports a table whose header row cannot be found or lacks a
// required column. It is an error of the whole table, not of a row.
type HeaderError struct {
	// Row is the header row, or 0 when no row looked like a header.
	Row int
	// Missing lists the required fields the header lacks; with Row 0, all of
	// them.
	Missing []string
	// Accepted gives, for each missing field, the header names it goes by.
	Accepted [][]string
	// Saw lists the header cells of Row, or with Row 0 the cells of the
	// first non-blank row (at most 20).
	Saw []string
}

// Error names what is missing and what the table has instead.
func (e *HeaderError) Error() string {
	var b strings.Builder
	if e.Row == 0 {
		b.WriteString("no header row: no row names at least two known columns")
	} else {
		fmt.Fprintf(&b, "header row %d lacks required column", e.Row)
		if len(e.Missing) > 1 {
			b.WriteString("s")
		}
	}
	for i, m := range e.Missing {
		if i == 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(m)
		if i < len(e.Accepted) && len(e.Accepted[i]) > 1 {
			fmt.Fprintf(&b, " (%s)", strings.Join(e.Accepted[i], ", "))
		}
	}
	if len(e.Saw) == 0 {
		b.WriteString("; the table is empty")
		return b.String()
	}
	if e.Row == 0 {
		b.WriteString("; first row has: ")
	} else {
		b.WriteString("; headers seen: ")
	}
	for i, s := range e.Saw {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	return b.String()
}

// SegmentError reports segment columns ([Options.Segments]) that the
// header row lacks. Like a *HeaderError, it is an error of the whole table.
type SegmentError struct {
	// Row is the header row.
	Row int
	// Missing lists the segments asked for, as given, that no header cell
	// names.
	Missing []string
	// Saw lists the header cells of Row.
	Saw []string
}

// Error names the segments asked for and the headers the table has.
func (e *SegmentError) Error() string {
	quoted := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		quoted[i] = strconv.Quote(m)
	}
	noun, verb := "column", "is"
	if len(e.Missing) > 1 {
		noun, verb = "columns", "are"
	}
	return fmt.Sprintf("segment %s %s %s not in the header (headers: %s)", noun, strings.Join(quoted, ", "), verb, strings.Join(e.Saw, ", "))
}

// normalizeHeader lowercases h and drops everything but letters and digits.
func normalizeHeader(h string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

// matchHeader maps the cells of one row to fields: cols[f] is the column of
// field f, or -1. It returns how many fields it recognised, and for a field
// that two columns name equally well, those two. When several columns
// name a field, a visible column wins over a hidden one (hidden(i) tells),
// then the closer name: the one listed first for the field, so "Price"
// wins over "List Price" for amount. Two columns with the same name and
// visibility are a tie: nothing settles which one holds the field.
func matchHeader(cells []Cell, table [][]string, cols []int, hidden func(int) bool) (found int, tie *duplicate) {
	for i := range cols {
		cols[i] = -1
	}
	rank := make([]int, len(cols))
	ties := make([]*duplicate, len(cols))
	for i, c := range cells {
		if c.Kind != Text {
			continue
		}
		h := normalizeHeader(c.Text)
		if h == "" {
			continue
		}
		for f, names := range table {
			k := slices.Index(names, h)
			if k < 0 {
				continue
			}
			r := k
			if hidden != nil && hidden(i) {
				r += len(names)
			}
			switch {
			case cols[f] < 0:
				cols[f], rank[f] = i, r
				found++
			case r < rank[f]:
				cols[f], rank[f], ties[f] = i, r, nil
			case r == rank[f] && ties[f] == nil:
				ties[f] = &duplicate{field: f, first: cols[f], second: i}
			}
		}
	}
	for _, t := range ties {
		if t != nil {
			return found, t
		}
	}
	return found, nil
}

// duplicate is two columns that name one field equally well.
type duplicate struct {
	field         int
	first, second int
}

// headerTitles returns the non-blank cells of a row as written, at most max.
func headerTitles(cells []Cell, max int) []string {
	var saw []string
	for _, c := range cells {
		if t := c.text(); t != "" {
			saw = append(saw, strings.Clone(t))
			if len(saw) == max {
				break
			}
		}
	}
	return saw
}

// header is a recognised header row.
type header struct {
	row     int
	cols    []int             // cols[f] is the column of field f, or -1
	columns map[string]Column // by field name
	titles  []string          // every cell of the row as written, trimmed
	hidden  []bool            // hidden[i] is true when column i is hidden
	table   [][]string        // the names each field goes by
	names   []string          // the fields' names
}

// IgnoredColumn is a column of the header row that is not read.
type IgnoredColumn struct {
	Column
	// Hidden is true when the sheet hides the column.
	Hidden bool
	// Field is the field the column's header names when another column
	// was read for it ("amount" for a "List Price" beside a "Price"), or
	// "" for a header mrrbot does not know.
	Field string
}

// ignored lists the header's columns that are neither a field's column
// nor one of segs.
func (h header) ignored(segs []Column) []IgnoredColumn {
	var out []IgnoredColumn
	for i, t := range h.titles {
		if t == "" || slices.Contains(h.cols, i) || slices.ContainsFunc(segs, func(c Column) bool { return c.Index == i }) {
			continue
		}
		ic := IgnoredColumn{Column: Column{Index: i, Letter: ColumnLetter(i), Title: t}, Hidden: i < len(h.hidden) && h.hidden[i]}
		norm := normalizeHeader(t)
		for f, names := range h.table {
			if slices.Contains(names, norm) {
				ic.Field = h.names[f]
			}
		}
		out = append(out, ic)
	}
	return out
}

// DuplicateColumnError reports two columns of the header row that name one
// field equally well: the same name, both visible or both hidden. Nothing
// settles which one holds the field, so the table is not read.
type DuplicateColumnError struct {
	// Row is the header row.
	Row int
	// Field is the field both columns name.
	Field string
	// Columns are the two columns.
	Columns [2]Column
}

// Error names the field and both columns.
func (e *DuplicateColumnError) Error() string {
	a, b := e.Columns[0], e.Columns[1]
	return fmt.Sprintf("header row %d has two %s columns, %q (column %s) and %q (column %s), and nothing says which one to read: rename or delete one",
		e.Row, e.Field, a.Title, a.Letter, b.Title, b.Letter)
}

// segmentColumns finds the column of each segment the header row names,
// matched as the known fields are: ignoring case and everything but letters
// and digits. A segment may name a known field's column too. When two
// columns match, the first wins. It returns a *SegmentError naming the
// segments no column matches.
func (h header) segmentColumns(segments []string) ([]Column, error) {
	if len(segments) == 0 {
		return nil, nil
	}
	cols := make([]Column, len(segments))
	var missing []string
	for k, seg := range segments {
		want := normalizeHeader(seg)
		i := -1
		for j, t := range h.titles {
			if want != "" && normalizeHeader(t) == want {
				i = j
				break
			}
		}
		if i < 0 {
			missing = append(missing, seg)
			continue
		}
		cols[k] = Column{Index: i, Letter: ColumnLetter(i), Title: h.titles[i]}
	}
	if missing != nil {
		var saw []string
		for _, t := range h.titles {
			if t != "" {
				saw = append(saw, t)
			}
		}
		return nil, &SegmentError{Row: h.row, Missing: missing, Saw: saw}
	}
	return cols, nil
}

// findHeader reads rows up to and including the header row: the first row
// that names at least two of the table's fields. It returns a *HeaderError
// when the table ends first or the header lacks a required field.
func findHeader(r RowReader, table [][]string, names []string, required []int) (header, error) {
	cols := make([]int, len(table))
	var hidden func(int) bool
	if h, ok := r.(ColumnHider); ok {
		hidden = h.ColumnHidden
	}
	var first []string
	for {
		n, cells, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				missing := make([]string, len(required))
				accepted := make([][]string, len(required))
				for i, f := range required {
					missing[i] = names[f]
					accepted[i] = table[f]
				}
				return header{}, &HeaderError{Missing: missing, Accepted: accepted, Saw: first}
			}
			return header{}, err
		}
		if first == nil {
			first = headerTitles(cells, 20)
		}
		found, tie := matchHeader(cells, table, cols, hidden)
		if found < 2 {
			continue
		}
		var missing []string
		var accepted [][]string
		for _, f := range required {
			if cols[f] < 0 {
				missing = append(missing, names[f])
				accepted = append(accepted, table[f])
			}
		}
		if missing != nil {
			return header{}, &HeaderError{Row: n, Missing: missing, Accepted: accepted, Saw: headerTitles(cells, len(cells))}
		}
		h := header{row: n, cols: cols, columns: make(map[string]Column), titles: make([]string, len(cells)), hidden: make([]bool, len(cells)), table: table, names: names}
		for i, c := range cells {
			h.titles[i] = strings.Clone(c.text())
			h.hidden[i] = hidden != nil && hidden(i)
		}
		if tie != nil {
			col := func(i int) Column { return Column{Index: i, Letter: ColumnLetter(i), Title: h.titles[i]} }
			return header{}, &DuplicateColumnError{Row: n, Field: names[tie.field], Columns: [2]Column{col(tie.first), col(tie.second)}}
		}
		for f, i := range cols {
			if i >= 0 {
				h.columns[names[f]] = Column{Index: i, Letter: ColumnLetter(i), Title: h.titles[i]}
			}
		}
		return h, nil
	}
}
