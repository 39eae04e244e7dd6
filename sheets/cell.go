package sheets

import "strings"

// CellKind says what a cell holds.
type CellKind uint8

// Cell kinds.
const (
	// Empty is a blank cell.
	Empty CellKind = iota
	// Text is a string as the source gave it. Every CSV cell is Text.
	Text
	// Number is a number; its Text is the exact decimal literal the source
	// gave ("1200.5", "4.5E-3"), never a float64 rendering.
	Number
	// Bool is a boolean; its Text is "TRUE" or "FALSE".
	Bool
)

// String names the kind.
func (k CellKind) String() string {
	switch k {
	case Text:
		return "text"
	case Number:
		return "number"
	case Bool:
		return "bool"
	}
	return "empty"
}

// Format is the number format of a Number cell. It means nothing for other
// kinds.
type Format uint8

// Number formats.
const (
	// FormatNone is a number with no format the reader recognised.
	FormatNone Format = iota
	// FormatNumber is a plain number format ("#,##0.00").
	FormatNumber
	// FormatCurrency is a currency or accounting format; the cell is its
	// number.
	FormatCurrency
	// FormatPercent is a percent format: 0.2 is shown as 20%.
	FormatPercent
	// FormatDate is a date or date-time format: the number is a serial day
	// counted from 1899-12-30, and its fraction, the time of day, is ignored.
	FormatDate
)

// String names the format.
func (f Format) String() string {
	switch f {
	case FormatNumber:
		return "number"
	case FormatCurrency:
		return "currency"
	case FormatPercent:
		return "percent"
	case FormatDate:
		return "date"
	}
	return "none"
}

// Cell is one typed cell of a table.
type Cell struct {
	Kind CellKind
	// Format is the number format of a Number cell.
	Format Format
	// Text is the cell as the source gave it: the string of a Text cell, the
	// decimal literal of a Number, TRUE or FALSE for a Bool.
	Text string
	// Extra is what a workbook or a Google Sheet says of the cell beyond
	// its value, or nil, as for every cell of a CSV file.
	Extra *CellExtra
}

// CellExtra is what a source says of a cell beyond its value and kind. It
// is apart from Cell, which a sheet has millions of, because few cells
// have it.
type CellExtra struct {
	// Currency is the currency a Number cell's number format shows: an ISO
	// code ("EUR" for "#,##0.00 [$€-407]"), or the sign itself when other
	// currencies write it too and the format does not say which ("¥",
	// "$"), or "" when the format shows none.
	Currency string
	// Formula is the formula that computes the cell, as the sheet keeps it
	// ("SUM(D2:D9)", with or without its "="), or "" for a value typed in.
	Formula string
}

// Currency returns the currency c's number format shows, or "".
func (c Cell) Currency() string {
	if c.Extra == nil {
		return ""
	}
	return c.Extra.Currency
}

// Formula returns the formula that computes c, or "".
func (c Cell) Formula() string {
	if c.Extra == nil {
		return ""
	}
	return c.Extra.Formula
}

// blank reports whether c holds nothing but spaces.
func (c Cell) blank() bool {
	switch c.Kind {
	case Empty:
		return true
	case Text:
		return trim(c.Text) == ""
	}
	return false
}

// text returns the cell as a trimmed string.
func (c Cell) text() string {
	if c.Kind == Empty {
		return ""
	}
	return trim(c.Text)
}

// trim is strings.TrimSpace with a fast path for the usual cell, which
// starts and ends with a printable ASCII character.
func trim(s string) string {
	// c-'!' < '~'-'!'+1 is '!' <= c <= '~'.
	if n := len(s); n == 0 || s[0]-'!' < '~'-'!'+1 && s[n-1]-'!' < '~'-'!'+1 {
		return s
	}
	return strings.TrimSpace(s)
}

// columnLetter returns the spreadsheet letter of the zero-based column i:
// A, B, …, Z, AA, AB, …
func ColumnLetter(i int) string {
	var buf [8]byte
	n := len(buf)
	for i++; i > 0 && n > 0; i = (i - 1) / 26 {
		n--
		buf[n] = byte('A' + (i-1)%26)
	}
	return string(buf[n:])
}
