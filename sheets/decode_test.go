package sheets

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
)

// decodeRow decodes a header and one data row (row 2) with every column,
// and returns what the book accepted and the issues.
func decodeRow(t *testing.T, opts Options, row map[string]Cell) ([]calc.Subscription, []calc.Issue) {
	t.Helper()
	subs, rep := decodeRowReport(t, opts, row)
	return subs, rep.Errors
}

// rowHeaders are the headers decodeRow's table gives each field.
var rowHeaders = map[string]string{
	"customer_id": "Customer ID", "customer_name": "Name", "plan": "Plan", "amount": "Amount", "currency": "Currency",
	"interval": "Interval", "quantity": "Seats", "discount": "Discount", "start_date": "Start date", "end_date": "End date",
	"status": "Status", "setup_fee": "Setup fee",
}

// decodeRowReport is decodeRow, returning the whole report.
func decodeRowReport(t *testing.T, opts Options, row map[string]Cell) ([]calc.Subscription, *Report) {
	t.Helper()
	fields := []string{"customer_id", "customer_name", "plan", "amount", "currency", "interval", "quantity", "discount", "start_date", "end_date", "status", "setup_fee"}
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = rowHeaders[f]
	}
	defaults := map[string]Cell{"customer_id": T("c1"), "amount": T("100"), "start_date": T("2025-01-10")}
	cells := make([]Cell, len(fields))
	for i, f := range fields {
		if c, ok := row[f]; ok {
			cells[i] = c
		} else {
			cells[i] = defaults[f]
		}
	}
	rec := newRecorder(t, "USD", map[string]string{"EUR": "1.1"})
	rep, err := decode(&table{rows: [][]Cell{texts(header...), cells}}, rec, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 1 {
		t.Errorf("Rows = %d, want 1", rep.Rows)
	}
	return rec.subs, rep
}

// base is the subscription decodeRow's defaults give.
func base() calc.Subscription {
	return calc.Subscription{Row: 2, CustomerID: "c1", Amount: fx("100"), Quantity: calc.One, Start: date("2025-01-10"), End: calc.NoEnd}
}

