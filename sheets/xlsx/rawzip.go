package xlsx

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"sync"

	"github.com/xuri/excelize/v2"
)

// rawZip is the zip writer a workbook is saved through. excelize writes
// every part of the workbook anew, compressing it again; a person's tab it
// never parsed it writes as it read it, byte for byte. rawZip copies such
// a part's compressed bytes from the workbook being replaced instead, and
// checks, as excelize writes the part, that it is those very bytes (their
// CRC-32 and size): a part that is not fails the save, and the workbook
// is left as it was. Every other part is compressed at flate's best speed.
//
// A part excelize was given a stand-in for (see [standInParts]) is
// copied from the old file too, and what excelize writes for it must be
// the stand-in; if it is not to be copied (a bot's tab), what excelize
// writes must not be the stand-in, which would lose the tab's cells.
type rawZip struct {
	zw *zip.Writer
	// src are the parts that may be copied, by name.
	src map[string]*zip.File
	// standIns are the parts excelize was given standInSheet for.
	standIns map[string]bool
	// parsed reports whether excelize has parsed a part, and so writes it
	// anew.
	parsed func(name string) bool
	// rows are the bot's tabs whose rows are written here, in place of
	// the stub excelize writes (see [tabWriter.appendRows]).
	rows map[string]*rowsPart
	// check is the part being copied, while excelize writes it.
	check *partCheck
}

// partCheck checks what is written for the part name: that it is, or
// with not that it is not, the bytes of CRC-32 crc and size size.
type partCheck struct {
	name     string
	wantCRC  uint32
	wantSize uint64
	not      bool
	crc      hash.Hash32
	size     uint64
	w        io.Writer // where the bytes go on to, if anywhere
}

func (c *partCheck) Write(p []byte) (int, error) {
	c.crc.Write(p)
	c.size += uint64(len(p))
	if c.w != nil {
		return c.w.Write(p)
	}
	return len(p), nil
}

// standInCRC is the CRC-32 of standInSheet.
var standInCRC = crc32.ChecksumIEEE([]byte(standInSheet))

// newRawZip returns a rawZip writing to w that copies the parts src of
// the zip source.
func newRawZip(w io.Writer, src map[string]*zip.File, standIns map[string]bool, parsed func(string) bool) *rawZip {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		fw, ok := flateWriters.Get().(*flate.Writer)
		if !ok {
			var err error
			if fw, err = flate.NewWriter(w, flate.BestSpeed); err != nil {
				return nil, err
			}
		} else {
			fw.Reset(w)
		}
		return &pooledFlate{fw}, nil
	})
	return &rawZip{zw: zw, src: src, standIns: standIns, parsed: parsed}
}

// flateWriters keeps the flate writers of parts written, for the next
// part: a writer is most of a megabyte of tables, made anew for each of
// a workbook's parts otherwise.
var flateWriters sync.Pool

// pooledFlate is a flate writer that goes back to flateWriters once
// closed.
type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	p.Writer.Reset(io.Discard) // not to keep the workbook it wrote
	flateWriters.Put(p.Writer)
	return err
}

var _ excelize.ZipWriter = (*rawZip)(nil)

func (z *rawZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	if g, ok := z.rows[name]; ok {
		if z.parsed(name) {
			return nil, fmt.Errorf("part %s was read after its rows were written", name)
		}
		w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if err := g.write(w); err != nil {
			return nil, fmt.Errorf("part %s: %w", name, err)
		}
		z.check = &partCheck{name: name, wantCRC: crc32.ChecksumIEEE(g.stub), wantSize: uint64(len(g.stub)), crc: crc32.NewIEEE()}
		return z.check, nil
	}
	standIn := z.standIns[name]
	if f, ok := z.src[name]; ok {
		switch {
		case !z.parsed(name):
			if err := z.zw.Copy(f); err != nil {
				return nil, err
			}
			z.check = &partCheck{name: name, wantCRC: f.CRC32, wantSize: f.UncompressedSize64, crc: crc32.NewIEEE()}
			if standIn {
				z.check.wantCRC, z.check.wantSize = standInCRC, uint64(len(standInSheet))
			}
			return z.check, nil
		case standIn:
			return nil, fmt.Errorf("part %s was read, but excelize was not given its cells", name)
		}
	}
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil || !standIn {
		return w, err
	}
	z.check = &partCheck{name: name, wantCRC: standInCRC, wantSize: uint64(len(standInSheet)), not: true, crc: crc32.NewIEEE(), w: w}
	return z.check, nil
}

// finish checks the part copied last.
func (z *rawZip) finish() error {
	c := z.check
	z.check = nil
	if c == nil {
		return nil
	}
	same := c.crc.Sum32() == c.wantCRC && c.size == c.wantSize
	switch {
	case c.not && same:
		return fmt.Errorf("part %s would be saved without its cells", c.name)
	case !c.not && !same:
		return fmt.Errorf("part %s was to be copied as it was, but it changed", c.name)
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
