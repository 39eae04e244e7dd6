package sheets

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// A currency can be named beside an amount three ways: an ISO code ("EUR
// 99"), a sign written in the text ("€99", "$1,200.00"), or the number
// format of a number cell ("#,##0.00 [$€-407]", "£#,##0.00"). A sign may
// name one currency (€, £, R$), stand for one unless the row says
// otherwise ($ is USD, though Canadians write it too), or be shared by
// several with none first (¥ is JPY and CNY, kr SEK, NOK, DKK and ISK).
// The row's Currency column settles a shared sign; with no Currency
// column, a shared sign is a problem, never a guess.

// sign is what a currency sign or code says about an amount's currency.
type sign struct {
	// code is the currency the sign stands for when nothing else says:
	// the one it names ("€" EUR, "USD" USD), or the one people mean by it
	// ("$" USD); "" when several currencies share it and none comes first.
	code string
	// also lists the other currencies that write the sign, one of which
	// the row's Currency column may name.
	also []string
}

// fits reports whether an amount written with s may be in currency code.
func (s sign) fits(code string) bool {
	return code == s.code || slices.Contains(s.also, code)
}

// named says which currencies s may be in, for messages: "EUR", "USD",
// "JPY or CNY".
func (s sign) named() string {
	if s.code != "" {
		return s.code
	}
	return strings.Join(s.also, " or ")
}

// Currencies that share a sign.
var (
	dollars = []string{"CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU", "DOP", "CUP",
		"BSD", "BBD", "BZD", "BMD", "BND", "KYD", "FJD", "GYD", "JMD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD", "ZWL"}
	yen     = []string{"JPY", "CNY"}
	krona   = []string{"SEK", "NOK", "DKK", "ISK"}
	francs  = []string{"CHF", "XAF", "XOF", "XPF"}
	rupees  = []string{"INR", "PKR", "LKR", "NPR", "MUR", "SCR"}
	pounds  = []string{"EGP", "GIP", "FKP", "SHP", "SSP"}
	cordoba = []string{"NIO"}
)

// currencySigns maps the signs people write beside amounts to what they
// say. A sign with a trailing dot ("kr.", "Fr.") is listed with it.
var currencySigns = map[string]sign{
	"$": {code: "USD", also: dollars}, "US$": {code: "USD"}, "U$S": {code: "USD"},
	"€": {code: "EUR"}, "£": {code: "GBP", also: pounds}, "₹": {code: "INR"}, "₩": {code: "KRW"},
	"₽": {code: "RUB"}, "руб": {code: "RUB"}, "руб.": {code: "RUB"}, "₺": {code: "TRY"}, "₪": {code: "ILS"},
	"₫": {code: "VND"}, "₱": {code: "PHP"}, "₦": {code: "NGN"}, "฿": {code: "THB"}, "₴": {code: "UAH"},
	"₸": {code: "KZT"}, "₾": {code: "GEL"}, "₡": {code: "CRC"}, "₲": {code: "PYG"}, "₵": {code: "GHS"},
	"R$": {code: "BRL"}, "A$": {code: "AUD"}, "AU$": {code: "AUD"}, "C$": {code: "CAD", also: cordoba}, "CA$": {code: "CAD"},
	"NZ$": {code: "NZD"}, "HK$": {code: "HKD"}, "S$": {code: "SGD"}, "MX$": {code: "MXN"}, "NT$": {code: "TWD"},
	"R": {code: "ZAR"}, "zł": {code: "PLN"}, "Kč": {code: "CZK"}, "Ft": {code: "HUF"}, "lei": {code: "RON"},
	"лв": {code: "BGN"}, "лв.": {code: "BGN"}, "Rp": {code: "IDR"}, "RM": {code: "MYR"}, "S/": {code: "PEN"},
	"SFr.": {code: "CHF"}, "円": {code: "JPY"}, "元": {code: "CNY"}, "¥": {also: yen}, "￥": {also: yen},
	"kr": {also: krona}, "kr.": {also: krona}, "Kr": {also: krona}, "Kr.": {also: krona},
	"Fr": {also: francs}, "Fr.": {also: francs}, "fr.": {also: francs},
	"Rs": {also: rupees}, "Rs.": {also: rupees},
}

