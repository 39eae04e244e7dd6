package gsheets

// This file gives the tests what production code does not need.

import (
	"context"
	"slices"
	"strings"
)

// SetCellLimit lowers Google's cell limit to n, so that a test can fill a
// spreadsheet to the limit with a small one (see
// sheetstest.Server.SetMaxCells).
func (g *Spreadsheet) SetCellLimit(n int64) { g.cellLimit = n }

// PostedKeys returns the keys recorded in the spreadsheet's claim tabs,
// sorted, for diagnostics: one API call.
func (g *Spreadsheet) PostedKeys(ctx context.Context) ([]string, error) {
	tabs, err := g.ledger().claimTabs(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(tabs))
	for title, ct := range tabs {
		if ct.value != "" || ct.token != "" {
			keys = append(keys, postedKey(title, ct.value))
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// postedKey returns the key of a claim tab's value, key + " " + note. A key
// may hold spaces itself, so the key is the prefix whose claim title is the
// tab's; for a tab a person renamed, it is the value's first word.
func postedKey(title, value string) string {
	for i := range len(value) + 1 {
		if (i == len(value) || value[i] == ' ') && claimTitle(value[:i]) == title {
			return value[:i]
		}
	}
	key, _, _ := strings.Cut(value, " ")
	return key
}

// SetMaxRequest sets the largest batchUpdate body sent as one request, so
// that a test writes through staging tabs without a large sheet.
func (g *Spreadsheet) SetMaxRequest(n int) { g.maxRequest = n }
