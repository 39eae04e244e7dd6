package sheetstest

import (
	"math"
	"strconv"
	"strings"
	"time"

	sheets "google.golang.org/api/sheets/v4"
)

// epoch is day 0 of Sheets' serial dates.
var epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// Serial returns the serial number Sheets stores for t: whole days since
// 1899-12-30, plus the time of day as a fraction. The time zone of t is
// ignored: its wall clock is what the cell shows.
func Serial(t time.Time) float64 {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(epoch).Hours() / 24
	secs := t.Hour()*3600 + t.Minute()*60 + t.Second()
	return math.Round(days) + float64(secs)/86400
}

// SerialDate returns the serial number of a calendar date.
func SerialDate(year int, month time.Month, day int) float64 {
	return Serial(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// TimeOf returns the date and time a serial number stands for, in UTC.
func TimeOf(serial float64) time.Time {
	days := math.Floor(serial)
	secs := math.Round((serial - days) * 86400)
	return epoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
}

// isDateType reports whether a number format shows a date or a time.
func isDateType(nf *sheets.NumberFormat) bool {
	if nf == nil {
		return false
	}
	switch nf.Type {
	case "DATE", "TIME", "DATE_TIME":
		return true
	}
	return false
}

// defaultPatterns are the en_US patterns Sheets uses for a type given
// without a pattern.
var defaultPatterns = map[string]string{
	"NUMBER":     "#,##0.00",
	"PERCENT":    "0.00%",
	"CURRENCY":   `"$"#,##0.00`,
	"SCIENTIFIC": "0.00E+00",
	"DATE":       "M/d/yyyy",
	"TIME":       "h:mm:ss am/pm",
	"DATE_TIME":  "M/d/yyyy H:mm:ss",
}

// formatValue renders a cell value as Sheets shows it: its formattedValue.
func formatValue(v *sheets.ExtendedValue, nf *sheets.NumberFormat) string {
	switch {
	case v == nil:
		return ""
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		if *v.BoolValue {
			return "TRUE"
		}
		return "FALSE"
	case v.NumberValue != nil:
		return formatNumber(*v.NumberValue, nf)
	case v.ErrorValue != nil:
		return errorText(v.ErrorValue.Type)
	}
	return ""
}

// errorText is how Sheets shows an error value.
func errorText(typ string) string {
	switch typ {
	case "NULL_VALUE":
		return "#NULL!"
	case "DIVIDE_BY_ZERO":
		return "#DIV/0!"
	case "VALUE":
		return "#VALUE!"
	case "REF":
		return "#REF!"
	case "NAME":
		return "#NAME?"
	case "NUM":
		return "#NUM!"
	case "N_A":
		return "#N/A"
	case "LOADING":
		return "Loading..."
	}
	return "#ERROR!"
}

// formatNumber renders v with a number format.
func formatNumber(v float64, nf *sheets.NumberFormat) string {
	var typ, pattern string
	if nf != nil {
		typ, pattern = nf.Type, nf.Pattern
	}
	if pattern == "" {
		pattern = defaultPatterns[typ]
	}
	if pattern == "" || typ == "TEXT" {
		return general(v)
	}
	if isDateType(nf) {
		return formatDate(v, pattern)
	}
	return formatPattern(v, pattern)
}

// general renders a number in the "automatic" format: no grouping, at
// most ten decimals.
func general(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 10 {
		s = strings.TrimRight(strconv.FormatFloat(v, 'f', 10, 64), "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// splitSections splits a pattern at the semicolons that separate its
// positive, negative, zero and text sections.
func splitSections(pattern string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '"':
			quoted = !quoted
		case c == '\\' && !quoted:
			i++
		case c == ';' && !quoted:
			out = append(out, pattern[start:i])
			start = i + 1
		}
	}
	return append(out, pattern[start:])
}

// formatPattern renders v with a number pattern such as "#,##0.00",
// "0.0%", `"$"#,##0.00;("$"#,##0.00)` or "[$€]#,##0". It covers what
// spreadsheets put in money and percent columns, not every corner of the
// syntax.
func formatPattern(v float64, pattern string) string {
	sections := splitSections(pattern)
	sec, sign := sections[0], ""
	switch {
	case v < 0 && len(sections) > 1 && sections[1] != "":
		sec, v = sections[1], -v
	case v < 0:
		sign, v = "-", -v
	case v == 0 && len(sections) > 2 && sections[2] != "":
		sec = sections[2]
	}

	var (
		prefix, suffix strings.Builder
		intZeros       int // '0' placeholders before the point
		fracZeros      int // '0' placeholders after the point
		fracAll        int // all placeholders after the point
		grouping       bool
		inNumber       bool // a placeholder was seen
		afterPoint     bool
		scientific     bool
		percent        int
		scale          int
	)
	lit := func(s string) {
		if inNumber {
			suffix.WriteString(s)
		} else {
			prefix.WriteString(s)
		}
	}
	for i := 0; i < len(sec); i++ {
		c := sec[i]
		switch {
		case c == '"':
			end := strings.IndexByte(sec[i+1:], '"')
			if end < 0 {
				end = len(sec) - i - 1
			}
			lit(sec[i+1 : i+1+end])
			i += end + 1
		case c == '\\' && i+1 < len(sec):
			lit(sec[i+1 : i+2])
			i++
		case c == '[':
			end := strings.IndexByte(sec[i:], ']')
			if end < 0 {
				end = len(sec) - i - 1
			}
			inner := sec[i+1 : i+end]
			if sym, ok := strings.CutPrefix(inner, "$"); ok {
				sym, _, _ = strings.Cut(sym, "-")
				lit(sym)
			}
			i += end
		case c == '_' && i+1 < len(sec):
			lit(" ")
			i++
		case c == '*' && i+1 < len(sec):
			i++
		case c == '0' || c == '#' || c == '?':
			if scientific {
				continue
			}
			inNumber = true
			if afterPoint {
				fracAll++
				if c == '0' {
					fracZeros++
				}
			} else if c == '0' {
				intZeros++
			}
		case c == '.' && !afterPoint && !scientific:
			afterPoint = true
			inNumber = true
		case c == ',':
			if i+1 < len(sec) && strings.IndexByte("0#?", sec[i+1]) >= 0 && !afterPoint {
				grouping = true
			} else if inNumber {
				scale++
			} else {
				lit(",")
			}
		case c == '%':
			percent++
			lit("%")
		case (c == 'E' || c == 'e') && i+1 < len(sec) && (sec[i+1] == '+' || sec[i+1] == '-'):
			scientific = true
			i++
		default:
			lit(string(c))
		}
	}
	for range percent {
		v *= 100
	}
	for range scale {
		v /= 1000
	}
	var num string
	if scientific {
		num = strconv.FormatFloat(v, 'E', fracAll, 64) // two exponent digits, as in "0.00E+00"
	} else {
		num = digits(v, intZeros, fracZeros, fracAll, grouping)
	}
	if sign != "" && strings.Trim(num, "0.,") == "" {
		sign = "" // -0.001 shown with two decimals is 0.00, not -0.00
	}
	return sign + prefix.String() + num + suffix.String()
}

// digits renders v with at least intMin integer digits and between fracMin
// and fracMax decimals.
func digits(v float64, intMin, fracMin, fracMax int, grouping bool) string {
	s := strconv.FormatFloat(v, 'f', fracMax, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	for len(frac) > fracMin && strings.HasSuffix(frac, "0") {
		frac = frac[:len(frac)-1]
	}
	if intPart == "0" && intMin == 0 {
		intPart = ""
	}
	for len(intPart) < intMin {
		intPart = "0" + intPart
	}
	if grouping && len(intPart) > 3 {
		var b strings.Builder
		lead := len(intPart) % 3
		if lead > 0 {
			b.WriteString(intPart[:lead])
		}
		for i := lead; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	if frac == "" {
		if intPart == "" {
			return "0"
		}
		return intPart
	}
	return intPart + "." + frac
}

// dateToken is one piece of a date pattern.
type dateToken struct {
	kind byte // 'y', 'm', 'd', 'h', 's', 'M' (minutes), 'a' (am/pm), 'p' (a/p), '0' (tenths), 0 for a literal
	n    int
	text string
}

// formatDate renders a serial number with a date pattern such as
// "yyyy-mm-dd", "mmm yyyy", "M/d/yyyy" or "hh:mm:ss am/pm, ddd mmm dd yyyy".
func formatDate(v float64, pattern string) string {
	toks := tokenizeDate(pattern)
	t := TimeOf(v)
	twelve := false
	for _, tk := range toks {
		if tk.kind == 'a' || tk.kind == 'p' {
			twelve = true
		}
	}
	var b strings.Builder
	for _, tk := range toks {
		switch tk.kind {
		case 0:
			b.WriteString(tk.text)
		case 'y':
			if tk.n <= 2 {
				b.WriteString(pad(t.Year()%100, 2))
			} else {
				b.WriteString(pad(t.Year(), 4))
			}
		case 'm':
			switch {
			case tk.n == 1:
				b.WriteString(strconv.Itoa(int(t.Month())))
			case tk.n == 2:
				b.WriteString(pad(int(t.Month()), 2))
			case tk.n == 3:
				b.WriteString(t.Month().String()[:3])
			case tk.n == 4:
				b.WriteString(t.Month().String())
			default:
				b.WriteString(t.Month().String()[:1])
			}
		case 'd':
			switch {
			case tk.n == 1:
				b.WriteString(strconv.Itoa(t.Day()))
			case tk.n == 2:
				b.WriteString(pad(t.Day(), 2))
			case tk.n == 3:
				b.WriteString(t.Weekday().String()[:3])
			default:
				b.WriteString(t.Weekday().String())
			}
		case 'h':
			h := t.Hour()
			if twelve {
				h %= 12
				if h == 0 {
					h = 12
				}
			}
			b.WriteString(pad(h, tk.n))
		case 'M':
			b.WriteString(pad(t.Minute(), tk.n))
		case 's':
			b.WriteString(pad(t.Second(), tk.n))
		case '0':
			b.WriteString(strings.Repeat("0", tk.n))
		case 'a':
			if t.Hour() < 12 {
				b.WriteString("AM")
			} else {
				b.WriteString("PM")
			}
		case 'p':
			if t.Hour() < 12 {
				b.WriteString("A")
			} else {
				b.WriteString("P")
			}
		}
	}
	return b.String()
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// tokenizeDate splits a date pattern into tokens and decides, as Sheets
// does, whether each "m" or "mm" is a month or minutes: minutes when the
// previous non-literal token is hours or the next one is seconds.
func tokenizeDate(pattern string) []dateToken {
	var toks []dateToken
	lower := strings.ToLower(pattern)
	for i := 0; i < len(pattern); {
		c := lower[i]
		switch {
		case strings.HasPrefix(lower[i:], "am/pm"):
			toks = append(toks, dateToken{kind: 'a'})
			i += 5
		case strings.HasPrefix(lower[i:], "a/p"):
			toks = append(toks, dateToken{kind: 'p'})
			i += 3
		case c == '"':
			end := strings.IndexByte(pattern[i+1:], '"')
			if end < 0 {
				end = len(pattern) - i - 1
			}
			toks = append(toks, dateToken{text: pattern[i+1 : i+1+end]})
			i += end + 2
		case c == '\\' && i+1 < len(pattern):
			toks = append(toks, dateToken{text: pattern[i+1 : i+2]})
			i += 2
		case strings.IndexByte("ymdhs0", c) >= 0:
			n := 1
			for i+n < len(lower) && lower[i+n] == c {
				n++
			}
			toks = append(toks, dateToken{kind: c, n: n})
			i += n
		default:
			toks = append(toks, dateToken{text: pattern[i : i+1]})
			i++
		}
	}
	for i := range toks {
		if toks[i].kind != 'm' || toks[i].n > 2 {
			continue
		}
		prev, next := byte(0), byte(0)
		for j := i - 1; j >= 0; j-- {
			if toks[j].kind != 0 {
				prev = toks[j].kind
				break
			}
		}
		for j := i + 1; j < len(toks); j++ {
			if toks[j].kind != 0 {
				next = toks[j].kind
				break
			}
		}
		if prev == 'h' || next == 's' {
			toks[i].kind = 'M'
		}
	}
	return toks
}
