package sheetstest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	"google.golang.org/api/googleapi"
	sheets "google.golang.org/api/sheets/v4"
)

const ssID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

// seed starts a server holding a realistic subscriptions spreadsheet and
// returns it with a real client pointed at it.
func seed(t *testing.T) (*sheetstest.Server, *sheets.Service) {
	t.Helper()
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(ssID, "Ops", "en_US")
	srv.AddSheet(ssID, "Subscriptions", 0, 0)
	srv.AddSheet(ssID, "FX", 0, 0)
	srv.AddSheet(ssID, "My Tab", 10, 5)
	s, n := sheetstest.String, sheetstest.Number
	srv.SetCells(ssID, "Subscriptions!A1", [][]*sheets.CellData{
		{s("customer_id"), s("customer_name"), s("amount"), s("interval"), s("quantity"), s("discount"), s("start_date"), s("end_date"), s("status")},
		{s("acme"), s("Acme Inc"), sheetstest.Currency(1200), s("annual"), n(3), sheetstest.Percent(0.2), sheetstest.Date(2025, time.January, 10), nil, s("active")},
		{s("globex"), s("Globex"), n(99.5), nil, nil, nil, sheetstest.Date(2025, time.February, 1), sheetstest.Date(2025, time.June, 30), s("cancelled")},
	})
	srv.SetCells(ssID, "FX!A1", [][]*sheets.CellData{
		{s("currency"), s("rate")},
		{s("EUR"), n(1.08)},
	})
	return srv, srv.Service()
}

// apiErr unwraps the googleapi.Error the client returns.
func apiErr(t *testing.T, err error) *googleapi.Error {
	t.Helper()
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("error = %v, want a *googleapi.Error", err)
	}
	return gerr
}

func findSheet(t *testing.T, ss *sheets.Spreadsheet, title string) *sheets.Sheet {
	t.Helper()
	for _, sh := range ss.Sheets {
		if sh.Properties.Title == title {
			return sh
		}
	}
	t.Fatalf("no sheet %q in %d sheets", title, len(ss.Sheets))
	return nil
}

func hasSheet(ss *sheets.Spreadsheet, title string) bool {
	for _, sh := range ss.Sheets {
		if sh.Properties.Title == title {
			return true
		}
	}
	return false
}

func TestGetTypedCells(t *testing.T) {
	_, svc := seed(t)
	ss, err := svc.Spreadsheets.Get(ssID).IncludeGridData(true).Ranges("Subscriptions").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sheets) != 1 || ss.Sheets[0].Properties.Title != "Subscriptions" {
		t.Fatalf("ranges=Subscriptions returned %d sheets", len(ss.Sheets))
	}
	if ss.Properties.Locale != "en_US" || ss.Properties.Title != "Ops" {
		t.Errorf("properties = %+v", ss.Properties)
	}
	gp := ss.Sheets[0].Properties.GridProperties
	if gp.RowCount != 1000 || gp.ColumnCount != 26 {
		t.Errorf("grid = %d × %d, want 1000 × 26", gp.RowCount, gp.ColumnCount)
	}
	data := ss.Sheets[0].Data[0]
	if len(data.RowData) != 3 {
		t.Fatalf("got %d rows, want 3 (trailing empty rows trimmed)", len(data.RowData))
	}
	if len(data.RowMetadata) != 1000 || data.RowMetadata[0].PixelSize != 21 {
		t.Errorf("rowMetadata: %d rows, first %+v", len(data.RowMetadata), data.RowMetadata[0])
	}
	acme := data.RowData[1].Values
	tests := []struct {
		name      string
		cell      *sheets.CellData
		number    float64
		formatted string
		typ       string
	}{
		{"currency", acme[2], 1200, "$1,200.00", "CURRENCY"},
		{"plain number", acme[4], 3, "3", ""},
		{"percent", acme[5], 0.2, "20.00%", "PERCENT"},
		{"date", acme[6], 45667, "2025-01-10", "DATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cell
			if c.EffectiveValue == nil || c.EffectiveValue.NumberValue == nil || *c.EffectiveValue.NumberValue != tt.number {
				t.Errorf("effectiveValue = %+v, want %v", c.EffectiveValue, tt.number)
			}
			if c.UserEnteredValue == nil || *c.UserEnteredValue.NumberValue != tt.number {
				t.Errorf("userEnteredValue = %+v", c.UserEnteredValue)
			}
			if c.FormattedValue != tt.formatted {
				t.Errorf("formattedValue = %q, want %q", c.FormattedValue, tt.formatted)
			}
			gotType := ""
			if nf := c.EffectiveFormat.NumberFormat; nf != nil {
				gotType = nf.Type
			}
			if gotType != tt.typ {
				t.Errorf("effectiveFormat.numberFormat.type = %q, want %q", gotType, tt.typ)
			}
			if c.EffectiveFormat.TextFormat == nil || c.EffectiveFormat.TextFormat.FontFamily == "" {
				t.Errorf("effectiveFormat lacks the spreadsheet's default text format: %+v", c.EffectiveFormat)
			}
		})
	}
	if s := acme[0]; *s.EffectiveValue.StringValue != "acme" || s.FormattedValue != "acme" {
		t.Errorf("string cell = %+v", s)
	}
	if got := len(acme); got != 9 {
		t.Errorf("acme row has %d cells, want 9", got)
	}
	if end := acme[7]; end.UserEnteredValue != nil || end.EffectiveFormat != nil {
		t.Errorf("empty cell inside a row = %+v, want {}", end)
	}

	// Without includeGridData there is no grid data.
	ss, err = svc.Spreadsheets.Get(ssID).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sheets) != 3 {
		t.Errorf("got %d sheets, want 3", len(ss.Sheets))
	}
	for _, sh := range ss.Sheets {
		if sh.Data != nil {
			t.Errorf("sheet %q has grid data without includeGridData", sh.Properties.Title)
		}
	}
}

func TestGetFieldMask(t *testing.T) {
	srv, svc := seed(t)
	srv.AddDeveloperMetadata(ssID, &sheets.DeveloperMetadata{
		MetadataKey: "mrrbot.ledger", MetadataValue: "2026-03",
		Location: &sheets.DeveloperMetadataLocation{Spreadsheet: true},
	})
	ss, err := svc.Spreadsheets.Get(ssID).
		Ranges("'Subscriptions'!A1:I3").
		Fields("sheets(properties,charts,developerMetadata,data.rowData.values(effectiveValue,effectiveFormat.numberFormat))", "developerMetadata", "properties").
		Do()
	if err != nil {
		t.Fatal(err)
	}
	if ss.SpreadsheetId != "" || ss.SpreadsheetUrl != "" {
		t.Errorf("mask left spreadsheetId/spreadsheetUrl in: %q %q", ss.SpreadsheetId, ss.SpreadsheetUrl)
	}
	if len(ss.DeveloperMetadata) != 1 || ss.Properties == nil || ss.Properties.Locale != "en_US" {
		t.Errorf("developerMetadata = %v, properties = %+v", ss.DeveloperMetadata, ss.Properties)
	}
	sh := ss.Sheets[0]
	if sh.Properties.Title != "Subscriptions" {
		t.Fatalf("sheet = %q", sh.Properties.Title)
	}
	// The mask asks for data, so it comes without includeGridData.
	if len(sh.Data) != 1 || len(sh.Data[0].RowData) != 3 {
		t.Fatalf("data = %+v", sh.Data)
	}
	gd := sh.Data[0]
	if gd.RowMetadata != nil || gd.ColumnMetadata != nil {
		t.Error("mask left rowMetadata/columnMetadata in")
	}
	date := gd.RowData[1].Values[6]
	want := &sheets.CellData{
		EffectiveValue:  &sheets.ExtendedValue{NumberValue: googleapi.Float64(45667)},
		EffectiveFormat: &sheets.CellFormat{NumberFormat: &sheets.NumberFormat{Type: "DATE", Pattern: "yyyy-mm-dd"}},
	}
	if diff := cmp.Diff(want, date); diff != "" {
		t.Errorf("masked date cell (-want +got):\n%s", diff)
	}
	if empty := gd.RowData[1].Values[7]; empty.EffectiveValue != nil || empty.EffectiveFormat != nil {
		t.Errorf("empty cell = %+v", empty)
	}

	// A narrower mask, and one that names a field Sheets does not have.
	ss, err = svc.Spreadsheets.Get(ssID).Fields("sheets.properties(title,gridProperties.rowCount)").Do()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, sh := range ss.Sheets {
		titles = append(titles, sh.Properties.Title)
		if sh.Data != nil || sh.Properties.SheetId != 0 || sh.Properties.GridProperties.ColumnCount != 0 {
			t.Errorf("mask kept more than title and rowCount: %+v", sh.Properties)
		}
	}
	if diff := cmp.Diff([]string{"Subscriptions", "FX", "My Tab"}, titles); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}
	_, err = svc.Spreadsheets.Get(ssID).Fields("sheets.propertiez").Do()
	if gerr := apiErr(t, err); gerr.Code != 400 {
		t.Errorf("bad field mask: code %d, want 400", gerr.Code)
	}
}

