package sheets

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/shopspring/decimal"
)

// Tab is the content of one tab that mrrbot owns and writes: a header row,
// typed rows and how to show them. Every sink (a Google spreadsheet, a
// workbook) writes the same Tab the same way: the whole tab at once,
// replacing what the bot wrote before.
type Tab struct {
	// Name is the tab's title, as people see it.
	Name string
	// Role says which of the bot's tabs this is ("summary", "movements",
	// "issues"). It is what marks the tab as the bot's, so a tab keeps its
	// role when a flag renames it.
	Role string
	// Columns describe the columns, left to right; their titles are the
	// header row.
	Columns []TabColumn
	// Rows are the rows below the header. A row may be shorter than
	// Columns; the missing cells are blank.
	Rows [][]Cell
	// FrozenRows is the number of rows kept in view when scrolling.
	FrozenRows int
	// Hidden hides the tab.
	Hidden bool
	// Protected asks people to think twice before editing the tab: the
	// spreadsheet warns (it does not forbid) when they try.
	Protected bool
	// Chart, when not nil, is drawn beside the table.
	Chart *Chart
	// ColorScales colour blocks of Rows by their values.
	ColorScales []ColorScale
}

// TabColumn is a column of a Tab.
type TabColumn struct {
	Title string
	// Format and Pattern are the number format of the column's Number
	// cells; Pattern uses the spreadsheet's syntax ("mmm yyyy",
	// "#,##0.00", "0.0%").
	Format  Format
	Pattern string
	// Width is the column's width in pixels; 0 leaves it as it is.
	Width int
	// Wrap wraps the column's text onto as many lines as it needs within
	// Width, so that a long message is read whole rather than cut off at
	// the next column.
	Wrap bool
}

// Chart is a chart of a tab's own rows. Its horizontal axis's labels stand
// at the bottom of the chart, below bars that go under zero.
type Chart struct {
	Title string
	// Domain is the index of the column along the horizontal axis.
	Domain int
	// Series are the columns plotted, in order.
	Series []ChartSeries
	// Stacked stacks the column series.
	Stacked bool
	// Column is the zero-based column where the chart's top left corner
	// sits, on the first row.
	Column int
	// Width and Height are the chart's size in pixels.
	Width, Height int
}

// ChartSeries is one plotted column.
type ChartSeries struct {
	Column int
	// Line draws the series as a line; otherwise it is columns.
	Line bool
	// RightAxis plots the series against a second vertical axis, on the
	// right, for a series of another scale than the others (a month's
	// ending MRR beside its movements).
	RightAxis bool
	// Color is the series' colour, "#rrggbb"; empty leaves it to the
	// spreadsheet.
	Color string
}

// ColorScale colours the Number cells of a block of a tab's rows from
// Low (at Min) through MidColor (at Mid) to High (at Max), as a
// spreadsheet's colour scale does: a value between two of the points gets
// the colour in between, and a value beyond Min or Max gets Low or High.
//
// A scale that covers no rows (LastRow < FirstRow, as for a tab with no
// rows) is left out. Otherwise its block must lie within the tab's rows
// and columns.
type ColorScale struct {
	// FirstRow and LastRow are zero-based indexes into Rows (the header
	// is not counted), inclusive; FirstColumn and LastColumn are
	// zero-based column indexes, inclusive.
	FirstRow, LastRow, FirstColumn, LastColumn int
	// Min, Mid and Max are the values the colours are pinned to, as number
	// literals such as "0", "0.5" or "1". Mid may be empty (with MidColor)
	// for a scale of two colours.
	Min, Mid, Max string
	// Low, MidColor and High are the colours at Min, Mid and Max, as
	// "#rrggbb".
	Low, MidColor, High string
}

// Empty reports whether s covers no rows.
func (s *ColorScale) Empty() bool { return s.LastRow < s.FirstRow }

// HasMid reports whether s has a midpoint: three colours, not two.
func (s *ColorScale) HasMid() bool { return s.Mid != "" || s.MidColor != "" }

// checkColorScales checks that each colour scale of t that covers rows
// lies within t, and that its values and colours can be read.
func (t *Tab) checkColorScales() error {
	for i := range t.ColorScales {
		s := &t.ColorScales[i]
		if s.Empty() {
			continue
		}
		if err := s.check(len(t.Rows), len(t.Columns)); err != nil {
			return fmt.Errorf("colour scale %d: %w", i+1, err)
		}
	}
	return nil
}

// check checks s against a tab of rows rows (below the header) and cols
// columns.
func (s *ColorScale) check(rows, cols int) error {
	switch {
	case s.FirstRow < 0 || s.LastRow >= rows:
		return fmt.Errorf("rows %d–%d are not within the tab's %d rows", s.FirstRow, s.LastRow, rows)
	case s.FirstColumn < 0 || s.LastColumn < s.FirstColumn || s.LastColumn >= cols:
		return fmt.Errorf("columns %d–%d are not within the tab's %d columns", s.FirstColumn, s.LastColumn, cols)
	}
	type point struct{ name, value, color string }
	points := []point{{"min", s.Min, s.Low}, {"max", s.Max, s.High}}
	if s.HasMid() {
		points = append(points, point{"mid", s.Mid, s.MidColor})
	}
	for _, p := range points {
		if _, err := NumberLiteral(p.value); err != nil {
			return fmt.Errorf("%s value: %w", p.name, err)
		}
		if _, ok := ParseColor(p.color); !ok {
			return fmt.Errorf("%s colour %q is not #rrggbb", p.name, p.color)
		}
	}
	return nil
}

