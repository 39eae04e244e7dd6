package sheets

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
)

// TestHistoryTabRoundTrip writes the books (a print with monthly rates,
// which carries its currency, and one without) as the history tab and reads
// them back unchanged; a print whose currency was edited no longer matches
// its hash.
func TestHistoryTabRoundTrip(t *testing.T) {
	jan, _ := calc.ParseMonth("2025-01")
	start, _ := calc.ParseDate("2025-01-01")
	prints := []calc.RowPrint{
		{Row: 2, Customer: "A", Plan: "Pro", Start: start, End: calc.NoEnd, MRR: 100 * calc.One, Currency: "EUR"},
		{Row: 3, Customer: "B", Plan: "", Start: start, End: calc.NoEnd, MRR: 50 * calc.One},
	}
	for i := range prints {
		prints[i].Hash = prints[i].ContentHash()
	}
	h, err := calc.NewHistory(jan, []calc.HistoryEntry{{Customer: "A", Month: jan, MRR: 110 * calc.One}})
	if err != nil {
		t.Fatal(err)
	}
	books := calc.Books{History: h, Prints: prints}
	rows := tabGrid(HistoryTab(books))
	got, err := DecodeHistory(&table{rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&books, got); diff != "" {
		t.Errorf("books read back (-want +got):\n%s", diff)
	}

	// The same print, its currency edited by hand to GBP: refused, since
	// the row no longer matches its check.
	if rows[1][0].Text != "A" || !strings.Contains(rows[1][2].Text, ",EUR;#") {
		t.Fatalf("A's row is %v, want its print in column C, then its check", rows[1])
	}
	rows[1][2].Text = strings.Replace(rows[1][2].Text, ",EUR;", ",GBP;", 1)
	if _, err := DecodeHistory(&table{rows: rows}); err == nil || !strings.Contains(err.Error(), "row 2: the records do not match the row's check") {
		t.Errorf("a print whose currency no longer matches its row's check: err = %v, want an error naming row 2 and the check", err)
	}
}

// TestHistoryTabIDsLikeChecks: a customer whose ID starts with "#", as a
// check does, is read back; only a "#" record after the ID is a check.
func TestHistoryTabIDsLikeChecks(t *testing.T) {
	start, _ := calc.ParseDate("2025-01-01")
	var prints []calc.RowPrint
	for i, id := range []string{"#", "#42", "#5f1c02e9", "A#1"} {
		p := calc.RowPrint{Row: i + 2, Customer: id, Plan: "#Pro", Start: start, End: calc.NoEnd, MRR: 10 * calc.One}
		p.Hash = p.ContentHash()
		prints = append(prints, p)
	}
	books := calc.Books{History: calc.History{Through: calc.MonthOf(2025, 1)}, Prints: prints}
	got, err := DecodeHistory(&table{rows: tabGrid(HistoryTab(books))})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&books, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("books read back (-want +got):\n%s", diff)
	}
}