func TestGetRanges(t *testing.T) {
	_, svc := seed(t)
	ss, err := svc.Spreadsheets.Get(ssID).IncludeGridData(true).Ranges("'FX'!A:B", "Subscriptions!G2:G").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sheets) != 2 {
		t.Fatalf("got %d sheets, want the 2 the ranges touch", len(ss.Sheets))
	}
	fx := findSheet(t, ss, "FX").Data[0]
	if fx.StartColumn != 0 || len(fx.RowData) != 2 || len(fx.ColumnMetadata) != 2 {
		t.Errorf("FX!A:B = start %d, %d rows, %d columns", fx.StartColumn, len(fx.RowData), len(fx.ColumnMetadata))
	}
	sub := findSheet(t, ss, "Subscriptions").Data[0]
	if sub.StartRow != 1 || sub.StartColumn != 6 || len(sub.RowData) != 2 {
		t.Fatalf("G2:G = start %d,%d, %d rows", sub.StartRow, sub.StartColumn, len(sub.RowData))
	}
	if got := sub.RowData[1].Values[0].FormattedValue; got != "2025-02-01" {
		t.Errorf("G3 = %q", got)
	}
	_, err = svc.Spreadsheets.Get(ssID).Ranges("'Nope'!A1").Do()
	if gerr := apiErr(t, err); gerr.Code != 400 || gerr.Message != "Unable to parse range: 'Nope'!A1" {
		t.Errorf("unknown tab: %d %q", gerr.Code, gerr.Message)
	}
}

func TestBatchUpdateIsAtomic(t *testing.T) {
	srv, svc := seed(t)
	before := srv.Spreadsheet(ssID)
	_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "MRR Summary", SheetId: 77}}},
		{UpdateCells: &sheets.UpdateCellsRequest{
			Start:  &sheets.GridCoordinate{SheetId: 77},
			Rows:   []*sheets.RowData{{Values: []*sheets.CellData{sheetstest.String("Month")}}},
			Fields: "userEnteredValue",
		}},
		{UpdateCells: &sheets.UpdateCellsRequest{
			Start:  &sheets.GridCoordinate{SheetId: 77, RowIndex: 1000},
			Rows:   []*sheets.RowData{{Values: []*sheets.CellData{sheetstest.String("too far")}}},
			Fields: "userEnteredValue",
		}},
	}}).Do()
	gerr := apiErr(t, err)
	want := "Invalid requests[2].updateCells: Range ('MRR Summary'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
	if gerr.Code != 400 || gerr.Message != want {
		t.Errorf("got %d %q, want 400 %q", gerr.Code, gerr.Message, want)
	}
	if !strings.Contains(string(gerr.Body), `"status":"INVALID_ARGUMENT"`) {
		t.Errorf("error body lacks INVALID_ARGUMENT: %s", gerr.Body)
	}
	after := srv.Spreadsheet(ssID)
	if hasSheet(after, "MRR Summary") {
		t.Error("the failed batch left its added sheet behind")
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("state changed by a failed batch (-before +after):\n%s", diff)
	}
}

func TestBatchUpdateReplies(t *testing.T) {
	srv, svc := seed(t)
	resp, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "MRR Summary"}}},
		{AutoResizeDimensions: &sheets.AutoResizeDimensionsRequest{Dimensions: &sheets.DimensionRange{Dimension: "COLUMNS"}}},
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{
			Title: "Data Issues", GridProperties: &sheets.GridProperties{RowCount: 50, ColumnCount: 4, FrozenRowCount: 1},
		}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Replies) != 3 || resp.Replies[1].AddSheet != nil {
		t.Fatalf("replies = %+v, want one per request with an empty middle one", resp.Replies)
	}
	summary := resp.Replies[0].AddSheet.Properties
	if summary.SheetId == 0 || summary.Index != 3 || summary.GridProperties.RowCount != 1000 || summary.GridProperties.ColumnCount != 26 {
		t.Errorf("addSheet reply = %+v %+v", summary, summary.GridProperties)
	}
	issues := resp.Replies[2].AddSheet.Properties.GridProperties
	if issues.RowCount != 50 || issues.ColumnCount != 4 || issues.FrozenRowCount != 1 {
		t.Errorf("gridProperties = %+v", issues)
	}
	if resp.Replies[0].AddSheet.Properties.SheetId == resp.Replies[2].AddSheet.Properties.SheetId {
		t.Error("two sheets got one ID")
	}

	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "MRR Summary"}}},
	}}).Do()
	want := `Invalid requests[0].addSheet: A sheet with the name "MRR Summary" already exists. Please enter another name.`
	if gerr := apiErr(t, err); gerr.Code != 400 || gerr.Message != want {
		t.Errorf("duplicate title: %d %q", gerr.Code, gerr.Message)
	}

	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{SortRange: &sheets.SortRangeRequest{Range: &sheets.GridRange{}}},
	}}).Do()
	if gerr := apiErr(t, err); gerr.Code != 400 || !strings.Contains(gerr.Message, "requests[0].sortRange") {
		t.Errorf("unsupported kind: %d %q", gerr.Code, gerr.Message)
	}
	if got := srv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; got != 3 {
		t.Errorf("batchUpdate calls = %d, want 3", got)
	}
}

func TestGridLimitsAndGrowth(t *testing.T) {
	srv, svc := seed(t)
	sheetID := srv.AddSheet(ssID, "MRR Movements", 0, 0)
	row := func(r int64) *sheets.Request {
		return &sheets.Request{UpdateCells: &sheets.UpdateCellsRequest{
			Start:  &sheets.GridCoordinate{SheetId: sheetID, RowIndex: r, ColumnIndex: 25},
			Rows:   []*sheets.RowData{{Values: []*sheets.CellData{sheetstest.Number(1), sheetstest.Number(2)}}},
			Fields: "*",
		}}
	}
	_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{row(0)}}).Do()
	want := "Invalid requests[0].updateCells: Range ('MRR Movements'!Z1:AA1) exceeds grid limits. Max rows: 1000, max columns: 26"
	if gerr := apiErr(t, err); gerr.Message != want {
		t.Errorf("got %q, want %q", gerr.Message, want)
	}
	// Grow first, in the same batch, and the write fits.
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AppendDimension: &sheets.AppendDimensionRequest{SheetId: sheetID, Dimension: "COLUMNS", Length: 1}},
		{AppendDimension: &sheets.AppendDimensionRequest{SheetId: sheetID, Dimension: "ROWS", Length: 500}},
		row(1499),
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	tab := findSheet(t, srv.Spreadsheet(ssID), "MRR Movements")
	if gp := tab.Properties.GridProperties; gp.RowCount != 1500 || gp.ColumnCount != 27 {
		t.Errorf("grid = %d × %d, want 1500 × 27", gp.RowCount, gp.ColumnCount)
	}
	if got := tab.Data[0].RowData[1499].Values[26].FormattedValue; got != "2" {
		t.Errorf("AA1500 = %q, want 2", got)
	}

	// values.update refuses to write past the grid too.
	_, err = svc.Spreadsheets.Values.Update(ssID, "'My Tab'!E10", &sheets.ValueRange{
		Values: [][]any{{"x", "y"}},
	}).ValueInputOption("RAW").Do()
	want = "Range ('My Tab'!E10:F10) exceeds grid limits. Max rows: 10, max columns: 5"
	if gerr := apiErr(t, err); gerr.Code != 400 || gerr.Message != want {
		t.Errorf("values.update: %d %q, want %q", gerr.Code, gerr.Message, want)
	}
}

