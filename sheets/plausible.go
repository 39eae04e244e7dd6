package sheets

import (
	"fmt"

	"github.com/mrrbot/mrrbot/calc"
)

// Bounds of a plausible subscription date. A date outside them is a typo
// (0001-01-01, 2205 for 2025) or a placeholder, and taken at its word it
// would make a summary of thousands of months.
var firstPlausible = calc.DateOf(1970, 1, 1)

// plausibleYears is how far after today a date may be.
const plausibleYears = 50

// PlausibleDate returns why d is not a plausible start or end date, or ""
// when it is: it is before 1970, or more than 50 years after today (zero
// today skips that check). The reason reads after the value, as row
// problems do: `"0001-01-01" is not a plausible date (before 1970)`.
func PlausibleDate(d, today calc.Date) string {
	if d < firstPlausible {
		return fmt.Sprintf("%q is not a plausible date (before 1970)", d.String())
	}
	if today != 0 {
		if last := calc.DateFromTime(today.Time().AddDate(plausibleYears, 0, 0)); d > last {
			return fmt.Sprintf("%q is not a plausible date (more than %d years from today, %s)", d.String(), plausibleYears, today)
		}
	}
	return ""
}
