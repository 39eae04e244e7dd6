package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// smallBook writes an ordinary workbook: a Subscriptions tab with a
// header and one row.
func smallBook(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "subs.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Subscriptions"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Subscriptions", "A1", &[]any{"customer_id", "amount", "start_date"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Subscriptions", "A2", &[]any{"acme", 100, "2025-01-10"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// deflated compresses data as deflate blocks that refer to nothing before
// them and do not end the stream, so that copies of them can be strung
// together into one stream.
func deflated(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPart is a part of a zip bomb: head, then body n times, then tail,
// compressed; declared is the size its zip header gives (0: its true
// size).
type bombPart struct {
	name             string
	head, body, tail string
	n                int
	declared         uint64
}

// zipBomb rewrites the workbook at src into dst with part replaced by a
// repetition that unpacks to far more than its compressed size: a few
// megabytes that unpack to gigabytes, built without holding them. The
// parts' CRCs are true, so a reader that unpacked them would not notice.
func zipBomb(t *testing.T, src, dst string, part bombPart) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, f := range zr.File {
		if f.Name == part.name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	head, body, tail := []byte(part.head), []byte(part.body), []byte(part.tail)
	crc := crc32.Update(0, crc32.IEEETable, head)
	for range part.n {
		crc = crc32.Update(crc, crc32.IEEETable, body)
	}
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	zhead, zbody, ztail := deflated(t, head), deflated(t, body), deflated(t, tail)
	var end bytes.Buffer // an empty final block ends the stream
	fw, _ := flate.NewWriter(&end, flate.BestCompression)
	fw.Close()
	size := uint64(len(head)) + uint64(part.n)*uint64(len(body)) + uint64(len(tail))
	if part.declared != 0 {
		size = part.declared
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: part.name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(len(zhead)+part.n*len(zbody)+len(ztail)) + uint64(end.Len()),
		UncompressedSize64: size,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{zhead, bytes.Repeat(zbody, part.n), ztail, end.Bytes()} {
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// sheetBomb is a Subscriptions tab of 3 GiB of rows.
func sheetBomb(declared uint64) bombPart {
	row := `<row><c t="inlineStr"><is><t>acme</t></is></c><c><v>100</v></c><c t="inlineStr"><is><t>2025-01-10</t></is></c></row>`
	body := strings.Repeat(row, (1<<20)/len(row))
	return bombPart{
		name: "xl/worksheets/sheet1.xml",
		head: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row><c t="inlineStr"><is><t>customer_id</t></is></c><c t="inlineStr"><is><t>amount</t></is></c><c t="inlineStr"><is><t>start_date</t></is></c></row>`,
		body: body, n: 3 << 10, tail: `</sheetData></worksheet>`, declared: declared,
	}
}

// sstBomb is a shared strings part of 3 GiB.
func sstBomb() bombPart {
	body := strings.Repeat(`<si><t>aaaaaaaaaaaaaaaa</t></si>`, (1<<20)/31)
	return bombPart{
		name: "xl/sharedStrings.xml",
		head: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`,
		body: body, n: 3 << 10, tail: `</sst>`,
	}
}

// tempFiles lists what is in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestZipBomb reads and writes workbooks a few megabytes on disk whose tab
// or shared strings unpack to 3 GiB: each is refused with an error that
// says so, before anything is unpacked, and no temporary file is left in
// the temporary directory or beside the workbook.
func TestZipBomb(t *testing.T) {
	for _, part := range []bombPart{sheetBomb(0), sstBomb()} {
		t.Run(part.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			dir := t.TempDir()
			p := filepath.Join(dir, "bomb.xlsx")
			zipBomb(t, smallBook(t), p, part)
			info, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() > 16<<20 {
				t.Fatalf("the bomb is %d bytes on disk, want a few MB", info.Size())
			}
			before := fileSum(t, p)
			calls := map[string]func() error{
				"Read": func() error { _, err := Read(p, sheets.Options{}); return err },
				"Write": func() error {
					_, err := Write(p, sinkTabs(t, 2), WriteOptions{})
					return err
				},
				"ReadLedger": func() error { _, err := ReadLedger(p); return err },
				"Layout": func() error {
					_, err := (&Workbook{Path: p}).Layout(context.Background())
					return err
				},
				"Claim": func() error {
					_, err := NewLedger(p).Claim(context.Background(), "digest/C1/2026-10", "note")
					return err
				},
			}
			for name, call := range calls {
				err := call()
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("%s: err = %v, want ErrTooLarge", name, err)
				}
				limit := fmt.Sprintf("unpacks to more than %d MB", unpackLimit(info.Size())>>20)
				for _, want := range []string{"workbook " + p, limit, "--input"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s: error %q does not say %q", name, err, want)
					}
				}
			}
			if left := tempFiles(t, tmp); len(left) > 0 {
				t.Errorf("temporary files left in TMPDIR: %v", left)
			}
			if left := tempFiles(t, dir); !slices.Equal(left, []string{"bomb.xlsx"}) {
				t.Errorf("files beside the workbook: %v", left)
			}
			if fileSum(t, p) != before {
				t.Error("the workbook changed")
			}
		})
	}
}

// TestZipBombLyingHeader reads a tab whose zip header declares 1 MB while
// its data unpacks to 3 GiB: the read stops at the declared size with an
// error, instead of unpacking the rest.
func TestZipBombLyingHeader(t *testing.T) {
	p := filepath.Join(t.TempDir(), "liar.xlsx")
	zipBomb(t, smallBook(t), p, sheetBomb(1<<20))
	_, err := Read(p, sheets.Options{})
	if err == nil || !strings.Contains(err.Error(), `read tab "Subscriptions"`) {
		t.Fatalf("err = %v, want a read error of the tab", err)
	}
}

// TestUnpackLimit pins the limit: a hundred times the file, within a floor
// and a cap.
func TestUnpackLimit(t *testing.T) {
	for _, c := range []struct{ size, want int64 }{
		{10 << 10, 256 << 20},
		{3 << 20, 300 << 20},
		{20 << 20, 2000 << 20},
		{100 << 20, 2 << 30},
	} {
		if got := unpackLimit(c.size); got != c.want {
			t.Errorf("unpackLimit(%d) = %d, want %d", c.size, got, c.want)
		}
	}
}

// TestWorkbookWritesTakeTurns runs syncs (WriteWorkbook) and posting
// claims on one workbook at once: every claim survives, because each
// write holds the workbook's lock from reading it to renaming over it.
func TestWorkbookWritesTakeTurns(t *testing.T) {
	p := smallBook(t)
	const claims, syncs = 6, 4
	var wg sync.WaitGroup
	errs := make(chan error, claims+syncs)
	for i := range claims {
		wg.Go(func() {
			ok, err := NewLedger(p).Claim(context.Background(), fmt.Sprintf("digest/C%d/2026-10", i), "note")
			if err == nil && !ok {
				err = fmt.Errorf("claim %d found its key taken", i)
			}
			errs <- err
		})
	}
	for range syncs {
		wg.Go(func() {
			_, err := Write(p, sinkTabs(t, 3), WriteOptions{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range claims {
		if _, ok := entries[fmt.Sprintf("digest/C%d/2026-10", i)]; !ok {
			t.Errorf("claim %d was lost to a concurrent write: %v", i, entries)
		}
	}
	if _, err := os.Stat(lockName(p)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock left behind: %v", err)
	}
}

// TestWriteWorkbookWaitsForLock holds the workbook's lock as another
// process would: a write waits for it, and goes on once it is released.
func TestWriteWorkbookWaitsForLock(t *testing.T) {
	p := smallBook(t)
	unlock, err := lockWorkbook(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Write(p, sinkTabs(t, 2), WriteOptions{Ledger: map[string]string{"k": "v"}})
		done <- err
	}()
	// The write cannot finish while the lock is held; once released, it
	// does, and its entry is there.
	select {
	case err := <-done:
		t.Fatalf("the write finished under another's lock: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	entries, err := ReadLedger(p)
	if err != nil || entries["k"] != "v" {
		t.Errorf("ledger = %v, %v", entries, err)
	}
}

// TestLockOfDeadProcess finds the lock of a process of this host that was
// killed: it is taken over at once, not after it goes stale.
func TestLockOfDeadProcess(t *testing.T) {
	p := smallBook(t)
	host, err := os.Hostname()
	if err != nil {
		t.Skip("no host name")
	}
	// A process that has exited: its pid no longer runs.
	pid := exitedPID(t)
	if err := os.WriteFile(lockName(p), fmt.Appendf(nil, "mrrbot pid %d on %s since 2026-11-01T09:00:00Z\n", pid, host), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	unlock, err := lockWorkbook(ctx, p)
	if err != nil {
		t.Fatalf("lock of a dead process: %v", err)
	}
	unlock()

	// A live holder of this host (this very process) is waited for.
	if err := os.WriteFile(lockName(p), fmt.Appendf(nil, "mrrbot pid %d on %s since 2026-11-01T09:00:00Z\n", os.Getpid(), host), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := lockWorkbook(ctx, p); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "another mrrbot is writing") {
		t.Errorf("lock of a live process: %v", err)
	}
}

// exitedPID returns the pid of a process that has exited.
func exitedPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skipf("cannot start a process: %v", err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return p.Pid
}

// TestLockHeartbeat holds a lock past the age at which an unrefreshed one
// is stale: the holder refreshes it, so it stays fresh.
func TestLockHeartbeat(t *testing.T) {
	p := smallBook(t)
	synctest.Test(t, func(t *testing.T) {
		unlock, err := lockWorkbook(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(lockStale + time.Minute)
		synctest.Wait()
		info, err := os.Stat(lockName(p))
		if err != nil {
			t.Fatal(err)
		}
		if age := time.Since(info.ModTime()); age < 0 || age > lockBeat {
			t.Errorf("after %s held, the lock is %s old; want it refreshed every %s", lockStale+time.Minute, age, lockBeat)
		}
		unlock()
		if _, err := os.Stat(lockName(p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("lock left after unlock: %v", err)
		}
	})
}

// TestRemoveLeftovers leaves the temporary files of a write killed part
// way beside the workbook: the next write removes its own, old ones of
// the earlier naming, and nothing else.
func TestRemoveLeftovers(t *testing.T) {
	p := smallBook(t)
	dir := filepath.Dir(p)
	old := time.Now().Add(-lockStale - time.Minute)
	files := map[string]time.Time{
		".mrrbot-subs.xlsx-123456.tmp":  time.Now(), // this workbook's: removed
		".mrrbot-other.xlsx-123456.tmp": time.Now(), // another workbook's: kept
		".mrrbot-987654.xlsx":           old,        // earlier naming, old: removed
		".mrrbot-555555.xlsx":           time.Now(), // earlier naming, recent: kept
		".mrrbot-notes.txt":             old,        // not a temporary file: kept
	}
	for name, at := range files {
		fp := filepath.Join(dir, name)
		if err := os.WriteFile(fp, []byte("half written"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(fp, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Write(p, sinkTabs(t, 2), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{".mrrbot-555555.xlsx", ".mrrbot-notes.txt", ".mrrbot-other.xlsx-123456.tmp", "subs.xlsx"}
	if got := tempFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
}

// TestTabReaderRefuses reads tabs no spreadsheet writes: each is an error
// naming the place, not a crash or a guess.
func TestTabReaderRefuses(t *testing.T) {
	for _, c := range []struct{ rows, want string }{
		{`<row r="1048577"><c><v>1</v></c></row>`, "row 1048577 is beyond the last row"},
		{`<row r="5"><c><v>1</v></c></row><row r="3"><c><v>1</v></c></row>`, "row 3 comes after row 5"},
		{`<row r="1"><c r="XFE1"><v>1</v></c></row>`, "beyond the last column"},
		{`<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>`, "cell A1 comes after a cell to its right"},
		{`<row r="1"><c r="A1" t="s"><v>7</v></c></row>`, `cell A1: shared string "7" does not exist`},
		{`<row r="1"><c r="A1"><v>1`, "unexpected EOF"},
	} {
		t.Run(c.want, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "odd.xlsx")
			zipBomb(t, smallBook(t), p, bombPart{
				name: "xl/worksheets/sheet1.xml",
				head: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`,
				body: c.rows, n: 1, tail: `</sheetData></worksheet>`,
			})
			x, err := openZip(p)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			r, err := x.tab("Subscriptions")
			if err != nil {
				t.Fatal(err)
			}
			defer r.close()
			for {
				_, _, err = r.Next()
				if err != nil {
					break
				}
			}
			if err == io.EOF || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestWriteWorkbookTooManyRows writes a tab with more rows than a
// spreadsheet tab holds: refused, naming the tab, before anything is
// written.
func TestWriteWorkbookTooManyRows(t *testing.T) {
	p := smallBook(t)
	before := fileSum(t, p)
	tabs := sinkTabs(t, 2)
	tabs[1].Rows = make([][]sheets.Cell, maxSheetRows)
	_, err := Write(p, tabs, WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), `tab "MRR Movements": 1048576 rows and the header are more than a spreadsheet tab holds (1048576)`) {
		t.Fatalf("err = %v", err)
	}
	if fileSum(t, p) != before {
		t.Error("the workbook changed")
	}
}

func TestCheckWriteMemory(t *testing.T) {
	tabs := sinkTabs(t, 3)
	cells := int64(0)
	for _, tab := range tabs {
		cells += int64(len(tab.Columns))
		for _, r := range tab.Rows {
			cells += int64(len(r))
		}
	}
	need := cells * bytesPerCell
	for _, c := range []struct {
		limit int64
		ok    bool
	}{{0, true}, {need, true}, {need - 1, false}} {
		err := checkWriteMemory(tabs, c.limit)
		if (err == nil) != c.ok || err != nil && !errors.Is(err, ErrTooMuchToWrite) {
			t.Errorf("limit %d for %d bytes: %v", c.limit, need, err)
		}
	}
}

// TestRemoveStaleTempDirs leaves the temporary directory of a write
// killed a day ago in TMPDIR, and one of a write under way: the next write
// removes the first only.
func TestRemoveStaleTempDirs(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	stale := filepath.Join(tmp, tempDirPrefix+"111")
	live := filepath.Join(tmp, tempDirPrefix+"222")
	other := filepath.Join(tmp, "someone-elses")
	for _, d := range []string{stale, live, other} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "excelize-1"), []byte("part"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-staleTempDir - time.Hour)
	for _, d := range []string{stale, other} {
		if err := os.Chtimes(d, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Write(smallBook(t), sinkTabs(t, 2), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := tempFiles(t, tmp), []string{tempDirPrefix + "222", "someone-elses"}; !slices.Equal(got, want) {
		t.Errorf("TMPDIR holds %v, want %v", got, want)
	}
}
