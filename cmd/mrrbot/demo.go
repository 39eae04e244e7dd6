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
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
	"github.com/xuri/excelize/v2"
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
	fl.SetOutput(c.stderr)
	out := fl.String("out", "mrrbot-demo.xlsx", "where to write the sample workbook")
	if help, err := parseFlags(fl, args, "demo"); help || err != nil {
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

// writeSampleWorkbook writes a subscriptions table and an FX table as a
// workbook with the cell types a person's spreadsheet has: dates as
// date-formatted serial numbers, prices as currency numbers, a percent
// discount as a percent-formatted number. A value that is not what its
// column wants (a typo) stays text, as a person typed it.
func writeSampleWorkbook(path string, subs, fx [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	styles := map[string]int{}
	for name, numFmt := range map[string]int{"date": 14, "money": 4, "percent": 9} {
		id, err := f.NewStyle(&excelize.Style{NumFmt: numFmt})
		if err != nil {
			return fmt.Errorf("sample workbook: %w", err)
		}
		styles[name] = id
	}
	const tab = "Subscriptions"
	if err := f.SetSheetName("Sheet1", tab); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	header := subs[0]
	for r, rec := range subs {
		for col, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(col+1, r+1)
			if err := setSampleCell(f, tab, cell, header[col], v, r == 0, styles); err != nil {
				return fmt.Errorf("sample workbook %s: %w", cell, err)
			}
		}
	}
	if _, err := f.NewSheet(sheets.FXTab); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	for r, rec := range fx {
		for col, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(col+1, r+1)
			var err error
			if x, perr := strconv.ParseFloat(v, 64); perr == nil && r > 0 {
				err = f.SetCellFloat(sheets.FXTab, cell, x, -1, 64)
			} else {
				err = f.SetCellStr(sheets.FXTab, cell, v)
			}
			if err != nil {
				return fmt.Errorf("sample workbook: %w", err)
			}
		}
	}
	if err := f.SetColWidth(tab, "A", "M", 14); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mrrbot-demo-*.xlsx")
	if err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := f.SaveAs(tmp.Name()); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	// CreateTemp makes the file private; the sample is an ordinary file.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	return nil
}

func setSampleCell(f *excelize.File, tab, cell, column, v string, header bool, styles map[string]int) error {
	if header || v == "" {
		return f.SetCellStr(tab, cell, v)
	}
	style := func(name string) error { return f.SetCellStyle(tab, cell, cell, styles[name]) }
	switch strings.ToLower(column) {
	case "start date", "end date":
		if d, err := calc.ParseDate(v); err == nil {
			if err := f.SetCellInt(tab, cell, int64(sheets.Serial(d))); err != nil {
				return err
			}
			return style("date")
		}
	case "price", "setup fee", "amount":
		if x, err := strconv.ParseFloat(strings.NewReplacer("$", "", ",", "").Replace(v), 64); err == nil {
			if err := f.SetCellFloat(tab, cell, x, -1, 64); err != nil {
				return err
			}
			return style("money")
		}
	case "discount":
		if p, ok := strings.CutSuffix(v, "%"); ok {
			if n, err := strconv.ParseFloat(p, 64); err == nil {
				if err := f.SetCellFloat(tab, cell, n/100, -1, 64); err != nil {
					return err
				}
				return style("percent")
			}
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return f.SetCellFloat(tab, cell, x, -1, 64)
		}
	case "seats", "quantity":
		if n, err := strconv.Atoi(v); err == nil {
			return f.SetCellInt(tab, cell, int64(n))
		}
	}
	return f.SetCellStr(tab, cell, v)
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
