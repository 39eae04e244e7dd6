package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mrrbot/mrrbot/sheets"
	"github.com/xuri/excelize/v2"
)

// A .xlsx workbook is a zip of XML parts, and XML compresses very well: a
// few megabytes on disk can unpack to gigabytes (a zip bomb), and excelize
// holds what it unpacks in memory or in temporary files. Under `serve`
// running out of memory on one file would take every report down, so a
// workbook may unpack to at most a bounded multiple of its size on disk.
//
// Genuine workbooks unpack to about ten times their size: generated ones
// of 100k and 1M subscriptions (5.7 MB and 57 MB) to 10.6 and 10.7 times.
// The limit is 100 times the file's size, but at least 256 MiB (so that
// small workbooks never meet it) and at most 2 GiB; a zip bomb unpacks to
// a thousand times its size.
const (
	unpackRatio = 100
	unpackFloor = 256 << 20
	unpackCap   = 2 << 30
)

// ErrTooLarge is wrapped by the error of a workbook that unpacks to more
// than mrrbot reads from one file.
var ErrTooLarge = errors.New("the workbook unpacks to more than mrrbot reads from one file")

// unpackLimit is how many bytes a workbook of size bytes may unpack to.
func unpackLimit(size int64) int64 {
	return min(max(size*unpackRatio, unpackFloor), unpackCap)
}

// tempDirPrefix starts the name of the directory, in the temporary
// directory, that holds the temporary files of one open workbook.
const tempDirPrefix = "mrrbot-xlsx-"

// staleTempDir is the age after which such a directory was left by a
// process that was killed: no write keeps a workbook open for so long.
const staleTempDir = 24 * time.Hour

// removeStaleTempDirs removes the temporary directories of workbooks that
// killed processes left behind (a large tab unpacked to a file there can
// be hundreds of megabytes).
func removeStaleTempDirs() {
	dir := os.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempDirPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempDir {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// workbook is an open workbook, with the directory that holds its
// temporary files.
type excelBook struct {
	*excelize.File
	tmp string
}

// Close closes the workbook and removes its temporary files.
func (w *excelBook) Close() error {
	err := w.File.Close()
	return errors.Join(err, os.RemoveAll(w.tmp))
}

// openExcel opens with excelize the workbook x, of size bytes, whose
// size openZip checked against the unpacking limit from the zip's
// directory. excelize is given the limit too; the parts it unpacks to
// files go to a directory of their own that Close removes, and that is
// removed at once when the open fails, so that no temporary file outlives
// the call.
//
// The worksheet parts in standIns are given to excelize as [standInSheet]
// instead of their cells (see [zipBook.standInParts]).
func openExcel(x *zipBook, size int64, standIns map[string]bool) (*excelBook, error) {
	path := x.path
	limit := unpackLimit(size)
	removeStaleTempDirs()
	tmp, err := os.MkdirTemp("", tempDirPrefix)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	opts := excelize.Options{
		UnzipSizeLimit:    limit,
		UnzipXMLSizeLimit: min(limit, excelize.StreamChunkSize),
		TmpDir:            tmp,
	}
	var f *excelize.File
	if len(standIns) == 0 {
		f, err = excelize.OpenFile(path, opts)
	} else {
		var data []byte
		if data, err = withStandIns(&x.zr.Reader, standIns); err == nil {
			f, err = excelize.OpenReader(bytes.NewReader(data), opts)
		}
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("open workbook %s: %w", path, err)
	}
	return &excelBook{File: f, tmp: tmp}, nil
}

// standInSheet is what excelize is given for a worksheet part it is not
// to read: a tab with no cells.
const standInSheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>`

// standInMin is the size, unpacked, from which a person's tab is left out
// of what excelize is given.
var standInMin uint64 = 1 << 20

// standInParts returns the worksheet parts of the workbook that
// excelize need not be given whole when the bot's tabs are written: every
// tab's of standInMin bytes or more but the ledger tab's, which excelize
// reads. The sink never has excelize parse a person's tab, and replaces a
// bot's tab part without reading it; rawZip copies a person's tab from
// the old file and checks that excelize wrote the stand-in for it.
// excelize would otherwise unpack each such tab to a file when it opens
// the workbook and read it whole into memory when it saves it.
func (x *zipBook) standInParts() map[string]bool {
	ledger, _ := sheets.FindTab(x.tabNames(), ledgerTab)
	out := make(map[string]bool)
	for _, t := range x.tabs {
		if t.part == "" || t.name == ledger {
			continue
		}
		if f, ok := x.part(t.part); ok && f.Name == t.part && f.UncompressedSize64 >= standInMin {
			out[t.part] = true
		}
	}
	return out
}

// withStandIns returns the workbook zr as a zip in memory, its parts
// standIns replaced by standInSheet and the others copied compressed.
func withStandIns(zr *zip.Reader, standIns map[string]bool) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if !standIns[f.Name] {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, standInSheet); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// bytesText is a size for people: "2.7 GB", "3.1 MB", "812 KB".
func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// bytesPerCell is what a sync takes at its peak for each cell it writes
// into a workbook, reading and computing included: the tabs it writes are
// held as cells, and their rows streamed into the zip as it is saved.
// Measured: a sync of 100k subscriptions (about 504k cells written)
// peaks at 160 MB resident, 320 bytes a cell.
const bytesPerCell = 320

// ErrTooMuchToWrite is wrapped by the error of a workbook write that
// would take more memory than the process may use.
var ErrTooMuchToWrite = errors.New("the tabs to write take more memory than mrrbot may use")

// checkWriteMemory refuses to write tabs whose cells would take more than
// limit bytes (0: no limit) to write, so that a write too large for the
// memory it has fails with an error that says so, rather than the process
// being killed for lack of memory.
func checkWriteMemory(tabs []sheets.Tab, limit int64) error {
	if limit <= 0 {
		return nil
	}
	cells := int64(0)
	for i := range tabs {
		cells += int64(len(tabs[i].Columns))
		for _, r := range tabs[i].Rows {
			cells += int64(len(r))
		}
	}
	if need := cells * bytesPerCell; need > limit {
		return fmt.Errorf("the tabs to write hold %d cells, which take about %s to write into a workbook, "+
			"more than the %s mrrbot may use (GOMEMLIMIT); give it more memory (GOMEMLIMIT and the limit of its "+
			"container together), or keep the subscriptions in a Google spreadsheet: %w",
			cells, bytesText(need), bytesText(limit), ErrTooMuchToWrite)
	}
	return nil
}
