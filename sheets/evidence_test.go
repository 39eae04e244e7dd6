package sheets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
)

// readAmounts reads a CSV of customer, amount, start (and what else the
// header names) and returns the amounts the book accepted, by customer,
// and the issues.
func readAmounts(t *testing.T, csv, locale string) (map[string]string, []calc.Issue, *Loaded) {
	t.Helper()
	rec := newRecorder(t, "USD", map[string]string{"EUR": "1.1"})
	rep, err := decode(NewCSVReader(strings.NewReader(csv)), rec, Options{Locale: locale})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range rec.subs {
		v := s.Amount.String()
		if s.Quantity != calc.One {
			v += " × " + s.Quantity.String()
		}
		if s.Start != 0 {
			v += " from " + s.Start.String()
		}
		got[s.CustomerID] = v
	}
	return got, append(rep.Errors, rep.Warnings...), &Loaded{Report: *rep}
}

func TestDecimalSeparatorEvidence(t *testing.T) {
	const head = "Customer,Amount,Start\n"
	tests := []struct {
		name   string
		csv    string
		locale string
		want   map[string]string
		issues []string // "row, column: message"
	}{
		{
			name: "a comma further down settles 1.200",
			csv:  "Customer;Amount;Start\nc1;1.200;2025-01-01\nc2;2.400;2025-01-01\nc3;49,90;2025-01-01\n",
			want: map[string]string{"c1": "1200 from 2025-01-01", "c2": "2400 from 2025-01-01", "c3": "49.9 from 2025-01-01"},
		},
		{
			name: "a point above settles 1.200",
			csv:  head + `c1,"1,200.50",2025-01-01` + "\nc2,1.200,2025-01-01\nc3,\"1,500\",2025-01-01\n",
			want: map[string]string{"c1": "1200.5 from 2025-01-01", "c2": "1.2 from 2025-01-01", "c3": "1500 from 2025-01-01"},
		},
		{
			name:   "a number that contradicts the column",
			csv:    head + "c1,49.90,2025-01-01\nc2,\"49,90\",2025-01-01\n",
			want:   map[string]string{"c1": "49.9 from 2025-01-01"},
			issues: []string{`row 3, Amount: "49,90" writes a decimal comma, but this column writes a decimal point ("49.90" in row 2)`},
		},
		{
			name: "nothing settles it",
			csv:  head + "c1,1.200,2025-01-01\nc2,49,2025-01-01\n",
			want: map[string]string{"c2": "49 from 2025-01-01"},
			issues: []string{`row 2, Amount: "1.200" could be 1.2 or 1200, and nothing in this column settles which: ` +
				`write the number without a thousands separator, or set --locale to how the sheet writes numbers (en_US for 1,200.50, de_DE for 1.200,50)`},
		},
		{
			name:   "the locale settles what nothing else does",
			csv:    head + "c1,1.200,2025-01-01\nc2,49,2025-01-01\n",
			locale: "de_DE",
			want:   map[string]string{"c1": "1200 from 2025-01-01", "c2": "49 from 2025-01-01"},
		},
		{
			name:   "evidence over the locale: what reads one way is read that way",
			csv:    head + "c1,1.08,2025-01-01\n",
			locale: "de_DE",
			want:   map[string]string{"c1": "1.08 from 2025-01-01"},
		},
		{
			name:   "evidence and locale disagree on an ambiguous number",
			csv:    head + "c1,1.08,2025-01-01\nc2,1.100,2025-01-01\n",
			locale: "de_DE",
			want:   map[string]string{"c1": "1.08 from 2025-01-01"},
			issues: []string{`row 3, Amount: "1.100" could be 1.1 or 1100: this column writes a decimal point ("1.08" in row 2), but the locale de_DE writes a decimal comma`},
		},
		{
			name: "each column settles on its own",
			csv:  "Customer,Amount,Seats,Start\nc1,\"49,90\",\"1,000\",2025-01-01\nc2,\"1,5\",2,2025-01-01\n",
			want: map[string]string{"c2": "1.5 × 2 from 2025-01-01"},
			issues: []string{`row 2, Seats: "1,000" could be 1000 or 1, and nothing in this column settles which: ` +
				`write the number without a thousands separator, or set --locale to how the sheet writes numbers (en_US for 1,200.50, de_DE for 1.200,50)`},
		},
		{
			name: "a date further down settles 03/04/2025",
			csv:  head + "c1,10,03/04/2025\nc2,10,13/03/2025\n",
			want: map[string]string{"c1": "10 from 2025-04-03", "c2": "10 from 2025-03-13"},
		},
		{
			name:   "a date that contradicts the column",
			csv:    head + "c1,10,13/03/2025\nc2,10,03/13/2025\n",
			want:   map[string]string{"c1": "10 from 2025-03-13"},
			issues: []string{`row 3, Start: "03/13/2025" puts the month first, but this column puts the day first ("13/03/2025" in row 2)`},
		},
		{
			name:   "a date the column and the locale read differently",
			csv:    head + "c1,10,13/03/2025\nc2,10,03/04/2025\n",
			locale: "en_US",
			want:   map[string]string{"c1": "10 from 2025-03-13"},
			issues: []string{`row 3, Start: "03/04/2025" cannot be read without guessing whether the day or the month comes first: this column puts the day first ("13/03/2025" in row 2), but the locale en_US puts the month first`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, issues, _ := readAmounts(t, tt.csv, tt.locale)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("amounts (-want +got):\n%s", diff)
			}
			var msgs []string
			for _, is := range issues {
				msgs = append(msgs, is.Error())
			}
			if diff := cmp.Diff(tt.issues, msgs); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHeldRowsKeepTheirOrder: rows that wait for evidence, and the rows
// behind them, reach the book in the sheet's order, so customers are
// numbered, and named, as the sheet has them.
func TestHeldRowsKeepTheirOrder(t *testing.T) {
	csv := "Customer,Name,Amount,Start\nc1,First,1.200,2025-01-01\nc2,Second,5,2025-01-01\nc1,Later name,7,2025-01-01\nc3,Third,\"49,90\",2025-01-01\n"
	l, err := ReadCSV(strings.NewReader(csv), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errors) != 0 {
		t.Fatalf("errors: %v", l.Errors)
	}
	res := l.Book.Compute(date("2025-01-31"))
	want := []calc.Customer{{ID: "c1", Name: "First"}, {ID: "c2", Name: "Second"}, {ID: "c3", Name: "Third"}}
	if diff := cmp.Diff(want, res.Customers); diff != "" {
		t.Errorf("customers (-want +got):\n%s", diff)
	}
	if got := res.Months[0].Ending.Decimal().String(); got != "1261.9" {
		t.Errorf("MRR = %s, want 1261.9 (1200 + 5 + 7 + 49.90)", got)
	}
}

// TestSettledByTheLocaleThenContradicted: a column the locale settled
// for want of evidence names the locale when a later number proves the
// other separator.
func TestSettledByTheLocaleThenContradicted(t *testing.T) {
	loc, err := parseLocale("de_DE")
	if err != nil {
		t.Fatal(err)
	}
	var col separators
	if n, problem, wait := col.read("1.200", 3, loc, readNow, true, "an amount"); !wait || problem != "" {
		t.Fatalf("read(1.200) now = %v, %q, %v; want to wait", n, problem, wait)
	}
	n, problem, wait := col.read("1.200", 3, loc, readFinal, true, "an amount")
	if v, _ := n.fixed(); wait || problem != "" || v != fx("1200") {
		t.Fatalf("read(1.200) at the end = %v, %q, %v; want 1200 by the locale", v, problem, wait)
	}
	_, problem, _ = col.read("1,200.50", 9, loc, readNow, true, "an amount")
	want := `"1,200.50" writes a decimal point, but this column's "1.200" (row 3) was read with the decimal comma of the locale de_DE`
	if problem != want {
		t.Errorf("problem = %q\nwant      %q", problem, want)
	}
}

func TestTotalRows(t *testing.T) {
	csv := "Customer ID,Name,Amount,Start\n" +
		"c1,Totalis GmbH,100,2025-01-01\n" +
		"c2,Total Care,50,2025-01-01\n" +
		"Grand Total:,,150,2025-01-01\n" +
		",Summe,150,\n" +
		",,,\n" +
		"  subtotal  ,,150,2025-01-01\n"
	got, issues, _ := readAmounts(t, csv, "")
	if diff := cmp.Diff(map[string]string{"c1": "100 from 2025-01-01", "c2": "50 from 2025-01-01"}, got); diff != "" {
		t.Errorf("amounts (-want +got):\n%s", diff)
	}
	want := []calc.Issue{
		{Row: 4, Column: "customer_id", Header: "Customer ID", Value: "Grand Total:", Message: `"Grand Total:" marks a total row, not a subscription: left out`, LeftOut: true},
		{Row: 5, Column: "customer_name", Header: "Name", Value: "Summe", Message: `"Summe" marks a total row, not a subscription: left out`, LeftOut: true},
		{Row: 7, Column: "customer_id", Header: "Customer ID", Value: "subtotal", Message: `"subtotal" marks a total row, not a subscription: left out`, LeftOut: true},
	}
	if diff := cmp.Diff(want, issues); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
}

func TestSumsRowsAbove(t *testing.T) {
	for _, tt := range []struct {
		formula string
		row     int
		want    bool
	}{
		{"SUM(D2:D9)", 10, true},
		{"=sum(D$2:D$9)", 10, true},
		{"=SUBTOTAL(9,D2:D9)", 10, true},
		{"AGGREGATE(9,4,D2:D9)", 10, true},
		{"SUM(D2:D10)", 10, false},  // includes itself
		{"SUM(E10:G10)", 10, false}, // the row's own cells
		{"B10*C10", 10, false},
		{"SUM(B2,B3)", 10, false}, // no range
		{"LOG10(D2:D9)", 10, false},
	} {
		if got := sumsRowsAbove(tt.formula, tt.row); got != tt.want {
			t.Errorf("sumsRowsAbove(%q, %d) = %v, want %v", tt.formula, tt.row, got, tt.want)
		}
	}
}

// TestCaseWarnings: IDs that differ only in case are two customers, with
// one warning for each writing after the first.
func TestCaseWarnings(t *testing.T) {
	csv := "Customer,Amount,Start\nAcme-1,10,2025-01-01\nacme-1,10,2025-01-01\nACME-1,10,2025-01-01\nacme-1,10,2025-01-01\nÉcole,10,2025-01-01\nécole,10,2025-01-01\n"
	_, issues, _ := readAmounts(t, csv, "")
	var got []string
	for _, is := range issues {
		got = append(got, is.Error())
	}
	want := []string{
		`row 3, Customer: customer ID "acme-1" differs from "Acme-1" (row 2) only in case: they are counted as two customers`,
		`row 4, Customer: customer ID "ACME-1" differs from "Acme-1" (row 2) only in case: they are counted as two customers`,
		`row 7, Customer: customer ID "école" differs from "École" (row 6) only in case: they are counted as two customers`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestFormatCurrency(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		{`#,##0.00 [$€-407]`, "EUR"},
		{`[$€-2] #,##0.00`, "EUR"},
		{`£#,##0.00`, "£"}, // GBP, unless a Currency column says another pound
		{`"$"#,##0.00`, "$"},
		{`[$$-409]#,##0.00`, "USD"},
		{`[$$-C09]#,##0.00`, "AUD"},
		{`[$¥-411]#,##0`, "JPY"},
		{`[$¥-804]#,##0.00`, "CNY"},
		{`¥#,##0`, "¥"},
		{`#,##0.00\ "kr"`, "kr"},
		{`[$kr-41D] #,##0.00`, "SEK"},
		{`#,##0.00 [$CHF]`, "CHF"},
		{`[$R$ -416]#,##0.00`, "BRL"},
		{`#,##0.00;[Red]-£#,##0.00`, ""},
		{`[$-409]mmm d, yyyy`, ""},
		{`0.00%`, ""},
		{`#,##0.00`, ""},
	} {
		if got := PatternCurrency(tt.code); got != tt.want {
			t.Errorf("formatCurrency(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestHeaderTies(t *testing.T) {
	tests := []struct {
		name    string
		header  []string
		hidden  []int
		amount  string // the title read as the amount
		ignored []IgnoredColumn
		err     string
	}{
		{
			name: "the closer name", header: []string{"Customer", "List Price", "Price", "Start", "Notes"}, amount: "Price",
			ignored: []IgnoredColumn{
				{Column: Column{Index: 1, Letter: "B", Title: "List Price"}, Field: "amount"},
				{Column: Column{Index: 4, Letter: "E", Title: "Notes"}},
			},
		},
		{
			name: "a visible column over a hidden one", header: []string{"Customer", "Amount", "List Price", "Start"}, hidden: []int{1}, amount: "List Price",
			ignored: []IgnoredColumn{{Column: Column{Index: 1, Letter: "B", Title: "Amount"}, Hidden: true, Field: "amount"}},
		},
		{
			name: "two columns nothing tells apart", header: []string{"Customer", "Price", "price ", "Start"},
			err: `header row 1 has two amount columns, "Price" (column B) and "price" (column C), and nothing says which one to read: rename or delete one`,
		},
		{
			name: "one of two equal names hidden", header: []string{"Customer", "Price", "Price", "Start"}, hidden: []int{2}, amount: "Price",
			ignored: []IgnoredColumn{{Column: Column{Index: 2, Letter: "C", Title: "Price"}, Hidden: true, Field: "amount"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &hidingTable{table: table{rows: [][]Cell{texts(tt.header...), texts("c1", "1", "2", "2025-01-01")}}, hidden: tt.hidden}
			rep, err := decode(r, newRecorder(t, "USD", nil), Options{})
			if tt.err != "" {
				var de *DuplicateColumnError
				if !errors.As(err, &de) || err.Error() != tt.err {
					t.Fatalf("err = %v\nwant %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.Header["amount"].Title; got != tt.amount {
				t.Errorf("amount read from %q, want %q", got, tt.amount)
			}
			if diff := cmp.Diff(tt.ignored, rep.Ignored); diff != "" {
				t.Errorf("Ignored (-want +got):\n%s", diff)
			}
		})
	}
}

// hidingTable is a table whose listed columns are hidden.
type hidingTable struct {
	table
	hidden []int
}

func (h *hidingTable) ColumnHidden(i int) bool {
	for _, c := range h.hidden {
		if c == i {
			return true
		}
	}
	return false
}

func TestMergedCells(t *testing.T) {
	m := NewMerges([]MergedArea{{FirstRow: 2, LastRow: 4, FirstCol: 0, LastCol: 0}, {FirstRow: 3, LastRow: 3, FirstCol: 2, LastCol: 3}})
	rows := map[int][]Cell{
		2: {T("C1"), T("Pro")},
		3: {{}, T("Seats"), T("10"), {}},
		4: {{}, T("Add-on")},
		5: {{}, T("Other")},
	}
	want := map[int][]Cell{
		2: {T("C1"), T("Pro")},
		3: {T("C1"), T("Seats"), T("10"), T("10")},
		4: {T("C1"), T("Add-on")},
		5: {{}, T("Other")},
	}
	for n := 2; n <= 5; n++ {
		if diff := cmp.Diff(want[n], m.Fill(n, rows[n])); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", n, diff)
		}
	}
}

func TestEncodings(t *testing.T) {
	const text = "Customer,Name,Amount,Start\nc1,Müller,\"1.234,50 €\",2025-01-01\n"
	utf16le := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = append(b, 0xff, 0xfe)
		}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	utf16be := func(s string) []byte {
		b := []byte{0xfe, 0xff}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u>>8), byte(u))
		}
		return b
	}
	cp1252 := bytes.ReplaceAll(bytes.ReplaceAll([]byte(text), []byte("ü"), []byte{0xfc}), []byte("€"), []byte{0x80})
	// A long ASCII start, so the byte that is not UTF-8 comes after the
	// first read.
	long := "Customer,Name,Amount,Start\n" + strings.Repeat("c0,Plain,10,2025-01-01\n", 5000)
	for _, tt := range []struct {
		name string
		data []byte
		want string // the name as read, or the error
	}{
		{"UTF-8 with a byte order mark", append([]byte("\xef\xbb\xbf"), text...), "Müller"},
		{"UTF-16 little-endian", utf16le(text, true), "Müller"},
		{"UTF-16 little-endian without a byte order mark", utf16le(text, false), "Müller"},
		{"UTF-16 big-endian", utf16be(text), "Müller"},
		{"Windows-1252", cp1252, "Müller"},
		{"Windows-1252 after a long ASCII start", []byte(long + string(cp1252[strings.Index(string(cp1252), "c1"):])), "Müller"},
		{"UTF-8, then a byte that is not", []byte(long + "c2,Zoë,10,2025-01-01\nc3,M\xfcller,10,2025-01-01\n"),
			`line 5003 is not UTF-8 (byte 0xFC), though lines before it are UTF-8: save it as UTF-8 (in Excel, Save As "CSV UTF-8 (Comma delimited)"; in Google Sheets, File → Download → Comma-separated values) and read it again`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t, "EUR", nil)
			_, err := decode(NewCSVReader(bytes.NewReader(tt.data)), rec, Options{})
			var ee *EncodingError
			if errors.As(err, &ee) {
				if err.Error() != tt.want {
					t.Errorf("err = %v\nwant %s", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			last := rec.subs[len(rec.subs)-1]
			if last.CustomerName != tt.want || last.Amount != fx("1234.5") || last.Currency != "EUR" {
				t.Errorf("last row = %q, %v %s; want %q, 1234.5 EUR", last.CustomerName, last.Amount, last.Currency, tt.want)
			}
		})
	}
}

// TestTotalWithoutFormula: a CSV export keeps a total's value, not its
// formula. With no customer, an amount that is the sum of two or more
// amounts above it, since the last total, is a total.
func TestTotalWithoutFormula(t *testing.T) {
	csv := "Customer ID,Amount,Start\n" +
		"c1,100,2025-01-01\n" +
		"c2,\"1,000.50\",2025-01-01\n" +
		",\"1,100.50\",2025-01-01\n" + // the total of rows 2 and 3
		"c3,40,2025-01-01\n" +
		",40,2025-01-01\n" // one row since the total: not a total
	got, issues, _ := readAmounts(t, csv, "")
	if diff := cmp.Diff(map[string]string{"c1": "100 from 2025-01-01", "c2": "1000.5 from 2025-01-01", "c3": "40 from 2025-01-01"}, got); diff != "" {
		t.Errorf("amounts (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, is := range issues {
		msgs = append(msgs, is.Error())
	}
	want := []string{
		"row 6, Customer ID: customer is missing",
		"row 4, Amount: the amount 1,100.50 is the total of the 2 rows above, not a subscription: left out",
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
}
