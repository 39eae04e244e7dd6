package report

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixtureDir is the hand-checked fixture of testdata/fixture/README.md.
const fixtureDir = "../testdata/fixture"

// fixtureAsOf is the as-of date the fixture was worked out for.
var fixtureAsOf = calc.DateOf(2026, time.March, 15)

// fixture holds the fixture computed as `mrrbot compute` would.
type fixture struct {
	res      *calc.Result
	errs     []calc.Issue
	warnings []calc.Issue
}

func loadFixture(t *testing.T) fixture {
	t.Helper()
	subs, err := os.Open(filepath.Join(fixtureDir, "subscriptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer subs.Close()
	fx, err := os.Open(filepath.Join(fixtureDir, "fx.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fx.Close()
	l, err := sheets.ReadCSV(subs, fx, sheets.Options{Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}
	res := l.Book.Compute(fixtureAsOf)
	warnings := append(l.Warnings, res.Warnings...)
	l.Label(warnings) // as the commands do: the sheet's headers
	return fixture{res: res, errs: append(l.FXErrors, l.Errors...), warnings: warnings}
}

// checkGolden compares got with testdata/name, or rewrites the file with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// dumpTab renders a tab as text to read and diff: its settings, its columns
// with their formats, its chart, then every cell of every row on a line of
// its own, with the row number the spreadsheet shows and the cell's column.
func dumpTab(tab sheets.Tab) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tab %q role=%s frozen=%d hidden=%t\n", tab.Name, tab.Role, tab.FrozenRows, tab.Hidden)
	b.WriteString("columns:\n")
	for i, c := range tab.Columns {
		wrap := ""
		if c.Wrap {
			wrap = " wrap"
		}
		fmt.Fprintf(&b, "  %-2s %-22s %-8s %-18s width=%d%s\n", letter(i), c.Title, c.Format, c.Pattern, c.Width, wrap)
	}
	if ch := tab.Chart; ch != nil {
		fmt.Fprintf(&b, "chart %q: domain %s, stacked=%t, at column %s, %dx%d\n",
			ch.Title, letter(ch.Domain), ch.Stacked, letter(ch.Column), ch.Width, ch.Height)
		for _, s := range ch.Series {
			kind := "columns"
			if s.Line {
				kind = "line"
			}
			if s.RightAxis {
				kind += " on the right axis"
			}
			fmt.Fprintf(&b, "  series %s %q as %s, colour %s\n", letter(s.Column), title(tab, s.Column), kind, s.Color)
		}
	}
	for _, cs := range tab.ColorScales {
		fmt.Fprintf(&b, "colour scale %s%d:%s%d: %s at %s, %s at %s, %s at %s\n",
			letter(cs.FirstColumn), cs.FirstRow+2, letter(cs.LastColumn), cs.LastRow+2,
			cs.Low, cs.Min, cs.MidColor, cs.Mid, cs.High, cs.Max)
	}
	fmt.Fprintf(&b, "rows: %d\n", len(tab.Rows))
	for r, row := range tab.Rows {
		fmt.Fprintf(&b, "row %d\n", r+2) // the header is row 1
		for i, c := range row {
			fmt.Fprintf(&b, "  %-2s %-22s %s\n", letter(i), title(tab, i), dumpCell(c))
		}
	}
	return b.String()
}

func dumpCell(c sheets.Cell) string {
	switch c.Kind {
	case sheets.Empty:
		return "empty"
	case sheets.Text:
		return fmt.Sprintf("text %q", c.Text)
	}
	s := fmt.Sprintf("%s %s %s", c.Kind, c.Format, c.Text)
	if c.Format == sheets.FormatDate {
		var n int
		fmt.Sscan(c.Text, &n)
		s += " = " + (calc.DateOf(1899, time.December, 30) + calc.Date(n)).String()
	}
	return s
}

func title(tab sheets.Tab, i int) string {
	if i < 0 || i >= len(tab.Columns) {
		return "?"
	}
	return tab.Columns[i].Title
}

// letter returns the spreadsheet letter of the zero-based column i.
func letter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
