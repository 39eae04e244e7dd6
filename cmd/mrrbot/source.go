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
	if f.spreadsheet == "" && f.workbook == "" {
		return usagef("no source: give --spreadsheet ID|URL (or set MRRBOT_SPREADSHEET) or --workbook FILE.xlsx")
	}
	return f.checkStoreFlags()
}

// checkStoreFlags is checkStore but for a store being named at all,
// which doctor reports among its checks rather than refusing.
func (f *syncFlags) checkStoreFlags() error {
	switch {
	case f.spreadsheet != "" && f.workbook != "":
		return usagef("give --spreadsheet or --workbook, not both")
	case f.workbook != "" && f.credentials != "":
		return usagef("--credentials is for a Google spreadsheet; a workbook needs none")
	}
	return workbookExt(f.workbook)
}

// workbookExt refuses a --workbook that is not a workbook mrrbot reads,
// saying how to make one.
func workbookExt(path string) error {
	ext := strings.ToLower(filepath.Ext(path))
	if advice, ok := exportAdvice[ext]; ok {
		return usagef("--workbook %s: mrrbot cannot read %s files; %s", path, ext, advice)
	}
	switch ext {
	case ".csv", ".tsv", ".txt":
		return usagef("--workbook %s: a %s file is not a workbook; read it with `mrrbot compute --input %s`, or open it in a spreadsheet and save it as .xlsx", path, ext, path)
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
	if s.credentials != "" {
		return nil, usagef("--credentials is for --spreadsheet; a file needs none")
	}
	ext := strings.ToLower(filepath.Ext(s.input))
	switch ext {
	case ".csv", ".txt", ".tsv", ".tab":
		if s.tabSet {
			return nil, usagef("--tab is for a workbook or a spreadsheet; a %s file has one table", ext)
		}
		f := sheets.CSVFile{Path: s.input, FX: s.fx}
		if ext == ".tsv" || ext == ".tab" {
			f.Comma = '\t'
		}
		return f, nil
	case ".xlsx", ".xlsm":
		if s.fx != "" {
			return nil, usagef("--fx is for CSV input; a workbook keeps its rates in its FX tab")
		}
		return namedFile{&xlsx.Workbook{Path: s.input}, s.input}, nil
	}
	if advice, ok := exportAdvice[ext]; ok {
		return nil, usagef("--input %s: mrrbot cannot read %s files; %s", s.input, ext, advice)
	}
	return nil, usagef("--input %s: want a .csv, .tsv or .xlsx file", s.input)
}

// exportAdvice says how to save, from the application that made it, a
// file mrrbot cannot read as one it can.
var exportAdvice = map[string]string{
	".ods":     "save it as .xlsx or .csv: in LibreOffice Calc, File → Save As… and pick \"Excel 2007-365 (.xlsx)\" or \"Text CSV (.csv)\"",
	".xls":     "save it as .xlsx or .csv: in Excel, File → Save As… and pick \"Excel Workbook (*.xlsx)\" or \"CSV UTF-8 (Comma delimited) (*.csv)\" (LibreOffice: File → Save As… → \"Excel 2007-365 (.xlsx)\")",
	".numbers": "export it as .xlsx or .csv: in Numbers, File → Export To → Excel… (or CSV…)",
	".gsheet":  "that is a shortcut to a Google spreadsheet: give mrrbot its URL with --spreadsheet, or download it with File → Download → Microsoft Excel (.xlsx)",
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
