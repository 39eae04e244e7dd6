package gsheets_test

import (
	"context"
	"fmt"
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
// process. It reports the API calls per sync and the peak heap in use,
// which includes the stand-in's own copy of the spreadsheet: an upper
// bound for mrrbot alone.
func BenchmarkSyncGoogle(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			srv := sheetstest.New(b)
			seedGenerated(b, srv, n, n/5)
			g := newGoogle(b, srv)
			ctx := context.Background()
			peak := watchHeap(b)
			srv.ResetCalls()
			b.ReportAllocs()
			for b.Loop() {
				_, err := g.Layout(ctx)
				if err != nil {
					b.Fatal(err)
				}
				l, err := g.Load(ctx, sheets.Options{Currency: "USD"})
				if err != nil {
					b.Fatal(err)
				}
				res := l.Book.Compute(calc.DateOf(2026, 3, 15))
				tabs := report.Tabs(res, l.Errors, res.Warnings, report.DefaultTabNames)
				if _, err := g.Write(ctx, tabs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(srv.Calls().Total)/float64(b.N), "calls/sync")
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
