package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// The demo's sample sheet: 42 customers of a small B2B company over the 24
// months from November 2024 to October 2026, with upgrades, downgrades,
// churn, a reactivation, annual and quarterly plans, seats, discounts, a
// second currency and two rows with mistakes.
var (
	//go:embed demo/subscriptions.csv
	demoSubscriptions []byte
	//go:embed demo/fx.csv
	demoFX []byte
)

// demoLastMonth is the last month of the sample's dates. The demo moves
// every date so that this month becomes the last complete month.
var demoLastMonth = calc.MonthOf(2026, time.October)

// demoMarker is the ledger entry that marks a workbook as the demo's, so
// the demo may write over it again and over nothing else.
const demoMarker = "demo"

func (c *cli) demo(ctx context.Context, args []string) error {
	fl := flag.NewFlagSet("demo", flag.ContinueOnError)
	out := fl.String("out", "mrrbot-demo.xlsx", "where to write the sample workbook, a `FILE`.xlsx")
	if help, err := c.parseFlags(fl, args); help || err != nil {
		return err
	}
	loc, err := c.location()
	if err != nil {
		return err
	}
	today := calc.DateFromTime(c.now().In(loc))
	lastComplete := today.Month() - 1

	if err := checkDemoTarget(*out); err != nil {
		return err
	}
	subs, err := csv.NewReader(bytes.NewReader(demoSubscriptions)).ReadAll()
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	fx, err := csv.NewReader(bytes.NewReader(demoFX)).ReadAll()
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	shiftDates(subs, int(lastComplete-demoLastMonth))
	if err := writeSampleWorkbook(*out, subs, fx); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Wrote the sample workbook %s: %d subscription rows, two of them with mistakes.\n\n", *out, len(subs)-1)

	f := syncFlags{workbook: *out, tab: sheets.DefaultTab, currency: "USD", names: report.DefaultTabNames,
		segments: segmentList{"Region"},
		ledger:   map[string]string{demoMarker: "sample workbook written by mrrbot demo"}}
	f.per.asOf = today.String()
	s, err := c.runSync(ctx, &f)
	if err != nil {
		return err
	}
	c.printSynced(s, false)

	d, err := report.NewDigest(s.result, lastComplete, report.IssueRows(s.errors, s.remarks), "")
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	fmt.Fprintf(c.stdout, "\nThe digest mrrbot would post to Slack for %s:\n\n", lastComplete)
	for _, line := range strings.Split(strings.TrimRight(d.Text(), "\n"), "\n") {
		fmt.Fprintln(c.stdout, "  "+line)
	}
	fmt.Fprintf(c.stdout, "\nOpen %s to see the tabs mrrbot wrote: %s.\n", *out, strings.Join(tabTitles(s.tabs()), ", "))
	return nil
}

// checkDemoTarget refuses to write over a file that is not an earlier
// demo's.
func checkDemoTarget(path string) error {
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ledger, err := xlsx.ReadLedger(path)
	if err == nil && ledger[demoMarker] != "" {
		return nil
	}
	return fmt.Errorf("demo: %s exists and is not mrrbot's sample workbook; remove it or pick another file with --out", path)
}

// shiftDates moves every ISO date of the sample's date columns by months,
// keeping month ends at month ends.
func shiftDates(recs [][]string, months int) {
	header := recs[0]
	for _, rec := range recs[1:] {
		for i, v := range rec {
			if !strings.Contains(strings.ToLower(header[i]), "date") {
				continue
			}
			d, err := calc.ParseDate(v)
			if err != nil {
				continue // a mistake in the sample stays a mistake
			}
			y, m, day := d.Date()
			atEnd := d == d.Month().LastDay()
			target := calc.MonthOf(y, m) + calc.Month(months)
			nd := target.FirstDay() + calc.Date(day-1)
			if atEnd || nd > target.LastDay() {
				nd = target.LastDay()
			}
			rec[i] = nd.String()
		}
	}
}

// sampleWidth is the width of the sample's subscription columns but the
// last, notes, in pixels: 14 characters.
const sampleWidth = 103

// writeSampleWorkbook writes a subscriptions table and an FX table as a
// workbook with the cell types a person's spreadsheet has: dates as
// date-formatted serial numbers, prices as numbers with two decimals, a
// percent discount as a percent-formatted number. A value that is not what
// its column wants (a typo) stays text, as a person typed it.
func writeSampleWorkbook(path string, subs, fx [][]string) error {
	tabs := []sheets.Tab{{Name: "Subscriptions"}, {Name: sheets.FXTab}}
	header := subs[0]
	for i, title := range header {
		col := sheets.TabColumn{Title: title}
		if i < 13 {
			col.Width = sampleWidth
		}
		tabs[0].Columns = append(tabs[0].Columns, col)
	}
	for _, rec := range subs[1:] {
		row := make([]sheets.Cell, len(rec))
		for i, v := range rec {
			row[i] = sampleCell(header[i], v)
		}
		tabs[0].Rows = append(tabs[0].Rows, row)
	}
	for _, title := range fx[0] {
		tabs[1].Columns = append(tabs[1].Columns, sheets.TabColumn{Title: title})
	}
	for _, rec := range fx[1:] {
		row := make([]sheets.Cell, len(rec))
		for i, v := range rec {
			row[i] = sheets.TextCell(v)
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				row[i] = sheets.NumberCell(strconv.FormatFloat(x, 'f', -1, 64), sheets.FormatNone)
			}
		}
		tabs[1].Rows = append(tabs[1].Rows, row)
	}
	if err := xlsx.Create(path, tabs); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	return nil
}

// sampleCell is the cell a person's spreadsheet holds for the value v of
// the sample's column.
func sampleCell(column, v string) sheets.Cell {
	number := func(x float64, f sheets.Format) sheets.Cell {
		return sheets.NumberCell(strconv.FormatFloat(x, 'f', -1, 64), f)
	}
	switch strings.ToLower(column) {
	case "start date", "end date":
		if d, err := calc.ParseDate(v); err == nil {
			return sheets.DateCell(d)
		}
	case "price", "setup fee", "amount":
		if x, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "").Replace(v), 64); err == nil {
			return number(x, sheets.FormatNumber)
		}
	case "discount":
		if p, ok := strings.CutSuffix(v, "%"); ok {
			if n, err := strconv.ParseFloat(p, 64); err == nil {
				return number(n/100, sheets.FormatPercent)
			}
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return number(x, sheets.FormatNone)
		}
	case "seats", "quantity":
		if n, err := strconv.Atoi(v); err == nil {
			return sheets.NumberCell(strconv.Itoa(n), sheets.FormatNone)
		}
	}
	return sheets.TextCell(v)
}

// tabTitles lists the titles of the tabs people see, in order.
func tabTitles(tabs []sheets.Tab) []string {
	var titles []string
	for _, t := range tabs {
		if !t.Hidden {
			titles = append(titles, t.Name)
		}
	}
	return titles
}