func TestCellLimit(t *testing.T) {
	srv, svc := seed(t)
	_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AppendDimension: &sheets.AppendDimensionRequest{SheetId: 0, Dimension: "ROWS", Length: 400_000}},
	}}).Do()
	want := "Invalid requests[0].appendDimension: This action would increase the number of cells in the workbook above the limit of 10000000 cells."
	if gerr := apiErr(t, err); gerr.Code != 400 || gerr.Message != want {
		t.Errorf("got %d %q", gerr.Code, gerr.Message)
	}
	if rows := findSheet(t, srv.Spreadsheet(ssID), "Subscriptions").Properties.GridProperties.RowCount; rows != 1000 {
		t.Errorf("rowCount = %d after a refused resize", rows)
	}
}

func TestPayloadLimit(t *testing.T) {
	srv, svc := seed(t)
	before := srv.Spreadsheet(ssID)
	huge := strings.Repeat("x", sheetstest.MaxPayload)
	// The bodies over the limit are sent as they are, not through the
	// client, whose encoder copies 10 MiB once for each level of nesting
	// (seconds under -race); the error is read as the client reads it.
	// The limit is on the body, wherever its bytes are.
	send := func(method, path, body string) error {
		req, err := http.NewRequest(method, srv.URL()+"v4/spreadsheets/"+ssID+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return googleapi.CheckResponse(resp)
	}
	err := send("POST", ":batchUpdate", `{"requests":[{"addSheet":{"properties":{"title":"New"}}}],"responseRanges":["`+huge+`"]}`)
	gerr := apiErr(t, err)
	if gerr.Code != 400 || gerr.Message != "Request payload size exceeds the limit: 10485760 bytes." {
		t.Errorf("got %d %q", gerr.Code, gerr.Message)
	}
	err = send("PUT", "/values/FX!C1?valueInputOption=RAW", `{"values":[["`+huge+`"]]}`)
	if gerr := apiErr(t, err); gerr.Code != 400 || !strings.Contains(gerr.Message, "10485760") {
		t.Errorf("values.update: %d %q", gerr.Code, gerr.Message)
	}
	if diff := cmp.Diff(before, srv.Spreadsheet(ssID)); diff != "" {
		t.Errorf("refused writes changed state:\n%s", diff)
	}
	// Well under the limit, 2 MB of cells in one request go through.
	cell := strings.Repeat("y", 40_000)
	var rows []*sheets.RowData
	for range 50 {
		rows = append(rows, &sheets.RowData{Values: []*sheets.CellData{sheetstest.String(cell)}})
	}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateCells: &sheets.UpdateCellsRequest{Start: &sheets.GridCoordinate{SheetId: 0, RowIndex: 10}, Rows: rows, Fields: "userEnteredValue"}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	// One cell holds at most 50,000 characters.
	_, err = svc.Spreadsheets.Values.Update(ssID, "FX!C1", &sheets.ValueRange{Values: [][]any{{strings.Repeat("z", 50_001)}}}).
		ValueInputOption("RAW").Do()
	if gerr := apiErr(t, err); gerr.Code != 400 || !strings.Contains(gerr.Message, "50000 characters") {
		t.Errorf("long cell: %d %q", gerr.Code, gerr.Message)
	}
}

func TestCharts(t *testing.T) {
	srv, svc := seed(t)
	sheetID := srv.AddSheet(ssID, "MRR Summary", 0, 0)
	resp, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddChart: &sheets.AddChartRequest{Chart: &sheets.EmbeddedChart{
			Spec: &sheets.ChartSpec{Title: "MRR", BasicChart: &sheets.BasicChartSpec{ChartType: "COLUMN"}},
			Position: &sheets.EmbeddedObjectPosition{OverlayPosition: &sheets.OverlayPosition{
				AnchorCell: &sheets.GridCoordinate{SheetId: sheetID, ColumnIndex: 12},
			}},
		}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	chart := resp.Replies[0].AddChart.Chart
	if chart.ChartId == 0 || chart.Position.OverlayPosition.AnchorCell.ColumnIndex != 12 {
		t.Fatalf("addChart reply = %+v", chart)
	}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateChartSpec: &sheets.UpdateChartSpecRequest{ChartId: chart.ChartId,
			Spec: &sheets.ChartSpec{Title: "MRR waterfall", WaterfallChart: &sheets.WaterfallChartSpec{}}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	ss, err := svc.Spreadsheets.Get(ssID).Fields("sheets(properties.title,charts)").Do()
	if err != nil {
		t.Fatal(err)
	}
	charts := findSheet(t, ss, "MRR Summary").Charts
	if len(charts) != 1 || charts[0].ChartId != chart.ChartId || charts[0].Spec.Title != "MRR waterfall" ||
		charts[0].Spec.WaterfallChart == nil || charts[0].Spec.BasicChart != nil {
		t.Fatalf("charts after updateChartSpec = %+v", charts)
	}
	if got := charts[0].Position.OverlayPosition.AnchorCell.SheetId; got != sheetID {
		t.Errorf("chart anchored on sheet %d, want %d", got, sheetID)
	}

	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateChartSpec: &sheets.UpdateChartSpecRequest{ChartId: chart.ChartId + 1, Spec: &sheets.ChartSpec{}}},
	}}).Do()
	if gerr := apiErr(t, err); gerr.Code != 400 {
		t.Errorf("unknown chart: %d", gerr.Code)
	}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{DeleteEmbeddedObject: &sheets.DeleteEmbeddedObjectRequest{ObjectId: chart.ChartId}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if got := findSheet(t, srv.Spreadsheet(ssID), "MRR Summary").Charts; got != nil {
		t.Errorf("charts after delete = %+v", got)
	}
}

