package report

import (
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// minus is the sign people read in a negative amount: U+2212, not the
// hyphen that CSV and JSON use.
const minus = "−"

// minorUnits returns the number of decimal places of an ISO 4217 currency,
// the unit calc rounds each customer's MRR to.
func minorUnits(code string) int32 { return calc.MinorUnits(code) }

// currencySymbol returns the symbol written before an amount in code: "$"
// for USD, "€", "£" and "¥" for EUR, GBP and JPY, and the code followed by
// a space ("CHF ") for any other currency.
func currencySymbol(code string) string {
	code = strings.ToUpper(code)
	switch code {
	case "USD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "JPY":
		return "¥"
	}
	return code + " "
}

// currencyPattern returns the spreadsheet number format of amounts in
// code: `"$"#,##0.00` for USD, `"¥"#,##0` for JPY, `"CHF "#,##0.00` for a
// code without a symbol.
func currencyPattern(code string) string {
	p := `"` + currencySymbol(code) + `"#,##0`
	if n := minorUnits(code); n > 0 {
		p += "." + strings.Repeat("0", int(n))
	}
	return p
}

// roundedLiteral returns d rounded half away from zero to the minor unit
// of code, as a plain decimal literal: "1250.00" in USD, "1250" in JPY.
// It is [Cents] for any currency.
func roundedLiteral(d decimal.Decimal, code string) string {
	return d.StringFixed(minorUnits(code))
}

// Money formats d as people write an amount in currency: rounded half away
// from zero to the currency's minor unit, grouped by thousands, with its
// symbol, and a minus sign (U+2212) when negative: "$12,480.50",
// "−$1,099.00", "€950.00", "¥1,235", "CHF 1,234.00". An amount that rounds
// to zero has no sign.
func Money(d decimal.Decimal, currency string) string {
	places := minorUnits(currency)
	r := d.Round(places)
	var b strings.Builder
	if r.Sign() < 0 {
		b.WriteString(minus)
	}
	b.WriteString(currencySymbol(currency))
	b.WriteString(groupDigits(r.Abs().StringFixed(places)))
	return b.String()
}

// signedMoney is Money with an explicit sign: "+$1,099.00", "−$150.00", or
// "$0.00" when d rounds to zero.
func signedMoney(d decimal.Decimal, currency string) string {
	s := Money(d, currency)
	if d.Round(minorUnits(currency)).Sign() > 0 {
		return "+" + s
	}
	return s
}

// groupDigits puts thousands separators into the integer part of an
// unsigned decimal literal: "12480.50" becomes "12,480.50".
func groupDigits(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
