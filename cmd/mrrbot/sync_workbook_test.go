package main

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/report"
	"github.com/xuri/excelize/v2"
)

// TestSyncWorkbook is TestSyncGoogle for a local workbook: the same tabs,
// the same rules, read back from the file written.
func TestSyncWorkbook(t *testing.T) {
	book := fixtureWorkbook(t)
	sourceBefore := workbookRows(t, book, "Subscriptions")
	stdout, stderr, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, stderr)
	}
	t.Log(stdout)
	if diff := cmp.Diff(sourceBefore, workbookRows(t, book, "Subscriptions")); diff != "" {
		t.Errorf("source tab changed (-before +after):\n%s", diff)
	}
	summary := workbookRows(t, book, report.DefaultTabNames.Summary)
	// Row 9 is 2025-12 … the last is 2026-03: Ending MRR in column I.
	last := summary[len(summary)-1]
	if last[8] != "2908.13" {
		t.Errorf("March 2026 ending MRR cell = %q, want 2908.13", last[8])
	}
	if len(summary) != 13 {
		t.Errorf("summary has %d rows, want a header and 12 months", len(summary))
	}
	issues := workbookRows(t, book, report.DefaultTabNames.Issues)
	if len(issues) != 1+8+1 {
		t.Errorf("issues tab has %d rows, want header + 8 errors + 1 warning", len(issues))
	}

	// Again: one of each tab, and the same content.
	if _, stderr, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("second sync: %v\n%s", err, stderr)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	for _, name := range f.GetSheetList() {
		seen[name]++
	}
	for _, name := range []string{"MRR Summary", "MRR Movements", "Data Issues", "Subscriptions", "FX"} {
		if seen[name] != 1 {
			t.Errorf("tab %q appears %d times", name, seen[name])
		}
	}
	if diff := cmp.Diff(summary, workbookRows(t, book, report.DefaultTabNames.Summary)); diff != "" {
		t.Errorf("second sync changed the summary:\n%s", diff)
	}
}

func TestSyncWorkbookKeepsPersonsTab(t *testing.T) {
	book := fixtureWorkbook(t)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	f.NewSheet("Data Issues")
	f.SetCellStr("Data Issues", "A1", "my notes")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before := fileHash(t, book)
	_, _, err = mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15")
	if err == nil || !strings.Contains(err.Error(), "--issues-tab") {
		t.Fatalf("sync over a person's tab: %v", err)
	}
	if fileHash(t, book) != before {
		t.Error("the workbook changed")
	}
}

func TestSyncDryRunWritesNothing(t *testing.T) {
	book := fixtureWorkbook(t)
	before := fileHash(t, book)
	stdout, _, err := mrrbot(t, nil, "sync", "--workbook", book, "--as-of", "2026-03-15", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Would write") {
		t.Errorf("dry run output:\n%s", stdout)
	}
	if fileHash(t, book) != before {
		t.Error("a dry run changed the workbook")
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// workbookRows returns a tab's cells as stored (raw values).
func workbookRows(t *testing.T, path, tab string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(tab, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("tab %s of %s: %v", tab, filepath.Base(path), err)
	}
	return rows
}
