package xlsx

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// Number formats of the sink tests' tabs, as the report writes them.
const (
	sinkMonth    = "mmm yyyy"
	sinkMoney    = `"$"#,##0.00`
	sinkPercent  = "0.0%"
	sinkCount    = "0"
	sinkAsOf     = "2025-06-30"
	sinkSubsTab  = "Subscriptions"
	sinkNotesTab = "Notes"
)

// sinkSource builds a workbook in t.TempDir as a person keeps it: the
// Subscriptions tab with typed cells (dates with built-in and custom
// formats, percentages, money, a bool, text dates), an FX tab, and a Notes
// tab with a formula, merged cells and a chart of its own.
func sinkSource(t *testing.T, date1904 bool) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if date1904 {
		must(f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
	}
	must(f.SetSheetName("Sheet1", sinkSubsTab))
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	dateStyle := style(&excelize.Style{NumFmt: 14})
	iso, euros := "yyyy-mm-dd", `[$€-407]#,##0.00`
	isoStyle := style(&excelize.Style{CustomNumFmt: &iso})
	percent := style(&excelize.Style{NumFmt: 9})
	money := style(&excelize.Style{CustomNumFmt: &euros})
	serial := func(s string) float64 {
		d, err := calc.ParseDate(s)
		must(err)
		n := float64(sheets.Serial(d))
		if date1904 {
			n -= 1462
		}
		return n
	}
	set := func(sheet, cell string, v any, style int) {
		t.Helper()
		must(f.SetCellValue(sheet, cell, v))
		if style != 0 {
			must(f.SetCellStyle(sheet, cell, cell, style))
		}
	}
	must(f.SetSheetRow(sinkSubsTab, "A1", &[]any{"Customer ID", "Customer", "Amount", "Currency", "Seats", "Discount", "Start date", "End date", "Active?"}))
	rows := []struct {
		id, name string
		amount   float64
		cur      string
		seats    int
		discount float64
		start    any
		end      any
	}{
		{"c1", "Acme", 1200.5, "", 2, 0.2, serial("2025-01-10"), nil},
		{"c2", "Globex", 99.99, "EUR", 1, 0, serial("2025-02-01"), serial("2025-04-30")},
		{"c3", "Initech", 50, "", 3, 0, "2025-03-05", nil},
		{"c4", "Umbrella", 300, "", 1, 0.125, serial("2025-01-01"), nil},
		{"c2", "Globex", 120, "EUR", 1, 0, serial("2025-06-01"), nil},
	}
	for i, r := range rows {
		n := fmt.Sprint(i + 2)
		set(sinkSubsTab, "A"+n, r.id, 0)
		set(sinkSubsTab, "B"+n, r.name, 0)
		set(sinkSubsTab, "C"+n, r.amount, money)
		if r.cur != "" {
			set(sinkSubsTab, "D"+n, r.cur, 0)
		}
		set(sinkSubsTab, "E"+n, r.seats, 0)
		if r.discount != 0 {
			set(sinkSubsTab, "F"+n, r.discount, percent)
		}
		set(sinkSubsTab, "G"+n, r.start, dateStyle)
		if r.end != nil {
			set(sinkSubsTab, "H"+n, r.end, isoStyle)
		}
		set(sinkSubsTab, "I"+n, true, 0)
	}

	_, err := f.NewSheet(sheets.FXTab)
	must(err)
	must(f.SetSheetRow(sheets.FXTab, "A1", &[]any{"Currency", "Rate"}))
	must(f.SetSheetRow(sheets.FXTab, "A2", &[]any{"EUR", 1.1}))

	_, err = f.NewSheet(sinkNotesTab)
	must(err)
	must(f.SetSheetRow(sinkNotesTab, "A1", &[]any{"Quarter", "Target"}))
	must(f.SetSheetRow(sinkNotesTab, "A2", &[]any{"Q1", 1000}))
	must(f.SetSheetRow(sinkNotesTab, "A3", &[]any{"Q2", 1500}))
	must(f.SetCellFormula(sinkNotesTab, "B4", "SUM(B2:B3)"))
	must(f.MergeCell(sinkNotesTab, "D1", "E2"))
	must(f.AddChart(sinkNotesTab, "G1", &excelize.Chart{
		Type:   excelize.Line,
		Series: []excelize.ChartSeries{{Name: "Notes!$B$1", Categories: "Notes!$A$2:$A$3", Values: "Notes!$B$2:$B$3"}},
	}))

	p := filepath.Join(t.TempDir(), "book.xlsx")
	must(f.SaveAs(p))
	return p
}

