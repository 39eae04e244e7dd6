package xlsx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// readOut is what a tab reader gave: its rows, the columns it hides and
// how it ended.
type readOut struct {
	Rows   []readRow
	Hidden []int
	Err    string
}

type readRow struct {
	N     int
	Cells []sheets.Cell
}

// readAllRows reads r to its end (io.EOF or an error).
func readAllRows(r interface {
	sheets.RowReader
	ColumnHidden(int) bool
}) readOut {
	var out readOut
	for {
		n, cells, err := r.Next()
		if err != nil {
			if err != io.EOF {
				out.Err = err.Error()
			}
			break
		}
		out.Rows = append(out.Rows, readRow{n, slices.Clone(cells)})
	}
	for i := range 40 {
		if r.ColumnHidden(i) {
			out.Hidden = append(out.Hidden, i)
		}
	}
	return out
}

// compareTabs reads every tab of the workbook at path with the scanner and
// with encoding/xml, and wants the same rows, cells and hidden columns.
// It returns what the scanner read of each tab.
func compareTabs(t *testing.T, path string) map[string]readOut {
	t.Helper()
	x, err := openZip(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	got := map[string]readOut{}
	for _, name := range x.tabNames() {
		r, err := x.tab(name)
		if err != nil {
			t.Fatal(err)
		}
		scanned := readAllRows(r)
		r.close()
		old, err := xmlTab(x, name)
		if err != nil {
			t.Fatal(err)
		}
		decoded := readAllRows(old)
		old.close()
		if diff := cmp.Diff(decoded, scanned, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("tab %q: encoding/xml (-) and the scanner (+) differ:\n%s", name, diff)
		}
		got[name] = scanned
	}
	return got
}

// compareRead reads the workbook's subscriptions with Read, and again with
// encoding/xml's reader in its place, and wants the same figures and
// problems.
func compareRead(t *testing.T, path string) *sheets.Loaded {
	t.Helper()
	got, err := Read(path, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := openZip(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	tab, _ := sheets.FindTab(x.tabNames(), sheets.DefaultTab)
	want := &sheets.Loaded{}
	if fx, ok := sheets.FindTab(x.tabNames(), sheets.FXTab); ok {
		r, err := xmlTab(x, fx)
		if err != nil {
			t.Fatal(err)
		}
		if err := want.ReadFX(r, sheets.Options{}); err != nil {
			t.Fatal(err)
		}
		r.close()
	}
	book, err := want.NewBook(sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := xmlTab(x, tab)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if err := want.Decode(r, book, sheets.Options{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Report, got.Report, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("what was read (-encoding/xml +scanner):\n%s", diff)
	}
	asOf := calc.DateOf(2026, 3, 15)
	if diff := cmp.Diff(want.Book.Compute(asOf).Months, got.Book.Compute(asOf).Months, cmpopts.EquateComparable(calc.Sum{})); diff != "" {
		t.Errorf("months (-encoding/xml +scanner):\n%s", diff)
	}
	return got
}

// kindsBook writes a workbook with a cell of every kind a spreadsheet
// program saves, in the shapes excelize writes them: shared and rich
// strings, text that needs escaping, numbers of every format, booleans,
// error values, formulas with cached results (a SUM total row), hidden
// columns, column and row styles, merged ranges and blank rows.
func kindsBook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const tab = "Subscriptions"
	must(f.SetSheetName("Sheet1", tab))
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	date := style(&excelize.Style{NumFmt: 14})
	pct := style(&excelize.Style{NumFmt: 10})
	eur := style(&excelize.Style{CustomNumFmt: ptr(`[$€-407] #,##0.00`)})
	usd := style(&excelize.Style{NumFmt: 7})
	must(f.SetCellValue(tab, "A1", "Subscriptions of <Acme & Co> — “2025”"))
	must(f.MergeCell(tab, "A1", "D1"))
	must(f.SetSheetRow(tab, "A3", &[]any{"Customer ID", "Plan", "Amount", "Currency", "Discount", "Start date", "End date", "Notes", "Active"}))
	for i := range 12 {
		r := i + 4
		cell := func(col string) string { return fmt.Sprintf("%s%d", col, r) }
		must(f.SetCellValue(tab, cell("A"), fmt.Sprintf("cus_%03d", i/2)))
		must(f.SetCellValue(tab, cell("B"), []string{"Pro", "Team", "Pro\r\nannual", " Starter "}[i%4]))
		must(f.SetCellValue(tab, cell("C"), []float64{29, 99.5, 1200, 4500.125}[i%4]))
		switch i % 3 {
		case 0:
			must(f.SetCellStyle(tab, cell("C"), cell("C"), eur))
			must(f.SetCellValue(tab, cell("D"), "EUR"))
		case 1:
			must(f.SetCellStyle(tab, cell("C"), cell("C"), usd))
		}
		if i%4 == 1 {
			must(f.SetCellValue(tab, cell("E"), 0.15))
			must(f.SetCellStyle(tab, cell("E"), cell("E"), pct))
		}
		must(f.SetCellValue(tab, cell("F"), float64(45292+30*i)))
		must(f.SetCellStyle(tab, cell("F"), cell("F"), date))
		if i%2 == 0 {
			must(f.SetCellValue(tab, cell("G"), time.Date(2025, time.Month(1+i%12), 28, 0, 0, 0, 0, time.UTC)))
		}
		if i%5 == 0 {
			must(f.SetCellRichText(tab, cell("H"), []excelize.RichTextRun{{Text: "rich "}, {Text: "note & more", Font: &excelize.Font{Bold: true}}}))
		}
		must(f.SetCellValue(tab, cell("I"), i%3 != 0))
	}
	// A blank row, then a total row: its amount a SUM formula with a
	// cached result, its label a formula's string result.
	must(f.SetCellFormula(tab, "A18", `"Total"`))
	must(f.SetCellValue(tab, "C18", 12345.5))
	must(f.SetCellFormula(tab, "C18", "SUM(C4:C15)"))
	must(f.SetCellFormula(tab, "H18", "1/0"))
	must(f.SetColVisible(tab, "H", false))
	must(f.SetColStyle(tab, "J", date))
	must(f.SetCellValue(tab, "J5", 45300))
	must(f.SetRowStyle(tab, 6, 6, pct))
	must(f.SetCellValue(tab, "K6", 0.5))
	must(f.MergeCell(tab, "B8", "B9"))

	_, err := f.NewSheet("FX")
	must(err)
	must(f.SetSheetRow("FX", "A1", &[]any{"Currency", "Rate"}))
	must(f.SetSheetRow("FX", "A2", &[]any{"EUR", 1.0834}))
	path := filepath.Join(t.TempDir(), "kinds.xlsx")
	must(f.SaveAs(path))
	return path
}

// generatedBook writes n generated rows (calctest) with typed cells, as
// cmd/gensubs does, through excelize's stream writer: inline strings,
// dates, percentages and amounts in currency formats.
func generatedBook(tb testing.TB, n int) string {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const tab = "Subscriptions"
	if err := f.SetSheetName("Sheet1", tab); err != nil {
		tb.Fatal(err)
	}
	styles := map[string]int{}
	for _, code := range []string{"yyyy-mm-dd", "0%", "#,##0.00", `"$"#,##0.00`, `[$€-407] #,##0.00`} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			tb.Fatal(err)
		}
		styles[code] = id
	}
	sw, err := f.NewStreamWriter(tab)
	if err != nil {
		tb.Fatal(err)
	}
	vals := make([]any, len(calctest.Header))
	for i, h := range calctest.Header {
		vals[i] = h
	}
	if err := sw.SetRow("A1", vals); err != nil {
		tb.Fatal(err)
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	r := 2
	calctest.Each(n, 1, func(rec []string) {
		for i, v := range rec {
			vals[i] = v
			if v == "" {
				vals[i] = nil
				continue
			}
			switch calctest.Header[i] {
			case "Amount", "Setup Fee":
				code, s := "#,##0.00", v
				switch {
				case strings.HasPrefix(s, "$"):
					code, s = `"$"#,##0.00`, s[1:]
				case strings.HasPrefix(s, "€"):
					code, s = `[$€-407] #,##0.00`, s[len("€"):]
				}
				var x float64
				if _, err := fmt.Sscan(strings.ReplaceAll(s, ",", ""), &x); err == nil {
					vals[i] = excelize.Cell{StyleID: styles[code], Value: x}
				}
			case "Discount":
				var x float64
				if p, ok := strings.CutSuffix(v, "%"); ok {
					if _, err := fmt.Sscan(p, &x); err == nil {
						vals[i] = excelize.Cell{StyleID: styles["0%"], Value: x / 100}
					}
				}
			case "Start Date", "End Date":
				if d, err := time.Parse(time.DateOnly, v); err == nil {
					vals[i] = excelize.Cell{StyleID: styles["yyyy-mm-dd"], Value: int(d.Sub(epoch).Hours() / 24)}
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			tb.Fatal(err)
		}
		r++
	})
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.NewSheet("FX"); err != nil {
		tb.Fatal(err)
	}
	for i, row := range calctest.FX {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("FX", cell, &[]any{row[0], row[1]}); err != nil {
			tb.Fatal(err)
		}
	}
	path := filepath.Join(tb.TempDir(), "generated.xlsx")
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestScannerMatchesXMLReader reads workbooks with the hand-written
// scanner and with the encoding/xml reader it replaced: the same rows,
// cells (texts, numbers' literals, formats, currencies, formulas), hidden
// columns and merged cells filled in, and through Read the same figures
// and problems.
func TestScannerMatchesXMLReader(t *testing.T) {
	t.Run("kinds", func(t *testing.T) {
		p := kindsBook(t)
		tabs := compareTabs(t, p)
		l := compareRead(t, p)
		// The comparison means something only if the kinds are there.
		sub := tabs["Subscriptions"]
		var formulas, rich, merged, bools int
		for _, row := range sub.Rows {
			for _, c := range row.Cells {
				switch {
				case c.Formula() != "":
					formulas++
				case c.Kind == sheets.Bool:
					bools++
				case c.Text == "rich note & more":
					rich++
				}
			}
			if row.N == 9 && len(row.Cells) > 1 && row.Cells[1].Text != "" {
				merged++
			}
		}
		if formulas == 0 || rich == 0 || merged == 0 || bools == 0 || !slices.Contains(sub.Hidden, 7) {
			t.Errorf("formulas %d, rich texts %d, merged fills %d, bools %d, hidden %v: the workbook lacks a kind",
				formulas, rich, merged, bools, sub.Hidden)
		}
		if l.Rows == 0 {
			t.Error("Read took no rows")
		}
	})
	t.Run("fixture", func(t *testing.T) {
		for _, date1904 := range []bool{false, true} {
			p := newWorkbook(t, date1904)
			compareTabs(t, p)
			compareRead(t, p)
		}
	})
	t.Run("generated", func(t *testing.T) {
		p := generatedBook(t, 3000)
		compareTabs(t, p)
		l := compareRead(t, p)
		if l.Rows != 3000 || len(l.Errors) == 0 {
			t.Errorf("%d rows, %d errors; want 3000 and the generator's mistakes", l.Rows, len(l.Errors))
		}
	})
}

// sheetXML is a worksheet part around rows.
func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<cols><col min="2" max="3" width="9" hidden="1"/><col min="5" max="5" style="1"/></cols><sheetData>` + rows +
		`</sheetData><mergeCells count="1"><mergeCell ref="A7:A8"/></mergeCells></worksheet>`
}

// partReaders returns a scanner reader and an encoding/xml reader of doc,
// a worksheet part, in a workbook whose styles are formats and whose
// shared strings are sst.
func partReaders(doc string, sst []string) (*tabReader, *xmlTabReader) {
	x := &zipBook{
		formats: []cellFormat{{}, {format: sheets.FormatDate}, {format: sheets.FormatPercent}},
		sstRead: true,
		sst:     &sharedStrings{all: strings.Join(sst, "")},
	}
	end := 0
	for _, s := range sst {
		end += len(s)
		x.sst.ends = append(x.sst.ends, end)
	}
	areas := []sheets.MergedArea{{FirstRow: 7, LastRow: 8, FirstCol: 0, LastCol: 0}}
	r := &tabReader{x: x, s: newXMLScanner(strings.NewReader(doc)), merged: sheets.NewMerges(slices.Clone(areas))}
	old := &xmlTabReader{x: x, d: xml.NewDecoder(strings.NewReader(doc)), merged: sheets.NewMerges(slices.Clone(areas)), sst: sst, sstRead: true}
	return r, old
}

// scannerCases are worksheet rows in the shapes the XML allows and other
// programs write: prefixes, either quote, '>' in an attribute, comments,
// CDATA, character references, line ends, empty and self-closing
// elements, phonetic runs.
var scannerCases = []string{
	`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>12.50</v></c><c r="E1"><v>45292</v></c></row>`,
	`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>pre&amp;fixed</x:t></x:is></x:c><x:c r="B2" s="2"><x:v>0.25</x:v></x:c></x:row>`,
	`<row r='3' spans='1:4'><c r='A3' t='str' foo='a>b'><f>A1&amp;"x"</f><v>&lt;text&gt; &#65;&#x42;&quot;&apos;</v></c></row>`,
	"<row r=\"4\"><!-- a comment <c> --><c r=\"A4\" t=\"inlineStr\"><is><t><![CDATA[raw <b>&amp;</b>]]></t></is></c><c r=\"B4\"><v>\r\n7\r\n</v></c></row>",
	`<row r="5"/><row r="6"><c r="A6"/><c r="B6" t="b"><v>1</v></c><c r="C6" t="e"><v>#N/A</v></c><c r="D6" t="d"><v>2025-01-02</v></c></row>`,
	`<row r="7"><c r="A7" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve"> run </t></r><rPh sb="0" eb="1"><t>ルビ</t></rPh><phoneticPr fontId="1"/><r><t>two</t></r></is></c></row>`,
	`<row r="8"><c r="B8"><f t="shared" si="0"/><v>3</v></c><c r="C8" s="1"><f>SUM(C1:C7)</f><v>99</v></c><c r="E8"><v>45300</v></c></row>`,
	`<row><c><v>1</v></c><c t="s"><v>2</v></c><c t="inlineStr"><is><t/></is></c><c><v/></c><c t="n"><v>1E3</v></c></row>`,
	`<?pi stuff?><row r="12" s="2" customFormat="1"><c r="A12"><v>0.5</v></c><c r="E12" s="0"><v>45000</v></c><c r="F12" s="7"><v>1</v></c></row>`,
	`<row r="13"><c r="A13" t="s"><v>7</v></c></row>`,
	`<row r="14"><c r="XFE14"><v>1</v></c></row>`,
	`<row r="16"><c r="B16"><v>1</v></c><c r="A16"><v>2</v></c></row>`,
	`<row r="0"><c><v>1</v></c></row>`,
}

// TestScannerCases reads each of scannerCases (and all of them as one
// tab) with both readers: the same rows and cells, or both an error.
func TestScannerCases(t *testing.T) {
	sst := []string{"shared", "", "Plan", "other"}
	all := ""
	for i, c := range scannerCases {
		if i < 9 {
			all += c
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { compareParts(t, sheetXML(c), sst, true) })
	}
	t.Run("all", func(t *testing.T) { compareParts(t, sheetXML(all), sst, true) })
}

// compareParts reads doc with both readers. With strict, an error of one
// must be an error of the other; otherwise, only what encoding/xml reads
// without an error must be read the same.
func compareParts(t *testing.T, doc string, sst []string, strict bool) {
	t.Helper()
	r, old := partReaders(doc, sst)
	got, want := readAllRows(r), readAllRows(old)
	failed := want.Err != ""
	if failed {
		if got.Err == "" {
			if strict {
				t.Errorf("encoding/xml: %s; the scanner read %+v", want.Err, got)
			}
			return
		}
		want.Err, got.Err = "", "" // the messages may differ
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("encoding/xml (-) and the scanner (+) differ:\n%s", diff)
	}
	if len(want.Rows) == 0 && len(got.Rows) == 0 && strict && !failed {
		t.Error("no rows read: the case tests nothing")
	}
}

// FuzzScanner reads worksheet rows with both readers: a well-formed
// part that encoding/xml reads without an error, the scanner reads the
// same.
func FuzzScanner(f *testing.F) {
	for _, c := range scannerCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, rows string) {
		doc := sheetXML(rows)
		if !wellFormed(doc) {
			return
		}
		compareParts(t, doc, []string{"a", "b & c", ""}, false)
	})
}

// wellFormed reports whether encoding/xml reads doc as XML, its elements
// nested, up to the end of its worksheet element.
func wellFormed(doc string) bool {
	d := xml.NewDecoder(strings.NewReader(doc))
	closed := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return closed
		}
		if err != nil {
			return false
		}
		if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "worksheet" {
			closed = true
		}
	}
}

// TestLateMerges reads a tab whose merged ranges are found only after its
// cells: Read reads it again knowing them, and fills them in as before.
func TestLateMerges(t *testing.T) {
	p := kindsBook(t)
	x, err := openZip(p)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	r, err := x.tabMerged("Subscriptions", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, _, err := r.Next(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
	}
	late, err := r.mergedLate()
	r.close()
	if err != nil {
		t.Fatal(err)
	}
	want := []sheets.MergedArea{{FirstRow: 1, LastRow: 1, FirstCol: 0, LastCol: 3}, {FirstRow: 8, LastRow: 9, FirstCol: 1, LastCol: 1}}
	sortAreas := func(a, b sheets.MergedArea) int { return a.FirstRow - b.FirstRow }
	slices.SortFunc(late, sortAreas)
	if diff := cmp.Diff(want, late, cmpopts.IgnoreUnexported(sheets.MergedArea{})); diff != "" {
		t.Errorf("merged ranges found late (-want +got):\n%s", diff)
	}
}
