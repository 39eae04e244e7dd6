package sheetstest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"

	sheets "google.golang.org/api/sheets/v4"
)

// SupportedRequests lists the spreadsheets.batchUpdate request kinds the
// server applies, by their JSON names. Any other kind is refused with a
// 400 that names it, so a test learns at once that the stand-in lacks it.
var SupportedRequests = []string{
	"addChart",
	"addConditionalFormatRule",
	"addProtectedRange",
	"addSheet",
	"appendDimension",
	"autoResizeDimensions",
	"clearBasicFilter",
	"createDeveloperMetadata",
	"deleteConditionalFormatRule",
	"deleteDeveloperMetadata",
	"deleteDimension",
	"deleteEmbeddedObject",
	"deleteProtectedRange",
	"deleteSheet",
	"insertDimension",
	"mergeCells",
	"repeatCell",
	"setBasicFilter",
	"unmergeCells",
	"updateCells",
	"updateChartSpec",
	"updateDeveloperMetadata",
	"updateDimensionProperties",
	"updateSheetProperties",
	"updateSpreadsheetProperties",
}

// applyBatch applies the requests of one batchUpdate in order and returns
// their replies. It changes b as it goes: callers apply it to a clone and
// keep the clone only if it succeeds, which makes the batch atomic.
func (b *book) applyBatch(raws []json.RawMessage) ([]*sheets.Response, *apiError) {
	if len(raws) == 0 {
		return nil, invalid("Must specify at least one request.")
	}
	replies := make([]*sheets.Response, 0, len(raws))
	for i, raw := range raws {
		kind, req, err := decodeRequest(i, raw)
		if err != nil {
			return nil, err
		}
		reply, err := b.apply(kind, req, raw)
		if err == nil {
			err = b.checkCells()
		}
		if err != nil {
			return nil, err.prefixed(fmt.Sprintf("Invalid requests[%d].%s: ", i, kind))
		}
		if reply == nil {
			reply = &sheets.Response{}
		}
		replies = append(replies, reply)
	}
	return replies, nil
}

// decodeRequest finds which kind of request raw holds and decodes it.
func decodeRequest(i int, raw json.RawMessage) (string, *sheets.Request, *apiError) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return "", nil, invalid("Invalid JSON payload received. requests[%d]: %v", i, err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := jsonField(reflect.TypeFor[sheets.Request](), k); !ok {
			return "", nil, invalid("Invalid JSON payload received. Unknown name %q at 'requests[%d]': Cannot find field.", k, i)
		}
	}
	switch len(keys) {
	case 0:
		return "", nil, invalid("Invalid requests[%d]: No request set.", i)
	case 1:
	default:
		return "", nil, invalid("Invalid JSON payload received. Oneof field 'kind' is already set. Cannot set '%s' at 'requests[%d]'", keys[1], i)
	}
	kind := keys[0]
	if !slices.Contains(SupportedRequests, kind) {
		return "", nil, invalid("Invalid requests[%d].%s: sheetstest does not implement this request kind (supported: %v)", i, kind, SupportedRequests)
	}
	if kind == "updateCells" {
		if req, ok := decodeUpdateCells(raw); ok {
			return kind, req, nil
		}
	}
	req := new(sheets.Request)
	if err := json.Unmarshal(raw, req); err != nil {
		return "", nil, invalid("Invalid JSON payload received. requests[%d].%s: %v", i, kind, err)
	}
	return kind, req, nil
}

