package sheets

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// A number in a text cell is read in this order: surrounding parentheses
// (accounting negatives), a sign, a currency sign or code before or after
// the digits, and the digits themselves, grouped in thousands or not, with
// a decimal point or a decimal comma. "$1,200.00", "USD 99", "99 €",
// "(120.00)", "-$5", "1.200,50" and "1 200,50" all read. Which decimal
// separator a column uses is settled by the column's own evidence (see
// evidence.go); scanNumber reads with the one it is given.
//
// The happy path does not allocate: plain and grouped numbers are read by
// calc.ParseFixedExact on substrings of the cell. Only a decimal comma
// costs a copy.

// numberText is a number found in a cell's text.
type numberText struct {
	neg  bool
	core string // the digits with their separators, checked
	sep  string // the group separator core uses, "" if none
	dec  byte   // the decimal separator
	// tok is the currency sign or code written beside the number, "" if
	// none, and sign what it says.
	tok  string
	sign sign
}

// scanNumber finds the number in s, with dec ('.' or ',') as the decimal
// separator. money allows a currency sign or code.
func scanNumber(s string, dec byte, money bool) (numberText, bool) {
	var n numberText
	s = strings.TrimSpace(s)
	signs := 0
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		n.neg = true
		signs++
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	var neg, ok bool
	if s, neg, ok = cutSign(s); ok {
		n.neg = n.neg != neg
		signs++
	}
	if money {
		if tok, rest := prefixToken(s); tok != "" {
			// "Fr. 100", "kr.100": a sign may end with a dot.
			if len(rest) > 0 && rest[0] == '.' {
				if _, ok := currencySigns[tok+"."]; ok {
					tok, rest = tok+".", rest[1:]
				}
			}
			sg, ok := currencyToken(tok)
			if !ok {
				return n, false
			}
			n.tok, n.sign = tok, sg
			s = strings.TrimSpace(rest)
			if s, neg, ok = cutSign(s); ok {
				n.neg = n.neg != neg
				signs++
			}
		} else {
			body, dot := s, ""
			if len(body) > 0 && body[len(body)-1] == '.' {
				body, dot = body[:len(body)-1], "."
			}
			if tok, rest := suffixToken(body); tok != "" {
				if dot != "" {
					if _, ok := currencySigns[tok+dot]; !ok {
						return n, false
					}
					tok += dot
				}
				sg, ok := currencyToken(tok)
				if !ok {
					return n, false
				}
				n.tok, n.sign = tok, sg
				s = strings.TrimSpace(rest)
			}
		}
	}
	if signs > 1 {
		return n, false
	}
	n.dec = dec
	n.core = s
	n.sep, ok = checkCore(s, n.dec)
	return n, ok
}

// cutSign removes a leading sign: -, + or the minus sign U+2212.
func cutSign(s string) (rest string, neg, ok bool) {
	switch {
	case s == "":
		return s, false, false
	case s[0] == '-':
		return strings.TrimSpace(s[1:]), true, true
	case s[0] == '+':
		return strings.TrimSpace(s[1:]), false, true
	case strings.HasPrefix(s, "−"):
		return strings.TrimSpace(s[len("−"):]), true, true
	}
	return s, false, false
}

// tokenRune reports whether r can be part of a currency sign or code.
func tokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		switch r {
		case '.', ',', '+', '-', '(', ')', '\'', '%', ' ', '\t', '\n', '\r', '\v', '\f':
			return false
		}
		return r < '0' || r > '9'
	}
	return r != '−' && r != '’' && !unicode.IsSpace(r)
}

func prefixToken(s string) (tok, rest string) {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !tokenRune(r) {
			break
		}
		i += size
	}
	return s[:i], s[i:]
}

func suffixToken(s string) (tok, rest string) {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !tokenRune(r) {
			break
		}
		i -= size
	}
	return s[i:], s[:i]
}

// groupSeparator returns the length of the group separator at s[i], or 0.
func groupSeparator(s string, i int, dec byte) int {
	switch c := s[i]; c {
	case ' ', '\'':
		return 1
	case ',', '.':
		if c != dec {
			return 1
		}
		return 0
	}
	if s[i] < utf8.RuneSelf {
		return 0
	}
	switch r, size := utf8.DecodeRuneInString(s[i:]); r {
	case '\u00a0', '\u202f', '\u2009', '’':
		return size
	}
	return 0
}

// checkCore checks that s is digits, optionally grouped with one kind of
// separator (groups of three, or the Indian 12,34,567), with an optional
// fraction after dec and, for an ungrouped number with a decimal point, a
// small exponent. It returns the group separator.
func checkCore(s string, dec byte) (sep string, ok bool) {
	i := 0
	digits := 0
	groups := 0
	first, middle, last := 0, 0, 0 // lengths of the first, a middle and the last group
	run := 0
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' {
			run++
			digits++
			i++
			continue
		}
		if k := groupSeparator(s, i, dec); k > 0 {
			if run == 0 || i+k >= len(s) {
				return "", false
			}
			if sep == "" {
				sep = s[i : i+k]
			} else if s[i:i+k] != sep {
				return "", false
			}
			switch groups {
			case 0:
				first = run
			case 1:
				middle = run
			default:
				if run != middle {
					return "", false
				}
			}
			groups++
			run = 0
			i += k
			continue
		}
		break
	}
	last = run
	if groups > 0 {
		// 1,234,567 or 12,34,567: the last group has three digits, the
		// middle ones all three or all two, the first no more than they.
		if last != 3 || groups > 1 && middle != 3 && middle != 2 {
			return "", false
		}
		if groups == 1 {
			middle = 3
		}
		if first < 1 || first > middle {
			return "", false
		}
		// Nobody groups a leading zero: "0.200" is not two hundred.
		if s[0] == '0' {
			return "", false
		}
	}
	if i < len(s) && s[i] == dec {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return "", false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') && groups == 0 && dec == '.' {
		n, ok := exponent(s[i+1:])
		if !ok {
			return "", false
		}
		i += 1 + n
	}
	return sep, i == len(s)
}

