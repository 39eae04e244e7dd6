package main

import (
	"archive/zip"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	sheetsapi "google.golang.org/api/sheets/v4"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// What a person sees when they open the tabs: the chart on a tab of its
// own, beside the few columns it plots, headers that are not cut off, and
// problems that wrap. These tests sync the fixture through the command
// line, to the Sheets stand-in and to a workbook, and read back what was
// written.

// laptopGrid is the width in pixels of the grid a laptop's browser shows:
// the chart and the columns beside it must fit in it, row numbers (46
// pixels) included.
const laptopGrid = 1280

// minHeaderWidths are the widths in pixels of headers in Arial Bold 10 pt
// (measured in Liberation Sans Bold, whose letters are Arial's), which
// their columns must exceed.
var minHeaderWidths = map[string]int{
	"Reactivated Customers": 148,
	"Churned Customers":     128,
	"Gross MRR Churn":       116,
	"Net MRR Churn":         100,
}

func TestSyncChartTabGoogle(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
	ss := srv.Spreadsheet(sheetID)
	checkGoogleChartTab(t, ss)

	// Headers fit their columns.
	sum := findSheet(ss, "MRR Summary")
	for i, cell := range sum.Data[0].RowData[0].Values {
		title := cellString(cell)
		if w, ok := minHeaderWidths[title]; ok {
			if got := sum.Data[0].ColumnMetadata[i].PixelSize; got < int64(w)+8 {
				t.Errorf("summary column %q is %d pixels wide; its header needs %d and some room", title, got, w)
			}
		}
	}

	// Problems wrap, in every row below the header.
	issues := findSheet(ss, "Data Issues")
	rows := issues.Data[0].RowData
	if cellString(rows[0].Values[3]) != "Problem" {
		t.Fatalf("Data Issues column D is %q, want Problem", cellString(rows[0].Values[3]))
	}
	for r, rd := range rows[1:] {
		if f := rd.Values[3].UserEnteredFormat; f == nil || f.WrapStrategy != "WRAP" {
			t.Errorf("Data Issues row %d: Problem cell format %+v, want wrapStrategy WRAP", r+2, f)
		}
	}

	// A spreadsheet synced by an earlier mrrbot has the chart on its
	// summary, far to the right: the next sync moves it to the chart tab.
	srv.Apply(sheetID, &sheetsapi.Request{AddChart: &sheetsapi.AddChartRequest{Chart: &sheetsapi.EmbeddedChart{
		Spec: &sheetsapi.ChartSpec{Title: "MRR waterfall", BasicChart: &sheetsapi.BasicChartSpec{ChartType: "COLUMN"}},
		Position: &sheetsapi.EmbeddedObjectPosition{OverlayPosition: &sheetsapi.OverlayPosition{
			AnchorCell: &sheetsapi.GridCoordinate{SheetId: sum.Properties.SheetId, ColumnIndex: 21, ForceSendFields: []string{"SheetId", "RowIndex"}},
		}},
	}}})
	if n := len(findSheet(srv.Spreadsheet(sheetID), "MRR Summary").Charts); n != 1 {
		t.Fatalf("seeded summary has %d charts", n)
	}
	// A chart a person made of the movements stays.
	moves := findSheet(ss, "MRR Movements").Properties.SheetId
	srv.Apply(sheetID, &sheetsapi.Request{AddChart: &sheetsapi.AddChartRequest{Chart: &sheetsapi.EmbeddedChart{
		Spec: &sheetsapi.ChartSpec{Title: "my movements", BasicChart: &sheetsapi.BasicChartSpec{ChartType: "COLUMN"}},
		Position: &sheetsapi.EmbeddedObjectPosition{OverlayPosition: &sheetsapi.OverlayPosition{
			AnchorCell: &sheetsapi.GridCoordinate{SheetId: moves, ColumnIndex: 3, ForceSendFields: []string{"SheetId", "RowIndex"}},
		}},
	}}})
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("second sync: %v\n%s", err, stderr)
	}
	again := srv.Spreadsheet(sheetID)
	if n := len(findSheet(again, "MRR Summary").Charts); n != 0 {
		t.Errorf("after the second sync the summary has %d charts, want none", n)
	}
	if c := findSheet(again, "MRR Movements").Charts; len(c) != 1 || c[0].Spec.Title != "my movements" {
		t.Errorf("the person's chart on MRR Movements: %v, want it kept", c)
	}
	checkGoogleChartTab(t, again)
}

