package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mrrbot/mrrbot/sheets"
)

// TestMergedAreas finds the merged ranges of a worksheet part however the
// part's bytes fall across the reads: each tag is placed to straddle the
// reader's 256 KiB buffer at a different offset, with and without a
// namespace prefix.
func TestMergedAreas(t *testing.T) {
	const bufSize = 256 << 10
	for _, shift := range []int{-40, -17, -3, 0, 1, 9, 30} {
		for _, prefix := range []string{"", "x:"} {
			t.Run(fmt.Sprintf("shift %d prefix %q", shift, prefix), func(t *testing.T) {
				var part bytes.Buffer
				part.WriteString(`<worksheet><sheetData>`)
				// Pad so that the first tag starts shift bytes from the end
				// of the first read.
				pad := bufSize + shift - part.Len() - len(`<`+prefix)
				part.WriteString(`<row r="1"><c r="A1"><v>`)
				part.WriteString(strings.Repeat("7", pad-len(`<row r="1"><c r="A1"><v>`)-len(`</v></c></row></sheetData><`+prefix+`mergeCells count="2">`)))
				part.WriteString(`</v></c></row></sheetData><` + prefix + `mergeCells count="2">`)
				part.WriteString(`<` + prefix + `mergeCell ref="A2:A4"/><` + prefix + `mergeCell ref='B10:C11'/>`)
				part.WriteString(`</` + prefix + `mergeCells></worksheet>`)

				var z bytes.Buffer
				zw := zip.NewWriter(&z)
				w, err := zw.Create("xl/worksheets/sheet1.xml")
				if err != nil {
					t.Fatal(err)
				}
				w.Write(part.Bytes())
				if err := zw.Close(); err != nil {
					t.Fatal(err)
				}
				zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
				if err != nil {
					t.Fatal(err)
				}
				got, err := mergedAreas(zr.File[0])
				if err != nil {
					t.Fatal(err)
				}
				want := []sheets.MergedArea{{FirstRow: 2, LastRow: 4, FirstCol: 0, LastCol: 0}, {FirstRow: 10, LastRow: 11, FirstCol: 1, LastCol: 2}}
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(sheets.MergedArea{}, sheets.Cell{})); diff != "" {
					t.Errorf("merged areas (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestMergedRefRefuses: a range that is not one is no merged area.
func TestMergedRefRefuses(t *testing.T) {
	for _, ref := range []string{"", "A1", "A:B", "B2:A1", "A3:A1", "A0:A2", "1A:2B", "A1:XFE2"} {
		if a, ok := mergedRef(ref); ok {
			t.Errorf("mergedRef(%q) = %+v, want none", ref, a)
		}
	}
}
