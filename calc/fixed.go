package calc

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Scale is the number of decimal places a Fixed keeps.
const Scale = 9

// one is 1 as a Fixed.
const one Fixed = 1_000_000_000

// Fixed is an exact decimal number with nine decimal places, held as a count
// of 10⁻⁹. Prices, quantities, discounts and per-row MRR travel through the
// engine as Fixed so that the hot path neither allocates nor uses floats.
// Nine places keep the rounding of a division (÷3, ×52/12, an FX rate) below
// 10⁻⁹ per row: far below a cent over any sheet.
type Fixed int64

// One is the Fixed value 1.
const One = one

// ErrRange reports a number too large for the engine's fixed-point range.
var ErrRange = errors.New("number out of range")

// ErrSyntax reports text that is not a plain decimal number.
var ErrSyntax = errors.New("not a number")

// ErrPrecision reports a number with a non-zero digit past the ninth
// decimal place, which a Fixed cannot hold: [ParseFixedExact] refuses it
// rather than round it away.
var ErrPrecision = errors.New("more than nine decimal places")

// ParseFixed reads a plain decimal number: an optional sign, digits, and an
// optional fraction ("1200", "-3.5", ".25"). Digits past the ninth decimal
// place are rounded half away from zero. It does not allocate.
func ParseFixed(s string) (Fixed, error) { return parseFixed(s, false) }

// ParseFixedExact is ParseFixed for a number that must be read exactly:
// a non-zero digit past the ninth decimal place is ErrPrecision, since
// rounding it would change the number ("0.0000000004" is not 0). Zeros
// there are fine ("1.50000000000"). It does not allocate.
func ParseFixedExact(s string) (Fixed, error) { return parseFixed(s, true) }

func parseFixed(s string, exact bool) (Fixed, error) {
	if s == "" {
		return 0, ErrSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	var v uint64
	digits, frac := 0, -1
	roundUp, lost := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if frac >= 0 {
				return 0, ErrSyntax
			}
			frac = 0
			continue
		}
		if c < '0' || c > '9' {
			// Scientific notation appears when a source renders very small or
			// large numbers; accept it by the slow path.
			if c == 'e' || c == 'E' {
				return parseFixedSlow(s, neg, exact)
			}
			return 0, ErrSyntax
		}
		digits++
		if frac >= 0 {
			if frac >= Scale {
				// The first dropped digit decides the rounding; the rest
				// are only checked for syntax.
				if frac == Scale {
					roundUp = c >= '5'
				}
				lost = lost || c != '0'
				frac++
				continue
			}
			frac++
		}
		if v > (math.MaxInt64-uint64(c-'0'))/10 {
			if strings.ContainsAny(s[i:], "eE") {
				return parseFixedSlow(s, neg, exact)
			}
			return 0, ErrRange
		}
		v = v*10 + uint64(c-'0')
	}
	if digits == 0 {
		return 0, ErrSyntax
	}
	if exact && lost {
		return 0, ErrPrecision
	}
	if frac < 0 {
		frac = 0
	}
	for ; frac < Scale; frac++ {
		if v > math.MaxInt64/10 {
			return 0, ErrRange
		}
		v *= 10
	}
	if roundUp {
		v++
	}
	if v > math.MaxInt64 {
		return 0, ErrRange
	}
	if neg {
		return Fixed(-int64(v)), nil
	}
	return Fixed(v), nil
}

func parseFixedSlow(s string, neg, exact bool) (Fixed, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return 0, ErrSyntax
	}
	if neg {
		d = d.Neg()
	}
	if exact && !d.Round(Scale).Equal(d) {
		return 0, ErrPrecision
	}
	return FixedFromDecimal(d)
}

// FixedFromDecimal converts d, rounding half away from zero to nine places.
func FixedFromDecimal(d decimal.Decimal) (Fixed, error) {
	r := d.Round(Scale).Shift(Scale)
	if !r.IsInteger() {
		return 0, ErrRange
	}
	bi := r.BigInt()
	if !bi.IsInt64() {
		return 0, ErrRange
	}
	return Fixed(bi.Int64()), nil
}

// Decimal returns f as an exact decimal.
func (f Fixed) Decimal() decimal.Decimal { return decimal.New(int64(f), -Scale) }

