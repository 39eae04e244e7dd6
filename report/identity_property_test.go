package report

// A property test over generated sheets: every surface a person reads
// (compute's JSON, CSV and table, the summary, movements and segments tabs,
// the digest's text and Block Kit) adds up to the cent in every month:
//
//	Ending = Starting + New + Expansion + Reactivation − Contraction − Churn (+ FX impact)
//
// and a month's amounts in the movements tab sum to its Net New. The
// sheets are read by sheets.ReadCSV, as `mrrbot compute --input` reads
// them, with amounts and intervals that make thirds and half cents.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
)

// identityCase is one generated sheet.
type identityCase struct {
	subs, fx string
	asOf     calc.Date
}

func (c identityCase) String() string {
	return fmt.Sprintf("as of %s\n%s\nFX:\n%s", c.asOf, c.subs, c.fx)
}

// genIdentityCase writes a subscriptions table of up to 40 rows for up to
// 12 customers, with a Region column, and an FX table that is single rates
// or, one time in two, monthly rates that move every month.
func genIdentityCase(rng *rand.Rand) identityCase {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"Customer ID", "Company", "Plan", "Region", "Amount", "Currency", "Interval", "Seats", "Discount", "Start Date", "End Date", "Status"})
	base := calc.MonthOf(2024, 1)
	day := func(m calc.Month) calc.Date {
		first, last := m.FirstDay(), m.LastDay()
		switch rng.IntN(4) {
		case 0:
			return first
		case 1:
			return last
		}
		return first + calc.Date(rng.IntN(int(last-first)+1))
	}
	nCust := 1 + rng.IntN(12)
	for range 1 + rng.IntN(40) {
		c := rng.IntN(nCust)
		var amount string
		switch rng.IntN(4) {
		case 0:
			amount = strconv.Itoa(rng.IntN(5000)) + "." + fmt.Sprintf("%02d", rng.IntN(100))
		case 1:
			amount = pick("100", "1000", "1500", "33.30", "28.305", "0.015", "0.005", "49", "99.99")
		case 2:
			amount = fmt.Sprintf("%d.%09d", rng.IntN(1000), rng.IntN(1_000_000_000))
		default:
			amount = pick("10", "25", "7.77", "1234.56")
		}
		start := day(base + calc.Month(rng.IntN(24)))
		end := ""
		status := pick("active", "active", "active", "trial", "")
		if rng.IntN(2) == 0 {
			end = (start + calc.Date(rng.IntN(500))).String()
			if rng.IntN(3) == 0 {
				status = "cancelled"
			}
		}
		w.Write([]string{
			"C" + strconv.Itoa(c), "Customer " + strconv.Itoa(c),
			pick("Pro", "Team", "Add-on", ""), pick("EU", "US", ""),
			amount, pick("", "", "USD", "EUR", "GBP"),
			pick("monthly", "monthly", "quarterly", "annual", "weekly", "18 months", "5 months"),
			pick("1", "1", "2", "3", "2.5", ""), pick("", "", "15%", "10", "33%"),
			start.String(), end, status,
		})
	}
	w.Flush()

	var f strings.Builder
	fw := csv.NewWriter(&f)
	if rng.IntN(2) == 0 {
		fw.Write([]string{"currency", "rate"})
		fw.Write([]string{"EUR", "1.0837"})
		fw.Write([]string{"GBP", "1.273456789123"})
	} else {
		fw.Write([]string{"currency", "month", "rate"})
		for _, code := range []string{"EUR", "GBP"} {
			for m := base - 1; m <= base+30; m++ {
				rate := decimal.New(int64(9000+rng.IntN(4000)), -4).Add(decimal.New(int64(rng.IntN(1000)), -9))
				fw.Write([]string{code, m.String(), rate.String()})
			}
		}
	}
	fw.Flush()
	asOf := day(base + calc.Month(12+rng.IntN(15)))
	return identityCase{subs: b.String(), fx: f.String(), asOf: asOf}
}

// amountOf reads an amount as a surface writes it: "1,234.50", "-83.33",
// "+$1,099.00", "−$150.00", "$0.00".
func amountOf(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	r := strings.NewReplacer("−", "-", "+", "", "$", "", ",", "", "*", "")
	d, err := decimal.NewFromString(strings.TrimSpace(r.Replace(s)))
	if err != nil {
		t.Fatalf("%q is not an amount", s)
	}
	return d
}

