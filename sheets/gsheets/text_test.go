package gsheets_test

import (
	"testing"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// TestWriteTextStaysText writes tabs that quote customers named like a
// formula, a number with leading zeros and a boolean, in one request and
// through staging tabs (values.batchUpdate, RAW): each is stored as the
// text it is, never parsed.
func TestWriteTextStaysText(t *testing.T) {
	for _, max := range []int{0, 16 << 10} {
		srv := sheetstest.New(t)
		seedGenerated(t, srv, 100, 30)
		s := sheetstest.String
		srv.SetCells(id, "Subscriptions!A102", [][]*sheetsapi.CellData{
			{s("=1+1"), s("=1+1"), s("Pro"), s("100"), s("USD"), s("monthly"), s("1"), s(""), s("2025-01-01")},
			{s("00123"), s("00123"), s("Pro"), s("50"), s("USD"), s("monthly"), s("1"), s(""), s("2025-02-01")},
			{s("TRUE"), s("TRUE"), s("Pro"), s("70"), s("USD"), s("monthly"), s("1"), s(""), s("2025-02-01")},
		})
		g := newGoogle(t, srv)
		if max > 0 {
			g.SetMaxRequest(max)
		}
		syncOnce(t, g)
		if values := srv.Calls().ByMethod[sheetstest.MethodValuesBatchUpdate]; (max > 0) != (values > 0) {
			t.Fatalf("max request %d: %d values.batchUpdate calls", max, values)
		}
		found := map[string]int{}
		for _, sh := range srv.Spreadsheet(id).Sheets {
			if sh.Properties.Title == "Subscriptions" {
				continue
			}
			for _, d := range sh.Data {
				for _, rd := range d.RowData {
					for _, c := range rd.Values {
						v := c.UserEnteredValue
						if v == nil {
							continue
						}
						switch {
						case v.StringValue != nil && (*v.StringValue == "=1+1" || *v.StringValue == "00123" || *v.StringValue == "TRUE"):
							found[*v.StringValue]++
						case v.FormulaValue != nil:
							t.Errorf("tab %q: a formula %q was written", sh.Properties.Title, *v.FormulaValue)
						case v.NumberValue != nil && *v.NumberValue == 123:
							t.Errorf("tab %q: 00123 was written as a number", sh.Properties.Title)
						case v.BoolValue != nil:
							t.Errorf("tab %q: a boolean was written", sh.Properties.Title)
						}
					}
				}
			}
		}
		for _, want := range []string{"=1+1", "00123", "TRUE"} {
			if found[want] == 0 {
				t.Errorf("max request %d: no cell holds the text %q", max, want)
			}
		}
	}
}
