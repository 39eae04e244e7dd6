package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/report"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// TestReadmeImages keeps the README's pictures current: it runs the demo,
// draws the waterfall chart and the digest of its last month (October
// 2026) as mrrbot posts them, and compares them with docs/images. Run
// `go test ./cmd/mrrbot -run ReadmeImages -update` to redraw them, and look
// at them before committing.
func TestReadmeImages(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "demo.xlsx")
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	if _, stderr, err := mrrbotAt(t, now, map[string]string{"MRRBOT_TIMEZONE": "UTC"}, "demo", "--out", book); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	loaded, err := xlsx.Read(book, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	month := calc.MonthOf(2026, time.October)
	res := loaded.Book.Compute(month.LastDay())

	chart, err := report.WaterfallPNG(res, month, 12)
	if err != nil {
		t.Fatal(err)
	}
	issues := report.IssueRows(loaded.Errors, loaded.FXErrors, res.Warnings)
	d, err := report.NewDigest(res, month, issues, "")
	if err != nil {
		t.Fatal(err)
	}
	digest, err := d.PNG()
	if err != nil {
		t.Fatal(err)
	}

	for name, got := range map[string][]byte{"waterfall.png": chart, "digest.png": digest} {
		path := filepath.Join("..", "..", "docs", "images", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to draw it)", err)
		}
		// Glyph outlines are rasterised in float32, which architectures
		// with fused multiply-add round differently; the pictures are
		// drawn on amd64 (see report's TestWaterfallPNG).
		if runtime.GOARCH != "amd64" {
			t.Logf("%s: pictures are compared on amd64, not %s", name, runtime.GOARCH)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/images/%s is out of date: run go test ./cmd/mrrbot -run ReadmeImages -update, and look at it", name)
		}
	}
}
