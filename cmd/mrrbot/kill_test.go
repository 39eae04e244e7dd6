package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc/calctest"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// generatedWorkbook writes n generated subscription rows into a workbook,
// as text cells.
func generatedWorkbook(t testing.TB, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Subscriptions"); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Subscriptions")
	if err != nil {
		t.Fatal(err)
	}
	row := func(r int, rec []string) {
		vals := make([]any, len(rec))
		for i, v := range rec {
			vals[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	row(1, calctest.Header)
	r := 2
	calctest.Each(n, 1, func(rec []string) { row(r, rec); r++ })
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "subs.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSyncKilledMidWrite kills `mrrbot sync --workbook` (the real process)
// with SIGKILL while it writes the new workbook beside the old one: the
// workbook is left as it was, and the next sync takes over the dead
// process's lock at once, removes its temporary file and writes.
func TestSyncKilledMidWrite(t *testing.T) {
	book := generatedWorkbook(t, 5000)
	dir := filepath.Dir(book)
	before := fileHash(t, book)
	caught := false
	for attempt := 0; attempt < 5 && !caught; attempt++ {
		cmd := exec.Command(os.Args[0], "sync", "--workbook", book, "--as-of", "2026-03-15")
		cmd.Env = append(os.Environ(), "MRRBOT_TEST_RUN_MAIN=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
	watch:
		for {
			select {
			case <-done:
				break watch // it finished first; try again
			default:
			}
			if m, _ := filepath.Glob(filepath.Join(dir, ".mrrbot-subs.xlsx-*.tmp")); len(m) > 0 {
				cmd.Process.Kill()
				<-done
				caught = true
				break watch
			}
			time.Sleep(time.Millisecond)
		}
		if !caught {
			// A sync that finished wrote the workbook: start from it.
			before = fileHash(t, book)
		}
	}
	if !caught {
		t.Skip("every sync finished before it could be killed mid-write")
	}
	if fileHash(t, book) != before {
		t.Error("the killed sync changed the workbook")
	}
	if _, err := xlsx.ReadLedger(book); err != nil {
		t.Errorf("the workbook is unreadable after the kill: %v", err)
	}
	if _, err := os.Stat(book + ".mrrbot.lock"); err != nil {
		t.Logf("no lock left by the killed sync: %v", err)
	}
	start := time.Now()
	if _, stderr, err := mrrbotAt(t, fixedNow, nil, "sync", "--workbook", book, "--as-of", "2026-03-15"); err != nil {
		t.Fatalf("the next sync: %v\n%s", err, stderr)
	}
	if waited := time.Since(start); waited > time.Minute {
		t.Logf("the next sync took %s", waited)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".mrrbot-") || strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("left beside the workbook after the next sync: %s", e.Name())
		}
	}
	if rows := workbookRows(t, book, "MRR Summary"); len(rows) < 2 {
		t.Errorf("the next sync wrote a summary of %d rows", len(rows))
	}
}
