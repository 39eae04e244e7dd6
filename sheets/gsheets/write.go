package gsheets

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/mrrbot/mrrbot/sheets"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// writeTabs is Write into the spreadsheet whose layout is ss.
func (g *Spreadsheet) writeTabs(ctx context.Context, ss *layout, tabs []sheets.Tab) (*sheets.WriteResult, error) {
	for i := range tabs {
		t := &tabs[i]
		if sh := ss.byTitle(t.Name); sh != nil && sh.Role != t.Role {
			return nil, &sheets.TabConflictError{Tab: t.Name, Role: t.Role}
		}
		if err := t.Check(); err != nil {
			return nil, fmt.Errorf("write tabs: tab %q: %w", t.Name, err)
		}
	}
	// A write far over the limit goes straight to staging, without
	// building (and holding) the whole request first.
	if est := estimateBytes(tabs); est > 2*g.maxRequest {
		g.log.Info("tabs too large for one request; writing through staging tabs", "estimated_bytes", est)
		return g.writeStaged(ctx, ss, tabs)
	}
	p := newPlan(ss)
	p.removeLeftovers()
	res := &sheets.WriteResult{}
	for i := range tabs {
		p.writeTab(&tabs[i], res)
	}
	body, err := json.Marshal(&sheetsapi.BatchUpdateSpreadsheetRequest{Requests: p.reqs})
	if err != nil {
		return nil, fmt.Errorf("write tabs: %w", err)
	}
	if len(body) <= g.maxRequest {
		g.log.Debug("writing tabs", "requests", len(p.reqs), "bytes", len(body))
		if err := g.apply(ctx, ss, p.reqs, "write tabs"); err != nil {
			return nil, err
		}
		return res, nil
	}
	g.log.Info("tabs too large for one request; writing through staging tabs", "bytes", len(body))
	return g.writeStaged(ctx, ss, tabs)
}

// plan collects the requests of one batchUpdate.
type plan struct {
	ss   *layout
	reqs []*sheetsapi.Request
	used map[int64]bool // sheet IDs taken
}

func newPlan(ss *layout) *plan {
	p := &plan{ss: ss, used: map[int64]bool{}}
	for _, sh := range ss.Sheets {
		p.used[sh.ID] = true
	}
	return p
}

func (p *plan) add(r *sheetsapi.Request) { p.reqs = append(p.reqs, r) }

// newSheetID picks an unused, non-zero sheet ID, so later requests of the
// same batch can name a tab that the batch creates.
func (p *plan) newSheetID() int64 {
	for {
		id := rand.Int64N(1<<31-2) + 1
		if !p.used[id] {
			p.used[id] = true
			return id
		}
	}
}

// removeLeftovers deletes staging tabs that a failed large write left.
func (p *plan) removeLeftovers() {
	for _, sh := range p.ss.Sheets {
		if sh.Staging != "" {
			p.add(&sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: sh.ID, ForceSendFields: []string{"SheetId"}}})
		}
	}
}

// tabSize returns the grid a tab needs: its rows and header, and the columns
// up to its chart's anchor.
func tabSize(t *sheets.Tab) (rows, cols int64) {
	rows = int64(len(t.Rows)) + 1
	// Google refuses to freeze every row of a tab: keep one more.
	rows = max(rows, int64(t.FrozenRows)+1)
	cols = int64(len(t.Columns))
	if t.Chart != nil && int64(t.Chart.Column)+1 > cols {
		cols = int64(t.Chart.Column) + 1
	}
	return rows, cols
}

