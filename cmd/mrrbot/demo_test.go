package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrrbot/mrrbot/calc"
	"github.com/mrrbot/mrrbot/sheets"
	"github.com/mrrbot/mrrbot/sheets/xlsx"
)

// mrrbotAt runs the command line with the clock at now.
func mrrbotAt(t *testing.T, now time.Time, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	c := &cli{getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb, now: func() time.Time { return now }}
	err := c.run(context.Background(), args)
	return out.String(), errb.String(), err
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "demo.xlsx")
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	stdout, stderr, err := mrrbotAt(t, now, map[string]string{"MRRBOT_TIMEZONE": "UTC"}, "demo", "--out", out)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	t.Log(stdout)
	// The sample's last month, October 2026, is the last complete month on
	// this date, so the digest shows the sample's own figures, which were
	// worked out independently of the engine.
	for _, want := range []string{
		"MRR for October 2026: $7,517.20",
		"32 customers",
		"2 rows have problems",
		"Data Issues",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// The workbook holds the source tabs and the bot's tabs.
	loaded, err := xlsx.Read(out, sheets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Errors) != 2 {
		t.Errorf("sample has %d bad rows, want 2: %v", len(loaded.Errors), loaded.Errors)
	}
	res := loaded.Book.Compute(calc.DateOf(2026, 10, 31))
	if got := res.Months[len(res.Months)-1].Ending.Decimal().StringFixed(2); got != "7517.20" {
		t.Errorf("October 2026 MRR = %s, want 7517.20", got)
	}
	ledger, err := xlsx.ReadLedger(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"tab:summary", "tab:movements", "tab:issues", demoMarker} {
		if ledger[key] == "" {
			t.Errorf("ledger lacks %s: %v", key, ledger)
		}
	}

	// A second run writes over the demo's own workbook.
	if _, stderr, err := mrrbotAt(t, now, nil, "demo", "--out", out); err != nil {
		t.Fatalf("second demo: %v\n%s", err, stderr)
	}
	// It never writes over someone else's file.
	other := filepath.Join(dir, "mine.xlsx")
	if err := os.WriteFile(other, []byte("not mine to touch"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = mrrbotAt(t, now, nil, "demo", "--out", other)
	if err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("demo over a person's file: %v", err)
	}
	if b, _ := os.ReadFile(other); string(b) != "not mine to touch" {
		t.Error("demo changed a person's file")
	}
}

// TestDemoMovesWithTheCalendar runs the demo a year later: the sample's
// dates move so that its last month is again the last complete month.
func TestDemoMovesWithTheCalendar(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.xlsx")
	stdout, stderr, err := mrrbotAt(t, time.Date(2027, 11, 3, 9, 0, 0, 0, time.UTC), map[string]string{"MRRBOT_TIMEZONE": "UTC"}, "demo", "--out", out)
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "MRR for October 2027: $7,517.20") {
		t.Errorf("demo a year later:\n%s", stdout)
	}
}