func TestDeveloperMetadata(t *testing.T) {
	srv, svc := seed(t)
	summary := srv.AddSheet(ssID, "MRR Summary", 0, 0)
	md := func(key, value string, loc *sheets.DeveloperMetadataLocation) *sheets.Request {
		return &sheets.Request{CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataRequest{
			DeveloperMetadata: &sheets.DeveloperMetadata{MetadataKey: key, MetadataValue: value, Visibility: "DOCUMENT", Location: loc},
		}}
	}
	resp, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		md("mrrbot.tab", "summary", &sheets.DeveloperMetadataLocation{SheetId: summary}),
		md("mrrbot.posted", "2026-03 C123", &sheets.DeveloperMetadataLocation{Spreadsheet: true}),
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	tabMD := resp.Replies[0].CreateDeveloperMetadata.DeveloperMetadata
	if tabMD.MetadataId <= 0 || tabMD.Location.LocationType != "SHEET" || tabMD.Location.SheetId != summary {
		t.Errorf("created = %+v, location %+v", tabMD, tabMD.Location)
	}

	// Found through spreadsheets.get ...
	ss, err := svc.Spreadsheets.Get(ssID).Fields("developerMetadata,sheets(properties.title,developerMetadata)").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.DeveloperMetadata) != 1 || ss.DeveloperMetadata[0].MetadataValue != "2026-03 C123" {
		t.Errorf("spreadsheet metadata = %+v", ss.DeveloperMetadata)
	}
	if got := findSheet(t, ss, "MRR Summary").DeveloperMetadata; len(got) != 1 || got[0].MetadataKey != "mrrbot.tab" {
		t.Errorf("sheet metadata = %+v", got)
	}
	// ... through developerMetadata.search and .get ...
	found, err := svc.Spreadsheets.DeveloperMetadata.Search(ssID, &sheets.SearchDeveloperMetadataRequest{
		DataFilters: []*sheets.DataFilter{{DeveloperMetadataLookup: &sheets.DeveloperMetadataLookup{MetadataKey: "mrrbot.tab"}}},
	}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(found.MatchedDeveloperMetadata) != 1 || found.MatchedDeveloperMetadata[0].DeveloperMetadata.MetadataId != tabMD.MetadataId {
		t.Errorf("search = %+v", found.MatchedDeveloperMetadata)
	}
	got, err := svc.Spreadsheets.DeveloperMetadata.Get(ssID, tabMD.MetadataId).Do()
	if err != nil || got.MetadataValue != "summary" {
		t.Errorf("get = %+v, %v", got, err)
	}
	// ... updated by lookup, and deleted by key.
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateDeveloperMetadata: &sheets.UpdateDeveloperMetadataRequest{
			DataFilters:       []*sheets.DataFilter{{DeveloperMetadataLookup: &sheets.DeveloperMetadataLookup{MetadataId: tabMD.MetadataId}}},
			DeveloperMetadata: &sheets.DeveloperMetadata{MetadataValue: "summary v2"},
			Fields:            "metadataValue",
		}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	resp, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{DeleteDeveloperMetadata: &sheets.DeleteDeveloperMetadataRequest{DataFilter: &sheets.DataFilter{
			DeveloperMetadataLookup: &sheets.DeveloperMetadataLookup{MetadataKey: "mrrbot.tab"},
		}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	deleted := resp.Replies[0].DeleteDeveloperMetadata.DeletedDeveloperMetadata
	if len(deleted) != 1 || deleted[0].MetadataValue != "summary v2" {
		t.Errorf("deleted = %+v", deleted)
	}
	_, err = svc.Spreadsheets.DeveloperMetadata.Get(ssID, tabMD.MetadataId).Do()
	if gerr := apiErr(t, err); gerr.Code != http.StatusNotFound {
		t.Errorf("get after delete: %d", gerr.Code)
	}

	// Metadata goes with its sheet.
	srv.AddDeveloperMetadata(ssID, &sheets.DeveloperMetadata{MetadataKey: "mrrbot.tab",
		Location: &sheets.DeveloperMetadataLocation{SheetId: summary}})
	srv.Apply(ssID, &sheets.Request{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: summary}})
	found, err = svc.Spreadsheets.DeveloperMetadata.Search(ssID, &sheets.SearchDeveloperMetadataRequest{
		DataFilters: []*sheets.DataFilter{{DeveloperMetadataLookup: &sheets.DeveloperMetadataLookup{MetadataKey: "mrrbot.tab"}}},
	}).Do()
	if err != nil || len(found.MatchedDeveloperMetadata) != 0 {
		t.Errorf("search after deleteSheet = %+v, %v", found, err)
	}

	// The Go client drops a zero sheetId: {} is no location at all.
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		md("k", "v", &sheets.DeveloperMetadataLocation{SheetId: 0}),
	}}).Do()
	if gerr := apiErr(t, err); gerr.Code != 400 {
		t.Errorf("location {}: %d", gerr.Code)
	}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		md("k", "v", &sheets.DeveloperMetadataLocation{SheetId: 0, ForceSendFields: []string{"SheetId"}}),
	}}).Do()
	if err != nil {
		t.Errorf("location sheetId 0 sent explicitly: %v", err)
	}
}

func TestValuesWithEncodedRanges(t *testing.T) {
	srv, svc := seed(t)
	srv.AddSheet(ssID, "Bob's Tab", 0, 0)
	up, err := svc.Spreadsheets.Values.Update(ssID, "'My Tab'!A1:C2", &sheets.ValueRange{Values: [][]any{
		{"20%", "2025-01-10", "$1,200.00"},
		{"=SUM(A1)", "'007", "true"},
	}}).ValueInputOption("USER_ENTERED").Do()
	if err != nil {
		t.Fatal(err)
	}
	if up.UpdatedRange != "'My Tab'!A1:C2" || up.UpdatedCells != 6 || up.UpdatedRows != 2 || up.UpdatedColumns != 3 {
		t.Errorf("update response = %+v", up)
	}

	get := func(rng, render, dates string) [][]any {
		t.Helper()
		call := svc.Spreadsheets.Values.Get(ssID, rng)
		if render != "" {
			call.ValueRenderOption(render)
		}
		if dates != "" {
			call.DateTimeRenderOption(dates)
		}
		vr, err := call.Do()
		if err != nil {
			t.Fatalf("values.get %s: %v", rng, err)
		}
		return vr.Values
	}
	tests := []struct {
		render, dates string
		want          [][]any
	}{
		{"", "", [][]any{{"20%", "2025-01-10", "$1,200.00"}, {"", "007", "TRUE"}}},
		{"UNFORMATTED_VALUE", "", [][]any{{0.2, 45667.0, 1200.0}, {"", "007", true}}},
		{"UNFORMATTED_VALUE", "FORMATTED_STRING", [][]any{{0.2, "2025-01-10", 1200.0}, {"", "007", true}}},
		{"FORMULA", "", [][]any{{0.2, 45667.0, 1200.0}, {"=SUM(A1)", "007", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.render+"/"+tt.dates, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, get("'My Tab'!A1:C2", tt.render, tt.dates)); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}

	// RAW stores strings as they are.
	_, err = svc.Spreadsheets.Values.Update(ssID, "'Bob''s Tab'!B2", &sheets.ValueRange{Values: [][]any{{"20%", 7}}}).
		ValueInputOption("RAW").Do()
	if err != nil {
		t.Fatal(err)
	}
	vr, err := svc.Spreadsheets.Values.Get(ssID, "'Bob''s Tab'").ValueRenderOption("UNFORMATTED_VALUE").Do()
	if err != nil {
		t.Fatal(err)
	}
	if vr.Range != "'Bob''s Tab'!A1:Z1000" {
		t.Errorf("range = %q", vr.Range)
	}
	if diff := cmp.Diff([][]any{{}, {"", "20%", 7.0}}, vr.Values); diff != "" {
		t.Errorf("RAW values (-want +got):\n%s", diff)
	}

	// batchGet over whole tabs and columns; trailing empties trimmed.
	bg, err := svc.Spreadsheets.Values.BatchGet(ssID).Ranges("FX", "'FX'!A:B", "Subscriptions!E1:F").Do()
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, vr := range bg.ValueRanges {
		ranges = append(ranges, vr.Range)
	}
	if diff := cmp.Diff([]string{"FX!A1:Z1000", "FX!A1:B1000", "Subscriptions!E1:F1000"}, ranges); diff != "" {
		t.Errorf("ranges (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]any{{"quantity", "discount"}, {"3", "20.00%"}}, bg.ValueRanges[2].Values); diff != "" {
		t.Errorf("E1:F (-want +got):\n%s", diff)
	}

	// values.clear keeps formats.
	cl, err := svc.Spreadsheets.Values.Clear(ssID, "'My Tab'!A1:A2", &sheets.ClearValuesRequest{}).Do()
	if err != nil || cl.ClearedRange != "'My Tab'!A1:A2" {
		t.Fatalf("clear = %+v, %v", cl, err)
	}
	tab := findSheet(t, srv.Spreadsheet(ssID), "My Tab").Data[0]
	a1 := tab.RowData[0].Values[0]
	if a1.UserEnteredValue != nil || a1.UserEnteredFormat.NumberFormat.Type != "PERCENT" {
		t.Errorf("A1 after clear = %+v", a1)
	}

	// batchUpdate of values is atomic as well.
	_, err = svc.Spreadsheets.Values.BatchUpdate(ssID, &sheets.BatchUpdateValuesRequest{
		ValueInputOption: "RAW",
		Data: []*sheets.ValueRange{
			{Range: "FX!A3", Values: [][]any{{"GBP", 1.27}}},
			{Range: "'Nope'!A1", Values: [][]any{{"x"}}},
		},
	}).Do()
	if gerr := apiErr(t, err); gerr.Code != 400 || !strings.HasPrefix(gerr.Message, "Invalid data[1]: ") {
		t.Errorf("batchUpdate: %d %q", gerr.Code, gerr.Message)
	}
	if got := get("FX!A3", "", ""); got != nil {
		t.Errorf("FX!A3 after a failed batch = %v", got)
	}
	_, err = svc.Spreadsheets.Values.Update(ssID, "FX!A3", &sheets.ValueRange{Values: [][]any{{"x"}}}).Do()
	if gerr := apiErr(t, err); gerr.Code != 400 {
		t.Errorf("missing valueInputOption: %d", gerr.Code)
	}
}

func TestFaults(t *testing.T) {
	srv, svc := seed(t)
	srv.FailNext(1, http.StatusTooManyRequests, 2*time.Second)
	_, err := svc.Spreadsheets.Get(ssID).Do()
	gerr := apiErr(t, err)
	if gerr.Code != 429 || gerr.Header.Get("Retry-After") != "2" || !strings.Contains(string(gerr.Body), "RESOURCE_EXHAUSTED") {
		t.Errorf("fault = %d, Retry-After %q, body %s", gerr.Code, gerr.Header.Get("Retry-After"), gerr.Body)
	}
	if _, err := svc.Spreadsheets.Get(ssID).Do(); err != nil {
		t.Fatalf("the call after the fault: %v", err)
	}
	if c := srv.Calls(); c.Total != 2 || c.ByMethod[sheetstest.MethodGet] != 2 {
		t.Errorf("calls = %+v, want 2 gets counted", c)
	}

	// A 503 on a write changes nothing.
	srv.ResetCalls()
	srv.FailNext(2, http.StatusServiceUnavailable, 0)
	before := srv.Spreadsheet(ssID)
	for range 2 {
		_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
			{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "MRR Summary"}}},
		}}).Do()
		if gerr := apiErr(t, err); gerr.Code != 503 || gerr.Header.Get("Retry-After") != "" {
			t.Errorf("fault = %d, Retry-After %q", gerr.Code, gerr.Header.Get("Retry-After"))
		}
	}
	if diff := cmp.Diff(before, srv.Spreadsheet(ssID)); diff != "" {
		t.Errorf("a faulted write changed state:\n%s", diff)
	}
	if got := srv.Calls().ByMethod[sheetstest.MethodBatchUpdate]; got != 2 {
		t.Errorf("faulted batchUpdates counted %d times, want 2", got)
	}
}