// writeTab adds the requests that make the bot's tab for t.Role hold t.
func (p *plan) writeTab(t *sheets.Tab, res *sheets.WriteResult) {
	rows, cols := tabSize(t)
	sh := p.ss.byRole(t.Role)
	var id int64
	var charts []int64
	if sh == nil {
		id = p.newSheetID()
		p.add(&sheetsapi.Request{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: id, Title: t.Name, Hidden: t.Hidden,
			GridProperties: &sheetsapi.GridProperties{RowCount: rows, ColumnCount: cols, FrozenRowCount: int64(t.FrozenRows)},
		}}})
		p.add(metadata(id, metaTab, t.Role))
		if t.Protected {
			p.add(protect(id, t))
		}
		res.Created = append(res.Created, t.Name)
	} else {
		id, charts = sh.ID, sh.Charts
		// The tab's rules go first, while the count read with the layout
		// still holds: shrinking the grid may remove a rule whose cells it
		// drops. Deleting from the last keeps the other indexes in place.
		for i := sh.ConditionalFormats - 1; i >= 0; i-- {
			p.add(&sheetsapi.Request{DeleteConditionalFormatRule: &sheetsapi.DeleteConditionalFormatRuleRequest{
				SheetId: id, Index: int64(i), ForceSendFields: []string{"SheetId", "Index"},
			}})
		}
		// Shrink before growing: Google checks the spreadsheet's cell limit
		// after each step.
		p.add(resize(id, minI(rows, sh.Rows), minI(cols, sh.Cols), t))
		p.add(resize(id, rows, cols, t))
		res.Updated = append(res.Updated, t.Name)
	}
	p.add(&sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{
		Range:  &sheetsapi.GridRange{SheetId: id, StartRowIndex: 0, EndRowIndex: rows, StartColumnIndex: 0, EndColumnIndex: cols, ForceSendFields: []string{"SheetId"}},
		Rows:   apiRows(t, 0, len(t.Rows), true),
		Fields: "userEnteredValue,userEnteredFormat",
	}})
	p.formatColumns(id, t)
	p.addColorScales(id, t)
	switch {
	case t.Chart != nil && len(t.Rows) > 0:
		spec := chartSpec(id, t)
		if len(charts) > 0 {
			p.add(&sheetsapi.Request{UpdateChartSpec: &sheetsapi.UpdateChartSpecRequest{ChartId: charts[0], Spec: spec}})
			for _, extra := range charts[1:] {
				p.add(&sheetsapi.Request{DeleteEmbeddedObject: &sheetsapi.DeleteEmbeddedObjectRequest{ObjectId: extra}})
			}
		} else {
			p.add(addChart(id, t, spec))
		}
	case t.Chart == nil && t.Role == sheets.RoleSummary:
		// The summary's chart, which earlier versions drew there, has a
		// tab of its own now. Charts a person added to the other tabs
		// stay.
		for _, old := range charts {
			p.add(&sheetsapi.Request{DeleteEmbeddedObject: &sheetsapi.DeleteEmbeddedObjectRequest{ObjectId: old}})
		}
	}
}

func minI(a, b int64) int64 {
	if b > 0 && b < a {
		return b
	}
	return a
}

func resize(id, rows, cols int64, t *sheets.Tab) *sheetsapi.Request {
	return &sheetsapi.Request{UpdateSheetProperties: &sheetsapi.UpdateSheetPropertiesRequest{
		Properties: &sheetsapi.SheetProperties{
			SheetId: id, Title: t.Name, Hidden: t.Hidden,
			GridProperties:  &sheetsapi.GridProperties{RowCount: rows, ColumnCount: cols, FrozenRowCount: int64(t.FrozenRows), ForceSendFields: []string{"FrozenRowCount"}},
			ForceSendFields: []string{"SheetId", "Hidden"},
		},
		Fields: "title,hidden,gridProperties.rowCount,gridProperties.columnCount,gridProperties.frozenRowCount",
	}}
}

// protect asks the spreadsheet to warn whoever edits the tab.
func protect(sheetID int64, t *sheets.Tab) *sheetsapi.Request {
	return &sheetsapi.Request{AddProtectedRange: &sheetsapi.AddProtectedRangeRequest{ProtectedRange: &sheetsapi.ProtectedRange{
		Range:       &sheetsapi.GridRange{SheetId: sheetID, ForceSendFields: []string{"SheetId"}},
		Description: "mrrbot keeps its books here; edits are undone by the next sync",
		WarningOnly: true,
	}}}
}

func metadata(sheetID int64, key, value string) *sheetsapi.Request {
	return &sheetsapi.Request{CreateDeveloperMetadata: &sheetsapi.CreateDeveloperMetadataRequest{
		DeveloperMetadata: &sheetsapi.DeveloperMetadata{
			MetadataKey:   key,
			MetadataValue: value,
			Location:      &sheetsapi.DeveloperMetadataLocation{SheetId: sheetID, ForceSendFields: []string{"SheetId"}},
			Visibility:    "DOCUMENT",
		},
	}}
}

