package sheetstest

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	sheets "google.golang.org/api/sheets/v4"
)

// maxCellChars is the most characters Sheets keeps in one cell.
const maxCellChars = 50000

var (
	plainNumber   = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
	groupedNumber = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$`)
	isoDate       = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
	slashDate     = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// parsed is one value written through the values API, ready to store.
type parsed struct {
	skip   bool                  // null: leave the cell alone
	value  *sheets.ExtendedValue // nil clears the cell's value
	format *sheets.NumberFormat  // a number format the input implies
}

// parseInput turns one JSON value of a values.update body into a cell
// value. RAW stores it as it is; USER_ENTERED reads it the way the Sheets UI
// reads what someone types: numbers, "20%", "$1,200.00", TRUE, dates and
// "=formulas".
func parseInput(v any, userEntered bool, locale string) (parsed, error) {
	switch x := v.(type) {
	case nil:
		return parsed{skip: true}, nil
	case bool:
		return parsed{value: &sheets.ExtendedValue{BoolValue: &x}}, nil
	case float64:
		return parsed{value: &sheets.ExtendedValue{NumberValue: &x}}, nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return parsed{}, invalid("Invalid value %s", x)
		}
		return parsed{value: &sheets.ExtendedValue{NumberValue: &f}}, nil
	case string:
		if len([]rune(x)) > maxCellChars {
			return parsed{}, invalid("Your input contains more than the maximum of %d characters in a single cell.", maxCellChars)
		}
		if x == "" {
			return parsed{}, nil
		}
		if !userEntered {
			return parsed{value: str(x)}, nil
		}
		return parseTyped(x, locale), nil
	}
	return parsed{}, invalid("Invalid values: %v is not a bool, a number or a string", v)
}

func str(s string) *sheets.ExtendedValue { return &sheets.ExtendedValue{StringValue: &s} }

func num(f float64) *sheets.ExtendedValue { return &sheets.ExtendedValue{NumberValue: &f} }

// parseTyped reads a USER_ENTERED string.
func parseTyped(s, locale string) parsed {
	t := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "="):
		return parsed{value: &sheets.ExtendedValue{FormulaValue: &s}}
	case strings.HasPrefix(s, "'"):
		// A leading apostrophe keeps the rest as text.
		return parsed{value: str(s[1:])}
	case strings.EqualFold(t, "TRUE"), strings.EqualFold(t, "FALSE"):
		b := strings.EqualFold(t, "TRUE")
		return parsed{value: &sheets.ExtendedValue{BoolValue: &b}}
	}
	if p, ok := parseNumberText(t); ok {
		return p
	}
	if p, ok := parseDateText(t, locale); ok {
		return p
	}
	return parsed{value: str(s)}
}

// parseNumberText reads "1200", "1,200.50", "-3.5", "20%", "12.5%" and
// "$1,200.00".
func parseNumberText(t string) (parsed, bool) {
	if body, ok := strings.CutSuffix(t, "%"); ok {
		f, ok := readNumber(body)
		if !ok {
			return parsed{}, false
		}
		pattern := "0%"
		if strings.Contains(body, ".") {
			pattern = "0.00%"
		}
		return parsed{value: num(f / 100), format: &sheets.NumberFormat{Type: "PERCENT", Pattern: pattern}}, true
	}
	sign := ""
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		sign, t = t[:1], t[1:]
	}
	if body, ok := strings.CutPrefix(t, "$"); ok {
		f, ok := readNumber(sign + body)
		if !ok {
			return parsed{}, false
		}
		pattern := `"$"#,##0`
		if strings.Contains(body, ".") {
			pattern = `"$"#,##0.00`
		}
		return parsed{value: num(f), format: &sheets.NumberFormat{Type: "CURRENCY", Pattern: pattern}}, true
	}
	t = sign + t
	if plainNumber.MatchString(t) {
		f, err := strconv.ParseFloat(t, 64)
		return parsed{value: num(f)}, err == nil
	}
	if groupedNumber.MatchString(t) {
		f, _ := strconv.ParseFloat(strings.ReplaceAll(t, ",", ""), 64)
		pattern := "#,##0"
		if strings.Contains(t, ".") {
			pattern = "#,##0.00"
		}
		return parsed{value: num(f), format: &sheets.NumberFormat{Type: "NUMBER", Pattern: pattern}}, true
	}
	return parsed{}, false
}

func readNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if groupedNumber.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	if !plainNumber.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// parseDateText reads ISO dates ("2025-01-10", "2025-01-10 13:45:00") and
// slashed dates in the order the locale writes them: month first for
// en_US (the default) and a few others, day first elsewhere.
func parseDateText(t, locale string) (parsed, bool) {
	if m := isoDate.FindStringSubmatch(t); m != nil {
		y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
		if !validDate(y, mo, d) {
			return parsed{}, false
		}
		if m[4] == "" {
			return parsed{value: num(SerialDate(y, time.Month(mo), d)),
				format: &sheets.NumberFormat{Type: "DATE", Pattern: "yyyy-mm-dd"}}, true
		}
		h, mi, s := atoi(m[4]), atoi(m[5]), atoi(m[6])
		if h > 23 || mi > 59 || s > 59 {
			return parsed{}, false
		}
		at := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
		return parsed{value: num(Serial(at)),
			format: &sheets.NumberFormat{Type: "DATE_TIME", Pattern: "yyyy-mm-dd H:mm:ss"}}, true
	}
	if m := slashDate.FindStringSubmatch(t); m != nil {
		a, b, y := atoi(m[1]), atoi(m[2]), atoi(m[3])
		mo, d, pattern := a, b, "M/d/yyyy"
		if !monthFirst(locale) {
			mo, d, pattern = b, a, "d/M/yyyy"
		}
		if !validDate(y, mo, d) {
			return parsed{}, false
		}
		return parsed{value: num(SerialDate(y, time.Month(mo), d)),
			format: &sheets.NumberFormat{Type: "DATE", Pattern: pattern}}, true
	}
	return parsed{}, false
}

// monthFirst reports whether a locale writes 03/04/2025 for March 4.
func monthFirst(locale string) bool {
	switch strings.ToLower(strings.ReplaceAll(locale, "-", "_")) {
	case "", "en_us", "en_ph", "es_us", "fil_ph", "en_ca":
		return true
	}
	return false
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() == d
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// checkCell refuses a cell that Sheets would refuse.
func checkCell(c *sheets.CellData) error {
	if c == nil || c.UserEnteredValue == nil {
		return nil
	}
	v := c.UserEnteredValue
	kinds := 0
	for _, set := range []bool{v.StringValue != nil, v.NumberValue != nil, v.BoolValue != nil, v.FormulaValue != nil, v.ErrorValue != nil} {
		if set {
			kinds++
		}
	}
	if kinds > 1 {
		return invalid("userEnteredValue may hold only one kind of value, not %d", kinds)
	}
	if v.StringValue != nil && utf8.RuneCountInString(*v.StringValue) > maxCellChars {
		return invalid("Your input contains more than the maximum of %d characters in a single cell.", maxCellChars)
	}
	if v.ErrorValue != nil {
		return invalid("userEnteredValue.errorValue cannot be set: errors come from formulas")
	}
	return nil
}
