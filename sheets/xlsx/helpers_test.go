package xlsx

import (
	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
)

// T is a text cell, N a number cell.
func T(s string) sheets.Cell { return sheets.Cell{Kind: sheets.Text, Text: s} }
func N(s string, f sheets.Format) sheets.Cell {
	return sheets.Cell{Kind: sheets.Number, Text: s, Format: f}
}

func date(s string) calc.Date {
	d, err := calc.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
