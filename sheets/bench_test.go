package sheets

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"testing"

	"github.com/mrrbot/mrrbot/calc"
)

// benchCSV returns a subscriptions CSV of n rows shaped like a real export:
// a few thousand customers with several lines each, a mix of intervals,
// currencies, discounts, ended rows and written forms.
func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Customer ID,Customer name,Plan,Amount,Currency,Interval,Quantity,Discount,Start date,End date,Status,Setup fee\n")
	plans := []string{"Starter", "Pro", "Business", "Enterprise"}
	intervals := []string{"monthly", "monthly", "annual", "quarterly"}
	for i := range n {
		cust := i / 3
		amount := fmt.Sprintf("%d.%02d", 10+i%490, i%100)
		currency := ""
		if i%7 == 0 {
			currency = "EUR"
		}
		if i%5 == 0 {
			// A price written with a sign is in the row's currency.
			sign := "$"
			if currency == "EUR" {
				sign = "€"
			}
			amount = fmt.Sprintf("\"%s%d,%03d.00\"", sign, 1+i%9, i%1000)
		}
		discount := ""
		switch i % 10 {
		case 3:
			discount = "10%"
		case 6:
			discount = "5"
		}
		end := ""
		if i%4 == 1 {
			end = fmt.Sprintf("20%02d-%02d-28", 25+i%2, 1+i%12)
		}
		fmt.Fprintf(&b, "cus_%06d,Customer %d,%s,%s,%s,%s,%d,%s,2024-%02d-%02d,%s,%s,%s\n",
			cust, cust, plans[i%4], amount, currency, intervals[i%4], 1+i%3, discount,
			1+i%12, 1+i%28, end, "active", "")
	}
	return b.Bytes()
}

var fxBench = []byte("currency,rate\nEUR,1.08\n")

// BenchmarkReadCSV reads a 100k-row CSV into a book.
func BenchmarkReadCSV(b *testing.B) {
	data := benchCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := ReadCSV(bytes.NewReader(data), bytes.NewReader(fxBench), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(l.Errors) != 0 {
			b.Fatal(l.Errors[0].Error())
		}
	}
}

// BenchmarkCSVBaseline is the least work any reader does: encoding/csv
// reading the same file with ReuseRecord. BenchmarkReadCSV is measured
// against it.
func BenchmarkCSVBaseline(b *testing.B) {
	data := benchCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		r.ReuseRecord = true
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// discard is a book that accepts every row and keeps none, to measure
// Decode alone.
type discard struct{}

func (discard) Add(*calc.Subscription) error { return nil }

func (discard) Customers() int   { return 0 }
func (discard) Currency() string { return "USD" }

// BenchmarkDecodeCSV is BenchmarkReadCSV without the book: the cost of
// sheets alone over encoding/csv.
func BenchmarkDecodeCSV(b *testing.B) {
	data := benchCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := decode(NewCSVReader(bytes.NewReader(data)), discard{}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Errors) != 0 {
			b.Fatal(rep.Errors[0].Error())
		}
	}
}