var pow10 = [...]int64{1, 10, 100, 1000}

// fixed returns the number's value.
func (n numberText) fixed() (calc.Fixed, error) {
	var v calc.Fixed
	rest := n.core
	if n.sep != "" {
		// Add the integer groups one by one; the last group keeps the
		// fraction.
		for {
			i := strings.Index(rest, n.sep)
			if i < 0 {
				break
			}
			g, err := calc.ParseFixedExact(rest[:i])
			if err != nil {
				return 0, err
			}
			if v, err = shiftAdd(v, i, g); err != nil {
				return 0, err
			}
			rest = rest[i+len(n.sep):]
		}
	}
	if n.dec != '.' {
		if i := strings.IndexByte(rest, n.dec); i >= 0 {
			rest = rest[:i] + "." + rest[i+1:]
		}
	}
	g, err := calc.ParseFixedExact(rest)
	if err != nil {
		return 0, err
	}
	if n.sep != "" {
		k := strings.IndexByte(rest, '.')
		if k < 0 {
			k = len(rest)
		}
		if v, err = shiftAdd(v, k, g); err != nil {
			return 0, err
		}
	} else {
		v = g
	}
	if n.neg {
		v = -v
	}
	return v, nil
}

// shiftAdd returns v × 10^k + g for non-negative v and g, k ≤ 3.
func shiftAdd(v calc.Fixed, k int, g calc.Fixed) (calc.Fixed, error) {
	p := pow10[k]
	if int64(v) > (math.MaxInt64-int64(g))/p {
		return 0, calc.ErrRange
	}
	return v*calc.Fixed(p) + g, nil
}

// literal returns the number as a plain decimal literal ("-1200.5").
func (n numberText) literal() string {
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	rest := n.core
	if n.sep != "" {
		rest = strings.ReplaceAll(rest, n.sep, "")
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] == n.dec {
			b.WriteByte('.')
		} else {
			b.WriteByte(rest[i])
		}
	}
	return b.String()
}

// exponent checks the exponent after an e: a sign and one or two digits.
// A longer exponent is refused: calc.ParseFixed would build a power of ten
// as large as it. It returns the exponent's length.
func exponent(s string) (int, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i, i > start && i-start <= 2
}

// checkLiteral reports whether s is a decimal literal as sources give
// numbers: "1200", "-3.5", ".5", "4.5E-3".
func IsNumberLiteral(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, point := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			continue
		case c == '.' && !point:
			point = true
			continue
		case (c == 'e' || c == 'E') && digits > 0:
			n, ok := exponent(s[i+1:])
			return ok && i+1+n == len(s)
		}
		return false
	}
	return digits > 0
}

// plainNumber reports whether s can go straight to calc.ParseFixed: a sign,
// digits and a point, nothing else.
func plainNumber(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	for ; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// literalFixed reads the literal of a Number cell.
func literalFixed(s string) (calc.Fixed, error) {
	if plainNumber(s) {
		return calc.ParseFixed(s)
	}
	s = strings.TrimSpace(s)
	if !IsNumberLiteral(s) {
		return 0, calc.ErrSyntax
	}
	return calc.ParseFixed(s)
}

// numberCellFixed reads the literal of a Number cell as an amount or a
// quantity, exactly. Spreadsheets keep numbers as binary floating point, so
// a literal of more than 15 significant digits ("21.989000000000001") ends
// in noise the person never typed: it is rounded to 15 first. A number
// whose typed digits go past the ninth decimal place ("4E-10") is
// calc.ErrPrecision, not rounded away.
func numberCellFixed(s string) (calc.Fixed, error) {
	if plainNumber(s) {
		if v, err := calc.ParseFixedExact(s); err != calc.ErrPrecision {
			return v, err
		}
	}
	s = strings.TrimSpace(s)
	if !IsNumberLiteral(s) {
		return 0, calc.ErrSyntax
	}
	v, err := calc.ParseFixedExact(s)
	if err != calc.ErrPrecision {
		return v, err
	}
	d, derr := decimal.NewFromString(s)
	if derr != nil {
		return 0, calc.ErrSyntax
	}
	const floatDigits = 15
	c := d.Coefficient()
	if digits := len(c.Abs(c).String()); digits > floatDigits {
		d = d.Round(int32(floatDigits-digits) - d.Exponent())
	}
	if !d.Round(calc.Scale).Equal(d) {
		return 0, calc.ErrPrecision
	}
	return calc.FixedFromDecimal(d)
}

// percentOf returns v ÷ 100, and false when that would drop a digit past
// the ninth decimal place ("12.3456789012%").
func percentOf(v calc.Fixed) (calc.Fixed, bool) {
	return v / 100, v%100 == 0
}