// checkGoogleChartTab checks the chart tab of the fixture's spreadsheet.
func checkGoogleChartTab(t *testing.T, ss *sheetsapi.Spreadsheet) {
	t.Helper()
	tab := findSheet(ss, "MRR Chart")
	if tab == nil {
		t.Fatal("no MRR Chart tab")
	}
	if len(tab.Charts) != 1 {
		t.Fatalf("MRR Chart has %d charts, want 1", len(tab.Charts))
	}
	values := tabValues(t, ss, "MRR Chart")
	if got := strings.Join(values[0], ","); got != "Month,New,Expansion,Reactivation,Contraction,Churn,Ending MRR" {
		t.Errorf("chart tab header %s", got)
	}
	// The fixture's twelve months; March 2026's Ending MRR is 2908.13.
	if len(values) != 13 || values[12][6] != "2908.13" || values[10][4] != "-300.00" {
		t.Errorf("chart tab rows %q", values)
	}

	ch := tab.Charts[0]
	anchor := ch.Position.OverlayPosition.AnchorCell
	if anchor.RowIndex != 0 || anchor.ColumnIndex != 7 {
		t.Errorf("chart anchored at row %d, column %d; want the top row, column H beside the table", anchor.RowIndex, anchor.ColumnIndex)
	}
	width := 46 + ch.Position.OverlayPosition.WidthPixels
	for _, c := range tab.Data[0].ColumnMetadata[:7] {
		width += c.PixelSize
	}
	if width > laptopGrid {
		t.Errorf("table and chart are %d pixels wide, more than a laptop's %d", width, laptopGrid)
	}

	basic := ch.Spec.BasicChart
	if basic == nil || basic.ChartType != "COMBO" || basic.StackedType != "STACKED" {
		t.Fatalf("chart spec %+v, want a stacked COMBO", ch.Spec)
	}
	if !strings.HasPrefix(ch.Spec.Title, "MRR movements, Apr 2025 – Mar 2026 (Mar to date)") {
		t.Errorf("chart title %q", ch.Spec.Title)
	}
	type series struct {
		column     int64
		typ, axis  string
		red, green float64
	}
	var got []series
	for _, s := range basic.Series {
		src := s.Series.SourceRange.Sources[0]
		if src.SheetId != tab.Properties.SheetId || src.StartRowIndex != 0 || src.EndRowIndex != 13 {
			t.Errorf("series range %+v, want the chart tab's rows 1–13", src)
		}
		var r, g float64
		if s.ColorStyle != nil && s.ColorStyle.RgbColor != nil {
			r, g = s.ColorStyle.RgbColor.Red, s.ColorStyle.RgbColor.Green
		}
		got = append(got, series{src.StartColumnIndex, s.Type, s.TargetAxis, round2(r), round2(g)})
	}
	want := []series{
		{1, "COLUMN", "LEFT_AXIS", 0.18, 0.49}, // New, dark green
		{2, "COLUMN", "LEFT_AXIS", 0.51, 0.78}, // Expansion, light green
		{3, "COLUMN", "LEFT_AXIS", 0.26, 0.55}, // Reactivation, blue
		{4, "COLUMN", "LEFT_AXIS", 0.96, 0.65}, // Contraction, orange
		{5, "COLUMN", "LEFT_AXIS", 0.83, 0.18}, // Churn, red
		{6, "LINE", "RIGHT_AXIS", 0.15, 0.2},   // Ending MRR, slate
	}
	if len(got) != len(want) {
		t.Fatalf("series %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("series %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	axes := map[string]string{}
	for _, a := range basic.Axis {
		axes[a.Position] = a.Title
	}
	if axes["RIGHT_AXIS"] != "Ending MRR" || axes["LEFT_AXIS"] == "" {
		t.Errorf("axes %v, want a left one and Ending MRR on the right", axes)
	}
}

func round2(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 2, 64), 64)
	return v
}

