package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/notify"
	"github.com/mrrbot/mrrbot/notify/slacktest"
)

// BenchmarkCompute compares `mrrbot compute --format json` on a generated
// CSV with the least work any program must do: reading the same file with
// encoding/csv. The target (docs/performance.md) is at most 3× the reading
// time at 1M rows.
func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		dir := b.TempDir()
		subs := filepath.Join(dir, "subs.csv")
		fx := filepath.Join(dir, "fx.csv")
		writeFile(b, subs, func(w io.Writer) error { return calctest.WriteCSV(w, n, 1) })
		writeFile(b, fx, calctest.WriteFXCSV)
		monthlyFX := filepath.Join(dir, "fx-monthly.csv")
		writeFile(b, monthlyFX, calctest.WriteMonthlyFXCSV)

		b.Run(fmt.Sprintf("rows=%d/encoding-csv", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := os.Open(subs)
				if err != nil {
					b.Fatal(err)
				}
				r := csv.NewReader(bufio.NewReader(f))
				r.ReuseRecord = true
				for {
					if _, err := r.Read(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
				f.Close()
			}
		})
		b.Run(fmt.Sprintf("rows=%d/compute-json", n), func(b *testing.B) {
			benchRun(b, "compute", "--input", subs, "--fx", fx, "--as-of", "2026-03-15", "--format", "json")
		})
		// Every view on: monthly rates (an FX impact in every month), a
		// segment column beside the plan, and the JSON's cohorts, segments
		// and outlook.
		b.Run(fmt.Sprintf("rows=%d/compute-json-views", n), func(b *testing.B) {
			benchRun(b, "compute", "--input", subs, "--fx", monthlyFX, "--segment", "Currency", "--as-of", "2026-03-15", "--format", "json")
		})
	}
}

func benchRun(b *testing.B, args ...string) {
	b.ReportAllocs()
	getenv := func(string) string { return "" }
	for b.Loop() {
		if err := run(context.Background(), args, getenv, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func writeFile(b *testing.B, path string, fn func(io.Writer) error) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := fn(w); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkServeAnswer answers /mrr 2026-02 as serve does, for the
// workbook BENCH_WORKBOOK, or a generated one of 10k rows:
//
//   - warm: from the figures computed when serve started, as it answers
//     now; MiB-held is the heap the figures keep;
//   - cold: reading the workbook and computing for the answer, as serve
//     did for the first /mrr and again after every cache expiry.
//
// go run ./cmd/gensubs writes big tables as CSV; a workbook of them is a
// spreadsheet program's "Save as .xlsx", or generatedWorkbook.
func BenchmarkServeAnswer(b *testing.B) {
	path := os.Getenv("BENCH_WORKBOOK")
	if path == "" {
		path = generatedWorkbook(b, 10_000)
	}
	env := map[string]string{"MRRBOT_TIMEZONE": "UTC"}
	c := &cli{getenv: func(k string) string { return env[k] }, stdout: io.Discard, stderr: io.Discard, now: func() time.Time { return fixedNow }}
	f := syncFlags{workbook: path, currency: "USD", tab: "Subscriptions"}
	bots, err := c.bots(&f, "", "off")
	if err != nil {
		b.Fatal(err)
	}
	bt := bots[0]
	ctx := context.Background()
	cmd := notify.Command{Command: "/mrr", Text: "2026-02", ChannelID: slacktest.DefaultChannelID}
	answer := func(b *testing.B) {
		msg := bt.answer(ctx, cmd)
		if !strings.HasPrefix(msg.Text, "MRR for February 2026") {
			b.Fatalf("answer %q", msg.Text)
		}
	}
	b.Run("warm", func(b *testing.B) {
		b.ReportAllocs()
		// What the figures hold: the heap after a collection, before
		// the first refresh and after it (and the answer it memoises).
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		bt.refresh(ctx)
		answer(b)
		runtime.GC()
		runtime.ReadMemStats(&after)
		for b.Loop() {
			answer(b)
		}
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "MiB-held")
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bt.warm.mu.Lock()
			bt.warm.tried = fileStamp{} // as if the workbook had changed
			bt.warm.mu.Unlock()
			bt.refresh(ctx)
			answer(b)
		}
	})
}

// BenchmarkSyncWorkbook runs `mrrbot sync --workbook` on a generated
// workbook of 10k and 100k subscription rows (1M with BENCH_1M=1),
// a fresh copy each time, beside `mrrbot compute --input` on the same rows
// as CSV.
func BenchmarkSyncWorkbook(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if os.Getenv("BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		book := generatedWorkbook(b, n)
		data, err := os.ReadFile(book)
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		subs := filepath.Join(dir, "subs.csv")
		fx := filepath.Join(dir, "fx.csv")
		writeFile(b, subs, func(w io.Writer) error { return calctest.WriteCSV(w, n, 1) })
		writeFile(b, fx, calctest.WriteFXCSV)
		b.Run(fmt.Sprintf("rows=%d/compute-csv", n), func(b *testing.B) {
			benchRun(b, "compute", "--input", subs, "--fx", fx, "--as-of", "2026-03-15", "--format", "json")
		})
		b.Run(fmt.Sprintf("rows=%d/sync-workbook", n), func(b *testing.B) {
			b.ReportAllocs()
			getenv := func(string) string { return "" }
			copyPath := filepath.Join(dir, "sync.xlsx")
			for b.Loop() {
				b.StopTimer()
				if err := os.WriteFile(copyPath, data, 0o644); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := run(context.Background(), []string{"sync", "--workbook", copyPath, "--as-of", "2026-03-15"}, getenv, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
