package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"github.com/xuri/excelize/v2"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// The messy suite: sheets shaped like real exports, each a directory of
// testdata/messy with
//
//   - subscriptions.csv (and fx.csv): the table as a CSV export writes it;
//   - case.json: the same table as typed cells, from which the test makes
//     a workbook (.xlsx) and seeds the Sheets stand-in, the arguments, and
//     what mrrbot must make of it: the figures of some months, and every
//     row problem and warning, word for word.
//
// TestMessy runs each case through run(...) three ways, as a user would:
// `compute --input subscriptions.csv`, `compute --input subscriptions.xlsx`
// and `sync --spreadsheet` against the stand-in, whose summary and Data
// Issues tabs it then reads. A CSV cannot hold what a workbook holds
// (formats, formulas, hidden columns, merged cells), so a case may expect
// something else of one source: want_csv, want_xlsx and want_google
// replace the parts of want they give.

const messyDir = "../../testdata/messy"

// messyCase is a case.json.
type messyCase struct {
	About string `json:"about"`
	// Args are given to every run (--currency, --as-of, --locale).
	Args []string `json:"args"`
	// GoogleLocale is the spreadsheet's locale at Google; "" is en_US.
	GoogleLocale string `json:"google_locale"`
	// Subscriptions and FX are the tabs' cells, row by row.
	Subscriptions [][]messyCell `json:"subscriptions"`
	FX            [][]messyCell `json:"fx"`
	// Hidden are the subscriptions' hidden columns ("B"); Merges its
	// merged ranges ("A2:A4").
	Hidden []string `json:"hidden"`
	Merges []string `json:"merges"`

	Want       messyWant  `json:"want"`
	WantCSV    *messyWant `json:"want_csv"`
	WantXLSX   *messyWant `json:"want_xlsx"`
	WantGoogle *messyWant `json:"want_google"`
}

// messyWant is what a run must show. Months maps a month to its ending MRR
// and customers; Issues are the rows left out and the warnings, in the
// order compute prints them; Fail, when set, is the error that stops the
// run instead.
type messyWant struct {
	Months map[string]messyMonth `json:"months,omitempty"`
	Issues []messyIssue          `json:"issues,omitempty"`
	Fail   string                `json:"fail,omitempty"`
}

type messyMonth struct {
	EndingMRR string `json:"ending_mrr"`
	Customers int    `json:"customers"`
}

// messyIssue is one issue as people see it: the row, the column as the
// sheet heads it, the problem, and whether the row is left out.
type messyIssue struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
	LeftOut bool   `json:"left_out"`
}

// want returns what a run from source ("csv", "xlsx", "google") must show.
func (c *messyCase) want(source string) messyWant {
	w := c.Want
	over := map[string]*messyWant{"csv": c.WantCSV, "xlsx": c.WantXLSX, "google": c.WantGoogle}[source]
	if over == nil {
		return w
	}
	if over.Months != nil {
		w.Months = over.Months
	}
	if over.Issues != nil {
		w.Issues = over.Issues
	}
	if over.Fail != "" {
		w.Fail = over.Fail
	}
	if len(over.Issues) == 0 && over.Issues != nil {
		w.Issues = nil
	}
	return w
}

// messyCell is a typed cell: a JSON string is a text cell, a number a
// number cell, null an empty cell; an object gives a number with a number
// format ({"n": 100, "type": "CURRENCY", "pattern": "[$€-407]#,##0.00"}),
// a date ({"date": "2025-01-31"}), a percent ({"n": 0.2, "type":
// "PERCENT"}) or a formula with the value it computed ({"f": "SUM(C2:C3)",
// "n": 300}).
type messyCell struct {
	Text    *string
	N       *float64
	Type    string
	Pattern string
	Date    string
	Formula string
}

