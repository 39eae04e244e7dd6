package sheets

import (
	"fmt"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc"
)

// serialEpoch is day 0 of spreadsheet serial dates, 1899-12-30, as a
// calc.Date (days since 1970-01-01).
const serialEpoch = -25569

// Serial days that are calendar days calc can hold (years 1 to 9999).
const (
	minSerial = -719162 - serialEpoch // 0001-01-01
	maxSerial = 2958465               // 9999-12-31
)

var months = [...]struct{ short, long string }{
	{"jan", "january"}, {"feb", "february"}, {"mar", "march"}, {"apr", "april"},
	{"may", "may"}, {"jun", "june"}, {"jul", "july"}, {"aug", "august"},
	{"sep", "september"}, {"oct", "october"}, {"nov", "november"}, {"dec", "december"},
}

var weekdays = [...]struct{ short, long string }{
	{"mon", "monday"}, {"tue", "tuesday"}, {"wed", "wednesday"}, {"thu", "thursday"},
	{"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
}

// monthName returns the month a name or abbreviation ("Jan", "jan.",
// "January", "Sept") names, or 0.
func monthName(w string) time.Month {
	w = strings.TrimSuffix(w, ".")
	for i, m := range months {
		if strings.EqualFold(w, m.short) || strings.EqualFold(w, m.long) {
			return time.Month(i + 1)
		}
	}
	if strings.EqualFold(w, "sept") {
		return time.September
	}
	return 0
}

func weekdayName(w string) bool {
	w = strings.TrimSuffix(w, ".")
	for _, d := range weekdays {
		if strings.EqualFold(w, d.short) || strings.EqualFold(w, d.long) {
			return true
		}
	}
	return false
}

// serialDate reads a serial day number: whole days since 1899-12-30, its
// fraction (the time of day) ignored.
func serialDate(lit string) (calc.Date, bool) {
	v, err := literalFixed(lit)
	if err != nil {
		return 0, false
	}
	days := int64(v / calc.One)
	if v < 0 && v%calc.One != 0 {
		days--
	}
	if days < minSerial || days > maxSerial {
		return 0, false
	}
	return calc.Date(days + serialEpoch), true
}

// dateToken is a run of digits or letters in a date.
type dateToken struct {
	s   string
	num bool
}

// dateTokens splits s into runs of digits and runs of letters, separated by
// / - . space or comma, into toks; a dot after letters ends an abbreviated
// month name ("Jan."). It returns how many it found, and false when s holds
// another character or more tokens than toks has room for.
func dateTokens(s string, toks []dateToken) (int, bool) {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', isLetter(c):
			j := i
			num := c >= '0' && c <= '9'
			for j < len(s) && (num && s[j] >= '0' && s[j] <= '9' || !num && isLetter(s[j])) {
				j++
			}
			if n == len(toks) {
				return n, false
			}
			toks[n] = dateToken{s: s[i:j], num: num}
			n++
			if !num && j < len(s) && s[j] == '.' {
				j++
			}
			i = j
		case c == '/' || c == '-' || c == '.' || c == ' ' || c == ',':
			i++
		default:
			return n, false
		}
	}
	return n, true
}

// dateProblem says why a text is not a date.
type dateProblem uint8

const (
	dateOK dateProblem = iota
	notADate
	ambiguousDate
	twoDigitYear
	numberNotDate
)

// message explains the problem with the cell text s.
func (p dateProblem) message(s string) string {
	switch p {
	case ambiguousDate:
		return fmt.Sprintf("%q cannot be read without guessing whether the day or the month comes first: write YYYY-MM-DD or set the spreadsheet's locale", s)
	case twoDigitYear:
		return fmt.Sprintf("%q has a two-digit year: write YYYY-MM-DD", s)
	case numberNotDate:
		return fmt.Sprintf("%q is a number, not a date: format the cell as a date or write YYYY-MM-DD", s)
	}
	return fmt.Sprintf("%q is not a date", s)
}