// currencyToken reads a currency sign or a three-letter code.
func currencyToken(tok string) (sign, bool) {
	if code, ok := currencyCode(tok); ok {
		return sign{code: code}, true
	}
	s, ok := currencySigns[tok]
	return s, ok
}

// currencyCode reads a three-letter currency code, any case.
func currencyCode(s string) (string, bool) {
	if len(s) != 3 {
		return "", false
	}
	upper := true
	for i := 0; i < 3; i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			upper = false
		default:
			return "", false
		}
	}
	if !upper {
		s = strings.ToUpper(s)
	}
	return s, true
}

// regionCurrencies maps the locale IDs of number formats ("[$¥-411]" is
// Japanese, Japan) to the currency of the region, for the signs that
// several currencies share: the locale settles which one the format
// means. The IDs are Windows LCIDs, in hexadecimal, as formats write them.
var regionCurrencies = map[string]string{
	"409": "USD", "c09": "AUD", "1009": "CAD", "1409": "NZD", "4809": "SGD", "3c09": "HKD",
	"80a": "MXN", "2c0a": "ARS", "340a": "CLP", "240a": "COP", "380a": "UYU", "1c0a": "DOP", "404": "TWD",
	"411": "JPY", "804": "CNY",
	"41d": "SEK", "414": "NOK", "814": "NOK", "406": "DKK", "438": "DKK", "40f": "ISK",
	"807": "CHF", "100c": "CHF", "810": "CHF", "1407": "CHF",
	"809": "GBP", "c01": "EGP",
	"439": "INR", "4009": "INR", "420": "PKR", "45b": "LKR", "461": "NPR",
	"1c09": "ZAR", "436": "ZAR", "416": "BRL",
}

// formatCurrency returns the currency a number format shows, from the
// first section of its code: an ISO code when the format settles one
// ("EUR" for "#,##0.00 [$€-407]"; "JPY" for "[$¥-411]#,##0", whose locale
// settles the shared ¥), the sign itself when other currencies write it
// too and nothing settles which ("¥#,##0"; "$", which is USD unless the
// row's Currency column names another dollar), or "" when the format
// shows no currency. A bracketed "[$-409]" names only a locale, for dates.
func PatternCurrency(code string) string {
	for i := 0; i < len(code); i++ {
		var tok, region string
		switch c := code[i]; c {
		case ';':
			return ""
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return ""
			}
			tok = strings.TrimSpace(code[i+1 : i+1+j])
			i += j + 1
		case '\\':
			if i+1 < len(code) {
				_, size := utf8.DecodeRuneInString(code[i+1:])
				tok = code[i+1 : i+1+size]
				i += size
			}
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return ""
			}
			inner := code[i+1 : i+j]
			i += j
			rest, ok := strings.CutPrefix(inner, "$")
			if !ok {
				continue
			}
			tok = rest
			if k := strings.LastIndexByte(rest, '-'); k >= 0 {
				tok, region = rest[:k], strings.ToLower(rest[k+1:])
			}
			tok = strings.TrimSpace(tok)
		case '$':
			tok = "$"
		default:
			if c < 0x80 {
				continue
			}
			// A run of non-ASCII characters written bare: "€", "zł".
			j := i
			for j < len(code) && code[j] >= 0x80 {
				j++
			}
			tok = code[i:j]
			i = j - 1
		}
		if tok == "" {
			continue
		}
		s, ok := currencyToken(tok)
		if !ok {
			continue
		}
		if s.code != "" && len(s.also) == 0 {
			return s.code
		}
		if r, ok := regionCurrencies[region]; ok && s.fits(r) {
			return r
		}
		return tok // a sign that several currencies write
	}
	return ""
}
