package gsheets

import (
	"bytes"
	"context"
	"errors"
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
	room := roomFor(ss, tabs, g.cellLimit)
	if room.others+room.need > room.limit {
		return nil, room.error()
	}
	// A write over the limit goes straight to staging, without encoding
	// (and holding) the whole request first.
	if est := cellsBytes(tabs); est > g.maxRequest {
		g.log.Info("tabs too large for one request; writing through staging tabs", "estimated_bytes", est)
		return g.writeStaged(ctx, ss, tabs, room)
	}
	p := newPlan(ss)
	p.removeLeftovers()
	res := &sheets.WriteResult{}
	for i := range tabs {
		p.writeTab(&tabs[i], res)
	}
	err := g.applyWithin(ctx, ss, p.reqs, "write tabs", g.maxRequest)
	var large *tooLargeError
	if errors.As(err, &large) {
		g.log.Info("tabs too large for one request; writing through staging tabs", "bytes", large.size)
		return g.writeStaged(ctx, ss, tabs, room)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// tooLargeError is a batchUpdate not sent because its body would be over
// the request size limit.
type tooLargeError struct{ size int }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("a request of %d bytes is over the limit", e.size)
}

// plan collects the requests of one batchUpdate.
type plan struct {
	ss   *layout
	reqs []step
	used map[int64]bool // sheet IDs taken
}

func newPlan(ss *layout) *plan {
	p := &plan{ss: ss, used: map[int64]bool{}}
	for _, sh := range ss.Sheets {
		p.used[sh.ID] = true
	}
	return p
}

func (p *plan) add(r *sheetsapi.Request) { p.reqs = append(p.reqs, step{api: r}) }

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
	p.reqs = append(p.reqs, step{cells: &cellsStep{sheetID: id, rows: rows, cols: cols, tab: t}})
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
func (g *Spreadsheet) writeStaged(ctx context.Context, ss *layout, tabs []sheets.Tab, space room) (*sheets.WriteResult, error) {
	p := newPlan(ss)
	p.removeLeftovers()
	// Without room for the new tabs beside the old ones under Google's
	// cell limit, the old ones go first, in the call that creates the
	// staging tabs: a write that then fails leaves the bot's tabs
	// missing until the next sync, never half written.
	early := space.others+space.old+space.need > space.limit
	if early {
		g.log.Warn("no room under Google's cell limit for the new tabs beside the old ones; removing the old ones first",
			"cells", space.others+space.old, "new_tabs_cells", space.need, "limit", space.limit)
		for i := range tabs {
			if old := ss.byRole(tabs[i].Role); old != nil {
				p.add(&sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: old.ID, ForceSendFields: []string{"SheetId"}}})
			}
		}
	}
	staged := make([]int64, len(tabs))
	for i := range tabs {
		t := &tabs[i]
		rows, cols := tabSize(t)
		staged[i] = p.newSheetID()
		p.add(&sheetsapi.Request{AddSheet: &sheetsapi.AddSheetRequest{Properties: &sheetsapi.SheetProperties{
			SheetId: staged[i], Title: stagingTitle(t.Role, staged[i]), Hidden: true,
			GridProperties: &sheetsapi.GridProperties{RowCount: rows, ColumnCount: cols},
		}}})
		p.add(metadata(staged[i], metaStaging, t.Role))
	}
	if err := g.apply(ctx, ss, p.reqs, "create staging tabs"); err != nil {
		return nil, err
	}

	// Fill: the values of every tab in as few values.batchUpdate calls
	// as fit the request size, RAW so that text stays text. Writing a
	// staging tab again is harmless, so a lost reply needs no check.
	if err := g.fillStaged(ctx, tabs, staged); err != nil {
		return nil, err
	}

	// Swap: delete the old tabs first (a rename onto a taken name fails).
	p = newPlan(ss)
	res := &sheets.WriteResult{}
	for i := range tabs {
		t := &tabs[i]
		if old := ss.byRole(t.Role); old != nil {
			if !early {
				p.add(&sheetsapi.Request{DeleteSheet: &sheetsapi.DeleteSheetRequest{SheetId: old.ID, ForceSendFields: []string{"SheetId"}}})
			}
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
		p.add(&sheetsapi.Request{RepeatCell: &sheetsapi.RepeatCellRequest{
			Range: &sheetsapi.GridRange{SheetId: staged[i], StartRowIndex: 0, EndRowIndex: 1,
				StartColumnIndex: 0, EndColumnIndex: int64(len(t.Columns)), ForceSendFields: []string{"SheetId", "StartRowIndex", "StartColumnIndex"}},
			Cell:   &sheetsapi.CellData{UserEnteredFormat: &sheetsapi.CellFormat{TextFormat: &sheetsapi.TextFormat{Bold: true}}},
			Fields: "userEnteredFormat",
		}})
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
func (g *Spreadsheet) apply(ctx context.Context, ss *layout, reqs []step, op string) error {
	return g.applyWithin(ctx, ss, reqs, op, 0)
}

// applyWithin is apply, which sends nothing and returns a
// *tooLargeError when the encoded body is over limit bytes (0: no limit).
func (g *Spreadsheet) applyWithin(ctx context.Context, ss *layout, reqs []step, op string, limit int) error {
	token := strconv.FormatUint(rand.Uint64(), 36)
	marked := make([]step, 0, len(reqs)+2)
	marked = append(marked, reqs...)
	if ss.written != "" {
		marked = append(marked, step{api: &sheetsapi.Request{DeleteDeveloperMetadata: &sheetsapi.DeleteDeveloperMetadataRequest{DataFilter: &sheetsapi.DataFilter{
			DeveloperMetadataLookup: &sheetsapi.DeveloperMetadataLookup{MetadataKey: metaWrite, LocationType: "SPREADSHEET"},
		}}}})
	}
	marked = append(marked, step{api: &sheetsapi.Request{CreateDeveloperMetadata: &sheetsapi.CreateDeveloperMetadataRequest{
		DeveloperMetadata: &sheetsapi.DeveloperMetadata{
			MetadataKey: metaWrite, MetadataValue: token, Visibility: "DOCUMENT",
			Location: &sheetsapi.DeveloperMetadataLocation{Spreadsheet: true},
		},
	}}})
	ctx = withAppliedCheck(ctx, func(ctx context.Context) (bool, error) {
		now, err := g.readLayout(ctx)
		if err != nil {
			return false, err
		}
		return now.written == token, nil
	})
	if err := g.batch(ctx, marked, op, limit); err != nil {
		return err
	}
	ss.written = token
	return nil
}

// batch sends reqs in one batchUpdate, encoded in one pass, unless the
// body is over limit bytes (0: no limit).
func (g *Spreadsheet) batch(ctx context.Context, reqs []step, op string, limit int) error {
	if len(reqs) == 0 {
		return nil
	}
	var body bytes.Buffer
	if err := encodeBatch(&body, reqs); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if limit > 0 && body.Len() > limit {
		return &tooLargeError{size: body.Len()}
	}
	g.log.Debug("batchUpdate", "op", op, "requests", len(reqs), "bytes", body.Len())
	if err := g.post(ctx, ":batchUpdate", body.Bytes()); err != nil {
		return g.explain(op, err)
	}
	return nil
}

// fillStaged writes the header and rows of each tab into its staging tab
// with values.batchUpdate (RAW), as few calls as fit the request size.
func (g *Spreadsheet) fillStaged(ctx context.Context, tabs []sheets.Tab, staged []int64) error {
	var body, row bytes.Buffer
	limit := g.maxRequest - 64
	// A write is staged when its cells were estimated at more than a
	// request, so the body is made a request's size once rather than grown
	// to twice it (the values sent raw may take less).
	body.Grow(g.maxRequest)
	ranges, first := 0, ""
	open := func(title string, at int) {
		if body.Len() == 0 {
			body.WriteString(`{"valueInputOption":"RAW","data":[`)
		} else {
			body.WriteString(`]},`)
		}
		body.WriteString(`{"range":`)
		appendString(&body, quoteTab(title)+"!A"+strconv.Itoa(at+1))
		body.WriteString(`,"majorDimension":"ROWS","values":[`)
		ranges++
	}
	send := func() error {
		if body.Len() == 0 {
			return nil
		}
		body.WriteString(`]}]}`)
		g.log.Debug("writing staged rows", "ranges", ranges, "bytes", body.Len())
		if err := g.post(ctx, "/values:batchUpdate", body.Bytes()); err != nil {
			return g.explain("write rows into staging tab "+first, err)
		}
		body.Reset()
		ranges = 0
		return nil
	}
	for i := range tabs {
		t := &tabs[i]
		title := stagingTitle(t.Role, staged[i])
		inRange := false
		for r := -1; r < len(t.Rows); r++ {
			row.Reset()
			if r < 0 {
				hd := make([]sheets.Cell, len(t.Columns))
				for j, c := range t.Columns {
					hd[j] = sheets.Cell{Kind: sheets.Text, Text: c.Title}
				}
				appendRawRow(&row, hd)
			} else {
				appendRawRow(&row, t.Rows[r])
			}
			need := row.Len() + 8
			if !inRange {
				need += len(`]},{"range":,"majorDimension":"ROWS","values":[`) + len(title) + 16
			}
			if body.Len() > 0 && body.Len()+need > limit {
				if err := send(); err != nil {
					return err
				}
				inRange = false
			}
			if !inRange {
				if body.Len() == 0 {
					first = strconv.Quote(t.Name)
				}
				open(title, r+1)
				inRange = true
			} else {
				body.WriteByte(',')
			}
			body.Write(row.Bytes())
		}
	}
	return send()
}

// stagingTitle is the title of the staging tab id for role.
func stagingTitle(role string, id int64) string {
	return fmt.Sprintf("_mrrbot_staging_%s_%d", role, id)
}

// CellLimit is Google's limit on the cells of one spreadsheet: the rows ×
// columns of every tab's grid, empty cells included.
const CellLimit = 10_000_000

// room is what a write of the bot's tabs needs under the cell limit.
type room struct {
	limit  int64 // the spreadsheet's cell limit, CellLimit
	others int64 // cells of the tabs the write keeps
	old    int64 // cells of the bot's tabs it replaces
	need   int64 // cells of the new tabs
	// largest is the tab the write keeps with the most cells.
	largest *sheetInfo
}

// roomFor counts the cells of ss's tabs and of the tabs to write.
// Leftover staging tabs are not counted: every write removes them first.
func roomFor(ss *layout, tabs []sheets.Tab, limit int64) room {
	r := room{limit: limit}
	replaced := map[string]bool{}
	for i := range tabs {
		rows, cols := tabSize(&tabs[i])
		r.need += rows * cols
		replaced[tabs[i].Role] = true
	}
	for i := range ss.Sheets {
		sh := &ss.Sheets[i]
		switch cells := sh.Rows * sh.Cols; {
		case sh.Staging != "":
		case sh.Role != "" && replaced[sh.Role]:
			r.old += cells
		default:
			r.others += cells
			if r.largest == nil || cells > r.largest.Rows*r.largest.Cols {
				r.largest = sh
			}
		}
	}
	return r
}

// error says that the spreadsheet cannot hold the new tabs at all.
func (r room) error() error {
	hint := ""
	if r.largest != nil {
		hint = fmt.Sprintf(" (the largest, %q, has %s rows × %s columns)", r.largest.Title, thousands(r.largest.Rows), thousands(r.largest.Cols))
	}
	return fmt.Errorf("write tabs: the bot's tabs need %s cells and the spreadsheet's other tabs hold %s, past Google's limit of %s cells in a spreadsheet (every tab's rows × columns, empty ones included): delete the empty rows and columns of the other tabs%s, or keep fewer rows in this spreadsheet; digest and /mrr write no tabs and still work",
		thousands(r.need), thousands(r.others), thousands(r.limit), hint)
}

// thousands writes n with a comma between thousands: 10,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