func (c *messyCell) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		c.Text = &s
		return nil
	case b[0] == '{':
		var o struct {
			N       *float64 `json:"n"`
			Type    string   `json:"type"`
			Pattern string   `json:"pattern"`
			Date    string   `json:"date"`
			F       string   `json:"f"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		c.N, c.Type, c.Pattern, c.Date, c.Formula = o.N, o.Type, o.Pattern, o.Date, o.F
		return nil
	}
	var n float64
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	c.N = &n
	return nil
}

// date returns the cell's date.
func (c *messyCell) date(t *testing.T) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, c.Date)
	if err != nil {
		t.Fatalf("cell date %q: %v", c.Date, err)
	}
	return d
}

func loadMessyCases(t *testing.T) map[string]*messyCase {
	t.Helper()
	dirs, err := os.ReadDir(messyDir)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]*messyCase{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(messyDir, d.Name(), "case.json"))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		c := &messyCase{}
		if err := dec.Decode(c); err != nil {
			t.Fatalf("%s/case.json: %v", d.Name(), err)
		}
		cases[d.Name()] = c
	}
	if len(cases) == 0 {
		t.Fatal("no cases in " + messyDir)
	}
	return cases
}

// TestMessy runs every case of testdata/messy from a CSV file, a workbook
// and a Google spreadsheet.
func TestMessy(t *testing.T) {
	for name, c := range loadMessyCases(t) {
		dir := filepath.Join(messyDir, name)
		t.Run(name+"/csv", func(t *testing.T) {
			args := []string{"compute", "--input", filepath.Join(dir, "subscriptions.csv")}
			if _, err := os.Stat(filepath.Join(dir, "fx.csv")); err == nil {
				args = append(args, "--fx", filepath.Join(dir, "fx.csv"))
			}
			checkMessyCompute(t, c.want("csv"), nil, append(args, c.Args...)...)
		})
		t.Run(name+"/xlsx", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "subscriptions.xlsx")
			writeMessyWorkbook(t, c, path)
			checkMessyCompute(t, c.want("xlsx"), nil, append([]string{"compute", "--input", path}, c.Args...)...)
		})
		t.Run(name+"/google", func(t *testing.T) {
			srv := sheetstest.New(t)
			seedMessySheet(t, c, srv)
			checkMessySync(t, c.want("google"), srv, c.Args)
		})
	}
}

// checkMessyCompute runs compute --format json and checks its figures and
// issues.
func checkMessyCompute(t *testing.T, want messyWant, env map[string]string, args ...string) {
	t.Helper()
	stdout, stderr, err := mrrbot(t, env, append(args, "--format", "json")...)
	if want.Fail != "" {
		if err == nil || !strings.Contains(err.Error(), want.Fail) {
			t.Fatalf("err = %v, want one that says %q", err, want.Fail)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v\nstderr: %s", err, stderr)
	}
	var out struct {
		Months []struct {
			Month     string `json:"month"`
			EndingMRR string `json:"ending_mrr"`
			Customers int    `json:"customers"`
		} `json:"months"`
		Errors, Warnings []struct {
			Row     int    `json:"row"`
			Column  string `json:"column"`
			Header  string `json:"header"`
			Message string `json:"message"`
			LeftOut bool   `json:"left_out"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	got := messyWant{Months: map[string]messyMonth{}}
	for _, m := range out.Months {
		if _, ok := want.Months[m.Month]; ok {
			got.Months[m.Month] = messyMonth{m.EndingMRR, m.Customers}
		}
	}
	for _, is := range out.Errors {
		got.Issues = append(got.Issues, messyIssue{is.Row, cmp.Or(is.Header, is.Column), is.Message, true})
	}
	for _, is := range out.Warnings {
		got.Issues = append(got.Issues, messyIssue{is.Row, cmp.Or(is.Header, is.Column), is.Message, is.LeftOut})
	}
	compareMessy(t, want, got)
}

// checkMessySync runs sync against the stand-in and reads its figures and
// issues back from the summary and Data Issues tabs.
func checkMessySync(t *testing.T, want messyWant, srv *sheetstest.Server, args []string) {
	t.Helper()
	_, stderr, err := mrrbot(t, googleEnv(srv), append([]string{"sync", "--spreadsheet", sheetID}, args...)...)
	if want.Fail != "" {
		if err == nil || !strings.Contains(err.Error(), want.Fail) {
			t.Fatalf("err = %v, want one that says %q", err, want.Fail)
		}
		return
	}
	if err != nil {
		t.Fatalf("%v\nstderr: %s", err, stderr)
	}
	ss := srv.Spreadsheet(sheetID)
	got := messyWant{Months: map[string]messyMonth{}}
	summary := tabValues(t, ss, "MRR Summary")
	for _, row := range summary[1:] {
		serial, _ := strconv.ParseFloat(row[0], 64)
		month := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(serial)).Format("2006-01")
		if _, ok := want.Months[month]; ok {
			customers, _ := strconv.ParseFloat(row[10], 64)
			got.Months[month] = messyMonth{row[8], int(customers)}
		}
	}
	for _, row := range tabValues(t, ss, "Data Issues")[1:] {
		row = append(row, make([]string, 5)...)
		n, _ := strconv.ParseFloat(row[0], 64)
		got.Issues = append(got.Issues, messyIssue{int(n), row[1], row[3], row[4] == "left out"})
	}
	compareMessy(t, want, got)
}