// TestHistoryTabLayout pins the layout the docs describe: one row per
// customer, the months in the header, change points in B, prints in C,
// values escaped.
func TestHistoryTabLayout(t *testing.T) {
	p := func(row int, customer, plan, start, end, mrr, currency string) calc.RowPrint {
		e := calc.NoEnd
		if end != "" {
			e = date(end)
		}
		r := calc.RowPrint{Row: row, Customer: customer, Plan: plan, Start: date(start), End: e, MRR: fx(mrr), Currency: currency}
		r.Hash = r.ContentHash()
		return r
	}
	prints := []calc.RowPrint{
		p(2, "C001", "Starter", "2025-04-01", "2025-09-30", "100", ""),
		p(3, "Acme, Inc; 50%", "Pro plan", "2025-04-10", "", "324.5", "EUR"),
		p(4, "C001", "Pro", "2025-10-01", "", "299", ""),
		p(5, "C003", "Team", "2026-03-01", "", "99", ""),
	}
	h, err := calc.NewHistory(calc.MonthOf(2026, 2), []calc.HistoryEntry{
		{Customer: "C001", Month: calc.MonthOf(2025, 4), MRR: fx("100")},
		{Customer: "C001", Month: calc.MonthOf(2025, 10), MRR: fx("299")},
		{Customer: "Acme, Inc; 50%", Month: calc.MonthOf(2025, 4), MRR: fx("351.49")},
		{Customer: "Gone", Month: calc.MonthOf(2025, 4), MRR: fx("0.000000001")},
		{Customer: "Gone", Month: calc.MonthOf(2025, 6), MRR: 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	books := calc.Books{History: h, Prints: prints, Closed: calc.MonthOf(2025, 12)}
	got := tabGrid(HistoryTab(books))
	// check is the row's check, worked with hash/fnv: FNV-1a, 32 bits, of
	// each record and a ";".
	check := func(recs ...string) string {
		h := fnv.New32a()
		for _, r := range recs {
			h.Write([]byte(r + ";"))
		}
		return "#" + strconv.FormatUint(uint64(h.Sum32()), 16)
	}
	want := [][]string{
		{"Customer", "MRR through 2026-02, closed 2025-12", "Rows, check"},
		{"Acme%2C%20Inc%3B%2050%25", "2025-04:351.49", "3,Pro%20plan,2025-04-10,,324.5,EUR;" +
			check("Acme%2C%20Inc%3B%2050%25", "2025-04:351.49", "3,Pro%20plan,2025-04-10,,324.5,EUR")},
		{"C001", "2025-04:100;2025-10:299", "2,Starter,2025-04-01,2025-09-30,100;4,Pro,2025-10-01,,299;" +
			check("C001", "2025-04:100", "2025-10:299", "2,Starter,2025-04-01,2025-09-30,100", "4,Pro,2025-10-01,,299")},
		{"C003", "", "5,Team,2026-03-01,,99;" + check("C003", "5,Team,2026-03-01,,99")},
		{"Gone", "2025-04:0.000000001;2025-06:0", check("Gone", "2025-04:0.000000001", "2025-06:0")},
	}
	if diff := cmp.Diff(want, gridTexts(got)); diff != "" {
		t.Errorf("history tab (-want +got):\n%s", diff)
	}
	back, err := DecodeHistory(&table{rows: got})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&books, back); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

func gridTexts(rows [][]Cell) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range r {
			out[i] = append(out[i], c.Text)
		}
	}
	return out
}

// randomText is a value made to break a codec: separators of every layout,
// quotes, blanks at either end, newlines, control characters, escapes,
// formulas, non-ASCII text and bytes that are not UTF-8.
func randomText(r *rand.Rand, maxLen int) string {
	pieces := []string{"a", "Z", "7", ",", ";", ":", "%", "%2C", "~", "#", "#1", "\"", "'", " ", "\t", "\n", "\r\n", "\x00", "\x7f",
		"=1+1", "é", "日本", "🙂", "\u00a0", "\u2028", "\ufeff", "\ufffd", "\xff", "[", "]", "\\", "-", "0"}
	n := r.IntN(maxLen + 1)
	var b strings.Builder
	for range n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomBooks returns books with up to customers customers, some of them
// with hundreds of change points or prints.
func randomBooks(r *rand.Rand, customers int) calc.Books {
	through := calc.MonthOf(2020, 1) + calc.Month(r.IntN(120))
	ids := map[string]bool{}
	var entries []calc.HistoryEntry
	var prints []calc.RowPrint
	for range customers {
		id := randomText(r, 12)
		if id == "" || ids[id] {
			continue
		}
		ids[id] = true
		points, rows := r.IntN(4), r.IntN(4)
		if r.IntN(8) == 0 {
			points, rows = r.IntN(600), r.IntN(400) // hundreds of each
		}
		m := through - calc.Month(r.IntN(700))
		for range points {
			if m > through {
				break
			}
			mrr := calc.Fixed(r.Int64N(1_000_000_000_000_000))
			switch r.IntN(4) {
			case 0:
				mrr = 0
			case 1:
				mrr = calc.Fixed(r.Int64N(100_000)) * calc.One / 100 // cents
			case 2:
				mrr = math.MaxInt64 - calc.Fixed(r.Int64N(3))
			}
			entries = append(entries, calc.HistoryEntry{Customer: id, Month: m, MRR: mrr})
			m += 1 + calc.Month(r.IntN(3))
		}
		for range rows {
			start := calc.DateOf(2000, 1, 1) + calc.Date(r.IntN(12000))
			p := calc.RowPrint{Customer: id, Plan: randomText(r, 8), Start: start, End: calc.NoEnd, MRR: calc.Fixed(r.Int64N(math.MaxInt64))}
			if r.IntN(2) == 0 {
				p.End = start + calc.Date(r.IntN(900))
			}
			if r.IntN(3) == 0 {
				p.Currency = randomText(r, 4)
			}
			if r.IntN(5) == 0 {
				p.Plan = strings.Repeat(randomText(r, 3), r.IntN(300)) // a long plan, to be cut
			}
			p.Hash = p.ContentHash()
			prints = append(prints, p)
		}
	}
	// Rows are numbered in the order the sheet has them, customers
	// interleaved.
	r.Shuffle(len(prints), func(i, j int) { prints[i], prints[j] = prints[j], prints[i] })
	row := 1
	for i := range prints {
		row += 1 + r.IntN(3)
		prints[i].Row = row
	}
	h, err := calc.NewHistory(through, entries)
	if err != nil {
		panic(err)
	}
	b := calc.Books{History: h, Prints: prints}
	if r.IntN(2) == 0 {
		b.Closed = through - calc.Month(r.IntN(24))
	}
	return b
}

// checkHistoryTab checks what every history tab must be: cells within the
// limit, valid UTF-8 that no trimming changes, one row per customer and a
// header, and the books read back exactly.
func checkHistoryTab(t *testing.T, b calc.Books, tab Tab, limit int) {
	t.Helper()
	customers := map[string]bool{}
	for _, e := range b.History.Entries {
		customers[e.Customer] = true
	}
	for _, p := range b.Prints {
		customers[p.Customer] = true
	}
	if len(tab.Rows) != len(customers) {
		t.Errorf("%d rows below the header, want one per customer, %d", len(tab.Rows), len(customers))
	}
	for i, row := range tab.Rows {
		if len(row) > len(tab.Columns) {
			t.Errorf("row %d has %d cells, more than the %d columns", i+2, len(row), len(tab.Columns))
		}
		for j, c := range row {
			if len(c.Text) > limit || !utf8.ValidString(c.Text) || strings.TrimSpace(c.Text) != c.Text || c.Kind == Number {
				t.Fatalf("row %d, cell %d: %d bytes %q, want text of at most %d bytes, valid UTF-8, no blanks at the ends", i+2, j, len(c.Text), c.Text, limit)
			}
		}
	}
	got, err := DecodeHistory(&table{rows: tabGrid(tab)})
	if err != nil {
		t.Fatalf("DecodeHistory: %v", err)
	}
	// Compared field by field first: cmp.Diff on large books is slow.
	if got.Closed == b.Closed && got.History.Through == b.History.Through &&
		slices.Equal(got.History.Entries, b.History.Entries) && slices.Equal(got.Prints, b.Prints) {
		return
	}
	t.Fatalf("books read back (-want +got):\n%s", cmp.Diff(&b, got))
}

// TestHistoryTabRoundTripProperty: random books, with hostile IDs, plans
// and currencies, customers with hundreds of change points and prints,
// extreme amounts and cells small enough that records are cut into pieces,
// read back exactly.
func TestHistoryTabRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	cut, wide := 0, 0
	cases := calctest.Cases(150) // a quarter under -race
	for i := range cases {
		b := randomBooks(r, r.IntN(30))
		limit := []int{8, 16, 40, 100, 1000, historyCellBytes}[i%6]
		tab := historyTab(b, limit)
		checkHistoryTab(t, b, tab, limit)
		if t.Failed() {
			t.Fatalf("case %d, limit %d", i, limit)
		}
		for _, row := range tab.Rows {
			if slices.ContainsFunc(row, func(c Cell) bool { return strings.HasSuffix(c.Text, "~") }) {
				cut++
			}
		}
		if len(tab.Columns) > 3 {
			wide++
		}
	}
	// The cases cut records into pieces and go on in more columns often.
	if cut < cases*4/3 || wide < cases/3 {
		t.Errorf("%d rows with cut records, %d tabs wider than three columns; want many of each", cut, wide)
	}
}

// TestHistoryTabLongCustomer: a customer whose records fill many cells goes
// on in more columns of its row, not in more rows.
func TestHistoryTabLongCustomer(t *testing.T) {
	var prints []calc.RowPrint
	var entries []calc.HistoryEntry
	for i := range 3000 {
		p := calc.RowPrint{Row: i + 2, Customer: "Big, Inc", Plan: "Enterprise; yearly", Start: calc.DateOf(2001, 1, 1) + calc.Date(i), End: calc.NoEnd, MRR: calc.Fixed(i) * calc.One / 7}
		p.Hash = p.ContentHash()
		prints = append(prints, p)
		entries = append(entries, calc.HistoryEntry{Customer: "Big, Inc", Month: calc.MonthOf(1750, 1) + calc.Month(i), MRR: calc.Fixed(i+1) * calc.One / 3})
	}
	long := strings.Repeat("日本,\n", 20_000) // an ID escaped to more than a cell
	prints = append(prints, calc.RowPrint{Row: 5000, Customer: long, Plan: strings.Repeat("%", 40_000), Start: calc.DateOf(2025, 1, 1), End: calc.NoEnd, MRR: calc.One})
	prints[len(prints)-1].Hash = prints[len(prints)-1].ContentHash()
	h, err := calc.NewHistory(calc.MonthOf(2026, 2), entries)
	if err != nil {
		t.Fatal(err)
	}
	b := calc.Books{History: h, Prints: prints}
	tab := HistoryTab(b)
	checkHistoryTab(t, b, tab, historyCellBytes)
	if len(tab.Rows) != 2 || len(tab.Columns) < 4 {
		t.Errorf("%d rows, %d columns; want 2 rows, the long ones going on in more columns", len(tab.Rows), len(tab.Columns))
	}
}

// readHistoryFixture reads a history tab kept in testdata as CSV.
func readHistoryFixture(t *testing.T, name string) *calc.Books {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := DecodeHistory(NewCSVReader(f))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// TestHistoryTabOldLayout reads history tabs in the layouts before today's,
// as syncs of the fixture wrote them, as of 2026-03-15 with the books
// closed through 2026-02 (history_v2.csv, one row per customer with a hash
// in each print; history_v1.csv, one record a row; history_v0.csv, the
// same with amounts kept to 10⁻⁹ as before MRR was rounded to the cent):
// they are the books of the fixture, and written again in today's layout
// they read back the same.
func TestHistoryTabOldLayout(t *testing.T) {
	subs, err := os.Open("../testdata/fixture/subscriptions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer subs.Close()
	rates, err := os.Open("../testdata/fixture/fx.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer rates.Close()
	l, err := ReadCSV(subs, rates, Options{})
	if err != nil {
		t.Fatal(err)
	}
	asOf := calc.DateOf(2026, 3, 15)
	want := calc.Books{History: l.Book.Compute(asOf).History(calc.LastClosed(asOf)), Prints: l.Book.Prints(), Closed: calc.MonthOf(2026, 2)}

	v2 := readHistoryFixture(t, "history_v2.csv")
	if diff := cmp.Diff(&want, v2); diff != "" {
		t.Errorf("history_v2.csv (-the fixture's books +read):\n%s", diff)
	}
	v1 := readHistoryFixture(t, "history_v1.csv")
	if diff := cmp.Diff(&want, v1); diff != "" {
		t.Errorf("history_v1.csv (-the fixture's books +read):\n%s", diff)
	}
	v0 := readHistoryFixture(t, "history_v0.csv")
	if got := v0.History.At("C001", calc.MonthOf(2025, 6)); got.String() != "149.000000001" {
		t.Errorf("history_v0.csv: C001 in June 2025 = %s, want the exact 149.000000001", got)
	}
	if diff := cmp.Diff(v1.Prints, v0.Prints); diff != "" || v0.Closed != v1.Closed || len(v0.History.Entries) != len(v1.History.Entries) {
		t.Errorf("history_v0.csv differs from history_v1.csv beyond its amounts: %s", diff)
	}
	for _, b := range []*calc.Books{v2, v1, v0} {
		tab := HistoryTab(*b)
		checkHistoryTab(t, *b, tab, historyCellBytes)
		if tab.Columns[0].Title != "Customer" || tab.Columns[2].Title != "Rows, check" {
			t.Errorf("written again with header %q, want today's layout", tab.Columns[0].Title)
		}
	}
}

// TestDecodeHistoryRefuses names the row and the reason of a damaged tab.
func TestDecodeHistoryRefuses(t *testing.T) {
	header := texts("Customer", "MRR through 2026-02", "Rows, check")
	hashed := texts("Customer", "MRR through 2026-02", "Rows") // the layout before
	for _, tt := range []struct {
		name string
		rows [][]Cell
		want string
	}{
		{"unknown header", [][]Cell{texts("Name", "Value")}, `row 1: the header "Name", "Value"`},
		{"bad months", [][]Cell{texts("Customer", "MRR through soon")}, "row 1: the header"},
		{"bad change point", [][]Cell{hashed, texts("A", "2025-01 100")}, `row 2: "2025-01 100" is not MONTH:AMOUNT`},
		{"bad amount", [][]Cell{hashed, texts("A", "2025-01:ten")}, `row 2: "2025-01:ten"`},
		{"bad escape", [][]Cell{hashed, texts("A%2", "2025-01:1")}, "row 2"},
		{"cut record without its end", [][]Cell{hashed, texts("A", "2025-01:1~")}, "row 2: the last cell ends with ~"},
		{"empty record", [][]Cell{hashed, texts("A", "2025-01:1;;2025-02:2")}, "row 2: a record is empty"},
		{"short hashed print", [][]Cell{hashed, texts("A", "", "2,Pro,2025-01-01,,100")}, "row 2"},
		{"month after through", [][]Cell{hashed, texts("A", "2026-05:1")}, "after the last closed month"},
		{"no check", [][]Cell{header, texts("A", "2025-01:1")}, "row 2: the row does not end with its check"},
		{"only a check", [][]Cell{header, texts("#1")}, "row 2: the row does not end with its check"},
		{"wrong check", [][]Cell{header, texts("A", "2025-01:1", "2,Pro,2025-01-01,,100;#1")}, "row 2: the records do not match the row's check #1: the row was edited"},
		{"bad check", [][]Cell{header, texts("A", "2025-01:1;#xyz")}, `row 2: "#xyz" is not a check`},
		{"check inside", [][]Cell{header, texts("A", "#1;2025-01:1;#2")}, `row 2: "#1" is a check, but not the row's last record`},
		{"short print", [][]Cell{header, withCheck("A", "2,Pro,2025-01-01,")}, "row 2: \"2,Pro,2025-01-01,\" is not a row print: too few fields"},
		{"long print", [][]Cell{header, withCheck("A", "2,Pro,2025-01-01,,100,EUR,x")}, "too many fields"},
		{"hashed print in today's layout", [][]Cell{header, withCheck("A", "2,Pro,2025-01-01,,100,e41f006c81491b21,EUR")}, "too many fields"},
		{"unknown third title", [][]Cell{texts("Customer", "MRR through 2026-02", "Prints")}, `row 1: the header "Customer", "MRR through 2026-02"`},
	} {
		_, err := DecodeHistory(&table{rows: tt.rows})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

// withCheck returns the cells of a history row in today's layout with the
// records recs in its first cells and their right check last, made as the
// writer makes it.
func withCheck(recs ...string) []Cell {
	sum := newRowCheck()
	for _, r := range recs {
		sum = sumRecord(sum, r)
	}
	return texts(append(recs, "#"+strconv.FormatUint(uint64(sum), 16))...)
}

// TestHistoryTabRows: the history of a book never has more rows than the
// sheet it records (a header and one row per customer, and a customer has
// at least one paying row), on generated sheets of several sizes and on
// the fixture.
func TestHistoryTabRows(t *testing.T) {
	for _, n := range []int{1, 7, 100, 5_000} { // and 100k in TestHistoryTabGenerated100k
		g := generatedBooks(t, n)
		tab := HistoryTab(g.books)
		if got := 1 + len(tab.Rows); got > g.rows+1 {
			t.Errorf("%d source rows: the history has %d rows, more than the source's %d and a header", n, got, g.rows)
		}
		checkHistoryTab(t, g.books, tab, historyCellBytes)
	}
}

// TestHistoryTabGenerated100k: the history of a generated 100k-row sheet
// (20,000 customers) is one row per customer and a header, three columns,
// and no cell near the limit.
func TestHistoryTabGenerated100k(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a generated 100k-row sheet")
	}
	g := generatedBooks(t, 100_000)
	tab := HistoryTab(g.books)
	s := sizeOf(tab)
	t.Logf("100k rows: history of %d rows, %d cells, %d bytes, largest cell %d bytes", s.rows, s.cells, s.bytes, s.largest)
	if s.rows > 20_001 || len(tab.Columns) != 3 || s.largest > 1_000 {
		t.Errorf("history of %d rows, %d columns, largest cell %d bytes; want at most 20,001 rows, 3 columns, cells under 1,000 bytes", s.rows, len(tab.Columns), s.largest)
	}
	// The staged write of these rows to Google (BenchmarkSyncGoogle in
	// sheets/gsheets) sends the history beside 4.3 MB of movements, in one
	// values call of at most 10 MiB as long as the history stays under
	// 5.5 MB; with a hash in each print it was 6.7 MB, and took two.
	if s.bytes > 5_500_000 {
		t.Errorf("history of %d bytes, want at most 5,500,000 (55 a paying row)", s.bytes)
	}
	checkHistoryTab(t, g.books, tab, historyCellBytes)
}
