package xlsx_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
	"github.com/xuri/excelize/v2"
)

// ledger is the posting ledger's interface.
type ledger = sheets.Ledger

var _ ledger = (*xlsx.Ledger)(nil)

const (
	ledgerKey  = "digest/C123/2026-10"
	ledgerNote = "posted 2026-11-01T09:00:00Z by host-a"
)

// claimExpect claims key and fails the test unless the answer is want.
func claimExpect(t *testing.T, l ledger, key string, want bool) {
	t.Helper()
	got, err := l.Claim(context.Background(), key, ledgerNote)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	if got != want {
		t.Fatalf("Claim(%q) = %v, want %v", key, got, want)
	}
}

// claimConcurrently claims key from n ledgers at once and returns how many
// claims succeeded; every claim must answer without an error.
func claimConcurrently(t *testing.T, n int, newLedger func() ledger, key func(i int) string) int {
	t.Helper()
	var won atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		l := newLedger()
		wg.Go(func() {
			<-start
			ok, err := l.Claim(context.Background(), key(i), fmt.Sprintf("posted by host-%d", i))
			if err != nil {
				t.Errorf("host %d: Claim: %v", i, err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	return int(won.Load())
}

// ledgerWorkbook writes a workbook as a person keeps it (Subscriptions and
// Notes tabs) and lets the bot write its summary tab into it.
func ledgerWorkbook(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ops.xlsx")
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Subscriptions"))
	must(f.SetSheetRow("Subscriptions", "A1", &[]any{"customer_id", "amount", "start_date"}))
	must(f.SetSheetRow("Subscriptions", "A2", &[]any{"acme", 100, "2025-01-10"}))
	_, err := f.NewSheet("Notes")
	must(err)
	must(f.SetCellFormula("Notes", "A1", "=SUM(Subscriptions!B2:B2)"))
	must(f.SaveAs(p))
	must(f.Close())
	summary := sheets.Tab{
		Name: "MRR Summary", Role: sheets.RoleSummary,
		Columns: []sheets.TabColumn{{Title: "Month"}, {Title: "Ending MRR", Format: sheets.FormatCurrency, Pattern: "#,##0.00"}},
		Rows:    [][]sheets.Cell{{sheets.TextCell("2026-10"), sheets.NumberCell("100", sheets.FormatCurrency)}},
	}
	if _, err := xlsx.Write(p, []sheets.Tab{summary}, xlsx.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return p
}

// workbookTabs returns every tab but the ledger's, with its visibility and
// raw cells.
func workbookTabs(t *testing.T, p string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make(map[string]string)
	for _, name := range f.GetSheetList() {
		if name == "_mrrbot" {
			continue
		}
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		formula, _ := f.GetCellFormula(name, "A1")
		visible, _ := f.GetSheetVisible(name)
		out[name] = fmt.Sprintf("visible=%v rows=%q A1 formula=%q", visible, rows, formula)
	}
	return out
}

func TestFileLedger(t *testing.T) {
	p := ledgerWorkbook(t)
	before := workbookTabs(t, p)
	l := xlsx.NewLedger(p)

	claimExpect(t, l, ledgerKey, true)
	claimExpect(t, l, ledgerKey, false)
	claimExpect(t, xlsx.NewLedger(p), ledgerKey, false)
	entries, err := xlsx.ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"tab:summary": "MRR Summary", ledgerKey: ledgerNote}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("ledger (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, workbookTabs(t, p)); diff != "" {
		t.Errorf("the workbook's tabs changed (-before +after):\n%s", diff)
	}
	if _, err := os.Stat(p + ".mrrbot.lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is left after a claim: %v", err)
	}

	if err := l.Release(context.Background(), ledgerKey); err != nil {
		t.Fatal(err)
	}
	entries, err = xlsx.ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"tab:summary": "MRR Summary"}, entries); diff != "" {
		t.Errorf("ledger after Release (-want +got):\n%s", diff)
	}
	claimExpect(t, l, ledgerKey, true)

	// Releasing what was never claimed leaves the file alone.
	stat := func() time.Time {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return info.ModTime()
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(context.Background(), "digest/C999/2020-01"); err != nil {
		t.Errorf("Release of an unclaimed key: %v", err)
	}
	if !stat().Equal(old) {
		t.Error("Release of an unclaimed key rewrote the workbook")
	}

	for _, key := range []string{"", "tab:summary"} {
		if ok, err := l.Claim(context.Background(), key, ledgerNote); ok || err == nil {
			t.Errorf("Claim(%q) = %v, %v; want the reserved key refused", key, ok, err)
		}
		if err := l.Release(context.Background(), key); err == nil {
			t.Errorf("Release(%q): no error; want the reserved key refused", key)
		}
		if _, err := xlsx.Write(p, nil, xlsx.WriteOptions{Delete: []string{key}}); err == nil || !strings.Contains(err.Error(), "reserved") {
			t.Errorf("WriteWorkbook deleting %q: err = %v, want it refused", key, err)
		}
	}
	if diff := cmp.Diff(before, workbookTabs(t, p)); diff != "" {
		t.Errorf("the workbook's tabs changed (-before +after):\n%s", diff)
	}
}

func TestFileLedgerConcurrent(t *testing.T) {
	p := ledgerWorkbook(t)
	const hosts = 6
	newLedger := func() ledger { return xlsx.NewLedger(p) }
	if won := claimConcurrently(t, hosts, newLedger, func(int) string { return ledgerKey }); won != 1 {
		t.Errorf("%d of %d hosts claimed the same key, want exactly 1", won, hosts)
	}
	// Claims of different keys take turns: none is lost.
	key := func(i int) string { return fmt.Sprintf("digest/C%d/2026-10", i) }
	if won := claimConcurrently(t, hosts, newLedger, key); won != hosts {
		t.Errorf("%d of %d claims of different keys succeeded, want all", won, hosts)
	}
	entries, err := xlsx.ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range hosts {
		if _, ok := entries[key(i)]; !ok {
			t.Errorf("ledger lost %q: %v", key(i), entries)
		}
	}
}

func TestFileLedgerLock(t *testing.T) {
	p := ledgerWorkbook(t)
	lock := p + ".mrrbot.lock"
	l := xlsx.NewLedger(p)

	// A lock another claim holds makes this one wait, and give up with
	// what to do when its context ends.
	if err := os.WriteFile(lock, []byte("mrrbot pid 4242 on host-b since 2026-11-01T09:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	ok, err := l.Claim(ctx, ledgerKey, ledgerNote)
	if ok || err == nil {
		t.Fatalf("Claim under a held lock = %v, %v; want an error", ok, err)
	}
	for _, want := range []string{"another mrrbot is writing " + p, "remove " + lock, "host-b"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not the context's", err)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Errorf("the other claim's lock was removed: %v", err)
	}

	// A lock released meanwhile lets the claim go on.
	go func() {
		time.Sleep(100 * time.Millisecond)
		os.Remove(lock)
	}()
	claimExpect(t, l, "digest/C1/2026-10", true)

	// A lock left by a process that died long ago is removed.
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-11 * time.Minute)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	claimExpect(t, l, ledgerKey, true)
	if _, err := os.Stat(lock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is left after a claim: %v", err)
	}
	entries, err := xlsx.ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	if entries[ledgerKey] != ledgerNote {
		t.Errorf("ledger = %v, want %q claimed", entries, ledgerKey)
	}
}