func compareMessy(t *testing.T, want, got messyWant) {
	t.Helper()
	if want.Months == nil {
		want.Months = map[string]messyMonth{}
	}
	if diff := gocmp.Diff(want.Months, got.Months); diff != "" {
		t.Errorf("months (-want +got):\n%s", diff)
	}
	// The order of issues is how each source shows them (compute: the rows
	// left out, then the warnings; the Data Issues tab: by row); which
	// issues there are is what counts here.
	byRow := func(a, b messyIssue) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Message, b.Message))
	}
	slices.SortFunc(want.Issues, byRow)
	slices.SortFunc(got.Issues, byRow)
	if diff := gocmp.Diff(want.Issues, got.Issues); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
}

// writeMessyWorkbook writes the case's cells as a workbook: a
// Subscriptions tab and, when the case has one, an FX tab.
func writeMessyWorkbook(t *testing.T, c *messyCase, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Subscriptions"))
	styles := map[string]int{}
	style := func(s *excelize.Style, key string) int {
		if id, ok := styles[key]; ok {
			return id
		}
		id, err := f.NewStyle(s)
		must(err)
		styles[key] = id
		return id
	}
	write := func(tab string, rows [][]messyCell) {
		for r, row := range rows {
			for col, cell := range row {
				ref, err := excelize.CoordinatesToCellName(col+1, r+1)
				must(err)
				switch {
				case cell.Text != nil:
					must(f.SetCellStr(tab, ref, *cell.Text))
				case cell.Date != "":
					d := cell.date(t)
					must(f.SetCellFloat(tab, ref, float64(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours()/24), -1, 64))
					must(f.SetCellStyle(tab, ref, ref, style(&excelize.Style{CustomNumFmt: ptrTo("yyyy-mm-dd")}, "date")))
				case cell.N != nil:
					must(f.SetCellFloat(tab, ref, *cell.N, -1, 64))
					switch {
					case cell.Type == "PERCENT":
						must(f.SetCellStyle(tab, ref, ref, style(&excelize.Style{NumFmt: 10}, "percent")))
					case cell.Pattern != "":
						must(f.SetCellStyle(tab, ref, ref, style(&excelize.Style{CustomNumFmt: ptrTo(cell.Pattern)}, cell.Pattern)))
					}
					if cell.Formula != "" {
						// excelize keeps the value set before the formula,
						// as Excel keeps the result it computed.
						must(f.SetCellFormula(tab, ref, cell.Formula))
					}
				}
			}
		}
	}
	write("Subscriptions", c.Subscriptions)
	for _, col := range c.Hidden {
		must(f.SetColVisible("Subscriptions", col, false))
	}
	for _, m := range c.Merges {
		from, to, _ := strings.Cut(m, ":")
		must(f.MergeCell("Subscriptions", from, to))
	}
	if c.FX != nil {
		_, err := f.NewSheet("FX")
		must(err)
		write("FX", c.FX)
	}
	must(f.SaveAs(path))
}

func ptrTo[T any](v T) *T { return &v }