func TestNotFoundAndForbidden(t *testing.T) {
	srv, svc := seed(t)
	_, err := svc.Spreadsheets.Get("no-such-sheet").Do()
	gerr := apiErr(t, err)
	if gerr.Code != 404 || gerr.Message != "Requested entity was not found." || !strings.Contains(string(gerr.Body), `"status":"NOT_FOUND"`) {
		t.Errorf("unknown spreadsheet: %d %q %s", gerr.Code, gerr.Message, gerr.Body)
	}
	srv.SetForbidden(ssID, true)
	_, err = svc.Spreadsheets.Values.Get(ssID, "FX").Do()
	gerr = apiErr(t, err)
	if gerr.Code != 403 || gerr.Message != "The caller does not have permission" || !strings.Contains(string(gerr.Body), "PERMISSION_DENIED") {
		t.Errorf("forbidden: %d %q %s", gerr.Code, gerr.Message, gerr.Body)
	}
}

// TestOfficeFile checks Google's answer about an .xlsx stored in Drive: the
// Sheets API refuses every request, reads and writes alike.
func TestOfficeFile(t *testing.T) {
	srv, svc := seed(t)
	srv.SetOfficeFile(ssID, true)
	_, getErr := svc.Spreadsheets.Get(ssID).Do()
	_, batchErr := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{}).Do()
	for _, err := range []error{getErr, batchErr} {
		gerr := apiErr(t, err)
		if gerr.Code != 400 || gerr.Message != "This operation is not supported for this document" ||
			len(gerr.Errors) != 1 || gerr.Errors[0].Reason != "failedPrecondition" || !strings.Contains(string(gerr.Body), `"status":"FAILED_PRECONDITION"`) {
			t.Errorf("office file: %d %q %+v %s", gerr.Code, gerr.Message, gerr.Errors, gerr.Body)
		}
	}
	srv.SetOfficeFile(ssID, false)
	if _, err := svc.Spreadsheets.Get(ssID).Do(); err != nil {
		t.Errorf("after conversion: %v", err)
	}
}

func TestLatency(t *testing.T) {
	srv, svc := seed(t)
	srv.SetLatency(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := svc.Spreadsheets.Get(ssID).Context(ctx).Do()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline", err)
	}
	if got := srv.Calls().Total; got != 1 {
		t.Errorf("calls = %d", got)
	}
}

// TestLoseReplies applies a batchUpdate and answers it with an error, as
// when Google's reply is lost; reads and later writes are answered.
func TestLoseReplies(t *testing.T) {
	srv, svc := seed(t)
	srv.LoseReplies(1, 503)
	add := func(title string) error {
		_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
			{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: title}}},
		}}).Do()
		return err
	}
	if gerr := apiErr(t, add("Lost")); gerr.Code != 503 {
		t.Errorf("the lost reply: %d %q, want 503", gerr.Code, gerr.Message)
	}
	if _, err := svc.Spreadsheets.Get(ssID).Do(); err != nil {
		t.Errorf("a read after the lost reply: %v", err)
	}
	if err := add("Kept"); err != nil {
		t.Errorf("the next write: %v", err)
	}
	var titles []string
	for _, sh := range srv.Spreadsheet(ssID).Sheets {
		titles = append(titles, sh.Properties.Title)
	}
	if !slices.Contains(titles, "Lost") || !slices.Contains(titles, "Kept") {
		t.Errorf("tabs %q, want both writes applied", titles)
	}
}

// TestHold holds requests at a gate until released, and lets one whose
// context ends go without a reply.
func TestHold(t *testing.T) {
	srv, svc := seed(t)
	release := srv.Hold()
	get := func(ctx context.Context) chan error {
		done := make(chan error, 1)
		go func() {
			_, err := svc.Spreadsheets.Get(ssID).Context(ctx).Do()
			done <- err
		}()
		return done
	}
	atGate := func(n int) {
		for srv.Calls().Total < n {
			runtime.Gosched()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	abandoned := get(ctx)
	atGate(1)
	held := get(context.Background())
	atGate(2)
	select {
	case err := <-held:
		t.Fatalf("a held request was answered (%v)", err)
	case err := <-abandoned:
		t.Fatalf("a held request was answered (%v)", err)
	default:
	}
	cancel()
	if err := <-abandoned; !errors.Is(err, context.Canceled) {
		t.Errorf("held request whose context ended: err = %v", err)
	}
	release()
	if err := <-held; err != nil {
		t.Errorf("released request: %v", err)
	}
	release() // again: nothing
	if _, err := svc.Spreadsheets.Get(ssID).Do(); err != nil {
		t.Errorf("after release: %v", err)
	}
}

func TestStagingSwap(t *testing.T) {
	srv, svc := seed(t)
	old := srv.AddSheet(ssID, "MRR Summary", 0, 0)
	srv.SetCells(ssID, "'MRR Summary'!A1", [][]*sheets.CellData{{sheetstest.String("old")}})
	resp, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "mrrbot staging 1", Hidden: true}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	staging := resp.Replies[0].AddSheet.Properties.SheetId
	ss := srv.Spreadsheet(ssID)
	if !findSheet(t, ss, "mrrbot staging 1").Properties.Hidden {
		t.Error("staging tab is not hidden")
	}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateCells: &sheets.UpdateCellsRequest{Start: &sheets.GridCoordinate{SheetId: staging},
			Rows: []*sheets.RowData{{Values: []*sheets.CellData{sheetstest.String("new")}}}, Fields: "userEnteredValue"}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	// Renaming before deleting fails, and leaves everything as it was.
	rename := &sheets.Request{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
		Properties: &sheets.SheetProperties{SheetId: staging, Title: "MRR Summary", Hidden: false},
		Fields:     "title,hidden",
	}}
	del := &sheets.Request{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: old}}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{rename, del}}).Do()
	if gerr := apiErr(t, err); !strings.Contains(gerr.Message, "requests[0].updateSheetProperties: A sheet with the name") {
		t.Errorf("rename onto a taken title: %q", gerr.Message)
	}
	_, err = svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{del, rename}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	tab := findSheet(t, srv.Spreadsheet(ssID), "MRR Summary")
	if tab.Properties.SheetId != staging || tab.Properties.Hidden || tab.Data[0].RowData[0].Values[0].FormattedValue != "new" {
		t.Errorf("after the swap: %+v, %+v", tab.Properties, tab.Data[0].RowData)
	}
}

