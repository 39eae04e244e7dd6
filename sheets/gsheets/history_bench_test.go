package gsheets_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// generatedBooks is what a sync of a generated sheet of n rows records.
func generatedBooks(b *testing.B, n int) calc.Books {
	b.Helper()
	var subs, fx bytes.Buffer
	if err := calctest.WriteCSV(&subs, n, 1); err != nil {
		b.Fatal(err)
	}
	if err := calctest.WriteFXCSV(&fx); err != nil {
		b.Fatal(err)
	}
	l, err := sheets.ReadCSV(&subs, &fx, sheets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	asOf := calc.DateOf(2026, 3, 15)
	return calc.Books{History: l.Book.Compute(asOf).History(calc.LastClosed(asOf)), Prints: l.Book.Prints()}
}

// BenchmarkWriteHistoryGoogle writes the history tab of a generated sheet
// to the stand-in, as a sync does, and reports the bytes sent per write.
func BenchmarkWriteHistoryGoogle(b *testing.B) {
	for _, n := range []int{30_000, 100_000} {
		books := generatedBooks(b, n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			srv := sheetstest.New(b)
			seedGenerated(b, srv, 10, 2)
			ct := &countingTransport{}
			g := newGoogleVia(b, srv, &http.Client{Transport: ct})
			ctx := context.Background()
			srv.ResetCalls()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Write(ctx, []sheets.Tab{sheets.HistoryTab(books)}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(ct.sent.Load())/float64(b.N)/(1<<20), "sent-MB/write")
			b.ReportMetric(float64(srv.Calls().Total)/float64(b.N), "calls/write")
			l, err := g.Load(ctx, sheets.Options{Currency: "USD"})
			if err != nil || l.Books == nil || len(l.Books.Prints) != len(books.Prints) {
				b.Fatalf("the history read back: %v", err)
			}
		})
	}
}