// apiRows converts rows [from, to) of t, with the header first when
// header is set. Values only: each column's format is set once for the
// whole column by formatColumns, which keeps the request small.
func apiRows(t *sheets.Tab, from, to int, header bool) []*sheetsapi.RowData {
	out := make([]*sheetsapi.RowData, 0, to-from+1)
	if header {
		hd := &sheetsapi.RowData{}
		for _, c := range t.Columns {
			title := fitCell(c.Title)
			hd.Values = append(hd.Values, &sheetsapi.CellData{
				UserEnteredValue:  &sheetsapi.ExtendedValue{StringValue: &title},
				UserEnteredFormat: &sheetsapi.CellFormat{TextFormat: &sheetsapi.TextFormat{Bold: true}},
			})
		}
		out = append(out, hd)
	}
	for _, row := range t.Rows[from:to] {
		rd := &sheetsapi.RowData{Values: make([]*sheetsapi.CellData, len(row))}
		for i, c := range row {
			rd.Values[i] = apiValue(c)
		}
		out = append(out, rd)
	}
	return out
}

// apiValue converts a cell. Text is always a string value, never parsed:
// a customer named "=1+1" stays text.
func apiValue(c sheets.Cell) *sheetsapi.CellData {
	switch c.Kind {
	case sheets.Text:
		s := fitCell(c.Text)
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{StringValue: &s}}
	case sheets.Number:
		f, err := strconv.ParseFloat(c.Text, 64)
		if err != nil {
			s := c.Text
			return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{StringValue: &s}}
		}
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{NumberValue: &f}}
	case sheets.Bool:
		b := c.Text == "TRUE"
		return &sheetsapi.CellData{UserEnteredValue: &sheetsapi.ExtendedValue{BoolValue: &b, ForceSendFields: []string{"BoolValue"}}}
	}
	return &sheetsapi.CellData{}
}

// MaxCellChars is the most characters a Google Sheets cell holds. Google
// refuses a whole batchUpdate that writes a longer cell.
const MaxCellChars = 50000

