package report

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
)

// TestReadmeImages keeps the README's pictures current: it reads the
// demo's sample (whose dates end in October 2026, so that the demo run in
// November 2026 shows them as they are), draws the waterfall chart and the
// digest of October 2026 as mrrbot posts them, and compares them with
// docs/images. Run `go test ./report -run ReadmeImages -update` to redraw
// them, and look at them before committing.
func TestReadmeImages(t *testing.T) {
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("..", "cmd", "mrrbot", "demo", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	loaded, err := sheets.ReadCSV(open("subscriptions.csv"), open("fx.csv"), sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	month := calc.MonthOf(2026, time.October)
	res := loaded.Book.Compute(month.LastDay())

	chart, err := WaterfallPNG(res, month, 12)
	if err != nil {
		t.Fatal(err)
	}
	issues := IssueRows(loaded.Errors, loaded.FXErrors, res.Warnings)
	d, err := NewDigest(res, month, issues, "")
	if err != nil {
		t.Fatal(err)
	}
	digest, err := d.PNG()
	if err != nil {
		t.Fatal(err)
	}

	for name, got := range map[string][]byte{"waterfall.png": chart, "digest.png": digest} {
		path := filepath.Join("..", "docs", "images", name)
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
			t.Errorf("docs/images/%s is out of date: run go test ./report -run ReadmeImages -update, and look at it", name)
		}
	}
}
