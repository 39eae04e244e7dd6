package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// rawPart returns the compressed bytes of a part of the zip at p.
func rawPart(t *testing.T, p, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			r, err := f.OpenRaw()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("%s has no part %s", p, name)
	return nil
}

// TestWriteCopiesPersonsTabs writes the bot's tabs into a workbook: the
// person's tabs are copied into the new file as they were stored, not
// compressed again.
func TestWriteCopiesPersonsTabs(t *testing.T) {
	p := sinkSource(t, false)
	parts := zipParts(t, p)
	persons := map[string][]byte{}
	for _, s := range bookSheets(t, parts) {
		part := sheetPart(t, parts, s.Name)
		persons[part] = rawPart(t, p, part)
	}
	if len(persons) == 0 {
		t.Fatal("the workbook has no tabs")
	}
	writeOK(t, p, sinkTabs(t, 3), WriteOptions{})
	for part, before := range persons {
		if after := rawPart(t, p, part); !bytes.Equal(before, after) {
			t.Errorf("%s: its stored bytes changed (%d bytes, then %d)", part, len(before), len(after))
		}
	}
}

// TestRawZipRefusesChangedPart copies a part whose bytes, as written, are
// not the part's: the save fails rather than keep the old bytes.
func TestRawZipRefusesChangedPart(t *testing.T) {
	var src bytes.Buffer
	zw := zip.NewWriter(&src)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, "<worksheet>old</worksheet>")
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(src.Bytes()), int64(src.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"<worksheet>old</worksheet>", "<worksheet>new</worksheet>"} {
		var out bytes.Buffer
		z := newRawZip(&out, map[string]*zip.File{zr.File[0].Name: zr.File[0]}, nil, func(string) bool { return false })
		pw, err := z.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, content)
		err = z.Close()
		if changed := strings.Contains(content, "new"); changed != (err != nil) {
			t.Errorf("written %q: Close error %v", content, err)
		}
		if err == nil {
			r, _ := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
			rc, _ := r.File[0].Open()
			got, _ := io.ReadAll(rc)
			if string(got) != content {
				t.Errorf("copied part reads %q", got)
			}
		}
	}
}

// TestSinkWithStandIns runs the sink's tests with every tab but the
// ledger given to excelize as a stand-in (as a tab of a megabyte or more
// is): a person's tabs are copied as they were, and the bot's replaced.
func TestSinkWithStandIns(t *testing.T) {
	old := standInMin
	standInMin = 1
	t.Cleanup(func() { standInMin = old })
	for name, test := range map[string]func(*testing.T){
		"CreatesTabs":      TestWriteWorkbookCreatesTabs,
		"ReplacesTabs":     TestWriteWorkbookReplacesTabs,
		"LeavesOtherTabs":  TestWriteWorkbookLeavesOtherTabs,
		"ChartAfterPerson": TestWriteWorkbookChartAfterPersons,
		"Ledger":           TestWorkbookLedger,
		"Hidden":           TestWriteWorkbookHidden,
		"ColorScales":      TestWriteWorkbookColorScales,
		"CopiesPersons":    TestWriteCopiesPersonsTabs,
		"RowsXML":          TestWriteRowsXML,
	} {
		t.Run(name, test)
	}
}
