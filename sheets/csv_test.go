package sheets

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// badRowsCSV has one row of each bad kind docs/sheet-format.md lists, under a title
// row and a blank line, with a quoted cell that spans two lines.
const badRowsCSV = `Acme subscriptions (export),,,,,,,,,,
,,,,,,,,,,
Customer ID,Customer name,Plan,Price,Currency,Billing period,Seats,Discount,Start date,End date,Status
c1,Acme,Pro,"$1,200.00",,annual,1,,2025-01-10,,active
,Nobody,Pro,100,,monthly,1,,2025-01-10,,
c3,Beta,Pro,100,,monthly,1,,2025-02-30,,
c4,Gamma,Pro,lots,,monthly,1,,2025-01-10,,
c5,Delta,Pro,(120.00),,monthly,1,,2025-01-10,,
c6,Eps,Pro,100,,monthly,-2,,2025-01-10,,
c7,Zeta,Pro,100,,fortnightly,1,,2025-01-10,,
c8,Eta,Pro,100,,monthly,1,,2025-01-10,,paused
c9,Theta,Pro,100,,monthly,1,,2025-03-01,2025-02-28,
c10,Iota,Pro,100,,monthly,1,,2025-01-10,,cancelled
c11,Kappa,Pro,100,GBP,monthly,1,,2025-01-10,,
c12,Lambda,Pro,100,,monthly,1,120,2025-01-10,,
c13,"Mu
Europe",Pro,€90,,monthly,1,10%,2025-01-10,,

,,Pro,100,,monthly,1,,2025-01-10,,
`