func TestCellFormatsAndDimensions(t *testing.T) {
	srv, svc := seed(t)
	id := srv.AddSheet(ssID, "MRR Summary", 20, 6)
	_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{UpdateCells: &sheets.UpdateCellsRequest{
			Range: &sheets.GridRange{SheetId: id, EndRowIndex: 2, EndColumnIndex: 3},
			Rows: []*sheets.RowData{
				{Values: []*sheets.CellData{sheetstest.String("Month"), sheetstest.String("Ending MRR"), sheetstest.String("NRR")}},
				{Values: []*sheets.CellData{
					sheetstest.FormattedNumber(sheetstest.SerialDate(2026, time.March, 1), "DATE", "mmm yyyy"),
					sheetstest.Currency(-12480.5),
					sheetstest.FormattedNumber(1.0423, "PERCENT", "0.0%"),
				}},
			},
			Fields: "userEnteredValue,userEnteredFormat.numberFormat",
		}},
		{RepeatCell: &sheets.RepeatCellRequest{
			Range:  &sheets.GridRange{SheetId: id, EndRowIndex: 1},
			Cell:   &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{TextFormat: &sheets.TextFormat{Bold: true}}},
			Fields: "userEnteredFormat.textFormat.bold",
		}},
		{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
			Properties: &sheets.SheetProperties{SheetId: id, GridProperties: &sheets.GridProperties{FrozenRowCount: 1}},
			Fields:     "gridProperties.frozenRowCount",
		}},
		{UpdateDimensionProperties: &sheets.UpdateDimensionPropertiesRequest{
			Range:      &sheets.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: 0, EndIndex: 1},
			Properties: &sheets.DimensionProperties{PixelSize: 140},
			Fields:     "pixelSize",
		}},
		{InsertDimension: &sheets.InsertDimensionRequest{Range: &sheets.DimensionRange{SheetId: id, Dimension: "ROWS", StartIndex: 1, EndIndex: 2}}},
		{DeleteDimension: &sheets.DeleteDimensionRequest{Range: &sheets.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: 5, EndIndex: 6}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	tab := findSheet(t, srv.Spreadsheet(ssID), "MRR Summary")
	gp := tab.Properties.GridProperties
	if gp.RowCount != 21 || gp.ColumnCount != 5 || gp.FrozenRowCount != 1 {
		t.Errorf("grid = %+v", gp)
	}
	data := tab.Data[0]
	if data.ColumnMetadata[0].PixelSize != 140 || data.ColumnMetadata[1].PixelSize != 100 {
		t.Errorf("column sizes = %d, %d", data.ColumnMetadata[0].PixelSize, data.ColumnMetadata[1].PixelSize)
	}
	header := data.RowData[0].Values[0]
	if !header.EffectiveFormat.TextFormat.Bold || header.EffectiveFormat.TextFormat.FontFamily != "arial,sans,sans-serif" {
		t.Errorf("header effectiveFormat.textFormat = %+v", header.EffectiveFormat.TextFormat)
	}
	if len(data.RowData[1].Values) != 0 {
		t.Errorf("inserted row = %+v, want empty", data.RowData[1].Values)
	}
	var got []string
	for _, c := range data.RowData[2].Values {
		got = append(got, c.FormattedValue)
	}
	if diff := cmp.Diff([]string{"Mar 2026", "-$12,480.50", "104.2%"}, got); diff != "" {
		t.Errorf("formatted row (-want +got):\n%s", diff)
	}
}

func TestProtectedRange(t *testing.T) {
	srv, svc := seed(t)
	resp, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddProtectedRange: &sheets.AddProtectedRangeRequest{ProtectedRange: &sheets.ProtectedRange{
			Range: &sheets.GridRange{SheetId: 0}, Description: "managed by mrrbot", WarningOnly: true,
		}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	pr := resp.Replies[0].AddProtectedRange.ProtectedRange
	if pr.ProtectedRangeId == 0 || !pr.WarningOnly {
		t.Fatalf("reply = %+v", pr)
	}
	if got := findSheet(t, srv.Spreadsheet(ssID), "Subscriptions").ProtectedRanges; len(got) != 1 || got[0].Description != "managed by mrrbot" {
		t.Errorf("protected ranges = %+v", got)
	}
	srv.Apply(ssID, &sheets.Request{DeleteProtectedRange: &sheets.DeleteProtectedRangeRequest{ProtectedRangeId: pr.ProtectedRangeId}})
	if got := findSheet(t, srv.Spreadsheet(ssID), "Subscriptions").ProtectedRanges; got != nil {
		t.Errorf("after delete: %+v", got)
	}
}

func TestConcurrentWrites(t *testing.T) {
	srv, svc := seed(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			_, err := svc.Spreadsheets.Values.Update(ssID, "'My Tab'!A"+string(rune('1'+i)), &sheets.ValueRange{
				Values: [][]any{{i}},
			}).ValueInputOption("RAW").Do()
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	vr, err := svc.Spreadsheets.Values.Get(ssID, "'My Tab'!A:A").Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(vr.Values) != 8 {
		t.Errorf("got %d rows, want 8: %v", len(vr.Values), vr.Values)
	}
	if got := srv.Calls().ByMethod[sheetstest.MethodValuesUpdate]; got != 8 {
		t.Errorf("values.update calls = %d", got)
	}
}

func TestFormulaCells(t *testing.T) {
	srv, svc := seed(t)
	srv.SetCells(ssID, "FX!D1", [][]*sheets.CellData{
		{sheetstest.Formula("=B2*12", &sheets.ExtendedValue{NumberValue: googleapi.Float64(12.96)})},
	})
	for render, want := range map[string]any{
		"FORMATTED_VALUE":   "12.96",
		"UNFORMATTED_VALUE": 12.96,
		"FORMULA":           "=B2*12",
	} {
		vr, err := svc.Spreadsheets.Values.Get(ssID, "FX!D1").ValueRenderOption(render).Do()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]any{{want}}, vr.Values); diff != "" {
			t.Errorf("%s (-want +got):\n%s", render, diff)
		}
	}
}

