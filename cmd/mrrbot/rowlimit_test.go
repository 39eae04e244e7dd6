package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// excelRows is the most rows a worksheet can have (Excel's limit, and
// the limit of every program that reads .xlsx).
const excelRows = 1_048_576

// TestSyncWorkbookAtExcelsRowLimit syncs a workbook whose Subscriptions
// tab fills every row Excel allows, as a user runs it: the real binary,
// built without the race detector (a million rows under it would take
// minutes), on a typed workbook written by gensubs. The sync succeeds,
// its history tab holds one row per customer, far fewer than the source
// tab's, and the next `books diff` reads that history back.
func TestSyncWorkbookAtExcelsRowLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := exec.Command(gobin, "build", "-trimpath", "-o", dir+string(filepath.Separator), ".", "../gensubs")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	book := filepath.Join(dir, "subs.xlsx")
	runBinary(t, filepath.Join(dir, "gensubs"), "-rows", "1048575", "-out", book)
	if got := rowsOf(t, book, "Subscriptions"); got != excelRows {
		t.Fatalf("the source tab has %d rows, want Excel's %d", got, excelRows)
	}

	out := runBinary(t, filepath.Join(dir, "mrrbot"), "sync", "--workbook", book, "--as-of", "2026-03-15")
	if !strings.Contains(out, "MRR USD as of 2026-03-15: $") {
		t.Errorf("sync printed no MRR:\n%s", out)
	}
	history := rowsOf(t, book, "_mrrbot_history")
	if history < 2 || history > excelRows/4 {
		t.Errorf("the history tab has %d rows, want one a customer (about a fifth of the source's)", history)
	}
	t.Logf("source tab %d rows, history tab %d rows", excelRows, history)

	out = runBinary(t, filepath.Join(dir, "mrrbot"), "books", "diff", "--workbook", book)
	if !strings.Contains(out, "No restatements") {
		t.Errorf("books diff after the sync:\n%s", out)
	}
}

// runBinary runs bin with args and returns its standard output; any exit
// but 0 fails the test.
func runBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// rowsOf counts the rows of tab in the workbook file, straight from
// its worksheet XML.
func rowsOf(t *testing.T, file, tab string) int {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	decodePart(t, &zr.Reader, "xl/workbook.xml", &wb)
	decodePart(t, &zr.Reader, "xl/_rels/workbook.xml.rels", &rels)
	rid := ""
	for _, s := range wb.Sheets {
		if s.Name == tab {
			rid = s.RID
		}
	}
	part := ""
	for _, r := range rels.Rels {
		if r.ID == rid && rid != "" {
			part = strings.TrimPrefix(r.Target, "/")
			if !strings.HasPrefix(part, "xl/") {
				part = path.Join("xl", part)
			}
		}
	}
	if part == "" {
		t.Fatalf("%s has no tab %q", file, tab)
	}
	f, err := zr.Open(part)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A row element starts "<row " or "<row>"; the search carries the
	// last bytes of each chunk over, so no start is cut in two.
	n, buf, carry := 0, make([]byte, 1<<20), 0
	for {
		m, err := io.ReadFull(f, buf[carry:])
		data := buf[:carry+m]
		n += bytes.Count(data, []byte("<row ")) + bytes.Count(data, []byte("<row>"))
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		carry = copy(buf, data[len(data)-4:])
	}
}

func decodePart(t *testing.T, zr *zip.Reader, name string, v any) {
	t.Helper()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
