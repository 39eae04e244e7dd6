package calc

import (
	"math"
	"strings"
)

// Rounding to the minor unit. Rows keep their monthly amounts to 10⁻⁹, but
// what a person reads is a customer's month-end MRR in the reporting
// currency rounded to the currency's minor unit (the cent, for most),
// half away from zero. Every movement carries those rounded amounts, so
// every figure (the waterfall, segments, cohorts, the outlook, the closed
// books) is a sum of whole cents and adds up to the cent on every surface:
// Ending = Starting + Net New (+ FX impact), and a month's movements sum to
// its Net New. A customer whose MRR rounds to zero is not paying.

// MinorUnits returns the number of decimal places of an ISO 4217 currency:
// 2 for most, 0 for currencies without a minor unit (JPY, KRW, …) and 3 for
// the dinars and rials that have thousandths. An unknown code has 2.
func MinorUnits(code string) int32 {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
		"RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// minorUnit returns the minor unit of currency as a Fixed: 0.01 for USD,
// 1 for JPY, 0.001 for KWD.
func minorUnit(currency string) Fixed {
	u := one
	for range MinorUnits(currency) {
		u /= 10
	}
	return u
}

// roundTo rounds f half away from zero to a multiple of unit (> 0). An
// amount within a unit of the end of a Fixed's range, which no sheet's
// MRR comes near, is rounded towards zero instead of overflowing.
func roundTo(f, unit Fixed) Fixed {
	r := f % unit
	switch {
	case r == 0:
		return f
	case f > 0:
		if r >= unit-r && f <= math.MaxInt64-unit {
			return f - r + unit
		}
		return f - r
	}
	// f < 0: r is negative.
	if -r >= unit+r && f >= math.MinInt64+unit {
		return f - r - unit
	}
	return f - r
}

// RoundCents returns f rounded half away from zero to the minor unit of
// currency: 83.333333333 is 83.33 in USD and 83 in JPY, 28.305 is 28.31.
func (f Fixed) RoundCents(currency string) Fixed { return roundTo(f, minorUnit(currency)) }