func TestSyncChartTabWorkbook(t *testing.T) {
	book := fixtureWorkbook(t)
	if _, stderr, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
	checkWorkbookChartTab(t, book)

	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	// Headers fit their columns: a width of w characters of 7 pixels and 5
	// of padding is 7w + 5 pixels.
	header, err := f.GetRows("MRR Summary")
	if err != nil {
		t.Fatal(err)
	}
	for i, title := range header[0] {
		if w, ok := minHeaderWidths[title]; ok {
			col, _ := excelize.ColumnNumberToName(i + 1)
			chars, err := f.GetColWidth("MRR Summary", col)
			if err != nil {
				t.Fatal(err)
			}
			if px := int(chars*7) + 5; px < w+8 {
				t.Errorf("summary column %q is %d pixels wide; its header needs %d and some room", title, px, w)
			}
		}
	}
	// Problems wrap.
	for _, cell := range []string{"D2", "D9"} {
		id, err := f.GetCellStyle("Data Issues", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("Data Issues!%s does not wrap: %+v", cell, st.Alignment)
		}
	}

	// A workbook synced by an earlier mrrbot has the chart on its summary:
	// the next sync draws it on the chart tab only.
	if err := f.AddChart("MRR Summary", "Y1", &excelize.Chart{
		Type:   excelize.ColStacked,
		Series: []excelize.ChartSeries{{Name: "'MRR Summary'!$C$1", Categories: "'MRR Summary'!$A$2:$A$13", Values: "'MRR Summary'!$C$2:$C$13"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := drawnChartAnchors(t, book, "MRR Summary"); len(got) != 1 {
		t.Fatalf("seeded summary draws %d charts", len(got))
	}
	if _, stderr, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("second sync: %v\n%s", err, stderr)
	}
	if got := drawnChartAnchors(t, book, "MRR Summary"); len(got) != 0 {
		t.Errorf("after the second sync the summary draws charts at columns %v", got)
	}
	checkWorkbookChartTab(t, book)
}

// checkWorkbookChartTab checks the chart of the fixture workbook's chart
// tab: beside the table, month names at the bottom, the ending MRR on a
// second axis, the Slack chart's colours.
func checkWorkbookChartTab(t *testing.T, book string) {
	t.Helper()
	if got := drawnChartAnchors(t, book, "MRR Chart"); len(got) != 1 || got[0] != 7 {
		t.Errorf("MRR Chart draws charts at columns %v, want one at column H (7)", got)
	}
	parts := readZip(t, book)
	var chart string
	for name, data := range parts {
		// Element names as written, with or without the c: prefix.
		text := regexp.MustCompile(`<(/?)c:`).ReplaceAllString(html.UnescapeString(string(data)), "<$1")
		if strings.HasPrefix(name, "xl/charts/chart") && strings.Contains(text, "'MRR Chart'!$G$1") {
			chart = text
		}
	}
	if chart == "" {
		t.Fatal("no chart plots the chart tab's Ending MRR")
	}
	if ax := regexp.MustCompile(`<catAx>.*?</catAx>`).FindString(chart); !strings.Contains(ax, `<tickLblPos val="low"`) {
		t.Errorf("the month names are not below the plot (tickLblPos low): %s", ax)
	}
	for _, want := range []string{
		"'MRR Chart'!$B$2:$B$13", // New, the twelve months
		"2E7D32", "D32F2F", "263238",
	} {
		if !strings.Contains(strings.ToUpper(chart), strings.ToUpper(want)) {
			t.Errorf("chart XML lacks %s", want)
		}
	}
	if n := strings.Count(chart, "<valAx>"); n != 2 {
		t.Errorf("chart has %d value axes, want 2: the movements' and the ending MRR's", n)
	}
	if !strings.Contains(chart, "<barChart>") || !strings.Contains(chart, "<lineChart>") {
		t.Error("chart is not bars with a line")
	}
}

// drawnChartAnchors returns the columns (zero-based) where the charts the
// tab draws have their top left corner.
func drawnChartAnchors(t *testing.T, book, tab string) []int {
	t.Helper()
	parts := readZip(t, book)
	rels := func(part string) map[string]string {
		dir, base := part[:strings.LastIndex(part, "/")+1], part[strings.LastIndex(part, "/")+1:]
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"`).FindAllStringSubmatch(string(parts[dir+"_rels/"+base+".rels"]), -1) {
			target := m[2]
			if strings.HasPrefix(target, "/") {
				target = target[1:]
			} else {
				for strings.HasPrefix(target, "../") {
					target = target[3:]
					dir = dir[:strings.LastIndex(strings.TrimSuffix(dir, "/"), "/")+1]
				}
				target = dir + target
			}
			out[m[1]] = target
		}
		return out
	}
	var rid string
	for _, m := range regexp.MustCompile(`<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"`).FindAllStringSubmatch(string(parts["xl/workbook.xml"]), -1) {
		if m[1] == tab {
			rid = m[2]
		}
	}
	sheet := rels("xl/workbook.xml")[rid]
	if sheet == "" {
		t.Fatalf("no tab %q", tab)
	}
	m := regexp.MustCompile(`<drawing r:id="([^"]+)"`).FindStringSubmatch(string(parts[sheet]))
	if m == nil {
		return nil
	}
	var cols []int
	drawing := string(parts[rels(sheet)[m[1]]])
	for _, a := range regexp.MustCompile(`(?s)<xdr:(?:twoCellAnchor|oneCellAnchor)[^>]*>.*?<xdr:from><xdr:col>(\d+)</xdr:col>`).FindAllStringSubmatch(drawing, -1) {
		n, _ := strconv.Atoi(a[1])
		cols = append(cols, n)
	}
	return cols
}

// readZip returns the parts of a workbook.
func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	parts := map[string][]byte{}
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
		parts[zf.Name] = b
	}
	return parts
}