func TestDecodeCells(t *testing.T) {
	with := func(f func(*calc.Subscription)) *calc.Subscription {
		s := base()
		f(&s)
		return &s
	}
	issue := func(col, value, msg string) []calc.Issue {
		return []calc.Issue{{Row: 2, Column: col, Header: rowHeaders[col], Value: value, Message: msg}}
	}
	tests := []struct {
		name   string
		locale string
		row    map[string]Cell
		want   *calc.Subscription // nil: the row is left out
		issues []calc.Issue
	}{
		{name: "defaults", want: with(func(s *calc.Subscription) {})},
		{name: "text fields trimmed", row: map[string]Cell{"customer_id": T("  c1 "), "customer_name": T(" Acme Inc "), "plan": T("Pro")},
			want: with(func(s *calc.Subscription) { s.CustomerName, s.Plan = "Acme Inc", "Pro" })},
		{name: "numeric customer id", row: map[string]Cell{"customer_id": N("1001", FormatNone)},
			want: with(func(s *calc.Subscription) { s.CustomerID = "1001" })},

		// Amounts.
		{name: "amount plain", row: map[string]Cell{"amount": T("1200")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1200") })},
		{name: "amount dollars", row: map[string]Cell{"amount": T("$1,200.00")}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("1200"), "USD" })},
		{name: "amount dollars in CAD", row: map[string]Cell{"amount": T("$1,200.00"), "currency": T("CAD")}, issues: issue("currency", "CAD", "no FX rate for CAD (add it to the FX tab)")},
		{name: "amount dollars in EUR", row: map[string]Cell{"amount": T("$100"), "currency": T("EUR")}, issues: issue("amount", "$100", `"$100" is in USD but the currency is EUR`)},
		{name: "amount yen without currency", row: map[string]Cell{"amount": T("¥1000")}, issues: issue("amount", "¥1000", `"¥1000": ¥ is written for JPY, CNY alike: add a Currency column to say which`)},
		{name: "amount yen with currency", row: map[string]Cell{"amount": T("¥1000"), "currency": T("EUR")}, issues: issue("amount", "¥1000", `"¥1000" is in JPY or CNY but the currency is EUR`)},
		{name: "amount kronor suffix with dot", row: map[string]Cell{"amount": T("100 kr."), "currency": T("EUR")}, issues: issue("amount", "100 kr.", `"100 kr." is in SEK or NOK or DKK or ISK but the currency is EUR`)},
		{name: "amount real", row: map[string]Cell{"amount": T("R$ 100"), "currency": T("EUR")}, issues: issue("amount", "R$ 100", `"R$ 100" is in BRL but the currency is EUR`)},
		{name: "amount rand", row: map[string]Cell{"amount": T("R 100"), "currency": T("EUR")}, issues: issue("amount", "R 100", `"R 100" is in ZAR but the currency is EUR`)},
		{name: "amount francs", row: map[string]Cell{"amount": T("Fr. 100")}, issues: issue("amount", "Fr. 100", `"Fr. 100": Fr. is written for CHF, XAF, XOF, XPF alike: add a Currency column to say which`)},
		{name: "amount format names the currency", row: map[string]Cell{"amount": {Kind: Number, Text: "100", Format: FormatCurrency, Extra: &CellExtra{Currency: "EUR"}}}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("100"), "EUR" })},
		{name: "amount format disagrees", row: map[string]Cell{"amount": {Kind: Number, Text: "100", Format: FormatCurrency, Extra: &CellExtra{Currency: "GBP"}}, "currency": T("EUR")},
			issues: issue("amount", "100", `"100" is formatted as GBP but the currency is EUR`)},
		{name: "amount format shared sign", row: map[string]Cell{"amount": {Kind: Number, Text: "100", Format: FormatCurrency, Extra: &CellExtra{Currency: "¥"}}},
			issues: issue("amount", "100", `"100" is formatted with ¥, which JPY, CNY all write: add a Currency column to say which`)},
		{name: "amount format shared sign settled by currency", row: map[string]Cell{"amount": {Kind: Number, Text: "100", Format: FormatCurrency, Extra: &CellExtra{Currency: "¥"}}, "currency": T("JPY")},
			issues: issue("currency", "JPY", "no FX rate for JPY (add it to the FX tab)")},
		{name: "amount ten decimals", row: map[string]Cell{"amount": T("0.0000000004")},
			issues: issue("amount", "0.0000000004", `"0.0000000004" has more than 9 decimal places: mrrbot counts to 0.000000001 and does not round a number it is given`)},
		{name: "amount ten decimals number cell", row: map[string]Cell{"amount": N("4E-10", FormatNone)},
			issues: issue("amount", "4E-10", `"4E-10" has more than 9 decimal places: mrrbot counts to 0.000000001 and does not round a number it is given`)},
		{name: "amount grouped millions", row: map[string]Cell{"amount": T("1,234,567.891")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1234567.891") })},
		{name: "amount euro sign", row: map[string]Cell{"amount": T("€99")}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("99"), "EUR" })},
		{name: "amount code before", row: map[string]Cell{"amount": T("USD 99")}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("99"), "USD" })},
		{name: "amount code after", row: map[string]Cell{"amount": T("99.50 EUR")}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("99.5"), "EUR" })},
		{name: "amount code agrees with currency", row: map[string]Cell{"amount": T("€99"), "currency": T("eur")}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("99"), "EUR" })},
		{name: "amount code disagrees with currency", row: map[string]Cell{"amount": T("€99"), "currency": T("USD")},
			issues: issue("amount", "€99", `"€99" is in EUR but the currency is USD`)},
		{name: "amount number cell", row: map[string]Cell{"amount": N("1200.5", FormatCurrency)}, want: with(func(s *calc.Subscription) { s.Amount = fx("1200.5") })},
		{name: "amount exponent literal", row: map[string]Cell{"amount": N("4.5E2", FormatNone)}, want: with(func(s *calc.Subscription) { s.Amount = fx("450") })},
		{name: "amount float artefact", row: map[string]Cell{"amount": N("99.990000000000009", FormatNone)}, want: with(func(s *calc.Subscription) { s.Amount = fx("99.99") })},
		{name: "amount decimal comma de_DE", locale: "de_DE", row: map[string]Cell{"amount": T("1.200,50")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1200.5") })},
		{name: "amount spaces fr_FR", locale: "fr_FR", row: map[string]Cell{"amount": T("1 200,50 €")}, want: with(func(s *calc.Subscription) { s.Amount, s.Currency = fx("1200.5"), "EUR" })},
		{name: "amount decimal comma without locale", row: map[string]Cell{"amount": T("1 200,50")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1200.5") })},
		{name: "amount point in de_DE", locale: "de_DE", row: map[string]Cell{"amount": T("1.5")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1.5") })},
		{name: "amount ambiguous without locale", row: map[string]Cell{"amount": T("1.200")},
			issues: issue("amount", "1.200", `"1.200" could be 1.2 or 1200, and nothing in this column settles which: write the number without a thousands separator, or set --locale to how the sheet writes numbers (en_US for 1,200.50, de_DE for 1.200,50)`)},
		{name: "amount ambiguous de_DE", locale: "de_DE", row: map[string]Cell{"amount": T("1.200")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1200") })},
		{name: "amount ambiguous en_US", locale: "en_US", row: map[string]Cell{"amount": T("1,200")}, want: with(func(s *calc.Subscription) { s.Amount = fx("1200") })},
		{name: "amount accounting negative", row: map[string]Cell{"amount": T("(120.00)")},
			issues: issue("amount", "(120.00)", "amount -120 is negative")},
		{name: "amount missing", row: map[string]Cell{"amount": T("  ")}, issues: issue("amount", "", "amount is missing")},
		{name: "amount words", row: map[string]Cell{"amount": T("free")}, issues: issue("amount", "free", `"free" is not an amount`)},
		{name: "amount bool", row: map[string]Cell{"amount": {Kind: Bool, Text: "TRUE"}}, issues: issue("amount", "TRUE", `"TRUE" is not an amount`)},
		{name: "amount too large", row: map[string]Cell{"amount": T("99999999999999")}, issues: issue("amount", "99999999999999", `"99999999999999" is too large`)},
		{name: "amount huge exponent", row: map[string]Cell{"amount": N("1E+300", FormatNone)}, issues: issue("amount", "1E+300", `"1E+300" is not an amount`)},

		// Quantity.
		{name: "quantity text", row: map[string]Cell{"quantity": T("3")}, want: with(func(s *calc.Subscription) { s.Quantity = fx("3") })},
		{name: "quantity decimal number", row: map[string]Cell{"quantity": N("2.5", FormatNumber)}, want: with(func(s *calc.Subscription) { s.Quantity = fx("2.5") })},
		{name: "quantity grouped", locale: "en_US", row: map[string]Cell{"quantity": T("1,000")}, want: with(func(s *calc.Subscription) { s.Quantity = fx("1000") })},
		{name: "quantity decimal comma", row: map[string]Cell{"quantity": T("2,5")}, want: with(func(s *calc.Subscription) { s.Quantity = fx("2.5") })},
		{name: "quantity with words", row: map[string]Cell{"quantity": T("3 seats")}, issues: issue("quantity", "3 seats", `"3 seats" is not a number`)},
		{name: "quantity negative", row: map[string]Cell{"quantity": T("-2")}, issues: issue("quantity", "-2", "quantity -2 is negative")},

		// Discount.
		{name: "discount percent cell", row: map[string]Cell{"discount": N("0.2", FormatPercent)}, want: with(func(s *calc.Subscription) { s.Discount = calc.Discount{Percent: true, Value: 200_000_000} })},
		{name: "discount percent text", row: map[string]Cell{"discount": T("20%")}, want: with(func(s *calc.Subscription) { s.Discount = calc.Discount{Percent: true, Value: 200_000_000} })},
		{name: "discount fractional percent", row: map[string]Cell{"discount": T("12.5 %")}, want: with(func(s *calc.Subscription) { s.Discount = calc.Discount{Percent: true, Value: fx("0.125")} })},
		{name: "discount fixed number", row: map[string]Cell{"discount": N("10", FormatNone)}, want: with(func(s *calc.Subscription) { s.Discount = calc.Discount{Value: fx("10")} })},
		{name: "discount fixed text", row: map[string]Cell{"discount": T("$10.00")}, want: with(func(s *calc.Subscription) { s.Discount = calc.Discount{Value: fx("10")} })},
		{name: "discount in another currency", row: map[string]Cell{"discount": T("€10")}, issues: issue("discount", "€10", `"€10" is in EUR but the currency is USD`)},
		{name: "discount words", row: map[string]Cell{"discount": T("half")}, issues: issue("discount", "half", `"half" is not a discount (write 20% or an amount)`)},
		{name: "discount over 100%", row: map[string]Cell{"discount": T("150%")}, issues: issue("discount", "150%", "discount 150% is larger than the price")},
		{name: "discount over the price", row: map[string]Cell{"discount": T("150")}, issues: issue("discount", "150", "discount 150 is larger than the price 100")},

		// Dates.
		{name: "date ISO with time", row: map[string]Cell{"start_date": T("2025-01-10T00:00:00")}, want: with(func(*calc.Subscription) {})},
		{name: "date ISO with zone", row: map[string]Cell{"start_date": T("2025-01-10T08:30:00.000Z")}, want: with(func(*calc.Subscription) {})},
		{name: "date ISO with space and time", row: map[string]Cell{"start_date": T("2025-01-10 13:45")}, want: with(func(*calc.Subscription) {})},
		{name: "date slashes year first", row: map[string]Cell{"start_date": T("2025/01/10")}, want: with(func(*calc.Subscription) {})},
		{name: "date short month first", row: map[string]Cell{"start_date": T("Jan 10, 2025")}, want: with(func(*calc.Subscription) {})},
		{name: "date short day first", row: map[string]Cell{"start_date": T("10 Jan 2025")}, want: with(func(*calc.Subscription) {})},
		{name: "date long day first", row: map[string]Cell{"start_date": T("10 January 2025")}, want: with(func(*calc.Subscription) {})},
		{name: "date dashes month name", row: map[string]Cell{"start_date": T("10-Jan-2025")}, want: with(func(*calc.Subscription) {})},
		{name: "date weekday", row: map[string]Cell{"start_date": T("Friday, January 10, 2025")}, want: with(func(*calc.Subscription) {})},
		{name: "date serial", row: map[string]Cell{"start_date": N("45667", FormatDate)}, want: with(func(*calc.Subscription) {})},
		{name: "date serial with time", row: map[string]Cell{"start_date": N("45667.75", FormatDate)}, want: with(func(*calc.Subscription) {})},
		{name: "date day over 12", row: map[string]Cell{"start_date": T("10/01/2025"), "end_date": T("13/01/2025")},
			issues: issue("start_date", "10/01/2025", `"10/01/2025" cannot be read without guessing whether the day or the month comes first: write YYYY-MM-DD or set the spreadsheet's locale`)},
		{name: "date unambiguous day first", row: map[string]Cell{"start_date": T("13/01/2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-01-13") })},
		{name: "date unambiguous month first", row: map[string]Cell{"start_date": T("01/13/2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-01-13") })},
		{name: "date same day and month", row: map[string]Cell{"start_date": T("03/03/2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-03-03") })},
		{name: "date en_US", locale: "en_US", row: map[string]Cell{"start_date": T("03/04/2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-03-04") })},
		{name: "date en_GB", locale: "en_GB", row: map[string]Cell{"start_date": T("03/04/2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-04-03") })},
		{name: "date de_DE dots", locale: "de_DE", row: map[string]Cell{"start_date": T("03.04.2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-04-03") })},
		{name: "date fr_FR with time", locale: "fr-FR", row: map[string]Cell{"start_date": T("03/04/2025 10:00:00")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-04-03") })},
		{name: "date proves its order against en_US", locale: "en_US", row: map[string]Cell{"start_date": T("13/01/2025")}, want: with(func(s *calc.Subscription) { s.Start = date("2025-01-13") })},
		{name: "date two-digit year", row: map[string]Cell{"start_date": T("1/10/25")},
			issues: issue("start_date", "1/10/25", `"1/10/25" has a two-digit year: write YYYY-MM-DD`)},
		{name: "date impossible", row: map[string]Cell{"start_date": T("2025-13-45")}, issues: issue("start_date", "2025-13-45", `"2025-13-45" is not a date`)},
		{name: "date February 30", row: map[string]Cell{"start_date": T("Feb 30, 2025")}, issues: issue("start_date", "Feb 30, 2025", `"Feb 30, 2025" is not a date`)},
		{name: "date plain number cell", row: map[string]Cell{"start_date": N("45667", FormatNone)},
			issues: issue("start_date", "45667", `"45667" is a number, not a date: format the cell as a date or write YYYY-MM-DD`)},
		{name: "date digits as text", row: map[string]Cell{"start_date": T("45667")},
			issues: issue("start_date", "45667", `"45667" is a number, not a date: format the cell as a date or write YYYY-MM-DD`)},
		{name: "date missing", row: map[string]Cell{"start_date": {}}, issues: issue("start_date", "", "start date is missing")},
		{name: "end date", row: map[string]Cell{"end_date": T("2025-06-30")}, want: with(func(s *calc.Subscription) { s.End = date("2025-06-30") })},
		{name: "end before start", row: map[string]Cell{"end_date": T("Dec 31, 2024")},
			issues: issue("end_date", "Dec 31, 2024", "ends on 2024-12-31, before it starts on 2025-01-10")},

		// Interval, status, currency.
		{name: "interval annual", row: map[string]Cell{"interval": T("Annual")}, want: with(func(s *calc.Subscription) { s.Interval = calc.Annual })},
		{name: "interval N months", row: map[string]Cell{"interval": T("3 months")}, want: with(func(s *calc.Subscription) { s.Interval = calc.Interval{Per: 1, Months: 3} })},
		{name: "interval unknown", row: map[string]Cell{"interval": T("fortnightly")},
			issues: issue("interval", "fortnightly", `"fortnightly" is not a billing interval (use monthly, quarterly, annual, weekly, "N months" or "N years")`)},
		{name: "status trial", row: map[string]Cell{"status": T("Trial")}, want: with(func(s *calc.Subscription) { s.Status = calc.Trial })},
		{name: "status cancelled", row: map[string]Cell{"status": T("Canceled"), "end_date": T("2025-03-31")},
			want: with(func(s *calc.Subscription) { s.Status, s.End = calc.Cancelled, date("2025-03-31") })},
		{name: "status cancelled without end", row: map[string]Cell{"status": T("cancelled")},
			issues: issue("end_date", "", "cancelled without an end date (give the last day of service)")},
		{name: "status unknown", row: map[string]Cell{"status": T("paused")},
			issues: issue("status", "paused", `"paused" is not a status (use active, trial, free or cancelled)`)},
		{name: "currency lower case", row: map[string]Cell{"currency": T(" eur ")}, want: with(func(s *calc.Subscription) { s.Currency = "EUR" })},
		{name: "currency name", row: map[string]Cell{"currency": T("Euro")},
			issues: issue("currency", "Euro", `"Euro" is not a currency code (use an ISO code such as EUR)`)},
		{name: "currency without rate", row: map[string]Cell{"currency": T("GBP")},
			issues: issue("currency", "GBP", "no FX rate for GBP (add it to the FX tab)")},
		{name: "setup fee", row: map[string]Cell{"setup_fee": T("$500")}, want: with(func(s *calc.Subscription) { s.SetupFee = fx("500") })},

		// Several problems in one row, each reported.
		{name: "several problems", row: map[string]Cell{"customer_id": {}, "amount": T("x"), "start_date": T("soon")},
			issues: []calc.Issue{
				{Row: 2, Column: "customer_id", Header: "Customer ID", Message: "customer is missing"},
				{Row: 2, Column: "amount", Header: "Amount", Value: "x", Message: `"x" is not an amount`},
				{Row: 2, Column: "start_date", Header: "Start date", Value: "soon", Message: `"soon" is not a date`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subs, issues := decodeRow(t, Options{Locale: tt.locale}, tt.row)
			var want []calc.Subscription
			if tt.want != nil {
				want = []calc.Subscription{*tt.want}
			}
			if diff := cmp.Diff(want, subs); diff != "" {
				t.Errorf("subscriptions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.issues, issues); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		name    string
		rows    [][]Cell
		wantRow int
		want    map[string]Column
	}{
		{
			name:    "field names",
			rows:    [][]Cell{texts("customer_id", "amount", "start_date")},
			wantRow: 1,
			want: map[string]Column{
				"customer_id": {Index: 0, Letter: "A", Title: "customer_id"},
				"amount":      {Index: 1, Letter: "B", Title: "amount"},
				"start_date":  {Index: 2, Letter: "C", Title: "start_date"},
			},
		},
		{
			name: "title rows and aliases",
			rows: [][]Cell{
				texts("Subscriptions — Acme ops"),
				{},
				texts("Exported 2025-02-01"),
				texts("Notes", "ACCOUNT", "Company", "Tier", "List Price", "Billing cycle", "Licenses", "Started", "Churn date", "One-time fee"),
			},
			wantRow: 4,
			want: map[string]Column{
				"customer_id":   {Index: 1, Letter: "B", Title: "ACCOUNT"},
				"customer_name": {Index: 2, Letter: "C", Title: "Company"},
				"plan":          {Index: 3, Letter: "D", Title: "Tier"},
				"amount":        {Index: 4, Letter: "E", Title: "List Price"},
				"interval":      {Index: 5, Letter: "F", Title: "Billing cycle"},
				"quantity":      {Index: 6, Letter: "G", Title: "Licenses"},
				"start_date":    {Index: 7, Letter: "H", Title: "Started"},
				"end_date":      {Index: 8, Letter: "I", Title: "Churn date"},
				"setup_fee":     {Index: 9, Letter: "J", Title: "One-time fee"},
			},
		},
		{
			name:    "punctuation and case ignored",
			rows:    [][]Cell{texts("Client #", "PRICE ($)", "start-date", "Cancellation Date", "Qty.", "Billing_Period", "Onboarding fee")},
			wantRow: 1,
			want: map[string]Column{
				"customer_id": {Index: 0, Letter: "A", Title: "Client #"},
				"amount":      {Index: 1, Letter: "B", Title: "PRICE ($)"},
				"start_date":  {Index: 2, Letter: "C", Title: "start-date"},
				"end_date":    {Index: 3, Letter: "D", Title: "Cancellation Date"},
				"quantity":    {Index: 4, Letter: "E", Title: "Qty."},
				"interval":    {Index: 5, Letter: "F", Title: "Billing_Period"},
				"setup_fee":   {Index: 6, Letter: "G", Title: "Onboarding fee"},
			},
		},
		{
			name:    "field's own name wins over an alias",
			rows:    [][]Cell{texts("Customer", "Customer ID", "Price", "Amount", "Start")},
			wantRow: 1,
			want: map[string]Column{
				"customer_id": {Index: 1, Letter: "B", Title: "Customer ID"},
				"amount":      {Index: 3, Letter: "D", Title: "Amount"},
				"start_date":  {Index: 4, Letter: "E", Title: "Start"},
			},
		},
		{
			name:    "unknown columns ignored, others found",
			rows:    [][]Cell{texts("Account ID", "Account name", "Region", "Product", "Price", "Frequency", "Seats", "Discount", "Start", "End", "Status", "Setup fee", "Currency")},
			wantRow: 1,
			want: map[string]Column{
				"customer_id":   {Index: 0, Letter: "A", Title: "Account ID"},
				"customer_name": {Index: 1, Letter: "B", Title: "Account name"},
				"plan":          {Index: 3, Letter: "D", Title: "Product"},
				"amount":        {Index: 4, Letter: "E", Title: "Price"},
				"interval":      {Index: 5, Letter: "F", Title: "Frequency"},
				"quantity":      {Index: 6, Letter: "G", Title: "Seats"},
				"discount":      {Index: 7, Letter: "H", Title: "Discount"},
				"start_date":    {Index: 8, Letter: "I", Title: "Start"},
				"end_date":      {Index: 9, Letter: "J", Title: "End"},
				"status":        {Index: 10, Letter: "K", Title: "Status"},
				"setup_fee":     {Index: 11, Letter: "L", Title: "Setup fee"},
				"currency":      {Index: 12, Letter: "M", Title: "Currency"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := decode(&table{rows: tt.rows}, newRecorder(t, "USD", nil), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.HeaderRow != tt.wantRow {
				t.Errorf("HeaderRow = %d, want %d", rep.HeaderRow, tt.wantRow)
			}
			if diff := cmp.Diff(tt.want, rep.Header); diff != "" {
				t.Errorf("Header (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeNotATable(t *testing.T) {
	tests := []struct {
		name string
		rows [][]Cell
		want *HeaderError
		msg  string
	}{
		{
			name: "empty",
			want: &HeaderError{Missing: []string{"customer_id", "amount", "start_date"}, Accepted: [][]string{subscriptionColumns[fCustomerID], subscriptionColumns[fAmount], subscriptionColumns[fStartDate]}},
			msg:  "no header row: no row names at least two known columns customer_id (customerid, accountid, customer, account, client), amount (amount, price, listprice), start_date (startdate, start, started); the table is empty",
		},
		{
			name: "no header row",
			rows: [][]Cell{{}, texts("Q1 numbers", "see tab 2"), texts("acme", "100", "2025-01-01")},
			want: &HeaderError{Missing: []string{"customer_id", "amount", "start_date"}, Accepted: [][]string{subscriptionColumns[fCustomerID], subscriptionColumns[fAmount], subscriptionColumns[fStartDate]}, Saw: []string{"Q1 numbers", "see tab 2"}},
			msg:  `no header row: no row names at least two known columns customer_id (customerid, accountid, customer, account, client), amount (amount, price, listprice), start_date (startdate, start, started); first row has: "Q1 numbers", "see tab 2"`,
		},
		{
			name: "missing amount",
			rows: [][]Cell{texts("Customer", "Plan", "Start date", "Notes")},
			want: &HeaderError{Row: 1, Missing: []string{"amount"}, Accepted: [][]string{subscriptionColumns[fAmount]}, Saw: []string{"Customer", "Plan", "Start date", "Notes"}},
			msg:  `header row 1 lacks required column amount (amount, price, listprice); headers seen: "Customer", "Plan", "Start date", "Notes"`,
		},
		{
			name: "missing two",
			rows: [][]Cell{texts("Report"), texts("Company", "Plan", "Price")},
			want: &HeaderError{Row: 2, Missing: []string{"customer_id", "start_date"}, Accepted: [][]string{subscriptionColumns[fCustomerID], subscriptionColumns[fStartDate]}, Saw: []string{"Company", "Plan", "Price"}},
			msg:  `header row 2 lacks required columns customer_id (customerid, accountid, customer, account, client), start_date (startdate, start, started); headers seen: "Company", "Plan", "Price"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(&table{rows: tt.rows}, newRecorder(t, "USD", nil), Options{})
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want a *HeaderError", err)
			}
			if diff := cmp.Diff(tt.want, he); diff != "" {
				t.Errorf("HeaderError (-want +got):\n%s", diff)
			}
			if got := err.Error(); got != tt.msg {
				t.Errorf("message:\n got %s\nwant %s", got, tt.msg)
			}
		})
	}
}

func TestDecodeBadLocale(t *testing.T) {
	_, err := decode(&table{}, newRecorder(t, "USD", nil), Options{Locale: "english please"})
	if err == nil || !strings.Contains(err.Error(), `locale "english please"`) {
		t.Errorf("err = %v, want a locale error", err)
	}
}
