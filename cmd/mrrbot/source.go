package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/gsheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// store is where a report's subscriptions are, read and written: a Google
// spreadsheet or a local workbook.
type store interface {
	sheets.Source
	sheets.Sink
}

// checkStore checks that the flags name one store.
func (f *syncFlags) checkStore() error {
	switch {
	case f.spreadsheet != "" && f.workbook != "":
		return usagef("give --spreadsheet or --workbook, not both")
	case f.spreadsheet == "" && f.workbook == "":
		return usagef("no source: give --spreadsheet ID|URL (or set MRRBOT_SPREADSHEET) or --workbook FILE.xlsx")
	}
	return nil
}

// openStore returns the store that --spreadsheet or --workbook names, and
// how to name it while it opens.
func (c *cli) openStore(ctx context.Context, f *syncFlags) (store, string, error) {
	if err := f.checkStore(); err != nil {
		return nil, "", err
	}
	if f.workbook != "" {
		return &xlsx.Workbook{Path: f.workbook, Entries: f.ledger, MemoryLimit: c.memoryLimit()}, "workbook " + f.workbook, nil
	}
	id, err := gsheets.SpreadsheetID(f.spreadsheet)
	if err != nil {
		return nil, "", usagef("--spreadsheet: %v", err)
	}
	g, err := c.google(ctx, id, f.credentials)
	if err != nil {
		return nil, "", err
	}
	return g, "spreadsheet " + id, nil
}

// google connects to the spreadsheet id with the configured credentials,
// or unauthenticated to MRRBOT_SHEETS_ENDPOINT when none are configured.
func (c *cli) google(ctx context.Context, id, credentials string) (*gsheets.Spreadsheet, error) {
	onCall, onRetry := c.metrics.sheetsHooks()
	return gsheets.Open(ctx, id, gsheets.AuthConfig{
		Endpoint:        c.getenv("MRRBOT_SHEETS_ENDPOINT"),
		CredentialsFile: credentials,
		HTTPClient:      c.httpClient,
		Logger:          c.logger(),
		Getenv:          c.getenv,
		OnCall:          onCall,
		OnRetry:         onRetry,
	})
}

// openInput returns the source compute reads: the CSV file or workbook of
// --input, or the spreadsheet of --spreadsheet (MRRBOT_SPREADSHEET when
// --input is not given).
func (c *cli) openInput(ctx context.Context, s *sourceFlags) (sheets.Source, error) {
	spreadsheet := s.spreadsheet
	if spreadsheet == "" && s.input == "" {
		spreadsheet = c.getenv("MRRBOT_SPREADSHEET")
	}
	switch {
	case s.input != "" && spreadsheet != "":
		return nil, usagef("give --input or --spreadsheet, not both")
	case s.input == "" && spreadsheet == "":
		return nil, usagef("no input: give --input FILE.csv or FILE.xlsx, or --spreadsheet ID|URL")
	case spreadsheet != "":
		if s.fx != "" {
			return nil, usagef("--fx is for CSV input; a spreadsheet keeps its rates in its FX tab")
		}
		id, err := gsheets.SpreadsheetID(spreadsheet)
		if err != nil {
			return nil, usagef("--spreadsheet: %v", err)
		}
		return c.google(ctx, id, s.credentials)
	}
	switch strings.ToLower(filepath.Ext(s.input)) {
	case ".csv", ".txt":
		return sheets.CSVFile{Path: s.input, FX: s.fx}, nil
	case ".xlsx", ".xlsm":
		if s.fx != "" {
			return nil, usagef("--fx is for CSV input; a workbook keeps its rates in its FX tab")
		}
		return namedFile{&xlsx.Workbook{Path: s.input}, s.input}, nil
	}
	return nil, usagef("--input %s: want a .csv or .xlsx file", s.input)
}

// namedFile is a file given with --input whose read errors name it, as
// those of a CSV file do.
type namedFile struct {
	sheets.Source
	path string
}

func (n namedFile) Load(ctx context.Context, opts sheets.Options) (*sheets.Loaded, error) {
	l, err := n.Source.Load(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", n.path, err)
	}
	return l, nil
}