// seedMessySheet puts the case's cells into the stand-in as a person's
// Google spreadsheet holds them.
func seedMessySheet(t *testing.T, c *messyCase, srv *sheetstest.Server) {
	t.Helper()
	srv.AddSpreadsheet(sheetID, "Messy", c.GoogleLocale)
	cells := func(rows [][]messyCell) [][]*sheetsapi.CellData {
		out := make([][]*sheetsapi.CellData, len(rows))
		for r, row := range rows {
			for _, cell := range row {
				var cd *sheetsapi.CellData
				switch {
				case cell.Text != nil:
					cd = sheetstest.String(*cell.Text)
				case cell.Date != "":
					d := cell.date(t)
					cd = sheetstest.Date(d.Year(), d.Month(), d.Day())
				case cell.N != nil && cell.Formula != "":
					cd = sheetstest.Formula("="+cell.Formula, &sheetsapi.ExtendedValue{NumberValue: cell.N})
					if cell.Type != "" {
						cd.UserEnteredFormat = &sheetsapi.CellFormat{NumberFormat: &sheetsapi.NumberFormat{Type: cell.Type, Pattern: cell.Pattern}}
					}
				case cell.N != nil && cell.Type != "":
					cd = sheetstest.FormattedNumber(*cell.N, cell.Type, cell.Pattern)
				case cell.N != nil:
					cd = sheetstest.Number(*cell.N)
				}
				out[r] = append(out[r], cd)
			}
		}
		return out
	}
	id := srv.AddSheet(sheetID, "Subscriptions", 0, 0)
	srv.SetCells(sheetID, "Subscriptions!A1", cells(c.Subscriptions))
	var reqs []*sheetsapi.Request
	for _, col := range c.Hidden {
		i := int64(col[0] - 'A')
		reqs = append(reqs, &sheetsapi.Request{UpdateDimensionProperties: &sheetsapi.UpdateDimensionPropertiesRequest{
			Range:      &sheetsapi.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: i, EndIndex: i + 1},
			Properties: &sheetsapi.DimensionProperties{HiddenByUser: true},
			Fields:     "hiddenByUser",
		}})
	}
	for _, m := range c.Merges {
		from, to, _ := strings.Cut(m, ":")
		c0, r0, err1 := excelize.CellNameToCoordinates(from)
		c1, r1, err2 := excelize.CellNameToCoordinates(to)
		if err1 != nil || err2 != nil {
			t.Fatalf("merge %q", m)
		}
		reqs = append(reqs, &sheetsapi.Request{MergeCells: &sheetsapi.MergeCellsRequest{MergeType: "MERGE_ALL", Range: &sheetsapi.GridRange{
			SheetId: id, StartRowIndex: int64(r0 - 1), EndRowIndex: int64(r1), StartColumnIndex: int64(c0 - 1), EndColumnIndex: int64(c1),
		}}})
	}
	if len(reqs) > 0 {
		srv.Apply(sheetID, reqs...)
	}
	if c.FX != nil {
		srv.AddSheet(sheetID, "FX", 0, 0)
		srv.SetCells(sheetID, "FX!A1", cells(c.FX))
	}
}

// TestMessyCasesDocumented checks that every problem and warning the messy
// suite expects is in docs/sheet-format.md, as a template: the cell's own
// text ("1.200") stands where the docs write an example, so each message
// is matched with its quoted values and numbers left out.
func TestMessyCasesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/sheet-format.md")
	if err != nil {
		t.Fatal(err)
	}
	text := skeleton(string(doc))
	for name, c := range loadMessyCases(t) {
		wants := []messyWant{c.Want}
		for _, w := range []*messyWant{c.WantCSV, c.WantXLSX, c.WantGoogle} {
			if w != nil {
				wants = append(wants, *w)
			}
		}
		for _, w := range wants {
			for _, is := range w.Issues {
				if !strings.Contains(text, skeleton(is.Message)) {
					t.Errorf("%s: docs/sheet-format.md does not give the message %q", name, is.Message)
				}
			}
		}
	}
}

// skeleton reduces a message to its fixed words: quoted values become "…",
// every run of digits "#", and every run of spaces and line breaks one
// space, so that an example in the docs, wrapped, matches.
func skeleton(s string) string {
	var b strings.Builder
	quoted := false
	for _, r := range strings.Join(strings.Fields(s), " ") {
		switch {
		case r == '"':
			if !quoted {
				b.WriteString("…")
			}
			quoted = !quoted
		case quoted:
		case r >= '0' && r <= '9':
			if !strings.HasSuffix(b.String(), "#") {
				b.WriteString("#")
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestSheetFormatMistakes runs the sheet of usual mistakes that
// docs/sheet-format.md shows, and checks that what compute prints on
// stderr is, word for word, what the docs say it prints.
func TestSheetFormatMistakes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/sheet-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	const csvStart = "```csv\nCustomer ID,Company,Plan,Price"
	i := strings.Index(doc, csvStart)
	if i < 0 {
		t.Fatal("docs/sheet-format.md has no sheet of mistakes")
	}
	rest := doc[i+len("```csv\n"):]
	end := strings.Index(rest, "```")
	sheet := rest[:end]
	rest = rest[end+3:]
	const cmd = "`mrrbot compute --input mistakes.csv --as-of 2025-03-31`"
	if !strings.Contains(rest[:300], cmd) {
		t.Fatalf("the docs do not say which command prints the output below the sheet (%s)", cmd)
	}
	out := rest[strings.Index(rest, "```\n")+4:]
	out = out[:strings.Index(out, "```")]

	path := filepath.Join(t.TempDir(), "mistakes.csv")
	if err := os.WriteFile(path, []byte(sheet), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := mrrbot(t, nil, "compute", "--input", path, "--as-of", "2025-03-31")
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(out, strings.TrimPrefix(stderr, "\n")); diff != "" {
		t.Errorf("docs/sheet-format.md shows other output than compute prints (-docs +compute):\n%s", diff)
	}
}
