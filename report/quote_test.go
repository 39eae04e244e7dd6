package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
)

func TestShortValue(t *testing.T) {
	long := strings.Repeat("x", 60_000)
	wide := strings.Repeat("é", 201)
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"acme", "acme"},
		{strings.Repeat("y", 200), strings.Repeat("y", 200)},
		{long, strings.Repeat("x", 200) + "… (60,000 characters)"},
		{wide, strings.Repeat("é", 200) + "… (201 characters)"},
	} {
		if got := shortValue(c.in); got != c.want {
			t.Errorf("shortValue(%.20q…) = %.40q…, want %.40q…", c.in, got, c.want)
		}
	}
}

func TestShortQuotes(t *testing.T) {
	long := strings.Repeat("x", 60_000)
	for _, c := range []struct{ in, want string }{
		{`"12x" is not an amount`, `"12x" is not an amount`},
		{`"` + long + `" is not an amount`, `"` + strings.Repeat("x", 200) + `…" (60,000 characters) is not an amount`},
		// Quotes inside a value are escaped, as %q writes them.
		{`"say \"hi\"` + long + `" is in EUR but the currency is "USD"`,
			`"say \"hi\"` + strings.Repeat("x", 192) + `…" (60,008 characters) is in EUR but the currency is "USD"`},
		// A stray quote is kept as it is.
		{`a 5" screen ` + strings.Repeat("z", 300), `a 5" screen ` + strings.Repeat("z", 300)},
		// A long message with nothing quoted is cut.
		{strings.Repeat("w", 3000), strings.Repeat("w", 2000) + "…"},
	} {
		if got := shortQuotes(c.in); got != c.want {
			t.Errorf("shortQuotes(%.30q…) =\n%.80q…, want\n%.80q…", c.in, got, c.want)
		}
	}
}

// TestIssuesTabQuotesShortly puts a 60,000-character cell on the Data
// Issues tab: it is quoted shortly in both columns, and no cell comes near
// the 50,000 characters a spreadsheet cell holds.
func TestIssuesTabQuotesShortly(t *testing.T) {
	long := strings.Repeat("9", 60_000)
	issue := calc.Issue{Row: 7, Column: "amount", Value: long, Message: `"` + long + `" is not an amount`}
	tab := issuesTab([]calc.Issue{issue}, nil, "Data Issues")
	row := tab.Rows[0]
	if got, want := row[2].Text, strings.Repeat("9", 200)+"… (60,000 characters)"; got != want {
		t.Errorf("Value = %.40q…, want %.40q…", got, want)
	}
	if got, want := row[3].Text, `"`+strings.Repeat("9", 200)+`…" (60,000 characters) is not an amount`; got != want {
		t.Errorf("Problem = %.40q…, want %.40q…", got, want)
	}
	for _, c := range row {
		if n := utf8.RuneCountInString(c.Text); c.Kind == sheets.Text && n > 1000 {
			t.Errorf("a cell of %d characters", n)
		}
	}
}