func TestReadCSVBadRows(t *testing.T) {
	fxCSV := "currency,rate\nEUR,1.1\n"
	l, err := ReadCSV(strings.NewReader(badRowsCSV), strings.NewReader(fxCSV), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []calc.Issue{
		{Row: 5, Column: "customer_id", Header: "Customer ID", Message: "customer is missing"},
		{Row: 6, Column: "start_date", Header: "Start date", Value: "2025-02-30", Message: `"2025-02-30" is not a date`},
		{Row: 7, Column: "amount", Header: "Price", Value: "lots", Message: `"lots" is not an amount`},
		{Row: 8, Column: "amount", Header: "Price", Value: "(120.00)", Message: "amount -120 is negative"},
		{Row: 9, Column: "quantity", Header: "Seats", Value: "-2", Message: "quantity -2 is negative"},
		{Row: 10, Column: "interval", Header: "Billing period", Value: "fortnightly", Message: `"fortnightly" is not a billing interval (use monthly, quarterly, annual, weekly, "N months" or "N years")`},
		{Row: 11, Column: "status", Header: "Status", Value: "paused", Message: `"paused" is not a status (use active, trial, free or cancelled)`},
		{Row: 12, Column: "end_date", Header: "End date", Value: "2025-02-28", Message: "ends on 2025-02-28, before it starts on 2025-03-01"},
		{Row: 13, Column: "end_date", Header: "End date", Message: "cancelled without an end date (give the last day of service)"},
		{Row: 14, Column: "currency", Header: "Currency", Value: "GBP", Message: "no FX rate for GBP (add it to the FX tab)"},
		{Row: 15, Column: "discount", Header: "Discount", Value: "120", Message: "discount 120 is larger than the price 100"},
		// Row 16 spans two lines, row 17 is blank.
		{Row: 18, Column: "customer_id", Header: "Customer ID", Message: "customer is missing"},
	}
	if diff := cmp.Diff(want, l.Errors); diff != "" {
		t.Errorf("Errors (-want +got):\n%s", diff)
	}
	if l.Rows != 14 || l.HeaderRow != 3 || l.Book.Len() != 2 {
		t.Errorf("Rows, HeaderRow, Book.Len() = %d, %d, %d; want 14, 3, 2", l.Rows, l.HeaderRow, l.Book.Len())
	}
	if len(l.FXErrors) != 0 || !l.Rates["EUR"].Equal(decimal.RequireFromString("1.1")) {
		t.Errorf("Rates, FXErrors = %v, %v", l.Rates, l.FXErrors)
	}
}

func TestReadCSVForms(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		opts     Options
		wantRows int
		wantLen  int
		errors   []calc.Issue
	}{
		{
			name:     "byte order mark and quoted header",
			csv:      "\ufeff\"Customer ID\",\"Amount\",\"Start date\"\r\nc1,10,2025-01-01\r\n",
			wantRows: 1, wantLen: 1,
		},
		{
			name:     "semicolons and decimal commas",
			csv:      "Customer;Amount;Start;Discount\nk1;1.200,50;10.01.2025;12,5%\nk2;99,00 €;03.04.2025;\n",
			opts:     Options{Locale: "de_DE", Currency: "EUR"},
			wantRows: 2, wantLen: 2,
		},
		{
			name:     "tabs",
			csv:      "customer\tamount\tstart\nc1\t10\t2025-01-01\n",
			wantRows: 1, wantLen: 1,
		},
		{
			name:     "short rows and unknown columns",
			csv:      "customer,amount,start,notes,status\nc1,10,2025-01-01\nc2,5,2025-01-01,hello\n",
			wantRows: 2, wantLen: 2,
		},
		{
			name:     "ambiguous dates settled by a date further down",
			csv:      "customer,amount,start\nc1,10,03/04/2025\nc2,10,04/03/2025\nc3,10,13/04/2025\n",
			wantRows: 3, wantLen: 3,
		},
		{
			name:     "ambiguous dates that nothing settles",
			csv:      "customer,amount,start\nc1,10,03/04/2025\nc2,10,04/03/2025\nc3,10,2025-04-13\n",
			wantRows: 3, wantLen: 1,
			errors: []calc.Issue{
				{Row: 2, Column: "start_date", Header: "start", Value: "03/04/2025", Message: `"03/04/2025" cannot be read without guessing whether the day or the month comes first: write YYYY-MM-DD or set the spreadsheet's locale`},
				{Row: 3, Column: "start_date", Header: "start", Value: "04/03/2025", Message: `"04/03/2025" cannot be read without guessing whether the day or the month comes first: write YYYY-MM-DD or set the spreadsheet's locale`},
			},
		},
		{
			name:     "trial and zero rows are read but do not count",
			csv:      "customer,amount,start,status\nc1,10,2025-01-01,trial\nc2,0,2025-01-01,\nc3,10,2025-01-01,free\n",
			wantRows: 3, wantLen: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ReadCSV(strings.NewReader(tt.csv), nil, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.errors, l.Errors); diff != "" {
				t.Errorf("Errors (-want +got):\n%s", diff)
			}
			if l.Rows != tt.wantRows || l.Book.Len() != tt.wantLen {
				t.Errorf("Rows, Book.Len() = %d, %d; want %d, %d", l.Rows, l.Book.Len(), tt.wantRows, tt.wantLen)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, csv, fx string
		want          string
	}{
		{name: "empty", csv: "", want: "read subscriptions csv: no header row"},
		{name: "not a table", csv: "hello world\nthis is prose\n", want: `read subscriptions csv: no header row: no row names at least two known columns customer_id (customerid, accountid, customer, account, client), amount (amount, price, listprice), start_date (startdate, start, started); first row has: "hello world"`},
		{name: "missing column", csv: "customer,plan,amount\nc1,pro,10\n", want: `read subscriptions csv: header row 1 lacks required column start_date (startdate, start, started); headers seen: "customer", "plan", "amount"`},
		{name: "bad quoting", csv: "customer,amount,start\nc1,\"10,2025-01-01\n", want: "read subscriptions csv: parse error on line 2"},
		{name: "fx without rate column", csv: "customer,amount,start\n", fx: "currency,value\nEUR,1.1\n", want: "read fx csv: no header row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fx *strings.Reader
			if tt.fx != "" {
				fx = strings.NewReader(tt.fx)
			}
			var err error
			if fx != nil {
				_, err = ReadCSV(strings.NewReader(tt.csv), fx, Options{})
			} else {
				_, err = ReadCSV(strings.NewReader(tt.csv), nil, Options{})
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want prefix %q", err, tt.want)
			}
			if tt.name != "bad quoting" {
				var he *HeaderError
				if !errors.As(err, &he) {
					t.Errorf("err = %v, want a *HeaderError", err)
				}
			}
		})
	}
}

func TestDecodeFX(t *testing.T) {
	const fxCSV = `Rates as of 2025-01-31,,
Currency,Rate,Source
EUR,1.08,ECB
gbp,"1,264.5",typo
GBP,1.27,
JPY,0.0067,
CHF,-1,
XX,2,
,3,
USD,1,
USD,0.9,
SEK,,
NOK,abc,
`
	rates, issues, err := DecodeFX(NewCSVReader(strings.NewReader(fxCSV)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"EUR": "1.08", "GBP": "1264.5", "JPY": "0.0067", "USD": "1"}
	got := map[string]string{}
	for c, r := range rates.Rates {
		got[c] = r.String()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rates (-want +got):\n%s", diff)
	}
	wantIssues := []calc.Issue{
		{Row: 5, Column: "currency", Header: "Currency", Value: "GBP", Message: "GBP is given again (first in row 4)"},
		{Row: 7, Column: "rate", Header: "Rate", Value: "-1", Message: "rate -1 is not positive"},
		{Row: 8, Column: "currency", Header: "Currency", Value: "XX", Message: `"XX" is not a currency code (use an ISO code such as EUR)`},
		{Row: 9, Column: "currency", Header: "Currency", Message: "currency is missing"},
		{Row: 11, Column: "rate", Header: "Rate", Value: "0.9", Message: "the rate of the reporting currency USD must be 1, not 0.9"},
		{Row: 12, Column: "rate", Header: "Rate", Message: "rate is missing"},
		{Row: 13, Column: "rate", Header: "Rate", Value: "abc", Message: `"abc" is not a number`},
	}
	if diff := cmp.Diff(wantIssues, issues); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
}

func TestCSVRowNumbers(t *testing.T) {
	const in = "a,b\r\n\r\n\"x\ny\",\"1\n2\n3\"\r\n\r\n\r\nlast,row\n"
	r := NewCSVReader(strings.NewReader(in))
	var got []int
	for {
		n, _, err := r.Next()
		if err != nil {
			break
		}
		got = append(got, n)
	}
	// Row 3 spans four lines; rows 2, 4 and 5 are blank.
	if diff := cmp.Diff([]int{1, 3, 6}, got); diff != "" {
		t.Errorf("row numbers (-want +got):\n%s", diff)
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}
