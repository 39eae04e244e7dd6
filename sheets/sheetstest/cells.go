package sheetstest

import (
	"time"

	sheets "google.golang.org/api/sheets/v4"
)

// Cells for seeding, as a person would have entered them in the Sheets UI.
// Each returns a new *sheets.CellData holding a userEnteredValue and, for
// the formatted kinds, a userEnteredFormat.numberFormat; the server derives
// effectiveValue, effectiveFormat and formattedValue from them.

// Number is a number cell with no number format ("automatic").
func Number(v float64) *sheets.CellData {
	return &sheets.CellData{UserEnteredValue: num(v)}
}

// String is a text cell.
func String(s string) *sheets.CellData {
	return &sheets.CellData{UserEnteredValue: str(s)}
}

// Bool is a TRUE or FALSE cell.
func Bool(b bool) *sheets.CellData {
	return &sheets.CellData{UserEnteredValue: &sheets.ExtendedValue{BoolValue: &b}}
}

// FormattedNumber is a number cell with a number format: typ is a
// NumberFormat type (NUMBER, CURRENCY, PERCENT, DATE, TIME, DATE_TIME,
// SCIENTIFIC, TEXT) and pattern its pattern, such as "#,##0.00", "0.0%" or
// "mmm yyyy"; an empty pattern is the type's en_US default.
func FormattedNumber(v float64, typ, pattern string) *sheets.CellData {
	c := Number(v)
	c.UserEnteredFormat = &sheets.CellFormat{NumberFormat: &sheets.NumberFormat{Type: typ, Pattern: pattern}}
	return c
}

// Date is a date cell: the serial number of the day, formatted
// "yyyy-mm-dd".
func Date(year int, month time.Month, day int) *sheets.CellData {
	return FormattedNumber(SerialDate(year, month, day), "DATE", "yyyy-mm-dd")
}

// Percent is a percent cell: 0.2 shows as 20.00%.
func Percent(v float64) *sheets.CellData {
	return FormattedNumber(v, "PERCENT", "0.00%")
}

// Currency is a dollar amount: 1200.5 shows as $1,200.50.
func Currency(v float64) *sheets.CellData {
	return FormattedNumber(v, "CURRENCY", `"$"#,##0.00`)
}

// Formula is a formula cell with the result Sheets computed for it; the
// server stores the result and never evaluates formulas. A nil result is a
// formula still loading.
func Formula(formula string, result *sheets.ExtendedValue) *sheets.CellData {
	return &sheets.CellData{
		UserEnteredValue: &sheets.ExtendedValue{FormulaValue: &formula},
		EffectiveValue:   result,
	}
}
