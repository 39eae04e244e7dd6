package gsheets_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// BenchmarkSyncGoogle measures a whole sync (layout, cells, compute, one
// write) of a generated sheet against the Sheets API stand-in, in
// process, the history tab included, as the sync after the first (the
// sheet's tabs and history are there to be read). It reports the API
// calls, the megabytes sent and read per sync and the peak heap in use,
// which includes the stand-in's own copy of the spreadsheet: an upper
// bound for mrrbot alone.
func BenchmarkSyncGoogle(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			srv := sheetstest.New(b)
			seedGenerated(b, srv, n, n/5)
			ct := &countingTransport{}
			g := newGoogleVia(b, srv, &http.Client{Transport: ct})
			ctx := context.Background()
			sync := func() {
				_, err := g.Layout(ctx)
				if err != nil {
					b.Fatal(err)
				}
				l, err := g.Load(ctx, sheets.Options{Currency: "USD"})
				if err != nil {
					b.Fatal(err)
				}
				asOf := calc.DateOf(2026, 3, 15)
				res := l.Book.Compute(asOf)
				tabs := report.Tabs(res, l.Errors, res.Warnings, report.DefaultTabNames)
				books := calc.Books{History: res.History(calc.LastClosed(asOf)), Prints: l.Book.Prints()}
				tabs = append(tabs, sheets.HistoryTab(books))
				if _, err := g.Write(ctx, tabs); err != nil {
					b.Fatal(err)
				}
			}
			sync() // the first sync writes the tabs the next ones read
			peak := watchHeap(b)
			srv.ResetCalls()
			ct.sent.Store(0)
			ct.read.Store(0)
			b.ReportAllocs()
			for b.Loop() {
				sync()
			}
			b.ReportMetric(float64(srv.Calls().Total)/float64(b.N), "calls/sync")
			b.ReportMetric(float64(ct.sent.Load())/float64(b.N)/1e6, "MB-sent/sync")
			b.ReportMetric(float64(ct.read.Load())/float64(b.N)/1e6, "MB-read/sync")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
		})
	}
}

// watchHeap samples the heap in use until the benchmark ends and returns
// a function that reports the peak.
func watchHeap(b *testing.B) func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	b.Cleanup(func() { close(done) })
	return peak.Load
}
