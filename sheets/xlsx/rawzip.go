package xlsx

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"

	"github.com/xuri/excelize/v2"
)

// rawZip is the zip writer a workbook is saved through. excelize writes
// every part of the workbook anew, compressing it again; a person's tab it
// never parsed it writes as it read it, byte for byte. rawZip copies such
// a part's compressed bytes from the workbook being replaced instead, and
// checks, as excelize writes the part, that it is those very bytes (their
// CRC-32 and size): a part that is not fails the save, and the workbook
// is left as it was. Every other part is compressed at flate's best speed.
type rawZip struct {
	zw *zip.Writer
	// src are the parts that may be copied, by name.
	src map[string]*zip.File
	// parsed reports whether excelize has parsed a part, and so writes it
	// anew.
	parsed func(name string) bool
	// check is the part being copied, while excelize writes it.
	check *partCheck
}

// partCheck checks that what is written is the part f.
type partCheck struct {
	f    *zip.File
	crc  hash.Hash32
	size uint64
}

func (c *partCheck) Write(p []byte) (int, error) {
	c.crc.Write(p)
	c.size += uint64(len(p))
	return len(p), nil
}

// newRawZip returns a rawZip writing to w that copies the parts src of
// the zip source.
func newRawZip(w io.Writer, src map[string]*zip.File, parsed func(string) bool) *rawZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	return &rawZip{zw: zw, src: src, parsed: parsed}
}

var _ excelize.ZipWriter = (*rawZip)(nil)

func (z *rawZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if f, ok := z.src[name]; ok && !z.parsed(name) {
		if err := z.zw.Copy(f); err != nil {
			return nil, err
		}
		z.check = &partCheck{f: f, crc: crc32.NewIEEE()}
		return z.check, nil
	}
	return z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
}

// finish checks the part copied last.
func (z *rawZip) finish() error {
	c := z.check
	z.check = nil
	if c != nil && (c.crc.Sum32() != c.f.CRC32 || c.size != c.f.UncompressedSize64) {
		return fmt.Errorf("part %s was to be copied as it was, but it changed", c.f.Name)
	}
	return nil
}

func (z *rawZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

func (z *rawZip) Close() error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.Close()
}