// apply applies one request to b.
func (b *book) apply(kind string, r *sheets.Request, raw json.RawMessage) (*sheets.Response, *apiError) {
	switch kind {
	case "addSheet":
		return b.addSheet(r.AddSheet, raw)
	case "deleteSheet":
		return nil, b.deleteSheet(r.DeleteSheet)
	case "updateSheetProperties":
		return nil, b.updateSheetProperties(r.UpdateSheetProperties)
	case "updateSpreadsheetProperties":
		return nil, b.updateSpreadsheetProperties(r.UpdateSpreadsheetProperties)
	case "appendDimension":
		return nil, b.appendDimension(r.AppendDimension)
	case "insertDimension":
		return nil, b.insertDimension(r.InsertDimension)
	case "deleteDimension":
		return nil, b.deleteDimension(r.DeleteDimension)
	case "updateDimensionProperties":
		return nil, b.updateDimensionProperties(r.UpdateDimensionProperties)
	case "autoResizeDimensions":
		return nil, b.autoResizeDimensions(r.AutoResizeDimensions)
	case "updateCells":
		return nil, b.updateCells(r.UpdateCells)
	case "repeatCell":
		return nil, b.repeatCell(r.RepeatCell)
	case "addChart":
		return b.addChart(r.AddChart)
	case "updateChartSpec":
		return nil, b.updateChartSpec(r.UpdateChartSpec)
	case "deleteEmbeddedObject":
		return nil, b.deleteEmbeddedObject(r.DeleteEmbeddedObject)
	case "createDeveloperMetadata":
		return b.createDeveloperMetadata(r.CreateDeveloperMetadata, raw)
	case "updateDeveloperMetadata":
		return b.updateDeveloperMetadata(r.UpdateDeveloperMetadata, raw)
	case "deleteDeveloperMetadata":
		return b.deleteDeveloperMetadata(r.DeleteDeveloperMetadata)
	case "addProtectedRange":
		return b.addProtectedRange(r.AddProtectedRange)
	case "deleteProtectedRange":
		return nil, b.deleteProtectedRange(r.DeleteProtectedRange)
	case "addConditionalFormatRule":
		return nil, b.addConditionalFormatRule(r.AddConditionalFormatRule)
	case "deleteConditionalFormatRule":
		return b.deleteConditionalFormatRule(r.DeleteConditionalFormatRule)
	case "setBasicFilter":
		return nil, b.setBasicFilter(r.SetBasicFilter)
	case "clearBasicFilter":
		return nil, b.clearBasicFilter(r.ClearBasicFilter)
	case "mergeCells":
		return nil, b.mergeCells(r.MergeCells)
	case "unmergeCells":
		return nil, b.unmergeCells(r.UnmergeCells)
	}
	return nil, invalid("sheetstest does not implement this request kind")
}

