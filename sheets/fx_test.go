package sheets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
)

// monthlyStrings writes monthly rates as "EUR 2025-03 1.08", which cmp can
// compare.
func monthlyStrings(rates []calc.MonthlyRate) []string {
	var out []string
	for _, r := range rates {
		out = append(out, fmt.Sprintf("%s %s %s", r.Currency, r.Month, r.Rate))
	}
	return out
}

// serialCell is a date-formatted number cell holding the serial day of
// the ISO date s.
func serialCell(s string) Cell {
	return N(fmt.Sprint(int64(date(s)-serialEpoch)), FormatDate)
}

func TestDecodeFXMonthly(t *testing.T) {
	tests := []struct {
		name    string
		csv     string   // the table as CSV, or
		rows    [][]Cell // as typed cells
		locale  string
		rates   map[string]string
		monthly []string
		issues  []calc.Issue
	}{
		{
			name: "month written as text",
			csv: `Currency,Rate,Effective from
EUR,1.01,2025-01
EUR,1.02,2025-02-01
EUR,1.03,Mar 2025
EUR,1.04,April 2025
EUR,1.05,05/2025
EUR,1.06,"Jun 1, 2025"
EUR,1.07,2025/7
EUR,1.08,2025-08-31T00:00:00Z
EUR,1.09,Sept. 2025
`,
			rates: map[string]string{},
			monthly: []string{
				"EUR 2025-01 1.01", "EUR 2025-02 1.02", "EUR 2025-03 1.03", "EUR 2025-04 1.04", "EUR 2025-05 1.05",
				"EUR 2025-06 1.06", "EUR 2025-07 1.07", "EUR 2025-08 1.08", "EUR 2025-09 1.09",
			},
		},
		{
			name: "month as a date cell",
			rows: [][]Cell{
				texts("Currency", "Rate", "Month"),
				{T("EUR"), N("1.08", FormatNone), serialCell("2025-03-01")},
				{T("EUR"), N("1.1", FormatNone), serialCell("2025-04-30")},
				{T("GBP"), N("1.27", FormatNone), N(fmt.Sprint(int64(date("2025-03-15")-serialEpoch))+".5", FormatDate)},
			},
			rates:   map[string]string{},
			monthly: []string{"EUR 2025-03 1.08", "EUR 2025-04 1.1", "GBP 2025-03 1.27"},
		},
		{
			name: "blank month is the single rate",
			csv: `currency,rate,month
GBP,1.25,
GBP,1.27,2025-06
JPY,0.0067,2025-01
USD,1,
USD,1,2025-03
EUR,1.08,
`,
			rates:   map[string]string{"GBP": "1.25", "USD": "1", "EUR": "1.08"},
			monthly: []string{"GBP 2025-06 1.27", "JPY 2025-01 0.0067", "USD 2025-03 1"},
		},
		{
			name: "given twice",
			csv: `Currency,Rate,Period
EUR,1.08,2025-03
EUR,1.09,Mar 2025
eur,1.10,2025-03-15
GBP,1.27,2025-03
EUR,1.11,2025-04
EUR,1.05,
EUR,1.06,
`,
			rates:   map[string]string{"EUR": "1.05"},
			monthly: []string{"EUR 2025-03 1.08", "GBP 2025-03 1.27", "EUR 2025-04 1.11"},
			issues: []calc.Issue{
				{Row: 3, Column: "month", Header: "Period", Value: "Mar 2025", Message: "EUR for 2025-03 is given again (first in row 2)"},
				{Row: 4, Column: "month", Header: "Period", Value: "2025-03-15", Message: "EUR for 2025-03 is given again (first in row 2)"},
				{Row: 8, Column: "currency", Header: "Currency", Value: "EUR", Message: "EUR is given again (first in row 7)"},
			},
		},
		{
			name: "not a month",
			csv: `Currency,Rate,Month
EUR,1.01,2025-13
EUR,1.02,soon
EUR,1.03,Mar 25
EUR,1.04,03/04/2025
EUR,1.05,45658
EUR,1.06,13/2025
EUR,1.07,2025 March
EUR,1.08,2025-02-30
USD,0.9,2025-01
EUR,-1,2025-01
EUR,1.09,2025-01
`,
			rates:   map[string]string{},
			monthly: []string{"EUR 2025-01 1.09"},
			issues: []calc.Issue{
				{Row: 2, Column: "month", Header: "Month", Value: "2025-13", Message: `"2025-13" is not a month (write YYYY-MM, such as 2025-03)`},
				{Row: 3, Column: "month", Header: "Month", Value: "soon", Message: `"soon" is not a month (write YYYY-MM, such as 2025-03)`},
				{Row: 4, Column: "month", Header: "Month", Value: "Mar 25", Message: `"Mar 25" has a two-digit year: write YYYY-MM`},
				{Row: 5, Column: "month", Header: "Month", Value: "03/04/2025", Message: `"03/04/2025" cannot be read without guessing whether the day or the month comes first: write YYYY-MM or set the spreadsheet's locale`},
				{Row: 6, Column: "month", Header: "Month", Value: "45658", Message: `"45658" is a number, not a month: format the cell as a date or write YYYY-MM`},
				{Row: 7, Column: "month", Header: "Month", Value: "13/2025", Message: `"13/2025" is not a month (write YYYY-MM, such as 2025-03)`},
				{Row: 8, Column: "month", Header: "Month", Value: "2025 March", Message: `"2025 March" is not a month (write YYYY-MM, such as 2025-03)`},
				{Row: 9, Column: "month", Header: "Month", Value: "2025-02-30", Message: `"2025-02-30" is not a month (write YYYY-MM, such as 2025-03)`},
				{Row: 10, Column: "rate", Header: "Rate", Value: "0.9", Message: "the rate of the reporting currency USD must be 1, not 0.9"},
				{Row: 11, Column: "rate", Header: "Rate", Value: "-1", Message: "rate -1 is not positive"},
			},
		},
		{
			name: "number cell that is not a date",
			rows: [][]Cell{
				texts("Currency", "Rate", "Month"),
				{T("EUR"), N("1.08", FormatNone), N("45717", FormatNone)},
				{T("EUR"), N("1.09", FormatNone), {Kind: Bool, Text: "TRUE"}},
			},
			rates: map[string]string{},
			issues: []calc.Issue{
				{Row: 2, Column: "month", Header: "Month", Value: "45717", Message: `"45717" is a number, not a month: format the cell as a date or write YYYY-MM`},
				{Row: 3, Column: "month", Header: "Month", Value: "TRUE", Message: `"TRUE" is not a month (write YYYY-MM, such as 2025-03)`},
			},
		},
		{
			name:    "locale settles the day and month",
			locale:  "en_GB",
			csv:     "currency,rate,month\nEUR,1.08,01/03/2025\n",
			rates:   map[string]string{},
			monthly: []string{"EUR 2025-03 1.08"},
		},
		{
			name:    "month column with every month blank",
			csv:     "currency,rate,month\nEUR,1.08,\nGBP,1.27,  \n",
			rates:   map[string]string{"EUR": "1.08", "GBP": "1.27"},
			monthly: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r RowReader = &table{rows: tt.rows}
			if tt.csv != "" {
				r = NewCSVReader(strings.NewReader(tt.csv))
			}
			got, issues, err := DecodeFX(r, Options{Locale: tt.locale})
			if err != nil {
				t.Fatal(err)
			}
			rates := map[string]string{}
			for c, r := range got.Rates {
				rates[c] = r.String()
			}
			if diff := cmp.Diff(tt.rates, rates); diff != "" {
				t.Errorf("Rates (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.monthly, monthlyStrings(got.Monthly)); diff != "" {
				t.Errorf("Monthly (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.issues, issues); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeFXMonthHeaders checks each header name of the month column.
func TestDecodeFXMonthHeaders(t *testing.T) {
	for _, h := range []string{"Month", "Period", "From", "Effective", "Effective from", "Effective date", "Valid from"} {
		t.Run(h, func(t *testing.T) {
			got, issues, err := DecodeFX(NewCSVReader(strings.NewReader("Currency,Rate,"+h+"\nEUR,1.08,2025-03\n")), Options{})
			if err != nil || len(issues) != 0 {
				t.Fatal(err, issues)
			}
			if diff := cmp.Diff([]string{"EUR 2025-03 1.08"}, monthlyStrings(got.Monthly)); diff != "" {
				t.Errorf("Monthly (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeFXWithoutMonth checks that a table without a month column gives
// no monthly rates and ignores columns it does not know.
func TestDecodeFXWithoutMonth(t *testing.T) {
	got, issues, err := DecodeFX(NewCSVReader(strings.NewReader("Currency,Rate,As of\nEUR,1.08,2025-03\n")), Options{})
	if err != nil || len(issues) != 0 {
		t.Fatal(err, issues)
	}
	if got.Monthly != nil || len(got.Rates) != 1 || got.Rates["EUR"].String() != "1.08" {
		t.Errorf("Rates, Monthly = %v, %v; want EUR 1.08 and none", got.Rates, got.Monthly)
	}
}

const segmentsCSV = `Customer,Plan,Region,Amount,Currency,Start,Status
c1,Pro,EMEA,100,EUR,2025-01-01,active
c2,Basic,AMER,50,,2025-02-01,
c3,Pro,,10,,2025-03-01,
`

const monthlyFXCSV = `Currency,Rate,Month
EUR,1.05,
EUR,1.08,2025-03
EUR,1.10,2025-06
`

func TestReadCSVMonthlyRatesAndSegments(t *testing.T) {
	opts := Options{Segments: []string{"region", "Plan"}}
	l, err := ReadCSV(strings.NewReader(segmentsCSV), strings.NewReader(monthlyFXCSV), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errors) != 0 || len(l.FXErrors) != 0 || l.Book.Len() != 3 {
		t.Fatalf("Errors, FXErrors, Book.Len() = %v, %v, %d", l.Errors, l.FXErrors, l.Book.Len())
	}
	if !l.Book.HasMonthlyRates() {
		t.Error("HasMonthlyRates() = false, want true")
	}
	if diff := cmp.Diff([]string{"EUR 2025-03 1.08", "EUR 2025-06 1.1"}, monthlyStrings(l.Monthly)); diff != "" {
		t.Errorf("Monthly (-want +got):\n%s", diff)
	}
	if got := l.Rates["EUR"].String(); got != "1.05" || len(l.Rates) != 1 {
		t.Errorf("Rates = %v, want EUR 1.05", l.Rates)
	}
	wantSegs := []Column{{Index: 2, Letter: "C", Title: "Region"}, {Index: 1, Letter: "B", Title: "Plan"}}
	if diff := cmp.Diff(wantSegs, l.Segments); diff != "" {
		t.Errorf("Segments (-want +got):\n%s", diff)
	}

	t.Run("missing segment", func(t *testing.T) {
		_, err := ReadCSV(strings.NewReader(segmentsCSV), nil, Options{Segments: []string{"Team"}})
		want := `read subscriptions csv: segment column "Team" is not in the header (headers: Customer, Plan, Region, Amount, Currency, Start, Status)`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	})
	t.Run("two rates for one month", func(t *testing.T) {
		l, err := ReadCSV(strings.NewReader(segmentsCSV), strings.NewReader(monthlyFXCSV+"EUR,1.09,Mar 2025\n"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := []calc.Issue{{Row: 5, Column: "month", Header: "Month", Value: "Mar 2025", Message: "EUR for 2025-03 is given again (first in row 3)"}}
		if diff := cmp.Diff(want, l.FXErrors); diff != "" {
			t.Errorf("FXErrors (-want +got):\n%s", diff)
		}
	})
}