// fitCell returns s, or when it is longer than a cell may be, its start
// and an ellipsis, MaxCellChars characters in all. It is the last guard of
// every text cell mrrbot writes to Google: the tabs quote long values
// shortened already, but one over the limit must not cost the whole
// write. Characters are counted in UTF-16 code units, which are never
// fewer than the characters Google counts.
func fitCell(s string) string {
	if len(s) <= MaxCellChars { // UTF-8 bytes ≥ UTF-16 units
		return s
	}
	units := 0
	for i, r := range s {
		n := 1
		if r > 0xFFFF {
			n = 2
		}
		if units+n > MaxCellChars-1 { // room for the ellipsis
			if utf16Len(s[i:]) <= MaxCellChars-units {
				return s
			}
			return s[:i] + "…"
		}
		units += n
	}
	return s
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// apiFormatType is the Sheets number format type of a column format.
func apiFormatType(f sheets.Format) string {
	switch f {
	case sheets.FormatDate:
		return "DATE"
	case sheets.FormatPercent:
		return "PERCENT"
	case sheets.FormatCurrency:
		return "CURRENCY"
	case sheets.FormatNumber:
		return "NUMBER"
	}
	return ""
}

// formatColumns sets each column's number format below the header, and
// its width.
func (p *plan) formatColumns(id int64, t *sheets.Tab) {
	for i, c := range t.Columns {
		if typ := apiFormatType(c.Format); typ != "" && c.Pattern != "" && len(t.Rows) > 0 {
			p.add(&sheetsapi.Request{RepeatCell: &sheetsapi.RepeatCellRequest{
				Range: &sheetsapi.GridRange{SheetId: id, StartRowIndex: 1, EndRowIndex: int64(len(t.Rows)) + 1,
					StartColumnIndex: int64(i), EndColumnIndex: int64(i) + 1, ForceSendFields: []string{"SheetId", "StartColumnIndex"}},
				Cell:   &sheetsapi.CellData{UserEnteredFormat: &sheetsapi.CellFormat{NumberFormat: &sheetsapi.NumberFormat{Type: typ, Pattern: c.Pattern}}},
				Fields: "userEnteredFormat.numberFormat",
			}})
		}
		if c.Wrap && len(t.Rows) > 0 {
			p.add(&sheetsapi.Request{RepeatCell: &sheetsapi.RepeatCellRequest{
				Range: &sheetsapi.GridRange{SheetId: id, StartRowIndex: 1, EndRowIndex: int64(len(t.Rows)) + 1,
					StartColumnIndex: int64(i), EndColumnIndex: int64(i) + 1, ForceSendFields: []string{"SheetId", "StartColumnIndex"}},
				Cell:   &sheetsapi.CellData{UserEnteredFormat: &sheetsapi.CellFormat{WrapStrategy: "WRAP"}},
				Fields: "userEnteredFormat.wrapStrategy",
			}})
		}
		if c.Width > 0 {
			p.add(&sheetsapi.Request{UpdateDimensionProperties: &sheetsapi.UpdateDimensionPropertiesRequest{
				Range:      &sheetsapi.DimensionRange{SheetId: id, Dimension: "COLUMNS", StartIndex: int64(i), EndIndex: int64(i) + 1, ForceSendFields: []string{"SheetId", "StartIndex"}},
				Properties: &sheetsapi.DimensionProperties{PixelSize: int64(c.Width)},
				Fields:     "pixelSize",
			}})
		}
	}
}

// addColorScales adds a gradient rule for each colour scale of t, in
// order, to the tab id, which has no rules.
func (p *plan) addColorScales(id int64, t *sheets.Tab) {
	n := int64(0)
	for i := range t.ColorScales {
		s := &t.ColorScales[i]
		if s.Empty() {
			continue
		}
		g := &sheetsapi.GradientRule{
			Minpoint: interpolationPoint(s.Min, s.Low),
			Maxpoint: interpolationPoint(s.Max, s.High),
		}
		if s.HasMid() {
			g.Midpoint = interpolationPoint(s.Mid, s.MidColor)
		}
		p.add(&sheetsapi.Request{AddConditionalFormatRule: &sheetsapi.AddConditionalFormatRuleRequest{
			Index: n,
			Rule: &sheetsapi.ConditionalFormatRule{
				// Rows are offset by the header; the ends are exclusive.
				Ranges: []*sheetsapi.GridRange{{
					SheetId: id, StartRowIndex: int64(s.FirstRow) + 1, EndRowIndex: int64(s.LastRow) + 2,
					StartColumnIndex: int64(s.FirstColumn), EndColumnIndex: int64(s.LastColumn) + 1,
					ForceSendFields: []string{"SheetId", "StartColumnIndex"},
				}},
				GradientRule: g,
			},
			ForceSendFields: []string{"Index"},
		}})
		n++
	}
}

// interpolationPoint is a point of a gradient rule pinned to a number.
// The tab's colour scales have been checked: the value is a number and the
// colour "#rrggbb".
func interpolationPoint(value, color string) *sheetsapi.InterpolationPoint {
	lit, _ := sheets.NumberLiteral(value)
	rgb, _ := sheets.ParseColor(color)
	c := &sheetsapi.Color{Red: float64(rgb[0]) / 255, Green: float64(rgb[1]) / 255, Blue: float64(rgb[2]) / 255}
	return &sheetsapi.InterpolationPoint{Type: "NUMBER", Value: lit, ColorStyle: &sheetsapi.ColorStyle{RgbColor: c}}
}

func chartSpec(id int64, t *sheets.Tab) *sheetsapi.ChartSpec {
	ch := t.Chart
	n := int64(len(t.Rows)) + 1
	col := func(c int) *sheetsapi.ChartData {
		return &sheetsapi.ChartData{SourceRange: &sheetsapi.ChartSourceRange{Sources: []*sheetsapi.GridRange{{
			SheetId: id, StartRowIndex: 0, EndRowIndex: n, StartColumnIndex: int64(c), EndColumnIndex: int64(c) + 1,
			ForceSendFields: []string{"SheetId", "StartColumnIndex"},
		}}}}
	}
	basic := &sheetsapi.BasicChartSpec{
		ChartType:      "COLUMN",
		LegendPosition: "BOTTOM_LEGEND",
		HeaderCount:    1,
		Axis: []*sheetsapi.BasicChartAxis{
			{Position: "BOTTOM_AXIS", Title: t.Columns[ch.Domain].Title},
			{Position: "LEFT_AXIS", Title: "MRR"},
		},
		Domains: []*sheetsapi.BasicChartDomain{{Domain: col(ch.Domain)}},
	}
	if ch.Stacked {
		basic.StackedType = "STACKED"
	}
	right := false
	for _, s := range ch.Series {
		typ, axis := "COLUMN", "LEFT_AXIS"
		if s.Line {
			typ = "LINE"
			basic.ChartType = "COMBO"
		}
		if s.RightAxis {
			axis = "RIGHT_AXIS"
			if !right {
				right = true
				basic.Axis = append(basic.Axis, &sheetsapi.BasicChartAxis{Position: "RIGHT_AXIS", Title: t.Columns[s.Column].Title})
			}
		}
		bs := &sheetsapi.BasicChartSeries{Series: col(s.Column), TargetAxis: axis, Type: typ}
		if rgb, ok := sheets.ParseColor(s.Color); ok {
			bs.ColorStyle = &sheetsapi.ColorStyle{RgbColor: &sheetsapi.Color{
				Red: float64(rgb[0]) / 255, Green: float64(rgb[1]) / 255, Blue: float64(rgb[2]) / 255,
			}}
		}
		basic.Series = append(basic.Series, bs)
	}
	return &sheetsapi.ChartSpec{Title: ch.Title, BasicChart: basic, HiddenDimensionStrategy: "SHOW_ALL"}
}

func addChart(id int64, t *sheets.Tab, spec *sheetsapi.ChartSpec) *sheetsapi.Request {
	return &sheetsapi.Request{AddChart: &sheetsapi.AddChartRequest{Chart: &sheetsapi.EmbeddedChart{
		Spec: spec,
		Position: &sheetsapi.EmbeddedObjectPosition{OverlayPosition: &sheetsapi.OverlayPosition{
			AnchorCell:   &sheetsapi.GridCoordinate{SheetId: id, RowIndex: 0, ColumnIndex: int64(t.Chart.Column), ForceSendFields: []string{"SheetId", "RowIndex"}},
			WidthPixels:  int64(t.Chart.Width),
			HeightPixels: int64(t.Chart.Height),
		}},
	}}}
}

// writeStaged writes tabs too large for one request: the first call
// creates hidden staging tabs (removing leftovers of an earlier failure),
// the next ones fill them in chunks that each fit a request, and the last
// one deletes the old bot tabs and gives the staging tabs their names,
// formats, metadata and chart. Until that last call the old tabs are
// untouched.
func (g *Spreadsheet) writeStaged(ctx context.Context, ss *layout, tabs []sheets.Tab) (*sheets.WriteResult, error) {
	p := newPlan(ss)
	p.removeLeftovers()
	staged := make([]int64, len(tabs))
	for i := range tabs {
		t := &tabs[i]
		rows, cols := tabSize(t)
		staged[i] = p.newSheetID()
		p.add(&sheetsapi.Request{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: staged[i], Title: fmt.Sprintf("_mrrbot_staging_%s_%d", t.Role, staged[i]), Hidden: true,
			GridProperties: &sheetsapi.GridProperties{RowCount: rows, ColumnCount: cols},
		}}})
		p.add(metadata(staged[i], metaStaging, t.Role))
	}
	if err := g.apply(ctx, ss, p.reqs, "create staging tabs"); err != nil {
		return nil, err
	}

	// Fill: chunks of rows sized from the average encoded row.
	for i := range tabs {
		t := &tabs[i]
		header := true
		for from := 0; from < len(t.Rows) || header; {
			to := g.chunkEnd(t, from)
			start := int64(from) + 1
			if header {
				start = 0
			}
			req := &sheetsapi.Request{UpdateCells: &sheetsapi.UpdateCellsRequest{
				Start:  &sheetsapi.GridCoordinate{SheetId: staged[i], RowIndex: start, ColumnIndex: 0, ForceSendFields: []string{"SheetId", "RowIndex", "ColumnIndex"}},
				Rows:   apiRows(t, from, to, header),
				Fields: "userEnteredValue,userEnteredFormat",
			}}
			if err := g.apply(ctx, ss, []*sheetsapi.Request{req}, fmt.Sprintf("write rows %d–%d of tab %q", from+1, to, t.Name)); err != nil {
				return nil, err
			}
			header = false
			from = to
		}
	}

	// Swap: delete the old tabs first (a rename onto a taken name fails).
	p = newPlan(ss)
	res := &sheets.WriteResult{}
	for i := range tabs {
		t := &tabs[i]
		if old := ss.byRole(t.Role); old != nil {
			p.add(&sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: old.ID, ForceSendFields: []string{"SheetId"}}})
			res.Updated = append(res.Updated, t.Name)
		} else {
			res.Created = append(res.Created, t.Name)
		}
	}
	for i := range tabs {
		t := &tabs[i]
		rows, cols := tabSize(t)
		p.add(resize(staged[i], rows, cols, t))
		p.add(&sheetsapi.Request{DeleteDeveloperMetadata: &sheetsapi.DeleteDeveloperMetadataRequest{DataFilter: &sheetsapi.DataFilter{
			DeveloperMetadataLookup: &sheetsapi.DeveloperMetadataLookup{MetadataKey: metaStaging, MetadataValue: t.Role},
		}}})
		p.add(metadata(staged[i], metaTab, t.Role))
		if t.Protected {
			p.add(protect(staged[i], t))
		}
		p.formatColumns(staged[i], t)
		p.addColorScales(staged[i], t)
		if t.Chart != nil && len(t.Rows) > 0 {
			p.add(addChart(staged[i], t, chartSpec(staged[i], t)))
		}
	}
	if err := g.apply(ctx, ss, p.reqs, "swap in the new tabs"); err != nil {
		return nil, err
	}
	return res, nil
}