// rawIndexSet reports whether an addSheet request gave properties.index;
// the Go client leaves a zero index out, so its absence means "at the end".
func rawIndexSet(raw json.RawMessage) bool {
	var v struct {
		AddSheet struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"addSheet"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	_, ok := v.AddSheet.Properties["index"]
	return ok
}

func (b *book) addSheet(r *sheets.AddSheetRequest, raw json.RawMessage) (*sheets.Response, *apiError) {
	props := &sheets.SheetProperties{}
	if r.Properties != nil {
		props = clone(r.Properties)
	}
	if props.SheetType != "" && props.SheetType != "GRID" {
		return nil, invalid("sheetType %s cannot be added with addSheet", props.SheetType)
	}
	index := -1
	if rawIndexSet(raw) {
		index = int(props.Index)
	}
	t, err := b.addTab(props, index)
	if err != nil {
		return nil, err
	}
	if t.props.Hidden && b.allHidden() {
		return nil, invalid("You can't hide all the sheets in a document.")
	}
	return &sheets.Response{AddSheet: &sheets.AddSheetResponse{Properties: clone(t.props)}}, nil
}

func (b *book) allHidden() bool {
	for _, t := range b.tabs {
		if !t.props.Hidden {
			return false
		}
	}
	return true
}

func (b *book) deleteSheet(r *sheets.DeleteSheetRequest) *apiError {
	t := b.tabByID(r.SheetId)
	if t == nil {
		return invalid("No sheet with id: %d", r.SheetId)
	}
	if len(b.tabs) == 1 {
		return invalid("You can't remove all the sheets in a document.")
	}
	b.removeTab(t)
	if b.allHidden() {
		return invalid("You can't remove all the visible sheets in a document.")
	}
	return nil
}

func (b *book) updateSheetProperties(r *sheets.UpdateSheetPropertiesRequest) *apiError {
	if r.Properties == nil {
		return invalid("properties must be set")
	}
	t := b.tabByID(r.Properties.SheetId)
	if t == nil {
		return invalid("No sheet with id: %d", r.Properties.SheetId)
	}
	m, err := parseMask(r.Fields)
	if err != nil {
		return err.(*apiError)
	}
	upd, err := maskedUpdate(t.props, r.Properties, m)
	if err != nil {
		return asAPIError(err)
	}
	old := t.props
	if upd.SheetId != old.SheetId {
		return invalid("sheetId cannot be changed")
	}
	if upd.SheetType == "" {
		upd.SheetType = old.SheetType
	}
	if upd.SheetType != old.SheetType {
		return invalid("sheetType cannot be changed")
	}
	if upd.Title == "" {
		return invalid("A sheet's title must not be empty.")
	}
	if other := b.tabByTitle(upd.Title); other != nil && other != t {
		return invalid("A sheet with the name \"%s\" already exists. Please enter another name.", upd.Title)
	}
	var rows, cols int64
	if t.isGrid() {
		gp := upd.GridProperties
		if gp == nil || gp.RowCount <= 0 || gp.ColumnCount <= 0 {
			return invalid("gridProperties.rowCount and columnCount must be positive")
		}
		if gp.FrozenRowCount < 0 || gp.FrozenColumnCount < 0 {
			return invalid("frozen counts must not be negative")
		}
		if gp.FrozenRowCount >= gp.RowCount {
			return invalid("You can't freeze all visible rows on the sheet.")
		}
		if gp.FrozenColumnCount >= gp.ColumnCount {
			return invalid("You can't freeze all visible columns on the sheet.")
		}
		rows, cols = gp.RowCount, gp.ColumnCount
		t.shrinkRules(rows, cols) // against the old grid, which t.props still holds
	}
	upd.Index = old.Index
	t.props = upd
	if t.isGrid() {
		t.resize(rows, cols)
	}
	if m.selects("index") {
		cur := slices.Index(b.tabs, t)
		to := int(min(max(r.Properties.Index, 0), int64(len(b.tabs))))
		b.tabs = slices.Delete(b.tabs, cur, cur+1)
		if to > cur {
			to-- // Google counts the target index before the move
		}
		b.tabs = slices.Insert(b.tabs, min(to, len(b.tabs)), t)
	}
	b.reindex()
	if b.allHidden() {
		return invalid("You can't hide all the sheets in a document.")
	}
	return nil
}

func (b *book) updateSpreadsheetProperties(r *sheets.UpdateSpreadsheetPropertiesRequest) *apiError {
	if r.Properties == nil {
		return invalid("properties must be set")
	}
	m, err := parseMask(r.Fields)
	if err != nil {
		return err.(*apiError)
	}
	upd, err := maskedUpdate(b.props, r.Properties, m)
	if err != nil {
		return asAPIError(err)
	}
	b.props = upd
	return nil
}

// asAPIError turns an error from a helper into the 400 it stands for.
func asAPIError(err error) *apiError {
	if e, ok := err.(*apiError); ok {
		return e
	}
	return invalid("%v", err)
}

// dimRange resolves a DimensionRange: its tab, whether it is rows, and its
// bounds (an end of 0 is the end of the grid).
func (b *book) dimRange(d *sheets.DimensionRange) (t *tab, isRows bool, start, end int64, err *apiError) {
	if d == nil {
		return nil, false, 0, 0, invalid("range must be set")
	}
	t, err = b.gridTab(d.SheetId)
	if err != nil {
		return nil, false, 0, 0, err
	}
	rows, cols := t.grid()
	count := cols
	switch d.Dimension {
	case "ROWS":
		isRows, count = true, rows
	case "COLUMNS":
	default:
		return nil, false, 0, 0, invalid("dimension must be ROWS or COLUMNS, not %q", d.Dimension)
	}
	start, end = d.StartIndex, d.EndIndex
	if end == 0 {
		end = count
	}
	if start < 0 || end <= start {
		return nil, false, 0, 0, invalid("Invalid dimension range: startIndex %d, endIndex %d", start, end)
	}
	return t, isRows, start, end, nil
}

func (b *book) appendDimension(r *sheets.AppendDimensionRequest) *apiError {
	t, err := b.gridTab(r.SheetId)
	if err != nil {
		return err
	}
	if r.Length <= 0 {
		return invalid("length must be positive")
	}
	rows, cols := t.grid()
	switch r.Dimension {
	case "ROWS":
		t.resize(rows+r.Length, cols)
	case "COLUMNS":
		t.resize(rows, cols+r.Length)
	default:
		return invalid("dimension must be ROWS or COLUMNS, not %q", r.Dimension)
	}
	return nil
}

func (b *book) insertDimension(r *sheets.InsertDimensionRequest) *apiError {
	if r.Range == nil {
		return invalid("range must be set")
	}
	t, err := b.gridTab(r.Range.SheetId)
	if err != nil {
		return err
	}
	rows, cols := t.grid()
	start, end := r.Range.StartIndex, r.Range.EndIndex
	count := cols
	if r.Range.Dimension == "ROWS" {
		count = rows
	} else if r.Range.Dimension != "COLUMNS" {
		return invalid("dimension must be ROWS or COLUMNS, not %q", r.Range.Dimension)
	}
	if start < 0 || end <= start || start > count {
		return invalid("Invalid dimension range: startIndex %d, endIndex %d", start, end)
	}
	if r.InheritFromBefore && start == 0 {
		return invalid("Cannot inherit from before when inserting at index 0.")
	}
	n := end - start
	if r.Range.Dimension == "ROWS" {
		if start < int64(len(t.rows)) {
			t.rows = slices.Insert(t.rows, int(start), make([][]*sheets.CellData, n)...)
		}
		t.rowProps = shiftProps(t.rowProps, start, n)
		t.moveRules(true, start, n, rows+n)
		t.moveMerges(true, start, n, rows+n)
		t.resize(rows+n, cols)
		return nil
	}
	for i, row := range t.rows {
		if start < int64(len(row)) {
			t.rows[i] = slices.Insert(slices.Clone(row), int(start), make([]*sheets.CellData, n)...)
		}
	}
	t.colProps = shiftProps(t.colProps, start, n)
	t.moveRules(false, start, n, cols+n)
	t.moveMerges(false, start, n, cols+n)
	t.resize(rows, cols+n)
	return nil
}

func (b *book) deleteDimension(r *sheets.DeleteDimensionRequest) *apiError {
	t, isRows, start, end, err := b.dimRange(r.Range)
	if err != nil {
		return err
	}
	rows, cols := t.grid()
	n := end - start
	if isRows {
		if end > rows {
			return gridLimits(fmt.Sprintf("%s!%d:%d", quoteTitle(t.title()), start+1, end), rows, cols)
		}
		if n == rows {
			return invalid("You can't delete all the rows on the sheet.")
		}
		if start < int64(len(t.rows)) {
			t.rows = slices.Delete(t.rows, int(start), int(min(end, int64(len(t.rows)))))
		}
		t.rowProps = shiftProps(t.rowProps, end, -n)
		t.moveRules(true, start, -n, rows-n)
		t.moveMerges(true, start, -n, rows-n)
		gp := t.props.GridProperties
		gp.FrozenRowCount = min(gp.FrozenRowCount, rows-n-1)
		t.resize(rows-n, cols)
		return nil
	}
	if end > cols {
		return gridLimits(quoteTitle(t.title())+"!"+columnName(start)+":"+columnName(end-1), rows, cols)
	}
	if n == cols {
		return invalid("You can't delete all the columns on the sheet.")
	}
	for i, row := range t.rows {
		if start < int64(len(row)) {
			t.rows[i] = slices.Delete(slices.Clone(row), int(start), int(min(end, int64(len(row)))))
		}
	}
	t.colProps = shiftProps(t.colProps, end, -n)
	t.moveRules(false, start, -n, cols-n)
	t.moveMerges(false, start, -n, cols-n)
	gp := t.props.GridProperties
	gp.FrozenColumnCount = min(gp.FrozenColumnCount, cols-n-1)
	t.resize(rows, cols-n)
	return nil
}

// shiftProps moves the dimension properties at or after from by n (n < 0
// deletes the -n entries before from).
func shiftProps(props map[int64]*sheets.DimensionProperties, from, n int64) map[int64]*sheets.DimensionProperties {
	if len(props) == 0 {
		return props
	}
	out := make(map[int64]*sheets.DimensionProperties, len(props))
	for i, p := range props {
		switch {
		case i >= from:
			out[i+n] = p
		case n < 0 && i >= from+n:
			// deleted
		default:
			out[i] = p
		}
	}
	return out
}

func (b *book) updateDimensionProperties(r *sheets.UpdateDimensionPropertiesRequest) *apiError {
	if r.DataSourceSheetRange != nil {
		return invalid("sheetstest does not implement dataSourceSheetRange")
	}
	t, isRows, start, end, err := b.dimRange(r.Range)
	if err != nil {
		return err
	}
	rows, cols := t.grid()
	if (isRows && end > rows) || (!isRows && end > cols) {
		return gridLimits(quoteTitle(t.title()), rows, cols)
	}
	if r.Properties == nil {
		return invalid("properties must be set")
	}
	m, perr := parseMask(r.Fields)
	if perr != nil {
		return perr.(*apiError)
	}
	props := &t.colProps
	if isRows {
		props = &t.rowProps
	}
	if *props == nil {
		*props = map[int64]*sheets.DimensionProperties{}
	}
	done := map[*sheets.DimensionProperties]*sheets.DimensionProperties{}
	for i := start; i < end; i++ {
		old := (*props)[i]
		upd, ok := done[old]
		if !ok {
			base := old
			if base == nil {
				base = &sheets.DimensionProperties{}
			}
			u, err := maskedUpdate(base, r.Properties, m)
			if err != nil {
				return asAPIError(err)
			}
			if u.PixelSize < 0 {
				return invalid("pixelSize must not be negative")
			}
			upd = u
			done[old] = upd
		}
		(*props)[i] = upd
	}
	return nil
}

func (b *book) autoResizeDimensions(r *sheets.AutoResizeDimensionsRequest) *apiError {
	if r.DataSourceSheetDimensions != nil {
		return invalid("sheetstest does not implement dataSourceSheetDimensions")
	}
	_, _, _, _, err := b.dimRange(r.Dimensions)
	return err // sizes are not computed: there is no font to measure
}

// gridRange resolves a GridRange; missing ends are the ends of the grid,
// and a range reaching past the grid is Google's grid-limits error.
func (b *book) gridRange(g *sheets.GridRange) (span, *apiError) {
	if g == nil {
		return span{}, invalid("range must be set")
	}
	t, err := b.gridTab(g.SheetId)
	if err != nil {
		return span{}, err
	}
	rows, cols := t.grid()
	sp := span{t: t, r0: g.StartRowIndex, c0: g.StartColumnIndex, r1: g.EndRowIndex, c1: g.EndColumnIndex}
	if sp.r1 == 0 {
		sp.r1 = rows
	}
	if sp.c1 == 0 {
		sp.c1 = cols
	}
	if sp.r0 < 0 || sp.c0 < 0 || sp.r1 < sp.r0 || sp.c1 < sp.c0 {
		return span{}, invalid("Invalid range: start indexes must be non-negative and not after the end indexes")
	}
	if sp.r1 > rows || sp.c1 > cols || sp.r0 >= rows || sp.c0 >= cols {
		return span{}, gridLimits(formatA1(t.title(), sp.r0, sp.c0, max(sp.r1, sp.r0+1), max(sp.c1, sp.c0+1)), rows, cols)
	}
	return sp, nil
}

// cellMask parses the "fields" of updateCells and repeatCell.
func cellMask(fields string) (*mask, *apiError) {
	m, err := parseMask(fields)
	if err != nil {
		return nil, err.(*apiError)
	}
	if m == nil {
		return nil, invalid("'fields' must be specified")
	}
	if err := m.validate(reflect.TypeFor[sheets.CellData]()); err != nil {
		return nil, err.(*apiError)
	}
	return m, nil
}

// formatWrites remembers, within one request, the format each (old,
// requested) pair of formats became: a request that formats a column
// meets the same pair in every cell.
type formatWrites map[[2]*sheets.CellFormat]*sheets.CellFormat

// writeCell returns old with the fields of in that m selects. Read-only
// fields (effectiveValue, formattedValue, effectiveFormat) are ignored.
func (b *book) writeCell(old, in *sheets.CellData, m *mask, done formatWrites) (*sheets.CellData, *apiError) {
	if in == nil {
		in = &sheets.CellData{}
	}
	if err := checkCell(in); err != nil {
		return nil, asAPIError(err)
	}
	out := &sheets.CellData{}
	if !m.all && old != nil {
		*out = *old
	}
	set := func(name string, f func(sub *mask) *apiError) *apiError {
		if sub := m.sub(name); sub != nil {
			return f(sub)
		}
		return nil
	}
	for _, err := range []*apiError{
		set("userEnteredValue", func(sub *mask) (err *apiError) {
			out.EffectiveValue = nil // a formula's seeded result goes with it
			out.UserEnteredValue, err = masked(out.UserEnteredValue, in.UserEnteredValue, sub)
			return err
		}),
		set("userEnteredFormat", func(sub *mask) *apiError {
			k := [2]*sheets.CellFormat{out.UserEnteredFormat, in.UserEnteredFormat}
			f, ok := done[k]
			if !ok {
				var err *apiError
				if f, err = masked(k[0], k[1], sub); err != nil {
					return err
				}
				f = b.intern(f)
				done[k] = f
			}
			out.UserEnteredFormat = f
			return nil
		}),
		set("note", func(*mask) *apiError { out.Note = in.Note; return nil }),
		set("dataValidation", func(sub *mask) (err *apiError) {
			out.DataValidation, err = masked(out.DataValidation, in.DataValidation, sub)
			return err
		}),
		set("textFormatRuns", func(*mask) *apiError { out.TextFormatRuns = in.TextFormatRuns; return nil }),
		set("pivotTable", func(*mask) *apiError { out.PivotTable = in.PivotTable; return nil }),
		set("chipRuns", func(*mask) *apiError { out.ChipRuns = in.ChipRuns; return nil }),
	} {
		if err != nil {
			return nil, err
		}
	}
	if emptyCell(out) {
		return nil, nil
	}
	return out, nil
}

// masked applies an update mask to one field of a cell; an empty result
// is nil.
func masked[T any](old, upd *T, m *mask) (*T, *apiError) {
	if m.all {
		// Requests are decoded afresh for every call, so their values can be
		// stored as they are: nothing else holds them.
		return upd, nil
	}
	if old == nil {
		old = new(T)
	}
	if upd == nil {
		upd = new(T)
	}
	out, err := maskedUpdate(old, upd, m)
	if err != nil {
		return nil, asAPIError(err)
	}
	if data, _ := json.Marshal(out); string(data) == "{}" {
		return nil, nil
	}
	return out, nil
}

func (b *book) updateCells(r *sheets.UpdateCellsRequest) *apiError {
	m, err := cellMask(r.Fields)
	if err != nil {
		return err
	}
	var sp span // the cells the request may write
	switch {
	case r.Start != nil && r.Range != nil:
		return invalid("Only one of start or range may be set.")
	case r.Start != nil:
		t, err := b.gridTab(r.Start.SheetId)
		if err != nil {
			return err
		}
		width := 0
		for _, row := range r.Rows {
			if row != nil {
				width = max(width, len(row.Values))
			}
		}
		sp = span{t: t, r0: r.Start.RowIndex, c0: r.Start.ColumnIndex}
		sp.r1, sp.c1 = sp.r0+int64(len(r.Rows)), sp.c0+int64(width)
		rows, cols := t.grid()
		if sp.r0 < 0 || sp.c0 < 0 {
			return invalid("start indexes must not be negative")
		}
		if sp.r1 > rows || sp.c1 > cols || sp.r0 >= rows || sp.c0 >= cols {
			return gridLimits(formatA1(t.title(), sp.r0, sp.c0, max(sp.r1, sp.r0+1), max(sp.c1, sp.c0+1)), rows, cols)
		}
	case r.Range != nil:
		s, err := b.gridRange(r.Range)
		if err != nil {
			return err
		}
		sp = s
		if n := int64(len(r.Rows)); sp.r0+n > sp.r1 {
			return invalid("Attempting to write row: %d, beyond the last requested row of: %d", sp.r1, sp.r1-1)
		}
		for _, row := range r.Rows {
			if row != nil && sp.c0+int64(len(row.Values)) > sp.c1 {
				return invalid("Attempting to write column: %d, beyond the last requested column of: %d", sp.c1, sp.c1-1)
			}
		}
	default:
		return invalid("Either start or range must be set.")
	}
	t := sp.t
	done := formatWrites{}
	for r0 := sp.r0; r0 < sp.r1; r0++ {
		var src []*sheets.CellData
		if i := r0 - sp.r0; i < int64(len(r.Rows)) && r.Rows[i] != nil {
			src = r.Rows[i].Values
		}
		width := int64(len(src))
		if r.Range != nil {
			width = sp.c1 - sp.c0 // cells the rows leave out are cleared
		}
		if width == 0 || (len(src) == 0 && !t.hasCells(r0, sp.c0, sp.c0+width)) {
			continue
		}
		row := t.rowForWrite(r0, sp.c0+width)
		for j := range width {
			var in *sheets.CellData
			if j < int64(len(src)) {
				in = src[j]
			}
			c, err := b.writeCell(row[sp.c0+j], in, m, done)
			if err != nil {
				return err
			}
			row[sp.c0+j] = c
		}
	}
	return nil
}

// hasCells reports whether row r holds a cell in columns [c0, c1).
func (t *tab) hasCells(r, c0, c1 int64) bool {
	if r >= int64(len(t.rows)) {
		return false
	}
	row := t.rows[r]
	for c := c0; c < min(c1, int64(len(row))); c++ {
		if row[c] != nil {
			return true
		}
	}
	return false
}

func (b *book) repeatCell(r *sheets.RepeatCellRequest) *apiError {
	m, err := cellMask(r.Fields)
	if err != nil {
		return err
	}
	sp, err := b.gridRange(r.Range)
	if err != nil {
		return err
	}
	// Most cells of a range start out alike (empty): write each distinct
	// one once and share the result, as stored cells are immutable.
	done := map[*sheets.CellData]*sheets.CellData{}
	formats := formatWrites{}
	for r0 := sp.r0; r0 < sp.r1; r0++ {
		row := sp.t.rowForWrite(r0, sp.c1)
		for c := sp.c0; c < sp.c1; c++ {
			out, ok := done[row[c]]
			if !ok {
				out, err = b.writeCell(row[c], r.Cell, m, formats)
				if err != nil {
					return err
				}
				done[row[c]] = out
			}
			row[c] = out
		}
	}
	return nil
}

// findChart returns the tab holding a chart and the chart's position on it.
func (b *book) findChart(id int64) (*tab, int) {
	for _, t := range b.tabs {
		for i, c := range t.charts {
			if c.ChartId == id {
				return t, i
			}
		}
	}
	return nil, -1
}

func (b *book) addChart(r *sheets.AddChartRequest) (*sheets.Response, *apiError) {
	ch := clone(r.Chart)
	if ch == nil {
		return nil, invalid("chart must be set")
	}
	if ch.Spec == nil {
		return nil, invalid("chart.spec must be set")
	}
	switch {
	case ch.ChartId < 0:
		return nil, invalid("chartId must not be negative")
	case ch.ChartId > 0 && b.objectTaken(ch.ChartId):
		return nil, invalid("An object with id %d already exists.", ch.ChartId)
	case ch.ChartId == 0:
		ch.ChartId = b.newID(b.objectTaken)
	}
	pos := ch.Position
	var on *tab
	switch {
	case pos == nil:
		return nil, invalid("chart.position must be set")
	case pos.NewSheet:
		title := ""
		for n := 1; ; n++ {
			if title = "Chart" + strconv.Itoa(n); b.tabByTitle(title) == nil {
				break
			}
		}
		t, err := b.addTab(&sheets.SheetProperties{Title: title, SheetType: "OBJECT"}, -1)
		if err != nil {
			return nil, err
		}
		on = t
		ch.Position = &sheets.EmbeddedObjectPosition{SheetId: t.props.SheetId}
	case pos.OverlayPosition != nil:
		anchor := pos.OverlayPosition.AnchorCell
		if anchor == nil {
			return nil, invalid("chart.position.overlayPosition.anchorCell must be set")
		}
		t, err := b.gridTab(anchor.SheetId)
		if err != nil {
			return nil, err
		}
		rows, cols := t.grid()
		if anchor.RowIndex < 0 || anchor.ColumnIndex < 0 || anchor.RowIndex >= rows || anchor.ColumnIndex >= cols {
			return nil, gridLimits(formatA1(t.title(), anchor.RowIndex, anchor.ColumnIndex, anchor.RowIndex+1, anchor.ColumnIndex+1), rows, cols)
		}
		on = t
		ch.Position = &sheets.EmbeddedObjectPosition{OverlayPosition: pos.OverlayPosition}
	default:
		return nil, invalid("chart.position must set newSheet or overlayPosition")
	}
	on.charts = append(on.charts, ch)
	return &sheets.Response{AddChart: &sheets.AddChartResponse{Chart: clone(ch)}}, nil
}

func (b *book) updateChartSpec(r *sheets.UpdateChartSpecRequest) *apiError {
	t, i := b.findChart(r.ChartId)
	if t == nil {
		return invalid("No chart with id: %d", r.ChartId)
	}
	if r.Spec == nil {
		return invalid("spec must be set")
	}
	t.charts[i].Spec = clone(r.Spec)
	return nil
}

func (b *book) deleteEmbeddedObject(r *sheets.DeleteEmbeddedObjectRequest) *apiError {
	t, i := b.findChart(r.ObjectId)
	if t == nil {
		return invalid("No embedded object with id: %d", r.ObjectId)
	}
	t.charts = slices.Delete(t.charts, i, i+1)
	if !t.isGrid() && len(t.charts) == 0 && len(b.tabs) > 1 {
		b.removeTab(t) // a chart's own sheet goes with it
	}
	return nil
}

func (b *book) addProtectedRange(r *sheets.AddProtectedRangeRequest) (*sheets.Response, *apiError) {
	pr := clone(r.ProtectedRange)
	if pr == nil {
		return nil, invalid("protectedRange must be set")
	}
	if pr.Range == nil {
		return nil, invalid("sheetstest protects ranges only: protectedRange.range must be set")
	}
	sp, err := b.gridRange(pr.Range)
	if err != nil {
		return nil, err
	}
	switch {
	case pr.ProtectedRangeId < 0:
		return nil, invalid("protectedRangeId must not be negative")
	case pr.ProtectedRangeId > 0 && b.objectTaken(pr.ProtectedRangeId):
		return nil, invalid("An object with id %d already exists.", pr.ProtectedRangeId)
	case pr.ProtectedRangeId == 0:
		pr.ProtectedRangeId = b.newID(b.objectTaken)
	}
	pr.RequestingUserCanEdit = true
	sp.t.protected = append(sp.t.protected, pr)
	return &sheets.Response{AddProtectedRange: &sheets.AddProtectedRangeResponse{ProtectedRange: clone(pr)}}, nil
}

func (b *book) deleteProtectedRange(r *sheets.DeleteProtectedRangeRequest) *apiError {
	for _, t := range b.tabs {
		for i, p := range t.protected {
			if p.ProtectedRangeId == r.ProtectedRangeId {
				t.protected = slices.Delete(t.protected, i, i+1)
				return nil
			}
		}
	}
	return invalid("No protected range with id: %d", r.ProtectedRangeId)
}

func (b *book) setBasicFilter(r *sheets.SetBasicFilterRequest) *apiError {
	if r.Filter == nil {
		return invalid("filter must be set")
	}
	sp, err := b.gridRange(r.Filter.Range)
	if err != nil {
		return err
	}
	sp.t.filter = clone(r.Filter)
	return nil
}

func (b *book) clearBasicFilter(r *sheets.ClearBasicFilterRequest) *apiError {
	t, err := b.gridTab(r.SheetId)
	if err != nil {
		return err
	}
	t.filter = nil
	return nil
}