// waterfallRow is one row of a surface, in its own signs.
type waterfallRow struct {
	where                                                   string
	start, new, exp, react, contr, churn, net, fx, end, arr decimal.Decimal
	hasARR                                                  bool
	lossesNegative                                          bool // Contraction and Churn written as negative amounts
}

// check returns what is wrong with the row's arithmetic.
func (r waterfallRow) check() []string {
	var errs []string
	contr, churn := r.contr, r.churn
	if r.lossesNegative {
		if contr.IsPositive() || churn.IsPositive() {
			errs = append(errs, fmt.Sprintf("%s: contraction %s and churn %s should be negative", r.where, contr, churn))
		}
		contr, churn = contr.Neg(), churn.Neg()
	} else if contr.IsNegative() || churn.IsNegative() {
		errs = append(errs, fmt.Sprintf("%s: contraction %s and churn %s should be magnitudes", r.where, contr, churn))
	}
	net := r.new.Add(r.exp).Add(r.react).Sub(contr).Sub(churn)
	if !net.Equal(r.net) {
		errs = append(errs, fmt.Sprintf("%s: New %s + Expansion %s + Reactivation %s − Contraction %s − Churn %s = %s, Net New shows %s",
			r.where, r.new, r.exp, r.react, contr, churn, net, r.net))
	}
	if end := r.start.Add(net).Add(r.fx); !end.Equal(r.end) {
		errs = append(errs, fmt.Sprintf("%s: Starting %s + Net New %s + FX %s = %s, Ending shows %s", r.where, r.start, net, r.fx, end, r.end))
	}
	if r.hasARR && !r.arr.Equal(r.end.Mul(decimal.NewFromInt(12))) {
		errs = append(errs, fmt.Sprintf("%s: ARR %s is not Ending %s × 12", r.where, r.arr, r.end))
	}
	return errs
}

func TestIdentityOnEverySurface(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260315, 11))
	cases := calctest.Cases(100) // a quarter under -race
	failed, months, toDate, fxMonths, segRows := 0, 0, 0, 0, 0
	for iter := range cases {
		c := genIdentityCase(rng)
		l, err := sheets.ReadCSV(strings.NewReader(c.subs), strings.NewReader(c.fx), sheets.Options{Currency: "USD", Segments: []string{"Region"}})
		if err != nil {
			t.Fatalf("case %d: %v\n%s", iter, err, c)
		}
		res := l.Book.Compute(c.asOf)
		errs := checkSurfaces(t, res, &Figures{Result: res, Errors: l.Errors, Warnings: res.Warnings, Rows: l.Rows})
		if len(errs) > 0 {
			failed++
			if failed <= 3 {
				if len(errs) > 12 {
					errs = append(errs[:12], fmt.Sprintf("… and %d more", len(errs)-12))
				}
				t.Errorf("case %d:\n%s\n%s", iter, strings.Join(errs, "\n"), c)
			}
		}
		months += len(res.Months)
		for _, w := range res.Months {
			if res.ToDate(w.Month) {
				toDate++
			}
			if w.FXImpact.Sign() != 0 {
				fxMonths++
			}
		}
		for _, s := range res.Segments() {
			segRows += len(s.Months)
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d cases failed", failed, cases)
	}
	// A property test that never meets a month to date or an FX impact
	// proves little about them.
	if months < 10*cases || toDate < cases/2 || fxMonths < cases || segRows < 10*cases {
		t.Errorf("only %d months, %d to date, %d with FX impact, %d segment months", months, toDate, fxMonths, segRows)
	}
	t.Logf("%d cases: %d months, %d to date, %d with FX impact, %d segment months", cases, months, toDate, fxMonths, segRows)
}