// apply sends reqs, which change the bot's tabs, in one batchUpdate that
// also records a new random token in the spreadsheet's developer
// metadata, replacing the last write's. Should the reply be lost (a 5xx, a
// broken connection), Retry reads the layout before sending it again: the
// token there says whether Google applied it, and an applied write is
// neither reported as a failure nor written twice.
func (g *Spreadsheet) apply(ctx context.Context, ss *layout, reqs []*sheetsapi.Request, op string) error {
	token := strconv.FormatUint(rand.Uint64(), 36)
	marked := make([]*sheetsapi.Request, 0, len(reqs)+2)
	marked = append(marked, reqs...)
	if ss.written != "" {
		marked = append(marked, &sheetsapi.Request{DeleteDeveloperMetadata: &sheetsapi.DeleteDeveloperMetadataRequest{DataFilter: &sheetsapi.DataFilter{
			DeveloperMetadataLookup: &sheetsapi.DeveloperMetadataLookup{MetadataKey: metaWrite, LocationType: "SPREADSHEET"},
		}}})
	}
	marked = append(marked, &sheetsapi.Request{CreateDeveloperMetadata: &sheetsapi.CreateDeveloperMetadataRequest{
		DeveloperMetadata: &sheetsapi.DeveloperMetadata{
			MetadataKey: metaWrite, MetadataValue: token, Visibility: "DOCUMENT",
			Location: &sheetsapi.DeveloperMetadataLocation{Spreadsheet: true},
		},
	}})
	ctx = withAppliedCheck(ctx, func(ctx context.Context) (bool, error) {
		now, err := g.readLayout(ctx)
		if err != nil {
			return false, err
		}
		return now.written == token, nil
	})
	if err := g.batch(ctx, marked, op); err != nil {
		return err
	}
	ss.written = token
	return nil
}