// parseDateText reads a date written as text: ISO (2025-01-10, with or
// without a time), 2025/01/10, day and month in the order the locale
// settles (03/04/2025, 03.04.2025, 03-04-2025), or with an English month
// name (Jan 10, 2025; 10 Jan 2025; 10-January-2025). A time after the date
// is ignored.
func parseDateText(s string, order dateOrder) (calc.Date, dateProblem) {
	// The common case, ISO 8601, without scanning.
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' && (len(s) == 10 || s[10] == 'T' || s[10] == ' ') {
		y, ok1 := atoi(s[0:4])
		m, ok2 := atoi(s[5:7])
		d, ok3 := atoi(s[8:10])
		if ok1 && ok2 && ok3 && (len(s) == 10 || timeOfDay(s[11:])) {
			if date, ok := calc.NewDate(y, time.Month(m), d); ok {
				return date, dateOK
			}
			return 0, notADate
		}
	}
	s = strings.TrimSpace(s)
	if digits(s) {
		return 0, numberNotDate
	}
	if t, ok := cutTime(s); ok {
		s = t
	}
	var toks [4]dateToken
	n, ok := dateTokens(s, toks[:])
	if !ok {
		return 0, notADate
	}
	t := toks[:n]
	if len(t) == 4 && !t[0].num && weekdayName(t[0].s) {
		t = t[1:]
	}
	if len(t) != 3 {
		return 0, notADate
	}
	var y, m, d int
	switch {
	case t[0].num && t[1].num && t[2].num:
		a, ok1 := atoi(t[0].s)
		b, ok2 := atoi(t[1].s)
		c, ok3 := atoi(t[2].s)
		if !ok1 || !ok2 || !ok3 {
			return 0, notADate
		}
		switch {
		case len(t[0].s) == 4 && len(t[1].s) <= 2 && len(t[2].s) <= 2:
			y, m, d = a, b, c
		case len(t[2].s) == 4 && len(t[0].s) <= 2 && len(t[1].s) <= 2:
			y = c
			switch {
			case a > 12 && b > 12:
				return 0, notADate
			case a > 12:
				d, m = a, b
				if order == orderMDY {
					return 0, notADate
				}
			case b > 12:
				m, d = a, b
				if order == orderDMY {
					return 0, notADate
				}
			case a == b:
				m, d = a, b
			case order == orderMDY:
				m, d = a, b
			case order == orderDMY:
				d, m = a, b
			default:
				return 0, ambiguousDate
			}
		case len(t[2].s) == 2 && len(t[0].s) <= 2 && len(t[1].s) <= 2:
			return 0, twoDigitYear
		default:
			return 0, notADate
		}
	case t[0].num && !t[1].num && t[2].num: // 10 Jan 2025
		d, m, y = num(t[0].s), int(monthName(t[1].s)), num(t[2].s)
		if len(t[2].s) == 2 {
			return 0, twoDigitYear
		}
		if len(t[0].s) > 2 || len(t[2].s) != 4 {
			return 0, notADate
		}
	case !t[0].num && t[1].num && t[2].num: // Jan 10, 2025
		m, d, y = int(monthName(t[0].s)), num(t[1].s), num(t[2].s)
		if len(t[2].s) == 2 {
			return 0, twoDigitYear
		}
		if len(t[1].s) > 2 || len(t[2].s) != 4 {
			return 0, notADate
		}
	default:
		return 0, notADate
	}
	date, ok := calc.NewDate(y, time.Month(m), d)
	if !ok {
		return 0, notADate
	}
	return date, dateOK
}

// dayMonth tells what a date written with its day and month as numbers
// before a four-digit year (03/04/2025, 13.03.2025) says of their order:
// the order it proves, when one of the two is above 12 (13/03/2025 puts
// the day first), or ambiguous, when both are 12 or less and differ.
// Other dates (ISO, month names, 04/04/2025) say nothing.
func dayMonth(s string) (proof dateOrder, ambiguous bool) {
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return orderUnknown, false
	}
	s = strings.TrimSpace(s)
	if t, ok := cutTime(s); ok {
		s = t
	}
	var toks [4]dateToken
	n, ok := dateTokens(s, toks[:])
	t := toks[:n]
	if ok && len(t) == 4 && !t[0].num && weekdayName(t[0].s) {
		t = t[1:]
	}
	if !ok || len(t) != 3 || !t[0].num || !t[1].num || !t[2].num || len(t[0].s) > 2 || len(t[1].s) > 2 || len(t[2].s) != 4 {
		return orderUnknown, false
	}
	a, b := num(t[0].s), num(t[1].s)
	switch {
	case a > 12 && b > 12, a == b:
		return orderUnknown, false
	case a > 12:
		return orderDMY, false
	case b > 12:
		return orderMDY, false
	}
	return orderUnknown, true
}

// cutTime removes a time of day after a date: "1/10/2025 14:30:00",
// "2025-01-10T00:00:00Z", "Jan 10, 2025 9:00 AM".
func cutTime(s string) (string, bool) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return s, false
	}
	// The time starts at the digits before the first colon.
	i := colon
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == 0 || i == colon || (s[i-1] != ' ' && s[i-1] != 'T') || !timeOfDay(s[i:]) {
		return s, false
	}
	return strings.TrimSpace(s[:i-1]), true
}

// timeOfDay reports whether s looks like a time of day with an optional
// fraction, AM/PM and zone: "14:30", "00:00:00.000Z", "9:00 AM",
// "23:00:00-05:00".
func timeOfDay(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' || strings.IndexByte(s, ':') < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ':', c == '.', c == ',', c == ' ', c == '+', c == '-':
		case c == 'Z', c == 'z', c == 'A', c == 'a', c == 'P', c == 'p', c == 'M', c == 'm':
		case c == 'U', c == 'T', c == 'C', c == 'G':
		default:
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// atoi reads up to four digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// num reads up to four digits; anything else is 0, which no date accepts.
func num(s string) int {
	n, _ := atoi(s)
	return n
}
