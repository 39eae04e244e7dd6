package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// demoOut keeps the demo workbook that TestDemoWorkbookForImages writes,
// for docs/images/render to draw its tabs.
var demoOut = flag.String("demo-out", "", "write the demo workbook, as of the README's day, to this path")

// readmeNow is the day the README's pictures and demo output are drawn
// on, so that they stay the same whatever day they are redrawn: the demo
// then reports October 2026, its last complete month.
var readmeNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// TestDemoWorkbookForImages runs the demo as of readmeNow and, with
// -demo-out, keeps the workbook it synced: docs/images/render draws its
// tabs. Without the flag it checks only that the demo runs on that day.
func TestDemoWorkbookForImages(t *testing.T) {
	book := filepath.Join(t.TempDir(), "demo.xlsx")
	if _, stderr, err := mrrbotAt(t, readmeNow, map[string]string{"MRRBOT_TIMEZONE": "UTC"}, "demo", "--out", book); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	if *demoOut == "" {
		return
	}
	data, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*demoOut, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
