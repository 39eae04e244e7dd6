package sheets

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// fuzzLocales are the locales the fuzzers pick from with a byte.
var fuzzLocales = []string{"", "en_US", "en_GB", "de_DE", "fr_FR", "ja_JP"}

func fuzzLocale(b byte) string { return fuzzLocales[int(b)%len(fuzzLocales)] }

// FuzzParseCell reads one cell as every field. It must not panic, and the
// different ways to the same value must agree.
func FuzzParseCell(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind, format, locb byte, text string) {
		c := Cell{Kind: CellKind(kind % 4), Format: Format(format % 5), Text: text}
		loc, err := parseLocale(fuzzLocale(locb))
		if err != nil {
			t.Fatal(err)
		}
		d := &decoder{loc: loc, reporting: "USD", mode: readFinal}

		v, _, ok := d.money(fAmount, c, "an amount")
		if ok && c.Kind == Text && plainNumber(text) && strings.IndexByte(text, '.') < 0 {
			if want, err := calc.ParseFixedExact(text); err != nil || want != v {
				t.Errorf("money(%q) = %v, ParseFixedExact = %v, %v", text, v, want, err)
			}
		}
		d.number(fQuantity, c, "a number", false)
		d.discount(c)

		date, ok := d.date(fStartDate, c)
		if ok {
			y, m, day := date.Date()
			if !calc.ValidDate(y, m, day) {
				t.Errorf("date(%q) = %v, not a valid day", text, date)
			}
			if c.Kind == Text && len(text) == 10 && text[4] == '-' {
				if want, err := calc.ParseDate(text); err == nil && want != date {
					t.Errorf("date(%q) = %v, ParseDate = %v", text, date, want)
				}
			}
		}

		// The fixed-point and the literal reading of a text number agree.
		dec := loc.dec
		if dec == 0 {
			dec = '.'
		}
		if n, ok := scanNumber(text, dec, true); ok {
			fv, ferr := n.fixed()
			dv, derr := decimal.NewFromString(n.literal())
			if derr != nil {
				t.Fatalf("literal %q of %q: %v", n.literal(), text, derr)
			}
			if ferr == nil {
				want, err := calc.FixedFromDecimal(dv)
				if err != nil || want != fv {
					t.Errorf("%q: fixed %v, literal %q", text, fv, n.literal())
				}
			}
		}
	})
}

// FuzzFormattedAmount writes an amount as spreadsheets show it and reads
// it back.
func FuzzFormattedAmount(f *testing.F) {
	f.Add(int64(120050), byte(0))
	f.Add(int64(-99), byte(3))
	f.Add(int64(123456789012), byte(1))
	f.Fuzz(func(t *testing.T, cents int64, style byte) {
		if cents < -1e15 || cents > 1e15 {
			return
		}
		neg := cents < 0
		abs := cents
		if neg {
			abs = -abs
		}
		units := group(fmt.Sprint(abs/100), []string{",", ".", " ", "\u00a0", "'"}[style%5])
		frac := fmt.Sprintf("%02d", abs%100)
		var s, locName string
		switch style % 5 {
		case 0: // $1,200.50, (1,200.50)
			s = "$" + units + "." + frac
			if neg {
				s = "(" + s + ")"
			}
		case 1: // 1.200,50 €
			s, locName = units+","+frac+" €", "de_DE"
			if neg {
				s = "-" + s
			}
		case 2: // USD 1 200.50
			s = "USD " + units + "." + frac
			if neg {
				s = "-" + s
			}
		case 3: // 1 200,50
			s, locName = units+","+frac, "fr_FR"
			if neg {
				s = "−" + s
			}
		case 4: // 1'200.50
			s, locName = units+"."+frac, "de_CH"
			if neg {
				s = "-" + s
			}
		}
		loc, err := parseLocale(locName)
		if err != nil {
			t.Fatal(err)
		}
		d := &decoder{loc: loc, reporting: "USD", mode: readFinal}
		v, _, ok := d.money(fAmount, T(s), "an amount")
		if !ok {
			t.Fatalf("money(%q): %v", s, d.issues)
		}
		if want := calc.Fixed(cents) * 10_000_000; v != want {
			t.Errorf("money(%q) = %v, want %v", s, v, want)
		}
	})
}

// group writes digits in groups of three.
func group(digits, sep string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FuzzDecodeCSV reads arbitrary bytes as a subscriptions CSV. It must not
// panic, and what it reports must be consistent.
func FuzzDecodeCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, locb byte) {
		// Row numbers only grow.
		r := NewCSVReader(bytes.NewReader(data))
		for prev := 0; ; {
			n, _, err := r.Next()
			if err != nil {
				break
			}
			if n <= prev {
				t.Fatalf("row %d after row %d", n, prev)
			}
			prev = n
		}

		l, err := ReadCSV(bytes.NewReader(data), nil, Options{Locale: fuzzLocale(locb)})
		if err != nil {
			return
		}
		if l.HeaderRow < 1 {
			t.Errorf("HeaderRow = %d", l.HeaderRow)
		}
		if l.Book.Len() > l.Rows {
			t.Errorf("Book.Len() = %d > Rows = %d", l.Book.Len(), l.Rows)
		}
		last := 0
		for _, is := range l.Errors {
			if is.Row <= l.HeaderRow || is.Row < last {
				t.Errorf("issue %+v out of order (header row %d, previous %d)", is, l.HeaderRow, last)
			}
			last = is.Row
			if is.Column == "" || is.Message == "" {
				t.Errorf("issue %+v lacks a column or message", is)
			}
		}
	})
}