// sinkTabs returns the three bot tabs with months rows of summary and
// movements, shaped as the report shapes them. A different months gives
// different contents.
func sinkTabs(t *testing.T, months int) []sheets.Tab {
	t.Helper()
	summary := sheets.Tab{
		Name: "MRR Summary",
		Role: sheets.RoleSummary,
		Columns: []sheets.TabColumn{
			{Title: "Month", Format: sheets.FormatDate, Pattern: sinkMonth, Width: 90},
			{Title: "New", Format: sheets.FormatCurrency, Pattern: sinkMoney, Width: 110},
			{Title: "Churn (−)", Format: sheets.FormatCurrency, Pattern: sinkMoney, Width: 110},
			{Title: "Customers", Format: sheets.FormatNumber, Pattern: sinkCount, Width: 100},
			{Title: "MoM Growth", Format: sheets.FormatPercent, Pattern: sinkPercent, Width: 100},
			{Title: "Note", Width: 200},
		},
		FrozenRows: 1,
		Chart: &sheets.Chart{
			Title:   "MRR waterfall",
			Domain:  0,
			Series:  []sheets.ChartSeries{{Column: 1}, {Column: 2}, {Column: 3, Line: true}},
			Stacked: true,
			Column:  7,
			Width:   720,
			Height:  400,
		},
	}
	movements := sheets.Tab{
		Name: "MRR Movements",
		Role: sheets.RoleMovements,
		Columns: []sheets.TabColumn{
			{Title: "Month", Format: sheets.FormatDate, Pattern: sinkMonth, Width: 90},
			{Title: "Customer ID", Width: 110},
			{Title: "Type", Width: 110},
			{Title: "Amount", Format: sheets.FormatCurrency, Pattern: sinkMoney, Width: 110},
			{Title: "Flag"},
		},
		FrozenRows: 1,
	}
	for i := range months {
		d, err := calc.ParseDate(fmt.Sprintf("2025-%02d-01", i+1))
		if err != nil {
			t.Fatal(err)
		}
		growth := sheets.NumberCell(fmt.Sprintf("0.%04d", 100+i), sheets.FormatPercent)
		if i == 0 {
			growth = sheets.Cell{} // undefined: an empty cell, not a zero
		}
		summary.Rows = append(summary.Rows, []sheets.Cell{
			sheets.DateCell(d),
			sheets.NumberCell(fmt.Sprintf("%d.00", 1250+100*i), sheets.FormatCurrency),
			sheets.NumberCell(fmt.Sprintf("-%d.50", 10*i), sheets.FormatCurrency),
			sheets.IntCell(7 + i),
			growth,
			sheets.TextCell(fmt.Sprintf("month %d", i+1)),
		})
		movements.Rows = append(movements.Rows,
			[]sheets.Cell{sheets.DateCell(d), sheets.TextCell("=1+1"), sheets.TextCell("New"), sheets.NumberCell("0.1", sheets.FormatCurrency), {Kind: sheets.Bool, Text: "TRUE"}},
			[]sheets.Cell{sheets.DateCell(d), sheets.TextCell("-100"), sheets.TextCell("Churn"), sheets.NumberCell("-83.333333333", sheets.FormatCurrency)},
		)
	}
	issues := sheets.Tab{
		Name: "Data Issues",
		Role: sheets.RoleIssues,
		Columns: []sheets.TabColumn{
			{Title: "Row", Format: sheets.FormatNumber, Pattern: sinkCount, Width: 60},
			{Title: "Column", Width: 110},
			{Title: "Problem", Width: 420},
		},
		Rows: [][]sheets.Cell{
			{sheets.IntCell(12), sheets.TextCell("start_date"), sheets.TextCell(`"2025-13-45" is not a date`)},
			{sheets.Cell{}, sheets.TextCell("customer_id"), sheets.TextCell("+1 (555) 0100")},
		},
		FrozenRows: 1,
	}
	return []sheets.Tab{summary, movements, issues}
}

