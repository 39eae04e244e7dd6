package gsheets

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// TestReadGridsAgreesWithLibrary reads typed, merged, hidden, offset and
// formula cells, and a generated sheet of typed cells, through readGrids
// and through the Sheets library's structs as mrrbot did before: every
// row the decoder is given must be the same, cell by cell, and so the
// figures and problems.
func TestReadGridsAgreesWithLibrary(t *testing.T) {
	srv := sheetstest.New(t)
	const sid = "grid"
	srv.AddSpreadsheet(sid, "Grid", "en_US")
	srv.AddSheet(sid, "Typed", 0, 0)
	s := sheetstest.String
	num := func(v float64) *sheetsapi.ExtendedValue { return &sheetsapi.ExtendedValue{NumberValue: &v} }
	errCell := &sheetsapi.CellData{EffectiveValue: &sheetsapi.ExtendedValue{ErrorValue: &sheetsapi.ErrorValue{Type: "REF", Message: "Reference does not exist"}}}
	srv.SetCells(sid, "Typed!A1", [][]*sheetsapi.CellData{
		{s("Customer ID"), s("Plan"), s("Amount"), s("Start Date"), s("Discount"), s("Active"), s("Note")},
		{s("=1+1"), s("Pro"), sheetstest.Currency(12.5), sheetstest.Date(2025, time.January, 10), sheetstest.Percent(0.2), sheetstest.Bool(true), s("00123")},
		{s("acme"), nil, sheetstest.FormattedNumber(99, "CURRENCY", "[$€-407]#,##0.00"), sheetstest.Date(2025, time.March, 31), sheetstest.Percent(0), sheetstest.Bool(false), errCell},
		{s("b"), s("Pro"), sheetstest.Formula("=SUM(C2:C3)", num(111.5)), sheetstest.FormattedNumber(45000.5, "DATE_TIME", "yyyy-mm-dd hh:mm"), sheetstest.FormattedNumber(1e-7, "SCIENTIFIC", "0.00E+00"), nil, s("ünïcødé \"quoted\"\n")},
		{},
		{s("c"), s("Basic"), sheetstest.Number(-3.25), s("2025-02-01"), s(""), s("x"), s("y")},
	})
	srv.Apply(sid,
		&sheetsapi.Request{MergeCells: &sheetsapi.MergeCellsRequest{MergeType: "MERGE_ALL", Range: &sheetsapi.GridRange{SheetId: sheetID(t, srv, sid, "Typed"), StartRowIndex: 1, EndRowIndex: 3, StartColumnIndex: 1, EndColumnIndex: 2, ForceSendFields: []string{"SheetId"}}}},
		&sheetsapi.Request{UpdateDimensionProperties: &sheetsapi.UpdateDimensionPropertiesRequest{
			Range:      &sheetsapi.DimensionRange{SheetId: sheetID(t, srv, sid, "Typed"), Dimension: "COLUMNS", StartIndex: 6, EndIndex: 7, ForceSendFields: []string{"SheetId"}},
			Properties: &sheetsapi.DimensionProperties{HiddenByUser: true}, Fields: "hiddenByUser",
		}},
	)
	srv.AddSheet(sid, "Generated", 2001, len(calctest.Header))
	rows := [][]*sheetsapi.CellData{}
	conv := func(rec []string, header bool) []*sheetsapi.CellData {
		out := make([]*sheetsapi.CellData, len(rec))
		for i, v := range rec {
			out[i] = s(v)
			if header || v == "" {
				continue
			}
			switch calctest.Header[i] {
			case "Start Date", "End Date":
				if d, err := time.Parse("2006-01-02", v); err == nil {
					out[i] = sheetstest.Date(d.Year(), d.Month(), d.Day())
				}
			case "Amount", "Seats", "Setup Fee":
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					out[i] = sheetstest.Number(f)
				}
			}
		}
		return out
	}
	rows = append(rows, conv(calctest.Header, true))
	calctest.EachFor(2000, 400, 1, func(rec []string) { rows = append(rows, conv(rec, false)) })
	srv.SetCells(sid, "Generated!A1", rows)

	g, err := New(&http.Client{}, srv.URL(), sid, Identity{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, rng := range []string{"Typed", "Generated", "Typed!B2:D6"} {
		t.Run(rng, func(t *testing.T) {
			title, _, _ := strings.Cut(rng, "!")
			grids, err := g.readGrids(ctx, []string{rng}, cellFields)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Service().Spreadsheets.Get(sid).Ranges(rng).Fields(cellFields).Do()
			if err != nil {
				t.Fatal(err)
			}
			got, want := drain(t, grids[title]), drain(t, newLibGridReader(resp.Sheets[0]))
			if len(want) < 5 {
				t.Fatalf("the library read only %d rows", len(want))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows differ (-library +stream):\n%s", diff)
			}
			for i := range 8 {
				if grids[title].ColumnHidden(i) != newLibGridReader(resp.Sheets[0]).ColumnHidden(i) {
					t.Errorf("column %d: hidden differs", i)
				}
			}
		})
	}
	if !newLibGridReader(mustSheet(t, srv, sid, "Typed")).ColumnHidden(6) {
		t.Error("the test hides column G, the library does not see it")
	}
}

func mustSheet(t *testing.T, srv *sheetstest.Server, sid, title string) *sheetsapi.Sheet {
	t.Helper()
	resp, err := srv.Service().Spreadsheets.Get(sid).Ranges(title).Fields(cellFields).Do()
	if err != nil {
		t.Fatal(err)
	}
	return resp.Sheets[0]
}

func sheetID(t *testing.T, srv *sheetstest.Server, sid, title string) int64 {
	t.Helper()
	for _, sh := range srv.Spreadsheet(sid).Sheets {
		if sh.Properties.Title == title {
			return sh.Properties.SheetId
		}
	}
	t.Fatalf("no tab %q", title)
	return 0
}

// row is a row a RowReader gave, for comparing.
type row struct {
	Num   int
	Cells []cellView
}

type cellView struct {
	Kind           sheets.CellKind
	Format         sheets.Format
	Text           string
	Currency, Form string
}

func drain(t *testing.T, r sheets.RowReader) []row {
	t.Helper()
	var out []row
	for {
		n, cells, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		rw := row{Num: n}
		for _, c := range cells {
			v := cellView{Kind: c.Kind, Format: c.Format, Text: c.Text}
			if c.Extra != nil {
				v.Currency, v.Form = c.Extra.Currency, c.Extra.Formula
			}
			rw.Cells = append(rw.Cells, v)
		}
		// Trailing empty cells are not the contract's concern.
		for len(rw.Cells) > 0 && rw.Cells[len(rw.Cells)-1] == (cellView{}) {
			rw.Cells = rw.Cells[:len(rw.Cells)-1]
		}
		out = append(out, rw)
	}
}

// libGridReader is the reader of grid data that mrrbot used before
// readGrids: the reply decoded by the Sheets library into its structs. It
// is kept here as the reference the streaming decoder must agree with.
// libGridReader is a RowReader over the grid data of one tab. It lets go of
// each row once read, so a large tab is not held twice. It fills in merged
// cells and knows which columns are hidden.
type libGridReader struct {
	data     []*sheetsapi.GridData
	di       int
	ri       int
	cells    []sheets.Cell
	merged   *sheets.Merges
	hidden   map[int]bool
	patterns map[string]*sheets.CellExtra // what each number format pattern shows, or nil
}

// newLibGridReader returns a reader of a tab as spreadsheets.get returned it.
func newLibGridReader(sh *sheetsapi.Sheet) *libGridReader {
	r := &libGridReader{data: sh.Data, hidden: map[int]bool{}, patterns: map[string]*sheets.CellExtra{}}
	var areas []sheets.MergedArea
	for _, m := range sh.Merges {
		if m == nil || m.EndRowIndex <= m.StartRowIndex || m.EndColumnIndex <= m.StartColumnIndex {
			continue
		}
		areas = append(areas, sheets.MergedArea{
			FirstRow: int(m.StartRowIndex) + 1, LastRow: int(m.EndRowIndex),
			FirstCol: int(m.StartColumnIndex), LastCol: int(m.EndColumnIndex) - 1,
		})
	}
	r.merged = sheets.NewMerges(areas)
	for _, g := range sh.Data {
		if g == nil {
			continue
		}
		for i, md := range g.ColumnMetadata {
			if md != nil && md.HiddenByUser {
				r.hidden[int(g.StartColumn)+i] = true
			}
		}
	}
	return r
}

// columnHidden reports whether the tab hides column i.
func (r *libGridReader) ColumnHidden(i int) bool { return r.hidden[i] }

func (r *libGridReader) Next() (int, []sheets.Cell, error) {
	for r.di < len(r.data) {
		g := r.data[r.di]
		if g == nil || r.ri >= len(g.RowData) {
			r.di, r.ri = r.di+1, 0
			continue
		}
		rd := g.RowData[r.ri]
		g.RowData[r.ri] = nil
		row := int(g.StartRow) + r.ri + 1
		r.ri++
		cells := r.cells[:0]
		for range g.StartColumn {
			cells = append(cells, sheets.Cell{})
		}
		if rd != nil {
			for _, cd := range rd.Values {
				cells = append(cells, r.cell(cd))
			}
		}
		cells = r.merged.Fill(row, cells)
		r.cells = cells
		return row, cells, nil
	}
	return 0, nil, io.EOF
}

// cell converts a cell of the Sheets API, with the currency its number
// format's pattern shows and its formula.
func (r *libGridReader) cell(cd *sheetsapi.CellData) sheets.Cell {
	c := libCell(cd)
	if c.Kind != sheets.Number {
		return c
	}
	if f := cd.EffectiveFormat; f != nil && f.NumberFormat != nil && f.NumberFormat.Pattern != "" {
		p := f.NumberFormat.Pattern
		extra, ok := r.patterns[p]
		if !ok {
			if cur := sheets.PatternCurrency(p); cur != "" {
				extra = &sheets.CellExtra{Currency: cur}
			}
			if r.patterns != nil {
				r.patterns[p] = extra
			}
		}
		c.Extra = extra // shared by the cells of one pattern, never changed
	}
	if v := cd.UserEnteredValue; v != nil && v.FormulaValue != nil {
		c.Extra = &sheets.CellExtra{Currency: c.Currency(), Formula: *v.FormulaValue}
	}
	return c
}

// apiCell converts a cell of the Sheets API into a Cell.
func libCell(cd *sheetsapi.CellData) sheets.Cell {
	if cd == nil || cd.EffectiveValue == nil {
		return sheets.Cell{}
	}
	v := cd.EffectiveValue
	switch {
	case v.NumberValue != nil:
		c := sheets.Cell{Kind: sheets.Number, Text: strconv.FormatFloat(*v.NumberValue, 'f', -1, 64), Format: sheets.FormatNone}
		if f := cd.EffectiveFormat; f != nil && f.NumberFormat != nil {
			switch f.NumberFormat.Type {
			case "DATE", "DATE_TIME":
				c.Format = sheets.FormatDate
			case "PERCENT":
				c.Format = sheets.FormatPercent
			case "CURRENCY":
				c.Format = sheets.FormatCurrency
			case "NUMBER", "SCIENTIFIC", "TEXT":
				c.Format = sheets.FormatNumber
			}
		}
		return c
	case v.StringValue != nil:
		return sheets.TextCell(*v.StringValue)
	case v.BoolValue != nil:
		if *v.BoolValue {
			return sheets.Cell{Kind: sheets.Bool, Text: "TRUE"}
		}
		return sheets.Cell{Kind: sheets.Bool, Text: "FALSE"}
	case v.ErrorValue != nil:
		// A formula error (#REF!, #N/A) is shown as text, so the row's
		// issue names it.
		return sheets.TextCell("#" + strings.TrimPrefix(v.ErrorValue.Type, "#") + " " + v.ErrorValue.Message)
	}
	return sheets.Cell{}
}
