package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// excelRows is the most rows a worksheet can have (Excel's limit, and
// the limit of every program that reads .xlsx).
const excelRows = 1_048_576

// rowLimitRun is what TestSyncWorkbookAtExcelsRowLimit checks: the real
// binaries, built without the race detector (a million rows under it
// would take minutes), write a typed workbook that fills every row Excel
// allows (gensubs), sync it, and read its history back (books diff).
type rowLimitRun struct {
	dir, book       string
	sync, diff      string // what sync and books diff printed
	source, history int    // rows of the source and history tabs
	err             error
}

// rowLimitStarted says rowLimit has begun, so TestMain waits for it and
// removes its directory.
var rowLimitStarted atomic.Bool

// rowLimitBuilt is closed once rowLimit's build is done (or failed), for
// mrrbotBinaries to build after it: two go builds of the same changed
// packages at once would each compile them, the build cache being shared
// only once one is done.
var rowLimitBuilt = make(chan struct{})

var closeRowLimitBuilt = sync.OnceFunc(func() { close(rowLimitBuilt) })

// rowLimit runs once per run of the package. TestMain starts it in the
// background when its test is to run, so that its processes overlap the
// package's other tests; they run in the directory and environment the
// test binary started with, whatever a test changes meanwhile.
var rowLimit = sync.OnceValue(func() (r rowLimitRun) {
	rowLimitStarted.Store(true)
	defer closeRowLimitBuilt()
	env := os.Environ()
	wd, err := os.Getwd()
	if err != nil {
		return rowLimitRun{err: err}
	}
	if r.dir, r.err = os.MkdirTemp("", "mrrbot-rowlimit-"); r.err != nil {
		return r
	}
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = wd, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String(), nil
	}
	// gensubs is built first and writes the workbook while mrrbot, which
	// needs more packages, is built.
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out := r.dir + string(filepath.Separator)
	if _, r.err = run(gobin, "build", "-trimpath", "-o", out, "../gensubs"); r.err != nil {
		return r
	}
	r.book = filepath.Join(r.dir, "subs.xlsx")
	generated := make(chan error, 1)
	go func() {
		_, err := run(filepath.Join(r.dir, "gensubs"), "-rows", strconv.Itoa(excelRows-1), "-out", r.book)
		generated <- err
	}()
	_, r.err = run(gobin, "build", "-trimpath", "-o", out, ".")
	closeRowLimitBuilt()
	if err := <-generated; r.err == nil {
		r.err = err
	}
	if r.err != nil {
		return r
	}
	if r.source, r.err = rowsOf(r.book, "Subscriptions"); r.err != nil {
		return r
	}
	mrrbot := filepath.Join(r.dir, "mrrbot")
	if r.sync, r.err = run(mrrbot, "sync", "--workbook", r.book, "--as-of", "2026-03-15"); r.err != nil {
		return r
	}
	if r.history, r.err = rowsOf(r.book, "_mrrbot_history"); r.err != nil {
		return r
	}
	r.diff, r.err = run(mrrbot, "books", "diff", "--workbook", r.book)
	return r
})

// TestSyncWorkbookAtExcelsRowLimit syncs a workbook whose Subscriptions
// tab fills every row Excel allows, as a user runs it (see rowLimitRun):
// the sync succeeds, its history tab holds one row per customer, far
// fewer than the source tab's, and the next books diff reads it back.
func TestSyncWorkbookAtExcelsRowLimit(t *testing.T) {
	r := rowLimit()
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.source != excelRows {
		t.Errorf("the source tab has %d rows, want Excel's %d", r.source, excelRows)
	}
	if !strings.Contains(r.sync, "MRR USD as of 2026-03-15: $") {
		t.Errorf("sync printed no MRR:\n%s", r.sync)
	}
	if r.history < 2 || r.history > excelRows/4 {
		t.Errorf("the history tab has %d rows, want one a customer (about a fifth of the source's)", r.history)
	}
	t.Logf("source tab %d rows, history tab %d rows", r.source, r.history)
	if !strings.Contains(r.diff, "No restatements") {
		t.Errorf("books diff after the sync:\n%s", r.diff)
	}
}

// rowsOf counts the rows of tab in the workbook file, straight from
// its worksheet XML.
func rowsOf(file, tab string) (int, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return 0, err
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
	if err := decodePart(&zr.Reader, "xl/workbook.xml", &wb); err != nil {
		return 0, err
	}
	if err := decodePart(&zr.Reader, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return 0, err
	}
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
		return 0, fmt.Errorf("%s has no tab %q", file, tab)
	}
	f, err := zr.Open(part)
	if err != nil {
		return 0, err
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
			return n, nil
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %v", part, err)
		}
		carry = copy(buf, data[len(data)-4:])
	}
}

func decodePart(zr *zip.Reader, name string, v any) error {
	f, err := zr.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}
