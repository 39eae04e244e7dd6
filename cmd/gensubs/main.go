// Command gensubs writes a generated subscriptions table, for measuring
// mrrbot on sheets of any size (see docs/performance.md). An -out ending
// in .xlsx is a workbook with typed cells, as a person's spreadsheet holds
// them: dates as serial days with a date format, amounts and seats as
// numbers (a "$" or "€" price with a currency format), a "10%" discount
// as 0.1 with a percent format; what is not a number or a date (a mistyped
// date) stays text; its FX tab holds the rates -fx writes. Any other -out
// is CSV.
//
//	go run ./cmd/gensubs -rows 1000000 -out subs.csv -fx fx.csv
//	go run ./cmd/gensubs -rows 1000000 -out subs.xlsx
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/mrrbot/mrrbot/calc/calctest"
)

func main() {
	rows := flag.Int("rows", 100000, "number of data rows")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "subs.csv", "subscriptions table to write: a .xlsx workbook, or CSV")
	fx := flag.String("fx", "", "FX rates CSV to write (optional)")
	flag.Parse()
	var err error
	if strings.HasSuffix(strings.ToLower(*out), ".xlsx") {
		err = writeXLSX(*out, *rows, *seed)
	} else {
		err = write(*out, func(w *bufio.Writer) error { return calctest.WriteCSV(w, *rows, *seed) })
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensubs:", err)
		os.Exit(1)
	}
	if *fx != "" {
		if err := write(*fx, func(w *bufio.Writer) error { return calctest.WriteFXCSV(w) }); err != nil {
			fmt.Fprintln(os.Stderr, "gensubs:", err)
			os.Exit(1)
		}
	}
}

func write(path string, fn func(*bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := fn(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
