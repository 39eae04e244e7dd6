// Command gensubs writes a generated subscriptions table as CSV, for
// measuring mrrbot on sheets of any size (see docs/performance.md).
//
//	go run ./cmd/gensubs -rows 1000000 -out subs.csv -fx fx.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/mrrbot/mrrbot/calc/calctest"
)

func main() {
	rows := flag.Int("rows", 100000, "number of data rows")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "subs.csv", "subscriptions CSV to write")
	fx := flag.String("fx", "", "FX rates CSV to write (optional)")
	flag.Parse()
	if err := write(*out, func(w *bufio.Writer) error { return calctest.WriteCSV(w, *rows, *seed) }); err != nil {
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
