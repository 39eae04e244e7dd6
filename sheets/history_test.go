package sheets

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/calc"
)

// TestHistoryTabRoundTrip writes the books (a print with monthly rates,
// which carries its currency, and one without) as the history tab and reads
// them back unchanged; a print whose currency was edited no longer matches
// its hash.
func TestHistoryTabRoundTrip(t *testing.T) {
	jan, _ := calc.ParseMonth("2025-01")
	start, _ := calc.ParseDate("2025-01-01")
	prints := []calc.RowPrint{
		{Row: 2, Customer: "A", Plan: "Pro", Start: start, End: calc.NoEnd, MRR: 100 * calc.One, Currency: "EUR"},
		{Row: 3, Customer: "B", Plan: "", Start: start, End: calc.NoEnd, MRR: 50 * calc.One},
	}
	for i := range prints {
		prints[i].Hash = prints[i].ContentHash()
	}
	h, err := calc.NewHistory(jan, []calc.HistoryEntry{{Customer: "A", Month: jan, MRR: 110 * calc.One}})
	if err != nil {
		t.Fatal(err)
	}
	books := calc.Books{History: h, Prints: prints}
	tab := HistoryTab(books)
	rows := append([][]Cell{texts("Kind", "Customer", "Value")}, tab.Rows...)
	got, err := DecodeHistory(&table{rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&books, got); diff != "" {
		t.Errorf("books read back (-want +got):\n%s", diff)
	}

	// The same print, its currency edited by hand to GBP: refused.
	for _, row := range rows {
		if row[0].Text == "row" && row[1].Text == "A" {
			row[2].Text = `[2,"Pro","2025-01-01","","100",` + `"` + strconv.FormatUint(prints[0].Hash, 16) + `","GBP"]`
		}
	}
	if _, err := DecodeHistory(&table{rows: rows}); err == nil {
		t.Error("a print whose currency no longer matches its hash was read")
	}
}
