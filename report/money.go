package report

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Cents formats d rounded half away from zero to two places, as "1250.00".
func Cents(d decimal.Decimal) string { return d.StringFixed(2) }

// Grouped formats d rounded to cents with thousands separators, as
// "12,480.50" or "-1,099.00".
func Grouped(d decimal.Decimal) string {
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteString(frac)
	return b.String()
}

// Percent formats a ratio as a percentage with one decimal, "5.2%", or ""
// when the ratio is empty.
func Percent(r decimal.NullDecimal) string {
	if !r.Valid {
		return ""
	}
	return r.Decimal.Shift(2).StringFixed(1) + "%"
}

// Ratio formats a ratio as a decimal fraction with four places, "0.0523",
// or "" when the ratio is empty.
func Ratio(r decimal.NullDecimal) string {
	if !r.Valid {
		return ""
	}
	return r.Decimal.StringFixed(4)
}
