package main

import (
	"strings"
	"testing"

	"github.com/mrrbot/mrrbot/sheets/sheetstest"
)

// TestOfficeFileInDrive checks what a person reads who gives mrrbot an
// .xlsx uploaded to Drive and not converted: Google Sheets shows it, but
// the Sheets API refuses it with "This operation is not supported for this
// document", which says nothing of what to do.
func TestOfficeFileInDrive(t *testing.T) {
	srv := sheetstest.New(t)
	fixtureSheet(t, srv)
	srv.SetOfficeFile(sheetID, true)
	for _, args := range [][]string{
		{"sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"},
		{"digest", "--spreadsheet", sheetID, "--month", "2026-01"},
	} {
		t.Run(args[0], func(t *testing.T) {
			_, stderr, err := mrrbot(t, googleEnv(srv), args...)
			if err == nil {
				t.Fatalf("%s of an Office file succeeded", args[0])
			}
			for _, want := range []string{
				"spreadsheet " + sheetID + " is an Excel file stored in Google Drive",
				"File → Save as Google Sheets",
				"the new spreadsheet's ID or URL",
				"This operation is not supported for this document",
			} {
				if !strings.Contains(err.Error()+stderr, want) {
					t.Errorf("error %q (stderr %q) lacks %q", err, stderr, want)
				}
			}
		})
	}
	// Once converted (here: the same ID, as a stand-in), it syncs.
	srv.SetOfficeFile(sheetID, false)
	if _, stderr, err := mrrbot(t, googleEnv(srv), "sync", "--spreadsheet", sheetID, "--as-of", "2026-03-15"); err != nil {
		t.Errorf("sync after conversion: %v\n%s", err, stderr)
	}
}
