package calc

import (
	"fmt"
	"time"
)

// Date is a calendar day, counted from 1970-01-01. It has no time of day and
// no time zone: a subscription starts and ends on days as the sheet says.
type Date int32

// NoEnd is the end date of a subscription that runs on.
const NoEnd Date = 1<<31 - 1

// DateOf returns the Date for year, month and day. Out-of-range values are
// normalised as time.Date does.
func DateOf(year int, month time.Month, day int) Date {
	return Date(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// civil returns y, m, d without allocating (Howard Hinnant's algorithm).
func (d Date) civil() (int, time.Month, int) {
	z := int64(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(day)
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y int, m time.Month, d int) Date {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mm := int64(m)
	if mm > 2 {
		mm -= 3
	} else {
		mm += 9
	}
	doy := (153*mm+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// ValidDate reports whether year, month, day name a real calendar day.
func ValidDate(year int, month time.Month, day int) bool {
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && year >= 1 && year <= 9999
}

// NewDate returns the Date for a real calendar day, or false.
func NewDate(year int, month time.Month, day int) (Date, bool) {
	if !ValidDate(year, month, day) {
		return 0, false
	}
	return daysFromCivil(year, month, day), true
}

func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Date returns the year, month and day of d.
func (d Date) Date() (year int, month time.Month, day int) { return d.civil() }

// Month returns the month d falls in.
func (d Date) Month() Month {
	y, m, _ := d.civil()
	return MonthOf(y, m)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return string(d.Append(nil)) }

// Append appends d as String formats it, YYYY-MM-DD (nothing for NoEnd),
// without fmt for the years 0 to 9999.
func (d Date) Append(b []byte) []byte {
	if d == NoEnd {
		return b
	}
	y, m, day := d.civil()
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, int(m), day)
	}
	return append(appendYearMonth(b, y, m), '-', byte('0'+day/10), byte('0'+day%10))
}

// DateFromTime returns the calendar day of t in t's location.
func DateFromTime(t time.Time) Date {
	y, m, d := t.Date()
	return daysFromCivil(y, m, d)
}

// ParseDate reads an ISO date, YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	date, ok := NewDate(y, time.Month(m), d)
	if !ok {
		return 0, fmt.Errorf("%q is not a date", s)
	}
	return date, nil
}

func atoi(s string) (int, bool) {
	if s == "" {
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

// Month is a calendar month, counted as year×12 + month−1.
type Month int32

// MonthOf returns the Month of year and month.
func MonthOf(year int, month time.Month) Month { return Month(year*12 + int(month) - 1) }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	if !ok1 || !ok2 || m < 1 || m > 12 || y < 1 {
		return 0, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
	}
	return MonthOf(y, time.Month(m)), nil
}

// Year returns m's year.
func (m Month) Year() int { return int(m) / 12 }

// Mon returns m's month of the year.
func (m Month) Mon() time.Month { return time.Month(int(m)%12 + 1) }

// FirstDay returns the first day of m.
func (m Month) FirstDay() Date { return daysFromCivil(m.Year(), m.Mon(), 1) }

// LastDay returns the last day of m.
func (m Month) LastDay() Date { return daysFromCivil(m.Year(), m.Mon(), daysIn(m.Year(), m.Mon())) }

// String formats m as YYYY-MM.
func (m Month) String() string { return string(m.Append(nil)) }

// Append appends m as String formats it, YYYY-MM, without fmt for the
// years 0 to 9999.
func (m Month) Append(b []byte) []byte {
	y := m.Year()
	if m < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d", y, int(m.Mon()))
	}
	return appendYearMonth(b, y, m.Mon())
}

// appendYearMonth appends YYYY-MM for a year of 0 to 9999.
func appendYearMonth(b []byte, y int, m time.Month) []byte {
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10))
}
