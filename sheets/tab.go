package sheets

import (
	"strconv"

	"github.com/mrrbot/mrrbot/calc"
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
}

// Chart is a chart of a tab's own rows.
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
	RoleMovements = "movements"
	RoleIssues    = "issues"
)