// batch sends reqs in one batchUpdate.
func (g *Spreadsheet) batch(ctx context.Context, reqs []*sheetsapi.Request, op string) error {
	if len(reqs) == 0 {
		return nil
	}
	_, err := g.svc.Spreadsheets.BatchUpdate(g.id, &sheetsapi.BatchUpdateSpreadsheetRequest{Requests: reqs}).Context(ctx).Do()
	if err != nil {
		return g.explain(op, err)
	}
	return nil
}

// chunkEnd returns the end of the chunk of t's rows starting at from that
// fits a request, measured by encoding a sample of rows.
func (g *Spreadsheet) chunkEnd(t *sheets.Tab, from int) int {
	if from >= len(t.Rows) {
		return from
	}
	sample := min(len(t.Rows)-from, 200)
	b, _ := json.Marshal(apiRows(t, from, from+sample, false))
	perRow := len(b)/sample + 1
	n := max(1, (g.maxRequest*3/4)/perRow)
	return min(len(t.Rows), from+n)
}

// estimateBytes estimates the encoded size of the rows of tabs from a
// sample of each tab's rows.
func estimateBytes(tabs []sheets.Tab) int {
	total := 0
	for i := range tabs {
		t := &tabs[i]
		n := min(len(t.Rows), 200)
		if n == 0 {
			continue
		}
		b, _ := json.Marshal(apiRows(t, 0, n, false))
		total += len(b) / n * len(t.Rows)
	}
	return total
}