// checkSurfaces renders res every way and checks each row of each.
func checkSurfaces(t *testing.T, res *calc.Result, fig *Figures) []string {
	t.Helper()
	var errs []string
	add := func(rows []waterfallRow) {
		for _, r := range rows {
			errs = append(errs, r.check()...)
		}
	}
	ending := map[string]decimal.Decimal{} // by month, from the JSON
	netNew := map[string]decimal.Decimal{}
	fxByMonth := map[string]decimal.Decimal{}

	// JSON: magnitudes; to_date on the month in progress only.
	var buf bytes.Buffer
	if err := WriteJSON(&buf, fig); err != nil {
		t.Fatal(err)
	}
	var js struct {
		Months []map[string]any `json:"months"`
		Segs   []struct {
			Column, Value string
			Months        []map[string]any `json:"months"`
		} `json:"segments"`
	}
	if err := json.Unmarshal(buf.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	jsonRow := func(where string, m map[string]any) waterfallRow {
		get := func(k string) decimal.Decimal {
			s, _ := m[k].(string)
			if s == "" {
				return decimal.Zero
			}
			return amountOf(t, s)
		}
		return waterfallRow{where: where, start: get("starting_mrr"), new: get("new"), exp: get("expansion"), react: get("reactivation"),
			contr: get("contraction"), churn: get("churn"), net: get("net_new"), fx: get("fx_impact"), end: get("ending_mrr"),
			arr: get("arr"), hasARR: m["arr"] != nil}
	}
	var rows []waterfallRow
	for i, m := range js.Months {
		month := m["month"].(string)
		r := jsonRow("JSON "+month, m)
		rows = append(rows, r)
		ending[month], netNew[month], fxByMonth[month] = r.end, r.net, r.fx
		if got, want := m["to_date"] == true, res.ToDate(res.Months[i].Month); got != want {
			errs = append(errs, fmt.Sprintf("JSON %s: to_date %v, want %t", month, m["to_date"], want))
		}
	}
	for _, s := range js.Segs {
		for _, m := range s.Months {
			rows = append(rows, jsonRow(fmt.Sprintf("JSON segment %s=%s %s", s.Column, s.Value, m["month"]), m))
		}
	}
	add(rows)

	// CSV: losses negative, To Date last.
	buf.Reset()
	if err := WriteCSV(&buf, fig); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(header []string, title string) int {
		for i, h := range header {
			if h == title {
				return i
			}
		}
		return -1
	}
	h := recs[0]
	rows = nil
	for _, rec := range recs[1:] {
		get := func(title string) decimal.Decimal {
			if i := col(h, title); i >= 0 && rec[i] != "" {
				return amountOf(t, rec[i])
			}
			return decimal.Zero
		}
		rows = append(rows, waterfallRow{where: "CSV " + rec[0], start: get("Starting MRR"), new: get("New"), exp: get("Expansion"),
			react: get("Reactivation"), contr: get("Contraction"), churn: get("Churn"), net: get("Net New MRR"), fx: get("FX Impact"),
			end: get("Ending MRR"), arr: get("ARR"), hasARR: true, lossesNegative: true})
		if got, want := rec[col(h, "To Date")] == "true", res.ToDate(mustMonth(t, rec[0])); got != want {
			errs = append(errs, fmt.Sprintf("CSV %s: To Date %q, want %t", rec[0], rec[col(h, "To Date")], want))
		}
	}
	add(rows)

	// The table: grouped amounts, losses negative, "(to date)".
	buf.Reset()
	if err := WriteTable(&buf, fig); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	rows = nil
	if len(res.Months) > 0 {
		header := strings.Fields(strings.NewReplacer("Net New", "NetNew", "FX Impact", "FXImpact").Replace(lines[2]))
		for _, line := range lines[3:] {
			f := strings.Fields(line)
			month := f[0]
			if len(f) > 1 && f[1] == "(to" {
				month += " (to date)"
				f = append(f[:1], f[3:]...)
			}
			if strings.HasSuffix(month, "(to date)") != res.ToDate(mustMonth(t, f[0])) {
				errs = append(errs, fmt.Sprintf("table: %q is marked wrongly", month))
			}
			get := func(title string) decimal.Decimal {
				if i := col(header, title); i >= 0 {
					return amountOf(t, f[i])
				}
				return decimal.Zero
			}
			rows = append(rows, waterfallRow{where: "table " + month, start: get("Starting"), new: get("New"), exp: get("Expansion"),
				react: get("Reactivation"), contr: get("Contraction"), churn: get("Churn"), net: get("NetNew"), fx: get("FXImpact"),
				end: get("Ending"), arr: get("ARR"), hasARR: true, lossesNegative: true})
		}
	} else if strings.Contains(buf.String(), "No paying") == AllLeftOut(fig.Rows, fig.Errors) {
		errs = append(errs, "table without months: "+buf.String())
	}
	add(rows)

	// The tabs: the summary's cells, the segments' rows, the movements.
	tabs := Tabs(res, fig.Errors, fig.Warnings, DefaultTabNames)
	sum, mov, segs := tabs[0], tabs[2], tabs[5]
	tabRows := func(name string, tab tabView, label func([]string) string) []waterfallRow {
		var out []waterfallRow
		for _, row := range tab.rows {
			get := func(title string) decimal.Decimal {
				i := col(tab.titles, title)
				if i < 0 || i >= len(row) || row[i] == "" {
					return decimal.Zero
				}
				return amountOf(t, row[i])
			}
			out = append(out, waterfallRow{where: name + " " + label(row), start: get("Starting MRR"), new: get("New"),
				exp: get("Expansion"), react: get("Reactivation"), contr: get("Contraction"), churn: get("Churn"),
				net: get("Net New MRR"), fx: get("FX Impact"), end: get("Ending MRR"), arr: get("ARR"),
				hasARR: col(tab.titles, "ARR") >= 0, lossesNegative: true})
		}
		return out
	}
	sv, gv := viewOf(sum), viewOf(segs)
	add(tabRows("summary", sv, func(r []string) string { return r[0] }))
	add(tabRows("segments", gv, func(r []string) string { return r[0] + " " + r[1] + "=" + r[2] }))
	for i, row := range sv.rows {
		wantToDate := ""
		if res.ToDate(res.Months[i].Month) {
			wantToDate = "as of " + res.AsOf.String()
		}
		if got := row[col(sv.titles, "To Date")]; got != wantToDate {
			errs = append(errs, fmt.Sprintf("summary %s: To Date %q, want %q", res.Months[i].Month, got, wantToDate))
		}
	}
	// The movements tab, month by month: the five movements sum to the
	// summary's Net New, FX impact rows to its FX Impact.
	mv := viewOf(mov)
	moved, movedFX := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, row := range mv.rows {
		amount := amountOf(t, row[col(mv.titles, "Amount")])
		if !amount.Equal(amount.Round(2)) {
			errs = append(errs, fmt.Sprintf("movement %v: %s is not in cents", row, amount))
		}
		if row[col(mv.titles, "Type")] == calc.FXImpact.String() {
			movedFX[row[0]] = movedFX[row[0]].Add(amount)
		} else {
			moved[row[0]] = moved[row[0]].Add(amount)
		}
	}
	for _, row := range sv.rows {
		net := amountOf(t, row[col(sv.titles, "Net New MRR")])
		fx := decimal.Zero
		if i := col(sv.titles, "FX Impact"); i >= 0 {
			fx = amountOf(t, row[i])
		}
		if !moved[row[0]].Equal(net) || !movedFX[row[0]].Equal(fx) {
			errs = append(errs, fmt.Sprintf("movements tab %s: amounts sum to %s and FX %s, the summary's Net New is %s and FX %s",
				row[0], moved[row[0]], movedFX[row[0]], net, fx))
		}
	}

	// The digest of every month, as text and as Block Kit: its movements
	// add up to its Net New, and its ending is the month before's plus
	// Net New and FX impact.
	headline := regexp.MustCompile(`^MRR for \S+ \d+( to date \(as of [\d-]+\))?: (\S+) \((\S+?)(?:, |\))`)
	moves := regexp.MustCompile(`^New (\S+) · Expansion (\S+) · Reactivation (\S+) · Contraction (\S+) · Churn (\S+)(?: · FX impact (\S+))?$`)
	arrLine := regexp.MustCompile(`^ARR (\S+) `)
	prev := decimal.Zero
	for _, w := range res.Months {
		month := w.Month.String()
		d, err := NewDigest(res, w.Month, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Split(d.Text(), "\n")
		hm, mm, am := headline.FindStringSubmatch(text[0]), moves.FindStringSubmatch(text[1]), arrLine.FindStringSubmatch(text[2])
		if hm == nil || mm == nil || am == nil {
			errs = append(errs, fmt.Sprintf("digest %s: unexpected text:\n%s", month, d.Text()))
			continue
		}
		if (hm[1] != "") != res.ToDate(w.Month) {
			errs = append(errs, fmt.Sprintf("digest %s: %q marks the month to date wrongly", month, text[0]))
		}
		fx := decimal.Zero
		if mm[6] != "" {
			fx = amountOf(t, mm[6])
		}
		r := waterfallRow{where: "digest " + month, start: prev, new: amountOf(t, mm[1]), exp: amountOf(t, mm[2]), react: amountOf(t, mm[3]),
			contr: amountOf(t, mm[4]), churn: amountOf(t, mm[5]), net: amountOf(t, hm[3]), fx: fx, end: amountOf(t, hm[2]),
			arr: amountOf(t, am[1]), hasARR: true, lossesNegative: true}
		errs = append(errs, r.check()...)
		if !r.end.Equal(ending[month]) || !r.net.Equal(netNew[month]) || !fx.Equal(fxByMonth[month]) {
			errs = append(errs, fmt.Sprintf("digest %s: ending %s, net new %s, FX %s; JSON %s, %s, %s", month, r.end, r.net, fx, ending[month], netNew[month], fxByMonth[month]))
		}
		errs = append(errs, checkBlocks(t, d, r)...)
		prev = r.end
	}
	return errs
}

// checkBlocks reads the digest's Block Kit headline and movement fields and
// compares them with the text's figures.
func checkBlocks(t *testing.T, d *Digest, text waterfallRow) []string {
	t.Helper()
	raw, err := json.Marshal(d.Blocks())
	if err != nil {
		t.Fatal(err)
	}
	var blocks []struct {
		BlockID string `json:"block_id"`
		Text    *struct {
			Text string `json:"text"`
		} `json:"text"`
		Fields []struct {
			Text string `json:"text"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	var errs []string
	r := waterfallRow{where: text.where + " (Block Kit)", start: text.start, lossesNegative: true}
	for _, b := range blocks {
		switch b.BlockID {
		case blockHeadline:
			m := regexp.MustCompile(`^\*(\S+)\* MRR(?: as of [\d-]+)? · Net New (\S+)(?: · FX impact (\S+))?`).FindStringSubmatch(b.Text.Text)
			if m == nil {
				return []string{r.where + ": headline " + b.Text.Text}
			}
			r.end, r.net = amountOf(t, m[1]), amountOf(t, m[2])
			if m[3] != "" {
				r.fx = amountOf(t, m[3])
			}
		case blockMovements:
			for _, f := range b.Fields {
				label, value, _ := strings.Cut(f.Text, "\n")
				label = strings.Trim(label, "*")
				if label == "Customers" {
					continue
				}
				v := amountOf(t, value)
				switch label {
				case "New":
					r.new = v
				case "Expansion":
					r.exp = v
				case "Reactivation":
					r.react = v
				case "Contraction":
					r.contr = v
				case "Churn":
					r.churn = v
				case "FX impact":
					r.fx = v
				case "ARR":
					r.arr, r.hasARR = v, true
				}
			}
		}
	}
	errs = append(errs, r.check()...)
	if !r.end.Equal(text.end) || !r.net.Equal(text.net) || !r.fx.Equal(text.fx) {
		errs = append(errs, fmt.Sprintf("%s: ending %s, net new %s, FX %s; the text says %s, %s, %s", r.where, r.end, r.net, r.fx, text.end, text.net, text.fx))
	}
	return errs
}

// tabView is a tab's column titles and its rows' cells as text.
type tabView struct {
	titles []string
	rows   [][]string
}

func viewOf(tab sheets.Tab) tabView {
	v := tabView{}
	for _, c := range tab.Columns {
		v.titles = append(v.titles, c.Title)
	}
	for _, row := range tab.Rows {
		texts := make([]string, len(tab.Columns))
		for i, c := range row {
			texts[i] = c.Text
		}
		v.rows = append(v.rows, texts)
	}
	return v
}

func mustMonth(t *testing.T, s string) calc.Month {
	t.Helper()
	m, err := calc.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
