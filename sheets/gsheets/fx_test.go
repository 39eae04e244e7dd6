package gsheets_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// TestLoadMonthlyRatesAndSegments loads an FX tab whose months are date
// cells and a subscriptions tab broken down by a segment column.
func TestLoadMonthlyRatesAndSegments(t *testing.T) {
	srv := sheetstest.New(t)
	srv.AddSpreadsheet(id, "Monthly", "en_US")
	srv.AddSheet(id, "Subscriptions", 0, 0)
	s := sheetstest.String
	srv.SetCells(id, "Subscriptions!A1", [][]*sheetsapi.CellData{
		{s("Customer"), s("Region"), s("Amount"), s("Currency"), s("Start date")},
		{s("c1"), s("EMEA"), sheetstest.Number(100), s("EUR"), sheetstest.Date(2025, 1, 10)},
		{s("c2"), s("AMER"), sheetstest.Number(50), nil, sheetstest.Date(2025, 2, 1)},
	})
	srv.AddSheet(id, "FX", 0, 0)
	srv.SetCells(id, "FX!A1", [][]*sheetsapi.CellData{
		{s("Currency"), s("Rate"), s("Month")},
		{s("EUR"), sheetstest.Number(1.05), nil},
		{s("EUR"), sheetstest.Number(1.08), sheetstest.Date(2025, 3, 1)},
		{s("EUR"), sheetstest.Number(1.1), s("Jun 2025")},
		{s("EUR"), sheetstest.Number(1.2), sheetstest.Date(2025, 3, 31)},
	})
	g := newGoogle(t, srv)
	ctx := context.Background()
	_, err := g.Layout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := g.Load(ctx, sheets.Options{Currency: "USD", Segments: []string{"region"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errors) != 0 || l.Book.Len() != 2 || !l.Book.HasMonthlyRates() {
		t.Fatalf("Errors, Book.Len(), HasMonthlyRates() = %v, %d, %v", l.Errors, l.Book.Len(), l.Book.HasMonthlyRates())
	}
	var monthly []string
	for _, r := range l.Monthly {
		monthly = append(monthly, fmt.Sprintf("%s %s %s", r.Currency, r.Month, r.Rate))
	}
	if diff := cmp.Diff([]string{"EUR 2025-03 1.08", "EUR 2025-06 1.1"}, monthly); diff != "" {
		t.Errorf("Monthly (-want +got):\n%s", diff)
	}
	if len(l.FXErrors) != 1 || l.FXErrors[0].Row != 5 || l.FXErrors[0].Message != "EUR for 2025-03 is given again (first in row 3)" {
		t.Errorf("FXErrors = %v", l.FXErrors)
	}
	if diff := cmp.Diff([]sheets.Column{{Index: 1, Letter: "B", Title: "Region"}}, l.Segments); diff != "" {
		t.Errorf("Segments (-want +got):\n%s", diff)
	}

	_, err = g.Load(ctx, sheets.Options{Segments: []string{"Team"}})
	var se *sheets.SegmentError
	want := `read tab "Subscriptions": segment column "Team" is not in the header (headers: Customer, Region, Amount, Currency, Start date)`
	if !errors.As(err, &se) || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
