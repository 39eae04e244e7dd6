package sheets

// This file answers questions about a source without reading it, for
// `mrrbot doctor`: who mrrbot acts as, which tabs there are, which of them
// a read would take.

// Identity returns the credentials g acts as.
func (g *Google) Identity() Identity { return g.identity }

// WorkbookTabs returns the names of the workbook's tabs, in order.
func WorkbookTabs(path string) ([]string, error) {
	x, err := openXLSX(path)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	return x.tabNames(), nil
}

// FindTab returns the tab among tabs that a read of name takes: the first
// whose title is name, ignoring case and surrounding spaces.
func FindTab(tabs []string, name string) (string, bool) { return findTab(tabs, name) }
