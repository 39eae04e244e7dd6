package gsheets

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/mrrbot/mrrbot/calc/calctest"
)

// BenchmarkDecodeGrids decodes a spreadsheets.get reply of generated rows
// (dates and amounts typed, the rest text, as cellFields asks for them),
// written into a pipe as it is read, and reports the live heap after
// decoding: what the cells cost mrrbot before it computes. rows=830000
// is Google's limit of 10M cells at 12 columns.
func BenchmarkDecodeGrids(b *testing.B) {
	for _, n := range []int{100_000, 830_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			for b.Loop() {
				pr, pw := io.Pipe()
				go func() { pw.CloseWithError(writeReply(pw, n)) }()
				grids, err := decodeGrids(pr)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MB")
				b.ReportMetric(float64(ms.HeapAlloc)/float64(n*12), "bytes/cell")
				runtime.KeepAlive(grids)
			}
		})
	}
}

// writeReply writes the reply Google gives for n generated rows.
func writeReply(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"sheets":[{"properties":{"title":"Subscriptions"},"data":[{"rowData":[`)
	first := true
	calctest.EachFor(n, n/5, 1, func(rec []string) {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.WriteString(`{"values":[`)
		for i, v := range rec {
			if i > 0 {
				bw.WriteByte(',')
			}
			switch {
			case v == "":
				bw.WriteString(`{}`)
			case calctest.Header[i] == "Start Date" || calctest.Header[i] == "End Date":
				bw.WriteString(`{"effectiveValue":{"numberValue":45678},"effectiveFormat":{"numberFormat":{"type":"DATE","pattern":"yyyy-mm-dd"}}}`)
			case calctest.Header[i] == "Amount" && isNumber(v):
				bw.WriteString(`{"effectiveValue":{"numberValue":` + v + `},"effectiveFormat":{"numberFormat":{"type":"NUMBER","pattern":"#,##0.00"}}}`)
			default:
				bw.WriteString(`{"effectiveValue":{"stringValue":` + strconv.Quote(v) + `}}`)
			}
		}
		bw.WriteString(`]}`)
	})
	bw.WriteString(`]}]}]}`)
	return bw.Flush()
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
