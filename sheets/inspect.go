package sheets

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// This file answers questions about a source without reading it, for
// `mrrbot doctor`: who mrrbot acts as, which tabs there are, which of them
// a read would take.

// Identity returns the credentials g acts as.
func (g *Google) Identity() Identity { return g.identity }

// WorkbookTabs returns the names of the workbook's tabs, in order.
func WorkbookTabs(path string) ([]string, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	defer f.Close()
	return f.GetSheetList(), nil
}

// FindTab returns the tab among tabs that a read of name takes: the first
// whose title is name, ignoring case and surrounding spaces.
func FindTab(tabs []string, name string) (string, bool) { return findTab(tabs, name) }