// String formats f with as many decimal places as it needs.
func (f Fixed) String() string { return string(f.Append(nil)) }

// StringFixed formats f rounded half away from zero to places decimals
// (at most Scale).
func (f Fixed) StringFixed(places int32) string { return string(f.AppendFixed(nil, places)) }

// Append appends f as String formats it: the exact decimal text, as
// decimal writes it, without allocating.
func (f Fixed) Append(b []byte) []byte {
	u := magnitude(f)
	if f < 0 {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/uint64(one), 10)
	digits := fraction(u)
	n := Scale
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	if n == 0 {
		return b
	}
	return append(append(b, '.'), digits[:n]...)
}

// AppendFixed appends f as StringFixed formats it: rounded half away
// from zero to places decimals (at most Scale), with exactly that many,
// and no sign when it rounds to zero.
func (f Fixed) AppendFixed(b []byte, places int32) []byte {
	places = min(max(places, 0), Scale)
	unit := uint64(1)
	for range Scale - places {
		unit *= 10
	}
	// A Fixed's magnitude is at most 2^63, far from overflowing with half
	// a unit added.
	u := (magnitude(f) + unit/2) / unit * unit
	if f < 0 && u != 0 {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/uint64(one), 10)
	if places == 0 {
		return b
	}
	digits := fraction(u)
	return append(append(b, '.'), digits[:places]...)
}

// magnitude returns |f|, which fits a uint64 even for the least Fixed.
func magnitude(f Fixed) uint64 {
	if f < 0 {
		return -uint64(f)
	}
	return uint64(f)
}

// fraction returns the Scale decimal digits of the fractional part of the
// magnitude u.
func fraction(u uint64) [Scale]byte {
	var digits [Scale]byte
	frac := u % uint64(one)
	for i := Scale - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	return digits
}

// mulDiv returns round(x × num ÷ den), rounding half away from zero, and
// false when the result does not fit. den must be positive.
func mulDiv(x int64, num int64, den uint64) (int64, bool) {
	neg := false
	ux := uint64(x)
	if x < 0 {
		neg = true
		ux = uint64(-x)
	}
	un := uint64(num)
	if num < 0 {
		neg = !neg
		un = uint64(-num)
	}
	hi, lo := bits.Mul64(ux, un)
	if hi >= den {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, den)
	// Round half away from zero: compare 2r with den without overflow.
	if r >= den-r {
		if q == math.MaxUint64 {
			return 0, false
		}
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

// Sum is a 128-bit total of Fixed values. Month totals of a large sheet can
// pass the 9.2 × 10⁹ that one Fixed holds; a Sum cannot overflow for any
// number of rows a machine can hold.
type Sum struct {
	hi int64
	lo uint64
}

// Add adds f to s.
func (s *Sum) Add(f Fixed) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, uint64(f), 0)
	s.hi += int64(carry)
	if f < 0 {
		s.hi--
	}
}

// AddSum adds t to s.
func (s *Sum) AddSum(t Sum) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, t.lo, 0)
	s.hi += t.hi + int64(carry)
}

// Neg returns −s.
func (s Sum) Neg() Sum {
	lo, borrow := bits.Sub64(0, s.lo, 0)
	return Sum{hi: -s.hi - int64(borrow), lo: lo}
}

// Sign returns −1, 0 or +1.
func (s Sum) Sign() int {
	switch {
	case s.hi < 0:
		return -1
	case s.hi == 0 && s.lo == 0:
		return 0
	}
	return 1
}

// Decimal returns s as an exact decimal.
func (s Sum) Decimal() decimal.Decimal {
	if s.hi == 0 && s.lo <= math.MaxInt64 || s.hi == -1 && s.lo > math.MaxInt64 {
		return decimal.New(int64(s.lo), -Scale)
	}
	neg := s.hi < 0
	t := s
	if neg {
		t = s.Neg()
	}
	// hi·2⁶⁴ + lo
	d := decimal.NewFromUint64(uint64(t.hi)).Mul(decimal.NewFromUint64(1 << 63)).Mul(decimal.NewFromInt(2)).Add(decimal.NewFromUint64(t.lo))
	if neg {
		d = d.Neg()
	}
	return d.Shift(-Scale)
}

// String formats s exactly.
func (s Sum) String() string { return s.Decimal().String() }