// TestRawPaths checks routing for clients that do not escape the range, and
// a "fields" mask on a values method.
func TestRawPaths(t *testing.T) {
	srv, _ := seed(t)
	for _, tt := range []struct {
		method, path, want string
	}{
		{"GET", "v4/spreadsheets/" + ssID + "/values/FX!A1:B2?fields=values", `{"values":[["currency","rate"],["EUR","1.08"]]}`},
		{"GET", "v4/spreadsheets/" + ssID + "/values/%27FX%27%21A2%3AB2?fields=range", `{"range":"FX!A2:B2"}`},
		{"POST", "v4/spreadsheets/" + ssID + "/values/FX!B2:clear", `{"clearedRange":"FX!B2","spreadsheetId":"` + ssID + `"}`},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL()+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := new(strings.Builder)
		_, _ = io.Copy(body, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || body.String() != tt.want {
			t.Errorf("%s %s = %d %s, want %s", tt.method, tt.path, resp.StatusCode, body, tt.want)
		}
	}
	resp, err := http.Post(srv.URL()+"v4/spreadsheets/"+ssID+"/values/FX!A1:append", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotImplemented {
		t.Errorf("values.append = %d, want 501", resp.StatusCode)
	}
	c := srv.Calls()
	if c.Total != 4 || c.ByMethod[sheetstest.MethodValuesGet] != 2 || c.ByMethod[sheetstest.MethodValuesClear] != 1 {
		t.Errorf("calls = %+v", c)
	}
}

func TestIncludeSpreadsheetInResponse(t *testing.T) {
	_, svc := seed(t)
	resp, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{
		Requests: []*sheets.Request{{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
			Properties: &sheets.SheetProperties{SheetId: 0, Title: "Subs", Index: 2},
			Fields:     "title,index",
		}}},
		IncludeSpreadsheetInResponse: true,
	}).Fields("updatedSpreadsheet.sheets.properties(title,index)").Do()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, sh := range resp.UpdatedSpreadsheet.Sheets {
		got = append(got, sh.Properties.Title)
	}
	// Google counts a move's target index before the move.
	if diff := cmp.Diff([]string{"FX", "Subs", "My Tab"}, got); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	if resp.Replies != nil || resp.SpreadsheetId != "" {
		t.Errorf("mask kept replies or spreadsheetId: %+v", resp)
	}
}