// ParseColor reads a colour written "#rrggbb".
func ParseColor(s string) (rgb [3]uint8, ok bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb, false
	}
	for i := range rgb {
		v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return rgb, false
		}
		rgb[i] = uint8(v)
	}
	return rgb, true
}

// Check checks what every sink needs of t: number formats without
// control characters, no negative width, no row longer than the columns,
// Number cells that hold number literals and Bool cells TRUE or FALSE, a
// chart of the tab's own columns, and colour scales within the tab (see
// [ColorScale]). A sink refuses a tab that fails it before writing
// anything.
func (t *Tab) Check() error {
	for i, c := range t.Columns {
		if strings.ContainsFunc(c.Pattern, func(r rune) bool { return r < ' ' }) {
			return fmt.Errorf("column %q: number format %q has a control character", c.Title, c.Pattern)
		}
		if c.Width < 0 {
			return fmt.Errorf("column %d: negative width %d", i+1, c.Width)
		}
	}
	for r, row := range t.Rows {
		if len(row) > len(t.Columns) {
			return fmt.Errorf("row %d has %d cells for %d columns", r+2, len(row), len(t.Columns))
		}
		for c, cell := range row {
			var err error
			switch cell.Kind {
			case Number:
				_, err = NumberLiteral(cell.Text)
			case Bool:
				_, err = boolValue(cell.Text)
			}
			if err != nil {
				return fmt.Errorf("row %d, column %q: %w", r+2, t.Columns[c].Title, err)
			}
		}
	}
	if ch := t.Chart; ch != nil {
		in := func(col int) bool { return col >= 0 && col < len(t.Columns) }
		if !in(ch.Domain) {
			return fmt.Errorf("chart: domain column %d is not a column of the tab", ch.Domain)
		}
		if len(ch.Series) == 0 {
			return errors.New("chart: no series")
		}
		for _, s := range ch.Series {
			if !in(s.Column) {
				return fmt.Errorf("chart: series column %d is not a column of the tab", s.Column)
			}
			if _, ok := ParseColor(s.Color); s.Color != "" && !ok {
				return fmt.Errorf("chart: series colour %q is not #rrggbb", s.Color)
			}
		}
		if ch.Column < 0 || ch.Width < 0 || ch.Height < 0 {
			return errors.New("chart: negative column or size")
		}
	}
	return t.checkColorScales()
}

// NumberLiteral returns the literal to store for a Number cell's text: the
// text itself when it is a plain decimal literal, otherwise (such as "+5"
// or ".5") its canonical form.
func NumberLiteral(s string) (string, error) {
	if !IsNumberLiteral(s) {
		return "", fmt.Errorf("%q is not a number", s)
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return "", fmt.Errorf("%q is out of a spreadsheet's range", s)
	}
	if plainLiteral(s) {
		return s, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a number", s)
	}
	return d.String(), nil
}

// plainLiteral reports whether s is -?D+(.D+)?([eE][+-]?D+)?, the form
// every spreadsheet reads.
func plainLiteral(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

func boolValue(s string) (bool, error) {
	switch {
	case strings.EqualFold(s, "TRUE"):
		return true, nil
	case strings.EqualFold(s, "FALSE"):
		return false, nil
	}
	return false, fmt.Errorf("%q is not TRUE or FALSE", s)
}

// TextCell returns a Text cell, or an Empty one for "".
func TextCell(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Kind: Text, Text: s}
}

// NumberCell returns a Number cell holding the exact literal of a decimal
// string such as "1250.00".
func NumberCell(literal string, f Format) Cell {
	return Cell{Kind: Number, Text: literal, Format: f}
}

// IntCell returns a plain Number cell holding n.
func IntCell(n int) Cell { return Cell{Kind: Number, Text: strconv.Itoa(n), Format: FormatNumber} }

// DateCell returns a date-formatted Number cell: the serial day of d,
// counted from 1899-12-30 as spreadsheets do.
func DateCell(d calc.Date) Cell {
	return Cell{Kind: Number, Text: strconv.Itoa(Serial(d)), Format: FormatDate}
}

// Serial returns d as a spreadsheet serial day, counted from 1899-12-30.
func Serial(d calc.Date) int { return int(d - serialEpoch) }

// Bot-owned tab roles.
const (
	RoleSummary   = "summary"
	RoleChart     = "chart"
	RoleMovements = "movements"
	RoleIssues    = "issues"
	RoleCohorts   = "cohorts"
	RoleSegments  = "segments"
)