func writeOK(t *testing.T, p string, tabs []sheets.Tab, opts WriteOptions) *sheets.WriteResult {
	t.Helper()
	res, err := Write(p, tabs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func openBook(t *testing.T, p string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readTab reads a tab back through the workbook source's own reader, padded
// to width cells a row, below the header.
func readTab(t *testing.T, f *excelize.File, sheet string, width int, date1904 bool) (header []sheets.Cell, rows [][]sheets.Cell) {
	t.Helper()
	x, err := openZip(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if x.date1904 != date1904 {
		t.Fatalf("%s: date1904 = %v, want %v", f.Path, x.date1904, date1904)
	}
	r, err := x.tab(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for {
		n, cells, err := r.Next()
		if err == io.EOF {
			return header, rows
		}
		if err != nil {
			t.Fatal(err)
		}
		row := make([]sheets.Cell, width)
		copy(row, cells)
		if n == 1 {
			header = row
			continue
		}
		if n != len(rows)+2 {
			t.Fatalf("tab %q: row %d after %d rows", sheet, n, len(rows)+1)
		}
		rows = append(rows, row)
	}
}

// wantCells returns the cells a tab's rows read back as: Number cells take
// the format, and the currency, their column's pattern reads as.
func wantCells(tab sheets.Tab) [][]sheets.Cell {
	var out [][]sheets.Cell
	for _, row := range tab.Rows {
		r := make([]sheets.Cell, len(tab.Columns))
		for i, c := range row {
			if c.Kind == sheets.Number {
				c.Format = customFormat(tab.Columns[i].Pattern)
				if cur := sheets.PatternCurrency(tab.Columns[i].Pattern); cur != "" {
					c.Extra = &sheets.CellExtra{Currency: cur}
				}
			}
			r[i] = c
		}
		out = append(out, r)
	}
	return out
}

// zipParts returns the members of the zip at p by name. A name that
// appears twice fails the test.
func zipParts(t *testing.T, p string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	parts := make(map[string][]byte)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := parts[zf.Name]; dup {
			t.Fatalf("%s: zip member %s appears twice", p, zf.Name)
		}
		parts[zf.Name] = b
	}
	return parts
}

type testRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// partRels returns the relationships of a part, by id, with resolved
// targets.
func partRels(t *testing.T, parts map[string][]byte, part string) map[string]string {
	t.Helper()
	dir, base := path.Split(part)
	data, ok := parts[dir+"_rels/"+base+".rels"]
	out := make(map[string]string)
	if !ok {
		return out
	}
	var rels testRels
	if err := xml.Unmarshal(data, &rels); err != nil {
		t.Fatal(err)
	}
	for _, r := range rels.Rels {
		out[r.ID] = path.Join(dir, r.Target)
	}
	return out
}

type testSheet struct {
	Name  string `xml:"name,attr"`
	ID    string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	State string `xml:"state,attr"`
}

// bookSheets returns the tabs of xl/workbook.xml in order.
func bookSheets(t *testing.T, parts map[string][]byte) []testSheet {
	t.Helper()
	var wb struct {
		Sheets []testSheet `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(parts["xl/workbook.xml"], &wb); err != nil {
		t.Fatal(err)
	}
	return wb.Sheets
}

// sheetPart returns the part that holds a tab.
func sheetPart(t *testing.T, parts map[string][]byte, name string) string {
	t.Helper()
	rels := partRels(t, parts, "xl/workbook.xml")
	for _, s := range bookSheets(t, parts) {
		if s.Name == name {
			return rels[s.ID]
		}
	}
	t.Fatalf("no tab %q", name)
	return ""
}

var anchorRE = regexp.MustCompile(`<(xdr:)?(twoCellAnchor|oneCellAnchor|absoluteAnchor)[ >]`)

// drawnCharts counts the charts a tab draws: the anchors of its drawing.
func drawnCharts(t *testing.T, parts map[string][]byte, name string) int {
	t.Helper()
	sheet := sheetPart(t, parts, name)
	m := regexp.MustCompile(`<drawing r:id="([^"]+)"`).FindSubmatch(parts[sheet])
	if m == nil {
		return 0
	}
	drawing := partRels(t, parts, sheet)[string(m[1])]
	data, ok := parts[drawing]
	if !ok {
		t.Fatalf("tab %q: drawing %s is missing", name, drawing)
	}
	return len(anchorRE.FindAll(data, -1))
}

func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// checkPackage fails the test if the package lists a content type for a
// part it does not hold, or has a relationship to a missing part.
func checkPackage(t *testing.T, parts map[string][]byte) {
	t.Helper()
	var ct struct {
		Overrides []struct {
			PartName string `xml:"PartName,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(parts["[Content_Types].xml"], &ct); err != nil {
		t.Fatal(err)
	}
	for _, o := range ct.Overrides {
		if _, ok := parts[strings.TrimPrefix(o.PartName, "/")]; !ok {
			t.Errorf("content type for missing part %s", o.PartName)
		}
	}
	for name, data := range parts {
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		var rels struct {
			Rels []struct {
				Target     string `xml:"Target,attr"`
				TargetMode string `xml:"TargetMode,attr"`
			} `xml:"Relationship"`
		}
		if err := xml.Unmarshal(data, &rels); err != nil {
			t.Fatal(err)
		}
		source := strings.TrimSuffix(strings.Replace(name, "_rels/", "", 1), ".rels")
		for _, r := range rels.Rels {
			if r.TargetMode == "External" {
				continue
			}
			target := strings.TrimPrefix(path.Join(path.Dir(source), r.Target), "/")
			if strings.HasPrefix(r.Target, "/") {
				target = strings.TrimPrefix(r.Target, "/")
			}
			if _, ok := parts[target]; !ok {
				t.Errorf("%s: relationship to missing part %s", name, target)
			}
		}
	}
}

var chartPartRE = regexp.MustCompile(`^xl/charts/chart\d+\.xml$`)

// chartParts counts the chart parts of a package.
func chartParts(parts map[string][]byte) int {
	n := 0
	for name := range parts {
		if chartPartRE.MatchString(name) {
			n++
		}
	}
	return n
}

// leftovers returns the sink's temporary files in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".mrrbot-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteWorkbookCreatesTabs(t *testing.T) {
	p := sinkSource(t, false)
	tabs := sinkTabs(t, 3)
	res := writeOK(t, p, tabs, WriteOptions{})
	if diff := cmp.Diff(&sheets.WriteResult{Created: []string{"MRR Summary", "MRR Movements", "Data Issues"}}, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}

	f := openBook(t, p)
	wantList := []string{sinkSubsTab, sheets.FXTab, sinkNotesTab, "MRR Summary", "MRR Movements", "Data Issues", ledgerTab}
	if diff := cmp.Diff(wantList, f.GetSheetList()); diff != "" {
		t.Errorf("tabs (-want +got):\n%s", diff)
	}

	for _, tab := range tabs {
		t.Run(tab.Role, func(t *testing.T) {
			header, rows := readTab(t, f, tab.Name, len(tab.Columns), false)
			var wantHeader []sheets.Cell
			for _, c := range tab.Columns {
				wantHeader = append(wantHeader, sheets.TextCell(c.Title))
			}
			if diff := cmp.Diff(wantHeader, header); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantCells(tab), rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			for i, col := range tab.Columns {
				letter := sheets.ColumnLetter(i)
				id, err := f.GetCellStyle(tab.Name, letter+"1")
				if err != nil {
					t.Fatal(err)
				}
				st, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				if st.Font == nil || !st.Font.Bold {
					t.Errorf("header %q is not bold", col.Title)
				}
				if col.Width > 0 {
					w, err := f.GetColWidth(tab.Name, letter)
					if err != nil {
						t.Fatal(err)
					}
					// A width of w digits shows as 7w+5 pixels.
					if px := w*7 + 5; px < float64(col.Width)-1 || px > float64(col.Width)+1 {
						t.Errorf("column %q is %v pixels wide, want %d", col.Title, px, col.Width)
					}
				}
			}
			panes, err := f.GetPanes(tab.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
				t.Errorf("panes = %+v, want the header row frozen", panes)
			}
		})
	}

	// Cell types and number formats, as stored.
	cases := []struct {
		sheet, cell string
		typ         excelize.CellType
		raw         string
		pattern     string
	}{
		{"MRR Summary", "A2", excelize.CellTypeUnset, "45658", sinkMonth}, // 2025-01-01
		{"MRR Summary", "B2", excelize.CellTypeUnset, "1250.00", sinkMoney},
		{"MRR Summary", "C3", excelize.CellTypeUnset, "-10.50", sinkMoney},
		{"MRR Summary", "D2", excelize.CellTypeUnset, "7", sinkCount},
		{"MRR Summary", "E3", excelize.CellTypeUnset, "0.0101", sinkPercent},
		{"MRR Movements", "B2", excelize.CellTypeInlineString, "=1+1", ""},
		// Text that reads as a number is still text: an inline string.
		{"MRR Movements", "B3", excelize.CellTypeInlineString, "-100", ""},
		{"MRR Movements", "D2", excelize.CellTypeUnset, "0.1", sinkMoney},
		{"MRR Movements", "D3", excelize.CellTypeUnset, "-83.333333333", sinkMoney},
		{"MRR Movements", "E2", excelize.CellTypeBool, "1", ""},
		{"Data Issues", "C3", excelize.CellTypeInlineString, "+1 (555) 0100", ""},
	}
	for _, c := range cases {
		typ, err := f.GetCellType(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := f.GetCellValue(c.sheet, c.cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		formula, err := f.GetCellFormula(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != c.typ || raw != c.raw || formula != "" {
			t.Errorf("%s!%s = type %v, raw %q, formula %q; want type %v, raw %q, no formula", c.sheet, c.cell, typ, raw, formula, c.typ, c.raw)
		}
		if c.pattern != "" {
			if got := cellPattern(t, f, c.sheet, c.cell); got != c.pattern {
				t.Errorf("%s!%s has number format %q, want %q", c.sheet, c.cell, got, c.pattern)
			}
		}
	}
	if v, _ := f.GetCellValue("MRR Summary", "A2"); v != "Jan 2025" {
		t.Errorf("MRR Summary!A2 shows %q, want Jan 2025", v)
	}
	if v, _ := f.GetCellValue("MRR Summary", "E2"); v != "" {
		t.Errorf("MRR Summary!E2 = %q, want an empty cell", v)
	}

	parts := zipParts(t, p)
	checkPackage(t, parts)
	for name, want := range map[string]int{"MRR Summary": 1, "MRR Movements": 0, "Data Issues": 0, sinkNotesTab: 1} {
		if got := drawnCharts(t, parts, name); got != want {
			t.Errorf("tab %q draws %d charts, want %d", name, got, want)
		}
	}
	for _, s := range bookSheets(t, parts) {
		want := ""
		if s.Name == ledgerTab {
			want = "veryHidden"
		}
		if s.State != want {
			t.Errorf("tab %q has state %q, want %q", s.Name, s.State, want)
		}
	}
	if visible, _ := f.GetSheetVisible(ledgerTab); visible {
		t.Errorf("tab %q is visible", ledgerTab)
	}
}

// cellPattern returns the number format code of a cell's style.
func cellPattern(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return fmt.Sprint(st.NumFmt)
}

func TestWriteWorkbookReplacesTabs(t *testing.T) {
	p := sinkSource(t, false)
	writeOK(t, p, sinkTabs(t, 4), WriteOptions{})

	// A person scribbles in the bot's tabs between syncs.
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		f.SetCellValue("MRR Summary", "Z40", "my note"),
		f.MergeCell("MRR Movements", "F10", "G12"),
		f.SetCellFormula("Data Issues", "D2", "1+1"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before := zipParts(t, p)

	for n := 1; n <= 3; n++ {
		tabs := sinkTabs(t, n)
		res := writeOK(t, p, tabs, WriteOptions{})
		if diff := cmp.Diff(&sheets.WriteResult{Updated: []string{"MRR Summary", "MRR Movements", "Data Issues"}}, res); diff != "" {
			t.Errorf("write %d: result (-want +got):\n%s", n, diff)
		}
		f := openBook(t, p)
		wantList := []string{sinkSubsTab, sheets.FXTab, sinkNotesTab, "MRR Summary", "MRR Movements", "Data Issues", ledgerTab}
		if diff := cmp.Diff(wantList, f.GetSheetList()); diff != "" {
			t.Errorf("write %d: tabs (-want +got):\n%s", n, diff)
		}
		for _, tab := range tabs {
			got, err := f.GetRows(tab.Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tab.Rows)+1 {
				t.Errorf("write %d: tab %q has %d rows, want %d", n, tab.Name, len(got), len(tab.Rows)+1)
			}
			merged, err := f.GetMergeCells(tab.Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(merged) != 0 {
				t.Errorf("write %d: tab %q keeps merged cells %v", n, tab.Name, merged)
			}
			_, rows := readTab(t, f, tab.Name, len(tab.Columns), false)
			if diff := cmp.Diff(wantCells(tab), rows); diff != "" {
				t.Errorf("write %d: tab %q rows (-want +got):\n%s", n, tab.Name, diff)
			}
		}
		parts := zipParts(t, p)
		checkPackage(t, parts)
		if got := drawnCharts(t, parts, "MRR Summary"); got != 1 {
			t.Errorf("write %d: the summary draws %d charts, want 1", n, got)
		}
		// The Notes tab's chart and the summary's, and no old one.
		if got := chartParts(parts); got != 2 {
			t.Errorf("write %d: the package holds %d charts, want 2", n, got)
		}
		if got := drawnCharts(t, parts, sinkNotesTab); got != 1 {
			t.Errorf("write %d: the Notes tab draws %d charts, want 1", n, got)
		}
		// The bot's tabs keep their parts; the Notes tab's drawing and
		// chart are untouched.
		for _, name := range []string{"MRR Summary", "MRR Movements", "Data Issues", ledgerTab} {
			if a, b := sheetPart(t, before, name), sheetPart(t, parts, name); a != b {
				t.Errorf("write %d: tab %q moved from part %s to %s", n, name, a, b)
			}
		}
		notes := sheetPart(t, before, sinkNotesTab)
		for _, target := range partRels(t, before, notes) {
			for _, part := range append([]string{target}, slices.Collect(maps.Values(partRels(t, before, target)))...) {
				if string(before[part]) != string(parts[part]) {
					t.Errorf("write %d: part %s of the Notes tab changed", n, part)
				}
			}
		}
	}

	// A new name for the summary renames the bot's tab where it stands.
	tabs := sinkTabs(t, 2)
	tabs[0].Name = "Summary (bot)"
	res := writeOK(t, p, tabs, WriteOptions{})
	if diff := cmp.Diff(&sheets.WriteResult{Updated: []string{"Summary (bot)", "MRR Movements", "Data Issues"}}, res); diff != "" {
		t.Errorf("rename: result (-want +got):\n%s", diff)
	}
	f = openBook(t, p)
	wantList := []string{sinkSubsTab, sheets.FXTab, sinkNotesTab, "Summary (bot)", "MRR Movements", "Data Issues", ledgerTab}
	if diff := cmp.Diff(wantList, f.GetSheetList()); diff != "" {
		t.Errorf("rename: tabs (-want +got):\n%s", diff)
	}
	if got := drawnCharts(t, zipParts(t, p), "Summary (bot)"); got != 1 {
		t.Errorf("rename: the summary draws %d charts, want 1", got)
	}
	ledger, err := ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := ledger["tab:summary"]; got != "Summary (bot)" {
		t.Errorf("ledger records the summary as %q", got)
	}
	// "MRR Summary" is free again: a person's tab of that name is theirs.
	f.NewSheet("MRR Summary")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	_, err = Write(p, sinkTabs(t, 1), WriteOptions{})
	var conflict *sheets.TabConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("write back to the old name: err = %v, want a *TabConflictError", err)
	}
}

// TestWriteWorkbookChartAfterPersons checks the charts when a person adds a
// chart after the bot drew its own, so that the bot's is not the last
// chart part, and when the summary has no rows to chart for a while.
func TestWriteWorkbookChartAfterPersons(t *testing.T) {
	p := sinkSource(t, false)
	writeOK(t, p, sinkTabs(t, 2), WriteOptions{})

	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Plan"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Plan", "A1", &[]any{"Q1", 5}); err != nil {
		t.Fatal(err)
	}
	if err := f.AddChart("Plan", "C1", &excelize.Chart{
		Type:   excelize.Pie,
		Series: []excelize.ChartSeries{{Name: "Plan!$A$1", Categories: "Plan!$A$1", Values: "Plan!$B$1"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before := zipParts(t, p)
	plan := sheetPart(t, before, "Plan")
	var planParts []string
	for _, drawing := range partRels(t, before, plan) {
		planParts = append(planParts, drawing)
		planParts = slices.AppendSeq(planParts, maps.Values(partRels(t, before, drawing)))
	}

	for n, months := range []int{3, 0, 0, 2, 1} {
		writeOK(t, p, sinkTabs(t, months), WriteOptions{})
		parts := zipParts(t, p)
		checkPackage(t, parts)
		want := 0
		if months > 0 {
			want = 1
		}
		if got := drawnCharts(t, parts, "MRR Summary"); got != want {
			t.Errorf("write %d: the summary draws %d charts, want %d", n, got, want)
		}
		for _, name := range []string{"Plan", sinkNotesTab} {
			if got := drawnCharts(t, parts, name); got != 1 {
				t.Errorf("write %d: tab %q draws %d charts, want 1", n, name, got)
			}
		}
		for _, part := range append(planParts, plan) {
			if string(before[part]) != string(parts[part]) {
				t.Errorf("write %d: part %s of the Plan tab changed", n, part)
			}
		}
	}
}

func TestWriteWorkbookConflict(t *testing.T) {
	cases := []struct {
		name    string
		person  string // the person's tab
		rename  func([]sheets.Tab)
		wantTab string
		role    string
		msg     string
	}{
		{
			name:    "summary",
			person:  "MRR Summary",
			wantTab: "MRR Summary",
			role:    sheets.RoleSummary,
			msg:     `tab "MRR Summary" exists and was not written by mrrbot; rename it, or pick another name for mrrbot's tab with --summary-tab`,
		},
		{
			name:    "case",
			person:  "mrr movements",
			wantTab: "mrr movements",
			role:    sheets.RoleMovements,
			msg:     `tab "mrr movements" exists and was not written by mrrbot; rename it, or pick another name for mrrbot's tab with --movements-tab`,
		},
		{
			name:    "flag",
			person:  "Problems",
			rename:  func(tabs []sheets.Tab) { tabs[2].Name = "Problems" },
			wantTab: "Problems",
			role:    sheets.RoleIssues,
			msg:     `tab "Problems" exists and was not written by mrrbot; rename it, or pick another name for mrrbot's tab with --issues-tab`,
		},
		{
			name:    "source",
			rename:  func(tabs []sheets.Tab) { tabs[0].Name = sinkSubsTab },
			wantTab: sinkSubsTab,
			role:    sheets.RoleSummary,
			msg:     `tab "Subscriptions" exists and was not written by mrrbot; rename it, or pick another name for mrrbot's tab with --summary-tab`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := sinkSource(t, false)
			if c.person != "" {
				f, err := excelize.OpenFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.NewSheet(c.person); err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellValue(c.person, "A1", "mine"); err != nil {
					t.Fatal(err)
				}
				if err := f.Save(); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
			sum := fileSum(t, p)
			tabs := sinkTabs(t, 2)
			if c.rename != nil {
				c.rename(tabs)
			}
			res, err := Write(p, tabs, WriteOptions{Ledger: map[string]string{"k": "v"}})
			var conflict *sheets.TabConflictError
			if !errors.As(err, &conflict) {
				t.Fatalf("err = %v, want a *TabConflictError", err)
			}
			if res != nil {
				t.Errorf("result = %+v, want nil", res)
			}
			if diff := cmp.Diff(&sheets.TabConflictError{Tab: c.wantTab, Role: c.role}, conflict); diff != "" {
				t.Errorf("conflict (-want +got):\n%s", diff)
			}
			if got := conflict.Error(); got != c.msg {
				t.Errorf("message:\n got %s\nwant %s", got, c.msg)
			}
			if !strings.Contains(err.Error(), filepath.Base(p)) {
				t.Errorf("error %q does not name the file", err)
			}
			if fileSum(t, p) != sum {
				t.Error("the workbook changed")
			}
			if left := leftovers(t, filepath.Dir(p)); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// sheetCells is every stored cell of a tab: value, raw value, type, formula
// and number format.
func sheetCells(t *testing.T, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	cells := make(map[string]string)
	for r, row := range rows {
		for c := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			shown, _ := f.GetCellValue(sheet, ref)
			typ, _ := f.GetCellType(sheet, ref)
			formula, _ := f.GetCellFormula(sheet, ref)
			cells[ref] = fmt.Sprintf("shown=%q raw=%q type=%v formula=%q format=%q", shown, row[c], typ, formula, cellPattern(t, f, sheet, ref))
		}
	}
	return cells
}

func TestWriteWorkbookLeavesOtherTabs(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprintf("date1904=%v", date1904), func(t *testing.T) {
			p := sinkSource(t, date1904)
			loadedBefore, err := Read(p, sheets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			partsBefore := zipParts(t, p)
			f := openBook(t, p)
			others := []string{sinkSubsTab, sheets.FXTab, sinkNotesTab}
			cellsBefore := make(map[string]map[string]string)
			for _, s := range others {
				cellsBefore[s] = sheetCells(t, f, s)
			}

			writeOK(t, p, sinkTabs(t, 3), WriteOptions{})
			writeOK(t, p, sinkTabs(t, 2), WriteOptions{})

			loadedAfter, err := Read(p, sheets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			all := cmp.Exporter(func(reflect.Type) bool { return true })
			if diff := cmp.Diff(loadedBefore.Report, loadedAfter.Report); diff != "" {
				t.Errorf("report (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(loadedBefore.Rates, loadedAfter.Rates, all); diff != "" {
				t.Errorf("rates (-before +after):\n%s", diff)
			}
			asOf, _ := calc.ParseDate(sinkAsOf)
			resBefore, resAfter := loadedBefore.Book.Compute(asOf), loadedAfter.Book.Compute(asOf)
			if len(resBefore.Months) == 0 {
				t.Fatal("the source computes no months")
			}
			if diff := cmp.Diff(resBefore.Months, resAfter.Months, all); diff != "" {
				t.Errorf("months (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(resBefore.Movements(), resAfter.Movements(), all); diff != "" {
				t.Errorf("movements (-before +after):\n%s", diff)
			}

			partsAfter := zipParts(t, p)
			f = openBook(t, p)
			for _, s := range others {
				if diff := cmp.Diff(cellsBefore[s], sheetCells(t, f, s)); diff != "" {
					t.Errorf("tab %q cells (-before +after):\n%s", s, diff)
				}
				part := sheetPart(t, partsBefore, s)
				if after := sheetPart(t, partsAfter, s); after != part {
					t.Errorf("tab %q moved from part %s to %s", s, part, after)
				}
				if string(partsBefore[part]) != string(partsAfter[part]) {
					t.Errorf("tab %q: part %s is not byte for byte the same", s, part)
				}
			}

			// The bot's Month column reads back as the dates it was given,
			// in the workbook's date system.
			tabs := sinkTabs(t, 2)
			_, rows := readTab(t, f, "MRR Summary", len(tabs[0].Columns), date1904)
			if diff := cmp.Diff(wantCells(tabs[0]), rows); diff != "" {
				t.Errorf("summary rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWorkbookLedger(t *testing.T) {
	p := sinkSource(t, false)
	got, err := ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got) != 0 {
		t.Errorf("ledger of a new workbook = %v, want an empty map", got)
	}

	writeOK(t, p, sinkTabs(t, 1), WriteOptions{Ledger: map[string]string{
		"slack:2025-05:C0123": "1717171717.000100",
		"note":                "=not a formula",
	}})
	writeOK(t, p, nil, WriteOptions{Ledger: map[string]string{"slack:2025-06:C0123": "1719999999.000200"}})
	writeOK(t, p, sinkTabs(t, 2), WriteOptions{})
	got, err = ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"tab:summary":         "MRR Summary",
		"tab:movements":       "MRR Movements",
		"tab:issues":          "Data Issues",
		"slack:2025-05:C0123": "1717171717.000100",
		"slack:2025-06:C0123": "1719999999.000200",
		"note":                "=not a formula",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ledger (-want +got):\n%s", diff)
	}

	f := openBook(t, p)
	if n := len(f.GetSheetList()); n != 7 {
		t.Errorf("%d tabs after three writes, want 7", n)
	}
	if visible, _ := f.GetSheetVisible(ledgerTab); visible {
		t.Errorf("tab %q is visible", ledgerTab)
	}

	for _, key := range []string{"tab:summary", ""} {
		_, err := Write(p, nil, WriteOptions{Ledger: map[string]string{key: "x"}})
		if err == nil || !strings.Contains(err.Error(), "reserved") {
			t.Errorf("ledger key %q: err = %v, want it refused", key, err)
		}
	}
}

func TestWriteWorkbookHidden(t *testing.T) {
	p := sinkSource(t, false)
	tabs := sinkTabs(t, 1)
	tabs[2].Hidden = true
	writeOK(t, p, tabs, WriteOptions{})
	f := openBook(t, p)
	if visible, _ := f.GetSheetVisible("Data Issues"); visible {
		t.Error("the hidden issues tab is visible")
	}
	tabs[2].Hidden = false
	writeOK(t, p, tabs, WriteOptions{})
	f = openBook(t, p)
	if visible, _ := f.GetSheetVisible("Data Issues"); !visible {
		t.Error("the issues tab stays hidden")
	}
}

func TestWriteWorkbookFailureLeavesFile(t *testing.T) {
	cases := []struct {
		name string
		edit func(tabs []sheets.Tab)
		want string
	}{
		{"pattern", func(tabs []sheets.Tab) { tabs[2].Columns[0].Pattern = strings.Repeat("0", 300) }, `tab "Data Issues": column "Row": number format is longer`},
		{"number", func(tabs []sheets.Tab) { tabs[1].Rows[1][3] = sheets.NumberCell("1,5", sheets.FormatCurrency) }, `tab "MRR Movements": row 3, column "Amount": "1,5" is not a number`},
		{"chart", func(tabs []sheets.Tab) { tabs[0].Chart.Series[0].Column = 40 }, `tab "MRR Summary": chart: series column 40`},
		{"name", func(tabs []sheets.Tab) { tabs[1].Name = "MRR [moves]" }, `tab "MRR [moves]": the name contains`},
		{"duplicate", func(tabs []sheets.Tab) { tabs[1].Name = "mrr summary" }, `tab "mrr summary": two tabs have this name`},
		{"ledger tab", func(tabs []sheets.Tab) { tabs[1].Name = "_MRRBOT" }, `tab "_MRRBOT": the name is mrrbot's own hidden tab`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := sinkSource(t, false)
			writeOK(t, p, sinkTabs(t, 2), WriteOptions{})
			sum := fileSum(t, p)
			tabs := sinkTabs(t, 3)
			c.edit(tabs)
			_, err := Write(p, tabs, WriteOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Base(p)) {
				t.Fatalf("err = %v, want one naming the file and %q", err, c.want)
			}
			if fileSum(t, p) != sum {
				t.Error("the workbook changed")
			}
			if left := leftovers(t, filepath.Dir(p)); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func TestReplaceFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "book.xlsx")
	if err := os.WriteFile(p, []byte("before"), 0o640); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := replaceFile(p, 0o640, func(w io.Writer) error {
		if _, err := io.WriteString(w, strings.Repeat("half written ", 1<<14)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if b, _ := os.ReadFile(p); string(b) != "before" {
		t.Errorf("file = %.20q, want it untouched", b)
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	if err := replaceFile(p, 0o640, func(w io.Writer) error { _, err := io.WriteString(w, "after"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "after" {
		t.Errorf("file = %q, want after", b)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640", fi.Mode().Perm())
	}
}

func TestWriteWorkbookKeepsModeAndLink(t *testing.T) {
	p := sinkSource(t, false)
	if err := os.Chmod(p, 0o604); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.xlsx")
	if err := os.Symlink(p, link); err != nil {
		t.Skip("no symbolic links:", err)
	}
	writeOK(t, link, sinkTabs(t, 1), WriteOptions{})
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi, err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o604 {
		t.Errorf("mode = %v, want 0604", fi.Mode().Perm())
	}
	if ledger, err := ReadLedger(p); err != nil || ledger["tab:summary"] == "" {
		t.Errorf("the link's target was not written: %v, %v", ledger, err)
	}
}

func TestWriteWorkbookReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	p := sinkSource(t, false)
	dir := filepath.Dir(p)
	sum := fileSum(t, p)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if _, err := Write(p, sinkTabs(t, 1), WriteOptions{}); err == nil {
		t.Fatal("wrote into a read-only directory")
	}
	if fileSum(t, p) != sum {
		t.Error("the workbook changed")
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// withColorScales adds colour scales to the summary of sinkTabs: a three
// colour one over MoM Growth, a two colour one over Customers, and one
// over the issues tab's rows that covers none.
func withColorScales(tabs []sheets.Tab) []sheets.Tab {
	n := len(tabs[0].Rows)
	tabs[0].ColorScales = []sheets.ColorScale{
		{FirstRow: 0, LastRow: n - 1, FirstColumn: 4, LastColumn: 4, Min: "-0.1", Mid: "0", Max: "+0.1", Low: "#e67c73", MidColor: "#ffffff", High: "#57bb8a"},
		{FirstRow: 1, LastRow: n - 1, FirstColumn: 1, LastColumn: 3, Min: "0", Max: "2000", Low: "#FFFFFF", High: "#4285F4"},
	}
	tabs[2].ColorScales = []sheets.ColorScale{{FirstRow: 0, LastRow: -1, FirstColumn: 0, LastColumn: 0, Min: "0", Max: "1", Low: "#ffffff", High: "#000000"}}
	return tabs
}

// TestWriteWorkbookColorScales writes the tabs twice, the second time with
// fewer rows: the summary holds exactly the second write's rules.
func TestWriteWorkbookColorScales(t *testing.T) {
	p := sinkSource(t, false)
	writeOK(t, p, withColorScales(sinkTabs(t, 4)), WriteOptions{})
	writeOK(t, p, withColorScales(sinkTabs(t, 3)), WriteOptions{})
	f := openBook(t, p)
	got, err := f.GetConditionalFormats("MRR Summary")
	if err != nil {
		t.Fatal(err)
	}
	// excelize reads a value of "0" back as "".
	want := map[string][]excelize.ConditionalFormatOptions{
		"E2:E4": {{
			Type: "3_color_scale", Criteria: "=",
			MinType: "num", MinValue: "-0.1", MinColor: "E67C73",
			MidType: "num", MidValue: "", MidColor: "FFFFFF",
			MaxType: "num", MaxValue: "0.1", MaxColor: "57BB8A",
		}},
		"B3:D4": {{
			Type: "2_color_scale", Criteria: "=",
			MinType: "num", MinValue: "", MinColor: "FFFFFF",
			MaxType: "num", MaxValue: "2000", MaxColor: "4285F4",
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary conditional formats (-want +got):\n%s", diff)
	}
	for _, name := range []string{"MRR Movements", "Data Issues"} {
		if got, err := f.GetConditionalFormats(name); err != nil || len(got) != 0 {
			t.Errorf("tab %q: conditional formats %v, %v; want none", name, got, err)
		}
	}
	checkPackage(t, zipParts(t, p))
}

func TestColorScaleChecks(t *testing.T) {
	ok := sheets.ColorScale{FirstRow: 0, LastRow: 1, FirstColumn: 4, LastColumn: 4, Min: "-0.1", Mid: "0", Max: "0.1", Low: "#e67c73", MidColor: "#ffffff", High: "#57bb8a"}
	tests := []struct {
		name string
		edit func(*sheets.ColorScale)
		want string // in the error; "" for none
	}{
		{"fine", func(*sheets.ColorScale) {}, ""},
		{"two colours", func(s *sheets.ColorScale) { s.Mid, s.MidColor = "", "" }, ""},
		{"no rows", func(s *sheets.ColorScale) { s.FirstRow, s.LastRow, s.Low = 5, 4, "red" }, ""},
		{"past the last row", func(s *sheets.ColorScale) { s.LastRow = 4 }, "rows 0–4 are not within the tab's 4 rows"},
		{"negative row", func(s *sheets.ColorScale) { s.FirstRow = -1 }, "rows -1–1"},
		{"past the last column", func(s *sheets.ColorScale) { s.LastColumn = 6 }, "columns 4–6 are not within the tab's 6 columns"},
		{"columns backwards", func(s *sheets.ColorScale) { s.FirstColumn = 5 }, "columns 5–4"},
		{"bad value", func(s *sheets.ColorScale) { s.Max = "10%" }, `max value: "10%" is not a number`},
		{"mid colour alone", func(s *sheets.ColorScale) { s.Mid = "" }, `mid value: "" is not a number`},
		{"bad colour", func(s *sheets.ColorScale) { s.High = "#57bb8" }, `max colour "#57bb8" is not #rrggbb`},
		{"named colour", func(s *sheets.ColorScale) { s.Low = "red" }, `min colour "red"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tabs := sinkTabs(t, 4)
			s := ok
			tt.edit(&s)
			tabs[0].ColorScales = []sheets.ColorScale{s}
			err := checkTabs(tabs, WriteOptions{})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want one with %q", err, tt.want)
			}
		})
	}
}