func TestConditionalFormatRules(t *testing.T) {
	srv, svc := seed(t)
	sheetID := srv.AddSheet(ssID, "MRR Summary", 10, 5)
	batch := func(reqs ...*sheets.Request) (*sheets.BatchUpdateSpreadsheetResponse, error) {
		return svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Do()
	}
	point := func(typ, value string, red float64) *sheets.InterpolationPoint {
		return &sheets.InterpolationPoint{Type: typ, Value: value, ColorStyle: &sheets.ColorStyle{RgbColor: &sheets.Color{Red: red}}}
	}
	rng := func(r0, r1, c0, c1 int64) *sheets.GridRange {
		return &sheets.GridRange{SheetId: sheetID, StartRowIndex: r0, EndRowIndex: r1, StartColumnIndex: c0, EndColumnIndex: c1}
	}
	gradient := &sheets.ConditionalFormatRule{
		Ranges: []*sheets.GridRange{rng(1, 10, 1, 3)},
		GradientRule: &sheets.GradientRule{
			Minpoint: point("NUMBER", "0", 1), Midpoint: point("NUMBER", "0.5", 0.5), Maxpoint: point("NUMBER", "1", 0.25),
		},
	}
	boolean := &sheets.ConditionalFormatRule{
		Ranges: []*sheets.GridRange{rng(1, 10, 4, 5)},
		BooleanRule: &sheets.BooleanRule{
			Condition: &sheets.BooleanCondition{Type: "NUMBER_LESS", Values: []*sheets.ConditionValue{{UserEnteredValue: "0"}}},
			Format:    &sheets.CellFormat{TextFormat: &sheets.TextFormat{Bold: true}},
		},
	}
	// The boolean rule goes in front of the gradient: index 0 is the first.
	if _, err := batch(
		&sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: gradient}},
		&sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: boolean}},
	); err != nil {
		t.Fatal(err)
	}
	rules := func() []*sheets.ConditionalFormatRule {
		t.Helper()
		ss, err := svc.Spreadsheets.Get(ssID).Fields("sheets(properties.title,conditionalFormats)").Do()
		if err != nil {
			t.Fatal(err)
		}
		return findSheet(t, ss, "MRR Summary").ConditionalFormats
	}
	if diff := cmp.Diff([]*sheets.ConditionalFormatRule{boolean, gradient}, rules()); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	// A mask that does not ask for them leaves them out.
	ss, err := svc.Spreadsheets.Get(ssID).Fields("sheets(properties.title,charts)").Do()
	if err != nil {
		t.Fatal(err)
	}
	if got := findSheet(t, ss, "MRR Summary").ConditionalFormats; got != nil {
		t.Errorf("conditionalFormats not asked for, got %+v", got)
	}

	before := srv.Spreadsheet(ssID)
	refused := []struct {
		name string
		req  *sheets.Request
	}{
		{"add on an unknown sheet", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			Ranges: []*sheets.GridRange{{SheetId: 999, EndRowIndex: 2}}, GradientRule: gradient.GradientRule,
		}}}},
		{"add past the grid", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			Ranges: []*sheets.GridRange{rng(1, 11, 0, 1)}, GradientRule: gradient.GradientRule,
		}}}},
		{"add at an index past the end", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Index: 3, Rule: gradient}}},
		{"add without a range", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			GradientRule: gradient.GradientRule,
		}}}},
		{"add with ranges on two sheets", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			Ranges: []*sheets.GridRange{rng(1, 2, 0, 1), {SheetId: 0, EndRowIndex: 2}}, GradientRule: gradient.GradientRule,
		}}}},
		{"add a gradient without a maxpoint", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			Ranges: []*sheets.GridRange{rng(1, 2, 0, 1)}, GradientRule: &sheets.GradientRule{Minpoint: point("MIN", "", 1)},
		}}}},
		{"add a number point without a value", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			Ranges: []*sheets.GridRange{rng(1, 2, 0, 1)}, GradientRule: &sheets.GradientRule{Minpoint: point("NUMBER", "", 1), Maxpoint: point("MAX", "", 0)},
		}}}},
		{"add both kinds of rule", &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
			Ranges: []*sheets.GridRange{rng(1, 2, 0, 1)}, GradientRule: gradient.GradientRule, BooleanRule: boolean.BooleanRule,
		}}}},
		{"delete on an unknown sheet", &sheets.Request{DeleteConditionalFormatRule: &sheets.DeleteConditionalFormatRuleRequest{SheetId: 999}}},
		{"delete past the last rule", &sheets.Request{DeleteConditionalFormatRule: &sheets.DeleteConditionalFormatRuleRequest{SheetId: sheetID, Index: 2}}},
		{"delete on a sheet without rules", &sheets.Request{DeleteConditionalFormatRule: &sheets.DeleteConditionalFormatRuleRequest{
			SheetId: 0, ForceSendFields: []string{"SheetId", "Index"},
		}}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := batch(tt.req)
			gerr := apiErr(t, err)
			if gerr.Code != 400 || !strings.HasPrefix(gerr.Message, "Invalid requests[0].") || !strings.Contains(gerr.Message, "ConditionalFormatRule: ") {
				t.Errorf("got %d %q, want a 400 naming the request", gerr.Code, gerr.Message)
			}
		})
	}
	if diff := cmp.Diff(before, srv.Spreadsheet(ssID)); diff != "" {
		t.Errorf("state changed by refused requests (-before +after):\n%s", diff)
	}

	// Rules follow their rows: two rows deleted above, one inserted
	// inside, and the grid cut to 7 rows.
	if _, err := batch(
		&sheets.Request{DeleteDimension: &sheets.DeleteDimensionRequest{Range: &sheets.DimensionRange{SheetId: sheetID, Dimension: "ROWS", StartIndex: 0, EndIndex: 2}}},
		&sheets.Request{InsertDimension: &sheets.InsertDimensionRequest{Range: &sheets.DimensionRange{SheetId: sheetID, Dimension: "ROWS", StartIndex: 3, EndIndex: 4}}},
		&sheets.Request{UpdateSheetProperties: &sheets.UpdateSheetPropertiesRequest{
			Properties: &sheets.SheetProperties{SheetId: sheetID, GridProperties: &sheets.GridProperties{RowCount: 7, ColumnCount: 5}},
			Fields:     "gridProperties(rowCount,columnCount)",
		}},
	); err != nil {
		t.Fatal(err)
	}
	var got []*sheets.GridRange
	for _, r := range rules() {
		got = append(got, r.Ranges...)
	}
	// [1, 10) less rows 0–1 is [0, 8); a row inserted at 3 makes it [0, 9);
	// 7 rows leave [0, 7).
	if diff := cmp.Diff([]*sheets.GridRange{rng(0, 7, 4, 5), rng(0, 7, 1, 3)}, got); diff != "" {
		t.Errorf("ranges after row changes (-want +got):\n%s", diff)
	}
	// Deleting every column a rule covers removes the rule.
	if _, err := batch(&sheets.Request{DeleteDimension: &sheets.DeleteDimensionRequest{
		Range: &sheets.DimensionRange{SheetId: sheetID, Dimension: "COLUMNS", StartIndex: 4, EndIndex: 5},
	}}); err != nil {
		t.Fatal(err)
	}
	if got := rules(); len(got) != 1 || got[0].GradientRule == nil {
		t.Errorf("after deleting the boolean rule's column: %+v", got)
	}

	resp, err := batch(&sheets.Request{DeleteConditionalFormatRule: &sheets.DeleteConditionalFormatRuleRequest{
		SheetId: sheetID, Index: 0, ForceSendFields: []string{"Index"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r := resp.Replies[0].DeleteConditionalFormatRule; r == nil || r.Rule.GradientRule == nil {
		t.Errorf("deleteConditionalFormatRule reply = %+v", resp.Replies[0])
	}
	if got := rules(); got != nil {
		t.Errorf("rules after delete = %+v", got)
	}

	// A deleted sheet takes its rules with it.
	srv.Apply(ssID, &sheets.Request{AddConditionalFormatRule: &sheets.AddConditionalFormatRuleRequest{Rule: &sheets.ConditionalFormatRule{
		Ranges: []*sheets.GridRange{rng(1, 3, 0, 1)}, GradientRule: gradient.GradientRule,
	}}})
	srv.Apply(ssID, &sheets.Request{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: sheetID}})
	srv.AddSheet(ssID, "MRR Summary", 10, 5)
	for _, sh := range srv.Spreadsheet(ssID).Sheets {
		if sh.ConditionalFormats != nil {
			t.Errorf("sheet %q has rules %+v", sh.Properties.Title, sh.ConditionalFormats)
		}
	}
}

// TestMergesHiddenColumnsAndFormulas: what a reader of a person's sheet
// needs besides values comes back as Google returns it: merged ranges
// (with only the top-left value kept), columns hidden by the user, the
// formula of a computed cell beside its result, and the pattern of a
// number format.
func TestMergesHiddenColumnsAndFormulas(t *testing.T) {
	srv, svc := seed(t)
	subs := srv.Spreadsheet(ssID).Sheets[0].Properties.SheetId
	total := "=SUM(C2:C3)"
	srv.SetCells(ssID, "Subscriptions!A4", [][]*sheets.CellData{
		{sheetstest.String("TOTAL"), nil, sheetstest.Formula(total, &sheets.ExtendedValue{NumberValue: ptr(1299.5)}),
			sheetstest.FormattedNumber(100, "CURRENCY", `[$€-407]#,##0.00`)},
	})
	batch := func(reqs ...*sheets.Request) error {
		_, err := svc.Spreadsheets.BatchUpdate(ssID, &sheets.BatchUpdateSpreadsheetRequest{Requests: reqs}).Do()
		return err
	}
	rng := func(r0, r1, c0, c1 int64) *sheets.GridRange {
		return &sheets.GridRange{SheetId: subs, StartRowIndex: r0, EndRowIndex: r1, StartColumnIndex: c0, EndColumnIndex: c1}
	}
	if err := batch(
		&sheets.Request{MergeCells: &sheets.MergeCellsRequest{Range: rng(1, 3, 0, 1), MergeType: "MERGE_ALL"}},
		&sheets.Request{UpdateDimensionProperties: &sheets.UpdateDimensionPropertiesRequest{
			Range:      &sheets.DimensionRange{SheetId: subs, Dimension: "COLUMNS", StartIndex: 1, EndIndex: 2},
			Properties: &sheets.DimensionProperties{HiddenByUser: true},
			Fields:     "hiddenByUser",
		}},
	); err != nil {
		t.Fatal(err)
	}
	ss, err := svc.Spreadsheets.Get(ssID).Ranges("Subscriptions").
		Fields("sheets(properties(title),merges,data(columnMetadata(hiddenByUser),rowData(values(effectiveValue,userEnteredValue(formulaValue),effectiveFormat(numberFormat(type,pattern))))))").Do()
	if err != nil {
		t.Fatal(err)
	}
	sh := findSheet(t, ss, "Subscriptions")
	if diff := cmp.Diff([]*sheets.GridRange{{SheetId: subs, StartRowIndex: 1, EndRowIndex: 3, EndColumnIndex: 1}}, sh.Merges); diff != "" {
		t.Errorf("merges (-want +got):\n%s", diff)
	}
	rows := sh.Data[0].RowData
	if v := rows[1].Values[0].EffectiveValue; v == nil || v.StringValue == nil || *v.StringValue != "acme" {
		t.Errorf("top-left of the merge = %+v, want acme", v)
	}
	if v := rows[2].Values[0].EffectiveValue; v != nil {
		t.Errorf("a merged cell below the top-left = %+v, want empty", v)
	}
	var hidden []bool
	for _, md := range sh.Data[0].ColumnMetadata[:3] {
		hidden = append(hidden, md.HiddenByUser)
	}
	if diff := cmp.Diff([]bool{false, true, false}, hidden); diff != "" {
		t.Errorf("hiddenByUser of columns A–C (-want +got):\n%s", diff)
	}
	c := rows[3].Values[2]
	if c.UserEnteredValue == nil || c.UserEnteredValue.FormulaValue == nil || *c.UserEnteredValue.FormulaValue != total || *c.EffectiveValue.NumberValue != 1299.5 {
		t.Errorf("formula cell = %+v, want %s computing 1299.5", c, total)
	}
	if rows[1].Values[2].UserEnteredValue != nil {
		t.Errorf("a plain value has userEnteredValue %+v under a mask of its formula only", rows[1].Values[2].UserEnteredValue)
	}
	if nf := rows[3].Values[3].EffectiveFormat.NumberFormat; nf.Type != "CURRENCY" || nf.Pattern != `[$€-407]#,##0.00` {
		t.Errorf("number format = %+v", nf)
	}

	// Merging over a merge is refused; unmerging, then inserting a row
	// above, moves what is merged.
	if err := batch(&sheets.Request{MergeCells: &sheets.MergeCellsRequest{Range: rng(2, 4, 0, 1), MergeType: "MERGE_ALL"}}); err == nil {
		t.Error("merging over a merged range: no error")
	}
	if err := batch(
		&sheets.Request{MergeCells: &sheets.MergeCellsRequest{Range: rng(4, 6, 5, 7), MergeType: "MERGE_COLUMNS"}},
		&sheets.Request{UnmergeCells: &sheets.UnmergeCellsRequest{Range: rng(0, 3, 0, 1)}},
		&sheets.Request{InsertDimension: &sheets.InsertDimensionRequest{Range: &sheets.DimensionRange{SheetId: subs, Dimension: "ROWS", StartIndex: 0, EndIndex: 1}}},
	); err != nil {
		t.Fatal(err)
	}
	want := []*sheets.GridRange{
		{SheetId: subs, StartRowIndex: 5, EndRowIndex: 7, StartColumnIndex: 5, EndColumnIndex: 6},
		{SheetId: subs, StartRowIndex: 5, EndRowIndex: 7, StartColumnIndex: 6, EndColumnIndex: 7},
	}
	if diff := cmp.Diff(want, findSheet(t, srv.Spreadsheet(ssID), "Subscriptions").Merges); diff != "" {
		t.Errorf("merges after unmerge and insert (-want +got):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }
